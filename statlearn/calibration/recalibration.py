"""Recalibration of predicted probabilities: one estimator per method.

Every recalibrator takes either raw probabilities (``estimator=None``), a prefit
model (``FrozenEstimator(model)``) or a model to fit by cross-fitting (``cv=``),
as scikit-learn's ``CalibratedClassifierCV`` does, and accepts ``sample_weight``.
The method itself is a small calibration map (``_maps.py``) chosen by the class.
"""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options

from ._maps import BetaMap, HistogramMap, IsotonicMap, PlattMap, TemperatureMap, VennAbersMap
from ._recalibrator_base import _BaseRecalibrator

__all__ = [
    "BetaCalibration",
    "HistogramBinning",
    "IsotonicCalibration",
    "PlattScaling",
    "TemperatureScaling",
    "VennAbersCalibrator",
]


@fill_doc
class TemperatureScaling(_BaseRecalibrator):
    """Temperature scaling (Guo et al. 2017): ``softmax(log p / T)`` with one temperature ``T``.

    {recalibrator_parameters}

    Attributes
    ----------
    {classes_}
    calibrators_ : list of calibration maps
        One fitted map per (model, fold) pair; ``calibrators_[i].temperature_``
        is the fitted temperature.
    {estimators_}
    {n_features_in_}

    See Also
    --------
    PlattScaling : Two parameters (slope and intercept) on the log-odds.

    Notes
    -----
    ``T`` minimises the weighted log loss of ``softmax(log P / T)`` over
    ``T`` in ``[1e-3, 1e3]`` (the loss is convex in ``1 / T``). For a binary
    problem this is ``sigmoid(logit(p) / T)``. Temperature scaling keeps the
    ranking and the argmax of every row.

    References
    ----------
    C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger (2017). On calibration of
    modern neural networks. ICML.

    Examples
    --------
    >>> from statlearn.calibration import TemperatureScaling
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.01, 0.99, 2000)
    >>> y = rng.uniform(size=2000) < 1 / (1 + np.exp(-0.5 * np.log(p / (1 - p))))
    >>> ts = TemperatureScaling().fit(p[:, None], y)
    >>> bool(1.7 < ts.calibrators_[0].temperature_ < 2.3)  # the data were made with T = 2
    True
    """

    def _make_map(self):
        return TemperatureMap()


@fill_doc
class PlattScaling(_BaseRecalibrator):
    """Platt scaling: ``sigmoid(a * logit(p) + b)`` per class.

    {recalibrator_parameters}

    Attributes
    ----------
    {classes_}
    calibrators_ : list of calibration maps
        One fitted map per (model, fold) pair (``columns_[k].a_``, ``.b_``
        per class).
    {estimators_}
    {n_features_in_}

    See Also
    --------
    BetaCalibration : A three-parameter family that contains Platt scaling.

    Notes
    -----
    The logistic model is fitted on ``logit(p)`` with Platt's smoothed
    targets ``(N+ + 1) / (N+ + 2)`` and ``1 / (N- + 2)`` (``N`` the weighted
    class counts, as in scikit-learn's ``method="sigmoid"``). Multiclass: one map per class,
    one-vs-rest, rows renormalised.

    References
    ----------
    J. Platt (1999). Probabilistic outputs for support vector machines and
    comparisons to regularized likelihood methods.

    Examples
    --------
    >>> from statlearn.calibration import PlattScaling
    >>> p = np.array([0.1, 0.2, 0.4, 0.6, 0.8, 0.9] * 50)
    >>> y = np.array([0, 0, 1, 0, 1, 1] * 50)
    >>> PlattScaling().fit(p[:, None], y).predict_proba([[0.5]]).shape
    (1, 2)
    """

    def _make_map(self):
        return PlattMap()


