"""CoverageDisplay: per-group coverage of prediction intervals against the nominal level (draws
only; the numbers come from :func:`~statlearn.quantile.coverage`)."""

from __future__ import annotations

import inspect

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import check_confidence_level

from .metrics import coverage

__all__ = ["CoverageDisplay"]

_ALL = "all rows"


def _as_named(obj, name, what):
    """``{name: obj}`` for one object, the dict itself for a dict of them (names as strings)."""
    if isinstance(obj, dict):
        if not obj:
            raise ValueError(f"`{what}` must not be an empty dict.")
        if name is not None:
            raise ValueError(f"Pass `name` only with a single `{what}`; a dict names its entries by its keys.")
        return {str(k): v for k, v in obj.items()}
    return {"intervals" if name is None else str(name): obj}


def _coverage(y_true, interval, sample_weight, groups):
    """:func:`coverage` of one interval per row, errors naming ``y_interval``."""
    try:
        return coverage(y_true, interval, per="pair", sample_weight=sample_weight, groups=groups)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("`y_quantiles`", "`y_interval`")) from None


def _predict_interval(estimator, X, confidence_level, groups):
    """``estimator.predict_interval(X, confidence_level)``, with ``groups`` when it takes them."""
    if not hasattr(estimator, "predict_interval"):
        raise TypeError(f"`estimator` must have a `predict_interval` method; got {type(estimator).__name__}.")
    params = inspect.signature(estimator.predict_interval).parameters
    if "groups" in params and groups is not None:
        return estimator.predict_interval(X, confidence_level, groups=groups)
    return estimator.predict_interval(X, confidence_level)


