"""typeset.toml: every key read and checked, mistakes reported in one line, options override."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from typeset import cli
from typeset.config import Config, IssueInfo
from typeset.config_file import KEYS, ConfigError, find_config, load_config

SEED = SEEDS[0]
# A phrase of the first seed, and a rendering of it OpenCC would never produce.
PHRASE = "衡阳市社科联"
OPENCC_RENDERING = "衡陽市社科聯"
OVERRIDE = "衡陽市社會科學界聯合會"


def write_toml(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "typeset.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_setting_is_a_key():
    assert set(KEYS) == {f.name for f in fields(Config)}


def test_shipped_file_documents_every_key_and_changes_nothing():
    shipped = ROOT / "typeset.toml"
    assert load_config(shipped) == Config()
    text = shipped.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in KEYS:
        assert re.search(rf"^# \[?{key}\b", text, re.M), f"{key} not in typeset.toml"
        assert f"`{key}`" in readme, f"{key} not in the README"


def test_no_file_means_defaults(tmp_path: Path):
    assert find_config(cwd=tmp_path) == Config()


def test_every_key_is_read_and_paths_are_relative_to_the_file(tmp_path: Path):
    project = tmp_path / "project"
    for folder in ("type/faces", "look/print", "look/epub", "pictures"):
        (project / folder).mkdir(parents=True)
    (project / "type" / "faces" / "manifest.json").write_text("{}")
    (project / "press.icc").write_bytes(b"profile")
    path = write_toml(
        project,
        """
publication = "社区周刊"
trim_width_mm = 210
trim_height_mm = 297.5
bleed_mm = 0
fonts_dir = "type/faces"
templates_dir = "look"
image_dir = "pictures"
color_profile = "press.icc"
opencc_config = "s2hk"
editions = "all"
formats = ["epub"]
vertical_epub = true

[phrase_overrides]
"社区" = "社區"

[issues.first]
number = "第 12 期"
date = 2025-11-21

