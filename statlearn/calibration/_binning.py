"""Binning shared by the binned calibration metrics: input checks, bin edges,
and the mergeable per-bin sufficient statistics (:class:`CalibrationStats`).

Binning rule: bins are ``[e_k, e_{k+1})`` with the last bin closed on the
right, so ``p = 0`` falls in the first bin and ``p = 1`` in the last.
Equal-width edges are ``np.linspace(0, 1, n_bins + 1)``; equal-mass edges are
(weighted) quantiles of the predictions with linear interpolation
(``np.percentile``'s default when all weights are equal).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from statlearn._base import check_generator
from statlearn._docstrings import fill_doc
from statlearn._validation import (
    Interval,
    Options,
    check_binary_target,
    check_consistent_length,
    check_finite_array,
    check_multiclass_target,
    check_probabilities,
    check_sample_weight,
)

from . import _kernels

__all__ = ["BrierDecomposition", "CalibrationStats"]

# argument constraints shared by the public functions (statlearn._validation.validate_args)
N_BINS = [Interval("integral", 1, None)]
STRATEGY = [Options("uniform", "quantile")]
NORM = [Options("l1", "l2", "max")]
RANDOM_STATE = ["random_state"]


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


def _check_random_state(random_state):
    """A numpy Generator from ``random_state`` (the contract's one rule)."""
    return check_generator(random_state)


_FAST_P = (np.dtype(np.float64), np.dtype(np.float32))


def _fast_eligible(y_true, y_prob, pos_label=None):
    """1-D float64/float32 probabilities and bool/int/float labels of the same length, positive class 1."""
    return (type(y_prob) is np.ndarray and type(y_true) is np.ndarray and y_prob.ndim == 1
            and y_prob.shape == y_true.shape and y_prob.size > 0 and y_prob.dtype in _FAST_P
            and y_true.dtype.kind in "biuf" and y_true.dtype.itemsize <= 8 and y_true.dtype != np.float16
            and (pos_label is None or (not isinstance(pos_label, str | bool) and pos_label == 1)))


def _sized(y, name="y_true"):
    if np.ndim(y) == 0:
        raise ValueError(f"`{name}` must be 1-D (one label per sample); got a scalar {y!r}.")
    return y if hasattr(y, "__len__") else np.asarray(y)


def _binary_target(y_true, pos_label, name="y_true"):
    """0/1 target by the contract's rule (``pos_label=None`` only for {0,1}, {-1,1}, {False,True})."""
    return check_binary_target(y_true, pos_label=pos_label, name=name)[0]


def _positive_column(p):
    """Probability of the positive class from a 1-D array, a column, or two columns."""
    if p.ndim == 2:
        if p.shape[1] not in (1, 2):
            raise ValueError(
                "`y_prob` must be 1-D (probability of the positive class), one column, or two "
                f"columns [P(negative), P(positive)] for a binary metric; got shape {p.shape}."
            )
        p = np.ascontiguousarray(p[:, -1])
    return p


def _binary_inputs(y_true, y_prob, sample_weight, *, pos_label=None, unit_ok=False):
    """Validate binary labels, positive-class probabilities and weights.

    Numeric 1-D arrays with 0/1 labels (positive class 1) take a one-pass
    compiled check; other input (or any invalid value) goes through the full
    checks and their error messages. With ``unit_ok`` and no weights, the
    weights returned are an empty array meaning "all ones" (for
    :func:`_kernels.binned_stats`).
    """
    if _fast_eligible(y_true, y_prob, pos_label):
        p = np.ascontiguousarray(y_prob)
        y = np.ascontiguousarray(y_true)
        if _kernels.first_invalid_binary(p, y) < 0:
            if p.dtype != np.float64:
                p = p.astype(np.float64)
            if y.dtype not in (np.float64, np.int64):
                y = y.astype(np.float64)
            if sample_weight is None:
                w = _EMPTY if unit_ok else np.ones(p.shape[0])
            else:
                w = check_sample_weight(sample_weight, p.shape[0])
            return y, p, w
    arr = np.asarray(y_prob)
    if arr.ndim == 2 and arr.shape[1] == 1:  # a column vector: no row-sum check
        arr = arr[:, 0]
    p = _positive_column(check_probabilities(arr, name="y_prob", ndim=(1, 2)))
    check_consistent_length(y_true=_sized(y_true), y_prob=p)
    y = _binary_target(y_true, pos_label)
    w = check_sample_weight(sample_weight, p.shape[0])
    if unit_ok and sample_weight is None:
        w = _EMPTY
    return y, p, w


def _multiclass_inputs(y_true, y_prob, sample_weight, *, labels=None):
    """Validate labels and a probability matrix (n_samples, n_classes); labels as codes.

    Labels follow scikit-learn's rule: with ``labels`` the codes index into
    it; without, the sorted distinct labels of ``y_true`` must number exactly
    ``n_classes`` (a missing class is never guessed).
    """
    P = check_probabilities(y_prob, name="y_prob", ndim=2)
    if P.shape[1] < 2:
        raise ValueError(f"`y_prob` must have one column per class (at least 2) for a multiclass target; "
                         f"got shape {P.shape}.")
    check_consistent_length(y_true=_sized(y_true), y_prob=P)
    codes, _ = check_multiclass_target(y_true, labels=labels, n_classes=P.shape[1], name="y_true")
    w = check_sample_weight(sample_weight, P.shape[0])
    return np.asarray(codes, dtype=np.int64), P, w


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


def _check_edges(bins, name="bins"):
    e = check_finite_array(bins, name=name, ndim=1)
    if e.size < 2 or not (np.diff(e) >= 0).all():
        raise ValueError(f"`{name}` must be a non-decreasing array of at least 2 edges; got {e.tolist()[:8]}.")
    if e[0] > 0.0 or e[-1] < 1.0:
        raise ValueError(
            f"`{name}` must cover [0, 1] (first edge <= 0, last edge >= 1), or predictions outside them "
            f"would fall into the outer bins; got edges from {e[0]!r} to {e[-1]!r}. Set the outer edges to "
            "0 and 1."
        )
    return e


# --------------------------------------------------------------------------- #
# mergeable sufficient statistics
# --------------------------------------------------------------------------- #
@fill_doc
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
    pos_label : int, float, bool or str, default=None
        The positive class the sums were computed with (``None``: labels in
        {0, 1}, {-1, 1} or {False, True}).

    Attributes
    ----------
    edges : ndarray of shape (n_bins + 1,)
        The bin edges.
    sums : ndarray of shape (n_bins, 6)
        The per-bin sums.
    pos_label : object
        The positive class (or ``None``).

    See Also
    --------
    expected_calibration_error : The one-pass metric.

    Notes
    -----
    Equal-mass edges depend on all the data, so for streaming pass fixed
    edges (for example quantiles of a first chunk with the outer edges set
    to 0 and 1, or equal-width edges).

    Examples
    --------
    >>> from statlearn.calibration import CalibrationStats, expected_calibration_error
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=1000)
    >>> y = rng.uniform(size=1000) < p ** 2
    >>> stats = CalibrationStats.from_predictions(y[:600], p[:600], bins=15)
    >>> stats = stats + CalibrationStats.from_predictions(y[600:], p[600:], bins=15)
    >>> bool(np.isclose(stats.expected_calibration_error(), expected_calibration_error(y, p)))
    True
    """

    def __init__(self, edges, sums=None, *, pos_label=None):
        self.pos_label = pos_label
        self.edges = _check_edges(edges, "edges")
        n_bins = self.edges.size - 1
        if sums is None:
            sums = np.zeros((n_bins, _kernels.N_STATS))
        sums = np.asarray(sums, dtype=np.float64)
        if sums.shape != (n_bins, _kernels.N_STATS):
            raise ValueError(f"`sums` must have shape ({n_bins}, {_kernels.N_STATS}); got {sums.shape}.")
        self.sums = sums

    @classmethod
    def _from_sums(cls, edges, sums, pos_label=None):
        """Internal: wrap sums computed here over data-driven edges (equal-mass edges span the data only)."""
        self = cls.__new__(cls)
        self.edges, self.sums, self.pos_label = edges, sums, pos_label
        return self

    @property
    def _uniform(self):
        n_bins = self.edges.size - 1
        return bool(np.array_equal(self.edges, _uniform_edges(n_bins)))

    @classmethod
    def from_predictions(cls, y_true, y_prob, *, bins=15, sample_weight=None, pos_label=None):
        """Statistics of one batch of binary forecasts.

        Parameters
        ----------
        {y_true}
        {y_prob}
        bins : int or array-like of shape (n_bins + 1,), default=15
            Number of equal-width bins, or explicit edges covering [0, 1].
        {sample_weight}
        pos_label : int, float, bool or str, default=None
            The positive class; required unless the labels are in {0, 1},
            {-1, 1} or {False, True}. A chunk holding only negatives needs it
            (any other label then means "all negative"). It is remembered by
            :meth:`update` and checked by :meth:`merge`.

        Returns
        -------
        stats : CalibrationStats
        """
        y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label, unit_ok=True)
        if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
            edges, uniform = _uniform_edges(_check_n_bins(bins, "bins")), True
        else:
            edges = _check_edges(bins)
            uniform = bool(np.array_equal(edges, _uniform_edges(edges.size - 1)))
        return cls(edges, _kernels.binned_stats(p, y, w, edges, uniform), pos_label=pos_label)

    def update(self, y_true, y_prob, *, sample_weight=None, pos_label=None):
        """Add a batch in place and return ``self``.

        Parameters
        ----------
        {y_true}
        {y_prob}
        {sample_weight}
        pos_label : int, float, bool or str, default=None
            The positive class; by default the one these statistics were
            built with.

        Returns
        -------
        self : CalibrationStats
        """
        pos_label = self.pos_label if pos_label is None else pos_label
        other = type(self).from_predictions(y_true, y_prob, bins=self.edges, sample_weight=sample_weight,
                                            pos_label=pos_label)
        self._check_same_pos_label(other)
        self.sums = self.sums + other.sums
        self.pos_label = pos_label
        return self

    def _check_same_pos_label(self, other):
        if self.pos_label is not None and other.pos_label is not None and self.pos_label != other.pos_label:
            raise ValueError(f"Cannot merge statistics with different `pos_label`: {self.pos_label!r} and "
                             f"{other.pos_label!r}.")

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
        self._check_same_pos_label(other)
        pos_label = self.pos_label if self.pos_label is not None else other.pos_label
        return type(self)(self.edges.copy(), self.sums + other.sums, pos_label=pos_label)

    def __add__(self, other):
        return self.merge(other)

    def __radd__(self, other):
        # sum(stats) starts from 0
        if isinstance(other, numbers.Number) and not isinstance(other, bool) and other == 0:
            return type(self)(self.edges.copy(), self.sums.copy(), pos_label=self.pos_label)
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
