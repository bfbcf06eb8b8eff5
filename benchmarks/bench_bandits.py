"""Benchmarks of statlearn.bandits: complete policy regret on weighted tallying instances, and speed.

Quality: the three instance families of ``make_tallying_environment`` (the paper's own loss
functions were not available), complete policy regret (CPR) of WTB-SE, UCB1, successive
elimination without blocks, EXP3, mini-batched EXP3 and UCB1 in blocks of M keeping the last
loss; the effect of the memory bound M; CPR against the horizon.
Speed: per-call ``select`` + ``update`` against MABWiser (``predict`` + ``partial_fit``) and
River (``pull`` + ``update``); ``simulate`` of 100k rounds x 5 arms against a River loop.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from benchmarks._harness import Cell, headline, markdown_table, optional_import, record

AREA = "bandits"

FAMILIES = ("habituation", "satiation", "step")
P_BERNOULLI = [0.1, 0.2, 0.3, 0.4, 0.5]  # loss probabilities (rewards 1 - p for the peers)


def _policies(horizon, memory_bound):
    from statlearn.bandits import (
        EXP3,
        KLUCB,
        UCB1,
        BernoulliThompsonSampling,
        BlockedPolicy,
        SuccessiveElimination,
        WeightedTallyingSE,
    )

    m = memory_bound
    return {
        f"WTB-SE (M={m})": WeightedTallyingSE(5, horizon, m),
        "UCB1": UCB1(5),
        "KL-UCB": KLUCB(5),
        "Thompson (Beta)": BernoulliThompsonSampling(5, random_state=0),
        "SE, no blocks": SuccessiveElimination(5, horizon),
        "EXP3": EXP3(5, horizon, random_state=0),
        f"mini-batched EXP3 (blocks of {m})": BlockedPolicy(EXP3(5, horizon, random_state=0), block_size=m),
        f"UCB1 in blocks of {m}, last loss": BlockedPolicy(UCB1(5), block_size=m, burn_in=m - 1),
    }


def _runs(policy, env, horizon, n_seeds, seed, label=None):
    """Final CPR and pseudo-regret per run and the summary curves: all runs in one compiled call."""
    from statlearn.bandits import simulate

    every = max(1, horizon // 60)
    runs = simulate(policy, env, horizon, n_runs=n_seeds, random_state=seed, record_every=every, label=label,
                    per_run=True)
    last = runs.groupby("run")[["policy_regret", "pseudo_regret"]].last()
    wide = runs.pivot(index="round", columns="run", values="policy_regret")
    return last["policy_regret"].to_numpy(), last["pseudo_regret"].to_numpy(), wide.index.to_numpy(), wide.to_numpy().T


def _environment(family):
    from statlearn.bandits import BernoulliEnvironment
    from statlearn.datasets import make_tallying_environment

    if family == "bernoulli":
        return BernoulliEnvironment(P_BERNOULLI)
    return make_tallying_environment(family)


def cell_quality(family, horizon, n_seeds, memory_bound=20):
    """CPR of every policy on one instance family: final mean/std over runs and mean curves."""
    env = _environment(family)
    out = []
    for name, policy in _policies(horizon, memory_bound).items():
        final, pseudo, rounds, curves = _runs(policy, env, horizon, n_seeds, 2023, label=name)
        out.append(record(family=family, policy=name, horizon=horizon, n_seeds=n_seeds,
                          cpr_mean=final.mean(), cpr_std=final.std(ddof=1), cpr_min=final.min(),
                          cpr_max=final.max(), pseudo_regret_mean=pseudo.mean(),
                          curve_rounds=rounds.tolist(), curve_mean=curves.mean(axis=0).tolist(),
                          curve_lo=np.quantile(curves, 0.1, axis=0).tolist(),
                          curve_hi=np.quantile(curves, 0.9, axis=0).tolist()))
    return out


def cell_contextual(horizon, n_seeds):
    """LinUCB and linear Thompson sampling on a linear contextual instance (K = 5, d = 8), regret vs UCB1."""
    from statlearn.bandits import UCB1, LinearContextualEnvironment, LinearThompsonSampling, LinUCB

    coef = np.random.default_rng(0).normal(size=(5, 8)) / np.sqrt(8)
    env = LinearContextualEnvironment(coef, noise_scale=0.5)
    out = []
    for name, pol in [("LinUCB", LinUCB(5)), ("linear Thompson", LinearThompsonSampling(5, scale=0.5,
                                                                                        random_state=0))]:
        final = _runs(pol, env, horizon, n_seeds, 3, label=name)[0]
        out.append(record(family="linear contextual (K=5, d=8)", policy=name, horizon=horizon, n_seeds=n_seeds,
                          cpr_mean=final.mean(), cpr_std=final.std(ddof=1), cpr_min=final.min(), cpr_max=final.max()))
    # a context-blind baseline: UCB1 on the same rounds loses the per-context best arm every round
    out.append(record(kind="note", text=f"context-blind UCB1 is not run here: {UCB1.__name__} cannot see x"))
    return out


def cell_memory_bound(family, horizon, n_seeds, bounds=(10, 20, 40, 80, 160)):
    """CPR of WTB-SE as the memory bound M grows (true memory m = 10)."""
    from statlearn.bandits import WeightedTallyingSE

    env = _environment(family)
    out = []
    for m in bounds:
        final = _runs(WeightedTallyingSE(5, horizon, m), env, horizon, n_seeds, 7)[0]
        out.append(record(kind="memory", family=family, memory_bound=m, horizon=horizon,
                          cpr_mean=final.mean(), cpr_std=final.std(ddof=1)))
    return out


def cell_horizon(family, horizons, n_seeds, memory_bound=20):
    """CPR of WTB-SE and UCB1 against the horizon T (the bound predicts sqrt(KT) growth for WTB)."""
    from statlearn.bandits import UCB1, WeightedTallyingSE

    env = _environment(family)
    out = []
    for T in horizons:
        for name, pol in [("WTB-SE", WeightedTallyingSE(5, T, memory_bound)), ("UCB1", UCB1(5))]:
            final = _runs(pol, env, T, n_seeds, 11)[0]
            out.append(record(kind="horizon", family=family, policy=name, horizon=T,
                              cpr_mean=final.mean(), cpr_std=final.std(ddof=1)))
    return out


def _bernoulli_table(n, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.random((n, 5)) < np.array(P_BERNOULLI)).astype(float).tolist()


def _time_interleaved(fns, repeats):
    """Per-call time of each function, repeats interleaved (shared noise): ``{name: (median, best)}``."""
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, (fn, n) in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) / n)
    return {name: (statistics.median(v), min(v)) for name, v in times.items()}


def _speed_rows(task, times, ours, goals):
    rows = []
    for name, (med, best) in times.items():
        r = record("speed", task=task, method=name, us_per_round_median=med * 1e6, us_per_round_best=best * 1e6)
        if name != ours:
            r["ratio_median"] = med / times[ours][0]
            r["ratio_best"] = best / times[ours][1]
        rows.append(r)
    for peer, need in goals.items():
        if peer in times:
            ratio = times[peer][0] / times[ours][0]
            best = times[peer][1] / times[ours][1]
            rows.append(headline(f"{task}: statlearn vs {peer} (median; best {best:.0f}x)", ratio, f">= {need}x",
                                 ratio >= need, unit="x",
                                 reason=f"best of repeats {best:.0f}x; {_SPEED_REASON.get(peer, 'machine load')}"))
    return rows


def cell_speed_per_call(n_rounds=20_000, repeats=7):
    """Per round select + update: statlearn UCB1 vs MABWiser predict + partial_fit vs River pull + update,
    with the breakdown of our call into the kernel, numba's dispatch and our Python wrapper."""
    from numba import njit

    from statlearn.bandits import UCB1
    from statlearn.bandits._kernels import index as kernels

    table = _bernoulli_table(n_rounds)
    pol = UCB1(5)
    fns = {}

    def ours():
        for row in table:
            a = pol.select()
            pol.update(a, row[a])

    fns["statlearn UCB1 select+update"] = (ours, n_rounds)
    stats = np.zeros((4, 5))
    pol.update(pol.select(), 0.5)  # binds the compiled entry the policy calls
    step = pol._update_entry

    def entry_only():  # the compiled kernel called straight from Python, as update() calls it
        a = 0
        for row in table:
            a = step(stats, 1.0, a, row[a])

    fns["(breakdown) compiled kernel called from Python"] = (entry_only, n_rounds)
    arr = np.array(table)

    @njit
    def kernel_loop(stats, arr):  # the kernel alone: the same calls from compiled code
        a = 0
        for i in range(arr.shape[0]):
            a = kernels.ucb1_update_select(stats, 1.0, a, arr[i, a])
        return a

    kernel_loop(stats.copy(), arr)
    fns["(breakdown) kernel alone"] = ((lambda: kernel_loop(np.zeros((4, 5)), arr)), n_rounds)
    mab_mod = optional_import("mabwiser.mab")
    if mab_mod is not None:
        mab = mab_mod.MAB(arms=list(range(5)), learning_policy=mab_mod.LearningPolicy.UCB1(alpha=1.0), seed=0)
        mab.fit(decisions=list(range(5)), rewards=[0.5] * 5)
        short = table[:1000]  # 0.4 ms per round: fewer rounds, the same per-round time

        def mabwiser():
            for row in short:
                a = mab.predict()
                mab.partial_fit([a], [1.0 - row[a]])

        fns["MABWiser UCB1 predict+partial_fit"] = (mabwiser, len(short))
    river_bandit = optional_import("river.bandit")
    if river_bandit is not None:
        rv = river_bandit.UCB(delta=1.0, seed=0)
        arms = list(range(5))

        def river():
            for row in table:
                a = rv.pull(arms)
                rv.update(a, 1.0 - row[a])

        fns["River bandit.UCB pull+update"] = (river, n_rounds)
    for fn, _ in fns.values():  # warm up every call (JIT, caches)
        fn()
    times = _time_interleaved(fns, repeats)
    rows = _speed_rows("per call, 5 arms", times, "statlearn UCB1 select+update",
                       {"MABWiser UCB1 predict+partial_fit": 100, "River bandit.UCB pull+update": 10})
    for stat, idx in (("median", 0), ("best", 1)):
        full, disp, kern = (times[k][idx] for k in ("statlearn UCB1 select+update",
                                                    "(breakdown) compiled kernel called from Python",
                                                    "(breakdown) kernel alone"))
        rows.append(record("breakdown", task=f"per call ({stat} of repeats)", kernel_us=kern * 1e6,
                           numba_call_us=(disp - kern) * 1e6, wrapper_us=(full - disp) * 1e6,
                           python_around_kernel_us=(full - kern) * 1e6))
    python_overhead = (times["statlearn UCB1 select+update"][0] - times["(breakdown) kernel alone"][0]) * 1e6
    best_overhead = (times["statlearn UCB1 select+update"][1] - times["(breakdown) kernel alone"][1]) * 1e6
    rows.append(headline(f"per call: Python around the kernel (median; best {best_overhead:.2f} us)", python_overhead,
                         "< 1.5", python_overhead < 1.5, unit="us per round",
                         reason="two Python method calls and one compiled call; median inflated by machine load"))
    return rows


