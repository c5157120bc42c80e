"""Chinese justification, autospace and line breaking, read back from WeasyPrint's PDFs."""

from __future__ import annotations

import inspect
import io
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
import weasyprint
from weasyprint import CSS, HTML
from weasyprint.layout import inline
from weasyprint.text.fonts import FontConfiguration

from typeset.writers.pdf import justify, spacing
from typeset.writers.pdf.patches import IncompatibleWeasyPrint

FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSerifCJKsc-Regular.otf"
pytestmark = pytest.mark.skipif(
    not FONT.exists(), reason=f"{FONT} not built yet (scripts/build-fonts makes it)"
)

SIZE = 10  # pt; the quarter em is 2.5 pt
QUARTER = SIZE * spacing.AUTOSPACE_EM
# Two columns of 148 pt: 14 ideographs (140 pt) and 8 pt of slack per line.
LEFT, COLUMN, GAP = 20.0, 148.0, 14.0
COLUMNS = ((LEFT, LEFT + COLUMN), (LEFT + COLUMN + GAP, LEFT + 2 * COLUMN + GAP))
INDENT = 2 * SIZE
CSS_TEMPLATE = """
@font-face {{ font-family: Song; src: url({font}) }}
@page {{ size: 400pt 330pt; margin: {left}pt }}
body {{ margin: 0 }}
.columns {{ width: {width}pt; columns: 2; column-gap: {gap}pt }}
p {{
  margin: 0; font: {size}pt/1.6 Song; text-align: justify; text-indent: 2em;
  font-feature-settings: "chws";
  widows: 1; orphans: 1;
}}
.single {{ width: {column}pt; text-indent: 0 }}
.start {{ text-align: start }}
"""
PARAGRAPH = (
    "新华社北京3月5日电　国务院新闻办公室今天召开 2025 年度新闻发布会，介绍“十四五”规划"
    "实施情况。会议指出，各地区各部门认真贯彻落实党中央决策部署，经济运行总体平稳、"
    "稳中有进（详见第三版）。记者从会上获悉，全年GDP增长5.2%左右，城镇新增就业1256万人；"
    "居民消费价格上涨0.2%。与会专家认为，AI与实体经济深度融合，为高质量发展注入新动能。"
    "发布会上，有关负责人回答了记者提问。他说，2026年将继续实施更加积极的财政政策和"
    "适度宽松的货币政策，推动消费提质升级，扩大有效投资，《政府工作报告》提出的各项"
    "目标任务已经分解落实到部门。据介绍，今年前两个月，全国规模以上工业增加值同比增长"
    "5.9%，社会消费品零售总额增长4.0%，高技术制造业增加值增长9.1%，新能源汽车、3D打印"
    "设备、工业机器人等产品产量保持较快增长。"
)
CLOSING = "，。、；：？！”’）》」』"
OPENING = "“‘（《「『"


@pytest.fixture
def installed():
    justify.install()


@pytest.fixture
def not_installed():
    was_installed = justify.uninstall()
    yield
    if was_installed:
        justify.install()


def render(body: str) -> list[list[dict]]:
    """Lay `body` out and read it back: lines of chars, in reading order."""
    fonts = FontConfiguration()
    css = CSS(
        string=CSS_TEMPLATE.format(
            font=FONT.as_uri(),
            left=LEFT,
            width=2 * COLUMN + GAP,
            gap=GAP,
            size=SIZE,
            column=COLUMN,
        ),
        font_config=fonts,
    )
    html = HTML(string=f'<html lang="zh-Hans"><body>{body}</body></html>')
    pdf = html.write_pdf(stylesheets=[css], font_config=fonts)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        chars = [char for page in document.pages for char in page.chars]
    rows = defaultdict(list)
    for char in chars:
        rows[char["x0"] >= COLUMNS[1][0] - 1, round(char["top"], 1)].append(char)
    return [sorted(rows[key], key=lambda char: char["x0"]) for key in sorted(rows)]


def text(line: list[dict]) -> str:
    return "".join(char["text"] for char in line)


def visible(line: list[dict]) -> list[dict]:
    return [char for char in line if char["text"].strip()]


def column(line: list[dict]) -> tuple[float, float]:
    return COLUMNS[line[0]["x0"] >= COLUMNS[1][0] - 1]


