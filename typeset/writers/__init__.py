"""Writers: an edition's article model in → an output file (PDF, EPUB) out.

Writers never parse issue text: everything they print comes from the model and the templates
in `templates/`. `WRITERS` names one per format: a new format is one module (or package)
here with a `write(model, target, config, timings)` function, and one line in the table; the
command line's `--format`, the settings' `formats`, the manifest and the progress lines all
read the table. A writer's module is imported only when an output of its format is written,
so deciding that outputs are up to date imports no layout engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typeset.config import Config
    from typeset.model import Issue


@dataclass(frozen=True)
class Writer:
    """One output format: its file extension, the module that writes it, the stages its
    `write` times (in pipeline order), and the settings that shape only some editions'
    output of it (setting name → those editions), so other outputs do not rebuild for them."""

    format: str
    module: str
    stages: tuple[str, ...]
    edition_settings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def write(self, model: Issue, target: Path, config: Config, timings: dict[str, float]) -> None:
        """Write `model` (one edition's) to `target`; `timings` gains seconds per stage."""
        importlib.import_module(self.module).write(model, target, config, timings)


WRITERS: dict[str, Writer] = {
    "pdf": Writer("pdf", "typeset.writers.pdf", ("html", "layout", "pdf write")),
    "epub": Writer("epub", "typeset.writers.epub", ("epub",), {"vertical_epub": ("traditional",)}),
}
