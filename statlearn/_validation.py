"""Input validation shared by every statlearn module.

Every check raises ``ValueError`` or ``TypeError`` whose message names the
argument in backticks, says what was expected and shows what was received::

    `quantiles` must be strictly increasing in (0, 1); got [0.5, 0.1].

Estimators validate ``X``/``y`` with scikit-learn's public
:func:`sklearn.utils.validation.validate_data`; the checks here cover what
scikit-learn does not know about (quantile levels, quantile matrices, group
membership matrices, ordinal targets, confidence levels, ...) and the
declared parameter constraints of statlearn estimators.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import numpy as np

__all__ = [
    "Interval",
    "Options",
    "check_binary_target",
    "check_confidence_level",
    "check_consistent_length",
    "check_finite_array",
    "check_groups",
    "check_ordinal_target",
    "check_probabilities",
    "check_quantile_matrix",
    "check_quantiles",
    "check_sample_weight",
    "check_scalar",
    "validate_params",
]


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


def _as_1d_labels(y, name: str) -> np.ndarray:
    if y is None:
        raise TypeError(f"`{name}` must be an array-like of labels; got None.")
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be 1-D; got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"`{name}` must not be empty.")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"`{name}` must not contain NaN or inf; found {_describe_bad(arr, ~np.isfinite(arr))}.")
    if arr.dtype == object:
        try:
            missing = np.array([v is None or (isinstance(v, float) and np.isnan(v)) for v in arr])
        except Exception:  # pragma: no cover
            missing = np.zeros(arr.shape, bool)
        if missing.any():
            raise ValueError(f"`{name}` must not contain missing labels; found {int(missing.sum())}.")
    return arr


def check_binary_target(y_true, *, name: str = "y_true", pos_label=None) -> tuple[np.ndarray, np.ndarray]:
    """Validate a binary target and encode it as 0/1 floats.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels with at most two distinct values.
    name : str, default="y_true"
        Argument name used in error messages.
    pos_label : scalar, default=None
        The positive class; by default the larger label (``1`` for {0, 1},
        ``True`` for booleans).

    Returns
    -------
    y01 : ndarray of shape (n_samples,)
        ``1.0`` where ``y_true == pos_label``, else ``0.0``.
    classes : ndarray of shape (2,) or (1,)
        The sorted distinct labels.
    """
    arr = _as_1d_labels(y_true, name)
    classes = np.unique(arr)
    if classes.size > 2:
        raise ValueError(
            f"`{name}` must be binary (two distinct labels); got {classes.size} labels: {_show(classes)}."
        )
    if pos_label is None:
        if classes.size == 1 and classes[0] in (0, 1, True, False):
            pos_label = 1
        else:
            pos_label = classes[-1]
    elif pos_label not in classes and classes.size == 2:
        raise ValueError(f"`pos_label`={pos_label!r} is not one of the labels of `{name}`: {_show(classes)}.")
    return (arr == pos_label).astype(np.float64), classes


def check_ordinal_target(y, *, name: str = "y", min_classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Validate an ordinal target and encode it as codes ``0, ..., n_classes - 1``.

    The order is the order of an ordered pandas Categorical (its categories,
    including unobserved ones are dropped), otherwise the sorted order of the
    distinct values.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or ordered pandas Categorical/Series
        Ordered labels.
    name : str, default="y"
        Argument name used in error messages.
    min_classes : int, default=2
        Minimal number of observed classes.

    Returns
    -------
    codes : ndarray of shape (n_samples,), dtype int64
    classes : ndarray of shape (n_classes,)
        The labels in increasing order; the last is the top (often rare) class.
    """
    cat = getattr(y, "cat", None)
    categorical = getattr(y, "dtype", None)
    if cat is not None or type(categorical).__name__ == "CategoricalDtype":
        import pandas as pd

        c = pd.Categorical(y)
        if not c.ordered:
            raise ValueError(
                f"`{name}` is an unordered pandas Categorical; make it ordered "
                "(e.g. `y.cat.as_ordered()`) so the class order is explicit."
            )
        if (c.codes < 0).any():
            raise ValueError(f"`{name}` must not contain missing labels; found {int((c.codes < 0).sum())}.")
        observed = np.unique(c.codes)
        classes = np.asarray(c.categories)[observed]
        codes = np.searchsorted(observed, c.codes).astype(np.int64)
    else:
        arr = _as_1d_labels(y, name)
        classes, codes = np.unique(arr, return_inverse=True)
        codes = codes.astype(np.int64)
    if classes.size < min_classes:
        raise ValueError(
            f"`{name}` must have at least {min_classes} distinct classes; got {classes.size}: {_show(classes)}."
        )
    return codes, classes


