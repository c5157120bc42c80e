"""What a unit looks like on its own, as named features: how long it is, what it ends and
starts with, its clause separators, the marks the file set, and the furniture it is shaped
as (a byline's role words 记者, 通讯员; credit words 供图, 摄; 转自, 编者按, 作者系: the closed
vocabulary of page furniture, never an issue's own words).
"""

from __future__ import annotations

import re

from typeset.cjk import CLOSING, NO_LINE_START, OPENING, SENTENCE_END
from typeset.readers.layout.units import (
    CREDIT,
    CREDIT_BODY,
    SOURCE,
    TEXT_BULLETS,
    Unit,
    balanced,
)

_CLOSERS = CLOSING + "\"'"
_SEPARATORS = "，,、；;"
_LENGTHS = (2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 50, 64, 80, 120, 160)
# Personal names, one or several.
NAMES = r"[\w·]{2,4}(?:[\s\u3000、]+[\w·]{2,4})*"
# A byline's role words, perhaps after the publication's name: 本报记者, 湘江早报全媒体记者,
# 特约记者, 通讯员; or the credit of a contributed piece: 文/, 文/图, 图/文.
ROLE_WORD = re.compile(
    r"^(?:[^\s，。、；：“”(（]{0,12}?(?:记者|通讯员|评论员|撰稿人|编辑|实习生)"
    r"|[文图]\s*[/／]\s*[文图]?|(?:文字|摄影|撰文)\s*[/／:：])"
)
_NAMES_ONLY = re.compile(rf"^{NAMES}$")
_MARKS = re.compile(rf"^[{TEXT_BULLETS}]\s*")
_ROLE_AND_NAMES = re.compile(
    rf"^(?:[^\s，。、；：“”(（]{{0,12}}?(?:记者|通讯员|实习生)[\s\u3000]*{NAMES}[\s\u3000]*)+$"
)
# An author's post before the name: 中共某县委书记 林晓, 某社区党委书记 王珊.
_POST_AND_NAME = re.compile(
    r"^[^\s，,。、；;：:“”(（]{2,24}?(?:书记|主任|部长|局长|处长|县长|市长|区长|镇长|乡长"
    r"|主席|会长|秘书长|院长|校长|所长|站长|队长|经理|董事长|教授|研究员|讲师|负责人)"
    rf"[\s\u3000]*{NAMES}$"
)
# A sidebar's label, set like a small banner over its own headline: 记者手记, 编后, 相关链接.
SIDEBAR = re.compile(
    r"^(?:(?:记者|编辑|编者)?(?:手记|札记|观察|点评|随笔|后记)|编后(?:语|记|话)?|短评|快评|微评"
    r"|(?:相关|新闻|背景|知识)?链接|延伸阅读|相关阅读|相关新闻|小贴士)$"
)


def names_a_role(text: str) -> bool:
    """Whether `text` opens with a byline's role word (记者, 通讯员, 文/): a sidebar's label
    such as 记者手记 does not, though it holds one."""
    return ROLE_WORD.match(text) is not None and SIDEBAR.match(text) is None


# An interview's turns: 问：… 答：…, Q: … A: …, 记者：…
_QA_MARK = re.compile(r"^(?:问|答|Q|A|记者)\s*[：:]")
_STAFF = re.compile(r"^(?:本报|本刊|特约)?(?:评论员|评论部|编辑部)$")
_BARE_CREDIT = re.compile(
    rf"^(?:[^\s，。、；：]{{0,12}}?(?:记者|通讯员)[\s\u3000]*)?{NAMES}\s*[/／]?\s*摄影?$"
)
_CAPTION_CREDIT = re.compile(rf"[(（]\s*(?:{CREDIT_BODY})\s*[)）]$")
# A credit run into the caption's last sentence without brackets: …。图/X, …。X/摄, …。摄影：X.
_GLUED_CREDIT = re.compile(
    rf"[。！？!?]\s*(?:图\s*[/／]\s*[^\s/／，,。]{{2,16}}|[\w·]{{2,4}}\s*[/／]\s*摄影?"
    rf"|摄影\s*[:：]\s*{NAMES})$"
)
_AUTHOR_NOTE = re.compile(r"^[(（]?\s*(?:本文)?作者(?:系|为|均为|均系|单位|简介)")
_CLOSING_NOTE = re.compile(r"^[(（]\s*(?:来源|稿源|责任编辑|责编)")
_EDITORS_NOTE = re.compile(r"^[【\[]?(?:编者按|编者的话|编前语|编者附言)")
# A news story's dateline credit: 本报讯（记者 … 通讯员 …）, 新华社北京7月1日电（记者 …）.
DATELINE_CREDIT = (
    rf"[^\s，,。、；;：:“”(（]{{0,24}}?[讯电]\s*[(（]\s*(?:[^()（）]{{0,12}}?(?:记者|通讯员)"
    rf"[\s\u3000]*{NAMES}[\s\u3000]*)+[)）]"
)
_DATELINE = re.compile("^" + DATELINE_CREDIT)
_NUMBERED = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]{1,3})、|[(（](?P<paren>[一二三四五六七八九十]{1,3})[)）]"
    r"|(?P<arabic>\d{1,2})[.、．](?!\d)|第(?P<ordinal>[一二三四五六七八九十]{1,3})[，,、：:])"
)
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
BANNER_CHARS = re.compile(r"^[\w\s·]+$")
# A date alone on its line: a notice's date under its signature, never a banner or headline.
DATE_ONLY = re.compile(
    r"^[\d〇零一二三四五六七八九]{4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月"
    r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?$"
)
_SPACE_BETWEEN = re.compile(r"[^\x00-\x7f][\s\u3000]+[^\x00-\x7f]")
_LEAD_IN = re.compile(r"^[^：:，,。]{2,14}[：:]")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LATIN = re.compile(r"[A-Za-z]")
# Function words a phrase does not end with (a headline never does): a line ending in one
# was cut mid-sentence. Particles a sentence does not start with: a line starting with one
# continues another.
_NOT_LAST = frozenset("的与和及或在对把被为将以从向并而让使给跟同由于之")
_NOT_FIRST = frozenset("的了着过们地得么吗呢吧之于")


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
    if _QA_MARK.match(text):
        found.append("qa-mark")
    if _SPACE_BETWEEN.search(text):
        found.append("space-inside")
    if "——" in text[1:-2]:
        found.append("dash-inside")
    if text.startswith("——") and len(text) > 2:
        found.append("subtitle")
    if unit.marked:
        found.append("marked")
    if unit.bullet:  # which mark: ■ (taken off) marks bylines, ◆ ● sub-heads, ◎ □ either
        found += ["bullet", "bullet:" + (unit.text[0] if unit.text[0] in TEXT_BULLETS else "■")]
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
    elif _GLUED_CREDIT.search(text):
        found.append("ends-in-bare-credit")
    if _BARE_CREDIT.match(text):
        found.append("bare-credit")
    if SIDEBAR.match(text):
        found.append("sidebar-label")
    else:
        if names_a_role(text):
            found.append("role-word")
        if _ROLE_AND_NAMES.match(text):
            found.append("role-and-names")
        if _NAMES_ONLY.match(text):
            found.append("names-only")
    if _POST_AND_NAME.match(text):
        found.append("post-and-name")
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
    if DATE_ONLY.match(text):
        found.append("date-only")
    elif len(text) <= 16 and BANNER_CHARS.match(text):
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
