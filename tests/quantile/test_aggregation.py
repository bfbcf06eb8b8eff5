import cvxpy as cp
import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, QuantileRegressor
from sklearn.model_selection import GridSearchCV

from statlearn.quantile import (
    MultiQuantileRegressor,
    QuantileAggregator,
    aggregation_weights,
    pinball_loss,
    weighted_interval_scorer,
)
from tests.quantile import _oracles

Q3 = np.array([0.1, 0.5, 0.9])


def _pin(r, t):
    return cp.sum(cp.maximum(cp.multiply(t, r), cp.multiply(t - 1, r)))


def _cvxpy_weights(Z, y, q, kind, s, simplex):
    n, p, m = Z.shape
    cons = []
    if kind == "coarse":
        w = cp.Variable(p)
        obj = sum(_pin(cp.multiply(s, y - Z[:, :, k] @ w), q[k]) for k in range(m))
        cons = [w >= 0, cp.sum(w) == 1] if simplex else []
        cp.Problem(cp.Minimize(obj), cons).solve(solver=cp.CLARABEL)
        return w.value, obj.value
    if kind == "medium":
        w = cp.Variable((p, m))
        obj = sum(_pin(cp.multiply(s, y - Z[:, :, k] @ w[:, k]), q[k]) for k in range(m))
        cons = [w >= 0, cp.sum(w, axis=0) == 1] if simplex else []
        cp.Problem(cp.Minimize(obj), cons).solve(solver=cp.CLARABEL)
        return w.value, obj.value
    A = Z.reshape(n, p * m)
    w = cp.Variable((p * m, m))
    obj = sum(_pin(cp.multiply(s, y - A @ w[:, k]), q[k]) for k in range(m))
    cons = [w >= 0, cp.sum(w, axis=0) == 1] if simplex else []
    cp.Problem(cp.Minimize(obj), cons).solve(solver=cp.CLARABEL)
    return w.value.reshape(p, m, m), obj.value


def _objective(Z, y, q, w, s):
    n, p, m = Z.shape
    if w.ndim == 1:
        Q = np.einsum("njm,j->nm", Z, w)
    elif w.ndim == 2:
        Q = np.einsum("njm,jm->nm", Z, w)
    else:
        Q = Z.reshape(n, p * m) @ w.reshape(p * m, m)
    return pinball_loss(y, Q, q, sample_weight=s, multioutput="raw_values").sum() * s.sum()


@pytest.mark.parametrize("kind", ["coarse", "medium", "fine"])
@pytest.mark.parametrize("simplex", [True, False])
def test_lp_weights_equal_cvxpy(kind, simplex, rng):
    n, p = 40, 3
    y = rng.normal(size=n)
    Z = np.sort(y[:, None, None] + rng.normal(size=(n, p, 3)) * [[0.5], [1.0], [2.0]], axis=2)
    Z += rng.normal(size=(1, p, 3))  # model-specific biases
    s = rng.uniform(0.5, 2.0, size=n)
    ours = aggregation_weights(Z, y, Q3, weights=kind, sample_weight=s, simplex=simplex)
    ref, ref_obj = _cvxpy_weights(Z, y, Q3, kind, s, simplex)
    assert ours.shape == ref.shape
    # the LP optimum is exact: our objective is never worse than the interior-point solution
    ours_obj = _objective(Z, y, Q3, ours, s)
    assert ours_obj <= ref_obj + 1e-6 * (1 + abs(ref_obj))
    assert ours_obj == pytest.approx(ref_obj, rel=1e-5, abs=1e-6)
    if kind != "fine":  # coarse/medium optima are unique on continuous data
        np.testing.assert_allclose(ours, ref, atol=2e-4)
    if simplex:
        assert (ours >= 0).all()
        np.testing.assert_allclose(ours.sum(axis=0) if kind == "coarse" else
                                   ours.reshape(-1, 3).sum(axis=0), 1.0, atol=1e-9)


def test_lp_picks_the_good_model(rng):
    y = rng.normal(size=300)
    good = y[:, None] + 0.1 * rng.normal(size=(300, 3))
    Z = np.stack([good + [-0.13, 0.0, 0.13], good + 3.0], axis=1)
    w = aggregation_weights(Z, y, Q3, weights="medium")
    np.testing.assert_allclose(w, [[1, 1, 1], [0, 0, 0]], atol=0.01)


