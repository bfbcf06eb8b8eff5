"""Fuzz specs of statlearn.bandits (owner: bandits).

Bandit inputs are mostly scalars (constructor parameters, one round's loss), fuzzed as ``Scalar``.
"""

import numpy as np

from statlearn import bandits as b

from .core import EITHER, INVALID, Arg, Scalar, Spec, func_spec

NOT_FUZZABLE = {}
MEANS = np.array([0.2, 0.5, 0.7])
LOSSES = np.random.default_rng(10).uniform(size=(3, 8))  # (arm, round) losses fed to the policies


def _loss_spec(cls, **params):
    def run(tally, **kw):
        f = cls(**kw)
        return [f(tally), f(2.0)]

    scalars = {k: Scalar(v, "float") for k, v in params.items()}
    # a scalar tally is documented (float or array-like): one dimension fewer is valid
    return func_spec(run, id=cls.__name__, tally=Arg(np.arange(6.0), rows=False, expect={"ndim_minus": EITHER}),
                     **scalars)


def _environment_specs():
    def bernoulli(means):
        env = b.BernoulliEnvironment(means, random_state=0)
        steps = [env.step(a % env.n_arms) for a in (0, 1, 2, 0)]  # a one-arm environment is valid
        return [steps, [env.expected_loss(a) for a in range(env.n_arms)], env.repeated_play_losses(5),
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


def _play(policy, loss, rounds=8):
    """Play ``rounds`` rounds on LOSSES; round 3 reports ``loss`` instead (None included: it must raise)."""
    policy.reset()
    arms = []
    for t in range(rounds):
        a = policy.select()
        arms.append(a)
        policy.update(a, loss if t == 3 else LOSSES[a, t])
    return arms


def _loss_arg():
    """One round's loss: must be a finite number in [0, 1] (never clipped silently)."""
    return Scalar(0.4, "prob", extra={"above_1": (1.5, INVALID), "negative": (-0.5, INVALID)})


def _policy_specs():
    def exp3(arms, horizon, loss):
        return _play(b.EXP3(arms, horizon, random_state=0), loss)

    def se(arms, horizon, exploration, loss):
        return _play(b.SuccessiveElimination(arms, horizon, exploration=exploration, random_state=0), loss)

    def ucb(arms, exploration, loss):
        return _play(b.UCB1(arms, exploration=exploration, random_state=0), loss)

    def wtse(arms, horizon, memory_bound, loss):
        return _play(b.WeightedTallyingSE(arms, horizon, memory_bound, random_state=0), loss)

    def blocked(block_size, burn_in, loss):
        return _play(b.BlockedPolicy(b.UCB1(3, random_state=0), block_size, burn_in=burn_in), loss)

    def klucb(arms, c, loss):
        return _play(b.KLUCB(arms, c=c), loss)

    def bts(arms, prior_alpha, loss):
        return _play(b.BernoulliThompsonSampling(arms, prior_alpha=prior_alpha, random_state=0), loss)

    def gts(arms, scale, loss):
        return _play(b.GaussianThompsonSampling(arms, scale=scale, random_state=0), loss)

    def ucb_fit(losses):  # off-policy warm start on logged decisions, named arms
        pol = b.UCB1(["a", "b", "c"]).fit(["a", "b", "c", "a", "b", "c"][: np.size(losses)], losses)
        return [pol.select(), pol.counts_.tolist()]  # mean_losses_ is nan for an arm with no data (documented)

    n, h = Scalar(3, "int"), Scalar(50, "int")
    logged = np.array([0.2, 0.9, 0.4, 0.1, 0.8, 0.5])
    return [
        func_spec(klucb, id="KLUCB", arms=n, c=Scalar(0.0), loss=_loss_arg()),
        func_spec(bts, id="BernoulliThompsonSampling", arms=n, prior_alpha=Scalar(1.0), loss=_loss_arg()),
        func_spec(gts, id="GaussianThompsonSampling", arms=n, scale=Scalar(1.0),
                  loss=Scalar(0.4, "float")),  # Gaussian losses are unbounded: above 1 or negative is valid
        func_spec(ucb_fit, id="UCB1.fit", name="UCB1", losses=Arg(logged, "prob", rows=False)),
        func_spec(exp3, id="EXP3", arms=n, horizon=h, loss=_loss_arg()),
        func_spec(se, id="SuccessiveElimination", arms=n, horizon=h, exploration=Scalar(1.0), loss=_loss_arg()),
        func_spec(ucb, id="UCB1", arms=n, exploration=Scalar(1.0), loss=_loss_arg()),
        func_spec(wtse, id="WeightedTallyingSE", arms=n, horizon=h, loss=_loss_arg(),
                  memory_bound=Scalar(2, "int", extra={"above_horizon": (80, INVALID)})),
        func_spec(blocked, id="BlockedPolicy", block_size=Scalar(2, "int"), burn_in=Scalar(1, "int"),
                  loss=_loss_arg()),
    ]


def _contextual_specs():
    contexts = np.random.default_rng(3).normal(size=(8, 2))
    losses = LOSSES[:, :8].mean(axis=0)
    arms = [0, 1, 2, 0, 1, 2, 0, 1]

    x0 = np.array([0.3, -0.2])

    def linucb(contexts, losses):
        pol = b.LinUCB(3, exploration=0.5).fit(arms[: np.size(losses)], losses, contexts)
        return [pol.select(x0), pol.coef_]

    def lints(contexts, losses):
        pol = b.LinearThompsonSampling(3, random_state=0).fit(arms[: np.size(losses)], losses, contexts)
        return [pol.select(x0), pol.coef_]

    def contextual_env(coef):
        env = b.LinearContextualEnvironment(coef, random_state=0)
        return [np.append(env.observe(), env.step(0)) for _ in range(3)]

    rows = {"contexts": Arg(contexts, "float"), "losses": Arg(losses, "float")}
    return [
        func_spec(linucb, id="LinUCB", **rows),
        func_spec(lints, id="LinearThompsonSampling", **rows),
        func_spec(contextual_env, id="LinearContextualEnvironment",
                  coef=Arg(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]), "float", rows=False)),
    ]


def _simulate_specs():
    def sim(horizon, n_runs):
        env = b.BernoulliEnvironment(MEANS, random_state=0)
        return b.simulate(b.EXP3(3, 40, random_state=0), env, horizon, n_runs=n_runs, random_state=0)

    def plot():
        disp = b.RegretDisplay.from_simulation(sim(40, 2))
        return [line.get_ydata() for line in disp.lines_.values()]

    return [
        func_spec(sim, id="simulate", horizon=Scalar(40, "int", extra={
            "exceeds_policy_horizon": (60, INVALID)}), n_runs=Scalar(2, "int")),
        Spec("RegretDisplay", plot),
    ]


def build_specs():
    losses = [_loss_spec(b.LinearLoss, intercept=0.9, slope=-0.1),
              _loss_spec(b.StepLoss, before=0.2, after=0.8, threshold=2.0),
              _loss_spec(b.ExponentialLoss, start=0.9, end=0.1, rate=0.5)]
    return losses + _environment_specs() + _policy_specs() + _contextual_specs() + _simulate_specs()
