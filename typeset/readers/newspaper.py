"""Issue file → article model.

The text was extracted from printed newspaper pages, so its structure has to be recovered
from how Chinese periodicals are laid out, never from the words of a particular issue:

* Blocks are separated by blank lines; lines set directly under each other (no blank line)
  belong to one display block: a two- or three-line headline or sub-head, or a caption with
  its credit. Extra blank lines mark a page or column break, which is where pictures sit.
  A credit is "(…摄)", "(…供图)", "(图片来源:…)", or a photographer's line without
  parentheses ending in 摄 ("记者 王磊 摄", "吴立新/摄"), which stays caption text.
* A column banner (栏目) is a short unpunctuated line standing alone before a headline; a
  topic banner (专栏) may run to sixteen characters.
* A headline opens an article after a banner, after the previous article's source line or
  attribution note ("(来源:…)", "(作者单位:…)"), or at the head of the file; a kicker (引题)
  is what precedes "——"; a line opening with "——" under the main title is its subtitle (副题)
  and stays in the title, also when a blank line sets it apart. A byline starts with ■ and
  holds names or a role, or opens with a role ("本报记者 …", "通讯员 …", "文/…", "文/图 …");
  a ■ before other words bullets a display line (a brief's headline). A deck is a display line
  between the headline and the byline. A news story's dateline credit run into its first
  paragraph ("本报讯(记者 …)", "…电(记者 …)") is its byline. A signature under the body
  ("■ 本报评论员", "■ 江帆", as commentaries are signed) is the byline and closes the
  article. An editor's note (编者按) under the headline is its deck.
* A caption may wrap to a second line when a credit is set under it; a news agency's "(…社发)"
  is a credit. A headline set in stacked lines may ask or exclaim (a line ending in ？ or ！).
* An author's note closes an article in parentheses, or without them when it opens with its
  role ("作者系…", "作者单位:…").
* Under a brief-news banner (…简讯, …快讯, …速递, …) each item is an article of its own: a
  display line after a finished paragraph heads the next item, though it has the shape of
  the items before it (sub-heads elsewhere are told by that shared shape).
* Sub-heads come in series of one shape (numbered 一、二、…, two stacked lines, or one line
  of two phrases), within one article: a source line, a byline or a banner over a display
  line ends the search for a series, and a marked heading that has none is a headline. A
  display line that matches no series either starts a new article (it carries headline
  traits, or the text before it was cut off) or is the head of a paragraph split by a break.
  A staff piece (bylined) closes without a source line, so after its last finished
  paragraph one unbroken phrase (no clause separator, which a paragraph's head nearly always
  has) heads the next article.
* A paragraph whose text stops without sentence-ending punctuation continues in the next
  paragraph block; a caption that fell into that break becomes a figure after the joined
  paragraph. No printed line opens with closing punctuation (避头点: ” 」 ） ， 。 …), so a
  block that does continues the paragraph before it, however finished that one looked.
  A skipped sub-head number (二 → 四) shows text was lost; the break before the next number
  is then left cut. Speech broken off by a dash and closed by its quote (——”) is finished.
* A line of its own ending in a colon announces what follows: body text, and two or more
  short lines under it are a list, one paragraph per item, each complete as it stands.
* The banner in force, repeated at a page head inside a paragraph's break, is page
  furniture: the paragraph joins across it.
* A source "(转自…)" closes an article; blocks set after it and before the next headline
  belong to that next article (the layout put them before their headline).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from typeset.cjk import CLOSING, NO_LINE_START, SENTENCE_END
from typeset.errors import InputError
from typeset.model import (
    Article,
    Block,
    Diagnostic,
    Figure,
    Heading,
    Issue,
    Note,
    Paragraph,
    text_fields,
)
from typeset.readers.decoding import decode

# Closing marks that may follow the end of a sentence, ASCII quotes among them.
_CLOSERS = CLOSING + "\"'"
# Marks a printed line never opens with (避头点); a block opening with one continues a
# paragraph. An ellipsis or a middle dot may open a paragraph (…… trailing in, · a bullet).
_NO_LINE_START = NO_LINE_START - set("….·")
# Separators inside a line; a display line has few of them, a paragraph fragment many.
_SEPARATORS = "，,、；;"
_MAX_DISPLAY = 36  # longest unmarked sub-head or stacked headline line, in characters
_MAX_HEADLINE = 50  # longest one-line headline where a headline is expected
_MAX_CAPTION = 40
_MAX_BANNER = 16  # a topic banner (专栏) such as 学习贯彻党的二十届四中全会精神
_MAX_BYLINE = 40
_MAX_DECK = 160
_MAX_LIST_LINE = 24  # an item of a list announced with a colon (names, titles)

# Markdown heading marks come in pairs ("## "), as the contract's fidelity check counts them:
# a lone "#" is text.
_HEADING_MARK = re.compile(r"^(?:##){1,3}\s*")
_RUN_IN = re.compile(r"^\*\*(.+?)\*\*(.*)$")
# Marks that open a byline line; only ■ is markup (left out), the others are kept as text.
_BYLINE_MARK = re.compile(r"^([■□◼▪●◆])\s*(.+)$")
# Role words a byline line opens with: a reporter's title, or the "文/" "文/图" "图/文" credit
# of a contributed piece (text and pictures by the same hand).
_BYLINE_WORDS = re.compile(
    r"^(?:(?:本报|本刊)?(?:特约|见习|实习)?(?:记者|通讯员)[\s\u3000]+"
    r"|[文图]\s*[/／]\s*[文图][\s\u3000:：]+|(?:文|图|文字|摄影|撰文)\s*[/／:：]\s*)\S"
)
# A photographer's credit without parentheses, on its own line under a caption: "记者 王磊 摄",
# "吴立新/摄". It ends with 摄 after a name, so no byline takes it.
_NAMES = r"[\w·]{2,4}(?:[\s\u3000、]+[\w·]{2,4})*"
_BARE_CREDIT = re.compile(
    rf"^(?:(?:本报|本刊)?(?:特约|见习|实习)?(?:记者|通讯员)[\s\u3000]*{_NAMES}[\s\u3000]*"
    rf"|{_NAMES}(?:[\s\u3000]+|[/／]))摄影?$"
)
# A dateline credit run into the first paragraph of a news story: "本报讯（记者 …）",
# "新华社北京6月1日电（记者 …）". It is the story's byline.
_ROLE = r"(?:本报|本刊)?(?:特约|见习|实习)?(?:记者|通讯员)|实习生"
_DATELINE = re.compile(
    rf"^([^\s，,。、；;：:“”(（]{{0,24}}?[讯电]\s*[(（]\s*"
    rf"(?:(?:{_ROLE})[\s\u3000]*{_NAMES}[\s\u3000]*)+[)）])\s*(\S.*)$"
)
# What a marked byline line holds: names alone ("■ 陈琼瑛 王克修") or a role and names. Any
# other marked line is a bulleted display line, e.g. a brief's headline ("■ 某区召开…").
_NAMES_ONLY = re.compile(rf"^{_NAMES}$")
# A signature naming the staff rather than a person: "■ 本报评论员", "■ 本刊编辑部".
_STAFF = re.compile(r"^(?:本报|本刊|特约)?(?:评论员|评论部|编辑部)$")
# An author's note set without parentheses at an article's end: "作者系…", "作者单位：…".
_AUTHOR_NOTE = re.compile(r"^(?:本文)?作者(?:系|为|均为|均系|单位|简介)")
# Attribution notes close an article as a source line does: "（来源：…）", "（作者单位：…）".
_CLOSING_NOTE = re.compile(r"^[(（]?\s*(?:来源|稿源|(?:本文)?作者|责任编辑|责编)")
# Names of brief-news columns (简讯): under them every display line heads a one-item article.
_BRIEFS_COLUMN = ("简讯", "快讯", "短讯", "速递", "速览", "集锦", "简报", "扫描", "传真")
_SOURCE = re.compile(r"^[(（]\s*转自\s*([^()（）]+?)\s*[)）]$")
_TRAILING_SOURCE = re.compile(r"^(.*\S)\s*[(（]\s*转自\s*([^()（）]+?)\s*[)）]$")
# A picture's credit: its source, who supplied it, who took it, or a news agency's "…社发".
_CREDIT_BODY = (
    r"(?:图片来源|图源|图片)\s*[:：][^()（）]+|[^()（）]+供图|[^()（）]*摄|[^()（）\s]{1,12}社发"
)
_CREDIT = re.compile(rf"^[(（]\s*({_CREDIT_BODY})\s*[)）]$")
_CAPTION_WITH_CREDIT = re.compile(
    rf"^([^()（）]{{2,{_MAX_CAPTION}}}?)\s*[(（]\s*({_CREDIT_BODY})\s*[)）]$"
)
# An editor's note (编者按) set under a headline introduces the piece, as a deck does.
_EDITORS_NOTE = re.compile(r"^[【\[]?(?:编者按|编者的话|编前语|编者附言)")
_PARENTHETICAL = re.compile(r"^[(（].+[)）]$")
_NUMBERED = re.compile(
    r"^(?:([一二三四五六七八九十]{1,3})、|[(（]([一二三四五六七八九十]{1,3})[)）]|(\d{1,2})[.、．](?!\d))"
)
_LEAD_IN = re.compile(r"^[^：:]{2,14}[：:]")
_BANNER_CHARS = re.compile(r"^[\w\s·]+$")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


@dataclass
class _Item:
    """One display block of the issue file: a line, or lines set directly under each other."""

    kind: str  # text | source | note | byline | figure
    lines: list[str]
    line: int
    gap: int  # blank lines before it
    marked: bool = False  # the file marked it as a heading ("## ")
    lead: str | None = None  # bold run-in head
    credit: str | None = None

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class _State:
    issue_id: str
    articles: list[Article] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    column: str | None = None
    orphans: list[Block] = field(default_factory=list)
    orphan_line: int = 0
    # Banners repeating the column already in force: the model sets a column once per run
    # of its articles, so the self-check counts these apart.
    repeated_banners: list[str] = field(default_factory=list)
    # ids of paragraphs that are list items: complete without closing punctuation.
    list_items: set[int] = field(default_factory=set)

    def note(self, code: str, severity: str, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(code, severity, line, message))

    def repeat_banner(self, item: _Item, where: str) -> None:
        """Record the banner in force printed again (`where`): it is printed once."""
        self.repeated_banners.append(item.text)
        message = f"column banner 「{item.text}」 repeated {where}; printed once"
        self.note("repeated-banner", "info", item.line, message)


def read(data: bytes, issue_id: str, source_path: str = "") -> Issue:
    """The article model of an issue file's bytes (see `typeset.readers.decoding`)."""
    return parse_text(decode(data), issue_id=issue_id, source_path=source_path)


