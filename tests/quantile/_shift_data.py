"""Covariate-shift data for tests/quantile/test_shift.py.

Synthetic: ``x ~ N(0, I_2)`` for training, ``x1 ~ N(mu, 1)`` for the target (an exponential tilt:
``dP_target / dP_train (x) = exp(mu x1 - mu^2 / 2)``); ``y = x0 + (0.5 + |x1|) eps``. A model
that predicts ``x0 + z_q`` is blind to the noise growing with ``|x1|``: calibrated on training
rows, it under-covers the target, where ``|x1|`` is larger.

Real: the shipped concrete data with a tilt of one standardised feature (Tibshirani et al.'s
airfoil experiment): half the rows train (fit + calibrate), the test rows are drawn from the
other half with probability proportional to ``exp(beta z)``.
"""

import numpy as np

MU = 1.0


def tilt_ratio(X, mu=MU):
    """True likelihood ratio of the synthetic shift (module level: it pickles)."""
    X = np.asarray(X, dtype=np.float64)
    return np.exp(mu * X[:, 1] - mu * mu / 2.0)


def shift_data(n, rng, mu=0.0):
    X = rng.normal(size=(n, 2))
    X[:, 1] += mu
    y = X[:, 0] + (0.5 + np.abs(X[:, 1])) * rng.normal(size=n)
    return X, y


def tilted_split(X, y, rng, column, beta, n_test):
    """(train rows, test rows) of a real data set under an exponential tilt of ``X[:, column]``;
    also returns the tilt as a ratio function's parameters (mean, sd)."""
    n = X.shape[0]
    perm = rng.permutation(n)
    train, rest = perm[: n // 2], perm[n // 2:]
    mean, sd = X[:, column].mean(), X[:, column].std()
    p = np.exp(beta * (X[rest, column] - mean) / sd)
    test = rng.choice(rest, size=n_test, replace=True, p=p / p.sum())
    return train, test, (mean, sd)
