"""PrestoCV: the self-extending grid, edge warnings, the reported curve, links."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from statlearn.datasets import make_presto_data
from statlearn.ordinal import PrestoClassifier, PrestoCV


def _strong(n=2000, seed=0):
    # large n and strong non-parallel effects: the best lam is far below lambda_max
    return make_presto_data(n, 5, effect=1.0, intercepts=(0.0, 2.0, 4.0), random_state=seed)


def test_grid_extends_below_an_edge_choice():
    X, y = _strong()
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the extension finds an interior minimum: no warning
        cv = PrestoCV(n_lambdas=4, lambda_min_ratio=0.3, cv=splits, tol=1e-9, max_grid_extensions=6).fit(X, y)
    lam = cv.lambdas_
    assert cv.n_grid_extensions_ >= 1 and lam.size > 4
    assert np.all(np.diff(lam) < 0)
    np.testing.assert_allclose(lam[1:] / lam[:-1], lam[1] / lam[0])  # the grid's own spacing
    assert 0 < cv.best_index_ < lam.size - 1
    for key in ("mean_score", "std_score", "se_score"):
        assert cv.cv_results_[key].shape == lam.shape
    assert cv.cv_results_["split_scores"].shape == (3, lam.size)
    # the warm-started extension equals cross-validating the whole grid at once
    ref = PrestoCV(lambdas=lam, cv=splits, tol=1e-9).fit(X, y)
    np.testing.assert_allclose(cv.cv_results_["mean_score"], ref.cv_results_["mean_score"], rtol=1e-6)
    assert ref.lam_ == cv.lam_
    np.testing.assert_allclose(cv.se_score if hasattr(cv, "se_score") else cv.cv_results_["se_score"],
                               cv.cv_results_["std_score"] / np.sqrt(3))


def test_edge_choices_warn():
    X, y = _strong()
    with pytest.warns(UserWarning, match="smallest lam"):
        PrestoCV(n_lambdas=3, lambda_min_ratio=0.5, cv=3, random_state=0, max_grid_extensions=0).fit(X, y)
    lmax = PrestoClassifier().lambda_max(X, y)
    with pytest.warns(UserWarning, match="given `lambdas`"):
        PrestoCV(lambdas=lmax * np.array([0.5, 0.4]), cv=3, random_state=0).fit(X, y)
    # lam >= lambda_max is the fully shrunk model: a genuine choice at the top, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        cv = PrestoCV(lambdas=lmax * np.array([4.0, 2.0]), cv=3, random_state=0).fit(X, y)
    assert cv.best_index_ == 0


def test_selection_rules_and_reported_curve():
    X, y = make_presto_data(600, 5, intercepts=(0.0, 1.5, 3.0), random_state=2)
    cv = PrestoCV(n_lambdas=10, cv=4, random_state=0, select="1se").fit(X, y)
    res = cv.cv_results_
    m, se = res["mean_score"], res["se_score"]
    i_min = res["index_min"]
    assert m[i_min] == m.min()
    assert cv.best_index_ == res["index_1se"] <= i_min
    assert m[cv.best_index_] <= m[i_min] + se[i_min]
    assert res["scoring"] == "log_loss"  # the default (user guide, "Defaults of PrestoCV")


@pytest.mark.parametrize("link", ["probit", "cloglog"])
def test_link_reaches_the_folds_and_the_refit(link):
    X, y = make_presto_data(400, 4, intercepts=(0.0, 1.5, 3.0), random_state=4)
    cv = PrestoCV(n_lambdas=4, cv=3, random_state=0, link=link).fit(X, y)
    assert cv.link_ == cv.best_estimator_.link_ == link
    ref = PrestoClassifier(lam=cv.lam_, link=link, first_block_penalty=cv.first_block_penalty).fit(X, y)
    np.testing.assert_allclose(cv.predict_proba(X), ref.predict_proba(X), atol=1e-6)


def test_cv_argument_is_validated():
    X, y = make_presto_data(200, 3, intercepts=(0.0, 1.5, 3.0), random_state=0)
    for bad in ("five", 1, 2.5):
        with pytest.raises((ValueError, TypeError), match="`cv`"):
            PrestoCV(cv=bad).fit(X, y)
