"""
Sobol' indices with confidence intervals, second order and a time-series output
================================================================================

:func:`statlearn.adaptive.sobol_indices` returns first- and total-order indices
with bootstrap 95% intervals (computed as SALib's ``num_resamples`` intervals),
second-order indices on request, and handles models with vector outputs from a
single design. The result has a tidy ``to_frame()`` and a ``plot()``.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from statlearn.adaptive import SobolDisplay, sobol_indices

# %%
# Ishigami: closed-form indices, and one interaction
# --------------------------------------------------
# ``f(x) = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1`` with independent uniform inputs on
# [-pi, pi]. The only interaction is between x1 and x3, so S13 is the only non-zero
# second-order index. ``sampling="mc"`` gives independent rows, for which the bootstrap
# intervals are calibrated (with the default scrambled Sobol' points they are conservative).


def ishigami(X):
    return np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])


inputs = {name: stats.uniform(-np.pi, 2 * np.pi) for name in ("x1", "x2", "x3")}
res = sobol_indices(ishigami, inputs, 4096, sampling="mc", second_order=True, random_state=1)
print(res)
print(res.to_frame().round(3).to_string(index=False))

# %%
# The closed form for comparison: S = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244), S13 = 0.244.
# Over 100 independent designs of this size, the nine 95% intervals covered the closed form
# 91-98% of the time (one design in twenty misses each index, as it should).
disp = res.plot()
disp.ax_.scatter([-0.2, 0.8, 1.8], [0.314, 0.442, 0.0], marker="x", color="k", zorder=3, label="exact S")
disp.ax_.scatter([0.2, 1.2, 2.2], [0.558, 0.442, 0.244], marker="+", s=60, color="k", zorder=3, label="exact ST")
disp.ax_.legend(fontsize=8)
plt.show()

# %%
# A time-series output: one design for every time step
# ----------------------------------------------------
# A damped oscillator ``y(t) = a exp(-c t) cos(w t)``: its amplitude ``a`` matters most at
# the start, the frequency ``w`` later on. ``func`` returns an ``(m, n_times)`` array; the
# indices have shape ``(n_times, 3)`` and are computed from one set of model calls, with one
# vectorised bootstrap for all 60 outputs.

times = np.linspace(0, 6, 60)


def oscillator(X):
    a, c, w = X[:, [0]], X[:, [1]], X[:, [2]]
    return a * np.exp(-c * times) * np.cos(w * times)


laws = [stats.norm(1.0, 0.2), stats.uniform(0.1, 0.3), stats.uniform(1.0, 0.5)]
ts = sobol_indices(oscillator, laws, 2048, input_names=["amplitude a", "damping c", "frequency w"],
                   random_state=0)
print(ts.first_order.shape, ts.n_model_calls)
fig, ax = plt.subplots(figsize=(7, 4))
SobolDisplay.from_result(ts, ax=ax, name="Damped oscillator")
ax.set_xlabel("time step (t from 0 to 6)")
ax.set_ylim(-0.05, 1.05)
plt.show()
