"""Policies: step-for-step agreement with plain-Python twins on the same random stream, MABWiser
arm for arm, schedules by hand, named arms, fit on logs, and the errors users meet."""

import copy
import pickle

import numpy as np
import pytest
from sklearn.base import clone

from statlearn.bandits import (
    EXP3,
    KLUCB,
    UCB1,
    BernoulliThompsonSampling,
    BlockedPolicy,
    GaussianThompsonSampling,
    LinearThompsonSampling,
    LinUCB,
    SuccessiveElimination,
    WeightedTallyingSE,
)
from tests.bandits import _oracles as O


def _stream(policy):
    """The oracle's copy of the policy's own random stream (before any draw)."""
    policy.reset()
    return O.Stream(policy._named("rng").copy()) if "rng" in policy._state_names else None


def _drive(policy, oracle, losses_fn, n):
    stream = _stream(policy)
    arms = []
    for t in range(n):
        a = policy.select()
        b = oracle.select(stream)
        assert a == b, f"round {t}: {a} != {b}"
        loss = losses_fn(t, a)
        policy.update(a, loss)
        oracle.update(b, loss)
        arms.append(a)
    return np.array(arms)


def _losses(seed, k, kind="bernoulli"):
    rng = np.random.default_rng(seed + 100)
    table = rng.random((5000, k))
    means = np.linspace(0.2, 0.8, k)
    if kind == "gaussian":
        noise = rng.normal(size=(5000, k))
        return lambda t, a: float(means[a] + 0.3 * noise[t % 5000, a])
    return lambda t, a: float(table[t % 5000, a] < means[a])


@pytest.mark.parametrize("seed", [0, 1])
def test_ucb1_matches_twin(seed):
    _drive(UCB1(4, exploration=0.7), O.UCB1(4, 0.7), _losses(seed, 4), 1500)


@pytest.mark.parametrize("c", [0.0, 3.0])
def test_klucb_matches_brent_twin(c):
    _drive(KLUCB(4, c=c), O.KLUCB(4, c), _losses(0, 4), 800)


@pytest.mark.parametrize("seed", [0, 1])
def test_bernoulli_thompson_matches_twin(seed):
    pol = BernoulliThompsonSampling(4, prior_alpha=0.5, prior_beta=2.0, random_state=seed)
    _drive(pol, O.BernoulliTS(4, 0.5, 2.0), _losses(seed, 4), 800)


def test_gaussian_thompson_matches_twin():
    pol = GaussianThompsonSampling(3, scale=0.3, random_state=5)
    _drive(pol, O.GaussianTS(3, 0.3), _losses(0, 3, "gaussian"), 800)


@pytest.mark.parametrize("seed", [0, 1])
def test_exp3_matches_twin(seed):
    pol = EXP3(3, horizon=1500, random_state=seed)
    _drive(pol, O.EXP3(3, 1500), _losses(seed, 3), 1500)
    np.testing.assert_allclose(pol.probabilities_.sum(), 1.0)


def test_successive_elimination_matches_twin():
    pol = SuccessiveElimination(4, horizon=3000)
    _drive(pol, O.Elimination(4, 3000, burn=0, blocked=False), _losses(0, 4), 3000)
    assert len(pol.active_arms_) < 4  # it did eliminate on this easy instance


@pytest.mark.parametrize("seed", [0, 1])
def test_weighted_tallying_se_matches_twin(seed):
    pol = WeightedTallyingSE(4, horizon=4000, memory_bound=5, exploration=0.5)
    oracle = O.Elimination(4, 4000, burn=5, blocked=True, c=0.5)
    _drive(pol, oracle, _losses(seed, 4), 4000)
    assert pol.phase_ == oracle.phase
    assert pol.active_arms_.tolist() == oracle.active
    np.testing.assert_array_equal(pol.counts_, oracle.n)


