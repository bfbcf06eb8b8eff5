"""Groupwise-regret online learning: one online ridge per group, mixed by sleeping experts."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import metadata_routing
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, check_random_state

from statlearn._validation import Interval, Options, check_groups, validate_data, validate_params
from statlearn.online import _kernels
from statlearn.online.learners import OnlineRidge, _augment

__all__ = ["GroupwiseClassifier", "GroupwiseRegressor"]

_METHODS = {"adanormalhedge": 0, "hedge": 1}
_AGGREGATIONS = {"mean": 0, "sample": 1}
_LOSSES = {"squared": 0, "log": 1}
_LOG_EPS = 1e-4


def _check_clip(clip):
    if clip is None:
        return None
    try:
        lo, hi = (float(v) for v in clip)
    except (TypeError, ValueError):
        raise TypeError(f"`clip` must be None or a pair (low, high) of floats; got {clip!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"`clip` must be a pair (low, high) of finite floats with low < high; got {clip!r}.")
    return lo, hi


class _GroupwiseBase(BaseEstimator):
    """Shared machinery of the groupwise regressor and classifier."""

    # `groups` is an ordinary argument, not routed metadata: no `set_*_request` methods.
    __metadata_request__fit = {"groups": metadata_routing.UNUSED}
    __metadata_request__partial_fit = {"groups": metadata_routing.UNUSED, "classes": metadata_routing.UNUSED}
    __metadata_request__predict = {"groups": metadata_routing.UNUSED}
    __metadata_request__predict_proba = {"groups": metadata_routing.UNUSED}
    __metadata_request__score = {"groups": metadata_routing.UNUSED, "sample_weight": metadata_routing.UNUSED}

    _parameter_constraints = {
        "base": [None, OnlineRidge],
        "always_on": ["boolean"],
        "aggregation": [Options("mean", "sample")],
        "method": [Options("adanormalhedge", "hedge")],
        "learning_rate": [Interval("real", 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    # ---------------------------------------------------------------- #
    def _base(self):
        return self.base if self.base is not None else OnlineRidge()

    def _validate_groups(self, groups, n_samples, first):
        if not first and bool(self.always_on) != (len(self.expert_names_) == self.n_groups_ + 1):
            raise ValueError(
                f"`always_on` was {not self.always_on} when this stream started and is now "
                f"{bool(self.always_on)}; the set of experts is fixed until the next `fit` "
                "(call `fit` to start a new stream)."
            )
        if groups is None:
            if not first and self.n_groups_ != 1:
                raise ValueError(
                    f"`groups` is required: the model was fitted with {self.n_groups_} groups "
                    f"{self.group_names_}; got None."
                )
            arr, names = np.ones((n_samples, 1), dtype=bool), ["all"]
        else:
            arr, names = check_groups(groups, n_samples, allow_empty=True)
            if not first and arr.shape[1] != self.n_groups_:
                raise ValueError(
                    f"`groups` must have {self.n_groups_} columns {self.group_names_}; got shape {arr.shape}."
                )
            if not first and hasattr(groups, "columns") and names != self.group_names_:
                raise ValueError(
                    f"`groups` columns must be {self.group_names_} (in this order); got {names}."
                )
        if self.always_on:
            awake = np.ones((n_samples, arr.shape[1] + 1), dtype=bool)
            awake[:, :-1] = arr
        else:
            awake = np.ascontiguousarray(arr)
            none = ~awake.any(axis=1)
            if none.any():
                rows = np.flatnonzero(none)
                raise ValueError(
                    f"Every row must belong to at least one group when `always_on=False`; "
                    f"{rows.size} row(s) of `groups` belong to none, first at index {rows[0]}."
                )
        return awake, names

    def _reset(self, n_features, names):
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        if not np.isfinite(self.learning_rate):
            raise ValueError(f"`learning_rate` must be a finite float > 0; got {self.learning_rate!r}.")
        self._clip = self._clip_range()
        base = self._base()
        validate_params(base.get_params(deep=False), OnlineRidge._parameter_constraints, owner="OnlineRidge (`base`)")
        if not np.isfinite(base.alpha):
            raise ValueError(f"`alpha` of `base` must be a finite float > 0; got {base.alpha!r}.")
        self._fit_intercept = bool(base.fit_intercept)
        d = n_features + int(self._fit_intercept)
        G = len(names) + int(self.always_on)
        self.n_groups_ = len(names)
        self.group_names_ = list(names)
        self.expert_names_ = list(names) + (["always_on"] if self.always_on else [])
        self._P = np.repeat((np.eye(d) / float(base.alpha))[None], G, axis=0)
        self._theta = np.zeros((G, d))
        self._R = np.zeros(G)
        self._C = np.zeros(G)
        self.group_counts_ = np.zeros(G, dtype=np.int64)
        self._rng = check_random_state(self.random_state)
        self._predict_seed = int(self._rng.randint(0, 2**31 - 1))
        self._chunks = []
        self.n_samples_seen_ = 0

    def _sync(self):
        if self._fit_intercept:
            self.coef_ = self._theta[:, :-1].copy()
            self.intercept_ = self._theta[:, -1].copy()
        else:
            self.coef_ = self._theta.copy()
            self.intercept_ = np.zeros(self._theta.shape[0])
        G = self._R.shape[0]
        idx = np.arange(G, dtype=np.int64)
        logw = np.empty(G)
        if self.method == "adanormalhedge":
            _kernels.log_weights(0, 0.0, self._R, self._C, idx, G, logw)
        else:
            eta = self.learning_rate * np.sqrt(np.log(max(G, 2)) / np.maximum(self.group_counts_, 1))
            logw = eta * self._R
        p = np.empty(G)
        _kernels.normalise_log_weights(logw, G, p)
        self.expert_weights_ = p
        self.expert_regret_ = self._R.copy()

    @property
    def prequential_predictions_(self):
        """Forecasts made before learning each row, over every row seen since the last reset."""
        check_is_fitted(self, "coef_")
        if len(self._chunks) != 1:
            self._chunks = [np.concatenate(self._chunks)] if self._chunks else [np.empty(0)]
        return self._chunks[0]

    def _run(self, X, y, awake):
        Xa = _augment(X, self._fit_intercept)
        n = X.shape[0]
        uniforms = self._rng.random_sample(n) if self.aggregation == "sample" else np.zeros(n)
        preds = np.empty(n)
        lo, hi = self._clip if self._clip is not None else (0.0, 0.0)
        _kernels.groupwise_run(
            self._P, self._theta, self._R, self._C, self.group_counts_, Xa,
            np.ascontiguousarray(y, dtype=np.float64), awake, _METHODS[self.method],
            float(self.learning_rate), _LOSSES[self._loss_name()], _LOG_EPS,
            _AGGREGATIONS[self.aggregation], self._clip is not None, lo, hi, uniforms, preds,
        )
        self._chunks.append(preds)
        self.n_samples_seen_ += n
        self._sync()
        return preds

    def _forecast(self, X, groups):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        awake, _ = self._validate_groups(groups, X.shape[0], first=False)
        Xa = _augment(X, self._fit_intercept)
        n = X.shape[0]
        if self.aggregation == "sample":
            uniforms = np.random.RandomState(self._predict_seed).random_sample(n)
        else:
            uniforms = np.zeros(n)
        preds = np.empty(n)
        lo, hi = self._clip if self._clip is not None else (0.0, 0.0)
        _kernels.groupwise_predict(
            self._theta, self._R, self._C, self.group_counts_, Xa, awake, _METHODS[self.method],
            float(self.learning_rate), _AGGREGATIONS[self.aggregation], self._clip is not None,
            lo, hi, uniforms, preds,
        )
        return preds

    def _forget(self):
        for attr in ("coef_", "n_features_in_", "feature_names_in_"):
            if hasattr(self, attr):
                delattr(self, attr)

    def expert_predictions(self, X):
        """Forecast of every expert's own model (awake or not).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.

        Returns
        -------
        predictions : ndarray of shape (n_samples, n_experts)
            Column ``g`` is ``X @ coef_[g] + intercept_[g]`` (clipped like the
            combined forecast); columns follow ``expert_names_``.
        """
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        out = X @ self.coef_.T + self.intercept_
        if self._clip is not None:
            out = np.clip(out, *self._clip)
        return out


class GroupwiseRegressor(RegressorMixin, _GroupwiseBase):
    """Online regression with small regret on every (intersecting) group at once.

    One online ridge learner is run per group (plus an ``always_on``
    learner); each is awake on the rows of its group. The awake learners'
    forecasts are combined by a sleeping-experts rule (AdaNormalHedge by
    default) whose weights are computed in log space. Learning is
    prequential: each row is predicted, then learned. The loop runs in a
    numba kernel at ``O(|awake| d^2)`` per row.

    Parameters
    ----------
    base : OnlineRidge or None, default=None
        Template of the per-group learner (its ``alpha`` and
        ``fit_intercept`` are used); ``None`` means ``OnlineRidge()``, i.e.
        online ridge with ``lambda = 1`` as in the paper.
    always_on : bool, default=True
        Add an expert that is awake on every row (the paper's ``always_on``
        group). With ``False``, every row must belong to at least one group.
    aggregation : {"mean", "sample"}, default="mean"
        ``"mean"``: predict the weighted mean of the awake experts' forecasts
        (never worse than the expected loss for a convex loss). ``"sample"``:
        draw one awake expert with the weights and use its forecast (the
        paper's randomised learner).
    clip : tuple of (float, float) or None, default=None
        Clip every expert's forecast to ``[low, high]`` (e.g. the label
        range, so squared losses stay in ``[0, 1]`` as the theory assumes).
    method : {"adanormalhedge", "hedge"}, default="adanormalhedge"
        Sleeping-experts rule; see :class:`SleepingExperts`.
    learning_rate : float, default=1.0
        Scale of the hedge learning rate (unused by AdaNormalHedge).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws of ``aggregation="sample"``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_experts, n_features)
        Coefficients of each expert's online ridge; rows follow ``expert_names_``.
    intercept_ : ndarray of shape (n_experts,)
        Intercepts of the experts.
    expert_weights_ : ndarray of shape (n_experts,)
        Current sleeping-experts probabilities when every expert is awake.
    expert_regret_ : ndarray of shape (n_experts,)
        Cumulative instantaneous regret ``R`` of each expert against the mixture.
    group_counts_ : ndarray of shape (n_experts,)
        Rows each expert was awake on.
    prequential_predictions_ : ndarray of shape (n_samples_seen,)
        The combined forecast of each row, made before the row was learned.
    group_names_ : list of str
        Names of the groups (DataFrame columns, else ``group_0``, ...; ``"all"``
        when fitted without ``groups``).
    expert_names_ : list of str
        ``group_names_`` plus ``"always_on"`` when ``always_on=True``.
    n_groups_ : int
        Number of group columns.
    n_samples_seen_ : int
        Rows learned since the last reset.
    n_features_in_ : int
        Number of features.

    See Also
    --------
    GroupwiseClassifier : the same construction for probability forecasts.
    group_regret : per-group regret against the best linear fit in hindsight.

    Notes
    -----
    For row ``t`` with awake experts ``A_t``, expert ``g`` forecasts
    ``yhat_g = theta_g . x_t``, the combined forecast is
    ``sum_g p_g yhat_g`` with ``p`` the AdaNormalHedge probabilities on
    ``A_t``; then every awake ``g`` gets ``r_g = sum_h p_h l_h - l_g``
    (``l`` the squared loss) and its ridge learns ``(x_t, y_t)``. The paper
    shows ``Regret_g <= alpha_g(T_g) + O(sqrt(T_g log |G|))`` on every group.
    Labels in ``[0, 1]`` match the theory (the paper min-max scales them).

    References
    ----------
    .. [1] K. Acharya, E. Arunachaleswaran, S. Kannan, A. Roth, J. Ziani.
       "Oracle Efficient Algorithms for Groupwise Regret". ICLR 2024,
       arXiv:2310.04652.
    .. [2] H. Luo and R. E. Schapire. "Achieving All with No Parameters:
       AdaNormalHedge". COLT 2015.

    Examples
    --------
    >>> from statlearn.datasets import make_grouped_regression
    >>> from statlearn.online import GroupwiseRegressor
    >>> X, y, groups = make_grouped_regression(n_samples=2000, random_state=0)
    >>> model = GroupwiseRegressor().fit(X, y, groups=groups)
    >>> model.expert_names_
    ['circle', 'square', 'triangle', 'green', 'red', 'always_on']
    >>> model.predict(X[:3], groups=groups[:3]).shape
    (3,)
    """

    def __init__(self, base=None, always_on=True, aggregation="mean", clip=None,
                 method="adanormalhedge", learning_rate=1.0, random_state=None):
        self.base = base
        self.always_on = always_on
        self.aggregation = aggregation
        self.clip = clip
        self.method = method
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _clip_range(self):
        return _check_clip(self.clip)

    def _loss_name(self):
        return "squared"

    def fit(self, X, y, groups=None):
        """Reset, then learn the rows in order (prequentially).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Targets.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership (groups may intersect); ``None`` means one group
            holding every row.

        Returns
        -------
        self : GroupwiseRegressor
            The fitted model.
        """
        self._forget()
        return self.partial_fit(X, y, groups=groups)

    def partial_fit(self, X, y, groups=None):
        """Learn the rows in order: predict each row, then update the awake experts.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Targets.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership; ``None`` means one group holding every row.

        Returns
        -------
        self : GroupwiseRegressor
            The updated model.
        """
        first = not hasattr(self, "coef_")
        X, y = validate_data(self, X, y, reset=first, y_numeric=True, dtype=np.float64)
        awake, names = self._validate_groups(groups, X.shape[0], first)
        if first:
            self._reset(X.shape[1], names)
        self._run(X, y, awake)
        return self

    def predict(self, X, groups=None):
        """Forecast with the current experts and weights (nothing is learned).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership; may be ``None`` only if the model was fitted
            without groups.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Combined forecasts.
        """
        return self._forecast(X, groups)

    def score(self, X, y, groups=None, sample_weight=None):
        """Coefficient of determination R^2 of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            True targets.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R^2 of the forecasts.
        """
        return float(r2_score(y, self.predict(X, groups), sample_weight=sample_weight))


class GroupwiseClassifier(ClassifierMixin, _GroupwiseBase):
    """Binary probability forecasts with small regret on every (intersecting) group.

    The construction of :class:`GroupwiseRegressor` applied to 0/1 labels:
    each group's online ridge forecasts the probability of the positive
    class (a linear probability model, clipped to ``[0, 1]``), and the
    awake forecasts are mixed by sleeping experts scored with the squared
    (Brier) or log loss.

    Parameters
    ----------
    base : OnlineRidge or None, default=None
        Template of the per-group learner; ``None`` means ``OnlineRidge()``.
    always_on : bool, default=True
        Add an expert that is awake on every row.
    aggregation : {"mean", "sample"}, default="mean"
        Weighted mean of the awake forecasts, or one awake expert drawn with
        the weights.
    loss : {"squared", "log"}, default="squared"
        Loss that scores the experts. Forecasts are clipped to ``[0, 1]``
        (to ``[1e-4, 1 - 1e-4]`` for the log loss).
    method : {"adanormalhedge", "hedge"}, default="adanormalhedge"
        Sleeping-experts rule; see :class:`SleepingExperts`.
    learning_rate : float, default=1.0
        Scale of the hedge learning rate (unused by AdaNormalHedge).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws of ``aggregation="sample"``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels; the second is the positive class.
    coef_ : ndarray of shape (n_experts, n_features)
        Coefficients of each expert's linear probability model.
    intercept_ : ndarray of shape (n_experts,)
        Intercepts of the experts.
    expert_weights_ : ndarray of shape (n_experts,)
        Current probabilities over the experts when all are awake.
    expert_regret_ : ndarray of shape (n_experts,)
        Cumulative instantaneous regret of each expert against the mixture.
    group_counts_ : ndarray of shape (n_experts,)
        Rows each expert was awake on.
    prequential_predictions_ : ndarray of shape (n_samples_seen,)
        Probability of the positive class forecast for each row before it was learned.
    group_names_ : list of str
        Names of the groups.
    expert_names_ : list of str
        ``group_names_`` plus ``"always_on"`` when ``always_on=True``.
    n_groups_ : int
        Number of group columns.
    n_samples_seen_ : int
        Rows learned since the last reset.
    n_features_in_ : int
        Number of features.

    See Also
    --------
    GroupwiseRegressor : the regression version.

    References
    ----------
    .. [1] K. Acharya, E. Arunachaleswaran, S. Kannan, A. Roth, J. Ziani.
       "Oracle Efficient Algorithms for Groupwise Regret". ICLR 2024,
       arXiv:2310.04652.

    Examples
    --------
    >>> import numpy as np
    >>> from statlearn.online import GroupwiseClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3))
    >>> groups = np.column_stack([X[:, 0] > 0, X[:, 1] > 0])
    >>> y = (X[:, 2] + 0.5 * rng.normal(size=500) > 0).astype(int)
    >>> clf = GroupwiseClassifier().fit(X, y, groups=groups)
    >>> clf.predict_proba(X[:2], groups=groups[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        **_GroupwiseBase._parameter_constraints,
        "loss": [Options("squared", "log")],
    }

    def __init__(self, base=None, always_on=True, aggregation="mean", loss="squared",
                 method="adanormalhedge", learning_rate=1.0, random_state=None):
        self.base = base
        self.always_on = always_on
        self.aggregation = aggregation
        self.loss = loss
        self.method = method
        self.learning_rate = learning_rate
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _clip_range(self):
        return (_LOG_EPS, 1.0 - _LOG_EPS) if self.loss == "log" else (0.0, 1.0)

    def _loss_name(self):
        return self.loss

    def _encode(self, y, classes, first):
        if first:
            y_type = type_of_target(y, input_name="y", raise_unknown=True)
            if y_type not in ("binary", "unknown") and classes is None:
                if y_type == "continuous":
                    raise ValueError(f"Unknown label type: `y` must hold class labels; got {y_type} values.")
                raise ValueError(
                    f"Only binary classification is supported. The type of the target is {y_type}."
                )
            labels = np.unique(y) if classes is None else np.unique(np.asarray(classes))
            if labels.size > 2:
                raise ValueError(
                    f"Only binary classification is supported. The type of the target is multiclass "
                    f"({labels.size} classes)."
                )
            if labels.size < 2:
                raise ValueError(
                    f"`y` must contain two classes to train a binary classifier; got one class {labels.tolist()}."
                )
            self.classes_ = labels
        elif classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise ValueError(
                f"`classes` must equal those of the first call to `partial_fit`, {self.classes_.tolist()}; "
                f"got {np.asarray(classes).tolist()}. Call `fit` to start a new stream."
            )
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(
                f"`y` contains labels not in `classes_` {self.classes_.tolist()}: {np.unique(y[unknown]).tolist()}."
            )
        return (y == self.classes_[1]).astype(np.float64)

    def fit(self, X, y, groups=None):
        """Reset, then learn the rows in order (prequentially).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Binary labels.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership; ``None`` means one group holding every row.

        Returns
        -------
        self : GroupwiseClassifier
            The fitted model.
        """
        self._forget()
        if hasattr(self, "classes_"):
            del self.classes_
        return self.partial_fit(X, y, groups=groups)

    def partial_fit(self, X, y, groups=None, classes=None):
        """Learn the rows in order: forecast each row, then update the awake experts.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Binary labels.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership; ``None`` means one group holding every row.
        classes : array-like of shape (2,), default=None
            The two labels; needed in the first call if its batch holds only one class.

        Returns
        -------
        self : GroupwiseClassifier
            The updated model.
        """
        first = not hasattr(self, "coef_")
        X, y = validate_data(self, X, y, reset=first, dtype=np.float64)
        y01 = self._encode(y, classes, first)
        awake, names = self._validate_groups(groups, X.shape[0], first)
        if first:
            self._reset(X.shape[1], names)
        self._run(X, y01, awake)
        return self

    def predict_proba(self, X, groups=None):
        """Probability forecasts of the current model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Columns follow ``classes_``.
        """
        p = self._forecast(X, groups)
        return np.column_stack([1.0 - p, p])

    def predict(self, X, groups=None):
        """Predict the class with the larger forecast probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        p = self._forecast(X, groups)
        return self.classes_[(p > 0.5).astype(int)]

    def score(self, X, y, groups=None, sample_weight=None):
        """Accuracy of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            True labels.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Fraction of correctly predicted labels.
        """
        return float(accuracy_score(y, self.predict(X, groups), sample_weight=sample_weight))
