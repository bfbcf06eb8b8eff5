"""Cross-validation splits that must cover every row exactly once (out-of-fold predictions)."""

from __future__ import annotations

import numpy as np

from ._params import validate_params


def _as_indices(idx, n_samples: int, name: str, fold: int, part: str) -> np.ndarray:
    arr = np.asarray(idx)
    if arr.dtype == bool:
        if arr.shape != (n_samples,):
            raise ValueError(f"`{name}` fold {fold}: a boolean {part} mask must have shape ({n_samples},); "
                             f"got {arr.shape}.")
        return np.flatnonzero(arr)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValueError(f"`{name}` fold {fold}: {part} indices must be a 1-D integer array; "
                         f"got dtype {arr.dtype} and shape {arr.shape}.")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= n_samples):
        raise ValueError(f"`{name}` fold {fold}: {part} indices must lie in [0, {n_samples}); "
                         f"got range [{arr.min()}, {arr.max()}].")
    return arr


def check_cv_partition(cv, X, y=None, groups=None, *, name: str = "cv", classifier: bool = False):
    """Materialise the splits of ``cv`` and check that the test folds partition the rows.

    Out-of-fold stacking and CV+ need exactly one out-of-fold prediction per
    row, which splitters such as ``ShuffleSplit`` or ``TimeSeriesSplit`` do not give.

    Parameters
    ----------
    cv : int, cross-validation splitter, iterable of (train, test) or None
        As accepted by :func:`sklearn.model_selection.check_cv` (``None`` is 5 folds).
    X : array-like of shape (n_samples, n_features)
        The data to split.
    y : array-like of shape (n_samples,), default=None
        The target (stratification when ``classifier=True``).
    groups : array-like of shape (n_samples,), default=None
        Group labels for group-aware splitters.
    name : str, default="cv"
        Argument name used in error messages.
    classifier : bool, default=False
        Passed to :func:`~sklearn.model_selection.check_cv` (stratified folds for an int ``cv``).

    Returns
    -------
    splits : list of (ndarray, ndarray)
        ``(train, test)`` integer index arrays; every row is in exactly one
        test fold and never in the training part of its own fold.

    Examples
    --------
    >>> [t.tolist() for _, t in check_cv_partition(3, np.zeros((6, 1)))]
    [[0, 1], [2, 3], [4, 5]]
    """
    from sklearn.model_selection import check_cv

    validate_params({name: cv}, {name: ["cv_object"]})
    n_samples = X.shape[0] if hasattr(X, "shape") else len(X)
    splitter = check_cv(cv, y, classifier=classifier)
    splits = []
    for k, (train, test) in enumerate(splitter.split(X, y, groups)):
        train = _as_indices(train, n_samples, name, k, "train")
        test = _as_indices(test, n_samples, name, k, "test")
        if np.intersect1d(train, test).size:
            raise ValueError(f"`{name}` fold {k} has rows in both its train and test part.")
        splits.append((train, test))
    if not splits:
        raise ValueError(f"`{name}` gave no split.")
    counts = np.bincount(np.concatenate([t for _, t in splits]), minlength=n_samples)
    if (counts != 1).any():
        raise ValueError(
            f"`{name}` must give test folds that form a partition of the {n_samples} rows (each row in "
            f"exactly one test fold, as KFold does); got {int((counts == 0).sum())} row(s) in no test "
            f"fold and {int((counts > 1).sum())} in several."
        )
    return splits
