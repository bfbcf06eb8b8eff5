"""Adaptive data analysis: the reusable holdout, and many expectations from one sample.

Part A (Dwork et al.): noise mechanisms for statistical queries, Thresholdout
(the reusable holdout), model selection on a reused holdout and the paper's
feature-selection experiment.

Part B (Demange-Chryst, Bachoc and Morio): many expectations from one sample
by adaptive importance sampling with control variates, and Sobol' indices.
"""

from .experiments import FREEDMAN_K_VALUES, freedman_experiment
from .holdout import BudgetExhausted, ReusableHoldout, Thresholdout
from .mechanisms import GaussianMechanism, LaplaceMechanism
from .montecarlo import MultipleExpectationEstimator
from .plotting import SobolDisplay
from .search import ReusableHoldoutSearch
from .sobol import SobolResult, sobol_indices

__all__ = [
    "FREEDMAN_K_VALUES",
    "BudgetExhausted",
    "GaussianMechanism",
    "LaplaceMechanism",
    "MultipleExpectationEstimator",
    "ReusableHoldout",
    "ReusableHoldoutSearch",
    "SobolDisplay",
    "SobolResult",
    "Thresholdout",
    "freedman_experiment",
    "sobol_indices",
]
