"""A reading (one role per unit) → the article model, with every repair reported.

What the roles leave to conventions is settled here, the same way every time: a headline's
kicker is what precedes "——" in it; lines of a sub-head set under each other are one
sub-head, as are the lines of a caption; a paragraph's continuation after a break is joined
to it with nothing between, and a caption that sat in the break stays right after the
joined paragraph; a credit in parentheses belongs to the caption above, a photographer's
credit without them is caption text; blocks set after an article's close and before the
next headline open that next article; a news story's dateline credit run into its first
paragraph ("本报讯（记者 …）") is its byline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from typeset.model import Article, Block, Diagnostic, Figure, Heading, Note, Paragraph
from typeset.readers.layout.grammar import (
    BANNER,
    BYLINE,
    CAPTION,
    CONT,
    CREDIT,
    DECK,
    NOTE,
    PARA,
    RUNNING,
    SOURCE,
    SUBHEAD,
    TITLE,
)
from typeset.readers.layout.shapes import DATELINE_CREDIT, ended
from typeset.readers.layout.units import CREDIT as CREDIT_LINE
from typeset.readers.layout.units import SOURCE as SOURCE_LINE
from typeset.readers.layout.units import Unit, split_credit

_DATELINE = re.compile(rf"^({DATELINE_CREDIT})\s*(\S.*)$")
_MAX_LIST_ITEM = 24  # an item of a list announced with a colon (names, titles)


@dataclass
class Assembly:
    articles: list[Article] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Banners printed again without changing the column: the model names a column once per
    # run of its articles, so the reader's self-check counts these apart.
    repeated_banners: list[str] = field(default_factory=list)

    def note(self, code: str, severity: str, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(code, severity, line, message))


class _Builder:
    def __init__(self) -> None:
        self.out = Assembly()
        self.column: str | None = None
        self.article: Article | None = None
        self.open = False  # the article takes body blocks (its close not yet seen)
        self.orphans: list[Block] = []
        self.blocks: list[Block] = self.orphans  # where body blocks go
        self.paragraph: Paragraph | None = None  # the paragraph a continuation would join
        self.since_paragraph: list[Figure] = []  # figures after it (in a break, if it goes on)
        self.heads: dict[int, int] = {}  # id(article) → index of its first block after the head
        self.orphan_source: str | None = None  # the source printed with blocks set before it
        self.banner: Unit | None = None  # the banner in force, until an article takes it

    def add(self, block: Block) -> None:
        self.blocks.append(block)

    def start_article(self, members: list[Unit], line: int) -> None:
        if any(m.kicker for m in members):  # the editor marked the kicker
            kicker = "".join(m.text for m in members if m.kicker).removesuffix("——")
            title = [m.text for m in members if not m.kicker]
        else:
            kicker, title = _kicker([m.text for m in members])
        article = Article(title=title, column=self.column, kicker=kicker, line=line)
        self.banner = None
        article.source, self.orphan_source = self.orphan_source, None
        if self.orphans:
            first = self.orphans[0].line
            self.out.note(
                "reattached-body",
                "warning",
                first,
                f"blocks set before their headline (line {line}) moved back into that article",
            )
        article.blocks = self.orphans
        self.heads[id(article)] = len(self.orphans)
        self.orphans = []
        self.out.articles.append(article)
        self.article, self.open = article, True
        self.blocks = article.blocks
        self.paragraph = None

    def keep_unused_banner(self) -> None:
        """A banner no article came under would be lost from the model: keep its words as a
        paragraph where it stood, and say so."""
        if self.banner is None:
            return
        unit, self.banner = self.banner, None
        self.out.note(
            "unused-banner",
            "warning",
            unit.line,
            f"column banner 「{unit.text}」 heads no article; kept as a paragraph",
        )
        self.add(Paragraph(unit.text, None, unit.line))

    def close(self) -> None:
        self.open = False
        self.blocks = self.orphans
        self.paragraph = None


def assemble(units: list[Unit], labels: list[int]) -> Assembly:
    """The articles the roles `labels` of `units` describe."""
    b = _Builder()
    i = 0
    while i < len(units):
        label = labels[i]
        group = i + 1
        if label in (TITLE, DECK):
            while group < len(units) and labels[group] == label:
                group += 1
        elif label in (SUBHEAD, CAPTION):
            while group < len(units) and labels[group] == label and units[group].gap == 0:
                group += 1
        members = units[i:group]
        if members[0].below and b.open:  # the editor says: the article before ends here
            b.close()
        _take(b, label, members)
        i = group
    _finish(b)
    return b.out


def _take(b: _Builder, label: int, members: list[Unit]) -> None:
    unit = members[0]
    if label != PARA:  # a bold run-in head is a paragraph's: elsewhere it is just text
        members = [replace(m, text=(m.lead or "") + m.text, lead=None) for m in members]
        unit = members[0]
    text = "".join(m.text for m in members)
    if label == BANNER:
        if b.out.articles and b.column == unit.text:
            b.out.repeated_banners.append(unit.text)
            message = f"column banner 「{unit.text}」 repeated within its column; printed once"
            b.out.note("repeated-banner", "info", unit.line, message)
        else:
            b.keep_unused_banner()
            b.banner = unit
        b.column = unit.text
        if b.open:
            b.close()
    elif label == RUNNING:
        b.out.repeated_banners.append(unit.text)
        message = f"column banner 「{unit.text}」 repeated inside a paragraph's break; printed once"
        b.out.note("repeated-banner", "info", unit.line, message)
    elif label == TITLE:
        b.start_article(members, unit.line)
    elif label == DECK:
        if b.article is not None:
            b.article.deck = (b.article.deck or "") + text
    elif label == BYLINE:
        article = b.article
        in_head = article is not None and b.open and not article.blocks[b.heads[id(article)] :]
        if in_head and b.article.byline is None:
            b.article.byline = unit.text
            return
        if b.article is not None and b.open:  # a signature under the body closes the article
            if b.article.byline is None:
                b.article.byline = unit.text
            else:
                b.add(Paragraph(unit.text, None, unit.line))
            b.close()
        else:
            b.add(Paragraph(unit.text, None, unit.line))
    elif label == SUBHEAD:
        b.add(Heading([m.text for m in members], unit.line))
        b.paragraph = None
    elif label == PARA:
        paragraph = Paragraph(unit.text, unit.lead, unit.line)
        b.add(paragraph)
        b.paragraph, b.since_paragraph = paragraph, []
    elif label == CONT:
        _continue(b, unit)
    elif label == CAPTION:
        caption, credit = split_credit(text)
        figure = Figure(caption, credit, line=unit.line)
        b.add(figure)
        b.since_paragraph.append(figure)
    elif label == CREDIT:
        figure = b.blocks[-1] if b.blocks and isinstance(b.blocks[-1], Figure) else None
        if figure is None:
            figure = Figure("", line=unit.line)
            b.add(figure)
        if match := CREDIT_LINE.match(unit.text):
            figure.credit = match.group(1).strip()
        elif unit.role == "credit":  # the editor marked it a credit
            figure.credit = unit.text.removeprefix("(").removeprefix("（")
            figure.credit = figure.credit.removesuffix(")").removesuffix("）")
        else:  # a photographer's credit without parentheses stays caption text
            figure.caption += unit.text
    elif label == SOURCE:
        match = SOURCE_LINE.match(unit.text) or unit.role == "source"
        source = match.group(1) if isinstance(match, re.Match) else unit.text
        if b.article is not None and b.open and b.article.source is None and match:
            b.article.source = source
            b.close()
        elif b.orphans and b.orphan_source is None and match:
            b.orphan_source = source  # the source of the article these blocks belong to
        else:
            b.out.note(
                "stray-source",
                "warning",
                unit.line,
                "source line with no article to close; kept as a note",
            )
            b.add(Note(unit.text, unit.line))
    elif label == NOTE:
        b.add(Note(unit.text, unit.line))
        b.paragraph = None


def _continue(b: _Builder, unit: Unit) -> None:
    head = b.paragraph
    if head is None or unit.lead:  # nothing to join to (the grammar prevents it): never lose text
        paragraph = Paragraph(unit.text, unit.lead, unit.line)
        b.add(paragraph)
        b.paragraph, b.since_paragraph = paragraph, []
        return
    b.out.note(
        "joined-across-break",
        "info",
        head.line,
        f"paragraph continued at line {unit.line} after a break; joined",
    )
    for figure in b.since_paragraph:
        b.out.note(
            "caption-in-break",
            "info",
            figure.line,
            "caption set inside a paragraph's break; placed after the paragraph",
        )
    b.since_paragraph = []
    head.text += unit.text


def _finish(b: _Builder) -> None:
    b.keep_unused_banner()
    if b.orphans and b.out.articles:
        last = b.out.articles[-1]
        # A picture closing the last page is ordinary layout; body text there is not.
        only_figures = all(isinstance(x, Figure) for x in b.orphans)
        b.out.note(
            "reattached-body",
            "info" if only_figures else "warning",
            b.orphans[0].line,
            "blocks after the last article's source; kept with that article",
        )
        last.blocks.extend(b.orphans)
        if b.orphan_source is not None:
            if last.source is None:
                last.source = b.orphan_source
            else:
                last.blocks.append(Note(f"(转自{b.orphan_source})", last.blocks[-1].line))
    for article in b.out.articles:
        _dateline(article, b.heads[id(article)])
        _cut_paragraphs(article, b.out)


def _dateline(article: Article, head: int) -> None:
    """A news story's dateline credit run into its first paragraph is its byline."""
    first = article.blocks[head] if head < len(article.blocks) else None
    if article.byline is None and isinstance(first, Paragraph) and first.lead is None:
        match = _DATELINE.match(first.text)
        if match:
            article.byline, first.text = match.group(1), match.group(2)


def _cut_paragraphs(article: Article, out: Assembly) -> None:
    """Paragraphs that stop mid-sentence and were not continued lost their ending, but for
    the items of a list a paragraph announces with a colon, each complete as it stands."""
    listing = False
    for block in article.blocks:
        if not isinstance(block, Paragraph):
            listing = False
            continue
        item = listing and len(block.text) <= _MAX_LIST_ITEM and block.lead is None
        if not ended(block.text) and not item:
            out.note(
                "cut-paragraph",
                "warning",
                block.line,
                "paragraph stops mid-sentence and its continuation is missing (text lost)",
            )
        listing = block.text.endswith(("：", ":")) or item


def _kicker(lines: list[str]) -> tuple[str | None, list[str]]:
    """A kicker (引题) is what precedes "——" in a headline; a dash opening a line opens the
    subtitle (副题) and stays in the title, as does one inside quotation marks."""
    for k, line in enumerate(lines):
        before, dash, rest = line.partition("——")
        if dash and before.strip() and not _inside_quotes(before):
            kicker = "".join(lines[:k]) + before
            return kicker, ([rest] if rest else []) + lines[k + 1 :]
    return None, lines


def _inside_quotes(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count("‘") > text.count("’")
