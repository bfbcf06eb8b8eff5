"""What a new user waits for: import time, first call with an empty numba cache, warm second process.

Three kinds of cell:

``cold-<area>``
    Each public entry point of the area runs in a fresh interpreter whose ``NUMBA_CACHE_DIR``
    is an empty folder (what a fresh install sees): the first call's time, a second call in the
    same process, then a second process with the now-warm cache. Goal: first call < 3 s.
``import``
    ``import statlearn.<area>`` in a fresh interpreter, as a ratio to ``import sklearn.base,
    numba`` (the floor: every area needs both) timed in the same run, medians over interleaved
    repeats. Goal: at most 1.2x.
``threads``
    The library's own parallel loops at ``n_jobs=1`` and ``n_jobs=2`` (ratio of the times;
    goal: ``n_jobs=2`` never slower, i.e. at most 1.0x plus timing noise of 10 %).

The numbers depend on the machine and on what else runs: cells run side by side under
``make bench``; ``python -m benchmarks --only coldstart --n-jobs 1`` gives quieter ones.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

from benchmarks._harness import Cell, headline, markdown_table, record

AREA = "coldstart"
GOAL_FIRST_CALL = 3.0  # seconds
GOAL_IMPORT_RATIO = 1.2
AREAS = ("quantile", "calibration", "ordinal", "online", "bandits", "adaptive")

# (area, entry point, setup code, call code). The setup runs after the imports and is not
# timed as the call; the call is what a user's first line costs. One per estimator family at
# least, and every function the cold-start issue names.
ENTRIES = [
    ("quantile", "isotonic_quantiles", """
import numpy as np
from statlearn.quantile import isotonic_quantiles
Q = np.random.default_rng(0).normal(size=(500, 9))
""", "isotonic_quantiles(Q)"),
    ("quantile", "weighted_interval_score", """
import numpy as np
from statlearn.quantile import weighted_interval_score
rng = np.random.default_rng(0); y = rng.normal(size=500)
q = np.linspace(0.1, 0.9, 9); Q = np.sort(rng.normal(size=(500, 9)), axis=1)
""", "weighted_interval_score(y, Q, q)"),
    ("quantile", "QuantileAggregator.fit", """
import numpy as np
from sklearn.linear_model import QuantileRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from statlearn.quantile import QuantileAggregator
rng = np.random.default_rng(0)
X = rng.uniform(-2, 2, size=(300, 2)); y = np.sin(2 * X[:, 0]) + 0.3 * rng.normal(size=300)
""", """QuantileAggregator([QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile", max_iter=20)],
                   quantiles=[0.1, 0.5, 0.9], weights="coarse", random_state=0).fit(X, y)"""),
    ("quantile", "ConformalQuantileRegressor.fit", """
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from statlearn.quantile import ConformalQuantileRegressor
rng = np.random.default_rng(0)
X = rng.uniform(size=(1000, 2)); y = X[:, 0] + (0.2 + X[:, 1]) * rng.normal(size=1000)
""", """ConformalQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=20),
                           quantiles=[0.05, 0.5, 0.95], random_state=0).fit(X, y)"""),
    ("quantile", "LinearQuantileRegressor.fit", """
import numpy as np
from statlearn.quantile import LinearQuantileRegressor
rng = np.random.default_rng(0); X = rng.normal(size=(500, 3)); y = X[:, 0] + rng.normal(size=500)
""", "LinearQuantileRegressor(quantiles=[0.1, 0.5, 0.9]).fit(X, y)"),
    ("calibration", "expected_calibration_error", """
import numpy as np
from statlearn.calibration import expected_calibration_error
rng = np.random.default_rng(0); p = rng.uniform(size=2000); y = (rng.uniform(size=2000) < p).astype(int)
""", "expected_calibration_error(y, p)"),
    ("calibration", "smooth_ece", """
import numpy as np
from statlearn.calibration import smooth_ece
rng = np.random.default_rng(0); p = rng.uniform(size=2000); y = (rng.uniform(size=2000) < p).astype(int)
""", "smooth_ece(y, p)"),
    ("calibration", "brier_decomposition", """
import numpy as np
from statlearn.calibration import brier_decomposition
rng = np.random.default_rng(0); p = rng.uniform(size=2000); y = (rng.uniform(size=2000) < p).astype(int)
""", "brier_decomposition(y, p)"),
    ("calibration", "MultiCalibrator.fit", """
import numpy as np
from statlearn.calibration import MultiCalibrator
rng = np.random.default_rng(0); g = rng.uniform(size=(4000, 2)) < 0.5
p = rng.uniform(0.1, 0.9, size=4000)
y = rng.uniform(size=4000) < np.clip(p + 0.15 * g[:, 0] - 0.15 * g[:, 1], 0, 1)
""", "MultiCalibrator(random_state=0).fit(p[:, None], y, groups=g)"),
    ("ordinal", "PrestoClassifier.fit", """
