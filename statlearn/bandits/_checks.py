"""Input checks of statlearn.bandits (arms, logged decisions, contexts); messages name the argument."""

from __future__ import annotations

import numbers

import numpy as np

from statlearn._validation import check_finite_array


def check_arms(arms, *, owner):
    """``arms`` as an int K >= 1 or a sequence of distinct labels: returns ``(K, labels or None)``."""
    if isinstance(arms, numbers.Integral) and not isinstance(arms, bool | np.bool_):
        if arms < 1:
            raise ValueError(f"{owner}: `arms` must be an int >= 1 or a list of arm names; got {arms!r}.")
        return int(arms), None
    if isinstance(arms, str | bytes) or not hasattr(arms, "__len__") or isinstance(arms, dict):
        raise TypeError(f"{owner}: `arms` must be an int >= 1 or a list of arm names; got {arms!r}.")
    labels = list(arms.tolist() if isinstance(arms, np.ndarray) else arms)
    if not labels:
        raise ValueError(f"{owner}: `arms` must not be empty.")
    for label in labels:
        if label is None or isinstance(label, float) and label != label:
            raise ValueError(f"{owner}: `arms` must not contain None or NaN; got {labels!r}.")
        try:
            hash(label)
        except TypeError:
            raise TypeError(f"{owner}: every arm name must be hashable; got {label!r}.") from None
    if len(set(labels)) != len(labels):
        raise ValueError(f"{owner}: `arms` must be distinct; got {labels!r}.")
    return len(labels), labels


def check_logged(arms, losses, labels, n_arms, *, unit, owner):
    """Logged ``(arms, losses)`` as (int64 indices, float64 losses) of equal length."""
    if isinstance(arms, str) or not hasattr(arms, "__len__"):
        raise TypeError(f"{owner}: `arms` must be an array-like of played arms; got {type(arms).__name__}.")
    if np.ndim(losses) != 1:
        raise ValueError(f"{owner}: `losses` must be 1-D (one loss per logged decision); got {np.ndim(losses)} "
                         "dimension(s).")
    values = check_finite_array(losses, name="losses", ndim=1)
    raw = list(arms.tolist() if hasattr(arms, "tolist") else arms)
    if len(raw) != values.shape[0]:
        raise ValueError(f"{owner}: `arms` and `losses` must have the same length; got {len(raw)} and "
                         f"{values.shape[0]}.")
    if labels is None:
        idx = np.empty(len(raw), dtype=np.int64)
        for i, a in enumerate(raw):
            if isinstance(a, bool | np.bool_) or not isinstance(a, numbers.Integral) or not 0 <= a < n_arms:
                raise ValueError(f"{owner}: `arms` must hold ints in [0, {n_arms}); got {a!r} at row {i}.")
            idx[i] = a
    else:
        lookup = {label: i for i, label in enumerate(labels)}
        try:
            idx = np.array([lookup[a] for a in raw], dtype=np.int64)
        except (KeyError, TypeError):
            bad = next(a for a in raw if not _hashable_in(a, lookup))
            raise ValueError(f"{owner}: `arms` holds {bad!r}, which is not one of {labels!r}.") from None
    if unit and values.size and (values.min() < 0.0 or values.max() > 1.0):
        raise ValueError(f"{owner}: `losses` must lie in [0, 1]; got values in [{values.min():g}, {values.max():g}].")
    return idx, np.ascontiguousarray(values, dtype=np.float64)


def _hashable_in(a, lookup):
    try:
        return a in lookup
    except TypeError:
        return False


_MAX_FEATURE = 1e150  # x x^T of larger values overflows float64 (the ridge state would turn inf / nan)


def _check_magnitude(x, name, owner):
    if x.size and np.abs(x).max() > _MAX_FEATURE:
        raise ValueError(f"{owner}: `{name}` has values of magnitude {np.abs(x).max():.3g}; above {_MAX_FEATURE:g} "
                         "the ridge statistics x x^T overflow. Rescale the features.")
    return x


def check_context(context, n_features, *, owner, name="context"):
    """One context as a contiguous float64 vector of length ``n_features`` (None: infer)."""
    x = _check_magnitude(check_finite_array(context, name=name, ndim=1), name, owner)
    if n_features is not None and x.shape[0] != n_features:
        raise ValueError(f"{owner}: `{name}` must have {n_features} features; got {x.shape[0]}.")
    return np.ascontiguousarray(x, dtype=np.float64)


def check_contexts(contexts, n_samples, n_features, *, owner):
    """Logged contexts as a contiguous float64 (n_samples, n_features) array."""
    if contexts is None:
        raise ValueError(f"{owner}: `contexts` is required for a contextual policy.")
    x = _check_magnitude(check_finite_array(contexts, name="contexts", ndim=2), "contexts", owner)
    if x.shape[0] != n_samples:
        raise ValueError(f"{owner}: `contexts` must have one row per logged decision ({n_samples}); "
                         f"got {x.shape[0]}.")
    if n_features is not None and x.shape[1] != n_features:
        raise ValueError(f"{owner}: `contexts` must have {n_features} columns; got {x.shape[1]}.")
    return np.ascontiguousarray(x, dtype=np.float64)
