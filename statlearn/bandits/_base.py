"""Small helpers shared by policies and environments (parameters, repr, random streams)."""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from statlearn._validation import Interval, check_scalar

_CHUNK = 256


class _ParamsMixin:
    """``get_params`` / ``set_params`` / ``__repr__`` from the ``__init__`` signature (no sklearn base)."""

    @classmethod
    def _param_names(cls):
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values()
                if p.name != "self" and p.kind != p.VAR_KEYWORD and p.kind != p.VAR_POSITIONAL]

    def get_params(self, deep=True):
        """Constructor parameters of this object.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of nested objects as ``name__param``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            out[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for key, sub in value.get_params(deep=True).items():
                    out[f"{name}__{key}"] = sub
        return out

    def set_params(self, **params):
        """Set constructor parameters and reset the object.

        Parameters
        ----------
        **params : dict
            New parameter values; nested objects as ``name__param``.

        Returns
        -------
        self : object
            This object, reset.
        """
        valid = self._param_names()
        nested = {}
        for key, value in params.items():
            name, sep, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"`{name}` is not a parameter of {type(self).__name__}; valid parameters: {valid}."
                )
            if sep:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub in nested.items():
            getattr(self, name).set_params(**sub)
        self.reset()
        return self

    def __repr__(self):
        sig = inspect.signature(type(self).__init__)
        parts = []
        for name in self._param_names():
            value = getattr(self, name)
            default = sig.parameters[name].default
            if default is not inspect.Parameter.empty:
                try:
                    same = bool(value is default or value == default)
                except Exception:  # arrays and the like
                    same = False
                if same:
                    continue
            parts.append(f"{name}={_short_repr(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _short_repr(value):
    if isinstance(value, np.ndarray):
        value = value.tolist()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Stream:
    """Buffered scalar draws from a numpy Generator (uniform or standard normal).

    Drawing in chunks gives exactly the numbers that one vectorised call of the
    same length would give, which is what lets the numba simulator reproduce a
    Python loop step for step.
    """

    def __init__(self, rng, kind="uniform"):
        self.rng = rng
        self.kind = kind
        self.buf = []
        self.pos = 0

    def refill(self):
        draws = self.rng.random(_CHUNK) if self.kind == "uniform" else self.rng.standard_normal(_CHUNK)
        self.buf = draws.tolist()
        self.pos = 0

    def next(self):
        if self.pos >= len(self.buf):
            self.refill()
        v = self.buf[self.pos]
        self.pos += 1
        return v


def _draws(seed, n, kind="uniform"):
    """The first ``n`` draws of :class:`_Stream` for ``seed``, as one array."""
    rng = np.random.default_rng(seed)
    return rng.random(n) if kind == "uniform" else rng.standard_normal(n)


def _check_random_state(random_state, name="random_state", owner=""):
    ok = random_state is None or isinstance(
        random_state, numbers.Integral | np.random.Generator | np.random.SeedSequence
    )
    if not ok or isinstance(random_state, bool):
        prefix = f"{owner}: " if owner else ""
        raise TypeError(
            f"{prefix}`{name}` must be None, an int, a numpy Generator or a SeedSequence; got {random_state!r}."
        )
    return random_state


def _check_int(value, name, low, owner, high=None):
    return int(check_scalar(value, name, Interval("integral", low, high), owner=owner))


def _check_float(value, name, low, owner, closed="left", high=None):
    # closed="left"/"neither" on an unbounded right side rejects inf (it would turn indices into nan)
    return float(check_scalar(value, name, Interval("real", low, high, closed=closed), owner=owner))
