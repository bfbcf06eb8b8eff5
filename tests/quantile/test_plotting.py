"""CoverageDisplay: bars equal per-group coverages counted by hand, error bars are 2 binomial
standard errors at the nominal level, groups reach a group-conditional model, and bad input names
the argument."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.frozen import FrozenEstimator

from statlearn.quantile import (
    ConformalQuantileRegressor,
    CoverageDisplay,
    LinearQuantileRegressor,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    old = X[:, 1] > 0.3
    y = X[:, 0] + np.where(old, 2.0, 0.7) * rng.normal(size=n)
    groups = pd.DataFrame({"old": old, "left": X[:, 0] < 0})  # intersecting
    return X, y, groups


def _by_hand(y, interval, mask):
    inside = (interval[:, 0] <= y) & (y <= interval[:, 1])
    return inside[mask].mean()


def test_bars_are_the_per_group_coverages():
    X, y, groups = _data()
    rng = np.random.default_rng(1)
    a = np.column_stack([X[:, 0] - 1.5, X[:, 0] + 1.5])
    b = a + rng.normal(scale=0.3, size=a.shape)
    b.sort(axis=1)
    disp = CoverageDisplay.from_predictions(y, {"a": a, "b": b}, groups, confidence_level=0.8)
    assert list(disp.coverage.index) == ["all rows", "old", "left"]
    assert list(disp.coverage.columns) == ["a", "b"]
    np.testing.assert_array_equal(disp.n_samples, [600, groups["old"].sum(), groups["left"].sum()])
    for name, interval in (("a", a), ("b", b)):
        heights = [r.get_height() for r in disp.bars_[name]]
        expected = [_by_hand(y, interval, np.ones(600, bool)), _by_hand(y, interval, groups["old"].to_numpy()),
                    _by_hand(y, interval, groups["left"].to_numpy())]
        np.testing.assert_allclose(heights, expected, rtol=0, atol=1e-15)
        np.testing.assert_allclose(disp.coverage[name], expected, rtol=0, atol=1e-15)
    # the error bars: 2 * sqrt(c (1 - c) / n) around each bar
    caps = disp.bars_["a"].errorbar.lines[2][0].get_segments()
    half = [(seg[1, 1] - seg[0, 1]) / 2 for seg in caps]
    np.testing.assert_allclose(half, 2 * np.sqrt(0.8 * 0.2 / disp.n_samples), rtol=1e-12)
    assert any(line.get_linestyle() == "--" and line.get_ydata()[0] == 0.8 for line in disp.ax_.lines)


def test_from_estimator_passes_groups_to_a_group_conditional_fit():
    X, y, groups = _data(n=3000)
    q = (0.05, 0.5, 0.95)
    base = FrozenEstimator(LinearQuantileRegressor(quantiles=q).fit(X[:1000], y[:1000]))
    cal, test = slice(1000, 2000), slice(2000, None)
    marginal = ConformalQuantileRegressor(base, quantiles=q).fit(X[cal], y[cal])
    conditional = ConformalQuantileRegressor(base, quantiles=q).fit(X[cal], y[cal], groups=groups[cal])
    g_test = groups.iloc[2000:].reset_index(drop=True)
    disp = CoverageDisplay.from_estimator({"marginal": marginal, "conditional": conditional}, X[test], y[test],
                                          g_test, confidence_level=0.9)
    I_c = conditional.predict_interval(X[test], 0.9, groups=g_test)
    I_m = marginal.predict_interval(X[test], 0.9)
    old = g_test["old"].to_numpy()
    assert disp.coverage.loc["old", "conditional"] == pytest.approx(_by_hand(y[test], I_c, old), abs=1e-15)
    assert disp.coverage.loc["old", "marginal"] == pytest.approx(_by_hand(y[test], I_m, old), abs=1e-15)
    # the noisy group: marginal calibration under-covers it, the conditional mode does not
    assert disp.coverage.loc["old", "marginal"] < 0.87 < disp.coverage.loc["old", "conditional"]


def test_single_estimator_is_named_by_its_class_and_no_groups_gives_all_rows():
    X, y, _ = _data()
    model = ConformalQuantileRegressor(FrozenEstimator(LinearQuantileRegressor().fit(X, y))).fit(X, y)
    disp = CoverageDisplay.from_estimator(model, X, y, confidence_level=0.8)
    assert list(disp.coverage.columns) == ["ConformalQuantileRegressor"]
    assert list(disp.coverage.index) == ["all rows"]
    fig, ax = plt.subplots()
    assert CoverageDisplay.from_predictions(y, model.predict_interval(X, 0.8), ax=ax, name="m").ax_ is ax


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda y, I, g: CoverageDisplay.from_predictions(y, I[:, :1], g), ValueError,
         r"`y_interval`.*\(n_samples, 2\)"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y[:-1], I, g), ValueError, "inconsistent|length|samples"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y, {}, g), ValueError, "empty dict"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y, {"a": I}, g, name="x"), ValueError, "`name`"),
        (lambda y, I, g: CoverageDisplay.from_predictions(np.where(y > 0, np.nan, y), I, g), ValueError, "y_true"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y, I, g.iloc[:-1]), ValueError, "groups"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y, I, g.rename(columns={"old": "all rows"})), ValueError,
         "all rows"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y, I, g, confidence_level=1.5), ValueError,
         "confidence_level"),
        (lambda y, I, g: CoverageDisplay.from_estimator(object(), I, y, g), TypeError, "predict_interval"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y, I, g.assign(none=False)), ValueError,
         r"no rows.*\['none'\]"),
        (lambda y, I, g: CoverageDisplay.from_predictions(y, np.where(I > 0, np.nan, I), g), ValueError,
         "`y_interval`"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    X, y, groups = _data()
    interval = np.column_stack([X[:, 0] - 1.0, X[:, 0] + 1.0])
    with pytest.raises(error, match=match):
        call(y, interval, groups)


def test_plot_refuses_counts_that_do_not_match_the_table():
    table = pd.DataFrame({"a": [0.9, 0.8]}, index=["all rows", "g"])
    with pytest.raises(ValueError, match="n_samples"):
        CoverageDisplay(table, [10]).plot()
