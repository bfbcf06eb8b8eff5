"""Solvers of the PRESTO objective (cumulative link, difference parametrization).

Notation (all arrays are plain float64 / int64):

- ``X`` (n, p): the (centred, possibly scaled) design;
- ``y`` (n,): class codes ``0 .. K-1``; ``w`` (n,): weights summing to one;
- ``alpha`` (K-1,): intercepts; ``psi`` (p, K-1): differences, ``beta_k = psi_1 + ... + psi_k``;
- ``eta[i, k] = alpha[k] + x_i . beta_k`` and ``P(y <= k | x) = F(eta[i, k])``.

The objective is ``loss(alpha, psi) + sum pen[j, k] * (l1_ratio |psi| + (1 - l1_ratio) / 2 psi**2)``;
blocks ``k >= n_free`` are frozen at zero (``n_free = 1`` gives proportional odds).

Two solvers, both keeping every iterate inside the likelihood's domain and both
stopping on the KKT violation:

- :func:`prox_newton`: a dense Hessian of the ``(K-1)(p+1)`` parameters, an inner
  coordinate descent (numba), Armijo backtracking; for small problems;
- :func:`fista`: accelerated proximal gradient with backtracking, a step that
  may grow after each accepted step and function-value restart of the momentum.

The outer loops are Python (they run tens to hundreds of iterations); the
per-sample loops are numba kernels in :mod:`._kernels`, compiled for the link
in use only.
"""

import numpy as np

from . import _kernels
from ._data import null_intercepts
from ._links import DLOGF

# proximal Newton (dense Hessian of (K-1)(p+1) parameters) up to this size, FISTA beyond
NEWTON_MAX_PARAMS = 400


class Problem:
    """The data, penalty and link of one fit (plain arrays; kernels chosen by link name)."""

    def __init__(self, X, y, w, pen, l1_ratio, n_free, link="logit"):
        self.X, self.y, self.w, self.pen = X, y, w, pen
        self.l1_ratio, self.n_free = float(l1_ratio), int(n_free)
        self.link, self.nll = link, _kernels.NLL[link]
        self.G = np.empty((X.shape[0], pen.shape[1]))
        k1 = pen.shape[1]
        self.up = np.flatnonzero(y < k1)  # rows with an upper boundary y, and its index
        self.lo = np.flatnonzero(y > 0)  # rows with a lower boundary y - 1
        self.mid = np.flatnonzero((y > 0) & (y < k1))

    def loss(self, eta, want_grad=True):
        """Loss at ``eta``; with ``want_grad``, ``self.G`` holds ``d loss / d eta``."""
        if want_grad:
            self.G.fill(0.0)
        return self.nll(eta, self.y, self.w, self.G, want_grad)

    def hess_rows(self, eta):
        """Per-row Hessian in ``eta`` at a feasible ``eta``: diagonal (n, K-1) and the
        ``(k, k+1)`` entries (n, K-2), from ``G = -w r_a`` / ``w r_b`` (see ``_kernels``)."""
        self.loss(eta)
        y, w, G, dlogf = self.y, self.w, self.G, DLOGF[self.link]
        n, k1 = eta.shape
        Dg, Eo = np.zeros((n, k1)), np.zeros((n, max(k1 - 1, 0)))
        up, lo, mid = self.up, self.lo, self.mid
        ra = -G[up, y[up]] / w[up]  # d^2/da^2 (-log D) = r_a (r_a - f'/f(a))
        Dg[up, y[up]] = w[up] * ra * (ra - dlogf(eta[up, y[up]]))
        rb = G[lo, y[lo] - 1] / w[lo]  # d^2/db^2 (-log D) = r_b (r_b + f'/f(b))
        Dg[lo, y[lo] - 1] = w[lo] * rb * (rb + dlogf(eta[lo, y[lo] - 1]))
        Eo[mid, y[mid] - 1] = G[mid, y[mid]] * G[mid, y[mid] - 1] / w[mid]  # -w r_a r_b
        return Dg, Eo


class Point:
    """Parameters with their linear predictor, loss and gradients."""

    __slots__ = ("alpha", "psi", "eta", "f", "ga", "gp")

    def __init__(self, alpha, psi, eta, f, ga=None, gp=None):
        self.alpha, self.psi, self.eta, self.f, self.ga, self.gp = alpha, psi, eta, f, ga, gp


