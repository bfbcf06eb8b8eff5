"""Checks that every public statlearn estimator and object must pass.

Estimators (``statlearn._discovery.all_estimators``):

- scikit-learn's ``check_estimator`` suite, via ``parametrize_with_checks``;
- the discovered count equals the ``N_ESTIMATORS`` each area declares;
- fit keeps every constructor parameter's value; clone, pickle and
  ``Pipeline`` round trips; same ``random_state``, same result;
- fitted state only: ``set_params(p=other)`` after ``fit`` and without a refit
  changes no prediction (or the prediction raises, saying a refit is needed),
  for every parameter and alternative values derived from
  ``_parameter_constraints``.

Objects (``statlearn._discovery.all_objects``: policies, environments,
mechanisms, ...), registered as ``OBJECT_INSTANCES``: clone, pickle mid-use,
get/set_params round trip, same seed same result, repr.

Areas configure both in ``tests/common_instances/<area>.py`` (see its
``__init__`` for the hooks).
"""

import numbers
import pickle
import re
from collections import Counter

import joblib
import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from statlearn._discovery import AREAS, all_estimators, all_objects
from statlearn._validation import Interval, Options
from tests.common_instances import load_hooks

ESTIMATORS = all_estimators()
OBJECTS = all_objects()
HOOKS = load_hooks()
PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
                   "predict_quantiles", "predict_interval", "transform")


def _instances():
    out = []
    for _, cls in ESTIMATORS:
        out.extend(HOOKS.instances.get(cls.__name__, None) or [cls()])
    return out


INSTANCES = _instances()
OBJECT_CASES = [(obj, run) for area in AREAS for obj, run in HOOKS.object_instances.get(area, [])]


def _expected_failed(estimator):
    return HOOKS.expected_failed.get(type(estimator).__name__, {})


def _same(a, b, path="result"):
    """Assert two results are identical: arrays, numbers, containers, generators, plain objects."""
    if isinstance(a, np.random.Generator):
        assert isinstance(b, np.random.Generator), path
        assert a.bit_generator.state == b.bit_generator.state, f"{path}: generator states differ"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{path}: keys differ"
        for k in a:
            _same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b), f"{path}: lengths differ"
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _same(u, v, f"{path}[{i}]")
    elif isinstance(a, np.ndarray | numbers.Number | np.generic | str | bytes) or a is None:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=path)
    elif hasattr(a, "__dict__"):
        assert type(a) is type(b), f"{path}: types differ"
        _same(vars(a), vars(b), f"{path}.__dict__")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


# --------------------------------------------------------------------------- #
# discovery
# --------------------------------------------------------------------------- #
def test_discovery_finds_estimators():
    # The suite must never silently become empty.
    assert len(ESTIMATORS) >= 1
    names = {cls.__name__ for _, cls in ESTIMATORS}
    unknown = set(HOOKS.instances) - names
    assert not unknown, f"common_instances name classes that are not public estimators: {unknown}"
    for hook in (HOOKS.fitted_state_values, HOOKS.fitted_state_skip):
        assert not set(hook) - names, f"fitted-state hooks name unknown estimators: {set(hook) - names}"


@pytest.mark.parametrize("area", AREAS)
def test_discovered_estimator_count(area):
    assert area in HOOKS.n_estimators, f"tests/common_instances/{area}.py must declare N_ESTIMATORS"
    found = sorted(name for name, _ in ESTIMATORS if name.split(".")[0] == area)
    assert len(found) == HOOKS.n_estimators[area], (
        f"{area}: {len(found)} public estimators discovered {found}, "
        f"N_ESTIMATORS declares {HOOKS.n_estimators[area]}"
    )


def test_every_public_object_is_registered():
    registered = Counter(type(obj) for obj, _ in OBJECT_CASES)
    public = {cls for _, cls in OBJECTS}
    missing = sorted(name for name, cls in OBJECTS if not registered[cls])
    assert not missing, f"public objects with get_params but no OBJECT_INSTANCES entry: {missing}"
    extra = sorted(cls.__name__ for cls in registered if cls not in public)
    assert not extra, f"OBJECT_INSTANCES registers classes that are not public objects: {extra}"


# --------------------------------------------------------------------------- #
# scikit-learn estimators
# --------------------------------------------------------------------------- #
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


def _param_hashes(est):
    return {k: joblib.hash(v) for k, v in est.get_params(deep=True).items()}


@pytest.mark.parametrize("estimator", INSTANCES, ids=lambda e: type(e).__name__)
def test_clone_pickle_pipeline(estimator):
    X, y = _data(estimator)
    est = _with_seed(clone(estimator), 0)
    before = _param_hashes(est)
    fitted = est.fit(X, y)
    # fit must not change constructor parameters: the same names and the same values
    after = _param_hashes(fitted)
    assert after.keys() == before.keys()
    changed = sorted(k for k in before if before[k] != after[k])
    assert not changed, f"fit changed the value of constructor parameter(s) {changed}"
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


