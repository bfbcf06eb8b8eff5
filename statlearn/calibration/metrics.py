"""Calibration metrics: Brier score and its decomposition, binned and smooth ECE,
Balance score, multicalibration error, and mergeable binned statistics.

Binning rule (every binned function here): bins are ``[e_k, e_{k+1})`` with the
last bin closed on the right, so ``p = 0`` falls in the first bin and
``p = 1`` in the last. Equal-width edges are ``np.linspace(0, 1, n_bins + 1)``;
equal-mass edges are (weighted) quantiles of the predictions with linear
interpolation (``np.percentile``'s default when all weights are equal).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.utils import Bunch

from statlearn._validation import (
    check_binary_target,
    check_consistent_length,
    check_finite_array,
    check_groups,
    check_probabilities,
    check_sample_weight,
)

from . import _kernels

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


# --------------------------------------------------------------------------- #
# input helpers
# --------------------------------------------------------------------------- #
def _check_n_bins(n_bins, name="n_bins"):
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral) or n_bins < 1:
        raise ValueError(f"`{name}` must be an int >= 1; got {n_bins!r}.")
    return int(n_bins)


def _check_option(value, name, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"`{name}` must be one of {list(options)}; got {value!r}.")
    return value


_EMPTY = np.empty(0)


def _fast_eligible(y_true, y_prob):
    """1-D float64 probabilities and float64/int64 labels of the same length."""
    return (isinstance(y_prob, np.ndarray) and isinstance(y_true, np.ndarray) and y_prob.ndim == 1
            and y_true.ndim == 1 and y_prob.dtype == np.float64 and y_true.dtype in (np.float64, np.int64)
            and y_true.shape == y_prob.shape and y_prob.size > 0)


def _binary_inputs(y_true, y_prob, sample_weight, *, unit_ok=False):
    """Validate binary labels, 1-D probabilities and weights.

    Numeric 1-D arrays with 0/1 labels take a one-pass compiled check; other
    input (or any invalid value) goes through the full checks and their
    error messages. With ``unit_ok`` and no weights, the weights returned
    are an empty array meaning "all ones" (for :func:`_kernels.binned_stats`).
    """
    if _fast_eligible(y_true, y_prob):
        p = np.ascontiguousarray(y_prob)
        y = np.ascontiguousarray(y_true)
        if _kernels.first_invalid_binary(p, y) < 0:
            if sample_weight is None:
                w = _EMPTY if unit_ok else np.ones(p.shape[0])
            else:
                w = check_sample_weight(sample_weight, p.shape[0])
            return y, p, w
    p = check_probabilities(y_prob, name="y_prob", ndim=(1, 2))
    if p.ndim == 2:
        if p.shape[1] == 1:
            p = np.ascontiguousarray(p[:, 0])
        elif p.shape[1] == 2:
            p = np.ascontiguousarray(p[:, 1])
        else:
            raise ValueError(
                "`y_prob` must be 1-D (probability of the positive class) or have 2 columns "
                f"for a binary metric; got shape {p.shape}."
            )
    check_consistent_length(y_true=np.asarray(y_true), y_prob=p)
    y, _ = check_binary_target(y_true, name="y_true")
    w = check_sample_weight(sample_weight, p.shape[0])
    if unit_ok and sample_weight is None:
        w = _EMPTY
    return y, p, w


def _multiclass_inputs(y_true, y_prob, sample_weight):
    """Validate labels and a probability matrix (n_samples, n_classes); labels as codes."""
    P = check_probabilities(y_prob, name="y_prob", ndim=2)
    arr = np.asarray(y_true)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"`y_true` must be 1-D; got shape {arr.shape}.")
    check_consistent_length(y_true=arr, y_prob=P)
    k = P.shape[1]
    classes = np.unique(arr)
    if arr.dtype.kind in "iub" and classes.min() >= 0 and classes.max() < k:
        codes = arr.astype(np.int64)
    elif classes.size == k:
        codes = np.searchsorted(classes, arr).astype(np.int64)
    else:
        raise ValueError(
            f"`y_true` must hold class indices 0..{k - 1} or exactly {k} distinct labels "
            f"(one per column of `y_prob`); got {classes.size} labels: {classes[:8].tolist()}."
        )
    w = check_sample_weight(sample_weight, P.shape[0])
    return codes, P, w


def _uniform_edges(n_bins):
    return np.linspace(0.0, 1.0, n_bins + 1)


def _quantile_edges(p, w, n_bins):
    """Equal-mass edges: weighted quantiles with linear interpolation.

    With equal positive weights this is exactly ``np.percentile(p, 100 *
    linspace(0, 1, n_bins + 1))``. Zero-weight predictions are ignored.
    """
    q = np.linspace(0.0, 1.0, n_bins + 1)
    if w.shape[0] == 0:
        return np.ascontiguousarray(np.percentile(p, q * 100), dtype=np.float64)
    pos = w > 0
    if pos.all() and (w == w[0]).all():
        edges = np.percentile(p, q * 100)
    else:
        pp, ww = p[pos], w[pos]
        order = np.argsort(pp, kind="stable")
        pp, ww = pp[order], ww[order]
        cw = np.cumsum(ww)
        denom = cw[-1] - ww[-1]
        if denom <= 0:
            edges = np.full(n_bins + 1, pp[-1])
        else:
            edges = np.interp(q, (cw - ww) / denom, pp)
    return np.ascontiguousarray(edges, dtype=np.float64)


def _edges_for(p, w, n_bins, strategy):
    if strategy == "uniform":
        return _uniform_edges(n_bins), True
    return _quantile_edges(p, w, n_bins), False


def _check_edges(bins):
    e = check_finite_array(bins, name="bins", ndim=1)
    if e.size < 2 or not (np.diff(e) >= 0).all():
        raise ValueError(f"`bins` must be a non-decreasing array of at least 2 edges; got {e.tolist()[:8]}.")
    return e


# --------------------------------------------------------------------------- #
# mergeable sufficient statistics
# --------------------------------------------------------------------------- #
class CalibrationStats:
    """Mergeable per-bin sufficient statistics of binary probability forecasts.

    Holds, for each bin, the sums of ``w``, ``w y``, ``w p``, ``w^2``,
    ``w p^2`` and ``w p y``. Two statistics over the same edges add up
    (``a + b``), so chunks of a large data set, or Dask partitions, give the
    same binned metrics as one pass over all the data.

    Parameters
    ----------
    edges : array-like of shape (n_bins + 1,)
        Bin edges; bins are ``[e_k, e_{k+1})`` and the last bin is closed.
    sums : ndarray of shape (n_bins, 6), default=None
        Initial sums (zeros by default).

    Attributes
    ----------
    edges : ndarray of shape (n_bins + 1,)
        The bin edges.
    sums : ndarray of shape (n_bins, 6)
        The per-bin sums.

    See Also
    --------
    expected_calibration_error : The one-pass metric.

    Notes
    -----
    Equal-mass edges depend on all the data, so for streaming pass fixed
    edges (for example quantiles of a first chunk, or equal-width edges).

    Examples
    --------
    >>> import numpy as np
    >>> from statlearn.calibration import CalibrationStats, expected_calibration_error
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=1000)
    >>> y = rng.uniform(size=1000) < p ** 2
    >>> stats = CalibrationStats.from_predictions(y[:600], p[:600], bins=15)
    >>> stats = stats + CalibrationStats.from_predictions(y[600:], p[600:], bins=15)
    >>> bool(np.isclose(stats.expected_calibration_error(), expected_calibration_error(y, p)))
    True
    """

    def __init__(self, edges, sums=None):
        self.edges = _check_edges(edges)
        n_bins = self.edges.size - 1
        if sums is None:
            sums = np.zeros((n_bins, _kernels.N_STATS))
        sums = np.asarray(sums, dtype=np.float64)
        if sums.shape != (n_bins, _kernels.N_STATS):
            raise ValueError(f"`sums` must have shape ({n_bins}, {_kernels.N_STATS}); got {sums.shape}.")
        self.sums = sums

    @property
    def _uniform(self):
        n_bins = self.edges.size - 1
        return bool(np.array_equal(self.edges, _uniform_edges(n_bins)))

    @classmethod
    def from_predictions(cls, y_true, y_prob, *, bins=15, sample_weight=None):
        """Statistics of one batch of binary forecasts.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary labels (the larger label is the positive class).
        y_prob : array-like of shape (n_samples,)
            Predicted probabilities of the positive class.
        bins : int or array-like of shape (n_bins + 1,), default=15
            Number of equal-width bins, or explicit edges.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        stats : CalibrationStats
        """
        y, p, w = _binary_inputs(y_true, y_prob, sample_weight, unit_ok=True)
        if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
            edges, uniform = _uniform_edges(_check_n_bins(bins, "bins")), True
        else:
            edges = _check_edges(bins)
            uniform = bool(np.array_equal(edges, _uniform_edges(edges.size - 1)))
        return cls(edges, _kernels.binned_stats(p, y, w, edges, uniform))

    def update(self, y_true, y_prob, *, sample_weight=None):
        """Add a batch in place and return ``self``.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary labels.
        y_prob : array-like of shape (n_samples,)
            Predicted probabilities of the positive class.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : CalibrationStats
        """
        other = type(self).from_predictions(y_true, y_prob, bins=self.edges, sample_weight=sample_weight)
        self.sums = self.sums + other.sums
        return self

    def merge(self, other):
        """Return the statistics of the union of two batches.

        Parameters
        ----------
        other : CalibrationStats
            Statistics over the same edges.

        Returns
        -------
        merged : CalibrationStats
        """
        if not isinstance(other, CalibrationStats):
            raise TypeError(f"`other` must be a CalibrationStats; got {type(other).__name__}.")
        if other.edges.shape != self.edges.shape or not np.array_equal(other.edges, self.edges):
            raise ValueError("`other` must have the same bin edges to be merged.")
        return type(self)(self.edges.copy(), self.sums + other.sums)

    def __add__(self, other):
        return self.merge(other)

    def __repr__(self):
        return (f"CalibrationStats(n_bins={self.edges.size - 1}, "
                f"total_weight={float(self.sums[:, 0].sum()):.6g})")

    @property
    def counts(self):
        """Total weight per bin, shape ``(n_bins,)``."""
        return self.sums[:, 0].copy()

    def _check_nonempty(self):
        if not (self.sums[:, 0] > 0).any():
            raise ValueError("The statistics are empty (total weight 0); add data first.")

    def expected_calibration_error(self, *, norm="l1", debias=False):
        """Binned calibration error from the statistics.

        Parameters
        ----------
        norm : {"l1", "l2", "max"}, default="l1"
            ECE, RMSCE or MCE.
        debias : bool, default=False
            Subtract the per-bin sampling variance (only with ``norm="l2"``).

        Returns
        -------
        ece : float
        """
        _check_option(norm, "norm", ("l1", "l2", "max"))
        if debias and norm != "l2":
            raise ValueError(f"`debias=True` is defined for `norm='l2'` only (Kumar et al. 2019); got norm={norm!r}.")
        self._check_nonempty()
        s = self.sums
        nz = s[:, 0] > 0
        wb, wy, wp, w2 = s[nz, 0], s[nz, 1], s[nz, 2], s[nz, 3]
        acc, conf = wy / wb, wp / wb
        frac = wb / wb.sum()
        gap = np.abs(acc - conf)
        if norm == "l1":
            return float(np.sum(frac * gap))
        if norm == "max":
            return float(np.max(gap))
        sq = gap**2
        if debias:
            n_eff = wb**2 / w2
            ok = n_eff > 1.0 + 1e-12
            corr = np.zeros_like(sq)
            corr[ok] = acc[ok] * (1 - acc[ok]) / (n_eff[ok] - 1.0)
            sq = np.where(ok, sq - corr, 0.0)
            return float(np.sqrt(max(np.sum(frac * sq), 0.0)))
        return float(np.sqrt(np.sum(frac * sq)))

    def calibration_curve(self):
        """Observed frequency, mean prediction and weight of every non-empty bin.

        Returns
        -------
        prob_true : ndarray of shape (n_nonempty_bins,)
        prob_pred : ndarray of shape (n_nonempty_bins,)
        counts : ndarray of shape (n_nonempty_bins,)
        """
        s = self.sums
        nz = s[:, 0] > 0
        return s[nz, 1] / s[nz, 0], s[nz, 2] / s[nz, 0], s[nz, 0].copy()

    def brier_score(self):
        """Weighted Brier score ``sum w (p - y)^2 / sum w``.

        Returns
        -------
        brier : float
        """
        self._check_nonempty()
        s = self.sums.sum(axis=0)
        return float((s[4] - 2 * s[5] + s[1]) / s[0])

    def brier_decomposition(self):
        """Murphy decomposition with the two within-bin terms that make it exact.

        Returns
        -------
        decomposition : BrierDecomposition
        """
        self._check_nonempty()
        s = self.sums
        nz = s[:, 0] > 0
        wb, wy, wp, wp2, wpy = s[nz, 0], s[nz, 1], s[nz, 2], s[nz, 4], s[nz, 5]
        total = wb.sum()
        obar = wy.sum() / total
        ybar, pbar = wy / wb, wp / wb
        rel = float(np.sum(wb * (pbar - ybar) ** 2) / total)
        res = float(np.sum(wb * (ybar - obar) ** 2) / total)
        unc = float(obar * (1 - obar))
        wbv = float(np.sum(np.maximum(wp2 - wb * pbar**2, 0.0)) / total)
        wbc = float(np.sum(wpy - wb * pbar * ybar) / total)
        return BrierDecomposition(
            brier=self.brier_score(), reliability=rel, resolution=res, uncertainty=unc,
            within_bin_variance=wbv, within_bin_covariance=wbc,
        )


@dataclass(frozen=True)
class BrierDecomposition:
    """Terms of the exact binned Murphy decomposition of the Brier score.

    ``brier = reliability - resolution + uncertainty + within_bin_variance
    - 2 * within_bin_covariance`` (Stephenson et al. 2008). Returned by
    :func:`brier_decomposition`; the fields are also attributes.

    Parameters
    ----------
    brier : float
        The Brier score.
    reliability : float
        ``sum_k (n_k / N) (pbar_k - ybar_k)^2``.
    resolution : float
        ``sum_k (n_k / N) (ybar_k - ybar)^2``.
    uncertainty : float
        ``ybar (1 - ybar)``.
    within_bin_variance : float
        ``(1 / N) sum_k sum_{i in k} (p_i - pbar_k)^2``.
    within_bin_covariance : float
        ``(1 / N) sum_k sum_{i in k} (p_i - pbar_k)(y_i - ybar_k)``.
    """

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float

    @property
    def residual(self):
        """``brier - (reliability - resolution + uncertainty)``, i.e. the within-bin part."""
        return self.brier - (self.reliability - self.resolution + self.uncertainty)


# --------------------------------------------------------------------------- #
# public metric functions
# --------------------------------------------------------------------------- #
def brier_score(y_true, y_prob, *, sample_weight=None):
    """Brier score: mean squared difference between probabilities and outcomes.

    Binary input gives ``mean_w (p - y)^2``; a probability matrix with three
    or more columns gives the sum over classes, as scikit-learn's
    ``brier_score_loss(..., scale_by_half="auto")``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels (binary: the larger label is positive; multiclass: indices
        ``0..n_classes-1`` or exactly ``n_classes`` distinct labels).
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

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
    P = np.asarray(y_prob)
    if P.ndim == 2 and P.shape[1] >= 3:
        codes, P, w = _multiclass_inputs(y_true, P, sample_weight)
        onehot = np.zeros_like(P)
        onehot[np.arange(P.shape[0]), codes] = 1.0
        return float(np.average(((P - onehot) ** 2).sum(axis=1), weights=w))
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight)
    return float(np.average((p - y) ** 2, weights=w))


