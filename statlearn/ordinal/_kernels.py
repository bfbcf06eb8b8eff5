"""Numba kernels of the cumulative-link likelihood (plain float64 / int64 arrays).

Notation: ``eta`` (n, K-1) boundary predictors, ``P(y <= k | x) = F(eta[:, k])``
for a link's distribution function ``F`` with density ``f``; ``y`` (n,) class
codes ``0 .. K-1``; ``w`` (n,) weights. The loss is ``-sum_i w_i log p_{y_i}``;
it is ``+inf`` when a middle-class point has ``eta_c <= eta_{c-1}``.

Each link supplies three scalar functions returning ``(log p, r_a, r_b)``:

- ``lo(z)``: the first class, ``p = F(z)``, ``r_a = f(z) / F(z)``, ``r_b = 0``;
- ``hi(z)``: the last class, ``p = 1 - F(z)``, ``r_a = 0``, ``r_b = f(z) / (1 - F(z))``;
- ``mid(a, b)``: a middle class, ``p = D = F(a) - F(b)``, ``r_a = f(a) / D``,
  ``r_b = f(b) / D`` (``log p = -inf`` outside the domain ``a > b``),

so that ``d loss / d eta_c = -w r_a`` and ``d loss / d eta_{c-1} = w r_b``.
One kernel per link, :func:`nll_logit`, :func:`nll_probit`, :func:`nll_cloglog`
(the same short loop over the link's own functions), so a fit compiles only the
link it uses: the probit and cloglog tails cost about as much to compile as the
loop itself, and numba's first-class function arguments, the way to write the
loop once, cannot be cached on disk. Kernels allocate nothing (compiling array
allocation costs more than the loops).
"""

import math

import numpy as np
from numba import njit

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT1_2 = math.sqrt(0.5)


# --------------------------------------------------------------------------- #
# logit: F = sigmoid
# --------------------------------------------------------------------------- #
@njit(cache=True)
def _softplus_sigmoid(z):
    """``(log(1 + exp(z)), sigmoid(z))`` from one exponential."""
    if z > 0.0:
        e = math.exp(-z)
        return z + math.log1p(e), 1.0 / (1.0 + e)
    e = math.exp(z)
    return math.log1p(e), e / (1.0 + e)


@njit(cache=True)
def _lo_logit(z):
    sp, s = _softplus_sigmoid(-z)  # -log sigmoid(z), 1 - sigmoid(z)
    return -sp, s, 0.0


@njit(cache=True)
def _hi_logit(z):
    sp, s = _softplus_sigmoid(z)
    return -sp, 0.0, s


@njit(cache=True)
def _mid_logit(a, b):
    if not a > b:
        return -np.inf, 0.0, 0.0
    em = math.expm1(b - a)  # exp(-d) - 1 in (-1, 0)
    if em == 0.0:
        return -np.inf, 0.0, 0.0
    sp_a, s_na = _softplus_sigmoid(-a)  # -log sigmoid(a), 1 - sigmoid(a)
    sp_b, s_b = _softplus_sigmoid(b)
    r = (1.0 + em) / (-em)  # 1 / expm1(d)
    # log(sigmoid(a) - sigmoid(b)) = -softplus(-a) - softplus(b) + log(1 - exp(-d))
    return -sp_a - sp_b + math.log(-em), s_na + r, s_b + r


# --------------------------------------------------------------------------- #
# probit: F = standard normal
# --------------------------------------------------------------------------- #
@njit(cache=True)
def _log_ndtr(z):
    """``log Phi(z)``, accurate in both tails."""
    if z > 0.0:
        return math.log1p(-0.5 * math.erfc(z * _SQRT1_2))
    if z > -35.0:
        return math.log(0.5 * math.erfc(-z * _SQRT1_2))
    z2 = 1.0 / (z * z)  # asymptotic series of the Mills ratio
    return -0.5 * z * z - math.log(-z) - _LOG_SQRT_2PI + math.log1p(z2 * (-1.0 + z2 * (3.0 - 15.0 * z2)))


@njit(cache=True)
def _log_normpdf(z):
    return -0.5 * z * z - _LOG_SQRT_2PI


@njit(cache=True)
def _lo_probit(z):
    lp = _log_ndtr(z)
    return lp, math.exp(_log_normpdf(z) - lp), 0.0


@njit(cache=True)
def _hi_probit(z):
    lp = _log_ndtr(-z)
    return lp, 0.0, math.exp(_log_normpdf(z) - lp)


@njit(cache=True)
def _log_diff_ndtr(a, b):
    """``log(Phi(a) - Phi(b))`` for ``a > b``."""
    if b >= 0.0:  # both in the upper tail: Phi(-b) - Phi(-a)
        hi = _log_ndtr(-b)
        return hi + math.log(-math.expm1(_log_ndtr(-a) - hi))
    if a <= 0.0:
        hi = _log_ndtr(a)
        return hi + math.log(-math.expm1(_log_ndtr(b) - hi))
    d = 0.5 * (math.erf(a * _SQRT1_2) - math.erf(b * _SQRT1_2))
    return math.log(d) if d > 0.0 else -np.inf


@njit(cache=True)
def _mid_probit(a, b):
    log_d = _log_diff_ndtr(a, b) if a > b else -np.inf
    if not log_d > -np.inf:
        return -np.inf, 0.0, 0.0
    return log_d, math.exp(_log_normpdf(a) - log_d), math.exp(_log_normpdf(b) - log_d)


