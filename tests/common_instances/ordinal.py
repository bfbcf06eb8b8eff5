"""Common-check configurations of statlearn.ordinal."""

from statlearn.ordinal import PrestoClassifier, PrestoCV, ProportionalOddsClassifier

INSTANCES = {
    "PrestoClassifier": [PrestoClassifier(), PrestoClassifier(first_block_penalty=0.0, l1_ratio=0.5)],
    "PrestoCV": [PrestoCV(n_lambdas=5, cv=3)],
    "ProportionalOddsClassifier": [ProportionalOddsClassifier()],
}

EXPECTED_FAILED = {}
