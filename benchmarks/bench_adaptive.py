"""Benchmarks of statlearn.adaptive: the reusable holdout and many expectations from one sample.

Part A reproduces the Science 2015 feature-selection experiment (n = d = 10,000;
no signal and 20 signal variables): standard holdout reuse against Thresholdout.
Part B reproduces the variance reductions of the aISCV estimator (Gaussian
moments, cantilever beam with 100 input laws, Sobol' indices of the beam) and
times ``sobol_indices`` against SALib and ``scipy.stats.sobol_indices`` at
equal accuracy on the Ishigami function.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._harness import Cell, headline, markdown_table, optional_import, record

AREA = "adaptive"

PAPER = {"moments": 7.8e3, "beam_laws_mc": 29.9, "beam_laws_is": 13.9, "beam_sobol": 14.6}


# --------------------------------------------------------------------------- Part A
def cell_freedman(n_signal, n_reps, n, d, seed=0):
    from statlearn.adaptive import FREEDMAN_K_VALUES, Thresholdout, freedman_experiment
    from statlearn.datasets import make_freedman_holdout

    k_values = np.asarray(FREEDMAN_K_VALUES)
    arms = ("standard", "thresholdout", "thresholdout_laplace")
    curves = {arm: {key: [] for key in ("train", "holdout", "fresh")} for arm in arms}
    for r in range(n_reps):
        data = make_freedman_holdout(n, d, n_signal=n_signal, dtype=np.float32, random_state=seed + r)
        # the Science supplement's Gaussian rule (default) ...
        res = freedman_experiment(*data, k_values=k_values, random_state=seed + r)
        # ... and the paper's pseudo-code: Laplace noise, threshold noise redrawn after each overfit
        lap = Thresholdout(threshold=4 / np.sqrt(n), sigma=1 / np.sqrt(n), noise="laplace", reset="on_overfit",
                           random_state=seed + r)
        res["thresholdout_laplace"] = freedman_experiment(*data, k_values=k_values, thresholdout=lap)["thresholdout"]
        del data
        for arm in curves:
            for key in curves[arm]:
                curves[arm][key].append(res[arm][key])
    out = []
    for arm in curves:
        for key in curves[arm]:
            a = np.asarray(curves[arm][key])
            out.append(record("curve", experiment=f"signal={n_signal}", arm=arm, set=key, k=k_values,
                              mean=a.mean(axis=0), sd=a.std(axis=0), n_reps=n_reps, n=n, d=d))
    i500 = int(np.flatnonzero(k_values == 500)[0])
    std_h = np.mean(curves["standard"]["holdout"], axis=0)[i500]
    std_f = np.mean(curves["standard"]["fresh"], axis=0)[i500]
    thr_h = np.mean(curves["thresholdout"]["holdout"], axis=0)[i500]
    thr_f = np.mean(curves["thresholdout"]["fresh"], axis=0)[i500]
    lap_h = np.mean(curves["thresholdout_laplace"]["holdout"], axis=0)[i500]
    lap_f = np.mean(curves["thresholdout_laplace"]["fresh"], axis=0)[i500]
    size = f"n=d={n}, {n_reps} reps"
    out.append(record("quality", experiment=f"signal={n_signal}", k=500, standard_holdout=std_h,
                      standard_fresh=std_f, thresholdout_holdout=thr_h, thresholdout_fresh=thr_f, laplace_holdout=lap_h,
                      laplace_fresh=lap_f, n_reps=n_reps))
    if n_signal == 0:
        out.append(headline(f"Freedman no signal: standard holdout acc. at k=500 ({size})", std_h,
                            "about 0.63 (paper > 0.63; >= 0.60)", std_h >= 0.60))
        out.append(headline(f"Freedman no signal: |Thresholdout holdout - fresh| at k=500 ({size})",
                            abs(thr_h - thr_f), "<= 0.02", abs(thr_h - thr_f) <= 0.02))
    else:
        i10 = int(np.flatnonzero(k_values == 10)[0])
        f10 = np.mean(curves["thresholdout"]["fresh"], axis=0)[i10]
        out.append(headline(f"Freedman 20 signal vars: Thresholdout fresh acc. at k=10 ({size})", f10,
                            "> 0.55 (signal found)", f10 > 0.55))
        out.append(headline(f"Freedman 20 signal vars: |Thresholdout holdout - fresh| at k=500 ({size})",
                            abs(thr_h - thr_f), "<= 0.03", abs(thr_h - thr_f) <= 0.03))
    return out


# --------------------------------------------------------------------------- Part B
def _within_2x(value, paper):
    return paper / 2 <= value <= paper * 2


def cell_moments(n_reps, n_max=20_000, J=10):
    from scipy import special, stats

    from statlearn.adaptive import MultipleExpectationEstimator

    ref = np.array([special.factorial2(2 * j - 1) for j in range(1, J + 1)], dtype=float)
    w = 1.0 / ref**2
    powers = 2 * np.arange(1, J + 1)

    def phi(X):
        return X[:, [0]] ** powers

    rng = np.random.default_rng(12345)
    iscv, mc = [], []
    t0 = time.perf_counter()
    for r in range(n_reps):
        iscv.append(MultipleExpectationEstimator(n_max=n_max, weights=w, random_state=r).fit(phi, stats.norm())
                    .estimates_)
    t_iscv = (time.perf_counter() - t0) / n_reps
    for _ in range(n_reps):
        mc.append(phi(rng.standard_normal((n_max, 1))).mean(axis=0))
    iscv, mc = np.asarray(iscv), np.asarray(mc)
    v_iscv = float(np.sum(w * iscv.var(axis=0, ddof=1)))
    v_mc = float(np.sum(w * mc.var(axis=0, ddof=1)))
    m = [special.factorial2(4 * j - 1) for j in range(1, J + 1)]
    v_mc_exact = float(np.sum(w * (np.asarray(m, dtype=float) - ref**2) / n_max))
    bias_z = np.abs(iscv.mean(axis=0) - ref) / (iscv.std(axis=0, ddof=1) / np.sqrt(n_reps))
    ratio = v_mc / v_iscv
    return [
        record("quality", case="Gaussian moments (J=10)", baseline="plain MC", var_baseline=v_mc,
               var_baseline_exact=v_mc_exact, var_iscv=v_iscv, ratio=ratio, ratio_exact_mc=v_mc_exact / v_iscv,
               paper_ratio=PAPER["moments"], paper_var_iscv=1.63e-3, n_reps=n_reps, seconds_per_fit=t_iscv,
               max_bias_z=float(bias_z.max())),
        headline(f"Gaussian moments: sum_j w_j Var of ISCV vs paper's 1.63e-3 ({n_reps} reps)", v_iscv,
                 "within 2x of 1.63e-3", _within_2x(v_iscv, 1.63e-3)),
        # The empirical plain-MC variance of x^20 over a few hundred repetitions is dominated by rare
        # draws and underestimates the exact one (paper: 12.78 from 200 reps; exact: 49.75), so the
        # reduction is compared with the exact plain-MC variance on both sides.
        headline("Gaussian moments: reduction vs exact plain-MC variance (paper's ISCV: 49.75/1.63e-3 = 3.05e4)",
                 v_mc_exact / v_iscv, "within 2x of 3.05e4", _within_2x(v_mc_exact / v_iscv, 49.75 / 1.63e-3)),
        headline(f"Gaussian moments: reduction vs empirical plain MC ({n_reps} reps; paper 7.8e3 with 200)", ratio,
                 "within 2x of 7.8e3", _within_2x(ratio, PAPER["moments"]), unit="x",
                 reason=None if _within_2x(ratio, PAPER["moments"]) else (
                     f"the empirical plain-MC variance of x^20 over {n_reps} reps is dominated by rare draws "
                     f"({v_mc:.3g} here, {v_mc_exact:.3g} exact); the exact-variance row is the comparison")),
    ]


def cell_beam_laws(n_reps, n_max=20_000, n_laws=100):
    from statlearn.adaptive import MultipleExpectationEstimator
    from statlearn.datasets import cantilever_beam_displacement, make_cantilever_beam_laws

    J = n_laws
    out = []
    # "original": Gaussian proposals over (F_X, F_Y, E, w, t, L), the authors' protocol;
    # "gaussian": the same laws in their Gaussian coordinates (log forces, log modulus)
    for coords in ("original", "gaussian"):
        laws, _ = make_cantilever_beam_laws(n_laws, coordinates=coords, random_state=0)
        log_inputs = coords == "gaussian"

        def model(Z, log_inputs=log_inputs):
            return cantilever_beam_displacement(Z, log_inputs=log_inputs)

        def func(Z, model=model):
            return np.repeat(model(Z)[:, None], J, axis=1)

        rng = np.random.default_rng(777)
        iscv, mc, mix = [], [], []
        t0 = time.perf_counter()
        for r in range(n_reps):
            iscv.append(MultipleExpectationEstimator(n_max=n_max, random_state=r).fit(func, laws).estimates_)
        t_iscv = (time.perf_counter() - t0) / n_reps
        for _ in range(n_reps):
            mc.append([model(law.rvs(n_max // J, random_state=rng)).mean() for law in laws])
            counts = rng.multinomial(n_max, np.full(J, 1.0 / J))
            Z = np.vstack([law.rvs(c, random_state=rng).reshape(c, -1)
                           for law, c in zip(laws, counts, strict=True) if c])
            F = np.column_stack([np.exp(law.logpdf(Z)) for law in laws])
            mix.append((model(Z)[:, None] * F / F.mean(axis=1, keepdims=True)).mean(axis=0))
        v = {name: float(np.asarray(a).var(axis=0, ddof=1).sum()) for name, a in
             (("iscv", iscv), ("mc", mc), ("mix", mix))}
        r_mc, r_mix = v["mc"] / v["iscv"], v["mix"] / v["iscv"]
        case = f"Cantilever beam, 100 laws ({coords} coords)"
        out += [
            record("quality", case=case, baseline="per-law MC", var_baseline=v["mc"], var_iscv=v["iscv"],
                   ratio=r_mc, paper_ratio=PAPER["beam_laws_mc"], n_reps=n_reps, seconds_per_fit=t_iscv),
            record("quality", case=case, baseline="mixture IS", var_baseline=v["mix"], var_iscv=v["iscv"],
                   ratio=r_mix, paper_ratio=PAPER["beam_laws_is"], n_reps=n_reps, seconds_per_fit=t_iscv),
        ]
        if coords == "original":
            out += [
                headline(f"Beam 100 laws: variance reduction vs per-law MC ({n_reps} reps)", r_mc,
                         "within 2x of 29.9", _within_2x(r_mc, PAPER["beam_laws_mc"])),
                headline(f"Beam 100 laws: variance reduction vs mixture IS ({n_reps} reps)", r_mix,
                         "within 2x of 13.9", _within_2x(r_mix, PAPER["beam_laws_is"])),
            ]
    return out


def cell_beam_sobol(n_reps, n=20_000):
    from statlearn.adaptive import sobol_indices
    from statlearn.datasets import cantilever_beam_displacement, make_cantilever_beam_marginals

    marg = make_cantilever_beam_marginals()
    iscv, pf = [], []
    t0 = time.perf_counter()
    for r in range(n_reps):
        iscv.append(sobol_indices(cantilever_beam_displacement, marg, n, method="iscv", random_state=r).first_order)
    t_iscv = (time.perf_counter() - t0) / n_reps
    for r in range(n_reps):
        pf.append(sobol_indices(cantilever_beam_displacement, marg, n, method="pick_freeze",
                                random_state=10_000 + r).first_order)
    iscv, pf = np.asarray(iscv), np.asarray(pf)
    v_iscv, v_pf = float(iscv.var(axis=0, ddof=1).sum()), float(pf.var(axis=0, ddof=1).sum())
    ratio = v_pf / v_iscv
    return [
        record("quality", case="Beam first-order Sobol'", baseline="pick-freeze MC", var_baseline=v_pf,
               var_iscv=v_iscv, ratio=ratio, paper_ratio=PAPER["beam_sobol"], n_reps=n_reps,
               seconds_per_fit=t_iscv, S_iscv=iscv.mean(axis=0).round(4),
               S_paper=[0.024, 0.001, 0.017, 0.428, 0.073, 0.402]),
        headline(f"Beam Sobol' indices: variance reduction vs pick-freeze ({n_reps} reps)", ratio,
                 "within 2x of 14.6", _within_2x(ratio, PAPER["beam_sobol"])),
    ]


def _ishigami(X):
    return np.sin(X[:, 0]) + 7.0 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])


def _ishigami_truth():
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    return np.array([0.5 * (1 + b * np.pi**4 / 5) ** 2 / v, a**2 / 8 / v, 0.0])


def _calls_at(calls, rmse, target, mc_rate=False):
    """Model calls at which the RMSE reaches ``target``.

    Plain Monte Carlo: ``calls * (rmse / target)^2`` from the largest size (its 1/sqrt(calls) rate).
    Quasi-Monte Carlo: least-squares line of log RMSE on log calls through the measured grid (the rate is
    fitted, not assumed, and one noisy grid point cannot bend the answer).
    """
    calls, rmse = np.log(np.asarray(calls, float)), np.log(np.asarray(rmse, float))
    if mc_rate or len(calls) == 1:
        return float(np.exp(calls[-1] + 2.0 * (rmse[-1] - np.log(target))))
    slope, icpt = np.polyfit(calls, rmse, 1)
    return float(np.exp((np.log(target) - icpt) / slope))


def cell_sobol_speed(n_reps, n_grid, n_mc=4096, targets=(0.01, 0.003)):
    """Ishigami (d = 3) first-order indices: RMSE against model calls, and the calls needed for a target RMSE.

    Quasi-Monte Carlo methods (ours, SALib, scipy) are run on a grid of base sizes n (powers of two) with
    ``n_reps`` independent scramblings each; the calls at equal accuracy come from a log-log line fitted to
    the RMSE curve. The plain Monte Carlo methods (aISCV, pick-freeze) are run at one size and scaled
    with their 1/sqrt(calls) rate.
    """
    from scipy import stats

    from benchmarks._harness import time_call
    from statlearn.adaptive import sobol_indices

    dists = [stats.uniform(-np.pi, 2 * np.pi)] * 3
    d = 3
    truth = _ishigami_truth()
    salib_sample = optional_import("SALib.sample.sobol")
    salib_analyze = optional_import("SALib.analyze.sobol")
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}

    def ours(method):
        def fn(n, seed):
            return sobol_indices(_ishigami, dists, n, method=method, n_resamples=0, random_state=seed).first_order
        return fn

    def scipy_peer(n, seed):
        # saltelli_2010 (first order) + Jansen (total) on scrambled Sobol' points, n * (d + 2) calls
        return stats.sobol_indices(func=lambda x: _ishigami(x.T), n=n, dists=dists,
                                   rng=np.random.default_rng(seed)).first_order

    def salib_peer(n, seed):
        # scrambled Sobol' sample, N * (d + 2) calls without second order; no bootstrap CIs needed here
        X = salib_sample.sample(problem, n, calc_second_order=False, seed=seed)
        return salib_analyze.analyze(problem, _ishigami(X), calc_second_order=False, num_resamples=2,
                                     seed=seed)["S1"]

    # name -> (function, calls per base point, quasi-Monte Carlo?)
    methods = {"statlearn saltelli (qmc, default)": (ours("saltelli"), d + 2, True),
               "statlearn janon (qmc, first order only)": (ours("janon"), d + 1, True),
               "statlearn iscv (paper)": (ours("iscv"), d + 1, False),
               "statlearn pick_freeze (mc)": (ours("pick_freeze"), d + 1, False),
               "scipy saltelli_2010": (scipy_peer, d + 2, True)}
    if salib_sample is not None and salib_analyze is not None:
        methods["SALib sobol"] = (salib_peer, d + 2, True)
    out, rows = [], {}
    for name, (fn, per_point, is_qmc) in methods.items():
        sizes = list(n_grid) if is_qmc else [n_mc]
        rmse = []
        for i, n in enumerate(sizes):
            est = np.asarray([fn(n, 1000 * i + s) for s in range(n_reps)])
            rmse.append(float(np.sqrt(np.mean((est - truth) ** 2))))
        calls = [n * per_point for n in sizes]
        rate = float(np.polyfit(np.log(calls), np.log(rmse), 1)[0]) if len(calls) > 1 else -0.5
        secs = time_call(lambda fn=fn: fn(4096, 123), repeats=3, warmup=1)
        per_call = secs / (4096 * per_point)
        row = {"calls": calls, "rmse": rmse, "seconds_per_call": per_call}
        for t in targets:
            row[t] = _calls_at(calls, rmse, t, mc_rate=not is_qmc)
        rows[name] = row
        out.append(record("sobol_curve", method=name, model_calls=calls, rmse=rmse, n_reps=n_reps))
        out.append(record("quality", case="Ishigami first-order", method=name, sampling="qmc" if is_qmc else "mc",
                          model_calls=calls[-1], rmse=rmse[-1], rmse_rate=rate, seconds_at_4096=secs,
                          **{f"calls_for_rmse_{t}": row[t] for t in targets},
                          **{f"seconds_for_rmse_{t}": row[t] * per_call for t in targets}, n_reps=n_reps))
    peers = [name for name in rows if not name.startswith("statlearn")]
    ours_names = ("statlearn saltelli (qmc, default)", "statlearn janon (qmc, first order only)",
                  "statlearn iscv (paper)")
    t0 = targets[0]
    for ours_name in ours_names:
        mine = rows[ours_name]
        for peer in peers:
            row = rows[peer]
            for t in targets:
                out.append(record("speed", task=f"Sobol' first order, Ishigami, equal accuracy (RMSE {t})",
                                  method=f"{peer} vs {ours_name}", seconds=row[t] * row["seconds_per_call"],
                                  ratio=row[t] * row["seconds_per_call"] / (mine[t] * mine["seconds_per_call"]),
                                  calls_ratio=row[t] / mine[t]))
            for t in (targets if ours_name != "statlearn iscv (paper)" else (t0,)):
                # saltelli vs the peers is the same design and estimator: parity (ratio ~1) is the honest
                # expectation; janon saves the phi(A) calls when only first-order indices are wanted
                ratio = row[t] / mine[t]
                if ours_name.startswith("statlearn saltelli"):
                    # the same design and estimator as the peer: parity within the noise of 100 reps is the claim
                    target, ok = "0.75-1.33 (same design and estimator as the peer: parity)", 0.75 <= ratio <= 1.33
                    reason = None if ok else "differs from the peer although design and estimator are the same"
                else:
                    target, ok = "> 1 (fewer calls)", ratio > 1
                    reason = None if ok else (
                        "iscv is the paper's adaptive importance sampler with plain Monte Carlo points; on a smooth "
                        "3-input model the QMC estimators of the peers converge at ~1/n" if "iscv" in ours_name
                        else "more calls than the peer")
                out.append(headline(f"Sobol' Ishigami: model calls at equal accuracy (RMSE {t}), {peer} / "
                                    f"{ours_name} ({n_reps} reps)", ratio, target, ok, unit="x", reason=reason))
    return out



# --------------------------------------------------------------------------- Sobol' intervals and vector outputs
def _salib_design(A, B):
    """SALib's row layout (calc_second_order=False): per base row A, AB_1..AB_d, B."""
    d = A.shape[1]
    blocks = [A]
    for i in range(d):
        M = A.copy()
        M[:, i] = B[:, i]
        blocks.append(M)
    return np.stack(blocks + [B], axis=1).reshape(-1, d)


