"""Where a Chinese line may take space, read off its text alone.

Justification opportunities are the boundaries next to a wide (CJK) character and the
boundary after a space; letters inside a Latin word or number are never pulled apart.
Autospace puts a quarter em between Han and Latin letters or digits. These pure functions
answer for a string; `typeset.writers.pdf.justify` applies them to WeasyPrint's lines.
"""

from __future__ import annotations

import functools
import re

from typeset.cjk import IDEOGRAPHIC, WESTERN, WIDE

AUTOSPACE_EM = 0.25
AUTOSPACE_LANGS = ("zh", "ja")

# A Han–Latin boundary, matched with the character before it and a space typed there.
_AUTOSPACE = re.compile(f"[{IDEOGRAPHIC}] ?(?=[{WESTERN}])|[{WESTERN}] ?(?=[{IDEOGRAPHIC}])")
_HAS_WESTERN = re.compile(f"[{WESTERN}]")
_SPACES = " \u00a0"
# Characters that belong to the preceding one: marks, joiners, variation selectors, and
# the zero-width space that marks a line break opportunity (so no space goes before it
# when it ends a line).
_ZERO_WIDTH_SPACE = "\u200b"
_CLINGING = (
    "\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\u200b-\u200d\u3099\u309a\ufe00-\ufe0f"
    "\U000e0100-\U000e01ef"
)
# A justification opportunity: after a wide character or a space, before a wide one. A
# zero-width space after a wide character passes the opportunity on to the next one.
_OPPORTUNITY = re.compile(
    f"(?:(?<=[{_SPACES}{WIDE}])|(?<=[{WIDE}]{_ZERO_WIDTH_SPACE}))(?=[^{_SPACES}{_CLINGING}])"
    f"|(?<=.)(?=[{WIDE}])",
    re.DOTALL,
)


@functools.cache
def autospace_enabled(lang: str | None) -> bool:
    """Whether text in `lang` gets quarter-em spacing between Han and Latin."""
    return bool(lang) and lang.split("-")[0].lower() in AUTOSPACE_LANGS


def autospace_boundaries(text: str) -> list[tuple[int, str]]:
    """Han–Latin boundaries of `text` as (index, kind), kind being `space`, `left` or `right`.

    For `space` the index is the typed space's; otherwise it is the index of the
    character after the boundary, and `left`/`right` says on which side the ideograph is.
    """
    if not _HAS_WESTERN.search(text):  # most Chinese text: skip the slower scan
        return []
    return [
        (m.end() - 1, "space")
        if m.end() - m.start() == 2
        else (m.end(), "right" if _HAS_WESTERN.match(text, m.start()) else "left")
        for m in _AUTOSPACE.finditer(text)
    ]


def opportunities(text: str) -> list[int]:
    """Indexes of `text` before which justification may add space.

    Boundaries next to a wide character and boundaries after a space qualify, never one
    before a space or a mark, nor any before the first visible character.
    """
    start = len(text) - len(text.lstrip(_SPACES))
    return [m.start() for m in _OPPORTUNITY.finditer(text, start) if m.start() > start]


def utf8_len(char: str) -> int:
    code = ord(char)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


def byte_offsets(text: str, indexes: list[int]) -> list[int]:
    """UTF-8 offsets of increasing character indexes of `text`."""
    offsets, byte, done = [], 0, 0
    for index in indexes:
        byte += len(text[done:index].encode())
        done = index
        offsets.append(byte)
    return offsets
