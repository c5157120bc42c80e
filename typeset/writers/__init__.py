"""Writers: an edition's article model in → an output file (PDF, EPUB) out.

Writers never parse issue text: everything they print comes from the model and the templates
in `templates/`. `WRITERS` names one per format: a new format is one module (or package)
here with a `write(model, target, config, timings)` function, and one line in the table; the
command line's `--format`, the settings' `formats`, the manifest and the progress lines all
read the table. A writer's module is imported only when an output of its format is written,
so deciding that outputs are up to date imports no layout engine.

The proof is a format too, for the editor rather than the press: its writer also takes the
preflight's findings (`Writer.proof`), and the build writes it even for an issue whose
errors keep the press outputs back, since that is when an editor needs to see them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typeset.config import Config
    from typeset.model import Diagnostic, Issue


@dataclass(frozen=True)
class Writer:
    """One output format: the module that writes it, the stages its `write` times (in
    pipeline order), the settings that shape only some editions' output of it (setting name →
    those editions), so other outputs do not rebuild for them, the end of its files' names
    (".<format>" unless given), and whether it is a proof, whose `write` takes the findings."""

    format: str
    module: str
    stages: tuple[str, ...]
    edition_settings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    suffix: str = ""
    proof: bool = False

    @property
    def extension(self) -> str:
        return self.suffix or f".{self.format}"

    def write(
        self,
        model: Issue,
        target: Path,
        config: Config,
        timings: dict[str, float],
        findings: list[Diagnostic],
    ) -> None:
        """Write `model` (one edition's) to `target`; `timings` gains seconds per stage.
        `findings` are the issue's preflight report, which only a proof prints."""
        module = importlib.import_module(self.module)
        if self.proof:
            module.write(model, target, config, timings, findings)
        else:
            module.write(model, target, config, timings)


WRITERS: dict[str, Writer] = {
    "pdf": Writer("pdf", "typeset.writers.pdf", ("html", "layout", "pdf write")),
    "epub": Writer("epub", "typeset.writers.epub", ("epub",), {"vertical_epub": ("traditional",)}),
    "proof": Writer(
        "proof", "typeset.writers.pdf.proof", ("proof",), suffix=".proof.pdf", proof=True
    ),
}
