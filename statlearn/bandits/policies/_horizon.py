"""The ``horizon`` parameter shared by policies built for a known number of rounds."""

from statlearn._validation import Interval

HORIZON = [Interval("integral", 1, None, closed="left")]


def check_horizon(policy, n_arms):
    """``horizon >= n_arms`` (every arm must be playable at least once)."""
    if policy.horizon < n_arms:
        raise ValueError(f"{type(policy).__name__}: `horizon` must be >= the number of arms ({n_arms}); "
                         f"got {policy.horizon}.")
