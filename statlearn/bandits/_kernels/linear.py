"""Contextual policies on losses with one ridge model per arm: LinUCB and linear Thompson sampling.

State: ``a_inv`` (K, d, d) the inverse of ``alpha I + sum x x^T`` per arm (Sherman-Morrison
updates), ``b`` (K, d) ``sum loss * x`` and ``theta`` (K, d) ``= a_inv @ b``; linear Thompson
sampling adds its stream ``rng``. ``context`` is a float64 (d,) vector.
"""

import math

import numpy as np
from numba import njit

from .common import record as _record
from .environments import draw_context, linear_means, linear_observe
from .random import normal


@njit(cache=True, inline="always")
def quad_form(a_inv, arm, x):
    """``x^T a_inv[arm] x``."""
    d = x.shape[0]
    v = 0.0
    for i in range(d):
        row = 0.0
        for j in range(d):
            row += a_inv[arm, i, j] * x[j]
        v += x[i] * row
    return v


@njit(cache=True, inline="always")
def ridge_update(a_inv, b, theta, arm, loss, x):
    """Rank-one update of one arm's ridge model with ``(x, loss)``."""
    d = x.shape[0]
    ax = np.empty(d)
    for i in range(d):
        s = 0.0
        for j in range(d):
            s += a_inv[arm, i, j] * x[j]
        ax[i] = s
    denom = 1.0
    for i in range(d):
        denom += x[i] * ax[i]
    for i in range(d):
        for j in range(d):
            a_inv[arm, i, j] -= ax[i] * ax[j] / denom
    for i in range(d):
        b[arm, i] += loss * x[i]
    for i in range(d):
        s = 0.0
        for j in range(d):
            s += a_inv[arm, i, j] * b[arm, j]
        theta[arm, i] = s


@njit(cache=True)
def ridge_update_batch(a_inv, b, theta, arms, losses, contexts):
    for i in range(arms.shape[0]):
        ridge_update(a_inv, b, theta, arms[i], losses[i], contexts[i])


@njit(cache=True, inline="always")
def linucb_select(a_inv, b, theta, exploration, x):
    """``argmin_a theta_a . x - exploration * sqrt(x^T A_a^{-1} x)`` (smallest index on ties)."""
    best = 0
    best_val = math.inf
    for a in range(theta.shape[0]):
        m = 0.0
        for j in range(x.shape[0]):
            m += theta[a, j] * x[j]
        val = m - exploration * math.sqrt(max(quad_form(a_inv, a, x), 0.0))
        if val < best_val:
            best_val = val
            best = a
    return best


@njit(cache=True, inline="always")
def linucb_update(a_inv, b, theta, exploration, arm, loss, x):
    ridge_update(a_inv, b, theta, arm, loss, x)
    return 0


@njit(cache=True, inline="always")
def cholesky_into(a, arm, out):
    """Lower Cholesky factor of the symmetric positive definite ``a[arm]`` into ``out``."""
    d = out.shape[0]
    for i in range(d):
        for j in range(i + 1):
            s = a[arm, i, j]
            for k in range(j):
                s -= out[i, k] * out[j, k]
            if i == j:
                out[i, i] = math.sqrt(max(s, 1e-300))
            else:
                out[i, j] = s / out[j, j]
        for j in range(i + 1, d):
            out[i, j] = 0.0


@njit(cache=True, inline="always")
def lints_select(a_inv, b, theta, rng, scale, x):
    """Draw ``theta~_a ~ N(theta_a, scale**2 A_a^{-1})`` per arm (d normals each); play argmin ``theta~ . x``."""
    d = x.shape[0]
    chol = np.empty((d, d))
    z = np.empty(d)
    best = 0
    best_val = math.inf
    for a in range(theta.shape[0]):
        cholesky_into(a_inv, a, chol)
        for j in range(d):
            z[j] = normal(rng)
        val = 0.0
        for i in range(d):
            w = theta[a, i]
            for k in range(i + 1):
                w += scale * chol[i, k] * z[k]
            val += w * x[i]
        if val < best_val:
            best_val = val
            best = a
    return best


@njit(cache=True, inline="always")
def lints_update(a_inv, b, theta, rng, scale, arm, loss, x):
    ridge_update(a_inv, b, theta, arm, loss, x)
    return 0


@njit(cache=True)
def lints_update_batch(a_inv, b, theta, rng, arms, losses, contexts):
    ridge_update_batch(a_inv, b, theta, arms, losses, contexts)


@njit(cache=True)
def simulate_linucb(a_inv0, b0, theta0, exploration, env, policy_rngs, env_rngs, record_at,
                    out_mean, out_loss, out_arm, out_best):
    """R runs of LinUCB against a linear contextual environment (``out_best``: the best arm's mean)."""
    coef, noise_scale = env
    horizon = record_at[record_at.shape[0] - 1]
    x = np.empty(coef.shape[1])
    means = np.empty(coef.shape[0])
    for r in range(env_rngs.shape[0]):
        a_inv, b, theta, rng = a_inv0.copy(), b0.copy(), theta0.copy(), env_rngs[r].copy()
        cum_mean, cum_loss, cum_best, j = 0.0, 0.0, 0.0, 0
        for t in range(horizon):
            draw_context(rng, x)
            cum_best += linear_means(coef, x, means)
            arm = linucb_select(a_inv, b, theta, exploration, x)
            loss = linear_observe(means, noise_scale, rng, arm)
            ridge_update(a_inv, b, theta, arm, loss, x)
            cum_mean += means[arm]
            cum_loss += loss
            if j < record_at.shape[0] and t + 1 == record_at[j]:
                out_best[r, j] = cum_best
            j = _record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


@njit(cache=True)
def simulate_lints(a_inv0, b0, theta0, rng0, scale, env, policy_rngs, env_rngs, record_at,
                   out_mean, out_loss, out_arm, out_best):
    """R runs of linear Thompson sampling against a linear contextual environment."""
    coef, noise_scale = env
    horizon = record_at[record_at.shape[0] - 1]
    x = np.empty(coef.shape[1])
    means = np.empty(coef.shape[0])
    for r in range(env_rngs.shape[0]):
        a_inv, b, theta = a_inv0.copy(), b0.copy(), theta0.copy()
        prng, erng = policy_rngs[r].copy(), env_rngs[r].copy()
        cum_mean, cum_loss, cum_best, j = 0.0, 0.0, 0.0, 0
        for t in range(horizon):
            draw_context(erng, x)
            cum_best += linear_means(coef, x, means)
            arm = lints_select(a_inv, b, theta, prng, scale, x)
            loss = linear_observe(means, noise_scale, erng, arm)
            ridge_update(a_inv, b, theta, arm, loss, x)
            cum_mean += means[arm]
            cum_loss += loss
            if j < record_at.shape[0] and t + 1 == record_at[j]:
                out_best[r, j] = cum_best
            j = _record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


LINUCB = {"select": linucb_select, "update": linucb_update, "update_batch": ridge_update_batch,
          "simulate": simulate_linucb}
LINTS = {"select": lints_select, "update": lints_update, "update_batch": lints_update_batch,
         "simulate": simulate_lints}
