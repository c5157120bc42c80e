"""Where each finding belongs in the model (the article head or block at its issue-file
line), and how many there are of each severity.

The reader and the preflight report findings by issue-file line, and the model keeps one line
per article and per block. The outline lists a finding under the element it concerns and the
proof prints it in the margin beside that element, so both place it the same way: at the
element that starts on its line, else at the nearest one starting before it in the file (a
line inside a joined paragraph belongs to that paragraph), else at the first element.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from typeset.model import Diagnostic, Issue

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Place:
    """An article's head (`block` None) or one of its blocks, by index in the model."""

    article: int
    block: int | None = None


def elements(issue: Issue) -> list[tuple[int, Place]]:
    """Every element that keeps a line of its own, with that line, in the model's order."""
    found: list[tuple[int, Place]] = []
    for a, article in enumerate(issue.articles):
        found.append((article.line, Place(a)))
        found += [(block.line, Place(a, b)) for b, block in enumerate(article.blocks)]
    return found


class Lined(Protocol):
    @property
    def line(self) -> int: ...


Found = TypeVar("Found", bound=Lined)


def place(issue: Issue, findings: Sequence[Found]) -> dict[Place, list[Found]]:
    """The findings (or anything kept by issue-file line) at each element, in the order
    given; none are left out unless the issue has no article at all."""
    first: dict[int, Place] = {}  # line → the first element in print order starting on it
    for line, where in elements(issue):
        first.setdefault(line, where)
    lines = sorted(first)
    placed: dict[Place, list[Found]] = {}
    for finding in findings:
        if not lines:
            break
        at = bisect.bisect_right(lines, finding.line)
        where = first[lines[max(at - 1, 0)]]
        placed.setdefault(where, []).append(finding)
    return placed


def tally(findings: list[Diagnostic]) -> str:
    """'1 warning, 11 info': how many findings of each severity, worst first ('' for none)."""
    counts = {s: sum(d.severity == s for d in findings) for s in SEVERITIES}
    return ", ".join(f"{n} {s}{'s' * (n > 1 and s != 'info')}" for s, n in counts.items() if n)
