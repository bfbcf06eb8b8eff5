"""Environments: the weighted tally and the loss follow the definition exactly."""

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from statlearn.bandits import (
    BernoulliEnvironment,
    ExponentialLoss,
    LinearContextualEnvironment,
    LinearLoss,
    StepLoss,
    TallyingEnvironment,
)
from tests.bandits import _oracles as O


def test_hand_computed_unweighted_tally():
    # m = 3, all weights 1: loss = 0.1 * tally for arm 0, constant 0.5 for arm 1.
    env = TallyingEnvironment([LinearLoss(0.0, 0.1), LinearLoss(0.5)], memory=3, noise="none")
    plays = [0, 0, 0, 0, 1, 0, 1, 1, 0]
    # tallies of arm 0 when played: 1, 2, 3, 3, -, 2 (plays t-1=1, t-2=0), -, -, 1
    expected = [0.1, 0.2, 0.3, 0.3, 0.5, 0.2, 0.5, 0.5, 0.1]
    got = [env.step(a) for a in plays]
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_hand_computed_weighted_tally():
    w = [1.0, 0.5, 0.25]
    env = TallyingEnvironment([LinearLoss(0.0, 0.2), LinearLoss(0.0, 0.2)], weights=w, noise="none")
    # arm 0 at t=1: 1; t=2: 1.5; arm 1 at t=3: 1; arm 0 at t=4: 1 + 0.25 (t=2) = 1.25;
    # arm 0 at t=5: 1 + 0.5 (t=4) + 0 (t=3 was arm 1) = 1.5
    assert env.tally(0) == 1.0
    out = [env.step(a) for a in [0, 0, 1, 0, 0]]
    np.testing.assert_allclose(out, [0.2, 0.3, 0.2, 0.25, 0.3], atol=1e-12)
    # history is now [0, 0, 1, 0, 0]: next tally of arm 0 = 1 + 0.5 + 0.25, of arm 1 = 1
    assert env.tally(0) == pytest.approx(1.75)
    assert env.tally(1) == pytest.approx(1.0)
    assert env.expected_loss(0) == pytest.approx(0.35)
    assert env.t_ == 5


def test_loss_families_match_formulas():
    y = np.array([0.0, 0.5, 1.0, 2.0, 10.0])
    np.testing.assert_allclose(LinearLoss(0.9, -0.3)(y), 0.9 - 0.3 * y)  # no clipping
    np.testing.assert_allclose(StepLoss(1.0, 0.1, 1.0)(y), np.where(y < 1.0, 1.0, 0.1))
    np.testing.assert_allclose(ExponentialLoss(0.8, 0.2, 0.5)(y), 0.2 + 0.6 * np.exp(-0.5 * y))
    assert LinearLoss(0.3)(4.0) == 0.3


@given(
    plays=st.lists(st.integers(0, 2), min_size=1, max_size=40),
    weights=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6),
)
def test_tally_and_loss_match_oracle(plays, weights):
    fs_spec = [(0.9, -0.1), (0.2, 0.1), (0.5, 0.0)]  # in [0, 1] on tallies up to 6
    env = TallyingEnvironment([LinearLoss(a, b) for a, b in fs_spec], weights=weights, noise="none")
    oracle = O.Env([O.linear(a, b) for a, b in fs_spec], weights, noise="none")
    for a in plays:
        assert env.tally(a) == pytest.approx(O.tally(oracle.history, a, weights), abs=1e-12)
        mean, _ = oracle.play(a)
        assert env.step(a) == pytest.approx(mean, abs=1e-12)


@pytest.mark.parametrize("noise", ["bernoulli", "gaussian"])
def test_noise_uses_the_environment_stream(noise):
    env = TallyingEnvironment([ExponentialLoss(0.8, 0.2, 1.0), StepLoss(0.9, 0.1, 1.5)],
                              weights=[1.0, 0.7], noise=noise, noise_scale=0.3, random_state=5).reset()
    oracle = O.Env([O.exponential(0.8, 0.2, 1.0), O.step(0.9, 0.1, 1.5)], [1.0, 0.7], noise=noise, scale=0.3,
                   stream=O.Stream(env._rng.copy()))
    plays = np.random.default_rng(1).integers(0, 2, size=600)
    first = []
    for a in plays:
        first.append(env.step(int(a)))
        assert first[-1] == pytest.approx(oracle.play(int(a))[1], abs=1e-12)
    env.reset()  # same seed, same stream
    assert env.t_ == 0
    assert [env.step(int(a)) for a in plays[:50]] == first[:50]


def test_bernoulli_environment():
    env = BernoulliEnvironment([0.2, 0.7], random_state=3).reset()
    stream = O.Stream(env._rng.copy())
    u = np.array([stream.uniform() for _ in range(300)])
    arms = np.arange(300) % 2
    got = np.array([env.step(int(a)) for a in arms])
    np.testing.assert_array_equal(got, (u < np.array([0.2, 0.7])[arms]).astype(float))
    np.testing.assert_allclose(env.saturated_losses(), [0.2, 0.7])
    assert env.best_repeated_arm(10) == 0


