"""The article model written back as an issue file with every line marked.

`typeset parse --marked` prints it: the structure the reader recovered, spelt out in the marks
an editor corrects the reader with (`typeset.readers.marks`), one block a line. Read again,
it gives the same model, so an editor can start from it, fix what the reader got wrong, and
build from the corrected file.
"""

from __future__ import annotations

from typeset.model import Figure, Heading, Issue, Note, Paragraph
from typeset.readers.marks import chinese_name


def _line(role: str, text: str) -> str:
    return f"@{chinese_name(role)} {text}"


def marked_text(issue: Issue) -> str:
    """`issue` as a fully marked issue file."""
    blocks: list[list[str]] = []  # blocks of lines, a blank line between two
    column = None
    for article in issue.articles:
        if article.column != column and article.column:
            blocks.append([_line("banner", article.column)])
        column = article.column
        head = [f"@引题 {article.kicker}——"] if article.kicker else []
        blocks.append(head + [_line("title", line) for line in article.title])
        if article.deck:
            blocks.append([_line("deck", article.deck)])
        if article.byline:
            blocks.append([_line("byline", article.byline)])
        for block in article.blocks:
            match block:
                case Paragraph():
                    run_in = f"**{block.lead}**" if block.lead else ""
                    blocks.append([_line("para", run_in + block.text)])
                case Heading():
                    blocks.append([_line("subhead", line) for line in block.lines])
                case Figure() if block.caption:
                    credit = [_line("credit", block.credit)] if block.credit else []
                    blocks.append([_line("caption", block.caption), *credit])
                case Figure():
                    blocks.append([_line("caption", f"（{block.credit}）")])
                case Note():
                    blocks.append([_line("note", block.text)])
        if article.source:
            blocks.append([_line("source", article.source)])
    return "\n\n".join("\n".join(lines) for lines in blocks) + "\n"
