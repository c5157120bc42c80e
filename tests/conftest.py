"""Shared fixtures: the seed issue files and the hand-made ideal parses beside the repo."""

from __future__ import annotations

import importlib.util
import os
import re
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
