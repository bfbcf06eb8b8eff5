"""One multi-level quantile model out of any quantile estimator."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import DataConversionWarning
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from statlearn._docstrings import fill_doc
from statlearn._parallel import Parallel, delayed
from statlearn._validation import (
    Interval,
    Options,
    check_finite_array,
    check_quantiles,
    check_sample_weight,
    validate_data,
    validate_params,
)

from ._unwrap import final_step, fitted_quantiles, is_frozen, predict_quantiles_of

__all__ = ["LinearQuantileRegressor", "MultiQuantileRegressor"]


def _median_index(quantiles):
    """Index of the level closest to 0.5 (the lower one on ties)."""
    return int(np.argmin(np.abs(np.asarray(quantiles) - 0.5)))


def _level_param(estimator):
    """``set_params`` name of the parameter that sets a single quantile level (reaching through
    Pipelines: ``"step__quantile"``), or None."""
    prefix, final = final_step(estimator)
    try:
        params = final.get_params(deep=False)
    except Exception:  # pragma: no cover - not an estimator
        return None
    name = None
    if "quantile" in params:
        loss = params.get("loss", "quantile")
        name = "quantile" if loss in ("quantile", None) or "loss" not in params else None
    elif "alpha" in params and params.get("loss") == "quantile":
        name = "alpha"
    elif params.get("objective") == "quantile":  # LightGBM: `alpha` is a keyword parameter
        name = "alpha"
    return None if name is None else prefix + name


def _kind(estimator):
    """How an estimator yields several levels: 'multi', 'forest', 'single' or None
    (a Pipeline or FrozenEstimator is judged by its final step)."""
    _, final = final_step(estimator)
    if hasattr(final, "predict_quantiles"):
        return "multi"
    module = type(final).__module__ or ""
    if module.startswith("quantile_forest"):
        return "forest"
    if _level_param(estimator) is not None:
        return "single"
    return None


def _predict_levels(estimator, X, quantiles):
    """``(n_samples, n_quantiles)`` predictions of a fitted multi-level model at ``quantiles``."""
    Q = np.asarray(predict_quantiles_of(estimator, X), dtype=np.float64)
    have = fitted_quantiles(estimator)
    if have is None:
        if Q.shape[1] != len(quantiles):
            raise ValueError(
                f"`estimator` {type(estimator).__name__} predicts {Q.shape[1]} levels; "
                f"{len(quantiles)} were requested."
            )
        return Q
    idx = np.searchsorted(have, quantiles)
    idx = np.clip(idx, 0, have.size - 1)
    if not np.allclose(have[idx], quantiles, rtol=0, atol=1e-12):
        raise ValueError(
            f"`estimator` {type(estimator).__name__} predicts the levels {have.tolist()}, which do not "
            f"include all of the requested `quantiles` {np.asarray(quantiles).tolist()}."
        )
    return Q[:, idx]


def _takes_frames(estimator):
    """Does ``estimator`` take a DataFrame as it is (its own preprocessing or categorical support)?"""
    _, final = final_step(estimator)
    if isinstance(estimator, Pipeline):
        return True  # its first step decides what it accepts
    if hasattr(final, "_passes_frames"):  # a statlearn wrapper: ask its base models
        return final._passes_frames()
    tags = get_tags(final).input_tags
    if tags.categorical or tags.string:
        return True
    try:
        params = final.get_params(deep=False)
    except Exception:  # pragma: no cover - not an estimator
        return False
    return "categorical_features" in params or "categorical_feature" in params


def _allows_nan(estimator):
    return bool(get_tags(estimator).input_tags.allow_nan)


def _check_y(y):
    """Numeric, finite, 1-D ``y`` (strings raise a TypeError naming ``y``)."""
    if y is None:
        raise ValueError("This estimator requires y to be passed, but the target y is None.")
    shape = getattr(y, "shape", None)
    if shape is not None and len(shape) == 2 and shape[1] == 1:  # scikit-learn's rule: warn and ravel
        warnings.warn("A column-vector y was passed when a 1d array was expected; it is raveled.",
                      DataConversionWarning, stacklevel=3)
        y = np.asarray(y).ravel()
    return check_finite_array(y, name="y", ndim=1)


_NO_Y = object()


def _named_error(exc, name):
    """scikit-learn's validation messages rarely name the argument: prefix it in backticks."""
    msg = str(exc)
    return msg if f"`{name}`" in msg else f"`{name}` is invalid: {msg}"


