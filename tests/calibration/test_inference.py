"""Calibration with error bars (statlearn/calibration/inference.py), each checked against an
independent reference: MAPIE's tests, closed forms, brute-force twins, simulation under the null."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import log_loss

from statlearn.calibration import (
    bootstrap_ci,
    brier_decomposition,
    brier_score,
    calibration_report,
    cumulative_calibration_test,
    ece_noise_floor,
    expected_calibration_error,
    hosmer_lemeshow_test,
    smooth_ece,
    spiegelhalter_test,
)
from statlearn.calibration._pvalues import _kolmogorov_sf, _range_sf
from statlearn.datasets import make_miscalibrated_predictions

mapie_cal = pytest.importorskip("mapie.metrics.calibration")


@pytest.fixture
def miscal():
    y, p, _ = make_miscalibrated_predictions(3000, random_state=0)
    return y.astype(float), p


def _calibrated(n, seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 0.95, n)
    return (rng.uniform(size=n) < p).astype(float), p


# --------------------------------------------------------------------------- #
# tests of calibration
# --------------------------------------------------------------------------- #
def test_spiegelhalter_matches_mapie_and_closed_form(miscal):
    y, p = miscal
    res = spiegelhalter_test(y, p)
    assert res.statistic == pytest.approx(mapie_cal.spiegelhalter_statistic(y, p), rel=1e-12)
    z = np.sum((y - p) * (1 - 2 * p)) / np.sqrt(np.sum((1 - 2 * p) ** 2 * p * (1 - p)))
    assert res.statistic == pytest.approx(z, rel=1e-12)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)
    # MAPIE reports the one-sided P(Z > z); ours is two-sided
    assert mapie_cal.spiegelhalter_p_value(y, p) == pytest.approx(stats.norm.sf(z), rel=1e-9)
    with pytest.raises(ValueError, match="undefined"):
        spiegelhalter_test([0, 1, 1], [0.5, 0.5, 1.0])


@pytest.mark.parametrize("statistic, mapie_stat, mapie_p", [
    ("ks", "kolmogorov_smirnov_statistic", "kolmogorov_smirnov_p_value"),
    ("kuiper", "kuiper_statistic", "kuiper_p_value"),
])
def test_cumulative_tests_match_mapie(miscal, statistic, mapie_stat, mapie_p):
    y, p = miscal
    for n in (300, 3000):
        res = cumulative_calibration_test(y[:n], p[:n], statistic=statistic)
        # MAPIE breaks ties with a 1e-8 jitter; the predictions here have no ties
        assert res.statistic == pytest.approx(getattr(mapie_cal, mapie_stat)(y[:n], p[:n]), rel=1e-6)
        assert res.pvalue == pytest.approx(getattr(mapie_cal, mapie_p)(y[:n], p[:n]), rel=1e-5, abs=1e-12)


def test_brownian_tail_laws_match_mapie_series():
    for x in np.r_[0.05, np.linspace(0.2, 4.0, 39)]:
        # two truncations of the same series: equal to 1e-7 relative
        assert _kolmogorov_sf(x) == pytest.approx(1 - mapie_cal.kolmogorov_smirnov_cdf(x), rel=1e-7, abs=1e-12)
        assert _range_sf(x) == pytest.approx(1 - mapie_cal.kuiper_cdf(x), rel=1e-7, abs=1e-12)


def test_brownian_tail_laws_match_simulated_paths():
    rng = np.random.default_rng(0)
    paths = np.cumsum(rng.standard_normal((4000, 2000)), axis=1) / np.sqrt(2000)
    paths = np.column_stack([np.zeros(4000), paths])
    mx, rg = np.abs(paths).max(1), paths.max(1) - paths.min(1)
    # discrete paths undershoot the continuous maximum a little: allow 3 SE + 0.01
    for sf, sample, xs in ((_kolmogorov_sf, mx, (1.0, 1.5, 2.0)), (_range_sf, rg, (1.6, 2.1, 2.6))):
        for x in xs:
            emp = np.mean(sample >= x)
            assert abs(emp - sf(x)) < 3 * math.sqrt(sf(x) * (1 - sf(x)) / 4000) + 0.01


def test_cumulative_test_ignores_order_within_ties():
    p = np.repeat([0.2, 0.5, 0.7], 50)
    y = np.tile(np.r_[np.ones(20), np.zeros(30)], 3)
    a = cumulative_calibration_test(y, p)
    perm = np.random.default_rng(0).permutation(p.size)
    b = cumulative_calibration_test(y[perm], p[perm])
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12) and a.prob.tolist() == [0.2, 0.5, 0.7]
    with pytest.raises(ValueError, match="undefined"):
        cumulative_calibration_test([0, 1], [0.0, 1.0])


def test_hosmer_lemeshow_matches_hand_computation(miscal):
    y, p = miscal
    y, p = y[:1000], p[:1000]
    order = np.argsort(p)
    h = 0.0
    for idx in np.array_split(order, 10):  # deciles of risk: 100 rows each (no ties)
        o, e, n = y[idx].sum(), p[idx].sum(), idx.size
        h += (o - e) ** 2 / (e * (1 - e / n))
    res = hosmer_lemeshow_test(y, p)
    assert res.statistic == pytest.approx(h, rel=1e-10)
    assert res.df == 10 and res.pvalue == pytest.approx(stats.chi2.sf(h, 10), rel=1e-10)
    assert hosmer_lemeshow_test(y, p, ddof=2).df == 8
    assert res.counts.tolist() == [100.0] * 10
    with pytest.raises(ValueError, match="degree of freedom"):
        hosmer_lemeshow_test([0, 1, 1], [0.3, 0.3, 0.3], ddof=1)


@pytest.mark.slow
@pytest.mark.parametrize("test", ["spiegelhalter", "hosmer_lemeshow", "ks", "kuiper"])
def test_size_under_the_null(test):
    """Rejection rate at 5% over 1000 calibrated data sets of 1000 rows."""
    pvals = []
    for seed in range(1000):
        y, p = _calibrated(1000, seed)
        if test == "spiegelhalter":
            pvals.append(spiegelhalter_test(y, p).pvalue)
        elif test == "hosmer_lemeshow":
            pvals.append(hosmer_lemeshow_test(y, p).pvalue)
        else:
            pvals.append(cumulative_calibration_test(y, p, statistic=test).pvalue)
    rate = np.mean(np.asarray(pvals) < 0.05)
    # the cumulative tests are slightly conservative on a discrete path; 0.05 +- 3.2 SE otherwise
    assert 0.025 <= rate <= 0.072, rate


@pytest.mark.parametrize("test", ["hosmer_lemeshow", "ks", "kuiper"])
def test_power_against_sign_changing_miscalibration(test):
    y, p, _ = make_miscalibrated_predictions(5000, random_state=3)
    res = (hosmer_lemeshow_test(y, p) if test == "hosmer_lemeshow"
           else cumulative_calibration_test(y, p, statistic=test))
    assert res.pvalue < 1e-3


# --------------------------------------------------------------------------- #
# noise floor
# --------------------------------------------------------------------------- #
def test_noise_floor_closed_form_one_bin():
    # one bin, constant prediction q: E ECE = E|X/n - q| with X ~ Binomial(n, q)
    n, q = 40, 0.3
    k = np.arange(n + 1)
    exact = float(np.sum(stats.binom.pmf(k, n, q) * np.abs(k / n - q)))
    res = ece_noise_floor(np.full(n, q), n_bins=1, n_simulations=20000, random_state=0)
    assert abs(res.mean - exact) < 4 * res.std / math.sqrt(20000)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_noise_floor_equals_ece_of_simulated_outcomes(strategy, norm):
    rng = np.random.default_rng(5)
    n = 400
    p = rng.beta(2, 3, n)
    w = rng.uniform(0, 2, n)
    G = np.column_stack([p < 0.4, rng.uniform(size=n) < 0.5, np.zeros(n, bool)])
    res = ece_noise_floor(p, G, n_bins=8, strategy=strategy, norm=norm, n_simulations=30, sample_weight=w,
                          random_state=np.random.default_rng(11))
    u = np.random.default_rng(11).random((30, n))  # the same draws
    for s in range(30):
        ysim = (u[s] < p).astype(float)
        for j in range(2):
            m = G[:, j]
            ref = expected_calibration_error(ysim[m], p[m], n_bins=8, strategy=strategy, norm=norm,
                                             sample_weight=w[m])
            assert res.samples[s, j] == pytest.approx(ref, abs=1e-12)
    assert np.isnan(res.mean[2]) and np.isnan(res.samples[:, 2]).all()
    assert res.worst_group_mean >= np.nanmax(res.mean) - 1e-12
    assert res.by_name[res.group_names[0]] == res.mean[0]


def test_noise_floor_shrinks_with_group_size():
    p = np.random.default_rng(0).uniform(size=8000)
    G = np.zeros((8000, 3), bool)
    G[:200, 0], G[:2000, 1], G[:, 2] = True, True, True
    res = ece_noise_floor(p, G, n_simulations=300, random_state=0)
    assert res.mean[0] > res.mean[1] > res.mean[2]
    # the floor scales about as 1 / sqrt(n) (bins with few rows make small groups noisier still)
    assert 1.5 < res.mean[1] / res.mean[2] < 2.5


# --------------------------------------------------------------------------- #
# bootstrap intervals
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("metric, params, func", [
    ("ece", {"n_bins": 10, "strategy": "quantile"},
     lambda y, p: expected_calibration_error(y, p, n_bins=10, strategy="quantile")),
    ("smooth_ece", {}, smooth_ece),
    ("brier", {}, brier_score),
    ("reliability", {"n_bins": 8}, lambda y, p: brier_decomposition(y, p, n_bins=8).reliability),
    ("resolution", {}, lambda y, p: brier_decomposition(y, p).resolution),
    ("uncertainty", {}, lambda y, p: brier_decomposition(y, p).uncertainty),
])
def test_bootstrap_samples_equal_metric_on_resampled_rows(miscal, metric, params, func):
    y, p = miscal
    y, p = y[:600], p[:600]
    res = bootstrap_ci(y, p, metric=metric, metric_params=params, n_bootstrap=5, random_state=7)
    rng = np.random.default_rng(7)
    for b in range(5):
        idx = rng.integers(0, 600, size=600)
        assert res.samples[b] == pytest.approx(func(y[idx], p[idx]), rel=1e-9, abs=1e-12)
    assert res.estimate == pytest.approx(func(y, p), rel=1e-12)
    q = np.quantile(res.samples, [0.05, 0.95])
    assert res.low == pytest.approx(max(2 * res.estimate - q[1], 0.0))
    pct = bootstrap_ci(y, p, metric=metric, metric_params=params, n_bootstrap=5, random_state=7,
                       method="percentile")
    assert (pct.low, pct.high) == pytest.approx(tuple(q))


def test_bootstrap_bad_options(miscal):
    y, p = miscal
    with pytest.raises(ValueError, match="`metric` must be one of"):
        bootstrap_ci(y, p, metric="auc")
    with pytest.raises(ValueError, match=r"`metric_params` has \['bandwidth'\]"):
        bootstrap_ci(y, p, metric="ece", metric_params={"bandwidth": 0.1})
    with pytest.raises(ValueError, match=r"`n_bootstrap` must be an int in \[1, inf\)"):
        bootstrap_ci(y, p, n_bootstrap=0)
    with pytest.raises(ValueError, match="`method` must be one of"):
        bootstrap_ci(y, p, method="bca")


# --------------------------------------------------------------------------- #
# report
# --------------------------------------------------------------------------- #
def test_calibration_report_rows_equal_the_metrics(miscal):
    y, p = miscal
    rng = np.random.default_rng(0)
    G = pd.DataFrame({"a": rng.uniform(size=p.size) < 0.3, "b": p > 0.5, "none": np.zeros(p.size, bool)})
    lab = np.where(y == 1, "Yes", "No")
    rep = calibration_report(lab, p, G, pos_label="Yes", n_bootstrap=30, n_simulations=50, random_state=0)
    assert rep["group"].tolist() == ["all", "a", "b", "none"]
    assert list(rep.columns) == ["group", "n", "ece", "ece_low", "ece_high", "noise_floor", "noise_floor_upper",
                                 "within_noise", "pvalue", "brier", "log_loss"]
    for name, m in [("all", np.ones(p.size, bool)), ("a", G["a"].to_numpy()), ("b", G["b"].to_numpy())]:
        row = rep.set_index("group").loc[name]
        assert row["n"] == m.sum()
        assert row["ece"] == pytest.approx(expected_calibration_error(y[m], p[m]), abs=1e-12)
        assert row["brier"] == pytest.approx(brier_score(y[m], p[m]), abs=1e-12)
        assert row["log_loss"] == pytest.approx(log_loss(y[m], p[m]), abs=1e-12)
        assert row["pvalue"] == pytest.approx(cumulative_calibration_test(y[m], p[m]).pvalue, abs=1e-15)
        assert row["within_noise"] == (row["ece"] <= row["noise_floor_upper"])
        assert row["ece_low"] <= row["ece_high"]
    none = rep.set_index("group").loc["none"]
    assert none["n"] == 0 and np.isnan(none["ece"]) and np.isnan(none["noise_floor"])
    assert rep.attrs["test"] == "kuiper"


def test_calibration_report_says_within_noise_for_a_calibrated_model():
    y, p = _calibrated(4000, 1)
    y2, p2, _ = make_miscalibrated_predictions(4000, random_state=1)
    ok = calibration_report(y, p, n_bootstrap=0, n_simulations=300, random_state=0).iloc[0]
    bad = calibration_report(y2, p2, n_bootstrap=0, n_simulations=300, random_state=0).iloc[0]
    assert ok["within_noise"] and not bad["within_noise"]
    assert np.isnan(ok["ece_low"])
    assert bad["pvalue"] < 1e-3


def test_calibration_curve_ci_matches_statsmodels_wilson(miscal):
    from statsmodels.stats.proportion import proportion_confint

    from statlearn.calibration import calibration_curve, calibration_curve_ci

    y, p = miscal
    res = calibration_curve_ci(y, p, n_bins=12, strategy="quantile", confidence_level=0.8)
    pt, pp, c = calibration_curve(y, p, n_bins=12, strategy="quantile", return_counts=True)
    np.testing.assert_array_equal(res.prob_true, pt)
    np.testing.assert_array_equal(res.counts, c)
    lo, hi = proportion_confint(np.round(pt * c), c, alpha=0.2, method="wilson")
    np.testing.assert_allclose(res.lower, lo, rtol=1e-10)
    np.testing.assert_allclose(res.upper, hi, rtol=1e-10)


def test_weight_scale_does_not_overflow(miscal):
    from statlearn.calibration import calibration_curve_ci

    y, p = miscal
    w = np.random.default_rng(2).uniform(0.5, 2, p.size)
    a = cumulative_calibration_test(y, p, sample_weight=w)
    b = cumulative_calibration_test(y, p, sample_weight=w * 1e200)
    assert b.statistic == pytest.approx(a.statistic, rel=1e-10)
    c1, c2 = calibration_curve_ci(y, p, sample_weight=w), calibration_curve_ci(y, p, sample_weight=w * 1e250)
    np.testing.assert_allclose(c2.lower, c1.lower, rtol=1e-10)
    big = w.copy()
    big[0] = 1e300
    assert np.isfinite(calibration_curve_ci(y, p, sample_weight=big).lower).all()
    with pytest.raises(ValueError, match="`sample_weight` is too large"):
        hosmer_lemeshow_test(y, p, sample_weight=big)
