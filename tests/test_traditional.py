import dataclasses
import json
import re
import subprocess
import zipfile
from pathlib import Path

import opencc
import pdfplumber
import pikepdf
import pytest
import uharfbuzz as hb
from fontTools.pens.recordingPen import RecordingPen
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import missing
from typeset.config import Config
from typeset.model import Article, Figure, Heading, Issue, Note, Paragraph
from typeset.transforms import traditional
from typeset.transforms.traditional import (
    LANGUAGE_TAGS,
    converter,
    corner_quotes,
    language_tag,
    to_traditional,
)
from typeset.writers.epub import write_epub
from typeset.writers.pdf.html import render_print_html
from typeset.writers.pdf.render import render_pdf

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = sorted(Path("/work/shared/article-model/gold").glob("*.json"))
CONFIGS = sorted(LANGUAGE_TAGS)
OPENCC_DIR = Path(opencc.__file__).parent / "clib"
CURLY = set("“”‘’")


def texts_of(issue: Issue) -> list[str]:
    found: list[str] = []
    issue.map_text(lambda s: found.append(s) or s)
    return found


def load(path: Path) -> Issue:
    return Issue.from_dict(json.loads(path.read_text(encoding="utf-8")))


def sample_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    for path in GOLD:
        texts.extend(texts_of(load(path)))
    return texts


@pytest.fixture(scope="session")
def opencc_tables(tmp_path_factory):
    """OpenCC's own dictionaries as text: {dictionary file: {key: candidates}}."""
    tool = OPENCC_DIR / "bin" / "opencc_dict"
    if not tool.exists():
        pytest.skip("the opencc wheel has no opencc_dict tool to read its dictionaries")
    out_dir = tmp_path_factory.mktemp("opencc")
    tables = {}
    for ocd2 in (OPENCC_DIR / "share" / "opencc").glob("*.ocd2"):
        text = out_dir / f"{ocd2.stem}.txt"
        subprocess.run(
            [tool, "-i", ocd2, "-o", text, "-f", "ocd2", "-t", "text"],
            check=True,
            capture_output=True,
        )
        rows = (line.split("\t") for line in text.read_text(encoding="utf-8").splitlines())
        tables[ocd2.name] = {key: values.split() for key, values in rows}
    return tables


def dictionary_files(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["file"]] if "file" in node else []
        return own + [f for value in node.values() for f in dictionary_files(value)]
    if isinstance(node, list):
        return [f for value in node for f in dictionary_files(value)]
    return []


@pytest.fixture(scope="session")
def simplified_only(opencc_tables):
    """Per config, the characters that must not survive conversion.

    A simplified character is one STCharacters maps away from itself (里 -> 裏 里 哩 keeps
    里, so 里 may stay). The regional step maps some back on purpose (TW 羣 -> 群, HK 稅 ->
    税): what the config's regional dictionaries write is allowed.
    """
    st_chars = opencc_tables["STCharacters.ocd2"]
    simplified = {key for key, values in st_chars.items() if key not in values}
    result = {}
    for name in CONFIGS:
        config = json.loads((OPENCC_DIR / "share" / "opencc" / f"{name}.json").read_text())
        regional = [
            f
            for f in dictionary_files(config["conversion_chain"])
            if not f.startswith("ST") and f in opencc_tables
        ]
        written = {
            char
            for f in regional
            for values in opencc_tables[f].values()
            for value in values
            for char in value
        }
        result[name] = simplified - written
    return result


@pytest.fixture(scope="session")
def ambiguous(opencc_tables):
    """Characters that are simplified and traditional at once (里, 表, 咸, 合, 准)."""
    return {key for key, values in opencc_tables["STCharacters.ocd2"].items() if key in values}


