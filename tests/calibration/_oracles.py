"""Slow, obviously correct twins of the calibration kernels."""

import numpy as np


def bin_ids(p, edges):
    """Bins [e_k, e_{k+1}), last closed (np.histogram's rule)."""
    nb = len(edges) - 1
    return np.clip(np.searchsorted(edges, p, side="right") - 1, 0, nb - 1)


def binned_stats(p, y, w, edges):
    nb = len(edges) - 1
    b = bin_ids(p, edges)
    cols = [w, w * y, w * p, w * w, w * p * p, w * p * y]
    return np.column_stack([np.bincount(b, weights=c, minlength=nb) for c in cols])


def ece(y, p, w, edges, norm="l1"):
    """Loop over bins with boolean masks."""
    b = bin_ids(p, edges)
    gaps, masses = [], []
    for k in range(len(edges) - 1):
        m = (b == k) & (w > 0)
        if not m.any():
            continue
        gaps.append(abs(np.average(y[m], weights=w[m]) - np.average(p[m], weights=w[m])))
        masses.append(w[m].sum())
    gaps, masses = np.array(gaps), np.array(masses) / np.sum(masses)
    if norm == "l1":
        return float(np.sum(masses * gaps))
    if norm == "l2":
        return float(np.sqrt(np.sum(masses * gaps**2)))
    return float(gaps.max())


def debiased_l2(y, p, edges):
    """Kumar et al. (2019) unbiased squared CE, unit weights, as in their `calibration` library."""
    b = bin_ids(p, edges)
    n = len(p)
    total = 0.0
    for k in range(len(edges) - 1):
        m = b == k
        nk = int(m.sum())
        if nk < 2:
            continue
        est = (y[m].mean() - p[m].mean()) ** 2
        var = y[m].mean() * (1 - y[m].mean()) / (nk - 1)
        total += nk / n * (est - var)
    return max(total, 0.0) ** 0.5


def round_to_grid(f, values, n_grid):
    """relplot's smooth_round_to_grid."""
    out = np.zeros(n_grid)
    bins = (f * (n_grid - 1)).astype(int).clip(0, n_grid - 2)
    frac = f * (n_grid - 1) - bins
    np.add.at(out, bins, (1 - frac) * values)
    np.add.at(out, bins + 1, frac * values)
    return out


def reflected_gaussian_smooth(grid, sigma):
    """relplot's ReflectedGaussianKernel.convolve via np.convolve."""
    e = len(grid)
    t = np.linspace(0, 1, e)
    ker = np.exp(-(t - 0.5) ** 2 / (2 * sigma**2)) / (np.sqrt(2 * np.pi) * sigma)
    ext = np.concatenate([np.flip(grid)[:-1], grid, np.flip(grid)[1:]])
    return np.convolve(ext, ker, "valid")[e // 2: e // 2 + e]


def _uniform_ids(p, n_bins):
    return bin_ids(p, np.linspace(0, 1, n_bins + 1))


def group_stats(p, y, w, G, n_bins):
    b = _uniform_ids(p, n_bins)
    out = np.zeros((G.shape[1], n_bins, 3))
    for g in range(G.shape[1]):
        m = G[:, g]
        for c, v in enumerate([w, w * y, w * p]):
            out[g, :, c] = np.bincount(b[m], weights=v[m], minlength=n_bins)
    return out
