"""Linear quantile regression at scale: a warm-started level path with exact screening.

Every level solves ``min_w sum_i s_i psi_tau(y_i - a_i'w)`` (``A`` already scaled, with
its intercept column). Small problems go to HiGHS directly (:func:`._lp.pinball_lp`, the
dual LP). Large ones are screened (Portnoy & Koenker, 1997): from a start ``w0`` the rows
whose residual sign is certain are folded into a linear term, the LP on the rows near the
fitted hyperplane is solved, and the signs are checked. The folded objective is a lower
bound of the full one that is tight wherever the signs hold, so a solution with no sign
violation is an exact optimum of the full problem (a certificate); violators are added
back and the LP re-solved.

The level path: levels are solved from the one nearest 0.5 outwards, each starting from
its neighbour's solution with the intercept moved to the ``tau``-quantile of the
neighbour's residuals (so that the right share of rows lies below the start). Neighbouring
levels differ mostly in the intercept, so the band of uncertain rows stays near the
``n^(2/3)`` of a good start instead of the ``|tau_k - tau_{k-1}| n`` rows that cross the
hyperplane between levels. Cost per level: a few passes over ``A`` (``O(n d)``) plus LPs
on ``O(n^(2/3))`` rows.
"""

from __future__ import annotations

import numpy as np

from . import _qr_kernels
from ._lp import pinball_lp

# problems with at most this many rows are solved directly
DIRECT_ROWS = 5000


def _pinball(r, s, tau):
    return float(np.sum(s * np.maximum(tau * r, (tau - 1.0) * r)))


