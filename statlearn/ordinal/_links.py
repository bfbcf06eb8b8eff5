"""Links of the cumulative models, numpy side: ``P(y <= k | x) = F(eta_k)``.

``F`` is the distribution function of the latent error: logistic (logit),
standard normal (probit) or minimum extreme value, ``F(z) = 1 - exp(-exp(z))``
(complementary log-log). The per-sample kernels are in :mod:`._kernels`.
"""

import numpy as np
from scipy.special import expit, logit, ndtr, ndtri


def _cdf_cloglog(z):
    return -np.expm1(-np.exp(z))


def _ppf_cloglog(p):
    return np.log(-np.log1p(-p))


# F, F^{-1}, f'/f
CDF = {"logit": expit, "probit": ndtr, "cloglog": _cdf_cloglog}
PPF = {"logit": logit, "probit": ndtri, "cloglog": _ppf_cloglog}
DLOGF = {"logit": lambda z: np.tanh(-0.5 * z), "probit": np.negative, "cloglog": lambda z: -np.expm1(z)}
NAMES = tuple(CDF)
