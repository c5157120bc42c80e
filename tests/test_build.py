"""Building runs of issues: incremental rebuilds, parallel workers, failures, atomic outputs.

Builds write EPUBs only where the format does not matter, as they are the quickest output.
"""

from __future__ import annotations

import ast
import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from importlib.metadata import packages_distributions
from pathlib import Path
from stat import S_ISDIR

import pytest

import typeset
from tests.conftest import ROOT, SEEDS
from typeset import cli
from typeset.build import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    IssueResult,
    manifest,
    remove_stale_partials,
    run_build,
    write_atomically,
)
from typeset.build.manifest import MANIFEST_NAME, FileHashes
from typeset.config import Config
from typeset.model import Article, Issue, Paragraph
from typeset.readers import READERS, Reader
from typeset.writers import WRITERS, Writer

EPUB = Config(formats=("epub",))
# Not in any bundled font: preflight reports a missing-glyph error.
UNDRAWABLE = "\U00020000"


class Recorder:
    """A reporter that keeps what a build reports."""

    def __init__(self) -> None:
        self.results: list[IssueResult] = []
        self.messages: list[str] = []

    def message(self, line: str) -> None:
        self.messages.append(line)

    def issue(self, result: IssueResult) -> None:
        self.results.append(result)

    def states(self) -> dict[str, str]:
        return {r.path.name: r.state for r in self.results}


def build(files: list[Path], out: Path, config: Config = EPUB, **options) -> tuple[int, Recorder]:
    recorder = Recorder()
    status = run_build(files, out, config, recorder, **options)
    return status, recorder


def partials(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".partial"))


