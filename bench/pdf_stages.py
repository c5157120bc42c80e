"""Where the time of a print PDF goes, stage by stage, next to plain WeasyPrint.

For the first seed and for all seeds (simplified edition) it times, in this process: parse
(`read_issue`), model (full-width punctuation, what the build does before writing), HTML
(template rendering), layout (WeasyPrint render, with typeset.writers.pdf.justify installed)
and PDF write (PDF/X-4, tagged). Next to them, plain WeasyPrint on the same HTML string,
base URL and fetcher: justification extension uninstalled, `HTML(...).write_pdf()` with no
PDF variant, so the cost of the extension and of PDF/X shows. Then the whole process: the
wall time of `typeset build FILE -o TMP --format pdf --force` (also with `--jobs 1` when the
CLI has that option). Every figure is the best of `--runs` runs; "first" is the first in-
process run, which also loads the fonts.

    .venv/bin/python bench/pdf_stages.py [--runs 3]

Target (issue #3): one issue's PDF in at most 1.5 s as a whole process on a 2-core machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from typeset.config import Config  # noqa: E402
from typeset.model import Issue  # noqa: E402
from typeset.readers import read_issue  # noqa: E402
from typeset.transforms import edition_model  # noqa: E402
from typeset.writers.pdf import justify  # noqa: E402
from typeset.writers.pdf.html import render_print_html  # noqa: E402
from typeset.writers.pdf.render import render_pdf, weasyprint_source  # noqa: E402

TYPESET = ROOT / ".venv" / "bin" / "typeset"
STAGES = ("parse", "model", "html", "layout", "write")
TARGET_S = 1.5


def ours(paths: list[Path], config: Config) -> dict[str, float]:
    """Seconds per stage of our print path over `paths`, summed."""
    total = dict.fromkeys(STAGES, 0.0)
    for path in paths:
        start = time.perf_counter()
        issue = read_issue(path)
        total["parse"] += time.perf_counter() - start
        start = time.perf_counter()
        model = edition_model(issue, "simplified", config)
        total["model"] += time.perf_counter() - start
        timings: dict[str, float] = {}
        render_pdf(model, config, timings=timings)
        for stage in ("html", "layout", "write"):
            total[stage] += timings[stage]
    return total


def plain(markups: list[str], config: Config) -> dict[str, float]:
    """Seconds of plain WeasyPrint (no extension, no PDF/X) on the same HTML, summed."""
    installed = justify.uninstall()
    try:
        total = {"layout": 0.0, "write": 0.0}
        for markup in markups:
            source, _ = weasyprint_source(markup, config)
            start = time.perf_counter()
            document = source.render(font_config=FontConfiguration())
            total["layout"] += time.perf_counter() - start
            start = time.perf_counter()
            document.write_pdf()
            total["write"] += time.perf_counter() - start
        return total
    finally:
        if installed:
            justify.install()


def best(runs: int, measure: Callable[[], dict[str, float]]) -> tuple[dict, dict]:
    """(first run, per-key minimum over `runs` runs)."""
    results = [measure() for _ in range(runs)]
    return results[0], {key: min(r[key] for r in results) for key in results[0]}


def process_time(paths: list[Path], runs: int, extra: tuple[str, ...] = ()) -> float:
    """Best wall time of a `typeset build` process making the PDFs of `paths`."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            command = [str(TYPESET), "build", *map(str, paths), "-o", out, "--format", "pdf"]
            start = time.perf_counter()
            subprocess.run([*command, "--force", *extra], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return min(times)


def has_jobs_option() -> bool:
    result = subprocess.run([str(TYPESET), "build", "--help"], capture_output=True, text=True)
    return "--jobs" in result.stdout


def row(label: str, values: list[float | None]) -> str:
    cells = ["—" if v is None else f"{v:.3f}" for v in values]
    return f"{label:<34}" + "".join(f"{cell:>12}" for cell in cells)


def report(name: str, paths: list[Path], config: Config, runs: int, jobs: bool) -> None:
    first, ours_best = best(runs, lambda: ours(paths, config))
    models: list[Issue] = [edition_model(read_issue(p), "simplified", config) for p in paths]
    markups = [render_print_html(model, config) for model in models]
    _, plain_best = best(runs, lambda: plain(markups, config))
    pages = f"{len(paths)} issue{'s' if len(paths) > 1 else ''}"

    print(f"\n{name} ({pages}), seconds, best of {runs}")
    print(row("", []) + "".join(f"{h:>12}" for h in (*STAGES, "total")))
    for label, stages in (("typeset, first run", first), ("typeset, best", ours_best)):
        print(row(label, [stages[s] for s in STAGES] + [sum(stages.values())]))
    plain_total = sum(plain_best.values())
    plain_row = [None, None, None, plain_best["layout"], plain_best["write"], plain_total]
    print(row("plain WeasyPrint, same HTML", plain_row))
    extension = ours_best["layout"] - plain_best["layout"]
    pdfx = ours_best["write"] - plain_best["write"]
    print(row("extension + PDF/X cost", [None, None, None, extension, pdfx, extension + pdfx]))

    whole = process_time(paths, runs)
    print(row("whole process (typeset build)", [None] * 5 + [whole]))
    serial = whole
    if jobs:
        serial = process_time(paths, runs, ("--jobs", "1"))
        print(row("whole process, --jobs 1", [None] * 5 + [serial]))
    # Start-up, imports, preflight and writing files: the one-job process minus the stages.
    overhead = serial - sum(ours_best.values())
    print(row("  one job, outside the stages", [None] * 5 + [overhead]))
    if len(paths) == 1:
        verdict = "meets" if whole <= TARGET_S else "MISSES"
        print(f"{verdict} the target of {TARGET_S} s for one issue's PDF as a whole process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (best is shown)")
    args = parser.parse_args()
    config = Config()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    jobs = has_jobs_option()
    report(f"one issue: {seeds[0].name}", seeds[:1], config, args.runs, jobs)
    report("all seeds", seeds, config, args.runs, jobs)


if __name__ == "__main__":
    main()
