"""Synthetic data generators of the ordinal papers (owned by statlearn.ordinal)."""

import numpy as np
from sklearn.utils import Bunch

from statlearn._base import check_generator
from statlearn._docstrings import fill_doc
from statlearn._validation import Interval, Options, validate_args

__all__ = ["make_presto_data"]


@validate_args({"n_samples": [Interval("integral", 1, None)], "n_features": [Interval("integral", 1, None)],
                "design": [Options("sparse", "dense")], "sparsity": [Interval("real", 0, 1)],
                "effect": [Interval("real", 0, None)], "return_params": ["boolean"]})
@fill_doc
def make_presto_data(n_samples=2500, n_features=10, *, design="sparse", intercepts=(0.0, 3.5, 5.5),
                     sparsity=0.5, effect=0.5, random_state=None, return_params=False):
    """Simulated ordinal data with a rare top class (Faletto & Bien, 2023, Sections 4.1-4.2).

    ``X ~ U(-1, 1)``; ``P(y <= k | x) = sigmoid(intercepts[k] + x . beta_k)``
    with ``beta_k = psi_1 + ... + psi_k``. In the ``"sparse"`` design each
    feature enters ``psi_1`` with probability ``sparsity`` at value ``effect``,
    and each later difference ``psi_k`` adds ``+-effect`` (random sign) to a
    Bernoulli(``sparsity``) subset of features. In the ``"dense"`` design every
    entry of every ``psi_k`` is U(-``effect``, ``effect``). Coefficients are
    redrawn until no sample's true class probabilities are negative.

    Parameters
    ----------
    n_samples : int, default=2500
        Number of samples.
    n_features : int, default=10
        Number of features.
    design : {"sparse", "dense"}, default="sparse"
        Sparse differences (Section 4.1) or dense ones (Section 4.2).
    intercepts : sequence of float, default=(0.0, 3.5, 5.5)
        Increasing intercepts, one per boundary; ``len(intercepts) + 1`` classes.
        Larger last intercepts make the top class rarer.
    sparsity : float, default=0.5
        Probability ``q`` that a feature enters a block (sparse design).
    effect : float, default=0.5
        Size of the non-zero entries (sparse) or half-width of the uniform
        draws (dense).
    random_state : int, Generator, RandomState, SeedSequence or None, default=None
        Seed (the library's one rule, ``statlearn._base.check_generator``).
    return_params : bool, default=False
        Also return the true parameters and probabilities.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features.
    y : ndarray of shape (n_samples,)
        Classes ``0 .. len(intercepts)``; the last is the rare one.
    params : Bunch
        Only with ``return_params``: ``coef`` and ``diff_coef`` (n_features,
        n_classes - 1), ``intercept`` (n_classes - 1,), ``proba``
        (n_samples, n_classes), the true class probabilities.

    {ref_faletto_bien}

    Examples
    --------
    >>> from statlearn.datasets import make_presto_data
    >>> X, y, params = make_presto_data(n_samples=100, random_state=0, return_params=True)
    >>> X.shape, params.proba.shape
    ((100, 10), (100, 4))
    >>> bool(set(y.tolist()) <= {0, 1, 2, 3})
    True
    """
    alpha = np.asarray(intercepts, dtype=np.float64).ravel()
    if alpha.size < 1 or not np.isfinite(alpha).all() or (np.diff(alpha) <= 0).any():
        raise ValueError(f"`intercepts` must be finite and strictly increasing; got {intercepts!r}.")
    rng = check_generator(random_state)
    k1 = alpha.size
    X = rng.uniform(-1.0, 1.0, size=(n_samples, n_features))
    for _ in range(1000):
        if design == "sparse":
            psi = np.zeros((n_features, k1))
            psi[:, 0] = effect * (rng.uniform(size=n_features) < sparsity)
            for k in range(1, k1):
                on = rng.uniform(size=n_features) < sparsity
                sign = rng.choice([-1.0, 1.0], size=n_features)
                psi[:, k] = effect * on * sign
        else:
            psi = rng.uniform(-effect, effect, size=(n_features, k1))
        beta = np.cumsum(psi, axis=1)
        eta = alpha + X @ beta
        if (np.diff(eta, axis=1) > 0).all():
            break
    else:  # pragma: no cover - only for extreme settings
        raise ValueError("could not draw coefficients with valid probabilities; lower `effect`.")
    cum = 1.0 / (1.0 + np.exp(-eta))
    proba = np.diff(np.hstack([np.zeros((n_samples, 1)), cum, np.ones((n_samples, 1))]), axis=1)
    u = rng.uniform(size=(n_samples, 1))
    y = (u > np.cumsum(proba, axis=1)[:, :-1]).sum(axis=1).astype(np.int64)
    if return_params:
        return X, y, Bunch(coef=beta, diff_coef=psi, intercept=alpha, proba=proba)
    return X, y
