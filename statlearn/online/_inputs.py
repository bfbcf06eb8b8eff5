"""Input checks of statlearn.online's estimators: every message names its argument."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import column_or_1d

from statlearn._validation import check_finite_array, validate_data

__all__ = ["check_features", "check_forecasts", "check_labels", "check_state_finite", "check_target", "writable"]


def check_features(estimator, X, *, reset):
    """``X`` as a finite, C-contiguous float64 2-D array; feature names and count checked.

    scikit-learn's messages are kept (its common checks match on them) and
    prefixed with the argument, e.g. ``"`X` is invalid: Found array with dim 3 ..."``.
    """
    try:
        X = validate_data(estimator, X, reset=reset, dtype=np.float64, order="C")
    except ValueError as exc:
        msg = str(exc)
        if msg.startswith("`X`") or msg.startswith("X has"):
            raise
        raise ValueError(f"`X` is invalid: {msg}") from exc
    return writable(X)


def writable(a):
    """``a`` itself, or a copy when it is read-only (numba compiles read-only arrays separately)."""
    return a if a.flags.writeable else a.copy()


def check_target(y, n_samples=None, *, name="y"):
    """A numeric target as a finite float64 1-D array (an (n, 1) column is raveled with a warning).

    None, pd.NA, text and NaN / inf raise naming ``name``; object arrays of
    numbers are accepted.
    """
    if y is None:
        raise ValueError(f"`{name}` is required: this estimator requires y to be passed, but the target y is None.")
    arr = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y, dtype=None if hasattr(y, "dtype") else object)
    if arr.dtype == object:
        import pandas as pd

        missing = np.asarray(pd.isna(arr), dtype=bool)
        if missing.any():
            first = int(np.flatnonzero(missing.ravel())[0])
            raise ValueError(f"`{name}` must not contain missing values (None, NaN, pd.NA); found "
                             f"{int(missing.sum())}, first at index {first}.")
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = column_or_1d(arr, warn=True)
    arr = writable(check_finite_array(arr, name=name, ndim=1))
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"`X` and `{name}` must have the same number of samples; got {n_samples} and "
                         f"{arr.shape[0]}.")
    return arr


def check_state_finite(arrays, X, y):
    """Raise (naming ``X`` and ``y``) when a learner's state overflowed float64."""
    if all(np.isfinite(a).all() for a in arrays):
        return
    big_x = float(np.max(np.abs(X))) if X.size else 0.0
    big_y = float(np.max(np.abs(y))) if y.size else 0.0
    raise ValueError(
        "`X` or `y` holds values too large for the online updates: the model state overflowed "
        f"float64 (max |X| = {big_x:.3g}, max |y| = {big_y:.3g}). Rescale them; the batch was not learned."
    )


def check_forecasts(preds, X):
    """Raise (naming ``X``) when a forecast is not finite (features too large)."""
    bad = ~np.isfinite(preds)
    if bad.any():
        row = int(np.flatnonzero(bad.reshape(bad.shape[0], -1).any(axis=1))[0])
        raise ValueError(
            f"`X` gives a non-finite forecast at row {row} (max |X[{row}]| = {float(np.max(np.abs(X[row]))):.3g}): "
            "its values are too large for the fitted model; rescale them."
        )
    return preds


def check_labels(y, labels=None, *, name="y"):
    """Class labels as codes (``check_multiclass_target``), refusing None and continuous targets."""
    from sklearn.utils.multiclass import type_of_target

    from statlearn._validation import check_multiclass_target

    if y is None:
        raise ValueError(f"`{name}` is required: this estimator requires y to be passed, but the target y is None.")
    arr = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = column_or_1d(arr, warn=True)
    if arr.dtype.kind == "f" and np.isfinite(arr).all() and type_of_target(arr) == "continuous":
        raise ValueError(f"Unknown label type: `{name}` must hold class labels; got continuous values "
                         f"such as {arr[~np.isclose(arr, np.round(arr))][:3].tolist()}.")
    return check_multiclass_target(arr, labels=labels, name=name)
