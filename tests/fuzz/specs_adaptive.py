"""Fuzz specs of statlearn.adaptive (owner: adaptive)."""

import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression

from statlearn import adaptive as ad

from . import data
from .core import EITHER, INVALID, Arg, Scalar, estimator_specs, func_spec

NOT_FUZZABLE = {
    "SobolResult": "a result container built by sobol_indices (fuzzed there; to_frame/plot read its arrays)",
    "SobolDisplay": "a plot of sobol_indices' result (fuzzed there); draws only",
    "FREEDMAN_K_VALUES": "a constant tuple (the paper's k grid), no call",
    "BudgetExhausted": "an exception class, raised by Thresholdout (fuzzed there)",
}


def _values(n=40, seed=11, shift=0.0):
    return np.clip(np.random.default_rng(seed).uniform(size=n) + shift, 0, 1)


def _mechanism_specs():
    def laplace(values, scale):
        m = ad.LaplaceMechanism(scale, random_state=0)
        return [m.query(values), m.query(values)]

    def gaussian(values, sigma):
        m = ad.GaussianMechanism(sigma, random_state=0)
        return [m.query(values), m.query(values)]

    # 1e300 noise scale makes every answer noise: rejected, not an "either"
    huge = {"big": INVALID}
    return [
        func_spec(laplace, id="LaplaceMechanism", values=Arg(_values(), "prob"),
                  scale=Scalar(0.01, expect=huge)),
        func_spec(gaussian, id="GaussianMechanism", values=Arg(_values(), "prob"),
                  sigma=Scalar(0.01, expect=huge)),
    ]


def _thresholdout_specs():
    def make(cls):
        def run(train_values, holdout_values, threshold, sigma):
            t = cls(threshold=threshold, sigma=sigma, random_state=0)
            return [t.query(train_values, holdout_values), t.query(train_values, holdout_values)]
        return run

    specs = []
    for name in ("Thresholdout", "ReusableHoldout"):
        # training and holdout sets may differ in size: not row-aligned
        specs.append(func_spec(make(getattr(ad, name)), id=f"{name}.query",
                               train_values=Arg(_values(), "prob", rows=False),
                               holdout_values=Arg(_values(n=30, seed=12, shift=0.2), "prob", rows=False),
                               threshold=Scalar(0.04, "prob"), sigma=Scalar(0.01, expect={"big": INVALID})))

    def query_function(X_train, X_holdout):
        t = ad.Thresholdout(random_state=0)
        return t.query_function(lambda X: (np.asarray(X)[:, 0] > 0).astype(float), X_train, X_holdout)

    X, _ = data.regression()
    opaque = dict.fromkeys(("nan", "inf", "none", "pd_na", "strings", "big", "ndim_plus", "ndim_minus"),
                           "samples are opaque: only the user's phi reads them (its output is checked)")
    specs.append(func_spec(query_function, id="Thresholdout.query_function",
                           X_train=Arg(X[:30], rows=False, skip=opaque),
                           X_holdout=Arg(X[30:], rows=False, skip=opaque)))
    return specs


def _search_specs():
    X, y = data.classification()

    def make():
        return ad.ReusableHoldoutSearch(LogisticRegression(), {"C": [0.1, 1.0]}, holdout_size=0.3, random_state=0)

    methods = {m: {"X": Arg(X)} for m in ("predict", "predict_proba", "decision_function")}
    methods["score"] = {"X": Arg(X), "y": Arg(y, "binary")}
    return estimator_specs("ReusableHoldoutSearch", make, {"X": Arg(X), "y": Arg(y, "binary")}, methods)


def _freedman_spec():
    r = np.random.default_rng(13)
    X = r.normal(size=(3 * 40, 30))
    y = r.choice([-1.0, 1.0], size=3 * 40)
    parts = {"X_train": X[:40], "y_train": y[:40], "X_holdout": X[40:80], "y_holdout": y[40:80],
             "X_fresh": X[80:], "y_fresh": y[80:]}
    args = {k: Arg(v, "float" if k[0] == "X" else "binary", rows=k.split("_")[1]) for k, v in parts.items()}
    return func_spec(ad.freedman_experiment, **args, fixed={"k_values": (0, 5, 10), "random_state": 0})


def _monte_carlo_specs():
    law = stats.multivariate_normal(np.zeros(2), np.eye(2))

    def mee(n_max, adapt_fraction, n_batches, input_distribution=law):
        est = ad.MultipleExpectationEstimator(n_max=n_max, adapt_fraction=adapt_fraction, n_batches=n_batches,
                                              random_state=0)
        est.fit(lambda X: np.c_[X[:, 0] ** 2, X[:, 0] + X[:, 1]], input_distribution)
        return [est.estimates_, est.standard_errors_]

    marginals = [stats.uniform(), stats.uniform(), stats.norm()]

    def sobol(n, input_distribution=marginals):
        res = ad.sobol_indices(lambda X: X[:, 0] + 2 * X[:, 1] + X[:, 0] * X[:, 2], input_distribution, n,
                               random_state=0)
        return [res.first_order, res.total_order, res.first_order_ci, res.total_order_ci]

    discrete = {"discrete_law": (stats.poisson(3.0), INVALID)}
    return [
        func_spec(mee, id="MultipleExpectationEstimator", n_max=Scalar(400, "int"),
                  adapt_fraction=Scalar(0.5, "prob"), n_batches=Scalar(3, "int"),
                  input_distribution=Scalar(law, "object", skip=_ALL_SCALAR, extra=discrete)),
        func_spec(sobol, id="sobol_indices", n=Scalar(64, "int"),
                  # Sobol' indices are defined for discrete inputs too (the design maps uniforms through ppf)
                  input_distribution=Scalar(marginals, "object", skip=_ALL_SCALAR,
                                            extra={"discrete_law": ([stats.poisson(3.0)] * 3, EITHER)})),
    ]


_ALL_SCALAR = dict.fromkeys(("nan", "inf", "pd_na", "big", "numpy", "float32"),
                            "a distribution object: numeric mutations do not apply")


def build_specs():
    return (_mechanism_specs() + _thresholdout_specs() + _search_specs() + [_freedman_spec()]
            + _monte_carlo_specs())
