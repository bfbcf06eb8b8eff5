"""Committed notebooks equal their jupytext sources and carry their outputs.

Each ``notebooks/<name>.py`` (py:percent) is the only source of ``notebooks/<name>.ipynb``;
``make notebooks-build`` regenerates every notebook with outputs. ``make notebooks`` (part of
``make test``) executes the committed notebooks.
"""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("jupytext")

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = build.sources()


def test_every_notebook_has_one_source():
    committed = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert committed == set(SOURCES), (
        f"notebooks without a source: {sorted(committed - set(SOURCES))}; "
        f"sources without a notebook: {sorted(set(SOURCES) - committed)}")
    assert not list(ROOT.glob("tests/**/_make_notebook.py")), "notebook generators other than the sources"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_notebook_matches_source(name):
    committed = nbformat.read(str(ROOT / "notebooks" / f"{name}.ipynb"), as_version=4)
    expected = build.from_source(SOURCES[name])
    got, want = build.cells_of(committed), build.cells_of(expected)
    for i, (g, w) in enumerate(zip(got, want, strict=False)):
        assert g == w, f"{name}.ipynb cell {i} differs from notebooks/{name}.py: run `make notebooks-build`"
    assert len(got) == len(want), f"{name}.ipynb has {len(got)} cells, its source {len(want)}"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_notebook_committed_with_outputs(name):
    nb = nbformat.read(str(ROOT / "notebooks" / f"{name}.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert None not in counts, f"{name}.ipynb has unexecuted cells: run `make notebooks-build`"
    assert counts == sorted(counts), f"{name}.ipynb was not executed top to bottom"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}.ipynb was committed with an error output: {errors[0].get('ename')}"
    draws = any(re.search(r"\bplt\.|\.plot\(|from_estimator|from_predictions", c.source) for c in code)
    images = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    if draws:
        assert images > 0, f"{name}.ipynb draws figures but carries none"
