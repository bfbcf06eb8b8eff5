import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve as sk_calibration_curve
from sklearn.metrics import brier_score_loss

from statlearn.calibration import (
    CalibrationStats,
    _kernels,
    balance_score,
    brier_decomposition,
    brier_score,
    calibration_curve,
    expected_calibration_error,
    multicalibration_error,
    smooth_ece,
)
from statlearn.calibration._binning import _quantile_edges
from statlearn.datasets import make_miscalibrated_predictions
from tests.calibration import _oracles

netcal_metrics = pytest.importorskip("netcal.metrics")
relplot = pytest.importorskip("relplot")

# n - 1 coprime with 15 and 10: no equal-mass edge falls exactly on a data point,
# so sklearn's right-closed bins and our left-closed bins hold the same points.
N = 10002


@pytest.fixture(scope="module")
def data():
    y, p, _ = make_miscalibrated_predictions(N, pattern="sign_change", random_state=3)
    return y.astype(float), p


def _sk_ece(y, p, n_bins, strategy):
    prob_true, prob_pred = sk_calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    edges = (np.linspace(0, 1, n_bins + 1) if strategy == "uniform"
             else np.percentile(p, np.linspace(0, 100, n_bins + 1)))
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=n_bins)
    counts = counts[counts > 0]
    return float(np.sum(counts / len(p) * np.abs(prob_true - prob_pred)))


def test_data_miscalibration_changes_sign(data):
    y, p = data
    prob_true, prob_pred = sk_calibration_curve(y, p, n_bins=15)
    gaps = prob_true - prob_pred
    assert (gaps > 0.02).any() and (gaps < -0.02).any()
    # so the binned ECE is far from the one-signed collapse |mean(y) - mean(p)|
    assert expected_calibration_error(y, p) > abs(y.mean() - p.mean()) + 0.02


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [10, 15])
def test_ece_matches_sklearn_and_netcal(data, strategy, n_bins):
    y, p = data
    ours = expected_calibration_error(y, p, n_bins=n_bins, strategy=strategy)
    assert abs(ours - _sk_ece(y, p, n_bins, strategy)) < 1e-12
    theirs = netcal_metrics.ECE(n_bins, equal_intervals=strategy == "uniform").measure(p, y.astype(int))
    assert abs(ours - theirs) < 1e-12


def test_mce_matches_netcal(data):
    y, p = data
    theirs = netcal_metrics.MCE(15).measure(p, y.astype(int))
    assert abs(expected_calibration_error(y, p, norm="max") - theirs) < 1e-12


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_ece_matches_twin_with_weights(data, strategy, norm, rng):
    y, p = data
    w = rng.uniform(0, 2, size=len(p))
    edges = (np.linspace(0, 1, 16) if strategy == "uniform"
             else np.asarray(_quantile_edges(p, w, 15)))
    ours = expected_calibration_error(y, p, strategy=strategy, norm=norm, sample_weight=w)
    assert abs(ours - _oracles.ece(y, p, w, edges, norm)) < 1e-12


def test_weighted_quantile_edges_reduce_to_percentile(data):
    _, p = data
    w = np.full(len(p), 1.0)
    w[0] = 1.0 + 1e-300  # not all-equal path, same weights numerically
    np.testing.assert_allclose(_quantile_edges(p, w * 3.0, 7), np.percentile(p, np.linspace(0, 100, 8)),
                               rtol=0, atol=1e-14)


def test_integer_weights_equal_repeated_rows(data, rng):
    y, p = data
    y, p = y[:500], p[:500]
    k = rng.integers(0, 4, size=500)
    yr, pr = np.repeat(y, k), np.repeat(p, k)
    # equal-width bins: integer weights are repeated rows
    a = expected_calibration_error(y, p, sample_weight=k.astype(float))
    assert abs(a - expected_calibration_error(yr, pr)) < 1e-12
    ca = calibration_curve(y, p, sample_weight=k, return_counts=True)
    cb = calibration_curve(yr, pr, return_counts=True)
    for u, v in zip(ca, cb, strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-12)
    # equal-mass edges are weighted quantiles (not repeated-row percentiles): scale-free
    a = expected_calibration_error(y, p, strategy="quantile", sample_weight=k)
    assert abs(a - expected_calibration_error(y, p, strategy="quantile", sample_weight=2.5 * k)) < 1e-12
    assert abs(smooth_ece(y, p, sample_weight=k) - smooth_ece(yr, pr)) < 1e-9
    assert abs(brier_score(y, p, sample_weight=k) - brier_score(yr, pr)) < 1e-12
    assert abs(balance_score(y, p, sample_weight=k) - balance_score(yr, pr)) < 1e-12


