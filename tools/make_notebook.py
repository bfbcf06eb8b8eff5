"""Write a notebook from a list of (kind, source) cells: ``python tools/make_notebook.py`` helpers.

Used to keep the notebooks in ``notebooks/`` reviewable as code: each
``notebooks/_src/<name>.py`` module defines ``CELLS`` and this script writes
``notebooks/<name>.ipynb`` with outputs cleared.
"""

import importlib.util
import sys
from pathlib import Path

import nbformat


def write(cells, path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, src in cells:
        src = src.strip("\n")
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src))
    nbformat.write(nb, str(path))


def main(argv):
    root = Path(__file__).resolve().parents[1] / "notebooks"
    names = argv or [p.stem for p in (root / "_src").glob("*.py")]
    for name in names:
        spec = importlib.util.spec_from_file_location(name, root / "_src" / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        write(mod.CELLS, root / f"{name}.ipynb")
        print("wrote", root / f"{name}.ipynb")


if __name__ == "__main__":
    main(sys.argv[1:])
