"""Marks an editor sets in an issue file to correct the reader: what a mark says wins.

A mark opens a line: `@` and the mark's name, then a space, then the line as printed. Each
name has a Chinese and an English spelling. A mark fixes the role of its line, and the layout
parse reads the rest of the issue around it. Marks never reach the printed text. A line
opening with `@` and a name the reader does not know is text, and `check` says so.

    @栏目 党建动态           column banner              @banner
    @引题 专业培育、精准服务   kicker (the —— may be left out) @kicker
    @标题 …                 a line of the headline       @title
    @提要 …                 deck                         @deck
    @作者 本报记者 皮磊       byline (or signature)        @byline
    @小标题 …               a line of a sub-head         @subhead
    @图说 签约仪式           picture caption              @caption
    @图源 蚂蚁森林基金会      picture credit (parentheses may be left out) @credit
    @转自 掌上衡阳           source ("（转自…）" may be left out) @source
    @注 （作者单位：…）       note                         @note
    @段 …                   a paragraph of its own: the one before is cut, not joined @para
    @接 …                   the rest of the paragraph before, across a break @cont
    @下文 …                 this block belongs to the article whose headline comes next @below

`@下文` may stand before another mark (`@下文 @小标题 …`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Mark names → the role they fix (a role of `typeset.readers.layout.grammar.LABELS`).
ROLE_MARKS = {
    ("栏目", "banner"): "banner",
    ("引题", "kicker"): "title",
    ("标题", "title"): "title",
    ("提要", "deck"): "deck",
    ("作者", "byline"): "byline",
    ("小标题", "subhead"): "subhead",
    ("图说", "caption"): "caption",
    ("图源", "credit"): "credit",
    ("转自", "source"): "source",
    ("注", "note"): "note",
    ("段", "para"): "para",
    ("接", "cont"): "cont",
}
BELOW = ("下文", "below")
KICKER = ("引题", "kicker")
_NAMES = {name: key for key in (*ROLE_MARKS, BELOW) for name in key}
_MARK = re.compile(r"^@([^\s@]{1,12})[ \t\u3000]+(?=\S)")


@dataclass
class Marks:
    """What the marks at a line's start say, and the line without them."""

    text: str
    role: str | None = None
    kicker: bool = False
    below: bool = False
    unknown: list[str] = field(default_factory=list)


def take(line: str) -> Marks:
    """The marks opening `line`."""
    found = Marks(line)
    while match := _MARK.match(found.text):
        key = _NAMES.get(match.group(1))
        if key is None:
            found.unknown.append(match.group(1))
            break
        found.text = found.text[match.end() :]
        if key == BELOW:
            found.below = True
        else:
            found.role, found.kicker = ROLE_MARKS[key], key == KICKER
    return found


def chinese_name(role: str) -> str:
    """The Chinese name of the mark that fixes `role` (the kicker's is `引题`)."""
    return next(key[0] for key, value in ROLE_MARKS.items() if value == role and key != KICKER)
