"""CV+ and split calibration of a QuantileAggregator reuse its out-of-fold fits (issue 13.2)."""

import pickle

import numpy as np
import pytest
from scipy.optimize import linprog
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from statlearn._base import check_generator
from statlearn.datasets import make_heteroscedastic_quantile
from statlearn.quantile import (
    ConformalQuantileRegressor,
    LinearQuantileRegressor,
    MultiQuantileRegressor,
    QuantileAggregator,
    coverage,
    crossing_rate,
)
from tests.quantile import _oracles

Q3 = np.array([0.1, 0.5, 0.9])
Q5 = np.array([0.05, 0.1, 0.5, 0.9, 0.95])
FITS = []  # one entry per fit of a counting base model


class CountingLinear(LinearQuantileRegressor):
    """LinearQuantileRegressor that records every fit (and its number of rows)."""

    def fit(self, X, y, sample_weight=None):
        FITS.append(np.shape(X)[0])
        return super().fit(X, y, sample_weight=sample_weight)


def _hgb(seed=0, max_iter=15):
    return HistGradientBoostingRegressor(loss="quantile", max_iter=max_iter, max_leaf_nodes=7, random_state=seed)


def _aggregator(q, weights="medium", local=None, cv=4, seed=0, **kw):
    return QuantileAggregator([("lin", LinearQuantileRegressor(quantiles=q)), ("hgb", MultiQuantileRegressor(
        _hgb(seed), quantiles=q))], quantiles=q, weights=weights, local=local, cv=cv, random_state=seed,
        max_leaf_nodes=2, min_samples_leaf=0.3, **kw)


def _pinball_objective(A, y, tau, w):
    r = y - A @ w
    return float(np.sum(np.maximum(tau * r, (tau - 1.0) * r)))


