"""Building blocks of the multiple-expectation estimator: input laws, Gaussian-mixture proposals,
their cross-entropy fits and the mixture-weight solver (plain numpy, no state)."""

from __future__ import annotations

import numpy as np
from scipy import special


# --------------------------------------------------------------------------- input laws
def _is_discrete(dist) -> bool:
    """Whether a scipy frozen law is discrete (it has a mass function, not a density)."""
    from scipy import stats

    inner = getattr(dist, "dist", None)
    if isinstance(inner, stats.rv_discrete):
        return True
    return hasattr(dist, "logpmf") and not hasattr(dist, "logpdf")


class _Law:
    """Adapter over a scipy frozen distribution: ``rvs(n, rng) -> (n, d)``, ``logpdf((n, d)) -> (n,)``."""

    def __init__(self, dist, name):
        if _is_discrete(dist):
            law = getattr(getattr(dist, "dist", None), "name", type(dist).__name__)
            raise ValueError(
                f"`{name}` must be a continuous distribution (importance sampling weights are ratios of "
                f"densities); got the discrete law {law!r}. Map a discrete input inside `func` instead."
            )
        if not (hasattr(dist, "rvs") and hasattr(dist, "logpdf")):
            raise TypeError(
                f"`{name}` must be a scipy frozen distribution (with `rvs` and `logpdf`); "
                f"got {type(dist).__name__}."
            )
        self.dist = dist
        probe = np.asarray(dist.rvs(size=2, random_state=np.random.default_rng(0)), dtype=float)
        self.dim = 1 if probe.ndim == 1 else probe.shape[1]

    def rvs(self, n, rng):
        x = np.asarray(self.dist.rvs(size=n, random_state=rng), dtype=float)
        return x.reshape(n, self.dim)

    def logpdf(self, X):
        arg = X[:, 0] if self.dim == 1 else X
        return np.asarray(self.dist.logpdf(arg), dtype=float).reshape(X.shape[0])


# --------------------------------------------------------------------------- Gaussian mixtures
class _GaussianMixture:
    """A finite Gaussian mixture with Cholesky factors, for sampling and log-densities."""

    def __init__(self, weights, means, covs):
        self.weights = np.asarray(weights, dtype=float)
        self.means = np.asarray(means, dtype=float)
        self.covs = np.asarray(covs, dtype=float)
        self.chols = np.linalg.cholesky(self.covs)
        self.logdets = 2.0 * np.log(np.diagonal(self.chols, axis1=1, axis2=2)).sum(axis=1)

    def component_logpdf(self, X):
        n, d = X.shape
        out = np.empty((n, self.means.shape[0]))
        for k in range(self.means.shape[0]):
            z = np.linalg.solve(self.chols[k], (X - self.means[k]).T)
            out[:, k] = -0.5 * (np.sum(z * z, axis=0) + self.logdets[k] + d * np.log(2 * np.pi))
        return out

    def logpdf(self, X):
        with np.errstate(divide="ignore"):
            logw = np.log(self.weights)
        return special.logsumexp(self.component_logpdf(X) + logw, axis=1)

    def rvs(self, n, rng):
        counts = rng.multinomial(n, self.weights / self.weights.sum())
        d = self.means.shape[1]
        parts = [self.means[k] + rng.standard_normal((c, d)) @ self.chols[k].T
                 for k, c in enumerate(counts) if c]
        X = np.vstack(parts) if parts else np.empty((0, d))
        return X[rng.permutation(n)]


def _mixture_of(components, alpha):
    """Flatten the mixture ``sum_j alpha_j g_j`` of Gaussian mixtures into one."""
    w = np.concatenate([a * c.weights for a, c in zip(alpha, components, strict=True)])
    keep = w > 0
    return _GaussianMixture(w[keep], np.vstack([c.means for c in components])[keep],
                            np.concatenate([c.covs for c in components])[keep])


# --------------------------------------------------------------------------- cross-entropy fits
def _regularise(cov, diag):
    """Add ``1e-6`` times each variance to the diagonal (scale-free version of the authors' ``1e-6 I``)."""
    if diag:
        cov = np.diag(np.diag(cov))
    var = np.diag(cov).copy()
    floor = max(var.max(), 1e-300) * 1e-12
    return cov + np.diag(1e-6 * np.maximum(var, floor) + floor)


def _weighted_moments(X, w):
    w = w / w.sum()
    mu = w @ X
    Xc = X - mu
    return mu, (Xc * w[:, None]).T @ Xc


def _weighted_gaussian(X, w, diag):
    mu, cov = _weighted_moments(X, w)
    return mu, _regularise(cov, diag)