def test_debiased_l2_matches_kumar_twin(data):
    y, p = data
    ours = expected_calibration_error(y, p, norm="l2", debias=True)
    assert abs(ours - _oracles.debiased_l2(y, p, np.linspace(0, 1, 16))) < 1e-12
    assert ours < expected_calibration_error(y, p, norm="l2")


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_calibration_curve_matches_sklearn(data, strategy):
    y, p = data
    pt, pp, counts = calibration_curve(y, p, n_bins=10, strategy=strategy, return_counts=True)
    spt, spp = sk_calibration_curve(y, p, n_bins=10, strategy=strategy)
    np.testing.assert_allclose(pt, spt, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pp, spp, rtol=0, atol=1e-12)
    assert counts.sum() == len(p)


def test_top_label_and_classwise(rng):
    n, k = 3001, 4
    logits = rng.normal(size=(n, k)) * 2
    P = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    # labels drawn from a tempered version: over-confident on some rows, under on others
    T = np.where(rng.uniform(size=(n, 1)) < 0.5, 0.5, 2.0)
    Q = np.exp(logits * T) / np.exp(logits * T).sum(1, keepdims=True)
    y = (rng.uniform(size=(n, 1)) > np.cumsum(Q, 1)).sum(1)
    ours = expected_calibration_error(y, P, target="top_label")
    assert abs(ours - netcal_metrics.ECE(15).measure(P, y)) < 1e-12
    conf, pred = P.max(1), P.argmax(1)
    assert abs(ours - _oracles.ece((pred == y).astype(float), conf, np.ones(n), np.linspace(0, 1, 16))) < 1e-12
    cw = np.mean([_oracles.ece((y == j).astype(float), P[:, j], np.ones(n), np.linspace(0, 1, 16))
                  for j in range(k)])
    assert abs(expected_calibration_error(y, P, target="classwise") - cw) < 1e-12
    # string labels are mapped in sorted order
    labels = np.array(list("abcd"))[y]
    assert expected_calibration_error(labels, P, target="top_label") == ours


def test_binary_two_columns_equal_positive_column(data):
    y, p = data
    assert expected_calibration_error(y, np.column_stack([1 - p, p])) == expected_calibration_error(y, p)


def test_p_exactly_zero_and_one_and_edges():
    p = np.array([0.0, 0.0, 0.2, 0.3, 0.5, 1.0, 1.0, 0.99999])
    y = np.array([0, 1, 1, 0, 1, 1, 1, 0])
    for n_bins in (5, 10, 15):
        edges = np.linspace(0, 1, n_bins + 1)
        hist, _ = np.histogram(p, bins=edges)
        stats = CalibrationStats.from_predictions(y, p, bins=n_bins)
        np.testing.assert_array_equal(stats.counts, hist)
        np.testing.assert_array_equal(_kernels.bin_index(p, edges, True), _oracles.bin_ids(p, edges))
    # p = 1 sits in the last bin, not in a phantom extra bin; p = 0 in the first
    pt, pp, c = calibration_curve(y, p, n_bins=10, return_counts=True)
    assert c[0] == 2 and pp[-1] == pytest.approx((1 + 1 + 0.99999) / 3)


def test_uniform_bin_rule_agrees_with_edges_on_grid_points():
    p = np.round(np.arange(0, 1.0001, 0.001), 3)
    for nb in (3, 7, 10, 15, 20, 33):
        edges = np.linspace(0, 1, nb + 1)
        np.testing.assert_array_equal(_kernels.bin_index(p, edges, True), _oracles.bin_ids(p, edges))
        np.testing.assert_array_equal(_kernels.bin_index(p, edges, False), _oracles.bin_ids(p, edges))


