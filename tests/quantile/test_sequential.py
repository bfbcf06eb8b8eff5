"""AdaptiveConformalQuantileRegressor (Gibbs & Candes 2021): the online kernel against a pure-Python
reference, the paper's deterministic long-run bound on adversarial and drifting sequences, equality with
split CQR when gamma = 0, chunked updates, the real hotel series, validation."""

import math
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from statlearn.quantile import (
    AdaptiveConformalQuantileRegressor,
    ConformalQuantileRegressor,
    LinearQuantileRegressor,
)
from statlearn.quantile.conformity_scores import check_conformity_score

Q5 = (0.05, 0.1, 0.5, 0.9, 0.95)
SCORES = ("cqr", "cqr-asymmetric", "per-level")


# ---------------------------------------------------------------- reference
def _ref_threshold(scores, level):
    """Conformal level-quantile by the library's rank rule, from an unsorted list."""
    n = len(scores)
    x = level * (n + 1) - 1e-9
    if x <= 0:
        return -math.inf
    rank = math.ceil(x)
    if rank > n:
        return math.inf
    return sorted(scores)[rank - 1]


def _reference_run(E_cal, E, target, gamma, window):
    """Plain-Python ACI: a list of past scores per column, thresholds re-sorted at every step."""
    J = E.shape[1]
    past = [list(E_cal[:, j]) for j in range(J)]
    if window:
        past = [p[-window:] for p in past]
    alpha = list(target)
    thr = np.empty(E.shape)
    err = np.zeros(E.shape, dtype=bool)
    for t in range(E.shape[0]):
        for j in range(J):
            thr[t, j] = _ref_threshold(past[j], 1.0 - alpha[j])
            err[t, j] = E[t, j] > thr[t, j]
            alpha[j] = alpha[j] + gamma * (target[j] - float(err[t, j]))
            past[j].append(E[t, j])
            if window and len(past[j]) > window:
                past[j].pop(0)
    return thr, err, np.array(alpha), past


def _nest_by_hand(V):
    """The documented repair of 5 levels, row by row: the median clipped into the inner pair (a crossed
    inner pair becomes its point nearest the median), then the outer pair widened to contain it."""
    V = V.copy()
    for row in V:
        L, U, m = row[1], row[3], row[2]
        p = min(max(m, min(L, U)), max(L, U))
        row[2] = p
        if L > U:
            row[1] = row[3] = p
        row[0] = min(row[0], row[1])
        row[4] = max(row[4], row[3])
    return V


def _const_model(offsets=(-1.0, 0.0, 1.0)):
    """A fitted linear quantile model with zero slopes: quantile rows are the fixed ``offsets`` (lets a
    test choose the scores through ``y``)."""
    X0 = np.zeros((5, 1))
    m = LinearQuantileRegressor(quantiles=(0.1, 0.5, 0.9), fit_intercept=True).fit(X0, np.zeros(5))
    m.coef_ = np.zeros_like(m.coef_)
    m.intercept_ = np.asarray(offsets, dtype=float)
    return m


@pytest.fixture(scope="module")
def linear_model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = X @ [1.0, -0.5] + rng.normal(size=400)
    return LinearQuantileRegressor(quantiles=Q5).fit(X, y)