def parse_text(text: str, issue_id: str, source_path: str = "") -> Issue:
    items = _items(text.replace("\r\n", "\n").replace("\r", "\n"))
    state = _State(issue_id)
    _mark_figures(items)
    _assemble(items, state)
    if not state.articles:
        raise InputError("no recognisable article (no headline followed by text)")
    for article in state.articles:
        _repair_breaks(article, state)
    _check_nothing_lost(text, state)
    state.diagnostics.sort(key=lambda d: d.line)
    return Issue(
        id=issue_id,
        articles=state.articles,
        source_path=source_path,
        diagnostics=state.diagnostics,
    )


# ---------------------------------------------------------------------------------------
# Lines → items


def _items(text: str) -> list[_Item]:
    items: list[_Item] = []
    gap = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(" \t\u3000\u00a0")
        if not line:
            gap += 1
            continue
        for item in _line_items(line, number, gap):
            _append(items, item)
        gap = 0
    return items


def _line_items(line: str, number: int, gap: int) -> list[_Item]:
    marked = bool(_HEADING_MARK.match(line))
    line = _HEADING_MARK.sub("", line)
    lead = None
    run_in = _RUN_IN.match(line)
    if run_in and run_in.group(2).strip():
        lead, line = run_in.group(1).strip(), run_in.group(2).strip()
    elif run_in:  # a wholly bold line is a display line
        line, marked = run_in.group(1).strip(), True
    line = line.replace("**", "").strip()
    if lead and not line:  # "**head****": a wholly bold line after all
        line, lead, marked = lead, None, True
    if not line:
        return []
    # After a run-in head the line is that paragraph's text, whatever it starts with.
    if lead is None and (item := _whole_line_item(line, number, gap)):
        return [item]
    if (m := _TRAILING_SOURCE.match(line)) and _balanced(m.group(1)):
        body = _Item("text", [m.group(1).strip()], number, gap, marked, lead)
        return [body, _Item("source", [m.group(2)], number, 0)]
    return [_Item("text", [line], number, gap, marked, lead)]


