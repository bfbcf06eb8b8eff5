"""Any level after the fact: predict_quantiles(quantiles=...) and predict_interval(lower=, upper=)."""

import numpy as np
import pytest

from statlearn.quantile import ConformalQuantileRegressor, coverage

from ._issue13_models import frozen_normal, intersecting_groups_data

Q = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def _model(score="cqr"):
    rng = np.random.default_rng(0)
    X, y, _ = intersecting_groups_data(800, rng)
    return ConformalQuantileRegressor(frozen_normal(Q), quantiles=Q, conformity_score=score).fit(X, y), rng


def test_fitted_levels_are_exact_and_between_is_monotone_interpolation():
    m, rng = _model()
    X, _, _ = intersecting_groups_data(50, rng)
    full = m.predict_quantiles(X)
    np.testing.assert_array_equal(m.predict_quantiles(X, quantiles=[0.1, 0.9]), full[:, [1, 5]])
    grid = np.linspace(0.05, 0.95, 91)
    G = m.predict_quantiles(X, quantiles=grid)
    assert (np.diff(G, axis=1) >= 0).all()
    # linear in the level between 0.1 and 0.25
    mid = m.predict_quantiles(X, quantiles=[0.2])[:, 0]
    np.testing.assert_allclose(mid, full[:, 1] + (0.2 - 0.1) / 0.15 * (full[:, 2] - full[:, 1]))


def test_asymmetric_interval_and_errors():
    m, rng = _model()
    X, _, _ = intersecting_groups_data(30, rng)
    iv = m.predict_interval(X, lower=0.05, upper=0.75)
    full = m.predict_quantiles(X)
    np.testing.assert_array_equal(iv, full[:, [0, 4]])
    np.testing.assert_array_equal(m.predict_interval(X), m.predict_interval(X, confidence_level=0.8))
    with pytest.raises(ValueError, match="no extrapolation"):
        m.predict_quantiles(X, quantiles=[0.01, 0.5])
    with pytest.raises(ValueError, match="`quantiles`"):
        m.predict_quantiles(X, quantiles=[0.6, 0.5])
    with pytest.raises(ValueError, match="`lower` must be below"):
        m.predict_interval(X, lower=0.9, upper=0.1)
    with pytest.raises(ValueError, match="together"):
        m.predict_interval(X, lower=0.1)
    with pytest.raises(ValueError, match="not both"):
        m.predict_interval(X, 0.8, lower=0.1, upper=0.9)
    with pytest.raises(TypeError, match="`upper`"):
        m.predict_interval(X, lower=0.1, upper="0.9")


@pytest.mark.slow
def test_interpolated_interval_covers_the_nested_pair():
    """Over 200 seeds, [q(0.07), q(0.92)] covers at least the nested fitted pair's 0.8 (it contains
    [q(0.1), q(0.9)]), minus 1/(n+1) slack; per-level scores keep P(y <= q(t)) >= the fitted level below."""
    covs, lvl = [], []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        X, y, _ = intersecting_groups_data(300, rng)
        Xt, yt, _ = intersecting_groups_data(1000, rng)
        m = ConformalQuantileRegressor(frozen_normal(Q), quantiles=Q).fit(X, y)
        covs.append(coverage(yt, m.predict_interval(Xt, lower=0.07, upper=0.92), per="pair")[0])
        p = ConformalQuantileRegressor(frozen_normal(Q), quantiles=Q, conformity_score="per-level").fit(X, y)
        lvl.append(coverage(yt, p.predict_quantiles(Xt, quantiles=[0.3, 0.6]), per="level"))
    covs, lvl = np.array(covs), np.array(lvl)
    assert covs.mean() >= 0.8 - 1 / 301
    assert (lvl.mean(axis=0) >= np.array([0.25, 0.5]) - 1 / 301).all()
