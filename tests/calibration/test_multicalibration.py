import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from statlearn.calibration import (
    MultiCalibrator,
    StandardErrorRule,
    ToleranceRule,
    brier_score,
    multicalibration_error,
)
from statlearn.calibration import _method_kernels as K
from statlearn.calibration.multicalibration import _csr_groups
from statlearn.datasets import make_multicalibration_problem
from tests.calibration import _method_oracles as O

PLAIN = dict(patch_rule=ToleranceRule(0.05), min_cell_size=0, eps=0.0)


@pytest.fixture(scope="module")
def problem():
    d = make_multicalibration_problem(12000, 6, random_state=0)
    X, y = d.data, d.target
    tr, te = slice(0, 4000), slice(4000, None)
    base = LogisticRegression().fit(X[tr], y[tr])
    return d, base, tr, te


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("alpha, z, min_weight, lo, hi, lr", [(0.05, 0.0, 0.0, 0.0, 1.0, 1.0),
                                                             (0.0, 2.5, 0.0, 0.0, 1.0, 1.0),
                                                             (0.01, 2.0, 25.0, 0.02, 0.98, 0.5)])
def test_kernel_matches_python_twin(rng, n_classes, alpha, z, min_weight, lo, hi, lr):
    n, m, nb = 3000, 5, 10
    G = rng.uniform(size=(n, m)) < [0.2, 0.3, 0.5, 0.1, 0.7]
    if n_classes == 2:
        p = rng.uniform(size=n)
        P0 = np.column_stack([1 - p, p])
        y = (rng.uniform(size=n) < np.clip(p + 0.2 * G[:, 0] - 0.25 * G[:, 1], 0, 1)).astype(np.int64)
        cols = np.array([1])
    else:
        P0 = rng.dirichlet(np.ones(3), size=n)
        T = np.clip(P0 + 0.2 * G[:, [0]] * np.array([1, -0.5, -0.5]), 0.01, None)
        y = np.array([rng.choice(3, p=t / t.sum()) for t in T])
        cols = np.arange(3)
    w = rng.uniform(0.5, 1.5, size=n)
    orders = np.array([rng.permutation(m) for _ in range(50)])
    indptr, indices = _csr_groups(G)
    P = P0.copy()
    frac = alpha / nb
    n_iter, upd = K.hkrr_fit(P, y, w, indptr, indices, cols, nb, alpha, z, frac, min_weight, 50, orders, lo, hi,
                             lr)
    P_ref, upd_ref, n_iter_ref = O.hkrr(P0, y, w, G, cols, nb, alpha, z, 50, orders, frac, min_weight, lo, hi, lr)
    assert n_iter == n_iter_ref and upd.shape == upd_ref.shape and upd.shape[0] > 3
    np.testing.assert_array_equal(upd[:, :3], upd_ref[:, :3])
    np.testing.assert_allclose(upd[:, 3], upd_ref[:, 3], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(P, P_ref, rtol=0, atol=1e-10)
    np.testing.assert_allclose(P.sum(1), 1.0, atol=1e-12)
    Q = P0.copy()
    K.hkrr_apply(Q, indptr, indices, upd, nb, lo, hi)
    np.testing.assert_allclose(Q, P, rtol=0, atol=1e-12)
    np.testing.assert_allclose(O.hkrr_apply(P0, G, upd, nb, lo, hi), P, rtol=0, atol=1e-10)


def test_rules():
    assert ToleranceRule(0.1).thresholds(7) == (0.1, 0.0)
    from scipy.stats import norm

    a, z = StandardErrorRule(level=0.1, alpha=0.01, correction="bonferroni").thresholds(40)
    assert a == 0.01 and z == pytest.approx(norm.ppf(1 - 0.1 / 80))
    assert StandardErrorRule(level=0.1).thresholds(40) == (0.0, pytest.approx(norm.ppf(0.95)))
    with pytest.raises(ValueError, match="`level`"):
        StandardErrorRule(level=1.5).thresholds(3)
    with pytest.raises(ValueError, match="patch_rule"):
        MultiCalibrator(patch_rule="strict").fit(np.full((10, 1), 0.5), np.arange(10) % 2)


def test_plain_hkrr_training_cells_meet_tolerance(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    G, y = d.groups[tr], d.target[tr]
    mc = MultiCalibrator(n_bins=10, random_state=0, **PLAIN).fit(p[:, None], y, groups=G)
    assert mc.converged_ and mc.n_iter_ >= 2 and mc.updates_.shape[0] > 0 and mc.z_ == 0.0
    before = multicalibration_error(y, p, G, n_bins=10, alpha=0.05)
    after = multicalibration_error(y, mc.predict_proba(p[:, None], groups=G)[:, 1], G, n_bins=10, alpha=0.05)
    assert before.worst_cell_error > 0.05
    assert after.worst_cell_error <= 0.05 + 1e-12


def test_calibrated_predictions_standard_error_rules_vs_plain_hkrr():
    # y ~ Bernoulli(p) exactly: every patch fits noise. 30 seeds, 12 groups of 60-600 rows.
    n_upd = {"default": 0, "bonferroni": 0, "plain": 0}
    d_loss = {"default": [], "bonferroni": [], "plain": []}
    fits_patched_bonf = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        n = 2000
        p = rng.uniform(0.05, 0.95, n)
        G = rng.uniform(size=(n, 12)) < np.linspace(0.03, 0.3, 12)
        y = (rng.uniform(size=n) < p).astype(int)
        y_te = (rng.uniform(size=n) < p).astype(int)
        for key, rule in (("default", "standard_error"), ("bonferroni", StandardErrorRule(correction="bonferroni")),
                          ("plain", ToleranceRule(0.05))):
            mc = MultiCalibrator(patch_rule=rule, random_state=seed).fit(p[:, None], y, groups=G)
            q = mc.predict_proba(p[:, None], groups=G)[:, 1]
            n_upd[key] += mc.updates_.shape[0]
            d_loss[key].append(log_loss(y_te, q) - log_loss(y_te, p))
            fits_patched_bonf += key == "bonferroni" and mc.updates_.shape[0] > 0
    # Bonferroni at 5% per pass: a patch in at most a few of 30 fits
    assert fits_patched_bonf <= 4
    # the per-cell test patches far less noise than a fixed tolerance of 0.05, and costs less log loss
    assert n_upd["default"] < 0.5 * n_upd["plain"]
    assert np.mean(d_loss["plain"]) > 0.002 and np.mean(d_loss["default"]) < 0.5 * np.mean(d_loss["plain"])
    assert np.mean(d_loss["bonferroni"]) < 0.0005


def test_held_out_group_error_drops(problem):
    d, base, tr, te = problem
    cal, test = slice(4000, 8000), slice(8000, None)
    mc = MultiCalibrator(estimator=FrozenEstimator(base), random_state=0)
    mc.fit(d.data[cal], d.target[cal], groups=d.groups[cal])
    p0 = base.predict_proba(d.data[test])[:, 1]
    p1 = mc.predict_proba(d.data[test], groups=d.groups[test])[:, 1]
    y, G = d.target[test], d.groups[test]
    e0 = multicalibration_error(y, p0, G).worst_group_ece
    e1 = multicalibration_error(y, p1, G).worst_group_ece
    assert e1 < 0.6 * e0
    assert brier_score(y, p1) < brier_score(y, p0)
    assert log_loss(y, p1) < log_loss(y, p0)


def test_multiclass_one_vs_rest(rng):
    n, k = 9000, 3
    X = rng.normal(size=(n, 2))
    G = np.column_stack([X[:, 0] > 0.5, rng.uniform(size=n) < 0.3])
    logits = np.column_stack([X[:, 0], X[:, 1], -X[:, 0]]) + 1.2 * G[:, [1]] * np.array([1.0, -1.0, 0.0])
    T = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    y = np.array([rng.choice(k, p=t) for t in T])
    base = LogisticRegression().fit(X[:3000], y[:3000])  # blind to the group effect
    mc = MultiCalibrator(FrozenEstimator(base), random_state=0).fit(X[3000:6000], y[3000:6000],
                                                                       groups=G[3000:6000])
    assert set(np.unique(mc.updates_[:, 0])) <= {0, 1, 2} and mc.updates_.shape[0] > 0
    te = slice(6000, None)
    P0, P1 = base.predict_proba(X[te]), mc.predict_proba(X[te], groups=G[te])
    np.testing.assert_allclose(P1.sum(1), 1.0)
    assert log_loss(y[te], P1) < log_loss(y[te], P0)
    for c in range(k):
        e0 = multicalibration_error(y[te] == c, P0[:, c], G[te]).worst_group_ece
        e1 = multicalibration_error(y[te] == c, P1[:, c], G[te]).worst_group_ece
        assert e1 < e0 + 0.01  # the class without a group effect (2) may move by noise only
    assert mc.updates_[:, 0].tolist().count(2) <= mc.updates_.shape[0] // 2


def test_frozen_estimator_equals_raw_probabilities(problem):
    d, base, _, te = problem
    X, y, G = d.data[te][:3000], d.target[te][:3000], d.groups[te][:3000]
    p = base.predict_proba(X)[:, 1]
    a = MultiCalibrator(FrozenEstimator(base), random_state=1).fit(X, y, groups=G)
    b = MultiCalibrator(random_state=1).fit(p[:, None], y, groups=G)
    np.testing.assert_array_equal(a.updates_, b.updates_)
    np.testing.assert_array_equal(a.predict_proba(X, groups=G), b.predict_proba(p[:, None], groups=G))
    # two columns of probabilities are read as the class probabilities
    c = MultiCalibrator(random_state=1).fit(np.column_stack([1 - p, p]), y, groups=G)
    np.testing.assert_array_equal(c.updates_, b.updates_)


def test_groups_dataframe_matched_by_name(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y = d.target[tr]
    G = pd.DataFrame(d.groups[tr], columns=[f"g{j}" for j in range(d.groups.shape[1])])
    mc = MultiCalibrator(random_state=0).fit(p[:, None], y, groups=G)
    a = mc.predict_proba(p[:, None], groups=G)
    b = mc.predict_proba(p[:, None], groups=G[G.columns[::-1]])
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="missing"):
        mc.predict_proba(p[:, None], groups=G.rename(columns={"g0": "other"}))
    assert mc.group_names_ == list(G.columns)


def test_unfitted_estimator_is_cloned_and_fitted(problem):
    d, _, tr, _ = problem
    lr = LogisticRegression()
    mc = MultiCalibrator(lr).fit(d.data[tr], d.target[tr])
    assert not hasattr(lr, "coef_") and hasattr(mc.estimator_, "coef_")


def test_sample_weight_reaches_a_pipeline_base_or_raises(problem):
    d, _, tr, _ = problem
    X, y = d.data[tr], d.target[tr]
    w = np.random.default_rng(0).uniform(0.1, 3, len(y))
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    with pytest.raises(ValueError, match="metadata routing"):
        MultiCalibrator(pipe).fit(X, y, sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        # weights given but not requested by the Pipeline's steps: scikit-learn's own routing error
        from sklearn.exceptions import UnsetMetadataPassedError

        with pytest.raises(UnsetMetadataPassedError):
            MultiCalibrator(make_pipeline(StandardScaler(), LogisticRegression())).set_fit_request(
                sample_weight=True).fit(X, y, sample_weight=w)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                             LogisticRegression().set_fit_request(sample_weight=True))
        mc = MultiCalibrator(pipe).set_fit_request(sample_weight=True).fit(X, y, sample_weight=w)
    ref = LogisticRegression().fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(mc.estimator_[-1].coef_, ref.coef_, rtol=1e-6)


def test_cross_validate_routes_groups(problem):
    d, base, tr, _ = problem
    X, y, G = d.data[tr], d.target[tr], d.groups[tr]
    cv = KFold(3, shuffle=True, random_state=0)
    mc = MultiCalibrator(FrozenEstimator(base), random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        res = cross_validate(mc, X, y, params={"groups": G}, cv=cv, return_estimator=True)
    for (trn, tst), est, score in zip(cv.split(X), res["estimator"], res["test_score"], strict=True):
        ref = MultiCalibrator(FrozenEstimator(base), random_state=0).fit(X[trn], y[trn], groups=G[trn])
        np.testing.assert_array_equal(est.updates_, ref.updates_)
        assert score == ref.score(X[tst], y[tst], groups=G[tst])


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
    mc = MultiCalibrator(n_bins=n_bins, random_state=seed, **PLAIN).fit(p[:, None], y, groups=G)
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
    assert not (mc.updates_[:, 1] == G.shape[1] - 1).any()
    assert (mc.updates_[:, 0] == 1).all()  # binary: the positive class only


def test_bad_input(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y = d.target[tr]
    with pytest.raises(ValueError, match="one probability column per class"):
        MultiCalibrator().fit(d.data[tr], y)
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        MultiCalibrator().fit((p + 1)[:, None], y)
    with pytest.raises(ValueError, match="positive-class probability of a binary"):
        MultiCalibrator().fit(p[:, None], np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="`learning_rate` must be a float in"):
        MultiCalibrator(learning_rate=0.0).fit(p[:, None], y)
    with pytest.raises(ValueError, match="`eps` must be a float in"):
        MultiCalibrator(eps=0.7).fit(p[:, None], y)
    with pytest.raises(ValueError, match="`n_bins` must be an int"):
        MultiCalibrator(n_bins=0).fit(p[:, None], y)
    with pytest.raises(ValueError, match="`groups` must have"):
        MultiCalibrator().fit(p[:, None], y, groups=np.ones((5, 2), bool))
    mc = MultiCalibrator().fit(p[:, None], y, groups=d.groups[tr])
    with pytest.raises(ValueError, match="`groups` must have 6 group column"):
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


def test_set_params_without_refit_changes_nothing(problem):
    d, base, tr, _ = problem
    p = base.predict_proba(d.data[tr])[:, 1]
    y, G = d.target[tr], d.groups[tr]
    mc = MultiCalibrator(random_state=0).fit(p[:, None], y, groups=G)
    before = mc.predict_proba(p[:, None], groups=G)
    mc.set_params(n_bins=3, eps=0.2, patch_rule="tolerance")
    np.testing.assert_array_equal(mc.predict_proba(p[:, None], groups=G), before)


def test_buckets_follow_the_module_bin_rule_on_grid_points():
    # a prediction of exactly 0.3 is in the bin [0.2, 0.3000...04) of np.linspace(0, 1, 11),
    # as for expected_calibration_error and multicalibration_error
    p = np.array([0.3, 0.3, 0.35, 0.25])
    indptr, indices = _csr_groups(np.ones((4, 1), dtype=bool))
    Q = np.column_stack([1 - p, p])
    K.hkrr_apply(Q, indptr, indices, np.array([[1.0, 0.0, 3.0, 0.1]]), 10, 0.0, 1.0)
    np.testing.assert_allclose(Q[:, 1], [0.3, 0.3, 0.45, 0.25])
    np.testing.assert_allclose(Q.sum(1), 1.0)
    Q = np.column_stack([1 - p, p])
    K.hkrr_apply(Q, indptr, indices, np.array([[1.0, 0.0, 2.0, 0.1]]), 10, 0.0, 1.0)
    np.testing.assert_allclose(Q[:, 1], [0.4, 0.4, 0.35, 0.35])


@pytest.mark.parametrize("bad, match", [
    (lambda y: np.where(y == 1, "Yes", "No"), "not among the fitted classes_"),
    (lambda y: y[:-1], "has 59 labels but `X` has 60 rows"),
    (lambda y: np.r_[np.nan, y[1:]], "`y` must be a 1-D array of class labels"),
    (lambda y: np.array([None, *y[1:]], dtype=object), "`y` must be a 1-D array of class labels"),
])
def test_score_names_y(bad, match):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    model = MultiCalibrator(LogisticRegression(), min_cell_size=5, random_state=0).fit(X, y)
    assert 0 <= model.score(X, y) <= 1
    with pytest.raises(ValueError, match=match):
        model.score(X, bad(y))
