"""Configurations of statlearn.online estimators and objects for the common tests."""

import numpy as np
from sklearn.linear_model import SGDClassifier, SGDRegressor

from statlearn.online import GroupwiseClassifier, GroupwiseRegressor, OnlineRidge, SleepingExperts

INSTANCES = {
    "OnlineRidge": [OnlineRidge(), OnlineRidge(alpha=0.1, fit_intercept=False),
                    OnlineRidge(forgetting_factor=0.97)],
    "GroupwiseRegressor": [GroupwiseRegressor(), GroupwiseRegressor(aggregation="sample", random_state=0),
                           GroupwiseRegressor(experts="residual", base=OnlineRidge(forgetting_factor=0.99)),
                           GroupwiseRegressor(base=SGDRegressor(random_state=0))],
    "GroupwiseClassifier": [GroupwiseClassifier(), GroupwiseClassifier(loss="log", method="hedge"),
                            GroupwiseClassifier(base=SGDClassifier(loss="log_loss", random_state=0))],
}
EXPECTED_FAILED = {}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 3

# values the fitted-state check of tests/test_common.py tries for parameters no constraint describes
FITTED_STATE_VALUES = {"GroupwiseRegressor": {"clip": [(-1.0, 1.0)]}}


def _run_experts(experts):
    """Continue ``experts`` for 30 rounds of fixed losses; return the weights and the sampled experts."""
    rng = np.random.default_rng(7)
    losses = rng.uniform(size=(30, experts.n_experts))
    awake = rng.uniform(size=(30, experts.n_experts)) < 0.7
    awake[:, 0] = True
    draws = []
    for loss, mask in zip(losses, awake, strict=True):
        draws.append(experts.sample(mask))
        experts.update(loss, mask)
    return experts.weights(), np.array(draws)


OBJECT_INSTANCES = [
    (SleepingExperts(4, random_state=0), _run_experts),
    (SleepingExperts(3, method="hedge", learning_rate=0.5, random_state=1), _run_experts),
]