def brier_decomposition(y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None):
    """Binned Murphy decomposition of the Brier score, made exact.

    ``brier = reliability - resolution + uncertainty + within_bin_variance
    - 2 * within_bin_covariance``. The last two terms vanish when forecasts
    are constant within bins (Murphy's setting); with continuous forecasts
    they make the identity exact.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class.
    n_bins : int, default=10
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width or equal-mass bins.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

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
    n_bins = _check_n_bins(n_bins)
    _check_option(strategy, "strategy", ("uniform", "quantile"))
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, unit_ok=True)
    edges, uniform = _edges_for(p, w, n_bins, strategy)
    return CalibrationStats(edges, _kernels.binned_stats(p, y, w, edges, uniform)).brier_decomposition()


def calibration_curve(y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None,
                      return_counts=False):
    """Observed frequency against mean prediction per bin, with weights and counts.

    Like :func:`sklearn.calibration.calibration_curve`, but with
    ``sample_weight``, optional bin counts and the bin rule of this module
    (``[e_k, e_{k+1})``, last bin closed). Empty bins are dropped.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class.
    n_bins : int, default=10
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width or equal-mass bins.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
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
    n_bins = _check_n_bins(n_bins)
    _check_option(strategy, "strategy", ("uniform", "quantile"))
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, unit_ok=True)
    edges, uniform = _edges_for(p, w, n_bins, strategy)
    prob_true, prob_pred, counts = CalibrationStats(
        edges, _kernels.binned_stats(p, y, w, edges, uniform)).calibration_curve()
    if return_counts:
        return prob_true, prob_pred, counts
    return prob_true, prob_pred


