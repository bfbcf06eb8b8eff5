"""Fuzz specs of statlearn.quantile (owner: quantile)."""

import numpy as np

from statlearn import quantile as q

from . import data
from .core import Arg, Scalar, estimator_specs, func_spec, weight_arg

NOT_FUZZABLE = {}
LEVELS = (0.1, 0.5, 0.9)


def _levels(value=LEVELS):
    """A quantile-levels Arg: must be sorted, in (0, 1)."""
    v = np.asarray(value, dtype=float)
    return Arg(v, "levels", rows=False, extra={"unsorted": (v[::-1], "invalid"),
                                               "outside_0_1": (np.array([0.1, 0.5, 1.5]), "invalid")})


# documented (issue 18): conformal calibration returns infinite bounds by construction, and the
# metrics accept them; coverage counts them, widths and scores are inf explicitly (tested in
# tests/quantile/test_metrics.py::test_infinite_bounds_are_accepted_and_scored_explicitly)
INF_OK = {"inf": "documented: infinite bounds (conformal output) are accepted; coverage counts them, "
                 "widths and scores are inf explicitly"}


def _metric_specs():
    y, Q, lv = data.quantile_predictions()
    w = weight_arg(len(y))
    Y, Yq = Arg(y), Arg(Q, skip=INF_OK)
    return [
        func_spec(q.pinball_loss, y_true=Y, y_quantiles=Yq, quantiles=_levels(), sample_weight=w),
        func_spec(q.coverage, y_true=Y, y_quantiles=Yq, sample_weight=w),
        func_spec(q.coverage, id="coverage[groups]", y_true=Y, y_quantiles=Yq, groups=Arg(data.groups(len(y)), "bool")),
        func_spec(q.crossing_rate, y_quantiles=Yq),
        func_spec(q.interval_width, y_quantiles=Yq, sample_weight=w),
        func_spec(q.interval_score, y_true=Y, lower=Arg(Q[:, 0], skip=INF_OK), upper=Arg(Q[:, 2], skip=INF_OK),
                  sample_weight=w, fixed={"confidence_level": 0.8}),
        func_spec(q.weighted_interval_score, y_true=Y, y_quantiles=Yq, quantiles=_levels(), sample_weight=w),
        func_spec(q.quantile_calibration_error, y_true=Y, y_quantiles=Yq, quantiles=_levels(), sample_weight=w),
    ]


def _repair_specs():
    _, Q, _ = data.quantile_predictions()
    Qc = Q.copy()
    Qc[::4] = Qc[::4, ::-1]  # every fourth row crosses
    Yc = Arg(Qc)
    return [
        func_spec(q.sort_quantiles, y_quantiles=Yc),
        func_spec(q.isotonic_quantiles, y_quantiles=Yc, sample_weight=Arg(np.array([1.0, 2.0, 1.0]), "weight",
                                                                          rows=False)),
        func_spec(q.minmax_quantiles, y_quantiles=Yc, quantiles=_levels()),
        func_spec(q.repair_quantiles, y_quantiles=Yc, quantiles=_levels(), fixed={"method": "isotonic"}),
    ]


def _aggregation_specs():
    X, y = data.regression()
    base = q.LinearQuantileRegressor(quantiles=LEVELS).fit(X, y).predict_quantiles(X)
    B = np.stack([base, base + np.random.default_rng(8).normal(scale=0.3, size=base.shape)], axis=1)
    return [func_spec(q.aggregation_weights, base_predictions=Arg(B), y=Arg(y), quantiles=_levels(),
                      sample_weight=weight_arg(len(y)))]


def _scorer_specs():
    X, y = data.regression()
    est = q.LinearQuantileRegressor(quantiles=LEVELS).fit(X, y)
    return [func_spec(s, X=Arg(X), y=Arg(y), fixed={"estimator": est})
            for s in (q.pinball_scorer, q.weighted_interval_scorer)]