from statlearn.datasets import make_presto_data
from statlearn.ordinal import PrestoClassifier
X, y = make_presto_data(n_samples=500, random_state=0)
""", "PrestoClassifier(lam=0.01).fit(X, y)"),
    ("ordinal", "ProportionalOddsClassifier.fit", """
from statlearn.datasets import make_presto_data
from statlearn.ordinal import ProportionalOddsClassifier
X, y = make_presto_data(n_samples=500, random_state=0)
""", "ProportionalOddsClassifier().fit(X, y)"),
    ("ordinal", "PrestoCV.fit", """
from statlearn.datasets import make_presto_data
from statlearn.ordinal import PrestoCV
X, y = make_presto_data(n_samples=600, intercepts=(0.0, 2.0, 3.5), random_state=0)
""", "PrestoCV(n_lambdas=10, cv=3, random_state=0).fit(X, y)"),
    ("online", "GroupwiseRegressor.fit", """
from statlearn.datasets import make_grouped_regression
from statlearn.online import GroupwiseRegressor
X, y, groups = make_grouped_regression(n_samples=2000, random_state=0)
""", "GroupwiseRegressor().fit(X, y, groups=groups)"),
    ("online", "GroupwiseClassifier.fit", """
import numpy as np
from statlearn.online import GroupwiseClassifier
rng = np.random.default_rng(0); X = rng.normal(size=(500, 3))
groups = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]); y = (X[:, 2] + 0.5 * rng.normal(size=500) > 0).astype(int)
""", "GroupwiseClassifier().fit(X, y, groups=groups)"),
    ("online", "OnlineRidge.fit", """
import numpy as np
from statlearn.online import OnlineRidge
rng = np.random.default_rng(0); X = rng.normal(size=(200, 3)); y = X @ np.array([1.0, -2.0, 0.5])
""", "OnlineRidge(alpha=1.0).fit(X, y)"),
    ("bandits", "simulate(UCB1)", """
from statlearn.bandits import UCB1, BernoulliEnvironment, simulate
""", "simulate(UCB1(arms=2), BernoulliEnvironment([0.2, 0.8]), horizon=500, n_runs=2, random_state=0)"),
    ("bandits", "simulate(EXP3)", """
from statlearn.bandits import EXP3, BernoulliEnvironment, simulate
""", "simulate(EXP3(arms=2, horizon=500), BernoulliEnvironment([0.2, 0.8]), horizon=500, n_runs=2, random_state=0)"),
    ("bandits", "simulate(WeightedTallyingSE)", """
from statlearn.bandits import WeightedTallyingSE, TallyingEnvironment, LinearLoss, simulate
env = TallyingEnvironment([LinearLoss(0.9, -0.3), LinearLoss(0.5)], weights=[1.0, 0.5])
""", "simulate(WeightedTallyingSE(arms=2, horizon=500, memory_bound=2), env, horizon=500, n_runs=2, random_state=0)"),
    ("adaptive", "Thresholdout.query_many", """
import numpy as np
from statlearn.adaptive import Thresholdout
train = np.random.default_rng(0).uniform(size=(500, 3)); holdout = train.copy()
""", "Thresholdout(threshold=0.04, sigma=0.001, budget=10, random_state=0).query_many(train, holdout)"),
    ("adaptive", "MultipleExpectationEstimator.fit", """
import numpy as np
from scipy import stats
from statlearn.adaptive import MultipleExpectationEstimator
moments = lambda X: X[:, [0]] ** np.array([2, 4, 6])
""", "MultipleExpectationEstimator(n_max=4000, weights='relative', random_state=0).fit(moments, stats.norm())"),
    ("adaptive", "sobol_indices", """
