"""Group-conditional conformal: Mondrian (disjoint groups) and Gibbs-Cherian-Candes (intersecting)."""

import numpy as np
import pandas as pd
import pytest

from statlearn.quantile import ConformalQuantileRegressor, coverage
from statlearn.quantile._group_conformal import conditional_shifts, design, weighted_quantile_threshold

from ._issue13_models import frozen_normal, intersecting_groups_data

Q5 = (0.05, 0.1, 0.5, 0.9, 0.95)


def _fit(G, X, y, mode="auto", q=Q5, **fit_kw):
    model = ConformalQuantileRegressor(frozen_normal(q), quantiles=q, group_calibration=mode)
    return model.fit(X, y, groups=G, **fit_kw)


def test_mondrian_equals_split_conformal_per_group():
    rng = np.random.default_rng(0)
    X, y, G = intersecting_groups_data(900, rng)
    cells = G[:, :2]  # a=1 / a=0: disjoint and covering
    m = _fit(cells, X, y)
    assert m.group_calibration_ == "mondrian"
    Xt, _, Gt = intersecting_groups_data(300, rng)
    Q = m.predict_quantiles(Xt, groups=Gt[:, :2])
    for g in range(2):
        ref = ConformalQuantileRegressor(frozen_normal(Q5), quantiles=Q5).fit(X[cells[:, g]], y[cells[:, g]])
        rows = Gt[:, g]
        np.testing.assert_allclose(Q[rows], ref.predict_quantiles(Xt[rows]), rtol=0, atol=1e-12)


def test_conditional_on_a_partition_equals_mondrian():
    rng = np.random.default_rng(1)
    X, y, G = intersecting_groups_data(700, rng)
    cells = np.column_stack([G[:, 0] & G[:, 2], G[:, 0] & ~G[:, 2], ~G[:, 0]])
    Xt, _, Gt = intersecting_groups_data(200, rng)
    cells_t = np.column_stack([Gt[:, 0] & Gt[:, 2], Gt[:, 0] & ~Gt[:, 2], ~Gt[:, 0]])
    mond = _fit(cells, X, y, "mondrian").predict_quantiles(Xt, groups=cells_t)
    cond = _fit(cells, X, y, "conditional").predict_quantiles(Xt, groups=cells_t)
    np.testing.assert_allclose(cond, mond, rtol=0, atol=1e-7)


def test_conditional_with_one_group_of_everyone_equals_marginal():
    rng = np.random.default_rng(2)
    X, y, _ = intersecting_groups_data(500, rng)
    allg = np.ones((500, 1), dtype=bool)
    Xt, _, _ = intersecting_groups_data(50, rng)
    cond = _fit(allg, X, y, "conditional").predict_quantiles(Xt, groups=np.ones((50, 1), dtype=bool))
    marg = ConformalQuantileRegressor(frozen_normal(Q5), quantiles=Q5).fit(X, y).predict_quantiles(Xt)
    np.testing.assert_allclose(cond, marg, rtol=0, atol=1e-7)


def test_conditional_threshold_is_the_augmented_quantile_regression_boundary():
    """Independent reference (cvxpy): the augmented fit with the test score imputed at S covers S
    exactly when S <= t, for S just below and just above our threshold t."""
    cp = pytest.importorskip("cvxpy")
    rng = np.random.default_rng(3)
    n, tau = 120, 0.8
    G = np.column_stack([rng.uniform(size=n) < 0.4, rng.uniform(size=n) < 0.6])
    E = rng.exponential(size=n) * (1 + G[:, 0])
    Phi = design(G)
    phi = np.array([1.0, 1.0, 0.0])
    t = conditional_shifts(E[:, None], [(0, 0, 1.0, tau)], 1, Phi, phi[None, :], np.ones(n))[0, 0]

    def fitted_at_test(S):
        b = cp.Variable(3)
        r = np.append(E, S) - np.vstack([Phi, phi]) @ b
        cp.Problem(cp.Minimize(cp.sum(cp.maximum(tau * r, (tau - 1) * r)))).solve()
        return float(phi @ b.value)

    eps = 1e-3 * (1 + abs(t))
    assert t - eps <= fitted_at_test(t - eps) + 1e-6  # covered
    assert t + eps > fitted_at_test(t + eps) + 1e-6  # not covered


def test_weighted_threshold_equals_repeated_rows():
    rng = np.random.default_rng(4)
    E = rng.normal(size=40)
    w = rng.integers(1, 4, size=40).astype(float)
    for tau in (0.1, 0.5, 0.8, 0.95):
        rep = np.repeat(E, w.astype(int))
        assert weighted_quantile_threshold(E, w, tau) == weighted_quantile_threshold(rep, np.ones(rep.size), tau)
        k = int(np.ceil(tau * (rep.size + 1) - 1e-9))
        expect = np.sort(rep)[k - 1] if k <= rep.size else np.inf
        assert weighted_quantile_threshold(rep, np.ones(rep.size), tau) == expect


