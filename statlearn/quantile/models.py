"""One multi-level quantile model out of any quantile estimator."""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from statlearn._validation import Interval, check_quantiles, check_sample_weight, validate_data, validate_params

__all__ = ["LinearQuantileRegressor", "MultiQuantileRegressor"]


def _median_index(quantiles):
    """Index of the level closest to 0.5 (the lower one on ties)."""
    return int(np.argmin(np.abs(np.asarray(quantiles) - 0.5)))


def _level_param(estimator):
    """Name of the constructor parameter that sets a single quantile level, or None."""
    try:
        params = estimator.get_params(deep=False)
    except Exception:  # pragma: no cover - not an estimator
        return None
    if "quantile" in params:
        loss = params.get("loss", "quantile")
        return "quantile" if loss in ("quantile", None) or "loss" not in params else None
    if "alpha" in params and params.get("loss") == "quantile":
        return "alpha"
    if params.get("objective") == "quantile":  # LightGBM: `alpha` is a keyword parameter
        return "alpha"
    return None


def _kind(estimator):
    """How an estimator yields several levels: 'multi', 'forest', 'single' or None."""
    if hasattr(estimator, "predict_quantiles"):
        return "multi"
    module = type(estimator).__module__ or ""
    if module.startswith("quantile_forest"):
        return "forest"
    if _level_param(estimator) is not None:
        return "single"
    return None


def _predict_levels(estimator, X, quantiles):
    """``(n_samples, n_quantiles)`` predictions of a fitted multi-level model at ``quantiles``."""
    Q = np.asarray(estimator.predict_quantiles(X), dtype=np.float64)
    have = getattr(estimator, "quantiles_", None)
    if have is None:
        if Q.shape[1] != len(quantiles):
            raise ValueError(
                f"`estimator` {type(estimator).__name__} predicts {Q.shape[1]} levels; "
                f"{len(quantiles)} were requested."
            )
        return Q
    have = np.asarray(have, dtype=np.float64)
    idx = np.searchsorted(have, quantiles)
    idx = np.clip(idx, 0, have.size - 1)
    if not np.allclose(have[idx], quantiles, rtol=0, atol=1e-12):
        raise ValueError(
            f"`estimator` {type(estimator).__name__} predicts the levels {have.tolist()}, which do not "
            f"include all of the requested `quantiles` {np.asarray(quantiles).tolist()}."
        )
    return Q[:, idx]


def _fit_one(estimator, X, y, sample_weight):
    if sample_weight is None:
        return estimator.fit(X, y)
    return estimator.fit(X, y, sample_weight=sample_weight)


