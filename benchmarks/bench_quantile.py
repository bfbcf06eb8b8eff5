"""Benchmarks of statlearn.quantile (Fakoor et al., quantile aggregation).

Speed (single thread, same process): row-wise isotonic repair against a loop of
scikit-learn's ``isotonic_regression`` / SciPy's ``isotonic_regression`` and
against ``np.sort``; the weighted interval score against a vectorised numpy
pinball formula and scoringrules' numba backend.

Quality (real data from ``statlearn.datasets``): relative WIS of four base
families and of every aggregator variant (with and without repair), crossing
rates, and coverage / width at 0.8 and 0.9 of raw models, MAPIE's CQR and our
sort -> CQR -> min-max pipeline.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._harness import Cell, compare_speed, headline, markdown_table, optional_import, record, time_call

AREA = "quantile"

DATASETS = ["diamonds", "cps1988", "gss_wages", "randhie", "hotel_rates", "meps", "deliveries", "loans",
            "k401ksubs", "abalone", "wage", "concrete", "boston", "engel"]
VARIANTS = [("global-coarse", "coarse", None), ("global-medium", "medium", None), ("global-fine", "fine", None),
            ("local-coarse", "coarse", "tree"), ("local-medium", "medium", "tree"),
            ("softmax-medium", "medium", "softmax")]
QUICK_DATASETS = [d for d in DATASETS if d not in ("boston", "loans")]  # 12 data sets, subsampled
CONFORMAL_BASE = "local-medium"


# --------------------------------------------------------------------------- #
# speed
# --------------------------------------------------------------------------- #
def _crossing_matrix(n, K, seed=0):
    """Normal quantiles plus noise; the noise is set so that about 56% of rows cross at
    K = 19 and 98% at K = 99 (the setting of the paper notes' measurements)."""
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    tau = np.arange(1, K + 1) / (K + 1)
    sd = {19: 0.062, 99: 0.0123}.get(K, 0.3)
    return norm.ppf(tau)[None, :] + sd * rng.normal(size=(n, K))


def cell_speed_isotonic(shapes):
    from sklearn.isotonic import isotonic_regression

    from statlearn.quantile import isotonic_quantiles

    scipy_opt = optional_import("scipy.optimize")
    out = []
    for n, K, n_sub in shapes:
        Q = _crossing_matrix(n, K)
        sub = Q[:n_sub]
        ours = isotonic_quantiles(Q)
        ref = np.array([isotonic_regression(r) for r in sub])
        err = float(np.abs(ours[:n_sub] - ref).max())
        t_ours = time_call(lambda Q=Q: isotonic_quantiles(Q), repeats=5, warmup=2, min_time=0.05)
        t_sort = time_call(lambda Q=Q: np.sort(Q, axis=1), repeats=5, warmup=1, min_time=0.05)
        t_skl = time_call(lambda sub=sub: [isotonic_regression(r) for r in sub], repeats=3) * n / n_sub
        task = f"isotonic {n}x{K}"
        rows = [("sklearn isotonic_regression loop (scaled)", t_skl), ("np.sort(axis=1)", t_sort)]
        if scipy_opt is not None and hasattr(scipy_opt, "isotonic_regression"):
            t_sp = time_call(lambda sub=sub: [scipy_opt.isotonic_regression(r) for r in sub], repeats=3) * n / n_sub
            rows.append(("scipy isotonic_regression loop (scaled)", t_sp))
        out.append(record("speed", task=task, method="statlearn isotonic_quantiles", seconds=t_ours,
                          max_abs_diff_vs_sklearn=err, crossing_rows=float((np.diff(Q, axis=1) < 0).any(1).mean())))
        for name, t in rows:
            out.append(record("speed", task=task, method=name, seconds=t, ratio=t / t_ours))
        out.append(headline(f"isotonic_quantiles vs sklearn loop, {n}x{K}", t_skl / t_ours, ">= 300x",
                            t_skl / t_ours >= 300))
        out.append(headline(f"isotonic_quantiles vs np.sort, {n}x{K}", t_sort / t_ours, ">= 1x (no slower)",
                            t_sort / t_ours >= 1.0))
    return out


def cell_speed_wis(shapes):
    from statlearn.quantile import weighted_interval_score

    sr = optional_import("scoringrules")
    out = []
    for n, K in shapes:
        rng = np.random.default_rng(1)
        tau = np.arange(1, K + 1) / (K + 1)
        Q = np.sort(_crossing_matrix(n, K, seed=2), axis=1)
        y = rng.normal(size=n)
        c = K // 2
        lower, upper, median, alpha = Q[:, :c], Q[:, c + 1:][:, ::-1], Q[:, c], 2 * tau[:c]

        def ours(y=y, Q=Q, tau=tau):
            return weighted_interval_score(y, Q, tau)

        def numpy_pinball(y=y, Q=Q, tau=tau):
            r = y[:, None] - Q
            return 2.0 * np.mean(np.maximum(tau * r, (tau - 1.0) * r))

        peers = {"numpy vectorised pinball": numpy_pinball}
        if sr is not None:
            def sr_numba(y=y, median=median, lower=lower, upper=upper, alpha=alpha):
                return float(np.mean(sr.weighted_interval_score(y, median, lower, upper, alpha, backend="numba")))
            peers["scoringrules numba"] = sr_numba
        else:
            peers["scoringrules numba"] = None
        task = f"WIS {n}x{K}"
        agree = {"diff_vs_numpy": abs(ours() - numpy_pinball())}
        if sr is not None:
            agree["diff_vs_scoringrules"] = abs(ours() - peers["scoringrules numba"]())
        recs = compare_speed(task, ours, peers, repeats=7, warmup=2, min_time=0.05, **agree)
        out.extend(recs)
        ratios = {r["method"]: r.get("ratio") for r in recs}
        rn = ratios["numpy vectorised pinball"]
        out.append(headline(f"weighted_interval_score vs numpy pinball, {n}x{K}", rn, ">= 6x", rn >= 6))
        rs = ratios.get("scoringrules numba")
        if rs is not None:
            out.append(headline(f"weighted_interval_score vs scoringrules numba, {n}x{K}", rs, "> 1x", rs > 1))
    return out


# --------------------------------------------------------------------------- #
# quality on real data
# --------------------------------------------------------------------------- #
def _bases(q, mode, seed):
    from sklearn.ensemble import HistGradientBoostingRegressor

    from statlearn.quantile import LinearQuantileRegressor, MultiQuantileRegressor

    qf = optional_import("quantile_forest")
    quick = mode == "quick"
    bases = {
        "linear QR": LinearQuantileRegressor(quantiles=q),
        "HGB per level": MultiQuantileRegressor(
            HistGradientBoostingRegressor(loss="quantile", max_iter=30 if quick else 200, learning_rate=0.1,
                                          max_leaf_nodes=15 if quick else 31, random_state=seed), quantiles=q),
    }
    if qf is not None:
        n_trees = 30 if quick else 100
        bases["quantile forest"] = MultiQuantileRegressor(
            qf.RandomForestQuantileRegressor(n_estimators=n_trees, min_samples_leaf=5, max_features=0.5,
                                             random_state=seed), quantiles=q)
        bases["extra-trees QRF"] = MultiQuantileRegressor(
            qf.ExtraTreesQuantileRegressor(n_estimators=n_trees, min_samples_leaf=5, max_features=0.5,
                                           random_state=seed), quantiles=q)
    lgb = optional_import("lightgbm")
    if lgb is not None and not quick:
        bases["LightGBM per level"] = MultiQuantileRegressor(
            lgb.LGBMRegressor(objective="quantile", n_estimators=200, learning_rate=0.05, verbose=-1,
                              random_state=seed, n_jobs=1), quantiles=q)
    return bases


def _mapie_cqr(XA, yA, XC, yC, Xt, level, seed, max_iter):
    mapie = optional_import("mapie.regression")
    if mapie is None:
        return None
    import logging

    from sklearn.ensemble import HistGradientBoostingRegressor

    est = HistGradientBoostingRegressor(loss="quantile", max_iter=max_iter, random_state=seed)
    logging.disable(logging.INFO)  # MAPIE logs "The predictions are ill-sorted." at INFO level
    try:
        m = mapie.ConformalizedQuantileRegressor(est, confidence_level=level).fit(XA, yA).conformalize(XC, yC)
        _, pis = m.predict_interval(Xt)
    finally:
        logging.disable(logging.NOTSET)
    return np.asarray(pis)[:, :, 0]


def cell_dataset(name, mode, split, n_max, n_train, cv, seed=0):
    from sklearn.frozen import FrozenEstimator

    import statlearn.datasets as ds
    from statlearn.quantile import (
        ConformalQuantileRegressor,
        QuantileAggregator,
        coverage,
        crossing_rate,
        interval_width,
        isotonic_quantiles,
        minmax_quantiles,
        sort_quantiles,
        weighted_interval_score,
    )

    bunch = getattr(ds, f"load_{name}")(as_frame=False)
    X, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.float64)
    rng = np.random.default_rng(1000 * seed + split)
    idx = rng.permutation(len(y))
    if n_max is not None:
        idx = idx[:n_max]
    n_tr = min(n_train, int(0.7 * len(idx))) if n_train else int(0.9 * len(idx))
    tr, te = idx[:n_tr], idx[n_tr:]
    mu, sd = y[tr].mean(), y[tr].std()
    y = (y - mu) / sd
    n_c = n_tr // 4
    A, C = tr[n_c:], tr[:n_c]  # fit (aggregation, with inner CV) and calibration rows
    XA, yA, XC, yC, Xt, yt = X[A], y[A], X[C], y[C], X[te], y[te]
    q = np.round(np.arange(1, 20) / 20, 10)
    bases = _bases(q, mode, seed + split)
    names = list(bases)
    out = []
    base_info = dict(dataset=name, split=split, n_fit=len(A), n_cal=len(C), n_test=len(te))

    t0 = time.perf_counter()
    first = QuantileAggregator(list(bases.values()), quantiles=q, weights="medium", cv=cv,
                               random_state=seed + split).fit(XA, yA)
    t_bases = time.perf_counter() - t0
    Z, frozen = first.oof_predictions_, [FrozenEstimator(e) for e in first.estimators_]
    base_test = first.predict_base_quantiles(Xt)
    wis_base = {nm: weighted_interval_score(yt, base_test[:, j], q) for j, nm in enumerate(names)}
    best = min(wis_base.values())
    for j, nm in enumerate(names):
        out.append(record(table="wis", method=nm, family="base", repair="none", wis=wis_base[nm],
                          rel_wis=wis_base[nm] / best, crossing=crossing_rate(base_test[:, j]), **base_info))
    mean_q = base_test.mean(axis=1)
    out.append(record(table="wis", method="equal weights", family="aggregator", repair="none",
                      wis=weighted_interval_score(yt, mean_q, q),
                      rel_wis=weighted_interval_score(yt, mean_q, q) / best, crossing=crossing_rate(mean_q),
                      **base_info))
    fitted = {}
    for label, kind, local in VARIANTS:
        t0 = time.perf_counter()
        agg = QuantileAggregator(frozen, quantiles=q, weights=kind, local=local, max_leaf_nodes=4,
                                 random_state=seed + split).fit(XA, yA, base_predictions=Z)
        t_fit = time.perf_counter() - t0
        fitted[label] = agg
        raw = agg.predict_quantiles(Xt, repair=False)
        for rep, Qr in (("none", raw), ("sort", sort_quantiles(raw)), ("isotonic", isotonic_quantiles(raw)),
                        ("minmax", minmax_quantiles(raw, q))):
            w = weighted_interval_score(yt, Qr, q)
            out.append(record(table="wis", method=label, family="aggregator", repair=rep, wis=w, rel_wis=w / best,
                              crossing=crossing_rate(Qr), fit_seconds=t_fit, **base_info))

    # conformal: raw vs MAPIE CQR vs ours, on HGB and on the aggregator
    hgb_j = names.index("HGB per level")
    hgb_frozen = frozen[hgb_j]
    levels = {0.8: (1, 17), 0.9: (0, 18)}
    ours_hgb = ConformalQuantileRegressor(hgb_frozen, quantiles=q).fit(XC, yC).predict_quantiles(Xt)
    agg_c = fitted[CONFORMAL_BASE]
    ours_agg = ConformalQuantileRegressor(FrozenEstimator(agg_c), quantiles=q).fit(XC, yC).predict_quantiles(Xt)
    raw_agg = agg_c.predict_quantiles(Xt, repair=False)
    for level, (a, b) in levels.items():
        cands = {
            "raw HGB": base_test[:, hgb_j][:, [a, b]],
            "ours CQR (HGB)": ours_hgb[:, [a, b]],
            f"raw {CONFORMAL_BASE}": raw_agg[:, [a, b]],
            f"ours CQR ({CONFORMAL_BASE})": ours_agg[:, [a, b]],
        }
        mp = _mapie_cqr(XA, yA, XC, yC, Xt, level, seed + split, 30 if mode == "quick" else 200)
        if mp is not None:
            cands["MAPIE CQR (HGB)"] = mp
        for meth, I2 in cands.items():
            full = {"raw HGB": base_test[:, hgb_j], "ours CQR (HGB)": ours_hgb,
                    f"raw {CONFORMAL_BASE}": raw_agg, f"ours CQR ({CONFORMAL_BASE})": ours_agg}.get(meth, I2)
            out.append(record(table="conformal", method=meth, level=level,
                              coverage=float(coverage(yt, I2, per="pair")[0]),
                              width=float(interval_width(I2)[0]), crossing=crossing_rate(full),
                              **base_info))
    out.append(record(table="timing", bases_oof_seconds=t_bases, **base_info))
    if name == "engel" and split == 0:
        grid = np.linspace(np.percentile(X[:, 0], 1), np.percentile(X[:, 0], 99), 60)[:, None]
        fan = ConformalQuantileRegressor(FrozenEstimator(agg_c), quantiles=q).fit(XC, yC)
        ours_agg_grid = fan.predict_quantiles(grid) * sd + mu
        out.append(record("fan", dataset=name, x=grid[:, 0], quantiles=q, y_quantiles=ours_agg_grid,
                          x_points=X[idx[:235], 0], y_points=y[idx[:235]] * sd + mu))
    return out


