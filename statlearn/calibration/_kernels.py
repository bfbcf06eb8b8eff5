"""Numba kernels of :mod:`statlearn.calibration`.

Free functions over contiguous float64 / int64 / uint8 arrays; every kernel has
a plain-numpy twin in ``tests/calibration/_oracles.py`` that the tests compare
against.

Binned statistics have ``N_STATS`` columns per bin:
``0`` sum of weights, ``1`` sum of ``w * y``, ``2`` sum of ``w * p``,
``3`` sum of ``w ** 2``, ``4`` sum of ``w * p ** 2``, ``5`` sum of ``w * p * y``.
"""

import math

import numpy as np
from numba import njit

N_STATS = 6


@njit(cache=True)
def _find_bin(p, edges, uniform):
    """Bin of ``p`` for bins ``[e_k, e_{k+1})``, the last bin closed on the right."""
    nb = edges.shape[0] - 1
    if uniform:
        x = p * nb
        b = int(x)
        if b < 0:
            b = 0
        elif b > nb - 1:
            b = nb - 1
        fr = x - b
        if fr < 1e-9 or fr > 1.0 - 1e-9:
            # near an edge: make the arithmetic guess agree exactly with the edges array
            while b > 0 and p < edges[b]:
                b -= 1
            while b < nb - 1 and p >= edges[b + 1]:
                b += 1
        return b
    # binary search: number of interior edges <= p
    lo = 0
    hi = nb - 1  # interior edges are edges[1:nb]
    while lo < hi:
        mid = (lo + hi) // 2
        if edges[mid + 1] <= p:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, inline="always")
def _invalid_binary(pi, yi):
    """``pi`` outside [0, 1] (or NaN) or ``yi`` not 0/1 (``yi * (yi - 1)`` tests it without a branch)."""
    return not (pi >= 0.0 and pi <= 1.0) or yi * (yi - 1) != 0


@njit(cache=True)
def first_invalid_binary(p, y):
    """Index of the first row with ``p`` outside [0, 1] (or NaN) or ``y`` not 0/1; -1 if none."""
    for i in range(p.shape[0]):
        if _invalid_binary(p[i], y[i]):
            return i
    return -1


@njit(cache=True)
def binned_stats(p, y, w, edges, uniform):
    """Per-bin sufficient statistics, shape ``(n_bins, N_STATS)``.

    An empty ``w`` means unit weights.
    """
    nb = edges.shape[0] - 1
    out = np.zeros((nb, N_STATS))
    unit = w.shape[0] == 0
    for i in range(p.shape[0]):
        wi = 1.0 if unit else w[i]
        if wi == 0.0:
            continue
        pi = p[i]
        yi = y[i]
        b = _find_bin(pi, edges, uniform)
        out[b, 0] += wi
        out[b, 1] += wi * yi
        out[b, 2] += wi * pi
        out[b, 3] += wi * wi
        out[b, 4] += wi * pi * pi
        out[b, 5] += wi * pi * yi
    return out


