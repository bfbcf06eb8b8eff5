"""Scores for quantile forecasts: pinball loss, interval score, WIS, coverage, width.

All functions take quantile predictions as a matrix of shape
``(n_samples, n_quantiles)`` whose columns follow ``quantiles``. Rows need not
be sorted: every score is defined column by column, so crossing quantiles stay
scorable.

Infinite bounds are accepted (NaN is not): conformal calibration with too small a
calibration set returns ``-inf`` / ``+inf`` levels by construction. Coverage
counts them (``y <= +inf`` always holds); widths, the interval score, the pinball
loss and the WIS of a level or pair with an infinite value are ``inf``
(explicitly: the score of an infinite quantile is infinite).

The scorers reach the quantile model at the end of a scikit-learn ``Pipeline``,
so ``GridSearchCV(make_pipeline(preprocessor, model), scoring=weighted_interval_scorer)``
works with the user's own pipeline.
"""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import (
    check_confidence_level,
    check_consistent_length,
    check_finite_array,
    check_quantile_matrix,
    check_quantiles,
    check_sample_weight,
)

from . import _kernels
from ._unwrap import fitted_quantiles, predict_quantiles_of

__all__ = [
    "coverage",
    "crossing_rate",
    "interval_score",
    "interval_width",
    "pinball_loss",
    "pinball_scorer",
    "quantile_calibration_error",
    "weighted_interval_score",
    "weighted_interval_scorer",
]


def _fast_inputs(y_true, y_quantiles, quantiles, sample_weight):
    """Cheap path for float64 C-contiguous inputs: shapes only; finiteness is checked
    after the kernel (a non-finite input gives a non-finite score)."""
    if sample_weight is None and isinstance(y_true, np.ndarray) and isinstance(y_quantiles, np.ndarray):
        if (y_true.dtype == np.float64 and y_quantiles.dtype == np.float64 and y_true.ndim == 1
                and y_quantiles.ndim == 2 and y_quantiles.flags.c_contiguous and y_true.flags.c_contiguous
                and y_quantiles.shape[0] == y_true.shape[0] > 0):
            q = check_quantiles(quantiles)
            if q.size == y_quantiles.shape[1]:
                return y_true, y_quantiles, q, np.ones(y_true.shape[0])
    return None


def _check_bounds(y_quantiles, *, name="y_quantiles", n_quantiles=None, ndim=2):
    """Like ``check_quantile_matrix`` (or a 1-D bound with ``ndim=1``), but +/-inf is accepted:
    conformal calibration with a small calibration set returns infinite bounds by construction."""
    arr = y_quantiles
    if not isinstance(arr, np.ndarray) or arr.dtype != np.float64:
        try:
            arr = np.asarray(y_quantiles, dtype=np.float64)
        except (TypeError, ValueError):
            arr = None
    if ndim == 2 and arr is not None and arr.ndim != 2:
        raise ValueError(f"`{name}` must be 2-D (n_samples, n_quantiles); got shape {arr.shape}"
                         + (" (use y[:, None] for a single level)." if arr.ndim == 1 else "."))
    inf = None if arr is None else np.isinf(arr)
    if inf is None or not inf.any():
        if ndim == 1:
            return check_finite_array(y_quantiles, name=name, ndim=1)
        return check_quantile_matrix(y_quantiles, name=name, n_quantiles=n_quantiles)
    finite_part = np.where(inf, 0.0, arr)
    if ndim == 1:
        Q = check_finite_array(finite_part, name=name, ndim=1)
    else:
        Q = check_quantile_matrix(finite_part, name=name, n_quantiles=n_quantiles)
    Q[inf.reshape(Q.shape)] = arr[inf]
    return Q


def _check_inputs(y_true, y_quantiles, quantiles, sample_weight=None):
    y = check_finite_array(y_true, name="y_true", ndim=1)
    q = check_quantiles(quantiles)
    Q = _check_bounds(y_quantiles, n_quantiles=q.size)
    check_consistent_length(y_true=y, y_quantiles=Q)
    w = check_sample_weight(sample_weight, y.shape[0])
    return y, Q, q, w