def test_aggregation_weights_errors(rng):
    Z = rng.normal(size=(10, 2, 3))
    with pytest.raises(ValueError, match="levels"):
        aggregation_weights(Z, np.zeros(10), [0.1, 0.9])
    with pytest.raises(ValueError, match="y"):
        aggregation_weights(Z, np.zeros(9), Q3)
    with pytest.raises(ValueError, match="weights"):
        aggregation_weights(Z, np.zeros(10), Q3, weights="ultra")
    with pytest.raises(ValueError, match="3-D"):
        aggregation_weights(Z[:, 0], np.zeros(10), Q3)


def _regime_data(rng, n):
    # linear in five features where x0 < 0 (linear QR wins), a sine of x1 where x0 >= 0 (trees win)
    X = rng.uniform(-3, 3, size=(n, 6))
    lin = X[:, 1:6] @ np.array([1.0, -1.0, 0.5, 0.8, -0.6])
    y = np.where(X[:, 0] < 0, lin, 3 * np.sin(3 * X[:, 1])) + 0.3 * rng.normal(size=n)
    return X, y


def test_aggregator_beats_or_matches_base_models(rng):
    X, y = _regime_data(rng, 900)
    Xt, yt = _regime_data(rng, 900)
    bases = [QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile", max_iter=30)]
    agg = QuantileAggregator(bases, quantiles=Q3, weights="medium", random_state=0).fit(X, y)
    assert agg.oof_predictions_.shape == (900, 2, 3)
    assert agg.weights_.shape == (2, 3)
    base_loss = [pinball_loss(yt, agg.predict_base_quantiles(Xt)[:, j], Q3) for j in range(2)]
    ours = pinball_loss(yt, agg.predict_quantiles(Xt), Q3)
    assert ours <= min(base_loss) * 1.02
    # local (tree-gated) weights exploit the regime switch and beat the global combination
    loc = QuantileAggregator(bases, quantiles=Q3, weights="medium", local="tree", max_leaf_nodes=2,
                             random_state=0).fit(X, y, base_predictions=agg.oof_predictions_)
    assert loc.weights_.shape == (2, 2, 3)
    local_loss = pinball_loss(yt, loc.predict_quantiles(Xt), Q3)
    assert local_loss < ours * 0.85
    # the leaves differ: the left leaf leans on the linear model
    left = loc.leaf_ids_.tolist().index(loc.gate_.apply(np.array([[-2.0, 0, 0, 0, 0, 0]]))[0])
    right = 1 - left
    assert loc.weights_[left][0].mean() > loc.weights_[right][0].mean()


def test_fine_and_coarse_end_to_end_non_crossing(rng):
    X, y = _regime_data(rng, 400)
    q = np.linspace(0.1, 0.9, 5)
    bases = [QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile", max_iter=20)]
    for kind, rep in [("fine", "isotonic"), ("coarse", "minmax")]:
        agg = QuantileAggregator(bases, quantiles=q, weights=kind, noncrossing=rep, cv=3, random_state=1).fit(X, y)
        Q = agg.predict_quantiles(X)
        assert Q.shape == (400, 5) and (np.diff(Q, axis=1) >= 0).all()
        assert agg.predict(X).shape == (400,)


def test_frozen_estimators_and_user_oof(rng):
    X, y = _regime_data(rng, 600)
    X1, y1, X2, y2 = X[:300], y[:300], X[300:], y[300:]
    m1 = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=Q3).fit(X1, y1)
    m2 = MultiQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=20), quantiles=Q3).fit(X1, y1)
    agg = QuantileAggregator([FrozenEstimator(m1), FrozenEstimator(m2)], quantiles=Q3).fit(X2, y2)
    Z = np.stack([m1.predict_quantiles(X2), m2.predict_quantiles(X2)], axis=1)
    np.testing.assert_allclose(agg.oof_predictions_, Z)
    np.testing.assert_allclose(agg.weights_, aggregation_weights(Z, y2, Q3))
    assert agg.estimators_[0].estimator is m1  # not refitted
    with pytest.raises(ValueError, match="base_predictions"):
        QuantileAggregator([m1, m2], quantiles=Q3).fit(X2, y2, base_predictions=Z[:, :1])


