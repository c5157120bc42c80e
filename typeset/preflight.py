"""Preflight: what is wrong with an issue before it goes to press.

`check` returns the reader's own diagnostics (repairs it made, damage it found) together with
checks on the article model, every one pointing at a line of the issue file, so an editor can
fix the file and a build can refuse to print errors. The model keeps one line per block and
per article, so text inside a block (a joined paragraph's continuation, a deck, a byline, a
source) is reported at its block's or article's line.

The codes, stable for scripts reading `typeset check --json`:

* error `missing-glyph`: a character the bundled fonts cannot draw;
  `reader-mismatch`: the model does not hold the file's text (a reader defect).
* warning `cut-paragraph`: a paragraph stops mid-sentence, its continuation lost;
  `reattached-body`: blocks set before their headline, moved back into their article;
  `duplicate-passage`: 20+ characters printed twice; `unbalanced-quote`: “ ” 《 》 （ ）
  without a partner in one text; `control-character`: a control, noncharacter or bidi
  formatting character, which the editions print as 〓 or leave out
  (`typeset.transforms.printable`); `stray-source`: a source line with no article to close;
  `unused-banner`: a banner no article came under, kept as a paragraph;
  `uncertain-structure`: the reader's best reading of a line won narrowly, with the reading
  that came second (`typeset.readers.layout`); `ignored-mark`: an editor's mark that
  contradicts the others or the grammar of an issue, not obeyed.
* info `joined-across-break`, `caption-in-break`, `repeated-banner`, `figure-without-image`,
  `halfwidth-punctuation` (with a count), `unknown-mark`: `@name` that is no mark.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from pathlib import Path

from typeset.config import Config
from typeset.fonts import Role, missing_glyphs, roles_setting
from typeset.model import Diagnostic, Issue, TextField, text_fields
from typeset.pictures import figures, picture
from typeset.transforms import edition_model
from typeset.transforms.printable import BIDI_CONTROLS, MARK, UNPRINTABLE, printable
from typeset.transforms.punctuation import FULL_WIDTH, normalize

# Shortest passage reported when it appears twice.
DUPLICATE_MIN = 20

# Running text, as opposed to display text (headlines, decks, sub-heads, captions …). News
# display text restates the body by design (a headline echoed in the lead, a deck quoting a
# paragraph), so repeats are looked for within each of the two kinds, never between them.
_RUNNING_TEXT = frozenset({"paragraph", "lead", "note"})

# Mark pairs that must balance within one piece of text; each tuple is (openers, closers),
# so a full-width opener may close with its ASCII partner.
_PAIRS = (("“", "”"), ("《", "》"), ("（(", "）)"))
_PAIR_MARKS = {pair: re.compile(f"[{re.escape(pair[0] + pair[1])}]") for pair in _PAIRS}

# Duplicates are compared with punctuation width and space kinds folded, one character for
# one, so positions in the folded text are positions in the original.
_FOLD = str.maketrans({full: ascii for ascii, full in FULL_WIDTH.items()} | {"\u3000": " "})
_HALF_WIDTH_MARK = re.compile(f"[{re.escape(''.join(FULL_WIDTH))}]")


def check(
    issue: Issue, config: Config, models: Mapping[str, Issue] | None = None
) -> list[Diagnostic]:
    """Everything an editor should know about `issue` before printing, sorted by line.

    `models` are the models of the editions `config` builds (`typeset.transforms`), when
    the caller has made them already.
    """
    fields = list(text_fields(issue))
    if models is None:
        models = {e: edition_model(issue, e, config) for e in config.editions}
    found = [
        *issue.diagnostics,
        *_duplicate_passages([f for f in fields if f.kind in _RUNNING_TEXT]),
        *_duplicate_passages([f for f in fields if f.kind not in _RUNNING_TEXT]),
        *_unbalanced_pairs(fields),
        *_control_characters(fields),
        *_missing_glyphs(models, config.fonts_dir),
        *_figures_without_image(issue, config),
        *_halfwidth(fields),
    ]
    return sorted(found, key=lambda d: d.line)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """Whether any diagnostic should stop the issue from being built."""
    return any(d.severity == "error" for d in diagnostics)


def format_diagnostic(path: str | Path, d: Diagnostic) -> str:
    """One line in the compiler style editors and terminals recognise: file:line: …"""
    return f"{path}:{d.line}: {d.severity} {d.code}: {d.message}"


def to_dicts(diagnostics: list[Diagnostic]) -> list[dict]:
    """Plain dicts (code, severity, line, message) for JSON reports."""
    return [asdict(d) for d in diagnostics]


def _quote(text: str, length: int = 12) -> str:
    """The start of `text` in corner brackets, which never clash with the “” it may hold."""
    return f"「{text[:length]}…」" if len(text) > length else f"「{text}」"


# ---------------------------------------------------------------------------------------
# Checks


def _duplicate_passages(fields: list[TextField]) -> Iterator[Diagnostic]:
    """Passages of DUPLICATE_MIN+ characters printed twice (a paste or a layout repeat).

    Every DUPLICATE_MIN-character window of every field is hashed once, remembering where it
    was first seen, so the work is linear in the issue's length. A window seen before marks
    a repeat; consecutive repeated windows form one run, reported once at its start.
    """
    texts = [f.text.translate(_FOLD) for f in fields]
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text) + 1)
    joined = "\0".join(texts)  # windows never cross a field, so never hold the \0
    seen: dict[int, int] = {}
    for index, text in enumerate(texts):
        base = starts[index]
        run_start = previous = -2
        first_of_run = 0
        for i in range(base, base + len(text) - DUPLICATE_MIN + 1):
            window = joined[i : i + DUPLICATE_MIN]
            first = seen.setdefault(hash(window), i)
            if first == i or joined[first : first + DUPLICATE_MIN] != window:
                continue
            if i != previous + 1:
                if run_start >= 0:
                    yield _duplicate(fields, starts, index, run_start, previous, first_of_run)
                run_start, first_of_run = i, first
            previous = i
        if run_start >= 0:
            yield _duplicate(fields, starts, index, run_start, previous, first_of_run)


def _duplicate(
    fields: list[TextField], starts: list[int], index: int, start: int, last: int, first: int
) -> Diagnostic:
    field = fields[index]
    earlier = bisect.bisect_right(starts, first) - 1
    where = "earlier in the same text" if earlier == index else f"at line {fields[earlier].line}"
    offset = start - starts[index]
    length = last - start + DUPLICATE_MIN
    passage = field.text[offset : offset + length]
    return Diagnostic(
        "duplicate-passage",
        "warning",
        field.line,
        f"passage of {length} characters {_quote(passage)} already appears {where}",
    )


def _unbalanced_pairs(fields: list[TextField]) -> Iterator[Diagnostic]:
    """Quotes and brackets opened and not closed (or the reverse) within one piece of text;
    usually text lost in extraction or a typo, and the printed page shows it."""
    for field in fields:
        for pair in _PAIRS:
            if problem := _unbalanced(field.text, pair):
                yield Diagnostic("unbalanced-quote", "warning", field.line, problem)


def _unbalanced(text: str, pair: tuple[str, str]) -> str | None:
    """What is wrong with one kind of pair in `text`, or None when every mark has a partner."""
    openers, closers = pair
    open_at: list[int] = []
    for mark in _PAIR_MARKS[pair].finditer(text):
        if mark.group() in openers:
            open_at.append(mark.start())
        elif open_at:
            open_at.pop()
        else:
            at = mark.start()
            return f"{mark.group()} without an opening {openers[0]}: {_quote(text[at:])}"
    if open_at:
        at = open_at[-1]
        return f"{text[at]} without a closing {closers[0]}: {_quote(text[at:])}"
    return None


def _control_characters(fields: list[TextField]) -> Iterator[Diagnostic]:
    """Characters the editions print differently from the file: controls and noncharacters
    as 〓, bidi formatting characters not at all. Each character once per text, with a count."""
    for field in fields:
        found = Counter(c for c in field.text if ord(c) in UNPRINTABLE or c in BIDI_CONTROLS)
        for char, count in found.items():
            times = f" ({count} times)" if count > 1 else ""
            printed = "left out (invisible, it would reorder the text)"
            if char not in BIDI_CONTROLS:
                printed = f"printed as {MARK}"
            yield Diagnostic(
                "control-character",
                "warning",
                field.line,
                f"U+{ord(char):04X} {_char_name(char)} in the {field.kind}{times}: {printed}",
            )


def _char_name(char: str) -> str:
    """The Unicode name; C0 controls and DEL by their Control Picture's name."""
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        picture = chr(0x2421 if code == 0x7F else 0x2400 + code)
        return unicodedata.name(picture).removeprefix("SYMBOL FOR ")
    if 0x80 <= code <= 0x9F:
        return "C1 CONTROL"
    if 0xD800 <= code <= 0xDFFF:
        return "SURROGATE"
    return unicodedata.name(char, "NONCHARACTER")


