"""The reusable-holdout feature-selection experiment (Dwork et al., Science 2015)."""

from __future__ import annotations

import copy

import numpy as np

from statlearn._docstrings import fill_doc

from .._validation import check_consistent_length, check_finite_array
from .holdout import Thresholdout

__all__ = ["FREEDMAN_K_VALUES", "freedman_experiment"]

#: Numbers of selected variables of the paper's figure.
FREEDMAN_K_VALUES = (0, 10, 20, 30, 45, 70, 100, 150, 200, 250, 300, 400, 500)


def _accuracy(X, y, W):
    scores = X @ W
    pred = np.where(scores >= 0, 1.0, -1.0)
    return (pred == y[:, None]).mean(axis=0)


@fill_doc
def freedman_experiment(X_train, y_train, X_holdout, y_holdout, X_fresh, y_fresh, *,
                        k_values=FREEDMAN_K_VALUES, thresholdout=None, random_state=None):
    """Run the paper's adaptive analyst with a standard holdout and with Thresholdout.

    The analyst (Science 2015, supplement) computes the correlations
    ``c = X.T @ y / n`` of every feature with the label on the training and on
    the holdout set, keeps the features whose two correlations exceed
    ``1/sqrt(n)`` with the same sign, takes the ``k`` largest ``|c_train|``
    and classifies with ``sign(sum_j sign(c_train_j) x_j)``. In the
    standard arm the holdout is used directly; in the Thresholdout arm every
    holdout correlation and the classifier's holdout accuracy are answered by
    Thresholdout. Fresh data measure the true accuracy.

    Parameters
    ----------
    X_train, X_holdout, X_fresh : array-like of shape (n_samples, n_features)
        Training, holdout and fresh features (see
        :func:`statlearn.datasets.make_freedman_holdout`); float32 is kept.
    y_train, y_holdout, y_fresh : array-like of shape (n_samples,)
        Labels in ``{-1, +1}``.
    k_values : sequence of int, default=FREEDMAN_K_VALUES
        Numbers of selected variables.
    thresholdout : Thresholdout or None, default=None
        The mechanism (copied, then restarted). ``None`` is the supplement's
        setting: ``threshold = 4/sqrt(n)``, Gaussian noise ``sigma = 1/sqrt(n)``
        redrawn for every comparison, no budget.
    random_state : int, Generator, RandomState, SeedSequence or None, default=None
        Seed of the default mechanism (ignored when ``thresholdout`` is given).

    Returns
    -------
    result : dict
        ``"k"`` (ndarray of shape (n_k,)), and for each arm ``"standard"`` and
        ``"thresholdout"`` a dict of ndarrays of shape (n_k,) with keys
        ``"train"``, ``"holdout"`` (the reported holdout accuracy) and
        ``"fresh"``; ``"n_overfit"``: number of holdout answers Thresholdout gave.

    Notes
    -----
    As in the supplement code, the correlation queries ``x_j y`` are not
    bounded in [0, 1], so they are passed to :meth:`Thresholdout.query_means`
    directly; the classifier accuracies are proper [0, 1] queries.

    {ref_dwork_science}

    Examples
    --------
    >>> from statlearn.datasets import make_freedman_holdout
    >>> from statlearn.adaptive import freedman_experiment
    >>> data = make_freedman_holdout(500, 500, random_state=0)
    >>> res = freedman_experiment(*data, k_values=[10, 50], random_state=0)
    >>> res["standard"]["holdout"].shape
    (2,)
    """
    arrays = {}
    for name, a, nd in (("X_train", X_train, 2), ("y_train", y_train, 1), ("X_holdout", X_holdout, 2),
                        ("y_holdout", y_holdout, 1), ("X_fresh", X_fresh, 2), ("y_fresh", y_fresh, 1)):
        dt = np.float32 if getattr(a, "dtype", None) == np.float32 else np.float64
        arrays[name] = check_finite_array(a, name=name, ndim=nd, dtype=dt)
    Xt, yt = arrays["X_train"], arrays["y_train"]
    Xh, yh = arrays["X_holdout"], arrays["y_holdout"]
    Xf, yf = arrays["X_fresh"], arrays["y_fresh"]
    check_consistent_length(X_train=Xt, y_train=yt)
    check_consistent_length(X_holdout=Xh, y_holdout=yh)
    check_consistent_length(X_fresh=Xf, y_fresh=yf)
    d = Xt.shape[1]
    if Xh.shape[1] != d or Xf.shape[1] != d:
        raise ValueError(f"`X_train`, `X_holdout` and `X_fresh` must have the same number of columns; got "
                         f"{d}, {Xh.shape[1]} and {Xf.shape[1]}.")
    for name, y in (("y_train", yt), ("y_holdout", yh), ("y_fresh", yf)):
        if not np.isin(y, (-1.0, 1.0)).all():
            raise ValueError(f"`{name}` must contain labels in {{-1, +1}}; got {np.unique(y)[:5]}.")
    k_values = np.asarray(k_values, dtype=np.int64)
    if k_values.ndim != 1 or (k_values < 0).any():
        raise ValueError(f"`k_values` must be a 1-D sequence of non-negative ints; got {k_values}.")
    n = Xt.shape[0]
    if thresholdout is None:
        thr = Thresholdout(threshold=min(4.0 / np.sqrt(n), 1.0), sigma=min(1.0 / np.sqrt(n), 1.0), noise="gaussian",
                           reset="every_query", random_state=random_state)
    else:
        if not isinstance(thresholdout, Thresholdout):
            raise TypeError(f"`thresholdout` must be a Thresholdout or None; got {type(thresholdout).__name__}.")
        thr = copy.deepcopy(thresholdout).restart()

    c_train = (Xt.T @ yt).astype(np.float64) / n
    c_hold = (Xh.T @ yh).astype(np.float64) / Xh.shape[0]
    c_hold_thr = thr.query_means(c_train, c_hold)
    cut = 1.0 / np.sqrt(n)

    def weights(c_h):
        keep = ((c_train > cut) & (c_h > cut)) | ((c_train < -cut) & (c_h < -cut))
        cand = np.flatnonzero(keep)
        order = cand[np.argsort(-np.abs(c_train[cand]), kind="stable")]
        W = np.zeros((d, k_values.size), dtype=Xt.dtype)
        for col, k in enumerate(k_values):
            top = order[:k]
            W[top, col] = np.sign(c_train[top])
        return W

    K = k_values.size
    W = np.hstack([weights(c_hold), weights(c_hold_thr)])
    acc_t, acc_h, acc_f = _accuracy(Xt, yt, W), _accuracy(Xh, yh, W), _accuracy(Xf, yf, W)
    hold_thr = thr.query_means(acc_t[K:], acc_h[K:])
    return {
        "k": k_values,
        "standard": {"train": acc_t[:K], "holdout": acc_h[:K], "fresh": acc_f[:K]},
        "thresholdout": {"train": acc_t[K:], "holdout": hold_thr, "fresh": acc_f[K:]},
        "n_overfit": thr.n_overfit_,
    }
