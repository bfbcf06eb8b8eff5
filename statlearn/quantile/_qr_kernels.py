"""Numba kernel of the Frisch-Newton interior point for linear quantile regression.

``fn_solve`` runs Mehrotra predictor-corrector iterations on the bounded LP

    min  -y'x   s.t.  D'x = b,  0 <= x <= u

(the dual of weighted quantile regression; ``b = c + (1 - tau) D'u``). Every iteration is
a handful of fused passes over the rows plus one ``d x d`` Cholesky solve. The plain-numpy
twin is :func:`tests.quantile._oracles.fn_ipm_numpy`.
"""

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _chol_solve(M, rhs):
    d = M.shape[0]
    L = np.linalg.cholesky(M)
    z = np.empty(d)
    for i in range(d):
        acc = rhs[i]
        for j in range(i):
            acc -= L[i, j] * z[j]
        z[i] = acc / L[i, i]
    out = np.empty(d)
    for i in range(d - 1, -1, -1):
        acc = z[i]
        for j in range(i + 1, d):
            acc -= L[j, i] * out[j]
        out[i] = acc / L[i, i]
    return out


@njit(cache=True, error_model="numpy")
def _rhs(D, theta, q, rp):
    n, d = D.shape
    rhs = rp.copy()
    for i in range(n):
        t = theta[i] * q[i]
        for j in range(d):
            rhs[j] += D[i, j] * t
    return rhs


@njit(cache=True, error_model="numpy")
def _direction(D, dy, theta, q, x, sl, z, w, rxz, rsw, dx, dz, dw):
    """dx, dz, dw from dy; returns the largest primal and dual steps."""
    n, d = D.shape
    ap = 1.0
    ad = 1.0
    for i in range(n):
        acc = 0.0
        for j in range(d):
            acc += D[i, j] * dy[j]
        dxi = theta[i] * (acc - q[i])
        dzi = (rxz[i] - z[i] * dxi) / x[i]
        dwi = (rsw[i] + w[i] * dxi) / sl[i]
        dx[i] = dxi
        dz[i] = dzi
        dw[i] = dwi
        if dxi < 0.0:
            a = -x[i] / dxi
            if a < ap:
                ap = a
        elif dxi > 0.0:
            a = sl[i] / dxi
            if a < ap:
                ap = a
        if dzi < 0.0:
            a = -z[i] / dzi
            if a < ad:
                ad = a
        if dwi < 0.0:
            a = -w[i] / dwi
            if a < ad:
                ad = a
    return ap, ad


@njit(cache=True, error_model="numpy")
def _residuals_and_normal(D, y, b, x, sl, z, w, yd, rd, theta, M):
    """One pass over the rows: primal residual ``rp = b - D'x``, dual residuals ``rd`` (and their
    max), the duality gap, the primal objective, ``theta`` and the lower triangle of ``D' diag(theta) D``
    into ``M``."""
    n, d = D.shape
    rp = b.copy()
    M[:, :] = 0.0
    gap = 0.0
    pobj = 0.0
    rdmax = 0.0
    for i in range(n):
        acc = 0.0
        for j in range(d):
            acc += D[i, j] * yd[j]
            rp[j] -= D[i, j] * x[i]
        r = -y[i] - acc - z[i] + w[i]
        rd[i] = r
        if abs(r) > rdmax:
            rdmax = abs(r)
        gap += x[i] * z[i] + sl[i] * w[i]
        pobj -= y[i] * x[i]
        t = 1.0 / (z[i] / x[i] + w[i] / sl[i])
        theta[i] = t
        for j in range(d):
            tj = t * D[i, j]
            for k in range(j + 1):
                M[j, k] += tj * D[i, k]
    return rp, gap, pobj, rdmax


@njit(cache=True, error_model="numpy")
def _symmetrize_ridge(M):
    """Mirror the lower triangle of ``M`` and add a tiny ridge (relative to its trace) in place."""
    d = M.shape[0]
    trace = 0.0
    for j in range(d):
        for k in range(j):
            M[k, j] = M[j, k]
        trace += M[j, j]
    for j in range(d):
        M[j, j] += 1e-14 * trace / d + 1e-300


@njit(cache=True, error_model="numpy")
def fn_solve(D, y, u, b, yd, x, z, w, tol, max_iter):
    """Iterate from ``(x, yd, z, w)`` (updated in place). Returns (status, iterations):
    status 0 = converged, 1 = iteration limit, 2 = numerical failure or divergence."""
    n, d = D.shape
    sl = u - x
    theta = np.empty(n)
    rd = np.empty(n)
    q = np.empty(n)
    rxz = np.empty(n)
    rsw = np.empty(n)
    dx = np.empty(n)
    dz = np.empty(n)
    dw = np.empty(n)
    bnorm = 1.0
    for j in range(d):
        if abs(b[j]) + 1.0 > bnorm:
            bnorm = abs(b[j]) + 1.0
    yscale = 1.0
    for i in range(n):
        if abs(y[i]) > yscale:
            yscale = abs(y[i])
    M = np.empty((d, d))
    for it in range(max_iter):
        rp, gap, pobj, rdmax = _residuals_and_normal(D, y, b, x, sl, z, w, yd, rd, theta, M)
        if gap <= tol * (1.0 + abs(pobj)) and np.max(np.abs(rp)) <= 1e-9 * bnorm and rdmax <= 1e-9 * (1.0 + yscale):
            return 0, it
        _symmetrize_ridge(M)
        # predictor
        for i in range(n):
            rxz[i] = -x[i] * z[i]
            rsw[i] = -sl[i] * w[i]
            q[i] = rd[i] - rxz[i] / x[i] + rsw[i] / sl[i]
        dy = _chol_solve(M, _rhs(D, theta, q, rp))
        ap, ad = _direction(D, dy, theta, q, x, sl, z, w, rxz, rsw, dx, dz, dw)
        gap_aff = 0.0
        for i in range(n):
            gap_aff += (x[i] + ap * dx[i]) * (z[i] + ad * dz[i]) + (sl[i] - ap * dx[i]) * (w[i] + ad * dw[i])
        if not (gap > 0.0 and np.isfinite(gap_aff)):
            return 2, it
        sigma = (gap_aff / gap) ** 3
        mu = sigma * gap / (2.0 * n)
        # corrector
        for i in range(n):
            rxz[i] = mu - x[i] * z[i] - dx[i] * dz[i]
            rsw[i] = mu - sl[i] * w[i] + dx[i] * dw[i]
            q[i] = rd[i] - rxz[i] / x[i] + rsw[i] / sl[i]
        dy = _chol_solve(M, _rhs(D, theta, q, rp))
        ap, ad = _direction(D, dy, theta, q, x, sl, z, w, rxz, rsw, dx, dz, dw)
        ap = min(1.0, 0.99995 * ap)
        ad = min(1.0, 0.99995 * ad)
        big = 0.0
        for j in range(d):
            yd[j] += ad * dy[j]
            if not np.isfinite(yd[j]):
                return 2, it
            if abs(yd[j]) > big:
                big = abs(yd[j])
        if big > 1e15 * yscale:
            return 2, it
        for i in range(n):
            x[i] += ap * dx[i]
            sl[i] -= ap * dx[i]
            z[i] += ad * dz[i]
            w[i] += ad * dw[i]
    return 1, max_iter
