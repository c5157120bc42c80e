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
from dataclasses import dataclass, field

from typeset.model import Diagnostic, Issue, text_fields
from typeset.readers import layout
from typeset.readers.decoding import decode
from typeset.readers.layout.units import (
    CREDIT,
    SOURCE,
    TEXT_BULLETS,
    Unit,
    split_trailing_source,
)
from typeset.readers.marks import take

# Markdown heading marks come in pairs ("## "), as the contract's fidelity check counts them:
# a lone "#" is text.
_HEADING_MARK = re.compile(r"^(?:##){1,3}\s*")
_RUN_IN = re.compile(r"^\*\*(.+?)\*\*(.*)$")
# Marks set before a byline or a bulleted display line; only ■ is markup, the others text.
_BULLET = re.compile(rf"^([■{TEXT_BULLETS}])\s*(.+)$")
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
    cut = cut_text(text)
    recovered = layout.recover(cut.units, issue_id, source_path)
    issue = recovered.issue
    issue.diagnostics += cut.diagnostics
    issue.diagnostics += _self_check(cut, issue, recovered.repeated_banners)
    issue.diagnostics.sort(key=lambda d: d.line)
    return issue


@dataclass
class Cut:
    """The file cut into units, and what its marks left: the characters the marks took
    off and the ones they imply (a kicker's ——, a credit's parentheses, a source's
    （转自…）), so the self-check can account for them; unknown marks, reported."""

    units: list[Unit] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    implied: list[str] = field(default_factory=list)
    text: str = ""


def units(text: str) -> list[Unit]:
    """The file's lines as units, marks taken off."""
    return cut_text(text).units


def cut_text(text: str) -> Cut:
    cut = Cut(text=text)
    gap = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(_BLANKS)
        if not line:
            gap += 1
            continue
        marks = take(line)
        for name in marks.unknown:
            message = f"@{name} is no mark the reader knows; the line is read as text"
            cut.diagnostics.append(Diagnostic("unknown-mark", "info", number, message))
        cut.marks.append(line[: len(line) - len(marks.text)])
        found = _line_units(marks.text, number, gap)
        if found and (marks.role or marks.below):
            unit = found[0]
            unit.role, unit.kicker, unit.below = marks.role, marks.kicker, marks.below
            cut.implied.append(_implied(unit))
        cut.units += found
        gap = 0
    return cut


def _implied(unit: Unit) -> str:
    """The furniture a mark implies and the line left out."""
    if unit.kicker and not unit.text.endswith("——"):
        return "——"
    if unit.role == "credit" and not CREDIT.match(unit.text):
        return "()"
    if unit.role == "source" and not SOURCE.match(unit.text):
        return "(转自)"
    return ""


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


def _self_check(cut: Cut, issue: Issue, repeated_banners: list[str]) -> list[Diagnostic]:
    """Compare the characters of the file (its marks taken off, the furniture they imply
    added) with those of the model (and the banners it prints once though the file repeats
    them); any difference is a reader defect, reported as an error so that no edition is
    built from it."""
    parts = [_PRINTED_AS.get(f.kind, "{}").format(f.text) for f in text_fields(issue)]
    parts += repeated_banners
    text = "".join([cut.text, *cut.implied])

    def chars(s: str) -> Counter:
        return Counter(_NOT_TEXT.sub("", s).translate(_FOLD))

    source = chars(text) - chars("".join(cut.marks))
    model = chars("".join(parts))
    if source == model:
        return []
    lost = "".join((source - model).elements())[:20]
    added = "".join((model - source).elements())[:20]
    message = f"the model does not hold the file's text exactly (lost {lost!r}, added {added!r})"
    return [Diagnostic("reader-mismatch", "error", 1, message)]
