"""The grammar of an issue: the roles a unit may have, where an article stands, and which
role may follow which.

An issue is banners and articles; an article is a headline (kicker and title lines), perhaps
a deck and a byline, then its body (paragraphs, sub-heads, figures, notes; in photo news a
captioned picture alone), and perhaps a source or a signature that closes it. Blocks set
after an article's close and before the next headline are that next article's body (the
layout put them before their headline).
`step` is that grammar as an automaton over states small enough for the decoder to keep one
best reading per state; `impossible` rules out the roles a unit's form forbids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from typeset.cjk import CLOSING
from typeset.readers.layout.shapes import ended, opens_with_closing

LABELS = (
    "banner", "running", "title", "deck", "byline", "subhead",
    "para", "cont", "caption", "credit", "source", "note",
)  # fmt: skip
(BANNER, RUNNING, TITLE, DECK, BYLINE, SUBHEAD, PARA, CONT, CAPTION, CREDIT, SOURCE, NOTE) = range(
    len(LABELS)
)
START = len(LABELS)  # the "previous role" before the first unit
# Where the article stands: none open (start, after a banner or a close), blocks set before
# their headline (after a close), in an article's head, in its body.
CLOSED, ORPHAN, HEAD, BODY = range(4)
PHASES = ("closed", "orphan", "head", "body")
# The last paragraph since the last heading: none, finished, stopped mid-sentence (after a
# short line, which a display line would be, or a longer one).
NO_PARAGRAPH, FINISHED, OPEN, OPEN_SHORT = range(4)
PARAGRAPHS = ("none", "finished", "open", "open-short")
SHORT = 24
STARTS = ("closing", "other")
MAX_DISPLAY = 64  # the longest line of a headline or sub-head, in characters
MAX_BANNER = 16  # a topic banner (专栏) may run to 学习贯彻党的二十届四中全会精神
_BANNER = re.compile(r"^[\w\s·]+$")
_CLOSERS = CLOSING + "\"'"
_AFTER_TEXT = frozenset({PARA, CONT, CAPTION, CREDIT, RUNNING})

# Previous role, phase, last paragraph, and whether the article has had a sub-head, or
# HEADLINE_DUE: a headline must still come (before the first, and after blocks the
# editor marked as the next article's).
State = tuple[int, int, int, int]
HEADLINE_DUE = -1


@dataclass(frozen=True)
class Place:
    """What the grammar needs to know of a unit besides its role."""

    finished: bool  # it ends a sentence
    alone: bool  # blank lines before and after it: it is a block of its own
    # It could be a line of a headline or sub-head: short enough, no full stop inside.
    display: bool
    # It could be a column banner: short and unpunctuated.
    banner: bool
    short: bool  # as short as a display line
    # It opens with closing punctuation, as no printed line does: it continues a paragraph.
    opens_closing: bool
    # It is set right under the line before, or it is a subtitle (——…) or follows a kicker
    # (…——): a headline line only ever continues a headline so.
    continues_headline: bool


def places(
    texts: Sequence[str], gaps: Sequence[int], forced: dict[int, int] | None = None
) -> list[Place]:
    """Each unit's place; a unit whose role the editor fixed may be any length or shape."""
    n = len(texts)
    found = [
        Place(
            finished=ended(texts[i]),
            alone=(i == 0 or gaps[i] > 0) and (i + 1 == n or gaps[i + 1] > 0),
            display=_display(texts[i]),
            banner=len(texts[i]) <= MAX_BANNER and _BANNER.match(texts[i]) is not None,
            short=len(texts[i]) <= SHORT,
            opens_closing=opens_with_closing(texts[i]),
            continues_headline=gaps[i] == 0
            or texts[i].startswith("——")
            or (i > 0 and texts[i - 1].endswith("——")),
        )
        for i in range(n)
    ]
    for i in forced or {}:
        found[i] = replace(found[i], alone=True, display=True, banner=True, continues_headline=True)
    return found


def _display(text: str) -> bool:
    """A headline or sub-head line is a phrase or two: short, with at most two clause
    separators and no full stop inside or at its end (it may ask or exclaim)."""
    return (
        len(text) <= MAX_DISPLAY
        and text[-1] not in "。；;"
        and "。" not in text.rstrip(_CLOSERS)[:-1]
        and sum(text.count(c) for c in "，,、；;") <= 2
    )


