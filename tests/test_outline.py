"""`typeset outline`: read back, the outline of each seed is its model and its findings."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from typeset import cli, preflight
from typeset.config import Config
from typeset.model import Diagnostic, Figure, Heading, Issue, Paragraph
from typeset.outline import outline
from typeset.readers import read_issue

ROW = re.compile(r"^ *(\d+)  ((?:  )*)(\S.*)$")
FINDING = re.compile(r"^([✗!·?]) (error|warning|info) ([a-z-]+): (.*)$")
ELEMENT = re.compile(r"^(column|article|kicker|byline|deck|sub-head|figure|note|source) +(.*)$")
RUN = re.compile(r"^¶ ×(\d+)$")


@dataclass
class Row:
    line: int
    depth: int
    kind: str
    text: str
    count: int = 0
    findings: list[tuple[str, Diagnostic]] = field(default_factory=list)  # (mark, finding)


def read_back(text: str) -> tuple[str, list[Row]]:
    """An outline's header and rows, each finding under the row it follows; fails on a line
    the format does not allow."""
    header, *lines = text.splitlines()
    rows: list[Row] = []
    for line in lines:
        number, indent, rest = ROW.match(line).groups()
        depth = len(indent) // 2
        if finding := FINDING.match(rest):
            mark, severity, code, message = finding.groups()
            assert depth == rows[-1].depth + 1, line
            rows[-1].findings.append((mark, Diagnostic(code, severity, int(number), message)))
        elif run := RUN.match(rest):
            rows.append(Row(int(number), depth, "paragraphs", "", int(run.group(1))))
        else:
            kind, content = ELEMENT.match(rest).groups()
            rows.append(Row(int(number), depth, kind, content))
    return header, rows


def articles_of(rows: list[Row]) -> list[list[Row]]:
    """The rows of each article, from its article row to the next."""
    out: list[list[Row]] = []
    for row in rows:
        if row.kind == "article":
            out.append([row])
        elif row.kind != "column":
            out[-1].append(row)
    return out


@pytest.fixture(scope="module")
def config() -> Config:
    return Config()


@pytest.fixture(scope="module", params=SEEDS, ids=[s.stem[:3] for s in SEEDS])
def seed(request, config) -> tuple[Path, Issue, list[Diagnostic]]:
    path = request.param
    issue = read_issue(path)
    return path, issue, preflight.check(issue, config)


def outline_text(path: Path, capsys) -> str:
    assert cli.main(["outline", str(path)]) == 0
    return capsys.readouterr().out


def test_every_article_and_its_parts_at_their_lines(seed, capsys):
    path, issue, _ = seed
    header, rows = read_back(outline_text(path, capsys))
    assert header.startswith(f"{path}: {len(issue.articles)} articles, ")
    per_article = articles_of(rows)
    assert len(per_article) == len(issue.articles)
    for article, (head, *parts) in zip(issue.articles, per_article, strict=True):
        assert (head.line, head.text) == (article.line, " / ".join(article.title))
        for kind in ("kicker", "byline"):
            want = [(article.line, getattr(article, kind))] if getattr(article, kind) else []
            assert [(r.line, r.text) for r in parts if r.kind == kind] == want
        headings = [(b.line, " / ".join(b.lines)) for b in article.blocks if isinstance(b, Heading)]
        assert [(r.line, r.text) for r in parts if r.kind == "sub-head"] == headings
        figures = [b for b in article.blocks if isinstance(b, Figure)]
        shown = [r for r in parts if r.kind == "figure"]
        assert [r.line for r in shown] == [b.line for b in figures]
        for row, figure in zip(shown, figures, strict=True):
            assert row.text.startswith(figure.caption[:10])
            assert row.text.endswith(figure.credit or figure.caption[-1:])
        paragraphs = [b for b in article.blocks if isinstance(b, Paragraph)]
        assert sum(r.count for r in parts if r.kind == "paragraphs") == len(paragraphs)
        sources = [(r.line, r.text) for r in parts if r.kind == "source"]
        last = max([b.line for b in article.blocks] + [article.line])
        assert sources == ([(last, article.source)] if article.source else [])
    columns = [r.text for r in rows if r.kind == "column"]
    assert columns == [name for name, _ in issue.columns if name]


def test_every_finding_beside_its_line(seed, capsys):
    path, issue, findings = seed
    _, rows = read_back(outline_text(path, capsys))
    shown = [(row, d) for row in rows for _, d in row.findings]
    assert Counter(d for _, d in shown) == Counter(findings)
    element_lines = {r.line for r in rows if r.kind not in ("kicker", "byline", "deck", "source")}
    for row, finding in shown:
        if finding.line in element_lines:
            assert row.line == finding.line
        else:
            assert row.line < finding.line


def test_under_forty_lines_an_article(seed, capsys):
    path, issue, _ = seed
    lines = outline_text(path, capsys).splitlines()[1:]
    starts = [i for i, line in enumerate(lines) if re.match(r" *\d+    article ", line)]
    assert len(starts) == len(issue.articles)
    assert max(b - a for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)) < 40


def test_json_is_the_same_outline(seed, capsys):
    path, issue, findings = seed
    _, rows = read_back(outline_text(path, capsys))
    assert cli.main(["outline", "--json", str(path)]) == 0
    [data] = json.loads(capsys.readouterr().out)
    assert (data["file"], data["articles"]) == (str(path), len(issue.articles))
    assert [(r["line"], r["depth"]) for r in data["outline"]] == [(r.line, r.depth) for r in rows]
    assert sum(r.get("count", 0) for r in data["outline"]) == data["paragraphs"]
    found = [Diagnostic(**d) for r in data["outline"] for d in r["findings"]]
    assert Counter(found) == Counter(findings)


def test_an_uncertain_structure_is_marked_and_splits_the_run_it_falls_in(config):
    path = SEEDS[1]
    issue = read_issue(path)
    [run] = [r for r in read_back(outline(str(path), issue, []).text())[1] if r.line == 24]
    assert (run.kind, run.count) == ("paragraphs", 6)
    doubt = Diagnostic("uncertain-structure", "info", 27, "a paragraph or a sub-head?")
    _, rows = read_back(outline(str(path), issue, [doubt]).text())
    at = {r.line: r for r in rows if r.kind == "paragraphs"}
    assert (at[24].count, at[26].count, at[26].findings) == (1, 5, [("?", doubt)])


def test_findings_before_the_first_article_go_to_it(config):
    issue = read_issue(SEEDS[0])
    early = Diagnostic("repeated-banner", "info", 1, "banner repeated")
    _, rows = read_back(outline("x", issue, [early]).text())
    assert [r.kind for r in rows if r.findings] == ["article"]


def test_the_header_counts_findings_by_severity():
    issue = read_issue(SEEDS[3])
    findings = preflight.check(issue, Config())
    header = outline("x", issue, findings).text().splitlines()[0]
    assert re.fullmatch(r"x: 5 articles, \d+ paragraphs; 2 warnings, \d+ info", header)
