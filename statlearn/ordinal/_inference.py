"""Likelihood inference for the cumulative-link models: observed information, Wald tables,
likelihood-ratio tests, and the separation check."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats
from sklearn.exceptions import ConvergenceWarning

from . import _solver


def observed_information(X, y, w, alpha, beta, link):
    """Hessian of ``-sum_i w_i log p_{y_i}`` in ``(beta, alpha)`` (that order) for the
    parallel model ``eta_ik = alpha_k + x_i . beta`` on the design ``X`` as given."""
    k1 = alpha.size
    p = X.shape[1]
    prob = _solver.Problem(X, y, w, np.zeros((p, k1)), 1.0, 1, link)
    eta = np.ascontiguousarray(X @ beta[:, None] + alpha)
    Dg, Eo = prob.hess_rows(eta)
    # h_i is tridiagonal in eta_i: row sums give the alpha-beta block, the total the beta block
    rows = Dg.copy()
    rows[:, :-1] += Eo
    rows[:, 1:] += Eo
    total = rows.sum(axis=1)
    H = np.empty((p + k1, p + k1))
    H[:p, :p] = X.T @ (X * total[:, None])
    H[:p, p:] = X.T @ rows
    H[p:, :p] = H[:p, p:].T
    H_aa = np.diag(Dg.sum(axis=0))
    off = Eo.sum(axis=0)
    H_aa[np.arange(k1 - 1), np.arange(1, k1)] = off
    H_aa[np.arange(1, k1), np.arange(k1 - 1)] = off
    H[p:, p:] = H_aa
    return H


def covariance(H):
    """Inverse of the observed information; ``inf`` variances where it is singular."""
    try:
        c = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(H)
        cov[np.diag_indices_from(cov)] = np.inf
        return cov
    inv = np.linalg.inv(c)
    return inv.T @ inv


def wald_table(names, params, cov, confidence_level):
    """A statsmodels-style coefficient table: coef, std err, z, P>|z| and the interval."""
    import pandas as pd

    se = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = params / se
    q = stats.norm.ppf(0.5 + confidence_level / 2)
    lo_name = f"[{(1 - confidence_level) / 2:.3g}"
    hi_name = f"{1 - (1 - confidence_level) / 2:.3g}]"
    return pd.DataFrame({"coef": params, "std err": se, "z": z, "P>|z|": 2 * stats.norm.sf(np.abs(z)),
                         lo_name: params - q * se, hi_name: params + q * se}, index=list(names))


def lr_test(loglik_null, loglik_alt, df, null="proportional odds", alternative="non-parallel"):
    """Likelihood-ratio test; ``statistic = 2 (loglik_alt - loglik_null)`` against chi2(``df``)."""
    from sklearn.utils import Bunch

    stat = max(2.0 * (loglik_alt - loglik_null), 0.0)
    pvalue = float(stats.chi2.sf(stat, df)) if df > 0 else 1.0
    return Bunch(statistic=float(stat), df=int(df), pvalue=pvalue, loglik_null=float(loglik_null),
                 loglik_alternative=float(loglik_alt), null=null, alternative=alternative)


# --------------------------------------------------------------------------- #
# separation
# --------------------------------------------------------------------------- #
def separating_direction(X, y, k1, free=None):
    """A direction along which no training log-likelihood term decreases and one increases.

    The parameters are the intercepts and the unpenalized slope entries: all of
    ``beta`` shared by the boundaries (``free=None``, the parallel model), or the
    differences ``psi[j, k]`` where the bool (p, K-1) mask ``free`` is set. Along
    such a direction the likelihood increases forever: the maximum likelihood
    estimate does not exist (complete or quasi-complete separation). A linear
    programme (HiGHS): maximize ``sum(A d)`` subject to ``A d >= 0``,
    ``|d| <= 1``, where row ``i`` of ``A d`` is the change of the boundary
    predictor that bounds sample ``i`` (signed so that up is better). Returns
    the direction, or ``None`` when the optimum is zero.
    """
    from scipy import sparse
    from scipy.optimize import linprog

    n, p = X.shape
    parallel = free is None
    cols = [] if parallel else [(j, k) for k in range(k1) for j in range(p) if free[j, k]]
    nv = k1 + (p if parallel else len(cols))
    blocks = []
    for k in range(k1):
        # eta_k bounds class k from above (must not decrease) and class k + 1 from below
        for cls, sign in ((k, 1.0), (k + 1, -1.0)):
            idx = np.flatnonzero(y == cls)
            if not idx.size:
                continue
            A = np.zeros((idx.size, nv))
            A[:, k] = 1.0
            if parallel:
                A[:, k1:] = X[idx]
            else:
                for m, (j, kk) in enumerate(cols):
                    if kk <= k:  # beta_k = psi_1 + ... + psi_k
                        A[:, k1 + m] = X[idx, j]
            blocks.append(sparse.csr_matrix(sign * A))
    A = sparse.vstack(blocks).tocsr()
    c = -np.asarray(A.sum(axis=0)).ravel()
    res = linprog(c, A_ub=-A, b_ub=np.zeros(A.shape[0]), bounds=[(-1, 1)] * nv, method="highs")
    scale = float(abs(A).sum()) / max(A.shape[0], 1)
    if res.status != 0 or -res.fun <= 1e-9 * max(scale, 1.0) * A.shape[0]:
        return None
    return res.x


def separation_warning_text(model):
    return (f"{model}: the classes are (quasi-)completely separated by the unpenalized "
            "parameters, so the maximum likelihood estimate does not exist: the reported "
            "coefficients grew until the gradient fell below `tol` and are not estimates. "
            "Penalize them (PrestoClassifier with first_block_penalty > 0 or penalty_factor > 0), "
            "drop or merge the separating features or classes.")


# standardized slopes beyond this make the fit suspicious enough to run the separation check
SEPARATION_CHECK_COEF = 8.0


def check_separation(data, alpha_s, psi_s, free, model, stacklevel=3):
    """Warn (ConvergenceWarning) when the unpenalized parameters separate the classes.

    Runs the linear programme of :func:`separating_direction` only
    when the fitted unpenalized slopes are large on the standardized scale.
    """
    big = np.abs(psi_s[:, 0] if free is None else psi_s[free]).max(initial=0.0)
    if big <= SEPARATION_CHECK_COEF:
        return False
    k1 = data.n_classes - 1
    if separating_direction(data.X, data.y, k1, free) is None:
        return False
    warnings.warn(separation_warning_text(model), ConvergenceWarning, stacklevel=stacklevel)
    return True
