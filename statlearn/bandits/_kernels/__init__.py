"""Numba kernels of statlearn.bandits, one module per policy family.

Every kernel is a free ``@njit(cache=True)`` function over named float64 / int64 / uint64
arrays and scalars. Each policy family owns its select / update steps and its whole-loop
simulator (``simulate_<policy>``); the Python classes pick theirs by name from
:data:`KERNELS`, so a call compiles only the policy in use.

Modules
-------
random
    xoshiro256++ streams (one 4-word uint64 state per stream), uniforms, normals, gamma, beta.
environments
    tallying (memory-dependent) and linear contextual environment steps.
index, sampling, elimination, linear
    policy steps and simulators.
"""

from . import elimination, index, linear, sampling

#: policy name -> module with ``select``/``update_select``/``update_batch``/``simulate`` kernels
KERNELS = {
    "ucb1": index.UCB1,
    "klucb": index.KLUCB,
    "bernoulli_ts": sampling.BERNOULLI_TS,
    "gaussian_ts": sampling.GAUSSIAN_TS,
    "exp3": sampling.EXP3,
    "elimination": elimination.ELIMINATION,
    "linucb": linear.LINUCB,
    "lints": linear.LINTS,
}
