"""The PRESTO penalty: weights per (feature, boundary) entry of the differences, lambda_max, grids."""

from __future__ import annotations

import numpy as np

from . import _solver
from ._data import null_intercepts

L1_FLOOR = 1e-3  # l1_ratio used for lambda_max when l1_ratio = 0 (as glmnet)


def penalty_weights(penalty_factor, first_block_penalty, n_features, n_boundaries):
    """``c_j f_k``: feature factors times boundary factors (``f_1 = first_block_penalty``)."""
    c = np.ones(n_features) if penalty_factor is None else penalty_factor
    f = np.ones(n_boundaries)
    f[0] = first_block_penalty
    return np.outer(c, f)


def penalty_matrix(lam, penalty_factor, first_block_penalty, n_features, n_boundaries):
    """``lam * c_j f_k`` as a C-contiguous (p, K-1) array."""
    weight = penalty_weights(penalty_factor, first_block_penalty, n_features, n_boundaries)
    # a zero factor leaves an entry unpenalized even at lam = inf (inf * 0 would be NaN), and an
    # infinite penalty is capped at a finite one that still pins its entry at zero
    with np.errstate(invalid="ignore", over="ignore"):
        pen = np.where((weight > 0) & (lam > 0), np.minimum(lam * weight, 1e300), 0.0)
    return np.ascontiguousarray(pen)


def check_penalty_factor(penalty_factor, n_features):
    if penalty_factor is None:
        return None
    c = np.asarray(penalty_factor, dtype=np.float64)
    if c.shape != (n_features,):
        raise ValueError(f"`penalty_factor` must have shape ({n_features},); got {c.shape}.")
    if not np.isfinite(c).all() or (c < 0).any():
        raise ValueError(f"`penalty_factor` must be finite and non-negative; got {c}.")
    return c


def check_lambdas(lambdas):
    lam = np.asarray(lambdas, dtype=np.float64).ravel()
    if lam.size == 0 or not np.isfinite(lam).all() or (lam < 0).any():
        raise ValueError(f"`lambdas` must be a non-empty array of finite values >= 0; got {lambdas!r}.")
    return np.sort(lam)[::-1].copy()


def lambda_max(data, penalty_factor, first_block_penalty, l1_ratio, tol=1e-8, max_iter=10000, link="logit"):
    """Smallest lam at which every penalized difference is zero.

    The null fit has every penalized difference at zero: intercepts only, plus
    the unpenalized entries (the first block when ``first_block_penalty=0``,
    features with ``penalty_factor=0``), fitted by the solver.
    """
    p = data.X.shape[1]
    k1 = data.n_classes - 1
    weight = penalty_weights(penalty_factor, first_block_penalty, p, k1)
    alpha = null_intercepts(data.y, data.w, data.n_classes, link)
    psi = np.zeros((p, k1))
    if (weight == 0).any():
        frozen = np.ascontiguousarray(np.where(weight == 0, 0.0, 1e300))
        alpha, psi, _, _, _ = _solver.solve(data, frozen, 1.0, k1, tol, max_iter, link=link)
    prob = _solver.Problem(data.X, data.y, data.w, weight, 1.0, k1, link)
    gpsi = _solver.evaluate(prob, alpha, psi).gp
    mask = weight > 0
    if not mask.any() or gpsi is None:
        return 1.0
    lam = float(np.max(np.abs(gpsi[mask]) / (weight[mask] * max(l1_ratio, L1_FLOOR))))
    return lam if lam > 0 else 1.0


def lambda_grid(lam_max, n_lambdas, lambda_min_ratio):
    """``n_lambdas`` values log-spaced from ``lam_max`` down to ``lambda_min_ratio * lam_max``."""
    return lam_max * np.geomspace(1.0, lambda_min_ratio, n_lambdas)
