"""Bandit environments on losses: weighted tallying (memory-dependent) and stochastic Bernoulli.

Tally convention (stated because it changes simulated losses): when arm ``a`` is played at
round ``t``, its weighted tally is

    y_{a,t} = sum_{i=1}^{m} w_i * 1[a was played at round t - i + 1],

so the current play counts with weight ``w_1`` and the play ``i - 1`` rounds ago with
``w_i``. After ``m`` consecutive plays of ``a`` the tally is saturated at ``W = sum_i w_i``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _kernels as K
from ._base import _check_float, _check_int, _check_random_state, _ParamsMixin, _Stream

__all__ = ["LinearLoss", "StepLoss", "ExponentialLoss", "TallyingEnvironment", "BernoulliEnvironment"]

_NOISE = {"none": K.NOISE_NONE, "bernoulli": K.NOISE_BERNOULLI, "gaussian": K.NOISE_GAUSSIAN}


class _LossFunction(_ParamsMixin):
    _kind = -1

    def _params3(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def reset(self):
        """Validate the parameters (loss functions hold no state).

        Returns
        -------
        self : object
            This loss function.
        """
        for name in self._param_names():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ValueError(f"{type(self).__name__}: `{name}` must be a finite real number; got {value!r}.")
        return self

    def __call__(self, tally):
        """Mean loss at the given tally (clipped to [0, 1]).

        Parameters
        ----------
        tally : float or array-like
            Weighted tally value(s).

        Returns
        -------
        loss : float or ndarray
            ``f(tally)``, same shape as ``tally``.
        """
        p0, p1, p2 = self._params3()
        y = np.asarray(tally, dtype=float)
        out = np.vectorize(lambda v: K.loss_value(self._kind, p0, p1, p2, float(v)), otypes=[float])(y)
        return float(out) if out.ndim == 0 else out

    def __eq__(self, other):
        return type(self) is type(other) and self.get_params() == other.get_params()

    def __hash__(self):
        return hash((type(self).__name__, tuple(self.get_params().values())))


class LinearLoss(_LossFunction):
    """Loss linear in the tally: ``f(y) = clip(intercept + slope * y, 0, 1)``.

    ``slope < 0`` models habituation (repetition lowers the loss), ``slope > 0``
    satiation, ``slope = 0`` a constant loss.

    Parameters
    ----------
    intercept : float
        Loss at tally 0.
    slope : float, default=0.0
        Change of the loss per unit of tally.

    Examples
    --------
    >>> from statlearn.bandits import LinearLoss
    >>> LinearLoss(0.9, -0.2)([0.0, 1.0, 10.0]).tolist()
    [0.9, 0.7, 0.0]
    """

    _kind = K.LINEAR_LOSS

    def __init__(self, intercept, slope=0.0):
        self.intercept = intercept
        self.slope = slope
        self.reset()

    def _params3(self):
        return float(self.intercept), float(self.slope), 0.0


class StepLoss(_LossFunction):
    """Step-like exposure effect: ``f(y) = before if y < threshold else after``.

    Partial exposure is uninformative: the arm only pays off once its tally
    reaches ``threshold`` (values are clipped to [0, 1]).

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

    def __init__(self, before, after, threshold):
        self.before = before
        self.after = after
        self.threshold = threshold
        self.reset()

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

    def __init__(self, start, end, rate):
        self.start = start
        self.end = end
        self.rate = rate
        self.reset()

    def _params3(self):
        return float(self.start), float(self.end), float(self.rate)


