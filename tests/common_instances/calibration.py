"""Common-check configurations of statlearn.calibration.

With ``estimator=None`` the calibrators read ``X`` as predicted probabilities,
which the generic feature matrices of the common checks are not; the checks run
them with a logistic-regression base model instead (cross-fitted, and once
with ``ensemble=False``).
"""

from sklearn.linear_model import LogisticRegression

from statlearn.calibration import (
    BetaCalibration,
    BoostingMultiCalibrator,
    HistogramBinning,
    IsotonicCalibration,
    MultiCalibrator,
    PlattScaling,
    TemperatureScaling,
    VennAbersCalibrator,
)

INSTANCES = {
    "MultiCalibrator": [
        MultiCalibrator(estimator=LogisticRegression(), random_state=0),
        # a miscalibrated base model, so that the fit makes updates and the fitted-state check
        # of tests/test_common.py exercises n_bins / eps at predict time
        MultiCalibrator(estimator=LogisticRegression(C=0.01), random_state=0),
        MultiCalibrator(estimator=LogisticRegression(C=0.01), patch_rule="tolerance", random_state=0),
    ],
    "BoostingMultiCalibrator": [BoostingMultiCalibrator(estimator=LogisticRegression(), max_iter=20, random_state=0)],
    "TemperatureScaling": [TemperatureScaling(LogisticRegression()),
                           TemperatureScaling(LogisticRegression(), ensemble=False)],
    "PlattScaling": [PlattScaling(LogisticRegression())],
    "BetaCalibration": [BetaCalibration(LogisticRegression())],
    "IsotonicCalibration": [IsotonicCalibration(LogisticRegression(), ensemble=False)],
    "HistogramBinning": [HistogramBinning(LogisticRegression())],
    "VennAbersCalibrator": [VennAbersCalibrator(LogisticRegression(), cv=3)],
}

_CV_WEIGHTS = ("cross-fitting: dropping a zero-weight row or repeating a row changes the folds, so the "
               "fold models differ; histogram binning and Venn-Abers are step maps and amplify the difference. "
               "Weights equal repeated rows for every calibrator in "
               "tests/calibration/test_recalibration.py::test_integer_weights_equal_repeated_rows "
               "(scikit-learn lists the same check as failing for CalibratedClassifierCV)")
EXPECTED_FAILED = {
    name: {"check_sample_weight_equivalence_on_dense_data": _CV_WEIGHTS,
           "check_sample_weight_equivalence_on_sparse_data": _CV_WEIGHTS}
    for name in ("HistogramBinning", "VennAbersCalibrator")
}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 8

# the patch rules of MultiCalibrator (statlearn._base.BaseObject strategy objects; no random_state)
from statlearn.calibration import StandardErrorRule, ToleranceRule  # noqa: E402

OBJECT_INSTANCES = [
    (StandardErrorRule(level=0.01, correction="bonferroni"), lambda rule: rule.thresholds(40)),
    (StandardErrorRule(), lambda rule: rule.thresholds(40)),
    (ToleranceRule(alpha=0.1), lambda rule: rule.thresholds(40)),
]
