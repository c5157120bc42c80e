"""The print edition read back the way a printer and a reader would see it.

PDFs are built once per module from the hand-made gold parses, from the seeds through the
reader, and from a small issue with a supplied picture; every test reads those files back
with pikepdf and pdfplumber.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from weasyprint import Document
from weasyprint.formatting_structure.boxes import BlockBox, LineBox, TextBox

from tests.conftest import ARTICLE_MODEL, ROOT, SEEDS, missing
from typeset.config import Config
from typeset.dates import edition_date
from typeset.model import (
    Article,
    Figure,
    Heading,
    Issue,
    Note,
    Paragraph,
    byline_names,
    text_fields,
)
from typeset.readers import read_issue
from typeset.writers.pdf.headlines import headline_lines
from typeset.writers.pdf.html import last_characters, quote_breaks, render_print_html
from typeset.writers.pdf.render import ProjectFetcher, URLRefused, render_document, render_pdf

GOLD = sorted((ARTICLE_MODEL / "gold").glob("*.json"))
FONT_FILES = (
    "NotoSerifCJKsc-Regular.otf",
    "NotoSerifCJKsc-Bold.otf",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansCJKsc-Bold.otf",
    "LXGWWenKai-Regular.ttf",
)
# The private family names templates/print/setup.css.j2 gives the bundled faces.
# WeasyPrint names embedded faces after their CSS families; "TS Kai Marks" is the Kai
# styles' punctuation face in traditional editions (templates/print/setup.css.j2).
BUNDLED_FACES = {"TS-Song", "TS-Song-Bold", "TS-Hei", "TS-Hei-Bold", "TS-Kai", "TS-Kai-Marks"}
MISSING_FONTS = [name for name in FONT_FILES if not (Config().fonts_dir / name).is_file()]
needs_fonts = pytest.mark.skipif(
    bool(MISSING_FONTS),
    reason=f"fonts/ lacks {', '.join(MISSING_FONTS)} (built by scripts/build-fonts); "
    "without them WeasyPrint falls back to system fonts",
)
MM = 72 / 25.4
TOLERANCE = 0.01  # points


@dataclass(frozen=True)
class Build:
    issue: Issue
    config: Config
    path: Path


def picture_issue() -> Issue:
    """A small issue: an article before any column banner, then one whose figure gets a
    picture, with text that looks like markup."""
    unnamed = Article(title=["栏目之前的文章"], blocks=[Paragraph("没有栏目。")])
    article = Article(
        title=["第一行标题", "第二行 <b>标题</b> & 更多"],
        column="党建动态",
        kicker="引题",
        byline="本报记者 张三",
        deck="导语",
        blocks=[
            Paragraph("正文第一段，<script>alert(1)</script> 不是标记。", lead="领句。"),
            Heading(["小标题"]),
            Figure("图片说明", credit="图片来源:本报"),
            Paragraph("正文第二段。"),
            Note("(作者单位)"),
        ],
        source="本报",
    )
    return Issue(id="picture", articles=[unnamed, article])


def write_png(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), (180, 22, 27)).save(path)


def build_all(folder: Path) -> dict[str, Build]:
    builds: dict[str, Build] = {}
    config = Config()
    for path in GOLD:
        issue = Issue.from_dict(json.loads(path.read_text(encoding="utf-8")))
        builds[f"gold-{path.stem}"] = Build(issue, config, folder / f"gold-{path.stem}.pdf")
    for seed in SEEDS:
        path = folder / f"seed-{seed.stem}.pdf"
        builds[f"seed-{seed.stem}"] = Build(read_issue(seed), config, path)
    images = folder / "images"
    write_png(images / "picture" / "1.png")
    builds["picture"] = Build(
        picture_issue(), dataclasses.replace(config, image_dir=images), folder / "picture.pdf"
    )
    for build in builds.values():
        build.path.write_bytes(render_pdf(build.issue, build.config))
    return builds


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    if not GOLD:
        missing(f"no gold parses in {ARTICLE_MODEL} (set TYPESET_SHARED)")
    return build_all(tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def texts(builds: dict[str, Build]) -> dict[str, list[str]]:
    """Each PDF's text, page by page."""
    out = {}
    for name, build in builds.items():
        with pdfplumber.open(build.path) as pdf:
            out[name] = [page.extract_text() or "" for page in pdf.pages]
    return out


