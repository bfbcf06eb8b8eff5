"""Quantile models inside real scikit-learn workflows (issue 18)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import QuantileRegressor
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from statlearn.quantile import (
    ConformalQuantileRegressor,
    LinearQuantileRegressor,
    MultiQuantileRegressor,
    NonCrossingQuantileRegressor,
    QuantileAggregator,
    pinball_scorer,
    weighted_interval_score,
    weighted_interval_scorer,
)

Q3 = [0.1, 0.5, 0.9]


def _hgb(**kw):
    return HistGradientBoostingRegressor(loss="quantile", max_iter=10, random_state=0, **kw)


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 300
    city = rng.choice(["a", "b", "c"], size=n)
    x = rng.normal(size=n)
    y = x + (city == "b") * 2.0 + rng.normal(size=n) * (1 + (city == "c"))
    X = pd.DataFrame({"x": x, "z": rng.normal(size=n), "city": pd.Categorical(city)})
    return X, y


def test_grid_search_over_a_pipeline_scores_equal_a_hand_loop(frame):
    X, y = frame
    X = X[["x", "z"]]
    pipe = make_pipeline(StandardScaler(), MultiQuantileRegressor(_hgb(), quantiles=Q3))
    cv = KFold(3, shuffle=True, random_state=0)
    gs = GridSearchCV(pipe, {"multiquantileregressor__estimator__max_iter": [5, 10]},
                      scoring=weighted_interval_scorer, cv=cv).fit(X, y)
    scores = gs.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    for i, mi in enumerate([5, 10]):
        hand = []
        for tr, te in cv.split(X):
            p = clone(pipe).set_params(multiquantileregressor__estimator__max_iter=mi).fit(X.iloc[tr], y[tr])
            Q = p[-1].predict_quantiles(p[0].transform(X.iloc[te]))
            hand.append(-weighted_interval_score(y[te], Q, Q3))
        assert scores[i] == pytest.approx(np.mean(hand), rel=1e-12)
    res = cross_validate(pipe, X, y, cv=cv, scoring={"wis": weighted_interval_scorer, "pin": pinball_scorer})
    assert np.isfinite(res["test_wis"]).all() and np.isfinite(res["test_pin"]).all()


@pytest.mark.parametrize("last", ["multi", "single"])
def test_pipelines_are_accepted_as_base_models(frame, last):
    X, y = frame
    X = X[["x", "z"]].to_numpy()
    end = MultiQuantileRegressor(_hgb(), quantiles=Q3) if last == "multi" else _hgb()
    pipe = make_pipeline(StandardScaler(), end)
    agg = QuantileAggregator([pipe, LinearQuantileRegressor()], quantiles=Q3, cv=3, random_state=0).fit(X, y)
    assert agg.predict_quantiles(X[:5]).shape == (5, 3)
    cqr = ConformalQuantileRegressor(pipe, quantiles=Q3, random_state=0).fit(X, y)
    assert np.isfinite(cqr.predict_quantiles(X[:5])).all()
    nc = NonCrossingQuantileRegressor(pipe, quantiles=Q3).fit(X, y)
    assert nc.predict_quantiles(X[:5]).shape == (5, 3)
    # the pipeline gives the same model as its steps run by hand
    ref = make_pipeline(StandardScaler(), MultiQuantileRegressor(_hgb(), quantiles=Q3)).fit(X, y)
    want = np.sort(ref[-1].predict_quantiles(ref[0].transform(X[:5])), axis=1)
    np.testing.assert_allclose(nc.predict_quantiles(X[:5]), want, rtol=1e-12)


def test_native_nan_and_categorical_columns_reach_the_base(frame):
    X, y = frame
    X = X.copy()
    X.loc[::7, "x"] = np.nan
    est = MultiQuantileRegressor(_hgb(), quantiles=Q3).fit(X, y)
    ref = _hgb(quantile=0.5).fit(X, y)  # HGB handles NaN and the categorical column itself
    np.testing.assert_array_equal(est.predict_quantiles(X)[:, 1], ref.predict(X))
    assert list(est.feature_names_in_) == ["x", "z", "city"]
    with pytest.raises(ValueError, match="feature names"):  # a reordered frame is refused
        est.predict_quantiles(X[["city", "x", "z"]])
    for wrapper in (NonCrossingQuantileRegressor(_hgb(), quantiles=Q3),
                    ConformalQuantileRegressor(_hgb(), quantiles=Q3, random_state=0),
                    QuantileAggregator([_hgb()], quantiles=Q3, cv=3, random_state=0)):
        assert np.isfinite(wrapper.fit(X, y).predict_quantiles(X)).all()
    # a base that refuses NaN still gets a clear error
    with pytest.raises(ValueError, match="NaN"):
        MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=Q3).fit(X[["x", "z"]], y)


def test_named_estimators_follow_the_composition_convention(frame):
    X, y = frame
    X = X[["x", "z"]].to_numpy()
    agg = QuantileAggregator([("hgb", _hgb()), ("lin", LinearQuantileRegressor())], quantiles=Q3, cv=3,
                             random_state=0)
    params = agg.get_params()
    assert params["hgb__max_iter"] == 10 and "lin__fit_intercept" in params
    agg.set_params(hgb__max_iter=5)
    assert agg.get_params()["hgb__max_iter"] == 5
    agg.set_params(lin=LinearQuantileRegressor(fit_intercept=False))
    assert agg.estimators[1][1].fit_intercept is False
    agg.fit(X, y)
    assert set(agg.named_estimators_) == {"hgb", "lin"}
    assert agg.named_estimators_["hgb"] is agg.estimators_[0]
    gs = GridSearchCV(agg, {"hgb__max_iter": [3, 6]}, scoring=weighted_interval_scorer, cv=2).fit(X, y)
    assert gs.best_params_["hgb__max_iter"] in (3, 6)
    assert clone(agg).get_params()["hgb__max_iter"] == 5
    unnamed = QuantileAggregator([_hgb(), _hgb(), LinearQuantileRegressor()], quantiles=Q3, cv=3).fit(X, y)
    assert list(unnamed.named_estimators_) == ["histgradientboostingregressor-1", "histgradientboostingregressor-2",
                                               "linearquantileregressor"]
    with pytest.raises(ValueError, match="names"):
        QuantileAggregator([("a", _hgb()), ("a", _hgb())], quantiles=Q3).fit(X, y)


def test_string_y_is_refused_clearly():
    X = np.arange(20.0)[:, None]
    with pytest.raises(TypeError, match="`y` must contain numbers"):
        LinearQuantileRegressor().fit(X, np.array(["a", "b"] * 10))


def test_column_transformer_aggregator_conformal_grid_search_equals_hand_loop(frame):
    """The gallery flow: DataFrame -> ColumnTransformer -> aggregated model -> conformal -> GridSearchCV."""
    X, y = frame
    prep = make_column_transformer((OneHotEncoder(), ["city"]), remainder="passthrough")
    agg = QuantileAggregator([("hgb", _hgb()), ("lin", LinearQuantileRegressor())], quantiles=Q3, cv=3,
                             random_state=0)
    model = ConformalQuantileRegressor(make_pipeline(prep, agg), quantiles=Q3, random_state=0)
    grid = {"estimator__quantileaggregator__weights": ["coarse", "medium"]}
    cv = KFold(3, shuffle=True, random_state=1)
    gs = GridSearchCV(model, grid, scoring=weighted_interval_scorer, cv=cv).fit(X, y)
    scores = gs.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    for i, w in enumerate(["coarse", "medium"]):
        hand = [-weighted_interval_score(y[te], clone(model).set_params(**{next(iter(grid)): w})
                                         .fit(X.iloc[tr], y[tr]).predict_quantiles(X.iloc[te]), Q3)
                for tr, te in cv.split(X)]
        assert scores[i] == pytest.approx(np.mean(hand), rel=1e-12)
