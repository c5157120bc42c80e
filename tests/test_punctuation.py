import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from typeset.model import Article, Figure, Heading, Issue, Note, Paragraph
from typeset.transforms.punctuation import (
    FULL_WIDTH,
    is_chinese_context,
    normalize,
    normalize_issue,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = sorted(Path("/work/shared/article-model/gold").glob("*.json"))
ASCII_MARKS = set(FULL_WIDTH)
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
TO_ASCII = {full: ascii_ for ascii_, full in FULL_WIDTH.items()}


def fold(text: str) -> str:
    return "".join(TO_ASCII.get(c, c) for c in text)


def stray_marks(text: str, near=is_chinese_context) -> list[str]:
    """ASCII marks left with a neighbour that `near` accepts, shown in context."""
    return [
        text[max(0, i - 5) : i + 6]
        for i, c in enumerate(text)
        if c in ASCII_MARKS and any(0 <= j < len(text) and near(text[j]) for j in (i - 1, i + 1))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2.4亿元",
        "1+1>2",
        "8:30",
        "3:2",
        "H5",
        "v1.0",
        "1,000",
        "f(x)",
        "Wi-Fi, 5G",
        "使用Wi-Fi, 5G网络",
        "上午8:30开会",
        "比分3:2",
        "共1,000人",
        "http://a.cn/?q=1&r=2",
        "Hello, world! (yes)",
        "使用Wi-Fi; 5G网络",
        "写作a;b的形式",
        "",
    ],
)
def test_numbers_latin_and_formulas_stay(text):
    assert normalize(text) == (text, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(试行)", "（试行）"),
        ("等(30家)", "等（30家）"),
        ("工作指引(试行)》(以下简称《指引》),为", "工作指引（试行）》（以下简称《指引》），为"),
        ("4月9日,衡阳市", "4月9日，衡阳市"),
        ("2025年,5月", "2025年，5月"),
        ("会上,衡阳", "会上，衡阳"),
        ("三方面工作:一是", "三方面工作：一是"),
        ("动态清零;坚持", "动态清零；坚持"),
        ("真的吗?", "真的吗？"),
        # No number, time or formula uses a semicolon: between numbers it is a clause mark.
        ("占比78.65%;31家", "占比78.65%；31家"),
        ("8:30;9:30开会", "8:30；9:30开会"),
        ("好!", "好！"),
        # A run of marks converts together, from either side.
        ("真的?!", "真的？！"),
        ("OK!?好", "OK！？好"),
        # One side Chinese is enough.
        ("5G,中国", "5G，中国"),
        ("中国,5G", "中国，5G"),
        ("时间:8:30", "时间：8:30"),
        ("比分3:2,获胜", "比分3:2，获胜"),
        # Curly quotes and CJK punctuation are Chinese context too.
        ("“两张皮”,破解", "“两张皮”，破解"),
        ("《指引》,为", "《指引》，为"),
        # Pairs: Chinese content, or Chinese just outside, converts both marks.
        ("H5(HTML5)页面", "H5（HTML5）页面"),
        ("(1)加强", "（1）加强"),
        ("(A类6个、B类18个)", "（A类6个、B类18个）"),
        ("(a(中)b)", "（a（中）b）"),
        ("(转自礼县社会工作\n)", "（转自礼县社会工作\n）"),
        # A widened parenthesis makes the mark beside it Chinese.
        ("(注):", "（注）："),
        # Unpaired parentheses are judged by their neighbours.
        ("试行)", "试行）"),
        ("(试行", "（试行"),
        ("1)加强", "1）加强"),
        # Already full width, or mixed: the result is all full width.
        ("（试行)", "（试行）"),
        ("会上，衡阳,市", "会上，衡阳，市"),
    ],
)
def test_marks_in_chinese_become_full_width(text, expected):
    new, count = normalize(text)
    assert new == expected
    assert count == sum(a != b for a, b in zip(text, new, strict=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("社区: 志愿服务", "社区： 志愿服务"),
        ("中 , 文", "中 , 文"),
        ("使用 Wi-Fi, 5G 网络", "使用 Wi-Fi, 5G 网络"),
        ("中\u3000,文", "中\u3000，文"),
    ],
)
def test_spaces_are_neither_changed_nor_looked_through(text, expected):
    assert normalize(text)[0] == expected


