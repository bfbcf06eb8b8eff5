"""Fuzz specs of statlearn.online (owner: online)."""

import numpy as np

from statlearn import online as ol

from . import data
from .core import Arg, Scalar, estimator_specs, func_spec

NOT_FUZZABLE = {}


def _regret_inputs():
    X, y = data.regression()
    pred = X @ np.array([0.8, -0.1, -0.6]) + 0.2
    return y, pred, X, data.groups()


def _regret_specs():
    y, pred, X, G = _regret_inputs()
    args = dict(y=Arg(y), predictions=Arg(pred), X=Arg(X), groups=Arg(G, "bool"))

    def display(y, predictions, X, groups):
        import matplotlib.pyplot as plt

        disp = ol.GroupRegretDisplay.from_predictions(y, predictions, X, groups, n_checkpoints=10)
        plt.close(disp.figure_)
        return [line.get_ydata() for line in disp.lines_.values()]

    return [
        func_spec(ol.group_regret, **args),
        func_spec(ol.group_regret_curves, **args, fixed={"n_checkpoints": 10}),
        func_spec(display, id="GroupRegretDisplay.from_predictions", name="GroupRegretDisplay", **args),
    ]


def _experts_spec():
    r = np.random.default_rng(9)
    L = r.uniform(size=(4, 3))
    A = r.uniform(size=(4, 3)) < 0.7
    A[:, 1] = True  # the fuzzed entry (expert 1) is awake, so a NaN loss there is invalid

    def run(losses, awake, n_experts=3, learning_rate=1.0):
        se = ol.SleepingExperts(n_experts, learning_rate=learning_rate, random_state=0)
        se.update(L[0], A[0])
        se.update(losses, awake)
        se.update(L[2], A[2])
        return [se.weights(), se.log_weights(), se.weights(A[3]), se.sample()]

    return func_spec(run, id="SleepingExperts.update", losses=Arg(L[1]), awake=Arg(A[1], "bool"),
                     n_experts=Scalar(3, "int"), learning_rate=Scalar(1.0, "float"))


def _estimator_specs():
    X, y = data.regression()
    Xc, yc = data.classification()
    G = data.groups()
    specs = []
    reg = {"OnlineRidge": lambda: ol.OnlineRidge(),
           "GroupwiseRegressor": lambda: ol.GroupwiseRegressor(random_state=0)}
    for name, make in reg.items():
        g = {} if name == "OnlineRidge" else {"groups": Arg(G, "bool")}
        fit = {"X": Arg(X), "y": Arg(y), **g}
        methods = {"predict": {"X": Arg(X), **g}, "score": {"X": Arg(X), "y": Arg(y), **g}}
        specs += estimator_specs(name, make, fit, methods)
        specs += estimator_specs(name, make, fit, methods, fit_method="partial_fit", method_specs=False)
    make = lambda: ol.GroupwiseClassifier(random_state=0)  # noqa: E731
    g = {"groups": Arg(G, "bool")}
    fit = {"X": Arg(Xc), "y": Arg(yc, "binary"), **g}
    methods = {"predict_proba": {"X": Arg(Xc), **g}, "predict": {"X": Arg(Xc), **g},
               "score": {"X": Arg(Xc), "y": Arg(yc, "binary"), **g}}
    specs += estimator_specs("GroupwiseClassifier", make, fit, methods)
    specs += estimator_specs("GroupwiseClassifier", make, fit, methods, fit_method="partial_fit",
                             fit_fixed={"classes": [0, 1]}, method_specs=False)
    # multiclass labels, and a scikit-learn partial_fit base (the Python path)
    y3 = np.digitize(Xc[:, 0], [-0.5, 0.5])
    fit3 = {"X": Arg(Xc), "y": Arg(y3, "labels"), **g}
    specs += estimator_specs("GroupwiseClassifier", make, fit3, {"predict_proba": {"X": Arg(Xc), **g}},
                             tag="[multiclass]")
    from sklearn.linear_model import SGDRegressor

    sgd = lambda: ol.GroupwiseRegressor(base=SGDRegressor(random_state=0), experts="residual")  # noqa: E731
    specs += estimator_specs("GroupwiseRegressor", sgd, {"X": Arg(X), "y": Arg(y), **g},
                             {"predict": {"X": Arg(X), **g}}, tag="[sgd]")
    return specs


def build_specs():
    return _regret_specs() + [_experts_spec()] + _estimator_specs()
