"""Simulate bandit policies against environments and measure (complete policy) regret."""

from __future__ import annotations

import copy
import numbers

import numpy as np
import pandas as pd

from . import _kernels as K
from ._base import _check_int, _draws
from .environments import BUILTIN_ENVIRONMENTS, _BaseEnvironment
from .policies import BUILTIN_POLICIES, _BasePolicy

__all__ = ["simulate", "plot_regret"]

_COLUMNS = ["policy", "run", "round", "arm", "loss", "expected_loss", "pseudo_regret", "policy_regret"]


def _seed_sequences(random_state, n_runs):
    if random_state is None or isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        root = np.random.SeedSequence(random_state)
    elif isinstance(random_state, np.random.SeedSequence):
        root = random_state
    elif isinstance(random_state, np.random.Generator):
        root = np.random.SeedSequence(int(random_state.integers(2**63)))
    else:
        raise TypeError(
            f"`random_state` must be None, an int, a numpy Generator or a SeedSequence; got {random_state!r}."
        )
    return [child.spawn(2) for child in root.spawn(n_runs)]


def _is_builtin(policy, environment):
    return type(policy) in BUILTIN_POLICIES and type(environment) in BUILTIN_ENVIRONMENTS and (
        not isinstance(policy, BUILTIN_POLICIES[-1]) or type(policy.policy) in BUILTIN_POLICIES)


def _run_numba(policy, environment, horizon, policy_seed, env_seed):
    ip, fp = policy._kernel_arrays()
    K.init_policy_state(ip, fp)
    eip, efp, _ = environment._kernel_arrays()
    m = int(eip[1])
    hist = np.full(max(m, 1), -1, dtype=np.int64)
    hist[0] = 0
    u = _draws(policy_seed, horizon)
    noise_kind = int(eip[2])
    if noise_kind == K.NOISE_NONE:
        noise = np.zeros(horizon)
    else:
        noise = _draws(env_seed, horizon, "normal" if noise_kind == K.NOISE_GAUSSIAN else "uniform")
    arms = np.empty(horizon, dtype=np.int64)
    losses = np.empty(horizon)
    means = np.empty(horizon)
    K.simulate_loop(ip, fp, eip, efp, hist, u, noise, arms, losses, means)
    return arms, losses, means


def _run_python(policy, environment, horizon, policy_seed, env_seed):
    pol = copy.deepcopy(policy)
    env = copy.deepcopy(environment)
    _reseed(pol, policy_seed)
    env.set_params(random_state=env_seed)
    arms = np.empty(horizon, dtype=np.int64)
    losses = np.empty(horizon)
    means = np.empty(horizon)
    for t in range(horizon):
        a = pol.select()
        a_int = env._check_arm(a)
        mean, loss = env._step(a_int)
        pol.update(a, loss)
        arms[t], losses[t], means[t] = a_int, loss, mean
    return arms, losses, means


def _reseed(policy, seed):
    if isinstance(policy, BUILTIN_POLICIES[-1]):  # BlockedPolicy: the seed lives in the base policy
        policy.policy.random_state = seed
        policy.reset()
    elif hasattr(policy, "set_params") and "random_state" in getattr(policy, "get_params", dict)():
        policy.set_params(random_state=seed)
    elif hasattr(policy, "random_state"):
        policy.random_state = seed
        policy.reset()
    else:
        policy.reset()


