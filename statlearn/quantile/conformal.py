"""Conformal calibration of all quantile levels at once (sort -> CQR -> min-max sweep)."""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted, check_random_state

from statlearn._validation import (
    Interval,
    Options,
    check_confidence_level,
    check_quantiles,
    validate_data,
    validate_params,
)

from . import _kernels
from .aggregation import _is_frozen
from .models import _median_index, _predict_levels
from .noncrossing import _as_multi

__all__ = ["ConformalQuantileRegressor"]


def _kth(values, rank, axis=0):
    """``rank``-th smallest (1-based) along ``axis``; -inf below 1, +inf above n."""
    n = values.shape[axis]
    if rank < 1:
        shape = list(values.shape)
        del shape[axis]
        return np.full(shape, -np.inf) if shape else -np.inf
    if rank > n:
        shape = list(values.shape)
        del shape[axis]
        return np.full(shape, np.inf) if shape else np.inf
    return np.take(np.partition(values, rank - 1, axis=axis), rank - 1, axis=axis)


def _upper_rank(level, n):
    """ceil(level * (n + 1)) with a guard against floating error (0.8 * 5 = 4.000000001)."""
    return int(math.ceil(level * (n + 1) - 1e-9))


def _lower_rank(level, n):
    return int(math.floor(level * (n + 1) + 1e-9))


