"""The LinearQuantileRegressor scale benchmark (benchmarks/_quantile_lqr.py) on a tiny case: the records,
the objective comparison against scikit-learn's HiGHS fit, and the optimality-condition check."""

import numpy as np

from benchmarks import _quantile_lqr as lqr


def test_cells_per_mode():
    quick = {c.name: c.kwargs for c in lqr.cells("quick")}
    full = {c.name: c.kwargs for c in lqr.cells("full")}
    assert quick["lqr_vs_sklearn"]["peer_levels"] == (0.5,) and quick["lqr_vs_sklearn"]["n"] < 100_000
    assert full["lqr_vs_sklearn"]["n"] == 100_000 and len(full["lqr_vs_sklearn"]["peer_levels"]) == 19
    assert quick["lqr_million"]["n"] == 1_000_000


def test_vs_sklearn_records_equal_objectives():
    out = lqr.cell_vs_sklearn(600, 3, (0.05, 0.5))
    peer = [r for r in out if r["kind"] == lqr.KIND and r["method"].startswith("sklearn")]
    assert [r["level"] for r in peer] == [0.05, 0.5]
    for r in peer:  # the same LP optimum, computed independently
        assert abs(r["rel_objective_diff"]) <= 1e-6
        assert np.isclose(r["objective"], r["objective_ours"], rtol=1e-6)
    heads = [r for r in out if r["kind"] == "headline"]
    assert len(heads) == 2 and heads[1]["passed"]
    ours = [r for r in out if r["kind"] == lqr.KIND and r["method"].startswith("statlearn")][0]
    assert ours["peer_seconds_19_levels"] > 0 and ours["speedup"] > 0


def test_optimality_condition_fails_for_a_wrong_fit(monkeypatch):
    out = lqr.cell_million(3000, 4)
    assert [r for r in out if r["kind"] == lqr.KIND][0]["certificate_holds"] is True

    from statlearn.quantile import LinearQuantileRegressor

    fit = LinearQuantileRegressor.fit

    def shifted(self, X, y, *a, **k):  # every hyperplane moved up by one unit: the condition must fail
        fit(self, X, y, *a, **k)
        self.intercept_ = self.intercept_ + 1.0
        return self

    monkeypatch.setattr(LinearQuantileRegressor, "fit", shifted)
    out = lqr.cell_million(3000, 4)
    assert [r for r in out if r["kind"] == lqr.KIND][0]["certificate_holds"] is False


def test_report_section():
    out = lqr.cell_million(2000, 3)
    text = lqr.report_section(out)
    assert "LinearQuantileRegressor at scale" in text and "| 2000 |" in text
    assert lqr.report_section([]) == ""
