"""Tests of MultipleExpectationEstimator and sobol_indices."""

import numpy as np
import pytest
from scipy import integrate, special, stats

from statlearn.adaptive import MultipleExpectationEstimator, sobol_indices
from statlearn.adaptive.montecarlo import (
    _alpha_objective,
    _GaussianMixture,
    _optimise_alpha,
    _weighted_em,
    _weighted_gaussian,
)
from tests.adaptive._oracles import ishigami, ishigami_first_order, ishigami_total_order, slsqp_alpha

MOMENTS = np.array([special.factorial2(2 * j - 1) for j in range(1, 5)])


def moments(X):
    return X[:, [0]] ** (2 * np.arange(1, 5))


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


# --------------------------------------------------------------------------- estimator
def test_moments_accuracy_budget_and_attributes():
    calls = []

    def counted(X):
        calls.append(X.shape[0])
        return moments(X)

    est = MultipleExpectationEstimator(n_max=6000, weights=1 / MOMENTS**2, random_state=0).fit(counted, stats.norm())
    assert sum(calls) == est.n_evaluations_ == 6000
    assert est.n_final_ == 6000 - 600 * (est.n_iterations_ + 1)
    np.testing.assert_allclose(est.estimates_, MOMENTS, rtol=0.05)
    assert (np.abs(est.estimates_ - MOMENTS) < 5 * est.standard_errors_).all()
    assert est.alpha_.shape == (4,) and abs(est.alpha_.sum() - 1) < 1e-9
    assert est.beta_.shape == (4,) and len(est.proposals_) == 4
    # much better than plain Monte Carlo with the same budget (exact plain-MC standard errors)
    mc_se = np.sqrt([(special.factorial2(4 * j - 1) - special.factorial2(2 * j - 1) ** 2) / 6000 for j in range(1, 5)])
    assert (est.standard_errors_ < mc_se).all()


def test_control_variate_has_mean_one():
    est = MultipleExpectationEstimator(n_max=3000, proposal="gaussian_mixture", random_state=1)
    est.fit(moments, stats.norm())
    for j in range(4):
        # E_{g_alpha}[g_j / g_alpha] = integral of g_j = 1, by quadrature
        val, err = integrate.quad(lambda x, j=j: np.exp(est.proposal_logpdf(np.array([[x]]))[1][0, j]),
                                  -np.inf, np.inf)
        assert abs(val - 1.0) < 1e-8
    total, _ = integrate.quad(lambda x: np.exp(est.proposal_logpdf(np.array([[x]]))[0][0]), -np.inf, np.inf)
    assert abs(total - 1.0) < 1e-8


def test_many_laws_one_integrand():
    mus = np.linspace(-1, 1, 5)
    laws = [stats.multivariate_normal([m, 0.0], np.eye(2)) for m in mus]

    def func(X):  # E_j[x0^2 + x1^2] = mu_j^2 + 2
        return np.repeat((X**2).sum(axis=1)[:, None], 5, axis=1)

    est = MultipleExpectationEstimator(n_max=5000, covariance="diag", random_state=0).fit(func, laws)
    assert (np.abs(est.estimates_ - (mus**2 + 2)) < 5 * est.standard_errors_).all()


def test_same_seed_same_result_and_params():
    a = MultipleExpectationEstimator(n_max=2000, random_state=3).fit(moments, stats.norm())
    b = MultipleExpectationEstimator(n_max=2000, random_state=3).fit(moments, stats.norm())
    np.testing.assert_array_equal(a.estimates_, b.estimates_)
    est = MultipleExpectationEstimator()
    assert est.set_params(n_max=100).get_params()["n_max"] == 100
    assert "n_max=100" in repr(est)
    with pytest.raises(ValueError, match="Invalid parameter `foo`"):
        est.set_params(foo=1)


