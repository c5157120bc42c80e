"""Evidence about each unit, as named features the decoder weighs.

A feature never decides a role; it only says what the unit looks like: how long it is, what
it ends and starts with, how many clause separators it has, the marks the file set, the blank
lines around it against the file's usual gap, the shapes of its neighbours, and the shape it
shares with the other display lines of its stretch of the issue (sub-heads come in series).
The decoder's weights (`weights.json`, fitted on simulated issues) say how much each is
worth for each role. Words appear only as the closed vocabulary of page furniture: role words
of bylines (记者, 通讯员), credit words (供图, 摄), 转自, 编者按, 作者系.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

from typeset.cjk import CLOSING, NO_LINE_START, OPENING, SENTENCE_END
from typeset.readers.layout.units import CREDIT, CREDIT_BODY, SOURCE, Unit, balanced

_CLOSERS = CLOSING + "\"'"
_SEPARATORS = "，,、；;"
_LENGTHS = (2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 50, 64, 80, 120, 160)
_NAMES = r"[\w·]{2,4}(?:[\s\u3000、]+[\w·]{2,4})*"
# A byline's role words, perhaps after the publication's name: 本报记者, 湘江早报全媒体记者,
# 特约记者, 通讯员; or the credit of a contributed piece: 文/, 文/图, 图/文.
_ROLE_WORD = re.compile(
    r"^(?:[^\s，。、；：“”(（]{0,12}?(?:记者|通讯员|评论员|撰稿人|编辑|实习生)"
    r"|[文图]\s*[/／]\s*[文图]?|(?:文字|摄影|撰文)\s*[/／:：])"
)
_NAMES_ONLY = re.compile(rf"^{_NAMES}$")
_MARKS = re.compile(r"^[□◼▪●◆◎]\s*")
_ROLE_AND_NAMES = re.compile(
    rf"^(?:[^\s，。、；：“”(（]{{0,12}}?(?:记者|通讯员|实习生)[\s\u3000]*{_NAMES}[\s\u3000]*)+$"
)
_STAFF = re.compile(r"^(?:本报|本刊|特约)?(?:评论员|评论部|编辑部)$")
_BARE_CREDIT = re.compile(
    rf"^(?:[^\s，。、；：]{{0,12}}?(?:记者|通讯员)[\s\u3000]*)?{_NAMES}\s*[/／]?\s*摄影?$"
)
_CAPTION_CREDIT = re.compile(rf"[(（]\s*(?:{CREDIT_BODY})\s*[)）]$")
_AUTHOR_NOTE = re.compile(r"^[(（]?\s*(?:本文)?作者(?:系|为|均为|均系|单位|简介)")
_CLOSING_NOTE = re.compile(r"^[(（]\s*(?:来源|稿源|责任编辑|责编)")
_EDITORS_NOTE = re.compile(r"^[【\[]?(?:编者按|编者的话|编前语|编者附言)")
_DATELINE = re.compile(
    rf"^[^\s，,。、；;：:“”(（]{{0,24}}?[讯电]\s*[(（]\s*(?:[^()（）]{{0,12}}?(?:记者|通讯员)"
    rf"[\s\u3000]*{_NAMES}[\s\u3000]*)+[)）]"
)
_NUMBERED = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]{1,3})、|[(（](?P<paren>[一二三四五六七八九十]{1,3})[)）]"
    r"|(?P<arabic>\d{1,2})[.、．](?!\d)|第(?P<ordinal>[一二三四五六七八九十]{1,3})[，,、：:])"
)
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_BANNER_CHARS = re.compile(r"^[\w\s·]+$")
# A date alone on its line: a notice's date under its signature, never a banner or headline.
_DATE_ONLY = re.compile(
    r"^[\d〇零一二三四五六七八九]{4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月"
    r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?$"
)
_SPACE_BETWEEN = re.compile(r"[^\x00-\x7f][\s\u3000]+[^\x00-\x7f]")
_LEAD_IN = re.compile(r"^[^：:，,。]{2,14}[：:]")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LATIN = re.compile(r"[A-Za-z]")
# Names of brief-news columns (简讯): under them each display line heads a short item.
_BRIEFS = ("简讯", "快讯", "短讯", "速递", "速览", "集锦", "简报", "扫描", "传真")
# Function words a phrase does not end with (a headline never does): a line ending in one
# was cut mid-sentence. Particles a sentence does not start with: a line starting with one
# continues another.
_NOT_LAST = frozenset("的与和及或在对把被为将以从向并而让使给跟同由于之")
_NOT_FIRST = frozenset("的了着过们地得么吗呢吧之于")
# Display lines longer than this have no sibling search (no sub-head runs this long).
_DISPLAY = 40


def ended(text: str) -> bool:
    """Whether `text` ends a sentence: 。！？…；： perhaps followed by closing marks, or
    speech broken off by a dash and closed by its quote (——”)."""
    stripped = text.rstrip(_CLOSERS)
    if stripped.endswith("——") and len(stripped) < len(text):
        return True
    return bool(stripped) and stripped[-1] in SENTENCE_END


def opens_with_closing(text: str) -> bool:
    """No printed line opens with closing punctuation (避头点), but a paragraph may open
    with an ellipsis or a bullet's middle dot."""
    return text[:1] in NO_LINE_START and text[:1] not in "….·"