def test_aggregator_errors_and_grid_search(rng):
    X, y = _regime_data(rng, 120)
    with pytest.raises(TypeError, match=r"`estimators\[1\]` must predict quantile levels"):
        QuantileAggregator([QuantileRegressor(), LinearRegression()], quantiles=Q3).fit(X, y)
    with pytest.raises(ValueError, match="at least one"):
        QuantileAggregator([], quantiles=Q3).fit(X, y)
    with pytest.raises(ValueError, match="weights"):
        QuantileAggregator([QuantileRegressor()], weights="mega").fit(X, y)
    with pytest.raises(ValueError, match="quantiles"):
        QuantileAggregator([QuantileRegressor()], quantiles=[0.5, 0.2]).fit(X, y)
    est = QuantileAggregator([QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile",
                                                                                           max_iter=10)],
                             quantiles=Q3, cv=2, random_state=0)
    gs = GridSearchCV(est, {"weights": ["coarse", "medium"]}, scoring=weighted_interval_scorer, cv=2).fit(X, y)
    assert gs.best_params_["weights"] in ("coarse", "medium")


def test_estimator_without_the_requested_levels(rng):
    X, y = _regime_data(rng, 100)
    m = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.1, 0.9]).fit(X, y)
    with pytest.raises(ValueError, match="do not include all of the requested"):
        QuantileAggregator([FrozenEstimator(m)], quantiles=Q3).fit(X, y)
    # a subset of the fitted levels is fine
    agg = QuantileAggregator([FrozenEstimator(m)], quantiles=[0.9]).fit(X, y)
    np.testing.assert_allclose(agg.predict_quantiles(X)[:, 0], m.predict_quantiles(X)[:, 1])


def test_softmax_gate_gradient_matches_finite_differences(rng):
    from scipy.optimize import check_grad

    from statlearn.quantile._aggregation_solvers import _gate_objective

    n, p, m, d = 50, 3, 4, 2
    D = np.column_stack([rng.normal(size=(n, d)), np.ones(n)])
    Z, y = rng.normal(size=(n, p, m)), rng.normal(size=n)
    q, s = np.array([0.1, 0.4, 0.6, 0.9]), rng.uniform(0.5, 2.0, size=n)
    for mm in (1, m):
        shape = (d + 1, p, mm)
        theta = rng.normal(size=int(np.prod(shape)))
        err = check_grad(lambda t, shape=shape: _gate_objective(t, D, Z, y, q, s, 0.1, 0.01, shape)[0],
                         lambda t, shape=shape: _gate_objective(t, D, Z, y, q, s, 0.1, 0.01, shape)[1], theta)
        assert err < 1e-6 * max(1.0, np.linalg.norm(_gate_objective(theta, D, Z, y, q, s, 0.1, 0.01, shape)[1]))
        # the numba kernel equals its numpy twin
        got, want = _gate_objective(theta, D, Z, y, q, s, 0.1, 0.01, shape), \
            _oracles.gate_objective(theta, D, Z, y, q, s, 0.1, 0.01, shape)
        assert got[0] == pytest.approx(want[0], rel=1e-12)
        np.testing.assert_allclose(got[1], want[1], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("kind", ["coarse", "medium"])
def test_softmax_gating_beats_global(kind, rng):
    X, y = _regime_data(rng, 900)
    Xt, yt = _regime_data(rng, 900)
    bases = [QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile", max_iter=30)]
    glob = QuantileAggregator(bases, quantiles=Q3, weights=kind, random_state=0).fit(X, y)
    soft = QuantileAggregator(bases, quantiles=Q3, weights=kind, local="softmax", random_state=0).fit(
        X, y, base_predictions=glob.oof_predictions_)
    assert soft.gate_coef_.shape == (7, 2, 1 if kind == "coarse" else 3)
    assert soft.weights_.shape == glob.weights_.shape
    g, s = pinball_loss(yt, glob.predict_quantiles(Xt), Q3), pinball_loss(yt, soft.predict_quantiles(Xt), Q3)
    assert s < 0.9 * g
    # the gate leans on the linear model where x0 < 0 (its slope on x0 favours model 1 as x0 grows)
    assert soft.gate_coef_[0, 1, :].mean() > soft.gate_coef_[0, 0, :].mean()


def test_softmax_gating_errors(rng):
    X, y = _regime_data(rng, 100)
    for kw in ({"weights": "fine"}, {"simplex": False}):
        with pytest.raises(ValueError, match="softmax"):
            QuantileAggregator([QuantileRegressor(alpha=0.0)], quantiles=Q3, local="softmax", **kw).fit(X, y)


def test_softmax_aggregator_clone_pickle_seed(rng):
    # (not in the common checks: its iterative, non-convex gate fit makes weighted rows equal duplicated
    # rows only to about 1e-3, so scikit-learn's exact sample-weight equivalence check does not apply)
    import pickle

    from sklearn.base import clone

    X, y = _regime_data(rng, 200)
    est = QuantileAggregator([QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile",
                                                                                          max_iter=10)],
                             quantiles=Q3, local="softmax", cv=3, random_state=0)
    a = clone(est).fit(X, y)
    b = clone(est).fit(X, y)
    np.testing.assert_array_equal(a.predict_quantiles(X), b.predict_quantiles(X))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(a)).predict(X), a.predict(X))


