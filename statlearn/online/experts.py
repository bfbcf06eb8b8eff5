"""Sleeping experts: AdaNormalHedge and hedge over the awake experts, in log space."""

from __future__ import annotations

import math

import numpy as np

from statlearn._base import BaseObject, check_generator
from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, check_finite_array
from statlearn.online import _kernels

__all__ = ["SleepingExperts"]

_METHODS = {"adanormalhedge": 0, "hedge": 1}


def _check_awake(awake, n_experts, *, name="awake"):
    if awake is None:
        return np.ones(n_experts, dtype=bool)
    arr = np.asarray(awake)
    if arr.dtype == object:
        import pandas as pd

        if np.asarray(pd.isna(arr), dtype=bool).any():
            raise ValueError(f"`{name}` must not contain missing values (None, NaN, pd.NA); got {arr.tolist()[:8]}.")
        if not all(isinstance(v, bool | np.bool_ | int | np.integer) for v in arr.ravel()):
            raise TypeError(f"`{name}` must be a boolean vector of length {n_experts}; got {arr.tolist()[:8]}.")
        arr = arr.astype(np.int64)
    if arr.dtype != bool:
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"`{name}` must be a boolean vector of length {n_experts}; got dtype {arr.dtype}.")
        if not np.isin(arr, (0, 1)).all():
            raise ValueError(f"`{name}` must contain only booleans or 0/1; got {arr.tolist()[:8]}.")
        arr = arr.astype(bool)
    if arr.shape != (n_experts,):
        raise ValueError(f"`{name}` must have shape ({n_experts},); got {arr.shape}.")
    if not arr.any():
        raise ValueError(f"`{name}` must mark at least one expert as awake; got all False.")
    return arr


