"""PathDisplay: the PRESTO regularization path and its cross-validation curve (draws only)."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from statlearn._docstrings import fill_doc
from statlearn._validation import check_finite_array

__all__ = ["PathDisplay"]


@fill_doc
class PathDisplay:
    """PRESTO's path against ``lam``: the cross-validation curve with its standard errors, the
    weights of the first boundary, and each feature's departure from proportional odds.

    Build it with :meth:`from_estimator` (a fitted :class:`PrestoCV`, optionally with its
    training data for the coefficient panels) or :meth:`from_path` (a :func:`presto_path`
    result), then :meth:`plot`.

    Parameters
    ----------
    lambdas : ndarray of shape (n_lambdas,)
        The grid, decreasing.
    coef : ndarray of shape (n_lambdas, n_features, n_classes - 1), default=None
        Boundary weights along the path (original scale).
    diff_coef : ndarray of shape (n_lambdas, n_features, n_classes - 1), default=None
        Differences of adjacent boundary weights along the path.
    mean_score, se_score : ndarray of shape (n_lambdas,), default=None
        Cross-validated loss and its standard error.
    lam : float, default=None
        The chosen ``lam`` (marked).
    lam_1se : float, default=None
        The largest ``lam`` within one standard error of the best (marked).
    scoring : str, default=None
        Name of the loss, for the axis label.
    feature_names : list of str, default=None
        Legend entries; ``x0, x1, ...`` by default.

    Attributes
    ----------
    axes_ : list of matplotlib Axes
        The panels drawn.
    {figure_}
    lines_ : dict
        The drawn artists per panel: ``"cv"``, ``"first"``, ``"departure"``.

    See Also
    --------
    PrestoCV : the cross-validated estimator.
    presto_path : the path itself.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from statlearn.datasets import make_presto_data
    >>> from statlearn.ordinal import PathDisplay, PrestoCV
    >>> X, y = make_presto_data(n_samples=500, random_state=0)
    >>> cv = PrestoCV(n_lambdas=8, cv=3, random_state=0).fit(X, y)
    >>> disp = PathDisplay.from_estimator(cv, X, y)
    >>> len(disp.axes_)
    3
    """

    def __init__(self, lambdas, *, coef=None, diff_coef=None, mean_score=None, se_score=None, lam=None,
                 lam_1se=None, scoring=None, feature_names=None):
        self.lambdas = lambdas
        self.coef = coef
        self.diff_coef = diff_coef
        self.mean_score = mean_score
        self.se_score = se_score
        self.lam = lam
        self.lam_1se = lam_1se
        self.scoring = scoring
        self.feature_names = feature_names

    @classmethod
    def from_estimator(cls, estimator, X=None, y=None, *, sample_weight=None, ax=None, max_legend=8):
        """Plot a fitted :class:`PrestoCV`: its curve, and its path when ``X, y`` are given.

        Parameters
        ----------
        estimator : PrestoCV
            Fitted.
        X : array-like of shape (n_samples, n_features), default=None
            Its training data: the path is recomputed on the scored grid.
        y : array-like of shape (n_samples,), default=None
            Its training labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Its training weights.
        ax : matplotlib Axes or list of Axes, default=None
            Where to draw (one per panel); new axes by default.
        {max_legend}

        {path_display}
        """
        check_is_fitted(estimator, "cv_results_")
        res = estimator.cv_results_
        kw = {"mean_score": res["mean_score"], "se_score": res["se_score"], "lam": estimator.lam_,
              "lam_1se": float(res["lambdas"][res["index_1se"]]), "scoring": res["scoring"],
              "feature_names": _names(estimator)}
        if X is not None:
            from .presto import presto_path

            if y is None:
                raise ValueError("PathDisplay.from_estimator: `y` is required with `X`.")
            path = presto_path(X, y, lambdas=estimator.lambdas_, sample_weight=sample_weight,
                               **{k: getattr(estimator, k) for k in _PATH_PARAMS})
            kw.update(coef=path.coef, diff_coef=path.diff_coef)
        return cls(res["lambdas"], **kw).plot(ax=ax, max_legend=max_legend)

    @classmethod
    def from_path(cls, path, *, feature_names=None, ax=None, max_legend=8):
        """Plot a :func:`presto_path` result (coefficient panels only).

        Parameters
        ----------
        {path_bunch}
        feature_names : list of str, default=None
            Legend entries.
        ax : matplotlib Axes or list of Axes, default=None
            Where to draw (one per panel).
        max_legend : int, default=8
            Features named in the legend.

        {path_display}
        """
        return cls(path.lambdas, coef=path.coef, diff_coef=path.diff_coef,
                   feature_names=feature_names).plot(ax=ax, max_legend=max_legend)

    def plot(self, ax=None, *, max_legend=8):
        """Draw the panels that the display has data for.

        Parameters
        ----------
        ax : matplotlib Axes or list of Axes, default=None
            One per panel (cross-validation curve, first boundary, departure from
            proportional odds, in that order, those available); new axes by default.
        {max_legend}

        Returns
        -------
        display : PathDisplay
            ``self``, with ``axes_``, ``figure_`` and ``lines_`` set.
        """
        import matplotlib.pyplot as plt

        self._check()
        panels = (["cv"] if self.mean_score is not None else []) + (
            ["first", "departure"] if self.coef is not None else [])
        if not panels:
            raise ValueError("PathDisplay: nothing to plot; give `mean_score` or `coef`.")
        if ax is None:
            fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
            axes = list(axes[0])
        else:
            axes = list(np.atleast_1d(ax))
            if len(axes) != len(panels):
                raise ValueError(f"PathDisplay.plot: `ax` must hold {len(panels)} axes ({panels}); got {len(axes)}.")
            fig = axes[0].figure
        self.lines_ = {}
        for a, panel in zip(axes, panels, strict=True):
            getattr(self, f"_draw_{panel}")(a, max_legend)
            a.set_xscale("log")
            a.set_xlabel("penalty lam (log scale)")
            for lam, style in ((self.lam, "-"), (self.lam_1se, ":")):
                if lam is not None and lam > 0:
                    a.axvline(lam, color="0.4", linestyle=style, linewidth=1)
        fig.tight_layout()
        self.axes_, self.figure_ = axes, fig
        return self

    def _check(self):
        """Validated float arrays of the display's data, as ``self._data``."""
        lam = check_finite_array(self.lambdas, name="lambdas", ndim=1)
        if (lam < 0).any():
            raise ValueError("PathDisplay: `lambdas` must be >= 0.")
        m = lam.size
        data = {"lambdas": lam}
        for name, ndim in (("mean_score", 1), ("se_score", 1), ("coef", 3), ("diff_coef", 3)):
            v = getattr(self, name)
            data[name] = None if v is None else check_finite_array(v, name=name, ndim=ndim)
            if v is not None and data[name].shape[0] != m:
                raise ValueError(f"PathDisplay: `{name}` must have one entry per lambda ({m}); got shape "
                                 f"{data[name].shape}.")
        for a, b in (("mean_score", "se_score"), ("coef", "diff_coef")):
            if (data[a] is None) != (data[b] is None):
                raise ValueError(f"PathDisplay: give both `{a}` and `{b}`, or neither.")
        self._data = data

    def _draw_cv(self, ax, max_legend):
        d = self._data
        lam, m, se = d["lambdas"], d["mean_score"], d["se_score"]
        line = ax.plot(lam, m, marker=".", label="mean over folds")[0]
        band = ax.fill_between(lam, m - se, m + se, alpha=0.25, label="+- 1 standard error")
        ax.set_ylabel(f"out-of-fold {self.scoring or 'loss'} (lower: better)")
        ax.set_title("cross-validation curve (solid: chosen lam, dotted: 1-s.e. rule)", fontsize=9)
        ax.legend(fontsize=8)
        self.lines_["cv"] = [line, band]

    def _legend_order(self):
        dev = np.abs(self._data["diff_coef"][:, :, 1:]).sum(axis=(0, 2))
        first = np.abs(self._data["coef"][:, :, 0]).max(axis=0)
        return np.lexsort((-first, -dev))

    def _label(self, j):
        names = self.feature_names
        return str(names[j]) if names is not None else f"x{j}"

    def _draw_first(self, ax, max_legend):
        B = self._data["coef"][:, :, 0]
        order = self._legend_order()
        named = set(order[:max_legend].tolist())
        lam = self._data["lambdas"]
        self.lines_["first"] = [ax.plot(lam, B[:, j], label=self._label(j) if j in named else None)[0]
                                for j in range(B.shape[1])]
        ax.axhline(0, color="0.7", linewidth=0.8)
        ax.set_ylabel("beta_1 (original feature scale)")
        ax.set_title("first-boundary weights (colours as at right)", fontsize=9)

    def _draw_departure(self, ax, max_legend):
        D = np.abs(self._data["diff_coef"][:, :, 1:]).sum(axis=2)
        order = self._legend_order()
        named = set(order[:max_legend].tolist())
        lam = self._data["lambdas"]
        self.lines_["departure"] = [ax.plot(lam, D[:, j], label=self._label(j) if j in named else None)[0]
                                    for j in range(D.shape[1])]
        ax.set_ylabel("sum_k>=2 |beta_k - beta_(k-1)|")
        ax.set_title("departure from proportional odds per feature", fontsize=9)
        if D.shape[1]:
            ax.legend(fontsize=7, title="feature", title_fontsize=7, loc="upper right")


_PATH_PARAMS = ("l1_ratio", "first_block_penalty", "penalty_factor", "standardize", "tol", "max_iter", "link")


def _names(estimator):
    names = getattr(estimator, "feature_names_in_", None)
    return None if names is None else [str(v) for v in names]
