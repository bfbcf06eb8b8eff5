"""Checks that every public statlearn estimator must pass.

- scikit-learn's ``check_estimator`` suite, via ``parametrize_with_checks``;
- clone, pickle and ``Pipeline`` round trips on a small data set;
- same ``random_state``, same result.

Estimators are discovered automatically (``statlearn._discovery``); areas add
configurations in ``tests/common_instances/<area>.py``.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from statlearn._discovery import all_estimators
from tests.common_instances import load

ESTIMATORS = all_estimators()
_INSTANCES, _EXPECTED_FAILED = load()


def _instances():
    out = []
    for _, cls in ESTIMATORS:
        out.extend(_INSTANCES.get(cls.__name__, None) or [cls()])
    return out


INSTANCES = _instances()


def _expected_failed(estimator):
    return _EXPECTED_FAILED.get(type(estimator).__name__, {})


def test_discovery_finds_estimators():
    # The suite must never silently become empty.
    assert len(ESTIMATORS) >= 1
    names = {cls.__name__ for _, cls in ESTIMATORS}
    unknown = set(_INSTANCES) - names
    assert not unknown, f"common_instances name classes that are not public estimators: {unknown}"


@parametrize_with_checks(INSTANCES, expected_failed_checks=_expected_failed)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _data(estimator):
    if is_classifier(estimator):
        X, y = make_classification(n_samples=120, n_features=4, n_informative=3,
                                   n_redundant=0, random_state=0)
    else:
        X, y = make_regression(n_samples=120, n_features=4, noise=1.0, random_state=0)
    return X, y


def _outputs(est, X):
    out = []
    for method in ("predict", "predict_proba", "transform"):
        if hasattr(est, method):
            out.append(np.asarray(getattr(est, method)(X)))
    return out


def _with_seed(est, seed):
    if "random_state" in est.get_params():
        est = clone(est).set_params(random_state=seed)
    return est


@pytest.mark.parametrize("estimator", INSTANCES, ids=lambda e: type(e).__name__)
def test_clone_pickle_pipeline(estimator):
    X, y = _data(estimator)
    est = _with_seed(clone(estimator), 0)
    params = est.get_params(deep=False)
    fitted = clone(est).fit(X, y)
    # fit must not change constructor parameters
    assert set(fitted.get_params(deep=False)) == set(params)
    expected = _outputs(fitted, X)
    assert expected, "estimator exposes none of predict / predict_proba / transform"

    restored = pickle.loads(pickle.dumps(fitted))
    for a, b in zip(expected, _outputs(restored, X), strict=True):
        np.testing.assert_array_equal(a, b)

    scaler = StandardScaler().fit(X)
    pipe = make_pipeline(StandardScaler(), clone(est)).fit(X, y)
    direct = clone(est).fit(scaler.transform(X), y)
    for a, b in zip(_outputs(direct, scaler.transform(X)), _outputs(pipe, X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "estimator",
    [e for e in INSTANCES if "random_state" in e.get_params()],
    ids=lambda e: type(e).__name__,
)
def test_same_seed_same_result(estimator):
    X, y = _data(estimator)
    a = _outputs(_with_seed(estimator, 7).fit(X, y), X)
    b = _outputs(_with_seed(estimator, 7).fit(X, y), X)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)


def test_estimator_kinds_are_declared():
    for est in INSTANCES:
        assert is_classifier(est) or is_regressor(est) or hasattr(est, "transform"), type(est)
