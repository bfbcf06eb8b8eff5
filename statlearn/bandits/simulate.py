"""Simulate bandit policies against environments and measure (complete policy) regret.

``simulate`` runs R independent repetitions in one compiled call (one kernel per policy
family, chosen by name), keeping only the running sums at the recorded rounds: memory is
O(R x recorded points) whatever the horizon.
"""

from __future__ import annotations

import copy
import numbers

import numpy as np
import pandas as pd

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, validate_args

from ._kernels import KERNELS
from ._kernels.environments import NOISE_GAUSSIAN as _GAUSSIAN
from ._kernels.random import new_state
from .environments import LinearContextualEnvironment, _BaseEnvironment
from .policies import BasePolicy, BlockedPolicy

__all__ = ["simulate"]

DEFAULT_POINTS = 1000


def _seed_sequences(random_state, n_runs):
    """Two seed sequences (policy, environment) per run, spawned from ``random_state``."""
    if isinstance(random_state, np.random.SeedSequence):
        root = random_state
    elif isinstance(random_state, np.random.Generator):
        root = np.random.SeedSequence(int(random_state.integers(2**63)))
    elif isinstance(random_state, np.random.RandomState):
        root = np.random.SeedSequence(int(random_state.randint(0, 2**31 - 1)))
    else:
        root = np.random.SeedSequence(random_state)
    return [child.spawn(2) for child in root.spawn(n_runs)]


