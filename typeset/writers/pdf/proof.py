"""The proof: the print layout with every preflight finding beside the text it concerns,
after a first page that lists them all. For the editor, never for the press.

Each finding goes to the article head or block its issue-file line falls in
(`typeset.findings.place`). The print templates, given a `Proof`, mark that element: its
findings' numbers in the gutter, a tint behind it, and the findings themselves in a room
added right of the trim (`templates/print/proof.html.j2`, `proof.css.j2`). The marks are
out of the flow and the text block keeps its size, so the text is set line for line as in the
press PDF; the press PDF itself is written from the same templates without a `Proof`, and is
byte for byte what it is without one. Notes are laid out at the height of their element,
then moved down where one would cover another. The first page is a document of its own,
laid out after the issue so it can give the page each finding is marked on, and put in front:
inserted into the issue's document it would turn every left page into a right one.

A proof is a plain PDF (fonts embedded), not PDF/X: it is read on screen or printed on an
office printer, and has no trim box to honour.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from weasyprint import Document
from weasyprint.formatting_structure.boxes import Box
from weasyprint.text.fonts import FontConfiguration

from typeset.config import Config
from typeset.findings import Place, place, tally
from typeset.fonts import missing_glyphs
from typeset.model import Diagnostic, Issue
from typeset.transforms.printable import MARK, printable
from typeset.writers.pdf import columns, justify
from typeset.writers.pdf.html import FILTERS, print_context, render_print_html
from typeset.writers.pdf.render import URLRefused, font_configuration, weasyprint_source
from typeset.writers.shared import prepare

SUMMARY_TEMPLATE = "print/proof-summary.html.j2"
# Room for the notes right of the trim, in mm.
NOTES_ROOM_MM = 62.0
# Least space between two notes, in CSS px (0.75 pt).
NOTES_GAP = 4.0
UNCERTAIN = "uncertain-structure"  # the reader's doubt about a layout, marked apart
KINDS = ("error", "warning", "uncertain", "info")  # worst first
NOTES_ROLE = "hei"  # the face of the notes and the first page (templates/print/proof.css.j2)


@dataclass(frozen=True)
class ProofNote:
    """One finding as the proof prints it, numbered in the report's order."""

    number: int
    code: str
    severity: str
    line: int
    message: str

    @property
    def kind(self) -> str:
        """What colours it: its severity, or 'uncertain' for the reader's doubts."""
        return "uncertain" if self.code == UNCERTAIN else self.severity


@dataclass(frozen=True)
class Margin:
    """The notes beside one element, and the worst of their kinds, which marks it."""

    notes: tuple[ProofNote, ...]

    @property
    def kind(self) -> str:
        return min((note.kind for note in self.notes), key=KINDS.index)


@dataclass(frozen=True)
class Proof:
    """What the print templates add for a proof: the notes, where they go, and the page."""

    notes: list[ProofNote]
    margins: dict[Place, Margin]
    width: str  # the proof's page: the trim and the notes' room
    room: str

    def at(self, number: int, block: int | None = None) -> Margin | None:
        """The notes beside article `number` (from 1)'s head, or beside one of its blocks."""
        return self.margins.get(Place(number - 1, block))


def make_proof(model: Issue, findings: list[Diagnostic], config: Config) -> Proof:
    """The notes of `findings` on `model` (an edition's), numbered in the report's order."""
    notes = [
        ProofNote(n, d.code, d.severity, d.line, _drawable(d.message, config))
        for n, d in enumerate(findings, 1)
    ]
    return Proof(
        notes,
        {where: Margin(tuple(found)) for where, found in place(model, notes).items()},
        width=f"{config.trim_width_mm + NOTES_ROOM_MM:g}mm",
        room=f"{NOTES_ROOM_MM:g}mm",
    )


def _drawable(message: str, config: Config) -> str:
    """`message` printable in the notes' face: a character it cannot draw (the one a
    `missing-glyph` finding names) prints as 〓, like a control character, rather than as a
    blank that breaks the text of the whole page when copied; the message gives its code."""
    text = printable(message)
    missing = {glyph.char for glyph in missing_glyphs(text, config.fonts_dir, NOTES_ROLE)}
    return "".join(MARK if char in missing else char for char in text)


def write(
    model: Issue,
    target: Path,
    config: Config,
    timings: dict[str, float],
    findings: list[Diagnostic],
) -> None:
    start = time.perf_counter()
    target.write_bytes(render_proof(model, config, findings))
    timings["proof"] = timings.get("proof", 0.0) + time.perf_counter() - start


def render_proof(model: Issue, config: Config, findings: list[Diagnostic]) -> bytes:
    """The proof of one edition's model as PDF bytes: the first page, then the issue.
    Leaves no copy of the fonts behind (`font_configuration`)."""
    proof = make_proof(model, findings, config)
    with font_configuration() as issue_fonts, font_configuration() as first_fonts:
        pages = layout_proof(model, config, proof, issue_fonts)
        edition = prepare(model, config, FILTERS)
        summary = edition.env.get_template(SUMMARY_TEMPLATE).render(
            **print_context(edition, config),
            proof=proof,
            pages=_folios(pages),
            counts=f"{len(findings)} finding{'s' * (len(findings) != 1)}"
            + (f": {tally(findings)}" if findings else ""),
        )
        first = _layout(summary, config, first_fonts)
        return first.copy([*first.pages, *pages.pages]).write_pdf()


def layout_proof(
    model: Issue, config: Config, proof: Proof, font_config: FontConfiguration | None = None
) -> Document:
    """The issue's pages with the proof's marks and notes, no note covering another. The
    document reads the fonts copied for `font_config` (a new one by default) until written."""
    justify.install()
    columns.install()
    markup = render_print_html(model, config, proof)
    document = _layout(markup, config, font_config or FontConfiguration())
    for page in document.pages:
        _spread_notes(page._page_box)  # WeasyPrint has no public way to the laid-out boxes
    return document


def _layout(markup: str, config: Config, font_config: FontConfiguration) -> Document:
    source, fetcher = weasyprint_source(markup, config)
    document = source.render(font_config=font_config)
    if fetcher.refused:
        raise URLRefused("the proof's templates asked for " + ", ".join(fetcher.refused))
    return document


def _spread_notes(area: Box) -> None:
    """Move a page's notes down where they would cover the one above, and up from the
    foot of its text area where they would run off it."""
    notes = sorted(_notes(area), key=lambda box: box.position_y)
    below = float("-inf")
    for note in notes:
        note.translate(dy=max(0.0, below - note.position_y))
        below = note.position_y + note.margin_height() + NOTES_GAP
    above = area.content_box_y() + area.height
    for note in reversed(notes):
        overrun = note.position_y + note.margin_height() - above
        if overrun <= 0:
            break
        note.translate(dy=-overrun)
        above = note.position_y - NOTES_GAP


def _folios(document: Document) -> dict[int, int]:
    """The folio of the page each finding is noted on, by the finding's number."""
    return {
        int(number): folio
        for folio, page in enumerate(document.pages, 1)
        for note in _notes(page._page_box)
        for number in note.element.get("data-numbers").split()
    }


def _notes(area: Box) -> Iterator[Box]:
    """The boxes of the notes on a page (not the anonymous boxes inside them)."""
    for box in area.descendants(placeholders=True):
        element = getattr(box, "element", None)
        if (
            isinstance(box, Box)
            and element is not None
            and "proof-note" in (element.get("class") or "").split()
            and box.style["position"] == "absolute"
        ):
            yield box