def all_builds(builds: dict[str, Build]) -> Iterator[tuple[str, Build, pikepdf.Pdf]]:
    for name, build in builds.items():
        with pikepdf.open(build.path) as pdf:
            yield name, build, pdf


def printed_text(issue: Issue) -> str:
    return "".join(field.text for field in text_fields(issue))


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def box_mm(box: pikepdf.Array) -> list[float]:
    return [float(value) / MM for value in box]


# ---- PDF/X ---------------------------------------------------------------------------


def test_pdfx4_marker_and_output_intent(builds):
    for name, _, pdf in all_builds(builds):
        xmp = str(pdf.open_metadata())
        assert "<pdfx:GTS_PDFXVersion>PDF/X-4</pdfx:GTS_PDFXVersion>" in xmp, name
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1, name
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        assert check() == [], name
        intent = intents[0]
        assert intent.S == "/GTS_PDFX", name
        assert intent.DestOutputProfile.N == 3, name
        assert intent.DestOutputProfile.read_bytes()[36:40] == b"acsp", name


def test_trim_and_bleed_boxes_on_every_page(builds):
    for name, build, pdf in all_builds(builds):
        width, height = build.config.trim_width_mm, build.config.trim_height_mm
        bleed = build.config.bleed_mm
        assert len(pdf.pages) >= 2, name
        for number, page in enumerate(pdf.pages, start=1):
            where = f"{name} page {number}"
            trim = box_mm(page.obj.TrimBox)
            assert trim[2] - trim[0] == pytest.approx(width, abs=TOLERANCE), where
            assert trim[3] - trim[1] == pytest.approx(height, abs=TOLERANCE), where
            expected = [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]
            assert box_mm(page.obj.BleedBox) == pytest.approx(expected, abs=TOLERANCE), where
            media = box_mm(page.obj.MediaBox)
            # Crop marks sit outside the bleed, so the media box is larger still.
            assert media[0] < expected[0] and media[1] < expected[1], where
            assert media[2] > expected[2] and media[3] > expected[3], where


def test_tagged(builds):
    for name, _, pdf in all_builds(builds):
        assert pdf.Root.MarkInfo.Marked, name
        assert "/StructTreeRoot" in pdf.Root, name


# ---- Fonts and text ------------------------------------------------------------------


