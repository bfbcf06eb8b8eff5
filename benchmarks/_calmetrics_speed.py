"""Speed of the calibration metrics at the memory floor (owned by `calmetrics`; issue 12 item 4,
issue 14 item 1). Imported by ``bench_calibration.py`` (its ``cells`` and ``report``).

Every time is the best of ``repeats`` runs, in wall seconds (``seconds``) and in CPU seconds of
the calling thread (``cpu_seconds``): a shared 2-core machine under load inflates wall times by
3-6x (the calibration paper notes it for medians), CPU time much less. Ratios use CPU time. The
read floor is a compiled loop that reads each input once (the sum of ``p`` and of ``y``), timed
the same way in the same process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchmarks._harness import Cell, headline, markdown_table, optional_import, record

AREA = "calibration"
KIND = "speed_floor"


def _read_floor_kernel():
    from numba import njit

    @njit(cache=True)
    def read_once(p, y):
        s = 0.0
        t = 0.0
        for i in range(p.shape[0]):
            s += p[i]
            t += y[i]
        return s + t

    return read_once


def _best(fn, repeats, loops=1):
    """(best wall seconds, best thread-CPU seconds) per call."""
    fn()
    wall = cpu = float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.thread_time()
        for _ in range(loops):
            fn()
        wall = min(wall, (time.perf_counter() - t0) / loops)
        cpu = min(cpu, (time.thread_time() - c0) / loops)
    return wall, cpu


def _data(n, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.beta(2.0, 3.0, size=n)
    q = 1 / (1 + np.exp(-(1.6 * np.log(p / (1 - p)) + 0.2)))
    return (rng.uniform(size=n) < q).astype(np.int64), p


def _sk_ece(y, p):
    from sklearn.calibration import calibration_curve

    pt, pp = calibration_curve(y, p, n_bins=15)
    counts = np.histogram(p, bins=np.linspace(0, 1, 16))[0]
    counts = counts[counts > 0]
    return float(np.sum(counts / len(p) * np.abs(pt - pp)))


def _floor_rows(n, repeats, with_peers, floor, netcal):
    from statlearn.calibration import expected_calibration_error

    y, p = _data(n)
    task = f"uniform ECE 15 bins, n={n:,} (int64 y, float64 p)"
    w_floor, t_floor = _best(lambda: floor(p, y), repeats)
    w_ours, t_ours = _best(lambda: expected_calibration_error(y, p), repeats)
    value = expected_calibration_error(y, p)
    out = [record(KIND, task=task, method="read inputs once (floor)", seconds=w_floor, cpu_seconds=t_floor),
           record(KIND, task=task, method="statlearn", seconds=w_ours, cpu_seconds=t_ours,
                  ratio_to_read_floor=t_ours / t_floor, value=value)]
    peers = {}
    if with_peers:
        peers["sklearn calibration_curve + counts"] = lambda: _sk_ece(y, p)
        if netcal is not None:
            peers["netcal ECE"] = lambda: netcal.ECE(15).measure(p, y)
    for name, fn in peers.items():
        w, t = _best(fn, 3)
        out.append(record(KIND, task=task, method=name, seconds=w, cpu_seconds=t, ratio=t / t_ours,
                          ratio_to_read_floor=t / t_floor, value_diff=abs(fn() - value)))
    return out, t_ours / t_floor, w_ours / w_floor


def cell_ece_read_floor(sizes=(1_000_000, 10_000_000), repeats=9, peers_up_to=1_000_000):
    """Uniform 15-bin ECE vs the time to read its inputs once, scikit-learn and netcal."""
    netcal = optional_import("netcal.metrics")
    floor = _read_floor_kernel()
    out = []
    for n in sizes:
        rows, ratio, wall_ratio = _floor_rows(n, repeats, n <= peers_up_to, floor, netcal)
        out += rows
    out.append(headline(f"uniform ECE on {max(sizes):.0e} vs reading its inputs once", ratio,
                        "<= 1.5 (best of runs, CPU time)", ratio <= 1.5, unit="x", wall_ratio=wall_ratio,
                        reason="binning is a data-dependent scatter-add (~2.5-3.5 ns/row in one scalar pass); "
                               "the floor is a streaming sum (~0.7 ns/row)"))
    return out


def cell_ece_dtypes(n=1_000_000, repeats=9):
    """bool / int32 labels and float32 probabilities take the same compiled path."""
    from statlearn.calibration import expected_calibration_error

    floor = _read_floor_kernel()
    y, p = _data(n, seed=1)
    t_ref = _best(lambda: expected_calibration_error(y, p), repeats)[1]
    out, worst = [], 0.0
    for yd, pd in [(np.bool_, np.float64), (np.int32, np.float64), (np.float64, np.float64), (np.int64, np.float32),
                   (np.bool_, np.float32)]:
        yy, pp = y.astype(yd), p.astype(pd)
        w, t = _best(lambda yy=yy, pp=pp: expected_calibration_error(yy, pp), repeats)
        t_floor = _best(lambda yy=yy, pp=pp: floor(pp, yy), repeats)[1]
        worst = max(worst, t / t_ref)
        out.append(record(KIND, task=f"uniform ECE, n={n:,}, y {np.dtype(yd).name}, p {np.dtype(pd).name}",
                          method="statlearn", seconds=w, cpu_seconds=t, ratio_to_int64_float64=t / t_ref,
                          ratio_to_read_floor=t / t_floor))
    out.append(headline("uniform ECE with bool/int32/float64 y or float32 p vs int64/float64 (slower by, CPU)",
                        worst, "<= 1.5", worst <= 1.5, unit="x",
                        reason="a dtype path slower than the int64/float64 one"))
    return out


def cell_ece_overhead(n=1000, repeats=7, loops=2000):
    """Per-call time at n=1000 against the bare compiled loop over the same arrays."""
    from statlearn.calibration import brier_score, expected_calibration_error

    floor = _read_floor_kernel()
    y, p = _data(n, seed=2)
    w_bare, t_bare = _best(lambda: floor(p, y), repeats, loops)
    out = [record(KIND, task=f"per call, n={n}", method="bare compiled loop (floor)", seconds=w_bare,
                  cpu_seconds=t_bare)]
    for name, fn in [("expected_calibration_error", lambda: expected_calibration_error(y, p)),
                     ("brier_score", lambda: brier_score(y, p))]:
        w, t = _best(fn, repeats, loops)
        out.append(record(KIND, task=f"per call, n={n}", method=name, seconds=w, cpu_seconds=t,
                          ratio_to_read_floor=t / t_bare))
        if name == "expected_calibration_error":
            out.append(headline("expected_calibration_error per call at n=1000 (CPU)", t * 1e6, "< 10", t * 1e6 < 10,
                                unit="us", wall_us=w * 1e6,
                                reason="validate_args binds the 10-argument signature on every call (see STATUS "
                                       "request to contract)"))
    return out


_COLD = """
import json, time
import numpy as np
t0 = time.perf_counter(); c0 = time.process_time()
import statlearn.calibration as cal
t1 = time.perf_counter(); c1 = time.process_time()
rng = np.random.default_rng(0)
p = rng.uniform(size=2000); y = (rng.uniform(size=2000) < p).astype(np.int64)
f = {"expected_calibration_error": lambda: cal.expected_calibration_error(y, p),
     "smooth_ece": lambda: cal.smooth_ece(y, p),
     "calibration_report": lambda: cal.calibration_report(y, p, n_bootstrap=10, n_simulations=10, random_state=0)}
