"""Calibration maps: one small strategy object per recalibration method.

A map is fitted on predicted class probabilities ``P`` (n, K) and integer
labels ``y`` in ``0..K-1`` with weights ``w``, and transforms new
probabilities. The estimators of :mod:`statlearn.calibration.recalibration`
choose a map and handle the base model, cross-fitting and validation; the maps
hold only the method. Binary maps see the positive-class column; a map with
``native_multiclass = False`` is applied one-vs-rest and the rows are
renormalised (as in scikit-learn's ``CalibratedClassifierCV``).
"""

from __future__ import annotations

import numpy as np

_TINY = 1e-12
# Venn-Abers: probabilities closer than this are one score (robust to last-bit noise of the base model)
_TIE_TOL = 1e-12


def _logit(p):
    p = np.clip(p, _TINY, 1.0 - _TINY)
    return np.log(p) - np.log1p(-p)


def _sigmoid(z):
    out = np.empty_like(z, dtype=np.float64)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _fit_logistic(F, t, w):
    """Weighted logistic regression of soft targets ``t`` on the columns of ``F`` plus an intercept.

    Minimises ``sum w * [log(1 + exp(eta)) - t * eta]``, ``eta = F @ coef + intercept``
    (no penalty) with L-BFGS and the exact gradient. Returns ``(coef, intercept)``.
    """
    from scipy.optimize import minimize

    F = np.asarray(F, dtype=np.float64)
    n, d = F.shape
    scale = w.sum()

    def fun(theta):
        eta = F @ theta[:d] + theta[d]
        # log(1 + exp(eta)) computed stably
        loss = np.sum(w * (np.logaddexp(0.0, eta) - t * eta)) / scale
        r = w * (_sigmoid(eta) - t) / scale
        return loss, np.append(F.T @ r, r.sum())

    theta0 = np.zeros(d + 1)
    res = minimize(fun, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 1000, "gtol": 1e-10,
                                                                        "ftol": 1e-14})
    return res.x[:d].copy(), float(res.x[d])


class _CalibrationMap:
    """Base class of the calibration maps (private strategy objects)."""

    native_multiclass = False
    binary_only = False

    def fit(self, P, y, w):  # pragma: no cover - interface
        raise NotImplementedError

    def transform(self, P):  # pragma: no cover - interface
        raise NotImplementedError


class _BinaryMap(_CalibrationMap):
    """A map of one probability column, applied one-vs-rest to multiclass problems."""

    def fit_binary(self, p, y01, w):  # pragma: no cover - interface
        raise NotImplementedError

    def transform_binary(self, p):  # pragma: no cover - interface
        raise NotImplementedError

    def fit(self, P, y, w):
        K = P.shape[1]
        self.n_classes_ = K
        if K == 2:
            self.columns_ = [self._clone_fit(P[:, 1], (y == 1).astype(np.float64), w)]
        else:
            self.columns_ = [self._clone_fit(P[:, k], (y == k).astype(np.float64), w) for k in range(K)]
        return self

    def _clone_fit(self, p, y01, w):
        m = type(self)(**self.get_params())
        m.fit_binary(np.ascontiguousarray(p, dtype=np.float64), y01, w)
        return m

    def get_params(self):
        return {}

    def transform(self, P):
        if self.n_classes_ == 2:
            q = np.clip(self.columns_[0].transform_binary(np.ascontiguousarray(P[:, 1])), 0.0, 1.0)
            return np.column_stack([1.0 - q, q])
        Q = np.column_stack([m.transform_binary(np.ascontiguousarray(P[:, k]))
                             for k, m in enumerate(self.columns_)])
        Q = np.clip(Q, 0.0, 1.0)
        s = Q.sum(axis=1, keepdims=True)
        zero = s[:, 0] <= 0
        Q[zero] = 1.0 / Q.shape[1]
        s[zero] = 1.0
        return Q / s