def _pairs(K):
    return [(k, K - 1 - k) for k in range(K // 2)]


def _fit_fold(est, X, y, train, test, q):
    est = clone(est).fit(X[train], y[train])
    return est, test, np.sort(_predict_levels(est, X[test], q), axis=1)


class ConformalQuantileRegressor(RegressorMixin, BaseEstimator):
    """Conformalized quantile regression for every level at once, never crossing.

    The pipeline is sort -> conformal correction -> min-max sweep: the base
    model's quantile rows are sorted, every symmetric pair of levels
    ``(quantiles[k], quantiles[K-1-k])`` is calibrated as a CQR interval with
    nominal coverage ``quantiles[K-1-k] - quantiles[k]``, and a final min-max
    sweep from the median (which only widens intervals) removes any crossing
    the corrections created. Each pair keeps its finite-sample coverage.

    Parameters
    ----------
    estimator : estimator, default=None
        A multi-level quantile model, or a single-level quantile model (then
        wrapped in :class:`MultiQuantileRegressor` with ``quantiles``), or a
        quantile-forest model. ``None`` uses gradient boosting per level.
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Levels, strictly increasing in (0, 1). Level ``k`` is paired with level
        ``K-1-k``; with symmetric levels the pairs are central intervals.
    method : {"split", "cv+"}, default="split"
        Split conformal (one fit, a held-out calibration set) or CV+ (``cv``
        fits, every row used for calibration; coverage at least ``1 - 2 alpha``
        in theory, close to ``1 - alpha`` in practice).
    conformity_score : {"cqr", "cqr-asymmetric", "per-level"}, default="cqr"
        ``"cqr"``: the symmetric score ``max(lo - y, y - hi)`` per pair
        (Romano et al.); ``"cqr-asymmetric"``: lower and upper bounds
        calibrated separately (miss rates ``quantiles[k]`` and
        ``1 - quantiles[K-1-k]``); ``"per-level"``: every level shifted by the
        conformal quantile of its own residuals (one-sided validity per level).
        The middle level of an odd ``K`` is only shifted by ``"per-level"``.
    calibration_size : float in (0, 1) or int, default=0.25
        Calibration share (or count) for ``method="split"``. With a prefit
        ``estimator`` wrapped in :class:`sklearn.frozen.FrozenEstimator`, every
        row passed to ``fit`` is a calibration row and this is ignored.
    cv : int, default=5
        Folds for ``method="cv+"``.
    n_jobs : int, default=None
        Parallel fold fits for ``method="cv+"``.
    random_state : int, RandomState or None, default=None
        Seeds the calibration split or the folds.

    Attributes
    ----------
    quantiles_ : ndarray of shape (n_quantiles,)
        Levels.
    estimator_ : estimator
        The fitted base model (``"split"``).
    estimators_ : list of estimators
        One model per fold (``"cv+"``).
    shifts_ : ndarray of shape (n_quantiles,)
        Additive corrections of the sorted levels (``"split"``; possibly
        infinite when the calibration set is too small for a level).
    conformity_scores_ : ndarray of shape (n_calibration, n_columns)
        Calibration scores: one column per pair (``"cqr"``), two per pair
        (``"cqr-asymmetric"``, lower then upper) or one per level (``"per-level"``).
    n_calibration_ : int
        Number of calibration rows.
    n_features_in_ : int
        Number of features seen in ``fit``.

    References
    ----------
    .. [1] Y. Romano, E. Patterson, E. Candes, "Conformalized quantile
       regression", NeurIPS 2019.
    .. [2] R. F. Barber, E. Candes, A. Ramdas, R. J. Tibshirani, "Predictive
       inference with the jackknife+", Ann. Statist. 49(1), 2021.
    .. [3] R. Fakoor et al., "Flexible Model Aggregation for Quantile
       Regression", JMLR 24(162), 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> from statlearn.quantile import ConformalQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(1000, 2)); y = X[:, 0] + (0.2 + X[:, 1]) * rng.normal(size=1000)
    >>> cqr = ConformalQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=30),
    ...                                  quantiles=[0.05, 0.1, 0.5, 0.9, 0.95], random_state=0).fit(X, y)
    >>> cqr.predict_interval(X[:2], confidence_level=0.8).shape
    (2, 2)
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "method": [Options("split", "cv+")],
        "conformity_score": [Options("cqr", "cqr-asymmetric", "per-level")],
        "calibration_size": [Interval("real", 0, 1, closed="neither"), Interval("integral", 1, None)],
        "cv": [Interval("integral", 2, None)],
        "n_jobs": [None, Interval("integral", None, None)],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, quantiles=(0.1, 0.5, 0.9), method="split", conformity_score="cqr",
                 calibration_size=0.25, cv=5, n_jobs=None, random_state=None):
        self.estimator = estimator
        self.quantiles = quantiles
        self.method = method
        self.conformity_score = conformity_score
        self.calibration_size = calibration_size
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ #
    def _scores(self, Qs, y):
        """Conformity scores on sorted calibration predictions ``Qs`` (n, K)."""
        K = Qs.shape[1]
        if self.conformity_score == "per-level":
            return y[:, None] - Qs
        cols = []
        for a, b in _pairs(K):
            lo_gap = Qs[:, a] - y
            hi_gap = y - Qs[:, b]
            if self.conformity_score == "cqr":
                cols.append(np.maximum(lo_gap, hi_gap))
            else:
                cols.extend([lo_gap, hi_gap])
        return np.column_stack(cols) if cols else np.empty((y.shape[0], 0))

    def fit(self, X, y):
        """Fit the base model(s) and calibrate every level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Training targets.

        Returns
        -------
        self : ConformalQuantileRegressor
            Fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        X, y = validate_data(self, X, y, y_numeric=True)
        q = check_quantiles(self.quantiles)
        n = X.shape[0]
        rng = check_random_state(self.random_state)
        base = _as_multi(self.estimator, q)
        if self.method == "split":
            cs = self.calibration_size
            n_cal = int(math.ceil(cs * n)) if isinstance(cs, float) else int(cs)
            if not _is_frozen(base) and (n_cal < 1 or n - n_cal < 1):
                raise ValueError(
                    f"`calibration_size`={cs!r} leaves no rows to fit or to calibrate with n_samples={n}."
                )
            if _is_frozen(base):  # a prefit model: every row calibrates
                n_cal, cal = n, np.arange(n)
                self.estimator_ = base
            else:
                perm = rng.permutation(n)
                cal, fit = perm[:n_cal], perm[n_cal:]
                self.estimator_ = clone(base).fit(X[fit], y[fit])
            Qs = np.sort(_predict_levels(self.estimator_, X[cal], q), axis=1)
            E = self._scores(Qs, y[cal])
            self.shifts_ = self._split_shifts(E, q, n_cal)
            if not np.isfinite(self.shifts_).all():
                warnings.warn(
                    f"The calibration set ({n_cal} rows) is too small for the most extreme levels; "
                    "their corrections are infinite. Use more data or less extreme `quantiles`.",
                    UserWarning, stacklevel=2,
                )
        else:
            if not isinstance(self.cv, numbers.Integral) or self.cv > n:
                raise ValueError(f"`cv`={self.cv!r} folds need at least {self.cv} samples; got n_samples={n}.")
            folds = list(KFold(self.cv, shuffle=True, random_state=rng.randint(np.iinfo(np.int32).max)).split(X))
            out = Parallel(n_jobs=self.n_jobs)(delayed(_fit_fold)(base, X, y, tr, te, q) for tr, te in folds)
            self.estimators_ = [o[0] for o in out]
            fold_of = np.empty(n, dtype=np.int64)
            Qs = np.empty((n, q.size))
            for f, (_, te, pred) in enumerate(out):
                fold_of[te] = f
                Qs[te] = pred
            E = self._scores(Qs, y)
            self.fold_of_ = fold_of
            n_cal = n
        self.conformity_scores_ = E
        self.n_calibration_ = n_cal
        self.quantiles_ = q
        self._fitted_method, self._fitted_score = self.method, self.conformity_score  # prediction reads these
        return self

    def _split_shifts(self, E, q, n):
        K = q.size
        shifts = np.zeros(K)
        if self.conformity_score == "per-level":
            for k in range(K):
                shifts[k] = _kth(E[:, k], _upper_rank(q[k], n))
            return shifts
        for j, (a, b) in enumerate(_pairs(K)):
            if self.conformity_score == "cqr":
                level = q[b] - q[a]
                s = _kth(E[:, j], _upper_rank(level, n))
                shifts[a], shifts[b] = -s, s
            else:
                shifts[a] = -_kth(E[:, 2 * j], _upper_rank(1.0 - q[a], n))
                shifts[b] = _kth(E[:, 2 * j + 1], _upper_rank(q[b], n))
        return shifts

    def _cvplus_chunk(self, P):
        """CV+ quantiles for fold predictions ``P`` (n_folds, n_rows, K), sorted rows."""
        q, E, n = self.quantiles_, self.conformity_scores_, self.n_calibration_
        K = q.size
        Pi = P[self.fold_of_]  # (n_cal, n_rows, K): prediction of the model that left out row i
        out = P.mean(axis=0)
        if self._fitted_score == "per-level":
            for k in range(K):
                out[:, k] = _kth(Pi[:, :, k] + E[:, k][:, None], _upper_rank(q[k], n), axis=0)
            return out
        for j, (a, b) in enumerate(_pairs(K)):
            if self._fitted_score == "cqr":
                alpha = 1.0 - (q[b] - q[a])
                lo_v = Pi[:, :, a] - E[:, j][:, None]
                hi_v = Pi[:, :, b] + E[:, j][:, None]
                out[:, a] = _kth(lo_v, _lower_rank(alpha, n), axis=0)
                out[:, b] = _kth(hi_v, _upper_rank(1.0 - alpha, n), axis=0)
            else:
                lo_v = Pi[:, :, a] - E[:, 2 * j][:, None]
                hi_v = Pi[:, :, b] + E[:, 2 * j + 1][:, None]
                out[:, a] = _kth(lo_v, _lower_rank(q[a], n), axis=0)
                out[:, b] = _kth(hi_v, _upper_rank(q[b], n), axis=0)
        return out

    # ------------------------------------------------------------------ #
    def predict_quantiles(self, X):
        """Calibrated, non-crossing quantiles of every level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles)
            Non-decreasing rows (entries may be infinite when the calibration
            set is too small for a level).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        q = self.quantiles_
        if self._fitted_method == "split":
            Q = np.sort(_predict_levels(self.estimator_, X, q), axis=1) + self.shifts_
        else:
            chunks = []
            step = max(1, int(2_000_000 // max(1, self.n_calibration_ * q.size)))
            for s in range(0, X.shape[0], step):
                Xc = X[s:s + step]
                P = np.stack([np.sort(_predict_levels(e, Xc, q), axis=1) for e in self.estimators_])
                chunks.append(self._cvplus_chunk(P))
            Q = np.concatenate(chunks, axis=0) if chunks else np.empty((0, q.size))
        return _kernels.minmax_rows(np.ascontiguousarray(Q, dtype=np.float64), _median_index(q))

    def predict(self, X):
        """Predict the level closest to 0.5.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point prediction.
        """
        return self.predict_quantiles(X)[:, _median_index(self.quantiles_)].copy()

    def predict_interval(self, X, confidence_level=0.8):
        """Calibrated central interval of one of the fitted pairs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.
        confidence_level : float, default=0.8
            Nominal coverage; must equal ``quantiles_[K-1-k] - quantiles_[k]``
            for some pair ``k``.

        Returns
        -------
        interval : ndarray of shape (n_samples, 2)
            Lower and upper bounds.
        """
        check_is_fitted(self)
        c = check_confidence_level(confidence_level)
        if not np.isscalar(c):
            raise TypeError(f"`confidence_level` must be a single float; got {confidence_level!r}.")
        q = self.quantiles_
        pairs = _pairs(q.size)
        nominal = np.array([q[b] - q[a] for a, b in pairs])
        hit = np.flatnonzero(np.abs(nominal - c) < 1e-9)
        if hit.size == 0:
            raise ValueError(
                f"`confidence_level` must be one of the fitted pair coverages {np.round(nominal, 6).tolist()} "
                f"(from `quantiles`); got {c!r}."
            )
        a, b = pairs[hit[0]]
        Q = self.predict_quantiles(X)
        return np.column_stack([Q[:, a], Q[:, b]])
