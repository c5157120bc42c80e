"""What both writers print that is not the issue's text: the publication's name and the
words the templates themselves print (目录, 转自, 本报记者 …), in the edition's script."""

from __future__ import annotations

from collections.abc import Callable

from typeset.config import Config
from typeset.model import Issue
from typeset.transforms.printable import printable


def words_converter(issue: Issue, config: Config) -> Callable[[str], str]:
    """How the templates' words are converted for the edition `issue` is in: the build hands
    writers an edition's model and nothing else, and the model says which edition it is."""
    if issue.edition != "traditional":
        return str
    from typeset.transforms.traditional import converter

    return converter(config.opencc_config, config.phrase_overrides)


def publication_name(issue: Issue, config: Config, convert: Callable[[str], str]) -> str:
    """The masthead: the configured publication in the edition's script, else the first
    column's name (already in it)."""
    if config.publication:
        return printable(convert(config.publication))
    return next((name for name, _ in issue.columns if name), "")
