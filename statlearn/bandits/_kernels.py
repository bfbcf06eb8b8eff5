"""Numba kernels of statlearn.bandits: policy steps, environment steps and the whole-loop simulator.

Every kernel works on plain int64/float64 arrays. A policy is two arrays (two, not four,
because each array argument costs time when Python calls a compiled function):

``ip`` (int64 parameters, then state)
    ``[kind, n_arms, horizon, memory_bound, block_size, burn_in]``, then the ``IS_*``
    scalars, then ``counts[n_arms]``, then ``active[n_arms]``
``fp`` (float64 parameters, then state)
    ``[exploration, learning_rate]``, then ``FS_*`` scalars, then ``sums[n_arms]``,
    ``cum_loss_estimates[n_arms]``, ``probs[n_arms]``

An environment is described by ``eip = [n_arms, memory, noise_kind, loss_kind[n_arms]...]``,
``efp = [noise_scale, weights[memory]..., loss_params[n_arms * 3]...]`` and a ring buffer
``hist = [position, arm_{t-1}, ..., arm_{t-m+1}]`` of the last plays.

The Python policy and environment classes call the same step kernels, so the whole-loop
simulator and a Python loop are equal step for step when they are fed the same random numbers.
Kernels import only numpy, numba and math. Helpers are inlined at the numba IR level
(``inline="always"``): without it, calls two levels deep cost ~100 ns each on numba 0.6x.
"""

import math

import numpy as np
from numba import njit

# policy kinds
UCB1_KIND = 0
WTB_KIND = 1
SE_KIND = 2
EXP3_KIND = 3

# int parameter slots
IP_KIND, IP_NARMS, IP_HORIZON, IP_MEMORY, IP_BLOCK, IP_BURN = 0, 1, 2, 3, 4, 5
N_IP = 6
# float parameter slots
FP_EXPLORATION, FP_LR = 0, 1
N_FP = 2
# int state slots (after the int parameters, in the same array)
IS_T, IS_PHASE, IS_CUR, IS_POS, IS_BPOS, IS_BARM, IS_NACTIVE = (N_IP + i for i in range(7))
N_IS = N_IP + 7  # per-arm int state starts here
# float state slots (after the float parameters, in the same array)
FS_BSUM = N_FP
N_FS = N_FP + 1  # per-arm float state starts here

# loss-function kinds
LINEAR_LOSS = 0
STEP_LOSS = 1
EXPONENTIAL_LOSS = 2
# noise kinds
NOISE_NONE = 0
NOISE_BERNOULLI = 1
NOISE_GAUSSIAN = 2

MAX_PHASE_EXPONENT = 40


@njit(cache=True, inline="always")
def init_policy_state(ip, fp):
    """Reset the state part of a policy's arrays in place (parameters are kept)."""
    k = ip[IP_NARMS]
    ip[N_IP:] = 0
    fp[N_FP:] = 0.0
    ip[IS_PHASE] = 1
    ip[IS_NACTIVE] = k
    for a in range(k):
        ip[N_IS + k + a] = 1
    # EXP3 starts uniform
    for a in range(k):
        fp[N_FS + 2 * k + a] = 1.0 / k


@njit(cache=True, inline="always")
def _ucb1_select(ip, fp):
    k = ip[IP_NARMS]
    for a in range(k):
        if ip[N_IS + a] == 0:
            return a
    logt = math.log(ip[IS_T])
    best = 0
    best_val = np.inf
    for a in range(k):
        n = ip[N_IS + a]
        val = fp[N_FS + a] / n - fp[FP_EXPLORATION] * math.sqrt(2.0 * logt / n)
        if val < best_val:
            best_val = val
            best = a
    return best


@njit(cache=True, inline="always")
def _exp3_probs(ip, fp):
    k = ip[IP_NARMS]
    lo = np.inf
    for a in range(k):
        if fp[N_FS + k + a] < lo:
            lo = fp[N_FS + k + a]
    total = 0.0
    for a in range(k):
        w = math.exp(-fp[FP_LR] * (fp[N_FS + k + a] - lo))
        fp[N_FS + 2 * k + a] = w
        total += w
    for a in range(k):
        fp[N_FS + 2 * k + a] /= total


@njit(cache=True, inline="always")
def _exp3_select(ip, fp, u):
    k = ip[IP_NARMS]
    _exp3_probs(ip, fp)
    acc = 0.0
    for a in range(k):
        acc += fp[N_FS + 2 * k + a]
        if u < acc:
            return a
    return k - 1