@pytest.mark.parametrize("config", CONFIGS)
def test_no_simplified_character_left(config, simplified_only):
    convert = converter(config)
    assert "为" in simplified_only[config] and "区" in simplified_only[config]
    for text in sample_texts():
        left = {c for c in convert(text) if c in simplified_only[config]}
        assert left == set(), text[:40]


@pytest.mark.parametrize("config", CONFIGS)
def test_converting_again_only_touches_ambiguous_characters(config, ambiguous):
    """OpenCC is not idempotent: 咸阳 -> 咸陽, but 咸陽 -> 鹹陽 (咸 is also traditional)."""
    again = opencc.OpenCC(f"{config}.json").convert
    convert = converter(config)
    for text in sample_texts():
        once = convert(text)
        twice = again(once)
        assert len(twice) == len(once)
        assert {a for a, b in zip(once, twice, strict=True) if a != b} <= ambiguous


@pytest.mark.parametrize("config", CONFIGS)
def test_all_curly_quotes_become_corner_brackets(config):
    convert = converter(config)
    for text in sample_texts():
        out = convert(text)
        assert not CURLY & set(out)
        # Each opening mark opens a corner bracket and each closing mark closes one; an
        # unclosed “ in the source (seed 004 has one) nests what follows it as 『』.
        assert out.count("「") + out.count("『") == text.count("“") + text.count("‘")
        assert out.count("」") + out.count("』") == text.count("”") + text.count("’")


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
@pytest.mark.parametrize("config", CONFIGS)
def test_to_traditional_converts_an_issue(path, config):
    issue = load(path)
    result = to_traditional(issue, config)
    assert result.language == language_tag(config)
    assert issue.language == "zh-Hans"
    assert texts_of(issue) == texts_of(load(path))
    convert = converter(config)
    assert texts_of(result) == [convert(s) for s in texts_of(issue)]
    assert [(a.line, [b.line for b in a.blocks]) for a in result.articles] == [
        (a.line, [b.line for b in a.blocks]) for a in issue.articles
    ]
    assert result.diagnostics == issue.diagnostics


def test_nested_quotes_in_gold():
    path = next((p for p in GOLD if p.stem.startswith("003")), None)
    if path is None:
        missing("gold model 003 not available")
    text = next(s for s in texts_of(to_traditional(load(path))) if "賣貨難" in s)
    inner = text.index("『賣貨難』")
    assert text.rfind("「", 0, inner) > text.rfind("」", 0, inner)
    assert text.index("」", inner) > inner


@pytest.mark.parametrize(
    ("config", "tag"),
    [("s2t", "zh-Hant"), ("s2tw", "zh-Hant-TW"), ("s2twp", "zh-Hant-TW"), ("s2hk", "zh-Hant-HK")],
)
def test_language_tags(config, tag):
    assert language_tag(config) == tag


@pytest.mark.parametrize("name", ["s2tw.json", "t2s", "zh-TW", "", "S2TW"])
def test_unknown_config_is_refused(name):
    for call in (
        lambda: converter(name),
        lambda: language_tag(name),
        lambda: to_traditional(Issue(id="x", articles=[]), name),
    ):
        with pytest.raises(ValueError, match="s2hk, s2t, s2tw, s2twp"):
            call()


@pytest.mark.parametrize(
    ("simplified", "expected"),
    [
        ("为", {"s2t": "爲", "s2tw": "為", "s2twp": "為", "s2hk": "為"}),
        ("看着", {"s2t": "看着", "s2tw": "看著", "s2twp": "看著", "s2hk": "看着"}),
        ("里面", {"s2t": "裏面", "s2tw": "裡面", "s2twp": "裡面", "s2hk": "裏面"}),
        ("群体", {"s2t": "羣體", "s2tw": "群體", "s2twp": "群體", "s2hk": "羣體"}),
        ("平台", {"s2t": "平臺", "s2tw": "平臺", "s2twp": "平臺", "s2hk": "平台"}),
        ("软件", {"s2t": "軟件", "s2tw": "軟件", "s2twp": "軟體", "s2hk": "軟件"}),
        (
            "信息网络",
            {"s2t": "信息網絡", "s2tw": "信息網絡", "s2twp": "資訊網路", "s2hk": "信息網絡"},
        ),
        ("社区", {"s2t": "社區", "s2tw": "社區", "s2twp": "社群", "s2hk": "社區"}),
    ],
)
def test_configs_differ_as_opencc_does(simplified, expected):
    assert {config: converter(config)(simplified) for config in CONFIGS} == expected