def test_already_normalised_text_is_untouched():
    text = "会上，衡阳市（试行）：好！对吗？“两张皮”；"
    assert normalize(text) == (text, 0)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_no_ascii_mark_left_beside_han_in_seeds(seed):
    text = seed.read_text(encoding="utf-8")
    assert stray_marks(text, near=lambda c: HAN.match(c) is not None)  # the seeds need it
    new, count = normalize(text)
    assert stray_marks(new, near=lambda c: HAN.match(c) is not None) == []
    assert stray_marks(new) == []
    assert ";" not in new
    assert count > 0
    assert fold(new) == fold(text)
    assert normalize(new) == (new, 0)


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_normalize_issue_counts_and_converts_every_field(path):
    issue = Issue.from_dict(json.loads(path.read_text(encoding="utf-8")))
    new, count = normalize_issue(issue)
    before: list[str] = []
    after: list[str] = []
    issue.map_text(lambda s: before.append(s) or s)
    new.map_text(lambda s: after.append(s) or s)
    assert count == sum(normalize(s)[1] for s in before)
    assert all(stray_marks(s) == [] for s in after)
    assert new.language == issue.language
    assert [a.line for a in new.articles] == [a.line for a in issue.articles]


def test_normalize_issue_reaches_every_field_and_keeps_the_input():
    article = Article(
        title=["标题(一)"],
        column="专栏:动态",
        kicker="引题,一",
        byline="记者:甲",
        deck="提要;二",
        blocks=[
            Paragraph("正文,三", lead="导语!"),
            Heading(["小标题?"]),
            Figure("图片说明(摄)", credit="供图:乙"),
            Note("(作者单位)"),
        ],
        source="转自(某网)",
    )
    issue = Issue(id="x", articles=[article])
    new, count = normalize_issue(issue)
    assert count == 16
    converted = new.articles[0]
    assert converted.title == ["标题（一）"]
    assert (converted.column, converted.kicker, converted.byline, converted.deck) == (
        "专栏：动态",
        "引题，一",
        "记者：甲",
        "提要；二",
    )
    assert [b.text for b in converted.blocks if isinstance(b, Paragraph | Note)] == [
        "正文，三",
        "（作者单位）",
    ]
    assert converted.blocks[0].lead == "导语！"
    assert converted.blocks[1].lines == ["小标题？"]
    assert (converted.blocks[2].caption, converted.blocks[2].credit) == (
        "图片说明（摄）",
        "供图：乙",
    )
    assert converted.source == "转自（某网）"
    assert issue.articles[0].title == ["标题(一)"]


chinese_mixes = st.text(
    alphabet=st.sampled_from(
        list("中文社区党建")
        + list(",:;()!?.")
        + list("0123456789")
        + list("abcXYZ")
        + list(" -+/")
        + list("，（）：“”《》、。")
    ),
    max_size=60,
)


@given(chinese_mixes)
def test_normalize_is_idempotent(text):
    once, _ = normalize(text)
    assert normalize(once) == (once, 0)


@given(chinese_mixes)
def test_only_widths_change(text):
    new, count = normalize(text)
    assert len(new) == len(text)
    changed = [(a, b) for a, b in zip(text, new, strict=True) if a != b]
    assert all(FULL_WIDTH[a] == b for a, b in changed)
    assert count == len(changed)
    assert Counter(fold(new)) == Counter(fold(text))


@given(chinese_mixes)
def test_no_ascii_mark_left_in_chinese_context(text):
    assert stray_marks(normalize(text)[0]) == []


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_is_never_changed(text):
    assert normalize(text) == (text, 0)
