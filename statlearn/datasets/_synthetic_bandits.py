"""Synthetic data generators of the bandits papers (owned by statlearn.bandits)."""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, validate_args

__all__ = ["make_tallying_environment"]

_FAMILIES = ("habituation", "satiation", "step")


@validate_args({"family": [Options(*_FAMILIES)], "n_arms": [Interval("integral", 2, None, closed="left")],
                "memory": [Interval("integral", 1, None, closed="left")],
                "decay": [Interval("real", 0, 1, closed="right")], "noise": [Options("bernoulli", "gaussian", "none")],
                "random_state": ["random_state"]}, owner="make_tallying_environment")
@fill_doc
def make_tallying_environment(family="step", *, n_arms=5, memory=10, decay=0.8, noise="bernoulli",
                              random_state=None):
    """A weighted tallying bandit instance of one of three exposure-effect families.

    Weights are geometric, ``w_i = decay**(i - 1)`` for ``i = 1..memory``, so the
    saturated tally is ``W = sum_i w_i``. Arm 0 is the Repeated Exposure
    Optimality arm: repeating it forever beats every other action sequence.

    - ``"habituation"``: arm 0 habituates linearly,
      ``f_0(y) = 0.9 - 0.7 y / W`` (0.9 - 0.7/W when played sporadically, 0.2
      when repeated); arms 1..K-1 have constant losses evenly spaced in
      [0.4, 0.7].
    - ``"satiation"``: arm 0 as above; arms 1..K-1 satiate,
      ``f_a(y) = c_a + 0.4 y / W`` with ``c_a`` evenly spaced in [0.25, 0.40].
    - ``"step"``: arm 0 has loss 1.0 until its tally reaches ``0.95 W``, then
      0.1 (partial exposure is uninformative); arms 1..K-1 have constant losses
      evenly spaced in [0.3, 0.6].

    These three families follow the instance families of the project's paper
    notes; the paper's own loss functions were not available.

    Parameters
    ----------
    family : {"habituation", "satiation", "step"}, default="step"
        Instance family.
    n_arms : int, default=5
        Number of arms K >= 2.
    memory : int, default=10
        Memory m >= 1.
    decay : float, default=0.8
        Geometric weight decay in (0, 1].
    noise : {"bernoulli", "gaussian", "none"}, default="bernoulli"
        Observation noise of the environment.
    random_state : None, int, Generator, RandomState or SeedSequence, default=None
        Seed of the environment's noise stream.

    Returns
    -------
    environment : statlearn.bandits.TallyingEnvironment
        The instance; ``environment.total_weight`` is ``W``.

    {ref_malik}

    Examples
    --------
    >>> from statlearn.datasets import make_tallying_environment
    >>> env = make_tallying_environment("step", noise="none")
    >>> [env.step(0) for _ in range(10)][-3:]
    [1.0, 0.1, 0.1]
    """
    from statlearn.bandits import LinearLoss, StepLoss, TallyingEnvironment

    weights = float(decay) ** np.arange(int(memory))
    total = float(weights.sum())
    others = n_arms - 1
    if family == "step":
        losses = [StepLoss(1.0, 0.1, threshold=0.95 * total)]
        losses += [LinearLoss(float(c)) for c in np.linspace(0.3, 0.6, others)]
    else:
        losses = [LinearLoss(0.9, -0.7 / total)]
        if family == "habituation":
            losses += [LinearLoss(float(c)) for c in np.linspace(0.4, 0.7, others)]
        else:
            losses += [LinearLoss(float(c), 0.4 / total) for c in np.linspace(0.25, 0.40, others)]
    return TallyingEnvironment(losses, weights=weights, noise=noise, random_state=random_state)
