"""Tests of the building blocks of the multiple-expectation estimator (statlearn/adaptive/_proposals.py)."""

import numpy as np
import pytest
from scipy import stats

from statlearn.adaptive._proposals import (
    _alpha_objective,
    _GaussianMixture,
    _optimise_alpha,
    _shrunk_gaussian,
    _tail_floor,
    _weighted_em,
    _weighted_gaussian,
    effective_size,
)
from tests.adaptive._oracles import slsqp_alpha


# --------------------------------------------------------------------------- building blocks
def test_gaussian_mixture_matches_scipy():
    rng = np.random.default_rng(0)
    means = rng.normal(size=(2, 3))
    A = rng.normal(size=(2, 3, 3))
    covs = A @ A.transpose(0, 2, 1) + np.eye(3)
    gm = _GaussianMixture([0.3, 0.7], means, covs)
    X = rng.normal(size=(50, 3))
    ref = np.log(0.3 * stats.multivariate_normal(means[0], covs[0]).pdf(X)
                 + 0.7 * stats.multivariate_normal(means[1], covs[1]).pdf(X))
    np.testing.assert_allclose(gm.logpdf(X), ref, rtol=1e-10)
    S = gm.rvs(20000, rng)
    np.testing.assert_allclose(S.mean(axis=0), 0.3 * means[0] + 0.7 * means[1], atol=0.05)


def test_weighted_gaussian_matches_numpy():
    rng = np.random.default_rng(1)
    X, w = rng.normal(size=(200, 2)), rng.uniform(size=200)
    mu, cov = _weighted_gaussian(X, w, diag=False)
    np.testing.assert_allclose(mu, np.average(X, axis=0, weights=w))
    ref = np.cov(X.T, aweights=w, bias=True)
    np.testing.assert_allclose(cov, ref + np.diag(1e-6 * np.diag(ref)), rtol=1e-9)
    _, dcov = _weighted_gaussian(X, w, diag=True)
    assert dcov[0, 1] == 0.0


def test_weighted_em_finds_two_modes():
    rng = np.random.default_rng(2)
    X = np.concatenate([rng.normal(-3, 0.5, 400), rng.normal(3, 0.5, 400)])[:, None]
    w = np.where(X[:, 0] > 0, 3.0, 1.0)  # the right mode carries 3/4 of the weight
    pis, means, covs = _weighted_em(X, w, diag=False)
    order = np.argsort(means[:, 0])
    np.testing.assert_allclose(means[order, 0], [-3, 3], atol=0.15)
    np.testing.assert_allclose(pis[order], [0.25, 0.75], atol=0.03)


@pytest.mark.parametrize("J", [2, 5, 12])
def test_alpha_solver_matches_slsqp(J):
    rng = np.random.default_rng(J)
    N = 2000
    G, FY = rng.gamma(1.0, 1.0, (N, J)), rng.gamma(2.0, 1.0, (N, J))
    h, beta, w = rng.gamma(3.0, 1.0, N), rng.uniform(0, 1, J), rng.uniform(0.5, 2, J)
    a0 = np.full(J, 1.0 / J)
    obj, grad = _alpha_objective(a0, FY, G, h, beta, w)
    ours = _optimise_alpha(a0, FY, G, h, beta, w, max_iter=2000, tol=1e-12)
    ref = slsqp_alpha(obj, grad, J)
    assert abs(ours.sum() - 1) < 1e-12 and (ours > 0).all()
    assert obj(ours) <= obj(ref) * (1 + 1e-6)


def test_tail_floor_and_shrinkage_keep_proposals_wide_enough():
    ref = np.array([[2.0, 0.5], [0.5, 1.0]])
    narrow = np.diag([1e-6, 3.0])
    floored = _tail_floor(narrow, ref)
    # cov >= 0.75 ref in the Loewner order: the importance weights keep a finite fourth moment
    assert np.linalg.eigvalsh(floored - 0.75 * ref).min() > -1e-12
    wide = 3.0 * ref
    np.testing.assert_array_equal(_tail_floor(wide, ref), wide)
    # two points on a line: the raw weighted covariance is singular, the shrunk one is not
    X = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    w = np.array([1.0, 1.0, 0.0])
    _, cov = _shrunk_gaussian(X, w, np.eye(2), diag=False)
    assert np.linalg.eigvalsh(cov).min() > 0.5
    assert effective_size(w) == 2.0 and effective_size(np.zeros(3)) == 0.0
