"""Synthetic data generators of the online papers (owned by statlearn.online)."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_random_state

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, validate_params

__all__ = ["make_grouped_regression"]

_SHAPES = ("circle", "square", "triangle")
_COLOURS = ("green", "red")


@fill_doc
def make_grouped_regression(n_samples=100_000, n_features=20, *, label="mean", noise=0.16,
                            include_indicators=True, scale=True, random_state=None):
    """Intersecting shape x colour groups with one linear model per group.

    The synthetic setting of Acharya et al. (2024): every row has one shape
    (circle / square / triangle with probabilities .5 / .3 / .2) and one
    colour (green / red, .6 / .4), so it belongs to two of five intersecting
    groups. Each group ``g`` has its own linear model ``w_g ~ U[0, 1]^d`` on
    ``x ~ U[0, 1]^d``; the row's label combines the labels of its two
    groups.

    Parameters
    ----------
    n_samples : int, default=100000
        Number of rows (the paper uses 100,000).
    n_features : int, default=20
        Number of continuous features ``d``.
    label : {"mean", "min", "max", "first"}, default="mean"
        How the labels ``w_g . x + noise`` of a row's groups are combined:
        their mean, minimum, maximum, or the label of the first active group
        in one random order of the five groups (the paper's "dperm").
    noise : float, default=0.16
        Standard deviation of the Gaussian noise of each group's label.
    include_indicators : bool, default=True
        Append the five group indicators to the features (as the paper does,
        giving ``d + 5`` columns).
    scale : bool, default=True
        Min-max scale the labels to ``[0, 1]``.
    {random_state_seed_legacy}

    Returns
    -------
    X : ndarray of shape (n_samples, n_features + 5) or (n_samples, n_features)
        Features (indicators last).
    y : ndarray of shape (n_samples,)
        Labels.
    groups : pandas.DataFrame of bool of shape (n_samples, 5)
        Columns ``circle``, ``square``, ``triangle``, ``green``, ``red``.

    {ref_acharya_groupwise}

    Examples
    --------
    >>> from statlearn.datasets import make_grouped_regression
    >>> X, y, groups = make_grouped_regression(n_samples=1000, label="first", random_state=0)
    >>> X.shape, y.shape, list(groups.columns)
    ((1000, 25), (1000,), ['circle', 'square', 'triangle', 'green', 'red'])
    >>> bool(groups.sum(axis=1).eq(2).all())
    True
    """
    import pandas as pd

    validate_params(
        {"n_samples": n_samples, "n_features": n_features, "label": label, "noise": noise,
         "include_indicators": include_indicators, "scale": scale, "random_state": random_state},
        {"n_samples": [Interval("integral", 2, None)], "n_features": [Interval("integral", 1, None)],
         "label": [Options("mean", "min", "max", "first")], "noise": [Interval("real", 0, None, closed="left")],
         "include_indicators": ["boolean"], "scale": ["boolean"], "random_state": ["random_state"]},
        owner="make_grouped_regression",
    )
    rng = check_random_state(random_state)
    n, d = int(n_samples), int(n_features)
    names = [*_SHAPES, *_COLOURS]
    W = rng.uniform(0.0, 1.0, size=(len(names), d))
    order = rng.permutation(len(names))
    x = rng.uniform(0.0, 1.0, size=(n, d))
    shape = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    colour = rng.choice(2, size=n, p=[0.6, 0.4])
    member = np.zeros((n, len(names)), dtype=bool)
    member[np.arange(n), shape] = True
    member[np.arange(n), 3 + colour] = True
    per_group = x @ W.T + noise * rng.standard_normal(size=(n, len(names)))
    if label == "mean":
        y = np.where(member, per_group, 0.0).sum(axis=1) / member.sum(axis=1)
    elif label == "min":
        y = np.where(member, per_group, np.inf).min(axis=1)
    elif label == "max":
        y = np.where(member, per_group, -np.inf).max(axis=1)
    else:
        rank = np.empty(len(names), dtype=np.int64)
        rank[order] = np.arange(len(names))
        first = np.argmin(np.where(member, rank[None, :], len(names)), axis=1)
        y = per_group[np.arange(n), first]
    if scale:
        y = (y - y.min()) / (y.max() - y.min())
    X = np.hstack([x, member.astype(np.float64)]) if include_indicators else x
    return X, y, pd.DataFrame(member, columns=names)
