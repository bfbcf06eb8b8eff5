"""PRESTO with its penalty chosen by cross-validation."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from statlearn._parallel import Parallel, delayed
from statlearn._validation import Interval, Options, check_sample_weight, validate_data, validate_params

from ._cumulative import CumulativeLinkMixin
from ._data import encode_target, predict_eta, prepare_fit, proba_from_eta
from ._penalty import check_lambdas, check_penalty_factor, lambda_grid, lambda_max
from .presto import PRESTO_CONSTRAINTS, PrestoClassifier, run_path

__all__ = ["PrestoCV"]


def _score(proba, y, scoring):
    """Mean loss (lower is better) of class probabilities for codes ``y``."""
    n, K = proba.shape
    onehot = np.zeros_like(proba)
    onehot[np.arange(n), y] = 1.0
    if scoring == "brier":
        return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
    if scoring == "log_loss":
        return float(-np.mean(np.log(np.clip(proba[np.arange(n), y], 1e-15, 1.0))))
    rare = proba[:, -1]
    hit = (y == K - 1).astype(np.float64)
    if scoring == "rare_brier":
        return float(np.mean((rare - hit) ** 2))
    rare = np.clip(rare, 1e-15, 1 - 1e-15)
    return float(-np.mean(hit * np.log(rare) + (1 - hit) * np.log1p(-rare)))


def _fold_path(X, codes, w, train, test, lambdas, params, c, scoring):
    """Out-of-fold scores of a warm-started path fitted on ``train``."""
    n_classes = int(codes.max()) + 1
    present = np.bincount(codes[train][w[train] > 0], minlength=n_classes)
    if (present == 0).any():
        raise ValueError(
            f"a cross-validation training fold has no sample of class code(s) "
            f"{np.flatnonzero(present == 0).tolist()}; use fewer folds or a stratified `cv`."
        )
    data = prepare_fit(X[train], codes[train], w[train], params["standardize"])
    path = run_path(data, c, lambdas, params["l1_ratio"], params["first_block_penalty"],
                     params["tol"], params["max_iter"])
    scores = np.empty(lambdas.size)
    for i in range(lambdas.size):
        eta = predict_eta(X[test], path.intercept[i], path.coef[i])
        proba = proba_from_eta(eta, "rearrange")
        scores[i] = _score(proba, codes[test], scoring)
    return scores


class PrestoCV(CumulativeLinkMixin, ClassifierMixin, BaseEstimator):
    """PRESTO with ``lam`` chosen by K-fold cross-validation.

    One grid of ``lam`` (from the full data) is shared by all folds; each fold
    fits a warm-started path and scores it out of fold. Ties go to the largest
    ``lam`` (the most shrinkage), as in the paper; the model is then refitted
    on all data at the chosen ``lam``.

    Parameters
    ----------
    lambdas : array-like, default=None
        The grid; ``None`` gives ``n_lambdas`` log-spaced values from
        ``lambda_max`` down to ``lambda_min_ratio * lambda_max``.
    n_lambdas : int, default=20
        Grid length when ``lambdas`` is None.
    lambda_min_ratio : float, default=0.01
        Smallest over largest ``lam`` when ``lambdas`` is None.
    cv : int or cross-validation splitter, default=5
        An int gives :class:`~sklearn.model_selection.StratifiedKFold` (shuffled,
        seeded by ``random_state``) so every fold holds the rare class.
    scoring : {"brier", "log_loss", "rare_brier", "rare_log_loss"}, default="brier"
        Out-of-fold loss: Brier score summed over all classes (the paper),
        log-loss, or the Brier / log-loss of the rare (last) class only.
    select : {"min", "1se"}, default="min"
        The ``lam`` with the lowest mean loss, or the largest ``lam`` within one
        standard error of it.
    n_jobs : int, default=None
        Folds run in parallel through joblib, each worker's BLAS threads
        limited to its share of the cores.
    l1_ratio, first_block_penalty, penalty_factor, standardize, tol, max_iter, crossing
        As in :class:`PrestoClassifier`.
    random_state : int, RandomState instance or None, default=None
        Seeds the fold shuffling when ``cv`` is an int.

    Attributes
    ----------
    lam_ : float
        The chosen penalty.
    lambdas_ : ndarray of shape (n_lambdas,)
        The grid, decreasing.
    cv_results_ : dict
        ``lambdas``, ``mean_score``, ``std_score``, ``se_score`` (n_lambdas,)
        and ``split_scores`` (n_splits, n_lambdas); scores are losses (lower is
        better).
    best_estimator_ : PrestoClassifier
        The refitted model.
    classes_, coef_, diff_coef_, intercept_, n_iter_, n_crossings_
        Those of ``best_estimator_``.
    n_features_in_ : int
        Number of features.

    See Also
    --------
    PrestoClassifier : the model at a fixed ``lam``.

    References
    ----------
    .. [1] G. Faletto and J. Bien, "Predicting Rare Events by Shrinking Towards
       Proportional Odds", ICML 2023.

    Examples
    --------
    >>> from statlearn.datasets import make_presto_data
    >>> from statlearn.ordinal import PrestoCV
    >>> X, y = make_presto_data(n_samples=600, intercepts=(0.0, 2.0, 3.5), random_state=0)
    >>> cv = PrestoCV(n_lambdas=10, cv=3, random_state=0).fit(X, y)
    >>> cv.lambdas_.shape
    (10,)
    >>> bool(cv.lam_ in cv.lambdas_)
    True
    """

    _parameter_constraints = {
        **{k: v for k, v in PRESTO_CONSTRAINTS.items() if k not in ("lam", "warm_start")},
        "lambdas": [None, "array-like"],
        "n_lambdas": [Interval("integral", 1, None)],
        "lambda_min_ratio": [Interval("real", 0, 1, closed="right")],
        "scoring": [Options("brier", "log_loss", "rare_brier", "rare_log_loss")],
        "select": [Options("min", "1se")],
        "n_jobs": [None, numbers.Integral],
        "random_state": ["random_state"],
    }

    def __init__(self, lambdas=None, n_lambdas=20, lambda_min_ratio=0.01, cv=5, scoring="brier",
                 select="min", n_jobs=None, l1_ratio=1.0, first_block_penalty=1.0, penalty_factor=None,
                 standardize=True, tol=1e-6, max_iter=5000, crossing="rearrange", random_state=None):
        self.lambdas = lambdas
        self.n_lambdas = n_lambdas
        self.lambda_min_ratio = lambda_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.select = select
        self.n_jobs = n_jobs
        self.l1_ratio = l1_ratio
        self.first_block_penalty = first_block_penalty
        self.penalty_factor = penalty_factor
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter
        self.crossing = crossing
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Choose ``lam`` by cross-validation and refit on all data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Ordered labels; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (used in fitting, not in the fold scores).

        Returns
        -------
        self : PrestoCV
            The fitted estimator.
        """
        from sklearn.model_selection import StratifiedKFold, check_cv

        params = self.get_params(deep=False)
        validate_params(params, self._parameter_constraints, owner="PrestoCV")
        cv_ok = isinstance(self.cv, numbers.Integral) or hasattr(self.cv, "split") or hasattr(self.cv, "__iter__")
        if not cv_ok or (isinstance(self.cv, numbers.Integral) and self.cv < 2):
            raise ValueError(f"PrestoCV: `cv` must be an int >= 2 or a splitter; got {self.cv!r}.")
        X, _ = validate_data(self, X, y, dtype=np.float64, y_numeric=False)
        full = prepare_fit(X, y, sample_weight, self.standardize)
        codes, _ = encode_target(y)
        w = check_sample_weight(sample_weight, X.shape[0])
        c = check_penalty_factor(self.penalty_factor, X.shape[1])
        if self.lambdas is None:
            lmax = lambda_max(full, c, self.first_block_penalty, self.l1_ratio)
            lambdas = lambda_grid(lmax, self.n_lambdas, self.lambda_min_ratio)
        else:
            lambdas = check_lambdas(self.lambdas)
        if isinstance(self.cv, numbers.Integral):
            splitter = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        else:
            splitter = check_cv(self.cv, codes, classifier=True)
        splits = list(splitter.split(X, codes))
        fold_params = {k: params[k] for k in ("standardize", "l1_ratio", "first_block_penalty", "tol",
                                              "max_iter")}
        scores = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_path)(X, codes, w, tr, te, lambdas, fold_params, c, self.scoring)
            for tr, te in splits)
        scores = np.asarray(scores)
        mean = scores.mean(axis=0)
        std = scores.std(axis=0)
        se = std / np.sqrt(scores.shape[0])
        best = mean.min()
        if self.select == "min":
            # lambdas are decreasing: the first index attaining the minimum is the largest lambda
            idx = int(np.flatnonzero(mean <= best + 1e-12 * abs(best))[0])
        else:
            i_min = int(np.argmin(mean))
            idx = int(np.flatnonzero(mean <= best + se[i_min])[0])
        self.lambdas_ = lambdas
        self.lam_ = float(lambdas[idx])
        self.best_index_ = idx
        self.cv_results_ = {"lambdas": lambdas, "mean_score": mean, "std_score": std, "se_score": se,
                            "split_scores": scores}
        est = PrestoClassifier(lam=self.lam_, l1_ratio=self.l1_ratio,
                               first_block_penalty=self.first_block_penalty,
                               penalty_factor=self.penalty_factor, standardize=self.standardize,
                               tol=self.tol, max_iter=self.max_iter, crossing=self.crossing)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y, sample_weight=sample_weight)
        self.best_estimator_ = est
        for name in ("classes_", "coef_", "diff_coef_", "intercept_", "n_iter_", "n_crossings_",
                     "objective_", "loss_", "crossing_"):
            setattr(self, name, getattr(est, name))
        return self

