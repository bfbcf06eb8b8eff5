"""Copy the latest benchmark results into the docs: ``python tools/update_bench_docs.py [bench-results]``.

Run after ``make bench``. Writes ``docs/_bench/latest.rst`` (run facts, the per-area "what to use
when" summaries, the headline table with units and reasons) and copies the PNG figures to
``docs/_bench/figures/``; ``docs/benchmarks.rst`` includes that file. Commit both so that the docs
show the latest measured numbers without running the benchmarks at docs-build time.
"""

import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_bench"


def _rst_inline(text):
    """The little Markdown the summaries use (``code``, **bold**, *italic*) in reST."""
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)


def _cell(v):
    return str(v).replace("\n", " ").replace("|", "/") if v not in (None, "") else "-"


def _md_table(rows):
    """Markdown table rows (``| a | b |``, separator included) as a reST list-table."""
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows
             if not re.fullmatch(r"\|[\s:|-]+\|", r.strip())]
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in cells:
        out += [f"   * - {_cell(_rst_inline(row[0]))}"] + [f"     - {_cell(_rst_inline(c))}" for c in row[1:]]
    return [*out, ""]


def _md_block(body):
    """The Markdown of a summary (paragraphs, ``- `` bullets, tables) as reST lines."""
    out, para, table = [], [], []

    def flush():
        if para:
            out.extend([_rst_inline(" ".join(" ".join(para).split())), ""])
            para.clear()
        if table:
            out.extend(_md_table(table))
            table.clear()

    for line in body.splitlines():
        text = line.strip()
        if text.startswith("|"):
            if para:
                flush()
            table.append(text)
            continue
        if table:
            flush()
        if not text:
            flush()
        elif text.startswith("- "):
            flush()
            para.append(text)
        else:
            para.append(text)
    flush()
    return out


def _value(h):
    v, unit = h.get("value"), h.get("unit")
    if v is None:
        return "-"
    text = format(v, ".4g") if isinstance(v, float) else str(v)
    return text if not unit else (f"{text}{unit}" if unit == "x" else f"{text} {unit}")


def main(src="bench-results"):
    src = Path(src)
    res = json.loads((src / "results.json").read_text())
    meta, records = res["meta"], res["records"]
    heads = sorted((r for r in records if r["kind"] == "headline"), key=lambda r: (r["area"], r["claim"]))
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "figures").mkdir(parents=True)

    report = (src / "report.md").read_text()
    advice = report.split("## What to use when", 1)[1].split("\n## ", 1)[0] if "## What to use when" in report else ""
    lines = [f"Latest run: {meta['mode']} mode, {meta['n_cells']} cells in {meta['wall_seconds'] / 60:.1f} min "
             f"on {meta.get('machine', '?')} (Python {meta['python']}, ``--n-jobs {meta.get('n_jobs', 1)}``), "
             f"copied {time.strftime('%Y-%m-%d', time.gmtime((src / 'results.json').stat().st_mtime))}.", ""]
    if advice.strip():
        lines += ["What to use when", "----------------", ""]
        for block in re.split(r"\n### ", "\n" + advice.strip()):
            if not block.strip():
                continue
            area, _, body = block.strip().partition("\n")
            lines += [f"**{area.strip('# ')}**", "", *_md_block(body), ""]
    lines += ["Headline claims", "---------------", "",
              "Each claim with its unit; a claim marked NO says why.", "",
              ".. list-table::", "   :header-rows: 1", "   :widths: 10 34 10 12 6 28", "",
              "   * - area", "     - claim", "     - value", "     - target", "     - passed", "     - reason"]
    for h in heads:
        lines += [f"   * - {_cell(h['area'])}", f"     - {_cell(_rst_inline(h['claim']))}",
                  f"     - {_cell(_value(h))}", f"     - {_cell(h.get('target'))}",
                  f"     - {'yes' if h.get('passed') else 'NO'}",
                  f"     - {_cell(_rst_inline(h.get('reason') or ''))}"]
    figs = sorted(src.glob("*.png"))
    if figs:
        lines += ["", "Figures", "-------", ""]
        for f in figs:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f.name)  # reST image paths take no spaces
            shutil.copy(f, OUT / "figures" / name)
            title = f.stem.replace("_", " ")
            # absolute from the docs source folder: latest.rst is included by benchmarks.rst
            lines += [f".. figure:: /_bench/figures/{name}", "   :width: 100%", "", f"   {title}", ""]
    (OUT / "latest.rst").write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT / 'latest.rst'} ({len(heads)} headlines, {len(figs)} figures)")


if __name__ == "__main__":
    main(*sys.argv[1:])
