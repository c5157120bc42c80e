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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from typeset.readers.layout.features import ended

LABELS = (
    "banner", "running", "title", "deck", "byline", "subhead",
    "para", "cont", "caption", "credit", "source", "note",
)  # fmt: skip
(BANNER, RUNNING, TITLE, DECK, BYLINE, SUBHEAD, PARA, CONT, CAPTION, CREDIT, SOURCE, NOTE) = range(
    len(LABELS)
)
START = len(LABELS)  # the "previous role" before the first unit
# Where the article stands.
CLOSED, HEAD, BODY = range(3)
PHASES = ("closed", "head", "body")
# The last paragraph since the last heading: none, finished, stopped mid-sentence.
NO_PARAGRAPH, FINISHED, OPEN = range(3)
PARAGRAPHS = ("none", "finished", "open")
GAPS = ("0", "usual", "more")
STARTS = ("closing", "other")
WEIGHTS = Path(__file__).with_name("weights.json")
_AFTER_TEXT = frozenset({PARA, CONT, CAPTION, CREDIT, RUNNING})

# Previous role, phase, last paragraph, and whether the article has had a sub-head.
State = tuple[int, int, int, int]


@dataclass(frozen=True)
class Place:
    """What the grammar needs to know of a unit besides its role."""

    finished: bool  # it ends a sentence
    alone: bool  # blank lines before and after it: it is a block of its own
    # It is set right under the line before, or it is a subtitle (——…) or follows a kicker
    # (…——): a headline line only ever continues a headline so.
    continues_headline: bool


def places(texts: Sequence[str], gaps: Sequence[int]) -> list[Place]:
    n = len(texts)
    return [
        Place(
            finished=ended(texts[i]),
            alone=(i == 0 or gaps[i] > 0) and (i + 1 == n or gaps[i + 1] > 0),
            continues_headline=gaps[i] == 0
            or texts[i].startswith("——")
            or (i > 0 and texts[i - 1].endswith("——")),
        )
        for i in range(n)
    ]


def step(state: State, label: int, place: Place) -> State | None:
    """The state after a unit of role `label` at `place`, or None when the grammar does not
    allow the role there. An article has a body: nothing opens a new one, nor a banner,
    between its headline and its first body block."""
    prev, phase, paragraph, sections = state
    in_article = phase != CLOSED
    if label == BANNER:
        return (BANNER, CLOSED, NO_PARAGRAPH, 0) if place.alone and phase != HEAD else None
    if label == TITLE:
        if prev == TITLE:
            return (TITLE, HEAD, NO_PARAGRAPH, 0) if place.continues_headline else None
        return (TITLE, HEAD, NO_PARAGRAPH, 0) if phase != HEAD else None
    if label in (PARA, CONT):
        if label == CONT and (paragraph == NO_PARAGRAPH or prev not in _AFTER_TEXT):
            return None
        status = FINISHED if place.finished else OPEN
        return label, BODY if in_article else CLOSED, status, sections
    if label == CAPTION:
        return CAPTION, phase, paragraph, sections
    if label == CREDIT:
        return (CREDIT, phase, paragraph, sections) if prev == CAPTION else None
    if label == RUNNING:
        ok = prev in _AFTER_TEXT and paragraph == OPEN
        return (RUNNING, phase, paragraph, sections) if ok else None
    if label == SOURCE:
        return SOURCE, CLOSED, NO_PARAGRAPH, 0
    if label == NOTE:
        return NOTE, BODY if in_article else CLOSED, NO_PARAGRAPH, sections
    if label == DECK:
        ok = phase == HEAD and prev in (TITLE, DECK, BYLINE)
        return (DECK, HEAD, NO_PARAGRAPH, 0) if ok else None
    if label == BYLINE:
        if phase == HEAD and prev in (TITLE, DECK, CAPTION):
            return BYLINE, HEAD, NO_PARAGRAPH, 0
        return (BYLINE, CLOSED, NO_PARAGRAPH, 0) if phase == BODY else None  # a signature
    if label == SUBHEAD:
        return (SUBHEAD, BODY, NO_PARAGRAPH, 1) if in_article else None
    raise ValueError(label)


def impossible(unit_features: Sequence[str]) -> tuple[int, ...]:
    """Roles a unit cannot have, whatever the scores: what a source, a credit and a running
    head are is defined by their form (the contract's "(转自X)", a credit in parentheses, the
    banner's own words), and no line opens with closing punctuation but a continuation's."""
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
    if "start:closing" in fs:
        ruled_out += [k for k in range(len(LABELS)) if k not in (CONT, PARA)]
    return tuple(ruled_out)