def _pinball_per_level(y, Q, q, w):
    """Kernel pinball loss per level; a level with an infinite prediction (and positive weight)
    scores +inf (psi of an infinite quantile is infinite for every level in (0, 1))."""
    per_level = _kernels.pinball_per_level(y, Q, q, w)
    if not np.isfinite(per_level).all():
        bad = (np.isinf(Q) & (w[:, None] > 0)).any(axis=0)
        per_level[bad] = np.inf
    return per_level


@fill_doc
def pinball_loss(y_true, y_quantiles, quantiles, *, sample_weight=None, multioutput="uniform_average"):
    """Mean pinball (quantile) loss of a matrix of quantile predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_quantiles : array-like of shape (n_samples, n_quantiles)
        Predicted quantiles; column ``k`` predicts level ``quantiles[k]``.
    quantiles : array-like of shape (n_quantiles,)
        Quantile levels, strictly increasing in (0, 1).
    {sample_weight_rows}
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average over the levels, or return one loss per level.

    Returns
    -------
    loss : float or ndarray of shape (n_quantiles,)
        Weighted mean over rows of
        :math:`\\psi_\\tau(r) = \\max(\\tau r, (\\tau - 1) r)`, ``r = y - q``.

    See Also
    --------
    weighted_interval_score : Twice the mean pinball loss.

    {ref_fakoor}

    Examples
    --------
    >>> from statlearn.quantile import pinball_loss
    >>> round(pinball_loss([1.0, 2.0], [[0.0, 1.0], [1.0, 3.0]], [0.1, 0.9]), 10)
    0.075
    """
    if multioutput not in ("uniform_average", "raw_values"):
        raise ValueError(
            f"`multioutput` must be 'uniform_average' or 'raw_values'; got {multioutput!r}."
        )
    fast = _fast_inputs(y_true, y_quantiles, quantiles, sample_weight)
    y, Q, q, w = fast if fast is not None else _check_inputs(y_true, y_quantiles, quantiles, sample_weight)
    per_level = _kernels.pinball_per_level(y, Q, q, w)
    if not np.isfinite(per_level).all():
        if fast is not None:
            _check_inputs(y_true, y_quantiles, quantiles, sample_weight)  # raises on NaN / bad y
        per_level = _pinball_per_level(y, Q, q, w)
    if multioutput == "raw_values":
        return per_level
    return float(per_level.mean())


@fill_doc
def weighted_interval_score(y_true, y_quantiles, quantiles, *, sample_weight=None, normalize=True):
    """Weighted interval score (WIS) of quantile predictions.

    Computed in its pinball form, so rows with crossing quantiles are scored
    as they are (no sorting).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_quantiles : array-like of shape (n_samples, n_quantiles)
        Predicted quantiles (rows may be unsorted).
    quantiles : array-like of shape (n_quantiles,)
        Quantile levels, strictly increasing in (0, 1).
    {sample_weight_rows}
    normalize : bool, default=True
        ``True``: the Bracher et al. normalisation,
        ``2 * mean_k pinball_k``; ``False``: the paper's unnormalised sum,
        ``2 * sum_k pinball_k``.

    Returns
    -------
    wis : float
        Weighted mean over rows.

    Notes
    -----
    With ``K`` symmetric intervals and a median (``2K + 1`` levels
    :math:`\\alpha_k/2, 1 - \\alpha_k/2` and 0.5), the Bracher et al. score

    .. math::

        \\mathrm{WIS} = \\frac{1}{K + 1/2}\\Big(\\tfrac12 |y - m| +
        \\sum_k \\tfrac{\\alpha_k}{2} \\mathrm{IS}_{\\alpha_k}(l_k, u_k; y)\\Big)

    equals ``2 * mean_tau pinball_tau``, because
    :math:`\\tfrac{\\alpha}{2}\\mathrm{IS}_\\alpha = \\psi_{\\alpha/2}(y - l) +
    \\psi_{1-\\alpha/2}(y - u)` and :math:`\\tfrac12|y - m| = \\psi_{1/2}(y - m)`.
    For any other level set this function returns ``2 * mean pinball``.

    References
    ----------
    .. [1] J. Bracher, E. L. Ray, T. Gneiting, N. G. Reich, "Evaluating
       epidemic forecasts in an interval format", PLoS Comput. Biol., 2021.
    .. [2] R. Fakoor et al., "Flexible Model Aggregation for Quantile
       Regression", JMLR 24(162), 2023.

    Examples
    --------
    >>> from statlearn.quantile import weighted_interval_score
    >>> weighted_interval_score([1.0], [[0.0, 1.0, 3.0]], [0.25, 0.5, 0.75])
    0.5
    """
    if not isinstance(normalize, bool | np.bool_):
        raise TypeError(f"`normalize` must be a bool; got {normalize!r}.")
    fast = _fast_inputs(y_true, y_quantiles, quantiles, sample_weight)
    y, Q, q, w = fast if fast is not None else _check_inputs(y_true, y_quantiles, quantiles, sample_weight)
    value = float(_kernels.wis_mean(y, Q, q, w))
    if not np.isfinite(value):
        if fast is not None:
            _check_inputs(y_true, y_quantiles, quantiles, sample_weight)  # raises on NaN / bad y
        value = 2.0 * float(_pinball_per_level(y, Q, q, w).mean())
    return value if normalize else value * q.size


