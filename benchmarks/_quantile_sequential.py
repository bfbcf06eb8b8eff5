"""Adaptive conformal inference on sequences vs MAPIE's ACI (issue 13.6; owned by `aci`).
Imported by ``bench_quantile.py`` (a delimited hook at the end of its ``cells``).

Two series, each walked online (the interval for ``y_t`` is issued before ``y_t`` is seen):

* ``hotel_rates`` (shipped, :func:`statlearn.datasets.load_hotel_rates`): 15,402 resort-hotel bookings
  in arrival-date order, July 2016 to August 2017; the price is seasonal. The model is trained on the
  first 2,000 rows (about two months), calibrated on the next 1,000, then run over the rest.
* ``drift`` (synthetic, documented): ``y = x b + s_t e_t`` with 2 normal features, ``e_t ~ t_5`` and
  a noise scale ``s_t`` growing linearly from 1 to 3 over the series; train 500, calibrate 500.

Methods, all at 80% and the same ``gamma``:

* ``ours ACI (point, window)``: :class:`AdaptiveConformalQuantileRegressor` on the same fitted point
  model as MAPIE (its prediction as every quantile level, so the CQR score is MAPIE's absolute
  residual) with ``window`` = the calibration size (MAPIE's ``update`` rolls a fixed-size score
  set): the like-for-like comparison of coverage, width and speed;
* ``MAPIE ACI (point)``: ``TimeSeriesRegressor(method="aci", cv="prefit")``, the loop of MAPIE's
  documentation (``adapt_conformal_inference``, ``update``, ``predict`` per step);
* ``ours ACI (CQR)``: ACI over a quantile model's CQR scores (all past scores): adaptive widths;
* ``split CQR (fixed)``: :class:`ConformalQuantileRegressor` calibrated once, never updated.

Reported: coverage, mean width (finite rows; infinite rows counted apart), the worst coverage over
windows of 500 steps, CPU seconds of the online loop (``time.process_time``, single thread; the
base model's own predictions included for every method) and the paper's bound
``(max(alpha, 1 - alpha) + gamma) / (gamma T)``.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from benchmarks._harness import Cell, headline, markdown_table, record

AREA = "quantile"
KIND = "sequential"
GAMMA = 0.005  # the estimator's default (the paper's experiments)
LEVEL = 0.8


def _point_as_quantiles(model, quantiles):
    """A fitted point model seen as a quantile model whose every level is its prediction (CQR's score
    ``max(lo - y, y - hi)`` is then the absolute residual, MAPIE's default score)."""
    from sklearn.base import BaseEstimator, RegressorMixin

    class PointAsQuantiles(RegressorMixin, BaseEstimator):
        def __init__(self, model=None, quantiles=None):
            self.model = model
            self.quantiles = quantiles

        def fit(self, X, y):
            self.quantiles_ = np.asarray(self.quantiles, dtype=float)
            return self

        def predict_quantiles(self, X):
            p = np.asarray(self.model.predict(X), dtype=float)
            return np.repeat(p[:, None], self.quantiles_.size, axis=1)

    return PointAsQuantiles(model, quantiles).fit(None, None)


def _series(name, n_max=None, seed=0):
    """(X, y, n_fit, n_cal) in time order."""
    if name == "hotel_rates":
        from statlearn.datasets import load_hotel_rates

        b = load_hotel_rates()
        X, y = b.data, b.target.to_numpy(dtype=float)
        if n_max is not None:
            X, y = X.iloc[:n_max], y[:n_max]
        # category columns as their codes (MAPIE validates a numeric array); the models treat them as categorical
        cat = np.array([str(t) == "category" for t in X.dtypes])
        Xn = np.column_stack([X[c].cat.codes.to_numpy(float) if k else X[c].to_numpy(float)
                              for c, k in zip(X.columns, cat, strict=True)])
        return Xn, y, 2000, 1000, cat
    rng = np.random.default_rng(seed)
    n = 6000 if n_max is None else n_max
    X = rng.normal(size=(n, 2))
    y = X @ [1.0, -0.5] + np.linspace(1.0, 3.0, n) * rng.standard_t(5, size=n)
    return X, y, 500, 500, None


def _models(name, X, y, n_fit, cat, seed=0):
    """A point model (for MAPIE and the like-for-like run) and a 3-level quantile model, both fitted."""
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import LinearRegression

    from statlearn.quantile import LinearQuantileRegressor, MultiQuantileRegressor

    Xf, yf = X[:n_fit], y[:n_fit]
    if name == "hotel_rates":
        kw = dict(max_iter=100, categorical_features=cat, random_state=seed)
        point = HistGradientBoostingRegressor(**kw).fit(Xf, yf)
        quant = MultiQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", **kw),
                                       quantiles=(0.1, 0.5, 0.9)).fit(Xf, yf)
    else:
        point = LinearRegression().fit(Xf, yf)
        quant = LinearQuantileRegressor(quantiles=(0.1, 0.5, 0.9)).fit(Xf, yf)
    return point, quant


