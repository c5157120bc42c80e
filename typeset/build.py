"""Issue file → editions on disk: reader, transforms, writers.

Each output is written to a temporary file beside its target and renamed into place, so a
failed or interrupted build leaves the previous output or nothing, never half a file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from typeset.config import Config
from typeset.model import Issue
from typeset.punctuation import normalize_issue
from typeset.traditional import to_traditional

# Edition name → suffix between the issue's stem and the format's extension.
EDITIONS = {"simplified": "", "traditional": ".zh-Hant"}
FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Output:
    edition: str
    format: str
    path: Path


def edition_model(issue: Issue, edition: str, config: Config) -> Issue:
    """The model an edition prints: full-width punctuation, then OpenCC for traditional."""
    issue, _ = normalize_issue(issue)
    if edition == "traditional":
        issue = to_traditional(issue, config.opencc_config, config.phrase_overrides)
    return issue


def planned_outputs(
    issue_id: str, out_dir: Path, formats: tuple[str, ...], editions: tuple[str, ...]
) -> list[Output]:
    return [
        Output(edition, fmt, out_dir / f"{issue_id}{EDITIONS[edition]}.{fmt}")
        for edition in editions
        for fmt in formats
    ]


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary path in the target's folder, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_output(model: Issue, output: Output, config: Config) -> None:
    if output.format == "pdf":
        from typeset.pdf import write_pdf

        write_atomically(output.path, lambda tmp: write_pdf(model, tmp, config))
    elif output.format == "epub":
        from typeset.epub import write_epub

        vertical = output.edition == "traditional" and config.vertical_epub
        write_atomically(output.path, lambda tmp: write_epub(model, tmp, config, vertical=vertical))
    else:
        raise ValueError(f"unknown format {output.format!r}")


def build_issue(issue: Issue, outputs: list[Output], config: Config) -> None:
    models: dict[str, Issue] = {}
    for output in outputs:
        if output.edition not in models:
            models[output.edition] = edition_model(issue, output.edition, config)
        write_output(models[output.edition], output, config)
