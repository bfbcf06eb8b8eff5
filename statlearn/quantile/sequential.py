"""Adaptive conformal inference (Gibbs & Candes 2021) for quantile models on a sequence.

Reading order: ``fit`` sets up the base model and the first calibration scores;
every later observation goes through ``partial_fit`` (or ``run``, which also
returns what was issued), where the numba kernel
:func:`._sequential_kernels.aci_run` walks the rows in order: issue the
threshold of the current miss level ``alpha_t``, see the score, update
``alpha_{t+1} = alpha_t + gamma (alpha - err_t)``, add the score to the buffer.
``predict_quantiles`` applies the current thresholds and nests the pairs so that
no level crosses.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, check_quantiles, validate_params

from . import _kernels, _sequential_kernels
from ._conformal_common import _interval_request, _n_calibration
from .aggregation import _is_frozen
from .conformity_scores import BaseConformityScore, check_conformity_score
from .models import (
    _MedianMixin,
    _predict_levels,
    _validate_X,
    _WrapsMultiQuantile,
)
from .noncrossing import _as_multi

__all__ = ["AdaptiveConformalQuantileRegressor"]


def _columns(score, q):
    """Per calibrated column: its nominal miss rate ``1 - tau``; and the (level, column, sign) moves."""
    moves = score.conformal_levels(q)
    taus = {}
    for _, col, _, tau in moves:
        if col in taus and abs(taus[col] - tau) > 1e-12:
            raise ValueError(f"conformity_score {score!r} gives column {col} two levels ({taus[col]!r} and "
                             f"{tau!r}); adaptive conformal inference needs one level per score column.")
        taus[col] = float(tau)
    n_cols = max(taus) + 1 if taus else 0
    if sorted(taus) != list(range(n_cols)):
        raise ValueError(f"conformity_score {score!r} leaves score columns without a level.")
    target = np.array([1.0 - taus[c] for c in range(n_cols)])
    return target, [(lv, col, sign) for lv, col, sign, _ in moves]


def _nest_rows(V, Qs):
    """Non-crossing rows from the moved levels ``V`` (``Qs``: the base model's sorted rows).

    The innermost pair is kept as calibrated and the middle level is clipped into it (an
    uncalibrated median must not widen it: under a level shift the median of the base model lies
    outside the calibrated set); a crossed (empty) innermost pair becomes the point of it nearest
    the middle level. Outer pairs are then widened to contain the inner ones (the min-max sweep of
    :func:`._kernels.minmax_rows`). Every calibrated set is contained in the returned interval.
    """
    V = np.array(V, dtype=np.float64, order="C")
    K = V.shape[1]
    if K < 2:
        return V
    if K % 2:
        lo, hi, mid = K // 2 - 1, K // 2 + 1, V[:, K // 2]
    else:
        lo, hi, mid = K // 2 - 1, K // 2, 0.5 * (Qs[:, K // 2 - 1] + Qs[:, K // 2])
    L, U = V[:, lo].copy(), V[:, hi].copy()
    point = np.clip(mid, np.minimum(L, U), np.maximum(L, U))
    crossed = L > U
    if K % 2:
        V[:, K // 2] = point
    V[crossed, lo] = point[crossed]
    V[crossed, hi] = point[crossed]
    return _kernels.minmax_rows(V, lo + 1)


@fill_doc
class AdaptiveConformalQuantileRegressor(_WrapsMultiQuantile, _MedianMixin, RegressorMixin, BaseEstimator):
    """Adaptive conformal inference: intervals that keep their long-run coverage on a drifting sequence.

    Wraps a multi-level quantile model and calibrates it online (Gibbs &
    Candes, 2021). Every calibrated quantity of the conformity score (with
    ``"cqr"``: every symmetric pair of levels) has its own miss level
    ``alpha_t``, started at its nominal ``alpha`` and updated after each
    observation by

        ``alpha_{t+1} = alpha_t + gamma * (alpha - err_t)``,

    where ``err_t = 1`` when ``y_t`` falls outside the set issued before it was
    seen. The set at time ``t`` is the conformal ``(1 - alpha_t)``-quantile of
    the past conformity scores (the calibration scores of :meth:`fit`, then
    every observation absorbed since, or the last ``window`` of them), applied
    to the base model's quantiles as in split CQR. The base model is not refit.

    Whatever the sequence (no exchangeability, adversarial even), the long-run
    miss rate of every calibrated quantity satisfies the deterministic bound
    ``|mean_t err_t - alpha| <= (max(alpha_1, 1 - alpha_1) + gamma) / (gamma T)``
    after ``T`` observations (Proposition 4.1 of the paper), because
    ``alpha_t`` stays in ``[-gamma, 1 + gamma]``.

    **When alpha_t leaves [0, 1]** (as the paper, sets by their score): for
    ``alpha_t <= 0`` the threshold is ``+inf`` and the interval is the whole
    line (``-inf``, ``+inf`` bounds are returned); for ``alpha_t >= 1`` the
    threshold is ``-inf``: the paper's set is empty and counts as a miss.

    **Returned rows never cross.** The innermost pair is returned as
    calibrated and the middle level is clipped into it (the base model's
    median is not calibrated, and under a shift it may lie outside the
    calibrated set: widening the interval to reach it would over-cover); an
    empty innermost set (crossed bounds, or ``alpha_t >= 1``) is returned as the
    zero-width interval at its point nearest the middle level; every outer
    pair is widened to contain the inner ones. Returned intervals therefore
    contain the paper's sets, so their long-run miss rate is at most
    ``alpha`` plus the bound; ``n_errors_`` counts the paper's misses, for
    which the bound holds both ways.

    Parameters
    ----------
    estimator : estimator, default=None
        The quantile model: a multi-level one (with ``predict_quantiles``), a
        single-level one (wrapped per level in :class:`MultiQuantileRegressor`)
        or a quantile forest. Wrap a model trained elsewhere in
        :class:`sklearn.frozen.FrozenEstimator` (the common case): then every
        row given to :meth:`fit` is a calibration row. ``None``: gradient
        boosting per level.
    quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)
        Increasing levels in (0, 1). With ``"cqr"``, level ``k`` pairs with
        level ``K-1-k`` and the pair's nominal miss rate is
        ``1 - (quantiles[K-1-k] - quantiles[k])``.
    gamma : float in [0, 1], default=0.005
        Step size of the ``alpha_t`` update: larger adapts faster to a shift and
        makes the bound tighter, at the price of more volatile widths. 0.005 is
        the value of the paper's experiments; ``gamma=0`` never adapts (split
        conformal on a growing or sliding calibration set).
    conformity_score : {"cqr", "cqr-asymmetric", "per-level"} or BaseConformityScore, default="cqr"
        The score objects of :mod:`statlearn.quantile.conformity_scores`, by
        name or instance. ``"cqr"``: one ``alpha_t`` per symmetric pair;
        ``"cqr-asymmetric"``: one per bound (lower and upper miss rates
        ``quantiles[k]`` and ``1 - quantiles[K-1-k]`` tracked separately);
        ``"per-level"``: one per level (miss ``y > q_k``, rate ``1 - quantiles[k]``).
    window : int or None, default=None
        ``None``: the thresholds are quantiles of all past scores (the paper's
        simple choice; the buffer grows by one row per observation). An int:
        only the last ``window`` scores (older calibration rows included in
        their order); memory and cost per step are then O(``window``).
    calibration_size : float in (0, 1) or int, default=0.25
        When ``estimator`` is not a :class:`~sklearn.frozen.FrozenEstimator`,
        :meth:`fit` trains it on the first rows and calibrates on the last
        ``calibration_size`` share (or count) of them: time order is kept, no
        shuffling.

    Attributes
    ----------
    quantiles_ : ndarray of shape (n_quantiles,)
        Levels.
    estimator_ : estimator
        The (fitted or frozen) base model.
    conformity_score_ : BaseConformityScore
        The score object in use.
    target_alphas_ : ndarray of shape (n_columns,)
        Nominal miss rate of every calibrated quantity (score column).
    alphas_ : ndarray of shape (n_columns,)
        Current miss levels ``alpha_t``: they set the next intervals.
    n_updates_ : int
        Observations absorbed since :meth:`fit`.
    n_errors_ : ndarray of shape (n_columns,)
        Misses among them (of the paper's sets; see above).
    n_calibration_ : int
        Calibration rows of :meth:`fit`.
    n_scores_ : int
        Scores now in the buffer.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    ConformalQuantileRegressor : Split and CV+ calibration for exchangeable data.

    Notes
    -----
    Cost: one step costs O(n_columns x n_scores) (a sorted insertion per
    column); the loop runs in a compiled kernel, so a series of 10^4
    observations with a few thousand calibration rows takes milliseconds
    beyond the base model's predictions. The first call in a fresh process
    compiles (or loads from the on-disk cache) the kernel.

    References
    ----------
    .. [1] I. Gibbs, E. Candes, "Adaptive conformal inference under
       distribution shift", NeurIPS 2021.
    .. [2] Y. Romano, E. Patterson, E. Candes, "Conformalized quantile
       regression", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.frozen import FrozenEstimator
    >>> from statlearn.quantile import AdaptiveConformalQuantileRegressor, LinearQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 1))
    >>> y = X[:, 0] + rng.normal(size=2000) * np.linspace(1, 3, 2000)  # noise grows over time
    >>> model = LinearQuantileRegressor(quantiles=[0.1, 0.5, 0.9]).fit(X[:300], y[:300])
    >>> aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(model), gamma=0.01).fit(X[300:500], y[300:500])
    >>> issued = aci.run(X[500:], y[500:], confidence_level=0.8)  # intervals issued before each y_t
    >>> covered = (issued[:, 0] <= y[500:]) & (y[500:] <= issued[:, 1])
    >>> bool(abs(covered.mean() - 0.8) < 0.03)
    True
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "quantiles": ["array-like", Interval("real", 0, 1, closed="neither")],
        "gamma": [Interval("real", 0, 1, closed="both")],
        "conformity_score": [Options("cqr", "cqr-asymmetric", "per-level"), BaseConformityScore],
        "window": [None, Interval("integral", 1, None)],
        "calibration_size": [Interval("real", 0, 1, closed="neither"), Interval("integral", 1, None)],
    }

    def __init__(self, estimator=None, quantiles=(0.1, 0.5, 0.9), gamma=0.005, conformity_score="cqr",
                 window=None, calibration_size=0.25):
        self.estimator = estimator
        self.quantiles = quantiles
        self.gamma = gamma
        self.conformity_score = conformity_score
        self.window = window
        self.calibration_size = calibration_size

    # ------------------------------------------------------------------ #
    def fit(self, X, y):
        """Set up the base model and the first calibration scores; reset ``alpha_t``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows in time order: all calibration rows for a frozen ``estimator``;
            otherwise the first rows train it and the last
            ``calibration_size`` calibrate.
        y : array-like of shape (n_samples,)
            Their targets.

        Returns
        -------
        self : AdaptiveConformalQuantileRegressor
            Fitted estimator, ready for :meth:`partial_fit` or :meth:`run`.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        q = check_quantiles(self.quantiles)
        score = check_conformity_score(self.conformity_score)
        score.check(q)
        target, moves = _columns(score, q)
        base = _as_multi(self.estimator, q)
        X, y = _validate_X(self, X, [base], reset=True, y=y)
        n = X.shape[0]
        if _is_frozen(base):
            cal = np.arange(n)
            self.estimator_ = base
        else:
            n_cal = _n_calibration(self.calibration_size, n, " (time order: the first rows train, the last calibrate)")
            cal = np.arange(n - n_cal, n)
            self.estimator_ = clone(base).fit(_safe_indexing(X, np.arange(n - n_cal)), y[: n - n_cal])
        self.quantiles_ = q
        self.conformity_score_ = score
        self._moves = moves
        E = self._scores(_safe_indexing(X, cal), y[cal])
        J = target.size
        w = 0 if self.window is None else int(self.window)
        if w:
            E = E[-w:]
        m = E.shape[0]
        self._buf = np.empty((J, max(w if w else m, 1)))
        self._buf[:, :m] = np.sort(E.T, axis=1)
        self._ring = np.empty((J, w))
        if w:
            self._ring[:, :m] = E.T
        self._ring_start = 0
        self.n_scores_ = m
        self.n_calibration_ = int(cal.size)
        self.target_alphas_ = target
        self.alphas_ = target.copy()
        self.n_updates_ = 0
        self.n_errors_ = np.zeros(J, dtype=np.int64)
        return self

    def _sorted_levels(self, X):
        return np.ascontiguousarray(np.sort(_predict_levels(self.estimator_, X, self.quantiles_), axis=1))

    def _scores(self, X, y, Qs=None):
        Qs = self._sorted_levels(X) if Qs is None else Qs
        E = np.ascontiguousarray(self.conformity_score_.scores(Qs, y), dtype=np.float64)
        if not (np.isfinite(E).all() and np.isfinite(Qs).all()):
            raise ValueError("The base model's quantile predictions for `X` are not finite; conformity scores "
                             "need finite predictions.")
        return E

    def _apply(self, Qs, thr):
        """Rows of sorted predictions moved by thresholds ``thr`` ((J,) or (T, J)), then made non-crossing."""
        shifts = np.zeros((thr.shape[0], Qs.shape[1])) if thr.ndim == 2 else np.zeros(Qs.shape[1])
        for level, col, sign in self._moves:
            shifts[..., level] = sign * thr[..., col]
        return _nest_rows(Qs + shifts, Qs)

    def _absorb(self, X, y):
        """Run the kernel over (X, y) in order; returns sorted predictions, thresholds and levels used."""
        X, y = _validate_X(self, X, [self.estimator_], reset=False, y=y)
        Qs = self._sorted_levels(X)
        E = self._scores(X, y, Qs)
        T = E.shape[0]
        if self.window is None and self._buf.shape[1] < self.n_scores_ + T:
            grown = np.empty((self._buf.shape[0], max(2 * self._buf.shape[1], self.n_scores_ + T, 16)))
            grown[:, : self.n_scores_] = self._buf[:, : self.n_scores_]
            self._buf = grown
        alpha = self.alphas_.copy()
        thr, err, used, size, start = _sequential_kernels.aci_run(
            E, self._buf, self.n_scores_, self._ring, self._ring_start, alpha, self.target_alphas_,
            float(self.gamma))
        self.alphas_ = alpha
        self.n_scores_ = int(size)
        self._ring_start = int(start)
        self.n_updates_ += T
        self.n_errors_ = self.n_errors_ + err.sum(axis=0)
        return Qs, thr, used

    def partial_fit(self, X, y):
        """Absorb new observations in time order (the first call on an unfitted model is :meth:`fit`).

        Each row updates the miss levels and the score buffer exactly as if the
        rows had come one at a time; calling it on consecutive chunks gives the
        same state as one call on their concatenation.

        {stream_update_sections}
        """
        if not hasattr(self, "alphas_"):
            return self.fit(X, y)
        self._absorb(X, y)
        return self

    def update(self, X, y):
        """Absorb new observations (:meth:`partial_fit` on a fitted model).

        {stream_update_sections}
        """
        check_is_fitted(self)
        self._absorb(X, y)
        return self

    def run(self, X, y, confidence_level=None, *, return_alphas=False):
        """Walk a series online: the interval issued before each ``y_t`` was seen, then absorb it.

        Equivalent to ``predict_interval(X[t:t+1])`` followed by
        ``partial_fit(X[t:t+1], y[t:t+1])`` for every row in order, in one
        compiled loop. The estimator ends in the state after the last row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs, oldest first.
        y : array-like of shape (n_samples,)
            Targets, revealed one at a time.
        confidence_level : float or "all", default=None
            Nominal coverage of the pair to return (as in
            :meth:`predict_interval`; ``None`` means 0.8), or ``"all"`` for the
            rows of every level (as :meth:`predict_quantiles`).
        return_alphas : bool, default=False
            Also return the miss levels ``alpha_t`` in force at every step.

        Returns
        -------
        issued : ndarray of shape (n_samples, 2) or (n_samples, n_quantiles)
            The intervals (or quantile rows) issued before each target.
        alphas : ndarray of shape (n_samples, n_columns)
            Only with ``return_alphas``: ``alpha_t`` of every calibrated column.
        """
        check_is_fitted(self)
        cols = None if (isinstance(confidence_level, str) and confidence_level == "all") else \
            _interval_request(self.quantiles_, confidence_level)[1]
        Qs, thr, used = self._absorb(X, y)
        out = self._apply(Qs, thr)
        if cols is not None:
            out = out[:, list(cols)]
        return (out, used) if return_alphas else out

    # ------------------------------------------------------------------ #
    def predict_quantiles(self, X):
        """Quantile rows for the next observations under the current state (non-crossing).

        Every row gets the thresholds of the current ``alphas_``; nothing is
        updated (use :meth:`partial_fit` once the targets are known).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs of the coming observations.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles)
            Non-decreasing rows; infinite where ``alpha_t <= 0`` (or the buffer
            is too small for a level).
        """
        check_is_fitted(self)
        X = _validate_X(self, X, [self.estimator_], reset=False)
        thr = _sequential_kernels.thresholds_now(self._buf, self.n_scores_, self.alphas_)
        return self._apply(self._sorted_levels(X), thr)

    def predict_interval(self, X, confidence_level=None):
        """The interval of one pair of levels for the next observations, under the current state.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs of the coming observations.
        confidence_level : float, default=None
            Nominal coverage ``quantiles_[K-1-k] - quantiles_[k]`` of a pair;
            ``None`` means 0.8.

        Returns
        -------
        interval : ndarray of shape (n_samples, 2)
            Lower and upper bounds.
        """
        check_is_fitted(self)
        _, pair = _interval_request(self.quantiles_, confidence_level)
        return self.predict_quantiles(X)[:, list(pair)]
