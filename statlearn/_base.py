"""One parameter / repr / random-state protocol for every public non-scikit-learn object.

scikit-learn estimators keep :class:`sklearn.base.BaseEstimator`. Everything
else that a user configures (bandit policies and environments, experts, noise
mechanisms, ``Thresholdout``, ``MultipleExpectationEstimator``, ...) subclasses
:class:`BaseObject`, so ``get_params`` / ``set_params`` / ``repr`` /
:func:`sklearn.base.clone` / pickling behave the same everywhere.

Random numbers follow one rule (:func:`check_generator`): ``random_state`` may
be ``None``, an int >= 0, a numpy ``Generator``, ``RandomState`` or
``SeedSequence``, in estimators and objects alike.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from ._validation import validate_params

__all__ = ["BaseObject", "check_generator", "seed_from", "spawn_generators"]

_SEED_BOUND = 2**31 - 1


def check_generator(random_state, *, name: str = "random_state") -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : None, int, Generator, RandomState or SeedSequence
        ``None``: fresh entropy. An int >= 0 (numpy integers too): a
        reproducible stream. A ``Generator``: returned as is (the caller's
        stream is shared and advanced). A ``RandomState``: a generator seeded
        from draws of it (so scikit-learn-style code keeps working). A
        ``SeedSequence``: a generator on it.
    name : str, default="random_state"
        Argument name used in error messages.

    Returns
    -------
    rng : numpy.random.Generator

    Raises
    ------
    TypeError
        For any other type (float, str, bool, ...).
    ValueError
        For a negative int.

    Examples
    --------
    >>> check_generator(0).integers(10) == check_generator(0).integers(10)
    np.True_
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool | np.bool_):
        if random_state < 0:
            raise ValueError(f"`{name}` must be an int >= 0; got {random_state!r}.")
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**32, size=4, dtype=np.uint64))
    if isinstance(random_state, np.random.SeedSequence):
        return np.random.default_rng(random_state)
    raise TypeError(
        f"`{name}` must be None, an int >= 0, a numpy Generator, RandomState or SeedSequence; "
        f"got {random_state!r} ({type(random_state).__name__})."
    )


def spawn_generators(random_state, n: int, *, name: str = "random_state") -> list[np.random.Generator]:
    """Return ``n`` statistically independent generators derived from ``random_state``.

    Parameters
    ----------
    random_state : None, int, Generator, RandomState or SeedSequence
        As for :func:`check_generator`. The same int gives the same streams; a
        ``Generator`` gives new streams at every call.
    n : int
        Number of generators (>= 0).
    name : str, default="random_state"
        Argument name used in error messages.

    Returns
    -------
    generators : list of numpy.random.Generator

    Examples
    --------
    >>> a, b = spawn_generators(0, 2)
    >>> bool(a.random() != b.random())
    True
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"`n` must be an int >= 0; got {n!r}.")
    return list(check_generator(random_state, name=name).spawn(int(n)))


def seed_from(random_state, *, name: str = "random_state") -> int:
    """A reproducible int seed in ``[0, 2**31 - 1)`` drawn from ``random_state``.

    For code that needs an int: a nested scikit-learn estimator's
    ``random_state``, a numba kernel's seed.

    Parameters
    ----------
    random_state : None, int, Generator, RandomState or SeedSequence
        As for :func:`check_generator`.
    name : str, default="random_state"
        Argument name used in error messages.

    Returns
    -------
    seed : int

    Examples
    --------
    >>> seed_from(3) == seed_from(3)
    True
    """
    return int(check_generator(random_state, name=name).integers(0, _SEED_BOUND))


def _differs(value, default) -> bool:
    """Whether a parameter value differs from its default (for the repr)."""
    if value is default:
        return False
    if default is inspect.Parameter.empty:
        return True
    if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return not (isinstance(value, np.ndarray) and isinstance(default, np.ndarray)
                    and value.shape == default.shape and np.array_equal(value, default))
    if type(value) is not type(default):
        return True
    try:
        return bool(value != default)
    except Exception:
        return True


class BaseObject:
    """Parameter protocol for every public non-scikit-learn object.

    Subclasses store their keyword arguments unchanged in ``__init__`` (no
    validation, no ``*args`` / ``**kwargs``), declare
    ``_parameter_constraints`` in the dialect of
    :func:`statlearn._validation.validate_params`, and call
    :meth:`_validate_params` at the start of ``fit`` / ``reset`` / first use.
    :func:`sklearn.base.clone` and :mod:`pickle` then work.

    Examples
    --------
    >>> from statlearn._validation import Interval
    >>> class Coin(BaseObject):
    ...     _parameter_constraints = {"p": [Interval("real", 0, 1)], "random_state": ["random_state"]}
    ...     def __init__(self, p=0.5, random_state=None):
    ...         self.p = p
    ...         self.random_state = random_state
    >>> Coin(p=0.2)
    Coin(p=0.2)
    >>> Coin().set_params(p=0.9).get_params()
    {'p': 0.9, 'random_state': None}
    """

    _parameter_constraints: dict = {}

    @classmethod
    def _get_param_names(cls) -> list[str]:
        """Sorted parameter names of ``__init__`` (keyword arguments only, no ``*args``/``**kwargs``)."""
        init = cls.__init__
        if init is object.__init__:
            return []
        names = []
        for p in inspect.signature(init).parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must not take *args or **kwargs (found {p}).")
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> dict:
        """Get the parameters of this object.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of nested objects (those with
            ``get_params``) as ``name__param``.

        Returns
        -------
        params : dict
            Parameter name to value.
        """
        out = {}
        for key in self._get_param_names():
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{key}__{k}", v) for k, v in value.get_params(deep=True).items())
            out[key] = value
        return out

    def set_params(self, **params) -> BaseObject:
        """Set parameters; ``name__param`` sets a parameter of a nested object.

        Parameters
        ----------
        **params : dict
            Parameter names and their new values.

        Returns
        -------
        self : BaseObject
            After :meth:`_after_set_params` (e.g. a policy resets its state).
        """
        if not params:
            return self
        valid = self._get_param_names()
        nested: dict[str, dict] = {}
        for key, value in params.items():
            head, sep, sub = key.partition("__")
            if head not in valid:
                raise ValueError(
                    f"`{head}` is not a parameter of {type(self).__name__}; valid parameters: {valid}."
                )
            if sep:
                nested.setdefault(head, {})[sub] = value
            else:
                setattr(self, head, value)
        for head, sub_params in nested.items():
            getattr(self, head).set_params(**sub_params)
        self._after_set_params()
        return self

    def _after_set_params(self) -> None:
        """Hook called after :meth:`set_params` (default: nothing)."""

    def _validate_params(self) -> None:
        """Check the parameters against ``_parameter_constraints`` (ValueError / TypeError)."""
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__).parameters
        shown = []
        for key in self._get_param_names():
            value = getattr(self, key, None)
            if _differs(value, sig[key].default):
                shown.append(f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"
