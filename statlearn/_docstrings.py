"""Shared numpydoc blocks, filled into docstrings when a function or class is defined.

A docstring line that holds only ``{name}`` (any indentation) is replaced by the block
``DOCS[name]``, indented to match (a block may hold such lines too); every other line,
braces included, is left as it is.
Decorate a function, or a class (its docstring and those of the methods it defines)::

    @fill_doc
    def expected_calibration_error(y_true, y_prob, *, sample_weight=None):
        \"\"\"Binned ECE.

        Parameters
        ----------
        {y_true}
        {y_prob}
        {sample_weight}
        \"\"\"

The rendered ``__doc__`` is plain numpydoc, so ``help()``, Sphinx, numpydoc's validator
and ``--doctest-modules`` see the full text. Put ``@fill_doc`` directly above ``def``
(below decorators that wrap, so that they copy the filled docstring).
"""

from __future__ import annotations

import re

__all__ = ["DOCS", "fill_doc"]

DOCS = {
    # ---- parameters, attributes and returns (the name of the entry leads the key) ----
    "active_arms_": (
        "active_arms_ : ndarray\n"
        "    Surviving arms."
    ),
    "alpha": (
        "alpha : float, default=1.0\n"
        "    Ridge penalty (> 0)."
    ),
    "arms_spec": (
        "arms : int or list of labels\n"
        "    Number of arms K >= 1, or their names."
    ),
    "ax": (
        "ax : matplotlib Axes, default=None\n"
        "    Where to draw; a new figure by default."
    ),
    "ax_axes": (
        "ax : matplotlib Axes, default=None\n"
        "    Axes to draw on."
    ),
    "ax_axes_or_new": (
        "ax : matplotlib Axes, default=None\n"
        "    Axes to draw on; a new figure when None."
    ),
    "ax_or_none": (
        "ax : matplotlib Axes or None, default=None\n"
        "    Where to draw (a new figure when ``None``)."
    ),
    "calibrators_": (
        "calibrators_ : list of calibration maps\n"
        "    One fitted map per (model, fold) pair."
    ),
    "classes_": (
        "classes_ : ndarray of shape (n_classes,)\n"
        "    Class labels."
    ),
    "context_blocked": (
        "context : None\n"
        "    Blocked policies are not contextual."
    ),
    "context_unused": (
        "context : None\n"
        "    Only contextual policies take a context."
    ),
    "contexts_unused": (
        "contexts : None\n"
        "    Only contextual policies take contexts."
    ),
    "counts_": (
        "counts_ : ndarray of shape (n_arms,)\n"
        "    Number of losses seen per arm."
    ),
    "display": (  # a whole Returns section
        "Returns\n"
        "-------\n"
        "display : RegretDisplay\n"
        "    The plotted display."
    ),
    "estimator_": (
        "estimator_ : classifier or None\n"
        "    The fitted base model (``None`` when ``estimator=None``)."
    ),
    "estimators_": (
        "estimators_ : list of classifiers or [None]\n"
        "    The fitted (or frozen) base models; ``[None]`` when ``estimator=None``."
    ),
    "exploration": (
        "exploration : float, default=1.0\n"
        "    Multiplier of the confidence radius."
    ),
    "figure_": (
        "figure_ : matplotlib Figure\n"
        "    Their figure."
    ),
    "fit_params_routed": (
        "**fit_params : dict\n"
        "    Parameters routed to the base estimator's ``fit`` (metadata\n"
        "    routing must be enabled)."
    ),
    "groups": (
        "groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None\n"
        "    Group membership, as in :meth:`predict_proba`."
    ),
    "labels": (
        "labels : array-like of shape (n_classes,), default=None\n"
        "    Multiclass input: the class of each column of ``y_prob``. Without it,\n"
        "    the sorted distinct labels of ``y_true`` must number exactly\n"
        "    ``n_classes`` (scikit-learn's rule; a missing class is never guessed)."
    ),
    "lambda_min_ratio": (
        "lambda_min_ratio : float, default=0.01\n"
        "    Smallest over largest lambda when ``lambdas`` is None."
    ),
    "link_": (
        "link_ : str\n"
        "    The fitted link."
    ),
    "loss": (
        "loss : float\n"
        "    Its observed loss."
    ),
    "loss_": (
        "loss_ : float\n"
        "    Weighted mean negative log-likelihood on the training data."
    ),
    "max_legend": (
        "max_legend : int, default=8\n"
        "    Features named in the legend (the largest departures)."
    ),
    "mean_losses_active": (
        "mean_losses_ : ndarray of shape (n_arms,)\n"
        "    Their mean."
    ),
    "metric": (
        "metric : {\"policy_regret\", \"pseudo_regret\"}, default=\"policy_regret\"\n"
        "    Which regret to draw."
    ),
    "n_arms_": (
        "n_arms_ : int\n"
        "    Number of arms."
    ),
    "n_bins_10": (
        "n_bins : int, default=10\n"
        "    Number of bins."
    ),
    "n_bins_15": (
        "n_bins : int, default=15\n"
        "    Number of bins."
    ),
    "n_features": (
        "n_features : int or None, default=None\n"
        "    Context dimension; ``None`` takes it from the first context."
    ),
    "n_features_in_": (
        "n_features_in_ : int\n"
        "    Number of features seen in ``fit``."
    ),
    "n_features_in_short": (
        "n_features_in_ : int\n"
        "    Number of features."
    ),
    "n_iter_": (
        "n_iter_ : int\n"
        "    Solver iterations."
    ),
    "n_lambdas": (
        "n_lambdas : int, default=20\n"
        "    Grid length when ``lambdas`` is None."
    ),
    "name_title": (
        "name : str or None, default=None\n"
        "    Title."
    ),
    "norm": (
        "norm : {\"l1\", \"l2\", \"max\"}, default=\"l1\"\n"
        "    Norm of the per-bin gaps."
    ),
    "path_bunch": (
        "path : Bunch\n"
        "    As returned by :func:`presto_path`."
    ),
    "path_display": (  # a whole Returns section
        "Returns\n"
        "-------\n"
        "display : PathDisplay\n"
        "    The drawn display."
    ),
    "pos_label": (
        "pos_label : int, float, bool or str, default=None\n"
        "    The positive class of binary input. Required unless the labels are in\n"
        "    {0, 1}, {-1, 1} or {False, True} (then it is ``1`` / ``True``); with one\n"
        "    observed label, any other ``pos_label`` means every sample is negative."
    ),
    "pos_label_inference": (
        "pos_label : int, float, bool or str, default=None\n"
        "    The positive class; required unless the labels are in {0, 1},\n"
        "    {-1, 1} or {False, True}."
    ),
    "pos_label_smooth": (
        "pos_label : int, float, bool or str, default=None\n"
        "    The positive class. Required unless the labels are in {0, 1},\n"
        "    {-1, 1} or {False, True} (then it is ``1`` / ``True``)."
    ),
    "proba": (
        "proba : ndarray of shape (n_samples, n_classes)\n"
        "    Probabilities in the order of ``classes_``."
    ),
    "random_state_bootstrap": (
        "random_state : int, Generator, RandomState or None, default=None\n"
        "    Seed of the bootstrap."
    ),
    "random_state_noise": (
        "random_state : int, Generator, RandomState, SeedSequence or None, default=None\n"
        "    Seed of the noise; :meth:`reset` restarts it."
    ),
    "random_state_policy": (
        "random_state : None, int, Generator, RandomState or SeedSequence, default=None\n"
        "    Seed of the sampling stream."
    ),
    "random_state_seed_legacy": (
        "random_state : int, RandomState instance or None, default=None\n"
        "    Seed."
    ),
    "random_state_unused": (
        "random_state : None, int, Generator, RandomState or SeedSequence, default=None\n"
        "    Unused (the policy is deterministic)."
    ),
    "recalibrator_params": (  # estimator, cv, ensemble of every recalibrator
        "estimator : classifier or None, default=None\n"
        "    The base model. ``None``: ``X`` holds predicted probabilities (one\n"
        "    column per class, or one positive-class column for a binary problem).\n"
        "    ``FrozenEstimator(model)``: a prefit model, calibrated on all rows\n"
        "    given to ``fit`` (use rows the model did not see). Any other\n"
        "    classifier is cross-fitted: cloned and fitted on each training fold of\n"
        "    ``cv``, the map fitted on its test fold.\n"
        "cv : int, cross-validation generator or iterable, default=None\n"
        "    Folds of the cross-fitting (``None``: 5-fold stratified). Ignored when\n"
        "    ``estimator`` is ``None`` or frozen.\n"
        "ensemble : bool, default=True\n"
        "    With cross-fitting: ``True`` keeps one (model, map) pair per fold and\n"
        "    averages their probabilities (scikit-learn's default); ``False`` fits\n"
        "    one map on the out-of-fold probabilities and refits the model on all\n"
        "    rows."
    ),
    "sample_weight": (
        "sample_weight : array-like of shape (n_samples,), default=None\n"
        "    Sample weights."
    ),
    "sample_weight_fit": (
        "sample_weight : array-like of shape (n_samples,), default=None\n"
        "    Sample weights (also given to the base model's ``fit``)."
    ),
    "sample_weight_nonneg": (
        "sample_weight : array-like of shape (n_samples,), default=None\n"
        "    Non-negative weights."
    ),
    "score_accuracy": (
        "score : float\n"
        "    Weighted fraction of correct predictions."
    ),
    "self_reset_environment": (  # a whole Returns section
        "Returns\n"
        "-------\n"
        "self : object\n"
        "    The reset environment."
    ),
    "self_reset_policy": (  # a whole Returns section
        "Returns\n"
        "-------\n"
        "self : object\n"
        "    The reset policy."
    ),
    "self_updated_policy": (  # a whole Returns section
        "Returns\n"
        "-------\n"
        "self : object\n"
        "    The updated policy."
    ),
    "show_counts": (
        "show_counts : bool, default=True\n"
        "    Draw the bin weights as bars on a secondary axis."
    ),
    "strategy": (
        "strategy : {\"uniform\", \"quantile\"}, default=\"uniform\"\n"
        "    Equal-width or equal-mass bins."
    ),
    "t_": (
        "t_ : int\n"
        "    Rounds played since the last reset."
    ),
    "X": (
        "X : array-like of shape (n_samples, n_features)\n"
        "    Features."
    ),
    "X_input": (
        "X : array-like of shape (n_samples, n_features)\n"
        "    Input data."
    ),
    "X_or_proba": (
        "X : array-like of shape (n_samples, n_features)\n"
        "    Features, or probabilities when ``estimator=None``."
    ),
    "X_or_proba_fit": (
        "X : array-like of shape (n_samples, n_features)\n"
        "    Features, or predicted probabilities when ``estimator=None``."
    ),
    "X_train": (
        "X : array-like of shape (n_samples, n_features)\n"
        "    Training data."
    ),
    "stream_update_sections": (
        "Parameters\n"
        "----------\n"
        "X : array-like of shape (n_samples, n_features)\n"
        "    New inputs, oldest first.\n"
        "y : array-like of shape (n_samples,)\n"
        "    Their targets, in the same order.\n"
        "\n"
        "Returns\n"
        "-------\n"
        "self : estimator\n"
        "    The estimator, updated in place."
    ),
    "y_labels": (
        "y : array-like of shape (n_samples,)\n"
        "    Labels."
    ),
    "y_ordered": (
        "y : array-like of shape (n_samples,)\n"
        "    Ordered labels."
    ),
    "y_pred": (
        "y_pred : ndarray of shape (n_samples,)\n"
        "    Predicted labels."
    ),
    "y_prob": (
        "y_prob : array-like of shape (n_samples,)\n"
        "    Predicted probabilities of the positive class."
    ),
    "y_true": (
        "y_true : array-like of shape (n_samples,)\n"
        "    Binary labels."
    ),
    "y_true_labels": (
        "y : array-like of shape (n_samples,)\n"
        "    True labels."
    ),
    "mechanism_attributes": (
        "Attributes\n"
        "----------\n"
        "answers_ : ndarray of shape (n_queries,)\n"
        "    The answers given so far (the query log).\n"
        "empirical_means_ : ndarray of shape (n_queries,)\n"
        "    The exact empirical means behind them.\n"
        "n_queries_ : int\n"
        "    Number of answered queries."
    ),
    "binned_inputs": (
        "y_true : array-like of shape (n_samples,)\n"
        "    Binary labels.\n"
        "y_prob : array-like of shape (n_samples,)\n"
        "    Predicted probabilities of the positive class.\n"
        "n_bins : int, default=10\n"
        "    Number of bins.\n"
        "strategy : {\"uniform\", \"quantile\"}, default=\"uniform\"\n"
        "    Equal-width or equal-mass bins."
    ),
    "arm_stats_": (
        "n_arms_ : int\n"
        "    Number of arms.\n"
        "counts_ : ndarray of shape (n_arms,)\n"
        "    Number of losses seen per arm.\n"
        "mean_losses_ : ndarray of shape (n_arms,)\n"
        "    Mean observed loss per arm."
    ),
    "arm_parameters": (
        "Parameters\n"
        "----------\n"
        "arm : int\n"
        "    Arm in ``[0, n_arms)``."
    ),
    "batch_parameters": (
        "Parameters\n"
        "----------\n"
        "arms : array-like of shape (n_samples,)\n"
        "    Arms that were played (indices or names).\n"
        "losses : array-like of shape (n_samples,)\n"
        "    Their observed losses."
    ),
    "ordinal_fit_parameters": (
        "Parameters\n"
        "----------\n"
        "X : array-like of shape (n_samples, n_features)\n"
        "    Training data.\n"
        "y : array-like of shape (n_samples,)\n"
        "    Ordered labels; at least two classes."
    ),
    "quantile_fit_parameters": (  # fit(X, y, sample_weight) of the quantile estimators
        "Parameters\n"
        "----------\n"
        "X : array-like of shape (n_samples, n_features)\n"
        "    Training inputs.\n"
        "y : array-like of shape (n_samples,)\n"
        "    Training targets."
    ),
    "quantile_predict_parameters": (  # predict*(X) of the quantile estimators
        "Parameters\n"
        "----------\n"
        "X : array-like of shape (n_samples, n_features)\n"
        "    Inputs."
    ),
    "quantile_score_parameters": (  # score(X, y, sample_weight) and the quantile scorers
        "X : array-like of shape (n_samples, n_features)\n"
        "    Inputs.\n"
        "y : array-like of shape (n_samples,)\n"
        "    Targets.\n"
        "sample_weight : array-like of shape (n_samples,), default=None\n"
        "    Row weights."
    ),
    "quantile_scorer_parameters": (
        "Parameters\n"
        "----------\n"
        "estimator : fitted estimator\n"
        "    Has ``predict_quantiles`` and ``quantiles_``, or is a ``Pipeline``\n"
        "    whose final step has them.\n"
        "{quantile_score_parameters}"
    ),
    "sample_weight_rows": (
        "sample_weight : array-like of shape (n_samples,), default=None\n"
        "    Row weights."
    ),
    "y_quantiles_parameters": (  # functions of the quantile matrix alone
        "Parameters\n"
        "----------\n"
        "y_quantiles : array-like of shape (n_samples, n_quantiles)\n"
        "    Predicted quantiles in increasing level order."
    ),
    "X_parameters": (  # a method of X alone
        "Parameters\n"
        "----------\n"
        "{X}"
    ),
    "groups_membership": (
        "groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None\n"
        "    Group membership."
    ),
    "groupwise_predict_parameters": (
        "Parameters\n"
        "----------\n"
        "{X}\n"
        "{groups_membership}"
    ),
    "online_fit_parameters": (
        "Parameters\n"
        "----------\n"
        "{X}\n"
        "y : array-like of shape (n_samples,)\n"
        "    Targets."
    ),
    "y_true_targets": (
        "y : array-like of shape (n_samples,)\n"
        "    True targets."
    ),
    "groupwise_always_on_aggregation": (
        "always_on : bool, default=True\n"
        "    Add an expert that is awake on every row (the paper's ``always_on``\n"
        "    group). With ``False``, every row must belong to at least one group.\n"
        "aggregation : {\"mean\", \"sample\"}, default=\"mean\"\n"
        "    ``\"mean\"``: the weighted mean of the awake experts' forecasts (never\n"
        "    worse than the expected loss for a convex loss). ``\"sample\"``: one\n"
        "    awake expert drawn with the weights (the paper's randomised learner)."
    ),
    "groupwise_method_params": (
        "method : {\"adanormalhedge\", \"hedge\"}, default=\"adanormalhedge\"\n"
        "    Sleeping-experts rule; see :class:`SleepingExperts`.\n"
        "learning_rate : float, default=1.0\n"
        "    Scale of the hedge learning rate (unused by AdaNormalHedge).\n"
        "random_state : None, int, Generator, RandomState or SeedSequence, default=None\n"
        "    Seed of the draws of ``aggregation=\"sample\"``."
    ),
    "groupwise_stream_attributes": (
        "n_groups_ : int\n"
        "    Number of group columns.\n"
        "n_samples_seen_ : int\n"
        "    Rows learned since the last reset.\n"
        "n_features_in_ : int\n"
        "    Number of features.\n"
        "feature_names_in_ : ndarray of shape (`n_features_in_`,)\n"
        "    Column names, when ``X`` was a DataFrame with string column names."
    ),
    "X_input_parameters": (
        "Parameters\n"
        "----------\n"
        "{X_input}"
    ),
    "X_or_proba_parameters": (
        "Parameters\n"
        "----------\n"
        "{X_or_proba}"
    ),
    "recalibrator_parameters": (
        "Parameters\n"
        "----------\n"
        "{recalibrator_params}"
    ),
    "context_unused_parameters": (
        "Parameters\n"
        "----------\n"
        "{context_unused}"
    ),
    "context_blocked_parameters": (
        "Parameters\n"
        "----------\n"
        "{context_blocked}"
    ),
    # ---- conformal quantile regression (ConformalQuantileRegressor and its weighted twin) ----
    "X_target_rows": (
        "X : array-like of shape (n_samples, n_features)\n"
        "    Inputs (rows of the target distribution)."
    ),
    "cqr_estimator": (
        "estimator : estimator, default=None\n"
        "    A multi-level quantile model, or a single-level quantile model (then\n"
        "    wrapped in :class:`MultiQuantileRegressor` with ``quantiles``), or a\n"
        "    quantile-forest model. ``None`` uses gradient boosting per level."
    ),
    "cqr_quantiles": (
        "quantiles : array-like of shape (n_quantiles,), default=(0.1, 0.5, 0.9)\n"
        "    Levels, strictly increasing in (0, 1). Level ``k`` is paired with level\n"
        "    ``K-1-k``; with symmetric levels the pairs are central intervals."
    ),
    "cqr_conformity_score": (
        "conformity_score : {\"cqr\", \"cqr-asymmetric\", \"per-level\"} or BaseConformityScore, default=\"cqr\"\n"
        "    ``\"cqr\"`` (:class:`~statlearn.quantile.conformity_scores.CQRScore`):\n"
        "    the symmetric score ``max(lo - y, y - hi)`` per pair (Romano et al.);\n"
        "    ``\"cqr-asymmetric\"`` (``AsymmetricCQRScore``): lower and upper bounds\n"
        "    calibrated separately (miss rates ``quantiles[k]`` and\n"
        "    ``1 - quantiles[K-1-k]``); ``\"per-level\"`` (``PerLevelScore``): every\n"
        "    level shifted by the conformal quantile of its own residuals (one-sided\n"
        "    validity per level). The middle level of an odd ``K`` is only shifted by\n"
        "    ``\"per-level\"``; a single level needs ``\"per-level\"`` (the CQR scores\n"
        "    raise: one level has no pair). An instance of a\n"
        "    :class:`~statlearn.quantile.conformity_scores.BaseConformityScore`\n"
        "    subclass is used as given."
    ),
    "conformal_quantiles_after": (
        "quantiles : array-like of shape (n_levels,), default=None\n"
        "    Levels to return instead of ``quantiles_``: strictly increasing,\n"
        "    inside ``[quantiles_[0], quantiles_[-1]]``. A fitted level is\n"
        "    returned as calibrated; a level between two fitted ones is the\n"
        "    linear interpolation (in the level) of their calibrated, sorted\n"
        "    values, so rows stay non-decreasing. Guarantee: an interpolated\n"
        "    interval ``[q(lo), q(hi)]`` contains every calibrated pair\n"
        "    ``[q(quantiles_[k]), q(quantiles_[K-1-k])]`` with\n"
        "    ``lo <= quantiles_[k]`` and ``quantiles_[K-1-k] <= hi``, so it covers\n"
        "    at least the largest such pair's nominal coverage (with\n"
        "    ``conformity_score=\"per-level\"``, ``P(y <= q(t)) >= `` the largest\n"
        "    fitted level ``<= t``). Between fitted levels there is no\n"
        "    finite-sample guarantee at the interpolated level itself."
    ),
    "conformal_interval_levels": (
        "confidence_level : float, default=None\n"
        "    Nominal coverage of a fitted pair: must equal\n"
        "    ``quantiles_[K-1-k] - quantiles_[k]`` for some pair ``k``. ``None``\n"
        "    means 0.8 unless ``lower`` and ``upper`` are given.\n"
        "lower, upper : float, default=None\n"
        "    Levels of the two bounds, for an asymmetric interval (e.g.\n"
        "    ``lower=0.05, upper=0.85``); given together, instead of\n"
        "    ``confidence_level``. Levels between the fitted ones are interpolated\n"
        "    as in :meth:`predict_quantiles` (the guarantee stated there holds)."
    ),
    "regret_display_style": (  # GroupRegretDisplay.from_curves and .plot
        "ncols : int, default=4\n"
        "    Panels per row when creating them.\n"
        "band : {\"sd\", \"minmax\"}, default=\"sd\"\n"
        "    Band over repeats: mean +/- one standard deviation, or the range.\n"
        "color : str, default=None\n"
        "    Line colour."
    ),
    "awake_parameters": (  # the SleepingExperts methods of the awake set
        "Parameters\n"
        "----------\n"
        "awake : array-like of bool of shape (n_experts,), default=None\n"
        "    Awake experts; ``None`` means all."
    ),
    "groups_encoder_parameters": (  # GroupsEncoder.fit / fit_transform
        "Parameters\n"
        "----------\n"
        "groups : array-like of bool, DataFrame or Series\n"
        "    As accepted by :func:`check_groups`.\n"
        "n_samples : int, default=None\n"
        "    Expected number of rows."
    ),
    # ---- whole References sections, for papers cited by several docstrings ----
    "ref_fakoor": (
        "References\n"
        "----------\n"
        ".. [1] R. Fakoor, T. Kim, J. Mueller, A. J. Smola, R. J. Tibshirani,\n"
        "   \"Flexible Model Aggregation for Quantile Regression\", JMLR 24(162), 2023."
    ),
    "ref_acharya_groupwise": (
        "References\n"
        "----------\n"
        ".. [1] K. Acharya, E. Arunachaleswaran, S. Kannan, A. Roth, J. Ziani.\n"
        "   \"Oracle Efficient Algorithms for Groupwise Regret\". ICLR 2024,\n"
        "   arXiv:2310.04652."
    ),
    "ref_demange_chryst": (
        "References\n"
        "----------\n"
        ".. [1] J. Demange-Chryst, F. Bachoc and J. Morio, \"Efficient estimation of\n"
        "   multiple expectations with the same sample by adaptive importance\n"
        "   sampling and control variates\", arXiv:2212.00568."
    ),
    "ref_dwork_science": (
        "References\n"
        "----------\n"
        ".. [1] C. Dwork, V. Feldman, M. Hardt, T. Pitassi, O. Reingold and A. Roth,\n"
        "   \"The reusable holdout: preserving validity in adaptive data analysis\",\n"
        "   Science 349(6248), 2015."
    ),
    "ref_dwork_stoc": (
        "References\n"
        "----------\n"
        ".. [1] C. Dwork, V. Feldman, M. Hardt, T. Pitassi, O. Reingold and A. Roth,\n"
        "   \"Preserving statistical validity in adaptive data analysis\", STOC 2015."
    ),
    "ref_faletto_bien": (
        "References\n"
        "----------\n"
        ".. [1] G. Faletto and J. Bien, \"Predicting Rare Events by Shrinking Towards\n"
        "   Proportional Odds\", ICML 2023."
    ),
    "ref_malik": (
        "References\n"
        "----------\n"
        ".. [1] D. Malik, C. Igoe, Y. Li, A. Singh. Weighted Tallying Bandits:\n"
        "   Overcoming Intractability via Repeated Exposure Optimality. ICML 2023,\n"
        "   arXiv:2305.02955."
    ),
}