def _record_rounds(horizon, record_every):
    every = max(1, horizon // DEFAULT_POINTS) if record_every is None else int(record_every)
    rounds = np.arange(every, horizon + 1, every, dtype=np.int64)
    if rounds.size == 0 or rounds[-1] != horizon:
        rounds = np.append(rounds, np.int64(horizon))
    return rounds


def _unwrap(policy):
    """``(base policy, block_size, burn_in)``; a copy, never the user's object."""
    if isinstance(policy, BlockedPolicy):
        policy._ensure()
        return copy.deepcopy(policy.policy_).reset(), int(policy.block_size), int(policy.burn_in)
    return copy.deepcopy(policy).reset(), 1, 0


def _check_pair(policy, environment, horizon):
    """Arms, contexts and horizons of a built-in policy and environment must agree."""
    base, block, _ = _unwrap(policy)
    if base._contextual != environment.contextual:
        kind = "contextual" if environment.contextual else "non-contextual"
        raise ValueError(f"`policy` {policy!r} cannot play the {kind} `environment` {environment!r}.")
    if base.n_arms_ != environment.n_arms:
        raise ValueError(f"`policy` has {base.n_arms_} arms but `environment` has {environment.n_arms}; "
                         "they must match.")
    if base._unit_losses and not environment.contextual and environment._noise_code == _GAUSSIAN:
        raise ValueError(f"`policy` {type(base).__name__} needs losses in [0, 1], but `environment` adds "
                         "Gaussian noise; use noise='bernoulli' or 'none', or a policy for unbounded losses.")
    rounds = -(-horizon // block)  # the base policy of a blocked policy sees one update per block
    if hasattr(base, "horizon") and base.horizon < rounds:
        what = "blocks" if block > 1 else "rounds"
        raise ValueError(
            f"`policy` was built for `horizon`={base.horizon} but simulate() plays {rounds} {what}: its "
            "confidence radius / learning rate / schedule depend on the horizon. Build the policy with "
            f"horizon >= {rounds}.")
    if environment.contextual and base.n_features is not None and base.n_features != environment.n_features:
        raise ValueError(f"`policy` has n_features={base.n_features} but `environment` draws "
                         f"{environment.n_features} features.")
    return base, block


def _run_numba(policy, environment, seeds, record_at):
    """All runs in one compiled call of the policy's simulator."""
    base, block, burn_in = _unwrap(policy)
    n_runs, n_rec = len(seeds), record_at.shape[0]
    policy_rngs = np.stack([new_state(np.random.default_rng(ps)) for ps, _ in seeds])
    env_rngs = np.stack([new_state(np.random.default_rng(es)) for _, es in seeds])
    out = (np.zeros((n_runs, n_rec)), np.zeros((n_runs, n_rec)), np.zeros((n_runs, n_rec), dtype=np.int64))
    env = environment._kernel_env()
    kernel = KERNELS[base._kernel]["simulate"]
    if environment.contextual:
        if base._d is None:
            base._allocate(environment.n_features)
        out = (*out, np.zeros((n_runs, n_rec)))
        kernel(*base._state, *base._hyper_values, env, policy_rngs, env_rngs, record_at, *out)
    else:
        kernel(*base._state, *base._hyper_values, block, burn_in, env, policy_rngs, env_rngs, record_at, *out)
    return out


def _reseed(policy, seed):
    pol = copy.deepcopy(policy)
    if isinstance(pol, BlockedPolicy):
        pol.policy.set_params(random_state=seed)
        return pol.reset()
    if "random_state" in getattr(pol, "get_params", dict)():
        pol.set_params(random_state=seed)
    return pol.reset() if hasattr(pol, "reset") else pol


def _to_index(policy, arm):
    if isinstance(policy, BlockedPolicy):
        policy = policy.policy_
    return policy._arm_index(arm) if isinstance(policy, BasePolicy) else arm


def _run_python(policy, environment, seeds, record_at):
    """Round by round through ``select`` / ``update`` / ``step`` (any policy object)."""
    n_runs, n_rec = len(seeds), record_at.shape[0]
    contextual = environment.contextual
    out = [np.zeros((n_runs, n_rec)), np.zeros((n_runs, n_rec)), np.zeros((n_runs, n_rec), dtype=np.int64)]
    if contextual:
        out.append(np.zeros((n_runs, n_rec)))
    for r, (ps, es) in enumerate(seeds):
        pol = _reseed(policy, ps)
        env = copy.deepcopy(environment).set_params(random_state=es).reset()
        cum_mean = cum_loss = cum_best = 0.0
        j = 0
        for t in range(int(record_at[-1])):
            x = env.observe() if contextual else None
            arm = pol.select(x) if contextual else pol.select()
            a = env._check_arm(_to_index(pol, arm)) if not contextual else _to_index(pol, arm)
            mean, loss = env._step(a)
            pol.update(arm, loss, x) if contextual else pol.update(arm, loss)
            cum_mean += mean
            cum_loss += loss
            cum_best += env.last_best_loss_ if contextual else 0.0
            if t + 1 == record_at[j]:
                out[0][r, j], out[1][r, j], out[2][r, j] = cum_mean, cum_loss, a
                if contextual:
                    out[3][r, j] = cum_best
                j += 1
    return tuple(out)


def _comparators(environment, horizon, rounds):
    """``(best cumulative loss per round, cumulative loss of the best repeated arm)`` at ``rounds``."""
    m = environment._weights.size
    warm = environment.repeated_play_losses(m)  # (n_arms, m); the last column is saturated
    saturated = warm[:, -1]
    n_warm = min(m, horizon)
    totals = warm[:, :n_warm].sum(axis=1) + saturated * (horizon - n_warm)
    best = int(np.argmin(totals))
    warm_cum = np.cumsum(warm[best])
    inside = np.minimum(rounds, m) - 1
    comparator = warm_cum[inside] + saturated[best] * np.maximum(rounds - m, 0)
    return saturated.min() * rounds, comparator


def _frame(name, rounds, cum_loss, arms, pseudo, cpr, band, per_run, labels):
    n_runs, n_rec = pseudo.shape
    if per_run:
        arm = arms.ravel() if labels is None else pd.Categorical.from_codes(arms.ravel(), categories=labels)
        return pd.DataFrame({
            "policy": pd.Categorical.from_codes(np.zeros(n_runs * n_rec, dtype=np.int8), categories=[name]),
            "run": np.repeat(np.arange(n_runs), n_rec), "round": np.tile(rounds, n_runs), "arm": arm,
            "cumulative_loss": cum_loss.ravel(), "pseudo_regret": pseudo.ravel(), "policy_regret": cpr.ravel()})
    cols = {"policy": pd.Categorical.from_codes(np.zeros(n_rec, dtype=np.int8), categories=[name]),
            "round": rounds, "n_runs": np.full(n_rec, n_runs)}
    lo_q, hi_q = (1 - band) / 2, (1 + band) / 2
    for metric, values in (("pseudo_regret", pseudo), ("policy_regret", cpr)):
        cols[f"{metric}_mean"] = values.mean(axis=0)
        cols[f"{metric}_lo"] = np.quantile(values, lo_q, axis=0)
        cols[f"{metric}_hi"] = np.quantile(values, hi_q, axis=0)
    out = pd.DataFrame(cols)
    out.attrs["band"] = band
    return out


def _run_parallel(runner, policy, environment, seeds, record_at, n_jobs):
    if n_jobs is None or n_jobs == 1 or len(seeds) == 1:
        return runner(policy, environment, seeds, record_at)
    from joblib import effective_n_jobs

    from statlearn._parallel import Parallel, delayed

    n_chunks = min(len(seeds), effective_n_jobs(n_jobs))
    chunks = [c for c in np.array_split(np.arange(len(seeds)), n_chunks) if c.size]
    parts = Parallel(n_jobs=n_jobs)(delayed(runner)(policy, environment, [seeds[i] for i in c], record_at)
                                    for c in chunks)
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(len(parts[0])))


@validate_args({
    "environment": [_BaseEnvironment, LinearContextualEnvironment],
    "horizon": [Interval("integral", 1, None, closed="left")],
    "n_runs": [Interval("integral", 1, None, closed="left")],
    "random_state": ["random_state"], "n_jobs": [None, numbers.Integral],
    "engine": [Options("auto", "numba", "python")], "label": [None, str],
    "record_every": [None, Interval("integral", 1, None, closed="left")],
    "band": [Interval("real", 0, 1, closed="left")], "per_run": ["boolean"]}, owner="simulate")
@fill_doc
def simulate(policy, environment, horizon, n_runs=1, random_state=None, n_jobs=None, *, engine="auto",
             label=None, record_every=None, band=0.8, per_run=False):
    """Run a policy against an environment ``n_runs`` times and measure regret per recorded round.

    Each run starts from a fresh copy of the policy and of the environment (empty
    history), each with its own stream spawned from ``random_state``. For
    built-in objects all runs execute in one compiled call and only the running
    sums at the recorded rounds are kept, so memory is O(n_runs x recorded
    points) for any horizon. The comparator of complete policy regret is the
    best fixed arm played at every round from an empty history, charged the
    losses its own repetition induces (under Repeated Exposure Optimality, the
    best action sequence); for a contextual environment it is the best arm of
    each round's context.

    Parameters
    ----------
    policy : policy object
        A statlearn policy (or :class:`BlockedPolicy`), or any object with
        ``select()``, ``update(arm, loss)`` and ``reset()`` (run with
        ``engine="python"``).
    environment : TallyingEnvironment, BernoulliEnvironment or LinearContextualEnvironment
        The environment (its ``random_state`` is replaced per run).
    horizon : int
        Rounds per run, T >= 1. A policy built for a shorter ``horizon`` raises.
    n_runs : int, default=1
        Independent runs.
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Root seed; run ``r`` uses two seeds spawned from it (policy, environment).
    n_jobs : int or None, default=None
        Split the runs over joblib workers (``None``: 1).
    engine : {"auto", "numba", "python"}, default="auto"
        ``"numba"``: the compiled simulator (statlearn policies only);
        ``"python"``: ``select`` / ``update`` / ``step`` round by round;
        ``"auto"``: numba when it can. Both give identical numbers for
        statlearn policies.
    label : str or None, default=None
        Value of the ``policy`` column (default: ``repr(policy)``).
    record_every : int or None, default=None
        Record every ``record_every``-th round and the last one; ``None`` keeps
        about 1,000 evenly spaced rounds. Regrets always use every round.
    band : float, default=0.8
        Central probability of the band over runs (0.8: the 10%-90% quantiles).
    per_run : bool, default=False
        Return one row per run and recorded round instead of the summary.

    Returns
    -------
    results : pandas.DataFrame
        By default one row per recorded round: ``policy``, ``round``,
        ``n_runs``, and ``pseudo_regret_{mean,lo,hi}``,
        ``policy_regret_{mean,lo,hi}`` (mean and band over runs). With
        ``per_run=True``: ``policy``, ``run``, ``round``, ``arm`` (played at
        that round), ``cumulative_loss`` (observed), ``pseudo_regret`` and
        ``policy_regret``. Pseudo-regret is the cumulative expected loss minus
        the smallest saturated loss per round.

    See Also
    --------
    RegretDisplay : plot the curves.

    {ref_malik}

    Examples
    --------
    >>> from statlearn.bandits import UCB1, BernoulliEnvironment, simulate
    >>> df = simulate(UCB1(2), BernoulliEnvironment([0.2, 0.8]), horizon=500, n_runs=20, random_state=0)
    >>> df.shape
    (500, 9)
    >>> bool(df["policy_regret_mean"].iloc[-1] < 50)
    True
    """
    builtin = isinstance(policy, BasePolicy | BlockedPolicy)
    if not builtin:
        for meth in ("select", "update", "reset"):
            if not callable(getattr(policy, meth, None)):
                raise TypeError(f"simulate: `policy` must have a `{meth}` method; got {policy!r}.")
        if engine == "numba":
            raise ValueError("simulate: `engine='numba'` needs a statlearn policy; use engine='python'.")
    else:
        _check_pair(policy, environment, horizon)
    environment = copy.deepcopy(environment)
    environment.reset()
    record_at = _record_rounds(horizon, record_every)
    runner = _run_numba if builtin and engine != "python" else _run_python
    out = _run_parallel(runner, policy, environment, _seed_sequences(random_state, n_runs), record_at, n_jobs)
    cum_mean, cum_loss, arms = out[:3]
    if environment.contextual:
        pseudo = cpr = cum_mean - out[3]
    else:
        best, comparator = _comparators(environment, horizon, record_at)
        pseudo, cpr = cum_mean - best, cum_mean - comparator
    labels = None
    if builtin:
        labels = _unwrap(policy)[0]._labels
    name = repr(policy) if label is None else label
    return _frame(name, record_at, cum_loss, arms, pseudo, cpr, float(band), per_run, labels)