class TemperatureMap(_CalibrationMap):
    """Temperature scaling: ``softmax(log P / T)`` with ``T`` minimising the weighted log loss."""

    native_multiclass = True

    def fit(self, P, y, w):
        from scipy.optimize import minimize_scalar

        Z = np.log(np.clip(P, _TINY, 1.0))
        Z = Z - Z.max(axis=1, keepdims=True)
        zy = Z[np.arange(Z.shape[0]), y]
        scale = w.sum()

        def nll(log_beta):
            beta = np.exp(log_beta)
            A = beta * Z
            lse = np.log(np.exp(A - A.max(axis=1, keepdims=True)).sum(axis=1)) + A.max(axis=1)
            return float(np.sum(w * (lse - beta * zy)) / scale)

        lo, hi = np.log(1e-3), np.log(1e3)
        res = minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
        self.beta_ = float(np.exp(res.x))
        self.temperature_ = 1.0 / self.beta_
        self.at_bound_ = bool(min(res.x - lo, hi - res.x) < 1e-3)
        return self

    def transform(self, P):
        Z = self.beta_ * np.log(np.clip(P, _TINY, 1.0))
        Z = Z - Z.max(axis=1, keepdims=True)
        E = np.exp(Z)
        return E / E.sum(axis=1, keepdims=True)


