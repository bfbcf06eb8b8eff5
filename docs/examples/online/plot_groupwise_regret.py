"""
Groupwise regret on intersecting groups
=======================================

Rows arrive one by one; each has a shape (circle, square, triangle) and a
colour (green, red), so it belongs to two intersecting groups, and each group
has its own linear model (the synthetic setting of Acharya et al., 2024).

We compare :class:`~statlearn.online.GroupwiseRegressor` (one online ridge per
group, mixed by AdaNormalHedge) with the paper's baseline, a single online
ridge that sees the group indicators as features, by their regret on every
group against the best linear fit in hindsight on that group's rows.
"""

import matplotlib.pyplot as plt

from statlearn.datasets import make_grouped_regression
from statlearn.online import GroupRegretDisplay, GroupwiseRegressor, OnlineRidge, group_regret

X, y, groups = make_grouped_regression(n_samples=20_000, label="first", random_state=0)

ours = GroupwiseRegressor().fit(X, y, groups=groups)
baseline = OnlineRidge().fit(X, y)  # X holds the five group indicators too

table = group_regret(y, ours.prequential_predictions_, X, groups)
table["baseline_regret"] = group_regret(y, baseline.prequential_predictions_, X, groups)["regret"]
print(table[["n_samples", "baseline_regret", "regret"]].round(2))

# %%
# Regret along the stream, one panel per group: the cumulative squared loss
# on the group's rows minus that of the best linear fit on them in hindsight
# (squared units of y). The baseline's regret grows in every group, the
# groupwise learner's stays near (or below) zero. ``from_estimator`` runs each
# estimator over the stream and scores the forecasts it made before each row.
disp = GroupRegretDisplay.from_estimator(OnlineRidge(), X, y, groups, label="one ridge + indicators",
                                         color="tab:red", ncols=3)
GroupRegretDisplay.from_estimator(GroupwiseRegressor(), X, y, groups, label="groupwise", color="tab:blue",
                                  ax=disp.axes_)
plt.show()

# %%
# The weights the sleeping experts put on each group's learner when all are awake:
for name, w in zip(ours.expert_names_, ours.expert_weights_, strict=True):
    print(f"{name:>10s}: {w:.3f}")