def _binary_ece(y, p, w, n_bins, strategy, norm, debias):
    edges, uniform = _edges_for(p, w, n_bins, strategy)
    sums = np.zeros((n_bins, _kernels.N_STATS))
    sums[:, :4] = _kernels.binned_ece_stats(p, y, w, edges, uniform)
    return CalibrationStats(edges, sums).expected_calibration_error(norm=norm, debias=debias)


def _top_label(codes, P):
    pred = np.argmax(P, axis=1)
    conf = np.ascontiguousarray(P[np.arange(P.shape[0]), pred])
    correct = (pred == codes).astype(np.float64)
    return correct, conf


def expected_calibration_error(y_true, y_prob, *, n_bins=15, strategy="uniform", norm="l1",
                               target="binary", debias=False, sample_weight=None):
    """Binned expected calibration error (ECE, RMSCE, MCE; equal width or mass).

    ``ECE = sum_b (w_b / W) |ybar_b - pbar_b|``; ``norm="l2"`` gives
    ``sqrt(sum_b (w_b / W) (ybar_b - pbar_b)^2)`` and ``norm="max"`` the
    largest gap over non-empty bins.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels: binary for ``target="binary"``; class indices (or exactly
        ``n_classes`` distinct labels) otherwise.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities: of the positive class (1-D, or the last of two
        columns) for ``target="binary"``; a matrix otherwise.
    n_bins : int, default=15
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width bins (Naeini et al. 2015; Guo et al. 2017) or equal-mass
        bins (the adaptive ECE of Nixon et al. 2019).
    norm : {"l1", "l2", "max"}, default="l1"
        Norm of the per-bin gaps.
    target : {"binary", "top_label", "classwise"}, default="binary"
        Positive-class calibration; calibration of the top-label confidence
        against ``1[argmax p = y]``; or the mean over classes of the
        one-vs-rest ECE (Kull et al. 2019).
    debias : bool, default=False
        Debiased estimator of the squared error (Kumar et al. 2019): subtract
        ``ybar_b (1 - ybar_b) / (n_b - 1)`` per bin (``n_b`` the effective
        sample size with weights). Only with ``norm="l2"``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

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
    >>> import numpy as np
    >>> from statlearn.calibration import expected_calibration_error
    >>> y = np.array([0, 0, 1, 1, 1, 0])
    >>> p = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.7])
    >>> round(expected_calibration_error(y, p, n_bins=2), 4)
    0.0917
    """
    n_bins = _check_n_bins(n_bins)
    _check_option(strategy, "strategy", ("uniform", "quantile"))
    _check_option(norm, "norm", ("l1", "l2", "max"))
    _check_option(target, "target", ("binary", "top_label", "classwise"))
    if not isinstance(debias, bool | np.bool_):
        raise TypeError(f"`debias` must be a bool; got {debias!r}.")
    if debias and norm != "l2":
        raise ValueError(f"`debias=True` is defined for `norm='l2'` only (Kumar et al. 2019); got norm={norm!r}.")
    if target == "binary":
        if (strategy == "uniform" and sample_weight is None and _fast_eligible(y_true, y_prob)):
            # one compiled pass that validates and bins; invalid input falls through to the full checks
            edges = _uniform_edges(n_bins)
            sums4, bad = _kernels.checked_unit_ece_stats(np.ascontiguousarray(y_prob),
                                                         np.ascontiguousarray(y_true), edges, True)
            if bad < 0:
                sums = np.zeros((n_bins, _kernels.N_STATS))
                sums[:, :4] = sums4
                return CalibrationStats(edges, sums).expected_calibration_error(norm=norm, debias=debias)
        y, p, w = _binary_inputs(y_true, y_prob, sample_weight, unit_ok=True)
        return _binary_ece(y, p, w, n_bins, strategy, norm, debias)
    P = np.asarray(y_prob)
    if P.ndim == 1:
        P = np.column_stack([1 - check_probabilities(P, ndim=1), P])
    codes, P, w = _multiclass_inputs(y_true, P, sample_weight)
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
# smooth ECE
# --------------------------------------------------------------------------- #
_SMECE_MESH = 200
_SMECE_EPS_DENSITY = 1e-4
_SMECE_MIN_SIGMA = 1e-3


