"""Conformity scores of :class:`ConformalQuantileRegressor`, one small class each.

A score turns sorted calibration predictions ``Qs`` (n, K) and targets into a
score matrix ``E`` (one column per calibrated quantity), and says how ``E``
corrects every level: by a constant shift (split conformal) or by an order
statistic over calibration rows (CV+). Pass one by name (``"cqr"``,
``"cqr-asymmetric"``, ``"per-level"``) or as an instance; subclass
:class:`BaseConformityScore` for a new one.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["AsymmetricCQRScore", "BaseConformityScore", "CQRScore", "PerLevelScore"]


def _upper_rank(level, n):
    """ceil(level * (n + 1)) with a guard against floating error (0.8 * 5 = 4.000000001)."""
    return int(math.ceil(level * (n + 1) - 1e-9))


def _lower_rank(level, n):
    return int(math.floor(level * (n + 1) + 1e-9))


def _kth(values, rank):
    """``rank``-th smallest (1-based) of a 1-D array; -inf below 1, +inf above its size."""
    if rank < 1:
        return -np.inf
    if rank > values.size:
        return np.inf
    return float(np.partition(values, rank - 1)[rank - 1])


def _pairs(K):
    """Symmetric pairs of level indices, outermost first."""
    return [(k, K - 1 - k) for k in range(K // 2)]


class BaseConformityScore:
    """A conformity score for quantile predictions (subclass and implement three methods).

    ``targets(quantiles, n)`` is the heart of it: a list of
    ``(level, column, sign, rank)`` tuples, one per corrected level. Level
    ``level`` is corrected to the ``rank``-th smallest (1-based; below 1 is
    ``-inf``, above ``n`` is ``+inf``) of ``Q[level] + sign * E[:, column]`` over
    the ``n`` calibration rows, where ``Q`` is the prediction of the model that
    did not see that row: one model for split conformal (a constant shift), the
    fold models for CV+. Levels without a target are not corrected.
    """

    name = None

    def check(self, quantiles):
        """Raise ValueError when the score cannot calibrate these levels."""

    def scores(self, Qs, y):
        """Score matrix ``E`` of shape (n, n_columns) from sorted predictions ``Qs`` (n, K)."""
        raise NotImplementedError

    def targets(self, quantiles, n):
        """``(level, column, sign, rank)`` for every corrected level (see the class docstring)."""
        raise NotImplementedError

    def conformal_levels(self, quantiles):
        """``(level, column, sign, tau)`` for every corrected level: level ``level`` moves by
        ``sign * t`` where ``t`` is the (weighted, group-conditional) conformal ``tau``-quantile
        of ``E[:, column]``. Used for groups, sample weights and covariate shift; a subclass
        without it supports only unweighted, marginal calibration."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define conformal_levels(); it supports only marginal, "
            "unweighted calibration (no `groups`, `sample_weight` or `likelihood_ratio`)."
        )

    def split_shifts(self, E, quantiles):
        """Additive corrections of every level for split conformal: shape (K,)."""
        n = E.shape[0]
        shifts = np.zeros(len(quantiles))
        for level, col, sign, rank in self.targets(quantiles, n):
            if sign > 0:
                shifts[level] = _kth(E[:, col], rank)
            else:  # the rank-th smallest of Q - E is Q minus the (n + 1 - rank)-th smallest of E
                shifts[level] = -_kth(E[:, col], n + 1 - rank)
        return shifts

    def __repr__(self):
        return f"{type(self).__name__}()"


class CQRScore(BaseConformityScore):
    """Symmetric CQR score ``max(lo - y, y - hi)`` per symmetric pair (Romano et al., 2019).

    Pair ``(quantiles[k], quantiles[K-1-k])`` gets nominal coverage
    ``quantiles[K-1-k] - quantiles[k]``; the middle level of an odd ``K`` is not
    corrected. A single level has no pair: use :class:`PerLevelScore`.
    """

    name = "cqr"

    def check(self, quantiles):
        if len(quantiles) < 2:
            raise ValueError(
                f"conformity_score={self.name!r} calibrates symmetric pairs of levels; `quantiles` has one "
                f"level ({float(quantiles[0])!r}). Use conformity_score='per-level' (one-sided calibration)."
            )

    def scores(self, Qs, y):
        cols = [np.maximum(Qs[:, a] - y, y - Qs[:, b]) for a, b in _pairs(Qs.shape[1])]
        return np.column_stack(cols)

    def targets(self, quantiles, n):
        out = []
        for j, (a, b) in enumerate(_pairs(len(quantiles))):
            alpha = 1.0 - (quantiles[b] - quantiles[a])
            out.append((a, j, -1.0, _lower_rank(alpha, n)))
            out.append((b, j, 1.0, _upper_rank(1.0 - alpha, n)))
        return out

    def conformal_levels(self, quantiles):
        out = []
        for j, (a, b) in enumerate(_pairs(len(quantiles))):
            tau = float(quantiles[b] - quantiles[a])
            out.extend([(a, j, -1.0, tau), (b, j, 1.0, tau)])
        return out


class AsymmetricCQRScore(CQRScore):
    """CQR with lower and upper bounds calibrated separately (miss rates ``quantiles[k]``
    below and ``1 - quantiles[K-1-k]`` above). Columns: lower then upper per pair."""

    name = "cqr-asymmetric"

    def scores(self, Qs, y):
        cols = []
        for a, b in _pairs(Qs.shape[1]):
            cols.extend([Qs[:, a] - y, y - Qs[:, b]])
        return np.column_stack(cols)

    def targets(self, quantiles, n):
        out = []
        for j, (a, b) in enumerate(_pairs(len(quantiles))):
            out.append((a, 2 * j, -1.0, _lower_rank(quantiles[a], n)))
            out.append((b, 2 * j + 1, 1.0, _upper_rank(quantiles[b], n)))
        return out

    def conformal_levels(self, quantiles):
        out = []
        for j, (a, b) in enumerate(_pairs(len(quantiles))):
            out.extend([(a, 2 * j, -1.0, 1.0 - float(quantiles[a])), (b, 2 * j + 1, 1.0, float(quantiles[b]))])
        return out


class PerLevelScore(BaseConformityScore):
    """Every level shifted by the conformal quantile of its own residuals ``y - q_k``
    (one-sided validity per level: ``P(y <= q_k) >= quantiles[k]``)."""

    name = "per-level"

    def scores(self, Qs, y):
        return y[:, None] - Qs

    def targets(self, quantiles, n):
        return [(k, k, 1.0, _upper_rank(t, n)) for k, t in enumerate(quantiles)]

    def conformal_levels(self, quantiles):
        return [(k, k, 1.0, float(t)) for k, t in enumerate(quantiles)]


SCORES = {cls.name: cls for cls in (CQRScore, AsymmetricCQRScore, PerLevelScore)}


def check_conformity_score(score):
    """An instance from a name or an instance; ValueError/TypeError otherwise."""
    if isinstance(score, BaseConformityScore):
        return score
    if isinstance(score, str) and score in SCORES:
        return SCORES[score]()
    if isinstance(score, str):
        raise ValueError(f"`conformity_score` must be one of {sorted(SCORES)} or a BaseConformityScore; "
                         f"got {score!r}.")
    raise TypeError(f"`conformity_score` must be one of {sorted(SCORES)} or a BaseConformityScore instance; "
                    f"got {type(score).__name__}.")
