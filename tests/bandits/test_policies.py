"""Policies: schedules by hand, step-for-step agreement with plain-Python twins, bad input."""

import pickle

import numpy as np
import pytest

from statlearn.bandits import EXP3, UCB1, BlockedPolicy, SuccessiveElimination, WeightedTallyingSE
from tests.bandits import _oracles as O


def _drive(policy, oracle, losses_fn, n, seed):
    """Feed policy and oracle the same uniforms (the policy's own stream) and the same losses."""
    u = np.random.default_rng(seed).random(n)
    arms = []
    for t in range(n):
        a = policy.select()
        b = oracle.select(u[t])
        assert a == b, f"round {t}: {a} != {b}"
        loss = losses_fn(t, a)
        policy.update(a, loss)
        oracle.update(b, loss)
        arms.append(a)
    return np.array(arms)


def _losses(seed, k):
    rng = np.random.default_rng(seed + 100)
    table = rng.random((5000, k))
    means = np.linspace(0.2, 0.8, k)
    return lambda t, a: float(table[t % 5000, a] < means[a])


@pytest.mark.parametrize("seed", [0, 1])
def test_ucb1_matches_twin(seed):
    _drive(UCB1(4, exploration=0.7, random_state=seed), O.UCB1(4, 0.7), _losses(seed, 4), 1500, seed)