@pytest.mark.parametrize("config", CONFIGS)
def test_template_words(config):
    convert = converter(config)
    assert [convert(w) for w in ("目录", "转自", "本报记者")] == ["目錄", "轉自", "本報記者"]


def test_override_fixes_the_magazine_name():
    assert converter("s2twp")("《社区》") == "《社群》"
    fixed = converter("s2twp", {"社区": "社區"})
    assert fixed("《社区》杂志报道社区服务") == "《社區》雜誌報道社區服務"
    # OpenCC would turn the override's own text into 社群 too: it never sees it.
    assert opencc.OpenCC("s2twp.json").convert("社區") == "社群"


def test_override_is_kept_verbatim_and_longest_wins():
    convert = converter("s2tw", {"社区": "甲", "新店社区": "乙", "区": "丙"})
    assert convert("新店社区和社区的区") == "乙和甲的丙"
    # Even a value OpenCC would change is printed as given.
    assert converter("s2tw", {"马都": "马都"})("中国马都") == "中國马都"


def test_override_applies_across_an_issue():
    path = next((p for p in GOLD if p.stem.startswith("000")), None)
    if path is None:
        missing("gold model 000 not available")
    issue = load(path)
    assert any("社区" in s for s in texts_of(issue))
    plain = texts_of(to_traditional(issue, "s2twp"))
    fixed = texts_of(to_traditional(issue, "s2twp", {"社区": "社區"}))
    assert any("社群" in s for s in plain)
    assert not any("社群" in s for s in fixed)
    assert sum(s.count("社區") for s in fixed) == sum(s.count("社区") for s in texts_of(issue))


def test_empty_override_is_refused():
    with pytest.raises(ValueError, match="empty"):
        converter("s2tw", {"": "x"})


def test_converter_is_built_once():
    traditional._build.cache_clear()
    traditional._opencc.cache_clear()
    first = converter("s2hk", {"社区": "社區"})
    assert converter("s2hk", {"社区": "社區"}) is first
    assert converter("s2hk") is converter("s2hk", {})
    assert converter("s2hk") is not first
    assert traditional._opencc.cache_info().misses == 1
    assert traditional._build.cache_info().misses == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“甲”", "「甲」"),
        ("‘甲’", "「甲」"),
        ("“他说‘卖货难’的痛点”", "「他说『卖货难』的痛点」"),
        ("‘外“内”外’", "「外『内』外」"),
        ("“一‘二“三”二’一”", "「一『二「三」二』一」"),
        ("“甲”“乙”", "「甲」「乙」"),
        # Unbalanced: converted by direction, at the depth where they stand.
        ("“未完", "「未完"),
        ("完了”", "完了」"),
        ("“他说卖货难’的痛点”", "「他说卖货难』的痛点」"),
        ("“外‘内未关”", "「外『内未关」"),
        ("”‘", "」「"),
        # Apostrophes stay.
        ("Xi’an", "Xi’an"),
        ("“Xi’an”", "「Xi’an」"),
        ("‘Xi’an’", "「Xi’an」"),
        ("students’ union", "students’ union"),
        ("\"straight\" 'quotes'", "\"straight\" 'quotes'"),
        ("", ""),
    ],
)
def test_corner_quotes(text, expected):
    assert corner_quotes(text) == expected


def test_converter_converts_quotes():
    assert converter("s2tw")("“发展‘两个覆盖’”") == "「發展『兩個覆蓋』」"


