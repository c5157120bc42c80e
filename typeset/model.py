"""The article model: the only contract between readers, transforms and writers.

Its JSON form follows ../shared/article-model/README.md (extra fields allowed). Every
block and article keeps the issue-file line it came from, so diagnostics and preflight
reports can point an editor at the place in the file.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from typeset.cjk import HAN

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    """A repair the reader made, or damage it found and could not repair."""

    code: str
    severity: Severity
    line: int
    message: str


@dataclass
class Paragraph:
    text: str
    lead: str | None = None
    line: int = 0
    type: ClassVar[str] = "paragraph"


@dataclass
class Heading:
    """A sub-head inside an article, one string per printed line."""

    lines: list[str]
    line: int = 0
    type: ClassVar[str] = "heading"


@dataclass
class Figure:
    """A picture's caption and credit; `image` is a file supplied for it, if any."""

    caption: str
    credit: str | None = None
    image: str | None = None
    line: int = 0
    type: ClassVar[str] = "figure"


@dataclass
class Note:
    """A closing parenthetical that is not a source, e.g. an author's note."""

    text: str
    line: int = 0
    type: ClassVar[str] = "note"


Block = Paragraph | Heading | Figure | Note
BLOCK_TYPES: dict[str, type] = {cls.type: cls for cls in (Paragraph, Heading, Figure, Note)}

# The kinds of text an issue prints, in print order within an article (`text_fields`).
TEXT_KINDS = (
    "banner", "kicker", "title", "deck", "byline",
    "lead", "paragraph", "heading", "caption", "credit", "note", "source",
)  # fmt: skip


@dataclass(frozen=True)
class TextField:
    """One printed piece of text, what it is, and the issue-file line it is reported at."""

    kind: str  # one of TEXT_KINDS
    text: str
    line: int


@dataclass
class Article:
    title: list[str]
    column: str | None = None
    kicker: str | None = None
    byline: str | None = None
    deck: str | None = None
    blocks: list[Block] = field(default_factory=list)
    source: str | None = None
    line: int = 0

    @property
    def headline(self) -> str:
        """The headline as one string, kicker first, as a contents list prints it."""
        title = "".join(self.title)
        return f"{self.kicker}——{title}" if self.kicker else title


@dataclass
class Issue:
    id: str
    articles: list[Article]
    source_path: str = ""
    language: str = "zh-Hans"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The edition this model prints (a key of `typeset.config.EDITIONS`): a reader gives
    # "simplified", `typeset.transforms.edition_model` sets the others. Writers read it.
    edition: str = "simplified"

    @property
    def columns(self) -> list[tuple[str | None, list[Article]]]:
        """Articles grouped into runs of the same column, in print order."""
        runs: list[tuple[str | None, list[Article]]] = []
        for article in self.articles:
            if runs and runs[-1][0] == article.column:
                runs[-1][1].append(article)
            else:
                runs.append((article.column, [article]))
        return runs

    def map_text(
        self, convert: Callable[[str], str], language: str | None = None, edition: str | None = None
    ) -> Issue:
        """A copy with `convert` applied to every piece of text the issue prints.

        Transforms (punctuation, OpenCC) go through here so none of them can forget a
        field; structure, line numbers and diagnostics are left as they are.
        """

        def opt(value: str | None) -> str | None:
            return None if value is None else convert(value)

        def block(b: Block) -> Block:
            match b:
                case Paragraph():
                    return dataclasses.replace(b, text=convert(b.text), lead=opt(b.lead))
                case Heading():
                    return dataclasses.replace(b, lines=[convert(x) for x in b.lines])
                case Figure():
                    return dataclasses.replace(b, caption=convert(b.caption), credit=opt(b.credit))
                case Note():
                    return dataclasses.replace(b, text=convert(b.text))
            raise TypeError(f"unknown block {b!r}")

        articles = [
            dataclasses.replace(
                a,
                column=opt(a.column),
                kicker=opt(a.kicker),
                title=[convert(x) for x in a.title],
                byline=opt(a.byline),
                deck=opt(a.deck),
                blocks=[block(b) for b in a.blocks],
                source=opt(a.source),
            )
            for a in self.articles
        ]
        return dataclasses.replace(
            self,
            articles=articles,
            language=language or self.language,
            edition=edition or self.edition,
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "source_path": self.source_path,
            "language": self.language,
            "edition": self.edition,
            "articles": [_article_dict(a) for a in self.articles],
            "diagnostics": [dataclasses.asdict(d) for d in self.diagnostics],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict) -> Issue:
        return cls(
            id=data["id"],
            source_path=data.get("source_path", ""),
            language=data.get("language", "zh-Hans"),
            edition=data.get("edition", "simplified"),
            articles=[_article_from_dict(a) for a in data["articles"]],
            diagnostics=[Diagnostic(**d) for d in data.get("diagnostics", [])],
        )


