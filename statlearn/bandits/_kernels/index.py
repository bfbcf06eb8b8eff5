"""Index policies on losses: UCB1 (state: ``stats`` rows per arm) and KL-UCB (``counts``, ``sums``)."""

import math

from numba import njit

from .common import LOSS_OUT_OF_RANGE, block_feedback, record
from .environments import tallying_step

_BISECTION_STEPS = 40


COUNTS, SUMS, MEANS, INV_SQRT_COUNTS = 0, 1, 2, 3  # rows of UCB1's ``stats`` (4, K)


@njit(cache=True, inline="always")
def ucb1_select(stats, exploration):
    """Unplayed arms first (index order), then ``argmin mean - exploration * sqrt(2 ln t / n)``.

    ``stats`` rows: counts, sums, means and ``1 / sqrt(counts)`` per arm (the last two are kept up
    to date by ``ucb1_update`` so that a round costs one log and one square root).
    """
    counts, means, inv_sqrt = stats[COUNTS], stats[MEANS], stats[INV_SQRT_COUNTS]
    t = 0.0
    for a in range(counts.shape[0]):
        if counts[a] == 0.0:
            return a
        t += counts[a]
    radius = exploration * math.sqrt(2.0 * math.log(t))
    best = 0
    best_val = math.inf
    for a in range(counts.shape[0]):
        val = means[a] - radius * inv_sqrt[a]
        if val < best_val:
            best_val = val
            best = a
    return best


@njit(cache=True, inline="always")
def ucb1_update(stats, arm, loss):
    """Add one loss to an arm's count, sum, mean and ``1 / sqrt(count)``."""
    n = stats[COUNTS, arm] + 1.0
    stats[COUNTS, arm] = n
    stats[SUMS, arm] += loss
    stats[MEANS, arm] = stats[SUMS, arm] / n
    stats[INV_SQRT_COUNTS, arm] = 1.0 / math.sqrt(n)


@njit(cache=True, inline="always")
def ucb1_update_select(stats, exploration, arm, loss):
    """``ucb1_update`` then ``ucb1_select``: one compiled call per round from Python (losses in [0, 1])."""
    if not 0.0 <= loss <= 1.0:
        return LOSS_OUT_OF_RANGE
    ucb1_update(stats, arm, loss)
    return ucb1_select(stats, exploration)


@njit(cache=True)
def ucb1_update_batch(stats, arms, losses):
    """A loop of ``ucb1_update`` over logged ``(arm, loss)`` rows."""
    for i in range(arms.shape[0]):
        ucb1_update(stats, arms[i], losses[i])


@njit(cache=True, inline="always")
def count_update(counts, sums, arm, loss):
    """Add one loss to an arm's count and sum."""
    counts[arm] += 1.0
    sums[arm] += loss


@njit(cache=True)
def count_update_batch(counts, sums, arms, losses):
    """A loop of ``count_update`` over logged ``(arm, loss)`` rows."""
    for i in range(arms.shape[0]):
        count_update(counts, sums, arms[i], losses[i])


@njit(cache=True)
def simulate_ucb1(stats0, exploration, block, burn_in, env, policy_rngs, env_rngs, record_at,
                  out_mean, out_loss, out_arm):
    """R runs of UCB1 (optionally in blocks) against a tallying environment, one per stream."""
    weights, kinds, params, noise_kind, noise_scale, history0 = env
    horizon = record_at[record_at.shape[0] - 1]
    for r in range(env_rngs.shape[0]):
        stats, history, rng = stats0.copy(), history0.copy(), env_rngs[r].copy()
        pos, bsum, cum_mean, cum_loss, j, arm = 0, 0.0, 0.0, 0.0, 0, 0
        for t in range(horizon):
            if pos == 0:
                arm = ucb1_select(stats, exploration)
            mean, loss = tallying_step(weights, kinds, params, noise_kind, noise_scale, history, rng, arm)
            pos, bsum, done, fed = block_feedback(pos, bsum, loss, block, burn_in)
            if done:
                ucb1_update(stats, arm, fed)
            cum_mean += mean
            cum_loss += loss
            j = record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


@njit(cache=True, inline="always")
def bernoulli_kl(p, q):
    """``KL(Bernoulli(p) || Bernoulli(q))`` with ``0 log 0 = 0``."""
    v = 0.0
    if p > 0.0:
        v += p * math.log(p / q) if q > 0.0 else math.inf
    if p < 1.0:
        v += (1.0 - p) * math.log((1.0 - p) / (1.0 - q)) if q < 1.0 else math.inf
    return v


@njit(cache=True, inline="always")
def klucb_lower(p, n, level):
    """``min {q in [0, p] : n KL(p, q) <= level}`` by bisection."""
    if p <= 0.0 or n * bernoulli_kl(p, 0.0) <= level:
        return 0.0
    lo, hi = 0.0, p
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if n * bernoulli_kl(p, mid) > level:
            lo = mid
        else:
            hi = mid
    return hi


@njit(cache=True, inline="always")
def klucb_select(counts, sums, c):
    """Unplayed arms first, then the smallest KL lower confidence bound at level ``ln t + c ln ln t``."""
    t = 0.0
    for a in range(counts.shape[0]):
        if counts[a] == 0.0:
            return a
        t += counts[a]
    logt = math.log(t)
    level = logt + c * math.log(max(logt, 1.0))
    best = 0
    best_val = math.inf
    for a in range(counts.shape[0]):
        val = klucb_lower(sums[a] / counts[a], counts[a], level)
        if val < best_val:
            best_val = val
            best = a
    return best


@njit(cache=True, inline="always")
def klucb_update_select(counts, sums, c, arm, loss):
    """``count_update`` then ``klucb_select``; losses must lie in [0, 1]."""
    if not 0.0 <= loss <= 1.0:
        return LOSS_OUT_OF_RANGE
    count_update(counts, sums, arm, loss)
    return klucb_select(counts, sums, c)


@njit(cache=True)
def simulate_klucb(counts0, sums0, c, block, burn_in, env, policy_rngs, env_rngs, record_at,
                   out_mean, out_loss, out_arm):
    """R runs of KL-UCB (optionally in blocks) against a tallying environment."""
    weights, kinds, params, noise_kind, noise_scale, history0 = env
    horizon = record_at[record_at.shape[0] - 1]
    for r in range(env_rngs.shape[0]):
        counts, sums, history, rng = counts0.copy(), sums0.copy(), history0.copy(), env_rngs[r].copy()
        pos, bsum, cum_mean, cum_loss, j, arm = 0, 0.0, 0.0, 0.0, 0, 0
        for t in range(horizon):
            if pos == 0:
                arm = klucb_select(counts, sums, c)
            mean, loss = tallying_step(weights, kinds, params, noise_kind, noise_scale, history, rng, arm)
            pos, bsum, done, fed = block_feedback(pos, bsum, loss, block, burn_in)
            if done:
                count_update(counts, sums, arm, fed)
            cum_mean += mean
            cum_loss += loss
            j = record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


UCB1 = {"select": ucb1_select, "update_select": ucb1_update_select, "update_batch": ucb1_update_batch,
        "simulate": simulate_ucb1}
KLUCB = {"select": klucb_select, "update_select": klucb_update_select, "update_batch": count_update_batch,
         "simulate": simulate_klucb}
