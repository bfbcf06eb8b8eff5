import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from statlearn.calibration import BoostingMultiCalibrator, multicalibration_error
from statlearn.datasets import make_multicalibration_problem


@pytest.fixture(scope="module")
def problem():
    d = make_multicalibration_problem(9000, 6, random_state=3)
    base = LogisticRegression().fit(d.data[:3000], d.target[:3000])
    return d, base


def test_offset_is_the_base_model(problem):
    # with a vanishing learning rate the booster returns the base probabilities (closed form)
    d, base = problem
    X, y, G = d.data[3000:6000], d.target[3000:6000], d.groups[3000:6000]
    bm = BoostingMultiCalibrator(FrozenEstimator(base), learning_rate=1e-15, max_iter=3, random_state=0)
    bm.fit(X, y, groups=G)
    # scikit-learn's trees read features as float32, so the offset column is rounded to float32 (a
    # relative error of 6e-8 on the log-odds)
    P0 = base.predict_proba(X)
    np.testing.assert_allclose(bm.predict_proba(X, groups=G), P0, rtol=1e-6, atol=1e-12)


def test_held_out_group_miscalibration_is_repaired(problem):
    d, base = problem
    ca, te = slice(3000, 6000), slice(6000, None)
    bm = BoostingMultiCalibrator(FrozenEstimator(base), random_state=0).fit(d.data[ca], d.target[ca],
                                                                            groups=d.groups[ca])
    p0 = base.predict_proba(d.data[te])[:, 1]
    p1 = bm.predict_proba(d.data[te], groups=d.groups[te])[:, 1]
    y, G = d.target[te], d.groups[te]
    assert log_loss(y, p1) < log_loss(y, p0) - 0.005
    assert multicalibration_error(y, p1, G).worst_group_ece < 0.7 * multicalibration_error(y, p0, G).worst_group_ece
    assert 1 <= bm.n_iter_ < 100  # early stopping chose the rounds


def test_calibrated_base_is_left_nearly_alone():
    worse = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        n = 3000
        p = rng.uniform(0.05, 0.95, 2 * n)
        G = rng.uniform(size=(2 * n, 4)) < 0.3
        y = (rng.uniform(size=2 * n) < p).astype(int)
        bm = BoostingMultiCalibrator(random_state=seed).fit(p[:n, None], y[:n], groups=G[:n])
        q = bm.predict_proba(p[n:, None], groups=G[n:])[:, 1]
        worse.append(log_loss(y[n:], q) - log_loss(y[n:], p[n:]))
    # early stopping on held-out log loss: at most a small loss from fitting noise
    assert max(worse) < 0.005 and np.mean(worse) < 0.002


def test_multiclass(rng):
    n, k = 9000, 3
    X = rng.normal(size=(n, 2))
    G = np.column_stack([rng.uniform(size=n) < 0.3, rng.uniform(size=n) < 0.5])
    logits = np.column_stack([X[:, 0], X[:, 1], -X[:, 0]]) + 1.2 * G[:, [0]] * np.array([1.0, -1.0, 0.0])
    T = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    y = np.array(["a", "b", "c"])[[rng.choice(k, p=t) for t in T]]
    base = LogisticRegression().fit(X[:3000], y[:3000])
    bm = BoostingMultiCalibrator(FrozenEstimator(base), random_state=0).fit(X[3000:6000], y[3000:6000],
                                                                            groups=G[3000:6000])
    P0, P1 = base.predict_proba(X[6000:]), bm.predict_proba(X[6000:], groups=G[6000:])
    np.testing.assert_allclose(P1.sum(1), 1.0)
    assert log_loss(y[6000:], P1, labels=bm.classes_) < log_loss(y[6000:], P0, labels=bm.classes_) - 0.01
    assert set(bm.predict(X[:10], groups=G[:10])) <= {"a", "b", "c"}


def test_frozen_without_features_equals_raw_probabilities(problem):
    d, base = problem
    X, y, G = d.data[3000:6000], d.target[3000:6000], d.groups[3000:6000]
    p = base.predict_proba(X)[:, 1]
    a = BoostingMultiCalibrator(FrozenEstimator(base), use_features=False, random_state=0).fit(X, y, groups=G)
    b = BoostingMultiCalibrator(random_state=0).fit(p[:, None], y, groups=G)
    np.testing.assert_allclose(a.predict_proba(X, groups=G), b.predict_proba(p[:, None], groups=G), atol=1e-12)


def test_groups_by_name_and_routing(problem):
    d, base = problem
    X, y = d.data[3000:6000], d.target[3000:6000]
    G = pd.DataFrame(d.groups[3000:6000], columns=[f"g{j}" for j in range(d.groups.shape[1])])
    bm = BoostingMultiCalibrator(FrozenEstimator(base), max_iter=20, random_state=0).fit(X, y, groups=G)
    np.testing.assert_array_equal(bm.predict_proba(X, groups=G), bm.predict_proba(X, groups=G[G.columns[::-1]]))
    with pytest.raises(ValueError, match="missing"):
        bm.predict_proba(X, groups=G.drop(columns="g1"))
    with pytest.raises(ValueError, match="`groups` is required"):
        bm.predict_proba(X)
    cv = KFold(3, shuffle=True, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        res = cross_validate(BoostingMultiCalibrator(FrozenEstimator(base), max_iter=20, random_state=0), X, y,
                             params={"groups": G}, cv=cv, return_estimator=True)
    for (trn, _), est in zip(cv.split(X), res["estimator"], strict=True):
        ref = BoostingMultiCalibrator(FrozenEstimator(base), max_iter=20, random_state=0)
        ref.fit(X[trn], y[trn], groups=G.iloc[trn])
        np.testing.assert_allclose(est.predict_proba(X, groups=G), ref.predict_proba(X, groups=G))


def test_sample_weight_reaches_a_pipeline_base_or_raises(problem):
    d, _ = problem
    X, y = d.data[:2000], d.target[:2000]
    w = np.random.default_rng(0).uniform(0.1, 3, len(y))
    with pytest.raises(ValueError, match="metadata routing"):
        BoostingMultiCalibrator(make_pipeline(StandardScaler(), LogisticRegression())).fit(X, y, sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                             LogisticRegression().set_fit_request(sample_weight=True))
        bm = BoostingMultiCalibrator(pipe, max_iter=5).set_fit_request(sample_weight=True)
        bm.fit(X, y, sample_weight=w)
    ref = LogisticRegression().fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(bm.estimator_[-1].coef_, ref.coef_, rtol=1e-6)


def test_bad_input(problem):
    d, base = problem
    X, y = d.data[:500], d.target[:500]
    Xs = pd.DataFrame({"a": ["x"] * 500, "b": X[:, 0]})
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["a"]), remainder="passthrough"),
                         LogisticRegression())
    with pytest.raises(ValueError, match="use_features=False"):
        BoostingMultiCalibrator(pipe).fit(Xs, y)
    BoostingMultiCalibrator(pipe, use_features=False, max_iter=3).fit(Xs, y)
    with pytest.raises(ValueError, match="one probability column per class"):
        BoostingMultiCalibrator().fit(X, y)
    with pytest.raises(ValueError, match="`learning_rate`"):
        BoostingMultiCalibrator(learning_rate=0).fit(X[:, :1] * 0 + 0.5, y)