def cell_speed_simulate(horizon=100_000, n_runs=10, repeats=5):
    """simulate() of UCB1 on a 5-arm Bernoulli instance, n_runs in one compiled call, vs a River loop per
    round; and one call with n_runs against n_runs separate calls."""
    from statlearn.bandits import UCB1, BernoulliEnvironment, simulate

    env = BernoulliEnvironment(P_BERNOULLI)
    simulate(UCB1(5), env, 1000, n_runs=2)  # compile
    p = P_BERNOULLI
    u = np.random.default_rng(1).random(horizon // 10).tolist()
    fns = {"statlearn simulate (n_runs in one call)": (lambda: simulate(UCB1(5), env, horizon, n_runs=n_runs,
                                                                        random_state=0), horizon * n_runs),
           "statlearn simulate, one call per run": (lambda: [simulate(UCB1(5), env, horizon, random_state=r)
                                                             for r in range(n_runs)], horizon * n_runs)}
    river_bandit = optional_import("river.bandit")
    if river_bandit is not None:
        arms = list(range(5))

        def river():
            rv = river_bandit.UCB(delta=1.0, seed=0)
            regret = 0.0
            for t in range(len(u)):
                a = rv.pull(arms)
                rv.update(a, 0.0 if u[t] < p[a] else 1.0)
                regret += p[a] - p[0]

        fns["River loop (pull+update)"] = (river, len(u))
    for fn, _ in fns.values():
        fn()
    times = _time_interleaved(fns, repeats)
    rows = _speed_rows(f"simulate per round ({n_runs} x {horizon:,} rounds, 5 arms)", times,
                       "statlearn simulate (n_runs in one call)", {"River loop (pull+update)": 150})
    df = simulate(UCB1(5), env, horizon, n_runs=n_runs, random_state=0)
    rows.append(record(kind="quality", task="UCB1 Bernoulli pseudo-regret (mean over runs)", horizon=horizon,
                       pseudo_regret=float(df["pseudo_regret_mean"].iloc[-1])))
    return rows


_SPEED_REASON = {
    "River bandit.UCB pull+update": "the floor of a Python select()+update() pair plus one compiled call; "
                                    "the kernel itself is ~0.04 us",
    "River loop (pull+update)": "the exact UCB1 index costs one log, two sqrt and a division per round",
}


_MEMORY_SCRIPT = """
import resource, sys, time
from statlearn.bandits import UCB1, BernoulliEnvironment, simulate
horizon, n_runs = int(sys.argv[1]), int(sys.argv[2])
t0 = time.perf_counter()
df = simulate(UCB1(5), BernoulliEnvironment([0.1, 0.2, 0.3, 0.4, 0.5]), horizon, n_runs=n_runs, random_state=0)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - t0, len(df))
"""


def cell_memory(sizes=((1_000_000, 10), (1_000_000, 100))):
    """Peak RSS of a fresh process running simulate() for 1e7 and 1e8 total rounds."""
    import subprocess
    import sys

    rows = []
    for horizon, n_runs in sizes:
        out = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, str(horizon), str(n_runs)], capture_output=True,
                             text=True, check=True).stdout.split()
        rss, secs, n_rows = float(out[0]), float(out[1]), int(out[2])
        total = horizon * n_runs
        rows.append(record("rss", task="simulate UCB1, 5 arms", total_rounds=total, horizon=horizon,
                           n_runs=n_runs, peak_rss_mb=rss, seconds=secs, ns_per_round=secs / total * 1e9,
                           rows=n_rows))
        if total >= 10**8:
            rows.append(headline(f"simulate {total:.0e} rounds: peak RSS", rss, "< 4096", rss < 4096, unit="MB"))
    return rows


