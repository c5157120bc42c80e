"""Deterministic layout simulator: whole issue files with their exact ideal parse.

Why: the reader is judged on issue files it has never seen, and the five seeds show only a
few of the layouts page make-up produces. This module sets the seeds' gold articles again in
other shapes (headline wrapping, kickers, bylines, decks, sub-head series, run-in leads,
captions and credits, markdown, punctuation width, blank-line rhythm) and damages them as
make-up does (breaks inside paragraphs with a caption or a running head in them, text lost
at a page's foot or before a skipped sub-head number, bodies set before their headline). For
each issue it returns the text and the gold parse that the contract's rules of the ideal parse
recover from that text: where a choice would leave no layout evidence, it is not generated.

Content comes only from the pool's articles; the layout furniture (banners, byline roles,
publication names, names, credit and note forms, numbering) comes from the small closed
vocabularies below, so issues simulated from one seed hold no text of the others.
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

BANNERS = (
    "党建动态", "经验做法", "理论研究", "基层动态", "支部风采", "一线观察",
    "他山之石", "党建观察", "工作动态", "探索实践", "党建前沿", "基层党建",
)  # fmt: skip
PUBLICATIONS = ("湘江早报", "江淮日报", "南粤晚报", "齐鲁都市报", "黔中日报", "北方新报")
NAMES = (
    "林晓", "杨帆", "徐静", "孙浩然", "马丽", "郭涛", "何苗", "罗鑫", "梁雨", "宋佳",
    "唐欣", "韩冰", "曹阳", "彭瑶", "邓宇", "许蕾", "谢婷", "冯晨", "程远", "姜楠",
)  # fmt: skip
NOTE_ROLES = ("工作人员", "研究员", "记者", "特约评论员")
EDITORS_NOTE = "编者按："

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
    "title_line_comma", "title_line_exclaims", "kicker", "kicker_from_title",
    "byline_reporter", "byline_publication", "byline_special", "byline_correspondent",
    "byline_text_photo", "byline_text", "byline_bare", "byline_several", "byline_unmarked",
    "byline_signature", "deck_with_byline", "deck_without_byline", "deck_editors_note",
    "source_line", "source_glued", "source_missing", "note",
    "subhead_numbered", "subhead_numbered_paren", "subhead_numbered_arabic",
    "subhead_stacked", "subhead_one_line_space", "subhead_one_line_comma",
    "subhead_line_comma", "subhead_marked", "subhead_plain", "subhead_skip", "lead",
    "figure_credit_same_line", "figure_credit_next_line", "figure_no_credit",
    "figure_credit_photo", "figure_credit_source", "figure_credit_supplied",
    "caption_full_stop", "figure_in_break", "figure_under_headline", "figure_between",
    "figure_end_of_file", "break_joined", "break_two_paragraphs", "break_closing_mark",
    "break_extra_gap", "break_running_head", "cut_end", "cut_end_of_file",
    "cut_before_skip", "banner_after_cut", "body_before_headline", "banners_1",
    "banners_2", "banners_3", "width_half", "width_full", "width_mixed", "width_as_is",
    "markdown", "no_markdown", "gap_2",
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
    source_style: str | None = None  # "line" | "glued" | None (not printed)
    column: str | None = None
    moved: int = 0  # leading blocks printed before the headline
    cut: bool = False  # its last paragraph lost its ending
    lost: bool = False  # text lost before a skipped sub-head number
    numbered: bool = False  # sub-heads numbered
    under_figure: dict | None = None
    eof_figure: dict | None = None

    @property
    def closes(self) -> bool:
        """Whether the layout shows where this article ends."""
        notes = any(b["type"] == "note" for b in self.blocks)
        return self.cut or self.source_style is not None or self.signature or notes

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
    options = {n: w for n in (1, 2, 3) if n - 1 <= len(kinds) and (w := _wraps(segs, kinds, n))}
    if not options:  # no wrap fits the display lengths: keep the printed lines
        return
    n = rng.choices(sorted(options), [{1: 4, 2: 4, 3: 2}[k] for k in sorted(options)])[0]
    if kicker and not art.kicker:
        ctx.variants.add("kicker_from_title")
    art.kicker, art.title = kicker, rng.choice(options[n])
    if len(art.title) > 1 and _move_exclamation(art, rng):
        ctx.variants.add("title_line_exclaims")


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


def _restyle_headings(art: _Art, ctx: _Ctx) -> None:
    """Set the article's sub-heads as one series of one shape: numbered 一、/（一）/1.,
    two stacked lines, or one line of two phrases (space or comma)."""
    heads = [b for b in art.blocks if b["type"] == "heading"]
    if not heads:
        return
    phrases = [_heading_phrases(h["lines"]) for h in heads]
    shapes = ["numbered", "numbered_paren", "numbered_arabic"]
    stacked = []
    for ph in phrases:
        if len(ph) >= 2:
            stacked.append([ph[0], " ".join(ph[1:])])
        elif (at := _first_comma(ph[0])) is not None:
            stacked.append([ph[0][:at], ph[0][at:]])
    if len(stacked) == len(heads) and all(_line_ok(x, 36) for s in stacked for x in s):
        shapes.append("stacked")
    if all(len(ph) >= 2 for ph in phrases):
        shapes.append("one_line_space")
    if all(len(ph) == 1 and _first_comma(ph[0]) for ph in phrases):
        shapes.append("one_line_comma")
    if art.lost:  # only the numbers show that text was lost
        shapes = shapes[:3]
    shape = ctx.rng.choice(shapes)
    art.numbered = shape.startswith("numbered")
    left, right = art.parens()
    for k, (head, ph) in enumerate(zip(heads, phrases, strict=True)):
        n = head.get("_number") or k + 1
        prefix = {"numbered": f"{_cn(n)}、", "numbered_paren": f"{left}{_cn(n)}{right}"}
        prefix["numbered_arabic"] = f"{n}."
        if shape in prefix:
            head["lines"] = [prefix[shape] + " ".join(ph)]
        else:
            head["lines"] = stacked[k] if shape == "stacked" else [" ".join(ph)]
    ctx.variants.add(f"subhead_{shape}")
    ctx.variants.add("subhead_marked" if ctx.style.md else "subhead_plain")
    if any(line.endswith(("，", ",")) for h in heads for line in h["lines"]):
        ctx.variants.add("subhead_line_comma")


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
    """A byline in one of the roles newspapers print, marked with ■ or not; names from the
    pool's bylines or the closed list."""
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
        "text_photo": f"文/图 {first}",
        "text": f"文/{first}",
        "bare": " ".join(who),
    }
    kind = "as_is" if pool_byline and rng.random() < 0.4 else rng.choice(sorted(forms))
    byline = pool_byline if kind == "as_is" else forms[kind]
    role = bool(_ROLE_WORD.search(byline))
    marked = not role or rng.random() < 0.75  # names alone are told by their ■ only
    art.byline, art.byline_line, art.signature = byline, ("■ " if marked else "") + byline, False
    if kind == "as_is":
        kind = "reporter" if role else "bare"
    ctx.variants.add("byline_" + ("correspondent" if kind == "reporter_correspondent" else kind))
    if not marked:
        ctx.variants.add("byline_unmarked")
    if len(byline.split()) - role >= 2:
        ctx.variants.add("byline_several")


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
    them with **; without the marks nothing shows them, so they stay in the text."""
    paragraphs = [b for b in art.blocks if b["type"] == "paragraph"]
    if not ctx.style.bold:
        for p in paragraphs:
            p["text"] = (p.pop("lead", None) or "") + p["text"]
        return
    if any(p.get("lead") for p in paragraphs) or ctx.rng.random() < 0.5:
        return
    found = []
    for p in paragraphs[1:]:
        at = p["text"].find("。") + 1
        lead = p["text"][:at]
        if 4 <= at <= 22 and len(p["text"]) - at >= 10 and lead.count("“") == lead.count("”"):
            found.append((p, at))
    if len(found) >= 2:
        for p, at in found:
            p["lead"], p["text"] = p["text"][:at], p["text"][at:]


def _restyle_close(art: _Art, ctx: _Ctx) -> None:
    """How the article closes: its source on a line of its own, glued to the last
    paragraph or not printed; or an author's note; or the byline signed under the body."""
    rng = ctx.rng
    if art.cut or any(b["type"] == "note" for b in art.blocks):
        art.source = None
    elif art.byline and not art.deck and rng.random() < 0.3:
        if not _ROLE_WORD.search(art.byline) and rng.random() < 0.5:
            several = len(art.byline.split()) >= 2
            role = rng.choice(NOTE_ROLES)
            text = f"（作者{'均系' if several else '系'}{rng.choice(ctx.orgs)}{role}）"
            art.blocks.append({"type": "note", "text": widen(text, art.furniture)})
        else:
            art.signature = True
        art.source = None
    elif art.source:
        art.source_style = rng.choices(["line", "glued", None], [6, 2, 2])[0]


