"""The EPUB package: metadata, manifest and spine with ebooklib, then a reproducible zip.

The XHTML documents, navigation document and NCX are ebooklib items written verbatim:
ebooklib's own EpubHtml re-parses content with an HTML parser and rebuilds its head, and its
nav and NCX cannot print a kicker or carry landmarks; it still writes the package document,
the container and the zip. The zip is rewritten with fixed entry dates, `mimetype` first and
stored, so two builds of one input are byte-identical; the identifier is a UUIDv5 of the
content.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from ebooklib import epub

from typeset.model import Issue

COVER_IMAGE = "images/cover.png"


@dataclass(frozen=True)
class Resource:
    """A file of the book other than a document: picture, font, style sheet."""

    href: str
    media_type: str
    data: bytes


class Item(epub.EpubItem):
    """An item ebooklib writes verbatim, with manifest properties."""

    def __init__(
        self, uid: str, href: str, media_type: str, content: bytes, properties: Iterable[str] = ()
    ) -> None:
        super().__init__(uid=uid, file_name=href, media_type=media_type, content=content)
        self.properties = list(properties)


def _without_lines(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def book_identifier(issue: Issue, publication: str, vertical: bool, files: Iterable[bytes]) -> str:
    """A UUIDv5 URN of what the book shows: model text, publication, layout, pictures.

    Source path, line numbers and diagnostics are left out: they do not change the book.
    """
    model = issue.to_dict()
    del model["source_path"], model["diagnostics"], model["edition"]
    digest = hashlib.sha256()
    payload = {"model": _without_lines(model), "publication": publication, "vertical": vertical}
    digest.update(json.dumps(payload, sort_keys=True).encode("ascii"))
    for data in files:
        digest.update(hashlib.sha256(data).digest())
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:sha256:' + digest.hexdigest())}"


def reproducible_zip(data: bytes, stamp: datetime) -> bytes:
    """The zip again with `mimetype` first and stored, fixed dates and modes, in order."""
    date_time = max((1980, 1, 1, 0, 0, 0), min(stamp.timetuple()[:6], (2107, 12, 31, 23, 59, 58)))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in sorted(names, key=lambda n: n != "mimetype"):
            info = zipfile.ZipInfo(name, date_time)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()


ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),  # the cover, and figures' pictures
    ("schema:accessModeSufficient", "textual"),  # every picture has its caption as alt
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
)


@dataclass(frozen=True)
class Contents:
    """Everything the package holds, rendered."""

    identifier: str
    title: str
    language: str
    contributors: list[str]
    summary: str
    date: date | None  # the issue's own date, when typeset.toml gives it
    cover: bytes
    documents: list[Item]  # in spine order
    resources: list[Item]  # style sheet, fonts, pictures, NCX


def package_book(contents: Contents, vertical: bool) -> epub.EpubBook:
    """The ebooklib book: metadata, manifest and spine."""
    book = epub.EpubBook()
    book.set_identifier(contents.identifier)
    book.set_title(contents.title)
    book.set_language(contents.language)
    if contents.date:
        book.add_metadata("DC", "date", contents.date.isoformat())
    for number, name in enumerate(contents.contributors, start=1):
        uid = f"contributor-{number}"
        role = {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"}
        book.add_metadata("DC", "contributor", name, {"id": uid})
        book.add_metadata(None, "meta", "aut", role)
    for name, value in (*ACCESSIBILITY, ("schema:accessibilitySummary", contents.summary)):
        book.add_metadata(None, "meta", value, {"property": name})
    if vertical:
        book.set_direction("rtl")  # page-progression-direction on the spine
        writing_mode = {"name": "primary-writing-mode", "content": "vertical-rl"}
        book.add_metadata(None, "meta", "", writing_mode)
    book.set_cover(COVER_IMAGE, contents.cover, create_page=False)
    for item in [*contents.resources, *contents.documents]:
        book.add_item(item)
    book.spine = contents.documents
    return book