def cells(mode):
    out = [
        Cell(AREA, "speed_isotonic", cell_speed_isotonic,
             {"shapes": [(20000, 19, 1000), (2000, 99, 250)]}),
        Cell(AREA, "speed_wis", cell_speed_wis, {"shapes": [(200000, 19), (20000, 99)]}),
    ]
    if mode == "quick":
        for name in QUICK_DATASETS:
            out.append(Cell(AREA, f"data_{name}", cell_dataset,
                            {"name": name, "mode": mode, "split": 0, "n_max": 3000, "n_train": 800, "cv": 3}))
    else:
        for name in DATASETS:
            for split in range(5):
                out.append(Cell(AREA, f"data_{name}_{split}", cell_dataset,
                                {"name": name, "mode": mode, "split": split, "n_max": 20000, "n_train": None,
                                 "cv": 5}))
    # ---- quantile3: cost curves (benchmarks/_quantile_cost.py) ----
    from benchmarks._quantile_cost import cells as cost_cells

    out += cost_cells(mode)
    # ---- end quantile3 ----
    from benchmarks._quantile_lqr import cells as lqr_cells  # LinearQuantileRegressor at scale

    out += lqr_cells(mode)
    return out


# --------------------------------------------------------------------------- #
# report
# --------------------------------------------------------------------------- #
def _mean(vals):
    vals = [v for v in vals if v is not None]
    return float(np.mean(vals)) if vals else None


