"""Deterministic layout simulator: whole issue files with their exact ideal parse.

Why: the reader is judged on issue files it has never seen, and the five seeds show only a
few of the layouts page make-up produces. This module sets the seeds' gold articles again in
other shapes (headline wrapping, kickers, subtitles, bylines and datelines, decks, sub-head
series of many shapes, run-in leads, interviews, lists, brief-news columns, captions and
credits, notes and signatures, markdown, punctuation width, blank-line rhythm) and damages
them as make-up does (breaks inside paragraphs with a caption or a running head in them,
text lost at a page's foot or before a skipped sub-head number, bodies set before their
headline, banners repeated at a page head). For each issue it returns the text and the gold
parse that the contract's rules of the ideal parse recover from that text: where a choice
would leave no layout evidence, it is not generated.

Content comes only from the pool's articles; the layout furniture (banners, byline roles,
publication names, names, credit and note forms, numbering, question and answer marks, a
headline's closing mark) comes from the small closed vocabularies below, so issues simulated
from one seed hold no text of the others.
Every issue keeps the fidelity contract:
    Counter(norm(text)) == Counter(norm(rebuild(gold) + "".join(gold["repeated_banners"])))

    pool = source_articles(GOLD_DIR, ["000_a15160778106662d"])
    issue = simulate(pool, seed=7)        # .text, .gold, .variants, .repeated_banners
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------------------
# Layout furniture: small closed vocabularies (no article content)

# Sidebars' labels set like a banner over their own headline (记者手记, 编后).
SIDEBAR_BANNERS = ("记者手记", "编后", "短评", "相关链接", "延伸阅读", "记者观察")
BANNERS = (
    "党建动态", "经验做法", "理论研究", "基层动态", "支部风采", "一线观察",
    "他山之石", "党建观察", "工作动态", "探索实践", "党建前沿", "基层党建",
    "时评", "观点", "人物", "访谈", "手记", "专题",
)  # fmt: skip
# A box at an article's foot, under a label set like a sub-head (or over a sidebar's own
# headline, like a banner).
SIDEBAR_LABELS = ("相关链接", "编后", "记者手记", "延伸阅读", "链接", "编后语")
# Brief-news columns: each display line under them heads a short item.
PHOTO_BANNERS = ("图片新闻", "图说党建", "镜头", "光影", "视觉")
BRIEFS_BANNERS = ("工作简讯", "党建快讯", "基层速递", "动态速览", "一周简讯", "各地扫描")
PUBLICATIONS = ("湘江早报", "江淮日报", "南粤晚报", "齐鲁都市报", "黔中日报", "北方新报")
NAMES = (
    "林晓", "杨帆", "徐静", "孙浩然", "马丽", "郭涛", "何苗", "罗鑫", "梁雨", "宋佳",
    "唐欣", "韩冰", "曹阳", "彭瑶", "邓宇", "许蕾", "谢婷", "冯晨", "程远", "姜楠",
)  # fmt: skip
NOTE_ROLES = ("工作人员", "研究员", "记者", "特约评论员")
# An author's post before the name (中共清河县委书记 林晓): places, bodies and posts.
POST_PLACES = ("清河县", "东湖区", "南山市", "西城街道", "石门镇", "柳溪村")
POST_BODIES = ("委", "党委", "党工委", "民政局", "委组织部", "党支部", "社区党委", "行业协会党支部")
POSTS = ("书记", "副书记", "主任", "部长", "局长", "会长", "负责人")
EDITORS_NOTE = "编者按："
# A commentary signed by the paper's staff under its body (■ 本报评论员).
STAFF = ("本报评论员", "本刊评论员", "本报特约评论员")
AGENCIES = ("新华社", "中新社")  # credits "（新华社发）"
FIGURE_NUMBERS = "①②③④⑤⑥"  # captions "图①：…"
QA_MARKS = ("问", "答")  # interviews: "问：…" / "答：…"
INTERVIEWER = "记者"  # or "**记者：**…" / "**周立群：**…" run-in
HEADLINE_MARKS = "？！"  # a headline that asks or exclaims

# What each printed line is, as an ideal reader labels it: a column banner, the banner repeated
# as a running head, a headline line (kicker and subtitle lines too), deck, byline (a signature
# too), sub-head line, a paragraph's start ("para") or its continuation after a break
# ("cont"), caption, credit line, source, note. A line that ends in its article's source
# is "para+source" (or "cont+source").
ROLES = (
    "banner", "running", "title", "deck", "byline", "subhead", "para", "cont",
    "caption", "credit", "source", "note", "para+source", "cont+source",
)  # fmt: skip

# Every variant an issue can use; `simulate` records the ones it used.
VARIANTS = (
    "title_1_line", "title_2_lines", "title_3_lines", "title_marked", "title_plain",
    "title_line_comma", "title_line_exclaims", "title_asks", "title_subtitle",
    "title_after_open_article", "title_opens_quoted", "kicker", "kicker_from_title",
    "kicker_same_line",
    "byline_reporter", "byline_publication", "byline_special", "byline_correspondent",
    "byline_text_photo", "byline_text", "byline_bare", "byline_several", "byline_unmarked",
    "byline_trainee", "byline_intern", "byline_post", "byline_square", "byline_signature",
    "byline_staff", "signed_notice",
    "byline_dateline", "deck_with_byline", "deck_without_byline", "deck_editors_note",
    "source_line", "source_glued", "source_missing", "note", "note_unit", "note_bare",
    "note_source", "note_compiled", "subhead_numbered", "subhead_numbered_paren",
    "subhead_numbered_arabic", "subhead_numbered_arabic_comma", "subhead_ordinal",
    "subhead_stacked", "subhead_one_line_space", "subhead_one_line_comma",
    "subhead_comma_joined", "subhead_short", "subhead_quoted", "subhead_asks",
    "subhead_line_comma", "subhead_marked", "subhead_plain", "subhead_bold", "subhead_skip",
    "subhead_from_leads", "subhead_sidebar", "lead", "lead_numbered", "interview_marks",
    "interview_leads",
    "list_items", "list_clauses", "briefs", "briefs_bold", "briefs_in_column",
    "briefs_long_title", "photo_news", "photo_news_in_column",
    "figure_credit_same_line", "figure_credit_next_line", "figure_no_credit",
    "figure_credit_photo", "figure_credit_source", "figure_credit_supplied",
    "figure_credit_name", "figure_credit_staff", "figure_credit_agency", "figure_credit_bare",
    "figure_credit_by", "figure_credit_file", "subhead_bulleted",
    "figure_credit_glued", "caption_full_stop", "caption_two_lines", "caption_numbered",
    "caption_figure_is", "figure_in_break", "figure_under_headline", "figure_between",
    "figure_before_subhead", "figure_end_of_file", "figure_end_of_article", "break_joined",
    "break_two_paragraphs", "break_closing_mark", "break_extra_gap", "break_running_head",
    "cut_end", "cut_end_of_file", "cut_before_skip", "banner_after_cut", "banner_repeated",
    "banner_sidebar",
    "body_before_headline", "body_before_headline_subheads", "body_before_headline_source",
    "banners_1", "banners_2", "banners_3", "banners_4", "width_half", "width_full",
    "width_mixed", "width_as_is", "markdown", "no_markdown", "gap_2",
)  # fmt: skip

# ---------------------------------------------------------------------------------------
# Punctuation (the rules of the ideal parse)

SENTENCE_END = "。！？!?…；;：:"
CLOSERS = "”’」』）)》〉】〕\"'"
# Marks no printed line starts with (避头点): a part starting with one continues a paragraph.
NO_LINE_START = "”’」』）)》〉】〕，,、。；;：:！？!?"
_OPEN = "“‘《（(〈「『【"
_CLOSE = "”’》）)〉」』】"
_TO_HALF = str.maketrans("，：；（）！？", ",:;()!?")
_TO_FULL = str.maketrans(",:;()!?", "，：；（）！？")
_BETWEEN_ASCII = re.compile(r"(?<=[0-9A-Za-z])[,:;()!?，：；（）！？](?=[0-9A-Za-z])")
_CN = "一二三四五六七八九十"
_NUMBERED = re.compile(
    r"^(?:([一二三四五六七八九十]{1,3})、|[(（]([一二三四五六七八九十]{1,3})[)）]|(\d{1,2})[.、．](?!\d))\s*"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A short quotation in a section's text, which a sub-head may quote.
_QUOTE = re.compile(r"“[^“”‘’。！？!?…；;：:、]{5,16}”")
# Three or more short items separated by 、 after a comma or colon, the last ending a clause.
_ENUMERATION = re.compile(
    r"(?<=[，,：:])((?:[^、，,。；;：:“”‘’()（）《》]{2,14}、){2,}[^、，,。；;：:“”‘’()（）《》]{2,14})"
    r"(?=[，,。；;])"
)
# Two or more titles in 《》 one after the other (a list of documents).
_TITLES = re.compile(r"(?:《[^《》]{2,20}》、?){2,}")
_CREDIT_WORDS = re.compile(r"^(?:图片来源|图源)\s*[:：]\s*|供图$")
_ROLE_WORD = re.compile(r"记者|通讯员|评论员|[文图]/|本报|本刊")
# A part of a paragraph must not read as another kind of line when it stands alone.
_LOOKS_SPECIAL = re.compile(
    r"^(?:[(（].*[)）]$|■|(?:本报|特约)?(?:记者|通讯员)\s|[文图]\s*/|编者按"
    r"|[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.、．])"
)


def ended(text: str) -> bool:
    """Whether `text` ends a sentence: 。！？…；： perhaps followed by closing quotes or
    brackets, or speech broken off by a dash and closed by its quote (——”)."""
    stripped = text.rstrip(CLOSERS)
    if stripped.endswith("——") and len(stripped) < len(text):
        return True
    return bool(stripped) and stripped[-1] in SENTENCE_END


def joins(head: str, tail: str) -> bool:
    """Whether an ideal reader joins two parts of a paragraph split by a break."""
    return not ended(head) or tail[:1] in NO_LINE_START


def widen(text: str, mode: str) -> str:
    """`text` with ，：；（）！？ set in one width ("half", "full") or left "as_is"; a mark
    between two ASCII letters or digits (1,000; 10:30) is left alone."""
    if mode == "as_is":
        return text
    out = text.translate(_TO_HALF if mode == "half" else _TO_FULL)
    kept = [m.start() for m in _BETWEEN_ASCII.finditer(text)]
    if kept:
        chars = list(out)
        for i in kept:
            chars[i] = text[i]
        out = "".join(chars)
    return out


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens - 1]) + "十" + (_CN[units - 1] if units else "")


# ---------------------------------------------------------------------------------------
# The pool


def source_articles(gold_dir: Path, stems: Iterable[str]) -> list[dict]:
    """The gold articles of the seeds named by `stems`, in file order (fresh copies)."""
    articles: list[dict] = []
    for stem in stems:
        gold = json.loads((Path(gold_dir) / f"{stem}.json").read_text(encoding="utf-8"))
        articles += copy.deepcopy(gold["articles"])
    return articles


def _pool_names(pool: list[dict]) -> list[str]:
    """Personal names in the pool's bylines (role words left out), then the closed list."""
    found: list[str] = []
    for article in pool:
        for token in (article.get("byline") or "").split():
            if not _ROLE_WORD.search(token) and 2 <= len(token) <= 4 and token not in found:
                found.append(token)
    return found + [n for n in NAMES if n not in found]


