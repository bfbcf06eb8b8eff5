# %% [markdown]
# # Groupwise regret on intersecting demographic groups
#
# A reproduction of the headline analysis of Acharya, Arunachaleswaran, Kannan, Roth and Ziani,
# *Oracle Efficient Algorithms for Groupwise Regret* (ICLR 2024), through statlearn's public API.
#
# Each row belongs to several intersecting groups. `GroupwiseRegressor` runs one online ridge per
# group (plus an `always_on` one) and mixes the awake ones with AdaNormalHedge. The paper's baseline
# is a single online ridge over all rows that sees the group indicators as features. For every
# group we measure the **regret**: cumulative squared loss on the group's rows minus the residual
# sum of squares of the best least-squares fit on those rows in hindsight. The paper reports that
# the groupwise learner has lower regret in every group (12/12 medical cost, 13/13 Adult,
# 6/6 synthetic), with small relative gains on Adult.
#
# Protocol as in the paper: labels min-max scaled to [0, 1], online ridge with lambda = 1, shuffles
# with the paper's seeds (3 of the 10 here, to keep the notebook under two minutes).

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from statlearn.datasets import load_adult, load_gss_wages, make_grouped_regression
from statlearn.online import GroupRegretDisplay, GroupwiseRegressor, OnlineRidge, group_regret, group_regret_curves

SEEDS = (473, 503, 623)  # the first three of the paper's ten shuffle seeds


def minmax(a):
    a = np.asarray(a, dtype=float)
    lo, hi = a.min(axis=0), a.max(axis=0)
    return (a - lo) / np.where(hi > lo, hi - lo, 1.0)


def compare(X, y, groups, seeds=SEEDS, curves=False):
    """Per-group regret of the groupwise learner and of the baseline, over shuffles."""
    X = np.column_stack([X, groups.to_numpy(dtype=float)])  # both see the indicators
    tables, out_curves = [], {"groupwise": [], "baseline": []}
    for seed in seeds:
        order = np.random.RandomState(seed).permutation(len(y))
        Xs, ys, gs = X[order], y[order], groups.iloc[order].reset_index(drop=True)
        preds = {
            "groupwise": GroupwiseRegressor().fit(Xs, ys, groups=gs).prequential_predictions_,
            "baseline": OnlineRidge().fit(Xs, ys).prequential_predictions_,
        }
        t = pd.concat({m: group_regret(ys, p, Xs, gs) for m, p in preds.items()}, axis=1)
        tables.append(t)
        if curves:
            for m, p in preds.items():
                out_curves[m].append(group_regret_curves(ys, p, Xs, gs, n_checkpoints=40))
    mean = sum(tables) / len(tables)
    table = pd.DataFrame({
        "n": mean[("groupwise", "n_samples")].astype(int),
        "regret baseline": mean[("baseline", "regret")],
        "regret groupwise": mean[("groupwise", "regret")],
        "loss reduction %": 100 * (1 - mean[("groupwise", "cumulative_loss")]
                                   / mean[("baseline", "cumulative_loss")]),
    })
    table["improved"] = table["regret groupwise"] < table["regret baseline"]
    return table.round(3), out_curves


# %% [markdown]
# ## Synthetic data (the paper's shapes x colours setting)
#
# Labels are the mean / min / max of the two active groups' linear models, or the label of the
# first active group in a random order ("dperm" in the paper's code). 10,000 rows instead of
# 100,000.

# %%
summary = {}
for label in ("mean", "min", "max", "first"):
    X, y, groups = make_grouped_regression(n_samples=10_000, label=label,
                                           include_indicators=False, random_state=0)
    table, _ = compare(X, y, groups)
    summary[label] = {"groups improved": f"{table['improved'].sum()}/{len(table)}",
                      "mean loss reduction %": table["loss reduction %"].mean().round(1)}
    if label == "mean":
        display(table)  # noqa: F821 (IPython builtin)
pd.DataFrame(summary).T

# %%
# the paper's direction: every group improves under every label rule
assert all(v["groups improved"].split("/")[0] == v["groups improved"].split("/")[1]
           for v in summary.values())

# %% [markdown]
# ## Adult (continuous target, race x sex x age groups)
#
# The paper used a reconstruction of Adult with continuous income, which statlearn does not ship;
# we use the continuous `hours-per-week` as the target instead (a documented deviation), with the
# race, sex and age-band groups of `load_adult`. A subsample of 10,000 rows keeps this fast.

# %%
adult = load_adult(target="hours-per-week", as_frame=False)
rows = np.sort(np.random.RandomState(0).choice(len(adult.target), 10_000, replace=False))
Xa = adult.data[rows]
Xa = minmax(Xa[:, Xa.max(axis=0) > Xa.min(axis=0)])
ya = minmax(adult.target[rows])
ga = pd.DataFrame(adult.groups[rows], columns=adult.group_names)
adult_table, adult_curves = compare(Xa, ya, ga, curves=True)
adult_table

# %%
disp = GroupRegretDisplay.from_curves(adult_curves["baseline"], label="baseline (one ridge + indicators)",
                                      color="tab:red", ncols=5)
GroupRegretDisplay.from_curves(adult_curves["groupwise"], label="groupwise", color="tab:blue", ax=disp.axes_)
disp.figure_.suptitle("Adult: per-group regret (cumulative squared loss minus the best linear fit in hindsight, "
                      "squared units of y), mean +/- sd over 3 shuffles", fontsize=9)
plt.show()

# %% [markdown]
# ## A wage data set with intersecting groups (GSS real income, gender x age)
#
# The paper's second real data set (medical costs, `insurance.csv`) is not shipped either; a wage
# data set with demographic groups stands in.

# %%
gss = load_gss_wages(as_frame=False)
Xg = minmax(gss.data[:, gss.data.max(axis=0) > gss.data.min(axis=0)])
yg = minmax(gss.target)
gg = pd.DataFrame(gss.groups, columns=gss.group_names)
gss_table, _ = compare(Xg, yg, gg)
gss_table

# %% [markdown]
# ## Summary
#
# On the synthetic setting the groupwise learner beats the baseline in every group with large
# gains, as in the paper. On the real data the gains are small (as the paper found for Adult) and
# concentrated in the large groups; small groups with little distinct linear structure can tie or
# lose slightly. The benchmark (`python -m benchmarks --only online`) runs the same comparison on
# more data sets and reports every group.

# %%
pd.DataFrame({
    "adult": [f"{adult_table['improved'].sum()}/{len(adult_table)}",
              adult_table["loss reduction %"].mean().round(2)],
    "gss_wages": [f"{gss_table['improved'].sum()}/{len(gss_table)}",
                  gss_table["loss reduction %"].mean().round(2)],
}, index=["groups improved", "mean loss reduction %"])
