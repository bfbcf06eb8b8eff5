"""Numba kernels of statlearn.online: online ridge and groupwise sleeping experts.

Free ``@njit(cache=True, error_model="numpy")`` functions over plain float64 / int64 / bool arrays.
Every kernel has a plain-numpy twin in ``tests/online/_oracles.py``. Inputs are
validated in Python (finite, contiguous, float64) before they get here; the
kernels do not check them again.

Conventions
-----------
- A ridge learner is the pair ``(P, theta)``: ``P`` the inverse of the
  (weighted) penalised Gram matrix, shape ``(k, k)``, and ``theta`` the
  coefficients, shape ``(k, n_outputs)``; rows ``x`` already carry the
  constant 1 when an intercept is fitted. ``beta`` is the forgetting factor
  (1 = no forgetting).
- Sleeping-experts methods: 0 = AdaNormalHedge, 1 = hedge.
- Losses: 0 = squared (``scale * sum_k (yhat_k - y_k)^2``), 1 = log loss
  (probabilities clipped to ``[eps, 1 - eps]``; one output = binary, several =
  multiclass with one-hot ``y``).
- Clip modes: 0 = none, 1 = clip each output to ``[lo, hi]``, 2 = clip to
  ``[lo, hi]`` then rescale the outputs to sum to one (class probabilities).
- Aggregation: 0 = mean (the weighted mean of the awake experts' forecasts),
  1 = sample (one awake expert drawn with the weights, using ``u``).

Kernels are few on purpose: a cold first call compiles each distinct
signature once (issue 14), so the regressor, the classifier, ``fit`` and
``predict`` all go through :func:`groupwise_pass` with the same argument
types, and :class:`~statlearn.online.SleepingExperts` and the generic-base
path reuse :func:`hedge_weights` and :func:`mix_row`.
"""

import math

import numpy as np
from numba import njit

LOG_HALF = math.log(0.5)
NEG_INF = -np.inf


@njit(cache=True, error_model="numpy")
def rls_update(P, theta, x, y, beta, u):
    """One exponentially weighted Sherman-Morrison update of ``(P, theta)`` in place.

    With ``u = P x`` and ``s = beta + x^T u``: ``theta += u (y - theta^T x)^T / s``
    and ``P = (P - u u^T / s) / beta``. After rows ``1..t`` this is the ridge
    solution with row weights ``beta^(t-s)`` and penalty ``alpha beta^t``.
    ``u`` is scratch space of length ``>= k``.
    """
    k = x.shape[0]
    K = theta.shape[1]
    s = beta
    for i in range(k):
        acc = 0.0
        for j in range(k):
            acc += P[i, j] * x[j]
        u[i] = acc
        s += x[i] * acc
    for o in range(K):
        pred = 0.0
        for i in range(k):
            pred += theta[i, o] * x[i]
        resid = (y[o] - pred) / s
        for i in range(k):
            theta[i, o] += u[i] * resid
    # P stays exactly symmetric: with beta < 1 the rounding error of a non-symmetric update
    # grows like beta^-t (Verhaegen 1989); the symmetric form is stable.
    inv_beta = 1.0 / beta
    for i in range(k):
        ui = u[i] / s
        for j in range(i, k):
            v = (0.5 * (P[i, j] + P[j, i]) - ui * u[j]) * inv_beta
            P[i, j] = v
            P[j, i] = v


@njit(cache=True, error_model="numpy")
def rls_run(P, theta, X, Y, beta, u, preds):
    """Prequential run of one ridge learner: ``preds[t] = theta^T X[t]``, then learn row ``t``."""
    K = theta.shape[1]
    for t in range(X.shape[0]):
        x = X[t]
        for o in range(K):
            acc = 0.0
            for i in range(x.shape[0]):
                acc += theta[i, o] * x[i]
            preds[t, o] = acc
        rls_update(P, theta, x, Y[t], beta, u)


@njit(cache=True, error_model="numpy", inline="always")
def _clip(v, lo, hi):
    return lo if v < lo else hi if v > hi else v


@njit(cache=True, error_model="numpy")
def hedge_weights(method, eta0, logG, R, C, counts, idx, m, logw, p):
    """Log-weights ``logw[:m]`` and probabilities ``p[:m]`` of the awake experts ``idx[:m]``.

    The only hedge-weight formula. AdaNormalHedge:
    ``log w = a + log(1 - exp(b - a)) + log(1/2)`` with
    ``a = [R + 1]_+^2 / (3 (C + 1))``, ``b = [R - 1]_+^2 / (3 (C + 1))`` (zero
    weight, ``-inf``, when ``a <= b``). Hedge: ``log w = eta R`` with
    ``eta = eta0 sqrt(logG / max(counts, 1))``. Normalised with the maximum
    subtracted, so no weight overflows; uniform when every weight is zero.
    """
    top = NEG_INF
    for k in range(m):
        g = idx[k]
        if method == 0:
            denom = 3.0 * (C[g] + 1.0)
            rp = R[g] + 1.0
            rm = R[g] - 1.0
            a = rp * rp / denom if rp > 0.0 else 0.0
            b = rm * rm / denom if rm > 0.0 else 0.0
            lw = a + math.log(-math.expm1(b - a)) + LOG_HALF if a > b else NEG_INF
        else:
            lw = eta0 * math.sqrt(logG / (counts[g] if counts[g] > 1 else 1)) * R[g]
        logw[k] = lw
        if lw > top:
            top = lw
    if top == NEG_INF:
        for k in range(m):
            p[k] = 1.0 / m
        return
    total = 0.0
    for k in range(m):
        e = math.exp(logw[k] - top) if logw[k] > NEG_INF else 0.0
        p[k] = e
        total += e
    for k in range(m):
        p[k] /= total