@njit(cache=True)
def binned_ece_stats(p, y, w, edges, uniform):
    """The first four columns of :func:`binned_stats` (what the ECE needs), shape ``(n_bins, 4)``.

    An empty ``w`` means unit weights (then fewer sums are accumulated).
    """
    nb = edges.shape[0] - 1
    cnt = np.zeros(nb)
    sy = np.zeros(nb)
    sp = np.zeros(nb)
    out = np.zeros((nb, 4))
    if w.shape[0] == 0:
        # four interleaved accumulators break the add-to-same-bin dependency chain
        acc = np.zeros((4, nb, 3))
        n = p.shape[0]
        m = n - n % 4
        for i in range(0, m, 4):
            for k in range(4):
                pi = p[i + k]
                b = _find_bin(pi, edges, uniform)
                acc[k, b, 0] += 1.0
                acc[k, b, 1] += y[i + k]
                acc[k, b, 2] += pi
        for i in range(m, n):
            b = _find_bin(p[i], edges, uniform)
            acc[0, b, 0] += 1.0
            acc[0, b, 1] += y[i]
            acc[0, b, 2] += p[i]
        for b in range(nb):
            for k in range(4):
                cnt[b] += acc[k, b, 0]
                sy[b] += acc[k, b, 1]
                sp[b] += acc[k, b, 2]
            out[b, 0] = cnt[b]
            out[b, 3] = cnt[b]
    else:
        sw2 = np.zeros(nb)
        for i in range(p.shape[0]):
            wi = w[i]
            if wi == 0.0:
                continue
            b = _find_bin(p[i], edges, uniform)
            cnt[b] += wi
            sy[b] += wi * y[i]
            sp[b] += wi * p[i]
            sw2[b] += wi * wi
        for b in range(nb):
            out[b, 0] = cnt[b]
            out[b, 3] = sw2[b]
    for b in range(nb):
        out[b, 1] = sy[b]
        out[b, 2] = sp[b]
    return out


@njit(cache=True)
def uniform_ece_unit(p, y, n_bins, norm):
    """Equal-width binned ECE with unit weights, validating in the same pass.

    One pass over any numeric ``p`` (float64 or float32) and ``y`` (bool, int
    or float): each row adds 1 to its bin's count and ``y - p`` to its bin's
    residual. The bin is ``int(p * n_bins)`` corrected against the edges
    ``k * (1 / n_bins)``, which are exactly the values of
    ``np.linspace(0, 1, n_bins + 1)`` (the last bin is closed). ``norm`` is 0
    (l1: ``sum_b |r_b| / n``), 1 (l2) or 2 (max over non-empty bins).

    Returns ``(ece, bad)``: ``bad`` is the index of the first row with ``p``
    outside [0, 1] (or NaN) or ``y`` not 0/1, or -1 (then ``ece`` is valid).
    """
    step = 1.0 / n_bins
    fnb = float(n_bins)
    last = n_bins - 1
    cnt = np.zeros(4 * n_bins)
    res = np.zeros(4 * n_bins)
    n = p.shape[0]
    for i in range(n):
        pi = np.float64(p[i])
        yi = y[i]
        if _invalid_binary(pi, yi):
            return 0.0, i
        b = int(pi * fnb)
        if b > last:
            b = last
        if pi < b * step:
            b -= 1
        elif b < last and pi >= (b + 1) * step:
            b += 1
        o = (i & 3) * n_bins + b  # four interleaved accumulators
        cnt[o] += 1.0
        res[o] += yi - pi
    acc = 0.0
    for b in range(n_bins):
        c = cnt[b] + cnt[n_bins + b] + cnt[2 * n_bins + b] + cnt[3 * n_bins + b]
        if c == 0.0:
            continue
        r = abs(res[b] + res[n_bins + b] + res[2 * n_bins + b] + res[3 * n_bins + b])
        if norm == 0:
            acc += r
        elif norm == 1:
            acc += r * r / c
        elif r / c > acc:
            acc = r / c
    if norm == 0:
        return acc / n, -1
    if norm == 1:
        return math.sqrt(acc / n), -1
    return acc, -1


@njit(cache=True)
def brier_unit(p, y):
    """Brier score with unit weights, validating in the same pass; ``(brier, bad)`` as :func:`uniform_ece_unit`."""
    s = 0.0
    for i in range(p.shape[0]):
        pi = np.float64(p[i])
        yi = y[i]
        if _invalid_binary(pi, yi):
            return 0.0, i
        d = pi - yi
        s += d * d
    return s / p.shape[0], -1


@njit(cache=True)
def bin_index(p, edges, uniform):
    """Bin index of every prediction (same rule as :func:`binned_stats`)."""
    out = np.empty(p.shape[0], dtype=np.int64)
    for i in range(p.shape[0]):
        out[i] = _find_bin(p[i], edges, uniform)
    return out


