"""Slow, plain-numpy twins of the numba kernels of statlearn.online.

Written independently of ``statlearn/online/_kernels.py``: the ridge learner
keeps the Gram matrix and solves it (no Sherman-Morrison), and the sleeping
experts are vectorised over the awake groups.
"""

import numpy as np


def ridge_closed_form(X, y, alpha, fit_intercept=True):
    """Closed-form ridge on ``[X, 1]`` (the intercept penalised like the coefficients)."""
    Z = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    return np.linalg.solve(alpha * np.eye(Z.shape[1]) + Z.T @ Z, Z.T @ y)


def anh_log_weight(R, C):
    """Log AdaNormalHedge weight, vectorised; -inf where the weight is 0."""
    R = np.asarray(R, dtype=float)
    C = np.asarray(C, dtype=float)
    a = np.maximum(R + 1.0, 0.0) ** 2 / (3.0 * (C + 1.0))
    b = np.maximum(R - 1.0, 0.0) ** 2 / (3.0 * (C + 1.0))
    out = np.full(np.shape(R), -np.inf)
    pos = a > b
    out[pos] = np.log(0.5) + a[pos] + np.log(-np.expm1(b[pos] - a[pos]))
    return out


def anh_weight_decimal(R, C, digits=50):
    """The direct formula in 50-digit decimal arithmetic (no overflow, no cancellation).

    Returns ``(weight, log_weight)``; ``weight`` is inf when it exceeds float64.
    """
    from decimal import MAX_EMAX, Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = digits
        ctx.Emax = MAX_EMAX
        r, c = Decimal(float(R)), Decimal(float(C))
        a = max(r + 1, Decimal(0)) ** 2 / (3 * (c + 1))
        b = max(r - 1, Decimal(0)) ** 2 / (3 * (c + 1))
        if a <= b:
            return 0.0, -np.inf
        log_w = a + (1 - (b - a).exp()).ln() - Decimal(2).ln()
        w = float(log_w.exp()) if log_w < 700 else np.inf
        return w, float(log_w)


def anh_weight_direct(R, C):
    """The direct (overflow-prone) float64 formula."""
    a = np.maximum(R + 1.0, 0.0) ** 2 / (3.0 * (C + 1.0))
    b = np.maximum(R - 1.0, 0.0) ** 2 / (3.0 * (C + 1.0))
    return 0.5 * (np.exp(a) - np.exp(b))


def probabilities(logw):
    logw = np.asarray(logw, dtype=float)
    if np.all(np.isneginf(logw)):
        return np.full(logw.shape, 1.0 / logw.size)
    m = logw.max()
    e = np.exp(logw - m)
    return e / e.sum()


def groupwise_numpy(X, y, awake, *, alpha=1.0, fit_intercept=True, method="adanormalhedge",
                    learning_rate=1.0, loss="squared", eps=1e-4, aggregation="mean", clip=None,
                    uniforms=None):
    """Prequential groupwise learner with a Python loop over rows, numpy over groups.

    Returns the forecasts and the final state ``(theta, R, C, counts)``.
    """
    n, d = X.shape
    Z = np.column_stack([X, np.ones(n)]) if fit_intercept else X.copy()
    k = Z.shape[1]
    G = awake.shape[1]
    gram = np.repeat(alpha * np.eye(k)[None], G, axis=0)
    xy = np.zeros((G, k))
    theta = np.zeros((G, k))
    R = np.zeros(G)
    C = np.zeros(G)
    counts = np.zeros(G, dtype=np.int64)
    preds = np.empty(n)
    for t in range(n):
        A = np.flatnonzero(awake[t])
        z = Z[t]
        yhat = theta[A] @ z
        if clip is not None:
            yhat = np.clip(yhat, *clip)
        if method == "adanormalhedge":
            logw = anh_log_weight(R[A], C[A])
        else:
            eta = learning_rate * np.sqrt(np.log(max(G, 2)) / np.maximum(counts[A], 1))
            logw = eta * R[A]
        p = probabilities(logw)
        if aggregation == "mean":
            preds[t] = p @ yhat
        else:
            j = np.searchsorted(np.cumsum(p), uniforms[t], side="right")
            preds[t] = yhat[min(j, A.size - 1)]
        if loss == "squared":
            lg = (yhat - y[t]) ** 2
        else:
            q = np.clip(yhat, eps, 1 - eps)
            lg = -(y[t] * np.log(q) + (1 - y[t]) * np.log(1 - q))
        r = p @ lg - lg
        R[A] += r
        C[A] += np.abs(r)
        counts[A] += 1
        gram[A] += np.outer(z, z)[None]
        xy[A] += y[t] * z[None]
        for g in A:
            theta[g] = np.linalg.solve(gram[g], xy[g])
    return preds, theta, R, C, counts
