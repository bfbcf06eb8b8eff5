"""PrestoClassifier, PrestoCV and ProportionalOddsClassifier against cvxpy, statsmodels and scikit-learn."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from statlearn.datasets import make_presto_data
from statlearn.ordinal import PrestoClassifier, PrestoCV, ProportionalOddsClassifier, _solver, presto_path
from statlearn.ordinal._data import prepare_fit
from tests.ordinal import _oracles


def _data(n=300, p=5, K=4, design="sparse", seed=0, low=-1.0, high=1.0):
    intercepts = {3: (0.0, 3.0), 4: (0.0, 2.5, 4.0), 5: (-1.0, 0.5, 2.5, 4.0)}[K]
    X, y = make_presto_data(n, p, design=design, intercepts=intercepts, effect=0.8, random_state=seed)
    X = (X + 1.0) / 2.0 * (high - low) + low
    return X, y


# --------------------------------------------------------------------------- #
# cvxpy oracle
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "K, design, kw",
    [
        (3, "sparse", {}),
        (4, "sparse", {"standardize": False}),
        (4, "dense", {"l1_ratio": 0.5}),
        (5, "dense", {"first_block_penalty": 0.0}),
        (4, "sparse", {"penalty_factor": np.array([0.0, 1.0, 2.0, 1.0, 0.5])}),
    ],
)
def test_matches_cvxpy(K, design, kw):
    X, y = _data(K=K, design=design, seed=K, low=0.0, high=2.0)
    lam = 0.02
    est = PrestoClassifier(lam=lam, tol=1e-10, max_iter=100_000, **kw).fit(X, y)
    a, B, obj_ref = _oracles.presto_cvxpy(X, y, lam, **kw)
    s = X.std(axis=0) if est.standardize else np.ones(X.shape[1])
    obj = _oracles.presto_objective(X, y, est.intercept_, est.coef_, lam, scale=s,
                                    **{k: v for k, v in kw.items() if k != "standardize"})
    assert obj <= obj_ref * (1 + 1e-8)
    assert abs(obj - obj_ref) <= 1e-8 * abs(obj_ref)
    np.testing.assert_allclose(est.coef_, B, atol=1e-4)
    np.testing.assert_allclose(est.intercept_, a, atol=1e-4)
    # the attained internal objective is the objective of the returned coefficients
    np.testing.assert_allclose(est.objective_, obj, rtol=1e-10)
    # both sparse and dense differences occur in this suite
    assert est.diff_coef_.shape == (X.shape[1], K - 1)


@pytest.mark.parametrize("n_free, l1_ratio", [(3, 1.0), (2, 0.5), (1, 1.0)])
def test_solver_matches_cvxpy_on_its_own_problem(n_free, l1_ratio):
    # the internal problem (standardized differences, a penalty matrix, frozen blocks) in cvxpy
    X, y = _data(n=200, K=4, seed=3)
    data = prepare_fit(X, y, None, True)
    rng = np.random.default_rng(0)
    pen = np.ascontiguousarray(0.01 * rng.uniform(0.5, 2.0, size=(X.shape[1], 3)))
    a, psi, obj, _, kkt = _solver.solve(data, pen, l1_ratio, n_free, 1e-10, 50_000)
    a_ref, psi_ref = _oracles.presto_cvxpy_diff(data.X, data.y, data.w, pen, l1_ratio, n_free)
    prob = _solver.Problem(data.X, data.y, data.w, pen, l1_ratio, n_free)
    obj_ref = _solver.objective(prob, _solver.evaluate(prob, a_ref, psi_ref))
    assert kkt <= 1e-10
    assert obj <= obj_ref * (1 + 1e-9)
    assert abs(obj - obj_ref) <= 1e-8 * abs(obj_ref)
    np.testing.assert_allclose(psi, psi_ref, atol=1e-4)
    assert (psi[:, n_free:] == 0).all()


def test_sparse_differences_are_exactly_zero():
    X, y = _data(n=400, p=6, K=4, seed=1)
    est = PrestoClassifier(lam=0.03).fit(X, y)
    zeros = est.diff_coef_[:, 1:] == 0
    assert zeros.any()
    # zero differences mean equal boundary weights
    np.testing.assert_array_equal(est.coef_[:, 1:][zeros], est.coef_[:, :-1][zeros])
    np.testing.assert_allclose(np.cumsum(est.diff_coef_, axis=1), est.coef_, atol=1e-12)


# --------------------------------------------------------------------------- #
# limits: proportional odds and null model
# --------------------------------------------------------------------------- #
def _loglik(est, X, y):
    p = est.predict_proba(X)
    return float(np.log(p[np.arange(y.size), np.searchsorted(est.classes_, y)]).sum())


def test_po_limit_matches_statsmodels():
    X, y = _data(n=400, p=4, K=4, seed=5, low=0.0, high=2.0)
    a_sm, b_sm, llf = _oracles.statsmodels_po_params(X, y)
    est = PrestoClassifier(first_block_penalty=0.0, tol=1e-10, max_iter=100_000)
    lmax = est.lambda_max(X, y)
    est.set_params(lam=1.01 * lmax).fit(X, y)
    assert np.all(est.diff_coef_[:, 1:] == 0)
    assert abs(_loglik(est, X, y) - llf) <= 1e-6
    np.testing.assert_allclose(est.coef_[:, 0], b_sm, atol=1e-4)
    np.testing.assert_allclose(est.intercept_, a_sm, atol=1e-4)
    # just below lam_max some difference enters
    est.set_params(lam=0.9 * lmax).fit(X, y)
    assert np.any(est.diff_coef_[:, 1:] != 0)

    po = ProportionalOddsClassifier().fit(X, y)
    assert abs(_loglik(po, X, y) - llf) <= 1e-6
    np.testing.assert_allclose(po.coef_, b_sm, atol=1e-4)
    np.testing.assert_allclose(po.intercept_, a_sm, atol=1e-4)
    np.testing.assert_allclose(-po.loss_ * y.size, llf, atol=1e-6)


@pytest.mark.parametrize("link", ["probit", "cloglog"])
def test_po_limit_matches_statsmodels_for_other_links(link):
    from scipy import stats
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    X, y = _data(n=400, p=4, K=4, seed=5, low=0.0, high=2.0)
    distr = {"probit": "probit", "cloglog": stats.gumbel_l}[link]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = OrderedModel(y, X, distr=distr).fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-10)
    est = PrestoClassifier(first_block_penalty=0.0, link=link, tol=1e-10, max_iter=100_000)
    est.set_params(lam=1.01 * est.lambda_max(X, y)).fit(X, y)
    assert np.all(est.diff_coef_[:, 1:] == 0) and est.link_ == link
    np.testing.assert_allclose(-est.loss_ * y.size, res.llf, atol=1e-6)
    np.testing.assert_allclose(est.coef_[:, 0], -res.params[:4], atol=1e-4)
    cuts = np.cumsum(np.concatenate([[res.params[4]], np.exp(res.params[5:])]))
    np.testing.assert_allclose(est.intercept_, cuts, atol=1e-4)
    # the probabilities use the link's distribution function
    np.testing.assert_allclose(est.predict_proba(X), res.model.predict(res.params, exog=X), atol=1e-5)


def test_path_reports_loss_and_departures():
    X, y = _data(n=300, K=4, seed=8)
    path = presto_path(X, y, n_lambdas=6, first_block_penalty=0.0)
    assert path.n_nonzero[0] == 0 and path.n_nonzero[-1] > 0
    assert np.all(np.diff(path.loss) <= 1e-10)  # less penalty, better fit
    np.testing.assert_array_equal(path.n_nonzero, np.count_nonzero(path.diff_coef[:, :, 1:], axis=(1, 2)))
    single = PrestoClassifier(lam=path.lambdas[3], first_block_penalty=0.0).fit(X, y)
    np.testing.assert_allclose(path.loss[3], single.loss_, rtol=1e-6)


def test_null_limit_gives_cumulative_logits():
    X, y = _data(n=300, K=5, seed=2)
    est = PrestoClassifier(tol=1e-10)
    lmax = est.lambda_max(X, y)
    est.set_params(lam=lmax * 1.0001).fit(X, y)
    assert np.all(est.coef_ == 0)
    freq = np.cumsum(np.bincount(y))[:-1] / y.size
    np.testing.assert_allclose(est.intercept_, logit(freq), atol=1e-8)
    est.set_params(lam=lmax * 0.95).fit(X, y)
    assert np.any(est.coef_ != 0)


# --------------------------------------------------------------------------- #
# standardization and the intercept back-transform
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("standardize", [True, False])
def test_noncentred_X_reproduces_internal_loglik(standardize):
    # X ~ U(0, 2): the reference code's intercepts are wrong here by beta_{k-1} . mean
    X, y = _data(n=500, p=6, K=4, seed=7, low=0.0, high=2.0)
    est = PrestoClassifier(lam=0.005, standardize=standardize, tol=1e-9).fit(X, y)
    assert est.n_crossings_ == 0
    np.testing.assert_allclose(-_loglik(est, X, y) / y.size, est.loss_, rtol=1e-12)
    eta = X @ est.coef_ + est.intercept_
    np.testing.assert_allclose(est.predict_cumulative_logits(X), eta, rtol=1e-12)


def test_scale_equivariance_when_standardized():
    X, y = _data(n=300, K=4, seed=8)
    scale = np.array([1.0, 10.0, 0.1, 3.0, 1e3])
    a = PrestoClassifier(lam=0.01, tol=1e-10).fit(X, y)
    b = PrestoClassifier(lam=0.01, tol=1e-10).fit(X * scale + 5.0, y)
    np.testing.assert_allclose(b.coef_ * scale[:, None], a.coef_, atol=1e-6)
    np.testing.assert_allclose(b.predict_proba(X * scale + 5.0), a.predict_proba(X), atol=1e-7)


# --------------------------------------------------------------------------- #
# probabilities and crossing
# --------------------------------------------------------------------------- #
def test_predict_proba_valid_and_crossings_rearranged(rng):
    X, y = _data(n=300, K=4, seed=4)
    est = PrestoClassifier(lam=1e-4).fit(X, y)
    Xnew = rng.standard_t(1, size=(2000, X.shape[1])) * 5  # heavy tails force crossings
    eta = est.predict_cumulative_logits(Xnew)
    n_cross = int((np.diff(eta, axis=1) < 0).any(axis=1).sum())
    assert n_cross > 0
    P = est.predict_proba(Xnew)
    assert np.all(P >= 0) and np.all(P <= 1)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-12)
    # the rare class uses the largest boundary after rearrangement
    np.testing.assert_allclose(P[:, -1], 1 - 1 / (1 + np.exp(-eta.max(axis=1))), atol=1e-12)
    # `crossing` is fitted state: set_params without a refit changes nothing
    np.testing.assert_array_equal(est.set_params(crossing="raise").predict_proba(Xnew), P)
    with pytest.raises(ValueError, match="cross"):
        est.fit(X, y).predict_proba(Xnew)
    ok = ~(np.diff(est.predict_cumulative_logits(X), axis=1) < 0).any(axis=1)
    assert est.n_crossings_ == int((~ok).sum())
    assert est.predict_proba(X[ok]).shape == (int(ok.sum()), 4)  # no crossing there: no error
    assert est.set_params(crossing="rearrange").fit(X, y).predict(Xnew).shape == (2000,)


def test_decision_function_and_predict_consistent():
    X, y = _data(n=300, K=4, seed=4)
    est = PrestoClassifier(lam=0.01).fit(X, y)
    np.testing.assert_array_equal(est.classes_[est.decision_function(X).argmax(axis=1)], est.predict(X))
    np.testing.assert_allclose(np.exp(est.predict_log_proba(X)), est.predict_proba(X))


# --------------------------------------------------------------------------- #
# two classes: the degenerate case
# --------------------------------------------------------------------------- #
def test_two_classes_is_l1_logistic_regression():
    X, y = _data(n=300, K=3, seed=9)
    yb = (y > 0).astype(int)
    lam = 0.01
    est = PrestoClassifier(lam=lam, standardize=False, tol=1e-10, max_iter=100_000).fit(X, yb)
    ref = LogisticRegression(l1_ratio=1.0, C=1 / (lam * yb.size), solver="saga", tol=1e-12,
                             max_iter=100_000).fit(X, yb)
    # P(y <= 0) = sigmoid(alpha + x beta) = 1 - P(y = 1): beta = -w, alpha = -b
    np.testing.assert_allclose(est.coef_[:, 0], -ref.coef_[0], atol=1e-4)
    np.testing.assert_allclose(est.intercept_, -ref.intercept_, atol=1e-4)
    np.testing.assert_allclose(est.decision_function(X), ref.decision_function(X), atol=1e-3)


# --------------------------------------------------------------------------- #
# targets, weights and bad input
# --------------------------------------------------------------------------- #
def test_ordered_categorical_target_and_reversal():
    X, y = _data(n=300, K=4, seed=6)
    labels = np.array(["none", "minor", "major", "fatal"])
    cat = pd.Series(pd.Categorical(labels[y], categories=list(labels), ordered=True))
    est = PrestoClassifier(lam=0.01).fit(X, cat)
    np.testing.assert_array_equal(est.classes_, labels)
    ref = PrestoClassifier(lam=0.01).fit(X, y)
    np.testing.assert_allclose(est.predict_proba(X), ref.predict_proba(X))
    rev = cat.cat.reorder_categories(list(labels[::-1]))
    est_rev = PrestoClassifier(lam=0.01).fit(X, rev)
    assert est_rev.classes_[-1] == "none"
    # reversing the order without penalty on the first block... at least the PO fit is mirrored
    po = ProportionalOddsClassifier().fit(X, y)
    po_rev = ProportionalOddsClassifier().fit(X, -y)
    np.testing.assert_allclose(po_rev.coef_, -po.coef_, atol=1e-5)
    np.testing.assert_allclose(po_rev.predict_proba(X)[:, ::-1], po.predict_proba(X), atol=1e-6)


def test_integer_weights_equal_duplication():
    X, y = _data(n=200, K=4, seed=10)
    w = np.random.default_rng(0).integers(0, 3, size=y.size)
    a = PrestoClassifier(lam=0.01, tol=1e-10).fit(X, y, sample_weight=w)
    b = PrestoClassifier(lam=0.01, tol=1e-10).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-7)


@pytest.mark.parametrize(
    "kwargs, fit_kw, match",
    [
        ({"lam": -1.0}, {}, "`lam`"),
        ({"l1_ratio": 1.5}, {}, "`l1_ratio`"),
        ({"crossing": "ignore"}, {}, "`crossing`"),
        ({"penalty_factor": [1.0, -1.0, 1.0, 1.0, 1.0]}, {}, "`penalty_factor`"),
        ({"penalty_factor": [1.0, 1.0]}, {}, "`penalty_factor`"),
        ({}, {"sample_weight": -np.ones(300)}, "`sample_weight`"),
    ],
)
def test_bad_parameters(kwargs, fit_kw, match):
    X, y = _data(K=4)
    with pytest.raises(ValueError, match=match):
        PrestoClassifier(**kwargs).fit(X, y, **fit_kw)


def test_bad_data():
    X, y = _data(K=4)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PrestoClassifier().fit(Xn, y)
    with pytest.raises(ValueError, match="1 class"):
        PrestoClassifier().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        PrestoClassifier().fit(X, y + 0.5)
    cat = pd.Series(pd.Categorical(y, categories=[0, 1, 2, 3, 4], ordered=True))
    with pytest.raises(ValueError, match="no sample"):
        PrestoClassifier().fit(X, cat)
    w = np.ones(len(y))
    w[y == 3] = 0
    with pytest.raises(ValueError, match="positive weight"):
        PrestoClassifier().fit(X, y, sample_weight=w)


def test_class_absent_from_cv_training_fold():
    X, y = _data(K=4)
    idx = np.arange(len(y))
    top = idx[y == 3]
    rest = idx[y != 3]
    splits = [(rest, top), (idx[: len(y) // 2], idx[len(y) // 2:])]
    with pytest.raises(ValueError, match="training fold has no sample"):
        PrestoCV(cv=splits, n_lambdas=3).fit(X, y)


def test_convergence_warning():
    X, y = _data(K=4)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        PrestoClassifier(lam=1e-4, max_iter=2, tol=1e-12).fit(X, y)


# --------------------------------------------------------------------------- #
# warm starts and the path
# --------------------------------------------------------------------------- #
def test_warm_start_and_path_match_single_fits():
    X, y = _data(n=400, K=4, seed=11)
    est = PrestoClassifier(tol=1e-9)
    path = est.path(X, y, n_lambdas=6, lambda_min_ratio=0.05)
    assert not hasattr(est, "coef_")  # path does not fit the estimator
    assert np.all(np.diff(path.lambdas) < 0)
    assert path.coef.shape == (6, X.shape[1], 3)
    assert np.all(path.coef[0] == 0)  # lambda_max
    for i in (2, 5):
        single = PrestoClassifier(lam=path.lambdas[i], tol=1e-9).fit(X, y)
        np.testing.assert_allclose(path.coef[i], single.coef_, atol=1e-5)
        np.testing.assert_allclose(path.intercept[i], single.intercept_, atol=1e-5)
    cold = PrestoClassifier(lam=path.lambdas[5], tol=1e-9).fit(X, y)
    warm = PrestoClassifier(lam=path.lambdas[4], tol=1e-9, warm_start=True).fit(X, y)
    warm.set_params(lam=path.lambdas[5]).fit(X, y)
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=1e-5)
    # a warm refit at the same lambda starts at the optimum
    warm.fit(X, y)
    assert warm.n_iter_ <= 1 < cold.n_iter_
    with pytest.raises(ValueError, match="`lambdas`"):
        est.path(X, y, lambdas=[0.1, -1.0])


# --------------------------------------------------------------------------- #
# cross-validation
# --------------------------------------------------------------------------- #
def _manual_cv(X, y, lambdas, splits, scoring, first_block_penalty):
    scores = np.empty((len(splits), lambdas.size))
    for f, (tr, te) in enumerate(splits):
        for i, lam in enumerate(lambdas):
            p = PrestoClassifier(lam=lam, tol=1e-9, first_block_penalty=first_block_penalty).fit(
                X[tr], y[tr]).predict_proba(X[te])
            onehot = np.eye(p.shape[1])[y[te]]
            if scoring == "brier":
                scores[f, i] = np.mean(((p - onehot) ** 2).sum(axis=1))
            else:
                scores[f, i] = np.mean((p[:, -1] - onehot[:, -1]) ** 2)
    return scores


@pytest.mark.parametrize("scoring", ["brier", "rare_brier"])
def test_cv_matches_manual_loop(scoring):
    from sklearn.model_selection import StratifiedKFold

    X, y = _data(n=300, K=4, seed=12)
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    cv = PrestoCV(n_lambdas=5, lambda_min_ratio=0.05, cv=splits, scoring=scoring, tol=1e-9).fit(X, y)
    ref = _manual_cv(X, y, cv.lambdas_, splits, scoring, cv.first_block_penalty)
    np.testing.assert_allclose(cv.cv_results_["split_scores"], ref, rtol=1e-5)
    best = ref.mean(axis=0)
    assert cv.lam_ == cv.lambdas_[int(np.argmin(best))]
    single = PrestoClassifier(lam=cv.lam_, tol=1e-9, first_block_penalty=cv.first_block_penalty).fit(X, y)
    np.testing.assert_allclose(cv.coef_, single.coef_, atol=1e-5)
    np.testing.assert_allclose(cv.predict_proba(X), single.predict_proba(X), atol=1e-6)


def test_cv_ties_go_to_largest_lambda_and_1se():
    X, y = _data(n=300, K=4, seed=13)
    # a grid of equal lambdas ties exactly: the first (largest) must win
    lam = np.array([0.5, 0.5, 0.5]) * PrestoClassifier().lambda_max(X, y) * 3
    cv = PrestoCV(lambdas=lam, cv=3, random_state=0).fit(X, y)
    assert cv.best_index_ == 0
    a = PrestoCV(n_lambdas=8, cv=3, random_state=0).fit(X, y)
    b = PrestoCV(n_lambdas=8, cv=3, random_state=0, select="1se").fit(X, y)
    assert b.lam_ >= a.lam_
    r = b.cv_results_
    assert r["mean_score"][b.best_index_] <= r["mean_score"].min() + r["se_score"][np.argmin(r["mean_score"])]
    for scoring in ("log_loss", "rare_log_loss"):
        c = PrestoCV(n_lambdas=4, cv=3, random_state=0, scoring=scoring).fit(X, y)
        assert np.isfinite(c.cv_results_["mean_score"]).all()
    with pytest.raises(ValueError, match="`scoring`"):
        PrestoCV(scoring="accuracy").fit(X, y)


# --------------------------------------------------------------------------- #
# the generator
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("design", ["sparse", "dense"])
def test_make_presto_data(design):
    X, y, params = make_presto_data(3000, 10, design=design, random_state=0, return_params=True)
    X2, y2 = make_presto_data(3000, 10, design=design, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (3000, 10) and set(np.unique(y)) <= {0, 1, 2, 3}
    assert np.all(params.proba >= 0)
    np.testing.assert_allclose(params.proba.sum(axis=1), 1.0)
    # the empirical class shares follow the true probabilities
    np.testing.assert_allclose(np.bincount(y, minlength=4) / 3000, params.proba.mean(axis=0), atol=0.03)
    assert params.proba[:, -1].mean() < 0.05
    with pytest.raises(ValueError, match="`intercepts`"):
        make_presto_data(10, intercepts=(1.0, 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_presto_data(10, design=design, random_state=1)


def test_fista_path_for_large_problems_agrees(monkeypatch):
    X, y = _data(n=300, K=4, seed=15)
    newton = PrestoClassifier(lam=0.01, tol=1e-9).fit(X, y)
    monkeypatch.setattr(_solver, "NEWTON_MAX_PARAMS", 0)
    fista = PrestoClassifier(lam=0.01, tol=1e-9, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(fista.objective_, newton.objective_, rtol=1e-11)
    np.testing.assert_allclose(fista.coef_, newton.coef_, atol=1e-6)
    assert fista.n_iter_ > newton.n_iter_


def test_po_reproduces_published_clm_on_wine():
    # Christensen (2019), R package `ordinal` vignette: clm(rating ~ temp + contact, data = wine)
    # gives temp warm 2.5031, contact yes 1.5278, thresholds -1.3444 1.2508 3.4669 5.0064,
    # logLik -86.49 (R's sign: logit P(y <= k) = theta_k - x beta).
    from statlearn.datasets import load_wine_bitterness

    wine = load_wine_bitterness(as_frame=False)
    cols = [wine.feature_names.index("temp_warm"), wine.feature_names.index("contact_yes")]
    po = ProportionalOddsClassifier().fit(wine.data[:, cols], wine.target)
    np.testing.assert_allclose(-po.coef_, [2.5031, 1.5278], atol=1e-4)
    np.testing.assert_allclose(po.intercept_, [-1.3444, 1.2508, 3.4669, 5.0064], atol=1e-4)
    np.testing.assert_allclose(-po.loss_ * wine.target.size, -86.49, atol=5e-3)


def test_weighted_fit_matches_cvxpy():
    X, y = _data(n=250, K=4, seed=16, low=0.0, high=2.0)
    w = np.random.default_rng(3).uniform(0.2, 3.0, size=y.size)
    est = PrestoClassifier(lam=0.01, tol=1e-10).fit(X, y, sample_weight=w)
    a, B, obj_ref = _oracles.presto_cvxpy(X, y, 0.01, sample_weight=w)
    mu = np.average(X, axis=0, weights=w)
    s = np.sqrt(np.average((X - mu) ** 2, axis=0, weights=w))
    obj = _oracles.presto_objective(X, y, est.intercept_, est.coef_, 0.01, scale=s, sample_weight=w)
    assert abs(obj - obj_ref) <= 1e-8 * abs(obj_ref)
    np.testing.assert_allclose(est.coef_, B, atol=1e-4)


def test_training_loss_decreases_along_the_path():
    X, y = _data(n=400, K=5, seed=17)
    path = PrestoClassifier(tol=1e-10).path(X, y, n_lambdas=12, lambda_min_ratio=1e-3)
    losses = [_oracles.loss_twin(X @ path.coef[i] + path.intercept[i], y, np.full(y.size, 1 / y.size))
              for i in range(12)]
    assert np.all(np.diff(losses) <= 1e-10)
    n_nonzero = [(np.abs(d) > 0).sum() for d in path.diff_coef]
    assert n_nonzero[0] == 0 and n_nonzero[-1] > n_nonzero[len(n_nonzero) // 2] > 0


def test_cv_parallel_equals_serial():
    from joblib import parallel_config

    X, y = _data(n=300, K=4, seed=14)
    a = PrestoCV(n_lambdas=4, cv=3, random_state=1).fit(X, y)
    with parallel_config(backend="threading"):
        b = PrestoCV(n_lambdas=4, cv=3, random_state=1, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(a.cv_results_["split_scores"], b.cv_results_["split_scores"])
    assert a.lam_ == b.lam_


@settings(max_examples=20)
@given(st.integers(0, 10_000), st.sampled_from([3, 4, 5]), st.floats(1e-3, 0.1), st.sampled_from([0.0, 1.0]))
def test_fit_is_optimal_against_perturbations(seed, K, lam, fbp):
    X, y = _data(n=120, p=3, K=K, seed=seed % 50, design="dense")
    if np.bincount(y, minlength=K).min() == 0:
        return
    est = PrestoClassifier(lam=lam, first_block_penalty=fbp, tol=1e-10, standardize=False).fit(X, y)
    assert est.n_iter_ < 200
    kw = {"first_block_penalty": fbp}
    best = _oracles.presto_objective(X, y, est.intercept_, est.coef_, lam, **kw)
    rng = np.random.default_rng(seed)
    for _ in range(10):
        da = rng.normal(scale=1e-3, size=est.intercept_.shape)
        dB = rng.normal(scale=1e-3, size=est.coef_.shape)
        assert _oracles.presto_objective(X, y, est.intercept_ + da, est.coef_ + dB, lam, **kw) >= best - 1e-12
    P = est.predict_proba(X)
    assert np.all(P >= 0) and np.allclose(P.sum(axis=1), 1.0)


def test_infinite_lam_gives_the_documented_limits():
    # lam = inf times a zero factor was NaN, so first_block_penalty=0 returned the
    # intercept-only start instead of the proportional odds fit
    X, y = _data(n=300, K=4, seed=18, low=0.0, high=2.0)
    po = ProportionalOddsClassifier(tol=1e-10).fit(X, y)
    est = PrestoClassifier(lam=np.inf, first_block_penalty=0.0, tol=1e-10).fit(X, y)
    assert np.all(est.diff_coef_[:, 1:] == 0)
    np.testing.assert_allclose(est.coef_[:, 0], po.coef_, atol=1e-6)
    np.testing.assert_allclose(est.intercept_, po.intercept_, atol=1e-6)
    assert np.isfinite(est.objective_)
    null = PrestoClassifier(lam=np.inf, tol=1e-10).fit(X, y)
    assert np.all(null.coef_ == 0)
    np.testing.assert_allclose(null.intercept_, logit(np.cumsum(np.bincount(y))[:-1] / y.size), atol=1e-8)
    # an unpenalized feature (penalty_factor 0) stays free at lam = inf, for every l1_ratio
    for l1_ratio in (1.0, 0.5):
        free = PrestoClassifier(lam=np.inf, l1_ratio=l1_ratio, penalty_factor=[0.0, 1, 1, 1, 1],
                                tol=1e-10).fit(X, y)
        assert np.all(free.coef_[1:] == 0) and np.all(free.coef_[0] != 0)
        ref = PrestoClassifier(tol=1e-10, l1_ratio=l1_ratio, penalty_factor=[0.0, 1, 1, 1, 1])
        ref.set_params(lam=10 * ref.lambda_max(X, y)).fit(X, y)
        np.testing.assert_allclose(free.coef_, ref.coef_, atol=1e-6)
