"""ProportionalOddsClassifier inference (observed information, Wald table, LR test), links and
separation, against statsmodels' OrderedModel."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.exceptions import ConvergenceWarning

from statlearn.datasets import make_presto_data
from statlearn.ordinal import PrestoClassifier, PrestoCV, ProportionalOddsClassifier

_SM_DISTR = {"logit": "logit", "probit": "probit", "cloglog": stats.gumbel_l}


def _po_data(n=600, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + np.array([1.0, -2.0, 0.5])[:p]  # not centred
    eta = X @ np.array([0.8, -0.5, 0.3])[:p]
    y = (rng.logistic(size=n)[:, None] > np.array([-1.0, 0.5, 2.0]) - eta[:, None]).sum(axis=1)
    return X, y


def _statsmodels(X, y, link):
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return OrderedModel(y, X, distr=_SM_DISTR[link]).fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-10)


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_summary_equals_statsmodels(link):
    X, y = _po_data()
    po = ProportionalOddsClassifier(link=link).fit(X, y)
    res = _statsmodels(X, y, link)
    p = X.shape[1]
    assert abs(po.loglik_ - res.llf) < 1e-6
    tab = po.summary()
    sm = pd.DataFrame({"coef": res.params, "std err": res.bse, "z": res.tvalues, "P>|z|": res.pvalues})
    ci = np.asarray(res.conf_int())
    feat = tab.iloc[:p]
    # statsmodels' slopes are -coef_: same standard errors and p-values, mirrored z and interval
    np.testing.assert_allclose(feat["coef"], -sm["coef"].iloc[:p], atol=1e-4)
    np.testing.assert_allclose(feat["std err"], sm["std err"].iloc[:p], atol=1e-4)
    np.testing.assert_allclose(feat["z"], -sm["z"].iloc[:p], atol=1e-3)
    np.testing.assert_allclose(feat["P>|z|"], sm["P>|z|"].iloc[:p], atol=1e-4)
    np.testing.assert_allclose(feat["[0.025"], -ci[:p, 1], atol=1e-4)
    np.testing.assert_allclose(feat["0.975]"], -ci[:p, 0], atol=1e-4)
    # thresholds: statsmodels reports (cut_1, log(cut_2 - cut_1), ...); map our covariance by the delta method
    a = po.intercept_
    k1 = a.size
    J = np.zeros((k1, k1))
    J[0, 0] = 1.0
    for k in range(1, k1):
        J[k, k], J[k, k - 1] = 1 / (a[k] - a[k - 1]), -1 / (a[k] - a[k - 1])
    th = np.concatenate([[a[0]], np.log(np.diff(a))])
    se_th = np.sqrt(np.diag(J @ po.covariance_[p:, p:] @ J.T))
    np.testing.assert_allclose(th, res.params[p:], atol=1e-4)
    np.testing.assert_allclose(se_th, res.bse[p:], atol=1e-4)
    np.testing.assert_allclose(tab["coef"].iloc[p:], a)
    assert list(tab.index[p:]) == ["0|1", "1|2", "2|3"]


def test_summary_names_levels_and_intervals():
    X, y = _po_data()
    frame = pd.DataFrame(X, columns=["age", "dose", "score"])
    labels = np.array(["none", "mild", "severe", "fatal"])
    po = ProportionalOddsClassifier(classes=list(labels)).fit(frame, labels[y])
    tab = po.summary(confidence_level=0.9)
    assert list(tab.index) == ["age", "dose", "score", "none|mild", "mild|severe", "severe|fatal"]
    assert list(tab.columns) == ["coef", "std err", "z", "P>|z|", "[0.05", "0.95]"]
    q = stats.norm.ppf(0.95)
    np.testing.assert_allclose(tab["0.95]"] - tab["coef"], q * tab["std err"])
    np.testing.assert_allclose(po.bse_, tab["std err"])
    with pytest.raises(ValueError, match="confidence_level"):
        po.summary(confidence_level=1.5)


def test_frequency_weights_equal_duplication():
    X, y = _po_data(n=200)
    w = np.random.default_rng(1).integers(0, 3, size=200)
    a = ProportionalOddsClassifier().fit(X, y, sample_weight=w)
    b = ProportionalOddsClassifier().fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(a.covariance_, b.covariance_, rtol=1e-5, atol=1e-10)
    np.testing.assert_allclose(a.loglik_, b.loglik_, rtol=1e-10)


def test_lr_test_against_the_non_parallel_model():
    X, y = _po_data(n=500)
    po = ProportionalOddsClassifier().fit(X, y)
    res = po.lr_test(X, y)
    alt = PrestoClassifier(lam=0.0, tol=1e-9).fit(X, y)
    ll_alt = -alt.loss_ * y.size
    np.testing.assert_allclose(res.loglik_alternative, ll_alt, rtol=1e-8)
    np.testing.assert_allclose(res.loglik_null, po.loglik_, rtol=1e-10)
    assert res.df == X.shape[1] * 2
    np.testing.assert_allclose(res.statistic, 2 * (ll_alt - po.loglik_), rtol=1e-6)
    np.testing.assert_allclose(res.pvalue, stats.chi2.sf(res.statistic, res.df))
    # non-parallel truth: rejected
    Xn, yn = make_presto_data(1500, 4, effect=1.0, intercepts=(0.0, 1.0, 2.5), random_state=3)
    assert ProportionalOddsClassifier().fit(Xn, yn).lr_test(Xn, yn).pvalue < 1e-3


def test_lr_test_against_presto_and_link_mismatch():
    Xn, yn = make_presto_data(800, 4, effect=1.0, intercepts=(0.0, 1.0, 2.5), random_state=3)
    po = ProportionalOddsClassifier().fit(Xn, yn)
    cv = PrestoCV(first_block_penalty=0.0, n_lambdas=8, cv=3, random_state=0).fit(Xn, yn)
    res = po.lr_test(Xn, yn, alternative=cv)
    assert res.df == int(np.count_nonzero(cv.diff_coef_[:, 1:]))
    assert res.statistic >= 0 and res.alternative.startswith("PrestoCV")
    with pytest.raises(ValueError, match="link"):
        po.lr_test(Xn, yn, alternative=PrestoClassifier(link="probit").fit(Xn, yn))


@pytest.mark.slow
def test_lr_test_is_calibrated_under_proportional_odds():
    # p-values under the null: about 5% below 0.05 (binomial 99.9% band for 300 draws: 4-30)
    pvals = []
    for seed in range(300):
        X, y = _po_data(n=300, p=2, seed=100 + seed)
        pvals.append(ProportionalOddsClassifier().fit(X, y).lr_test(X, y).pvalue)
    n_low = int((np.array(pvals) < 0.05).sum())
    assert 4 <= n_low <= 30, n_low
    assert stats.kstest(pvals, "uniform").pvalue > 1e-3


def _separable(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=300)
    return np.c_[x, rng.normal(size=300)], np.digitize(x, [-0.5, 0.5, 1.5])


def test_separation_warns():
    X, y = _separable()
    with pytest.warns(ConvergenceWarning, match="separated"):
        po = ProportionalOddsClassifier().fit(X, y)
    assert po.separated_
    with pytest.warns(ConvergenceWarning, match="separated"):
        assert PrestoClassifier(lam=0.01, first_block_penalty=0.0).fit(X, y).separated_
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # penalized first block: bounded coefficients, no warning
        assert not PrestoClassifier(lam=0.01).fit(X, y).separated_
        # strong but not separated: large coefficients, no warning
        rng = np.random.default_rng(1)
        Xs = np.c_[X[:, 0] + rng.normal(scale=0.05, size=300), X[:, 1]]
        po = ProportionalOddsClassifier().fit(Xs, y)
        assert not po.separated_ and np.abs(po.coef_).max() > 8