class _SmoothECE:
    """smECE at any bandwidth, caching the gridded data per grid size."""

    def __init__(self, p, y, w):
        self.p, self.r, self.w = p, w * (p - y), w
        self._grids = {}

    def grids(self, n_grid):
        if n_grid not in self._grids:
            self._grids[n_grid] = (_kernels.round_to_grid(self.p, self.r, n_grid),
                                   _kernels.round_to_grid(self.p, self.w, n_grid))
        return self._grids[n_grid]

    def __call__(self, sigma):
        n_eval = max(int(round(10 / sigma)), _SMECE_MESH)
        n_grid = max(2000, int(round(20 / sigma))) // 2 + 1
        gr, gd = self.grids(n_grid)
        return float(_kernels.smooth_ece_from_grids(gr, gd, float(sigma), n_eval, _SMECE_EPS_DENSITY))

    def auto_bandwidth(self, refine=10):
        """Fixed point ``sigma = smECE_sigma`` by bisection (relplot's rule)."""

        def ok(s):
            return s < _SMECE_MIN_SIGMA or s < self(s)

        if ok(1.0):
            return 1.0
        start, end = 1.0, 0.0
        for _ in range(refine):
            mid = (start + end) / 2
            if ok(mid):
                end = mid
            else:
                start = mid
        return start