def _block_dict(b: Block) -> dict:
    out = {"type": b.type}
    out.update(dataclasses.asdict(b))
    return out


def _article_dict(a: Article) -> dict:
    return {
        "column": a.column,
        "kicker": a.kicker,
        "title": list(a.title),
        "byline": a.byline,
        "deck": a.deck,
        "blocks": [_block_dict(b) for b in a.blocks],
        "source": a.source,
        "line": a.line,
    }


def _block_from_dict(data: dict) -> Block:
    data = dict(data)
    cls = BLOCK_TYPES[data.pop("type")]
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _article_from_dict(data: dict) -> Article:
    return Article(
        title=list(data["title"]),
        column=data.get("column"),
        kicker=data.get("kicker"),
        byline=data.get("byline"),
        deck=data.get("deck"),
        blocks=[_block_from_dict(b) for b in data.get("blocks", [])],
        source=data.get("source"),
        line=data.get("line", 0),
    )


def byline_names(byline: str | None) -> list[str]:
    """The people a byline names: '本报记者 皮磊' -> ['皮磊'], '陈琼瑛 王克修' -> both,
    '文/图 郑凯' -> ['郑凯'], '本报讯（记者 刘晓明 通讯员 陈静）' -> the two inside. A word
    longer than a name ('九江市物流与采购协会党支部书记 胡丽萍') is the author's post; a
    two-character name spaced out to the width of three ('王　珊') is one name."""
    if not byline:
        return []
    # A dateline credit names its people inside the parentheses after 讯 or 电.
    inner = _DATELINE_CREDIT.search(byline)
    words: list[str] = []
    for word in _BYLINE_SPLIT.split(inner.group(1) if inner else byline):
        if _padded_name(words[-1:], word):
            words[-1] += word
        else:
            words.append(word)
    return [
        w
        for w in words
        if any(c.isalnum() for c in w)
        and not w.endswith(_BYLINE_ROLES)
        and w not in _CREDITS
        and (len(w) <= _LONGEST_NAME or "·" in w or w.isascii())
    ]


def _padded_name(before: list[str], word: str) -> bool:
    """Whether `word` is the second character of a two-character name set with a space inside,
    as bylines pad them to line up with three-character names."""
    return (
        len(word) == 1
        and bool(before)
        and len(before[0]) == 1
        and all(_HAN.match(c) and c not in _CREDITS for c in (before[0], word))
    )


# Role words before the names in a byline, in both editions' characters.
_BYLINE_ROLES = ("记者", "記者", "通讯员", "通訊員", "撰稿人", "实习生", "實習生")
# Credit words of a contributed piece: 文/ (text by), 图/ (pictures by), 文/图 (both).
_CREDITS = ("文", "图", "圖", "文字", "摄影", "攝影", "撰文")
_BYLINE_SPLIT = re.compile(r"[\s\u3000/／:：、]+")
# Chinese names run two to four characters (a staff signature such as 本报评论员, five); a
# longer word without the · of a transliterated name is an affiliation or a post.
_LONGEST_NAME = 6
_HAN = re.compile(f"[{HAN}]")
_DATELINE_CREDIT = re.compile(r"[讯訊电電]\s*[(（]([^()（）]+)[)）]")


def text_fields(issue: Issue) -> Iterator[TextField]:
    """Every piece of text `issue` prints, in print order, empty ones left out: a column's
    name once per run of its articles, a title or sub-head as one text (its lines joined).

    The model keeps one line per article and per block, so a kicker, deck, byline or source
    is reported at its article's line (a source at its last block's, which is nearer).
    """
    column = None
    for article in issue.articles:
        pieces: list[tuple[str, str | None, int]] = []
        if article.column != column:
            pieces.append(("banner", article.column, article.line))
        column = article.column
        pieces += [
            ("kicker", article.kicker, article.line),
            ("title", "".join(article.title), article.line),
            ("deck", article.deck, article.line),
            ("byline", article.byline, article.line),
        ]
        for block in article.blocks:
            match block:
                case Paragraph():
                    pieces += [
                        ("lead", block.lead, block.line),
                        ("paragraph", block.text, block.line),
                    ]
                case Heading():
                    pieces.append(("heading", "".join(block.lines), block.line))
                case Figure():
                    pieces += [
                        ("caption", block.caption, block.line),
                        ("credit", block.credit, block.line),
                    ]
                case Note():
                    pieces.append(("note", block.text, block.line))
        last = max((b.line for b in article.blocks), default=article.line)
        pieces.append(("source", article.source, max(last, article.line)))
        yield from (TextField(kind, text, line) for kind, text, line in pieces if text)