@given(st.text(alphabet=st.sampled_from(list("甲乙 ,。") + sorted(CURLY))))
def test_corner_quotes_replace_every_curly_quote(text):
    out = corner_quotes(text)
    assert len(out) == len(text)
    assert not CURLY & set(out)
    assert [a for a, b in zip(text, out, strict=True) if a != b] == [c for c in text if c in CURLY]


def nested(depth: int):
    """Balanced quotations of either kind, nested to `depth`."""
    leaf = st.text(alphabet="甲乙丙", max_size=3)
    if depth == 0:
        return leaf
    inner = st.lists(nested(depth - 1), max_size=3).map("".join)
    quoted = st.tuples(st.sampled_from(["“”", "‘’"]), inner).map(lambda q: q[0][0] + q[1] + q[0][1])
    return st.lists(st.one_of(leaf, quoted), max_size=3).map("".join)


@given(nested(4))
def test_balanced_quotes_alternate_by_depth(text):
    depth = 0
    for char in corner_quotes(text):
        if char in "「『":
            assert char == "「『"[depth % 2]
            depth += 1
        elif char in "」』":
            depth -= 1
            assert char == "」』"[depth % 2]
    assert depth == 0


# ---- the traditional edition read back: print HTML, PDF, EPUB --------------------------

PUBLICATION = "社区报"
# Characters whose Noto CJK shapes differ between SC and TC (說骨過 in the fonts' locl).
REGIONAL = "骨過"
CENTRED = "。，、"
# The PDF's fonts by BaseFont (subset tag removed) and the bundled file each comes from.
PDF_FONTS = {
    "TS-Song": "NotoSerifCJKsc-Regular.otf",
    "TS-Song-Bold": "NotoSerifCJKsc-Bold.otf",
    "TS-Hei": "NotoSansCJKsc-Regular.otf",
    "TS-Hei-Bold": "NotoSansCJKsc-Bold.otf",
    "TS-Kai": "LXGWWenKai-Regular.ttf",
    # The Kai face has no traditional forms: its styles take these marks from the Song face.
    "TS-Kai-Marks": "NotoSerifCJKsc-Regular.otf",
}
FONTS = ROOT / "fonts"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def edition_sample() -> Issue:
    """Two columns over several pages, every word the templates print, a nested quotation,
    characters whose shapes differ by region and centred punctuation in every font role."""
    body = "这是骨头，直接通过了检验、复核。他说“大家说‘卖货难’的痛点”。" * 6
    articles = [
        Article(
            title=[f"骨干过关，第{n}篇、完。"],
            column=column,
            kicker="骨干过关，引题、说明。",
            byline="本报记者 张三",
            deck="骨干过关，导语、说明。",
            blocks=[
                Paragraph(body, lead="骨干过关。"),
                Heading(["骨干过关，小标题、一"]),
                *[Paragraph(body) for _ in range(5)],
                Figure("骨干过关，图片说明、一"),
                Note("（骨干过关，作者单位、一）"),
            ],
            source="人民日报",
        )
        for n, column in enumerate(["社区动态", "社区动态", "理论研究", "理论研究"], start=1)
    ]
    return Issue(id="edition", articles=articles)


@dataclasses.dataclass(frozen=True)
class Edition:
    config: Config
    issue: Issue  # the traditional model the writers were given
    html: str
    pdf: Path
    epub: Path


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Edition]:
    """The sample's traditional edition in every config, as the build makes it."""
    folder = tmp_path_factory.mktemp("editions")
    built = {}
    for name in CONFIGS:
        config = dataclasses.replace(Config(), opencc_config=name, publication=PUBLICATION)
        issue = to_traditional(edition_sample(), name)
        edition = Edition(
            config,
            issue,
            render_print_html(issue, config),
            folder / f"{name}.pdf",
            folder / f"{name}.epub",
        )
        edition.pdf.write_bytes(render_pdf(issue, config))
        write_epub(issue, edition.epub, config)
        built[name] = edition
    return built


