"""Smooth ECE (Blasiok & Nakkiran 2023) and the kernel-smoothed reliability curve."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, check_confidence_level, validate_args

from . import _kernels
from ._binning import RANDOM_STATE, _binary_inputs, _check_random_state

__all__ = ["smooth_calibration_curve", "smooth_ece"]


# --------------------------------------------------------------------------- #
# smooth ECE
# --------------------------------------------------------------------------- #
_SMECE_MESH = 200
_SMECE_EPS_DENSITY = 1e-4
_SMECE_MIN_SIGMA = 1e-3
# smallest fixed bandwidth: the kernel grid has about 10 / bandwidth points (1e5 here, ~20 ms);
# below it the grid outgrows memory (1e-9: 1e10 points) while the value has reached its limit,
# the binned ECE with one bin per distinct prediction
MIN_BANDWIDTH = 1e-4
BANDWIDTH = [Options("auto"), Interval("real", MIN_BANDWIDTH, 1)]


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


@validate_args({"bandwidth": BANDWIDTH, "return_bandwidth": ["boolean"]})
@fill_doc
def smooth_ece(y_true, y_prob, *, bandwidth="auto", sample_weight=None, pos_label=None, return_bandwidth=False):
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
    {y_true}
    {y_prob}
    bandwidth : "auto" or float, default="auto"
        Kernel bandwidth ``sigma`` in [1e-4, 1], or the automatic fixed point.
        The kernel grid has about ``10 / sigma`` points; as ``sigma`` goes to
        0 the value tends to the binned ECE with one bin per distinct
        prediction.
    {sample_weight}
    {pos_label_smooth}
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
    >>> from statlearn.calibration import smooth_ece
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=2000)
    >>> y = rng.uniform(size=2000) < p
    >>> bool(smooth_ece(y, p) < 0.05)
    True
    """
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label)
    sm = _SmoothECE(p, y, w)
    sigma = _auto_or_fixed(bandwidth)
    if sigma is None:
        sigma = sm.auto_bandwidth()
    value = sm(sigma)
    return (value, sigma) if return_bandwidth else value



def _auto_or_fixed(bandwidth):
    """``None`` for "auto" (already validated), else the float bandwidth."""
    return None if isinstance(bandwidth, str) else float(bandwidth)


def _support_mask(p, w, t):
    """Grid points within three grid steps of a prediction with positive weight."""
    dens = np.histogram(p, bins=t.size - 1, range=(0, 1), weights=w)[0]
    support = np.convolve(dens > 0, np.ones(7), "same") > 0
    return np.concatenate([support, support[-1:]])


@validate_args({"bandwidth": BANDWIDTH, "n_bootstrap": [Interval("integral", 0, None)],
                "n_points": [Interval("integral", 2, None)], "random_state": RANDOM_STATE})
@fill_doc
def smooth_calibration_curve(y_true, y_prob, *, bandwidth="auto", n_bootstrap=100, confidence_level=0.9,
                             n_points=201, sample_weight=None, pos_label=None, random_state=None):
    """Kernel-smoothed reliability curve ``E[y | p]`` with a bootstrap band.

    The curve is the Nadaraya-Watson estimate of ``E[y | p = t]`` with the
    reflected Gaussian kernel of :func:`smooth_ece`, on ``n_points`` equally
    spaced points of [0, 1]. The band holds the pointwise
    ``(1 - confidence_level) / 2`` and ``(1 + confidence_level) / 2``
    quantiles of the curve over ``n_bootstrap`` resamples of the rows (the
    bandwidth is kept fixed). Points farther than three grid steps from every
    prediction are dropped, so the curve is shown only where there is data.

    Parameters
    ----------
    {y_true}
    {y_prob}
    bandwidth : "auto" or float, default="auto"
        Kernel bandwidth in [1e-4, 1]; ``"auto"`` uses the fixed point of
        :func:`smooth_ece`.
    n_bootstrap : int, default=100
        Bootstrap resamples for the band (0: no band, ``lower = upper = curve``).
    confidence_level : float, default=0.9
        Pointwise coverage of the band.
    n_points : int, default=201
        Number of grid points on [0, 1].
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights (resampled with their rows).
    {pos_label_smooth}
    {random_state_bootstrap}

    Returns
    -------
    result : Bunch
        ``t`` (grid points kept, shape (n_kept,)), ``curve``, ``lower``,
        ``upper`` (same shape) and ``bandwidth`` (float).

    See Also
    --------
    smooth_ece : The calibration error of this curve.
    ReliabilityDisplay : Draws it.

    Examples
    --------
    >>> from statlearn.calibration import smooth_calibration_curve
    >>> from statlearn.datasets import make_miscalibrated_predictions
    >>> y, p, _ = make_miscalibrated_predictions(2000, random_state=0)
    >>> res = smooth_calibration_curve(y, p, n_bootstrap=20, random_state=0)
    >>> bool(np.all(res.lower <= res.upper))
    True
    """
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label)
    sigma = _auto_or_fixed(bandwidth)
    level = check_confidence_level(confidence_level)
    rng = _check_random_state(random_state)
    if sigma is None:
        sigma = _SmoothECE(p, y, w).auto_bandwidth()
    t = np.linspace(0.0, 1.0, int(n_points))
    curve = _smooth_curve(y, p, w, sigma, t)
    lo = hi = curve
    if n_bootstrap > 0:
        boots = np.empty((int(n_bootstrap), t.size))
        for b in range(int(n_bootstrap)):
            idx = rng.integers(0, p.size, size=p.size)
            boots[b] = _smooth_curve(y[idx], p[idx], w[idx], sigma, t)
        lo, hi = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2], axis=0)
    keep = _support_mask(p, w, t)
    return Bunch(t=t[keep], curve=curve[keep], lower=lo[keep], upper=hi[keep], bandwidth=float(sigma))
