"""Randomised policies on losses: Thompson sampling (Bernoulli, Gaussian) and EXP3.

Each carries its own random stream ``rng`` (uint64[4]) as the last state array; ``select``
consumes it, updates never do, so a batch of updates equals a loop of single updates.
"""

import math

from numba import njit

from .common import HORIZON_REACHED, LOSS_OUT_OF_RANGE, block_feedback, record
from .environments import tallying_step
from .random import beta, normal, uniform


@njit(cache=True, inline="always")
def bernoulli_ts_select(alpha, beta_, rng):
    """Draw ``theta_a ~ Beta(alpha_a, beta_a)`` for every arm; play the smallest (loss) draw."""
    best = 0
    best_val = math.inf
    for a in range(alpha.shape[0]):
        v = beta(rng, alpha[a], beta_[a])
        if v < best_val:
            best_val = v
            best = a
    return best


@njit(cache=True, inline="always")
def bernoulli_ts_update(alpha, beta_, rng, arm, loss):
    """Posterior update with a loss in [0, 1] (fractional for non-binary losses)."""
    alpha[arm] += loss
    beta_[arm] += 1.0 - loss


@njit(cache=True, inline="always")
def bernoulli_ts_update_select(alpha, beta_, rng, arm, loss):
    if not 0.0 <= loss <= 1.0:
        return LOSS_OUT_OF_RANGE
    bernoulli_ts_update(alpha, beta_, rng, arm, loss)
    return bernoulli_ts_select(alpha, beta_, rng)


@njit(cache=True)
def bernoulli_ts_update_batch(alpha, beta_, rng, arms, losses):
    for i in range(arms.shape[0]):
        bernoulli_ts_update(alpha, beta_, rng, arms[i], losses[i])


@njit(cache=True)
def simulate_bernoulli_ts(alpha0, beta0, rng0, block, burn_in, env, policy_rngs, env_rngs, record_at,
                          out_mean, out_loss, out_arm):
    weights, kinds, params, noise_kind, noise_scale, history0 = env
    horizon = record_at[record_at.shape[0] - 1]
    for r in range(env_rngs.shape[0]):
        alpha, beta_, history = alpha0.copy(), beta0.copy(), history0.copy()
        prng, erng = policy_rngs[r].copy(), env_rngs[r].copy()
        pos, bsum, cum_mean, cum_loss, j, arm = 0, 0.0, 0.0, 0.0, 0, 0
        for t in range(horizon):
            if pos == 0:
                arm = bernoulli_ts_select(alpha, beta_, prng)
            mean, loss = tallying_step(weights, kinds, params, noise_kind, noise_scale, history, erng, arm)
            pos, bsum, done, fed = block_feedback(pos, bsum, loss, block, burn_in)
            if done:
                bernoulli_ts_update(alpha, beta_, prng, arm, fed)
            cum_mean += mean
            cum_loss += loss
            j = record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


@njit(cache=True, inline="always")
def gaussian_ts_select(counts, sums, rng, scale):
    """Draw ``theta_a ~ N(S_a / (n_a + 1), scale**2 / (n_a + 1))``; play the smallest draw."""
    best = 0
    best_val = math.inf
    for a in range(counts.shape[0]):
        n1 = counts[a] + 1.0
        v = sums[a] / n1 + scale / math.sqrt(n1) * normal(rng)
        if v < best_val:
            best_val = v
            best = a
    return best


@njit(cache=True, inline="always")
def gaussian_ts_update(counts, sums, rng, arm, loss):
    counts[arm] += 1.0
    sums[arm] += loss


@njit(cache=True, inline="always")
def gaussian_ts_update_select(counts, sums, rng, scale, arm, loss):
    gaussian_ts_update(counts, sums, rng, arm, loss)
    return gaussian_ts_select(counts, sums, rng, scale)


@njit(cache=True)
def gaussian_ts_update_batch(counts, sums, rng, arms, losses):
    for i in range(arms.shape[0]):
        gaussian_ts_update(counts, sums, rng, arms[i], losses[i])