def number(text: str) -> tuple[str, int] | None:
    """A sub-head's numbering style and number: 一、 (cn), （一） (paren), 1. (arabic), 第一，
    (ordinal)."""
    match = _NUMBERED.match(text)
    if match is None:
        return None
    style = match.lastgroup
    digits = match.group(style)
    if style == "arabic":
        return style, int(digits)
    if len(digits) == 1:
        return style, _CN_DIGITS[digits]
    tens, _, units = digits.partition("十")
    return style, _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(units, 0)


def _length(text: str) -> str:
    n = len(text)
    return str(next((limit for limit in _LENGTHS if n <= limit), "more"))


def _end(text: str) -> str:
    last = text[-1]
    if text.endswith("——"):
        return "dash"
    if last in _CLOSERS:
        return "close-ended" if ended(text) else "close"
    if last in "。":
        return "stop"
    if last in "！？!?":
        return "exclaim"
    if last in "…":
        return "ellipsis"
    if last in "；;":
        return "semicolon"
    if last in "：:":
        return "colon"
    if last in "，,":
        return "comma"
    if last in "、":
        return "enum"
    if last.isdigit():
        return "digit"
    if last.isascii() and last.isalpha():
        return "latin"
    return "char"


def _start(text: str) -> str:
    first = text[0]
    if text.startswith("——"):
        return "dash"
    if opens_with_closing(text):
        return "closing"
    if first in OPENING:
        return "open"
    if first.isdigit():
        return "digit"
    if first.isascii() and first.isalpha():
        return "latin"
    return "char"


def shape(unit: Unit) -> list[str]:
    """What the unit looks like on its own; a bullet the file kept as text (● ◆ □) is looked
    past, as ■ is taken off."""
    text = _MARKS.sub("", unit.text) or unit.text
    found = [
        "len:" + _length(text),
        "end:" + _end(text),
        "start:" + _start(text),
        "sep:" + str(min(sum(text.count(c) for c in _SEPARATORS), 4)),
        "ended" if ended(text) else "open",
    ]
    if "。" in text.rstrip(_CLOSERS)[:-1]:
        found.append("stop-inside")
    if any(c in text[:-1] for c in "：:"):
        found.append("colon-inside")
    if _LEAD_IN.match(text):
        found.append("lead-in")
    if _SPACE_BETWEEN.search(text):
        found.append("space-inside")
    if "——" in text[1:-2]:
        found.append("dash-inside")
    if text.startswith("——") and len(text) > 2:
        found.append("subtitle")
    if unit.marked:
        found.append("marked")
    if unit.bullet:
        found.append("bullet")
    if unit.lead:
        found.append("run-in")
    if unit.same_line:
        found.append("same-line")
    if (numbered := number(text)) is not None:
        found += ["numbered", "numbered:" + numbered[0]]
    if SOURCE.match(text):
        found.append("source")
    elif CREDIT.match(text):
        found.append("credit")
    elif text[0] in "(（" and text[-1] in ")）" and balanced(text):
        found.append("parenthesised")
    if _CAPTION_CREDIT.search(text) and not CREDIT.match(text):
        found.append("ends-in-credit")
    if _BARE_CREDIT.match(text):
        found.append("bare-credit")
    if _ROLE_WORD.match(text):
        found.append("role-word")
    if _ROLE_AND_NAMES.match(text):
        found.append("role-and-names")
    if _NAMES_ONLY.match(text):
        found.append("names-only")
    if _STAFF.match(text):
        found.append("staff")
    if _AUTHOR_NOTE.match(text):
        found.append("author-note")
    if _CLOSING_NOTE.match(text):
        found.append("closing-note")
    if _EDITORS_NOTE.match(text):
        found.append("editors-note")
    if _DATELINE.match(text):
        found.append("dateline")
    if _DATE_ONLY.match(text):
        found.append("date-only")
    elif len(text) <= 16 and _BANNER_CHARS.match(text):
        found.append("banner-chars")
    if text[-1] in _NOT_LAST:
        found.append("ends-in-function-word")
    if text[0] in _NOT_FIRST:
        found.append("starts-with-particle")
    if _HAS_DIGIT.search(text):
        found.append("digits")
    if _HAS_LATIN.search(text):
        found.append("latin")
    return found


