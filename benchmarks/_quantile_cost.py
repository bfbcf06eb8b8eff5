"""Cost curves of the quantile hot paths against their floors (issue 19; owned by `quantile3`).
Imported by ``bench_quantile.py`` (its ``cells`` and ``report``, in delimited blocks).

Each hot path is timed next to its floor in the same process, across sizes, so the cost curve is
visible as a ratio:

* isotonic repair (``isotonic_quantiles``) vs ``np.sort`` of the same matrix, K = 9, 19, 99, 999
  (and 9,999 in ``--full``), on rows of random noise at three levels and on decreasing rows
  (the worst case for pooling); goal: within 1.5x of ``np.sort``;
* the weight solves of ``aggregation_weights`` (coarse / medium / fine) on the real out-of-fold
  predictions of four base models, n = 2k, 20k (and 200k in ``--full``), as a ratio to the medium
  solve (goal <= 2x) and as a fraction of the base fits' time inside the same
  ``QuantileAggregator.fit`` (goal < 10%);
* ``ConformalQuantileRegressor(method="cv+")`` predict vs the split-conformal predict with one
  base model, per fold model (goal <= 2x);
* the local softmax gate fit vs the tree gate, on the same out-of-fold predictions (goal within 5x);
* ``ConformalQuantileRegressor(QuantileAggregator(...), method="cv+")`` fit vs the aggregator's fit
  alone (goal <= 1.3x; the conformal reuses the aggregator's folds, fold models and out-of-fold
  predictions) on a shipped data set (diamonds) and on 20k rows, with the share of the aggregator's
  fit spent in the weight solve for coarse/medium/fine weights (goal < 10% at 20k rows; issue 13.2).

Times are CPU seconds of this process (``time.process_time``; single thread), best of
``repeats`` runs, each run looping the call until it lasts at least ``min_time``: the machine is a
shared 2-core box whose load inflates wall times, CPU time much less. Wall seconds are kept beside
(``wall_seconds``, same best-of rule). Ratios use CPU time.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._harness import Cell, headline, markdown_table, record

AREA = "quantile"
KIND = "cost_curve"
LEVELS = np.round(np.arange(1, 20) / 20, 10)  # 19 levels, as in the table


def _best(func, *, repeats=5, warmup=1, min_time=0.0):
    """Best-of-``repeats`` CPU and wall seconds per call of ``func()``."""
    for _ in range(warmup):
        func()
    cpu, wall = [], []
    for _ in range(repeats):
        n, c0, w0 = 0, time.process_time(), time.perf_counter()
        while True:
            func()
            n += 1
            if time.perf_counter() - w0 >= min_time:
                break
        cpu.append((time.process_time() - c0) / n)
        wall.append((time.perf_counter() - w0) / n)
    return min(cpu), min(wall)


def _once(func):
    c0, w0 = time.process_time(), time.perf_counter()
    out = func()
    return out, time.process_time() - c0, time.perf_counter() - w0


def _data(n, seed=0, n_features=10):
    """Heteroscedastic regression: y = sin(x0) + x1 + (0.5 + |x2|) eps (the gate has regions to find)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y = np.sin(X[:, 0]) + X[:, 1] + (0.5 + np.abs(X[:, 2])) * rng.normal(size=n)
    return X, y


# --------------------------------------------------------------------------- #
# isotonic repair vs np.sort
# --------------------------------------------------------------------------- #
def _iso_matrix(n, K, noise, seed=0):
    """Normal quantiles at K levels plus noise (``noise`` x their spread); "decreasing" reverses them."""
    from scipy.stats import norm

    base = norm.ppf(np.arange(1, K + 1) / (K + 1))[None, :]
    rng = np.random.default_rng(seed)
    if noise == "decreasing":
        return np.repeat(base[:, ::-1], n, axis=0) + 1e-3 * rng.normal(size=(n, K))
    return base + float(noise) * rng.normal(size=(n, K))