def _series(n, seed, drift=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    scale = np.linspace(1.0, 3.0, n) if drift else np.ones(n)
    return X, X @ [1.0, -0.5] + scale * rng.standard_t(5, size=n)


# ---------------------------------------------------------------- the kernel equals the reference
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("window", [None, 7, 150])
def test_run_equals_pure_python_reference(linear_model, score, window):
    X, y = _series(700, 1)
    aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5, gamma=0.03,
                                             conformity_score=score, window=window).fit(X[:100], y[:100])
    sc = check_conformity_score(score)
    Qs = np.sort(linear_model.predict_quantiles(X), axis=1)
    E_cal, E = sc.scores(Qs[:100], y[:100]), sc.scores(Qs[100:], y[100:])
    target = aci.target_alphas_.copy()
    issued, used = aci.run(X[100:], y[100:], confidence_level="all", return_alphas=True)
    thr, err, alpha, past = _reference_run(E_cal, E, target, 0.03, window)
    np.testing.assert_array_equal(aci.alphas_, alpha)
    np.testing.assert_array_equal(aci.n_errors_, err.sum(axis=0))
    assert aci.n_scores_ == len(past[0])
    for j in range(E.shape[1]):
        np.testing.assert_array_equal(aci._buf[j, :aci.n_scores_], np.sort(past[j]))
    # the issued rows are the sorted predictions moved by the reference thresholds, then swept
    shifts = np.zeros_like(Qs[100:])
    for level, col, sign, _ in sc.conformal_levels(np.array(Q5)):
        shifts[:, level] = sign * thr[:, col]
    expected = _nest_by_hand(Qs[100:] + shifts)
    np.testing.assert_array_equal(issued, expected)
    assert used.shape == E.shape and np.all(used[0] == target)


def test_run_equals_predict_then_update_one_row_at_a_time(linear_model):
    X, y = _series(400, 2)
    make = lambda: AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5,  # noqa: E731
                                                      gamma=0.05, window=60).fit(X[:80], y[:80])
    batch = make()
    issued = batch.run(X[80:], y[80:], confidence_level=0.9)
    step = make()
    for t in range(80, 400):  # (the base model's one-row matmul may differ from the batch one in the last bit)
        np.testing.assert_allclose(step.predict_interval(X[t:t + 1], confidence_level=0.9), issued[t - 80:t - 79],
                                   rtol=1e-13, atol=1e-13)
        step.partial_fit(X[t:t + 1], y[t:t + 1])
    np.testing.assert_array_equal(step.alphas_, batch.alphas_)


@pytest.mark.parametrize("window", [None, 50])
def test_chunks_equal_one_call(linear_model, window):
    X, y = _series(900, 3)
    make = lambda: AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5,  # noqa: E731
                                                      gamma=0.02, window=window).fit(X[:64], y[:64])
    one = make().partial_fit(X[64:], y[64:])
    chunked = make()
    for a, b in [(64, 65), (65, 300), (300, 301), (301, 777), (777, 900)]:
        chunked.partial_fit(X[a:b], y[a:b])
    np.testing.assert_array_equal(one.alphas_, chunked.alphas_)
    np.testing.assert_array_equal(one.n_errors_, chunked.n_errors_)
    assert one.n_scores_ == chunked.n_scores_ == (900 if window is None else window)
    np.testing.assert_array_equal(one._buf[:, :one.n_scores_], chunked._buf[:, :chunked.n_scores_])
    Xt, _ = _series(20, 4)
    np.testing.assert_array_equal(one.predict_quantiles(Xt), chunked.predict_quantiles(Xt))


# ---------------------------------------------------------------- gamma = 0 is split CQR
@pytest.mark.parametrize("score", SCORES)
def test_before_any_update_it_is_split_cqr(linear_model, score):
    X, y = _series(300, 5)
    kw = dict(quantiles=Q5, conformity_score=score)
    aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), **kw).fit(X[:200], y[:200])
    cqr = ConformalQuantileRegressor(FrozenEstimator(linear_model), **kw).fit(X[:200], y[:200])
    np.testing.assert_array_equal(aci.predict_quantiles(X[200:]), cqr.predict_quantiles(X[200:]))
    np.testing.assert_array_equal(aci.predict_interval(X[200:], 0.9), cqr.predict_interval(X[200:], 0.9))
    np.testing.assert_array_equal(aci.predict(X[200:]), cqr.predict(X[200:]))


def test_gamma_zero_window_none_equals_cqr_refit_on_all_past(linear_model):
    X, y = _series(500, 6)
    aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5, gamma=0.0)
    aci.fit(X[:100], y[:100]).partial_fit(X[100:300], y[100:300])
    cqr = ConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5).fit(X[:300], y[:300])
    np.testing.assert_array_equal(aci.predict_quantiles(X[300:]), cqr.predict_quantiles(X[300:]))
    np.testing.assert_array_equal(aci.alphas_, aci.target_alphas_)


