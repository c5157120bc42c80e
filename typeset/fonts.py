"""The bundled fonts: the roles faces play, which faces there are, what they can draw.

`ROLES` is the one table of what each kind of face sets (宋 body, 黑 sub-heads, 楷 bylines
and captions): the print and EPUB style sheets declare its families, the EPUB subsets its
faces, the preflight checks each text against the faces that set it. The faces themselves
come from `fonts/manifest.json`, written by `scripts/build-fonts` together with the subset
fonts, so nothing here parses a font file at run time.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

Role = Literal["song", "hei", "kai"]
"""song: 宋 serif for body and headlines; hei: 黑 sans for sub-heads, run-in leads and
banners; kai: 楷 for kickers, bylines, decks and captions."""

BODY: Role = "song"


@dataclass(frozen=True)
class FontRole:
    """What the faces of one role set, in print and in the EPUB."""

    name: Role
    family: str  # the private CSS family its faces are declared under: no installed font matches
    generic: str  # the generic family a reading system falls back to
    book_weight: int  # the one weight of the role an EPUB embeds
    book_selectors: tuple[str, ...]  # EPUB elements set in it: "tag" or "tag.class"
    # Kinds of model text set in it by either edition (`typeset.model.TEXT_KINDS`).
    texts: tuple[str, ...]


ROLES: tuple[FontRole, ...] = (
    FontRole("song", "TS Song", "serif", 400, ("body",), ("title", "paragraph", "note")),
    FontRole(
        "hei", "TS Hei", "sans-serif", 700, ("h1", "h2", "h3", "strong.lead"),
        ("banner", "title", "lead", "heading"),
    ),
    FontRole(
        "kai", "TS Kai", "serif", 400,
        ("p.kicker", "p.deck", "p.byline", "figcaption", "p.source", "p.note"),
        ("kicker", "deck", "byline", "caption", "credit", "note", "source"),
    ),
)  # fmt: skip
# The Kai face has no regional forms. A traditional edition's Kai styles name this family
# first: the regular Song face limited to the marks whose place in the em box differs by
# region, so shaping with the edition's language tag centres them (Taiwan, Hong Kong).
KAI_MARKS_FAMILY = "TS Kai Marks"
REGION_MARKS = frozenset("、。！，．：；？")


def roles_setting(kind: str) -> tuple[Role, ...]:
    """The roles whose faces set text of `kind` in some edition."""
    return tuple(role.name for role in ROLES if kind in role.texts)


def role_face(fonts_dir: Path, role: Role, weight: int) -> Face:
    """The bundled face of `role` at `weight`; FileNotFoundError naming its file if the
    manifest lists it but the file is not there."""
    for face in faces(fonts_dir):
        if face.role == role and face.weight == weight:
            if not face.path.is_file():
                raise FileNotFoundError(f"font {face.path.name} ({role}) not found in {fonts_dir}")
            return face
    raise FileNotFoundError(f"no {role} face of weight {weight} in {fonts_dir / 'manifest.json'}")


@dataclass(frozen=True)
class Face:
    """One bundled font file and the CSS family name it is declared under."""

    role: Role
    weight: int
    path: Path
    family: str


class MissingGlyph(NamedTuple):
    """A character of `text` that the fonts cannot draw, at `text[index]`."""

    char: str
    index: int


def faces(fonts_dir: Path) -> tuple[Face, ...]:
    """Every bundled face, in manifest order, with absolute paths (CSS needs file:// URLs)."""
    root = fonts_dir.resolve()
    family = {role.name: role.family for role in ROLES}
    return tuple(
        Face(cast(Role, f["role"]), int(f["weight"]), root / f["file"], family[f["role"]])
        for f in _manifest(fonts_dir)["faces"]
    )


def covered_codepoints(fonts_dir: Path, role: Role = BODY) -> frozenset[int]:
    """The code points every face of `role` (by default the body serif) has a glyph for."""
    return _covered(_manifest_path(fonts_dir), role)


def missing_glyphs(text: str, fonts_dir: Path, role: Role = BODY) -> list[MissingGlyph]:
    """Characters of `text` outside the fonts of `role`, in order of appearance.

    Whitespace, controls, format characters and variation selectors are skipped: they are
    not drawn with a glyph of their own.
    """
    covered = covered_codepoints(fonts_dir, role)
    return [
        MissingGlyph(char, index)
        for index, char in enumerate(text)
        if ord(char) not in covered and not _invisible(char)
    ]


def parse_ranges(spec: str) -> frozenset[int]:
    """Read the manifest's compact code point ranges, e.g. "20-7e,a0,b7"."""
    points: set[int] = set()
    for part in filter(None, spec.split(",")):
        first, _, last = part.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def _invisible(char: str) -> bool:
    return (
        char.isspace()
        or unicodedata.category(char) in {"Cc", "Cf"}
        or 0xFE00 <= ord(char) <= 0xFE0F
        or 0xE0100 <= ord(char) <= 0xE01EF
    )


def _manifest_path(fonts_dir: Path) -> Path:
    return (fonts_dir / "manifest.json").resolve()


def _manifest(fonts_dir: Path) -> dict[str, Any]:
    return _load(_manifest_path(fonts_dir))


@lru_cache(maxsize=4)
def _load(manifest: Path) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(manifest.read_text(encoding="utf-8")))


@lru_cache(maxsize=16)
def _covered(manifest: Path, role: Role) -> frozenset[int]:
    sets = [parse_ranges(f["cmap"]) for f in _load(manifest)["faces"] if f["role"] == role]
    if not sets:
        raise ValueError(f"no {role} face in {manifest}")
    return frozenset.intersection(*sets)
