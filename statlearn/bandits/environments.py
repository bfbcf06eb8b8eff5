"""Bandit environments on losses: weighted tallying (memory-dependent), Bernoulli, linear contextual.

Tally convention (stated because it changes simulated losses): when arm ``a`` is played at
round ``t``, its weighted tally is

    y_{a,t} = sum_{i=1}^{m} w_i * 1[a was played at round t - i + 1],

so the current play counts with weight ``w_1`` and the play ``i - 1`` rounds ago with
``w_i``. After ``m`` consecutive plays of ``a`` the tally is saturated at ``W = sum_i w_i``.
Mean losses must stay in [0, 1] on every reachable tally: nothing is clipped.
"""

from __future__ import annotations

import numbers

import numpy as np

from statlearn._base import BaseObject, check_generator
from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, check_finite_array

from ._kernels import environments as K
from ._kernels.random import new_state

__all__ = ["LinearLoss", "StepLoss", "ExponentialLoss", "TallyingEnvironment", "BernoulliEnvironment",
           "LinearContextualEnvironment"]

_NOISE = {"none": K.NOISE_NONE, "bernoulli": K.NOISE_BERNOULLI, "gaussian": K.NOISE_GAUSSIAN}
_REAL = [Interval("real", None, None, closed="neither")]


def _loss_values(kind, params, y):
    """Numpy twin of the kernel's ``loss_value`` over an array of tallies (no compile needed)."""
    p0, p1, p2 = params
    if kind == K.LINEAR_LOSS:
        return p0 + p1 * y
    if kind == K.STEP_LOSS:
        return np.where(y < p2, p0, p1)
    return p1 + (p0 - p1) * np.exp(-p2 * y)


