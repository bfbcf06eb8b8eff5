"""Temporary shim for the contract layer (statlearn._base, validate_args) until it lands on main.

Delete this module once ``statlearn._base`` exists: every name here is imported from the
shared layer when it is available.
"""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

from statlearn._validation import validate_params

try:  # pragma: no cover - depends on the contract layer having landed
    from statlearn._base import BaseObject, check_generator
except ImportError:  # pragma: no cover
    class BaseObject:
        """Parameter protocol from the ``__init__`` signature (local stand-in for statlearn._base)."""

        _parameter_constraints: dict = {}

        @classmethod
        def _get_param_names(cls):
            sig = inspect.signature(cls.__init__)
            return sorted(p.name for p in sig.parameters.values()
                          if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))

        def get_params(self, deep=True):
            out = {}
            for name in self._get_param_names():
                value = getattr(self, name)
                out[name] = value
                if deep and hasattr(value, "get_params") and not isinstance(value, type):
                    for key, sub in value.get_params(deep=True).items():
                        out[f"{name}__{key}"] = sub
            return out

        def set_params(self, **params):
            valid = self._get_param_names()
            nested = {}
            for key, value in params.items():
                name, sep, sub = key.partition("__")
                if name not in valid:
                    raise ValueError(f"`{name}` is not a parameter of {type(self).__name__}; "
                                     f"valid parameters: {valid}.")
                if sep:
                    nested.setdefault(name, {})[sub] = value
                else:
                    setattr(self, name, value)
            for name, sub in nested.items():
                getattr(self, name).set_params(**sub)
            self._after_set_params()
            return self

        def _after_set_params(self):
            pass

        def _validate_params(self):
            validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)

        def __repr__(self):
            sig = inspect.signature(type(self).__init__)
            parts = []
            for name in [p for p in sig.parameters if p in self._get_param_names()]:
                value = getattr(self, name)
                default = sig.parameters[name].default
                if default is not inspect.Parameter.empty:
                    try:
                        if value is default or bool(value == default):
                            continue
                    except Exception:  # arrays
                        pass
                text = repr(value.tolist() if isinstance(value, np.ndarray) else value)
                parts.append(f"{name}={text if len(text) <= 60 else text[:57] + '...'}")
            return f"{type(self).__name__}({', '.join(parts)})"

    def check_generator(random_state, *, name="random_state"):
        if random_state is None:
            return np.random.default_rng()
        if isinstance(random_state, np.random.Generator):
            return random_state
        if isinstance(random_state, np.random.SeedSequence):
            return np.random.default_rng(random_state)
        if isinstance(random_state, np.random.RandomState):
            return np.random.default_rng(int(random_state.randint(0, 2**31 - 1)))
        if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool | np.bool_):
            if random_state < 0:
                raise ValueError(f"`{name}` must be >= 0; got {random_state!r}.")
            return np.random.default_rng(int(random_state))
        raise TypeError(f"`{name}` must be None, an int >= 0, a numpy Generator, RandomState or SeedSequence; "
                        f"got {random_state!r}.")

try:  # pragma: no cover
    from statlearn._validation import validate_args
except ImportError:  # pragma: no cover
    def validate_args(constraints, *, owner=None):
        """Check a public function's named arguments against declared constraints."""
        def deco(func):
            sig = inspect.signature(func)

            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                bound = sig.bind(*args, **kwargs)
                bound.apply_defaults()
                validate_params(dict(bound.arguments), constraints, owner=owner or func.__name__)
                return func(*args, **kwargs)
            return wrapper
        return deco

RANDOM_STATE = [None, numbers.Integral, np.random.Generator, np.random.RandomState, np.random.SeedSequence]
