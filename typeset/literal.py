"""Issue text made safe to print: what an issue file may hold but no page may show.

The model keeps every character of the issue file; writers print `printable_issue(issue)`.
C0 controls (tab, newline and carriage return aside) become their visible Control Pictures
(U+2400…), other code points XML or HTML forbid become U+FFFD, and bidi embeddings,
overrides and isolates left open are closed at the end of their own field so they cannot
reorder the text after it. Markup-like text needs nothing here: the templates escape it.
"""

from __future__ import annotations

import logging

from typeset.model import Issue

log = logging.getLogger(__name__)


def _replacement_table() -> dict[int, str]:
    table = {c: chr(0x2400 + c) for c in range(0x20) if chr(c) not in "\t\n\r"}
    table[0x7F] = "\u2421"
    bad = [*range(0x80, 0xA0), *range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0)]
    bad += [plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)]
    table.update(dict.fromkeys(bad, "\ufffd"))
    return table


REPLACEMENTS = _replacement_table()
EMBEDDINGS = {"\u202a", "\u202b", "\u202d", "\u202e"}  # LRE RLE LRO RLO, closed by PDF
ISOLATES = {"\u2066", "\u2067", "\u2068"}  # LRI RLI FSI, closed by PDI
PDF, PDI = "\u202c", "\u2069"


def close_bidi(text: str) -> str:
    """`text` with the bidi embeddings and isolates it leaves open closed at its end."""
    stack: list[str] = []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            stack.append(char)
        elif char == PDF and stack and stack[-1] in EMBEDDINGS:
            stack.pop()
        elif char == PDI and any(c in ISOLATES for c in stack):
            while stack.pop() not in ISOLATES:
                pass
    return text + "".join(PDF if c in EMBEDDINGS else PDI for c in reversed(stack))


def printable(text: str) -> str:
    """Text any XML document, reading system and PDF can carry, see the module docstring."""
    return close_bidi(text.translate(REPLACEMENTS))


def printable_issue(issue: Issue) -> Issue:
    """`issue` with every text made printable; logs how many characters were replaced."""
    replaced = 0

    def convert(text: str) -> str:
        nonlocal replaced
        safe = printable(text)
        replaced += sum(1 for char in text if ord(char) in REPLACEMENTS)
        return safe

    safe = issue.map_text(convert)
    if replaced:
        log.warning("%s: replaced %d control or non-XML characters", issue.id, replaced)
    return safe
