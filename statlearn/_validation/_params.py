"""Declared parameter constraints: one dialect for estimators, objects and functions."""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Iterable, Mapping

import numpy as np


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
        t = type(value)
        if t is int or t is float:  # fast path for the common case (no ABC isinstance)
            if self.kind == "integral" and t is float:
                return False
        elif isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
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
        try:
            if (type(value), value) in self._keys:  # hashable values: one set lookup
                return True
        except TypeError:  # unhashable value (an array, a list)
            pass
        return any(value is v for v in self.values)

    @property
    def _keys(self) -> frozenset:
        keys = self.__dict__.get("_keys_cache")
        if keys is None:
            keys = frozenset((type(v), v) for v in self.values if _hashable(v))
            self.__dict__["_keys_cache"] = keys
        return keys

    def __str__(self) -> str:
        return "one of {" + ", ".join(repr(v) for v in self.values) + "}"


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _is_cv_object(value) -> bool:
    if value is None:
        return True
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        return value >= 2
    if hasattr(value, "split") and hasattr(value, "get_n_splits") and not isinstance(value, str):
        return True
    return hasattr(value, "__iter__") and not isinstance(value, str | bytes | Mapping)


def _is_random_state(value) -> bool:
    if value is None:
        return True
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        return value >= 0
    return isinstance(value, np.random.Generator | np.random.RandomState | np.random.SeedSequence)


_STRING_CONSTRAINTS = {
    "array-like": lambda v: hasattr(v, "__len__") and not isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool | np.bool_),
    "random_state": _is_random_state,
    "cv_object": _is_cv_object,
    "estimator": lambda v: hasattr(v, "fit"),
    "callable": callable,
}

_STRING_DESCRIPTIONS = {
    "array-like": "an array-like",
    "boolean": "a bool",
    "random_state": "None, an int >= 0, a numpy Generator, RandomState or SeedSequence",
    "cv_object": ("None, an int >= 2, a cross-validation splitter (with split and get_n_splits) "
                  "or an iterable of (train, test) index pairs"),
    "estimator": "an estimator with a fit method",
    "callable": "a callable",
}


def _satisfies(value, constraint) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, Interval | Options):
        return value in constraint
    if isinstance(constraint, str) and constraint in _STRING_CONSTRAINTS:
        return bool(_STRING_CONSTRAINTS[constraint](value))
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    raise TypeError(f"Unknown constraint {constraint!r}.")


def _predicate(c):
    """One constraint as a fast ``value -> bool`` test (built once per decorated function)."""
    if c is None:
        return lambda v: v is None
    if isinstance(c, Interval | Options):
        return c.__contains__
    if isinstance(c, str) and c in _STRING_CONSTRAINTS:
        test = _STRING_CONSTRAINTS[c]
        return lambda v: bool(test(v))
    if isinstance(c, type):
        return lambda v: isinstance(v, c)
    raise TypeError(f"Unknown constraint {c!r}.")


def _constraint_str(c) -> str:
    if c is None:
        return "None"
    if isinstance(c, type):
        return f"an instance of {c.__name__}"
    if isinstance(c, str):
        return _STRING_DESCRIPTIONS.get(c, c)
    return str(c)


def _error_type(value, allowed) -> type:
    """ValueError when the value has an allowed type but a wrong value, else TypeError."""
    numeric = isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
    ranged = any(isinstance(c, Interval) or (isinstance(c, str) and c in ("random_state", "cv_object"))
                 for c in allowed)
    if numeric and ranged:
        return ValueError
    if isinstance(value, str) and any(isinstance(c, Options) for c in allowed):
        return ValueError
    return TypeError


def validate_params(params: Mapping, constraints: Mapping[str, Iterable], *, owner: str = "") -> None:
    """Check parameter values against declared constraints.

    Parameters
    ----------
    params : mapping
        Parameter name to value (e.g. ``estimator.get_params(deep=False)``).
    constraints : mapping of str to list
        Parameter name to a list of allowed constraints: :class:`Interval`,
        :class:`Options`, a type, ``None`` or one of the strings
        ``"array-like"``, ``"boolean"``, ``"random_state"`` (``None``, an
        int >= 0, a numpy ``Generator``, ``RandomState`` or ``SeedSequence``),
        ``"cv_object"`` (``None``, an int >= 2, a splitter with ``split`` and
        ``get_n_splits``, or an iterable of ``(train, test)`` pairs),
        ``"estimator"``, ``"callable"``. A value must satisfy at least one.
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
    for key, value in params.items():
        allowed = constraints.get(key)
        if allowed is None:
            continue
        allowed = list(allowed)
        if any(_satisfies(value, c) for c in allowed):
            continue
        expected = " or ".join(_constraint_str(c) for c in allowed)
        raise _error_type(value, allowed)(f"{prefix}`{key}` must be {expected}; got {value!r}.")


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


def validate_args(constraints: Mapping[str, Iterable], *, owner: str | None = None):
    """Decorate a public function so that its arguments are checked against constraints.

    The call is bound with :func:`inspect.signature`; every argument the caller
    passed and that ``constraints`` names is checked with :func:`validate_params`
    (defaults are trusted). Arrays are still converted and checked by the
    ``check_*`` functions inside the function body.

    Parameters
    ----------
    constraints : mapping of str to list
        Argument name to a list of allowed constraints, in the dialect of
        :func:`validate_params`. Every name must be an argument of the function.
    owner : str, default=None
        Name used in error messages; the function's name by default.

    Returns
    -------
    decorator : callable
        Wraps the function; the wrapper keeps its name, docstring and signature
        and exposes the constraints as ``__statlearn_constraints__``.

    Examples
    --------
    >>> @validate_args({"n_bins": [Interval("integral", 1, None)]})
    ... def histogram(values, n_bins=10):
    ...     return n_bins
    >>> histogram([0.1], n_bins=0)
    Traceback (most recent call last):
    ...
    ValueError: histogram: `n_bins` must be an int in [1, inf); got 0.
    """

    def decorate(func):
        sig = inspect.signature(func)
        unknown = sorted(set(constraints) - set(sig.parameters))
        if unknown:
            raise TypeError(f"validate_args: {func.__name__} has no argument(s) {unknown}.")
        label = owner or func.__name__
        # Fast path (no ``Signature.bind``, which costs 15-30 us on a 10-argument metric): the
        # positional slots of the constrained arguments are known once, at decoration time.
        positional = [
            p.name for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        slots = [(i, n) for i, n in enumerate(positional) if n in constraints]
        first_slot = slots[0][0] if slots else len(positional)
        tests = {n: tuple(_predicate(c) for c in allowed) for n, allowed in constraints.items()}

        def check(name, value):
            for test in tests[name]:
                if test(value):
                    return
            validate_params({name: value}, constraints, owner=label)  # raises the standard message

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if len(args) > first_slot:
                for i, n in slots:
                    if i < len(args):
                        check(n, args[i])
            for k, v in kwargs.items():
                if k in tests:
                    check(k, v)
            return func(*args, **kwargs)

        wrapper.__statlearn_constraints__ = dict(constraints)
        return wrapper

    return decorate
