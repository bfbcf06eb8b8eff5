"""Group-conditional, weighted and covariate-shift conformal thresholds.

Every corrected level is moved by ``sign * t`` where ``t`` is a conformal ``tau``-quantile of
one column of calibration scores (see ``BaseConformityScore.conformal_levels``):

- weighted (``sample_weight`` as frequency weights; covariate shift with likelihood ratios,
  Tibshirani, Barber, Candes & Ramdas 2019): ``t`` is the smallest score whose cumulative
  weight reaches ``tau (W + w_test)``, ``W`` the calibration weight and ``w_test`` the test
  point's weight (1 for frequency weights, its likelihood ratio under shift). With unit
  weights this is the ``ceil(tau (n + 1))``-th smallest score (split conformal).
- Mondrian (disjoint groups): the same within the test point's cell.
- conditional (a finite family of possibly intersecting groups; Gibbs, Cherian & Candes
  2023): ``t = phi' b`` where ``phi`` is the test point's membership vector (with an
  intercept) and ``b`` minimises ``sum_i s_i psi_tau(E_i - Phi_i' b) - tau phi' b``: the
  augmented quantile regression with the test point's score at infinity. For every ``S``
  above ``t`` that fit leaves the test point above its fitted quantile, for every ``S`` at
  or below it covers it, so ``{y : S(x, y) <= t}`` is exactly the paper's (unrandomised)
  prediction set. It depends on the test point only through ``phi``: one LP per distinct
  membership pattern and level, whatever the number of test rows.
"""

from __future__ import annotations

import numpy as np

from ._lp import pinball_lp

# calibration sets above this many rows solve the conditional LP by the Frisch-Newton kernel
_FN_ROWS = 3000


def weighted_quantile_threshold(scores, weights, tau, test_weight=1.0):
    """Conformal ``tau``-quantile of ``scores`` with weights; vectorised over ``test_weight``.

    Returns the smallest score whose cumulative weight reaches ``tau * (W + test_weight)``
    (``+inf`` when no score does: the point mass of the test point at infinity)."""
    order = np.argsort(scores, kind="stable")
    srt = scores[order]
    cw = np.cumsum(weights[order])
    W = cw[-1] if cw.size else 0.0
    tw = np.asarray(test_weight, dtype=np.float64)
    target = tau * (W + tw)
    target = target - 1e-12 * (W + tw)  # 0.8 * 5 = 4.000000000000001 must still be rank 4
    k = np.searchsorted(cw, target, side="left")
    out = np.where(k < srt.size, srt[np.minimum(k, max(srt.size - 1, 0))] if srt.size else np.inf, np.inf)
    return out if out.ndim else float(out)


def disjoint_cells(G):
    """Cell index of every row for disjoint groups (-1: in no group), or None when some row is
    in two groups."""
    if G.shape[1] == 0:
        return np.full(G.shape[0], -1, dtype=np.int64)
    if (G.sum(axis=1) > 1).any():
        return None
    cells = np.argmax(G, axis=1).astype(np.int64)
    cells[~G.any(axis=1)] = -1
    return cells


def mondrian_shifts(E, levels, K, cells, n_cells, s):
    """Shifts of shape (n_cells + 1, K): row ``c`` for cell ``c``, the last row for rows in no
    group. A cell with too little calibration weight gets infinite shifts."""
    out = np.zeros((n_cells + 1, K))
    for c in range(-1, n_cells):
        rows = cells == c
        for level, col, sign, tau in levels:
            t = weighted_quantile_threshold(E[rows, col], s[rows], tau)
            out[c, level] = sign * t
    return out


def _conditional_lp(E_col, Phi, phi, tau, s):
    """``phi' b`` for ``b = argmin sum s_i psi_tau(E_i - Phi_i b) - tau phi' b`` (inf if unbounded)."""
    c = -tau * phi
    b = None
    if E_col.size > _FN_ROWS:
        from ._qr_solver import fn_ipm

        b = fn_ipm(Phi, E_col, tau, s, c, purify=False)
    if b is None:
        b = pinball_lp(Phi, E_col, np.full(E_col.size, tau), s, simplex=False, c=c)
    if b is None:
        return np.inf
    return float(phi @ b)


def _independent_columns(Phi):
    """Columns of ``Phi`` forming a basis of its column space (pivoted QR), and the coefficients
    expressing the others in them: ``Phi[:, dropped] == Phi[:, kept] @ C``. Two groups that
    each cover everyone (e.g. two complete partitions: both sum to the intercept) make ``Phi``
    rank deficient; the LP's fitted values only depend on the column space, but an interior
    point needs full column rank."""
    from scipy.linalg import lstsq, qr

    _, R, piv = qr(Phi, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    r = int((d > 1e-10 * d[0]).sum()) if d.size and d[0] > 0 else 0
    kept = np.sort(piv[:r])
    dropped = np.setdiff1d(np.arange(Phi.shape[1]), kept)
    C = lstsq(Phi[:, kept], Phi[:, dropped])[0] if dropped.size and r else np.zeros((r, dropped.size))
    return kept, dropped, C


def conditional_shifts(E, levels, K, Phi, patterns, s):
    """Shifts of shape (n_patterns, K) for membership patterns (rows of ``patterns``, with the
    intercept column first, like ``Phi``).

    Redundant columns of ``Phi`` are dropped first (same fitted values, see
    ``_independent_columns``). A pattern that breaks a linear relation the calibration rows
    satisfy (``phi`` outside the row space of ``Phi``) makes the augmented LP unbounded: its
    corrections are infinite, as for any pattern the calibration rows cannot pin down."""
    out = np.zeros((patterns.shape[0], K))
    kept, dropped, C = _independent_columns(Phi)
    Phi_k = np.ascontiguousarray(Phi[:, kept])
    cache = {}
    for p in range(patterns.shape[0]):
        phi = patterns[p].astype(np.float64)
        cache.clear()
        spanned = not dropped.size or np.allclose(phi[dropped], phi[kept] @ C, rtol=0.0, atol=1e-8)
        for level, col, sign, tau in levels:
            key = (col, tau)
            if key not in cache:
                cache[key] = _conditional_lp(E[:, col], Phi_k, phi[kept], tau, s) if spanned else np.inf
            out[p, level] = sign * cache[key]
    return out


def design(G):
    """Intercept plus group indicators, float64."""
    return np.column_stack([np.ones(G.shape[0]), G.astype(np.float64)])
