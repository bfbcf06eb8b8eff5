"""
Calibration metrics, the Balance score's blind spot, and multicalibration
=========================================================================

Three forecasters whose miscalibration has a known shape are scored with the
binned ECE, the smooth ECE and the signed Balance score (accuracy minus mean
confidence). The *mixed* forecaster is over-confident at moderate confidence
and under-confident at high confidence: its errors cancel in the Balance
score but not in the ECE.

Then a model that ignores group membership is multicalibrated over
intersecting groups with :class:`~statlearn.calibration.MultiCalibrator`, and
its per-group reliability is drawn before and after.
"""

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.linear_model import LogisticRegression

from statlearn.calibration import (
    BoostingMultiCalibrator,
    MultiCalibrator,
    ReliabilityDisplay,
    balance_score,
    expected_calibration_error,
    multicalibration_error,
    smooth_ece,
)
from statlearn.datasets import make_miscalibrated_predictions, make_multicalibration_problem

rows = []
fig, ax = plt.subplots(figsize=(5, 5))
for pattern in ["sign_change", "overconfident", "mixed"]:
    y, p, q = make_miscalibrated_predictions(50_000, pattern=pattern, random_state=0)
    rows.append({
        "pattern": pattern,
        "ECE (15 bins)": expected_calibration_error(y, p),
        "top-label ECE": expected_calibration_error(y, p, target="top_label"),
        "smooth ECE": smooth_ece(y, p),
        "Balance": balance_score(y, p),
    })
    ReliabilityDisplay.from_predictions(y, p, n_bins=15, name=pattern, ax=ax, show_counts=False)
ax.set_title("Three miscalibrated forecasters")
print(pd.DataFrame(rows).round(4).to_string(index=False))

# %%
# Multicalibration over intersecting groups
# -----------------------------------------
# The base model sees the features but not the groups; its errors differ by
# group. The calibrator is fitted on a calibration split and evaluated on a
# test split.
d = make_multicalibration_problem(30_000, 4, random_state=1)
X, y, G = d.data, d.target, d.groups
tr, ca, te = slice(0, 10_000), slice(10_000, 20_000), slice(20_000, None)
base = LogisticRegression().fit(X[tr], y[tr])
p_ca, p_te = base.predict_proba(X[ca])[:, 1], base.predict_proba(X[te])[:, 1]
mc = MultiCalibrator(random_state=0).fit(p_ca[:, None], y[ca], groups=G[ca])  # standard-error rule
p_mc = mc.predict_proba(p_te[:, None], groups=G[te])[:, 1]
bm = BoostingMultiCalibrator(random_state=0).fit(p_ca[:, None], y[ca], groups=G[ca])
p_bm = bm.predict_proba(p_te[:, None], groups=G[te])[:, 1]
for label, p in [("base", p_te), ("MultiCalibrator", p_mc), ("BoostingMultiCalibrator", p_bm)]:
    r = multicalibration_error(y[te], p, G[te])
    print(f"{label:16s} worst-group ECE {r.worst_group_ece:.4f}  mean-group ECE {r.mean_group_ece:.4f}")
print(f"{mc.n_iter_} passes, {len(mc.updates_)} updates")

ReliabilityDisplay.from_groups(y[te], {"base": p_te, "MultiCalibrator": p_mc}, G[te], n_bins=8, ncols=4)
plt.tight_layout()
plt.show()