from scipy import stats
from statlearn.adaptive import sobol_indices
""", "sobol_indices(lambda X: X[:, 0] + 2 * X[:, 1], [stats.norm()] * 2, 1024, random_state=0)"),
]

_SCRIPT = """
import json, time
t0 = time.perf_counter()
import statlearn.{area}
t1 = time.perf_counter()
{setup}
t2 = time.perf_counter()
def call():
{call}
call()
t3 = time.perf_counter()
call()
t4 = time.perf_counter()
print("@@" + json.dumps({{"import": t1 - t0, "setup": t2 - t1, "first": t3 - t2, "second": t4 - t3}}))
"""


def _run(code, env, timeout=600):
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed")
    return json.loads(out.stdout.split("@@")[-1])


def _env(cache_dir):
    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = cache_dir
    env["MPLBACKEND"] = "Agg"
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def _cold(area):
    out = []
    for a, name, setup, call in ENTRIES:
        if a != area:
            continue
        code = _SCRIPT.format(area=area, setup=textwrap.dedent(setup),
                              call=textwrap.indent(textwrap.dedent(call).strip(), "    "))
        with tempfile.TemporaryDirectory(prefix="numba-cold-") as cache:
            try:
                cold = _run(code, _env(cache))
                warm = _run(code, _env(cache))
            except Exception as exc:  # one broken entry point must not hide the others
                out.append(record(entry=name, target_area=area, error=f"{type(exc).__name__}: {exc}"))
                continue
        out.append(record(entry=name, target_area=area, import_s=cold["import"], first_call_s=cold["first"],
                          second_call_s=cold["second"], warm_import_s=warm["import"],
                          warm_first_call_s=warm["first"]))
    return out


def _time_import(stmt, env):
    code = f"import time; t0 = time.perf_counter(); {stmt}; print('@@', time.perf_counter() - t0)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                         check=True)
    return float(out.stdout.split("@@")[-1])


def _imports(repeats):
    env = _env(tempfile.gettempdir())
    floor_stmt = "import sklearn.base, numba"
    times = {"floor": [], **{a: [] for a in AREAS}}
    _time_import(floor_stmt, env)  # warm the file cache once, for every contender alike
    for _ in range(repeats):  # interleaved, so that machine load hits every contender alike
        times["floor"].append(_time_import(floor_stmt, env))
        for a in AREAS:
            times[a].append(_time_import(f"import statlearn.{a}", env))
    floor = statistics.median(times["floor"])
    out = [record(kind="import", module="sklearn.base + numba", seconds=floor, ratio=1.0, repeats=repeats)]
    for a in AREAS:
        t = statistics.median(times[a])
        out.append(record(kind="import", module=f"statlearn.{a}", seconds=t, ratio=t / floor, repeats=repeats))
    return out


_THREAD_TASKS = {
    "ConformalQuantileRegressor cv+": """
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from statlearn.quantile import ConformalQuantileRegressor
rng = np.random.default_rng(0)
n = {n_rows}
X = rng.uniform(size=(n, 5)); y = X[:, 0] + (0.2 + X[:, 1]) * rng.normal(size=n)
def run(n_jobs):
    ConformalQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=30),
                               quantiles=[0.05, 0.5, 0.95], method="cv+", cv=5, n_jobs=n_jobs,
                               random_state=0).fit(X, y)
""",
    "PrestoCV": """
from statlearn.datasets import make_presto_data
from statlearn.ordinal import PrestoCV
X, y = make_presto_data(n_samples=1500, random_state=0)
def run(n_jobs):
    PrestoCV(n_lambdas=10, cv=5, n_jobs=n_jobs, random_state=0).fit(X, y)
""",
}

_THREAD_SCRIPT = """
import json, time
{setup}
run(1); run(2)  # compile, start the workers
res = {{}}
for n in (1, 2, 1, 2):
    t0 = time.perf_counter(); run(n); res.setdefault(n, []).append(time.perf_counter() - t0)