def linear_predictor(X, alpha, psi):
    """``eta = alpha + X @ beta`` of shape (n, K-1), C-contiguous."""
    return np.ascontiguousarray(X @ np.cumsum(psi, axis=1) + alpha)


def gradient(X, G, n_free):
    """Gradients of the loss in ``alpha`` (K-1,) and ``psi`` (p, K-1) from ``G = d loss / d eta``."""
    gbeta = X.T @ G
    gpsi = np.cumsum(gbeta[:, ::-1], axis=1)[:, ::-1].copy()
    gpsi[:, n_free:] = 0.0
    return G.sum(axis=0), gpsi


def penalty_value(psi, pen, l1_ratio):
    with np.errstate(invalid="ignore"):
        v = pen * (l1_ratio * np.abs(psi) + 0.5 * (1.0 - l1_ratio) * psi * psi)
    return float(np.sum(np.where(psi != 0.0, v, 0.0)))


def kkt_violation(ga, gp, psi, pen, l1_ratio, n_free):
    """Largest distance of ``-grad`` to the subdifferential of the penalty."""
    viol = float(np.max(np.abs(ga), initial=0.0))
    psi, pen, gp = psi[:, :n_free], pen[:, :n_free], gp[:, :n_free]
    if psi.size == 0:
        return viol
    h = gp + (1.0 - l1_ratio) * pen * psi
    t = l1_ratio * pen
    r = np.where(psi > 0, np.abs(h + t), np.where(psi < 0, np.abs(h - t), np.maximum(np.abs(h) - t, 0.0)))
    return max(viol, float(r.max()))


def evaluate(prob, alpha, psi, eta=None):
    """The point at ``(alpha, psi)``: loss and (when finite) gradients."""
    if eta is None:
        eta = linear_predictor(prob.X, alpha, psi)
    f = prob.loss(eta)
    pt = Point(alpha, psi, eta, f)
    if np.isfinite(f):
        pt.ga, pt.gp = gradient(prob.X, prob.G, prob.n_free)
    return pt


def loss_at_eta(eta, y, w, link="logit"):
    """``-sum_i w_i log p_{y_i}`` at boundary predictors ``eta`` (``inf`` outside the domain)."""
    eta = np.ascontiguousarray(eta, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.int64)
    return float(_kernels.NLL[link](eta, y, np.ascontiguousarray(w, dtype=np.float64), np.empty_like(eta), False))


def loss_at(data, alpha, psi, link="logit"):
    """``(loss, eta)`` of prepared data at ``(alpha, psi)`` (no gradient)."""
    eta = linear_predictor(data.X, alpha, psi)
    return loss_at_eta(eta, data.y, data.w, link), eta


def objective(prob, pt):
    return pt.f + penalty_value(pt.psi, prob.pen, prob.l1_ratio)


def kkt(prob, pt):
    return kkt_violation(pt.ga, pt.gp, pt.psi, prob.pen, prob.l1_ratio, prob.n_free)


def _start(prob, alpha0, psi0):
    psi = np.array(psi0, dtype=np.float64)
    psi[:, prob.n_free:] = 0.0
    return evaluate(prob, np.array(alpha0, dtype=np.float64), psi)


# --------------------------------------------------------------------------- #
# FISTA
# --------------------------------------------------------------------------- #
def _prox(prob, yp, step):
    """Proximal-gradient step from ``yp`` with step ``step``."""
    alpha = yp.alpha - step * yp.ga
    v = yp.psi - step * yp.gp
    pen = prob.pen
    t = step * prob.l1_ratio * pen
    with np.errstate(invalid="ignore"):
        psi = np.sign(v) * np.maximum(np.abs(v) - t, 0.0) / (1.0 + step * (1.0 - prob.l1_ratio) * pen)
    psi[:, prob.n_free:] = 0.0
    return alpha, psi


def _backtrack(prob, yp, step):
    """Accepted proximal step from the feasible point ``yp``: ``(point or None, step)``."""
    for _ in range(80):
        alpha, psi = _prox(prob, yp, step)
        eta = linear_predictor(prob.X, alpha, psi)
        f = prob.loss(eta)
        if np.isfinite(f):
            da, dp = alpha - yp.alpha, psi - yp.psi
            lin = float(yp.ga @ da + np.sum(yp.gp * dp))
            quad = float(da @ da + np.sum(dp * dp))
            if f <= yp.f + lin + quad / (2.0 * step) + 1e-15 * abs(yp.f):
                pt = Point(alpha, psi, eta, f)
                pt.ga, pt.gp = gradient(prob.X, prob.G, prob.n_free)
                return pt, step
        step *= 0.5
    return None, step