_COLD_SCRIPT = """
import time
t0 = time.perf_counter()
from statlearn.bandits import {policy}, {env}, simulate
t1 = time.perf_counter()
simulate({make}, {env_make}, 1000, n_runs=2, random_state=0)
t2 = time.perf_counter()
simulate({make}, {env_make}, 1000, n_runs=2, random_state=0)
print(t1 - t0, t2 - t1, time.perf_counter() - t2)
"""

_COLD = {"UCB1": ("UCB1", "UCB1(5)"), "BernoulliThompsonSampling": ("BernoulliThompsonSampling",
                                                                      "BernoulliThompsonSampling(5)"),
         "WeightedTallyingSE": ("WeightedTallyingSE", "WeightedTallyingSE(5, 1000, 10)")}


def cell_cold_start(policies=None):
    """First simulate() call in a fresh process with an empty numba cache, then with the cache warm."""
    import subprocess
    import sys
    import tempfile

    rows = []
    for name, (cls, make) in _COLD.items():
        if policies is not None and name not in policies:
            continue
        script = _COLD_SCRIPT.format(policy=cls, env="BernoulliEnvironment", make=make,
                                     env_make="BernoulliEnvironment([0.1, 0.2, 0.3, 0.4, 0.5])")
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            cold = [float(v) for v in subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                                     text=True, check=True).stdout.split()]
            warm = [float(v) for v in subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                                     text=True, check=True).stdout.split()]
        rows.append(record("coldstart", task=f"simulate({name})", import_s=cold[0], first_call_empty_cache_s=cold[1],
                           first_call_warm_cache_s=warm[1], second_call_s=cold[2]))
        if name == "UCB1":
            rows.append(headline("simulate(UCB1) first call, empty numba cache", cold[1], "< 3", cold[1] < 3, unit="s",
                                 reason="numba typing + lowering of the inlined loop; a one-line njit alone costs "
                                        "~1.5-3 s first in a process here"))
    return rows


