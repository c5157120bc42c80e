"""Where a headline breaks: printed lines set on a measure the way a headline editor would.

A printed title line that does not fit is broken after a comma, colon or closing mark, or
at a space between words, into the most even lines; failing that, before a predicate; and
failing everything, it is set as one balanced block. Used for headlines, contents entries
and captions of the print edition (the EPUB leaves line breaking to the reading system).
"""

from __future__ import annotations

import itertools
import math
import re
from unicodedata import east_asian_width

from typeset.cjk import CLOSING, NO_LINE_START, OPENING

# Where a long headline line may be broken: after these marks (a closing quotation mark
# included), or at a space between two Chinese words (a space next to Latin letters or
# digits is only Han-Latin spacing).
HEADLINE_BREAK = re.compile(
    r"[，、：；！？,:;!?”’》〉」』）)]"  # after a comma, colon or closing mark
    r"|(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])"  # a space between Chinese words
)
# Where a headline may also be broken when no mark or space allows a break that fits:
# before a verb that opens a predicate ("……民政局 / 打造……", "……社会组织 / 成为……"),
# or between an issuing body and the verb or preposition after it ("……服务局 / 以党建……"),
# in both editions' characters. Used only when the lines come out even enough.
PREDICATE_VERBS = (
    "推动|推進|推进|打造|开展|開展|召开|召開|举办|舉辦|举行|"
    "舉行|成为|成為|助力|构建|構建|加强|加強|探索|实现|實現|"
    "促进|促進|引领|引領|出台|出臺|发布|發布|深化|坚持|堅持|"
    "提升|织密|織密|创新|創新|建立|健全|聚焦|绘就|繪就|赋能|"
    "賦能|激活|做好|夯实|夯實|筑牢|築牢|凝聚|打通|答好|书写|"
    "書寫|护航|護航|破解|激发|激發|释放|釋放|扎实|紮實|全力|"
    "持续|持續|切实|切實|着力|著力|启动|啟動|完善|强化|強化|"
    "落实|落實|抓实|抓實|谱写|譜寫|奏响|奏響"
)
ISSUER_ENDS = "省市县縣区區旗州盟镇鎮乡鄉村局委厅廳部办辦会會站所院校社队隊"
PREPOSITIONS = "以为為让讓把用在与與从從将將向对對"
WORD_BREAK = re.compile(f"(?=(?:{PREDICATE_VERBS}))|(?<=[{ISSUER_ENDS}])(?=[{PREPOSITIONS}])")
# A break found by WORD_BREAK is taken only if the shortest line is at least this share
# of the longest; otherwise an evenly wrapped block looks better.
WORD_BREAK_EVENNESS = 0.5
# Most line splits `most_even` tries for one line count: a two- or three-line headline has
# a few hundred; the guard keeps a long caption from costing minutes.
MOST_EVEN_SPLITS = 20_000


def text_ems(text: str) -> float:
    """Rough printed width of `text` in em: wide (CJK) characters and “”‘’ 1, a space a
    quarter (as autospace prints it next to Han), others half."""
    return sum(0.25 if c == " " else 1.0 if east_asian_width(c) in "WFA" else 0.5 for c in text)


def headline_lines(printed: str | list[str], measure: float) -> list[tuple[str, float | None]]:
    """How a printed title line (or several run together) is set on `measure` em.

    A line that fits stays whole. A longer one is broken where a headline editor would:
    where the printed lines met, after a comma, enumeration comma or colon, or at a space
    between words, never inside quotation marks or book-title marks, choosing the breaks
    that give the most even lines; failing those, before a predicate (`WORD_BREAK`) when
    the lines come out even enough. When no such break fits, it becomes one block with a
    balanced max-width (in em), so it wraps into equal lines instead of a line and a stub.
    """
    lines = [printed] if isinstance(printed, str) else printed
    text = "".join(lines)
    ems = text_ems(text)
    if ems <= measure:
        return [(text, None)]
    depth = [0]
    for char in text:
        change = (char in OPENING) - (char in CLOSING)
        depth.append(depth[-1] + change)

    def allowed(ends: set[int]) -> list[int]:
        return sorted(
            end
            for end in ends
            if 0 < end < len(text) and depth[end] <= 0 and text[end] not in NO_LINE_START
        )

    joins = set(itertools.accumulate(len(line) for line in lines))
    joins |= {m.end() for m in HEADLINE_BREAK.finditer(text)}
    strong = allowed(joins)
    words = allowed(joins | {m.start() for m in WORD_BREAK.finditer(text)})
    fewest = math.ceil(ems / measure)
    best = most_even(text, strong, measure, fewest)
    if best is None:
        best = most_even(text, words, measure, fewest)
        widths = [text_ems(part) for part in best or ()]
        if widths and min(widths) < WORD_BREAK_EVENNESS * max(widths):
            best = None
    if best is not None:
        return [(part, None) for part in best]
    return [(text, min(measure, math.ceil(ems / fewest) + 1.0))]


def most_even(text: str, breaks: list[int], measure: float, fewest: int) -> list[str] | None:
    """The split of `text` at `breaks` into `fewest` (or one more) lines that fit on
    `measure` em with the least difference between the longest and shortest line.

    Every split is tried, which is instant for a headline; text with more splits than
    `MOST_EVEN_SPLITS` (a paragraph-long caption) gets None, the balanced block instead."""
    best: tuple[float, list[str]] | None = None
    for count in (fewest, fewest + 1):
        if math.comb(len(breaks), count - 1) > MOST_EVEN_SPLITS:
            return best[1] if best else None
        for cut in itertools.combinations(breaks, count - 1):
            bounds = (0, *cut, len(text))
            parts = [text[a:b].strip() for a, b in itertools.pairwise(bounds)]
            widths = [text_ems(part) for part in parts]
            if max(widths) > measure:
                continue
            spread = max(widths) - min(widths)
            if best is None or spread < best[0]:
                best = (spread, parts)
        if best is not None:
            return best[1]
    return None
