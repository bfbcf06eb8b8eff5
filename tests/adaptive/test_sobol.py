"""Tests of sobol_indices (statlearn/adaptive/sobol.py)."""

import numpy as np
import pytest
from scipy import stats

from statlearn.adaptive import sobol_indices
from tests.adaptive._oracles import ishigami, ishigami_first_order, ishigami_total_order


def test_iscv_tiny_budget_is_not_silent():
    # issue 11: n=100 with method="iscv" returned S1 = [.70, -1.18, -1.79] with no warning; batches of
    # 10 points in the 6-dimensional pick-freeze space cannot fit a proposal (n=300 still covered 78-91%)
    with pytest.raises(ValueError, match=r"`n` must be at least 600 with method='iscv' and 3 inputs"):
        sobol_indices(ishigami, ISHIGAMI, n=100, method="iscv", random_state=0)


def test_uninformative_interval_warns():
    # an interval wider than [0, 1] says nothing: n is too small for the model
    with pytest.warns(RuntimeWarning, match=r"`n`=16 is too small .* wider than the whole \[0, 1\] range"):
        sobol_indices(ishigami, ISHIGAMI, n=16, sampling="mc", random_state=0)


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
        sobol_indices(lambda X: X[:-1, 0], [stats.norm()] * 2, 128)
    with pytest.raises(ValueError, match="`func` must map"):
        sobol_indices(lambda X: 1.0, [stats.norm()] * 2, 128)
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


@pytest.mark.parametrize("method,n", [("saltelli", 128), ("janon", 128), ("pick_freeze", 200), ("iscv", 1000)])
def test_sobol_constant_model_is_an_error(method, n):
    # zero output variance: the indices are undefined (iscv used to answer 1.0 for every input)
    with pytest.raises(ValueError, match="same value .* variance is zero"):
        sobol_indices(lambda X: np.full(X.shape[0], 2.5), [stats.norm()] * 2, n, method=method, random_state=0)


# --------------------------------------------------------------------------- intervals, second order, vectors
def test_estimators_equal_salib_on_salibs_design():
    # SALib's own design and outputs through our estimators: first, total and second order to 1e-10
    pytest.importorskip("SALib")
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from statlearn.adaptive import _sobol_estimators as est

    d, n = 3, 256
    problem = {"num_vars": d, "names": ["a", "b", "c"], "bounds": [[-np.pi, np.pi]] * d}
    X = sobol_sample.sample(problem, n, calc_second_order=True, seed=0)
    Y = ishigami(X)
    ref = sobol_analyze.analyze(problem, Y, calc_second_order=True, num_resamples=2, seed=0)
    blocks = Y.reshape(n, 2 * d + 2).T  # per base row: A, AB_1..AB_d, BA_1..BA_d, B
    blocks = blocks - blocks.mean()
    yA, yAB, yBA, yB = blocks[0], blocks[1:d + 1], blocks[d + 1:2 * d + 1], blocks[-1]
    rows = np.stack(est.saltelli_rows(yA[:, None], yB[:, None], yAB[..., None], yBA[..., None]), axis=1)
    ours = est.saltelli_indices(rows.mean(axis=0), d=d, second_order=True)
    np.testing.assert_allclose(ours["first_order"][0], ref["S1"], rtol=1e-10)
    np.testing.assert_allclose(ours["total_order"][0], ref["ST"], rtol=1e-10)
    iu = np.triu_indices(d, 1)
    np.testing.assert_allclose(ours["second_order"][0][iu], ref["S2"][iu], rtol=1e-10)


def test_second_order_ishigami_interaction():
    # the only interaction of the Ishigami function is x0 * x2^4: S_02 = V_13 / V, the others are 0
    res = sobol_indices(ishigami, ISHIGAMI, 8192, second_order=True, random_state=0)
    v13 = 0.1**2 * np.pi**8 * (1 / 18 - 1 / 50)
    V = 7**2 / 8 + 0.1 * np.pi**4 / 5 + 0.1**2 * np.pi**8 / 18 + 0.5
    S2 = res.second_order
    assert res.n_model_calls == 8192 * 8 and np.isnan(np.diag(S2)).all()
    np.testing.assert_allclose(S2, S2.T)
    np.testing.assert_allclose([S2[0, 2], S2[0, 1], S2[1, 2]], [v13 / V, 0, 0], atol=0.03)
    lo, hi = res.second_order_ci[0, 2]
    assert lo < v13 / V < hi
    np.testing.assert_allclose(res.total_order, ishigami_total_order(), atol=0.02)


def test_vector_output_equals_one_output_at_a_time():
    # one design for every output, vectorised: identical to running each output alone with the same seed
    def model(X):
        t = np.linspace(0, 1, 4)
        return ishigami(X)[:, None] * t + X[:, [0]] * (1 - t)

    vec = sobol_indices(model, ISHIGAMI, 512, random_state=5)
    assert vec.output_shape == (4,) and vec.first_order.shape == (4, 3) and vec.first_order_ci.shape == (4, 3, 2)
    for k in range(4):
        one = sobol_indices(lambda X, k=k: model(X)[:, k], ISHIGAMI, 512, n_resamples=0, random_state=5)
        np.testing.assert_allclose(vec.first_order[k], one.first_order, rtol=1e-12)
        np.testing.assert_allclose(vec.total_order[k], one.total_order, rtol=1e-12)
    mat = sobol_indices(lambda X: model(X).reshape(-1, 2, 2), ISHIGAMI, 512, random_state=5)
    np.testing.assert_allclose(mat.first_order.reshape(4, 3), vec.first_order, rtol=1e-12)
    np.testing.assert_allclose(mat.first_order_ci.reshape(4, 3, 2), vec.first_order_ci, rtol=1e-12)
    with pytest.warns(RuntimeWarning, match="constant"):
        part = sobol_indices(lambda X: np.c_[ishigami(X), np.ones(len(X))], ISHIGAMI, 256, random_state=0)
    assert np.isnan(part.first_order[1]).all() and np.isfinite(part.first_order[0]).all()


