"""Documentation contracts: the README quickstart runs, public docstrings are valid numpydoc."""

import importlib
import inspect
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

import statlearn
from statlearn._discovery import AREAS

ROOT = Path(__file__).resolve().parents[1]


def test_readme_has_the_two_commands_and_a_runnable_quickstart():
    text = (ROOT / "README.md").read_text()
    assert "make bench" in text and "make test" in text
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README must contain a Python quickstart"
    quick = blocks[0]
    assert len(quick.strip().splitlines()) <= 15
    exec(compile(quick, "README quickstart", "exec"), {})


def test_docs_quickstart_fits_a_model():
    """Every Python block of docs/quickstart.rst runs, in order, and the first fits a model."""
    text = (ROOT / "docs" / "quickstart.rst").read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text)
    assert len(blocks) >= 2 and ".fit(" in blocks[0]
    env = {}
    for block in blocks:
        exec(compile(textwrap.dedent(block), "docs/quickstart.rst", "exec"), env)
    assert env["lo_hi"].shape == (len(env["y_te"]), 2)
    assert 0.8 <= float(np.ravel(env["coverage"](env["y_te"], env["Q"], per="pair"))[0]) <= 1.0


def test_gallery_sections_nest_under_the_gallery_title():
    """Each area's gallery README is a "-" subsection of docs/examples/README.rst's "=" title."""
    for readme in sorted((ROOT / "docs" / "examples").glob("*/README.rst")):
        title, underline = readme.read_text().splitlines()[:2]
        assert set(underline) == {"-"} and len(underline) >= len(title), readme


def _public_objects():
    for area in (*AREAS, "datasets"):
        mod = importlib.import_module(f"statlearn.{area}")
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"statlearn.{area}.{name}", obj


PUBLIC = sorted(_public_objects(), key=lambda t: t[0])

# numpydoc checks we enforce on every public object
CHECKS = {"GL08", "SS01", "SS03", "PR01", "PR02", "PR07", "PR10", "RT01"}


@pytest.mark.parametrize("qualname, obj", PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_docstring_is_valid_numpydoc(qualname, obj):
    from numpydoc.validate import validate

    res = validate(qualname)
    errors = [(code, msg) for code, msg in res["errors"] if code in CHECKS]
    assert not errors, f"{qualname}: {errors}"


def test_version():
    assert re.match(r"^\d+\.\d+\.\d+", statlearn.__version__)
    assert sorted(dir(statlearn)) == sorted(statlearn.__all__)
