"""statlearn.bandits: weighted tallying bandits, standard and contextual policies, a fast simulator.

Policies minimise losses through ``select()`` / ``update(arm, loss)`` / ``reset()`` (contextual
ones take a ``context``); environments return losses through ``step(arm)``; :func:`simulate`
runs many repetitions in one compiled call and measures pseudo-regret and complete policy
regret; :class:`RegretDisplay` plots them.

Reference: D. Malik, C. Igoe, Y. Li, A. Singh, *Weighted Tallying Bandits: Overcoming
Intractability via Repeated Exposure Optimality*, ICML 2023 (arXiv:2305.02955).
"""

from .display import RegretDisplay
from .environments import (
    BernoulliEnvironment,
    ExponentialLoss,
    LinearContextualEnvironment,
    LinearLoss,
    StepLoss,
    TallyingEnvironment,
)
from .policies import (
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
from .simulate import simulate

__all__ = [
    "BernoulliEnvironment",
    "BernoulliThompsonSampling",
    "BlockedPolicy",
    "EXP3",
    "ExponentialLoss",
    "GaussianThompsonSampling",
    "KLUCB",
    "LinUCB",
    "LinearContextualEnvironment",
    "LinearLoss",
    "LinearThompsonSampling",
    "RegretDisplay",
    "StepLoss",
    "SuccessiveElimination",
    "TallyingEnvironment",
    "UCB1",
    "WeightedTallyingSE",
    "simulate",
]