def gap(line: list[dict], before: str, after: str) -> float:
    """Space from the end of `before` to the start of the `after` next to it (or a space on)."""
    joined = text(line)
    for index, char in enumerate(joined):
        if char == before:
            following = index + 1 + (joined[index + 1 : index + 2] == " ")
            if joined[following : following + 1] == after:
                return line[following]["x0"] - line[index]["x1"]
    raise AssertionError(f"no {before!r} then {after!r} in {joined!r}")


def han_gap(line: list[dict]) -> float:
    """The space between two adjacent ideographs of `line` (they all get the same)."""
    for first, second in zip(line, line[1:], strict=False):
        if "\u4e00" <= first["text"] <= "\u9fff" and "\u4e00" <= second["text"] <= "\u9fff":
            return second["x0"] - first["x1"]
    raise AssertionError(f"no two adjacent ideographs in {text(line)!r}")


def assert_same_text(lines: list[list[dict]], source: str) -> None:
    """The lines read back are `source` cut into lines, a space at a break dropped."""
    position = 0
    for line in lines:
        printed = text(line)
        assert source[position : position + len(printed)] == printed, (position, printed)
        position += len(printed)
        if source[position : position + 1] == " ":
            position += 1
    assert position == len(source)


def test_justified_lines_are_flush_on_both_sides(installed):
    lines = render(f'<div class="columns"><p>{PARAGRAPH}</p></div>')
    assert len({column(line) for line in lines}) == 2, "the paragraph should fill two columns"
    for number, line in enumerate(lines[:-1]):
        left, right = column(line)
        start = left + INDENT if number == 0 else left
        chars = visible(line)
        assert chars[0]["x0"] == pytest.approx(start, abs=0.5), text(line)
        assert chars[-1]["x1"] == pytest.approx(right, abs=0.5), text(line)


def test_last_line_stays_ragged(installed):
    lines = render(f'<div class="columns"><p>{PARAGRAPH}</p></div>')
    last = visible(lines[-1])
    left, right = column(lines[-1])
    assert last[0]["x0"] == pytest.approx(left, abs=0.5)
    assert last[-1]["x1"] < right - 5


def test_without_install_lines_are_ragged(not_installed):
    lines = render(f'<div class="columns"><p>{PARAGRAPH}</p></div>')
    short = [line for line in lines[:-1] if visible(line)[-1]["x1"] < column(line)[1] - 0.5]
    assert len(short) > len(lines) // 2


def test_extracted_text_is_the_source_text(installed):
    lines = render(f'<div class="columns"><p>{PARAGRAPH}</p></div>')
    assert_same_text(lines, PARAGRAPH)


def test_han_latin_spacing_is_a_quarter_em_with_or_without_a_typed_space(installed):
    typed, untyped = "会议召开 2025 年度发布会", "会议召开2025年度发布会"
    lines = render(f'<p class="single start">{typed}</p><p class="single start">{untyped}</p>')
    assert [text(line) for line in lines] == [typed, untyped]
    for line in lines:
        assert gap(line, "开", "2") == pytest.approx(QUARTER, abs=0.1), text(line)
        assert gap(line, "5", "年") == pytest.approx(QUARTER, abs=0.1), text(line)
        assert gap(line, "2", "0") == pytest.approx(0, abs=0.05), "digits stay together"
        assert han_gap(line) == pytest.approx(0, abs=0.05)
    assert lines[0][-1]["x1"] == pytest.approx(lines[1][-1]["x1"], abs=0.1)


def test_han_latin_spacing_adds_to_the_justification(installed):
    lines = render(f'<div class="columns"><p>{PARAGRAPH}</p></div>')
    checked = 0
    for line in lines[:-1]:
        for before, after in (("开", "2"), ("P", "增"), ("I", "与"), ("D", "打")):
            if before in text(line) and after in text(line):
                expected = QUARTER + han_gap(line)
                assert gap(line, before, after) == pytest.approx(expected, abs=0.1), text(line)
                checked += 1
    assert checked >= 3


