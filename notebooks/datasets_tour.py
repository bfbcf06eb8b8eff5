# %% [markdown]
# # Real data in statlearn: a tour
#
# Every data set below is read from a file inside an installed package; nothing is downloaded.
# Loaders return a `Bunch` with `data`, `target`, `frame`, `groups` (named, intersecting
# demographic groups where the data has them) and `DESCR`.

# %%
from statlearn.datasets import list_datasets, load_meps, load_nasscds

table = list_datasets(check=True)
table[["name", "task", "target", "n_samples", "n_features", "has_groups"]]

# %% [markdown]
# Ordinal data with a rare top category: crash injury severity, where *killed* is 4.3%.

# %%
nass = load_nasscds()
shares = nass.target.value_counts(normalize=True).sort_index()
assert abs(shares.iloc[-1] - 0.043) < 0.002
shares

# %% [markdown]
# A heavy-tailed continuous target with intersecting groups: MEPS drug spending.

# %%
meps = load_meps()
print(meps.DESCR)
meps.frame.assign(**meps.groups).groupby("female")["drugexp"].describe()
