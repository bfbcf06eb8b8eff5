"""The groups contract: boolean matrices or DataFrames, categorical expansion, matching by name.

``check_groups`` is stateless (metrics); :class:`GroupsEncoder` remembers the
columns and levels seen at fit and matches later frames by column name
(estimators).
"""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc

from ._arrays import _describe_bad

_INDICATOR_HINT = "booleans (or 0/1)"


def _is_frame(groups) -> bool:
    return hasattr(groups, "columns") and hasattr(groups, "iloc")


def _is_series(groups) -> bool:
    return hasattr(groups, "to_frame") and hasattr(groups, "iloc") and not _is_frame(groups)


def _as_frame(groups, name: str):
    """A DataFrame view of a DataFrame or Series.

    An unnamed indicator Series is the group ``group_0`` (as a 1-D array is); an
    unnamed text or categorical Series is named after the argument (``groups=a``).
    """
    if _is_series(groups):
        if groups.name is not None:
            return groups.to_frame()
        return groups.to_frame(name="group_0" if _is_indicator_column(groups) else name)
    return groups


def _is_indicator_column(col) -> bool:
    """Boolean or numeric (also nullable) columns are indicators; text and categories are expanded."""
    from pandas.api import types

    if types.is_bool_dtype(col.dtype) or types.is_numeric_dtype(col.dtype):
        return not isinstance(col.dtype, types.CategoricalDtype)
    if col.dtype == object:
        values = col.dropna().tolist()
        return bool(values) and all(isinstance(v, bool | np.bool_) for v in values)
    return False


def _check_no_missing(col, label, name: str) -> None:
    missing = np.asarray(col.isna(), dtype=bool)
    if missing.any():
        raise ValueError(
            f"`{name}` column {label!r} must not contain missing values (None, NaN, pd.NA); found "
            f"{int(missing.sum())}, first at row {int(np.argmax(missing))}."
        )