def page_fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every font dictionary the pages use, descendants of composite fonts included."""
    for page in pdf.pages:
        fonts = page.obj.Resources.get("/Font", {})
        for font in fonts.values():
            yield font
            yield from font.get("/DescendantFonts", [])


@needs_fonts
def test_only_bundled_fonts_all_embedded(builds):
    for name, _, pdf in all_builds(builds):
        seen = set()
        for font in page_fonts(pdf):
            base = str(font.BaseFont).lstrip("/")
            face = base.split("+", 1)[-1]
            assert face in BUNDLED_FACES, f"{name}: {base} is not a bundled face"
            if font.Subtype != "/Type0":
                descriptor = font.FontDescriptor
                assert any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                ), f"{name}: {base} not embedded"
            seen.add(face)
        assert {"TS-Song", "TS-Song-Bold", "TS-Hei-Bold", "TS-Kai"} <= seen, name


@needs_fonts
def test_every_character_of_the_model_is_printed(builds, texts):
    for name, build in builds.items():
        expected = Counter(no_space(printed_text(build.issue)))
        printed = Counter(no_space("".join(texts[name])))
        missing = expected - printed
        assert not missing, f"{name}: missing {dict(missing)}"


@needs_fonts
def test_contents_page_lists_every_headline_with_its_page(builds, texts):
    for name, build, pdf in all_builds(builds):
        cover = no_space(texts[name][0])
        starts = {}
        with pdf.open_outline() as outline:
            for item in outline.root:
                for entry in [item, *item.children]:
                    starts[entry.title] = bookmark_page(pdf, entry) + 1
        for article in build.issue.articles:
            entry = f"{starts[article.headline]:02d}{no_space(article.kicker or '')}"
            assert entry + no_space("".join(article.title)) in cover, name


def test_no_annotations_on_press_pages(builds):
    for name, _, pdf in all_builds(builds):
        assert all("/Annots" not in page.obj for page in pdf.pages), name


# ---- Metadata and navigation ---------------------------------------------------------


def test_metadata(builds):
    for name, build, pdf in all_builds(builds):
        issue = build.issue
        info = pdf.docinfo
        title = str(info.Title)
        assert issue.articles[0].headline in title, name
        assert str(pdf.Root.Lang) == issue.language, name
        names = [n for a in issue.articles for n in byline_names(a.byline)]
        author = str(info.get("/Author", ""))
        for person in names:
            assert person in author, name
        if not names:
            assert "/Author" not in info, name
        stamp = edition_date().strftime("%Y%m%d%H%M%S")
        assert str(info.CreationDate).startswith(f"D:{stamp}"), name
        assert info.CreationDate == info.ModDate, name


def expected_outline(issue: Issue) -> list[tuple[str, list[Article]]]:
    """Column runs as (bookmark title, articles below it); an unnamed run's articles are
    top-level bookmarks themselves."""
    outline: list[tuple[str, list[Article]]] = []
    for column, articles in issue.columns:
        if column:
            outline.append((column, articles))
        else:
            outline += [(article.headline, []) for article in articles]
    return outline


def bookmark_page(pdf: pikepdf.Pdf, item: pikepdf.OutlineItem) -> int:
    return pikepdf.Page(item.destination[0]).index


@needs_fonts
def test_bookmarks_are_columns_then_articles(builds, texts):
    for name, build, pdf in all_builds(builds):
        expected = expected_outline(build.issue)
        with pdf.open_outline() as outline:
            top = outline.root
            assert [item.title for item in top] == [title for title, _ in expected], name
            for item, (_, articles) in zip(top, expected, strict=True):
                children = list(item.children)
                assert [child.title for child in children] == [a.headline for a in articles]
                for child, article in zip(children, articles, strict=True):
                    page = bookmark_page(pdf, child)
                    assert no_space(article.title[0]) in no_space(texts[name][page]), (
                        f"{name}: bookmark {child.title} points at page {page + 1}"
                    )


# ---- Figures ---------------------------------------------------------------------------


def image_xobjects(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Image XObjects the pages use, once each (WeasyPrint shares one resource dict)."""
    found = {}
    for page in pdf.pages:
        for xobject in page.obj.Resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Image":
                found[xobject.objgen] = xobject
    return list(found.values())


def test_supplied_picture_is_an_image_xobject(builds):
    with pikepdf.open(builds["picture"].path) as pdf:
        images = image_xobjects(pdf)
    assert [(int(i.Width), int(i.Height)) for i in images] == [(40, 30)]


def test_figures_without_pictures_get_a_frame_not_an_image(builds):
    for name in (n for n in builds if n.startswith("gold-")):
        with pikepdf.open(builds[name].path) as pdf:
            assert image_xobjects(pdf) == [], name


def test_figure_image_in_html_only_when_supplied(tmp_path):
    issue = picture_issue()
    without = render_print_html(issue, dataclasses.replace(Config(), image_dir=tmp_path))
    assert "<img" not in without
    write_png(tmp_path / "picture" / "1.png")
    with_image = render_print_html(issue, dataclasses.replace(Config(), image_dir=tmp_path))
    assert (tmp_path / "picture" / "1.png").resolve().as_uri() in with_image


# ---- Layout -------------------------------------------------------------------------------


def walk_boxes(box, article: str | None = None):
    """Every box under `box` with the id of the article element it belongs to."""
    element = getattr(box, "element", None)
    if element is not None and element.tag == "article":
        article = element.get("id")
    yield box, article
    for child in getattr(box, "children", None) or ():
        yield from walk_boxes(child, article)


@pytest.fixture(scope="module")
def layouts() -> dict[str, Document]:
    if not GOLD:
        missing(f"no gold parses in {ARTICLE_MODEL} (set TYPESET_SHARED)")
    out = {}
    for path in GOLD:
        issue = Issue.from_dict(json.loads(path.read_text(encoding="utf-8")))
        out[path.stem] = render_document(issue, Config())
    return out


