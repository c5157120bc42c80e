"""Transforms: article model in → article model out, as pure functions.

Full-width punctuation (`punctuation`), the traditional-Chinese conversion (`traditional`)
and printable text (`printable`) change the model's text, never its structure, so writers
stay ignorant of how an edition was made. `edition_model` is the one recipe for the model an
edition prints; the build and the preflight both take their models from it.
"""

from __future__ import annotations

from typeset.config import Config
from typeset.model import Issue


def edition_model(issue: Issue, edition: str, config: Config) -> Issue:
    """The model an edition prints: full-width punctuation, then OpenCC for traditional."""
    from typeset.transforms.punctuation import normalize_issue

    issue, _ = normalize_issue(issue)
    if edition == "traditional":
        from typeset.transforms.traditional import to_traditional

        issue = to_traditional(issue, config.opencc_config, config.phrase_overrides)
    return issue