def fista(prob, alpha0, psi0, tol, max_iter, step0=1.0):
    """Minimize the objective from a feasible start by FISTA.

    Returns ``alpha, psi, objective, n_iter, kkt, step``: ``kkt`` is the final
    KKT violation (``<= tol`` on convergence), ``step`` the last step length.
    """
    x = _start(prob, alpha0, psi0)
    if not np.isfinite(x.f):
        return x.alpha, x.psi, np.inf, 0, np.inf, step0
    F_x, viol = objective(prob, x), kkt(prob, x)
    if viol <= tol:
        return x.alpha, x.psi, F_x, 0, viol, step0
    yp, theta, step, n_iter = x, 1.0, step0, 0
    for it in range(max_iter):
        n_iter = it + 1
        z, step = _backtrack(prob, yp, step * 1.3)
        if z is None:
            break  # cannot make progress (numerically stuck)
        F_z = objective(prob, z)
        if F_z > F_x and theta > 1.0:
            theta, yp = 1.0, x  # function-value restart: drop the momentum, retry from x
            continue
        theta_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * theta * theta))
        mom = (theta - 1.0) / theta_new
        x_prev, x, F_x, theta, viol = x, z, F_z, theta_new, kkt(prob, z)
        if viol <= tol:
            break
        yp = x
        if mom > 0.0:
            # extrapolate; eta is linear in the parameters
            ext = evaluate(prob, z.alpha + mom * (z.alpha - x_prev.alpha), z.psi + mom * (z.psi - x_prev.psi),
                           eta=z.eta + mom * (z.eta - x_prev.eta))
            if np.isfinite(ext.f):
                yp = ext
            else:
                theta = 1.0  # the extrapolated point left the domain: restart from x
    return x.alpha, x.psi, F_x, n_iter, viol, step


# --------------------------------------------------------------------------- #
# proximal Newton
# --------------------------------------------------------------------------- #
def to_theta(alpha, psi):
    """Boundary-major vector ``theta = (k, [alpha_k, psi_1k .. psi_pk])``."""
    return np.column_stack([alpha, psi.T]).ravel()


def from_theta(th, k1):
    t = th.reshape(k1, -1)
    return t[:, 0].copy(), np.ascontiguousarray(t[:, 1:].T)


def _reverse_cumsum(a, axis):
    return np.flip(np.cumsum(np.flip(a, axis), axis), axis)


def hessian_theta(prob, eta):
    """Hessian of the loss in ``theta`` (see :func:`to_theta`), dense ``(K-1)(p+1)`` square."""
    n, k1 = eta.shape
    Dg, Eo = prob.hess_rows(eta)
    Xt = np.column_stack([np.ones(n), prob.X])
    q = Xt.shape[1]
    H = np.zeros((k1, q, k1, q))
    for k in range(k1):
        H[k, :, k, :] = Xt.T @ (Xt * Dg[:, k:k + 1])
        if k + 1 < k1:
            H[k, :, k + 1, :] = Xt.T @ (Xt * Eo[:, k:k + 1])
            H[k + 1, :, k, :] = H[k, :, k + 1, :].T
    # psi_l enters every boundary k >= l: sum the feature rows / columns over those
    H[:, 1:] = _reverse_cumsum(H[:, 1:], 0)
    H[:, :, :, 1:] = _reverse_cumsum(H[:, :, :, 1:], 2)
    return H.reshape(k1 * q, k1 * q)


def _theta_penalty(prob, k1, p):
    """Free flags and per-coordinate L1 / L2 weights in ``theta`` layout."""
    q = p + 1
    free = np.zeros((k1, q), dtype=np.bool_)
    pl1, pl2 = np.zeros((k1, q)), np.zeros((k1, q))
    free[:, 0] = True
    nf = prob.n_free
    free[:nf, 1:] = True
    pl1[:nf, 1:] = prob.l1_ratio * prob.pen[:, :nf].T
    pl2[:nf, 1:] = (1.0 - prob.l1_ratio) * prob.pen[:, :nf].T
    return free.ravel(), pl1.ravel(), pl2.ravel()