def headlines(records):
    """Quality claims over all data sets (the harness calls this after every cell ran)."""
    wis = [r for r in records if r.get("table") == "wis"]
    conf = [r for r in records if r.get("table") == "conformal"]
    heads = []
    if wis:
        datasets = sorted({r["dataset"] for r in wis})
        variants = sorted({r["method"] for r in wis if r["family"] == "aggregator" and r["repair"] in ("sort",)})
        per = {v: {d: _mean([r["rel_wis"] for r in wis if r["method"] == v and r["repair"] == "sort"
                             and r["dataset"] == d]) for d in datasets} for v in variants}
        avg = {v: _mean(list(per[v].values())) for v in variants}
        bestv = min(avg, key=avg.get)
        wins = np.mean([per[bestv][d] < 1.0 for d in datasets])
        heads.append(headline(f"best aggregator ({bestv} + sort): mean relative WIS over {len(datasets)} data sets",
                              avg[bestv], "< 1 (beats best single base)", avg[bestv] < 1.0))
        heads.append(headline(f"best aggregator ({bestv} + sort): share of data sets beating best base",
                              float(wins), "> 0.5", wins > 0.5))
    if conf:
        ours = [r for r in conf if r["method"].startswith("ours CQR (") and CONFORMAL_BASE in r["method"]]
        gaps = [r["coverage"] - r["level"] for r in ours]
        if gaps:
            heads.append(headline(f"ours CQR ({CONFORMAL_BASE}): min coverage - nominal over data sets/levels",
                                  float(min(gaps)), ">= 0 on every data set", min(gaps) >= 0))
            se = [np.sqrt(r["level"] * (1 - r["level"]) / r["n_test"]) for r in ours]
            within = np.mean([g >= -2 * s for g, s in zip(gaps, se, strict=True)])
            heads.append(headline(f"ours CQR ({CONFORMAL_BASE}): share of data sets/levels with coverage >= "
                                  "nominal - 2 test SE", float(within), "1.0", within == 1.0))
            cr = max(r["crossing"] for r in ours)
            heads.append(headline("conformal pipeline: max crossing rate", cr, "0", cr == 0))
    return heads


