"""Regret curves (scikit-learn Display convention: ``from_simulation`` / ``from_policies`` / ``plot``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from statlearn._docstrings import fill_doc

__all__ = ["RegretDisplay"]

_METRICS = {"policy_regret": "complete policy regret", "pseudo_regret": "pseudo-regret"}


@fill_doc
class RegretDisplay:
    """Mean regret per round with a band over runs, one curve per policy.

    Build it with :meth:`from_simulation` (results of :func:`simulate`) or
    :meth:`from_policies` (runs the simulations); draw with :meth:`plot`.

    Parameters
    ----------
    curves : dict of str to tuple of ndarray
        Policy name -> ``(rounds, mean, lo, hi)``, arrays of the same length.
    metric : {"policy_regret", "pseudo_regret"}, default="policy_regret"
        What the curves are (used for the axis label).
    band : float, default=0.8
        Central probability of the band (for the legend).

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on.
    {figure_}
    lines_ : dict of str to Line2D
        The mean curve of each policy.

    See Also
    --------
    simulate : the numbers behind the curves.

    Examples
    --------
    >>> from statlearn.bandits import UCB1, BernoulliEnvironment, RegretDisplay
    >>> disp = RegretDisplay.from_policies({"UCB1": UCB1(2)}, BernoulliEnvironment([0.2, 0.8]),
    ...                                    horizon=200, n_runs=5, random_state=0)
    >>> sorted(disp.lines_)
    ['UCB1']
    """

    def __init__(self, curves, *, metric="policy_regret", band=0.8):
        self.curves = curves
        self.metric = metric
        self.band = band

    @classmethod
    def from_simulation(cls, results, *, metric="policy_regret", ax=None):
        """Curves from the output of :func:`simulate` (summary or ``per_run``; frames may be concatenated).

        Parameters
        ----------
        results : pandas.DataFrame
            One or several :func:`simulate` outputs (one curve per ``policy``).
        {metric}
        {ax_or_none}

        {display}
        """
        if metric not in _METRICS:
            raise ValueError(f"`metric` must be one of {sorted(_METRICS)}; got {metric!r}.")
        if not isinstance(results, pd.DataFrame) or "round" not in results:
            raise ValueError("`results` must be a DataFrame returned by simulate().")
        curves, band = {}, float(results.attrs.get("band", 0.8))
        groups = results.groupby("policy", observed=True, sort=False) if "policy" in results else [("", results)]
        for name, df in groups:
            if f"{metric}_mean" in df:
                curves[str(name)] = tuple(df[c].to_numpy() for c in ("round", f"{metric}_mean", f"{metric}_lo",
                                                                      f"{metric}_hi"))
            elif metric in df and "run" in df:
                wide = df.pivot(index="round", columns="run", values=metric)
                q = wide.quantile([(1 - band) / 2, (1 + band) / 2], axis=1).to_numpy()
                curves[str(name)] = (wide.index.to_numpy(), wide.mean(axis=1).to_numpy(), q[0], q[1])
            else:
                raise ValueError(f"`results` has no `{metric}` columns; pass the output of simulate().")
        return cls(curves, metric=metric, band=band).plot(ax=ax)

    @classmethod
    def from_policies(cls, policies, environment, horizon, *, n_runs=10, metric="policy_regret",
                      random_state=None, ax=None, **simulate_kwargs):
        """Simulate every policy on ``environment`` and plot the curves.

        Parameters
        ----------
        policies : dict of str to policy, or list of policies
            The policies (a list is labelled by ``repr``).
        environment : environment object
            Passed to :func:`simulate`.
        horizon : int
            Rounds per run.
        n_runs : int, default=10
            Runs per policy.
        {metric}
        random_state : None, int, Generator, RandomState or SeedSequence, default=None
            Root seed, the same for every policy (common random numbers).
        ax : matplotlib Axes or None, default=None
            Where to draw.
        **simulate_kwargs : dict
            Further arguments of :func:`simulate` (``record_every``, ``band``, ``n_jobs``).

        {display}
        """
        from .simulate import simulate

        items = policies.items() if isinstance(policies, dict) else [(repr(p), p) for p in policies]
        seed = random_state if not isinstance(random_state, np.random.Generator) else int(random_state.integers(2**31))
        frames = [simulate(p, environment, horizon, n_runs=n_runs, random_state=seed, label=name, **simulate_kwargs)
                  for name, p in items]
        results = pd.concat(frames, ignore_index=True)
        results.attrs["band"] = frames[0].attrs.get("band", 0.8)
        return cls.from_simulation(results, metric=metric, ax=ax)

    def plot(self, ax=None, *, log_x=False):
        """Draw the curves.

        Parameters
        ----------
        {ax_or_none}
        log_x : bool, default=False
            Logarithmic round axis.

        Returns
        -------
        display : RegretDisplay
            This display, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        self.lines_ = {}
        for name, (x, mean, lo, hi) in self.curves.items():
            (line,) = ax.plot(x, mean, label=name)
            ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
            self.lines_[name] = line
        ax.set_xlabel("round t")
        ax.set_ylabel(f"{_METRICS[self.metric]} (cumulative loss - comparator's)")
        ax.set_title(f"{_METRICS[self.metric]}: mean and {self.band:.0%} band over runs")
        if log_x:
            ax.set_xscale("log")
        ax.legend(fontsize="small")
        self.ax_, self.figure_ = ax, ax.figure
        return self
