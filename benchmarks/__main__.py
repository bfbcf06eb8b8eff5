"""Run statlearn's benchmark suite.

Usage::

    python -m benchmarks [--quick | --full] [--only AREA ...] [--n-jobs N]
                         [--out DIR] [--dask-local | --scheduler ADDRESS]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from benchmarks._harness import default_report, discover, markdown_table, summary_table


def _progress(iterable, total, desc):
    try:
        from tqdm.auto import tqdm

        return tqdm(iterable, total=total, desc=desc, unit="cell", file=sys.stderr)
    except ImportError:  # pragma: no cover - tqdm is in the bench extra
        return iterable


def run_cells(cells, *, n_jobs=1, dask_local=False, scheduler=None):
    """Run cells through joblib, or on Dask when asked; yields lists of records."""
    if dask_local or scheduler:
        try:
            from dask.distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise ImportError(
                "--dask-local / --scheduler need dask.distributed: "
                "pip install 'statlearn[distributed]'"
            ) from exc
        cluster = None
        if dask_local:
            cluster = LocalCluster(n_workers=max(1, n_jobs), threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler)
        try:
            futures = [client.submit(cell.run, pure=False) for cell in cells]
            for fut in _progress(as_completed(futures), len(futures), "benchmarks (dask)"):
                yield fut.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    yield from _progress(par(delayed(c.run)() for c in cells), len(cells), "benchmarks")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="quick mode (default), < 15 min on 2 cores")
    mode.add_argument("--full", action="store_true", help="the papers' full protocols")
    ap.add_argument("--only", nargs="+", metavar="AREA", help="run only these areas")
    ap.add_argument("--n-jobs", type=int, default=1, help="parallel cells (joblib or Dask workers)")
    ap.add_argument("--out", default="bench-results", help="output folder")
    scale = ap.add_mutually_exclusive_group()
    scale.add_argument("--dask-local", action="store_true", help="run cells on a local Dask cluster")
    scale.add_argument("--scheduler", metavar="ADDRESS", help="run cells on this Dask scheduler")
    args = ap.parse_args(argv)
    mode_name = "full" if args.full else "quick"

    modules = discover(args.only)
    if not modules:
        ap.error(f"no benchmark matches --only {args.only}")
    cells = [c for m in modules for c in m.cells(mode_name)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    records = []
    for recs in run_cells(cells, n_jobs=args.n_jobs, dask_local=args.dask_local,
                          scheduler=args.scheduler):
        records.extend(recs)
    wall = time.perf_counter() - t0

    for m in modules:  # area-wide claims computed from all of the area's records
        if hasattr(m, "headlines"):
            recs = [r for r in records if r.get("area") == m.AREA]
            records.extend(dict(r, area=m.AREA, cell="(area)") for r in m.headlines(recs))

    sections, advice = [], []
    for m in modules:
        recs = [r for r in records if r.get("area") == m.AREA]
        recs.sort(key=lambda r: (r.get("cell", ""), r.get("kind", "")))
        body = m.report(recs, out) if hasattr(m, "report") else default_report(recs)
        sections.append(f"## {m.AREA}\n\n{body}")
        if hasattr(m, "summary"):
            try:
                text = m.summary(recs).strip()
            except Exception as exc:  # a broken summary must not hide the rest of the report
                text = f"(summary failed: {type(exc).__name__}: {exc})"
            advice.append(f"### {m.AREA}\n\n{text}\n")
        else:
            advice.append(f"### {m.AREA}\n\n(no summary yet: `benchmarks/bench_{m.AREA}.py` has no "
                          "`summary(records)`)\n")
    heads = [r for r in records if r["kind"] == "headline"]
    heads.sort(key=lambda r: (r["area"], r["claim"]))
    errors = [r for r in records if r["kind"] == "error"]
    summary = summary_table(heads)

    meta = {"mode": mode_name, "wall_seconds": wall, "n_cells": len(cells),
            "python": platform.python_version(), "machine": platform.machine(),
            "n_jobs": args.n_jobs}
    (out / "results.json").write_text(json.dumps({"meta": meta, "records": records}, indent=1,
                                                 default=str))
    report = [f"# statlearn benchmarks ({mode_name})\n",
              f"{len(cells)} cells in {wall:.1f} s, Python {meta['python']}.\n"]
    if advice:
        report += ["## What to use when\n", *advice]
    report += ["## Summary\n",
               "Every headline claim with its unit; a claim marked NO says why.\n", summary, ""]
    if errors:
        report += ["## Errors\n", markdown_table(errors, ["area", "cell", "error"]), ""]
    report += sections
    (out / "report.md").write_text("\n".join(report) + "\n")

    print("\n" + summary)
    if errors:
        print(f"\n{len(errors)} cell(s) failed:")
        for e in errors:
            print(f"  {e['area']}/{e['cell']}: {e['error']}")
    print(f"\n{len(cells)} cells in {wall:.1f} s; report: {out / 'report.md'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
