"""One issue's print PDF next to Typst setting the same paragraphs with the same fonts.

Typst is the speed reference for a typesetter (issue #14): the same text, the same bundled
faces, on the same trim size in two justified columns. The Typst source is generated from
the article model the PDF is made from (the simplified edition, punctuation normalised), so
both set the same paragraphs: masthead and contents, then per article kicker, headline
(full width), deck, byline, and a two-column body of paragraphs, sub-heads, figure
placeholders with captions, notes and the source line. Typst's `columns()` fills the first
column before the second (no balancing); WeasyPrint balances the last page of each
article. Both embed subsets of the same five font files. The reference is the same
content, not the same algorithm.

Cold, whole processes, interleaved round by round so all see the same load: `typeset build
FILE -o TMP --format pdf --force` of this tree; the same command of `--baseline REV` (by
default the last commit before issue #14's work, checked out in a temporary worktree), for
the issue's goal of at least 2.5x faster than that in the same run; and a `python -c`
that imports `typst` and compiles the generated source to a file.

Warm, in this process, interleaved: a rebuild of `typeset serve` (`serve.rebuild.Builder`:
forked from a warm parent, reading, checking and writing preview, PDF and status), a
`render_pdf` in this warm process (what a rebuild costs without fork, reading and
writing), `typst.compile` (a new Typst world: fonts read again, nothing memoised) and a
reused `typst.Compiler` given an edited source each time (what `typst watch` does). The
issue's goal: a warm rebuild at most 5x Typst in-process.

Medians of `--runs` runs. Exits 1 when a goal is missed.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/typst_ratio.py [--runs 7] [--baseline REV] [ISSUE_FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from typeset.config import Config  # noqa: E402
from typeset.model import Figure, Heading, Issue, Note, Paragraph  # noqa: E402
from typeset.readers import read_issue  # noqa: E402
from typeset.transforms import edition_model  # noqa: E402

TYPESET = ROOT / ".venv" / "bin" / "typeset"
# The last commit before issue #14's work: "today" when the issue was filed.
BASELINE = "e2a5691"
COLD_GOAL = 2.5  # at least this many times faster than the baseline, cold
WARM_GOAL = 5.0  # a warm rebuild at most this many times Typst in-process
# The bundled faces, by the names Typst reads from the font files.
SONG, HEI, KAI = "Noto Serif CJK SC", "Noto Sans CJK SC", "Typeset WenKai"
TYPST_PROCESS = (
    "import sys, typst\n"
    "typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]],"
    " ignore_system_fonts=True)\n"
)


def string(text: str) -> str:
    """A Typst string literal: the text is never read as markup."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def typst_source(issue: Issue, config: Config) -> str:
    """The issue as Typst markup, styled like templates/print (sizes, faces, measures)."""
    out = [
        f"#set page(width: {config.trim_width_mm}mm, height: {config.trim_height_mm}mm,",
        '  margin: (top: 22mm, bottom: 20mm, inside: 18mm, outside: 16mm), numbering: "1")',
        f'#set text(font: "{SONG}", size: 9.5pt, lang: "zh", region: "cn",',
        "  top-edge: 1em, bottom-edge: 0em)",
        "#set par(justify: true, leading: 0.75em, spacing: 0.75em,",
        "  first-line-indent: (amount: 2em, all: true))",
        f'#show heading.where(level: 2): set text(font: "{SONG}", size: 19pt, weight: 700)',
        "#show heading.where(level: 2): set align(center)",
        f'#show heading.where(level: 3): set text(font: "{HEI}", size: 10pt, weight: 700)',
        "#show heading: set block(above: 3mm, below: 1.5mm)",
        f'#align(center, text(font: "{SONG}", size: 46pt, weight: 700,',
        f"  {string(issue.columns[0][0] or issue.id)}))",
        f'#text(font: "{HEI}", size: 18pt, weight: 700, "目录")',
        "#outline(title: none, depth: 2)",
        "#pagebreak()",
    ]
    for name, articles in issue.columns:
        if name:
            out.append(f'#text(font: "{HEI}", size: 12pt, weight: 700, {string(name)})')
        for article in articles:
            if article.kicker:
                kicker = f'text(font: "{KAI}", size: 12pt, {string(article.kicker)})'
                out.append(f"#align(center, {kicker})")
            out.append(f"#heading(level: 2, {string(' '.join(article.title))})")
            for text in (article.deck, article.byline):
                if text:
                    out.append(f'#block(text(font: "{KAI}", size: 10.5pt, {string(text)}))')
            body = []
            for block in article.blocks:
                match block:
                    case Paragraph():
                        text = string(block.text)
                        if block.lead:
                            lead = f'text(font: "{HEI}", weight: 700, {string(block.lead)})'
                            text = f"{lead} + {text}"
                        body.append(f"  par({text}),")
                    case Heading():
                        body.append(f"  heading(level: 3, {string(' '.join(block.lines))}),")
                    case Figure():
                        body.append(
                            "  figure(rect(width: 100%, height: 42mm, fill: luma(242)),"
                            f' caption: text(font: "{KAI}", size: 8.5pt, {string(block.caption)})),'
                        )
                    case Note():
                        body.append(f"  text(size: 8pt, {string(block.text)}),")
            if article.source:
                source_line = f'text(font: "{KAI}", size: 8.5pt, {string(article.source)})'
                body.append(f"  align(right, {source_line}),")
            out.append("#columns(2, gutter: 7mm, {")
            out.append("  (")
            out.extend(body)
            out.append("  ).join(parbreak())")
            out.append("})")
    return "\n".join(out) + "\n"


