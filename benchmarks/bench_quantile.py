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
N_SPLITS = 5


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
# Demographic groups, fixed per data set up front (never chosen from the results): two attributes per
# data set, so every family intersects and ``group_calibration="auto"`` picks conditional calibration
# (Gibbs, Cherian & Candes 2023). Every level of an attribute is a group, except that levels holding less
# than MIN_GROUP_SHARE of the data set's rows are merged into the smallest level at or above that share
# (wage: race "Other", 1.2% of rows, joins "Asian"): a 250-row calibration set would hold about 3 rows of
# such a level. (Leaving those rows in no group of the attribute puts them outside the span of the
# calibration design, where conditional calibration can only return infinite intervals.) Every row is
# thus in exactly one group of each attribute. Age bands are fixed per data set from its age range.
MIN_GROUP_SHARE = 0.05
GROUPS = {
    "cps1988": "ethnicity (cauc, afam) and region (4)",
    "gss_wages": "gender and age band (18-34, 35-54, 55+)",
    "meps": "sex and race/ethnicity (black, hispanic, neither)",
    "randhie": "sex and age band (<18, 18-39, 40+)",
    "k401ksubs": "sex and age band (<35, 35-49, 50+)",
    "wage": "race (White, Black, Asian/Other: Other has 1.2% of rows) and age band (<35, 35-54, 55+)",
}
LEVELS = {0.8: (1, 17), 0.9: (0, 18)}  # nominal coverage -> (lower, upper) index among the 19 levels
OURS = "statlearn aggregator + CQR"
OURS_GROUPS = "statlearn aggregator + CQR, group-conditional"
OURS_CVPLUS = "statlearn aggregator + CV+ (one fit, its folds reused; split 0 only in quick mode)"


def _bands(values, edges, labels):
    return np.asarray(labels, dtype=object)[np.digitize(np.asarray(values, dtype=np.float64), edges)]


def _group_attributes(name, f):
    """The two demographic attributes of a data set frame (label per row), or None."""
    if name == "cps1988":
        return {"ethnicity": f["ethnicity"].astype(str).to_numpy(), "region": f["region"].astype(str).to_numpy()}
    if name == "gss_wages":
        return {"gender": f["gender"].astype(str).to_numpy(),
                "age": _bands(f["age"], [35, 55], ["18-34", "35-54", "55+"])}
    if name == "meps":
        race = np.where(f["black"] == 1, "black", np.where(f["hisp"] == 1, "hispanic", "neither"))
        return {"sex": np.where(f["female"] == 1, "female", "male"), "race": race}
    if name == "randhie":
        return {"sex": np.where(f["female"] == 1, "female", "male"),
                "age": _bands(f["xage"], [18, 40], ["<18", "18-39", "40+"])}
    if name == "k401ksubs":
        return {"sex": np.where(f["male"] == 1, "male", "female"),
                "age": _bands(f["age"], [35, 50], ["<35", "35-49", "50+"])}
    if name == "wage":
        return {"race": f["race"].astype(str).str.slice(3).to_numpy(),
                "age": _bands(f["age"], [35, 55], ["<35", "35-54", "55+"])}
    return None


def load_groups(name):
    """Boolean membership matrix (n_rows, n_groups) and group names of a data set (None, [] without groups)."""
    import statlearn.datasets as ds

    if name not in GROUPS:
        return None, []
    frame = getattr(ds, f"load_{name}")(as_frame=True).data
    attrs = _group_attributes(name, frame)
    cols, names = [], []
    for attr, labels in attrs.items():
        levels, counts = np.unique(labels.astype(str), return_counts=True)
        share = counts / counts.sum()
        big = [lv for lv, s in zip(levels, share, strict=True) if s >= MIN_GROUP_SHARE]
        small = [lv for lv, s in zip(levels, share, strict=True) if s < MIN_GROUP_SHARE]
        merged = {lv: lv for lv in big}
        if small:
            into = min(big, key=lambda lv: share[list(levels).index(lv)])
            for lv in small:
                merged[lv] = into
            merged[into] = into + "/" + "/".join(small)
            for lv in small:
                merged[lv] = merged[into]
        mapped = np.array([merged[v] for v in labels.astype(str)], dtype=object)
        for level in sorted(set(mapped.tolist())):
            cols.append(mapped == level)
            names.append(f"{attr}={level}")
    return np.column_stack(cols), names


def _hgb(mode, seed, loss="quantile"):
    from sklearn.ensemble import HistGradientBoostingRegressor

    quick = mode == "quick"
    return HistGradientBoostingRegressor(loss=loss, max_iter=30 if quick else 200, learning_rate=0.1,
                                         max_leaf_nodes=15 if quick else 31, random_state=seed)


def _lgbm(mode, seed, alpha=0.5):
    import lightgbm as lgb

    quick = mode == "quick"
    return lgb.LGBMRegressor(objective="quantile", alpha=alpha, n_estimators=30 if quick else 200,
                             learning_rate=0.1 if quick else 0.05, num_leaves=15 if quick else 31,
                             verbose=-1, random_state=seed, n_jobs=1)


def _qrf_settings(mode, seed):
    return dict(n_estimators=30 if mode == "quick" else 100, min_samples_leaf=5, max_features=0.5, random_state=seed)


def _bases(q, mode, seed):
    """Our aggregator's four base models (fixed in advance; LightGBM is a peer, not a base)."""
    from statlearn.quantile import LinearQuantileRegressor, MultiQuantileRegressor

    qf = optional_import("quantile_forest")
    bases = {
        "linear QR": LinearQuantileRegressor(quantiles=q),
        "HGB per level": MultiQuantileRegressor(_hgb(mode, seed), quantiles=q),
    }
    if qf is not None:
        bases["quantile forest"] = MultiQuantileRegressor(
            qf.RandomForestQuantileRegressor(**_qrf_settings(mode, seed)), quantiles=q)
        bases["extra-trees QRF"] = MultiQuantileRegressor(
            qf.ExtraTreesQuantileRegressor(**_qrf_settings(mode, seed)), quantiles=q)
    return bases


