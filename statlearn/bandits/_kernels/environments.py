"""Environment steps: the weighted tallying bandit and the linear contextual bandit.

Tallying environment arrays: ``weights`` (m,) with ``w_1`` for the current play,
``kinds`` (K,) loss-family codes, ``params`` (K, 3) loss-family parameters and ``history``
(m - 1,) the previous plays, newest first (-1: no play). Tally convention: arm ``a`` played
now has tally ``w_1 + sum_{i=2..m} w_i 1[a was played i - 1 rounds ago]``.
"""

import math

from numba import njit

from .random import normal, uniform

LINEAR_LOSS = 0
STEP_LOSS = 1
EXPONENTIAL_LOSS = 2

NOISE_NONE = 0
NOISE_BERNOULLI = 1
NOISE_GAUSSIAN = 2


@njit(cache=True, inline="always")
def loss_value(kind, p0, p1, p2, y):
    """Mean loss ``f(y)`` of a built-in loss family at tally ``y`` (no clipping)."""
    if kind == LINEAR_LOSS:
        return p0 + p1 * y
    if kind == STEP_LOSS:
        return p0 if y < p2 else p1
    return p1 + (p0 - p1) * math.exp(-p2 * y)


@njit(cache=True, inline="always")
def tally(weights, history, arm):
    """Weighted tally of ``arm`` if it is played now."""
    y = weights[0]
    for i in range(history.shape[0]):
        if history[i] == arm:
            y += weights[i + 1]
    return y


@njit(cache=True, inline="always")
def expected_loss(weights, kinds, params, history, arm):
    """Expected loss of ``arm`` if it is played now (history unchanged)."""
    y = tally(weights, history, arm)
    return loss_value(kinds[arm], params[arm, 0], params[arm, 1], params[arm, 2], y)


@njit(cache=True, inline="always")
def tallying_step(weights, kinds, params, noise_kind, noise_scale, history, rng, arm):
    """Play ``arm``: returns ``(expected_loss, observed_loss)`` and records the play."""
    mean = expected_loss(weights, kinds, params, history, arm)
    if noise_kind == NOISE_BERNOULLI:
        loss = 1.0 if uniform(rng) < mean else 0.0
    elif noise_kind == NOISE_GAUSSIAN:
        loss = mean + noise_scale * normal(rng)
    else:
        loss = mean
    for i in range(history.shape[0] - 1, 0, -1):
        history[i] = history[i - 1]
    if history.shape[0] > 0:
        history[0] = arm
    return mean, loss


@njit(cache=True, inline="always")
def draw_context(rng, context):
    """Fill ``context`` with independent standard normal features."""
    for j in range(context.shape[0]):
        context[j] = normal(rng)


@njit(cache=True, inline="always")
def linear_means(coef, context, means):
    """Expected loss of every arm at ``context``: ``means[a] = coef[a] @ context``; returns the smallest."""
    best = math.inf
    for a in range(coef.shape[0]):
        v = 0.0
        for j in range(coef.shape[1]):
            v += coef[a, j] * context[j]
        means[a] = v
        if v < best:
            best = v
    return best


@njit(cache=True, inline="always")
def linear_observe(means, noise_scale, rng, arm):
    """Observed loss of ``arm``: its expected loss plus Gaussian noise."""
    return means[arm] + noise_scale * normal(rng)
