"""Command line: ``python -m tests.fuzz [--area A ...] [--name N] [options]`` (see HOWTO)."""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import time

from . import report
from .runner import AREAS, read_allowlist, run_area, triage


def _parse(argv):
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    ap.add_argument("--area", action="append", choices=AREAS, help="area to fuzz (repeatable; default all)")
    ap.add_argument("--name", help="only this public name or spec-id glob, e.g. brier_score or 'OnlineRidge.*'")
    ap.add_argument("--all", action="store_true", help="print every case, not only the failing ones")
    ap.add_argument("--findings", metavar="DIR", help="write DIR/<area>.md with every failing case")
    ap.add_argument("--pending", action="store_true",
                    help="append the failures not yet allowed to allowlist/<area>.txt as pending")
    ap.add_argument("--prune", action="store_true", help="remove stale allow-list entries")
    ap.add_argument("--timeout", type=float, default=None, help="per-case time limit in seconds")
    ap.add_argument("--slow", type=int, default=0, metavar="N", help="print the N slowest specs")
    return ap.parse_args(argv)


def _child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(argv=None):
    args = _parse(argv)
    totals = {}
    status = 0
    for area in args.area or AREAS:
        t0, cpu0 = time.perf_counter(), _child_cpu()
        kw = {} if args.timeout is None else {"timeout": args.timeout}
        outcomes = run_area(area, args.name, **kw)
        seconds, cpu = time.perf_counter() - t0, _child_cpu() - cpu0
        entries = read_allowlist(area)
        bad, stale = triage(outcomes, entries, complete=args.name is None)
        totals[area] = (collections.Counter(o.kind for o in outcomes), seconds, cpu)
        shown = outcomes if args.all else [o for o in outcomes if o.failing]
        allowed = {o.id for o in outcomes if o.failing} - {o.id for o in bad}
        for o in shown:
            tag = " (allowed)" if o.id in allowed else ""
            print(f"{o.kind:16s} {o.id}{tag}\n{'':17s}{o.message[:300]}")
        for glob, _, n in stale:
            print(f"{'stale':16s} allowlist/{area}.txt:{n}: {glob}")
        if args.slow:
            print(report.slowest(outcomes, args.slow))
        if args.findings:
            report.write_findings(args.findings, area, outcomes)
        if args.pending and bad:
            report.append_pending(area, bad)
        if args.prune and stale:
            report.prune(area, stale)
        status |= bool(bad or stale)
        print(f"== {area}: {len(outcomes)} cases, {len(bad)} failing outside the allow-list, "
              f"{len(stale)} stale entries, {seconds:.1f}s wall, {cpu:.1f}s CPU", flush=True)
    print(report.counts_table(totals))
    return status


if __name__ == "__main__":
    sys.exit(main())