@needs_fonts
def test_article_heads_stay_whole_and_with_their_text(layouts):
    """Banner, kicker, headline, deck and byline on one page, with the body's first lines."""
    for name, document in layouts.items():
        heads: dict[str, set[int]] = {}
        bodies: dict[str, set[int]] = {}
        for number, page in enumerate(document.pages):
            for box, article in walk_boxes(page._page_box):
                classes = (getattr(box, "element", None) or {}).get("class", "").split()
                if "article-head" in classes:
                    heads.setdefault(article, set()).add(number)
                elif "article-body" in classes and box.height > 0:
                    bodies.setdefault(article, set()).add(number)
        assert heads, name
        for article, pages in heads.items():
            assert len(pages) == 1, f"{name}: head of {article} split over pages {pages}"
            assert pages <= bodies.get(article, set()), f"{name}: head of {article} alone"


def test_headline_lines_break_at_phrases_and_balance():
    assert headline_lines("短标题", 22) == [("短标题", None)]
    assert headline_lines("坚持党建引领、强化规范运行，推进社会组织发挥作用", 22) == [
        ("坚持党建引领、强化规范运行，", None),
        ("推进社会组织发挥作用", None),
    ]
    # After a closing quotation mark, never inside one, never at a space next to digits.
    assert headline_lines("“强引领 守初心 重规范”2026年度社会组织党建工作专题培训", 22) == [
        ("“强引领 守初心 重规范”", None),
        ("2026年度社会组织党建工作专题培训", None),
    ]
    quoted = "“党建引领、规范运行、提升质量、服务发展、凝聚力量、共同奋进”"
    assert all(width for _, width in headline_lines(quoted, 22))
    (line, width), *rest = headline_lines(
        "湖南省衡阳市社科联召开 2025 年度社会组织党支部书记述职评议会", 22
    )
    assert not rest and width is not None and width < 22
    # With no mark to break at: before a predicate, or between the issuing body and the
    # preposition after it, never inside a word (成为, 社会, 党建), in both editions.
    assert headline_lines("江苏泰州兴化推动社会组织成为基层治理“生力军”", 22) == [
        ("江苏泰州兴化推动社会组织", None),
        ("成为基层治理“生力军”", None),
    ]
    assert headline_lines("福建厦门集美区民政局打造社会组织高质量发展新模式", 22) == [
        ("福建厦门集美区民政局", None),
        ("打造社会组织高质量发展新模式", None),
    ]
    assert headline_lines("山東省博興縣行政審批服務局以黨建引領社會組織高質量發展", 22) == [
        ("山東省博興縣行政審批服務局", None),
        ("以黨建引領社會組織高質量發展", None),
    ]
    # Such a break is not taken when it leaves a stub: the even block above stays.
    assert headline_lines("中共上海市黄浦区社会组织联合会支部委员会成立", 20)[0][1] is not None


def line_texts(document: Document) -> Iterator[tuple[str, str, bool]]:
    """(class or tag of the block, text, whether first in its block fragment) of each line."""

    def walk(box, kind: str) -> Iterator[tuple[str, str, bool]]:
        element = getattr(box, "element", None)
        if isinstance(box, BlockBox) and element is not None:
            kind = element.get("class") or element.tag
        lines = [
            child for child in getattr(box, "children", None) or () if isinstance(child, LineBox)
        ]
        for index, line in enumerate(lines):
            leaves = (leaf for leaf, _ in walk_boxes(line) if isinstance(leaf, TextBox))
            yield kind, "".join(leaf.text for leaf in leaves), index == 0
        for child in getattr(box, "children", None) or ():
            if not isinstance(child, LineBox):
                yield from walk(child, kind)

    for page in document.pages:
        yield from walk(page._page_box, "")


@pytest.fixture(scope="module")
def seed_lines() -> dict[str, list[tuple[str, str, bool]]]:
    """The lines of every seed's simplified edition, as laid out."""
    from typeset.transforms import edition_model

    config = Config()
    return {
        seed.stem: list(
            line_texts(
                render_document(edition_model(read_issue(seed), "simplified", config), config)
            )
        )
        for seed in SEEDS
    }