def _whole_line_item(line: str, number: int, gap: int) -> _Item | None:
    """A byline, source, credit, note or captioned figure that `line` is as a whole."""
    if m := _BYLINE_MARK.match(line):
        rest = m.group(2).strip()
        if not (_NAMES_ONLY.match(rest) or _BYLINE_WORDS.match(rest) or _STAFF.match(rest)):
            return _Item("text", [rest if m.group(1) == "■" else line], number, gap, marked=True)
        return _Item("byline", [rest if m.group(1) == "■" else line], number, gap)
    if m := _SOURCE.match(line):
        return _Item("source", [m.group(1)], number, gap)
    if m := _CREDIT.match(line):
        return _Item("figure", [], number, gap, credit=m.group(1).strip())
    if _BARE_CREDIT.match(line):
        return _Item("figure", [line], number, gap)
    if _PARENTHETICAL.match(line) and _balanced(line):
        return _Item("note", [line], number, gap)
    if len(line) <= _MAX_DECK and _AUTHOR_NOTE.match(line):
        return _Item("note", [line], number, gap)
    if len(line) <= _MAX_BYLINE and _BYLINE_WORDS.match(line) and not _ends_sentence(line):
        return _Item("byline", [line], number, gap)
    if m := _CAPTION_WITH_CREDIT.match(line):
        return _Item("figure", [m.group(1).strip()], number, gap, credit=m.group(2).strip())
    return None


