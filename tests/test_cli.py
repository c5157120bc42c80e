"""The command line: help, version, what a build says on a terminal and off it."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from typeset import cli

CONFIG = ["--config", str(ROOT / "typeset.toml")]
OPTIONS = {
    "build": ["--output", "--format", "--proof", "--edition", "--vertical-epub", "--jobs"]
    + ["--force", "--verbose", "--config"],
    "check": ["--json", "--config"],
    "outline": ["--json", "--config"],
    "parse": ["FILE"],
    "serve": ["FILE", "--port", "--edition", "--config"],
}


def typeset(*args: str, cwd: Path, stderr=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "typeset.cli", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        cwd=cwd,
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"typeset {version('typeset')}\n"


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for command in OPTIONS:
        assert f"    {command} " in text


@pytest.mark.parametrize("command", OPTIONS)
def test_each_command_documents_its_options(capsys, command: str):
    with pytest.raises(SystemExit) as exit:
        cli.main([command, "--help"])
    assert exit.value.code == 0
    text = capsys.readouterr().out
    for option in OPTIONS[command]:
        assert option in text


def test_no_path_means_seeds_folder(tmp_path: Path):
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEEDS[0], tmp_path / "seeds" / "x.txt")
    (tmp_path / "seeds" / "notes.md").write_text("不是期刊文件")
    run = typeset("check", *CONFIG, cwd=tmp_path)
    assert run.returncode == 0
    files = {line.split(":")[0] for line in run.stdout.splitlines()}
    assert files == {"seeds/x.txt"}


@pytest.mark.parametrize("command", ["build", "check", "outline"])
def test_nothing_to_build_or_check_is_one_line(tmp_path: Path, command: str):
    run = typeset(command, *CONFIG, cwd=tmp_path)
    assert (run.returncode, run.stderr) == (2, "typeset: seeds: no such file\n")
    (tmp_path / "seeds").mkdir()
    for args in ([], ["seeds"]):
        run = typeset(command, *args, *CONFIG, cwd=tmp_path)
        expected = f"typeset: seeds: no issue files (*.txt) to {command}\n"
        assert (run.returncode, run.stdout, run.stderr) == (2, "", expected)


def test_a_bad_source_date_epoch_is_one_line_and_nothing_written(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "typeset.cli", "build", str(SEEDS[0]), "-o", "out", *CONFIG],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "SOURCE_DATE_EPOCH": "yesterday"},
    )
    assert run.returncode == 2
    assert run.stderr == "typeset: SOURCE_DATE_EPOCH: not a Unix time: 'yesterday'\n"
    assert not (tmp_path / "out").exists()


def test_a_bad_file_alone_is_one_line_and_nothing_written(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    run = typeset("build", str(bad), "-o", "out", *CONFIG, cwd=tmp_path)
    assert run.returncode == 2
    [line] = run.stderr.splitlines()
    assert line.startswith(f"typeset: {bad}: ")
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Two seeds' EPUBs, built once: later builds of them are no-ops."""
    out = tmp_path_factory.mktemp("cli") / "out"
    args = ["build", *map(str, SEEDS[:2]), "-o", str(out), "--format", "epub", *CONFIG]
    assert cli.main(args) == 0
    return out, args