def test_bad_input():
    norm = stats.norm()
    with pytest.raises(ValueError, match=r"`func` must map an \(n, d\) array to an array of shape"):
        MultipleExpectationEstimator(n_max=1000).fit(lambda X: np.ones((3, 2)), norm)
    with pytest.raises(ValueError, match="non-finite"):
        MultipleExpectationEstimator(n_max=1000).fit(lambda X: np.full((X.shape[0], 2), np.nan), norm)
    with pytest.raises(ValueError, match=r"array of shape \(100, 3\); got shape \(100, 2\)"):
        MultipleExpectationEstimator(n_max=1000).fit(lambda X: np.ones((X.shape[0], 2)), [norm] * 3)
    with pytest.raises(TypeError, match="`input_distribution` must be a scipy frozen distribution"):
        MultipleExpectationEstimator(n_max=1000).fit(moments, "normal")
    with pytest.raises(ValueError, match="same dimension"):
        MultipleExpectationEstimator(n_max=1000).fit(moments, [norm, stats.multivariate_normal([0, 0])])
    with pytest.raises(ValueError, match="`weights` must be 4"):
        MultipleExpectationEstimator(n_max=1000, weights=[1, 2]).fit(moments, norm)
    with pytest.raises(ValueError, match="too small"):
        MultipleExpectationEstimator(n_max=10).fit(moments, norm)
    with pytest.raises(ValueError, match="`n_batches`"):
        MultipleExpectationEstimator(n_batches=1).fit(moments, norm)
    with pytest.raises(ValueError, match="`proposal`"):
        MultipleExpectationEstimator(proposal="student").fit(moments, norm)
    with pytest.raises(TypeError, match="`func` must be callable"):
        MultipleExpectationEstimator().fit(3, norm)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MultipleExpectationEstimator().proposal_logpdf(np.zeros((2, 1)))


@pytest.mark.slow
def test_unbiased_over_200_repetitions():
    # Gaussian moments (J = 4), small budget: the mean of 200 estimates must be within
    # 3 standard errors (of that mean) of the exact moments.
    est = np.array([MultipleExpectationEstimator(n_max=1000, weights=1 / MOMENTS**2, random_state=r)
                    .fit(moments, stats.norm()).estimates_ for r in range(200)])
    se = est.std(axis=0, ddof=1) / np.sqrt(200)
    assert (np.abs(est.mean(axis=0) - MOMENTS) < 3 * se).all()


# --------------------------------------------------------------------------- Sobol'
ISHIGAMI = [stats.uniform(-np.pi, 2 * np.pi)] * 3


@pytest.mark.parametrize("method", ["iscv", "pick_freeze"])
def test_sobol_ishigami_closed_form(method):
    res = sobol_indices(ishigami, ISHIGAMI, 8000, method=method, random_state=0)
    np.testing.assert_allclose(res.first_order, ishigami_first_order(), atol=0.05)
    assert res.n_model_calls == 8000 * 4
    assert res.expectations.shape == (5,) and res.standard_errors.shape == (5,)
    assert res.total_order is None and res.sampling == "mc"


def test_ishigami_total_order_oracle_by_brute_force():
    # the closed form used below, checked against a plain Monte Carlo Jansen estimate with many points
    rng = np.random.default_rng(0)
    A, B = rng.uniform(-np.pi, np.pi, (2, 400_000, 3))
    yA = ishigami(A)
    for i in range(3):
        ABi = A.copy()
        ABi[:, i] = B[:, i]
        st = 0.5 * np.mean((yA - ishigami(ABi)) ** 2) / yA.var()
        assert abs(st - ishigami_total_order()[i]) < 0.01


@pytest.mark.parametrize("method", ["saltelli", "janon"])
def test_sobol_qmc_ishigami_known_indices(method):
    # Over 100 scramblings at n = 4096 the per-index RMSE of both estimators is 0.002-0.004 (measured while
    # building this), so 0.02 is about 5 standard deviations: a wrong estimator or a broken design fails.
    res = sobol_indices(ishigami, ISHIGAMI, 4096, method=method, random_state=0)
    np.testing.assert_allclose(res.first_order, ishigami_first_order(), atol=0.02)
    assert res.sampling == "qmc" and res.method == method
    if method == "saltelli":
        assert res.n_model_calls == 4096 * 5
        np.testing.assert_allclose(res.total_order, ishigami_total_order(), atol=0.02)
    else:
        assert res.n_model_calls == 4096 * 4 and res.total_order is None