def _append(items: list[_Item], item: _Item) -> None:
    """Add an item, merging it into the one above when they form one display block."""
    last = items[-1] if items else None
    credit_only = item.kind == "figure" and not item.lines
    if last and credit_only and item.gap <= 1 and _is_caption_text(last, lines=2):
        last.kind, last.credit = "figure", item.credit  # a credit set under its caption
        return
    bare_credit = item.kind == "figure" and _BARE_CREDIT.match(item.text)
    if last and bare_credit and item.gap <= 1 and _is_caption_text(last):
        last.kind = "figure"  # a photographer's credit without parentheses: caption text
        last.lines.append(item.text)
        return
    if (
        last
        and item.gap == 0
        and item.kind == "text"
        and last.kind == "text"
        and len(last.lines) < 3
        and not last.lead
        and not item.lead
        and all(_is_stacked_line(x) for x in (*last.lines, item.text))
    ):
        last.lines.append(item.text)
        last.marked = last.marked or item.marked
        return
    items.append(item)


# ---------------------------------------------------------------------------------------
# Line shapes


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    if stripped.endswith("——") and len(stripped) < len(text):
        return True  # speech broken off by a dash and closed by its quote: “路还没修完——”
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "(（"
        depth -= ch in ")）"
        if depth < 0:
            return False
    return depth == 0


def _is_display_line(text: str, limit: int = _MAX_DISPLAY) -> bool:
    """A line that could be set as a headline or sub-head line (not a paragraph's text)."""
    if len(text) > limit or "。" in text.rstrip("。") or text.endswith(tuple("，,、；;。")):
        return False
    if text.endswith(("：", ":", "——")):  # lead-in line or kicker of a stacked headline
        return True
    return not _ends_sentence(text) and sum(text.count(c) for c in _SEPARATORS) <= 2


def _is_stacked_line(text: str) -> bool:
    """A line of a headline or sub-head set in lines under each other. A headline may ask or
    exclaim, so such a line may end in ？ or ！ (a paragraph's never stands in a stack)."""
    return _is_display_line(text[:-1] if len(text) > 1 and text[-1] in "？?！!" else text)


def _is_display(item: _Item) -> bool:
    if item.kind != "text" or item.lead:
        return False
    if item.marked or len(item.lines) > 1:
        return True
    # A line of its own ending in a colon announces the text under it: body text.
    return _is_display_line(item.text) and not item.text.endswith(("：", ":"))


def _is_caption_text(item: _Item, lines: int = 1) -> bool:
    """Whether `item` can be a caption of up to `lines` lines (a credit under it shows that a
    caption wrapped to a second line)."""
    return (
        item.kind == "text"
        and len(item.lines) <= lines
        and not item.marked
        and not item.lead
        and len(item.text) <= _MAX_CAPTION * len(item.lines)
        and not _ends_sentence(item.text)
        and not _NUMBERED.match(item.text)
    )


def _is_paragraph(item: _Item | None) -> bool:
    return item is not None and item.kind == "text" and not _is_display(item)


def _number(item: _Item) -> int | None:
    m = _NUMBERED.match(item.text)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    digits = m.group(1) or m.group(2)
    if len(digits) == 1:
        return _CN_DIGITS[digits]
    tens, _, units = digits.partition("十")
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(units, 0)


def _shape(item: _Item) -> tuple:
    """What a series of sub-heads shares: numbering, stacking, and how phrases are joined."""
    numbered = _number(item) is not None
    if len(item.lines) > 1 or numbered:
        return (numbered, len(item.lines))
    text = item.text
    return (
        False,
        1,
        " " in text,
        any(c in text for c in "，,、"),
        any(c in text for c in "：:"),
    )


def _is_banner_text(item: _Item) -> bool:
    return (
        item.kind == "text"
        and len(item.lines) == 1
        and not item.lead
        and len(item.text) <= _MAX_BANNER
        and bool(_BANNER_CHARS.match(item.text))
    )


# ---------------------------------------------------------------------------------------
# Items → roles → articles