@fill_doc
class BetaCalibration(_BaseRecalibrator):
    """Beta calibration (Kull, Silva Filho & Flach 2017).

    ``logit q = a log p - b log(1 - p) + c`` with ``a, b >= 0``: a monotone map
    that contains the identity (``a = b = 1, c = 0``) and Platt scaling on the
    log-odds (``a = b``), and can bend both tails independently.

    {recalibrator_parameters}

    Attributes
    ----------
    {classes_}
    calibrators_ : list of calibration maps
        One fitted map per (model, fold) pair (``columns_[k].a_``, ``.b_``,
        ``.c_`` per class).
    {estimators_}
    {n_features_in_}

    See Also
    --------
    PlattScaling : The special case ``a = b``.

    Notes
    -----
    A weighted, unpenalised logistic regression on ``(log p, -log(1 - p))``;
    when it returns a negative coefficient, that coefficient is set to 0 and
    the other two are refitted (the paper's rule, keeping the map monotone).
    Multiclass: one-vs-rest, rows renormalised.

    References
    ----------
    M. Kull, T. Silva Filho, P. Flach (2017). Beta calibration: a well-founded
    and easily implemented improvement on logistic calibration for binary
    classifiers. AISTATS.

    Examples
    --------
    >>> from statlearn.calibration import BetaCalibration
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.01, 0.99, 5000)
    >>> y = rng.uniform(size=5000) < p
    >>> m = BetaCalibration().fit(p[:, None], y).calibrators_[0].columns_[0]
    >>> bool(abs(m.a_ - 1) < 0.15 and abs(m.b_ - 1) < 0.15)
    True
    """

    def _make_map(self):
        return BetaMap()


@fill_doc
class IsotonicCalibration(_BaseRecalibrator):
    """Isotonic calibration (Zadrozny & Elkan 2002): the monotone step map of least squared error.

    {recalibrator_parameters}

    Attributes
    ----------
    {classes_}
    {calibrators_}
    {estimators_}
    {n_features_in_}

    See Also
    --------
    VennAbersCalibrator : Two isotonic fits giving a probability interval.

    Notes
    -----
    scikit-learn's ``IsotonicRegression`` (weighted pool-adjacent-violators,
    outputs clipped to the fitted range). Flexible but noisy on small
    calibration sets. Multiclass: one-vs-rest, rows renormalised.

    References
    ----------
    B. Zadrozny, C. Elkan (2002). Transforming classifier scores into accurate
    multiclass probability estimates. KDD.

    Examples
    --------
    >>> from statlearn.calibration import IsotonicCalibration
    >>> p = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    >>> y = np.array([0, 1, 0, 1, 1])
    >>> IsotonicCalibration().fit(p[:, None], y).predict_proba(p[:, None])[:, 1].round(2).tolist()
    [0.0, 0.5, 0.5, 1.0, 1.0]
    """

    def _make_map(self):
        return IsotonicMap()


@fill_doc
class HistogramBinning(_BaseRecalibrator):
    """Histogram binning (Zadrozny & Elkan 2001): each bin of ``p`` maps to its event rate.

    Parameters
    ----------
    n_bins : int, default=10
        Number of bins (10, as in the paper).
    strategy : {"quantile", "uniform"}, default="quantile"
        Equal-mass bins from the quantiles of the calibration probabilities,
        or equal-width bins on [0, 1].
    {recalibrator_params}

    Attributes
    ----------
    {classes_}
    calibrators_ : list of calibration maps
        One fitted map per (model, fold) pair (``columns_[k].edges_``,
        ``.values_``, ``.counts_`` per class).
    {estimators_}
    {n_features_in_}

    See Also
    --------
    IsotonicCalibration : Bins chosen by the data under a monotone constraint.

    Notes
    -----
    Bins are ``[e_k, e_{k+1})``, the last closed. Quantile edges are weighted
    inverted-CDF quantiles moved half-way to the next larger calibration value
    (no calibration point sits on an edge); repeated edges are merged; an
    empty bin maps to its midpoint. The output is piecewise
    constant and not necessarily monotone. Multiclass: one-vs-rest, rows
    renormalised.

    References
    ----------
    B. Zadrozny, C. Elkan (2001). Obtaining calibrated probability estimates
    from decision trees and naive Bayesian classifiers. ICML.

    Examples
    --------
    >>> from statlearn.calibration import HistogramBinning
    >>> p = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8])
    >>> y = np.array([0, 0, 1, 1, 1, 0])
    >>> HistogramBinning(n_bins=2).fit(p[:, None], y).predict_proba([[0.15], [0.75]])[:, 1].round(3).tolist()
    [0.333, 0.667]
    """

    _parameter_constraints = {
        **_BaseRecalibrator._parameter_constraints,
        "n_bins": [Interval("integral", 1, None, closed="left")],
        "strategy": [Options("quantile", "uniform")],
    }

    def __init__(self, estimator=None, *, n_bins=10, strategy="quantile", cv=None, ensemble=True):
        super().__init__(estimator, cv=cv, ensemble=ensemble)
        self.n_bins = n_bins
        self.strategy = strategy

    def _make_map(self):
        return HistogramMap(n_bins=self.n_bins, strategy=self.strategy)


