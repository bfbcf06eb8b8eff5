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
def _write_blocks(row, b_start, b_end, b_mean, nb):
    """Write the mean of each of the ``nb`` pooled blocks over its range of ``row``; False when a
    mean is NaN or infinite."""
    finite = True
    for b in range(nb):
        m = b_mean[b]
        if not (m - m == 0.0):
            finite = False
        for j in range(b_start[b], b_end[b] + 1):
            row[j] = m
    return finite


@njit(cache=True)
def isotonic_rows(Q, W):
    """Row-wise weighted L2 isotonic regression (pool adjacent violators), O(K) per row.

    ``W`` has shape (1, K) (the same level weights for every row) or (n, K);
    weights must be positive. One pass per row:

    - a monotone step (``x >= prev``) costs one comparison and one store into ``out``
      (singletons live in ``out`` itself);
    - a violation pools the new element backwards with the open block (kept in
      registers), then with preceding closed blocks (a stack of start, end,
      weight, weighted sum and mean) and singletons, comparing means without a
      division (``mean_j * w > s``);
    - every pooled block is written once, after the row is done.

    Each pooling step absorbs one singleton or pops one block, and each is
    absorbed or popped at most once, so a row costs at most ``2 K`` pooling
    steps plus ``2 K`` stores: linear in ``K`` whatever the pattern (the
    previous kernel rewrote the pooled range on every merge, O(K^2) on
    decreasing rows).

    Returns ``(out, finite, n_pools)``: ``finite`` is False when ``Q`` holds
    NaN or inf or a pooled mean overflowed (then ``out`` is meaningless);
    ``n_pools`` counts pooling steps (a work count for the tests).
    """
    n, K = Q.shape
    shared = W.shape[0] == 1
    out = np.empty_like(Q)
    b_start = np.empty(K, dtype=np.int64)
    b_end = np.empty(K, dtype=np.int64)
    b_w = np.empty(K)
    b_sum = np.empty(K)
    b_mean = np.empty(K)
    finite = True
    n_pools = 0
    for r in range(n):
        wr = 0 if shared else r
        nb = 0
        prev = Q[r, 0]
        if not (prev - prev == 0.0):
            finite = False
        out[r, 0] = prev
        t_open = False  # is out[t_start:k] one pooled block held in (t_w, t_sum, prev)?
        t_start = 0
        t_w = 0.0
        t_sum = 0.0
        for k in range(1, K):
            x = Q[r, k]
            if not (x - x == 0.0):
                finite = False
            if x >= prev:
                if t_open:  # close the open block
                    b_start[nb] = t_start
                    b_end[nb] = k - 1
                    b_w[nb] = t_w
                    b_sum[nb] = t_sum
                    b_mean[nb] = prev
                    nb += 1
                    t_open = False
                out[r, k] = x
                prev = x
                continue
            tw = W[wr, k]
            ts = tw * x
            if t_open:
                tw += t_w
                ts += t_sum
            else:
                cw = W[wr, k - 1]
                tw += cw
                ts += cw * prev
                t_start = k - 1
            n_pools += 1
            start = t_start
            while start > 0:
                j = start - 1
                if nb > 0 and b_end[nb - 1] == j:
                    if b_mean[nb - 1] * tw <= ts:
                        break
                    nb -= 1
                    tw += b_w[nb]
                    ts += b_sum[nb]
                    start = b_start[nb]
                else:
                    v = out[r, j]
                    if v * tw <= ts:
                        break
                    cw = W[wr, j]
                    tw += cw
                    ts += cw * v
                    start = j
                n_pools += 1
            t_open = True
            t_start = start
            t_w = tw
            t_sum = ts
            prev = ts / tw
        if t_open:
            b_start[nb] = t_start
            b_end[nb] = K - 1
            b_mean[nb] = prev
            nb += 1
        if not _write_blocks(out[r], b_start, b_end, b_mean, nb):
            finite = False
    return out, finite, n_pools


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


@njit(cache=True)
def _count_le(c, s, starts, v):
    """Number of pairs (g, j) with ``c[g] + s[j] <= v``, j in fold g's sorted segment."""
    total = 0
    for g in range(starts.size - 1):
        lo = starts[g]
        hi = starts[g + 1]
        cg = c[g]
        while lo < hi:
            mid = (lo + hi) // 2
            if cg + s[mid] <= v:
                lo = mid + 1
            else:
                hi = mid
        total += lo - starts[g]
    return total


