"""`typeset serve`: a live preview on localhost, rebuilt in forked children of a warm parent.

Each test runs the real command in a subprocess on a copy of an issue file, on a free port,
with its own temporary folder, and talks to it over HTTP on 127.0.0.1 only. Waiting has
deadlines so a broken server fails instead of hanging; nothing here is a speed check
(bench/serve_rebuild.py measures the rebuilds).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

DEADLINE = 120  # seconds: only a broken server takes this long
SMALL = ROOT / "tests" / "data" / "unseen" / "u6_flash.txt"


class Served:
    """A `typeset serve` process on a copy of `issue` in `folder`, and how to talk to it."""

    def __init__(self, issue: Path, folder: Path) -> None:
        self.file = folder / "a.txt"
        shutil.copy(issue, self.file)
        self.tmp = folder / "tmp"  # its TMPDIR: what it leaves behind shows here
        self.tmp.mkdir()
        self.log = folder / "serve.log"
        command = [sys.executable, "-m", "typeset.cli", "serve", str(self.file), "--port", "0"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "TMPDIR": str(self.tmp)},
            )
        found = wait_for(lambda: re.search(r"http://127\.0\.0\.1:\d+/", self.log.read_text()))
        self.url = found.group()

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=DEADLINE) as response:
            return response.read()

    def status(self) -> dict:
        return json.loads(self.get("status.json"))

    def rebuilt(self, after: int) -> dict:
        """The status once a rebuild later than number `after` has ended."""
        return wait_for(
            lambda: (s := self.status())["rebuild"] > after and s["state"] != "building" and s
        )

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=DEADLINE)


def wait_for(found):
    """`found()`'s first true value, asked again until the deadline."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        try:
            value = found()
        except (OSError, json.JSONDecodeError):  # not listening yet, or a file being replaced
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("typeset serve did not get there in time")


@pytest.fixture
def served(tmp_path: Path):
    server = Served(SEEDS[0], tmp_path)
    yield server
    server.stop()


def test_the_preview_follows_the_issue_file_and_shows_its_errors(served: Served, tmp_path):
    first = served.rebuilt(0)
    assert first["state"] == "built" and first["html"] == first["pdf"] == first["rebuild"]
    page = served.get("").decode()
    assert "<iframe" in page and "a.txt" in page
    preview = served.get("templates/print/preview.html").decode()
    assert "file:" not in preview
    # The sheet's screen style comes after the print style sheet, whose rules it overrides.
    assert (
        preview.index('href="print.css"')
        < preview.index("@media screen")
        < preview.index("</head>")
    )
    font = re.search(r'url\("(/fonts/[^"]+)"\)', preview).group(1)
    assert served.get(font.lstrip("/"))[:4] in (b"OTTO", b"\0\1\0\0")

    # The PDF is the one `typeset build` writes, byte for byte.
    out = tmp_path / "out"
    command = [sys.executable, "-m", "typeset.cli", "build", str(served.file), "-o", str(out)]
    subprocess.run([*command, "--format", "pdf"], check=True, cwd=tmp_path, capture_output=True)
    assert served.get("issue.pdf") == (out / "a.pdf").read_bytes()

    text = served.file.read_text(encoding="utf-8")
    word = re.search(r"[\u4e00-\u9fff]{6}", text.split("\n", 8)[-1]).group()
    served.file.write_text(text.replace(word, "预览改动这里", 1), encoding="utf-8")
    edited = served.rebuilt(first["rebuild"])
    assert edited["state"] == "built"
    assert "预览改动这里" in served.get(f"templates/print/preview.html?{edited['html']}").decode()

    served.file.write_text("", encoding="utf-8")
    failed = served.rebuilt(edited["rebuild"])
    assert failed["state"] == "failed"
    assert (
        failed["message"] == f"typeset: {served.file}: the file is empty or holds only whitespace"
    )
    assert failed["html"] == edited["html"]  # the last good preview stays
    assert "预览改动这里" in served.get("templates/print/preview.html").decode()

    served.file.write_text(text, encoding="utf-8")
    assert served.rebuilt(failed["rebuild"])["state"] == "built"
    # The status file is the rebuild's, written before the server prints the rebuild's line.
    wait_for(lambda: len(served.log.read_text().splitlines()) == 5)
    assert served.stop() == 0
    assert list(served.tmp.iterdir()) == []  # its folder and WeasyPrint's copies of the fonts
    log = served.log.read_text().splitlines()
    assert log[0].startswith(f"typeset: serving {served.file} at {served.url}")
    assert len(log) == 5 and "empty" in log[3]  # a line per rebuild


