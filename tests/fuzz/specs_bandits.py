"""Fuzz specs of statlearn.bandits (owner: bandits).

Bandit inputs are mostly scalars (constructor parameters, one round's loss), fuzzed as ``Scalar``.
"""

import numpy as np

from statlearn import bandits as b

from .core import INVALID, Arg, Scalar, Spec, func_spec

NOT_FUZZABLE = {}
MEANS = np.array([0.2, 0.5, 0.7])
LOSSES = np.random.default_rng(10).uniform(size=(3, 8))  # (arm, round) losses fed to the policies


def _loss_spec(cls, **params):
    def run(tally, **kw):
        f = cls(**kw).reset()
        return [f(tally), f(2.0)]

    scalars = {k: Scalar(v, "float") for k, v in params.items()}
    return func_spec(run, id=cls.__name__, tally=Arg(np.arange(6.0), rows=False), **scalars)


def _environment_specs():
    def bernoulli(means):
        env = b.BernoulliEnvironment(means, random_state=0)
        steps = [env.step(a) for a in (0, 1, 2, 0)]
        return [steps, [env.expected_loss(a) for a in range(len(MEANS))], env.repeated_play_losses(5),
                env.best_repeated_arm(5), env.saturated_losses()]

    fns = [b.StepLoss(0.2, 0.8, 2.0), b.LinearLoss(0.9, -0.2), b.ExponentialLoss(0.9, 0.1, 0.5)]

    def tallying(weights, memory, noise_scale):
        env = b.TallyingEnvironment(fns, weights, memory, noise="gaussian", noise_scale=noise_scale,
                                    random_state=0)
        steps = [env.step(a) for a in (0, 0, 1, 2, 0)]
        return [steps, env.tally(0), env.repeated_play_losses(5), env.best_repeated_arm(5),
                env.saturated_losses(), env.total_weight]

    w = np.array([1.0, 0.6, 0.3])
    return [
        func_spec(bernoulli, id="BernoulliEnvironment", means=Arg(MEANS, "prob", rows=False)),
        func_spec(tallying, id="TallyingEnvironment", weights=Arg(w, "prob"),
                  memory=Scalar(3, "int", extra={"not_len_weights": (5, INVALID)},
                                skip={"none": "None is documented: inferred from weights"}),
                  noise_scale=Scalar(0.1, "float")),
    ]


def _play(policy, loss=None, rounds=8):
    """Play ``rounds`` rounds on LOSSES; round 3 reports ``loss`` instead (when given)."""
    policy.reset()
    arms = []
    for t in range(rounds):
        a = policy.select()
        arms.append(a)
        policy.update(a, LOSSES[a, t] if (loss is None or t != 3) else loss)
    return arms


def _loss_arg():
    """One round's loss: must be a finite number in [0, 1] (never clipped silently)."""
    return Scalar(0.4, "prob", extra={"above_1": (1.5, INVALID), "negative": (-0.5, INVALID)})


def _policy_specs():
    def exp3(n_arms, horizon, loss):
        return _play(b.EXP3(n_arms, horizon, random_state=0), loss)

    def se(n_arms, horizon, exploration, loss):
        return _play(b.SuccessiveElimination(n_arms, horizon, exploration=exploration, random_state=0), loss)

    def ucb(n_arms, exploration, loss):
        return _play(b.UCB1(n_arms, exploration=exploration, random_state=0), loss)

    def wtse(n_arms, horizon, memory_bound, loss):
        return _play(b.WeightedTallyingSE(n_arms, horizon, memory_bound, random_state=0), loss)

    def blocked(block_size, burn_in, loss):
        return _play(b.BlockedPolicy(b.UCB1(3, random_state=0), block_size, burn_in=burn_in), loss)

    n, h = Scalar(3, "int"), Scalar(50, "int")
    return [
        func_spec(exp3, id="EXP3", n_arms=n, horizon=h, loss=_loss_arg()),
        func_spec(se, id="SuccessiveElimination", n_arms=n, horizon=h, exploration=Scalar(1.0), loss=_loss_arg()),
        func_spec(ucb, id="UCB1", n_arms=n, exploration=Scalar(1.0), loss=_loss_arg()),
        func_spec(wtse, id="WeightedTallyingSE", n_arms=n, horizon=h, loss=_loss_arg(),
                  memory_bound=Scalar(2, "int", extra={"above_horizon": (80, INVALID)})),
        func_spec(blocked, id="BlockedPolicy", block_size=Scalar(2, "int"), burn_in=Scalar(1, "int"),
                  loss=_loss_arg()),
    ]


def _simulate_specs():
    def sim(horizon, n_runs):
        env = b.BernoulliEnvironment(MEANS, random_state=0)
        return b.simulate(b.EXP3(3, 40, random_state=0), env, horizon, n_runs=n_runs, random_state=0)

    def plot():
        res = sim(40, 2)
        ax = b.plot_regret(res)
        return [line.get_ydata() for line in ax.get_lines()]

    return [
        func_spec(sim, id="simulate", horizon=Scalar(40, "int", extra={
            "exceeds_policy_horizon": (60, INVALID)}), n_runs=Scalar(2, "int")),
        Spec("plot_regret", plot),
    ]


def build_specs():
    losses = [_loss_spec(b.LinearLoss, intercept=0.9, slope=-0.1),
              _loss_spec(b.StepLoss, before=0.2, after=0.8, threshold=2.0),
              _loss_spec(b.ExponentialLoss, start=0.9, end=0.1, rate=0.5)]
    return losses + _environment_specs() + _policy_specs() + _simulate_specs()
