"""Noise mechanisms for statistical queries: answers are empirical means plus Laplace or Gaussian noise.

Statistical queries are functions ``phi`` from one sample to ``[0, 1]``; a
query is given here as the vector of its values on the samples.
"""

from __future__ import annotations

import numpy as np

from statlearn._docstrings import fill_doc

from .._base import BaseObject, check_generator
from .._validation import Interval, check_finite_array

__all__ = ["GaussianMechanism", "LaplaceMechanism"]


def _check_query_values(values, name, n_samples=None):
    """Values of statistical queries: (n_samples,) or (n_samples, n_queries) in [0, 1]."""
    if np.ndim(values) == 0:
        raise ValueError(f"`{name}` must hold one query value per sample (shape (n_samples,) or (n_samples, "
                         f"n_queries)); got a scalar {values!r}.")
    v = check_finite_array(values, name=name, ndim=(1, 2))
    bad = (v < 0) | (v > 1)
    if bad.any():
        idx = np.argwhere(bad)[0]
        where = int(idx[0]) if len(idx) == 1 else tuple(int(i) for i in idx)
        raise ValueError(
            f"`{name}` must contain query values in [0, 1] (one per sample); found {int(bad.sum())} "
            f"value(s) outside, first at index {where}: {float(v[tuple(idx)]):.6g}."
        )
    if n_samples is not None and v.shape[0] != n_samples:
        raise ValueError(f"`{name}` must have {n_samples} rows; got shape {v.shape}.")
    return v


def _log_array(attr, dtype, doc):
    """Read-only property: the query-log list ``self.<attr>`` as an ndarray (after the lazy start)."""

    def get(self):
        self._started()
        return np.asarray(getattr(self, attr), dtype=dtype)

    return property(get, doc=doc)


class _NoiseMechanism(BaseObject):
    """Shared code of the Laplace and Gaussian mechanisms: noise from the generator method
    ``_distribution`` (``loc=0``), its scale the parameter ``_scale_name``."""

    _scale_name = "scale"
    _distribution = "laplace"

    def reset(self):
        """Forget the query log and restart the noise stream from ``random_state``.

        Returns
        -------
        self : object
        """
        self._validate_params()
        self._rng = check_generator(self.random_state)
        self._answers, self._true = [], []
        return self

    def _after_set_params(self):
        self.__dict__.pop("_rng", None)  # the next query restarts from the new parameters

    def _started(self):
        if "_rng" not in self.__dict__:
            self.reset()

    def _noise(self, size):
        scale = getattr(self, self._scale_name)
        if scale == 0:
            return np.zeros(size)
        return getattr(self._rng, self._distribution)(0.0, scale, size=size)

    def query(self, values):
        """Answer the empirical mean of one or several statistical queries, plus noise.

        Parameters
        ----------
        values : array-like of shape (n_samples,) or (n_samples, n_queries)
            Values of the query (or of each query) on every sample, in [0, 1].

        Returns
        -------
        answer : float or ndarray of shape (n_queries,)
            Noisy empirical means; a float for a 1-D input.
        """
        self._started()
        v = _check_query_values(values, "values")
        means = np.atleast_1d(v.mean(axis=0))
        answers = means + self._noise(means.shape[0])
        self._true.extend(means.tolist())
        self._answers.extend(answers.tolist())
        return float(answers[0]) if v.ndim == 1 else answers

    answers_ = _log_array("_answers", float, "ndarray of shape (n_queries,): every answer given so far.")
    empirical_means_ = _log_array("_true", float,
                                  "ndarray of shape (n_queries,): the exact empirical means behind the answers.")

    @property
    def n_queries_(self):
        """int: number of queries answered since the last :meth:`reset`."""
        self._started()
        return len(self._answers)


# a noise scale above 1 hides answers in [0, 1] completely (and 1e300 overflows them)
_NOISE_SCALE = [Interval("real", 0, 1, closed="both")]


@fill_doc
class LaplaceMechanism(_NoiseMechanism):
    """Answer statistical queries with Laplace noise.

    Each answer is ``mean(values) + Z`` with ``Z ~ Laplace(0, scale)``
    (standard deviation ``scale * sqrt(2)``). Since the empirical mean of a
    [0, 1]-valued query has sensitivity ``1 / n``, one answer is
    ``1 / (n * scale)``-differentially private.

    Parameters
    ----------
    scale : float in [0, 1]
        Scale ``b`` of the Laplace noise (not its standard deviation). Answers
        are means in [0, 1]: a larger scale would hide them completely.
    {random_state_noise}

    {mechanism_attributes}

    See Also
    --------
    GaussianMechanism : The same with Gaussian noise.
    Thresholdout : Reuse a holdout set through noise.

    {ref_dwork_stoc}

    Examples
    --------
    >>> from statlearn.adaptive import LaplaceMechanism
    >>> mech = LaplaceMechanism(scale=0.01, random_state=0)
    >>> values = np.random.default_rng(0).uniform(size=1000)
    >>> bool(abs(mech.query(values) - values.mean()) < 0.1)
    True
    >>> mech.n_queries_
    1
    """

    _parameter_constraints = {"scale": _NOISE_SCALE, "random_state": ["random_state"]}

    def __init__(self, scale, random_state=None):
        self.scale = scale
        self.random_state = random_state


@fill_doc
class GaussianMechanism(_NoiseMechanism):
    """Answer statistical queries with Gaussian noise.

    Each answer is ``mean(values) + Z`` with ``Z ~ N(0, sigma**2)``.

    Parameters
    ----------
    sigma : float in [0, 1]
        Standard deviation of the noise (at most 1: answers are means in [0, 1]).
    {random_state_noise}

    {mechanism_attributes}

    See Also
    --------
    LaplaceMechanism : The same with Laplace noise.

    {ref_dwork_stoc}

    Examples
    --------
    >>> from statlearn.adaptive import GaussianMechanism
    >>> mech = GaussianMechanism(sigma=0.01, random_state=0)
    >>> answers = mech.query(np.full((100, 3), 0.5))
    >>> answers.shape
    (3,)
    """

    _scale_name = "sigma"
    _distribution = "normal"

    _parameter_constraints = {"sigma": _NOISE_SCALE, "random_state": ["random_state"]}

    def __init__(self, sigma, random_state=None):
        self.sigma = sigma
        self.random_state = random_state
