"""The kernels' random streams: xoshiro256++ against its published definition, transforms against scipy."""

import numpy as np
import pytest
from numba import njit
from scipy import stats

from statlearn.bandits._kernels import random as R
from tests.bandits import _oracles as O


@njit(cache=True)
def _draw(kind, state, n, a, b):
    out = np.empty(n)
    for i in range(n):
        if kind == 0:
            out[i] = R.uniform(state)
        elif kind == 1:
            out[i] = R.normal(state)
        elif kind == 2:
            out[i] = R.gamma(state, a)
        else:
            out[i] = R.beta(state, a, b)
    return out


def test_xoshiro_first_output_by_hand_and_twin():
    state = np.array([1, 2, 3, 4], dtype=np.uint64)
    # rotl(s0 + s3, 23) + s0 = rotl(5, 23) + 1 = 5 * 2**23 + 1
    assert int(R.next_uint64(state.copy())) == 5 * 2**23 + 1
    twin, s = O.Stream([1, 2, 3, 4]), state.copy()
    assert [int(R.next_uint64(s)) for _ in range(1000)] == [twin.next() for _ in range(1000)]


@pytest.mark.parametrize("kind, a, b, law", [
    (0, 0, 0, stats.uniform()), (1, 0, 0, stats.norm()), (2, 0.4, 0, stats.gamma(0.4)),
    (2, 3.5, 0, stats.gamma(3.5)), (3, 2.0, 0.5, stats.beta(2.0, 0.5))])
def test_transforms_follow_their_laws_and_the_twin(kind, a, b, law):
    state = R.new_state(np.random.default_rng(kind))
    twin = O.Stream(state.copy())
    draws = _draw(kind, state, 20_000, float(a), float(b))  # one signature: one compile
    assert stats.kstest(draws, law.cdf).pvalue > 1e-3
    method = [twin.uniform, twin.normal, lambda: twin.gamma(a), lambda: twin.beta(a, b)][kind]
    np.testing.assert_allclose(draws[:300], [method() for _ in range(300)], rtol=1e-12, atol=1e-15)


def test_new_state_is_reproducible_and_nonzero():
    a = R.new_state(np.random.default_rng(0))
    assert a.dtype == np.uint64 and a.any()
    np.testing.assert_array_equal(a, R.new_state(np.random.default_rng(0)))
