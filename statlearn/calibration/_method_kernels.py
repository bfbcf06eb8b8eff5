"""Numba kernels of the calibration methods (Venn-Abers, HKRR multicalibration).

Plain arrays in, plain arrays out; the estimators in ``recalibration.py`` and
``multicalibration.py`` validate and call them.
"""

import numpy as np
from numba import njit

from ._kernels import _bucket  # the one equal-width bucket rule of the calibration metrics


@njit(cache=True)
def _pava_value_at(weights, sums, pos, tie, label, stack_w, stack_s, stack_has):
    """Isotonic fit of the weighted points ``(weights, sums)`` with one point ``(label, weight 1)``
    inserted at ``pos`` (joined to point ``pos`` when ``tie``); returns the fitted value at it."""
    n = weights.shape[0]
    top = -1
    total = n + (0 if tie else 1)
    j = 0  # index into the calibration points
    for step in range(total):
        has = False
        if tie:
            wv = weights[j]
            sv = sums[j]
            if j == pos:
                wv += 1.0
                sv += label
                has = True
            j += 1
        else:
            if step == pos:
                wv = 1.0
                sv = label
                has = True
            else:
                wv = weights[j]
                sv = sums[j]
                j += 1
        top += 1
        stack_w[top] = wv
        stack_s[top] = sv
        stack_has[top] = has
        # merge while the previous block's mean exceeds this one's
        while top > 0 and stack_s[top - 1] * stack_w[top] > stack_s[top] * stack_w[top - 1]:
            stack_w[top - 1] += stack_w[top]
            stack_s[top - 1] += stack_s[top]
            stack_has[top - 1] = stack_has[top - 1] or stack_has[top]
            top -= 1
    for b in range(top + 1):
        if stack_has[b]:
            return stack_s[b] / stack_w[b]
    return np.nan


@njit(cache=True)
def venn_abers_bounds(n_scores, weights, sums, positions, ties):
    """``(p0, p1)`` of the inductive Venn-Abers predictor for each insertion ``(position, tie)``.

    ``weights`` / ``sums`` are the calibration weights and weighted positive counts
    per distinct score (sorted); a test score lands at ``positions[i]`` (``tie``:
    equal to that score). Each query runs one pool-adjacent-violators pass per
    label, so the cost is ``O(n_scores)`` per distinct insertion.
    """
    m = positions.shape[0]
    p0 = np.empty(m)
    p1 = np.empty(m)
    cap = n_scores + 1
    sw = np.empty(cap)
    ss = np.empty(cap)
    sh = np.zeros(cap, dtype=np.bool_)
    for i in range(m):
        p0[i] = _pava_value_at(weights, sums, positions[i], ties[i], 0.0, sw, ss, sh)
        p1[i] = _pava_value_at(weights, sums, positions[i], ties[i], 1.0, sw, ss, sh)
    return p0, p1


# --------------------------------------------------------------------------- #
# HKRR multicalibration
# --------------------------------------------------------------------------- #
@njit(cache=True)
def _cell_sums(P, col, y, w, idx, start, stop, n_bins, sums):
    """Per bucket of ``P[:, col]`` over the rows ``idx[start:stop]``: weight, weighted 1[y == col],
    weighted p, and ``sum w^2 p (1 - p)`` (the null variance of the weighted residual sum)."""
    sums[:] = 0.0
    for j in range(start, stop):
        i = idx[j]
        wi = w[i]
        pi = P[i, col]
        b = _bucket(pi, n_bins)
        sums[b, 0] += wi
        if y[i] == col:
            sums[b, 1] += wi
        sums[b, 2] += wi * pi
        sums[b, 3] += wi * wi * pi * (1.0 - pi)


