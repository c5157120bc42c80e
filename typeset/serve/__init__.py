"""`typeset serve`: a live preview of one issue, rebuilt whenever its inputs change.

What Typst's watch mode and Vivliostyle's preview give their users: edit the issue file
or a template, and a moment later the browser shows the result. Three kinds of process:

- the parent (`rebuild.Builder`), warm: WeasyPrint, the fonts and the compiled templates
  stay loaded. It runs the first rebuild itself, then polls the inputs' modification times
  and, when one changes, forks a child for the rebuild and waits for it. It is
  single-threaded, so forking it is safe.
- each rebuild's child (`rebuild`): renders and writes the preview, the PDF and the status,
  each file whole, then ends with `os._exit`, taking what the render left in memory with it.
- the web server (`web`), forked before the layout engine is imported: serves the page,
  the rebuild's files and the project's folders on localhost, from its own threads.

They share only a temporary folder, removed with WeasyPrint's copies of the fonts when the
server stops (Ctrl-C or SIGTERM). Watching is by polling: a few dozen `stat` calls every
0.2 s cost nothing measurable and need no dependency; `inotify` would not see a template
folder replaced by a copy, and is not on every system.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from typeset.config import Config

if TYPE_CHECKING:
    from typeset.serve.rebuild import Builder

POLL_SECONDS = 0.2


def inputs(path: Path, config: Config) -> Iterator[Path]:
    """The files a rebuild reads that an editor changes: the issue file, every template,
    and the issue's pictures (`<image_dir>/<issue id>/`)."""
    yield path
    for folder in (config.templates_dir, config.image_dir / path.stem):
        for root, _, names in os.walk(folder):
            for name in sorted(names):
                yield Path(root, name)


def stamp(path: Path, config: Config) -> tuple:
    """What changes when an input is edited, added, removed or replaced."""
    found = []
    for file in inputs(path, config):
        try:
            info = file.stat()
        except OSError:
            found.append((str(file), None))
            continue
        found.append((str(file), info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(found)


def serve(path: Path, config: Config, edition: str, port: int) -> int:
    """Serve the preview of `path` until interrupted; the exit status."""
    from typeset.serve import web

    try:
        listening = web.listen(port)
    except OSError as exc:
        print(
            f"typeset: cannot listen on 127.0.0.1:{port}: {exc.strerror}"
            " (--port N picks another, --port 0 any free one)",
            file=sys.stderr,
        )
        return 2
    url = f"http://127.0.0.1:{listening.getsockname()[1]}/"
    work = Path(tempfile.mkdtemp(prefix="typeset-serve-"))
    server = builder = None
    try:
        server = web.start_server(listening, work, config, path.name)
        signal.signal(signal.SIGTERM, _interrupt)
        from typeset.serve.rebuild import Builder, Status

        # The page is up at once and says "starting" while the parent warms up (a second).
        Status().write(work)
        print(f"typeset: serving {path} at {url} (Ctrl-C stops)", file=sys.stderr, flush=True)
        builder = Builder(path, config, edition, work)
        _watch(builder, path, config)
    except KeyboardInterrupt:
        return 0
    finally:
        if server is not None:
            os.kill(server, signal.SIGTERM)
            os.waitpid(server, 0)
        if builder is not None:
            builder.close()
            if line := unreported(work, builder.reported):
                print(line, file=sys.stderr, flush=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _watch(builder: Builder, path: Path, config: Config) -> None:
    """Rebuild now, then whenever the inputs change (once they stop changing); a line on
    stderr for each rebuild."""
    seen = None
    while True:
        now = stamp(path, config)
        if now == seen:
            time.sleep(POLL_SECONDS)
            continue
        if seen is not None:
            # An editor may write a file in steps: wait until it stops changing.
            time.sleep(POLL_SECONDS / 4)
            if stamp(path, config) != now:
                continue
        seen = now
        status = builder.rebuild()
        print(status.message, file=sys.stderr, flush=True)
        builder.reported = status.rebuild


def unreported(folder: Path, reported: int) -> str | None:
    """The line of a rebuild that finished but was not printed (the server was stopped
    between the two), from the status it left in `folder`."""
    from typeset.serve.rebuild import Status

    try:
        status = Status.read(folder)
    except (OSError, ValueError):
        return None
    finished = status.state in ("built", "failed") and status.rebuild > reported
    return status.message if finished else None


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the server as Ctrl-C does, cleaning up."""
    raise KeyboardInterrupt