@njit(cache=True)
def simulate_gaussian_ts(counts0, sums0, rng0, scale, block, burn_in, env, policy_rngs, env_rngs, record_at,
                         out_mean, out_loss, out_arm):
    weights, kinds, params, noise_kind, noise_scale, history0 = env
    horizon = record_at[record_at.shape[0] - 1]
    for r in range(env_rngs.shape[0]):
        counts, sums, history = counts0.copy(), sums0.copy(), history0.copy()
        prng, erng = policy_rngs[r].copy(), env_rngs[r].copy()
        pos, bsum, cum_mean, cum_loss, j, arm = 0, 0.0, 0.0, 0.0, 0, 0
        for t in range(horizon):
            if pos == 0:
                arm = gaussian_ts_select(counts, sums, prng, scale)
            mean, loss = tallying_step(weights, kinds, params, noise_kind, noise_scale, history, erng, arm)
            pos, bsum, done, fed = block_feedback(pos, bsum, loss, block, burn_in)
            if done:
                gaussian_ts_update(counts, sums, prng, arm, fed)
            cum_mean += mean
            cum_loss += loss
            j = record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


@njit(cache=True, inline="always")
def exp3_probability(estimates, learning_rate, arm):
    """``p_arm`` with ``p ∝ exp(-learning_rate * (L - min L))``."""
    lo = math.inf
    for a in range(estimates.shape[0]):
        lo = min(lo, estimates[a])
    total = 0.0
    for a in range(estimates.shape[0]):
        total += math.exp(-learning_rate * (estimates[a] - lo))
    return math.exp(-learning_rate * (estimates[arm] - lo)) / total


@njit(cache=True, inline="always")
def exp3_select(counts, estimates, rng, learning_rate, horizon):
    """Sample an arm from the exponential weights by inverting one uniform."""
    u = uniform(rng)
    lo = math.inf
    for a in range(estimates.shape[0]):
        lo = min(lo, estimates[a])
    total = 0.0
    for a in range(estimates.shape[0]):
        total += math.exp(-learning_rate * (estimates[a] - lo))
    acc = 0.0
    for a in range(estimates.shape[0]):
        acc += math.exp(-learning_rate * (estimates[a] - lo)) / total
        if u < acc:
            return a
    return estimates.shape[0] - 1


@njit(cache=True, inline="always")
def exp3_update(counts, estimates, rng, learning_rate, arm, loss):
    """Importance-weighted loss estimate ``loss / p_arm`` added to the played arm."""
    estimates[arm] += loss / exp3_probability(estimates, learning_rate, arm)
    counts[arm] += 1.0


@njit(cache=True, inline="always")
def exp3_update_select(counts, estimates, rng, learning_rate, horizon, arm, loss):
    if not 0.0 <= loss <= 1.0:
        return LOSS_OUT_OF_RANGE
    if counts.sum() >= horizon:
        return HORIZON_REACHED
    exp3_update(counts, estimates, rng, learning_rate, arm, loss)
    return exp3_select(counts, estimates, rng, learning_rate, horizon)


@njit(cache=True)
def simulate_exp3(counts0, estimates0, rng0, learning_rate, horizon_, block, burn_in, env, policy_rngs, env_rngs,
                  record_at, out_mean, out_loss, out_arm):
    weights, kinds, params, noise_kind, noise_scale, history0 = env
    horizon = record_at[record_at.shape[0] - 1]
    for r in range(env_rngs.shape[0]):
        counts, estimates, history = counts0.copy(), estimates0.copy(), history0.copy()
        prng, erng = policy_rngs[r].copy(), env_rngs[r].copy()
        pos, bsum, cum_mean, cum_loss, j, arm = 0, 0.0, 0.0, 0.0, 0, 0
        for t in range(horizon):
            if pos == 0:
                arm = exp3_select(counts, estimates, prng, learning_rate, horizon_)
            mean, loss = tallying_step(weights, kinds, params, noise_kind, noise_scale, history, erng, arm)
            pos, bsum, done, fed = block_feedback(pos, bsum, loss, block, burn_in)
            if done:
                exp3_update(counts, estimates, prng, learning_rate, arm, fed)
            cum_mean += mean
            cum_loss += loss
            j = record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


BERNOULLI_TS = {"select": bernoulli_ts_select, "update_select": bernoulli_ts_update_select,
                "update_batch": bernoulli_ts_update_batch, "simulate": simulate_bernoulli_ts}
GAUSSIAN_TS = {"select": gaussian_ts_select, "update_select": gaussian_ts_update_select,
               "update_batch": gaussian_ts_update_batch, "simulate": simulate_gaussian_ts}
EXP3 = {"select": exp3_select, "update_select": exp3_update_select, "update_batch": None,
        "simulate": simulate_exp3}