def _mapie_cqr(est, XA, yA, XC, yC, Xt, level):
    """MAPIE 1.x split CQR (fit on XA, conformalize on XC): interval (m, 2) and fit+conformalize seconds."""
    mapie = optional_import("mapie.regression")
    if mapie is None:
        return None, None
    import logging

    logging.disable(logging.INFO)  # MAPIE logs "The predictions are ill-sorted." at INFO level
    try:
        t0 = time.process_time()
        m = mapie.ConformalizedQuantileRegressor(est, confidence_level=level).fit(XA, yA).conformalize(XC, yC)
        seconds = time.process_time() - t0
        _, pis = m.predict_interval(Xt)
    finally:
        logging.disable(logging.NOTSET)
    return np.asarray(pis)[:, :, 0], seconds


class _DropGroupColumns:
    """A prefit point model seen by MAPIE's conditional regressor on ``[X, G]``: predicts from ``X`` only."""

    def __init__(self, estimator, n_features):
        self.estimator, self.n_features, self.fitted_ = estimator, n_features, True

    def get_params(self, deep=True):
        return {"estimator": self.estimator, "n_features": self.n_features}

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        return self.estimator.predict(np.asarray(X)[:, :self.n_features])

    def __sklearn_is_fitted__(self):
        return True


def _group_features(Z, n_features):
    """MAPIE feature map: an intercept and the group indicators (the columns after the features)."""
    Z = np.asarray(Z, dtype=np.float64)
    return np.hstack([np.ones((Z.shape[0], 1)), Z[:, n_features:]])


