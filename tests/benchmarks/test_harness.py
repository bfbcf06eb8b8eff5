"""The benchmark harness: timing, records, the runner, and the Dask scale-out path."""

import json

import pytest

from benchmarks import __main__ as runner
from benchmarks import bench_datasets
from benchmarks._harness import (
    MISSING_REASON,
    Cell,
    compare_speed,
    discover,
    format_value,
    headline,
    markdown_table,
    record,
    summary_table,
    time_call,
)


class FakeClock:
    """A deterministic ``time`` stand-in: calls advance it, nothing reads the wall clock."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now

    def work(self, seconds):
        return lambda: setattr(self, "now", self.now + seconds)


@pytest.fixture
def clock(monkeypatch):
    import benchmarks._harness as harness

    fake = FakeClock()
    monkeypatch.setattr(harness, "time", fake)
    return fake


def _boom():
    raise RuntimeError("cell failed on purpose")


def test_time_call_measures_median(clock):
    durations = iter([5.0, 1.0, 2.0, 3.0])  # warm-up, then three timed runs
    assert time_call(lambda: clock.work(next(durations))(), repeats=3, warmup=1) == 2.0


def test_time_call_min_time_reports_time_per_call(clock):
    assert time_call(clock.work(0.25), repeats=3, warmup=0, min_time=1.0) == 0.25


def test_compare_speed_ratio_direction(clock):
    recs = compare_speed("work", clock.work(2.0), {"slow": clock.work(20.0), "absent": None}, repeats=3, warmup=0)
    by = {r["method"]: r for r in recs}
    assert by["statlearn"]["seconds"] == 2.0
    assert by["slow"]["ratio"] == 10.0  # peer 10x slower -> ratio 10
    assert by["absent"]["ratio"] is None and "not installed" in by["absent"]["note"]


def test_headline_units_and_reasons():
    ok = headline("speed vs peer", 12.5, ">= 2", True, unit="x")
    assert ok["unit"] == "x" and ok["reason"] is None
    assert headline("miss", 1.0, ">= 2", False)["reason"] == MISSING_REASON
    no = headline("cold start", 4.2, "< 3 s", False, unit="s", reason="PRESTO compiles 6 solver kernels")
    table = summary_table([dict(ok, area="a"), dict(no, area="a")])
    assert "| 12.5x |" in table and "| 4.2 s |" in table
    assert "| NO | PRESTO compiles 6 solver kernels |" in table
    assert format_value(None, "s") == "-" and format_value(3, "%") == "3 %"


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
    # The report opens with the per-area advice, before the summary table.
    assert report.index("## What to use when") < report.index("### datasets") < report.index("## Summary")
    assert "data sets load offline" in report.split("## Summary")[0]


@pytest.mark.slow
def test_dask_local_cluster_path():
    import dask.distributed  # noqa: F401  (the dev extra installs it; a missing one must fail)

    cells = [Cell("datasets", "a", bench_datasets._load, {"names": ["engel", "boston"]}),
             Cell("datasets", "b", bench_datasets._load, {"names": ["concrete"]})]
    out = [r for recs in runner.run_cells(cells, n_jobs=1, dask_local=True) for r in recs]
    loaded = sorted(r["dataset"] for r in out if r["kind"] == "quality")
    assert loaded == ["boston", "concrete", "engel"]
    assert all(r["available"] for r in out if r["kind"] == "quality")
