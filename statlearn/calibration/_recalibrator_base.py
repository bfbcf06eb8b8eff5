"""The machinery every recalibrator shares: base model or raw probabilities, cross-fitting,
weights, metadata routing (:class:`_BaseRecalibrator`); the methods are in ``recalibration.py``."""

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
    check_probabilities,
    check_sample_weight,
    validate_data,
    validate_params,
)

from ._mc_common import inherit_input_tags, raw_probabilities

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
            P = raw_probabilities(X, classes.size, seen="are in `y`")
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

        {X_or_proba_parameters}

        Returns
        -------
        {y_pred}
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