@pytest.mark.parametrize("kind", ["coarse", "medium", "fine"])
@pytest.mark.parametrize("simplex", [True, False])
def test_screened_lp_equals_direct_lp(kind, simplex, monkeypatch):
    """Screening (rows of certain sign folded into a linear term) returns the exact optimum."""
    from statlearn.quantile import _lp
    from statlearn.quantile._aggregation_solvers import _solve_weights

    rng = np.random.default_rng(3)
    n, p, m = 1500, 3, 5
    q = np.linspace(0.1, 0.9, m)
    y = rng.normal(size=n) * (1 + rng.uniform(size=n))
    Z = np.sort(y[:, None, None] + rng.normal(size=(n, p, m)) * [[0.5], [1.0], [2.0]], axis=2)
    Z += rng.normal(size=(1, p, m))
    s = rng.uniform(0.5, 2.0, size=n)
    direct = aggregation_weights(Z, y, q, weights=kind, sample_weight=s, simplex=simplex)
    monkeypatch.setattr(_lp, "DIRECT_MAX_ROWS", 100)
    counts = {}
    screened = _solve_weights(Z, y, q, kind, s, simplex, counts=counts)
    assert min(counts["rows"]) < (n * m if kind == "coarse" else n)  # the screening did cut rows
    obj_d, obj_s = _objective(Z, y, q, direct, s), _objective(Z, y, q, screened, s)
    assert obj_s == pytest.approx(obj_d, rel=1e-9)
    if kind != "fine":
        np.testing.assert_allclose(screened, direct, atol=1e-7)


@pytest.mark.parametrize("where", ["base_predictions", "y"])
def test_absurd_values_raise_clearly(where, rng):
    n = 50
    y = rng.normal(size=n)
    Z = y[:, None, None] + rng.normal(size=(n, 2, 3))
    if where == "y":
        y[7] = 1e300
    else:
        Z[3, 1, 2] = 1e300
    with pytest.raises(ValueError, match=f"`{where}` holds 1e\\+300"):
        aggregation_weights(Z, y, Q3)


def test_non_partitioning_splitter_raises(rng):
    from sklearn.model_selection import ShuffleSplit

    X = rng.normal(size=(80, 2))
    y = X[:, 0] + rng.normal(size=80)
    agg = QuantileAggregator([QuantileRegressor(alpha=0.0)], quantiles=Q3, cv=ShuffleSplit(3, test_size=0.2))
    with pytest.raises(ValueError, match="`cv`.*exactly one test fold"):
        agg.fit(X, y)
    from sklearn.model_selection import GroupKFold

    folds = list(GroupKFold(4).split(X, y, groups=np.arange(80) % 8))
    agg = QuantileAggregator([QuantileRegressor(alpha=0.0)], quantiles=Q3, cv=folds).fit(X, y)
    assert np.isfinite(agg.oof_predictions_).all()