def _mapie_conditional(point, XC, yC, GC, Xt, Gt, levels):
    """MAPIE's ConditionalSplitConformalRegressor (Gibbs et al., absolute residual score of a point model) with
    the group indicators as its finite feature map. Its cutoff depends on a test row only through the feature map,
    so it is computed once per distinct membership pattern and checked against MAPIE's own prediction on a few rows.
    Returns {level: interval (m, 2)} and the conformalize seconds."""
    ccp = optional_import("mapie.conditional_conformal_prediction")
    if ccp is None or optional_import("cvxpy") is None:
        return None, None
    from functools import partial

    p = XC.shape[1]
    t0 = time.process_time()
    m = ccp.ConditionalSplitConformalRegressor(
        partial(_group_features, n_features=p), estimator=_DropGroupColumns(point, p),
        confidence_level=list(levels), prefit=True).conformalize(np.hstack([XC, GC]), yC)
    seconds = time.process_time() - t0
    Zt = np.hstack([Xt, Gt.astype(np.float64)])
    _, first, inv = np.unique(Gt, axis=0, return_index=True, return_inverse=True)
    yp_rep, I_rep = m.predict_interval(Zt[first])
    yp = point.predict(Xt)
    inv = inv.ravel()
    out = {}
    for j, level in enumerate(levels):
        lo = yp - (yp_rep - I_rep[:, 0, j])[inv]
        hi = yp + (I_rep[:, 1, j] - yp_rep)[inv]
        out[level] = np.column_stack([lo, hi])
    check = np.unique(np.r_[0, len(yp) // 2, len(yp) - 1])
    _, I_chk = m.predict_interval(Zt[check])
    for j, level in enumerate(levels):
        if not np.allclose(I_chk[:, :, j], out[level][check], rtol=1e-7, atol=1e-7):
            raise RuntimeError("MAPIE conditional: per-pattern cutoffs differ from MAPIE's own predict_interval")
    return out, seconds


def _interval_record_of(name, family, yt, intervals, Q19, q, Gt, GC, fit_seconds, info, crossing=None,
                     group_names=()):
    """One row of the interval table: IS/coverage/width at 80% and 90%, WIS (19 levels), per-group counts."""
    from statlearn.quantile import crossing_rate, interval_score, weighted_interval_score

    rec = dict(table="intervals", method=name, family=family, fit_seconds=fit_seconds, **info)
    for level, I2 in intervals.items():
        tag = int(round(100 * level))
        lo, hi = I2[:, 0], I2[:, 1]
        cov = (yt >= lo) & (yt <= hi)
        rec[f"is{tag}"] = interval_score(yt, lo, hi, level)  # inf (stored as None) if a bound is infinite
        rec[f"infinite{tag}"] = float(np.mean(~(np.isfinite(lo) & np.isfinite(hi))))
        rec[f"cov{tag}"] = float(cov.mean())
        rec[f"width{tag}"] = float(np.mean(hi - lo))  # likewise
        if Gt is not None:
            rec[f"gcov{tag}"] = [int(c) for c in (cov[:, None] & Gt).sum(axis=0)]
    rec["has_wis"] = Q19 is not None  # MAPIE's CQR gives one interval per fit: no 19-level WIS
    rec["wis"] = None if Q19 is None else weighted_interval_score(yt, Q19, q)
    rec["crossing"] = crossing if crossing is not None else (None if Q19 is None else crossing_rate(Q19))
    if Gt is not None:
        rec["groups"] = list(group_names)
        rec["gtest"] = [int(c) for c in Gt.sum(axis=0)]
        rec["gcal"] = [int(c) for c in GC.sum(axis=0)]
    return record(**rec)


def cell_dataset(name, mode, split, n_max, n_train, cv, seed=0, time_alone=True):
    """One split of one data set: the aggregator table (relative WIS of bases and variants) and the interval
    table (ours, marginal and group-conditional, against the peers), the fit-time ratio, and engel's fan."""
    import pandas as pd
    from sklearn.base import clone
    from sklearn.frozen import FrozenEstimator

    import statlearn.datasets as ds
    from statlearn.quantile import (
        ConformalQuantileRegressor,
        MultiQuantileRegressor,
        QuantileAggregator,
        crossing_rate,
        isotonic_quantiles,
        minmax_quantiles,
        sort_quantiles,
        weighted_interval_score,
    )

    cpu0 = time.process_time()
    bunch = getattr(ds, f"load_{name}")(as_frame=False)
    X, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.float64)
    G_all, gnames = load_groups(name)
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
    GC = None if G_all is None else G_all[C]
    Gt = None if G_all is None else G_all[te]
    q = np.round(np.arange(1, 20) / 20, 10)
    s = seed + split
    bases = _bases(q, mode, s)
    names = list(bases)
    out = []
    base_info = dict(dataset=name, split=split, n_fit=len(A), n_cal=len(C), n_test=len(te))

    # our pipeline: the library-default aggregator (weights="medium", sort repair) of the four bases, then
    # split CQR (library defaults) on the calibration rows, marginal and with the demographic groups
    t0 = time.process_time()
    first = QuantileAggregator(list(bases.values()), quantiles=q, cv=cv, random_state=s).fit(XA, yA)
    t_agg = time.process_time() - t0
    t0 = time.process_time()
    cqr = ConformalQuantileRegressor(FrozenEstimator(first), quantiles=q).fit(XC, yC)
    t_cal = time.process_time() - t0
    Q_ours = cqr.predict_quantiles(Xt)
    Z, frozen = first.oof_predictions_, [FrozenEstimator(e) for e in first.estimators_]
    base_test = first.predict_base_quantiles(Xt)

    # ---- relative WIS of the bases and of the aggregator variants (fitted on the same OOF predictions) ----
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
    for label, kind, local in VARIANTS:
        if mode == "quick" and local == "softmax":  # the softmax gate is a sixth of a quick cell's CPU
            continue
        t0 = time.process_time()
        agg = QuantileAggregator(frozen, quantiles=q, weights=kind, local=local, max_leaf_nodes=4,
                                 random_state=s).fit(XA, yA, base_predictions=Z)
        t_fit = time.process_time() - t0
        raw = agg.predict_quantiles(Xt, repair=False)
        for rep, Qr in (("none", raw), ("sort", sort_quantiles(raw)), ("isotonic", isotonic_quantiles(raw)),
                        ("minmax", minmax_quantiles(raw, q))):
            w = weighted_interval_score(yt, Qr, q)
            out.append(record(table="wis", method=label, family="aggregator", repair=rep, wis=w, rel_wis=w / best,
                              crossing=crossing_rate(Qr), fit_seconds=t_fit, **base_info))

    # ---- intervals: ours vs the peers ----
    def pairs(Q):
        return {level: Q[:, [a, b]] for level, (a, b) in LEVELS.items()}

    def _interval_record(*args, **kw):
        return _interval_record_of(*args, group_names=gnames, **kw)

    rows = [_interval_record(OURS, "statlearn", yt, pairs(Q_ours), Q_ours, q, Gt, GC, t_agg + t_cal, base_info)]
    if G_all is not None:
        try:  # a failure of this one method is reported as such and does not hide the cell's other methods
            t0 = time.process_time()
            cqr_g = ConformalQuantileRegressor(FrozenEstimator(first), quantiles=q).fit(
                XC, yC, groups=pd.DataFrame(GC, columns=gnames))  # named groups: warnings name them
            t_cal_g = time.process_time() - t0
            Q_g = cqr_g.predict_quantiles(Xt, groups=pd.DataFrame(Gt, columns=gnames))
        except Exception as exc:
            out.append(record(table="method_error", method=OURS_GROUPS, error=f"{type(exc).__name__}: {exc}",
                              **base_info))
        else:
            rows.append(_interval_record(OURS_GROUPS, "statlearn", yt, pairs(Q_g), Q_g, q, Gt, GC, t_agg + t_cal_g,
                                         dict(base_info, group_calibration=cqr_g.group_calibration_)))
    raw_agg = first.predict_quantiles(Xt)
    rows.append(_interval_record("statlearn aggregator (no conformal)", "statlearn", yt, pairs(raw_agg), raw_agg, q,
                                 Gt, GC, t_agg, base_info))
    hgb_j = names.index("HGB per level")
    Q_hgb = ConformalQuantileRegressor(frozen[hgb_j], quantiles=q).fit(XC, yC).predict_quantiles(Xt)
    rows.append(_interval_record("statlearn HGB + CQR", "statlearn", yt, pairs(Q_hgb), Q_hgb, q, Gt, GC, None,
                                 base_info))
    # MAPIE CQR: HGB and LightGBM quantile models (same sizes as ours), one fit + conformalize per level
    peers = {"MAPIE CQR (HGB)": lambda: _hgb(mode, s)}
    if optional_import("lightgbm") is not None:
        peers["MAPIE CQR (LightGBM)"] = lambda: _lgbm(mode, s)
    for label, make in peers.items():
        got = {level: _mapie_cqr(make(), XA, yA, XC, yC, Xt, level) for level in LEVELS}
        if any(v[0] is None for v in got.values()):
            continue
        I = {level: v[0] for level, v in got.items()}
        cross = max(float(np.mean(v[:, 0] > v[:, 1])) for v in I.values())
        rows.append(_interval_record(label, "peer", yt, I, None, q, Gt, GC, sum(v[1] for v in got.values()),
                                     base_info, crossing=cross))
    if G_all is not None:
        t0 = time.process_time()
        point = _hgb(mode, s, loss="squared_error").fit(XA, yA)
        t_point = time.process_time() - t0
        I, t_conf = _mapie_conditional(point, XC, yC, GC, Xt, Gt, tuple(LEVELS))
        if I is not None:
            cross = max(float(np.mean(v[:, 0] > v[:, 1])) for v in I.values())
            rows.append(_interval_record("MAPIE conditional (HGB, abs. residual)", "peer", yt, I, None, q, Gt, GC,
                                         t_point + t_conf, base_info, crossing=cross))
    # models without calibration get every training row
    XT, yT = X[tr], y[tr]
    qf = optional_import("quantile_forest")
    if qf is not None:
        t0 = time.process_time()
        forest = qf.RandomForestQuantileRegressor(**_qrf_settings(mode, s)).fit(XT, yT)
        t_f = time.process_time() - t0
        Q_f = np.asarray(forest.predict(Xt, quantiles=list(q)))
        rows.append(_interval_record("quantile-forest (own intervals)", "peer", yt, pairs(np.sort(Q_f, axis=1)),
                                     np.sort(Q_f, axis=1), q, Gt, GC, t_f, base_info, crossing=crossing_rate(Q_f)))
    if optional_import("lightgbm") is not None:
        t0 = time.process_time()
        lg = MultiQuantileRegressor(_lgbm(mode, s), quantiles=q).fit(XT, yT)
        t_l = time.process_time() - t0
        Q_l = lg.predict_quantiles(Xt)
        rows.append(_interval_record("LightGBM per level", "peer", yt, pairs(np.sort(Q_l, axis=1)),
                                     np.sort(Q_l, axis=1), q, Gt, GC, t_l, base_info, crossing=crossing_rate(Q_l)))
    out += rows

    # ---- fit time: the conformalized aggregator vs the aggregator alone, on the same training rows ----
    t_alone = t_cvp = None
    if time_alone:
        t0 = time.process_time()
        QuantileAggregator([clone(b) for b in bases.values()], quantiles=q, cv=cv, random_state=s).fit(XT, yT)
        t_alone = time.process_time() - t0
        if "keep_fold_estimators" in QuantileAggregator().get_params():  # CV+ reuses the aggregator's folds
            try:  # reported per method if it fails; the cell's other methods stand
                t0 = time.process_time()
                cvp = ConformalQuantileRegressor(
                    QuantileAggregator([clone(b) for b in bases.values()], quantiles=q, cv=cv, random_state=s),
                    quantiles=q, method="cv+", cv=cv).fit(XT, yT)
                t_cvp = time.process_time() - t0
                Q_cvp = cvp.predict_quantiles(Xt)
            except Exception as exc:
                t_cvp = None
                out.append(record(table="method_error", method=OURS_CVPLUS, error=f"{type(exc).__name__}: {exc}",
                                  **base_info))
            else:
                out.append(_interval_record(OURS_CVPLUS, "statlearn", yt, pairs(Q_cvp), Q_cvp, q, Gt, GC, t_cvp,
                                            dict(base_info, oof_reused=bool(getattr(cvp, "oof_reused_", False)))))
    out.append(record(table="timing", aggregator_fit_seconds=t_agg, calibration_seconds=t_cal,
                      conformal_fit_seconds=t_agg + t_cal, aggregator_alone_seconds=t_alone,
                      ratio=None if t_alone is None else (t_agg + t_cal) / t_alone, cvplus_fit_seconds=t_cvp,
                      cvplus_ratio=None if t_cvp is None else t_cvp / t_alone, **base_info))
    if name == "engel" and split == 0:
        grid = np.geomspace(X[:, 0].min(), X[:, 0].max(), 120)[:, None]
        out.append(record("fan", dataset=name, x=grid[:, 0], quantiles=q,
                          y_quantiles=cqr.predict_quantiles(grid) * sd + mu,
                          x_points=X[:, 0], y_points=y * sd + mu))
    out.append(record(table="cpu", cpu_seconds=time.process_time() - cpu0, **base_info))
    return out


def cells(mode):
    out = [
        Cell(AREA, "speed_isotonic", cell_speed_isotonic,
             {"shapes": [(20000, 19, 1000), (2000, 99, 250)]}),
        Cell(AREA, "speed_wis", cell_speed_wis, {"shapes": [(200000, 19), (20000, 99)]}),
    ]
    # quick (`make bench`): 12 sets x 5 splits, at most 3,000 rows of which 1,000 train (750 fit, 250
    # calibration), small base models, 3 inner folds; the aggregator-alone timing fit only on split 0.
    # full: 14 sets x 5 splits, up to 20,000 rows (90% train), the papers' model sizes, 5 inner folds.
    sets = QUICK_DATASETS if mode == "quick" else DATASETS
    for name in sets:
        for split in range(N_SPLITS):
            kw = ({"n_max": 3000, "n_train": 1000, "cv": 3, "time_alone": split == 0} if mode == "quick"
                  else {"n_max": 20000, "n_train": None, "cv": 5, "time_alone": True})
            out.append(Cell(AREA, f"data_{name}_{split}", cell_dataset,
                            {"name": name, "mode": mode, "split": split, **kw}))
    # ---- quantile3: cost curves (benchmarks/_quantile_cost.py) ----
    from benchmarks._quantile_cost import cells as cost_cells

    out += cost_cells(mode)
    # ---- end quantile3 ----
    from benchmarks._quantile_lqr import cells as lqr_cells  # LinearQuantileRegressor at scale

    out += lqr_cells(mode)
    from benchmarks._quantile_sequential import cells as sequential_cells  # aci: issue 13.6 (sequences)

    out += sequential_cells(mode)
    return out


# --------------------------------------------------------------------------- #
# report
# --------------------------------------------------------------------------- #
GAP_LEVEL = 0.9  # worst-group coverage gap at the 90% intervals


def _mean(vals):
    vals = [v for v in vals if v is not None]
    return float(np.mean(vals)) if vals else None


def _mean_inf(vals):
    """Mean over splits; a split with an infinite score (stored as None) makes it infinite."""
    vals = list(vals)
    if not vals:
        return None
    return float("inf") if any(v is None for v in vals) else float(np.mean(vals))


def pooled_intervals(records):
    """Per (data set, method): mean scores over splits, coverage pooled over the splits' test rows with its
    binomial standard error, and the worst group's coverage gap (nominal - coverage, at GAP_LEVEL) with its s.e.

    Standard errors: ``se_test = sqrt(p (1 - p) / N)`` over the N pooled test rows (the goal's "test standard
    error"); ``se_all`` adds the spread of split-conformal coverage over calibration draws (a Beta law of
    variance about ``p (1 - p) / (n_cal + 2)`` per split), i.e. the s.e. of the split-averaged coverage."""
    rows = [r for r in records if r.get("table") == "intervals"]
    out = {}
    for key in dict.fromkeys((r["dataset"], r["method"]) for r in rows):
        rs = [r for r in rows if (r["dataset"], r["method"]) == key]
        n_test = sum(r["n_test"] for r in rs)
        n_cal = sum(r["n_cal"] + 2 for r in rs)
        st = {"dataset": key[0], "method": key[1], "family": rs[0]["family"], "n_splits": len(rs),
              "n_test": n_test, "wis": _mean_inf(r["wis"] for r in rs) if rs[0]["has_wis"] else None,
              "fit_seconds": _mean(r["fit_seconds"] for r in rs),
              "crossing": max((r["crossing"] for r in rs if r["crossing"] is not None), default=None)}
        for level in LEVELS:
            tag = int(round(100 * level))
            st[f"is{tag}"] = _mean_inf(r[f"is{tag}"] for r in rs)
            cov = sum(r[f"cov{tag}"] * r["n_test"] for r in rs) / n_test
            st[f"cov{tag}"] = cov
            st[f"se{tag}"] = float(np.sqrt(level * (1 - level) / n_test))
            st[f"se_all{tag}"] = float(np.sqrt(level * (1 - level) * (1 / n_test + 1 / n_cal)))
        if rs[0].get("groups") is not None and rs[0].get("gtest") is not None:
            tag = int(round(100 * GAP_LEVEL))
            gt = np.sum([r["gtest"] for r in rs], axis=0)
            gc = np.sum([r[f"gcov{tag}"] for r in rs], axis=0)
            gcal = np.sum([np.asarray(r["gcal"]) + 2 for r in rs], axis=0)
            cov_g = gc / np.maximum(gt, 1)
            gap = GAP_LEVEL - cov_g
            j = int(np.argmax(gap))
            st.update(groups=rs[0]["groups"], group_coverage=cov_g.tolist(), group_test=gt.tolist(),
                      group_cal=(gcal - 2 * len(rs)).tolist(), worst_group=rs[0]["groups"][j],
                      gap=float(gap[j]), gap_se=float(np.sqrt(GAP_LEVEL * (1 - GAP_LEVEL) / gt[j])),
                      gap_se_all=float(np.sqrt(GAP_LEVEL * (1 - GAP_LEVEL) * (1 / gt[j] + 1 / gcal[j]))))
        out[key] = st
    return out


def _goal_rows(records):
    """One row per data set: ours vs the best peer on IS@80/IS@90/WIS, coverage, worst-group gap, fit time."""
    pooled = pooled_intervals(records)
    timing = [r for r in records if r.get("table") == "timing" and r.get("ratio") is not None]
    rows = []
    for d in dict.fromkeys(k[0] for k in pooled):
        ours = pooled.get((d, OURS))
        if ours is None:
            continue
        peers = [v for (dd, _), v in pooled.items() if dd == d and v["family"] == "peer"]
        row = {"dataset": d, "n_splits": ours["n_splits"]}
        for key in ("is80", "is90", "wis"):
            cand = [p for p in peers if p[key] is not None]
            best = min(cand, key=lambda p: p[key]) if cand else None
            row[f"ours {key}"] = ours[key]
            row[f"peer {key}"] = None if best is None else best[key]
            row[f"best peer {key}"] = None if best is None else best["method"]
            row[f"lowest {key}"] = None if best is None or ours[key] is None else bool(ours[key] < best[key])
        for level in LEVELS:
            tag = int(round(100 * level))
            row[f"cov{tag}"] = ours[f"cov{tag}"]
            row[f"cov{tag} met"] = bool(ours[f"cov{tag}"] >= level - 2 * ours[f"se{tag}"])
            row[f"se{tag}"] = ours[f"se{tag}"]
            row[f"se_all{tag}"] = ours[f"se_all{tag}"]
        cond = pooled.get((d, OURS_GROUPS))
        if cond is not None:
            for level in LEVELS:
                tag = int(round(100 * level))
                row[f"cond cov{tag}"] = cond[f"cov{tag}"]
                row[f"cond cov{tag} met"] = bool(cond[f"cov{tag}"] >= level - 2 * cond[f"se{tag}"])
            row.update({"groups": GROUPS.get(d), "marginal gap": ours["gap"], "marginal gap se": ours["gap_se"],
                        "marginal worst group": ours["worst_group"], "cond gap": cond["gap"],
                        "cond gap se": cond["gap_se"], "cond gap se_all": cond["gap_se_all"],
                        "cond worst group": cond["worst_group"], "cond is90": cond["is90"],
                        "cond worst group cal rows": cond["group_cal"][cond["groups"].index(cond["worst_group"])]})
            row["gap met"] = bool(cond["gap"] <= 2 * cond["gap_se"])
            row["marginal misses by more"] = bool(ours["gap"] > 2 * ours["gap_se"] and ours["gap"] > cond["gap"])
        tr = [r["ratio"] for r in timing if r["dataset"] == d]
        row["fit ratio"] = _mean(tr)
        row["fit ratio met"] = None if not tr else bool(np.mean(tr) <= 1.3)
        cv = [r["cvplus_ratio"] for r in timing if r["dataset"] == d and r.get("cvplus_ratio") is not None]
        row["cvplus ratio"] = _mean(cv)
        row["cvplus ratio met"] = None if not cv else bool(np.mean(cv) <= 1.3)
        row["crossing"] = ours["crossing"]
        rows.append(row)
    return rows


def _fmt(v, f=".3f"):
    if v is None:
        return "-"
    if isinstance(v, float) and np.isinf(v):
        return "inf"
    return format(v, f) if isinstance(v, float) else str(v)


def _yes(v):
    return "-" if v is None else ("yes" if v else "**NO**")


def headlines(records):
    """Quality claims over all data sets (the harness calls this after every cell ran)."""
    wis = [r for r in records if r.get("table") == "wis"]
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
                              avg[bestv], "< 1 (beats best single base)", avg[bestv] < 1.0, unit="rel. WIS",
                              reason=None if avg[bestv] < 1.0 else "the best single base is as good on average"))
        heads.append(headline(f"best aggregator ({bestv} + sort): share of data sets beating best base",
                              float(wins), "> 0.5", wins > 0.5, reason=None if wins > 0.5 else
                              "the best base wins on most sets"))
    rows = _goal_rows(records)
    if not rows:
        return heads
    n = len(rows)
    for key, label in (("is80", "IS@80"), ("is90", "IS@90")):
        won = [r for r in rows if r[f"lowest {key}"]]
        lost = [r for r in rows if r[f"lowest {key}"] is False]
        need = min(10, n) if n >= 12 else int(np.ceil(10 / 12 * n))
        reason = None if len(won) >= need else "lost on " + "; ".join(
            f"{r['dataset']} ({_fmt(r[f'ours {key}'])} vs {r[f'best peer {key}']} {_fmt(r[f'peer {key}'])})"
            for r in lost)
        heads.append(headline(f"{OURS}: data sets with the lowest {label} of all peers", len(won),
                              f">= {need} of {n}", len(won) >= need, unit="sets", reason=reason))
    checks = []
    for r in rows:
        for tag in (80, 90):
            checks.append((r["dataset"], "marginal", tag, r[f"cov{tag}"], r[f"se{tag}"], r[f"se_all{tag}"],
                           r[f"cov{tag} met"]))
            if f"cond cov{tag}" in r:
                checks.append((r["dataset"], "group-conditional", tag, r[f"cond cov{tag}"], r[f"se{tag}"],
                               r[f"se_all{tag}"], r[f"cond cov{tag} met"]))
    miss = [c for c in checks if not c[6]]
    heads.append(headline("statlearn aggregator + CQR (marginal and group-conditional): coverage >= nominal - 2 "
                          "test s.e., every data set and level", float(len(checks) - len(miss)),
                          f"{len(checks)} of {len(checks)}", not miss, unit="checks", reason=None if not miss else
                          "missed: " + "; ".join(
                              f"{d} {mode} {tag}%: {cov:.3f} < {tag / 100 - 2 * se:.3f} (s.e. {se:.4f}; "
                              f"{'within' if cov >= tag / 100 - 2 * sa else 'outside'} 2 s.e. counting the "
                              f"calibration draws, {sa:.4f})" for d, mode, tag, cov, se, sa, _ in miss)))
    grp = [r for r in rows if "gap met" in r]
    if grp:
        bad = [r for r in grp if not r["gap met"]]
        heads.append(headline(f"{OURS_GROUPS}: worst-group gap at {GAP_LEVEL:.0%} within 2 test s.e. of 0",
                              float(len(grp) - len(bad)), f"{len(grp)} of {len(grp)} data sets with groups",
                              not bad, unit="sets", reason=None if not bad else "missed: " + "; ".join(
                                  f"{r['dataset']} {r['cond worst group']} gap {r['cond gap']:.3f} > "
                                  f"2 x {r['cond gap se']:.3f} ({r['cond worst group cal rows']} calibration rows "
                                  "over the splits)" for r in bad)))
        more = [r for r in grp if r["marginal misses by more"]]
        heads.append(headline(f"{OURS} (marginal): data sets where its worst-group gap exceeds 2 s.e. and the "
                              "conditional mode's", float(len(more)), "> 0 (the conditional mode is needed)",
                              bool(more), unit="sets", reason=None if more else
                              "marginal CQR already covers every group within noise on these sets"))
    ratios = [r["fit ratio"] for r in rows if r["fit ratio"] is not None]
    if ratios:
        worst = max(ratios)
        heads.append(headline("conformalized aggregator fit / aggregator alone (same training rows, CPU time), "
                              "worst set",
                              worst, "<= 1.3x", worst <= 1.3, unit="x",
                              reason=None if worst <= 1.3 else "calibration costs more than 30% of the fit"))
    cvr = [r["cvplus ratio"] for r in rows if r["cvplus ratio"] is not None]
    if cvr:
        worst = max(cvr)
        heads.append(headline("CV+ conformalized aggregator (its folds reused) fit / aggregator alone (same rows, "
                              "CPU time), worst set", worst, "<= 1.3x", worst <= 1.3, unit="x",
                              reason=None if worst <= 1.3 else "the CV+ fold refits cost more than 30% of the fit"))
    cr = max((r["crossing"] or 0.0) for r in rows)
    heads.append(headline(f"{OURS}: max crossing rate", cr, "0", cr == 0,
                          reason=None if cr == 0 else "conformalized levels crossed"))
    return heads