def _smooth_curve(y, p, w, sigma, t):
    """Kernel-smoothed E[y | p] at points ``t`` (used by the plots)."""
    n_grid = max(2000, int(round(20 / sigma))) // 2 + 1
    gy = _kernels.reflected_gaussian_smooth(_kernels.round_to_grid(p, w * y, n_grid), sigma)
    gd = _kernels.reflected_gaussian_smooth(_kernels.round_to_grid(p, w, n_grid), sigma)
    num = _kernels.interpolate_grid(np.ascontiguousarray(t, dtype=np.float64), gy)
    den = _kernels.interpolate_grid(np.ascontiguousarray(t, dtype=np.float64), gd)
    return num / np.maximum(den, 1e-300)


def smooth_ece(y_true, y_prob, *, bandwidth="auto", sample_weight=None, return_bandwidth=False):
    """Smooth expected calibration error (Blasiok & Nakkiran 2023).

    The residuals ``p_i - y_i`` are smoothed with a Gaussian kernel reflected
    at 0 and 1; ``smECE_sigma = int |r_sigma(t)| delta_sigma(t) dt`` where
    ``r_sigma`` is the smoothed residual and ``delta_sigma`` the smoothed
    density. With ``bandwidth="auto"`` the bandwidth is the fixed point
    ``sigma* = smECE_sigma*`` found by 10 bisection steps. The kernel, the
    discretisation and the bandwidth rule are those of the ``relplot``
    package (its default reflected-Gaussian kernel), so values agree with
    ``relplot.smECE``; this version adds sample weights and a compiled kernel.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class.
    bandwidth : "auto" or float, default="auto"
        Kernel bandwidth ``sigma`` in (0, 1], or the automatic fixed point.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    return_bandwidth : bool, default=False
        Also return the bandwidth used.

    Returns
    -------
    smece : float
    bandwidth : float
        Only with ``return_bandwidth=True``.

    References
    ----------
    J. Blasiok, P. Nakkiran (2023). Smooth ECE: principled reliability
    diagrams via kernel smoothing. arXiv:2309.12236.

    Examples
    --------
    >>> import numpy as np
    >>> from statlearn.calibration import smooth_ece
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=2000)
    >>> y = rng.uniform(size=2000) < p
    >>> bool(smooth_ece(y, p) < 0.05)
    True
    """
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight)
    sm = _SmoothECE(p, y, w)
    if isinstance(bandwidth, str):
        _check_option(bandwidth, "bandwidth", ("auto",))
        sigma = sm.auto_bandwidth()
    else:
        if isinstance(bandwidth, bool) or not isinstance(bandwidth, numbers.Real) or not (0 < bandwidth <= 1):
            raise ValueError(f"`bandwidth` must be 'auto' or a float in (0, 1]; got {bandwidth!r}.")
        sigma = float(bandwidth)
    value = sm(sigma)
    return (value, sigma) if return_bandwidth else value