def _pool_orgs(pool: list[dict]) -> list[str]:
    """Organisation names in the pool: sources and picture credits (for credits, notes)."""
    found: list[str] = []
    for article in pool:
        names = [article.get("source")]
        for block in article["blocks"]:
            credit = block.get("credit") or ""
            names.append(_CREDIT_WORDS.sub("", credit))
        for name in names:
            if name and name not in found:
                found.append(name)
    return found


# ---------------------------------------------------------------------------------------
# Internal model: an issue being laid out


@dataclass
class _Style:
    """Issue-wide layout choices."""

    md: bool  # "## " marks on banners, headlines and sub-heads
    bold: bool  # "**" marks on run-in heads
    gap: int  # the file's usual blank lines between blocks
    width: str  # "as_is" | "half" | "full" | "mixed" (per article)
    break_rate: float
    lead_gap: int

    @classmethod
    def draw(cls, rng: random.Random) -> _Style:
        md = rng.random() < 0.45
        return cls(
            md=md,
            bold=rng.random() < (0.8 if md else 0.25),
            gap=2 if rng.random() < 0.2 else 1,
            width=rng.choices(["as_is", "half", "full", "mixed"], [4, 2.5, 2.5, 1])[0],
            break_rate=rng.uniform(0.04, 0.2),
            lead_gap=rng.choice([0, 1, 2, 2]),
        )

    @property
    def mark(self) -> str:
        return "## " if self.md else ""


@dataclass
class _Ctx:
    """What every layout step shares: the random stream, the issue's style, the pool's
    names and organisations, and the record of variants used."""

    rng: random.Random
    style: _Style
    names: list[str]
    orgs: list[str]
    variants: set[str] = field(default_factory=set)

    def extra_gap(self) -> int:
        """Blank lines of a page or column break: more than the file's usual gap."""
        return self.rng.choice([g for g in (2, 3, 3, 4) if g > self.style.gap])


@dataclass
class _Break:
    """A page or column break inside a paragraph, at `pos` of its text."""

    pos: int
    gap: int  # blank lines after the first part
    inside: str | None = None  # "figure" or "banner" set in the break
    figure: dict | None = None
    gap_after: int = 1


@dataclass
class _Page:
    """The printed blocks so far, each with the blank lines before it and the role of each
    of its lines (`ROLES`), and the banners printed again as running heads."""

    blocks: list[tuple[int, list[str], list[str]]] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)

    def add(self, gap: int, lines: list[str], roles: list[str]) -> None:
        assert len(lines) == len(roles) and set(roles) <= set(ROLES), roles
        self.blocks.append((gap, lines, roles))

    def text(self) -> str:
        return "\n".join(x for gap, lines, _ in self.blocks for x in [""] * gap + lines) + "\n"

    def roles(self) -> list[str]:
        return [role for _, _, roles in self.blocks for role in roles]


@dataclass
class _Art:
    """An article as it will be printed. Its blocks are gold blocks; keys starting with _
    are layout notes (_break, _cut, _number, _gap...) left out of the gold."""

    kicker: str | None
    title: list[str]
    blocks: list[dict]
    source: str | None  # the source it can print (None once lost or replaced)
    mode: str  # punctuation width
    byline: str | None = None
    byline_line: str | None = None  # as printed ("■ 本报记者 皮磊")
    signature: bool = False
    deck: str | None = None
    source_style: str | None = None  # "line" | "glued" | "moved" (before the headline) | None
    column: str | None = None
    moved: int = 0  # leading blocks printed before the headline
    cut: bool = False  # its last paragraph lost its ending
    lost: bool = False  # text lost before a skipped sub-head number
    numbered: bool = False  # sub-heads numbered
    under_figure: dict | None = None
    eof_figure: dict | None = None  # after the article's close (end of file or of a column)
    subtitle: bool = False  # the last title line is a subtitle ("——…")
    kicker_inline: bool = False  # kicker and title on one line ("…——…")
    asks: bool = False  # a headline line ends in ？ or ！
    dateline: bool = False  # the byline is a dateline run into the first paragraph
    interview: bool = False  # questions and answers
    brief: bool = False  # an item of a brief-news column
    photo: bool = False  # photo news: a headline over a captioned picture, and nothing more
    bold_title: bool = False  # headline lines wholly bold ("**…**")
    lone_title: bool = False  # one plain line after an article without sub-heads
    bold_heads: bool = False  # sub-head lines wholly bold
    banner_again: bool = False  # its column's banner printed again over it (a page head)
    figures_numbered: bool = False  # captions "图①：…"

    @property
    def closes(self) -> bool:
        """Whether the layout shows where this article ends (a source printed before its
        headline does not)."""
        notes = any(b["type"] == "note" for b in self.blocks)
        return self.cut or self.source_style in ("line", "glued") or self.signature or notes

    @property
    def top_byline(self) -> bool:
        return self.byline_line is not None and not self.signature

    @property
    def furniture(self) -> str:
        """The width of the furniture's marks (an as-is article sets them full width)."""
        return "half" if self.mode == "half" else "full"

    def parens(self) -> tuple[str, str]:
        return ("(", ")") if self.furniture == "half" else ("（", "）")


@dataclass(frozen=True)
class Simulated:
    """One simulated issue: its text, the exact gold parse and the variants it used."""

    seed: int
    text: str
    gold: dict  # contract shape, plus "repeated_banners" and "variants"
    variants: frozenset[str]
    roles: tuple[str, ...]  # of the text's lines that are not blank, in order (`ROLES`)

    @property
    def repeated_banners(self) -> list[str]:
        return self.gold["repeated_banners"]


# ---------------------------------------------------------------------------------------
# Headlines