print("@@" + json.dumps({{str(k): min(v) for k, v in res.items()}}))
"""


def _threads(n_rows=1000):
    # Default thread settings, as a user has them: the library must limit its workers itself.
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                            "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}
    env["MPLBACKEND"] = "Agg"
    out = []
    for task, setup in _THREAD_TASKS.items():
        try:
            code = _THREAD_SCRIPT.format(setup=textwrap.dedent(setup).replace("{n_rows}", str(n_rows)))
            res = _run(code, env, timeout=1200)
        except Exception as exc:
            out.append(record(kind="threads", task=task, error=f"{type(exc).__name__}: {exc}"))
            continue
        out.append(record(kind="threads", task=task, n_jobs_1_s=res["1"], n_jobs_2_s=res["2"],
                          ratio=res["2"] / res["1"]))
    return out


def cells(mode):
    # Quick mode: every entry point still runs cold and warm; fewer import repeats, a smaller cv+ task.
    repeats = 3 if mode == "quick" else 15
    out = [Cell(AREA, f"cold-{a}", _cold, {"area": a}) for a in AREAS]
    out.append(Cell(AREA, "import", _imports, {"repeats": repeats}))
    out.append(Cell(AREA, "threads", _threads, {"n_rows": 1000 if mode == "quick" else 3000}))
    return out


def _cold_rows(records):
    return [r for r in records if r["kind"] == "quality" and "entry" in r]


def headlines(records):
    out = []
    rows = _cold_rows(records)
    for a in AREAS:
        mine = [r for r in rows if r["target_area"] == a]
        if not mine:
            continue
        broken = [r["entry"] for r in mine if r.get("error")]
        ok = [r for r in mine if not r.get("error")]
        worst = max(ok, key=lambda r: r["first_call_s"], default=None)
        value = None if worst is None else worst["first_call_s"]
        passed = not broken and value is not None and value < GOAL_FIRST_CALL
        if broken:
            reason = f"entry point failed: {', '.join(broken)}"
        elif not passed:
            slow = [f"{r['entry']} {r['first_call_s']:.1f} s" for r in ok if r["first_call_s"] >= GOAL_FIRST_CALL]
            reason = "numba compiles on first call: " + "; ".join(slow)
        else:
            reason = None
        out.append(headline(f"{a}: slowest first call, empty numba cache ({worst['entry'] if worst else '-'})",
                            value, f"< {GOAL_FIRST_CALL:g} s", passed, unit="s", reason=reason))
    imports = {r["module"]: r for r in records if r["kind"] == "import"}
    for a in AREAS:
        r = imports.get(f"statlearn.{a}")
        if r is None:
            continue
        passed = r["ratio"] <= GOAL_IMPORT_RATIO
        out.append(headline(f"import statlearn.{a} / import sklearn.base, numba", r["ratio"],
                            f"<= {GOAL_IMPORT_RATIO:g}", passed, unit="x",
                            reason=None if passed else f"{r['seconds']:.2f} s vs "
                            f"{imports['sklearn.base + numba']['seconds']:.2f} s: heavy imports at import time"))
    for r in records:
        if r["kind"] == "threads" and not r.get("error"):
            passed = r["ratio"] <= 1.1
            out.append(headline(f"{r['task']}: time at n_jobs=2 / n_jobs=1", r["ratio"], "<= 1.0 (+10 % noise)",
                                passed, unit="x", reason=None if passed else
                                f"{r['n_jobs_2_s']:.1f} s vs {r['n_jobs_1_s']:.1f} s: worker start-up or "
                                "oversubscribed inner threads"))
    return out


def summary(records):
    rows = [r for r in _cold_rows(records) if not r.get("error")]
    if not rows:
        return "No cold-start measurement."
    slow = sorted((r for r in rows if r["first_call_s"] >= GOAL_FIRST_CALL), key=lambda r: -r["first_call_s"])
    warm = max(r["warm_first_call_s"] for r in rows)
    text = (f"{len(rows) - len(slow)} of {len(rows)} public entry points answer their first call in under "
            f"{GOAL_FIRST_CALL:g} s with an empty numba cache; with the cache warm (a second process) every "
            f"first call takes at most {warm:.2f} s.")
    if slow:
        text += " Slower on a fresh install: " + ", ".join(f"`{r['entry']}` {r['first_call_s']:.1f} s"
                                                         for r in slow) + "."
    imports = [r for r in records if r["kind"] == "import" and r["module"].startswith("statlearn.")]
    if imports:
        worst = max(imports, key=lambda r: r["ratio"])
        text += (f" Importing an area costs at most {worst['ratio']:.2f}x `import sklearn.base, numba` "
                 f"(`{worst['module']}`, {worst['seconds']:.2f} s).")
    return text


def report(records, outdir):
    parts = []
    rows = _cold_rows(records)
    if rows:
        parts.append("First call of each public entry point in a fresh process with an empty numba cache "
                     "(`first_call_s`), the same call again in that process, and a second process with the "
                     f"warm cache. Goal: first call < {GOAL_FIRST_CALL:g} s.\n")
        parts.append(markdown_table(sorted(rows, key=lambda r: (r["target_area"], r["entry"])),
                                    ["target_area", "entry", "import_s", "first_call_s", "second_call_s",
                                     "warm_import_s", "warm_first_call_s", "error"], floatfmt=".2f"))
    imports = [r for r in records if r["kind"] == "import"]
    if imports:
        parts.append(f"Import time in a fresh interpreter (median of {imports[0]['repeats']} interleaved runs), "
                     f"as a ratio to `import sklearn.base, numba`. Goal: at most {GOAL_IMPORT_RATIO:g}x.\n")
        parts.append(markdown_table(imports, ["module", "seconds", "ratio"], floatfmt=".3g"))
    threads = [r for r in records if r["kind"] == "threads"]
    if threads:
        parts.append("Parallel loops with the default thread settings (best of 2 timed runs each): "
                     "`n_jobs=2` should not be slower than `n_jobs=1` on 2 cores.\n")
        parts.append(markdown_table(threads, ["task", "n_jobs_1_s", "n_jobs_2_s", "ratio", "error"], floatfmt=".3g"))
    return "\n\n".join(parts)


if __name__ == "__main__":  # python -m benchmarks.bench_coldstart: quick look without the runner
    t = time.perf_counter()
    for c in cells("quick"):
        for r in c.run():
            print(r)
    print(f"{time.perf_counter() - t:.0f} s")
