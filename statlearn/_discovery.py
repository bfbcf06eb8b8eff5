"""Find every public estimator in statlearn (used by the common tests and the docs)."""

from __future__ import annotations

import importlib
import inspect

from sklearn.base import BaseEstimator

AREAS = ("quantile", "calibration", "ordinal", "online", "bandits", "adaptive")


def all_estimators() -> list[tuple[str, type]]:
    """Return ``(qualified_name, class)`` for every public scikit-learn estimator.

    An estimator is public when its class is listed in the ``__all__`` of one
    of statlearn's area packages and subclasses
    :class:`sklearn.base.BaseEstimator`.

    Returns
    -------
    estimators : list of (str, type)
        Sorted by qualified name, e.g. ``("quantile.QuantileAggregator", cls)``.
    """
    found = {}
    for area in AREAS:
        mod = importlib.import_module(f"statlearn.{area}")
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith("_")
            ):
                found[f"{area}.{name}"] = obj
    return sorted(found.items())
