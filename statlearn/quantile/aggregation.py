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
from statlearn._docstrings import fill_doc
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

from ._aggregation_solvers import (
    _combine,
    _design,
    _fit_softmax_gate,
    _row_losses,
    _scaled,
    _softmax_weights,
    _solve_weights,
)
from ._lp import MAX_DYNAMIC_RANGE, robust_spread
from ._named_estimators import _NamedEstimators
from ._unwrap import is_frozen as _is_frozen
from .models import _MedianMixin, _predict_levels, _validate_X
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


# --------------------------------------------------------------------------- #
# the estimator
# --------------------------------------------------------------------------- #
def _fit_predict(est, X, y, train, test, q, sample_weight, keep=False):
    est = clone(est)
    if sample_weight is None:
        est.fit(_safe_indexing(X, train), y[train])
    else:
        est.fit(_safe_indexing(X, train), y[train], sample_weight=sample_weight[train])
    return test, _predict_levels(est, _safe_indexing(X, test), q), (est if keep else None)


def _fit_full(est, X, y, sample_weight):
    if _is_frozen(est):
        return est
    est = clone(est)
    if sample_weight is None:
        return est.fit(X, y)
    return est.fit(X, y, sample_weight=sample_weight)


@fill_doc
class QuantileAggregator(_NamedEstimators, _MedianMixin, RegressorMixin, BaseEstimator):
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
    keep_fold_estimators : bool, default=False
        Keep the base models fitted in every fold (``fold_estimators_``):
        ``n_folds x n_models`` more fitted models in memory (a quantile forest
        stores its training rows, so this can be large). Needed to predict with
        the fold models; :class:`ConformalQuantileRegressor` with
        ``method="cv+"`` turns it on for the aggregator it fits, whose fold
        models are then its CV+ fold models.

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
    fold_of_ : ndarray of shape (n_samples,)
        Cross-validation fold of every training row (the fold whose models
        predicted it in ``oof_predictions_``); ``-1`` everywhere when fitted
        with ``base_predictions``.
    fold_estimators_ : list of lists of estimators or None
        ``fold_estimators_[f][j]``: base model ``j`` fitted on the rows outside
        fold ``f`` (a frozen base model is itself in every fold); ``None``
        unless ``keep_fold_estimators=True``.
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
        "keep_fold_estimators": ["boolean"],
    }

    def __init__(self, estimators=None, quantiles=(0.1, 0.5, 0.9), weights="medium", local=None,
                 max_leaf_nodes=4, min_samples_leaf=0.1, gate_penalty=1e-3, simplex=True, cv=5, noncrossing="sort",
                 n_jobs=None, random_state=None, keep_fold_estimators=False):
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
        self.keep_fold_estimators = keep_fold_estimators

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

        {quantile_fit_parameters}
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

        fold_of, fold_models, keep = np.full(n, -1, dtype=np.int64), None, False
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
            keep = bool(self.keep_fold_estimators)
            jobs = [(f, j, tr, te) for j, e in enumerate(bases) if not _is_frozen(e)
                    for f, (tr, te) in enumerate(folds)]
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_predict)(bases[j], X, y, tr, te, q, sw, keep) for _, j, tr, te in jobs
            )
            fold_models = [list(bases) for _ in folds]  # frozen bases stand for themselves in every fold
            for (f, j, _, _), (te, pred, est) in zip(jobs, results, strict=True):
                Z[te, j, :] = pred
                fold_models[f][j] = est
            for j, e in enumerate(bases):
                if _is_frozen(e):
                    Z[:, j, :] = _predict_levels(e, X, q)
            fold_of = np.empty(n, dtype=np.int64)
            for f, (_, te) in enumerate(folds):
                fold_of[te] = f
        self.estimators_ = Parallel(n_jobs=self.n_jobs)(delayed(_fit_full)(e, X, y, sw) for e in bases)
        self.fold_of_ = fold_of
        self.fold_estimators_ = fold_models if keep else None
        self.named_estimators_ = Bunch(**dict(zip(self._names(), self.estimators_, strict=True)))

        self._check_oof(Z, y, q)
        s = np.ones(n) if sw is None else sw
        self._gate_seed = None if self.local != "tree" else int(rng.integers(2**31 - 1))
        self._set_combiner(self._fit_combiner(Z, y, q, s, Xg))
        self.oof_predictions_ = Z
        self.quantiles_ = q
        return self

    # ------------------------------------------------------------------ #
    # the combiner (weights, and the gate of a local aggregator) as one state
    # ------------------------------------------------------------------ #
    _COMBINER = ("weights_", "gate_", "leaf_ids_", "gate_coef_", "gate_mean_", "gate_scale_")

    def _fit_combiner(self, Z, y, q, s, Xg, start=None):
        """Weights (and gate) fitted on the out-of-fold tensor ``Z``; ``start`` (a state fitted on a
        superset of the rows) warm-starts the LPs and the softmax gate. Returns a Bunch of the
        attributes in ``_COMBINER``."""
        st = Bunch(weights_=None, gate_=None, leaf_ids_=None, gate_coef_=None, gate_mean_=None, gate_scale_=None)
        if self.local is None:
            Zs, ys = _scaled(Z, y, s)
            st.weights_ = _solve_weights(Zs, ys, q, self.weights, s, self.simplex,
                                         start=None if start is None else start.weights_)
        elif self.local == "softmax":
            if self.weights == "fine" or not self.simplex:
                raise ValueError(
                    "`local`='softmax' supports weights='coarse' or 'medium' with simplex=True; "
                    f"got weights={self.weights!r}, simplex={self.simplex!r}."
                )
            st.gate_mean_ = Xg.mean(axis=0)
            scale = Xg.std(axis=0)
            scale[scale == 0] = 1.0
            st.gate_scale_ = scale
            D = _design(Xg, st)
            if start is None:
                w0 = aggregation_weights(Z, y, q, weights=self.weights, sample_weight=s, simplex=True)
                st.gate_coef_ = _fit_softmax_gate(D, Z, y, q, s, w0, self.gate_penalty)
            else:  # the same standardisation as ``start`` keeps its coefficients meaningful
                st.gate_mean_, st.gate_scale_ = start.gate_mean_, start.gate_scale_
                D = _design(Xg, st)
                st.gate_coef_ = _fit_softmax_gate(D, Z, y, q, s, None, self.gate_penalty, T0=start.gate_coef_)
            S = _softmax_weights(D, st.gate_coef_)
            st.weights_ = np.average(S, axis=0, weights=s)[:, 0] if self.weights == "coarse" else \
                np.average(S, axis=0, weights=s)
        else:
            from sklearn.tree import DecisionTreeRegressor

            loss = _row_losses(Z, y, q)  # (n, p)
            rel = loss - loss.mean(axis=1, keepdims=True)
            gate = DecisionTreeRegressor(max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
                                         random_state=self._gate_seed)
            gate.fit(Xg, rel, sample_weight=s)
            leaves = gate.apply(Xg)
            ids = np.unique(leaves)
            blocks = [aggregation_weights(Z[leaves == lf], y[leaves == lf], q, weights=self.weights,
                                          sample_weight=s[leaves == lf], simplex=self.simplex) for lf in ids]
            st.gate_, st.leaf_ids_, st.weights_ = gate, ids, np.stack(blocks)
        return st

    def _set_combiner(self, st):
        for k in self._COMBINER:
            if st[k] is not None or k in ("gate_", "gate_coef_"):
                setattr(self, k, st[k])

    def _gate_rows(self, X, st):
        """The gate's input rows when the state has a gate, else None."""
        return None if st.gate_ is None and st.gate_coef_ is None else self._gate_input(X)

    def _combiner(self):
        return Bunch(**{k: getattr(self, k, None) for k in self._COMBINER})

    def _aggregate(self, Z, Xg, st, repair=True):
        """Combine a base tensor ``Z`` (rows of ``Xg``, the gate input) with the state ``st``."""
        if st.gate_coef_ is not None:
            S = _softmax_weights(_design(Xg, st), st.gate_coef_)
            Q = np.einsum("npk,npk->nk", np.broadcast_to(S, Z.shape), Z)
        elif st.gate_ is None:
            Q = _combine(Z, st.weights_)
        else:
            leaves = st.gate_.apply(Xg)
            pos = np.searchsorted(st.leaf_ids_, leaves)
            Q = np.empty((Z.shape[0], Z.shape[2]))
            for b in range(len(st.leaf_ids_)):
                rows = pos == b
                if rows.any():
                    Q[rows] = _combine(Z[rows], st.weights_[b])
        Q = np.ascontiguousarray(Q)
        if repair and self.noncrossing is not None:
            Q = repair_quantiles(Q, self.quantiles_, self.noncrossing)
        return Q

    # ------------------------------------------------------------------ #
    # out-of-fold reuse (ConformalQuantileRegressor(method="cv+"))
    # ------------------------------------------------------------------ #
    def _check_fold_estimators(self):
        check_is_fitted(self)
        if self.fold_estimators_ is None:
            raise ValueError("This QuantileAggregator kept no fold models: fit it with keep_fold_estimators=True "
                             "(and without `base_predictions`).")

    def _fold_combiners(self, X, y, refit=True):
        """One combiner state per fold: the weights (and gate) refitted on the other folds' out-of-fold
        rows, warm-started at the full fit (``refit=False``: the full state for every fold)."""
        self._check_fold_estimators()
        full = self._combiner()
        F = len(self.fold_estimators_)
        if not refit:
            return [full] * F
        Xg = self._gate_rows(X, full)
        Z, q = self.oof_predictions_, self.quantiles_
        out = []
        for f in range(F):
            rows = self.fold_of_ != f
            out.append(self._fit_combiner(Z[rows], y[rows], q, np.ones(int(rows.sum())),
                                          None if Xg is None else Xg[rows], start=full))
        return out

    def _oof_quantiles(self, X, combiners):
        """Aggregated out-of-fold quantiles of the training rows ``X``: row ``i`` of fold ``f`` combines
        the fold-``f`` models' predictions (``oof_predictions_[i]``) with ``combiners[f]``."""
        self._check_fold_estimators()
        Xg = self._gate_rows(X, combiners[0])
        Z = self.oof_predictions_
        Q = np.empty((Z.shape[0], Z.shape[2]))
        for f, st in enumerate(combiners):
            rows = self.fold_of_ == f
            Q[rows] = self._aggregate(Z[rows], None if Xg is None else Xg[rows], st)
        return Q

    def _fold_quantiles(self, X, combiners):
        """Shape (len(combiners), n_samples, n_quantiles): for every ``(f, state)`` of ``combiners`` (a
        dict, or a list indexed by fold), the fold-``f`` models combined with that state."""
        self._check_fold_estimators()
        items = list(combiners.items()) if isinstance(combiners, dict) else list(enumerate(combiners))
        X = _validate_X(self, X, self.estimators_, reset=False)
        Xg = self._gate_rows(X, items[0][1])
        out = np.empty((len(items), X.shape[0], self.quantiles_.size))
        for i, (f, st) in enumerate(items):
            Z = np.stack([_predict_levels(e, X, self.quantiles_) for e in self.fold_estimators_[f]], axis=1)
            out[i] = self._aggregate(Z, Xg, st)
        return out

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
        st = self._combiner()
        return self._aggregate(Z, self._gate_rows(X, st), st, repair=repair)

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


