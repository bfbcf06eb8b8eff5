"""The proportional odds model (parallel cumulative logit) by maximum likelihood."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from statlearn._validation import Interval, validate_data, validate_params

from . import _solver
from ._cumulative import CumulativeLinkMixin
from ._data import back_transform, prepare_fit

__all__ = ["ProportionalOddsClassifier"]


class ProportionalOddsClassifier(CumulativeLinkMixin, ClassifierMixin, BaseEstimator):
    """Proportional odds (parallel cumulative logit) model by maximum likelihood.

    ``P(y <= k | x) = sigmoid(alpha_k + x . beta)`` with one weight vector for
    every boundary, unpenalized: the limit of :class:`PrestoClassifier` with
    ``first_block_penalty=0`` and a large ``lam``.

    Parameters
    ----------
    tol : float, default=1e-8
        Stop when the largest gradient entry is at most ``tol``.
    max_iter : int, default=10000
        Maximal number of solver iterations.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Ordered labels.
    coef_ : ndarray of shape (n_features,)
        The shared weight vector ``beta`` (statsmodels' ``OrderedModel``
        reports ``-beta``).
    intercept_ : ndarray of shape (n_classes - 1,)
        Intercepts ``alpha_k`` (statsmodels' thresholds).
    n_iter_ : int
        Solver iterations.
    loss_ : float
        Weighted mean negative log-likelihood on the training data.
    n_features_in_ : int
        Number of features.

    See Also
    --------
    PrestoClassifier : the non-parallel model shrunk towards this one.

    Notes
    -----
    The fit uses the PRESTO solver on the standardized features with only the
    first block free; the solution does not depend on the scaling. With
    separable classes the likelihood has no maximum: the coefficients grow
    until the gradient falls below ``tol`` (or ``max_iter`` is reached, with a
    :class:`~sklearn.exceptions.ConvergenceWarning`), so very large
    coefficients signal separation.

    References
    ----------
    .. [1] P. McCullagh, "Regression models for ordinal data", JRSS B, 1980.
    .. [2] G. Faletto and J. Bien, "Predicting Rare Events by Shrinking Towards
       Proportional Odds", ICML 2023.

    Examples
    --------
    >>> from statlearn.datasets import make_presto_data
    >>> from statlearn.ordinal import ProportionalOddsClassifier
    >>> X, y = make_presto_data(n_samples=500, random_state=0)
    >>> po = ProportionalOddsClassifier().fit(X, y)
    >>> po.coef_.shape, po.intercept_.shape
    ((10,), (3,))
    """

    _parameter_constraints = {
        "tol": [Interval("real", 0, None, closed="neither")],
        "max_iter": [Interval("integral", 1, None)],
    }

    def __init__(self, tol=1e-8, max_iter=10000):
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the proportional odds model by maximum likelihood.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Ordered labels; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : ProportionalOddsClassifier
            The fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints,
                        owner=type(self).__name__)
        X, _ = validate_data(self, X, y, dtype=np.float64, y_numeric=False)
        data = prepare_fit(X, y, sample_weight, True)
        k1 = data.n_classes - 1
        pen = np.zeros((X.shape[1], k1))
        alpha_s, psi_s, _, n_iter, kkt = _solver.solve(data, pen, 1.0, 1, self.tol, self.max_iter)
        if not kkt <= self.tol:
            warnings.warn(
                f"ProportionalOddsClassifier did not converge in {self.max_iter} iterations "
                f"(gradient {kkt:.3g} > tol={self.tol:g}); the classes may be separable.",
                ConvergenceWarning, stacklevel=2)
        alpha, beta, _ = back_transform(alpha_s, psi_s, data.mean, data.scale)
        self.classes_ = data.classes
        self.intercept_ = alpha
        self.coef_ = beta[:, 0].copy()
        self.n_iter_ = int(n_iter)
        self.loss_ = _solver.loss_at(data, alpha_s, psi_s)[0]
        return self
