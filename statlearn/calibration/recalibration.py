"""Recalibration of predicted probabilities: one estimator per method.

Every recalibrator takes either raw probabilities (``estimator=None``), a prefit
model (``FrozenEstimator(model)``) or a model to fit by cross-fitting (``cv=``),
as scikit-learn's ``CalibratedClassifierCV`` does, and accepts ``sample_weight``.
The method itself is a small calibration map (``_maps.py``) chosen by the class.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from statlearn._docstrings import fill_doc
from statlearn._validation import (
    Interval,
    Options,
    check_probabilities,
    check_sample_weight,
    validate_data,
    validate_params,
)

from ._maps import BetaMap, HistogramMap, IsotonicMap, PlattMap, TemperatureMap, VennAbersMap
from ._mc_common import inherit_input_tags

__all__ = [
    "BetaCalibration",
    "HistogramBinning",
    "IsotonicCalibration",
    "PlattScaling",
    "TemperatureScaling",
    "VennAbersCalibrator",
]


_CV_CONSTRAINT = [None, "cv_object"]


def _is_frozen(est):
    return type(est).__name__ == "FrozenEstimator"


def _proba_of(est, X, classes):
    """``est.predict_proba(X)`` with columns reordered to ``classes``."""
    if not hasattr(est, "predict_proba"):
        raise TypeError(f"`estimator` must have a `predict_proba` method; {type(est).__name__} has none.")
    from ._mc_common import proba_of

    return proba_of(est, X, classes)


def fit_base_estimator(estimator, X, y, sample_weight, fit_params, owner):
    """Clone and fit ``estimator`` with ``sample_weight`` (never silently dropped).

    With metadata routing enabled, ``fit_params`` are the routed parameters of the
    estimator. Otherwise ``sample_weight`` is passed when the estimator's ``fit``
    takes it, and a ``ValueError`` is raised when it does not (a ``Pipeline``, for
    instance, needs metadata routing to receive weights).
    """
    from ._mc_common import call_base

    est = clone(estimator)
    if _routing_enabled():
        call_base(lambda X_: est.fit(X_, y, **fit_params), X, owner, "fit")
        return est
    if sample_weight is not None:
        if not has_fit_parameter(est, "sample_weight"):
            raise ValueError(
                f"{owner}: `sample_weight` was given but the base estimator {type(est).__name__}.fit does not "
                "take `sample_weight`, so it would be fitted without the weights. For a Pipeline, enable metadata "
                "routing (sklearn.set_config(enable_metadata_routing=True)) and request the weights on its final "
                "step (`.set_fit_request(sample_weight=True)`), or pass a prefit `FrozenEstimator`."
            )
        call_base(lambda X_: est.fit(X_, y, sample_weight=sample_weight), X, owner, "fit")
    else:
        call_base(lambda X_: est.fit(X_, y), X, owner, "fit")
    return est


@fill_doc
class _BaseRecalibrator(ClassifierMixin, BaseEstimator):
    """Shared machinery: base model or raw probabilities, cross-fitting, weights, routing."""

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "cv": _CV_CONSTRAINT,
        "ensemble": ["boolean"],
    }
    _map_binary_only = False

    def __init__(self, estimator=None, *, cv=None, ensemble=True):
        self.estimator = estimator
        self.cv = cv
        self.ensemble = ensemble

    def _make_map(self):  # pragma: no cover - interface
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = not self._map_binary_only
        return inherit_input_tags(tags, self.estimator)

    def get_metadata_routing(self):
        router = MetadataRouter(owner=self.__class__.__name__).add_self_request(self)
        if self.estimator is not None and not _is_frozen(self.estimator):
            router.add(estimator=self.estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))
        return router

    # ------------------------------------------------------------------ #
    def _validate(self):
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)

    def _raw_proba(self, X, *, reset):
        """``X`` read as probabilities (``estimator=None``): (n, 1) positive class or (n, K)."""
        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_2d=True)
        if reset:
            return X
        if X.shape[1] == 1:
            p = check_probabilities(X[:, 0], name="X", ndim=1)
            return np.column_stack([1.0 - p, p])
        return check_probabilities(X, name="X", ndim=2)

    def _check_raw_width(self, X, n_classes):
        k = X.shape[1]
        if k == 1:
            if n_classes != 2:
                raise ValueError(
                    f"With `estimator=None`, one column of `X` is the positive-class probability of a binary "
                    f"problem; `y` has {n_classes} classes. Pass one probability column per class."
                )
            p = check_probabilities(X[:, 0], name="X", ndim=1)
            return np.column_stack([1.0 - p, p])
        if k != n_classes:
            raise ValueError(
                f"With `estimator=None`, `X` must hold one probability column per class of `y` "
                f"({n_classes}, in the order of the sorted labels) or, for a binary problem, one column; "
                f"got {k} columns."
            )
        return check_probabilities(X, name="X", ndim=2)

    def _check_X_2d(self, X):
        import scipy.sparse as sp

        from ._mc_common import check_X_2d

        if sp.issparse(X):
            return X.tocsr()  # row indexing for the folds (dia / coo are not subscriptable)
        X = check_X_2d(X)
        if (isinstance(X, list | tuple) and len(X) and np.isscalar(X[0])) or (
                isinstance(X, np.ndarray) and X.ndim == 1):
            raise ValueError(
                "`X` must be 2-D (n_samples, n_features); got a 1-D array. Reshape your data "
                "with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample."
            )
        return X

    def _fit_map(self, P, codes, w):
        m = self._make_map()
        return m.fit(np.ascontiguousarray(P), codes, w)

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the base model if needed, then the calibration map.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features; with ``estimator=None``, predicted probabilities: one
            column per class (sorted labels) or, for a binary problem, one
            column of positive-class probabilities.
        {y_labels}
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the calibration fit and of the base model's fit (see
            Notes of the class).
        {fit_params_routed}

        Returns
        -------
        self : object
            The fitted recalibrator.
        """
        from ._mc_common import check_labels, check_rows

        self._validate()
        y = check_labels(y, type(self).__name__)
        if self.estimator is not None:
            check_rows(X, y.shape[0], type(self).__name__)
        classes, codes = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in `y`; got {classes.size} class: "
                             f"{classes.tolist()}.")
        if self._map_binary_only and classes.size > 2:
            raise ValueError(
                f"Only binary classification is supported: {type(self).__name__} is binary only; `y` has "
                f"{classes.size} classes: {classes[:8].tolist()}."
            )
        self.classes_ = classes
        codes = codes.astype(np.int64)
        if fit_params and not _routing_enabled():
            raise ValueError(
                f"{type(self).__name__}.fit got {sorted(fit_params)}: extra fit parameters are passed to the base "
                "estimator through metadata routing; enable it with sklearn.set_config(enable_metadata_routing=True)."
            )
        if self.estimator is None:
            X = self._raw_proba(X, reset=True)
            n = X.shape[0]
            if codes.shape[0] != n:
                raise ValueError(f"Inconsistent numbers of samples: `X` has {n}, `y` has {codes.shape[0]}.")
            w = check_sample_weight(sample_weight, n)
            P = self._check_raw_width(X, classes.size)
            self.estimators_ = [None]
            self.calibrators_ = [self._fit_map(P, codes, w)]
            return self
        X = self._check_X_2d(X)
        validate_data(self, X, reset=True, skip_check_array=True)
        n = len(y)
        if n < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 samples; got n_samples = {n}.")
        w = check_sample_weight(sample_weight, n)
        routed = {}
        if _routing_enabled() and not _is_frozen(self.estimator):
            routed = process_routing(self, "fit", sample_weight=sample_weight, **fit_params).estimator.fit
        if _is_frozen(self.estimator):
            P = _proba_of(self.estimator, X, classes)
            self.estimators_ = [self.estimator]
            self.calibrators_ = [self._fit_map(P, codes, w)]
            return self
        self._cross_fit(X, y, codes, w, sample_weight, routed)
        return self

    def _cross_fit(self, X, y, codes, w, sample_weight, routed):
        from sklearn.model_selection import check_cv
        from sklearn.utils import _safe_indexing

        cv = check_cv(5 if self.cv is None else self.cv, y, classifier=True)
        splits = list(cv.split(X, y))
        seen = np.zeros(len(y), dtype=np.int64)
        for _, te in splits:
            seen[te] += 1

        def sub(params, idx):
            return {k: _safe_indexing(v, idx) if hasattr(v, "__len__") and len(v) == len(y) else v
                    for k, v in params.items()}

        def fit_on(idx):
            Xi, yi = _safe_indexing(X, idx), _safe_indexing(y, idx)
            sw = None if sample_weight is None else np.asarray(w)[idx]
            return fit_base_estimator(self.estimator, Xi, yi, sw, sub(routed, idx), type(self).__name__)

        if self.ensemble:
            self.estimators_, self.calibrators_ = [], []
            for tr, te in splits:
                est = fit_on(tr)
                P = _proba_of(est, _safe_indexing(X, te), self.classes_)
                self.estimators_.append(est)
                self.calibrators_.append(self._fit_map(P, codes[te], w[te]))
            return
        if np.any(seen != 1):
            raise ValueError("`cv` with `ensemble=False` needs test folds that partition the rows "
                             "(each row in exactly one test fold).")
        P = np.zeros((len(y), self.classes_.size))
        for tr, te in splits:
            P[te] = _proba_of(fit_on(tr), _safe_indexing(X, te), self.classes_)
        self.calibrators_ = [self._fit_map(P, codes, w)]
        self.estimators_ = [fit_on(np.arange(len(y)))]

    def _base_probas(self, X):
        check_is_fitted(self, "calibrators_")
        if self.estimators_[0] is None:
            return [self._raw_proba(X, reset=False)]
        X = self._check_X_2d(X)
        validate_data(self, X, reset=False, skip_check_array=True)
        return [_proba_of(est, X, self.classes_) for est in self.estimators_]

    def predict_proba(self, X):
        """Calibrated class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, or probabilities when ``estimator=None`` (as in ``fit``).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Calibrated probabilities, columns in the order of ``classes_``;
            with several cross-fitted pairs, their average.
        """
        Ps = self._base_probas(X)
        if len(Ps) == 1:
            return self.calibrators_[0].transform(Ps[0])
        return np.mean([c.transform(P) for c, P in zip(self.calibrators_, Ps, strict=True)], axis=0)

    def predict(self, X):
        """Class with the largest calibrated probability.

        Parameters
        ----------
        {X_or_proba}

        Returns
        -------
        {y_pred}
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


@fill_doc
class TemperatureScaling(_BaseRecalibrator):
    """Temperature scaling (Guo et al. 2017): ``softmax(log p / T)`` with one temperature ``T``.

    Parameters
    ----------
    {recalibrator_params}

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
    >>> import numpy as np
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

    Parameters
    ----------
    {recalibrator_params}

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
    >>> import numpy as np
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

    Parameters
    ----------
    {recalibrator_params}

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
    >>> import numpy as np
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

    Parameters
    ----------
    {recalibrator_params}

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
    >>> import numpy as np
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
    >>> import numpy as np
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

    Parameters
    ----------
    {recalibrator_params}

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
    >>> import numpy as np
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

        Parameters
        ----------
        {X_or_proba}

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

        Parameters
        ----------
        {X_or_proba}

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Probabilities of ``classes_[0]`` and ``classes_[1]``.
        """
        iv = self.predict_interval(X)
        q = iv[:, 1] / (1.0 - iv[:, 0] + iv[:, 1])
        return np.column_stack([1.0 - q, q])
