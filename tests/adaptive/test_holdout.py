"""Tests of Thresholdout (statlearn/adaptive/holdout.py)."""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from statlearn.adaptive import (
    BudgetExhausted,
    GaussianMechanism,
    LaplaceMechanism,
    ReusableHoldout,
    Thresholdout,
)


# --------------------------------------------------------------------------- Thresholdout
def _gap_queries(rng, m, n=400, gaps=None):
    train = rng.uniform(size=(n, m))
    hold = rng.uniform(size=(n, m))
    if gaps is not None:
        hold = np.clip(hold + gaps, 0, 1)
    return train, hold


def test_below_threshold_never_touches_holdout():
    rng = np.random.default_rng(0)
    # identical training and holdout values: difference 0, far below the threshold
    train = rng.uniform(size=(300, 200))
    thr = Thresholdout(threshold=0.2, sigma=0.002, budget=5, random_state=0)  # noise << threshold
    answers = thr.query_many(train, train.copy())
    assert not thr.touched_holdout_.any()
    np.testing.assert_array_equal(answers, train.mean(axis=0))
    assert thr.budget_remaining_ == 5


def test_budget_decreases_only_on_overfit_and_answers_use_holdout():
    rng = np.random.default_rng(1)
    n = 500
    train = np.zeros((n, 6))
    hold = np.zeros((n, 6))
    hold[:, [1, 4]] = 1.0  # queries 1 and 4 overfit (gap 1 >> threshold)
    thr = Thresholdout(threshold=0.05, sigma=0.001, budget=3, random_state=rng.integers(100))
    answers = thr.query_many(train, hold)
    np.testing.assert_array_equal(thr.touched_holdout_, [False, True, False, False, True, False])
    assert thr.budget_remaining_ == 1
    assert thr.n_overfit_ == 2
    np.testing.assert_allclose(answers[[1, 4]], 1.0, atol=0.02)
    np.testing.assert_array_equal(answers[[0, 2, 3, 5]], 0.0)


def test_budget_exhausted_raise_and_nan():
    train = np.zeros((50, 5))
    hold = np.ones((50, 5))
    thr = Thresholdout(budget=2, random_state=0)
    with pytest.raises(BudgetExhausted, match="budget of 2"):
        thr.query_many(train, hold)
    assert thr.n_queries_ == 5 and thr.n_overfit_ == 2
    assert np.isnan(thr.answers_[2:]).all()
    with pytest.raises(BudgetExhausted):
        thr.query(train[:, 0], hold[:, 0])
    thr2 = Thresholdout(budget=2, on_budget_exhausted="nan", random_state=0)
    ans = thr2.query_many(train, hold)
    assert np.isfinite(ans[:2]).all() and np.isnan(ans[2:]).all()
    thr2.restart()
    assert thr2.budget_remaining_ == 2 and thr2.n_queries_ == 0


def test_budget_zero_refuses_everything():
    thr = Thresholdout(budget=0, on_budget_exhausted="nan")
    assert np.isnan(thr.query([0.5, 0.5], [0.5, 0.5]))


@pytest.mark.parametrize("noise", ["laplace", "gaussian"])
@pytest.mark.parametrize("reset", ["on_overfit", "every_query", "never"])
def test_batch_equals_one_by_one(noise, reset):
    rng = np.random.default_rng(2)
    gaps = rng.choice([0.0, 0.3], size=40)
    train, hold = _gap_queries(rng, 40, gaps=gaps)
    a = Thresholdout(noise=noise, reset=reset, budget=30, random_state=11)
    b = Thresholdout(noise=noise, reset=reset, budget=30, random_state=11)
    batch = a.query_many(train, hold)
    single = np.array([b.query(train[:, j], hold[:, j]) for j in range(40)])
    # same noise draws; the means differ only by floating-point summation order
    np.testing.assert_allclose(batch, single, rtol=0, atol=1e-13)
    np.testing.assert_array_equal(a.touched_holdout_, b.touched_holdout_)


