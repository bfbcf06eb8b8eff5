"""Target encoders: binary with ``pos_label``, multiclass with ``labels=``, ordinal with an order.

The rules are scikit-learn's: a positive class is inferred only for labels in
{0, 1}, {-1, 1} or {False, True}; multiclass columns are never guessed; text
labels are never sorted silently to make an order.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._arrays import _describe_bad, _show

_NUMERIC_KINDS = "biuf"


def _missing_mask(arr: np.ndarray) -> np.ndarray:
    """True where an object array holds None, NaN, pd.NA or NaT."""
    import pandas as pd

    return np.asarray(pd.isna(arr), dtype=bool)


def _as_1d_labels(y, name: str) -> np.ndarray:
    """A 1-D, non-empty label array with no None / pd.NA / NaN / inf; an (n, 1) column is accepted."""
    if y is None:
        raise TypeError(f"`{name}` must be an array-like of labels; got None.")
    if isinstance(y, str | bytes):
        raise TypeError(f"`{name}` must be an array-like of labels; got a string {y!r}.")
    if not hasattr(y, "dtype") and not hasattr(y, "__array__"):
        # a list mixing text and NaN would otherwise become the string 'nan'
        obj = np.asarray(y, dtype=object)
        if obj.size and _missing_mask(obj).any():
            raise ValueError(f"`{name}` must not contain missing labels (None, NaN, pd.NA); "
                             f"found {int(_missing_mask(obj).sum())}.")
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
        missing = _missing_mask(arr)
        if missing.any():
            raise ValueError(f"`{name}` must not contain missing labels (None, NaN, pd.NA); "
                             f"found {int(missing.sum())}, first at index {int(np.argmax(missing))}.")
        inf = np.array([isinstance(v, numbers.Real) and not np.isfinite(v) for v in arr])
        if inf.any():
            raise ValueError(f"`{name}` must not contain inf; found {_describe_bad(arr, inf)}.")
    return arr


def _unique(arr: np.ndarray, name: str) -> np.ndarray:
    try:
        return np.unique(arr)
    except TypeError as exc:
        kinds = sorted({type(v).__name__ for v in arr.tolist()})
        raise TypeError(f"`{name}` mixes label types that cannot be compared: {kinds}.") from exc


def _is_numeric(values: np.ndarray) -> bool:
    """Numbers or booleans (also inside an object array), not text."""
    if values.dtype.kind in _NUMERIC_KINDS:
        return True
    return values.dtype == object and all(
        isinstance(v, numbers.Number | np.bool_) and not isinstance(v, str) for v in values.tolist()
    )


def _default_pos_label(classes: np.ndarray, name: str):
    """scikit-learn's rule: infer the positive class only for {0, 1}, {-1, 1} or {False, True}."""
    if _is_numeric(classes):
        observed = set(classes.tolist())
        if observed <= {0, 1} or observed <= {-1, 1}:
            return True if classes.dtype == bool else 1
    raise ValueError(
        f"`{name}` has labels {_show(classes)}; pass `pos_label` to say which label is the positive "
        "class (it is inferred only for labels in {0, 1}, {-1, 1} or {False, True})."
    )


