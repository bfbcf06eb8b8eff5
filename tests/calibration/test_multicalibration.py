import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from statlearn.calibration import MultiCalibrator, _kernels, brier_score, multicalibration_error
from statlearn.calibration.multicalibration import _csr_groups
from statlearn.datasets import make_multicalibration_problem
from tests.calibration import _oracles


@pytest.fixture(scope="module")
def problem():
    d = make_multicalibration_problem(12000, 6, random_state=0)
    X, y = d.data, d.target
    tr, te = slice(0, 4000), slice(4000, None)
    base = LogisticRegression().fit(X[tr], y[tr])
    return d, base, tr, te


def test_kernel_matches_python_twin(rng):
    n, m, nb = 3000, 5, 10
    p0 = rng.uniform(size=n)
    G = rng.uniform(size=(n, m)) < [0.2, 0.3, 0.5, 0.1, 0.7]
    y = (rng.uniform(size=n) < np.clip(p0 + 0.2 * G[:, 0] - 0.25 * G[:, 1], 0, 1)).astype(float)
    w = rng.uniform(0.5, 1.5, size=n)
    orders = np.array([rng.permutation(m) for _ in range(50)])
    indptr, indices = _csr_groups(G)
    p = p0.copy()
    n_iter, upd = _kernels.hkrr_fit(p, y, w, indptr, indices, nb, 0.05, 0.005, 0.0, 50, orders, 0.0, 1.0, 1.0)
    p_ref, upd_ref, n_iter_ref = _oracles.hkrr(p0, y, w, G, nb, 0.05, 50, orders)
    assert n_iter == n_iter_ref and upd.shape == upd_ref.shape and upd.shape[0] > 5
    np.testing.assert_array_equal(upd[:, :2], upd_ref[:, :2])
    np.testing.assert_allclose(upd[:, 2], upd_ref[:, 2], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p, p_ref, rtol=0, atol=1e-10)
    # replay on the training data reproduces the fitted predictions
    q = p0.copy()
    _kernels.hkrr_apply(q, indptr, indices, upd, nb, 0.0, 1.0)
    np.testing.assert_allclose(q, p, rtol=0, atol=1e-12)
    np.testing.assert_allclose(_oracles.hkrr_apply(p0, G, upd, nb), p, rtol=0, atol=1e-10)
    # minimal cell weight and projection bounds
    p = p0.copy()
    n_iter, upd = _kernels.hkrr_fit(p, y, w, indptr, indices, nb, 0.03, 0.003, 25.0, 50, orders, 0.02, 0.98, 0.5)
    p_ref, upd_ref, n_iter_ref = _oracles.hkrr(p0, y, w, G, nb, 0.03, 50, orders, 25.0, 0.02, 0.98, 0.5)
    assert n_iter == n_iter_ref and upd.shape == upd_ref.shape and upd.shape[0] > 5
    np.testing.assert_allclose(upd, upd_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p, p_ref, rtol=0, atol=1e-10)