# --------------------------------------------------------------------------- #
# complementary log-log: F(z) = 1 - exp(-exp(z))
# --------------------------------------------------------------------------- #
@njit(cache=True)
def _lo_cloglog(z):
    u = math.exp(z)
    if u < 1e-10:  # log(1 - exp(-u)) = log u - u / 2 + O(u^2)
        return z - 0.5 * u, 1.0 - 0.5 * u, 0.0
    ratio = math.exp(z - u) if u > 700.0 else u / math.expm1(u)
    return math.log(-math.expm1(-u)), ratio, 0.0


@njit(cache=True)
def _hi_cloglog(z):
    u = math.exp(z)
    return -u, 0.0, u


@njit(cache=True)
def _mid_cloglog(a, b):
    if not a > b:
        return -np.inf, 0.0, 0.0
    ub = math.exp(b)
    ld = b + math.log(math.expm1(a - b))  # log(exp(a) - exp(b))
    dd = math.exp(ld)
    if dd < 1e-8:
        log_d = -ub + ld - 0.5 * dd
    else:
        log_d = -ub + math.log(-math.expm1(-dd))
    ua = math.exp(a)
    return log_d, math.exp(a - ua - log_d), math.exp(b - ub - log_d)


# --------------------------------------------------------------------------- #
# negative log-likelihood, one kernel per link (``G`` zeroed by the caller)
# --------------------------------------------------------------------------- #
@njit(cache=True)
def nll_logit(eta, y, w, G, want_grad):
    """Weighted negative log-likelihood; adds ``d loss / d eta`` into a zeroed ``G`` if ``want_grad``.

    Returns ``inf`` (and leaves ``G`` partly filled) outside the domain.
    """
    k1 = eta.shape[1]
    total = 0.0
    for i in range(y.shape[0]):
        c = y[i]
        if c == 0:
            lp, ra, rb = _lo_logit(eta[i, 0])
        elif c == k1:
            lp, ra, rb = _hi_logit(eta[i, k1 - 1])
        else:
            lp, ra, rb = _mid_logit(eta[i, c], eta[i, c - 1])
        if not lp > -np.inf:
            return np.inf
        total -= w[i] * lp
        if want_grad:
            if c < k1:
                G[i, c] = -w[i] * ra
            if c > 0:
                G[i, c - 1] = w[i] * rb
    return total


@njit(cache=True)
def nll_probit(eta, y, w, G, want_grad):
    """As :func:`nll_logit` with the probit link."""
    k1 = eta.shape[1]
    total = 0.0
    for i in range(y.shape[0]):
        c = y[i]
        if c == 0:
            lp, ra, rb = _lo_probit(eta[i, 0])
        elif c == k1:
            lp, ra, rb = _hi_probit(eta[i, k1 - 1])
        else:
            lp, ra, rb = _mid_probit(eta[i, c], eta[i, c - 1])
        if not lp > -np.inf:
            return np.inf
        total -= w[i] * lp
        if want_grad:
            if c < k1:
                G[i, c] = -w[i] * ra
            if c > 0:
                G[i, c - 1] = w[i] * rb
    return total


@njit(cache=True)
def nll_cloglog(eta, y, w, G, want_grad):
    """As :func:`nll_logit` with the complementary log-log link."""
    k1 = eta.shape[1]
    total = 0.0
    for i in range(y.shape[0]):
        c = y[i]
        if c == 0:
            lp, ra, rb = _lo_cloglog(eta[i, 0])
        elif c == k1:
            lp, ra, rb = _hi_cloglog(eta[i, k1 - 1])
        else:
            lp, ra, rb = _mid_cloglog(eta[i, c], eta[i, c - 1])
        if not lp > -np.inf:
            return np.inf
        total -= w[i] * lp
        if want_grad:
            if c < k1:
                G[i, c] = -w[i] * ra
            if c > 0:
                G[i, c - 1] = w[i] * rb
    return total


NLL = {"logit": nll_logit, "probit": nll_probit, "cloglog": nll_cloglog}


# --------------------------------------------------------------------------- #
# coordinate descent on a quadratic model (proximal Newton's inner solver)
# --------------------------------------------------------------------------- #
@njit(cache=True)
def cd_quadratic(H, g, th, free, pl1, pl2, max_sweeps, tol, D, r):
    """Cyclic coordinate descent on ``g.D + D'HD/2 + sum pl1 |th + D| + pl2 (th + D)^2 / 2``.

    Only ``free`` coordinates move, starting from ``D`` with ``r = H @ D``
    (both updated in place); stops when no coordinate moves more than ``tol``
    (in the ``H``-norm) in a sweep.
    """
    d = g.shape[0]
    for _sweep in range(max_sweeps):
        biggest = 0.0
        for u in range(d):
            if not free[u]:
                continue
            huu = H[u, u] + 1e-12
            z = th[u] + D[u]
            # minimizer of the one-dimensional model: soft-threshold, then ridge shrink
            v = huu * z - (g[u] + r[u])
            t = pl1[u]
            if v > t:
                v -= t
            elif v < -t:
                v += t
            else:
                v = 0.0
            delta = v / (huu + pl2[u]) - z
            if delta != 0.0:
                D[u] += delta
                for v2 in range(d):
                    r[v2] += delta * H[v2, u]
                biggest = max(biggest, abs(delta) * math.sqrt(huu))
        if biggest <= tol:
            break
