"""Common-check configurations of statlearn.ordinal."""

import numpy as np

from statlearn.ordinal import PrestoClassifier, PrestoCV, ProportionalOddsClassifier

INSTANCES = {
    "PrestoClassifier": [PrestoClassifier(), PrestoClassifier(first_block_penalty=0.0, l1_ratio=0.5)],
    "PrestoCV": [PrestoCV(n_lambdas=5, cv=3)],
    "ProportionalOddsClassifier": [ProportionalOddsClassifier()],
}

# text labels have no order: an ordinal estimator refuses ["one", "two", "three"] unless `classes=`
# gives it (issue 11); scikit-learn's check expects them sorted as text.
_TEXT = {"check_classifiers_classes": "ordinal targets: unordered text labels raise by design (pass `classes=`)"}
EXPECTED_FAILED = {name: dict(_TEXT) for name in ("PrestoClassifier", "PrestoCV", "ProportionalOddsClassifier")}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 3

# values the fitted-state check of tests/test_common.py tries for parameters no constraint describes
# (the common data have 4 features)
# (binary 0/1 labels): `classes` reverses their order
FITTED_STATE_VALUES = {
    "PrestoClassifier": {"penalty_factor": [np.full(4, 2.0)], "classes": [[1, 0]]},
    "PrestoCV": {"penalty_factor": [np.full(4, 2.0)], "lambdas": [np.array([1.0, 0.1])], "classes": [[1, 0]]},
    "ProportionalOddsClassifier": {"classes": [[1, 0]]},
}
