"""Venn-Abers is discontinuous at a calibration score; last-bit noise of the base model's
probabilities (a BLAS product over another batch of rows) must not move a prediction.
scikit-learn 1.9's check_methods_subset_invariance failed on exactly this before scores
within 1e-12 were made one score."""

import numpy as np

from statlearn.calibration import VennAbersCalibrator


def test_last_bit_noise_on_a_tied_score_does_not_move_the_prediction():
    rng = np.random.default_rng(0)
    p = np.round(rng.uniform(size=300), 3)  # many exact ties with the test scores below
    y = (rng.uniform(size=300) < p).astype(int)
    va = VennAbersCalibrator().fit(p[:, None], y)
    test = p[:40]
    up, down = np.nextafter(test, 2.0), np.nextafter(test, -1.0)
    ref = va.predict_proba(test[:, None])
    np.testing.assert_array_equal(va.predict_proba(up[:, None]), ref)
    np.testing.assert_array_equal(va.predict_proba(down[:, None]), ref)
    np.testing.assert_array_equal(va.predict_interval(up[:, None]), va.predict_interval(test[:, None]))


def test_a_score_between_calibration_scores_is_still_its_own_insertion():
    """Away from ties nothing changed: a score strictly between two calibration scores (by far
    more than the tolerance) is inserted between them, giving a different interval than a tie."""
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    y = np.array([0, 1, 0, 1, 1, 1])
    va = VennAbersCalibrator().fit(p[:, None], y)
    tie, between = va.predict_interval([[0.3]]), va.predict_interval([[0.3 + 1e-6]])
    assert tie.shape == between.shape == (1, 2)
    # brute force: isotonic fits of the calibration set plus (s, 0) and plus (s, 1), value at s
    from sklearn.isotonic import IsotonicRegression

    for s, got in ((0.3, tie), (0.3 + 1e-6, between)):
        vals = [IsotonicRegression().fit(np.r_[p, s], np.r_[y, lab]).predict([s])[0] for lab in (0, 1)]
        np.testing.assert_allclose(got[0], vals, atol=1e-12)
