"""Common-check configurations of statlearn.ordinal."""

import numpy as np

from statlearn.ordinal import PrestoClassifier, PrestoCV, ProportionalOddsClassifier

INSTANCES = {
    "PrestoClassifier": [PrestoClassifier(), PrestoClassifier(first_block_penalty=0.0, l1_ratio=0.5)],
    "PrestoCV": [PrestoCV(n_lambdas=5, cv=3)],
    "ProportionalOddsClassifier": [ProportionalOddsClassifier()],
}

EXPECTED_FAILED = {}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 3

# values the fitted-state check of tests/test_common.py tries for parameters no constraint describes
# (the common data have 4 features)
FITTED_STATE_VALUES = {
    "PrestoClassifier": {"penalty_factor": [np.full(4, 2.0)]},
    "PrestoCV": {"penalty_factor": [np.full(4, 2.0)], "lambdas": [np.array([1.0, 0.1])]},
}
