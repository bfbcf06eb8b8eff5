"""Reach the quantile model at the end of a scikit-learn ``Pipeline`` (or inside a ``FrozenEstimator``).

statlearn does not add a Pipeline subclass: the scorers and every wrapper unwrap the
user's own ``Pipeline`` / ``make_pipeline`` (nested ones too), so existing pipelines
work unchanged in ``GridSearchCV``, ``cross_validate`` and as base models. A fitted
Pipeline ending in a quantile model predicts its levels with
:func:`predict_quantiles_of` (transform through every step but the last, then ask
the last step).
"""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline

__all__ = ["final_step", "fitted_quantiles", "is_frozen", "predict_quantiles_of"]


def _is_frozen_here(est):
    try:
        from sklearn.frozen import FrozenEstimator
    except ImportError:  # pragma: no cover - scikit-learn < 1.6
        return False
    return isinstance(est, FrozenEstimator)


def is_frozen(est, *, through_pipelines=False):
    """Is ``est`` a FrozenEstimator (not refitted)? With ``through_pipelines``, also a
    Pipeline whose final step (recursively) is one (its levels cannot be set)."""
    while through_pipelines and isinstance(est, Pipeline):
        est = est.steps[-1][1]
    return _is_frozen_here(est)


def final_step(est):
    """``(prefix, final)``: the estimator at the end of nested Pipelines / FrozenEstimators and
    the ``set_params`` prefix that reaches it (``"step__"``; ``""`` when ``est`` is not wrapped)."""
    prefix = ""
    while True:
        if isinstance(est, Pipeline):
            name, last = est.steps[-1]
            prefix, est = prefix + name + "__", last
        elif _is_frozen_here(est):
            prefix, est = prefix + "estimator__", est.estimator
        else:
            return prefix, est


def _transform_all_but_last(pipe, X):
    for _, step in pipe.steps[:-1]:
        if step is not None and not (isinstance(step, str) and step == "passthrough"):
            X = step.transform(X)
    return X


def predict_quantiles_of(est, X):
    """``est.predict_quantiles(X)``, reaching through Pipelines and FrozenEstimators."""
    while True:
        if hasattr(est, "predict_quantiles"):
            return est.predict_quantiles(X)
        if isinstance(est, Pipeline):
            X = _transform_all_but_last(est, X)
            est = est.steps[-1][1]
        elif _is_frozen_here(est):
            est = est.estimator
        else:
            raise TypeError(
                f"`estimator` must be a fitted quantile model with `predict_quantiles` (or a Pipeline "
                f"ending in one); got {type(est).__name__}."
            )


def fitted_quantiles(est):
    """The fitted levels ``quantiles_`` of a quantile model, reaching through wrappers; or None."""
    q = getattr(est, "quantiles_", None)
    if q is None:
        _, final = final_step(est)
        q = getattr(final, "quantiles_", None)
    return None if q is None else np.asarray(q, dtype=np.float64)