@pytest.mark.parametrize("burn", [0, 3])
def test_blocked_matches_twin(burn):
    base = EXP3(3, horizon=600, random_state=4)
    stream = _stream(base)
    pol = BlockedPolicy(base, block_size=5, burn_in=burn)
    oracle = O.Blocked(O.EXP3(3, 600), 5, burn)
    loss = _losses(2, 3)
    for t in range(3000):
        a, b = pol.select(), oracle.select(stream)
        assert a == b
        pol.update(a, loss(t, a))
        oracle.update(b, loss(t, b))


def _contextual_rounds(n, d, k, seed):
    rng = np.random.default_rng(seed)
    X, coef = rng.normal(size=(n, d)), rng.normal(size=(k, d))
    return X, lambda t, a: float(coef[a] @ X[t] + 0.1 * rng.normal())


@pytest.mark.parametrize("make, oracle", [
    (lambda: LinUCB(3, exploration=0.5, alpha=2.0), lambda: O.LinUCB(3, 4, 0.5, 2.0)),
    (lambda: LinearThompsonSampling(3, scale=0.4, alpha=2.0, random_state=1), lambda: O.LinTS(3, 4, 0.4, 2.0)),
])
def test_linear_policies_match_twins(make, oracle):
    pol, orc = make(), oracle()
    stream = _stream(pol)
    X, loss = _contextual_rounds(300, 4, 3, 0)
    for t in range(300):
        a, b = pol.select(X[t]), orc.select(X[t], stream)
        assert a == b, t
        y = loss(t, a)
        pol.update(a, y, X[t])
        orc.update(b, y, X[t])
    np.testing.assert_allclose(pol.coef_[0], orc._model(0)[1], rtol=1e-8, atol=1e-10)


def test_ucb1_matches_mabwiser_arm_for_arm():
    # independent implementation: MABWiser's UCB1 on rewards -loss (same argmax), warm-started alike
    from mabwiser.mab import MAB, LearningPolicy

    k, n = 4, 2000
    loss = _losses(3, k)
    ours = UCB1(k)
    for a in range(k):
        ours.update(a, loss(a, a))
    mab = MAB(arms=list(range(k)), learning_policy=LearningPolicy.UCB1(alpha=1.0), seed=0)
    mab.fit(decisions=list(range(k)), rewards=[-loss(a, a) for a in range(k)])
    for t in range(k, n):
        a, b = ours.select(), mab.predict()
        assert a == b, f"round {t}"
        y = loss(t, a)
        ours.update(a, y)
        mab.partial_fit([b], [-y])


def test_linucb_matches_mabwiser_arm_for_arm():
    from mabwiser.mab import MAB, LearningPolicy

    k, d, n = 3, 4, 300
    X, loss = _contextual_rounds(n, d, k, 7)
    ours = LinUCB(k, exploration=1.0, alpha=1.0)
    mab = MAB(arms=list(range(k)), learning_policy=LearningPolicy.LinUCB(alpha=1.0, l2_lambda=1.0), seed=0)
    warm = [loss(t, t % k) for t in range(k)]
    ours.fit(list(range(k)), warm, X[:k])
    mab.fit(decisions=list(range(k)), rewards=[-y for y in warm], contexts=X[:k])
    for t in range(k, n):
        a, b = ours.select(X[t]), mab.predict([X[t]])
        assert a == b, f"round {t}"
        y = loss(t, a)
        ours.update(a, y, X[t])
        mab.partial_fit([b], [-y], [X[t]])


def test_wtb_schedule_by_hand():
    pol = WeightedTallyingSE(3, horizon=200, memory_bound=2)
    plays = [pol.select()]
    for _ in range(29):
        pol.update(plays[-1], 0.5)
        plays.append(pol.select())
    # phase 1: blocks of 2 + 2 = 4 per arm; phase 2: blocks of 2 + 4 = 6 (nothing is eliminated at ties)
    assert plays == [0] * 4 + [1] * 4 + [2] * 4 + [0] * 6 + [1] * 6 + [2] * 6
    assert pol.counts_.tolist() == [2 + 4, 2 + 4, 2 + 3]  # the 30th play is selected, not yet updated


