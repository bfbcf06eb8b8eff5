"""Index policies on losses: UCB1 and KL-UCB."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval

from ._base import BasePolicy, CountsMixin

__all__ = ["UCB1", "KLUCB"]


class _CountPolicy(CountsMixin, BasePolicy):
    _state_names = ("counts", "sums")

    def _initial_state(self, k, generator):
        return np.zeros(k), np.zeros(k)


@fill_doc
class UCB1(CountsMixin, BasePolicy):
    """UCB1 on losses: play the arm with the smallest lower confidence bound.

    Each arm is played once (in order); afterwards round ``t + 1`` plays
    ``argmin_a  mean_a - exploration * sqrt(2 ln t / n_a)`` with ties broken by
    the smallest index, where ``t`` counts the updates so far. Losses must lie
    in [0, 1], the range the radius is calibrated for (rescale other bounded
    losses; for Gaussian losses use :class:`GaussianThompsonSampling`).

    Parameters
    ----------
    arms : int or list of labels
        Number of arms K >= 1, or their names (``select`` then returns names
        and ``update`` takes them).
    exploration : float, default=1.0
        Multiplier of the confidence radius (``1.0`` is Auer et al.'s UCB1).
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Unused (UCB1 is deterministic); kept so that every policy takes one.

    Attributes
    ----------
    {arm_stats_}

    See Also
    --------
    KLUCB : tighter confidence bounds for losses in [0, 1].
    WeightedTallyingSE : the policy for losses that depend on recent plays.

    References
    ----------
    .. [1] P. Auer, N. Cesa-Bianchi, P. Fischer. Finite-time analysis of the
       multiarmed bandit problem. Machine Learning 47, 2002.

    Examples
    --------
    >>> from statlearn.bandits import UCB1
    >>> policy = UCB1(arms=["red", "green", "blue"])
    >>> for loss in [0.9, 0.1, 0.5]:  # each arm is played once first
    ...     _ = policy.update(policy.select(), loss)
    >>> policy.select()  # then the smallest lower confidence bound
    'green'
    """

    _kernel = "ucb1"
    _unit_losses = True
    _parameter_constraints = {**BasePolicy._parameter_constraints,
                              "exploration": [Interval("real", 0, None, closed="left")]}

    _state_names = ("stats",)

    def __init__(self, arms, *, exploration=1.0, random_state=None):
        super().__init__(arms, random_state)
        self.exploration = exploration

    def _initial_state(self, k, generator):
        return (np.zeros((4, k)),)  # rows: counts, sums, means, 1 / sqrt(counts)

    def _named(self, name):
        if name in ("counts", "sums"):
            return super()._named("stats")[("counts", "sums").index(name)]
        return super()._named(name)

    def _hyper(self):
        return (float(self.exploration),)


@fill_doc
class KLUCB(_CountPolicy):
    """KL-UCB on losses in [0, 1]: the smallest Bernoulli-KL lower confidence bound.

    Each arm is played once; then round ``t + 1`` plays the arm with the
    smallest ``min {q <= mean_a : n_a KL(mean_a, q) <= ln t + c ln ln t}``,
    where ``KL`` is the Bernoulli Kullback-Leibler divergence (``ln ln t`` is
    taken as 0 while ``ln t < 1``). The bound is solved by bisection to 1e-12.

    Parameters
    ----------
    {arms_spec}
    c : float, default=0.0
        Weight of the ``ln ln t`` term (0 is the value Garivier & Cappé
        recommend in practice; 3 is the one of their theorem).
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Unused (KL-UCB is deterministic).

    Attributes
    ----------
    {arm_stats_}

    References
    ----------
    .. [1] A. Garivier, O. Cappé. The KL-UCB algorithm for bounded stochastic
       bandits and beyond. COLT 2011.

    Examples
    --------
    >>> from statlearn.bandits import KLUCB
    >>> policy = KLUCB(2).fit([0, 0, 1, 1], [1.0, 0.0, 0.0, 0.0])
    >>> policy.select()
    1
    """

    _kernel = "klucb"
    _unit_losses = True
    _parameter_constraints = {**BasePolicy._parameter_constraints,
                              "c": [Interval("real", 0, None, closed="left")]}

    def __init__(self, arms, *, c=0.0, random_state=None):
        super().__init__(arms, random_state)
        self.c = c

    def _hyper(self):
        return (float(self.c),)
