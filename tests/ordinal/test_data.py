"""Ordinal targets (issue 11: text is never sorted silently) and the data preparation."""

import numpy as np
import pandas as pd
import pytest

from statlearn.datasets import make_presto_data
from statlearn.ordinal import PrestoClassifier, PrestoCV, ProportionalOddsClassifier, presto_path
from statlearn.ordinal._data import encode_target


def test_text_labels_need_an_order():
    X, y = make_presto_data(300, 4, intercepts=(0.0, 1.5, 3.0), random_state=0)
    words = np.array(["none", "low", "mid", "high"])
    for est in (PrestoClassifier(), ProportionalOddsClassifier(), PrestoCV(n_lambdas=3, cv=3)):
        with pytest.raises(ValueError, match="text labels have no order"):
            est.fit(X, words[y])
    with pytest.raises(ValueError, match="text labels have no order"):
        presto_path(X, words[y], n_lambdas=2)
    # with the order given: the fit equals the integer fit, classes_ in that order
    est = PrestoClassifier(classes=list(words)).fit(X, words[y])
    np.testing.assert_array_equal(est.classes_, words)
    np.testing.assert_allclose(est.predict_proba(X), PrestoClassifier().fit(X, y).predict_proba(X))
    assert set(est.predict(X)) <= set(words)
    cv = PrestoCV(n_lambdas=3, cv=3, random_state=0, classes=list(words)).fit(X, words[y])
    np.testing.assert_array_equal(cv.classes_, words)


def test_numeric_strings_are_ordered_as_numbers():
    codes, classes = encode_target(np.array(["2", "10", "3", "10", "2"]))
    np.testing.assert_array_equal(classes, ["2", "3", "10"])
    np.testing.assert_array_equal(codes, [0, 2, 1, 2, 0])
    X, y = make_presto_data(300, 4, intercepts=(0.0, 1.5, 3.0), random_state=1)
    labels = np.array(["1", "2", "10", "20"])
    est = ProportionalOddsClassifier().fit(X, labels[y])
    np.testing.assert_array_equal(est.classes_, labels)
    np.testing.assert_allclose(est.coef_, ProportionalOddsClassifier().fit(X, y).coef_)


def test_categoricals_and_bad_orders():
    y = np.array(["b", "a", "c", "a"])
    with pytest.raises(ValueError, match="unordered"):
        encode_target(pd.Categorical(y))
    codes, classes = encode_target(pd.Categorical(y, categories=["c", "b", "a"], ordered=True))
    np.testing.assert_array_equal(classes, ["c", "b", "a"])
    np.testing.assert_array_equal(codes, [1, 2, 0, 2])
    with pytest.raises(ValueError, match="have no sample"):
        encode_target(pd.Categorical(y, categories=["d", "c", "b", "a"], ordered=True))
    with pytest.raises(ValueError, match="have no sample"):
        encode_target(y, classes=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="`classes`"):
        encode_target(y, classes=["a", "b"])  # "c" is not in classes
    with pytest.raises(ValueError, match="None"):
        encode_target(None)
    with pytest.raises(ValueError, match="at least 2"):
        encode_target(np.zeros(5))
