"""Online ridge regression by recursive least squares (Sherman-Morrison updates)."""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import metadata_routing
from sklearn.utils.validation import check_is_fitted

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, check_sample_weight, validate_params
from statlearn.online import _kernels
from statlearn.online._inputs import check_features, check_forecasts, check_state_finite, check_target

__all__ = ["OnlineRidge"]

# |x| or |y| above this makes x x^T or the residual overflow float64 (sqrt(max float) ~ 1.3e154)
_HUGE = 1e150


def _differs(a, b):
    try:
        return bool(a != b)
    except Exception:  # e.g. arrays: compare by identity
        return a is not b


def _augment(X, fit_intercept):
    if not fit_intercept:
        X = np.ascontiguousarray(X, dtype=np.float64)
        return X if X.flags.writeable else X.copy()
    out = np.empty((X.shape[0], X.shape[1] + 1), dtype=np.float64)
    out[:, :-1] = X
    out[:, -1] = 1.0
    return out


def r2(y, pred, sample_weight=None):
    """R^2 of ``pred`` for a validated ``y``; at least two rows are needed."""
    if y.shape[0] < 2:
        raise ValueError(f"`y` must have at least 2 samples to compute R^2; got {y.shape[0]}.")
    w = np.ones_like(y) if sample_weight is None else check_sample_weight(sample_weight, y.shape[0])
    ybar = np.average(y, weights=w)
    ss_tot = float(np.sum(w * (y - ybar) ** 2))
    ss_res = float(np.sum(w * (y - pred) ** 2))
    if not math.isfinite(ss_res) or not math.isfinite(ss_tot):
        raise ValueError("`X` or `y` holds values too large for R^2: the squared errors of the forecasts on `X` "
                         "against `y` overflow float64.")
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


