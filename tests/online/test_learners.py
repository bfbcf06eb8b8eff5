import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from statlearn.online import OnlineRidge, _kernels
from tests.online import _oracles


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.1, 1.0, 25.0])
def test_equals_closed_form_ridge(rng, alpha, fit_intercept):
    X = rng.normal(size=(300, 5)) + 2.0
    y = X @ rng.normal(size=5) + 3.0 + rng.normal(size=300)
    model = OnlineRidge(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
    theta = _oracles.ridge_closed_form(X, y, alpha, fit_intercept)
    np.testing.assert_allclose(model.coef_, theta[:5], rtol=1e-9, atol=1e-10)
    # scikit-learn's Ridge on the augmented design, as a second reference
    Z = np.column_stack([X, np.ones(300)]) if fit_intercept else X
    sk = Ridge(alpha=alpha, fit_intercept=False).fit(Z, y)
    np.testing.assert_allclose(np.r_[model.coef_, model.intercept_] if fit_intercept else model.coef_,
                               sk.coef_, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(model.predict(X), Z @ sk.coef_, rtol=1e-9, atol=1e-9)


def test_prequential_predictions_match_refits(rng):
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, -1.0, 2.0] + rng.normal(size=60)
    model = OnlineRidge(alpha=2.0).fit(X, y)
    expected = [0.0] + [np.r_[X[t], 1.0] @ _oracles.ridge_closed_form(X[:t], y[:t], 2.0) for t in range(1, 60)]
    np.testing.assert_allclose(model.prequential_predictions_, expected, rtol=1e-10, atol=1e-12)


def test_rls_kernel_matches_numpy_twin(rng):
    d = 4
    X = rng.normal(size=(200, d))
    y = rng.normal(size=200)
    P = np.eye(d)
    theta = np.zeros((d, 1))
    preds = np.empty((200, 1))
    _kernels.rls_run(P, theta, X, y.reshape(-1, 1), 1.0, np.empty(d), preds)
    np.testing.assert_allclose(P, np.linalg.inv(np.eye(d) + X.T @ X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(theta[:, 0], _oracles.ridge_closed_form(X, y, 1.0, False), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("beta", [0.9, 0.99])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_forgetting_factor_equals_weighted_ridge(rng, beta, fit_intercept):
    X = rng.normal(size=(150, 3))
    y = X @ np.array([1.0, -1.0, 2.0]) + 0.3 * rng.normal(size=150)
    model = OnlineRidge(alpha=2.0, fit_intercept=fit_intercept, forgetting_factor=beta).fit(X[:80], y[:80])
    model.partial_fit(X[80:], y[80:])
    ref = _oracles.ridge_weighted_closed_form(X, y, 2.0, beta, fit_intercept)
    ours = np.r_[model.coef_, model.intercept_] if fit_intercept else model.coef_
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-10)
    # every prequential forecast is the weighted ridge of the rows before it
    t = 37
    prev = _oracles.ridge_weighted_closed_form(X[:t], y[:t], 2.0, beta, fit_intercept)
    z = np.r_[X[t], 1.0] if fit_intercept else X[t]
    assert model.prequential_predictions_[t] == pytest.approx(z @ prev, rel=1e-9)


def test_forgetting_tracks_drift(rng):
    n = 2000
    X = rng.normal(size=(n, 2))
    w = np.where(np.arange(n)[:, None] < n // 2, [1.0, 1.0], [-1.0, 2.0])
    y = (X * w).sum(axis=1) + 0.1 * rng.normal(size=n)
    plain = OnlineRidge().fit(X, y)
    forget = OnlineRidge(forgetting_factor=0.98).fit(X, y)
    np.testing.assert_allclose(forget.coef_, [-1.0, 2.0], atol=0.05)
    assert np.abs(plain.coef_ - [-1.0, 2.0]).max() > 0.5
    late = slice(n // 2 + 200, n)
    assert np.mean((forget.prequential_predictions_[late] - y[late]) ** 2) < 0.2 * np.mean(
        (plain.prequential_predictions_[late] - y[late]) ** 2)


def test_batches_equal_one_pass_and_learn_one(rng):
    X = rng.normal(size=(101, 3))
    y = rng.normal(size=101)
    one = OnlineRidge().fit(X, y)
    batched = OnlineRidge()
    for chunk in np.array_split(np.arange(101), 7):
        batched.partial_fit(X[chunk], y[chunk])
    single = OnlineRidge()
    for t in range(101):
        assert single.predict_one({"a": X[t, 0], "b": X[t, 1], "c": X[t, 2]}) == pytest.approx(
            one.prequential_predictions_[t], abs=1e-12)
        single.learn_one({"a": X[t, 0], "b": X[t, 1], "c": X[t, 2]}, float(y[t]))
    for other in (batched, single):
        np.testing.assert_allclose(other.coef_, one.coef_, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(other.intercept_, one.intercept_, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(other.prequential_predictions_, one.prequential_predictions_, atol=1e-12)
    assert single.n_samples_seen_ == 101


def test_refit_resets(rng):
    X = rng.normal(size=(50, 2))
    y = rng.normal(size=50)
    m = OnlineRidge().fit(X, y)
    first = m.coef_.copy()
    m.fit(X, y)
    np.testing.assert_array_equal(m.coef_, first)
    assert m.n_samples_seen_ == 50


def test_bad_input(rng):
    X = rng.normal(size=(10, 2))
    y = rng.normal(size=10)
    with pytest.raises(NotFittedError):
        OnlineRidge().predict(X)
    with pytest.raises(ValueError, match="alpha"):
        OnlineRidge(alpha=0.0).fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        OnlineRidge().fit(np.where(X > 1, np.nan, X), y)
    m = OnlineRidge().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.partial_fit(rng.normal(size=(3, 3)), y[:3])
    with pytest.raises(ValueError, match="`x` must have 2 features"):
        m.learn_one([1.0, 2.0, 3.0], 1.0)
    with pytest.raises(ValueError, match="`y` must be a finite"):
        m.learn_one([1.0, 2.0], float("nan"))
    with pytest.raises(ValueError, match="NaN"):
        m.learn_one([1.0, float("inf")], 1.0)
    with pytest.raises(ValueError, match="missing feature"):
        s = OnlineRidge().learn_one({"a": 1.0, "b": 2.0}, 1.0)
        s.learn_one({"a": 1.0}, 1.0)


def test_learn_one_with_numpy_rows(rng):
    X = rng.normal(size=(40, 3))
    y = rng.normal(size=40)
    one = OnlineRidge(fit_intercept=False).fit(X, y)
    m = OnlineRidge(fit_intercept=False)
    for t in range(40):
        m.learn_one(X[t], y[t])
    np.testing.assert_allclose(m.coef_, one.coef_, rtol=1e-12, atol=1e-13)
    assert m.intercept_ == 0.0
    assert m.predict_one(X[0]) == pytest.approx(float(X[0] @ one.coef_))
    with pytest.raises(ValueError, match="NaN"):
        m.learn_one(np.array([1.0, np.nan, 0.0]), 1.0)
    with pytest.raises(ValueError, match="3 features"):
        m.learn_one(np.array([1.0, 0.0]), 1.0)
    np.testing.assert_allclose(m.coef_, one.coef_, rtol=1e-12, atol=1e-13)  # bad rows changed nothing


def test_dict_rows_follow_fitted_feature_names(rng):
    # after fitting on a DataFrame, dict rows are read by the fitted column names, not by the
    # order of the dict's keys (the second forecast must equal the first, and predict's)
    import pandas as pd

    X = rng.normal(size=(100, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=100)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = OnlineRidge().fit(frame, y)
    expected = float(model.predict(frame.iloc[:1])[0])
    row = {"c": X[0, 2], "b": X[0, 1], "a": X[0, 0]}
    assert model.predict_one(row) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="missing feature"):
        OnlineRidge().fit(frame, y).predict_one({"x": 1.0, "y": 2.0, "z": 3.0})
    # learn_one with a reordered dict updates like the same row given in column order
    a = OnlineRidge().fit(frame, y).learn_one(row, 1.0)
    b = OnlineRidge().fit(frame, y).partial_fit(frame.iloc[:1], [1.0])
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12)


def test_infinite_alpha_raises(rng):
    # alpha = inf passed validation and gave a model that never learns (P = 0)
    X = rng.normal(size=(20, 2))
    with pytest.raises(ValueError, match="`alpha`"):
        OnlineRidge(alpha=float("inf")).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="`alpha`"):
        OnlineRidge(alpha=float("inf")).learn_one(X[0], 1.0)


def test_forgetting_is_numerically_stable_on_long_streams(rng):
    # the non-symmetric update of P drifts like beta^-t (1e-6 after 1,200 rows at beta = 0.98)
    X = rng.normal(size=(20_000, 2))
    y = X @ [1.0, 2.0] + rng.normal(size=20_000)
    model = OnlineRidge(forgetting_factor=0.9).fit(X, y)
    ref = _oracles.ridge_weighted_closed_form(X[-3000:], y[-3000:], 1e-300, 0.9)  # older rows weigh < 1e-137
    np.testing.assert_allclose(np.r_[model.coef_, model.intercept_], ref, rtol=1e-10, atol=1e-12)
