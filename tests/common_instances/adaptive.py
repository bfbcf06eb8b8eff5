"""Common-check configurations of statlearn.adaptive."""

from sklearn.linear_model import LogisticRegression

from statlearn.adaptive import ReusableHoldoutSearch

INSTANCES = {
    "ReusableHoldoutSearch": [
        ReusableHoldoutSearch(LogisticRegression(max_iter=200), {"C": [0.1, 1.0]}, holdout_size=0.3,
                              random_state=0),
    ],
}

EXPECTED_FAILED = {}