@njit(cache=True)
def _patch_row(P, i, col, delta, lo, hi):
    """``P[i, col] += delta`` (clipped to ``[lo, hi]``), the other columns rescaled so the row sums to 1."""
    old = P[i, col]
    q = old + delta
    if q < lo:
        q = lo
    elif q > hi:
        q = hi
    K = P.shape[1]
    rest = 1.0 - old
    if rest > 0.0:
        f = (1.0 - q) / rest
        for c in range(K):
            if c != col:
                P[i, c] *= f
    else:
        for c in range(K):
            if c != col:
                P[i, c] = (1.0 - q) / (K - 1)
    P[i, col] = q


@njit(cache=True)
def hkrr_fit(P, y, w, indptr, indices, cols, n_bins, alpha, z, min_mass_frac, min_weight, max_iter, orders, lo,
             hi, learning_rate):
    """Iterative patching of Hebert-Johnson et al. on a probability matrix ``P`` (updated in place).

    Groups are given in CSR form (``indices[indptr[g]:indptr[g + 1]]`` are the
    members of group ``g``); ``orders`` (max_iter, n_groups) is the visiting
    order per pass; ``cols`` are the class columns patched (binary: the
    positive class only). A cell (group, class, bucket of that class's
    probability) with weight at least ``min_mass_frac`` of its group's and at
    least ``min_weight`` is patched when its mean residual ``r`` satisfies
    ``|r| > max(alpha, z * se)``, ``se = sqrt(sum w^2 p (1 - p)) / sum w``
    (``z = 0``: plain HKRR): the class probability moves by
    ``learning_rate * r`` (clipped to ``[lo, hi]``) and the other columns are
    rescaled so every row still sums to 1. Returns ``(n_iter, updates)``, rows
    ``(class, group, bucket, delta)``.
    """
    m = indptr.shape[0] - 1
    sums = np.zeros((n_bins, 4))
    cap = 64
    upd = np.empty((cap, 4))
    n_upd = 0
    n_iter = 0
    for it in range(max_iter):
        n_iter = it + 1
        changed = False
        for oi in range(m):
            g = orders[it, oi]
            start = indptr[g]
            stop = indptr[g + 1]
            if stop == start:
                continue
            total = 0.0
            for j in range(start, stop):
                total += w[indices[j]]
            if total <= 0.0:
                continue
            for ci in range(cols.shape[0]):
                col = cols[ci]
                _cell_sums(P, col, y, w, indices, start, stop, n_bins, sums)
                for v in range(n_bins):
                    mass = sums[v, 0]
                    if mass <= 0.0 or mass < min_mass_frac * total or mass < min_weight:
                        continue
                    delta = (sums[v, 1] - sums[v, 2]) / mass
                    thr = alpha
                    se_thr = z * np.sqrt(sums[v, 3]) / mass
                    if se_thr > thr:
                        thr = se_thr
                    if abs(delta) <= thr:
                        continue
                    delta *= learning_rate
                    for j in range(start, stop):
                        i = indices[j]
                        if _bucket(P[i, col], n_bins) == v:
                            _patch_row(P, i, col, delta, lo, hi)
                    if n_upd == cap:
                        cap *= 2
                        new = np.empty((cap, 4))
                        new[:n_upd] = upd[:n_upd]
                        upd = new
                    upd[n_upd, 0] = col
                    upd[n_upd, 1] = g
                    upd[n_upd, 2] = v
                    upd[n_upd, 3] = delta
                    n_upd += 1
                    changed = True
                    # members moved between buckets: refresh this group's sums
                    _cell_sums(P, col, y, w, indices, start, stop, n_bins, sums)
        if not changed:
            break
    return n_iter, upd[:n_upd].copy()


@njit(cache=True)
def hkrr_apply(P, indptr, indices, updates, n_bins, lo, hi):
    """Replay recorded ``(class, group, bucket, delta)`` updates in order; ``P`` is updated in place."""
    for u in range(updates.shape[0]):
        col = int(updates[u, 0])
        g = int(updates[u, 1])
        v = int(updates[u, 2])
        delta = updates[u, 3]
        for j in range(indptr[g], indptr[g + 1]):
            i = indices[j]
            if _bucket(P[i, col], n_bins) == v:
                _patch_row(P, i, col, delta, lo, hi)
