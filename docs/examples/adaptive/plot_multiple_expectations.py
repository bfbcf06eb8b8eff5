"""
Ten Gaussian moments from one sample
====================================

:class:`~statlearn.adaptive.MultipleExpectationEstimator` estimates
``E[X^2], E[X^4], ..., E[X^20]`` for ``X ~ N(0, 1)`` from one adaptive
importance sample with one control variate per moment. At the same budget of
20,000 evaluations, its relative errors are orders of magnitude smaller than
plain Monte Carlo's for the high moments, whose integrands are driven by rare
tail draws.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy import special, stats

from statlearn.adaptive import MultipleExpectationEstimator

J = 10
powers = 2 * np.arange(1, J + 1)
exact = special.factorial2(powers - 1).astype(float)


def moments(X):
    return X[:, [0]] ** powers


n_reps, n_max = 20, 20_000
rng = np.random.default_rng(0)
iscv = np.array([MultipleExpectationEstimator(n_max=n_max, weights=1 / exact**2, random_state=r)
                 .fit(moments, stats.norm()).estimates_ for r in range(n_reps)])
mc = np.array([moments(rng.standard_normal((n_max, 1))).mean(axis=0) for _ in range(n_reps)])

rel = {name: np.sqrt(np.mean(((est - exact) / exact) ** 2, axis=0)) for name, est in
       (("plain Monte Carlo", mc), ("adaptive IS + control variates", iscv))}
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, r in rel.items():
    ax.semilogy(powers, r, marker="o", label=name)
ax.set_xlabel("moment order 2j")
ax.set_ylabel("relative RMSE")
ax.legend()
fig.tight_layout()
print("relative RMSE of E[X^20]:", {k: round(float(v[-1]), 4) for k, v in rel.items()})