def test_named_arms_round_trip_and_errors():
    pol = UCB1(["red", "green", "blue"])
    seen = []
    for loss in [0.9, 0.1, 0.5, 0.2]:
        arm = pol.select()
        seen.append(arm)
        pol.update(arm, loss)
    assert seen == ["red", "green", "blue", "green"]
    # t = 4: indices 0.9 - 1.665, 0.15 - 1.177, 0.5 - 1.665 (hand computed)
    assert pol.select() == "blue" and pol.arms_ == ["red", "green", "blue"]
    with pytest.raises(ValueError, match="`arm` must be one of"):
        pol.update("purple", 0.1)
    ints = UCB1([2, 0, 1])  # int labels are labels, not indices
    ints.update(0, 1.0)
    assert ints.counts_.tolist() == [0, 1, 0]
    with pytest.raises(ValueError, match="distinct"):
        UCB1(["a", "a"]).reset()


@pytest.mark.parametrize("make", [lambda: UCB1(["a", "b", "c"]), lambda: KLUCB(3),
                                  lambda: BernoulliThompsonSampling(3, random_state=0),
                                  lambda: GaussianThompsonSampling(3, random_state=0)])
def test_fit_on_logs_equals_a_loop_of_updates(make):
    rng = np.random.default_rng(0)
    arms = make().arms_
    logged = [arms[i] for i in rng.integers(0, 3, 200)]
    losses = (rng.random(200) < 0.4).astype(float)
    batch = make().fit(logged, losses)
    loop = make()
    for a, y in zip(logged, losses, strict=True):
        loop.update(a, float(y))
    for name in batch._state_names:
        if name != "rng":
            np.testing.assert_array_equal(batch._named(name), loop._named(name))
    assert batch.fit(logged[:10], losses[:10]).partial_fit(logged[10:], losses[10:])._named(
        batch._state_names[0]).tolist() == make().fit(logged, losses)._named(batch._state_names[0]).tolist()


def test_fit_refused_where_plays_are_scheduled():
    for pol in (WeightedTallyingSE(2, 100, 3), SuccessiveElimination(2, 100), EXP3(2, 100)):
        with pytest.raises(TypeError, match="cannot learn from logged decisions"):
            pol.fit([0, 1], [0.1, 0.2])


def test_horizon_is_enforced_per_call():
    pol = EXP3(2, horizon=5, random_state=0)
    for _ in range(5):
        pol.update(pol.select(), 0.5)
    with pytest.raises(ValueError, match="built for `horizon`=5"):
        pol.update(pol.select(), 0.5)
    pol.reset().update(pol.select(), 0.5)  # reset starts over


def test_memory_bound_larger_than_horizon_raises():
    with pytest.raises(ValueError, match="phase 1 alone needs"):
        WeightedTallyingSE(5, horizon=100, memory_bound=100).select()


@pytest.mark.parametrize("make", [lambda: UCB1(2), lambda: KLUCB(2), lambda: BernoulliThompsonSampling(2),
                                  lambda: EXP3(2, 10), lambda: SuccessiveElimination(2, 10),
                                  lambda: WeightedTallyingSE(2, 100, 3), lambda: BlockedPolicy(UCB1(2), 2)])
@pytest.mark.parametrize("bad", [1.5, -0.5, 1e300])
def test_bounded_policies_reject_losses_outside_unit_interval(make, bad):
    pol = make()
    for _ in range(2):  # the first update goes through the checks, the second through the fast path
        with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
            pol.update(pol.select(), bad)
        pol.update(pol.select(), 0.5)
    if hasattr(pol, "partial_fit") and pol._kernel in ("ucb1", "klucb", "bernoulli_ts"):
        with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
            make().fit([0], [bad])


def test_same_seed_same_plays_and_reset():
    def plays(pol):
        out = []
        for _ in range(50):
            a = pol.select()
            out.append(a)
            pol.update(a, float(a == 0))
        return out

    a = plays(BernoulliThompsonSampling(3, random_state=3))
    assert a == plays(BernoulliThompsonSampling(3, random_state=3))
    pol = BernoulliThompsonSampling(3, random_state=3)
    plays(pol)
    assert plays(pol.reset()) == a
    assert a != plays(BernoulliThompsonSampling(3, random_state=4))


