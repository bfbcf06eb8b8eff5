"""The proportional odds model (parallel cumulative link) by maximum likelihood, with inference."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_array, check_is_fitted

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, check_sample_weight, validate_data, validate_params

from . import _inference, _solver
from ._cumulative import CumulativeLinkMixin
from ._data import back_transform, check_fit_inputs, codes_for, prepare_fit
from ._links import NAMES as LINK_NAMES

__all__ = ["ProportionalOddsClassifier"]

@fill_doc
class ProportionalOddsClassifier(CumulativeLinkMixin, ClassifierMixin, BaseEstimator):
    """Proportional odds (parallel cumulative link) model by maximum likelihood.

    ``P(y <= k | x) = F(alpha_k + x . beta)`` with one weight vector for every
    boundary, unpenalized: the limit of :class:`PrestoClassifier` with
    ``first_block_penalty=0`` and a large ``lam``. Standard errors come from
    the observed information; :meth:`summary` gives the Wald table and
    :meth:`lr_test` tests proportional odds against a non-parallel fit.

    Parameters
    ----------
    link : {"logit", "probit", "cloglog"}, default="logit"
        ``F``: logistic (proportional odds), standard normal (ordered probit)
        or ``1 - exp(-exp(z))`` (complementary log-log, proportional hazards in
        discrete time).
    tol : float, default=1e-8
        Stop when the largest gradient entry is at most ``tol``.
    max_iter : int, default=10000
        Maximal number of solver iterations.
    classes : array-like of shape (n_classes,), default=None
        The labels from lowest to highest (see :class:`PrestoClassifier`).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Ordered labels.
    coef_ : ndarray of shape (n_features,)
        The shared weight vector ``beta`` (statsmodels' ``OrderedModel`` and
        R's ``MASS::polr`` report ``-beta``: there a positive coefficient
        moves towards higher classes).
    intercept_ : ndarray of shape (n_classes - 1,)
        Intercepts ``alpha_k`` (statsmodels' thresholds).
    covariance_ : ndarray of shape (n_features + n_classes - 1, n_features + n_classes - 1)
        Inverse observed information of ``(coef_, intercept_)`` (in that
        order), with sample weights read as frequency weights.
    bse_ : ndarray of shape (n_features + n_classes - 1,)
        Standard errors of ``(coef_, intercept_)``.
    loglik_ : float
        Maximized (weighted) log-likelihood.
    {link_}
    {n_iter_}
    {loss_}
    separated_ : bool
        Whether the classes are separated (the estimate then does not exist;
        a :class:`~sklearn.exceptions.ConvergenceWarning` was raised).
    {n_features_in_short}
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` had string column names.

    See Also
    --------
    PrestoClassifier : the non-parallel model shrunk towards this one.

    Notes
    -----
    The fit uses the PRESTO solver on the standardized features with only the
    first block free; the solution does not depend on the scaling. With
    separated classes the likelihood has no maximum: a linear programme
    certifies the separating direction and the fit warns
    (:class:`~sklearn.exceptions.ConvergenceWarning`).

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
    >>> po.summary().columns.tolist()
    ['coef', 'std err', 'z', 'P>|z|', '[0.025', '0.975]']
    """

    _parameter_constraints = {
        "link": [Options(*LINK_NAMES)],
        "tol": [Interval("real", 0, None, closed="neither")],
        "max_iter": [Interval("integral", 1, None)],
        "classes": [None, "array-like"],
    }

    def __init__(self, link="logit", tol=1e-8, max_iter=10000, classes=None):
        super().__init__(link, tol, max_iter, classes)

    def fit(self, X, y, sample_weight=None):
        """Fit the proportional odds model by maximum likelihood.

        {ordinal_fit_parameters}
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (frequency weights for the standard errors).

        Returns
        -------
        self : ProportionalOddsClassifier
            The fitted estimator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints,
                        owner=type(self).__name__)
        check_fit_inputs(X, y, sample_weight)
        X = validate_data(self, X, dtype=np.float64)
        data = prepare_fit(X, y, sample_weight, True, self.classes)
        k1 = data.n_classes - 1
        pen = np.zeros((X.shape[1], k1))
        alpha_s, psi_s, _, n_iter, kkt = _solver.solve(data, pen, 1.0, 1, self.tol, self.max_iter,
                                                       link=self.link)
        self.separated_ = _inference.check_separation(data, alpha_s, psi_s, None, type(self).__name__)
        if not kkt <= self.tol and not self.separated_:
            warnings.warn(
                f"ProportionalOddsClassifier did not converge in {self.max_iter} iterations "
                f"(gradient {kkt:.3g} > tol={self.tol:g}).", ConvergenceWarning, stacklevel=2)
        alpha, beta, _ = back_transform(alpha_s, psi_s, data.mean, data.scale)
        self.classes_ = data.classes
        self.intercept_ = alpha
        self.coef_ = beta[:, 0].copy()
        self.link_ = self.link
        self.crossing_ = "rearrange"
        self.n_iter_ = int(n_iter)
        self.loss_ = _solver.loss_at(data, alpha_s, psi_s, self.link)[0]
        self._set_inference(X, sample_weight, data)
        return self

    def _set_inference(self, X, sample_weight, data):
        w = check_sample_weight(sample_weight, X.shape[0])
        keep = w > 0
        total = float(w[keep].sum())
        # information of the normalized weights (no overflow for huge weights), then rescaled
        H = _inference.observed_information(np.ascontiguousarray(X[keep]), data.y, data.w,
                                            self.intercept_, self.coef_, self.link)
        self.covariance_ = _inference.covariance(H) / total
        self.bse_ = np.sqrt(np.diag(self.covariance_))
        self.loglik_ = -self.loss_ * total

    def _param_names(self):
        names = getattr(self, "feature_names_in_", None)
        names = [f"x{j}" for j in range(self.n_features_in_)] if names is None else [str(v) for v in names]
        c = [str(v) for v in self.classes_]
        return names + [f"{c[k]}|{c[k + 1]}" for k in range(len(c) - 1)]

    def summary(self, confidence_level=0.95):
        """Wald table of the coefficients and intercepts.

        Parameters
        ----------
        confidence_level : float, default=0.95
            Coverage of the intervals.

        Returns
        -------
        table : pandas.DataFrame
            One row per feature (``coef_``) then per boundary ``"a|b"``
            (``intercept_``); columns ``coef``, ``std err``, ``z``, ``P>|z|``
            and the interval bounds. statsmodels' ``OrderedModel`` reports the
            feature rows with the opposite sign.
        """
        check_is_fitted(self)
        validate_params({"confidence_level": confidence_level},
                        {"confidence_level": [Interval("real", 0, 1, closed="neither")]},
                        owner="ProportionalOddsClassifier.summary")
        params = np.concatenate([self.coef_, self.intercept_])
        return _inference.wald_table(self._param_names(), params, self.covariance_, confidence_level)

    def lr_test(self, X, y, alternative=None, sample_weight=None):
        """Likelihood-ratio test of proportional odds against a non-parallel fit on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data of this fit.
        y : array-like of shape (n_samples,)
            Its labels.
        alternative : PrestoClassifier or PrestoCV, default=None
            ``None`` fits the unpenalized non-parallel model (a separate weight
            vector per boundary, same link) and refers the statistic to
            chi-squared with ``n_features * (n_classes - 2)`` degrees of
            freedom. A fitted PRESTO model (same link) is used as it is, with
            its number of non-zero differences beyond the first block as the
            degrees of freedom: an approximation (its penalty was chosen on the
            same data), anti-conservative.
        sample_weight : array-like of shape (n_samples,), default=None
            The weights of this fit.

        Returns
        -------
        result : Bunch
            ``statistic``, ``df``, ``pvalue``, ``loglik_null``,
            ``loglik_alternative``, ``null``, ``alternative``.
        """
        check_is_fitted(self)
        check_fit_inputs(X, y, sample_weight)
        n_features = check_array(X, dtype=np.float64).shape[1]
        codes = codes_for(y, self.classes_)
        w = check_sample_weight(sample_weight, codes.size)
        ll_null = _loglik(self, X, codes, w)
        if alternative is None:
            from .presto import PrestoClassifier

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                alt = PrestoClassifier(lam=0.0, link=self.link_, tol=1e-8, max_iter=10000,
                                       classes=self.classes_).fit(
                    X, y, sample_weight=sample_weight)
            name, df = "non-parallel", n_features * (self.classes_.size - 2)
        else:
            check_is_fitted(alternative)
            alt = getattr(alternative, "best_estimator_", alternative)
            if getattr(alt, "link_", "logit") != self.link_:
                raise ValueError(f"`alternative` must use link {self.link_!r}; got {alt.link_!r}.")
            name = f"{type(alternative).__name__} (lam={alt.lam:.3g})"
            df = int(np.count_nonzero(alt.diff_coef_[:, 1:]))
        return _inference.lr_test(ll_null, _loglik(alt, X, codes, w), df, alternative=name)


def _loglik(est, X, codes, w):
    """Weighted log-likelihood of a fitted cumulative model on ``(X, codes)`` (``-inf`` if crossing)."""
    eta = np.ascontiguousarray(est.predict_cumulative_logits(X))
    return -_solver.loss_at_eta(eta, codes, w, est.link_)