# Of a neighbour, what a unit's role depends on.
_NEIGHBOUR = frozenset(
    {
        "ended", "open", "marked", "bullet", "numbered", "source", "credit", "parenthesised",
        "role-word", "role-and-names", "names-only", "staff", "bare-credit", "ends-in-credit",
        "author-note", "closing-note", "editors-note", "subtitle", "banner-chars", "run-in",
        "start:closing", "end:dash", "end:comma", "end:colon", "dateline", "start:digit",
        "start:latin", "end:digit", "end:latin", "ends-in-function-word", "starts-with-particle",
    }
)  # fmt: skip


# Of a line set right under a unit (no blank line between), what makes them one block.
_UNDER = frozenset({"credit", "bare-credit", "subtitle", "marked", "numbered", "end:dash"})


def _coarse(text: str) -> str:
    n = len(text)
    return "short" if n <= 16 else "display" if n <= 40 else "line" if n <= 80 else "long"


def features(units: Sequence[Unit]) -> list[list[str]]:
    """Every unit's features: its own shape, its gaps, its neighbours', its series."""
    shapes = [shape(u) for u in units]
    usual = _usual_gap(units)
    series = _Series(units)
    banners = _banner_context(units)
    skips = series.before_skip()
    found = []
    for i, unit in enumerate(units):
        own = list(shapes[i])
        own.append("gap:" + _gap(unit.gap, usual))
        after = units[i + 1] if i + 1 < len(units) else None
        gap_after = _gap(after.gap, usual) if after else "end"
        own.append("gap-after:" + gap_after)
        own.append(f"{_coarse(unit.text)}&{shapes[i][1]}")
        if "banner-chars" in shapes[i]:
            own.append(f"banner-chars&gap-after:{gap_after}")
        if i == 0:
            own.append("first")
        if after is None:
            own.append("last")
        if after is not None and after.gap == 0:
            own += [f"n0:{f}" for f in shapes[i + 1] if f in _UNDER]
        for name, k in (("p", i - 1), ("n", i + 1), ("nn", i + 2)):
            if 0 <= k < len(units):
                own += [f"{name}:{f}" for f in shapes[k] if f in _NEIGHBOUR]
                own.append(f"{name}:{_coarse(units[k].text)}")
            else:
                own.append(f"{name}:none")
        if (count := series.siblings(i)) is not None:
            lines = len(series.lines[series.block[i]])
            own += [f"siblings:{count}", f"siblings:{count}&lines:{lines}"]
        if len(unit.text) <= _DISPLAY and (numbered := number(unit.text)) is not None:
            own.append(series.numbering(i, numbered))
        if skips[i]:
            own.append("number-skips-ahead")
        if unit.text in banners.earlier[i]:
            own.append("repeats-banner")
        if banners.briefs[i]:
            own.append("in-briefs")
        found.append(own)
    return found


def _usual_gap(units: Sequence[Unit]) -> int:
    """The file's commonest gap between blocks: a file that separates every block with two
    blank lines reads like one that uses one."""
    gaps = Counter(u.gap for u in units[1:] if u.gap)
    return max(gaps, key=lambda g: (gaps[g], -g)) if gaps else 1


def _gap(gap: int, usual: int) -> str:
    return "0" if gap == 0 else "usual" if gap <= usual else "more"


def _block_shape(texts: list[str]) -> tuple:
    """What a series of sub-heads shares: how many lines, numbering, how phrases are joined,
    and whether it ends a sentence."""
    numbered = number(texts[0])
    return (
        len(texts),
        numbered[0] if numbered else None,
        any(" " in t or "\u3000" in t for t in texts),
        any(c in t for t in texts for c in "，,、"),
        any(c in t for t in texts for c in "：:"),
        ended(texts[-1]),
    )