def _validate_X(est, X, bases, *, reset, y=_NO_Y, allow_nan=None):
    """Validate only what a wrapper itself uses. A DataFrame goes to the bases untouched when
    every base takes one (a Pipeline, or a model with categorical support); NaN is let through
    when every base's tags allow it (or ``allow_nan``). Returns ``X`` (and the checked ``y``
    when given). Messages name `X` / `y`."""
    frame = hasattr(X, "iloc") and hasattr(X, "dtypes")
    if allow_nan is None:
        allow_nan = all(_allows_nan(b) for b in bases)
    try:
        if frame and bases and all(_takes_frames(b) for b in bases):
            validate_data(est, X, skip_check_array=True, reset=reset)
        else:
            X = validate_data(est, X, reset=reset, ensure_all_finite="allow-nan" if allow_nan else True)
    except ValueError as exc:
        raise ValueError(_named_error(exc, "X")) from None
    if y is _NO_Y:
        return X
    y = _check_y(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"`X` and `y` must have the same number of rows; got {X.shape[0]} and {y.shape[0]}.")
    return X, y


def _wrapper_tags(tags, bases):
    """A wrapper accepts NaN exactly when all its bases do."""
    tags.input_tags.allow_nan = all(_allows_nan(b) for b in bases)
    return tags


def _set_levels(estimator, quantiles):
    """Set the ``quantiles`` parameter of a multi-level model (through Pipelines); frozen models
    keep theirs."""
    prefix, _ = final_step(estimator)
    name = prefix + "quantiles"
    if not is_frozen(estimator, through_pipelines=True) and name in estimator.get_params(deep=True):
        estimator.set_params(**{name: quantiles})
    return estimator


def _fit_one(estimator, X, y, sample_weight):
    if sample_weight is None:
        return estimator.fit(X, y)
    return estimator.fit(X, y, sample_weight=sample_weight)


@fill_doc
class _MedianMixin:
    """``predict`` is the fitted median; ``score`` is its R^2 (scikit-learn's regressor score);
    ``predict_quantiles`` checks the fit and calls the class's ``_predict_quantiles`` (classes with
    their own ``predict_quantiles`` override it).

    ``predict`` refuses when 0.5 is not a fitted level rather than returning another level (or
    a guessed interpolation) under the name of a point prediction.
    """

    def predict_quantiles(self, X):
        """Predict every level.

        {quantile_predict_parameters}

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles)
            Column ``k`` predicts level ``quantiles_[k]`` (rows may cross).
        """
        check_is_fitted(self)
        return self._predict_quantiles(X)

    def predict(self, X):
        """Predict the median (the fitted 0.5 level).

        {quantile_predict_parameters}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The 0.5 level of :meth:`predict_quantiles`.

        Raises
        ------
        ValueError
            When 0.5 is not among ``quantiles_``.
        """
        check_is_fitted(self)
        return self.predict_quantiles(X)[:, _median_level(self.quantiles_)].copy()

    def score(self, X, y, sample_weight=None):
        """R^2 of :meth:`predict` (the median); use ``scoring=weighted_interval_scorer`` to rank
        quantile models on all their levels.

        Parameters
        ----------
        {quantile_score_parameters}

        Returns
        -------
        score : float
            Coefficient of determination of the median.
        """
        from sklearn.metrics import r2_score

        yv = check_finite_array(y, name="y", ndim=1)
        if yv.shape[0] < 2:
            raise ValueError(f"`y` must have at least 2 rows for R^2; got {yv.shape[0]}.")
        pred = self.predict(X)
        if pred.shape[0] != yv.shape[0]:
            raise ValueError(f"`X` and `y` must have the same number of rows; got {pred.shape[0]} and {yv.shape[0]}.")
        if not np.isfinite(pred).all():
            raise ValueError("The median predicted for `X` is not finite (an infinite calibrated level, or `X` "
                             "values so large the prediction overflows); R^2 is undefined.")
        w = None if sample_weight is None else check_sample_weight(sample_weight, yv.shape[0])
        # R^2 is scale-free: an exact power-of-two rescaling keeps squares of 1e300 from overflowing
        scale = 2.0 ** np.ceil(np.log2(max(float(np.abs(yv).max()), float(np.abs(pred).max()), 1e-300)))
        return float(r2_score(yv / scale, pred / scale, sample_weight=w))


