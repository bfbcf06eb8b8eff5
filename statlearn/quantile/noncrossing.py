"""Non-crossing repair of quantile predictions: sort, isotonic (PAVA), min-max sweep."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from statlearn._docstrings import fill_doc
from statlearn._validation import (
    Options,
    check_finite_array,
    check_quantile_matrix,
    check_quantiles,
    check_sample_weight,
    validate_params,
)

from . import _kernels
from ._unwrap import fitted_quantiles
from .models import (
    MultiQuantileRegressor,
    _kind,
    _median_index,
    _MedianMixin,
    _predict_levels,
    _set_levels,
    _validate_X,
    _WrapsMultiQuantile,
)

__all__ = [
    "NonCrossingQuantileRegressor",
    "isotonic_quantiles",
    "minmax_quantiles",
    "repair_quantiles",
    "sort_quantiles",
]


def _check_2d(y_quantiles, n_quantiles=None):
    """``check_quantile_matrix`` that refuses a 1-D array (one row or one level? ambiguous)."""
    if getattr(y_quantiles, "ndim", None) == 1 or (isinstance(y_quantiles, list | tuple) and len(y_quantiles)
                                                    and np.ndim(y_quantiles[0]) == 0):
        raise ValueError(f"`y_quantiles` must be 2-D (n_samples, n_quantiles); got a 1-D array of length "
                         f"{len(y_quantiles)} (use Q[None, :] for one row, Q[:, None] for one level).")
    return check_quantile_matrix(y_quantiles, n_quantiles=n_quantiles)


@fill_doc
def sort_quantiles(y_quantiles):
    """Sort every row of a quantile matrix (the rearrangement of Chernozhukov et al.).

    {y_quantiles_parameters}

    Returns
    -------
    y_sorted : ndarray of shape (n_samples, n_quantiles)
        Each row sorted ascending. The pinball sum of every row never increases
        (Fakoor et al., Proposition 2).

    See Also
    --------
    isotonic_quantiles : L2 projection onto monotone rows.
    minmax_quantiles : Sweep from the median that only widens intervals.

    References
    ----------
    .. [1] V. Chernozhukov, I. Fernandez-Val, A. Galichon, "Quantile and
       probability curves without crossing", Econometrica 78(3), 2010.

    Examples
    --------
    >>> from statlearn.quantile import sort_quantiles
    >>> sort_quantiles([[1.0, 0.0, 2.0]])
    array([[0., 1., 2.]])
    """
    return np.sort(_check_2d(y_quantiles), axis=1)


def isotonic_quantiles(y_quantiles, sample_weight=None):
    """Row-wise weighted isotonic regression (pool adjacent violators).

    Every row is replaced by its weighted least-squares projection onto
    non-decreasing sequences, as scikit-learn's
    :func:`sklearn.isotonic.isotonic_regression` would return for that row,
    but for all rows at once in compiled code.

    Parameters
    ----------
    y_quantiles : array-like of shape (n_samples, n_quantiles)
        Quantile predictions in increasing level order.
    sample_weight : array-like of shape (n_quantiles,) or (n_samples, n_quantiles), default=None
        Positive weights of the levels (shared by all rows) or of every entry.

    Returns
    -------
    y_iso : ndarray of shape (n_samples, n_quantiles)
        Non-decreasing rows.

    References
    ----------
    .. [1] R. Fakoor et al., "Flexible Model Aggregation for Quantile
       Regression", JMLR 24(162), 2023, Proposition 2.

    Examples
    --------
    >>> from statlearn.quantile import isotonic_quantiles
    >>> isotonic_quantiles([[0.0, 2.0, 1.0]])
    array([[0. , 1.5, 1.5]])
    """
    if (sample_weight is None and isinstance(y_quantiles, np.ndarray) and y_quantiles.dtype == np.float64
            and y_quantiles.ndim == 2 and y_quantiles.flags.c_contiguous and y_quantiles.shape[0] > 0):
        # fast path: finiteness is checked inside the kernel
        out, finite, _ = _kernels.isotonic_rows(y_quantiles, np.ones((1, y_quantiles.shape[1])))
        if finite:
            return out
    Q = _check_2d(y_quantiles)
    if sample_weight is None:
        W = np.ones((1, Q.shape[1]))
    else:
        W = check_finite_array(sample_weight, name="sample_weight", ndim=(1, 2))
        if W.ndim == 1:
            W = W[None, :]
        if W.shape[1] != Q.shape[1] or W.shape[0] not in (1, Q.shape[0]):
            raise ValueError(
                f"`sample_weight` must have shape ({Q.shape[1]},) or {Q.shape}; got {np.shape(sample_weight)}."
            )
        if (W <= 0).any():
            raise ValueError("`sample_weight` must be strictly positive for isotonic repair; found values <= 0.")
        W = np.ascontiguousarray(W)
    out, finite, _ = _kernels.isotonic_rows(Q, W)
    if not finite:
        # finite input whose pooled sums overflowed (values near 1e308): the projection is
        # scale-equivariant and a power-of-two scale is exact, so solve on scaled rows
        scale = 2.0 ** -int(np.ceil(np.log2(np.abs(Q).max()) + np.log2(W.sum(axis=1).max()) + 1))
        out = _kernels.isotonic_rows(Q * scale, W)[0] / scale
    return out


@fill_doc
def minmax_quantiles(y_quantiles, quantiles):
    """Min-max sweep outward from the median level.

    Below the level closest to 0.5, ``q[k] <- min(q[k], q[k+1])`` going down;
    above it, ``q[k] <- max(q[k], q[k-1])`` going up. Lower levels only move
    down and upper levels only up, so every symmetric interval only widens and
    keeps any coverage it had.

    {y_quantiles_parameters}
    quantiles : array-like of shape (n_quantiles,)
        The levels; the sweep starts at the one closest to 0.5.

    Returns
    -------
    y_swept : ndarray of shape (n_samples, n_quantiles)
        Non-decreasing rows.

    Examples
    --------
    >>> from statlearn.quantile import minmax_quantiles
    >>> minmax_quantiles([[1.0, 0.0, -1.0]], [0.1, 0.5, 0.9])
    array([[0., 0., 0.]])
    """
    q = check_quantiles(quantiles)
    Q = _check_2d(y_quantiles, n_quantiles=q.size)
    return _kernels.minmax_rows(Q, _median_index(q))


@fill_doc
def repair_quantiles(y_quantiles, quantiles, method="sort"):
    """Apply one non-crossing repair by name.

    {y_quantiles_parameters}
    quantiles : array-like of shape (n_quantiles,)
        The levels.
    method : {"sort", "isotonic", "minmax"} or None, default="sort"
        The repair; ``None`` returns the input unchanged (validated).

    Returns
    -------
    y_repaired : ndarray of shape (n_samples, n_quantiles)
        The repaired rows.

    Examples
    --------
    >>> from statlearn.quantile import repair_quantiles
    >>> repair_quantiles([[1.0, 0.0]], [0.25, 0.75], method="isotonic")
    array([[0.5, 0.5]])
    """
    q = check_quantiles(quantiles)
    if method is None:
        return _check_2d(y_quantiles, n_quantiles=q.size)
    if method == "sort":
        return sort_quantiles(_check_2d(y_quantiles, n_quantiles=q.size))
    if method == "isotonic":
        return isotonic_quantiles(_check_2d(y_quantiles, n_quantiles=q.size))
    if method == "minmax":
        return minmax_quantiles(y_quantiles, q)
    raise ValueError(f"`method` must be one of 'sort', 'isotonic', 'minmax' or None; got {method!r}.")


@fill_doc
class NonCrossingQuantileRegressor(_WrapsMultiQuantile, _MedianMixin, RegressorMixin, BaseEstimator):
    """Wrap a multi-level quantile model so that its predicted levels never cross.

    Parameters
    ----------
    estimator : estimator, default=None
        A multi-level quantile model (with ``predict_quantiles``, or a
        quantile-forest model), or a single-level quantile model which is then
        wrapped in :class:`MultiQuantileRegressor` with ``quantiles``.
        ``None`` uses ``MultiQuantileRegressor()`` (gradient boosting per level).
    method : {"sort", "isotonic", "minmax"}, default="sort"
        The repair applied to every predicted row.
    quantiles : array-like of shape (n_quantiles,), default=None
        Levels for a single-level or quantile-forest ``estimator`` (default
        ``(0.1, 0.5, 0.9)``); ignored when ``estimator`` has ``predict_quantiles``
        with its own levels.

    Attributes
    ----------
    estimator_ : estimator
        The fitted multi-level model.
    quantiles_ : ndarray of shape (n_quantiles,)
        The levels.
    method_ : str
        The repair used in ``fit``.
    n_features_in_ : int
        Number of features seen in ``fit``.

    {ref_fakoor}

    Examples
    --------
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> from statlearn.quantile import NonCrossingQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2)); y = X[:, 0] + rng.normal(size=300)
    >>> hgb = HistGradientBoostingRegressor(loss="quantile", max_iter=20)
    >>> est = NonCrossingQuantileRegressor(hgb, quantiles=[0.1, 0.3, 0.5, 0.7, 0.9]).fit(X, y)
    >>> bool(np.all(np.diff(est.predict_quantiles(X), axis=1) >= 0))
    True
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "method": [Options("sort", "isotonic", "minmax")],
        "quantiles": [None, "array-like"],
    }

    def __init__(self, estimator=None, method="sort", quantiles=None):
        self.estimator = estimator
        self.method = method
        self.quantiles = quantiles

    def fit(self, X, y, sample_weight=None):
        """Fit the wrapped model.

        {quantile_fit_parameters}
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the wrapped model's ``fit``.

        Returns
        -------
        self : NonCrossingQuantileRegressor
            Fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        est = _as_multi(self.estimator, self.quantiles)
        X, y = _validate_X(self, X, [est], reset=True, y=y)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0])
            est.fit(X, y, sample_weight=sample_weight)
        else:
            est.fit(X, y)
        self.estimator_ = est
        self.quantiles_ = fitted_quantiles(est)
        self.method_ = self.method  # prediction reads this, not the constructor parameter
        return self

    def predict_quantiles(self, X):
        """Predict every level, repaired.

        {quantile_predict_parameters}

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles)
            Non-decreasing rows.
        """
        check_is_fitted(self)
        X = _validate_X(self, X, [self.estimator_], reset=False)
        Q = _predict_levels(self.estimator_, X, self.quantiles_)
        return repair_quantiles(Q, self.quantiles_, self.method_)



def _as_multi(estimator, quantiles, default_quantiles=(0.1, 0.5, 0.9)):
    """A fresh (unfitted) multi-level model with ``quantiles_`` after fitting."""
    if estimator is None:
        return MultiQuantileRegressor(quantiles=default_quantiles if quantiles is None else quantiles)
    kind = _kind(estimator)
    if kind == "multi":
        est = clone(estimator)
        return est if quantiles is None else _set_levels(est, quantiles)
    if kind in ("single", "forest"):
        return MultiQuantileRegressor(estimator, quantiles=default_quantiles if quantiles is None else quantiles)
    raise TypeError(
        f"`estimator` must predict quantile levels (single-level quantile model, quantile-forest model "
        f"or a model with `predict_quantiles`); got {type(estimator).__name__}."
    )