def test_thresholdout_noise_scales_laplace():
    # eta ~ Lap(4 sigma) and gamma ~ Lap(2 sigma): with threshold 0 and a tiny gap, the
    # probability of an above-threshold answer is P(gamma + eta < gap) ~ 1/2.
    rng = np.random.default_rng(3)
    thr = Thresholdout(threshold=0.0, sigma=0.01, reset="every_query", random_state=0)
    m = 4000
    t = np.zeros(m)
    h = np.full(m, 1e-9)
    ans = thr.query_means(t, h)
    frac = thr.touched_holdout_.mean()
    assert 0.46 < frac < 0.54
    # overfitting answers are holdout + Lap(sigma)
    noise = ans[thr.touched_holdout_] - 1e-9
    assert stats.kstest(noise, stats.laplace(scale=0.01).cdf).pvalue > 0.01
    # and with gap 3 * threshold-scale the probability matches the exact law of gamma + eta
    thr = Thresholdout(threshold=0.0, sigma=0.01, reset="every_query", random_state=1)
    thr.query_means(t, np.full(m, 0.03))
    g = rng.laplace(0, 0.02, 200_000) + rng.laplace(0, 0.04, 200_000)
    assert abs(thr.touched_holdout_.mean() - np.mean(0.03 > g)) < 0.025


def test_gaussian_supplement_rule():
    # noise="gaussian", reset="every_query": overfit iff |gap| > T + N(0, sigma^2)
    thr = Thresholdout(threshold=0.04, sigma=0.01, noise="gaussian", reset="every_query", random_state=0)
    m = 5000
    thr.query_means(np.zeros(m), np.full(m, 0.045))
    expected = stats.norm.cdf(0.005 / 0.01)
    assert abs(thr.touched_holdout_.mean() - expected) < 0.025


def test_reset_never_keeps_gamma():
    thr = Thresholdout(threshold=0.05, sigma=0.01, reset="never", random_state=0).restart()
    g0 = thr._gamma
    thr.query_means(np.zeros(50), np.ones(50))
    assert thr._gamma == g0
    thr_on = Thresholdout(threshold=0.05, sigma=0.01, reset="on_overfit", random_state=0)
    thr_on.query_means(np.zeros(5), np.ones(5))
    assert thr_on._gamma != g0


def test_seed_reproducible_and_pickle():
    rng = np.random.default_rng(4)
    train, hold = _gap_queries(rng, 30, gaps=rng.choice([0.0, 0.2], size=30))
    a = Thresholdout(random_state=3).query_many(train, hold)
    b = Thresholdout(random_state=3).query_many(train, hold)
    np.testing.assert_array_equal(a, b)
    thr = Thresholdout(random_state=3)
    thr.query_many(train[:, :10], hold[:, :10])
    clone = pickle.loads(pickle.dumps(thr))
    np.testing.assert_array_equal(clone.query_many(train[:, 10:], hold[:, 10:]),
                                  thr.query_many(train[:, 10:], hold[:, 10:]))
    assert ReusableHoldout is Thresholdout
    assert repr(thr) == "Thresholdout(random_state=3)"  # scikit-learn style: non-default parameters only
    assert "threshold=0.05" in repr(Thresholdout(threshold=0.05))


def test_query_function():
    rng = np.random.default_rng(5)
    Xt, Xh = rng.normal(size=(200, 3)), rng.normal(size=(200, 3))
    thr = Thresholdout(random_state=0)
    one = thr.query_function(lambda X: (X[:, 0] > 0).astype(float), Xt, Xh)
    assert isinstance(one, float)
    many = thr.query_function(lambda X: (X > 0).astype(float), Xt, Xh)
    assert many.shape == (3,)
    with pytest.raises(TypeError, match="`phi` must be callable"):
        thr.query_function(3, Xt, Xh)


