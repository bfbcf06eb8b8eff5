"""Recalibrators against independent references (scikit-learn, statsmodels, brute force)."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from statlearn.calibration import (
    BetaCalibration,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    TemperatureScaling,
    VennAbersCalibrator,
)

ALL = [TemperatureScaling, PlattScaling, BetaCalibration, IsotonicCalibration, HistogramBinning, VennAbersCalibrator]
MULTI = [c for c in ALL if c is not VennAbersCalibrator]


class _Probe(ClassifierMixin, BaseEstimator):
    """A 'model' whose probabilities are the columns of X (binary: one column)."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        X = np.asarray(X, dtype=float)
        return np.column_stack([1 - X[:, 0], X[:, 0]]) if X.shape[1] == 1 else X

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]



class _LogitProbe(_Probe):
    def decision_function(self, X):
        return np.log(np.asarray(X)[:, 0]) - np.log1p(-np.asarray(X)[:, 0])


def _sign_change(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    z = np.log(p / (1 - p))
    q = 1 / (1 + np.exp(-(1.7 * z + 0.3)))  # over- and under-confident on either side
    return p, (rng.uniform(size=n) < q).astype(int)


def _multiclass(n=1500, k=3, seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, k)) * 2
    P = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    T = np.exp(1.6 * logits) / np.exp(1.6 * logits).sum(1, keepdims=True)
    y = np.array([rng.choice(k, p=t) for t in T])
    P = np.clip(P, 0.01, None)
    return P / P.sum(1, keepdims=True), y


# --------------------------------------------------------------------------- references
@pytest.mark.parametrize("ours_cls, method, atol", [(IsotonicCalibration, "isotonic", 1e-12),
                                                     (TemperatureScaling, "temperature", 1e-6)])
@pytest.mark.parametrize("multiclass", [False, True], ids=["binary", "multiclass"])
def test_matches_sklearn_on_frozen_probabilities(ours_cls, method, atol, multiclass):
    if multiclass:
        X, y = _multiclass()
    else:
        p, y = _sign_change()
        X = p[:, None]
    sk = CalibratedClassifierCV(FrozenEstimator(_Probe().fit(X, y)), method=method).fit(X, y)
    ours = ours_cls().fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=atol)
    if method == "temperature" and multiclass:
        # the data were generated with logits scaled by 1.6: T close to 1/1.6
        assert abs(ours.calibrators_[0].temperature_ - 1 / 1.6) < 0.1


@pytest.mark.parametrize("ensemble", [True, False])
def test_cross_fitting_matches_sklearn(ensemble):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 + rng.normal(size=600) > 0.5).astype(int)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    sk = CalibratedClassifierCV(GaussianNB(), method="isotonic", cv=cv, ensemble=ensemble).fit(X, y)
    ours = IsotonicCalibration(GaussianNB(), cv=cv, ensemble=ensemble).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-10)
    assert len(ours.estimators_) == (3 if ensemble else 1)


def test_platt_matches_sklearn_sigmoid_on_logit():
    p, y = _sign_change()
    w = np.random.default_rng(3).uniform(0.5, 2.0, p.size)
    sk = CalibratedClassifierCV(FrozenEstimator(_LogitProbe().fit(p[:, None], y)), method="sigmoid")
    sk.fit(p[:, None], y, sample_weight=w)
    ours = PlattScaling().fit(p[:, None], y, sample_weight=w)
    np.testing.assert_allclose(ours.predict_proba(p[:, None]), sk.predict_proba(p[:, None]), atol=2e-6)


def test_beta_matches_statsmodels_glm():
    sm = pytest.importorskip("statsmodels.api")
    p, y = _sign_change(4000, seed=2)
    w = np.random.default_rng(2).uniform(0.5, 2.0, p.size)
    F = np.column_stack([np.log(p), -np.log1p(-p), np.ones_like(p)])
    glm = sm.GLM(y, F, family=sm.families.Binomial(), freq_weights=w).fit()
    a, b, c = glm.params
    assert a > 0 and b > 0  # the unconstrained fit is admissible here
    m = BetaCalibration().fit(p[:, None], y, sample_weight=w).calibrators_[0].columns_[0]
    np.testing.assert_allclose([m.a_, m.b_, m.c_], [a, b, c], rtol=1e-5, atol=1e-6)


