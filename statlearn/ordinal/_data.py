"""Data preparation of the cumulative-link models: target encoding, design, predictions."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils.multiclass import check_classification_targets

from statlearn._validation import check_ordinal_target, check_sample_weight

from ._links import CDF, PPF


# --------------------------------------------------------------------------- #
# target
# --------------------------------------------------------------------------- #
def encode_target(y):
    """Class codes 0..K-1 and ordered labels; ordered Categoricals keep their order."""
    if y is None:
        raise ValueError("`y` is required: this estimator needs ordered class labels; got None.")
    cat = getattr(y, "cat", None)
    dtype = getattr(y, "dtype", None)
    if cat is not None or type(dtype).__name__ == "CategoricalDtype":
        import pandas as pd

        c = pd.Categorical(y)
        codes, classes = check_ordinal_target(y, min_classes=1)
        check_two_classes(classes)
        if len(c.categories) > len(classes):
            unused = [str(v) for v in c.categories if v not in set(classes)]
            raise ValueError(
                f"`y` is an ordered Categorical whose categories {unused} have no sample; every "
                "class needs data to estimate its boundary. Drop them with "
                "`y.cat.remove_unused_categories()`."
            )
        return codes, classes
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    check_classification_targets(arr)
    # contract layer: text labels now need an explicit order; the previous (sorted) order is kept
    # here unchanged until the ordinal helper applies issue 11's rule for text labels.
    legacy = np.unique(arr) if arr.dtype.kind in "USO" else None
    codes, classes = check_ordinal_target(arr, min_classes=1, classes=legacy)
    check_two_classes(classes)
    return codes, classes


def check_two_classes(classes):
    if classes.size < 2:
        raise ValueError(
            f"`y` must have at least 2 ordered classes (3 or more for PRESTO to differ from "
            f"logistic regression); got 1 class: {classes[0]!r}."
        )


# --------------------------------------------------------------------------- #
# design
# --------------------------------------------------------------------------- #
def weighted_design(X, w, standardize):
    """Centre (and scale) ``X`` with weights ``w`` (summing to one)."""
    mean = w @ X
    Xc = X - mean
    if standardize:
        scale = np.sqrt(w @ (Xc * Xc))
        scale[scale <= 1e-12 * (1.0 + np.abs(mean))] = 1.0
    else:
        scale = np.ones(X.shape[1])
    return np.ascontiguousarray(Xc / scale), mean, scale


def null_intercepts(y, w, n_classes, link="logit"):
    """``F^{-1}`` of the (weighted) cumulative class frequencies: the intercept-only fit."""
    freq = np.bincount(y, weights=w, minlength=n_classes)
    cum = np.cumsum(freq)[:-1] / freq.sum()
    cum = np.clip(cum, 1e-12, 1 - 1e-12)
    return PPF[link](cum)


def prepare_fit(X, y, sample_weight, standardize):
    """Validated arrays restricted to positive weights, weights normalized to one."""
    codes, classes = encode_target(y)
    n_classes = classes.size
    w = check_sample_weight(sample_weight, X.shape[0])
    keep = w > 0
    Xp, yp, wp = X[keep], codes[keep], w[keep]
    counts = np.bincount(yp, minlength=n_classes)
    if (counts == 0).any():
        missing = [classes[k] for k in np.flatnonzero(counts == 0)]
        raise ValueError(
            f"every class in `y` needs a sample with positive weight; class(es) {missing} have none."
        )
    wp = wp / wp.sum()
    Xs, mean, scale = weighted_design(np.asarray(Xp, dtype=np.float64), wp, standardize)
    return Bunch(X=Xs, y=np.ascontiguousarray(yp, dtype=np.int64), w=np.ascontiguousarray(wp),
                 mean=mean, scale=scale, classes=classes, n_classes=n_classes)


def back_transform(alpha_s, psi_s, mean, scale):
    """Coefficients on the original scale: beta_k = beta_k^std / s, alpha_k -= beta_k . mean."""
    beta = np.cumsum(psi_s, axis=1) / scale[:, None]
    psi = psi_s / scale[:, None]
    alpha = alpha_s - mean @ beta
    return alpha, beta, psi


def to_internal(alpha, beta, mean, scale):
    """``(alpha_s, psi_s)`` in a standardization ``(mean, scale)`` from original-scale coefficients."""
    beta_s = beta * scale[:, None]
    alpha_s = alpha + mean @ beta
    psi_s = np.diff(np.hstack([np.zeros((beta.shape[0], 1)), beta_s]), axis=1)
    return alpha_s, psi_s


# --------------------------------------------------------------------------- #
# predictions
# --------------------------------------------------------------------------- #
def predict_eta(X, intercept, coef):
    return np.asarray(X, dtype=np.float64) @ coef + intercept


def count_crossings(eta):
    """Number of rows whose boundaries are not non-decreasing."""
    if eta.shape[1] < 2:
        return 0
    return int(np.count_nonzero((np.diff(eta, axis=1) < 0).any(axis=1)))


def proba_from_eta(eta, crossing, link="logit"):
    """Class probabilities from boundary predictors (n, K-1); rearranges or raises on crossing."""
    eta = np.ascontiguousarray(eta, dtype=np.float64)
    n_cross = count_crossings(eta)
    if n_cross:
        if crossing == "raise":
            raise ValueError(
                f"the boundaries of {n_cross} sample(s) cross (P(y <= k) decreases in k); "
                "set `crossing='rearrange'` to sort them."
            )
        eta = np.sort(eta, axis=1)
    cum = CDF[link](eta)
    n = eta.shape[0]
    full = np.hstack([np.zeros((n, 1)), cum, np.ones((n, 1))])
    proba = np.diff(full, axis=1)
    return np.clip(proba, 0.0, 1.0)