def simulate(policy, environment, horizon, n_runs=1, random_state=None, n_jobs=None, *,
             engine="auto", label=None, record_every=1):
    """Run a policy against an environment and record per-round losses and regrets.

    Each run starts from a fresh policy (same parameters, its own seed) and a
    fresh environment (empty history, its own seed). The comparator of complete
    policy regret is the best fixed arm played at every round from an empty
    history, with the losses its own repetition induces (under Repeated
    Exposure Optimality this is the best action sequence).

    Parameters
    ----------
    policy : object
        A built-in policy (:class:`UCB1`, :class:`EXP3`,
        :class:`SuccessiveElimination`, :class:`WeightedTallyingSE`,
        :class:`BlockedPolicy`) or any object with ``select()``,
        ``update(arm, loss)``, ``reset()`` and a ``random_state`` attribute.
    environment : TallyingEnvironment or BernoulliEnvironment
        The environment (its ``random_state`` is replaced per run).
    horizon : int
        Rounds per run, T >= 1.
    n_runs : int, default=1
        Independent runs.
    random_state : None, int, numpy Generator or SeedSequence, default=None
        Root seed; run ``r`` uses two seeds spawned from it (policy, environment).
    n_jobs : int or None, default=None
        Runs in parallel through joblib (``None`` means 1).
    engine : {"auto", "numba", "python"}, default="auto"
        ``"numba"`` runs the whole loop in one compiled kernel (built-in
        policies and environments only); ``"python"`` calls ``select`` /
        ``update`` / ``step`` round by round; ``"auto"`` picks numba when it can.
        Both give identical results for built-in objects.
    label : str or None, default=None
        Value of the ``policy`` column (default: ``repr(policy)``).
    record_every : int, default=1
        Keep every ``record_every``-th round (and the last one) in the output;
        regrets are still computed from every round. Use it for long horizons.

    Returns
    -------
    results : pandas.DataFrame of shape (n_runs * n_recorded, 8)
        Tidy table, one row per run and recorded round (every round by
        default), with columns ``policy``, ``run``, ``round`` (1-based),
        ``arm``, ``loss`` (observed), ``expected_loss`` (``f_arm`` at the
        tally), ``pseudo_regret`` (cumulative ``expected_loss`` minus the
        smallest saturated loss per round) and ``policy_regret`` (cumulative
        complete policy regret against the best repeated arm).

    References
    ----------
    .. [1] D. Malik, C. Igoe, Y. Li, A. Singh. Weighted Tallying Bandits:
       Overcoming Intractability via Repeated Exposure Optimality. ICML 2023,
       arXiv:2305.02955.

    Examples
    --------
    >>> from statlearn.bandits import UCB1, BernoulliEnvironment, simulate
    >>> df = simulate(UCB1(n_arms=2), BernoulliEnvironment([0.2, 0.8]), horizon=500,
    ...               n_runs=2, random_state=0)
    >>> df.shape
    (1000, 8)
    >>> bool(df.groupby("run")["policy_regret"].last().lt(100).all())
    True
    """
    horizon = _check_int(horizon, "horizon", 1, "simulate")
    n_runs = _check_int(n_runs, "n_runs", 1, "simulate")
    record_every = _check_int(record_every, "record_every", 1, "simulate")
    if engine not in ("auto", "numba", "python"):
        raise ValueError(f"`engine` must be one of 'auto', 'numba', 'python'; got {engine!r}.")
    if not isinstance(environment, _BaseEnvironment):
        raise TypeError(
            f"`environment` must be a TallyingEnvironment or BernoulliEnvironment; got {environment!r}."
        )
    for meth in ("select", "update", "reset"):
        if not callable(getattr(policy, meth, None)):
            raise TypeError(f"`policy` must have a `{meth}` method; got {policy!r}.")
    builtin = _is_builtin(policy, environment)
    if engine == "numba" and not builtin:
        raise ValueError("`engine='numba'` needs a built-in policy and environment; use engine='python'.")
    if isinstance(policy, _BasePolicy):
        k_pol = policy.n_arms_
        if k_pol != environment.n_arms:
            raise ValueError(
                f"`policy` has {k_pol} arms but `environment` has {environment.n_arms}; they must match."
            )
    use_numba = builtin and engine != "python"
    runner = _run_numba if use_numba else _run_python
    seeds = _seed_sequences(random_state, n_runs)

    if n_jobs is None or n_jobs == 1:
        outs = [runner(policy, environment, horizon, ps, es) for ps, es in seeds]
    else:
        from joblib import Parallel, delayed

        outs = Parallel(n_jobs=n_jobs)(delayed(runner)(policy, environment, horizon, ps, es) for ps, es in seeds)

    # comparator: the best arm repeated from an empty history (its tally saturates after m plays)
    m = int(environment._eip[1])
    warm = environment.repeated_play_losses(max(m, 1))  # (n_arms, m); the last column is saturated
    saturated = warm[:, -1]
    best_saturated = float(saturated.min())
    n_warm = min(m, horizon)
    totals = warm[:, :n_warm].sum(axis=1) + saturated * (horizon - n_warm)
    best = int(np.argmin(totals))
    comparator = np.empty(horizon)
    comparator[:n_warm] = np.cumsum(warm[best, :n_warm])
    if horizon > n_warm:
        comparator[n_warm:] = comparator[n_warm - 1] + saturated[best] * np.arange(1, horizon - n_warm + 1)
    rounds = np.arange(1, horizon + 1)
    name = repr(policy) if label is None else str(label)
    if n_runs == 1:  # views, no copies
        arms, losses, means = (x[None, :] for x in outs[0])
    else:
        arms, losses, means = (np.stack([o[i] for o in outs]) for i in range(3))
    cum = np.cumsum(means, axis=1)
    pseudo = cum - best_saturated * rounds
    cpr = cum - comparator
    if record_every > 1:
        keep = np.unique(np.append(np.arange(record_every - 1, horizon, record_every), horizon - 1))
        arms, losses, means, pseudo, cpr, rounds = (x[..., keep] for x in (arms, losses, means, pseudo, cpr,
                                                                            rounds))
    n_rec = rounds.shape[0]
    return pd.DataFrame({
        "policy": pd.Categorical.from_codes(np.zeros(n_runs * n_rec, dtype=np.int8), categories=[name]),
        "run": np.repeat(np.arange(n_runs), n_rec),
        "round": np.tile(rounds, n_runs),
        "arm": arms.ravel(),
        "loss": losses.ravel(),
        "expected_loss": means.ravel(),
        "pseudo_regret": pseudo.ravel(),
        "policy_regret": cpr.ravel(),
    }, columns=_COLUMNS, copy=False)