def summary(records):
    """'What to use when' for the report: the numbers of this run, quoted from the records."""
    wis = [r for r in records if r.get("table") == "wis"]
    conf = [r for r in records if r.get("table") == "conformal"]
    lines = []
    if wis:
        datasets = sorted({r["dataset"] for r in wis})

        def per_set(method, repair):
            return [_mean([r["rel_wis"] for r in wis if r["method"] == method and r["repair"] == repair
                           and r["dataset"] == d]) for d in datasets]

        aggs = sorted({r["method"] for r in wis if r["family"] == "aggregator" and r["repair"] == "sort"})
        bases = sorted({r["method"] for r in wis if r["family"] == "base"})
        if aggs and bases:
            agg = {m: per_set(m, "sort") for m in aggs}
            best = min(agg, key=lambda m: _mean(agg[m]))
            wins = sum(v is not None and v < 1.0 for v in agg[best])
            base_mean = {m: _mean(per_set(m, "none")) for m in bases}
            best_base = min(base_mean, key=base_mean.get)
            lines.append(
                f"- **Combining quantile models**: `QuantileAggregator` with `{best}` weights and sort repair: "
                f"relative WIS {_mean(agg[best]):.3f} on average over {len(datasets)} data sets (1 = the best single "
                f"base model on each set's test rows), better than the best base on {wins} of {len(datasets)}; "
                f"no single base is best everywhere (on average: {best_base}, {base_mean[best_base]:.3f}).")
    if conf:
        def cover(method, level):
            rows = [r for r in conf if r["method"] == method and abs(r["level"] - level) < 1e-9]
            sets = sorted({r["dataset"] for r in rows})
            per = [_mean([r["coverage"] for r in rows if r["dataset"] == d]) for d in sets]
            return (_mean(per), min(per) if per else None, _mean([r["width"] for r in rows]),
                    max((r["crossing"] for r in rows), default=None))

        level = 0.9
        parts = []
        for method in sorted({r["method"] for r in conf}):
            mean, low, width, cross = cover(method, level)
            if mean is not None:
                parts.append(f"{method} {mean:.3f} (lowest set {low:.3f}, width {width:.2f} sd(y), "
                             f"rows crossing up to {cross:.0%})")
        lines.append(f"- **Intervals with a coverage guarantee**: `ConformalQuantileRegressor`; nominal {level:.0%} "
                     "pairs, mean coverage over data sets: " + "; ".join(parts) + ". Raw quantile models "
                     "under-cover and cross; conformalized outputs never cross.")
    lines.append("- **Per-group coverage**: `ConformalQuantileRegressor(...).fit(X, y, groups=G)` (Mondrian for "
                 "disjoint groups, conditional calibration for intersecting ones); **large linear problems**: "
                 "`LinearQuantileRegressor(solver=\"auto\")` (interior point above 5,000 rows).")
    return "\n".join(lines)


