import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, QuantileRegressor

from statlearn.quantile import (
    NonCrossingQuantileRegressor,
    _kernels,
    isotonic_quantiles,
    minmax_quantiles,
    pinball_loss,
    repair_quantiles,
    sort_quantiles,
    weighted_interval_score,
)
from tests.quantile import _oracles

finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


@st.composite
def matrices(draw, max_n=10, max_k=12):
    n = draw(st.integers(1, max_n))
    K = draw(st.integers(1, max_k))
    # few distinct values make ties (equal neighbours) frequent
    elements = st.one_of(finite, st.sampled_from([0.0, 1.0, -1.0]))
    return draw(arrays(np.float64, (n, K), elements=elements))


@given(matrices(), st.booleans(), st.data())
def test_isotonic_equals_sklearn_row_by_row(Q, weighted, data):
    n, K = Q.shape
    if weighted:
        shape = data.draw(st.sampled_from([(K,), (n, K)]))
        W = data.draw(arrays(np.float64, shape, elements=st.floats(0.05, 10.0)))
    else:
        W = None
    ours = isotonic_quantiles(Q, sample_weight=W)
    Wm = np.ones((1, K)) if W is None else np.atleast_2d(W)
    ref = _oracles.isotonic_rows_sklearn(Q, Wm)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9)
    twin = np.array([_oracles.pava_row(Q[i], Wm[0] if Wm.shape[0] == 1 else Wm[i]) for i in range(n)])
    np.testing.assert_allclose(ours, twin, rtol=1e-9, atol=1e-9)
    assert (np.diff(ours, axis=1) >= -1e-9).all()
    # idempotent
    np.testing.assert_allclose(isotonic_quantiles(ours, sample_weight=W), ours, atol=1e-9)


@given(matrices())
def test_sort_and_minmax_kernels_equal_twins(Q):
    np.testing.assert_array_equal(sort_quantiles(Q), np.sort(Q, axis=1))
    K = Q.shape[1]
    tau = (np.arange(K) + 1) / (K + 1)
    c = int(np.argmin(np.abs(tau - 0.5)))
    out = minmax_quantiles(Q, tau)
    np.testing.assert_array_equal(out, _oracles.minmax_rows(Q, c))
    assert (np.diff(out, axis=1) >= 0).all()
    # only widens: lower levels never go up, upper levels never go down
    assert (out[:, :c] <= Q[:, :c]).all() and (out[:, c + 1:] >= Q[:, c + 1:]).all()
    np.testing.assert_array_equal(_kernels.crossing_rows(Q), _oracles.crossing_rows(Q))


@given(matrices(max_n=6), arrays(np.float64, (6,), elements=finite), st.data())
def test_sort_and_isotonic_never_increase_pinball_sum(Q, ys, data):
    # Fakoor et al., Proposition 2: for every y and every row.
    n, K = Q.shape
    tau = np.sort(data.draw(arrays(np.float64, (K,), elements=st.floats(0.01, 0.99), unique=True)))
    y = ys[:n]
    for repaired in (sort_quantiles(Q), isotonic_quantiles(Q)):
        for i in range(n):
            before = pinball_loss(y[i:i + 1], Q[i:i + 1], tau)
            after = pinball_loss(y[i:i + 1], repaired[i:i + 1], tau)
            assert after <= before + 1e-9 * (1 + abs(before))


def test_wis_never_increases_on_crossing_rows(rng):
    tau = np.arange(1, 20) / 20
    z = np.sort(rng.normal(size=19))
    Q = z + 0.5 * rng.normal(size=(3000, 19))
    y = rng.normal(size=3000)
    assert (np.diff(Q, axis=1) < 0).any(axis=1).mean() > 0.5
    base = _kernels.wis_rows(y, Q, tau)
    for R in (sort_quantiles(Q), isotonic_quantiles(Q)):
        assert (_kernels.wis_rows(y, R, tau) <= base + 1e-12).all()
        assert weighted_interval_score(y, R, tau) < weighted_interval_score(y, Q, tau)