def cell_sobol_ci(n_reps, n=1024):
    """Bootstrap intervals of the Ishigami indices: coverage of the closed form, and SALib's in distribution.

    ``mc``: independent designs (ours from ``sampling="mc"``, SALib analysing the same kind of design);
    ``qmc``: scrambled Sobol' designs (ours by default; SALib's own ``sample``).
    """
    from scipy import stats

    from statlearn.adaptive import sobol_indices

    salib_sample = optional_import("SALib.sample.sobol")
    salib_analyze = optional_import("SALib.analyze.sobol")
    dists = [stats.uniform(-np.pi, 2 * np.pi)] * 3
    truth = np.r_[_ishigami_truth(), _ishigami_total_truth()]
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    z = stats.norm.ppf(0.975)
    out = []
    for sampling in ("mc", "qmc"):
        ours_se, ours_hit, peer_se, peer_hit = [], [], [], []
        for s in range(n_reps):
            res = sobol_indices(_ishigami, dists, n, sampling=sampling, random_state=s)
            ci = np.r_[res.first_order_ci, res.total_order_ci]
            ours_se.append(np.r_[res.first_order_se, res.total_order_se])
            ours_hit.append((ci[:, 0] <= truth) & (truth <= ci[:, 1]))
            if salib_analyze is None:
                continue
            if sampling == "qmc":
                X = salib_sample.sample(problem, n, calc_second_order=False, seed=s)
            else:
                rng = np.random.default_rng(50_000 + s)
                X = _salib_design(*rng.uniform(-np.pi, np.pi, (2, n, 3)))
            ref = salib_analyze.analyze(problem, _ishigami(X), calc_second_order=False, seed=s)
            est = np.r_[ref["S1"], ref["ST"]]
            half = np.r_[ref["S1_conf"], ref["ST_conf"]]
            peer_se.append(half / z)
            peer_hit.append(np.abs(est - truth) <= half)
        cov = np.mean(ours_hit, axis=0)
        rec = {"sampling": sampling, "n": n, "n_reps": n_reps, "coverage_min": float(cov.min()),
               "coverage_max": float(cov.max()), "coverage_mean": float(cov.mean())}
        if peer_se:
            ours_se, peer_se = np.asarray(ours_se), np.asarray(peer_se)
            pvals = [stats.ks_2samp(ours_se[:, k], peer_se[:, k]).pvalue for k in range(6)]
            pcov = np.mean(peer_hit, axis=0)
            rec.update(salib_coverage_min=float(pcov.min()), salib_coverage_max=float(pcov.max()),
                       ks_pvalue_min=float(min(pvals)),
                       se_ratio_median=float(np.median(ours_se) / np.median(peer_se)))
        out.append(record("sobol_ci", **rec))
        sd = np.sqrt(0.95 * 0.05 / n_reps)
        if sampling == "mc":
            ok = bool(np.all(np.abs(cov - 0.95) <= 3 * sd))
            out.append(headline(f"Sobol' 95% bootstrap CIs (mc, n={n}): lowest coverage of the 6 Ishigami indices "
                                f"({n_reps} designs)", float(cov.min()),
                                f"all in 0.95 +/- {3 * sd:.3f} (3 binomial SD)", ok, unit="coverage",
                                reason=None if ok else "the bootstrap normal interval misses its level here"))
        else:
            out.append(headline(f"Sobol' 95% bootstrap CIs (qmc, default, n={n}): mean coverage ({n_reps} designs)",
                                float(cov.mean()), ">= 0.95 (conservative: the bootstrap ignores the QMC gain)",
                                bool(cov.min() >= 0.95), unit="coverage",
                                reason=None if cov.min() >= 0.95 else "under-covers with QMC points"))
        if "ks_pvalue_min" in rec:
            ok = rec["ks_pvalue_min"] > 0.001
            out.append(headline(f"Sobol' CIs ({sampling}) equal SALib's num_resamples intervals in distribution: "
                                "smallest KS p-value of the 6 standard errors", rec["ks_pvalue_min"], "> 0.001",
                                ok, unit="p", reason=None if ok else "bootstrap standard errors differ from SALib's"))
    return out


