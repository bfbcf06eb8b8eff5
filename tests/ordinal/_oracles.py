"""Slow, obviously correct references for statlearn.ordinal.

- plain-numpy twins of the numba kernels (loss, gradient, KKT);
- a cvxpy solution of the PRESTO objective written directly on the original
  scale, in the boundary weights ``B`` (not in the library's differences);
- a cvxpy solution of the solver's own problem (differences, penalty matrix,
  frozen blocks), moved here from the library;
- the proportional odds log-likelihood of statsmodels parameters.
"""

import warnings

import numpy as np
from scipy import stats
from scipy.special import log_expit

_DIST = {"logit": stats.logistic, "probit": stats.norm, "cloglog": stats.gumbel_l}


def _cdf_pdf(eta, link):
    """F and f of a link, by their textbook formulas (scipy.stats)."""
    return _DIST[link].cdf(eta), _DIST[link].pdf(eta)


def class_proba(eta, link="logit"):
    """Class probabilities from boundary predictors (no rearrangement); upper-tail differences
    through the survival function so that the rare top class keeps its precision."""
    n = eta.shape[0]
    inf = np.full((n, 1), np.inf)
    hi, lo = np.hstack([eta, inf]), np.hstack([-inf, eta])
    d = _DIST[link]
    return np.where(lo > 0, d.sf(lo) - d.sf(hi), d.cdf(hi) - d.cdf(lo))


def loss_twin(eta, y, w, link="logit"):
    """Weighted negative log-likelihood by the direct formula (logit in extended precision).

    ``inf`` outside the domain.
    """
    n = eta.shape[0]
    if link == "logit":
        e = np.asarray(eta, dtype=np.longdouble)
        cum = 1 / (1 + np.exp(-e))
        full = np.hstack([np.zeros((n, 1), np.longdouble), cum, np.ones((n, 1), np.longdouble)])
        p = np.diff(full, axis=1)[np.arange(y.size), y]
    else:
        p = class_proba(eta, link)[np.arange(y.size), y]
    if (p <= 0).any():
        return np.inf
    return float(-(np.asarray(w, np.longdouble) * np.log(p)).sum())


def deta_twin(eta, y, w, link="logit"):
    """d loss / d eta by the chain rule on p_c = F(eta_c) - F(eta_{c-1})."""
    n, k1 = eta.shape
    ds = _cdf_pdf(eta, link)[1]
    G = np.zeros((n, k1))
    p = class_proba(eta, link)[np.arange(n), y]
    for i in range(n):
        c = y[i]
        if c < k1:
            G[i, c] -= w[i] * ds[i, c] / p[i]
        if c > 0:
            G[i, c - 1] += w[i] * ds[i, c - 1] / p[i]
    return G


def gradient_twin(X, G):
    """(grad alpha, grad psi) with psi the differences: grad psi_k = sum_{m >= k} grad beta_m."""
    gbeta = X.T @ G
    gpsi = np.cumsum(gbeta[:, ::-1], axis=1)[:, ::-1]
    return G.sum(axis=0), gpsi


_TIGHT = {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}


def presto_cvxpy(X, y, lam, *, l1_ratio=1.0, first_block_penalty=1.0, penalty_factor=None,
                 standardize=True, sample_weight=None, solver_opts=None):
    """Solve PRESTO with cvxpy in (alpha, B) on the original scale; returns (alpha, B, objective).

    Standardization is written out: the penalty uses ``B * s`` (the weights of
    the standardized features), the loss uses raw ``X``. ``solver_opts``:
    Clarabel's settings (default: tolerances 1e-10; ``{}`` for its defaults, as
    the benchmark's peer).
    """
    import cvxpy as cp

    n, p = X.shape
    K = int(y.max()) + 1
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    w = w / w.sum()
    if standardize:
        mu = w @ X
        s = np.sqrt(w @ (X - mu) ** 2)
    else:
        s = np.ones(p)
    c = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, float)
    alpha = cp.Variable(K - 1)
    B = cp.Variable((p, K - 1))
    eta = X @ B + np.ones((n, 1)) @ cp.reshape(alpha, (1, K - 1), order="F")
    terms = []
    for cls in range(K):
        idx = np.flatnonzero(y == cls)
        if cls == 0:
            terms.append(w[idx] @ cp.logistic(-eta[idx, 0]))
        elif cls == K - 1:
            terms.append(w[idx] @ cp.logistic(eta[idx, K - 2]))
    cons = []
    for cls in range(1, K - 1):
        idx = np.flatnonzero(y == cls)
        up, lo = eta[idx, cls], eta[idx, cls - 1]
        t = cp.Variable(idx.size)
        cons.append(cp.exp(t) + cp.exp(lo - up) <= 1)
        terms.append(w[idx] @ (cp.logistic(-up) + cp.logistic(lo) - t))
    Bs = cp.multiply(s[:, None] * np.ones((1, K - 1)), B)
    first = Bs[:, 0]
    diffs = Bs[:, 1:] - Bs[:, :-1]
    pen = first_block_penalty * (l1_ratio * c @ cp.abs(first))
    if l1_ratio < 1:
        pen += first_block_penalty * 0.5 * (1 - l1_ratio) * c @ cp.square(first)
    if K > 2:
        cm = c[:, None] * np.ones((1, K - 2))
        pen += l1_ratio * cp.sum(cp.multiply(cm, cp.abs(diffs)))
        if l1_ratio < 1:
            pen += 0.5 * (1 - l1_ratio) * cp.sum(cp.multiply(cm, cp.square(diffs)))
    prob = cp.Problem(cp.Minimize(cp.sum(cp.hstack(terms)) + lam * pen), cons)
    prob.solve(solver=cp.CLARABEL, **(_TIGHT if solver_opts is None else solver_opts))
    a, b = np.asarray(alpha.value), np.asarray(B.value)
    return a, b, presto_objective(X, y, a, b, lam, l1_ratio=l1_ratio,
                                  first_block_penalty=first_block_penalty, penalty_factor=c,
                                  scale=s, sample_weight=w)