class PlattMap(_BinaryMap):
    """Platt scaling: ``sigmoid(a * logit(p) + b)`` fitted with Platt's smoothed targets."""

    def fit_binary(self, p, y01, w):
        # Platt (1999): targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2), N from the weights
        n_pos = float(np.sum(w[y01 > 0.5]))
        n_neg = float(np.sum(w[y01 <= 0.5]))
        t = np.where(y01 > 0.5, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
        coef, intercept = _fit_logistic(_logit(p)[:, None], t, w)
        self.a_, self.b_ = float(coef[0]), intercept
        return self

    def transform_binary(self, p):
        return _sigmoid(self.a_ * _logit(p) + self.b_)


class BetaMap(_BinaryMap):
    """Beta calibration (Kull, Silva Filho & Flach 2017), the three-parameter ``abm`` family.

    ``logit q = a * log p - b * log(1 - p) + c`` with ``a, b >= 0`` (a map that is
    monotone in ``p``); when the unconstrained fit has a negative ``a`` (or ``b``)
    that coefficient is fixed at 0 and the other two are refitted, as in the paper.
    """

    def fit_binary(self, p, y01, w):
        pc = np.clip(p, _TINY, 1.0 - _TINY)
        F = np.column_stack([np.log(pc), -np.log1p(-pc)])
        coef, c = _fit_logistic(F, y01, w)
        if coef[0] < 0 or coef[1] < 0:
            keep = 1 if coef[0] < coef[1] else 0   # drop the more negative coefficient
            sub, c = _fit_logistic(F[:, [keep]], y01, w)
            coef = np.zeros(2)
            coef[keep] = max(sub[0], 0.0)
            if sub[0] < 0:  # both directions decreasing: a constant map
                coef[keep] = 0.0
                c = float(_logit(np.array([np.average(y01, weights=w)]))[0])
        self.a_, self.b_, self.c_ = float(coef[0]), float(coef[1]), float(c)
        return self

    def transform_binary(self, p):
        pc = np.clip(p, _TINY, 1.0 - _TINY)
        return _sigmoid(self.a_ * np.log(pc) - self.b_ * np.log1p(-pc) + self.c_)


class IsotonicMap(_BinaryMap):
    """Isotonic regression (Zadrozny & Elkan 2002), scikit-learn's ``IsotonicRegression``."""

    def fit_binary(self, p, y01, w):
        from sklearn.isotonic import IsotonicRegression

        self.iso_ = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
        self.iso_.fit(p, y01, sample_weight=w)
        return self

    def transform_binary(self, p):
        return self.iso_.predict(p)


class HistogramMap(_BinaryMap):
    """Histogram binning (Zadrozny & Elkan 2001): the weighted event rate of the bin of ``p``.

    Bins are ``[e_k, e_{k+1})`` (the last closed), equal-mass (``"quantile"``) or
    equal-width (``"uniform"``); repeated quantile edges are merged. An empty bin
    maps to its midpoint.
    """

    def __init__(self, n_bins=10, strategy="quantile"):
        self.n_bins = n_bins
        self.strategy = strategy

    def get_params(self):
        return {"n_bins": self.n_bins, "strategy": self.strategy}

    def fit_binary(self, p, y01, w):
        if self.strategy == "quantile":
            # weighted quantiles (inverted CDF), so integer weights equal repeated rows
            edges = np.quantile(p, np.linspace(0.0, 1.0, self.n_bins + 1), weights=w, method="inverted_cdf")
            edges = np.unique(edges)
            # an inverted-CDF quantile is the last value of its bin: move the edge half-way up to the
            # next larger calibration value, so no calibration probability sits on an edge (a rounding
            # difference cannot flip its bin)
            u = np.unique(p)
            above = np.searchsorted(u, edges[1:-1], side="right")
            edges[1:-1] = np.where(above < u.size, 0.5 * (u[np.minimum(above, u.size - 1)] + edges[1:-1]),
                                   edges[1:-1])
            edges = np.unique(edges)
            edges[0], edges[-1] = 0.0, 1.0
            if edges.size < 2:
                edges = np.array([0.0, 1.0])
        else:
            edges = np.linspace(0.0, 1.0, self.n_bins + 1)
        nb = edges.size - 1
        b = self._bin(p, edges)
        sw = np.bincount(b, weights=w, minlength=nb)
        sy = np.bincount(b, weights=w * y01, minlength=nb)
        mid = 0.5 * (edges[:-1] + edges[1:])
        self.edges_ = edges
        self.values_ = np.where(sw > 0, sy / np.where(sw > 0, sw, 1.0), mid)
        self.counts_ = sw
        return self

    @staticmethod
    def _bin(p, edges):
        return np.clip(np.searchsorted(edges, p, side="right") - 1, 0, edges.size - 2)

    def transform_binary(self, p):
        return self.values_[self._bin(p, self.edges_)]


class VennAbersMap(_CalibrationMap):
    """Inductive Venn-Abers predictor (Vovk & Petej 2014), binary.

    For a test score ``s`` the calibration set plus ``(s, 0)`` (then plus
    ``(s, 1)``) is fitted by isotonic regression; its values at ``s`` are
    ``p0 <= p1``. Sample weights are frequency weights: the test point counts
    as one row of weight 1 (integer weights equal repeated rows).

    The fit is discontinuous at a calibration score (a test score equal to one
    joins its block), so scores within ``_TIE_TOL`` (1e-12) are one score: the
    last-bit noise of a base model's probabilities (a BLAS product over a
    different batch of rows) cannot move a prediction.
    """

    binary_only = True

    def fit(self, P, y, w):
        p = np.ascontiguousarray(P[:, 1], dtype=np.float64)
        order = np.argsort(p, kind="mergesort")
        ps, ys, ws = p[order], (y[order] == 1).astype(np.float64), w[order]
        start = np.flatnonzero(np.r_[True, np.diff(ps) > _TIE_TOL])  # scores within _TIE_TOL are one score
        self.scores_ = ps[start]
        self.weights_ = np.add.reduceat(ws, start)
        self.sums_ = np.add.reduceat(ws * ys, start)
        return self

    def interval(self, P):
        from ._method_kernels import venn_abers_bounds

        s = np.ascontiguousarray(P[:, 1], dtype=np.float64)
        pos = np.searchsorted(self.scores_, s - _TIE_TOL, side="left")
        tie = (pos < self.scores_.size) & (self.scores_[np.minimum(pos, self.scores_.size - 1)] <= s + _TIE_TOL)
        # one code per distinct insertion: 2 * pos + tie  (between scores / on a score)
        code = 2 * pos + tie.astype(np.int64)
        uniq, inv = np.unique(code, return_inverse=True)
        p0, p1 = venn_abers_bounds(self.scores_.size, self.weights_, self.sums_,
                                   np.ascontiguousarray(uniq // 2, dtype=np.int64),
                                   np.ascontiguousarray(uniq % 2 == 1))
        return p0[inv], p1[inv]

    def transform(self, P):
        p0, p1 = self.interval(P)
        q = p1 / (1.0 - p0 + p1)
        return np.column_stack([1.0 - q, q])
