"""Small deterministic inputs shared by the spec files (kept small: every case refits)."""

import numpy as np
import pandas as pd

N = 60


def rng(seed=0):
    return np.random.default_rng(seed)


def binary(n=N, seed=0):
    """(y 0/1 int, p in (0.05, 0.95)) with some miscalibration."""
    r = rng(seed)
    p = r.uniform(0.05, 0.95, n)
    y = (r.uniform(size=n) < p ** 1.3).astype(np.int64)
    return y, p


def multiclass(n=N, k=3, seed=1):
    r = rng(seed)
    P = r.dirichlet(np.ones(k), n)
    y = np.array([r.choice(k, p=row) for row in P], dtype=np.int64)
    return y, P


def regression(n=N, p=3, seed=2):
    r = rng(seed)
    X = r.normal(size=(n, p))
    y = X @ np.linspace(1.0, -0.5, p) + r.normal(scale=0.5 + 0.3 * np.abs(X[:, 0]), size=n)
    return X, y


def classification(n=N, p=3, seed=3):
    X, z = regression(n, p, seed)
    return X, (z > np.median(z)).astype(np.int64)


def ordinal(n=N, p=3, seed=4, labels=(2, 10, 30)):
    """y in ``labels`` (numbers whose text order differs from their numeric order)."""
    X, z = regression(n, p, seed)
    codes = np.digitize(z, np.quantile(z, [1 / 3, 2 / 3]))
    return X, np.asarray(labels)[codes]


def groups(n=N, g=2, seed=5):
    """Boolean (n, g) group indicators, each group about half the rows."""
    return rng(seed).uniform(size=(n, g)) < 0.5


def groups_frame(n=N, seed=5):
    G = groups(n, 2, seed)
    return pd.DataFrame({"a": G[:, 0], "b": G[:, 1]})


def quantile_predictions(n=N, seed=6, levels=(0.1, 0.5, 0.9)):
    """(y, Q (n, k) sorted rows, levels) from a Gaussian forecast."""
    from scipy import stats

    r = rng(seed)
    mu = r.normal(size=n)
    Q = mu[:, None] + stats.norm.ppf(levels)[None, :] * r.uniform(0.5, 1.5, (n, 1))
    y = mu + r.normal(size=n)
    return y, Q, np.asarray(levels, dtype=float)