# ---------------------------------------------------------------- the paper's deterministic bound
def _bound(alpha1, gamma, T):
    return (max(alpha1, 1.0 - alpha1) + gamma) / (gamma * T)


def _adversarial_targets(kind, T, rng):
    t = np.arange(T)
    if kind == "always_outside":  # every score beats all past ones: a miss unless the set is the whole line
        return 1e3 * (1.0 + t) * np.where(t % 2 == 0, 1.0, -1.0)
    if kind == "always_inside":  # the same score every step: covered until alpha_t >= 1 empties the set
        return np.zeros(T)
    if kind == "bursts":  # long calm stretches, then long stretches far outside
        return np.where((t // 97) % 3 == 2, 50.0 * rng.standard_cauchy(T), 0.1 * rng.normal(size=T))
    if kind == "random_walk":
        return np.cumsum(rng.normal(size=T))
    if kind == "regime_switch":
        return rng.normal(size=T) * np.where((t // 250) % 2 == 0, 0.2, 8.0)
    if kind == "integers":  # ties everywhere
        return rng.integers(-2, 3, size=T).astype(float)
    raise AssertionError(kind)


KINDS = ("always_outside", "always_inside", "bursts", "random_walk", "regime_switch", "integers")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("score", SCORES)
def test_long_run_bound_holds_on_adversarial_sequences(kind, score):
    m = FrozenEstimator(_const_model())
    rng = np.random.default_rng(hash((kind, score)) % 2**32)
    checked = 0
    for gamma in (0.002, 0.01, 0.05, 0.3, 1.0):
        for window in (None, 1, 25):
            for T in (1, 17, 400, 2500):
                X = np.zeros((T + 30, 1))
                y = _adversarial_targets(kind, T + 30, rng)
                aci = AdaptiveConformalQuantileRegressor(m, gamma=gamma, conformity_score=score,
                                                         window=window).fit(X[:30], y[:30])
                a1 = aci.target_alphas_.copy()
                issued = aci.run(X[30:], y[30:], confidence_level="all")
                miss = aci.n_errors_ / T
                for j in range(a1.size):
                    assert abs(miss[j] - a1[j]) <= _bound(a1[j], gamma, T) + 1e-12, (gamma, window, T, j)
                # alpha_t stays in [-gamma, 1 + gamma] (the lemma behind the bound)
                assert np.all(aci.alphas_ >= -gamma - 1e-12) and np.all(aci.alphas_ <= 1 + gamma + 1e-12)
                # the returned intervals contain the paper's sets: their misses are at most the paper's
                if score == "cqr":
                    out = ~((issued[:, 0] <= y[30:]) & (y[30:] <= issued[:, 2]))
                    assert out.mean() <= miss[0] + 1e-12
                assert np.all(issued[:, 1:] >= issued[:, :-1])  # never crossing
                checked += 1
    assert checked == 60


def test_the_bound_is_tight_enough_to_fail_for_a_wrong_update():
    """The test above can fail: a clipped update (alpha_t kept in [0, 1], as some implementations do)
    breaks the bound on the all-inside sequence, where only the empty set at alpha_t >= 1 forces misses."""
    T, gamma, alpha = 3000, 0.05, 0.2
    a, misses = alpha, 0
    for _ in range(T):
        err = a >= 1.0 and False  # clipped at 1: the set is never empty, the constant score always covered
        a = min(max(a + gamma * (alpha - err), 0.0), 1.0)
        misses += err
    assert abs(misses / T - alpha) > _bound(alpha, gamma, T)
    m = FrozenEstimator(_const_model())
    aci = AdaptiveConformalQuantileRegressor(m, quantiles=(0.1, 0.5, 0.9), gamma=gamma).fit(np.zeros((5, 1)),
                                                                                             np.zeros(5))
    aci.partial_fit(np.zeros((T, 1)), np.zeros(T))
    assert abs(aci.n_errors_[0] / T - aci.target_alphas_[0]) <= _bound(0.2, gamma, T)


def test_alpha_outside_unit_interval_gives_infinite_or_median_interval():
    m = FrozenEstimator(_const_model())
    aci = AdaptiveConformalQuantileRegressor(m, gamma=0.5).fit(np.zeros((10, 1)), np.zeros(10))
    # far outside: a miss, alpha_t = 0.2 + 0.5 (0.2 - 1) = -0.2 < 0 -> the whole line
    aci.partial_fit(np.zeros((1, 1)), np.array([100.0]))
    assert aci.alphas_[0] == pytest.approx(-0.2)
    np.testing.assert_array_equal(aci.predict_interval(np.zeros((2, 1))), [[-np.inf, np.inf]] * 2)
    aci = AdaptiveConformalQuantileRegressor(m, gamma=1.0).fit(np.zeros((10, 1)), np.zeros(10))
    aci.partial_fit(np.zeros((1, 1)), np.array([0.0]))  # covered: alpha = 0.2 + 0.2 = 0.4
    aci.partial_fit(np.zeros((3, 1)), np.zeros(3))  # 0.6, 0.8, 1.0: the empty set
    assert aci.alphas_[0] == pytest.approx(1.0)
    np.testing.assert_array_equal(aci.predict_quantiles(np.zeros((1, 1))), [[0.0, 0.0, 0.0]])
    before = aci.n_errors_[0]
    aci.partial_fit(np.zeros((1, 1)), np.array([0.0]))  # y at the median: the paper's set is empty, a miss
    assert aci.n_errors_[0] == before + 1


# ---------------------------------------------------------------- drift: ACI holds, split conformal misses
@pytest.mark.parametrize("window", [None, 500])
def test_synthetic_drift_aci_holds_split_conformal_misses(window):
    """Documented drift: y = x b + s_t e_t, e_t ~ t_5, noise scale s_t growing linearly from 1 to 3
    over the series (the model and its calibration saw only s ~ 1)."""
    rng = np.random.default_rng(11)
    n = 8000
    X = rng.normal(size=(n, 2))
    y = X @ [1.0, -0.5] + np.linspace(1.0, 3.0, n) * rng.standard_t(5, size=n)
    model = LinearQuantileRegressor(quantiles=Q5).fit(X[:500], y[:500])
    gamma, T = 0.01, n - 1000
    aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(model), quantiles=Q5, gamma=gamma,
                                             window=window).fit(X[500:1000], y[500:1000])
    cqr = ConformalQuantileRegressor(FrozenEstimator(model), quantiles=Q5).fit(X[500:1000], y[500:1000])
    issued = aci.run(X[1000:], y[1000:], confidence_level="all")
    fixed = cqr.predict_quantiles(X[1000:])
    yt = y[1000:]
    for j, (a, b) in enumerate([(0, 4), (1, 3)]):
        alpha = 1.0 - (Q5[b] - Q5[a])
        bound = _bound(alpha, gamma, T)
        aci_miss = 1.0 - np.mean((issued[:, a] <= yt) & (yt <= issued[:, b]))
        split_miss = 1.0 - np.mean((fixed[:, a] <= yt) & (yt <= fixed[:, b]))
        assert abs(aci.n_errors_[j] / T - alpha) <= bound
        assert aci_miss <= alpha + bound and aci_miss >= alpha - bound - 0.002
        assert split_miss > alpha + 5 * bound  # split conformal under-covers the drifted series
    assert issued[-1000:, 4].mean() - issued[-1000:, 0].mean() > fixed[-1000:, 4].mean() - fixed[-1000:, 0].mean()


@pytest.mark.slow
def test_hotel_rates_real_series():
    """A shipped real time series: modeldata's hotel_rates rows are in arrival-date order (July 2016 to
    August 2017; prices are seasonal). The model sees the first two months only."""
    from statlearn.datasets import load_hotel_rates

    data = load_hotel_rates()
    X, y = data.data, data.target.to_numpy()
    assert X["arrival_date_num"].is_monotonic_increasing
    n_fit, n_cal = 2000, 1000
    base = HistGradientBoostingRegressor(loss="quantile", max_iter=60, categorical_features="from_dtype",
                                         random_state=0)
    from statlearn.quantile import MultiQuantileRegressor

    model = MultiQuantileRegressor(base, quantiles=(0.1, 0.5, 0.9)).fit(X.iloc[:n_fit], y[:n_fit])
    gamma = 0.005
    aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(model), gamma=gamma)
    aci.fit(X.iloc[n_fit:n_fit + n_cal], y[n_fit:n_fit + n_cal])
    cqr = ConformalQuantileRegressor(FrozenEstimator(model)).fit(X.iloc[n_fit:n_fit + n_cal],
                                                                 y[n_fit:n_fit + n_cal])
    Xs, ys = X.iloc[n_fit + n_cal:], y[n_fit + n_cal:]
    T = ys.size
    issued = aci.run(Xs, ys, confidence_level=0.8)
    fixed = cqr.predict_interval(Xs, 0.8)
    bound = _bound(0.2, gamma, T)
    aci_cov = np.mean((issued[:, 0] <= ys) & (ys <= issued[:, 1]))
    split_cov = np.mean((fixed[:, 0] <= ys) & (ys <= fixed[:, 1]))
    assert abs(aci.n_errors_[0] / T - 0.2) <= bound
    assert abs(aci_cov - 0.8) <= bound + 0.002
    assert abs(split_cov - 0.8) > 3 * bound


# ---------------------------------------------------------------- API
def test_fit_unfrozen_trains_on_the_first_rows_in_time_order():
    X, y = _series(400, 7)
    aci = AdaptiveConformalQuantileRegressor(LinearQuantileRegressor(), quantiles=Q5,
                                             calibration_size=100).fit(X, y)
    ref = LinearQuantileRegressor(quantiles=Q5).fit(X[:300], y[:300])
    np.testing.assert_allclose(aci.estimator_.predict_quantiles(X[:5]), ref.predict_quantiles(X[:5]))
    assert aci.n_calibration_ == aci.n_scores_ == 100
    frozen = AdaptiveConformalQuantileRegressor(FrozenEstimator(ref), quantiles=Q5).fit(X[300:], y[300:])
    np.testing.assert_array_equal(frozen.predict_quantiles(X[:9]), aci.predict_quantiles(X[:9]))


def test_partial_fit_on_unfitted_is_fit_and_update_needs_fit(linear_model):
    X, y = _series(200, 8)
    a = AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5).partial_fit(X, y)
    b = AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5).fit(X, y)
    np.testing.assert_array_equal(a.predict_quantiles(X), b.predict_quantiles(X))
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        AdaptiveConformalQuantileRegressor().update(X, y)
    with pytest.raises(NotFittedError):
        AdaptiveConformalQuantileRegressor().run(X, y)