class _BaseEnvironment(_ParamsMixin):
    """Shared machinery: kernel arrays, history ring buffer, noise stream."""

    def reset(self):
        """Clear the play history and restart the noise stream from ``random_state``.

        Returns
        -------
        self : object
            The reset environment.
        """
        self._validate()
        self._build()
        self._history_init()
        seed = _check_random_state(self.random_state, owner=type(self).__name__)
        self._stream = None if self._noise_kind() == "none" else _Stream(
            np.random.default_rng(seed), "normal" if self._noise_kind() == "gaussian" else "uniform")
        self.t_ = 0
        return self

    def _history_init(self):
        m = int(self._eip[1])
        self._hist = np.full(max(m, 1), -1, dtype=np.int64)
        self._hist[0] = 0

    @property
    def n_arms(self):
        """int: number of arms."""
        return int(self._eip[0])

    def _check_arm(self, arm):
        k = self.n_arms
        if isinstance(arm, bool) or not isinstance(arm, numbers.Integral) or not 0 <= arm < k:
            raise ValueError(f"`arm` must be an int in [0, {k}); got {arm!r}.")
        return int(arm)

    def step(self, arm):
        """Play ``arm`` for one round and return its observed loss.

        Parameters
        ----------
        arm : int
            Arm in ``[0, n_arms)``.

        Returns
        -------
        loss : float
            The observed (noisy) loss.
        """
        mean, loss = self._step(self._check_arm(arm))
        return loss

    def _step(self, arm):
        noise = 0.0 if self._stream is None else self._stream.next()
        mean, loss = K.env_step(self._eip, self._efp, self._hist, arm, noise)
        self.t_ += 1
        self.last_expected_loss_ = mean
        return mean, loss

    def expected_loss(self, arm):
        """Expected loss of ``arm`` if it were played now (the history is not changed).

        Parameters
        ----------
        arm : int
            Arm in ``[0, n_arms)``.

        Returns
        -------
        loss : float
            ``f_arm(tally)`` with the tally this play would have.
        """
        return float(K.env_mean(self._eip, self._efp, self._hist, self._check_arm(arm)))

    def tally(self, arm):
        """Weighted tally ``arm`` would have if it were played now (current play included).

        Parameters
        ----------
        arm : int
            Arm in ``[0, n_arms)``.

        Returns
        -------
        tally : float
            ``w_1 + sum_{i>=2} w_i * 1[arm was played i - 1 rounds ago]``.
        """
        return float(K.env_tally(self._eip, self._efp, self._hist, self._check_arm(arm)))

    def repeated_play_losses(self, horizon):
        """Expected loss per round when one arm is played at every round from an empty history.

        Parameters
        ----------
        horizon : int
            Number of rounds T.

        Returns
        -------
        losses : ndarray of shape (n_arms, horizon)
            Row ``a`` is the loss sequence of "always play ``a``".
        """
        horizon = _check_int(horizon, "horizon", 1, type(self).__name__)
        k = self.n_arms
        out = np.empty((k, horizon))
        saved = self._hist.copy()
        for a in range(k):
            self._history_init()
            m = int(self._eip[1])
            n_warm = min(horizon, m)
            for t in range(n_warm):
                out[a, t], _ = K.env_step(self._eip, self._efp, self._hist, a, 0.0)
            if horizon > n_warm:
                out[a, n_warm:] = out[a, n_warm - 1]
        self._hist = saved
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
        return self.repeated_play_losses(max(int(self._eip[1]), 1))[:, -1]

    def _kernel_arrays(self):
        return self._eip.copy(), self._efp.copy(), self._hist.copy()


