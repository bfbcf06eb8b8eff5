"""Reliability diagrams: binned with bin counts and per-bin intervals, smoothed with a
bootstrap band, and per group. Only draws: every number comes from a public function
(:func:`calibration_curve_ci`, :func:`smooth_calibration_curve`)."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import check_consistent_length, check_groups

from ._binning import _binary_target
from .inference import calibration_curve_ci
from .smooth import smooth_calibration_curve

__all__ = ["ReliabilityDisplay"]


@fill_doc
class ReliabilityDisplay:
    """Reliability diagram: observed frequency against predicted probability.

    Follows scikit-learn's display convention: build it with
    :meth:`from_predictions` or :meth:`from_estimator` (or one panel per
    group with :meth:`from_groups`), which compute the values and call
    :meth:`plot`; the constructor only stores them.

    Parameters
    ----------
    prob_true : ndarray of shape (n_nonempty_bins,)
        Observed frequency per bin.
    prob_pred : ndarray of shape (n_nonempty_bins,)
        Mean prediction per bin.
    counts : ndarray of shape (n_nonempty_bins,)
        Total weight per bin.
    smooth : dict or None, default=None
        ``{"t", "curve", "lower", "upper", "bandwidth"}``: kernel-smoothed
        ``E[y | p]`` on the grid ``t`` with a bootstrap band
        (:func:`smooth_calibration_curve`).
    name : str or None, default=None
        Legend label.
    prob_true_lower, prob_true_upper : ndarray of shape (n_nonempty_bins,), default=None
        Interval of each bin's frequency (:func:`calibration_curve_ci`),
        drawn as error bars.
    pos_label : object, default=None
        The positive class (shown in the y-axis label).

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the diagram (after :meth:`plot`).
    figure_ : matplotlib Figure
        Its figure.
    line_ : matplotlib Line2D
        The binned curve.

    See Also
    --------
    calibration_curve_ci : The binned values and their intervals.
    smooth_calibration_curve : The smoothed curve and its band.

    Examples
    --------
    >>> from statlearn.calibration import ReliabilityDisplay
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=500)
    >>> y = rng.uniform(size=500) < p ** 1.5
    >>> disp = ReliabilityDisplay.from_predictions(y, p, n_bins=8, smooth=True, n_bootstrap=20)
    >>> disp.counts.sum()
    np.float64(500.0)
    """

    def __init__(self, prob_true, prob_pred, counts, *, smooth=None, name=None, prob_true_lower=None,
                 prob_true_upper=None, pos_label=None):
        self.prob_true = prob_true
        self.prob_pred = prob_pred
        self.counts = counts
        self.smooth = smooth
        self.name = name
        self.prob_true_lower = prob_true_lower
        self.prob_true_upper = prob_true_upper
        self.pos_label = pos_label

    # ------------------------------------------------------------------ #
    @classmethod
    def from_predictions(cls, y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None,
                         smooth=False, n_bootstrap=100, confidence_level=0.9, ci=True, random_state=None,
                         pos_label=None, name=None, ax=None, show_counts=True):
        """Reliability diagram of predicted probabilities.

        Parameters
        ----------
        {binned_inputs}
        {sample_weight}
        smooth : bool, default=False
            Add the kernel-smoothed curve (bandwidth of :func:`smooth_ece`)
            with a bootstrap band.
        n_bootstrap : int, default=100
            Bootstrap resamples for the smoothed band.
        confidence_level : float, default=0.9
            Coverage of the per-bin intervals and of the smoothed band.
        ci : bool, default=True
            Draw the Wilson interval of every bin's frequency as error bars.
        {random_state_bootstrap}
        {pos_label_inference}
        name : str, default=None
            Legend label.
        {ax}
        {show_counts}

        Returns
        -------
        display : ReliabilityDisplay
        """
        cur = calibration_curve_ci(y_true, y_prob, n_bins=n_bins, strategy=strategy,
                                   confidence_level=confidence_level, sample_weight=sample_weight,
                                   pos_label=pos_label)
        sm = None
        if smooth:
            sm = smooth_calibration_curve(y_true, y_prob, n_bootstrap=n_bootstrap, confidence_level=confidence_level,
                                          sample_weight=sample_weight, pos_label=pos_label, random_state=random_state)
        disp = cls(cur.prob_true, cur.prob_pred, cur.counts, smooth=sm, name=name,
                   prob_true_lower=cur.lower if ci else None, prob_true_upper=cur.upper if ci else None,
                   pos_label=pos_label)
        return disp.plot(ax=ax, show_counts=show_counts)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, groups=None, pos_label=None, **kwargs):
        """Reliability diagram of a fitted binary classifier.

        Parameters
        ----------
        estimator : fitted classifier
            With ``predict_proba`` and ``classes_``; a :class:`MultiCalibrator`
            also gets ``groups``.
        {X}
        y : array-like of shape (n_samples,)
            Labels, among ``estimator.classes_``.
        groups : array-like of shape (n_samples, n_groups), default=None
            Passed to ``predict_proba`` when given.
        pos_label : object, default=None
            The positive class; ``estimator.classes_[1]`` by default, as in
            scikit-learn's ``CalibrationDisplay``.
        **kwargs : dict
            Options of :meth:`from_predictions`.

        Returns
        -------
        display : ReliabilityDisplay
        """
        if not hasattr(estimator, "predict_proba"):
            raise TypeError(f"`estimator` must have predict_proba; got {type(estimator).__name__}.")
        classes = np.asarray(getattr(estimator, "classes_", []))
        if classes.size != 2:
            raise ValueError(f"`estimator` must be a fitted binary classifier; got classes {classes.tolist()}.")
        pos_label = classes[1] if pos_label is None else pos_label
        if pos_label not in classes.tolist():
            raise ValueError(f"`pos_label`={pos_label!r} is not one of the estimator's classes {classes.tolist()}.")
        y_arr = np.asarray(y)
        if y_arr.ndim == 0:
            raise ValueError(f"`y` must be 1-D with one label per row of `X`; got a scalar {y!r}.")
        check_consistent_length(X=X, y=y_arr)
        unknown = set(y_arr.ravel().tolist()) - set(classes.tolist())
        if unknown:
            raise ValueError(f"`y` has labels {sorted(map(repr, unknown))[:5]} that are not among the estimator's "
                             f"classes {classes.tolist()}.")
        try:
            proba = estimator.predict_proba(X) if groups is None else estimator.predict_proba(X, groups=groups)
        except ValueError as exc:
            raise ValueError(f"`X` could not be scored by {type(estimator).__name__}.predict_proba: {exc}") from exc
        col = int(np.flatnonzero(classes == pos_label)[0])
        kwargs.setdefault("name", type(estimator).__name__)
        return cls.from_predictions((y_arr == pos_label).astype(int), proba[:, col], pos_label=None, **kwargs)

    @classmethod
    def from_groups(cls, y_true, y_prob, groups, *, n_bins=10, strategy="uniform", sample_weight=None,
                    smooth=False, n_bootstrap=50, ci=True, random_state=None, pos_label=None, ncols=3, axes=None,
                    show_counts=False):
        """One reliability panel per group, optionally several models per panel.

        Parameters
        ----------
        {y_true}
        y_prob : array-like of shape (n_samples,) or dict of str to array-like
            Predicted probabilities, or ``{label: probabilities}`` to overlay
            several models (for example before and after multicalibration).
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame
            Group membership (a categorical column expands to one group per
            level); empty groups get an empty panel.
        {n_bins_10}
        {strategy}
        {sample_weight}
        smooth : bool, default=False
            Add smoothed curves with bootstrap bands.
        n_bootstrap : int, default=50
            Bootstrap resamples.
        ci : bool, default=True
            Draw each bin's Wilson interval as error bars.
        {random_state_bootstrap}
        pos_label : int, float, bool or str, default=None
            The positive class; required unless the labels are in {0, 1},
            {-1, 1} or {False, True}. The labels are encoded once over all
            rows, so a group without positives is fine.
        ncols : int, default=3
            Panels per row.
        axes : array of matplotlib Axes, default=None
            At least ``n_groups`` axes; a new figure by default.
        show_counts : bool, default=False
            Draw bin weights.

        Returns
        -------
        displays : dict of str to list of ReliabilityDisplay
            For each group name, one display per model.
        """
        import matplotlib.pyplot as plt

        y01 = _binary_target(y_true, pos_label)
        models = {k: _as_rows(v, y01.shape[0], k) for k, v in (y_prob if isinstance(y_prob, dict)
                                                                else {None: y_prob}).items()}
        G, names = check_groups(groups, y01.shape[0], allow_empty=True)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if w is not None:
            check_consistent_length(y_true=y01, sample_weight=w)
        if axes is None:
            nrows = int(np.ceil(len(names) / ncols))
            _, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 3.2 * nrows), squeeze=False)
            for ax in axes.ravel()[len(names):]:
                ax.set_visible(False)
        axes = np.asarray(axes).ravel()
        out = {}
        for j, gname in enumerate(names):
            m, ax = G[:, j], axes[j]
            out[gname] = []
            if not m.any():
                ax.set_title(f"{gname} (empty)", fontsize=9)
                continue
            for label, p in models.items():
                out[gname].append(cls.from_predictions(
                    y01[m], p[m], n_bins=n_bins, strategy=strategy, sample_weight=None if w is None else w[m],
                    smooth=smooth, n_bootstrap=n_bootstrap, ci=ci, random_state=random_state, name=label, ax=ax,
                    show_counts=show_counts))
            ax.set_title(f"{gname} (n={int(m.sum())})", fontsize=9)
        return out

    # ------------------------------------------------------------------ #
    def plot(self, ax=None, *, name=None, show_counts=True):
        """Draw the diagram.

        Parameters
        ----------
        {ax}
        name : str, default=None
            Legend label (overrides the stored one).
        {show_counts}

        Returns
        -------
        self : ReliabilityDisplay
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4.5, 4.5))
        label = name if name is not None else self.name
        if not getattr(ax, "_statlearn_diagonal", False):
            ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=1, label="perfectly calibrated")
            ax._statlearn_diagonal = True
        (self.line_,) = ax.plot(self.prob_pred, self.prob_true, "s-", ms=4, label=label)
        color = self.line_.get_color()
        if self.prob_true_lower is not None and self.prob_true_upper is not None:
            # per-bin intervals as error bars, so they read apart from the smoothed curve's band
            yerr = np.vstack([self.prob_true - self.prob_true_lower, self.prob_true_upper - self.prob_true])
            ax.errorbar(self.prob_pred, self.prob_true, yerr=np.maximum(yerr, 0), fmt="none", ecolor=color,
                        elinewidth=1, capsize=2, alpha=0.8)
        if self.smooth is not None:
            s = self.smooth
            ax.plot(s["t"], s["curve"], color=color, lw=1.5, alpha=0.9)
            ax.fill_between(s["t"], s["lower"], s["upper"], color=color, alpha=0.2, lw=0)
        if show_counts and len(self.counts):
            ax2 = ax.twinx()
            ax2.bar(self.prob_pred, self.counts, width=0.02, color=color, alpha=0.25)
            ax2.set_ylabel("weight per bin", fontsize=8)
            ax2.tick_params(labelsize=7)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("mean predicted probability")
        pos = "" if self.pos_label is None else f" (positive class: {self.pos_label})"
        ax.set_ylabel("observed frequency" + pos)
        if label is not None:
            ax.legend(loc="upper left", fontsize=8)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _as_rows(y_prob, n, label):
    """A model's probabilities as a 1-D float array of ``n`` rows (checked before indexing by group)."""
    from statlearn._validation import check_probabilities

    arr = np.asarray(y_prob)
    if arr.ndim == 2 and arr.shape[1] in (1, 2):
        arr = arr[:, -1]
    name = "y_prob" if label is None else f"y_prob[{label!r}]"
    p = check_probabilities(arr, name=name, ndim=1)
    if p.shape[0] != n:
        raise ValueError(f"Inconsistent numbers of samples: `y_true` has {n}, `{name}` has {p.shape[0]}.")
    return p