def cell_isotonic(Ks, noises, elements, repeats):
    """``isotonic_quantiles`` vs ``np.sort(axis=1)`` on matrices of about ``elements`` entries."""
    from statlearn.quantile import isotonic_quantiles

    out = []
    for K in Ks:
        n = max(elements // K, 20)
        worst = None
        for noise in noises:
            Q = _iso_matrix(n, K, noise)
            crossing = float((np.diff(Q, axis=1) < 0).any(axis=1).mean())
            c_iso, w_iso = _best(lambda Q=Q: isotonic_quantiles(Q), repeats=repeats, warmup=2, min_time=0.02)
            c_sort, w_sort = _best(lambda Q=Q: np.sort(Q, axis=1), repeats=repeats, warmup=1, min_time=0.02)
            ratio = c_iso / c_sort
            out.append(record(KIND, path="isotonic", size=K, n_rows=n, setting=f"noise {noise}",
                              method="isotonic_quantiles", seconds=c_iso, wall_seconds=w_iso,
                              floor="np.sort", floor_seconds=c_sort, ratio=ratio, crossing_rows=crossing,
                              repeats=repeats))
            if worst is None or ratio > worst[0]:
                worst = (ratio, noise)
        ratio, noise = worst
        passed = ratio <= 1.5
        out.append(headline(f"isotonic_quantiles / np.sort, K={K} ({n} rows), worst of noise levels "
                            f"{', '.join(map(str, noises))} (CPU)", ratio, "<= 1.5", passed, unit="x",
                            reason=None if passed else f"worst: noise {noise}. The kernel is O(K) (time per entry "
                            "flat in K); np.sort is numpy's vectorised AVX-512 sort here, pool-adjacent-violators "
                            "a sequential pass with a data-dependent branch and a division per pooling step"))
    return out


# --------------------------------------------------------------------------- #
# weight solves (and the gates) on real out-of-fold predictions
# --------------------------------------------------------------------------- #
def _bases(quick, seed):
    """Four base families (as the quality cells of bench_quantile, smaller)."""
    import quantile_forest as qf  # in the bench extra
    from sklearn.ensemble import HistGradientBoostingRegressor

    from statlearn.quantile import LinearQuantileRegressor, MultiQuantileRegressor

    n_trees = 30 if quick else 100
    return [
        ("linear", LinearQuantileRegressor(quantiles=LEVELS)),
        ("hgb", MultiQuantileRegressor(HistGradientBoostingRegressor(
            loss="quantile", max_iter=30 if quick else 100, max_leaf_nodes=15, random_state=seed),
            quantiles=LEVELS)),
        ("qrf", qf.RandomForestQuantileRegressor(n_estimators=n_trees, min_samples_leaf=5, max_features=0.5,
                                                 random_state=seed)),
        ("etqrf", qf.ExtraTreesQuantileRegressor(n_estimators=n_trees, min_samples_leaf=5, max_features=0.5,
                                                 random_state=seed)),
    ]


_WEIGHT_REASON = {
    "fine": "fine is m LPs of p*m weights each (medium: m LPs of p); HiGHS simplex work grows with the columns",
    "coarse": "coarse is one LP of n*m rows (medium: m LPs of n rows); simplex work grows faster than the rows",
}


def cell_weights(n, cv, quick, repeats, gates=True, gate_repeats=1, seed=0):
    """Base fits (out of fold + refit, inside ``QuantileAggregator.fit``), then every weight solve and
    both local gates on the same out-of-fold tensor."""
    from sklearn.frozen import FrozenEstimator

    from statlearn.quantile import QuantileAggregator, aggregation_weights

    X, y = _data(n, seed)
    agg = QuantileAggregator(_bases(quick, seed), quantiles=LEVELS, weights="medium", cv=cv, random_state=seed)
    _, c_fit, w_fit = _once(lambda: agg.fit(X, y))
    Z = agg.oof_predictions_
    solves = {}
    for kind in ("medium", "coarse", "fine"):
        solves[kind] = _best(lambda kind=kind: aggregation_weights(Z, y, LEVELS, weights=kind),
                             repeats=repeats, warmup=1)
    c_bases = c_fit - solves["medium"][0]  # the fit's own medium solve is not a base fit
    p = Z.shape[1]
    info = dict(size=n, n_models=p, n_quantiles=LEVELS.size, cv=cv, repeats=repeats,
                base_fits_seconds=c_bases, base_fits_wall_seconds=w_fit)
    out = []
    for kind, (c, w) in solves.items():
        out.append(record(KIND, path="weights", setting=f"{kind} solve", method=f"aggregation_weights({kind})",
                          seconds=c, wall_seconds=w, floor="medium solve", floor_seconds=solves["medium"][0],
                          ratio=c / solves["medium"][0], fraction_of_base_fits=c / c_bases, **info))
    worst = max(("coarse", "fine"), key=lambda k: solves[k][0])
    r = solves[worst][0] / solves["medium"][0]
    out.append(headline(f"weight solve / medium solve, n={n}, {p} models x 19 levels, slowest of coarse/fine "
                        f"({worst}; CPU)", r, "<= 2", r <= 2, unit="x",
                        reason=None if r <= 2 else _WEIGHT_REASON[worst]))
    frac = max(c for c, _ in solves.values()) / c_bases
    out.append(headline(f"slowest weight solve / base fits ({cv}-fold out of fold + refit), n={n} (CPU)",
                        100 * frac, "< 10", frac < 0.10, unit="%",
                        reason=None if frac < 0.10 else "the base fits are cheap quick-mode models"))
    if gates:
        frozen = [(nm, FrozenEstimator(e)) for nm, e in agg.named_estimators_.items()]
        g, few = {}, slice(0, 300)
        for local in ("tree", "softmax"):
            model = QuantileAggregator(frozen, quantiles=LEVELS, weights="medium", local=local, random_state=seed)
            model.fit(X[few], y[few], base_predictions=Z[few])  # warm-up (numba, imports) on 300 rows
            g[local] = _best(lambda model=model: model.fit(X, y, base_predictions=Z), repeats=gate_repeats,
                             warmup=0)
        for local, (c, w) in g.items():
            out.append(record(KIND, path="gate", setting=f"local={local!r}, medium",
                              method=f"QuantileAggregator(local={local!r}).fit", seconds=c, wall_seconds=w,
                              floor="tree gate fit", floor_seconds=g["tree"][0], ratio=c / g["tree"][0],
                              fraction_of_base_fits=c / c_bases, **info))
        r = g["softmax"][0] / g["tree"][0]
        out.append(headline(f"softmax gate fit / tree gate fit, n={n}, medium, frozen bases (CPU)", r, "<= 5",
                            r <= 5, unit="x",
                            reason=None if r <= 5 else "L-BFGS on p*m*(d+1) gate parameters makes one pass over "
                            "the n x p x m tensor per evaluation, many evaluations; the tree gate is one tree + one "
                            "small LP per leaf"))
    return out


# --------------------------------------------------------------------------- #
# CV+ predict vs split predict
# --------------------------------------------------------------------------- #
def cell_cvplus(n, n_test, cv, repeats, seed=0):
    """Predict cost of CV+ (``cv`` fold models) vs split conformal (one model), per fold model."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    from statlearn.quantile import ConformalQuantileRegressor, MultiQuantileRegressor

    X, y = _data(n + n_test, seed)
    Xtr, ytr, Xte = X[:n], y[:n], X[n:]
    base = MultiQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=20, max_leaf_nodes=15,
                                                                random_state=seed), quantiles=LEVELS)
    split = ConformalQuantileRegressor(base, quantiles=LEVELS, method="split", random_state=seed).fit(Xtr, ytr)
    cvp = ConformalQuantileRegressor(base, quantiles=LEVELS, method="cv+", cv=cv, random_state=seed).fit(Xtr, ytr)
    c_s, w_s = _best(lambda: split.predict_quantiles(Xte), repeats=repeats, warmup=1, min_time=0.02)
    c_c, w_c = _best(lambda: cvp.predict_quantiles(Xte), repeats=repeats, warmup=1, min_time=0.02)
    c_b, _ = _best(lambda: split.estimator_.predict_quantiles(Xte), repeats=repeats, warmup=1, min_time=0.02)
    ratio = c_c / (cv * c_s)
    out = [record(KIND, path="cv+", size=n, setting=f"{n_test} test rows, {cv} folds", n_test=n_test, cv=cv,
                  method="cv+ predict_quantiles", seconds=c_c, wall_seconds=w_c,
                  floor=f"{cv} x split predict_quantiles", floor_seconds=cv * c_s, split_seconds=c_s,
                  base_predict_seconds=c_b, ratio=ratio, repeats=repeats)]
    out.append(headline(f"cv+ predict / ({cv} x split predict), {n} calibration rows, {n_test} test rows, "
                        "HGB x 19 levels (CPU)", ratio, "<= 2", ratio <= 2, unit="x",
                        reason=None if ratio <= 2 else "the order statistic over the folds' sorted score segments "
                        "(binary search per fold, O(F^2 log^2 n) per row and level) outweighs a cheap base "
                        "model's predict and grows with log^2 n"))
    return out


# --------------------------------------------------------------------------- #
# CV+ around an aggregator reuses its out-of-fold fits (issue 13.2; owned by `reuse`)
# --------------------------------------------------------------------------- #
def _reuse_data(name, n, seed):
    if name == "synthetic":
        return _data(n, seed)
    import statlearn.datasets as ds

    bunch = getattr(ds, f"load_{name}")(as_frame=False)
    X, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.float64)
    idx = np.random.default_rng(seed).permutation(len(y))[:n]
    y = y[idx]
    return X[idx], (y - y.mean()) / y.std()


def _reuse_overhead(agg, X, y, kind):
    """CPU seconds of what CV+ adds to a fitted aggregator (keep_fold_estimators=True) for weights
    ``kind``: the per-fold weight solves, the out-of-fold aggregated rows and their scores."""
    from sklearn.base import clone

    from statlearn.quantile.conformity_scores import CQRScore

    a = clone(agg).set_params(weights=kind)
    for k, v in vars(agg).items():  # the fitted state (fold models, OOF tensor), weights refitted below
        if k.endswith("_") or k.startswith("_"):
            setattr(a, k, v)
    Z = agg.oof_predictions_
    a._set_combiner(a._fit_combiner(Z, y, agg.quantiles_, np.ones(len(y)), None))

    def run():
        comb = a._fold_combiners(X, y)
        CQRScore().scores(np.sort(a._oof_quantiles(X, comb), axis=1), y)

    return _once(run)[1]


def cell_reuse(name, n, cv, quick, kinds, end_to_end, seed=0):
    """``ConformalQuantileRegressor(aggregator, method="cv+")`` fit vs the aggregator's fit alone (goal
    <= 1.3x), and the share of the aggregator's fit spent in the weight solve (goal < 10%)."""
    from sklearn.base import clone

    from statlearn.quantile import ConformalQuantileRegressor, QuantileAggregator, aggregation_weights

    X, y = _reuse_data(name, n, seed)
    bases = _bases(quick, seed)
    if quick and n > 5_000:
        bases = bases[:2]  # linear + boosting: the 20k quick cell stays cheap
    p = len(bases)
    info = dict(dataset=name, size=n, n_models=p, n_quantiles=LEVELS.size, cv=cv,
                base_fits_reused=(cv + 1) * p, base_fits_nested=cv * (cv + 1) * p)
    out, medium = [], None
    for kind in kinds:
        agg = QuantileAggregator(bases, quantiles=LEVELS, weights=kind, cv=cv, random_state=seed)
        if kind not in end_to_end and medium is not None:  # projected from the medium fit (see `method`)
            c_bases, fitted = medium
            Z = fitted.oof_predictions_
            c_solve = _best(lambda kind=kind, Z=Z: aggregation_weights(Z, y, LEVELS, weights=kind), repeats=1,
                            warmup=0)[0]
            c_agg = c_bases + c_solve
            c_conf = c_agg + _reuse_overhead(fitted, X, y, kind)
            how = "projected: medium fit's base fits + this solve (+ reuse overhead)"
        else:
            fitted_alone, c_agg, _ = _once(lambda agg=agg: clone(agg).fit(X, y))
            conf = ConformalQuantileRegressor(clone(agg), quantiles=LEVELS, method="cv+", cv=cv)
            _, c_conf, _ = _once(lambda conf=conf: conf.fit(X, y))
            Z = fitted_alone.oof_predictions_
            c_solve = _best(lambda kind=kind, Z=Z: aggregation_weights(Z, y, LEVELS, weights=kind), repeats=1,
                            warmup=0)[0]
            how = "measured end to end"
            if kind == "medium":
                medium = (c_agg - c_solve, conf.estimator_)
        out.append(record(KIND, path="reuse", setting=f"{name}, {kind}", method="cv+ conformal fit (reuse)",
                          seconds=c_conf, floor="QuantileAggregator.fit", floor_seconds=c_agg,
                          ratio=c_conf / c_agg, weight_solve_seconds=c_solve, weight_solve_share=c_solve / c_agg,
                          weights=kind, how=how, **info))
    rows = [r for r in out if r["path"] == "reuse"]
    worst = max(rows, key=lambda r: r["ratio"])
    out.append(headline(f"cv+ conformal fit / aggregator fit, {name} n={n}, {p} models x 19 levels, cv={cv}, "
                        f"worst of {'/'.join(kinds)} ({worst['weights']}; base fits {(cv + 1) * p} instead of "
                        f"{cv * (cv + 1) * p} nested; CPU)", worst["ratio"], "<= 1.3", worst["ratio"] <= 1.3,
                        unit="x", reason=None if worst["ratio"] <= 1.3 else
                        "the per-fold weight solves outweigh the base fits of cheap quick-mode models"))
    if n >= 20_000:
        for r in rows:
            share = 100 * r["weight_solve_share"]
            out.append(headline(f"weight solve / aggregator fit, {name} n={n}, {r['weights']}, {p} models x 19 "
                                f"levels, cv={cv} (CPU)", share, "< 10", share < 10, unit="%",
                                reason=None if share < 10 else _WEIGHT_REASON.get(r["weights"], "") +
                                "; the base models are cheap quick-mode ones"))
    return out


