"""Many expectations from one sample: adaptive importance sampling with control variates.

Implements the aISCV algorithm of Demange-Chryst, Bachoc and Morio: one
sample from an adaptively fitted mixture proposal estimates J expectations
``I_j = E_{f_j}[phi_j(X)]`` at once, each with its own control variate.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special

from statlearn._docstrings import fill_doc

from .._base import BaseObject, check_generator
from .._validation import Interval, Options, check_finite_array
from ._proposals import (
    _GaussianMixture,
    _Law,
    _mixture_of,
    _optimise_alpha,
    _shrunk_gaussian,
    _weighted_em,
    _weighted_moments,
    effective_size,
)

__all__ = ["MultipleExpectationEstimator"]


class _Problem:
    """The input laws and the integrand: shape and finiteness checks on every call."""

    def __init__(self, func, input_distribution):
        if not callable(func):
            raise TypeError(f"`func` must be callable; got {type(func).__name__}.")
        self.func = func
        self.per_law = isinstance(input_distribution, list | tuple)
        if self.per_law:
            if len(input_distribution) == 0:
                raise ValueError("`input_distribution` must not be an empty list.")
            self.laws = [_Law(d, f"input_distribution[{j}]") for j, d in enumerate(input_distribution)]
            dims = {law.dim for law in self.laws}
            if len(dims) != 1:
                raise ValueError(f"All laws in `input_distribution` must have the same dimension; got {sorted(dims)}.")
        else:
            self.laws = [_Law(input_distribution, "input_distribution")]
        self.n_laws = len(self.laws)
        self.dim = self.laws[0].dim
        self.n_out = None

    def call(self, X):
        Y = np.asarray(self.func(X), dtype=float)
        if Y.ndim == 1:
            Y = Y[:, None]
        n_out = self.n_out or (self.n_laws if self.per_law and self.n_laws > 1 else None)
        if Y.ndim != 2 or Y.shape[0] != X.shape[0] or (n_out and Y.shape[1] != n_out):
            want = f"({X.shape[0]}, {n_out})" if n_out else f"({X.shape[0]}, J)"
            raise ValueError(f"`func` must map an (n, d) array to an array of shape {want}; got shape {Y.shape}.")
        if not np.isfinite(Y).all():
            bad = int((~np.isfinite(Y)).sum())
            raise ValueError(f"`func` returned {bad} non-finite value(s) (NaN or inf); all outputs must be finite.")
        self.n_out = Y.shape[1]
        return Y

    def log_f(self, X):
        """``log f_j(X)``: (n, n_laws)."""
        return np.column_stack([law.logpdf(X) for law in self.laws])

    def log_init(self, X):
        """Log-density of the initial proposal (``f``, or the equal mixture of the ``f_j``)."""
        return special.logsumexp(self.log_f(X), axis=1) - np.log(self.n_laws)

    def draw_init(self, n, rng):
        counts = rng.multinomial(n, np.full(self.n_laws, 1.0 / self.n_laws))
        X = np.vstack([law.rvs(c, rng) for law, c in zip(self.laws, counts, strict=True) if c])
        return X[rng.permutation(n)]

    def per_output(self, A):
        """Columns per law -> columns per expectation (one law for all: repeat it)."""
        return A if self.per_law and self.n_laws > 1 else np.repeat(A, self.n_out, axis=1)


class _History:
    """Every point of the adaptive phase with the log-density of every past proposal at it."""

    def __init__(self, problem, X, Y):
        self.X, self.Y, self.LF = X, Y, problem.log_f(X)
        self.LQ = problem.log_init(X)[:, None]  # columns = past proposals
        self.past = [problem.log_init]
        self.counts = [X.shape[0]]

    def log_h(self):
        """Log-density of the deterministic mixture of every past proposal, at every point."""
        c = np.asarray(self.counts, dtype=float)
        return special.logsumexp(self.LQ + np.log(c / c.sum()), axis=1)

    def add(self, problem, proposal, Xg, Yg):
        new_rows = np.column_stack([q(Xg) for q in self.past])
        self.LQ = np.vstack([self.LQ, new_rows])
        self.X, self.Y, self.LF = np.vstack([self.X, Xg]), np.vstack([self.Y, Yg]), np.vstack([self.LF,
                                                                                                 problem.log_f(Xg)])
        self.LQ = np.column_stack([self.LQ, proposal.logpdf(self.X)])
        self.past.append(proposal.logpdf)
        self.counts.append(Xg.shape[0])


@fill_doc
class MultipleExpectationEstimator(BaseObject):
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
        Total number of points at which ``func`` is evaluated. Each batch and
        the final sample must hold at least ``10 * d`` points (``d`` the input
        dimension): with fewer, the proposals are unstable and the intervals
        over-confident (on a 6-dimensional problem with 30-point batches, 95%
        intervals covered 78-91%).
    weights : array-like of shape (J,), "relative" or None, default=None
        Weights ``w_j`` of the criterion ``sum_j w_j Var(I_hat_j)``. ``None``
        is equal weights; ``"relative"`` uses ``1 / I_hat_j**2`` from the
        current estimates (sum of relative variances).
    proposal : {"gaussian", "gaussian_mixture"}, default="gaussian"
        Family of each auxiliary density ``g_j``: one Gaussian, or a mixture
        of two Gaussians fitted by weighted EM.
    covariance : {"full", "diag"}, default="full"
        Covariance structure of the Gaussian components.
    adapt_fraction : float, default=0.5
        Largest fraction of ``n_max`` spent in the adaptive phase.
    n_batches : int, default=5
        Number of batches the adaptive budget is split into (at least 2).
    random_state : int, Generator, RandomState, SeedSequence or None, default=None
        Seed of every draw.

    Attributes
    ----------
    estimates_ : ndarray of shape (J,)
        The estimates ``I_hat_j``.
    standard_errors_ : ndarray of shape (J,)
        Their standard errors, from the final sample (NaN for an expectation
        whose integrand was zero at every final point: see Notes).
    covariance_ : ndarray of shape (J, J)
        Covariance matrix of the estimates (they share one sample).
    effective_sample_size_ : ndarray of shape (J,)
        Kish's effective sample size ``(sum_i w_ij)^2 / sum_i w_ij^2`` of the
        importance weights ``w_ij = f_j(X_i) / g_alpha(X_i)`` of the final
        sample (``n_final_`` when the proposal equals ``f_j``).
    n_nonzero_ : ndarray of int of shape (J,)
        Number of final points where the integrand ``phi_j`` is not zero.
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
    n_outputs_ : int
        ``J``.

    See Also
    --------
    sobol_indices : Sobol' indices (its ``method="iscv"`` is built on this estimator).

    Notes
    -----
    The paper assumes ``phi_j >= 0``; signed integrands are accepted here and
    the cross-entropy step then targets ``|phi_j| f_j`` (the zero-variance
    density of plain importance sampling). Unbiasedness does not depend on
    that choice.

    Safeguards beyond the paper (none changes the estimator's unbiasedness):

    * each cross-entropy covariance is shrunk towards the input law's
      covariance by its effective sample size (``k = d + 2`` prior points), so
      a fit on a handful of points cannot collapse onto a zero-variance
      direction (whose control variate made estimates explode);
    * each ``beta_j`` is bounded by twice the largest weighted integrand seen
      in its batch;
    * an expectation whose integrand has been zero at every point so far
      (a rare event not yet hit) gets an exploration density, the input law
      with its spread doubled at each iteration, and at least ``1 / (2J)``
      of each batch;
    * an expectation with no non-zero value in the final sample raises a
      ``RuntimeWarning``; its estimate is 0 and its standard error NaN
      (zero observed variance says nothing about the error).

    {ref_demange_chryst}

    Examples
    --------
    >>> from scipy import stats
    >>> from statlearn.adaptive import MultipleExpectationEstimator
    >>> moments = lambda X: X[:, [0]] ** np.array([2, 4, 6])
    >>> est = MultipleExpectationEstimator(n_max=4000, weights="relative", random_state=0)
    >>> est = est.fit(moments, stats.norm())
    >>> bool(np.all(np.abs(est.estimates_ - [1, 3, 15]) < 4 * est.standard_errors_))
    True
    >>> est.confidence_interval(0.95).shape
    (3, 2)
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

    # ------------------------------------------------------------------ fit
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
            one law ``f_j`` per expectation (all of the same dimension). Laws
            must be continuous (have a density).

        Returns
        -------
        self : MultipleExpectationEstimator
        """
        self._validate_params()
        problem = _Problem(func, input_distribution)
        rng = check_generator(self.random_state)
        N, n_adapt, Nk = self._budget(problem.dim)
        hist = _History(problem, *self._first_batch(problem, Nk, rng))
        J = problem.n_out
        if problem.per_law and problem.n_laws != J:
            raise ValueError(f"`func` returns {J} outputs but `input_distribution` holds {problem.n_laws} laws.")
        w_fixed = self._fixed_weights(J)
        Z = hist.Y * problem.per_output(np.exp(hist.LF - hist.LQ[:, [0]]))
        I_hat, curr_var = Z.mean(axis=0), Z.var(axis=0, ddof=1)
        w = _relative_weights(I_hat) if w_fixed is None else w_fixed
        sw = np.sqrt(w) * np.abs(I_hat)
        alpha = sw / sw.sum() if sw.sum() > 0 and np.isfinite(sw).all() else np.full(J, 1.0 / J)
        alpha = np.clip(alpha, 1e-12, None)
        alpha, beta = alpha / alpha.sum(), I_hat.copy()
        n_eval, n_iter, components, explored = Nk, 0, None, False
        while n_eval + Nk <= n_adapt:  # never spend more than `adapt_fraction` of `n_max`
            n_iter += 1
            unseen = ~hist.Y.any(axis=0)  # a rare event not hit yet: its variance of 0 means nothing
            components = self._cross_entropy(problem, hist, n_iter)
            if w_fixed is None:  # relative weights from the current (deterministic-mixture) estimates
                w = _relative_weights(self._pooled_estimates(problem, hist))
            alpha = self._mixture_weights(problem, hist, components, alpha, beta, w)
            g_alpha = _mixture_of(components, alpha)
            Xg = g_alpha.rvs(Nk, rng)
            Yg = problem.call(Xg)
            hist.add(problem, g_alpha, Xg, Yg)
            beta, new_var = _control_coefficients(problem, components, alpha, Xg, Yg)
            n_eval += Nk
            # the stopping rule compares the variances of two fitted proposals: never the exploration batch of
            # a rare event (its variance says nothing about a fitted proposal), and only once each rests on
            # at least 10 non-zero values
            settled = not (unseen.any() or explored) and (Yg != 0).sum(axis=0).min() >= 10
            explored = unseen.any()
            if settled and np.sum(w * curr_var) / (N - (n_eval - Nk)) <= np.sum(w * new_var) / (N - n_eval):
                break  # more adaptation would no longer lower the variance of the final stage
            curr_var = new_var
        if components is None:
            components = self._cross_entropy(problem, hist, 1)
        self._final_stage(problem, components, alpha, beta, N - n_eval, rng)
        self.n_evaluations_, self.n_iterations_ = N, n_iter
        return self

    def _budget(self, dim):
        N = int(self.n_max)
        n_adapt = int(self.adapt_fraction * N)
        Nk = n_adapt // int(self.n_batches)
        need = 10 * dim  # fewer points per batch give unstable proposals and over-confident intervals
        if Nk < need or N - n_adapt < need:
            n_min = self._min_n_max(dim)
            raise ValueError(
                f"`n_max`={N} is too small for inputs of dimension {dim} with adapt_fraction={self.adapt_fraction} "
                f"and n_batches={self.n_batches}: each batch and the final sample need at least 10 points per "
                f"dimension ({need}); got batches of {Nk} and a final sample of {N - n_adapt}. Use n_max >= {n_min}."
            )
        return N, n_adapt, Nk

    def _min_n_max(self, dim):
        """Smallest ``n_max`` giving batches and a final sample of ``10 * dim`` points each."""
        n = int(np.ceil(10 * dim * max(int(self.n_batches) / self.adapt_fraction, 1 / (1 - self.adapt_fraction))))
        while int(int(self.adapt_fraction * n) // int(self.n_batches)) < 10 * dim or n - int(
                self.adapt_fraction * n) < 10 * dim:
            n += 1
        return n

    @staticmethod
    def _first_batch(problem, Nk, rng):
        X = problem.draw_init(Nk, rng)
        return X, problem.call(X)

    def _fixed_weights(self, J):
        """The criterion weights, or None for ``"relative"`` (recomputed at every iteration)."""
        if isinstance(self.weights, str):
            return None
        if self.weights is None:
            return np.ones(J)
        w = check_finite_array(self.weights, name="weights", ndim=1)
        if w.shape[0] != J or (w < 0).any() or not (w > 0).any():
            raise ValueError(f"`weights` must be {J} non-negative numbers, not all zero; got {w}.")
        return w

    @staticmethod
    def _pooled_estimates(problem, hist):
        """Deterministic-mixture importance-sampling estimates over every past point."""
        Fh = problem.per_output(np.exp(hist.LF - hist.log_h()[:, None]))
        return (hist.Y * Fh).mean(axis=0)

    def _cross_entropy(self, problem, hist, iteration):
        """(i) refit each ``g_j`` on all past points (weights ``f_j |phi_j| / h``), with the safeguards."""
        Fh = problem.per_output(np.exp(hist.LF - hist.log_h()[:, None]))
        ce = np.abs(hist.Y) * Fh
        diag = self.covariance == "diag"
        components = []
        for j in range(problem.n_out):
            ref_mu, ref_cov = _weighted_moments(hist.X, Fh[:, j])  # the input law f_j, reweighted
            if not ce[:, j].any():
                # nothing seen yet (a rare event): explore with the input law, spread doubled per iteration
                cov = ref_cov * 4.0**iteration + 1e-12 * np.eye(problem.dim) * max(np.trace(ref_cov), 1e-300)
                components.append(_GaussianMixture([1.0], ref_mu[None], cov[None]))
            elif self.proposal == "gaussian":
                mu, cov = _shrunk_gaussian(hist.X, ce[:, j], ref_cov, diag)
                components.append(_GaussianMixture([1.0], mu[None], cov[None]))
            else:
                components.append(_GaussianMixture(*_weighted_em(hist.X, ce[:, j], diag, ref_cov=ref_cov)))
        return components

    @staticmethod
    def _mixture_weights(problem, hist, components, alpha, beta, w):
        """(ii) ``alpha`` minimising the weighted variance criterion over the simplex."""
        G = np.exp(np.column_stack([c.logpdf(hist.X) for c in components]))
        FY = problem.per_output(np.exp(hist.LF)) * hist.Y
        alpha = _optimise_alpha(alpha, FY, G, np.exp(hist.log_h()), beta, w)
        unseen = ~hist.Y.any(axis=0)
        if unseen.any():  # keep exploring rare events that no point has hit yet
            J = alpha.shape[0]
            alpha = np.where(unseen, np.maximum(alpha, 1.0 / (2 * J)), alpha)
            alpha = alpha / alpha.sum()
        return alpha

    def _final_stage(self, problem, components, alpha, beta, n_final, rng):
        """Fresh sample from the frozen ``g_alpha``; only these points enter the estimates."""
        g_alpha = _mixture_of(components, alpha)
        Xf = g_alpha.rvs(n_final, rng)
        Yf = problem.call(Xf)
        Gf = np.exp(np.column_stack([c.logpdf(Xf) for c in components]))
        gaf = Gf @ alpha
        Wf = problem.per_output(np.exp(problem.log_f(Xf))) / gaf[:, None]
        values = Wf * Yf - beta * Gf / gaf[:, None]
        est = values.mean(axis=0) + beta
        cov = np.atleast_2d(np.cov(values, rowvar=False)) / n_final
        se = np.sqrt(np.diag(cov).copy())
        nonzero = (Yf != 0).sum(axis=0)
        if not np.isfinite(est).all() or not np.isfinite(cov).all():
            raise FloatingPointError("MultipleExpectationEstimator: the final estimates are not finite; "
                                     "`func` is too large for float64 under the importance weights.")
        empty = np.flatnonzero(nonzero == 0)
        if empty.size:
            se[empty] = np.nan
            cov[empty, :] = cov[:, empty] = np.nan
            warnings.warn(
                f"MultipleExpectationEstimator: expectation {', '.join(map(str, empty))} saw no non-zero "
                f"integrand value among the {n_final} final points (a rare event never hit): its estimate 0 "
                "is not informative and its standard error is NaN. Increase `n_max`, or reformulate the "
                "event (e.g. condition on a larger event).", RuntimeWarning, stacklevel=3)
        self.estimates_, self.standard_errors_, self.covariance_ = est, se, cov
        self.effective_sample_size_ = np.array([effective_size(Wf[:, j]) for j in range(Wf.shape[1])])
        self.n_nonzero_ = nonzero
        self.n_final_, self.alpha_, self.beta_ = n_final, alpha, beta
        self.proposals_ = [(c.weights, c.means, c.covs) for c in components]
        self._components = components
        self.n_outputs_ = problem.n_out

    # ------------------------------------------------------------- results
    def _check_fitted(self):
        if not hasattr(self, "_components"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This MultipleExpectationEstimator is not fitted yet; call `fit` first.")

    def confidence_interval(self, confidence_level=0.95):
        """Normal (central limit) confidence intervals of the estimates.

        Parameters
        ----------
        confidence_level : float, default=0.95
            Coverage in (0, 1).

        Returns
        -------
        intervals : ndarray of shape (J, 2)
            Lower and upper bounds, ``estimates_ -/+ z * standard_errors_``
            (NaN where the standard error is NaN).
        """
        from scipy import stats

        from .._validation import check_scalar

        self._check_fitted()
        check_scalar(confidence_level, "confidence_level", Interval("real", 0, 1, closed="neither"),
                     owner="MultipleExpectationEstimator.confidence_interval")
        z = stats.norm.ppf(0.5 + confidence_level / 2)
        return np.column_stack([self.estimates_ - z * self.standard_errors_,
                                self.estimates_ + z * self.standard_errors_])

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
        self._check_fitted()
        X = check_finite_array(X, name="X", ndim=2)
        LG = np.column_stack([c.logpdf(X) for c in self._components])
        return special.logsumexp(LG + np.log(self.alpha_), axis=1), LG


def _relative_weights(I_hat):
    """``1 / I_hat_j**2`` (0 where the estimate is 0; equal weights if every estimate is 0)."""
    w = np.where(np.abs(I_hat) > 0, 1.0 / np.maximum(I_hat**2, 1e-300), 0.0)
    return w if w.any() else np.ones_like(I_hat)


def _control_coefficients(problem, components, alpha, Xg, Yg):
    """(iv) variance-optimal ``beta`` on the new batch, bounded; (v) the per-point variances it gives."""
    Gg = np.exp(np.column_stack([c.logpdf(Xg) for c in components]))
    ga = Gg @ alpha
    cv = Gg / ga[:, None]
    target = problem.per_output(np.exp(problem.log_f(Xg))) * Yg / ga[:, None]
    n = Xg.shape[0]
    var_cv = cv.var(axis=0, ddof=1)
    cov = ((cv - cv.mean(axis=0)) * (target - target.mean(axis=0))).sum(axis=0) / (n - 1)
    beta = np.where(var_cv > 0, cov / np.where(var_cv > 0, var_cv, 1.0), target.mean(axis=0))
    # a control variate whose spread the batch barely saw gives a wild slope: bound it by the data
    bound = 2.0 * np.abs(target).max(axis=0)
    beta = np.clip(beta, -bound, bound)
    return beta, (target - beta * cv).var(axis=0, ddof=1)