@njit(cache=True)
def _bucket(p, n_bins):
    """Equal-width bin of ``p``: the rule of :func:`_find_bin` on ``np.linspace(0, 1, n_bins + 1)``.

    Edges are ``k * (1 / n_bins)`` as ``np.linspace`` computes them, so a probability such
    as 0.3 (below the edge 0.30000000000000004) lands in the same bin as in the ECE.
    """
    b = int(p * n_bins)
    if b > n_bins - 1:
        b = n_bins - 1
    elif b < 0:
        b = 0
    step = 1.0 / n_bins
    if b > 0 and p < b * step:
        b -= 1
    elif b < n_bins - 1 and p >= (b + 1) * step:
        b += 1
    return b


@njit(cache=True)
def group_binned_stats(p, y, w, members, n_bins):
    """Per-(group, bin) sums ``[w, w*y, w*p]`` on equal-width bins.

    ``members`` is a ``(n_samples, n_groups)`` uint8 matrix. Returns an array of
    shape ``(n_groups, n_bins, 3)``.
    """
    n, m = members.shape
    out = np.zeros((m, n_bins, 3))
    for i in range(n):
        wi = w[i]
        if wi == 0.0:
            continue
        b = _bucket(p[i], n_bins)
        for g in range(m):
            if members[i, g]:
                out[g, b, 0] += wi
                out[g, b, 1] += wi * y[i]
                out[g, b, 2] += wi * p[i]
    return out


# --------------------------------------------------------------------------- #
# smooth ECE (same discretisation as relplot's reflected Gaussian kernel)
# --------------------------------------------------------------------------- #
@njit(cache=True)
def round_to_grid(f, values, n_grid):
    """Linear split of ``values`` located at ``f`` onto ``n_grid`` equispaced points of [0, 1]."""
    out = np.zeros(n_grid)
    for i in range(f.shape[0]):
        x = f[i] * (n_grid - 1)
        b = int(x)
        if b > n_grid - 2:
            b = n_grid - 2
        elif b < 0:
            b = 0
        frac = x - b
        out[b] += (1.0 - frac) * values[i]
        out[b + 1] += frac * values[i]
    return out


@njit(cache=True, fastmath=True)
def reflected_gaussian_smooth_pair(grid_a, grid_b, sigma):
    """Convolve two grids on [0, 1] with a Gaussian, reflecting at both ends (relplot's rule).

    Kernel values are ``exp(-(t - 1/2)^2 / (2 sigma^2)) / (sqrt(2 pi) sigma)``
    at the grid points ``t``; taps whose weight is below ``exp(-60)`` of the
    peak are skipped.
    """
    e = grid_a.shape[0]
    h = 1.0 / (e - 1)
    norm = math.sqrt(2.0 * math.pi) * sigma
    var2 = 2.0 * sigma * sigma
    reach = math.sqrt(120.0) * sigma / h
    centre = 0.5 / h
    k_lo = max(0, int(math.floor(centre - reach)))
    k_hi = min(e - 1, int(math.ceil(centre + reach)))
    n_taps = k_hi - k_lo + 1
    taps = np.empty(n_taps)  # taps[j] = kernel at index k_hi - j (reversed for forward access)
    for j in range(n_taps):
        t = (k_hi - j) * h - 0.5
        taps[j] = math.exp(-t * t / var2) / norm
    # reflected extensions: index m in [0, 3e - 3]
    ext_a = np.empty(3 * e - 2)
    ext_b = np.empty(3 * e - 2)
    for m in range(e - 1):
        ext_a[m] = grid_a[e - 1 - m]
        ext_b[m] = grid_b[e - 1 - m]
    for m in range(e):
        ext_a[e - 1 + m] = grid_a[m]
        ext_b[e - 1 + m] = grid_b[m]
    for m in range(2 * e - 1, 3 * e - 2):
        ext_a[m] = grid_a[3 * e - 3 - m]
        ext_b[m] = grid_b[3 * e - 3 - m]
    half = e // 2
    out_a = np.empty(e)
    out_b = np.empty(e)
    for i in range(e):
        start = i + half + e - 1 - k_hi
        sa = 0.0
        sb = 0.0
        for j in range(n_taps):
            sa += taps[j] * ext_a[start + j]
            sb += taps[j] * ext_b[start + j]
        out_a[i] = sa
        out_b[i] = sb
    return out_a, out_b