@needs_fonts
def test_long_subheads_break_after_their_comma(seed_lines):
    """A sub-head longer than its column breaks at its comma, not inside a word (保障)."""
    subheads = [
        text for lines in seed_lines.values() for kind, text, _ in lines if kind == "subhead-line"
    ]
    assert "三、健全制度机制，" in subheads
    assert "完善常态化长效的工作保障体系" in subheads


@needs_fonts
def test_lines_may_break_before_an_opening_quotation_mark(seed_lines):
    """Pango alone never breaks before “; the print path lets it, as Chinese does, and the
    zero-width space that marks the break never reaches the page's text."""
    starts = [
        text
        for lines in seed_lines.values()
        for kind, text, first in lines
        if kind == "p" and not first and text.startswith("“")
    ]
    assert starts
    assert not [
        t for lines in seed_lines.values() for _, t, _ in lines if t.rstrip("\u200b").endswith("“")
    ]


def test_quote_breaks_only_where_chinese_allows_them():
    assert quote_breaks("发展的“根”与“魂”。") == "发展的\u200b“根”\u200b与\u200b“魂”。"
    assert quote_breaks("“参与什么”“如何参与”，") == "“参与什么”\u200b“如何参与”，"
    # Not after an opening mark, not before a mark that cannot start a line, not in Latin.
    assert (
        quote_breaks("（“十四五”）《“一带一路”》don’t “x”") == "（“十四五”）《“一带一路”》don’t “x”"
    )


@needs_fonts
def test_no_zero_width_space_in_the_printed_text(texts):
    for name, pages in texts.items():
        assert "\u200b" not in "".join(pages), name


# ---- HTML --------------------------------------------------------------------------------


def test_named_picture_missing_keeps_the_frame(tmp_path, caplog):
    issue = picture_issue()
    figure = next(b for b in issue.articles[1].blocks if isinstance(b, Figure))
    figure.image = "nowhere.png"
    html = render_print_html(issue, dataclasses.replace(Config(), image_dir=tmp_path))
    assert "<img" not in html and 'class="placeholder"' in html
    assert "nowhere.png" in caplog.text


def test_html_escapes_issue_text_and_converts_template_words():
    html = render_print_html(picture_issue(), Config())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html
    assert '<html lang="zh-Hans">' in html
    assert "目录" in html and "转自" in html
    # A traditional edition's template words go through its converter, overrides and all.
    issue = dataclasses.replace(picture_issue(), edition="traditional")
    config = dataclasses.replace(Config(), phrase_overrides={"目录": "[目录]", "转自": "[转自]"})
    html = render_print_html(issue, config)
    assert "[目录]" in html and "[转自]" in html


def test_masthead_is_the_configured_publication_else_the_first_column():
    issue = picture_issue()
    assert '<h1 class="publication">党建动态</h1>' in render_print_html(issue, Config())
    config = dataclasses.replace(Config(), publication="社会组织报")
    html = render_print_html(dataclasses.replace(issue, edition="traditional"), config)
    assert '<h1 class="publication">社會組織報</h1>' in html
    assert "<title>社會組織報 · 栏目之前的文章</title>" in html


def test_html_language_follows_issue():
    issue = dataclasses.replace(picture_issue(), language="zh-Hant-TW")
    assert '<html lang="zh-Hant-TW">' in render_print_html(issue, Config())


