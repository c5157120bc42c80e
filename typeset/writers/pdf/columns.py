"""Fewer layout passes in WeasyPrint 70's column balancing, for the same output: a pinned
patch of `weasyprint.layout.column.columns_layout`.

Each article body is a two-column box (print.css), which WeasyPrint 70 lays out in trial
passes of which many break every column where the pass before did, then once more for
real. The patched function asks `typeset.writers.pdf.passes` (which says why and when that
is safe) which trial passes to leave out and which trial's columns the final pass can
reuse; every height WeasyPrint chooses stays, and so does every byte of the PDF.

The patched function is WeasyPrint's source with the `_EDITS` below, compiled when first
called. `install()` (the print writer's and the proof's, like `justify`'s) first checks
through `typeset.writers.pdf.patches` that WeasyPrint's function is the one the edits were
written for (version, signature, SHA-256 of its source, each edit found once) and raises
`IncompatibleWeasyPrint` otherwise. tests/test_columns.py and bench/column_passes.py check
that every seed comes out byte for byte as without the patch.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import textwrap

from weasyprint.layout import block, column

from typeset.writers.pdf.passes import Passes
from typeset.writers.pdf.patches import Patch, Replacement

# SHA-256 of WeasyPrint 70.0's `inspect.getsource(columns_layout)`: any change to the
# function, even one the edits would still apply to, needs this module reviewed.
COLUMNS_LAYOUT_SHA256 = "7a05cce3272fc581cf8d9352ebe07d4de51fb742dfccd6d2e86895ac0eca9691"

# (WeasyPrint 70's code, the patched code) in columns_layout; each must occur once.
_EDITS = (
    (
        """
        page_is_empty = stop_rendering = balancing = False
        while True:
""",
        """
        page_is_empty = stop_rendering = balancing = False
        _passes = _Passes(
            box, containing_block, column_children, width, gap, current_position_y,
            original_page_is_empty, height_defined)
        while True:
""",
    ),
    (
        """
            # Render the columns
            column_skip_stack = skip_stack
""",
        """
            skipped = _passes.skipped(height, lost_space) if balancing else None
            if skipped is not None:
                # Laid out, this pass would break every column where the last one did.
                lost_space = skipped
                add_height = 1 if lost_space == inf else lost_space
                height += add_height
                if height > max_height:
                    height = max_height
                    stop_rendering = True
                    break
                continue
            _passes.start(height, balancing, page_is_empty or not balancing)

            # Render the columns
            column_skip_stack = skip_stack
""",
    ),
    (
        """
                new_box, resume_at, next_page, _, _, _ = block_box_layout(
                    context, column_box,
""",
        """
                new_box, resume_at, next_page, _, _, _ = _passes.layout_column(
                    i, block_box_layout, context, column_box,
""",
    ),
    (
        """
                consumed_heights.append(consumed_height)
""",
        """
                consumed_heights.append(consumed_height)
                _passes.measured(new_box, resume_at, next_box_height)
""",
    ),
    (
        """
            new_child, column_skip_stack, column_next_page, _, _, _ = (
                block_box_layout(
                    context, column_box,""",
        """
            new_child, column_skip_stack, column_next_page, _, _, _ = (
                _passes.final_column(
                    i, block_box_layout, context, column_box,""",
    ),
)
_SIGNATURE = (
    "(context, box, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes,"
    " fixed_boxes, adjoining_margins, first_letter_style, first_line_style)"
)


def _source() -> str:
    return inspect.getsource(PATCH.unpatched(PATCH.replacements[0]))


def _source_problems() -> list[str]:
    """What differs from WeasyPrint 70.0's `columns_layout`: any change to the function,
    even one the edits would still apply to, needs this module reviewed."""
    source = _source()
    problems = [
        f"columns_layout has {source.count(old)} of {old.strip()[:40]!r}"
        for old, _ in _EDITS
        if source.count(old) != 1
    ]
    digest = hashlib.sha256(source.encode()).hexdigest()
    if digest != COLUMNS_LAYOUT_SHA256:
        problems.append(f"columns_layout changed (sha256 {digest[:12]}…)")
    return problems


def patched_source() -> str:
    """The source of the patched `columns_layout`."""
    source = _source()
    for old, new in _EDITS:
        source = source.replace(old, new)
    return source


@functools.cache
def _compiled():
    namespace = {**vars(column), "_Passes": Passes}
    exec(compile(textwrap.dedent(patched_source()), column.__file__, "exec"), namespace)
    return namespace["columns_layout"]


def _columns_layout(*arguments, **options):
    """The patched `columns_layout`, compiled when first called: only once installed, so
    only after `install` checked the source the edits apply to."""
    return _compiled()(*arguments, **options)


PATCH = Patch(
    "typeset.writers.pdf.columns",
    # block.py calls the function by the name it imported from column.py.
    (
        Replacement(column, "columns_layout", _SIGNATURE, _columns_layout),
        Replacement(block, "columns_layout", _SIGNATURE, _columns_layout),
    ),
    checks=(_source_problems,),
)
uninstall = PATCH.uninstall
check_weasyprint = PATCH.check
# False inside `disabled()`: install() then leaves WeasyPrint alone.
_enabled = True


def install() -> None:
    """Check, then patch WeasyPrint (once) to skip column-balancing passes that change
    nothing; not inside `disabled()`."""
    if _enabled:
        PATCH.install()


@contextlib.contextmanager
def disabled():
    """WeasyPrint's own column layout meanwhile, even through the print writer (which
    installs the patch): for benches and tests comparing the two."""
    global _enabled
    installed = uninstall()
    _enabled = False
    try:
        yield
    finally:
        _enabled = True
        if installed:
            install()