def _mark_figures(items: list[_Item]) -> None:
    """Captions without a credit: short lines set apart by a break's extra blank lines.

    "Extra" is relative to the file's usual separator between blocks (its commonest gap),
    so a file that separates every block with two blank lines reads like one that uses one.
    """
    gaps = Counter(item.gap for item in items[1:] if item.gap)
    usual_gap = max(gaps, key=lambda g: (gaps[g], -g)) if gaps else 1
    # Where the run of notes and figures closing the file starts.
    tail = len(items)
    while tail and items[tail - 1].kind in ("note", "figure"):
        tail -= 1
    for i, item in enumerate(items):
        if not i or not _is_caption_text(item):
            continue
        before = items[i - 1]
        after = items[i + 1] if i + 1 < len(items) else None
        # A display line closing the file heads nothing: the picture ending the last page.
        at_end = i + 1 >= tail
        set_apart = item.gap > usual_gap
        in_break = _is_paragraph(before) and _is_paragraph(after)
        if (at_end and not _is_display(before)) or (set_apart and in_break):
            item.kind = "figure"


def _assemble(items: list[_Item], state: _State) -> None:
    expect_headline = True
    article: Article | None = None
    start = 0  # index of the current article's headline
    series = _Series(items)
    list_left = 0  # items of a list still to come
    i = 0
    while i < len(items):
        item = items[i]
        after = items[i + 1] if i + 1 < len(items) else None
        if item.kind == "source":
            if article is None or article.source is not None:
                state.note(
                    "stray-source",
                    "warning",
                    item.line,
                    "source line with no article to close; kept as a note",
                )
                stray = Note(f"(转自{item.text})", item.line)
                _add_block(state, article, stray, expect_headline)
            else:
                article.source = item.text
            expect_headline = True
        elif _is_running_banner(items, i, state):
            # The column's name repeated at a page head, fallen into a paragraph's break:
            # page furniture, like a running head, so the paragraph joins across it.
            state.repeat_banner(item, "inside a paragraph's break")
        elif _is_banner(items, i, expect_headline):
            if state.articles and state.articles[-1].column == item.text:
                state.repeat_banner(item, "within its column")
            state.column = item.text
            expect_headline = True
        elif item.kind == "figure":
            figure = Figure(item.text, item.credit, line=item.line)
            _add_block(state, article, figure, expect_headline)
        elif item.kind == "note":
            _add_block(state, article, Note(item.text, item.line), expect_headline)
            expect_headline = expect_headline or bool(_CLOSING_NOTE.match(item.text))
        elif item.kind == "byline" and article is not None and not expect_headline:
            # A signature under the body (a commentary's "■ 本报评论员") closes the article.
            if article.byline is None:
                article.byline = item.text
            else:
                article.blocks.append(Paragraph(item.text, None, item.line))
            expect_headline = True
        elif expect_headline and _can_be_headline(item, after):
            article, start = _open_article(items, i, state), i
            i = _consume_head(items, i + 1, article)
            expect_headline = False
            continue
        elif list_left or (not expect_headline and (list_left := _list_run(items, i, article))):
            # An item of a list a paragraph announced with a colon: a paragraph of its own.
            paragraph = Paragraph(item.text, item.lead, item.line)
            state.list_items.add(id(paragraph))
            article.blocks.append(paragraph)
            list_left -= 1
        elif not expect_headline and _is_display(item) and after and after.kind != "source":
            role = _display_role(items, i, article, series.has_sibling(i, start))
            if role != "headline" and _in_briefs(state.column, item, article):
                role = "headline"
            if role == "headline":
                state.note(
                    "unsourced-article",
                    "info",
                    item.line,
                    "headline follows an article that has no source line",
                )
                article, start = _open_article(items, i, state), i
                i = _consume_head(items, i + 1, article)
                continue
            if role == "subhead":
                article.blocks.append(Heading(list(item.lines), item.line))
            else:
                article.blocks.append(Paragraph(item.text, item.lead, item.line))
        else:
            text = item.text
            _add_block(state, article, Paragraph(text, item.lead, item.line), expect_headline)
        i += 1
    if state.orphans:
        last = state.articles[-1] if state.articles else None
        if last is None:
            return
        # A picture closing the last page is ordinary layout; body text there is not.
        only_figures = all(isinstance(b, Figure) for b in state.orphans)
        state.note(
            "reattached-body",
            "info" if only_figures else "warning",
            state.orphan_line,
            "blocks after the last article's source; kept with that article",
        )
        last.blocks.extend(state.orphans)
        state.orphans = []


