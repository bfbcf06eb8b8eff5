"""The general numpydoc blocks of :data:`statlearn._docstrings.DOCS`: parameters, attributes
and returns shared by several docstrings (the name of the entry leads the key)."""

PARAMETERS = {
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
}
