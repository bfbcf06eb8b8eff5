"""Fuzz specs of statlearn.datasets (owners: infra for the loaders, each area for its generator)."""

import numpy as np

import statlearn.datasets as D

from .core import Arg, Scalar, Spec, func_spec

NOT_FUZZABLE = {}


def _bunch(b):
    """The numbers of a loaded data set, whatever ``as_frame`` (shapes and the target)."""
    return [np.shape(b.data), np.asarray(b.target).ravel()[:2000]]


def _loader_specs():
    specs = []
    for name in D.__all__:
        if not name.startswith("load_"):
            continue
        load = getattr(D, name)
        # as_frame=True is fuzzed (a bad value must be refused before anything is read)
        spec = func_spec(load, id=name, as_frame=Scalar(True, "bool"), out=_bunch)
        spec.repeat = False  # reading a file twice proves nothing and costs time
        specs.append(spec)
        specs.append(Spec(f"{name}[as_frame=False]", lambda load=load: _bunch(load(as_frame=False)),
                          name=name, repeat=False))
    return specs


def _generator_specs():
    laws_out = lambda r: [r[1]] + [law.mean for law in r[0]] + [law.cov for law in r[0]]  # noqa: E731
    env_out = lambda env: [env.repeated_play_losses(5), env.saturated_losses()]  # noqa: E731
    n = lambda v: Scalar(v, "int")  # noqa: E731
    X = np.array([[500.0, 1000.0, 200.0, 0.06, 0.09, 4.5], [550.0, 450.0, 190.0, 0.065, 0.095, 4.2],
                  [520.0, 470.0, 205.0, 0.062, 0.092, 4.8]])
    return [
        func_spec(D.cantilever_beam_displacement, X=Arg(X)),
        func_spec(D.make_cantilever_beam_laws, n_laws=n(3), fixed={"random_state": 0}, out=laws_out),
        Spec("make_cantilever_beam_marginals",
             lambda: [[m.mean(), m.std()] for m in D.make_cantilever_beam_marginals()]),
        func_spec(D.make_freedman_holdout, n_samples=n(50), n_features=n(20), fixed={"random_state": 0}),
        func_spec(D.make_grouped_regression, n_samples=n(100), n_features=n(4), noise=Scalar(0.16),
                  fixed={"random_state": 0}),
        func_spec(D.make_heteroscedastic_quantile, n_samples=n(50), n_features=n(5), shape=Scalar(2.0),
                  fixed={"random_state": 0}),
        func_spec(D.make_miscalibrated_predictions, n_samples=n(100), fixed={"random_state": 0}),
        func_spec(D.make_multicalibration_problem, n_samples=n(100), n_groups=n(3), n_features=n(3),
                  fixed={"random_state": 0}),
        func_spec(D.make_presto_data, n_samples=n(100), n_features=n(4), sparsity=Scalar(0.5, "prob"),
                  effect=Scalar(0.5), fixed={"random_state": 0}),
        func_spec(D.make_tallying_environment, n_arms=n(3), memory=n(4), decay=Scalar(0.8, "prob"),
                  fixed={"random_state": 0}, out=env_out),
        Spec("list_datasets", lambda: D.list_datasets()),
    ]


def build_specs():
    return _loader_specs() + _generator_specs()
