"""Fitting the layout parse's weights on simulated issues (test support).

Each simulated issue (`tests/simulate.py`) comes with the role of every printed line; cut
into units the way the plain-text reader cuts them, that is a labelled reading. An averaged
structured perceptron then sets the weights: decode each issue with the weights so far and,
where the reading is wrong, move the weights towards the right reading's features and away
from the wrong one's. Averaging the weights over all steps keeps the last issues seen from
deciding them.

    weights = fit(issues(pool, count=2000), epochs=6)
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tests.simulate import Simulated, simulate
from typeset.readers.layout.decode import (
    CLOSED,
    LABELS,
    NO_PARAGRAPH,
    START,
    Weights,
    _unit_context,
    decode,
    end_keys,
    impossible,
    move_keys,
    places,
    step,
)
from typeset.readers.layout.features import features
from typeset.readers.layout.units import Unit
from typeset.readers.plaintext import units as text_units


@dataclass
class Example:
    """A simulated issue as the decoder sees it, with its right reading."""

    units: list[Unit]
    texts: list[str]
    gaps: list[int]
    features: list[list[str]]
    labels: list[int]


def example(issue: Simulated) -> Example | None:
    """The issue's units and their roles (None if the units do not match the lines)."""
    units = text_units(issue.text)
    lines = sorted({u.line for u in units})
    if len(lines) != len(issue.roles):
        return None
    by_line = dict(zip(lines, issue.roles, strict=True))
    labels = []
    for unit in units:
        role = by_line[unit.line]
        parts = role.split("+")
        part = parts[1] if unit.same_line and len(parts) > 1 else parts[0]
        labels.append(LABELS.index(part))
    feats = features(units)
    if _path_keys(units, labels, feats) is None:
        return None
    if any(label in impossible(fs) for label, fs in zip(labels, feats, strict=True)):
        return None
    return Example(units, [u.text for u in units], [u.gap for u in units], feats, labels)


def issues(pool: list[dict], count: int, first_seed: int = 0) -> Iterator[Example]:
    for seed in range(first_seed, first_seed + count):
        if (found := example(simulate(pool, seed))) is not None:
            yield found


def _path_keys(units, labels, feats) -> list[tuple[str, int | None]] | None:
    """The weights a reading scores with: (feature, role) and (move, None); None when the
    grammar does not allow the reading."""
    keys: list[tuple[str, int | None]] = []
    state = (START, CLOSED, NO_PARAGRAPH, 0)
    where = places([u.text for u in units], [u.gap for u in units])
    for i, label in enumerate(labels):
        keys += [(f, label) for f in feats[i]]
        keys += [(k, None) for k in move_keys(state, label, *_unit_context(feats[i]))]
        state = step(state, label, where[i])
        if state is None:
            return None
    keys += [(k, None) for k in end_keys(state)]
    return keys


class _Averaged:
    """Weights with their running sums, for the averaged perceptron."""

    def __init__(self) -> None:
        self.weights = Weights({}, {})
        self.sums = Weights({}, {})
        self.steps = 1

    def update(self, keys: list[tuple[str, int | None]], sign: float) -> None:
        for key, label in keys:
            if label is None:
                self.weights.moves[key] = self.weights.moves.get(key, 0.0) + sign
                self.sums.moves[key] = self.sums.moves.get(key, 0.0) + sign * self.steps
            else:
                row = self.weights.emission.setdefault(key, [0.0] * len(LABELS))
                row[label] += sign
                total = self.sums.emission.setdefault(key, [0.0] * len(LABELS))
                total[label] += sign * self.steps

    def averaged(self) -> Weights:
        c = self.steps
        emission = {
            f: [w - s / c for w, s in zip(ws, self.sums.emission[f], strict=True)]
            for f, ws in self.weights.emission.items()
        }
        moves = {k: w - self.sums.moves[k] / c for k, w in self.weights.moves.items()}
        return Weights(
            {f: ws for f, ws in emission.items() if any(abs(w) > 1e-9 for w in ws)},
            {k: w for k, w in moves.items() if abs(w) > 1e-9},
        )


def fit(
    examples: Iterable[Example], epochs: int = 8, seed: int = 0, log: bool = True
) -> Weights:
    """Averaged structured perceptron over `examples`, in a shuffled order each epoch;
    `log` prints each epoch's count of misread issues."""
    data = list(examples)
    model = _Averaged()
    order = random.Random(seed)
    for epoch in range(epochs):
        order.shuffle(data)
        mistakes = 0
        for ex in data:
            predicted = decode(ex.texts, ex.gaps, ex.features, model.weights).labels
            if predicted != ex.labels:
                mistakes += 1
                gold = _path_keys(ex.units, ex.labels, ex.features)
                wrong = _path_keys(ex.units, predicted, ex.features)
                model.update(gold, 1.0)
                model.update(wrong, -1.0)
            model.steps += 1
        if log:
            print(f"epoch {epoch + 1}: {mistakes} of {len(data)} issues misread", flush=True)
    return model.averaged()
