"""The book's documents: a cover page, the contents page and one XHTML document per article,
rendered from `templates/epub/`, with the pictures they show.

Every word, element and style the book prints comes from the templates; Python only gathers
what they cannot compute (file names, pictures, which runs of a vertical line are set across
or upright). Issue text is made printable first (`typeset.writers.shared.prepare`);
markup-like text is escaped by the templates and prints literally.
"""

from __future__ import annotations

import re
from pathlib import Path

from typeset.writers.epub.package import Item, Resource
from typeset.writers.shared import ColumnView, Edition

TEMPLATES = "epub"
XHTML = "application/xhtml+xml"
COVER_PAGE = "cover.xhtml"
CONTENTS_PAGE = "nav.xhtml"
STYLESHEET = "css/book.css"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A run with a Latin letter (5G, iPhone15), else a number with its decimal point or
# thousands separators and a per cent sign (2025, 12.5%, 1,000).
LATIN_OR_DIGITS = re.compile(r"[0-9A-Za-z]*[A-Za-z][0-9A-Za-z]*|[0-9]+(?:[.,][0-9]+)*%?")


def vertical_runs(text: str) -> list[tuple[str | None, str]]:
    """`text` in runs, each with how it is set vertically (None: as the text around it).

    Runs of one or two characters (4月9日, AI, 5G, 5%) are set across the column in one
    em (tate-chu-yoko, class `tcy`). Longer runs stand upright character by character
    (class `upright`): numbers (2025, 12.5%), all-caps acronyms (APP, CPU, APEC), read
    letter by letter anyway, and mixed-case words (Python) too. Clreq also allows long
    words sideways, the browsers' default, but the issue asks for upright or
    tate-chu-yoko, and this press prints Latin only as names and acronyms, never as
    prose, so the reader never has to tilt the book for a word. A number keeps its
    decimal point and per cent sign in its run: 12.5% is one upright run, not two
    tate-chu-yoko pieces around a sideways point.
    """
    parts: list[tuple[str | None, str]] = []
    position = 0
    for match in LATIN_OR_DIGITS.finditer(text):
        run = match.group()
        parts += [
            (None, text[position : match.start()]),
            ("tcy" if len(run) <= 2 else "upright", run),
        ]
        position = match.end()
    parts.append((None, text[position:]))
    return [(kind, part) for kind, part in parts if part]


def horizontal_runs(text: str) -> list[tuple[str | None, str]]:
    """A horizontal book marks no runs."""
    return [(None, text)]


def document_href(number: int) -> str:
    """The file of the `number`-th article's document."""
    return f"article-{number:03d}.xhtml"


def _media_type(data: bytes) -> str | None:
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def _picture(path: Path, number: int) -> Resource:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileNotFoundError(f"picture for figure {number}: {error}") from error
    media_type = _media_type(data)
    if media_type is None:
        raise ValueError(f"picture for figure {number} is neither JPEG nor PNG: {path}")
    suffix = ".png" if media_type == "image/png" else ".jpg"
    return Resource(f"images/figure-{number}{suffix}", media_type, data)


def pictures(columns: list[ColumnView]) -> dict[int, Resource]:
    """The pictures supplied for the issue's figures, by figure number."""
    return {
        block.number: _picture(block.picture, block.number)
        for column in columns
        for view in column.articles
        for block in view.blocks
        if block.picture is not None and block.number is not None
    }


def render(edition: Edition, name: str, **context: object) -> bytes:
    """One of the book's templates, rendered for `edition`."""
    template = edition.env.get_template(f"{TEMPLATES}/{name}")
    return template.render(
        language=edition.issue.language, stylesheet=STYLESHEET, **context
    ).encode()


def documents(
    edition: Edition, title: str, cover_image: str, shown: dict[int, Resource]
) -> list[Item]:
    """The cover page, the contents page and the articles' documents, in reading order."""
    cover_page = render(edition, "cover.xhtml.j2", cover_href=cover_image, title=title)
    nav = render(
        edition,
        "nav.xhtml.j2",
        columns=edition.columns,
        cover_page=COVER_PAGE,
        contents_page=CONTENTS_PAGE,
    )
    items = [
        Item("cover", COVER_PAGE, XHTML, cover_page),
        Item("nav", CONTENTS_PAGE, XHTML, nav, properties=["nav"]),
    ]
    for column in edition.columns:
        for view in column.articles:
            page = render(edition, "article.xhtml.j2", entry=view, pictures=shown)
            items.append(Item(view.anchor, document_href(view.number), XHTML, page))
    return items
