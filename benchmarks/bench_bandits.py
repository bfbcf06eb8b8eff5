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

import numpy as np

from benchmarks._harness import Cell, compare_speed, headline, markdown_table, optional_import, record

AREA = "bandits"

FAMILIES = ("habituation", "satiation", "step")
P_BERNOULLI = [0.1, 0.2, 0.3, 0.4, 0.5]  # loss probabilities (rewards 1 - p for the peers)


def _policies(horizon, memory_bound):
    from statlearn.bandits import EXP3, UCB1, BlockedPolicy, SuccessiveElimination, WeightedTallyingSE

    m = memory_bound
    return {
        f"WTB-SE (M={m})": WeightedTallyingSE(5, horizon, m),
        "UCB1": UCB1(5),
        "SE, no blocks": SuccessiveElimination(5, horizon),
        "EXP3": EXP3(5, horizon),
        f"mini-batched EXP3 (blocks of {m})": BlockedPolicy(EXP3(5, horizon), block_size=m),
        f"UCB1 in blocks of {m}, last loss": BlockedPolicy(UCB1(5), block_size=m, burn_in=m - 1),
    }


def _runs(policy, env, horizon, n_seeds, seed, n_points=60, label=None):
    """Final CPR and pseudo-regret per seed, and thinned CPR curves (one seed at a time: bounded memory)."""
    from statlearn.bandits import simulate

    every = max(1, horizon // n_points)
    finals, pseudo, curves = [], [], []
    for s in range(n_seeds):
        df = simulate(policy, env, horizon, random_state=seed + s, record_every=every, label=label)
        finals.append(df["policy_regret"].iloc[-1])
        pseudo.append(df["pseudo_regret"].iloc[-1])
        curves.append(df["policy_regret"].to_numpy())
    return np.array(finals), np.array(pseudo), df["round"].to_numpy(), np.array(curves)


def cell_quality(family, horizon, n_seeds, memory_bound=20):
    """CPR of every policy on one instance family: final mean/std over seeds and mean curves."""
    from statlearn.datasets import make_tallying_environment

    env = make_tallying_environment(family)
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


def cell_memory_bound(family, horizon, n_seeds, bounds=(10, 20, 40, 80, 160)):
    """CPR of WTB-SE as the memory bound M grows (true memory m = 10)."""
    from statlearn.bandits import WeightedTallyingSE
    from statlearn.datasets import make_tallying_environment

    env = make_tallying_environment(family)
    out = []
    for m in bounds:
        final = _runs(WeightedTallyingSE(5, horizon, m), env, horizon, n_seeds, 7)[0]
        out.append(record(kind="memory", family=family, memory_bound=m, horizon=horizon,
                          cpr_mean=final.mean(), cpr_std=final.std(ddof=1)))
    return out


def cell_horizon(family, horizons, n_seeds, memory_bound=20):
    """CPR of WTB-SE and UCB1 against the horizon T (the bound predicts sqrt(KT) growth for WTB)."""
    from statlearn.bandits import UCB1, WeightedTallyingSE
    from statlearn.datasets import make_tallying_environment

    env = make_tallying_environment(family)
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


def cell_speed_per_call(n_rounds=1000):
    """Per-round select + update: statlearn UCB1 vs MABWiser predict + partial_fit vs River pull + update."""
    from statlearn.bandits import UCB1

    table = _bernoulli_table(n_rounds)
    ours_policy = UCB1(5)

    def ours():
        pol = ours_policy
        for row in table:
            a = pol.select()
            pol.update(a, row[a])

    peers = {}
    mab_mod = optional_import("mabwiser.mab")
    if mab_mod is not None:
        mab = mab_mod.MAB(arms=list(range(5)), learning_policy=mab_mod.LearningPolicy.UCB1(alpha=1.0), seed=0)
        mab.fit(decisions=list(range(5)), rewards=[0.5] * 5)

        def mabwiser():
            for row in table:
                a = mab.predict()
                mab.partial_fit([a], [1.0 - row[a]])

        peers["MABWiser UCB1 predict+partial_fit"] = mabwiser
    else:
        peers["MABWiser UCB1 predict+partial_fit"] = None
    river_bandit = optional_import("river.bandit")
    if river_bandit is not None:
        rv = river_bandit.UCB(delta=1.0, seed=0)
        arms = list(range(5))

        def river():
            for row in table:
                a = rv.pull(arms)
                rv.update(a, 1.0 - row[a])

        peers["River bandit.UCB pull+update"] = river
    else:
        peers["River bandit.UCB pull+update"] = None
    recs = compare_speed("select+update, 1000 rounds, 5 arms", ours, peers, repeats=3, warmup=1, min_time=0.2)
    for r in recs:
        if r.get("seconds") is not None:
            r["us_per_round"] = r["seconds"] / n_rounds * 1e6
    by = {r["method"]: r for r in recs}
    for peer, target, need in [("MABWiser UCB1 predict+partial_fit", ">= 100x", 100.0),
                               ("River bandit.UCB pull+update", "> 1x", 1.0)]:
        ratio = by.get(peer, {}).get("ratio")
        recs.append(headline(f"per-call select+update vs {peer.split(' ')[0]}", ratio, target,
                             ratio is not None and ratio >= need))
    return recs


def cell_speed_simulate(horizon=100_000):
    """simulate() of UCB1 on a 5-arm Bernoulli instance (whole-loop numba) vs a River loop."""
    from statlearn.bandits import UCB1, BernoulliEnvironment, simulate

    env = BernoulliEnvironment(P_BERNOULLI)
    simulate(UCB1(5), env, 1000)  # compile
    u = np.random.default_rng(1).random(horizon).tolist()
    p = P_BERNOULLI

    def ours():
        simulate(UCB1(5), env, horizon, random_state=0)

    peers = {}
    river_bandit = optional_import("river.bandit")
    if river_bandit is not None:
        arms = list(range(5))

        def river():
            rv = river_bandit.UCB(delta=1.0, seed=0)
            regret = 0.0
            for t in range(horizon):
                a = rv.pull(arms)
                rv.update(a, 0.0 if u[t] < p[a] else 1.0)
                regret += p[a] - p[0]

        peers["River loop (pull+update)"] = river
    else:
        peers["River loop (pull+update)"] = None

    def python_path():
        simulate(UCB1(5), env, horizon, random_state=0, engine="python")

    peers["statlearn engine='python'"] = python_path
    recs = compare_speed(f"simulate {horizon:,} rounds x 5 arms", ours, peers, repeats=3, warmup=1)
    by = {r["method"]: r for r in recs}
    ratio = by.get("River loop (pull+update)", {}).get("ratio")
    recs.append(headline("simulate 100k x 5 vs River loop", ratio, ">= 150x", ratio is not None and ratio >= 150))
    # the same pseudo-regret as MABWiser-style UCB1 is checked in the tests; record ours here
    df = simulate(UCB1(5), env, horizon, random_state=0)
    recs.append(record(kind="quality", task="UCB1 Bernoulli pseudo-regret", horizon=horizon,
                       pseudo_regret=df["pseudo_regret"].iloc[-1]))
    return recs


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
           Cell(AREA, "speed simulate", cell_speed_simulate)]
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

    fams = [f for f in FAMILIES if any(r.get("family") == f and r["kind"] == "quality" and "curve_mean" in r
                                       for r in records)]
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


def report(records, outdir):
    parts = ["Weighted tallying bandits (Malik, Igoe, Li & Singh, ICML 2023). The paper's own experiment "
             "settings were not available: the instances are the three families of "
             "`make_tallying_environment` (K = 5, m = 10, w_i = 0.8^(i-1), Bernoulli losses; arm 0 is the "
             "REO arm). CPR = complete policy regret against the best arm repeated from an empty history."]
    speed = [r for r in records if r["kind"] == "speed"]
    if speed:
        parts.append("**Speed** (ratio = peer time / statlearn time, same process)\n\n"
                     + markdown_table(speed, ["task", "method", "seconds", "us_per_round", "ratio"]))
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
