"""Find every public estimator and object in statlearn (used by the common tests and the docs)."""

from __future__ import annotations

import importlib
import inspect

from sklearn.base import BaseEstimator

from statlearn._base import BaseObject

AREAS = ("quantile", "calibration", "ordinal", "online", "bandits", "adaptive")


def _listed():
    """``(area, module, name, object)`` for every name in an area package's ``__all__``."""
    for area in AREAS:
        mod = importlib.import_module(f"statlearn.{area}")
        for name in getattr(mod, "__all__", []):
            yield area, mod, name, getattr(mod, name)


def _is_public_estimator(obj, name: str) -> bool:
    return (
        inspect.isclass(obj)
        and issubclass(obj, BaseEstimator)
        and not inspect.isabstract(obj)
        and not name.startswith("_")
    )


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
    return sorted((f"{area}.{name}", obj) for area, _, name, obj in _listed() if _is_public_estimator(obj, name))


def _is_public_object(obj, name: str) -> bool:
    return (
        inspect.isclass(obj)
        and not name.startswith("_")
        and not issubclass(obj, BaseEstimator | BaseException)
        and not inspect.isabstract(obj)
        and (issubclass(obj, BaseObject) or callable(getattr(obj, "get_params", None)))
    )


def all_objects() -> list[tuple[str, type]]:
    """Return ``(qualified_name, class)`` for every public non-estimator object.

    An object is public when its class is listed in the ``__all__`` of one of
    statlearn's area packages, is not a scikit-learn estimator, and either
    subclasses :class:`statlearn._base.BaseObject` or has ``get_params``
    (policies, environments, experts, mechanisms, ...). An alias listed under
    two names is returned once, under its class's own name when listed.

    Returns
    -------
    objects : list of (str, type)
        Sorted by qualified name, e.g. ``("bandits.UCB1", cls)``.
    """
    found = {}
    for area, mod, name, obj in _listed():
        if _is_public_object(obj, name):
            key = f"{area}.{obj.__name__}" if obj.__name__ in mod.__all__ else f"{area}.{name}"
            found.setdefault(obj, key)
    return sorted((key, cls) for cls, key in found.items())