def _simplex_lp(A, y, tau):
    """min sum pinball(y - A w) over the simplex, by an independent dense linprog formulation."""
    R, d = A.shape
    c = np.concatenate([np.zeros(d), tau, 1.0 - tau])
    A_eq = np.vstack([np.hstack([A, np.eye(R), -np.eye(R)]), np.concatenate([np.ones(d), np.zeros(2 * R)])])
    b_eq = np.concatenate([y, [1.0]])
    res = linprog(c, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert res.status == 0
    return res.fun


def _check_fold_weights(w, Z, y, q, weights):
    """``w`` is optimal on (Z, y): its pinball objective equals an independent LP's optimum."""
    n, p, m = Z.shape
    if weights == "coarse":
        A, yy, tau = Z.transpose(0, 2, 1).reshape(n * m, p), np.repeat(y, m), np.tile(q, n)
        problems = [(A, yy, tau, w)]
    elif weights == "medium":
        problems = [(Z[:, :, k], y, np.full(n, q[k]), w[:, k]) for k in range(m)]
    else:
        problems = [(Z.reshape(n, p * m), y, np.full(n, q[k]), w[:, :, k].ravel()) for k in range(m)]
    for A, yy, tau, wk in problems:
        assert np.all(wk >= -1e-9) and abs(wk.sum() - 1) < 1e-8
        best = _simplex_lp(A, yy, tau)
        assert _pinball_objective(A, yy, tau, wk) <= best * (1 + 1e-7) + 1e-9


def _hand_cvplus(est, X, y, Xt):
    """Textbook CV+ (Barber et al. / Romano et al.'s CQR score) from the fold models of ``est``: the
    score of a calibration row comes from the model of the fold that did not see it."""
    q, n = est.quantiles_, X.shape[0]
    fold = est.estimator_.fold_of_
    K = q.size
    out = np.empty((Xt.shape[0], K))
    P = [np.sort(m.predict_quantiles(Xt), axis=1) for m in est.estimators_]
    out[:] = np.mean(P, axis=0)
    E = np.empty((n, K // 2))
    for f, m in enumerate(est.estimators_):
        rows = np.flatnonzero(fold == f)
        Qf = np.sort(m.predict_quantiles(X[rows]), axis=1)
        for j in range(K // 2):
            E[rows, j] = np.maximum(Qf[:, j] - y[rows], y[rows] - Qf[:, K - 1 - j])
    for j in range(K // 2):
        a, b = j, K - 1 - j
        alpha = 1.0 - (q[b] - q[a])
        lo = np.stack([P[fold[i]][:, a] - E[i, j] for i in range(n)], axis=1)
        hi = np.stack([P[fold[i]][:, b] + E[i, j] for i in range(n)], axis=1)
        out[:, a] = np.sort(lo, axis=1)[:, int(np.floor(alpha * (n + 1) + 1e-9)) - 1]
        out[:, b] = np.sort(hi, axis=1)[:, int(np.ceil((1 - alpha) * (n + 1) - 1e-9)) - 1]
    return _oracles.minmax_rows(out, K // 2)


@pytest.mark.parametrize("weights, local", [("coarse", None), ("medium", None), ("fine", None),
                                            ("medium", "tree"), ("coarse", "softmax")])
def test_reuse_equals_hand_built_cvplus(weights, local):
    X, y = make_heteroscedastic_quantile(160, n_features=5, random_state=0)
    Xt, _ = make_heteroscedastic_quantile(25, n_features=5, random_state=1)
    q = Q5
    est = ConformalQuantileRegressor(_aggregator(q, weights, local), quantiles=q, method="cv+", cv=4).fit(X, y)
    agg = est.estimator_
    assert est.oof_reused_ and isinstance(agg, QuantileAggregator) and len(est.estimators_) == 4
    # the folds are the aggregator's own: shuffled KFold seeded from its random_state
    seed = int(check_generator(0).integers(2**31 - 1))
    folds = list(KFold(4, shuffle=True, random_state=seed).split(X))
    for f, (tr, te) in enumerate(folds):
        np.testing.assert_array_equal(np.flatnonzero(est.fold_of_ == f), te)
        # the fold models are fitted on the other folds' rows (a fresh fit gives the same predictions)
        for model, fresh in zip(agg.fold_estimators_[f], [LinearQuantileRegressor(quantiles=q),
                                                            MultiQuantileRegressor(_hgb(0), quantiles=q)],
                                strict=True):
            np.testing.assert_allclose(model.predict_quantiles(Xt), fresh.fit(X[tr], y[tr]).predict_quantiles(Xt),
                                       rtol=1e-7, atol=1e-9)
        # ... and the fold's weights are the pinball optimum on the other folds' out-of-fold rows
        if local is None:
            rows = est.fold_of_ != f
            _check_fold_weights(est.estimators_[f].weights_, agg.oof_predictions_[rows], y[rows], q, weights)
    got = est.predict_quantiles(Xt)
    np.testing.assert_array_equal(got, _hand_cvplus(est, X, y, Xt))
    assert crossing_rate(got) == 0
    np.testing.assert_array_equal(est.predict_interval(Xt, 0.8), got[:, [1, 3]])


def test_fold_model_is_the_fold_models_combined_with_the_fold_weights():
    X, y = make_heteroscedastic_quantile(160, n_features=5, random_state=2)
    Xt, _ = make_heteroscedastic_quantile(30, n_features=5, random_state=3)
    est = ConformalQuantileRegressor(_aggregator(Q5, "medium"), quantiles=Q5, method="cv+", cv=4).fit(X, y)
    for f, fm in enumerate(est.estimators_):
        Z = np.stack([m.predict_quantiles(Xt) for m in est.estimator_.fold_estimators_[f]], axis=1)
        w = fm.weights_
        hand = np.sort(sum(Z[:, j, :] * w[j] for j in range(Z.shape[1])), axis=1)  # medium: w[j, k]
        np.testing.assert_allclose(fm.predict_quantiles(Xt), hand, rtol=1e-12, atol=1e-12)
        # per-fold weights differ from the weights fitted on all rows (they did not see fold f)
        assert not np.allclose(w, est.estimator_.weights_, atol=1e-6) or f > 0


def test_shared_weights_variant_uses_the_full_fit_weights():
    X, y = make_heteroscedastic_quantile(120, n_features=5, random_state=4)
    est = ConformalQuantileRegressor(_aggregator(Q3, "medium"), quantiles=Q3, method="cv+", cv=4)
    est._refit_fold_weights = False
    est.fit(X, y)
    for fm in est.estimators_:
        np.testing.assert_array_equal(fm.weights_, est.estimator_.weights_)
    np.testing.assert_array_equal(est.predict_quantiles(X[:9]), _hand_cvplus(est, X, y, X[:9]))


@pytest.mark.parametrize("cv", [3, 5])
def test_cvplus_fits_every_base_model_once_per_fold_plus_once(cv):
    X, y = make_heteroscedastic_quantile(150, n_features=5, random_state=5)
    p = 2
    agg = QuantileAggregator([CountingLinear(quantiles=Q3), CountingLinear(quantiles=Q3, fit_intercept=False)],
                             quantiles=Q3, cv=cv, random_state=0)
    FITS.clear()
    est = ConformalQuantileRegressor(agg, quantiles=Q3, method="cv+", cv=cv).fit(X, y)
    assert len(FITS) == (cv + 1) * p  # the nested CV+ would fit cv * (cv + 1) * p
    assert sorted(FITS) == sorted([150 - (150 // cv + (f < 150 % cv)) for f in range(cv)] * p + [150] * p)
    FITS.clear()
    est.predict_quantiles(X[:5])
    assert FITS == []


def test_split_fits_the_aggregator_once_on_the_fitting_rows():
    X, y = make_heteroscedastic_quantile(200, n_features=5, random_state=6)
    agg = QuantileAggregator([CountingLinear(quantiles=Q3), CountingLinear(quantiles=Q3, fit_intercept=False)],
                             quantiles=Q3, cv=3, random_state=0)
    FITS.clear()
    est = ConformalQuantileRegressor(agg, quantiles=Q3, method="split", calibration_size=50).fit(X, y)
    assert len(FITS) == (3 + 1) * 2 and max(FITS) == 150  # nothing refitted, calibration rows never seen
    assert est.estimator_.fold_estimators_ is None  # split keeps no fold models (no extra memory)
    assert not est.oof_reused_


def test_pipeline_ending_in_an_aggregator_is_reused():
    X, y = make_heteroscedastic_quantile(160, n_features=5, random_state=7)
    X = X * np.array([1.0, 100.0, 0.01, 1.0, 1.0])
    Xt = X[:11] + 0.1
    pipe = make_pipeline(StandardScaler(), _aggregator(Q3, "medium"))
    est = ConformalQuantileRegressor(pipe, quantiles=Q3, method="cv+", cv=4).fit(X, y)
    assert est.oof_reused_
    scaler = StandardScaler().fit(X)
    bare = ConformalQuantileRegressor(_aggregator(Q3, "medium"), quantiles=Q3, method="cv+", cv=4).fit(
        scaler.transform(X), y)
    np.testing.assert_allclose(est.predict_quantiles(Xt), bare.predict_quantiles(scaler.transform(Xt)),
                               rtol=1e-10, atol=1e-10)


def test_cv_must_match_the_aggregator_folds():
    X, y = make_heteroscedastic_quantile(80, n_features=5, random_state=8)
    with pytest.raises(ValueError, match=r"`cv`=5 here.*Set `cv`=3"):
        ConformalQuantileRegressor(_aggregator(Q3, cv=3), quantiles=Q3, method="cv+", cv=5).fit(X, y)
    with pytest.raises(ValueError, match="aggregator's own 3 folds"):
        ConformalQuantileRegressor(_aggregator(Q3, cv=3), quantiles=Q3, method="cv+",
                                   cv=KFold(3)).fit(X, y)
    # a splitter on the aggregator: its number of folds
    agg = _aggregator(Q3, cv=KFold(4, shuffle=True, random_state=1))
    est = ConformalQuantileRegressor(agg, quantiles=Q3, method="cv+", cv=4).fit(X, y)
    np.testing.assert_array_equal(np.bincount(est.fold_of_), [20, 20, 20, 20])


def test_aggregator_fold_attributes():
    X, y = make_heteroscedastic_quantile(90, n_features=5, random_state=9)
    plain = _aggregator(Q3, cv=3).fit(X, y)
    assert plain.fold_estimators_ is None and np.bincount(plain.fold_of_).tolist() == [30, 30, 30]
    kept = _aggregator(Q3, cv=3, keep_fold_estimators=True).fit(X, y)
    np.testing.assert_array_equal(kept.predict_quantiles(X), plain.predict_quantiles(X))
    np.testing.assert_array_equal(kept.weights_, plain.weights_)
    for f, models in enumerate(kept.fold_estimators_):
        rows = kept.fold_of_ == f
        Z = np.stack([m.predict_quantiles(X[rows]) for m in models], axis=1)
        np.testing.assert_array_equal(Z, kept.oof_predictions_[rows])
    with pytest.raises(ValueError, match="keep_fold_estimators=True"):
        plain._fold_quantiles(X, [plain._combiner()] * 3)
    prefit = _aggregator(Q3, cv=3).fit(X, y, base_predictions=kept.oof_predictions_)
    assert (prefit.fold_of_ == -1).all()


def test_frozen_aggregator_is_not_reused():
    from sklearn.frozen import FrozenEstimator

    X, y = make_heteroscedastic_quantile(120, n_features=5, random_state=10)
    agg = _aggregator(Q3, cv=3).fit(X[:60], y[:60])
    est = ConformalQuantileRegressor(FrozenEstimator(agg), quantiles=Q3, method="cv+", cv=3).fit(X[60:], y[60:])
    assert not est.oof_reused_


def test_pickle_and_clone():
    X, y = make_heteroscedastic_quantile(120, n_features=5, random_state=11)
    est = ConformalQuantileRegressor(_aggregator(Q3, "medium", local="tree"), quantiles=Q3, method="cv+",
                                     cv=4).fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict_quantiles(X[:7]), est.predict_quantiles(X[:7]))
    np.testing.assert_array_equal(back.estimators_[2].predict_quantiles(X[:7]),
                                  est.estimators_[2].predict_quantiles(X[:7]))
    c = clone(est)
    assert not hasattr(c, "estimator_") and c.get_params()["estimator__keep_fold_estimators"] is False
    # the user's aggregator is left as given (the fitted copy keeps its fold models)
    assert est.estimator.keep_fold_estimators is False and est.estimator_.keep_fold_estimators is True


@pytest.mark.slow
@pytest.mark.parametrize("weights", ["medium", "fine"])
def test_reuse_cvplus_coverage_many_seeds(weights):
    # Heteroscedastic data, a linear model and a short boosting run. The reuse path is not the textbook
    # CV+ (the other folds' out-of-fold rows that fit fold f's weights come from models that saw fold f), so
    # no finite-sample bound applies; measured, mean coverage over seeds lands within noise of 1 - alpha
    # for every pair (textbook CV+: >= 1 - 2 alpha in theory, near 1 - alpha in practice).
    n, n_test, seeds = 200, 500, 40
    X, y = make_heteroscedastic_quantile((n + n_test) * seeds, n_features=5, random_state=12)
    cov, raw = [], []
    for s in range(seeds):
        rows = slice(s * (n + n_test), (s + 1) * (n + n_test))
        Xs, ys = X[rows], y[rows]
        agg = QuantileAggregator([LinearQuantileRegressor(quantiles=Q5), MultiQuantileRegressor(
            _hgb(s, max_iter=10), quantiles=Q5)], quantiles=Q5, weights=weights, cv=5, random_state=s)
        est = ConformalQuantileRegressor(agg, quantiles=Q5, method="cv+", cv=5).fit(Xs[:n], ys[:n])
        Q = est.predict_quantiles(Xs[n:])
        assert crossing_rate(Q) == 0
        cov.append(coverage(ys[n:], Q, per="pair"))
        raw.append(coverage(ys[n:], est.estimator_.predict_quantiles(Xs[n:]), per="pair"))
    cov, raw = np.array(cov), np.array(raw)
    nominal = np.array([0.9, 0.8])
    mean, se = cov.mean(0), cov.std(0, ddof=1) / np.sqrt(seeds)
    assert (mean >= nominal - 3 * se - 1 / (n + 1)).all(), (mean, se, raw.mean(0))
    assert (mean <= nominal + 3 * se + 0.03).all(), (mean, se)  # and not trivially wide


def test_conformal_seed_seeds_an_unseeded_aggregator():
    X, y = make_heteroscedastic_quantile(90, n_features=5, random_state=13)
    agg = _aggregator(Q3, cv=3, seed=None)
    a = ConformalQuantileRegressor(agg, quantiles=Q3, method="cv+", cv=3, random_state=4).fit(X, y)
    b = ConformalQuantileRegressor(agg, quantiles=Q3, method="cv+", cv=3, random_state=4).fit(X, y)
    c = ConformalQuantileRegressor(agg, quantiles=Q3, method="cv+", cv=3, random_state=5).fit(X, y)
    np.testing.assert_array_equal(a.fold_of_, b.fold_of_)
    np.testing.assert_array_equal(a.predict_quantiles(X[:5]), b.predict_quantiles(X[:5]))
    assert not np.array_equal(a.fold_of_, c.fold_of_)
    assert agg.random_state is None  # the given aggregator is untouched