def test_up_to_date_build_off_a_terminal_says_nothing(built, tmp_path: Path):
    out, args = built
    run = typeset(*args, cwd=tmp_path)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def test_verbose_off_a_terminal_gives_a_line_per_issue(built, tmp_path: Path):
    out, args = built
    run = typeset(*args, "-v", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr.splitlines()[:2] == [f"up to date  {seed}" for seed in SEEDS[:2]]
    assert run.stderr.splitlines()[2].startswith("2 issues: 0 built, 2 up to date, 0 failed")


def test_a_terminal_gets_a_progress_bar_lines_and_a_summary(built, tmp_path: Path):
    out, args = built
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "typeset.cli", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=tmp_path,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait() == 0
    text = shown.decode()
    assert "] 0/2 issues" in text and "] 1/2 issues" in text
    for seed in SEEDS[:2]:
        assert f"up to date  {seed}" in text
    assert "2 issues: 0 built, 2 up to date, 0 failed" in text


def test_verbose_build_shows_stage_timings(tmp_path: Path, capsys):
    out = tmp_path / "out"
    args = ["build", str(SEEDS[0]), "-o", str(out), "--edition", "all", "--jobs", "1", "-v"]
    assert cli.main([*args, *CONFIG]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"built       {SEEDS[0]} → pdf, epub, zh-Hant.pdf, zh-Hant.epub")
    stages = [part.rsplit(" ", 1)[0] for part in lines[1].strip().split(" · ")]
    assert stages == ["parse", "transforms", "preflight", "html", "layout", "pdf write", "epub"]
    assert lines[2].startswith("1 issue: 1 built, 0 up to date, 0 failed")


def test_a_file_given_twice_is_built_and_counted_once(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    relative = SEEDS[0].relative_to(ROOT)
    out = tmp_path / "out"
    args = ["build", str(relative), str(SEEDS[0]), "seeds", "-o", str(out), "--format", "epub"]
    assert cli.main([*args, "--jobs", "1", "-v", *CONFIG]) == 0
    lines = capsys.readouterr().err.splitlines()
    built = [line.split(" → ")[0] for line in lines if line.startswith("built ")]
    assert sorted(built) == [f"built       {seed.relative_to(ROOT)}" for seed in SEEDS]
    assert lines[-1].startswith(f"{len(SEEDS)} issues: {len(SEEDS)} built, 0 up to date, 0 failed")


WARN_PER_OUTPUT = """
import logging, sys
import typeset.writers.epub
from typeset.cli import main

real = typeset.writers.epub.write_epub

def write_epub(issue, path, config, **options):
    logging.getLogger("typeset.writers.pdf.html").warning("%s: a library warning", issue.id)
    real(issue, path, config, **options)

typeset.writers.epub.write_epub = write_epub
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_library_warnings_only_with_verbose_once_per_issue(tmp_path: Path, jobs: str):
    """Each issue's two EPUBs log a warning each: none shown by default, one line with -v."""
    args = ["build", *map(str, SEEDS[:2]), "-o", "out", "--format", "epub", "--edition", "all"]
    args += ["--jobs", jobs, *CONFIG]
    for verbose in ([], ["-v"]):
        run = subprocess.run(
            [sys.executable, "-c", WARN_PER_OUTPUT, *args, *verbose, "--force"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert run.returncode == 0, run.stderr
        warned = [line for line in run.stderr.splitlines() if "a library warning" in line]
        expected = [f"typeset: {seed}: {seed.stem}: a library warning" for seed in SEEDS[:2]]
        assert sorted(warned) == (expected if verbose else [])


NO_OP = """
import sys
from typeset.cli import main
status = main(sys.argv[1:])
heavy = (
    "weasyprint",
    "ebooklib",
    "opencc",
    "fontTools",
    "typeset.readers.plaintext",
    "typeset.writers.pdf.render",
)
print(status, sorted(name for name in heavy if name in sys.modules))
"""


def test_an_up_to_date_build_loads_no_stage(built, tmp_path: Path):
    out, args = built
    run = subprocess.run(
        [sys.executable, "-c", NO_OP, *args], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.stdout == "0 []\n", run.stderr


# `typeset.cli.run` with an atexit hook that would show if the interpreter shut down.
RUN = """
import atexit, sys
from typeset import cli
atexit.register(lambda: print("interpreter shutdown"))
sys.argv = ["typeset", *sys.argv[1:]]
cli.run()
"""


@pytest.mark.parametrize("args", [["parse", "missing.txt"], ["check", "seeds"]])
def test_the_command_ends_with_mains_status_and_flushed_output(args: list[str]):
    """`run` skips the interpreter's shutdown (nothing is left to write), yet what `main`
    printed, buffered in a pipe, comes out whole, and the status is main's."""
    ended = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, cwd=ROOT
    )
    returned = subprocess.run(
        [sys.executable, "-c", "import sys; from typeset import cli; sys.exit(cli.main())", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "interpreter shutdown" not in ended.stdout
    assert (ended.returncode, ended.stdout, ended.stderr) == (
        returned.returncode,
        returned.stdout,
        returned.stderr,
    )
    assert ended.stdout or ended.stderr
