"""Thompson sampling on losses: Beta-Bernoulli and Gaussian posteriors."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval

from .._kernels.random import new_state
from ._base import BasePolicy, CountsMixin

__all__ = ["BernoulliThompsonSampling", "GaussianThompsonSampling"]

_POSITIVE = [Interval("real", 0, None, closed="neither")]


@fill_doc
class BernoulliThompsonSampling(BasePolicy):
    """Thompson sampling with a Beta posterior on each arm's loss probability.

    Arm ``a`` has posterior ``Beta(prior_alpha + L_a, prior_beta + n_a - L_a)``
    where ``L_a`` sums its losses (in [0, 1]; non-binary losses update the
    posterior fractionally). ``select`` draws one value per arm and plays the
    smallest.

    Parameters
    ----------
    {arms_spec}
    prior_alpha, prior_beta : float, default=1.0
        Beta prior (1, 1 is uniform).
    {random_state_policy}

    Attributes
    ----------
    {n_arms_}
    posterior_alpha_, posterior_beta_ : ndarray of shape (n_arms,)
        Current Beta posterior parameters.

    References
    ----------
    .. [1] S. Agrawal, N. Goyal. Analysis of Thompson sampling for the
       multi-armed bandit problem. COLT 2012.

    Examples
    --------
    >>> from statlearn.bandits import BernoulliThompsonSampling
    >>> policy = BernoulliThompsonSampling(2, random_state=0).fit([0] * 50 + [1] * 50, [1.0] * 50 + [0.0] * 50)
    >>> policy.select()
    1
    """

    _kernel = "bernoulli_ts"
    _state_names = ("alpha", "beta", "rng")
    _unit_losses = True
    _parameter_constraints = {**BasePolicy._parameter_constraints, "prior_alpha": _POSITIVE,
                              "prior_beta": _POSITIVE}

    def __init__(self, arms, *, prior_alpha=1.0, prior_beta=1.0, random_state=None):
        super().__init__(arms, random_state)
        self.prior_alpha = prior_alpha
        self.prior_beta = prior_beta

    def _initial_state(self, k, generator):
        return np.full(k, float(self.prior_alpha)), np.full(k, float(self.prior_beta)), new_state(generator)

    @property
    def posterior_alpha_(self):
        """ndarray of shape (n_arms,): first Beta parameter per arm."""
        return self._named("alpha").copy()

    @property
    def posterior_beta_(self):
        """ndarray of shape (n_arms,): second Beta parameter per arm."""
        return self._named("beta").copy()


@fill_doc
class GaussianThompsonSampling(CountsMixin, BasePolicy):
    """Thompson sampling for Gaussian losses with known scale.

    With prior ``N(0, scale**2)`` and noise ``N(0, scale**2)`` the posterior of
    arm ``a``'s mean loss is ``N(S_a / (n_a + 1), scale**2 / (n_a + 1))``
    (``S_a``: sum of its losses); ``select`` draws once per arm and plays the
    smallest draw.

    Parameters
    ----------
    {arms_spec}
    scale : float, default=1.0
        Noise standard deviation (and prior scale), > 0.
    {random_state_policy}

    Attributes
    ----------
    {arm_stats_}

    References
    ----------
    .. [1] S. Agrawal, N. Goyal. Further optimal regret bounds for Thompson
       sampling. AISTATS 2013.

    Examples
    --------
    >>> from statlearn.bandits import GaussianThompsonSampling
    >>> policy = GaussianThompsonSampling(2, scale=0.1, random_state=0)
    >>> policy.fit([0, 1] * 20, [0.9, 0.1] * 20).select()
    1
    """

    _kernel = "gaussian_ts"
    _state_names = ("counts", "sums", "rng")
    _parameter_constraints = {**BasePolicy._parameter_constraints, "scale": _POSITIVE}

    def __init__(self, arms, *, scale=1.0, random_state=None):
        super().__init__(arms, random_state)
        self.scale = scale

    def _initial_state(self, k, generator):
        return np.zeros(k), np.zeros(k), new_state(generator)

    def _hyper(self):
        return (float(self.scale),)