def report(records, outdir):
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    parts = []
    speed = [r for r in records if r["kind"] == "speed"]
    if speed:
        parts.append("### Speed (single thread, same process; ratio = peer time / statlearn time)\n")
        parts.append(markdown_table(speed, ["task", "method", "seconds", "ratio"]))
    heads = headlines(records)
    if heads:
        parts.append("\n### Quality headlines\n")
        parts.append(markdown_table(heads, ["claim", "value", "target", "passed"]))
    wis = [r for r in records if r.get("table") == "wis"]
    if wis:
        datasets = sorted({r["dataset"] for r in wis})
        methods = [m for m in dict.fromkeys(r["method"] for r in wis)]
        rows = []
        for d in datasets:
            row = {"dataset": d}
            for m in methods:
                rep = "none" if m in {r["method"] for r in wis if r["family"] == "base"} or m == "equal weights" \
                    else "sort"
                row[m] = _mean([r["rel_wis"] for r in wis if r["dataset"] == d and r["method"] == m
                                and r["repair"] == rep])
            rows.append(row)
        avg = {"dataset": "**mean**"}
        for m in methods:
            avg[m] = _mean([row[m] for row in rows])
        rows.append(avg)
        parts.append("\n### Relative WIS (to the best single base model on the test rows; aggregators + sort)\n")
        parts.append(markdown_table(rows, ["dataset", *methods], floatfmt=".3f"))
        rep_rows = []
        for m in [v[0] for v in VARIANTS]:
            row = {"aggregator": m}
            for rep in ("none", "sort", "isotonic", "minmax"):
                row[rep] = _mean([r["rel_wis"] for r in wis if r["method"] == m and r["repair"] == rep])
                row[f"crossing {rep}"] = _mean([r["crossing"] for r in wis if r["method"] == m and r["repair"] == rep])
            rep_rows.append(row)
        parts.append("\n### Repair: mean relative WIS and crossing rate by aggregator\n")
        parts.append(markdown_table(rep_rows, ["aggregator", "none", "sort", "isotonic", "minmax", "crossing none",
                                               "crossing sort"], floatfmt=".4f"))
        base_cross = [{"base": m, "crossing": _mean([r["crossing"] for r in wis if r["method"] == m])}
                      for m in methods if m in {r["method"] for r in wis if r["family"] == "base"}]
        parts.append("\n" + markdown_table(base_cross, ["base", "crossing"], floatfmt=".3f"))
        # bars
        fig, ax = plt.subplots(figsize=(10, 4))
        show = [m for m in methods if m != "equal weights"]
        width = 0.8 / len(show)
        for i, m in enumerate(show):
            ax.bar(np.arange(len(datasets)) + i * width, [row[m] for row in rows[:-1]], width, label=m)
        ax.axhline(1.0, color="k", lw=0.8)
        ax.set_xticks(np.arange(len(datasets)) + 0.4)
        ax.set_xticklabels(datasets, rotation=45, ha="right")
        ax.set_ylabel("relative WIS")
        ax.set_ylim(0.7, None)
        ax.legend(fontsize=7, ncol=3)
        fig.tight_layout()
        fig.savefig(outdir / "quantile_relative_wis.png", dpi=110)
        plt.close(fig)
        parts.append("\n![relative WIS per data set](quantile_relative_wis.png)\n")
    conf = [r for r in records if r.get("table") == "conformal"]
    if conf:
        rows = []
        for m in dict.fromkeys(r["method"] for r in conf):
            for level in (0.8, 0.9):
                sel = [r for r in conf if r["method"] == m and r["level"] == level]
                if not sel:
                    continue
                rows.append({"method": m, "nominal": level, "mean coverage": _mean([r["coverage"] for r in sel]),
                             "min coverage": min(r["coverage"] for r in sel),
                             "mean width (sd of y)": _mean([r["width"] for r in sel]),
                             "max crossing rate": max(r["crossing"] for r in sel)})
        parts.append("\n### Coverage and width (test rows; min over data sets)\n")
        parts.append("Widths in units of the training standard deviation of y. Crossing rate: share of test rows "
                     "whose 19 levels cross (for MAPIE, whose lower bound exceeds its upper bound). A finite test "
                     "set of n rows moves coverage by about sqrt(0.16 / n) (0.05 for engel's 71 test rows).\n")
        parts.append(markdown_table(rows, ["method", "nominal", "mean coverage", "min coverage",
                                           "mean width (sd of y)", "max crossing rate"], floatfmt=".3f"))
    fans = [r for r in records if r["kind"] == "fan"]
    if fans:
        f = fans[0]
        x, Q, qs = np.asarray(f["x"]), np.asarray(f["y_quantiles"]), np.asarray(f["quantiles"])
        fig, ax = plt.subplots(figsize=(6, 4))
        K = len(qs)
        for k in range(K // 2):
            ax.fill_between(x, Q[:, k], Q[:, K - 1 - k], color="C0", alpha=0.12, lw=0)
        ax.plot(x, Q[:, K // 2], color="C0", label="median")
        ax.scatter(f["x_points"], f["y_points"], s=6, color="k", alpha=0.5, label="data")
        ax.set_xlabel("household income")
        ax.set_ylabel("food expenditure")
        ax.set_title(f"{f['dataset']}: conformalized {CONFORMAL_BASE} aggregator, 19 levels")
        ax.legend()
        fig.tight_layout()
        fig.savefig(outdir / "quantile_fan_chart.png", dpi=110)
        plt.close(fig)
        parts.append("\n![fan chart](quantile_fan_chart.png)\n")
    # ---- quantile3: cost curves (benchmarks/_quantile_cost.py) ----
    from benchmarks._quantile_cost import report_section as cost_section

    parts.append(cost_section(records, outdir))
    # ---- end quantile3 ----
    from benchmarks._quantile_lqr import report_section as lqr_section

    parts.append(lqr_section(records, outdir))
    errs = [r for r in records if r["kind"] == "error"]
    if errs:
        parts.append("\n### Errors\n" + markdown_table(errs, ["cell", "error"]))
    return "\n".join(parts)