def _restyle(source: dict, ctx: _Ctx) -> _Art:
    """One pool article restyled: width, headline, sub-heads, leads, byline, deck and how
    it closes."""
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
    _restyle_headings(art, ctx)
    _restyle_leads(art, ctx)
    _restyle_byline(art, source.get("byline"), ctx)
    _restyle_deck(art, source.get("deck"), ctx)
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
    heads = [i for i, b in enumerate(art.blocks) if b["type"] == "heading"]
    if art.lost or not art.numbered or len(heads) < 3:
        return False
    choices = [k for k in range(1, len(heads) - 1) if _cuttable(art.blocks[heads[k] - 1])]
    if not choices:
        return False
    k = rng.choice(choices)
    if not _cut_paragraph(art.blocks[heads[k] - 1], rng):
        return False
    del art.blocks[heads[k] : heads[k + 1]]
    art.lost = True
    return True


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
        and len(block["text"]) >= 8
    )


# ---------------------------------------------------------------------------------------
# Figures


def _restyle_figure(figure: dict, art: _Art, ctx: _Ctx) -> dict:
    """A caption with its credit restyled: none, 图片来源, 供图 or a photographer's 摄, on the
    caption's line or the next; a caption with a credit may end in 。."""
    rng = ctx.rng
    org = _CREDIT_WORDS.sub("", figure.get("credit") or "") or art.source or rng.choice(ctx.orgs)
    kind = rng.choices(["none", "source", "supplied", "photo"], [3, 2.5, 2.5, 2])[0]
    colon = "：" if art.mode == "full" else ":"
    credit = {
        "none": "",
        "source": f"图片来源{colon}{org}",
        "supplied": f"{org}供图",
        "photo": f"记者 {rng.choice(ctx.names)} 摄",
    }[kind]
    credit = widen(credit, art.mode) or None
    caption = widen(figure["caption"], art.mode)
    if credit and rng.random() < 0.25:
        caption += "。"
    same_line = rng.random() < 0.55
    return {"type": "figure", "caption": caption, "credit": credit, "_same_line": same_line}


