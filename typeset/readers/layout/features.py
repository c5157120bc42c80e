"""Evidence about each unit, as named features the decoder weighs.

A feature never decides a role; it only says what the unit looks like: how long it is, what
it ends and starts with, how many clause separators it has, the marks the file set, the blank
lines around it against the file's usual gap, the shapes of its neighbours, and the shape it
shares with the other display lines of its stretch of the issue (sub-heads come in series).
The decoder's weights (`weights.json`, fitted on simulated issues) say how much each is
worth for each role. A unit's own shape is `shapes.shape`; this module adds its context.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from typeset.readers.layout.shapes import (
    BANNER_CHARS,
    DATE_ONLY,
    ended,
    names_a_role,
    number,
    shape,
)
from typeset.readers.layout.units import SOURCE, Unit

# Names of brief-news columns (简讯): under them each display line heads a short item.
_BRIEFS = ("简讯", "快讯", "短讯", "速递", "速览", "集锦", "简报", "扫描", "传真")
# Display lines longer than this have no sibling search (no sub-head runs this long).
_DISPLAY = 40

# Of a neighbour, what a unit's role depends on.
_NEIGHBOUR = frozenset(
    {
        "ended", "open", "marked", "bullet", "numbered", "source", "credit", "parenthesised",
        "role-word", "role-and-names", "names-only", "staff", "bare-credit", "ends-in-credit",
        "author-note", "closing-note", "editors-note", "subtitle", "banner-chars", "run-in",
        "start:closing", "end:dash", "end:comma", "end:colon", "dateline", "start:digit",
        "start:latin", "end:digit", "end:latin", "ends-in-function-word", "starts-with-particle",
        "post-and-name", "sidebar-label", "bullet:■", "qa-mark", "ends-in-bare-credit",
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
        # The blank lines that open a file say nothing of its layout.
        own.append("gap:" + (_gap(unit.gap, usual) if i else "start"))
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
        byline_like = unit.bullet or names_a_role(unit.text) or DATE_ONLY.match(unit.text)
        if len(unit.text) <= 16 and BANNER_CHARS.match(unit.text) and alone and not byline_like:
            last = unit.text
            if unit.text not in seen:
                seen = seen | {unit.text}
    return _BannerContext(earlier, briefs)
