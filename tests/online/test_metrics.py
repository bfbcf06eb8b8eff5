import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from statlearn.online import GroupRegretDisplay, group_regret, group_regret_curves


def _data(rng, n=400):
    X = rng.normal(size=(n, 3))
    groups = pd.DataFrame({"a": X[:, 0] > 0, "b": rng.random(n) < 0.3})
    y = X @ [1.0, -2.0, 0.5] + 2.0 * groups["b"].to_numpy() + rng.normal(size=n)
    preds = y + rng.normal(scale=1.5, size=n)
    return X, y, preds, groups


def test_group_regret_against_sklearn_hindsight(rng):
    X, y, preds, groups = _data(rng)
    table = group_regret(y, preds, X, groups)
    assert list(table.index) == ["a", "b", "always_on"]
    for name, mask in [("a", groups["a"].to_numpy()), ("b", groups["b"].to_numpy()), ("always_on", None)]:
        m = np.ones(len(y), bool) if mask is None else mask
        fit = LinearRegression().fit(X[m], y[m])
        best = np.sum((fit.predict(X[m]) - y[m]) ** 2)
        loss = np.sum((preds[m] - y[m]) ** 2)
        row = table.loc[name]
        assert row["n_samples"] == m.sum()
        assert row["cumulative_loss"] == pytest.approx(loss, rel=1e-12)
        assert row["hindsight_loss"] == pytest.approx(best, rel=1e-9)
        assert row["regret"] == pytest.approx(loss - best, rel=1e-9)
        assert row["regret_per_round"] == pytest.approx((loss - best) / m.sum(), rel=1e-9)


def test_no_intercept_and_no_groups(rng):
    X, y, preds, _ = _data(rng)
    table = group_regret(y, preds, X, fit_intercept=False)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    assert list(table.index) == ["all"]
    assert table.loc["all", "hindsight_loss"] == pytest.approx(np.sum((X @ beta - y) ** 2), rel=1e-9)


def test_curves_end_at_table_and_prefixes_match(rng):
    X, y, preds, groups = _data(rng)
    curves = group_regret_curves(y, preds, X, groups, n_checkpoints=8)
    assert curves.index.tolist() == [50, 100, 150, 200, 250, 300, 350, 400]
    table = group_regret(y, preds, X, groups)
    np.testing.assert_allclose(curves.iloc[-1].to_numpy(), table["regret"].to_numpy(), rtol=1e-8, atol=1e-8)
    prefix = group_regret(y[:200], preds[:200], X[:200], groups.iloc[:200])
    np.testing.assert_allclose(curves.loc[200].to_numpy(), prefix["regret"].to_numpy(), rtol=1e-8, atol=1e-8)


def test_display_overlays_methods_and_says_what_regret_is(rng):
    import matplotlib.pyplot as plt

    X, y, preds, groups = _data(rng)
    ours = [group_regret_curves(y, preds + s, X, groups, n_checkpoints=10) for s in (0.0, 0.1)]
    disp = GroupRegretDisplay.from_curves(ours, label="ours")
    other = GroupRegretDisplay.from_predictions(y, preds * 1.1, X, groups, label="baseline", n_checkpoints=10,
                                                ax=disp.axes_)
    assert other.figure_ is disp.figure_ and len(disp.axes_) >= 3
    panel = disp.axes_[0]
    assert len(panel.lines) >= 4  # two curves + two zero lines
    np.testing.assert_allclose(disp.lines_[panel.get_title()].get_ydata(),
                               np.mean([c[panel.get_title()] for c in ours], axis=0))
    assert "squared units of y" in panel.get_ylabel() and "round" in panel.get_xlabel()
    assert "hindsight" in disp.figure_._suptitle.get_text()
    with pytest.raises(TypeError, match="curves"):
        GroupRegretDisplay.from_curves(np.zeros(3))
    with pytest.raises(ValueError, match="band"):
        GroupRegretDisplay.from_curves(ours, band="iqr")
    with pytest.raises(ValueError, match="panels"):
        GroupRegretDisplay.from_curves(ours, ax=[panel])
    plt.close("all")