def _figure_lines(figure: dict, art: _Art, ctx: _Ctx) -> tuple[list[str], list[str]]:
    """The figure's lines and their roles."""
    caption, credit = figure["caption"], figure["credit"]
    if caption.endswith("。"):
        ctx.variants.add("caption_full_stop")
    if not credit:
        ctx.variants.add("figure_no_credit")
        return [caption], ["caption"]
    kind = "photo" if credit.endswith("摄") else "supplied" if credit.endswith("供图") else "source"
    ctx.variants.add(f"figure_credit_{kind}")
    left, right = art.parens()
    if figure["_same_line"]:
        ctx.variants.add("figure_credit_same_line")
        return [f"{caption}{left}{credit}{right}"], ["caption"]
    ctx.variants.add("figure_credit_next_line")
    return [caption, f"{left}{credit}{right}"], ["caption", "credit"]


def _place_figure(figure: dict, art: _Art, last: bool, ctx: _Ctx) -> None:
    """Put a figure in a paragraph's break, under the headline, between two paragraphs or
    at the end of the file. A caption without a credit goes only where a break's extra
    blank lines set it apart, and never under a headline (it would read as a deck)."""
    rng, blocks = ctx.rng, art.blocks
    in_break = [i for i in range(len(blocks)) if _can_break(art, i)]
    between = [
        i
        for i in range(art.moved + 1, len(blocks))
        if blocks[i]["type"] == blocks[i - 1]["type"] == "paragraph"
        and ended(blocks[i - 1]["text"])
    ]
    places = ["in_break"] * 3 * bool(in_break) + ["between"] * 2 * bool(between)
    if figure["credit"] and art.under_figure is None:
        places.append("under_headline")
    if last and not art.cut and art.eof_figure is None:
        places += ["end_of_file"] * 2
    if not places:
        return
    place = rng.choice(places)
    if place == "in_break":
        i = rng.choice(in_break)
        if (pos := _break_pos(blocks[i]["text"], rng)) is None:
            return
        gap = ctx.extra_gap() if not figure["credit"] or rng.random() < 0.7 else ctx.style.gap
        blocks[i]["_break"] = _Break(pos, gap, "figure", figure, ctx.style.gap)
    elif place == "between":
        figure["_gap"] = ctx.extra_gap() if not figure["credit"] else ctx.style.gap
        blocks.insert(rng.choice(between), figure)
    elif place == "under_headline":
        art.under_figure = figure
    else:
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

    # Column banners: 1-3 runs of articles, each under a banner of its own.
    runs = rng.randint(1, min(3, count))
    starts = sorted(rng.sample(range(1, count), runs - 1))
    banners = rng.sample(BANNERS, runs)
    ctx.variants.add(f"banners_{runs}")
    for k, art in enumerate(arts):
        art.column = banners[sum(s <= k for s in starts)]

    _damage_ends(arts, starts, ctx)
    _show_headlines(arts, starts, ctx)
    _move_bodies(arts, starts, ctx)
    _place_figures(arts, pool, picks, ctx)
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


