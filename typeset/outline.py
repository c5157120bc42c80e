"""The outline of an issue: what the reader recovered, one line per element, with the
issue-file line it starts on and the findings that concern it.

An editor checks a parse at a glance here before reading a whole proof: every column,
article, kicker, byline, deck, sub-head, figure, note and source gets a row; the paragraphs
between them are counted, not shown. Each finding (`typeset.preflight.check`) follows the
row of the element it concerns (`typeset.findings.place`), marked by severity, and a
paragraph that has findings starts a new run so they sit beside it.

The text form, stable for editors and scripts:

    seeds/001_85373c7ba4694e99.txt: 5 articles, 46 paragraphs; 1 warning, 11 info
       5  column   党建动态
       5    article  江苏泰州兴化推动社会组织成为基层治理“生力军”
       5      kicker   专业培育、精准服务、多元共治
       8      ¶ ×2
       8        · info halfwidth-punctuation: 265 half-width marks (, : ; ( ) ! ?) in …
      12      sub-head 精准培育“强筋骨” / 筑牢社会组织发展根基

The number is the issue-file line (a kicker, byline or deck is reported at its article's
line, a source at its last block's, as `typeset.model.text_fields` does); the findings'
marks are `✗` error, `!` warning, `·` info and `?` for `uncertain-structure`, the reader's
doubt about a layout it had to guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from typeset.findings import Place, place, tally
from typeset.model import Diagnostic, Figure, Heading, Issue, Note, Paragraph

# Rows' kinds, and the word the text form prints for each (paragraphs print as ¶ ×N).
LABELS = {
    "column": "column",
    "article": "article",
    "kicker": "kicker",
    "byline": "byline",
    "deck": "deck",
    "heading": "sub-head",
    "figure": "figure",
    "note": "note",
    "source": "source",
}
MARKS = {"error": "✗", "warning": "!", "info": "·"}
UNCERTAIN = "uncertain-structure"
# Characters of a deck, caption or note shown; titles, sub-heads and sources print whole.
CLIP = 32
LABEL_WIDTH = max(map(len, LABELS.values())) + 1
INDENT = "  "


@dataclass
class Row:
    """One element of the issue (or a run of `count` paragraphs) at an issue-file line."""

    line: int
    depth: int
    kind: str  # a key of LABELS, or "paragraphs"
    text: str = ""
    count: int = 0
    findings: list[Diagnostic] = field(default_factory=list)


@dataclass
class Outline:
    path: str
    issue: Issue
    rows: list[Row]
    findings: list[Diagnostic]  # all of them, in the preflight's order

    def to_dict(self) -> dict:
        """The JSON form: the same rows, each with its findings."""
        rows = []
        for row in self.rows:
            item: dict = {"line": row.line, "depth": row.depth, "kind": row.kind}
            item.update({"count": row.count} if row.kind == "paragraphs" else {"text": row.text})
            item["findings"] = [asdict(d) for d in row.findings]
            rows.append(item)
        return {
            "file": self.path,
            "articles": len(self.issue.articles),
            "paragraphs": _paragraphs(self.issue),
            "findings": [asdict(d) for d in self.findings if not self.issue.articles],
            "outline": rows,
        }

    def text(self) -> str:
        """The text form (see the module's docstring), one line per row and per finding."""
        width = max([len(str(row.line)) for row in self.rows] + [4])
        out = [self._header()]
        out += [_finding(d, width, 0) for d in self.findings if not self.issue.articles]
        for row in self.rows:
            label = f"¶ ×{row.count}" if row.kind == "paragraphs" else _label(row)
            out.append(f"{row.line:>{width}}  {INDENT * row.depth}{label}")
            out += [_finding(d, width, row.depth + 1) for d in row.findings]
        return "\n".join(out) + "\n"

    def _header(self) -> str:
        articles = len(self.issue.articles)
        paragraphs = _paragraphs(self.issue)
        found = tally(self.findings)
        summary = f"; {found}" if found else ""
        return (
            f"{self.path}: {articles} article{'s' * (articles != 1)},"
            f" {paragraphs} paragraph{'s' * (paragraphs != 1)}{summary}"
        )


def outline(path: str, issue: Issue, findings: list[Diagnostic]) -> Outline:
    """The outline of `issue` (read from `path`) with `findings` placed at their elements."""
    placed = place(issue, findings)
    rows: list[Row] = []
    column = None
    for a, article in enumerate(issue.articles):
        if article.column and article.column != column:
            rows.append(Row(article.line, 0, "column", article.column))
        column = article.column
        rows.append(Row(article.line, 1, "article", " / ".join(article.title)))
        rows[-1].findings = placed.get(Place(a), [])
        for kind in ("kicker", "byline", "deck"):
            if text := getattr(article, kind):
                rows.append(Row(article.line, 2, kind, text))
        run: Row | None = None
        for b, block in enumerate(article.blocks):
            here = placed.get(Place(a, b), [])
            if isinstance(block, Paragraph):
                if run is None or here:
                    run = Row(block.line, 2, "paragraphs", findings=here)
                    rows.append(run)
                run.count += 1
                continue
            run = None
            rows.append(Row(block.line, 2, *_block(block), findings=here))
        if article.source:
            last = max((b.line for b in article.blocks), default=article.line)
            rows.append(Row(max(last, article.line), 2, "source", article.source))
    return Outline(path, issue, rows, findings)


def _block(block: Heading | Figure | Note) -> tuple[str, str]:
    match block:
        case Heading():
            return "heading", " / ".join(block.lines)
        case Figure():
            parts = [_clip(block.caption) if block.caption else "", block.credit or ""]
            return "figure", " · ".join(p for p in parts if p)
        case Note():
            return "note", _clip(block.text)
    raise TypeError(f"unknown block {block!r}")


def _label(row: Row) -> str:
    text = _clip(row.text) if row.kind == "deck" else row.text
    return f"{LABELS[row.kind]:<{LABEL_WIDTH}}{text}"


def _finding(d: Diagnostic, width: int, depth: int) -> str:
    mark = "?" if d.code == UNCERTAIN else MARKS[d.severity]
    return f"{d.line:>{width}}  {INDENT * depth}{mark} {d.severity} {d.code}: {d.message}"


def _clip(text: str) -> str:
    return text if len(text) <= CLIP else text[: CLIP - 1] + "…"


def _paragraphs(issue: Issue) -> int:
    return sum(isinstance(b, Paragraph) for a in issue.articles for b in a.blocks)
