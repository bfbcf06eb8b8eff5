"""LinearQuantileRegressor at scale: the Frisch-Newton kernel, screening, and the level path."""

import numpy as np
import pytest

from statlearn.quantile import LinearQuantileRegressor, _qr_solver
from statlearn.quantile._lp import pinball_lp

from ._oracles_issue13 import fn_ipm_numpy, pinball_objective


def _data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + (1 + 0.5 * np.abs(X[:, 0])) * rng.standard_t(5, size=n)
    return X, y


@pytest.mark.parametrize("tau", [0.05, 0.5, 0.83])
@pytest.mark.parametrize("linear_term", [False, True])
def test_fn_ipm_equals_highs_and_numpy_twin(tau, linear_term):
    X, y = _data(800, 4, seed=int(tau * 100))
    rng = np.random.default_rng(1)
    D = np.column_stack([X, np.ones(len(y))])
    s = rng.uniform(0.2, 3.0, size=len(y))
    c = 0.3 * rng.normal(size=D.shape[1]) if linear_term else None
    ours = _qr_solver.fn_ipm(D, y, tau, s, c)
    twin = fn_ipm_numpy(D, y, tau, s, c)
    ref = pinball_lp(D, y, np.full(len(y), tau), s, simplex=False, c=c)
    f_ref = pinball_objective(D, y, tau, s, ref, c)
    assert abs(pinball_objective(D, y, tau, s, ours, c) - f_ref) <= 1e-9 * abs(f_ref)
    assert abs(pinball_objective(D, y, tau, s, twin, c) - f_ref) <= 1e-9 * abs(f_ref)
    # purified to the simplex vertex (the optimum is unique for continuous data)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-8 * (1 + np.abs(ref).max()))


def test_fn_ipm_reports_unbounded():
    X, y = _data(50, 2)
    D = np.column_stack([X, np.ones(50)])
    c = np.array([0.0, 0.0, -1e3])  # pushes the intercept to +inf: more than the 50 rows can resist
    assert _qr_solver.fn_ipm(D, y, 0.5, np.ones(50), c) is None
    assert pinball_lp(D, y, np.full(50, 0.5), np.ones(50), simplex=False, c=c) is None


def test_screened_path_is_exact_and_screens(monkeypatch):
    """With a small direct threshold the path screens; every level equals the direct LP."""
    monkeypatch.setattr(_qr_solver, "DIRECT_ROWS", 300)
    X, y = _data(6000, 3, seed=2)
    D = np.column_stack([X, np.ones(len(y))])
    s = np.ones(len(y))
    q = np.arange(1, 20) / 20
    stats = {}
    W = _qr_solver.level_path(D, y, s, q, intercept_col=3, stats=stats)
    for k, t in enumerate(q):
        ref = pinball_lp(D, y, np.full(len(y), t), s, simplex=False)
        f_ref = pinball_objective(D, y, t, s, ref)
        assert pinball_objective(D, y, t, s, W[k]) <= f_ref * (1 + 1e-9)
    # work: the LPs saw far fewer rows than the full problem at every level
    assert stats["rows"] < 0.5 * len(q) * len(y)


def _weighted_pinball(y, pred, t, sw):
    r = y - pred
    return float(np.sum(sw * np.maximum(t * r, (t - 1) * r)))


def test_interior_point_equals_sklearn_quantile_regressor(monkeypatch):
    from sklearn.linear_model import QuantileRegressor

    monkeypatch.setattr(_qr_solver, "DIRECT_ROWS", 200)
    X, y = _data(1500, 3, seed=3)
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.5, 2.0, size=len(y))
    q = [0.1, 0.5, 0.9]
    ours = LinearQuantileRegressor(quantiles=q, solver="interior-point").fit(X, y, sample_weight=sw)
    for k, t in enumerate(q):
        ref = QuantileRegressor(quantile=t, alpha=0.0, solver="highs").fit(X, y, sample_weight=sw)
        f_ref = _weighted_pinball(y, ref.predict(X), t, sw)
        assert abs(_weighted_pinball(y, X @ ours.coef_[k] + ours.intercept_[k], t, sw) - f_ref) <= 1e-6 * f_ref
        np.testing.assert_allclose(ours.coef_[k], ref.coef_, atol=1e-6 * (1 + np.abs(ref.coef_).max()))


def test_solvers_agree_and_zero_weights_drop_rows():
    X, y = _data(700, 3, seed=4)
    sw = np.ones(len(y))
    sw[:100] = 0.0
    a = LinearQuantileRegressor(quantiles=[0.2, 0.7], solver="highs").fit(X, y, sample_weight=sw)
    b = LinearQuantileRegressor(quantiles=[0.2, 0.7], solver="interior-point").fit(X, y, sample_weight=sw)
    c = LinearQuantileRegressor(quantiles=[0.2, 0.7], solver="highs").fit(X[100:], y[100:])
    np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-7)
    np.testing.assert_allclose(c.coef_, a.coef_, atol=1e-9)
