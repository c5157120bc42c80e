"""Column balancing with and without the column patch: layouts per line, layout time, bytes.

For every seed in both editions, in this process, alternating the patch off and on: the
layout time (WeasyPrint's render, median of `--runs`), how many times a line is laid out
(calls of WeasyPrint's `get_next_linebox`) per line of the final document, and whether the
two PDFs are byte-identical (they must be: the patch only leaves out layouts whose outcome
it knows). Exits 1 if any PDF differs.

    .venv/bin/python bench/column_passes.py [--runs 3] [ISSUE_FILE ...]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from typeset.writers.pdf import columns  # noqa: E402  (first: WeasyPrint by soname)

# isort: split
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.layout import inline  # noqa: E402

from typeset.config import EDITIONS, Config  # noqa: E402
from typeset.readers import read_issue  # noqa: E402
from typeset.transforms import edition_model  # noqa: E402
from typeset.writers.pdf.render import (  # noqa: E402
    font_configuration,
    render_document,
    render_pdf,
)


class LineCounter:
    """Counts WeasyPrint's line layouts while installed."""

    def __init__(self) -> None:
        self.calls = 0
        self.original = inline.get_next_linebox

    def __enter__(self) -> LineCounter:
        def counted(*arguments, **options):
            self.calls += 1
            return self.original(*arguments, **options)

        inline.get_next_linebox = counted
        return self

    def __exit__(self, *exc) -> None:
        inline.get_next_linebox = self.original


def final_lines(box) -> int:
    if isinstance(box, boxes.LineBox):
        return 1
    return sum(final_lines(child) for child in getattr(box, "children", ()))


def render(model, config, patched: bool) -> tuple[bytes, float, int]:
    """(PDF, layout seconds, line layouts) with the column patch on or off."""
    timings: dict[str, float] = {}
    columns.install()
    patch = contextlib.nullcontext() if patched else columns.disabled()
    with patch, LineCounter() as counter:
        pdf = render_pdf(model, config, timings=timings)
    return pdf, timings["layout"], counter.calls


def count_final_lines(model, config) -> int:
    with font_configuration() as fonts:
        document = render_document(model, config, font_config=fonts)
        return sum(final_lines(page._page_box) for page in document.pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("issues", nargs="*", help="issue files (default: every seed)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median shown)")
    args = parser.parse_args()
    config = Config()
    paths = [Path(p) for p in args.issues] or sorted((ROOT / "seeds").glob("*.txt"))
    print(f"seconds of layout, median of {args.runs}; line layouts per final line")
    print(f"{'issue':<28}{'edition':<13}{'off':>8}{'on':>8}{'lines':>7}{'off':>7}{'on':>7}  bytes")
    totals = {"off": 0.0, "on": 0.0}
    differing = 0
    for path in paths:
        issue = read_issue(path)
        for edition in EDITIONS:
            model = edition_model(issue, edition, config)
            lines = count_final_lines(model, config)
            seconds = {"off": [], "on": []}
            calls, pdfs = {}, {}
            for _ in range(args.runs):
                for name in ("off", "on"):
                    pdf, layout, count = render(model, config, patched=name == "on")
                    seconds[name].append(layout)
                    calls[name], pdfs[name] = count, pdf
            same = pdfs["off"] == pdfs["on"]
            differing += not same
            off, on = (statistics.median(seconds[n]) for n in ("off", "on"))
            totals["off"] += off
            totals["on"] += on
            print(
                f"{path.name:<28}{edition:<13}{off:8.3f}{on:8.3f}{lines:7d}"
                f"{calls['off'] / lines:7.2f}{calls['on'] / lines:7.2f}"
                f"  {'identical' if same else 'DIFFER'}"
            )
    print(f"{'total':<41}{totals['off']:8.3f}{totals['on']:8.3f}")
    print(f"layout {totals['off'] / totals['on']:.2f}x faster with the column patch")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
