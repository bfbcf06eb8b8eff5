"""Synthetic data generators of the calibration papers (owned by statlearn.calibration)."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch, check_random_state

from statlearn._docstrings import fill_doc

__all__ = ["make_miscalibrated_predictions", "make_multicalibration_problem"]


def _expit(z):
    return 1.0 / (1.0 + np.exp(-z))


def _logit(p):
    return np.log(p) - np.log1p(-p)


@fill_doc
def make_miscalibrated_predictions(n_samples=10000, *, pattern="sign_change", random_state=None):
    """Binary forecasts with a known true probability and a chosen miscalibration.

    Patterns (``p`` the forecast, ``q`` the true probability of ``y = 1``):

    - ``"sign_change"``: ``p ~ Beta(2, 3)``, ``q = expit(1.6 logit(p) + 0.2)``;
      the forecast is too high below about 0.42 and too low above, so the
      miscalibration changes sign (binned ECE variants disagree).
    - ``"overconfident"``: ``p ~ Beta(2, 3)``, ``q = expit(0.5 logit(p))``.
    - ``"mixed"``: ``p ~ Uniform(0, 1)``; with confidence
      ``c = max(p, 1 - p)``, the probability that the predicted class is
      right is ``c - 0.08 sin(4 pi (c - 0.5))``: over-confident for
      ``c < 0.75``, under-confident above, so the signed Balance score
      cancels while the ECE does not.

    Parameters
    ----------
    n_samples : int, default=10000
        Number of forecasts.
    pattern : {"sign_change", "overconfident", "mixed"}, default="sign_change"
        The miscalibration.
    {random_state_seed_legacy}

    Returns
    -------
    y_true : ndarray of shape (n_samples,)
        Binary outcomes (0/1 integers).
    y_prob : ndarray of shape (n_samples,)
        Forecasts, in (0, 1).
    true_prob : ndarray of shape (n_samples,)
        The true ``P(y = 1)``.

    Examples
    --------
    >>> from statlearn.datasets import make_miscalibrated_predictions
    >>> y, p, q = make_miscalibrated_predictions(1000, random_state=0)
    >>> y.shape, bool((p > q).any() and (p < q).any())
    ((1000,), True)
    """
    if pattern not in ("sign_change", "overconfident", "mixed"):
        raise ValueError(
            f"`pattern` must be one of ['sign_change', 'overconfident', 'mixed']; got {pattern!r}."
        )
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples < 1:
        raise ValueError(f"`n_samples` must be an int >= 1; got {n_samples!r}.")
    rng = check_random_state(random_state)
    if pattern == "mixed":
        p = rng.uniform(1e-6, 1 - 1e-6, size=n_samples)
        c = np.maximum(p, 1 - p)
        acc = c - 0.08 * np.sin(4 * np.pi * (c - 0.5))
        q = np.where(p >= 0.5, acc, 1 - acc)
    else:
        p = np.clip(rng.beta(2.0, 3.0, size=n_samples), 1e-9, 1 - 1e-9)
        z = _logit(p)
        q = _expit(1.6 * z + 0.2) if pattern == "sign_change" else _expit(0.5 * z)
    y = (rng.uniform(size=n_samples) < q).astype(np.int64)
    return y, p, q


@fill_doc
def make_multicalibration_problem(n_samples=20000, n_groups=10, *, n_features=5, random_state=None):
    """A binary problem whose truth has group effects a pooled model misses.

    ``X ~ N(0, I)``; group ``j`` holds each row independently with
    probability ``r_j`` in [0.16, 0.5] (groups intersect); the true log-odds
    are ``X beta + sum_j gamma_j g_j + 1.5 g_0 g_1 x_0`` with
    ``gamma_j ~ Uniform(-1, 1)``. A logistic regression on ``X`` alone is
    calibrated overall but not within groups: the setting of the
    multicalibration benchmark of the calibration notes (and of an
    expected-goals model pooled over all shooters).

    Parameters
    ----------
    n_samples : int, default=20000
        Number of rows.
    n_groups : int, default=10
        Number of groups (at least 2).
    n_features : int, default=5
        Number of features.
    {random_state_seed_legacy}

    Returns
    -------
    data : Bunch
        ``data`` (ndarray of shape (n_samples, n_features)), ``target``
        (ndarray of shape (n_samples,), 0/1), ``groups`` (bool ndarray of
        shape (n_samples, n_groups)), ``group_names`` (list of str),
        ``true_prob`` (ndarray of shape (n_samples,)).

    Examples
    --------
    >>> from statlearn.datasets import make_multicalibration_problem
    >>> d = make_multicalibration_problem(1000, 4, random_state=0)
    >>> d.data.shape, d.groups.shape
    ((1000, 5), (1000, 4))
    """
    for name, val, low in (("n_samples", n_samples, 1), ("n_groups", n_groups, 2), ("n_features", n_features, 1)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < low:
            raise ValueError(f"`{name}` must be an int >= {low}; got {val!r}.")
    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    rates = rng.uniform(0.16, 0.5, size=n_groups)
    G = rng.uniform(size=(n_samples, n_groups)) < rates
    beta = rng.normal(0.0, 0.7, size=n_features)
    gamma = rng.uniform(-1.0, 1.0, size=n_groups)
    z = X @ beta + G @ gamma + 1.5 * (G[:, 0] & G[:, 1]) * X[:, 0] - 0.5
    q = _expit(z)
    y = (rng.uniform(size=n_samples) < q).astype(np.int64)
    return Bunch(data=X, target=y, groups=G, group_names=[f"group_{j}" for j in range(n_groups)],
                 true_prob=q)
