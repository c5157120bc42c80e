"""The EPUB 3 edition: one XHTML document per article, packaged with ebooklib.

Every word, element and style the book prints comes from `templates/epub/`; Python only
gathers what the templates cannot compute (file names, figure pictures, the subset
fonts, metadata) and makes the package reproducible.

Why the parts are built as they are:
- The XHTML documents, navigation document and NCX are ebooklib items written verbatim.
  ebooklib's own EpubHtml re-parses content with an HTML parser and rebuilds its head,
  and its nav and NCX cannot print a kicker or carry landmarks; it still writes the
  package document, the container and the zip.
- Each font role (宋 body, 黑 headings and leads, 楷 kickers, bylines, decks, captions)
  is subset to exactly the characters the rendered documents set in that role, with
  HarfBuzz's subsetter: fontTools takes seconds on a CJK face, HarfBuzz milliseconds.
- The zip is rewritten with fixed entry dates, `mimetype` first and stored, so two
  builds of one input are byte-identical; the identifier is a UUIDv5 of the content.
- Issue text is made printable first (`typeset.transforms.printable`); markup-like text is
  escaped by the templates and prints literally.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import uharfbuzz as hb
from ebooklib import epub
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from typeset import pictures
from typeset.config import Config
from typeset.dates import edition_date
from typeset.furniture import publication_name, words_converter
from typeset.model import Article, Block, Figure, Issue, byline_names
from typeset.templating import environment
from typeset.transforms.printable import printable, printable_issue
from typeset.transforms.punctuation import NO_LINE_START

log = logging.getLogger(__name__)

TEMPLATES = "epub"
XHTML = "application/xhtml+xml"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
COVER_PAGE = "cover.xhtml"
CONTENTS_PAGE = "nav.xhtml"
STYLESHEET = "css/book.css"
COVER_IMAGE = "images/cover.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Features worth keeping for Chinese: language forms, vertical alternates, punctuation
# spacing (chws/halt and their vertical twins), proportional forms, kerning, marks, and
# the half- and full-width forms a reading system asks for to fit two digits across a
# vertical line in one em (text-combine-upright) and centre them.
FONT_FEATURES = (
    "ccmp", "locl", "liga", "calt", "vert", "vrt2", "halt", "vhal", "palt", "vpal",
    "chws", "vchw", "kern", "vkrn", "mark", "mkmk", "hwid", "fwid",
)  # fmt: skip
# Name records kept in subsets: names, version, designer and the licence (OFL asks for it).
FONT_NAME_IDS = range(15)
# Designed cover: pixel width, colours (paper, ink, accent), margin as a share of width.
COVER_WIDTH = 1200
COVER_PAPER = (247, 243, 234)
COVER_INK = (34, 30, 28)
COVER_ACCENT = (166, 27, 27)
COVER_MARGIN = 0.08
COVER_SHADES = 8
# Closing punctuation never starts a line on the designed cover.


@dataclass(frozen=True)
class FontRole:
    """A face and the elements set in it; the style sheet and the subsetter share this."""

    name: str
    file: str
    family: str
    weight: int
    generic: str
    selectors: tuple[str, ...]  # "tag" or "tag.class"


ROLES = (
    FontRole("song", "NotoSerifCJKsc-Regular.otf", "TS Song", 400, "serif", ("body",)),
    FontRole(
        "hei", "NotoSansCJKsc-Bold.otf", "TS Hei", 700, "sans-serif",
        ("h1", "h2", "h3", "strong.lead"),
    ),
    FontRole(
        "kai", "LXGWWenKai-Regular.ttf", "TS Kai", 400, "serif",
        ("p.kicker", "p.deck", "p.byline", "figcaption", "p.source", "p.note"),
    ),
)  # fmt: skip
# The Kai face has no regional forms. A traditional book's Kai styles name this face first:
# the Song face cut down to the marks whose place in the em box differs by region, so a
# reading system shaping with the document's language tag centres them (Taiwan, Hong Kong).
KAI_MARKS = FontRole("kai-marks", "NotoSerifCJKsc-Regular.otf", "TS Kai Marks", 400, "serif", ())
REGION_MARKS = frozenset("、。！，．：；？")


@dataclass(frozen=True)
class Resource:
    """A file of the book other than a document: picture, font, style sheet."""

    href: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class BookBlock:
    block: Block
    number: int | None = None  # figures: number in the issue, from 1
    picture: Resource | None = None


@dataclass(frozen=True)
class Entry:
    """One article and its document."""

    article: Article
    number: int
    href: str
    anchor: str
    banner: str | None  # the column name, on the first article of a column run
    blocks: list[BookBlock]


@dataclass(frozen=True)
class Column:
    name: str | None
    anchor: str
    entries: list[Entry] = field(default_factory=list)


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


# ---------------------------------------------------------------- content


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


def book_columns(issue: Issue, source: Issue, config: Config) -> list[Column]:
    """Column runs of articles with file names, banners and figure pictures.

    `source` is the issue as given: picture paths are looked up from it, not from the
    XML-safe copy, by the rule preflight reports with.
    """
    columns: list[Column] = []
    supplied = pictures.supplied(source, config)
    figures = 0
    number = 0
    for index, (name, articles) in enumerate(issue.columns, start=1):
        column = Column(name, f"column-{index}")
        for position, article in enumerate(articles):
            number += 1
            blocks: list[BookBlock] = []
            for block in article.blocks:
                if isinstance(block, Figure):
                    figures += 1
                    path = supplied[figures - 1]
                    picture = _picture(path, figures) if path else None
                    blocks.append(BookBlock(block, figures, picture))
                else:
                    blocks.append(BookBlock(block))
            column.entries.append(
                Entry(
                    article=article,
                    number=number,
                    href=f"article-{number:03d}.xhtml",
                    anchor=f"article-{number}",
                    banner=name if position == 0 else None,
                    blocks=blocks,
                )
            )
        columns.append(column)
    return columns


# ---------------------------------------------------------------- fonts


def _matches(element: etree._Element, selector: str) -> bool:
    tag, _, cls = selector.partition(".")
    if element.tag != XHTML_NS + tag:
        return False
    return not cls or cls in (element.get("class") or "").split()


def role_characters(documents: Iterable[bytes]) -> dict[str, set[str]]:
    """The characters each font role sets in the documents' bodies."""
    found: dict[str, set[str]] = {role.name: set() for role in ROLES}

    def visit(element: etree._Element, role: str) -> None:
        role = next((r.name for r in ROLES if any(_matches(element, s) for s in r.selectors)), role)
        found[role].update(element.text or "")
        for child in element:
            if isinstance(child.tag, str):
                visit(child, role)
            found[role].update(child.tail or "")

    for document in documents:
        body = etree.fromstring(document).find(XHTML_NS + "body")
        if body is not None:
            visit(body, ROLES[0].name)
    for chars in found.values():
        chars.difference_update("\t\n\r")
    return found