class _Series:
    """Display blocks' siblings: other blocks of short lines (lines set under each other) of
    the same shape whose longest lines differ by at most half, in the same stretch of the
    issue (between source lines and bylines). Indexed by stretch, shape and length, so each
    question is a few dictionary lookups and the whole issue stays linear."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self.block: list[int] = []  # index of the first unit of each unit's block
        for k, unit in enumerate(units):
            joined = k > 0 and unit.gap == 0 and not unit.same_line
            self.block.append(self.block[k - 1] if joined else k)
        self.lines: dict[int, list[str]] = {}
        for k, unit in enumerate(units):
            self.lines.setdefault(self.block[k], []).append(unit.text)
        self.stretch: list[int] = []
        stretch = 0
        for unit in units:
            if SOURCE.match(unit.text) or unit.bullet or unit.same_line:
                stretch += 1
            self.stretch.append(stretch)
        self.by_shape: dict[tuple, list[int]] = {}
        self.numbers: dict[int, list[tuple[int, str, int]]] = {}
        for first, texts in self.lines.items():
            if self._display(texts):
                longest = max(map(len, texts))
                key = (self.stretch[first], _block_shape(texts), longest)
                self.by_shape.setdefault(key, []).append(first)
            if (numbered := number(texts[0])) is not None and len(texts[0]) <= _DISPLAY:
                self.numbers.setdefault(self.stretch[first], []).append((first, *numbered))

    @staticmethod
    def _display(texts: list[str]) -> bool:
        return len(texts) <= 3 and all(len(t) <= _DISPLAY for t in texts)

    def siblings(self, i: int) -> str | None:
        """How many other blocks share the shape of unit i's block: "0", "1", "2+"; None
        for a block that is no display block."""
        first = self.block[i]
        texts = self.lines[first]
        if not self._display(texts) or SOURCE.match(texts[0]):
            return None
        length = max(map(len, texts))
        shape, stretch = _block_shape(texts), self.stretch[first]
        count = 0
        for other in range(max(1, length * 2 // 3), length * 3 // 2 + 1):
            if max(length, other) <= 1.5 * min(length, other):
                found = self.by_shape.get((stretch, shape, other), ())
                count += len(found) - (first in found)
                if count >= 2:
                    return "2+"
        return str(count)

    def before_skip(self) -> list[bool]:
        """Whether a unit lies between two numbered lines of one style whose numbers skip
        (二 → 四): text was lost somewhere there."""
        marks = [False] * len(self.units)
        for numbered in self.numbers.values():
            for (a, style_a, n_a), (b, style_b, n_b) in itertools.pairwise(numbered):
                if style_a == style_b and n_b > n_a + 1:
                    marks[a + 1 : b] = [True] * (b - a - 1)
        return marks

    def numbering(self, i: int, numbered: tuple[str, int]) -> str:
        """How a numbered line fits the numbered lines of its style before it."""
        style, value = numbered
        before = [n for k, s, n in self.numbers.get(self.stretch[i], []) if k < i and s == style]
        if not before:
            return "number:first" if value == 1 else "number:alone"
        return "number:next" if value == before[-1] + 1 else "number:skip"


class _BannerContext:
    def __init__(self, earlier: list[frozenset[str]], briefs: list[bool]) -> None:
        self.earlier = earlier
        self.briefs = briefs


def _banner_context(units: Sequence[Unit]) -> _BannerContext:
    """For each unit, the banner-like lines before it (short, unpunctuated, standing alone,
    not a byline: no ■, no role word), and whether the last of them names a brief-news
    column."""
    seen: frozenset[str] = frozenset()
    last: str | None = None
    earlier: list[frozenset[str]] = []
    briefs: list[bool] = []
    for k, unit in enumerate(units):
        earlier.append(seen)
        briefs.append(bool(last) and last.endswith(_BRIEFS))
        after = units[k + 1] if k + 1 < len(units) else None
        alone = (after is None or after.gap > 0) and (k == 0 or unit.gap > 0)
        byline_like = unit.bullet or _ROLE_WORD.match(unit.text) or _DATE_ONLY.match(unit.text)
        if len(unit.text) <= 16 and _BANNER_CHARS.match(unit.text) and alone and not byline_like:
            last = unit.text
            if unit.text not in seen:
                seen = seen | {unit.text}
    return _BannerContext(earlier, briefs)
