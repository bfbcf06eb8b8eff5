import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import mean_pinball_loss

from statlearn.quantile import (
    _kernels,
    coverage,
    crossing_rate,
    interval_score,
    interval_width,
    pinball_loss,
    quantile_calibration_error,
    weighted_interval_score,
)
from tests.quantile import _oracles

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw):
    n = draw(st.integers(1, 12))
    K = draw(st.integers(1, 9))
    Q = draw(arrays(np.float64, (n, K), elements=finite))
    y = draw(arrays(np.float64, (n,), elements=finite))
    tau = np.sort(draw(arrays(np.float64, (K,), elements=st.floats(0.01, 0.99), unique=True)))
    w = draw(arrays(np.float64, (n,), elements=st.floats(0.1, 5.0)))
    return y, Q, tau, w


@given(problems())
def test_pinball_kernel_equals_numpy_twin(p):
    y, Q, tau, w = p
    np.testing.assert_allclose(_kernels.pinball_per_level(y, Q, tau, w),
                               _oracles.pinball_per_level(y, Q, tau, w), rtol=1e-10, atol=1e-9)


@given(problems())
def test_wis_kernels_equal_numpy_twin(p):
    y, Q, tau, w = p
    np.testing.assert_allclose(_kernels.wis_mean(y, Q, tau, w), _oracles.wis_pinball_form(y, Q, tau, w),
                               rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(_kernels.wis_rows(y, Q, tau),
                               [_oracles.wis_pinball_form(y[i:i + 1], Q[i:i + 1], tau, w[i:i + 1])
                                for i in range(y.size)], rtol=1e-10, atol=1e-9)


def test_pinball_matches_sklearn(rng):
    y = rng.normal(size=50)
    Q = rng.normal(size=(50, 3))
    q = np.array([0.1, 0.5, 0.9])
    w = rng.uniform(0.5, 2, size=50)
    per = pinball_loss(y, Q, q, sample_weight=w, multioutput="raw_values")
    ref = [mean_pinball_loss(y, Q[:, k], alpha=q[k], sample_weight=w) for k in range(3)]
    np.testing.assert_allclose(per, ref, rtol=1e-12)
    assert pinball_loss(y, Q, q, sample_weight=w) == pytest.approx(np.mean(ref), rel=1e-12)


@given(st.integers(1, 6), st.integers(1, 30), st.booleans())
def test_wis_identity_with_bracher_interval_form(K, n, crossing):
    # WIS (Bracher normalisation, intervals + median) == 2 x mean pinball; also for unsorted rows.
    rng = np.random.default_rng(K * 100 + n)
    alphas = np.sort(rng.uniform(0.02, 0.9, size=K))
    tau = np.concatenate([alphas / 2, [0.5], (1 - alphas / 2)[::-1]])
    tau = np.unique(tau)
    if tau.size != 2 * K + 1:
        return
    base = np.sort(rng.normal(size=(n, tau.size)), axis=1)
    Q = rng.permuted(base, axis=1) if crossing else base
    y = rng.normal(size=n)
    ours = weighted_interval_score(y, Q, tau)
    assert ours == pytest.approx(_oracles.wis_interval_form(y, Q, tau), rel=1e-12, abs=1e-12)
    assert ours == pytest.approx(2 * pinball_loss(y, Q, tau), rel=1e-12)
    assert weighted_interval_score(y, Q, tau, normalize=False) == pytest.approx(ours * tau.size, rel=1e-12)


def test_interval_score_closed_form():
    y = np.array([0.0, 3.0, -4.0])
    lo, hi = np.array([-1.0, -1.0, -1.0]), np.array([1.0, 1.0, 1.0])
    # widths 2; misses of 2 and 3 with alpha = 0.2 -> penalty 2 / 0.2 * miss
    expected = np.mean([2.0, 2.0 + 10 * 2.0, 2.0 + 10 * 3.0])
    assert interval_score(y, lo, hi, 0.8) == pytest.approx(expected)
    # (alpha / 2) * IS == pinball at alpha/2 and 1 - alpha/2
    Q = np.column_stack([lo, hi])
    lhs = 0.1 * interval_score(y, lo, hi, 0.8)
    rhs = pinball_loss(y, Q, [0.1, 0.9], multioutput="raw_values").sum()
    assert lhs == pytest.approx(rhs)


def test_coverage_width_calibration(rng):
    y = rng.normal(size=4000)
    z = np.array([-1.2815515655446004, 0.0, 1.2815515655446004])
    Q = np.tile(z, (4000, 1))
    cov = coverage(y, Q)
    np.testing.assert_allclose(cov, [0.1, 0.5, 0.9], atol=0.03)
    pair = coverage(y, Q, per="pair")
    assert pair.shape == (1,) and abs(pair[0] - 0.8) < 0.03
    np.testing.assert_allclose(interval_width(Q), [2 * z[2]])
    assert quantile_calibration_error(y, Q, [0.1, 0.5, 0.9]) < 0.03
    manual = np.mean(np.abs((y[:, None] <= Q).mean(0) - [0.1, 0.5, 0.9]))
    assert quantile_calibration_error(y, Q, [0.1, 0.5, 0.9]) == pytest.approx(manual)


def test_crossing_rate_equals_twin(rng):
    Q = rng.normal(size=(200, 5))
    assert crossing_rate(Q) == pytest.approx(_oracles.crossing_rows(Q).mean())
    assert crossing_rate(np.sort(Q, axis=1)) == 0.0


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: pinball_loss([1.0, np.nan], [[0.0], [1.0]], [0.5]), ValueError, "y_true"),
        (lambda: pinball_loss([1.0, 2.0], [[0.0], [np.nan]], [0.5]), ValueError, "y_quantiles"),
        (lambda: pinball_loss([1.0, 2.0], [[0.0, 1.0], [1.0, 2.0]], [0.5]), ValueError, "one column per"),
        (lambda: pinball_loss([1.0], [[0.0, 1.0]], [0.9, 0.1]), ValueError, "strictly increasing"),
        (lambda: pinball_loss([1.0], [[0.0, 1.0]], [0.0, 0.5]), ValueError, "strictly inside"),
        (lambda: pinball_loss([1.0, 2.0, 3.0], [[0.0], [1.0]], [0.5]), ValueError, "Inconsistent"),
        (lambda: pinball_loss([1.0], [[0.0]], [0.5], multioutput="x"), ValueError, "multioutput"),
        (lambda: interval_score([1.0], [0.0], [2.0], 1.5), ValueError, "confidence_level"),
        (lambda: interval_score([1.0], [0.0], [2.0], 0.0), ValueError, "confidence_level"),
        (lambda: coverage([1.0], [[0.0]], per="x"), ValueError, "per"),
        (lambda: interval_width([[0.0]]), ValueError, "two columns"),
        (lambda: weighted_interval_score([1.0], [[0.0]], [0.5], normalize="yes"), TypeError, "normalize"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_infinite_bounds_are_accepted_and_scored_explicitly():
    """Conformal calibration with a small calibration set returns infinite bounds on purpose."""
    y = np.array([0.0, 1.0, 2.0])
    Q = np.array([[-np.inf, 0.5, np.inf], [0.0, 1.5, np.inf], [1.0, 1.5, 3.0]])
    q = [0.05, 0.5, 0.95]
    np.testing.assert_array_equal(coverage(y, Q), [0.0, 2 / 3, 1.0])
    np.testing.assert_array_equal(coverage(y, Q, per="pair"), [1.0])
    assert interval_width(Q)[0] == np.inf
    assert interval_width(Q[2:])[0] == 2.0
    assert pinball_loss(y, Q, q) == np.inf
    per = pinball_loss(y, Q, q, multioutput="raw_values")
    assert per[0] == per[2] == np.inf and np.isfinite(per[1])
    assert weighted_interval_score(y, Q, q) == np.inf
    assert weighted_interval_score(y[2:], Q[2:], q) < np.inf
    assert interval_score(y, Q[:, 0], Q[:, 2], 0.9) == np.inf
    assert crossing_rate(Q) == 0.0
    with pytest.raises(ValueError, match="y_quantiles"):
        coverage(y, np.where(np.isinf(Q), np.nan, Q))
    with pytest.raises(ValueError, match="y_true"):
        coverage([0.0, np.inf, 1.0], Q)