def _newton_line_search(prob, x, F, th, D, dec, k1):
    """Armijo backtracking along ``D``: ``(point, objective, t)`` or ``(None, F, t)``."""
    t = 1.0
    for _ in range(60):
        a_new, p_new = from_theta(th + t * D, k1)
        pt = evaluate(prob, a_new, p_new)
        if np.isfinite(pt.f):
            F_new = objective(prob, pt)
            # at machine precision the objective cannot confirm a decrease:
            # take the full (feasible) Newton step and let the KKT test decide
            if F_new <= F + 1e-4 * t * dec or (t == 1.0 and -dec <= 1e-13 * abs(F)):
                return pt, F_new, t
        t *= 0.5
    return None, F, t


def prox_newton(prob, alpha0, psi0, tol, max_iter, max_sweeps=1000):
    """Proximal Newton: quadratic model by cyclic coordinate descent, Armijo backtracking.

    Same return values as :func:`fista` (the last one is the last step length).
    """
    x = _start(prob, alpha0, psi0)
    if not np.isfinite(x.f):
        return x.alpha, x.psi, np.inf, 0, np.inf, 0.0
    k1 = x.alpha.shape[0]
    free, pl1, pl2 = _theta_penalty(prob, k1, x.psi.shape[0])
    idx = np.flatnonzero(free)  # the quadratic model lives on the free coordinates only
    on = np.ones(idx.size, dtype=np.bool_)
    F, viol, n_iter, t = objective(prob, x), kkt(prob, x), 0, 1.0
    for it in range(max_iter):
        if viol <= tol:
            break
        n_iter = it + 1
        H = hessian_theta(prob, x.eta)[np.ix_(idx, idx)]
        th, g = to_theta(x.alpha, x.psi), to_theta(x.ga, x.gp)
        Df = np.zeros(idx.size)
        _kernels.cd_quadratic(H, g[idx], th[idx], on, pl1[idx], pl2[idx], max_sweeps,
                              max(min(0.1 * viol, 1e-3), 1e-14), Df, np.zeros(idx.size))
        D = np.zeros_like(th)
        D[idx] = Df
        # predicted decrease: g.D + pen(th + D) - pen(th)
        z1 = th + D
        dec = float(g @ D + pl1 @ (np.abs(z1) - np.abs(th)) + 0.5 * pl2 @ (z1 * z1 - th * th))
        if dec >= 0.0:
            break  # no descent direction left at machine precision
        pt, F, t = _newton_line_search(prob, x, F, th, D, dec, k1)
        if pt is None:
            break
        x = pt
        viol = kkt(prob, x)
    return x.alpha, x.psi, F, n_iter, viol, t


# --------------------------------------------------------------------------- #
# dispatch
# --------------------------------------------------------------------------- #
def solve(data, pen, l1_ratio, n_free, tol, max_iter, init=None, link="logit"):
    """Fit on prepared data (see ``_data.prepare_fit``); returns (alpha, psi, objective, n_iter, kkt).

    Starts at ``init = (alpha, psi)`` when it is feasible, else at the null
    intercepts; proximal Newton up to :data:`NEWTON_MAX_PARAMS` free parameters (intercepts and
    the ``n_free`` unfrozen blocks), FISTA beyond.
    """
    k1 = data.n_classes - 1
    p = data.X.shape[1]
    prob = Problem(data.X, data.y, data.w, pen, l1_ratio, n_free, link)
    alpha0, psi0 = null_intercepts(data.y, data.w, data.n_classes, link), np.zeros((p, k1))
    if init is not None:
        a_init, p_init = (np.array(v, dtype=np.float64) for v in init)
        eta = linear_predictor(data.X, a_init, p_init)
        if np.isfinite(prob.loss(eta, want_grad=False)):
            alpha0, psi0 = a_init, p_init
    if k1 + p * n_free <= NEWTON_MAX_PARAMS:
        alpha, psi, obj, n_iter, viol, _ = prox_newton(prob, alpha0, psi0, float(tol), int(max_iter))
    else:
        alpha, psi, obj, n_iter, viol, _ = fista(prob, alpha0, psi0, float(tol), int(max_iter))
    return alpha, psi, obj, n_iter, viol