def _damage_ends(arts: list[_Art], starts: list[int], ctx: _Ctx) -> None:
    """Text lost at a page's foot: a section of a numbered series (its number skips), or
    the end of an article (more often before a new banner, or at the end of the file)."""
    rng, last = ctx.rng, len(arts) - 1
    for k, art in enumerate(arts):
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


def _show_headlines(arts: list[_Art], starts: list[int], ctx: _Ctx) -> None:
    """Each headline must show that a new article starts: after a banner, after an article
    whose end the layout shows, or by its own traits (a kicker, a byline under it, or a
    stacked or marked headline after an article without sub-heads). Otherwise the article
    before prints its source, or this one gets a byline."""
    for k in range(1, len(arts)):
        a, b = arts[k - 1], arts[k]
        if k in starts or a.closes or b.kicker or b.top_byline:
            continue
        if not any(x["type"] == "heading" for x in a.blocks) and (len(b.title) > 1 or ctx.style.md):
            continue
        if a.source:
            a.source_style = "line"
        else:
            _restyle_byline(b, None, ctx, force=True)


def _move_bodies(arts: list[_Art], starts: list[int], ctx: _Ctx) -> None:
    """Bodies set before their headline: one or two leading paragraphs of an article,
    only after an article closed by its source line (the layout's evidence)."""
    for k in range(1, len(arts)):
        a, b = arts[k - 1], arts[k]
        if k in starts or a.source_style is None or ctx.rng.random() > 0.15:
            continue
        movable = 0
        for block in b.blocks[:2]:
            if block["type"] != "paragraph" or block.get("lead") or "_cut" in block:
                break
            if len(block["text"]) < 40 or not ended(block["text"]):
                break
            movable += 1
        if movable and len(b.blocks) > movable:
            b.moved = ctx.rng.randint(1, movable)
            ctx.variants.add("body_before_headline")


def _place_figures(arts: list[_Art], pool: list[dict], picks: list[int], ctx: _Ctx) -> None:
    """The articles' own pictures, and perhaps one or two more captions from the pool,
    each placed anew."""
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
    extra = ctx.rng.sample(spare, min(len(spare), ctx.rng.choice([0, 0, 1, 1, 2])))
    for k, figure in own + [(ctx.rng.randrange(len(arts)), f) for f in extra]:
        figure = _restyle_figure(figure, arts[k], ctx)
        _place_figure(figure, arts[k], k == len(arts) - 1, ctx)


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
        for block in art.blocks[: art.moved]:
            _render_block(block, art, ctx, page, gold)
        # The headline: kicker and title lines set under each other, deck, byline.
        head = [mark + art.kicker + "——"] if art.kicker else []
        head += [mark + line for line in art.title]
        closed = k and arts[k - 1].closes and not arts[k - 1].cut and not art.moved
        gap = ctx.extra_gap() if closed and ctx.rng.random() < 0.12 else style.gap
        page.add(gap, head, ["title"] * len(head))
        _headline_variants(art, ctx)
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
            page.add(ctx.extra_gap(), *_figure_lines(art.eof_figure, art, ctx))
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


def _headline_variants(art: _Art, ctx: _Ctx) -> None:
    ctx.variants.add(f"title_{len(art.title)}_line" + ("s" if len(art.title) > 1 else ""))
    ctx.variants.add("title_marked" if ctx.style.md else "title_plain")
    if art.kicker:
        ctx.variants.add("kicker")
    if any(line.endswith(("，", ",")) for line in art.title[:-1]):
        ctx.variants.add("title_line_comma")


def _render_close(art: _Art, ctx: _Ctx, page: _Page) -> None:
    """The source glued to the last paragraph's line or on its own, the signature."""
    left, right = art.parens()
    source = f"{left}转自{art.source}{right}"
    if art.source_style == "glued" and art.blocks[-1]["type"] == "paragraph":
        page.blocks[-1][1][-1] += source
        page.blocks[-1][2][-1] += "+source"
        ctx.variants.add("source_glued")
    elif art.source_style:
        page.add(ctx.style.gap, [source], ["source"])
        ctx.variants.add("source_line")
    elif art.source:
        ctx.variants.add("source_missing")
    if art.signature:  # signed under the body, always with its mark (■ 江帆)
        page.add(ctx.style.gap, [f"■ {art.byline}"], ["byline"])
        ctx.variants.add("byline_signature")
    if any(b["type"] == "note" for b in art.blocks):
        ctx.variants.add("note")


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
            lines = [style.mark + line for line in block["lines"]]
            page.add(style.gap, lines, ["subhead"] * len(lines))
        elif kind == "figure":
            page.add(block.get("_gap", style.gap), *_figure_lines(block, art, ctx))
        else:
            page.add(style.gap, [block["text"]], [kind])
        gold.append(_public(block))
        return
    run_in = f"**{block['lead']}**" if block.get("lead") else ""
    if run_in:
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