ALL = [UCB1(3, exploration=0.5), KLUCB(3, c=1.0), BernoulliThompsonSampling(3, random_state=0),
       GaussianThompsonSampling(3, scale=0.5, random_state=0), EXP3(3, 100, random_state=1),
       SuccessiveElimination(3, 100), WeightedTallyingSE(3, 100, 4, exploration=0.5),
       BlockedPolicy(UCB1(3), 4, burn_in=1), LinUCB(3, n_features=2), LinearThompsonSampling(3, random_state=0)]


@pytest.mark.parametrize("policy", ALL, ids=lambda p: type(p).__name__)
def test_params_clone_pickle_repr(policy):
    assert "(" in repr(policy)
    c = clone(policy)
    assert c.get_params() .keys() == policy.get_params().keys()
    ctx = np.ones(2) if getattr(policy, "_contextual", False) else None
    p2 = pickle.loads(pickle.dumps(policy))
    a = policy.select(ctx) if ctx is not None else policy.select()
    b = p2.select(ctx) if ctx is not None else p2.select()
    assert a == b
    p3, p4 = pickle.loads(pickle.dumps(policy)), pickle.loads(pickle.dumps(policy))  # after use
    assert (p3.select(ctx) if ctx is not None else p3.select()) == (p4.select(ctx) if ctx is not None
                                                                   else p4.select())
    copy.deepcopy(policy)


def test_set_params_resets_and_validates():
    pol = UCB1(3)
    pol.update(pol.select(), 0.3)
    pol.set_params(exploration=0.1)
    assert pol.counts_.sum() == 0
    with pytest.raises(ValueError, match="exploration"):
        pol.set_params(exploration=-1.0).select()
    with pytest.raises(ValueError, match="not a parameter"):
        pol.set_params(bogus=1)
    blocked = BlockedPolicy(UCB1(3), 2)
    blocked.set_params(policy__exploration=0.3)
    assert blocked.policy.exploration == 0.3


@pytest.mark.parametrize("call, match", [
    (lambda: UCB1(0).select(), "`arms`"),
    (lambda: UCB1("abc").select(), "`arms`"),
    (lambda: UCB1(2, exploration=float("inf")).select(), "exploration"),
    (lambda: UCB1(2).update(5, 0.1), "`arm`"),
    (lambda: UCB1(2).update(True, 0.1), "`arm`"),
    (lambda: UCB1(2).update(0, float("nan")), "`loss`"),
    (lambda: UCB1(2).update(0, "x"), "`loss`"),
    (lambda: UCB1(2).select([1.0]), "`context`"),
    (lambda: EXP3(3, horizon=2).select(), "horizon"),
    (lambda: EXP3(3, horizon=10, learning_rate=0.0).select(), "learning_rate"),
    (lambda: WeightedTallyingSE(2, 100, 0).select(), "memory_bound"),
    (lambda: WeightedTallyingSE(2, 100, 2).update(1, 0.5), "arm returned by the last select"),
    (lambda: BlockedPolicy(UCB1(2), 3, burn_in=3).select(), "burn_in"),
    (lambda: BlockedPolicy(LinUCB(2), 3).select(), "contextual"),
    (lambda: BlockedPolicy("UCB1", 3).select(), "policy"),
    (lambda: LinUCB(2).select(), "context"),
    (lambda: LinUCB(2, n_features=3).select([1.0, 2.0]), "3 features"),
    (lambda: LinUCB(2).select([1.0, float("nan")]), "context"),
    (lambda: LinUCB(2).fit([0, 1], [0.1, 0.2], np.ones((3, 2))), "contexts"),
    (lambda: UCB1(2).fit([0, 2], [0.1, 0.2]), "`arms`"),
    (lambda: UCB1(2).fit([0, 1], [0.1]), "same length"),
])
def test_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
