"""Fuzz specs of statlearn.calibration (owners: calibration, calmetrics)."""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from statlearn import calibration as cal

from . import data
from .core import INVALID, SAME, Arg, Scalar, Spec, estimator_specs, func_spec, weight_arg

NOT_FUZZABLE = {
    "BrierDecomposition": "result container returned by brier_decomposition (fuzzed there)",
}


def _binary_y(y):
    """y_true Arg of a binary metric, with the label-convention mutations of issue 11."""
    n = len(y)
    text = np.where(y == 1, "Yes", "No")
    return Arg(y, "binary", extra={
        "text_labels": (text, INVALID),            # which of "No"/"Yes" is positive? pos_label
        "text_one_label": (np.array(["No"] * n), INVALID),   # a batch of one non-0/1 label
    })


def _display(d):
    return [d.prob_true, d.prob_pred, d.counts]


def _stats(s):
    return [s.counts, s.brier_score(), s.expected_calibration_error(), s.calibration_curve()]


def _metric_specs(y, p, w):
    yb, pb = _binary_y(y), Arg(p, "prob")
    return [
        func_spec(cal.brier_score, y_true=yb, y_prob=pb, sample_weight=w),
        func_spec(cal.balance_score, y_true=yb, y_prob=pb),
        func_spec(cal.smooth_ece, y_true=yb, y_prob=pb, bandwidth=Scalar(0.1, "float", extra={
            "tiny": (1e-9, "either")})),
        func_spec(cal.expected_calibration_error, y_true=yb, y_prob=pb, sample_weight=w,
                  fixed={"n_bins": 5}),
        func_spec(cal.calibration_curve, y_true=yb, y_prob=pb, sample_weight=w, fixed={"n_bins": 5}),
        func_spec(cal.brier_decomposition, y_true=yb, y_prob=pb, fixed={"n_bins": 5}),
        func_spec(cal.smooth_calibration_curve, y_true=yb, y_prob=pb, sample_weight=w,
                  fixed={"n_bootstrap": 5, "n_points": 21, "random_state": 0}),
    ]


def _multiclass_specs():
    y3, P3 = data.multiclass()
    y12 = np.where(y3 == 0, 1, y3)  # labels 1..2 with 3 probability columns: 0- or 1-based?
    ym = Arg(y3, "labels", extra={"labels_1_to_2": (y12, INVALID), "labels_from_1": (y3 + 1, SAME)})
    return [
        func_spec(cal.brier_score, id="brier_score[multiclass]", y_true=ym, y_prob=Arg(P3, "prob")),
        func_spec(cal.expected_calibration_error, id="expected_calibration_error[top_label]",
                  y_true=ym, y_prob=Arg(P3, "prob"), fixed={"target": "top_label", "n_bins": 5}),
    ]


def _stats_specs(y, p):
    edges = np.linspace(0, 1, 6)

    def stats_update(edges, y_true, y_prob):
        s = cal.CalibrationStats(edges)
        s.update(y_true, y_prob)
        return _stats(s)

    def stats_merge(y_true, y_prob):
        a = cal.CalibrationStats.from_predictions(y_true[:30], y_prob[:30], bins=5)
        b = cal.CalibrationStats.from_predictions(y_true[30:], y_prob[30:], bins=5)
        return _stats(a.merge(b)) + _stats(sum([a, b]))

    not_covering = Arg(edges, "levels", rows=False, extra={
        "not_covering": (np.array([0.2, 0.5, 0.8]), INVALID), "unsorted": (edges[::-1], INVALID)})
    return [
        func_spec(stats_update, id="CalibrationStats.update", edges=not_covering,
                  y_true=_binary_y(y), y_prob=Arg(p, "prob")),
        func_spec(cal.CalibrationStats.from_predictions, id="CalibrationStats.from_predictions",
                  y_true=_binary_y(y), y_prob=Arg(p, "prob"), fixed={"bins": 5}, out=_stats),
        Spec("CalibrationStats.merge", lambda: stats_merge(y, p)),
    ]


def _display_specs(y, p, G):
    def from_groups(**kw):
        res = cal.ReliabilityDisplay.from_groups(**kw, n_bins=5, n_bootstrap=5, random_state=0)
        return {k: [_display(d) for d in v] for k, v in res.items()}

    est = LogisticRegression().fit(*data.classification())
    X, yc = data.classification()
    return [
        func_spec(cal.ReliabilityDisplay.from_predictions, id="ReliabilityDisplay.from_predictions",
                  y_true=_binary_y(y), y_prob=Arg(p, "prob"), fixed={"n_bins": 5, "n_bootstrap": 5,
                                                                     "random_state": 0}, out=_display),
        func_spec(from_groups, id="ReliabilityDisplay.from_groups", y_true=_binary_y(y),
                  y_prob=Arg(p, "prob"), groups=Arg(G, "bool")),
        func_spec(cal.ReliabilityDisplay.from_estimator, id="ReliabilityDisplay.from_estimator",
                  X=Arg(X), y=_binary_y(yc), fixed={"estimator": est, "n_bins": 5}, out=_display),
    ]


