"""The layout simulator (tests/simulate.py): deterministic, faithful to the contract's
fidelity check, covering every layout variant, honest for leave-one-out, and its gold never
asks a reader to recover what the layout does not show."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from tests import simulate
from tests.conftest import ARTICLE_MODEL, missing

GOLD_DIR = ARTICLE_MODEL / "gold"
NUMBER = re.compile(
    r"^(?:([一二三四五六七八九十])、|[(（]([一二三四五六七八九十])[)）]|(\d{1,2})\.)"
)


@pytest.fixture(scope="module")
def stems() -> list[str]:
    found = sorted(p.stem for p in GOLD_DIR.glob("*.json"))
    if not found:
        missing(f"no gold parses in {GOLD_DIR} (set TYPESET_SHARED to the shared/ folder)")
    return found


@pytest.fixture(scope="module")
def pool(stems) -> list[dict]:
    return simulate.source_articles(GOLD_DIR, stems)


def _faithful(fidelity, issue: simulate.Simulated) -> bool:
    kept = fidelity.rebuild(issue.gold) + "".join(issue.repeated_banners)
    return Counter(fidelity.norm(kept)) == Counter(fidelity.norm(issue.text))


def _number(lines: list[str]) -> int | None:
    m = NUMBER.match(lines[0])
    if not m:
        return None
    return int(m.group(3)) if m.group(3) else "一二三四五六七八九十".index(m[1] or m[2]) + 1


def _unrecoverable(gold: dict) -> list[str]:
    """Paragraphs the gold leaves unfinished where an ideal reader would join them with
    what follows: only an article's end or a skipped sub-head number shows lost text."""
    found = []
    for article in gold["articles"]:
        blocks = article["blocks"]
        last_number = None
        for i, block in enumerate(blocks):
            if block["type"] == "heading":
                last_number = _number(block["lines"]) or last_number
            if block["type"] != "paragraph":
                continue
            if simulate.ended((block.get("lead") or "") + block["text"]):
                continue
            after = next((b for b in blocks[i + 1 :] if b["type"] != "figure"), None)
            if after is None:
                continue
            number = _number(after["lines"]) if after["type"] == "heading" else None
            if not (number and last_number and number > last_number + 1):
                found.append(block["text"][-20:])
    return found


def test_same_seed_same_issue(pool):
    for seed in (0, 1, 17, 4242):
        a, b = simulate.simulate(pool, seed), simulate.simulate(pool, seed)
        assert a.text == b.text
        assert json.dumps(a.gold, ensure_ascii=False) == json.dumps(b.gold, ensure_ascii=False)
        assert a.variants == b.variants


def test_different_seeds_differ(pool):
    texts = {simulate.simulate(pool, seed).text for seed in range(40)}
    assert len(texts) == 40


def test_corpus_yields_consecutive_seeds(pool):
    seeds = [seed for seed, _, _ in simulate.corpus(pool, 3, first_seed=5)]
    assert seeds == [5, 6, 7]


def test_gold_has_the_contract_shape(pool):
    keys = {"column", "kicker", "title", "byline", "deck", "blocks", "source"}
    for seed in range(50):
        gold = simulate.simulate(pool, seed).gold
        assert gold["id"] and isinstance(gold["repeated_banners"], list)
        for article in gold["articles"]:
            assert keys <= set(article)
            assert article["title"] and all(line.strip() for line in article["title"])
            for block in article["blocks"]:
                assert block["type"] in ("paragraph", "heading", "figure", "note")
                assert not any(key.startswith("_") for key in block)


def test_every_issue_keeps_every_character(pool, fidelity):
    bad = [seed for seed in range(300) if not _faithful(fidelity, simulate.simulate(pool, seed))]
    assert not bad


def test_gold_leaves_nothing_unrecoverable(pool):
    for seed in range(300):
        assert not _unrecoverable(simulate.simulate(pool, seed).gold), seed


def test_every_variant_occurs(pool):
    counts = Counter(v for seed in range(500) for v in simulate.simulate(pool, seed).variants)
    assert set(counts) <= set(simulate.VARIANTS)
    rare = {v: counts[v] for v in simulate.VARIANTS if counts[v] < 3}
    assert not rare


def _texts(articles: list[dict]) -> list[str]:
    out = []
    for article in articles:
        out.append("".join(article["title"]))
        for block in article["blocks"]:
            out.append((block.get("lead") or "") + block.get("text", block.get("caption", "")))
    return out


def test_leave_one_out_is_honest(stems, fidelity):
    """Issues simulated from one seed's articles hold no paragraph, title or caption of the
    other seeds (only the furniture vocabularies, and phrases both seeds print, are shared)."""
    for stem in stems:
        pool = simulate.source_articles(GOLD_DIR, [stem])
        own = fidelity.norm("\n".join(_texts(pool)))
        others = simulate.source_articles(GOLD_DIR, [s for s in stems if s != stem])
        heads = {fidelity.norm(t)[:16] for t in _texts(others) if len(fidelity.norm(t)) >= 16}
        foreign = [h for h in heads if h not in own]
        for seed in range(40):
            text = fidelity.norm(simulate.simulate(pool, seed).text)
            assert not [f for f in foreign if f in text], (stem, seed)


def test_widen_leaves_numbers_alone():
    assert simulate.widen("共1,000人，时间10:30（上午）", "half") == "共1,000人,时间10:30(上午)"
    assert simulate.widen("共1,000人,时间10:30(上午)", "full") == "共1,000人，时间10:30（上午）"


def test_break_rule():
    assert simulate.joins("会议强调,要", "不断加强")  # no sentence end: one paragraph
    assert simulate.joins("会议强调。", "”他说")  # a line never opens with a closing mark
    assert not simulate.joins("会议强调。", "要不断加强")  # a finished sentence: two paragraphs
    assert simulate.ended("“路还没修完——”")
