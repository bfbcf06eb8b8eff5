"""Many expectations from one sample: adaptive importance sampling with control variates.

Implements the aISCV algorithm of Demange-Chryst, Bachoc and Morio: one
sample from an adaptively fitted mixture proposal estimates J expectations
``I_j = E_{f_j}[phi_j(X)]`` at once, each with its own control variate.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy import special, stats
from sklearn.utils import Bunch

from .._validation import Interval, Options, check_finite_array, validate_params

__all__ = ["MultipleExpectationEstimator", "sobol_indices"]


# --------------------------------------------------------------------------- #
# distributions
# --------------------------------------------------------------------------- #
class _Law:
    """Adapter over a scipy frozen distribution: ``rvs(n, rng) -> (n, d)``, ``logpdf((n, d)) -> (n,)``."""

    def __init__(self, dist, name):
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


def _regularise(cov, diag):
    """Add ``1e-6`` times each variance to the diagonal (scale-free version of the authors' ``1e-6 I``)."""
    if diag:
        cov = np.diag(np.diag(cov))
    var = np.diag(cov).copy()
    floor = max(var.max(), 1e-300) * 1e-12
    return cov + np.diag(1e-6 * np.maximum(var, floor) + floor)


def _weighted_gaussian(X, w, diag):
    w = w / w.sum()
    mu = w @ X
    Xc = X - mu
    cov = (Xc * w[:, None]).T @ Xc
    return mu, _regularise(cov, diag)


def _weighted_em(X, w, diag, n_components=2, n_iter=30):
    """Weighted EM for a Gaussian mixture (the cross-entropy step of the mixture family)."""
    w = w / w.sum()
    mu, cov = _weighted_gaussian(X, w, diag)
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
        covs = np.array([_regularise(((X - means[k]) * rw[:, [k]]).T @ (X - means[k]) / mass[k], diag)
                         for k in range(n_components)])
    return pis, means, covs


# --------------------------------------------------------------------------- #
# the estimator
# --------------------------------------------------------------------------- #
class MultipleExpectationEstimator:
    """Estimate many expectations from one sample (adaptive importance sampling + control variates).

    Targets ``I_j = E_{f_j}[phi_j(X)]``, ``j = 1..J``: ``func`` returns the
    ``J`` integrands at once, and the input law is one distribution ``f`` for
    all of them or one ``f_j`` per expectation. Points are drawn from a
    mixture ``g_alpha = sum_j alpha_j g_j`` and

    ``I_hat_j = mean_i [f_j(X_i) phi_j(X_i) - beta_j g_j(X_i)] / g_alpha(X_i) + beta_j``,

    where ``g_j / g_alpha`` is a control variate of mean exactly 1.

    The adaptive phase (``adapt_fraction * n_max`` evaluations in batches)
    refits each ``g_j`` by cross-entropy on all past points (weights
    ``f_j |phi_j| / h``, ``h`` the deterministic mixture of past proposals),
    chooses ``alpha`` in the simplex to minimise the weighted sum of
    variances, draws a batch from ``g_alpha`` and sets ``beta`` to its
    variance-optimal value; it stops early when more adaptation would no
    longer lower the variance expected from the remaining budget. The
    estimates use only a fresh final sample, with ``g``, ``alpha`` and
    ``beta`` frozen, so they are unbiased.

    This is not a scikit-learn estimator (``fit`` takes a function and a
    distribution, not ``X, y``), but it offers ``get_params``/``set_params``.

    Parameters
    ----------
    n_max : int, default=20_000
        Total number of points at which ``func`` is evaluated.
    weights : array-like of shape (J,), "relative" or None, default=None
        Weights ``w_j`` of the criterion ``sum_j w_j Var(I_hat_j)``. ``None``
        is equal weights; ``"relative"`` uses ``1 / I_hat_j**2`` from the
        first batch (sum of relative variances).
    proposal : {"gaussian", "gaussian_mixture"}, default="gaussian"
        Family of each auxiliary density ``g_j``: one Gaussian, or a mixture
        of two Gaussians fitted by weighted EM.
    covariance : {"full", "diag"}, default="full"
        Covariance structure of the Gaussian components.
    adapt_fraction : float, default=0.5
        Largest fraction of ``n_max`` spent in the adaptive phase.
    n_batches : int, default=5
        Number of batches the adaptive budget is split into (at least 2).
    random_state : int, RandomState instance, Generator or None, default=None
        Seed.

    Attributes
    ----------
    estimates_ : ndarray of shape (J,)
        The estimates ``I_hat_j``.
    standard_errors_ : ndarray of shape (J,)
        Their standard errors, from the final sample.
    n_evaluations_ : int
        Number of points at which ``func`` was evaluated (``n_max``).
    n_final_ : int
        Size of the fresh final sample.
    n_iterations_ : int
        Number of adaptive iterations performed.
    alpha_ : ndarray of shape (J,)
        Mixture weights of the final proposal.
    beta_ : ndarray of shape (J,)
        Control-variate coefficients.
    proposals_ : list of J tuples (weights, means, covariances)
        The auxiliary densities ``g_j``.

    See Also
    --------
    sobol_indices : Sobol' indices (its ``method="iscv"`` is built on this estimator).

    Notes
    -----
    The paper assumes ``phi_j >= 0``; signed integrands are accepted here and
    the cross-entropy step then targets ``|phi_j| f_j`` (the zero-variance
    density of plain importance sampling). Unbiasedness does not depend on
    that choice.

    References
    ----------
    .. [1] J. Demange-Chryst, F. Bachoc and J. Morio, "Efficient estimation of
       multiple expectations with the same sample by adaptive importance
       sampling and control variates", arXiv:2212.00568.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from statlearn.adaptive import MultipleExpectationEstimator
    >>> moments = lambda X: X[:, [0]] ** np.array([2, 4, 6])
    >>> est = MultipleExpectationEstimator(n_max=4000, weights="relative", random_state=0)
    >>> est = est.fit(moments, stats.norm())
    >>> bool(np.all(np.abs(est.estimates_ - [1, 3, 15]) < 4 * est.standard_errors_))
    True
    """

    _parameter_constraints = {
        "n_max": [Interval("integral", 4, None)],
        "weights": ["array-like", Options("relative"), None],
        "proposal": [Options("gaussian", "gaussian_mixture")],
        "covariance": [Options("full", "diag")],
        "adapt_fraction": [Interval("real", 0, 1, closed="neither")],
        "n_batches": [Interval("integral", 2, None)],
        "random_state": ["random_state"],
    }

    def __init__(self, n_max=20_000, weights=None, proposal="gaussian", covariance="full", adapt_fraction=0.5,
                 n_batches=5, random_state=None):
        self.n_max = n_max
        self.weights = weights
        self.proposal = proposal
        self.covariance = covariance
        self.adapt_fraction = adapt_fraction
        self.n_batches = n_batches
        self.random_state = random_state

    # ---------------------------------------------------------------- params
    def get_params(self, deep=True):
        """Constructor parameters.

        Parameters
        ----------
        deep : bool, default=True
            Ignored (no nested estimators).

        Returns
        -------
        params : dict
        """
        return {k: getattr(self, k) for k in self._parameter_constraints}

    def set_params(self, **params):
        """Set constructor parameters.

        Parameters
        ----------
        **params : dict
            New values.

        Returns
        -------
        self : MultipleExpectationEstimator
        """
        for k, v in params.items():
            if k not in self._parameter_constraints:
                raise ValueError(f"Invalid parameter `{k}` for MultipleExpectationEstimator; valid parameters "
                                 f"are {sorted(self._parameter_constraints)}.")
            setattr(self, k, v)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"MultipleExpectationEstimator({args})"

    # ------------------------------------------------------------------ core
    def _rng(self):
        rs = self.random_state
        if isinstance(rs, np.random.Generator):
            return rs
        if isinstance(rs, np.random.RandomState):
            return np.random.default_rng(rs.randint(0, 2**31 - 1))
        return np.random.default_rng(rs)

    def _call(self, func, X, n_out):
        Y = np.asarray(func(X), dtype=float)
        if Y.ndim == 1:
            Y = Y[:, None]
        expected = (X.shape[0], n_out) if n_out else None
        if Y.ndim != 2 or Y.shape[0] != X.shape[0] or (expected and Y.shape != expected):
            want = f"({X.shape[0]}, {n_out})" if n_out else f"({X.shape[0]}, J)"
            raise ValueError(f"`func` must map an (n, d) array to an array of shape {want}; got shape {Y.shape}.")
        if not np.isfinite(Y).all():
            bad = int((~np.isfinite(Y)).sum())
            raise ValueError(f"`func` returned {bad} non-finite value(s) (NaN or inf); all outputs must be finite.")
        return Y

    def fit(self, func, input_distribution):
        """Run the adaptive phase, then estimate every expectation on a fresh sample.

        Parameters
        ----------
        func : callable
            Maps points of shape (n, d) to integrand values of shape (n, J)
            (or (n,) when J = 1).
        input_distribution : scipy frozen distribution or list of J of them
            The input law ``f`` (univariate for d = 1, e.g. ``stats.norm()``,
            or multivariate, e.g. ``stats.multivariate_normal(mean, cov)``), or
            one law ``f_j`` per expectation (all of the same dimension).

        Returns
        -------
        self : MultipleExpectationEstimator
        """
        validate_params(self.get_params(), self._parameter_constraints, owner="MultipleExpectationEstimator")
        if not callable(func):
            raise TypeError(f"`func` must be callable; got {type(func).__name__}.")
        per_law = isinstance(input_distribution, list | tuple)
        if per_law:
            if len(input_distribution) == 0:
                raise ValueError("`input_distribution` must not be an empty list.")
            laws = [_Law(d, f"input_distribution[{j}]") for j, d in enumerate(input_distribution)]
            dims = {law.dim for law in laws}
            if len(dims) != 1:
                raise ValueError(f"All laws in `input_distribution` must have the same dimension; got {sorted(dims)}.")
        else:
            laws = [_Law(input_distribution, "input_distribution")]
        J_laws = len(laws)
        rng = self._rng()
        N = int(self.n_max)
        n_adapt = int(self.adapt_fraction * N)
        Nk = n_adapt // int(self.n_batches)
        if Nk < 2 or N - n_adapt < 2:
            raise ValueError(
                f"`n_max`={N} is too small for adapt_fraction={self.adapt_fraction} and "
                f"n_batches={self.n_batches}: each batch and the final sample need at least 2 points."
            )

        def log_f(X):
            return np.column_stack([law.logpdf(X) for law in laws])

        def log_init(X):
            lf = log_f(X)
            return special.logsumexp(lf, axis=1) - np.log(J_laws)

        def draw_init(n):
            counts = rng.multinomial(n, np.full(J_laws, 1.0 / J_laws))
            X = np.vstack([law.rvs(c, rng) for law, c in zip(laws, counts, strict=True) if c])
            return X[rng.permutation(n)]

        # ---- initial batch from f (or the equal mixture of the f_j)
        X = draw_init(Nk)
        Y = self._call(func, X, J_laws if per_law and J_laws > 1 else None)
        J = Y.shape[1]
        if per_law and J_laws != J:
            raise ValueError(f"`func` returns {J} outputs but `input_distribution` holds {J_laws} laws.")
        LF = log_f(X)  # (n, J_laws)
        # log-density of every past proposal at every point: columns = proposals
        LQ = log_init(X)[:, None]
        past = [log_init]
        counts = [Nk]
        W = np.exp(LF - LQ[:, [0]])
        Z = Y * W
        I_hat = Z.mean(axis=0)
        curr_var = Z.var(axis=0, ddof=1)
        if self.weights is None:
            w = np.ones(J)
        elif isinstance(self.weights, str):
            w = 1.0 / np.maximum(I_hat**2, 1e-300)
            w = np.where(np.abs(I_hat) > 0, w, 0.0)
            if not w.any():
                w = np.ones(J)
        else:
            w = check_finite_array(self.weights, name="weights", ndim=1)
            if w.shape[0] != J or (w < 0).any() or not (w > 0).any():
                raise ValueError(f"`weights` must be {J} non-negative numbers, not all zero; got {w}.")
        sw = np.sqrt(w) * np.abs(I_hat)
        alpha = sw / sw.sum() if sw.sum() > 0 and np.isfinite(sw).all() else np.full(J, 1.0 / J)
        alpha = np.clip(alpha, 1e-12, None)
        alpha /= alpha.sum()
        beta = I_hat.copy()
        n_eval = Nk
        n_iter = 0
        components = None
        diag = self.covariance == "diag"
        while n_eval + Nk <= n_adapt:  # never spend more than `adapt_fraction` of `n_max`
            # (i) cross-entropy refit of each g_j on all past points
            lh = special.logsumexp(LQ + np.log(np.asarray(counts) / sum(counts)), axis=1)
            Fh = np.exp(LF - lh[:, None])  # f_j / h
            Fh_j = Fh if per_law and J_laws > 1 else np.repeat(Fh, J, axis=1)
            ce = np.abs(Y) * Fh_j
            components = []
            for j in range(J):
                cw = ce[:, j] if ce[:, j].sum() > 0 else Fh_j[:, j]
                if self.proposal == "gaussian":
                    mu, cov = _weighted_gaussian(X, cw, diag)
                    components.append(_GaussianMixture([1.0], mu[None], cov[None]))
                else:
                    components.append(_GaussianMixture(*_weighted_em(X, cw, diag)))
            # (ii) mixture weights on the simplex
            G = np.exp(np.column_stack([c.logpdf(X) for c in components]))
            h = np.exp(lh)
            FY = np.exp(LF) * Y
            alpha = _optimise_alpha(alpha, FY, G, h, beta, w)
            g_alpha = _mixture_of(components, alpha)
            # (iii) new batch from g_alpha
            Xg = g_alpha.rvs(Nk, rng)
            Yg = self._call(func, Xg, J)
            LFg = log_f(Xg)
            # update the log-densities of every past proposal at every point
            new_rows = np.column_stack([q(Xg) for q in past])
            LQ = np.vstack([LQ, new_rows])
            LQ = np.column_stack([LQ, g_alpha.logpdf(np.vstack([X, Xg]))])
            past.append(g_alpha.logpdf)
            counts.append(Nk)
            X, Y, LF = np.vstack([X, Xg]), np.vstack([Y, Yg]), np.vstack([LF, LFg])
            # (iv) control-variate coefficients on the new batch
            Gg = np.exp(np.column_stack([c.logpdf(Xg) for c in components]))
            ga = Gg @ alpha
            cv = Gg / ga[:, None]
            target = np.exp(LFg) * Yg / ga[:, None]
            var_cv = cv.var(axis=0, ddof=1)
            cov_ = ((cv - cv.mean(axis=0)) * (target - target.mean(axis=0))).sum(axis=0) / (Nk - 1)
            beta = np.where(var_cv > 0, cov_ / np.where(var_cv > 0, var_cv, 1.0), target.mean(axis=0))
            n_eval += Nk
            n_iter += 1
            # (v) stopping rule
            new_var = (target - beta * cv).var(axis=0, ddof=1)
            if np.sum(w * curr_var) / (N - (n_eval - Nk)) <= np.sum(w * new_var) / (N - n_eval):
                break
            curr_var = new_var
        # ---- fresh final sample, everything frozen
        n_final = N - n_eval
        g_alpha = _mixture_of(components, alpha)
        Xf = g_alpha.rvs(n_final, rng)
        Yf = self._call(func, Xf, J)
        Gf = np.exp(np.column_stack([c.logpdf(Xf) for c in components]))
        gaf = Gf @ alpha
        values = (np.exp(log_f(Xf)) * Yf - beta * Gf) / gaf[:, None]
        self.estimates_ = values.mean(axis=0) + beta
        self.standard_errors_ = values.std(axis=0, ddof=1) / np.sqrt(n_final)
        self.n_evaluations_ = N
        self.n_final_ = n_final
        self.n_iterations_ = n_iter
        self.alpha_ = alpha
        self.beta_ = beta
        self.proposals_ = [(c.weights, c.means, c.covs) for c in components]
        self._components = components
        self.n_outputs_ = J
        return self

    def proposal_logpdf(self, X):
        """Log-densities of the final proposal and of each auxiliary density.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Points.

        Returns
        -------
        log_g_alpha : ndarray of shape (n,)
            ``log g_alpha(X)``.
        log_g : ndarray of shape (n, J)
            ``log g_j(X)``; ``g_j / g_alpha`` is the control variate of ``I_j``.
        """
        if not hasattr(self, "_components"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This MultipleExpectationEstimator is not fitted yet; call `fit` first.")
        X = check_finite_array(X, name="X", ndim=2)
        LG = np.column_stack([c.logpdf(X) for c in self._components])
        return special.logsumexp(LG + np.log(self.alpha_), axis=1), LG


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
        improved = False
        while step > 1e-12:
            a_new = a * np.exp(-step * (gs - gs.min()))
            a_new = np.clip(a_new / a_new.sum(), 1e-12, None)
            a_new /= a_new.sum()
            f_new = obj(a_new)
            if f_new < f:
                improved = True
                break
            step *= 0.5
        if not improved:
            break
        rel = (f - f_new) / max(abs(f), 1e-300)
        a, f = a_new, f_new
        step = min(step * 2.0, 1e3)
        if rel < tol:
            break
    return a


# --------------------------------------------------------------------------- #
# Sobol' indices
# --------------------------------------------------------------------------- #
def _to_marginal(dist, U):
    """Map standard-normal values to ``dist`` by ``F^{-1}(Phi(u))`` (tail-safe)."""
    out = np.empty_like(U)
    pos = U > 0
    out[pos] = dist.isf(stats.norm.sf(U[pos]))
    out[~pos] = dist.ppf(stats.norm.cdf(U[~pos]))
    return out


def _uniforms(n, dim, sampling, rng):
    """``(n, dim)`` uniforms: scrambled Sobol' points (``"qmc"``) or i.i.d. (``"mc"``), strictly inside (0, 1)."""
    if sampling == "qmc":
        U = stats.qmc.Sobol(dim, scramble=True, rng=rng).random(n)
    else:
        U = rng.random((n, dim))
    return np.clip(U, 2.0**-53, 1.0 - 2.0**-53)


def sobol_indices(func, input_distribution, n, *, method="saltelli", sampling=None, random_state=None,
                  **estimator_params):
    """Sobol' sensitivity indices by pick-freeze: quasi-Monte Carlo Saltelli/Jansen, or the paper's aISCV.

    ``S_i = Var(E[phi(X) | X_i]) / Var(phi(X))`` (first order) and
    ``ST_i = E[Var(phi(X) | X_{~i})] / Var(phi(X))`` (total order), estimated
    from base matrices ``A``, ``B`` (``n`` points each) and the mixed matrices
    ``AB_i`` (``A`` with column ``i`` taken from ``B``).

    * ``method="saltelli"`` (default): first order by Saltelli et al. (2010),
      ``mean(phi(B) (phi(AB_i) - phi(A))) / V``, total order by Jansen (1999),
      ``mean((phi(A) - phi(AB_i))^2) / (2 V)``; ``n * (d + 2)`` model calls.
      This is the estimator of SALib and ``scipy.stats.sobol_indices``.
    * ``method="janon"``: first order only, by the asymptotically efficient
      estimator of Janon et al. (2014) on the pairs ``(B, AB_i)``, which share
      only coordinate ``i``; ``n * (d + 1)`` model calls (``phi(A)`` is not
      needed), so it is the cheapest choice when total indices are not wanted.
    * ``method="pick_freeze"``: the paper's plain Monte Carlo baseline,
      ``(E[phi(X) phi(X^i)] - E[phi]^2) / Var(phi)`` with ``X^i`` keeping
      coordinate ``i`` and redrawing the others; ``n * (d + 1)`` calls.
    * ``method="iscv"``: the same ``d + 2`` expectations (``d`` cross
      products, ``E[phi]``, ``E[phi^2]``) estimated from one adaptive
      importance sample with control variates
      (:class:`MultipleExpectationEstimator` over the ``2d``-dimensional pair
      ``(X, X')`` mapped to ``N(0, I_2d)``), as in Demange-Chryst, Bachoc and
      Morio; ``n * (d + 1)`` calls. Always plain (adaptive) Monte Carlo.

    The default is ``method="saltelli"`` with scrambled Sobol' points because
    it is the most accurate per model call on smooth models of a few inputs
    (its error falls close to ``1 / n`` instead of ``1 / sqrt(n)``; on the
    Ishigami function it needs 50-200x fewer calls than ``"iscv"`` for the
    same accuracy, see the benchmark) and it also returns total indices.
    ``"iscv"`` reproduces the paper and helps most when the output is
    dominated by rare regions of the inputs, where a Gaussian importance
    proposal pays off; it cannot use quasi-Monte Carlo points.

    Parameters
    ----------
    func : callable
        The model, mapping inputs of shape (m, d) to outputs of shape (m,).
    input_distribution : list of d scipy frozen univariate distributions
        Independent input marginals (``ppf`` maps the uniform points).
    n : int
        Number of base points (rows of ``A`` and ``B``). With
        ``sampling="qmc"`` it must be a power of two (scrambled Sobol' points
        are balanced only then); otherwise at least 10.
    method : {"saltelli", "janon", "pick_freeze", "iscv"}, default="saltelli"
        Estimator, see above.
    sampling : {"qmc", "mc"} or None, default=None
        ``"qmc"``: scrambled Sobol' points in dimension ``2d``
        (:class:`scipy.stats.qmc.Sobol`) mapped through each marginal's
        ``ppf``; ``"mc"``: independent uniform draws. None means ``"qmc"`` for
        ``"saltelli"`` and ``"janon"`` and ``"mc"`` for ``"pick_freeze"`` and
        ``"iscv"`` (the paper's setting); ``"iscv"`` accepts only ``"mc"``.
    random_state : int, Generator or None, default=None
        Seed (also scrambles the Sobol' points).
    **estimator_params
        Passed to :class:`MultipleExpectationEstimator` (``method="iscv"``).

    Returns
    -------
    result : Bunch
        ``first_order`` (ndarray of shape (d,)); ``total_order`` (ndarray of
        shape (d,) for ``"saltelli"``, else None); ``n_model_calls`` (int);
        ``method`` and ``sampling`` (str); for ``"pick_freeze"`` and
        ``"iscv"`` also ``expectations`` and ``standard_errors`` (shape
        (d + 2,): the cross products, ``E[phi]``, ``E[phi^2]``; None for the
        other methods) and ``estimator`` (the fitted
        :class:`MultipleExpectationEstimator` for ``"iscv"``, else None).

    References
    ----------
    .. [1] J. Demange-Chryst, F. Bachoc and J. Morio, "Efficient estimation of
       multiple expectations with the same sample by adaptive importance
       sampling and control variates", arXiv:2212.00568.
    .. [2] A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto and
       S. Tarantola, "Variance based sensitivity analysis of model output.
       Design and estimator for the total sensitivity index", Computer
       Physics Communications 181 (2010).
    .. [3] M. J. W. Jansen, "Analysis of variance designs for model output",
       Computer Physics Communications 117 (1999).
    .. [4] A. Janon, T. Klein, A. Lagnoux, M. Nodet and C. Prieur,
       "Asymptotic normality and efficiency of two Sobol index estimators",
       ESAIM: Probability and Statistics 18 (2014).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from statlearn.adaptive import sobol_indices
    >>> res = sobol_indices(lambda X: X[:, 0] + 2 * X[:, 1], [stats.norm()] * 2, 1024, random_state=0)
    >>> res.first_order.round(2), res.total_order.round(2), res.n_model_calls
    (array([0.2, 0.8]), array([0.2, 0.8]), 4096)

    The paper's adaptive importance sampling with control variates:

    >>> res = sobol_indices(lambda X: X[:, 0] + 2 * X[:, 1], [stats.norm()] * 2, 4000, method="iscv",
    ...                     random_state=0)
    >>> res.first_order.round(1)
    array([0.2, 0.8])
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable; got {type(func).__name__}.")
    if not isinstance(input_distribution, list | tuple) or len(input_distribution) < 1:
        raise TypeError("`input_distribution` must be a list of d scipy frozen univariate distributions (one per "
                        f"independent input); got {type(input_distribution).__name__}.")
    for i, dist in enumerate(input_distribution):
        if not all(hasattr(dist, a) for a in ("ppf", "isf", "rvs")):
            raise TypeError(f"`input_distribution[{i}]` must be a scipy frozen univariate distribution; "
                            f"got {type(dist).__name__}.")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 10:
        raise ValueError(f"`n` must be an int >= 10; got {n!r}.")
    validate_params({"method": method, "sampling": sampling},
                    {"method": [Options("saltelli", "janon", "pick_freeze", "iscv")],
                     "sampling": [Options("qmc", "mc"), None]}, owner="sobol_indices")
    if sampling is None:
        sampling = "qmc" if method in ("saltelli", "janon") else "mc"
    if method == "iscv" and sampling == "qmc":
        raise ValueError("`sampling` must be 'mc' (or None) with `method='iscv'`: the adaptive importance sampler "
                         "draws its own points; got 'qmc'.")
    if sampling == "qmc" and n & (n - 1):
        lo = 1 << (int(n).bit_length() - 1)
        raise ValueError(f"`n` must be a power of two with `sampling='qmc'` (scrambled Sobol' points are balanced "
                         f"only then); got {n}. Use {lo} or {2 * lo}, or `sampling='mc'`.")
    dists = list(input_distribution)
    d = len(dists)

    out_range = [np.inf, -np.inf]  # smallest and largest model output seen

    def model(Xm):
        out = np.asarray(func(Xm), dtype=float)
        if out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        if out.shape != (Xm.shape[0],):
            raise ValueError(f"`func` must map an ({Xm.shape[0]}, {d}) array to shape ({Xm.shape[0]},); "
                             f"got {out.shape}.")
        if not np.isfinite(out).all():
            raise ValueError("`func` returned non-finite value(s) (NaN or inf).")
        out_range[0] = min(out_range[0], float(out.min()))
        out_range[1] = max(out_range[1], float(out.max()))
        return out

    def check_not_constant():
        if out_range[0] == out_range[1]:
            raise ValueError(f"`func` returned the same value ({out_range[0]!r}) at every point: the output "
                             "variance is zero, so Sobol' indices (shares of that variance) are undefined.")

    def integrands(A, B):
        m = A.shape[0]
        stacked = [A]
        for i in range(d):
            Xi = B.copy()
            Xi[:, i] = A[:, i]
            stacked.append(Xi)
        out = model(np.vstack(stacked)).reshape(d + 1, m)
        y = out[0]
        return np.column_stack([y[:, None] * out[1:].T, y, y * y])

    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    total = expectations = se = estimator = None
    if method in ("saltelli", "janon"):
        U = _uniforms(n, 2 * d, sampling, rng)
        A = np.column_stack([dists[i].ppf(U[:, i]) for i in range(d)])
        B = np.column_stack([dists[i].ppf(U[:, d + i]) for i in range(d)])
        stacked = [B] if method == "janon" else [A, B]
        for i in range(d):
            ABi = A.copy()
            ABi[:, i] = B[:, i]
            stacked.append(ABi)
        out = model(np.vstack(stacked)).reshape(len(stacked), n)
        check_not_constant()
        if method == "janon":
            yB, yAB = out[0], out[1:]
            m = 0.5 * (yB + yAB).mean(axis=1)
            first = ((yB * yAB).mean(axis=1) - m**2) / (0.5 * (yB**2 + yAB**2).mean(axis=1) - m**2)
        else:
            yA, yB, yAB = out[0], out[1], out[2:]
            var = np.var(out[:2])
            first = (yB * (yAB - yA)).mean(axis=1) / var
            total = 0.5 * ((yA - yAB) ** 2).mean(axis=1) / var
        n_calls = n * len(stacked)
    elif method == "pick_freeze":
        if sampling == "qmc":
            U = _uniforms(n, 2 * d, sampling, rng)
            A = np.column_stack([dists[i].ppf(U[:, i]) for i in range(d)])
            B = np.column_stack([dists[i].ppf(U[:, d + i]) for i in range(d)])
        else:
            A = np.column_stack([dist.rvs(size=n, random_state=rng) for dist in dists])
            B = np.column_stack([dist.rvs(size=n, random_state=rng) for dist in dists])
        V = integrands(A, B)
        check_not_constant()
        expectations = V.mean(axis=0)
        se = V.std(axis=0, ddof=1) / np.sqrt(n)
        var = V[:, d].var(ddof=1)
        first = (expectations[:d] - expectations[d] ** 2) / var
        n_calls = n * (d + 1)
    else:
        def pf(U):
            A = np.column_stack([_to_marginal(dists[i], U[:, i]) for i in range(d)])
            B = np.column_stack([_to_marginal(dists[i], U[:, d + i]) for i in range(d)])
            return integrands(A, B)

        estimator = MultipleExpectationEstimator(n_max=n, random_state=random_state, **estimator_params)
        estimator.fit(pf, stats.multivariate_normal(np.zeros(2 * d), np.eye(2 * d)))
        check_not_constant()
        expectations, se = estimator.estimates_, estimator.standard_errors_
        var = expectations[d + 1] - expectations[d] ** 2
        first = (expectations[:d] - expectations[d] ** 2) / var
        n_calls = n * (d + 1)
    return Bunch(first_order=first, total_order=total, expectations=expectations, standard_errors=se,
                 n_model_calls=n_calls, estimator=estimator, method=method, sampling=sampling)