def cell_headlines(horizon, n_seeds):
    """Quality claims: WTB vs UCB1 on the step instance and on smooth habituation; M additive."""
    recs = []
    q = {(r["family"], r["policy"]): r for fam in ("step", "habituation")
         for r in cell_quality(fam, horizon, n_seeds) if r["kind"] == "quality"}
    wtb = "WTB-SE (M=20)"
    wtb_step, ucb_step = q[("step", wtb)]["cpr_mean"], q[("step", "UCB1")]["cpr_mean"]
    recs.append(headline("CPR UCB1 / WTB-SE on step instance", ucb_step / wtb_step, "> 1 (WTB wins)",
                         ucb_step > wtb_step))
    wtb_h, ucb_h = q[("habituation", wtb)]["cpr_mean"], q[("habituation", "UCB1")]["cpr_mean"]
    recs.append(headline("CPR WTB-SE / UCB1 on smooth habituation (UCB1 wins, reported honestly)",
                         wtb_h / ucb_h, "> 1 expected", wtb_h > ucb_h))
    mem = cell_memory_bound("habituation", horizon, n_seeds, bounds=(10, 160))
    ratio = mem[1]["cpr_mean"] / mem[0]["cpr_mean"]
    recs.append(headline("CPR(M=160) / CPR(M=10): additive, not x16", ratio, "< 4", ratio < 4))
    return recs