def test_sample_weight_equals_repeated_rows_in_calibration():
    rng = np.random.default_rng(5)
    X, y, G = intersecting_groups_data(300, rng)
    w = rng.integers(1, 3, size=300)
    Xt, _, Gt = intersecting_groups_data(40, rng)
    a = _fit(G, X, y, sample_weight=w).predict_quantiles(Xt, groups=Gt)
    b = _fit(np.repeat(G, w, axis=0), np.repeat(X, w, axis=0), np.repeat(y, w)).predict_quantiles(Xt, groups=Gt)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-7)


def test_groups_by_name_and_errors():
    rng = np.random.default_rng(6)
    X, y, G = intersecting_groups_data(400, rng)
    df = pd.DataFrame({"sex": np.where(G[:, 0], "f", "m"), "old": G[:, 2]})
    m = _fit(df, X, y)
    assert m.group_calibration_ == "conditional"
    Xt = X[:20]
    np.testing.assert_array_equal(m.predict_quantiles(Xt, groups=df.iloc[:20][["old", "sex"]]),
                                  m.predict_quantiles(Xt, groups=df.iloc[:20]))
    with pytest.raises(ValueError, match="`groups`"):
        m.predict_quantiles(Xt)
    with pytest.raises(ValueError, match="sex"):
        m.predict_quantiles(Xt, groups=df.iloc[:20][["old"]])
    with pytest.raises(ValueError, match="disjoint"):
        _fit(G, X, y, "mondrian")
    with pytest.raises(ValueError, match="method='split'"):
        ConformalQuantileRegressor(frozen_normal(Q5), quantiles=Q5, method="cv+").fit(X, y, groups=G)
    iv = m.predict_interval(Xt, confidence_level=0.8, groups=df.iloc[:20])
    assert iv.shape == (20, 2) and (iv[:, 0] <= iv[:, 1]).all()


def test_unseen_pattern_at_predict_and_no_crossing():
    rng = np.random.default_rng(7)
    X, y, G = intersecting_groups_data(600, rng)
    keep = ~(G[:, 0] & G[:, 2])  # no calibration row is in both a=1 and b=1
    Gc = np.column_stack([G, np.zeros(len(y), dtype=bool)])  # a 5th group with no calibration row
    m = _fit(Gc[keep], X[keep], y[keep])
    Xt, _, Gt = intersecting_groups_data(100, rng)
    both = Gt[:, 0] & Gt[:, 2]
    # (a=1, b=1) is unseen but in the span of the seen patterns: finite (the additive model extrapolates)
    Q = m.predict_quantiles(Xt, groups=np.column_stack([Gt, np.zeros(100, dtype=bool)]))
    assert np.isfinite(Q).all() and both.any()
    assert (np.diff(Q, axis=1) >= 0).all()
    # a row in the never-seen 5th group is outside the span: the LP is unbounded, the bounds infinite
    G5 = np.column_stack([Gt, np.arange(100) < 10])
    Q5r = m.predict_quantiles(Xt, groups=G5)
    assert np.isinf(Q5r[:10][:, [0, -1]]).all()
    np.testing.assert_array_equal(Q5r[10:], Q[10:])


def _per_group_coverage(mode, seeds, n_cal=1000, n_test=2000):
    covs = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        X, y, G = intersecting_groups_data(n_cal, rng)
        Xt, yt, Gt = intersecting_groups_data(n_test, rng)
        model = ConformalQuantileRegressor(frozen_normal(Q5), quantiles=Q5)
        if mode == "marginal":
            Q = model.fit(X, y).predict_quantiles(Xt)
        else:
            model.set_params(group_calibration=mode)
            Q = model.fit(X, y, groups=G).predict_quantiles(Xt, groups=Gt)
        covs.append(coverage(yt, Q, per="pair", groups=Gt).iloc[:, :2].to_numpy())  # (groups, pairs)
    return np.array(covs)  # (seeds, groups, pairs)