GENERATED = re.compile(r'([^{}:]+)::?(?:before|after)\s*\{[^{}]*?content:\s*"([^"]*)"')


def generated_characters(css: str, documents: Iterable[bytes]) -> dict[str, set[str]]:
    """The characters the style sheet's generated content (`::before`) adds to the
    documents' elements, by the role of the element it is generated on."""
    rules = [
        (selector.strip(), content)
        for selectors, content in GENERATED.findall(css)
        for selector in selectors.split(",")
    ]
    found: dict[str, set[str]] = {}
    for document in documents:
        for element in etree.fromstring(document).iter(XHTML_NS + "*"):
            for selector, content in rules:
                if _matches(element, selector):
                    role = next((r.name for r in ROLES if selector in r.selectors), ROLES[0].name)
                    found.setdefault(role, set()).update(content)
    return found


def subset_font(data: bytes, characters: Iterable[str]) -> bytes:
    """The face cut down to `characters`, keeping the layout features Chinese uses."""
    request = hb.SubsetInput()
    request.unicode_set.update(ord(c) for c in characters)
    features = request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    features.clear()
    features.update(int.from_bytes(tag.encode("ascii"), "big") for tag in FONT_FEATURES)
    names = request.sets(hb.SubsetInputSets.NAME_ID)
    names.clear()
    names.update(FONT_NAME_IDS)
    result = hb.subset(hb.Face(hb.Blob(data)), request)
    if result is None:
        raise ValueError("HarfBuzz could not subset a face")
    return bytes(result.blob.data)


def unicode_range(characters: Iterable[str]) -> str:
    """A CSS unicode-range naming exactly `characters`."""
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(characters))


def _font_path(config: Config, role: FontRole) -> Path:
    path = config.fonts_dir / role.file
    if not path.is_file():
        raise FileNotFoundError(f"font {role.file} ({role.name}) not found in {config.fonts_dir}")
    return path


