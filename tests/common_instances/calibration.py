"""Common-check configurations of statlearn.calibration.

``MultiCalibrator()`` with ``estimator=None`` reads ``X`` as one column of
probabilities, which the generic feature matrices of the common checks are
not; the checks run it with a logistic-regression base model instead.
"""

from sklearn.linear_model import LogisticRegression

from statlearn.calibration import MultiCalibrator

INSTANCES = {
    "MultiCalibrator": [MultiCalibrator(estimator=LogisticRegression(), random_state=0)],
}

EXPECTED_FAILED = {}
