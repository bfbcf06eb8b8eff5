"""simulate(): numba == Python path round for round, regrets against brute force, the summary
frame against the per-run rows, the horizon contract, bounded output, RegretDisplay."""

import numpy as np
import pandas as pd
import pytest

from statlearn.bandits import (
    EXP3,
    KLUCB,
    UCB1,
    BernoulliEnvironment,
    BernoulliThompsonSampling,
    BlockedPolicy,
    GaussianThompsonSampling,
    LinearContextualEnvironment,
    LinearThompsonSampling,
    LinUCB,
    RegretDisplay,
    SuccessiveElimination,
    WeightedTallyingSE,
    simulate,
)
from statlearn.bandits._kernels.random import new_state
from statlearn.datasets import make_tallying_environment
from tests.bandits import _oracles as O

T = 2000

POLICIES = {
    "ucb1": lambda: UCB1(5),
    "klucb": lambda: KLUCB(5),
    "bernoulli_ts": lambda: BernoulliThompsonSampling(5, random_state=0),
    "gaussian_ts": lambda: GaussianThompsonSampling(5, scale=0.3, random_state=0),
    "exp3": lambda: EXP3(5, horizon=T, random_state=0),
    "se": lambda: SuccessiveElimination(5, horizon=T),
    "wtb": lambda: WeightedTallyingSE(5, horizon=T, memory_bound=12),
    "blocked_exp3": lambda: BlockedPolicy(EXP3(5, horizon=T), block_size=10),
    "blocked_ucb1_last": lambda: BlockedPolicy(UCB1(["a", "b", "c", "d", "e"]), block_size=10, burn_in=9),
}

ENVS = {
    "step": lambda: make_tallying_environment("step"),
    "satiation_gauss": lambda: make_tallying_environment("satiation", noise="gaussian"),
    "bernoulli": lambda: BernoulliEnvironment([0.5, 0.4, 0.3, 0.2, 0.6]),
}


@pytest.mark.parametrize("env_name", list(ENVS))
@pytest.mark.parametrize("pol_name", list(POLICIES))
def test_numba_equals_python_round_for_round(pol_name, env_name):
    policy, env = POLICIES[pol_name](), ENVS[env_name]()
    if pol_name != "gaussian_ts" and env_name == "satiation_gauss":
        for engine in ("numba", "python"):  # losses leave [0, 1]: refused up front on both paths
            with pytest.raises(ValueError, match=r"needs losses in \[0, 1\]"):
                simulate(policy, env, T, engine=engine)
        return
    fast = simulate(policy, env, T, n_runs=2, random_state=7, engine="numba", per_run=True, record_every=1)
    slow = simulate(policy, env, T, n_runs=2, random_state=7, engine="python", per_run=True, record_every=1)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


@pytest.mark.parametrize("make", [lambda: LinUCB(3, exploration=0.5),
                                  lambda: LinearThompsonSampling(3, random_state=1)])
def test_contextual_numba_equals_python(make):
    env = LinearContextualEnvironment(np.random.default_rng(0).normal(size=(3, 4)), noise_scale=0.3)
    fast = simulate(make(), env, 500, n_runs=2, random_state=3, per_run=True, record_every=1)
    slow = simulate(make(), env, 500, n_runs=2, random_state=3, per_run=True, record_every=1, engine="python")
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-12)
    assert fast["policy_regret"].iloc[-1] < 0.2 * 500  # it learns: far below a random arm's regret


def _run_seeds(random_state, run):
    child = np.random.SeedSequence(random_state).spawn(run + 1)[run].spawn(2)
    return [O.Stream(new_state(np.random.default_rng(s))) for s in child]


def test_regrets_match_brute_force():
    env = make_tallying_environment("step", n_arms=3, memory=3, decay=0.8)
    weights = [1.0, 0.8, 0.64]
    fs = [O.step(1.0, 0.1, 0.95 * sum(weights)), O.linear(0.3, 0.0), O.linear(0.6, 0.0)]
    horizon = 400
    df = simulate(UCB1(3), env, horizon, n_runs=2, random_state=11, per_run=True, record_every=1)
    for run in range(2):
        _, env_stream = _run_seeds(11, run)
        oracle_env, pol = O.Env(fs, weights, stream=env_stream), O.UCB1(3)
        means, losses = [], []
        for _ in range(horizon):
            a = pol.select()
            mean, loss = oracle_env.play(a)
            pol.update(a, loss)
            means.append(mean)
            losses.append(loss)
        rows = df[df["run"] == run]
        np.testing.assert_allclose(rows["cumulative_loss"], np.cumsum(losses), atol=1e-9)
        np.testing.assert_allclose(rows["policy_regret"], O.complete_policy_regret(means, fs, weights), atol=1e-9)
        best_saturated = min(f(sum(weights)) for f in fs)
        np.testing.assert_allclose(rows["pseudo_regret"], np.cumsum(means) - best_saturated * np.arange(1, 401),
                                   atol=1e-9)


def test_summary_is_mean_and_band_of_the_runs():
    env = make_tallying_environment("habituation")
    runs = simulate(UCB1(5), env, 3000, n_runs=12, random_state=2, per_run=True, record_every=100)
    summary = simulate(UCB1(5), env, 3000, n_runs=12, random_state=2, record_every=100, band=0.5)
    wide = runs.pivot(index="round", columns="run", values="policy_regret")
    np.testing.assert_allclose(summary["policy_regret_mean"], wide.mean(axis=1))
    np.testing.assert_allclose(summary["policy_regret_lo"], wide.quantile(0.25, axis=1))
    np.testing.assert_allclose(summary["policy_regret_hi"], wide.quantile(0.75, axis=1))
    assert summary["n_runs"].eq(12).all() and summary["round"].tolist() == list(range(100, 3001, 100))


