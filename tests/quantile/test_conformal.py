import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, QuantileRegressor
from sklearn.model_selection import GridSearchCV, KFold

from statlearn._base import check_generator
from statlearn.datasets import make_heteroscedastic_quantile
from statlearn.quantile import (
    ConformalQuantileRegressor,
    MultiQuantileRegressor,
    coverage,
    crossing_rate,
    weighted_interval_scorer,
)
from tests.quantile import _oracles

Q5 = np.array([0.05, 0.1, 0.5, 0.9, 0.95])


@pytest.fixture(scope="module")
def frozen_model():
    X, y = make_heteroscedastic_quantile(400, random_state=1)
    # deliberately under-dispersed base model (few iterations): raw intervals under-cover
    m = MultiQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=15, random_state=0),
                               quantiles=Q5).fit(X, y)
    return m


def test_split_shifts_equal_hand_written_cqr(frozen_model):
    X, y = make_heteroscedastic_quantile(300, random_state=2)
    cqr = ConformalQuantileRegressor(FrozenEstimator(frozen_model), quantiles=Q5, random_state=3).fit(X, y)
    assert cqr.n_calibration_ == 300
    cal = np.arange(300)
    Qs = np.sort(frozen_model.predict_quantiles(X[cal]), axis=1)
    for a, b in [(0, 4), (1, 3)]:
        E = np.maximum(Qs[:, a] - y[cal], y[cal] - Qs[:, b])
        s = _oracles.cqr_split_shift(E, Q5[b] - Q5[a])
        assert cqr.shifts_[a] == pytest.approx(-s) and cqr.shifts_[b] == pytest.approx(s)
    assert cqr.shifts_[2] == 0.0
    Xt, _ = make_heteroscedastic_quantile(50, random_state=4)
    expected = np.sort(frozen_model.predict_quantiles(Xt), axis=1) + cqr.shifts_
    expected = _oracles.minmax_rows(expected, 2)
    np.testing.assert_allclose(cqr.predict_quantiles(Xt), expected)
    np.testing.assert_allclose(cqr.predict_interval(Xt, 0.9), expected[:, [0, 4]])
    np.testing.assert_allclose(cqr.predict(Xt), expected[:, 2])


def test_per_level_and_asymmetric_shifts(frozen_model):
    X, y = make_heteroscedastic_quantile(200, random_state=5)
    cal = np.arange(200)
    Qs = np.sort(frozen_model.predict_quantiles(X[cal]), axis=1)
    per = ConformalQuantileRegressor(FrozenEstimator(frozen_model), quantiles=Q5,
                                     conformity_score="per-level", random_state=0).fit(X, y)
    for k, t in enumerate(Q5):
        R = y[cal] - Qs[:, k]
        assert per.shifts_[k] == pytest.approx(np.sort(R)[int(np.ceil(t * 201 - 1e-9)) - 1])
    asym = ConformalQuantileRegressor(FrozenEstimator(frozen_model), quantiles=Q5,
                                      conformity_score="cqr-asymmetric", random_state=0).fit(X, y)
    lo = np.sort(Qs[:, 1] - y[cal])[int(np.ceil(0.9 * 201 - 1e-9)) - 1]
    hi = np.sort(y[cal] - Qs[:, 3])[int(np.ceil(0.9 * 201 - 1e-9)) - 1]
    assert asym.shifts_[1] == pytest.approx(-lo) and asym.shifts_[3] == pytest.approx(hi)


@pytest.mark.slow
@pytest.mark.parametrize("score", ["cqr", "cqr-asymmetric", "per-level"])
def test_split_coverage_many_seeds(frozen_model, score):
    # Conditional on the fitted model, calibration and test rows are exchangeable, so
    # E[coverage] lies in [nominal, nominal + 1/(n_cal + 1)] for every pair.
    n_cal, n_test, seeds = 150, 400, 300
    X, y = make_heteroscedastic_quantile((n_cal + n_test) * seeds, random_state=11)
    raw_cov, pair_cov, level_cov, crossings = [], [], [], 0
    for s in range(seeds):
        rows = slice(s * (n_cal + n_test), (s + 1) * (n_cal + n_test))
        Xs, ys = X[rows], y[rows]
        est = ConformalQuantileRegressor(FrozenEstimator(frozen_model), quantiles=Q5,
                                         conformity_score=score, random_state=s).fit(Xs[:n_cal], ys[:n_cal])
        Q = est.predict_quantiles(Xs[n_cal:])
        crossings += crossing_rate(Q) > 0
        pair_cov.append(coverage(ys[n_cal:], Q, per="pair"))
        level_cov.append(coverage(ys[n_cal:], Q, per="level"))
        raw_cov.append(coverage(ys[n_cal:], frozen_model.predict_quantiles(Xs[n_cal:]), per="pair"))
    pair_cov, level_cov = np.array(pair_cov), np.array(level_cov)
    nominal = np.array([0.9, 0.8])
    mean, se = pair_cov.mean(0), pair_cov.std(0, ddof=1) / np.sqrt(seeds)
    assert crossings == 0
    assert (np.array(raw_cov).mean(0) < nominal - 0.02).any()  # the raw model does under-cover
    assert (mean >= nominal - 1 / (n_cal + 1) - 3 * se).all(), (mean, se)
    if score == "cqr":
        assert (mean <= nominal + 1 / (n_cal + 1) + 3 * se).all(), (mean, se)
    if score == "per-level":
        lmean, lse = level_cov.mean(0), level_cov.std(0, ddof=1) / np.sqrt(seeds)
        assert (lmean[2:] >= Q5[2:] - 1 / (n_cal + 1) - 3 * lse[2:]).all(), lmean
        assert (lmean <= Q5 + 1 / (n_cal + 1) + 3 * lse + 1e-12).all(), lmean