def test_predictions_do_not_change_the_state(linear_model):
    X, y = _series(300, 9)
    aci = AdaptiveConformalQuantileRegressor(FrozenEstimator(linear_model), quantiles=Q5,
                                             gamma=0.1).fit(X[:100], y[:100]).partial_fit(X[100:200], y[100:200])
    before = pickle.dumps(aci)
    first = aci.predict_quantiles(X[200:])
    aci.predict_interval(X[200:], 0.8)
    aci.predict(X[200:])
    assert pickle.dumps(aci) == before
    np.testing.assert_array_equal(aci.predict_quantiles(X[200:]), first)


def test_pickle_clone_pipeline(linear_model):
    X, y = _series(300, 10)
    aci = AdaptiveConformalQuantileRegressor(make_pipeline(StandardScaler(), LinearQuantileRegressor()),
                                             quantiles=Q5, window=40).fit(X[:200], y[:200])
    aci.partial_fit(X[200:250], y[200:250])
    back = pickle.loads(pickle.dumps(aci))
    np.testing.assert_array_equal(back.predict_quantiles(X[250:]), aci.predict_quantiles(X[250:]))
    back.partial_fit(X[250:], y[250:])
    aci.partial_fit(X[250:], y[250:])
    np.testing.assert_array_equal(back.alphas_, aci.alphas_)
    c = clone(aci)
    assert not hasattr(c, "alphas_") and c.get_params()["window"] == 40


