"""Units: the pieces of an issue the layout parse labels, one role each.

A reader turns its input into units (`typeset.readers.plaintext` does it for text files):
mostly one printed line each, with the blank lines before it, the marks the file set on it
(`## `, `**`, ■) taken off, and its line number in the file. Two conventions of printed
pages split a line into two units, since each part has a role of its own: a source run into
the last line of an article ("…发展。（转自X）") and nothing else. A caption with its
credit on one line stays one unit; the model splits them (`split_credit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bullets a file keeps as text before a byline or a display line (■ alone is markup).
TEXT_BULLETS = "□◼▪●◆◎"
# A source that closes an article: "(转自X)".
SOURCE = re.compile(r"^[(（]\s*转自\s*([^()（）]+?)\s*[)）]$")
_TRAILING_SOURCE = re.compile(r"^(.*\S)\s*([(（]\s*转自\s*[^()（）]+?\s*[)）])$")
# A picture's credit: its source, who supplied it, who took it (图/…, 摄影：…, …摄), a file
# picture (资料图), or a news agency's "…社发".
CREDIT_BODY = (
    r"(?:图片来源|图源|图片|摄影|图)\s*[:：/／][^()（）]+|[^()（）]+供图|[^()（）]*摄"
    r"|资料图片?|[^()（）\s]{1,12}社发"
)
CREDIT = re.compile(rf"^[(（]\s*({CREDIT_BODY})\s*[)）]$")
_CAPTION_WITH_CREDIT = re.compile(rf"^(.*?\S)\s*[(（]\s*({CREDIT_BODY})\s*[)）]$")


@dataclass
class Unit:
    text: str  # as printed, marks taken off
    line: int  # in the issue file, from 1
    gap: int  # blank lines before it (0 for a unit later on the same line)
    marked: bool = False  # the file marked it as a heading ("## ", or the whole line bold)
    bullet: bool = False  # set after a ■ (a byline's mark, or a bulleted display line)
    lead: str | None = None  # a bold run-in head before the text ("**lead**text")
    same_line: bool = False  # a later part of the line before it
    # An editor's marks (`typeset.readers.marks`): the role fixed, a headline line that is
    # the kicker, and "this block belongs to the article below".
    role: str | None = None
    kicker: bool = False
    below: bool = False


def split_trailing_source(text: str) -> tuple[str, str] | None:
    """("…发展。", "（转自X）") for a line that ends in its article's source, else None."""
    match = _TRAILING_SOURCE.match(text)
    if match is None or SOURCE.match(text) or not balanced(match.group(1)):
        return None
    return match.group(1), match.group(2)


def split_credit(text: str) -> tuple[str, str | None]:
    """A caption and the credit set in parentheses at its end (without them), if any."""
    if match := CREDIT.match(text):
        return "", match.group(1).strip()
    if (match := _CAPTION_WITH_CREDIT.match(text)) and balanced(match.group(1)):
        return match.group(1), match.group(2).strip()
    return text, None


def balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += char in "(（"
        depth -= char in ")）"
        if depth < 0:
            return False
    return depth == 0
