"""Common-check configurations of statlearn.bandits (objects only: no scikit-learn estimator).

``OBJECT_INSTANCES``: ``(instance, run)`` pairs; ``run(obj)`` exercises the object with its
random_state and returns a comparable result (format: tests/common_instances/__init__.py).
"""

import numpy as np

from statlearn.bandits import (
    EXP3,
    KLUCB,
    UCB1,
    BernoulliEnvironment,
    BernoulliThompsonSampling,
    BlockedPolicy,
    ExponentialLoss,
    GaussianThompsonSampling,
    LinearContextualEnvironment,
    LinearLoss,
    LinearThompsonSampling,
    LinUCB,
    StepLoss,
    SuccessiveElimination,
    TallyingEnvironment,
    WeightedTallyingSE,
)

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 0


def _play(policy, rounds=40):
    """Continue ``policy`` for ``rounds`` rounds against a fixed-seed Bernoulli environment."""
    env = BernoulliEnvironment([0.3, 0.5, 0.7], random_state=0)
    names = getattr(policy, "arms_", None)
    arms = []
    for _ in range(rounds):
        arm = policy.select()
        arms.append(arm)
        policy.update(arm, env.step(names.index(arm) if names else arm))
    return np.array(arms)


def _play_contextual(policy, rounds=40):
    x = np.random.default_rng(1).normal(size=(rounds, 2))
    arms = []
    for t in range(rounds):
        arm = policy.select(x[t])
        arms.append(arm)
        policy.update(arm, float(x[t, 0] * (arm - 1)), x[t])
    return np.array(arms)


def _steps(env):
    return np.array([env.step(a) for a in (0, 1, 0, 0, 1, 1, 0, 1) * 3])


def _contextual_steps(env):
    return np.array([np.append(env.observe(), env.step(0)) for _ in range(20)])


def _loss(f):
    return np.asarray(f(np.linspace(0.0, 5.0, 11)))


OBJECT_INSTANCES = [
    (UCB1(3, random_state=0), _play),
    (UCB1(["a", "b", "c"], exploration=0.5), _play),
    (KLUCB(3, c=1.0), _play),
    (BernoulliThompsonSampling(3, random_state=0), _play),
    (GaussianThompsonSampling(3, scale=0.5, random_state=0), _play),
    (EXP3(3, horizon=200, random_state=0), _play),
    (SuccessiveElimination(3, horizon=200, random_state=0), _play),
    (WeightedTallyingSE(3, horizon=200, memory_bound=2, random_state=0), _play),
    (BlockedPolicy(EXP3(3, horizon=200, random_state=0), block_size=2), _play),
    (LinUCB(3), _play_contextual),
    (LinearThompsonSampling(3, random_state=0), _play_contextual),
    (BernoulliEnvironment([0.2, 0.5, 0.8], random_state=0), _steps),
    (TallyingEnvironment([LinearLoss(0.9, -0.3), LinearLoss(0.5)], weights=[1.0, 0.5], random_state=0), _steps),
    (TallyingEnvironment([StepLoss(1.0, 0.1, 1.2), ExponentialLoss(0.8, 0.2, 1.0)], weights=[1.0, 0.5],
                         noise="gaussian", random_state=0), _steps),
    (LinearContextualEnvironment([[1.0, 0.0], [0.0, 1.0]], random_state=0), _contextual_steps),
    (LinearLoss(0.9, -0.2), _loss),
    (StepLoss(1.0, 0.1, threshold=2.5), _loss),
    (ExponentialLoss(0.8, 0.2, rate=1.0), _loss),
]

# random_state is accepted for a uniform interface (every policy takes one, so they are interchangeable in
# simulate and in user code), but these algorithms draw nothing: the same arms for every seed
SEED_INDEPENDENT = {
    "UCB1": "deterministic index policy (ties broken by arm order)",
    "KLUCB": "deterministic index policy (ties broken by arm order)",
    "LinUCB": "deterministic index policy (ties broken by arm order)",
    "SuccessiveElimination": "deterministic round-robin elimination",
    "WeightedTallyingSE": "deterministic blocked round-robin elimination",
}