def book_fonts(config: Config, characters: dict[str, set[str]]) -> list[tuple[FontRole, Resource]]:
    """One subset face per role that sets any character."""
    fonts = []
    for role in (*ROLES, KAI_MARKS):
        if not characters.get(role.name):
            continue
        data = subset_font(_font_path(config, role).read_bytes(), characters[role.name])
        truetype = data[:4] in (b"\x00\x01\x00\x00", b"true")
        suffix, media_type = (".ttf", "font/ttf") if truetype else (".otf", "font/otf")
        fonts.append((role, Resource(f"fonts/{role.name}{suffix}", media_type, data)))
    return fonts


# ---------------------------------------------------------------- cover


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Lines of `text` no wider than `width`, breaking anywhere but before closing marks."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and font.getlength(line + char) > width and char not in NO_LINE_START:
            lines.append(line)
            line = char.lstrip()
        else:
            line += char
    return [*lines, line] if line else lines


def designed_cover(
    columns: list[Column], publication: str, label: str, config: Config, language: str
) -> bytes:
    """A typographic cover: masthead, issue, then columns and headlines while they fit.

    Drawn with Pillow as two coverage masks (ink, accent) mapped onto a small palette,
    so the PNG is small, quick to encode and the same on every build. Text is shaped in
    the book's `language` (libraqm), so the faces' regional forms apply: a traditional
    cover centres ，：。 as Taiwan and Hong Kong print them.
    """
    width = COVER_WIDTH
    height = round(width * config.trim_height_mm / config.trim_width_mm)
    margin = round(width * COVER_MARGIN)
    measure = width - 2 * margin
    song = str(_font_path(config, ROLES[0]))
    hei = str(_font_path(config, ROLES[1]))
    ink = Image.new("L", (width, height), 0)
    accent = Image.new("L", (width, height), 0)
    draw_ink, draw_accent = ImageDraw.Draw(ink), ImageDraw.Draw(accent)

    draw_accent.rectangle((0, 0, width, margin // 3), fill=255)
    y = margin + margin // 3
    masthead = publication or label
    size = max(48, min(160, int(measure / max(len(masthead), 4))))
    font = ImageFont.truetype(hei, size)
    for line in _wrap(masthead, font, measure):
        y += size
        draw_accent.text((margin, y), line, font=font, fill=255, anchor="ls", language=language)
        y += size // 4
    y += 56
    if publication:
        label_font = ImageFont.truetype(song, 36)
        draw_ink.text((margin, y), label, font=label_font, fill=255, anchor="ls", language=language)
        y += 28
    draw_ink.rectangle((margin, y, width - margin, y + 4), fill=255)
    y += 40

    column_font = ImageFont.truetype(hei, 40)
    headline_font = ImageFont.truetype(song, 44)
    # (mask, font, text, leading, space above) for each column name and headline in order
    items: list[tuple[ImageDraw.ImageDraw, ImageFont.FreeTypeFont, str, int, int]] = []
    for column in columns:
        if column.name:
            items.append((draw_accent, column_font, column.name, 56, 40))
        for entry in column.entries:
            items.append((draw_ink, headline_font, entry.article.headline, 62, 20))
    for draw, font, text, leading, space in items:
        lines = _wrap(text, font, measure)
        if y + space + leading * len(lines) > height - margin:
            break
        y += space
        for line in lines:
            y += leading
            draw.text((margin, y), line, font=font, fill=255, anchor="ls", language=language)
    draw_accent.rectangle((0, height - margin // 3, width, height), fill=255)
    return _palette_png(ink, accent)


def _palette_png(ink: Image.Image, accent: Image.Image) -> bytes:
    """Merge the two masks into shades of ink and accent over paper, as a palette PNG."""
    step = 256 // COVER_SHADES
    image = ink.point([value // step for value in range(256)])
    accent_index = accent.point([COVER_SHADES + value // step for value in range(256)])
    image.paste(accent_index, mask=accent.point([255 if v >= step else 0 for v in range(256)]))
    palette: list[int] = []
    for colour in (COVER_INK, COVER_ACCENT):
        for shade in range(COVER_SHADES):
            share = shade / (COVER_SHADES - 1)
            palette += [
                round(p + (c - p) * share) for p, c in zip(COVER_PAPER, colour, strict=True)
            ]
    image.putpalette(palette)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


# ---------------------------------------------------------------- package


class _Item(epub.EpubItem):
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


def modified_date(
    environ: Mapping[str, str] = os.environ, issue_date: date | None = None
) -> datetime:
    """The book's dcterms:modified and the zip entries' date (see `typeset.dates`)."""
    return edition_date(issue_date, environ)


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
    documents: list[_Item]  # in spine order
    resources: list[_Item]  # style sheet, fonts, pictures, NCX


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


def write_epub(
    issue: Issue,
    out_path: Path,
    config: Config,
    *,
    vertical: bool = False,
    cover_png: bytes | None = None,
) -> None:
    """Write the EPUB 3 edition of `issue` (already in its edition's script) to `out_path`.

    `vertical` sets the text top to bottom, right to left (the traditional edition's 直排);
    `cover_png` is the print edition's first page, else a cover is designed from the issue.
    """
    if not issue.articles:
        raise ValueError(f"{issue.id}: no article to put in the book")
    if cover_png is not None and not cover_png.startswith(PNG_SIGNATURE):
        raise ValueError("cover_png is not a PNG image")
    safe = printable_issue(issue)
    convert = words_converter(issue, config)
    env = environment(config.templates_dir, convert)
    env.filters["vertical_runs"] = vertical_runs if vertical else (lambda text: [(None, text)])
    publication = publication_name(safe, config, convert)
    info = config.issue_info(issue.id)
    label = printable(convert(info.label)) if info.label else printable(issue.id)
    title = f"{publication} {label}" if publication else label

    columns = book_columns(safe, issue, config)
    entries = [entry for column in columns for entry in column.entries]
    pictures = [b.picture for e in entries for b in e.blocks if b.picture]
    cover = cover_png or designed_cover(columns, publication, label, config, safe.language)
    files = [p.data for p in pictures] + [cover]
    identifier = book_identifier(issue, publication, vertical, files)

    def render(name: str, **context: object) -> bytes:
        template = env.get_template(f"{TEMPLATES}/{name}")
        return template.render(language=safe.language, stylesheet=STYLESHEET, **context).encode()

    cover_page = render("cover.xhtml.j2", cover_href=COVER_IMAGE, title=title)
    nav = render(
        "nav.xhtml.j2", columns=columns, cover_page=COVER_PAGE, contents_page=CONTENTS_PAGE
    )
    documents = [
        _Item("cover", COVER_PAGE, XHTML, cover_page),
        _Item("nav", CONTENTS_PAGE, XHTML, nav, properties=["nav"]),
    ]
    for e in entries:
        documents.append(_Item(e.anchor, e.href, XHTML, render("article.xhtml.j2", entry=e)))

    characters = role_characters(item.content for item in documents)
    # The marks the style sheet generates are set in the role's face too.
    unstyled = render("book.css.j2", faces=[], roles=[], families={}, vertical=vertical)
    generated = generated_characters(unstyled.decode(), (item.content for item in documents))
    for role, chars in generated.items():
        characters[role] |= chars
    families = {role.name: [role.family] for role in ROLES}
    if safe.edition == "traditional" and characters["kai"] & REGION_MARKS:
        characters[KAI_MARKS.name] = characters["kai"] & REGION_MARKS
        families["kai"].insert(0, KAI_MARKS.family)
    fonts = book_fonts(config, characters)
    faces = [
        {
            "family": r.family,
            "weight": r.weight,
            "url": "../" + f.href,
            "unicode_range": unicode_range(characters[r.name]) if r is KAI_MARKS else None,
        }
        for r, f in fonts
    ]
    css = render("book.css.j2", faces=faces, roles=ROLES, families=families, vertical=vertical)
    ncx = render("toc.ncx.j2", columns=columns, identifier=identifier, title=title)
    summary = render("summary.txt.j2", title=title, pictures=bool(pictures), vertical=vertical)
    resources = [_Item("css", STYLESHEET, "text/css", css)]
    resources += [_Item(f"font-{r.name}", f.href, f.media_type, f.data) for r, f in fonts]
    resources += [
        _Item(f"picture-{number}", p.href, p.media_type, p.data)
        for number, p in enumerate(pictures, start=1)
    ]
    resources.append(_Item("ncx", "toc.ncx", "application/x-dtbncx+xml", ncx))
    names = [name for article in safe.articles for name in byline_names(article.byline)]

    book = package_book(
        Contents(
            identifier=identifier,
            title=title,
            language=safe.language,
            contributors=list(dict.fromkeys(names)),
            summary=" ".join(summary.decode().split()),
            date=info.date,
            cover=cover,
            documents=documents,
            resources=resources,
        ),
        vertical,
    )
    stamp = modified_date(issue_date=info.date)
    options = {
        "mtime": stamp,
        "epub2_guide": False,
        "epub3_landmark": False,
        "epub3_pages": False,
        "compresslevel": 0,  # compressed once, by reproducible_zip
        "raise_exceptions": True,
    }
    packed = io.BytesIO()
    epub.write_epub(packed, book, options)
    Path(out_path).write_bytes(reproducible_zip(packed.getvalue(), stamp))