def test_empty_bins_and_one_class():
    p = np.array([0.05, 0.07, 0.93, 0.95])
    y = np.array([0, 0, 0, 0])
    # two non-empty bins out of 10; only class 0 present
    assert expected_calibration_error(y, p, n_bins=10) == pytest.approx((0.06 * 2 + 0.94 * 2) / 4)
    assert len(calibration_curve(y, p, n_bins=10)[0]) == 2
    assert brier_decomposition(y, p).uncertainty == 0.0
    y1 = np.ones(4, dtype=int)
    assert expected_calibration_error(y1, p) == pytest.approx(np.mean(1 - p))


def test_zero_weights_equal_dropping_rows(data, rng):
    y, p = data
    w = (rng.uniform(size=len(p)) < 0.7).astype(float)
    keep = w > 0
    for strategy in ("uniform", "quantile"):
        a = expected_calibration_error(y, p, strategy=strategy, sample_weight=w)
        b = expected_calibration_error(y[keep], p[keep], strategy=strategy)
        assert abs(a - b) < 1e-12
    assert abs(smooth_ece(y, p, sample_weight=w) - smooth_ece(y[keep], p[keep])) < 1e-9


# --------------------------------------------------------------------------- #
# Brier
# --------------------------------------------------------------------------- #
def test_brier_matches_sklearn(data, rng):
    y, p = data
    w = rng.uniform(size=len(p))
    assert abs(brier_score(y, p) - brier_score_loss(y, p)) < 1e-14
    assert abs(brier_score(y, p, sample_weight=w) - brier_score_loss(y, p, sample_weight=w)) < 1e-14
    P = rng.dirichlet(np.ones(3), size=200)
    yc = rng.integers(0, 3, size=200)
    assert abs(brier_score(yc, P) - brier_score_loss(yc, P, labels=[0, 1, 2])) < 1e-14


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_brier_decomposition_is_exact(data, rng, strategy):
    y, p = data
    w = rng.uniform(size=len(p))
    for sw in (None, w):
        d = brier_decomposition(y, p, n_bins=10, strategy=strategy, sample_weight=sw)
        total = d.reliability - d.resolution + d.uncertainty + d.within_bin_variance - 2 * d.within_bin_covariance
        assert abs(total - d.brier) < 1e-12
        assert abs(d.brier - brier_score(y, p, sample_weight=sw)) < 1e-12
        assert d.residual != 0.0


def test_brier_decomposition_classic_when_constant_in_bins(rng):
    p = rng.choice([0.05, 0.25, 0.45, 0.65, 0.85], size=2000)
    y = (rng.uniform(size=2000) < p**1.3).astype(int)
    d = brier_decomposition(y, p, n_bins=5)
    assert abs(d.within_bin_variance) < 1e-15 and abs(d.within_bin_covariance) < 1e-15
    assert abs(d.reliability - d.resolution + d.uncertainty - brier_score(y, p)) < 1e-12
    # hand-computed Murphy terms
    rel = sum((p == v).mean() * (v - y[p == v].mean()) ** 2 for v in np.unique(p))
    res = sum((p == v).mean() * (y[p == v].mean() - y.mean()) ** 2 for v in np.unique(p))
    assert abs(d.reliability - rel) < 1e-14 and abs(d.resolution - res) < 1e-14


# --------------------------------------------------------------------------- #
# smooth ECE
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("pattern", ["sign_change", "overconfident", "mixed"])
def test_smooth_ece_matches_relplot(pattern):
    y, p, _ = make_miscalibrated_predictions(5000, pattern=pattern, random_state=1)
    ours, sigma = smooth_ece(y, p, return_bandwidth=True)
    theirs, their_sigma = relplot.smECE(p, y.astype(float), return_width=True)
    assert abs(ours - theirs) < 1e-6
    assert sigma == their_sigma
    for s in (0.3, 0.05, 0.004):
        assert abs(smooth_ece(y, p, bandwidth=s) - relplot.smECE_sigma(p, y.astype(float), s)) < 1e-6


