"""The best-scoring reading of a whole issue: one role per unit, under the grammar of an issue
(`grammar`).

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

from typeset.readers.layout.grammar import (
    BODY,
    CLOSED,
    HEAD,
    HEADLINE_DUE,
    LABELS,
    NO_PARAGRAPH,
    PARAGRAPHS,
    PHASES,
    SOURCE,
    START,
    Place,
    State,
    awaits_body,
    impossible,
    places,
    step,
)

WEIGHTS = Path(__file__).with_name("weights.json")


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
    ends = {s: moves.end(s) for s in reached if not awaits_body(s) and s[3] != HEADLINE_DUE}
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