def test_validation_errors(linear_model):
    X, y = _series(100, 12)
    F = FrozenEstimator(linear_model)
    with pytest.raises(ValueError, match="gamma"):
        AdaptiveConformalQuantileRegressor(F, quantiles=Q5, gamma=1.5).fit(X, y)
    with pytest.raises(ValueError, match="window"):
        AdaptiveConformalQuantileRegressor(F, quantiles=Q5, window=0).fit(X, y)
    with pytest.raises(ValueError, match="calibration_size"):
        AdaptiveConformalQuantileRegressor(LinearQuantileRegressor(), calibration_size=100).fit(X, y)
    aci = AdaptiveConformalQuantileRegressor(F, quantiles=Q5).fit(X, y)
    with pytest.raises(ValueError, match="confidence_level"):
        aci.predict_interval(X, 0.7)
    with pytest.raises(ValueError, match="confidence_level"):
        aci.run(X, y, confidence_level=0.7)
    assert aci.n_updates_ == 0  # a refused run absorbs nothing
    with pytest.raises(ValueError, match="features"):
        aci.partial_fit(X[:, :1], y)
    with pytest.raises(ValueError, match="`y`"):
        aci.partial_fit(X, y[:-1])
    with pytest.raises(ValueError, match="one level"):
        AdaptiveConformalQuantileRegressor(FrozenEstimator(LinearQuantileRegressor(quantiles=(0.5,)).fit(X, y)),
                                           quantiles=(0.5,)).fit(X, y)
    with pytest.raises(ValueError, match="not finite"):
        AdaptiveConformalQuantileRegressor(FrozenEstimator(_const_model((-np.inf, 0.0, 1.0))),
                                           quantiles=(0.1, 0.5, 0.9)).fit(np.zeros((4, 1)), np.zeros(4))


