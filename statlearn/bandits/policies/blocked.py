"""Play a base policy's choice in blocks of consecutive rounds (mini-batching)."""

from __future__ import annotations

import copy

from statlearn._base import BaseObject
from statlearn._docstrings import fill_doc
from statlearn._validation import Interval

from ._base import BasePolicy

__all__ = ["BlockedPolicy"]


@fill_doc
class BlockedPolicy(BaseObject):
    """Play a base policy's choice for ``block_size`` consecutive rounds.

    The base policy chooses an arm at the start of each block; the block's
    losses, minus the first ``burn_in`` of them, are averaged and fed to the
    base policy as one loss. With ``EXP3`` and ``burn_in=0`` this is the
    mini-batched EXP3 of Arora, Dekel & Tewari (2012), the classical
    policy-regret baseline; with ``burn_in = block_size - 1`` only the last loss
    of each block is used.

    Parameters
    ----------
    policy : policy object
        A non-contextual statlearn policy (UCB1, KLUCB, Thompson sampling, EXP3,
        SuccessiveElimination, WeightedTallyingSE). It is copied, never modified.
        A base policy with a ``horizon`` counts blocks, not rounds.
    block_size : int
        Rounds per block, >= 1.
    burn_in : int, default=0
        Losses discarded at the start of each block, in ``[0, block_size)``.

    Attributes
    ----------
    policy_ : policy object
        The copy of ``policy`` that learns from the block means.
    counts_, mean_losses_ : ndarray of shape (n_arms,)
        The base policy's per-arm number of blocks and mean block losses.

    References
    ----------
    .. [1] R. Arora, O. Dekel, A. Tewari. Online bandit learning against an
       adaptive adversary: from regret to policy regret. ICML 2012.

    Examples
    --------
    >>> from statlearn.bandits import EXP3, BlockedPolicy
    >>> policy = BlockedPolicy(EXP3(3, horizon=300, random_state=0), block_size=4)
    >>> arms = []
    >>> for _ in range(8):
    ...     arm = policy.select()
    ...     arms.append(arm)
    ...     _ = policy.update(arm, 0.2)
    >>> len(set(arms[:4])), len(set(arms[4:]))
    (1, 1)
    """

    _parameter_constraints = {"policy": [BasePolicy],
                              "block_size": [Interval("integral", 1, None, closed="left")],
                              "burn_in": [Interval("integral", 0, None, closed="left")]}

    def __init__(self, policy, block_size, *, burn_in=0):
        self.policy = policy
        self.block_size = block_size
        self.burn_in = burn_in

    def reset(self):
        """Restart from a fresh copy of the base policy.

        {self_reset_policy}
        """
        self._validate_params()
        if self.policy._contextual:
            raise TypeError(f"BlockedPolicy: `policy` must not be contextual; got {self.policy!r}.")
        if self.burn_in >= self.block_size:
            raise ValueError(f"BlockedPolicy: `burn_in` must be < `block_size` ({self.block_size}); "
                             f"got {self.burn_in}.")
        self.policy_ = copy.deepcopy(self.policy).reset()
        self._pos, self._sum, self._arm = 0, 0.0, None
        return self

    def _after_set_params(self):
        self.__dict__.pop("policy_", None)

    def _ensure(self):
        if "policy_" not in self.__dict__:
            self.reset()

    @property
    def random_state(self):
        """The base policy's ``random_state``."""
        return self.policy.random_state

    def select(self, context=None):
        """Choose the arm to play next (the base policy's choice, held for a block).

        {context_blocked_parameters}

        Returns
        -------
        arm : int or label
            The arm of the current block.
        """
        self._ensure()
        if self._pos == 0:
            self._arm = self.policy_.select(context)
        return self._arm

    def update(self, arm, loss, context=None):
        """Feed back one round's loss; at the end of a block the base policy learns the block mean.

        Parameters
        ----------
        arm : int or label
            The arm returned by the last ``select``.
        {loss}
        {context_blocked}

        {self_updated_policy}
        """
        expected = self.select(context)
        if arm != expected:
            raise ValueError(f"`arm` must be the arm of the current block ({expected!r}); got {arm!r}.")
        loss = self.policy_._check_loss(loss)
        self._pos += 1
        if self._pos > self.burn_in:
            self._sum += loss
        if self._pos == self.block_size:
            self.policy_.update(arm, self._sum / (self.block_size - self.burn_in))
            self._pos, self._sum = 0, 0.0
        return self

    def __getattr__(self, name):
        # ``counts_`` / ``mean_losses_``: the base policy's per-arm number of blocks and mean block losses
        if name in ("counts_", "mean_losses_"):
            self._ensure()
            return getattr(self.policy_, name)
        raise AttributeError(name)
