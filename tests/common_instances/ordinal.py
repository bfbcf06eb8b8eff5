"""Common-check configurations of statlearn.ordinal."""

from statlearn.ordinal import PrestoClassifier, PrestoCV, ProportionalOddsClassifier

INSTANCES = {
    "PrestoClassifier": [PrestoClassifier(), PrestoClassifier(first_block_penalty=0.0, l1_ratio=0.5)],
    "PrestoCV": [PrestoCV(n_lambdas=5, cv=3)],
    "ProportionalOddsClassifier": [ProportionalOddsClassifier()],
}

EXPECTED_FAILED = {}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 3