def check_binary_target(y_true, *, pos_label=None, name: str = "y_true") -> tuple[np.ndarray, np.ndarray]:
    """Validate a binary target and encode it as 0/1 floats.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, 1)
        Labels with at most two distinct values; no None, pd.NA, NaN or inf.
    pos_label : int, float, bool or str, default=None
        The positive class. ``None`` is allowed only when the labels are a
        subset of {0, 1}, {-1, 1} or {False, True} (the positive class is then
        ``1`` / ``True``), as in scikit-learn. With two observed labels it must
        be one of them; with one observed label a different ``pos_label`` means
        every sample is negative.
    name : str, default="y_true"
        Argument name used in error messages.

    Returns
    -------
    y01 : ndarray of shape (n_samples,)
        ``1.0`` where ``y_true == pos_label``, else ``0.0``.
    classes : ndarray of shape (2,) or (1,)
        The sorted distinct labels.

    Raises
    ------
    ValueError
        If there are more than two labels, a missing label, or labels such as
        ``["No", "Yes"]`` (or a batch ``["No", "No"]``) without ``pos_label``.

    Examples
    --------
    >>> check_binary_target(["No", "Yes", "No"], pos_label="Yes")[0]
    array([0., 1., 0.])
    """
    arr = _as_1d_labels(y_true, name)
    classes = _unique(arr, name)
    if classes.size > 2:
        raise ValueError(
            f"`{name}` must be binary (two distinct labels); got {classes.size} labels: {_show(classes)}."
        )
    if pos_label is None:
        pos_label = _default_pos_label(classes, name)
    else:
        if isinstance(pos_label, str) == _is_numeric(classes):
            raise ValueError(
                f"`pos_label`={pos_label!r} does not have the type of the labels of `{name}`: "
                f"{_show(classes)}."
            )
        if classes.size == 2 and pos_label not in classes.tolist():
            raise ValueError(f"`pos_label`={pos_label!r} is not one of the labels of `{name}`: {_show(classes)}.")
    return (arr == pos_label).astype(np.float64), classes


def _codes_from_labels(arr: np.ndarray, labels: np.ndarray, name: str, labels_name: str) -> np.ndarray:
    """Index of each value of ``arr`` in ``labels``; an unknown value raises, naming it."""
    lookup = {}
    for i, lab in enumerate(labels.tolist()):
        if lab in lookup:
            raise ValueError(f"`{labels_name}` must not contain duplicates; {lab!r} appears twice.")
        lookup[lab] = i
    values = arr.tolist()
    codes = np.fromiter((lookup.get(v, -1) for v in values), dtype=np.int64, count=len(values))
    unknown = codes < 0
    if unknown.any():
        shown = _show(np.asarray(sorted({repr(v) for v in arr[unknown].tolist()}), dtype=object))
        raise ValueError(
            f"`{name}` has label(s) not in `{labels_name}`={_show(labels)}: {shown}."
        )
    return codes


def _check_label_list(labels, labels_name: str) -> np.ndarray:
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.size == 0:
        raise ValueError(f"`{labels_name}` must be a non-empty 1-D list of labels; got shape {lab.shape}.")
    return lab


def check_multiclass_target(
    y_true, *, labels=None, n_classes: int | None = None, name: str = "y_true"
) -> tuple[np.ndarray, np.ndarray]:
    """Validate a multiclass target and encode it as class codes ``0, ..., n_classes - 1``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels; no None, pd.NA, NaN or inf.
    labels : array-like of shape (n_classes,), default=None
        The classes in the order of the probability columns: code ``k`` means
        ``labels[k]``. A label of ``y_true`` not in ``labels`` raises.
    n_classes : int, default=None
        The expected number of classes (e.g. the columns of ``y_prob``).
        Without ``labels``, the distinct labels of ``y_true`` must number
        exactly ``n_classes``: as in scikit-learn, a column is never guessed
        (labels 1 and 2 with three columns raise).
    name : str, default="y_true"
        Argument name used in error messages.

    Returns
    -------
    codes : ndarray of shape (n_samples,), dtype int64
        Position of each label in ``classes``.
    classes : ndarray of shape (n_classes,)
        ``labels`` when given, else the sorted distinct labels.

    Examples
    --------
    >>> check_multiclass_target([1, 3, 3], labels=[1, 2, 3], n_classes=3)[0]
    array([0, 2, 2])
    """
    arr = _as_1d_labels(y_true, name)
    if labels is not None:
        lab = _check_label_list(labels, "labels")
        if n_classes is not None and lab.size != n_classes:
            raise ValueError(
                f"`labels` must have one entry per class ({n_classes}); got {lab.size}: {_show(lab)}."
            )
        return _codes_from_labels(arr, lab, name, "labels"), lab
    classes = _unique(arr, name)
    codes = np.searchsorted(classes, arr).astype(np.int64)
    if n_classes is not None and classes.size != n_classes:
        raise ValueError(
            f"`{name}` has {classes.size} distinct label(s) {_show(classes)} but {n_classes} classes are "
            "expected (e.g. the columns of `y_prob`); pass `labels=` to say which column is which class."
        )
    return codes, classes


