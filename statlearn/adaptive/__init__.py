"""Adaptive data analysis: the reusable holdout, and many expectations from one sample.

Part A (Dwork et al.): noise mechanisms for statistical queries, Thresholdout
(the reusable holdout), model selection on a reused holdout and the paper's
feature-selection experiment.
"""

from .experiments import FREEDMAN_K_VALUES, freedman_experiment
from .holdout import BudgetExhausted, GaussianMechanism, LaplaceMechanism, ReusableHoldout, Thresholdout
from .search import ReusableHoldoutSearch

__all__ = [
    "FREEDMAN_K_VALUES",
    "BudgetExhausted",
    "GaussianMechanism",
    "LaplaceMechanism",
    "ReusableHoldout",
    "ReusableHoldoutSearch",
    "Thresholdout",
    "freedman_experiment",
]
