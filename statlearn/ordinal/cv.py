"""PRESTO with its penalty chosen by cross-validation."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from statlearn._base import seed_from
from statlearn._docstrings import fill_doc
from statlearn._parallel import Parallel, delayed
from statlearn._validation import Interval, Options, check_sample_weight

from ._data import encode_target, predict_eta, prepare_fit, proba_from_eta
from ._penalty import check_lambdas, lambda_grid, lambda_max
from .presto import PRESTO_CONSTRAINTS, PrestoClassifier, _PrestoParams, run_path

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


def _fold_path(X, codes, w, train, test, lambdas, params, c, scoring, init=None):
    """Out-of-fold scores of a warm-started path fitted on ``train``; also its last solution."""
    n_classes = int(codes.max()) + 1
    present = np.bincount(codes[train][w[train] > 0], minlength=n_classes)
    if (present == 0).any():
        raise ValueError(
            f"a cross-validation training fold has no sample of class code(s) "
            f"{np.flatnonzero(present == 0).tolist()} of `y` (too rare for this split); use fewer "
            "folds or a stratified `cv`."
        )
    data = prepare_fit(X[train], codes[train], w[train], params["standardize"])
    path = run_path(data, c, lambdas, params["l1_ratio"], params["first_block_penalty"],
                    params["tol"], params["max_iter"], params["link"], init=init)
    scores = np.empty(lambdas.size)
    for i in range(lambdas.size):
        eta = predict_eta(X[test], path.intercept[i], path.coef[i])
        proba = proba_from_eta(eta, "rearrange", params["link"])
        scores[i] = _score(proba, codes[test], scoring)
    return scores, path._internal[-1]


def _select(mean, se, rule):
    """Index of the chosen ``lam`` on a decreasing grid (ties go to the largest ``lam``)."""
    best = mean.min()
    if rule == "min":
        return int(np.flatnonzero(mean <= best + 1e-12 * abs(best))[0])
    i_min = int(np.argmin(mean))
    return int(np.flatnonzero(mean <= best + se[i_min])[0])


def _extension(lambdas, n_per_decade=None):
    """The next decade of a decreasing log grid, at the grid's own spacing."""
    if lambdas.size > 1 and lambdas[-1] > 0 and lambdas[-2] > lambdas[-1]:
        step = lambdas[-1] / lambdas[-2]
    else:
        step = 10 ** -0.1
    m = max(int(np.ceil(np.log(0.1) / np.log(step) - 1e-9)), 2)
    return lambdas[-1] * step ** np.arange(1, m + 1)


