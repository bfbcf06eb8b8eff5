"""Online ridge regression by recursive least squares (Sherman-Morrison updates)."""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import metadata_routing
from sklearn.utils.validation import check_is_fitted

from statlearn._validation import Interval, validate_data, validate_params
from statlearn.online import _kernels

__all__ = ["OnlineRidge"]


def _augment(X, fit_intercept):
    if not fit_intercept:
        return np.ascontiguousarray(X, dtype=np.float64)
    out = np.empty((X.shape[0], X.shape[1] + 1), dtype=np.float64)
    out[:, :-1] = X
    out[:, -1] = 1.0
    return out


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

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Current coefficients.
    intercept_ : float
        Current intercept (0.0 when ``fit_intercept=False``).
    n_features_in_ : int
        Number of features seen in the first call of ``fit``/``partial_fit``.
    n_samples_seen_ : int
        Rows learned so far.
    prequential_predictions_ : ndarray of shape (n_samples_seen,)
        The forecast of each row made before that row was learned.

    See Also
    --------
    GroupwiseRegressor : one online ridge per group, combined by sleeping experts.

    Notes
    -----
    With ``P_t = (alpha I + sum_{s<=t} x_s x_s^T)^{-1}`` and ``u = P_{t-1} x_t``,
    the update is ``P_t = P_{t-1} - u u^T / (1 + x_t^T u)`` and
    ``theta_t = theta_{t-1} + u (y_t - theta_{t-1}^T x_t) / (1 + x_t^T u)``.

    References
    ----------
    .. [1] K. Acharya, E. Arunachaleswaran, S. Kannan, A. Roth, J. Ziani.
       "Oracle Efficient Algorithms for Groupwise Regret". ICLR 2024,
       arXiv:2310.04652.

    Examples
    --------
    >>> import numpy as np
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
    }

    def __init__(self, alpha=1.0, fit_intercept=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    # ------------------------------------------------------------------ #
    def _reset(self, n_features):
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        if not math.isfinite(self.alpha):
            raise ValueError(f"`alpha` must be a finite float > 0; got {self.alpha!r}.")
        self._fit_intercept = bool(self.fit_intercept)  # fitted state: set_params cannot shift predictions
        d = n_features + int(self._fit_intercept)
        self._P = np.eye(d) / float(self.alpha)
        self._theta = np.zeros(d)
        self._chunks = []
        self.n_samples_seen_ = 0

    @property
    def coef_(self):
        """Current coefficients, shape (n_features,)."""
        theta = self.__dict__.get("_theta")
        if theta is None:
            raise AttributeError("'OnlineRidge' object has no attribute 'coef_' (not fitted yet).")
        return theta[: self.n_features_in_]

    @property
    def intercept_(self):
        """Current intercept (0.0 when ``fit_intercept=False``)."""
        theta = self.__dict__.get("_theta")
        if theta is None:
            raise AttributeError("'OnlineRidge' object has no attribute 'intercept_' (not fitted yet).")
        return float(theta[-1]) if self._fit_intercept else 0.0

    @property
    def prequential_predictions_(self):
        """Forecasts made before learning each row, over every row seen so far."""
        check_is_fitted(self, "n_samples_seen_")
        if len(self._chunks) != 1 or not isinstance(self._chunks[0], np.ndarray):
            self._chunks = [np.hstack(self._chunks).astype(np.float64)] if self._chunks else [np.empty(0)]
        return self._chunks[0]

    def fit(self, X, y):
        """Reset, then learn the rows of ``X`` in order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Targets.

        Returns
        -------
        self : OnlineRidge
            The fitted model.
        """
        for attr in ("_theta", "n_features_in_", "_keys"):
            self.__dict__.pop(attr, None)
        return self.partial_fit(X, y)

    def partial_fit(self, X, y):
        """Learn the rows of ``X`` in order (predict each, then update).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Targets.

        Returns
        -------
        self : OnlineRidge
            The updated model.
        """
        first = "_theta" not in self.__dict__
        X, y = validate_data(self, X, y, reset=first, y_numeric=True, dtype=np.float64)
        if first:
            self._reset(X.shape[1])
        Xa = _augment(X, self._fit_intercept)
        preds = np.empty(X.shape[0])
        _kernels.rls_run(self._P, self._theta, Xa, np.ascontiguousarray(y, dtype=np.float64), preds)
        self._chunks.append(preds)
        self.n_samples_seen_ += X.shape[0]
        return self

    def predict(self, X):
        """Predict with the current coefficients.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Forecasts.
        """
        check_is_fitted(self, "n_samples_seen_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R^2 of the forecasts.
        """
        return float(r2_score(y, self.predict(X), sample_weight=sample_weight))

    # ------------------------------------------------------------------ #
    # River-style single-row API
    # ------------------------------------------------------------------ #
    def _row(self, x):
        if isinstance(x, dict):
            keys = self.__dict__.get("_keys")
            if keys is None:
                names = self.__dict__.get("feature_names_in_")
                if names is not None and "_theta" in self.__dict__:
                    keys = list(names)  # fitted on a DataFrame: read dicts by its column names
                else:
                    keys = list(x)
                self._keys = keys
            try:
                return np.fromiter(map(x.__getitem__, keys), np.float64, len(keys))
            except KeyError as exc:
                raise ValueError(f"`x` is missing feature {exc.args[0]!r}; expected keys {keys}.") from None
        return np.asarray(x, dtype=np.float64).ravel()

    def learn_one(self, x, y):
        """Learn one row (River-style).

        Parameters
        ----------
        x : dict or array-like of shape (n_features,)
            One row; a dict is read by the column names of a DataFrame the model
            was fitted on, else in the key order of the first row seen.
            A 1-D float64 array is the fastest input.
        y : float
            Its target.

        Returns
        -------
        self : OnlineRidge
            The updated model.
        """
        state = self.__dict__
        keys = state.get("_keys")
        if keys is not None and type(x) is dict and "_theta" in state:  # fast path
            try:
                row = np.fromiter(map(x.__getitem__, keys), np.float64, len(keys))
            except KeyError as exc:
                raise ValueError(f"`x` is missing feature {exc.args[0]!r}; expected keys {keys}.") from None
        elif type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == 1 and "_theta" in state:
            row = x
        else:
            if "_theta" not in state:
                state.pop("_keys", None)
                row = self._row(x)
                self.n_features_in_ = row.shape[0]
                self._reset(row.shape[0])
            else:
                row = self._row(x)
        theta = self._theta
        n_features = self.n_features_in_
        if row.shape[0] != n_features:
            raise ValueError(f"`x` must have {n_features} features; got {row.shape[0]}.")
        try:
            y = float(y)
        except (TypeError, ValueError):
            raise ValueError(f"`y` must be a finite real number; got {y!r}.") from None
        pred = _kernels.rls_learn_one(self._P, theta, row, y, self._fit_intercept)
        if pred != pred:
            if not math.isfinite(y):
                raise ValueError(f"`y` must be a finite real number; got {y!r}.")
            raise ValueError(f"`x` must not contain NaN or inf; got {row.tolist()}.")
        self._chunks.append(pred)
        self.n_samples_seen_ += 1
        return self

    def predict_one(self, x):
        """Forecast one row (River-style); 0.0 before any row was learned.

        Parameters
        ----------
        x : dict or array-like of shape (n_features,)
            One row.

        Returns
        -------
        y_pred : float
            The forecast.
        """
        row = self._row(x)
        theta = self.__dict__.get("_theta")
        if theta is None:
            return 0.0
        n_features = self.n_features_in_
        if row.shape[0] != n_features:
            raise ValueError(f"`x` must have {n_features} features; got {row.shape[0]}.")
        out = float(row @ theta[:n_features])
        return out + float(theta[-1]) if self._fit_intercept else out
