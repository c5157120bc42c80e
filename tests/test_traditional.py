import json
import subprocess
import time
from pathlib import Path

import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from typeset import traditional
from typeset.model import Issue
from typeset.traditional import (
    LANGUAGE_TAGS,
    converter,
    corner_quotes,
    language_tag,
    to_traditional,
)

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
        assert out.count("「") == text.count("“") and out.count("」") == text.count("”")


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
        pytest.skip("gold model 003 not available")
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
        pytest.skip("gold model 000 not available")
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
    start = time.perf_counter()
    first = converter("s2hk", {"社区": "社區"})
    first_time = time.perf_counter() - start
    start = time.perf_counter()
    second = converter("s2hk", {"社区": "社區"})
    second_time = time.perf_counter() - start
    assert second is first
    assert second_time < first_time
    assert converter("s2hk") is converter("s2hk", {})
    assert converter("s2hk") is not first
    assert traditional._opencc.cache_info().misses == 1


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