def cells(mode):
    full = mode == "full"
    Ks = (9, 19, 99, 999, 9999) if full else (9, 19, 99, 999)
    out = [Cell(AREA, "cost_isotonic", cell_isotonic,
                {"Ks": Ks, "noises": (0.01, 0.1, 1.0, "decreasing"), "elements": 2_000_000 if full else 400_000,
                 "repeats": 7 if full else 5})]
    for n in ((2_000, 20_000, 200_000) if full else (2_000, 20_000)):
        out.append(Cell(AREA, f"cost_weights_{n}", cell_weights,
                        {"n": n, "cv": 5 if full else 3, "quick": not full, "repeats": 3 if n <= 20_000 else 1,
                         "gates": n <= (20_000 if full else 2_000), "gate_repeats": 2 if n <= 2_000 else 1}))
        if n <= 20_000:
            out.append(Cell(AREA, f"cost_cvplus_{n}", cell_cvplus,
                            {"n": n, "n_test": 2_000, "cv": 5, "repeats": 5 if full else 3}))
    kinds = ("coarse", "medium", "fine")
    out.append(Cell(AREA, "cost_reuse_diamonds", cell_reuse,
                    {"name": "diamonds", "n": 20_000 if full else 2_000, "cv": 5 if full else 3, "quick": not full,
                     "kinds": ("medium", "coarse", "fine"), "end_to_end": kinds if full else ("medium",)}))
    out.append(Cell(AREA, "cost_reuse_20000", cell_reuse,
                    {"name": "synthetic", "n": 20_000, "cv": 5 if full else 3, "quick": not full,
                     "kinds": ("medium", "coarse", "fine"), "end_to_end": kinds if full else ("medium",)}))
    return out