def _missing_glyphs(models: Mapping[str, Issue], fonts_dir: Path) -> Iterator[Diagnostic]:
    """Characters a font of an edition cannot draw: they would print as blanks or boxes.

    Checked on the text as printed (each edition's model, controls made printable), each
    character once, at the first line it appears on.
    """
    reported: set[str] = set()
    for name, printed in sorted(models.items(), key=lambda item: item[0] != "simplified"):
        edition = "" if name == "simplified" else f" in the {name} edition"
        model = printed.map_text(printable)
        lines: dict[str, set[int]] = {}
        roles: dict[str, set[Role]] = {}
        for field in text_fields(model):
            for role in roles_setting(field.kind):
                for glyph in missing_glyphs(field.text, fonts_dir, role):
                    if glyph.char not in reported:
                        lines.setdefault(glyph.char, set()).add(field.line)
                        roles.setdefault(glyph.char, set()).add(role)
        for char, where in lines.items():
            reported.add(char)
            at = sorted(where)
            fonts = " and ".join(sorted(roles[char]))
            also = f"line{'s' * (len(at) > 2)} {', '.join(map(str, at[1:6]))}"
            more = f"; also on {also}" if len(at) > 1 else ""
            more += ", …" if len(at) > 6 else ""
            yield Diagnostic(
                "missing-glyph",
                "error",
                at[0],
                f"the {fonts} font cannot draw 「{char}」 (U+{ord(char):04X}){edition}{more}",
            )


def _figures_without_image(issue: Issue, config: Config) -> Iterator[Diagnostic]:
    """Captions that will print without their picture (a placeholder box in the PDF)."""
    for n, figure in enumerate(figures(issue), 1):
        if picture(issue, n, figure, config) is None:
            folder = config.image_dir / issue.id
            yield Diagnostic(
                "figure-without-image",
                "info",
                figure.line,
                f"no picture for figure {n} {_quote(figure.caption or figure.credit or '')}"
                f" (looked for {n}.jpg, {n}.png in {folder})",
            )


def _halfwidth(fields: list[TextField]) -> Iterator[Diagnostic]:
    """How many ASCII marks the editions set full width, reported once at the first one."""
    widened = [(f.line, normalize(f.text)[1]) for f in fields if _HALF_WIDTH_MARK.search(f.text)]
    marks = sum(count for _, count in widened)
    if not marks:
        return
    line = min(line for line, count in widened if count)
    yield Diagnostic(
        "halfwidth-punctuation",
        "info",
        line,
        f"{marks} half-width mark{'s' * (marks > 1)} (, : ; ( ) ! ?) in Chinese text"
        " set full width",
    )