def plot_regret(results, metric="policy_regret", *, band=0.8, ax=None, max_points=400):
    """Mean regret curve per policy with a quantile band over runs.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`simulate` (several can be concatenated; one curve per
        value of the ``policy`` column).
    metric : {"policy_regret", "pseudo_regret"}, default="policy_regret"
        Column to plot.
    band : float, default=0.8
        Central probability of the shaded band of runs (0.8: 10%-90% quantiles);
        0 disables it.
    ax : matplotlib Axes or None, default=None
        Where to draw (a new figure when ``None``).
    max_points : int, default=400
        Rounds drawn per curve (evenly thinned).

    Returns
    -------
    ax : matplotlib Axes
        The axes with the curves.

    Examples
    --------
    >>> from statlearn.bandits import UCB1, BernoulliEnvironment, simulate, plot_regret
    >>> df = simulate(UCB1(n_arms=2), BernoulliEnvironment([0.2, 0.8]), horizon=200,
    ...               n_runs=3, random_state=0)
    >>> ax = plot_regret(df)
    """
    import matplotlib.pyplot as plt

    if not isinstance(results, pd.DataFrame) or not {"run", "round", metric} <= set(results.columns):
        raise ValueError(f"`results` must be a DataFrame from simulate() with a `{metric}` column.")
    if metric not in ("policy_regret", "pseudo_regret"):
        raise ValueError(f"`metric` must be 'policy_regret' or 'pseudo_regret'; got {metric!r}.")
    if not 0.0 <= band < 1.0:
        raise ValueError(f"`band` must be in [0, 1); got {band!r}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    groups = results.groupby("policy", observed=True) if "policy" in results else [("policy", results)]
    for name, df in groups:
        wide = df.pivot(index="round", columns="run", values=metric)
        step = max(1, len(wide) // max_points)
        wide = wide.iloc[::step]
        x = wide.index.to_numpy()
        line, = ax.plot(x, wide.mean(axis=1).to_numpy(), label=str(name))
        if band > 0 and wide.shape[1] > 1:
            lo = wide.quantile((1 - band) / 2, axis=1).to_numpy()
            hi = wide.quantile((1 + band) / 2, axis=1).to_numpy()
            ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel("round")
    ax.set_ylabel(metric.replace("_", " "))
    ax.legend(fontsize="small")
    return ax
