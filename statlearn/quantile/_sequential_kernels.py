"""Numba kernel of :class:`AdaptiveConformalQuantileRegressor`: the online ACI loop.

Plain float64 arrays in, plain arrays out; the estimator keeps the state between
calls. A pure-Python twin lives in ``tests/quantile/test_sequential.py``
(``_reference_run``) and the tests compare the two exactly.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def conformal_threshold(buf, size, level):
    """Conformal ``level``-quantile of the ``size`` sorted scores ``buf[:size]``.

    The ``ceil(level (size + 1))``-th smallest (1-based), with the library's
    1e-9 guard against floating error; ``-inf`` below rank 1 (``level <= 0``:
    the empty set), ``+inf`` above ``size`` (the whole line).
    """
    x = level * (size + 1) - 1e-9
    if x <= 0.0:
        return -np.inf
    if x > size:
        return np.inf
    rank = int(math.ceil(x))
    if rank < 1:
        return -np.inf
    if rank > size:
        return np.inf
    return buf[rank - 1]


@njit(cache=True)
def _insert(row, size, v):
    """Insert ``v`` into the ascending ``row[:size]`` (after equal values)."""
    lo = 0
    hi = size
    while lo < hi:
        mid = (lo + hi) // 2
        if row[mid] <= v:
            lo = mid + 1
        else:
            hi = mid
    for i in range(size, lo, -1):
        row[i] = row[i - 1]
    row[lo] = v


@njit(cache=True)
def _remove(row, size, v):
    """Remove one copy of ``v`` from the ascending ``row[:size]`` (it must be there)."""
    lo = 0
    hi = size
    while lo < hi:  # first index with row[i] >= v
        mid = (lo + hi) // 2
        if row[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    for i in range(lo, size - 1):
        row[i] = row[i + 1]


@njit(cache=True)
def aci_run(E, buf, size, ring, start, alpha, target, gamma):
    """Run adaptive conformal inference over the rows of ``E`` in order.

    ``E`` (T, J): the conformity scores of the new observations (one column per
    calibrated quantity). ``buf`` (J, capacity): every column's past scores,
    ascending in ``buf[:, :size]`` (capacity >= size + T when there is no
    window). ``ring`` (J, window): the same scores in arrival order, oldest at
    ``start`` (window = 0: no window, the buffer grows). ``alpha`` (J,): the
    current miss levels, updated in place; ``target`` (J,): the nominal ones.

    At every step t and column j the threshold issued before ``E[t, j]`` is seen
    is the conformal ``(1 - alpha[j])``-quantile of the buffer; the miss is
    ``E[t, j] > threshold``; then ``alpha[j] += gamma * (target[j] - miss)``
    (Gibbs & Candes 2021, eq. 2) and the score joins the buffer (the oldest one
    leaves when the window is full). Returns the thresholds (T, J), the misses
    (T, J), the levels used (T, J), the new ``size`` and ``start``.
    """
    T, J = E.shape
    window = ring.shape[1]
    thr = np.empty((T, J))
    err = np.zeros((T, J), dtype=np.bool_)
    used = np.empty((T, J))
    for t in range(T):
        for j in range(J):
            a = alpha[j]
            used[t, j] = a
            th = conformal_threshold(buf[j], size, 1.0 - a)
            thr[t, j] = th
            miss = E[t, j] > th
            err[t, j] = miss
            alpha[j] = a + gamma * (target[j] - (1.0 if miss else 0.0))
        if window > 0 and size == window:
            for j in range(J):
                _remove(buf[j], size, ring[j, start])
                _insert(buf[j], size - 1, E[t, j])
                ring[j, start] = E[t, j]
            start = (start + 1) % window
        else:
            for j in range(J):
                _insert(buf[j], size, E[t, j])
                if window > 0:
                    ring[j, (start + size) % window] = E[t, j]
            size += 1
    return thr, err, used, size, start


@njit(cache=True)
def thresholds_now(buf, size, alpha):
    """The thresholds the current state issues for every column: shape (J,)."""
    J = alpha.size
    out = np.empty(J)
    for j in range(J):
        out[j] = conformal_threshold(buf[j], size, 1.0 - alpha[j])
    return out