def _rows(X, a, b):
    return X[a:b]


def _stats(method, intervals, y, seconds, **extra):
    lo, hi = intervals[:, 0], intervals[:, 1]
    cov = (lo <= y) & (y <= hi)
    finite = np.isfinite(lo) & np.isfinite(hi)
    w = 500
    roll = np.convolve(cov, np.ones(w) / w, mode="valid") if y.size >= w else np.array([cov.mean()])
    return dict(method=method, coverage=float(cov.mean()), width=float(np.mean((hi - lo)[finite])),
                infinite_rows=int((~finite).sum()), worst_rolling_500=float(roll.min()), seconds=seconds, **extra)


def _run_ours(model, quantiles, Xc, yc, Xs, ys, window, score="cqr"):
    from sklearn.frozen import FrozenEstimator

    from statlearn.quantile import AdaptiveConformalQuantileRegressor

    c0 = time.process_time()
    aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(model), quantiles=quantiles, gamma=GAMMA,
                                             window=window, conformity_score=score).fit(Xc, yc)
    out = aci.run(Xs, ys, confidence_level=LEVEL)
    return out, time.process_time() - c0, aci


def _run_mapie(point, Xc, yc, Xs, ys):
    from mapie.regression import TimeSeriesRegressor

    T = ys.size
    pis = np.empty((T, 2))
    c0 = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = TimeSeriesRegressor(point, method="aci", cv="prefit").fit(Xc, yc)
        _, p = ts.predict(_rows(Xs, 0, 1), confidence_level=LEVEL, allow_infinite_bounds=True)
        pis[0] = p[0, :, 0]
        for s in range(1, T):
            prev = _rows(Xs, s - 1, s)
            ts.adapt_conformal_inference(prev, ys[s - 1:s], gamma=GAMMA, confidence_level=LEVEL)
            ts.update(prev, ys[s - 1:s])
            _, p = ts.predict(_rows(Xs, s, s + 1), confidence_level=LEVEL, allow_infinite_bounds=True)
            pis[s] = p[0, :, 0]
    return pis, time.process_time() - c0


