"""How the defaults of MultiCalibrator's patch rule were chosen: on TUNING data only.

Never run on the benchmark's reported data sets (adult, compas, default, lending_club,
credit_data). Tuning data: NASS CDS (injury severity >= 3, groups sex and age bands, with
their intersections), MEPS (expenditure above its median, groups sex, race, age bands) and
the synthetic multicalibration problem. Run: ``python -m benchmarks.tune_calibration_defaults``.
"""

from __future__ import annotations

import numpy as np


def _tuning_sets():
    import pandas as pd

    import statlearn.datasets as D
    from benchmarks.bench_calibration import _groups_of

    b = D.load_nasscds(as_frame=True)
    y = (b.target.cat.codes.to_numpy() >= 3).astype(int)
    G, names = _groups_of(b.groups)
    X = pd.get_dummies(b.data.drop(columns=["sex", "ageOFocc"]), dtype=float).fillna(0).to_numpy()
    yield "nasscds", X, y, G
    b = D.load_meps(as_frame=True)
    y = (b.target.to_numpy() > np.median(b.target.to_numpy())).astype(int)
    G = b.groups.to_numpy(bool)
    X = b.data.drop(columns=["age", "female", "black", "hisp"]).to_numpy(float)
    yield "meps", X, y, G
    d = D.make_multicalibration_problem(24000, 10, random_state=123)
    yield "synthetic", d.data, d.target, d.groups


def main(seeds=(0, 1, 2)):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from statlearn.calibration import (
        BoostingMultiCalibrator,
        MultiCalibrator,
        StandardErrorRule,
        ToleranceRule,
        brier_score,
        multicalibration_error,
    )

    rules = {
        "tolerance 0.05 (plain HKRR)": ToleranceRule(0.05),
        "SE, Bonferroni level 0.05": StandardErrorRule(0.05),
        "SE, per-cell level 0.05 (z=1.96)": StandardErrorRule(0.05, correction="none"),
        "SE, per-cell level 0.32 (z=1)": StandardErrorRule(0.3173, correction="none"),
    }
    rows = []
    for name, X, y, G in _tuning_sets():
        for seed in seeds:
            idx = np.arange(len(y))
            tr, rest = train_test_split(idx, test_size=0.5, random_state=seed, stratify=y)
            ca, te = train_test_split(rest, test_size=0.5, random_state=seed, stratify=y[rest])
            for mname, model in (("logreg", make_pipeline(SimpleImputer(), StandardScaler(),
                                                          LogisticRegression(max_iter=2000))),
                                 ("gbm", HistGradientBoostingClassifier(random_state=0))):
                model.fit(X[tr], y[tr])
                p0 = model.predict_proba(X[te])[:, 1]
                cand = {"raw": p0}
                for rname, rule in rules.items():
                    mc = MultiCalibrator(FrozenEstimator(model), patch_rule=rule, random_state=seed)
                    cand[rname] = mc.fit(X[ca], y[ca], groups=G[ca]).predict_proba(X[te], groups=G[te])[:, 1]
                bm = BoostingMultiCalibrator(FrozenEstimator(model), random_state=seed)
                cand["boosting"] = bm.fit(X[ca], y[ca], groups=G[ca]).predict_proba(X[te], groups=G[te])[:, 1]
                for cname, p in cand.items():
                    r = multicalibration_error(y[te], p, G[te])
                    rows.append((name, mname, seed, cname, r.worst_group_ece, r.mean_group_ece,
                                 brier_score(y[te], p), log_loss(y[te], p)))
    import pandas as pd

    df = pd.DataFrame(rows, columns=["data", "model", "seed", "method", "worst_group_ece", "mean_group_ece",
                                     "brier", "log_loss"])
    base = df[df.method == "raw"].set_index(["data", "model", "seed"])
    df = df.join(base[["log_loss", "brier"]].rename(columns=lambda c: c + "_raw"), on=["data", "model", "seed"])
    df["d_log_loss"] = df.log_loss - df.log_loss_raw
    summary = df.groupby(["data", "model", "method"])[["worst_group_ece", "mean_group_ece", "d_log_loss"]].mean()
    print(summary.round(4).to_string())
    return df


if __name__ == "__main__":
    main()