@pytest.mark.parametrize("seed", [0, 1])
def test_exp3_matches_twin(seed):
    pol = EXP3(3, horizon=1500, random_state=seed)
    _drive(pol, O.EXP3(3, 1500), _losses(seed, 3), 1500, seed)
    np.testing.assert_allclose(pol.probabilities_.sum(), 1.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_successive_elimination_matches_twin(seed):
    pol = SuccessiveElimination(4, horizon=3000, random_state=seed)
    _drive(pol, O.Elimination(4, 3000, burn=0, blocked=False), _losses(seed, 4), 3000, seed)
    assert len(pol.active_arms_) < 4  # it did eliminate on this easy instance


@pytest.mark.parametrize("seed", [0, 1])
def test_weighted_tallying_se_matches_twin(seed):
    pol = WeightedTallyingSE(4, horizon=4000, memory_bound=5, exploration=0.5, random_state=seed)
    oracle = O.Elimination(4, 4000, burn=5, blocked=True, c=0.5)
    _drive(pol, oracle, _losses(seed, 4), 4000, seed)
    assert pol.phase_ == oracle.phase
    assert pol.active_arms_.tolist() == oracle.active
    np.testing.assert_array_equal(pol.counts_, oracle.n)


@pytest.mark.parametrize("burn", [0, 3])
def test_blocked_matches_twin(burn):
    pol = BlockedPolicy(EXP3(3, horizon=2000, random_state=4), block_size=4, burn_in=burn)
    oracle = O.Blocked(O.EXP3(3, 2000), 4, burn)
    arms = _drive(pol, oracle, _losses(4, 3), 2000, 4)
    assert np.all(arms.reshape(-1, 4) == arms.reshape(-1, 4)[:, :1])  # constant within blocks


def test_wtb_schedule_by_hand():
    pol = WeightedTallyingSE(3, horizon=10_000, memory_bound=2)
    plays = []
    for _ in range(3 * 4 + 3 * 6):
        a = pol.select()
        plays.append(a)
        pol.update(a, 0.5)  # equal losses: nobody is eliminated
    # phase 1: blocks of M + 2 = 4 per arm; phase 2: blocks of M + 4 = 6 per arm
    assert plays == [0] * 4 + [1] * 4 + [2] * 4 + [0] * 6 + [1] * 6 + [2] * 6
    assert pol.counts_.tolist() == [2 + 4] * 3  # burn-in losses are discarded
    assert pol.phase_ == 3


def test_wtb_eliminates_and_commits():
    pol = WeightedTallyingSE(2, horizon=1000, memory_bound=1)
    for _ in range(200):
        a = pol.select()
        pol.update(a, 0.0 if a == 1 else 1.0)
    assert pol.active_arms_.tolist() == [1]
    assert all(pol.select() == 1 for _ in range(5))


def test_reset_and_reproducibility():
    pol = EXP3(4, horizon=500, random_state=3)
    first = []
    for _ in range(100):
        a = pol.select()
        first.append(a)
        pol.update(a, 0.5 if a else 0.1)
    pol.reset()
    assert pol.counts_.sum() == 0
    second = []
    for _ in range(100):
        a = pol.select()
        second.append(a)
        pol.update(a, 0.5 if a else 0.1)
    assert first == second


@pytest.mark.parametrize("policy", [
    UCB1(3), EXP3(3, horizon=50, random_state=1), SuccessiveElimination(3, horizon=50),
    WeightedTallyingSE(3, horizon=50, memory_bound=2), BlockedPolicy(UCB1(3), block_size=3, burn_in=1),
])
def test_params_clone_pickle_repr(policy):
    for _ in range(7):
        policy.update(policy.select(), 0.3)
    params = policy.get_params(deep=False)
    clone = type(policy)(**params)
    restored = pickle.loads(pickle.dumps(policy))
    assert restored.select() == policy.select()
    assert repr(clone).startswith(type(policy).__name__ + "(")
    assert repr(clone) == repr(policy)


def test_sklearn_clone():
    from sklearn.base import clone

    pol = BlockedPolicy(WeightedTallyingSE(3, horizon=90, memory_bound=4, random_state=2), block_size=2)
    for _ in range(5):
        pol.update(pol.select(), 0.1)
    fresh = clone(pol)
    assert repr(fresh) == repr(pol)
    assert fresh.counts_.sum() == 0 and fresh.policy is not pol.policy


def test_get_set_params_nested():
    pol = BlockedPolicy(UCB1(3), block_size=4)
    assert pol.get_params()["policy__n_arms"] == 3
    pol.set_params(policy__exploration=0.5, block_size=2)
    assert pol.policy.exploration == 0.5 and pol.block_size == 2


def test_bad_input():
    with pytest.raises(ValueError, match="`memory_bound` must be an int in \\[1, inf\\)"):
        WeightedTallyingSE(3, horizon=100, memory_bound=0)
    with pytest.raises(ValueError, match="`horizon` must be >= `n_arms` \\(5\\); got 3"):
        WeightedTallyingSE(5, horizon=3, memory_bound=2)
    with pytest.raises(ValueError, match="`horizon` must be >= `n_arms`"):
        SuccessiveElimination(5, horizon=4)
    with pytest.raises(ValueError, match="`horizon` must be >= `n_arms`"):
        EXP3(5, horizon=2)
    with pytest.raises(ValueError, match="`n_arms`"):
        UCB1(0)
    with pytest.raises(ValueError, match="`n_arms`"):
        UCB1(2.5)
    with pytest.raises(TypeError, match="`n_arms`"):
        UCB1("3")
    with pytest.raises(ValueError, match="`exploration`"):
        UCB1(2, exploration=-1.0)
    with pytest.raises(ValueError, match="`learning_rate`"):
        EXP3(2, horizon=10, learning_rate=0.0)
    with pytest.raises(TypeError, match="`random_state`"):
        UCB1(2, random_state="seed")
    with pytest.raises(ValueError, match="`burn_in` must be < `block_size`"):
        BlockedPolicy(UCB1(2), block_size=3, burn_in=3)
    with pytest.raises(TypeError, match="`policy` must be one of"):
        BlockedPolicy(BlockedPolicy(UCB1(2), 2), block_size=3)
    pol = UCB1(3)
    for bad in [3, -1, 1.5, None, True]:
        with pytest.raises(ValueError, match="`arm` must be an int in \\[0, 3\\)"):
            pol.update(bad, 0.5)
    with pytest.raises(ValueError, match="`loss` must be a finite"):
        pol.update(0, float("nan"))
    wtb = WeightedTallyingSE(3, horizon=100, memory_bound=2)
    assert wtb.select() == 0
    with pytest.raises(ValueError, match="must be the arm returned by the last select"):
        wtb.update(1, 0.5)


def test_ucb1_matches_mabwiser_arm_for_arm():
    # independent implementation: MABWiser's UCB1 on rewards 1 - loss, warm-started with one play per arm
    from mabwiser.mab import MAB, LearningPolicy

    k, horizon = 5, 2000
    p = np.array([0.3, 0.35, 0.4, 0.45, 0.5])
    losses = (np.random.default_rng(0).random((horizon, k)) < p).astype(float)
    ours = UCB1(k)
    arms = []
    for t in range(horizon):
        a = ours.select()
        ours.update(a, losses[t, a])
        arms.append(a)
    mab = MAB(arms=list(range(k)), learning_policy=LearningPolicy.UCB1(alpha=1.0), seed=0)
    mab.fit(decisions=list(range(k)), rewards=[1 - losses[t, t] for t in range(k)])
    theirs = list(range(k))
    for t in range(k, horizon):
        a = mab.predict()
        mab.partial_fit([a], [1 - losses[t, a]])
        theirs.append(a)
    np.testing.assert_array_equal(arms, theirs)


@pytest.mark.parametrize("make", [
    lambda: UCB1(2, exploration=float("inf")),
    lambda: SuccessiveElimination(2, horizon=10, exploration=float("inf")),
    lambda: WeightedTallyingSE(2, horizon=10, memory_bound=2, exploration=float("inf")),
    lambda: EXP3(2, horizon=10, learning_rate=float("inf")),
])
def test_infinite_float_parameters_are_rejected(make):
    # inf would give nan indices/probabilities (UCB1 always playing arm 0, EXP3 always the last
    # arm); the open right end of the parameter interval must reject it with an error
    with pytest.raises(ValueError, match=r"must be a float in [\[(]0, inf\); got inf"):
        make()