def presto_cvxpy_diff(X, y, w, pen, l1_ratio=1.0, n_free=None):
    """The solver's own problem in cvxpy (Clarabel): differences ``psi``, weights ``w`` summing to one,
    a (p, K-1) penalty matrix ``pen``, blocks ``>= n_free`` frozen at zero; returns (alpha, psi).

    The DCP form of a middle class: ``log(sigmoid(a) - sigmoid(b)) = -logistic(-a) - logistic(b) + t``
    with ``exp(t) + exp(b - a) <= 1``.
    """
    import cvxpy as cp

    n, p = X.shape
    k1 = pen.shape[1]
    n_free = k1 if n_free is None else n_free
    alpha = cp.Variable(k1)
    psi = cp.Variable((p, n_free)) if n_free > 0 else None
    if n_free < k1:
        cols = [psi[:, k] for k in range(n_free)] + [np.zeros(p)] * (k1 - n_free)
        psi_full = cp.hstack([cp.reshape(col, (p, 1), order="F") for col in cols])
    else:
        psi_full = psi
    beta = psi_full @ np.triu(np.ones((k1, k1)))
    eta = X @ beta + np.ones((n, 1)) @ cp.reshape(alpha, (1, k1), order="F")
    terms = []
    first, last = np.flatnonzero(y == 0), np.flatnonzero(y == k1)
    if first.size:
        terms.append(w[first] @ cp.logistic(-eta[first, 0]))
    if last.size:
        terms.append(w[last] @ cp.logistic(eta[last, k1 - 1]))
    cons = []
    for c in range(1, k1):
        idx = np.flatnonzero(y == c)
        if not idx.size:
            continue
        a, b = eta[idx, c], eta[idx, c - 1]
        t = cp.Variable(idx.size)
        cons.append(cp.exp(t) + cp.exp(b - a) <= 1)
        terms.append(w[idx] @ (cp.logistic(-a) + cp.logistic(b) - t))
    pen_free = pen[:, :n_free]
    penalty = l1_ratio * cp.sum(cp.multiply(pen_free, cp.abs(psi)))
    if l1_ratio < 1:
        penalty = penalty + 0.5 * (1 - l1_ratio) * cp.sum(cp.multiply(pen_free, cp.square(psi)))
    prob = cp.Problem(cp.Minimize(cp.sum(cp.hstack(terms)) + penalty), cons)
    with warnings.catch_warnings():
        # Clarabel may stop at "almost solved" at these tolerances; the tests compare objectives
        warnings.filterwarnings("ignore", "Solution may be inaccurate", UserWarning)
        prob.solve(solver=cp.CLARABEL, **_TIGHT)
    psi_val = np.zeros((p, k1))
    psi_val[:, :n_free] = psi.value
    return np.asarray(alpha.value, dtype=np.float64), psi_val


def presto_objective(X, y, alpha, B, lam, *, l1_ratio=1.0, first_block_penalty=1.0, penalty_factor=None,
                     scale=None, sample_weight=None):
    """The PRESTO objective on the original scale (penalty on ``B * scale``)."""
    n, p = X.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    w = w / w.sum()
    s = np.ones(p) if scale is None else scale
    c = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, float)
    loss = loss_twin(X @ B + alpha, y, w)
    psi = np.diff(np.hstack([np.zeros((p, 1)), B * s[:, None]]), axis=1)
    f = np.ones(B.shape[1])
    f[0] = first_block_penalty
    weight = c[:, None] * f[None, :]
    pen = (weight * (l1_ratio * np.abs(psi) + 0.5 * (1 - l1_ratio) * psi ** 2)).sum()
    return loss + lam * pen


def statsmodels_po_params(X, y):
    """(alpha, beta, llf) of statsmodels' OrderedModel(distr="logit") in our sign convention."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    res = OrderedModel(y, X, distr="logit").fit(method="newton", disp=False, maxiter=200, tol=1e-12)
    p = X.shape[1]
    beta_sm = res.params[:p]
    th = res.params[p:]
    cuts = np.cumsum(np.concatenate([[th[0]], np.exp(th[1:])]))
    # statsmodels: P(y <= k) = F(cut_k - x beta_sm); ours: sigmoid(alpha_k + x beta)
    return cuts, -beta_sm, float(res.llf)


def log_expit_sum(z):
    """Sum of log sigmoid(z) (used to cross-check binary likelihoods)."""
    return float(log_expit(z).sum())


def hessian_theta_fd(X, y, w, alpha, psi, n_free, h=1e-5, link="logit"):
    """Hessian of the loss in theta = (k, [alpha_k, psi_1k, ..., psi_pk]) by central differences of the gradient."""
    p, k1 = psi.shape
    q = p + 1

    def grad(th):
        a = th.reshape(k1, q)[:, 0]
        s = th.reshape(k1, q)[:, 1:].T
        eta = X @ np.cumsum(s, axis=1) + a
        G = deta_twin(eta, y, w, link)
        ga, gp = gradient_twin(X, G)
        return np.hstack([ga[:, None], gp.T]).ravel()

    th0 = np.hstack([alpha[:, None], psi.T]).ravel()
    H = np.empty((th0.size, th0.size))
    for u in range(th0.size):
        e = np.zeros_like(th0)
        e[u] = h
        H[:, u] = (grad(th0 + e) - grad(th0 - e)) / (2 * h)
    return H