def test_point_model_is_refused():
    with pytest.raises(TypeError, match="estimator"):
        AdaptiveConformalQuantileRegressor(LinearRegression()).fit(np.zeros((10, 1)), np.zeros(10))


def test_level_shift_intervals_are_the_calibrated_sets_not_widened_to_the_median():
    """After a level shift (y drops by 5 while the frozen model still predicts 0), asymmetric ACI moves
    both bounds down. The stale median must not drag the upper bound back up: the returned interval is
    the calibrated one (the median is clipped into it), so its coverage is the nominal 0.8; a min-max
    sweep from the uncalibrated median would cover about 0.9 (only the lower bound could miss)."""
    m = FrozenEstimator(_const_model())
    rng = np.random.default_rng(5)
    y_cal, y = rng.normal(size=200), rng.normal(size=6000) - 5.0
    X = np.zeros((6000, 1))
    aci = AdaptiveConformalQuantileRegressor(m, gamma=0.02, conformity_score="cqr-asymmetric")
    aci.fit(np.zeros((200, 1)), y_cal)
    issued, used = aci.run(X, y, confidence_level="all", return_alphas=True)
    sc = check_conformity_score("cqr-asymmetric")
    E_cal = sc.scores(np.tile([-1.0, 0.0, 1.0], (200, 1)), y_cal)
    E = sc.scores(np.tile([-1.0, 0.0, 1.0], (6000, 1)), y)
    thr, _, _, _ = _reference_run(E_cal, E, aci.target_alphas_, 0.02, None)
    L, U = -1.0 - thr[:, 0], 1.0 + thr[:, 1]
    ok = L <= U
    np.testing.assert_array_equal(issued[ok, 0], L[ok])
    np.testing.assert_array_equal(issued[ok, 2], U[ok])
    assert np.all((issued[:, 1] >= issued[:, 0]) & (issued[:, 1] <= issued[:, 2]))
    covered = (issued[:, 0] <= y) & (y <= issued[:, 2])
    assert abs(covered[1000:].mean() - 0.8) < 0.02
    swept_upper = np.maximum(U, 0.0)  # the median sweep: upper >= the stale median 0, never missed
    assert np.mean((issued[:, 0] <= y) & (y <= swept_upper)) > 0.88  # only the lower bound's 0.1 misses