@fill_doc
class VennAbersCalibrator(_BaseRecalibrator):
    """Inductive Venn-Abers calibration (Vovk & Petej 2014): a probability interval ``[p0, p1]``.

    For a test score ``s``, the calibration set is extended by ``(s, 0)`` and
    then by ``(s, 1)``; the two isotonic fits at ``s`` give ``p0 <= p1``, an
    interval that contains a well-calibrated probability under exchangeability.
    :meth:`predict_proba` returns the merged point ``p1 / (1 - p0 + p1)``,
    :meth:`predict_interval` the interval. Binary only.

    {recalibrator_parameters}

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        Class labels.
    {calibrators_}
    {estimators_}
    {n_features_in_}

    See Also
    --------
    IsotonicCalibration : One isotonic fit on the calibration set.

    Notes
    -----
    With several cross-fitted pairs the folds are merged as in cross
    Venn-Abers (Vovk, Petej & Fedorova 2015):
    ``p = GM(p1) / (GM(1 - p0) + GM(p1))`` with geometric means ``GM`` over the
    folds, and the interval ``[1 - GM(1 - p0), GM(p1)]``. Sample weights are
    frequency weights: the test point counts as one row of weight 1. Each distinct test score costs one pass of
    pool-adjacent-violators over the calibration scores (``O(n)``).

    References
    ----------
    V. Vovk, I. Petej (2014). Venn-Abers predictors. UAI.

    V. Vovk, I. Petej, V. Fedorova (2015). Large-scale probabilistic
    predictors with and without guarantees of validity. NeurIPS.

    Examples
    --------
    >>> from statlearn.calibration import VennAbersCalibrator
    >>> p = np.array([0.1, 0.3, 0.5, 0.7, 0.9] * 20)
    >>> y = np.array([0, 0, 1, 1, 1] * 20)
    >>> va = VennAbersCalibrator().fit(p[:, None], y)
    >>> lo, hi = va.predict_interval([[0.6]])[0]
    >>> bool(lo <= va.predict_proba([[0.6]])[0, 1] <= hi)
    True
    """

    _map_binary_only = True

    def _make_map(self):
        return VennAbersMap()

    def _fold_intervals(self, X):
        Ps = self._base_probas(X)
        return [c.interval(P) for c, P in zip(self.calibrators_, Ps, strict=True)]

    def predict_interval(self, X):
        """Venn-Abers interval ``[p0, p1]`` of the positive-class probability.

        {X_or_proba_parameters}

        Returns
        -------
        interval : ndarray of shape (n_samples, 2)
            Lower ``p0`` and upper ``p1`` probability of ``classes_[1]``.
        """
        iv = self._fold_intervals(X)
        p0 = 1.0 - np.exp(np.mean([np.log(np.clip(1.0 - a, 1e-300, None)) for a, _ in iv], axis=0))
        p1 = np.exp(np.mean([np.log(np.clip(b, 1e-300, None)) for _, b in iv], axis=0))
        return np.column_stack([p0, p1])

    def predict_proba(self, X):
        """Merged Venn-Abers probabilities ``p1 / (1 - p0 + p1)``.

        {X_or_proba_parameters}

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Probabilities of ``classes_[0]`` and ``classes_[1]``.
        """
        iv = self.predict_interval(X)
        q = iv[:, 1] / (1.0 - iv[:, 0] + iv[:, 1])
        return np.column_stack([1.0 - q, q])
