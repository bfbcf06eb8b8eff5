"""Shared plumbing of the multicalibrators: groups, base probabilities, metadata routing."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

from statlearn._validation import check_groups, check_probabilities

try:  # the contract layer's stateful groups encoder
    from statlearn._validation import GroupsEncoder
except ImportError:  # pragma: no cover - temporary stand-in until the contract layer lands
    class GroupsEncoder:
        """Fit-time / predict-time groups matrix; a DataFrame is matched by column name."""

        def fit(self, groups, n_samples=None):
            G, names = check_groups(groups, n_samples, allow_empty=True)
            cols = getattr(groups, "columns", None)
            self.columns_ = None if cols is None else list(cols)
            self.names_ = names
            self.n_groups_ = G.shape[1]
            self._G = G
            return self

        def fit_transform(self, groups, n_samples=None):
            G = self.fit(groups, n_samples)._G
            del self._G
            return G

        def transform(self, groups, n_samples=None):
            cols = getattr(groups, "columns", None)
            if cols is not None and self.columns_ is not None:
                cols = list(cols)
                missing = [c for c in self.columns_ if c not in cols]
                unknown = [c for c in cols if c not in self.columns_]
                if missing or unknown:
                    raise ValueError(f"`groups` columns must be those seen in fit {self.columns_}; "
                                     f"missing {missing}, unknown {unknown}.")
                groups = groups[self.columns_]
            G, _ = check_groups(groups, n_samples, allow_empty=True)
            if G.shape[1] != self.n_groups_:
                raise ValueError(f"`groups` must have {self.n_groups_} column(s) as in fit; got shape {G.shape}.")
            return G


def is_frozen(est):
    return type(est).__name__ == "FrozenEstimator"


def router_with_estimator(owner_obj):
    """Metadata router: the object's own requests plus its base estimator's ``fit``."""
    router = MetadataRouter(owner=owner_obj.__class__.__name__).add_self_request(owner_obj)
    if owner_obj.estimator is not None and not is_frozen(owner_obj.estimator):
        router.add(estimator=owner_obj.estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))
    return router


def check_X_2d(X):
    import scipy.sparse as sp

    if sp.issparse(X):
        return X.tocsr()
    if (isinstance(X, list | tuple) and len(X) and np.isscalar(X[0])) or (
            isinstance(X, np.ndarray) and X.ndim == 1):
        raise ValueError(
            "`X` must be 2-D (n_samples, n_features); got a 1-D array. Reshape your data "
            "with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample."
        )
    if not hasattr(X, "iloc") and not isinstance(X, np.ndarray):
        X = np.asarray(X)
    return X


def raw_probabilities(X, n_classes):
    """``X`` (validated float array) read as probabilities: one positive-class column (binary) or (n, K)."""
    if X.shape[1] == 1:
        if n_classes != 2:
            raise ValueError(
                f"With `estimator=None`, one column of `X` is the positive-class probability of a binary problem; "
                f"{n_classes} classes were seen in fit. Pass one probability column per class."
            )
        p = check_probabilities(X[:, 0], name="X", ndim=1)
        return np.column_stack([1.0 - p, p])
    if X.shape[1] != n_classes:
        raise ValueError(
            f"With `estimator=None`, `X` must hold one probability column per class ({n_classes}, in the order of "
            f"the sorted labels) or, for a binary problem, one column; got {X.shape[1]} columns. Pass a classifier "
            "(for example `FrozenEstimator(model)`) as `estimator` to calibrate a model's features."
        )
    return check_probabilities(X, name="X", ndim=2)


def proba_of(est, X, classes):
    """``est.predict_proba(X)`` with columns in the order of ``classes``."""
    P = np.asarray(est.predict_proba(X), dtype=np.float64)
    out = np.zeros((P.shape[0], len(classes)))
    for j, c in enumerate(np.asarray(est.classes_).tolist()):
        k = np.flatnonzero(classes == c)
        if k.size == 0:
            raise ValueError(f"The estimator predicts class {c!r}, which is not a class of `y` {classes.tolist()}.")
        out[:, k[0]] = P[:, j]
    return out


def fitted_base(estimator, X, y, sample_weight, routed_fit_params, owner):
    """The base model to use: a frozen one as is, else a clone fitted with the weights (never dropped)."""
    if is_frozen(estimator):
        return estimator
    from .recalibration import fit_base_estimator

    return fit_base_estimator(estimator, X, y, sample_weight, routed_fit_params, owner)


__all__ = ["GroupsEncoder", "check_X_2d", "clone", "fitted_base", "is_frozen", "proba_of", "raw_probabilities",
           "router_with_estimator"]


try:  # the contract layer's parameter protocol for non-scikit-learn objects
    from statlearn._base import BaseObject
except ImportError:  # pragma: no cover - temporary stand-in until the contract layer lands
    import inspect

    class BaseObject:
        """get_params / set_params / repr from the ``__init__`` signature."""

        _parameter_constraints: dict = {}

        @classmethod
        def _get_param_names(cls):
            sig = inspect.signature(cls.__init__)
            return sorted(p for p in sig.parameters if p != "self")

        def get_params(self, deep=True):
            return {k: getattr(self, k) for k in self._get_param_names()}

        def set_params(self, **params):
            valid = self._get_param_names()
            for k, v in params.items():
                if k not in valid:
                    raise ValueError(f"Invalid parameter {k!r} for {type(self).__name__}; valid: {valid}.")
                setattr(self, k, v)
            return self

        def _validate_params(self):
            from statlearn._validation import validate_params

            validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)

        def __repr__(self):
            sig = inspect.signature(type(self).__init__)
            shown = [f"{k}={getattr(self, k)!r}" for k, p in sig.parameters.items()
                     if k != "self" and getattr(self, k) is not p.default and getattr(self, k) != p.default]
            return f"{type(self).__name__}({', '.join(shown)})"

__all__ += ["BaseObject"]
