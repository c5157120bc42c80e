"""The bundled fonts (fonts/, made by scripts/build-fonts) and typeset.fonts.

The required character set is computed here again from its definition rather than read
from the manifest, so a build that quietly dropped characters fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import unicodedata
from pathlib import Path

import opencc
import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont

from typeset.fonts import ROLES, covered_codepoints, faces, missing_glyphs, parse_ranges

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
MANIFEST = json.loads((FONTS / "manifest.json").read_text(encoding="utf-8"))
FACES = {face["file"]: face for face in MANIFEST["faces"]}
BODY_FILES = [f for f, face in FACES.items() if face["role"] in ("song", "hei")]
NOTO_FILES = [f for f in FACES if f.startswith("Noto")]

REQUIRED_FEATURES = {
    "locl", "vert", "vrt2", "chws", "halt", "vhal", "vchw", "palt", "vpal", "kern", "liga",
    "ccmp", "fwid", "hwid", "pwid",
}  # fmt: skip
# Features the Noto CJK sources are known to have; a manifest claiming less is wrong.
NOTO_SOURCE_FEATURES = REQUIRED_FEATURES - {"chws", "vchw"}
# LXGW WenKai's only ligatures end in 笁 (U+7B81), a character outside the subset.
EMPTY_AFTER_SUBSET = {"LXGWWenKai-Regular.ttf": {"liga"}}
# General punctuation that Noto CJK itself lacks (‗ ‛ ‟ ‣ ․ ‱ ‴ ‶ ‽ ⁄ ⁅ ⁂-⁞ and the like).
NOT_IN_NOTO = parse_ranges(
    "2017,201b,201f,2023-2024,2031,2034,2036-2038,203d-2041,2043-2046,204a-2050,2052-205e"
)
PUNCTUATION_BLOCKS = ((0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2010, 0x2027), (0x2030, 0x205E))
TRADITIONAL = ("s2t", "s2tw", "s2twp", "s2hk")


def _decode(codec: str, leads: range, trails: list[int], last: int) -> set[int]:
    found = set()
    for lead in leads:
        for trail in trails:
            if lead << 8 | trail <= last:
                with contextlib.suppress(UnicodeDecodeError):
                    found.update(map(ord, bytes((lead, trail)).decode(codec)))
    return found


def _drawable(points: set[int]) -> set[int]:
    return {p for p in points if unicodedata.category(chr(p)) not in {"Cc", "Cn", "Zl", "Zp"}}


@pytest.fixture(scope="module")
def required() -> set[int]:
    seeds = "".join(p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("seeds/*.txt")))
    gb2312 = _decode("gb2312", range(0xA1, 0xF8), list(range(0xA1, 0xFF)), 0xF7FE)
    big5_trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    big5_level1 = _decode("big5", range(0xA4, 0xC7), big5_trails, 0xC67E)
    assert len(gb2312) == 7445 and len(big5_level1) == 5401
    converters = [opencc.OpenCC(f"{name}.json") for name in TRADITIONAL]
    gb_text = "".join(map(chr, gb2312))
    texts = [
        seeds,
        *(c.convert(seeds) for c in converters),
        *(c.convert(gb_text) for c in converters),
    ]
    blocks = {p for first, last in PUNCTUATION_BLOCKS for p in range(first, last + 1)}
    return (
        _drawable({ord(ch) for text in texts for ch in text})
        | gb2312
        | big5_level1
        | set(range(0x20, 0x7F))
        | set(map(ord, "「」『』·■□●○◆◇▲△★☆"))
        | (_drawable(blocks) - NOT_IN_NOTO)
    )


@pytest.fixture(scope="module")
def cmaps() -> dict[str, set[int]]:
    return {name: set(TTFont(FONTS / name, lazy=True).getBestCmap()) for name in FACES}


def test_every_role_has_the_faces_the_editions_set() -> None:
    """The EPUB embeds each role at its book weight; print sets 宋 and 黑 bold as well
    (headlines, banners) and 楷 regular only. Each face is declared under its role's family."""
    listed = faces(FONTS)
    assert [f.path.name for f in listed] == list(FACES)
    assert all(f.path.is_absolute() and f.path.is_file() for f in listed)
    weights = {(f.role, f.weight) for f in listed}
    assert {(r.name, r.book_weight) for r in ROLES} <= weights
    assert {("song", 700), ("hei", 700), ("kai", 400)} <= weights
    family = {r.name: r.family for r in ROLES}
    assert all(f.family == family[f.role] for f in listed)
    assert all(f.weight == TTFont(f.path, lazy=True)["OS/2"].usWeightClass for f in listed)


def test_fonts_dir_is_small() -> None:
    total = sum(p.stat().st_size for p in FONTS.rglob("*") if p.is_file())
    assert total <= 60_000_000