@njit(cache=True, inline="always")
def _block_length(ip):
    if ip[IP_KIND] == SE_KIND:
        return 1
    r = ip[IS_PHASE]
    if r > MAX_PHASE_EXPONENT:
        r = MAX_PHASE_EXPONENT
    return ip[IP_MEMORY] + (1 << r)


@njit(cache=True, inline="always")
def _eliminate(ip, fp):
    k = ip[IP_NARMS]
    logt = math.log(max(ip[IP_HORIZON], 2))
    best_upper = np.inf
    for a in range(k):
        if ip[N_IS + k + a] == 1 and ip[N_IS + a] > 0:
            n = ip[N_IS + a]
            up = fp[N_FS + a] / n + fp[FP_EXPLORATION] * math.sqrt(2.0 * logt / n)
            if up < best_upper:
                best_upper = up
    for a in range(k):
        if ip[N_IS + k + a] == 1 and ip[N_IS + a] > 0:
            n = ip[N_IS + a]
            low = fp[N_FS + a] / n - fp[FP_EXPLORATION] * math.sqrt(2.0 * logt / n)
            if low > best_upper:
                ip[N_IS + k + a] = 0
                ip[IS_NACTIVE] -= 1


@njit(cache=True, inline="always")
def _first_active(ip, start):
    k = ip[IP_NARMS]
    for a in range(start, k):
        if ip[N_IS + k + a] == 1:
            return a
    return -1


@njit(cache=True, inline="always")
def _se_select(ip):
    if ip[IS_NACTIVE] == 1:
        return _first_active(ip, 0)
    return ip[IS_CUR]


@njit(cache=True, inline="always")
def _se_update(ip, fp, arm, loss):
    ip[IS_T] += 1
    ip[IS_POS] += 1
    if ip[IS_POS] > ip[IP_MEMORY]:
        ip[N_IS + arm] += 1
        fp[N_FS + arm] += loss
    if ip[IS_NACTIVE] == 1:
        return
    if ip[IS_POS] >= _block_length(ip):
        ip[IS_POS] = 0
        nxt = _first_active(ip, ip[IS_CUR] + 1)
        if nxt < 0:  # end of a phase: eliminate, double the block
            _eliminate(ip, fp)
            ip[IS_PHASE] += 1
            nxt = _first_active(ip, 0)
        ip[IS_CUR] = nxt


@njit(cache=True, inline="always")
def _ucb1_update(ip, fp, arm, loss):
    ip[IS_T] += 1
    ip[N_IS + arm] += 1
    fp[N_FS + arm] += loss


@njit(cache=True, inline="always")
def _exp3_update(ip, fp, arm, loss):
    k = ip[IP_NARMS]
    ip[IS_T] += 1
    ip[N_IS + arm] += 1
    fp[N_FS + arm] += loss
    _exp3_probs(ip, fp)
    fp[N_FS + k + arm] += loss / fp[N_FS + 2 * k + arm]


@njit(cache=True, inline="always")
def _base_select(ip, fp, u):
    kind = ip[IP_KIND]
    if kind == UCB1_KIND:
        return _ucb1_select(ip, fp)
    if kind == EXP3_KIND:
        return _exp3_select(ip, fp, u)
    return _se_select(ip)


@njit(cache=True, inline="always")
def _base_update(ip, fp, arm, loss):
    kind = ip[IP_KIND]
    if kind == UCB1_KIND:
        _ucb1_update(ip, fp, arm, loss)
    elif kind == EXP3_KIND:
        _exp3_update(ip, fp, arm, loss)
    else:
        _se_update(ip, fp, arm, loss)


@njit(cache=True, inline="always")
def policy_select(ip, fp, u):
    """Arm chosen by the policy; ``u`` is one uniform draw in [0, 1) (always consumed)."""
    if ip[IP_BLOCK] <= 1:
        return _base_select(ip, fp, u)
    if ip[IS_BPOS] == 0:
        ip[IS_BARM] = _base_select(ip, fp, u)
    return ip[IS_BARM]


@njit(cache=True, inline="always")
def policy_update(ip, fp, arm, loss):
    """Feed the loss of ``arm`` back to the policy (blocked policies aggregate per block)."""
    block = ip[IP_BLOCK]
    if block <= 1:
        _base_update(ip, fp, arm, loss)
        return
    ip[IS_BPOS] += 1
    if ip[IS_BPOS] > ip[IP_BURN]:
        fp[FS_BSUM] += loss
    if ip[IS_BPOS] >= block:
        _base_update(ip, fp, arm, fp[FS_BSUM] / (block - ip[IP_BURN]))
        ip[IS_BPOS] = 0
        fp[FS_BSUM] = 0.0


