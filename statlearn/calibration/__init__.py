"""Calibration metrics, multicalibration and reliability plots.

Metric functions take ``y_true`` first and ``sample_weight=None``; binned
metrics share the bin rule ``[e_k, e_{k+1})`` with the last bin closed, and
expose mergeable sufficient statistics (:class:`CalibrationStats`).
"""

from .boosting import BoostingMultiCalibrator
from .inference import (
    bootstrap_ci,
    calibration_curve_ci,
    calibration_report,
    cumulative_calibration_test,
    ece_noise_floor,
    hosmer_lemeshow_test,
    spiegelhalter_test,
)
from .metrics import (
    BrierDecomposition,
    CalibrationStats,
    balance_score,
    brier_decomposition,
    brier_score,
    calibration_curve,
    expected_calibration_error,
    multicalibration_error,
    smooth_ece,
)
from .multicalibration import MultiCalibrator, StandardErrorRule, ToleranceRule
from .plotting import ReliabilityDisplay
from .recalibration import (
    BetaCalibration,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    TemperatureScaling,
    VennAbersCalibrator,
)
from .smooth import smooth_calibration_curve

__all__ = [
    "BetaCalibration",
    "BoostingMultiCalibrator",
    "BrierDecomposition",
    "CalibrationStats",
    "HistogramBinning",
    "IsotonicCalibration",
    "MultiCalibrator",
    "PlattScaling",
    "ReliabilityDisplay",
    "StandardErrorRule",
    "TemperatureScaling",
    "ToleranceRule",
    "VennAbersCalibrator",
    "balance_score",
    "bootstrap_ci",
    "brier_decomposition",
    "brier_score",
    "calibration_curve",
    "calibration_curve_ci",
    "calibration_report",
    "cumulative_calibration_test",
    "ece_noise_floor",
    "expected_calibration_error",
    "hosmer_lemeshow_test",
    "multicalibration_error",
    "smooth_calibration_curve",
    "smooth_ece",
    "spiegelhalter_test",
]
