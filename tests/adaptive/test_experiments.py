"""Tests of the reusable-holdout experiment and its data generator."""

import numpy as np
import pytest

from statlearn.adaptive import Thresholdout, freedman_experiment
from statlearn.datasets import make_freedman_holdout


def test_make_freedman_holdout_shapes_and_signal():
    Xt, yt, Xh, yh, Xf, yf = make_freedman_holdout(4000, 30, n_signal=3, signal_strength=0.5,
                                                    dtype=np.float32, random_state=0)
    assert Xt.shape == (4000, 30) and Xt.dtype == np.float32 and yt.dtype == np.float32
    assert set(np.unique(yt)) == {-1.0, 1.0}
    c = Xt.T @ yt / 4000
    np.testing.assert_allclose(c[:3], 0.5, atol=0.05)
    assert np.abs(c[3:]).max() < 0.08
    assert not np.allclose(Xt, Xh)
    a = make_freedman_holdout(50, 5, random_state=1)
    b = make_freedman_holdout(50, 5, random_state=1)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    with pytest.raises(ValueError, match="`n_signal`"):
        make_freedman_holdout(10, 5, n_signal=6)
    with pytest.raises(ValueError, match="`dtype`"):
        make_freedman_holdout(10, 5, dtype=int)


def test_experiment_matches_brute_force():
    data = make_freedman_holdout(300, 200, random_state=2)
    Xt, yt, Xh, yh, Xf, yf = data
    res = freedman_experiment(*data, k_values=[5, 20], thresholdout=Thresholdout(random_state=0))
    n = 300
    ct, ch = Xt.T @ yt / n, Xh.T @ yh / n
    cut = 1 / np.sqrt(n)
    for j, k in enumerate([5, 20]):
        keep = [i for i in range(200) if (ct[i] > cut and ch[i] > cut) or (ct[i] < -cut and ch[i] < -cut)]
        keep = sorted(keep, key=lambda i: -abs(ct[i]))[:k]
        w = np.zeros(200)
        w[keep] = np.sign(ct[keep])
        for X, y, key in ((Xt, yt, "train"), (Xh, yh, "holdout"), (Xf, yf, "fresh")):
            acc = np.mean(np.where(X @ w >= 0, 1, -1) == y)
            assert res["standard"][key][j] == pytest.approx(acc)


def test_experiment_bad_input():
    data = list(make_freedman_holdout(20, 5, random_state=0))
    bad = data.copy()
    bad[1] = np.zeros(20)
    with pytest.raises(ValueError, match=r"`y_train` must contain labels in \{-1, \+1\}"):
        freedman_experiment(*bad)
    bad = data.copy()
    bad[2] = bad[2][:, :3]
    with pytest.raises(ValueError, match="same number of columns"):
        freedman_experiment(*bad)
    with pytest.raises(TypeError, match="`thresholdout`"):
        freedman_experiment(*data, thresholdout=0.1)


@pytest.mark.slow
def test_reproduction_direction_over_seeds():
    # smaller than the paper (n = d = 2000) but the same ratios: threshold 4/sqrt(n), noise 1/sqrt(n)
    gaps_std, gaps_thr = [], []
    for seed in range(3):
        data = make_freedman_holdout(2000, 2000, dtype=np.float32, random_state=seed)
        res = freedman_experiment(*data, k_values=[100], random_state=seed)
        gaps_std.append(res["standard"]["holdout"][0] - res["standard"]["fresh"][0])
        gaps_thr.append(abs(res["thresholdout"]["holdout"][0] - res["thresholdout"]["fresh"][0]))
    assert min(gaps_std) > 0.05  # the standard holdout overfits on pure noise
    assert np.mean(gaps_thr) < 0.03  # Thresholdout stays close to fresh accuracy
