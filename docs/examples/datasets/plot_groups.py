"""
Intersecting demographic groups in real data
============================================

Loaders with demographic columns return ``groups``: a boolean DataFrame of
named groups that may intersect. Here we count members of each group of the
Adult census data and how many groups each person belongs to.
"""

import matplotlib.pyplot as plt

from statlearn.datasets import load_adult

adult = load_adult()
sizes = adult.groups.sum().sort_values()
per_row = adult.groups.sum(axis=1).value_counts().sort_index()

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
sizes.plot.barh(ax=ax1, color="C0")
ax1.set_xlabel("members")
ax1.set_title(f"Group sizes (Adult, n = {len(adult.groups)})")
per_row.plot.bar(ax=ax2, color="C1")
ax2.set_xlabel("number of groups a person belongs to")
ax2.set_title("Groups intersect")
plt.show()
