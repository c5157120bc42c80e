"""Fewer layout passes in WeasyPrint 70's column balancing, for the same output.

Each article body is a two-column box (print.css). WeasyPrint 70's `columns_layout` lays a
column box out in trial passes: one at the full height left on the page, then, when
everything fits, balancing passes from the average column height up, each adding
`lost_space` (its estimate of the least extra height that lets one more box into a column);
then once more, for real. Two kinds of those passes cannot change anything:

- `lost_space` is never reset between passes, so after a pass estimated that 1.6 px would
  pull a line up (wrongly: two lines must move, for orphans), every later step is 1.6 px
  where a line is 22 px: up to six passes in a row break every column where the one before
  did.
- The final pass repeats the trial pass whose height was chosen, with the same arguments
  whenever that trial's `page_is_empty` is the final one's.

Resetting `lost_space` would change the height WeasyPrint settles on, and so the PDF (a
fragmented paragraph is stretched to the column's bottom). This patch keeps every height
WeasyPrint 70 chooses and leaves out only layouts whose outcome is known:

- Skipped passes. During a balancing pass every "does this overflow?" check
  (`LayoutContext.overflows`) that answered yes records how much more height would make it
  answer no. A later pass less than that much higher answers every check alike (those that
  answered no only get more room), so it breaks every column at the same place; only its
  effect on `lost_space` is computed, with WeasyPrint's own expressions. A column whose
  last box is whole keeps its consumed height; one whose last box is a fragment stretched
  to the bottom is stepped over only when its estimate provably cannot become the least.
- The final pass reuses the last trial's columns when it would make the very same
  `block_box_layout` call (height, bottom space, skip stack, `page_is_empty`). For that,
  those trials lay each column out where the final pass puts it, not all at the first
  column's x: "plain" content (below) lays out the same wherever it is across the page.

Both only when every box in the columns is a block, line, inline, inline-block, text or
replaced box in normal flow: no floats (WeasyPrint's trial passes see the first column's
floats from the second), no positioned (even relatively), running or footnote boxes, no
tables, flex, grid or nested columns, no fixed height on the multi-column box. Anything
else is laid out exactly as WeasyPrint 70 does.

`Passes` is what the patched `columns_layout` (`typeset.writers.pdf.columns`) asks; the
function's own code still does everything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, column

# A stretched fragment's empty space is zero up to rounding; this bounds the rounding.
ROUNDING = 1e-6
_PLAIN_BOXES = (boxes.BlockBox, boxes.LineBox, boxes.InlineBox, boxes.TextBox)
_PLAIN_BOXES += (boxes.InlineBlockBox, boxes.BlockReplacedBox, boxes.InlineReplacedBox)


@dataclass
class _Column:
    """What a trial pass found about one column, for the passes after it."""

    has_children: bool
    next_box_height: float
    # Height from the column's top to the bottom of its last box, if that box is whole
    # (it does not move as the column grows); None for a fragment stretched to the bottom.
    consumed: float | None


@dataclass
class _Pass:
    height: float
    balancing: bool
    # Whether the columns were laid out where the final pass puts them.
    placed: bool
    # Least extra height that turns a "yes, it overflows" of this pass into a "no".
    threshold: float = math.inf
    calls: list[tuple] = field(default_factory=list)
    results: list[tuple] = field(default_factory=list)
    columns: list[_Column] = field(default_factory=list)
    # False when `skipped` cannot reason from this pass: content not plain, a column that
    # could not be laid out, or a fragment that does not reach the column's bottom.
    understood: bool = True

    def overflows(self, bottom: float, position_y: float) -> bool:
        """WeasyPrint's `LayoutContext.overflows`, noting how far each overflow is from
        fitting."""
        result = _overflows(bottom, position_y)
        if result and math.isfinite(bottom) and math.isfinite(position_y):
            self.threshold = min(self.threshold, position_y / (1 + 1e-9) - bottom)
        return result


_overflows = LayoutContext.overflows


class Passes:
    """The trial passes of one run of columns in one `columns_layout` call; the arguments
    are that function's variables of the same names."""

    def __init__(
        self,
        box,
        containing_block,
        children,
        width,
        gap,
        position_y,
        page_is_empty,
        height_defined,
    ) -> None:
        self.box = box
        self.containing_block = containing_block
        self.children = children
        self.width, self.gap = width, gap
        self.position_y = position_y
        self.page_is_empty = page_is_empty
        self.height_defined = height_defined
        self._plain: bool | None = None
        self.last: _Pass | None = None

    @property
    def plain(self) -> bool:
        if self._plain is None:
            self._plain = not self.height_defined and all(
                _is_plain(child) for child in self.children
            )
        return self._plain

    def start(self, height: float, balancing: bool, page_is_empty: bool) -> None:
        """A trial pass at `height` is about to lay the columns out."""
        placed = page_is_empty == self.page_is_empty and self.plain
        self.last = _Pass(height, balancing, placed)

    def layout_column(self, i, layout, context, column_box, *arguments, **options):
        """Lay out column `i` of a trial pass (`layout` is WeasyPrint's block_box_layout)."""
        trial = self.last
        if not self.plain:
            trial.understood = False
            return layout(context, column_box, *arguments, **options)
        if trial.placed:
            column_box = self.column_box(i)
        context.overflows = trial.overflows
        try:
            result = layout(context, column_box, *arguments, **options)
        finally:
            del context.overflows
        trial.calls.append(_call(column_box, arguments, options))
        trial.results.append(result)
        if result[0] is None:
            trial.understood = False
        return result

    def measured(self, new_box, resume_at, next_box_height: float) -> None:
        """Column `new_box` of the current trial pass is measured, as WeasyPrint does."""
        trial = self.last
        if not trial.understood:
            return
        in_flow = [child for child in new_box.children if child.is_in_normal_flow()]
        if not in_flow:
            trial.columns.append(_Column(False, 0, None))
            return
        last = in_flow[-1]
        consumed = last.margin_height() + last.position_y - self.position_y
        fragment = resume_at is not None and next(iter(resume_at.values())) is not None
        if not fragment:
            trial.columns.append(_Column(True, next_box_height, consumed))
        elif abs(trial.height - consumed) <= ROUNDING:
            trial.columns.append(_Column(True, next_box_height, None))
        else:
            trial.understood = False

    def skipped(self, height: float, lost_space: float) -> float | None:
        """`lost_space` after a balancing pass at `height`, if that pass would lay out every
        column as the last one did; None if it has to be laid out."""
        trial = self.last
        if (
            trial is None
            or not (trial.balancing and trial.understood and self.plain)
            or len(trial.columns) != len(trial.results)
            or not 0 < height - trial.height < trial.threshold - ROUNDING
        ):
            return None
        lost = lost_space
        for found in trial.columns:
            if found.has_children and found.consumed is not None:
                # WeasyPrint's expressions, so the float is the one it would compute.
                empty_space = height - found.consumed
                if found.next_box_height - empty_space > 1:
                    lost = min(lost, found.next_box_height - empty_space)
        for found in trial.columns:
            if found.has_children and found.consumed is None:
                # Its estimate is next_box_height, give or take rounding: skip only if it
                # cannot be the least, nor cross the 1 px floor.
                estimate = found.next_box_height
                if not (estimate - ROUNDING > lost or estimate + ROUNDING <= 1):
                    return None
        return lost

    def column_box(self, i: int):
        """Column `i` where the final pass puts it (WeasyPrint's code for that pass)."""
        column_box = column._create_column_box(
            self.box, self.containing_block, self.children, self.width, self.position_y
        )
        if self.box.style["direction"] == "rtl":
            column_box.position_x += self.box.width - (i + 1) * self.width - i * self.gap
        else:
            column_box.position_x += i * (self.width + self.gap)
        return column_box

    def final_column(self, i, layout, context, column_box, *arguments, **options):
        """Column `i` of the final pass: the last trial's, if it made this very call."""
        trial = self.last
        if (
            trial is not None
            and trial.placed
            and i < len(trial.calls)
            and trial.calls[i] == _call(column_box, arguments, options)
        ):
            return trial.results[i]
        return layout(context, column_box, *arguments, **options)


def _call(column_box, arguments, options) -> tuple:
    """What decides a column's layout besides the content: its box's place and size, and
    the arguments that are values (the lists of out-of-flow boxes stay empty when plain)."""
    (bottom_space, skip_stack, _, page_is_empty, _, _, _, *styles) = arguments
    return (
        column_box.position_x,
        column_box.position_y,
        column_box.width,
        id(arguments[2]),
        bottom_space,
        id(skip_stack),
        page_is_empty,
        *(id(style) for style in styles),
        tuple(sorted(options.items())),
    )


def _is_plain(box) -> bool:
    """Whether `box` and its descendants are the boxes the patch reasons about."""
    for descendant in box.descendants():
        if not isinstance(descendant, boxes.Box):
            continue
        if (
            type(descendant) not in _PLAIN_BOXES
            or not descendant.is_in_normal_flow()
            or descendant.footnote is not None
            or descendant.style["position"] != "static"
            or descendant.style["column_width"] != "auto"
            or descendant.style["column_count"] != "auto"
        ):
            return False
    return True