def test_training_cells_meet_tolerance(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    G, y = d.groups[tr], d.target[tr]
    alpha = 0.05
    # pure HKRR: no minimal cell size, projection onto [0, 1]
    mc = MultiCalibrator(alpha=alpha, n_bins=10, min_cell_size=0, eps=0.0, random_state=0)
    mc.fit(p[:, None], y, groups=G)
    assert mc.converged_ and mc.n_iter_ >= 2 and mc.updates_.shape[0] > 0
    before = multicalibration_error(y, p, G, n_bins=10, alpha=alpha)
    q = mc.predict_proba(p[:, None], groups=G)[:, 1]
    after = multicalibration_error(y, q, G, n_bins=10, alpha=alpha)
    assert before.worst_cell_error > alpha
    assert after.worst_cell_error <= alpha + 1e-12
    # defaults: every cell with at least 20 rows (and the HKRR mass) meets the tolerance
    mc = MultiCalibrator(alpha=alpha, random_state=0).fit(p[:, None], y, groups=G)
    assert mc.converged_
    q = mc.predict_proba(p[:, None], groups=G)[:, 1]
    res = multicalibration_error(y, q, G, n_bins=10, alpha=alpha)
    big = res.counted & (res.cell_weight >= 20)
    assert np.nanmax(np.abs(res.cell_error[big])) <= alpha + 1e-12
    assert ((q >= 0.01) | (q == p)).all()


def test_held_out_group_error_drops(problem):
    d, base, tr, te = problem
    cal = slice(4000, 8000)
    test = slice(8000, None)
    mc = MultiCalibrator(estimator=FrozenEstimator(base), random_state=0)
    mc.fit(d.data[cal], d.target[cal], groups=d.groups[cal])
    p0 = base.predict_proba(d.data[test])[:, 1]
    p1 = mc.predict_proba(d.data[test], groups=d.groups[test])[:, 1]
    y, G = d.target[test], d.groups[test]
    e0 = multicalibration_error(y, p0, G).worst_group_ece
    e1 = multicalibration_error(y, p1, G).worst_group_ece
    assert e1 < 0.6 * e0
    assert brier_score(y, p1) < brier_score(y, p0)
    assert log_loss(y, np.clip(p1, 1e-6, 1 - 1e-6)) < log_loss(y, p0)


def test_frozen_estimator_equals_raw_probabilities(problem):
    d, base, _, te = problem
    X, y, G = d.data[te][:3000], d.target[te][:3000], d.groups[te][:3000]
    p = base.predict_proba(X)[:, 1]
    a = MultiCalibrator(FrozenEstimator(base), random_state=1).fit(X, y, groups=G)
    b = MultiCalibrator(random_state=1).fit(p[:, None], y, groups=G)
    np.testing.assert_array_equal(a.updates_, b.updates_)
    np.testing.assert_array_equal(a.predict_proba(X, groups=G), b.predict_proba(p[:, None], groups=G))
    np.testing.assert_array_equal(a.predict(X, groups=G), b.predict(p[:, None], groups=G))


def test_unfitted_estimator_is_cloned_and_fitted(problem):
    d, _, tr, _ = problem
    lr = LogisticRegression()
    mc = MultiCalibrator(lr).fit(d.data[tr], d.target[tr])
    assert not hasattr(lr, "coef_") and hasattr(mc.estimator_, "coef_")


def test_no_groups_equals_one_all_true_group(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y = d.target[tr]
    a = MultiCalibrator(random_state=0).fit(p[:, None], y)
    b = MultiCalibrator(random_state=0).fit(p[:, None], y, groups=np.ones((len(y), 1), bool))
    np.testing.assert_array_equal(a.updates_, b.updates_)
    np.testing.assert_array_equal(a.predict_proba(p[:, None]), b.predict_proba(p[:, None], groups=np.ones((len(y), 1))))
    with pytest.raises(ValueError, match="`groups` is required"):
        b.predict_proba(p[:, None])


@given(st.integers(0, 10_000), st.integers(2, 20))
def test_rows_in_no_group_never_change(seed, n_bins):
    rng = np.random.default_rng(seed)
    n = 400
    p = rng.uniform(size=n)
    G = rng.uniform(size=(n, 3)) < 0.3
    y = (rng.uniform(size=n) < np.clip(p + 0.3 * G[:, 0] - 0.3 * G[:, 1], 0, 1)).astype(int)
    mc = MultiCalibrator(alpha=0.02, n_bins=n_bins, min_cell_size=0, eps=0.0, random_state=seed)
    mc.fit(p[:, None], y, groups=G)
    q = mc.predict_proba(p[:, None], groups=G)[:, 1]
    none = ~G.any(axis=1)
    np.testing.assert_array_equal(q[none], p[none])
    assert ((q >= 0) & (q <= 1)).all()


def test_sample_weight_zero_equals_dropping_rows(problem, rng):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y, G = d.target[tr], d.groups[tr]
    w = (rng.uniform(size=len(y)) < 0.8).astype(float)
    keep = w > 0
    a = MultiCalibrator(random_state=0).fit(p[:, None], y, groups=G, sample_weight=w)
    b = MultiCalibrator(random_state=0).fit(p[keep, None], y[keep], groups=G[keep])
    np.testing.assert_allclose(a.updates_, b.updates_, rtol=1e-10, atol=1e-12)


def test_empty_group_is_skipped(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y = d.target[tr]
    G = np.column_stack([d.groups[tr], np.zeros(len(y), bool)])
    mc = MultiCalibrator(random_state=0).fit(p[:, None], y, groups=G)
    assert not (mc.updates_[:, 0] == G.shape[1] - 1).any()


def test_bad_input(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y = d.target[tr]
    with pytest.raises(ValueError, match="one column of predicted probabilities"):
        MultiCalibrator().fit(d.data[tr], y)
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        MultiCalibrator().fit((p + 1)[:, None], y)
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        MultiCalibrator().fit(p[:, None], np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="`alpha` must be a float in"):
        MultiCalibrator(alpha=0).fit(p[:, None], y)
    with pytest.raises(ValueError, match="`learning_rate` must be a float in"):
        MultiCalibrator(learning_rate=0.0).fit(p[:, None], y)
    with pytest.raises(ValueError, match="`eps` must be a float in"):
        MultiCalibrator(eps=0.7).fit(p[:, None], y)
    with pytest.raises(ValueError, match="`n_bins` must be an int"):
        MultiCalibrator(n_bins=0).fit(p[:, None], y)
    with pytest.raises(ValueError, match="`groups` must have"):
        MultiCalibrator().fit(p[:, None], y, groups=np.ones((5, 2), bool))
    mc = MultiCalibrator().fit(p[:, None], y, groups=d.groups[tr])
    with pytest.raises(ValueError, match="`groups` must have 6 column"):
        mc.predict_proba(p[:, None], groups=np.ones((len(y), 2), bool))
    with pytest.raises(NotFittedError):
        MultiCalibrator().predict_proba(p[:, None])


def test_string_labels(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y = np.where(d.target[tr] == 1, "yes", "no")
    mc = MultiCalibrator(random_state=0).fit(p[:, None], y)
    assert list(mc.classes_) == ["no", "yes"]
    assert set(mc.predict(p[:, None])) <= {"no", "yes"}


def test_buckets_follow_the_module_bin_rule_on_grid_points():
    # a prediction of exactly 0.3 is in the bin [0.2, 0.3000...04) of np.linspace(0, 1, 11),
    # as for expected_calibration_error and multicalibration_error; updates of that bucket
    # must not move it
    p = np.array([0.3, 0.3, 0.35, 0.25])
    indptr, indices = _csr_groups(np.ones((4, 1), dtype=bool))
    q = p.copy()
    _kernels.hkrr_apply(q, indptr, indices, np.array([[0.0, 3.0, 0.1]]), 10, 0.0, 1.0)
    np.testing.assert_allclose(q, [0.3, 0.3, 0.45, 0.25])
    q = p.copy()
    _kernels.hkrr_apply(q, indptr, indices, np.array([[0.0, 2.0, 0.1]]), 10, 0.0, 1.0)
    np.testing.assert_allclose(q, [0.4, 0.4, 0.35, 0.35])
