"""Common-check configurations of statlearn.bandits (objects only: no scikit-learn estimator)."""

import numpy as np

from statlearn.bandits import (
    EXP3,
    UCB1,
    BernoulliEnvironment,
    BlockedPolicy,
    ExponentialLoss,
    LinearLoss,
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
    arms = []
    for _ in range(rounds):
        arm = policy.select()
        arms.append(arm)
        policy.update(arm, env.step(arm))
    return np.array(arms)


def _steps(env):
    return np.array([env.step(a) for a in (0, 1, 0, 0, 1, 1, 0, 1) * 3])


def _loss(f):
    return np.asarray(f(np.linspace(0.0, 5.0, 11)))


OBJECT_INSTANCES = [
    (UCB1(3, random_state=0), _play),
    (EXP3(3, horizon=200, random_state=0), _play),
    (SuccessiveElimination(3, horizon=200, random_state=0), _play),
    (WeightedTallyingSE(3, horizon=200, memory_bound=2, random_state=0), _play),
    (BlockedPolicy(EXP3(3, horizon=200, random_state=0), block_size=2), _play),
    (BernoulliEnvironment([0.2, 0.5, 0.8], random_state=0), _steps),
    (TallyingEnvironment([LinearLoss(0.9, -0.3), LinearLoss(0.5)], weights=[1.0, 0.5], random_state=0), _steps),
    (LinearLoss(0.9, -0.2), _loss),
    (StepLoss(1.0, 0.1, threshold=2.5), _loss),
    (ExponentialLoss(0.8, 0.2, rate=1.0), _loss),
]

# random_state is accepted for a uniform interface, but these algorithms draw nothing: the same arms are
# played for every seed (checked for seeds 0-4 against Bernoulli and noiseless tallying environments)
SEED_INDEPENDENT = {
    "UCB1": "deterministic index policy (ties broken by arm order)",
    "SuccessiveElimination": "deterministic round-robin elimination",
    "WeightedTallyingSE": "deterministic blocked round-robin elimination",
}