def _add_block(state: _State, article: Article | None, block: Block, orphan: bool) -> None:
    if orphan or article is None:
        if not state.orphans:
            state.orphan_line = block.line
        state.orphans.append(block)
    else:
        article.blocks.append(block)


def _is_banner(items: list[_Item], i: int, expect_headline: bool) -> bool:
    item = items[i]
    if not _is_banner_text(item):
        return False
    after = items[i + 1] if i + 1 < len(items) else None
    # A subtitle follows its headline, never a banner.
    if after is None or not _is_display(after) or _is_subtitle(after):
        return False
    # The headline under a banner heads body text (after its subtitle, if set apart), never
    # another display line.
    k = i + 2
    if k < len(items) and _is_subtitle(items[k]):
        k += 1
    after2 = items[k] if k < len(items) else None
    if after2 is None or after2.kind == "source" or _is_display(after2):
        return False
    if expect_headline:
        return True
    # Mid-article, only an unspaced name after finished text: spaced phrases are sub-heads.
    finished = _is_paragraph(items[i - 1]) or items[i - 1].kind == "figure"
    return finished and (item.marked or " " not in item.text)


def _is_running_banner(items: list[_Item], i: int, state: _State) -> bool:
    """The banner in force, repeated between the two parts of a paragraph split by a page
    break (the first part stops mid-sentence, the next is body text)."""
    item = items[i]
    article = state.articles[-1] if state.articles else None
    if article is None or item.text != state.column or not _is_banner_text(item):
        return False
    last = article.blocks[-1] if article.blocks else None
    after = items[i + 1] if i + 1 < len(items) else None
    return (
        isinstance(last, Paragraph)
        and not _ends_sentence(last.text)
        and _is_paragraph(after)
        and not after.lead
    )


def _is_subtitle(item: _Item) -> bool:
    return _is_display(item) and item.lines[0].startswith("——")


def _can_be_headline(item: _Item, after: _Item | None) -> bool:
    if item.kind != "text" or item.lead or after is None:
        return False
    if _is_display(item):
        return True
    text = item.text
    return (
        len(text) <= _MAX_HEADLINE
        and not _ends_sentence(text)
        and not text.endswith(("，", ",", "、"))
        and "。" not in text
    )