def test_cvplus_equals_brute_force(rng):
    X, y = make_heteroscedastic_quantile(120, n_features=5, random_state=0)
    Xt, _ = make_heteroscedastic_quantile(7, n_features=5, random_state=1)
    q = np.array([0.1, 0.5, 0.9])
    base = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=q)
    est = ConformalQuantileRegressor(base, quantiles=q, method="cv+", cv=4, random_state=0).fit(X, y)
    seed = int(check_generator(0).integers(2**31 - 1))  # the fold seed the estimator draws
    lo_v, hi_v = [], []
    for tr, te in KFold(4, shuffle=True, random_state=seed).split(X):
        m = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=q).fit(X[tr], y[tr])
        P = np.sort(m.predict_quantiles(X[te]), axis=1)
        E = np.maximum(P[:, 0] - y[te], y[te] - P[:, 2])
        Pt = np.sort(m.predict_quantiles(Xt), axis=1)
        lo_v.append(Pt[:, [0]] - E[None, :])
        hi_v.append(Pt[:, [2]] + E[None, :])
    lo_v, hi_v = np.hstack(lo_v), np.hstack(hi_v)
    n = 120
    lo = np.sort(lo_v, axis=1)[:, int(np.floor(0.2 * (n + 1))) - 1]
    hi = np.sort(hi_v, axis=1)[:, int(np.ceil(0.8 * (n + 1))) - 1]
    np.testing.assert_allclose(est.predict_interval(Xt, 0.8), np.column_stack([lo, hi]), rtol=1e-9)


def test_cvplus_covers_and_never_crosses():
    X, y = make_heteroscedastic_quantile(1400, random_state=3)
    q = np.linspace(0.05, 0.95, 7)
    hgb = HistGradientBoostingRegressor(loss="quantile", max_iter=20, random_state=0)
    est = ConformalQuantileRegressor(hgb, quantiles=q, method="cv+", cv=3, random_state=0).fit(X[:600], y[:600])
    Q = est.predict_quantiles(X[600:])
    assert crossing_rate(Q) == 0
    cov = coverage(y[600:], Q, per="pair")
    assert (cov >= (q[::-1] - q)[:3] - 0.05).all(), cov


def test_errors():
    X, y = make_heteroscedastic_quantile(60, random_state=0)
    est = ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.1, 0.5, 0.9]).fit(X, y)
    with pytest.raises(ValueError, match="confidence_level"):
        est.predict_interval(X, 0.5)
    with pytest.raises(ValueError, match="confidence_level"):
        est.predict_interval(X, 1.2)
    with pytest.raises(TypeError, match="estimator"):
        ConformalQuantileRegressor(LinearRegression()).fit(X, y)
    with pytest.raises(ValueError, match="method"):
        ConformalQuantileRegressor(method="jackknife").fit(X, y)
    with pytest.raises(ValueError, match="conformity_score"):
        ConformalQuantileRegressor(conformity_score="abs").fit(X, y)
    with pytest.raises(ValueError, match="calibration_size"):
        ConformalQuantileRegressor(QuantileRegressor(), calibration_size=60).fit(X, y)
    with pytest.raises(ValueError, match="quantiles"):
        ConformalQuantileRegressor(QuantileRegressor(), quantiles=[0.1, 1.1]).fit(X, y)
    with pytest.warns(UserWarning, match="too small"):
        ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.01, 0.5, 0.99]).fit(X, y)


def test_grid_search_and_clone():
    X, y = make_heteroscedastic_quantile(200, random_state=0)
    est = ConformalQuantileRegressor(HistGradientBoostingRegressor(loss="quantile", max_iter=10),
                                     quantiles=[0.1, 0.5, 0.9], random_state=0)
    gs = GridSearchCV(est, {"conformity_score": ["cqr", "per-level"]}, scoring=weighted_interval_scorer,
                      cv=2).fit(X, y)
    assert gs.best_estimator_.predict_quantiles(X).shape == (200, 3)


