"""`typeset.toml` → `Config`: every key optional, every mistake one line naming file and key.

A production desk edits this file by hand, so a typo must not silently fall back to a
default: unknown keys and bad values are refused before anything is built. Relative paths
resolve against the folder holding the file, so a project builds the same from anywhere.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from typeset.config import CONFIG_FILE, EDITIONS, Config, IssueInfo
from typeset.writers import WRITERS


class ConfigError(Exception):
    """A configuration the build cannot use; `str()` is the one line the CLI prints."""

    def __init__(self, path: Path, key: str | None, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        where = f"{path}: {key}" if key else str(path)
        super().__init__(f"{where}: {problem}")


class _Bad(ValueError):
    """A value's problem, before it is known which file and key it came from."""


def _string(value: Any, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"expected a non-empty string, got {value!r}")
    return value


def _number(minimum: float, strict: bool) -> Callable[[Any, Path], float]:
    def parse(value: Any, base: Path) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Bad(f"expected a number of millimetres, got {value!r}")
        if not math.isfinite(value):
            raise _Bad(f"expected a finite number of millimetres, got {value!r}")
        if value < minimum or (strict and value == minimum):
            bound = "greater than" if strict else "at least"
            raise _Bad(f"must be {bound} {minimum:g}, got {value!r}")
        return float(value)

    return parse


def _path(kind: str, holding: tuple[str, ...] = ()) -> Callable[[Any, Path], Path]:
    """An existing file or folder; a folder must hold the entries named in `holding`."""

    def parse(value: Any, base: Path) -> Path:
        try:
            path = base / Path(_string(value, base)).expanduser()
        except RuntimeError:  # "~name/…" for a user this machine does not know
            raise _Bad(f"cannot expand {value!r}: no such user") from None
        exists = path.is_dir() if kind == "folder" else path.is_file()
        if not exists:
            raise _Bad(f"no such {kind}: {path}")
        missing = [name for name in holding if not (path / name).exists()]
        if missing:
            raise _Bad(f"{path} lacks {', '.join(missing)}")
        return path

    return parse


def _opencc(value: Any, base: Path) -> str:
    # Imported here: the tags live with the converter, and most builds never name one.
    from typeset.transforms.traditional import LANGUAGE_TAGS

    if not isinstance(value, str) or value not in LANGUAGE_TAGS:
        raise _Bad(f"unknown OpenCC config {value!r}; choose from {', '.join(LANGUAGE_TAGS)}")
    return value


def _phrases(value: Any, base: Path) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Bad(f"expected a table of simplified = traditional phrases, got {value!r}")
    for simplified, traditional in value.items():
        if not simplified or not isinstance(traditional, str) or not traditional:
            raise _Bad(f"phrase {simplified!r} needs a non-empty traditional string")
    return dict(value)


def _choices(allowed: Mapping[str, Any], everything: str | None) -> Callable[[Any, Path], tuple]:
    """A list of names from `allowed`'s keys (or one name, or `everything` meaning all of
    them); the table is read when a file is, so a format registered later counts."""

    def parse(value: Any, base: Path) -> tuple[str, ...]:
        if value == everything:
            return tuple(allowed)
        names = [value] if isinstance(value, str) else value
        if (
            not isinstance(names, list)
            or not names
            or any(not isinstance(n, str) or n not in allowed for n in names)
        ):
            extra = f' or "{everything}"' if everything else ""
            raise _Bad(f"expected a list of {', '.join(allowed)}{extra}, got {value!r}")
        return tuple(dict.fromkeys(names))

    return parse


def _boolean(value: Any, base: Path) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"expected true or false, got {value!r}")
    return value


def _issues(value: Any, base: Path) -> dict[str, IssueInfo]:
    """`[issues.<issue file stem>]` tables with an optional `number` and `date`."""
    if not isinstance(value, dict):
        raise _Bad(f"expected tables [issues.<issue file stem>], got {value!r}")
    issues = {}
    for issue_id, info in value.items():
        if not isinstance(info, dict):
            raise _Bad(f"{issue_id}: expected a table with number and date, got {info!r}")
        unknown = sorted(set(info) - {"number", "date"})
        if unknown:
            raise _Bad(f"{issue_id}: unknown key {unknown[0]!r} (an issue has number and date)")
        number, when = info.get("number"), info.get("date")
        if number is not None:
            _string(number, base)
        if when is not None and (not isinstance(when, date) or isinstance(when, datetime)):
            raise _Bad(f"{issue_id}: date must be a TOML date like 2025-11-21, got {when!r}")
        issues[issue_id] = IssueInfo(number, when)
    return issues


# Key in typeset.toml (the Config field of the same name) → how its value is read.
KEYS: dict[str, Callable[[Any, Path], Any]] = {
    "publication": _string,
    "trim_width_mm": _number(0, strict=True),
    "trim_height_mm": _number(0, strict=True),
    "bleed_mm": _number(0, strict=False),
    # The fonts' manifest.json (written by scripts/build-fonts) says what each face covers.
    "fonts_dir": _path("folder", ("manifest.json",)),
    "templates_dir": _path("folder", ("print", "epub")),
    "image_dir": _path("folder"),
    "color_profile": _path("file"),
    "opencc_config": _opencc,
    "phrase_overrides": _phrases,
    "editions": _choices(EDITIONS, "all"),
    "formats": _choices(WRITERS, None),
    "vertical_epub": _boolean,
    "issues": _issues,
}


def config_from_table(table: dict[str, Any], path: Path) -> Config:
    """The Config a parsed `typeset.toml` at `path` describes, defaults for missing keys."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(path, key, f"unknown key{hint}")
        try:
            values[key] = KEYS[key](value, path.resolve().parent)
        except _Bad as exc:
            raise ConfigError(path, key, str(exc)) from None
    return replace(Config(), **values)


def load_config(path: Path) -> Config:
    """Read and check one configuration file."""
    try:
        with path.open("rb") as stream:
            table = tomllib.load(stream)
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not valid TOML: not UTF-8 text") from None
    return config_from_table(table, path)


def find_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Config:
    """The project's settings: `explicit` if given, else ./typeset.toml if any, else defaults."""
    if explicit is not None:
        return load_config(Path(explicit))
    candidate = cwd / CONFIG_FILE if cwd else Path(CONFIG_FILE)
    return load_config(candidate) if candidate.is_file() else Config()
