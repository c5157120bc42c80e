"""The preview's web side: a page that follows the rebuilds, served on localhost.

The page shows the print HTML as the browser lays it out, with the print style sheet and
the bundled fonts, in a frame under a bar that says what the last rebuild did (or the one
line of its error, over the last good preview) and links to the PDF. The browser's HTML is
ready a few milliseconds after an edit, long before WeasyPrint's pages; it keeps its
scroll position when it reloads; and every browser has it, where an embedded PDF viewer
jumps back to page 1 on reload and is missing in some. The browser cannot set the pages,
running heads and column balancing WeasyPrint does: the PDF is the print edition, one
click away, replaced after every rebuild.

The page polls `/status` a few times a second and reloads the frame, or the PDF link, when
the rebuild that wrote it changes. Polling a small local file costs nothing, needs no
long-lived connection, and picks up again by itself when the server restarts.

Only the rebuild's files and the configured templates, fonts, pictures and output profile
are served, to the local machine only: the files WeasyPrint may read (`ProjectFetcher`).
"""

from __future__ import annotations

import html
import os
import posixpath
import signal
import socket
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from typeset.config import Config

# The files of the last rebuilds, in the server's folder (`typeset.serve.rebuild`).
STATUS = "status.json"
PREVIEW = "preview.html"
PDF = "issue.pdf"
PROFILE = "profile.icc"  # the output profile, which the print style sheet declares
POLL_MS = 300
# The preview is served from the print templates' folder, so that its relative URLs
# (print.css) resolve as they do for WeasyPrint, and its own links (#article-3) still work.
PREVIEW_URL = f"/templates/print/{PREVIEW}"


def folders(config: Config) -> dict[str, Path]:
    """The project's folders the preview reads, by the URL path they are served under."""
    return {
        "templates": config.templates_dir,
        "fonts": config.fonts_dir,
        "images": config.image_dir,
    }


def browser_html(markup: str, config: Config) -> str:
    """Print HTML as a browser can load it over HTTP (from `PREVIEW_URL`): the `file:`
    URLs of the templates, fonts and pictures become the server's, and on screen the page
    is a sheet of the trim's width."""
    for name, folder in folders(config).items():
        markup = markup.replace(folder.resolve().as_uri(), f"/{name}")
    markup = markup.replace(config.color_profile.resolve().as_uri(), f"/{PROFILE}")
    screen = (
        "<style>@media screen {"
        " html { background: #e4e4e4 }"
        f" body {{ box-sizing: border-box; width: {config.trim_width_mm:g}mm; margin: 1em auto;"
        " padding: 20mm 16mm; background: #fff; box-shadow: 0 0 6px #999 } }</style>"
    )
    # Last in the head, after the print style sheet, whose rules it overrides on screen.
    return markup.replace("</head>", screen + "</head>", 1)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · typeset serve</title>
<style>
body {{ margin: 0; font: 14px system-ui, sans-serif; display: flex; flex-direction: column;
  height: 100vh }}
#bar {{ padding: 6px 12px; background: #333; color: #eee; display: flex; gap: 1em }}
#bar.failed {{ background: #b4161b; color: #fff }}
#bar a {{ color: inherit; margin-left: auto }}
#findings {{ margin: 0; padding: 4px 12px; max-height: 8em; overflow: auto; background: #fff4d6;
  font: 12px ui-monospace, monospace; white-space: pre-wrap }}
#findings:empty {{ display: none }}
iframe {{ flex: 1; border: 0; width: 100% }}
</style></head>
<body><div id="bar"><span id="message">starting…</span><a id="pdf" href="/{pdf}">PDF</a></div>
<pre id="findings"></pre><iframe id="preview" title="preview"></iframe>
<script>
let html = 0, pdf = 0;
const frame = document.getElementById("preview");
async function poll() {{
  try {{
    const status = await (await fetch("/{status}", {{cache: "no-store"}})).json();
    document.getElementById("bar").className = status.state;
    document.getElementById("message").textContent = status.message || status.state + "…";
    document.getElementById("findings").textContent = status.findings.join("\\n");
    if (status.html !== html && status.html > 0) {{
      const y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      frame.onload = () => frame.contentWindow.scrollTo(0, y);
      frame.src = "{preview}?" + status.html;
      html = status.html;
    }}
    if (status.pdf !== pdf) {{
      document.getElementById("pdf").href = "/{pdf}?" + status.pdf;
      pdf = status.pdf;
    }}
  }} catch (error) {{
    document.getElementById("message").textContent = "typeset serve is not running";
  }}
  setTimeout(poll, {poll});
}}
poll();
</script></body></html>
"""


class Handler(SimpleHTTPRequestHandler):
    """GET and HEAD of the page, the rebuild's files and the project's folders; anything
    else is not found (no directory listings)."""

    def __init__(self, *arguments, work: Path, config: Config, title: str, **options) -> None:
        self.work, self.config, self.title = work, config, title
        super().__init__(*arguments, directory=str(work), **options)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/":
            page = PAGE.format(
                title=html.escape(self.title),
                status=STATUS,
                preview=PREVIEW_URL,
                pdf=PDF,
                poll=POLL_MS,
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return
        super().do_GET()

    def translate_path(self, path: str) -> str:
        """The file for a URL path, or one that does not exist (404)."""
        url = posixpath.normpath(unquote(urlsplit(path).path))
        if url == PREVIEW_URL:
            return str(self.work / PREVIEW)
        parts = url.strip("/").split("/")
        if len(parts) == 1 and parts[0] in (STATUS, PDF):
            return str(self.work / parts[0])
        if parts == [PROFILE]:
            return str(self.config.color_profile)
        root = folders(self.config).get(parts[0])
        if root is None or ".." in parts:
            return str(self.work / "not-found")
        file = root.joinpath(*parts[1:]).resolve()
        return str(file) if file.is_relative_to(root.resolve()) else str(self.work / "not-found")

    def list_directory(self, path: str):
        self.send_error(404)

    def end_headers(self) -> None:
        # The browser asks again every time, and gets 304 Not Modified for an unchanged file.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *arguments) -> None:
        """Quiet: the page asks for the status several times a second."""


def listen(port: int) -> socket.socket:
    """A socket listening on localhost: `port`, or a free one for 0. OSError if taken."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind(("127.0.0.1", port))
        server.listen(16)
    except OSError:
        server.close()
        raise
    return server


def start_server(listening: socket.socket, work: Path, config: Config, title: str) -> int:
    """Fork the process that serves the preview on `listening`; its process id.

    Forked before the parent imports the layout engine, it stays small; it ends when told
    (SIGTERM), ignores Ctrl-C (the parent's to handle), and ends by itself if the parent
    dies.
    """
    parent = os.getpid()
    pid = os.fork()
    if pid:
        listening.close()
        return pid
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        handler = partial(Handler, work=work, config=config, title=title)
        server = _Server(listening, handler, parent)
        server.serve_forever(poll_interval=0.5)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, listening: socket.socket, handler, parent: int) -> None:
        super().__init__(listening.getsockname(), handler, bind_and_activate=False)
        self.socket.close()
        self.socket = listening
        self.parent = parent

    def service_actions(self) -> None:
        if os.getppid() != self.parent:
            os._exit(0)
