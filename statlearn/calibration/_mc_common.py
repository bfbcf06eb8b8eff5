"""Shared plumbing of the multicalibrators: groups, base probabilities, metadata routing."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

from statlearn._base import BaseObject
from statlearn._docstrings import fill_doc
from statlearn._validation import GroupsEncoder, check_probabilities, check_sample_weight


def is_frozen(est):
    return type(est).__name__ == "FrozenEstimator"


def router_with_estimator(owner_obj):
    """Metadata router: the object's own requests plus its base estimator's ``fit``."""
    router = MetadataRouter(owner=owner_obj.__class__.__name__).add_self_request(owner_obj)
    if owner_obj.estimator is not None and not is_frozen(owner_obj.estimator):
        router.add(estimator=owner_obj.estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))
    return router


def inherit_input_tags(tags, estimator):
    """Copy the base estimator's input tags (sparse, NaN, categorical, string) onto ``tags``; ``tags``."""
    if estimator is not None:
        inner = get_tags(estimator).input_tags
        tags.input_tags.sparse = inner.sparse
        tags.input_tags.allow_nan = inner.allow_nan
        tags.input_tags.categorical = inner.categorical
        tags.input_tags.string = inner.string
    return tags


def check_labels(y, owner):
    """``y`` as a 1-D array of class labels; errors name `y`."""
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import column_or_1d

    try:
        y = column_or_1d(y, warn=True)
        if y.dtype == object:  # an object array of numbers or booleans: their own dtype
            import numbers

            vals = y.tolist()
            if vals and all(isinstance(v, numbers.Number | np.bool_) and v == v for v in vals):
                y = np.asarray(vals)
        check_classification_targets(y)
    except ValueError as exc:
        raise ValueError(f"{owner}: `y` must be a 1-D array of class labels; {exc}") from exc
    return y


def check_score_labels(y, classes, n, owner):
    """``y`` for ``score``: class labels, ``n`` of them, each one of the fitted ``classes``; errors name `y`."""
    try:
        y = check_labels(y, owner)
    except TypeError as exc:  # e.g. None among numbers: numpy cannot order the labels
        raise ValueError(f"{owner}: `y` must be a 1-D array of class labels; {exc}") from exc
    if y.shape[0] != n:
        raise ValueError(f"{owner}: `y` has {y.shape[0]} labels but `X` has {n} rows; they must match.")
    known = set(np.asarray(classes).tolist())
    unknown = [v for v in dict.fromkeys(y.tolist()) if v not in known]
    if unknown:
        raise ValueError(f"{owner}: `y` holds labels {unknown[:5]} that are not among the fitted "
                         f"classes_ {np.asarray(classes).tolist()}.")
    return y


def check_rows(X, n, owner):
    """``X`` must have ``n`` rows (the length of `y`)."""
    from sklearn.utils.validation import _num_samples

    m = _num_samples(X)
    if m != n:
        raise ValueError(f"{owner}: `X` has {m} rows but `y` has {n}; they must match.")


def call_base(func, X, owner, what="predict_proba"):
    """Call the base estimator on ``X``; its errors are re-raised naming `X` and the estimator."""
    from sklearn.utils.validation import _num_samples

    if hasattr(X, "shape") and len(X.shape) and _num_samples(X) == 0:
        raise ValueError(f"{owner}: `X` has 0 rows; at least one is required.")
    try:
        return func(X)
    except (ValueError, TypeError) as exc:
        if type(exc) not in (ValueError, TypeError):  # a subclass with its own constructor (sklearn's routing
            raise                                     # errors): keep it as it is
        raise type(exc)(f"{owner}: the base estimator's {what} could not use `X`: {exc}") from exc


