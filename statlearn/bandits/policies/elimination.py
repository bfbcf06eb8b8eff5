"""Successive elimination on losses, plain and with the burn-in blocks of weighted tallying bandits."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval

from .._kernels import elimination as _E
from ._base import CountsMixin
from ._horizon import HorizonPolicy

__all__ = ["SuccessiveElimination", "WeightedTallyingSE"]

_EXPLORATION = [Interval("real", 0, None, closed="left")]


class _Elimination(CountsMixin, HorizonPolicy):
    _kernel = "elimination"
    _state_names = ("counts", "sums", "active", "schedule")
    _schedules = True
    _unit_losses = True  # the radius sqrt(2 ln T / n) is calibrated for losses in [0, 1]
    _burn_in = 0
    _doubling = 0

    def __init__(self, arms, horizon, exploration, random_state):
        super().__init__(arms, horizon, random_state)
        self.exploration = exploration

    def _initial_state(self, k, generator):
        schedule = np.zeros(5, dtype=np.int64)
        schedule[_E.PHASE] = 1
        schedule[_E.N_ACTIVE] = k
        return np.zeros(k), np.zeros(k), np.ones(k), schedule

    def _hyper(self):
        return float(self.exploration), int(self.horizon), int(self._burn_in), int(self._doubling)

    @property
    def active_arms_(self):
        """ndarray: arms not eliminated yet (names when ``arms`` holds names)."""
        idx = np.flatnonzero(self._named("active"))
        return idx if self._labels is None else np.array([self._labels[i] for i in idx], dtype=object)

    @property
    def phase_(self):
        """int: current phase (1-based)."""
        return int(self._named("schedule")[_E.PHASE])


@fill_doc
class SuccessiveElimination(_Elimination):
    """Successive elimination without blocks (Even-Dar et al.), on losses.

    Plays the surviving arms round robin, one play each per phase; after each
    phase it drops every arm whose lower confidence bound
    ``mean - exploration * sqrt(2 ln T / n)`` exceeds the smallest upper
    confidence bound. This is the "naive" baseline of the weighted tallying
    bandit: it never lets an arm's tally saturate.

    Parameters
    ----------
    {arms_spec}
    horizon : int
        Number of rounds T (>= n_arms), used in the confidence radius; more
        updates raise.
    {exploration}
    {random_state_unused}

    Attributes
    ----------
    {active_arms_}
    counts_ : ndarray of shape (n_arms,)
        Number of losses kept per arm.
    {mean_losses_active}

    References
    ----------
    .. [1] E. Even-Dar, S. Mannor, Y. Mansour. Action elimination and stopping
       conditions for the multi-armed bandit and reinforcement learning
       problems. JMLR 7, 2006.

    Examples
    --------
    >>> from statlearn.bandits import SuccessiveElimination
    >>> policy = SuccessiveElimination(3, horizon=1000)
    >>> policy.select(), policy.active_arms_.tolist()
    (0, [0, 1, 2])
    """

    _parameter_constraints = {**HorizonPolicy._parameter_constraints, "exploration": _EXPLORATION}

    def __init__(self, arms, horizon, *, exploration=1.0, random_state=None):
        super().__init__(arms, horizon, exploration, random_state)


@fill_doc
class WeightedTallyingSE(_Elimination):
    """Successive elimination with burn-in blocks for weighted tallying bandits.

    Phase ``r = 1, 2, ...`` plays every surviving arm for ``memory_bound + 2**r``
    consecutive rounds, discards the first ``memory_bound`` losses of each block
    (while the arm's weighted tally is still building up) and keeps the last
    ``2**r``. Since ``memory_bound >= m``, every kept loss is a draw at the
    saturated tally, i.e. of the loss of repeating that arm forever, which is
    the quantity Repeated Exposure Optimality ranks arms by. After each phase
    an arm is eliminated when ``mean - rad > min_b (mean_b + rad_b)`` with
    ``rad = exploration * sqrt(2 ln T / n)``; the last survivor is played until
    the end.

    Parameters
    ----------
    {arms_spec}
    horizon : int
        Number of rounds T, used in the confidence radius; phase 1 must fit:
        ``n_arms * (memory_bound + 2) <= horizon``. More updates raise.
    memory_bound : int
        M >= 1, a known upper bound on the memory m of the environment.
    {exploration}
    {random_state_unused}

    Attributes
    ----------
    {active_arms_}
    phase_ : int
        Current phase.
    counts_ : ndarray of shape (n_arms,)
        Number of kept (post burn-in) losses per arm.
    {mean_losses_active}

    Notes
    -----
    The paper proves ``O~(sqrt(KT) + (m + M) K)`` complete policy regret under
    Repeated Exposure Optimality. Its algorithm box could not be found (see
    the user guide); the block schedule (``M + 2**r``) and the radius are a
    reconstruction from the abstract and the stated bound.

    {ref_malik}

    Examples
    --------
    >>> from statlearn.bandits import WeightedTallyingSE
    >>> policy = WeightedTallyingSE(2, horizon=1000, memory_bound=3)
    >>> plays = []
    >>> for _ in range(10):
    ...     arm = policy.select()
    ...     plays.append(arm)
    ...     _ = policy.update(arm, 0.5)
    >>> plays  # blocks of 3 + 2 plays per arm in phase 1
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    >>> policy.counts_.tolist()  # the first 3 losses of each block are discarded
    [2, 2]
    """

    _doubling = 1
    _parameter_constraints = {**HorizonPolicy._parameter_constraints,
                              "memory_bound": [Interval("integral", 1, None, closed="left")],
                              "exploration": _EXPLORATION}

    def __init__(self, arms, horizon, memory_bound, *, exploration=1.0, random_state=None):
        super().__init__(arms, horizon, exploration, random_state)
        self.memory_bound = memory_bound

    def _check_params(self, k):
        super()._check_params(k)
        need = k * (int(self.memory_bound) + 2)
        if need > self.horizon:
            raise ValueError(
                f"WeightedTallyingSE: phase 1 alone needs n_arms * (memory_bound + 2) = {need} rounds, more "
                f"than `horizon`={self.horizon}: the policy would stop before seeing every arm past its "
                "burn-in. Lower `memory_bound` or raise `horizon`.")

    def _hyper(self):
        return float(self.exploration), int(self.horizon), int(self.memory_bound), 1
