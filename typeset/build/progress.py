"""What a build says on stderr while it runs.

On a terminal: a progress bar when there is more than one issue, one status line per issue
and a summary. Elsewhere (logs, pipes, CI) it stays quiet unless asked with `verbose`, but
preflight warnings and errors, and every failure, are always written.
"""

from __future__ import annotations

import time
from typing import TextIO

from typeset.build import IssueResult
from typeset.writers import WRITERS

# Stage timings in the order the pipeline runs them: reading and checking, then each writer's.
STAGES = ("parse", "transforms", "preflight")
BAR_WIDTH = 24


class Progress:
    def __init__(self, total: int, stream: TextIO, verbose: bool = False) -> None:
        self.total = total
        self.stream = stream
        self.verbose = verbose
        self.interactive = stream.isatty()
        self.chatty = self.interactive or verbose
        self.bar = self.interactive and total > 1
        self.counts = {"built": 0, "up to date": 0, "failed": 0}
        self.start = time.perf_counter()
        self._draw()

    def _write(self, line: str) -> None:
        """A line above the bar, which is redrawn below it."""
        self.stream.write(("\r\x1b[K" if self.bar else "") + line + "\n")
        self._draw()

    def _draw(self) -> None:
        if not self.bar:
            return
        done = sum(self.counts.values())
        filled = BAR_WIDTH * done // self.total
        elapsed = time.perf_counter() - self.start
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r\x1b[K[{bar}] {done}/{_issues(self.total)}  {elapsed:.1f} s")
        self.stream.flush()

    def message(self, line: str) -> None:
        """A warning or an error: always shown."""
        self._write(line)

    def issue(self, result: IssueResult) -> None:
        self.counts[result.state] += 1
        if result.state == "failed":
            self._write(f"typeset: {result.path}: {result.reason}")
        elif self.chatty:
            self._write(status_line(result, self.verbose))
        else:
            self._draw()

    def finish(self) -> None:
        """Clear the bar; the summary when chatty, or when one of several issues failed."""
        if self.bar:
            self.stream.write("\r\x1b[K")
        failed = self.counts["failed"]
        seconds = time.perf_counter() - self.start
        if self.chatty:
            parts = ", ".join(f"{n} {state}" for state, n in self.counts.items())
            self.stream.write(f"{_issues(self.total)}: {parts} ({seconds:.1f} s)\n")
        elif failed and self.total > 1:
            self.stream.write(f"typeset: {failed} of {_issues(self.total)} failed\n")
        self.stream.flush()


def _issues(count: int) -> str:
    return f"{count} issue{'s' * (count != 1)}"


def status_line(result: IssueResult, timings: bool = False) -> str:
    """`built  seeds/x.txt → pdf, epub (2.1 s)`, with stage timings on request."""
    if result.state == "up to date":
        return f"up to date  {result.path}"
    names = ", ".join(o.path.name.removeprefix(result.path.stem + ".") for o in result.outputs)
    line = f"built       {result.path} → {names} ({result.seconds:.1f} s)"
    if timings and result.why:
        line += f": {result.why}"
    if timings and result.timings:
        order = [*STAGES, *(s for w in WRITERS.values() for s in w.stages)]
        stages = [f"{s} {result.timings[s]:.2f}" for s in order if s in result.timings]
        line += "\n            " + " · ".join(stages)
    return line
