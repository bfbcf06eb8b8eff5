"""Bin edges and mergeable statistics (statlearn/calibration/_binning.py)."""

import numpy as np
import pytest

from statlearn.calibration import CalibrationStats, expected_calibration_error
from statlearn.datasets import make_miscalibrated_predictions


def test_explicit_bins_must_cover_the_unit_interval():
    y, p = np.array([0, 1, 1]), np.array([0.1, 0.5, 0.9])
    for bad in ([0.2, 0.5, 0.8], [0.0, 0.5, 0.8], [0.2, 0.5, 1.0]):
        with pytest.raises(ValueError, match=r"`bins` must cover \[0, 1\]"):
            CalibrationStats.from_predictions(y, p, bins=bad)
        with pytest.raises(ValueError, match=r"`edges` must cover \[0, 1\]"):
            CalibrationStats(bad)
    s = CalibrationStats.from_predictions(y, p, bins=[0.0, 0.5, 1.0])
    assert s.counts.tolist() == [1.0, 2.0]


def test_sum_of_stats():
    y, p, _ = make_miscalibrated_predictions(3000, random_state=0)
    parts = [CalibrationStats.from_predictions(y[k:k + 1000], p[k:k + 1000]) for k in range(0, 3000, 1000)]
    total = sum(parts)
    assert isinstance(total, CalibrationStats)
    assert abs(total.expected_calibration_error() - expected_calibration_error(y, p)) < 1e-12
    assert sum(parts[1:], parts[0]).counts.tolist() == total.counts.tolist()
    with pytest.raises(TypeError, match="CalibrationStats"):
        parts[0] + 1