@fill_doc
class SleepingExperts(BaseObject):
    """Weights over experts that may sleep (abstain) in some rounds.

    Only awake experts receive a weight, a loss and an update. Each expert
    keeps its cumulative instantaneous regret ``R`` against the mixture,
    ``r = <p, l> - l_g``, over the rounds it was awake, and ``C``, the sum of
    ``|r|``. Weights are computed in log space, so they stay finite at any
    horizon and any size of ``R`` and ``C``.

    Parameters
    ----------
    n_experts : int
        Number of experts.
    method : {"adanormalhedge", "hedge"}, default="adanormalhedge"
        ``"adanormalhedge"``: parameter-free weights
        ``w(R, C) = (exp([R+1]_+^2 / 3(C+1)) - exp([R-1]_+^2 / 3(C+1))) / 2``
        (Luo and Schapire, 2015). ``"hedge"``: ``w = exp(eta_g R)`` with
        ``eta_g = learning_rate * sqrt(log(n_experts) / n_g)``, ``n_g`` the
        rounds expert ``g`` was awake.
    learning_rate : float, default=1.0
        Scale of the hedge learning rate (unused by AdaNormalHedge).
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Seed of :meth:`sample` (through :func:`statlearn._base.check_generator`).

    Attributes
    ----------
    (set at the first call of a method, and again by :meth:`reset` and
    :meth:`set_params`)

    regret_ : ndarray of shape (n_experts,)
        Cumulative instantaneous regret ``R`` of each expert.
    abs_regret_ : ndarray of shape (n_experts,)
        Cumulative absolute instantaneous regret ``C``.
    counts_ : ndarray of shape (n_experts,)
        Rounds each expert was awake.

    References
    ----------
    .. [1] H. Luo and R. E. Schapire. "Achieving All with No Parameters:
       AdaNormalHedge". COLT 2015.
    .. [2] K. Acharya, E. Arunachaleswaran, S. Kannan, A. Roth, J. Ziani.
       "Oracle Efficient Algorithms for Groupwise Regret". ICLR 2024,
       arXiv:2310.04652.

    Examples
    --------
    >>> from statlearn.online import SleepingExperts
    >>> experts = SleepingExperts(3)
    >>> awake = np.array([True, True, False])
    >>> experts.weights(awake)
    array([0.5, 0.5, 0. ])
    >>> for _ in range(50):
    ...     _ = experts.update(np.array([0.0, 1.0, 0.5]), awake)
    >>> w = experts.weights(awake)
    >>> bool(w[0] > 0.99), bool(np.isfinite(w).all())
    (True, True)
    """

    _parameter_constraints = {
        "n_experts": [Interval("integral", 1, None)],
        "method": [Options("adanormalhedge", "hedge")],
        "learning_rate": [Interval("real", 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_experts, method="adanormalhedge", learning_rate=1.0, random_state=None):
        self.n_experts = n_experts
        self.method = method
        self.learning_rate = learning_rate
        self.random_state = random_state

    def reset(self):
        """Forget every loss seen so far (uniform weights again) and reseed :meth:`sample`.

        Returns
        -------
        self : SleepingExperts
            The reset object.
        """
        self._validate_params()
        if not math.isfinite(self.learning_rate):
            raise ValueError(f"`learning_rate` must be a finite float > 0; got {self.learning_rate!r}.")
        n = int(self.n_experts)
        self.regret_ = np.zeros(n)
        self.abs_regret_ = np.zeros(n)
        self.counts_ = np.zeros(n, dtype=np.int64)
        self._rng = check_generator(self.random_state)
        self._kernel_args = (_METHODS[self.method], float(self.learning_rate), math.log(max(n, 2)))
        return self

    def _after_set_params(self):
        if "regret_" in self.__dict__:
            self.reset()

    def _awake_index(self, awake):
        if "regret_" not in self.__dict__:
            self.reset()
        mask = _check_awake(awake, int(self.n_experts))
        return mask, np.flatnonzero(mask).astype(np.int64)

    def _weights(self, idx):
        logw, p = np.empty(idx.size), np.empty(idx.size)
        _kernels.hedge_weights(*self._kernel_args, self.regret_, self.abs_regret_, self.counts_, idx, idx.size, logw, p)
        return logw, p

    def log_weights(self, awake=None):
        """Log of the unnormalised weights; ``-inf`` for sleeping or zero-weight experts.

        {awake_parameters}

        Returns
        -------
        log_weights : ndarray of shape (n_experts,)
            Never NaN and never ``+inf``.
        """
        _, idx = self._awake_index(awake)
        out = np.full(int(self.n_experts), -np.inf)
        out[idx] = self._weights(idx)[0]
        return out

    def weights(self, awake=None):
        """Probabilities over the experts: zero for sleeping ones, summing to one.

        When every awake expert has zero weight (e.g. at the start), the
        awake experts get equal probability.

        {awake_parameters}

        Returns
        -------
        p : ndarray of shape (n_experts,)
            Probabilities.
        """
        _, idx = self._awake_index(awake)
        p = np.zeros(int(self.n_experts))
        p[idx] = self._weights(idx)[1]
        return p

    def sample(self, awake=None):
        """Draw one awake expert with the current probabilities.

        {awake_parameters}

        Returns
        -------
        expert : int
            Index of the drawn expert.
        """
        _, idx = self._awake_index(awake)
        p = self._weights(idx)[1]
        return int(idx[min(int(np.searchsorted(np.cumsum(p), self._rng.random(), side="right")), idx.size - 1)])

    def update(self, losses, awake=None):
        """Record one round of losses of the awake experts.

        Parameters
        ----------
        losses : array-like of shape (n_experts,)
            Losses (entries of sleeping experts are ignored and may be NaN).
            The guarantees assume losses in ``[0, 1]``.
        awake : array-like of bool of shape (n_experts,), default=None
            Awake experts; ``None`` means all.

        Returns
        -------
        self : SleepingExperts
            The updated object.
        """
        mask, idx = self._awake_index(awake)
        n = int(self.n_experts)
        if np.ndim(losses) == 0 and not isinstance(losses, str | bytes):
            raise TypeError(f"`losses` must be an array of shape ({n},); got a scalar {losses!r}.")
        losses = check_finite_array(losses, name="losses", allow_nan=True)
        if losses.shape != (n,):
            raise ValueError(f"`losses` must have shape ({n},); got {losses.shape}.")
        la = check_finite_array(losses[mask], name="losses", ndim=1)
        if np.abs(la).max() > 1e150:
            raise ValueError(f"`losses` must be below 1e150 in absolute value; got {np.abs(la).max():.3g}.")
        p = self._weights(idx)[1]
        _kernels.regret_update(self.regret_, self.abs_regret_, self.counts_, idx, idx.size, p, la)
        return self
