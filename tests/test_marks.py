"""Marks an editor sets to correct the reader (typeset.readers.marks), and the round trip of a
fully marked issue file (`typeset parse --marked`).

Each mark is shown on a layout whose structure the text alone does not settle, so the reader
reads it otherwise: the one mark at that line makes the parse what the editor meant, and the
mark never reaches the printed text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ARTICLE_MODEL, SEEDS, missing
from tests.simulate import simulate, source_articles
from typeset import cli
from typeset.model import Figure, Heading, Issue, Note, Paragraph, text_fields
from typeset.readers import read_issue
from typeset.readers.plaintext import parse_text
from typeset.writers.marked import marked_text

UNSEEN = sorted((Path(__file__).parent / "data" / "unseen").glob("*.txt"))

BODY = "近日，某区召开专题会议，部署推进新兴领域党建工作，要求各级党组织压实责任。"
MORE = "会议强调，要聚焦问题、动真碰硬，扎实推进各项任务，确保按时高质量完成。"


def issue(*blocks: str) -> str:
    return "\n\n".join(["党建动态", "某区召开新兴领域党建工作推进会", *blocks]) + "\n"


def article(text: str, n: int = 0):
    return parse_text(text, "marks").articles[n]


def printed(text: str) -> str:
    return "".join(f.text for f in text_fields(parse_text(text, "marks")))


# One layout per mark, on which the reader reads the line otherwise without its mark.
HEADLINE = issue(BODY, MORE, "@标题 另一区开展主题党日活动", BODY)
SUBHEAD = issue(BODY, MORE, "@小标题 以组织融合促进治理融合", BODY, MORE)
BANNER = issue(BODY, "@栏目 学习贯彻党的二十届四中全会精神", "抓党建，要实字当头", MORE)
KICKER = "党建动态\n\n@引题 专业培育、精准服务\n某区召开新兴领域党建工作推进会\n\n" + BODY + "\n"
DECK = issue("@提要 " + BODY, MORE)
BYLINE = issue("@作者 某区委组织部", BODY)
SOURCE = issue(BODY, "@转自 某区发布")
FIGURE = issue(BODY, "@图说 签约仪式现场\n@图源 某区融媒体中心", MORE)
NOTE = issue(BODY, "@注 本文据某区委组织部提供的材料整理")
CONT = issue("会议指出，新兴领域发展迅速。", "@接 各相关部门要提高政治站位，扛牢政治责任。")
PARA = issue("会议指出，新兴领域发展迅速，各相关", "@段 " + MORE)
BELOW = issue(BODY, "@下文 " + MORE, "另一区开展主题党日活动", BODY)


@pytest.mark.parametrize(
    "text",
    [HEADLINE, SUBHEAD, BANNER, KICKER, DECK, BYLINE, SOURCE, FIGURE, NOTE, CONT, PARA, BELOW],
)
def test_without_its_mark_the_reader_reads_the_layout_otherwise(text: str):
    unmarked = re.sub(r"(?m)^@\S+ ", "", text)
    assert _content(parse_text(unmarked, "m")) != _content(parse_text(text, "m"))


def test_headline_mark():
    """A short line after an article that ends without a source line: a headline only if
    the editor says so (here the reader could take it for a sub-head)."""
    assert [a.title for a in parse_text(HEADLINE, "m").articles][-1] == ["另一区开展主题党日活动"]


def test_subhead_mark():
    """A display line between paragraphs, with no series of its shape: a sub-head only if
    marked."""
    first = article(SUBHEAD)
    assert first.blocks[2] == Heading(["以组织融合促进治理融合"], line=9)
    assert len(parse_text(SUBHEAD, "m").articles) == 1


def test_banner_mark():
    """A topic banner as long as a headline, over one."""
    second = article(BANNER, 1)
    assert second.column == "学习贯彻党的二十届四中全会精神"
    assert second.title == ["抓党建，要实字当头"]


def test_kicker_mark_without_its_dash():
    first = article(KICKER)
    assert first.kicker == "专业培育、精准服务"
    assert first.title == ["某区召开新兴领域党建工作推进会"]
    assert not [d for d in parse_text(KICKER, "m").diagnostics if d.code == "reader-mismatch"]


def test_deck_mark():
    """A summary with no byline under it reads as the first paragraph, unless marked."""
    first = article(DECK)
    assert first.deck == BODY and first.blocks == [Paragraph(MORE, line=7)]


def test_byline_mark():
    """An organisation signs the piece: no role word, no ■."""
    assert article(BYLINE).byline == "某区委组织部"


def test_source_mark_without_its_parentheses():
    parsed = parse_text(SOURCE, "m")
    assert parsed.articles[0].source == "某区发布"
    assert not [d for d in parsed.diagnostics if d.code == "reader-mismatch"]


def test_caption_and_credit_marks():
    """A caption set among paragraphs with the usual gap reads as a paragraph; a credit
    without parentheses as text. Marked, they are a figure."""
    first = article(FIGURE)
    assert first.blocks[1] == Figure("签约仪式现场", "某区融媒体中心", line=7)
    assert "某区融媒体中心" in printed(FIGURE) and "@" not in printed(FIGURE)


def test_note_mark():
    assert article(NOTE).blocks[-1] == Note("本文据某区委组织部提供的材料整理", line=7)


def test_continuation_mark_joins_at_a_sentence_end():
    """A break right after a full stop looks like two paragraphs; the editor knows better."""
    assert article(CONT).blocks == [
        Paragraph("会议指出，新兴领域发展迅速。各相关部门要提高政治站位，扛牢政治责任。", line=5)
    ]


def test_paragraph_mark_leaves_a_cut_paragraph_cut():
    """Text lost at a break: the paragraph stops mid-sentence and the next one is another."""
    blocks = article(PARA).blocks
    assert [b.text for b in blocks] == ["会议指出，新兴领域发展迅速，各相关", MORE]
    cut = [d for d in parse_text(PARA, "m").diagnostics if d.code == "cut-paragraph"]
    assert [d.line for d in cut] == [5]


def test_below_mark_moves_a_block_to_the_next_article():
    """With no source line, nothing shows that a paragraph set before a headline is that
    article's (u15's layout); the mark does."""
    articles = parse_text(BELOW, "m").articles
    assert [b.text for b in articles[0].blocks] == [BODY]
    assert [b.text for b in articles[1].blocks] == [MORE, BODY]


def test_an_unknown_mark_is_text_and_reported():
    text = issue("@备注 这一行不是标记。", BODY)
    parsed = parse_text(text, "m")
    assert parsed.articles[0].blocks[0].text == "@备注 这一行不是标记。"
    assert [d.line for d in parsed.diagnostics if d.code == "unknown-mark"] == [5]


def test_english_names_mean_the_same():
    chinese = issue(BODY, "@小标题 聚焦“建起来”", MORE)
    english = issue(BODY, "@subhead 聚焦“建起来”", MORE)
    assert parse_text(chinese, "m").to_dict() == parse_text(english, "m").to_dict()


def _content(model: Issue) -> dict:
    """A model's JSON without line numbers, diagnostics and where it was read from."""
    data = model.to_dict()
    del data["diagnostics"], data["source_path"]
    for a in data["articles"]:
        del a["line"]
        for b in a["blocks"]:
            del b["line"]
    return data


