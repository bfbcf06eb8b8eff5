"""Exact pinball-loss linear programs (HiGHS through scipy)."""

import numpy as np
from scipy.optimize import linprog


def _lp_pinball(A, y, tau, s, simplex):
    """Solve min_w sum_r s_r psi_{tau_r}(y_r - A_r w) exactly with HiGHS.

    ``A`` (R, d), ``y`` (R,), ``tau`` (R,), ``s`` (R,) non-negative row weights.
    With ``simplex`` the weights are non-negative and sum to one.

    The dual LP is solved (R box-bounded variables, d constraints, much
    smaller than the primal's R equality rows) and ``w`` is read off its
    constraint marginals:
    ``max_{l, mu} y'l + mu  s.t.  A'l + mu 1 <= 0,  -s(1 - tau) <= l <= s tau``
    (without ``simplex``: ``A'l = 0`` and no ``mu``).
    """
    R, d = A.shape
    bounds = np.column_stack([-s * (1.0 - tau), s * tau])
    if simplex:
        A_ub = np.hstack([A.T, np.ones((d, 1))])
        c = -np.concatenate([y, [1.0]])
        bounds = np.vstack([bounds, [-np.inf, np.inf]])
        res = linprog(c, A_ub=A_ub, b_ub=np.zeros(d), bounds=bounds, method="highs")
    else:
        res = linprog(-y, A_eq=np.ascontiguousarray(A.T), b_eq=np.zeros(d), bounds=bounds, method="highs")
    if res.status != 0:  # pragma: no cover - the dual is always feasible (l = 0) and bounded
        raise RuntimeError(f"HiGHS failed on the aggregation LP: {res.message}")
    if simplex:
        w = np.clip(-res.ineqlin.marginals, 0.0, None)
        return w / w.sum()
    return -res.eqlin.marginals
