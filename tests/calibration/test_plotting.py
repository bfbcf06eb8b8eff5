import matplotlib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from statlearn.calibration import MultiCalibrator, ReliabilityDisplay, calibration_curve, smooth_calibration_curve
from statlearn.datasets import make_miscalibrated_predictions

matplotlib.use("Agg")


def test_from_predictions_matches_calibration_curve():
    y, p, q = make_miscalibrated_predictions(3000, random_state=0)
    disp = ReliabilityDisplay.from_predictions(y, p, n_bins=12, strategy="quantile", smooth=True,
                                               n_bootstrap=30, random_state=0, name="model")
    pt, pp, c = calibration_curve(y, p, n_bins=12, strategy="quantile", return_counts=True)
    np.testing.assert_array_equal(disp.prob_true, pt)
    np.testing.assert_array_equal(disp.counts, c)
    s = disp.smooth
    assert (s["lower"] <= s["curve"] + 1e-12).all() and (s["curve"] <= s["upper"] + 1e-12).all()
    # the smoothed curve follows the true calibration map q(p) = expit(1.6 logit p + 0.2)
    t = s["t"][(s["t"] > 0.15) & (s["t"] < 0.7)]
    curve = s["curve"][(s["t"] > 0.15) & (s["t"] < 0.7)]
    truth = 1 / (1 + np.exp(-(1.6 * np.log(t / (1 - t)) + 0.2)))
    assert np.max(np.abs(curve - truth)) < 0.08
    assert disp.ax_.get_xlabel() == "mean predicted probability"
    assert disp.figure_ is disp.ax_.figure


def test_from_estimator_and_groups():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 3))
    y = (rng.uniform(size=600) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    lr = LogisticRegression().fit(X, y)
    disp = ReliabilityDisplay.from_estimator(lr, X, y, n_bins=5)
    assert disp.line_.get_label() == "LogisticRegression"
    G = np.column_stack([X[:, 1] > 0, X[:, 1] <= 0, np.zeros(600, bool)])
    p = lr.predict_proba(X)[:, 1]
    mc = MultiCalibrator(random_state=0).fit(p[:, None], y, groups=G)
    out = ReliabilityDisplay.from_groups(y, {"base": p, "after": mc.predict_proba(p[:, None], groups=G)[:, 1]}, G,
                                         n_bins=5)
    assert list(out) == ["group_0", "group_1", "group_2"]
    assert len(out["group_0"]) == 2 and out["group_2"] == []
    with pytest.raises(TypeError, match="predict_proba"):
        ReliabilityDisplay.from_estimator(object(), X, y)


def test_display_draws_the_public_smooth_curve():
    y, p, _ = make_miscalibrated_predictions(2000, random_state=1)
    disp = ReliabilityDisplay.from_predictions(y, p, smooth=True, n_bootstrap=15, random_state=3)
    res = smooth_calibration_curve(y, p, n_bootstrap=15, random_state=3)
    for key in ("t", "curve", "lower", "upper"):
        np.testing.assert_array_equal(disp.smooth[key], res[key])
    assert disp.smooth["bandwidth"] == res.bandwidth
    none = smooth_calibration_curve(y, p, n_bootstrap=0, bandwidth=0.05)
    np.testing.assert_array_equal(none.lower, none.curve)
    with pytest.raises(ValueError, match="n_bootstrap"):
        smooth_calibration_curve(y, p, n_bootstrap=-1)


def test_bin_bands_and_estimator_labels():
    from statlearn.calibration import calibration_curve_ci

    rng = np.random.default_rng(1)
    X = rng.normal(size=(800, 2))
    lab = np.where(rng.uniform(size=800) < 1 / (1 + np.exp(-X[:, 0])), "Yes", "No")
    lr = LogisticRegression().fit(X, lab)
    disp = ReliabilityDisplay.from_estimator(lr, X, lab, n_bins=6)
    p = lr.predict_proba(X)[:, 1]
    ref = calibration_curve_ci((lab == "Yes").astype(int), p, n_bins=6)
    np.testing.assert_array_equal(disp.prob_true_lower, ref.lower)
    assert ((disp.prob_true_lower <= disp.prob_true) & (disp.prob_true <= disp.prob_true_upper)).all()
    # pos_label="No" reads the other column and flips the target
    neg = ReliabilityDisplay.from_estimator(lr, X, lab, n_bins=6, pos_label="No")
    ref_neg = calibration_curve_ci((lab == "No").astype(int), 1 - p, n_bins=6)
    np.testing.assert_allclose(neg.prob_true, ref_neg.prob_true)
    with pytest.raises(ValueError, match="`y` has labels"):
        ReliabilityDisplay.from_estimator(lr, X, np.where(lab == "Yes", "Yes", "Maybe"))
    with pytest.raises(ValueError, match="`pos_label`"):
        ReliabilityDisplay.from_estimator(lr, X, lab, pos_label="Maybe")
    with pytest.raises(ValueError, match="Inconsistent"):
        ReliabilityDisplay.from_estimator(lr, X, lab[:-1])
    none = ReliabilityDisplay.from_predictions((lab == "Yes").astype(int), p, ci=False)
    assert none.prob_true_lower is None


def test_from_groups_checks_each_model():
    y = np.array([0, 1, 1, 0, 1, 0])
    p = np.array([0.1, 0.8, 0.6, 0.3, 0.9, 0.4])
    G = np.array([[1, 0], [1, 0], [1, 1], [0, 1], [0, 1], [0, 1]], dtype=bool)
    with pytest.raises(ValueError, match=r"`y_prob\['after'\]` has 5"):
        ReliabilityDisplay.from_groups(y, {"before": p, "after": p[:5]}, G, n_bins=2)
    with pytest.raises(ValueError, match="y_prob"):
        ReliabilityDisplay.from_groups(y, 0.5, G, n_bins=2)