def move_keys(state: State, label: int, gap: str, start: str) -> tuple[str, ...]:
    """The names of the weights a move scores with."""
    prev, phase, paragraph, sections = state
    p = "start" if prev == START else LABELS[prev]
    role = LABELS[label]
    return (
        f"T:{p}:{role}",
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


@dataclass(frozen=True)
class Reading:
    labels: list[int]
    score: float
    # Per unit: how much worse the best reading giving it another role is, and that role.
    margins: list[float]
    runner_up: list[int]


def _unit_context(unit_features: Sequence[str]) -> tuple[str, str]:
    gap = next(f for f in unit_features if f.startswith("gap:"))[4:]
    start = "closing" if "start:closing" in unit_features else "other"
    return gap, start


def decode(
    texts: Sequence[str],
    gaps: Sequence[int],
    feats: Sequence[Sequence[str]],
    weights: Weights,
    forced: dict[int, int] | None = None,
    margins: bool = False,
) -> Reading:
    """The best reading of units with texts `texts`, blank lines before them `gaps` and
    features `feats`; `forced` fixes the role of some units (an editor's marks). With
    `margins`, each unit's margin too."""
    n = len(texts)
    labels = range(len(LABELS))
    zero = [0.0] * len(LABELS)
    where = places(texts, gaps)
    emissions = []
    for i, fs in enumerate(feats):
        scores = list(zero)
        for f in fs:
            if (ws := weights.emission.get(f)) is not None:
                for k in labels:
                    scores[k] += ws[k]
        for k in impossible(fs):
            scores[k] = -math.inf
        if forced and i in forced:
            scores = [s if k == forced[i] else -math.inf for k, s in enumerate(scores)]
        emissions.append(scores)
    contexts = [_unit_context(fs) for fs in feats]
    moves = weights.moves
    move_cache: dict[tuple[State, int, str, str], float] = {}

    def move(state: State, label: int, i: int) -> float:
        key = (state, label, *contexts[i])
        score = move_cache.get(key)
        if score is None:
            score = sum(moves.get(k, 0.0) for k in move_keys(state, label, *contexts[i]))
            move_cache[key] = score
        return score

    start: State = (START, CLOSED, NO_PARAGRAPH, 0)
    alpha: list[dict[State, float]] = [{start: 0.0}]
    back: list[dict[State, tuple[State, int]]] = []
    for i in range(n):
        current: dict[State, float] = {}
        pointers: dict[State, tuple[State, int]] = {}
        emission = emissions[i]
        for state, score in alpha[i].items():
            for label in labels:
                if emission[label] == -math.inf:
                    continue
                after = step(state, label, where[i])
                if after is None:
                    continue
                total = score + emission[label] + move(state, label, i)
                if total > current.get(after, -math.inf):
                    current[after] = total
                    pointers[after] = (state, label)
        alpha.append(current)
        back.append(pointers)
    finals = {
        s: score + sum(moves.get(k, 0.0) for k in end_keys(s)) for s, score in alpha[n].items()
    }
    state = max(finals, key=finals.__getitem__)
    best = finals[state]
    path: list[int] = []
    for i in range(n - 1, -1, -1):
        state, label = back[i][state]
        path.append(label)
    path.reverse()
    if not margins:
        return Reading(path, best, [], [])
    margin, runner = _margins(n, alpha, emissions, where, move, moves, path, best)
    return Reading(path, best, margin, runner)


def _margins(n, alpha, emissions, where, move, moves, path, best):
    """For each unit, best - (best score of a reading giving it another role), and that role:
    a backward pass gives the best completion from every state the forward pass reached."""
    beta: list[dict[State, float]] = [{} for _ in range(n + 1)]
    beta[n] = {s: sum(moves.get(k, 0.0) for k in end_keys(s)) for s in alpha[n]}
    labels = range(len(LABELS))
    gaps = [math.inf] * n
    runner = [-1] * n
    for i in range(n - 1, -1, -1):
        emission = emissions[i]
        following = beta[i + 1]
        scores_here = [-math.inf] * len(LABELS)
        for state, score in alpha[i].items():
            best_from = -math.inf
            for label in labels:
                if emission[label] == -math.inf:
                    continue
                after = step(state, label, where[i])
                if after is None or after not in following:
                    continue
                tail = emission[label] + move(state, label, i) + following[after]
                best_from = max(best_from, tail)
                scores_here[label] = max(scores_here[label], score + tail)
            if best_from > -math.inf:
                beta[i][state] = best_from
        chosen = path[i]
        others = [(s, k) for k, s in enumerate(scores_here) if k != chosen and s > -math.inf]
        if others:
            score, label = max(others)
            gaps[i] = best - score
            runner[i] = label
    return gaps, runner