@njit(cache=True)
def _kth_union(c, s, starts, k):
    """``k``-th smallest (1-based) of ``{c[g] + s[j]}`` over folds g, without forming it.

    ``s`` holds one ascending segment per fold (``starts``). For each fold a
    binary search finds its smallest value with at least ``k`` values at or
    below it; the answer is the least of these. O(F^2 log^2 n) instead of the
    O(n) selection over all ``n`` sums, and bitwise equal to it (the same sums
    are compared). ``-inf`` for ``k < 1``, ``+inf`` for ``k > n``.
    """
    n = s.size
    if k < 1:
        return -np.inf
    if k > n:
        return np.inf
    best = np.inf
    for f in range(starts.size - 1):
        lo = starts[f]
        hi = starts[f + 1]
        if lo == hi or _count_le(c, s, starts, c[f] + s[hi - 1]) < k:
            continue
        while lo < hi:
            mid = (lo + hi) // 2
            if _count_le(c, s, starts, c[f] + s[mid]) >= k:
                hi = mid
            else:
                lo = mid + 1
        v = c[f] + s[lo]
        if v < best:
            best = v
    return best


@njit(cache=True)
def cvplus_order_stats(P, S, starts, levels, ranks):
    """CV+ bounds: ``out[i, t]`` = ``ranks[t]``-th smallest over calibration rows j of
    ``P[fold(j), i, levels[t]] + S[t, j]``.

    ``P`` (n_folds, n_rows, K) holds every fold model's predictions on the test
    rows; ``S`` (T, n_cal) the signed conformity scores, sorted within each
    fold's segment ``starts[f]:starts[f + 1]``.
    """
    F, m, K = P.shape
    T = S.shape[0]
    out = np.empty((m, T))
    c = np.empty(F)
    for i in range(m):
        for t in range(T):
            for f in range(F):
                c[f] = P[f, i, levels[t]]
            out[i, t] = _kth_union(c, S[t], starts, ranks[t])
    return out


@njit(cache=True, fastmath=_FAST)
def softmax_gate_objective(T, D, Z, y, q, s, delta, penalty):
    """Loss and gradient of the softmax-gated combination, one pass over the rows.

    ``T`` (d, p, mm) gate coefficients (mm = 1: one weight per model; mm = m: per level),
    ``D`` (n, d) design with the intercept column last, ``Z`` (n, p, m) base predictions.
    The loss is the smoothed mean pinball ``s_i (q r + delta log(1 + exp(-r / delta)))``
    over rows and levels (divided by ``sum(s) m``) plus ``penalty ||T[:-1]||^2``.
    Numpy twin: ``tests/quantile/_oracles.py::gate_objective``.
    """
    d, p, mm = T.shape
    n, _, m = Z.shape
    grad = np.zeros((d, p, mm))
    S = np.empty((p, mm))
    G = np.empty((p, mm))
    norm = 0.0
    for i in range(n):
        norm += s[i]
    norm *= m
    loss = 0.0
    for i in range(n):
        for k in range(mm):
            top = -np.inf
            for j in range(p):
                v = 0.0
                for a in range(d):
                    v += D[i, a] * T[a, j, k]
                S[j, k] = v
                if v > top:
                    top = v
            tot = 0.0
            for j in range(p):
                e = np.exp(S[j, k] - top)
                S[j, k] = e
                tot += e
            for j in range(p):
                S[j, k] /= tot
                G[j, k] = 0.0
        for k in range(m):
            kk = 0 if mm == 1 else k
            pred = 0.0
            for j in range(p):
                pred += S[j, kk] * Z[i, j, k]
            r = y[i] - pred
            u = -r / delta
            # log(1 + exp(u)) and expit(u), both stable
            if u > 0:
                soft = u + np.log1p(np.exp(-u))
                sig = 1.0 / (1.0 + np.exp(-u))
            else:
                eu = np.exp(u)
                soft = np.log1p(eu)
                sig = eu / (1.0 + eu)
            loss += s[i] * (q[k] * r + delta * soft)
            dpred = -s[i] * (q[k] - sig) / norm
            for j in range(p):
                G[j, kk] += dpred * Z[i, j, k]
        for k in range(mm):
            sg = 0.0
            for j in range(p):
                sg += S[j, k] * G[j, k]
            for j in range(p):
                dl = S[j, k] * (G[j, k] - sg)
                for a in range(d):
                    grad[a, j, k] += D[i, a] * dl
    loss /= norm
    for a in range(d - 1):
        for j in range(p):
            for k in range(mm):
                loss += penalty * T[a, j, k] * T[a, j, k]
                grad[a, j, k] += 2.0 * penalty * T[a, j, k]
    return loss, grad
