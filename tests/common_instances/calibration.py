"""Common-check configurations of statlearn.calibration.

``MultiCalibrator()`` with ``estimator=None`` reads ``X`` as one column of
probabilities, which the generic feature matrices of the common checks are
not; the checks run it with a logistic-regression base model instead.
"""

from sklearn.linear_model import LogisticRegression

from statlearn.calibration import MultiCalibrator

INSTANCES = {
    "MultiCalibrator": [
        MultiCalibrator(estimator=LogisticRegression(), random_state=0),
        # a miscalibrated base model, so that the fit makes updates and the fitted-state check
        # of tests/test_common.py exercises n_bins / eps at predict time
        MultiCalibrator(estimator=LogisticRegression(C=0.01), random_state=0),
    ],
}

EXPECTED_FAILED = {}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 1
