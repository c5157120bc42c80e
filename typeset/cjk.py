"""Classes of CJK characters and punctuation, one definition each for every stage.

The reader asks whether a line ends a sentence or may not start a line; the transforms
whether a mark stands in Chinese text; the writers where a line may break and where space
may go. The classes follow GB/T 15834 (punctuation) and the W3C's clreq (Chinese layout).
Ranges are given as the body of a regular-expression character class.
"""

from __future__ import annotations

# Han ideographs: the unified blocks, their extensions and the compatibility block.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Characters set on the ideographic em square, with the Han: 々 〇, kana, bopomofo.
IDEOGRAPHIC = (
    "\u3005\u3007\u3041-\u3096\u30a1-\u30fa\u30fc-\u30ff\u3105-\u312f\u31a0-\u31bf"
    "\u31f0-\u31ff" + HAN
)
# East Asian wide and fullwidth characters (UAX #11): CJK, their punctuation, emoji.
WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd"
)
# Latin letters and digits, the script Chinese text sets a quarter em apart from.
WESTERN = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"

# Opening and closing quotation marks and brackets, partners in the same order.
OPENING = "“‘《〈「『（(【〔〖"
CLOSING = "”’》〉」』）)】〕〗"
# Marks no line may start with (避头点): closing marks, stops, commas and the like.
NO_LINE_START = frozenset(CLOSING + "，。、；：？！,.:;!?…·")
# Marks a sentence or clause may end a paragraph with (closing marks may follow them).
SENTENCE_END = "。！？!?…；;：:"
