"""Build the committed notebooks from their sources, with outputs: ``make notebooks-build``.

One source format: each ``notebooks/<name>.py`` is a jupytext "py:percent" script (cells start
with ``# %%``; markdown cells with ``# %% [markdown]``). This script turns each source into
``notebooks/<name>.ipynb``, executes it top to bottom in a fresh kernel (inline figures, one
BLAS/OpenMP thread) and writes it with its outputs. Edit the ``.py`` source, never the ``.ipynb``;
``tests/test_notebooks.py`` fails when a committed notebook's cells differ from its source.

Usage::

    python tools/build_notebooks.py                 # every notebook
    python tools/build_notebooks.py quantile_aggregation ordinal_presto_rare_events
    python tools/build_notebooks.py --no-execute    # cells only (fast; outputs dropped)
"""

import argparse
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def sources():
    """Every notebook source, ``{name: path}``."""
    return {p.stem: p for p in sorted(NOTEBOOKS.glob("*.py"))}


def cells_of(nb):
    """What the source determines: the (type, text) of every cell."""
    return [(c.cell_type, c.source.strip("\n")) for c in nb.cells]


def from_source(path):
    """The notebook (no outputs) that a ``.py`` source defines; cell ids are stable."""
    nb = jupytext.read(str(path), fmt="py:percent")
    out = nbformat.v4.new_notebook()
    out.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for i, (kind, src) in enumerate(cells_of(nb)):
        cell = nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
        cell.id = f"cell-{i:02d}"
        out.cells.append(cell)
    return out


def execute(nb, timeout=900):
    from nbclient import NotebookClient

    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    os.environ.update({k: os.environ.get(k, v) for k, v in env.items()})
    # The inline backend draws the figures into the outputs; an inherited Agg backend would not.
    os.environ.pop("MPLBACKEND", None)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    nb.metadata.pop("widgets", None)
    return nb


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="notebook names (default: all)")
    ap.add_argument("--no-execute", action="store_true", help="write cells only, without outputs")
    args = ap.parse_args(argv)
    srcs = sources()
    unknown = sorted(set(args.names) - set(srcs))
    if unknown:
        sys.exit(f"unknown notebook(s) {unknown}; known: {sorted(srcs)}")
    for name in args.names or srcs:
        t0 = time.perf_counter()
        nb = from_source(srcs[name])
        if not args.no_execute:
            nb = execute(nb)
        nbformat.write(nb, str(NOTEBOOKS / f"{name}.ipynb"))
        print(f"wrote notebooks/{name}.ipynb ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
