"""The quantile benchmark's 'What to use when' text quotes the records it is given."""

from benchmarks import bench_quantile as b


def _wis(dataset, method, family, repair, rel):
    return {"table": "wis", "dataset": dataset, "method": method, "family": family, "repair": repair, "rel_wis": rel}


def _conf(dataset, method, coverage, crossing):
    return {"table": "conformal", "dataset": dataset, "method": method, "level": 0.9, "coverage": coverage,
            "width": 1.5, "crossing": crossing, "n_test": 100}


def test_summary_quotes_the_best_aggregator_and_coverage():
    recs = [_wis("a", "global-fine", "aggregator", "sort", 0.9),
            _wis("b", "global-fine", "aggregator", "sort", 1.1),
            _wis("a", "global-medium", "aggregator", "sort", 0.95),
            _wis("b", "global-medium", "aggregator", "sort", 0.96),
            _wis("a", "HGB", "base", "none", 1.0), _wis("b", "HGB", "base", "none", 1.2),
            _conf("a", "ours CQR (HGB)", 0.91, 0.0), _conf("b", "ours CQR (HGB)", 0.87, 0.0),
            _conf("a", "raw HGB", 0.8, 0.5)]
    text = b.summary(recs)
    assert "`global-medium` weights" in text and "0.955" in text and "better than the best base on 2 of 2" in text
    assert "on average: HGB, 1.100" in text
    assert "ours CQR (HGB) 0.890 (lowest set 0.870" in text and "rows crossing up to 50%" in text


def test_summary_without_records_is_still_text():
    assert "groups=G" in b.summary([])