@njit(cache=True, inline="always")
def policy_update_select(ip, fp, arm, loss, u):
    """``policy_update`` then ``policy_select(u)``: one compiled call per round from Python."""
    policy_update(ip, fp, arm, loss)
    return policy_select(ip, fp, u)


@njit(cache=True, inline="always")
def loss_value(kind, p0, p1, p2, y):
    """Mean loss ``f(y)`` of one of the built-in loss families at tally ``y``."""
    if kind == LINEAR_LOSS:
        v = p0 + p1 * y
    elif kind == STEP_LOSS:
        v = p0 if y < p2 else p1
    else:
        v = p1 + (p0 - p1) * math.exp(-p2 * y)
    if v < 0.0:
        return 0.0
    if v > 1.0:
        return 1.0
    return v


@njit(cache=True, inline="always")
def env_tally(eip, efp, hist, arm):
    """Weighted tally of ``arm`` if it is played now: ``w_1 + sum_{i>=2} w_i 1[arm played i-1 rounds ago]``."""
    m = eip[1]
    y = efp[1]
    if m > 1:
        pos = hist[0]
        for i in range(1, m):
            # the play i rounds ago lives at ring slot (pos - i) mod (m - 1)
            slot = pos - i
            if slot < 0:
                slot += m - 1
            if hist[1 + slot] == arm:
                y += efp[1 + i]
    return y


@njit(cache=True, inline="always")
def env_mean(eip, efp, hist, arm):
    """Expected loss of ``arm`` if it is played now."""
    m = eip[1]
    y = env_tally(eip, efp, hist, arm)
    base = 1 + m + 3 * arm
    return loss_value(eip[3 + arm], efp[base], efp[base + 1], efp[base + 2], y)


@njit(cache=True, inline="always")
def env_step(eip, efp, hist, arm, noise):
    """Play ``arm``: returns ``(mean_loss, observed_loss)`` and records the play."""
    mean = env_mean(eip, efp, hist, arm)
    kind = eip[2]
    if kind == NOISE_BERNOULLI:
        loss = 1.0 if noise < mean else 0.0
    elif kind == NOISE_GAUSSIAN:
        loss = mean + efp[0] * noise
    else:
        loss = mean
    m = eip[1]
    if m > 1:
        pos = hist[0]
        hist[1 + pos] = arm
        pos += 1
        if pos >= m - 1:
            pos = 0
        hist[0] = pos
    return mean, loss


@njit(cache=True)
def _loop_ucb1(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means):
    for t in range(arms.shape[0]):
        a = _ucb1_select(ip, fp)
        mean, loss = env_step(eip, efp, hist, a, noise[t])
        _ucb1_update(ip, fp, a, loss)
        arms[t] = a
        losses[t] = loss
        means[t] = mean


@njit(cache=True)
def _loop_exp3(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means):
    for t in range(arms.shape[0]):
        a = _exp3_select(ip, fp, u_policy[t])
        mean, loss = env_step(eip, efp, hist, a, noise[t])
        _exp3_update(ip, fp, a, loss)
        arms[t] = a
        losses[t] = loss
        means[t] = mean


@njit(cache=True)
def _loop_elimination(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means):
    for t in range(arms.shape[0]):
        a = _se_select(ip)
        mean, loss = env_step(eip, efp, hist, a, noise[t])
        _se_update(ip, fp, a, loss)
        arms[t] = a
        losses[t] = loss
        means[t] = mean


@njit(cache=True)
def _loop_generic(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means):
    for t in range(arms.shape[0]):
        a = policy_select(ip, fp, u_policy[t])
        mean, loss = env_step(eip, efp, hist, a, noise[t])
        policy_update(ip, fp, a, loss)
        arms[t] = a
        losses[t] = loss
        means[t] = mean


@njit(cache=True)
def simulate_loop(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means):
    """Run ``len(arms)`` rounds of policy against environment; fills ``arms``, ``losses``, ``means``.

    Unblocked policies run a loop specialised to their kind (the generic loop, which
    branches on the kind every round, is several times slower); every loop calls the
    same step functions as the per-call Python methods.
    """
    kind = ip[IP_KIND]
    if ip[IP_BLOCK] > 1:
        _loop_generic(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means)
    elif kind == UCB1_KIND:
        _loop_ucb1(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means)
    elif kind == EXP3_KIND:
        _loop_exp3(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means)
    else:
        _loop_elimination(ip, fp, eip, efp, hist, u_policy, noise, arms, losses, means)