@pytest.mark.slow
def test_conditional_coverage_holds_in_every_intersecting_group():
    """Gibbs et al. (2023), Theorem 2: coverage >= 1 - alpha in every group of the family at once.
    Over 200 seeds, per-group mean coverage >= nominal - 1/(n_g + 1) (n_g = expected calibration
    rows of the group), with a Monte Carlo standard error below half that slack (so a deficit of
    the slack's size would show); the marginal method misses it in the high-noise group (so the
    test can fail)."""
    seeds, n_cal = 200, 200
    share = np.array([0.3, 0.7, 0.5, 0.5])  # P(a=1), P(a=0), P(b=1), P(b=0)
    n_g = share * n_cal
    nominal = np.array([0.9, 0.8])
    cond = _per_group_coverage("conditional", seeds, n_cal)
    mean, se = cond.mean(axis=0), cond.std(axis=0, ddof=1) / np.sqrt(seeds)
    bound = nominal[None, :] - 1.0 / (n_g[:, None] + 1)
    assert (se < (1.0 / (n_g[:, None] + 1)) / 2).all(), se
    assert (mean >= bound).all(), (mean, bound)
    # not trivially conservative: Gibbs et al.'s upper bound 1 - alpha + d / (n_g + 1), d = 5 columns
    assert (mean <= nominal[None, :] + 5.0 / (n_g[:, None] + 1) + 4 * se).all(), mean
    marg = _per_group_coverage("marginal", 40, n_cal)
    assert marg.mean(axis=0)[0, 0] < nominal[0] - 1.0 / (n_g[0] + 1) - 0.02  # a=1 under-covered


@pytest.mark.parametrize("n_cal", [400, 3500])  # the HiGHS path, and the interior point above _FN_ROWS rows
def test_two_complete_partitions_equal_one_partition_plus_its_refinement(n_cal):
    """Two partitions that both cover everyone (sex x age band, say) make [1, G] rank deficient:
    dropping one column of each partition leaves the same column space, hence the same thresholds;
    the interior point must not fail on the singular design (it raised LinAlgError before)."""
    rng = np.random.default_rng(7)
    X, y, G = intersecting_groups_data(n_cal, rng)
    sex = np.column_stack([G[:, 0], ~G[:, 0]])
    band = np.column_stack([G[:, 1] & G[:, 2], G[:, 1] & ~G[:, 2], ~G[:, 1]])
    full = np.column_stack([sex, band])
    Xt, _, Gt = intersecting_groups_data(200, rng)
    full_t = np.column_stack([Gt[:, 0], ~Gt[:, 0], Gt[:, 1] & Gt[:, 2], Gt[:, 1] & ~Gt[:, 2], ~Gt[:, 1]])
    a = _fit(full, X, y, "conditional").predict_quantiles(Xt, groups=full_t)
    b = _fit(full[:, [0, 2, 3]], X, y, "conditional").predict_quantiles(Xt, groups=full_t[:, [0, 2, 3]])
    assert np.isfinite(a).all()
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_a_pattern_outside_the_calibration_row_space_gets_infinite_corrections():
    """Calibration rows all satisfy g1 + g2 == 1; a test row in neither breaks it: the augmented
    LP is unbounded, so that row's interval is infinite (never a silently finite one)."""
    rng = np.random.default_rng(8)
    X, y, G = intersecting_groups_data(300, rng)
    two = np.column_stack([G[:, 0], ~G[:, 0]])
    m = _fit(two, X, y, "conditional")
    Xt, _, _ = intersecting_groups_data(2, rng)
    with pytest.warns(UserWarning, match=r"1 rows of `groups` have a membership pattern no calibration row had.*"
                                         r"rows in no group"):
        Q = m.predict_quantiles(Xt, groups=np.array([[True, False], [False, False]]))
    assert np.isfinite(Q[0]).all()
    assert Q[1, 0] == -np.inf and Q[1, -1] == np.inf


def test_fit_warning_names_the_pattern_with_too_few_rows_not_its_neighbours():
    """Race-like groups that leave a few rows in none of them, plus a large group: the infinite
    corrections belong to the few rows in no race group; the warning must say so (it used to name
    the large group those rows were also in)."""
    rng = np.random.default_rng(9)
    n = 400
    X, y, _ = intersecting_groups_data(n, rng)
    race = rng.choice(3, size=n, p=[0.6, 0.395, 0.005])
    race[:2] = 2  # two rows of the rare level, in no listed race group
    big = rng.uniform(size=n) < 0.5
    G = pd.DataFrame({"white": race == 0, "black": race == 1, "college": big})
    with pytest.warns(UserWarning, match=r"too few calibration rows") as rec:
        m = _fit(G, X, y, "conditional")
    text = str(rec[0].message)
    rare = G.to_numpy()[race == 2]
    for row in np.unique(rare, axis=0):  # the rare rows' patterns: in no race group, maybe in college
        inside = [c for c, v in zip(G.columns, row, strict=True) if v]
        assert (f"rows in exactly {inside}" if inside else "rows in no group") in text
    assert "rows in exactly ['white'" not in text and "rows in exactly ['black'" not in text
    assert np.isfinite(m.group_shifts_[m.group_patterns_[:, 1:3].any(axis=1)]).all()