class TallyingEnvironment(_BaseEnvironment):
    """Weighted tallying bandit: an arm's loss depends on how often it was played recently.

    Playing arm ``a`` at round ``t`` has expected loss ``f_a(y_{a,t})`` with the
    weighted tally ``y_{a,t} = sum_{i=1}^{m} w_i 1[a played at round t-i+1]``
    (the current play counts with weight ``w_1``). The observed loss adds noise.

    Parameters
    ----------
    loss_functions : list of LinearLoss, StepLoss or ExponentialLoss
        One mean-loss function per arm (values in [0, 1]).
    weights : array-like of shape (memory,) or None, default=None
        Weights ``w_1..w_m`` in [0, 1] (``w_1`` for the current play); ``None``
        means all ones (the unweighted tallying bandit).
    memory : int or None, default=None
        Memory ``m`` >= 1; inferred from ``weights`` when ``None``.
    noise : {"bernoulli", "gaussian", "none"}, default="bernoulli"
        Observed loss ~ Bernoulli(f), f + N(0, noise_scale**2), or f exactly.
    noise_scale : float, default=0.1
        Standard deviation of Gaussian noise.
    random_state : None, int, numpy Generator or SeedSequence, default=None
        Seed of the noise stream.

    Attributes
    ----------
    t_ : int
        Rounds played since the last reset.

    References
    ----------
    .. [1] D. Malik, C. Igoe, Y. Li, A. Singh. Weighted Tallying Bandits:
       Overcoming Intractability via Repeated Exposure Optimality. ICML 2023,
       arXiv:2305.02955.

    Examples
    --------
    >>> from statlearn.bandits import TallyingEnvironment, LinearLoss
    >>> env = TallyingEnvironment([LinearLoss(0.9, -0.3), LinearLoss(0.5)],
    ...                           weights=[1.0, 0.5], noise="none")
    >>> [round(env.step(a), 3) for a in [0, 0, 1, 0]]  # tallies 1, 1.5, -, 1
    [0.6, 0.45, 0.5, 0.6]
    """

    def __init__(self, loss_functions, weights=None, memory=None, *, noise="bernoulli",
                 noise_scale=0.1, random_state=None):
        self.loss_functions = loss_functions
        self.weights = weights
        self.memory = memory
        self.noise = noise
        self.noise_scale = noise_scale
        self.random_state = random_state
        self.reset()

    def _noise_kind(self):
        return self.noise

    def _validate(self):
        name = "TallyingEnvironment"
        lf = self.loss_functions
        if isinstance(lf, _LossFunction) or not hasattr(lf, "__len__") or len(lf) < 1:
            raise TypeError(f"{name}: `loss_functions` must be a non-empty list of loss functions; got {lf!r}.")
        for i, f in enumerate(lf):
            if not isinstance(f, _LossFunction):
                raise TypeError(
                    f"{name}: `loss_functions[{i}]` must be a LinearLoss, StepLoss or ExponentialLoss; got {f!r}."
                )
        if self.memory is not None:
            _check_int(self.memory, "memory", 1, name)
        if self.weights is None:
            if self.memory is None:
                raise ValueError(f"{name}: give `weights` or `memory`; got both None.")
            w = np.ones(int(self.memory))
        else:
            try:
                w = np.asarray(self.weights, dtype=float)
            except (TypeError, ValueError):
                raise TypeError(f"{name}: `weights` must be an array of floats; got {self.weights!r}.") from None
            if w.ndim != 1 or w.size < 1:
                raise ValueError(f"{name}: `weights` must be a non-empty 1-D array; got shape {w.shape}.")
            if not np.all(np.isfinite(w)) or np.any(w < 0) or np.any(w > 1):
                raise ValueError(f"{name}: `weights` must lie in [0, 1]; got {w.tolist()}.")
            if self.memory is not None and int(self.memory) != w.size:
                raise ValueError(
                    f"{name}: `memory` must equal len(weights) ({w.size}); got {self.memory}."
                )
        if self.noise not in _NOISE:
            raise ValueError(f"{name}: `noise` must be one of {sorted(_NOISE)}; got {self.noise!r}.")
        _check_float(self.noise_scale, "noise_scale", 0.0, name)
        self._w = w

    def _build(self):
        k = len(self.loss_functions)
        m = self._w.size
        eip = np.zeros(3 + k, dtype=np.int64)
        eip[0], eip[1], eip[2] = k, m, _NOISE[self.noise]
        efp = np.zeros(1 + m + 3 * k)
        efp[0] = float(self.noise_scale)
        efp[1:1 + m] = self._w
        for a, f in enumerate(self.loss_functions):
            eip[3 + a] = f._kind
            efp[1 + m + 3 * a:1 + m + 3 * a + 3] = f._params3()
        self._eip, self._efp = eip, efp

    @property
    def total_weight(self):
        """float: the saturated tally ``W = sum(weights)``."""
        return float(self._w.sum())


class BernoulliEnvironment(_BaseEnvironment):
    """Stochastic Bernoulli bandit on losses: arm ``a`` gives loss 1 with probability ``means[a]``.

    Parameters
    ----------
    means : array-like of shape (n_arms,)
        Loss probabilities in [0, 1].
    random_state : None, int, numpy Generator or SeedSequence, default=None
        Seed of the loss stream.

    Attributes
    ----------
    t_ : int
        Rounds played since the last reset.

    Examples
    --------
    >>> from statlearn.bandits import BernoulliEnvironment
    >>> env = BernoulliEnvironment([0.0, 1.0], random_state=0)
    >>> env.step(0), env.step(1)
    (0.0, 1.0)
    """

    def __init__(self, means, *, random_state=None):
        self.means = means
        self.random_state = random_state
        self.reset()

    def _noise_kind(self):
        return "bernoulli"

    def _validate(self):
        try:
            p = np.asarray(self.means, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"BernoulliEnvironment: `means` must be an array of floats; got {self.means!r}.") from None
        if p.ndim != 1 or p.size < 1:
            raise ValueError(f"BernoulliEnvironment: `means` must be a non-empty 1-D array; got shape {p.shape}.")
        if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
            raise ValueError(f"BernoulliEnvironment: `means` must lie in [0, 1]; got {p.tolist()}.")
        self._p = p

    def _build(self):
        k = self._p.size
        eip = np.zeros(3 + k, dtype=np.int64)
        eip[0], eip[1], eip[2] = k, 1, K.NOISE_BERNOULLI
        eip[3:] = K.LINEAR_LOSS
        efp = np.zeros(1 + 1 + 3 * k)
        efp[1] = 0.0  # weight of the current play: the loss does not depend on the tally
        efp[2::3] = self._p
        self._eip, self._efp = eip, efp


BUILTIN_ENVIRONMENTS = (TallyingEnvironment, BernoulliEnvironment)