def effective_size(w):
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of non-negative weights (0 if all zero)."""
    s2 = float(np.dot(w, w))
    return float(w.sum()) ** 2 / s2 if s2 > 0 else 0.0


def _tail_floor(cov, ref_cov, floor=0.75):
    """Raise ``cov`` to at least ``floor * ref_cov`` in every direction (Loewner order).

    For a Gaussian input law ``f`` with covariance ``ref_cov``, the importance
    weight ``f / g`` has a finite ``m``-th moment under ``g`` only if
    ``cov_g > (1 - 1/m) ref_cov``: ``floor = 3/4`` keeps the fourth moment finite,
    so that the variance estimate, and the intervals built on it, can be
    trusted. A cross-entropy fit to a rare event (e.g. ``X_0 > 4``, conditional
    variance 0.05) is otherwise far narrower than ``f`` along the event's
    direction, and the weights have infinite variance.
    """
    try:
        L = np.linalg.cholesky(ref_cov)
    except np.linalg.LinAlgError:
        return cov
    Li = np.linalg.inv(L)
    C = Li @ cov @ Li.T
    evals, evecs = np.linalg.eigh(0.5 * (C + C.T))
    if evals.min() >= floor:
        return cov
    C = (evecs * np.maximum(evals, floor)) @ evecs.T
    return L @ C @ L.T


def _shrunk_gaussian(X, w, ref_cov, diag):
    """Cross-entropy Gaussian fit whose covariance is shrunk towards ``ref_cov`` by its effective size.

    ``cov = (m * cov_w + k * ref_cov) / (m + k)`` with ``m`` the effective
    sample size of the weights and ``k = d + 2`` (a conjugate-prior
    posterior mean): a fit resting on a handful of points cannot collapse
    onto a line (a zero-variance direction, whose control variate explodes),
    while a fit on many points is left as it is.
    """
    mu, cov = _weighted_moments(X, w)
    m, k = effective_size(w), X.shape[1] + 2.0
    cov = _tail_floor((m * cov + k * ref_cov) / (m + k), ref_cov)
    return mu, _regularise(cov, diag)


def _weighted_em(X, w, diag, n_components=2, n_iter=30, ref_cov=None):
    """Weighted EM for a Gaussian mixture (the cross-entropy step of the mixture family)."""
    w = w / w.sum()
    if ref_cov is None:
        mu, cov = _weighted_gaussian(X, w, diag)
    else:
        mu, cov = _shrunk_gaussian(X, w, ref_cov, diag)
    evals, evecs = np.linalg.eigh(cov)
    direction = evecs[:, -1] * np.sqrt(max(evals[-1], 0.0))
    means = np.array([mu + direction, mu - direction])[:n_components]
    covs = np.array([cov] * n_components)
    pis = np.full(n_components, 1.0 / n_components)
    for _ in range(n_iter):
        try:
            gm = _GaussianMixture(pis, means, covs)
        except np.linalg.LinAlgError:
            break
        logr = gm.component_logpdf(X) + np.log(pis)
        resp = np.exp(logr - special.logsumexp(logr, axis=1, keepdims=True))
        rw = resp * w[:, None]
        mass = rw.sum(axis=0)
        if (mass < 1e-10).any():
            return np.ones(1), mu[None], cov[None]
        pis = mass / mass.sum()
        means = (rw.T @ X) / mass[:, None]
        fits = []
        for k in range(n_components):
            if ref_cov is None:
                fits.append(_regularise(((X - means[k]) * rw[:, [k]]).T @ (X - means[k]) / mass[k], diag))
            else:
                fits.append(_shrunk_gaussian(X, rw[:, k], ref_cov, diag)[1])
        covs = np.array(fits)
    return pis, means, covs


# --------------------------------------------------------------------------- mixture weights
def _alpha_objective(alpha0, FY, G, h, beta, w):
    """The criterion of the mixture weights, scaled to 1 at ``alpha0``.

    ``V(alpha) = mean_i sum_j w_j (f_j phi_j - beta_j g_j)^2 / (g_alpha h)``
    (a convex function of ``alpha``) and its gradient.
    """
    num = ((FY - beta * G) ** 2 * w).sum(axis=1) / h
    scale = np.mean(num / np.maximum(G @ alpha0, 1e-300))
    if not np.isfinite(scale) or scale <= 0:
        return None, None
    num = num / scale

    def obj(a):
        return float(np.mean(num / np.maximum(G @ a, 1e-300)))

    def grad(a):
        ga = np.maximum(G @ a, 1e-300)
        return -((num / ga**2) @ G) / G.shape[0]

    return obj, grad


def _optimise_alpha(alpha0, FY, G, h, beta, w, max_iter=200, tol=1e-7):
    """argmin of the convex criterion over the simplex, by exponentiated gradient with backtracking.

    (The authors use SLSQP; for J = 100 mixture weights it is two orders of
    magnitude slower here, and the criterion is convex, so a mirror-descent
    solver reaches the same minimum: see the tests.)
    """
    obj, grad = _alpha_objective(alpha0, FY, G, h, beta, w)
    if obj is None:
        return alpha0
    a = np.clip(alpha0, 1e-12, None)
    a = a / a.sum()
    f = obj(a)
    step = 1.0
    for _ in range(max_iter):
        g = grad(a)
        gmax = np.abs(g).max()
        if not np.isfinite(gmax) or gmax == 0:
            break
        gs = g / gmax
        a_new, f_new, step = _backtrack(obj, a, f, gs, step)
        if a_new is None:
            break
        rel = (f - f_new) / max(abs(f), 1e-300)
        a, f = a_new, f_new
        step = min(step * 2.0, 1e3)
        if rel < tol:
            break
    return a


def _backtrack(obj, a, f, gs, step):
    """One exponentiated-gradient step, halving ``step`` until the criterion decreases."""
    while step > 1e-12:
        a_new = a * np.exp(-step * (gs - gs.min()))
        a_new = np.clip(a_new / a_new.sum(), 1e-12, None)
        a_new /= a_new.sum()
        f_new = obj(a_new)
        if f_new < f:
            return a_new, f_new, step
        step *= 0.5
    return None, None, step
