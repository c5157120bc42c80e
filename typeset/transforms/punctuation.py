"""Full-width punctuation in Chinese text.

Issue files mix ASCII `, : ; ( ) ! ?` with their full-width forms; print (GB/T 15834) wants
the full-width forms wherever the text around them is Chinese, and the ASCII forms left
alone in numbers, times, formulas and Latin runs (`8:30`, `3:2`, `1,000`, `Wi-Fi, 5G`).

A mark counts as Chinese when a character right next to it is "Chinese context": a Han
ideograph, or CJK punctuation, full-width forms, curly quotes, ——, …. A parenthesis pair
converts as a pair, so both marks end up the same width: when its content holds Chinese
context or the character just outside either mark does. Unpaired parentheses are judged
like the other marks. A semicolon, which no number, time or formula uses, also widens
between numbers in Chinese text (`增长78.65%;31家`), unless a Latin word or a space is next
to it. Spaces are never looked through or changed (spacing between Han and Latin is the
typesetter's business).
"""

from __future__ import annotations

import re
from itertools import accumulate

from typeset.cjk import HAN
from typeset.model import Issue

FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}

_CHINESE = re.compile(
    "["
    f"{HAN}"  # Han ideographs
    "\u3000-\u303f"  # CJK symbols and punctuation: 、。《》「」【】 …
    "\ufe10-\ufe1f\ufe30-\ufe4f"  # vertical and compatibility forms
    "\uff01-\uff60\uffe0-\uffe6"  # full-width forms: ，（）：！ …
    "\u2018\u2019\u201c\u201d\u2014\u2026"  # ‘’“” —— …
    "]"
)


def is_chinese_context(char: str) -> bool:
    """Whether a punctuation mark next to `char` belongs to Chinese text."""
    return _CHINESE.fullmatch(char) is not None


def _marks_to_widen(chars: list[str]) -> set[int]:
    """Positions of ASCII marks that sit in Chinese context in `chars` as it stands now."""
    chinese = [is_chinese_context(c) for c in chars]

    def beside(i: int) -> bool:
        return 0 <= i < len(chars) and chinese[i]

    # chinese_before[i] counts Chinese-context characters in chars[:i].
    chinese_before = [0, *accumulate(int(c) for c in chinese)]
    pairs: dict[int, int] = {}
    open_at: list[int] = []
    for i, c in enumerate(chars):
        if c == "(":
            open_at.append(i)
        elif c == ")" and open_at:
            pairs[open_at.pop()] = i
    paired = set(pairs) | set(pairs.values())

    def latin_or_space(i: int) -> bool:
        return 0 <= i < len(chars) and (
            chars[i].isspace() or chars[i].isascii() and chars[i].isalpha()
        )

    in_chinese = chinese_before[-1] > 0
    widen: set[int] = set()
    for start, end in pairs.items():
        content = chinese_before[end] - chinese_before[start + 1]
        if content or beside(start - 1) or beside(end + 1):
            widen |= {start, end}
    for i, c in enumerate(chars):
        in_context = beside(i - 1) or beside(i + 1)
        clause_mark = (
            c == ";" and in_chinese and not latin_or_space(i - 1) and not latin_or_space(i + 1)
        )
        if c in FULL_WIDTH and i not in paired and (in_context or clause_mark):
            widen.add(i)
    return widen


def normalize(text: str) -> tuple[str, int]:
    """`text` with ASCII marks in Chinese context made full width, and how many changed.

    A widened mark is itself Chinese context for its neighbours (`好?!`, `（注）:`), so
    passes repeat until nothing changes; that fixed point is also why a second call is a
    no-op. Every pass only widens, so the loop ends.
    """
    chars = list(text)
    total = 0
    while widen := _marks_to_widen(chars):
        for i in widen:
            chars[i] = FULL_WIDTH[chars[i]]
        total += len(widen)
    return "".join(chars), total


def normalize_issue(issue: Issue) -> tuple[Issue, int]:
    """`issue` with every printed text normalised, and the number of marks changed.

    The count feeds the preflight line "halfwidth-punctuation: N marks normalised".
    """
    total = 0

    def convert(text: str) -> str:
        nonlocal total
        new, count = normalize(text)
        total += count
        return new

    return issue.map_text(convert), total
