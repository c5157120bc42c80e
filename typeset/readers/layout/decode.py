"""The best-scoring reading of a whole issue: one role per unit, under the grammar of an issue.

An issue is banners and articles; an article is a headline (kicker and title lines), perhaps
a deck and a byline, then its body (paragraphs, sub-heads, figures, notes), and perhaps a
source or a signature that closes it. Blocks set after an article's close and before the
next headline are that next article's body (the layout put them before their headline).
The decoder walks the units once (dynamic programming, like Viterbi over a small automaton)
and keeps, for every state the grammar allows, the best-scoring reading so far. A state is
the last role, where the article stands (none open, in its head, in its body) and whether the
last paragraph is finished, open (stopped mid-sentence) or absent: that is all the grammar
and the scores need, so the work is linear in the number of units.

Scores are sums of weights (`Weights`): each feature of a unit (`features`) has a weight for
each role, and each move (role after role, against the gap before the unit, the state of the
last paragraph, how the unit starts) has one too. The weights are fitted on simulated issues
(`tests/fitting.py`, `scripts/fit-reader`) and shipped in `weights.json`.

The decoder also knows its margin: for every unit, how much worse the best reading is that
gives it another role, and which role that is. A narrow margin is reported to the editor.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from typeset.cjk import CLOSING
from typeset.readers.layout.features import ended, opens_with_closing

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
GAPS = ("0", "usual", "more")
STARTS = ("closing", "other")
WEIGHTS = Path(__file__).with_name("weights.json")
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
    between its headline and its first body block. Body blocks after an article's close
    await the next headline (they are its body, set before it); after a source line they
    may hold sub-heads and that next article's own source."""
    prev, phase, paragraph, sections = state
    in_article = phase in (HEAD, BODY)
    body = BODY if in_article else ORPHAN
    if label == BANNER:
        ok = place.alone and place.banner and phase != HEAD and prev != BANNER
        return (BANNER, CLOSED, NO_PARAGRAPH, 0) if ok else None
    if label in (TITLE, SUBHEAD) and not place.display:
        return None
    if label == TITLE:
        if prev == TITLE:
            return (TITLE, HEAD, NO_PARAGRAPH, 0) if place.continues_headline else None
        return (TITLE, HEAD, NO_PARAGRAPH, 0) if phase != HEAD else None
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


def move_keys(state: State, label: int, gap: str, start: str, looks: str) -> tuple[str, ...]:
    """The names of the weights a move scores with: the roles before and after it, against
    the gap, how the unit starts and what it looks like at a glance (`looks`), the last
    paragraph, where the article stands."""
    prev, phase, paragraph, sections = state
    p = "start" if prev == START else LABELS[prev]
    role = LABELS[label]
    return (
        f"T:{p}:{role}",
        f"L:{p}:{role}:{looks}",
        f"G:{p}:{role}:{gap}",
        f"P:{PARAGRAPHS[paragraph]}:{role}",
        f"S:{PARAGRAPHS[paragraph]}:{role}:{start}",
        f"H:{PHASES[phase]}:{role}",
        f"D:{sections}:{PARAGRAPHS[paragraph]}:{role}",
    )


def end_keys(state: State) -> tuple[str, ...]:
    prev, phase, paragraph, _ = state
    p = "start" if prev == START else LABELS[prev]
    return (f"E:{p}", f"EP:{PARAGRAPHS[paragraph]}", f"EH:{PHASES[phase]}")