@fill_doc
def interval_score(y_true, lower, upper, confidence_level, *, sample_weight=None):
    """Mean interval (Winkler) score of central prediction intervals.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    lower, upper : array-like of shape (n_samples,)
        Interval bounds.
    confidence_level : float
        Nominal coverage ``1 - alpha`` of the interval, in (0, 1).
    {sample_weight_rows}

    Returns
    -------
    score : float
        Weighted mean of :math:`(u - l) + \\frac{2}{\\alpha}(l - y)1\\{y < l\\}
        + \\frac{2}{\\alpha}(y - u)1\\{y > u\\}`.

    References
    ----------
    .. [1] T. Gneiting, A. E. Raftery, "Strictly proper scoring rules,
       prediction, and estimation", JASA 102(477), 2007.

    Examples
    --------
    >>> from statlearn.quantile import interval_score
    >>> round(interval_score([0.0, 5.0], [-1.0, -1.0], [1.0, 1.0], 0.8), 10)
    22.0
    """
    y = check_finite_array(y_true, name="y_true", ndim=1)
    lo = _check_bounds(lower, name="lower", ndim=1)
    hi = _check_bounds(upper, name="upper", ndim=1)
    check_consistent_length(y_true=y, lower=lo, upper=hi)
    c = check_confidence_level(confidence_level)
    if not np.isscalar(c):
        raise TypeError(f"`confidence_level` must be a single float; got {confidence_level!r}.")
    w = check_sample_weight(sample_weight, y.shape[0])
    alpha = 1.0 - c
    with np.errstate(invalid="ignore"):
        s = (hi - lo) + (2.0 / alpha) * np.maximum(lo - y, 0.0) + (2.0 / alpha) * np.maximum(y - hi, 0.0)
    s[np.isinf(lo) | np.isinf(hi)] = np.inf  # an infinite bound: infinite width (inf - inf would be NaN)
    if np.isinf(s[w > 0]).any():
        return float("inf")
    return float(np.average(s, weights=w))


