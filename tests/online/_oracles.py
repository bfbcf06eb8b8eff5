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


def ridge_weighted_closed_form(X, y, alpha, beta, fit_intercept=True):
    """Weighted ridge: row ``s`` of ``t`` has weight ``beta^(t-s)``, the penalty is ``alpha beta^t``."""
    Z = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    t = len(X)
    w = beta ** (t - 1 - np.arange(t))
    return np.linalg.solve(alpha * beta**t * np.eye(Z.shape[1]) + (Z * w[:, None]).T @ Z, (Z * w[:, None]).T @ y)


def groupwise_numpy(X, y, awake, *, alpha=1.0, fit_intercept=True, method="adanormalhedge",
                    learning_rate=1.0, loss="squared", eps=1e-4, aggregation="mean", clip=None,
                    uniforms=None, beta=1.0, residual=False, simplex=False):
    """Prequential groupwise learner with a Python loop over rows, numpy over groups.

    ``y`` is (n,) or (n, K) (one-hot for several classes; then the squared loss
    is half the sum over classes and ``simplex`` rescales clipped forecasts to
    sum to one). ``residual``: experts but the last forecast the last's
    forecast plus their own and learn its residual. Returns the forecasts and
    the final state ``(theta, R, C, counts)``.
    """
    n, d = X.shape
    Y = np.asarray(y, dtype=float).reshape(n, -1)
    K = Y.shape[1]
    Z = np.column_stack([X, np.ones(n)]) if fit_intercept else X.copy()
    k = Z.shape[1]
    G = awake.shape[1]
    gram = np.repeat(alpha * np.eye(k)[None], G, axis=0)
    xy = np.zeros((G, k, K))
    theta = np.zeros((G, k, K))
    R = np.zeros(G)
    C = np.zeros(G)
    counts = np.zeros(G, dtype=np.int64)
    preds = np.empty((n, K))
    for t in range(n):
        A = np.flatnonzero(awake[t])
        z = Z[t]
        own = np.einsum("gkK,k->gK", theta[A], z)
        shared = theta[G - 1].T @ z
        yhat = own + np.where((A != G - 1)[:, None], shared[None], 0.0) if residual else own
        if clip is not None:
            yhat = np.clip(yhat, *clip)
        if simplex:
            tot = yhat.sum(axis=1, keepdims=True)
            yhat = np.where(tot > 0, yhat / np.where(tot > 0, tot, 1.0), 1.0 / K)
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
            lg = ((yhat - Y[t]) ** 2).sum(axis=1) * (0.5 if K > 1 else 1.0)
        elif K == 1:
            q = np.clip(yhat[:, 0], eps, 1 - eps)
            lg = -(Y[t, 0] * np.log(q) + (1 - Y[t, 0]) * np.log(1 - q))
        else:
            q = np.clip(yhat, eps, 1 - eps)
            lg = -(np.log(q) * Y[t]).sum(axis=1)
        r = p @ lg - lg
        R[A] += r
        C[A] += np.abs(r)
        counts[A] += 1
        learners = list(A) + ([G - 1] if residual and G - 1 not in A else [])  # the global learner learns every row
        for g in learners:
            target = Y[t] - shared if residual and g != G - 1 else Y[t]
            gram[g] = beta * gram[g] + np.outer(z, z)
            xy[g] = beta * xy[g] + np.outer(z, target)
            theta[g] = np.linalg.solve(gram[g], xy[g])
    preds = preds[:, 0] if K == 1 else preds
    theta = theta[:, :, 0] if K == 1 else theta
    return preds, theta, R, C, counts
