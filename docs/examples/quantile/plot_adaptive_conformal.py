"""
Intervals that keep their coverage on a drifting series (adaptive conformal inference)
======================================================================================

Split conformal calibration assumes the future looks like the calibration set.
On a time series it rarely does. Here the rows of the shipped ``hotel_rates``
data are resort-hotel bookings in arrival-date order, July 2016 to August 2017,
and the nightly price moves with the seasons. A quantile model trained on the
first two months and calibrated on the next weeks gives 80% intervals that
cover far less than 80% once the season changes.

:class:`~statlearn.quantile.AdaptiveConformalQuantileRegressor` (Gibbs &
Candes, 2021) walks the series online. Before each ``y_t`` is seen it issues
an interval at its current miss level ``alpha_t``, then updates
``alpha_{t+1} = alpha_t + gamma (alpha - err_t)``: after a miss the intervals
widen, after a run of hits they narrow. Whatever the sequence, the long-run
miss rate is within ``(max(alpha, 1 - alpha) + gamma) / (gamma T)`` of
``alpha``.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.frozen import FrozenEstimator

from statlearn.datasets import load_hotel_rates
from statlearn.quantile import (
    AdaptiveConformalQuantileRegressor,
    ConformalQuantileRegressor,
    MultiQuantileRegressor,
)

data = load_hotel_rates()
X, y = data.data, data.target.to_numpy()
n_fit, n_cal = 2000, 1000
base = HistGradientBoostingRegressor(loss="quantile", max_iter=60, categorical_features="from_dtype", random_state=0)
model = MultiQuantileRegressor(base, quantiles=(0.1, 0.5, 0.9)).fit(X.iloc[:n_fit], y[:n_fit])

X_cal, y_cal = X.iloc[n_fit:n_fit + n_cal], y[n_fit:n_fit + n_cal]
X_run, y_run = X.iloc[n_fit + n_cal:], y[n_fit + n_cal:]

# %%
# Split conformal, calibrated once, against ACI started from the same calibration rows.
# ``run`` returns the interval issued before each target was revealed, and ends in the
# state after the last one.
split = ConformalQuantileRegressor(FrozenEstimator(model)).fit(X_cal, y_cal)
fixed = split.predict_interval(X_run, confidence_level=0.8)

gamma = 0.005
aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(model), gamma=gamma).fit(X_cal, y_cal)
issued, alphas = aci.run(X_run, y_run, confidence_level=0.8, return_alphas=True)

T = y_run.size
bound = (max(0.2, 0.8) + gamma) / (gamma * T)
cov_fixed = (fixed[:, 0] <= y_run) & (y_run <= fixed[:, 1])
cov_aci = (issued[:, 0] <= y_run) & (y_run <= issued[:, 1])
print(f"{T} steps; the paper's bound on |long-run miss - 0.2|: {bound:.4f}")
print(f"split conformal coverage: {cov_fixed.mean():.3f}")
print(f"ACI coverage:             {cov_aci.mean():.3f}  (paper's misses: {aci.n_errors_[0] / T:.3f})")
assert abs(aci.n_errors_[0] / T - 0.2) <= bound

# %%
# Coverage over a sliding window of 500 bookings, and the miss level ``alpha_t`` that
# ACI used: it falls when the season moves away from the calibration months (wider
# intervals) and rises again when the model fits the season.
w = 500
kernel = np.ones(w) / w
date = X_run["arrival_date_num"].to_numpy()
fig, axes = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
axes[0].plot(date[w - 1:], np.convolve(cov_fixed, kernel, mode="valid"), label="split conformal (calibrated once)")
axes[0].plot(date[w - 1:], np.convolve(cov_aci, kernel, mode="valid"), label=f"ACI, gamma={gamma}")
axes[0].axhline(0.8, color="k", lw=0.8, ls="--", label="nominal 0.8")
axes[0].set_ylabel(f"coverage, last {w} bookings")
axes[0].set_ylim(0, 1.02)
axes[0].legend(loc="lower left")
axes[1].plot(date, alphas[:, 0], color="C1")
axes[1].axhline(0.2, color="k", lw=0.8, ls="--")
axes[1].set_ylabel("alpha_t (miss level used)")
axes[1].set_xlabel("arrival date (year)")
fig.tight_layout()
plt.show()