_PLACEHOLDER = re.compile(r"^([ \t]*)\{(\w+)\}[ \t]*$", re.MULTILINE)


def _fill(doc, blocks):
    def sub(match):
        indent, key = match.groups()
        if key not in blocks:
            raise KeyError(f"docstring placeholder {{{key}}} has no block in statlearn._docstrings.DOCS")
        block = _fill(blocks[key], blocks)  # a block may hold placeholder lines of its own
        return "\n".join(indent + line if line else "" for line in block.splitlines())

    return _PLACEHOLDER.sub(sub, doc)


def _fill_member(member, blocks):
    func = getattr(member, "__func__", None) or getattr(member, "fn", None) or member  # static/class, available_if
    if callable(func) and isinstance(getattr(func, "__doc__", None), str):
        func.__doc__ = _fill(func.__doc__, blocks)


def fill_doc(obj):
    """Fill the ``{name}`` placeholder lines of ``obj``'s docstring (and its methods') from ``DOCS``.

    Parameters
    ----------
    obj : function or class
        The object to document; returned with its docstrings filled in place.

    Returns
    -------
    obj : function or class
        The same object.
    """
    if isinstance(obj.__doc__, str):
        obj.__doc__ = _fill(obj.__doc__, DOCS)
    if isinstance(obj, type):
        for member in vars(obj).values():
            _fill_member(member, DOCS)
    return obj
