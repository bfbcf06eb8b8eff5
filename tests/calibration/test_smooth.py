"""Smooth ECE (statlearn/calibration/smooth.py)."""

import numpy as np
import pytest

from statlearn.calibration import smooth_ece
from statlearn.datasets import make_miscalibrated_predictions


@pytest.mark.parametrize("bandwidth", [1e-9, 1e-6, 5e-5])
def test_tiny_bandwidth_raises_clearly(bandwidth):
    y, p, _ = make_miscalibrated_predictions(200, random_state=0)
    msg = r"smooth_ece: `bandwidth` must be one of \{'auto'\} or a float in \[0.0001, 1\]"
    with pytest.raises(ValueError, match=msg):
        smooth_ece(y, p, bandwidth=bandwidth)


def test_smallest_bandwidth_tends_to_per_prediction_ece():
    # with sigma far below the gaps between predictions, each prediction is its own bin
    p = np.repeat([0.2, 0.5, 0.8], 40)
    y = np.tile(np.r_[np.ones(15), np.zeros(25)], 3)  # frequency 0.375 in every bin
    expected = np.mean(np.abs([0.375 - 0.2, 0.375 - 0.5, 0.375 - 0.8]))
    assert smooth_ece(y, p, bandwidth=1e-4) == pytest.approx(expected, rel=2e-3)
