"""The print edition as HTML: the single input WeasyPrint lays out.

Python only gathers what the templates cannot compute themselves (anchors, figure
numbers, file URLs from the configuration, the document date); every word, style and
rule of the page is in `templates/print/`, so a copy of that folder restyles the edition.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typeset.cjk import WIDE
from typeset.config import Config
from typeset.fonts import KAI_MARKS_FAMILY, ROLES, faces, role_face
from typeset.model import Issue
from typeset.writers.pdf.headlines import headline_lines
from typeset.writers.shared import Edition, prepare

if TYPE_CHECKING:
    from typeset.writers.pdf.proof import Proof

PRINT_TEMPLATE = "print/issue.html.j2"
# Room beyond the bleed where WeasyPrint draws the crop marks (in the outer half of the
# CSS bleed), so the marks never touch bleeding artwork.
MARKS_ROOM_MM = 7.0
# Pango 1.50 follows UAX #14 before Unicode 15.1: no break before “ or after ” (class QU),
# so “根”与“魂” is one unbreakable run and the line before it is spread wide. Chinese allows
# both breaks; a zero-width space marks them for Pango. It draws no glyph, so the PDF's
# text is the source text.
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


def icc_components(profile: Path) -> tuple[str, ...]:
    """Component names of an ICC profile, read from its header's colour space."""
    with profile.open("rb") as handle:
        header = handle.read(20)
    try:
        return ICC_COMPONENTS[header[16:20]]
    except KeyError:
        raise ValueError(f"{profile}: not an RGB, CMYK or grey ICC profile") from None


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


def render_print_html(issue: Issue, config: Config, proof: Proof | None = None) -> str:
    """Render the print templates for one issue (an edition's model, `typeset.transforms`).

    A `proof` (`typeset.writers.pdf.proof`) adds its margin notes and its wider pages; without
    one the templates print nothing of it.
    """
    edition = prepare(issue, config, FILTERS)
    template = edition.env.get_template(PRINT_TEMPLATE)
    return template.render(**print_context(edition, config), proof=proof)


def print_context(edition: Edition, config: Config) -> dict[str, Any]:
    """What the print templates are given about an edition and the build settings."""
    profile = config.color_profile.resolve()
    lead = edition.issue.articles[0].headline if edition.issue.articles else ""
    return dict(
        issue=edition.issue,
        publication=edition.publication,
        title=" · ".join(part for part in (edition.publication, lead) if part),
        authors=edition.authors,
        date=edition.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        issue_label=edition.label,
        columns=edition.columns,
        keywords=[name for name, _ in edition.issue.columns if name],
        page={
            "width": f"{config.trim_width_mm:g}mm",
            "height": f"{config.trim_height_mm:g}mm",
            "bleed": f"{config.bleed_mm:g}mm",
            "media_bleed": f"{config.bleed_mm + MARKS_ROOM_MM:g}mm",
        },
        fonts_url=config.fonts_dir.resolve().as_uri(),
        roles=ROLES,
        faces=faces(config.fonts_dir),
        traditional=edition.issue.edition == "traditional",
        kai_marks=KAI_MARKS_FAMILY,
        song_regular=role_face(config.fonts_dir, "song", 400).path.name,
        profile={"url": profile.as_uri(), "components": icc_components(profile)},
    )


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


FILTERS = {
    "headline_lines": headline_lines,
    "quote_breaks": quote_breaks,
    "last_characters": last_characters,
    "file_url": file_url,
}