def pdf_pages(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def running_heads(path: Path) -> list[str]:
    """Each page's text within 12 mm of the trim's top edge: the running head sits in the
    top margin, above the text block."""
    heads = []
    with pikepdf.open(path) as pdf:
        tops = [float(page.TrimBox[3]) for page in pdf.pages]
    with pdfplumber.open(path) as pdf:
        for page, top in zip(pdf.pages, tops, strict=True):
            limit = top - 12 * 72 / 25.4
            head = page.filter(
                lambda o, limit=limit: o.get("object_type") != "char" or o["y0"] > limit
            )
            heads.append(squeeze(head.extract_text() or ""))
    return heads


def epub_documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith((".xhtml", ".opf", ".ncx"))
        }


def epub_text(path: Path) -> str:
    """Everything a reader sees: the documents' bodies, and the package's title."""
    found = []
    for name, root in epub_documents(path).items():
        if name.endswith(".xhtml"):
            found.append("".join(root.find(f"{XHTML}body").itertext()))
        elif name.endswith(".opf"):
            found += [e.text or "" for e in root.iter("{http://purl.org/dc/elements/1.1/}*")]
    return "".join(found)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("config", CONFIGS)
def test_language_tag_in_html_pdf_and_epub(editions, config):
    edition = editions[config]
    tag = language_tag(config)
    assert edition.issue.language == tag
    assert re.search(r"<html\b[^>]*>", edition.html).group() == f'<html lang="{tag}">'
    with pikepdf.open(edition.pdf) as pdf:
        assert str(pdf.Root.Lang) == tag
    documents = epub_documents(edition.epub)
    opf = documents["EPUB/content.opf"]
    languages = opf.findall(".//{http://purl.org/dc/elements/1.1/}language")
    assert [e.text for e in languages] == [tag]
    xhtml = {n: root for n, root in documents.items() if n.endswith(".xhtml")}
    assert len(xhtml) == 2 + len(edition.issue.articles)  # cover, contents, articles
    for name, root in xhtml.items():
        assert (root.get("lang"), root.get(XML_LANG)) == (tag, tag), name
    assert documents["EPUB/toc.ncx"].get(XML_LANG) == tag


@pytest.mark.parametrize("config", ["s2tw", "s2hk"])
def test_language_tag_in_pdf_xmp(editions, config):
    with pikepdf.open(editions[config].pdf) as pdf:
        xmp = etree.fromstring(pdf.Root.Metadata.read_bytes())
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "rdf": RDF}
    assert xmp.xpath("//dc:language/rdf:Bag/rdf:li/text()", namespaces=ns) == [language_tag(config)]


@pytest.mark.parametrize("config", CONFIGS)
def test_template_words_masthead_contents_and_running_heads(editions, config):
    """What the templates print, and the model's names, in the edition's characters."""
    edition = editions[config]
    convert = converter(config)
    columns = [convert("社区动态"), convert("理论研究")]
    words = [convert(w) for w in ("目录", "转自", "本报记者", "图片", PUBLICATION)]
    assert words[:4] == ["目錄", "轉自", "本報記者", "圖片"]
    simplified = ["目录", "转自", "本报记者", "图片", PUBLICATION, "社区动态", "理论研究"]
    quotation = convert("他说“大家说‘卖货难’的痛点”")
    assert "「" in quotation and "『" in quotation

    pages = [squeeze(page) for page in pdf_pages(edition.pdf)]
    text = "".join(pages)
    assert pages[0].startswith(words[4])  # the masthead
    assert words[0] in pages[0] and all(c in pages[0] for c in columns)
    for word in [*words, *columns, quotation]:
        assert word in text, word
    assert not [w for w in simplified if w in text]
    heads = running_heads(edition.pdf)
    assert heads[0] == ""  # the cover has none
    assert len(heads) >= 4
    assert set(heads[1::2]) == {words[4]}  # left pages: the publication
    assert set(heads[2::2]) <= set(columns) and set(columns) <= set(heads[2::2])

    documents = epub_documents(edition.epub)
    nav = documents["EPUB/nav.xhtml"]
    assert "".join(nav.find(f".//{XHTML}h1").itertext()) == words[0]
    assert "".join(nav.find(f".//{XHTML}nav[@id='landmarks']/{XHTML}h2").itertext()) == "導覽"
    book = squeeze(epub_text(edition.epub))
    for word in [words[1], words[2], *columns, quotation, f"{words[4]}edition"]:
        assert word in book, word
    assert not [w for w in simplified if w in book]