# --------------------------------------------------------------------------- #
# Balance score
# --------------------------------------------------------------------------- #
def balance_score(y_true, y_prob, *, sample_weight=None):
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
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

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

    >>> import numpy as np
    >>> from statlearn.calibration import balance_score, expected_calibration_error
    >>> p = np.array([0.6] * 10 + [0.9] * 10)      # confidence 0.6 and 0.9
    >>> y = np.array([1] * 4 + [0] * 6 + [1] * 10)  # accuracy 0.4 and 1.0
    >>> round(balance_score(y, p), 6)
    -0.05
    >>> round(expected_calibration_error(y, p, n_bins=10, target="top_label"), 6)
    0.15
    """
    P = np.asarray(y_prob)
    if P.ndim == 2 and P.shape[1] >= 3:
        codes, P, w = _multiclass_inputs(y_true, P, sample_weight)
        correct, conf = _top_label(codes, P)
    else:
        y, p, w = _binary_inputs(y_true, y_prob, sample_weight)
        pred = p >= 0.5
        conf = np.where(pred, p, 1 - p)
        correct = (pred == (y == 1)).astype(np.float64)
    return float(np.average(correct - conf, weights=w))


# --------------------------------------------------------------------------- #
# multicalibration error
# --------------------------------------------------------------------------- #
def multicalibration_error(y_true, y_prob, groups, *, n_bins=10, alpha=0.05, min_cell_size=0,
                           sample_weight=None):
    """Calibration error over every (group, bin) cell of intersecting groups.

    For each group ``S`` (a column of ``groups``) and equal-width bin ``v``
    of width ``1 / n_bins``, the cell ``S_v`` has the residual
    ``mean_w(y - p | S_v)``. Following Hebert-Johnson et al. (2018), cells
    holding at least ``alpha / n_bins`` of their group's weight count toward
    the worst cell. Each group also gets its binned (l1) ECE.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class.
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
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

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
        (n_groups, n_bins)), ``group_names`` (list of str).

    References
    ----------
    U. Hebert-Johnson, M. P. Kim, O. Reingold, G. N. Rothblum (2018).
    Multicalibration: calibration for the (computationally-identifiable)
    masses. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from statlearn.calibration import multicalibration_error
    >>> p = np.array([0.2, 0.3, 0.8, 0.8, 0.2, 0.8])
    >>> y = np.array([0, 1, 1, 1, 0, 0])
    >>> g = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1]], dtype=bool)
    >>> res = multicalibration_error(y, p, g, n_bins=5)
    >>> res.worst_cell, round(res.worst_cell_error, 2)
    (('group_1', 4), 0.3)
    """
    n_bins = _check_n_bins(n_bins)
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not (0 <= alpha <= 1):
        raise ValueError(f"`alpha` must be a float in [0, 1]; got {alpha!r}.")
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight)
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
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, numbers.Real) or min_cell_size < 0:
        raise ValueError(f"`min_cell_size` must be a float >= 0; got {min_cell_size!r}.")
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
    )
