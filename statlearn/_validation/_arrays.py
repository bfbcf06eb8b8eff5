"""Array checks: finite numbers, lengths, weights, quantile levels, probabilities."""

from __future__ import annotations

import numbers

import numpy as np


def _show(value, max_items: int = 8) -> str:
    """Short, readable rendering of a received value for error messages."""
    if isinstance(value, np.ndarray | list | tuple):
        arr = np.asarray(value, dtype=object).ravel()
        items = [_show(v) for v in arr[:max_items]]
        tail = ", ..." if arr.size > max_items else ""
        return "[" + ", ".join(items) + tail + "]"
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return repr(value)


def _describe_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    idx = np.argwhere(bad)
    first = tuple(int(i) for i in idx[0])
    where = first[0] if len(first) == 1 else first
    return f"{int(bad.sum())} bad value(s), first at index {where}: {_show(arr[first])}"


# --------------------------------------------------------------------------- #
# generic arrays
# --------------------------------------------------------------------------- #
def check_finite_array(
    array,
    *,
    name: str,
    ndim: int | tuple[int, ...] | None = None,
    dtype=np.float64,
    allow_nan: bool = False,
    min_samples: int = 1,
) -> np.ndarray:
    """Convert ``array`` to a contiguous numeric array with no NaN or inf.

    Parameters
    ----------
    array : array-like
        The input.
    name : str
        Argument name used in error messages.
    ndim : int or tuple of int, default=None
        Allowed number of dimensions; ``None`` accepts any.
    dtype : numpy dtype, default=np.float64
        Target dtype.
    allow_nan : bool, default=False
        Whether NaN is allowed (inf never is).
    min_samples : int, default=1
        Minimal length of the first axis.

    Returns
    -------
    array : ndarray
        C-contiguous array of ``dtype``.
    """
    if array is None:
        raise TypeError(f"`{name}` must be an array-like of numbers; got None.")
    if isinstance(array, str | bytes):
        raise TypeError(f"`{name}` must be an array-like of numbers; got a string {array!r}.")
    try:
        arr = np.asarray(array)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise TypeError(f"`{name}` must be an array-like of numbers; got {type(array)}.") from exc
    if arr.dtype.kind in "USV":
        raise TypeError(
            f"`{name}` must contain numbers; got strings of dtype {arr.dtype} such as "
            f"{_show(arr.ravel()[:3])}."
        )
    if arr.dtype == object:
        try:
            arr = arr.astype(dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"`{name}` must contain numbers; got values of dtype {arr.dtype} "
                f"such as {_show(arr.ravel()[:3])}."
            ) from exc
    if arr.dtype.kind == "c":
        raise TypeError(f"`{name}` must be real-valued; got complex dtype {arr.dtype}.")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must contain numbers; got dtype {arr.dtype}.")
    arr = np.ascontiguousarray(arr, dtype=dtype)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"`{name}` must be {want}; got a {arr.ndim}-D array of shape {arr.shape}.")
    if arr.ndim >= 1 and arr.shape[0] < min_samples:
        raise ValueError(
            f"`{name}` must have at least {min_samples} sample(s); got shape {arr.shape}."
        )
    if arr.dtype.kind == "f":
        bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
        if bad.any():
            what = "inf" if allow_nan else "NaN or inf"
            raise ValueError(f"`{name}` must not contain {what}; found {_describe_bad(arr, bad)}.")
    return arr


def check_consistent_length(**arrays) -> int:
    """Check that every given array has the same first dimension.

    Parameters
    ----------
    **arrays : array-like or None
        Named arrays; ``None`` values are skipped.

    Returns
    -------
    n_samples : int
        The common length.
    """
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"`{k}` has {n}" for k, n in lengths.items())
        raise ValueError(f"Inconsistent numbers of samples: {shown}.")
    return next(iter(lengths.values())) if lengths else 0


def check_sample_weight(sample_weight, n_samples: int, *, name: str = "sample_weight") -> np.ndarray:
    """Validate sample weights: finite, non-negative, not all zero, length ``n_samples``.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        ``None`` gives unit weights.
    n_samples : int
        Expected length.
    name : str, default="sample_weight"
        Argument name used in error messages.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
    """
    if sample_weight is None:
        return np.ones(n_samples, dtype=np.float64)
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, float(sample_weight))
    w = check_finite_array(sample_weight, name=name, ndim=1, min_samples=0)
    if w.shape[0] != n_samples:
        raise ValueError(f"`{name}` must have shape ({n_samples},); got {w.shape}.")
    if (w < 0).any():
        raise ValueError(f"`{name}` must be non-negative; found {_describe_bad(w, w < 0)}.")
    if n_samples and not (w > 0).any():
        raise ValueError(f"`{name}` must have at least one positive weight; got all zeros.")
    return w