def _median_level(quantiles):
    """Index of the level 0.5, or ValueError."""
    q = np.asarray(quantiles, dtype=np.float64)
    hit = np.flatnonzero(np.abs(q - 0.5) < 1e-12)
    if hit.size == 0:
        raise ValueError(
            f"predict() returns the median (level 0.5), which is not among the fitted levels {q.tolist()}; "
            "add 0.5 to `quantiles`, or use predict_quantiles() / predict_interval()."
        )
    return int(hit[0])


@fill_doc
class MultiQuantileRegressor(_MedianMixin, RegressorMixin, BaseEstimator):
    """Predict several quantile levels with any quantile estimator.

    Single-level quantile estimators (scikit-learn's ``QuantileRegressor``,
    ``HistGradientBoostingRegressor(loss="quantile")``,
    ``GradientBoostingRegressor(loss="quantile")``, LightGBM with
    ``objective="quantile"``) are cloned once per level with the level set
    through their own parameter (``quantile`` or ``alpha``). Native
    multi-quantile models (quantile-forest's forests, statlearn estimators
    with ``predict_quantiles``) are fitted once and asked for every level.

    Parameters
    ----------
    estimator : estimator, default=None
        The quantile model; ``None`` uses
        ``HistGradientBoostingRegressor(loss="quantile")``.
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Levels, strictly increasing in (0, 1).
    n_jobs : int, default=None
        Parallel fits of the per-level clones (joblib).

    Attributes
    ----------
    quantiles_ : ndarray of shape (n_quantiles,)
        The validated levels.
    estimators_ : list of estimators
        One fitted clone per level, or a single fitted native model.
    mode_ : {"single", "forest", "multi"}
        How the levels are produced.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    NonCrossingQuantileRegressor : Repairs crossing levels.
    QuantileAggregator : Combines several multi-level models.

    {ref_fakoor}

    Examples
    --------
    >>> from sklearn.linear_model import QuantileRegressor
    >>> from statlearn.quantile import MultiQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(200, 1)); y = 2 * X[:, 0] + rng.normal(size=200)
    >>> est = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.1, 0.5, 0.9]).fit(X, y)
    >>> est.predict_quantiles(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "n_jobs": [None, Interval("integral", None, None)],
    }

    def __init__(self, estimator=None, quantiles=(0.1, 0.5, 0.9), n_jobs=None):
        self.estimator = estimator
        self.quantiles = quantiles
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        return _wrapper_tags(super().__sklearn_tags__(), [self._base()])

    def _passes_frames(self):
        return _takes_frames(self._base())

    def _base(self):
        if self.estimator is None:
            from sklearn.ensemble import HistGradientBoostingRegressor

            return HistGradientBoostingRegressor(loss="quantile")
        return self.estimator

    def fit(self, X, y, sample_weight=None):
        """Fit the model(s).

        {quantile_fit_parameters}
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the base model's ``fit``.

        Returns
        -------
        self : MultiQuantileRegressor
            Fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        base = self._base()
        X, y = _validate_X(self, X, [base], reset=True, y=y)
        q = check_quantiles(self.quantiles)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0])
        kind = _kind(base)
        if kind is None:
            raise TypeError(
                f"`estimator` must predict quantile levels: a single-level quantile model (with a "
                f"`quantile` parameter, or `alpha` with loss/objective='quantile'), a quantile-forest "
                f"model or a model with `predict_quantiles`; got {type(base).__name__}."
            )
        if kind == "single":
            pname = _level_param(base)
            ests = [clone(base).set_params(**{pname: float(t)}) for t in q]
            self.estimators_ = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_one)(e, X, y, sample_weight) for e in ests
            )
        else:
            est = clone(base)
            if kind == "multi":
                _set_levels(est, q)
            self.estimators_ = [_fit_one(est, X, y, sample_weight)]
        self.mode_ = kind
        self.quantiles_ = q
        return self

    def _predict_quantiles(self, X):
        X = _validate_X(self, X, self.estimators_, reset=False)
        if self.mode_ == "single":
            Q = np.column_stack([np.asarray(e.predict(X), dtype=np.float64).ravel() for e in self.estimators_])
        elif self.mode_ == "forest":
            Q = np.asarray(self.estimators_[0].predict(X, quantiles=list(self.quantiles_)), dtype=np.float64)
            Q = Q.reshape(X.shape[0], -1)
        else:
            Q = _predict_levels(self.estimators_[0], X, self.quantiles_)
        return np.ascontiguousarray(Q)



