"""EXP3 on losses in [0, 1]: exponential weights with importance-weighted loss estimates."""

from __future__ import annotations

import math

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval

from .._kernels.random import new_state
from ._base import CountsOnlyMixin
from ._horizon import HorizonPolicy

__all__ = ["EXP3"]


@fill_doc
class EXP3(CountsOnlyMixin, HorizonPolicy):
    """EXP3 on losses in [0, 1] (exponential weights, importance-weighted estimates).

    Round ``t`` samples arm ``a`` with probability ``p_a ∝ exp(-learning_rate * L_a)``
    where ``L_a`` sums the estimates ``loss / p_a`` of the rounds that played ``a``.

    Parameters
    ----------
    {arms_spec}
    horizon : int
        Number of rounds T (>= n_arms) the policy is built for; more updates raise.
    learning_rate : float or None, default=None
        Step size; ``None`` uses ``sqrt(2 ln K / (K T))``.
    {random_state_policy}

    Attributes
    ----------
    {n_arms_}
    {counts_}
    probabilities_ : ndarray of shape (n_arms,)
        Current sampling probabilities.

    References
    ----------
    .. [1] P. Auer, N. Cesa-Bianchi, Y. Freund, R. E. Schapire. The nonstochastic
       multiarmed bandit problem. SIAM J. Computing 32(1), 2002.

    Examples
    --------
    >>> from statlearn.bandits import EXP3
    >>> policy = EXP3(2, horizon=100, random_state=0)
    >>> arm = policy.select()
    >>> policy.update(arm, 1.0).probabilities_[arm] < 0.5
    np.True_
    """

    _kernel = "exp3"
    _state_names = ("counts", "sums", "rng")
    _unit_losses = True
    _parameter_constraints = {**HorizonPolicy._parameter_constraints,
                              "learning_rate": [None, Interval("real", 0, None, closed="neither")]}

    def __init__(self, arms, horizon, *, learning_rate=None, random_state=None):
        super().__init__(arms, horizon, random_state)
        self.learning_rate = learning_rate

    def _initial_state(self, k, generator):
        return np.zeros(k), np.zeros(k), new_state(generator)

    def _hyper(self):
        k, t = self._n_arms, int(self.horizon)
        lr = self.learning_rate
        if lr is None:
            lr = math.sqrt(2.0 * math.log(max(k, 2)) / (k * t))
        return float(lr), t

    @property
    def probabilities_(self):
        """ndarray of shape (n_arms,): current sampling probabilities."""
        cum = self._named("sums")
        w = np.exp(-self._hyper_values[0] * (cum - cum.min()))
        return w / w.sum()
