"""Property: whatever damage a perturbed issue file carries, the reader keeps every
character of it, nothing dropped and nothing invented (the contract's fidelity check)."""

from __future__ import annotations

import random
import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEEDS
from typeset.readers.plaintext import parse_text

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
WIDTH_PAIRS = list(zip(",:;()!?", "，：；（）！？", strict=True))
SOURCE_LINE = re.compile(r"^[(（]转自.*[)）]\s*$")


def _shuffle_articles(text: str, rng: random.Random) -> str:
    """Cut the issue after each source line and put the pieces in another order."""
    chunks, current = [], []
    for line in text.split("\n"):
        current.append(line)
        if SOURCE_LINE.match(line.strip()):
            chunks.append("\n".join(current))
            current = []
    chunks.append("\n".join(current))
    rng.shuffle(chunks)
    return "\n\n".join(chunks)


def _rebreak(text: str, rng: random.Random, chance: float) -> str:
    """Add or remove blank lines between blocks, as breaks in extraction do."""

    def swap(match: re.Match) -> str:
        if rng.random() >= chance:
            return match.group()
        return "\n" * rng.choice([1, 2, 3, 4, 5])

    return re.sub(r"\n{2,}", swap, text)


def _swap_widths(text: str, rng: random.Random, chance: float) -> str:
    table = {a: b for a, b in WIDTH_PAIRS} | {b: a for a, b in WIDTH_PAIRS}
    return "".join(table[c] if c in table and rng.random() < chance else c for c in text)


@st.composite
def damaged_issues(draw) -> str:
    text = draw(st.sampled_from(SEED_TEXTS))
    rng = random.Random(draw(st.integers(0, 2**32)))
    if draw(st.booleans()):
        text = _shuffle_articles(text, rng)
    text = _rebreak(text, rng, draw(st.floats(0, 1)))
    text = _swap_widths(text, rng, draw(st.floats(0, 1)))
    return text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=damaged_issues())
def test_reader_never_loses_or_invents_a_character(fidelity, text: str) -> None:
    issue = parse_text(text, "fuzz")
    assert not [d for d in issue.diagnostics if d.code == "reader-mismatch"]
    model = issue.to_dict()
    assert Counter(fidelity.norm(fidelity.rebuild(model))) == Counter(fidelity.norm(text))
