"""Tests of calibration with p-values: Spiegelhalter's Z, Hosmer-Lemeshow, and the
binning-free Kolmogorov-Smirnov / Kuiper tests on the cumulative residual.

Public through :mod:`statlearn.calibration.inference` and :mod:`statlearn.calibration`.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.utils import Bunch

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, validate_args

from . import _kernels
from ._binning import _binary_inputs, _quantile_edges

__all__ = ["cumulative_calibration_test", "hosmer_lemeshow_test", "spiegelhalter_test"]


# --------------------------------------------------------------------------- #
# tests of calibration
# --------------------------------------------------------------------------- #
@fill_doc
def spiegelhalter_test(y_true, y_prob, *, sample_weight=None, pos_label=None):
    """Spiegelhalter's Z test of calibration (two-sided).

    ``Z = sum w (y - p)(1 - 2p) / sqrt(sum w^2 (1 - 2p)^2 p (1 - p))``: the
    Brier score centred on its expectation under calibration and divided by
    its standard deviation; ``Z`` is standard normal when ``y ~ Bernoulli(p)``.

    Parameters
    ----------
    {y_true}
    {y_prob}
    {sample_weight}
    {pos_label_inference}

    Returns
    -------
    result : Bunch
        ``statistic`` (Z) and ``pvalue`` (``2 * P(N(0, 1) > |Z|)``).

    Raises
    ------
    ValueError
        When every prediction is 0, 0.5 or 1 (the variance is 0 and Z is
        undefined).

    Notes
    -----
    Z is blind to miscalibration that leaves the Brier score at its expected
    value; the cumulative tests have power against any miscalibration.

    References
    ----------
    D. J. Spiegelhalter (1986). Probabilistic prediction in patient management
    and clinical trials. Statistics in Medicine 5(5), 421-433.

    Examples
    --------
    >>> from statlearn.calibration import spiegelhalter_test
    >>> res = spiegelhalter_test([0, 1, 1, 0, 1], [0.1, 0.8, 0.7, 0.4, 0.9])
    >>> round(res.statistic, 4), round(res.pvalue, 4)
    (-1.0328, 0.3017)
    """
    from scipy.stats import norm

    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label)
    a = 1.0 - 2.0 * p
    var = float(np.sum(w**2 * a**2 * p * (1.0 - p)))
    if not var > 0:
        raise ValueError("Spiegelhalter's Z is undefined: every prediction with positive weight is 0, 0.5 or 1 "
                         "(its variance under calibration is 0).")
    z = float(np.sum(w * (y - p) * a) / math.sqrt(var))
    return Bunch(statistic=z, pvalue=float(2.0 * norm.sf(abs(z))))


@validate_args({"n_groups": [Interval("integral", 1, None)], "ddof": [Interval("integral", 0, None)]})
@fill_doc
def hosmer_lemeshow_test(y_true, y_prob, *, n_groups=10, ddof=0, sample_weight=None, pos_label=None):
    """Hosmer-Lemeshow chi-squared test over groups of similar predictions.

    Rows are grouped by equal-mass bins of the predictions ("deciles of
    risk"; tied predictions stay together, so a bin may be empty and is then
    dropped) and ``H = sum_g (O_g - E_g)^2 / (E_g (1 - E_g / n_g))`` with
    ``O_g``, ``E_g``, ``n_g`` the (weighted) observed positives, expected
    positives and size of group ``g``. Under calibration ``H`` is
    approximately chi-squared with ``n_nonempty_groups - ddof`` degrees of freedom.

    Parameters
    ----------
    {y_true}
    {y_prob}
    n_groups : int, default=10
        Number of groups (equal-mass bins).
    ddof : int, default=0
        Degrees of freedom removed. 0 for predictions not fitted on these
        rows (held-out data, the usual case for this library); 2 for a
        logistic model fitted on them (Hosmer and Lemeshow's setting).
    {sample_weight}
    {pos_label_inference}

    Returns
    -------
    result : Bunch
        ``statistic`` (H), ``pvalue``, ``df`` (int), and per non-empty group
        ``observed``, ``expected`` and ``counts`` (ndarrays).

    References
    ----------
    D. W. Hosmer, S. Lemeshow (1980). Goodness of fit tests for the multiple
    logistic regression model. Communications in Statistics - Theory and
    Methods 9(10), 1035-1049.

    Examples
    --------
    >>> from statlearn.calibration import hosmer_lemeshow_test
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, size=1000)
    >>> res = hosmer_lemeshow_test(rng.uniform(size=1000) < p, p)
    >>> res.df, bool(res.pvalue > 0.01)
    (10, True)
    """
    from scipy.stats import chi2

    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label)
    edges = _quantile_edges(p, w, n_groups)
    _check_weight_scale(w)
    s = _kernels.binned_stats(p, y, w, edges, False)
    keep = s[:, 0] > 0
    n_g, o_g, e_g = s[keep, 0], s[keep, 1], s[keep, 2]
    df = int(keep.sum()) - ddof
    if df < 1:
        raise ValueError(f"The test has {int(keep.sum())} non-empty group(s) and `ddof`={ddof}: no degree of "
                         "freedom is left; use more distinct predictions or a smaller `ddof`.")
    var = e_g * (1.0 - e_g / n_g)
    diff2 = (o_g - e_g) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(var > 0, diff2 / np.where(var > 0, var, 1.0), np.where(diff2 > 1e-24, np.inf, 0.0))
    h = float(terms.sum())
    return Bunch(statistic=h, pvalue=float(chi2.sf(h, df)), df=df, observed=o_g, expected=e_g, counts=n_g)


def _check_weight_scale(w):
    """Frequency weights whose squared counts overflow make the chi-squared statistic meaningless."""
    if not np.isfinite(np.sum(w) ** 2):
        raise ValueError(f"`sample_weight` is too large for frequency weights: their total {np.sum(w):.3g} "
                         "overflows when squared; rescale the weights.")


def _kolmogorov_sf(x):
    """P(sup_{0<=t<=1} |B_t| >= x) for a standard Brownian motion B."""
    if x <= 0:
        return 1.0
    if x < 1.0:  # theta series, fast for small x
        k = np.arange(0, 60)
        cdf = 4 / math.pi * np.sum((-1.0) ** k / (2 * k + 1) * np.exp(-((2 * k + 1) ** 2) * math.pi**2 / (8 * x * x)))
        return float(min(max(1.0 - cdf, 0.0), 1.0))
    from scipy.stats import norm

    k = np.arange(0, 60)
    return float(min(max(4 * np.sum((-1.0) ** k * norm.sf((2 * k + 1) * x)), 0.0), 1.0))


def _range_sf(x):
    """P(max B - min B >= x) over [0, 1] for a standard Brownian motion (Feller 1951)."""
    if x <= 0:
        return 1.0
    from scipy.stats import norm

    n = np.arange(1, int(min(40.0 / x, 1e6)) + 2)
    return float(min(max(8 * np.sum((-1.0) ** (n + 1) * n * norm.sf(n * x)), 0.0), 1.0))


@validate_args({"statistic": [Options("kuiper", "ks")]})
@fill_doc
def cumulative_calibration_test(y_true, y_prob, *, statistic="kuiper", sample_weight=None, pos_label=None):
    """Binning-free test of calibration on the cumulative residual.

    Rows are sorted by prediction and ``C_k = sum_{j <= k} w_j (y_j - p_j) / W``
    is accumulated (evaluated after each block of tied predictions, so the
    order within ties does not matter). Under calibration ``C / sigma`` with
    ``sigma = sqrt(sum w^2 p (1 - p)) / W`` behaves like a standard Brownian
    motion on [0, 1]. The Kolmogorov-Smirnov statistic is ``max |C| / sigma``
    and Kuiper's is ``(max C - min C) / sigma`` (the path starts at 0); their
    p-values come from the laws of the maximum absolute value and of the
    range of a Brownian motion.

    Parameters
    ----------
    {y_true}
    {y_prob}
    statistic : {"kuiper", "ks"}, default="kuiper"
        Range (Kuiper) or maximum absolute value (Kolmogorov-Smirnov) of the path.
    {sample_weight}
    {pos_label_inference}

    Returns
    -------
    result : Bunch
        ``statistic`` (normalised), ``pvalue``, ``sigma``, and the path
        ``prob`` (sorted distinct predictions) and ``cumulative_residual``.

    Raises
    ------
    ValueError
        When every prediction with positive weight is 0 or 1 (``sigma = 0``).

    References
    ----------
    I. Arrieta-Ibarra, P. Gujral, J. Tannen, M. Tygert, C. Xu (2022). Metrics
    of calibration for probabilistic predictions. JMLR 23(351), 1-54.

    W. Feller (1951). The asymptotic distribution of the range of sums of
    independent random variables. Annals of Mathematical Statistics 22(3), 427-432.

    Examples
    --------
    >>> from statlearn.calibration import cumulative_calibration_test
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=3000)
    >>> res = cumulative_calibration_test(rng.uniform(size=3000) < p ** 2, p)
    >>> bool(res.pvalue < 1e-6)
    True
    """
    y, p, w = _binary_inputs(y_true, y_prob, sample_weight, pos_label=pos_label)
    order = np.argsort(p, kind="stable")
    ps, ys, ws = p[order], y[order], w[order] / w.max()  # the statistic does not depend on the weights' scale
    total = ws.sum()
    sigma = math.sqrt(float(np.sum(ws**2 * ps * (1 - ps)))) / total
    if not sigma > 0:
        raise ValueError("The cumulative test is undefined: every prediction with positive weight is 0 or 1 "
                         "(the residual has no variance under calibration).")
    ends = np.flatnonzero(np.r_[ps[1:] != ps[:-1], True])
    c = np.cumsum(ws * (ys - ps))[ends] / total
    path = np.r_[0.0, c]
    if statistic == "ks":
        stat = float(np.max(np.abs(path)) / sigma)
        pval = _kolmogorov_sf(stat)
    else:
        stat = float((path.max() - path.min()) / sigma)
        pval = _range_sf(stat)
    return Bunch(statistic=stat, pvalue=pval, sigma=sigma, prob=ps[ends], cumulative_residual=c)
