"""Random streams inside kernels: xoshiro256++ (Blackman & Vigna) on a 4-word uint64 state.

One stream is one ``uint64`` array of shape (4,), advanced in place, so a policy carries its
stream with its state and ``simulate`` runs R independent streams in one compiled call.
Transforms consume a fixed, documented number of draws so that a plain-Python twin fed the
same stream reproduces every number: ``uniform`` (one draw, 53 bits), ``normal`` (Box-Muller,
two uniforms, cosine branch only), ``gamma`` (Marsaglia & Tsang 2000; shape < 1 boosted with
one extra uniform), ``beta`` (two gammas).
"""

import math

import numpy as np
from numba import njit

_S17 = np.uint64(17)
_S45 = np.uint64(45)
_R23 = np.uint64(23)
_L23 = np.uint64(64 - 23)
_R45 = np.uint64(45)
_L45 = np.uint64(64 - 45)
_SH11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def next_uint64(s):
    """One xoshiro256++ output; advances ``s`` (uint64[4]) in place."""
    s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
    x = s0 + s3
    result = ((x << _R23) | (x >> _L23)) + s0
    t = s1 << _S17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _R45) | (s3 >> _L45)
    s[0], s[1], s[2], s[3] = s0, s1, s2, s3
    return result


@njit(cache=True, inline="always")
def uniform(s):
    """A float64 in [0, 1) from the top 53 bits of one draw."""
    return float(next_uint64(s) >> _SH11) * _TWO_M53


@njit(cache=True, inline="always")
def normal(s):
    """A standard normal draw (Box-Muller on two uniforms; the sine branch is discarded)."""
    u1 = 1.0 - uniform(s)  # in (0, 1]
    u2 = uniform(s)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True, inline="always")
def gamma(s, shape):
    """A Gamma(shape, 1) draw, shape > 0 (Marsaglia & Tsang's squeeze method)."""
    boost = 1.0
    if shape < 1.0:
        boost = uniform(s) ** (1.0 / shape)
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(s)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = uniform(s)
        if u < 1.0 - 0.0331 * x ** 4 or math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v * boost


@njit(cache=True, inline="always")
def beta(s, a, b):
    """A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b)."""
    x = gamma(s, a)
    y = gamma(s, b)
    return x / (x + y)


def new_state(generator):
    """A fresh stream state (uint64[4], not all zero) drawn from a numpy Generator."""
    while True:
        state = generator.integers(0, 2**64, size=4, dtype=np.uint64, endpoint=False)
        if state.any():
            return state
