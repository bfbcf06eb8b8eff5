"""Multicalibration by gradient boosting with the base model as offset (in the spirit of MCGrad)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import _routing_enabled, process_routing
from sklearn.utils.validation import check_is_fitted

from statlearn._base import seed_from
from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, check_sample_weight, validate_data, validate_params

from ._mc_common import (
    GroupPredictMixin,
    GroupsEncoder,
    check_labels,
    check_rows,
    check_X_2d,
    fitted_base,
    is_frozen,
    proba_of,
    raw_probabilities,
)

__all__ = ["BoostingMultiCalibrator"]

_TINY = 1e-12


class _OffsetInit(ClassifierMixin, BaseEstimator):
    """Initial model of the booster: returns the base probabilities stored in the last columns of ``Z``.

    ``n_offset`` columns hold ``log p`` per class (binary: one column, ``log p1``
    and ``log p0`` packed as a log-odds); the booster turns them into its raw
    starting scores, so every tree fits a correction of the base model.
    """

    def __init__(self, n_classes=2):
        self.n_classes = n_classes

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.arange(self.n_classes)
        return self

    def predict_proba(self, X):
        X = np.asarray(X, dtype=np.float64)
        if self.n_classes == 2:
            z = X[:, -1]
            p = 1.0 / (1.0 + np.exp(-z))
            return np.column_stack([1.0 - p, p])
        L = X[:, -self.n_classes:]
        E = np.exp(L - L.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)


@fill_doc
class BoostingMultiCalibrator(GroupPredictMixin, ClassifierMixin, BaseEstimator):
    """Multicalibration by gradient-boosted trees on ``[features, groups, logit p]`` with the base model as offset.

    In the spirit of MCGrad (Meta, 2025): the base model's log-odds are the
    booster's starting score, and shallow trees on the features, the group
    indicators and the base log-odds themselves fit corrections of it; any
    segment the trees can express (a group, a bucket of the prediction, their
    intersections) is recalibrated, with no list of cells. The number of
    rounds is chosen by early stopping on the held-out log loss of a
    validation fraction of the calibration rows, so a base model that is
    already calibrated gets (almost) no correction.

    Built on scikit-learn's ``GradientBoostingClassifier`` (log loss,
    Newton leaf values) with the offset as its ``init`` model.

    Parameters
    ----------
    estimator : classifier or None, default=None
        The base model. ``None``: ``X`` holds predicted probabilities (one
        column per class, or one positive-class column for a binary problem)
        and the trees see only the groups and the base log-odds.
        ``FrozenEstimator(model)``: a prefit model; any other classifier is
        cloned and fitted on ``(X, y)`` first.
    use_features : bool, default=True
        Whether the trees also see the columns of ``X`` (when ``estimator``
        is given; they must be numeric).
    learning_rate : float, default=0.1
        Shrinkage of each tree.
    max_iter : int, default=100
        Maximal number of boosting rounds.
    max_depth : int, default=3
        Depth of each tree.
    min_samples_leaf : int, default=20
        Minimal number of rows in a leaf.
    validation_fraction : float, default=0.1
        Fraction of the rows held out (stratified) for early stopping.
    n_iter_no_change : int, default=10
        Boosting stops when the held-out log loss has not improved by ``tol``
        for this many rounds.
    tol : float, default=1e-4
        Minimal improvement of the held-out log loss.
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Seeds the validation split and the trees.

    Attributes
    ----------
    {classes_}
    {estimator_}
    booster_ : GradientBoostingClassifier
        The fitted booster.
    n_iter_ : int
        Number of boosting rounds kept by early stopping.
    n_groups_ : int
        Number of group columns (0 when ``groups=None``).
    group_names_ : list of str
        Group names.
    {n_features_in_}

    See Also
    --------
    MultiCalibrator : HKRR patching of a given list of (group, bucket) cells.

    Notes
    -----
    The defaults are those of the substrates, not tuned on any data set:
    scikit-learn's gradient boosting (learning rate 0.1, depth 3, at most 100
    rounds) with the early stopping of its histogram boosting (10% validation
    fraction, 10 rounds of patience) and its minimal leaf size of 20 rows.
    scikit-learn's trees read the design matrix as float32, so the offset is
    the base log-odds rounded to float32 (a relative change of the base
    probabilities below 1e-6). Multiclass problems use the multinomial log loss (one tree per class per
    round) with ``log p`` as the offset. ``groups`` and ``sample_weight`` are
    requested through metadata routing as for :class:`MultiCalibrator`; a
    DataFrame of groups is matched by column name at prediction time.

    References
    ----------
    MCGrad: multicalibration at web scale. Meta (2025). arXiv:2509.19884.

    Examples
    --------
    >>> from sklearn.metrics import log_loss
    >>> from statlearn.calibration import BoostingMultiCalibrator
    >>> rng = np.random.default_rng(0)
    >>> g = rng.uniform(size=(6000, 2)) < 0.5
    >>> p = rng.uniform(0.1, 0.9, size=6000)
    >>> y = rng.uniform(size=6000) < np.clip(p + 0.15 * g[:, 0] - 0.15 * g[:, 1], 0, 1)
    >>> bm = BoostingMultiCalibrator(random_state=0).fit(p[:3000, None], y[:3000], groups=g[:3000])
    >>> q = bm.predict_proba(p[3000:, None], groups=g[3000:])[:, 1]
    >>> bool(log_loss(y[3000:], q) < log_loss(y[3000:], p[3000:]))
    True
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "use_features": ["boolean"],
        "learning_rate": [Interval("real", 0, None, closed="neither")],
        "max_iter": [Interval("integral", 1, None, closed="left")],
        "max_depth": [Interval("integral", 1, None, closed="left")],
        "min_samples_leaf": [Interval("integral", 1, None, closed="left")],
        "validation_fraction": [Interval("real", 0, 1, closed="neither")],
        "n_iter_no_change": [Interval("integral", 1, None, closed="left")],
        "tol": [Interval("real", 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    __metadata_request__fit = {"groups": True}
    __metadata_request__predict_proba = {"groups": True}
    __metadata_request__predict = {"groups": True}
    __metadata_request__score = {"groups": True}

    def __init__(self, estimator=None, *, use_features=True, learning_rate=0.1, max_iter=100, max_depth=3,
                 min_samples_leaf=20, validation_fraction=0.1, n_iter_no_change=10, tol=1e-4, random_state=None):
        super().__init__(estimator, max_iter, learning_rate, random_state)
        self.use_features = use_features
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        if self.estimator is not None:
            inner = get_tags(self.estimator).input_tags
            tags.input_tags.allow_nan = inner.allow_nan and not self.use_features
            tags.input_tags.string = inner.string and not self.use_features
            tags.input_tags.categorical = inner.categorical and not self.use_features
        return tags

    # ------------------------------------------------------------------ #
    def _base_proba(self, X, *, reset):
        if self.estimator_ is None:  # fitted state (set before this is called in fit)
            X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_2d=True)
            return X, raw_probabilities(X, self.classes_.size)
        import scipy.sparse as sp

        if sp.issparse(X):
            raise TypeError("BoostingMultiCalibrator does not accept sparse `X` (the trees need dense features); "
                            "convert it with X.toarray().")
        X = check_X_2d(X)
        validate_data(self, X, reset=reset, skip_check_array=True)
        return X, proba_of(self.estimator_, X, self.classes_)

    def _design(self, X, P, G):
        """``[features, groups, offset]``; the offset is ``logit p`` (binary) or ``log p`` per class."""
        parts = []
        if self.estimator_ is not None and self.use_features_:
            try:
                F = np.asarray(X, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    "BoostingMultiCalibrator: the trees need numeric features; `X` could not be converted to "
                    "float. Pass `use_features=False` to boost on the groups and the base prediction only."
                ) from exc
            if not np.isfinite(F).all():
                raise ValueError("BoostingMultiCalibrator: `X` contains NaN or infinity; the trees need finite "
                                 "features (or pass `use_features=False`).")
            parts.append(F)
        if G is not None:
            parts.append(G.astype(np.float64))
        Pc = np.clip(P, _TINY, 1.0)
        if self.classes_.size == 2:
            p = np.clip(P[:, 1], _TINY, 1.0 - _TINY)
            parts.append((np.log(p) - np.log1p(-p))[:, None])
        else:
            parts.append(np.log(Pc))
        return np.ascontiguousarray(np.hstack(parts))

    def _groups(self, groups, n):
        if self.groups_encoder_ is None:
            if groups is not None:
                raise ValueError("This BoostingMultiCalibrator was fitted without `groups`; pass `groups=None`.")
            return None
        if groups is None:
            raise ValueError(f"`groups` is required: this BoostingMultiCalibrator was fitted with "
                             f"{self.n_groups_} group column(s); pass the same columns.")
        return self.groups_encoder_.transform(groups, n)

    def fit(self, X, y, groups=None, sample_weight=None, **fit_params):
        """Fit the base model if needed, then the booster on ``(X, y)``.

        Parameters
        ----------
        {X_or_proba_fit}
        {y_labels}
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership (may intersect), given to the trees as
            indicator features. ``None``: no group features.
        {sample_weight_fit}
        {fit_params_routed}

        Returns
        -------
        self : BoostingMultiCalibrator
            The fitted multicalibrator.
        """
        from sklearn.ensemble import GradientBoostingClassifier

        validate_params(self.get_params(deep=False), self._parameter_constraints, owner="BoostingMultiCalibrator")
        y = check_labels(y, "BoostingMultiCalibrator")
        if self.estimator is not None:
            check_rows(X, y.shape[0], "BoostingMultiCalibrator")
        classes, codes = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(f"BoostingMultiCalibrator needs at least 2 classes in `y`; got 1 class: "
                             f"{classes.tolist()}.")
        self.classes_ = classes
        if fit_params and not _routing_enabled():
            raise ValueError(
                f"BoostingMultiCalibrator.fit got {sorted(fit_params)}: extra fit parameters are passed to the base "
                "estimator through metadata routing; enable it with sklearn.set_config(enable_metadata_routing=True)."
            )
        if self.estimator is None:
            self.estimator_ = None
        else:
            import scipy.sparse as sp

            if sp.issparse(X):
                raise TypeError("BoostingMultiCalibrator does not accept sparse `X` (the trees need dense "
                                "features); convert it with X.toarray().")
            X = check_X_2d(X)
            routed = {}
            if _routing_enabled() and not is_frozen(self.estimator):
                routed = process_routing(self, "fit", sample_weight=sample_weight, groups=groups,
                                         **fit_params).estimator.fit
            self.estimator_ = fitted_base(self.estimator, X, y, sample_weight, routed, "BoostingMultiCalibrator")
        self.use_features_ = bool(self.use_features)
        X, P = self._base_proba(X, reset=True)
        n = P.shape[0]
        if codes.shape[0] != n:
            raise ValueError(f"Inconsistent numbers of samples: `X` has {n}, `y` has {codes.shape[0]}.")
        w = check_sample_weight(sample_weight, n)
        if groups is None:
            self.groups_encoder_, G = None, None
            self.n_groups_, self.group_names_ = 0, []
        else:
            self.groups_encoder_ = GroupsEncoder()
            G = self.groups_encoder_.fit_transform(groups, n)
            self.n_groups_, self.group_names_ = G.shape[1], list(self.groups_encoder_.names_)
        Z = self._design(X, P, G)
        counts = np.bincount(codes, minlength=classes.size)
        # early stopping needs a stratified validation fold with every class in it
        early = bool(counts.min() >= 2 and n * self.validation_fraction >= classes.size)
        self.booster_ = GradientBoostingClassifier(
            loss="log_loss", learning_rate=self.learning_rate, n_estimators=self.max_iter, max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf, init=_OffsetInit(classes.size),
            validation_fraction=self.validation_fraction, n_iter_no_change=self.n_iter_no_change if early else None,
            tol=self.tol, random_state=None if self.random_state is None else seed_from(self.random_state),
        ).fit(Z, codes, sample_weight=w)
        self.n_iter_ = int(self.booster_.n_estimators_)
        return self

    def _predict_proba(self, X, groups):
        check_is_fitted(self, "booster_")
        X, P = self._base_proba(X, reset=False)
        G = self._groups(groups, P.shape[0])
        return self.booster_.predict_proba(self._design(X, P, G))
