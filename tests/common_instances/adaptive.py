"""Common-check configurations of statlearn.adaptive."""

import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression

from statlearn.adaptive import (
    GaussianMechanism,
    LaplaceMechanism,
    MultipleExpectationEstimator,
    ReusableHoldoutSearch,
    Thresholdout,
)

INSTANCES = {
    "ReusableHoldoutSearch": [
        ReusableHoldoutSearch(LogisticRegression(max_iter=200), {"C": [0.1, 1.0]}, holdout_size=0.3,
                              random_state=0),
    ],
}

EXPECTED_FAILED = {}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 1


def _thresholdout(thr):
    rng = np.random.default_rng(0)
    train = rng.uniform(size=(200, 4))
    holdout = train.copy()
    holdout[:, 1] = 0.0  # the second query overfits: its answer is noisy
    return thr.query_many(train, holdout)


def _montecarlo(est):
    law = stats.multivariate_normal(np.zeros(2), np.eye(2))
    return est.fit(lambda X: np.c_[X[:, 0] ** 2, X[:, 0] + X[:, 1]], law).estimates_


def _mechanism(mech):
    values = np.random.default_rng(1).uniform(size=(100, 3))
    return mech.query(values), mech.query(values[:, 0]), mech.answers_


OBJECT_INSTANCES = [
    (LaplaceMechanism(scale=0.05, random_state=0), _mechanism),
    (GaussianMechanism(sigma=0.05, random_state=0), _mechanism),
    (Thresholdout(threshold=0.04, sigma=0.01, budget=50, random_state=0), _thresholdout),
    (MultipleExpectationEstimator(n_max=2000, random_state=0), _montecarlo),
]


def _accuracy(y_true, y_pred):
    return (np.asarray(y_true) == np.asarray(y_pred)).astype(float)


# values the fitted-state check of tests/test_common.py tries for parameters no constraint describes
FITTED_STATE_VALUES = {"ReusableHoldoutSearch": {"per_sample_score": [_accuracy]}}
