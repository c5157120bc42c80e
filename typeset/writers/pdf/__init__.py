"""The print edition: the model set as HTML (`html`), laid out by WeasyPrint with Chinese
justification (`justify`), written as PDF/X-4 (`render`). The editor's proof (`proof`) is the
same layout with the preflight's findings in a margin, a format of its own."""

from __future__ import annotations

from pathlib import Path

from typeset.config import Config
from typeset.model import Issue
from typeset.writers.pdf.render import render_pdf

# The stage names `render_pdf` times → the names a build reports them under.
_STAGES = {"html": "html", "layout": "layout", "write": "pdf write"}


def write(model: Issue, target: Path, config: Config, timings: dict[str, float]) -> None:
    stages: dict[str, float] = {}
    target.write_bytes(render_pdf(model, config, timings=stages))
    for stage, name in _STAGES.items():
        timings[name] = timings.get(name, 0.0) + stages.get(stage, 0.0)