def _numeric_text_order(classes: np.ndarray) -> np.ndarray | None:
    """Numeric values of text labels such as '2', '10', '3.5'; None when one does not parse."""
    try:
        values = np.array([float(str(c)) for c in classes.tolist()])
    except ValueError:
        return None
    return values if np.isfinite(values).all() else None


def _order_text(arr: np.ndarray, classes: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    values = _numeric_text_order(classes)
    if values is None:
        raise ValueError(
            f"`{name}` has text labels {_show(classes)}; text labels have no order; pass an ordered "
            "pandas Categorical or `classes=[...]` (lowest to highest)."
        )
    if np.unique(values).size < values.size:
        raise ValueError(
            f"`{name}` has distinct text labels with the same numeric value: {_show(classes)}; pass "
            "`classes=[...]`."
        )
    ordered = classes[np.argsort(values, kind="stable")]
    return _codes_from_labels(arr, ordered, name, "classes"), ordered


def _categorical_codes(y, name: str) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    c = pd.Categorical(y)
    if not c.ordered:
        raise ValueError(
            f"`{name}` is an unordered pandas Categorical; make it ordered "
            "(e.g. `y.cat.as_ordered()`) or pass `classes=[...]` so the class order is explicit."
        )
    if (c.codes < 0).any():
        raise ValueError(f"`{name}` must not contain missing labels; found {int((c.codes < 0).sum())}.")
    observed = np.unique(c.codes)
    classes = np.asarray(c.categories)[observed]
    return np.searchsorted(observed, c.codes).astype(np.int64), classes


def _is_categorical(y) -> bool:
    return getattr(y, "cat", None) is not None or type(getattr(y, "dtype", None)).__name__ == "CategoricalDtype"


def check_ordinal_target(
    y, *, classes=None, name: str = "y", min_classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Validate an ordinal target and encode it as codes ``0, ..., n_classes - 1`` in increasing order.

    The order comes from, first match wins: an explicit ``classes``; an
    ordered pandas Categorical (an unordered one raises); numbers or booleans
    (numeric order); text labels that all parse as numbers (``"2" < "10"``,
    numeric order). Any other text raises: text is never sorted silently.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or pandas Categorical/Series
        Ordered labels; no None, pd.NA, NaN or inf.
    classes : array-like of shape (n_levels,), default=None
        Every label from lowest to highest. A label of ``y`` not in
        ``classes`` raises; levels with no sample are dropped (order kept).
    name : str, default="y"
        Argument name used in error messages.
    min_classes : int, default=2
        Minimal number of observed classes.

    Returns
    -------
    codes : ndarray of shape (n_samples,), dtype int64
    classes : ndarray of shape (n_classes,)
        The observed labels in increasing order; the last is the top (often rare) class.

    Examples
    --------
    >>> check_ordinal_target(["low", "high", "mid"], classes=["low", "mid", "high"])[0]
    array([0, 2, 1])
    >>> check_ordinal_target(["10", "2", "3.5"])[1]
    array(['2', '3.5', '10'], dtype='<U3')
    """
    if classes is not None:
        arr = _as_1d_labels(np.asarray(y, dtype=object) if _is_categorical(y) else y, name)
        codes = _codes_from_labels(arr, _check_label_list(classes, "classes"), name, "classes")
        observed = np.unique(codes)
        codes, labels = np.searchsorted(observed, codes).astype(np.int64), np.asarray(classes)[observed]
    elif _is_categorical(y):
        codes, labels = _categorical_codes(y, name)
    else:
        arr = _as_1d_labels(y, name)
        labels = _unique(arr, name)
        if _is_numeric(labels):
            codes = np.searchsorted(labels, arr).astype(np.int64)
        else:
            codes, labels = _order_text(arr, labels, name)
    if labels.size < min_classes:
        raise ValueError(
            f"`{name}` must have at least {min_classes} distinct classes; got {labels.size}: {_show(labels)}."
        )
    return codes, labels