def _ishigami_total_truth():
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1, v2, v13 = 0.5 * (1 + b * np.pi**4 / 5) ** 2, a**2 / 8, b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    return np.array([(v1 + v13) / v, v2 / v, v13 / v])


def cell_sobol_vector(n_outputs, n=4096, n_resamples=100):
    """A model with many outputs (a time series of length ``n_outputs``): indices and 95% CIs of every output.

    Ours: one design, one model call, one vectorised bootstrap. SALib: one ``analyze`` per output (it
    takes one output vector). scipy: ``stats.sobol_indices`` takes vector outputs natively; its intervals
    come from ``result.bootstrap()``, timed separately.
    """
    from scipy import stats

    from benchmarks._harness import time_call
    from statlearn.adaptive import sobol_indices

    t = np.linspace(0.0, 1.0, n_outputs)
    dists = [stats.uniform(-np.pi, 2 * np.pi)] * 3

    def model(X):
        s0 = np.sin(X[:, [0]])
        return s0 * (1 - t) + 7.0 * np.sin(X[:, [1]]) ** 2 * t + 0.1 * X[:, [2]] ** 4 * s0

    def ours():
        return sobol_indices(model, dists, n, n_resamples=n_resamples, random_state=0)

    salib_sample = optional_import("SALib.sample.sobol")
    salib_analyze = optional_import("SALib.analyze.sobol")
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}

    def salib():
        X = salib_sample.sample(problem, n, calc_second_order=False, seed=0)
        Y = model(X)
        return [salib_analyze.analyze(problem, Y[:, k], calc_second_order=False, num_resamples=n_resamples, seed=0)
                for k in range(n_outputs)]

    def scipy_point():
        return stats.sobol_indices(func=lambda x: model(x.T).T, n=n, dists=dists, rng=np.random.default_rng(0))

    def scipy_ci():  # its bootstrap re-runs the estimator per resample: timed with 10, scaled to n_resamples
        return scipy_point().bootstrap(n_resamples=10)

    res = ours()
    ref = salib()[n_outputs // 2] if salib_analyze is not None else None
    t_ours = time_call(ours, repeats=3, warmup=1)
    t_ours0 = time_call(lambda: sobol_indices(model, dists, n, n_resamples=0, random_state=0), repeats=3, warmup=1)
    t_scipy = time_call(scipy_point, repeats=3, warmup=1)
    t_scipy_ci = time_call(scipy_ci, repeats=1, warmup=0) * n_resamples / 10
    out = [record("speed", task=f"Sobol' S1+ST of {n_outputs} outputs, n={n}, no intervals",
                  method="scipy vs statlearn", seconds=t_scipy, ratio=t_scipy / t_ours0),
           record("speed", task=f"Sobol' S1+ST of {n_outputs} outputs, n={n}, {n_resamples}-resample bootstrap CIs",
                  method="scipy .bootstrap() vs statlearn", seconds=t_scipy_ci, ratio=t_scipy_ci / t_ours)]
    if salib_analyze is not None:
        t_salib = time_call(salib, repeats=1, warmup=0)
        out.append(record("speed", task=f"Sobol' S1+ST of {n_outputs} outputs, n={n}, {n_resamples}-resample "
                                        "bootstrap CIs", method="SALib (loop over outputs) vs statlearn",
                          seconds=t_salib, ratio=t_salib / t_ours))
        out.append(headline(f"Sobol' vector output ({n_outputs} outputs, CIs): SALib time / ours", t_salib / t_ours,
                            "> 1", t_salib / t_ours > 1, unit="x", reason=None if t_salib > t_ours else "slower"))
        out.append(record("quality", case=f"vector output, output {n_outputs // 2}", method="statlearn vs SALib",
                          max_abs_diff_S1=float(np.max(np.abs(res.first_order[n_outputs // 2] - ref["S1"])))))
    out.append(headline(f"Sobol' vector output ({n_outputs} outputs, CIs): scipy .bootstrap() time / ours",
                        t_scipy_ci / t_ours, "> 1", t_scipy_ci / t_ours > 1, unit="x",
                        reason=None if t_scipy_ci > t_ours else "slower"))
    return out


# --------------------------------------------------------------------------- MEE interval coverage
def cell_mee_coverage(n_seeds):
    """Coverage of the 95% intervals of MultipleExpectationEstimator over independent seeds."""
    import warnings

    from scipy import special, stats

    from statlearn.adaptive import MultipleExpectationEstimator as MEE
    from statlearn.datasets import cantilever_beam_displacement, make_cantilever_beam_laws

    law2 = stats.multivariate_normal(np.zeros(2), np.eye(2))
    ref10 = np.array([special.factorial2(2 * j - 1) for j in range(1, 11)], dtype=float)
    powers = 2 * np.arange(1, 11)
    laws, _ = make_cantilever_beam_laws(10, coordinates="original", random_state=0)
    rng = np.random.default_rng(5)
    beam_truth = np.array([cantilever_beam_displacement(law.rvs(400_000, random_state=rng)).mean() for law in laws])
    cases = {
        "Gaussian moments J=10, n=20000 (paper)": (
            lambda s: MEE(n_max=20_000, weights=1 / ref10**2, random_state=s), lambda X: X[:, [0]] ** powers,
            stats.norm(), ref10, n_seeds["moments"]),
        "cantilever beam, 10 laws, n=5000 (paper's family)": (
            lambda s: MEE(n_max=5000, random_state=s),
            lambda Z: np.repeat(cantilever_beam_displacement(Z)[:, None], 10, axis=1), laws, beam_truth,
            n_seeds["beam"]),
        "issue-11 case (x0^2, x0 x1 + 1, (x0+x1)^2, P(x0+x1>3)), n=4000": (
            lambda s: MEE(n_max=4000, weights="relative", random_state=s),
            lambda X: np.c_[X[:, 0] ** 2, X[:, 0] * X[:, 1] + 1, (X[:, 0] + X[:, 1]) ** 2, (X.sum(1) > 3) * 1.0],
            law2, np.array([1.0, 1.0, 2.0, stats.norm.sf(3 / np.sqrt(2))]), n_seeds["small"]),
        "rare event P(x0 > 4) = 3.2e-5, n=4000": (
            lambda s: MEE(n_max=4000, random_state=s), lambda X: (X[:, 0] > 4) * 1.0, law2,
            np.array([stats.norm.sf(4)]), n_seeds["small"]),
        "rare event P(x0+x1 > 5) = 2.0e-4 with E[x0^2], n=4000": (
            lambda s: MEE(n_max=4000, weights="relative", random_state=s),
            lambda X: np.c_[(X.sum(1) > 5) * 1.0, X[:, 0] ** 2], law2,
            np.array([stats.norm.sf(5 / np.sqrt(2)), 1.0]), n_seeds["small"]),
    }
    out = []
    for case, (make, func, law, truth, seeds) in cases.items():
        hits, warned = [], 0
        for s in range(seeds):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ci = make(s).fit(func, law).confidence_interval(0.95)
            warned += any(issubclass(w.category, RuntimeWarning) for w in caught)
            hits.append((ci[:, 0] <= truth) & (truth <= ci[:, 1]))
        cov = np.mean(hits, axis=0)
        sd = np.sqrt(0.95 * 0.05 / seeds)
        out.append(record("mee_coverage", case=case, n_seeds=seeds, coverage_mean=float(cov.mean()),
                          coverage_min=float(cov.min()), coverage_max=float(cov.max()), n_expectations=cov.size,
                          binomial_sd=sd, runs_with_warning=warned))
        ok = bool(np.all(np.abs(cov - 0.95) <= 3 * sd))
        out.append(headline(f"MEE 95% intervals, {case}: lowest coverage over {cov.size} expectation(s), {seeds} "
                            "seeds", float(cov.min()), f"all in 0.95 +/- {3 * sd:.3f} (3 binomial SD)", ok,
                            unit="coverage",
                            reason=None if ok else "heavy-tailed importance weights: the CLT interval is off"))
    return out

# --------------------------------------------------------------------------- harness API
def cells(mode):
    full = mode == "full"
    c = [
        Cell(AREA, "freedman_no_signal", cell_freedman,
             {"n_signal": 0, "n_reps": 100 if full else 3, "n": 10_000, "d": 10_000}),
        Cell(AREA, "freedman_signal", cell_freedman,
             {"n_signal": 20, "n_reps": 100 if full else 2, "n": 10_000, "d": 10_000, "seed": 1000}),
        Cell(AREA, "gaussian_moments", cell_moments, {"n_reps": 200 if full else 50}),
        Cell(AREA, "beam_100_laws", cell_beam_laws, {"n_reps": 200 if full else 6}),
        Cell(AREA, "beam_sobol", cell_beam_sobol, {"n_reps": 200 if full else 20}),
        Cell(AREA, "sobol_speed", cell_sobol_speed,
             {"n_reps": 400 if full else 100, "n_grid": [2**k for k in range(9, 15 if full else 14)]}),
        Cell(AREA, "sobol_ci", cell_sobol_ci, {"n_reps": 400 if full else 100}),
        Cell(AREA, "sobol_vector", cell_sobol_vector, {"n_outputs": 200 if full else 100}),
        Cell(AREA, "mee_coverage", cell_mee_coverage,
             {"n_seeds": {"moments": 200, "beam": 100, "small": 400} if full
              else {"moments": 30, "beam": 20, "small": 150}}),
    ]
    return c


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt, fig, outdir, name):
    """Write ``fig`` as ``outdir/name``, close it and return ``name`` (the report's figure entry)."""
    fig.tight_layout()
    fig.savefig(outdir / name, dpi=110)
    plt.close(fig)
    return name


def _plot_freedman(curves, outdir):
    plt = _pyplot()
    exps = sorted({r["experiment"] for r in curves})
    arms = ("standard", "thresholdout", "thresholdout_laplace")
    fig, axes = plt.subplots(len(exps), 3, figsize=(14, 3.6 * len(exps)), squeeze=False, sharey=True)
    colors = {"train": "tab:blue", "holdout": "tab:orange", "fresh": "tab:green"}
    for i, exp in enumerate(exps):
        for j, arm in enumerate(arms):
            ax = axes[i, j]
            n_reps = "?"
            for r in curves:
                if r["experiment"] != exp or r["arm"] != arm:
                    continue
                n_reps = r["n_reps"]
                k, m, s = np.asarray(r["k"]), np.asarray(r["mean"]), np.asarray(r["sd"])
                ax.plot(k, m, color=colors[r["set"]], label=r["set"])
                ax.fill_between(k, m - s, m + s, color=colors[r["set"]], alpha=0.2)
            ax.axhline(0.5, color="grey", lw=0.5)
            ax.set_ylim(0.45, 0.75)
            title = {"standard": "standard holdout", "thresholdout": "Thresholdout (Gaussian, Science code)",
                     "thresholdout_laplace": "Thresholdout (Laplace, paper)"}[arm]
            ax.set_title(f"{title}, {exp} ({n_reps} reps)", fontsize=9)
            ax.set_xlabel("number of selected variables k")
            ax.set_ylabel("accuracy")
            ax.legend(loc="upper left")
    return _save(plt, fig, outdir, "adaptive_freedman.png")


def _plot_ratios(rows, outdir):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.7 * len(rows) + 1.2))
    labels = [f"{r['case']} vs {r['baseline']}" for r in rows]
    y = np.arange(len(rows))
    ax.barh(y + 0.2, [r["ratio"] for r in rows], 0.4, label="statlearn")
    ax.barh(y - 0.2, [r["paper_ratio"] for r in rows], 0.4, label="paper")
    ax.set_xscale("log")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("variance reduction at equal budget (x)")
    ax.legend()
    return _save(plt, fig, outdir, "adaptive_variance_reduction.png")


def _plot_sobol(curves, outdir):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for r in curves:
        calls, rmse = np.asarray(r["model_calls"], float), np.asarray(r["rmse"], float)
        style = "o-" if len(calls) > 1 else "s"
        ax.plot(calls, rmse, style, label=r["method"], ms=5,
                ls="-" if r["method"].startswith("statlearn") else "--")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("model calls")
    ax.set_ylabel("RMSE of first-order indices")
    ax.set_title(f"Ishigami, {curves[0]['n_reps']} repetitions per point", fontsize=9)
    ax.legend(fontsize=7)
    return _save(plt, fig, outdir, "adaptive_sobol_rmse.png")


def report(records, outdir):
    from pathlib import Path

    outdir = Path(outdir)
    parts = []
    curves = [r for r in records if r["kind"] == "curve"]
    if curves:
        parts.append("### Part A: reusable holdout (Science 2015 experiment)\n")
        parts.append(f"![Freedman experiment]({_plot_freedman(curves, outdir)})\n")
        rows = [r for r in records if r["kind"] == "quality" and "standard_holdout" in r]
        if rows:
            parts.append(markdown_table(rows, ["experiment", "k", "standard_holdout", "standard_fresh",
                                               "thresholdout_holdout", "thresholdout_fresh", "laplace_holdout",
                                               "laplace_fresh", "n_reps"], ".3f"))
    ratios = [r for r in records if r["kind"] == "quality" and "ratio" in r]
    if ratios:
        parts.append("\n### Part B: many expectations from one sample (variance reductions, equal budget)\n")
        parts.append(markdown_table(ratios, ["case", "baseline", "var_baseline", "var_iscv", "ratio", "paper_ratio",
                                             "n_reps", "seconds_per_fit"]))
        parts.append(f"\n![variance reductions]({_plot_ratios(ratios, outdir)})\n")
    ish = [r for r in records if r["kind"] == "quality" and r.get("case") == "Ishigami first-order"]
    if ish:
        parts.append("\n### Sobol' indices on Ishigami: accuracy, model calls and time\n")
        parts.append("RMSE of the three first-order indices over independent repetitions; `rmse` is at the "
                     "largest size run (`model_calls`), `rmse_rate` the fitted slope of log RMSE on log calls "
                     "(-0.5 assumed for plain Monte Carlo), and the calls / seconds needed for RMSE 0.01 and "
                     "0.003 are read off that line.\n")
        parts.append(markdown_table(ish, ["method", "sampling", "model_calls", "rmse", "rmse_rate",
                                          "calls_for_rmse_0.01", "calls_for_rmse_0.003", "seconds_for_rmse_0.01",
                                          "seconds_for_rmse_0.003", "n_reps"]))
        curves_s = [r for r in records if r["kind"] == "sobol_curve"]
        if curves_s:
            parts.append(f"\n![Sobol' RMSE against model calls]({_plot_sobol(curves_s, outdir)})\n")
    sob_ci = [r for r in records if r["kind"] == "sobol_ci"]
    if sob_ci:
        parts.append("\n### Sobol' bootstrap intervals (Ishigami, 95%): coverage and equality with SALib\n")
        parts.append("Coverage of the closed-form first and total indices (min / mean / max over the 6); "
                     "`ks_pvalue_min`: smallest two-sample KS p-value between our bootstrap standard errors and "
                     "SALib's (`S*_conf / z`) over the same number of independent designs; `se_ratio_median`: "
                     "ours / SALib's median standard error.\n")
        parts.append(markdown_table(sob_ci, ["sampling", "n", "n_reps", "coverage_min", "coverage_mean",
                                             "coverage_max", "salib_coverage_min", "salib_coverage_max",
                                             "ks_pvalue_min", "se_ratio_median"], ".3f"))
    mee = [r for r in records if r["kind"] == "mee_coverage"]
    if mee:
        parts.append("\n### MultipleExpectationEstimator: coverage of the 95% intervals over seeds\n")
        parts.append(markdown_table(mee, ["case", "n_expectations", "n_seeds", "coverage_min", "coverage_mean",
                                          "coverage_max", "binomial_sd", "runs_with_warning"], ".3f"))
    speed = [r for r in records if r["kind"] == "speed"]
    if speed:
        parts.append("\n" + markdown_table(speed, ["task", "method", "seconds", "ratio", "calls_ratio"]))
    errors = [r for r in records if r["kind"] == "error"]
    if errors:
        parts.append("\n" + markdown_table(errors, ["cell", "error"]))
    return "\n".join(parts)


def summary(records):
    """'What to use when' for the report."""
    lines = []
    ish = {r["method"]: r for r in records if r["kind"] == "quality" and r.get("case") == "Ishigami first-order"}
    sal, peer = ish.get("statlearn saltelli (qmc, default)"), ish.get("SALib sobol")
    if sal:
        txt = (f"- **Sobol' indices**: `sobol_indices(func, dists, n)` (Saltelli/Jansen on scrambled Sobol' points, "
               f"the default) reaches RMSE 0.01 on Ishigami in {sal['calls_for_rmse_0.01']:.0f} model calls")
        if peer:
            txt += f" (SALib {peer['calls_for_rmse_0.01']:.0f}: the same design and estimator)"
        jan = ish.get("statlearn janon (qmc, first order only)")
        if jan:
            txt += (f"; `method=\"janon\"` needs {jan['calls_for_rmse_0.01']:.0f} when only first-order indices "
                    "are wanted")
        lines.append(txt + ".")
    ci = {r["sampling"]: r for r in records if r["kind"] == "sobol_ci"}
    if "mc" in ci:
        r = ci["mc"]
        lines.append(f"- **Sobol' intervals**: bootstrap 95% intervals cover {r['coverage_min']:.2f}-"
                     f"{r['coverage_max']:.2f} with `sampling=\"mc\"` ({r['n_reps']} designs), equal to SALib's in "
                     f"distribution (KS p >= {r.get('ks_pvalue_min', float('nan')):.2f}); with the default QMC points "
                     "they are conservative (coverage "
                     f"{ci.get('qmc', {}).get('coverage_mean', float('nan')):.2f}): use `sampling=\"mc\"` when "
                     "calibrated intervals matter more than accuracy.")
    vec = [r for r in records if r["kind"] == "speed" and "outputs" in r.get("task", "") and "SALib" in r["method"]]
    if vec:
        lines.append(f"- **Vector outputs**: one design and one vectorised bootstrap for every output: "
                     f"{vec[0]['ratio']:.0f}x faster than SALib's loop over outputs ({vec[0]['task']}).")
    mee = [r for r in records if r["kind"] == "mee_coverage"]
    if mee:
        lo = min(r["coverage_min"] for r in mee)
        lines.append(f"- **Many expectations from one sample**: `MultipleExpectationEstimator` (variance reductions "
                     f"in the table below); its 95% intervals cover {lo:.2f}-"
                     f"{max(r['coverage_max'] for r in mee):.2f} per expectation over seeds, rare events included.")
    fr = [r for r in records if r["kind"] == "quality" and "standard_holdout" in r and r["experiment"] == "signal=0"]
    if fr:
        r = fr[0]
        lines.append(f"- **Reusing a holdout**: answer through `Thresholdout`: at k=500 the standard holdout reads "
                     f"{r['standard_holdout']:.3f} against fresh {r['standard_fresh']:.3f}; Thresholdout reads "
                     f"{r['thresholdout_holdout']:.3f} against {r['thresholdout_fresh']:.3f}.")
    return "\n".join(lines)
