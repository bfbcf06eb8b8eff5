"""The numba likelihood kernels of statlearn.ordinal against their plain-numpy / scipy twins."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import log_ndtr

from statlearn.ordinal import _kernels
from statlearn.ordinal._links import CDF, DLOGF, PPF
from tests.ordinal import _oracles

LINKS = ["logit", "probit", "cloglog"]


def _nll(link, eta, y, w, want_grad=True):
    G = np.zeros_like(eta)
    return _kernels.NLL[link](eta, y, w, G, want_grad), G


def _feasible(rng, n, K, scale=1.5, shift=0.0):
    eta = np.sort(rng.normal(scale=scale, size=(n, K - 1)), axis=1) + shift
    eta += np.arange(K - 1) * 1e-3  # strictly increasing
    y = rng.integers(0, K, size=n).astype(np.int64)
    y[:K] = np.arange(K)
    w = rng.uniform(0.5, 2.0, size=n)
    return eta, y, w / w.sum()


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("K", [2, 3, 5])
def test_loss_and_deta_match_twin(rng, link, K):
    eta, y, w = _feasible(rng, 80, K)
    loss, G = _nll(link, eta, y, w)
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, _oracles.loss_twin(eta, y, w, link), rtol=1e-10)
    np.testing.assert_allclose(G, _oracles.deta_twin(eta, y, w, link), rtol=1e-8, atol=1e-14)
    # without the gradient: same loss, G untouched
    loss2, G2 = _nll(link, eta, y, w, want_grad=False)
    assert loss2 == loss and not G2.any()


@pytest.mark.parametrize("link", LINKS)
def test_loss_is_infinite_outside_domain(link):
    # a middle-class point with eta_1 <= eta_0 has probability <= 0
    eta = np.array([[1.0, 0.5], [0.0, 1.0]])
    w = np.array([0.5, 0.5])
    assert _nll(link, eta, np.array([1, 1], dtype=np.int64), w)[0] == np.inf
    assert _oracles.loss_twin(eta, np.array([1, 1]), w, link) == np.inf
    # the same crossing at a first- or last-class point is allowed
    assert np.isfinite(_nll(link, eta, np.array([0, 2], dtype=np.int64), w)[0])


def test_probit_and_cloglog_tails():
    # first class far in the lower tail: log F(z) against scipy's log_ndtr / the exact cloglog form
    z = np.array([[-40.0], [-10.0], [-2.0], [3.0], [9.0]])
    y = np.zeros(5, dtype=np.int64)
    w = np.eye(5)
    for i in range(5):
        np.testing.assert_allclose(-_nll("probit", z, y, w[i])[0], log_ndtr(z[i, 0]), rtol=1e-12)
        ref = np.log(-np.expm1(-np.exp(z[i, 0])))
        np.testing.assert_allclose(-_nll("cloglog", z, y, w[i])[0], ref, rtol=1e-12)
    # a middle class in both tails of the normal: log(Phi(a) - Phi(b)) by the symmetric form
    eta = np.array([[-30.0, -29.0], [29.0, 30.0], [-1.0, 2.0], [5.0, 5.0 + 1e-9]])
    y1 = np.ones(4, dtype=np.int64)
    for i, (b, a) in enumerate(eta):
        lo, hi = (log_ndtr(a), log_ndtr(b)) if a <= 0 else (log_ndtr(-b), log_ndtr(-a))
        ref = lo + np.log(-np.expm1(hi - lo)) if b >= 0 or a <= 0 else np.log(CDF["probit"](a) - CDF["probit"](b))
        np.testing.assert_allclose(-_nll("probit", eta, y1, np.eye(4)[i])[0], ref, rtol=1e-9)
    # the gradient stays finite far out
    for link in ("probit", "cloglog", "logit"):
        _, G = _nll(link, eta[:3], y1[:3], np.full(3, 1 / 3))
        assert np.isfinite(G).all()


@pytest.mark.parametrize("link", LINKS)
def test_link_functions_are_consistent(link):
    z = np.linspace(-6, 2, 31)
    np.testing.assert_allclose(PPF[link](CDF[link](z)), z, atol=1e-8)
    # f'/f by a central difference of log f = log dF/dz
    h = 1e-4
    f = (CDF[link](z + h) - CDF[link](z - h)) / (2 * h)
    logf = np.log(f)
    dlogf = (np.log((CDF[link](z + 2 * h) - CDF[link](z)) / (2 * h))
             - np.log((CDF[link](z) - CDF[link](z - 2 * h)) / (2 * h))) / (2 * h)
    assert np.isfinite(logf).all()
    np.testing.assert_allclose(DLOGF[link](z), dlogf, atol=1e-4)


@given(st.integers(0, 10_000), st.integers(2, 6), st.floats(-12, 12), st.sampled_from(LINKS))
def test_loss_finite_and_twin_on_feasible_points(seed, K, shift, link):
    rng = np.random.default_rng(seed)
    scale = 4.0 if link == "logit" else 1.0  # the float64 twins lose precision in the far tails
    shift = shift if link == "logit" else shift / 4
    eta, y, w = _feasible(rng, 20, K, scale=scale, shift=shift)
    loss, G = _nll(link, eta, y, w)
    assert np.isfinite(loss) and loss >= 0
    np.testing.assert_allclose(loss, _oracles.loss_twin(eta, y, w, link), rtol=1e-7)
    assert np.isfinite(G).all()


def test_cd_quadratic_solves_the_lasso_subproblem(rng):
    # unpenalized: the solution of H D = -g; penalized: the KKT conditions of the quadratic model
    A = rng.normal(size=(30, 6))
    H = A.T @ A / 30 + 0.1 * np.eye(6)
    g = rng.normal(size=6)
    th = rng.normal(size=6)
    free = np.ones(6, dtype=np.bool_)
    zeros = np.zeros(6)
    D = np.zeros(6)
    _kernels.cd_quadratic(H, g, th, free, zeros, zeros, 10_000, 1e-14, D, np.zeros(6))
    np.testing.assert_allclose(D, np.linalg.solve(H, -g), atol=1e-10)
    pl1 = np.full(6, 0.3)
    pl2 = np.full(6, 0.1)
    free[2] = False
    D = np.zeros(6)
    _kernels.cd_quadratic(H, g, th, free, pl1, pl2, 10_000, 1e-14, D, np.zeros(6))
    assert D[2] == 0.0
    z = th + D
    h = g + H @ D + pl2 * z
    for u in np.flatnonzero(free):
        if z[u] != 0:
            assert abs(h[u] + pl1[u] * np.sign(z[u])) < 1e-9
        else:
            assert abs(h[u]) <= pl1[u] + 1e-9
