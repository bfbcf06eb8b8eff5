"""Thresholdout, the reusable holdout.

Statistical queries are functions ``phi`` from one sample to ``[0, 1]``; a
query is given here as the vector of its values on the samples, and answered
with its training mean or (a noisy version of) its holdout mean.
"""

from __future__ import annotations

import math

import numpy as np

from statlearn._docstrings import fill_doc

from .._base import BaseObject, spawn_generators
from .._validation import Interval, Options, check_finite_array, validate_args
from .mechanisms import _NOISE_SCALE, _check_query_values, _log_array

__all__ = ["BudgetExhausted", "ReusableHoldout", "Thresholdout"]


class BudgetExhausted(RuntimeError):
    """Raised by :class:`Thresholdout` when its overfitting budget is spent.

    Once ``budget`` above-threshold answers have been given, the holdout must
    not be consulted again: every later query raises this error (or returns
    NaN with ``on_budget_exhausted="nan"``).
    """


@fill_doc
class Thresholdout(BaseObject):
    """The reusable holdout: answer queries from the training set unless they overfit.

    For each statistical query the training mean is returned when it agrees
    with the holdout mean up to a noisy threshold; otherwise a noisy holdout
    mean is returned and one unit of the overfitting budget is spent::

        if budget < 1: stop (raise BudgetExhausted or answer NaN)
        if |holdout_mean - train_mean| > threshold + gamma + eta:
            answer holdout_mean + xi;  budget -= 1;  redraw gamma (reset="on_overfit")
        else:
            answer train_mean          (the holdout is not touched)

    Noise (``noise="laplace"``, the paper's pseudo-code): ``gamma ~ Lap(2 sigma)``,
    ``eta ~ Lap(4 sigma)``, ``xi ~ Lap(sigma)`` (Laplace *scales*).
    ``noise="gaussian"`` (the Science supplement code): ``gamma ~ N(0, sigma**2)``,
    no ``eta``, ``xi ~ N(0, sigma**2)``; with ``reset="every_query"`` the
    threshold gets a fresh ``N(0, sigma**2)`` per comparison, exactly as in the
    supplement.

    Parameters
    ----------
    threshold : float in [0, 1], default=0.04
        Base threshold ``T`` on ``|holdout mean - training mean|`` (a gap
        between means in [0, 1] never exceeds 1).
    sigma : float in [0, 1], default=0.01
        Noise rate (Laplace scale or Gaussian standard deviation of the answer
        noise); a larger noise would hide the answers completely.
    budget : int or None, default=None
        Number of above-threshold (overfitting) answers allowed; ``None`` is
        unlimited (no formal guarantee then).
    noise : {"laplace", "gaussian"}, default="laplace"
        Noise family, see above.
    reset : {"on_overfit", "every_query", "never"}, default="on_overfit"
        When the threshold noise ``gamma`` is redrawn: after each
        above-threshold answer (the paper), before every query (FEAT, the
        Science supplement), or never (drawn once at :meth:`reset`).
    on_budget_exhausted : {"raise", "nan"}, default="raise"
        Raise :class:`BudgetExhausted` or answer NaN once the budget is spent.
    random_state : int, Generator, RandomState, SeedSequence or None, default=None
        Seed of all noise; :meth:`restart` restarts it (an int seed gives the
        same noise again; a Generator continues its stream).

    Attributes
    ----------
    budget_remaining_ : float
        Overfitting answers still allowed (``inf`` without a budget).
    answers_ : ndarray of shape (n_queries,)
        Every answer given (NaN for refused queries).
    touched_holdout_ : ndarray of bool of shape (n_queries,)
        Whether each answer came from the holdout (an overfitting answer).
    n_queries_ : int
        Number of queries asked since the last :meth:`reset`.
    n_overfit_ : int
        Number of above-threshold answers.

    See Also
    --------
    ReusableHoldoutSearch : Model selection on a reused holdout.
    LaplaceMechanism : Answer every query through noise.

    Notes
    -----
    ``reset`` names the threshold-noise policy (a constructor parameter of
    the issue's contract), so the method that restores the full budget and
    restarts the noise is :meth:`restart` (alias ``reset_state``).

    The budget decreases only on above-threshold answers; answers below the
    threshold are free and do not reveal anything about the holdout beyond the
    fact that the comparison passed. Use :meth:`from_guarantee` to set the
    threshold and noise from the paper's accuracy theorem.

    {ref_dwork_science}
    .. [2] C. Dwork, V. Feldman, M. Hardt, T. Pitassi, O. Reingold and A. Roth,
       "Generalization in adaptive data analysis and holdout reuse", NeurIPS 2015.

    Examples
    --------
    >>> from statlearn.adaptive import Thresholdout
    >>> train = np.random.default_rng(0).uniform(size=(500, 3))
    >>> holdout = train.copy()
    >>> holdout[:, 2] = 0.0  # the third query overfits the training set
    >>> thr = Thresholdout(threshold=0.04, sigma=0.001, budget=10, random_state=0)
    >>> answers = thr.query_many(train, holdout)
    >>> answers.shape
    (3,)
    >>> thr.touched_holdout_
    array([False, False,  True])
    >>> thr.budget_remaining_
    9.0
    """

    _parameter_constraints = {
        "threshold": [Interval("real", 0, 1, closed="both")],
        "sigma": _NOISE_SCALE,
        "budget": [Interval("integral", 0, None, closed="left"), None],
        "noise": [Options("laplace", "gaussian")],
        "reset": [Options("on_overfit", "every_query", "never")],
        "on_budget_exhausted": [Options("raise", "nan")],
        "random_state": ["random_state"],
    }

    def __init__(self, threshold=0.04, sigma=0.01, budget=None, noise="laplace", reset="on_overfit",
                 on_budget_exhausted="raise", random_state=None):
        self.threshold = threshold
        self.sigma = sigma
        self.budget = budget
        self.noise = noise
        self.reset = reset
        self.on_budget_exhausted = on_budget_exhausted
        self.random_state = random_state

    # ``reset`` is a constructor parameter (the threshold-noise policy), so the
    # method that restarts the state is ``restart``; ``reset_state`` is an alias.
    def restart(self):
        """Restore the full budget, clear the log and restart the noise from ``random_state``.

        Returns
        -------
        self : Thresholdout
        """
        self._validate_params()
        self._gamma_rng, self._eta_rng, self._xi_rng = spawn_generators(self.random_state, 3)
        self._budget_remaining = math.inf if self.budget is None else float(self.budget)
        self._answers, self._touched, self._train, self._holdout = [], [], [], []
        self._gamma = self._draw_gamma()
        return self

    reset_state = restart

    def _after_set_params(self):
        self.__dict__.pop("_gamma_rng", None)  # the next query restarts with the new parameters

    def _started(self):
        if "_gamma_rng" not in self.__dict__:
            self.restart()

    @property
    def budget_remaining_(self):
        """float: overfitting answers still allowed (``inf`` without a budget)."""
        self._started()
        return self._budget_remaining

    @classmethod
    @validate_args({"tolerance": [Interval("real", 0, 1, closed="neither")],
                    "failure_probability": [Interval("real", 0, 1, closed="neither")],
                    "n_queries": [Interval("integral", 1, None)],
                    "budget": [Interval("integral", 0, None), None]}, owner="Thresholdout.from_guarantee")
    def from_guarantee(cls, tolerance, failure_probability, n_queries, *, budget=None, **kwargs):
        """Set threshold and noise from the accuracy theorem of Thresholdout.

        Theorem 9 of Dwork et al. (CACM 2017): with ``m >= B`` queries, threshold
        ``T = 3 tau / 4`` and Laplace noise rate ``sigma = tau / (96 ln(4 m / beta))``,
        every answer that is not refused is ``tau``-accurate with probability at
        least ``1 - beta``, provided the holdout is large enough
        (``n >= n0``, which grows like ``sqrt(B) log(m / beta) / tau**2``).

        Parameters
        ----------
        tolerance : float
            Target accuracy ``tau`` in (0, 1).
        failure_probability : float
            ``beta`` in (0, 1).
        n_queries : int
            Number of queries ``m`` that will be asked.
        budget : int or None, default=None
            Overfitting budget ``B``; defaults to ``n_queries`` (``m >= B``).
        **kwargs
            Other constructor parameters (``random_state``, ...). ``noise`` is
            Laplace and ``reset`` is ``"on_overfit"``, as in the theorem.

        Returns
        -------
        thresholdout : Thresholdout

        Notes
        -----
        The constants are conservative: ``tau = 0.04``, ``m = 1000`` and
        ``beta = 0.05`` give ``sigma`` of about ``3.7e-5``, far below the
        0.01 of the Science experiment. The theorem's holdout-size condition is
        not checked here.

        Examples
        --------
        >>> from statlearn.adaptive import Thresholdout
        >>> thr = Thresholdout.from_guarantee(0.04, 0.05, 1000)
        >>> round(thr.threshold, 3), round(thr.sigma, 7)
        (0.03, 3.69e-05)
        """
        tau, beta = float(tolerance), float(failure_probability)
        budget = int(n_queries) if budget is None else budget
        if budget > n_queries:
            raise ValueError(f"`budget` must not exceed `n_queries` ({n_queries}) in the theorem; got {budget}.")
        for key in ("noise", "reset", "threshold", "sigma"):
            if key in kwargs:
                raise TypeError(f"`{key}` is set by `from_guarantee`; do not pass it.")
        sigma = tau / (96.0 * math.log(4.0 * n_queries / beta))
        return cls(threshold=0.75 * tau, sigma=sigma, budget=budget, noise="laplace", reset="on_overfit",
                   **kwargs)

    # ------------------------------------------------------------------ noise
    def _draw_gamma(self):
        if self.sigma == 0:
            return 0.0
        if self.noise == "laplace":
            return float(self._gamma_rng.laplace(0.0, 2.0 * self.sigma))
        return float(self._gamma_rng.normal(0.0, self.sigma))

    def _draw_eta(self, size):
        if self.sigma == 0 or self.noise == "gaussian":
            return np.zeros(size)
        return self._eta_rng.laplace(0.0, 4.0 * self.sigma, size=size)

    def _draw_xi(self, size):
        if self.sigma == 0:
            return np.zeros(size)
        if self.noise == "laplace":
            return self._xi_rng.laplace(0.0, self.sigma, size=size)
        return self._xi_rng.normal(0.0, self.sigma, size=size)

    # --------------------------------------------------------------- queries
    def query_means(self, train_means, holdout_means):
        """Answer queries given their training and holdout means (low level).

        This is the core of :meth:`query_many`; it trusts the caller that the
        means come from query values in [0, 1] (the guarantee needs that). It
        is useful when the means are cheaper to compute in bulk, e.g. all
        correlations ``X.T @ y / n`` at once.

        Parameters
        ----------
        train_means, holdout_means : array-like of shape (n_queries,)
            Empirical means of each query on the training and holdout sets,
            in the order the queries are asked.

        Returns
        -------
        answers : ndarray of shape (n_queries,)
            The answers (NaN for queries refused with ``on_budget_exhausted="nan"``).

        Raises
        ------
        BudgetExhausted
            When the budget is spent and ``on_budget_exhausted="raise"``; the
            answers given before are logged.
        """
        self._started()
        t = check_finite_array(np.atleast_1d(train_means), name="train_means", ndim=1)
        h = check_finite_array(np.atleast_1d(holdout_means), name="holdout_means", ndim=1)
        if t.shape != h.shape:
            raise ValueError(
                f"`train_means` and `holdout_means` must have the same shape; got {t.shape} and {h.shape}."
            )
        m = t.shape[0]
        eta = self._draw_eta(m)
        xi = self._draw_xi(m)
        answers = np.full(m, np.nan)
        touched = np.zeros(m, dtype=bool)
        diff = np.abs(h - t)
        exhausted_at = None
        for i in range(m):
            if self._budget_remaining < 1:
                exhausted_at = i
                break
            if self.reset == "every_query":
                self._gamma = self._draw_gamma()
            if diff[i] > self.threshold + self._gamma + eta[i]:
                answers[i] = h[i] + xi[i]
                touched[i] = True
                self._budget_remaining -= 1
                if self.reset == "on_overfit":
                    self._gamma = self._draw_gamma()
            else:
                answers[i] = t[i]
        self._answers.extend(answers.tolist())
        self._touched.extend(touched.tolist())
        self._train.extend(t.tolist())
        self._holdout.extend(h.tolist())
        if exhausted_at is not None and self.on_budget_exhausted == "raise":
            n_given = exhausted_at
            # the refused queries are logged as NaN answers
            raise BudgetExhausted(
                f"Thresholdout budget of {self.budget} overfitting answers is spent; {n_given} of the "
                f"{m} queries of this call were answered (see `answers_`). Call `restart()` only with "
                "a fresh holdout set."
            )
        return answers

    def query_many(self, train_values, holdout_values):
        """Answer several statistical queries, in order.

        Parameters
        ----------
        train_values : array-like of shape (n_train, n_queries)
            Values in [0, 1] of each query on each training sample.
        holdout_values : array-like of shape (n_holdout, n_queries)
            Values in [0, 1] of the same queries on each holdout sample.

        Returns
        -------
        answers : ndarray of shape (n_queries,)
            Equivalent to asking the queries one by one with :meth:`query`.
        """
        t = _check_query_values(train_values, "train_values")
        h = _check_query_values(holdout_values, "holdout_values")
        t2, h2 = t.reshape(t.shape[0], -1), h.reshape(h.shape[0], -1)
        if t2.shape[1] != h2.shape[1]:
            raise ValueError(
                "`train_values` and `holdout_values` must hold the same number of queries (columns); "
                f"got {t2.shape[1]} and {h2.shape[1]}."
            )
        return self.query_means(t2.mean(axis=0), h2.mean(axis=0))

    def query(self, train_values, holdout_values):
        """Answer one statistical query.

        Parameters
        ----------
        train_values : array-like of shape (n_train,)
            Values in [0, 1] of the query on each training sample.
        holdout_values : array-like of shape (n_holdout,)
            Values in [0, 1] of the query on each holdout sample.

        Returns
        -------
        answer : float
            The training mean, or a noisy holdout mean when they disagree.
        """
        t = _check_query_values(train_values, "train_values")
        h = _check_query_values(holdout_values, "holdout_values")
        if t.ndim != 1 or h.ndim != 1:
            raise ValueError(
                f"`query` answers one query: `train_values` and `holdout_values` must be 1-D; got shapes "
                f"{t.shape} and {h.shape} (use `query_many` for several)."
            )
        return float(self.query_means(t.mean(keepdims=True), h.mean(keepdims=True))[0])

    def query_function(self, phi, X_train, X_holdout):
        """Answer the query ``phi`` evaluated on training and holdout samples.

        Parameters
        ----------
        phi : callable
            Maps an array of samples of shape (n, ...) to values in [0, 1] of
            shape (n,) (one query) or (n, n_queries) (several).
        X_train, X_holdout : array-like
            Training and holdout samples (rows are samples).

        Returns
        -------
        answer : float or ndarray of shape (n_queries,)
        """
        if not callable(phi):
            raise TypeError(f"`phi` must be callable; got {type(phi).__name__}.")
        for name, X in (("X_train", X_train), ("X_holdout", X_holdout)):
            if len(X) == 0:
                raise ValueError(f"`{name}` must hold at least one sample; got an empty {type(X).__name__}.")
        t = np.asarray(phi(X_train))
        h = np.asarray(phi(X_holdout))
        if t.ndim == 1 and h.ndim == 1:
            return self.query(t, h)
        return self.query_many(t, h)

    # ------------------------------------------------------------------- log
    answers_ = _log_array("_answers", float, "ndarray of shape (n_queries,): every answer given (NaN when refused).")
    touched_holdout_ = _log_array("_touched", bool,
                                  "ndarray of bool of shape (n_queries,): which answers used the holdout.")
    train_means_ = _log_array("_train", float, "ndarray of shape (n_queries,): training means of the queries asked.")

    @property
    def n_queries_(self):
        """int: number of queries asked since the last restart."""
        self._started()
        return len(self._answers)

    @property
    def n_overfit_(self):
        """int: number of above-threshold answers given."""
        self._started()
        return int(np.sum(self._touched))


#: Alias of :class:`Thresholdout`.
ReusableHoldout = Thresholdout
