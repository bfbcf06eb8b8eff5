"""Calibration metrics: Brier score and its decomposition, binned ECE, Balance
score and multicalibration error.

Binned functions share the rule of :mod:`statlearn.calibration._binning`:
bins ``[e_k, e_{k+1})`` with the last bin closed; equal-width or equal-mass
(weighted quantile) edges. The smooth ECE lives in
:mod:`statlearn.calibration.smooth` and is re-exported here.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, check_groups, validate_args

from . import _kernels
from ._binning import (
    N_BINS,
    NORM,
    STRATEGY,
    BrierDecomposition,
    CalibrationStats,
    _binary_inputs,
    _edges_for,
    _fast_eligible,
    _multiclass_inputs,
)
from .smooth import smooth_ece

__all__ = [
    "BrierDecomposition",
    "CalibrationStats",
    "balance_score",
    "brier_decomposition",
    "brier_score",
    "calibration_curve",
    "expected_calibration_error",
    "multicalibration_error",
    "smooth_ece",
]



def _target_inputs(y_true, y_prob, sample_weight, pos_label, labels):
    """``("binary", y01, p, w)`` for 1-D / one- or two-column ``y_prob``, else ``("multiclass", codes, P, w)``.

    With ``labels`` and two columns, column 1 is the probability of ``labels[1]``.
    """
    P = np.asarray(y_prob)
    if P.ndim == 2 and (P.shape[1] >= 3 or (labels is not None and P.shape[1] == 2)):
        codes, P, w = _multiclass_inputs(y_true, P, sample_weight, labels=labels)
        if P.shape[1] == 2:
            return "binary", (codes == 1).astype(np.float64), np.ascontiguousarray(P[:, 1]), w
        return "multiclass", codes, P, w
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label)
    return "binary", y, p, w


@fill_doc
def brier_score(y_true, y_prob, *, sample_weight=None, pos_label=None, labels=None):
    """Brier score: mean squared difference between probabilities and outcomes.

    Binary input gives ``mean_w (p - y)^2``; a probability matrix with three
    or more columns gives the sum over classes, as scikit-learn's
    ``brier_score_loss(..., scale_by_half="auto")``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels: binary (see ``pos_label``) for 1-D or two-column ``y_prob``,
        multiclass (see ``labels``) for three or more columns.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities.
    {sample_weight}
    {pos_label}
    {labels}

    Returns
    -------
    brier : float

    See Also
    --------
    brier_decomposition : Reliability, resolution and uncertainty.

    References
    ----------
    G. W. Brier (1950). Verification of forecasts expressed in terms of
    probability. Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    >>> from statlearn.calibration import brier_score
    >>> brier_score([0, 1, 1], [0.2, 0.7, 0.9])
    0.04666666666666667
    """
    if sample_weight is None and labels is None and _fast_eligible(y_true, y_prob, pos_label):
        value, bad = _kernels.brier_unit(np.ascontiguousarray(y_prob), np.ascontiguousarray(y_true))
        if bad < 0:
            return value
    kind, y, P, w = _target_inputs(y_true, y_prob, sample_weight, pos_label, labels)
    if kind == "multiclass":
        onehot = np.zeros_like(P)
        onehot[np.arange(P.shape[0]), y] = 1.0
        return float(np.average(((P - onehot) ** 2).sum(axis=1), weights=w))
    if sample_weight is None:  # the kernel of the fast path: the same summation, the same value
        return _kernels.brier_unit(P, y)[0]
    return float(np.average((P - y) ** 2, weights=w))


@validate_args({"n_bins": N_BINS, "strategy": STRATEGY})
@fill_doc
def brier_decomposition(y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None,
                        pos_label=None):
    """Binned Murphy decomposition of the Brier score, made exact.

    ``brier = reliability - resolution + uncertainty + within_bin_variance
    - 2 * within_bin_covariance``. The last two terms vanish when forecasts
    are constant within bins (Murphy's setting); with continuous forecasts
    they make the identity exact.

    Parameters
    ----------
    {binned_inputs}
    {sample_weight}
    {pos_label}

    Returns
    -------
    decomposition : BrierDecomposition
        ``brier``, ``reliability``, ``resolution``, ``uncertainty``,
        ``within_bin_variance``, ``within_bin_covariance``.

    References
    ----------
    A. H. Murphy (1973). A new vector partition of the probability score.
    Journal of Applied Meteorology 12(4), 595-600.

    D. B. Stephenson, C. A. S. Coelho, I. T. Jolliffe (2008). Two extra
    components in the Brier score decomposition. Weather and Forecasting
    23(4), 752-757.

    Examples
    --------
    >>> from statlearn.calibration import brier_decomposition
    >>> d = brier_decomposition([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.8], n_bins=2)
    >>> total = (d.reliability - d.resolution + d.uncertainty
    ...          + d.within_bin_variance - 2 * d.within_bin_covariance)
    >>> bool(abs(total - d.brier) < 1e-12)
    True
    """
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label, unit_ok=True)
    edges, uniform = _edges_for(p, w, n_bins, strategy)
    return CalibrationStats._from_sums(edges, _kernels.binned_stats(p, y, w, edges, uniform)).brier_decomposition()


@validate_args({"n_bins": N_BINS, "strategy": STRATEGY, "return_counts": ["boolean"]})
@fill_doc
def calibration_curve(y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None,
                      pos_label=None, return_counts=False):
    """Observed frequency against mean prediction per bin, with weights and counts.

    Like :func:`sklearn.calibration.calibration_curve`, but with
    ``sample_weight``, optional bin counts and the bin rule of this module
    (``[e_k, e_{k+1})``, last bin closed). Empty bins are dropped.

    Parameters
    ----------
    {binned_inputs}
    {sample_weight}
    {pos_label}
    return_counts : bool, default=False
        Also return the total weight of every non-empty bin.

    Returns
    -------
    prob_true : ndarray of shape (n_nonempty_bins,)
        Weighted fraction of positives per bin.
    prob_pred : ndarray of shape (n_nonempty_bins,)
        Weighted mean prediction per bin.
    counts : ndarray of shape (n_nonempty_bins,)
        Total weight per bin (only with ``return_counts=True``).

    Examples
    --------
    >>> from statlearn.calibration import calibration_curve
    >>> prob_true, prob_pred, counts = calibration_curve(
    ...     [0, 0, 1, 1], [0.1, 0.2, 0.7, 1.0], n_bins=2, return_counts=True)
    >>> prob_true.tolist(), counts.tolist()
    ([0.0, 1.0], [2.0, 2.0])
    """
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label, unit_ok=True)
    edges, uniform = _edges_for(p, w, n_bins, strategy)
    prob_true, prob_pred, counts = CalibrationStats._from_sums(
        edges, _kernels.binned_stats(p, y, w, edges, uniform)).calibration_curve()
    if return_counts:
        return prob_true, prob_pred, counts
    return prob_true, prob_pred


def _binary_ece(y, p, w, n_bins, strategy, norm, debias):
    if strategy == "uniform" and w.shape[0] == 0 and not debias:
        # unit weights: the one-pass kernel of the fast path (same summation, same value)
        return _kernels.uniform_ece_unit(p, y, n_bins, _NORM_CODES[norm])[0]
    edges, uniform = _edges_for(p, w, n_bins, strategy)
    sums = np.zeros((n_bins, _kernels.N_STATS))
    sums[:, :4] = _kernels.binned_ece_stats(p, y, w, edges, uniform)
    return CalibrationStats._from_sums(edges, sums).expected_calibration_error(norm=norm, debias=debias)


_NORM_CODES = {"l1": 0, "l2": 1, "max": 2}


def _top_label(codes, P):
    pred = np.argmax(P, axis=1)
    conf = np.ascontiguousarray(P[np.arange(P.shape[0]), pred])
    correct = (pred == codes).astype(np.float64)
    return correct, conf


@validate_args({"n_bins": N_BINS, "strategy": STRATEGY, "norm": NORM, "debias": ["boolean"],
                "target": [Options("binary", "top_label", "classwise")]})
@fill_doc
def expected_calibration_error(y_true, y_prob, *, n_bins=15, strategy="uniform", norm="l1",
                               target="binary", debias=False, sample_weight=None, pos_label=None,
                               labels=None):
    """Binned expected calibration error (ECE, RMSCE, MCE; equal width or mass).

    ``ECE = sum_b (w_b / W) |ybar_b - pbar_b|``; ``norm="l2"`` gives
    ``sqrt(sum_b (w_b / W) (ybar_b - pbar_b)^2)`` and ``norm="max"`` the
    largest gap over non-empty bins.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels: binary (see ``pos_label``) for 1-D or two-column ``y_prob``,
        multiclass (see ``labels``) for a matrix with three or more columns.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities: of the positive class (1-D, or the last of two
        columns) for ``target="binary"``; a matrix otherwise.
    {n_bins_15}
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width bins (Naeini et al. 2015; Guo et al. 2017) or equal-mass
        bins (the adaptive ECE of Nixon et al. 2019).
    {norm}
    target : {"binary", "top_label", "classwise"}, default="binary"
        Positive-class calibration; calibration of the top-label confidence
        against ``1[argmax p = y]``; or the mean over classes of the
        one-vs-rest ECE (Kull et al. 2019).
    debias : bool, default=False
        Debiased estimator of the squared error (Kumar et al. 2019): subtract
        ``ybar_b (1 - ybar_b) / (n_b - 1)`` per bin (``n_b`` the effective
        sample size with weights). Only with ``norm="l2"``.
    {sample_weight}
    {pos_label}
    {labels}

    Returns
    -------
    ece : float

    See Also
    --------
    smooth_ece : A binning-free consistent calibration measure.
    CalibrationStats : The mergeable statistics behind this function.

    Notes
    -----
    If every bin errs in the same direction, the l1 ECE equals
    ``|mean(y) - mean(p)|`` for every binning.

    References
    ----------
    M. P. Naeini, G. Cooper, M. Hauskrecht (2015). Obtaining well calibrated
    probabilities using Bayesian binning. AAAI.

    J. Nixon et al. (2019). Measuring calibration in deep learning. CVPR
    Workshops.

    A. Kumar, P. Liang, T. Ma (2019). Verified uncertainty calibration.
    NeurIPS.

    Examples
    --------
    >>> from statlearn.calibration import expected_calibration_error
    >>> y = np.array([0, 0, 1, 1, 1, 0])
    >>> p = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.7])
    >>> round(expected_calibration_error(y, p, n_bins=2), 4)
    0.0917
    """
    if debias and norm != "l2":
        raise ValueError(f"`debias=True` is defined for `norm='l2'` only (Kumar et al. 2019); got norm={norm!r}.")
    if target == "binary":
        if strategy == "uniform" and sample_weight is None and not debias and _fast_eligible(y_true, y_prob,
                                                                                               pos_label):
            # one compiled pass that validates and bins; invalid input falls through to the full checks
            ece, bad = _kernels.uniform_ece_unit(np.ascontiguousarray(y_prob), np.ascontiguousarray(y_true),
                                                 n_bins, _NORM_CODES[norm])
            if bad < 0:
                return ece
        y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label, unit_ok=True)
        return _binary_ece(y, p, w, n_bins, strategy, norm, debias)
    kind, codes, P, w = _target_inputs(y_true, y_prob, sample_weight, pos_label, labels)
    if kind == "binary":
        codes, P = codes.astype(np.int64), np.column_stack([1 - P, P])
    if target == "top_label":
        correct, conf = _top_label(codes, P)
        return _binary_ece(correct, conf, w, n_bins, strategy, norm, debias)
    vals = [
        _binary_ece((codes == k).astype(np.float64), np.ascontiguousarray(P[:, k]), w,
                    n_bins, strategy, norm, debias)
        for k in range(P.shape[1])
    ]
    return float(np.mean(vals))



# --------------------------------------------------------------------------- #
# Balance score
# --------------------------------------------------------------------------- #
@fill_doc
def balance_score(y_true, y_prob, *, sample_weight=None, pos_label=None, labels=None):
    """Balance score: accuracy minus mean confidence (signed; Choi, Kim & Lee).

    For a binary forecast ``p`` the prediction is ``1[p >= 0.5]`` and the
    confidence ``q = max(p, 1 - p)``; each instance scores
    ``f = 1[correct] - q`` (``1 - p`` for a correct positive call, ``p`` for a
    correct negative call, ``-p`` and ``-(1 - p)`` for the wrong ones), and
    the score is the (weighted) mean of ``f``. Hence the Balance score
    **equals accuracy minus mean confidence**: a signed, one-bin top-label
    ECE. It lies in [-1, 0.5]; 0 means calibrated on average, negative means
    over-confident, positive under-confident. A probability matrix uses its
    top label.

    Because it is a mean of signed errors, over-confidence in one region and
    under-confidence in another cancel: a model can be badly miscalibrated
    and still score about 0 (see the example).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels (binary for 1-D ``y_prob``).
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probability of the positive class, or a probability matrix.
    {sample_weight}
    {pos_label}
    {labels}

    Returns
    -------
    balance : float

    See Also
    --------
    expected_calibration_error : With ``target="top_label"``, the unsigned
        binned counterpart.

    References
    ----------
    Choi, Kim, Lee (2023). Rethinking evaluation metric for probability
    estimation models using esports data. arXiv:2309.06248.

    Examples
    --------
    A model over-confident at moderate confidence and under-confident at high
    confidence: the two errors cancel in the Balance score but not in the
    top-label ECE.

    >>> from statlearn.calibration import balance_score, expected_calibration_error
    >>> p = np.array([0.6] * 10 + [0.9] * 10)      # confidence 0.6 and 0.9
    >>> y = np.array([1] * 4 + [0] * 6 + [1] * 10)  # accuracy 0.4 and 1.0
    >>> round(balance_score(y, p), 6)
    -0.05
    >>> round(expected_calibration_error(y, p, n_bins=10, target="top_label"), 6)
    0.15
    """
    kind, y, p, w = _target_inputs(y_true, y_prob, sample_weight, pos_label, labels)
    if kind == "multiclass":
        correct, conf = _top_label(y, p)
    else:
        pred = p >= 0.5
        conf = np.where(pred, p, 1 - p)
        correct = (pred == (y == 1)).astype(np.float64)
    return float(np.average(correct - conf, weights=w))


# --------------------------------------------------------------------------- #
# multicalibration error
# --------------------------------------------------------------------------- #
@validate_args({"n_bins": N_BINS, "alpha": [Interval("real", 0, 1)],
                "min_cell_size": [Interval("real", 0, None, closed="left")]})
@fill_doc
def multicalibration_error(y_true, y_prob, groups, *, n_bins=10, alpha=0.05, min_cell_size=0,
                           sample_weight=None, pos_label=None):
    """Calibration error over every (group, bin) cell of intersecting groups.

    For each group ``S`` (a column of ``groups``) and equal-width bin ``v``
    of width ``1 / n_bins``, the cell ``S_v`` has the residual
    ``mean_w(y - p | S_v)``. Following Hebert-Johnson et al. (2018), cells
    holding at least ``alpha / n_bins`` of their group's weight count toward
    the worst cell. Each group also gets its binned (l1) ECE.

    Parameters
    ----------
    {y_true}
    {y_prob}
    groups : array-like of bool of shape (n_samples, n_groups) or DataFrame
        Group membership; groups may intersect. Groups with no member (or
        zero total weight) are skipped: their ECE is NaN and they count in
        neither the worst nor the mean group ECE.
    n_bins : int, default=10
        Number of equal-width bins (``1 / lambda``).
    alpha : float, default=0.05
        Mass threshold factor: a cell counts when it holds at least
        ``alpha / n_bins`` of its group's weight.
    min_cell_size : float, default=0
        A cell also needs at least this much weight (rows, with unit
        weights) to count toward the worst cell; on small samples the
        residual of a one-row cell is noise.
    {sample_weight}
    {pos_label}

    Returns
    -------
    result : Bunch
        ``worst_cell_error`` (float, largest ``|mean(y - p)|`` over counted
        cells), ``worst_cell`` (tuple ``(group_name, bin)``),
        ``worst_group_ece`` and ``mean_group_ece`` (floats),
        ``worst_group`` (str), ``group_ece`` (ndarray of shape (n_groups,)),
        ``cell_error`` (ndarray of shape (n_groups, n_bins), signed
        ``mean(y - p)``, NaN for empty cells), ``cell_weight`` (ndarray of
        shape (n_groups, n_bins)), ``counted`` (bool ndarray of shape
        (n_groups, n_bins)), ``group_names`` (list of str, the order of the
        rows above) and ``group_ece_by_name`` (dict of group name to ECE):
        results are keyed by group name, so reordered DataFrame columns give
        the same per-name values.

    References
    ----------
    U. Hebert-Johnson, M. P. Kim, O. Reingold, G. N. Rothblum (2018).
    Multicalibration: calibration for the (computationally-identifiable)
    masses. ICML.

    Examples
    --------
    >>> from statlearn.calibration import multicalibration_error
    >>> p = np.array([0.2, 0.3, 0.8, 0.8, 0.2, 0.8])
    >>> y = np.array([0, 1, 1, 1, 0, 0])
    >>> g = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1]], dtype=bool)
    >>> res = multicalibration_error(y, p, g, n_bins=5)
    >>> res.worst_cell, round(res.worst_cell_error, 2)
    (('group_1', 4), 0.3)
    """
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label)
    G, names = check_groups(groups, p.shape[0], allow_empty=True)
    st = _kernels.group_binned_stats(p, y, w, G.view(np.uint8), n_bins)
    cw = st[:, :, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        cell = np.where(cw > 0, (st[:, :, 1] - st[:, :, 2]) / np.where(cw > 0, cw, 1.0), np.nan)
    gw = cw.sum(axis=1)
    valid = gw > 0
    if not valid.any():
        raise ValueError("Every group in `groups` is empty (no member with positive weight).")
    group_ece = np.full(G.shape[1], np.nan)
    group_ece[valid] = np.nansum(cw[valid] * np.abs(np.nan_to_num(cell[valid])), axis=1) / gw[valid]
    counted = (cw > 0) & (cw >= (alpha / n_bins) * gw[:, None]) & (cw >= min_cell_size) & valid[:, None]
    if counted.any():
        absd = np.where(counted, np.abs(np.nan_to_num(cell)), -1.0)
        g, v = np.unravel_index(int(np.argmax(absd)), absd.shape)
        worst_cell, worst_cell_error = (names[g], int(v)), float(absd[g, v])
    else:  # every cell lighter than the thresholds
        worst_cell, worst_cell_error = None, float("nan")
    jw = int(np.nanargmax(group_ece))
    return Bunch(
        worst_cell_error=worst_cell_error, worst_cell=worst_cell,
        worst_group_ece=float(group_ece[jw]), worst_group=names[jw],
        mean_group_ece=float(np.nanmean(group_ece)), group_ece=group_ece,
        cell_error=cell, cell_weight=cw, counted=counted, group_names=names,
        group_ece_by_name=dict(zip(names, group_ece.tolist(), strict=True)),
    )
