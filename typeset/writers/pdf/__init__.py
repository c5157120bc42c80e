"""The print edition: the model set as HTML (`html`), laid out by WeasyPrint with Chinese
justification (`justify`), written as PDF/X-4 (`render`). The editor's proof (`proof`) is the
same layout with the preflight's findings in a margin, a format of its own.

Every module of this package is imported after this one, so WeasyPrint is first imported
here, with its C libraries opened by soname (`libraries`), which saves every process that
lays out a page a few tenths of a second of library search.
"""

from __future__ import annotations

from pathlib import Path

from typeset.config import Config
from typeset.model import Issue
from typeset.writers.pdf.libraries import import_weasyprint

import_weasyprint()  # before the modules below import WeasyPrint

from typeset.writers.pdf.render import render_pdf  # noqa: E402

# The stage names `render_pdf` times → the names a build reports them under.
_STAGES = {"html": "html", "layout": "layout", "write": "pdf write"}


def write(model: Issue, target: Path, config: Config, timings: dict[str, float]) -> None:
    stages: dict[str, float] = {}
    target.write_bytes(render_pdf(model, config, timings=stages))
    for stage, name in _STAGES.items():
        timings[name] = timings.get(name, 0.0) + stages.get(stage, 0.0)