def test_runs_differ_and_n_jobs_gives_the_same_numbers():
    env = make_tallying_environment("step")
    one = simulate(EXP3(5, 2000, random_state=0), env, 2000, n_runs=4, random_state=5, per_run=True)
    two = simulate(EXP3(5, 2000, random_state=0), env, 2000, n_runs=4, random_state=5, per_run=True, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    finals = one.groupby("run")["cumulative_loss"].last()
    assert finals.nunique() == 4


def test_horizon_shorter_than_simulation_raises():
    env = make_tallying_environment("step")
    with pytest.raises(ValueError, match=r"built for `horizon`=100 but simulate\(\) plays 20000 rounds"):
        simulate(WeightedTallyingSE(5, 100, 5), env, 20_000)
    with pytest.raises(ValueError, match="plays 200 blocks"):
        simulate(BlockedPolicy(EXP3(5, 100), block_size=10), env, 2000)
    simulate(BlockedPolicy(EXP3(5, 200), block_size=10), env, 2000)  # 200 blocks: fine


def test_output_is_bounded_whatever_the_horizon():
    env = BernoulliEnvironment([0.3, 0.5])
    df = simulate(UCB1(2), env, 1_000_000, n_runs=3, random_state=0, per_run=True)
    assert len(df) == 3 * 1000 and df["round"].iloc[-1] == 1_000_000
    odd = simulate(UCB1(2), env, 1005, record_every=10)
    assert odd["round"].iloc[-1] == 1005 and len(odd) == 101


class _Greedy:
    """A user policy with no numba path."""

    def __init__(self, k=5, random_state=None):
        self.k, self.random_state = k, random_state
        self.reset()

    def reset(self):
        self.s, self.n = np.zeros(self.k), np.zeros(self.k)
        return self

    def get_params(self, deep=True):
        return {"k": self.k, "random_state": self.random_state}

    def set_params(self, **p):
        self.__dict__.update(p)
        return self.reset()

    def select(self):
        return int(np.argmin(np.where(self.n > 0, self.s / np.maximum(self.n, 1), -1)))

    def update(self, arm, loss):
        self.s[arm] += loss
        self.n[arm] += 1


def test_user_policy_runs_on_the_python_path():
    df = simulate(_Greedy(), make_tallying_environment("habituation"), 300, n_runs=2, random_state=0, label="greedy")
    assert df["policy"].iloc[0] == "greedy"
    with pytest.raises(ValueError, match="engine='python'"):
        simulate(_Greedy(), make_tallying_environment("habituation"), 300, engine="numba")


@pytest.mark.parametrize("call, match", [
    (lambda: simulate(UCB1(2), BernoulliEnvironment([0.1, 0.2]), 0), "horizon"),
    (lambda: simulate(UCB1(2), BernoulliEnvironment([0.1, 0.2]), 10, n_runs=0), "n_runs"),
    (lambda: simulate(UCB1(2), BernoulliEnvironment([0.1, 0.2]), 10, engine="cuda"), "engine"),
    (lambda: simulate(UCB1(2), "env", 10), "environment"),
    (lambda: simulate(UCB1(3), BernoulliEnvironment([0.1, 0.2]), 10), "3 arms"),
    (lambda: simulate(object(), BernoulliEnvironment([0.1, 0.2]), 10), "select"),
    (lambda: simulate(LinUCB(2), BernoulliEnvironment([0.1, 0.2]), 10), "non-contextual"),
    (lambda: simulate(UCB1(2), LinearContextualEnvironment(np.eye(2)), 10), "contextual"),
    (lambda: simulate(LinUCB(2, n_features=3), LinearContextualEnvironment(np.eye(2)), 10), "n_features"),
    (lambda: simulate(UCB1(2), BernoulliEnvironment([0.1, 0.2]), 10, band=1.0), "band"),
])
def test_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_regret_display():
    import matplotlib

    matplotlib.use("Agg")
    env = make_tallying_environment("step")
    disp = RegretDisplay.from_policies({"UCB1": UCB1(5), "WTB": WeightedTallyingSE(5, 3000, 12)}, env, 3000,
                                       n_runs=4, random_state=0)
    assert sorted(disp.lines_) == ["UCB1", "WTB"] and "complete policy regret" in disp.ax_.get_ylabel()
    runs = simulate(UCB1(5), env, 3000, n_runs=4, random_state=0, per_run=True, label="UCB1")
    from_runs = RegretDisplay.from_simulation(runs)
    np.testing.assert_allclose(from_runs.curves["UCB1"][1], disp.curves["UCB1"][1])
    RegretDisplay.from_simulation(runs, metric="pseudo_regret").plot(log_x=True)
    with pytest.raises(ValueError, match="`metric`"):
        RegretDisplay.from_simulation(runs, metric="regret")
    with pytest.raises(ValueError, match="`results`"):
        RegretDisplay.from_simulation([1, 2])


def _final_cpr(policy, env, horizon, n_runs, seed):
    df = simulate(policy, env, horizon, n_runs=n_runs, random_state=seed, per_run=True)
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
    assert cpr[-1] < 4 * cpr[0]  # additive, not multiplicative: 16x larger M costs far less than 16x
    slope = (cpr[-1] - cpr[0]) / (ms[-1] - ms[0])
    assert 0 < slope < 5 * 16  # each extra burn-in round is paid about once per arm and phase
