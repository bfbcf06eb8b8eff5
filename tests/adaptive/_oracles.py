"""Slow, obviously correct references for statlearn.adaptive tests."""

import numpy as np
from scipy import optimize


def slsqp_alpha(obj, grad, J):
    """The authors' solver for the mixture weights: SLSQP on the simplex."""
    res = optimize.minimize(obj, np.full(J, 1.0 / J), jac=grad, method="SLSQP", bounds=[(1e-12, 1.0)] * J,
                            constraints=[{"type": "eq", "fun": lambda a: a.sum() - 1.0}],
                            options={"ftol": 1e-14, "maxiter": 2000})
    return res.x


def ishigami(X, a=7.0, b=0.1):
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def ishigami_first_order(a=7.0, b=0.1):
    """Closed-form first-order Sobol' indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    return np.array([v1 / v, v2 / v, 0.0])


def ishigami_total_order(a=7.0, b=0.1):
    """Closed-form total Sobol' indices of the Ishigami function (x3 acts only through x1 * x3^4)."""
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    return np.array([(v1 + v13) / v, v2 / v, v13 / v])