REBUILDS = 15


def test_the_parents_memory_stays_flat_over_many_rebuilds(tmp_path: Path):
    """Rendering in the parent, this issue's process grew from 122 to 140 MB over its first
    ten renders and kept moving after (measured with one FontConfiguration; 302 MB after
    100 with a new one each time); the parent of forked rebuilds does not grow at all
    (bench/serve_rebuild.py counts 100)."""
    served = Served(SMALL, tmp_path)
    try:
        status = served.rebuilt(0)
        sizes = {}
        for _ in range(REBUILDS):
            later = time.time_ns() + 10**9 * (status["rebuild"] + 1)
            os.utime(served.file, ns=(later, later))
            status = served.rebuilt(status["rebuild"])
            assert status["state"] == "built", status["message"]
            sizes[status["rebuild"]] = served.rss_kb()
    finally:
        assert served.stop() == 0
    assert len(sizes) == REBUILDS
    assert sizes[REBUILDS + 1] - sizes[2] < 1024, sizes


def test_a_port_in_use_is_one_line(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "typeset.cli", "serve", str(SEEDS[0]), "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
    assert run.returncode == 2
    assert run.stderr.startswith(f"typeset: cannot listen on 127.0.0.1:{port}: ")
    assert run.stderr.count("\n") == 1


ADDED_FACE = """
@font-face {
  font-family: "Added";
  src: url("{{ fonts_url }}/{{ song_regular }}");
}
body { font-family: "Added"; }
"""


def test_a_face_a_rebuild_adds_is_added_again_by_the_next(tmp_path: Path):
    """A child registers a face the parent never saw, in its own Fontconfig, and copies the
    font into the folder it shares with the parent. It removes the copy before it ends, so
    the next child registers the face again instead of taking it for known (and setting
    the text in a fallback font)."""
    from typeset.config import Config
    from typeset.serve.rebuild import Builder

    templates = tmp_path / "templates"
    shutil.copytree(Config().templates_dir, templates)
    config = Config(templates_dir=templates)
    work = tmp_path / "work"
    work.mkdir()
    builder = Builder(SMALL, config, "simplified", work)
    try:
        assert builder.rebuild().state == "built"  # the first, in the parent
        copies = set(builder.fonts._folder.iterdir())
        setup = templates / "print" / "setup.css.j2"
        setup.write_text(setup.read_text(encoding="utf-8") + ADDED_FACE, encoding="utf-8")
        pdfs = []
        for _ in range(2):
            assert builder.rebuild().state == "built"
            assert set(builder.fonts._folder.iterdir()) == copies
            pdfs.append((work / "issue.pdf").read_bytes())
        assert pdfs[0] == pdfs[1]
    finally:
        builder.close()
    assert not copies.pop().parent.exists()


def test_a_rebuild_finished_as_the_server_stops_still_gets_its_line(tmp_path: Path):
    """Stopped between a rebuild's end and its line on stderr, the server prints the line
    from the status the rebuild left; a rebuild cut off, or one already printed, no line."""
    from typeset.serve import unreported
    from typeset.serve.rebuild import Status

    assert unreported(tmp_path, 0) is None  # no status yet
    Status(rebuild=3, state="built", message="typeset: a.txt: built").write(tmp_path)
    assert unreported(tmp_path, 2) == "typeset: a.txt: built"
    assert unreported(tmp_path, 3) is None
    Status(rebuild=4, state="building").write(tmp_path)
    assert unreported(tmp_path, 3) is None
    Status(rebuild=4, state="failed", message="typeset: a.txt: 1: error").write(tmp_path)
    assert unreported(tmp_path, 3) == "typeset: a.txt: 1: error"