# --------------------------------------------------------------------------- #
# quantiles and intervals
# --------------------------------------------------------------------------- #
def check_quantiles(quantiles, *, name: str = "quantiles") -> np.ndarray:
    """Validate quantile levels: a non-empty, strictly increasing 1-D array in (0, 1).

    Parameters
    ----------
    quantiles : float or array-like of shape (n_quantiles,)
        Quantile levels.
    name : str, default="quantiles"
        Argument name used in error messages.

    Returns
    -------
    quantiles : ndarray of shape (n_quantiles,)
    """
    q = check_finite_array(np.atleast_1d(quantiles) if quantiles is not None else None,
                           name=name, ndim=1)
    if ((q <= 0) | (q >= 1)).any():
        raise ValueError(f"`{name}` must lie strictly inside (0, 1); got {_show(q)}.")
    if q.size > 1 and not (np.diff(q) > 0).all():
        raise ValueError(f"`{name}` must be strictly increasing in (0, 1); got {_show(q)}.")
    return q


def check_quantile_matrix(
    y_quantiles,
    *,
    name: str = "y_quantiles",
    n_quantiles: int | None = None,
    n_samples: int | None = None,
) -> np.ndarray:
    """Validate a matrix of quantile predictions of shape ``(n_samples, n_quantiles)``.

    Parameters
    ----------
    y_quantiles : array-like of shape (n_samples, n_quantiles)
        Predicted quantiles; a 1-D array is read as one level.
    name : str, default="y_quantiles"
        Argument name used in error messages.
    n_quantiles, n_samples : int, default=None
        Expected sizes, when known.

    Returns
    -------
    y_quantiles : ndarray of shape (n_samples, n_quantiles)
    """
    Q = check_finite_array(y_quantiles, name=name, ndim=(1, 2))
    if Q.ndim == 1:
        Q = Q[:, None]
    if n_quantiles is not None and Q.shape[1] != n_quantiles:
        raise ValueError(
            f"`{name}` must have one column per quantile level ({n_quantiles}); "
            f"got shape {Q.shape}."
        )
    if n_samples is not None and Q.shape[0] != n_samples:
        raise ValueError(f"`{name}` must have {n_samples} rows; got shape {Q.shape}.")
    return Q


def check_confidence_level(confidence_level, *, name: str = "confidence_level") -> np.ndarray | float:
    """Validate a coverage target strictly inside (0, 1); scalars stay scalars.

    Parameters
    ----------
    confidence_level : float or array-like of float
        Nominal coverage, e.g. ``0.9`` for a 90% interval.
    name : str, default="confidence_level"
        Argument name used in error messages.

    Returns
    -------
    confidence_level : float or ndarray
    """
    if isinstance(confidence_level, bool) or confidence_level is None:
        raise TypeError(f"`{name}` must be a float in (0, 1); got {confidence_level!r}.")
    scalar = np.ndim(confidence_level) == 0
    c = check_finite_array(np.atleast_1d(confidence_level), name=name, ndim=1)
    if ((c <= 0) | (c >= 1)).any():
        raise ValueError(f"`{name}` must lie strictly inside (0, 1); got {_show(c if c.size > 1 else c[0])}.")
    return float(c[0]) if scalar else c


# --------------------------------------------------------------------------- #
# probabilities and targets
# --------------------------------------------------------------------------- #
def check_probabilities(
    y_prob,
    *,
    name: str = "y_prob",
    ndim: int | tuple[int, ...] = (1, 2),
    rows_sum_to_one: bool = True,
    atol: float = 1e-6,
) -> np.ndarray:
    """Validate probabilities in [0, 1]; for a matrix, rows summing to one.

    Parameters
    ----------
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities.
    name : str, default="y_prob"
        Argument name used in error messages.
    ndim : int or tuple of int, default=(1, 2)
        Allowed dimensions.
    rows_sum_to_one : bool, default=True
        For 2-D input, require each row to sum to one within ``atol``.
    atol : float, default=1e-6
        Tolerance of the row-sum check.

    Returns
    -------
    y_prob : ndarray
    """
    p = check_finite_array(y_prob, name=name, ndim=ndim)
    bad = (p < 0) | (p > 1)
    if bad.any():
        raise ValueError(f"`{name}` must contain probabilities in [0, 1]; found {_describe_bad(p, bad)}.")
    if p.ndim == 2 and rows_sum_to_one:
        s = p.sum(axis=1)
        off = np.abs(s - 1) > atol
        if off.any():
            i = int(np.argmax(off))
            raise ValueError(
                f"Each row of `{name}` must sum to 1; row {i} sums to {s[i]:.6g} "
                f"({int(off.sum())} row(s) off)."
            )
    return p
