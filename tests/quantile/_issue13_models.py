"""Small fixed quantile models and data for the issue-13 conformal tests."""

import numpy as np
from scipy.stats import norm
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.frozen import FrozenEstimator


class NormalShiftModel(RegressorMixin, BaseEstimator):
    """Predicts ``x0 + scale * z_q`` (standard normal quantiles): blind to everything but x0."""

    def __init__(self, quantiles=(0.1, 0.5, 0.9), scale=1.0):
        self.quantiles = quantiles
        self.scale = scale

    def fit(self, X, y=None):
        self.quantiles_ = np.asarray(self.quantiles, dtype=np.float64)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict_quantiles(self, X):
        X = np.asarray(X, dtype=np.float64)
        return X[:, :1] + self.scale * norm.ppf(self.quantiles_)[None, :]

    def predict(self, X):
        return np.asarray(X, dtype=np.float64)[:, 0]


def frozen_normal(quantiles, scale=1.0):
    return FrozenEstimator(NormalShiftModel(quantiles, scale).fit(np.zeros((1, 3))))


def intersecting_groups_data(n, rng):
    """x0 ~ N(0,1); attributes a ~ B(0.3), b ~ B(0.5) (independent, so the groups intersect);
    y = x0 + (0.6 + 1.4 a + 0.6 b) * N(0, 1). A model blind to a and b under-covers a=1."""
    x0 = rng.normal(size=n)
    a = rng.uniform(size=n) < 0.3
    b = rng.uniform(size=n) < 0.5
    y = x0 + (0.6 + 1.4 * a + 0.6 * b) * rng.normal(size=n)
    X = np.column_stack([x0, a, b]).astype(np.float64)
    G = np.column_stack([a, ~a, b, ~b])
    return X, y, G
