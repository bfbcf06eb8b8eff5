"""Helpers shared by the conformal wrappers (split/CV+, weighted, adaptive): the calibration-size
rule, the ``predict_interval`` request (a fitted pair, or any two levels), and the monotone
interpolation of calibrated rows at levels that were not fitted."""

from __future__ import annotations

import math
import numbers

import numpy as np

from statlearn._validation import check_confidence_level, check_quantiles

from .conformity_scores import _pairs


def _fit_base(est, X, y, sample_weight):
    if sample_weight is None:
        return est.fit(X, y)
    return est.fit(X, y, sample_weight=sample_weight)


def _pattern_text(names, pattern):
    """A membership pattern (intercept first) as text: the groups a row is in, or none."""
    inside = [names[j] for j in np.flatnonzero(pattern[1:])]
    return f"rows in exactly {inside}" if inside else "rows in no group"


def _interval_levels(lower, upper):
    out = []
    for name, v in (("lower", lower), ("upper", upper)):
        if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real):
            raise TypeError(f"`{name}` must be a level in (0, 1); got {v!r}.")
        v = float(v)
        if not 0.0 < v < 1.0:
            raise ValueError(f"`{name}` must be a level in (0, 1); got {v!r}.")
        out.append(v)
    if not out[0] < out[1]:
        raise ValueError(f"`lower` must be below `upper`; got lower={out[0]!r}, upper={out[1]!r}.")
    return out


def _n_calibration(calibration_size, n, note=""):
    """Rows set aside to calibrate: ``ceil(calibration_size * n)`` for a float, the count for an int."""
    cs = calibration_size
    n_cal = int(math.ceil(cs * n)) if isinstance(cs, float) else int(cs)
    if n_cal < 1 or n - n_cal < 1:
        raise ValueError(f"`calibration_size`={cs!r} leaves no rows to fit or to calibrate: `X` has n_samples={n}"
                         f"{note}.")
    return n_cal


def _interval_request(quantiles, confidence_level, lower=None, upper=None):
    """What ``predict_interval`` was asked for: ``("levels", [lo, hi])`` or ``("pair", (a, b))``.

    ``lower``/``upper`` (given together, instead of ``confidence_level``) are any two levels;
    otherwise ``confidence_level`` (``None``: 0.8) must be the nominal coverage
    ``quantiles[b] - quantiles[a]`` of a fitted pair ``(a, b) = (k, K-1-k)``.
    """
    if lower is not None or upper is not None:
        if lower is None or upper is None:
            raise ValueError(f"`lower` and `upper` go together; got only {'lower' if upper is None else 'upper'}.")
        if confidence_level is not None:
            raise ValueError("Pass either `confidence_level` or `lower` and `upper`, not both.")
        return "levels", _interval_levels(lower, upper)
    c = check_confidence_level(0.8 if confidence_level is None else confidence_level)
    if not np.isscalar(c) or isinstance(confidence_level, bool | np.bool_):
        raise TypeError(f"`confidence_level` must be a single float; got {confidence_level!r}.")
    pairs = _pairs(len(quantiles))
    nominal = np.array([quantiles[b] - quantiles[a] for a, b in pairs])
    hit = np.flatnonzero(np.abs(nominal - c) < 1e-9)
    if hit.size == 0:
        raise ValueError(f"`confidence_level` must be one of the fitted pair coverages {np.round(nominal, 6).tolist()} "
                         f"(from `quantiles`); got {c!r}.")
    return "pair", pairs[hit[0]]


def _interpolate_levels(Q, fitted, levels, *, name):
    """Columns of ``Q`` (non-decreasing rows at ``fitted`` levels) at ``levels``: exact at a fitted
    level, linear in the level between two (an infinite end stays infinite)."""
    if np.ndim(levels) != 1:
        raise ValueError(f"`{name}` must be a 1-D sequence of levels; got {np.ndim(levels)} dimension(s).")
    t = check_quantiles(levels, name=name)
    lo, hi = float(fitted[0]), float(fitted[-1])
    out_of = t[(t < lo - 1e-12) | (t > hi + 1e-12)]
    if out_of.size:
        raise ValueError(f"`{name}` must lie within the fitted levels [{lo!r}, {hi!r}] (no extrapolation); got "
                         f"{out_of.tolist()}.")
    k = np.clip(np.searchsorted(fitted, t, side="right") - 1, 0, fitted.size - 1)
    out = np.empty((Q.shape[0], t.size))
    for j, (tj, kj) in enumerate(zip(t, k, strict=True)):
        if abs(tj - fitted[kj]) <= 1e-12 or kj == fitted.size - 1:
            out[:, j] = Q[:, kj]
            continue
        w = (tj - fitted[kj]) / (fitted[kj + 1] - fitted[kj])
        a, b = Q[:, kj], Q[:, kj + 1]
        with np.errstate(invalid="ignore"):
            v = (1.0 - w) * a + w * b
        v = np.where(np.isneginf(a), -np.inf, np.where(np.isposinf(b), np.inf, v))
        out[:, j] = v
    return out