def test_sobol_qmc_beats_mc_and_is_nearly_unbiased():
    # 16 independent scramblings at n = 512: the mean is within 4 standard errors of the closed form
    # (the ratio estimator's O(1/n) bias is far below that), and randomised QMC has a smaller error than
    # plain Monte Carlo with the same estimator and the same number of calls (measured RMSE 0.025 vs 0.055).
    truth = ishigami_first_order()
    qmc = np.array([sobol_indices(ishigami, ISHIGAMI, 512, random_state=r).first_order for r in range(16)])
    mc = np.array([sobol_indices(ishigami, ISHIGAMI, 512, sampling="mc", random_state=r).first_order
                   for r in range(16)])
    se = qmc.std(axis=0, ddof=1) / np.sqrt(16)
    assert (np.abs(qmc.mean(axis=0) - truth) < 4 * se + 1e-3).all()
    assert np.sqrt(np.mean((qmc - truth) ** 2)) < np.sqrt(np.mean((mc - truth) ** 2))


@pytest.mark.parametrize("method,sampling", [("saltelli", "qmc"), ("janon", "qmc"), ("saltelli", "mc"),
                                             ("pick_freeze", "qmc")])
def test_sobol_reproducible(method, sampling):
    a = sobol_indices(ishigami, ISHIGAMI, 256, method=method, sampling=sampling, random_state=3)
    b = sobol_indices(ishigami, ISHIGAMI, 256, method=method, sampling=sampling, random_state=3)
    c = sobol_indices(ishigami, ISHIGAMI, 256, method=method, sampling=sampling, random_state=4)
    np.testing.assert_array_equal(a.first_order, b.first_order)
    assert not np.array_equal(a.first_order, c.first_order)
    g = sobol_indices(ishigami, ISHIGAMI, 256, method=method, sampling=sampling,
                      random_state=np.random.default_rng(3))
    assert np.isfinite(g.first_order).all()


def test_sobol_qmc_unbounded_marginals_stay_finite():
    # normal marginals through ppf: the points are kept strictly inside (0, 1)
    res = sobol_indices(lambda X: X[:, 0] + 2 * X[:, 1], [stats.norm()] * 2, 1024, random_state=0)
    np.testing.assert_allclose(res.first_order, [0.2, 0.8], atol=0.01)
    np.testing.assert_allclose(res.total_order, [0.2, 0.8], atol=0.01)


def test_sobol_agrees_with_salib_and_scipy():
    SALib = pytest.importorskip("SALib")
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = sobol_sample.sample(problem, 4096, calc_second_order=False, seed=0)
    salib = sobol_analyze.analyze(problem, ishigami(X), calc_second_order=False, seed=0)
    sp = stats.sobol_indices(func=lambda x: ishigami(x.T), n=4096, dists=ISHIGAMI, rng=np.random.default_rng(0))
    ours = sobol_indices(ishigami, ISHIGAMI, 8000, method="iscv", random_state=1).first_order
    assert SALib is not None
    np.testing.assert_allclose(ours, salib["S1"], atol=0.06)
    np.testing.assert_allclose(ours, sp.first_order, atol=0.06)
    # same design and estimator family as the peers: agreement within the QMC error (RMSE ~0.003 each)
    q = sobol_indices(ishigami, ISHIGAMI, 4096, random_state=1)
    np.testing.assert_allclose(q.first_order, salib["S1"], atol=0.02)
    np.testing.assert_allclose(q.first_order, sp.first_order, atol=0.02)
    np.testing.assert_allclose(q.total_order, salib["ST"], atol=0.02)
    np.testing.assert_allclose(q.total_order, sp.total_order, atol=0.02)