def test_smooth_ece_kernels_match_twins(rng):
    f = rng.uniform(size=300)
    f[:3] = [0.0, 1.0, 0.5]
    v = rng.normal(size=300)
    for n_grid in (1001, 1002, 57):
        g = _kernels.round_to_grid(f, v, n_grid)
        np.testing.assert_allclose(g, _oracles.round_to_grid(f, v, n_grid), rtol=0, atol=1e-12)
        for sigma in (0.5, 0.05, 0.004):
            np.testing.assert_allclose(_kernels.reflected_gaussian_smooth(g, sigma),
                                       _oracles.reflected_gaussian_smooth(g, sigma), rtol=1e-9, atol=1e-9)


def test_smooth_ece_zero_for_calibrated_constant():
    y = np.array([0, 1] * 50)
    p = np.full(100, 0.5)
    assert smooth_ece(y, p) < 1e-6


# --------------------------------------------------------------------------- #
# Balance score
# --------------------------------------------------------------------------- #
def _balance_paper(y, p):
    f = np.where(p >= 0.5, np.where(y == 1, 1 - p, -p), np.where(y == 0, p, -1 + p))
    return f.mean()


@pytest.mark.parametrize("pattern", ["sign_change", "overconfident", "mixed"])
def test_balance_equals_paper_formula_and_accuracy_minus_confidence(pattern):
    y, p, _ = make_miscalibrated_predictions(4000, pattern=pattern, random_state=2)
    b = balance_score(y, p)
    assert abs(b - _balance_paper(y, p)) < 1e-14
    acc = np.mean((p >= 0.5) == (y == 1))
    assert abs(b - (acc - np.mean(np.maximum(p, 1 - p)))) < 1e-14


def test_balance_hides_mixed_miscalibration():
    y, p, _ = make_miscalibrated_predictions(200_000, pattern="mixed", random_state=0)
    top_ece = expected_calibration_error(y, p, target="top_label")
    assert abs(balance_score(y, p)) < 0.01 < 0.03 < top_ece
    y, p, _ = make_miscalibrated_predictions(200_000, pattern="overconfident", random_state=0)
    assert balance_score(y, p) < -0.05  # one-signed: the sign shows over-confidence


def test_balance_multiclass_top_label(rng):
    P = rng.dirichlet(np.ones(3), size=500)
    y = rng.integers(0, 3, size=500)
    expected = np.mean(P.argmax(1) == y) - P.max(1).mean()
    assert abs(balance_score(y, P) - expected) < 1e-14


# --------------------------------------------------------------------------- #
# multicalibration error
# --------------------------------------------------------------------------- #
def test_multicalibration_error_matches_twin(data, rng):
    y, p = data
    G = rng.uniform(size=(len(p), 4)) < [0.1, 0.3, 0.5, 0.9]
    w = rng.uniform(size=len(p))
    res = multicalibration_error(y, p, G, n_bins=10, alpha=0.05, sample_weight=w)
    st = _oracles.group_stats(p, y, w, G, 10)
    np.testing.assert_allclose(res.cell_weight, st[:, :, 0], rtol=1e-12)
    for g in range(4):
        m = G[:, g]
        ece_g = _oracles.ece(y[m], p[m], w[m], np.linspace(0, 1, 11))
        assert abs(res.group_ece[g] - ece_g) < 1e-12
    cells = np.abs(st[:, :, 1] - st[:, :, 2]) / np.maximum(st[:, :, 0], 1e-300)
    ok = st[:, :, 0] >= 0.005 * st[:, :, 0].sum(1, keepdims=True)
    assert abs(res.worst_cell_error - cells[ok].max()) < 1e-12
    assert abs(res.mean_group_ece - res.group_ece.mean()) < 1e-15
    assert res.worst_group_ece == res.group_ece.max()


def test_multicalibration_error_dataframe_and_empty_group(data):
    pd = pytest.importorskip("pandas")
    y, p = data
    G = pd.DataFrame({"low": p < 0.3, "nobody": np.zeros(len(p), bool), "all": np.ones(len(p), bool)})
    res = multicalibration_error(y, p, G)
    assert res.group_names == ["low", "nobody", "all"]
    assert np.isnan(res.group_ece[1]) and np.isfinite(res.mean_group_ece)
    assert res.worst_cell[0] in ("low", "all")
    with pytest.raises(ValueError, match="empty"):
        multicalibration_error(y, p, G[["nobody"]])