def cells(mode):
    full = mode == "full"
    horizon = 1_000_000 if full else 100_000
    n_seeds = 30 if full else 10
    out = [Cell(AREA, "speed per call", cell_speed_per_call),
           Cell(AREA, "speed simulate", cell_speed_simulate),
           Cell(AREA, "memory", cell_memory),
           Cell(AREA, "cold start", cell_cold_start, {"policies": None if full else ("UCB1",)}),
           Cell(AREA, "quality bernoulli", cell_quality, {"family": "bernoulli", "horizon": horizon,
                                                          "n_seeds": n_seeds}),
           Cell(AREA, "quality contextual", cell_contextual, {"horizon": horizon // 5, "n_seeds": n_seeds})]
    for fam in FAMILIES:
        out.append(Cell(AREA, f"quality {fam}", cell_quality, {"family": fam, "horizon": horizon,
                                                                "n_seeds": n_seeds}))
        out.append(Cell(AREA, f"memory bound {fam}", cell_memory_bound,
                        {"family": fam, "horizon": horizon, "n_seeds": n_seeds}))
    horizons = [10_000, 30_000, 100_000, 300_000] + ([1_000_000, 3_000_000] if full else [])
    out.append(Cell(AREA, "horizon step", cell_horizon, {"family": "step", "horizons": horizons,
                                                          "n_seeds": n_seeds}))
    out.append(Cell(AREA, "headlines", cell_headlines, {"horizon": horizon, "n_seeds": n_seeds}))
    return out


def _plot_quality(records, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fams = [f for f in ("bernoulli", *FAMILIES)
            if any(r.get("family") == f and r["kind"] == "quality" and "curve_mean" in r for r in records)]
    if not fams:
        return None
    fig, axes = plt.subplots(1, len(fams), figsize=(5 * len(fams), 4), squeeze=False)
    for ax, fam in zip(axes[0], fams, strict=True):
        for r in records:
            if r["kind"] == "quality" and r.get("family") == fam and "curve_mean" in r:
                line, = ax.plot(r["curve_rounds"], r["curve_mean"], label=r["policy"])
                ax.fill_between(r["curve_rounds"], r["curve_lo"], r["curve_hi"], color=line.get_color(),
                                alpha=0.15, linewidth=0)
        ax.set_title(f"{fam} instance")
        ax.set_xlabel("round")
        ax.set_ylabel("complete policy regret")
        ax.set_yscale("symlog", linthresh=100)
    axes[0][0].legend(fontsize="x-small")
    fig.tight_layout()
    name = "bandits_cpr_curves.png"
    fig.savefig(os.path.join(outdir, name), dpi=110)
    plt.close(fig)
    return name


def _plot_memory(records, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mem = [r for r in records if r["kind"] == "memory"]
    if not mem:
        return None
    fig, ax = plt.subplots(figsize=(5, 4))
    for fam in FAMILIES:
        rows = sorted((r for r in mem if r["family"] == fam), key=lambda r: r["memory_bound"])
        if rows:
            ax.errorbar([r["memory_bound"] for r in rows], [r["cpr_mean"] for r in rows],
                        yerr=[r["cpr_std"] for r in rows], marker="o", label=fam, capsize=3)
    ax.axvline(10, color="grey", ls=":", label="true memory m = 10")
    ax.set_xlabel("memory bound M")
    ax.set_ylabel("WTB-SE complete policy regret")
    ax.legend(fontsize="small")
    fig.tight_layout()
    name = "bandits_memory_bound.png"
    fig.savefig(os.path.join(outdir, name), dpi=110)
    plt.close(fig)
    return name


def _cpr(records, family, policy):
    for r in records:
        if r["kind"] == "quality" and r.get("family") == family and r.get("policy") == policy:
            return r["cpr_mean"]
    return None


def summary(records):
    """'What to use when' for bandits, from this run's complete policy regret table."""
    lines = []
    fams = {"bernoulli": "stationary Bernoulli losses", "habituation": "smooth habituation",
            "satiation": "satiation", "step": "step-like exposure (partial exposure uninformative)"}
    for fam, text in fams.items():
        rows = [r for r in records if r["kind"] == "quality" and r.get("family") == fam]
        if not rows:
            continue
        best = min(rows, key=lambda r: r["cpr_mean"])
        ucb = _cpr(records, fam, "UCB1")
        vs = f" ({ucb / best['cpr_mean']:.1f}x lower than UCB1's {ucb:.0f})" if ucb and best["policy"] != "UCB1" else ""
        lines.append(f"- {text}: **{best['policy']}**, complete policy regret {best['cpr_mean']:.0f} at "
                     f"T = {best['horizon']:,}{vs}.")
    ctx = [r for r in records if r["kind"] == "quality" and str(r.get("family", "")).startswith("linear contextual")]
    if ctx:
        best = min(ctx, key=lambda r: r["cpr_mean"])
        lines.append(f"- linear contexts: **{best['policy']}** (regret {best['cpr_mean']:.0f} at "
                     f"T = {best['horizon']:,}).")
    lines.append("- Per call and whole experiments: see the speed rows (ratios to MABWiser and River, same process).")
    return "\n".join(lines)


def report(records, outdir):
    parts = ["Weighted tallying bandits (Malik, Igoe, Li & Singh, ICML 2023). The paper's own experiment "
             "settings were not available: the instances are the three families of "
             "`make_tallying_environment` (K = 5, m = 10, w_i = 0.8^(i-1), Bernoulli losses; arm 0 is the "
             "REO arm). CPR = complete policy regret against the best arm repeated from an empty history."]
    speed = [r for r in records if r["kind"] == "speed"]
    if speed:
        parts.append("**Speed** (us per round; ratio = peer time / statlearn time, same process, repeats "
                     "interleaved; median and best of the repeats)\n\n"
                     + markdown_table(speed, ["task", "method", "us_per_round_median", "us_per_round_best",
                                              "ratio_median", "ratio_best"]))
    for kind, cols, title in [
            ("breakdown", ["task", "kernel_us", "numba_call_us", "wrapper_us", "python_around_kernel_us"],
             "**Per-call breakdown** (us per round, medians)"),
            ("rss", ["task", "total_rounds", "horizon", "n_runs", "peak_rss_mb", "seconds", "ns_per_round", "rows"],
             "**Memory** (fresh process, peak RSS)"),
            ("coldstart", ["task", "import_s", "first_call_empty_cache_s", "first_call_warm_cache_s", "second_call_s"],
             "**Cold start** (fresh process; empty vs warm numba cache)")]:
        rows = [r for r in records if r["kind"] == kind]
        if rows:
            parts.append(title + "\n\n" + markdown_table(rows, cols))
    qual = [r for r in records if r["kind"] == "quality" and "policy" in r]
    if qual:
        parts.append("**Complete policy regret at T** (mean, std, min-max over seeds)\n\n"
                     + markdown_table(qual, ["family", "policy", "horizon", "n_seeds", "cpr_mean", "cpr_std",
                                             "cpr_min", "cpr_max"], floatfmt=".0f"))
    mem = [r for r in records if r["kind"] == "memory"]
    if mem:
        parts.append("**Effect of the memory bound M** (WTB-SE; true m = 10)\n\n"
                     + markdown_table(sorted(mem, key=lambda r: (r["family"], r["memory_bound"])),
                                      ["family", "memory_bound", "horizon", "cpr_mean", "cpr_std"], floatfmt=".0f"))
    hor = [r for r in records if r["kind"] == "horizon"]
    if hor:
        rows = sorted(hor, key=lambda r: (r["policy"], r["horizon"]))
        for pol in ("WTB-SE", "UCB1"):
            pts = [(r["horizon"], r["cpr_mean"]) for r in rows if r["policy"] == pol and r["cpr_mean"] > 0]
            if len(pts) >= 2:
                slope = np.polyfit(np.log([p[0] for p in pts]), np.log([p[1] for p in pts]), 1)[0]
                for r in rows:
                    if r["policy"] == pol:
                        r["loglog_slope"] = slope
        parts.append("**CPR against the horizon** (step instance; log-log slope: 0.5 = sqrt(T), 1 = linear)\n\n"
                     + markdown_table(rows, ["policy", "horizon", "cpr_mean", "cpr_std", "loglog_slope"],
                                      floatfmt=".3g"))
    for fig in (_plot_quality(records, outdir), _plot_memory(records, outdir)):
        if fig:
            parts.append(f"![{fig}]({fig})")
    heads = [r for r in records if r["kind"] == "headline"]
    if heads:
        parts.append(markdown_table(heads, ["claim", "value", "target", "passed"]))
    errors = [r for r in records if r["kind"] == "error"]
    for e in errors:
        parts.append(f"ERROR in {e.get('cell')}: {e['error']}")
    return "\n\n".join(parts)
