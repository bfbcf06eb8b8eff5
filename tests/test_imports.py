"""Importing an area loads no heavy optional machinery: that loads on first use.

A correctness property, not a timing (import times are measured in benchmarks/bench_coldstart.py):
after ``import statlearn.<area>`` in a fresh interpreter, none of the modules below may be in
``sys.modules`` unless ``import sklearn.base, numba`` (the floor every area needs) already loaded
them.
"""

import json
import subprocess
import sys

import pytest

AREAS = ["quantile", "calibration", "ordinal", "online", "bandits", "adaptive", "datasets"]
# cvxpy: PRESTO's oracle and solvers; matplotlib: plotting only; pandas: an output format;
# scipy.optimize: a few solvers; dask / tqdm / statsmodels: optional extras.
HEAVY = ["cvxpy", "matplotlib", "pandas", "scipy.optimize", "dask", "tqdm", "statsmodels", "torch"]

_PROBE = """
import json, sys
import sklearn.base, numba
floor = set(sys.modules)
import {module}
heavy = {heavy!r}
print(json.dumps({{"new": [m for m in heavy if m in sys.modules and m not in floor],
                   "floor": [m for m in heavy if m in floor]}}))
"""


def _probe(module):
    out = subprocess.run([sys.executable, "-c", _PROBE.format(module=module, heavy=HEAVY)], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("area", AREAS)
def test_area_import_loads_no_heavy_module(area):
    res = _probe(f"statlearn.{area}")
    assert res["new"] == [], (f"`import statlearn.{area}` loads {res['new']}: import them inside the "
                              "function that needs them")


def test_top_level_import_is_light():
    res = _probe("statlearn")
    assert res["new"] == []
    assert "cvxpy" not in res["floor"] and "matplotlib" not in res["floor"]  # the check above can fail
