"""Build settings. Every field has a default; `typeset.toml` and the command line override them.

`Config` is the one settings object every stage receives. `typeset.config_file` reads it from
a `typeset.toml`; the defaults here are the project's own folders, so a build with no
configuration file is the same as a build with the shipped, all-default `typeset.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "typeset.toml"

# Edition name → suffix between the issue's stem and the format's extension.
EDITIONS = {"simplified": "", "traditional": ".zh-Hant"}


@dataclass(frozen=True)
class IssueInfo:
    """What an issue file does not say about its issue: given per issue in `typeset.toml`."""

    # As the masthead prints it, e.g. "第 12 期（总第 345 期）".
    number: str | None = None
    # Printed in the masthead; the date of the PDF and EPUB unless SOURCE_DATE_EPOCH is set.
    date: date | None = None

    @property
    def label(self) -> str:
        """Number and date as a masthead prints them ("第 12 期 2025年11月21日"), or ""."""
        when = f"{self.date.year}年{self.date.month}月{self.date.day}日" if self.date else None
        return " ".join(part for part in (self.number, when) if part)


@dataclass(frozen=True)
class Config:
    # Masthead name; None means the first column's name.
    publication: str | None = None
    trim_width_mm: float = 185.0
    trim_height_mm: float = 260.0
    bleed_mm: float = 3.0
    templates_dir: Path = PROJECT_ROOT / "templates"
    fonts_dir: Path = PROJECT_ROOT / "fonts"
    # Pictures for figures: <image_dir>/<issue id>/<n>.{jpg,png}, n counting figures from 1.
    image_dir: Path = PROJECT_ROOT / "images"
    # ICC profile declared as the PDF/X OutputIntent (printers usually supply their own).
    color_profile: Path = PROJECT_ROOT / "profiles" / "sRGB.icc"
    opencc_config: str = "s2tw"
    phrase_overrides: dict[str, str] = field(default_factory=dict)
    editions: tuple[str, ...] = ("simplified",)
    # Set the traditional edition's EPUB vertically (直排), right to left.
    vertical_epub: bool = False
    formats: tuple[str, ...] = ("pdf", "epub")
    # Issue id (the issue file's stem) → its number and date.
    issues: dict[str, IssueInfo] = field(default_factory=dict)

    def issue_info(self, issue_id: str) -> IssueInfo:
        return self.issues.get(issue_id, IssueInfo())
