"""statlearn._parallel: workers limit their BLAS/OpenMP pools; results and config as joblib's.

Speed itself is measured in benchmarks/bench_coldstart.py (n_jobs=1 vs 2), never asserted here.
"""

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
import sklearn
from threadpoolctl import threadpool_info

from statlearn._parallel import Parallel, delayed, inner_threads

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _pools():
    """Threads of every BLAS/OpenMP pool loaded in this worker (numpy's BLAS always is)."""
    import sklearn.ensemble  # noqa: F401  (loads scikit-learn's OpenMP runtime)

    return {d["user_api"]: d["num_threads"] for d in threadpool_info()}


def _config_and_warnings():
    with warnings.catch_warnings(record=True) as rec:
        warnings.warn("probe", UserWarning, stacklevel=1)
    return sklearn.get_config()["assume_finite"], len(rec)


def _square(x):
    return float(np.dot(x, x))


def test_inner_threads():
    assert inner_threads(1) is None
    assert inner_threads(None) is None
    n = joblib.cpu_count()
    assert inner_threads(2) == max(1, n // 2)
    assert inner_threads(2, inner_max_num_threads=3) == 3
    with joblib.parallel_config(n_jobs=2):
        assert inner_threads(None) == max(1, n // 2)


_PROBE = """
import json, sys
import joblib
sys.path.insert(0, {tests!r})
from test_parallel import _pools
from statlearn._parallel import Parallel, delayed
backend = {backend!r}
ours = Parallel(n_jobs=2, backend=backend)(delayed(_pools)() for _ in range(4))
plain = joblib.Parallel(n_jobs=2, backend=backend)(joblib.delayed(_pools)() for _ in range(4))
one = Parallel(n_jobs=2, backend=backend, inner_max_num_threads=1)(delayed(_pools)() for _ in range(2))
print(json.dumps({{"ours": ours, "plain": plain, "one": one, "parent": _pools()}}))
"""


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_workers_limit_their_pools(backend):
    # A fresh interpreter without the suite's one-thread variables, so pools start at full size.
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    code = _PROBE.format(tests=str(Path(__file__).parent), backend=backend)
    out = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    check=True, timeout=300).stdout)
    limit = max(1, joblib.cpu_count() // 2)
    for p in out["ours"]:
        assert p, "no BLAS/OpenMP pool seen in the worker"
        assert all(v <= limit for v in p.values()), p
    assert all(v == 1 for p in out["one"] for v in p.values()), out["one"]
    if backend == "threading" and max(out["parent"].values()) > limit:
        # The probe can fail: plain joblib thread workers share the parent's full-size pools.
        assert any(v > limit for p in out["plain"] for v in p.values()), out["plain"]


def test_one_job_runs_unlimited_in_process():
    before = _pools()
    (inside,) = Parallel(n_jobs=1)(delayed(_pools)() for _ in range(1))
    assert inside == before


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_results_match_joblib(n_jobs):
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=50) for _ in range(6)]
    ours = Parallel(n_jobs=n_jobs)(delayed(_square)(x) for x in xs)
    ref = joblib.Parallel(n_jobs=1)(joblib.delayed(_square)(x) for x in xs)
    assert ours == ref
    gen = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(_square)(x) for x in xs)
    assert list(gen) == ref


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sklearn_config_and_warning_filters_travel(n_jobs):
    with sklearn.config_context(assume_finite=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = Parallel(n_jobs=n_jobs)(delayed(_config_and_warnings)() for _ in range(2))
    assert out == [(True, 0), (True, 0)]
