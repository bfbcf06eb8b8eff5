"""Run fuzz cases in a worker process with a per-case time limit.

The parent asks one spawned worker per area for its case ids, then sends the cases one at a time
and waits at most ``timeout`` seconds for each answer: a hang or a crash becomes an ``obscure``
outcome, the worker is restarted and the run goes on. The worker keeps the clean answer (and any
spec ``setup`` state, e.g. a fitted estimator) of every spec, so numba compiles once per area.
"""

from __future__ import annotations

import fnmatch
import importlib
import multiprocessing as mp
import os
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .classify import FAILING, classify_error, classify_result
from .core import ROW_CUTS, SHAPE_MUTATIONS, Arg, cases, row_args

AREAS = ("quantile", "calibration", "ordinal", "online", "bandits", "adaptive", "datasets")
HERE = Path(__file__).resolve().parent
CASE_TIMEOUT = float(os.environ.get("STATLEARN_FUZZ_TIMEOUT", 30))
START_TIMEOUT = 180.0


@dataclass
class Outcome:
    id: str
    kind: str
    expect: str
    message: str
    seconds: float = 0.0

    @property
    def failing(self):
        return self.kind in FAILING


def matches(case_id, pattern):
    """fnmatch with only ``*`` and ``?`` as wildcards (spec ids hold literal brackets)."""
    return fnmatch.fnmatchcase(case_id, pattern.replace("[", "[[]"))


def load_specs(area, name=None):
    """The specs of one area, optionally only those whose public name or id matches ``name``."""
    mod = importlib.import_module(f"tests.fuzz.specs_{area}")
    specs = mod.build_specs()
    if name:
        specs = [s for s in specs if s.name == name or matches(s.id, name)]
    return specs


# ---------------------------------------------------------------- worker side


class _Worker:
    """Case execution inside the worker: clean answers and setup state cached per spec."""

    def __init__(self, area, name):
        self.cases = [c for s in load_specs(area, name) for c in cases(s, area)]
        self.state, self.clean = {}, {}

    def _invoke(self, spec, values):
        if spec.setup is None:
            return spec.call(**values)
        if spec.id not in self.state:
            self.state[spec.id] = spec.setup()
        return spec.call(self.state[spec.id], **values)

    def _clean(self, spec):
        if spec.id not in self.clean:
            values = {k: a.value for k, a in spec.args.items()}
            first = self._invoke(spec, values)
            second = self._invoke(spec, values) if spec.repeat else first
            self.clean[spec.id] = (first, second)
        return self.clean[spec.id]

    def run(self, i):
        try:
            return self._run(self.cases[i])
        except Exception as exc:  # a bug of the harness or of a spec, not of statlearn
            case = self.cases[i]
            return Outcome(case.id, "harness_error", case.expect, _exc_line(exc))

    def _run(self, case):
        spec = case.spec
        t0 = time.perf_counter()
        try:
            clean, again = self._clean(spec)
        except Exception as exc:  # the clean call fails: that case fails, the others are blocked
            kind = "obscure" if case.arg is None else "blocked"
            return Outcome(case.id, kind, case.expect, "clean call raised " + _exc_line(exc))
        if case.arg is None:
            kind, msg = classify_result(again, clean, "valid")
            if kind == "variant_changed":
                msg = "not deterministic: " + msg
        else:
            kind, msg = self._run_mutated(case, clean)
        _close_figures()
        return Outcome(case.id, kind, case.expect, msg, time.perf_counter() - t0)

    def _run_mutated(self, case, clean):
        spec = case.spec
        values = {k: a.value for k, a in spec.args.items()}
        values[case.arg] = case.make()
        aligned = row_args(spec, case.arg)
        if case.mutation in ROW_CUTS:
            for k in aligned:
                values[k] = _cut(spec.args[k].value, case.mutation)
        names = [case.arg]
        if case.mutation in SHAPE_MUTATIONS:  # a shape relation: naming either side is clear
            names = [k for k, a in spec.args.items() if isinstance(a, Arg)]
        try:
            result = self._invoke(spec, values)
        except Exception as exc:
            return classify_error(exc, case.expect, names)
        arg = spec.args[case.arg]
        numbers_only = case.mutation == "pandas" and getattr(arg, "kind", "") == "bool"
        return classify_result(result, clean, case.expect, float32=case.mutation == "float32",
                               numbers_only=numbers_only)


def _cut(value, mutation):
    n = 0 if mutation == "empty" else 1
    return value.iloc[:n] if hasattr(value, "iloc") else np.asarray(value)[:n]


def _exc_line(exc):
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" [{Path(tb[-1].filename).name}:{tb[-1].lineno}]" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _close_figures():
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def worker_main(conn, area, name):
    import matplotlib

    matplotlib.use("Agg")
    warnings.simplefilter("ignore")
    worker = _Worker(area, name)
    conn.send([(c.id, c.expect) for c in worker.cases])
    while True:
        i = conn.recv()
        if i is None:
            break
        conn.send(worker.run(i))


# ---------------------------------------------------------------- parent side


class _Pool:
    """One worker process, restarted after a timeout or a crash."""

    def __init__(self, area, name):
        self.area, self.name, self.proc = area, name, None
        self.ctx = mp.get_context("spawn")

    def start(self):
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker_main, args=(child, self.area, self.name), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        if not self.conn.poll(START_TIMEOUT):
            self.stop()
            raise RuntimeError(f"fuzz worker for {self.area} did not start in {START_TIMEOUT}s")
        return self.conn.recv()

    def ask(self, i, timeout):
        """The worker's Outcome for case i, or None after a timeout or a crash (worker restarted)."""
        try:
            self.conn.send(i)
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            pass
        self.stop()
        self.start()
        return None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.is_alive():
            try:
                self.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.proc = None


def run_area(area, name=None, timeout=CASE_TIMEOUT, progress=None):
    """Run every case of one area (or one public name); return the list of Outcomes."""
    pool = _Pool(area, name)
    ids = pool.start()
    out = []
    try:
        for i, (cid, expect) in enumerate(ids):
            t0 = time.perf_counter()
            res = pool.ask(i, timeout)
            if res is None:
                res = Outcome(cid, "obscure", expect, f"timeout or crash after {time.perf_counter() - t0:.0f}s",
                              time.perf_counter() - t0)
            out.append(res)
            if progress:
                progress(res)
    finally:
        pool.stop()
    return out


# ---------------------------------------------------------------- allow-list


def read_allowlist(area):
    """[(glob, reason, line number)] of ``allowlist/<area>.txt``; a line without a reason raises."""
    path = HERE / "allowlist" / f"{area}.txt"
    entries = []
    if not path.exists():
        return entries
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        glob, _, reason = line.partition("#")
        if not reason.strip() or not glob.strip():
            raise ValueError(f"{path.name}:{n}: an entry needs `case-id-glob  # reason`: {line!r}")
        entries.append((glob.strip(), reason.strip(), n))
    return entries


def triage(outcomes, entries, complete=True):
    """(failing outcomes not allowed, stale allow-list entries).

    An entry is stale when it matches ran cases but none of the failing ones, or (``complete``:
    the whole area ran) when it matches no case at all.
    """
    failing = [o for o in outcomes if o.failing]
    used = set()
    bad = []
    for o in failing:
        hits = [e for e in entries if matches(o.id, e[0])]
        used.update(e[0] for e in hits)
        if not hits:
            bad.append(o)
    ran = [o.id for o in outcomes]
    stale = [e for e in entries if e[0] not in used
             and (complete or any(matches(i, e[0]) for i in ran))]
    return bad, stale
