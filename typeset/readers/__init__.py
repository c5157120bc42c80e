"""Readers: an issue file in → the article model (`typeset.model.Issue`) out.

A reader knows the layout of its input and nothing of HTML, PDF or EPUB; every later stage
sees only the model it returns. `READERS` names one per file suffix: a new kind of issue
file is one module here, with a `read(data, issue_id, source_path)` function, and one line
in the table. A module is imported only when a file of its kind is read.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from typeset.errors import InputError
from typeset.model import Issue


@dataclass(frozen=True)
class Reader:
    """One kind of issue file: its suffix and the module that reads its bytes."""

    suffix: str
    module: str

    def read(self, data: bytes, issue_id: str, source_path: str) -> Issue:
        return importlib.import_module(self.module).read(data, issue_id, source_path)


READERS: dict[str, Reader] = {
    ".txt": Reader(".txt", "typeset.readers.plaintext"),
}
# A file named on the command line with a suffix no reader claims is read as plain text.
DEFAULT_SUFFIX = ".txt"


def reader_for(path: Path) -> Reader:
    return READERS.get(path.suffix.lower(), READERS[DEFAULT_SUFFIX])


def issue_files(folder: Path) -> list[Path]:
    """The files in `folder` some reader claims, in name order."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in READERS and not p.name.startswith(".") and p.is_file()
    )


def read_issue(path: str | Path) -> Issue:
    """Read one issue file; InputError with a plain reason when it can't be."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("no such file") from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not an issue file") from exc
    except OSError as exc:
        raise InputError(exc.strerror or "cannot be read") from exc
    return reader_for(path).read(data, path.stem, str(path))
