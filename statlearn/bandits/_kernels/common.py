"""Pieces shared by the whole-loop simulators: block feedback and recording."""

from numba import njit

#: return codes of ``update_select`` kernels (a non-negative value is the next arm)
HORIZON_REACHED = -1
LOSS_OUT_OF_RANGE = -2


@njit(cache=True, inline="always")
def block_feedback(pos, block_sum, loss, block, burn_in):
    """Add one loss to the current block: returns ``(pos, block_sum, done, block_mean)``.

    A block of ``block`` rounds feeds the policy the mean of its last ``block - burn_in`` losses
    (``block = 1, burn_in = 0``: every loss is fed as it comes).
    """
    pos += 1
    if pos > burn_in:
        block_sum += loss
    if pos < block:
        return pos, block_sum, False, 0.0
    return 0, 0.0, True, block_sum / (block - burn_in)


@njit(cache=True, inline="always")
def record(out_mean, out_loss, out_arm, run, j, record_at, t, cum_mean, cum_loss, arm):
    """Write the running sums of run ``run`` if round ``t + 1`` is the next recorded round."""
    if j < record_at.shape[0] and t + 1 == record_at[j]:
        out_mean[run, j] = cum_mean
        out_loss[run, j] = cum_loss
        out_arm[run, j] = arm
        return j + 1
    return j
