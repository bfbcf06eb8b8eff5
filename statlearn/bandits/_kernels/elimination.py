"""Successive elimination on losses, plain (blocks of 1) or with burn-in blocks (weighted tallying).

State: ``counts``, ``sums`` (kept losses per arm), ``active`` (1.0 while an arm survives) and
``schedule`` = ``[phase, current_arm, position_in_block, n_active, rounds_played]``.
Hyper-parameters: ``exploration``, ``horizon``, ``burn_in`` (the memory bound M) and
``doubling`` (1: blocks of ``M + 2**phase`` rounds; 0: blocks of one round).
"""

import math

from numba import njit

from .common import HORIZON_REACHED, LOSS_OUT_OF_RANGE, block_feedback, record
from .environments import tallying_step

PHASE, CURRENT, POSITION, N_ACTIVE, ROUNDS = 0, 1, 2, 3, 4
MAX_PHASE_EXPONENT = 40


@njit(cache=True, inline="always")
def block_length(schedule, burn_in, doubling):
    """Rounds per block in the current phase."""
    if doubling == 0:
        return 1
    return burn_in + (1 << min(schedule[PHASE], MAX_PHASE_EXPONENT))


@njit(cache=True, inline="always")
def first_active(active, start):
    for a in range(start, active.shape[0]):
        if active[a] > 0.0:
            return a
    return -1


@njit(cache=True, inline="always")
def eliminate(counts, sums, active, schedule, exploration, horizon):
    """Drop every arm whose lower bound exceeds the smallest upper bound (radius sqrt(2 ln T / n))."""
    logt = math.log(max(horizon, 2))
    best_upper = math.inf
    for a in range(active.shape[0]):
        if active[a] > 0.0 and counts[a] > 0.0:
            best_upper = min(best_upper, sums[a] / counts[a] + exploration * math.sqrt(2.0 * logt / counts[a]))
    for a in range(active.shape[0]):
        if active[a] > 0.0 and counts[a] > 0.0:
            if sums[a] / counts[a] - exploration * math.sqrt(2.0 * logt / counts[a]) > best_upper:
                active[a] = 0.0
                schedule[N_ACTIVE] -= 1


@njit(cache=True, inline="always")
def elimination_select(counts, sums, active, schedule, exploration, horizon, burn_in, doubling):
    """The arm of the current block (the last survivor once only one is left)."""
    if schedule[N_ACTIVE] == 1:
        return first_active(active, 0)
    return schedule[CURRENT]


@njit(cache=True, inline="always")
def elimination_update(counts, sums, active, schedule, exploration, horizon, burn_in, doubling, arm, loss):
    """Keep the loss after the burn-in; at the end of a block move on, at the end of a phase eliminate."""
    schedule[ROUNDS] += 1
    schedule[POSITION] += 1
    if schedule[POSITION] > burn_in:
        counts[arm] += 1.0
        sums[arm] += loss
    if schedule[N_ACTIVE] == 1 or schedule[POSITION] < block_length(schedule, burn_in, doubling):
        return
    schedule[POSITION] = 0
    nxt = first_active(active, schedule[CURRENT] + 1)
    if nxt < 0:
        eliminate(counts, sums, active, schedule, exploration, horizon)
        schedule[PHASE] += 1
        nxt = first_active(active, 0)
    schedule[CURRENT] = nxt


@njit(cache=True, inline="always")
def elimination_update_select(counts, sums, active, schedule, exploration, horizon, burn_in, doubling, arm, loss):
    if not 0.0 <= loss <= 1.0:
        return LOSS_OUT_OF_RANGE
    if schedule[ROUNDS] >= horizon:
        return HORIZON_REACHED
    elimination_update(counts, sums, active, schedule, exploration, horizon, burn_in, doubling, arm, loss)
    return elimination_select(counts, sums, active, schedule, exploration, horizon, burn_in, doubling)


@njit(cache=True)
def simulate_elimination(counts0, sums0, active0, schedule0, exploration, horizon_, burn_in, doubling,
                         block, block_burn_in, env, policy_rngs, env_rngs, record_at, out_mean, out_loss, out_arm):
    weights, kinds, params, noise_kind, noise_scale, history0 = env
    horizon = record_at[record_at.shape[0] - 1]
    for r in range(env_rngs.shape[0]):
        counts, sums, active, schedule = counts0.copy(), sums0.copy(), active0.copy(), schedule0.copy()
        history, rng = history0.copy(), env_rngs[r].copy()
        pos, bsum, cum_mean, cum_loss, j, arm = 0, 0.0, 0.0, 0.0, 0, 0
        for t in range(horizon):
            if pos == 0:
                arm = elimination_select(counts, sums, active, schedule, exploration, horizon_, burn_in, doubling)
            mean, loss = tallying_step(weights, kinds, params, noise_kind, noise_scale, history, rng, arm)
            pos, bsum, done, fed = block_feedback(pos, bsum, loss, block, block_burn_in)
            if done:
                elimination_update(counts, sums, active, schedule, exploration, horizon_, burn_in, doubling,
                                   arm, fed)
            cum_mean += mean
            cum_loss += loss
            j = record(out_mean, out_loss, out_arm, r, j, record_at, t, cum_mean, cum_loss, arm)


ELIMINATION = {"select": elimination_select, "update_select": elimination_update_select, "update_batch": None,
               "simulate": simulate_elimination}