@fill_doc
class PrestoCV(_PrestoParams, ClassifierMixin, BaseEstimator):
    """PRESTO with ``lam`` chosen by K-fold cross-validation, on a grid that extends itself.

    One grid of ``lam`` (from the full data) is shared by all folds; each fold
    fits a warm-started path and scores it out of fold. Ties go to the largest
    ``lam`` (the most shrinkage), as in the paper. When the choice falls on the
    smallest ``lam`` of the default grid, the grid is extended by a decade at
    its own spacing (warm-started, up to ``max_grid_extensions`` times); a
    choice still at an edge it cannot extend warns. The model is then refitted
    on all data at the chosen ``lam``.

    Parameters
    ----------
    lambdas : array-like, default=None
        The grid; ``None`` gives ``n_lambdas`` log-spaced values from
        ``lambda_max`` down to ``lambda_min_ratio * lambda_max``. An explicit
        grid is used as given (an edge choice warns).
    {n_lambdas}
    lambda_min_ratio : float, default=0.01
        Smallest over largest ``lam`` when ``lambdas`` is None.
    cv : int, cross-validation splitter or iterable, default=5
        An int gives :class:`~sklearn.model_selection.StratifiedKFold` (shuffled,
        seeded by ``random_state``) so every fold holds the rare class.
    scoring : {"brier", "log_loss", "rare_brier", "rare_log_loss"}, default="log_loss"
        Out-of-fold loss: Brier score summed over all classes (the paper's
        choice), log-loss, or the Brier / log-loss of the rare (last) class
        only. The default was chosen on tuning splits never reported (see
        the user guide, "Defaults of PrestoCV").
    select : {"min", "1se"}, default="min"
        The ``lam`` with the lowest mean loss, or the largest ``lam`` within one
        standard error of it.
    max_grid_extensions : int, default=3
        How many decades the default grid may grow below ``lambda_min_ratio``
        when the choice is its smallest ``lam``; 0 never extends.
    n_jobs : int, default=None
        Folds run in parallel through joblib, each worker's BLAS threads
        limited to its share of the cores.
    first_block_penalty : float, default=0.0
        As in :class:`PrestoClassifier`, whose default is the authors' 1. Here
        0 leaves ``beta_1`` free, so the fully shrunk end of the path is the
        proportional odds fit and cross-validation can always fall back to
        it (with 1 that end is the intercept-only model). Chosen with
        ``scoring`` on tuning splits never reported.
    l1_ratio, penalty_factor, standardize, tol, max_iter, crossing, link, classes
        As in :class:`PrestoClassifier`.
    random_state : int, Generator, RandomState, SeedSequence or None, default=None
        Seeds the fold shuffling when ``cv`` is an int.

    Attributes
    ----------
    lam_ : float
        The chosen penalty.
    lambdas_ : ndarray of shape (``n_lambdas_``,)
        The grid actually scored (after any extension), decreasing.
    best_index_ : int
        Index of ``lam_`` in ``lambdas_``.
    n_grid_extensions_ : int
        Decades added below the initial grid.
    cv_results_ : dict
        The whole curve: ``lambdas``, ``mean_score``, ``std_score``,
        ``se_score`` (standard error of the mean over folds) of shape
        (``n_lambdas_``,), and ``split_scores`` (n_splits, ``n_lambdas_``); scores are
        losses (lower is better); ``scoring``, ``index_min`` and ``index_1se``
        (the two selection rules).
    best_estimator_ : PrestoClassifier
        The refitted model.
    classes_, coef_, diff_coef_, intercept_, n_iter_, n_crossings_, link_
        Those of ``best_estimator_``.
    {n_features_in_short}

    See Also
    --------
    PrestoClassifier : the model at a fixed ``lam``.
    PathDisplay : plots the cross-validation curve and the coefficient path.

    {ref_faletto_bien}

    Examples
    --------
    >>> from statlearn.datasets import make_presto_data
    >>> from statlearn.ordinal import PrestoCV
    >>> X, y = make_presto_data(n_samples=600, intercepts=(0.0, 2.0, 3.5), random_state=0)
    >>> cv = PrestoCV(n_lambdas=10, cv=3, random_state=0).fit(X, y)
    >>> bool(cv.lam_ in cv.lambdas_)
    True
    >>> sorted(cv.cv_results_)[:3]
    ['index_1se', 'index_min', 'lambdas']
    """

    _parameter_constraints = {
        **{k: v for k, v in PRESTO_CONSTRAINTS.items() if k not in ("lam", "warm_start")},
        "lambdas": [None, "array-like"],
        "n_lambdas": [Interval("integral", 1, None)],
        "lambda_min_ratio": [Interval("real", 0, 1, closed="right")],
        "cv": ["cv_object"],
        "scoring": [Options("brier", "log_loss", "rare_brier", "rare_log_loss")],
        "select": [Options("min", "1se")],
        "max_grid_extensions": [Interval("integral", 0, None)],
        "n_jobs": [None, numbers.Integral],
        "random_state": ["random_state"],
    }

    def __init__(self, lambdas=None, n_lambdas=20, lambda_min_ratio=0.01, cv=5, scoring="log_loss",
                 select="min", max_grid_extensions=3, n_jobs=None, l1_ratio=1.0, first_block_penalty=0.0,
                 penalty_factor=None, standardize=True, tol=1e-6, max_iter=5000, crossing="rearrange",
                 link="logit", classes=None, random_state=None):
        super().__init__(l1_ratio, first_block_penalty, penalty_factor, standardize, tol, max_iter, crossing,
                         link, classes)
        self.lambdas = lambdas
        self.n_lambdas = n_lambdas
        self.lambda_min_ratio = lambda_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.select = select
        self.max_grid_extensions = max_grid_extensions
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Choose ``lam`` by cross-validation and refit on all data.

        {ordinal_fit_parameters}
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (used in fitting, not in the fold scores).

        Returns
        -------
        self : PrestoCV
            The fitted estimator.
        """
        X, full, c = self._validate(X, y, sample_weight)
        codes, _ = encode_target(y, self.classes)
        w = check_sample_weight(sample_weight, X.shape[0])
        lam_max = lambda_max(full, c, self.first_block_penalty, self.l1_ratio, link=self.link)
        if self.lambdas is None:
            lambdas = lambda_grid(lam_max, self.n_lambdas, self.lambda_min_ratio)
        else:
            lambdas = check_lambdas(self.lambdas)
        splits = self._splits(X, codes)
        scores, lambdas = self._tune(X, codes, w, splits, lambdas, c, extend=self.lambdas is None)
        self._set_results(scores, lambdas, lam_max)
        self._refit(X, y, sample_weight)
        return self

    def _splits(self, X, codes):
        from sklearn.model_selection import StratifiedKFold, check_cv

        if isinstance(self.cv, numbers.Integral):
            splitter = StratifiedKFold(self.cv, shuffle=True, random_state=seed_from(self.random_state))
        else:
            splitter = check_cv(self.cv, codes, classifier=True)
        return list(splitter.split(X, codes))

    def _curve(self, X, codes, w, splits, lambdas, c, inits):
        params = {"standardize": self.standardize, "l1_ratio": self.l1_ratio, "link": self.link,
                  "first_block_penalty": self.first_block_penalty, "tol": self.tol, "max_iter": self.max_iter}
        out = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_path)(X, codes, w, tr, te, lambdas, params, c, self.scoring, init)
            for (tr, te), init in zip(splits, inits, strict=True))
        return np.array([o[0] for o in out]), [o[1] for o in out]

    def _tune(self, X, codes, w, splits, lambdas, c, extend):
        """Fold curves on the grid, extended downwards while the choice is its smallest ``lam``."""
        scores, lasts = self._curve(X, codes, w, splits, lambdas, c, [None] * len(splits))
        self.n_grid_extensions_ = 0
        while (extend and self.n_grid_extensions_ < self.max_grid_extensions and lambdas[-1] > 0
               and self._choose(scores) == lambdas.size - 1):
            more = _extension(lambdas)
            extra, lasts = self._curve(X, codes, w, splits, more, c, lasts)
            scores, lambdas = np.hstack([scores, extra]), np.concatenate([lambdas, more])
            self.n_grid_extensions_ += 1
        return scores, lambdas

    def _choose(self, scores):
        mean = scores.mean(axis=0)
        return _select(mean, scores.std(axis=0) / np.sqrt(scores.shape[0]), self.select)

    def _set_results(self, scores, lambdas, lam_max):
        mean, std = scores.mean(axis=0), scores.std(axis=0)
        se = std / np.sqrt(scores.shape[0])
        idx = _select(mean, se, self.select)
        self.lambdas_ = lambdas
        self.lam_ = float(lambdas[idx])
        self.best_index_ = idx
        self.cv_results_ = {"lambdas": lambdas, "mean_score": mean, "std_score": std, "se_score": se,
                            "split_scores": scores, "scoring": self.scoring,
                            "index_min": _select(mean, se, "min"), "index_1se": _select(mean, se, "1se")}
        # at the top, lam >= lambda_max is the fully shrunk model: a genuine choice, not an edge
        at_low = idx == lambdas.size - 1 and lambdas[-1] > 0 and lambdas.size > 1
        at_high = idx == 0 and lambdas.size > 1 and lambdas[0] < lam_max * (1 - 1e-9)
        if at_low or at_high:
            where = "smallest" if at_low else "largest"
            how = ("of the given `lambdas`" if self.lambdas is not None else
                   f"even after {self.n_grid_extensions_} extension(s) of the grid down to {lambdas[-1]:.3g}")
            warnings.warn(
                f"PrestoCV chose the {where} lam {self.lam_:.3g} {how}: the cross-validated loss may keep "
                f"decreasing beyond the grid. Extend `lambdas` (or lower `lambda_min_ratio`, raise "
                f"`max_grid_extensions`); at the smallest end the data favour little or no penalty.",
                UserWarning, stacklevel=3)

    def _refit(self, X, y, sample_weight):
        est = PrestoClassifier(lam=self.lam_, l1_ratio=self.l1_ratio,
                               first_block_penalty=self.first_block_penalty,
                               penalty_factor=self.penalty_factor, standardize=self.standardize,
                               tol=self.tol, max_iter=self.max_iter, crossing=self.crossing, link=self.link,
                               classes=self.classes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y, sample_weight=sample_weight)
        self.best_estimator_ = est
        for name in ("classes_", "coef_", "diff_coef_", "intercept_", "n_iter_", "n_crossings_",
                     "objective_", "loss_", "crossing_", "link_", "separated_"):
            setattr(self, name, getattr(est, name))
