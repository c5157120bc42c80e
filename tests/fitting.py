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

import json
import random
import re
from collections import ChainMap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.simulate import Simulated, simulate
from typeset.model import Issue
from typeset.readers.decoding import decode as decode_bytes
from typeset.readers.layout.assemble import assemble
from typeset.readers.layout.decode import (
    NoReading,
    Weights,
    _unit_context,
    decode,
    end_keys,
    move_keys,
)
from typeset.readers.layout.features import features
from typeset.readers.layout.grammar import (
    CLOSED,
    HEADLINE_DUE,
    LABELS,
    NO_PARAGRAPH,
    START,
    impossible,
    places,
    step,
)
from typeset.readers.layout.units import Unit
from typeset.readers.plaintext import units as text_units

_BLANK = re.compile(r"\s+")


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


def _norm(text: str) -> str:
    return _BLANK.sub("", text)


def _candidates(gold: dict) -> dict[str, set[str]]:
    """Each gold text (normalised) and the roles a unit holding it, or part of it, may have."""
    found: dict[str, set[str]] = {}

    def add(text: str | None, *roles: str) -> None:
        if text:
            found.setdefault(_norm(text), set()).update(roles)

    for article in gold["articles"]:
        add(article.get("column"), "banner", "running")
        kicker = article.get("kicker")
        for line in article["title"]:
            add(line, "title")
        if kicker:
            add(kicker + "——", "title")
            add(kicker, "title")
            add(kicker + "——" + article["title"][0], "title")
        add(article.get("deck"), "deck")
        add(article.get("byline"), "byline")
        add(f"(转自{article['source']})" if article.get("source") else None, "source")
        add(f"（转自{article['source']}）" if article.get("source") else None, "source")
        for block in article["blocks"]:
            kind = block["type"]
            if kind == "heading":
                for line in block["lines"]:
                    add(line, "subhead")
            elif kind == "figure":
                add(block.get("caption"), "caption")
                if block.get("credit"):
                    for left, right in (("(", ")"), ("（", "）")):
                        add(f"{left}{block['credit']}{right}", "credit", "caption")
                        add(f"{block['caption']}{left}{block['credit']}{right}", "caption")
            elif kind == "note":
                add(block["text"], "note")
    return found


def gold_example(text: str, gold: dict, weights: Weights) -> Example | None:
    """A real issue file's units and their roles, recovered from its hand-made gold parse:
    each unit may have the roles of the gold texts it is (or, for a paragraph, is part of);
    the decoder picks a reading among them, and it counts only if it assembles to the gold
    exactly."""
    cut = text_units(text)
    known = _candidates(gold)
    paragraphs = [
        _norm((b.get("lead") or "") + b["text"])
        for a in gold["articles"]
        for b in a["blocks"]
        if b["type"] == "paragraph"
    ]
    allowed: list[set[int]] = []
    for unit in cut:
        here = _norm((unit.lead or "") + unit.text)
        roles = set(known.get(here, ()))
        for paragraph in paragraphs:
            if paragraph.startswith(here):
                roles.add("para")
            elif here in paragraph:
                roles.add("cont")
        if not roles:  # text the gold spreads over fields (a dateline byline, a caption)
            roles = {"para", "caption", "credit"}
        allowed.append({LABELS.index(r) for r in roles})
    feats = features(cut)
    texts, gaps = [u.text for u in cut], [u.gap for u in cut]
    masked = Weights(dict(weights.emission), dict(weights.moves))
    for i, labels in enumerate(allowed):
        key = f"gold-unit-{i}"
        masked.emission[key] = [0.0 if k in labels else -1e9 for k in range(len(LABELS))]
        feats[i] = [*feats[i], key]
    try:
        reading = decode(texts, gaps, feats, masked).labels
    except NoReading:
        return None
    if _content(assemble(cut, reading).articles) != _content(gold["articles"]):
        return None
    feats = [[f for f in fs if not f.startswith("gold-unit-")] for fs in feats]
    return Example(cut, texts, gaps, feats, reading)


def _content(articles: list) -> list:
    """Articles as plain data without line numbers, to compare a reading with a gold."""
    out = []
    for a in articles:
        data = a if isinstance(a, dict) else Issue("x", [a]).to_dict()["articles"][0]
        blocks = [
            {k: v for k, v in b.items() if k not in ("line", "image") and v is not None}
            for b in data["blocks"]
        ]
        keys = ("column", "kicker", "title", "byline", "deck", "source")
        out.append(({k: data.get(k) for k in keys}, blocks))
    return out


def issues(pool: list[dict], count: int, first_seed: int = 0) -> Iterator[Example]:
    for seed in range(first_seed, first_seed + count):
        if (found := example(simulate(pool, seed))) is not None:
            yield found


def _path_keys(units, labels, feats) -> list[tuple[str, int | None]] | None:
    """The weights a reading scores with: (feature, role) and (move, None); None when the
    grammar does not allow the reading."""
    keys: list[tuple[str, int | None]] = []
    state = (START, CLOSED, NO_PARAGRAPH, HEADLINE_DUE)
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
    examples: Iterable[Example],
    epochs: int = 8,
    seed: int = 0,
    log: bool = True,
    cost: float = 6.0,
) -> Weights:
    """Averaged structured perceptron over `examples`, in a shuffled order each epoch;
    `log` prints each epoch's count of misread issues. With a `cost`, the reading to beat
    is the best one with `cost` added for each unit it gets wrong: the right reading must
    win by a margin that grows with how wrong the other is."""
    data = list(examples)
    model = _Averaged()
    order = random.Random(seed)
    costs = {
        f"cost:{g}": [0.0 if k == g else cost for k in range(len(LABELS))]
        for g in range(len(LABELS))
    }
    for epoch in range(epochs):
        order.shuffle(data)
        mistakes = 0
        for ex in data:
            if cost:
                weights = Weights(ChainMap(costs, model.weights.emission), model.weights.moves)
                feats = [[*fs, f"cost:{g}"] for fs, g in zip(ex.features, ex.labels, strict=True)]
            else:
                weights, feats = model.weights, ex.features
            predicted = decode(ex.texts, ex.gaps, feats, weights).labels
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


def real_examples(pairs: Iterable[tuple[Path, Path]], weights: Weights) -> list[Example]:
    """The labelled readings of real issue files with their gold parses, where the gold's
    structure can be read off (`gold_example`)."""
    found = []
    for text_path, gold_path in pairs:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if (ex := gold_example(decode_bytes(text_path.read_bytes()), gold, weights)) is not None:
            found.append(ex)
    return found
