"""
Weighted tallying bandits: when blocks of repeated plays pay off
================================================================

An arm whose loss depends on how often it was played recently (a weighted
tally over the last ``m`` rounds) can look bad when sampled sporadically and be
the best choice when played over and over. We compare the successive
elimination with burn-in blocks of Malik et al. (ICML 2023),
:class:`~statlearn.bandits.WeightedTallyingSE`, with UCB1 on two instances:

- *step*: arm 0 has loss 1.0 until it has been played about 9 times in a row,
  then 0.1 (partial exposure tells nothing);
- *habituation*: arm 0's loss falls linearly with its tally (partial exposure
  is informative).

The metric is complete policy regret: the policy's expected loss minus that of
the best arm played at every round from an empty history.
"""

import matplotlib.pyplot as plt

from statlearn.bandits import UCB1, BernoulliThompsonSampling, RegretDisplay, WeightedTallyingSE
from statlearn.datasets import make_tallying_environment

T = 30_000
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, family in zip(axes, ["step", "habituation"], strict=True):
    env = make_tallying_environment(family)
    policies = {"WTB-SE (M = 20)": WeightedTallyingSE(5, T, memory_bound=20), "UCB1": UCB1(5),
                "Thompson (Beta)": BernoulliThompsonSampling(5, random_state=0)}
    disp = RegretDisplay.from_policies(policies, env, T, n_runs=8, random_state=0, ax=ax)
    ax.set_title(f"{family} instance: CPR, mean and 80% band over 8 runs", fontsize=9)
    print(family, {name: round(float(c[1][-1])) for name, c in disp.curves.items()})
fig.tight_layout()
plt.show()

# %%
# On the step instance UCB1 never plays arm 0 long enough to see its low loss,
# so its regret grows linearly; the burn-in blocks of WTB-SE reveal it. On the
# smooth habituation instance UCB1's own repetitions of the leading arm heal
# it, and UCB1 wins: keep it as a baseline.
