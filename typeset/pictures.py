"""Pictures for an issue's figures: the issue files carry none, so an editor supplies them.

One rule for preflight and both writers: a figure's own `image` (a path inside the image
folder), else the first of <image_dir>/<issue id>/<n>.jpg, .png that exists, `n` counting the
issue's figures from 1 in print order. Nothing outside the image folder is ever read, so a
model cannot make a build embed an arbitrary file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from typeset.config import Config
from typeset.model import Figure, Issue

IMAGE_SUFFIXES = (".jpg", ".png")


def figures(issue: Issue) -> Iterator[Figure]:
    """The issue's figures in print order."""
    for article in issue.articles:
        yield from (b for b in article.blocks if isinstance(b, Figure))


def supplied(issue: Issue, config: Config) -> list[Path | None]:
    """The picture for each of the issue's figures, in print order (None: none supplied).
    Writers number figures as they lay them out and take the n-th entry."""
    return [picture(issue, n, figure, config) for n, figure in enumerate(figures(issue), 1)]


def picture(issue: Issue, n: int, figure: Figure, config: Config) -> Path | None:
    """The picture supplied for `figure`, the issue's `n`-th (from 1), or None."""
    if figure.image:
        folder = config.image_dir.resolve()
        path = (folder / figure.image).resolve()
        return path if path.is_relative_to(folder) else None
    for suffix in IMAGE_SUFFIXES:
        path = config.image_dir / issue.id / f"{n}{suffix}"
        if path.is_file():
            return path
    return None