def _pairs(K):
    return [(k, K - 1 - k) for k in range(K // 2)]


@fill_doc
def coverage(y_true, y_quantiles, *, per="level", sample_weight=None, groups=None):
    """Empirical coverage per quantile level or per symmetric pair of levels.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_quantiles : array-like of shape (n_samples, n_quantiles)
        Predicted quantiles in increasing level order. An interval
        ``(n_samples, 2)`` from ``predict_interval`` is one pair.
    per : {"level", "pair"}, default="level"
        ``"level"``: the fraction with ``y <= q_k`` for every column (compare
        with ``quantiles``). ``"pair"``: the fraction with
        ``q_k <= y <= q_{K-1-k}`` for ``k < K // 2`` (outermost pair first;
        nominal coverage ``quantiles[K-1-k] - quantiles[k]``).
    {sample_weight_rows}
    groups : array-like or DataFrame of shape (n_samples, n_groups), default=None
        Group memberships (a boolean array or a DataFrame; categorical columns
        expand to one indicator per level). Coverage is then reported per group.

    Returns
    -------
    coverage : ndarray of shape (n_quantiles,) or (n_quantiles // 2,), or DataFrame
        Empirical coverage of every level or every pair. With ``groups``: a
        DataFrame with one row per group (index: group names), one column per
        level or pair (``0, 1, ...`` as in the array form) and ``n_samples``
        (rows of the group; a group with none has NaN coverage).

    Examples
    --------
    >>> from statlearn.quantile import coverage
    >>> coverage([0.0, 2.0], [[-1.0, 0.5, 1.0], [-1.0, 0.5, 1.0]], per="pair")
    array([0.5])
    >>> coverage([0.0, 2.0], [[-1.0, 1.0], [-1.0, 1.0]], per="pair", groups=[True, False]).loc["group_0", 0]
    np.float64(1.0)
    """
    y = check_finite_array(y_true, name="y_true", ndim=1)
    Q = _check_bounds(y_quantiles)
    check_consistent_length(y_true=y, y_quantiles=Q)
    w = check_sample_weight(sample_weight, y.shape[0])
    if per == "level":
        hits = y[:, None] <= Q
    elif per == "pair":
        pairs = _pairs(Q.shape[1])
        if not pairs:
            raise ValueError(f"`y_quantiles` needs at least two columns for per='pair'; got shape {Q.shape}.")
        hits = np.column_stack([(Q[:, a] <= y) & (y <= Q[:, b]) for a, b in pairs])
    else:
        raise ValueError(f"`per` must be 'level' or 'pair'; got {per!r}.")
    if groups is None:
        return np.average(hits, axis=0, weights=w)
    import pandas as pd

    from statlearn._validation import check_groups

    G, names = check_groups(groups, y.shape[0], allow_empty=True)
    wh = w[:, None] * hits
    tot = G.T.astype(np.float64) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (G.T.astype(np.float64) @ wh) / tot[:, None]
    out = pd.DataFrame(cov, index=pd.Index(names, name="group"), columns=list(range(hits.shape[1])))
    out["n_samples"] = G.sum(axis=0).astype(np.int64)
    return out


@fill_doc
def interval_width(y_quantiles, *, sample_weight=None):
    """Mean width of every symmetric pair of quantile predictions.

    Parameters
    ----------
    y_quantiles : array-like of shape (n_samples, n_quantiles)
        Predicted quantiles in increasing level order, or an interval
        ``(n_samples, 2)``.
    {sample_weight_rows}

    Returns
    -------
    width : ndarray of shape (n_quantiles // 2,)
        Mean of ``q_{K-1-k} - q_k`` for ``k < K // 2`` (outermost pair first).

    Examples
    --------
    >>> from statlearn.quantile import interval_width
    >>> interval_width([[0.0, 2.0], [1.0, 2.0]])
    array([1.5])
    """
    Q = _check_bounds(y_quantiles)
    w = check_sample_weight(sample_weight, Q.shape[0])
    pairs = _pairs(Q.shape[1])
    if not pairs:
        raise ValueError(f"`y_quantiles` needs at least two columns; got shape {Q.shape}.")
    out = np.empty(len(pairs))
    for j, (a, b) in enumerate(pairs):
        inf = (np.isinf(Q[:, a]) | np.isinf(Q[:, b])) & (w > 0)
        out[j] = np.inf if inf.any() else np.average(Q[:, b] - Q[:, a], weights=w)
    return out


@fill_doc
def quantile_calibration_error(y_true, y_quantiles, quantiles, *, sample_weight=None):
    """Mean absolute calibration error over levels (MACE).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_quantiles : array-like of shape (n_samples, n_quantiles)
        Predicted quantiles.
    quantiles : array-like of shape (n_quantiles,)
        Quantile levels.
    {sample_weight_rows}

    Returns
    -------
    error : float
        :math:`\\frac{1}{K}\\sum_k |\\hat P(y \\le q_k) - \\tau_k|`.

    Examples
    --------
    >>> from statlearn.quantile import quantile_calibration_error
    >>> quantile_calibration_error([0.0, 1.0], [[0.5], [0.5]], [0.5])
    0.0
    """
    y, Q, q, w = _check_inputs(y_true, y_quantiles, quantiles, sample_weight)
    cov = np.average(y[:, None] <= Q, axis=0, weights=w)
    return float(np.mean(np.abs(cov - q)))


@fill_doc
def crossing_rate(y_quantiles):
    """Fraction of rows whose quantile predictions cross (decrease somewhere).

    {y_quantiles_parameters}

    Returns
    -------
    rate : float
        Share of rows with ``q_{k+1} < q_k`` for some ``k``.

    Examples
    --------
    >>> from statlearn.quantile import crossing_rate
    >>> crossing_rate([[0.0, 1.0], [1.0, 0.0]])
    0.5
    """
    Q = _check_bounds(y_quantiles)
    return float(_kernels.crossing_rows(Q).mean())


def _quantiles_of(estimator):
    q = fitted_quantiles(estimator)
    if q is None:
        raise TypeError(
            f"`estimator` must be a fitted statlearn quantile estimator with `quantiles_` and "
            f"`predict_quantiles` (or a Pipeline ending in one); got {type(estimator).__name__}."
        )
    return q


def _scorer_inputs(estimator, X, y):
    """Levels, checked ``y`` and the predictions, with errors naming the scorer's own arguments."""
    q = _quantiles_of(estimator)
    y = check_finite_array(y, name="y", ndim=1)
    Q = predict_quantiles_of(estimator, X)
    if Q.shape[0] != y.shape[0]:
        raise ValueError(f"`X` and `y` must have the same number of rows; got {Q.shape[0]} and {y.shape[0]}.")
    return q, y, Q


@fill_doc
def pinball_scorer(estimator, X, y, sample_weight=None):
    """Scikit-learn scorer: minus the mean pinball loss of ``predict_quantiles``.

    Use as ``scoring=pinball_scorer`` in ``GridSearchCV`` or
    ``cross_val_score`` with any statlearn quantile estimator (greater is better).

    {quantile_scorer_parameters}

    Returns
    -------
    score : float
        ``-pinball_loss(y, estimator.predict_quantiles(X), estimator.quantiles_)``.

    Examples
    --------
    >>> from sklearn.linear_model import QuantileRegressor
    >>> from statlearn.quantile import MultiQuantileRegressor, pinball_scorer
    >>> X = np.arange(20.0)[:, None]; y = X[:, 0] + np.sin(X[:, 0])
    >>> est = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.25, 0.75]).fit(X, y)
    >>> pinball_scorer(est, X, y) < 0
    True
    """
    q, y, Q = _scorer_inputs(estimator, X, y)
    return -pinball_loss(y, Q, q, sample_weight=sample_weight)


@fill_doc
def weighted_interval_scorer(estimator, X, y, sample_weight=None):
    """Scikit-learn scorer: minus the WIS of ``predict_quantiles`` (greater is better).

    {quantile_scorer_parameters}

    Returns
    -------
    score : float
        ``-weighted_interval_score(y, estimator.predict_quantiles(X), estimator.quantiles_)``.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from statlearn.quantile import LinearQuantileRegressor, weighted_interval_scorer
    >>> X = np.arange(30.0)[:, None]; y = X[:, 0] + np.sin(X[:, 0])
    >>> est = LinearQuantileRegressor(quantiles=[0.25, 0.5, 0.75])
    >>> scores = cross_val_score(est, X, y, scoring=weighted_interval_scorer, cv=3)
    >>> bool((scores < 0).all())
    True
    """
    q, y, Q = _scorer_inputs(estimator, X, y)
    return -weighted_interval_score(y, Q, q, sample_weight=sample_weight)
