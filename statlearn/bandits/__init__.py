"""statlearn.bandits: weighted tallying bandits and a fast bandit simulator.

Policies minimise losses through ``select()`` / ``update(arm, loss)`` / ``reset()``;
environments return losses through ``step(arm)``; :func:`simulate` runs them (a whole-loop
numba kernel for built-in objects) and measures pseudo-regret and complete policy regret.

Reference: D. Malik, C. Igoe, Y. Li, A. Singh, *Weighted Tallying Bandits: Overcoming
Intractability via Repeated Exposure Optimality*, ICML 2023 (arXiv:2305.02955).
"""

from .environments import BernoulliEnvironment, ExponentialLoss, LinearLoss, StepLoss, TallyingEnvironment
from .policies import EXP3, UCB1, BlockedPolicy, SuccessiveElimination, WeightedTallyingSE
from .simulate import plot_regret, simulate

__all__ = [
    "BernoulliEnvironment",
    "BlockedPolicy",
    "EXP3",
    "ExponentialLoss",
    "LinearLoss",
    "StepLoss",
    "SuccessiveElimination",
    "TallyingEnvironment",
    "UCB1",
    "WeightedTallyingSE",
    "plot_regret",
    "simulate",
]