class _Series:
    """Finds a display block's siblings: display blocks of its shape (numbering, stacking,
    joining marks) whose longest lines differ by at most half, in its article: from the
    article's headline up to the next mark of an article's end or another's head (a source
    line, a byline, or a banner over a display line).

    Blocks are indexed by shape and longest line, so each question costs one binary search
    per compatible length, never a scan of the article: a file without such marks, where
    "up to the next mark" means the rest of the file, still parses in linear time.
    """

    def __init__(self, items: list[_Item]) -> None:
        self.items = items
        self.by_shape: dict[tuple, list[int]] = {}
        self.next_bound = [len(items)] * (len(items) + 1)
        for k in range(len(items) - 1, -1, -1):
            after = items[k + 1] if k + 1 < len(items) else None
            bound = items[k].kind in ("source", "byline") or (
                _is_banner_text(items[k]) and after is not None and _is_display(after)
            )
            self.next_bound[k] = k if bound else self.next_bound[k + 1]
        for k, item in enumerate(items):
            if _is_display(item):
                self.by_shape.setdefault((_shape(item), _longest(item)), []).append(k)

    def has_sibling(self, i: int, start: int) -> bool:
        """Whether a display block between `start` (the headline) and the next article mark
        after `i` has the shape of `items[i]`."""
        item = self.items[i]
        end = self.next_bound[i]
        shape, length = _shape(item), _longest(item)
        for other in range(max(1, length * 2 // 3), length * 3 // 2 + 1):
            if max(length, other) > 1.5 * min(length, other):
                continue
            found = self.by_shape.get((shape, other), [])
            at = bisect.bisect_right(found, start)
            while at < len(found) and found[at] == i:
                at += 1
            if at < len(found) and found[at] < end:
                return True
        return False


def _longest(item: _Item) -> int:
    return max(map(len, item.lines))


def _display_role(items: list[_Item], i: int, article: Article, siblings: bool) -> str:
    """Decide whether a display block inside an article is a sub-head, a new headline, or
    the head of a paragraph split by a break; `siblings`: whether the article has other
    display blocks of its shape (`_Series`)."""
    item = items[i]
    after = items[i + 1]
    last_block = article.blocks[-1] if article.blocks else None
    after_cut = isinstance(last_block, Paragraph) and not _ends_sentence(last_block.text)
    numbered = _number(item) is not None
    longest = _longest(item)

    score = 0
    if any("——" in line for line in item.lines):
        score += 3
    if any(_LEAD_IN.match(line) for line in item.lines):
        score += 2
    if after_cut:
        score += 2
    if not siblings:
        # Sub-heads come in series: a heading the file marks that has none is a headline.
        score += 3 if item.marked and not after_cut else 2
    if longest > (16 if len(item.lines) > 1 else 24):
        score += 1
    if after.kind == "byline":
        score += 3
    # A staff piece (bylined) closes without a source line, so the next headline follows its
    # last paragraph directly; one unbroken phrase there (no clause separator, which the head
    # of a paragraph split by a break nearly always has) heads the next article.
    if (
        article.byline
        and not after_cut
        and len(item.lines) == 1
        and not any(c in item.text for c in _SEPARATORS)
    ):
        score += 1
    if numbered:
        score -= 4
    if score >= 3:
        return "headline"
    if len(item.lines) == 1 and not item.marked and not numbered and not siblings and not after_cut:
        return "fragment"
    return "subhead"


def _list_run(items: list[_Item], i: int, article: Article | None) -> int:
    """How many list items start at `i`: short single lines in a row (two or more) under a
    paragraph that announces them with a colon ("名单如下：", "主要包括：")."""
    last = article.blocks[-1] if article and article.blocks else None
    if not (isinstance(last, Paragraph) and last.text.endswith(("：", ":"))):
        return 0
    count = 0
    while i + count < len(items) and _is_list_line(items[i + count]):
        count += 1
    return count if count >= 2 else 0


def _is_list_line(item: _Item) -> bool:
    return (
        item.kind == "text"
        and len(item.lines) == 1
        and not item.marked
        and not item.lead
        and len(item.text) <= _MAX_LIST_LINE
        and _number(item) is None
        and not _LEAD_IN.match(item.text)
        and not _ends_sentence(item.text)
    )


def _in_briefs(column: str | None, item: _Item, article: Article) -> bool:
    """Under a brief-news banner a display line after a finished paragraph heads the next
    item, however much it looks like its neighbours (numbered lines are still sub-heads)."""
    last = article.blocks[-1] if article.blocks else None
    return (
        bool(column)
        and column.endswith(_BRIEFS_COLUMN)
        and _number(item) is None
        and not (isinstance(last, Paragraph) and not _ends_sentence(last.text))
    )


def _open_article(items: list[_Item], i: int, state: _State) -> Article:
    item = items[i]
    lines = list(item.lines)
    kicker = None
    for k, line in enumerate(lines):
        before, dash, rest = line.partition("——")
        # A dash opening a line introduces no kicker: opening the headline it is text, under
        # a main title it opens the subtitle (副题). Both stay in the title.
        if dash and before.strip() and not _inside_quotes(before):
            kicker = "".join(lines[:k]) + before
            lines = ([rest] if rest else []) + lines[k + 1 :]
            break
    article = Article(title=lines, column=state.column, kicker=kicker or None, line=item.line)
    if state.orphans:
        state.note(
            "reattached-body",
            "warning",
            state.orphan_line,
            f"blocks set before their headline (line {item.line}) moved back into that article",
        )
        article.blocks.extend(state.orphans)
        state.orphans = []
    state.articles.append(article)
    return article


def _consume_head(items: list[_Item], j: int, article: Article) -> int:
    """Take a kicker's title line, a subtitle, a deck and a byline after a headline; return
    the next index."""
    if not article.title and j < len(items) and _is_display(items[j]):
        article.title = list(items[j].lines)
        j += 1
    # A subtitle (副题) opens with a dash; set apart from the title it is still the headline's.
    if j < len(items) and _is_subtitle(items[j]):
        article.title += items[j].lines
        j += 1
    byline_at = next(
        (k for k in range(j, min(j + 3, len(items))) if items[k].kind == "byline"), None
    )
    if byline_at is not None and all(
        items[k].kind == "text" and len(items[k].text) <= _MAX_DECK for k in range(j, byline_at)
    ):
        if byline_at > j:
            article.deck = "".join(items[k].text for k in range(j, byline_at))
        article.byline = items[byline_at].text
        j = byline_at + 1
    elif (
        j < len(items)
        and _is_paragraph(items[j])
        and not items[j].lead
        and (m := _DATELINE.match(items[j].lines[0]))
    ):
        article.byline = m.group(1)
        items[j].lines[0] = m.group(2)
    if (
        article.deck is None
        and j < len(items)
        and _is_paragraph(items[j])
        and _EDITORS_NOTE.match(items[j].text)
    ):
        article.deck = items[j].text
        j += 1
    return j


def _inside_quotes(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count("‘") > text.count("’")


# ---------------------------------------------------------------------------------------
# Page and column breaks


def _repair_breaks(article: Article, state: _State) -> None:
    """Join paragraphs split by a break; leave cut the ones that lost their ending."""
    lost_at = _lost_text_breaks(article)
    blocks: list[Block] = []
    open_at: int | None = None  # index in blocks of a paragraph still waiting for its end
    # The parts of each joined paragraph, joined once at the end (not one copy per part).
    parts: dict[int, list[str]] = {}
    last_paragraph: int | None = None  # index in blocks of the last paragraph, no sub-head since
    for block in article.blocks:
        if isinstance(block, Paragraph):
            # No line opens with closing punctuation (避头点): a block that does was split off
            # the paragraph before it, though that one looked finished.
            if open_at is None and block.lead is None and block.text[:1] in _NO_LINE_START:
                open_at = last_paragraph
            if open_at is not None and block.lead is None and id(blocks[open_at]) not in lost_at:
                head = blocks[open_at]
                state.note(
                    "joined-across-break",
                    "info",
                    head.line,
                    f"paragraph continued at line {block.line} after a break; joined",
                )
                parts.setdefault(open_at, [head.text]).append(block.text)
                # The head is open, so the whole ends a sentence exactly when this part does.
                if not _ends_sentence(block.text):
                    continue
                open_at = None
                continue
            if open_at is not None:
                _note_cut(state, blocks[open_at])
            blocks.append(block)
            last_paragraph = len(blocks) - 1
            finished = _ends_sentence(block.text) or id(block) in state.list_items
            open_at = None if finished else last_paragraph
        elif isinstance(block, Figure):
            if open_at is not None:
                state.note(
                    "caption-in-break",
                    "info",
                    block.line,
                    "caption set inside a paragraph's break; placed after the paragraph",
                )
            blocks.append(block)
        else:
            if open_at is not None:
                _note_cut(state, blocks[open_at])
                open_at = None
            last_paragraph = None
            blocks.append(block)
    if open_at is not None:
        _note_cut(state, blocks[open_at])
    for at, texts in parts.items():
        blocks[at].text = "".join(texts)
    article.blocks = blocks


def _note_cut(state: _State, paragraph: Block) -> None:
    state.note(
        "cut-paragraph",
        "warning",
        paragraph.line,
        "paragraph stops mid-sentence and its continuation is missing (text lost)",
    )


def _lost_text_breaks(article: Article) -> set[int]:
    """Paragraphs that must not be joined: a skipped sub-head number (二 → 四) shows text
    was lost between two numbered sub-heads, so the last break between them stays cut."""
    lost: set[int] = set()
    last_number: int | None = None
    candidates: list[Paragraph] = []
    blocks = article.blocks
    for k, block in enumerate(blocks):
        if isinstance(block, Heading):
            number = _number(_Item("text", block.lines, block.line, 0))
            if number is not None:
                if last_number is not None and number > last_number + 1 and candidates:
                    lost.add(id(candidates[-1]))
                last_number, candidates = number, []
        elif isinstance(block, Paragraph) and not _ends_sentence(block.text):
            after = (blocks[j] for j in range(k + 1, len(blocks)))
            nxt = next((b for b in after if not isinstance(b, Figure)), None)
            if isinstance(nxt, Paragraph):
                candidates.append(block)
    return lost


# ---------------------------------------------------------------------------------------
# Self-check

# Markup characters are left out one by one: a paragraph joined across a break may bring a
# lone "*" or "#" of each part together, which is no loss.
_NOT_TEXT = re.compile(r"\s|#|\*|■")
_FOLD = str.maketrans("，：；（）！？", ",:;()!?")


# How the file prints the text of a field, around what the model keeps.
_PRINTED_AS = {"kicker": "{}——", "credit": "({})", "source": "(转自{})"}


def _check_nothing_lost(text: str, state: _State) -> None:
    """Compare the characters of the file with those of the model; any difference is a
    reader defect, reported as an error so that no edition is built from it."""
    fields = text_fields(Issue(state.issue_id, state.articles))
    parts = [_PRINTED_AS.get(f.kind, "{}").format(f.text) for f in fields]
    parts += state.repeated_banners

    def chars(s: str) -> Counter:
        return Counter(_NOT_TEXT.sub("", s).translate(_FOLD))

    source, model = chars(text), chars("".join(parts))
    if source != model:
        lost = "".join((source - model).elements())[:20]
        added = "".join((model - source).elements())[:20]
        state.note(
            "reader-mismatch",
            "error",
            1,
            f"the model does not hold the file's text exactly (lost {lost!r}, added {added!r})",
        )
