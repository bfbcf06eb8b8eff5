import numpy as np
import pytest

from statlearn.datasets import make_grouped_regression


def test_shapes_and_membership():
    X, y, groups = make_grouped_regression(n_samples=5000, random_state=0)
    assert X.shape == (5000, 25) and y.shape == (5000,)
    assert list(groups.columns) == ["circle", "square", "triangle", "green", "red"]
    g = groups.to_numpy()
    assert (g[:, :3].sum(axis=1) == 1).all() and (g[:, 3:].sum(axis=1) == 1).all()
    np.testing.assert_array_equal(X[:, 20:], g.astype(float))
    assert y.min() == 0.0 and y.max() == 1.0
    # the paper's group probabilities
    np.testing.assert_allclose(g.mean(axis=0), [0.5, 0.3, 0.2, 0.6, 0.4], atol=0.025)


def test_label_rules_are_ordered_and_reproducible():
    kw = {"n_samples": 500, "scale": False, "noise": 0.0, "random_state": 3}
    lo = make_grouped_regression(label="min", **kw)[1]
    mid = make_grouped_regression(label="mean", **kw)[1]
    hi = make_grouped_regression(label="max", **kw)[1]
    first = make_grouped_regression(label="first", **kw)[1]
    assert (lo <= mid + 1e-12).all() and (mid <= hi + 1e-12).all()
    # the first active group's label is one of the two active labels
    assert (np.isclose(first, lo) | np.isclose(first, hi)).all()
    a = make_grouped_regression(n_samples=100, random_state=1)
    b = make_grouped_regression(n_samples=100, random_state=1)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    X, _, _ = make_grouped_regression(n_samples=100, n_features=4, include_indicators=False, random_state=1)
    assert X.shape == (100, 4)


def test_bad_input():
    with pytest.raises(ValueError, match="label"):
        make_grouped_regression(label="median")
    with pytest.raises(ValueError, match="n_samples"):
        make_grouped_regression(n_samples=1)
