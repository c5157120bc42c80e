"""The print edition as HTML: the single input WeasyPrint lays out.

Python only gathers what the templates cannot compute themselves (anchors, figure
numbers, file URLs from the configuration, the document date); every word, style and
rule of the page is in `templates/print/`, so a copy of that folder restyles the edition.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from unicodedata import east_asian_width

from typeset import pictures
from typeset.config import Config
from typeset.dates import FALLBACK, edition_date
from typeset.furniture import publication_name, words_converter
from typeset.model import Article, Block, Figure, Issue, byline_names
from typeset.templating import environment
from typeset.transforms.printable import printable, printable_issue
from typeset.transforms.punctuation import NO_LINE_START

LOGGER = logging.getLogger(__name__)
PRINT_TEMPLATE = "print/issue.html.j2"
# Used when SOURCE_DATE_EPOCH is unset: the model carries no issue date, and any
# clock- or file-derived date would make two builds of one issue differ.
FALLBACK_DATE = FALLBACK.strftime("%Y-%m-%dT%H:%M:%SZ")
# Room beyond the bleed where WeasyPrint draws the crop marks (in the outer half of the
# CSS bleed), so the marks never touch bleeding artwork.
MARKS_ROOM_MM = 7.0
# Where a long headline line may be broken: after these marks (a closing quotation mark
# included), or at a space between two Chinese words (a space next to Latin letters or
# digits is only Han-Latin spacing).
HEADLINE_BREAK = re.compile(
    r"[，、：；！？,:;!?”’》〉」』）)]"  # after a comma, colon or closing mark
    r"|(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])"  # a space between Chinese words
)
# Where a headline may also be broken when no mark or space allows a break that fits:
# before a verb that opens a predicate ("……民政局 / 打造……", "……社会组织 / 成为……"),
# or between an issuing body and the verb or preposition after it ("……服务局 / 以党建……"),
# in both editions' characters. Used only when the lines come out even enough.
PREDICATE_VERBS = (
    "推动|推進|推进|打造|开展|開展|召开|召開|举办|舉辦|举行|"
    "舉行|成为|成為|助力|构建|構建|加强|加強|探索|实现|實現|"
    "促进|促進|引领|引領|出台|出臺|发布|發布|深化|坚持|堅持|"
    "提升|织密|織密|创新|創新|建立|健全|聚焦|绘就|繪就|赋能|"
    "賦能|激活|做好|夯实|夯實|筑牢|築牢|凝聚|打通|答好|书写|"
    "書寫|护航|護航|破解|激发|激發|释放|釋放|扎实|紮實|全力|"
    "持续|持續|切实|切實|着力|著力|启动|啟動|完善|强化|強化|"
    "落实|落實|抓实|抓實|谱写|譜寫|奏响|奏響"
)
ISSUER_ENDS = "省市县縣区區旗州盟镇鎮乡鄉村局委厅廳部办辦会會站所院校社队隊"
PREPOSITIONS = "以为為让讓把用在与與从從将將向对對"
WORD_BREAK = re.compile(f"(?=(?:{PREDICATE_VERBS}))|(?<=[{ISSUER_ENDS}])(?=[{PREPOSITIONS}])")
# A break found by WORD_BREAK is taken only if the shortest line is at least this share
# of the longest; otherwise an evenly wrapped block looks better.
WORD_BREAK_EVENNESS = 0.5
# Most line splits `most_even` tries for one line count: a two- or three-line headline has
# a few hundred; the guard keeps a long caption from costing minutes.
MOST_EVEN_SPLITS = 20_000
OPENING_QUOTES = "“‘《〈「『（("
CLOSING_QUOTES = "”’》〉」』）)"
# Pango 1.50 follows UAX #14 before Unicode 15.1: no break before “ or after ” (class QU),
# so “根”与“魂” is one unbreakable run and the line before it is spread wide. Chinese allows
# both breaks; a zero-width space marks them for Pango. It draws no glyph, so the PDF's
# text is the source text.
WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
QUOTE_BREAK = re.compile(
    f"(?<=[{WIDE}])(?<![《〈「『（【〔〖])(?=[“‘])"  # before an opening quote after Chinese
    f"|(?<=[”’])(?=[“‘]|[{WIDE}](?<![，。、：；！？》〉」』）】〕〗]))"  # after a closing one
)
ZERO_WIDTH_SPACE = "\u200b"
# ICC header colour-space signatures -> the component names `@color-profile` wants.
ICC_COMPONENTS = {
    b"RGB ": ("red", "green", "blue"),
    b"CMYK": ("cyan", "magenta", "yellow", "black"),
    b"GRAY": ("gray",),
}


@dataclass(frozen=True)
class PrintBlock:
    block: Block
    # Figures only: number in the issue (from 1) and the URL of a supplied picture.
    number: int | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class PrintArticle:
    article: Article
    anchor: str
    # Set on the first article of a column run: the banner printed at its head.
    banner: str | None
    blocks: list[PrintBlock]


@dataclass(frozen=True)
class PrintColumn:
    name: str | None
    anchor: str
    articles: list[PrintArticle]


def document_date(environ: Mapping[str, str] = os.environ, issue_date: date | None = None) -> str:
    """The W3C date stamped as creation and modification date of the PDF."""
    return edition_date(issue_date, environ).strftime("%Y-%m-%dT%H:%M:%SZ")


def icc_components(profile: Path) -> tuple[str, ...]:
    """Component names of an ICC profile, read from its header's colour space."""
    with profile.open("rb") as handle:
        header = handle.read(20)
    try:
        return ICC_COMPONENTS[header[16:20]]
    except KeyError:
        raise ValueError(f"{profile}: not an RGB, CMYK or grey ICC profile") from None


