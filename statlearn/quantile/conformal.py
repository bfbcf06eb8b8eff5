"""Conformal calibration of all quantile levels at once (sort -> CQR -> min-max sweep).

Reading order: ``fit`` sorts the base model's calibration predictions, turns them
into conformity scores (a strategy object from :mod:`.conformity_scores`) and keeps
what prediction needs (``shifts_`` for split conformal; fold models, the signed
scores sorted per fold and their fold boundaries for CV+); ``predict_quantiles``
applies them and sweeps from the median so that no level crosses.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import KFold
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

from statlearn._base import check_generator
from statlearn._docstrings import fill_doc
from statlearn._parallel import Parallel, delayed
from statlearn._validation import (
    GroupsEncoder,
    Interval,
    Options,
    check_cv_partition,
    check_quantiles,
    check_sample_weight,
    validate_params,
)

from . import _group_conformal, _kernels
from ._conformal_common import _fit_base, _interpolate_levels, _interval_request, _n_calibration, _pattern_text
from ._cvplus import _AggregatorFold, _fit_fold, _n_splits, _reusable_aggregator, _to_final
from ._unwrap import final_step
from .aggregation import _is_frozen
from .conformity_scores import BaseConformityScore, check_conformity_score
from .models import (
    _median_index,
    _MedianMixin,
    _predict_levels,
    _validate_X,
    _WrapsMultiQuantile,
)
from .noncrossing import _as_multi

__all__ = ["ConformalQuantileRegressor"]


@fill_doc
class ConformalQuantileRegressor(_WrapsMultiQuantile, _MedianMixin, RegressorMixin, BaseEstimator):
    """Conformalized quantile regression for every level at once, never crossing.

    The pipeline is sort -> conformal correction -> min-max sweep: the base
    model's quantile rows are sorted, every symmetric pair of levels
    ``(quantiles[k], quantiles[K-1-k])`` is calibrated as a CQR interval with
    nominal coverage ``quantiles[K-1-k] - quantiles[k]``, and a final min-max
    sweep from the median (which only widens intervals) removes any crossing
    the corrections created. Each pair keeps its finite-sample coverage.

    Parameters
    ----------
    estimator : estimator, default=None
        A multi-level quantile model, or a single-level quantile model (then
        wrapped in :class:`MultiQuantileRegressor` with ``quantiles``), or a
        quantile-forest model. ``None`` uses gradient boosting per level.
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Levels, strictly increasing in (0, 1). Level ``k`` is paired with level
        ``K-1-k``; with symmetric levels the pairs are central intervals.
    method : {"split", "cv+"}, default="split"
        Split conformal (one fit, a held-out calibration set) or CV+ (``cv``
        fits, every row used for calibration; coverage at least ``1 - 2 alpha``
        in theory, close to ``1 - alpha`` in practice). With a
        :class:`QuantileAggregator` (bare or at the end of a ``Pipeline``),
        both fit the aggregator once: ``"split"`` on the fitting rows (its own
        cross-validation, nothing fitted twice), ``"cv+"`` on all rows,
        reusing its folds (see Notes).
    conformity_score : {"cqr", "cqr-asymmetric", "per-level"} or BaseConformityScore, default="cqr"
        ``"cqr"`` (:class:`~statlearn.quantile.conformity_scores.CQRScore`):
        the symmetric score ``max(lo - y, y - hi)`` per pair (Romano et al.);
        ``"cqr-asymmetric"`` (``AsymmetricCQRScore``): lower and upper bounds
        calibrated separately (miss rates ``quantiles[k]`` and
        ``1 - quantiles[K-1-k]``); ``"per-level"`` (``PerLevelScore``): every
        level shifted by the conformal quantile of its own residuals (one-sided
        validity per level). The middle level of an odd ``K`` is only shifted by
        ``"per-level"``; a single level needs ``"per-level"`` (the CQR scores
        raise: one level has no pair). An instance of a
        :class:`~statlearn.quantile.conformity_scores.BaseConformityScore`
        subclass is used as given.
    calibration_size : float in (0, 1) or int, default=0.25
        Calibration share (or count) for ``method="split"``. With a prefit
        ``estimator`` wrapped in :class:`sklearn.frozen.FrozenEstimator`, every
        row passed to ``fit`` is a calibration row and this is ignored.
    cv : int or cross-validation splitter, default=5
        Folds for ``method="cv+"``: an int gives shuffled ``KFold`` seeded by
        ``random_state``; a splitter (or an iterable of (train, test) pairs)
        must put every row in exactly one test fold, else ``fit`` raises.
        With a :class:`QuantileAggregator` the folds are the aggregator's own
        (its ``cv`` and ``random_state``; an aggregator with
        ``random_state=None`` gets one drawn from ``random_state`` here): ``cv``
        must then be an int equal to its number of folds, else ``fit`` raises.
    n_jobs : int, default=None
        Parallel fold fits for ``method="cv+"``.
    random_state : int, RandomState or None, default=None
        Seeds the calibration split or the folds.
    group_calibration : {"auto", "mondrian", "conditional"}, default="auto"
        How ``groups`` passed to :meth:`fit` are calibrated (``method="split"``).
        ``"mondrian"``: disjoint groups, every group calibrated on its own
        calibration rows (rows in no group form one more cell); each group keeps
        ``P(y in C(x) | x in g) >= 1 - alpha``. ``"conditional"``: a finite family
        of possibly intersecting groups calibrated at once by Gibbs, Cherian &
        Candes' (2023) augmented quantile regression of the scores on the group
        indicators and an intercept (one LP per distinct membership pattern and
        level, solved by HiGHS or the Frisch-Newton kernel; cost independent of
        the number of test rows): every group, and the whole population, keeps
        coverage ``>= 1 - alpha`` at once (over-coverage at most about
        ``n_groups / (n_g + 1)`` in a group of ``n_g`` calibration rows).
        ``"auto"``: ``"mondrian"`` when no row is in two groups, else
        ``"conditional"``. Without ``groups`` this is ignored.

    Attributes
    ----------
    quantiles_ : ndarray of shape (n_quantiles,)
        Levels.
    estimator_ : estimator
        The fitted base model (``"split"``; also ``"cv+"`` with a reused
        aggregator: the aggregator, or Pipeline, fitted on all rows).
    estimators_ : list of estimators
        One model per fold (``"cv+"``). With a reused aggregator, fold ``f``'s
        model has ``predict_quantiles``, ``estimators_`` (the aggregator's
        ``fold_estimators_[f]``) and ``weights_`` (the fold's weights).
    oof_reused_ : bool
        Whether ``"cv+"`` reused a QuantileAggregator's out-of-fold fits.
    method_ : {"split", "cv+"}
        The method used in ``fit``.
    conformity_score_ : BaseConformityScore
        The score object used in ``fit``.
    shifts_ : ndarray of shape (n_quantiles,)
        Additive corrections of the sorted levels (``"split"``; possibly
        infinite when the calibration set is too small for a level).
    fold_of_ : ndarray of shape (n_samples,)
        Fold of every calibration row (``"cv+"``).
    conformity_scores_ : ndarray of shape (n_calibration, n_columns)
        Calibration scores: one column per pair (``"cqr"``), two per pair
        (``"cqr-asymmetric"``, lower then upper) or one per level (``"per-level"``).
    n_calibration_ : int
        Number of calibration rows.
    group_calibration_ : {None, "mondrian", "conditional"}
        How groups were calibrated (None: fitted without ``groups``).
    groups_encoder_ : GroupsEncoder or None
        Encodes ``groups`` at prediction time (columns matched by name).
    group_shifts_ : ndarray of shape (n_cells, n_quantiles)
        Corrections per Mondrian cell (the last row: rows in no group) or per
        membership pattern of ``group_patterns_``.
    group_patterns_ : ndarray of shape (n_patterns, 1 + n_groups)
        Membership patterns (intercept first) with precomputed corrections
        (``"conditional"``; other patterns are solved at prediction time).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    **CV+ with a QuantileAggregator reuses its out-of-fold fits.** Refitting
    the aggregator in every CV+ fold would cost ``cv * (cv_inner + 1) *
    n_models`` base-model fits (every fold runs the aggregator's own
    cross-validation). Instead the aggregator is fitted once on all rows with
    ``keep_fold_estimators=True`` (``(cv + 1) * n_models`` fits, as the
    aggregator alone) and its cross-validation is the CV+:

    * the CV+ folds are the aggregator's folds (``fold_of_``);
    * fold ``f``'s model is the aggregator's fold-``f`` base models combined
      with weights (and, for ``local`` aggregators, a gate) refitted on the
      out-of-fold predictions of the rows outside fold ``f`` (warm-started
      at the full fit's weights; a few small LPs), then repaired and sorted;
    * the score of a row of fold ``f`` comes from fold ``f``'s model, i.e.
      from the aggregator's out-of-fold prediction of that row.

    Guarantee, precisely: fold ``f``'s base models never saw fold ``f``, and
    neither did its weights directly, but the out-of-fold predictions the
    weights are fitted on come from the other folds' models, which did see
    fold ``f`` (and a Pipeline's preprocessing is fitted on all rows). So the
    fold model is not a function of the other folds alone, and the
    ``1 - 2 alpha`` CV+ bound is not guaranteed; the dependence goes only
    through ``n_models x n_quantiles`` (or fewer) weights fitted on every
    row. Weights fitted on all rows, reused in every fold, would add a direct
    dependence (a row's score measured with weights fitted on it), at no
    measurable saving. Coverage is tested over many seeds in
    ``tests/quantile/test_conformal_reuse.py``.

    **Split calibration with an aggregator** fits it once on the fitting rows
    (``(cv_inner + 1) * n_models`` fits on ``n - n_calibration`` rows; the
    calibration rows are never seen, so the split guarantee holds exactly).

    References
    ----------
    .. [1] Y. Romano, E. Patterson, E. Candes, "Conformalized quantile
       regression", NeurIPS 2019.
    .. [2] R. F. Barber, E. Candes, A. Ramdas, R. J. Tibshirani, "Predictive
       inference with the jackknife+", Ann. Statist. 49(1), 2021.
    .. [3] R. Fakoor et al., "Flexible Model Aggregation for Quantile
       Regression", JMLR 24(162), 2023.
    .. [4] I. Gibbs, J. J. Cherian, E. J. Candes, "Conformal prediction with
       conditional guarantees", arXiv:2305.12616, 2023 (JRSS-B 2025).
    .. [5] V. Vovk, "Conditional validity of inductive conformal predictors",
       ACML 2012 (Mondrian conformal prediction).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> from statlearn.quantile import ConformalQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(1000, 2)); y = X[:, 0] + (0.2 + X[:, 1]) * rng.normal(size=1000)
    >>> cqr = ConformalQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=30),
    ...                                  quantiles=[0.05, 0.1, 0.5, 0.9, 0.95], random_state=0).fit(X, y)
    >>> cqr.predict_interval(X[:2], confidence_level=0.8).shape
    (2, 2)

    CV+ around an aggregator fits its base models once per fold plus once:

    >>> from sklearn.linear_model import QuantileRegressor
    >>> from statlearn.quantile import QuantileAggregator
    >>> agg = QuantileAggregator([QuantileRegressor(alpha=0.0), HistGradientBoostingRegressor(
    ...     loss="quantile", max_iter=30)], quantiles=[0.1, 0.5, 0.9], cv=5, random_state=0)
    >>> cvp = ConformalQuantileRegressor(agg, quantiles=[0.1, 0.5, 0.9], method="cv+", cv=5).fit(X, y)
    >>> cvp.oof_reused_, len(cvp.estimators_), len(cvp.estimator_.fold_estimators_)
    (True, 5, 5)
    >>> cvp.predict_interval(X[:2], confidence_level=0.8).shape
    (2, 2)
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "method": [Options("split", "cv+")],
        "conformity_score": [Options("cqr", "cqr-asymmetric", "per-level"), BaseConformityScore],
        "calibration_size": [Interval("real", 0, 1, closed="neither"), Interval("integral", 1, None)],
        "cv": [Interval("integral", 2, None), "cv_object"],
        "n_jobs": [None, Interval("integral", None, None)],
        "random_state": ["random_state"],
        "group_calibration": [Options("auto", "mondrian", "conditional")],
    }

    def __init__(self, estimator=None, quantiles=(0.1, 0.5, 0.9), method="split", conformity_score="cqr",
                 calibration_size=0.25, cv=5, n_jobs=None, random_state=None, group_calibration="auto"):
        self.estimator = estimator
        self.quantiles = quantiles
        self.method = method
        self.conformity_score = conformity_score
        self.calibration_size = calibration_size
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.group_calibration = group_calibration

    def fit(self, X, y, sample_weight=None, groups=None):
        """Fit the base model(s) and calibrate every level.

        {quantile_fit_parameters}
        sample_weight : array-like of shape (n_samples,), default=None
            Frequency weights: passed to the base model's ``fit`` on the fitting
            rows, and weighting the calibration scores (a row of weight 2
            counts as two rows; the test point counts as one).
        groups : array-like or DataFrame of shape (n_samples, n_groups), default=None
            Group memberships (the library's groups contract: a boolean array, or
            a DataFrame whose categorical columns expand to one indicator per
            level). Calibrates every group (see ``group_calibration``); then
            :meth:`predict_quantiles` and :meth:`predict_interval` need
            ``groups`` too. ``method="split"`` only.

        Returns
        -------
        self : ConformalQuantileRegressor
            Fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        q = check_quantiles(self.quantiles)
        score = check_conformity_score(self.conformity_score)
        score.check(q)
        base = _as_multi(self.estimator, q)
        X, y = _validate_X(self, X, [base], reset=True, y=y)
        n = X.shape[0]
        sw = None if sample_weight is None else check_sample_weight(sample_weight, n)
        G = None
        self.groups_encoder_ = None
        if groups is not None:
            if self.method != "split":
                raise ValueError(f"`groups` needs method='split' (group-conditional calibration); got "
                                 f"method={self.method!r}.")
            self.groups_encoder_ = GroupsEncoder(name="groups").fit(groups, n)
            G = self.groups_encoder_.transform(groups, n)
        if (sw is not None or G is not None):
            score.conformal_levels(q)  # a clear error for a score that supports only marginal calibration
        rng = check_generator(self.random_state)
        self.group_calibration_ = None
        self.oof_reused_ = False
        if self.method == "split":
            E = self._fit_split(base, X, y, q, rng, score, sw, G)
        else:
            if sw is not None:
                raise ValueError("`sample_weight` needs method='split'; CV+ has no weighted guarantee.")
            E = self._fit_cvplus(base, X, y, q, rng, score)
        self.method_ = self.method
        self.conformity_score_ = score
        self.conformity_scores_ = E
        self.quantiles_ = q
        return self

    def _fit_split(self, base, X, y, q, rng, score, sw=None, G=None):
        n = X.shape[0]
        if _is_frozen(base):  # a prefit model: every row calibrates
            cal = np.arange(n)
            self.estimator_ = base
        else:
            n_cal = _n_calibration(self.calibration_size, n)
            perm = rng.permutation(n)
            cal, fit = perm[:n_cal], perm[n_cal:]
            self.estimator_ = _fit_base(clone(base), _safe_indexing(X, fit), y[fit],
                                        None if sw is None else sw[fit])
        E = score.scores(np.sort(_predict_levels(self.estimator_, _safe_indexing(X, cal), q), axis=1), y[cal])
        self.n_calibration_ = cal.size
        if sw is None and G is None:
            self.shifts_ = score.split_shifts(E, q)
        else:
            s_cal = np.ones(cal.size) if sw is None else sw[cal]
            levels = score.conformal_levels(q)
            self.shifts_ = _group_conformal.mondrian_shifts(E, levels, q.size, np.full(cal.size, -1), 0, s_cal)[-1]
            if G is not None:
                self._calibrate_groups(E, levels, q.size, G, cal, s_cal)
        if not np.isfinite(self.shifts_).all():
            warnings.warn(
                f"The calibration set ({cal.size} rows) is too small for the most extreme levels; "
                "their corrections are infinite. Use more data or less extreme `quantiles`.",
                UserWarning, stacklevel=3,
            )
        return E

    def _calibrate_groups(self, E, levels, K, G, cal, s_cal):
        """Mondrian or conditional corrections for the groups of the calibration rows."""
        names = self.groups_encoder_.names_
        cells = _group_conformal.disjoint_cells(G)
        mode = self.group_calibration
        if mode == "auto":
            mode = "mondrian" if cells is not None else "conditional"
        if mode == "mondrian" and cells is None:
            i = int(np.flatnonzero(G.sum(axis=1) > 1)[0])
            both = [names[j] for j in np.flatnonzero(G[i])]
            raise ValueError(f"group_calibration='mondrian' needs disjoint `groups`; row {i} is in {both}. "
                             "Use group_calibration='conditional' (or 'auto') for intersecting groups.")
        self.group_calibration_ = mode
        if mode == "mondrian":
            self.group_shifts_ = _group_conformal.mondrian_shifts(E, levels, K, cells[cal], G.shape[1], s_cal)
            self.group_patterns_ = None
            small = [repr(names[c]) for c in range(G.shape[1]) if not np.isfinite(self.group_shifts_[c]).all()]
            if not np.isfinite(self.group_shifts_[-1]).all() and (cells == -1).any():
                small.append("rows in no group")
        else:
            Phi = _group_conformal.design(G[cal])
            patterns = np.unique(_group_conformal.design(G), axis=0)
            self._group_design = Phi
            self._group_weights = s_cal
            self._group_levels = levels
            self.group_patterns_ = patterns.astype(bool)
            self.group_shifts_ = _group_conformal.conditional_shifts(E, levels, K, Phi, patterns, s_cal)
            bad = np.flatnonzero(~np.isfinite(self.group_shifts_).all(axis=1))
            n_rows = [int((Phi == patterns[p]).all(axis=1).sum()) for p in bad]
            small = [f"{_pattern_text(names, patterns[p])} ({c} calibration rows)" for p, c in zip(bad, n_rows,
                                                                                                  strict=True)]
        if small:
            warnings.warn(
                f"Some groups (or membership patterns) have too few calibration rows for the most extreme levels; "
                f"their corrections are infinite: {', '.join(small)}. Use more data, fewer or larger groups, or "
                "less extreme `quantiles`.",
                UserWarning, stacklevel=4,
            )

    def _group_shift_rows(self, groups, m):
        """(m, K) corrections of the test rows from their groups."""
        if groups is None:
            raise ValueError("This model was fitted with `groups`; pass `groups` for the rows of `X` as well.")
        Gt = self.groups_encoder_.transform(groups, m)
        if self.group_calibration_ == "mondrian":
            cells = _group_conformal.disjoint_cells(Gt)
            if cells is None:
                i = int(np.flatnonzero(Gt.sum(axis=1) > 1)[0])
                raise ValueError(f"The model was calibrated on disjoint `groups` (Mondrian); row {i} of `groups` "
                                 "is in two of them.")
            return self.group_shifts_[cells]  # cell -1 is the last row
        pt = _group_conformal.design(Gt)
        uniq, inv = np.unique(pt, axis=0, return_inverse=True)
        known = {row.tobytes(): p for p, row in enumerate(self.group_patterns_.astype(np.float64))}
        shifts = np.empty((uniq.shape[0], self.quantiles_.size))
        new = [u for u in range(uniq.shape[0]) if uniq[u].tobytes() not in known]
        for u in range(uniq.shape[0]):
            if u not in new:
                shifts[u] = self.group_shifts_[known[uniq[u].tobytes()]]
        if new:
            shifts[new] = _group_conformal.conditional_shifts(
                self.conformity_scores_, self._group_levels, self.quantiles_.size, self._group_design,
                uniq[new], self._group_weights)
            inf = [u for u in new if not np.isfinite(shifts[u]).all()]
            if inf:
                names = self.groups_encoder_.names_
                n_rows = int(np.isin(inv.ravel(), inf).sum())
                warnings.warn(
                    f"{n_rows} rows of `groups` have a membership pattern no calibration row had, which the "
                    f"calibration rows cannot pin down: {', '.join(_pattern_text(names, uniq[u]) for u in inf)}; "
                    "their corrections (some or all levels) are infinite.", UserWarning, stacklevel=4)
        return shifts[inv.ravel()]

    # CV+ reuses a QuantileAggregator's own folds (private switch: False gives every fold the weights
    # fitted on all rows; kept for the benchmark's comparison of both)
    _refit_fold_weights = True

    def _fit_cvplus(self, base, X, y, q, rng, score):
        reuse = _reusable_aggregator(base)
        if reuse is not None:
            return self._fit_cvplus_reuse(base, X, y, q, rng, score, *reuse)
        n = X.shape[0]
        cv = self.cv
        if isinstance(cv, numbers.Integral):
            if cv > n:
                raise ValueError(f"`cv`={cv!r} folds need at least {cv} samples; `X` has n_samples={n}.")
            cv = KFold(cv, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
        folds = check_cv_partition(cv, X, y, name="cv")
        out = Parallel(n_jobs=self.n_jobs)(delayed(_fit_fold)(base, X, y, tr, te, q) for tr, te in folds)
        self.estimators_ = [est for est, _ in out]
        self.fold_of_ = np.empty(n, dtype=np.int64)
        Qs = np.empty((n, q.size))
        for f, ((_, te), (_, pred)) in enumerate(zip(folds, out, strict=True)):
            self.fold_of_[te] = f
            Qs[te] = pred
        self.n_calibration_ = n
        return score.scores(Qs, y)

    def _fit_cvplus_reuse(self, base, X, y, q, rng, score, prefix, agg):
        """CV+ from one fit of a QuantileAggregator: its folds, fold models and out-of-fold predictions."""
        n_folds = agg.cv if isinstance(agg.cv, numbers.Integral) else _n_splits(agg.cv, X, y)
        if not isinstance(self.cv, numbers.Integral) or self.cv != n_folds:
            raise ValueError(
                f"method='cv+' with a QuantileAggregator reuses the aggregator's own {n_folds} folds (its `cv`"
                f"={agg.cv!r}) as the CV+ folds; got `cv`={self.cv!r} here. Set `cv`={n_folds}, or choose the "
                "folds with the aggregator's `cv`."
            )
        base.set_params(**{prefix + "keep_fold_estimators": True})
        if agg.random_state is None and self.random_state is not None:  # our seed then seeds its folds
            base.set_params(**{prefix + "random_state": int(rng.integers(2**31 - 1))})
        fitted = _fit_base(base, X, y, None)  # the one fit: (n_folds + 1) * n_models base-model fits
        agg = final_step(fitted)[1]
        if agg.fold_estimators_ is None or (agg.fold_of_ < 0).any():  # pragma: no cover - fit keeps them
            raise RuntimeError("The aggregator kept no fold models.")
        Xa = _to_final(fitted, X)
        ya = np.asarray(y, dtype=np.float64)
        combiners = agg._fold_combiners(Xa, ya, refit=self._refit_fold_weights)
        Qs = np.sort(agg._oof_quantiles(Xa, combiners), axis=1)
        self.estimator_ = fitted
        self.estimators_ = [_AggregatorFold(fitted, f, c) for f, c in enumerate(combiners)]
        self._fold_combiners = combiners
        self.fold_of_ = agg.fold_of_.copy()
        self.n_calibration_ = X.shape[0]
        self.oof_reused_ = True
        return score.scores(Qs, ya)

    def _fold_predictions(self, X):
        """(n_folds, n_samples, K) sorted predictions of every CV+ fold model."""
        q = self.quantiles_
        if self.oof_reused_:
            agg = final_step(self.estimator_)[1]
            return np.sort(agg._fold_quantiles(_to_final(self.estimator_, X), self._fold_combiners), axis=2)
        return np.stack([np.sort(_predict_levels(e, X, q), axis=1) for e in self.estimators_])

    def _cvplus_quantiles(self, X):
        """CV+ levels: an order statistic over calibration rows of fold-model prediction +/- score."""
        q, E = self.quantiles_, self.conformity_scores_
        P = self._fold_predictions(X)  # (F, m, K)
        out = P.mean(axis=0)  # levels without a target (the middle of an odd K for CQR)
        targets = self.conformity_score_.targets(q, self.n_calibration_)
        if not targets:
            return out
        order = np.argsort(self.fold_of_, kind="stable")
        starts = np.searchsorted(self.fold_of_[order], np.arange(len(self.estimators_) + 1)).astype(np.int64)
        S = np.empty((len(targets), order.size))
        for t, (_, col, sign, _) in enumerate(targets):
            signed = sign * E[order, col]
            for f in range(starts.size - 1):
                signed[starts[f]:starts[f + 1]].sort()
            S[t] = signed
        levels = np.array([t[0] for t in targets], dtype=np.int64)
        ranks = np.array([t[3] for t in targets], dtype=np.int64)
        out[:, levels] = _kernels.cvplus_order_stats(np.ascontiguousarray(P), S, starts, levels, ranks)
        return out

    # ------------------------------------------------------------------ #
    def predict_quantiles(self, X, groups=None, *, quantiles=None):
        """Calibrated, non-crossing quantiles of every level (or of any levels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.
        groups : array-like or DataFrame of shape (n_samples, n_groups), default=None
            Group memberships of the rows of ``X``; required when ``fit`` got
            ``groups`` (a DataFrame is matched by column name).
        quantiles : array-like of shape (n_levels,), default=None
            Levels to return instead of ``quantiles_``: strictly increasing,
            inside ``[quantiles_[0], quantiles_[-1]]``. A fitted level is
            returned as calibrated; a level between two fitted ones is the
            linear interpolation (in the level) of their calibrated, sorted
            values, so rows stay non-decreasing. Guarantee: an interpolated
            interval ``[q(lo), q(hi)]`` contains every calibrated pair
            ``[q(quantiles_[k]), q(quantiles_[K-1-k])]`` with
            ``lo <= quantiles_[k]`` and ``quantiles_[K-1-k] <= hi``, so it covers
            at least the largest such pair's nominal coverage (with
            ``conformity_score="per-level"``, ``P(y <= q(t)) >= `` the largest
            fitted level ``<= t``). Between fitted levels there is no
            finite-sample guarantee at the interpolated level itself.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles) or (n_samples, n_levels)
            Non-decreasing rows (entries may be infinite when the calibration
            set is too small for a level).
        """
        check_is_fitted(self)
        reused = getattr(self, "oof_reused_", False)
        X = _validate_X(self, X, [self.estimator_] if self.method_ == "split" or reused else self.estimators_,
                        reset=False)
        if self.method_ == "split":
            Q = np.sort(_predict_levels(self.estimator_, X, self.quantiles_), axis=1)
            if self.group_calibration_ is None:
                Q = Q + self.shifts_
            else:
                Q = Q + self._group_shift_rows(groups, Q.shape[0])
        else:
            Q = self._cvplus_quantiles(X)
        Q = _kernels.minmax_rows(np.ascontiguousarray(Q, dtype=np.float64), _median_index(self.quantiles_))
        if quantiles is None:
            return Q
        return _interpolate_levels(Q, self.quantiles_, quantiles, name="quantiles")


    def predict_interval(self, X, confidence_level=None, groups=None, *, lower=None, upper=None):
        """Calibrated interval: one of the fitted pairs, or any two levels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.
        confidence_level : float, default=None
            Nominal coverage of a fitted pair: must equal
            ``quantiles_[K-1-k] - quantiles_[k]`` for some pair ``k``. ``None``
            means 0.8 unless ``lower`` and ``upper`` are given.
        groups : array-like or DataFrame of shape (n_samples, n_groups), default=None
            Group memberships of the rows of ``X`` (required after a fit with
            ``groups``).
        lower, upper : float, default=None
            Levels of the two bounds, for an asymmetric interval (e.g.
            ``lower=0.05, upper=0.85``); given together, instead of
            ``confidence_level``. Levels between the fitted ones are interpolated
            as in :meth:`predict_quantiles` (the guarantee stated there holds).

        Returns
        -------
        interval : ndarray of shape (n_samples, 2)
            Lower and upper bounds.
        """
        check_is_fitted(self)
        kind, which = _interval_request(self.quantiles_, confidence_level, lower, upper)
        if kind == "levels":
            return self.predict_quantiles(X, groups=groups, quantiles=which)
        return self.predict_quantiles(X, groups=groups)[:, list(which)]
