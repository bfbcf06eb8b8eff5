"""Numba kernels of statlearn.online: online ridge and groupwise sleeping experts.

Free ``@njit(cache=True)`` functions over plain float64 / int64 / bool arrays.
Every kernel has a plain-numpy twin in ``tests/online/_oracles.py``.

Conventions
-----------
- A ridge learner is the triple ``(P, theta, n)``: ``P`` the inverse of
  ``alpha * I + sum x x^T`` (shape ``(d, d)``), ``theta`` the coefficients
  (``(d,)``); ``x`` already carries the constant 1 when an intercept is fitted.
- Sleeping-experts methods: 0 = AdaNormalHedge, 1 = hedge.
- Losses: 0 = squared, 1 = log loss (probabilities clipped to ``[eps, 1 - eps]``).
- Aggregation: 0 = mean (the weighted mean of the awake experts' forecasts),
  1 = sample (one awake expert drawn with the weights, using ``uniforms[t]``).
"""

import math

import numpy as np
from numba import njit

LOG_HALF = math.log(0.5)
NEG_INF = -np.inf


@njit(cache=True)
def rls_update(P, theta, x, y):
    """One Sherman-Morrison update of a ridge learner, in place; returns the prior forecast."""
    d = x.shape[0]
    u = np.empty(d)
    pred = 0.0
    for i in range(d):
        pred += theta[i] * x[i]
        s = 0.0
        for j in range(d):
            s += P[i, j] * x[j]
        u[i] = s
    denom = 1.0
    for i in range(d):
        denom += x[i] * u[i]
    resid = (y - pred) / denom
    for i in range(d):
        ui = u[i] / denom
        for j in range(d):
            P[i, j] -= ui * u[j]
        theta[i] += u[i] * resid
    return pred


@njit(cache=True)
def rls_learn_one(P, theta, x, y, fit_intercept):
    """Learn one row ``x`` (without the constant); the constant 1 is implicit when fitting an intercept.

    Returns the forecast made before the update, or NaN (and no update) when
    ``x`` or ``y`` is not finite.
    """
    k = theta.shape[0]
    d = x.shape[0]
    if not math.isfinite(y):
        return math.nan
    for i in range(d):
        if not math.isfinite(x[i]):
            return math.nan
    u = np.empty(k)
    pred = 0.0
    for i in range(k):
        xi = x[i] if i < d else 1.0
        pred += theta[i] * xi
        s = 0.0
        for j in range(d):
            s += P[i, j] * x[j]
        if fit_intercept:
            s += P[i, d]
        u[i] = s
    denom = 1.0
    for i in range(d):
        denom += x[i] * u[i]
    if fit_intercept:
        denom += u[d]
    resid = (y - pred) / denom
    for i in range(k):
        ui = u[i] / denom
        for j in range(k):
            P[i, j] -= ui * u[j]
        theta[i] += u[i] * resid
    return pred


@njit(cache=True)
def rls_run(P, theta, X, y, preds):
    """Prequential run of one ridge learner over the rows of ``X``; forecasts into ``preds``."""
    for t in range(X.shape[0]):
        preds[t] = rls_update(P, theta, X[t], y[t])


@njit(cache=True)
def anh_log_weight(R, C):
    """Log of the AdaNormalHedge weight ``(exp(a) - exp(b)) / 2``; ``-inf`` for a zero weight.

    ``a = [R + 1]_+^2 / (3 (C + 1))`` and ``b = [R - 1]_+^2 / (3 (C + 1))``.
    """
    denom = 3.0 * (C + 1.0)
    rp = R + 1.0
    rm = R - 1.0
    a = rp * rp / denom if rp > 0.0 else 0.0
    b = rm * rm / denom if rm > 0.0 else 0.0
    if a <= b:
        return NEG_INF
    return a + math.log(-math.expm1(b - a)) + LOG_HALF


@njit(cache=True)
def log_weights(method, eta, R, C, awake_idx, n_awake, out):
    """Log-weights of the awake experts ``awake_idx[:n_awake]`` into ``out[:n_awake]``."""
    for k in range(n_awake):
        g = awake_idx[k]
        if method == 0:
            out[k] = anh_log_weight(R[g], C[g])
        else:
            out[k] = eta * R[g]


@njit(cache=True)
def normalise_log_weights(logw, n_awake, p):
    """Probabilities from log-weights (max subtraction); uniform when every weight is zero."""
    m = NEG_INF
    for k in range(n_awake):
        if logw[k] > m:
            m = logw[k]
    if m == NEG_INF:
        for k in range(n_awake):
            p[k] = 1.0 / n_awake
        return
    s = 0.0
    for k in range(n_awake):
        e = math.exp(logw[k] - m) if logw[k] > NEG_INF else 0.0
        p[k] = e
        s += e
    for k in range(n_awake):
        p[k] /= s