def test_beta_negative_coefficient_is_refitted_at_zero():
    # y depends on log(1 - p) only, with the "wrong" sign for a
    rng = np.random.default_rng(4)
    p = rng.uniform(0.02, 0.98, 4000)
    q = 1 / (1 + np.exp(-(-0.8 * np.log(p) - 2.0 * np.log1p(-p) - 1.0)))
    y = (rng.uniform(size=p.size) < q).astype(int)
    m = BetaCalibration().fit(p[:, None], y).calibrators_[0].columns_[0]
    assert m.a_ == 0.0 and m.b_ > 0
    # monotone map
    grid = np.linspace(0.01, 0.99, 99)
    out = m.transform_binary(grid)
    assert np.all(np.diff(out) >= -1e-12)


def test_histogram_binning_brute_force():
    p, y = _sign_change(1000)
    w = np.random.default_rng(5).uniform(0.5, 2.0, p.size)
    m = HistogramBinning(n_bins=7).fit(p[:, None], y, sample_weight=w)
    # weighted inverted-CDF quantiles, each interior edge moved half-way up to the next larger value
    order = np.argsort(p)
    cw = np.cumsum(w[order]) / w.sum()
    edges = [0.0]
    for q in np.linspace(0, 1, 8)[1:-1]:
        e = p[order][np.searchsorted(cw, q, side="left")]
        edges.append(0.5 * (e + p[p > e].min()))
    edges = np.array(edges + [1.0])
    t = np.random.default_rng(6).uniform(size=300)
    expected = []
    for v in t:
        k = min(max(np.searchsorted(edges, v, side="right") - 1, 0), 6)
        inbin = (p >= edges[k]) & ((p < edges[k + 1]) | (k == 6))
        expected.append(np.average(y[inbin], weights=w[inbin]))
    np.testing.assert_allclose(m.predict_proba(t[:, None])[:, 1], expected, atol=1e-12)


def test_histogram_uniform_empty_bin_maps_to_midpoint():
    p = np.array([0.05, 0.07, 0.95, 0.97])
    y = np.array([0, 1, 1, 1])
    m = HistogramBinning(n_bins=10, strategy="uniform").fit(p[:, None], y)
    np.testing.assert_allclose(m.predict_proba([[0.55], [0.06], [1.0]])[:, 1], [0.55, 0.5, 1.0])


def _venn_abers_brute(p_cal, y_cal, s):
    out = []
    for lab in (0, 1):
        x = np.append(p_cal, s)
        t = np.append(y_cal, lab).astype(float)
        iso = IsotonicRegression(out_of_bounds="clip").fit(x, t)
        out.append(float(iso.predict([s])[0]))
    return out


def test_venn_abers_brute_force_with_ties():
    rng = np.random.default_rng(7)
    p = np.round(rng.uniform(size=300), 2)  # many ties
    y = (rng.uniform(size=300) < p ** 0.7).astype(int)
    va = VennAbersCalibrator().fit(p[:, None], y)
    tests = np.concatenate([[0.0, 1.0, p[0], p[5]], rng.uniform(size=30)])
    iv = va.predict_interval(tests[:, None])
    for s, (lo, hi) in zip(tests, iv, strict=True):
        np.testing.assert_allclose([lo, hi], _venn_abers_brute(p, y, s), atol=1e-12)
    assert np.all(iv[:, 0] <= iv[:, 1])
    q = va.predict_proba(tests[:, None])[:, 1]
    np.testing.assert_allclose(q, iv[:, 1] / (1 - iv[:, 0] + iv[:, 1]))
    assert np.all((iv[:, 0] <= q + 1e-12) & (q <= iv[:, 1] + 1e-12))