@pytest.mark.parametrize("config", CONFIGS)
def test_no_simplified_character_in_the_books(editions, simplified_only, config):
    edition = editions[config]
    for text in ("".join(pdf_pages(edition.pdf)), epub_text(edition.epub)):
        assert "骨" in text
        assert not {c for c in text if c in simplified_only[config]}


def shaped(data: bytes, text: str, language: str) -> list[int]:
    font = hb.Font(hb.Face(hb.Blob(data)))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.language = language
    hb.shape(font, buffer, {})
    return [info.codepoint for info in buffer.glyph_infos]


def ink_centre(data: bytes, glyph: int) -> tuple[float, float]:
    """Where a glyph's ink is centred, in em from the left and from the em box's centre."""
    font = hb.Font(hb.Face(hb.Blob(data)))
    extents = font.get_glyph_extents(glyph)
    upem = font.face.upem
    # Noto CJK's ideographic em box runs from -0.12 em to 0.88 em.
    x = (extents.x_bearing + extents.width / 2) / upem
    y = (extents.y_bearing + extents.height / 2) / upem - 0.38
    return x, y


def is_centred(data: bytes, glyph: int) -> bool:
    x, y = ink_centre(data, glyph)
    return abs(x - 0.5) < 0.05 and abs(y) < 0.05