@fill_doc
class OnlineRidge(RegressorMixin, BaseEstimator):
    """Online ridge regression with exact recursive least-squares updates.

    After ``n`` rows the coefficients equal the closed-form ridge solution
    ``(alpha I + X^T X)^{-1} X^T y`` on those rows. Each update costs
    ``O(d^2)`` through the Sherman-Morrison formula on the inverse Gram matrix;
    the loop over rows runs in a numba kernel.

    Parameters
    ----------
    alpha : float, default=1.0
        Ridge penalty (``lambda`` in the paper), strictly positive.
    fit_intercept : bool, default=True
        Whether to fit an intercept. The intercept is learned as the
        coefficient of a constant feature and is penalised like the others
        (as in the paper's online ridge), so the result equals
        ``Ridge(alpha, fit_intercept=False)`` on ``[X, 1]``.
    forgetting_factor : float in (0, 1], default=1.0
        Weight ``beta`` of the past, for drifting streams: after ``t`` rows
        the coefficients are the ridge solution in which row ``s`` has weight
        ``beta^(t - s)`` and the penalty is ``alpha beta^t``. ``1.0`` gives
        plain ridge; ``beta = 1 - 1/m`` remembers roughly the last ``m`` rows.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Current coefficients (a copy: later updates do not change it).
    intercept_ : float
        Current intercept (0.0 when ``fit_intercept=False``).
    n_features_in_ : int
        Number of features seen in the first call of ``fit``/``partial_fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when fitted on a DataFrame with string column names.
    n_samples_seen_ : int
        Rows learned so far.
    prequential_predictions_ : ndarray of shape (n_samples_seen,)
        The forecast of each row made before that row was learned.

    See Also
    --------
    GroupwiseRegressor : one online ridge per group, combined by sleeping experts.

    Notes
    -----
    With ``P_t`` the inverse of ``alpha beta^t I + sum_{s<=t} beta^(t-s) x_s x_s^T``,
    ``u = P_{t-1} x_t`` and ``s = beta + x_t^T u``, the update is
    ``theta_t = theta_{t-1} + u (y_t - theta_{t-1}^T x_t) / s`` and
    ``P_t = (P_{t-1} - u u^T / s) / beta``. With ``beta < 1`` the penalty
    fades with the old rows, so directions the data never excite grow in ``P``
    like ``beta^-t``; such a stream eventually overflows and raises.

    References
    ----------
    .. [1] K. Acharya, E. Arunachaleswaran, S. Kannan, A. Roth, J. Ziani.
       "Oracle Efficient Algorithms for Groupwise Regret". ICLR 2024,
       arXiv:2310.04652.
    .. [2] S. Haykin. "Adaptive Filter Theory", ch. 10 (exponentially
       weighted recursive least squares). Prentice Hall, 2002.

    Examples
    --------
    >>> from statlearn.online import OnlineRidge
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=200)
    >>> model = OnlineRidge(alpha=1.0).fit(X, y)
    >>> np.round(model.coef_, 1)
    array([ 1. , -2. ,  0.5])
    >>> model.learn_one({"x0": 0.0, "x1": 1.0, "x2": 0.0}, -2.0).predict_one(
    ...     {"x0": 0.0, "x1": 1.0, "x2": 0.0}) < -1.5
    True
    """

    # `sample_weight` of `score` is not routed metadata: no `set_score_request` method.
    __metadata_request__score = {"sample_weight": metadata_routing.UNUSED}

    _parameter_constraints = {
        "alpha": [Interval("real", 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "forgetting_factor": [Interval("real", 0, 1, closed="right")],
    }

    def __init__(self, alpha=1.0, fit_intercept=True, forgetting_factor=1.0):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.forgetting_factor = forgetting_factor

    # ------------------------------------------------------------------ #
    def _check_params(self, owner=None):
        validate_params(self.get_params(deep=False), self._parameter_constraints,
                        owner=owner or type(self).__name__)
        if not math.isfinite(self.alpha):
            raise ValueError(f"`alpha` must be a finite float > 0; got {self.alpha!r}.")

    def _reset(self, n_features):
        self._check_params()
        self._fit_intercept = bool(self.fit_intercept)  # fitted state: set_params cannot shift predictions
        self._beta = float(self.forgetting_factor)
        self._stream_params = self.get_params(deep=False)
        d = n_features + int(self._fit_intercept)
        self._P = np.eye(d) / float(self.alpha)
        self._theta = np.zeros((d, 1))
        self._chunks = []
        self.n_samples_seen_ = 0

    def _stream_changed(self):
        for name, value in self._stream_params.items():
            if _differs(getattr(self, name), value):
                raise ValueError(
                    f"`{name}` changed from {value!r} to {getattr(self, name)!r} since this stream started; "
                    "call `fit` to start a new stream with it (partial_fit continues the stream with the "
                    "parameters it began with)."
                )

    @property
    def coef_(self):
        """Current coefficients, shape (n_features,) (a copy)."""
        theta = self.__dict__.get("_theta")
        if theta is None:
            raise AttributeError("'OnlineRidge' object has no attribute 'coef_' (not fitted yet).")
        return theta[: self.n_features_in_, 0].copy()

    @property
    def intercept_(self):
        """Current intercept (0.0 when ``fit_intercept=False``)."""
        theta = self.__dict__.get("_theta")
        if theta is None:
            raise AttributeError("'OnlineRidge' object has no attribute 'intercept_' (not fitted yet).")
        return float(theta[-1, 0]) if self._fit_intercept else 0.0

    @property
    def prequential_predictions_(self):
        """Forecasts made before learning each row, over every row seen so far."""
        check_is_fitted(self, "n_samples_seen_")
        if len(self._chunks) != 1 or not isinstance(self._chunks[0], np.ndarray):
            parts = [np.atleast_1d(np.asarray(c, dtype=np.float64)) for c in self._chunks]
            self._chunks = [np.concatenate(parts) if parts else np.empty(0)]
        return self._chunks[0]

    def fit(self, X, y):
        """Reset, then learn the rows of ``X`` in order.

        {online_fit_parameters}

        Returns
        -------
        self : OnlineRidge
            The fitted model.
        """
        for attr in ("_theta", "n_features_in_", "feature_names_in_", "_keys", "n_samples_seen_"):
            self.__dict__.pop(attr, None)
        return self.partial_fit(X, y)

    def partial_fit(self, X, y):
        """Learn the rows of ``X`` in order (predict each, then update).

        {online_fit_parameters}

        Returns
        -------
        self : OnlineRidge
            The updated model.
        """
        first = "_theta" not in self.__dict__
        X = check_features(self, X, reset=first)
        y = check_target(y, X.shape[0])
        if first:
            self._reset(X.shape[1])
        else:
            self._stream_changed()
        Xa = _augment(X, self._fit_intercept)
        P, theta = self._P.copy(), self._theta.copy()
        preds = np.empty((X.shape[0], 1))
        _kernels.rls_run(P, theta, Xa, y.reshape(-1, 1), self._beta, np.empty(Xa.shape[1]), preds)
        check_state_finite((P, theta, preds), X, y)
        self._P, self._theta = P, theta
        self._chunks.append(preds[:, 0])
        self.n_samples_seen_ += X.shape[0]
        return self

    def predict(self, X):
        """Predict with the current coefficients.

        {X_parameters}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Forecasts.
        """
        check_is_fitted(self, "n_samples_seen_")
        X = check_features(self, X, reset=False)
        with np.errstate(over="ignore", invalid="ignore"):
            out = X @ self._theta[: X.shape[1], 0] + self.intercept_
        return check_forecasts(out, X)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        {X}
        {y_true_targets}
        {sample_weight}

        Returns
        -------
        score : float
            R^2 of the forecasts.
        """
        pred = self.predict(X)
        return r2(check_target(y, pred.shape[0]), pred, sample_weight)

    # ------------------------------------------------------------------ #
    # River-style single-row API
    # ------------------------------------------------------------------ #
    def _row(self, x):
        if isinstance(x, dict):
            keys = self.__dict__.get("_keys")
            if keys is None:
                names = self.__dict__.get("feature_names_in_")
                keys = list(names) if names is not None and "_theta" in self.__dict__ else list(x)
                self._keys = keys
            try:
                row = np.fromiter(map(x.__getitem__, keys), np.float64, len(keys))
            except KeyError as exc:
                raise ValueError(f"`x` is missing feature {exc.args[0]!r}; expected keys {keys}.") from None
            except (TypeError, ValueError):
                raise ValueError(f"`x` must map feature names to real numbers; got {x!r}.") from None
        else:
            try:
                row = np.asarray(x, dtype=np.float64).ravel()
            except (TypeError, ValueError):
                raise ValueError(f"`x` must be a row of real numbers; got {x!r}.") from None
        if not np.isfinite(row).all():
            raise ValueError(f"`x` must not contain NaN or inf; got {row.tolist()}.")
        return row

    def _augmented_row(self, x):
        row = self._row(x)
        n_features = self.n_features_in_
        if row.shape[0] != n_features:
            raise ValueError(f"`x` must have {n_features} features; got {row.shape[0]}.")
        if not self._fit_intercept:
            return row
        return np.append(row, 1.0)

    def learn_one(self, x, y):
        """Learn one row (River-style).

        Parameters
        ----------
        x : dict or array-like of shape (n_features,)
            One row; a dict is read by the column names of a DataFrame the model
            was fitted on, else in the key order of the first row seen.
        y : float
            Its target.

        Returns
        -------
        self : OnlineRidge
            The updated model.
        """
        try:
            y = float(y)
        except (TypeError, ValueError):
            raise ValueError(f"`y` must be a finite real number; got {y!r}.") from None
        if not math.isfinite(y):
            raise ValueError(f"`y` must be a finite real number; got {y!r}.")
        if "_theta" not in self.__dict__:
            self.__dict__.pop("_keys", None)
            row = self._row(x)
            self.n_features_in_ = row.shape[0]
            self._reset(row.shape[0])
        else:
            self._stream_changed()
        xa = self._augmented_row(x)
        if abs(y) > _HUGE or np.abs(xa).max() > _HUGE:
            raise ValueError(f"`x` or `y` is too large for the online update (|values| must be below "
                             f"{_HUGE:.0e}); got max |x| = {np.abs(xa).max():.3g}, |y| = {abs(y):.3g}.")
        theta = self._theta
        pred = float(xa @ theta[:, 0])
        _kernels.rls_update(self._P, theta, xa, np.array([y]), self._beta, np.empty(xa.shape[0]))
        if not (np.isfinite(theta).all() and np.isfinite(self._P).all()):
            raise ValueError("The online ridge state overflowed float64 (with `forgetting_factor` < 1, "
                             "directions the rows never excite grow without bound); call `fit` to restart.")
        self._chunks.append(pred)
        self.n_samples_seen_ += 1
        return self

    def predict_one(self, x):
        """Forecast one row (River-style); 0.0 before any row was learned.

        Parameters
        ----------
        x : dict or array-like of shape (n_features,)
            One row; NaN or inf raise.

        Returns
        -------
        y_pred : float
            The forecast.
        """
        if "_theta" not in self.__dict__:
            self._row(x)
            return 0.0
        out = float(self._augmented_row(x) @ self._theta[:, 0])
        if not math.isfinite(out):
            raise ValueError("`x` gives a non-finite forecast: its values are too large for the fitted model.")
        return out
