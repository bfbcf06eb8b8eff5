"""Numba kernels of the PRESTO solver (cumulative logit, difference parametrization).

Notation (all arrays are plain float64 / int64):

- ``X`` (n, p): the (centred, possibly scaled) design;
- ``y`` (n,): class codes ``0 .. K-1``; ``w`` (n,): weights summing to one;
- ``alpha`` (K-1,): intercepts; ``psi`` (p, K-1): differences, ``beta_k = psi_1 + ... + psi_k``;
- ``eta[i, k] = alpha[k] + x_i . beta_k`` and ``P(y <= k | x) = sigmoid(eta[i, k])``.

The loss is ``-sum_i w_i log p_{y_i}(x_i)``; it is ``+inf`` when a middle-class
training point has ``eta_c <= eta_{c-1}``. The penalty on ``psi[j, k]`` is
``pen[j, k] * (l1_ratio * |psi| + (1 - l1_ratio) / 2 * psi**2)``. Blocks
``k >= n_free`` are frozen at zero (``n_free = 1`` gives proportional odds).

The solver is accelerated proximal gradient (FISTA) with backtracking (which also
keeps every iterate inside the domain of the likelihood), a step that may grow
again after each accepted step, function-value restart of the momentum, and a
KKT stopping rule.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def cumulative_coef(psi):
    """``beta[:, k] = psi[:, 0] + ... + psi[:, k]``."""
    p, k1 = psi.shape
    beta = np.empty((p, k1))
    for j in range(p):
        acc = 0.0
        for k in range(k1):
            acc += psi[j, k]
            beta[j, k] = acc
    return beta


@njit(cache=True)
def linear_predictor(X, alpha, psi):
    """``eta = alpha + X @ beta`` of shape (n, K-1)."""
    beta = cumulative_coef(psi)
    eta = np.dot(X, beta)
    n, k1 = eta.shape
    for i in range(n):
        for k in range(k1):
            eta[i, k] += alpha[k]
    return eta


@njit(cache=True)
def _softplus_sigmoid(z):
    """``(log(1 + exp(z)), sigmoid(z))`` from one exponential."""
    if z > 0.0:
        e = math.exp(-z)
        return z + math.log1p(e), 1.0 / (1.0 + e)
    e = math.exp(z)
    return math.log1p(e), e / (1.0 + e)


@njit(cache=True)
def loss_and_deta(eta, y, w, G, want_grad):
    """Weighted negative log-likelihood and, if ``want_grad``, ``G = d loss / d eta``.

    Returns ``inf`` (and leaves ``G`` partly filled) outside the domain.
    """
    n, k1 = eta.shape
    total = 0.0
    if want_grad:
        for i in range(n):
            for k in range(k1):
                G[i, k] = 0.0
    for i in range(n):
        c = y[i]
        wi = w[i]
        if c == 0:
            # -log sigmoid(a) = softplus(-a); derivative sigmoid(a) - 1 = -sigmoid(-a)
            sp, sg = _softplus_sigmoid(-eta[i, 0])
            total += wi * sp
            if want_grad:
                G[i, 0] = -wi * sg
        elif c == k1:
            sp, sg = _softplus_sigmoid(eta[i, k1 - 1])
            total += wi * sp
            if want_grad:
                G[i, k1 - 1] = wi * sg
        else:
            a = eta[i, c]
            b = eta[i, c - 1]
            d = a - b
            if not d > 0.0:
                return np.inf
            em = math.expm1(-d)  # exp(-d) - 1 in (-1, 0)
            if em == 0.0:
                return np.inf
            sp_a, sg_na = _softplus_sigmoid(-a)  # softplus(-a), 1 - sigmoid(a)
            sp_b, sg_b = _softplus_sigmoid(b)
            # log(sigmoid(a) - sigmoid(b)) = -softplus(-a) - softplus(b) + log(1 - exp(-d))
            total += wi * (sp_a + sp_b - math.log(-em))
            if want_grad:
                r = (1.0 + em) / (-em)  # 1 / expm1(d)
                G[i, c] = wi * (-sg_na - r)
                G[i, c - 1] = wi * (sg_b + r)
    return total


@njit(cache=True)
def gradient(X, G, n_free):
    """Gradients of the loss in ``alpha`` (K-1,) and ``psi`` (p, K-1) from ``G``."""
    n, k1 = G.shape
    p = X.shape[1]
    galpha = np.zeros(k1)
    for i in range(n):
        for k in range(k1):
            galpha[k] += G[i, k]
    gbeta = np.dot(X.T, G)
    gpsi = np.zeros((p, k1))
    for j in range(p):
        acc = 0.0
        for k in range(k1 - 1, -1, -1):
            acc += gbeta[j, k]
            if k < n_free:
                gpsi[j, k] = acc
    return galpha, gpsi


@njit(cache=True)
def penalty_value(psi, pen, l1_ratio):
    p, k1 = psi.shape
    out = 0.0
    for j in range(p):
        for k in range(k1):
            v = psi[j, k]
            if v != 0.0:
                out += pen[j, k] * (l1_ratio * abs(v) + 0.5 * (1.0 - l1_ratio) * v * v)
    return out


@njit(cache=True)
def kkt_violation(galpha, gpsi, psi, pen, l1_ratio, n_free):
    """Largest distance of ``-grad`` to the subdifferential of the penalty."""
    viol = 0.0
    for k in range(galpha.shape[0]):
        viol = max(viol, abs(galpha[k]))
    p = psi.shape[0]
    for j in range(p):
        for k in range(n_free):
            h = gpsi[j, k] + (1.0 - l1_ratio) * pen[j, k] * psi[j, k]
            t = l1_ratio * pen[j, k]
            v = psi[j, k]
            if v > 0.0:
                r = abs(h + t)
            elif v < 0.0:
                r = abs(h - t)
            else:
                r = max(abs(h) - t, 0.0)
            viol = max(viol, r)
    return viol


@njit(cache=True)
def _prox_step(alpha_y, psi_y, galpha, gpsi, step, pen, l1_ratio, n_free, alpha_z, psi_z):
    k1 = alpha_y.shape[0]
    for k in range(k1):
        alpha_z[k] = alpha_y[k] - step * galpha[k]
    p = psi_y.shape[0]
    for j in range(p):
        for k in range(k1):
            if k >= n_free:
                psi_z[j, k] = 0.0
                continue
            v = psi_y[j, k] - step * gpsi[j, k]
            t = step * l1_ratio * pen[j, k]
            if v > t:
                v = v - t
            elif v < -t:
                v = v + t
            else:
                v = 0.0
            psi_z[j, k] = v / (1.0 + step * (1.0 - l1_ratio) * pen[j, k])


@njit(cache=True)
def fista(X, y, w, alpha0, psi0, pen, l1_ratio, n_free, tol, max_iter, step0):
    """Minimize ``loss(alpha, psi) + penalty(psi)`` from a feasible start.

    Returns ``alpha, psi, objective, n_iter, kkt, step`` where ``kkt`` is the
    final KKT violation (``<= tol`` on convergence) and ``step`` the last step.
    """
    n, p = X.shape
    k1 = alpha0.shape[0]
    G = np.empty((n, k1))

    alpha_x = alpha0.copy()
    psi_x = psi0.copy()
    for j in range(p):
        for k in range(n_free, k1):
            psi_x[j, k] = 0.0
    eta_x = linear_predictor(X, alpha_x, psi_x)
    f_x = loss_and_deta(eta_x, y, w, G, True)
    if not np.isfinite(f_x):
        return alpha_x, psi_x, np.inf, 0, np.inf, step0
    ga_x, gp_x = gradient(X, G, n_free)
    F_x = f_x + penalty_value(psi_x, pen, l1_ratio)
    kkt = kkt_violation(ga_x, gp_x, psi_x, pen, l1_ratio, n_free)
    if kkt <= tol:
        return alpha_x, psi_x, F_x, 0, kkt, step0

    alpha_y = alpha_x.copy()
    psi_y = psi_x.copy()
    eta_y = eta_x.copy()
    f_y = f_x
    ga_y = ga_x.copy()
    gp_y = gp_x.copy()
    alpha_z = np.empty(k1)
    psi_z = np.empty((p, k1))
    theta = 1.0
    step = step0
    n_iter = 0
    for it in range(max_iter):
        n_iter = it + 1
        # backtracking from the (feasible) extrapolated point y
        step = step * 1.3
        f_z = np.inf
        eta_z = eta_y
        for _ in range(80):
            _prox_step(alpha_y, psi_y, ga_y, gp_y, step, pen, l1_ratio, n_free, alpha_z, psi_z)
            eta_z = linear_predictor(X, alpha_z, psi_z)
            f_z = loss_and_deta(eta_z, y, w, G, True)
            if np.isfinite(f_z):
                lin = 0.0
                quad = 0.0
                for k in range(k1):
                    d = alpha_z[k] - alpha_y[k]
                    lin += ga_y[k] * d
                    quad += d * d
                for j in range(p):
                    for k in range(n_free):
                        d = psi_z[j, k] - psi_y[j, k]
                        lin += gp_y[j, k] * d
                        quad += d * d
                if f_z <= f_y + lin + quad / (2.0 * step) + 1e-15 * abs(f_y):
                    break
            step *= 0.5
        if not np.isfinite(f_z):
            break  # cannot make progress (numerically stuck)
        ga_z, gp_z = gradient(X, G, n_free)
        F_z = f_z + penalty_value(psi_z, pen, l1_ratio)
        kkt = kkt_violation(ga_z, gp_z, psi_z, pen, l1_ratio, n_free)
        if F_z > F_x and theta > 1.0:
            # function-value restart: drop the momentum, retry from x
            theta = 1.0
            alpha_y[:] = alpha_x
            psi_y[:] = psi_x
            eta_y = eta_x.copy()
            f_y = f_x
            ga_y[:] = ga_x
            gp_y[:] = gp_x
            continue
        theta_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * theta * theta))
        mom = (theta - 1.0) / theta_new
        # extrapolate; eta is linear in the parameters
        for k in range(k1):
            alpha_y[k] = alpha_z[k] + mom * (alpha_z[k] - alpha_x[k])
        for j in range(p):
            for k in range(k1):
                psi_y[j, k] = psi_z[j, k] + mom * (psi_z[j, k] - psi_x[j, k])
        eta_y = eta_z + mom * (eta_z - eta_x)
        alpha_x[:] = alpha_z
        psi_x[:] = psi_z
        eta_x = eta_z
        f_x = f_z
        F_x = F_z
        ga_x[:] = ga_z
        gp_x[:] = gp_z
        theta = theta_new
        if kkt <= tol:
            break
        if mom > 0.0:
            f_y = loss_and_deta(eta_y, y, w, G, True)
            if np.isfinite(f_y):
                ga_y, gp_y = gradient(X, G, n_free)
            else:
                # the extrapolated point left the domain: restart from x
                theta = 1.0
                alpha_y[:] = alpha_x
                psi_y[:] = psi_x
                eta_y = eta_x.copy()
                f_y = f_x
                ga_y[:] = ga_x
                gp_y[:] = gp_x
        else:
            alpha_y[:] = alpha_x
            psi_y[:] = psi_x
            eta_y = eta_x.copy()
            f_y = f_x
            ga_y[:] = ga_x
            gp_y[:] = gp_x
    return alpha_x, psi_x, F_x, n_iter, kkt, step


@njit(cache=True)
def count_crossings(eta):
    """Number of rows whose boundaries are not non-decreasing."""
    n, k1 = eta.shape
    out = 0
    for i in range(n):
        for k in range(1, k1):
            if eta[i, k] < eta[i, k - 1]:
                out += 1
                break
    return out


# --------------------------------------------------------------------------- #
# proximal Newton with an inner coordinate descent (for small n_params)
# --------------------------------------------------------------------------- #
@njit(cache=True)
def hessian_beta(X, eta, y, w):
    """Hessian of the loss in the boundary-major parameters ``(k, [intercept, x_1 .. x_p])``.

    Returns a dense ``(K-1)(p+1)`` square matrix (assumes a feasible ``eta``).
    """
    n, p = X.shape
    k1 = eta.shape[1]
    q = p + 1
    H = np.zeros((k1 * q, k1 * q))
    xt = np.empty(q)
    for i in range(n):
        c = y[i]
        wi = w[i]
        xt[0] = 1.0
        for j in range(p):
            xt[j + 1] = X[i, j]
        if c == 0 or c == k1:
            kk = 0 if c == 0 else k1 - 1
            z = eta[i, kk]
            s = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            h = wi * s * (1.0 - s)
            base = kk * q
            for u in range(q):
                hu = h * xt[u]
                for v in range(u, q):
                    H[base + u, base + v] += hu * xt[v]
        else:
            a = eta[i, c]
            b = eta[i, c - 1]
            em = math.expm1(b - a)
            qd = (1.0 + em) / (em * em)
            sa = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
            sb = 1.0 / (1.0 + math.exp(-b)) if b >= 0 else math.exp(b) / (1.0 + math.exp(b))
            haa = wi * (sa * (1.0 - sa) + qd)
            hbb = wi * (sb * (1.0 - sb) + qd)
            hab = -wi * qd
            ba = c * q
            bb = (c - 1) * q
            for u in range(q):
                xu = xt[u]
                for v in range(u, q):
                    xx = xu * xt[v]
                    H[ba + u, ba + v] += haa * xx
                    H[bb + u, bb + v] += hbb * xx
                for v in range(q):
                    H[bb + u, ba + v] += hab * xu * xt[v]
    # symmetrize: diagonal blocks were filled in their upper triangle, the
    # off-diagonal block (k-1, k) fully
    d = k1 * q
    for k in range(k1):
        base = k * q
        for u in range(q):
            for v in range(u + 1, q):
                H[base + v, base + u] = H[base + u, base + v]
    for u in range(d):
        for v in range(u + 1, d):
            if u // q != v // q:
                H[v, u] = H[u, v]
    return H


@njit(cache=True)
def hessian_theta(Hb, k1, q):
    """Hessian in ``theta = (k, [alpha_k, psi_1k .. psi_pk])``: sums over boundaries ``>= k``."""
    d = k1 * q
    H1 = Hb.copy()
    # rows: theta (l, j>=1) = sum over k >= l of beta (k, j)
    for l in range(k1 - 2, -1, -1):
        for j in range(1, q):
            r = l * q + j
            r2 = (l + 1) * q + j
            for v in range(d):
                H1[r, v] += H1[r2, v]
    for l in range(k1 - 2, -1, -1):
        for j in range(1, q):
            cidx = l * q + j
            c2 = (l + 1) * q + j
            for u in range(d):
                H1[u, cidx] += H1[u, c2]
    return H1


@njit(cache=True)
def _theta_from(alpha, psi):
    k1 = alpha.shape[0]
    p = psi.shape[0]
    q = p + 1
    th = np.empty(k1 * q)
    for k in range(k1):
        th[k * q] = alpha[k]
        for j in range(p):
            th[k * q + j + 1] = psi[j, k]
    return th


@njit(cache=True)
def _theta_to(th, alpha, psi):
    k1 = alpha.shape[0]
    p = psi.shape[0]
    q = p + 1
    for k in range(k1):
        alpha[k] = th[k * q]
        for j in range(p):
            psi[j, k] = th[k * q + j + 1]


@njit(cache=True)
def prox_newton(X, y, w, alpha0, psi0, pen, l1_ratio, n_free, tol, max_iter, max_sweeps):
    """Proximal Newton: quadratic model by cyclic coordinate descent, Armijo backtracking.

    Backtracking rejects steps outside the likelihood's domain. Same return
    values as :func:`fista` (the last one is the last step length).
    """
    n, p = X.shape
    k1 = alpha0.shape[0]
    q = p + 1
    d = k1 * q
    G = np.empty((n, k1))
    alpha = alpha0.copy()
    psi = psi0.copy()
    for j in range(p):
        for k in range(n_free, k1):
            psi[j, k] = 0.0
    eta = linear_predictor(X, alpha, psi)
    f = loss_and_deta(eta, y, w, G, True)
    if not np.isfinite(f):
        return alpha, psi, np.inf, 0, np.inf, 0.0
    ga, gp = gradient(X, G, n_free)
    F = f + penalty_value(psi, pen, l1_ratio)
    kkt = kkt_violation(ga, gp, psi, pen, l1_ratio, n_free)
    # per-coordinate penalty and free flags in theta layout
    pl1 = np.zeros(d)
    pl2 = np.zeros(d)
    free = np.zeros(d, dtype=np.bool_)
    for k in range(k1):
        free[k * q] = True
        for j in range(p):
            if k < n_free:
                free[k * q + j + 1] = True
                pl1[k * q + j + 1] = l1_ratio * pen[j, k]
                pl2[k * q + j + 1] = (1.0 - l1_ratio) * pen[j, k]
    n_iter = 0
    t = 1.0
    a_new = np.empty(k1)
    p_new = np.empty((p, k1))
    for it in range(max_iter):
        if kkt <= tol:
            break
        n_iter = it + 1
        Hb = hessian_beta(X, eta, y, w)
        H = hessian_theta(Hb, k1, q)
        th = _theta_from(alpha, psi)
        g = np.empty(d)
        for k in range(k1):
            g[k * q] = ga[k]
            for j in range(p):
                g[k * q + j + 1] = gp[j, k]
        # coordinate descent on g.D + D'HD/2 + pen(th + D)
        D = np.zeros(d)
        r = np.zeros(d)  # H @ D
        inner_tol = max(min(0.1 * kkt, 1e-3), 1e-14)
        for _sweep in range(max_sweeps):
            biggest = 0.0
            for u in range(d):
                if not free[u]:
                    continue
                huu = H[u, u] + 1e-12
                z = th[u] + D[u]
                grad_u = g[u] + r[u]
                if pl1[u] == 0.0 and pl2[u] == 0.0:
                    z_new = z - grad_u / huu
                else:
                    v = huu * z - grad_u
                    if v > pl1[u]:
                        v -= pl1[u]
                    elif v < -pl1[u]:
                        v += pl1[u]
                    else:
                        v = 0.0
                    z_new = v / (huu + pl2[u])
                delta = z_new - z
                if delta != 0.0:
                    D[u] += delta
                    for v2 in range(d):
                        r[v2] += delta * H[v2, u]
                    chg = abs(delta) * math.sqrt(huu)
                    if chg > biggest:
                        biggest = chg
            if biggest <= inner_tol:
                break
        # predicted decrease: g.D + pen(th + D) - pen(th)
        dec = 0.0
        for u in range(d):
            dec += g[u] * D[u]
            if pl1[u] != 0.0 or pl2[u] != 0.0:
                z1 = th[u] + D[u]
                z0 = th[u]
                dec += pl1[u] * (abs(z1) - abs(z0)) + 0.5 * pl2[u] * (z1 * z1 - z0 * z0)
        if dec > -1e-300 and dec >= 0.0:
            break  # no descent direction left at machine precision
        t = 1.0
        accepted = False
        for _ in range(60):
            _theta_to(th + t * D, a_new, p_new)
            eta_new = linear_predictor(X, a_new, p_new)
            f_new = loss_and_deta(eta_new, y, w, G, True)
            if np.isfinite(f_new):
                F_new = f_new + penalty_value(p_new, pen, l1_ratio)
                # at machine precision the objective cannot confirm a decrease:
                # take the full (feasible) Newton step and let the KKT test decide
                if F_new <= F + 1e-4 * t * dec or (t == 1.0 and -dec <= 1e-13 * abs(F)):
                    accepted = True
                    break
            t *= 0.5
        if not accepted:
            break
        alpha[:] = a_new
        psi[:] = p_new
        eta = eta_new
        f = f_new
        F = F_new
        ga, gp = gradient(X, G, n_free)
        kkt = kkt_violation(ga, gp, psi, pen, l1_ratio, n_free)
    return alpha, psi, F, n_iter, kkt, t
