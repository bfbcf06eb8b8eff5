"""make_tallying_environment: the three instance families and REO."""

import numpy as np
import pytest

from statlearn.datasets import make_tallying_environment


@pytest.mark.parametrize("family", ["habituation", "satiation", "step"])
def test_families_satisfy_repeated_exposure_optimality(family):
    env = make_tallying_environment(family, noise="none")
    w = 0.8 ** np.arange(10)
    assert env.total_weight == pytest.approx(w.sum())
    sat = env.saturated_losses()
    assert np.argmin(sat) == 0 and sat[0] < np.min(sat[1:])
    assert env.best_repeated_arm(1000) == 0
    # a single isolated play of arm 0 is worse than the best other arm: exposure matters
    assert env.expected_loss(0) > np.min([env.expected_loss(a) for a in range(1, 5)])


def test_step_needs_nine_consecutive_plays():
    env = make_tallying_environment("step", noise="none")
    losses = [env.step(0) for _ in range(12)]
    assert losses[:8] == [1.0] * 8 and losses[8:] == [0.1] * 4
    env.step(1)
    assert env.expected_loss(0) == 1.0  # one other play breaks the streak below 0.95 W


def test_habituation_values():
    env = make_tallying_environment("habituation", noise="none")
    W = env.total_weight
    assert env.step(0) == pytest.approx(0.9 - 0.7 / W)
    assert env.repeated_play_losses(20)[0, -1] == pytest.approx(0.2)
    np.testing.assert_allclose(env.saturated_losses()[1:], [0.4, 0.5, 0.6, 0.7])


def test_bad_input():
    with pytest.raises(ValueError, match="`family`"):
        make_tallying_environment("boredom")
    with pytest.raises(ValueError, match="`n_arms`"):
        make_tallying_environment(n_arms=1)
    with pytest.raises(ValueError, match="`decay`"):
        make_tallying_environment(decay=0.0)
    with pytest.raises(ValueError, match="`memory`"):
        make_tallying_environment(memory=0)
