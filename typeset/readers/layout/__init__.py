"""The layout parse: units of a printed issue → the article model, by one global reading.

Text extracted from printed pages has lost its structure: a headline, a sub-head and the head
of a paragraph split by a page break can look alike line by line. Rules applied in order
fit the layouts they were written against and misread the next. This package reads the
whole issue at once instead:

1. `features`: evidence about each unit (its own shape, from `shapes`; its gaps, its
   neighbours, its series);
2. `decode`: the best-scoring role for every unit together, under the grammar of an issue
   (`grammar`: banner? then articles: headline, deck?, byline?, body, source or signature?),
   by dynamic programming, with fitted weights and each unit's margin over its runner-up
   role;
3. `assemble`: roles → articles, joining paragraphs across breaks, placing captions, moving
   blocks set before their headline back into their article, reporting every repair.

Any reader that can cut its input into `Unit`s (`units`) gets the same parse.
"""

from __future__ import annotations

from dataclasses import dataclass

from typeset.errors import InputError
from typeset.model import Diagnostic, Issue
from typeset.readers.layout.assemble import assemble
from typeset.readers.layout.decode import NoReading, Reading, Weights, decode, shipped
from typeset.readers.layout.features import features
from typeset.readers.layout.grammar import LABELS
from typeset.readers.layout.units import Unit

# Below this margin a reading is reported as uncertain (`uncertain-structure`); the scale is
# that of the fitted weights, and the value is calibrated on simulated issues.
UNCERTAIN_MARGIN = 12.0
NO_ARTICLE = "no recognisable article (no headline followed by text)"
# What each role is, as the uncertain-structure message names it.
ROLE_NAMES = {
    "banner": "a column banner",
    "running": "the column banner repeated in a break",
    "title": "a headline",
    "deck": "a deck",
    "byline": "a byline",
    "subhead": "a sub-head",
    "para": "a paragraph",
    "cont": "the rest of a paragraph split by a break",
    "caption": "a picture caption",
    "credit": "a picture credit",
    "source": "a source line",
    "note": "a note",
}


@dataclass
class Recovered:
    issue: Issue
    repeated_banners: list[str]
    reading: Reading


def recover(
    units: list[Unit], issue_id: str, source_path: str = "", weights: Weights | None = None
) -> Recovered:
    """The article model of an issue's units, their marks obeyed; `weights` are the shipped
    ones unless given (when fitting them)."""
    if not units:
        raise InputError(NO_ARTICLE)
    texts, gaps = [u.text for u in units], [u.gap for u in units]
    forced = {i: LABELS.index(u.role) for i, u in enumerate(units) if u.role}
    closes = {i for i, u in enumerate(units) if u.below}
    feats, weights = features(units), weights or shipped()
    ignored: list[Diagnostic] = []
    try:
        reading = decode(texts, gaps, feats, weights, forced, closes, margins=True)
    except NoReading as exc:  # read as if unmarked, and say which marks went unheard
        reading = decode(texts, gaps, feats, weights, margins=True)
        ignored = [
            Diagnostic("ignored-mark", "warning", units[i].line, f"{exc}: this one was not obeyed")
            for i in sorted({*forced, *closes})
        ]
        for unit in units:
            unit.role, unit.below, unit.kicker = None, False, False
    built = assemble(units, reading.labels)
    if not built.articles:
        raise InputError(NO_ARTICLE)
    diagnostics = built.diagnostics + ignored + _uncertain(units, reading)
    issue = Issue(
        id=issue_id, articles=built.articles, source_path=source_path, diagnostics=diagnostics
    )
    return Recovered(issue, built.repeated_banners, reading)


def _uncertain(units: list[Unit], reading: Reading) -> list[Diagnostic]:
    found = []
    for unit, label, margin, runner in zip(
        units, reading.labels, reading.margins, reading.runner_up, strict=True
    ):
        if margin < UNCERTAIN_MARGIN and runner >= 0:
            read_as, could_be = ROLE_NAMES[LABELS[label]], ROLE_NAMES[LABELS[runner]]
            message = f"line {unit.line} read as {read_as}; could be {could_be}"
            found.append(Diagnostic("uncertain-structure", "warning", unit.line, message))
    return found