out = {"import_s": t1 - t0, "import_cpu_s": c1 - c0}
for name in %r:
    a, b = time.perf_counter(), time.process_time(); f[name](); out[name] = (time.perf_counter() - a,
                                                                           time.process_time() - b)
    a, b = time.perf_counter(), time.process_time(); f[name](); out[name + "_warm"] = time.perf_counter() - a
print(json.dumps(out))
"""


def cell_cold_start(names=("expected_calibration_error", "smooth_ece", "calibration_report")):
    """First call in a fresh process with an empty numba cache (wall and CPU seconds)."""
    out = []
    for name in names:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache, OMP_NUM_THREADS="1")
            res = subprocess.run([sys.executable, "-c", _COLD % ((name,),)], capture_output=True, text=True,
                                 env=env, timeout=600, check=True)
        d = json.loads(res.stdout.strip().splitlines()[-1])
        wall, cpu = d[name]
        out.append(record(KIND, task="first call, empty numba cache", method=name, seconds=wall, cpu_seconds=cpu,
                          warm_seconds=d[name + "_warm"], import_seconds=d["import_s"]))
        out.append(headline(f"{name} first call, empty numba cache (CPU; wall in wall_seconds)", cpu, "< 3",
                            cpu < 3, unit="s", wall_seconds=wall,
                            reason="numba compile of the kernels this call needs"))
    return out


def cells(mode):
    full = mode == "full"
    return [
        Cell(AREA, "ece_read_floor", cell_ece_read_floor,
             {"repeats": 15 if full else 7, "peers_up_to": 10_000_000 if full else 1_000_000}),
        Cell(AREA, "ece_dtypes", cell_ece_dtypes, {"repeats": 15 if full else 7}),
        Cell(AREA, "ece_overhead", cell_ece_overhead, {}),
        Cell(AREA, "metrics_cold_start", cell_cold_start, {}),
    ]


def report_section(records):
    """Markdown for the records above (called from bench_calibration.report)."""
    rows = [r for r in records if r.get("kind") == KIND]
    if not rows:
        return ""
    return ("### Calibration metrics at the memory floor (best of runs; ratio = peer time / statlearn time; "
            "ratio_to_read_floor = time / time to read the inputs once)\n\n"
            + markdown_table(rows, ["task", "method", "seconds", "ratio", "ratio_to_read_floor",
                                    "ratio_to_int64_float64", "cpu_seconds", "warm_seconds", "value_diff"]))
