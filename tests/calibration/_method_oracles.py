"""Slow, obviously correct twins of the calibration-method kernels (HKRR with a standard-error rule)."""

import numpy as np


def _uniform_ids(p, n_bins):
    edges = np.linspace(0, 1, n_bins + 1)
    return np.clip(np.searchsorted(edges, p, side="right") - 1, 0, n_bins - 1)


def _patch(P, rows, col, delta, lo, hi):
    old = P[rows, col].copy()
    new = np.clip(old + delta, lo, hi)
    others = [c for c in range(P.shape[1]) if c != col]
    for c in others:
        P[rows, c] = np.where(old < 1, P[rows, c] * (1 - new) / np.where(old < 1, 1 - old, 1),
                              (1 - new) / len(others))
    P[rows, col] = new


def hkrr(P, y, w, G, cols, n_bins, alpha, z, max_iter, orders, min_mass_frac=0.0, min_weight=0.0, lo=0.0, hi=1.0,
         learning_rate=1.0):
    """Plain Python HKRR loop on a probability matrix; a cell (group, class, bucket) is patched when
    |r| > max(alpha, z * se) and the other classes are rescaled. Returns (P, updates, n_iter)."""
    P = P.copy()
    updates = []
    n_iter = 0
    for it in range(max_iter):
        n_iter = it + 1
        changed = False
        for g in orders[it]:
            S = np.flatnonzero(G[:, g])
            if S.size == 0 or w[S].sum() <= 0:
                continue
            total = w[S].sum()
            for col in cols:
                yk = (y == col).astype(float)
                for v in range(n_bins):
                    cell = S[_uniform_ids(P[S, col], n_bins) == v]
                    mass = w[cell].sum()
                    if mass <= 0 or mass < min_mass_frac * total or mass < min_weight:
                        continue
                    p = P[cell, col]
                    r = np.sum(w[cell] * (yk[cell] - p)) / mass
                    se = np.sqrt(np.sum(w[cell] ** 2 * p * (1 - p))) / mass
                    if abs(r) <= max(alpha, z * se):
                        continue
                    r *= learning_rate
                    _patch(P, cell, col, r, lo, hi)
                    updates.append((col, g, v, r))
                    changed = True
        if not changed:
            break
    return P, np.array(updates, dtype=float).reshape(-1, 4), n_iter


def hkrr_apply(P, G, updates, n_bins, lo=0.0, hi=1.0):
    P = P.copy()
    for col, g, v, delta in updates:
        rows = np.flatnonzero(G[:, int(g)] & (_uniform_ids(P[:, int(col)], n_bins) == int(v)))
        _patch(P, rows, int(col), delta, lo, hi)
    return P
