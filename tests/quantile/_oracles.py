"""Slow, obviously correct twins of the quantile kernels (used only by the tests)."""

import numpy as np
from sklearn.isotonic import isotonic_regression


def pinball_per_level(y, Q, tau, w):
    r = y[:, None] - Q
    loss = np.maximum(tau * r, (tau - 1.0) * r)
    return (w[:, None] * loss).sum(axis=0) / w.sum()


def wis_pinball_form(y, Q, tau, w):
    return 2.0 * pinball_per_level(y, Q, tau, w).mean()


def wis_interval_form(y, Q, tau):
    """Bracher et al. WIS from intervals: symmetric levels with the median in the middle."""
    K = Q.shape[1]
    assert K % 2 == 1 and np.isclose(tau[K // 2], 0.5)
    n_int = K // 2
    total = 0.5 * np.abs(y - Q[:, K // 2])
    for k in range(n_int):
        alpha = 2 * tau[k]
        lo, hi = Q[:, k], Q[:, K - 1 - k]
        is_ = (hi - lo) + 2 / alpha * (lo - y) * (y < lo) + 2 / alpha * (y - hi) * (y > hi)
        total = total + alpha / 2 * is_
    return float(np.mean(total / (n_int + 0.5)))


def isotonic_rows_sklearn(Q, W):
    out = np.empty_like(Q)
    for i in range(Q.shape[0]):
        w = W[0] if W.shape[0] == 1 else W[i]
        out[i] = isotonic_regression(Q[i], sample_weight=w, increasing=True)
    return out


def pava_row(x, w):
    """Textbook pool-adjacent-violators for one row, plain Python."""
    blocks = []  # [value, weight, count]
    for v, ww in zip(x, w, strict=True):
        blocks.append([float(v), float(ww), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            b = blocks.pop()
            a = blocks[-1]
            tot = a[1] + b[1]
            a[0] = (a[0] * a[1] + b[0] * b[1]) / tot
            a[1] = tot
            a[2] += b[2]
    return np.concatenate([np.full(c, v) for v, _, c in blocks])


def minmax_rows(Q, center):
    out = Q.copy()
    for i in range(Q.shape[0]):
        for k in range(center - 1, -1, -1):
            out[i, k] = min(out[i, k], out[i, k + 1])
        for k in range(center + 1, Q.shape[1]):
            out[i, k] = max(out[i, k], out[i, k - 1])
    return out


def crossing_rows(Q):
    return (np.diff(Q, axis=1) < 0).any(axis=1)


def cqr_split_shift(E, confidence_level):
    """Romano et al.: the ceil((1-alpha)(n+1))-th smallest score (inf if beyond n)."""
    n = E.size
    k = int(np.ceil(confidence_level * (n + 1) - 1e-9))
    return np.inf if k > n else np.sort(E)[k - 1]


def gate_objective(theta, D, Z, y, q, s, delta, penalty, shape):
    """Numpy twin of ``_kernels.softmax_gate_objective`` (loss and flat gradient)."""
    from scipy.special import expit

    T = theta.reshape(shape)
    logits = np.einsum("nd,dpk->npk", D, T)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    S = e / e.sum(axis=1, keepdims=True)
    n, p, m = Z.shape
    pred = np.einsum("npk,npk->nk", np.broadcast_to(S, Z.shape), Z)
    r = y[:, None] - pred
    u = -r / delta
    norm = s.sum() * m
    loss = float(np.sum(s[:, None] * (q * r + delta * np.logaddexp(0.0, u)))) / norm
    dpred = -(s[:, None] * (q - expit(u))) / norm
    G = dpred[:, None, :] * Z
    if S.shape[2] == 1:
        G = G.sum(axis=2, keepdims=True)
    dlogit = S * (G - np.sum(S * G, axis=1, keepdims=True))
    grad = np.einsum("nd,npk->dpk", D, dlogit)
    loss += penalty * float(np.sum(T[:-1] ** 2))
    grad[:-1] += 2.0 * penalty * T[:-1]
    return loss, grad.ravel()
