"""Fuzz specs of statlearn.ordinal (owner: ordinal)."""

import numpy as np
import pandas as pd

from statlearn import ordinal as o

from . import data
from .core import INVALID, SAME, VALID, Arg, estimator_specs, func_spec, weight_arg

NOT_FUZZABLE = {}
TEXT = {2: "low", 10: "mid", 30: "high"}


def _ordinal_y(y):
    """The target with the label-order mutations of issue 11: numbers 2 < 10 < 30 whose text
    order differs; text labels have no order unless given as an ordered Categorical."""
    text = np.array([TEXT[v] for v in y])
    ordered = pd.Series(pd.Categorical(text, categories=["low", "mid", "high"], ordered=True))
    return Arg(y, "labels", extra={
        "numeric_strings": (y.astype(str), SAME),      # "10" < "2" as text: sort numerically or refuse
        "text_labels": (text, INVALID),                # no order: ask for classes= / a Categorical
        "ordered_categorical": (ordered, VALID),
    })


def build_specs():
    X, y = data.ordinal()
    makers = {
        "PrestoClassifier": lambda: o.PrestoClassifier(),
        "ProportionalOddsClassifier": lambda: o.ProportionalOddsClassifier(),
        "PrestoCV": lambda: o.PrestoCV(n_lambdas=4, cv=3, random_state=0),
    }
    specs = []
    for name, make in makers.items():
        fit = {"X": Arg(X), "y": _ordinal_y(y), "sample_weight": weight_arg(len(y))}
        methods = {"predict_proba": {"X": Arg(X)}, "decision_function": {"X": Arg(X)},
                   "predict": {"X": Arg(X)}, "score": {"X": Arg(X), "y": Arg(y, "labels")}}
        specs += estimator_specs(name, make, fit, methods, fit_outputs=("predict_proba", "decision_function"))
    specs.append(func_spec(o.presto_path, X=Arg(X), y=_ordinal_y(y), sample_weight=weight_arg(len(y)),
                           fixed={"n_lambdas": 3}, out=lambda r: [r.coef, r.intercept, r.objective]))
    for link in ("probit", "cloglog"):
        specs += estimator_specs("ProportionalOddsClassifier",
                                 lambda link=link: o.ProportionalOddsClassifier(link=link),
                                 {"X": Arg(X), "y": Arg(y, "labels"), "sample_weight": weight_arg(len(y))},
                                 {"predict_proba": {"X": Arg(X)}}, method_specs=False, tag=f"[{link}]")
    specs.append(func_spec(_display, id="PathDisplay", lambdas=Arg(np.geomspace(1.0, 0.01, 6), "float", rows="grid"),
                           mean_score=Arg(np.linspace(0.9, 0.5, 6), "float", rows="grid"),
                           se_score=Arg(np.full(6, 0.01), "float", rows="grid")))
    return specs


def _display(lambdas, mean_score, se_score):
    import matplotlib.pyplot as plt

    disp = o.PathDisplay(lambdas, mean_score=mean_score, se_score=se_score).plot()
    out = [np.asarray(disp.lines_["cv"][0].get_ydata(), dtype=float)]
    plt.close(disp.figure_)
    return out
