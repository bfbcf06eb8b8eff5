"""PRESTO: cumulative-logit ordinal regression shrunk towards proportional odds.

Faletto & Bien (2023) fit ``P(y <= k | x) = sigmoid(alpha_k + x . beta_k)`` with
its own weight vector per decision boundary and an L1 penalty on the differences
``psi_k = beta_k - beta_{k-1}`` of adjacent boundaries, so that the abundant
early categories lend strength to the rare last one.

:func:`presto_path` computes the solutions over a grid of penalties;
:class:`PrestoClassifier` fits one penalty. The data preparation lives in
``_data``, the penalty in ``_penalty``, the solvers in ``_solver`` / ``_kernels``.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import Bunch
from sklearn.utils.validation import check_array

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, validate_args, validate_data, validate_params

from . import _solver
from ._cumulative import CumulativeLinkMixin
from ._data import back_transform, check_fit_inputs, count_crossings, prepare_fit, to_internal
from ._inference import check_separation
from ._links import NAMES as LINK_NAMES
from ._penalty import check_lambdas, check_penalty_factor, lambda_grid, lambda_max, penalty_matrix

__all__ = ["PrestoClassifier", "presto_path"]

PRESTO_CONSTRAINTS = {
    "lam": [Interval("real", 0, None)],
    "l1_ratio": [Interval("real", 0, 1)],
    "first_block_penalty": [Interval("real", 0, None)],
    "penalty_factor": [None, "array-like"],
    "standardize": ["boolean"],
    "tol": [Interval("real", 0, None, closed="neither")],
    "max_iter": [Interval("integral", 1, None)],
    "warm_start": ["boolean"],
    "crossing": [Options("rearrange", "raise")],
    "link": [Options(*LINK_NAMES)],
    "classes": [None, "array-like"],
}
_PATH_CONSTRAINTS = {
    "n_lambdas": [Interval("integral", 1, None)],
    "lambda_min_ratio": [Interval("real", 0, 1, closed="right")],
    "lambdas": [None, "array-like"],
}


# --------------------------------------------------------------------------- #
# the path
# --------------------------------------------------------------------------- #
def run_path(data, c, lambdas, l1_ratio, first_block_penalty, tol, max_iter, link="logit", init=None):
    """Warm-started solutions on prepared data over decreasing ``lambdas``."""
    p = data.X.shape[1]
    k1 = data.n_classes - 1
    m = lambdas.size
    coef, diff = np.empty((m, p, k1)), np.empty((m, p, k1))
    intercept = np.empty((m, k1))
    objective, n_iter = np.empty(m), np.empty(m, dtype=np.int64)
    loss = np.empty(m)
    internal = []
    for i, lam in enumerate(lambdas):
        pen = penalty_matrix(lam, c, first_block_penalty, p, k1)
        a_s, p_s, obj, it, _ = _solver.solve(data, pen, l1_ratio, k1, tol, max_iter, init=init, link=link)
        init = (a_s, p_s)
        internal.append(init)
        intercept[i], coef[i], diff[i] = back_transform(a_s, p_s, data.mean, data.scale)
        objective[i] = obj
        loss[i] = _solver.loss_at(data, a_s, p_s, link)[0]
        n_iter[i] = it
    n_nonzero = np.count_nonzero(diff[:, :, 1:], axis=(1, 2))
    return Bunch(lambdas=lambdas, coef=coef, diff_coef=diff, intercept=intercept, objective=objective,
                 loss=loss, n_nonzero=n_nonzero, n_iter=n_iter, classes=data.classes, link=link,
                 _internal=internal)


@validate_args({**{k: v for k, v in PRESTO_CONSTRAINTS.items() if k not in ("lam", "warm_start", "crossing")},
                **_PATH_CONSTRAINTS})
@fill_doc
def presto_path(X, y, *, lambdas=None, n_lambdas=20, lambda_min_ratio=0.01, l1_ratio=1.0,
                first_block_penalty=1.0, penalty_factor=None, standardize=True, sample_weight=None,
                tol=1e-6, max_iter=5000, link="logit", classes=None):
    """PRESTO solutions over a decreasing grid of ``lam``, each warm-started from the previous one.

    Parameters
    ----------
    {X_train}
    y : array-like of shape (n_samples,)
        Ordered labels (see :class:`PrestoClassifier`).
    lambdas : array-like of shape (n_lambdas,), default=None
        The grid (sorted in decreasing order here). ``None`` gives
        ``n_lambdas`` values spaced evenly on the log scale from ``lambda_max``
        (the smallest ``lam`` at which every penalized difference is zero) down
        to ``lambda_min_ratio * lambda_max``.
    {n_lambdas}
    {lambda_min_ratio}
    l1_ratio, first_block_penalty, penalty_factor, standardize, tol, max_iter, link, classes
        As in :class:`PrestoClassifier`.
    {sample_weight_nonneg}

    Returns
    -------
    path : Bunch
        ``lambdas`` (n_lambdas,), ``coef`` (n_lambdas, n_features,
        n_classes - 1), ``diff_coef`` (same shape), ``intercept``
        (n_lambdas, n_classes - 1); per ``lam`` (n_lambdas,): ``objective``,
        ``loss`` (the training mean negative log-likelihood), ``n_nonzero``
        (non-zero differences beyond the first block: how far the fit is from
        proportional odds) and ``n_iter``; ``classes``, ``link``.

    See Also
    --------
    PrestoClassifier : the model at one ``lam``.
    PrestoCV : chooses ``lam`` along this path by cross-validation.

    Examples
    --------
    >>> from statlearn.datasets import make_presto_data
    >>> from statlearn.ordinal import presto_path
    >>> X, y = make_presto_data(n_samples=500, random_state=0)
    >>> path = presto_path(X, y, n_lambdas=5)
    >>> path.coef.shape
    (5, 10, 3)
    """
    check_fit_inputs(X, y, sample_weight)
    X = check_array(X, dtype=np.float64)
    data = prepare_fit(X, y, sample_weight, standardize, classes)
    c = check_penalty_factor(penalty_factor, X.shape[1])
    if lambdas is None:
        lmax = lambda_max(data, c, first_block_penalty, l1_ratio, link=link)
        lambdas = lambda_grid(lmax, n_lambdas, lambda_min_ratio)
    lambdas = check_lambdas(lambdas)
    return run_path(data, c, lambdas, l1_ratio, first_block_penalty, tol, max_iter, link)


# --------------------------------------------------------------------------- #
# the estimator
# --------------------------------------------------------------------------- #
class _PrestoParams(CumulativeLinkMixin):
    """The penalty and solver parameters that :class:`PrestoClassifier` and ``PrestoCV`` share."""

    def __init__(self, l1_ratio, first_block_penalty, penalty_factor, standardize, tol, max_iter, crossing,
                 link, classes):
        super().__init__(link, tol, max_iter, classes)
        self.l1_ratio = l1_ratio
        self.first_block_penalty = first_block_penalty
        self.penalty_factor = penalty_factor
        self.standardize = standardize
        self.crossing = crossing

    def _validate(self, X, y, sample_weight, reset=True):
        validate_params(self.get_params(deep=False), self._parameter_constraints,
                        owner=type(self).__name__)
        check_fit_inputs(X, y, sample_weight)
        X = validate_data(self, X, reset=reset, dtype=np.float64)
        data = prepare_fit(X, y, sample_weight, self.standardize, self.classes)
        c = check_penalty_factor(self.penalty_factor, X.shape[1])
        return X, data, c


@fill_doc
class PrestoClassifier(_PrestoParams, ClassifierMixin, BaseEstimator):
    r"""PRESTO: cumulative-link ordinal regression with fused boundary weights.

    Models ``P(y <= k | x) = F(alpha_k + x . beta_k)`` (``F`` the logistic
    distribution function by default, see ``link``) for the ``K - 1``
    boundaries between ordered classes, each with its own weight vector, and
    minimizes

    .. math::

        -\frac{1}{\sum_i w_i} \sum_i w_i \log p_{y_i}(x_i)
        + \lambda \sum_{k=1}^{K-1} \sum_j c_j f_k
          \big[a |\psi_{jk}| + \tfrac{1-a}{2} \psi_{jk}^2\big],

    with ``psi_1 = beta_1``, ``psi_k = beta_k - beta_{k-1}``, ``a = l1_ratio``,
    ``c = penalty_factor``, ``f_1 = first_block_penalty`` and ``f_k = 1``
    otherwise. The rare class is the last one and uses only the last boundary,
    whose weights borrow strength from the earlier ones through the fused
    penalty.

    Parameters
    ----------
    lam : float, default=0.01
        Penalty strength ``lambda >= 0`` (on the mean-loss scale, on the
        standardized features when ``standardize=True``). Choose it with
        :class:`PrestoCV` or :meth:`path`.
    l1_ratio : float, default=1.0
        ``a`` in the objective: 1 is the lasso on the differences (PRESTO), 0 a
        ridge ("PRESTO_L2").
    first_block_penalty : float, default=1.0
        Factor ``f_1`` of the penalty on the first weight vector ``beta_1``.
        With 1 (the authors' published code) a large ``lam`` gives the
        intercept-only model; with 0, ``beta_1`` is unpenalized and a large
        ``lam`` gives exactly the proportional odds fit.
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature factors ``c_j`` (0 leaves a feature unpenalized);
        ``None`` means all ones.
    standardize : bool, default=True
        Penalize the standardized features (weighted mean 0, variance 1); the
        returned coefficients are on the original scale.
    tol : float, default=1e-6
        Stop when the KKT violation (largest distance of the negative gradient
        to the penalty's subdifferential) is at most ``tol``.
    max_iter : int, default=5000
        Maximal number of (proximal Newton or proximal-gradient) iterations.
    warm_start : bool, default=False
        Start from the previous solution when refitting.
    crossing : {"rearrange", "raise"}, default="rearrange"
        What :meth:`predict_proba` does when the boundaries of a sample cross
        (``P(y <= k)`` decreasing in ``k``): sort them, or raise.
    link : {"logit", "probit", "cloglog"}, default="logit"
        ``F``: logistic (the paper), standard normal, or ``1 - exp(-exp(z))``.
    classes : array-like of shape (n_classes,), default=None
        The labels from lowest to highest. Needed for text labels, which are
        never sorted: without it ``y`` must be numbers, numeric strings
        (ordered as numbers) or an ordered pandas Categorical.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Ordered labels; the last is the top (rare) class.
    coef_ : ndarray of shape (n_features, n_classes - 1)
        Boundary weights ``beta_k`` on the original feature scale.
    diff_coef_ : ndarray of shape (n_features, n_classes - 1)
        Differences ``psi_k`` (``psi_1 = beta_1``) on the original scale.
    intercept_ : ndarray of shape (n_classes - 1,)
        Intercepts ``alpha_k`` on the original scale.
    {n_iter_}
    n_crossings_ : int
        Training samples whose fitted boundaries cross.
    objective_ : float
        Attained objective (on the internal, standardized scale).
    {loss_}
    {link_}
    separated_ : bool
        Whether the unpenalized parameters separate the classes (their
        estimate then does not exist; a
        :class:`~sklearn.exceptions.ConvergenceWarning` was raised).
    {n_features_in_short}

    See Also
    --------
    presto_path : the solutions over a grid of ``lam``.
    PrestoCV : chooses ``lam`` by cross-validation.
    ProportionalOddsClassifier : the unpenalized parallel model (PRESTO's limit).

    Notes
    -----
    Labels are ordered by ``classes``, by the categories of an ordered pandas
    Categorical, or numerically (numbers and numeric strings: ``"2" < "10"``);
    other text raises. To make the first category the rare one, reverse the
    order (``classes=[...][::-1]``, ``y.cat.reorder_categories(...)`` or ``-y``).
    With two classes the model has a single boundary and PRESTO reduces to a
    lasso (``first_block_penalty > 0``) or plain logistic regression on
    ``1{y = classes_[1]}``.

    The solver works on the centred (and scaled) features with the difference
    parametrization: proximal Newton (a dense Hessian of the ``(K-1)(p+1)``
    parameters, an inner cyclic coordinate descent, Armijo backtracking) when
    that number is at most 400, accelerated proximal gradient (FISTA) with
    backtracking and momentum restart beyond. Both line searches keep every
    middle-class training point's probability positive; both stop on the KKT
    violation.

    {ref_faletto_bien}

    Examples
    --------
    >>> from statlearn.datasets import make_presto_data
    >>> from statlearn.ordinal import PrestoClassifier
    >>> X, y = make_presto_data(n_samples=500, random_state=0)
    >>> clf = PrestoClassifier(lam=0.01).fit(X, y)
    >>> clf.coef_.shape
    (10, 3)
    >>> clf.predict_proba(X[:2]).sum(axis=1).round(6)
    array([1., 1.])
    """

    _parameter_constraints = PRESTO_CONSTRAINTS

    def __init__(self, lam=0.01, l1_ratio=1.0, first_block_penalty=1.0, penalty_factor=None,
                 standardize=True, tol=1e-6, max_iter=5000, warm_start=False, crossing="rearrange",
                 link="logit", classes=None):
        super().__init__(l1_ratio, first_block_penalty, penalty_factor, standardize, tol, max_iter, crossing,
                         link, classes)
        self.lam = lam
        self.warm_start = warm_start

    def fit(self, X, y, sample_weight=None):
        """Fit PRESTO at ``lam``.

        Parameters
        ----------
        {X_train}
        y : array-like of shape (n_samples,)
            Ordered labels (integers, sortable labels or an ordered pandas
            Categorical); at least two classes, the last being the rare one.
        {sample_weight_nonneg}

        Returns
        -------
        self : PrestoClassifier
            The fitted estimator.
        """
        X, data, c = self._validate(X, y, sample_weight)
        k1 = data.n_classes - 1
        pen = penalty_matrix(self.lam, c, self.first_block_penalty, X.shape[1], k1)
        init = None
        if self.warm_start and getattr(self, "_internal", None) is not None:
            a0, p0, mean0, scale0 = self._internal
            if p0.shape == (X.shape[1], k1):
                # express the previous solution in the current standardization
                alpha, beta, _ = back_transform(a0, p0, mean0, scale0)
                init = to_internal(alpha, beta, data.mean, data.scale)
        alpha_s, psi_s, obj, n_iter, kkt = _solver.solve(data, pen, self.l1_ratio, k1, self.tol,
                                                         self.max_iter, init=init, link=self.link)
        free = pen == 0
        self.separated_ = bool(free.any()) and check_separation(data, alpha_s, psi_s, free,
                                                                 type(self).__name__)
        if not kkt <= self.tol and not self.separated_:
            warnings.warn(
                f"PrestoClassifier did not converge in {self.max_iter} iterations (KKT violation "
                f"{kkt:.3g} > tol={self.tol:g}); increase `max_iter` or `lam`.",
                ConvergenceWarning, stacklevel=2)
        self._set_solution(data, alpha_s, psi_s, obj, n_iter)
        return self

    def _set_solution(self, data, alpha_s, psi_s, obj, n_iter):
        alpha, beta, psi = back_transform(alpha_s, psi_s, data.mean, data.scale)
        self.classes_ = data.classes
        self.intercept_ = alpha
        self.coef_ = beta
        self.diff_coef_ = psi
        self.n_iter_ = int(n_iter)
        self.objective_ = float(obj)
        self.crossing_ = self.crossing
        self.link_ = self.link
        loss, eta = _solver.loss_at(data, alpha_s, psi_s, self.link)
        self.loss_ = loss
        self.n_crossings_ = count_crossings(eta)
        self._internal = (np.asarray(alpha_s), np.ascontiguousarray(psi_s), data.mean, data.scale)

    def lambda_max(self, X, y, sample_weight=None):
        """Smallest ``lam`` at which every penalized difference is zero.

        Parameters
        ----------
        {X_train}
        {y_ordered}
        {sample_weight_nonneg}

        Returns
        -------
        lam_max : float
            At the null fit: intercepts only when ``first_block_penalty > 0``,
            the proportional odds fit when it is 0.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints,
                        owner=type(self).__name__)
        check_fit_inputs(X, y, sample_weight)
        X = check_array(X, dtype=np.float64)
        data = prepare_fit(X, y, sample_weight, self.standardize, self.classes)
        c = check_penalty_factor(self.penalty_factor, X.shape[1])
        return lambda_max(data, c, self.first_block_penalty, self.l1_ratio, min(self.tol, 1e-8),
                          max(self.max_iter, 10000), link=self.link)

    def path(self, X, y, lambdas=None, n_lambdas=20, lambda_min_ratio=0.01, sample_weight=None):
        """Solutions over a decreasing grid of ``lam``: :func:`presto_path` with this estimator's parameters.

        The estimator itself is not refitted.

        Parameters
        ----------
        {X_train}
        {y_ordered}
        lambdas : array-like of shape (n_lambdas,), default=None
            The grid; ``None`` gives ``n_lambdas`` log-spaced values from
            :meth:`lambda_max` down to ``lambda_min_ratio * lambda_max``.
        {n_lambdas}
        {lambda_min_ratio}
        {sample_weight_nonneg}

        Returns
        -------
        {path_bunch}
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints,
                        owner=type(self).__name__)
        return presto_path(X, y, lambdas=lambdas, n_lambdas=n_lambdas, lambda_min_ratio=lambda_min_ratio,
                           l1_ratio=self.l1_ratio, first_block_penalty=self.first_block_penalty,
                           penalty_factor=self.penalty_factor, standardize=self.standardize,
                           sample_weight=sample_weight, tol=self.tol, max_iter=self.max_iter, link=self.link,
                           classes=self.classes)
