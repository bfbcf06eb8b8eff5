"""The benchmark harness: cells, timing, records, reports.

A benchmark module ``benchmarks/bench_<area>.py`` defines

``AREA : str``
    Its name, used by ``--only``.
``cells(mode) -> list[Cell]``
    Independent units of work for ``mode`` in ``{"quick", "full"}``. A cell is
    a module-level function plus keyword arguments, so it pickles and can run
    in another process or on a Dask worker.
``headlines(records) -> list[dict]``  (optional)
    Summary claims computed from all records of the area (after every cell ran),
    made with :func:`headline`. Give each its ``unit`` (``"s"``, ``"x"``, ``"%"``, ...) and,
    whenever ``passed`` is false, a one-line ``reason`` (why it misses, or when the peer wins).
``summary(records) -> str``  (optional, expected of every method area)
    The opening of the report for this area: a few lines of Markdown saying *what to use
    when, with the numbers* (e.g. "For 19 levels on tabular data use ``QuantileAggregator``
    (coarse): relative WIS 0.93 vs 1.00 for the best base model, 5 data sets x 3 splits; ...").
    It receives the same records as ``report`` (headlines included) and must quote the
    numbers from them, never hard-coded ones.
``report(records, outdir) -> str``  (optional)
    A Markdown section built from the records of this area; it may save PNG
    figures into ``outdir`` and link them.

A cell function returns a list of records (plain dicts). Use :func:`record`
for quality numbers, :func:`compare_speed` for timings against peers and
:func:`headline` for the claims that go into the summary table.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Cell:
    """One independent unit of benchmark work."""

    area: str
    name: str
    func: Callable
    kwargs: dict = field(default_factory=dict)

    def run(self) -> list[dict]:
        """Run the cell; a failure becomes an ``error`` record instead of an exception."""
        # One thread per cell: speed ratios are single-thread, and cells run side by side.
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "NUMBA_NUM_THREADS"):
            os.environ.setdefault(var, "1")
        try:
            from threadpoolctl import threadpool_limits

            limiter = threadpool_limits(1)
        except Exception:  # pragma: no cover - threadpoolctl ships with scikit-learn
            limiter = None
        t0 = time.perf_counter()
        try:
            out = list(self.func(**self.kwargs))
        except Exception as exc:  # a failing cell must not hide the others
            out = [{"kind": "error", "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc()}]
        finally:
            if limiter is not None:
                limiter.restore_original_limits()
        elapsed = time.perf_counter() - t0
        for rec in out:
            rec.setdefault("area", self.area)
            rec.setdefault("cell", self.name)
        out.append({"area": self.area, "cell": self.name, "kind": "cell_time",
                    "seconds": elapsed})
        return out


def _to_builtin(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def record(kind: str = "quality", **fields) -> dict:
    """A result record: ``kind`` plus JSON-friendly fields (numpy scalars converted)."""
    return {"kind": kind, **{k: _to_builtin(v) for k, v in fields.items()}}


MISSING_REASON = "(no reason given)"


def headline(claim: str, value: float, target: str, passed: bool, *, unit: str | None = None,
             reason: str | None = None, **fields) -> dict:
    """A claim for the summary table.

    ``headline("isotonic vs sklearn", 512.0, ">= 300", True, unit="x")``. ``unit`` is shown
    beside the value (``"s"``, ``"x"`` for a speed ratio, ``"%"``, ``"rel. WIS"``...). A claim
    that is not ``passed`` needs ``reason``: one line saying why (the report shows
    ``(no reason given)`` otherwise).
    """
    passed = bool(passed)
    if not passed and not reason:
        reason = MISSING_REASON
    return record("headline", claim=claim, value=value, target=target, passed=passed, unit=unit,
                  reason=reason, **fields)


def format_value(value, unit: str | None = None, floatfmt: str = ".4g") -> str:
    """``value`` with its unit: ``3.2 s``, ``12x``, ``4.5 %``; ``-`` for a missing value."""
    if value is None:
        return "-"
    text = format(value, floatfmt) if isinstance(value, float) else str(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "x" else f"{text} {unit}"


def summary_table(headlines: list[dict]) -> str:
    """The headline table: claim, value with unit, target, passed, reason (for every NO)."""
    rows = [dict(h, value=format_value(h.get("value"), h.get("unit")),
                 reason=h.get("reason") or ("" if h.get("passed") else MISSING_REASON))
            for h in headlines]
    return markdown_table(rows, ["area", "claim", "value", "target", "passed", "reason"])


def time_call(func: Callable, *, repeats: int = 5, warmup: int = 1, min_time: float = 0.0) -> float:
    """Median wall time of ``func()`` over ``repeats`` runs after ``warmup`` runs.

    With ``min_time > 0``, each timed run loops ``func`` until at least that
    many seconds have passed and reports the time per call, so that very short
    calls are measured reliably.
    """
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeats):
        n, t0 = 0, time.perf_counter()
        while True:
            func()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_time:
                break
        times.append(dt / n)
    return statistics.median(times)


def compare_speed(task: str, ours: Callable, peers: dict[str, Callable], *,
                  repeats: int = 5, warmup: int = 1, min_time: float = 0.0,
                  **fields) -> list[dict]:
    """Time ``ours`` and each peer in the same process; ratio = peer time / our time.

    Returns one ``speed`` record per peer (ratio > 1 means statlearn is faster)
    and one for statlearn itself.
    """
    t_ours = time_call(ours, repeats=repeats, warmup=warmup, min_time=min_time)
    out = [record("speed", task=task, method="statlearn", seconds=t_ours, **fields)]
    for name, fn in peers.items():
        if fn is None:
            out.append(record("speed", task=task, method=name, seconds=None, ratio=None,
                              note="peer not installed", **fields))
            continue
        t_peer = time_call(fn, repeats=repeats, warmup=warmup, min_time=min_time)
        out.append(record("speed", task=task, method=name, seconds=t_peer,
                          ratio=t_peer / t_ours, **fields))
    return out


def optional_import(name: str):
    """Import an optional peer; return ``None`` (and the benchmark reports it) if missing."""
    try:
        return importlib.import_module(name)
    except Exception:
        return None


def discover(only: list[str] | None = None):
    """Import every ``benchmarks.bench_*`` module (optionally only some areas)."""
    import benchmarks

    mods = []
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda i: i.name):
        if not info.name.startswith("bench_"):
            continue
        mod = importlib.import_module(f"benchmarks.{info.name}")
        if only and mod.AREA not in only:
            continue
        mods.append(mod)
    return mods


def markdown_table(rows: list[dict], columns: list[str], floatfmt: str = ".4g") -> str:
    """Render dict rows as a GitHub Markdown table."""
    def fmt(v):
        if v is None:
            return "-"
        if isinstance(v, bool):
            return "yes" if v else "NO"
        if isinstance(v, float):
            return format(v, floatfmt)
        return str(v)

    head = "| " + " | ".join(columns) + " |"
    sep = "| " + " | ".join("---" for _ in columns) + " |"
    body = ["| " + " | ".join(fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def default_report(records: list[dict]) -> str:
    """Tables of the speed and quality records of one area."""
    parts = []
    speed = [r for r in records if r["kind"] == "speed"]
    if speed:
        parts.append(markdown_table(speed, ["task", "method", "seconds", "ratio"]))
    quality = [r for r in records if r["kind"] == "quality"]
    if quality:
        cols = [c for c in quality[0] if c not in ("kind", "area", "cell")]
        parts.append(markdown_table(quality, cols))
    return "\n\n".join(parts)