def _indicator_block(col, label, name: str) -> np.ndarray:
    values = col.to_numpy(dtype=object) if col.dtype == object else col.to_numpy()
    try:
        num = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` column {label!r} must contain {_INDICATOR_HINT}; got dtype {col.dtype}.") from exc
    bad = ~np.isin(num, (0.0, 1.0))
    if bad.any():
        raise ValueError(
            f"`{name}` column {label!r} must contain only booleans or 0/1; found {_describe_bad(num, bad)}."
        )
    return num.astype(bool)[:, None]


def _observed_levels(col) -> list:
    if type(col.dtype).__name__ == "CategoricalDtype":
        present = set(col.unique().tolist())
        return [lvl for lvl in col.cat.categories.tolist() if lvl in present]
    values = list(dict.fromkeys(col.tolist()))
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _expanded_block(col, label, name: str, levels: list | None) -> tuple[np.ndarray, list]:
    values = np.asarray(col.to_numpy(dtype=object))
    if levels is None:
        levels = _observed_levels(col)
    else:
        known = set(levels)
        unseen = [v for v in dict.fromkeys(values.tolist()) if v not in known]
        if unseen:
            raise ValueError(
                f"`{name}` column {label!r} has level(s) not seen at fit: {unseen[:5]}; "
                f"known levels: {list(levels)[:10]}."
            )
    lv = np.empty(len(levels), dtype=object)
    lv[:] = levels
    return values[:, None] == lv[None, :], list(levels)


def _column_block(col, label, name: str, levels=None, expand=None):
    """One DataFrame column as indicator columns: (matrix, names, levels or None)."""
    _check_no_missing(col, label, name)
    if col.dtype == object:
        text = {isinstance(v, str) for v in col.tolist()}
        if len(text) > 1:  # an indicator column with a stray string, or text with stray numbers
            raise TypeError(
                f"`{name}` column {label!r} mixes text with other values (e.g. "
                f"{next(v for v in col.tolist() if isinstance(v, str))!r}); a column must hold either "
                f"{_INDICATOR_HINT} or text/categorical levels."
            )
    if expand is None:
        expand = not _is_indicator_column(col)
    if not expand:
        return _indicator_block(col, label, name), [str(label)], None
    block, levels = _expanded_block(col, label, name, levels)
    return block, [f"{label}={lvl}" for lvl in levels], levels


def _frame_matrix(frame, name: str, columns=None, levels: dict | None = None):
    """Blocks of every column of ``columns`` (default: all) stacked side by side."""
    columns = list(frame.columns) if columns is None else columns
    blocks, names, found = [], [], {}
    for label in columns:
        col = frame[label]
        expand = None if levels is None else label in levels
        block, col_names, col_levels = _column_block(
            col, label, name, None if levels is None else levels.get(label), expand
        )
        blocks.append(block)
        names.extend(col_names)
        if col_levels is not None:
            found[label] = col_levels
    n = frame.shape[0]
    arr = np.hstack(blocks) if blocks else np.zeros((n, 0), dtype=bool)
    return arr.astype(bool, copy=False), names, found


def _array_matrix(groups, name: str) -> np.ndarray:
    arr = np.asarray(groups)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must be 2-D (n_samples, n_groups); got shape {arr.shape}.")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind not in "biuf" and arr.dtype != object:
        raise TypeError(
            f"`{name}` must contain {_INDICATOR_HINT}; got dtype {arr.dtype}. Pass a pandas DataFrame "
            "or Series to expand a text or categorical column into one indicator per level."
        )
    if arr.dtype == object:
        from ._targets import _missing_mask

        missing = _missing_mask(arr)
        if missing.any():
            raise ValueError(f"`{name}` must not contain missing values (None, NaN, pd.NA); "
                             f"found {int(missing.sum())}.")
    try:
        num = arr.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must contain {_INDICATOR_HINT}; got dtype {arr.dtype}.") from exc
    bad = ~np.isin(num, (0.0, 1.0))
    if bad.any():
        raise ValueError(f"`{name}` must contain only booleans or 0/1; found {_describe_bad(num, bad)}.")
    return num.astype(bool)


def _finish(arr, names, n_samples, name: str, allow_empty: bool) -> np.ndarray:
    if arr.shape[1] == 0:
        raise ValueError(f"`{name}` must have at least one group column; got shape {arr.shape}.")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"`{name}` must have {n_samples} rows (one per sample); got shape {arr.shape}.")
    if not allow_empty:
        empty = ~arr.any(axis=0)
        if empty.any():
            shown = [names[j] for j in np.flatnonzero(empty)[:5]]
            raise ValueError(f"`{name}` has empty group(s) with no member: {shown}.")
    return np.ascontiguousarray(arr, dtype=bool)


def _check_unique_columns(frame, name: str) -> None:
    cols = list(frame.columns)
    dup = sorted({str(c) for c in cols if cols.count(c) > 1})
    if dup:
        raise ValueError(f"`{name}` has duplicated column names {dup}; groups are matched by name.")


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
    groups : array-like of bool of shape (n_samples, n_groups), DataFrame or Series
        Membership indicators. A 1-D vector is one group. A DataFrame keeps
        its column names; a categorical, object or string column (of a
        DataFrame or a Series) is expanded to one indicator per observed level,
        named ``"column=value"``; boolean and 0/1 columns are kept as they are.
        None, NaN or pd.NA anywhere raises.
    n_samples : int, default=None
        Expected number of rows.
    name : str, default="groups"
        Argument name used in error messages.
    allow_empty : bool, default=False
        Whether a group with no member is accepted.

    Returns
    -------
    groups : ndarray of bool of shape (n_samples, n_groups)
        C-contiguous.
    names : list of str
        Column (or ``"column=value"``) names of a DataFrame, else
        ``"group_0", "group_1", ...``.

    Examples
    --------
    >>> import pandas as pd
    >>> G, names = check_groups(pd.DataFrame({"sex": ["F", "M", "F"], "young": [True, False, False]}))
    >>> names
    ['sex=F', 'sex=M', 'young']
    """
    if groups is None:
        raise TypeError(f"`{name}` must be a boolean matrix (n_samples, n_groups) or a DataFrame; got None.")
    if _is_frame(groups) or _is_series(groups):
        frame = _as_frame(groups, name)
        _check_unique_columns(frame, name)
        arr, names, _ = _frame_matrix(frame, name)
    else:
        arr = _array_matrix(groups, name)
        names = [f"group_{j}" for j in range(arr.shape[1])]
    return _finish(arr, names, n_samples, name, allow_empty), names


@fill_doc
class GroupsEncoder:
    """Remember the group columns seen at fit and encode later groups the same way.

    Estimators fit it on the training ``groups`` and call :meth:`transform` at
    predict and score time. A DataFrame after a DataFrame fit is matched by
    column name, so reordered columns give the same matrix; a missing or
    unknown column, or an unseen level of an expanded column, raises. An array
    after a DataFrame fit (or a DataFrame after an array fit) is accepted only
    when its (expanded) width equals ``n_groups_``.

    Parameters
    ----------
    name : str, default="groups"
        Argument name used in error messages.
    allow_empty : bool, default=True
        Whether a group with no member is accepted at fit (never checked at
        transform: a small batch may miss a group).

    Attributes
    ----------
    names_ : list of str
        Names of the (expanded) groups.
    n_groups_ : int
        Number of (expanded) groups.
    columns_ : list or None
        The DataFrame columns seen at fit, or ``None`` after an array fit.
    levels_ : dict
        Column to its levels, for the expanded (categorical / text) columns.

    Examples
    --------
    >>> import pandas as pd
    >>> enc = GroupsEncoder().fit(pd.DataFrame({"a": [True, False], "b": ["x", "y"]}))
    >>> enc.names_
    ['a', 'b=x', 'b=y']
    >>> enc.transform(pd.DataFrame({"b": ["y", "y"], "a": [True, True]})).astype(int)
    array([[1, 0, 1],
           [1, 0, 1]])
    """

    def __init__(self, *, name: str = "groups", allow_empty: bool = True):
        self.name = name
        self.allow_empty = allow_empty

    def fit(self, groups, n_samples: int | None = None) -> GroupsEncoder:
        """Learn the columns, levels and width of ``groups``.

        {groups_encoder_parameters}

        Returns
        -------
        self : GroupsEncoder
        """
        self.fit_transform(groups, n_samples)
        return self

    def fit_transform(self, groups, n_samples: int | None = None) -> np.ndarray:
        """Fit on ``groups`` and return their indicator matrix.

        {groups_encoder_parameters}

        Returns
        -------
        groups : ndarray of bool of shape (n_samples, n_groups_)
        """
        if groups is not None and (_is_frame(groups) or _is_series(groups)):
            frame = _as_frame(groups, self.name)
            _check_unique_columns(frame, self.name)
            arr, names, levels = _frame_matrix(frame, self.name)
            columns = list(frame.columns)
        else:
            arr, names = check_groups(groups, None, name=self.name, allow_empty=True)
            columns, levels = None, {}
        arr = _finish(arr, names, n_samples, self.name, self.allow_empty)
        self.columns_, self.levels_, self.names_, self.n_groups_ = columns, levels, names, arr.shape[1]
        return arr

    def transform(self, groups, n_samples: int | None = None) -> np.ndarray:
        """Encode ``groups`` with the columns and levels seen at fit.

        Parameters
        ----------
        groups : array-like of bool, DataFrame or Series
            Groups at predict or score time.
        n_samples : int, default=None
            Expected number of rows.

        Returns
        -------
        groups : ndarray of bool of shape (n_samples, n_groups_)
        """
        if not hasattr(self, "n_groups_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This GroupsEncoder is not fitted yet; call `fit` first.")
        framed = groups is not None and (_is_frame(groups) or _is_series(groups))
        if framed and self.columns_ is not None:
            frame = _as_frame(groups, self.name)
            _check_unique_columns(frame, self.name)
            self._check_columns(list(frame.columns))
            arr, _, _ = _frame_matrix(frame, self.name, self.columns_, self.levels_)
        else:
            arr, _ = check_groups(groups, None, name=self.name, allow_empty=True)
            if arr.shape[1] != self.n_groups_:
                seen = "a DataFrame" if self.columns_ is not None else "an array"
                raise ValueError(
                    f"`{self.name}` must have {self.n_groups_} group column(s) {self.names_[:8]} as at fit "
                    f"(fitted on {seen}); got {arr.shape[1]}."
                )
        return _finish(arr, self.names_, n_samples, self.name, True)

    def _check_columns(self, columns: list) -> None:
        missing = [c for c in self.columns_ if c not in columns]
        unknown = [c for c in columns if c not in self.columns_]
        if missing or unknown:
            raise ValueError(
                f"`{self.name}` must have the columns seen at fit {self.columns_[:10]} (matched by name); "
                f"missing: {missing[:10]}, unknown: {unknown[:10]}."
            )
