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

from statlearn._docblocks import PARAMETERS

__all__ = ["DOCS", "fill_doc"]

DOCS = {
    **PARAMETERS,
    # ---- conformal quantile regression (ConformalQuantileRegressor and its weighted twin) ----
    "coverage_display": (  # a whole Returns section
        "Returns\n"
        "-------\n"
        "display : CoverageDisplay\n"
        "    The plotted display."
    ),
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
