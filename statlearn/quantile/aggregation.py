"""Quantile aggregation: pinball-loss stacking of heterogeneous quantile models.

Fakoor et al.'s global aggregators are linear programs; they are solved
exactly here with HiGHS (through :func:`scipy.optimize.linprog`). The local
variant partitions the feature space with a regression tree grown on the
base models' relative out-of-fold losses and solves the same LP in every leaf.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import KFold
from sklearn.utils import Bunch, _safe_indexing
from sklearn.utils.validation import check_is_fitted

from statlearn._base import check_generator
from statlearn._parallel import Parallel, delayed
from statlearn._validation import (
    Interval,
    Options,
    check_cv_partition,
    check_finite_array,
    check_quantiles,
    check_sample_weight,
    validate_params,
)

from . import _kernels
from ._lp import MAX_DYNAMIC_RANGE, check_lp_range, check_weight_range, robust_spread, screened_pinball_lp
from ._unwrap import is_frozen as _is_frozen
from .models import _MedianMixin, _predict_levels, _takes_frames, _validate_X, _wrapper_tags
from .noncrossing import _as_multi, repair_quantiles

__all__ = ["QuantileAggregator", "aggregation_weights"]


def aggregation_weights(base_predictions, y, quantiles, *, weights="medium", sample_weight=None, simplex=True):
    """Exact pinball-loss aggregation weights (a linear program solved by HiGHS).

    Parameters
    ----------
    base_predictions : array-like of shape (n_samples, n_models, n_quantiles)
        Out-of-fold quantile predictions of every base model.
    y : array-like of shape (n_samples,)
        Targets.
    quantiles : array-like of shape (n_quantiles,)
        Levels.
    weights : {"coarse", "medium", "fine"}, default="medium"
        ``"coarse"``: one weight per model; ``"medium"``: one per model and
        level; ``"fine"``: every output level is a combination of every model
        at every input level.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights in the loss.
    simplex : bool, default=True
        Constrain each combination to the probability simplex; otherwise the
        weights are free reals.

    Returns
    -------
    w : ndarray
        Shape ``(n_models,)`` (coarse), ``(n_models, n_quantiles)`` (medium) or
        ``(n_models, n_quantiles, n_quantiles)`` (fine; ``w[j, v, k]`` weighs
        model ``j`` at input level ``v`` for output level ``k``).

    Notes
    -----
    Each problem is :math:`\\min_w \\sum_i s_i \\sum_k \\psi_{\\tau_k}(y_i -
    \\hat g_w(x_i; \\tau_k))` with :math:`\\hat g_w` linear in :math:`w`:
    split the residual into positive and negative parts to get a linear
    program. Medium and fine weights decouple across output levels (one LP per
    level); coarse weights couple all levels in one LP.

    References
    ----------
    .. [1] R. Fakoor et al., "Flexible Model Aggregation for Quantile
       Regression", JMLR 24(162), 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from statlearn.quantile import aggregation_weights
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=200)
    >>> good = y[:, None] + 0.1 * rng.normal(size=(200, 1)); bad = good + 2.0
    >>> Z = np.stack([good, bad], axis=1)  # 2 models, 1 level (the median)
    >>> w = aggregation_weights(Z, y, [0.5], weights="coarse")
    >>> w.shape, bool(w[0] > 0.9)
    ((2,), True)
    """
    Z = check_finite_array(base_predictions, name="base_predictions", ndim=3)
    q = check_quantiles(quantiles)
    yv = check_finite_array(y, name="y", ndim=1)
    n, p, m = Z.shape
    if m != q.size:
        raise ValueError(f"`base_predictions` must have {q.size} levels on its last axis; got shape {Z.shape}.")
    if yv.shape[0] != n:
        raise ValueError(f"`y` must have {n} entries (one per row of `base_predictions`); got {yv.shape[0]}.")
    s = check_sample_weight(sample_weight, n)
    if weights not in ("coarse", "medium", "fine"):
        raise ValueError(f"`weights` must be 'coarse', 'medium' or 'fine'; got {weights!r}.")
    Z, yv = _scaled(Z, yv, s)
    return _solve_weights(Z, yv, q, weights, s, simplex)


def _scaled(Z, y, s=None):
    """Divide by a power of two near the spread of ``y`` (exact, weights unchanged); refuse
    values (and weights) the LP cannot resolve instead of returning tolerance noise as weights."""
    spread = robust_spread(y)
    check_lp_range(y, "y", spread)
    check_lp_range(Z, "base_predictions", spread)
    if s is not None:
        check_weight_range(s)
    b = 2.0 ** np.round(np.log2(spread))
    return Z / b, y / b


def _solve_weights(Z, y, q, weights, s, simplex, counts=None):
    """Screened exact LPs; medium and fine start each level from the previous level's weights."""
    n, p, m = Z.shape
    if weights == "coarse":
        A = Z.transpose(0, 2, 1).reshape(n * m, p)
        return screened_pinball_lp(A, np.repeat(y, m), np.tile(q, n), np.repeat(s, m), simplex, counts=counts)
    W, w0 = [], None
    A = Z.reshape(n, p * m) if weights == "fine" else None
    for k in range(m):
        tau = np.full(n, q[k])
        if weights == "medium":
            w0 = screened_pinball_lp(Z[:, :, k], y, tau, s, simplex, w0, counts=counts)
        else:
            if w0 is not None:  # level k's combination resembles level k-1's moved up one input level
                prev = w0.reshape(p, m)
                w0 = np.zeros((p, m))
                w0[:, 1:] = prev[:, :-1]
                w0[:, -1] += prev[:, -1]
                w0 = w0.ravel()
            w0 = screened_pinball_lp(A, y, tau, s, simplex, w0, counts=counts)
        W.append(w0)
    W = np.column_stack(W)
    return W if weights == "medium" else W.reshape(p, m, m)