def fn_ipm(D, y, tau, s, c=None, *, tol=1e-12, max_iter=100, purify=True):
    """Frisch-Newton interior point (numba kernel) for ``min_b sum s_i psi_tau(y_i - d_i'b) + c'b``.

    Returns the coefficients, or None when the iterations diverge or stall (an unbounded
    problem: a screened band too narrow for its linear term). With ``purify`` the vertex
    through the ``d`` rows nearest the hyperplane replaces the interior solution whenever its
    objective is not larger (the answer then equals a simplex solver's).
    """
    D = np.ascontiguousarray(D, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    u = np.ascontiguousarray(s, dtype=np.float64)
    n, d = D.shape
    cl = np.zeros(d) if c is None else np.asarray(c, dtype=np.float64)
    b = cl + (1.0 - tau) * (D.T @ u)
    G = D.T @ D
    G.flat[:: d + 1] += 1e-10 * (np.trace(G) / d + 1e-300)
    yd = -np.linalg.solve(G, D.T @ y)  # least-squares start of the dual of the constraints
    r = -y - D @ yd
    scale = max(float(np.abs(y).max()), 1e-300)
    z = np.maximum(r, 0.0) + 0.1 * scale
    w = np.maximum(-r, 0.0) + 0.1 * scale
    x = np.clip((1.0 - tau) * u, 1e-3 * u, 0.999 * u)
    status, _ = _qr_kernels.fn_solve(D, y, u, b, yd, x, z, w, tol, max_iter)
    if status != 0:
        return None
    beta = -yd
    if purify and n >= d:
        idx = np.argpartition(np.abs(y - D @ beta), d - 1)[:d]
        try:
            cand = np.linalg.solve(D[idx], y[idx])
        except np.linalg.LinAlgError:
            cand = None
        if cand is not None and np.isfinite(cand).all():
            f0 = _pinball(y - D @ beta, u, tau) + float(cl @ beta)
            f1 = _pinball(y - D @ cand, u, tau) + float(cl @ cand)
            if f1 <= f0 + 1e-12 * (1.0 + abs(f0)):
                beta = cand
    return beta


def _lp(A, y, tau, s, rows=None, c=None, solver="highs"):
    if rows is not None:
        A, y, s = A[rows], y[rows], s[rows]
    if solver == "fn":
        return fn_ipm(A, y, tau, s, c)
    return pinball_lp(A, y, np.full(y.size, tau), s, simplex=False, c=c)


def _weighted_quantile(r, s, tau):
    order = np.argsort(r, kind="stable")
    cw = np.cumsum(s[order])
    k = int(np.searchsorted(cw, tau * cw[-1]))
    return float(r[order[min(k, r.size - 1)]])


def screened_level(A, y, s, tau, w0, *, band=None, stats=None, intercept_col=None, solver="fn"):
    """Exact weights of one level from the start ``w0`` (screening; see the module docstring)."""
    n, d = A.shape
    r0 = y - A @ w0
    if intercept_col is not None:  # put the tau-quantile of the residuals at zero
        shift = _weighted_quantile(r0, s, tau)
        w0 = w0.copy()
        w0[intercept_col] += shift
        r0 = r0 - shift
    M = int(min(n, max(DIRECT_ROWS, band if band is not None else 2.0 * np.sqrt(d) * n ** (2.0 / 3.0))))
    absr = np.abs(r0)
    tol = 1e-9 * (1.0 + float(np.abs(y).max()))
    g = np.empty(n)
    while M < n:
        keep = np.zeros(n, dtype=bool)
        keep[np.argpartition(absr, M - 1)[:M]] = True
        for _ in range(6):
            # folded rows: psi = tau r above the hyperplane, (tau - 1) r below
            np.copyto(g, np.where(r0 > 0, tau, tau - 1.0))
            g[keep] = 0.0
            c = -(A.T @ (s * g))
            w = _lp(A, y, tau, s, keep, c, solver)
            if stats is not None:
                stats["lps"] = stats.get("lps", 0) + 1
                stats["rows"] = stats.get("rows", 0) + int(keep.sum())
            if w is None:
                break  # the band is too narrow for the LP to be bounded
            r = y - A @ w
            viol = ~keep & (((r0 > 0) & (r < -tol)) | ((r0 <= 0) & (r > tol)))
            nv = int(viol.sum())
            if nv == 0:
                return w
            if nv > 0.2 * M:
                break
            keep |= viol
        M *= 2
    if stats is not None:
        stats["lps"] = stats.get("lps", 0) + 1
        stats["rows"] = stats.get("rows", 0) + n
    w = _lp(A, y, tau, s, solver=solver)
    if w is None:  # pragma: no cover - without a linear term the dual is bounded and feasible
        raise RuntimeError("HiGHS found no optimum of the quantile-regression LP.")
    return w


def level_path(A, y, s, quantiles, *, intercept_col=None, stats=None, random_state=0, solver="fn"):
    """Exact weights of every level, shape (K, d): direct LPs for small ``n``, else the screened,
    warm-started path from the level nearest 0.5 outwards."""
    n, d = A.shape
    K = len(quantiles)
    W = np.empty((K, d))
    if n <= DIRECT_ROWS:
        for k, t in enumerate(quantiles):
            w = _lp(A, y, float(t), s, solver=solver)
            if w is None:  # pragma: no cover
                raise RuntimeError("HiGHS found no optimum of the quantile-regression LP.")
            W[k] = w
        return W
    mid = int(np.argmin(np.abs(np.asarray(quantiles) - 0.5)))
    rng = np.random.default_rng(random_state)
    m = int(min(n, max(DIRECT_ROWS, np.ceil(np.sqrt(d) * n ** (2.0 / 3.0)))))
    sub = np.sort(rng.choice(n, size=m, replace=False))
    w0 = _lp(A, y, float(quantiles[mid]), s, sub, solver=solver)
    if w0 is None:  # pragma: no cover
        w0 = np.zeros(d)
    kw = {"stats": stats, "intercept_col": intercept_col, "solver": solver}
    W[mid] = screened_level(A, y, s, float(quantiles[mid]), w0, **kw)
    for k in range(mid + 1, K):
        W[k] = screened_level(A, y, s, float(quantiles[k]), W[k - 1], **kw)
    for k in range(mid - 1, -1, -1):
        W[k] = screened_level(A, y, s, float(quantiles[k]), W[k + 1], **kw)
    return W
