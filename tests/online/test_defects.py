"""Reproductions of the issue-11 and review defects of statlearn.online (each failed before its fix)."""

import numpy as np
import pandas as pd
import pytest

from statlearn.online import GroupwiseRegressor, OnlineRidge, group_regret, group_regret_curves


def _data(rng, n=120, d=3):
    X = rng.normal(size=(n, d))
    groups = np.column_stack([X[:, 0] > 0, X[:, 1] > 0])
    y = X @ np.array([1.0, -1.0, 0.5]) + 0.1 * rng.normal(size=n)
    return X, y, groups


@pytest.mark.parametrize("make", [OnlineRidge, GroupwiseRegressor])
def test_object_y_with_none_raises(rng, make):
    X, y, groups = _data(rng)
    y_obj = y.astype(object)
    y_obj[5] = None
    kw = {} if make is OnlineRidge else {"groups": groups}
    with pytest.raises(ValueError, match="`y`"):
        make().fit(X, y_obj, **kw)
    model = make().fit(X[:50], y[:50], **kw if make is OnlineRidge else {"groups": groups[:50]})
    before = model.predict(X, **kw)
    with pytest.raises(ValueError, match="`y`"):
        model.partial_fit(X, y_obj, **kw)
    np.testing.assert_array_equal(model.predict(X, **kw), before)  # a refused batch leaves the state alone


def test_set_params_after_fit_changes_no_prediction(rng):
    X, y, groups = _data(rng)
    y = y + 3.0
    ridge = OnlineRidge().fit(X, y)
    before = ridge.predict(X)
    np.testing.assert_array_equal(ridge.set_params(fit_intercept=False).predict(X), before)
    gw = GroupwiseRegressor().fit(X, y, groups=groups)
    before = gw.predict(X, groups=groups)
    gw.set_params(base=OnlineRidge(fit_intercept=False), clip=(0.0, 0.1))
    np.testing.assert_array_equal(gw.predict(X, groups=groups), before)


@pytest.mark.parametrize("param, value", [("clip", (0.0, 0.5)), ("base", OnlineRidge(alpha=5.0)),
                                          ("method", "hedge")])
def test_stream_parameters_changed_before_partial_fit_raise(rng, param, value):
    X, y, groups = _data(rng)
    gw = GroupwiseRegressor().fit(X[:60], y[:60], groups=groups[:60])
    gw.set_params(**{param: value})
    with pytest.raises(ValueError, match=f"`{param}`.*fit"):
        gw.partial_fit(X[60:], y[60:], groups=groups[60:])


def test_huge_prediction_raises_in_regret(rng):
    X, y, groups = _data(rng)
    pred = y.copy()
    pred[3] = 1e300
    for fn in (group_regret, group_regret_curves):
        with pytest.raises(ValueError, match="`predictions`"):
            fn(y, pred, X, groups)


def test_array_fitted_groups_accept_dataframe_groups(rng):
    X, y, groups = _data(rng)
    gw = GroupwiseRegressor().fit(X, y, groups=groups)
    frame = pd.DataFrame(groups, columns=["a", "b"])
    np.testing.assert_array_equal(gw.predict(X, groups=frame), gw.predict(X, groups=groups))


def test_dataframe_groups_matched_by_name_expanded_and_na_raises(rng):
    X, y, _ = _data(rng)
    frame = pd.DataFrame({"pos": X[:, 0] > 0, "band": pd.Categorical(np.where(X[:, 1] > 0, "hi", "lo"))})
    gw = GroupwiseRegressor().fit(X, y, groups=frame)
    assert gw.group_names_ == ["pos", "band=hi", "band=lo"]
    np.testing.assert_array_equal(gw.predict(X, groups=frame[["band", "pos"]]), gw.predict(X, groups=frame))
    bad = frame.copy()
    bad["band"] = bad["band"].astype(object)
    bad.loc[2, "band"] = None
    with pytest.raises(ValueError, match="groups"):
        gw.predict(X, groups=bad)


def test_coef_is_not_a_live_view(rng):
    X, y, groups = _data(rng)
    ridge = OnlineRidge().fit(X[:60], y[:60])
    coef = ridge.coef_
    snapshot = coef.copy()
    ridge.partial_fit(X[60:], y[60:])
    np.testing.assert_array_equal(coef, snapshot)
    gw = GroupwiseRegressor().fit(X[:60], y[:60], groups=groups[:60])
    coef = gw.coef_
    snapshot = coef.copy()
    gw.partial_fit(X[60:], y[60:], groups=groups[60:])
    np.testing.assert_array_equal(coef, snapshot)


def test_predict_one_refuses_nan(rng):
    X, y, _ = _data(rng)
    ridge = OnlineRidge().fit(X, y)
    with pytest.raises(ValueError, match="`x`"):
        ridge.predict_one(np.array([np.nan, 0.0, 1.0]))
    with pytest.raises(ValueError, match="`x`"):
        ridge.predict_one({"x0": 1.0, "x1": np.inf, "x2": 0.0})
