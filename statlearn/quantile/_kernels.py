"""Numba kernels of :mod:`statlearn.quantile`.

Free functions over contiguous float64 arrays; no Python objects inside.
Every kernel has a plain-numpy twin in ``tests/quantile/_oracles.py`` that the
tests compare against.
"""

import numpy as np
from numba import njit

# Fast-math without the no-NaN / no-inf assumptions, so that a non-finite input
# still yields a non-finite result (the public functions rely on it to validate lazily).
_FAST = {"reassoc", "nsz", "arcp", "contract"}


@njit(cache=True, fastmath=_FAST)
def pinball_per_level(y, Q, tau, w):
    """Weighted mean pinball loss of each column: returns shape (K,).

    Uses psi_tau(r) = tau * r + max(-r, 0), which is branch-free.
    """
    n, K = Q.shape
    out = np.zeros(K)
    wsum = 0.0
    for i in range(n):
        wi = w[i]
        wsum += wi
        yi = y[i]
        for k in range(K):
            r = yi - Q[i, k]
            out[k] += wi * (tau[k] * r + max(-r, 0.0))
    for k in range(K):
        out[k] /= wsum
    return out


@njit(cache=True, fastmath=_FAST)
def wis_mean(y, Q, tau, w):
    """Weighted mean over rows of 2 * mean_k pinball (Bracher-normalised WIS).

    A non-finite input gives a non-finite result (callers validate then).
    """
    n, K = Q.shape
    tau_sum = 0.0
    for k in range(K):
        tau_sum += tau[k]
    total = 0.0
    wsum = 0.0
    for i in range(n):
        yi = y[i]
        s = yi * tau_sum
        for k in range(K):
            q = Q[i, k]
            s += max(q - yi, 0.0) - tau[k] * q
        total += w[i] * s
        wsum += w[i]
    return 2.0 * total / (K * wsum)


@njit(cache=True, fastmath=_FAST)
def wis_rows(y, Q, tau):
    """Per-row WIS (2 * mean pinball over the levels): shape (n,)."""
    n, K = Q.shape
    out = np.empty(n)
    for i in range(n):
        yi = y[i]
        s = 0.0
        for k in range(K):
            r = yi - Q[i, k]
            s += tau[k] * r + max(-r, 0.0)
        out[i] = 2.0 * s / K
    return out


@njit(cache=True)
def isotonic_rows(Q, W):
    """Row-wise weighted L2 isotonic regression (pool adjacent violators).

    ``W`` has shape (1, K) (the same level weights for every row) or (n, K).
    Weights must be positive. One pass per row, writing straight into ``out``:
    a monotone step costs one comparison and one store; a violation pools the
    new element backwards with the preceding singletons and pooled blocks
    (only pooled blocks live on a small stack) and rewrites the pooled range.
    Returns ``(out, finite)``; ``finite`` is False when ``Q`` holds NaN or inf
    (then ``out`` is meaningless).
    """
    n, K = Q.shape
    shared = W.shape[0] == 1
    out = np.empty_like(Q)
    b_start = np.empty(K, dtype=np.int64)
    b_end = np.empty(K, dtype=np.int64)
    b_w = np.empty(K)
    b_wy = np.empty(K)
    finite = True
    for r in range(n):
        wr = 0 if shared else r
        nb = 0
        prev = Q[r, 0]
        if not (prev - prev == 0.0):
            finite = False
        out[r, 0] = prev
        for k in range(1, K):
            x = Q[r, k]
            if x >= prev:
                if not (x - x == 0.0):
                    finite = False
                out[r, k] = x
                prev = x
                continue
            if not (x - x == 0.0):
                finite = False
            tw = W[wr, k]
            twy = tw * x
            mean = x
            start = k
            while start > 0:
                j = start - 1
                if nb > 0 and b_end[nb - 1] == j:
                    cw = b_w[nb - 1]
                    cwy = b_wy[nb - 1]
                    if cwy / cw <= mean:
                        break
                    nb -= 1
                    start = b_start[nb]
                else:
                    if out[r, j] <= mean:
                        break
                    cw = W[wr, j]
                    cwy = cw * out[r, j]
                    start = j
                tw += cw
                twy += cwy
                mean = twy / tw
            b_start[nb] = start
            b_end[nb] = k
            b_w[nb] = tw
            b_wy[nb] = twy
            nb += 1
            for j in range(start, k + 1):
                out[r, j] = mean
            prev = mean
    return out, finite


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
