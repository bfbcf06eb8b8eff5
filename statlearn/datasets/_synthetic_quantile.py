"""Synthetic data generators of the quantile papers (owned by statlearn.quantile)."""

from __future__ import annotations

import numpy as np
from scipy import stats
from sklearn.utils import check_random_state

from statlearn._validation import Interval, check_quantiles, validate_params

__all__ = ["make_heteroscedastic_quantile"]


def make_heteroscedastic_quantile(n_samples=1000, n_features=10, *, shape=2.0, quantiles=None, random_state=None):
    """Friedman-1 mean plus heteroscedastic, right-skewed gamma noise.

    ``X`` is uniform on ``[0, 1]^n_features``; ``y = f(X) + s(X) (G - shape)``
    with ``f`` the Friedman-1 function, ``G ~ Gamma(shape, 1)`` and scale
    ``s(X) = 0.5 + 2 X_0 X_1``. The true conditional quantiles are known in
    closed form, so quantile estimates and conformal intervals can be checked.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows.
    n_features : int, default=10
        Number of features (at least 5; only the first five enter the mean).
    shape : float, default=2.0
        Gamma shape; smaller is more skewed.
    quantiles : array-like of shape (n_quantiles,), default=None
        If given, also return the true conditional quantiles at these levels.
    random_state : int, RandomState or None, default=None
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples,)
        Targets.
    y_quantiles : ndarray of shape (n_samples, n_quantiles)
        True conditional quantiles (only when ``quantiles`` is given).

    References
    ----------
    .. [1] J. H. Friedman, "Multivariate adaptive regression splines",
       Ann. Statist. 19(1), 1991.

    Examples
    --------
    >>> from statlearn.datasets import make_heteroscedastic_quantile
    >>> X, y, Q = make_heteroscedastic_quantile(100, quantiles=[0.1, 0.9], random_state=0)
    >>> X.shape, y.shape, Q.shape
    ((100, 10), (100,), (100, 2))
    """
    validate_params(
        {"n_samples": n_samples, "n_features": n_features, "shape": shape},
        {"n_samples": [Interval("integral", 1, None)], "n_features": [Interval("integral", 5, None)],
         "shape": [Interval("real", 0, None, closed="neither")]},
        owner="make_heteroscedastic_quantile",
    )
    rng = check_random_state(random_state)
    X = rng.uniform(size=(n_samples, n_features))
    f = (10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + 10 * X[:, 3] + 5 * X[:, 4])
    scale = 0.5 + 2.0 * X[:, 0] * X[:, 1]
    y = f + scale * (rng.gamma(shape, 1.0, size=n_samples) - shape)
    if quantiles is None:
        return X, y
    q = check_quantiles(quantiles)
    Q = f[:, None] + scale[:, None] * (stats.gamma.ppf(q, shape)[None, :] - shape)
    return X, y, Q
