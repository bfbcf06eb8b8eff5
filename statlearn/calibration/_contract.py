"""Temporary shim until the contract layer lands (CONTRACT_API.md); delete it then.

It provides ``check_multiclass_target`` and the ``pos_label=None`` rule of the
contract's ``check_binary_target`` when ``statlearn._validation`` lacks them.
"""

from __future__ import annotations

import numpy as np

try:
    from statlearn._validation import check_multiclass_target

    HAS_CONTRACT = True
except ImportError:
    HAS_CONTRACT = False

    def check_multiclass_target(y_true, *, labels=None, n_classes=None, name="y_true"):
        arr = np.asarray(y_true)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.ndim != 1:
            raise ValueError(f"`{name}` must be 1-D; got shape {arr.shape}.")
        if arr.dtype == object and any(v is None or v != v for v in arr.tolist()):
            raise ValueError(f"`{name}` must not contain None or NaN.")
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise ValueError(f"`{name}` must not contain NaN or inf.")
        if labels is not None:
            lab = np.asarray(labels)
            if lab.ndim != 1 or lab.size == 0:
                raise ValueError(f"`labels` must be a non-empty 1-D list of labels; got shape {lab.shape}.")
            if np.unique(lab).size != lab.size:
                raise ValueError("`labels` must not contain duplicates.")
            if n_classes is not None and lab.size != n_classes:
                raise ValueError(f"`labels` has {lab.size} labels but `y_prob` has {n_classes} columns.")
            lookup = {v: i for i, v in enumerate(lab.tolist())}
            codes = np.array([lookup.get(v, -1) for v in arr.tolist()], dtype=np.int64)
            if (codes < 0).any():
                bad = sorted({repr(v) for v in arr[codes < 0].tolist()})[:8]
                raise ValueError(f"`{name}` has label(s) not in `labels`={lab.tolist()[:8]}: {bad}.")
            return codes, lab
        classes, codes = np.unique(arr, return_inverse=True)
        if n_classes is not None and classes.size != n_classes:
            raise ValueError(
                f"`{name}` has {classes.size} distinct labels {classes.tolist()[:8]} but `y_prob` has "
                f"{n_classes} columns; pass `labels=` to say which class each column is."
            )
        return codes.astype(np.int64), classes


def check_default_pos_label(classes, name):
    """Raise unless the labels are a subset of {0, 1}, {-1, 1} or {False, True}."""
    vals = set(np.asarray(classes).tolist())
    if classes.dtype.kind in "biuf" and (vals <= {0, 1} or vals <= {-1, 1}):
        return
    raise ValueError(
        f"`{name}` has labels {np.asarray(classes).tolist()[:8]}; pass `pos_label` to say which label is the "
        "positive class (it is inferred only for labels in {0, 1}, {-1, 1} or {False, True})."
    )