def cell_sequence(name, n_max=None, seed=0):
    """Coverage, width, worst rolling coverage and online-loop CPU time of the four methods."""
    from sklearn.frozen import FrozenEstimator

    from statlearn.quantile import ConformalQuantileRegressor

    X, y, n_fit, n_cal, cat = _series(name, n_max, seed)
    point, quant = _models(name, X, y, n_fit, cat, seed)
    Xc, yc = _rows(X, n_fit, n_fit + n_cal), y[n_fit:n_fit + n_cal]
    Xs, ys = _rows(X, n_fit + n_cal, len(y)), y[n_fit + n_cal:]
    T = ys.size
    alpha = 1.0 - LEVEL
    bound = (max(alpha, 1 - alpha) + GAMMA) / (GAMMA * T)
    q3 = (0.1, 0.5, 0.9)
    common = dict(dataset=name, T=T, n_calibration=n_cal, gamma=GAMMA, level=LEVEL, bound=bound)
    rows = []
    # MAPIE's TimeSeriesRegressor default score is the signed residual, bounds calibrated apart
    # (sym=False): the like-for-like score here is "cqr-asymmetric" on the point model
    ours_pt, s_pt, aci_pt = _run_ours(_point_as_quantiles(point, q3), q3, Xc, yc, Xs, ys, window=n_cal,
                                      score="cqr-asymmetric")
    rows.append(_stats("ours ACI (point, window)", ours_pt, ys, s_pt,
                       paper_miss=float(aci_pt.n_errors_.sum() / T), **common))
    try:
        mapie_pt, s_m = _run_mapie(point, Xc, yc, Xs, ys)
        rows.append(_stats("MAPIE ACI (point)", mapie_pt, ys, s_m, **common))
    except ImportError:
        s_m = None
    ours_q, s_q, aci_q = _run_ours(quant, q3, Xc, yc, Xs, ys, window=None)
    rows.append(_stats("ours ACI (CQR)", ours_q, ys, s_q, paper_miss=float(aci_q.n_errors_[0] / T), **common))
    ours_a, s_a, aci_a = _run_ours(quant, q3, Xc, yc, Xs, ys, window=None, score="cqr-asymmetric")
    rows.append(_stats("ours ACI (CQR-asymmetric)", ours_a, ys, s_a, paper_miss=float(aci_a.n_errors_.sum() / T),
                       **common))
    c0 = time.process_time()
    fixed = ConformalQuantileRegressor(FrozenEstimator(quant), quantiles=q3).fit(Xc, yc).predict_interval(Xs, LEVEL)
    rows.append(_stats("split CQR (fixed)", fixed, ys, time.process_time() - c0, **common))
    out = [record(KIND, **r) for r in rows]
    by = {r["method"]: r for r in rows}
    for m in ("ours ACI (point, window)", "ours ACI (CQR)", "ours ACI (CQR-asymmetric)"):
        # asymmetric: two one-sided misses at 0.1 each; their sum is the interval's miss (disjoint events)
        b = bound if m == "ours ACI (CQR)" else 2 * (max(alpha / 2, 1 - alpha / 2) + GAMMA) / (GAMMA * T)
        gap = abs(by[m]["paper_miss"] - alpha)
        out.append(headline(f"{name}: {m}, |long-run miss - {alpha:.1f}| vs the paper's bound (T={T}, "
                            f"gamma={GAMMA})", gap, f"<= {b:.3g}", gap <= b))
    gap_fixed = abs(by["split CQR (fixed)"]["coverage"] - LEVEL)
    out.append(headline(f"{name}: split CQR calibrated once, |coverage - {LEVEL}| (what ACI corrects)",
                        gap_fixed, f"> {bound:.3g} (misses)", gap_fixed > bound,
                        reason=None if gap_fixed > bound else "no shift large enough on this series for "
                        "fixed split conformal to miss"))
    if s_m is not None:
        ratio = s_m / s_pt
        out.append(headline(f"{name}: MAPIE ACI / ours ACI, online-loop CPU seconds (same point model, "
                            f"{T} steps)", ratio, ">= 10", ratio >= 10, unit="x",
                            reason=None if ratio >= 10 else "the base model's predictions dominate both loops"))
        dcov = by["ours ACI (point, window)"]["coverage"] - by["MAPIE ACI (point)"]["coverage"]
        out.append(headline(f"{name}: ours - MAPIE ACI coverage (same point model, same window)", dcov,
                            f"|.| <= {bound:.3g}", abs(dcov) <= bound, reason=None if abs(dcov) <= bound else
                            "MAPIE clips alpha_t to [0, 1] and uses another finite-sample quantile"))
    return out


def cells(mode):
    full = mode == "full"
    # quick: MAPIE's loop (three single-row predicts of the HGB model per step) costs ~10 ms a step
    return [Cell(AREA, "seq_hotel_rates", cell_sequence, {"name": "hotel_rates", "n_max": None if full else 4200}),
            Cell(AREA, "seq_drift", cell_sequence, {"name": "drift", "n_max": None if full else 4000})]


def report_section(records, outdir=None):
    """Markdown for the records above."""
    rows = [r for r in records if r.get("kind") == KIND]
    if not rows:
        return ""
    parts = ["\n### Sequences: adaptive conformal inference vs MAPIE (issue 13.6; 80% intervals, online)\n",
             f"gamma = {GAMMA} for every ACI; `bound` is the paper's deterministic bound on |long-run miss - "
             "alpha|; seconds = CPU of the whole online loop (base-model predictions included).\n"]
    cols = ["dataset", "T", "method", "coverage", "width", "infinite_rows", "worst_rolling_500", "seconds", "bound"]
    parts.append(markdown_table(rows, cols))
    return "\n".join(parts)
