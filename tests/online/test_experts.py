import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from statlearn.online import SleepingExperts, _kernels
from tests.online import _oracles


def _log_weights(R, C):
    R, C = np.atleast_1d(np.asarray(R, float)), np.atleast_1d(np.asarray(C, float))
    out, p = np.empty(R.size), np.empty(R.size)
    _kernels.hedge_weights(0, 0.0, 0.0, R, C, np.zeros(R.size, np.int64), np.arange(R.size), R.size, out, p)
    return out


def _set(experts, R, C):
    experts.reset()
    experts.regret_[:] = R
    experts.abs_regret_[:] = C
    return experts


def test_log_weight_matches_direct_formula_when_small(rng):
    R = rng.uniform(-5, 20, size=200)
    C = np.abs(R) + rng.uniform(0, 30, size=200)
    exact = np.array([_oracles.anh_weight_decimal(r, c) for r, c in zip(R, C, strict=True)])
    ours = _log_weights(R, C)
    pos = exact[:, 0] > 0
    assert pos.sum() > 100 and (~pos).sum() > 10
    np.testing.assert_allclose(np.exp(ours[pos]), exact[pos, 0], rtol=1e-12)
    assert np.all(np.isneginf(ours[~pos]))
    np.testing.assert_allclose(ours[pos], exact[pos, 1], rtol=1e-12)
    np.testing.assert_allclose(ours, _oracles.anh_log_weight(R, C), rtol=1e-12)


@pytest.mark.parametrize("scale", [1e4, 1e6, 1e12])
def test_weights_stay_finite_at_large_regret(scale):
    experts = SleepingExperts(4)
    R = np.array([scale, 0.9 * scale, -scale, 0.5])
    C = np.array([scale, scale, scale, 2.0 * scale])
    _set(experts, R, C)
    # The direct formula overflows here ...
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(_oracles.anh_weight_direct(R[:1], C[:1])).all()
    # ... the log-space weights do not.
    logw = experts.log_weights()
    np.testing.assert_allclose(logw[[0, 1, 3]], [_oracles.anh_weight_decimal(r, c)[1] for r, c in
                                                 zip(R[[0, 1, 3]], C[[0, 1, 3]], strict=True)], rtol=1e-12)
    assert not np.isnan(logw).any() and not np.isposinf(logw).any()
    p = experts.weights()
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p, _oracles.probabilities(_oracles.anh_log_weight(R, C)), rtol=1e-12)
    assert logw[0] > logw[1] > -np.inf and p[2] == 0.0 and p[0] > 0.5


def test_long_horizon_never_nan(rng):
    experts = SleepingExperts(3)
    for _ in range(20_000):
        awake = rng.random(3) < 0.7
        if not awake.any():
            awake[0] = True
        experts.update(np.array([0.0, 1.0, rng.random()]), awake)
    assert experts.abs_regret_.max() > 2_100  # beyond the overflow point of the direct formula
    p = experts.weights()
    assert np.isfinite(p).all() and p[0] > 0.99


@given(
    R=st.lists(st.floats(-1e8, 1e8), min_size=1, max_size=6),
    extra=st.lists(st.floats(0, 1e8), min_size=6, max_size=6),
    mask=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_weights_are_probabilities(R, extra, mask):
    n = len(R)
    R = np.array(R)
    C = np.abs(R) + np.array(extra[:n])
    awake = np.array(mask[:n])
    awake[0] = True
    experts = _set(SleepingExperts(n), R, C)
    p = experts.weights(awake)
    assert np.isfinite(p).all()
    assert (p >= 0).all() and p.sum() == pytest.approx(1.0)
    assert (p[~awake] == 0).all()


def test_uniform_start_and_sleeping_experts_untouched():
    experts = SleepingExperts(3)
    awake = np.array([True, False, True])
    np.testing.assert_allclose(experts.weights(awake), [0.5, 0.0, 0.5])
    experts.update(np.array([0.2, np.nan, 0.6]), awake)
    # r = <p, l> - l = 0.4 - l
    np.testing.assert_allclose(experts.regret_, [0.2, 0.0, -0.2])
    np.testing.assert_allclose(experts.abs_regret_, [0.2, 0.0, 0.2])
    np.testing.assert_array_equal(experts.counts_, [1, 0, 1])
    experts.reset()
    assert experts.regret_.sum() == 0 and experts.counts_.sum() == 0


def test_hedge_weights():
    experts = SleepingExperts(3, method="hedge", learning_rate=2.0)
    for _ in range(3):
        experts.update(np.array([0.0, 0.5, 1.0]))
    eta = 2.0 * np.sqrt(np.log(3) / 3)
    np.testing.assert_allclose(experts.weights(), _oracles.probabilities(eta * experts.regret_), rtol=1e-12)


def test_sample_is_reproducible():
    a = SleepingExperts(5, random_state=3)
    b = SleepingExperts(5, random_state=3)
    assert [a.sample() for _ in range(20)] == [b.sample() for _ in range(20)]
    assert "SleepingExperts(n_experts=5" in repr(a)


def test_bad_input():
    with pytest.raises(ValueError, match="method"):
        SleepingExperts(3, method="nope").weights()
    with pytest.raises(ValueError, match="n_experts"):
        SleepingExperts(0).reset()
    e = SleepingExperts(3)
    with pytest.raises(ValueError, match="awake"):
        e.weights(np.array([True, False]))
    with pytest.raises(ValueError, match="at least one"):
        e.weights(np.zeros(3, bool))
    with pytest.raises(ValueError, match="losses"):
        e.update(np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="NaN"):
        e.update(np.array([0.1, np.nan, 0.2]))
    with pytest.raises(TypeError, match="losses"):
        e.update(0.3)


def test_infinite_learning_rate_raises():
    # an infinite hedge rate passed validation and gave NaN weights after one update
    with pytest.raises(ValueError, match="`learning_rate`"):
        SleepingExperts(2, method="hedge", learning_rate=float("inf")).update([0.1, 0.2])