# --------------------------------------------------------------------------- #
# groups
# --------------------------------------------------------------------------- #
def check_groups(
    groups,
    n_samples: int | None = None,
    *,
    name: str = "groups",
    allow_empty: bool = False,
) -> tuple[np.ndarray, list[str]]:
    """Validate a group-membership matrix of shape ``(n_samples, n_groups)``.

    Groups may intersect: a row may belong to several groups (or none).

    Parameters
    ----------
    groups : array-like of bool of shape (n_samples, n_groups) or DataFrame
        Membership indicators; a DataFrame keeps its column names. A 1-D
        vector is read as a single group.
    n_samples : int, default=None
        Expected number of rows.
    name : str, default="groups"
        Argument name used in error messages.
    allow_empty : bool, default=False
        Whether a group with no member is accepted.

    Returns
    -------
    groups : ndarray of bool of shape (n_samples, n_groups)
    names : list of str
        Column names of a DataFrame, else ``"group_0", "group_1", ...``.
    """
    if groups is None:
        raise TypeError(f"`{name}` must be a boolean matrix (n_samples, n_groups); got None.")
    columns = getattr(groups, "columns", None)
    arr = np.asarray(groups)
    if arr.ndim == 1:
        arr = arr[:, None]
        columns = None if columns is None else columns
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must be 2-D (n_samples, n_groups); got shape {arr.shape}.")
    if arr.shape[1] == 0:
        raise ValueError(f"`{name}` must have at least one group column; got shape {arr.shape}.")
    if arr.dtype != bool:
        if arr.dtype.kind not in "biuf" and arr.dtype != object:
            raise TypeError(f"`{name}` must contain booleans (or 0/1); got dtype {arr.dtype}.")
        try:
            num = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`{name}` must contain booleans (or 0/1); got dtype {arr.dtype}.") from exc
        bad = ~np.isin(num, (0.0, 1.0))
        if bad.any():
            raise ValueError(
                f"`{name}` must contain only booleans or 0/1; found {_describe_bad(num, bad)}."
            )
        arr = num.astype(bool)
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"`{name}` must have {n_samples} rows (one per sample); got shape {arr.shape}.")
    names = [str(c) for c in columns] if columns is not None else [f"group_{j}" for j in range(arr.shape[1])]
    if not allow_empty:
        empty = ~arr.any(axis=0)
        if empty.any():
            shown = [names[j] for j in np.flatnonzero(empty)[:5]]
            raise ValueError(f"`{name}` has empty group(s) with no member: {shown}.")
    return np.ascontiguousarray(arr), names


# --------------------------------------------------------------------------- #
# parameter constraints
# --------------------------------------------------------------------------- #
class Interval:
    """A numeric range used in parameter constraints.

    Parameters
    ----------
    kind : {"real", "integral"}
        Whether integers only are allowed.
    left, right : float or None
        Bounds; ``None`` is unbounded.
    closed : {"both", "left", "right", "neither"}, default="both"
        Which bounds are included. An unbounded real side that is closed
        admits infinity: ``Interval("real", 0, None)`` is ``[0, inf]`` (e.g. a
        penalty where ``inf`` means the limit model), while
        ``Interval("real", 0, None, closed="left")`` is ``[0, inf)``.
    """

    def __init__(self, kind, left, right, closed="both"):
        self.kind, self.left, self.right, self.closed = kind, left, right, closed

    def _includes(self, side: str) -> bool:
        return self.closed in ("both", side)

    def __contains__(self, value) -> bool:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        if self.kind == "integral" and not isinstance(value, numbers.Integral):
            return False
        if value != value:  # NaN
            return False
        if value in (np.inf, -np.inf):
            # an unbounded side admits infinity only when that side is closed: [0, inf] vs [0, inf)
            if value > 0:
                return self.right is None and self._includes("right")
            return self.left is None and self._includes("left")
        lo_ok = self.left is None or (value >= self.left if self._includes("left") else value > self.left)
        hi_ok = self.right is None or (value <= self.right if self._includes("right") else value < self.right)
        return lo_ok and hi_ok

    def __str__(self) -> str:
        real = self.kind == "real"
        lb = "[" if self._includes("left") and (self.left is not None or real) else "("
        rb = "]" if self._includes("right") and (self.right is not None or real) else ")"
        lo = "-inf" if self.left is None else f"{self.left:g}"
        hi = "inf" if self.right is None else f"{self.right:g}"
        word = "an int" if self.kind == "integral" else "a float"
        return f"{word} in {lb}{lo}, {hi}{rb}"