def test_result_frame_plot_and_names():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from statlearn.adaptive import SobolDisplay

    inputs = {"a": ISHIGAMI[0], "b": ISHIGAMI[1], "c": ISHIGAMI[2]}
    res = sobol_indices(ishigami, inputs, 256, second_order=True, random_state=0)
    frame = res.to_frame()
    assert list(frame.columns) == ["order", "input", "estimate", "se", "lower", "upper"]
    assert len(frame) == 3 + 3 + 3 and set(frame.loc[frame.order == "second", "input"]) == {"a:b", "a:c", "b:c"}
    row = frame[(frame.order == "first") & (frame.input == "b")].iloc[0]
    assert row.estimate == res.first_order[1] and (row.lower, row.upper) == tuple(res.first_order_ci[1])
    disp = res.plot()
    assert isinstance(disp, SobolDisplay) and disp.ax_.get_ylabel() and len(disp.artists_["first_order"]) == 3
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["a", "b", "c"]
    vec = sobol_indices(lambda X: np.c_[ishigami(X), X[:, 0]], ISHIGAMI, 256, input_names=list("xyz"),
                        random_state=0)
    assert set(vec.to_frame().output) == {0, 1}
    curves = vec.plot()
    assert len(curves.artists_["first_order"]) == 3 and curves.ax_.get_xlabel() == "output index"
    bars = SobolDisplay.from_result(vec, output=1)
    np.testing.assert_allclose(bars.first_order, vec.first_order[1])
    with pytest.raises(ValueError, match="`output`"):
        SobolDisplay.from_result(vec, output=5)
    plt.close("all")


def test_sobol_argument_errors():
    with pytest.raises(ValueError, match="`input_names` must hold 3"):
        sobol_indices(ishigami, ISHIGAMI, 64, input_names=["a"])
    with pytest.raises(ValueError, match="`input_names` must be unique"):
        sobol_indices(ishigami, ISHIGAMI, 64, input_names=["a", "a", "b"])
    with pytest.raises(ValueError, match="`second_order=True` needs `method='saltelli'`"):
        sobol_indices(ishigami, ISHIGAMI, 64, method="janon", second_order=True)
    with pytest.raises(ValueError, match="`n_resamples` must be 0"):
        sobol_indices(ishigami, ISHIGAMI, 64, n_resamples=1)
    with pytest.raises(ValueError, match="`confidence_level`"):
        sobol_indices(ishigami, ISHIGAMI, 64, confidence_level=1.5)
    with pytest.raises(ValueError, match="scalar model"):
        sobol_indices(lambda X: np.c_[X[:, 0], X[:, 1]], ISHIGAMI, 1000, method="iscv")
    with pytest.raises(ValueError, match="`estimator_params` must not set"):
        sobol_indices(ishigami, ISHIGAMI, 1000, method="iscv", estimator_params={"n_max": 5})
    assert sobol_indices(ishigami, ISHIGAMI, 64, n_resamples=0).first_order_ci is None


@pytest.mark.slow
def test_bootstrap_intervals_equal_salib_in_distribution_and_cover():
    # 150 independent designs (plain Monte Carlo, n = 1024, Ishigami): our bootstrap standard errors and
    # SALib's num_resamples ones (S1_conf / z) have the same distribution (two-sample KS), and the 95%
    # intervals cover the closed-form indices at 0.95 within 3 binomial standard deviations (0.053).
    pytest.importorskip("SALib")
    from SALib.analyze import sobol as sobol_analyze

    from statlearn.adaptive.sobol import _mixed

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[-np.pi, np.pi]] * 3}
    truth = np.r_[ishigami_first_order(), ishigami_total_order()]
    ours, theirs, hits = [], [], []
    for s in range(150):
        res = sobol_indices(ishigami, ISHIGAMI, 1024, sampling="mc", random_state=s)
        ours.append(np.r_[res.first_order_se, res.total_order_se])
        ci = np.r_[res.first_order_ci, res.total_order_ci]
        hits.append((ci[:, 0] <= truth) & (truth <= ci[:, 1]))
        rng = np.random.default_rng(10_000 + s)
        A, B = rng.uniform(-np.pi, np.pi, (2, 1024, 3))
        X = np.stack([A] + [_mixed(A, B, i) for i in range(3)] + [B], axis=1).reshape(-1, 3)
        ref = sobol_analyze.analyze(problem, ishigami(X), calc_second_order=False, seed=s)
        theirs.append(np.r_[ref["S1_conf"], ref["ST_conf"]] / stats.norm.ppf(0.975))
    ours, theirs = np.array(ours), np.array(theirs)
    for k in range(6):
        assert stats.ks_2samp(ours[:, k], theirs[:, k]).pvalue > 0.001, k
    cover = np.mean(hits, axis=0)
    assert (np.abs(cover - 0.95) < 0.053).all(), cover