class _WrapsMultiQuantile:
    """Tags and DataFrame pass-through of a wrapper around one multi-level model ``estimator``
    (``None``: ``MultiQuantileRegressor()``)."""

    def __sklearn_tags__(self):
        base = MultiQuantileRegressor() if self.estimator is None else self.estimator
        return _wrapper_tags(super().__sklearn_tags__(), [base])

    def _passes_frames(self):
        return self.estimator is not None and _takes_frames(self.estimator)


@fill_doc
class LinearQuantileRegressor(_MedianMixin, RegressorMixin, BaseEstimator):
    """Linear quantile regression for several levels, solved exactly (up to a million rows and more).

    For every level the unpenalised problem
    :math:`\\min_{b, \\beta} \\sum_i s_i \\psi_\\tau(y_i - b - x_i^\\top \\beta)`
    is solved through its dual linear program (``n_samples`` box-bounded
    variables and ``n_features + 1`` constraints), which is much smaller than
    the primal LP that scikit-learn's ``QuantileRegressor`` solves; the
    solution is the same (up to ties in the LP).

    Parameters
    ----------
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Levels, strictly increasing in (0, 1).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    solver : {"auto", "highs", "interior-point"}, default="auto"
        ``"highs"``: HiGHS' dual simplex on the whole dual LP of every level
        (cost grows about as ``n^1.6``). ``"interior-point"``: a warm-started
        level path with exact screening (Portnoy & Koenker, 1997): from the
        level nearest 0.5 outwards, each level starts from its neighbour's
        solution, the rows whose residual sign is certain are folded into a
        linear term, a Frisch-Newton interior point (numba) solves the LP on
        the ``O(n^(2/3))`` rows near the hyperplane, and the signs are checked,
        which certifies the optimum of the full problem (violations are added
        back and the LP re-solved); the result is purified to a vertex. Cost
        about linear in ``n``. ``"auto"``: ``"highs"`` up to 5,000 rows (exact
        simplex vertices, duplicate rows merged), ``"interior-point"`` above.

    Attributes
    ----------
    coef_ : ndarray of shape (n_quantiles, n_features)
        Slopes per level.
    intercept_ : ndarray of shape (n_quantiles,)
        Intercepts per level (zeros without ``fit_intercept``).
    quantiles_ : ndarray of shape (n_quantiles,)
        Levels.
    n_features_in_ : int
        Number of features seen in ``fit``.

    References
    ----------
    .. [1] R. Koenker, G. Bassett, "Regression quantiles", Econometrica 46(1), 1978.
    .. [2] S. Portnoy, R. Koenker, "The Gaussian hare and the Laplacian tortoise:
       computability of squared-error versus absolute-error estimators",
       Statistical Science 12(4), 1997.

    Examples
    --------
    >>> from statlearn.quantile import LinearQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(200, 1)); y = 3 * X[:, 0] + rng.normal(size=200)
    >>> est = LinearQuantileRegressor(quantiles=[0.1, 0.5, 0.9]).fit(X, y)
    >>> est.coef_.shape, est.predict_quantiles(X[:4]).shape
    ((3, 1), (4, 3))
    """

    _parameter_constraints = {
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "fit_intercept": ["boolean"],
        "solver": [Options("auto", "highs", "interior-point")],
    }

    def __init__(self, quantiles=(0.1, 0.5, 0.9), fit_intercept=True, solver="auto"):
        self.quantiles = quantiles
        self.fit_intercept = fit_intercept
        self.solver = solver

    def fit(self, X, y, sample_weight=None):
        """Fit one linear model per level.

        {quantile_fit_parameters}
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights in the loss.

        Returns
        -------
        self : LinearQuantileRegressor
            Fitted estimator.
        """
        from . import _qr_solver
        from ._lp import check_lp_range, check_weight_range, pinball_lp, robust_spread

        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        X, y = _validate_X(self, X, [], reset=True, y=y, allow_nan=False)
        q = check_quantiles(self.quantiles)
        s = check_sample_weight(sample_weight, X.shape[0])
        check_lp_range(y, "y", robust_spread(y))
        check_weight_range(s)
        n, d = X.shape
        # centre and scale the columns for a well-conditioned LP; map back afterwards
        # (weighted moments, so that weighting rows equals repeating them)
        mu = np.average(X, axis=0, weights=s) if self.fit_intercept else np.zeros(d)
        sd = np.sqrt(np.average((X - np.average(X, axis=0, weights=s)) ** 2, axis=0, weights=s))
        sd[sd == 0] = 1.0
        A = (X - mu) / sd
        if self.fit_intercept:
            A = np.column_stack([A, np.ones(n)])
        solver = self.solver
        if solver == "auto":
            solver = "highs" if n <= _qr_solver.DIRECT_ROWS else "interior-point"
        coef = np.empty((q.size, d))
        intercept = np.zeros(q.size)
        if solver == "highs":
            # one LP row per distinct (x, y), weights summed, in sorted order: the LP (and so the optimum
            # it picks when several exist, e.g. n_features > n_samples) does not depend on row order or on
            # repeating rows versus weighting them
            rows, inv = np.unique(np.column_stack([A, y]), axis=0, return_inverse=True)
            s = np.bincount(inv.ravel(), weights=s, minlength=rows.shape[0])
            A, yu = np.ascontiguousarray(rows[:, :-1]), rows[:, -1].copy()
            W = np.stack([pinball_lp(A, yu, np.full(yu.size, t), s, simplex=False) for t in q])
        else:
            keep = s > 0  # zero-weight rows do not enter the loss
            W = _qr_solver.level_path(np.ascontiguousarray(A[keep]), y[keep], s[keep], q,
                                      intercept_col=d if self.fit_intercept else None)
        for k in range(q.size):
            w = W[k]
            coef[k] = w[:d] / sd
            if self.fit_intercept:
                intercept[k] = w[d] - coef[k] @ mu
        self.coef_, self.intercept_, self.quantiles_ = coef, intercept, q
        return self

    def _predict_quantiles(self, X):
        X = _validate_X(self, X, [], reset=False, allow_nan=False)
        return np.ascontiguousarray(X @ self.coef_.T + self.intercept_)

