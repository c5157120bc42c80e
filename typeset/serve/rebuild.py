"""Rebuilds for `typeset serve`: a warm parent, each rebuild after the first in a forked child.

The parent (`Builder`) imports WeasyPrint, opens one `FontConfiguration` and runs the first
rebuild itself, so the fonts are copied and loaded, the templates compiled, the WeasyPrint
patches installed, and the caches of the text layout hold the issue's own text (children
of a parent warmed on a small specimen instead rebuilt seeds 000 and 001 7-10 % slower:
0.85 against 0.79 s, 0.95 against 0.86 s, medians). If the issue cannot be laid out
then, the parent lays out the specimen.
Every later rebuild forks: the child inherits all of that, reads the issue, writes the
browser's preview, lays out and writes the PDF, each file whole
(`typeset.build.files.write_atomically`), and ends with `os._exit`. What a render leaves
behind in WeasyPrint and Pango dies with the child (in one process, seed 000's renders
took it from 127 to 141 MB over twelve, measured), so the parent stays the size it was
after the first rebuild however many follow, and a crash in a rebuild cannot take the
server down.

The child and the parent share the folder WeasyPrint copies the fonts into. A child that
adds a font face (a template edited to declare a new one) removes its copy before it
ends: the parent's Fontconfig does not know the file, and a later child, finding it there,
would take the face for registered and set the text in a fallback font.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from typeset.build.files import write_atomically
from typeset.config import Config
from typeset.errors import InputError
from typeset.findings import tally
from typeset.model import Article, Figure, Heading, Issue, Paragraph
from typeset.serve.web import PDF, PREVIEW, STATUS, browser_html


@dataclass
class Status:
    """What the preview page shows: written by each rebuild, read by the server.

    `html` and `pdf` are the numbers of the rebuilds that wrote the files being served, so
    the page reloads each when it changes; `rebuild` counts every attempt.
    """

    rebuild: int = 0
    state: str = "starting"  # "building", "built" or "failed"
    message: str = ""  # one line: what was built, or why not
    findings: list[str] = field(default_factory=list)  # the preflight's warnings and errors
    html: int = 0
    pdf: int = 0
    seconds: float = 0.0

    def write(self, folder: Path) -> None:
        text = json.dumps(vars(self), ensure_ascii=False)
        write_atomically(folder / STATUS, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    @classmethod
    def read(cls, folder: Path) -> Status:
        return cls(**json.loads((folder / STATUS).read_text(encoding="utf-8")))


# Laid out in the parent when the issue cannot be, so children start with the fonts loaded.
SPECIMEN = Issue(
    "typeset-serve-specimen",
    [
        Article(
            ["排版预览"],
            column="预览",
            kicker="样张",
            byline="本报记者 排版",
            deck="预览进程启动时排一次样张，字体与模板由此载入。",
            blocks=[
                Paragraph("每次重排在子进程中完成，父进程保持不变。", lead="说明"),
                Heading(["小标题"]),
                Figure("图片说明", "摄影"),
            ],
            source="排版",
        )
    ],
)


class Builder:
    """The warm parent of rebuilds of one issue file in one edition, into `folder`."""

    def __init__(self, path: Path, config: Config, edition: str, folder: Path) -> None:
        import typeset.preflight  # noqa: F401  (imported here once, not by every child)
        from typeset.readers import reader_for
        from typeset.writers.pdf import render  # WeasyPrint, its libraries opened by soname

        importlib.import_module(reader_for(path).module)
        self.path, self.config, self.edition, self.folder = path, config, edition, folder
        self.fonts = render.FontConfiguration()
        self.status = Status()
        self.reported = 0  # the last rebuild whose line the watcher printed
        self.child: int | None = None  # the rebuild running, if any

    def rebuild(self) -> Status:
        """Rebuild (the first time here, later in a child process); the status it left."""
        self.status.rebuild += 1
        self.status.state = "building"
        self.status.write(self.folder)
        start = time.perf_counter()
        if self.status.rebuild == 1:
            _rebuild(self, self.status, start)
            if not self.status.pdf:
                self._warm_up()
            return self.status
        # Signals wait until the child has set its own handlers, and the parent knows it.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        pid = os.fork()
        if pid == 0:
            _child(self, start, held)
        self.child = pid
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        _, wait_status = os.waitpid(pid, 0)
        self.child = None
        status = Status.read(self.folder)
        if status.rebuild != self.status.rebuild or status.state == "building":
            # The child died before it could say how its rebuild ended.
            code = os.waitstatus_to_exitcode(wait_status)
            status.state = "failed"
            status.message = f"typeset: {self.path}: rebuild process ended ({code})"
            status.write(self.folder)
        self.status = status
        return status

    def _warm_up(self) -> None:
        """Lay out the specimen, the issue having failed. Only to load what children
        inherit: should the templates fail too, each rebuild says so."""
        from typeset.transforms import edition_model
        from typeset.writers.pdf.render import render_pdf

        specimen = edition_model(SPECIMEN, self.edition, self.config)
        with contextlib.suppress(Exception):
            render_pdf(specimen, self.config, font_config=self.fonts)

    def close(self) -> None:
        """End the rebuild running, if any, and remove the copies of the fonts."""
        from typeset.writers.pdf.render import remove_font_copies

        if self.child is not None:
            os.kill(self.child, signal.SIGKILL)
            os.waitpid(self.child, 0)
            self.child = None
        remove_font_copies(self.fonts)


def _child(builder: Builder, start: float, mask: set[signal.Signals]) -> None:
    """The forked child: rebuild, say how it went, and end without returning."""
    code = 1
    try:
        # Ctrl-C reaches every process of the terminal: stopping is the parent's to do.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        known = _font_copies(builder)
        try:
            _rebuild(builder, builder.status, start)
            code = 0
        finally:
            for copy in _font_copies(builder) - known:
                copy.unlink(missing_ok=True)
    except BaseException:  # the parent's loop must never run in the child
        traceback.print_exc()
    finally:
        os._exit(code)


def _font_copies(builder: Builder) -> set[Path]:
    folder = getattr(builder.fonts, "_folder", None)  # WeasyPrint's; see render.py
    return set(folder.iterdir()) if folder is not None else set()


def _rebuild(builder: Builder, status: Status, start: float) -> None:
    """Read, check and write the preview and the PDF, updating `status` as each is done."""
    from typeset import preflight
    from typeset.readers import read_issue
    from typeset.transforms import edition_model
    from typeset.writers.pdf.html import render_print_html
    from typeset.writers.pdf.render import render_pdf

    config, folder = builder.config, builder.folder
    status.findings, status.seconds = [], 0.0
    try:
        issue = read_issue(builder.path)
        model = edition_model(issue, builder.edition, config)
        found = preflight.check(issue, config, {builder.edition: model})
        status.findings = [
            preflight.format_diagnostic(builder.path, d) for d in found if d.severity != "info"
        ]
        markup = browser_html(render_print_html(model, config), config)
        write_atomically(folder / PREVIEW, lambda tmp: tmp.write_text(markup, encoding="utf-8"))
        status.html = status.rebuild
        status.write(folder)
        pdf = render_pdf(model, config, font_config=builder.fonts)
        write_atomically(folder / PDF, lambda tmp: tmp.write_bytes(pdf))
    except InputError as exc:
        _failed(status, f"typeset: {builder.path}: {exc}", folder)
        return
    except Exception as exc:
        _failed(
            status, f"typeset: {builder.path}: build failed: {type(exc).__name__}: {exc}", folder
        )
        return
    status.pdf = status.rebuild
    status.state = "built"
    status.seconds = round(time.perf_counter() - start, 3)
    counts = tally([d for d in found if d.severity != "info"])
    status.message = f"typeset: {builder.path}: built in {status.seconds:.2f} s"
    status.message += f" ({counts})" if counts else ""
    status.write(folder)


def _failed(status: Status, message: str, folder: Path) -> None:
    status.state, status.message = "failed", message.splitlines()[0]
    status.write(folder)
