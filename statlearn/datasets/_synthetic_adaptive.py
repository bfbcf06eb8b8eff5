"""Synthetic data generators of the adaptive papers (owned by statlearn.adaptive)."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state

from statlearn._docstrings import fill_doc
from statlearn._validation import check_finite_array

__all__ = ["cantilever_beam_displacement", "make_cantilever_beam_laws", "make_cantilever_beam_marginals",
           "make_freedman_holdout"]


@fill_doc
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

    {ref_dwork_science}

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


@fill_doc
def cantilever_beam_displacement(X, *, log_inputs=False):
    """Tip displacement of a cantilever beam (test case of the multiple-expectations paper).

    ``D = 4 L^3 / (E w t) * sqrt((F_X / w^2)^2 + (F_Y / t^2)^2)`` with ``E`` in GPa.

    Parameters
    ----------
    X : array-like of shape (n, 6)
        Columns ``F_X`` (N), ``F_Y`` (N), ``E`` (GPa), ``w``, ``t``, ``L`` (m).
    log_inputs : bool, default=False
        Whether the first three columns hold ``log F_X``, ``log F_Y`` and
        ``log E`` (the Gaussian coordinates of :func:`make_cantilever_beam_laws`).

    Returns
    -------
    D : ndarray of shape (n,)
        Displacement (m).

    {ref_demange_chryst}

    Examples
    --------
    >>> from statlearn.datasets import cantilever_beam_displacement
    >>> float(cantilever_beam_displacement([[556.8, 453.6, 200.0, 0.062, 0.0987, 4.29]])[0]) > 0
    True
    """
    X = check_finite_array(X, name="X", ndim=2)
    if X.shape[1] != 6:
        raise ValueError(f"`X` must have shape (n, 6) (F_X, F_Y, E, w, t, L); got {X.shape}.")
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        fx, fy, e = (np.exp(X[:, 0]), np.exp(X[:, 1]), np.exp(X[:, 2])) if log_inputs else (X[:, 0], X[:, 1], X[:, 2])
        w, t, length = X[:, 3], X[:, 4], X[:, 5]
        D = 4.0 * length**3 / (1e9 * e * w * t) * np.sqrt((fx / w**2) ** 2 + (fy / t**2) ** 2)
    bad = ~np.isfinite(D)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"`X` row {i} gives a non-finite displacement ({D[i]}): E, w and t must be non-zero "
                         "and the inputs small enough not to overflow.")
    return D


def _lognormal_params(mean, cv):
    s2 = np.log1p(cv**2)
    return np.log(mean) - s2 / 2.0, np.sqrt(s2)


#: Ranges of the nine law parameters (means of F_X, F_Y, E, w, t, L; correlations w-t, w-L, t-L).
_BEAM_PARAM_RANGES = np.array([[525, 575], [425, 475], [175, 225], [0.06, 0.07], [0.09, 0.1], [4, 5],
                               [-0.6, 0.0], [0.0, 0.5], [0.0, 0.5]])


class _LogTransformedLaw:
    """A Gaussian law in coordinates ``(log x_1, log x_2, log x_3, x_4, x_5, x_6)``, seen in ``x``.

    Offers the ``rvs`` / ``logpdf`` interface of a scipy frozen distribution.
    """

    def __init__(self, gaussian, n_log=3):
        self.gaussian = gaussian
        self.n_log = n_log

    def rvs(self, size=1, random_state=None):
        z = np.atleast_2d(self.gaussian.rvs(size=size, random_state=random_state))
        z[:, : self.n_log] = np.exp(z[:, : self.n_log])
        return z

    def logpdf(self, x):
        x = np.atleast_2d(np.asarray(x, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(x[:, : self.n_log])
        z = x.copy()
        z[:, : self.n_log] = logs
        out = np.asarray(self.gaussian.logpdf(np.where(np.isfinite(z), z, 0.0)), dtype=float).reshape(-1)
        out = out - logs.sum(axis=1)
        out[~np.isfinite(logs).all(axis=1)] = -np.inf
        return out

    def pdf(self, x):
        return np.exp(self.logpdf(x))

    def __repr__(self):
        return "LogTransformedLaw(cantilever beam)"


@fill_doc
def make_cantilever_beam_laws(n_laws=100, *, coordinates="gaussian", random_state=None):
    """The family of input laws of the cantilever-beam test case.

    Each law has lognormal ``F_X``, ``F_Y``, ``E`` (coefficients of variation
    0.08, 0.08, 0.06) and normal ``w``, ``t``, ``L`` (coefficient of
    variation 0.1) joined by a Gaussian copula whose only correlations are
    between ``w``, ``t`` and ``L``. The nine parameters (three means of the
    lognormals, three means of the normals, three correlations) are drawn by
    Latin hypercube sampling over the paper's ranges. In the Gaussian
    coordinates ``(log F_X, log F_Y, log E, w, t, L)`` such a law is exactly
    multivariate normal, which is how it is returned by default; use
    ``cantilever_beam_displacement(Z, log_inputs=True)`` as the model. With
    ``coordinates="original"`` the laws are over ``(F_X, F_Y, E, w, t, L)``
    themselves (the authors' setting), as objects with scipy's ``rvs`` and
    ``logpdf``.

    Parameters
    ----------
    n_laws : int, default=100
        Number of laws ``J``.
    coordinates : {"gaussian", "original"}, default="gaussian"
        Coordinates of the returned laws.
    random_state : int or None, default=None
        Seed of the Latin hypercube.

    Returns
    -------
    laws : list of distributions
        ``n_laws`` laws: scipy ``multivariate_normal`` frozen distributions
        over the 6 Gaussian coordinates, or their images in the original
        coordinates.
    parameters : ndarray of shape (n_laws, 9)
        The nine parameters of each law.

    {ref_demange_chryst}

    Examples
    --------
    >>> from statlearn.datasets import make_cantilever_beam_laws
    >>> laws, params = make_cantilever_beam_laws(5, random_state=0)
    >>> len(laws), params.shape
    (5, (5, 9))
    """
    from scipy import stats
    from scipy.stats import qmc

    if isinstance(n_laws, bool) or not isinstance(n_laws, numbers.Integral) or n_laws < 1:
        raise ValueError(f"`n_laws` must be a positive int; got {n_laws!r}.")
    if coordinates not in ("gaussian", "original"):
        raise ValueError(f"`coordinates` must be 'gaussian' or 'original'; got {coordinates!r}.")
    seed = random_state if isinstance(random_state, np.random.Generator) else \
        check_random_state(random_state).randint(0, 2**31 - 1)
    u = qmc.LatinHypercube(d=9, seed=seed).random(n_laws)
    lo, hi = _BEAM_PARAM_RANGES[:, 0], _BEAM_PARAM_RANGES[:, 1]
    params = lo + u * (hi - lo)
    laws = []
    for p in params:
        mean, sd = np.empty(6), np.empty(6)
        for i, cv in enumerate((0.08, 0.08, 0.06)):
            mean[i], sd[i] = _lognormal_params(p[i], cv)
        mean[3:], sd[3:] = p[3:6], 0.1 * p[3:6]
        corr = np.eye(6)
        corr[3, 4] = corr[4, 3] = p[6]
        corr[3, 5] = corr[5, 3] = p[7]
        corr[4, 5] = corr[5, 4] = p[8]
        law = stats.multivariate_normal(mean, corr * np.outer(sd, sd))
        laws.append(law if coordinates == "gaussian" else _LogTransformedLaw(law))
    return laws, params


@fill_doc
def make_cantilever_beam_marginals():
    """Independent input marginals of the cantilever beam (Sobol' test case).

    Returns
    -------
    marginals : list of 6 scipy.stats frozen distributions
        ``F_X ~ LN(mean 556.8, CV 0.08)``, ``F_Y ~ LN(453.6, 0.08)``,
        ``E ~ LN(200, 0.06)`` (GPa), ``w ~ N(0.062, 0.0062)``,
        ``t ~ N(0.0987, 0.00987)``, ``L ~ N(4.29, 0.429)``.

    {ref_demange_chryst}

    Examples
    --------
    >>> from statlearn.datasets import make_cantilever_beam_marginals
    >>> len(make_cantilever_beam_marginals())
    6
    """
    from scipy import stats

    out = []
    for mean, cv in ((556.8, 0.08), (453.6, 0.08), (200.0, 0.06)):
        mu, s = _lognormal_params(mean, cv)
        out.append(stats.lognorm(s=s, scale=np.exp(mu)))
    out += [stats.norm(0.062, 0.0062), stats.norm(0.0987, 0.00987), stats.norm(4.29, 0.429)]
    return out