class MultiQuantileRegressor(RegressorMixin, BaseEstimator):
    """Predict several quantile levels with any quantile estimator.

    Single-level quantile estimators (scikit-learn's ``QuantileRegressor``,
    ``HistGradientBoostingRegressor(loss="quantile")``,
    ``GradientBoostingRegressor(loss="quantile")``, LightGBM with
    ``objective="quantile"``) are cloned once per level with the level set
    through their own parameter (``quantile`` or ``alpha``). Native
    multi-quantile models (quantile-forest's forests, statlearn estimators
    with ``predict_quantiles``) are fitted once and asked for every level.

    Parameters
    ----------
    estimator : estimator, default=None
        The quantile model; ``None`` uses
        ``HistGradientBoostingRegressor(loss="quantile")``.
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Levels, strictly increasing in (0, 1).
    n_jobs : int, default=None
        Parallel fits of the per-level clones (joblib).

    Attributes
    ----------
    quantiles_ : ndarray of shape (n_quantiles,)
        The validated levels.
    estimators_ : list of estimators
        One fitted clone per level, or a single fitted native model.
    mode_ : {"single", "forest", "multi"}
        How the levels are produced.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    NonCrossingQuantileRegressor : Repairs crossing levels.
    QuantileAggregator : Combines several multi-level models.

    References
    ----------
    .. [1] R. Fakoor et al., "Flexible Model Aggregation for Quantile
       Regression", JMLR 24(162), 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import QuantileRegressor
    >>> from statlearn.quantile import MultiQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(200, 1)); y = 2 * X[:, 0] + rng.normal(size=200)
    >>> est = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.1, 0.5, 0.9]).fit(X, y)
    >>> est.predict_quantiles(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "n_jobs": [None, Interval("integral", None, None)],
    }

    def __init__(self, estimator=None, quantiles=(0.1, 0.5, 0.9), n_jobs=None):
        self.estimator = estimator
        self.quantiles = quantiles
        self.n_jobs = n_jobs

    def _base(self):
        if self.estimator is None:
            from sklearn.ensemble import HistGradientBoostingRegressor

            return HistGradientBoostingRegressor(loss="quantile")
        return self.estimator

    def fit(self, X, y, sample_weight=None):
        """Fit the model(s).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Training targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the base model's ``fit``.

        Returns
        -------
        self : MultiQuantileRegressor
            Fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        X, y = validate_data(self, X, y, y_numeric=True)
        q = check_quantiles(self.quantiles)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0])
        base = self._base()
        kind = _kind(base)
        if kind is None:
            raise TypeError(
                f"`estimator` must predict quantile levels: a single-level quantile model (with a "
                f"`quantile` parameter, or `alpha` with loss/objective='quantile'), a quantile-forest "
                f"model or a model with `predict_quantiles`; got {type(base).__name__}."
            )
        if kind == "single":
            pname = _level_param(base)
            ests = [clone(base).set_params(**{pname: float(t)}) for t in q]
            self.estimators_ = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_one)(e, X, y, sample_weight) for e in ests
            )
        else:
            est = clone(base)
            if kind == "multi" and "quantiles" in est.get_params(deep=False):
                est.set_params(quantiles=q)
            self.estimators_ = [_fit_one(est, X, y, sample_weight)]
        self.mode_ = kind
        self.quantiles_ = q
        return self

    def predict_quantiles(self, X):
        """Predict every level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles)
            Column ``k`` predicts level ``quantiles_[k]`` (rows may cross).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        if self.mode_ == "single":
            Q = np.column_stack([np.asarray(e.predict(X), dtype=np.float64).ravel() for e in self.estimators_])
        elif self.mode_ == "forest":
            Q = np.asarray(self.estimators_[0].predict(X, quantiles=list(self.quantiles_)), dtype=np.float64)
            Q = Q.reshape(X.shape[0], -1)
        else:
            Q = _predict_levels(self.estimators_[0], X, self.quantiles_)
        return np.ascontiguousarray(Q)

    def predict(self, X):
        """Predict the level closest to 0.5 (the median when it is fitted).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Point prediction.
        """
        Q = self.predict_quantiles(X)
        return Q[:, _median_index(self.quantiles_)].copy()


class LinearQuantileRegressor(RegressorMixin, BaseEstimator):
    """Linear quantile regression for several levels, solved exactly by HiGHS.

    For every level the unpenalised problem
    :math:`\\min_{b, \\beta} \\sum_i s_i \\psi_\\tau(y_i - b - x_i^\\top \\beta)`
    is solved through its dual linear program (``n_samples`` box-bounded
    variables and ``n_features + 1`` constraints), which is much smaller than
    the primal LP that scikit-learn's ``QuantileRegressor`` solves; the
    solution is the same (up to ties in the LP).

    Parameters
    ----------
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Levels, strictly increasing in (0, 1).
    fit_intercept : bool, default=True
        Whether to fit an intercept.

    Attributes
    ----------
    coef_ : ndarray of shape (n_quantiles, n_features)
        Slopes per level.
    intercept_ : ndarray of shape (n_quantiles,)
        Intercepts per level (zeros without ``fit_intercept``).
    quantiles_ : ndarray of shape (n_quantiles,)
        Levels.
    n_features_in_ : int
        Number of features seen in ``fit``.

    References
    ----------
    .. [1] R. Koenker, G. Bassett, "Regression quantiles", Econometrica 46(1), 1978.

    Examples
    --------
    >>> import numpy as np
    >>> from statlearn.quantile import LinearQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(200, 1)); y = 3 * X[:, 0] + rng.normal(size=200)
    >>> est = LinearQuantileRegressor(quantiles=[0.1, 0.5, 0.9]).fit(X, y)
    >>> est.coef_.shape, est.predict_quantiles(X[:4]).shape
    ((3, 1), (4, 3))
    """

    _parameter_constraints = {
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "fit_intercept": ["boolean"],
    }

    def __init__(self, quantiles=(0.1, 0.5, 0.9), fit_intercept=True):
        self.quantiles = quantiles
        self.fit_intercept = fit_intercept

    def fit(self, X, y, sample_weight=None):
        """Fit one linear model per level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Training targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights in the loss.

        Returns
        -------
        self : LinearQuantileRegressor
            Fitted estimator.
        """
        from ._lp import pinball_lp

        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        X, y = validate_data(self, X, y, y_numeric=True)
        q = check_quantiles(self.quantiles)
        s = check_sample_weight(sample_weight, X.shape[0])
        n, d = X.shape
        # centre and scale the columns for a well-conditioned LP; map back afterwards
        mu = X.mean(axis=0) if self.fit_intercept else np.zeros(d)
        sd = X.std(axis=0)
        sd[sd == 0] = 1.0
        A = (X - mu) / sd
        if self.fit_intercept:
            A = np.column_stack([A, np.ones(n)])
        coef = np.empty((q.size, d))
        intercept = np.zeros(q.size)
        for k, t in enumerate(q):
            w = pinball_lp(A, y, np.full(n, t), s, simplex=False)
            coef[k] = w[:d] / sd
            if self.fit_intercept:
                intercept[k] = w[d] - coef[k] @ mu
        self.coef_, self.intercept_, self.quantiles_ = coef, intercept, q
        return self

    def predict_quantiles(self, X):
        """Predict every level.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles)
            Linear predictions (rows may cross).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return np.ascontiguousarray(X @ self.coef_.T + self.intercept_)

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