def test_repeated_play_losses_and_best_arm():
    env = TallyingEnvironment([StepLoss(1.0, 0.0, 2.5), LinearLoss(0.3)], memory=3, noise="none")
    rep = env.repeated_play_losses(6)
    np.testing.assert_allclose(rep[0], [1, 1, 0, 0, 0, 0])
    np.testing.assert_allclose(rep[1], [0.3] * 6)
    assert env.best_repeated_arm(6) == 1  # totals 2.0 vs 1.8
    assert env.best_repeated_arm(8) == 0  # totals 2.0 vs 2.4
    # the history is untouched by the counterfactual computation
    env.step(0)
    env.repeated_play_losses(4)
    assert env.tally(0) == 2.0


def _tally_env(*args, **kwargs):
    return TallyingEnvironment(*args, **kwargs).reset()


def test_losses_outside_unit_interval_raise_instead_of_clipping():
    # reachable tallies are [w_1, W] = [1, 3]: 0.9 - 0.4 * 3 = -0.3 would have been clipped to 0
    with pytest.raises(ValueError, match=r"loss_functions\[0\].*takes values in \[-0.3, 0.5\]"):
        _tally_env([LinearLoss(0.9, -0.4), LinearLoss(0.5)], memory=3)
    with pytest.raises(ValueError, match=r"loss_functions\[1\]"):
        _tally_env([LinearLoss(0.5), StepLoss(0.5, 1.2, 2.0)], memory=3)
    _tally_env([LinearLoss(0.5), StepLoss(0.5, 1.2, 4.0)], memory=3)  # the step is never reached: fine
    with pytest.raises(ValueError, match=r"loss_functions\[0\]"):
        _tally_env([ExponentialLoss(0.5, -0.5, 1.0)], memory=2)  # f(1) = -0.13


def test_bad_input():
    with pytest.raises(ValueError, match="`weights` must lie in \\[0, 1\\]"):
        TallyingEnvironment([LinearLoss(0.5)], weights=[1.0, 1.5]).reset()
    with pytest.raises(ValueError, match="`weights` must lie in \\[0, 1\\]"):
        TallyingEnvironment([LinearLoss(0.5)], weights=[-0.1]).reset()
    with pytest.raises(ValueError, match="`memory` must equal"):
        TallyingEnvironment([LinearLoss(0.5)], weights=[1.0, 1.0], memory=3).reset()
    with pytest.raises(ValueError, match="`memory`"):
        TallyingEnvironment([LinearLoss(0.5)], memory=0).reset()
    with pytest.raises(ValueError, match="give `weights` or `memory`"):
        TallyingEnvironment([LinearLoss(0.5)]).reset()
    with pytest.raises(TypeError, match="loss_functions\\[1\\]"):
        TallyingEnvironment([LinearLoss(0.5), lambda y: y], memory=2).reset()
    with pytest.raises(ValueError, match="`noise`"):
        TallyingEnvironment([LinearLoss(0.5)], memory=2, noise="poisson").reset()
    with pytest.raises(ValueError, match="`means` must lie in"):
        BernoulliEnvironment([0.5, 1.2]).reset()
    with pytest.raises(ValueError, match="`intercept`"):
        LinearLoss(np.nan)(1.0)
    env = BernoulliEnvironment([0.5, 0.5])
    for bad in [2, -1, 1.0, True, "0"]:
        with pytest.raises(ValueError, match="`arm` must be an int in \\[0, 2\\)"):
            env.step(bad)


def test_params_repr_pickle():
    env = TallyingEnvironment([LinearLoss(0.5), StepLoss(1, 0, 2)], weights=[1.0, 0.5], random_state=0)
    assert "TallyingEnvironment(loss_functions=[LinearLoss(intercept=0.5)" in repr(env)
    params = env.get_params(deep=False)
    clone = TallyingEnvironment(**params)
    a = [env.step(i % 2) for i in range(50)]
    b = [clone.step(i % 2) for i in range(50)]
    assert a == b
    env2 = pickle.loads(pickle.dumps(env))
    assert env2.step(0) == env.step(0)
    env.set_params(random_state=1)
    assert env.t_ == 0
    with pytest.raises(ValueError, match="not a parameter"):
        env.set_params(bogus=1)


def test_infinite_noise_scale_is_rejected():
    with pytest.raises(ValueError, match=r"`noise_scale` must be a float in \[0, inf\); got inf"):
        TallyingEnvironment([LinearLoss(0.5)], weights=[1.0], noise="gaussian", noise_scale=float("inf")).reset()


def test_linear_contextual_environment_stream_and_means():
    coef = np.array([[1.0, -1.0], [0.5, 0.5], [0.0, 0.2]])
    env = LinearContextualEnvironment(coef, noise_scale=0.2, random_state=1).reset()
    stream = O.Stream(env._rng.copy())
    for t in range(50):
        x = env.observe()
        np.testing.assert_array_equal(x, env.observe())  # one context per round
        expected_x = np.array([stream.normal() for _ in range(2)])
        np.testing.assert_allclose(x, expected_x, atol=1e-15)
        loss = env.step(t % 3)
        assert loss == pytest.approx(coef[t % 3] @ x + 0.2 * stream.normal(), abs=1e-12)
        assert env.last_best_loss_ == pytest.approx((coef @ x).min())
    with pytest.raises(ValueError, match="`coef`"):
        LinearContextualEnvironment([1.0, 2.0]).reset()
    with pytest.raises(ValueError, match="`arm`"):
        env.step(3)
