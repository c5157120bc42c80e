"""The EPUB 3 edition: one XHTML document per article (`content`), each font role's face
subset to what the book sets in it (`fonts`), a designed cover (`cover`), packaged
reproducibly (`package`)."""

from __future__ import annotations

import io
import time
from pathlib import Path

from ebooklib import epub

from typeset.config import Config
from typeset.fonts import KAI_MARKS_FAMILY, REGION_MARKS, ROLES
from typeset.model import Issue
from typeset.transforms.printable import printable
from typeset.writers.epub import content
from typeset.writers.epub.cover import designed_cover
from typeset.writers.epub.fonts import book_fonts, generated_characters, role_characters
from typeset.writers.epub.package import (
    COVER_IMAGE,
    Contents,
    Item,
    book_identifier,
    package_book,
    reproducible_zip,
)
from typeset.writers.shared import Edition, prepare


def write(model: Issue, target: Path, config: Config, timings: dict[str, float]) -> None:
    """The traditional edition is set vertically when the settings ask for it."""
    start = time.perf_counter()
    vertical = model.edition == "traditional" and config.vertical_epub
    write_epub(model, target, config, vertical=vertical)
    timings["epub"] = timings.get("epub", 0.0) + time.perf_counter() - start


def write_epub(issue: Issue, out_path: Path, config: Config, *, vertical: bool = False) -> None:
    """Write the EPUB 3 edition of `issue` (an edition's model) to `out_path`; `vertical`
    sets the text top to bottom, right to left (the traditional edition's 直排)."""
    if not issue.articles:
        raise ValueError(f"{issue.id}: no article to put in the book")
    filters = {
        "vertical_runs": content.vertical_runs if vertical else content.horizontal_runs,
        "document_href": content.document_href,
    }
    edition = prepare(issue, config, filters)
    label = edition.label or printable(issue.id)
    title = f"{edition.publication} {label}" if edition.publication else label
    language = edition.issue.language
    shown = content.pictures(edition.columns)
    cover = designed_cover(edition.columns, edition.publication, label, config, language)
    files = [p.data for p in shown.values()] + [cover]
    identifier = book_identifier(issue, edition.publication, vertical, files)

    documents = content.documents(edition, title, COVER_IMAGE, shown)
    resources = [*_style(edition, documents, config, vertical)]
    resources += [
        Item(f"picture-{n}", p.href, p.media_type, p.data)
        for n, p in enumerate(shown.values(), start=1)
    ]
    ncx = content.render(
        edition, "toc.ncx.j2", columns=edition.columns, identifier=identifier, title=title
    )
    resources.append(Item("ncx", "toc.ncx", "application/x-dtbncx+xml", ncx))
    summary = content.render(
        edition, "summary.txt.j2", title=title, pictures=bool(shown), vertical=vertical
    )
    book = package_book(
        Contents(
            identifier=identifier,
            title=title,
            language=language,
            contributors=edition.authors,
            summary=" ".join(summary.decode().split()),
            date=edition.info.date,
            cover=cover,
            documents=documents,
            resources=resources,
        ),
        vertical,
    )
    options = {
        "mtime": edition.date,
        "epub2_guide": False,
        "epub3_landmark": False,
        "epub3_pages": False,
        "compresslevel": 0,  # compressed once, by reproducible_zip
        "raise_exceptions": True,
    }
    packed = io.BytesIO()
    epub.write_epub(packed, book, options)
    Path(out_path).write_bytes(reproducible_zip(packed.getvalue(), edition.date))


def _style(edition: Edition, documents: list[Item], config: Config, vertical: bool) -> list[Item]:
    """The style sheet and the subset fonts it declares: each role's face cut down to the
    characters the documents set in it, the marks the style sheet generates included."""
    characters = role_characters(item.content for item in documents)
    unstyled = content.render(
        edition, "book.css.j2", faces=[], roles=[], families={}, vertical=vertical
    )
    generated = generated_characters(unstyled.decode(), (item.content for item in documents))
    for role, chars in generated.items():
        characters[role] |= chars
    families = {role.name: [role.family] for role in ROLES}
    if edition.issue.edition == "traditional" and characters["kai"] & REGION_MARKS:
        characters["kai-marks"] = characters["kai"] & REGION_MARKS
        families["kai"].insert(0, KAI_MARKS_FAMILY)
    fonts = book_fonts(config.fonts_dir, characters)
    faces = [
        {
            "family": font.family,
            "weight": font.weight,
            "url": "../" + font.resource.href,
            "unicode_range": font.unicode_range,
        }
        for font in fonts
    ]
    css = content.render(
        edition, "book.css.j2", faces=faces, roles=ROLES, families=families, vertical=vertical
    )
    items = [Item("css", content.STYLESHEET, "text/css", css)]
    items += [
        Item(f"font-{font.name}", font.resource.href, font.resource.media_type, font.resource.data)
        for font in fonts
    ]
    return items