def summary(records):
    """'What to use when' for the report: the numbers of this run, quoted from the records."""
    wis = [r for r in records if r.get("table") == "wis"]
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
    rows = _goal_rows(records)
    if rows:
        n = len(rows)
        w80 = sum(bool(r["lowest is80"]) for r in rows)
        w90 = sum(bool(r["lowest is90"]) for r in rows)
        wwis = sum(bool(r["lowest wis"]) for r in rows)
        splits = max(r["n_splits"] for r in rows)
        cov = {tag: (_mean([r[f"cov{tag}"] for r in rows]), min(r[f"cov{tag}"] for r in rows)) for tag in (80, 90)}
        lines.append(
            f"- **Intervals**: `ConformalQuantileRegressor(QuantileAggregator(bases))` (library defaults) has the "
            f"lowest interval score of all peers (MAPIE CQR on HGB and LightGBM, MAPIE conditional, quantile-forest, "
            f"LightGBM per level) on {w80} of {n} data sets at 80% and {w90} of {n} at 90% ({wwis} of {n} on WIS), "
            f"{splits} splits each; coverage {cov[80][0]:.3f} at 80% (lowest set {cov[80][1]:.3f}) and "
            f"{cov[90][0]:.3f} at 90% (lowest {cov[90][1]:.3f}); its levels never cross.")
        grp = [r for r in rows if "gap met" in r]
        if grp:
            parts = [f"{r['dataset']} {r['marginal gap']:+.3f} -> {r['cond gap']:+.3f}" for r in grp]
            met = sum(r["gap met"] for r in grp)
            lines.append(
                f"- **Per-group coverage**: `ConformalQuantileRegressor(...).fit(X, y, groups=G)` (Mondrian for "
                f"disjoint groups, conditional calibration for intersecting ones). Worst-group shortfall at "
                f"{GAP_LEVEL:.0%} (nominal - coverage), marginal -> group-conditional: " + "; ".join(parts) +
                f"; within 2 test s.e. of 0 on {met} of {len(grp)} sets. Use it when a group must keep its "
                "coverage; it costs interval width where groups are small.")
        ratios = [r["fit ratio"] for r in rows if r["fit ratio"] is not None]
        if ratios:
            cvr = [r["cvplus ratio"] for r in rows if r["cvplus ratio"] is not None]
            more = f"; CV+ reusing the aggregator's folds {min(cvr):.2f}-{max(cvr):.2f}x" if cvr else ""
            lines.append(f"- **Cost**: conformalizing the aggregator (split CQR) takes {min(ratios):.2f}-"
                         f"{max(ratios):.2f}x the aggregator's own fit on the same training rows{more}.")
    else:
        lines.append("- **Per-group coverage**: `ConformalQuantileRegressor(...).fit(X, y, groups=G)` (Mondrian for "
                     "disjoint groups, conditional calibration for intersecting ones).")
    lines.append("- **Large linear problems**: `LinearQuantileRegressor(solver=\"auto\")` (interior point above "
                 "5,000 rows).")
    return "\n".join(lines)