# --------------------------------------------------------------------------- #
# report
# --------------------------------------------------------------------------- #
def _figure(rows, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2))
    iso = [r for r in rows if r["path"] == "isotonic"]
    ax = axes[0]
    for i, s in enumerate(dict.fromkeys(r["setting"] for r in iso)):
        sel = sorted((r for r in iso if r["setting"] == s), key=lambda r: r["size"])
        K = [r["size"] for r in sel]
        ax.plot(K, [r["seconds"] / r["n_rows"] * 1e6 for r in sel], "o-", color=f"C{i}",
                label=f"isotonic_quantiles, {s}")
        ax.plot(K, [r["floor_seconds"] / r["n_rows"] * 1e6 for r in sel], "x--", color=f"C{i}", alpha=0.6,
                label=f"np.sort, {s}")
    ax.set_title("isotonic repair vs np.sort")
    ax.set_xlabel("levels per row K")
    ax.set_ylabel("CPU time per row (µs)")

    def by_size(path, label_of):
        ax_rows = [r for r in rows if r["path"] == path]
        series = {}
        for r in ax_rows:
            series.setdefault(label_of(r), []).append((r["size"], r["seconds"]))
        return ax_rows, series

    w_rows, series = by_size("weights", lambda r: r["method"])
    ax = axes[1]
    for lab, pts in series.items():
        pts.sort()
        ax.plot(*zip(*pts, strict=True), "o-", label=lab)
    base = sorted({(r["size"], r["base_fits_seconds"]) for r in w_rows})
    if base:
        ax.plot(*zip(*base, strict=True), "s--", color="k", label="base fits (OOF + refit)")
    ax.set_title("weight solves, 4 models x 19 levels")
    ax.set_xlabel("training rows n")
    ax.set_ylabel("CPU time (s)")

    cv_rows = sorted((r for r in rows if r["path"] == "cv+"), key=lambda r: r["size"])
    ax = axes[2]
    if cv_rows:
        n = [r["size"] for r in cv_rows]
        ax.plot(n, [r["seconds"] for r in cv_rows], "o-", label="cv+ predict_quantiles")
        ax.plot(n, [r["floor_seconds"] for r in cv_rows], "x--", label="folds x split predict_quantiles")
        ax.plot(n, [r["split_seconds"] for r in cv_rows], "s:", label="split predict_quantiles (1 model)")
    ax.set_title(f"conformal predict, {cv_rows[0]['n_test'] if cv_rows else ''} test rows")
    ax.set_xlabel("calibration rows n")
    ax.set_ylabel("CPU time (s)")

    g_rows, series = by_size("gate", lambda r: r["method"])
    ax = axes[3]
    for lab, pts in series.items():
        pts.sort()
        ax.plot(*zip(*pts, strict=True), "o-", label=lab)
    ax.set_title("local gate fit (frozen bases, medium)")
    ax.set_xlabel("training rows n")
    ax.set_ylabel("CPU time (s)")
    from matplotlib.ticker import NullFormatter

    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # 2e3..2e5: minor labels overlap
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6.5)
    fig.suptitle("statlearn.quantile hot paths: time vs size (log-log; solid = statlearn path, dashed = its floor)")
    fig.tight_layout()
    fig.savefig(outdir / "quantile_cost_curves.png", dpi=110)
    plt.close(fig)
    return "quantile_cost_curves.png"


