"""Synthetic data generators of the adaptive papers (owned by statlearn.adaptive)."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["make_freedman_holdout"]


def make_freedman_holdout(n_samples=10_000, n_features=10_000, *, n_signal=0, signal_strength=None,
                          dtype=np.float64, random_state=None):
    """Training, holdout and fresh sets of the reusable-holdout experiment.

    Features are independent ``N(0, 1)`` and labels uniform on ``{-1, +1}``;
    with ``n_signal > 0`` the first ``n_signal`` features are
    ``N(signal_strength * y, 1)`` instead (Experiment 2 of the Science paper).
    Three independent sets of ``n_samples`` rows each are drawn.

    Parameters
    ----------
    n_samples : int, default=10_000
        Rows of each of the three sets (``n`` in the paper).
    n_features : int, default=10_000
        Number of features (``d``).
    n_signal : int, default=0
        Number of informative features (0: pure noise; 20 in Experiment 2).
    signal_strength : float or None, default=None
        Mean shift of the informative features; ``None`` is ``6 / sqrt(n_samples)``
        (0.06 at ``n = 10,000``, the paper's value).
    dtype : numpy dtype, default=np.float64
        Dtype of the feature matrices (``np.float32`` halves the memory: three
        10,000 x 10,000 matrices take 1.2 GB).
    random_state : int, RandomState instance, Generator or None, default=None
        Seed.

    Returns
    -------
    X_train, y_train, X_holdout, y_holdout, X_fresh, y_fresh : ndarray
        Feature matrices of shape (n_samples, n_features) and labels of shape
        (n_samples,) in ``{-1.0, 1.0}`` (same dtype as the features).

    References
    ----------
    .. [1] C. Dwork, V. Feldman, M. Hardt, T. Pitassi, O. Reingold and A. Roth,
       "The reusable holdout: preserving validity in adaptive data analysis",
       Science 349(6248), 2015.

    Examples
    --------
    >>> from statlearn.datasets import make_freedman_holdout
    >>> Xt, yt, Xh, yh, Xf, yf = make_freedman_holdout(100, 50, n_signal=5, random_state=0)
    >>> Xt.shape, yf.shape
    ((100, 50), (100,))
    """
    for name, v, lo in (("n_samples", n_samples, 1), ("n_features", n_features, 1), ("n_signal", n_signal, 0)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < lo:
            raise ValueError(f"`{name}` must be an int >= {lo}; got {v!r}.")
    if n_signal > n_features:
        raise ValueError(f"`n_signal` must not exceed `n_features` ({n_features}); got {n_signal}.")
    if signal_strength is None:
        signal_strength = 6.0 / np.sqrt(n_samples)
    if isinstance(signal_strength, bool) or not isinstance(signal_strength, numbers.Real) \
            or not np.isfinite(signal_strength):
        raise ValueError(f"`signal_strength` must be a finite float; got {signal_strength!r}.")
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"`dtype` must be a floating dtype; got {dtype}.")
    if isinstance(random_state, np.random.Generator):
        rng = random_state
    else:
        rng = np.random.default_rng(check_random_state(random_state).randint(0, 2**31 - 1))
    out = []
    for _ in range(3):
        X = rng.standard_normal((n_samples, n_features), dtype=dtype if dtype.itemsize in (4, 8) else None)
        X = X.astype(dtype, copy=False)
        y = rng.choice(np.array([-1.0, 1.0], dtype=dtype), size=n_samples)
        if n_signal:
            X[:, :n_signal] += (signal_strength * y[:, None]).astype(dtype)
        out += [X, y]
    return tuple(out)
