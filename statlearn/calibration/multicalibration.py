"""Multicalibration post-processing (Hebert-Johnson, Kim, Reingold & Rothblum 2018).

The patching loop runs in a numba kernel (``_method_kernels.hkrr_fit``); when a
cell is patched is decided by a small rule object (:class:`StandardErrorRule`,
the default, or :class:`ToleranceRule`, plain HKRR).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metadata_routing import _routing_enabled, process_routing
from sklearn.utils.validation import check_is_fitted

from statlearn._base import check_generator
from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, check_sample_weight, validate_data, validate_params

from . import _method_kernels
from ._mc_common import (
    BaseObject,
    GroupPredictMixin,
    GroupsEncoder,
    check_labels,
    check_rows,
    check_X_2d,
    fitted_base,
    inherit_input_tags,
    is_frozen,
    proba_of,
    raw_probabilities,
)

__all__ = ["MultiCalibrator", "StandardErrorRule", "ToleranceRule"]


def _csr_groups(G):
    """Members of every group as CSR arrays ``(indptr, indices)``."""
    Gt = np.ascontiguousarray(G.T)
    counts = Gt.sum(axis=1)
    indptr = np.zeros(Gt.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = np.ascontiguousarray(np.nonzero(Gt)[1], dtype=np.int64)
    return indptr, indices


# --------------------------------------------------------------------------- #
# patch rules (strategy objects)
# --------------------------------------------------------------------------- #
def _check_n_cells(n_cells):
    import numbers

    if isinstance(n_cells, bool) or not isinstance(n_cells, numbers.Integral):
        raise TypeError(f"`n_cells` must be an int >= 1; got {n_cells!r}.")
    if n_cells < 1 or n_cells > 2**62:
        raise ValueError(f"`n_cells` must be an int in [1, 2**62]; got {n_cells!r}.")


class ToleranceRule(BaseObject):
    """Plain HKRR: patch a cell when ``|mean(y - p)| > alpha``.

    Parameters
    ----------
    alpha : float, default=0.05
        Tolerance on the cell's mean residual.

    See Also
    --------
    StandardErrorRule : The default rule, which does not patch sampling noise.

    Notes
    -----
    On finite samples the sampling error of a cell of ``n`` rows is about
    ``sqrt(p (1 - p) / n)`` (0.05 to 0.11 for 20 to 100 rows), so a fixed
    ``alpha`` of that size patches noise; kept for reproducing HKRR.

    Examples
    --------
    >>> from statlearn.calibration import ToleranceRule
    >>> ToleranceRule(alpha=0.1).thresholds(n_cells=50)
    (0.1, 0.0)
    """

    _parameter_constraints = {"alpha": [Interval("real", 0, 1, closed="neither")]}

    def __init__(self, alpha=0.05):
        self.alpha = alpha

    def thresholds(self, n_cells):
        """Kernel thresholds ``(alpha, z)``: patch when ``|r| > max(alpha, z * se)``.

        Parameters
        ----------
        n_cells : int
            Number of cells checked in one pass (unused by this rule).

        Returns
        -------
        alpha : float
            The tolerance.
        z : float
            0.0 (no standard-error condition).
        """
        self._validate_params()
        _check_n_cells(n_cells)
        return float(self.alpha), 0.0


class StandardErrorRule(BaseObject):
    """Patch a cell only when its mean residual is significant: ``|r| > max(alpha, z * se)``.

    ``se`` is the standard error of the cell's weighted mean residual if the
    predictions were calibrated (``sqrt(sum w^2 p (1 - p)) / sum w``); ``z`` is
    the two-sided normal quantile of ``level`` for each cell
    (``Phi^{-1}(1 - level / 2)``, 1.96 by default), or with
    ``correction="bonferroni"`` the quantile ``Phi^{-1}(1 - level / (2 m))``
    for the ``m`` cells checked in one pass (on a perfectly calibrated model
    a pass then patches any cell with probability at most about ``level``).

    Parameters
    ----------
    level : float, default=0.05
        Error level: of one pass over the cells (``correction="bonferroni"``)
        or of each cell (``correction="none"``, ``z = Phi^{-1}(1 - level / 2)``).
    alpha : float, default=0.0
        Additional tolerance (as in HKRR): residuals below it are never patched.
    correction : {"none", "bonferroni"}, default="none"
        Multiple-testing correction over the ``m`` cells of a pass.

    See Also
    --------
    ToleranceRule : Plain HKRR.

    Notes
    -----
    The rule replaces a tuned tolerance by a test: a large cell is patched for
    a small, well-estimated residual, a 20-row cell only for a large one. The
    level is the conventional 5%. Between a per-cell test and the Bonferroni
    correction the default was chosen on tuning data that the benchmark does
    not report (NASS CDS, MEPS and the synthetic multicalibration problem;
    ``benchmarks/tune_calibration_defaults.py``): Bonferroni never made the
    held-out log loss worse but left most of the group miscalibration in place
    (worst-group ECE 0.157 -> 0.098 on NASS CDS with logistic regression,
    against 0.064 per cell).

    Examples
    --------
    >>> from statlearn.calibration import StandardErrorRule
    >>> alpha, z = StandardErrorRule().thresholds(n_cells=100)
    >>> round(z, 2)
    1.96
    >>> round(StandardErrorRule(correction="bonferroni").thresholds(n_cells=100)[1], 2)
    3.48
    """

    _parameter_constraints = {
        "level": [Interval("real", 0, 1, closed="neither")],
        "alpha": [Interval("real", 0, 1, closed="left")],
        "correction": [Options("bonferroni", "none")],
    }

    def __init__(self, level=0.05, alpha=0.0, correction="none"):
        self.level = level
        self.alpha = alpha
        self.correction = correction

    def thresholds(self, n_cells):
        """Kernel thresholds ``(alpha, z)`` for ``n_cells`` cells per pass.

        Parameters
        ----------
        n_cells : int
            Number of cells checked in one pass (groups x buckets x classes).

        Returns
        -------
        alpha : float
            The extra tolerance.
        z : float
            Bonferroni normal quantile.
        """
        from scipy.stats import norm

        self._validate_params()
        _check_n_cells(n_cells)
        m = max(int(n_cells), 1) if self.correction == "bonferroni" else 1
        return float(self.alpha), float(norm.isf(self.level / (2.0 * m)))


_RULES = {"standard_error": StandardErrorRule, "tolerance": ToleranceRule}


class _RuleType(type):
    def __instancecheck__(cls, obj):
        return hasattr(obj, "thresholds") and hasattr(obj, "get_params")


class _PatchRule(metaclass=_RuleType):
    """Anything with ``thresholds(n_cells) -> (alpha, z)`` and ``get_params``."""


# --------------------------------------------------------------------------- #
@fill_doc
class MultiCalibrator(GroupPredictMixin, ClassifierMixin, BaseEstimator):
    """Multicalibrate a classifier over given, possibly intersecting, groups (HKRR with a significance rule).

    The iterative patching algorithm of Hebert-Johnson et al. (2018): the
    predictions are cut into ``n_bins`` equal-width buckets; for every group
    ``S`` and bucket ``v`` whose cell ``S_v`` holds at least ``min_cell_size``
    weight (and, as in HKRR, at least ``alpha / n_bins`` of the group's weight
    for the rule's tolerance ``alpha``), if the mean residual ``r = mean(y - p | S_v)`` passes the
    ``patch_rule``, every prediction in the cell is shifted by
    ``learning_rate * r`` (clipped to ``[eps, 1 - eps]``). Passes over the groups
    repeat until one makes no update (or ``max_iter`` passes). Prediction
    replays the recorded updates in order, so rows that belong to no group
    are never changed.

    The default rule patches a cell only when ``r`` is significant against the
    cell's own standard error (:class:`StandardErrorRule`), which stops the
    algorithm from fitting sampling noise in small cells; plain HKRR is
    ``patch_rule="tolerance"`` (:class:`ToleranceRule`).

    Parameters
    ----------
    estimator : classifier or None, default=None
        The base model. ``None``: ``X`` holds predicted probabilities (one
        column per class, or one positive-class column for a binary problem).
        A ``FrozenEstimator`` wraps a prefit model (recommended: calibrate on
        rows the model did not see); any other classifier is cloned and fitted
        on ``(X, y)`` first (with ``sample_weight``, which is never dropped
        silently: a ``Pipeline`` receives it through metadata routing).
    patch_rule : {"standard_error", "tolerance"} or rule object, default="standard_error"
        When a cell is patched: a name (the rule with its defaults) or an
        object such as ``StandardErrorRule(level=0.01)`` or
        ``ToleranceRule(alpha=0.1)``.
    n_bins : int, default=10
        Number of equal-width buckets (``1 / lambda``).
    max_iter : int, default=100
        Maximal number of passes over the groups.
    min_cell_size : float, default=20
        Cells with less total sample weight (rows, with unit weights) are not
        checked.
    eps : float, default=0.01
        Patched predictions are projected onto ``[eps, 1 - eps]`` (HKRR:
        ``eps=0``); keeps the log loss finite.
    learning_rate : float, default=1.0
        Fraction of the residual applied per patch (HKRR: 1).
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Seeds the (random) order in which groups are visited in each pass.

    Attributes
    ----------
    {classes_}
    {estimator_}
    rule_ : rule object
        The patch rule used.
    z_ : float
        The standard-error multiplier used (0 for the tolerance rule).
    n_groups_ : int
        Number of groups seen in ``fit`` (1 when ``groups=None``).
    group_names_ : list of str
        Group names (DataFrame columns, or ``group_0``, ...).
    n_iter_ : int
        Number of passes run.
    updates_ : ndarray of shape (n_updates, 4)
        Recorded updates in order: class column, group index, bucket index,
        shift. Binary problems patch the positive class (column 1) only.
    converged_ : bool
        Whether the last pass made no update.
    {n_features_in_}

    See Also
    --------
    statlearn.calibration.multicalibration_error : The measure this repairs.
    BoostingMultiCalibrator : Multicalibration without a fixed list of cells.

    Notes
    -----
    Multiclass problems are patched class by class: the cells of class ``k``
    are the buckets of ``p_k`` within each group; a patch moves ``p_k`` by the
    cell's residual and rescales the other classes of those rows in
    proportion, so every row keeps summing to 1 (for a binary problem this is
    HKRR on the positive class). The HKRR noisy
    statistical-query oracle is replaced by exact cell means (as in the
    ``multicalibration`` package's ``use_oracle=False``).

    ``groups`` and ``sample_weight`` are requested through scikit-learn
    metadata routing (``groups`` by default, for ``fit``, ``predict_proba``,
    ``predict`` and ``score``), so with routing enabled
    ``cross_validate(mc, X, y, params={"groups": G})`` fits and scores each
    fold on its own rows of ``G``. A DataFrame of groups is matched by column
    name at prediction time.

    References
    ----------
    U. Hebert-Johnson, M. P. Kim, O. Reingold, G. N. Rothblum (2018).
    Multicalibration: calibration for the (computationally-identifiable)
    masses. ICML.

    T. Davis, P. Robberechts (2024). Biases in expected goals models
    confound finishing ability. arXiv:2401.09940.

    Examples
    --------
    >>> from statlearn.calibration import MultiCalibrator, multicalibration_error
    >>> rng = np.random.default_rng(0)
    >>> g = rng.uniform(size=(4000, 2)) < 0.5
    >>> p = rng.uniform(0.1, 0.9, size=4000)
    >>> y = rng.uniform(size=4000) < np.clip(p + 0.15 * g[:, 0] - 0.15 * g[:, 1], 0, 1)
    >>> mc = MultiCalibrator(random_state=0).fit(p[:, None], y, groups=g)
    >>> before = multicalibration_error(y, p, g).worst_group_ece
    >>> after = multicalibration_error(y, mc.predict_proba(p[:, None], groups=g)[:, 1], g).worst_group_ece
    >>> bool(after < before / 2)
    True
    """

    _parameter_constraints = {
        "estimator": [None, "estimator"],
        "patch_rule": [Options(*_RULES), _PatchRule],
        "n_bins": [Interval("integral", 1, None, closed="left")],
        "max_iter": [Interval("integral", 1, None, closed="left")],
        "min_cell_size": [Interval("real", 0, None, closed="left")],
        "eps": [Interval("real", 0, 0.5, closed="left")],
        "learning_rate": [Interval("real", 0, 1, closed="right")],
        "random_state": ["random_state"],
    }

    __metadata_request__fit = {"groups": True}
    __metadata_request__predict_proba = {"groups": True}
    __metadata_request__predict = {"groups": True}
    __metadata_request__score = {"groups": True}

    def __init__(self, estimator=None, *, patch_rule="standard_error", n_bins=10, max_iter=100, min_cell_size=20,
                 eps=0.01, learning_rate=1.0, random_state=None):
        super().__init__(estimator, max_iter, learning_rate, random_state)
        self.patch_rule = patch_rule
        self.n_bins = n_bins
        self.min_cell_size = min_cell_size
        self.eps = eps

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        return inherit_input_tags(tags, self.estimator)

    # ------------------------------------------------------------------ #
    def _rule(self):
        rule = self.patch_rule
        if isinstance(rule, str):
            return _RULES[rule]()
        from sklearn.base import clone

        return clone(rule, safe=False) if hasattr(rule, "get_params") else rule

    def _base_proba(self, X, *, reset):
        """(n, K) base probabilities."""
        if self.estimator_ is None:  # fitted state (set before this is called in fit)
            X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_2d=True)
            return raw_probabilities(X, self.classes_.size)
        X = check_X_2d(X)
        validate_data(self, X, reset=reset, skip_check_array=True)
        return proba_of(self.estimator_, X, self.classes_)

    def _groups(self, groups, n_samples):
        if groups is None:
            if not self._default_groups_:
                raise ValueError(
                    f"`groups` is required: this MultiCalibrator was fitted with {self.n_groups_} "
                    "group column(s); pass the same columns."
                )
            return np.ones((n_samples, 1), dtype=bool)
        if self._default_groups_:
            raise ValueError("This MultiCalibrator was fitted without `groups`; pass `groups=None`.")
        return self.groups_encoder_.transform(groups, n_samples)

    def _columns(self):
        """Probability columns that are patched: the positive class (binary) or every class."""
        return [1] if self.classes_.size == 2 else list(range(self.classes_.size))

    def fit(self, X, y, groups=None, sample_weight=None, **fit_params):
        """Fit the base model if needed, then multicalibrate on ``(X, y)``.

        Parameters
        ----------
        {X_or_proba_fit}
        {y_labels}
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership (groups may intersect; a group with no member
            is skipped). ``None``: one group holding every sample.
        {sample_weight_fit}
        {fit_params_routed}

        Returns
        -------
        self : MultiCalibrator
            The fitted multicalibrator.
        """
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner="MultiCalibrator")
        rule = self._rule()
        y = check_labels(y, "MultiCalibrator")
        if self.estimator is not None:
            check_rows(X, y.shape[0], "MultiCalibrator")
        classes, codes = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(
                f"MultiCalibrator needs at least 2 classes in `y`; got 1 class: {classes.tolist()}."
            )
        self.classes_ = classes
        if fit_params and not _routing_enabled():
            raise ValueError(
                f"MultiCalibrator.fit got {sorted(fit_params)}: extra fit parameters are passed to the base estimator "
                "through metadata routing; enable it with sklearn.set_config(enable_metadata_routing=True)."
            )
        if self.estimator is None:
            self.estimator_ = None
        else:
            X = check_X_2d(X)
            routed = {}
            if _routing_enabled() and not is_frozen(self.estimator):
                routed = process_routing(self, "fit", sample_weight=sample_weight, groups=groups,
                                         **fit_params).estimator.fit
            self.estimator_ = fitted_base(self.estimator, X, y, sample_weight, routed, "MultiCalibrator")
        P = self._base_proba(X, reset=True)
        n = P.shape[0]
        if codes.shape[0] != n:
            raise ValueError(f"Inconsistent numbers of samples: `X` has {n}, `y` has {codes.shape[0]}.")
        w = check_sample_weight(sample_weight, n)
        self._default_groups_ = groups is None
        if groups is None:
            G, names = np.ones((n, 1), dtype=bool), ["all"]
            self.groups_encoder_ = None
        else:
            self.groups_encoder_ = GroupsEncoder()
            G = self.groups_encoder_.fit_transform(groups, n)
            names = list(self.groups_encoder_.names_)
        self.n_groups_ = G.shape[1]
        self.group_names_ = names
        cols = np.asarray(self._columns(), dtype=np.int64)
        n_cells = int(G.any(axis=0).sum()) * int(self.n_bins) * len(cols)
        alpha, z = rule.thresholds(n_cells)
        self.rule_, self.z_ = rule, z
        self.n_bins_, self.eps_ = int(self.n_bins), float(self.eps)
        rng = check_generator(self.random_state)
        orders = np.empty((self.max_iter, self.n_groups_), dtype=np.int64)
        for it in range(self.max_iter):
            orders[it] = rng.permutation(self.n_groups_)
        indptr, indices = _csr_groups(G)
        lo, hi = self.eps_, 1.0 - self.eps_
        args = (codes.astype(np.int64), w, indptr, indices, cols, self.n_bins_, alpha, z, alpha / self.n_bins_,
                float(self.min_cell_size))
        Pw = np.ascontiguousarray(P, dtype=np.float64).copy()
        n_iter, updates = _method_kernels.hkrr_fit(Pw, *args, int(self.max_iter), orders, lo, hi,
                                                   float(self.learning_rate))
        if n_iter < self.max_iter:
            clean = True
        else:  # one more pass in a fixed order: does it still patch?
            _, extra = _method_kernels.hkrr_fit(Pw.copy(), *args, 1, np.arange(self.n_groups_, dtype=np.int64)[None, :],
                                                lo, hi, float(self.learning_rate))
            clean = extra.shape[0] == 0
        self.updates_ = updates
        self.n_iter_ = int(n_iter)
        self.converged_ = bool(clean)
        return self

    def _predict_proba(self, X, groups):
        check_is_fitted(self, "updates_")
        P = self._base_proba(X, reset=False)
        G = self._groups(groups, P.shape[0])
        indptr, indices = _csr_groups(G)
        Q = np.ascontiguousarray(P, dtype=np.float64).copy()
        _method_kernels.hkrr_apply(Q, indptr, indices, self.updates_, self.n_bins_, self.eps_, 1.0 - self.eps_)
        return Q