class _LossFunction(BaseObject):
    _kind = -1
    _parameter_constraints: dict = {}

    def _params3(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _range(self, lo, hi):
        """Smallest and largest value on tallies in [lo, hi] (monotone families: the endpoints)."""
        a, b = self(lo), self(hi)
        return min(a, b), max(a, b)

    def __call__(self, tally):
        """Mean loss at the given tally (no clipping).

        Parameters
        ----------
        tally : float or array-like
            Weighted tally value(s).

        Returns
        -------
        loss : float or ndarray
            ``f(tally)``, same shape as ``tally``.
        """
        self._validate_params()
        y = check_finite_array(np.asarray(tally, dtype=object).reshape(-1), name="tally", ndim=1)
        out = _loss_values(self._kind, self._params3(), y)
        return float(out[0]) if np.ndim(tally) == 0 else out.reshape(np.shape(tally))

    def __eq__(self, other):
        return type(self) is type(other) and self.get_params() == other.get_params()

    def __hash__(self):
        return hash((type(self).__name__, tuple(self.get_params().values())))


class LinearLoss(_LossFunction):
    """Loss linear in the tally: ``f(y) = intercept + slope * y``.

    ``slope < 0`` models habituation (repetition lowers the loss), ``slope > 0``
    satiation, ``slope = 0`` a constant loss. An environment checks that the
    values stay in [0, 1] on its reachable tallies.

    Parameters
    ----------
    intercept : float
        Loss at tally 0.
    slope : float, default=0.0
        Change of the loss per unit of tally.

    Examples
    --------
    >>> from statlearn.bandits import LinearLoss
    >>> LinearLoss(0.9, -0.2)([0.0, 1.0, 2.0]).round(3).tolist()
    [0.9, 0.7, 0.5]
    """

    _kind = K.LINEAR_LOSS
    _parameter_constraints = {"intercept": _REAL, "slope": _REAL}

    def __init__(self, intercept, slope=0.0):
        self.intercept = intercept
        self.slope = slope

    def _params3(self):
        return float(self.intercept), float(self.slope), 0.0


class StepLoss(_LossFunction):
    """Step-like exposure effect: ``f(y) = before if y < threshold else after``.

    Partial exposure is uninformative: the arm only pays off once its tally
    reaches ``threshold``.

    Parameters
    ----------
    before : float
        Loss while the tally is below ``threshold``.
    after : float
        Loss once the tally reaches ``threshold``.
    threshold : float
        Tally at which the loss switches.

    Examples
    --------
    >>> from statlearn.bandits import StepLoss
    >>> StepLoss(1.0, 0.1, threshold=2.5)([1.0, 2.5, 3.0]).tolist()
    [1.0, 0.1, 0.1]
    """

    _kind = K.STEP_LOSS
    _parameter_constraints = {"before": _REAL, "after": _REAL, "threshold": _REAL}

    def __init__(self, before, after, threshold):
        self.before = before
        self.after = after
        self.threshold = threshold

    def _range(self, lo, hi):
        values = ([self.before] if lo < self.threshold else []) + ([self.after] if hi >= self.threshold else [])
        return float(min(values)), float(max(values))

    def _params3(self):
        return float(self.before), float(self.after), float(self.threshold)


class ExponentialLoss(_LossFunction):
    """Smooth exposure effect: ``f(y) = end + (start - end) * exp(-rate * y)``.

    Parameters
    ----------
    start : float
        Loss at tally 0.
    end : float
        Limit as the tally grows.
    rate : float
        Speed of the change per unit of tally.

    Examples
    --------
    >>> from statlearn.bandits import ExponentialLoss
    >>> round(ExponentialLoss(0.8, 0.2, rate=1.0)(0.0), 3)
    0.8
    """

    _kind = K.EXPONENTIAL_LOSS
    _parameter_constraints = {"start": _REAL, "end": _REAL, "rate": _REAL}

    def __init__(self, start, end, rate):
        self.start = start
        self.end = end
        self.rate = rate

    def _params3(self):
        return float(self.start), float(self.end), float(self.rate)


class _LazyEnvironment(BaseObject):
    """Built by ``reset`` on first use and again after ``set_params``; ``_arm_count`` gives ``n_arms``."""

    _built = False

    def _after_set_params(self):
        self._built = False
        self.t_ = 0

    def _ensure(self):
        if not self._built:
            self.reset()

    @property
    def n_arms(self):
        """int: number of arms."""
        self._ensure()
        return int(self._arm_count())


@fill_doc
class _BaseEnvironment(_LazyEnvironment):
    """Shared machinery: lazy build, history, random stream."""

    contextual = False

    def reset(self):
        """Clear the play history and restart the random stream from ``random_state``.

        {self_reset_environment}
        """
        self._validate_params()
        self._build()
        self._rng = new_state(check_generator(self.random_state))
        self._history = np.full(self._weights.size - 1, -1, dtype=np.int64)
        self.t_ = 0
        self._built = True
        return self

    def _arm_count(self):
        return self._kinds.size

    def _check_arm(self, arm):
        k = self.n_arms
        if isinstance(arm, bool | np.bool_) or not isinstance(arm, numbers.Integral) or not 0 <= arm < k:
            raise ValueError(f"`arm` must be an int in [0, {k}); got {arm!r}.")
        return int(arm)

    def step(self, arm):
        """Play ``arm`` for one round and return its observed loss.

        {arm_parameters}

        Returns
        -------
        loss : float
            The observed (noisy) loss.
        """
        return self._step(self._check_arm(arm))[1]

    def _step(self, arm):
        mean, loss = K.tallying_step(self._weights, self._kinds, self._params, self._noise_code, self._noise_scale,
                                     self._history, self._rng, arm)
        self.t_ += 1
        self.last_expected_loss_ = mean
        return mean, loss

    def expected_loss(self, arm):
        """Expected loss of ``arm`` if it were played now (the history is not changed).

        {arm_parameters}

        Returns
        -------
        loss : float
            ``f_arm(tally)`` with the tally this play would have.
        """
        a = self._check_arm(arm)
        return float(K.expected_loss(self._weights, self._kinds, self._params, self._history, a))

    def tally(self, arm):
        """Weighted tally ``arm`` would have if it were played now (current play included).

        {arm_parameters}

        Returns
        -------
        tally : float
            ``w_1 + sum_{i>=2} w_i * 1[arm was played i - 1 rounds ago]``.
        """
        a = self._check_arm(arm)
        return float(K.tally(self._weights, self._history, a))

    def repeated_play_losses(self, horizon):
        """Expected loss per round when one arm is played at every round from an empty history.

        Parameters
        ----------
        horizon : int
            Number of rounds T >= 1.

        Returns
        -------
        losses : ndarray of shape (n_arms, horizon)
            Row ``a`` is the loss sequence of "always play ``a``".
        """
        if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or horizon < 1:
            raise ValueError(f"`horizon` must be an int >= 1; got {horizon!r}.")
        k, m = self.n_arms, self._weights.size
        n_warm = min(int(horizon), m)
        tallies = np.cumsum(self._weights)[:n_warm]  # tally of the t-th consecutive play
        out = np.empty((k, int(horizon)))
        for a in range(k):
            out[a, :n_warm] = _loss_values(self._kinds[a], self._params[a], tallies)
            out[a, n_warm:] = out[a, n_warm - 1]
        return out

    def best_repeated_arm(self, horizon):
        """The arm whose repeated play has the smallest total expected loss over ``horizon`` rounds.

        Under Repeated Exposure Optimality this arm's repeated play is the best
        action sequence, the comparator of complete policy regret.

        Parameters
        ----------
        horizon : int
            Number of rounds T.

        Returns
        -------
        arm : int
            The best repeated arm (smallest index on ties).
        """
        return int(np.argmin(self.repeated_play_losses(horizon).sum(axis=1)))

    def saturated_losses(self):
        """Expected loss of each arm at its saturated tally ``W = sum(weights)``.

        Returns
        -------
        losses : ndarray of shape (n_arms,)
            ``f_a(W)`` for every arm.
        """
        return self.repeated_play_losses(self._weights.size)[:, -1]

    def _kernel_env(self):
        """The environment as the tuple the simulators take (a fresh, empty history)."""
        self._ensure()
        return (self._weights, self._kinds, self._params, self._noise_code, self._noise_scale,
                np.full(self._weights.size - 1, -1, dtype=np.int64))


@fill_doc
class TallyingEnvironment(_BaseEnvironment):
    """Weighted tallying bandit: an arm's loss depends on how often it was played recently.

    Playing arm ``a`` at round ``t`` has expected loss ``f_a(y_{a,t})`` with the
    weighted tally ``y_{a,t} = sum_{i=1}^{m} w_i 1[a played at round t-i+1]``
    (the current play counts with weight ``w_1``). The observed loss adds noise.

    Parameters
    ----------
    loss_functions : list of LinearLoss, StepLoss or ExponentialLoss
        One mean-loss function per arm. Their values on the reachable tallies
        ``[w_1, sum(weights)]`` must lie in [0, 1] (checked; never clipped).
    weights : array-like of shape (memory,) or None, default=None
        Weights ``w_1..w_m`` in [0, 1] (``w_1`` for the current play); ``None``
        means all ones (the unweighted tallying bandit).
    memory : int or None, default=None
        Memory ``m`` >= 1; inferred from ``weights`` when ``None``.
    noise : {"bernoulli", "gaussian", "none"}, default="bernoulli"
        Observed loss ~ Bernoulli(f), f + N(0, noise_scale**2), or f exactly.
    noise_scale : float, default=0.1
        Standard deviation of Gaussian noise.
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Seed of the noise stream.

    Attributes
    ----------
    {t_}

    {ref_malik}

    Examples
    --------
    >>> from statlearn.bandits import TallyingEnvironment, LinearLoss
    >>> env = TallyingEnvironment([LinearLoss(0.9, -0.3), LinearLoss(0.5)],
    ...                           weights=[1.0, 0.5], noise="none")
    >>> [round(env.step(a), 3) for a in [0, 0, 1, 0]]  # tallies 1, 1.5, -, 1
    [0.6, 0.45, 0.5, 0.6]
    """

    _parameter_constraints = {
        "loss_functions": ["array-like"], "weights": [None, "array-like"],
        "memory": [None, Interval("integral", 1, None, closed="left")], "noise": [Options(*_NOISE)],
        "noise_scale": [Interval("real", 0, None, closed="left")], "random_state": ["random_state"]}

    def __init__(self, loss_functions, weights=None, memory=None, *, noise="bernoulli",
                 noise_scale=0.1, random_state=None):
        self.loss_functions = loss_functions
        self.weights = weights
        self.memory = memory
        self.noise = noise
        self.noise_scale = noise_scale
        self.random_state = random_state

    def _build(self):
        name = "TallyingEnvironment"
        lf = list(self.loss_functions)
        if not lf:
            raise ValueError(f"{name}: `loss_functions` must be a non-empty list of loss functions.")
        for i, f in enumerate(lf):
            if not isinstance(f, _LossFunction):
                raise TypeError(f"{name}: `loss_functions[{i}]` must be a LinearLoss, StepLoss or "
                                f"ExponentialLoss; got {f!r}.")
            f._validate_params()
        w = self._check_weights(name)
        lo, hi = float(w[0]), float(w.sum())
        for i, f in enumerate(lf):
            a, b = f._range(lo, hi)
            if a < 0.0 or b > 1.0:
                raise ValueError(
                    f"{name}: `loss_functions[{i}]` = {f!r} takes values in [{a:.4g}, {b:.4g}] on the reachable "
                    f"tallies [{lo:.4g}, {hi:.4g}]; mean losses must lie in [0, 1] (they are not clipped).")
        self._weights = w
        self._kinds = np.array([f._kind for f in lf], dtype=np.int64)
        self._params = np.array([f._params3() for f in lf], dtype=np.float64).reshape(len(lf), 3)
        self._noise_code = _NOISE[self.noise]
        self._noise_scale = float(self.noise_scale)

    def _check_weights(self, name):
        if self.weights is None:
            if self.memory is None:
                raise ValueError(f"{name}: give `weights` or `memory`; got both None.")
            return np.ones(int(self.memory))
        w = check_finite_array(self.weights, name="weights", ndim=1)
        if np.any(w < 0) or np.any(w > 1):
            raise ValueError(f"{name}: `weights` must lie in [0, 1]; got {w.tolist()}.")
        if self.memory is not None and int(self.memory) != w.size:
            raise ValueError(f"{name}: `memory` must equal len(weights) ({w.size}); got {self.memory}.")
        return np.ascontiguousarray(w, dtype=np.float64)

    @property
    def total_weight(self):
        """float: the saturated tally ``W = sum(weights)``."""
        self._ensure()
        return float(self._weights.sum())


@fill_doc
class BernoulliEnvironment(_BaseEnvironment):
    """Stochastic Bernoulli bandit on losses: arm ``a`` gives loss 1 with probability ``means[a]``.

    Parameters
    ----------
    means : array-like of shape (n_arms,)
        Loss probabilities in [0, 1].
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Seed of the loss stream.

    Attributes
    ----------
    {t_}

    Examples
    --------
    >>> from statlearn.bandits import BernoulliEnvironment
    >>> env = BernoulliEnvironment([0.0, 1.0], random_state=0)
    >>> env.step(0), env.step(1)
    (0.0, 1.0)
    """

    _parameter_constraints = {"means": ["array-like"], "random_state": ["random_state"]}

    def __init__(self, means, *, random_state=None):
        self.means = means
        self.random_state = random_state

    def _build(self):
        p = check_finite_array(self.means, name="means", ndim=1)
        if np.any(p < 0) or np.any(p > 1):
            raise ValueError(f"BernoulliEnvironment: `means` must lie in [0, 1]; got {p.tolist()}.")
        self._weights = np.zeros(1)  # the loss does not depend on the tally
        self._kinds = np.full(p.size, K.LINEAR_LOSS, dtype=np.int64)
        self._params = np.zeros((p.size, 3))
        self._params[:, 0] = p
        self._noise_code = K.NOISE_BERNOULLI
        self._noise_scale = 0.0


@fill_doc
class LinearContextualEnvironment(_LazyEnvironment):
    """Linear contextual bandit on losses: ``E[loss | x, a] = coef[a] @ x`` with Gaussian noise.

    Each round draws a context ``x ~ N(0, I_d)`` (:meth:`observe`); playing arm
    ``a`` (:meth:`step`) returns ``coef[a] @ x + noise_scale * N(0, 1)``. Regret
    is measured against the best arm of each round's context.

    Parameters
    ----------
    coef : array-like of shape (n_arms, n_features)
        Loss coefficients per arm.
    noise_scale : float, default=0.1
        Standard deviation of the loss noise.
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Seed of the context and noise stream.

    Attributes
    ----------
    {t_}

    Examples
    --------
    >>> from statlearn.bandits import LinearContextualEnvironment
    >>> env = LinearContextualEnvironment([[1.0, 0.0], [0.0, 1.0]], random_state=0)
    >>> x = env.observe()
    >>> x.shape, isinstance(env.step(0), float)
    ((2,), True)
    """

    contextual = True
    _parameter_constraints = {"coef": ["array-like"], "noise_scale": [Interval("real", 0, None, closed="left")],
                              "random_state": ["random_state"]}

    def __init__(self, coef, *, noise_scale=0.1, random_state=None):
        self.coef = coef
        self.noise_scale = noise_scale
        self.random_state = random_state

    def reset(self):
        """Restart the context and noise stream from ``random_state``.

        {self_reset_environment}
        """
        self._validate_params()
        self._coef = np.ascontiguousarray(check_finite_array(self.coef, name="coef", ndim=2), dtype=np.float64)
        self._rng = new_state(check_generator(self.random_state))
        self._x = np.empty(self._coef.shape[1])
        self._means = np.empty(self._coef.shape[0])
        self._fresh = False
        self.t_ = 0
        self._built = True
        return self

    def _arm_count(self):
        return self._coef.shape[0]

    @property
    def n_features(self):
        """int: context dimension."""
        self._ensure()
        return int(self._coef.shape[1])

    def observe(self):
        """The context of the current round (drawn once per round).

        Returns
        -------
        context : ndarray of shape (n_features,)
            A copy of this round's features.
        """
        self._ensure()
        if not self._fresh:
            K.draw_context(self._rng, self._x)
            self._best = K.linear_means(self._coef, self._x, self._means)
            self._fresh = True
        return self._x.copy()

    def step(self, arm):
        """Play ``arm`` at the current context and return its observed loss.

        {arm_parameters}

        Returns
        -------
        loss : float
            The observed loss.
        """
        k = self.n_arms
        if isinstance(arm, bool | np.bool_) or not isinstance(arm, numbers.Integral) or not 0 <= arm < k:
            raise ValueError(f"`arm` must be an int in [0, {k}); got {arm!r}.")
        return self._step(int(arm))[1]

    def _step(self, arm):
        self.observe()
        loss = K.linear_observe(self._means, float(self.noise_scale), self._rng, arm)
        self._fresh = False
        self.t_ += 1
        self.last_expected_loss_ = float(self._means[arm])
        self.last_best_loss_ = float(self._best)
        return self.last_expected_loss_, float(loss)

    def _kernel_env(self):
        self._ensure()
        return self._coef, float(self.noise_scale)
