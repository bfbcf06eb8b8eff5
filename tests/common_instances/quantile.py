"""Fast configurations of the quantile estimators for the common checks."""

from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import QuantileRegressor

Q3 = (0.1, 0.5, 0.9)


def _hgb():
    return HistGradientBoostingRegressor(loss="quantile", max_iter=20)


def _build():
    from statlearn.quantile import (
        ConformalQuantileRegressor,
        MultiQuantileRegressor,
        NonCrossingQuantileRegressor,
        QuantileAggregator,
    )

    return {
        "MultiQuantileRegressor": [
            MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=Q3),
            MultiQuantileRegressor(_hgb(), quantiles=Q3),
        ],
        "NonCrossingQuantileRegressor": [
            NonCrossingQuantileRegressor(_hgb(), method="isotonic", quantiles=Q3),
        ],
        "QuantileAggregator": [
            QuantileAggregator([QuantileRegressor(alpha=0.0), _hgb()], quantiles=Q3, weights="medium", cv=3),
            QuantileAggregator([QuantileRegressor(alpha=0.0), _hgb()], quantiles=Q3, weights="coarse",
                               local="tree", max_leaf_nodes=2, min_samples_leaf=0.3, cv=3),
        ],
        "ConformalQuantileRegressor": [
            ConformalQuantileRegressor(_hgb(), quantiles=Q3),
            ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=Q3, method="cv+", cv=3),
        ],
    }


INSTANCES = _build()
EXPECTED_FAILED = {}

# number of public estimators in the area's __all__ (asserted by tests/test_common.py; update it)
N_ESTIMATORS = 5
