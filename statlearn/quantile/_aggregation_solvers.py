"""The numerical core of :class:`~statlearn.quantile.QuantileAggregator`: the screened weight LPs
(coarse, medium, fine), the combination of base predictions with those weights, and the
softmax-linear gate of the local variant (L-BFGS over a numba objective)."""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._lp import check_lp_range, check_weight_range, robust_spread, screened_pinball_lp


def _scaled(Z, y, s=None):
    """Divide by a power of two near the spread of ``y`` (exact, weights unchanged); refuse
    values (and weights) the LP cannot resolve instead of returning tolerance noise as weights."""
    spread = robust_spread(y)
    check_lp_range(y, "y", spread)
    check_lp_range(Z, "base_predictions", spread)
    if s is not None:
        check_weight_range(s)
    b = 2.0 ** np.round(np.log2(spread))
    return Z / b, y / b


def _solve_weights(Z, y, q, weights, s, simplex, counts=None, start=None):
    """Screened exact LPs; medium and fine start each level from the previous level's weights, or
    from ``start`` (weights of the same shape, e.g. fitted on a superset of the rows) when given."""
    n, p, m = Z.shape
    if weights == "coarse":
        A = Z.transpose(0, 2, 1).reshape(n * m, p)
        return screened_pinball_lp(A, np.repeat(y, m), np.tile(q, n), np.repeat(s, m), simplex, start,
                                   counts=counts)
    W, w0 = [], None
    A = Z.reshape(n, p * m) if weights == "fine" else None
    for k in range(m):
        tau = np.full(n, q[k])
        if start is not None:
            w0 = start[:, k] if weights == "medium" else start[:, :, k].ravel()
        if weights == "medium":
            w0 = screened_pinball_lp(Z[:, :, k], y, tau, s, simplex, w0, counts=counts)
        else:
            if w0 is not None and start is None:  # level k's combination resembles level k-1's moved up one input level
                prev = w0.reshape(p, m)
                w0 = np.zeros((p, m))
                w0[:, 1:] = prev[:, :-1]
                w0[:, -1] += prev[:, -1]
                w0 = w0.ravel()
            w0 = screened_pinball_lp(A, y, tau, s, simplex, w0, counts=counts)
        W.append(w0)
    W = np.column_stack(W)
    return W if weights == "medium" else W.reshape(p, m, m)


def _combine(Z, w):
    """Aggregate ``Z`` (n, p, m) with coarse/medium/fine weights ``w``."""
    n, p, m = Z.shape
    if w.ndim == 1:
        return np.einsum("njm,j->nm", Z, w)
    if w.ndim == 2:
        return np.einsum("njm,jm->nm", Z, w)
    return Z.reshape(n, p * m) @ w.reshape(p * m, m)


def _design(X, st):
    """Standardised gate design of the softmax gate, intercept last."""
    Xs = (X - st.gate_mean_) / st.gate_scale_
    return np.column_stack([Xs, np.ones(X.shape[0])])


def _row_losses(Z, y, q):
    """Mean pinball loss over levels of every (row, model): shape (n, p)."""
    r = y[:, None, None] - Z
    return np.mean(np.maximum(q * r, (q - 1.0) * r), axis=2)


def _softmax_weights(D, T):
    """Softmax over models of ``D @ T``: D (n, d1), T (d1, p, mm) -> (n, p, mm)."""
    logits = np.einsum("nd,dpk->npk", D, T)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def _gate_objective(theta, D, Z, y, q, s, delta, penalty, shape):
    """Smoothed mean pinball loss of the softmax-gated combination and its gradient (numba)."""
    loss, grad = _kernels.softmax_gate_objective(theta.reshape(shape), D, Z, y, q, s, delta, penalty)
    return loss, grad.ravel()


def _fit_softmax_gate(D, Z, y, q, s, w0, penalty, max_iter=1000, T0=None):
    """L-BFGS fit of a softmax-linear gate, started at the global weights ``w0`` (or at ``T0``)."""
    from scipy.optimize import minimize

    n, p, m = Z.shape
    if T0 is None:
        mm = 1 if w0.ndim == 1 else m
        T0 = np.zeros((D.shape[1], p, mm))
        T0[-1] = np.log(0.9 * np.reshape(w0, (p, mm)) + 0.1 / p)  # not saturated: gradients can flow
    delta = 1e-3 * max(float(np.std(y)), 1e-12)
    res = minimize(_gate_objective, T0.ravel(), args=(D, Z, y, q, s, delta, penalty, T0.shape), jac=True,
                   method="L-BFGS-B", options={"maxiter": max_iter, "ftol": 1e-15, "gtol": 1e-10})
    return res.x.reshape(T0.shape)
