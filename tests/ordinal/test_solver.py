"""The PRESTO solvers (prox Newton and FISTA drivers) against their twins and each other."""

import numpy as np
import pytest

from statlearn.ordinal import _solver
from tests.ordinal import _oracles


def _problem(rng, n=60, p=4, K=4, feasible=True):
    X = np.ascontiguousarray(rng.normal(size=(n, p)))
    y = rng.integers(0, K, size=n).astype(np.int64)
    y[:K] = np.arange(K)
    w = rng.uniform(0.5, 2.0, size=n)
    w /= w.sum()
    alpha = np.sort(rng.normal(size=K - 1)) * 2
    psi = rng.normal(scale=0.1 if feasible else 2.0, size=(p, K - 1))
    return X, y, w, alpha, psi


def _prob(X, y, w, pen=None, l1_ratio=1.0, n_free=None, link="logit"):
    k1 = int(y.max())
    pen = np.zeros((X.shape[1], k1)) if pen is None else pen
    return _solver.Problem(X, y, w, pen, l1_ratio, k1 if n_free is None else n_free, link)


def test_linear_predictor(rng):
    X, y, w, alpha, psi = _problem(rng)
    np.testing.assert_allclose(_solver.linear_predictor(X, alpha, psi), X @ np.cumsum(psi, axis=1) + alpha)


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_gradient_matches_twin_and_finite_differences(rng, link):
    X, y, w, alpha, psi = _problem(rng, K=4)
    prob = _prob(X, y, w, link=link)
    pt = _solver.evaluate(prob, alpha, psi)
    ga2, gp2 = _oracles.gradient_twin(X, _oracles.deta_twin(pt.eta, y, w, link))
    np.testing.assert_allclose(pt.ga, ga2, rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(pt.gp, gp2, rtol=1e-8, atol=1e-14)

    def f(a, s):
        return _solver.evaluate(prob, a, s).f

    h = 1e-6
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        assert abs((f(alpha + e, psi) - f(alpha - e, psi)) / (2 * h) - pt.ga[k]) < 1e-7
    for j, k in [(0, 0), (1, 2), (3, 1)]:
        e = np.zeros_like(psi)
        e[j, k] = h
        assert abs((f(alpha, psi + e) - f(alpha, psi - e)) / (2 * h) - pt.gp[j, k]) < 1e-7


def test_frozen_blocks_have_zero_gradient(rng):
    X, y, w, alpha, psi = _problem(rng, K=4)
    gp = _solver.evaluate(_prob(X, y, w, n_free=1), alpha, psi).gp
    assert np.all(gp[:, 1:] == 0)
    gp_all = _solver.evaluate(_prob(X, y, w), alpha, psi).gp
    np.testing.assert_allclose(gp[:, 0], gp_all[:, 0])


def test_penalty_value(rng):
    psi = rng.normal(size=(4, 3))
    pen = rng.uniform(size=(4, 3))
    val = _solver.penalty_value(psi, pen, 0.3)
    np.testing.assert_allclose(val, (pen * (0.3 * np.abs(psi) + 0.35 * psi ** 2)).sum())
    # a huge (capped) penalty on a zero entry adds nothing
    assert _solver.penalty_value(np.zeros((2, 2)), np.full((2, 2), 1e300), 0.5) == 0.0


def test_kkt_violation_matches_definition():
    psi = np.array([[0.5, 0.0], [0.0, -1.0]])
    pen = np.full((2, 2), 0.2)
    galpha = np.array([1e-3, -2e-3])
    gpsi = np.array([[-0.2, 0.1], [0.5, 0.2]])
    # entries: (0,0) psi>0: |g + t| = 0; (0,1) psi=0: max(|0.1|-0.2,0)=0;
    # (1,0) psi=0: 0.5-0.2=0.3; (1,1) psi<0: |0.2-0.2| = 0
    assert _solver.kkt_violation(galpha, gpsi, psi, pen, 1.0, 2) == pytest.approx(0.3)
    # frozen blocks are ignored
    assert _solver.kkt_violation(galpha, gpsi, psi, pen, 1.0, 1) == pytest.approx(0.3)
    gpsi[1, 0] = 0.0
    assert _solver.kkt_violation(galpha, gpsi, psi, pen, 1.0, 1) == pytest.approx(2e-3)


def test_fista_reaches_kkt(rng):
    X, y, w, alpha, psi = _problem(rng, n=200, K=4)
    alpha0 = np.array([-1.0, 0.0, 1.0])
    pen = np.full((4, 3), 0.01)
    prob = _prob(X, y, w, pen)
    a, s, obj, n_iter, kkt, _ = _solver.fista(prob, alpha0, np.zeros((4, 3)), 1e-9, 5000)
    assert kkt <= 1e-9 and 0 < n_iter < 5000
    pt = _solver.evaluate(prob, a, s)
    np.testing.assert_allclose(obj, _oracles.loss_twin(pt.eta, y, w) + _solver.penalty_value(s, pen, 1.0),
                               rtol=1e-12)
    assert _solver.kkt(prob, pt) <= 1e-9
    # an infeasible start is reported, not silently used
    bad = np.array([1.0, 0.0, -1.0])
    assert _solver.fista(prob, bad, np.zeros((4, 3)), 1e-9, 50)[2] == np.inf
    assert _solver.prox_newton(prob, bad, np.zeros((4, 3)), 1e-9, 50)[2] == np.inf


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_hessian_matches_finite_differences(rng, link):
    X, y, w, alpha, psi = _problem(rng, n=80, p=3, K=4)
    prob = _prob(X, y, w, link=link)
    H = _solver.hessian_theta(prob, _solver.linear_predictor(X, alpha, psi))
    np.testing.assert_allclose(H, H.T, atol=1e-15)
    np.testing.assert_allclose(H, _oracles.hessian_theta_fd(X, y, w, alpha, psi, 3, link=link), atol=1e-7)


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
@pytest.mark.parametrize("n_free, l1_ratio", [(3, 1.0), (3, 0.3), (1, 1.0)])
def test_prox_newton_equals_fista(rng, n_free, l1_ratio, link):
    X, y, w, alpha, psi = _problem(rng, n=150, p=4, K=4)
    alpha0 = np.array([-1.0, 0.0, 1.0])
    pen = np.full((4, 3), 0.01)
    pen[0] = 0.0  # an unpenalized feature
    prob = _prob(X, y, w, pen, l1_ratio, n_free, link)
    a1, s1, f1, _, k1, _ = _solver.fista(prob, alpha0, np.zeros((4, 3)), 1e-10, 100_000)
    a2, s2, f2, it, k2, _ = _solver.prox_newton(prob, alpha0, np.zeros((4, 3)), 1e-10, 100)
    assert k1 <= 1e-10 and k2 <= 1e-10 and it < 30
    np.testing.assert_allclose(f2, f1, rtol=1e-12)
    np.testing.assert_allclose(s2, s1, atol=1e-7)
    np.testing.assert_allclose(a2, a1, atol=1e-7)
    assert np.all(s2[:, n_free:] == 0)
