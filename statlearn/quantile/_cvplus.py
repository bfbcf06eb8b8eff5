"""The fold models of CV+ in :class:`~statlearn.quantile.ConformalQuantileRegressor`: fitting one
fold, and the view of a ``QuantileAggregator``'s own out-of-fold models as CV+ fold models (so that
no base model is fitted twice)."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing

from ._conformal_common import _fit_base
from ._unwrap import _transform_all_but_last, final_step, is_frozen
from .aggregation import QuantileAggregator
from .models import _predict_levels


def _fit_fold(est, X, y, train, test, q, sample_weight=None):
    est = _fit_base(clone(est), _safe_indexing(X, train), y[train],
                    None if sample_weight is None else sample_weight[train])
    return est, np.sort(_predict_levels(est, _safe_indexing(X, test), q), axis=1)


def _reusable_aggregator(base):
    """``(prefix, aggregator)`` when ``base`` is a QuantileAggregator, bare or at the end of
    (nested) Pipelines and not frozen; else None."""
    if is_frozen(base, through_pipelines=True):
        return None
    prefix, final = final_step(base)
    return (prefix, final) if isinstance(final, QuantileAggregator) else None


def _to_final(est, X):
    """``X`` transformed through every step of (nested) Pipelines but the final model."""
    from sklearn.pipeline import Pipeline

    while isinstance(est, Pipeline):
        X = _transform_all_but_last(est, X)
        est = est.steps[-1][1]
    return X


class _AggregatorFold:
    """The CV+ fold-``f`` model of a reused aggregator: its fold-``f`` base models combined with the
    fold's weights (``weights_``) and gate; ``predict_quantiles`` as a fitted quantile model."""

    def __init__(self, fitted, fold, combiner):
        self.fitted, self.fold, self.combiner = fitted, fold, combiner

    @property
    def _aggregator(self):
        return final_step(self.fitted)[1]

    @property
    def estimators_(self):
        return self._aggregator.fold_estimators_[self.fold]

    @property
    def weights_(self):
        return self.combiner.weights_

    @property
    def quantiles_(self):
        return self._aggregator.quantiles_

    def predict_quantiles(self, X):
        return self._aggregator._fold_quantiles(_to_final(self.fitted, X), {self.fold: self.combiner})[0]

    def __repr__(self):
        return f"_AggregatorFold(fold={self.fold})"


def _n_splits(cv, X, y):
    """Number of folds of a splitter or an iterable of (train, test) pairs."""
    if hasattr(cv, "get_n_splits"):
        return int(cv.get_n_splits(X, y))
    return len(list(cv))
