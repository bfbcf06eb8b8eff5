"""
Recalibrating a model: six recalibrators on held-out data
==========================================================

A gradient-boosting model on the credit-card ``default`` data (3% positives) is
fitted on half of the rows; each recalibrator is fitted on a quarter the model
did not see (``FrozenEstimator``) and scored on the last quarter. Platt and beta
scaling are smooth maps with two or three parameters; isotonic regression and
histogram binning are step maps that need more calibration rows; Venn-Abers
keeps isotonic's shape and also returns a probability interval.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from statlearn.calibration import (
    BetaCalibration,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    ReliabilityDisplay,
    TemperatureScaling,
    VennAbersCalibrator,
    brier_score,
    expected_calibration_error,
)
from statlearn.datasets import load_default

b = load_default()
X = pd.get_dummies(b.data, dtype=float).to_numpy()
y = b.target.to_numpy()
tr, rest = train_test_split(np.arange(len(y)), test_size=0.5, random_state=0, stratify=y)
ca, te = train_test_split(rest, test_size=0.5, random_state=0, stratify=y[rest])
model = HistGradientBoostingClassifier(random_state=0).fit(X[tr], y[tr])

preds = {"raw model": model.predict_proba(X[te])[:, 1]}
for cls in (TemperatureScaling, PlattScaling, BetaCalibration, IsotonicCalibration, HistogramBinning,
            VennAbersCalibrator):
    preds[cls.__name__] = cls(FrozenEstimator(model)).fit(X[ca], y[ca]).predict_proba(X[te])[:, 1]
rows = [{"method": k, "log loss": log_loss(y[te], p), "Brier": brier_score(y[te], p),
         "ECE (15 bins)": expected_calibration_error(y[te], p)} for k, p in preds.items()]
print(pd.DataFrame(rows).round(4).to_string(index=False))

# %%
# Venn-Abers intervals: narrow where the calibration set is dense, wide in the sparse upper tail.
va = VennAbersCalibrator(FrozenEstimator(model)).fit(X[ca], y[ca])
iv = va.predict_interval(X[te])
w50, w99 = np.percentile(iv[:, 1] - iv[:, 0], [50, 99])
print(f"median interval width {w50:.4f}, 99th percentile {w99:.4f}")

# %%
fig, ax = plt.subplots(figsize=(5.5, 5))
for k in ("raw model", "PlattScaling", "IsotonicCalibration", "VennAbersCalibrator"):
    ReliabilityDisplay.from_predictions(y[te], preds[k], n_bins=10, strategy="quantile", name=k, ax=ax,
                                        show_counts=False)
ax.set_title("default data, held-out quarter (equal-mass bins)")
plt.show()