def issue_copy(folder: Path, seed: Path = SEEDS[0], name: str = "a.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    shutil.copy(seed, path)
    return path


# --- incremental builds ------------------------------------------------------------------


def test_second_build_is_a_no_op(tmp_path: Path):
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    status, first = build([issue], out)
    assert status == 0 and first.states() == {"a.txt": "built"}
    target = out / "a.epub"
    before = target.stat()

    status, second = build([issue], out)
    assert status == 0 and second.states() == {"a.txt": "up to date"}, second.results[0].why
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    recorded = json.loads((out / MANIFEST_NAME).read_text())["outputs"]
    assert set(recorded) == {"a.epub"}


def test_a_changed_issue_rebuilds_only_that_issue(tmp_path: Path):
    a = issue_copy(tmp_path / "in", SEEDS[0], "a.txt")
    b = issue_copy(tmp_path / "in", SEEDS[1], "b.txt")
    out = tmp_path / "out"
    assert build([a, b], out)[0] == 0
    old = (out / "a.epub").read_bytes()
    b_inode = (out / "b.epub").stat().st_ino

    a.write_text(a.read_text(encoding="utf-8") + "\n新增的一段正文，检验增量构建。\n", "utf-8")
    status, recorder = build([a, b], out)
    assert status == 0
    assert recorder.states() == {"a.txt": "built", "b.txt": "up to date"}
    assert (out / "a.epub").read_bytes() != old
    assert (out / "b.epub").stat().st_ino == b_inode


def _edit_template(folder: Path, config: Config, monkeypatch) -> Config:
    with (config.templates_dir / "epub" / "book.css.j2").open("a", encoding="utf-8") as css:
        css.write("\n/* a correction */\n")
    return config


def _change_setting(folder: Path, config: Config, monkeypatch) -> Config:
    return replace(config, publication="测试周刊")


def _new_version(folder: Path, config: Config, monkeypatch) -> Config:
    monkeypatch.setattr(typeset, "__version__", "999.0")
    return config


def _set_source_date(folder: Path, config: Config, monkeypatch) -> Config:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return config


def _alter_output(folder: Path, config: Config, monkeypatch) -> Config:
    target = folder / "out" / "a.epub"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return config


def _delete_output(folder: Path, config: Config, monkeypatch) -> Config:
    (folder / "out" / "a.epub").unlink()
    return config


def _add_picture(folder: Path, config: Config, monkeypatch) -> Config:
    (config.image_dir / "a").mkdir()
    shutil.copy(ROOT / "templates" / "print" / "placeholder.svg", config.image_dir / "a" / "x.svg")
    return config


# A change → how it is made, and why the build says it rebuilt.
CHANGES = {
    "template": (_edit_template, "templates changed"),
    "setting": (_change_setting, "settings changed"),
    "typeset version": (_new_version, "typeset changed"),
    "picture folder": (_add_picture, "images changed"),
    "SOURCE_DATE_EPOCH": (_set_source_date, "source_date_epoch changed"),
    "output altered": (_alter_output, "output altered"),
    "output deleted": (_delete_output, "output missing"),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> tuple[Path, Config]:
    """An issue, and settings with their own templates and picture folders."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    issue = issue_copy(tmp_path / "in")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "images").mkdir()
    return issue, replace(EPUB, templates_dir=tmp_path / "templates", image_dir=tmp_path / "images")


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_dependency_rebuilds(change: str, project, tmp_path: Path, monkeypatch):
    issue, config = project
    out = tmp_path / "out"
    assert build([issue], out, config)[0] == 0
    before = (out / "a.epub").stat()

    make, why = CHANGES[change]
    config = make(tmp_path, config, monkeypatch)
    status, recorder = build([issue], out, config)
    assert status == 0 and recorder.states() == {"a.txt": "built"}
    assert recorder.results[0].why == why
    after = (out / "a.epub").stat()
    assert (after.st_ino, after.st_mtime_ns) != (before.st_ino, before.st_mtime_ns)
    assert build([issue], out, config)[1].states() == {"a.txt": "up to date"}


def _copy_sources(folder: Path, monkeypatch) -> Path:
    """A copy of typeset's sources in `folder`, hashed by builds in place of the real ones."""
    sources = folder / "package"
    shutil.copytree(manifest.PACKAGE_DIR, sources, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(manifest, "PACKAGE_DIR", sources)
    return sources


def test_a_changed_typeset_source_rebuilds(tmp_path: Path, monkeypatch):
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    sources = _copy_sources(tmp_path, monkeypatch)
    assert build([issue], out)[0] == 0
    assert not sources.is_relative_to(ROOT)
    with (sources / "build.py").open("a", encoding="utf-8") as source:
        source.write("\n# a change\n")
    [result] = build([issue], out)[1].results
    assert (result.state, result.why) == ("built", "sources changed")


def test_source_date_epoch_counts_by_its_value(tmp_path: Path, monkeypatch):
    """Surrounding blanks do not change the date the writers use, so they rebuild nothing."""
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build([issue], out)[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1700000000\n")
    assert build([issue], out)[1].states() == {"a.txt": "up to date"}


CORRUPT_OUTPUTS = [
    [],
    {"format": 2, "outputs": ["a.epub"], "files": {}},
    {"format": 2, "outputs": {"a.epub": 1}, "files": {}},
    {"format": 2, "outputs": {"a.epub": {"inputs": [], "sha256": "0"}}, "files": {}},
    {"format": 2, "outputs": {"a.epub": {"inputs": {"issue": 1}, "sha256": "0"}}, "files": {}},
    {"format": 2, "outputs": {"a.epub": {"inputs": {}}}, "files": []},
]


@pytest.mark.parametrize("data", CORRUPT_OUTPUTS, ids=json.dumps)
def test_a_malformed_manifest_entry_counts_as_absent(tmp_path: Path, data):
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    assert build([issue], out)[0] == 0
    (out / MANIFEST_NAME).write_text(json.dumps(data))
    status, recorder = build([issue], out)
    assert status == 0 and recorder.states() == {"a.txt": "built"}
    assert recorder.results[0].why == "new"
    assert build([issue], out)[1].states() == {"a.txt": "up to date"}


def test_malformed_file_hashes_are_hashed_again(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    assert build([issue], out)[0] == 0
    data = json.loads((out / MANIFEST_NAME).read_text())
    files = data["files"]
    assert str(issue) in files
    for number, name in enumerate(files):
        files[name] = [5, files[name][:3], files[name][:2] + ["x", "y"]][number % 3]
    (out / MANIFEST_NAME).write_text(json.dumps(data))
    assert build([issue], out)[1].states() == {"a.txt": "up to date"}


def test_touching_without_changing_rebuilds_nothing(project, tmp_path: Path):
    issue, config = project
    out = tmp_path / "out"
    assert build([issue], out, config)[0] == 0
    later = time.time_ns() + 10**9
    for path in [issue, *config.templates_dir.rglob("*")]:
        os.utime(path, ns=(later, later))
    assert build([issue], out, config)[1].states() == {"a.txt": "up to date"}


def test_fonts_folder_is_a_dependency(tmp_path: Path):
    fonts = tmp_path / "fonts"
    shutil.copytree(ROOT / "fonts", fonts)
    config = replace(EPUB, fonts_dir=fonts)
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    assert build([issue], out, config)[0] == 0

    later = time.time_ns() + 10**9
    for font in fonts.glob("*.otf"):
        os.utime(font, ns=(later, later))
    assert build([issue], out, config)[1].states() == {"a.txt": "up to date"}

    (fonts / "licenses" / "EXTRA.txt").write_text("another licence\n")
    [result] = build([issue], out, config)[1].results
    assert (result.state, result.why) == ("built", "fonts changed")


def test_settings_of_the_traditional_edition_leave_the_simplified_alone(tmp_path: Path):
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    config = replace(EPUB, editions=("simplified", "traditional"))
    assert build([issue], out, config)[0] == 0

    for change in ({"opencc_config": "s2hk"}, {"vertical_epub": True}):
        config = replace(config, **change)
        status, recorder = build([issue], out, config)
        assert status == 0
        assert [o.path.name for o in recorder.results[0].outputs] == ["a.zh-Hant.epub"]


def test_force_rebuilds_what_is_up_to_date(tmp_path: Path):
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    assert build([issue], out)[0] == 0
    assert build([issue], out, force=True)[1].states() == {"a.txt": "built"}


def test_every_library_typeset_imports_is_a_dependency():
    """Each third-party distribution imported by typeset's modules is recorded by version."""
    imported = set()
    for source in manifest.PACKAGE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.partition(".")[0])
    owners = packages_distributions()
    third_party = imported - set(sys.stdlib_module_names) - {"typeset"}
    distributions = {d.lower() for module in third_party for d in owners[module]}
    assert "pillow" in distributions and "jinja2" in distributions
    assert distributions <= set(manifest.LIBRARIES)
    assert set(manifest._library_versions()) == set(manifest.LIBRARIES)


def test_file_hashes_reuse_only_settled_unchanged_files(tmp_path: Path, monkeypatch):
    path = tmp_path / "f.bin"
    path.write_bytes(b"one")
    stat = path.stat()
    key = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
    real = FileHashes({}).file(path)

    # A file changed within the racy window is hashed but its hash is not kept.
    fresh = FileHashes({})
    assert fresh.file(path) == real and fresh.seen == {}

    monkeypatch.setattr(manifest, "RACY_NS", 0)
    planted = FileHashes({str(path): [*key, "cached"]})
    assert planted.file(path) == "cached"
    assert planted.seen == {str(path): [*key, "cached"]}

    stale = FileHashes({str(path): [stat.st_size + 1, *key[1:], "cached"]})
    assert stale.file(path) == real
    assert FileHashes({}).file(tmp_path / "missing") is None


# --- parallel builds and failures --------------------------------------------------------


def test_parallel_build_matches_sequential(tmp_path: Path):
    files = SEEDS[:2]
    status, recorder = build(files, tmp_path / "parallel", Config(), jobs=2)
    assert status == 0 and set(recorder.states().values()) == {"built"}
    assert build(files, tmp_path / "sequential", Config(), jobs=1)[0] == 0
    names = sorted(p.name for p in (tmp_path / "sequential").iterdir())
    assert sorted(p.name for p in (tmp_path / "parallel").iterdir()) == names
    assert {n.rsplit(".", 1)[1] for n in names} == {"pdf", "epub", "json"}
    for name in names:
        if name != MANIFEST_NAME:
            parallel = (tmp_path / "parallel" / name).read_bytes()
            assert parallel == (tmp_path / "sequential" / name).read_bytes(), name


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path: Path, jobs: str):
    """WeasyPrint copies the fonts of every document it lays out into a temporary folder
    (the proof lays out two); the writers remove them, in worker processes too, which end
    before WeasyPrint's own clean-up could run."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    command = [sys.executable, "-m", "typeset.cli", "build", *map(str, SEEDS[:2])]
    command += ["-o", str(tmp_path / "out"), "--format", "pdf", "--proof", "--jobs", jobs]
    run = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "TMPDIR": str(temporary)}
    )
    assert run.returncode == 0, run.stderr
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 4
    assert list(temporary.iterdir()) == []


def test_bad_inputs_fail_alone(tmp_path: Path):
    good = issue_copy(tmp_path / "in")
    binary = tmp_path / "in" / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "in" / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "in" / "missing.txt"
    out = tmp_path / "out"
    files = [binary, good, missing, empty]
    run = subprocess.run(
        [sys.executable, "-m", "typeset.cli", "build", *map(str, files), "-o", str(out)]
        + ["--format", "epub", "--jobs", "2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    for bad in (binary, missing, empty):
        assert len([line for line in lines if str(bad) in line]) == 1, run.stderr
    assert lines[-1] == "typeset: 3 of 4 issues failed"
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "a.epub"]


def test_preflight_errors_stop_an_issue_unless_forced(tmp_path: Path):
    text = SEEDS[0].read_text(encoding="utf-8").replace("。", UNDRAWABLE + "。", 1)
    broken = tmp_path / "in" / "broken.txt"
    broken.parent.mkdir()
    broken.write_text(text, encoding="utf-8")
    good = issue_copy(tmp_path / "in")
    out = tmp_path / "out"

    status, recorder = build([broken, good], out)
    assert status == EXIT_FAILED
    assert recorder.states() == {"broken.txt": "failed", "a.txt": "built"}
    assert any("missing-glyph" in m and str(broken) in m for m in recorder.messages)
    assert "--force" in next(r for r in recorder.results if r.path == broken).reason
    assert not (out / "broken.epub").exists()

    status, recorder = build([broken, good], out, force=True)
    assert status == 0 and recorder.states() == {"broken.txt": "built", "a.txt": "built"}
    assert (out / "broken.epub").is_file()


def test_issue_files_with_one_name_are_refused(tmp_path: Path):
    first = issue_copy(tmp_path / "one", name="x.txt")
    second = issue_copy(tmp_path / "two", name="x.txt")
    status, recorder = build([first, second], tmp_path / "out")
    assert status == EXIT_BAD_INPUT
    assert {r.path: r.state for r in recorder.results} == {first: "built", second: "failed"}
    refused = next(r for r in recorder.results if r.path == second)
    assert str(first) in refused.reason


def test_issue_files_writing_one_output_are_refused(tmp_path: Path):
    """a.txt's traditional edition and a.zh-Hant.txt's simplified one are both a.zh-Hant.epub."""
    plain = issue_copy(tmp_path / "in", name="a.txt")
    tagged = issue_copy(tmp_path / "in", SEEDS[1], name="a.zh-Hant.txt")
    config = replace(EPUB, editions=("simplified", "traditional"))
    status, recorder = build([plain, tagged], tmp_path / "out", config)
    assert status == EXIT_BAD_INPUT
    assert recorder.states() == {"a.txt": "built", "a.zh-Hant.txt": "failed"}
    refused = recorder.results[0]
    assert refused.path == tagged
    assert refused.reason.startswith(f"would write a.zh-Hant.epub over the output of {plain} ")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.epub")) == [
        "a.epub",
        "a.zh-Hant.epub",
    ]


def test_a_crashing_writer_fails_its_issue_with_one_line(tmp_path: Path, monkeypatch):
    import typeset.writers.epub

    def broken(*args, **kwargs):
        raise RuntimeError("the packager fell over")

    monkeypatch.setattr(typeset.writers.epub, "write_epub", broken)
    status, recorder = build([issue_copy(tmp_path / "in")], tmp_path / "out")
    assert status == EXIT_FAILED
    assert recorder.results[0].reason == "build failed: RuntimeError: the packager fell over"


# --- atomic outputs ----------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
@pytest.mark.parametrize("previous", [b"previous complete output", None])
def test_write_atomically_keeps_the_previous_file_or_nothing(tmp_path: Path, error, previous):
    target = tmp_path / "x.pdf"
    if previous is not None:
        target.write_bytes(previous)

    def half_then_fail(path: Path) -> None:
        path.write_bytes(b"%PDF-1.7 half")
        raise error("stopped mid-write")

    with pytest.raises(error):
        write_atomically(target, half_then_fail)
    assert [p.name for p in tmp_path.iterdir()] == (["x.pdf"] if previous else [])
    if previous is not None:
        assert target.read_bytes() == previous


def _record_syncs(monkeypatch, refuse_folders: bool = False) -> list[tuple[str, object]]:
    """Calls to os.fsync (what was synced: "file" or the folder's inode) and os.replace."""
    calls: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        status = os.fstat(descriptor)
        is_folder = S_ISDIR(status.st_mode)
        calls.append(("fsync", status.st_ino if is_folder else "file"))
        if is_folder and refuse_folders:
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(descriptor)

    def replace(source, target) -> None:
        calls.append(("replace", Path(target).name))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_write_atomically_syncs_the_file_then_the_rename(tmp_path: Path, monkeypatch):
    calls = _record_syncs(monkeypatch)
    target = tmp_path / "x.pdf"
    write_atomically(target, lambda path: path.write_bytes(b"%PDF-1.7 whole"))
    folder = tmp_path.stat().st_ino
    assert calls == [("fsync", "file"), ("replace", "x.pdf"), ("fsync", folder)]
    assert target.read_bytes() == b"%PDF-1.7 whole"


def test_a_folder_that_cannot_be_synced_still_gets_the_file(tmp_path: Path, monkeypatch):
    calls = _record_syncs(monkeypatch, refuse_folders=True)
    target = tmp_path / "x.pdf"
    write_atomically(target, lambda path: path.write_bytes(b"%PDF-1.7 whole"))
    assert calls[-1] == ("fsync", tmp_path.stat().st_ino)
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def _half_then(error: type[BaseException]):
    """A write_epub that writes half a real book, then raises `error`."""
    import typeset.writers.epub

    real = typeset.writers.epub.write_epub

    def write_epub(issue, path: Path, config: Config, **options) -> None:
        real(issue, path, config, **options)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        raise error("stopped mid-write")

    return write_epub


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_build_leaves_the_previous_output(tmp_path: Path, monkeypatch, error):
    import typeset.writers.epub

    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    assert build([issue], out)[0] == 0
    previous = (out / "a.epub").read_bytes()

    monkeypatch.setattr(typeset.writers.epub, "write_epub", _half_then(error))
    if error is KeyboardInterrupt:
        with pytest.raises(KeyboardInterrupt):
            build([issue], out, force=True)
    else:
        assert build([issue], out, force=True)[0] == EXIT_FAILED
    assert (out / "a.epub").read_bytes() == previous
    assert partials(out) == []
    monkeypatch.undo()
    assert build([issue], out)[1].states() == {"a.txt": "up to date"}


# Python leaves SIGINT ignored when it starts with it ignored, as a command run in the
# background by a non-interactive shell (`make test &`) does: the script takes Ctrl-C as a
# terminal's foreground command would.
HOLD_MID_WRITE = """
import os, signal, sys, time
from pathlib import Path
import typeset.writers.epub
from typeset.cli import main

signal.signal(signal.SIGINT, signal.default_int_handler)

real = typeset.writers.epub.write_epub

def write_epub(issue, path, config, **options):
    real(issue, path, config, **options)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    Path(sys.argv[1], str(os.getpid())).touch()
    time.sleep(600)

typeset.writers.epub.write_epub = write_epub
sys.exit(main(sys.argv[2:]))
"""


def _wait_for(
    ready: Path, process: subprocess.Popen, writers: int = 1, seconds: float = 120
) -> None:
    """Wait until `writers` patched writers hold their half-written files (each leaves a
    mark named by its pid in `ready`)."""
    deadline = time.monotonic() + seconds
    while len(list(ready.iterdir())) < writers:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never reached the write"
        time.sleep(0.02)


@pytest.mark.parametrize("previous", [True, False])
def test_sigkill_mid_write_leaves_previous_output_or_nothing(tmp_path: Path, previous: bool):
    issue = issue_copy(tmp_path / "in")
    out = tmp_path / "out"
    before = None
    if previous:
        assert build([issue], out)[0] == 0
        before = (out / "a.epub").read_bytes()
    ready = tmp_path / "ready"
    ready.mkdir()
    command = [sys.executable, "-c", HOLD_MID_WRITE, str(ready), "build", str(issue)]
    command += ["-o", str(out), "--format", "epub", "--force", "--jobs", "1"]
    process = subprocess.Popen(command, cwd=tmp_path, start_new_session=True)
    try:
        _wait_for(ready, process)
        [partial] = partials(out)
        assert partial.stat().st_size > 0
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL

    if previous:
        assert (out / "a.epub").read_bytes() == before
    else:
        assert not (out / "a.epub").exists()
    status, recorder = build([issue], out)
    assert status == 0 and partials(out) == []
    assert any(partial.name in m for m in recorder.messages)
    assert recorder.states() == {"a.txt": "up to date" if previous else "built"}


@pytest.mark.parametrize("whom", ["process group", "parent"])
def test_an_interrupted_parallel_build_says_one_line_and_ends_its_workers(
    tmp_path: Path, whom: str
):
    """Ctrl-C reaches the whole group, `kill -INT` the parent alone: either way one line,
    exit 130, and no worker left writing (the patched writer would hold its issue 600 s)."""
    files = [issue_copy(tmp_path / "in", seed, seed.name) for seed in SEEDS[:2]]
    out = tmp_path / "out"
    ready = tmp_path / "ready"
    ready.mkdir()
    command = [sys.executable, "-c", HOLD_MID_WRITE, str(ready), "build", *map(str, files)]
    command += ["-o", str(out), "--format", "epub", "--force", "--jobs", "2"]
    process = subprocess.Popen(
        command, cwd=tmp_path, start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(ready, process)
        if whom == "parent":
            os.kill(process.pid, signal.SIGINT)
        else:
            os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    _wait_until_dead(process.pid)
    assert process.returncode == 130
    lines = [line for line in stderr.splitlines() if not re.search(r": (warning|error) ", line)]
    assert lines == ["typeset: interrupted"], stderr
    assert list(out.glob("*.epub")) == []


def test_sigkill_of_a_parallel_build_mid_write(tmp_path: Path):
    """The command and its two workers killed while the workers are writing: the outputs
    stay as they were, and the next build removes the dead workers' temporaries.

    The writer holds its half-written temporary: an unpatched EPUB is written in a few
    milliseconds, too quickly to be sure of catching it in the act."""
    out = tmp_path / "out"
    files = [issue_copy(tmp_path / "in", seed, seed.name) for seed in SEEDS[:2]]
    assert build(files, out)[0] == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.epub")}
    ready = tmp_path / "ready"
    ready.mkdir()
    command = [sys.executable, "-c", HOLD_MID_WRITE, str(ready), "build", *map(str, files)]
    command += ["-o", str(out), "--format", "epub", "--force", "--jobs", "2"]
    process = subprocess.Popen(command, cwd=tmp_path, start_new_session=True)
    try:
        _wait_for(ready, process, writers=2)
        left = partials(out)
        assert len(left) == 2 and all(p.stat().st_size > 0 for p in left)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    _wait_until_dead(process.pid)
    assert {p.name: p.read_bytes() for p in out.glob("*.epub")} == before
    status, recorder = build(files, out)
    assert status == 0 and partials(out) == []
    assert all(any(p.name in m for m in recorder.messages) for p in left)
    assert set(recorder.states().values()) == {"up to date"}


def _wait_until_dead(group: int, seconds: float = 30) -> None:
    """Until every process of a killed group is gone or a zombie: SIGKILL takes a moment."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                state, _, pgrp = stat.read_text().rpartition(")")[2].split()[:3]
            except (OSError, ValueError):
                continue
            if int(pgrp) == group and state != "Z":
                running.append(stat.parent.name)
        if not running:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes {running} still run after SIGKILL")


def test_only_temporaries_of_dead_writers_are_removed(tmp_path: Path):
    dead = tmp_path / ".a.pdf.999999999.partial"
    live = tmp_path / f".b.pdf.{os.getpid()}.partial"
    for path in (dead, live):
        path.write_bytes(b"half")
    assert remove_stale_partials(tmp_path) == [dead]
    assert live.exists()


# A toy kind of issue file and a toy output format, registered by the test below: each is one
# function and one registry line, and the build needs nothing more to use them.
def read(data: bytes, issue_id: str, source_path: str) -> Issue:
    """Toy reader: the first line is the headline, every other line a paragraph."""
    title, *paragraphs = data.decode().splitlines()
    article = Article([title], blocks=[Paragraph(text) for text in paragraphs if text])
    return Issue(issue_id, [article], source_path)


def write(model: Issue, target: Path, config: Config, timings: dict[str, float]) -> None:
    """Toy writer: the edition's headlines, one per line."""
    timings["outline"] = 0.0
    target.write_text("".join(f"{a.headline}\n" for a in model.articles), encoding="utf-8")


def test_a_new_reader_and_writer_are_one_registry_line_each(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setitem(READERS, ".toy", Reader(".toy", __name__))
    monkeypatch.setitem(WRITERS, "outline", Writer("outline", __name__, ("outline",)))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.toy").write_text("社区党建“积分账”\n第一段。\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", str(folder), "-o", str(out), "--format", "outline", "--edition", "all"]
    assert cli.main([*args, "-v", "--jobs", "1"]) == 0
    assert (out / "a.outline").read_text(encoding="utf-8") == "社区党建“积分账”\n"
    assert (out / "a.zh-Hant.outline").read_text(encoding="utf-8") == "社區黨建「積分賬」\n"
    assert "outline 0.00" in capsys.readouterr().err
    assert cli.main([*args, "-v", "--jobs", "1"]) == 0  # recorded in the manifest
    assert f"up to date  {folder / 'a.toy'}" in capsys.readouterr().err