def check_X_2d(X):
    import scipy.sparse as sp

    if sp.issparse(X):
        return X.tocsr()
    nd = getattr(X, "ndim", None)
    if nd is not None and nd > 2:
        raise ValueError(f"`X` must be 2-D (n_samples, n_features); got {nd} dimensions.")
    if (isinstance(X, list | tuple) and len(X) and np.isscalar(X[0])) or (
            isinstance(X, np.ndarray) and X.ndim == 1):
        raise ValueError(
            "`X` must be 2-D (n_samples, n_features); got a 1-D array. Reshape your data "
            "with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample."
        )
    if not hasattr(X, "iloc") and not isinstance(X, np.ndarray):
        X = np.asarray(X)
    return X


def raw_probabilities(X, n_classes, *, seen="were seen in fit"):
    """``X`` (validated float array) read as probabilities: one positive-class column (binary) or (n, K).

    ``seen`` completes "``n_classes`` classes ..." in the error messages (where the classes came from).
    """
    if X.shape[1] == 1:
        if n_classes != 2:
            raise ValueError(
                f"With `estimator=None`, one column of `X` is the positive-class probability of a binary problem; "
                f"{n_classes} classes {seen}. Pass one probability column per class."
            )
        p = check_probabilities(X[:, 0], name="X", ndim=1)
        return np.column_stack([1.0 - p, p])
    if X.shape[1] != n_classes:
        raise ValueError(
            f"With `estimator=None`, `X` must hold one probability column per class ({n_classes} classes {seen}, "
            f"in the order of the sorted labels) or, for a binary problem, one column; got {X.shape[1]} columns. "
            "Pass a classifier (for example `FrozenEstimator(model)`) as `estimator` to calibrate a model's features."
        )
    return check_probabilities(X, name="X", ndim=2)


def proba_of(est, X, classes):
    """``est.predict_proba(X)`` with columns in the order of ``classes``."""
    P = np.asarray(call_base(est.predict_proba, X, type(est).__name__), dtype=np.float64)
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
    from ._recalibrator_base import fit_base_estimator

    return fit_base_estimator(estimator, X, y, sample_weight, routed_fit_params, owner)


__all__ = ["BaseObject", "GroupsEncoder", "call_base", "check_X_2d", "check_labels", "check_rows", "clone",
           "fitted_base", "is_frozen", "proba_of", "raw_probabilities", "router_with_estimator"]


@fill_doc
class GroupPredictMixin:
    """Parameters, ``predict_proba``/``predict``/``score`` and metadata routing of the multicalibrators.

    The class supplies ``_predict_proba(X, groups)`` and ``classes_``; its ``__init__`` lists its
    full signature (scikit-learn reads the parameters from it) and passes the shared ones on.
    """

    def __init__(self, estimator, max_iter, learning_rate, random_state):
        self.estimator = estimator
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.random_state = random_state

    def predict_proba(self, X, groups=None):
        """Multicalibrated probabilities.

        Parameters
        ----------
        {X_or_proba}
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership, the same groups as in ``fit`` (a DataFrame is
            matched by column name); may be ``None`` only if ``fit`` was
            called without groups.

        Returns
        -------
        {proba}
        """
        return self._predict_proba(X, groups)

    def get_metadata_routing(self):
        """Metadata routing of this object and of its base estimator's ``fit``.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return router_with_estimator(self)

    def predict(self, X, groups=None):
        """Class with the largest multicalibrated probability.

        Parameters
        ----------
        {X_or_proba}
        {groups}

        Returns
        -------
        {y_pred}
        """
        proba = self.predict_proba(X, groups=groups)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, groups=None, sample_weight=None):
        """Accuracy of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        {X_or_proba}
        {y_true_labels}
        {groups}
        {sample_weight}

        Returns
        -------
        {score_accuracy}
        """
        from sklearn.metrics import accuracy_score

        pred = self.predict(X, groups=groups)
        y = check_score_labels(y, self.classes_, pred.shape[0], type(self).__name__)
        return float(accuracy_score(y, pred, sample_weight=check_sample_weight(sample_weight, pred.shape[0])))