# --------------------------------------------------------------------------- #
# fitted state: set_params without refit changes no prediction
# --------------------------------------------------------------------------- #
def _number_alternatives(interval, current):
    base = current if isinstance(current, numbers.Real) and not isinstance(current, bool) \
        and np.isfinite(current) else None
    pool = [] if base is None else [base * 2, base / 2, base + 1, base - 1]
    pool += [1, 2, 0.5, 0.1, 0.9, 3, 10]
    pool += [b for b in (interval.left, interval.right) if b is not None]
    if interval.left is not None and interval.right is not None:
        pool.append((interval.left + interval.right) / 2)
    if interval.kind == "integral":
        pool = [int(v) for v in pool if float(v).is_integer()]
    out = []
    for v in pool:
        if v in interval and v != current and v not in out:
            out.append(v)
    return out[:2]


def _estimator_alternatives(outer, current):
    if current is None:
        return [DummyClassifier() if is_classifier(outer) else DummyRegressor()]
    return [DummyClassifier() if is_classifier(current) else DummyRegressor()]


def _type_alternatives(cls, current):
    """A value of a type constraint: a number for numeric types, a default instance for classes."""
    if cls in (numbers.Integral, int):
        return [current + 1 if isinstance(current, numbers.Integral) else 1]
    if cls in (numbers.Real, float):
        return [current * 2 if isinstance(current, numbers.Real) and current else 1.0]
    if hasattr(cls, "get_params") and current is None:
        try:
            return [cls()]
        except TypeError:  # needs arguments
            return []
    return []


def _value_alternatives(current):
    """For a parameter no constraint declares: another value of the same simple type."""
    if isinstance(current, bool | np.bool_):
        return [not current]
    if isinstance(current, numbers.Integral):
        return [current + 1]
    if isinstance(current, numbers.Real) and np.isfinite(current):
        return [current * 2 if current else 1.0]
    return []


def _alternatives(estimator, param, current):
    """Values other than ``current`` that the declared constraints of ``param`` allow."""
    constraints = getattr(estimator, "_parameter_constraints", {})
    if param not in constraints:
        return _value_alternatives(current)
    out = []
    for c in constraints[param]:
        if c is None:
            out += [] if current is None else [None]
        elif isinstance(c, Interval):
            out += _number_alternatives(c, current)
        elif isinstance(c, Options):
            out += [v for v in c.values if v != current]
        elif c == "boolean":
            out.append(not current)
        elif c == "random_state":
            out.append(current + 1 if isinstance(current, numbers.Integral) else 0)
        elif c == "cv_object":
            out.append(current + 1 if isinstance(current, numbers.Integral) else 3)
        elif c == "estimator":
            out += _estimator_alternatives(estimator, current)
        elif isinstance(c, type):
            out += _type_alternatives(c, current)
    unique = []
    for v in out:
        if not any(v is u or (type(v) is type(u) and not hasattr(v, "fit") and v == u) for u in unique):
            unique.append(v)
    return unique


def _record(est, X, y):
    out = {}
    for method in PREDICT_METHODS:
        if hasattr(est, method):
            try:
                out[method] = getattr(est, method)(X)
            except (TypeError, ValueError):  # needs more arguments than X (e.g. groups)
                continue
    if hasattr(est, "score"):
        out["score"] = est.score(X, y)
    return out


def _refit_error(exc) -> bool:
    """A NotFittedError / ValueError whose message asks for a new fit."""
    says_refit = re.search(r"refit|fit again|call `fit`", str(exc), flags=re.IGNORECASE)
    return isinstance(exc, NotFittedError | ValueError) and says_refit is not None


def _compare_after_set_params(fitted, X, y, param, value, baseline):
    est = pickle.loads(pickle.dumps(fitted))
    est.set_params(**{param: value})
    problems = []
    for method, expected in baseline.items():
        try:
            got = est.score(X, y) if method == "score" else getattr(est, method)(X)
        except Exception as exc:
            if not _refit_error(exc):
                problems.append(f"{param}={value!r}: {method} raised {type(exc).__name__}: {exc}")
            continue
        try:
            _same(expected, got, method)
        except AssertionError:
            diff = np.max(np.abs(np.asarray(expected, float) - np.asarray(got, float)))
            problems.append(f"{param}={value!r}: {method} changed (max abs difference {diff:.3g})")
    return problems