def _estimator_specs():
    X, y = data.regression()
    L = q.LinearQuantileRegressor
    makers = {
        "LinearQuantileRegressor": lambda: L(quantiles=LEVELS),
        "MultiQuantileRegressor": lambda: q.MultiQuantileRegressor(L(quantiles=(0.5,)), quantiles=LEVELS),
        "NonCrossingQuantileRegressor": lambda: q.NonCrossingQuantileRegressor(L(quantiles=LEVELS),
                                                                               method="isotonic"),
        "ConformalQuantileRegressor": lambda: q.ConformalQuantileRegressor(L(), quantiles=LEVELS, random_state=0),
        "QuantileAggregator": lambda: q.QuantileAggregator([L(), L(fit_intercept=False)], quantiles=LEVELS,
                                                           cv=3, random_state=0),
    }
    weighted = {"LinearQuantileRegressor", "MultiQuantileRegressor", "QuantileAggregator"}
    specs = []
    for name, make in makers.items():
        fit = {"X": Arg(X), "y": Arg(y)}
        if name in weighted:
            fit["sample_weight"] = weight_arg(len(y))
        methods = {"predict": {"X": Arg(X)}, "predict_quantiles": {"X": Arg(X)},
                   "score": {"X": Arg(X), "y": Arg(y)}}
        if name == "ConformalQuantileRegressor":
            methods["predict_interval"] = {"X": Arg(X)}
        specs += estimator_specs(name, make, fit, methods)
    cvplus = lambda: q.ConformalQuantileRegressor(L(), quantiles=LEVELS, method="cv+", cv=3,  # noqa: E731
                                                  random_state=0)
    specs += estimator_specs("ConformalQuantileRegressor", cvplus, {"X": Arg(X), "y": Arg(y)},
                             {"predict_quantiles": {"X": Arg(X)}}, tag="[cv+]")
    # issue 13: interior-point level path, group-conditional conformal (Mondrian for disjoint labels,
    # Gibbs-Cherian-Candes for intersecting indicators), sample weights, levels after the fact
    specs += estimator_specs("LinearQuantileRegressor", lambda: L(quantiles=LEVELS, solver="interior-point"),
                             {"X": Arg(X), "y": Arg(y), "sample_weight": weight_arg(len(y))},
                             {"predict_quantiles": {"X": Arg(X)}}, tag="[interior-point]")
    conf = lambda: q.ConformalQuantileRegressor(L(), quantiles=LEVELS, random_state=0)  # noqa: E731
    labels = np.arange(len(y)) % 2
    G = data.groups(len(y))
    for tag, groups in (("[mondrian]", Arg(labels, "labels")), ("[groups]", Arg(G, "bool"))):
        specs += estimator_specs("ConformalQuantileRegressor", conf,
                                 {"X": Arg(X), "y": Arg(y), "sample_weight": weight_arg(len(y)), "groups": groups},
                                 {"predict_quantiles": {"X": Arg(X), "groups": groups},
                                  "predict_interval": {"X": Arg(X), "groups": groups}}, tag=tag)
    specs += estimator_specs("ConformalQuantileRegressor", conf, {"X": Arg(X), "y": Arg(y)},
                             {"predict_quantiles": {"X": Arg(X), "quantiles": _levels((0.2, 0.5, 0.8))},
                              "predict_interval": {"X": Arg(X), "lower": Scalar(0.1, "prob"),
                                                   "upper": Scalar(0.5, "prob")}},
                             tag="[levels]")
    # issue 13.6: adaptive conformal inference (online): fit, then partial_fit / run on a second batch
    aci = lambda: q.AdaptiveConformalQuantileRegressor(L(), quantiles=LEVELS, gamma=0.05)  # noqa: E731
    aci_methods = {"predict": {"X": Arg(X)}, "predict_quantiles": {"X": Arg(X)}, "predict_interval": {"X": Arg(X)}}
    specs += estimator_specs("AdaptiveConformalQuantileRegressor", aci, {"X": Arg(X), "y": Arg(y)}, aci_methods)

    def run(X, y):  # run() changes the state: a fresh fitted model for every call
        return aci().fit(X_fit, y_fit).run(X, y, confidence_level="all")

    # other calibration targets than the fuzzed batch: with the same rows every score would tie with a
    # calibration score, and a float32 rounding would flip the ties (a miss changes every later alpha_t)
    X_fit, y_fit = X.copy(), y + np.random.default_rng(3).normal(scale=0.5, size=len(y))
    specs.append(func_spec(run, id="AdaptiveConformalQuantileRegressor.run", name="AdaptiveConformalQuantileRegressor",
                           X=Arg(X), y=Arg(y)))
    specs += estimator_specs("AdaptiveConformalQuantileRegressor", aci, {"X": Arg(X), "y": Arg(y)},
                             {"predict_quantiles": {"X": Arg(X)}}, fit_method="partial_fit", method_specs=False)
    # issue 13.5: weighted conformal under covariate shift, with a known ratio and with one estimated by a
    # classifier from unlabelled target rows (X_target: its own row group)
    W = q.WeightedConformalQuantileRegressor
    Xt = X[: len(X) // 2] + 0.5
    shift_methods = {"predict_quantiles": {"X": Arg(X)}, "predict_interval": {"X": Arg(X)},
                     "predict_likelihood_ratio": {"X": Arg(X)}, "predict": {"X": Arg(X)}}
    specs += estimator_specs("WeightedConformalQuantileRegressor",
                             lambda: W(L(), quantiles=LEVELS, likelihood_ratio=_tilt, random_state=0),
                             {"X": Arg(X), "y": Arg(y), "sample_weight": weight_arg(len(y))}, shift_methods,
                             tag="[likelihood_ratio]")
    specs += estimator_specs("WeightedConformalQuantileRegressor",
                             lambda: W(L(), quantiles=LEVELS, random_state=0),
                             {"X": Arg(X), "y": Arg(y), "X_target": Arg(Xt, rows="target")}, shift_methods,
                             tag="[X_target]")
    return specs


def _tilt(X):
    """A likelihood ratio for the fuzz specs (module level, so it pickles)."""
    return np.exp(0.3 * np.tanh(np.asarray(X, dtype=np.float64)[:, 0]))


def _display_specs():
    y, Q, _ = data.quantile_predictions()

    def display(y_true, y_interval, groups):
        import matplotlib.pyplot as plt

        disp = q.CoverageDisplay.from_predictions(y_true, y_interval, groups, confidence_level=0.8)
        plt.close(disp.figure_)
        return disp.coverage.to_numpy()

    return [func_spec(display, id="CoverageDisplay.from_predictions", name="CoverageDisplay", y_true=Arg(y),
                      y_interval=Arg(Q[:, [0, 2]], skip=INF_OK), groups=Arg(data.groups(len(y)), "bool"))]


def build_specs():
    return (_metric_specs() + _repair_specs() + _aggregation_specs() + _scorer_specs() + _estimator_specs()
            + _display_specs())