def _combine(Z, w):
    """Aggregate ``Z`` (n, p, m) with coarse/medium/fine weights ``w``."""
    n, p, m = Z.shape
    if w.ndim == 1:
        return np.einsum("njm,j->nm", Z, w)
    if w.ndim == 2:
        return np.einsum("njm,jm->nm", Z, w)
    return Z.reshape(n, p * m) @ w.reshape(p * m, m)


# --------------------------------------------------------------------------- #
# the estimator
# --------------------------------------------------------------------------- #
def _fit_predict(est, X, y, train, test, q, sample_weight):
    est = clone(est)
    if sample_weight is None:
        est.fit(_safe_indexing(X, train), y[train])
    else:
        est.fit(_safe_indexing(X, train), y[train], sample_weight=sample_weight[train])
    return test, _predict_levels(est, _safe_indexing(X, test), q)


def _fit_full(est, X, y, sample_weight):
    if _is_frozen(est):
        return est
    est = clone(est)
    if sample_weight is None:
        return est.fit(X, y)
    return est.fit(X, y, sample_weight=sample_weight)


class QuantileAggregator(_MedianMixin, RegressorMixin, BaseEstimator):
    """Aggregate heterogeneous quantile models by pinball-loss stacking.

    Base models are fitted in cross-validation; their out-of-fold quantile
    predictions form a tensor ``Z`` of shape ``(n_samples, n_models,
    n_quantiles)`` on which combination weights are fitted by minimising the
    pinball loss exactly (a linear program, HiGHS). The base models are then
    refitted on all rows and combined with those weights; the combined rows are
    finally repaired so they never cross.

    Parameters
    ----------
    estimators : list of estimators or list of (str, estimator), default=None
        Base quantile models (as in scikit-learn's ``VotingRegressor``, named
        ones are tunable: ``get_params()`` lists ``name__param`` and
        ``set_params(name=other)`` / ``set_params(name__param=v)`` work, so
        ``GridSearchCV`` can search them): single-level quantile estimators (wrapped in
        :class:`MultiQuantileRegressor`), quantile-forest models, models with
        ``predict_quantiles``, or prefit models wrapped in
        :class:`sklearn.frozen.FrozenEstimator` (not refitted; their
        predictions on the training rows are used as if out of fold, so fit
        them on other data). ``None`` uses linear quantile regression and
        histogram gradient boosting.
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Levels, strictly increasing in (0, 1).
    weights : {"coarse", "medium", "fine"}, default="medium"
        Per model; per model and level; or across models and levels.
    local : {None, "tree", "softmax"}, default=None
        Feature-dependent weights. ``"tree"``: a regression tree on ``X`` is
        grown on the base models' out-of-fold losses relative to their row mean
        (so its leaves separate regions where different models win), and the
        weight LP is solved in every leaf. ``"softmax"``: softmax-linear gating,
        ``w(x) = softmax(A [x, 1])`` over the models (per level with
        ``weights="medium"``), fitted by L-BFGS on a smoothed pinball loss
        (smoothing ``1e-3 * std(y)``) plus ``gate_penalty * ||A||^2`` on the
        slopes, started from the global LP weights. Coarse or medium only.
    max_leaf_nodes : int, default=4
        Leaves of the gating tree (``local="tree"``).
    min_samples_leaf : float in (0, 0.5], default=0.1
        Minimal fraction of rows per leaf of the gating tree.
    gate_penalty : float, default=1e-3
        L2 penalty on the slopes of the softmax gate (``local="softmax"``;
        features are standardised).
    simplex : bool, default=True
        Constrain weights to the simplex (convex combinations).
    cv : int or cross-validation splitter, default=5
        Out-of-fold scheme; an int gives shuffled ``KFold`` with
        ``random_state``.
    noncrossing : {"sort", "isotonic", "minmax"} or None, default="sort"
        Repair of the aggregated rows.
    n_jobs : int, default=None
        Parallel base-model fits (joblib).
    random_state : int, RandomState or None, default=None
        Seeds the fold shuffling and the gating tree.

    Attributes
    ----------
    weights_ : ndarray
        Global weights, shape ``(n_models,)``, ``(n_models, n_quantiles)`` or
        ``(n_models, n_quantiles, n_quantiles)``; with ``local="tree"`` an
        array with one such block per leaf (leaf on the first axis); with
        ``local="softmax"`` the gate's weights averaged over the training rows.
    quantiles_ : ndarray of shape (n_quantiles,)
        Levels.
    estimators_ : list of estimators
        Base models refitted on all rows.
    named_estimators_ : Bunch
        The same fitted models by name (the given names, else the lowercase
        class name, numbered when repeated).
    oof_predictions_ : ndarray of shape (n_samples, n_models, n_quantiles)
        The out-of-fold tensor the weights were fitted on.
    gate_ : DecisionTreeRegressor or None
        The gating tree (``local="tree"``).
    gate_coef_ : ndarray of shape (n_features + 1, n_models, 1 or n_quantiles)
        Softmax gate coefficients on standardised features, intercept last
        (``local="softmax"``).
    n_features_in_ : int
        Number of features seen in ``fit``.

    References
    ----------
    .. [1] R. Fakoor, T. Kim, J. Mueller, A. J. Smola, R. J. Tibshirani,
       "Flexible Model Aggregation for Quantile Regression", JMLR 24(162), 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> from sklearn.linear_model import QuantileRegressor
    >>> from statlearn.quantile import QuantileAggregator
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-2, 2, size=(300, 2)); y = np.sin(2 * X[:, 0]) + 0.3 * rng.normal(size=300)
    >>> agg = QuantileAggregator(
    ...     [QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile", max_iter=30)],
    ...     quantiles=[0.1, 0.5, 0.9], weights="coarse", random_state=0).fit(X, y)
    >>> agg.weights_.shape, agg.predict_quantiles(X[:3]).shape
    ((2,), (3, 3))
    """

    _parameter_constraints = {
        "estimators": [None, list, tuple],
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "weights": [Options("coarse", "medium", "fine")],
        "local": [None, Options("tree", "softmax")],
        "gate_penalty": [Interval("real", 0, None)],
        "max_leaf_nodes": [Interval("integral", 2, None)],
        "min_samples_leaf": [Interval("real", 0, 0.5, closed="right")],
        "simplex": ["boolean"],
        "cv": [Interval("integral", 2, None), "cv_object"],
        "noncrossing": [None, Options("sort", "isotonic", "minmax")],
        "n_jobs": [None, Interval("integral", None, None)],
        "random_state": ["random_state"],
    }

    def __init__(self, estimators=None, quantiles=(0.1, 0.5, 0.9), weights="medium", local=None,
                 max_leaf_nodes=4, min_samples_leaf=0.1, gate_penalty=1e-3, simplex=True, cv=5, noncrossing="sort",
                 n_jobs=None, random_state=None):
        self.estimators = estimators
        self.quantiles = quantiles
        self.weights = weights
        self.local = local
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.gate_penalty = gate_penalty
        self.simplex = simplex
        self.cv = cv
        self.noncrossing = noncrossing
        self.n_jobs = n_jobs
        self.random_state = random_state

    # named estimators, following scikit-learn's _BaseComposition convention
    def _named(self):
        """``(name, estimator)`` for the entries given with a name."""
        if not isinstance(self.estimators, list | tuple):
            return []
        return [e for e in self.estimators if isinstance(e, tuple) and len(e) == 2]

    def get_params(self, deep=True):
        """Parameters, with ``name`` and ``name__param`` for every named base model.

        Parameters
        ----------
        deep : bool, default=True
            Include the named base models and their parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = super().get_params(deep=False)
        if deep:
            for name, est in self._named():
                out[name] = est
                if hasattr(est, "get_params"):
                    out.update({f"{name}__{k}": v for k, v in est.get_params(deep=True).items()})
        return out

    def set_params(self, **params):
        """Set parameters; ``name=estimator`` replaces a named base model.

        Parameters
        ----------
        **params : dict
            Parameters, ``name`` or ``name__param`` for named base models.

        Returns
        -------
        self : QuantileAggregator
            This estimator.
        """
        if "estimators" in params:
            self.estimators = params.pop("estimators")
        names = {name for name, _ in self._named()}
        swap = {k: params.pop(k) for k in list(params) if k in names}
        if swap:
            self.estimators = [(e[0], swap[e[0]]) if isinstance(e, tuple) and e[0] in swap else e
                               for e in self.estimators]
        return super().set_params(**params) if params else self

    def _names(self):
        """A name per base model: the given one, else the lowercase class name (numbered if repeated)."""
        raw = self.estimators if self.estimators is not None else [None, None]
        given = [e[0] if isinstance(e, tuple) else None for e in raw]
        bad = [g for g in given if g is not None and (not isinstance(g, str) or "__" in g
                                                       or g in self._get_param_names())]
        if bad or len({g for g in given if g is not None}) != sum(g is not None for g in given):
            raise ValueError(f"`estimators` names must be unique strings without '__' that are not parameter "
                             f"names of QuantileAggregator; got {given}.")
        bases = [e[1] if isinstance(e, tuple) else e for e in raw] if self.estimators is not None else \
            ["QuantileRegressor", "HistGradientBoostingRegressor"]
        auto = [type(b).__name__.lower() if not isinstance(b, str) else b.lower() for b in bases]
        names = []
        for i, g in enumerate(given):
            if g is None:
                g = auto[i] if auto.count(auto[i]) == 1 else f"{auto[i]}-{auto[:i + 1].count(auto[i])}"
            names.append(g)
        return names

    def __sklearn_tags__(self):
        ests = self.estimators if isinstance(self.estimators, list | tuple) else []
        raw = [e[1] if isinstance(e, tuple) else e for e in ests]
        from sklearn.linear_model import QuantileRegressor

        return _wrapper_tags(super().__sklearn_tags__(), raw or [QuantileRegressor()])

    def _passes_frames(self):
        ests = self.estimators if isinstance(self.estimators, list | tuple) else []
        raw = [e[1] if isinstance(e, tuple) else e for e in ests]
        return bool(raw) and all(_takes_frames(e) for e in raw)

    def _validate(self):
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)

    def _base_list(self, q):
        if self.estimators is None:
            from sklearn.ensemble import HistGradientBoostingRegressor
            from sklearn.linear_model import QuantileRegressor

            raw = [QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(loss="quantile", max_iter=100)]
        else:
            raw = [e[1] if isinstance(e, tuple) else e for e in self.estimators]
        if len(raw) == 0:
            raise ValueError("`estimators` must contain at least one estimator; got an empty list.")
        out = []
        for i, e in enumerate(raw):
            if _is_frozen(e):
                out.append(e)
                continue
            try:
                out.append(_as_multi(e, q))
            except TypeError as exc:
                raise TypeError(str(exc).replace("`estimator`", f"`estimators[{i}]`", 1)) from None
        return out

    def fit(self, X, y, sample_weight=None, base_predictions=None):
        """Fit the base models out of fold, the weights, then refit the base models.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Training targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights for the base models and the weight LP.
        base_predictions : array-like of shape (n_samples, n_models, n_quantiles), default=None
            Your own out-of-fold predictions of the base models (then no
            cross-validation is run; the base models are still refitted on all
            rows unless frozen).

        Returns
        -------
        self : QuantileAggregator
            Fitted estimator.
        """
        self._validate()
        self._names()  # clear error on bad names before any fit
        q = check_quantiles(self.quantiles)
        bases = self._base_list(q)
        X, y = _validate_X(self, X, bases, reset=True, y=y)
        n = X.shape[0]
        sw = None if sample_weight is None else check_sample_weight(sample_weight, n)
        Xg = None if self.local is None else self._gate_input(X)
        rng = check_generator(self.random_state)
        p, m = len(bases), q.size

        if base_predictions is not None:
            Z = check_finite_array(base_predictions, name="base_predictions", ndim=3)
            if Z.shape != (n, p, m):
                raise ValueError(f"`base_predictions` must have shape {(n, p, m)} (n_samples, n_models, "
                                 f"n_quantiles); got {Z.shape}.")
        else:
            Z = np.empty((n, p, m))
            if isinstance(self.cv, numbers.Integral):
                if self.cv > n:
                    raise ValueError(f"`cv`={self.cv} folds need at least {self.cv} samples; `X` has n_samples={n}.")
                splitter = KFold(self.cv, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
            else:
                splitter = self.cv
            folds = check_cv_partition(splitter, X, y, name="cv")  # one out-of-fold prediction per row
            jobs = [(j, tr, te) for j, e in enumerate(bases) if not _is_frozen(e) for tr, te in folds]
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_predict)(bases[j], X, y, tr, te, q, sw) for j, tr, te in jobs
            )
            for (j, _, _), (te, pred) in zip(jobs, results, strict=True):
                Z[te, j, :] = pred
            for j, e in enumerate(bases):
                if _is_frozen(e):
                    Z[:, j, :] = _predict_levels(e, X, q)
        self.estimators_ = Parallel(n_jobs=self.n_jobs)(delayed(_fit_full)(e, X, y, sw) for e in bases)
        self.named_estimators_ = Bunch(**dict(zip(self._names(), self.estimators_, strict=True)))

        self._check_oof(Z, y, q)
        s = np.ones(n) if sw is None else sw
        self.gate_, self.gate_coef_ = None, None
        if self.local is None:
            self.weights_ = aggregation_weights(Z, y, q, weights=self.weights, sample_weight=s, simplex=self.simplex)
        elif self.local == "softmax":
            if self.weights == "fine" or not self.simplex:
                raise ValueError(
                    "`local`='softmax' supports weights='coarse' or 'medium' with simplex=True; "
                    f"got weights={self.weights!r}, simplex={self.simplex!r}."
                )
            w0 = aggregation_weights(Z, y, q, weights=self.weights, sample_weight=s, simplex=True)
            self.gate_mean_ = Xg.mean(axis=0)
            scale = Xg.std(axis=0)
            scale[scale == 0] = 1.0
            self.gate_scale_ = scale
            self.gate_coef_ = _fit_softmax_gate(self._gate_design(Xg), Z, y, q, s, w0, self.gate_penalty)
            S = _softmax_weights(self._gate_design(Xg), self.gate_coef_)
            self.weights_ = np.average(S, axis=0, weights=s)[:, 0] if self.weights == "coarse" else \
                np.average(S, axis=0, weights=s)
        else:
            from sklearn.tree import DecisionTreeRegressor

            loss = _row_losses(Z, y, q)  # (n, p)
            rel = loss - loss.mean(axis=1, keepdims=True)
            gate = DecisionTreeRegressor(max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
                                         random_state=int(rng.integers(2**31 - 1)))
            gate.fit(Xg, rel, sample_weight=s)
            leaves = gate.apply(Xg)
            ids = np.unique(leaves)
            blocks = [aggregation_weights(Z[leaves == lf], y[leaves == lf], q, weights=self.weights,
                                          sample_weight=s[leaves == lf], simplex=self.simplex) for lf in ids]
            self.gate_ = gate
            self.leaf_ids_ = ids
            self.weights_ = np.stack(blocks)
        self.oof_predictions_ = Z
        self.quantiles_ = q
        return self

    def _check_oof(self, Z, y, q):
        """Name the base model, row and level of an out-of-fold prediction the LP cannot resolve."""
        spread = robust_spread(y)
        bad = np.abs(Z) > MAX_DYNAMIC_RANGE * spread
        if bad.any():
            i, j, k = (int(v) for v in np.argwhere(bad)[0])
            raise ValueError(
                f"base model {self._names()[j]!r} predicted {Z[i, j, k]:.3g} for row {i} (level {q[k]}), more "
                f"than {MAX_DYNAMIC_RANGE:.0e} times the spread of `y` ({spread:.3g}); the weight LP cannot "
                "resolve it: check `X` and that model."
            )

    def _gate_input(self, X):
        """The gate reads numeric features itself (finite for the softmax gate; trees take NaN)."""
        if hasattr(X, "iloc") and any(not np.issubdtype(t, np.number) for t in getattr(X, "dtypes", [])):
            raise ValueError(
                f"`local`={self.local!r} gates on the features themselves and needs numeric `X`; got columns "
                "of non-numeric dtype. Put the preprocessing outside: "
                "make_pipeline(preprocessor, QuantileAggregator(...))."
            )
        return check_finite_array(X, name="X", ndim=2, allow_nan=self.local == "tree")

    def _gate_design(self, X):
        Xs = (X - self.gate_mean_) / self.gate_scale_
        return np.column_stack([Xs, np.ones(X.shape[0])])

    def _base_tensor(self, X):
        return np.stack([_predict_levels(e, X, self.quantiles_) for e in self.estimators_], axis=1)

    def predict_quantiles(self, X, *, repair=True):
        """Predict every level with the aggregated model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.
        repair : bool, default=True
            Apply ``noncrossing``; ``False`` returns the raw combination.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles)
            Aggregated quantiles.
        """
        check_is_fitted(self)
        X = _validate_X(self, X, self.estimators_, reset=False)
        Z = self._base_tensor(X)
        Xg = None if self.gate_coef_ is None and self.gate_ is None else self._gate_input(X)
        if self.gate_coef_ is not None:
            S = _softmax_weights(self._gate_design(Xg), self.gate_coef_)
            Q = np.einsum("npk,npk->nk", np.broadcast_to(S, Z.shape), Z)
        elif self.gate_ is None:
            Q = _combine(Z, self.weights_)
        else:
            leaves = self.gate_.apply(Xg)
            pos = np.searchsorted(self.leaf_ids_, leaves)
            Q = np.empty((X.shape[0], self.quantiles_.size))
            for b in range(len(self.leaf_ids_)):
                rows = pos == b
                if rows.any():
                    Q[rows] = _combine(Z[rows], self.weights_[b])
        Q = np.ascontiguousarray(Q)
        if repair and self.noncrossing is not None:
            Q = repair_quantiles(Q, self.quantiles_, self.noncrossing)
        return Q

    def predict_base_quantiles(self, X):
        """Quantile predictions of every refitted base model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_models, n_quantiles)
            Level predictions of base model ``j`` in ``[:, j, :]``.
        """
        check_is_fitted(self)
        X = _validate_X(self, X, self.estimators_, reset=False)
        return self._base_tensor(X)



def _row_losses(Z, y, q):
    """Mean pinball loss over levels of every (row, model): shape (n, p)."""
    r = y[:, None, None] - Z
    return np.mean(np.maximum(q * r, (q - 1.0) * r), axis=2)


def _softmax_weights(D, T):
    """Softmax over models of ``D @ T``: D (n, d1), T (d1, p, mm) -> (n, p, mm)."""
    logits = np.einsum("nd,dpk->npk", D, T)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def _gate_objective(theta, D, Z, y, q, s, delta, penalty, shape):
    """Smoothed mean pinball loss of the softmax-gated combination and its gradient (numba)."""
    loss, grad = _kernels.softmax_gate_objective(theta.reshape(shape), D, Z, y, q, s, delta, penalty)
    return loss, grad.ravel()


def _fit_softmax_gate(D, Z, y, q, s, w0, penalty, max_iter=1000):
    """L-BFGS fit of a softmax-linear gate, started at the global weights ``w0``."""
    from scipy.optimize import minimize

    n, p, m = Z.shape
    mm = 1 if w0.ndim == 1 else m
    T0 = np.zeros((D.shape[1], p, mm))
    T0[-1] = np.log(0.9 * np.reshape(w0, (p, mm)) + 0.1 / p)  # not saturated: gradients can flow
    delta = 1e-3 * max(float(np.std(y)), 1e-12)
    res = minimize(_gate_objective, T0.ravel(), args=(D, Z, y, q, s, delta, penalty, T0.shape), jac=True,
                   method="L-BFGS-B", options={"maxiter": max_iter, "ftol": 1e-15, "gtol": 1e-10})
    return res.x.reshape(T0.shape)
