"""Findings files, allow-list maintenance and the counts table."""

from __future__ import annotations

import collections
from pathlib import Path

from .classify import FAILING, KINDS
from .runner import HERE


def _split(case_id):
    area, spec, arg, mut = case_id.split(":")
    return area, spec, arg, mut


def _cell(text, width=160):
    return text.replace("|", "\\|").replace("\n", " ")[:width]


def write_findings(directory, area, outcomes):
    """Write ``<directory>/<area>.md``: every failing case, grouped by spec."""
    failing = [o for o in outcomes if o.failing]
    counts = collections.Counter(o.kind for o in outcomes)
    lines = [f"# fuzz findings: {area}", "",
             f"{len(outcomes)} cases; " + ", ".join(f"{k} {counts.get(k, 0)}" for k in KINDS), "",
             "Regenerate: `.venv/bin/python -m tests.fuzz --area " + area + " --findings /work/coord/fuzz`.", "",
             "| name | argument | mutation | expected | outcome | message excerpt |",
             "|---|---|---|---|---|---|"]
    for o in failing:
        _, spec, arg, mut = _split(o.id)
        lines.append(f"| {spec} | {arg} | {mut} | {o.expect} | {o.kind} | {_cell(o.message)} |")
    path = Path(directory) / f"{area}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


_HEADER = """\
# Fuzz allow-list of statlearn.{area}: `case-id-glob  # reason`, one a line (fnmatch globs).
# `pending: <area> (issue 11)` lines are known failures to fix: delete the line with the fix.
# A stale line (matches no failing case) fails tests/test_fuzz.py; `python -m tests.fuzz
# --area {area} --prune` deletes stale lines. Any other entry needs a reviewed reason.
"""


def append_pending(area, outcomes):
    """Append one allow-list line per outcome, marked pending for the area helper."""
    path = HERE / "allowlist" / f"{area}.txt"
    path.parent.mkdir(exist_ok=True)
    text = path.read_text() if path.exists() else _HEADER.format(area=area)
    width = max(len(o.id) for o in outcomes)
    new = [f"{o.id:{width}s}  # pending: {area} (issue 11) {o.kind}" for o in outcomes]
    path.write_text(text + ("" if not text or text.endswith("\n") else "\n") + "\n".join(new) + "\n")


def prune(area, stale):
    """Remove the stale allow-list lines (by line number)."""
    path = HERE / "allowlist" / f"{area}.txt"
    drop = {n for _, _, n in stale}
    lines = path.read_text().splitlines()
    path.write_text("".join(line + "\n" for n, line in enumerate(lines, 1) if n not in drop))


def counts_table(totals):
    """Markdown table: area x outcome kind, plus cases, wall and worker CPU seconds."""
    head = "| area | cases | " + " | ".join(KINDS) + " | failing | wall s | CPU s |"
    rows = [head, "|" + "---|" * (len(KINDS) + 5)]
    grand = collections.Counter()
    secs = cpus = 0.0
    for area, (counts, seconds, cpu) in totals.items():
        rows.append(_row(area, counts, seconds, cpu))
        grand.update(counts)
        secs, cpus = secs + seconds, cpus + cpu
    if len(totals) > 1:
        rows.append(_row("total", grand, secs, cpus))
    return "\n".join(rows)


def _row(label, counts, seconds, cpu):
    n = sum(counts.values())
    fail = sum(counts.get(k, 0) for k in FAILING)
    return (f"| {label} | {n} | " + " | ".join(str(counts.get(k, 0)) for k in KINDS)
            + f" | {fail} | {seconds:.1f} | {cpu:.1f} |")


def slowest(outcomes, n):
    """The n specs that took longest (cases, seconds), one a line."""
    by = collections.defaultdict(lambda: [0, 0.0])
    for o in outcomes:
        entry = by[_split(o.id)[1]]
        entry[0] += 1
        entry[1] += o.seconds
    top = sorted(by.items(), key=lambda kv: -kv[1][1])[:n]
    return "\n".join(f"{s:7.2f}s {k:4d} cases  {name}" for name, (k, s) in top)
