"""Bandit policies on losses, one module per family.

Every policy has ``select(context=None) -> arm``, ``update(arm, loss, context=None)``,
``reset()`` and (where it makes sense) ``fit`` / ``partial_fit`` on logged decisions.
Losses are minimised. The per-call methods run the same numba step kernels as the
whole-loop simulator in :func:`statlearn.bandits.simulate`.
"""

from ._base import BasePolicy
from .adversarial import EXP3
from .blocked import BlockedPolicy
from .elimination import SuccessiveElimination, WeightedTallyingSE
from .index import KLUCB, UCB1
from .linear import LinearThompsonSampling, LinUCB
from .thompson import BernoulliThompsonSampling, GaussianThompsonSampling

__all__ = ["BasePolicy", "BernoulliThompsonSampling", "BlockedPolicy", "EXP3", "GaussianThompsonSampling",
           "KLUCB", "LinUCB", "LinearThompsonSampling", "SuccessiveElimination", "UCB1", "WeightedTallyingSE"]
