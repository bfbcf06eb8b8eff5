"""Quantile aggregation, non-crossing repair, conformal calibration and scores.

Implements Fakoor et al., *Flexible Model Aggregation for Quantile Regression*
(JMLR 24(162), 2023). The data path reads left to right::

    base models -> (n_samples, n_quantiles) matrix -> aggregation
                -> non-crossing repair -> conformal calibration -> scores
"""

from .aggregation import QuantileAggregator, aggregation_weights
from .conformal import ConformalQuantileRegressor
from .metrics import (
    coverage,
    crossing_rate,
    interval_score,
    interval_width,
    pinball_loss,
    pinball_scorer,
    quantile_calibration_error,
    weighted_interval_score,
    weighted_interval_scorer,
)
from .models import LinearQuantileRegressor, MultiQuantileRegressor
from .noncrossing import (
    NonCrossingQuantileRegressor,
    isotonic_quantiles,
    minmax_quantiles,
    repair_quantiles,
    sort_quantiles,
)
from .plotting import CoverageDisplay
from .sequential import AdaptiveConformalQuantileRegressor
from .shift import WeightedConformalQuantileRegressor

__all__ = [
    "AdaptiveConformalQuantileRegressor",
    "ConformalQuantileRegressor",
    "CoverageDisplay",
    "LinearQuantileRegressor",
    "MultiQuantileRegressor",
    "NonCrossingQuantileRegressor",
    "QuantileAggregator",
    "WeightedConformalQuantileRegressor",
    "aggregation_weights",
    "coverage",
    "crossing_rate",
    "interval_score",
    "interval_width",
    "isotonic_quantiles",
    "minmax_quantiles",
    "pinball_loss",
    "pinball_scorer",
    "quantile_calibration_error",
    "repair_quantiles",
    "sort_quantiles",
    "weighted_interval_score",
    "weighted_interval_scorer",
]
