"""
The reusable holdout on pure noise
==================================

An analyst selects features on a training set, checks them on a holdout set,
and keeps only those that look good on both. Reusing the holdout this way
overfits it: on data with no signal at all, the holdout accuracy climbs well
above 50%. Answering the holdout queries through :class:`~statlearn.adaptive.Thresholdout`
keeps the reported accuracy close to the accuracy on fresh data.

This is the experiment of Dwork et al. (Science 2015) at a smaller size
(n = d = 2,000 instead of 10,000, same threshold ``4/sqrt(n)`` and noise
``1/sqrt(n)``); the benchmark runs the paper's size.
"""

import matplotlib.pyplot as plt
import numpy as np

from statlearn.adaptive import freedman_experiment
from statlearn.datasets import make_freedman_holdout

k_values = [0, 10, 20, 40, 60, 80, 100]
runs = []
for seed in range(3):
    data = make_freedman_holdout(2000, 2000, dtype=np.float32, random_state=seed)
    runs.append(freedman_experiment(*data, k_values=k_values, random_state=seed))

fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
for ax, arm in zip(axes, ("standard", "thresholdout"), strict=True):
    for key, color in (("train", "tab:blue"), ("holdout", "tab:orange"), ("fresh", "tab:green")):
        mean = np.mean([r[arm][key] for r in runs], axis=0)
        ax.plot(k_values, mean, color=color, label=key)
    ax.axhline(0.5, color="grey", lw=0.5)
    ax.set_title(f"{arm} holdout")
    ax.set_xlabel("number of selected variables")
axes[0].set_ylabel("accuracy")
axes[0].legend()
fig.tight_layout()

last = {arm: {key: np.mean([r[arm][key][-1] for r in runs]) for key in ("holdout", "fresh")}
        for arm in ("standard", "thresholdout")}
print(f"k = 100: standard holdout {last['standard']['holdout']:.3f} (fresh {last['standard']['fresh']:.3f}); "
      f"Thresholdout {last['thresholdout']['holdout']:.3f} (fresh {last['thresholdout']['fresh']:.3f})")