def report_section(records, outdir):
    """Markdown for the records above (called from bench_quantile.report); saves the figure."""
    from pathlib import Path

    rows = [r for r in records if r.get("kind") == KIND]
    if not rows:
        return ""
    parts = ["\n### Cost curves of the hot paths vs their floors (issue 19; best-of CPU seconds, one process)\n",
             "ratio = seconds / floor_seconds. Goals: isotonic <= 1.5x np.sort; each weight solve <= 2x the "
             "medium solve and < 10% of the base fits (fraction_of_base_fits); cv+ predict <= 2x the split "
             "predict per fold model; softmax gate <= 5x the tree gate; cv+ conformal fit around an aggregator "
             "<= 1.3x the aggregator's fit, its weight solve < 10% of that fit at 20k rows (reuse).\n"]
    for path in ("isotonic", "weights", "cv+", "gate", "reuse"):
        sel = [r for r in rows if r["path"] == path]
        if not sel:
            continue
        cols = ["size", "setting", "method", "seconds", "floor", "floor_seconds", "ratio"]
        if path == "isotonic":
            cols = ["size", "n_rows", "setting", "crossing_rows", "seconds", "floor_seconds", "ratio"]
        elif path in ("weights", "gate"):
            cols += ["fraction_of_base_fits", "base_fits_seconds"]
        elif path == "reuse":
            cols = ["dataset", "size", "weights", "cv", "seconds", "floor_seconds", "ratio", "weight_solve_seconds",
                    "weight_solve_share", "base_fits_reused", "base_fits_nested", "how"]
        parts.append(f"\n**{path}**\n\n" + markdown_table(sel, cols))
    name = _figure(rows, Path(outdir))
    parts.append(f"\n![cost curves: time vs size, log-log]({name})\n")
    return "\n".join(parts)
