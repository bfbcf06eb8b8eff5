"""Per-group regret against the best linear fit in hindsight, and its curves along the stream."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import (
    Interval,
    check_consistent_length,
    check_finite_array,
    check_groups,
    validate_args,
)

__all__ = ["group_regret", "group_regret_curves"]

# Singular values below _RCOND * the largest count as zero. With a machine-epsilon cut-off (as
# in lstsq's default), exactly collinear designs (e.g. a group indicator that is constant on
# its own group) keep a noise direction with a huge coefficient and return a worse fit.
_RCOND = 1e-6


def _inputs(y, predictions, X, groups, always_on):
    y = check_finite_array(y, name="y", ndim=1)
    predictions = check_finite_array(predictions, name="predictions", ndim=1)
    X = check_finite_array(X, name="X", ndim=2)
    check_consistent_length(y=y, predictions=predictions, X=X)
    _check_magnitudes(y, predictions, X)
    if groups is None:
        G, names = np.ones((y.shape[0], 1), dtype=bool), ["all"]
    else:
        G, names = check_groups(groups, y.shape[0], allow_empty=True)
        if always_on:
            G = np.column_stack([G, np.ones(y.shape[0], dtype=bool)])
            names = [*names, "always_on"]
    return y, predictions, X, G, names


def _check_magnitudes(y, predictions, X):
    """Squares must stay finite: a 1e300 value would turn every regret into inf or NaN."""
    with np.errstate(over="ignore", invalid="ignore"):
        for name, v in (("y", y), ("predictions", predictions - y), ("X", X)):
            if not np.isfinite(np.sum(v * v)):
                what = "`predictions` - `y`" if name == "predictions" else f"`{name}`"
                raise ValueError(
                    f"`{name}` holds values too large for squared losses: the squares of {what} overflow "
                    f"float64 (max |{what}| = {float(np.max(np.abs(v))):.3g}); rescale them."
                )


def _design(X, fit_intercept):
    Z = np.column_stack([X, np.ones(X.shape[0])]) if fit_intercept else X
    # Columns scaled to unit root mean square: the least-squares fit is invariant to it, and the
    # pseudo-inverse cut-off then compares directions, not units (a feature near 1e7 next to a
    # 0/1 indicator otherwise pushes the indicator's direction below the cut-off).
    scale = np.sqrt(np.mean(Z * Z, axis=0))
    scale[scale == 0] = 1.0
    return Z / scale


def _pinv_solve(A, b):
    """Minimum-norm solution of ``A beta = b`` for a symmetric PSD Gram matrix ``A``."""
    w, V = np.linalg.eigh(A)
    keep = w > max(w[-1], 0.0) * _RCOND**2  # singular values of the design below _RCOND * max
    c = V[:, keep].T @ b
    return V[:, keep] @ (c / w[keep]), c, w[keep]


def _min_sse(A, b, yy):
    """Least-squares residual sum of squares from the Gram matrix, via its pseudo-inverse."""
    _, c, w = _pinv_solve(A, b)
    return max(yy - float(c @ (c / w)), 0.0)


@validate_args({"fit_intercept": ["boolean"], "always_on": ["boolean"]})
@fill_doc
def group_regret(y, predictions, X, groups=None, *, fit_intercept=True, always_on=True):
    """Per-group cumulative squared loss and regret against hindsight least squares.

    For each group ``g``, the regret is the cumulative squared loss of
    ``predictions`` on the rows of ``g`` minus the residual sum of squares of
    the best unregularised least-squares fit on those rows in hindsight
    (minimum-norm solution through the eigendecomposition of the Gram
    matrix; directions with singular values below ``1e-6`` times the largest
    count as null, after scaling the columns to unit root mean square, so
    collinear designs such as one-hot features plus group indicators are
    handled whatever the units of the features). Negative regret means the online forecasts beat
    every fixed linear model on that group.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Targets, in the order the forecasts were made.
    predictions : array-like of shape (n_samples,)
        Online forecasts (e.g. ``prequential_predictions_``).
    X : array-like of shape (n_samples, n_features)
        Features of the linear comparator.
    groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
        Group membership; ``None`` means one group ``"all"``.
    fit_intercept : bool, default=True
        Give the comparator an intercept.
    always_on : bool, default=True
        When ``groups`` is given, also report the group of all rows
        (``"always_on"``).

    Returns
    -------
    table : pandas.DataFrame
        One row per group (index: group names) with columns ``n_samples``,
        ``cumulative_loss``, ``hindsight_loss``, ``regret`` and
        ``regret_per_round`` (regret divided by ``n_samples``).

    See Also
    --------
    group_regret_curves : the same quantity along the stream.

    {ref_acharya_groupwise}

    Examples
    --------
    >>> from statlearn.datasets import make_grouped_regression
    >>> from statlearn.online import group_regret
    >>> X, y, groups = make_grouped_regression(n_samples=500, random_state=0)
    >>> table = group_regret(y, y, X, groups)  # perfect forecasts: no positive regret on any group
    >>> list(table.index)
    ['circle', 'square', 'triangle', 'green', 'red', 'always_on']
    >>> bool((table["regret"] <= 0).all())
    True
    """
    import pandas as pd

    y, predictions, X, G, names = _inputs(y, predictions, X, groups, always_on)
    Z = _design(X, fit_intercept)
    rows = []
    for j in range(G.shape[1]):
        m = G[:, j]
        n_g = int(m.sum())
        loss = float(np.sum((predictions[m] - y[m]) ** 2))
        if n_g:
            Zm, ym = Z[m], y[m]
            beta = _pinv_solve(Zm.T @ Zm, Zm.T @ ym)[0]
            best = float(np.sum((Zm @ beta - ym) ** 2))
        else:
            best = 0.0
        regret = loss - best
        rows.append({"n_samples": n_g, "cumulative_loss": loss, "hindsight_loss": best,
                     "regret": regret, "regret_per_round": regret / n_g if n_g else 0.0})
    return pd.DataFrame(rows, index=pd.Index(names, name="group"))


@validate_args({"n_checkpoints": [Interval("integral", 1, None)], "fit_intercept": ["boolean"],
                "always_on": ["boolean"]})
def group_regret_curves(y, predictions, X, groups=None, *, n_checkpoints=100, fit_intercept=True,
                        always_on=True):
    """Per-group regret against hindsight least squares along the stream.

    At each checkpoint ``t`` (evenly spaced rounds), the regret of group
    ``g`` is its cumulative squared loss over the first ``t`` rounds minus
    the least-squares residual sum of squares of those of its rows. The
    least-squares fit is solved from the accumulated Gram matrix (its
    eigendecomposition gives the pseudo-inverse, so rank deficiency is fine).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Targets, in stream order.
    predictions : array-like of shape (n_samples,)
        Online forecasts.
    X : array-like of shape (n_samples, n_features)
        Features of the linear comparator.
    groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
        Group membership; ``None`` means one group ``"all"``.
    n_checkpoints : int, default=100
        Number of checkpoints (the last is ``n_samples``).
    fit_intercept : bool, default=True
        Give the comparator an intercept.
    always_on : bool, default=True
        When ``groups`` is given, also report the group of all rows.

    Returns
    -------
    curves : pandas.DataFrame of shape (n_checkpoints, n_groups [+ 1])
        Index: the round ``t`` of each checkpoint; one column per group.

    See Also
    --------
    group_regret : the end-of-stream table, solved exactly by ``lstsq``.
    GroupRegretDisplay : plots these curves.

    Examples
    --------
    >>> from statlearn.online import group_regret_curves
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = X @ [1.0, -1.0] + rng.normal(size=200)
    >>> curves = group_regret_curves(y, np.zeros(200), X, n_checkpoints=4)
    >>> curves.index.tolist()
    [50, 100, 150, 200]
    """
    import pandas as pd

    y, predictions, X, G, names = _inputs(y, predictions, X, groups, always_on)
    Z = _design(X, fit_intercept)
    n, k = Z.shape
    ends = np.unique(np.linspace(0, n, int(n_checkpoints) + 1).round().astype(int)[1:])
    ends = ends[ends > 0]
    nG = G.shape[1]
    A = np.zeros((nG, k, k))
    b = np.zeros((nG, k))
    yy = np.zeros(nG)
    loss = np.zeros(nG)
    out = np.zeros((ends.size, nG))
    sq = (predictions - y) ** 2
    start = 0
    for c, end in enumerate(ends):
        Zs, ys, Gs, ls = Z[start:end], y[start:end], G[start:end], sq[start:end]
        for j in range(nG):
            m = Gs[:, j]
            if m.any():
                Zm = Zs[m]
                A[j] += Zm.T @ Zm
                b[j] += Zm.T @ ys[m]
                yy[j] += ys[m] @ ys[m]
                loss[j] += ls[m].sum()
            best = _min_sse(A[j], b[j], yy[j])
            out[c, j] = loss[j] - best
        start = end
    return pd.DataFrame(out, index=pd.Index(ends, name="round"), columns=names)