def _to_unicode(font: pikepdf.Dictionary) -> dict[int, str]:
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    table = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for cid, text in re.findall(r"<(\w+)>\s*<(\w+)>", block):
            table[int(cid, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, text in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for offset, cid in enumerate(range(int(first, 16), int(last, 16) + 1)):
                table[cid] = chr(int(text, 16) + offset)
    return table


def pdf_glyphs(path: Path) -> dict[tuple[str, str], set[int]]:
    """The glyph ids each font shows for each character, read from the content streams.

    WeasyPrint writes Identity-H fonts whose subsets keep the original glyph ids, so a
    code in a string shown is the glyph id in the bundled font.
    """
    found: dict[tuple[str, str], set[int]] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.Font
            font, table = "", {}
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    font = str(fonts[operands[0]].BaseFont).split("+")[-1]
                    table = _to_unicode(fonts[operands[0]])
                elif str(operator) in ("Tj", "TJ"):
                    shown = operands[0] if str(operator) == "TJ" else [operands[0]]
                    for part in shown:
                        if isinstance(part, pikepdf.String):
                            raw = bytes(part)
                            for i in range(0, len(raw), 2):
                                glyph = int.from_bytes(raw[i : i + 2], "big")
                                found.setdefault((font, table.get(glyph, "")), set()).add(glyph)
    return found


@pytest.mark.parametrize("config", CONFIGS)
def test_pdf_glyphs_follow_the_region(editions, config):
    """Each font sets the glyph HarfBuzz picks for the language tag: in the Noto faces the
    TC shapes of 骨過 and punctuation centred in the em box, unlike the SC forms."""
    tag = language_tag(config)
    probes = REGIONAL + CENTRED
    used = pdf_glyphs(editions[config].pdf)
    # Body, headlines, heads and kickers set every probe (the kickers' marks in the Kai
    # styles' punctuation face); 黑 regular only the placeholder.
    setting = {"TS-Song": probes, "TS-Song-Bold": probes, "TS-Hei-Bold": probes}
    setting |= {"TS-Kai": REGIONAL, "TS-Kai-Marks": CENTRED}
    for font, chars in setting.items():
        assert {char for f, char in used if f == font} >= set(chars), font
    for font, file in PDF_FONTS.items():
        data = (FONTS / file).read_bytes()
        regional = dict(zip(probes, shaped(data, probes, tag), strict=True))
        simplified = dict(zip(probes, shaped(data, probes, "zh-Hans"), strict=True))
        for char in probes:
            assert used.get((font, char), {regional[char]}) == {regional[char]}, (font, char)
        if file.startswith("Noto"):
            for char in probes:
                assert regional[char] != simplified[char], (font, char)
            for char in CENTRED:
                assert is_centred(data, regional[char]), (font, char)
                assert not is_centred(data, simplified[char]), (font, char)


def outlines(data: bytes, glyphs: list[int]) -> list[list]:
    font = hb.Font(hb.Face(hb.Blob(data)))
    drawn = []
    for glyph in glyphs:
        pen = RecordingPen()
        font.draw_glyph_with_pen(glyph, pen)
        drawn.append(pen.value)
    return drawn


@pytest.mark.parametrize("config", CONFIGS)
def test_epub_kai_marks_come_from_the_song_face(editions, config):
    """The Kai face has no regional forms: a traditional book sets the Kai styles' marks in a
    Song subset holding only those marks, centred when shaped with the book's tag."""
    tag = language_tag(config)
    with zipfile.ZipFile(editions[config].epub) as archive:
        marks = archive.read("EPUB/fonts/kai-marks.otf")
        css = archive.read("EPUB/css/book.css").decode()
    face = hb.Face(hb.Blob(marks))
    assert {chr(c) for c in face.unicodes} == set("，、。")  # the sample's Kai marks
    for char in "，、。":  # after a Han character, so HarfBuzz shapes them as Han script
        assert is_centred(marks, shaped(marks, f"中{char}", tag)[-1]), char
    assert 'font-family: "TS Kai Marks", "TS Kai", serif;' in css
    assert re.search(r'"TS Kai Marks";[^}]*unicode-range: U\+3001, U\+3002, U\+FF0C;', css)


def test_simplified_epub_has_no_kai_marks_face(tmp_path):
    book = tmp_path / "simplified.epub"
    write_epub(edition_sample(), book, Config(publication=PUBLICATION))
    with zipfile.ZipFile(book) as archive:
        names = archive.namelist()
        css = archive.read("EPUB/css/book.css").decode()
    assert "EPUB/fonts/kai.ttf" in names and "EPUB/fonts/kai-marks.otf" not in names
    assert "TS Kai Marks" not in css


@pytest.mark.parametrize("config", CONFIGS)
def test_epub_fonts_keep_the_regional_forms(editions, config):
    """The EPUB's subset faces still hold the locl forms, and a reading system shaping
    with the documents' language tag draws the bundled font's TC outlines."""
    tag = language_tag(config)
    text = REGIONAL + CENTRED
    with zipfile.ZipFile(editions[config].epub) as archive:
        subsets = {
            Path(name).stem: archive.read(name)
            for name in archive.namelist()
            if name.startswith("EPUB/fonts/")
        }
    for role, file in (("song", "NotoSerifCJKsc-Regular.otf"), ("hei", "NotoSansCJKsc-Bold.otf")):
        full = (FONTS / file).read_bytes()
        subset = subsets[role]
        expected = outlines(full, shaped(full, text, tag))
        assert outlines(subset, shaped(subset, text, tag)) == expected, role
        assert outlines(subset, shaped(subset, text, "zh-Hans")) != expected, role