def _figure_group_coverage(records, outdir, plt):
    pooled = pooled_intervals(records)
    sets = [d for d in dict.fromkeys(k[0] for k in pooled) if (d, OURS_GROUPS) in pooled]
    if not sets:
        return None
    methods = [(OURS, "marginal CQR (ours)", "C1"), (OURS_GROUPS, "group-conditional CQR (ours)", "C0"),
               ("MAPIE conditional (HGB, abs. residual)", "MAPIE conditional", "C2")]
    ncol = min(3, len(sets))
    nrow = int(np.ceil(len(sets) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(max(4.6 * ncol, 9.0), 3.4 * nrow + 0.6), squeeze=False)
    lo_all, hi_all = GAP_LEVEL, GAP_LEVEL
    for ax, d in zip(axes.ravel(), sets, strict=False):
        ref = pooled[(d, OURS_GROUPS)]
        groups = ref["groups"]
        x = np.arange(len(groups))
        shown = [(m, lab, c) for m, lab, c in methods if (d, m) in pooled]
        w = 0.8 / len(shown)
        for i, (m, lab, c) in enumerate(shown):
            st = pooled[(d, m)]
            cov = np.asarray(st["group_coverage"])
            se = np.sqrt(GAP_LEVEL * (1 - GAP_LEVEL) / np.maximum(np.asarray(st["group_test"]), 1))
            ax.bar(x + (i - (len(shown) - 1) / 2) * w, cov, w, yerr=2 * se, color=c, label=lab, capsize=2,
                   error_kw={"lw": 0.8})
            lo_all, hi_all = min(lo_all, float((cov - 2 * se).min())), max(hi_all, float((cov + 2 * se).max()))
        ax.axhline(GAP_LEVEL, color="k", lw=0.9, ls="--", label=f"nominal {GAP_LEVEL:.0%}")
        ax.set_xticks(x)
        ax.set_xticklabels(groups, rotation=35, ha="right", fontsize=7)
        ax.set_title(f"{d} ({ref['n_splits']} splits, {ref['n_test']} test rows)", fontsize=9)
        ax.set_ylabel("coverage of the 90% interval", fontsize=8)
    for ax in axes.ravel()[len(sets):]:
        ax.axis("off")
    pad = 0.01
    for ax in axes.ravel()[:len(sets)]:
        ax.set_ylim(max(0.0, lo_all - pad), min(1.0, hi_all + pad))
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle("Per-group coverage at 90%, pooled over splits (error bars: 2 test s.e.)", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    fig.savefig(outdir / "quantile_group_coverage.png", dpi=110)
    plt.close(fig)
    return "quantile_group_coverage.png"


def _figure_fan(f, outdir, plt):
    """Fan chart on log-log axes (income and food expenditure are right-skewed; the axes span the data and
    the fan's finite bounds); one legend entry per central interval."""
    x, Q, qs = np.asarray(f["x"]), np.asarray(f["y_quantiles"], dtype=np.float64), np.asarray(f["quantiles"])
    xp, yp = np.asarray(f["x_points"]), np.asarray(f["y_points"])
    K = len(qs)
    fig, ax = plt.subplots(figsize=(7, 4.8))
    cmap = plt.get_cmap("Blues")
    handles = []
    for k in range(K // 2):  # k = 0 is the outermost pair
        nominal = qs[K - 1 - k] - qs[k]
        shade = cmap(0.2 + 0.65 * (k + 1) / (K // 2))
        handles.append(ax.fill_between(x, Q[:, k], Q[:, K - 1 - k], color=shade, lw=0, label=f"{nominal:.0%}"))
    (med,) = ax.plot(x, Q[:, K // 2], color="navy", lw=1.5, label="median")
    pts = ax.scatter(xp, yp, s=7, color="k", alpha=0.6, label="data", zorder=3)
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):  # plain numbers at 1, 2, 5 x 10^k; no minor labels
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    finite = Q[np.isfinite(Q).all(axis=1)]
    lo = [float(np.min(yp))] + ([float(finite[:, 0].min())] if finite.size and finite[:, 0].min() > 0 else [])
    hi = [float(np.max(yp))] + ([float(finite[:, -1].max())] if finite.size else [])
    ax.set_ylim(min(lo) / 1.08, max(hi) * 1.08)
    ax.set_xlim(float(x.min()) / 1.04, float(x.max()) * 1.04)
    ax.set_xlabel("household income (log scale)")
    ax.set_ylabel("food expenditure (log scale)")
    ax.set_title(f"{f['dataset']}: conformalized aggregator (library defaults), {K} levels", fontsize=10)
    ax.legend([*handles, med, pts], [h.get_label() for h in [*handles, med, pts]], title="central interval",
              fontsize=7, title_fontsize=7, ncol=2, loc="upper left")
    fig.tight_layout()
    fig.savefig(outdir / "quantile_fan_chart.png", dpi=110)
    plt.close(fig)
    return "quantile_fan_chart.png"


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
        parts.append(markdown_table(heads, ["claim", "value", "target", "passed", "reason"]))
    goal = _goal_rows(records)
    if goal:
        parts.append(f"\n### Intervals: statlearn's pipeline against the peers ({goal[0]['n_splits']} splits per set)"
                     "\n")
        parts.append(
            "Ours: `ConformalQuantileRegressor(QuantileAggregator([linear QR, HGB, quantile forest, extra-trees "
            "QRF]))`, library defaults (medium weights, sort repair, split CQR), 19 levels; fitted on 3/4 of the "
            "training rows, calibrated on 1/4. Peers: MAPIE 1.x `ConformalizedQuantileRegressor` on HGB and on "
            "LightGBM (same split, same model sizes), MAPIE's `ConditionalSplitConformalRegressor` (Gibbs et al.; "
            "absolute residual of an HGB point model, the group indicators as its feature map; MAPIE 1.x has no "
            "Mondrian mode), quantile-forest's own intervals and LightGBM per level (both on every training row, "
            "levels sorted). Scores in units of sd(y); means over splits; coverage pooled over the splits' test "
            "rows. 'met?' for coverage: >= nominal - 2 test s.e. (binomial over the pooled test rows). "
            "No hyper-parameter of ours was chosen on these splits.\n")
        srows = []
        for r in goal:
            srows.append({"dataset": r["dataset"], "IS@80 ours": _fmt(r["ours is80"]),
                          "best peer IS@80": f"{_fmt(r['peer is80'])} ({r['best peer is80']})",
                          "lowest@80?": _yes(r["lowest is80"]), "IS@90 ours": _fmt(r["ours is90"]),
                          "best peer IS@90": f"{_fmt(r['peer is90'])} ({r['best peer is90']})",
                          "lowest@90?": _yes(r["lowest is90"]), "WIS ours": _fmt(r["ours wis"], ".4f"),
                          "best peer WIS": f"{_fmt(r['peer wis'], '.4f')} ({r['best peer wis']})",
                          "cov@80 (met?)": f"{_fmt(r['cov80'])} ({_yes(r['cov80 met'])})",
                          "cov@90 (met?)": f"{_fmt(r['cov90'])} ({_yes(r['cov90 met'])})",
                          "fit ratio (met?)": "-" if r["fit ratio"] is None else
                          f"{r['fit ratio']:.2f}x ({_yes(r['fit ratio met'])})",
                          "CV+ fit ratio (met?)": "-" if r["cvplus ratio"] is None else
                          f"{r['cvplus ratio']:.2f}x ({_yes(r['cvplus ratio met'])})"})
        parts.append(markdown_table(srows, list(srows[0])))
        grows = [r for r in goal if "gap met" in r]
        if grows:
            parts.append(f"\n### Worst-group coverage gap at {GAP_LEVEL:.0%} (nominal - coverage of the worst "
                         "group, pooled over splits; +/- 2 test s.e.)\n")
            parts.append(f"Groups fixed in advance (two demographic attributes per set; a level under "
                         f"{MIN_GROUP_SHARE:.0%} of the rows joins the smallest level above it). The group-"
                         "conditional mode is `fit(X, y, groups=G)` with `group_calibration=\"auto\"` (here "
                         "conditional: the families intersect). 'met?': gap <= 2 test s.e.\n")
            gt = [{"dataset": r["dataset"], "groups": r["groups"],
                   "marginal: worst group": r["marginal worst group"],
                   "marginal gap": f"{r['marginal gap']:+.3f} +/- {2 * r['marginal gap se']:.3f}",
                   "conditional: worst group": r["cond worst group"],
                   "conditional gap": f"{r['cond gap']:+.3f} +/- {2 * r['cond gap se']:.3f}",
                   "its calibration rows": r["cond worst group cal rows"],
                   "met?": _yes(r["gap met"]), "marginal misses by more?": _yes(r["marginal misses by more"]),
                   "cond cov@80/90": f"{_fmt(r['cond cov80'])} / {_fmt(r['cond cov90'])}",
                   "cond IS@90": _fmt(r["cond is90"])} for r in grows]
            parts.append(markdown_table(gt, list(gt[0])))
            fig = _figure_group_coverage(records, outdir, plt)
            if fig:
                parts.append(f"\n![per-group coverage, marginal vs group-conditional]({fig})\n")
        pooled = pooled_intervals(records)
        full = [{"dataset": v["dataset"], "method": v["method"], "IS@80": _fmt(v["is80"]), "IS@90": _fmt(v["is90"]),
                 "WIS": _fmt(v["wis"], ".4f"), "cov@80": _fmt(v["cov80"]), "cov@90": _fmt(v["cov90"]),
                 "worst-group gap@90": "-" if "gap" not in v else f"{v['gap']:+.3f} ({v['worst_group']})",
                 "fit CPU s": _fmt(v["fit_seconds"], ".2f"), "crossing": _fmt(v["crossing"])}
                for v in pooled.values()]
        parts.append("\n### Every method on every set (means over splits)\n")
        parts.append("Fit seconds: CPU time (one thread) of fit (+ conformalize) per split, immune to cells running "
                     "side by side; "
                     "statlearn HGB + CQR reuses the aggregator's fitted HGB (no fit time). MAPIE's CQR makes one "
                     "interval per fit, so it has no WIS over 19 levels.\n")
        parts.append(markdown_table(full, list(full[0])))
        merr = [r for r in records if r.get("table") == "method_error"]
        if merr:
            parts.append("\n**Methods that failed** (their rows are missing above; the rest of the cell ran):\n")
            parts.append(markdown_table(merr, ["dataset", "split", "method", "error"]))
        cpu = [r for r in records if r.get("table") == "cpu"]
        if cpu:
            parts.append(f"\nCPU time of the {len(cpu)} data-set cells: {sum(r['cpu_seconds'] for r in cpu):.0f} s "
                         f"(largest cell {max(r['cpu_seconds'] for r in cpu):.1f} s).\n")
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
            if not any(r["method"] == m for r in wis):
                continue
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
    fans = [r for r in records if r["kind"] == "fan"]
    if fans:
        parts.append(f"\n![fan chart]({_figure_fan(fans[0], outdir, plt)})\n")
    # ---- quantile3: cost curves (benchmarks/_quantile_cost.py) ----
    from benchmarks._quantile_cost import report_section as cost_section

    parts.append(cost_section(records, outdir))
    # ---- end quantile3 ----
    from benchmarks._quantile_lqr import report_section as lqr_section

    parts.append(lqr_section(records, outdir))
    from benchmarks._quantile_sequential import report_section as sequential_section  # aci: issue 13.6

    parts.append(sequential_section(records, outdir))
    errs = [r for r in records if r["kind"] == "error"]
    if errs:
        parts.append("\n### Errors\n" + markdown_table(errs, ["cell", "error"]))
    return "\n".join(parts)