@pytest.mark.parametrize("seed", range(6))
def test_cvplus_kernel_equals_brute_force_selection(seed):
    from statlearn.quantile import _kernels

    rng = np.random.default_rng(seed)
    F, m, K, n = rng.integers(2, 6), 9, 3, int(rng.integers(5, 60))
    fold_of = np.sort(rng.integers(0, F, size=n))
    fold_of[:F] = np.arange(F)  # every fold non-empty
    fold_of = np.sort(fold_of)
    starts = np.searchsorted(fold_of, np.arange(F + 1)).astype(np.int64)
    P = np.round(rng.normal(size=(F, m, K)), 1)  # rounding makes ties frequent
    S = np.round(rng.normal(size=(4, n)), 1)
    for f in range(F):
        S[:, starts[f]:starts[f + 1]].sort(axis=1)
    levels = rng.integers(0, K, size=4).astype(np.int64)
    ranks = np.array([0, 1, int(rng.integers(1, n + 1)), n + 1], dtype=np.int64)
    got = _kernels.cvplus_order_stats(P, S, starts, levels, ranks)
    for i in range(m):
        for t in range(4):
            vals = np.sort(P[fold_of, i, levels[t]] + S[t])
            want = -np.inf if ranks[t] < 1 else np.inf if ranks[t] > n else vals[ranks[t] - 1]
            assert got[i, t] == want


def test_cvplus_every_score_equals_brute_force():
    X, y = make_heteroscedastic_quantile(90, random_state=0)
    Xt, _ = make_heteroscedastic_quantile(5, random_state=1)
    q = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    base = MultiQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=q)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    for score in ["cqr", "cqr-asymmetric", "per-level"]:
        est = ConformalQuantileRegressor(base, quantiles=q, method="cv+", cv=folds, conformity_score=score).fit(X, y)
        obj = est.conformity_score_
        Pt = np.stack([np.sort(e.predict_quantiles(Xt), axis=1) for e in est.estimators_])
        want = Pt.mean(axis=0)
        for level, col, sign, rank in obj.targets(q, 90):
            vals = np.sort(Pt[est.fold_of_, :, level] + sign * est.conformity_scores_[:, col][:, None], axis=0)
            want[:, level] = vals[rank - 1]
        np.testing.assert_array_equal(est.predict_quantiles(Xt), _oracles.minmax_rows(want, 2))


def test_set_params_after_fit_changes_nothing():
    X, y = make_heteroscedastic_quantile(200, random_state=0)
    est = ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.1, 0.5, 0.9], random_state=0).fit(X, y)
    before = est.predict_quantiles(X[:20])
    for params in [{"method": "cv+"}, {"conformity_score": "per-level"}, {"quantiles": [0.2, 0.8]}]:
        est.set_params(**params)
        np.testing.assert_array_equal(est.predict_quantiles(X[:20]), before)


def test_conformity_score_by_name_or_object():
    from statlearn.quantile.conformity_scores import BaseConformityScore, PerLevelScore

    X, y = make_heteroscedastic_quantile(200, random_state=0)
    kw = dict(quantiles=[0.1, 0.5, 0.9], random_state=0)
    by_name = ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), conformity_score="per-level", **kw).fit(X, y)
    by_obj = ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), conformity_score=PerLevelScore(), **kw).fit(X, y)
    np.testing.assert_array_equal(by_name.shifts_, by_obj.shifts_)

    class UpperOnly(BaseConformityScore):  # a user's score: calibrate only the top level, one-sided
        def scores(self, Qs, y):
            return (y - Qs[:, -1])[:, None]

        def targets(self, quantiles, n):
            return [(len(quantiles) - 1, 0, 1.0, int(np.ceil(quantiles[-1] * (n + 1))))]

    est = ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), conformity_score=UpperOnly(), **kw).fit(X, y)
    assert est.shifts_[0] == est.shifts_[1] == 0.0
    assert est.shifts_[2] == by_name.shifts_[2]
    with pytest.raises(TypeError, match="conformity_score"):
        ConformalQuantileRegressor(conformity_score=3).fit(X, y)


def test_single_level():
    X, y = make_heteroscedastic_quantile(300, random_state=0)
    with pytest.raises(ValueError, match="per-level"):
        ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.9]).fit(X, y)
    est = ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), quantiles=[0.9], conformity_score="per-level",
                                     random_state=0).fit(X, y)
    assert est.shifts_.shape == (1,) and est.shifts_[0] != 0.0


def test_cvplus_splitter_must_partition():
    from sklearn.model_selection import ShuffleSplit

    X, y = make_heteroscedastic_quantile(60, random_state=0)
    est = ConformalQuantileRegressor(QuantileRegressor(alpha=0.0), method="cv+",
                                     cv=ShuffleSplit(3, test_size=0.2, random_state=0))
    with pytest.raises(ValueError, match="`cv`"):
        est.fit(X, y)