# --------------------------------------------------------------------------- #
# streaming statistics
# --------------------------------------------------------------------------- #
@given(st.lists(st.integers(1, 400), min_size=1, max_size=6), st.integers(1, 30))
def test_chunked_stats_equal_one_pass(sizes, n_bins):
    y, p, _ = make_miscalibrated_predictions(sum(sizes), pattern="sign_change", random_state=sum(sizes))
    total = CalibrationStats.from_predictions(y, p, bins=n_bins)
    merged, start = None, 0
    for s in sizes:
        part = CalibrationStats.from_predictions(y[start:start + s], p[start:start + s], bins=n_bins)
        merged = part if merged is None else merged + part
        start += s
    np.testing.assert_allclose(merged.sums, total.sums, rtol=1e-12, atol=1e-12)
    for norm in ("l1", "l2", "max"):
        assert abs(merged.expected_calibration_error(norm=norm)
                   - expected_calibration_error(y, p, n_bins=n_bins, norm=norm)) < 1e-12
    d1, d2 = merged.brier_decomposition(), brier_decomposition(y, p, n_bins=n_bins)
    assert abs(d1.reliability - d2.reliability) < 1e-12 and abs(d1.brier - d2.brier) < 1e-12


def test_stats_update_and_explicit_edges(data):
    y, p = data
    edges = np.percentile(p[:2000], np.linspace(0, 100, 11))
    edges[0], edges[-1] = 0.0, 1.0
    s = CalibrationStats(edges)
    for k in range(0, len(p), 3000):
        s.update(y[k:k + 3000], p[k:k + 3000])
    np.testing.assert_allclose(s.sums, _oracles.binned_stats(p, y, np.ones(len(p)), edges), rtol=1e-12)
    assert "n_bins=10" in repr(s)
    with pytest.raises(ValueError, match="same bin edges"):
        s + CalibrationStats.from_predictions(y, p, bins=10)
    with pytest.raises(TypeError, match="CalibrationStats"):
        s.merge(3)
    with pytest.raises(ValueError, match="empty"):
        CalibrationStats(edges).expected_calibration_error()


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("func", [brier_score, expected_calibration_error, smooth_ece, balance_score,
                                  calibration_curve, brier_decomposition])
def test_bad_input(func):
    y = np.array([0, 1, 1, 0])
    with pytest.raises(ValueError, match=r"`y_prob` must contain probabilities in \[0, 1\]"):
        func(y, [0.1, 1.2, 0.5, 0.3])
    with pytest.raises(ValueError, match="`y_prob` must not contain NaN"):
        func(y, [0.1, np.nan, 0.5, 0.3])
    with pytest.raises(ValueError, match="Inconsistent numbers of samples"):
        func(y, [0.1, 0.2, 0.5])
    with pytest.raises(ValueError, match="`y_true` must be binary"):
        func([0, 1, 2, 1], [0.1, 0.2, 0.5, 0.3])
    with pytest.raises(ValueError, match="`sample_weight` must be non-negative"):
        func(y, [0.1, 0.2, 0.5, 0.3], sample_weight=[1, -1, 1, 1])


def test_bad_options():
    y, p = np.array([0, 1]), np.array([0.2, 0.7])
    with pytest.raises(ValueError, match=r"expected_calibration_error: `n_bins` must be an int in \[1, inf\)"):
        expected_calibration_error(y, p, n_bins=0)
    with pytest.raises(ValueError, match="`strategy` must be one of"):
        expected_calibration_error(y, p, strategy="equal")
    with pytest.raises(ValueError, match="`norm` must be one of"):
        expected_calibration_error(y, p, norm="l3")
    with pytest.raises(ValueError, match="`target` must be one of"):
        expected_calibration_error(y, p, target="top")
    with pytest.raises(ValueError, match="`debias=True` is defined for `norm='l2'` only"):
        expected_calibration_error(y, p, debias=True)
    with pytest.raises(ValueError, match=r"`bandwidth` must be one of \{'auto'\} or a float"):
        smooth_ece(y, p, bandwidth=0.0)
    with pytest.raises(ValueError, match="`y_prob` must be 1-D"):
        expected_calibration_error(y, np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="pass `labels=`"):
        expected_calibration_error([0, 5], np.full((2, 3), 1 / 3), target="top_label")
    with pytest.raises(ValueError, match="`alpha` must be a float"):
        multicalibration_error(y, p, np.ones((2, 1), bool), alpha=2.0)
    with pytest.raises(ValueError, match="`groups` must have 2 rows"):
        multicalibration_error(y, p, np.ones((3, 1), bool))


