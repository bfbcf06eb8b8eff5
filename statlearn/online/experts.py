"""Sleeping experts: AdaNormalHedge and hedge over the awake experts, in log space."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import check_random_state

from statlearn._validation import Interval, Options, check_finite_array, validate_params
from statlearn.online import _kernels

__all__ = ["SleepingExperts"]

_METHODS = {"adanormalhedge": 0, "hedge": 1}


def _check_awake(awake, n_experts, *, name="awake"):
    if awake is None:
        return np.ones(n_experts, dtype=bool)
    arr = np.asarray(awake)
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


class SleepingExperts:
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
    random_state : int, RandomState instance or None, default=None
        Seed of :meth:`sample`.

    Attributes
    ----------
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
    >>> import numpy as np
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
        validate_params(
            {"n_experts": n_experts, "method": method, "learning_rate": learning_rate,
             "random_state": random_state},
            self._parameter_constraints, owner="SleepingExperts",
        )
        if not np.isfinite(learning_rate):
            raise ValueError(f"`learning_rate` must be a finite float > 0; got {learning_rate!r}.")
        self.n_experts = int(n_experts)
        self.method = method
        self.learning_rate = float(learning_rate)
        self.random_state = random_state
        self.reset()

    def reset(self):
        """Forget every loss seen so far (uniform weights again).

        Returns
        -------
        self : SleepingExperts
            The reset object.
        """
        self.regret_ = np.zeros(self.n_experts)
        self.abs_regret_ = np.zeros(self.n_experts)
        self.counts_ = np.zeros(self.n_experts, dtype=np.int64)
        self._rng = check_random_state(self.random_state)
        return self

    def __repr__(self):
        return (f"SleepingExperts(n_experts={self.n_experts}, method={self.method!r}, "
                f"learning_rate={self.learning_rate!r}, random_state={self.random_state!r})")

    def log_weights(self, awake=None):
        """Log of the unnormalised weights; ``-inf`` for sleeping or zero-weight experts.

        Parameters
        ----------
        awake : array-like of bool of shape (n_experts,), default=None
            Awake experts; ``None`` means all.

        Returns
        -------
        log_weights : ndarray of shape (n_experts,)
            Never NaN and never ``+inf``.
        """
        awake = _check_awake(awake, self.n_experts)
        out = np.full(self.n_experts, -np.inf)
        idx = np.flatnonzero(awake)
        if self.method == "adanormalhedge":
            tmp = np.empty(idx.size)
            _kernels.log_weights(0, 0.0, self.regret_, self.abs_regret_, idx.astype(np.int64), idx.size, tmp)
        else:
            eta = self.learning_rate * np.sqrt(np.log(max(self.n_experts, 2)) / np.maximum(self.counts_[idx], 1))
            tmp = eta * self.regret_[idx]
        out[idx] = tmp
        return out

    def weights(self, awake=None):
        """Probabilities over the experts: zero for sleeping ones, summing to one.

        When every awake expert has zero weight (e.g. at the start), the
        awake experts get equal probability.

        Parameters
        ----------
        awake : array-like of bool of shape (n_experts,), default=None
            Awake experts; ``None`` means all.

        Returns
        -------
        p : ndarray of shape (n_experts,)
            Probabilities.
        """
        awake = _check_awake(awake, self.n_experts)
        logw = self.log_weights(awake)
        idx = np.flatnonzero(awake)
        p_awake = np.empty(idx.size)
        _kernels.normalise_log_weights(np.ascontiguousarray(logw[idx]), idx.size, p_awake)
        p = np.zeros(self.n_experts)
        p[idx] = p_awake
        return p

    def sample(self, awake=None):
        """Draw one awake expert with the current probabilities.

        Parameters
        ----------
        awake : array-like of bool of shape (n_experts,), default=None
            Awake experts; ``None`` means all.

        Returns
        -------
        expert : int
            Index of the drawn expert.
        """
        p = self.weights(awake)
        return int(self._rng.choice(self.n_experts, p=p))

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
        awake = _check_awake(awake, self.n_experts)
        if isinstance(losses, numbers.Number):
            raise TypeError(f"`losses` must be an array of shape ({self.n_experts},); got a scalar {losses!r}.")
        losses = np.asarray(losses, dtype=np.float64)
        if losses.shape != (self.n_experts,):
            raise ValueError(f"`losses` must have shape ({self.n_experts},); got {losses.shape}.")
        la = check_finite_array(losses[awake], name="losses", ndim=1)
        p = self.weights(awake)[awake]
        r = float(p @ la) - la
        self.regret_[awake] += r
        self.abs_regret_[awake] += np.abs(r)
        self.counts_[awake] += 1
        return self
