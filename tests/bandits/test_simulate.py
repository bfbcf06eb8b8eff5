"""simulate(): numba path == Python path step for step, regrets against brute force, WTB vs UCB1."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statlearn.bandits import (
    EXP3,
    UCB1,
    BernoulliEnvironment,
    BlockedPolicy,
    LinearLoss,
    StepLoss,
    SuccessiveElimination,
    TallyingEnvironment,
    WeightedTallyingSE,
    plot_regret,
    simulate,
)
from statlearn.datasets import make_tallying_environment
from tests.bandits import _oracles as O

T = 3000

POLICIES = {
    "ucb1": lambda: UCB1(5, random_state=0),
    "exp3": lambda: EXP3(5, horizon=T, random_state=0),
    "se": lambda: SuccessiveElimination(5, horizon=T),
    "wtb": lambda: WeightedTallyingSE(5, horizon=T, memory_bound=12),
    "blocked_exp3": lambda: BlockedPolicy(EXP3(5, horizon=T), block_size=10),
    "blocked_ucb1_last": lambda: BlockedPolicy(UCB1(5), block_size=10, burn_in=9),
}

ENVS = {
    "step": lambda: make_tallying_environment("step"),
    "satiation_gauss": lambda: make_tallying_environment("satiation", noise="gaussian"),
    "bernoulli": lambda: BernoulliEnvironment([0.5, 0.4, 0.3, 0.2, 0.6]),
}


@pytest.mark.parametrize("env_name", list(ENVS))
@pytest.mark.parametrize("pol_name", list(POLICIES))
def test_numba_equals_python_step_for_step(pol_name, env_name):
    policy, env = POLICIES[pol_name](), ENVS[env_name]()
    fast = simulate(policy, env, T, n_runs=2, random_state=7, engine="numba")
    slow = simulate(policy, env, T, n_runs=2, random_state=7, engine="python")
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def _seeds(random_state, run):
    return np.random.SeedSequence(random_state).spawn(run + 1)[run].spawn(2)


def test_ucb1_pseudo_regret_equals_plain_reference():
    p = [0.1, 0.2, 0.3, 0.4, 0.5]
    df = simulate(UCB1(5), BernoulliEnvironment(p), horizon=20_000, n_runs=2, random_state=11)
    for run in range(2):
        pol_seed, env_seed = _seeds(11, run)
        u_env = np.random.default_rng(env_seed).random(20_000)
        oracle = O.UCB1(5)
        regret, arms = 0.0, []
        for t in range(20_000):
            a = oracle.select(None)
            oracle.update(a, float(u_env[t] < p[a]))
            regret += p[a] - min(p)
            arms.append(a)
        got = df[df.run == run]
        np.testing.assert_array_equal(got["arm"].to_numpy(), arms)
        assert got["pseudo_regret"].iloc[-1] == pytest.approx(regret, abs=1e-6)  # float summation order
        # no memory: complete policy regret is the pseudo-regret
        np.testing.assert_allclose(got["policy_regret"], got["pseudo_regret"], atol=1e-9)


def test_regret_columns_match_brute_force():
    w = [1.0, 0.6, 0.3]
    fs = [StepLoss(0.9, 0.1, 1.8), LinearLoss(0.5, -0.05), LinearLoss(0.2, 0.1)]
    env = TallyingEnvironment(fs, weights=w)
    df = simulate(EXP3(3, horizon=400), env, 400, n_runs=1, random_state=2)
    ofs = [O.step(0.9, 0.1, 1.8), O.linear(0.5, -0.05), O.linear(0.2, 0.1)]
    # replay the arms through the oracle environment: expected losses and CPR
    oracle = O.Env(ofs, w, noise="none")
    means = np.array([oracle.play(int(a), 0.0)[0] for a in df["arm"]])
    np.testing.assert_allclose(df["expected_loss"], means, atol=1e-12)
    np.testing.assert_allclose(df["policy_regret"], O.complete_policy_regret(means, ofs, w), atol=1e-9)
    saturated = min(f(sum(w)) for f in ofs)
    np.testing.assert_allclose(df["pseudo_regret"], np.cumsum(means - saturated), atol=1e-9)
    assert list(df.columns) == ["policy", "run", "round", "arm", "loss", "expected_loss",
                                "pseudo_regret", "policy_regret"]
    assert df["round"].iloc[0] == 1


def test_user_policy_python_path_and_n_jobs():
    class RoundRobin:
        def __init__(self, k, random_state=None):
            self.k, self.random_state, self.t = k, random_state, 0

        def reset(self):
            self.t = 0

        def select(self):
            return self.t % self.k

        def update(self, arm, loss):
            self.t += 1

    env = make_tallying_environment("habituation", n_arms=3, memory=4)
    df = simulate(RoundRobin(3), env, 300, n_runs=3, random_state=0, n_jobs=2, label="rr")
    assert set(df["policy"]) == {"rr"}
    np.testing.assert_array_equal(df[df.run == 0]["arm"].to_numpy(), np.arange(300) % 3)
    with pytest.raises(ValueError, match="engine='numba'"):
        simulate(RoundRobin(3), env, 10, engine="numba")
    same = simulate(UCB1(3), env, 500, n_runs=3, random_state=4, n_jobs=2)
    pd.testing.assert_frame_equal(same, simulate(UCB1(3), env, 500, n_runs=3, random_state=4))


def test_simulate_bad_input():
    env = BernoulliEnvironment([0.2, 0.4])
    with pytest.raises(ValueError, match="has 3 arms but `environment` has 2"):
        simulate(UCB1(3), env, 10)
    with pytest.raises(ValueError, match="`horizon`"):
        simulate(UCB1(2), env, 0)
    with pytest.raises(TypeError, match="`environment`"):
        simulate(UCB1(2), "env", 10)
    with pytest.raises(TypeError, match="`policy` must have a `select`"):
        simulate(object(), env, 10)
    with pytest.raises(ValueError, match="`engine`"):
        simulate(UCB1(2), env, 10, engine="cuda")


def test_plot_regret():
    env = make_tallying_environment("step", n_arms=3, memory=4)
    df = pd.concat([simulate(UCB1(3), env, 400, n_runs=3, random_state=0),
                    simulate(WeightedTallyingSE(3, 400, 5), env, 400, n_runs=3, random_state=0)])
    ax = plot_regret(df)
    assert len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="`metric`"):
        plot_regret(df, metric="loss")


def _final_cpr(policy, env, horizon, n_runs, seed):
    df = simulate(policy, env, horizon, n_runs=n_runs, random_state=seed)
    return df.groupby("run")["policy_regret"].last().to_numpy()


@pytest.mark.slow
def test_wtb_beats_ucb1_on_step_instance():
    env = make_tallying_environment("step")
    horizon = 50_000
    wtb = _final_cpr(WeightedTallyingSE(5, horizon, 20), env, horizon, 8, 0)
    ucb = _final_cpr(UCB1(5), env, horizon, 8, 0)
    # UCB1 never lets the step arm saturate: its regret is linear (~0.2 per round)
    assert ucb.mean() > 0.15 * horizon
    assert wtb.max() < ucb.min() / 3


@pytest.mark.slow
def test_wtb_regret_grows_additively_in_memory_bound():
    env = make_tallying_environment("habituation")
    horizon = 50_000
    ms = [10, 40, 160]
    cpr = np.array([_final_cpr(WeightedTallyingSE(5, horizon, m), env, horizon, 6, 1).mean() for m in ms])
    assert np.all(np.diff(cpr) > 0)  # more burn-in costs more
    # additive, not multiplicative: 16x larger M costs far less than 16x the regret
    assert cpr[-1] < 4 * cpr[0]
    # each extra burn-in round is paid about once per arm and phase: slope ~ K * n_phases
    slope = (cpr[-1] - cpr[0]) / (ms[-1] - ms[0])
    assert 0 < slope < 5 * 16


@settings(max_examples=25)
@given(
    weights=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5),
    specs=st.lists(st.tuples(st.integers(0, 2), st.floats(0.0, 1.0), st.floats(-0.5, 0.5), st.floats(0.0, 3.0)),
                   min_size=2, max_size=4),
    noise=st.sampled_from(["bernoulli", "gaussian", "none"]),
    policy_kind=st.sampled_from(["ucb1", "exp3", "se", "wtb", "blocked"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_numba_equals_python_on_random_instances(weights, specs, noise, policy_kind, seed):
    from statlearn.bandits import ExponentialLoss

    fs = []
    for kind, a, b, c in specs:
        fs.append([LinearLoss(a, b), StepLoss(a, 1 - a, c), ExponentialLoss(a, abs(b), c)][kind])
    env = TallyingEnvironment(fs, weights=weights, noise=noise)
    k, horizon = len(fs), 150
    policy = {"ucb1": UCB1(k), "exp3": EXP3(k, horizon), "se": SuccessiveElimination(k, horizon),
              "wtb": WeightedTallyingSE(k, horizon, 3),
              "blocked": BlockedPolicy(EXP3(k, horizon), block_size=3, burn_in=1)}[policy_kind]
    fast = simulate(policy, env, horizon, random_state=seed, engine="numba")
    slow = simulate(policy, env, horizon, random_state=seed, engine="python")
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_record_every_thins_rows_not_regrets():
    env = make_tallying_environment("satiation", n_arms=3, memory=4)
    full = simulate(UCB1(3), env, 1000, n_runs=2, random_state=3)
    thin = simulate(UCB1(3), env, 1000, n_runs=2, random_state=3, record_every=300)
    assert thin["round"].unique().tolist() == [300, 600, 900, 1000]
    merged = full.merge(thin, on=["run", "round"], suffixes=("", "_thin"))
    assert len(merged) == len(thin) == 8
    for col in ["arm", "loss", "pseudo_regret", "policy_regret"]:
        np.testing.assert_array_equal(merged[col], merged[col + "_thin"])
    with pytest.raises(ValueError, match="`record_every`"):
        simulate(UCB1(3), env, 10, record_every=0)
