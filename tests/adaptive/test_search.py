"""Tests of ReusableHoldoutSearch."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from statlearn._base import check_generator, seed_from
from statlearn.adaptive import BudgetExhausted, ReusableHoldoutSearch, Thresholdout


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=600, n_features=8, n_informative=4, random_state=0)


def test_search_matches_manual_thresholdout(data):
    X, y = data
    grid = {"max_depth": [1, 3, None]}
    search = ReusableHoldoutSearch(DecisionTreeClassifier(random_state=0), grid, holdout_size=0.5,
                                   thresholdout=Thresholdout(random_state=4), refit=False,
                                   random_state=0).fit(X, y)
    # redo by hand: same split, same mechanism seed
    split_seed = seed_from(check_generator(0))
    idx_t, idx_h = train_test_split(np.arange(len(y)), test_size=300, random_state=split_seed)
    thr = Thresholdout(random_state=4)
    answers = []
    for depth in [1, 3, None]:
        est = DecisionTreeClassifier(random_state=0, max_depth=depth).fit(X[idx_t], y[idx_t])
        answers.append(thr.query((est.predict(X[idx_t]) == y[idx_t]).astype(float),
                                 (est.predict(X[idx_h]) == y[idx_h]).astype(float)))
    np.testing.assert_allclose(search.cv_results_["holdout_answer"], answers)
    assert search.best_index_ == int(np.argmax(answers))
    # the unpruned tree fits training data perfectly; its holdout answer must expose that
    assert search.cv_results_["train_score"][2] == 1.0
    assert search.cv_results_["touched_holdout"][2]
    assert search.cv_results_["holdout_answer"][2] < 0.97
    np.testing.assert_array_equal(search.thresholdout_.touched_holdout_, search.cv_results_["touched_holdout"])


def test_search_refit_and_delegation(data):
    X, y = data
    search = ReusableHoldoutSearch(LogisticRegression(), {"C": [0.01, 1.0]}, random_state=0).fit(X, y)
    direct = LogisticRegression(**search.best_params_).fit(X, y)
    np.testing.assert_allclose(search.predict_proba(X), direct.predict_proba(X))
    np.testing.assert_array_equal(search.predict(X), direct.predict(X))
    assert search.score(X, y) > 0.7
    assert not hasattr(ReusableHoldoutSearch(DecisionTreeClassifier()), "decision_function")


def test_thresholdout_parameter_not_mutated_and_budget_shared(data):
    X, y = data
    thr = Thresholdout(budget=1, random_state=0)
    s1 = ReusableHoldoutSearch(DecisionTreeClassifier(random_state=0), {"max_depth": [None]},
                               thresholdout=thr, random_state=0).fit(X, y)
    assert thr.n_queries_ == 0 and thr.budget_remaining_ == 1
    assert s1.thresholdout_.budget_remaining_ == 0
    # second round on the same holdout with the spent mechanism: no candidate can be scored
    with pytest.raises(BudgetExhausted):
        ReusableHoldoutSearch(DecisionTreeClassifier(random_state=0), {"max_depth": [2]},
                              thresholdout=s1.thresholdout_, random_state=0).fit(X, y)


def test_budget_runs_out_mid_search_warns(data):
    X, y = data
    grid = {"max_depth": [None, None, 2], "random_state": [0]}
    with pytest.warns(UserWarning, match="budget ran out after 1"):
        thr = Thresholdout(budget=1, sigma=0.001, random_state=0)
        s = ReusableHoldoutSearch(DecisionTreeClassifier(), grid, thresholdout=thr,
                                  random_state=0).fit(X, y)
    assert np.isnan(s.cv_results_["holdout_answer"][1:]).all()
    assert s.best_index_ == 0


def test_per_sample_score_and_errors(data):
    X, y = data
    s = ReusableHoldoutSearch(LogisticRegression(), per_sample_score=lambda t, p: (t == p) * 0.5,
                              random_state=0).fit(X, y)
    assert s.best_score_ <= 0.5
    with pytest.raises(ValueError, match=r"query values in \[0, 1\]"):
        ReusableHoldoutSearch(LogisticRegression(), per_sample_score=lambda t, p: (t == p) * 2.0).fit(X, y)
    with pytest.raises(ValueError, match="one value per sample"):
        ReusableHoldoutSearch(LogisticRegression(), per_sample_score=lambda t, p: np.ones(3)).fit(X, y)
    with pytest.raises(ValueError, match="`holdout_size`"):
        ReusableHoldoutSearch(LogisticRegression(), holdout_size=1.5).fit(X, y)
    with pytest.raises(TypeError, match="`thresholdout`"):
        ReusableHoldoutSearch(LogisticRegression(), thresholdout="yes").fit(X, y)


def test_nested_params_and_clone(data):
    from sklearn.base import clone

    search = ReusableHoldoutSearch(LogisticRegression(), thresholdout=Thresholdout(budget=3))
    assert search.get_params()["thresholdout__budget"] == 3
    search.set_params(thresholdout__budget=5)
    assert search.thresholdout.budget == 5 and search.thresholdout.budget_remaining_ == 5
    used = Thresholdout(budget=2)
    used.query([0.0] * 10, [1.0] * 10)
    cloned = clone(ReusableHoldoutSearch(LogisticRegression(), thresholdout=used))
    assert cloned.thresholdout.budget_remaining_ == 2  # clone restarts the mechanism
    with pytest.raises(ValueError, match="`foo` is not a parameter of"):
        Thresholdout().set_params(foo=1)
