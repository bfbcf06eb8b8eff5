"""Weighted split conformal under covariate shift (Tibshirani, Barber, Candes & Ramdas, 2019).

Reading order: ``fit`` splits the rows, fits the base model on one part, scores the other
(the calibration rows, with a strategy object from :mod:`.conformity_scores`) and fixes the
likelihood ratio ``w(x) = dP_target / dP_train (x)``: a callable the user supplies, a
classifier trained to tell training rows from unlabelled target rows, or ``w == 1``;
``predict_quantiles`` evaluates ``w`` at every test row, takes the weighted conformal
quantile of the calibration scores for that row (one binary search per row and level) and
sweeps from the median so that no level crosses.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

from statlearn._base import check_generator
from statlearn._docstrings import fill_doc
from statlearn._validation import (
    Interval,
    Options,
    check_finite_array,
    check_quantiles,
    check_sample_weight,
    validate_params,
)

from . import _kernels
from ._conformal_common import _fit_base, _interpolate_levels, _interval_request, _n_calibration
from ._group_conformal import weighted_quantile_threshold
from .aggregation import _is_frozen
from .conformity_scores import BaseConformityScore, check_conformity_score
from .models import (
    _median_index,
    _MedianMixin,
    _predict_levels,
    _validate_X,
    _WrapsMultiQuantile,
)
from .noncrossing import _as_multi

__all__ = ["WeightedConformalQuantileRegressor"]

# a classifier probability this close to 1 would give an infinite odds ratio
_P_MAX = 1.0 - 1e-12


def _default_classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _stack_rows(A, B):
    """Rows of ``A`` then ``B`` (arrays or DataFrames alike)."""
    if hasattr(A, "iloc"):
        import pandas as pd

        return pd.concat([A, B], ignore_index=True)
    return np.concatenate([np.asarray(A), np.asarray(B)], axis=0)


def _check_ratio(w, m, name):
    """Finite, non-negative weights of shape (m,) from a likelihood ratio's output."""
    w = check_finite_array(w, name=name, ndim=1, min_samples=0)
    if w.shape[0] != m:
        raise ValueError(f"`{name}` must give one weight per row, shape ({m},); got shape {w.shape}.")
    if (w < 0).any():
        i = int(np.flatnonzero(w < 0)[0])
        raise ValueError(f"`{name}` must give non-negative weights; got {float(w[i])!r} at row {i}.")
    return w