class Options:
    """A finite set of allowed values (e.g. strings) in parameter constraints."""

    def __init__(self, *values):
        self.values = values

    def __contains__(self, value) -> bool:
        return any(value is v or (type(value) is type(v) and value == v) for v in self.values)

    def __str__(self) -> str:
        return "one of {" + ", ".join(repr(v) for v in self.values) + "}"


def _satisfies(value, constraint) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, Interval | Options):
        return value in constraint
    if constraint == "array-like":
        return hasattr(value, "__len__") and not isinstance(value, str)
    if constraint == "boolean":
        return isinstance(value, bool | np.bool_)
    if constraint == "random_state":
        return value is None or isinstance(value, numbers.Integral | np.random.RandomState | np.random.Generator)
    if constraint == "estimator":
        return hasattr(value, "fit")
    if constraint == "callable":
        return callable(value)
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    raise TypeError(f"Unknown constraint {constraint!r}.")  # pragma: no cover


def _constraint_str(c) -> str:
    if c is None:
        return "None"
    if isinstance(c, type):
        return f"an instance of {c.__name__}"
    if isinstance(c, str):
        return {"array-like": "an array-like", "boolean": "a bool",
                "random_state": "None, an int, a RandomState or a Generator",
                "estimator": "an estimator with a fit method",
                "callable": "a callable"}.get(c, c)
    return str(c)


def validate_params(params: Mapping, constraints: Mapping[str, Iterable], *, owner: str = "") -> None:
    """Check parameter values against declared constraints.

    Parameters
    ----------
    params : mapping
        Parameter name to value (e.g. ``estimator.get_params(deep=False)``).
    constraints : mapping of str to list
        Parameter name to a list of allowed constraints: :class:`Interval`,
        :class:`Options`, a type, ``None`` or one of the strings
        ``"array-like"``, ``"boolean"``, ``"random_state"``, ``"estimator"``,
        ``"callable"``. A value must satisfy at least one.
    owner : str, default=""
        Class or function name used in error messages.

    Raises
    ------
    ValueError
        If a value is of an allowed type but out of range.
    TypeError
        If a value matches no allowed type.
    """
    prefix = f"{owner}: " if owner else ""
    for key, allowed in constraints.items():
        if key not in params:
            continue
        value = params[key]
        allowed = list(allowed)
        if any(_satisfies(value, c) for c in allowed):
            continue
        expected = " or ".join(_constraint_str(c) for c in allowed)
        numeric_like = isinstance(value, numbers.Real) and not isinstance(value, bool)
        range_only = any(isinstance(c, Interval) for c in allowed) and numeric_like
        opt_only = any(isinstance(c, Options) for c in allowed) and isinstance(value, str)
        exc = ValueError if (range_only or opt_only) else TypeError
        raise exc(f"{prefix}`{key}` must be {expected}; got {value!r}.")


def check_scalar(value, name: str, constraint, *, owner: str = ""):
    """Check one scalar parameter against one :class:`Interval` or :class:`Options`.

    Parameters
    ----------
    value : object
        The value.
    name : str
        Argument name used in error messages.
    constraint : Interval, Options, type or list of those
        What is allowed.
    owner : str, default=""
        Class or function name used in error messages.

    Returns
    -------
    value : object
        The value, unchanged.
    """
    allowed = constraint if isinstance(constraint, list) else [constraint]
    validate_params({name: value}, {name: allowed}, owner=owner)
    return value