@njit(cache=True, error_model="numpy", inline="always")
def regret_update(R, C, counts, idx, m, p, losses):
    """Instantaneous regrets ``r_g = <p, l> - l_g`` of the awake experts into ``R``, ``|r_g|`` into ``C``."""
    L = 0.0
    for k in range(m):
        L += p[k] * losses[k]
    for k in range(m):
        g = idx[k]
        r = L - losses[k]
        R[g] += r
        C[g] += abs(r)
        counts[g] += 1


@njit(cache=True, error_model="numpy")
def mix_row(R, C, counts, idx, m, yhat, y, method, eta0, logG, loss, scale, eps, aggregation, u,
            learn, p, losses, out):
    """Combine the awake experts' forecasts ``yhat[:m]`` of one row into ``out``; learn ``y`` if asked.

    This is the forecast-row kernel: the numba pass and the Python loop over
    any scikit-learn base model both call it, once per row.
    """
    K = out.shape[0]
    hedge_weights(method, eta0, logG, R, C, counts, idx, m, losses, p)  # losses: scratch until set below
    for o in range(K):
        out[o] = 0.0
    if aggregation == 0:
        for k in range(m):
            for o in range(K):
                out[o] += p[k] * yhat[k, o]
    else:
        pick = m - 1
        acc = 0.0
        for k in range(m):
            acc += p[k]
            if u < acc:
                pick = k
                break
        for o in range(K):
            out[o] = yhat[pick, o]
    if not learn:
        return
    for k in range(m):
        v = 0.0
        if loss == 0:
            for o in range(K):
                d = yhat[k, o] - y[o]
                v += d * d
            v *= scale
        elif K == 1:
            q = _clip(yhat[k, 0], eps, 1.0 - eps)
            v = -(y[0] * math.log(q) + (1.0 - y[0]) * math.log(1.0 - q))
        else:
            for o in range(K):
                if y[o] > 0.0:
                    v -= y[o] * math.log(_clip(yhat[k, o], eps, 1.0 - eps))
        losses[k] = v
    regret_update(R, C, counts, idx, m, p, losses)


@njit(cache=True, error_model="numpy")
def groupwise_pass(P, theta, R, C, counts, X, Y, awake, method, eta0, loss, scale, eps, aggregation,
                   clip_mode, lo, hi, beta, residual, uniforms, learn, idx, yhat, work, preds):
    """Groupwise forecasts of the rows of ``X``; prequential learning when ``learn`` (else frozen).

    Parameters
    ----------
    P : (G, k, k) float64, updated in place when learning
    theta : (G, k, K) float64, updated in place when learning
    R, C : (G,) float64, cumulative instantaneous regrets and their absolute values
    counts : (G,) int64, rounds each expert was awake
    X : (n, k) float64 (with the constant column when an intercept is fitted)
    Y : (n, K) float64 (ignored when not learning)
    awake : (n, G) bool
    residual : bool; when true, expert ``g < G - 1`` forecasts the last
        (global) learner's forecast plus its own, and learns the residual
        ``y - global forecast``: a group's expert starts at the global model
        and moves away from it only as far as its own rows support. The
        global learner learns every row, even where it is not awake (mixed).
    uniforms : (n,) float64, the draws of ``aggregation=1``
    idx, yhat, work : scratch space, (G,) int64, (G, K) and (5, max(G, k, K)) float64
        (allocated by the caller: array allocation inside the kernel would
        compile numpy's allocators on a cold start)
    preds : (n, K) float64, the combined forecast of each row (before learning it)
    """
    n, k = X.shape
    G = R.shape[0]
    K = theta.shape[2]
    glob = G - 1
    p, losses, u, shared, target = work[0], work[1], work[2], work[3], work[4]
    logG = math.log(G if G > 2 else 2)
    for t in range(n):
        x = X[t]
        m = np.int64(0)  # not the literal 0: numba would compile mix_row for Literal[int](0) first
        for g in range(G):
            if awake[t, g]:
                idx[m] = g
                m += 1
        if residual:
            for o in range(K):
                acc = 0.0
                for i in range(k):
                    acc += theta[glob, i, o] * x[i]
                shared[o] = acc
        for j in range(m):
            g = idx[j]
            total = 0.0
            for o in range(K):
                acc = shared[o] if residual and g != glob else 0.0
                for i in range(k):
                    acc += theta[g, i, o] * x[i]
                if clip_mode > 0:
                    acc = _clip(acc, lo, hi)
                yhat[j, o] = acc
                total += acc
            if clip_mode == 2:
                for o in range(K):
                    yhat[j, o] = yhat[j, o] / total if total > 0.0 else 1.0 / K
        mix_row(R, C, counts, idx, m, yhat, Y[t], method, eta0, logG, loss, scale, eps, aggregation,
                uniforms[t], learn, p, losses, preds[t])
        if not learn:
            continue
        for j in range(m):
            g = idx[j]
            if residual and g != glob:
                for o in range(K):
                    target[o] = Y[t, o] - shared[o]
                rls_update(P[g], theta[g], x, target, beta, u)
            else:
                rls_update(P[g], theta[g], x, Y[t], beta, u)
        if residual and not awake[t, glob]:  # the global learner learns every row, mixed or not
            rls_update(P[glob], theta[glob], x, Y[t], beta, u)
