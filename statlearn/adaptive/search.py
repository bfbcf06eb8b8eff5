"""Model selection on a reused holdout set, through Thresholdout."""

from __future__ import annotations

import copy
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import ParameterGrid, train_test_split
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from statlearn._docstrings import fill_doc

from .._base import check_generator, seed_from
from .._validation import Interval, check_multiclass_target, validate_data, validate_params
from .holdout import BudgetExhausted, Thresholdout
from .mechanisms import _check_query_values

__all__ = ["ReusableHoldoutSearch"]


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "best_estimator_"):
            return hasattr(self.best_estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


@fill_doc
class ReusableHoldoutSearch(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Choose among candidate classifiers by their accuracy on a reusable holdout.

    The data are split once into a training part and a holdout part. Every
    candidate of ``param_grid`` is fitted on the training part; its per-sample
    correctness on both parts is a statistical query answered by
    :class:`Thresholdout`, so the holdout accuracy reported for a candidate is
    the training accuracy unless the candidate overfits, and only then a noisy
    holdout accuracy. The candidate with the best answer wins.

    To share one holdout budget across several rounds of an adaptive analysis,
    pass the fitted ``thresholdout_`` of one search as the ``thresholdout`` of
    the next one with the same ``random_state`` (same split): its remaining
    budget, log and noise stream carry over (:func:`sklearn.base.clone`
    builds a fresh mechanism from its parameters instead).

    Parameters
    ----------
    estimator : classifier
        The base classifier.
    param_grid : dict or list of dict, default=None
        Candidate parameters, as in :class:`sklearn.model_selection.GridSearchCV`;
        ``None`` evaluates ``estimator`` as given.
    holdout_size : float, default=0.5
        Fraction of the samples held out, in (0, 1).
    thresholdout : Thresholdout or None, default=None
        The mechanism (copied in ``fit``, never changed). ``None`` uses
        ``Thresholdout(threshold=0.04, sigma=0.01)`` seeded from ``random_state``.
    per_sample_score : callable or None, default=None
        ``per_sample_score(y_true, y_pred)`` returning one value in [0, 1] per
        sample (higher is better). ``None`` is correctness (accuracy).
    refit : bool, default=True
        Refit the best candidate on all the data. With ``False``,
        ``best_estimator_`` is the candidate fitted on the training part.
    random_state : int, Generator, RandomState, SeedSequence or None, default=None
        Seed of the split (and of the default mechanism's noise).

    Attributes
    ----------
    best_estimator_ : estimator
        The selected candidate.
    best_params_ : dict
        Its parameters.
    best_score_ : float
        Its reusable-holdout answer.
    best_index_ : int
        Its index in ``cv_results_``.
    cv_results_ : dict of ndarray
        ``params``, ``train_score``, ``holdout_answer`` (NaN if not asked
        because the budget ran out) and ``touched_holdout`` per candidate.
    thresholdout_ : Thresholdout
        The mechanism after the search (its log and remaining budget).
    {classes_}
    {n_features_in_}

    See Also
    --------
    Thresholdout : The mechanism.
    sklearn.model_selection.GridSearchCV : Cross-validated search.

    {ref_dwork_science}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from statlearn.adaptive import ReusableHoldoutSearch
    >>> X, y = make_classification(n_samples=400, random_state=0)
    >>> search = ReusableHoldoutSearch(LogisticRegression(), {"C": [0.01, 1.0]}, random_state=0)
    >>> search.fit(X, y).best_params_ in ({"C": 0.01}, {"C": 1.0})
    True
    >>> search.cv_results_["holdout_answer"].shape
    (2,)
    """

    _parameter_constraints = {
        "estimator": ["estimator"],
        "param_grid": [dict, list, None],
        "holdout_size": [Interval("real", 0, 1, closed="neither")],
        "thresholdout": [Thresholdout, None],
        "per_sample_score": ["callable", None],
        "refit": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, param_grid=None, *, holdout_size=0.5, thresholdout=None,
                 per_sample_score=None, refit=True, random_state=None):
        self.estimator = estimator
        self.param_grid = param_grid
        self.holdout_size = holdout_size
        self.thresholdout = thresholdout
        self.per_sample_score = per_sample_score
        self.refit = refit
        self.random_state = random_state

    def _scores(self, y_true, y_pred, name):
        if self.per_sample_score is None:
            return (np.asarray(y_true) == np.asarray(y_pred)).astype(float)
        v = np.asarray(self.per_sample_score(y_true, y_pred), dtype=float)
        if v.shape != (len(y_true),):
            raise ValueError(f"`per_sample_score` must return one value per sample, shape ({len(y_true)},); "
                             f"got {v.shape}.")
        return _check_query_values(v, name)

    def fit(self, X, y):
        """Fit every candidate on the training part and select through Thresholdout.

        Parameters
        ----------
        {X}
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : ReusableHoldoutSearch
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner="ReusableHoldoutSearch")
        if y is None:  # scikit-learn's wording (check_requires_y_none)
            raise ValueError("ReusableHoldoutSearch requires y to be passed, but the target y is None.")
        y = _check_labels(y)
        X, y = validate_data(self, X, y)
        self.classes_ = np.unique(y)
        n = X.shape[0]
        n_hold = int(np.floor(self.holdout_size * n))
        if n < 2 or n_hold < 1 or n - n_hold < 1:
            raise ValueError(
                f"`X` must have enough samples for a training and a holdout part; got n_samples={n} "
                f"with holdout_size={self.holdout_size}."
            )
        rng = check_generator(self.random_state)
        split_seed = seed_from(rng)
        idx_train, idx_hold = train_test_split(np.arange(n), test_size=n_hold, random_state=split_seed)
        if self.thresholdout is None:
            thr = Thresholdout(threshold=0.04, sigma=0.01, random_state=seed_from(rng))
        else:
            thr = copy.deepcopy(self.thresholdout)
        grid = list(ParameterGrid(self.param_grid)) if self.param_grid is not None else [{}]
        if not grid:
            raise ValueError("`param_grid` must hold at least one candidate; got an empty grid.")
        Xt, yt, Xh, yh = X[idx_train], y[idx_train], X[idx_hold], y[idx_hold]
        train_score = np.full(len(grid), np.nan)
        answer = np.full(len(grid), np.nan)
        touched = np.zeros(len(grid), dtype=bool)
        fitted = []
        for i, params in enumerate(grid):
            est = clone(self.estimator).set_params(**params).fit(Xt, yt)
            fitted.append(est)
            st = self._scores(yt, est.predict(Xt), "per_sample_score(train)")
            sh = self._scores(yh, est.predict(Xh), "per_sample_score(holdout)")
            train_score[i] = st.mean()
            before = thr.n_overfit_
            try:
                answer[i] = thr.query(st, sh)
            except BudgetExhausted:
                warnings.warn(
                    f"The Thresholdout budget ran out after {i} of {len(grid)} candidates; the best of "
                    "those answered is selected.", UserWarning, stacklevel=2)
                break
            touched[i] = thr.n_overfit_ > before
        if np.all(np.isnan(answer)):
            raise BudgetExhausted("No candidate could be scored: the Thresholdout budget is already spent.")
        best = int(np.nanargmax(answer))
        self.cv_results_ = {"params": grid, "train_score": train_score, "holdout_answer": answer,
                            "touched_holdout": touched}
        self.best_index_ = best
        self.best_params_ = grid[best]
        self.best_score_ = float(answer[best])
        self.thresholdout_ = thr
        if self.refit:
            self.best_estimator_ = clone(self.estimator).set_params(**grid[best]).fit(X, y)
        else:
            self.best_estimator_ = fitted[best]
        return self

    def _delegate(self, method, X):
        """``method`` of the selected classifier on the validated ``X``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return getattr(self.best_estimator_, method)(X)

    def predict(self, X):
        """Predict with the selected classifier.

        {X_parameters}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self._delegate("predict", X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the selected classifier.

        {X_parameters}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._delegate("predict_proba", X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the selected classifier.

        {X_parameters}

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        return self._delegate("decision_function", X)

    def score(self, X, y, sample_weight=None):
        """Accuracy of the selected classifier on ``(X, y)``.

        Parameters
        ----------
        {X}
        {y_true_labels}
        {sample_weight}

        Returns
        -------
        score : float
        """
        from sklearn.metrics import accuracy_score

        check_is_fitted(self)
        y = _check_labels(y)
        X = validate_data(self, X, reset=False)
        if X.shape[0] != y.shape[0]:
            raise ValueError(f"`X` and `y` must have the same number of samples; got {X.shape[0]} and {y.shape[0]}.")
        return float(accuracy_score(y, self.predict(X), sample_weight=sample_weight))


def _check_labels(y):
    """Class labels: 1-D, no None / NA / NaN / inf, one kind of label (messages name `y`)."""
    check_multiclass_target(y, name="y")
    y = np.asarray(y)
    if y.dtype == object and all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in y.ravel()):
        y = y.astype(float)  # numbers in an object array are numeric labels
    try:
        check_classification_targets(y)
    except ValueError as exc:
        raise ValueError(f"`y` must hold class labels (ReusableHoldoutSearch selects a classifier): {exc}") from exc
    return y