@njit(cache=True)
def reflected_gaussian_smooth(grid, sigma):
    """One-grid version of :func:`reflected_gaussian_smooth_pair`."""
    out, _ = reflected_gaussian_smooth_pair(grid, grid, sigma)
    return out


@njit(cache=True)
def interpolate_grid(t, grid):
    """Linear interpolation of a function given at ``k / (len(grid) - 1)`` (relplot's rule)."""
    e = grid.shape[0]
    size = 1.0 / (e - 1)
    out = np.empty(t.shape[0])
    for j in range(t.shape[0]):
        ind = int(t[j] * (e - 1))
        if ind > e - 2:
            ind = e - 2
        elif ind < 0:
            ind = 0
        res = (t[j] - ind * size) / size
        out[j] = grid[ind] * (1.0 - res) + grid[ind + 1] * res
    return out


@njit(cache=True)
def smooth_ece_from_grids(grid_r, grid_d, sigma, n_eval, eps):
    """smECE at bandwidth ``sigma`` from the gridded residuals and weights."""
    sr, sd = reflected_gaussian_smooth_pair(grid_r, grid_d, sigma)
    t = np.empty(n_eval)
    for j in range(n_eval):
        t[j] = j / (n_eval - 1)
    if n_eval > 1:
        t[n_eval - 1] = 1.0
    ys = interpolate_grid(t, sr)
    dens = interpolate_grid(t, sd)
    num = 0.0
    den = 0.0
    for j in range(n_eval):
        d = dens[j] + eps
        num += abs(ys[j] / d) * d
        den += d
    return num / den


# --------------------------------------------------------------------------- #
# inference: the ECE of perfectly calibrated outcomes (noise floor)
# --------------------------------------------------------------------------- #
@njit(cache=True)
def null_group_ece(p, w, members, indptr, bins, sum_w, sum_wp, u, norm):
    """Per-group binned ECE when ``y_i = 1[u[s, i] < p_i]``, for each simulation ``s``.

    ``members[indptr[g]:indptr[g + 1]]`` are the rows of group ``g`` and
    ``bins`` (aligned with ``members``) their bins; ``sum_w`` and ``sum_wp``
    (shape ``(n_groups, n_bins)``) are the per-cell sums that do not depend
    on ``y``. ``norm`` is 0 (l1), 1 (l2) or 2 (max). Returns ``(n_sim, n_groups)``.
    """
    n_sim = u.shape[0]
    n_groups, n_bins = sum_w.shape
    out = np.empty((n_sim, n_groups))
    wy = np.zeros(n_bins)
    for s in range(n_sim):
        for g in range(n_groups):
            for b in range(n_bins):
                wy[b] = 0.0
            for k in range(indptr[g], indptr[g + 1]):
                i = members[k]
                if u[s, i] < p[i]:
                    wy[bins[k]] += w[i]
            total = 0.0
            acc = 0.0
            for b in range(n_bins):
                wb = sum_w[g, b]
                if wb > 0.0:
                    gap = abs(wy[b] - sum_wp[g, b]) / wb
                    total += wb
                    if norm == 0:
                        acc += wb * gap
                    elif norm == 1:
                        acc += wb * gap * gap
                    elif gap > acc:
                        acc = gap
            if total == 0.0:
                out[s, g] = np.nan
            elif norm == 0:
                out[s, g] = acc / total
            elif norm == 1:
                out[s, g] = math.sqrt(acc / total)
            else:
                out[s, g] = acc
    return out
