"""The EPUB 3 edition: one XHTML document per article, subset fonts, a designed cover."""

from __future__ import annotations

import time
from pathlib import Path

from typeset.config import Config
from typeset.model import Issue
from typeset.writers.epub import book


def write(model: Issue, target: Path, config: Config, timings: dict[str, float]) -> None:
    """The traditional edition is set vertically when the settings ask for it."""
    start = time.perf_counter()
    vertical = model.edition == "traditional" and config.vertical_epub
    book.write_epub(model, target, config, vertical=vertical)
    timings["epub"] = timings.get("epub", 0.0) + time.perf_counter() - start