def test_bad_numpy_input_on_compiled_fast_path():
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    p = np.array([0.1, 0.2, 0.5, 0.3])
    with pytest.raises(ValueError, match="`y_true` must be binary"):
        expected_calibration_error(np.array([0, 1, 2, 1], dtype=np.int64), p)
    with pytest.raises(ValueError, match="`y_prob` must not contain NaN"):
        expected_calibration_error(y, np.array([0.1, np.nan, 0.5, 0.3]))
    with pytest.raises(ValueError, match=r"`y_prob` must contain probabilities in \[0, 1\]"):
        expected_calibration_error(y, np.array([0.1, -0.2, 0.5, 0.3]))
    # float 0/1 labels and int labels give the same value on the fast path and the general path
    assert expected_calibration_error(y, p) == expected_calibration_error(y.astype(float), p)
    assert expected_calibration_error(y, p) == pytest.approx(expected_calibration_error(list(y), list(p)), abs=1e-15)


def test_dask_partitions_merge_to_one_pass(data):
    dask = pytest.importorskip("dask")
    y, p = data
    parts = [dask.delayed(CalibrationStats.from_predictions)(y[k:k + 2500], p[k:k + 2500], bins=15)
             for k in range(0, len(p), 2500)]
    total = dask.delayed(sum)(parts[1:], parts[0]).compute(scheduler="sync")
    assert abs(total.expected_calibration_error() - expected_calibration_error(y, p)) < 1e-12


def test_group_bins_follow_the_module_bin_rule_on_grid_points():
    # probabilities on a 0.1 grid (rounded forecasts): 0.3, 0.6, 0.7 are just below the
    # np.linspace edges, so the documented rule puts them in the lower bin, as the ECE does
    p = np.repeat(np.round(np.arange(0, 1.0001, 0.1), 1), 3)
    y = np.tile([1.0, 0.0, 1.0], p.size // 3)
    y[p == 0.3] = 0.0
    G = np.ones((p.size, 1), dtype=bool)
    for nb in (3, 5, 10, 20):
        edges = np.linspace(0, 1, nb + 1)
        res = multicalibration_error(y, p, G, n_bins=nb, alpha=0.0)
        np.testing.assert_array_equal(res.cell_weight[0], np.bincount(_oracles.bin_ids(p, edges), minlength=nb))
        assert abs(res.group_ece[0] - expected_calibration_error(y, p, n_bins=nb)) < 1e-12


@pytest.mark.parametrize("ydt", [np.bool_, np.int8, np.int32, np.uint8, np.float32, np.float64])
@pytest.mark.parametrize("pdt", [np.float32, np.float64])
def test_dtype_fast_paths_equal_the_float64_path(data, ydt, pdt):
    y, p = data
    yy, pp = y.astype(ydt), p.astype(pdt)
    p64 = pp.astype(np.float64)
    for norm in ("l1", "l2", "max"):
        assert expected_calibration_error(yy, pp, norm=norm) == expected_calibration_error(
            y.astype(np.int64), p64, norm=norm)
    assert brier_score(yy, pp) == brier_score(y.astype(np.float64), p64)
    assert smooth_ece(yy, pp) == pytest.approx(smooth_ece(y, p64), rel=1e-12)
    bad = yy.copy()
    bad[3] = 2 if ydt is not np.bool_ else bad[3]
    if ydt is not np.bool_:
        with pytest.raises(ValueError, match="`y_true` must be binary"):
            expected_calibration_error(bad, pp)
