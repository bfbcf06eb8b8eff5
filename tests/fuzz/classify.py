"""Judge one fuzz case: reduce results to arrays, compare them, classify the outcome.

Outcome kinds: ``ok`` (accepted as expected), ``clear`` (a clear error), ``blocked`` (the clean
call failed, so the case did not run), and the failing kinds ``obscure`` (another exception type,
a message that does not name the argument, a timeout, a crash, a failing clean call),
``silent_nan`` (NaN/inf in the answer where the clean answer had none), ``accepted_invalid`` (an
invalid input gave an answer), ``variant_changed`` (a valid variant gave another answer, or
raised) and ``harness_error`` (a bug of the suite or of a spec).

The naming rule: an error is clear when it is a ``ValueError`` or ``TypeError`` (``NotFittedError``
is a ``ValueError``) and its message contains the argument's name as a whole word (```y```,
``Input y``, ``X has 2 features``, ``y_true contains NaN`` all count). For a shape mutation
(``empty``, ``one_sample``, ``ndim_plus``, ``ndim_minus``, ``mismatch``) the name of any array
argument of the call counts, since the error is about a relation between shapes.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

from .core import EITHER, INVALID, SAME, VALID

FAILING = ("obscure", "silent_nan", "accepted_invalid", "variant_changed", "harness_error")
KINDS = ("ok", "clear", "blocked") + FAILING
# tolerances: float64 variants (same numbers, other memory layout / container) and float32 inputs
RTOL64, ATOL64 = 1e-9, 1e-12
RTOL32, ATOL32 = 2e-4, 1e-6


def leaves(obj):
    """Flatten a result (arrays, numbers, containers, frames, dataclasses) to a list of arrays."""
    if obj is None:
        return []
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return [np.asarray(obj.index)] + ([np.asarray(obj[c]) for c in obj.columns]
                                           if isinstance(obj, pd.DataFrame) else [np.asarray(obj)])
    if isinstance(obj, dict):
        return [np.asarray(list(obj.keys()), dtype=object)] + [x for k in obj for x in leaves(obj[k])]
    if isinstance(obj, (list, tuple)) and not _is_numberlist(obj):
        return [x for item in obj for x in leaves(item)]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [x for f in dataclasses.fields(obj) for x in leaves(getattr(obj, f.name))]
    if hasattr(obj, "toarray"):  # sparse
        return [obj.toarray()]
    return [np.asarray(obj)]


def _is_numberlist(obj):
    return len(obj) > 0 and all(isinstance(x, (int, float, np.number, bool)) for x in obj)


def _numeric(a):
    if a.dtype.kind in "biufc":
        return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    if a.dtype.kind == "O":
        try:
            return a.astype(np.float64)
        except (TypeError, ValueError):
            return None
    return None


def n_nonfinite(result):
    total = 0
    for a in leaves(result):
        num = _numeric(a)
        if num is not None:
            total += int(np.size(num) - np.isfinite(num).sum())
    return total


def _split_leaves(obj, ravel):
    """(numeric arrays, text arrays) of a result; ``ravel``: one flat vector of each."""
    nums, texts = [], []
    for a in leaves(obj):
        num = _numeric(a)
        (nums if num is not None else texts).append(num if num is not None else a.astype(str))
    if ravel:
        nums = [np.concatenate([np.ravel(a) for a in nums])] if nums else []
        texts = [np.concatenate([np.ravel(a) for a in texts])] if texts else []
    return nums, texts


def compare(clean, other, float32=False, ravel=False, numbers_only=False):
    """None when ``other`` equals ``clean`` (to tolerance), else a short description.

    ``ravel``: compare the values only, not how they are shaped or nested (``same`` mutations:
    ``y`` as an (n, 1) column may give an (n, 1) answer). ``numbers_only``: ignore text outputs
    (names that follow a DataFrame's column names).
    """
    (a_num, a_txt), (b_num, b_txt) = _split_leaves(clean, ravel), _split_leaves(other, ravel)
    if len(a_num) != len(b_num) or (not numbers_only and len(a_txt) != len(b_txt)):
        return f"{len(b_num)}+{len(b_txt)} output arrays instead of {len(a_num)}+{len(a_txt)}"
    rtol, atol = (RTOL32, ATOL32) if float32 else (RTOL64, ATOL64)
    for i, (a, b) in enumerate(zip(a_num, b_num, strict=True)):
        if np.shape(a) != np.shape(b):
            return f"numeric output {i}: shape {np.shape(b)} instead of {np.shape(a)}"
        scale = float(np.nanmax(np.abs(a), initial=0.0)) if np.size(a) else 0.0
        if not np.allclose(a, b, rtol=rtol, atol=atol * max(1.0, scale), equal_nan=True):
            err = np.nanmax(np.abs(a - b), initial=0.0)
            return f"numeric output {i}: max abs difference {err:.3g} (scale {scale:.3g})"
    for i, (a, b) in enumerate(zip(a_txt, b_txt, strict=True) if not numbers_only else ()):
        if np.shape(a) != np.shape(b) or not np.array_equal(a, b):
            return f"text output {i}: values differ"
    return None


def names_argument(message, names):
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", message) for n in names)


def classify_error(exc, expect, names):
    """(kind, message) for a case whose call raised ``exc``."""
    msg = f"{type(exc).__name__}: {exc}"
    if expect == VALID:
        return "variant_changed", "raised " + msg
    clear = isinstance(exc, (ValueError, TypeError)) and names_argument(str(exc), names)
    return ("clear" if clear else "obscure"), msg


def classify_result(result, clean, expect, float32=False, numbers_only=False):
    """(kind, message) for a case whose call returned ``result``."""
    if n_nonfinite(result) > n_nonfinite(clean):
        return "silent_nan", f"{n_nonfinite(result)} non-finite values in the output"
    if expect == INVALID:
        return "accepted_invalid", "returned an answer"
    if expect in (VALID, SAME):
        diff = compare(clean, result, float32=float32, ravel=expect == SAME, numbers_only=numbers_only)
        if diff is not None:
            return "variant_changed", diff
    assert expect in (VALID, SAME, EITHER)
    return "ok", ""
