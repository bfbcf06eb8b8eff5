"""Data preparation of the cumulative-link models: target encoding, design, predictions."""

from __future__ import annotations

import numbers

import numpy as np
from scipy import sparse
from sklearn.utils import Bunch

from statlearn._validation import check_ordinal_target, check_sample_weight

from ._links import CDF, PPF


# --------------------------------------------------------------------------- #
# target
# --------------------------------------------------------------------------- #
def check_X(X):
    """Reject what the estimators cannot read with messages that name ``X`` (sparse input is
    left to scikit-learn's ``validate_data``, whose message says so)."""
    if X is None:
        raise TypeError("`X` must be a 2-D array-like of numbers; got None.")
    if sparse.issparse(X):
        return
    arr = np.asarray(X)
    if arr.dtype.kind in "USV":
        raise TypeError(f"`X` must contain numbers; got strings of dtype {arr.dtype}.")
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`X` must contain numbers ({exc}).") from exc
    if arr.ndim != 2:
        raise ValueError(
            f"`X` must be 2-D (n_samples, n_features); got a {arr.ndim}-D array of shape {arr.shape}. "
            "Reshape your data with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a "
            "single sample.")
    if arr.shape[0] < 1:
        raise ValueError(f"`X` must have at least 1 sample; got shape {arr.shape}.")
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        raise ValueError(f"`X` must not contain NaN or inf; found {int((~np.isfinite(arr)).sum())}.")


def check_fit_inputs(X, y, sample_weight=None):
    """``X`` readable, ``y`` given, and one row of each per sample (messages name the arguments)."""
    check_X(X)
    if y is None:
        raise ValueError("This estimator requires y to be passed, but the target y is None: `y` must be "
                         "the ordered class labels.")
    if getattr(y, "ndim", 1) == 2 and y.shape[1] == 1:
        import warnings

        from sklearn.exceptions import DataConversionWarning

        warnings.warn("A column-vector y was passed when a 1d array was expected; `y` is read as "
                      "its single column.", DataConversionWarning, stacklevel=3)
    lengths = {"X": X.shape[0] if sparse.issparse(X) else np.asarray(X).shape[0]}
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        try:
            lengths[name] = len(value)
        except TypeError:  # None or a scalar: checked (or broadcast) later
            pass
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"`{k}` has {v}" for k, v in lengths.items())
        raise ValueError(f"Inconsistent numbers of samples: {shown}.")


def _label_array(y):
    """``y`` as a 1-D array; object arrays of numbers become numbers; continuous values raise."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"`y` must be 1-D (one label per sample); got an array of shape {arr.shape}.")
    if arr.dtype == object and arr.size and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in arr):
        arr = arr.astype(np.float64)
    if arr.dtype.kind == "f" and np.isfinite(arr).all():
        if not np.all(arr == np.round(arr)):
            raise ValueError(
                "Unknown label type: 'continuous': `y` must hold ordered class labels (integers, "
                f"numeric strings, text with `classes=`); got non-integer values such as "
                f"{arr[arr != np.round(arr)][:3].tolist()}.")
        if np.abs(arr).max(initial=0.0) < 2**53:
            arr = arr.astype(np.int64)
    return arr


def encode_target(y, classes=None):
    """Class codes 0..K-1 and the ordered labels (the contract's ``check_ordinal_target`` rule).

    The order comes from ``classes`` (lowest to highest), an ordered pandas
    Categorical, numbers, or text that parses as numbers (numeric order);
    other text raises. Every level must have a sample: each needs data for its
    boundary.
    """
    if y is None:
        raise ValueError("`y` is required: this estimator needs ordered class labels; got None.")
    cat = getattr(y, "cat", None)
    categorical = cat is not None or type(getattr(y, "dtype", None)).__name__ == "CategoricalDtype"
    if not categorical:
        y = _label_array(y)
    codes, labels = check_ordinal_target(y, classes=classes, min_classes=1)
    check_two_classes(labels)
    if classes is not None:
        levels = list(classes)
    elif categorical:
        import pandas as pd

        levels = list(pd.Categorical(y).categories)
    else:
        levels = list(labels)
    if len(levels) > labels.size:
        unused = [str(v) for v in levels if v not in set(labels.tolist())]
        source = "`classes`" if classes is not None else "`y` is an ordered Categorical whose categories"
        hint = "" if classes is not None else " Drop them with `y.cat.remove_unused_categories()`."
        raise ValueError(f"{source} {unused} have no sample; every class needs data to estimate its "
                         f"boundary.{hint}")
    return codes, labels


def codes_for(y, classes):
    """Codes of labels ``y`` among fitted ``classes`` (an unknown label raises)."""
    if y is None:
        raise ValueError("`y` is required; got None.")
    cat = getattr(y, "cat", None) is not None or type(getattr(y, "dtype", None)).__name__ == "CategoricalDtype"
    arr = y if cat else _label_array(y)
    codes, labels = check_ordinal_target(arr, classes=classes, min_classes=1)
    # levels with no sample were dropped: map the observed ones back to their place in `classes`
    levels = list(classes)
    return np.array([levels.index(v) for v in labels], dtype=np.int64)[codes]


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


def prepare_fit(X, y, sample_weight, standardize, classes=None):
    """Validated arrays restricted to positive weights, weights normalized to one."""
    codes, classes = encode_target(y, classes)
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
