"""The traditional-Chinese edition: OpenCC for the characters, corner brackets for quotes.

OpenCC converts characters and phrases but leaves “” ‘’ alone, while traditional
typesetting quotes with 「」 outside and 『』 inside. It also gets some names wrong
(s2twp turns the magazine 《社区》 into 《社群》), so the project's phrase overrides are
cut out of the text before OpenCC sees it and put back verbatim.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

import opencc

from typeset.model import Issue

# The OpenCC configs an edition may use, with the BCP 47 tag of the text each produces.
LANGUAGE_TAGS = {
    "s2t": "zh-Hant",
    "s2tw": "zh-Hant-TW",
    "s2twp": "zh-Hant-TW",
    "s2hk": "zh-Hant-HK",
}

_PARTNER = {"”": "“", "’": "‘"}
# Corner brackets by nesting depth: even depths 「」, odd depths 『』.
_LEVELS = (("「", "」"), ("『", "』"))


def _check_config(config_name: str) -> None:
    if config_name not in LANGUAGE_TAGS:
        allowed = ", ".join(sorted(LANGUAGE_TAGS))
        raise ValueError(f"unknown OpenCC config {config_name!r}; allowed: {allowed}")


def language_tag(config_name: str) -> str:
    """The `lang` of text converted with `config_name`; it picks the fonts' regional glyphs."""
    _check_config(config_name)
    return LANGUAGE_TAGS[config_name]


@functools.cache
def _opencc(config_name: str) -> opencc.OpenCC:
    """One OpenCC instance per config: building one loads its dictionaries."""
    return opencc.OpenCC(f"{config_name}.json")


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def corner_quotes(text: str) -> str:
    """“” and ‘’ as 「」 and 『』 by nesting depth, whichever kind the source used outside.

    A closing mark closes the nearest open quote of its own kind (quotes left open inside
    it are dropped); one with no such quote open closes at the current depth. A ’ inside
    a Latin word (Xi’an), or after a Latin letter with no ‘ open, is an apostrophe and
    stays.
    """
    out = list(text)
    stack: list[str] = []
    for i, char in enumerate(text):
        if char in ("“", "‘"):
            out[i] = _LEVELS[len(stack) % 2][0]
            stack.append(char)
        elif char in _PARTNER:
            opener = _PARTNER[char]
            after_latin = i > 0 and _is_latin(text[i - 1])
            if (
                char == "’"
                and after_latin
                and (opener not in stack or (i + 1 < len(text) and _is_latin(text[i + 1])))
            ):
                continue
            if opener in stack:
                depth = len(stack) - 1 - stack[::-1].index(opener)
                del stack[depth:]
            else:
                depth = len(stack)
            out[i] = _LEVELS[depth % 2][1]
    return "".join(out)


@functools.lru_cache(maxsize=32)
def _build(config_name: str, overrides: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    cc = _opencc(config_name)
    table = dict(overrides)
    # Longest key first, so at each position the longest override wins.
    keys = sorted(table, key=lambda k: (-len(k), k))
    pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    def convert(text: str) -> str:
        if pattern is None:
            return corner_quotes(cc.convert(text))
        parts: list[str] = []
        position = 0
        for match in pattern.finditer(text):
            parts.append(cc.convert(text[position : match.start()]))
            parts.append(table[match.group()])
            position = match.end()
        parts.append(cc.convert(text[position:]))
        return corner_quotes("".join(parts))

    return convert


def converter(
    config_name: str = "s2tw", overrides: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    """A simplified -> traditional function for issue text and the words templates print.

    `overrides` maps simplified phrases to the traditional text to print instead of
    OpenCC's. Converters are cached by config and overrides, so asking again is free.
    """
    _check_config(config_name)
    items = tuple(sorted((overrides or {}).items()))
    if any(not simplified for simplified, _ in items):
        raise ValueError("a phrase override has an empty simplified side")
    return _build(config_name, items)


def to_traditional(
    issue: Issue, config_name: str = "s2tw", overrides: Mapping[str, str] | None = None
) -> Issue:
    """The traditional edition of `issue`: every printed text converted, language retagged."""
    convert = converter(config_name, overrides)
    return issue.map_text(convert, language=language_tag(config_name), edition="traditional")
