"""Reliability diagrams: binned, smoothed with a bootstrap band, and per group."""

from __future__ import annotations

import numpy as np

from statlearn._validation import check_groups

from ._binning import _binary_target
from .metrics import calibration_curve
from .smooth import smooth_calibration_curve

__all__ = ["ReliabilityDisplay"]


class ReliabilityDisplay:
    """Reliability diagram: observed frequency against predicted probability.

    Build it with :meth:`from_predictions` or :meth:`from_estimator` (or one
    panel per group with :meth:`from_groups`); the constructor only stores
    computed values.

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
        ``E[y | p]`` on the grid ``t`` with a bootstrap band.
    name : str or None, default=None
        Legend label.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the diagram (after :meth:`plot`).
    figure_ : matplotlib Figure
        Its figure.
    line_ : matplotlib Line2D
        The binned curve.

    Examples
    --------
    >>> import numpy as np
    >>> from statlearn.calibration import ReliabilityDisplay
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=500)
    >>> y = rng.uniform(size=500) < p ** 1.5
    >>> disp = ReliabilityDisplay.from_predictions(y, p, n_bins=8, smooth=True, n_bootstrap=20)
    >>> disp.counts.sum()
    np.float64(500.0)
    """

    def __init__(self, prob_true, prob_pred, counts, *, smooth=None, name=None):
        self.prob_true = prob_true
        self.prob_pred = prob_pred
        self.counts = counts
        self.smooth = smooth
        self.name = name

    # ------------------------------------------------------------------ #
    @staticmethod
    def _compute(y_true, y_prob, *, n_bins, strategy, sample_weight, smooth, n_bootstrap,
                 confidence_level, random_state, pos_label):
        prob_true, prob_pred, counts = calibration_curve(
            y_true, y_prob, n_bins=n_bins, strategy=strategy, sample_weight=sample_weight, pos_label=pos_label,
            return_counts=True)
        smooth_out = None
        if smooth:
            smooth_out = smooth_calibration_curve(
                y_true, y_prob, n_bootstrap=n_bootstrap, confidence_level=confidence_level,
                sample_weight=sample_weight, pos_label=pos_label, random_state=random_state)
        return prob_true, prob_pred, counts, smooth_out

    @classmethod
    def from_predictions(cls, y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None,
                         smooth=False, n_bootstrap=100, confidence_level=0.9, random_state=None,
                         pos_label=None, name=None, ax=None, show_counts=True):
        """Reliability diagram of predicted probabilities.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary labels.
        y_prob : array-like of shape (n_samples,)
            Predicted probabilities of the positive class.
        n_bins : int, default=10
            Number of bins.
        strategy : {"uniform", "quantile"}, default="uniform"
            Equal-width or equal-mass bins.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        smooth : bool, default=False
            Add the kernel-smoothed curve (bandwidth of :func:`smooth_ece`)
            with a bootstrap band.
        n_bootstrap : int, default=100
            Bootstrap resamples for the band.
        confidence_level : float, default=0.9
            Coverage of the band.
        random_state : int, RandomState instance or None, default=None
            Seed of the bootstrap.
        pos_label : int, float, bool or str, default=None
            The positive class; required unless the labels are in {0, 1},
            {-1, 1} or {False, True}.
        name : str, default=None
            Legend label.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure by default.
        show_counts : bool, default=True
            Draw the bin weights as bars on a secondary axis.

        Returns
        -------
        display : ReliabilityDisplay
        """
        pt, pp, c, sm = cls._compute(y_true, y_prob, n_bins=n_bins, strategy=strategy,
                                     sample_weight=sample_weight, smooth=smooth, n_bootstrap=n_bootstrap,
                                     confidence_level=confidence_level, random_state=random_state,
                                     pos_label=pos_label)
        return cls(pt, pp, c, smooth=sm, name=name).plot(ax=ax, show_counts=show_counts)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, groups=None, **kwargs):
        """Reliability diagram of a fitted binary classifier.

        Parameters
        ----------
        estimator : fitted classifier
            With ``predict_proba``; a :class:`MultiCalibrator` also gets
            ``groups``.
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Binary labels.
        groups : array-like of shape (n_samples, n_groups), default=None
            Passed to ``predict_proba`` when given.
        **kwargs : dict
            Options of :meth:`from_predictions`.

        Returns
        -------
        display : ReliabilityDisplay
        """
        if not hasattr(estimator, "predict_proba"):
            raise TypeError(f"`estimator` must have predict_proba; got {type(estimator).__name__}.")
        proba = estimator.predict_proba(X) if groups is None else estimator.predict_proba(X, groups=groups)
        classes = np.asarray(estimator.classes_)
        if classes.size != 2:
            raise ValueError(f"`estimator` must be a binary classifier; got classes {classes.tolist()}.")
        y01 = (np.asarray(y) == classes[1]).astype(int)
        kwargs.setdefault("name", type(estimator).__name__)
        return cls.from_predictions(y01, proba[:, 1], **kwargs)

    @classmethod
    def from_groups(cls, y_true, y_prob, groups, *, n_bins=10, strategy="uniform", sample_weight=None,
                    smooth=False, n_bootstrap=50, random_state=None, pos_label=None, ncols=3, axes=None,
                    show_counts=False):
        """One reliability panel per group, optionally several models per panel.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary labels.
        y_prob : array-like of shape (n_samples,) or dict of str to array-like
            Predicted probabilities, or ``{label: probabilities}`` to overlay
            several models (for example before and after multicalibration).
        groups : array-like of bool of shape (n_samples, n_groups) or DataFrame
            Group membership; empty groups get an empty panel.
        n_bins : int, default=10
            Number of bins.
        strategy : {"uniform", "quantile"}, default="uniform"
            Equal-width or equal-mass bins.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        smooth : bool, default=False
            Add smoothed curves with bootstrap bands.
        n_bootstrap : int, default=50
            Bootstrap resamples.
        random_state : int, RandomState instance or None, default=None
            Seed of the bootstrap.
        pos_label : int, float, bool or str, default=None
            The positive class; required unless the labels are in {0, 1},
            {-1, 1} or {False, True}. The labels are
            encoded once over all rows, so a group without positives is fine.
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

        models = y_prob if isinstance(y_prob, dict) else {None: y_prob}
        y_arr = _binary_target(y_true, pos_label)
        G, names = check_groups(groups, y_arr.shape[0], allow_empty=True)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if axes is None:
            nrows = int(np.ceil(len(names) / ncols))
            fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 3.2 * nrows), squeeze=False)
            for ax in axes.ravel()[len(names):]:
                ax.set_visible(False)
        axes = np.asarray(axes).ravel()
        out = {}
        for j, gname in enumerate(names):
            m = G[:, j]
            ax = axes[j]
            out[gname] = []
            if not m.any():
                ax.set_title(f"{gname} (empty)")
                continue
            for label, p in models.items():
                p = np.asarray(p)
                out[gname].append(cls.from_predictions(
                    y_arr[m], p[m], n_bins=n_bins, strategy=strategy,
                    sample_weight=None if w is None else w[m], smooth=smooth, n_bootstrap=n_bootstrap,
                    random_state=random_state, name=label, ax=ax, show_counts=show_counts))
            ax.set_title(f"{gname} (n={int(m.sum())})", fontsize=9)
        return out

    # ------------------------------------------------------------------ #
    def plot(self, ax=None, *, name=None, show_counts=True):
        """Draw the diagram.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure by default.
        name : str, default=None
            Legend label (overrides the stored one).
        show_counts : bool, default=True
            Draw the bin weights as bars on a secondary axis.

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
        if self.smooth is not None:
            color = self.line_.get_color()
            s = self.smooth
            ax.plot(s["t"], s["curve"], color=color, lw=1.5, alpha=0.9)
            ax.fill_between(s["t"], s["lower"], s["upper"], color=color, alpha=0.2, lw=0)
        if show_counts and len(self.counts):
            ax2 = ax.twinx()
            ax2.bar(self.prob_pred, self.counts, width=0.02, color=self.line_.get_color(), alpha=0.25)
            ax2.set_ylabel("weight per bin", fontsize=8)
            ax2.tick_params(labelsize=7)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("mean predicted probability")
        ax.set_ylabel("observed frequency")
        if label is not None:
            ax.legend(loc="upper left", fontsize=8)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self