[issues.second]
date = 2025-12-05
""",
    )
    config = find_config(path, cwd=tmp_path)
    assert config == Config(
        publication="社区周刊",
        trim_width_mm=210.0,
        trim_height_mm=297.5,
        bleed_mm=0.0,
        fonts_dir=project / "type" / "faces",
        templates_dir=project / "look",
        image_dir=project / "pictures",
        color_profile=project / "press.icc",
        opencc_config="s2hk",
        phrase_overrides={"社区": "社區"},
        editions=("simplified", "traditional"),
        formats=("epub",),
        vertical_epub=True,
        issues={
            "first": IssueInfo("第 12 期", date(2025, 11, 21)),
            "second": IssueInfo(None, date(2025, 12, 5)),
        },
    )
    assert config.issue_info("first").label == "第 12 期 2025年11月21日"
    assert config.issue_info("second").label == "2025年12月5日"
    assert config.issue_info("third") == IssueInfo() and IssueInfo().label == ""


BAD = [
    ("colour = 1", "colour", "unknown key"),
    ("bleeds_mm = 3", "bleeds_mm", "did you mean 'bleed_mm'"),
    ("bleed_mm = -1", "bleed_mm", "at least 0"),
    ("trim_width_mm = 0", "trim_width_mm", "greater than 0"),
    ('trim_height_mm = "260"', "trim_height_mm", "expected a number"),
    ("trim_height_mm = true", "trim_height_mm", "expected a number"),
    ('opencc_config = "s2twx"', "opencc_config", "unknown OpenCC config"),
    ('opencc_config = "t2s"', "opencc_config", "s2t, s2tw, s2twp, s2hk"),
    ('opencc_config = ["s2t"]', "opencc_config", "unknown OpenCC config ['s2t']"),
    ("bleed_mm = nan", "bleed_mm", "expected a finite number"),
    ("trim_width_mm = inf", "trim_width_mm", "expected a finite number"),
    ("trim_height_mm = -inf", "trim_height_mm", "expected a finite number"),
    ('image_dir = "~nosuchuser-typeset/x"', "image_dir", "no such user"),
    ('fonts_dir = "no-such-folder"', "fonts_dir", "no such folder"),
    ('fonts_dir = "."', "fonts_dir", "lacks manifest.json"),
    ('templates_dir = "."', "templates_dir", "lacks print, epub"),
    ('color_profile = "none.icc"', "color_profile", "no such file"),
    ('editions = ["simplified", "latin"]', "editions", "expected a list"),
    ("editions = []", "editions", "expected a list"),
    ('formats = "mobi"', "formats", "expected a list"),
    ('vertical_epub = "yes"', "vertical_epub", "true or false"),
    ('publication = ""', "publication", "non-empty string"),
    ('phrase_overrides = ["社区"]', "phrase_overrides", "table"),
    ('[phrase_overrides]\n"社区" = 1', "phrase_overrides", "'社区'"),
    ('issues = ["first"]', "issues", "expected tables [issues."),
    ('[issues.first]\ndate = "2025-11-21"', "issues", "first: date must be a TOML date"),
    ("[issues.first]\ndate = 2025-11-21T08:00:00", "issues", "first: date must be a TOML date"),
    ('[issues.first]\nissue = "12"', "issues", "first: unknown key 'issue'"),
    ('[issues.first]\nnumber = ""', "issues", "non-empty string"),
]


@pytest.mark.parametrize(("text", "key", "problem"), BAD, ids=[b[0] for b in BAD])
def test_bad_values_name_file_key_and_problem(tmp_path: Path, text: str, key: str, problem: str):
    path = write_toml(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == key
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert "\n" not in str(caught.value)


def test_unreadable_toml_is_one_line(tmp_path: Path):
    path = write_toml(tmp_path, "publication = \n")
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 1"):
        load_config(path)


@pytest.mark.parametrize("command", ["build", "check"])
def test_cli_reports_a_bad_setting_in_one_line(tmp_path: Path, command: str):
    write_toml(tmp_path, "bleed_mm = -3\n")
    out = tmp_path / "out"
    args = [command, str(SEED)] + (["-o", str(out)] if command == "build" else [])
    run = subprocess.run(
        [sys.executable, "-m", "typeset.cli", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == "typeset: typeset.toml: bleed_mm: must be at least 0, got -3\n"
    assert not out.exists()


def test_missing_config_file_is_one_line(tmp_path: Path, capsys):
    missing = tmp_path / "nowhere.toml"
    assert cli.main(["check", "--config", str(missing), str(SEED)]) == 2
    error = capsys.readouterr().err
    assert error == f"typeset: {missing}: cannot read: No such file or directory\n"


def _effective(tmp_path: Path, *options: str) -> Config:
    path = write_toml(
        tmp_path, 'editions = "all"\nformats = ["epub"]\nvertical_epub = true\nbleed_mm = 5\n'
    )
    args = cli._parser().parse_args(["build", "--config", str(path), *options])
    return cli._config(args)


def test_command_line_options_override_the_file(tmp_path: Path):
    from_file = _effective(tmp_path)
    assert (from_file.editions, from_file.formats, from_file.vertical_epub) == (
        ("simplified", "traditional"),
        ("epub",),
        True,
    )
    overridden = _effective(
        tmp_path, "--edition", "traditional", "--format", "pdf,epub", "--no-vertical-epub"
    )
    assert overridden.editions == ("traditional",)
    assert overridden.formats == ("pdf", "epub")
    assert overridden.vertical_epub is False
    assert overridden.bleed_mm == 5.0


def _book_text(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        pages = [book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")]
    return re.sub(r"<[^>]+>", "", "".join(pages))


def test_a_phrase_override_reaches_the_traditional_edition(tmp_path: Path):
    assert PHRASE in SEED.read_text(encoding="utf-8")
    plain = write_toml(tmp_path / "plain", 'formats = ["epub"]\neditions = ["traditional"]\n')
    custom = write_toml(
        tmp_path / "custom",
        plain.read_text(encoding="utf-8") + f'[phrase_overrides]\n"{PHRASE}" = "{OVERRIDE}"\n',
    )
    texts = {}
    for path in (plain, custom):
        out = path.parent / "out"
        assert cli.main(["build", str(SEED), "-o", str(out), "--config", str(path)]) == 0
        [book] = out.glob("*.zh-Hant.epub")
        texts[path] = _book_text(book)
    assert OPENCC_RENDERING in texts[plain] and OVERRIDE not in texts[plain]
    assert OVERRIDE in texts[custom] and OPENCC_RENDERING not in texts[custom]


def _diagnostics(capsys, *args: str) -> tuple[int, list[dict]]:
    status = cli.main(["check", "--json", *args])
    return status, json.loads(capsys.readouterr().out)


def test_check_looks_for_pictures_in_the_configured_folder(tmp_path: Path, capsys):
    status, before = _diagnostics(capsys, str(SEED))
    missing = [d for d in before if d["code"] == "figure-without-image"]
    assert status == 0 and missing

    pictures = tmp_path / "pictures" / SEED.stem
    pictures.mkdir(parents=True)
    (pictures / "1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = write_toml(tmp_path, 'image_dir = "pictures"\n')
    status, after = _diagnostics(capsys, "--config", str(path), str(SEED))
    still = [d for d in after if d["code"] == "figure-without-image"]
    assert len(still) == len(missing) - 1
    assert all("figure 1 " not in d["message"] for d in still)


def test_check_uses_the_configured_fonts(tmp_path: Path, capsys):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    manifest = json.loads((ROOT / "fonts" / "manifest.json").read_text(encoding="utf-8"))
    for face in manifest["faces"]:
        if face["role"] == "song":
            face["cmap"] = "20-7e"
    (fonts / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    path = write_toml(tmp_path, 'fonts_dir = "fonts"\n')

    status, diagnostics = _diagnostics(capsys, "--config", str(path), str(SEED))
    assert status == 1
    assert any(d["code"] == "missing-glyph" and "song" in d["message"] for d in diagnostics)


def test_issue_number_and_date_reach_masthead_and_metadata(tmp_path: Path, monkeypatch):
    """The masthead prints the number and date typeset.toml gives; the date stamps both
    files, and SOURCE_DATE_EPOCH still wins over it."""
    import pdfplumber
    import pikepdf

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    path = write_toml(tmp_path, f'[issues.{SEED.stem}]\nnumber = "第 12 期"\ndate = 2025-11-21\n')
    out = tmp_path / "out"
    assert cli.main(["build", str(SEED), "-o", str(out), "--config", str(path), "-j", "1"]) == 0
    with pdfplumber.open(out / f"{SEED.stem}.pdf") as pdf:
        cover = re.sub(r"\s+", "", pdf.pages[0].extract_text())
    assert "第12期2025年11月21日" in cover
    with pikepdf.open(out / f"{SEED.stem}.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20251121000000Z"
    with zipfile.ZipFile(out / f"{SEED.stem}.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
        stamps = {info.date_time[:3] for info in book.infolist()}
    assert "<dc:date>2025-11-21</dc:date>" in opf and "第 12 期 2025年11月21日" in opf
    assert stamps == {(2025, 11, 21)}

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    again = tmp_path / "again"
    assert cli.main(["build", str(SEED), "-o", str(again), "--config", str(path), "-j", "1"]) == 0
    with pikepdf.open(again / f"{SEED.stem}.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20260101000000Z"


def test_another_issues_date_rebuilds_nothing_else(tmp_path: Path):
    first, second = SEEDS[0], SEEDS[1]
    out = tmp_path / "out"
    build = ["build", str(first), str(second), "-o", str(out), "--format", "epub", "-j", "1"]
    path = write_toml(tmp_path, f"[issues.{first.stem}]\ndate = 2025-11-21\n")
    assert cli.main([*build, "--config", str(path)]) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.epub")}
    path.write_text(f"[issues.{first.stem}]\ndate = 2025-11-28\n", encoding="utf-8")
    assert cli.main([*build, "--config", str(path)]) == 0
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("*.epub")}
    assert after[f"{second.stem}.epub"] == before[f"{second.stem}.epub"]
    assert after[f"{first.stem}.epub"] != before[f"{first.stem}.epub"]
