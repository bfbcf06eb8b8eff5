"""Parameters and prediction methods shared by the cumulative-link estimators."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from statlearn._docstrings import fill_doc
from statlearn._validation import check_sample_weight, validate_data

from ._data import check_fit_inputs, check_X, codes_for, predict_eta, proba_from_eta


@fill_doc
class CumulativeLinkMixin:
    """Parameters and prediction methods shared by the cumulative-link estimators."""

    def __init__(self, link, tol, max_iter, classes):
        # the parameters every cumulative-link estimator has; each estimator's __init__ lists its
        # full signature (scikit-learn reads the parameters from it) and passes these on
        self.link = link
        self.tol = tol
        self.max_iter = max_iter
        self.classes = classes

    def _boundary_coef(self):
        return self.coef_ if self.coef_.ndim == 2 else self.coef_[:, None] * np.ones(self.intercept_.size)

    def predict_cumulative_logits(self, X):
        """Boundary predictors ``eta[:, k] = intercept_[k] + X @ coef_[:, k]``, i.e. ``F^{-1}(P(y <= k))``.

        {X_input_parameters}

        Returns
        -------
        eta : ndarray of shape (n_samples, n_classes - 1)
            Not rearranged: rows may decrease where boundaries cross.
        """
        check_is_fitted(self)
        check_X(X)
        X = validate_data(self, X, reset=False)
        return predict_eta(X, self.intercept_, self._boundary_coef())

    def predict_proba(self, X):
        """Class probabilities.

        {X_input_parameters}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; the last column is the top (rare) class.
            Crossing boundaries are sorted first (``crossing="rearrange"``) or
            raise (``crossing="raise"``).
        """
        eta = self.predict_cumulative_logits(X)
        return proba_from_eta(eta, getattr(self, "crossing_", "rearrange"), getattr(self, "link_", "logit"))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` for probabilities equal to zero).

        {X_input_parameters}

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def decision_function(self, X):
        """Scores whose arg-max is the prediction.

        {X_input_parameters}

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes) or (n_samples,)
            Log-probabilities of the classes (floored at ``log(1e-300)``); with
            two classes, the log-odds of the second class, as in scikit-learn.
            The boundary logits are :meth:`predict_cumulative_logits`.
        """
        check_is_fitted(self)
        if self.classes_.size == 2:
            return -self.predict_cumulative_logits(X)[:, 0]
        return np.log(np.maximum(self.predict_proba(X), 1e-300))

    def predict(self, X):
        """Most probable class.

        {X_input_parameters}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy of :meth:`predict` (scikit-learn's classifier score).

        Parameters
        ----------
        {X_input}
        y : array-like of shape (n_samples,)
            True labels, among ``classes_``.
        {sample_weight_nonneg}

        Returns
        -------
        {score_accuracy}
        """
        from sklearn.metrics import accuracy_score

        check_is_fitted(self)
        check_fit_inputs(X, y, sample_weight)
        codes = codes_for(y, self.classes_)
        w = None if sample_weight is None else check_sample_weight(sample_weight, codes.size)
        pred = np.argmax(self.predict_proba(X), axis=1)
        return float(accuracy_score(codes, pred, sample_weight=w))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        # scikit-learn's accuracy check uses blobs whose classes are not ordered;
        # an ordinal model cannot be expected to separate them (PO scores 0.69 there).
        tags.classifier_tags.poor_score = True
        return tags


# --------------------------------------------------------------------------- #
