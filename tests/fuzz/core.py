"""Call specifications and the mutations that turn them into fuzz cases.

A ``Spec`` is one valid public call: ``call(**values)`` (or ``call(state, **values)`` when the
spec has a ``setup``, built once per worker) returns the numbers to compare. Each fuzzed argument
is an ``Arg`` (an array) or a ``Scalar``; every mutation of one argument is one ``Case`` with an
expectation:

- ``invalid``: the call must raise a clear error (``ValueError``/``TypeError`` naming it);
- ``either``: a clear error, or a finite answer;
- ``same``: a clear error, or the clean answer (e.g. ``y`` as an ``(n, 1)`` column);
- ``valid``: the clean answer (float32 variants to a float32 tolerance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

INVALID, EITHER, SAME, VALID = "invalid", "either", "same", "valid"
EXPECTATIONS = (INVALID, EITHER, SAME, VALID)
ARRAY_MUTATIONS = ("nan", "inf", "none", "pd_na", "empty", "one_sample", "ndim_plus",
                   "ndim_minus", "mismatch", "strings", "big")
ARRAY_VARIANTS = ("float32", "noncontig", "readonly", "list", "pandas", "object")
FRAME_VARIANTS = ("numpy", "list", "object")
ROW_CUTS = ("empty", "one_sample")
# mutations of a shape: an error about a shape relation may name either side of it
SHAPE_MUTATIONS = ("empty", "one_sample", "ndim_plus", "ndim_minus", "mismatch")
SCALAR_MUTATIONS = ("nan", "inf", "none", "pd_na", "strings", "big")
SCALAR_VARIANTS = ("numpy", "float32")
# kinds whose values may legitimately be huge (1e300 is then an "either", not "invalid")
_UNBOUNDED = {"float", "labels", "weight"}


@dataclass
class Arg:
    """An array argument: its clean value and what kind of numbers it holds.

    kind: ``float`` (any real), ``prob`` (in [0, 1]), ``binary`` (two labels), ``labels``
    (class labels), ``bool`` (indicators, e.g. groups), ``weight`` (sample weights),
    ``levels`` (quantile levels or other bounded parameter vectors).
    rows: the first axis is aligned with the other arguments of the same row group (for
    ``mismatch``, ``empty``, ``one_sample``): ``True`` is the group ``"rows"``, a string names
    another group (e.g. ``"holdout"``), ``False`` means no alignment (a parameter vector).
    expect: per-mutation expectation overrides; skip: mutation -> reason it does not apply;
    extra: name -> (value, expectation), argument-specific mutations.
    """

    value: Any
    kind: str = "float"
    rows: bool | str = True
    expect: dict = field(default_factory=dict)
    skip: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


@dataclass
class Scalar:
    """A scalar argument (a parameter or a loss): kind ``float``, ``int``, ``prob`` or ``bool``."""

    value: Any
    kind: str = "float"
    expect: dict = field(default_factory=dict)
    skip: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    rows = False


@dataclass
class Spec:
    """One valid public call. ``name`` is the public name it covers (default: ``id`` head);
    ``repeat``: run the clean call twice to check it is deterministic (off for slow loaders)."""

    id: str
    call: Callable
    args: dict = field(default_factory=dict)
    setup: Callable | None = None
    name: str | None = None
    repeat: bool = True

    def __post_init__(self):
        if self.name is None:
            self.name = self.id.split(".")[0].split("[")[0]


@dataclass
class Case:
    """One call of a spec with one argument replaced (``arg is None``: the clean call)."""

    id: str
    spec: Spec
    arg: str | None
    mutation: str
    expect: str
    make: Callable = None  # () -> mutated value


# ---------------------------------------------------------------- array mutations


def _pos(a):
    """Index of the mutated element: row 1 (row 0 if only one), column 0."""
    return (min(1, a.shape[0] - 1),) + (0,) * (a.ndim - 1)


def _with(a, value, dtype):
    b = np.array(a, dtype=dtype, copy=True)
    b[_pos(b)] = value
    return b


def _numeric_dtype(a):
    return float if a.dtype.kind in "biuf" else object


def _nullable(col):
    if col.dtype.kind == "b":
        return "boolean"
    if col.dtype.kind in "iu":
        return "Int64"
    if col.dtype.kind == "f":
        return "Float64"
    return "string"


def _pd_na(a):
    if a.ndim == 1:
        s = pd.Series(pd.array(a, dtype=_nullable(a)))
        s.iloc[_pos(a)[0]] = pd.NA
        return s
    df = pd.DataFrame({f"x{j}": pd.array(a[:, j], dtype=_nullable(a[:, j])) for j in range(a.shape[1])})
    df.iloc[_pos(a)[0], 0] = pd.NA
    return df


def _noncontig(a):
    b = np.repeat(a, 2, axis=0)[::2]
    assert not b.flags.c_contiguous or a.size <= 1
    return b


def _readonly(a):
    b = a.copy()
    b.setflags(write=False)
    return b


def _pandas(a):
    if a.ndim == 1:
        return pd.Series(a)
    return pd.DataFrame(a, columns=[f"x{j}" for j in range(a.shape[1])])


def _ndim_minus(a):
    return a[:, 0] if a.ndim >= 2 else a[0]


_ARRAY_FN = {
    "nan": lambda a: _with(a, np.nan, _numeric_dtype(a)),
    "inf": lambda a: _with(a, np.inf, _numeric_dtype(a)),
    "none": lambda a: _with(a, None, object),
    "pd_na": _pd_na,
    "empty": lambda a: a[:0],
    "one_sample": lambda a: a[:1],
    "ndim_plus": lambda a: a[..., None],
    "ndim_minus": _ndim_minus,
    "mismatch": lambda a: a[:-1],
    "strings": lambda a: _with(a, "abc", object),
    "big": lambda a: _with(a, 1e300, _numeric_dtype(a)),
    "float32": lambda a: a.astype(np.float32),
    "noncontig": _noncontig,
    "readonly": _readonly,
    "list": lambda a: a.tolist(),
    "pandas": _pandas,
    "object": lambda a: a.astype(object),
    "numpy": lambda a: a,
}


def _array_expect(arg, mutation, ndim):
    if mutation in ARRAY_VARIANTS or mutation in FRAME_VARIANTS:
        return VALID
    if mutation == "one_sample":
        return EITHER
    if mutation == "ndim_plus":
        return SAME if ndim == 1 else INVALID
    if mutation == "big":
        return EITHER if arg.kind in _UNBOUNDED else INVALID
    if mutation == "ndim_minus" and arg.kind == "weight" and ndim == 1:
        return EITHER  # scikit-learn's convention: a scalar sample_weight is broadcast
    if mutation == "ndim_minus" and arg.kind == "bool" and ndim == 2:
        return EITHER  # the groups contract: a 1-D boolean array is one group
    return INVALID


def _array_mutations(arg, n_row_args):
    """Yield (mutation, value factory, default expectation) for one array argument."""
    frame = isinstance(arg.value, (pd.DataFrame, pd.Series))
    base = arg.value.to_numpy() if frame else np.asarray(arg.value)
    names = list(ARRAY_MUTATIONS) + list(FRAME_VARIANTS if frame else ARRAY_VARIANTS)
    for mut in names:
        if mut == "mismatch" and n_row_args < 2:
            continue
        if mut == "float32" and base.dtype.kind != "f":
            continue
        if mut in ("pd_na", "pandas") and base.ndim > 2:
            continue
        fn = _ARRAY_FN[mut]
        if frame and mut not in ("ndim_plus", "ndim_minus", "pd_na") + FRAME_VARIANTS:
            fn = _rewrap(fn, arg.value)
        yield mut, (lambda fn=fn: fn(base)), _array_expect(arg, mut, base.ndim)


def _rewrap(fn, frame):
    """Apply an array mutation to a DataFrame/Series and wrap the result back."""
    def wrapped(base):
        out = fn(base)
        if isinstance(frame, pd.Series):
            return pd.Series(out, name=frame.name)
        return pd.DataFrame(out, columns=frame.columns)
    return wrapped


# ---------------------------------------------------------------- scalar mutations


def _scalar_value(s, mut):
    v = s.value
    fixed = {"nan": np.nan, "inf": np.inf, "none": None, "pd_na": pd.NA, "strings": "abc", "big": 1e300}
    if mut in fixed:
        return fixed[mut]
    if mut == "float32":
        return np.int32(v) if s.kind == "int" else np.float32(v)
    return {"int": np.int64, "bool": np.bool_}.get(s.kind, np.float64)(v)


def _scalar_mutations(s):
    for mut in SCALAR_MUTATIONS + SCALAR_VARIANTS:
        if mut == "float32" and s.kind == "bool":
            continue
        if mut in SCALAR_VARIANTS:
            exp = VALID
        elif mut == "big" and s.kind == "float":
            exp = EITHER
        else:
            exp = INVALID
        yield mut, (lambda m=mut: _scalar_value(s, m)), exp


# ---------------------------------------------------------------- cases


def row_group(arg):
    """The row group of an argument (None: not aligned)."""
    if not isinstance(arg, Arg) or arg.rows is False:
        return None
    return "rows" if arg.rows is True else arg.rows


def row_args(spec, name):
    """Names of the arguments aligned with argument ``name`` (itself included; [] if none)."""
    group = row_group(spec.args[name])
    return [] if group is None else [k for k, a in spec.args.items() if row_group(a) == group]


def cases(spec, area):
    """Every case of one spec, the clean call first.

    ``empty`` and ``one_sample`` cut every row-aligned argument together (one case, named after
    the first of them): cutting one alone would only be another ``mismatch``.
    """
    out = [Case(f"{area}:{spec.id}:-:clean", spec, None, "clean", VALID)]
    for name, arg in spec.args.items():
        rows = row_args(spec, name)
        gen = _array_mutations(arg, len(rows)) if isinstance(arg, Arg) else _scalar_mutations(arg)
        muts = [(m, mk, arg.expect.get(m, e)) for m, mk, e in gen if m not in arg.skip
                and not (m in ROW_CUTS and rows and name != rows[0])]
        muts += [(m, (lambda v=v: v), e) for m, (v, e) in arg.extra.items()]
        for mut, make, exp in muts:
            if exp not in EXPECTATIONS:
                raise ValueError(f"{spec.id}: `{name}` expectation {exp!r} for {mut!r}")
            out.append(Case(f"{area}:{spec.id}:{name}:{mut}", spec, name, mut, exp, make))
    return out


# ---------------------------------------------------------------- spec builders


def func_spec(func, *, id=None, fixed=None, out=None, name=None, **args):
    """Spec of ``func(**args, **fixed)``; ``out`` maps the result to the numbers to compare."""
    fixed = fixed or {}

    def call(**kw):
        res = func(**kw, **fixed)
        return out(res) if out else res

    return Spec(id or func.__name__, call, args, name=name)


def estimator_specs(name, make, fit, methods, *, fit_fixed=None, fit_method="fit", tag="",
                    fit_outputs=None, method_specs=True):
    """Specs ``<name>.<fit_method>`` and ``<name>.<method>`` for each prediction/score method.

    make: () -> a fresh estimator. fit: argument name -> Arg of ``fit``. methods: method name ->
    {argument name -> Arg}. The fit spec fits on the mutated arguments and returns every method's
    output on its clean arguments; a method spec fits once on clean data (per worker) and calls the
    method on the mutated arguments. fit_outputs: the methods the fit spec evaluates (default all;
    leave out those whose output holds labels when a label variant is fuzzed, e.g. ``predict``).
    With ``fit_method="partial_fit"`` the estimator first sees the clean batch, then the mutated
    one (a bad second batch must not poison the fitted state); ``method_specs=False`` then avoids
    repeating the method specs of the ``fit`` call.
    """
    fit_fixed = fit_fixed or {}
    clean_fit = {k: a.value for k, a in fit.items()}
    clean_m = {m: {k: a.value for k, a in args.items()} for m, args in methods.items()
               if fit_outputs is None or m in fit_outputs}

    def fit_call(**kw):
        est = make()
        if fit_method == "partial_fit":
            est.partial_fit(**clean_fit, **fit_fixed)
        est = getattr(est, fit_method)(**kw, **fit_fixed)
        return [getattr(est, m)(**margs) for m, margs in clean_m.items()]

    def setup():
        return getattr(make(), fit_method)(**clean_fit, **fit_fixed)

    specs = [Spec(f"{name}{tag}.{fit_method}", fit_call, dict(fit), name=name)]
    for m, args in (methods.items() if method_specs else ()):
        specs.append(Spec(f"{name}{tag}.{m}", lambda est, m=m, **kw: getattr(est, m)(**kw),
                          dict(args), setup=setup, name=name))
    return specs


def weight_arg(n, seed=7, **kw):
    """A ``sample_weight`` Arg: positive weights; one negative weight must be rejected."""
    w = np.random.default_rng(seed).uniform(0.5, 2.0, n)
    neg = w.copy()
    neg[1] = -1.0
    return Arg(w, "weight", extra={"negative": (neg, INVALID), **kw.pop("extra", {})}, **kw)
