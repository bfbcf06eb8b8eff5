"""The quantile benchmark's data-set cell on a tiny case, its fixed demographic groups and its cell list
(no timing asserts)."""

import numpy as np
import pytest

from benchmarks import bench_quantile as b


def test_groups_are_fixed_families_covering_every_row():
    for name in b.GROUPS:
        G, names = b.load_groups(name)
        assert G.dtype == bool and G.shape[1] == len(names) >= 4
        attrs = sorted({n.split("=")[0] for n in names})
        assert len(attrs) == 2
        for attr in attrs:  # every row in exactly one group of each attribute
            cols = [j for j, n in enumerate(names) if n.startswith(attr + "=")]
            assert (G[:, cols].sum(axis=1) == 1).all()
        assert G.mean(axis=0).min() >= b.MIN_GROUP_SHARE
    G, names = b.load_groups("wage")
    assert "race=Asian/Other" in names  # "4. Other" (1.2% of rows) joins the smallest level above 5%
    assert b.load_groups("concrete") == (None, [])
    assert len([d for d in b.QUICK_DATASETS if d in b.GROUPS]) >= 5


def test_quick_mode_runs_twelve_sets_times_five_splits():
    cells = [c for c in b.cells("quick") if c.name.startswith("data_")]
    assert len(cells) == 12 * b.N_SPLITS == len({c.name for c in cells})
    assert {c.kwargs["name"] for c in cells} == set(b.QUICK_DATASETS)
    assert sum(c.kwargs["time_alone"] for c in cells) == 12


def test_cell_on_a_tiny_case_records_every_method():
    pytest.importorskip("mapie")
    pytest.importorskip("lightgbm")
    pytest.importorskip("quantile_forest")
    pytest.importorskip("cvxpy")
    out = b.cell_dataset("wage", "quick", 0, n_max=400, n_train=240, cv=2)
    assert not [r for r in out if r.get("kind") == "error"]
    iv = {r["method"]: r for r in out if r.get("table") == "intervals"}
    assert {b.OURS, b.OURS_GROUPS, "MAPIE CQR (HGB)", "MAPIE CQR (LightGBM)", "MAPIE conditional (HGB, abs. residual)",
            "quantile-forest (own intervals)", "LightGBM per level"} <= set(iv)
    G, names = b.load_groups("wage")
    for r in iv.values():
        assert r["n_test"] == 160 and r["groups"] == names
        assert 0 <= r["cov80"] <= r["cov90"] <= 1 and len(r["gcov90"]) == len(names)
        assert all(c <= n for c, n in zip(r["gcov90"], r["gtest"], strict=True))
        # every test row is in exactly one race group: the race groups' counts add up to the test rows
        race = [j for j, n in enumerate(names) if n.startswith("race=")]
        assert sum(r["gtest"][j] for j in race) == 160
        assert sum(r["gcov90"][j] for j in race) == pytest.approx(r["cov90"] * 160)
    assert iv[b.OURS]["crossing"] == 0 and iv[b.OURS]["has_wis"] and not iv["MAPIE CQR (HGB)"]["has_wis"]
    assert iv[b.OURS_GROUPS]["group_calibration"] == "conditional"
    timing = next(r for r in out if r.get("table") == "timing")
    assert timing["ratio"] > 0 and timing["conformal_fit_seconds"] >= timing["aggregator_fit_seconds"]
    if b.OURS_CVPLUS in iv:  # CV+ reusing the aggregator's folds (when the library has it)
        assert iv[b.OURS_CVPLUS]["oof_reused"] and timing["cvplus_ratio"] > 0
        assert iv[b.OURS_CVPLUS]["crossing"] == 0
    assert np.isfinite([r["rel_wis"] for r in out if r.get("table") == "wis"]).all()
