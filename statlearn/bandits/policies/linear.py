"""Contextual policies on losses with a ridge model per arm: LinUCB and linear Thompson sampling."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval

from .._checks import check_context, check_contexts
from .._kernels.random import new_state
from ._base import BasePolicy

__all__ = ["LinUCB", "LinearThompsonSampling"]

_NONNEG = [Interval("real", 0, None, closed="left")]
_POSITIVE = [Interval("real", 0, None, closed="neither")]
_N_FEATURES = [None, Interval("integral", 1, None, closed="left")]


@fill_doc
class _LinearPolicy(BasePolicy):
    _contextual = True
    _state_names = ("a_inv", "b", "theta")

    def __init__(self, arms, n_features, alpha, random_state):
        super().__init__(arms, random_state)
        self.n_features = n_features
        self.alpha = alpha

    def reset(self):  # BasePolicy.reset's docstring (inherited by help() and Sphinx)
        self._d = None
        super().reset()
        if self.n_features is not None:
            self._allocate(int(self.n_features))
        return self

    def _initial_state(self, k, generator):
        self._extra = self._extra_state(generator)  # the stream exists before the dimension is known
        return ()

    def _named(self, name):
        self._ensure()
        if name == "rng":
            return self._extra[0]
        return super()._named(name)

    def _allocate(self, d):
        k = self._n_arms
        a_inv = np.zeros((k, d, d))
        a_inv[:] = np.eye(d) / float(self.alpha)
        self._d = d
        self._state = (a_inv, np.zeros((k, d)), np.zeros((k, d))) + self._extra
        self._args = self._state + self._hyper_values

    def _extra_state(self, generator):
        return ()

    def _context(self, context, name="context"):
        self._ensure()
        x = check_context(context, self._d, owner=type(self).__name__, name=name)
        if self._d is None:
            self._allocate(x.shape[0])
        return x

    def select(self, context=None):
        """Choose the arm to play for ``context``.

        Parameters
        ----------
        context : array-like of shape (n_features,)
            Features of this round.

        Returns
        -------
        arm : int or label
            The chosen arm.
        """
        if context is None:
            raise ValueError(f"`context` is required: {type(self).__name__} is contextual.")
        x = self._context(context)
        arm = self._next = int(self._select_kernel(*self._args, x))
        return self._labels_out(arm)

    def update(self, arm, loss, context=None):
        """Feed back the loss of ``arm`` played at ``context``.

        Parameters
        ----------
        arm : int or label
            The arm that was played.
        {loss}
        context : array-like of shape (n_features,)
            The context it was played at.

        {self_updated_policy}
        """
        if context is None:
            raise ValueError(f"`context` is required: {type(self).__name__} is contextual.")
        x = self._context(context)
        self._update_kernel(*self._args, self._arm_index(arm), self._check_loss(loss), x)
        self._next = -1
        return self

    def partial_fit(self, arms, losses, contexts=None):
        """Learn from more logged decisions (equal to a loop of ``update`` calls, in one compiled call).

        {batch_parameters}
        contexts : array-like of shape (n_samples, n_features)
            The contexts they were played at.

        {self_updated_policy}
        """
        self._ensure()
        idx, values = self._check_log(arms, losses)
        x = check_contexts(contexts, idx.shape[0], self._d, owner=type(self).__name__)
        if self._d is None:
            self._allocate(x.shape[1])
        from .._kernels import KERNELS

        KERNELS[self._kernel]["update_batch"](*self._state, idx, values, x)
        return self

    @property
    def coef_(self):
        """ndarray of shape (n_arms, n_features): ridge coefficients of each arm's expected loss."""
        self._ensure()
        if self._d is None:
            raise AttributeError("coef_ exists once the policy has seen a context (or n_features is set).")
        return self._state[2].copy()


@fill_doc
class LinUCB(_LinearPolicy):
    """Disjoint LinUCB on losses: a ridge model per arm and a lower confidence bound.

    Arm ``a`` keeps ``A_a = alpha I + sum x x^T`` and ``b_a = sum loss * x`` over
    the rounds that played it; at context ``x`` the policy plays
    ``argmin_a  theta_a . x - exploration * sqrt(x^T A_a^{-1} x)`` with
    ``theta_a = A_a^{-1} b_a`` (smallest index on ties).

    Parameters
    ----------
    {arms_spec}
    {n_features}
    exploration : float, default=1.0
        Width of the confidence bound.
    {alpha}
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Unused (LinUCB is deterministic).

    Attributes
    ----------
    {n_arms_}
    coef_ : ndarray of shape (n_arms, n_features)
        Ridge coefficients per arm.

    References
    ----------
    .. [1] L. Li, W. Chu, J. Langford, R. E. Schapire. A contextual-bandit
       approach to personalized news article recommendation. WWW 2010.

    Examples
    --------
    >>> from statlearn.bandits import LinUCB
    >>> policy = LinUCB(2, exploration=0.1).fit([0, 1, 0, 1], [1.0, 0.0, 1.0, 0.0], np.ones((4, 1)))
    >>> policy.select([1.0])
    1
    """

    _kernel = "linucb"
    _parameter_constraints = {**BasePolicy._parameter_constraints, "n_features": _N_FEATURES,
                              "exploration": _NONNEG, "alpha": _POSITIVE}

    def __init__(self, arms, *, n_features=None, exploration=1.0, alpha=1.0, random_state=None):
        super().__init__(arms, n_features, alpha, random_state)
        self.exploration = exploration

    def _hyper(self):
        return (float(self.exploration),)


@fill_doc
class LinearThompsonSampling(_LinearPolicy):
    """Linear Thompson sampling on losses with a ridge posterior per arm.

    At context ``x`` it draws ``theta~_a ~ N(theta_a, scale**2 A_a^{-1})`` for
    every arm (``A_a``, ``theta_a`` as in :class:`LinUCB`) and plays
    ``argmin_a theta~_a . x``.

    Parameters
    ----------
    {arms_spec}
    {n_features}
    scale : float, default=1.0
        Posterior scale ``v`` (> 0): larger explores more.
    {alpha}
    {random_state_policy}

    Attributes
    ----------
    {n_arms_}
    coef_ : ndarray of shape (n_arms, n_features)
        Ridge coefficients (posterior means) per arm.

    References
    ----------
    .. [1] S. Agrawal, N. Goyal. Thompson sampling for contextual bandits with
       linear payoffs. ICML 2013.

    Examples
    --------
    >>> from statlearn.bandits import LinearThompsonSampling
    >>> X = np.ones((40, 1))
    >>> policy = LinearThompsonSampling(2, scale=0.01, random_state=0)
    >>> policy.fit([0, 1] * 20, [1.0, 0.0] * 20, X).select([1.0])
    1
    """

    _kernel = "lints"
    _state_names = ("a_inv", "b", "theta", "rng")
    _parameter_constraints = {**BasePolicy._parameter_constraints, "n_features": _N_FEATURES,
                              "scale": _POSITIVE, "alpha": _POSITIVE}

    def __init__(self, arms, *, n_features=None, scale=1.0, alpha=1.0, random_state=None):
        super().__init__(arms, n_features, alpha, random_state)
        self.scale = scale

    def _extra_state(self, generator):
        return (new_state(generator),)

    def _hyper(self):
        return (float(self.scale),)