@pytest.mark.parametrize("estimator", INSTANCES, ids=lambda e: type(e).__name__)
def test_set_params_without_refit_changes_no_prediction(estimator):
    X, y = _data(estimator)
    name = type(estimator).__name__
    fitted = _with_seed(clone(estimator), 0).fit(X, y)
    baseline = _record(fitted, X, y)
    assert baseline, "no prediction method could be called with X alone"
    overrides = HOOKS.fitted_state_values.get(name, {})
    skip = HOOKS.fitted_state_skip.get(name, {})
    problems, uncovered = [], []
    for param, current in fitted.get_params(deep=False).items():
        if param in skip:
            continue
        values = overrides.get(param, None)
        values = _alternatives(fitted, param, current) if values is None else values
        uncovered += [] if values else [param]
        for value in values:
            problems += _compare_after_set_params(fitted, X, y, param, value, baseline)
    assert not uncovered, (f"{name}: no alternative value for {uncovered}; give some in FITTED_STATE_VALUES "
                           "(or a reason in FITTED_STATE_SKIP) in tests/common_instances/<area>.py")
    assert not problems, f"{name} reads constructor parameters at predict time:\n" + "\n".join(problems)


def test_alternatives_are_derived_from_constraints():
    class Probe:
        _parameter_constraints = {
            "k": [Interval("integral", 1, 5)], "rate": [Interval("real", 0, 1, closed="neither")],
            "kind": [Options("a", "b", "c")], "flag": ["boolean"], "seed": ["random_state"],
            "cv": ["cv_object"], "jobs": [None, Interval("integral", None, None)],
        }

    p = Probe()
    assert _alternatives(p, "k", 5) == [4, 1]
    assert all(0 < v < 1 and v != 0.5 for v in _alternatives(p, "rate", 0.5))
    assert _alternatives(p, "kind", "b") == ["a", "c"]
    assert _alternatives(p, "flag", False) == [True]
    assert _alternatives(p, "seed", None) == [0] and _alternatives(p, "seed", 3) == [4]
    assert _alternatives(p, "cv", 5) == [6]
    assert _alternatives(p, "jobs", None) == [1, 2] and _alternatives(p, "jobs", 1)[0] is None
    assert _alternatives(p, "undeclared", 3) == [4] and _alternatives(p, "undeclared", True) == [False]
    assert _alternatives(p, "undeclared", None) == []
    Probe._parameter_constraints = {"n": [None, numbers.Integral], "base": [None, StandardScaler]}
    assert _alternatives(p, "n", None) == [1] and _alternatives(p, "n", 2) == [None, 3]
    assert [type(v) for v in _alternatives(p, "base", None)] == [StandardScaler]


# --------------------------------------------------------------------------- #
# non-scikit-learn objects (OBJECT_INSTANCES)
# --------------------------------------------------------------------------- #
def _object_id(case):
    return type(case[0]).__name__


def _seeded(obj, seed):
    obj = clone(obj)
    if "random_state" in obj.get_params(deep=False):
        obj.set_params(random_state=seed)
    return obj


@pytest.mark.parametrize("case", OBJECT_CASES, ids=_object_id)
def test_object_clone(case):
    obj, run = case
    copy = clone(obj)
    assert type(copy) is type(obj) and copy is not obj
    assert _param_hashes(copy) == _param_hashes(obj)
    _same(run(_seeded(obj, 3)), run(_seeded(copy, 3)))


@pytest.mark.parametrize("case", OBJECT_CASES, ids=_object_id)
def test_object_pickle_mid_use(case):
    obj, run = case
    used = _seeded(obj, 5)
    run(used)
    restored = pickle.loads(pickle.dumps(used))
    assert repr(restored) == repr(used)
    _same(run(used), run(restored))


@pytest.mark.parametrize("case", OBJECT_CASES, ids=_object_id)
def test_object_params_round_trip(case):
    obj, _ = case
    params = obj.get_params(deep=False)
    other = clone(obj)
    assert other.set_params(**params) is other
    assert _param_hashes(other) == _param_hashes(obj)
    with pytest.raises(ValueError, match="not_a_parameter"):
        other.set_params(not_a_parameter=1)


@pytest.mark.parametrize("case", [c for c in OBJECT_CASES if "random_state" in c[0].get_params(deep=False)],
                         ids=_object_id)
def test_object_same_seed_same_result(case):
    obj, run = case
    _same(run(_seeded(obj, 11)), run(_seeded(obj, 11)))
    if type(obj).__name__ in HOOKS.seed_independent:
        return
    results = [run(_seeded(obj, seed)) for seed in range(5)]
    differ = 0
    for r in results[1:]:
        try:
            _same(results[0], r)
        except AssertionError:
            differ += 1
    assert differ, ("run(obj) gives the same result for five seeds: make it exercise the random_state, "
                    "or declare the class in SEED_INDEPENDENT with the reason")


@pytest.mark.parametrize("case", OBJECT_CASES, ids=_object_id)
def test_object_repr(case):
    obj, _ = case
    text = repr(obj)
    assert text.startswith(type(obj).__name__ + "(") and text.endswith(")"), text
    assert repr(clone(obj)) == text