def test_spaces_get_one_share_of_the_slack(installed):
    # "WeasyPrint" does not fit after 发布会: 30 pt of slack for the first line.
    source = "今天召开 2025 年度发布会 WeasyPrint 排版的文字"
    first = render(f'<p class="single">{source}</p>')[0]
    assert text(first) == "今天召开 2025 年度发布会"
    share = han_gap(first)
    assert share > 2, "the line should have been stretched"
    assert gap(first, "开", "2") == pytest.approx(QUARTER + share, abs=0.1)
    assert gap(first, "5", "年") == pytest.approx(QUARTER + share, abs=0.1)
    assert visible(first)[-1]["x1"] == pytest.approx(COLUMNS[0][1], abs=0.5)


def test_no_spacing_at_line_edges(installed):
    # 13 ideographs then a number: the line breaks between 号 and 2025.
    source = "一二三四五六七八九十甲乙号2025年的文字"
    lines = render(f'<p class="single start">{source}</p>')
    assert text(lines[1]).startswith("2025")
    assert visible(lines[1])[0]["x0"] == pytest.approx(LEFT, abs=0.05)
    assert_same_text(lines, source)


@pytest.mark.parametrize("mark", CLOSING)
@pytest.mark.parametrize("markup", ["{}", "<b>{}</b>"])
def test_no_closing_mark_starts_a_line(installed, mark, markup):
    # Fourteen ideographs fill a line: a mark after them would start the next one.
    source = "一二三四五六七八九十甲乙丙丁" + mark + "戊己庚辛"
    body = markup.format(mark + "戊")
    lines = render(f'<p class="single">{source.replace(mark + "戊", body)}</p>')
    assert [text(line)[0] for line in lines] == ["一", "丁"]
    assert visible(lines[0])[-1]["x1"] == pytest.approx(COLUMNS[0][1], abs=0.5)
    assert_same_text(lines, source)


@pytest.mark.parametrize("mark", OPENING)
def test_no_opening_mark_ends_a_line(installed, mark):
    # Thirteen ideographs and the mark fill a line: the mark must go to the next one.
    source = "一二三四五六七八九十甲乙丙" + mark + "丁戊己庚辛"
    lines = render(f'<p class="single">{source}</p>')
    assert text(lines[0])[-1] not in OPENING
    assert mark in text(lines[1])  # Pango keeps “ and ‘ with the character before, too
    assert visible(lines[0])[-1]["x1"] == pytest.approx(COLUMNS[0][1], abs=0.5)
    assert_same_text(lines, source)


def test_opportunities_and_boundaries():
    assert spacing.opportunities("召开 2025 年度") == [1, 3, 8, 9]
    assert spacing.opportunities("hello world") == [6]
    assert spacing.opportunities("  召开") == [3]
    assert spacing.autospace_boundaries("召开2025年度") == [(2, "left"), (6, "right")]
    assert spacing.autospace_boundaries("召开 2025 年度") == [(2, "space"), (7, "space")]
    assert spacing.autospace_boundaries("5.2%左右，（GDP）") == []


def test_a_zero_width_break_mark_moves_no_opportunity():
    """The print HTML marks breaks at quotation marks with U+200B: the boundary keeps its one
    share of the slack, after the mark, and a line ending at the mark gets none there."""
    assert len(spacing.opportunities("的\u200b“根”\u200b与")) == len(
        spacing.opportunities("的“根”与")
    )
    assert spacing.opportunities("的\u200b“根") == [2, 3]
    assert spacing.opportunities("发展的\u200b") == [1, 2]
    assert spacing.opportunities("a\u200bb") == []


def test_install_is_idempotent(not_installed):
    original = inline.justify_line
    justify.install()
    patched = inline.justify_line
    justify.install()
    assert inline.justify_line is patched is not original
    justify.uninstall()
    assert inline.justify_line is original


def test_guard_accepts_this_weasyprint():
    assert weasyprint.__version__.startswith("70.")
    justify.check_weasyprint()


def test_guard_rejects_another_version(not_installed, monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(IncompatibleWeasyPrint, match="version 71.0"):
        justify.install()
    assert not justify.uninstall(), "nothing may be patched after a failed check"


def test_guard_rejects_changed_internals(not_installed, monkeypatch):
    def justify_line(context, line, extra_width, spacing):
        """A WeasyPrint whose justify_line takes another argument."""

    monkeypatch.setattr(inline, "justify_line", justify_line)
    with pytest.raises(IncompatibleWeasyPrint, match="justify_line"):
        justify.install()
    assert inline.justify_line is justify_line
    assert "extra_width" in str(inspect.signature(justify_line))
