"""The layout simulator (tests/simulate.py): deterministic, faithful to the contract's
fidelity check, covering every layout variant (the layouts of real pages often), honest for
leave-one-out, its gold never asks a reader to recover what the layout does not show, and
its lines' roles, read by the reader's assembly, give back exactly its gold."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from tests import simulate
from tests.conftest import ARTICLE_MODEL, missing
from typeset.readers.layout.assemble import assemble
from typeset.readers.layout.grammar import LABELS
from typeset.readers.layout.shapes import DATE_ONLY
from typeset.readers.plaintext import units as text_units

GOLD_DIR = ARTICLE_MODEL / "gold"
NUMBER = re.compile(
    r"^(?:([一二三四五六七八九十])、|[(（]([一二三四五六七八九十])[)）]|(\d{1,2})[.、])"
)
LIST_ITEM = 24  # an item of a list announced with a colon: complete as it stands


@pytest.fixture(scope="module")
def stems() -> list[str]:
    found = sorted(p.stem for p in GOLD_DIR.glob("*.json"))
    if not found:
        missing(f"no gold parses in {GOLD_DIR} (set TYPESET_SHARED to the shared/ folder)")
    return found


@pytest.fixture(scope="module")
def pool(stems) -> list[dict]:
    return simulate.source_articles(GOLD_DIR, stems)


@pytest.fixture(scope="module")
def issues(pool) -> list[simulate.Simulated]:
    """Issues of seeds 0-499, simulated once for the tests that read them."""
    return [simulate.simulate(pool, seed) for seed in range(500)]


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
    what follows: only an article's end or a skipped sub-head number ahead shows lost text, and
    the short items of a list a paragraph announces with a colon are complete as they
    stand, and no date continues a paragraph."""
    found = []
    for article in gold["articles"]:
        blocks = article["blocks"]
        last_number = None
        listing = False
        for i, block in enumerate(blocks):
            if block["type"] == "heading":
                last_number = _number(block["lines"]) or last_number
            if block["type"] != "paragraph":
                listing = False
                continue
            text = (block.get("lead") or "") + block["text"]
            item = listing and len(text) <= LIST_ITEM and not block.get("lead")
            listing = text.endswith(("：", ":")) or item
            if simulate.ended(text) or item:
                continue
            after = next((b for b in blocks[i + 1 :] if b["type"] != "figure"), None)
            if after is None or DATE_ONLY.match(after.get("text", "")):  # a notice's signature
                continue
            # Text lost before a skipped number may leave a section's tail before it.
            heading = next((b for b in blocks[i + 1 :] if b["type"] == "heading"), None)
            number = _number(heading["lines"]) if heading else None
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


def test_gold_has_the_contract_shape(issues):
    keys = {"column", "kicker", "title", "byline", "deck", "blocks", "source"}
    for issue in issues[:50]:
        gold = issue.gold
        assert gold["id"] and isinstance(gold["repeated_banners"], list)
        for article in gold["articles"]:
            assert keys <= set(article)
            assert article["title"] and all(line.strip() for line in article["title"])
            for block in article["blocks"]:
                assert block["type"] in ("paragraph", "heading", "figure", "note")
                assert not any(key.startswith("_") for key in block)


def test_every_issue_keeps_every_character(issues, fidelity):
    bad = [issue.seed for issue in issues if not _faithful(fidelity, issue)]
    assert not bad


def test_gold_leaves_nothing_unrecoverable(issues):
    for issue in issues:
        assert not _unrecoverable(issue.gold), issue.seed


def test_every_variant_occurs(issues):
    counts = Counter(v for issue in issues for v in issue.variants)
    assert set(counts) <= set(simulate.VARIANTS)
    rare = {v: counts[v] for v in simulate.VARIANTS if counts[v] < 3}
    assert not rare


# Layouts of real pages the reader must learn: each in at least 5% of issues.
COMMON = (
    "title_subtitle", "kicker_same_line", "title_asks", "byline_dateline", "byline_staff",
    "subhead_ordinal", "subhead_numbered_arabic_comma", "subhead_comma_joined", "subhead_short",
    "subhead_quoted", "subhead_bold", "subhead_from_leads", "lead_numbered", "caption_two_lines",
    "caption_numbered", "figure_credit_bare", "interview_marks", "interview_leads", "briefs",
    "briefs_bold", "list_items", "list_clauses", "banner_repeated", "note_unit", "subhead_asks",
    "title_after_open_article", "figure_before_subhead",
    "body_before_headline_subheads", "body_before_headline_source",
)  # fmt: skip


def test_real_layouts_are_common(issues):
    counts = Counter(v for issue in issues for v in issue.variants)
    rare = {v: counts[v] for v in COMMON if counts[v] < len(issues) // 20}
    assert not rare


def _labels(issue: simulate.Simulated) -> tuple[list, list[int]] | None:
    """The reader's units of the issue's text, with the roles of their lines (None when
    they do not match the lines)."""
    units = text_units(issue.text)
    lines = sorted({u.line for u in units})
    if len(lines) != len(issue.roles):
        return None
    by_line = dict(zip(lines, issue.roles, strict=True))
    split = {unit.line for unit in units if unit.same_line}
    if any(("+" in role) != (line in split) for line, role in by_line.items()):
        return None  # a source run into a line that the reader does not split off
    labels = []
    for unit in units:
        parts = by_line[unit.line].split("+")
        labels.append(LABELS.index(parts[-1] if unit.same_line else parts[0]))
    return units, labels


def _comparable(value, fidelity):
    """A model value with whitespace, punctuation width, line numbers and empty fields
    left out."""
    if isinstance(value, str):
        return fidelity.norm(value)
    if isinstance(value, list):
        return [_comparable(v, fidelity) for v in value]
    if isinstance(value, dict):
        return {
            k: _comparable(v, fidelity)
            for k, v in value.items()
            if v is not None and k not in ("line", "variants", "id", "repeated_banners")
        }
    return value


def test_roles_read_back_as_the_gold(issues, fidelity):
    """The ideal reading (every line's role) cut into the reader's units and assembled by
    the layout parse gives exactly the gold: roles and gold tell the same parse."""
    from typeset.model import Issue

    for issue in issues[:200]:
        found = _labels(issue)
        assert found is not None, issue.seed
        built = assemble(*found)
        articles = Issue(id="", articles=built.articles).to_dict()["articles"]
        assert _comparable(articles, fidelity) == _comparable(issue.gold["articles"], fidelity), (
            issue.seed
        )
        assert built.repeated_banners == issue.repeated_banners, issue.seed


def test_body_before_headline_keeps_its_subheads_and_source(issues):
    """Sections set before their headline, with the article's own source after them, are
    that article's first blocks and its source."""
    seen = 0
    for issue in issues:
        if not {"body_before_headline_subheads", "body_before_headline_source"} <= issue.variants:
            continue
        roles = issue.roles
        for k in range(1, len(roles) - 1):
            if roles[k] == "source" and roles[k + 1] == "title":
                before = roles[:k]
                closes = [i for i, r in enumerate(before) if r.endswith("source")]
                moved = before[closes[-1] + 1 :] if closes else ["title"]
                if "subhead" in moved and "title" not in moved:
                    seen += 1
    assert seen >= 3


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
