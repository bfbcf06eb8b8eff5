"""Exact pinball-loss linear programs (HiGHS), with screening for large problems.

Every weight problem of :mod:`statlearn.quantile` is

    min_w  sum_r s_r psi_{tau_r}(y_r - A_r w)      (w on the simplex, or free)

for a design ``A`` of shape (R, d). :func:`pinball_lp` solves it exactly through
its dual (R box-bounded variables, d constraints) with HiGHS' dual simplex, no
presolve: on these dense, tall problems HiGHS' presolve costs several times the
solve itself. :func:`screened_pinball_lp` adds Portnoy & Koenker's (1997)
screening, so the cost follows the number of rows near the fitted hyperplane
rather than R: from a start ``w0`` (a subsample fit, or the solution of the
neighbouring level), rows whose residual sign is certain are folded into a linear
term of the objective, the small LP on the remaining rows is solved, and the
signs are checked. Since ``psi >= `` each of its two linear pieces, the folded
objective lower-bounds the full one everywhere and equals it where the signs
hold, so a solution whose signs all hold is an exact optimum of the full problem
(a certificate, not a heuristic); otherwise the violators are added back (or the
band doubled) and the LP re-solved.
"""

from __future__ import annotations

import os
import sys

import numpy as np

# rows of a problem solved directly (no screening) when R is at most this
DIRECT_MAX_ROWS = 2000


_BANNER_SHOWN = []


def _new_highs():
    """A silent ``highspy.Highs``. The first one of a process prints HiGHS' banner from C++
    straight to file descriptor 1 (before any option can be set): send that one to /dev/null."""
    import highspy

    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN.append(True)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("small_matrix_value", 1e-12)  # smallest allowed: entries below it are dropped
    return h


def _solve_highspy(A, y, lo, hi, c, simplex):
    import highspy

    R, d = A.shape
    inf = highspy.kHighsInf
    h = _new_highs()
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    ncol = R + 1 if simplex else R
    cost = -y if not simplex else -np.concatenate([y, [1.0]])
    col_lo = lo if not simplex else np.concatenate([lo, [-inf]])
    col_hi = hi if not simplex else np.concatenate([hi, [inf]])
    value = np.ascontiguousarray(A).ravel()
    if simplex:
        value = np.concatenate([value, np.ones(d)])
    start = np.arange(0, ncol * d + 1, d, dtype=np.int32)
    index = np.tile(np.arange(d, dtype=np.int32), ncol)
    row_lo = np.full(d, -inf) if simplex else c
    status = h.passModel(ncol, d, ncol * d, 1, 1, 0.0, cost, col_lo, col_hi, row_lo, c, start, index, value,
                         np.zeros(ncol, dtype=np.int32))
    if status == highspy.HighsStatus.kError:  # pragma: no cover - inputs are validated finite
        raise RuntimeError("HiGHS rejected the aggregation LP.")
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return -np.asarray(h.getSolution().row_dual, dtype=np.float64)


def _solve_scipy(A, y, lo, hi, c, simplex):  # pragma: no cover - used only without highspy
    from scipy.optimize import linprog

    R, d = A.shape
    bounds = np.column_stack([lo, hi])
    opts = {"presolve": False}
    if simplex:
        res = linprog(-np.concatenate([y, [1.0]]), A_ub=np.hstack([A.T, np.ones((d, 1))]), b_ub=c,
                      bounds=np.vstack([bounds, [-np.inf, np.inf]]), method="highs-ds", options=opts)
        return -res.ineqlin.marginals if res.status == 0 else None
    res = linprog(-y, A_eq=np.ascontiguousarray(A.T), b_eq=c, bounds=bounds, method="highs-ds", options=opts)
    return -res.eqlin.marginals if res.status == 0 else None


# Largest ratio the LPs can resolve (HiGHS' tolerances are 1e-7 on the scaled problem and it reads
# |values| >= 1e20 as infinite): a value beyond 1e12 times the data's spread, or a weight beyond
# 1e12 times the smallest positive weight, is refused with a clear error instead of returning
# tolerance noise (or a HiGHS model error).
MAX_DYNAMIC_RANGE = 1e12


def robust_spread(y):
    """Median absolute deviation of ``y`` (falling back to its range, |median| or 1)."""
    med = float(np.median(y))
    dev = np.abs(y - med)
    return float(np.median(dev)) or float(dev.max()) or abs(med) or 1.0


def check_lp_range(values, name, spread, what="the spread of `y`"):
    """ValueError naming ``name`` when ``values`` hold entries the LP cannot resolve."""
    top = float(np.abs(values).max()) if values.size else 0.0
    if top > MAX_DYNAMIC_RANGE * spread:
        where = np.unravel_index(int(np.argmax(np.abs(values))), values.shape)
        raise ValueError(
            f"`{name}` holds {top:.3g} at index {tuple(int(i) for i in where)}, more than "
            f"{MAX_DYNAMIC_RANGE:.0e} times {what} ({spread:.3g}); the linear program cannot resolve "
            "such values."
        )


