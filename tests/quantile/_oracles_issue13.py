"""Slow, obviously correct twins for the issue-13 quantile code (used only by the tests)."""

import numpy as np


def fn_ipm_numpy(D, y, tau, s, c=None, tol=1e-12, max_iter=100):
    """Frisch-Newton (Mehrotra predictor-corrector) on the dual of weighted quantile regression,
    vectorised numpy: the twin of ``statlearn.quantile._qr_kernels.fn_solve`` (no purification)."""
    n, d = D.shape
    cl = np.zeros(d) if c is None else np.asarray(c, dtype=np.float64)
    u = s
    b = cl + (1.0 - tau) * (D.T @ s)
    cost = -y
    G = D.T @ D
    G.flat[:: d + 1] += 1e-10 * (np.trace(G) / d + 1e-300)
    yd = -np.linalg.solve(G, D.T @ y)
    r = cost - D @ yd
    scale = max(float(np.abs(y).max()), 1e-300)
    z = np.maximum(r, 0.0) + 0.1 * scale
    w = np.maximum(-r, 0.0) + 0.1 * scale
    x = np.clip((1.0 - tau) * u, 1e-3 * u, 0.999 * u)
    sl = u - x
    for _ in range(max_iter):
        rp = b - D.T @ x
        rd = cost - D @ yd - z + w
        gap = float(x @ z + sl @ w)
        if gap <= tol * (1.0 + abs(float(cost @ x))) and np.abs(rp).max() <= 1e-9 * (1 + np.abs(b).max()) \
                and np.abs(rd).max() <= 1e-9 * (1.0 + max(1.0, np.abs(y).max())):
            return -yd
        theta = 1.0 / (z / x + w / sl)
        M = D.T @ (D * theta[:, None])
        state = (D, M, rp, rd, theta, x, sl, z, w)
        dx, dy, dz, dw = _direction(state, -x * z, -sl * w)
        ap, ad = _steps(x, sl, z, w, dx, dz, dw)
        gap_aff = (x + ap * dx) @ (z + ad * dz) + (sl - ap * dx) @ (w + ad * dw)
        mu = (gap_aff / gap) ** 3 * gap / (2 * n)
        dx, dy, dz, dw = _direction(state, mu - x * z - dx * dz, mu - sl * w + dx * dw)
        ap, ad = _steps(x, sl, z, w, dx, dz, dw)
        ap, ad = min(1.0, 0.99995 * ap), min(1.0, 0.99995 * ad)
        x, sl = x + ap * dx, sl - ap * dx
        yd, z, w = yd + ad * dy, z + ad * dz, w + ad * dw
    raise RuntimeError("no convergence")


def _direction(state, rxz, rsw):
    D, M, rp, rd, theta, x, sl, z, w = state
    q = rd - rxz / x + rsw / sl
    dy = np.linalg.solve(M, rp + D.T @ (theta * q))
    dx = theta * (D @ dy - q)
    return dx, dy, (rxz - z * dx) / x, (rsw + w * dx) / sl


def _steps(x, sl, z, w, dx, dz, dw):
    ap = min([1.0, *(-x[dx < 0] / dx[dx < 0]), *(sl[dx > 0] / dx[dx > 0])])
    ad = min([1.0, *(-z[dz < 0] / dz[dz < 0]), *(-w[dw < 0] / dw[dw < 0])])
    return ap, ad


def pinball_objective(D, y, tau, s, beta, c=None):
    r = y - D @ beta
    out = float(np.sum(s * np.maximum(tau * r, (tau - 1.0) * r)))
    return out if c is None else out + float(np.asarray(c) @ beta)
