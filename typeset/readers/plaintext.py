"""Plain-text issue files: text extracted from printed pages → units → the article model.

This reader's own part is the parse phase: decoding the bytes (`decoding`), taking the
file's light markup off each line (`## ` before a heading, `**…**` around a bold run-in
head or a bold line, ■ before a byline) and cutting lines into units with their blank lines
and line numbers. Recovering the structure from the units is the layout parse's
(`typeset.readers.layout`), which any reader can use. Last, the reader checks itself: the
model must hold exactly the characters of the file.
"""

from __future__ import annotations

import re
from collections import Counter

from typeset.model import Diagnostic, Issue, text_fields
from typeset.readers import layout
from typeset.readers.decoding import decode
from typeset.readers.layout.units import Unit, split_trailing_source

# Markdown heading marks come in pairs ("## "), as the contract's fidelity check counts them:
# a lone "#" is text.
_HEADING_MARK = re.compile(r"^(?:##){1,3}\s*")
_RUN_IN = re.compile(r"^\*\*(.+?)\*\*(.*)$")
# Marks set before a byline or a bulleted display line; only ■ is markup, the others text.
_BULLET = re.compile(r"^([■□◼▪●◆])\s*(.+)$")
_BLANKS = " \t\u3000\u00a0"
# What the self-check leaves out: markup characters one by one (a paragraph joined across a
# break may bring a lone "*" or "#" of each part together, which is no loss), and width.
_NOT_TEXT = re.compile(r"\s|#|\*|■")
_FOLD = str.maketrans("，：；（）！？", ",:;()!?")
# How the file prints a field's text around what the model keeps.
_PRINTED_AS = {"kicker": "{}——", "credit": "({})", "source": "(转自{})"}


def read(data: bytes, issue_id: str, source_path: str = "") -> Issue:
    return parse_text(decode(data), issue_id, source_path)


def parse_text(text: str, issue_id: str, source_path: str = "") -> Issue:
    """The article model of an issue file's text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    recovered = layout.recover(units(text), issue_id, source_path)
    issue = recovered.issue
    issue.diagnostics += _self_check(text, issue, recovered.repeated_banners)
    issue.diagnostics.sort(key=lambda d: d.line)
    return issue


def units(text: str) -> list[Unit]:
    """The file's lines as units, marks taken off."""
    found: list[Unit] = []
    gap = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(_BLANKS)
        if not line:
            gap += 1
            continue
        found += _line_units(line, number, gap)
        gap = 0
    return found


def _line_units(line: str, number: int, gap: int) -> list[Unit]:
    marked = bool(_HEADING_MARK.match(line))
    line = _HEADING_MARK.sub("", line)
    lead = None
    if run_in := _RUN_IN.match(line):
        if run_in.group(2).strip():
            lead, line = run_in.group(1).strip(), run_in.group(2).strip()
        else:  # a wholly bold line is a display line
            line, marked = run_in.group(1).strip(), True
    line = line.replace("**", "").strip()
    if lead and not line:  # "**head****": a wholly bold line after all
        line, lead, marked = lead, None, True
    bullet = False
    if lead is None and (mark := _BULLET.match(line)):
        bullet = True
        line = mark.group(2).strip() if mark.group(1) == "■" else line
    if not line:
        return []
    unit = Unit(line, number, gap, marked=marked, bullet=bullet, lead=lead)
    if split := split_trailing_source(line):
        unit.text = split[0]
        return [unit, Unit(split[1], number, 0, same_line=True)]
    return [unit]


def _self_check(text: str, issue: Issue, repeated_banners: list[str]) -> list[Diagnostic]:
    """Compare the characters of the file with those of the model (and the banners it prints
    once though the file repeats them); any difference is a reader defect, reported as an
    error so that no edition is built from it."""
    parts = [_PRINTED_AS.get(f.kind, "{}").format(f.text) for f in text_fields(issue)]
    parts += repeated_banners

    def chars(s: str) -> Counter:
        return Counter(_NOT_TEXT.sub("", s).translate(_FOLD))

    source, model = chars(text), chars("".join(parts))
    if source == model:
        return []
    lost = "".join((source - model).elements())[:20]
    added = "".join((model - source).elements())[:20]
    message = f"the model does not hold the file's text exactly (lost {lost!r}, added {added!r})"
    return [Diagnostic("reader-mismatch", "error", 1, message)]