def step(state: State, label: int, place: Place) -> State | None:
    """The state after a unit of role `label` at `place`, or None when the grammar does not
    allow the role there (`_step`); until a headline that is due comes, the state says so."""
    after = _step(state, label, place)
    if after is not None and state[3] == HEADLINE_DUE and label != TITLE:
        return (*after[:3], HEADLINE_DUE)
    return after


def _step(state: State, label: int, place: Place) -> State | None:
    """The state after a unit of role `label` at `place`, or None when the grammar does not
    allow the role there. An article has a body: nothing opens a new one, nor a banner,
    between its headline and its first body block (`awaits_body`). Body blocks after an
    article's close await the next headline (they are its body, set before it); after a
    source line they may hold sub-heads and that next article's own source."""
    prev, phase, paragraph, sections = state
    in_article = phase in (HEAD, BODY)
    body = BODY if in_article else ORPHAN
    if label == BANNER:
        ok = place.alone and place.banner and not awaits_body(state) and prev != BANNER
        return (BANNER, CLOSED, NO_PARAGRAPH, 0) if ok else None
    if label in (TITLE, SUBHEAD) and not place.display:
        return None
    if label == TITLE:
        if prev == TITLE:
            return (TITLE, HEAD, NO_PARAGRAPH, 0) if place.continues_headline else None
        return (TITLE, HEAD, NO_PARAGRAPH, 0) if not awaits_body(state) else None
    if label in (PARA, CONT):
        can_continue = paragraph != NO_PARAGRAPH and prev in _AFTER_TEXT
        if label == CONT and not can_continue:
            return None
        if label == PARA and place.opens_closing and can_continue:
            return None
        if place.finished:
            status = FINISHED
        else:
            status = OPEN_SHORT if label == PARA and place.short else OPEN
        return label, body, status, sections
    if label == CAPTION:
        return CAPTION, body if phase == CLOSED else phase, paragraph, sections
    if label == CREDIT:
        return (CREDIT, phase, paragraph, sections) if prev == CAPTION else None
    if label == RUNNING:
        ok = prev in _AFTER_TEXT and paragraph in (OPEN, OPEN_SHORT)
        return (RUNNING, phase, paragraph, sections) if ok else None
    if label == SOURCE:
        return SOURCE, CLOSED, NO_PARAGRAPH, 0
    if label == NOTE:
        return NOTE, body, NO_PARAGRAPH, sections
    if label == DECK:
        ok = phase == HEAD and prev in (TITLE, DECK, BYLINE)
        return (DECK, HEAD, NO_PARAGRAPH, 0) if ok else None
    if label == BYLINE:
        if phase == HEAD and prev in (TITLE, DECK, CAPTION):
            return BYLINE, HEAD, NO_PARAGRAPH, 0
        return (BYLINE, CLOSED, NO_PARAGRAPH, 0) if phase == BODY else None  # a signature
    if label == SUBHEAD:
        ok = in_article or phase == ORPHAN or prev == SOURCE
        return (SUBHEAD, body, NO_PARAGRAPH, 1) if ok else None
    raise ValueError(label)


def awaits_body(state: State) -> bool:
    """Whether an article's head is open and its body must still come. A picture under a
    headline may be the whole body (photo news: a headline over a captioned picture)."""
    return state[1] == HEAD and state[0] not in (CAPTION, CREDIT)


def impossible(unit_features: Sequence[str]) -> tuple[int, ...]:
    """Roles a unit cannot have, whatever the scores: what a source, a credit, a note and a
    running head are is defined by their form (the contract's "(转自X)", a credit or a note
    in parentheses or opening with its role, the banner's own words), a date alone heads
    nothing, and no line opens with closing punctuation but a continuation's."""
    fs = set(unit_features)
    if "source" in fs:
        return tuple(k for k in range(len(LABELS)) if k != SOURCE)
    ruled_out = [SOURCE]
    if "credit" in fs:
        return tuple(k for k in range(len(LABELS)) if k not in (CREDIT, CAPTION))
    if "bare-credit" not in fs:
        ruled_out.append(CREDIT)
    if "repeats-banner" not in fs:
        ruled_out.append(RUNNING)
    if not fs & {"parenthesised", "author-note", "closing-note"}:
        ruled_out.append(NOTE)
    if "date-only" in fs:  # a notice's date, under its signature
        ruled_out += [BANNER, TITLE]
    if "run-in" in fs:  # a bold run-in head opens a paragraph
        return tuple(k for k in range(len(LABELS)) if k != PARA)
    if "start:closing" in fs:
        ruled_out += [k for k in range(len(LABELS)) if k not in (CONT, PARA)]
    return tuple(ruled_out)
