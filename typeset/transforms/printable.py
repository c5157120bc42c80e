"""Issue text made safe to print: what an issue file may hold but no page may show.

The model keeps every character of the issue file; writers print `printable_issue(issue)`,
and preflight's `control-character` warning tells the editor, with code point and line, where
the print differs from the file:

* Markup-like text (`<script>`, `&`, `]]>`) needs nothing here: the templates escape it, so
  it prints as the characters it is.
* C0 controls (tab, line ends aside), DEL, C1 controls, surrogates and noncharacters print as
  MARK, 〓 (the geta mark: a compositor's sign for a character that could not be set). The
  bundled fonts draw it in every face, unlike the Control Pictures (U+2400…) or U+FFFD, which
  would print as the .notdef box; XML may carry none of these code points, and a page would
  otherwise show nothing where the file holds something.
* Bidi formatting characters (LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM ALM) are left out.
  They are invisible, so a reader cannot tell they are there (the "Trojan Source" hazard), and
  Chinese text has no right-to-left script for them to serve: an RLO would print the rest of
  its paragraph, or, closed at the end of its field, the rest of its headline, backwards.
  Copied text lacks them; nothing visible changes.
"""

from __future__ import annotations

import logging

from typeset.model import Issue

log = logging.getLogger(__name__)

MARK = "\u3013"  # 〓 GETA MARK
# Embeddings and overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI), marks (LRM RLM ALM).
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def _unprintable() -> frozenset[int]:
    """Controls (tab and line ends aside), surrogates and noncharacters: code points XML
    cannot carry and no font draws."""
    codes = [c for c in range(0x20) if chr(c) not in "\t\n\r"]
    codes += [*range(0x7F, 0xA0), *range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0)]
    codes += [plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)]
    return frozenset(codes)


UNPRINTABLE = _unprintable()
REPLACEMENTS: dict[int, str | None] = dict.fromkeys(UNPRINTABLE, MARK) | dict.fromkeys(
    map(ord, BIDI_CONTROLS)
)


def printable(text: str) -> str:
    """Text any XML document, reading system and PDF can carry and the bundled fonts can
    draw, with nothing invisible that reorders it; see the module docstring."""
    return text.translate(REPLACEMENTS)


def printable_issue(issue: Issue) -> Issue:
    """`issue` with every text made printable; logs how many characters were changed."""
    changed = 0

    def convert(text: str) -> str:
        nonlocal changed
        changed += sum(1 for char in text if ord(char) in REPLACEMENTS)
        return printable(text)

    safe = issue.map_text(convert)
    if changed:
        log.warning(
            "%s: %d control, non-XML or bidi characters not printed as such", issue.id, changed
        )
    return safe