def test_display_from_estimator_runs_the_stream_prequentially(rng):
    import matplotlib.pyplot as plt

    from statlearn.online import GroupwiseRegressor, OnlineRidge

    X, y, _, groups = _data(rng)
    disp = GroupRegretDisplay.from_estimator(GroupwiseRegressor(), X, y, groups, n_checkpoints=5)
    ref = GroupwiseRegressor().fit(X, y, groups=groups).prequential_predictions_
    expected = group_regret_curves(y, ref, X, groups, n_checkpoints=5)
    for name, line in disp.lines_.items():
        np.testing.assert_allclose(line.get_ydata(), expected[name])
    assert disp.label == "GroupwiseRegressor"
    GroupRegretDisplay.from_estimator(OnlineRidge(), X, y, groups, n_checkpoints=5, ax=disp.axes_)  # no groups arg
    with pytest.raises(TypeError, match="prequential"):
        from sklearn.linear_model import Ridge

        GroupRegretDisplay.from_estimator(Ridge(), X, y, groups)
    plt.close("all")


def test_bad_input(rng):
    X, y, preds, groups = _data(rng)
    with pytest.raises(ValueError, match="Inconsistent"):
        group_regret(y, preds[:10], X, groups)
    with pytest.raises(ValueError, match="NaN"):
        group_regret(np.where(y > 1, np.nan, y), preds, X, groups)
    with pytest.raises(ValueError, match="groups"):
        group_regret(y, preds, X, groups.iloc[:10])


def test_rank_deficient_design(rng):
    # duplicated columns (e.g. group indicators that repeat one-hot features) are fine
    X, y, preds, groups = _data(rng)
    Xd = np.column_stack([X, X[:, :1], groups.to_numpy().astype(float)])
    table = group_regret(y, preds, Xd, groups)
    curves = group_regret_curves(y, preds, Xd, groups, n_checkpoints=4)
    np.testing.assert_allclose(curves.iloc[-1].to_numpy(), table["regret"].to_numpy(), rtol=1e-7, atol=1e-7)
    assert np.all(table["hindsight_loss"] >= 0)


def test_rank_deficient_matches_reduced_full_rank_fit(rng):
    X, y, preds, groups = _data(rng)
    Xd = np.column_stack([X, X[:, :1], groups.to_numpy().astype(float)])
    table = group_regret(y, preds, Xd, groups)
    m = groups["b"].to_numpy()
    # on group b: the duplicate column and the constant b indicator add nothing
    reduced = np.column_stack([X, groups["a"].to_numpy().astype(float)])[m]
    fit = LinearRegression().fit(reduced, y[m])
    best = np.sum((fit.predict(reduced) - y[m]) ** 2)
    assert table.loc["b", "hindsight_loss"] == pytest.approx(best, rel=1e-9)


def test_hindsight_fit_ignores_feature_units(rng):
    # raw units (a column near 1e7 next to a 0/1 indicator) must not push real directions below
    # the pseudo-inverse cut-off: the hindsight loss is the least-squares SSE (scipy's lstsq)
    from scipy.linalg import lstsq

    n = 400
    X = np.column_stack([rng.uniform(1e7, 2e7, n), rng.random(n) < 0.5, rng.normal(size=n)])
    y = 1e-7 * X[:, 0] + 3.0 * X[:, 1] - X[:, 2] + 0.1 * rng.normal(size=n)
    groups = np.column_stack([X[:, 1] > 0, X[:, 2] > 0])
    table = group_regret(y, np.zeros(n), X, groups)
    curves = group_regret_curves(y, np.zeros(n), X, groups, n_checkpoints=4)
    Z = np.column_stack([X, np.ones(n)])
    for j, name in enumerate(["group_0", "group_1", "always_on"]):
        m = groups[:, j] if j < 2 else np.ones(n, dtype=bool)
        beta = lstsq(Z[m], y[m])[0]
        sse = float(np.sum((Z[m] @ beta - y[m]) ** 2))
        np.testing.assert_allclose(table.loc[name, "hindsight_loss"], sse, rtol=1e-6)
        np.testing.assert_allclose(curves[name].iloc[-1], table.loc[name, "regret"], rtol=1e-6)