def existing_picture(issue: Issue, path: Path | None, number: int) -> Path | None:
    """The supplied picture if its file exists. A named picture that is missing leaves the
    frame in place and says so, rather than letting WeasyPrint print the alternative text."""
    if path is None or path.is_file():
        return path
    LOGGER.warning("%s: picture %s for figure %d not found", issue.id, path, number)
    return None


def print_columns(issue: Issue, config: Config) -> list[PrintColumn]:
    """Column runs with anchors for contents and bookmarks, figures numbered in print order."""
    columns: list[PrintColumn] = []
    supplied = pictures.supplied(issue, config)
    figures = 0
    index = 0
    for column_index, (name, articles) in enumerate(issue.columns, start=1):
        views: list[PrintArticle] = []
        for position, article in enumerate(articles):
            index += 1
            blocks: list[PrintBlock] = []
            for block in article.blocks:
                if isinstance(block, Figure):
                    figures += 1
                    image = existing_picture(issue, supplied[figures - 1], figures)
                    url = image.resolve().as_uri() if image else None
                    blocks.append(PrintBlock(block, figures, url))
                else:
                    blocks.append(PrintBlock(block))
            banner = name if position == 0 else None
            views.append(PrintArticle(article, f"article-{index}", banner, blocks))
        columns.append(PrintColumn(name, f"column-{column_index}", views))
    return columns


def document_authors(issue: Issue) -> list[str]:
    """Everyone a byline names, once each, in print order."""
    names: list[str] = []
    for article in issue.articles:
        for name in byline_names(article.byline):
            if name not in names:
                names.append(name)
    return names


def text_ems(text: str) -> float:
    """Rough printed width of `text` in em: wide (CJK) characters and “”‘’ 1, a space a
    quarter (as autospace prints it next to Han), others half."""
    return sum(0.25 if c == " " else 1.0 if east_asian_width(c) in "WFA" else 0.5 for c in text)


def headline_lines(printed: str | list[str], measure: float) -> list[tuple[str, float | None]]:
    """How a printed title line (or several run together) is set on `measure` em.

    A line that fits stays whole. A longer one is broken where a headline editor would:
    where the printed lines met, after a comma, enumeration comma or colon, or at a space
    between words, never inside quotation marks or book-title marks, choosing the breaks
    that give the most even lines; failing those, before a predicate (`WORD_BREAK`) when
    the lines come out even enough. When no such break fits, it becomes one block with a
    balanced max-width (in em), so it wraps into equal lines instead of a line and a stub.
    """
    lines = [printed] if isinstance(printed, str) else printed
    text = "".join(lines)
    ems = text_ems(text)
    if ems <= measure:
        return [(text, None)]
    depth = [0]
    for char in text:
        change = (char in OPENING_QUOTES) - (char in CLOSING_QUOTES)
        depth.append(depth[-1] + change)

    def allowed(ends: set[int]) -> list[int]:
        return sorted(
            end
            for end in ends
            if 0 < end < len(text) and depth[end] <= 0 and text[end] not in NO_LINE_START
        )

    joins = set(itertools.accumulate(len(line) for line in lines))
    joins |= {m.end() for m in HEADLINE_BREAK.finditer(text)}
    strong = allowed(joins)
    words = allowed(joins | {m.start() for m in WORD_BREAK.finditer(text)})
    fewest = math.ceil(ems / measure)
    best = most_even(text, strong, measure, fewest)
    if best is None:
        best = most_even(text, words, measure, fewest)
        widths = [text_ems(part) for part in best or ()]
        if widths and min(widths) < WORD_BREAK_EVENNESS * max(widths):
            best = None
    if best is not None:
        return [(part, None) for part in best]
    return [(text, min(measure, math.ceil(ems / fewest) + 1.0))]


