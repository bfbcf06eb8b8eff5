"""Per-group regret curves (scikit-learn Display convention: ``from_estimator`` / ``from_predictions`` / ``plot``)."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn.online.metrics import group_regret_curves

__all__ = ["GroupRegretDisplay"]

YLABEL = "regret (squared units of y)"
XLABEL = "round (rows seen)"
WHAT = ("regret = cumulative squared loss on the group's rows minus that of the best linear fit "
        "on them in hindsight; below 0 beats every fixed linear model")


@fill_doc
class GroupRegretDisplay:
    """Per-group regret along the stream, one panel per group, with a band over repeats.

    Build it with :meth:`from_estimator` (runs an online estimator over the
    stream), :meth:`from_predictions` (forecasts already made) or
    :meth:`from_curves` (outputs of :func:`group_regret_curves`, e.g. one per
    shuffle); draw with :meth:`plot`. Pass ``ax=display.axes_`` to overlay
    another method on the same panels.

    Regret of group ``g`` after round ``t``: the cumulative squared loss of
    the forecasts on ``g``'s rows among the first ``t``, minus the residual
    sum of squares of the best least-squares fit on those rows in hindsight.
    It is in squared units of ``y``; negative means the forecasts beat every
    fixed linear model on that group.

    Parameters
    ----------
    curves : list of pandas.DataFrame
        Outputs of :func:`group_regret_curves` with the same columns and
        index (several are drawn as their mean with a band).
    label : str, default=None
        Legend label of this method.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
        The panels (one per group), flattened.
    figure_ : matplotlib Figure
        Their figure.
    lines_ : dict of str to Line2D
        The mean curve of each group.

    See Also
    --------
    group_regret_curves : the numbers behind the curves.
    group_regret : the end-of-stream table.

    Examples
    --------
    >>> from statlearn.online import GroupRegretDisplay, OnlineRidge
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = X @ [1.0, -1.0] + 0.1 * rng.normal(size=200)
    >>> groups = np.column_stack([X[:, 0] > 0, X[:, 0] <= 0])
    >>> disp = GroupRegretDisplay.from_estimator(OnlineRidge(), X, y, groups, label="ridge", n_checkpoints=10)
    >>> sorted(disp.lines_)
    ['always_on', 'group_0', 'group_1']
    """

    def __init__(self, curves, *, label=None):
        self.curves = curves
        self.label = label

    @classmethod
    def from_curves(cls, curves, *, label=None, ax=None, ncols=4, band="sd", color=None):
        """Draw precomputed curves (one frame, or a list: one per repeat).

        Parameters
        ----------
        curves : pandas.DataFrame or list of pandas.DataFrame
            Output(s) of :func:`group_regret_curves`.
        label : str, default=None
            Legend label.
        ax : array of matplotlib Axes, default=None
            Panels to draw into (one per group); created when ``None``.
        {regret_display_style}

        Returns
        -------
        display : GroupRegretDisplay
            The plotted display.
        """
        frames = list(curves) if isinstance(curves, list | tuple) else [curves]
        if not frames or not all(hasattr(f, "columns") and hasattr(f, "index") for f in frames):
            raise TypeError("`curves` must be a DataFrame or a list of DataFrames from `group_regret_curves`.")
        cols = list(frames[0].columns)
        for f in frames[1:]:
            if list(f.columns) != cols or len(f) != len(frames[0]):
                raise ValueError("`curves` must all have the same columns and checkpoints.")
        return cls(frames, label=label).plot(ax=ax, ncols=ncols, band=band, color=color)

    @classmethod
    def from_predictions(cls, y, predictions, X, groups=None, *, label=None, n_checkpoints=100, fit_intercept=True,
                         always_on=True, ax=None, ncols=4, band="sd", color=None):
        """Regret curves of forecasts made along the stream.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Targets, in stream order.
        predictions : array-like of shape (n_samples,)
            Online forecasts (e.g. ``prequential_predictions_``). For repeats
            (e.g. shuffles), compute one :func:`group_regret_curves` each and
            use :meth:`from_curves`.
        X : array-like of shape (n_samples, n_features)
            Features of the linear comparator.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership.
        label : str, default=None
            Legend label.
        n_checkpoints, fit_intercept, always_on
            As in :func:`group_regret_curves`.
        ax : array of matplotlib Axes, default=None
            Panels to draw into (one per group); created when ``None``.
        {regret_display_style}

        Returns
        -------
        display : GroupRegretDisplay
            The plotted display.
        """
        curves = group_regret_curves(y, predictions, X, groups, n_checkpoints=n_checkpoints,
                                     fit_intercept=fit_intercept, always_on=always_on)
        return cls.from_curves(curves, label=label, ax=ax, ncols=ncols, band=band, color=color)

    @classmethod
    def from_estimator(cls, estimator, X, y, groups=None, *, label=None, n_checkpoints=100, fit_intercept=True,
                       always_on=True, ax=None, ncols=4, band="sd", color=None):
        """Run a clone of an online estimator over the stream and draw its prequential regret.

        Online learners are judged on the forecasts they make before each
        row is learned, so the estimator is cloned and fitted on ``(X, y)``
        (with ``groups=groups`` when its ``fit`` takes them) and its
        ``prequential_predictions_`` are scored.

        Parameters
        ----------
        estimator : estimator with ``prequential_predictions_`` after ``fit``
            E.g. :class:`GroupwiseRegressor` or :class:`OnlineRidge`.
        X : array-like of shape (n_samples, n_features)
            The stream's features (also those of the comparator).
        y : array-like of shape (n_samples,)
            Its targets.
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame, default=None
            Group membership.
        label : str, default=None
            Legend label (default: the estimator's class name).
        n_checkpoints, fit_intercept, always_on
            As in :func:`group_regret_curves`.
        ax : array of matplotlib Axes, default=None
            Panels to draw into (one per group); created when ``None``.
        {regret_display_style}

        Returns
        -------
        display : GroupRegretDisplay
            The plotted display.
        """
        import inspect

        from sklearn.base import clone

        model = clone(estimator)
        takes_groups = "groups" in inspect.signature(model.fit).parameters
        model.fit(X, y, groups=groups) if takes_groups else model.fit(X, y)
        pred = getattr(model, "prequential_predictions_", None)
        if pred is None:
            raise TypeError(f"`estimator` must be an online learner with `prequential_predictions_` after fit; "
                            f"got {type(estimator).__name__}.")
        return cls.from_predictions(y, pred, X, groups, label=label or type(estimator).__name__,
                                    n_checkpoints=n_checkpoints, fit_intercept=fit_intercept, always_on=always_on,
                                    ax=ax, ncols=ncols, band=band, color=color)

    def plot(self, ax=None, *, ncols=4, band="sd", color=None):
        """Draw the curves.

        Parameters
        ----------
        ax : array of matplotlib Axes, default=None
            Panels to draw into (at least one per group); a new figure when ``None``.
        {regret_display_style}

        Returns
        -------
        self : GroupRegretDisplay
            With ``axes_``, ``figure_`` and ``lines_`` set.
        """
        import matplotlib.pyplot as plt

        if band not in ("sd", "minmax"):
            raise ValueError(f"`band` must be one of {{'sd', 'minmax'}}; got {band!r}.")
        frames = self.curves
        cols = list(frames[0].columns)
        if ax is None:
            nc = max(1, min(int(ncols), len(cols)))
            nr = int(np.ceil(len(cols) / nc))
            fig, ax = plt.subplots(nr, nc, figsize=(3.2 * nc, 2.6 * nr + 0.5), squeeze=False, layout="constrained")
            for extra in ax.ravel()[len(cols):]:
                extra.set_visible(False)
            fig.suptitle(WHAT, fontsize=8)
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size < len(cols):
            raise ValueError(f"`ax` must hold at least {len(cols)} panels (one per group); got {axes.size}.")
        t = np.asarray(frames[0].index, dtype=float)
        self.lines_ = {}
        for j, col in enumerate(cols):
            vals = np.array([np.asarray(f[col], dtype=float) for f in frames])
            mean = vals.mean(axis=0)
            panel = axes[j]
            (line,) = panel.plot(t, mean, color=color, label=self.label)
            self.lines_[str(col)] = line
            if len(frames) > 1:
                sd = vals.std(axis=0)
                lo, hi = (mean - sd, mean + sd) if band == "sd" else (vals.min(axis=0), vals.max(axis=0))
                panel.fill_between(t, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
            panel.axhline(0.0, color="0.6", linewidth=0.7)
            panel.set_title(str(col), fontsize=9)
            panel.set_xlabel(XLABEL, fontsize=8)
            panel.set_ylabel(YLABEL, fontsize=8)
        if self.label is not None:
            axes[0].legend(fontsize=8)
        self.axes_ = axes
        self.figure_ = axes[0].figure
        return self