# ---- URL fetcher ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/style.css",
        "https://example.com/font.otf",
        "data:text/css,body{}",
        "ftp://example.com/x",
        (ROOT / "templates" / ".." / ".." / "etc" / "passwd").as_uri(),
        "file://otherhost" + str(ROOT / "templates" / "print" / "print.css"),
    ],
)
def test_fetcher_refuses_anything_outside_the_project(url):
    fetcher = ProjectFetcher.for_config(Config())
    with pytest.raises(URLRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_symlinks_out_of_allowed_folders(tmp_path):
    (tmp_path / "picture").mkdir()
    (tmp_path / "picture" / "1.png").symlink_to("/etc/passwd")
    fetcher = ProjectFetcher.for_config(dataclasses.replace(Config(), image_dir=tmp_path))
    with pytest.raises(URLRefused):
        fetcher.fetch((tmp_path / "picture" / "1.png").as_uri())


def test_fetcher_serves_project_files():
    config = Config()
    fetcher = ProjectFetcher.for_config(config)
    response = fetcher.fetch((config.templates_dir / "print" / "print.css").as_uri())
    assert response.headers["Content-Type"] == "text/css"
    assert b"@page" in response.read()
    assert fetcher.fetch(config.color_profile.as_uri()).read()[36:40] == b"acsp"


def test_a_template_reaching_outside_fails_the_build(tmp_path):
    templates = tmp_path / "templates"
    (templates / "print").mkdir(parents=True)
    for source in (Config().templates_dir / "print").iterdir():
        (templates / "print" / source.name).write_bytes(source.read_bytes())
    css = templates / "print" / "print.css"
    css.write_text(
        css.read_text(encoding="utf-8") + '\nbody { background: url("file:///etc/passwd"); }\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.pdf"
    with pytest.raises(URLRefused, match="/etc/passwd"):
        out.write_bytes(
            render_pdf(picture_issue(), dataclasses.replace(Config(), templates_dir=templates))
        )
    assert not out.exists()


# ---- Reproducibility ---------------------------------------------------------------------


def test_two_builds_are_byte_identical(builds, tmp_path):
    """Once more in this process from a copy of the project's files somewhere else, once in
    a fresh process with another hash seed."""
    name = next(n for n in builds if n.startswith("gold-"))
    build = builds[name]
    first = build.path.read_bytes()
    elsewhere = tmp_path / "elsewhere"
    for folder in ("templates", "fonts", "profiles"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, elsewhere / folder)
    moved = dataclasses.replace(
        build.config,
        templates_dir=elsewhere / "templates",
        fonts_dir=elsewhere / "fonts",
        color_profile=elsewhere / "profiles" / "sRGB.icc",
    )
    assert render_pdf(build.issue, moved) == first
    again = tmp_path / "again.pdf"
    issue_json = tmp_path / "issue.json"
    issue_json.write_text(build.issue.to_json(), encoding="utf-8")
    script = (
        "import sys; from pathlib import Path; from typeset.config import Config; "
        "from typeset.model import Issue; from typeset.writers.pdf.render import render_pdf; "
        "import json; issue = Issue.from_dict(json.loads(Path(sys.argv[1]).read_text()));"
        "Path(sys.argv[2]).write_bytes(render_pdf(issue, Config()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", script, str(issue_json), str(again)],
        check=True,
        env=env,
        cwd=ROOT,
    )
    assert again.read_bytes() == first


# ---- Last lines ------------------------------------------------------------------------

LONE_CHARACTER = re.compile(r"^[“‘「『（《]?[\u4e00-\u9fff][，。、；：？！…—）》」』”’]*$")


def test_last_characters_are_the_last_two_and_their_marks():
    assert last_characters("一二三四形势。”") == ("一二三四", "形势。”")
    assert last_characters("a<b>&形势") == ("a<b>&", "形势")
    assert last_characters("势。") == ("势。", "")


def test_the_template_keeps_the_last_characters_together_escaped():
    issue = Issue("t", [Article(title=["标题"], blocks=[Paragraph("一二<三>&四形势。")])])
    assert '一二&lt;三&gt;&amp;四<span class="kept">形势。</span>' in render_print_html(
        issue, Config()
    )


def test_no_paragraph_ends_on_a_line_of_one_character(texts):
    """孤字: a last line holding one character (and its marks) reads as a printing fault."""
    for name, pages in texts.items():
        for number, page in enumerate(pages[1:], start=2):  # page 1: the letter-spaced 目录
            lone = [line for line in page.splitlines() if LONE_CHARACTER.match(line.strip())]
            assert not lone, (name, number, lone)


def test_a_long_comma_rich_caption_becomes_one_balanced_block():
    """Trying every split is for headlines; a paragraph-long text falls back at once."""
    caption = "这是一个很长的说明，里面有很多逗号，" * 20
    assert headline_lines(caption, 24) == [(caption, 24)]
