"""Benchmarks of statlearn.online: groupwise regret (Acharya et al., ICLR 2024).

Quality: per-group regret and cumulative squared loss of ``GroupwiseRegressor``
against the paper's baseline (one online ridge over all rows with the group
indicators appended as features), over shuffles, on the paper's synthetic
setting (four label rules) and on real data with intersecting demographic
groups. Speed: per-round cost of the numba kernel against a plain numpy
implementation of the same algorithm, and ``OnlineRidge.learn_one`` against
River's ``LinearRegression.learn_one``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from benchmarks._harness import Cell, headline, markdown_table, optional_import, record, time_call

AREA = "online"

# the paper's shuffle seeds
SEEDS = (473, 503, 623, 550, 692, 989, 617, 458, 301, 205)
N_CHECKPOINTS = 50
# real data: (loader name, loader kwargs, quick subsample)
REAL = {
    "adult": ({"target": "hours-per-week"}, 10_000),
    "meps": ({}, 6_000),
    "wage": ({}, 3_000),
    "gss_wages": ({}, 8_000),
    "randhie": ({}, 8_000),
    "cps1988": ({}, 8_000),
    "k401ksubs": ({}, 9_275),
}
PAPER_GROUPS = {"synthetic": "6/6 per label rule", "adult": "13/13 (Adult, continuous income)",
                "meps": "12/12 (medical cost stand-in)", "randhie": "12/12 (medical cost stand-in)",
                "wage": "12/12 (wage stand-in)", "gss_wages": "12/12 (wage stand-in)", "cps1988": "all",
                "k401ksubs": "all"}
# the small panel: the method lost every group of a 534-row wage panel
SMALL_ROWS = 534


# --------------------------------------------------------------------------- #
# quality
# --------------------------------------------------------------------------- #
def _minmax(a):
    a = np.asarray(a, dtype=np.float64)
    lo, hi = a.min(axis=0), a.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return (a - lo) / span


# the methods compared per group; every one sees the group indicators as features
METHODS = {
    "groupwise": "GroupwiseRegressor() (OnlineRidge base, experts='independent': the default, the paper's)",
    "residual": "GroupwiseRegressor(experts='residual') (group experts shrunk toward a global learner)",
    "baseline": "OnlineRidge over all rows (the paper's baseline)",
    "sgd_groupwise": "GroupwiseRegressor(base=SGDRegressor())",
    "sgd_baseline": "SGDRegressor over all rows (partial_fit, prequential)",
    "river": "River LinearRegression over all rows (learn_one/predict_one, prequential)",
}


def _river_prequential(X, y):
    river_lm = optional_import("river.linear_model")
    if river_lm is None:
        return None
    model, out = river_lm.LinearRegression(), np.empty(len(y))
    keys = range(X.shape[1])
    for t in range(len(y)):
        row = dict(zip(keys, X[t].tolist(), strict=True))
        out[t] = model.predict_one(row)
        model.learn_one(row, float(y[t]))
    return out


def _one_shuffle(X, y, G, names, seed, with_sgd):
    import pandas as pd
    from sklearn.linear_model import SGDRegressor

    from statlearn.online import GroupwiseRegressor, OnlineRidge, group_regret, group_regret_curves

    order = np.random.RandomState(seed).permutation(len(y))
    X, y, G = X[order], y[order], G[order]
    groups = pd.DataFrame(G, columns=names)
    t0 = time.perf_counter()
    preds = {"groupwise": GroupwiseRegressor().fit(X, y, groups=groups).prequential_predictions_}
    t_ours = time.perf_counter() - t0
    preds["residual"] = GroupwiseRegressor(experts="residual").fit(X, y, groups=groups).prequential_predictions_
    preds["baseline"] = OnlineRidge().fit(X, y).prequential_predictions_  # X already holds the indicators
    if with_sgd:
        sgd = SGDRegressor(random_state=seed)
        preds["sgd_groupwise"] = GroupwiseRegressor(base=sgd).fit(X, y, groups=groups).prequential_predictions_
        preds["sgd_baseline"] = GroupwiseRegressor(base=sgd, experts="independent", always_on=False).fit(
            X, y).prequential_predictions_  # one SGD model's own prequential loop
    river = _river_prequential(X, y)
    if river is not None:
        preds["river"] = river
    out = {m: (group_regret(y, p, X, groups), group_regret_curves(y, p, X, groups, n_checkpoints=N_CHECKPOINTS)
               if m in ("groupwise", "baseline") else None) for m, p in preds.items()}
    return out, t_ours


def _wins(runs, method, against, g):
    a = np.array([r[method][0].loc[g, "regret"] for r in runs])
    b = np.array([r[against][0].loc[g, "regret"] for r in runs])
    return a.mean() < b.mean()


def _loss(runs, method, g):
    return np.mean([r[method][0].loc[g, "cumulative_loss"] for r in runs])


def _evaluate(dataset, X, y, G, names, seeds, with_sgd=True):
    """Run the shuffles and turn them into records."""
    X = np.column_stack([X, G.astype(np.float64)])  # every method sees the group indicators
    runs, seconds = [], []
    for s in seeds:
        res, t = _one_shuffle(X, y, G, names, s, with_sgd)
        runs.append(res)
        seconds.append(t)
    methods = list(runs[0])
    recs = []
    groups = list(runs[0]["groupwise"][0].index)
    for g in groups:
        reg = {m: np.array([r[m][0].loc[g, "regret"] for r in runs]) for m in methods}
        fields = {f"regret_{m}": reg[m].mean() for m in methods}
        fields.update({f"regret_{m}_sd": reg[m].std() for m in ("groupwise", "baseline")})
        recs.append(record(
            "quality", dataset=dataset, group=g, n_samples=int(runs[0]["groupwise"][0].loc[g, "n_samples"]),
            n_shuffles=len(seeds), **fields,
            loss_reduction=1.0 - _loss(runs, "groupwise", g) / _loss(runs, "baseline", g),
            improved=bool(reg["groupwise"].mean() < reg["baseline"].mean()),
            improved_every_shuffle=bool((reg["groupwise"] < reg["baseline"]).all()),
        ))
    curves = {m: [r[m][1] for r in runs] for m in ("groupwise", "baseline")}
    recs.append(record(
        "curves", dataset=dataset, rounds=curves["groupwise"][0].index.to_numpy(), groups=groups,
        groupwise=np.array([c.to_numpy() for c in curves["groupwise"]]),
        baseline=np.array([c.to_numpy() for c in curves["baseline"]]),
    ))
    n_g = len(groups)
    pairs = [("groupwise", "baseline"), ("residual", "baseline"), ("sgd_groupwise", "sgd_baseline"),
             ("groupwise", "river")]
    summary = {}
    for m, ref in pairs:
        if m in methods and ref in methods:
            wins = sum(_wins(runs, m, ref, g) for g in groups)
            red = [1.0 - _loss(runs, m, g) / _loss(runs, ref, g) for g in groups]
            summary[f"{m}_vs_{ref}"] = (wins, float(np.mean(red)))
    recs.append(record("groups_improved", dataset=dataset, n_groups=n_g, n_rows=len(y), n_shuffles=len(seeds),
                       **{f"{k}_wins": v[0] for k, v in summary.items()},
                       **{f"{k}_mean_loss_change": -v[1] for k, v in summary.items()}))
    improved, mean_red = summary["groupwise_vs_baseline"]
    red = [r["loss_reduction"] for r in recs if r["kind"] == "quality"]
    detail = (f"{improved}/{n_g}; loss reduction {100 * min(red):.1f}-{100 * max(red):.1f}%, mean "
              f"{100 * np.mean(red):.1f}%; {np.median(seconds) / len(y) * 1e6:.2f} us/row (median fit); "
              + "; ".join(f"{k.replace('_vs_', ' vs ')} {v[0]}/{n_g}" for k, v in summary.items()
                          if k != "groupwise_vs_baseline"))
    recs.append(headline(
        f"{dataset} ({len(y)} rows): groups where groupwise regret < baseline", 100.0 * improved / n_g,
        f"all groups (paper: {PAPER_GROUPS.get(dataset.split(':')[0], 'all')})", improved == n_g, unit="%",
        reason=None if improved == n_g else "lost " + ", ".join(
            f"{r['group']} (n={r['n_samples']}, loss {100 * r['loss_reduction']:+.1f}%)"
            for r in recs if r["kind"] == "quality" and not r["improved"]),
        detail=detail,
    ))
    return recs


def synthetic_cell(label, n_samples, n_shuffles):
    from statlearn.datasets import make_grouped_regression

    X, y, groups = make_grouped_regression(n_samples=n_samples, label=label, include_indicators=False,
                                           random_state=0)
    return _evaluate(f"synthetic:{label}", X, y, groups.to_numpy(), list(groups.columns),
                     SEEDS[:n_shuffles], with_sgd=False)


# The generic partial_fit path costs ~100 us per expert per row in Python: the SGD-base comparison
# runs on the small sets only (minutes per shuffle on 10,000 rows otherwise).
SGD_MAX_ROWS = 3_000


def real_cell(name, n_shuffles, max_rows, label=None):
    import statlearn.datasets as datasets

    kwargs, _ = REAL[name]
    bunch = getattr(datasets, f"load_{name}")(as_frame=False, **kwargs)
    X, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.float64)
    G = np.asarray(bunch.groups, dtype=bool)
    names = list(bunch.group_names)
    keep = np.isfinite(X).all(axis=1) & np.isfinite(y)
    X, y, G = X[keep], y[keep], G[keep]
    if max_rows is not None and len(y) > max_rows:
        idx = np.sort(np.random.RandomState(0).choice(len(y), max_rows, replace=False))
        X, y, G = X[idx], y[idx], G[idx]
    nonconst = X.max(axis=0) > X.min(axis=0)
    X = _minmax(X[:, nonconst])
    y = _minmax(y)  # the paper min-max scales labels to [0, 1]
    keep_groups = G.any(axis=0)
    return _evaluate(label or name, X, y, G[:, keep_groups], [n for n, k in zip(names, keep_groups, strict=True) if k],
                     SEEDS[:n_shuffles], with_sgd=len(y) <= SGD_MAX_ROWS)


# --------------------------------------------------------------------------- #
# speed
# --------------------------------------------------------------------------- #
def groupwise_numpy(X, y, awake, alpha=1.0):
    """Plain numpy implementation of the same algorithm (Sherman-Morrison, log-space AdaNormalHedge).

    A Python loop over rows, vectorised over the awake groups (the speed peer).
    """
    n, d = X.shape
    Z = np.column_stack([X, np.ones(n)])
    k = d + 1
    G = awake.shape[1]
    P = np.repeat(np.eye(k)[None] / alpha, G, axis=0)
    theta = np.zeros((G, k))
    R = np.zeros(G)
    C = np.zeros(G)
    preds = np.empty(n)
    for t in range(n):
        A = np.flatnonzero(awake[t])
        z = Z[t]
        yhat = theta[A] @ z
        a = np.maximum(R[A] + 1, 0) ** 2 / (3 * (C[A] + 1))
        b = np.maximum(R[A] - 1, 0) ** 2 / (3 * (C[A] + 1))
        with np.errstate(divide="ignore"):
            logw = np.where(a > b, a + np.log(-np.expm1(b - a)) - np.log(2), -np.inf)
        if np.isneginf(logw).all():
            p = np.full(A.size, 1.0 / A.size)
        else:
            e = np.exp(logw - logw.max())
            p = e / e.sum()
        preds[t] = p @ yhat
        lg = (yhat - y[t]) ** 2
        r = p @ lg - lg
        R[A] += r
        C[A] += np.abs(r)
        u = P[A] @ z
        den = 1 + u @ z
        P[A] -= (u[:, :, None] * u[:, None, :]) / den[:, None, None]
        theta[A] += u * ((y[t] - yhat) / den)[:, None]
    return preds


def speed_groupwise_cell(n_rows, n_rows_numpy, n_groups=20, n_features=10, n_awake=5):
    from statlearn.online import GroupwiseRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(size=(n_rows, n_features))
    awake = np.zeros((n_rows, n_groups), dtype=bool)
    for t in range(n_rows):
        awake[t, rng.choice(n_groups, n_awake, replace=False)] = True
    y = _minmax(X @ rng.uniform(size=n_features) + awake @ rng.uniform(size=n_groups)
                + 0.1 * rng.normal(size=n_rows))

    def ours():
        GroupwiseRegressor(always_on=False).fit(X, y, groups=awake)

    def peer():
        groupwise_numpy(X[:n_rows_numpy], y[:n_rows_numpy], awake[:n_rows_numpy])

    t_ours = time_call(ours, repeats=5, warmup=1) / n_rows
    t_peer = time_call(peer, repeats=3, warmup=0) / n_rows_numpy
    # agreement of the two implementations on the same rows
    m = GroupwiseRegressor(always_on=False).fit(X[:n_rows_numpy], y[:n_rows_numpy], groups=awake[:n_rows_numpy])
    diff = float(np.max(np.abs(m.prequential_predictions_ - peer_preds(X, y, awake, n_rows_numpy))))
    task = f"groupwise per round ({n_groups} groups x {n_features} features, {n_awake} awake)"
    ratio = t_peer / t_ours
    return [
        record("speed", task=task, method="statlearn (numba kernel)", seconds=t_ours, us_per_round=t_ours * 1e6),
        record("speed", task=task, method="numpy, same algorithm", seconds=t_peer, us_per_round=t_peer * 1e6,
               ratio=ratio, max_abs_diff=diff),
        headline("groupwise per-round cost (20 groups x 10 features, 5 awake), us", t_ours * 1e6, "<= 10 us",
                 t_ours * 1e6 <= 10.0),
        headline("groupwise kernel vs numpy implementation (speed ratio)", ratio, ">= 25x", ratio >= 25.0,
                 detail=f"max |difference| of forecasts {diff:.1e}"),
    ]


def peer_preds(X, y, awake, n):
    return groupwise_numpy(X[:n], y[:n], awake[:n])


def speed_learn_one_cell(n_rows, n_features=10):
    from statlearn.online import OnlineRidge

    river_lm = optional_import("river.linear_model")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n_rows, n_features))
    y = X @ rng.normal(size=n_features) + 0.1 * rng.normal(size=n_rows)
    dict_rows = [{f"x{j}": float(v) for j, v in enumerate(r)} for r in X]
    array_rows = list(X)
    ys = [float(v) for v in y]

    def ours(rows):
        def run():
            m = OnlineRidge()
            for x, t in zip(rows, ys, strict=True):
                m.learn_one(x, t)
        return run

    t_arr = time_call(ours(array_rows), repeats=5, warmup=1) / n_rows
    t_dict = time_call(ours(dict_rows), repeats=5, warmup=1) / n_rows
    task = f"learn_one per row ({n_features} features)"
    out = [record("speed", task=task, method="statlearn OnlineRidge, numpy rows", seconds=t_arr),
           record("speed", task=task, method="statlearn OnlineRidge, dict rows", seconds=t_dict)]
    if river_lm is None:
        out.append(record("speed", task=task, method="river LinearRegression", seconds=None, ratio=None,
                          note="peer not installed"))
        out.append(headline("OnlineRidge.learn_one vs River LinearRegression.learn_one", float("nan"),
                            "> 1x", False, detail="river not installed"))
        return out

    def peer():
        m = river_lm.LinearRegression()
        for x, t in zip(dict_rows, ys, strict=True):
            m.learn_one(x, t)

    t_peer = time_call(peer, repeats=5, warmup=1) / n_rows
    ratio = t_peer / t_arr
    out.append(record("speed", task=task, method="river LinearRegression (SGD, dict rows)", seconds=t_peer,
                      ratio=ratio, ratio_dict_input=t_peer / t_dict))
    out.append(headline(
        "OnlineRidge.learn_one vs River LinearRegression.learn_one (speed ratio, native inputs)", ratio, "> 1x",
        ratio > 1.0,
        detail=f"ours {t_arr * 1e6:.2f} us/row on numpy rows ({t_dict * 1e6:.2f} on dicts, "
               f"ratio {t_peer / t_dict:.2f}); River {t_peer * 1e6:.2f} us/row on dicts",
    ))
    return out


# --------------------------------------------------------------------------- #
# cells and report
# --------------------------------------------------------------------------- #
def cells(mode):
    full = mode == "full"
    out = [
        Cell(AREA, "speed: groupwise kernel vs numpy", speed_groupwise_cell,
             {"n_rows": 200_000 if full else 50_000, "n_rows_numpy": 5_000 if full else 1_500}),
        Cell(AREA, "speed: learn_one vs river", speed_learn_one_cell, {"n_rows": 20_000 if full else 5_000}),
    ]
    for label in ("mean", "min", "max", "first"):
        out.append(Cell(AREA, f"synthetic {label}", synthetic_cell,
                        {"label": label, "n_samples": 100_000 if full else 20_000,
                         "n_shuffles": 10 if full else 5}))
    for name, (_, quick_rows) in REAL.items():
        out.append(Cell(AREA, f"real {name}", real_cell,
                        {"name": name, "n_shuffles": 10 if full else 5, "max_rows": None if full else quick_rows}))
    out.append(Cell(AREA, f"real wage {SMALL_ROWS} rows", real_cell,
                    {"name": "wage", "n_shuffles": 10 if full else 5, "max_rows": SMALL_ROWS,
                     "label": f"wage ({SMALL_ROWS}-row subsample)"}))
    return out


def _plot_curves(rec, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from statlearn.online import GroupRegretDisplay

    frames = {}
    for method in ("baseline", "groupwise"):
        arr = np.asarray(rec[method], dtype=float)
        frames[method] = [pd.DataFrame(a, index=rec["rounds"], columns=rec["groups"]) for a in arr]
    disp = GroupRegretDisplay.from_curves(frames["baseline"], label="baseline (one ridge + indicators)",
                                          color="tab:red")
    GroupRegretDisplay.from_curves(frames["groupwise"], label="groupwise (ours)", color="tab:blue", ax=disp.axes_)
    fig = disp.figure_
    fig.suptitle(f"{rec['dataset']}: per-group regret (cumulative squared loss minus the best linear fit in "
                 f"hindsight, squared units of y),\nmean +/- sd over {len(frames['baseline'])} shuffles", fontsize=9)
    fname = f"online_regret_{rec['dataset'].replace(':', '_')}.png"
    fig.savefig(Path(outdir) / fname, dpi=80)
    plt.close(fig)
    return fname


def summary(records):
    """What to use when, from the groups-improved records of this run."""
    rows = [r for r in records if r["kind"] == "groups_improved"]
    if not rows:
        return ""

    def frac(r, key):
        return f"{r.get(key + '_wins', '-')}/{r['n_groups']}" if key + "_wins" in r else "-"

    lines = ["Groups whose regret the method lowers, out of all groups (mean over shuffles; every method "
             "sees the group indicators), and the mean per-group loss change:", "",
             "| data set | rows | groupwise (default) vs one ridge | experts='residual' vs one ridge | "
             "SGD groupwise vs one SGD | default vs River LinearRegression |", "|---|---|---|---|---|---|"]
    for r in rows:
        cells = []
        for key in ("groupwise_vs_baseline", "residual_vs_baseline", "sgd_groupwise_vs_sgd_baseline",
                    "groupwise_vs_river"):
            change = r.get(key + "_mean_loss_change")
            cells.append(f"{frac(r, key)} ({100 * change:+.1f}%)" if change is not None else "-")
        lines.append(f"| {r['dataset']} | {r['n_rows']} | " + " | ".join(cells) + " |")
    small = [r for r in rows if r["n_rows"] < 1000]
    if small:
        r = small[0]
        lines += ["", f"On {r['dataset']} the default wins {frac(r, 'groupwise_vs_baseline')} groups and "
                  f"`experts='residual'` {frac(r, 'residual_vs_baseline')} (the issue's small panel)."]
    return "\n".join(lines)


def report(records, outdir):
    parts = []
    heads = [r for r in records if r["kind"] == "headline"]
    if heads:
        parts.append(markdown_table(heads, ["claim", "value", "target", "passed", "detail"]))
    speed = [r for r in records if r["kind"] == "speed"]
    if speed:
        parts.append("### Speed\n\n" + markdown_table(speed, ["task", "method", "seconds", "ratio"], ".3g"))
    quality = [r for r in records if r["kind"] == "quality"]
    for ds in dict.fromkeys(r["dataset"] for r in quality):
        rows = [r for r in quality if r["dataset"] == ds]
        parts.append(f"### {ds} (mean over {rows[0]['n_shuffles']} shuffles)\n\n" + markdown_table(
            rows, ["group", "n_samples", "regret_baseline", "regret_baseline_sd", "regret_groupwise",
                   "regret_groupwise_sd", "loss_reduction", "improved", "improved_every_shuffle"]))
        curves = [r for r in records if r["kind"] == "curves" and r["dataset"] == ds]
        if curves:
            try:
                parts.append(f"![{ds}]({_plot_curves(curves[0], outdir)})")
            except Exception as exc:  # a figure must not hide the tables
                parts.append(f"(figure failed: {exc})")
    errors = [r for r in records if r["kind"] == "error"]
    if errors:
        parts.append(markdown_table(errors, ["cell", "error"]))
    return "\n\n".join(parts)