def test_manifest_hashes_match_every_file() -> None:
    listed = {face["file"]: face["sha256"] for face in MANIFEST["faces"]}
    listed |= {entry["file"]: entry["sha256"] for entry in MANIFEST["licenses"]}
    on_disk = {
        p.relative_to(FONTS).as_posix()
        for p in FONTS.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert on_disk == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((FONTS / name).read_bytes()).hexdigest() == digest, name


def test_every_face_has_its_ofl_licence() -> None:
    licences = {entry["file"] for entry in MANIFEST["licenses"]}
    for name, face in FACES.items():
        assert face["license"] in licences
        text = (FONTS / face["license"]).read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE Version 1.1" in text
        assert name in text and "Copyright" in text


def test_body_faces_cover_the_required_characters(
    required: set[int], cmaps: dict[str, set[int]]
) -> None:
    for name in BODY_FILES:
        lacking = sorted(required - cmaps[name])
        assert not lacking, f"{name} lacks {''.join(map(chr, lacking[:40]))}"


def test_kai_covers_every_required_ideograph_and_records_what_it_lacks(
    required: set[int], cmaps: dict[str, set[int]]
) -> None:
    kai = "LXGWWenKai-Regular.ttf"
    lacking = required - cmaps[kai]
    assert not {p for p in lacking if unicodedata.name(chr(p), "").startswith("CJK UNIFIED")}
    assert lacking <= parse_ranges(FACES[kai]["lacks"])


def test_manifest_cmaps_are_the_fonts_cmaps(cmaps: dict[str, set[int]]) -> None:
    for name, face in FACES.items():
        assert parse_ranges(face["cmap"]) == cmaps[name], name


def _features(name: str) -> set[str]:
    font = TTFont(FONTS / name, lazy=True)
    return {
        record.FeatureTag
        for tag in ("GSUB", "GPOS")
        if tag in font
        for record in font[tag].table.FeatureList.FeatureRecord
    }


def test_layout_features_survive_subsetting() -> None:
    for name, face in FACES.items():
        source = {tag for tags in face["source_features"].values() for tag in tags}
        if name in NOTO_FILES:
            assert source >= NOTO_SOURCE_FEATURES
        expected = (REQUIRED_FEATURES & source) - EMPTY_AFTER_SUBSET.get(name, set())
        present = _features(name)
        assert expected <= present, f"{name} lost {sorted(expected - present)}"
        assert {"chws", "vchw", "halt"} <= present, name


def _locl_substitutions(font: TTFont, language: str) -> dict[str, str]:
    """Single substitutions of the `locl` feature for `language` in the Han script."""
    gsub = font["GSUB"].table
    script = next(r.Script for r in gsub.ScriptList.ScriptRecord if r.ScriptTag == "hani")
    langsys = next(
        (r.LangSys for r in script.LangSysRecord if r.LangSysTag == language),
        script.DefaultLangSys,
    )
    mapping: dict[str, str] = {}
    for index in langsys.FeatureIndex:
        record = gsub.FeatureList.FeatureRecord[index]
        if record.FeatureTag != "locl":
            continue
        for lookup_index in record.Feature.LookupListIndex:
            for table in gsub.LookupList.Lookup[lookup_index].SubTable:
                table = getattr(table, "ExtSubTable", table)
                mapping |= getattr(table, "mapping", {})
    return mapping


@pytest.mark.parametrize("name", NOTO_FILES)
def test_locl_gives_traditional_shapes(name: str) -> None:
    font = TTFont(FONTS / name, lazy=True)
    cmap = font.getBestCmap()
    for table in ("GSUB", "GPOS"):
        for script in font[table].table.ScriptList.ScriptRecord:
            languages = {r.LangSysTag for r in script.Script.LangSysRecord}
            assert not {"JAN ", "KOR "} & languages, (table, script.ScriptTag)
    taiwan, hong_kong = _locl_substitutions(font, "ZHT "), _locl_substitutions(font, "ZHH ")
    simplified = _locl_substitutions(font, "ZHS ")
    for char in "說骨過":
        glyph = cmap[ord(char)]
        assert taiwan.get(glyph, glyph) != glyph, char
        assert simplified.get(glyph, glyph) == glyph, char
    assert hong_kong.get(cmap[ord("骨")], cmap[ord("骨")]) != cmap[ord("骨")]


@pytest.mark.parametrize("name", NOTO_FILES)
def test_shaping_picks_locale_glyphs(name: str) -> None:
    font = hb.Font(hb.Face(hb.Blob((FONTS / name).read_bytes())))

    def glyphs(language: str) -> list[int]:
        buffer = hb.Buffer()
        buffer.add_str("說骨過")
        buffer.guess_segment_properties()
        buffer.language = language
        hb.shape(font, buffer, {})
        return [info.codepoint for info in buffer.glyph_infos]

    simplified, taiwan, hong_kong = glyphs("zh-Hans"), glyphs("zh-Hant-TW"), glyphs("zh-HK")
    assert all(s != t for s, t in zip(simplified, taiwan, strict=True))
    assert simplified[1] != hong_kong[1] != taiwan[1]


def test_missing_glyphs_names_characters_outside_the_fonts() -> None:
    covered = covered_codepoints(FONTS)
    assert 0x20000 not in covered and 0xE000 not in covered
    assert missing_glyphs("中文𠀀，\n\t \u200b\ufe0f說\ue000", FONTS) == [("𠀀", 2), ("\ue000", 10)]
    assert missing_glyphs("「說」骨們：ABC 123", FONTS) == []
    assert missing_glyphs("⁂", FONTS, role="kai") == [("⁂", 0)]


def test_covered_codepoints_reads_the_manifest_alone(tmp_path: Path) -> None:
    """No font file is parsed at run time: a folder holding only the manifest answers."""
    shutil.copy(FONTS / "manifest.json", tmp_path)
    covered = covered_codepoints(tmp_path)
    assert ord("說") in covered and covered == covered_codepoints(FONTS)
    assert covered_codepoints(tmp_path, "kai") == parse_ranges(
        FACES["LXGWWenKai-Regular.ttf"]["cmap"]
    )