def test_venn_abers_cross_fold_merge():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    va = VennAbersCalibrator(LogisticRegression(), cv=3).fit(X, y)
    ivs = [c.interval(np.column_stack([1 - e.predict_proba(X)[:, 1], e.predict_proba(X)[:, 1]]))
           for c, e in zip(va.calibrators_, va.estimators_, strict=True)]
    gm1 = np.exp(np.mean([np.log(b) for _, b in ivs], axis=0))
    gm0 = np.exp(np.mean([np.log(1 - a) for a, _ in ivs], axis=0))
    np.testing.assert_allclose(va.predict_proba(X)[:, 1], gm1 / (gm0 + gm1), rtol=1e-12)


def test_venn_abers_is_binary_only():
    P, y3 = _multiclass(200)
    with pytest.raises(ValueError, match="Only binary classification"):
        VennAbersCalibrator().fit(P, y3)


# --------------------------------------------------------------------------- shared behaviour
@pytest.mark.parametrize("cls", ALL)
def test_integer_weights_equal_repeated_rows(cls):
    p, y = _sign_change(600, seed=9)
    reps = np.random.default_rng(9).integers(1, 4, p.size)
    a = cls().fit(p[:, None], y, sample_weight=reps)
    b = cls().fit(np.repeat(p, reps)[:, None], np.repeat(y, reps))
    t = np.linspace(0.01, 0.99, 37)[:, None]
    np.testing.assert_allclose(a.predict_proba(t), b.predict_proba(t), atol=1e-6)


@pytest.mark.parametrize("cls", MULTI)
def test_multiclass_rows_sum_to_one_and_improve_log_loss(cls):
    from sklearn.metrics import log_loss

    P, y = _multiclass(3000, seed=10)
    P_te, y_te = _multiclass(3000, seed=11)
    m = cls().fit(P, y)
    Q = m.predict_proba(P_te)
    np.testing.assert_allclose(Q.sum(1), 1.0)
    assert log_loss(y_te, Q) < log_loss(y_te, P_te)


@pytest.mark.parametrize("cls", ALL)
def test_string_labels_and_frozen_model(cls):
    rng = np.random.default_rng(12)
    X = rng.normal(size=(500, 3))
    y = np.where(X[:, 0] + rng.normal(size=500) > 0, "yes", "no")
    base = LogisticRegression().fit(X[:250], y[:250])
    m = cls(FrozenEstimator(base)).fit(X[250:], y[250:])
    assert m.classes_.tolist() == ["no", "yes"]
    assert set(m.predict(X)) <= {"no", "yes"}
    assert m.estimators_[0] is m.estimator


def test_raw_probability_width_is_checked():
    p, y = _sign_change(200)
    with pytest.raises(ValueError, match="one probability column per class"):
        IsotonicCalibration().fit(np.column_stack([p, 1 - p, np.zeros_like(p)]), y)
    P, y3 = _multiclass(200)
    with pytest.raises(ValueError, match="positive-class probability of a binary"):
        IsotonicCalibration().fit(P[:, :1], y3)
    with pytest.raises(ValueError, match="`X`"):
        IsotonicCalibration().fit((p + 1)[:, None], y)


def test_sample_weight_not_silently_dropped_by_pipeline():
    rng = np.random.default_rng(13)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] > 0).astype(int)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    with pytest.raises(ValueError, match="metadata routing"):
        PlattScaling(pipe, cv=3).fit(X, y, sample_weight=np.ones(300))


def test_sample_weight_routed_to_pipeline_step():
    import sklearn

    rng = np.random.default_rng(14)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    w = rng.uniform(0.1, 3.0, 400)
    with sklearn.config_context(enable_metadata_routing=True):
        lr = LogisticRegression().set_fit_request(sample_weight=True)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), lr)
        m = PlattScaling(pipe, cv=2, ensemble=False).fit(X, y, sample_weight=w)
    ref = LogisticRegression().fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(m.estimators_[0][-1].coef_, ref.coef_, rtol=1e-6)


def test_predictions_use_fitted_state_only():
    p, y = _sign_change(500)
    m = HistogramBinning(n_bins=5).fit(p[:, None], y)
    before = m.predict_proba(p[:, None])
    m.set_params(n_bins=20, strategy="uniform")
    np.testing.assert_array_equal(m.predict_proba(p[:, None]), before)
