"""The book's fonts: each role's face cut down to the characters the book sets in it.

Each font role (宋 body, 黑 headings and leads, 楷 kickers, bylines, decks, captions; see
`typeset.fonts.ROLES`) is subset to exactly the characters the rendered documents set in
that role, with HarfBuzz's subsetter: fontTools takes seconds on a CJK face, HarfBuzz
milliseconds. A traditional book adds the Kai marks face (`typeset.fonts.KAI_MARKS_FAMILY`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import uharfbuzz as hb
from lxml import etree

from typeset.fonts import KAI_MARKS_FAMILY, ROLES, role_face
from typeset.writers.epub.package import Resource

XHTML_NS = "{http://www.w3.org/1999/xhtml}"
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


def _matches(element: etree._Element, selector: str) -> bool:
    tag, _, cls = selector.partition(".")
    if element.tag != XHTML_NS + tag:
        return False
    return not cls or cls in (element.get("class") or "").split()


def role_characters(documents: Iterable[bytes]) -> dict[str, set[str]]:
    """The characters each font role sets in the documents' bodies."""
    found: dict[str, set[str]] = {role.name: set() for role in ROLES}

    def visit(element: etree._Element, role: str) -> None:
        role = next(
            (r.name for r in ROLES if any(_matches(element, s) for s in r.book_selectors)), role
        )
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
                    role = next(
                        (r.name for r in ROLES if selector in r.book_selectors), ROLES[0].name
                    )
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


@dataclass(frozen=True)
class BookFont:
    """A face the book embeds: a role's, or the Kai marks (named "kai-marks")."""

    name: str
    family: str
    weight: int
    resource: Resource
    # The characters it is limited to in the style sheet, for a face that only fills in.
    unicode_range: str | None = None


def book_fonts(fonts_dir: Path, characters: dict[str, set[str]]) -> list[BookFont]:
    """One subset face per role that sets any character, then the Kai marks if asked for
    (`characters["kai-marks"]`)."""
    wanted = [(r.name, r.name, r.family, r.book_weight, None) for r in ROLES]
    if characters.get("kai-marks"):
        marks = unicode_range(characters["kai-marks"])
        wanted.append(("kai-marks", "song", KAI_MARKS_FAMILY, 400, marks))
    fonts = []
    for name, role, family, weight, limited_to in wanted:
        if not characters.get(name):
            continue
        path = role_face(fonts_dir, role, weight).path
        data = subset_font(path.read_bytes(), characters[name])
        truetype = data[:4] in (b"\x00\x01\x00\x00", b"true")
        suffix, media_type = (".ttf", "font/ttf") if truetype else (".otf", "font/otf")
        resource = Resource(f"fonts/{name}{suffix}", media_type, data)
        fonts.append(BookFont(name, family, weight, resource, limited_to))
    return fonts
