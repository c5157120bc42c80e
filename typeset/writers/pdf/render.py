"""The print edition: a PDF/X-4 file laid out by WeasyPrint from `render_print_html`.

WeasyPrint may read only the project's own files (templates, fonts, pictures, the output
profile): an issue or a restyled template must not be able to pull in the network or
arbitrary local files. The style sheets name only the bundled faces; a character they lack
is a preflight error, so only a build forced past it can fall back to an installed font.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname
from xml.sax.saxutils import escape

import pydyf
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from typeset.config import Config
from typeset.model import Issue
from typeset.writers.pdf import columns, justify
from typeset.writers.pdf.html import render_print_html

LOGGER = logging.getLogger(__name__)
# PDF/X-4 with the `@color-profile` rule of templates/print/setup.css.j2 as output intent,
# tagged (WeasyPrint allows tags together with PDF/X).
PDF_OPTIONS = {"pdf_variant": "pdf/x-4", "output_intent": "--output", "pdf_tags": True}
POINTS_PER_MM = 72 / 25.4
XMP_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


class URLRefused(ValueError):
    """A document asked for a resource outside the project's allowed files."""


class ProjectFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only local files from allowed places.

    WeasyPrint turns fetcher errors into warnings and carries on, so refusals are also
    kept in `refused`; `render_document` fails the build on any.
    """

    def __init__(self, folders: Iterable[Path], files: Iterable[Path] = ()) -> None:
        super().__init__(allowed_protocols=("file",))
        self.folders = tuple(folder.resolve() for folder in folders)
        self.files = frozenset(path.resolve() for path in files)
        self.refused: list[str] = []

    @classmethod
    def for_config(cls, config: Config) -> ProjectFetcher:
        return cls(
            (config.templates_dir, config.fonts_dir, config.image_dir),
            (config.color_profile,),
        )

    def allows(self, path: Path) -> bool:
        resolved = path.resolve()
        return resolved in self.files or any(
            resolved.is_relative_to(folder) for folder in self.folders
        )

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(url2pathname(unquote(parts.path)))
        if (
            parts.scheme != "file"
            or parts.netloc not in ("", "localhost")
            or not (path.is_absolute() and self.allows(path))
        ):
            self.refused.append(url)
            raise URLRefused(f"refused to fetch {url}: not a project file")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": mime_type}
        )


class Finisher:
    """Last touches on WeasyPrint's PDF objects before they are written.

    - Every page's BleedBox goes `bleed_mm` outside its TrimBox: the CSS bleed also holds
      the crop marks, and WeasyPrint caps the BleedBox at 10 pt.
    - The XMP DocumentID, a random UUID in WeasyPrint, becomes one derived from
      `identity`, so two builds of the same document are byte-identical. XMP means the
      DocumentID to be shared by all versions and renditions of a document, so it comes
      from the issue and its edition's language, not from the output or the paths.
    - The XMP gets the document's `dc:language`, which WeasyPrint 70 writes only to the
      catalog's /Lang.
    """

    def __init__(self, bleed_mm: float, identity: str, language: str) -> None:
        self.bleed = bleed_mm * POINTS_PER_MM
        self.document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, identity)}".encode()
        self.language = (
            '<rdf:Description rdf:about=""><dc:language><rdf:Bag>'
            f"<rdf:li>{escape(language)}</rdf:li>"
            "</rdf:Bag></dc:language></rdf:Description></rdf:RDF>"
        ).encode()

    def __call__(self, document: object, pdf: pydyf.PDF) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page":
                self.set_bleed_box(obj)
            elif isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
                obj.stream = [self.finish_xmp(bytes(part)) for part in obj.stream]

    def finish_xmp(self, xmp: bytes) -> bytes:
        return XMP_DOCUMENT_ID.sub(self.document_id, xmp).replace(b"</rdf:RDF>", self.language)

    def set_bleed_box(self, page: pydyf.Dictionary) -> None:
        left, bottom, right, top = (float(value) for value in page["TrimBox"])
        bleed = self.bleed
        page["BleedBox"] = pydyf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])


def weasyprint_source(markup: str, config: Config) -> tuple[HTML, ProjectFetcher]:
    """WeasyPrint's input for print markup: relative URLs resolve against the print
    templates, and only project files can be fetched (see `ProjectFetcher.refused`)."""
    fetcher = ProjectFetcher.for_config(config)
    base_url = (config.templates_dir / "print").resolve().as_uri() + "/"
    return HTML(string=markup, base_url=base_url, url_fetcher=fetcher), fetcher


@contextlib.contextmanager
def font_configuration(shared: FontConfiguration | None = None) -> Iterator[FontConfiguration]:
    """`shared`, or a new FontConfiguration whose copies of the fonts are deleted on leaving.

    WeasyPrint 70 copies every `@font-face` file into a temporary folder (`_folder`, made
    for the first face) and deletes it only in `FontConfiguration.__del__`, which never runs
    in a build worker (it ends with `os._exit`) and is not promised at interpreter exit
    either: every issue left about 25 MB in the temporary folder. The fonts are read while
    laying out and writing, so leave only once the PDF is written. A `shared` configuration
    (`typeset serve` keeps one for many renders) is its owner's to remove.
    """
    if shared is not None:
        yield shared
        return
    font_config = FontConfiguration()
    try:
        yield font_config
    finally:
        remove_font_copies(font_config)


def remove_font_copies(font_config: FontConfiguration) -> None:
    """Delete the folder where WeasyPrint copied `font_config`'s fonts, if it made one.
    `_folder` is WeasyPrint's private attribute, pinned by tests/test_build.py."""
    folder = getattr(font_config, "_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        font_config._folder = None


def render_document(
    issue: Issue,
    config: Config,
    timings: dict[str, float] | None = None,
    font_config: FontConfiguration | None = None,
) -> Document:
    """Lay out one issue: WeasyPrint's document, with its pages and boxes.

    The document reads the fonts copied for `font_config` (a new one by default) until it is
    written: see `font_configuration` for who removes them.
    """
    justify.install()
    columns.install()
    stages = {} if timings is None else timings
    start = time.perf_counter()
    markup = render_print_html(issue, config)
    stages["html"] = time.perf_counter() - start

    start = time.perf_counter()
    source, fetcher = weasyprint_source(markup, config)
    font_config = FontConfiguration() if font_config is None else font_config
    document = source.render(font_config=font_config, color_profiles={}, **PDF_OPTIONS)
    stages["layout"] = time.perf_counter() - start
    if fetcher.refused:
        raise URLRefused("the print templates asked for " + ", ".join(fetcher.refused))
    return document


def render_pdf(
    issue: Issue,
    config: Config,
    timings: dict[str, float] | None = None,
    font_config: FontConfiguration | None = None,
) -> bytes:
    """The PDF of one issue as bytes; `timings` receives seconds per stage. Leaves no copy
    of the fonts behind, unless `font_config` is given (`font_configuration`)."""
    stages = {} if timings is None else timings
    with font_configuration(font_config) as fonts:
        document = render_document(issue, config, stages, fonts)
        start = time.perf_counter()
        finisher = Finisher(
            config.bleed_mm, f"typeset:{issue.id}/{issue.language}/print", issue.language
        )
        pdf = document.write_pdf(finisher=finisher, **PDF_OPTIONS)
        stages["write"] = time.perf_counter() - start
    LOGGER.debug("pdf %s: %s", issue.id, {k: round(v, 3) for k, v in stages.items()})
    return pdf
