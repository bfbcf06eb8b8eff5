"""The ``horizon`` parameter shared by policies built for a known number of rounds."""

from statlearn._validation import Interval

from ._base import BasePolicy

HORIZON = [Interval("integral", 1, None, closed="left")]


def check_horizon(policy, n_arms):
    """``horizon >= n_arms`` (every arm must be playable at least once)."""
    if policy.horizon < n_arms:
        raise ValueError(f"{type(policy).__name__}: `horizon` must be >= the number of arms ({n_arms}); "
                         f"got {policy.horizon}.")


class HorizonPolicy(BasePolicy):
    """A policy built for a known number of rounds ``horizon`` (>= the number of arms)."""

    _parameter_constraints = {**BasePolicy._parameter_constraints, "horizon": HORIZON}

    def __init__(self, arms, horizon, random_state):
        super().__init__(arms, random_state)
        self.horizon = horizon

    def _check_params(self, k):
        check_horizon(self, k)
