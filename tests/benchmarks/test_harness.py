"""The benchmark harness: timing, records, the runner, and the Dask scale-out path."""

import json
import time

import pytest

from benchmarks import __main__ as runner
from benchmarks import bench_datasets
from benchmarks._harness import Cell, compare_speed, discover, headline, markdown_table, record, time_call


def _sleep(seconds):
    time.sleep(seconds)


def _boom():
    raise RuntimeError("cell failed on purpose")


def test_time_call_measures_median():
    t = time_call(lambda: _sleep(0.01), repeats=3, warmup=0)
    assert 0.009 < t < 0.1


def test_compare_speed_ratio_direction():
    recs = compare_speed("sleep", lambda: _sleep(0.002), {"slow": lambda: _sleep(0.02), "absent": None},
                         repeats=3, warmup=0)
    by = {r["method"]: r for r in recs}
    assert by["slow"]["ratio"] > 3  # peer 10x slower -> ratio well above 1
    assert by["absent"]["ratio"] is None and "not installed" in by["absent"]["note"]


def test_cell_turns_exceptions_into_error_records():
    out = Cell("x", "boom", _boom).run()
    assert out[0]["kind"] == "error" and "cell failed on purpose" in out[0]["error"]
    assert out[-1]["kind"] == "cell_time"


def test_records_are_json_friendly():
    import numpy as np

    r = record(value=np.float64(1.5), n=np.int64(3), arr=np.arange(2), bad=float("nan"))
    json.dumps(r)
    assert r["bad"] is None
    h = headline("claim", 2.0, ">= 1", np.bool_(True))
    assert h["passed"] is True and h["kind"] == "headline"
    assert "| a |" in markdown_table([{"a": 1.0}], ["a"])


def test_discovery_finds_registered_areas():
    areas = {m.AREA for m in discover()}
    assert "datasets" in areas
    assert {m.AREA for m in discover(["datasets"])} == {"datasets"}


def test_runner_end_to_end(tmp_path):
    code = runner.main(["--quick", "--only", "datasets", "--out", str(tmp_path), "--n-jobs", "1"])
    assert code == 0
    res = json.loads((tmp_path / "results.json").read_text())
    heads = [r for r in res["records"] if r["kind"] == "headline"]
    assert heads and all(h["passed"] for h in heads)
    report = (tmp_path / "report.md").read_text()
    assert "## Summary" in report and "## datasets" in report


@pytest.mark.slow
def test_dask_local_cluster_path():
    import dask.distributed  # noqa: F401  (the dev extra installs it; a missing one must fail)

    cells = [Cell("datasets", "a", bench_datasets._load, {"names": ["engel", "boston"]}),
             Cell("datasets", "b", bench_datasets._load, {"names": ["concrete"]})]
    out = [r for recs in runner.run_cells(cells, n_jobs=1, dask_local=True) for r in recs]
    loaded = sorted(r["dataset"] for r in out if r["kind"] == "quality")
    assert loaded == ["boston", "concrete", "engel"]
    assert all(r["available"] for r in out if r["kind"] == "quality")