@fill_doc
class WeightedConformalQuantileRegressor(_WrapsMultiQuantile, _MedianMixin, RegressorMixin, BaseEstimator):
    """Conformalized quantile regression under covariate shift: weighted split conformal.

    When the test covariates follow ``P_target`` rather than the training
    distribution ``P_train`` (the law of ``y`` given ``x`` unchanged), the
    calibration scores are no longer exchangeable with the test score and plain
    split conformal can under-cover. Tibshirani et al. (2019) reweight them by
    the likelihood ratio ``w(x) = dP_target / dP_train (x)``: at a test point
    ``x`` every calibration row ``i`` gets mass
    ``w(X_i) / (sum_j w(X_j) + w(x))`` and ``+inf`` gets the rest,
    ``w(x) / (sum_j w(X_j) + w(x))``; each level is corrected by the conformal
    quantile of that distribution. Then ``P(y in C(x)) >= 1 - alpha`` for
    ``(x, y)`` drawn from the shifted distribution, exactly when ``w`` is the
    true ratio. Pairs of levels, scores and the final min-max sweep (outputs
    never cross) are those of :class:`ConformalQuantileRegressor` with
    ``method="split"``.

    The ratio comes from one of three sources:

    - ``likelihood_ratio``: a callable ``w(X) -> weights of shape (n_samples,)``
      (finite, non-negative), known from the design of the shift;
    - ``X_target`` passed to :meth:`fit`: unlabelled rows of the target
      distribution; ``classifier`` is trained to tell the training rows the base
      model was fitted on (label 0) from them (label 1), and
      ``w(x) = p(x) / (1 - p(x)) * n_train / n_target`` (its odds, times the
      ratio of class sizes);
    - neither: ``w == 1``, which is plain split conformal (the same intervals as
      :class:`ConformalQuantileRegressor`, same ``random_state``).

    Parameters
    ----------
    {cqr_estimator}
    {cqr_quantiles}
    {cqr_conformity_score}
    calibration_size : float in (0, 1) or int, default=0.25
        Calibration share (or count) of the rows passed to ``fit``. With a
        prefit ``estimator`` wrapped in :class:`sklearn.frozen.FrozenEstimator`,
        every row is a calibration row and this is ignored.
    likelihood_ratio : callable, default=None
        ``likelihood_ratio(X)`` returns ``dP_target / dP_train`` at the rows of
        ``X`` (any positive multiple will do: the weights are normalised per
        test point). Called on ``X`` as validated (an ndarray, or the DataFrame
        itself when the base model takes frames). Define it at module level for
        the model to pickle. Not together with ``X_target``.
    classifier : classifier, default=None
        Estimates the ratio when :meth:`fit` gets ``X_target``: any classifier
        with ``predict_proba``, cloned and fitted on the rows the base model was
        fitted on (all rows when ``estimator`` is frozen) against ``X_target``.
        ``None`` uses ``make_pipeline(StandardScaler(),
        LogisticRegression(max_iter=1000))``: logistic regression is well
        specified for an exponential tilt ``w(x) = exp(x' beta)``, the shift of
        the paper's experiments; pass a more flexible classifier (e.g.
        gradient boosting) for other shifts. Calibration rows are kept out of
        its fit, so the weights are a fixed function given the training rows.
    random_state : int, RandomState or None, default=None
        Seeds the calibration split.

    Attributes
    ----------
    quantiles_ : ndarray of shape (n_quantiles,)
        Levels.
    estimator_ : estimator
        The fitted base model.
    conformity_score_ : BaseConformityScore
        The score object used in ``fit``.
    conformity_scores_ : ndarray of shape (n_calibration, n_columns)
        Calibration scores (columns as in :class:`ConformalQuantileRegressor`).
    calibration_weights_ : ndarray of shape (n_calibration,)
        Weight of every calibration row: its likelihood ratio times its
        ``sample_weight``.
    effective_sample_size_ : float
        Kish's effective number of calibration rows,
        ``sum(w) ** 2 / sum(w ** 2)``: far below ``n_calibration_``, the
        weights are concentrated on a few rows and the intervals are wide (or
        infinite) at test points of large ratio.
    weighting_ : {"none", "likelihood_ratio", "classifier"}
        Where the ratio came from.
    classifier_ : classifier or None
        The fitted domain classifier (``weighting_ == "classifier"``).
    likelihood_ratio_ : callable or None
        The ``likelihood_ratio`` used in ``fit`` (prediction calls this one).
    n_calibration_ : int
        Number of calibration rows.
    {n_features_in_}

    See Also
    --------
    ConformalQuantileRegressor : Split conformal and CV+ without shift, with
        groups and sample weights.

    Notes
    -----
    With calibration scores ``V_i``, weights ``w_i`` (``calibration_weights_``)
    and ``W = sum_i w_i``, a level with conformal level ``tau`` is moved at a
    test point ``x`` by ``t(x)``, the smallest ``V_i`` whose cumulative weight
    (over the sorted scores) reaches ``tau (W + w(x))``, or ``+inf`` when none
    does. The scores are sorted once, so a test row costs one binary search per
    level. Coverage holds under the covariate shift ``w`` describes, exactly
    for the true ratio and approximately for an estimated one; it degrades when
    the target puts mass where the training data has little (large ratios, small
    ``effective_sample_size_``). Only the calibration step is weighted: pass
    ``sample_weight`` to weight the base model as well.

    References
    ----------
    .. [1] R. J. Tibshirani, R. F. Barber, E. J. Candes, A. Ramdas, "Conformal
       prediction under covariate shift", NeurIPS 2019, arXiv:1904.06019.
    .. [2] Y. Romano, E. Patterson, E. Candes, "Conformalized quantile
       regression", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> from statlearn.quantile import WeightedConformalQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 2)); y = X[:, 0] + (1 + np.abs(X[:, 1])) * rng.normal(size=2000)
    >>> X_target = rng.normal(loc=[0.0, 1.0], size=(500, 2))  # unlabelled rows, shifted in x[1]
    >>> wcqr = WeightedConformalQuantileRegressor(
    ...     HistGradientBoostingRegressor(loss="quantile", max_iter=30), random_state=0)
    >>> wcqr = wcqr.fit(X, y, X_target=X_target)
    >>> wcqr.weighting_
    'classifier'
    >>> wcqr.predict_interval(X_target[:3], confidence_level=0.8).shape
    (3, 2)
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "conformity_score": [Options("cqr", "cqr-asymmetric", "per-level"), BaseConformityScore],
        "calibration_size": [Interval("real", 0, 1, closed="neither"), Interval("integral", 1, None)],
        "likelihood_ratio": [None, "callable"],
        "classifier": [None, "estimator"],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, quantiles=(0.1, 0.5, 0.9), conformity_score="cqr", calibration_size=0.25,
                 likelihood_ratio=None, classifier=None, random_state=None):
        self.estimator = estimator
        self.quantiles = quantiles
        self.conformity_score = conformity_score
        self.calibration_size = calibration_size
        self.likelihood_ratio = likelihood_ratio
        self.classifier = classifier
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None, X_target=None):
        """Fit the base model, the likelihood ratio and the calibration scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs (the training distribution).
        y : array-like of shape (n_samples,)
            Training targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Frequency weights: passed to the base model's ``fit`` on the fitting
            rows, and multiplying the calibration rows' likelihood ratios (the
            domain classifier is fitted unweighted).
        X_target : array-like of shape (n_target, n_features), default=None
            Unlabelled rows of the target distribution; the ratio is then
            estimated by ``classifier``. Same columns as ``X``.

        Returns
        -------
        self : WeightedConformalQuantileRegressor
            Fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        if self.likelihood_ratio is not None and X_target is not None:
            raise ValueError("Pass either `likelihood_ratio` (a known ratio) or `X_target` (to estimate it), "
                             "not both.")
        if self.classifier is not None and X_target is None:
            raise ValueError("`classifier` estimates the likelihood ratio from unlabelled target rows: pass "
                             "`X_target` to fit (or leave `classifier=None`).")
        q = check_quantiles(self.quantiles)
        score = check_conformity_score(self.conformity_score)
        score.check(q)
        levels = score.conformal_levels(q)  # a clear error for a score without weighted calibration
        base = _as_multi(self.estimator, q)
        X, y = _validate_X(self, X, [base], reset=True, y=y)
        n = X.shape[0]
        sw = None if sample_weight is None else check_sample_weight(sample_weight, n)
        if X_target is not None:
            try:
                X_target = _validate_X(self, X_target, [base], reset=False)
            except ValueError as exc:
                raise ValueError(str(exc).replace("`X`", "`X_target`")) from None
            if X_target.shape[0] < 1:
                raise ValueError("`X_target` must have at least one row; got 0.")
        rng = check_generator(self.random_state)
        if _is_frozen(base):  # a prefit model: every row calibrates
            cal = fit_rows = np.arange(n)
            self.estimator_ = base
        else:
            n_cal = _n_calibration(self.calibration_size, n)
            perm = rng.permutation(n)
            cal, fit_rows = perm[:n_cal], perm[n_cal:]
            self.estimator_ = _fit_base(clone(base), _safe_indexing(X, fit_rows), y[fit_rows],
                                        None if sw is None else sw[fit_rows])
        X_cal = _safe_indexing(X, cal)
        E = score.scores(np.sort(_predict_levels(self.estimator_, X_cal, q), axis=1), y[cal])

        self.classifier_ = None
        self.likelihood_ratio_ = self.likelihood_ratio
        if self.likelihood_ratio is not None:
            self.weighting_ = "likelihood_ratio"
        elif X_target is not None:
            self.weighting_ = "classifier"
            self._fit_classifier(_safe_indexing(X, fit_rows), X_target)
        else:
            self.weighting_ = "none"
        w = self._ratio(X_cal)
        if sw is not None:
            w = w * sw[cal]
        if not (w > 0).any():
            raise ValueError(f"`{self._ratio_name()}` is zero at every one of the {cal.size} calibration rows: "
                             "the target distribution has no mass where the calibration data lies.")
        self.calibration_weights_ = w
        self.effective_sample_size_ = float(w.sum() ** 2 / (w ** 2).sum())
        self.conformity_score_ = score
        self.conformity_scores_ = E
        self.quantiles_ = q
        self.n_calibration_ = cal.size
        self._levels = levels
        return self

    def _fit_classifier(self, X_train, X_target):
        clf = _default_classifier() if self.classifier is None else clone(self.classifier)
        if not hasattr(clf, "predict_proba"):
            raise TypeError(f"`classifier` must have predict_proba; got {type(clf).__name__}.")
        n_s, n_t = X_train.shape[0], X_target.shape[0]
        labels = np.r_[np.zeros(n_s, dtype=np.int64), np.ones(n_t, dtype=np.int64)]
        try:
            clf.fit(_stack_rows(X_train, X_target), labels)
        except ValueError as exc:
            raise ValueError(f"`classifier` {type(clf).__name__} failed to separate the training rows of `X` from "
                             f"`X_target`: {exc}") from exc
        classes = list(getattr(clf, "classes_", []))
        if 1 not in classes:
            raise ValueError(f"`classifier` must predict the classes [0, 1] (1: target rows); its classes_ "
                             f"are {classes}.")
        self.classifier_ = clf
        self._target_column = classes.index(1)
        self._class_ratio = n_s / n_t

    def _ratio_name(self):
        return {"likelihood_ratio": "likelihood_ratio", "classifier": "classifier"}.get(self.weighting_, "weights")

    def _ratio(self, X):
        """Likelihood ratio at the rows of (validated) ``X``."""
        m = X.shape[0]
        if self.weighting_ == "none":
            return np.ones(m)
        if self.weighting_ == "likelihood_ratio":
            return _check_ratio(self.likelihood_ratio_(X), m, "likelihood_ratio")
        P = np.asarray(self.classifier_.predict_proba(X), dtype=np.float64)
        p = _check_ratio(P[:, self._target_column], m, "classifier")
        if (p > 1.0).any():
            raise ValueError(f"`classifier` must give probabilities in [0, 1]; got {float(p.max())!r}.")
        p = np.minimum(p, _P_MAX)
        return p / (1.0 - p) * self._class_ratio

    def predict_likelihood_ratio(self, X):
        """Likelihood ratio ``dP_target / dP_train`` at the rows of ``X``, as used by the calibration.

        Parameters
        ----------
        {X_target_rows}

        Returns
        -------
        ratio : ndarray of shape (n_samples,)
            Non-negative weights (all ones when fitted without ``likelihood_ratio``
            or ``X_target``).
        """
        check_is_fitted(self)
        X = _validate_X(self, X, [self.estimator_], reset=False)
        return self._ratio(X)

    def predict_quantiles(self, X, *, quantiles=None):
        """Weighted-conformal, non-crossing quantiles of every level (or of any levels).

        Parameters
        ----------
        {X_target_rows}
        {conformal_quantiles_after}

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles) or (n_samples, n_levels)
            Non-decreasing rows; an entry is infinite where the test row's
            likelihood ratio outweighs the calibration weight left above the
            level (``w(x) > (1 - tau) / tau * W`` for the upper bounds).
        """
        check_is_fitted(self)
        X = _validate_X(self, X, [self.estimator_], reset=False)
        Q = np.sort(_predict_levels(self.estimator_, X, self.quantiles_), axis=1)
        wt = self._ratio(X)
        E, s = self.conformity_scores_, self.calibration_weights_
        done = {}
        for level, col, sign, tau in self._levels:
            if (col, tau) not in done:
                done[col, tau] = np.atleast_1d(weighted_quantile_threshold(E[:, col], s, tau, wt))
            Q[:, level] += sign * done[col, tau]
        Q = _kernels.minmax_rows(np.ascontiguousarray(Q, dtype=np.float64), _median_index(self.quantiles_))
        if quantiles is None:
            return Q
        return _interpolate_levels(Q, self.quantiles_, quantiles, name="quantiles")

    def predict_interval(self, X, confidence_level=None, *, lower=None, upper=None):
        """Weighted-conformal interval: one of the fitted pairs, or any two levels.

        Parameters
        ----------
        {X_target_rows}
        {conformal_interval_levels}

        Returns
        -------
        interval : ndarray of shape (n_samples, 2)
            Lower and upper bounds.
        """
        check_is_fitted(self)
        kind, which = _interval_request(self.quantiles_, confidence_level, lower, upper)
        if kind == "levels":
            return self.predict_quantiles(X, quantiles=which)
        return self.predict_quantiles(X)[:, list(which)]