@njit(cache=True)
def _loss(loss, pred, y, eps):
    if loss == 0:
        r = pred - y
        return r * r
    q = min(max(pred, eps), 1.0 - eps)
    return -(y * math.log(q) + (1.0 - y) * math.log(1.0 - q))


@njit(cache=True)
def _forecast(theta_g, x, do_clip, lo, hi):
    s = 0.0
    for i in range(x.shape[0]):
        s += theta_g[i] * x[i]
    if do_clip:
        if s < lo:
            s = lo
        elif s > hi:
            s = hi
    return s


@njit(cache=True)
def _aggregate(aggregation, u, yhat, p, n_awake):
    if aggregation == 0:
        out = 0.0
        for k in range(n_awake):
            out += p[k] * yhat[k]
        return out
    c = 0.0
    for k in range(n_awake):
        c += p[k]
        if u < c:
            return yhat[k]
    return yhat[n_awake - 1]


@njit(cache=True)
def groupwise_run(P, theta, R, C, counts, X, y, awake, method, eta0, loss, eps,
                  aggregation, do_clip, lo, hi, uniforms, preds):
    """Prequential groupwise learning over the rows of ``X`` (predict, then learn).

    Parameters
    ----------
    P : (G, d, d) float64, updated in place
    theta : (G, d) float64, updated in place
    R, C : (G,) float64, cumulative instantaneous regrets and their absolute values
    counts : (G,) int64, rounds each expert was awake
    X : (n, d) float64 (with the constant column when an intercept is fitted)
    y : (n,) float64
    awake : (n, G) bool
    method : 0 AdaNormalHedge, 1 hedge (``eta = eta0 * sqrt(log(max(G, 2)) / counts[g])``
        when ``eta0 > 0``)
    loss, eps, aggregation, do_clip, lo, hi, uniforms : see the module docstring
    preds : (n,) float64, the combined forecast of each row before learning it
    """
    n, d = X.shape
    G = R.shape[0]
    idx = np.empty(G, dtype=np.int64)
    yhat = np.empty(G)
    logw = np.empty(G)
    p = np.empty(G)
    lg = np.empty(G)
    logG = math.log(max(G, 2))
    for t in range(n):
        x = X[t]
        m = 0
        for g in range(G):
            if awake[t, g]:
                idx[m] = g
                m += 1
        for k in range(m):
            yhat[k] = _forecast(theta[idx[k]], x, do_clip, lo, hi)
        if method == 0:
            log_weights(0, 0.0, R, C, idx, m, logw)
        else:
            for k in range(m):
                g = idx[k]
                eta = eta0 * math.sqrt(logG / max(counts[g], 1))
                logw[k] = eta * R[g]
        normalise_log_weights(logw, m, p)
        preds[t] = _aggregate(aggregation, uniforms[t], yhat, p, m)
        yt = y[t]
        L = 0.0
        for k in range(m):
            lg[k] = _loss(loss, yhat[k], yt, eps)
            L += p[k] * lg[k]
        for k in range(m):
            g = idx[k]
            r = L - lg[k]
            R[g] += r
            C[g] += abs(r)
            counts[g] += 1
            rls_update(P[g], theta[g], x, yt)


@njit(cache=True)
def groupwise_predict(theta, R, C, counts, X, awake, method, eta0, aggregation,
                      do_clip, lo, hi, uniforms, preds):
    """Forecasts of the current (frozen) groupwise model; nothing is learned."""
    n = X.shape[0]
    G = R.shape[0]
    idx = np.empty(G, dtype=np.int64)
    yhat = np.empty(G)
    logw = np.empty(G)
    p = np.empty(G)
    logG = math.log(max(G, 2))
    for t in range(n):
        x = X[t]
        m = 0
        for g in range(G):
            if awake[t, g]:
                idx[m] = g
                m += 1
        for k in range(m):
            yhat[k] = _forecast(theta[idx[k]], x, do_clip, lo, hi)
        if method == 0:
            log_weights(0, 0.0, R, C, idx, m, logw)
        else:
            for k in range(m):
                g = idx[k]
                eta = eta0 * math.sqrt(logG / max(counts[g], 1))
                logw[k] = eta * R[g]
        normalise_log_weights(logw, m, p)
        preds[t] = _aggregate(aggregation, uniforms[t], yhat, p, m)
