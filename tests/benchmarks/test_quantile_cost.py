"""The quantile cost-curve benchmark (benchmarks/_quantile_cost.py): sizes per mode, headline
fields, and the report section with its figure (no timing asserts)."""

import pytest

from benchmarks import _quantile_cost as cost
from benchmarks import bench_quantile


def test_quick_mode_keeps_the_big_sizes_out():
    quick = {c.name: c for c in cost.cells("quick")}
    full = {c.name: c for c in cost.cells("full")}
    assert 9999 not in quick["cost_isotonic"].kwargs["Ks"]
    assert 9999 in full["cost_isotonic"].kwargs["Ks"]
    assert "cost_weights_200000" in full and "cost_weights_200000" not in quick
    names = {c.name for c in bench_quantile.cells("quick")}
    assert set(quick) <= names


def test_isotonic_cell_records_and_headlines():
    out = cost.cell_isotonic(Ks=(9, 99), noises=(0.1, "decreasing"), elements=2_000, repeats=1)
    rows = [r for r in out if r["kind"] == cost.KIND]
    assert len(rows) == 4 and all(r["ratio"] > 0 and r["floor"] == "np.sort" for r in rows)
    heads = [r for r in out if r["kind"] == "headline"]
    assert len(heads) == 2
    for h in heads:
        assert h["unit"] == "x" and (h["passed"] or h["reason"])


@pytest.fixture
def fake_records():
    def row(path, size, setting, method, s, floor_s, **kw):
        return dict(kind=cost.KIND, path=path, size=size, setting=setting, method=method, seconds=s,
                    floor="f", floor_seconds=floor_s, ratio=s / floor_s, **kw)

    recs = []
    for K in (9, 99):
        recs.append(row("isotonic", K, "noise 1.0", "isotonic_quantiles", 1e-3, 5e-4, n_rows=100))
    for n in (2000, 20000):
        for kind, s in (("medium", 0.1), ("fine", 0.3)):
            recs.append(row("weights", n, kind, f"aggregation_weights({kind})", s * n / 2000, 0.1 * n / 2000,
                            base_fits_seconds=n / 200, fraction_of_base_fits=0.01))
        recs.append(row("cv+", n, "2000 test rows, 5 folds", "cv+", 0.5, 0.25, n_test=2000, split_seconds=0.05))
        recs.append(row("gate", n, "tree", "tree", 0.1, 0.1, base_fits_seconds=n / 200,
                        fraction_of_base_fits=0.01))
    return recs


def test_report_section_writes_the_figure(tmp_path, fake_records):
    text = cost.report_section(fake_records, tmp_path)
    assert "quantile_cost_curves.png" in text and "**isotonic**" in text and "**cv+**" in text
    assert (tmp_path / "quantile_cost_curves.png").stat().st_size > 0
    assert cost.report_section([], tmp_path) == ""
