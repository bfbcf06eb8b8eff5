"""Labels of the calibration metrics (issue 11, section 3): `pos_label` on every binary
metric, `labels=` for multiclass, groups matched by name."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, log_loss

from statlearn.calibration import (
    CalibrationStats,
    ReliabilityDisplay,
    balance_score,
    brier_decomposition,
    brier_score,
    calibration_curve,
    expected_calibration_error,
    multicalibration_error,
    smooth_calibration_curve,
    smooth_ece,
)
from statlearn.datasets import make_miscalibrated_predictions

matplotlib.use("Agg")

BINARY = [brier_score, expected_calibration_error, smooth_ece, balance_score, calibration_curve,
          brier_decomposition]


def _value(func, y, p, **kw):
    out = func(y, p, **kw)
    if isinstance(out, tuple):
        return np.concatenate([np.ravel(o) for o in out])
    if hasattr(out, "reliability"):
        return np.array([out.brier, out.reliability, out.resolution])
    return np.array([out])


@pytest.mark.parametrize("func", BINARY)
def test_text_labels_need_pos_label(func):
    p = np.array([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="pos_label"):
        func(["No"] * 3, p)
    with pytest.raises(ValueError, match="pos_label"):
        func(["No", "Yes", "No"], p)
    np.testing.assert_array_equal(_value(func, ["No", "Yes", "No"], p, pos_label="Yes"),
                                  _value(func, [0, 1, 0], p))
    # a batch of negatives only: any other pos_label means "all negative"
    np.testing.assert_array_equal(_value(func, ["No"] * 3, p, pos_label="Yes"), _value(func, [0, 0, 0], p))


def test_brier_text_labels_value():
    p = np.array([0.1, 0.2, 0.3])
    assert brier_score(["No"] * 3, p, pos_label="Yes") == pytest.approx((0.01 + 0.04 + 0.09) / 3)
    assert brier_score(["No"] * 3, p, pos_label="Yes") == pytest.approx(
        brier_score_loss(["No"] * 3, p, pos_label="Yes"))


@pytest.mark.parametrize("func", BINARY)
def test_ones_as_the_negative_class(func):
    p = np.array([0.1, 0.2, 0.3, 0.6])
    y = np.array([1, 1, 1, 1])
    np.testing.assert_array_equal(_value(func, y, p, pos_label=2), _value(func, np.zeros(4), p))
    np.testing.assert_array_equal(_value(func, [1, 2, 1, 2], p, pos_label=1), _value(func, [1, 0, 1, 0], p))
    with pytest.raises(ValueError, match="pos_label"):
        func([1, 2, 1, 2], p)


def test_pos_label_zero_flips_the_target():
    y, p, _ = make_miscalibrated_predictions(2000, random_state=0)
    assert brier_score(y, p, pos_label=0) == pytest.approx(brier_score_loss(y, p, pos_label=0))
    assert expected_calibration_error(y, p, pos_label=0) == expected_calibration_error(1 - y, p)


def test_multicalibration_error_pos_label():
    y, p, _ = make_miscalibrated_predictions(500, random_state=0)
    G = np.column_stack([p > 0.5, p <= 0.5])
    lab = np.where(y == 1, "Yes", "No")
    with pytest.raises(ValueError, match="pos_label"):
        multicalibration_error(lab, p, G)
    a = multicalibration_error(lab, p, G, pos_label="Yes")
    b = multicalibration_error(y, p, G)
    np.testing.assert_array_equal(a.group_ece, b.group_ece)


def test_streaming_chunks_keep_pos_label():
    y, p, _ = make_miscalibrated_predictions(3000, random_state=1)
    lab = np.where(y == 1, "Yes", "No")
    lab[:1000] = "No"  # a first chunk with negatives only
    ref = expected_calibration_error((lab == "Yes").astype(int), p)
    with pytest.raises(ValueError, match="pos_label"):
        CalibrationStats.from_predictions(lab[:1000], p[:1000])
    s = CalibrationStats.from_predictions(lab[:1000], p[:1000], pos_label="Yes")
    s.update(lab[1000:2000], p[1000:2000])  # pos_label remembered
    s = s + CalibrationStats.from_predictions(lab[2000:], p[2000:], pos_label="Yes")
    assert s.pos_label == "Yes"
    assert abs(s.expected_calibration_error() - ref) < 1e-12
    with pytest.raises(ValueError, match="pos_label"):
        s + CalibrationStats.from_predictions(lab[2000:], p[2000:], pos_label="No")


def test_from_groups_encodes_labels_once():
    y, p, _ = make_miscalibrated_predictions(600, random_state=2)
    lab = np.where(y == 1, "Yes", "No")
    G = pd.DataFrame({"low": p < 0.3, "high": p >= 0.3})
    lab[p < 0.3] = "No"  # the "low" group has no positive
    y01 = (lab == "Yes").astype(int)
    with pytest.raises(ValueError, match="pos_label"):
        ReliabilityDisplay.from_groups(lab, p, G, n_bins=5)
    out = ReliabilityDisplay.from_groups(lab, p, G, n_bins=5, pos_label="Yes")
    ref = ReliabilityDisplay.from_groups(y01, p, G, n_bins=5)
    for g in ("low", "high"):
        np.testing.assert_array_equal(out[g][0].prob_true, ref[g][0].prob_true)
    assert out["low"][0].prob_true.max() == 0.0


def test_display_and_smooth_curve_pos_label():
    y, p, _ = make_miscalibrated_predictions(800, random_state=3)
    lab = np.where(y == 1, "Yes", "No")
    a = ReliabilityDisplay.from_predictions(lab, p, pos_label="Yes", n_bins=5)
    b = ReliabilityDisplay.from_predictions(y, p, n_bins=5)
    np.testing.assert_array_equal(a.prob_true, b.prob_true)
    a = smooth_calibration_curve(lab, p, pos_label="Yes", n_bootstrap=0)
    b = smooth_calibration_curve(y, p, n_bootstrap=0)
    np.testing.assert_array_equal(a.curve, b.curve)


# --------------------------------------------------------------------------- #
# multiclass labels
# --------------------------------------------------------------------------- #
def test_multiclass_labels_one_to_k_with_k_absent():
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(3), 300)
    y = rng.integers(1, 3, 300)  # labels 1, 2 of 1..3; class 3 absent
    with pytest.raises(ValueError, match="labels"):
        brier_score(y, P)
    ours = brier_score(y, P, labels=[1, 2, 3])
    assert ours == pytest.approx(brier_score_loss(y, P, labels=[1, 2, 3], scale_by_half=False), rel=1e-12)
    onehot = np.eye(3)[y - 1]
    assert ours == pytest.approx(np.mean(((P - onehot) ** 2).sum(1)), rel=1e-12)
    for target in ("top_label", "classwise"):
        with pytest.raises(ValueError, match="labels"):
            expected_calibration_error(y, P, target=target)
        a = expected_calibration_error(y, P, target=target, labels=[1, 2, 3])
        b = expected_calibration_error(y - 1, P, target=target, labels=[0, 1, 2])
        assert a == b
    with pytest.raises(ValueError, match="labels"):
        balance_score(y, P)
    assert balance_score(y, P, labels=[1, 2, 3]) == balance_score(y - 1, P, labels=[0, 1, 2])


def test_multiclass_text_labels_follow_labels_order():
    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.ones(3), 200)
    codes = rng.integers(0, 3, 200)
    names = np.array(["cat", "dog", "eel"])[codes]
    assert brier_score(names, P) == brier_score(codes, P)  # sorted distinct labels, all present
    order = ["eel", "cat", "dog"]
    assert brier_score(names, P[:, [2, 0, 1]], labels=order) == pytest.approx(brier_score(codes, P), abs=1e-15)
    with pytest.raises(ValueError, match="ant"):
        brier_score(names, P, labels=["ant", "cat", "dog"])
    assert log_loss(names, P) > 0  # scikit-learn agrees that the order is the sorted one


def test_probability_column_vector():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.1, 0.6, 0.8, 0.3])
    for func in BINARY:
        np.testing.assert_array_equal(_value(func, y, p[:, None]), _value(func, y, p))
    for target in ("top_label", "classwise"):
        assert (expected_calibration_error(y, p[:, None], target=target)
                == expected_calibration_error(y, p, target=target))
    with pytest.raises(ValueError, match="`y_prob` must be 1-D.*one column.*two"):
        calibration_curve(y, np.full((4, 3), 1 / 3))


# --------------------------------------------------------------------------- #
# groups matched by name
# --------------------------------------------------------------------------- #
def test_multicalibration_error_groups_by_name():
    y, p, _ = make_miscalibrated_predictions(900, random_state=4)
    rng = np.random.default_rng(4)
    G = pd.DataFrame({"a": rng.uniform(size=900) < 0.4, "b": rng.uniform(size=900) < 0.6})
    r1 = multicalibration_error(y, p, G)
    r2 = multicalibration_error(y, p, G[["b", "a"]])
    assert r2.group_names == ["b", "a"]
    for name in ("a", "b"):
        assert r1.group_ece[r1.group_names.index(name)] == r2.group_ece[r2.group_names.index(name)]
        assert r1.group_ece_by_name[name] == r2.group_ece_by_name[name]
    assert r1.worst_group == r2.worst_group and r1.worst_cell_error == r2.worst_cell_error
    # a categorical column expands to one group per level, named column=value
    region = pd.DataFrame({"region": rng.choice(["north", "south"], 900)})
    r3 = multicalibration_error(y, p, region)
    assert sorted(r3.group_names) == ["region=north", "region=south"]
    m = region["region"].to_numpy() == "north"
    assert r3.group_ece_by_name["region=north"] == pytest.approx(
        expected_calibration_error(y[m], p[m], n_bins=10), abs=1e-12)
    with pytest.raises(ValueError, match="groups"):
        multicalibration_error(y, p, pd.DataFrame({"region": [None] + ["x"] * 899}))
