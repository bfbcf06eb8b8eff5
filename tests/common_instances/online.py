"""Configurations of statlearn.online estimators for the common tests."""

from statlearn.online import GroupwiseClassifier, GroupwiseRegressor, OnlineRidge

INSTANCES = {
    "OnlineRidge": [OnlineRidge(), OnlineRidge(alpha=0.1, fit_intercept=False)],
    "GroupwiseRegressor": [GroupwiseRegressor(), GroupwiseRegressor(aggregation="sample", random_state=0)],
    "GroupwiseClassifier": [GroupwiseClassifier(), GroupwiseClassifier(loss="log", method="hedge")],
}
EXPECTED_FAILED = {}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 3

# values the fitted-state check of tests/test_common.py tries for parameters no constraint describes
FITTED_STATE_VALUES = {"GroupwiseRegressor": {"clip": [(-1.0, 1.0)]}}