def check_weight_range(s, name="sample_weight"):
    """ValueError when positive weights span more than the LP can resolve."""
    pos = s[s > 0]
    if pos.size and pos.max() > MAX_DYNAMIC_RANGE * pos.min():
        raise ValueError(
            f"`{name}` spans {pos.min():.3g} to {pos.max():.3g}, more than a factor {MAX_DYNAMIC_RANGE:.0e}; "
            "the linear program cannot resolve such weights (drop the rows with negligible weight)."
        )


def pinball_lp(A, y, tau, s, simplex, c=None):
    """Exact weights: ``min_w sum_r s_r psi_{tau_r}(y_r - A_r w) + c'w``.

    Solved as the dual LP
    ``max_{l, mu} y'l + mu  s.t.  A'l + mu 1 <= c,  -s(1 - tau) <= l <= s tau``
    (without ``simplex``: ``A'l = c`` and no ``mu``); ``w`` is read off the
    constraint duals. Returns None when the LP has no optimum (only possible with
    a linear term ``c`` and free weights: a screened problem whose band is too narrow).
    """
    R, d = A.shape
    c = np.zeros(d) if c is None else np.asarray(c, dtype=np.float64)
    if (s == 0).any():  # zero-weight rows are fixed at l = 0: drop them (the same LP)
        keep = s > 0
        A, y, tau, s = A[keep], y[keep], tau[keep], s[keep]
    top = s.max()  # the argmin does not depend on the scale of (s, c): keep the LP's numbers near 1
    s, c = s / top, c / top
    lo, hi = -s * (1.0 - tau), s * tau
    try:
        raw = _solve_highspy(A, y, lo, hi, c, simplex)
    except ImportError:  # pragma: no cover - highspy ships with cvxpy
        raw = _solve_scipy(A, y, lo, hi, c, simplex)
    if raw is None:
        if not np.any(c):  # pragma: no cover - l = 0 is feasible and the box bounds the dual
            raise RuntimeError("HiGHS found no optimum of a pinball-loss LP.")
        return None
    if simplex:
        w = np.clip(raw, 0.0, None)
        return w / w.sum()
    return raw


def screened_pinball_lp(A, y, tau, s, simplex, w0=None, *, direct_max=None, counts=None):
    """:func:`pinball_lp` on large ``R`` through screening (exact; see the module docstring).

    ``w0`` is a start (e.g. the solution of the neighbouring level; band of
    ``R^(2/3)`` rows); without it a seeded subsample of ``sqrt(d) R^(2/3)`` rows
    (Portnoy & Koenker's band) is solved first. ``counts``, if a dict, receives
    the number of LPs solved (``"lps"``) and the rows of each (``"rows"``).
    """
    R, d = A.shape
    direct_max = DIRECT_MAX_ROWS if direct_max is None else direct_max
    if counts is not None:
        counts.setdefault("lps", 0)
        counts.setdefault("rows", [])

    def solve(rows, c=None):
        if counts is not None:
            counts["lps"] += 1
            counts["rows"].append(int(rows.sum()) if rows.dtype == bool else rows.size)
        return pinball_lp(A[rows], y[rows], tau[rows], s[rows], simplex, c)

    def solve_all():
        w = solve(np.ones(R, dtype=bool))
        if w is None:  # pragma: no cover - l = 0 is feasible and the box bounds the dual
            raise RuntimeError("HiGHS found no optimum of the aggregation LP.")
        return w

    if R <= direct_max:
        return solve_all()
    M = None
    if w0 is None:
        M = max(direct_max, int(min(R, np.ceil(np.sqrt(d) * R ** (2.0 / 3.0)))))
        w0 = solve(np.sort(np.random.default_rng(0).choice(R, size=M, replace=False)))
        if w0 is None:  # pragma: no cover - a subsample without a linear term always has an optimum
            return solve_all()
    r0 = y - A @ w0
    if M is None:
        # a neighbouring level's exact solution is closer than a subsample fit: a narrower band, widened
        # by the rows that must change sign (at the optimum about a share tau of the weight lies below)
        gap = abs(float(np.sum(s * (r0 < 0)) / max(float(s.sum()), 1e-300) - np.mean(tau)))
        M = max(direct_max, int(min(R, np.ceil(R ** (2.0 / 3.0) + 2.0 * gap * R))))
    absr = np.abs(r0)
    tol = 1e-9 * (1.0 + float(np.abs(y).max()))
    while M < R:
        keep = np.zeros(R, dtype=bool)
        keep[np.argpartition(absr, M - 1)[:M]] = True
        for _ in range(4):
            above = ~keep & (r0 > 0)  # assumed psi = tau r
            below = ~keep & ~above  # assumed psi = (tau - 1) r
            c = -(s[above] * tau[above]) @ A[above] - (s[below] * (tau[below] - 1.0)) @ A[below]
            w = solve(keep, c)
            if w is None:
                break  # unbounded with free weights: band too narrow
            r = y - A @ w
            viol = (above & (r < -tol)) | (below & (r > tol))
            n_viol = int(viol.sum())
            if n_viol == 0:
                return w
            if n_viol > 0.1 * M:
                break  # band too narrow for this start: widen it
            keep |= viol
        M *= 2
    return solve_all()