def _multicalibrator_specs():
    X, y = data.classification()
    G = data.groups()
    Gf = data.groups_frame()

    def make():
        return cal.MultiCalibrator(LogisticRegression(), min_cell_size=5, random_state=0)

    methods = {"predict_proba": {"X": Arg(X), "groups": Arg(G, "bool")},
               "predict": {"X": Arg(X), "groups": Arg(G, "bool")},
               "score": {"X": Arg(X), "y": _binary_y(y), "groups": Arg(G, "bool")}}
    specs = estimator_specs("MultiCalibrator", make, {"X": Arg(X), "y": _binary_y(y), "groups": Arg(G, "bool")},
                            methods)
    framed = Arg(Gf, "bool", extra={"reordered_columns": (Gf[["b", "a"]], "valid"),
                                    "renamed_columns": (Gf.rename(columns={"a": "c"}), INVALID)})
    specs += estimator_specs("MultiCalibrator", make, {"X": Arg(X), "y": Arg(y, "binary"), "groups": Arg(Gf, "bool")},
                             {"predict_proba": {"X": Arg(X), "groups": framed}}, tag="[frame]")
    return specs


def _recalibrator_specs():
    """The six recalibrators (cross-fitted logistic regression), the multicalibration booster and the rules."""
    X, y = data.classification()
    G = data.groups()
    specs = []
    for cls in (cal.TemperatureScaling, cal.PlattScaling, cal.BetaCalibration, cal.IsotonicCalibration,
                cal.HistogramBinning, cal.VennAbersCalibrator):
        methods = {"predict_proba": {"X": Arg(X)}, "predict": {"X": Arg(X)}}
        if cls is cal.VennAbersCalibrator:
            methods["predict_interval"] = {"X": Arg(X)}
        specs += estimator_specs(cls.__name__, lambda cls=cls: cls(LogisticRegression(), cv=3),
                                 {"X": Arg(X), "y": Arg(y, "binary")}, methods, fit_outputs=["predict_proba"])

    def make_boost():
        return cal.BoostingMultiCalibrator(LogisticRegression(), max_iter=5, random_state=0)

    specs += estimator_specs("BoostingMultiCalibrator", make_boost,
                             {"X": Arg(X), "y": Arg(y, "binary"), "groups": Arg(G, "bool")},
                             {"predict_proba": {"X": Arg(X), "groups": Arg(G, "bool")}},
                             fit_outputs=["predict_proba"])
    specs.append(func_spec(lambda level, n_cells: cal.StandardErrorRule(level=level).thresholds(n_cells),
                           id="StandardErrorRule", name="StandardErrorRule", level=Scalar(0.05, "prob"),
                           n_cells=Scalar(40, "int")))
    specs.append(func_spec(lambda alpha, n_cells: cal.ToleranceRule(alpha=alpha).thresholds(n_cells),
                           id="ToleranceRule", name="ToleranceRule", alpha=Scalar(0.05, "prob"),
                           n_cells=Scalar(40, "int")))
    return specs


def _inference_specs(y, p, w, G):
    yb, pb = _binary_y(y), Arg(p, "prob")
    return [
        func_spec(cal.spiegelhalter_test, y_true=yb, y_prob=pb, sample_weight=w),
        func_spec(cal.hosmer_lemeshow_test, y_true=yb, y_prob=pb, sample_weight=w, fixed={"n_groups": 5}),
        func_spec(cal.cumulative_calibration_test, y_true=yb, y_prob=pb, sample_weight=w),
        func_spec(cal.bootstrap_ci, y_true=yb, y_prob=pb, fixed={"n_bootstrap": 20, "random_state": 0}),
        func_spec(cal.calibration_curve_ci, y_true=yb, y_prob=pb, sample_weight=w, fixed={"n_bins": 5}),
        func_spec(cal.ece_noise_floor, y_prob=pb, groups=Arg(G, "bool"),
                  fixed={"n_bins": 5, "n_simulations": 20, "random_state": 0}),
        func_spec(cal.calibration_report, y_true=yb, y_prob=pb, groups=Arg(G, "bool"),
                  fixed={"n_bins": 5, "n_bootstrap": 10, "n_simulations": 20, "random_state": 0}),
    ]


def build_specs():
    y, p = data.binary()
    w = weight_arg(len(y))
    G = data.groups()
    specs = _metric_specs(y, p, w) + _multiclass_specs() + _stats_specs(y, p) + _display_specs(y, p, G)
    specs += _inference_specs(y, p, w, G)
    specs.append(func_spec(cal.multicalibration_error, y_true=_binary_y(y), y_prob=Arg(p, "prob"),
                           groups=Arg(G, "bool"), fixed={"n_bins": 5}))
    specs.append(func_spec(cal.multicalibration_error, id="multicalibration_error[frame]",
                           y_true=Arg(y, "binary"), y_prob=Arg(p, "prob"),
                           # a text column expands to one group per level only in a DataFrame (the groups
                           # contract): as a numpy/list/object array it must raise, naming `groups`
                           groups=Arg(pd.DataFrame({"g": np.where(G[:, 0], "u", "v")}), "labels",
                                      expect={"numpy": INVALID, "list": INVALID, "object": INVALID}),
                           fixed={"n_bins": 5}))
    return specs + _multicalibrator_specs() + _recalibrator_specs()
