"""The numba kernels of statlearn.ordinal against their plain-numpy twins."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_cumulative_coef_and_linear_predictor(rng):
    X, y, w, alpha, psi = _problem(rng)
    beta = _solver.cumulative_coef(psi)
    np.testing.assert_allclose(beta, np.cumsum(psi, axis=1))
    np.testing.assert_allclose(_solver.linear_predictor(X, alpha, psi), X @ np.cumsum(psi, axis=1) + alpha)


@pytest.mark.parametrize("K", [2, 3, 5])
def test_loss_and_gradient_match_twin(rng, K):
    X, y, w, alpha, psi = _problem(rng, K=K)
    eta = _solver.linear_predictor(X, alpha, psi)
    G = np.empty_like(eta)
    loss = _solver.loss_and_deta(eta, y, w, G, True)
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, _oracles.loss_twin(eta, y, w), rtol=1e-12)
    np.testing.assert_allclose(G, _oracles.deta_twin(eta, y, w), rtol=1e-9, atol=1e-14)
    ga, gp = _solver.gradient(X, G, K - 1)
    ga2, gp2 = _oracles.gradient_twin(X, G)
    np.testing.assert_allclose(ga, ga2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gp, gp2, rtol=1e-12, atol=1e-15)


def test_gradient_matches_finite_differences(rng):
    X, y, w, alpha, psi = _problem(rng, K=4)
    G = np.empty((X.shape[0], 3))

    def f(a, s):
        return _solver.loss_and_deta(_solver.linear_predictor(X, a, s), y, w, G, False)

    _solver.loss_and_deta(_solver.linear_predictor(X, alpha, psi), y, w, G, True)
    ga, gp = _solver.gradient(X, G, 3)
    h = 1e-6
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        assert abs((f(alpha + e, psi) - f(alpha - e, psi)) / (2 * h) - ga[k]) < 1e-7
    for j, k in [(0, 0), (1, 2), (3, 1)]:
        e = np.zeros_like(psi)
        e[j, k] = h
        assert abs((f(alpha, psi + e) - f(alpha, psi - e)) / (2 * h) - gp[j, k]) < 1e-7


def test_frozen_blocks_have_zero_gradient(rng):
    X, y, w, alpha, psi = _problem(rng, K=4)
    eta = _solver.linear_predictor(X, alpha, psi)
    G = np.empty_like(eta)
    _solver.loss_and_deta(eta, y, w, G, True)
    _, gp = _solver.gradient(X, G, 1)
    assert np.all(gp[:, 1:] == 0)
    _, gp_all = _solver.gradient(X, G, 3)
    np.testing.assert_allclose(gp[:, 0], gp_all[:, 0])


def test_loss_is_infinite_outside_domain():
    # a middle-class point with eta_1 <= eta_0 has probability <= 0
    eta = np.array([[1.0, 0.5], [0.0, 1.0]])
    y = np.array([1, 1], dtype=np.int64)
    w = np.array([0.5, 0.5])
    G = np.empty_like(eta)
    assert _solver.loss_and_deta(eta, y, w, G, True) == np.inf
    assert _oracles.loss_twin(eta, y, w) == np.inf
    # the same crossing at a first- or last-class point is allowed
    y2 = np.array([0, 2], dtype=np.int64)
    assert np.isfinite(_solver.loss_and_deta(eta, y2, w, G, True))


def test_count_crossings_and_penalty(rng):
    eta = rng.normal(size=(50, 3))
    expected = int((np.diff(eta, axis=1) < 0).any(axis=1).sum())
    assert _solver.count_crossings(eta) == expected
    psi = rng.normal(size=(4, 3))
    pen = rng.uniform(size=(4, 3))
    val = _solver.penalty_value(psi, pen, 0.3)
    np.testing.assert_allclose(val, (pen * (0.3 * np.abs(psi) + 0.35 * psi ** 2)).sum())


def test_kkt_violation_matches_definition(rng):
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


@given(st.integers(0, 10_000), st.integers(2, 6), st.floats(-12, 12))
def test_loss_finite_and_twin_on_feasible_points(seed, K, shift):
    rng = np.random.default_rng(seed)
    n = 20
    eta = np.sort(rng.normal(scale=4, size=(n, K - 1)), axis=1) + shift  # |eta| within the twin's precision
    eta += np.arange(K - 1) * 1e-3  # strictly increasing
    y = rng.integers(0, K, size=n).astype(np.int64)
    w = np.full(n, 1.0 / n)
    G = np.empty_like(eta)
    loss = _solver.loss_and_deta(eta, y, w, G, True)
    assert np.isfinite(loss) and loss >= 0
    twin = _oracles.loss_twin(eta, y, w)
    np.testing.assert_allclose(loss, twin, rtol=1e-8)
    assert np.isfinite(G).all()


def test_fista_reaches_kkt(rng):
    X, y, w, alpha, psi = _problem(rng, n=200, K=4)
    alpha0 = np.array([-1.0, 0.0, 1.0])
    pen = np.full((4, 3), 0.01)
    a, s, obj, n_iter, kkt, _ = _solver.fista(X, y, w, alpha0, np.zeros((4, 3)), pen, 1.0, 3, 1e-9, 5000, 1.0)
    assert kkt <= 1e-9 and 0 < n_iter < 5000
    eta = _solver.linear_predictor(X, a, s)
    G = np.empty_like(eta)
    f = _solver.loss_and_deta(eta, y, w, G, True)
    np.testing.assert_allclose(obj, f + _solver.penalty_value(s, pen, 1.0), rtol=1e-14)
    ga, gp = _solver.gradient(X, G, 3)
    assert _solver.kkt_violation(ga, gp, s, pen, 1.0, 3) <= 1e-9
    # an infeasible start is reported, not silently used
    bad = np.array([1.0, 0.0, -1.0])
    assert _solver.fista(X, y, w, bad, np.zeros((4, 3)), pen, 1.0, 3, 1e-9, 50, 1.0)[2] == np.inf


def test_hessian_matches_finite_differences(rng):
    X, y, w, alpha, psi = _problem(rng, n=80, p=3, K=4)
    eta = _solver.linear_predictor(X, alpha, psi)
    H = _solver.hessian_theta(_solver.hessian_beta(X, eta, y, w), 3, 4)
    np.testing.assert_allclose(H, H.T, atol=1e-15)
    np.testing.assert_allclose(H, _oracles.hessian_theta_fd(X, y, w, alpha, psi, 3), atol=1e-7)


@pytest.mark.parametrize("n_free, l1_ratio", [(3, 1.0), (3, 0.3), (1, 1.0)])
def test_prox_newton_equals_fista(rng, n_free, l1_ratio):
    X, y, w, alpha, psi = _problem(rng, n=150, p=4, K=4)
    alpha0 = np.array([-1.0, 0.0, 1.0])
    pen = np.full((4, 3), 0.01)
    pen[0] = 0.0  # an unpenalized feature
    a1, s1, f1, _, k1, _ = _solver.fista(X, y, w, alpha0, np.zeros((4, 3)), pen, l1_ratio, n_free, 1e-10,
                                         100_000, 1.0)
    a2, s2, f2, it, k2, _ = _solver.prox_newton(X, y, w, alpha0, np.zeros((4, 3)), pen, l1_ratio, n_free,
                                                1e-10, 100, 1000)
    assert k1 <= 1e-10 and k2 <= 1e-10 and it < 30
    np.testing.assert_allclose(f2, f1, rtol=1e-12)
    np.testing.assert_allclose(s2, s1, atol=1e-7)
    np.testing.assert_allclose(a2, a1, atol=1e-7)
    assert np.all(s2[:, n_free:] == 0)
