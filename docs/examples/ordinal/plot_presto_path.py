"""
PRESTO: shrinking towards proportional odds for a rare class
============================================================

We simulate the paper's sparse-differences design (Faletto & Bien, 2023,
Section 4.1): four ordered classes whose last one is rare (about 1%), and
compare the estimated probability of the rare class from

- :class:`~statlearn.ordinal.PrestoCV` (penalty chosen by 5-fold cross-validation),
- :class:`~statlearn.ordinal.ProportionalOddsClassifier`,
- logistic regression on the rare class alone,

with the true probability. Then we plot PRESTO's cross-validation curve and its
coefficient path: the differences between adjacent boundaries enter one by one as
the penalty decreases.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from statlearn.datasets import make_presto_data
from statlearn.ordinal import PathDisplay, PrestoCV, ProportionalOddsClassifier

X, y, truth = make_presto_data(2500, 10, design="sparse", intercepts=(0.0, 3.5, 5.5),
                               random_state=3, return_params=True)
print("class shares:", np.round(np.bincount(y) / y.size, 4))
p_true = truth.proba[:, -1]

presto = PrestoCV(n_lambdas=20, random_state=0).fit(X, y)
po = ProportionalOddsClassifier().fit(X, y)
logit = LogisticRegression(C=np.inf, max_iter=2000).fit(X, y == 3)
estimates = {
    "PRESTO": presto.predict_proba(X)[:, -1],
    "proportional odds": po.predict_proba(X)[:, -1],
    "logistic (rare only)": logit.predict_proba(X)[:, 1],
}
for name, p in estimates.items():
    print(f"{name:>22}: rare-class MSE {np.mean((p - p_true) ** 2):.2e}")

# %%
# The cross-validation curve and the path
# ---------------------------------------
# :class:`~statlearn.ordinal.PathDisplay` draws the out-of-fold loss with one standard
# error either side (solid line: the chosen ``lam``; dotted: the one-standard-error rule),
# the weights of the first boundary, and how far each feature departs from proportional
# odds, ``sum_k |beta_k - beta_(k-1)|``, as the penalty decreases.
PathDisplay.from_estimator(presto, X, y, max_legend=10)

# %%
# Estimated versus true rare-class probability
# --------------------------------------------
fig, ax = plt.subplots(figsize=(5, 4.5))
for name, p in estimates.items():
    ax.scatter(p_true, p, s=4, alpha=0.5, label=name)
lim = [0, max(p_true.max(), max(p.max() for p in estimates.values()))]
ax.plot(lim, lim, "k--", lw=1)
ax.set_xlabel("true P(y = rare | x)")
ax.set_ylabel("estimated")
ax.legend(markerscale=4)
fig.tight_layout()
plt.show()
