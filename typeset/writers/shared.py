"""What every writer needs of an edition, made one way for all of them.

`prepare` turns an edition's model into an `Edition`: its text made printable, the words the
templates print converted to the edition's script, the Jinja environment, the masthead, the
date the output carries, and the issue walked once into columns, articles and numbered
figures with their pictures (`ColumnView`, `ArticleView`, `BlockView`). The PDF and the EPUB
writers both start from it, so their contents, numbering and furniture cannot drift apart.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from typeset import pictures
from typeset.config import Config, IssueInfo
from typeset.dates import edition_date
from typeset.model import Article, Block, Figure, Issue, byline_names
from typeset.transforms.printable import printable, printable_issue

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class BlockView:
    block: Block
    # Figures only: number in the issue (from 1) and the picture supplied for it, if any.
    number: int | None = None
    picture: Path | None = None


@dataclass(frozen=True)
class ArticleView:
    article: Article
    number: int  # in the issue, from 1
    anchor: str  # its id in the documents, for contents and bookmarks
    # Set on the first article of a column run: the banner printed at its head.
    banner: str | None
    blocks: list[BlockView]


@dataclass(frozen=True)
class ColumnView:
    name: str | None
    anchor: str
    articles: list[ArticleView]


@dataclass(frozen=True)
class Edition:
    """An edition of an issue, ready for a writer's templates."""

    issue: Issue  # the edition's model, text made printable (`typeset.transforms.printable`)
    convert: Callable[[str], str]  # the words templates print → the edition's script
    env: jinja2.Environment
    publication: str  # the masthead
    info: IssueInfo
    label: str  # number and date as the masthead prints them, or ""
    date: datetime  # the date the output carries (`typeset.dates`)
    authors: list[str]  # everyone a byline names, once each, in print order
    columns: list[ColumnView]


def prepare(issue: Issue, config: Config, filters: Mapping[str, Callable[..., Any]]) -> Edition:
    """The edition `issue` (an edition's model) is, with the writer's template `filters`."""
    safe = printable_issue(issue)
    convert = words_converter(issue, config)
    info = config.issue_info(issue.id)
    return Edition(
        issue=safe,
        convert=convert,
        env=environment(config.templates_dir, convert, filters),
        publication=publication_name(safe, config, convert),
        info=info,
        label=printable(convert(info.label)),
        date=edition_date(info.date),
        authors=list(dict.fromkeys(n for a in safe.articles for n in byline_names(a.byline))),
        columns=columns(safe, config),
    )


def columns(issue: Issue, config: Config) -> list[ColumnView]:
    """Column runs of articles, numbered in print order, figures numbered with their pictures.

    A picture named for a figure but missing leaves the figure's frame in place and says so,
    rather than failing the edition or printing the picture's alternative text.
    """
    supplied = pictures.supplied(issue, config)
    views: list[ColumnView] = []
    figures = 0
    number = 0
    for index, (name, articles) in enumerate(issue.columns, start=1):
        column = ColumnView(name, f"column-{index}", [])
        for position, article in enumerate(articles):
            number += 1
            blocks: list[BlockView] = []
            for block in article.blocks:
                if isinstance(block, Figure):
                    figures += 1
                    path = supplied[figures - 1]
                    if path is not None and not path.is_file():
                        LOGGER.warning(
                            "%s: picture %s for figure %d not found", issue.id, path, figures
                        )
                        path = None
                    blocks.append(BlockView(block, figures, path))
                else:
                    blocks.append(BlockView(block))
            banner = name if position == 0 else None
            view = ArticleView(article, number, f"article-{number}", banner, blocks)
            column.articles.append(view)
        views.append(column)
    return views


def words_converter(issue: Issue, config: Config) -> Callable[[str], str]:
    """How the words the templates print (目录, 转自, 本报记者 …) are converted for the
    edition `issue` is: the build hands writers an edition's model and nothing else."""
    if issue.edition != "traditional":
        return str
    from typeset.transforms.traditional import converter

    return converter(config.opencc_config, config.phrase_overrides)


def publication_name(issue: Issue, config: Config, convert: Callable[[str], str]) -> str:
    """The masthead: the configured publication in the edition's script, else the first
    column's name (already in it)."""
    if config.publication:
        return printable(convert(config.publication))
    return next((name for name, _ in issue.columns if name), "")


def environment(
    templates_dir: Path,
    convert: Callable[[str], str] = str,
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> jinja2.Environment:
    """The Jinja environment a writer renders with: one per process for the same arguments.

    Autoescaping is on for everything: issue text that looks like markup (`<script>`, `&`,
    `]]>`) must print literally. The `t` filter converts the words the templates themselves
    print with the edition's converter, so the traditional edition's furniture is traditional
    too without a second set of templates.

    The same arguments give the same environment, so templates are compiled once a process
    rather than once a render (compiling was most of the print HTML's 20 ms). The converter
    and the filters are part of the key because Jinja folds a filter applied to a constant
    (`"转自"|t`) into the compiled code: an environment shared across editions would print
    转自 in the traditional edition. They are functions that live as long as the process
    (`typeset.transforms.traditional` caches its converters), so the key is stable. Jinja
    checks a template's file before using it again and compiles it anew if it changed,
    which `typeset serve` relies on. Callers must not change the environment they get.
    """
    return _environment(Path(templates_dir), convert, tuple(sorted((filters or {}).items())))


@functools.lru_cache(maxsize=32)
def _environment(
    templates_dir: Path,
    convert: Callable[[str], str],
    filters: tuple[tuple[str, Callable[..., Any]], ...],
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["t"] = convert
    env.filters.update(filters)
    return env