def wall_seconds(command: list[str], cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - start


@contextlib.contextmanager
def worktree(revision: str, folder: Path) -> Iterator[Path]:
    """`revision` checked out at `folder` for the run (like scripts/compare-builds)."""
    git = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run([*git, "add", "--detach", "--quiet", str(folder), revision], check=True)
    try:
        yield folder
    finally:
        subprocess.run([*git, "remove", "--force", str(folder)], check=False)


def cold(path: Path, source: str, fonts: str, runs: int, baseline: str) -> dict[str, list]:
    """Whole-process wall times, interleaved: this tree, the baseline, Typst."""
    with tempfile.TemporaryDirectory(prefix="typeset-typst-") as folder:
        work = Path(folder)
        source_path = work / "issue.typ"
        source_path.write_text(source, encoding="utf-8")
        build = ["build", str(path), "--format", "pdf", "--force", "-o"]
        typst_cmd = [sys.executable, "-c", TYPST_PROCESS, str(source_path), str(work / "t.pdf")]
        with worktree(baseline, work / "baseline") as tree:
            ours = [str(TYPESET), *build, str(work / "ours")]
            before = [sys.executable, "-m", "typeset.cli", *build, str(work / "before")]
            times: dict[str, list] = {"typeset": [], "baseline": [], "typst process": []}
            for _ in range(runs):  # interleaved: all see the same load
                times["typeset"].append(wall_seconds(ours))
                times["baseline"].append(wall_seconds(before, cwd=tree))
                times["typst process"].append(wall_seconds([*typst_cmd, fonts]))
    return times


def warm(path: Path, model: Issue, source: str, config: Config, runs: int) -> dict[str, list]:
    """In this process, interleaved: serve's forked rebuild, render_pdf, Typst twice."""
    import typst

    from typeset.serve.rebuild import Builder
    from typeset.writers.pdf.render import render_pdf

    fonts = str(config.fonts_dir)
    times: dict[str, list] = {"rebuild": [], "render_pdf": [], "typst": [], "typst reused": []}
    with tempfile.TemporaryDirectory(prefix="typeset-typst-") as folder:
        builder = Builder(path, config, "simplified", Path(folder))
        try:
            builder.rebuild()  # as serve does first
            render_pdf(model, config, font_config=builder.fonts)
            compiler = typst.Compiler(font_paths=[fonts], ignore_system_fonts=True)
            compiler.compile(source.encode())
            for run in range(runs):
                start = time.perf_counter()
                status = builder.rebuild()
                times["rebuild"].append(time.perf_counter() - start)
                assert status.state == "built", status.message
                start = time.perf_counter()
                render_pdf(model, config, font_config=builder.fonts)
                times["render_pdf"].append(time.perf_counter() - start)
                start = time.perf_counter()
                typst.compile(source.encode(), font_paths=[fonts], ignore_system_fonts=True)
                times["typst"].append(time.perf_counter() - start)
                start = time.perf_counter()
                compiler.compile(f"{source}\n// edit {run}\n".encode())
                times["typst reused"].append(time.perf_counter() - start)
        finally:
            builder.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("issue", nargs="?", help="issue file (default: the first seed)")
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median shown)")
    parser.add_argument("--baseline", default=BASELINE, help=f"revision (default {BASELINE})")
    args = parser.parse_args()
    try:
        import typst
    except ImportError:
        print("typst is not installed: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        return 2
    config = Config()
    path = Path(args.issue) if args.issue else sorted((ROOT / "seeds").glob("*.txt"))[0]
    model = edition_model(read_issue(path), "simplified", config)
    source = typst_source(model, config)
    fonts = str(config.fonts_dir)
    pages = len(typst.compile(source.encode(), font_paths=[fonts], format="svg"))

    times = cold(path.resolve(), source, fonts, args.runs, args.baseline)
    times |= warm(path.resolve(), model, source, config, args.runs)
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"{path.name}: {len(source):,} characters of Typst source, {pages} Typst pages")
    print(f"seconds, median of {args.runs}, interleaved")
    rows = {
        "typeset": "cold: typeset build, whole process",
        "baseline": f"cold: the same at {args.baseline} (before issue #14)",
        "typst process": "cold: python -c typst.compile, whole process",
        "rebuild": "warm: typeset serve's rebuild (forked)",
        "render_pdf": "warm: render_pdf again in a warm process",
        "typst": "warm: typst.compile in-process (new world)",
        "typst reused": "warm: typst.Compiler reused, source edited",
    }
    for name, label in rows.items():
        print(f"  {label:<52}{med[name]:8.3f}")
    faster = med["baseline"] / med["typeset"]
    warm_ratio = med["rebuild"] / med["typst"]
    ratios = [
        ("cold: typeset / Typst", med["typeset"] / med["typst process"], ""),
        ("cold: baseline / typeset", faster, f"goal at least {COLD_GOAL:g}x"),
        ("warm: serve's rebuild / Typst in-process", warm_ratio, f"goal at most {WARM_GOAL:g}x"),
        ("warm: serve's rebuild / reused Typst compiler", med["rebuild"] / med["typst reused"], ""),
    ]
    for label, ratio, goal in ratios:
        print(f"  {label:<52}{ratio:7.2f}x  {goal}".rstrip())
    return 0 if faster >= COLD_GOAL and warm_ratio <= WARM_GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