def test_sobol_linear_model_and_errors():
    res = sobol_indices(lambda X: X[:, 0] + 2 * X[:, 1], [stats.norm()] * 2, 3000, method="iscv", random_state=0)
    np.testing.assert_allclose(res.first_order, [0.2, 0.8], atol=0.03)
    with pytest.raises(ValueError, match="`func` must map"):
        sobol_indices(lambda X: X, [stats.norm()] * 2, 128)
    with pytest.raises(TypeError, match="`input_distribution` must be a list"):
        sobol_indices(lambda X: X[:, 0], stats.norm(), 128)
    with pytest.raises(ValueError, match="`n` must be an int"):
        sobol_indices(lambda X: X[:, 0], [stats.norm()], 5)
    with pytest.raises(ValueError, match="`method`"):
        sobol_indices(lambda X: X[:, 0], [stats.norm()], 128, method="sobol1993")
    with pytest.raises(ValueError, match="`sampling`"):
        sobol_indices(lambda X: X[:, 0], [stats.norm()], 128, sampling="lhs")
    with pytest.raises(ValueError, match="`sampling` must be 'mc'.*iscv"):
        sobol_indices(lambda X: X[:, 0], [stats.norm()], 128, method="iscv", sampling="qmc")
    with pytest.raises(ValueError, match="`n` must be a power of two.*got 1000. Use 512 or 1024"):
        sobol_indices(lambda X: X[:, 0], [stats.norm()], 1000)
    # a non-power of two is fine with plain Monte Carlo points
    assert sobol_indices(lambda X: X[:, 0], [stats.norm()], 1000, sampling="mc").n_model_calls == 3000
    with pytest.raises(ValueError, match="non-finite"):
        sobol_indices(lambda X: np.full(X.shape[0], np.inf), [stats.norm()], 100, method="pick_freeze")
    with pytest.raises(ValueError, match="non-finite"):
        sobol_indices(lambda X: np.full(X.shape[0], np.nan), [stats.norm()], 128)


def test_beam_laws_original_coordinates_density():
    from statlearn.datasets import cantilever_beam_displacement, make_cantilever_beam_laws

    zl, params = make_cantilever_beam_laws(3, random_state=0)
    xl, params2 = make_cantilever_beam_laws(3, coordinates="original", random_state=0)
    np.testing.assert_array_equal(params, params2)
    x = xl[1].rvs(2000, random_state=np.random.default_rng(0))
    z = x.copy()
    z[:, :3] = np.log(z[:, :3])
    # change of variables: f_x(x) = f_z(z) / prod(x_1..3)
    np.testing.assert_allclose(xl[1].logpdf(x), zl[1].logpdf(z) - np.log(x[:, :3]).sum(axis=1), rtol=1e-12)
    # mean of the lognormal force is the law parameter (CV 0.08)
    assert abs(x[:, 0].mean() / params[1, 0] - 1) < 0.01
    np.testing.assert_allclose(cantilever_beam_displacement(x), cantilever_beam_displacement(z, log_inputs=True))
    assert np.isneginf(xl[0].logpdf(-x[:2])).all()
    with pytest.raises(ValueError, match="`coordinates`"):
        make_cantilever_beam_laws(3, coordinates="polar")


@pytest.mark.parametrize("seed", [0, 7])
def test_adaptive_phase_stays_within_adapt_fraction(seed):
    # n_adapt = 500 is not a multiple of the batch size 166: the adaptive phase must not run a
    # fourth batch (664 evaluations), which would spend more than `adapt_fraction` of `n_max`
    # and shrink the fresh final sample.
    calls = []

    def counted(X):
        calls.append(X.shape[0])
        return moments(X)[:, :3]

    est = MultipleExpectationEstimator(n_max=1000, n_batches=3, weights="relative", random_state=seed)
    est.fit(counted, stats.norm())
    assert sum(calls[:-1]) <= 500
    assert est.n_iterations_ <= 2
    assert est.n_final_ == calls[-1] >= 500
    assert sum(calls) == est.n_evaluations_ == 1000


@pytest.mark.parametrize("method,n", [("saltelli", 128), ("janon", 128), ("pick_freeze", 200), ("iscv", 1000)])
def test_sobol_constant_model_is_an_error(method, n):
    # zero output variance: the indices are undefined (iscv used to answer 1.0 for every input)
    with pytest.raises(ValueError, match="same value .* variance is zero"):
        sobol_indices(lambda X: np.full(X.shape[0], 2.5), [stats.norm()] * 2, n, method=method, random_state=0)
