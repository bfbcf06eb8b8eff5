"""Numba kernels of the calibration methods (Venn-Abers, HKRR multicalibration).

Plain arrays in, plain arrays out; the estimators in ``recalibration.py`` and
``multicalibration.py`` validate and call them.
"""

import numpy as np
from numba import njit


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
