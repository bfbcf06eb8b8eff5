"""
Quantile models in a scikit-learn workflow: DataFrame, Pipeline, GridSearchCV
=============================================================================

A data scientist's path through the quantile tools on a real table with
categorical columns (the ``diamonds`` prices shipped with statlearn):

1. a :class:`~sklearn.compose.ColumnTransformer` one-hot encodes the three
   categorical columns (cut, color, clarity) and passes the six numeric ones
   through, inside a :class:`~sklearn.pipeline.Pipeline`;
2. the pipeline ends in a :class:`~statlearn.quantile.QuantileAggregator` of two
   *named* base models (linear quantile regression and gradient boosting per
   level), so ``hgb__...`` parameters can be tuned;
3. :class:`~statlearn.quantile.ConformalQuantileRegressor` wraps the whole
   pipeline (the statlearn wrapper goes outermost: it calibrates every level on
   held-out rows and returns non-crossing quantiles);
4. :class:`~sklearn.model_selection.GridSearchCV` tunes one parameter with
   statlearn's :func:`~statlearn.quantile.weighted_interval_scorer`.

Finally we check that the scores in ``cv_results_`` are exactly those of a
hand-written loop over the same folds: the scorer reaches the quantile model
through the wrappers, so nothing is silently scored NaN.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from statlearn.datasets import load_diamonds
from statlearn.quantile import (
    ConformalQuantileRegressor,
    LinearQuantileRegressor,
    MultiQuantileRegressor,
    QuantileAggregator,
    coverage,
    weighted_interval_score,
    weighted_interval_scorer,
)

# %%
# The data: a DataFrame with categorical columns
# ----------------------------------------------
# We model the log price (prices are skewed) and subsample 1,500 rows so the
# example runs in seconds; 1,000 go to the search, 500 are kept for a last look.
bunch = load_diamonds(as_frame=True)
X_all, y_all = bunch.data, np.log(bunch.target)
rng = np.random.default_rng(0)
rows = rng.choice(len(y_all), size=1_500, replace=False)
X, y = X_all.iloc[rows[:1_000]], y_all.iloc[rows[:1_000]].to_numpy()
X_test, y_test = X_all.iloc[rows[1_000:]], y_all.iloc[rows[1_000:]].to_numpy()
categorical = [c for c in X.columns if X[c].dtype == "category"]
numeric = [c for c in X.columns if c not in categorical]
print("categorical:", categorical, "numeric:", numeric)

# %%
# The model: preprocessing -> aggregated quantile model -> conformal
# ------------------------------------------------------------------
quantiles = [0.05, 0.25, 0.5, 0.75, 0.95]
preprocess = ColumnTransformer([
    ("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
    ("numbers", "passthrough", numeric),
])
aggregator = QuantileAggregator(
    estimators=[
        ("linear", LinearQuantileRegressor(quantiles=quantiles)),
        ("hgb", MultiQuantileRegressor(
            HistGradientBoostingRegressor(loss="quantile", max_leaf_nodes=15, random_state=0),
            quantiles=quantiles)),
    ],
    quantiles=quantiles, weights="medium", cv=3, random_state=0,
)
model = ConformalQuantileRegressor(
    Pipeline([("preprocess", preprocess), ("aggregate", aggregator)]),
    quantiles=quantiles, method="split", calibration_size=0.3, random_state=0,
)

# %%
# One parameter searched with statlearn's scorer
# ----------------------------------------------
# ``estimator__aggregate__hgb__estimator__max_iter`` goes through the conformal
# wrapper, the pipeline step, the aggregator's named base model and the
# per-level wrapper down to gradient boosting.
param = "estimator__aggregate__hgb__estimator__max_iter"
grid = {param: [10, 40]}
folds = KFold(n_splits=3, shuffle=True, random_state=0)
search = GridSearchCV(model, grid, scoring=weighted_interval_scorer, cv=folds)
search.fit(X, y)
scores = np.array([search.cv_results_[f"split{k}_test_score"] for k in range(folds.n_splits)]).T
print("GridSearchCV scores (candidates x folds):\n", scores)
print("best:", search.best_params_)

# %%
# The same scores by hand
# -----------------------
# Clone, set the parameter, fit on each training fold and score the held-out
# fold with :func:`~statlearn.quantile.weighted_interval_score` directly (the
# scorer is minus the WIS).
by_hand = np.empty_like(scores)
for c, value in enumerate(grid[param]):
    for k, (train, test) in enumerate(folds.split(X, y)):
        fitted = clone(model).set_params(**{param: value}).fit(X.iloc[train], y[train])
        by_hand[c, k] = -weighted_interval_score(y[test], fitted.predict_quantiles(X.iloc[test]), quantiles)
print("hand-written loop:\n", by_hand)
assert np.isfinite(scores).all()
np.testing.assert_allclose(scores, by_hand, rtol=1e-12, atol=0)

# %%
# A last look on rows the search never saw
# ----------------------------------------
best = search.best_estimator_
Q = best.predict_quantiles(X_test)
print("held-out WIS:", round(weighted_interval_score(y_test, Q, quantiles), 4))
for level, c in zip(quantiles, coverage(y_test, Q), strict=True):
    print(f"  share of prices below the {level:.2f} quantile: {c:.3f}")
for nominal, c in zip((0.9, 0.5), coverage(y_test, Q, per="pair"), strict=True):
    print(f"  {nominal:.0%} interval covers {c:.3f} of the held-out prices")

order = np.argsort(Q[:, 2])[::4]
fig, ax = plt.subplots(figsize=(7, 4))
ax.fill_between(np.arange(order.size), np.exp(Q[order, 0]), np.exp(Q[order, 4]), alpha=0.25,
                label="90% interval (0.05-0.95)")
ax.fill_between(np.arange(order.size), np.exp(Q[order, 1]), np.exp(Q[order, 3]), alpha=0.4,
                label="50% interval (0.25-0.75)")
ax.plot(np.arange(order.size), np.exp(y_test[order]), "k.", ms=3, label="price")
ax.set_yscale("log")
ax.set_xlabel("held-out diamonds, sorted by predicted median")
ax.set_ylabel("price (USD, log scale)")
ax.set_title("Conformalized aggregated quantiles, tuned by GridSearchCV")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