@dataclass
class Weights:
    """Per feature, a weight for each role; per move, one weight."""

    emission: dict[str, list[float]]
    moves: dict[str, float]

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Weights:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["emission"], data["moves"])

    def dump(self, path: Path) -> None:
        data = {
            "emission": {f: [round(w, 4) for w in ws] for f, ws in sorted(self.emission.items())},
            "moves": {k: round(w, 4) for k, w in sorted(self.moves.items())},
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


@cache
def shipped() -> Weights:
    return Weights.load()


class NoReading(ValueError):
    """Marks that contradict the grammar of an issue: no reading obeys them all."""


@dataclass(frozen=True)
class Reading:
    labels: list[int]
    score: float
    # Per unit: how much worse the best reading giving it another role is, and that role.
    margins: list[float]
    runner_up: list[int]


# What a unit looks like at a glance, for moves: its length, whether it ends a sentence,
# the marks the file set on it, and the furniture it is shaped as.
_GLANCE = (
    "marked", "bullet", "staff", "role-and-names", "banner-chars", "numbered", "in-briefs",
    "siblings:1", "siblings:2+",
)  # fmt: skip


def _unit_context(unit_features: Sequence[str]) -> tuple[str, str, str]:
    fs = set(unit_features)
    gap = next(f for f in unit_features if f.startswith("gap:"))[4:]
    start = "closing" if "start:closing" in fs else "other"
    length = next(f for f in unit_features if f.startswith("len:"))[4:]
    size = (
        "short"
        if length in ("2", "4", "6", "8", "10", "12", "14", "16")
        else ("display" if length in ("20", "24", "28", "32", "40") else "long")
    )
    looks = "|".join([size, "ended" if "ended" in fs else "open", *(g for g in _GLANCE if g in fs)])
    return gap, start, looks


class _Moves:
    """The moves the grammar allows from a state into a unit, with their scores, worked out
    once per kind of state and unit and then looked up: an issue has few of each."""

    def __init__(self, weights: Weights) -> None:
        self.weights = weights.moves
        self.kinds: dict[tuple[Place, tuple[str, str]], int] = {}
        self.table: dict[tuple[State, int], list[tuple[int, State, float]]] = {}

    def kind(self, place: Place, context: tuple[str, str]) -> int:
        """A number for the unit's kind (place and context), so that the walk's lookups hash
        small tuples."""
        return self.kinds.setdefault((place, context), len(self.kinds))

    def __call__(self, state: State, kind: int, place: Place, context: tuple[str, str]):
        key = (state, kind)
        found = self.table.get(key)
        if found is None:
            found = []
            for label in range(len(LABELS)):
                after = step(state, label, place)
                if after is not None:
                    keys = move_keys(state, label, *context)
                    found.append((label, after, sum(self.weights.get(k, 0.0) for k in keys)))
            self.table[key] = found
        return found

    def end(self, state: State) -> float:
        return sum(self.weights.get(k, 0.0) for k in end_keys(state))


def decode(
    texts: Sequence[str],
    gaps: Sequence[int],
    feats: Sequence[Sequence[str]],
    weights: Weights,
    forced: dict[int, int] | None = None,
    closes: set[int] | None = None,
    margins: bool = False,
) -> Reading:
    """The best reading of units with texts `texts`, blank lines before them `gaps` and
    features `feats`. An editor's marks: `forced` fixes the role of some units, and an
    article closes before each unit in `closes` (the unit belongs to the next one). With
    `margins`, each unit's margin too."""
    n = len(texts)
    where = places(texts, gaps, forced or {})
    emissions = [
        _emission(fs, weights, forced.get(i) if forced else None) for i, fs in enumerate(feats)
    ]
    contexts = [_unit_context(fs) for fs in feats]
    moves = _Moves(weights)
    kinds = [moves.kind(where[i], contexts[i]) for i in range(n)]
    start: State = (START, CLOSED, NO_PARAGRAPH, HEADLINE_DUE)
    alpha: list[dict[State, float]] = [{start: 0.0}]
    back: list[dict[State, tuple[State, int]]] = []
    for i in range(n):
        current: dict[State, float] = {}
        pointers: dict[State, tuple[State, int]] = {}
        emission, place, context, kind = emissions[i], where[i], contexts[i], kinds[i]
        for state, score in alpha[i].items():
            entered = _closed(state) if closes and i in closes else state
            if entered is None:
                continue
            for label, after, move in moves(entered, kind, place, context):
                gain = emission[label]
                if gain == -math.inf:
                    continue
                total = score + gain + move
                if total > current.get(after, -math.inf):
                    current[after] = total
                    pointers[after] = (state, label)
        alpha.append(current)
        back.append(pointers)
    totals = {s: alpha[n][s] + end for s, end in _finals(alpha[n], moves).items()}
    if not totals:
        raise NoReading("the marks leave the issue no reading its grammar allows")
    state = max(totals, key=totals.__getitem__)
    best = totals[state]
    path: list[int] = []
    for i in range(n - 1, -1, -1):
        state, label = back[i][state]
        path.append(label)
    path.reverse()
    if not margins:
        return Reading(path, best, [], [])
    margin, runner = _margins(alpha, emissions, where, contexts, kinds, moves, path, best, closes)
    return Reading(path, best, margin, runner)


def _closed(state: State) -> State | None:
    """The state with the article closed, as a source line would close it, and a headline
    due: the blocks that follow are the next article's. None before any article: the mark
    says one ends there."""
    if state[1] in (HEAD, BODY):
        return SOURCE, CLOSED, NO_PARAGRAPH, HEADLINE_DUE
    if state[3] == HEADLINE_DUE:
        return None
    return (*state[:3], HEADLINE_DUE)


def _emission(unit_features: Sequence[str], weights: Weights, forced: int | None) -> list[float]:
    """A unit's score for each role; a role the editor fixed is its only one, whatever its
    form (what a mark says wins)."""
    scores = [0.0] * len(LABELS)
    for f in unit_features:
        if (ws := weights.emission.get(f)) is not None:
            scores = [a + b for a, b in zip(scores, ws, strict=True)]
    if forced is not None:
        return [s if k == forced else -math.inf for k, s in enumerate(scores)]
    for k in impossible(unit_features):
        scores[k] = -math.inf
    return scores


def _finals(reached: dict[State, float], moves: _Moves) -> dict[State, float]:
    """The end's score of each state the last unit reached: an issue has an article and
    does not end in a headline (unless nothing else is possible)."""
    ends = {s: moves.end(s) for s in reached if s[1] != HEAD and s[3] != HEADLINE_DUE}
    return ends or {s: moves.end(s) for s in reached}


def _margins(alpha, emissions, where, contexts, kinds, moves, path, best, closes):
    """For each unit, best - (best score of a reading giving it another role), and that role:
    a backward pass gives the best completion from every state the forward pass reached."""
    n = len(emissions)
    beta: list[dict[State, float]] = [{} for _ in range(n + 1)]
    beta[n] = _finals(alpha[n], moves)
    gaps = [math.inf] * n
    runner = [-1] * n
    for i in range(n - 1, -1, -1):
        emission, place, context, kind = emissions[i], where[i], contexts[i], kinds[i]
        following = beta[i + 1]
        scores_here = [-math.inf] * len(LABELS)
        for state, score in alpha[i].items():
            best_from = -math.inf
            entered = _closed(state) if closes and i in closes else state
            if entered is None:
                continue
            for label, after, move in moves(entered, kind, place, context):
                gain = emission[label]
                if gain == -math.inf or after not in following:
                    continue
                tail = gain + move + following[after]
                if tail > best_from:
                    best_from = tail
                if score + tail > scores_here[label]:
                    scores_here[label] = score + tail
            if best_from > -math.inf:
                beta[i][state] = best_from
        chosen = path[i]
        others = [(s, k) for k, s in enumerate(scores_here) if k != chosen and s > -math.inf]
        if others:
            score, label = max(others)
            gaps[i] = best - score
            runner[i] = label
    return gaps, runner
