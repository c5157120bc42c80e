"""Preflight: each check fires on crafted text and stays quiet on clean text; the seeds'
known damage is reported at the right lines; reports format and round-trip."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from typeset import cli, preflight
from typeset.config import Config
from typeset.fonts import covered_codepoints
from typeset.model import Article, Diagnostic, Figure, Heading, Issue, Note, Paragraph
from typeset.pictures import supplied
from typeset.readers import read_issue
from typeset.readers.plaintext import parse_text
from typeset.transforms.punctuation import normalize_issue

RARE = "𠀀"  # U+20000, CJK extension B: outside every bundled font


def seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return dataclasses.replace(Config(), image_dir=tmp_path / "images")


def article(*blocks, **fields) -> Article:
    return Article(
        **{"title": ["标题"], "source": "某报", "line": 1, **fields}, blocks=list(blocks)
    )


def issue(*blocks, **fields) -> Issue:
    return Issue("t", [article(*blocks, **fields)])


def found(diagnostics: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


def test_clean_issue_has_no_diagnostics(config):
    clean = Issue(
        "t",
        [
            article(
                Paragraph("社会组织是我国社会主义现代化建设的重要力量。", "要点：", 7),
                Heading(["一、“两个覆盖”", "集中攻坚"], 9),
                Paragraph("他说：“见《人民日报》（第二版）的报道。”", line=12),
                Figure("评议会现场", "张三摄", image="1.jpg", line=14),
                Note("（作者单位：某大学）", 16),
                column="理论研究",
                kicker="党建引领",
                title=["以党的思想建设为引领", "凝聚社会组织前行合力"],
                deck="新时代加强社会组织思想建设。",
                byline="本报记者 皮磊",
                line=3,
            )
        ],
    )
    assert preflight.check(clean, config) == []


# ---------------------------------------------------------------------------------------
# The reader's diagnostics


@pytest.mark.parametrize(("prefix", "line"), [("001", 124), ("003", 113)])
def test_known_cut_paragraphs_reported_once(prefix, line, config):
    diagnostics = preflight.check(read_issue(seed(prefix)), config)
    cut = found(diagnostics, "cut-paragraph")
    assert [(d.line, d.severity) for d in cut] == [(line, "warning")]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_reader_diagnostics_passed_through_sorted(path, config):
    parsed = read_issue(path)
    diagnostics = preflight.check(parsed, config)
    reader_codes = {d.code for d in parsed.diagnostics}
    assert [d for d in diagnostics if d.code in reader_codes] == parsed.diagnostics
    assert [d.line for d in diagnostics] == sorted(d.line for d in diagnostics)


def test_reattached_body_and_joins_reported(config):
    diagnostics = preflight.check(read_issue(seed("003")), config)
    assert [d.line for d in found(diagnostics, "reattached-body")] == [143]
    assert all(d.severity == "info" for d in found(diagnostics, "joined-across-break"))
    assert 9 in {d.line for d in found(diagnostics, "joined-across-break")}


# ---------------------------------------------------------------------------------------
# duplicate-passage

PASSAGE = "新时代加强社会组织思想建设是坚持和加强党的全面领导的根本保证"


def test_duplicate_passage_reported_at_second_occurrence(config):
    diagnostics = preflight.check(
        issue(
            Paragraph(f"开头。{PASSAGE[:20]}。", line=3),
            Paragraph("中间的文字。", line=5),
            Paragraph(f"后来又说{PASSAGE[:20]}。", line=9),
        ),
        config,
    )
    (duplicate,) = found(diagnostics, "duplicate-passage")
    assert (duplicate.line, duplicate.severity) == (9, "warning")
    assert "line 3" in duplicate.message
    assert PASSAGE[:10] in duplicate.message


def test_passage_under_twenty_characters_not_reported(config):
    diagnostics = preflight.check(
        issue(Paragraph(f"{PASSAGE[:19]}。", line=3), Paragraph(f"又{PASSAGE[:19]}！", line=5)),
        config,
    )
    assert found(diagnostics, "duplicate-passage") == []


def test_long_duplicate_reported_once_per_run(config):
    rng = random.Random(7)
    long = "".join(rng.choices("社会组织党建引领工作覆盖思想理论阵地机制创新实践融合", k=200))
    other = "".join(rng.choices("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥", k=60))
    diagnostics = preflight.check(
        issue(
            Paragraph(long + "。", line=3),
            Paragraph(other + "。", line=5),
            Paragraph(long[:50] + "插入的新文字不同" + long[100:180] + "。", line=7),
        ),
        config,
    )
    duplicates = found(diagnostics, "duplicate-passage")
    assert [d.line for d in duplicates] == [7, 7]
    assert "50 characters" in duplicates[0].message
    assert "80 characters" in duplicates[1].message


def test_duplicate_found_across_punctuation_width(config):
    text = "为进一步夯实党建工作基础，提升党支部履职能力，切实抓好党员教育管理。"
    diagnostics = preflight.check(
        issue(Paragraph(text, line=3), Paragraph(text.replace("，", ","), line=5)), config
    )
    assert [d.line for d in found(diagnostics, "duplicate-passage")] == [5]


def test_display_text_echoed_in_body_is_not_a_duplicate(config):
    headline = "汕头市社会组织党委举办2026年度社会组织党建工作专题培训"
    diagnostics = preflight.check(
        issue(
            Paragraph(f"5月21日，{headline}。", line=5), title=[headline], deck=f"{headline[:12]}。"
        ),
        config,
    )
    assert found(diagnostics, "duplicate-passage") == []


def test_display_text_repeated_is_a_duplicate(config):
    caption = "三都自治县新兴领域党组织书记培训班现场合影留念"
    diagnostics = preflight.check(
        issue(Figure(caption, image="1.jpg", line=5), Figure(caption, image="2.jpg", line=9)),
        config,
    )
    assert [d.line for d in found(diagnostics, "duplicate-passage")] == [9]


def test_seed_003_repeated_passage_found(config):
    diagnostics = preflight.check(read_issue(seed("003")), config)
    (duplicate,) = found(diagnostics, "duplicate-passage")
    assert duplicate.line == 131
    assert "line 121" in duplicate.message


def test_duplicate_planted_in_seed_found_at_its_line(config):
    path = seed("001")
    lines = path.read_text(encoding="utf-8").split("\n")
    paragraphs = [
        b
        for a in read_issue(path).articles
        for b in a.blocks
        if isinstance(b, Paragraph) and b.text == lines[b.line - 1] and b.text.endswith("。")
    ]
    source, target = paragraphs[1], paragraphs[-1]
    planted = source.text[5:35]
    lines[target.line - 1] += planted + "。"
    planted_issue = parse_text("\n".join(lines), path.stem)
    diagnostics = preflight.check(planted_issue, config)
    (duplicate,) = found(diagnostics, "duplicate-passage")
    assert duplicate.line == target.line
    assert f"line {source.line}" in duplicate.message
    assert planted[:10] in duplicate.message


def test_duplicate_check_handles_a_two_megabyte_issue(config):
    """Correctness at scale; the timing lives in bench/preflight_scale.py."""
    rng = random.Random(2)
    chars = [chr(c) for c in range(0x4E00, 0x9FA6) if c in covered_codepoints(config.fonts_dir)]
    paragraphs = [
        Paragraph("".join(rng.choices(chars, k=300)) + "。", line=2 * k + 3) for k in range(2300)
    ]
    paragraphs[-1].text += paragraphs[10].text[100:140]
    diagnostics = preflight.check(issue(*paragraphs), config)
    duplicates = found(diagnostics, "duplicate-passage")
    assert [(d.line, f"line {paragraphs[10].line}" in d.message) for d in duplicates] == [
        (paragraphs[-1].line, True)
    ]


# ---------------------------------------------------------------------------------------
# unbalanced-quote


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("他说：“你好。", "“"),
        ("你好。”他说。", "”"),
        ("见《人民日报的报道。", "《"),
        ("人民日报》的报道。", "》"),
        ("社会组织（含基金会的数量。", "（"),
        ("社会组织含基金会）的数量。", "）"),
        ("社会组织(含基金会的数量。", "("),
        ("社会组织含基金会)的数量。", ")"),
        ("“甲”乙”丙。", "”"),
    ],
)
def test_unbalanced_mark_reported(text, mark, config):
    diagnostics = preflight.check(issue(Paragraph(text, line=4)), config)
    (unbalanced,) = found(diagnostics, "unbalanced-quote")
    assert (unbalanced.line, unbalanced.severity) == (4, "warning")
    assert unbalanced.message.startswith(mark)


@pytest.mark.parametrize(
    "text",
    [
        "他说：“见《人民日报》（第二版）(节选)。”",
        "社会组织（含基金会)的数量。",
        "“外层“内层”外层”。",
        "没有任何成对的标点。",
    ],
)
def test_balanced_marks_not_reported(text, config):
    assert found(preflight.check(issue(Paragraph(text, line=4)), config), "unbalanced-quote") == []


def test_quote_spanning_title_lines_is_balanced(config):
    diagnostics = preflight.check(issue(title=["“两个覆盖”", "集中“攻坚", "战”打响"]), config)
    assert found(diagnostics, "unbalanced-quote") == []


def test_unbalanced_in_other_fields(config):
    diagnostics = preflight.check(
        issue(Figure("“小哥食堂", image="1.jpg", line=8), deck="《社区报道"), config
    )
    assert [d.line for d in found(diagnostics, "unbalanced-quote")] == [1, 8]


# ---------------------------------------------------------------------------------------
# missing-glyph


def test_missing_glyph_named_with_code_point_and_line(config):
    assert ord(RARE) not in covered_codepoints(config.fonts_dir)
    diagnostics = preflight.check(
        issue(
            Paragraph("第一段。", line=3),
            Paragraph(f"这里有{RARE}字。", line=5),
            Paragraph(f"又是{RARE}。", line=7),
        ),
        config,
    )
    (missing,) = found(diagnostics, "missing-glyph")
    assert (missing.line, missing.severity) == (5, "error")
    assert RARE in missing.message and "U+20000" in missing.message
    assert missing.message.endswith("also on line 7")
    assert preflight.has_errors(diagnostics)


def test_missing_glyph_judged_by_the_font_the_text_is_set_in(config):
    symbol = "◐"  # U+25D0: in the song and hei faces, not in the kai face (captions)
    assert ord(symbol) in covered_codepoints(config.fonts_dir, "song")
    assert ord(symbol) not in covered_codepoints(config.fonts_dir, "kai")
    in_body = preflight.check(issue(Paragraph(f"符号{symbol}。", line=3)), config)
    in_caption = preflight.check(issue(Figure(f"符号{symbol}", image="1.jpg", line=3)), config)
    assert found(in_body, "missing-glyph") == []
    assert [d.line for d in found(in_caption, "missing-glyph")] == [3]
    assert "kai" in found(in_caption, "missing-glyph")[0].message


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seeds_have_no_missing_glyphs_in_either_edition(path, config):
    both = dataclasses.replace(config, editions=("simplified", "traditional"))
    diagnostics = preflight.check(read_issue(path), both)
    assert found(diagnostics, "missing-glyph") == []
    assert not preflight.has_errors(diagnostics)


# ---------------------------------------------------------------------------------------
# control-character


def test_control_characters_named_with_code_point_field_and_line(config):
    diagnostics = preflight.check(
        issue(
            Paragraph("正常的一段。", line=3),
            Paragraph("含有\x1b转义和\x85与\ufffe字符\x1b。", line=5),
            Figure("说明\u202e反向", image="1.jpg", line=8),
            byline="本报记者 \u2066张三",
        ),
        config,
    )
    controls = found(diagnostics, "control-character")
    assert [(d.line, d.severity) for d in controls] == [
        (1, "warning"),
        *[(5, "warning")] * 3,
        (8, "warning"),
    ]
    messages = [d.message for d in controls]
    assert messages[0].startswith("U+2066 LEFT-TO-RIGHT ISOLATE in the byline")
    assert "left out" in messages[0]
    assert messages[1].startswith("U+001B ESCAPE in the paragraph (2 times)")
    assert messages[1].endswith("printed as 〓")
    assert messages[2].startswith("U+0085 C1 CONTROL")
    assert messages[3].startswith("U+FFFE NONCHARACTER")
    assert messages[4].startswith("U+202E RIGHT-TO-LEFT OVERRIDE in the caption")
    # What the print shows instead (〓, nothing) is drawn, so it is no missing glyph.
    assert found(diagnostics, "missing-glyph") == []
    assert not preflight.has_errors(diagnostics)


def test_tabs_and_ordinary_format_characters_are_not_control_characters(config):
    text = "正文\t一段，零宽\u200b空格与连接\u200d符。"
    diagnostics = preflight.check(issue(Paragraph(text, line=3)), config)
    assert found(diagnostics, "control-character") == []


def test_control_characters_in_an_issue_file_reported_at_their_line(config, tmp_path):
    lines = seed("000").read_text(encoding="utf-8").split("\n")
    at = next(k for k, line in enumerate(lines) if line.startswith("会议旨在"))
    lines[at] = lines[at].replace("深入", "深\x07入\u202e")
    path = tmp_path / "bell.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    controls = found(preflight.check(read_issue(path), config), "control-character")
    assert [(d.line, d.message.split(" in ")[0]) for d in controls] == [
        (at + 1, "U+0007 BELL"),
        (at + 1, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seeds_have_no_control_characters(path, config):
    assert found(preflight.check(read_issue(path), config), "control-character") == []


# ---------------------------------------------------------------------------------------
# figure-without-image


def test_figure_without_image_reported_and_numbered_in_issue_order(config):
    two = Issue(
        "t",
        [
            article(Figure("第一张图", line=4)),
            article(Figure("第二张图", line=10), Figure("第三张图", image="x.png", line=12)),
        ],
    )
    folder = config.image_dir / "t"
    folder.mkdir(parents=True)
    (folder / "2.jpg").write_bytes(b"\xff\xd8\xff")
    diagnostics = found(preflight.check(two, config), "figure-without-image")
    assert [(d.line, d.severity) for d in diagnostics] == [(4, "info")]
    assert "figure 1" in diagnostics[0].message and "第一张图" in diagnostics[0].message
    assert supplied(two, config)[0] is None
    assert supplied(two, config)[1] == folder / "2.jpg"
    assert supplied(two, config)[2] == (config.image_dir / "x.png").resolve()
    (folder / "1.png").write_bytes(b"\x89PNG")
    assert supplied(two, config)[0] == folder / "1.png"
    with pytest.raises(IndexError):
        supplied(two, config)[3]


def test_a_named_picture_is_read_only_from_the_image_folder(config, tmp_path):
    """A model naming a file outside the image folder (absolute, or up through ..) gets no
    picture: a build never embeds an arbitrary file."""
    inside = config.image_dir / "t" / "a.jpg"
    for name, expected in [
        (str(inside), inside.resolve()),
        ("t/a.jpg", inside.resolve()),
        (str(tmp_path / "elsewhere.jpg"), None),
        ("../elsewhere.jpg", None),
        ("/etc/passwd", None),
    ]:
        single = issue(Figure("图", image=name, line=4))
        assert supplied(single, config)[0] == expected, name
    outside = issue(Figure("图", image="/etc/passwd", line=4))
    assert found(preflight.check(outside, config), "figure-without-image")


# ---------------------------------------------------------------------------------------
# halfwidth-punctuation


def test_halfwidth_counted_once_at_first_line(config):
    diagnostics = preflight.check(
        issue(
            Paragraph("时间是8:30,地点在北京。", line=3),
            Paragraph("Wi-Fi, 5G 与 3:2 不变。", line=5),
            Paragraph("第二段(注)。", line=7),
        ),
        config,
    )
    (halfwidth,) = found(diagnostics, "halfwidth-punctuation")
    assert (halfwidth.line, halfwidth.severity) == (3, "info")
    assert halfwidth.message.startswith("3 ")


def test_no_halfwidth_in_latin_only_text(config):
    diagnostics = preflight.check(issue(Paragraph("Wi-Fi, 5G 与 3:2 不变。", line=5)), config)
    assert found(diagnostics, "halfwidth-punctuation") == []


def test_seed_with_ascii_commas_reports_count(config):
    parsed = read_issue(seed("000"))
    _, count = normalize_issue(parsed)
    (halfwidth,) = found(preflight.check(parsed, config), "halfwidth-punctuation")
    assert count > 0
    assert halfwidth.message.startswith(f"{count} ")
    assert halfwidth.line == 7  # the first body paragraph, "5月14日,…"


# ---------------------------------------------------------------------------------------
# Reports


def test_format_diagnostic_is_one_compiler_style_line():
    d = Diagnostic("cut-paragraph", "warning", 124, "paragraph stops mid-sentence")
    assert (
        preflight.format_diagnostic(Path("seeds/x.txt"), d)
        == "seeds/x.txt:124: warning cut-paragraph: paragraph stops mid-sentence"
    )


def test_json_report_round_trips(capsys):
    """`typeset check --json` gives each diagnostic with its file; the rest reads back."""
    path = seed("003")
    diagnostics = preflight.check(read_issue(path), Config())
    cli.main(["check", "--json", str(path), "--config", str(ROOT / "typeset.toml")])
    items = json.loads(capsys.readouterr().out)
    assert all(isinstance(item["line"], int) for item in items)
    assert {item.pop("file") for item in items} == {str(path)}
    assert [Diagnostic(**item) for item in items] == diagnostics


def test_has_errors():
    warning = Diagnostic("x", "warning", 1, "m")
    assert not preflight.has_errors([warning, Diagnostic("y", "info", 2, "m")])
    assert preflight.has_errors([warning, Diagnostic("z", "error", 3, "m")])
