"""Displays of statlearn.adaptive (scikit-learn's Display convention: compute in ``from_*``, draw in ``plot``)."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc

__all__ = ["SobolDisplay"]


@fill_doc
class SobolDisplay:
    """Sobol' indices with their confidence intervals, as bars (scalar model) or curves (vector model).

    Create it with :meth:`from_result` or :meth:`from_function` (or
    :meth:`SobolResult.plot`); the constructor only stores what to draw.

    Parameters
    ----------
    first_order : ndarray of shape (d,) or (n_outputs, d)
        First-order indices; a 2-D array is drawn as one curve per input
        against the output index (e.g. time steps).
    total_order : ndarray of the same shape or None
        Total indices.
    first_order_ci, total_order_ci : ndarray with a last axis of 2, or None
        Interval bounds (lower, upper).
    input_names : list of str or None, default=None
        Input names (default ``x0, x1, ...``).
    confidence_level : float or None, default=None
        Level of the intervals, for the legend.
    name : str or None, default=None
        Title of the plot.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    artists_ : dict
        The drawn containers, by index order (``"first_order"``, ``"total_order"``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from scipy import stats
    >>> from statlearn.adaptive import SobolDisplay
    >>> disp = SobolDisplay.from_function(lambda X: X[:, 0] + 2 * X[:, 1], [stats.norm()] * 2, 256,
    ...                                   random_state=0)
    >>> sorted(disp.artists_)
    ['first_order', 'total_order']
    """

    def __init__(self, first_order, total_order=None, *, first_order_ci=None, total_order_ci=None,
                 input_names=None, confidence_level=None, name=None):
        self.first_order = np.asarray(first_order, dtype=float)
        self.total_order = None if total_order is None else np.asarray(total_order, dtype=float)
        self.first_order_ci = first_order_ci
        self.total_order_ci = total_order_ci
        d = self.first_order.shape[-1]
        self.input_names = list(input_names) if input_names is not None else [f"x{i}" for i in range(d)]
        self.confidence_level = confidence_level
        self.name = name

    @classmethod
    def from_result(cls, result, *, output=None, ax=None, name=None):
        """Plot a :class:`SobolResult`.

        Parameters
        ----------
        result : SobolResult
            The output of :func:`sobol_indices`.
        output : int, tuple or None, default=None
            For a vector model, the output to draw as bars; None draws a
            scalar model as bars and a 1-D vector model as curves.
        {ax_axes}
        {name_title}

        Returns
        -------
        display : SobolDisplay
        """
        shape = tuple(result.output_shape)
        if output is None and len(shape) > 1:
            raise ValueError(f"`output` must name one output of a model with outputs of shape {shape} "
                             "(an index tuple); only 1-D vector outputs are drawn as curves.")
        key = () if output is None else (output if isinstance(output, tuple) else (output,))
        if key and (len(key) != len(shape) or any(not 0 <= k < s for k, s in zip(key, shape, strict=True))):
            raise ValueError(f"`output` must be an index into the output shape {shape}; got {output!r}.")

        def pick(a):
            return None if a is None else np.asarray(a)[key]

        title = name or (f"Sobol' indices ({result.method}, {result.n_model_calls} model calls)"
                         + (f", output {output}" if key else ""))
        disp = cls(pick(result.first_order), pick(result.total_order), first_order_ci=pick(result.first_order_ci),
                   total_order_ci=pick(result.total_order_ci), input_names=result.input_names,
                   confidence_level=result.confidence_level if result.first_order_ci is not None else None,
                   name=title)
        return disp.plot(ax=ax)

    @classmethod
    def from_function(cls, func, input_distribution, n, *, output=None, ax=None, name=None, **kwargs):
        """Compute the indices with :func:`sobol_indices` and plot them.

        Parameters
        ----------
        func, input_distribution, n
            As for :func:`sobol_indices`.
        output : int, tuple or None, default=None
            As for :meth:`from_result`.
        {ax_axes}
        {name_title}
        **kwargs
            Other arguments of :func:`sobol_indices` (``method``, ``random_state``, ...).

        Returns
        -------
        display : SobolDisplay
        """
        from .sobol import sobol_indices

        result = sobol_indices(func, input_distribution, n, **kwargs)
        return cls.from_result(result, output=output, ax=ax, name=name)

    def plot(self, ax=None, *, name=None):
        """Draw the indices.

        Parameters
        ----------
        {ax_axes_or_new}
        name : str or None, default=None
            Title (overrides the one given at construction).

        Returns
        -------
        display : SobolDisplay
        """
        import matplotlib.pyplot as plt

        own = ax is None
        if own:
            _, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(self.input_names) + 2), 3.6))
        self.artists_ = {}
        if self.first_order.ndim == 1:
            self._bars(ax)
        else:
            self._curves(ax)
        level = "" if self.confidence_level is None else f" ({100 * self.confidence_level:g}% intervals)"
        ax.set_title((name or self.name or "Sobol' indices") + level, fontsize=10)
        ax.legend(fontsize=8, loc="best")
        if own:
            ax.figure.tight_layout()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _series(self):
        yield "first_order", "first order $S_i$", self.first_order, self.first_order_ci
        if self.total_order is not None:
            yield "total_order", "total order $S_{Ti}$", self.total_order, self.total_order_ci

    def _bars(self, ax):
        d = len(self.input_names)
        x = np.arange(d)
        series = list(self._series())
        width = 0.8 / len(series)
        for k, (key, label, value, ci) in enumerate(series):
            err = None if ci is None else np.abs(np.stack([value - ci[..., 0], ci[..., 1] - value]))
            self.artists_[key] = ax.bar(x + (k - (len(series) - 1) / 2) * width, value, width, yerr=err,
                                        capsize=3, label=label)
        ax.set_xticks(x)
        ax.set_xticklabels(self.input_names, rotation=30 if d > 6 else 0, ha="right" if d > 6 else "center")
        ax.set_xlabel("input")
        ax.set_ylabel("share of output variance")
        ax.axhline(0.0, color="0.3", lw=0.8)

    def _curves(self, ax):
        t = np.arange(self.first_order.shape[0])
        colors = _colors(len(self.input_names))
        for key, _, value, ci in self._series():
            style = "-" if key == "first_order" else "--"
            lines = []
            for i, name in enumerate(self.input_names):
                label = f"{name} ({'first' if key == 'first_order' else 'total'})"
                (line,) = ax.plot(t, value[:, i], style, color=colors[i], label=label)
                if ci is not None:
                    ax.fill_between(t, ci[:, i, 0], ci[:, i, 1], color=colors[i], alpha=0.15, lw=0)
                lines.append(line)
            self.artists_[key] = lines
        ax.set_xlabel("output index")
        ax.set_ylabel("share of output variance")


def _colors(k):
    """``k`` distinct colours of matplotlib's default cycle (repeating if needed)."""
    import matplotlib.pyplot as plt

    cycle = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    return [cycle[i % len(cycle)] for i in range(k)]