def test_thresholdout_bad_input():
    thr = Thresholdout()
    with pytest.raises(ValueError, match=r"`train_values` must contain query values in \[0, 1\]"):
        thr.query([0.1, 2.0], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"`holdout_values` must contain query values in \[0, 1\]"):
        thr.query([0.1, 0.2], [-0.1, 0.2])
    with pytest.raises(ValueError, match="same number of queries"):
        thr.query_many(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="same shape"):
        thr.query_means([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match="must be 1-D"):
        thr.query(np.zeros((4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="`budget`"):
        Thresholdout(budget=-1).restart()
    with pytest.raises(ValueError, match="`noise`"):
        Thresholdout(noise="cauchy").query([0.5], [0.5])
    with pytest.raises(ValueError, match="`reset`"):
        Thresholdout(reset="sometimes").query_means([0.5], [0.5])
    with pytest.raises(ValueError, match="`threshold`"):
        _ = Thresholdout(threshold=-0.1).budget_remaining_


def test_from_guarantee():
    thr = Thresholdout.from_guarantee(0.04, 0.05, 1000, random_state=0)
    assert thr.threshold == pytest.approx(0.03)
    assert thr.sigma == pytest.approx(0.04 / (96 * math.log(4 * 1000 / 0.05)))
    assert thr.budget == 1000 and thr.noise == "laplace" and thr.reset == "on_overfit"
    assert Thresholdout.from_guarantee(0.1, 0.1, 50, budget=10).budget == 10
    with pytest.raises(ValueError, match="`tolerance`"):
        Thresholdout.from_guarantee(1.5, 0.05, 10)
    with pytest.raises(ValueError, match="`failure_probability`"):
        Thresholdout.from_guarantee(0.1, 0.0, 10)
    with pytest.raises(ValueError, match="`n_queries`"):
        Thresholdout.from_guarantee(0.1, 0.1, 0)
    with pytest.raises(ValueError, match="`budget`"):
        Thresholdout.from_guarantee(0.1, 0.1, 5, budget=6)
    with pytest.raises(TypeError, match="`sigma`"):
        Thresholdout.from_guarantee(0.1, 0.1, 5, sigma=0.2)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30), st.integers(0, 5))
def test_property_answers_are_train_or_near_holdout(gaps, budget):
    gaps = np.asarray(gaps)
    thr = Thresholdout(threshold=0.1, sigma=0.0, budget=budget, on_budget_exhausted="nan")
    ans = thr.query_means(np.zeros_like(gaps), gaps)
    touched = thr.touched_holdout_
    answered = ~np.isnan(ans)
    # with zero noise the rule is exact: holdout value iff gap > threshold, until the budget is spent
    assert touched.sum() <= budget
    np.testing.assert_array_equal(ans[answered & touched], gaps[answered & touched])
    np.testing.assert_array_equal(ans[answered & ~touched], 0.0)
    assert (gaps[answered & touched] > 0.1).all() and (gaps[answered & ~touched] <= 0.1).all()
    assert thr.budget_remaining_ == budget - touched.sum()


@pytest.mark.parametrize("make,name", [
    (lambda: LaplaceMechanism(float("inf")).query([0.5]), "scale"),
    (lambda: GaussianMechanism(float("inf")).query([0.5]), "sigma"),
    (lambda: Thresholdout(sigma=float("inf")).query([0.5], [0.5]), "sigma"),
])
def test_infinite_noise_scale_is_rejected(make, name):
    # inf passed the [0, inf) interval check and every noisy answer came out inf or nan
    with pytest.raises(ValueError, match=rf"`{name}` must be a float in \[0, 1\]; got inf"):
        make()


@pytest.mark.parametrize("make,name", [
    (lambda: LaplaceMechanism(1e300).query([0.5]), "scale"),
    (lambda: GaussianMechanism(1e300).query([0.5]), "sigma"),
    (lambda: Thresholdout(sigma=1e300).query([0.5], [0.5]), "sigma"),
    (lambda: Thresholdout(threshold=1e300).query([0.5], [0.5]), "threshold"),
])
def test_huge_noise_scale_is_rejected(make, name):
    # issue 11: LaplaceMechanism(scale=1e300) was accepted and every answer was pure noise
    with pytest.raises(ValueError, match=rf"`{name}` must be a float in \[0, 1\]"):
        make()
