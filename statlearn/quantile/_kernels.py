"""Numba kernels of :mod:`statlearn.quantile`.

Free functions over contiguous float64 arrays; no Python objects inside.
Every kernel has a plain-numpy twin in ``tests/quantile/_oracles.py`` that the
tests compare against.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def pinball_per_level(y, Q, tau, w):
    """Weighted mean pinball loss of each column: returns shape (K,)."""
    n, K = Q.shape
    out = np.zeros(K)
    wsum = 0.0
    for i in range(n):
        wi = w[i]
        wsum += wi
        yi = y[i]
        for k in range(K):
            r = yi - Q[i, k]
            if r >= 0.0:
                out[k] += wi * tau[k] * r
            else:
                out[k] += wi * (tau[k] - 1.0) * r
    for k in range(K):
        out[k] /= wsum
    return out


@njit(cache=True)
def wis_mean(y, Q, tau, w):
    """Weighted mean over rows of 2 * mean_k pinball (Bracher-normalised WIS)."""
    n, K = Q.shape
    total = 0.0
    wsum = 0.0
    for i in range(n):
        yi = y[i]
        s = 0.0
        for k in range(K):
            r = yi - Q[i, k]
            if r >= 0.0:
                s += tau[k] * r
            else:
                s += (tau[k] - 1.0) * r
        total += w[i] * s
        wsum += w[i]
    return 2.0 * total / (K * wsum)


@njit(cache=True)
def wis_rows(y, Q, tau):
    """Per-row WIS (2 * mean pinball over the levels): shape (n,)."""
    n, K = Q.shape
    out = np.empty(n)
    for i in range(n):
        yi = y[i]
        s = 0.0
        for k in range(K):
            r = yi - Q[i, k]
            if r >= 0.0:
                s += tau[k] * r
            else:
                s += (tau[k] - 1.0) * r
        out[i] = 2.0 * s / K
    return out


@njit(cache=True)
def sort_rows(Q):
    """Sort every row ascending (insertion sort; rows of quantiles are short)."""
    n, K = Q.shape
    out = Q.copy()
    for i in range(n):
        for k in range(1, K):
            v = out[i, k]
            j = k - 1
            while j >= 0 and out[i, j] > v:
                out[i, j + 1] = out[i, j]
                j -= 1
            out[i, j + 1] = v
    return out


@njit(cache=True)
def isotonic_rows(Q, W):
    """Row-wise weighted L2 isotonic regression (pool adjacent violators).

    ``W`` has shape (1, K) (the same level weights for every row) or (n, K).
    Weights must be positive.
    """
    n, K = Q.shape
    shared = W.shape[0] == 1
    out = np.empty_like(Q)
    val = np.empty(K)
    wt = np.empty(K)
    start = np.empty(K, dtype=np.int64)
    for i in range(n):
        wi = 0 if shared else i
        nb = 0
        for k in range(K):
            val[nb] = Q[i, k]
            wt[nb] = W[wi, k]
            start[nb] = k
            nb += 1
            while nb > 1 and val[nb - 2] > val[nb - 1]:
                tot = wt[nb - 2] + wt[nb - 1]
                val[nb - 2] = (wt[nb - 2] * val[nb - 2] + wt[nb - 1] * val[nb - 1]) / tot
                wt[nb - 2] = tot
                nb -= 1
        for b in range(nb):
            stop = start[b + 1] if b + 1 < nb else K
            v = val[b]
            for k in range(start[b], stop):
                out[i, k] = v
    return out


@njit(cache=True)
def minmax_rows(Q, center):
    """Min-max sweep outward from column ``center``: only widens around it."""
    n, K = Q.shape
    out = Q.copy()
    for i in range(n):
        for k in range(center - 1, -1, -1):
            if out[i, k] > out[i, k + 1]:
                out[i, k] = out[i, k + 1]
        for k in range(center + 1, K):
            if out[i, k] < out[i, k - 1]:
                out[i, k] = out[i, k - 1]
    return out


@njit(cache=True)
def crossing_rows(Q):
    """Boolean per row: does any adjacent pair of columns decrease?"""
    n, K = Q.shape
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        for k in range(1, K):
            if Q[i, k] < Q[i, k - 1]:
                out[i] = True
                break
    return out
