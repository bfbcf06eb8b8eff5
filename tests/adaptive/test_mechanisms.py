"""Tests of the noise mechanisms (statlearn/adaptive/mechanisms.py)."""

import math

import numpy as np
import pytest
from scipy import stats

from statlearn.adaptive import GaussianMechanism, LaplaceMechanism


# --------------------------------------------------------------------------- mechanisms
@pytest.mark.parametrize(
    "mech, dist",
    [
        (LaplaceMechanism(scale=0.02, random_state=0), stats.laplace(scale=0.02)),
        (GaussianMechanism(sigma=0.03, random_state=0), stats.norm(scale=0.03)),
    ],
)
def test_mechanism_noise_distribution_ks(mech, dist):
    values = np.random.default_rng(1).uniform(size=(50, 4000))
    answers = mech.query(values)
    noise = answers - values.mean(axis=0)
    assert stats.kstest(noise, dist.cdf).pvalue > 0.01
    # a wrong scale is rejected: the test can fail
    wrong = stats.laplace(scale=0.04) if isinstance(mech, LaplaceMechanism) else stats.norm(scale=0.045)
    assert stats.kstest(noise, wrong.cdf).pvalue < 1e-6
    assert mech.n_queries_ == 4000
    np.testing.assert_allclose(mech.empirical_means_, values.mean(axis=0))


def test_laplace_scale_is_not_std():
    mech = LaplaceMechanism(scale=0.1, random_state=3)
    noise = mech.query(np.zeros((10, 20000)))
    assert abs(noise.std() - 0.1 * math.sqrt(2)) < 0.005


@pytest.mark.parametrize("cls, kw", [(LaplaceMechanism, "scale"), (GaussianMechanism, "sigma")])
def test_mechanism_reproducible_and_reset(cls, kw):
    v = np.random.default_rng(0).uniform(size=(30, 5))
    a = cls(**{kw: 0.1}, random_state=5).query(v)
    m = cls(**{kw: 0.1}, random_state=5)
    b = m.query(v)
    np.testing.assert_array_equal(a, b)
    m.reset()
    assert m.n_queries_ == 0
    np.testing.assert_array_equal(m.query(v), a)
    assert isinstance(m.query(v[:, 0]), float)
    assert kw in repr(m)


def test_mechanism_bad_input():
    m = LaplaceMechanism(scale=0.1)
    with pytest.raises(ValueError, match=r"`values` must contain query values in \[0, 1\]"):
        m.query([0.2, 1.5])
    with pytest.raises(ValueError, match="NaN"):
        m.query([0.2, np.nan])
    # parameters are checked at first use (scikit-learn's convention), not in __init__
    with pytest.raises(ValueError, match="`scale`"):
        LaplaceMechanism(scale=-1.0).query([0.5])
    with pytest.raises(ValueError, match="`sigma`"):
        GaussianMechanism(sigma=-0.1).reset()
    m = LaplaceMechanism(scale=0.1, random_state=0)
    first = m.query([0.5])
    m.set_params(scale=0.2)  # restarts the stream with the new scale at the next query
    assert m.n_queries_ == 0
    assert m.query([0.5]) != first