def _phrases(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split headline lines into phrases at top-level spaces, commas and colons (the mark
    stays with the phrase before it) and between lines; also returns the kind of each
    boundary ("line", "space", "punct")."""
    segs: list[str] = []
    kinds: list[str] = []
    for line in filter(None, (x.strip() for x in lines)):
        if segs:
            kinds.append("line")
        depth, cur, opened = 0, "", len(segs)
        for ch in line:
            depth = max(depth + (ch in _OPEN) - (ch in _CLOSE), 0)
            if ch == " " and depth == 0:
                if cur:
                    segs.append(cur)
                    kinds.append("space")
                    cur = ""
                continue
            cur += ch
            if ch in "，,：:" and depth == 0:
                segs.append(cur)
                kinds.append("punct")
                cur = ""
        if cur:
            segs.append(cur)
        elif len(segs) > opened:
            kinds.pop()  # the line ended on a mark: the line break is that boundary
    return segs, kinds


def _join(segs: list[str], kinds: list[str], lo: int, hi: int) -> str:
    out = segs[lo]
    for k in range(lo, hi - 1):
        out += (" " if kinds[k] == "space" else "") + segs[k + 1]
    return out


def _line_ok(line: str, limit: int) -> bool:
    """A printable display line: 4..limit characters, some Han, no closing mark first."""
    return (
        4 <= len(line) <= limit
        and len(_HAN.findall(line)) >= 2
        and line[0] not in NO_LINE_START
        and not line.endswith(("——", "、"))
    )


def _wraps(segs: list[str], kinds: list[str], lines: int) -> list[list[str]]:
    """Every way to set the phrases in `lines` printed lines within display lengths."""
    found = []
    for cuts in itertools.combinations(range(len(kinds)), lines - 1):
        bounds = [0, *(c + 1 for c in cuts), len(segs)]
        wrapped = [_join(segs, kinds, a, b) for a, b in itertools.pairwise(bounds)]
        if all(_line_ok(x, 50 if lines == 1 else 36) for x in wrapped):
            found.append(wrapped)
    return found


def _quoted_starts(segs: list[str], kinds: list[str]) -> list[int]:
    """Where a headline could open on a quoted phrase of its own, leaving a title of some
    length: the phrases after the first that open with “."""
    return [
        k
        for k in range(1, len(segs))
        if segs[k].startswith("“") and len(_join(segs, kinds, k, len(segs))) >= 6
    ]


def _restyle_headline(art: _Art, ctx: _Ctx) -> None:
    """Kicker kept, folded into the title or made from a two-phrase title; the title
    re-wrapped in 1-3 lines at phrase boundaries."""
    rng, kicker = ctx.rng, art.kicker
    segs, kinds = _phrases(art.title)
    if kicker and rng.random() < 0.35:
        segs, kinds = _phrases([kicker, *art.title])
        kicker = None
    elif not kicker and rng.random() < 0.2:
        splits = [
            k
            for k, kind in enumerate(kinds)
            if kind in ("space", "line")
            and 5 <= len(_join(segs, kinds, 0, k + 1)) <= 30
            and len(_join(segs, kinds, k + 1, len(segs))) >= 6
        ]
        if splits:
            k = rng.choice(splits)
            kicker = _join(segs, kinds, 0, k + 1)
            segs, kinds = segs[k + 1 :], kinds[k + 1 :]
    elif not kicker and (quoted := _quoted_starts(segs, kinds)) and rng.random() < 0.3:
        k = rng.choice(quoted)  # the title opens on its quoted key phrase: “四维”聚力赋能
        segs, kinds = segs[k:], kinds[k:]
        ctx.variants.add("title_opens_quoted")
    options = {n: w for n in (1, 2, 3) if n - 1 <= len(kinds) and (w := _wraps(segs, kinds, n))}
    if not options:  # no wrap fits the display lengths: keep the printed lines
        return
    n = rng.choices(sorted(options), [{1: 4, 2: 4, 3: 2}[k] for k in sorted(options)])[0]
    if kicker and not art.kicker:
        ctx.variants.add("kicker_from_title")
    art.kicker, art.title = kicker, rng.choice(options[n])
    if len(art.title) > 1 and _move_exclamation(art, rng):
        ctx.variants.add("title_line_exclaims")
    _restyle_title_shape(art, ctx)


def _restyle_title_shape(art: _Art, ctx: _Ctx) -> None:
    """The kicker set as the main title over a subtitle line ("——" and the title), or run
    into a one-line title ("…——…"); a headline that asks or exclaims (its last line, or
    the main title over a subtitle, closed by ？ or ！)."""
    rng = ctx.rng
    if art.kicker and rng.random() < 0.3 and _line_ok(art.kicker, 36):
        segs, kinds = _phrases(art.title)
        subtitle = "——" + _join(segs, kinds, 0, len(segs))
        if len(subtitle) <= 46:
            art.title, art.kicker, art.subtitle = [art.kicker, subtitle], None, True
    elif (
        art.kicker
        and len(art.title) == 1
        and len(art.kicker) + len(art.title[0]) <= 56
        and rng.random() < 0.3
    ):
        art.kicker_inline = True
    k = 0 if art.subtitle else len(art.title) - 1
    line = art.title[k]
    if rng.random() < 0.08 and (_HAN.match(line[-1]) or line[-1] in "”》"):
        art.title[k] = line + widen(rng.choice(HEADLINE_MARKS), art.furniture)
        art.asks = True


def _move_exclamation(art: _Art, rng: random.Random) -> bool:
    """Move a ！ or ？ from inside a paragraph to the end of the first line of a stacked
    headline (a headline may ask or exclaim; the mark comes from the article itself)."""
    if art.title[0][-1] in "，,：:" or rng.random() < 0.5:
        return False
    for block in art.blocks:
        text = block.get("text", "") if block["type"] == "paragraph" else ""
        for i, ch in enumerate(text[:-3]):
            if ch in "！？!?":
                block["text"] = text[:i] + text[i + 1 :]
                art.title[0] += ch
                return True
    return False


# ---------------------------------------------------------------------------------------
# Sub-heads


def _heading_phrases(lines: list[str]) -> list[str]:
    """A sub-head's phrases: its lines, split again at top-level spaces."""
    out: list[str] = []
    for line in lines:
        segs, kinds = _phrases([line])
        start = 0
        for k, kind in enumerate(kinds):
            if kind == "space":
                out.append(_join(segs, kinds, start, k + 1))
                start = k + 1
        out.append(_join(segs, kinds, start, len(segs)))
    return out


def _first_comma(text: str) -> int | None:
    depth = 0
    for i, ch in enumerate(text[:-1]):
        depth = max(depth + (ch in _OPEN) - (ch in _CLOSE), 0)
        if ch in "，," and depth == 0 and i >= 2:
            return i + 1
    return None


def _number_headings(art: _Art) -> None:
    """Strip numbering from the pool's sub-heads, keeping the numbers when every one had
    one (a skipped number there shows text the seed lost)."""
    heads = [b for b in art.blocks if b["type"] == "heading"]
    numbers = []
    for head in heads:
        m = _NUMBERED.match(head["lines"][0])
        numbers.append(None)
        if m:
            digits = m.group(1) or m.group(2)
            numbers[-1] = int(m.group(3)) if m.group(3) else _CN.index(digits[-1]) + 1
            head["lines"][0] = head["lines"][0][m.end() :]
    if heads and all(numbers):
        for head, n in zip(heads, numbers, strict=True):
            head["_number"] = n


def _display_ok(line: str) -> bool:
    """A display line (headline or sub-head) is a phrase or two: not long, at most two
    clause separators, no full stop inside."""
    return (
        len(line) <= 64
        and "。" not in line.rstrip(CLOSERS)[:-1]
        and sum(line.count(c) for c in "，,、；;") <= 2
    )


def _heading_shapes(art: _Art, phrases: list[list[str]], ctx: _Ctx) -> dict[str, list]:
    """Each sub-head shape the article's series can take, with its lines for every
    sub-head, and how often it is drawn."""
    left, right = art.parens()
    comma = widen("，", art.furniture)
    space = " " if ctx.rng.random() < 0.3 else ""
    numbers = [h.get("_number") or k + 1 for k, h in enumerate(_headings(art))]
    joined = [" ".join(ph) for ph in phrases]

    def numbered(form) -> list[list[str]]:
        return [[form(n) + text] for n, text in zip(numbers, joined, strict=True)]

    shapes: dict[str, list] = {
        "numbered": [1.0, numbered(lambda n: f"{_cn(n)}、")],
        "numbered_paren": [1.0, numbered(lambda n: f"{left}{_cn(n)}{right}")],
        "numbered_arabic": [1.0, numbered(lambda n: f"{n}.{space}")],
        "numbered_arabic_comma": [0.7, numbered(lambda n: f"{n}、")],
    }
    if art.lost:  # only the numbers show that text was lost
        return shapes
    shapes["ordinal"] = [1.0, numbered(lambda n: f"第{_cn(n)}{comma}")]
    stacked, bare = [], ctx.rng.random() < 0.5  # a line's closing comma kept or not
    for ph in phrases:
        if len(ph) >= 2:
            stacked.append([ph[0], " ".join(ph[1:])])
        elif (at := _first_comma(ph[0])) is not None:
            stacked.append([ph[0][: at - bare], ph[0][at:]])
    if len(stacked) == len(phrases) and all(_line_ok(x, 36) for s in stacked for x in s):
        shapes["stacked"] = [2.0, stacked]
    if all(len(ph) >= 2 for ph in phrases):
        shapes["one_line_space"] = [1.0, [[text] for text in joined]]
    bullet = ctx.rng.choice("◆●")  # text, kept in the sub-head
    shapes["bulleted"] = [0.6, [[f"{bullet}{space}{text}"] for text in joined]]
    if all(len(ph) == 1 and _first_comma(ph[0]) for ph in phrases):
        shapes["one_line_comma"] = [1.0, [ph for ph in phrases]]
    if all(len(ph) == 2 and all(2 <= len(x) <= 14 for x in ph) for ph in phrases):
        shapes["comma_joined"] = [1.0, [[ph[0] + comma + ph[1]] for ph in phrases]]
        ask = widen("？", art.furniture)  # the first phrase asks: 积分怎么定？群众说了算
        shapes["asks"] = [0.8, [[ph[0] + ask + ph[1]] for ph in phrases]]
    if any(len(ph) >= 2 for ph in phrases) and all(
        4 <= len(ph[0]) <= 14 and ph[0][-1] not in SENTENCE_END + "，," for ph in phrases
    ):
        shapes["short"] = [1.0, [[ph[0]] for ph in phrases]]
    quotes = _section_quotes(art)
    if any(quotes):
        lines = []
        for k, ph in enumerate(phrases):
            if quotes[k] and _line_ok(ph[-1], 36):
                lines.append([quotes[k], ph[-1]])
            else:
                lines.append(stacked[k] if len(stacked) == len(phrases) else [joined[k]])
        shapes["quoted"] = [1.5, lines]
    return shapes


def _headings(art: _Art) -> list[dict]:
    return [b for b in art.blocks if b["type"] == "heading"]


def _restyle_headings(art: _Art, ctx: _Ctx) -> None:
    """Set the article's sub-heads as one series of one shape: numbered 一、/（一）/1./1、,
    第一，, two stacked lines, one line of two phrases (space, or joined by a comma), one
    phrase alone, or a quotation from the section over its last phrase; sometimes bold.
    Every line stays a display line."""
    heads = _headings(art)
    if not heads:
        return
    rng = ctx.rng
    phrases = [_heading_phrases(h["lines"]) for h in heads]
    shapes = _heading_shapes(art, phrases, ctx)
    fit = {
        name: shape
        for name, shape in shapes.items()
        if all(_display_ok(line) for lines in shape[1] for line in lines)
    }
    shapes = fit or shapes
    names = sorted(shapes)
    shape = rng.choices(names, [shapes[n][0] for n in names])[0]
    art.numbered = shape.startswith("numbered")
    for head, lines in zip(heads, shapes[shape][1], strict=True):
        head["lines"] = lines
    art.bold_heads = rng.random() < 0.15
    ctx.variants.add(f"subhead_{shape}")
    ctx.variants.add("subhead_marked" if ctx.style.md else "subhead_plain")
    if art.bold_heads:
        ctx.variants.add("subhead_bold")
    if any(line.endswith(("，", ",")) for h in heads for line in h["lines"]):
        ctx.variants.add("subhead_line_comma")


def _section_quotes(art: _Art) -> list[str | None]:
    """For each sub-head, a short quotation from its section's paragraphs (a sub-head may
    quote what someone said there), each used once."""
    found: list[str | None] = []
    used: set[str] = set()
    for block in art.blocks:
        if block["type"] == "heading":
            found.append(None)
        elif found and found[-1] is None and block["type"] == "paragraph":
            for match in _QUOTE.finditer(block["text"]):
                if match.group() not in used:
                    found[-1] = match.group()
                    used.add(match.group())
                    break
    return found


def _leads_to_headings(art: _Art, ctx: _Ctx) -> None:
    """Run-in heads (bold in the pool, or short first sentences of paragraphs after the
    first) set as sub-heads over their paragraphs, without their full stop."""
    if art.interview or any(b["type"] == "heading" for b in art.blocks):
        return
    paragraphs = [b for b in art.blocks if b["type"] == "paragraph" and "_cut" not in b]
    found = {id(p): p["lead"] for p in paragraphs if p.get("lead")}
    if len(found) < 2:
        found = {}
        for p in paragraphs[1:]:
            at = p["text"].find("。") + 1
            head = p["text"][:at]
            if 8 <= at <= 24 and len(p["text"]) - at >= 20 and head.count("“") == head.count("”"):
                found[id(p)] = head
    if len(found) < 2 or ctx.rng.random() > 0.45:
        return
    blocks = []
    for block in art.blocks:
        if id(block) in found:
            head = found[id(block)]
            text = block["text"] if block.get("lead") else block["text"][len(head) :]
            blocks.append({"type": "heading", "lines": [head.rstrip("。.")]})
            block = {**block, "text": text}
            block.pop("lead", None)
        blocks.append(block)
    art.blocks = blocks
    ctx.variants.add("subhead_from_leads")


def _settle_lost_text(art: _Art) -> None:
    """A pool paragraph that stops mid-sentence lost its ending (the seed lost text there).
    Keep it only where layout shows the loss: at the article's end, or right before a
    sub-head whose number skips; otherwise the article now ends with it."""
    blocks = art.blocks
    for i, block in enumerate(blocks):
        if block["type"] != "paragraph" or ended(block["text"]):
            continue
        rest = [j for j in range(i + 1, len(blocks)) if blocks[j]["type"] != "figure"]
        if not rest:
            break
        nxt = next((j for j in rest if blocks[j]["type"] == "heading"), None)
        before = [b["_number"] for b in blocks[:i] if b["type"] == "heading" and "_number" in b]
        if nxt is not None and before and blocks[nxt].get("_number", 0) > before[-1] + 1:
            del blocks[i + 1 : nxt]
            block["_cut"] = art.lost = True
        else:
            del blocks[i + 1 :]
        break
    body = [b for b in blocks if b["type"] != "figure"]
    if body and body[-1]["type"] == "paragraph" and not ended(body[-1]["text"]):
        body[-1]["_cut"] = art.cut = True


# ---------------------------------------------------------------------------------------
# Bylines, decks, leads, how an article closes


def _restyle_byline(art: _Art, pool_byline: str | None, ctx: _Ctx, force: bool = False) -> None:
    """A byline in one of the roles newspapers print, marked with ■ (or the text marks □, ◎) or
    not; names from the pool's bylines or the closed list."""
    rng = ctx.rng
    own = [t for t in (pool_byline or "").split() if not _ROLE_WORD.search(t)]
    if not force and (
        (pool_byline and rng.random() < 0.15) or (not pool_byline and rng.random() > 0.3)
    ):
        return
    who = own or rng.sample(ctx.names[:12], rng.choice([1, 1, 1, 2]))
    first, others = who[0], [n for n in ctx.names if n not in who]
    forms = {
        "reporter": f"本报记者 {' '.join(who)}",
        "publication": f"{rng.choice(PUBLICATIONS)}全媒体记者 {' '.join(who)}",
        "special": f"特约记者 {first}",
        "correspondent": f"通讯员 {' '.join(who)}",
        "reporter_correspondent": f"本报记者 {first} 通讯员 {rng.choice(others)}",
        "correspondent_special": f"本报通讯员 {first} 特约记者 {rng.choice(others)}",
        "text_photo": f"文/图 {first}",
        "text": f"文/{' '.join(who)}",
        "bare": " ".join(who),
        "trainee": f"本报见习记者 {first}",
        "intern": f"本报记者 {first} 实习生 {rng.choice(others)}",
        "post": f"{rng.choice(['', '中共'])}{rng.choice(POST_PLACES)}{rng.choice(POST_BODIES)}"
        f"{rng.choice(POSTS)}{rng.choice([' ', ' ', ''])}{first}",
    }
    kind = "as_is" if pool_byline and rng.random() < 0.4 else rng.choice(sorted(forms))
    byline = pool_byline if kind == "as_is" else forms[kind]
    role = bool(_ROLE_WORD.search(byline))
    # Names alone are told by their ■ only; a post before the name also by its shape.
    marked = not role and kind != "post" or rng.random() < 0.75
    if marked and rng.random() < 0.12:  # □ and ◎ are text, not markup: they stay in the byline
        byline = rng.choice("□◎") + " " + byline
        ctx.variants.add("byline_square")
    art.byline, art.byline_line, art.signature = byline, byline, False
    if marked and not byline.startswith(("□", "◎")):
        art.byline_line = "■ " + byline
    if kind == "as_is":
        kind = "reporter" if role else "bare"
    ctx.variants.add("byline_" + ("correspondent" if "correspondent" in kind else kind))
    if not marked:
        ctx.variants.add("byline_unmarked")
    if len(byline.split()) - role - byline.startswith(("□", "◎")) >= 2:
        ctx.variants.add("byline_several")


def _restyle_dateline(art: _Art, ctx: _Ctx) -> None:
    """A news story's dateline credit run into its first paragraph ("本报讯（记者 …）…"):
    the article's byline."""
    rng = ctx.rng
    first = art.blocks[0] if art.blocks else {}
    if art.byline or art.interview or rng.random() > 0.1:
        return
    if first.get("type") != "paragraph" or first.get("lead") or len(first["text"]) < 30:
        return
    if "_list" in first or _LOOKS_SPECIAL.match(first["text"]):
        return
    left, right = art.parens()
    a, b = rng.sample(ctx.names[:12], 2)
    forms = [
        f"本报讯{left}记者 {a}{right}",
        f"本报讯{left}记者 {a} 通讯员 {b}{right}",
        f"{rng.choice(PUBLICATIONS)}讯{left}记者 {a}{right}",
        f"本报讯{left}通讯员 {a} {b}{right}",
    ]
    art.byline, art.dateline = rng.choice(forms), True


def _restyle_deck(art: _Art, pool_deck: str | None, ctx: _Ctx) -> None:
    """An editor's note (编者按：…) under the headline, or the first paragraph as a
    summary over the byline; a summary without a byline under it reads as the first
    paragraph, so it is printed as one."""
    rng, note = ctx.rng, widen(EDITORS_NOTE, art.mode)
    deck = widen(pool_deck, art.mode) if pool_deck else None
    first = art.blocks[0] if len(art.blocks) > 2 else {}
    plain = first.get("type") == "paragraph" and not first.get("lead")
    if plain and rng.random() < 0.1 and len(first["text"]) <= 220:
        deck = note + art.blocks.pop(0)["text"]
    elif (
        deck is None
        and plain
        and art.top_byline
        and rng.random() < 0.3
        and len(first["text"]) <= 150
    ):
        deck = art.blocks.pop(0)["text"] if ended(first["text"]) else None
    if deck and not art.top_byline and not deck.startswith(note):
        art.blocks.insert(0, {"type": "paragraph", "text": deck})
        deck = None
    art.deck = deck


def _restyle_leads(art: _Art, ctx: _Ctx) -> None:
    """Bold run-in heads: kept (and made from short first sentences) where the file marks
    them with **, sometimes numbered within their section (**1.…。**); without the marks
    nothing shows them, so they stay in the text."""
    paragraphs = [b for b in art.blocks if b["type"] == "paragraph"]
    if not ctx.style.bold:
        for p in paragraphs:
            p["text"] = (p.pop("lead", None) or "") + p["text"]
        return
    if art.interview:
        return
    rng = ctx.rng
    if not any(p.get("lead") for p in paragraphs) and rng.random() < 0.5:
        found = []
        for p in paragraphs[1:]:
            at = p["text"].find("。") + 1
            lead = p["text"][:at]
            if 4 <= at <= 22 and len(p["text"]) - at >= 10 and lead.count("“") == lead.count("”"):
                found.append((p, at))
        if len(found) >= 2:
            for p, at in found:
                p["lead"], p["text"] = p["text"][:at], p["text"][at:]
    heads = [b["lines"][0] for b in art.blocks if b["type"] == "heading"]
    leads = [p for p in paragraphs if p.get("lead")]
    if len(leads) >= 2 and not any(h[:1].isdigit() for h in heads) and rng.random() < 0.3:
        n = 0
        for block in art.blocks:
            if block["type"] == "heading":
                n = 0
            elif block.get("lead"):
                n += 1
                block["lead"] = f"{n}.{block['lead']}"
        ctx.variants.add("lead_numbered")


def _restyle_close(art: _Art, ctx: _Ctx) -> None:
    """How the article closes: its source on a line of its own, glued to the last
    paragraph, not printed or printed as a note ("（来源：X）"); or an author's note; or
    the byline signed under the body, a staff commentary's signature too (■ 本报评论员)."""
    rng = ctx.rng
    if art.cut or any(b["type"] == "note" for b in art.blocks):
        art.source = None
    elif art.byline is None and not art.interview and not _headings(art) and rng.random() < 0.09:
        art.byline, art.signature, art.source = rng.choice(STAFF), True, None
        first = art.blocks[0]
        plain = first["type"] == "paragraph" and not first.get("lead") and "_list" not in first
        if art.deck is None and plain and len(art.blocks) > 2 and rng.random() < 0.5:
            art.deck = widen(EDITORS_NOTE, art.mode) + art.blocks.pop(0)["text"]
    elif art.byline and not art.deck and not art.dateline and not art.byline.startswith(("□", "◎")):
        # An author's note goes mostly with a byline of names (文/ or not).
        names = not _ROLE_WORD.search(art.byline) or art.byline.startswith("文/")
        if rng.random() < (0.55 if names else 0.12):
            art.blocks.append(_author_note(art, ctx))
            art.source = None
        elif rng.random() < 0.2:
            art.signature, art.source = True, None
        elif art.source:
            art.source_style = rng.choices(["line", "glued", None], [6, 2, 2])[0]
    elif (
        art.byline is None and not art.interview and rng.random() < 0.06 and _sign_notice(art, ctx)
    ):
        pass
    elif art.source and rng.random() < 0.07:
        colon = widen("：", art.furniture)
        text = widen(f"（来源{colon}{art.source}）", art.furniture)
        art.blocks.append({"type": "note", "text": text, "_form": "source"})
        art.source = None
    elif art.source:
        art.source_style = rng.choices(["line", "glued", None], [6, 2, 2])[0]


def _sign_notice(art: _Art, ctx: _Ctx) -> bool:
    """A notice or decision signed under its body by the bodies that issue it, with the date
    on the line below (both paragraphs of the notice)."""
    rng, last = ctx.rng, art.blocks[-1] if art.blocks else {}
    if last.get("type") != "paragraph" or not ended(last["text"]):
        return False
    place = rng.choice(POST_PLACES)
    bodies = rng.sample(
        ["委组织部", "委社会工作部", "民政局", "委宣传部", "人社局"], rng.choice([1, 2])
    )
    issuer = rng.choice(["\u3000", " ", "  "]).join(
        f"{rng.choice(['', '中共'])}{place}{b}" for b in bodies
    )
    date = f"{rng.randint(2019, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    for text in (issuer, date):
        art.blocks.append({"type": "paragraph", "text": text, "_signed": True})
    ctx.variants.add("signed_notice")
    return True


def _sidebar_box(art: _Art, ctx: _Ctx) -> None:
    """The last paragraph set apart in a box under a label (相关链接, 编后): a sub-head."""
    rng, last = ctx.rng, art.blocks[-1] if art.blocks else {}
    paragraphs = sum(b["type"] == "paragraph" for b in art.blocks)
    plain = last.get("type") == "paragraph" and not last.get("lead") and "_list" not in last
    if paragraphs < 3 or not plain or not ended(last["text"]) or rng.random() > 0.05:
        return
    label = widen(rng.choice(SIDEBAR_LABELS), art.mode)
    art.blocks.insert(len(art.blocks) - 1, {"type": "heading", "lines": [label], "_sidebar": True})
    ctx.variants.add("subhead_sidebar")


def _author_note(art: _Art, ctx: _Ctx) -> dict:
    """A note on the authors: 作者（均/分别）系 an organisation's role, 作者单位, in
    parentheses or not."""
    rng = ctx.rng
    several = len(art.byline.removeprefix("文/").split()) >= 2
    verb = rng.choice(["均系", "分别系"]) if several else "系"
    org, role = rng.choice(ctx.orgs), rng.choice(NOTE_ROLES)
    form = rng.choices(["is", "unit", "bare"], [2, 3, 2])[0]
    text = {
        "is": f"（作者{verb}{org}{role}）",
        "unit": f"（作者单位：{org}）",
        "bare": f"作者{'均系' if several else '系'}{org}{role}",  # told by its words only
    }[form]
    return {"type": "note", "text": widen(text, art.furniture), "_form": form}


# ---------------------------------------------------------------------------------------
# Body forms: interviews and lists


def _restyle_body(art: _Art, ctx: _Ctx) -> None:
    """Some articles set part of their body in another form: questions and answers, a list
    announced with a colon, run-in heads as sub-heads."""
    roll = ctx.rng.random()
    if roll < 0.06:
        _make_interview(art, ctx)
    elif roll < 0.095:
        _make_list_items(art, ctx)
    elif roll < 0.21:
        _make_list_clauses(art, ctx)
    _leads_to_headings(art, ctx)


def _sentence_end(text: str, start: int = 0) -> int | None:
    """The index after the first sentence end (。！？；) at or after `start`, outside
    quotes and brackets."""
    depth = 0
    for i, ch in enumerate(text):
        depth = max(depth + (ch in _OPEN) - (ch in _CLOSE), 0)
        if i >= start and depth == 0 and ch in "。！？!?；;":
            return i + 1
    return None


def _top_level(text: str, i: int) -> bool:
    """Whether position i of the text is outside quotes and brackets."""
    depth = 0
    for ch in text[:i]:
        depth = max(depth + (ch in _OPEN) - (ch in _CLOSE), 0)
    return depth == 0


def _make_interview(art: _Art, ctx: _Ctx) -> None:
    """Questions and answers: a paragraph's short first sentence asked (its stop turned
    into ？), the rest of it answered, marked 问：/答： or with bold run-in speakers
    (**记者：** and the interviewee's name); perhaps a note of who compiled it."""
    rng = ctx.rng
    colon, ask = widen("：", art.furniture), widen("？", art.furniture)
    leads = ctx.style.bold and rng.random() < 0.8
    who, compiler = rng.sample(ctx.names[:12], 2)
    blocks, pairs = [], 0
    for i, block in enumerate(art.blocks):
        text = block.get("text", "")
        at = _sentence_end(text) if block["type"] == "paragraph" else None
        if (
            i == 0
            or at is None
            or block.get("lead")
            or "_cut" in block
            or not 8 <= at <= 50
            or text[at - 1] != "。"
            or len(text) - at < 20
        ):
            blocks.append(block)
            continue
        question, answer = text[: at - 1] + ask, text[at:]
        if leads:
            blocks.append({"type": "paragraph", "lead": INTERVIEWER + colon, "text": question})
            blocks.append({"type": "paragraph", "lead": who + colon, "text": answer})
        else:
            blocks.append({"type": "paragraph", "text": QA_MARKS[0] + colon + question})
            blocks.append({"type": "paragraph", "text": QA_MARKS[1] + colon + answer})
        pairs += 1
    if pairs < 2:
        return
    art.blocks, art.interview = blocks, True
    ctx.variants.add("interview_leads" if leads else "interview_marks")
    if not art.cut and rng.random() < 0.7:
        left, right = art.parens()
        text = f"{left}本报记者 {compiler} 整理{right}"
        art.blocks.append({"type": "note", "text": text, "_form": "compiled"})


def _list_runs(text: str) -> list[tuple[int, int, list[str]]]:
    """Runs of short items a list may set one a line: three or more separated by 、 after a
    comma or colon, or two or more titles in 《》; for each, where the text announcing it
    ends, where the run ends, and its items."""
    runs = [(m.start() - 1, m.end(), m.group(1).split("、")) for m in _ENUMERATION.finditer(text)]
    for m in _TITLES.finditer(text):
        runs.append((m.start(), m.end(), re.findall(r"《[^《》]+》", m.group())))
    return sorted(runs)


def _make_list_items(art: _Art, ctx: _Ctx) -> None:
    """A list: a paragraph's run of short items (、 or 《》) set one item a line, each a
    paragraph of its own, announced by the text before them ending in a colon; the last
    item runs to the end of its sentence, and the rest of the paragraph follows."""
    for i, block in enumerate(art.blocks):
        if i == 0 or block["type"] != "paragraph" or block.get("lead") or "_cut" in block:
            continue
        text = block["text"]
        for cut, stop, items in _list_runs(text):
            if cut < 8 or not _top_level(text, cut):
                continue
            end = _sentence_end(text, stop) or len(text)
            items = [*items[:-1], items[-1] + text[stop:end]]
            if not ended(items[-1]):
                continue
            announce = text[:cut].rstrip("，,：:") + widen("：", art.furniture)
            parts = [announce, *items] + ([text[end:]] if text[end:] else [])
            art.blocks[i : i + 1] = [{"type": "paragraph", "text": x, "_list": True} for x in parts]
            ctx.variants.add("list_items")
            return


def _make_list_clauses(art: _Art, ctx: _Ctx) -> None:
    """A list of clauses: after a colon, each clause up to its ；(or the paragraph's end) a
    paragraph of its own."""
    for i, block in enumerate(art.blocks):
        if i == 0 or block["type"] != "paragraph" or block.get("lead") or "_cut" in block:
            continue
        text = block["text"]
        colon = next(
            (k for k, ch in enumerate(text) if ch in "：:" and k >= 6 and _top_level(text, k)),
            None,
        )
        if colon is None:
            continue
        parts, start = [text[: colon + 1]], colon + 1
        while start < len(text):
            end = _sentence_end(text, start) or len(text)
            if text[end - 1 : end] not in ("；", ";"):
                end = len(text)
            parts.append(text[start:end])
            start = end
        if len(parts) >= 4 and all(len(x) >= 6 for x in parts):
            art.blocks[i : i + 1] = [{"type": "paragraph", "text": x, "_list": True} for x in parts]
            ctx.variants.add("list_clauses")
            return


def _restyle(source: dict, ctx: _Ctx) -> _Art:
    """One pool article restyled: width, headline, body form, sub-heads, leads, byline,
    deck, dateline and how it closes."""
    style = ctx.style
    mode = style.width if style.width != "mixed" else ctx.rng.choice(["as_is", "half", "full"])
    blocks = copy.deepcopy(source["blocks"])
    for b in blocks:
        for key in ("text", "lead", "caption", "credit"):
            if b.get(key):
                b[key] = widen(b[key], mode)
        if "lines" in b:
            b["lines"] = [widen(x, mode) for x in b["lines"]]
    src = source.get("source")
    art = _Art(
        kicker=widen(source["kicker"], mode) if source.get("kicker") else None,
        title=[widen(x, mode) for x in source["title"]],
        blocks=blocks,
        source=widen(src, mode) if src else None,
        mode=mode,
    )
    _number_headings(art)
    _settle_lost_text(art)
    _restyle_headline(art, ctx)
    _restyle_body(art, ctx)
    _restyle_headings(art, ctx)
    _restyle_leads(art, ctx)
    _sidebar_box(art, ctx)
    _restyle_byline(art, source.get("byline"), ctx)
    _restyle_deck(art, source.get("deck"), ctx)
    _restyle_dateline(art, ctx)
    _restyle_close(art, ctx)
    return art


# ---------------------------------------------------------------------------------------
# Damage


def _cuttable(block: dict) -> bool:
    return block["type"] == "paragraph" and len(block["text"]) > 60 and "_break" not in block


def _cut_paragraph(block: dict, rng: random.Random) -> bool:
    """Text lost for good after some point of the paragraph, mid-sentence (so layout shows
    it). No break goes inside it later: that would leave two places the text may be lost."""
    text = block["text"]
    for _ in range(20):
        pos = rng.randint(41, len(text) - 8)
        head = text[:pos]
        if not head[-1].isspace() and not text[pos].isspace() and not ended(head):
            block["text"], block["_cut"] = head, True
            return True
    return False


def _cut_end(art: _Art, rng: random.Random) -> bool:
    """The article's last paragraph loses its ending; whatever followed it is lost too."""
    last = max((i for i, b in enumerate(art.blocks) if b["type"] == "paragraph"), default=-1)
    if (
        last < art.moved
        or not _cuttable(art.blocks[last])
        or not _cut_paragraph(art.blocks[last], rng)
    ):
        return False
    del art.blocks[last + 1 :]
    art.cut, art.source_style, art.source = True, None, None
    if art.signature:
        art.signature, art.byline, art.byline_line = False, None, None
    return True


def _drop_section(art: _Art, rng: random.Random) -> bool:
    """Lose a middle section of a numbered series, cutting the paragraph before it."""
    heads = [i for i, b in enumerate(art.blocks) if b["type"] == "heading" and "_sidebar" not in b]
    if art.lost or not art.numbered or len(heads) < 3:
        return False
    choices = [k for k in range(1, len(heads) - 1) if _cuttable(art.blocks[heads[k] - 1])]
    if not choices:
        return False
    k = rng.choice(choices)
    if not _cut_paragraph(art.blocks[heads[k] - 1], rng):
        return False
    section = art.blocks[heads[k] : heads[k + 1]]
    del art.blocks[heads[k] : heads[k + 1]]
    art.lost = True
    if rng.random() < 0.4 and (tail := _lost_head(section, rng)) is not None:
        art.blocks.insert(heads[k], tail)  # the lost text ends inside the section's last paragraph
    return True


def _lost_head(section: list[dict], rng: random.Random) -> dict | None:
    """The rest of a lost section's last paragraph, from mid-sentence on (its head was lost
    with the section): a paragraph of its own, perhaps cut at its end too."""
    last = next((b for b in reversed(section) if b["type"] == "paragraph"), None)
    if last is None or last.get("lead") or len(last["text"]) < 60:
        return None
    text = last["text"]
    for _ in range(20):
        pos = rng.randint(10, len(text) - 30)
        tail = text[pos:]
        if ended(text[:pos]) or tail[0] in NO_LINE_START or tail[0].isspace():
            continue
        if _LOOKS_SPECIAL.match(tail) or text[pos - 1].isspace():
            continue
        block = {"type": "paragraph", "text": tail, "_lost_head": True}
        if len(tail) > 60 and rng.random() < 0.5:
            _cut_paragraph(block, rng)
        return block
    return None


def _break_pos(text: str, rng: random.Random) -> int | None:
    """A character of the text where a break may fall: any, but not beside a space and not
    leaving a part that reads as a byline, note, numbered line or kicker. A break right
    after a sentence, or before a mark no line starts with, is drawn more often than chance
    would (each reads differently)."""
    kind, tries = rng.random(), []
    if kind < 0.25:
        tries = [
            p
            for p in range(1, len(text))
            if text[p] not in CLOSERS
            and (text[p - 1] in SENTENCE_END or (text[p - 1] in CLOSERS and ended(text[:p])))
        ]
    elif kind < 0.4:
        tries = [p for p in range(1, len(text)) if text[p] in NO_LINE_START]
    tries = [rng.choice(tries)] if tries else []
    for pos in tries + [rng.randint(1, len(text) - 1) for _ in range(12)]:
        head, tail = text[:pos], text[pos:]
        if head[-1].isspace() or tail[0].isspace() or head.endswith("—"):
            continue
        if not _LOOKS_SPECIAL.match(tail) and not _LOOKS_SPECIAL.match(head):
            return pos
    return None


def _can_break(art: _Art, i: int) -> bool:
    block = art.blocks[i]
    return (
        block["type"] == "paragraph"
        and i >= art.moved
        and "_break" not in block
        and "_cut" not in block
        and "_list" not in block
        and "_signed" not in block
        and len(block["text"]) >= 8
    )


# ---------------------------------------------------------------------------------------
# Figures

_PHOTO_CREDITS = ("photo", "name", "staff")


def _restyle_figure(figure: dict, art: _Art, ctx: _Ctx, credited: bool = False) -> dict:
    """A caption with its credit restyled: none (never when `credited`), 图片来源, 供图, a
    news agency's 发 or a photographer's 摄, in parentheses on the caption's line or the
    next; a photographer's credit may also stand without parentheses on the next line or
    run into the caption ("…。X/摄", "…。图/X"), and is then caption text. A caption with a
    credit may end in 。, and may open with 图为. Gold "caption" is what the contract keeps;
    "_print" what the caption's lines print."""
    rng = ctx.rng
    org = _CREDIT_WORDS.sub("", figure.get("credit") or "") or art.source or rng.choice(ctx.orgs)
    kinds = ["none", "source", "supplied", "photo", "name", "staff", "agency", "by", "file"]
    kind = rng.choices(kinds, [0 if credited else 3, 2.5, 2.5, 1, 0.8, 0.7, 0.6, 0.8, 0.4])[0]
    colon = "：" if art.mode == "full" else ":"
    name = rng.choice(ctx.names)
    by = rng.choice([f"图/{org}", f"摄影{colon}{name}", f"图/{name}"])
    credit = {
        "none": "",
        "source": f"图片来源{colon}{org}",
        "supplied": f"{org}供图",
        "photo": f"记者 {name} 摄",
        "name": f"{name} 摄",
        "staff": f"本报记者 {name} 摄",
        "agency": f"{rng.choice(AGENCIES)}发",
        "by": by,
        "file": "资料图" if rng.random() < 0.7 else "资料图片",
    }[kind]
    credit = widen(credit, art.mode) or None
    caption = widen(figure["caption"], art.mode)
    if not caption.startswith("图") and rng.random() < 0.08:
        caption = "图为" + caption
    out = {"type": "figure", "caption": caption, "credit": credit, "_kind": kind, "_bare": None}
    if kind in _PHOTO_CREDITS and rng.random() < 0.3:
        if rng.random() < 0.45:  # run into the caption: "…内容。吴立新/摄"
            out["caption"] = caption + ("。" if rng.random() < 0.5 else "") + f"{name}/摄"
            out["_kind"] = "glued"
        else:  # on the next line without parentheses; the contract joins it to the caption
            out["caption"], out["_bare"] = caption + credit, credit
        out["credit"] = None
    elif kind == "by" and rng.random() < 0.3:  # run in after the last sentence: "…。图/X"
        out["caption"], out["_kind"], out["credit"] = f"{caption}。{credit}", "glued", None
    elif credit and rng.random() < 0.25:
        out["caption"] += "。"
    out["_print"] = out["caption"][: len(out["caption"]) - len(out["_bare"] or "")]
    out["_same_line"] = rng.random() < 0.55
    return out


def _credited(figure: dict) -> bool:
    """Whether a credit line or mark sets the caption apart from the text."""
    return bool(figure["credit"] or figure["_bare"])


def _finish_figures(art: _Art, ctx: _Ctx) -> None:
    """Once placed: the article's captions perhaps numbered in print order (图①：…), and
    some long ones wrapped in two lines."""
    rng = ctx.rng
    figures = [art.under_figure] if art.under_figure else []
    for block in art.blocks:
        if block["type"] == "figure":
            figures.append(block)
        elif (brk := block.get("_break")) and brk.figure:
            figures.append(brk.figure)
    if art.eof_figure:
        figures.append(art.eof_figure)
    art.figures_numbered = bool(figures) and not art.photo and rng.random() < 0.15
    for n, figure in enumerate(figures):
        if art.figures_numbered and n < len(FIGURE_NUMBERS) and figure["caption"][0] != "图":
            prefix = f"图{FIGURE_NUMBERS[n]}" + widen("：", art.furniture)
            figure["caption"] = prefix + figure["caption"]
            figure["_print"] = prefix + figure["_print"]
            figure["_numbered"] = True
        text = figure["_print"]
        if len(text) >= 16 and rng.random() < 0.3:
            wraps = [
                p
                for p in range(len(text) * 2 // 5, len(text) * 3 // 4)
                if text[p] not in NO_LINE_START
                and not text[p].isspace()
                and not text[p - 1].isspace()
                and text[p - 1] != "—"
                and _top_level(text, p)
            ]
            figure["_wrap"] = rng.choice(wraps) if wraps else None


def _figure_lines(figure: dict, art: _Art, ctx: _Ctx) -> tuple[list[str], list[str]]:
    """The figure's lines and their roles: caption lines, then a credit line in
    parentheses or a photographer's credit without them."""
    variants, text, credit = ctx.variants, figure["_print"], figure["credit"]
    at = figure.get("_wrap")
    lines = [text[:at], text[at:]] if at else [text]
    roles = ["caption"] * len(lines)
    if at:
        variants.add("caption_two_lines")
    if figure.get("_numbered"):
        variants.add("caption_numbered")
    if "图为" in text[:5]:
        variants.add("caption_figure_is")
    if text.endswith("。"):
        variants.add("caption_full_stop")
    if figure["_kind"] == "glued":
        variants.add("figure_credit_glued")
        return lines, roles
    if figure["_bare"]:
        variants.add("figure_credit_bare")
        return [*lines, figure["_bare"]], [*roles, "credit"]
    if not credit:
        variants.add("figure_no_credit")
        return lines, roles
    variants.add(f"figure_credit_{figure['_kind']}")
    left, right = art.parens()
    if figure["_same_line"]:
        variants.add("figure_credit_same_line")
        return [*lines[:-1], f"{lines[-1]}{left}{credit}{right}"], roles
    variants.add("figure_credit_next_line")
    return [*lines, f"{left}{credit}{right}"], [*roles, "credit"]


def _place_figure(figure: dict, art: _Art, end: str | None, ctx: _Ctx) -> None:
    """Put a figure in a paragraph's break, under the headline, between two paragraphs or
    before a sub-head, at the end of the file or at the end of an article whose column ends
    there (`end`). A
    caption without a credit goes only where a break's extra blank lines set it apart, and
    never under a headline (it would read as a deck)."""
    rng, blocks = ctx.rng, art.blocks
    in_break = [i for i in range(len(blocks)) if _can_break(art, i)]
    between, before_subhead = [], []
    for i in range(art.moved + 1, len(blocks)):
        before, kind = blocks[i - 1], blocks[i]["type"]
        if before["type"] != "paragraph" or not ended(before["text"]) or "_list" in blocks[i]:
            continue
        if kind == "paragraph":
            between.append(i)
        elif kind == "heading" and "_list" not in before:
            before_subhead.append(i)
    places = ["in_break"] * 3 * bool(in_break) + ["between"] * 2 * bool(between)
    places += ["before_subhead"] * bool(before_subhead)
    if _credited(figure) and art.under_figure is None and not art.dateline:
        places.append("under_headline")
    if end and not art.cut and art.eof_figure is None:
        places += [end] * (2 if end == "end_of_file" else 6)
    if not places:
        return
    place = rng.choice(places)
    if place == "in_break":
        i = rng.choice(in_break)
        if (pos := _break_pos(blocks[i]["text"], rng)) is None:
            return
        gap = ctx.extra_gap() if not _credited(figure) or rng.random() < 0.7 else ctx.style.gap
        blocks[i]["_break"] = _Break(pos, gap, "figure", figure, ctx.style.gap)
    elif place in ("between", "before_subhead"):
        figure["_gap"] = ctx.extra_gap() if not _credited(figure) else ctx.style.gap
        blocks.insert(rng.choice(between if place == "between" else before_subhead), figure)
    elif place == "under_headline":
        art.under_figure = figure
    else:
        usual = place == "end_of_article" and _credited(figure) and rng.random() < 0.6
        figure["_gap"] = ctx.style.gap if usual else ctx.extra_gap()
        art.eof_figure = figure
    ctx.variants.add(f"figure_{place}")


# ---------------------------------------------------------------------------------------
# The issue


def simulate(pool: list[dict], seed: int) -> Simulated:
    """Lay out and damage one issue from `pool` (gold articles in the contract's shape),
    deterministically from `seed`."""
    if len(pool) < 2:
        raise ValueError("an issue needs a pool of at least two articles")
    rng = random.Random(seed)
    style = _Style.draw(rng)
    ctx = _Ctx(rng, style, _pool_names(pool), _pool_orgs(pool))
    ctx.variants.update(("markdown" if style.md else "no_markdown", f"width_{style.width}"))
    if style.gap == 2:
        ctx.variants.add("gap_2")
    count = rng.randint(2, min(7, len(pool)))
    picks = rng.sample(range(len(pool)), count)
    arts = [_restyle(pool[i], ctx) for i in picks]

    # Column banners: 1-4 runs of articles, each under a banner of its own; perhaps a
    # brief-news column too.
    runs = rng.choices(range(1, min(4, count) + 1), [3, 3, 2.5, 1][: min(4, count)])[0]
    starts = sorted(rng.sample(range(1, count), runs - 1))
    banners = rng.sample(BANNERS, runs)
    if runs > 1 and rng.random() < 0.3:  # a later run under a sidebar's label
        banners[rng.randrange(1, runs)] = rng.choice(SIDEBAR_BANNERS)
    for k, art in enumerate(arts):
        art.column = banners[sum(s <= k for s in starts)]
    if rng.random() < 0.22:
        arts, starts = _add_briefs(arts, starts, pool, picks, ctx)
    if rng.random() < 0.1:
        arts, starts = _add_photo_news(arts, starts, pool, picks, ctx)
    ctx.variants.add(f"banners_{len(starts) + 1}")
    if set(banners) & set(SIDEBAR_BANNERS):
        ctx.variants.add("banner_sidebar")
    for k in range(1, len(arts)):  # the banner again at the head of a page
        if k not in starts and rng.random() < 0.07:
            arts[k].banner_again = True

    _damage_ends(arts, starts, ctx)
    _lone_titles(arts, starts, ctx)
    _show_headlines(arts, starts, ctx)
    _move_bodies(arts, starts, ctx)
    _place_figures(arts, starts, pool, picks, ctx)
    for art in arts:
        _finish_figures(art, ctx)
    for art in arts:  # breaks, some with the column's banner repeated as a running head
        for i, block in enumerate(art.blocks):
            if not _can_break(art, i) or rng.random() > style.break_rate:
                continue
            if (pos := _break_pos(block["text"], rng)) is None:
                continue
            gap = ctx.extra_gap() if rng.random() < 0.5 else style.gap
            brk = block["_break"] = _Break(pos, gap, gap_after=style.gap)
            if not ended(block["text"][:pos]) and rng.random() < 0.15:
                brk.inside = "banner"

    text, gold, roles = _render(arts, ctx)
    gold["id"] = f"sim{seed:06d}"
    gold["variants"] = sorted(ctx.variants)
    return Simulated(seed, text, gold, frozenset(ctx.variants), roles)


def _brief(source: dict, ctx: _Ctx) -> _Art | None:
    """An item of a brief-news column from a pool article: its title on one line and its
    first paragraph or two (the last one finished), its source printed or not."""
    rng, style = ctx.rng, ctx.style
    mode = style.width if style.width != "mixed" else rng.choice(["as_is", "half", "full"])
    lines = [widen(x, mode) for x in source["title"]]
    segs, kinds = _phrases(lines)
    limit = 28 if rng.random() < 0.75 else 50  # some items' titles run long
    titles = [t for t in _wraps(segs, kinds, 1) if len(t[0]) <= limit]
    titles += [[x] for x in lines if len(lines) > 1 and _line_ok(x, 28) and len(x) >= 8]
    texts = [
        widen((b.get("lead") or "") + b["text"], mode)
        for b in source["blocks"]
        if b["type"] == "paragraph"
    ][: rng.choice([1, 1, 2])]
    while texts and not ended(texts[-1]):
        texts.pop()
    if not titles or not texts:
        return None
    src = source.get("source")
    art = _Art(
        kicker=None,
        title=titles[0],
        blocks=[{"type": "paragraph", "text": t} for t in texts],
        source=widen(src, mode) if src else None,
        mode=mode,
        brief=True,
    )
    if art.source:
        art.source_style = rng.choice(["line", "glued", None])
    return art


def _add_briefs(
    arts: list[_Art], starts: list[int], pool: list[dict], picks: list[int], ctx: _Ctx
) -> tuple[list[_Art], list[int]]:
    """Two to four short items from pool articles not in the issue: mostly a column of
    their own under a brief-news banner (at the end, or between two runs), their titles
    perhaps bold; or, titles bold, after the last run's articles."""
    rng = ctx.rng
    spare = [i for i in range(len(pool)) if i not in picks]
    chosen = rng.sample(spare, min(len(spare), rng.randint(2, 4)))
    items = [item for i in chosen if (item := _brief(pool[i], ctx)) is not None]
    if len(items) < 2:
        return arts, starts
    if any(len(item.title[0]) > 28 for item in items):
        ctx.variants.add("briefs_long_title")
    own = len(starts) < 3 and rng.random() < 0.6  # at most four banners
    bold = not own or rng.random() < 0.3
    for item in items:
        item.bold_title = bold
    ctx.variants.add("briefs" if own else "briefs_in_column")
    if bold:
        ctx.variants.add("briefs_bold")
    if not own:
        for item in items:
            item.column = arts[-1].column
        return arts + items, starts
    banner = rng.choice(BRIEFS_BANNERS)
    for item in items:
        item.column = banner
    at = len(arts) if not starts or rng.random() < 0.7 else rng.choice(starts)
    n = len(items)
    moved = [s + n if s >= at else s for s in starts]
    new_starts = sorted({*moved, at} | ({at + n} if at < len(arts) else set()))
    return arts[:at] + items + arts[at:], new_starts


def _photo_item(source: dict, ctx: _Ctx) -> _Art | None:
    """A photo-news item from a pool article: a short one-line title over a picture whose
    caption is the article's first sentence or two, always credited."""
    rng, style = ctx.rng, ctx.style
    mode = style.width if style.width != "mixed" else rng.choice(["as_is", "half", "full"])
    segs, kinds = _phrases([widen(x, mode) for x in source["title"]])
    titles = [t[0] for t in _wraps(segs, kinds, 1) if len(t[0]) <= 30]
    titles += [segs[-1]] if 6 <= len(segs[-1]) <= 24 else []
    titles += [
        title
        for k in _quoted_starts(segs, kinds)
        if _line_ok(title := _join(segs, kinds, k, len(segs)), 30)
    ]
    first = next((b["text"] for b in source["blocks"] if b["type"] == "paragraph"), "")
    ends = [i + 1 for i, ch in enumerate(first) if ch == "。" and _top_level(first, i)]
    ends = [i for i in ends if 16 <= i <= 160]
    if not titles or not ends:
        return None
    art = _Art(None, [rng.choice(titles)], blocks=[], source=None, mode=mode, photo=True)
    caption = widen(first[: rng.choice(ends[:2])], mode)
    figure = {"type": "figure", "caption": caption.removesuffix("。"), "credit": None}
    picture = art.under_figure = _restyle_figure(figure, art, ctx, credited=True)
    if picture["_bare"] is None and picture["_kind"] != "glued" and rng.random() < 0.6:
        picture["caption"] = picture["_print"] = picture["caption"].removesuffix("。") + "。"
    return art


def _add_photo_news(
    arts: list[_Art], starts: list[int], pool: list[dict], picks: list[int], ctx: _Ctx
) -> tuple[list[_Art], list[int]]:
    """Two to four photo-news items from pool articles not in the issue: mostly a column
    of their own under a photo banner (at the end, or between two runs), or after the last
    run's articles."""
    rng = ctx.rng
    spare = [i for i in range(len(pool)) if i not in picks]
    chosen = rng.sample(spare, min(len(spare), rng.randint(2, 4)))
    items = [item for i in chosen if (item := _photo_item(pool[i], ctx)) is not None]
    if len(items) < 2 or any(a.column in PHOTO_BANNERS for a in arts):
        return arts, starts
    if len(starts) >= 3 or rng.random() < 0.3:  # at most four banners
        for item in items:
            item.column = arts[-1].column
        ctx.variants.add("photo_news_in_column")
        return arts + items, starts
    banner = rng.choice(PHOTO_BANNERS)
    for item in items:
        item.column = banner
    ctx.variants.add("photo_news")
    at = len(arts) if not starts or rng.random() < 0.6 else rng.choice(starts)
    n = len(items)
    moved = [s + n if s >= at else s for s in starts]
    new_starts = sorted({*moved, at} | ({at + n} if at < len(arts) else set()))
    return arts[:at] + items + arts[at:], new_starts


def _damage_ends(arts: list[_Art], starts: list[int], ctx: _Ctx) -> None:
    """Text lost at a page's foot: a section of a numbered series (its number skips), or
    the end of an article (more often before a new banner, or at the end of the file)."""
    rng, last = ctx.rng, len(arts) - 1
    for k, art in enumerate(arts):
        if art.photo:
            continue
        if art.numbered and rng.random() < 0.35:
            _drop_section(art, rng)
        if art.lost:
            ctx.variants.update(("subhead_skip", "cut_before_skip"))
        before_banner = k + 1 in starts
        rate = 0.4 if before_banner else 0.15 if k == last else 0.1
        if art.cut or (rng.random() < rate and _cut_end(art, rng)):
            ctx.variants.add("cut_end_of_file" if k == last else "cut_end")
            if before_banner:
                ctx.variants.add("banner_after_cut")


def _start_shown(arts: list[_Art], starts: list[int], k: int, ctx: _Ctx) -> bool:
    """Whether the layout shows that article k starts a new article: after a banner (its
    own, or its column's again), after an article whose end the layout shows, or by its
    own traits (a kicker or subtitle, a byline or dateline under it, an item's title under
    a brief-news banner or set bold, or a stacked or marked headline after an article
    without sub-heads), or after a photo-news item (its credited caption ends it)."""
    a, b = arts[k - 1], arts[k]
    if k in starts or b.banner_again or a.closes or b.lone_title:
        return True
    if b.kicker or b.subtitle or b.top_byline or b.dateline:
        return True
    if b.brief and (b.bold_title or b.column in BRIEFS_BANNERS) or a.photo:
        return True
    marked = ctx.style.md or b.bold_title
    return not any(x["type"] == "heading" for x in a.blocks) and (len(b.title) > 1 or marked)


def _lone_titles(arts: list[_Art], starts: list[int], ctx: _Ctx) -> None:
    """A headline of one plain line right after an article that shows no end and has no
    sub-heads: a sub-head would stand alone there (sub-heads come in series), so it is a
    headline. The article before then prints no source."""
    for k in range(1, len(arts)):
        a, b = arts[k - 1], arts[k]
        if k in starts or a.cut or a.signature or _headings(a) or b.brief or b.banner_again:
            continue
        if a.photo or b.photo:
            continue
        if any(x["type"] == "note" for x in a.blocks) or b.kicker or b.top_byline or b.dateline:
            continue
        segs, kinds = _phrases(b.title)
        lines = [t[0] for t in _wraps(segs, kinds, 1) if not re.search(r"[，,、；;—]", t[0])]
        lines = [x for x in lines if len(x) <= 36]
        if lines and not b.subtitle and ctx.rng.random() < 0.6:
            b.title, b.lone_title, b.asks = lines[0:1], True, False
            a.source_style = None


def _show_headlines(arts: list[_Art], starts: list[int], ctx: _Ctx) -> None:
    """Each headline must show that a new article starts (`_start_shown`); otherwise the
    article before prints its source, or this one gets a byline."""
    for k in range(1, len(arts)):
        if _start_shown(arts, starts, k, ctx):
            continue
        a, b = arts[k - 1], arts[k]
        if a.source:
            a.source_style = "line"
        else:
            _restyle_byline(b, None, ctx, force=True)


def _movable(art: _Art) -> tuple[int, list[int]]:
    """How many leading paragraphs may be set before the headline (plain, finished, 40
    characters or more; one or two), and where a move of leading sections with their
    sub-heads may end (after a finished paragraph, with body left after it)."""
    blocks, plain, sections = art.blocks, 0, []
    for block in blocks[:2]:
        if block["type"] != "paragraph" or block.get("lead") or "_cut" in block:
            break
        if len(block["text"]) < 40 or not ended(block["text"]) or "_list" in block:
            break
        plain += 1
    plain = min(plain, len(blocks) - 1)
    heading = False
    for m, block in enumerate(blocks[:8]):
        if block["type"] == "heading":
            heading = True
            continue
        if block["type"] != "paragraph" or "_cut" in block or "_list" in block:
            break
        if not ended(block["text"]):
            break
        if heading and any(x["type"] == "paragraph" for x in blocks[m + 1 :]):
            sections.append(m + 1)
    return plain, sections


def _move_bodies(arts: list[_Art], starts: list[int], ctx: _Ctx) -> None:
    """Bodies set before their headline, only after an article closed by its source (the
    layout's evidence): one or two leading paragraphs, or leading sections with their
    sub-heads. The article's own source may be printed with them, before its headline,
    where the next headline still shows its start."""
    rng = ctx.rng
    for k in range(1, len(arts)):
        a, b = arts[k - 1], arts[k]
        if k in starts or a.source_style not in ("line", "glued") or b.brief or b.dateline:
            continue
        if b.photo:
            continue
        if b.banner_again or rng.random() > 0.45:
            continue
        plain, sections = _movable(b)
        if sections and (not plain or rng.random() < 0.75):
            b.moved = rng.choice(sections)
            ctx.variants.add("body_before_headline_subheads")
        elif plain:
            b.moved = rng.randint(1, plain)
        else:
            continue
        ctx.variants.add("body_before_headline")
        if b.source and rng.random() < 0.65:
            printed, b.source_style = b.source_style, "moved"
            if k + 1 < len(arts) and not _start_shown(arts, starts, k + 1, ctx):
                b.source_style = printed
            else:
                ctx.variants.add("body_before_headline_source")


def _place_figures(
    arts: list[_Art], starts: list[int], pool: list[dict], picks: list[int], ctx: _Ctx
) -> None:
    """The articles' own pictures, and perhaps one or two more captions from the pool,
    each placed anew (none in brief items)."""
    own = [(k, f) for k, art in enumerate(arts) for f in art.blocks if f["type"] == "figure"]
    for art in arts:
        art.blocks = [b for b in art.blocks if b["type"] != "figure"]
    picked = [pool[i] for i in picks]
    spare = [
        b
        for a in pool
        if not any(a is p for p in picked)
        for b in a["blocks"]
        if b["type"] == "figure"
    ]
    rng, last = ctx.rng, len(arts) - 1
    extra = rng.sample(spare, min(len(spare), rng.choice([0, 0, 1, 1, 2])))
    hosts = [k for k, art in enumerate(arts) if not art.brief and not art.photo]
    # An article its column ends with, open to a picture under its last paragraph.
    ends = [
        k
        for k in hosts
        if k + 1 in starts and not arts[k].closes and not arts[k].cut and rng.random() < 0.3
    ]
    spare = [f for f in spare if not any(f is x for x in extra)]
    extra_hosts = [rng.choice(hosts) for _ in extra] + ends[: len(spare)]
    extra += rng.sample(spare, min(len(spare), len(ends)))
    for k, figure in own + list(zip(extra_hosts, extra, strict=True)):
        art = arts[k]
        end = "end_of_file" if k == last else None
        if k + 1 in starts and not art.closes:
            end = "end_of_article"
        _place_figure(_restyle_figure(figure, art, ctx), art, end, ctx)


# ---------------------------------------------------------------------------------------
# Rendering: the text's blocks and the gold, side by side


def _render(arts: list[_Art], ctx: _Ctx) -> tuple[str, dict, tuple[str, ...]]:
    style, mark = ctx.style, ctx.style.mark
    page = _Page()
    articles: list[dict] = []
    column = None
    for k, art in enumerate(arts):
        gold: list[dict] = []
        if art.column != column:
            page.add(style.gap if page.blocks else style.lead_gap, [mark + art.column], ["banner"])
            column = art.column
        elif art.banner_again:  # a page head: printed again, page furniture
            page.add(style.gap, [mark + art.column], ["banner"])
            page.repeated.append(art.column)
            ctx.variants.add("banner_repeated")
        if art.dateline:  # run into the first paragraph after the headline
            first = art.blocks[art.moved]
            assert first["type"] == "paragraph" and not first.get("lead"), first
            first["_dateline"] = art.byline
            ctx.variants.add("byline_dateline")
        for block in art.blocks[: art.moved]:
            _render_block(block, art, ctx, page, gold)
        if art.source_style == "moved":  # the source printed with the body set before
            page.add(style.gap, [_source_line(art)], ["source"])
            ctx.variants.add("source_line")
        head = _headline_lines(art, ctx)
        closed = k and arts[k - 1].closes and not arts[k - 1].cut and not art.moved
        gap = ctx.extra_gap() if closed and ctx.rng.random() < 0.12 else style.gap
        page.add(gap, head, ["title"] * len(head))
        if art.deck:
            page.add(style.gap, [art.deck], ["deck"])
            ctx.variants.add("deck_with_byline" if art.top_byline else "deck_without_byline")
            if art.deck.startswith(widen(EDITORS_NOTE, art.mode)):
                ctx.variants.add("deck_editors_note")
        if art.top_byline:
            page.add(style.gap, [art.byline_line], ["byline"])
        if art.under_figure:
            page.add(style.gap, *_figure_lines(art.under_figure, art, ctx))
            gold.append(_public(art.under_figure))
        for block in art.blocks[art.moved :]:
            _render_block(block, art, ctx, page, gold)
        _render_close(art, ctx, page)
        if art.eof_figure:
            page.add(art.eof_figure["_gap"], *_figure_lines(art.eof_figure, art, ctx))
            gold.append(_public(art.eof_figure))
        articles.append(
            {
                "column": art.column,
                "kicker": art.kicker,
                "title": list(art.title),
                "byline": art.byline,
                "deck": art.deck,
                "blocks": gold,
                "source": art.source if art.source_style else None,
            }
        )
    gold = {"id": "", "articles": articles, "repeated_banners": page.repeated}
    return page.text(), gold, tuple(page.roles())


def _headline_lines(art: _Art, ctx: _Ctx) -> list[str]:
    """The headline as printed: kicker and title lines set under each other (or the kicker
    run into a one-line title), marked with "## ", or wholly bold."""
    variants = ctx.variants
    if art.kicker and art.kicker_inline:
        lines = [f"{art.kicker}——{art.title[0]}"]
        variants.add("kicker_same_line")
    else:
        lines = ([art.kicker + "——"] if art.kicker else []) + list(art.title)
    variants.add(f"title_{len(art.title)}_line" + ("s" if len(art.title) > 1 else ""))
    variants.add("title_marked" if ctx.style.md or art.bold_title else "title_plain")
    if art.kicker:
        variants.add("kicker")
    if art.subtitle:
        variants.add("title_subtitle")
    if art.asks:
        variants.add("title_asks")
    if art.lone_title:
        variants.add("title_after_open_article")
    if any(line.endswith(("，", ",")) for line in art.title[:-1]):
        variants.add("title_line_comma")
    if art.bold_title:
        return [f"**{line}**" for line in lines]
    return [ctx.style.mark + line for line in lines]


def _source_line(art: _Art) -> str:
    left, right = art.parens()
    return f"{left}转自{art.source}{right}"


_NOTE_VARIANTS = {
    "unit": "note_unit", "bare": "note_bare", "source": "note_source", "compiled": "note_compiled",
}  # fmt: skip


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch in "(（") - (ch in ")）")
        if depth < 0:
            return False
    return depth == 0


def _render_close(art: _Art, ctx: _Ctx, page: _Page) -> None:
    """The source glued to the last paragraph's line (where its brackets are balanced, or
    the source would not read as one) or on its own, the signature."""
    source = _source_line(art)
    last = page.blocks[-1][1][-1]
    if art.source_style == "glued" and art.blocks[-1]["type"] == "paragraph" and _balanced(last):
        page.blocks[-1][1][-1] += source
        page.blocks[-1][2][-1] += "+source"
        ctx.variants.add("source_glued")
    elif art.source_style in ("line", "glued"):
        page.add(ctx.style.gap, [source], ["source"])
        ctx.variants.add("source_line")
    elif art.source and not art.source_style:
        ctx.variants.add("source_missing")
    if art.signature:  # signed under the body, always with its mark (■ 江帆, ■ 本报评论员)
        page.add(ctx.style.gap, [f"■ {art.byline}"], ["byline"])
        ctx.variants.add("byline_staff" if art.byline in STAFF else "byline_signature")
    for block in art.blocks:
        if block["type"] == "note":
            ctx.variants.add("note")
            if block.get("_form") in _NOTE_VARIANTS:
                ctx.variants.add(_NOTE_VARIANTS[block["_form"]])


def _public(block: dict) -> dict:
    """A block in the contract's shape (layout notes left out)."""
    out = {k: v for k, v in block.items() if not k.startswith("_")}
    if out["type"] == "paragraph" and not out.get("lead"):
        out.pop("lead", None)
    return out


def _render_block(block: dict, art: _Art, ctx: _Ctx, page: _Page, gold: list[dict]) -> None:
    """Print one block. A paragraph split by a break is one gold paragraph when an ideal
    reader joins its parts (a caption in the break follows it), two paragraphs otherwise."""
    style, variants, kind = ctx.style, ctx.variants, block["type"]
    if kind != "paragraph":
        if kind == "heading":
            bold = "**{}**" if art.bold_heads else "{}"
            lines = [style.mark + bold.format(line) for line in block["lines"]]
            page.add(style.gap, lines, ["subhead"] * len(lines))
        elif kind == "figure":
            page.add(block.get("_gap", style.gap), *_figure_lines(block, art, ctx))
        else:
            page.add(style.gap, [block["text"]], [kind])
        gold.append(_public(block))
        return
    # A run-in head in bold, or the dateline of a news story, before the text.
    run_in = f"**{block['lead']}**" if block.get("lead") else block.get("_dateline", "")
    if block.get("lead"):
        variants.add("lead")
    brk: _Break | None = block.get("_break")
    if brk is None:
        page.add(style.gap, [run_in + block["text"]], ["para"])
        gold.append(_public(block))
        return
    head, tail = block["text"][: brk.pos], block["text"][brk.pos :]
    page.add(style.gap, [run_in + head], ["para"])
    if brk.inside == "figure":
        page.add(brk.gap, *_figure_lines(brk.figure, art, ctx))
        variants.add("figure_in_break")
    elif brk.inside == "banner":  # the column's banner as a running head: page furniture
        page.add(brk.gap, [style.mark + art.column], ["running"])
        page.repeated.append(art.column)
        variants.add("break_running_head")
    page.add(
        brk.gap_after if brk.inside else brk.gap, [tail], ["cont" if joins(head, tail) else "para"]
    )
    if brk.gap > style.gap:
        variants.add("break_extra_gap")
    if tail[0] in NO_LINE_START:
        variants.add("break_closing_mark")
    figure = [_public(brk.figure)] if brk.figure else []
    if joins(head, tail):
        variants.add("break_joined")
        gold += [_public(block), *figure]
    else:
        variants.add("break_two_paragraphs")
        gold += [_public({**block, "text": head}), *figure, {"type": "paragraph", "text": tail}]


def simulate_issue(pool: list[dict], seed: int) -> tuple[str, dict]:
    """The text of one simulated issue and its gold parse (contract shape, plus
    "repeated_banners" and "variants")."""
    issue = simulate(pool, seed)
    return issue.text, issue.gold


def corpus(pool: list[dict], count: int, first_seed: int = 0) -> Iterator[tuple[int, str, dict]]:
    """`count` simulated issues from `pool`: (seed, text, gold) for consecutive seeds."""
    for seed in range(first_seed, first_seed + count):
        yield (seed, *simulate_issue(pool, seed))