@fill_doc
class CoverageDisplay:
    """Coverage of prediction intervals on every group, as bars against the nominal level.

    Follows scikit-learn's display convention: build it with :meth:`from_predictions`
    (intervals you have) or :meth:`from_estimator` (a fitted model with ``predict_interval``,
    e.g. :class:`ConformalQuantileRegressor`), which compute the coverages with
    :func:`coverage` and call :meth:`plot`; the constructor only stores them. Give a dict of
    intervals or of estimators to compare methods side by side (e.g. marginal and
    group-conditional calibration). The first bar group is every row; each bar carries
    +/- 2 binomial standard errors of a coverage equal to the nominal level on that many
    rows, so a bar whose error bar misses the nominal line under- or over-covers beyond noise.

    Parameters
    ----------
    coverage : pandas.DataFrame of shape (n_groups + 1, n_methods)
        Coverage per group (index: ``"all rows"`` then the group names; one column per
        method).
    n_samples : array-like of shape (n_groups + 1,)
        Rows in every group (the same order as the index of ``coverage``).
    confidence_level : float, default=None
        Nominal coverage (a line and the error bars); ``None`` draws neither.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the bars (after :meth:`plot`).
    {figure_}
    bars_ : dict
        The ``BarContainer`` of every method.

    See Also
    --------
    coverage : The coverages drawn (``groups=`` gives them per group).
    ConformalQuantileRegressor : Marginal or group-conditional conformal intervals.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from statlearn.quantile import CoverageDisplay
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=400); old = rng.uniform(size=400) < 0.3
    >>> y[old] *= 2.0  # the same interval under-covers the noisier group
    >>> interval = np.tile([-1.645, 1.645], (400, 1))
    >>> groups = pd.DataFrame({"old": old, "young": ~old})
    >>> disp = CoverageDisplay.from_predictions(y, interval, groups, confidence_level=0.9)
    >>> list(disp.coverage.index)
    ['all rows', 'old', 'young']
    >>> bool(disp.coverage.loc["old", "intervals"] < 0.8 < disp.coverage.loc["young", "intervals"])
    True
    """

    def __init__(self, coverage, n_samples, *, confidence_level=None):
        self.coverage = coverage
        self.n_samples = n_samples
        self.confidence_level = confidence_level

    @classmethod
    def from_predictions(cls, y_true, y_interval, groups=None, *, confidence_level=None, name=None,
                         sample_weight=None, ax=None):
        """Per-group coverage of intervals you have.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Observed targets.
        y_interval : array-like of shape (n_samples, 2), or dict of them
            Lower and upper bounds (e.g. from ``predict_interval``); a dict maps a method's
            name to its intervals.
        groups : array-like or DataFrame of shape (n_samples, n_groups), default=None
            Group memberships (the library's groups contract: a boolean array or a DataFrame
            whose categorical columns expand to one indicator per level). ``None``: only
            ``"all rows"``.
        confidence_level : float, default=None
            Nominal coverage of the intervals (the line and the error bars).
        name : str, default=None
            Legend label of a single ``y_interval``.
        {sample_weight_rows}
        {ax_or_none}

        {coverage_display}
        """
        named = _as_named(y_interval, name, "y_interval")
        cols, n = {}, None
        for key, interval in named.items():
            if np.ndim(interval) != 2 or np.shape(interval)[1] != 2:
                raise ValueError(f"`y_interval` must have shape (n_samples, 2) (lower, upper); got shape "
                                 f"{np.shape(interval)} for {key!r}.")
            overall = _coverage(y_true, interval, sample_weight, None)[0]
            counts = [np.shape(interval)[0]]
            values = [overall]
            if groups is not None:
                per = _coverage(y_true, interval, sample_weight, groups)
                empty = [str(g) for g, k in zip(per.index, per["n_samples"], strict=True) if k == 0]
                if empty:
                    raise ValueError(f"`groups` has groups with no rows, whose coverage is undefined: {empty}; "
                                     "drop those columns.")
                values += list(per[0])
                counts += list(per["n_samples"])
                index = [_ALL, *[str(g) for g in per.index]]
            else:
                index = [_ALL]
            cols[key] = values
            n = counts
        import pandas as pd

        table = pd.DataFrame(cols, index=pd.Index(index, name="group"))
        if _ALL in index[1:]:
            raise ValueError(f"`groups` must not have a group named {_ALL!r} (the name of the first bar group).")
        return cls(table, np.asarray(n), confidence_level=confidence_level).plot(ax=ax)

    @classmethod
    def from_estimator(cls, estimator, X, y, groups=None, *, confidence_level=0.9, name=None, sample_weight=None,
                       ax=None):
        """Per-group coverage of a fitted model's ``predict_interval`` on ``(X, y)``.

        Parameters
        ----------
        estimator : fitted estimator with ``predict_interval``, or dict of them
            E.g. :class:`ConformalQuantileRegressor`; a dict maps a method's name to its
            model. A model whose ``predict_interval`` takes ``groups`` gets ``groups`` (a
            group-conditional fit needs them).
        X : array-like of shape (n_samples, n_features)
            Held-out inputs.
        y : array-like of shape (n_samples,)
            Their targets.
        groups : array-like or DataFrame of shape (n_samples, n_groups), default=None
            Group memberships of the rows of ``X``.
        confidence_level : float, default=0.9
            Nominal coverage asked of ``predict_interval``.
        name : str, default=None
            Legend label of a single ``estimator`` (default: its class name).
        {sample_weight_rows}
        {ax_or_none}

        {coverage_display}
        """
        c = check_confidence_level(confidence_level)
        if not np.isscalar(c):
            raise TypeError(f"`confidence_level` must be a single float; got {confidence_level!r}.")
        if not isinstance(estimator, dict) and name is None:
            name = type(estimator).__name__
        named = _as_named(estimator, name, "estimator")
        intervals = {key: _predict_interval(est, X, c, groups) for key, est in named.items()}
        return cls.from_predictions(y, intervals, groups, confidence_level=c, sample_weight=sample_weight, ax=ax)

    def plot(self, ax=None):
        """Draw one bar per method and group, the nominal line and the +/- 2 s.e. bars.

        Parameters
        ----------
        {ax_or_none}

        Returns
        -------
        display : CoverageDisplay
            ``self``, with ``ax_``, ``figure_`` and ``bars_`` set.
        """
        import matplotlib.pyplot as plt

        table = self.coverage
        n = np.asarray(self.n_samples, dtype=np.float64)
        if not hasattr(table, "columns") or n.shape != (len(table.index),):
            raise ValueError("CoverageDisplay: `coverage` must be a DataFrame with one row per entry of "
                             f"`n_samples`; got {len(getattr(table, 'index', []))} rows and {n.shape} counts.")
        c = self.confidence_level
        if c is not None:
            c = check_confidence_level(c)
        if ax is None:
            fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(table.index) * max(1, table.shape[1]) + 1.5), 3.6))
        else:
            fig = ax.figure
        x = np.arange(len(table.index))
        width = 0.8 / table.shape[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            err = None if c is None else np.where(n > 0, 2.0 * np.sqrt(c * (1.0 - c) / n), np.nan)
        self.bars_ = {}
        for j, col in enumerate(table.columns):
            self.bars_[col] = ax.bar(x + (j - (table.shape[1] - 1) / 2) * width, table[col].to_numpy(dtype=float),
                                     width, yerr=err, capsize=3, label=str(col))
        if c is not None:
            ax.axhline(c, color="0.2", linestyle="--", linewidth=1, label=f"nominal {c:g}")
        ax.set_xticks(x)
        ax.set_xticklabels([f"{g}\n(n={int(k)})" for g, k in zip(table.index, n, strict=True)], fontsize=8)
        values = table.to_numpy(dtype=float)
        if err is not None:
            values = values - np.nan_to_num(err, nan=0.0)[:, None]  # the lower ends of the error bars
        low = np.nanmin(values) if np.isfinite(values).any() else 0.0
        if c is not None:
            low = min(low, c)
        ax.set_ylim(max(0.0, low - 0.03), 1.0)
        ax.set_ylabel("coverage")
        ax.set_title("coverage per group (error bars: +/- 2 s.e. at the nominal level)", fontsize=9)
        ax.legend(fontsize=8, loc="best")
        fig.tight_layout()
        self.ax_, self.figure_ = ax, fig
        return self