def most_even(text: str, breaks: list[int], measure: float, fewest: int) -> list[str] | None:
    """The split of `text` at `breaks` into `fewest` (or one more) lines that fit on
    `measure` em with the least difference between the longest and shortest line.

    Every split is tried, which is instant for a headline; text with more splits than
    `MOST_EVEN_SPLITS` (a paragraph-long caption) gets None, the balanced block instead."""
    best: tuple[float, list[str]] | None = None
    for count in (fewest, fewest + 1):
        if math.comb(len(breaks), count - 1) > MOST_EVEN_SPLITS:
            return best[1] if best else None
        for cut in itertools.combinations(breaks, count - 1):
            bounds = (0, *cut, len(text))
            parts = [text[a:b].strip() for a, b in itertools.pairwise(bounds)]
            widths = [text_ems(part) for part in parts]
            if max(widths) > measure:
                continue
            spread = max(widths) - min(widths)
            if best is None or spread < best[0]:
                best = (spread, parts)
        if best is not None:
            return best[1]
    return None


def quote_breaks(text: str) -> str:
    """`text` with the line breaks Chinese allows at quotation marks made visible to Pango."""
    return QUOTE_BREAK.sub(ZERO_WIDTH_SPACE, text)


# Marks that may end a last line without counting as its text.
CLOSING_MARKS = set("，。、；：？！…—）》」』”’")
# Characters of text a paragraph's last line keeps: a single character alone (孤字) reads
# as a printing fault.
LAST_LINE_CHARACTERS = 2


def last_characters(text: str) -> tuple[str, str]:
    """`text` split before its last two characters (and the marks after them), which the
    template keeps on one line so a paragraph never ends on a single character; the tail is
    empty when the text is too short to split."""
    end = len(text)
    counted = 0
    while end > 0 and counted < LAST_LINE_CHARACTERS:
        end -= 1
        char = text[end]
        if char not in CLOSING_MARKS and not char.isspace() and char != ZERO_WIDTH_SPACE:
            counted += 1
    if counted < LAST_LINE_CHARACTERS or end == 0:
        return text, ""
    return text[:end], text[end:]


def render_print_html(
    issue: Issue, config: Config, convert: Callable[[str], str] | None = None
) -> str:
    """Render the print templates for one issue (already in its edition's script).

    The issue's text is made printable first (`typeset.transforms.printable`), so a control or bidi
    character in an issue file cannot break or reorder the page. `convert` turns the
    words the templates print into the edition's script; by default it follows the
    issue's language (see `typeset.furniture.words_converter`).
    """
    issue = printable_issue(issue)
    to_edition = convert or words_converter(issue, config)
    env = environment(config.templates_dir, to_edition)
    env.filters["headline_lines"] = headline_lines
    env.filters["quote_breaks"] = quote_breaks
    env.filters["last_characters"] = last_characters
    profile = config.color_profile.resolve()
    publication = publication_name(issue, config, to_edition)
    lead = issue.articles[0].headline if issue.articles else ""
    return env.get_template(PRINT_TEMPLATE).render(
        issue=issue,
        publication=publication,
        title=" · ".join(part for part in (publication, lead) if part),
        authors=document_authors(issue),
        date=document_date(issue_date=config.issue_info(issue.id).date),
        issue_label=printable(to_edition(config.issue_info(issue.id).label)),
        columns=print_columns(issue, config),
        keywords=[name for name, _ in issue.columns if name],
        page={
            "width": f"{config.trim_width_mm:g}mm",
            "height": f"{config.trim_height_mm:g}mm",
            "bleed": f"{config.bleed_mm:g}mm",
            "media_bleed": f"{config.bleed_mm + MARKS_ROOM_MM:g}mm",
        },
        fonts_url=config.fonts_dir.resolve().as_uri(),
        profile={"url": profile.as_uri(), "components": icc_components(profile)},
    )