@pytest.mark.parametrize("path", [*SEEDS, *UNSEEN], ids=lambda p: p.stem)
def test_a_marked_file_reads_back_to_the_same_model(path: Path):
    model = read_issue(path)
    again = parse_text(marked_text(model), model.id)
    assert _content(again) == _content(model)
    assert not [d for d in again.diagnostics if d.code in ("reader-mismatch", "ignored-mark")]


def test_marked_simulated_issues_read_back_to_the_same_model():
    """Issues laid out and damaged every way the simulator knows: whatever the reader made
    of each, its marked file reads back to it."""
    gold = ARTICLE_MODEL / "gold"
    stems = sorted(p.stem for p in gold.glob("*.json"))
    if not stems:
        missing(f"no gold parses in {gold} (set TYPESET_SHARED)")
    pool = source_articles(gold, stems)
    for seed in range(800_000, 800_060):
        model = parse_text(simulate(pool, seed).text, f"sim{seed}")
        again = parse_text(marked_text(model), model.id)
        assert _content(again) == _content(model), seed
        assert not [d for d in again.diagnostics if d.code in ("reader-mismatch", "ignored-mark")]


def test_parse_marked_prints_the_marked_file(capsys):
    assert cli.main(["parse", "--marked", str(SEEDS[0])]) == 0
    text = capsys.readouterr().out
    assert text.startswith("@栏目 ") and "@标题 " in text and "@段 " in text
    assert json.dumps(_content(parse_text(text, SEEDS[0].stem)), sort_keys=True) == json.dumps(
        _content(read_issue(SEEDS[0])), sort_keys=True
    )