def test_repair_dispatch_and_errors():
    Q = np.array([[2.0, 1.0, 0.0]])
    q = [0.1, 0.5, 0.9]
    np.testing.assert_array_equal(repair_quantiles(Q, q, "sort"), [[0.0, 1.0, 2.0]])
    np.testing.assert_array_equal(repair_quantiles(Q, q, "isotonic"), [[1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(repair_quantiles(Q, q, "minmax"), [[1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(repair_quantiles(Q, q, None), Q)
    with pytest.raises(ValueError, match="method"):
        repair_quantiles(Q, q, "bogus")
    with pytest.raises(ValueError, match="NaN"):
        sort_quantiles([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="sample_weight"):
        isotonic_quantiles(Q, sample_weight=[1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="sample_weight"):
        isotonic_quantiles(Q, sample_weight=[1.0, 1.0])
    with pytest.raises(ValueError, match="one column per"):
        minmax_quantiles(Q, [0.1, 0.9])


@pytest.mark.parametrize("method", ["sort", "isotonic", "minmax"])
def test_noncrossing_regressor(method, rng):
    X = rng.normal(size=(300, 3))
    y = X[:, 0] + rng.standard_t(3, size=300)
    q = np.linspace(0.05, 0.95, 19)
    hgb = HistGradientBoostingRegressor(loss="quantile", max_iter=15, random_state=0)
    est = NonCrossingQuantileRegressor(hgb, method=method, quantiles=q).fit(X, y)
    Q = est.predict_quantiles(X)
    assert Q.shape == (300, 19)
    assert (np.diff(Q, axis=1) >= 0).all()
    raw = est.estimator_.predict_quantiles(X)
    np.testing.assert_allclose(Q, repair_quantiles(raw, q, method))
    assert est.predict(X).shape == (300,)
    np.testing.assert_allclose(est.predict(X), Q[:, 9])


def test_noncrossing_regressor_bad_estimator(rng):
    X, y = rng.normal(size=(30, 2)), rng.normal(size=30)
    with pytest.raises(TypeError, match="estimator"):
        NonCrossingQuantileRegressor(LinearRegression()).fit(X, y)
    with pytest.raises(ValueError, match="method"):
        NonCrossingQuantileRegressor(QuantileRegressor(), method="nope").fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_isotonic_fast_path_rejects_non_finite(bad):
    Q = np.zeros((3, 4))
    Q[2, 1] = bad
    with pytest.raises(ValueError, match="NaN or inf"):
        isotonic_quantiles(Q)
    Q = np.zeros((3, 4))
    Q[1, 0] = bad
    with pytest.raises(ValueError, match="NaN or inf"):
        isotonic_quantiles(Q)


@pytest.mark.parametrize("pattern", ["decreasing", "random", "sawtooth", "increasing"])
@pytest.mark.parametrize("K", [99, 9999])
def test_isotonic_work_is_linear_in_K(pattern, K):
    """At most 2 K pooling steps per row whatever the pattern (the old kernel's merges
    rewrote the pooled range: quadratic on decreasing rows)."""
    rng = np.random.default_rng(0)
    x = np.linspace(0.0, 1.0, K)
    Q = {"decreasing": -x, "random": rng.normal(size=K), "increasing": x,
         "sawtooth": x + 2.0 * (np.arange(K) % 2)}[pattern][None, :].repeat(3, axis=0)
    out, finite, n_pools = _kernels.isotonic_rows(np.ascontiguousarray(Q), np.ones((1, K)))
    assert finite
    assert n_pools <= 2 * Q.size
    if pattern == "decreasing":
        assert n_pools >= Q.shape[0] * (K - 1)  # every element pools: the count is not trivially zero
        np.testing.assert_allclose(out, np.full_like(Q, -x.mean()), atol=1e-12)
    np.testing.assert_allclose(out[:1], _oracles.isotonic_rows_sklearn(Q[:1], np.ones((1, K))), atol=1e-9)


def test_isotonic_huge_values_do_not_overflow():
    Q = np.array([[1e308, 1.5e308, 1e308, -1e308]])
    ref = _oracles.isotonic_rows_sklearn(Q / 2.0**20, np.ones((1, 4))) * 2.0**20
    out = isotonic_quantiles(Q)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, ref, rtol=1e-12)
