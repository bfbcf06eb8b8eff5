import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, QuantileRegressor
from sklearn.model_selection import GridSearchCV

from statlearn.quantile import MultiQuantileRegressor, pinball_scorer

Q3 = [0.1, 0.5, 0.9]


@pytest.fixture
def data(rng):
    X = rng.normal(size=(200, 3))
    y = X @ [1.0, -0.5, 0.0] + (1 + np.abs(X[:, 0])) * rng.normal(size=200)
    return X, y


def test_single_level_clones_equal_separate_fits(data):
    X, y = data
    est = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=Q3).fit(X, y)
    assert est.mode_ == "single" and len(est.estimators_) == 3
    for k, t in enumerate(Q3):
        ref = QuantileRegressor(alpha=0.0, quantile=t).fit(X, y).predict(X)
        np.testing.assert_allclose(est.predict_quantiles(X)[:, k], ref)
    np.testing.assert_allclose(est.predict(X), est.predict_quantiles(X)[:, 1])


def test_alpha_parameter_models(data):
    X, y = data
    gbr = GradientBoostingRegressor(loss="quantile", n_estimators=10, random_state=0)
    est = MultiQuantileRegressor(gbr, quantiles=Q3).fit(X, y)
    ref = GradientBoostingRegressor(loss="quantile", alpha=0.9, n_estimators=10, random_state=0).fit(X, y)
    np.testing.assert_allclose(est.predict_quantiles(X)[:, 2], ref.predict(X))
    lgb = pytest.importorskip("lightgbm")
    est = MultiQuantileRegressor(lgb.LGBMRegressor(objective="quantile", n_estimators=10, verbose=-1),
                                 quantiles=Q3).fit(X, y)
    assert est.mode_ == "single"
    assert [e.get_params()["alpha"] for e in est.estimators_] == Q3


def test_quantile_forest_passthrough(data):
    qf = pytest.importorskip("quantile_forest")
    X, y = data
    rf = qf.RandomForestQuantileRegressor(n_estimators=10, random_state=0)
    est = MultiQuantileRegressor(rf, quantiles=Q3).fit(X, y)
    assert est.mode_ == "forest" and len(est.estimators_) == 1
    ref = qf.RandomForestQuantileRegressor(n_estimators=10, random_state=0).fit(X, y)
    np.testing.assert_allclose(est.predict_quantiles(X), ref.predict(X, quantiles=Q3))


def test_errors(data):
    X, y = data
    with pytest.raises(TypeError, match="estimator"):
        MultiQuantileRegressor(LinearRegression()).fit(X, y)
    with pytest.raises(TypeError, match="estimator"):
        MultiQuantileRegressor(HistGradientBoostingRegressor(loss="squared_error")).fit(X, y)
    with pytest.raises(ValueError, match="quantiles"):
        MultiQuantileRegressor(QuantileRegressor(), quantiles=[0.9, 0.1]).fit(X, y)
    with pytest.raises(ValueError, match="quantiles"):
        MultiQuantileRegressor(QuantileRegressor(), quantiles=[0.5, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        MultiQuantileRegressor(QuantileRegressor()).fit(np.where(X > 2, np.nan, X), y)


def test_grid_search(data):
    X, y = data
    est = MultiQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=10), quantiles=Q3)
    gs = GridSearchCV(est, {"estimator__max_depth": [2, 3]}, scoring=pinball_scorer, cv=2).fit(X, y)
    assert gs.best_estimator_.predict_quantiles(X).shape == (200, 3)


def test_linear_quantile_regressor_equals_sklearn(data, rng):
    from statlearn.quantile import LinearQuantileRegressor, pinball_loss

    X, y = data
    X = X * [1.0, 100.0, 0.01] + [0.0, 5.0, -3.0]  # badly scaled columns
    s = rng.uniform(0.5, 2.0, size=y.size)
    est = LinearQuantileRegressor(quantiles=Q3).fit(X, y, sample_weight=s)
    for k, t in enumerate(Q3):
        ref = QuantileRegressor(alpha=0.0, quantile=t).fit(X, y, sample_weight=s)
        ours_loss = pinball_loss(y, est.predict_quantiles(X)[:, [k]], [t], sample_weight=s)
        ref_loss = pinball_loss(y, ref.predict(X)[:, None], [t], sample_weight=s)
        assert ours_loss <= ref_loss + 1e-9
        assert ours_loss == pytest.approx(ref_loss, rel=1e-7)
        np.testing.assert_allclose(est.coef_[k], ref.coef_, rtol=1e-5, atol=1e-7)
        assert est.intercept_[k] == pytest.approx(ref.intercept_, rel=1e-5, abs=1e-6)
    no_int = LinearQuantileRegressor(quantiles=[0.5], fit_intercept=False).fit(X, y)
    assert no_int.intercept_[0] == 0.0
    ref = QuantileRegressor(alpha=0.0, quantile=0.5, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(no_int.coef_[0], ref.coef_, rtol=1e-5, atol=1e-7)
