"""Chinese typography inside WeasyPrint 70: inter-character justification and autospace.

WeasyPrint justifies by stretching spaces only, so Chinese lines (which have none) come
out ragged. `install()`, which the PDF writer calls before rendering, patches three
WeasyPrint internals so that a justified line is made flush by spreading its slack
between characters, as Typst and ctex do, and so that Han characters and Latin letters
or digits sit a quarter em apart ("autospace"). No character is ever added: all the
spacing is glyph advance, so the text copied or extracted from the PDF is the source text.

Design
------
- Justification opportunities are the boundaries next to a wide (CJK) character and the
  boundary after a space; letters inside a Latin word or number are never pulled apart.
  A space counts once (the slack goes after it), so `召开 2025` and `召开2025` get the same
  share, and a line with a few spaces does not put all its slack into them. The last
  line of a paragraph follows `text-align-last` (start, for `text-align: justify`).
- Autospace lives here, not in the templates: a margin on a wrapped Latin run would show
  at a line start, while this code sees each line's own text and adds nothing at its
  edges. A Han–Latin boundary gets 0.25 em; a space typed there is printed exactly
  0.25 em wide. The model text keeps what the source typed, so no text function is
  needed. It applies where `lang` is Chinese or Japanese, within one text node.
- Line breaking stays Pango's (UAX #14): it already keeps closing marks off line starts
  and opening marks off line ends. Pango 1.50 also never breaks before “ or after ”
  (class QU), which is stricter than Chinese needs and leaves some lines looser.

What is patched, and why
------------------------
- `weasyprint.layout.inline.justify_line`: replaced. It counts the line's opportunities,
  moves and widens its boxes, and notes on each text box where its glyphs must widen.
- `weasyprint.text.line_break.Layout.set_text`: wrapped. When WeasyPrint lays text out
  (not when it draws), Pango letter-spacing is added so that autospace takes part in
  line breaking and in the measured widths.
- `weasyprint.draw.text.draw_first_line`: wrapped. Before a text box is drawn, the
  advances of its shaped glyphs are widened at the noted boundaries (justification) and
  at Han–Latin boundaries (autospace). Pango letter-spacing cannot place space on one
  side of a character only: it puts half on each side.

`install()` first checks the WeasyPrint version and these internals, and raises
`IncompatibleWeasyPrint` if they are not the ones this module was written against
(`typeset.writers.pdf.patches`).
Right-to-left lines keep WeasyPrint's own justification; a text box drawn with
`text-overflow: ellipsis` loses its widening.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left, bisect_right

from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango

from typeset.writers.pdf.patches import Patch, Replacement, pango_declarations
from typeset.writers.pdf.spacing import (
    AUTOSPACE_EM,
    autospace_boundaries,
    autospace_enabled,
    byte_offsets,
    opportunities,
    utf8_len,
)

# Stands for an atomic inline box (image, inline-block) among a line's characters.
_OBJECT = "\ufffc"


# ---- Measuring: autospace as Pango letter-spacing ------------------------------------

_space_widths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _space_width(style) -> float:
    """Natural width of a space in `style`'s font, in CSS px (cached per font)."""
    key = tuple(
        str(style[name])
        for name in (
            "font_family",
            "font_style",
            "font_stretch",
            "font_weight",
            "font_size",
            "font_feature_settings",
            "font_variant_east_asian",
            "lang",
        )
    )
    cache = _space_widths.setdefault(style.font_config, {})
    if key not in cache:
        plain = style.copy()
        plain["letter_spacing"] = "normal"
        plain["word_spacing"] = 0
        layout = line_break.Layout(plain)
        layout.set_text(" ")
        line, _ = layout.get_first_line()
        extents = ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(line, ffi.NULL, extents)
        cache[key] = extents.width * FROM_UNITS
    return cache[key]


def _autospace_units(style, text: str) -> dict[int, int]:
    """Extra advance in Pango units at the UTF-8 offset where it goes (after a glyph).

    The key is the offset of the character that follows the space to add: the
    boundary itself, or the character after a typed space (which is widened).
    """
    found = autospace_boundaries(text)
    if not found:
        return {}
    quarter = AUTOSPACE_EM * style["font_size"]
    space = int(round((quarter - _space_width(style)) * TO_UNITS))
    gap = int(round(quarter * TO_UNITS))
    indexes = [index + (kind == "space") for index, kind in found]
    return {
        byte: space if kind == "space" else gap
        for byte, (_, kind) in zip(byte_offsets(text, indexes), found, strict=True)
    }


def _set_text(self, text, justify=False):
    """WeasyPrint's `Layout.set_text`, plus autospace as letter-spacing when laying out.

    Pango puts half of a character's letter-spacing on each side and drops the half at
    a line edge, so the ideograph of each boundary carries a quarter em (twice that at
    a text edge): widths and line breaks come out as drawn. When drawing (`justify`),
    the glyphs are widened instead, by `_draw_first_line`.
    """
    if getattr(self, "_typeset_spaced", False):
        # Clear the previous text's letter-spacing (gone already if `setup` made a new
        # Pango layout); WeasyPrint sets its own again.
        attrs = pango.pango_layout_get_attributes(self.layout)
        if attrs != ffi.NULL:
            reset = pango.pango_attr_letter_spacing_new(0)
            reset.start_index, reset.end_index = 0, 0xFFFFFFFF
            pango.pango_attr_list_change(attrs, reset)
        self._typeset_spaced = False
    PATCH.original["set_text"](self, text, justify)
    if justify or not autospace_enabled(self.style["lang"]):
        return
    found = autospace_boundaries(self.text)
    if not found:
        return

    quarter = AUTOSPACE_EM * self.style["font_size"]
    letter = self.style["letter_spacing"]
    letter = 0 if letter == "normal" else letter
    carried: dict[int, float] = {}
    for index, kind in found:
        if kind == "space":
            extra = quarter - _space_width(self.style) + self.style["word_spacing"]
            carried[index] = carried.get(index, letter) + extra
            continue
        carrier = index - 1 if kind == "left" else index
        edge = carrier in (0, len(self.text) - 1)
        carried[carrier] = carried.get(carrier, letter) + quarter * (2 if edge else 1)

    attrs = pango.pango_layout_get_attributes(self.layout)
    if attrs == ffi.NULL:
        attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    indexes = sorted(carried)
    starts = byte_offsets(self.text, indexes)
    for index, start in zip(indexes, starts, strict=True):
        # Pango rounds the halves of a whole-pixel letter-spacing to pixels; an odd
        # unit more keeps the half left at a text edge exact.
        attr = pango.pango_attr_letter_spacing_new(int(round(carried[index] * TO_UNITS)) | 1)
        attr.start_index = start
        attr.end_index = start + utf8_len(self.text[index])
        pango.pango_attr_list_change(attrs, attr)
    pango.pango_layout_set_attributes(self.layout, attrs)
    self._typeset_spaced = True


# ---- Justifying: spreading the slack between characters -------------------------------


def _leaves(box):
    """A line's text boxes and atomic inline boxes, in logical order."""
    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, boxes.InlineBox):
            yield from _leaves(child)
        else:
            yield child


def _opportunities(line) -> tuple[int, dict[int, tuple[bool, list[int]]]]:
    """Count a line's justification opportunities and place them on its leaves.

    Returns the count and, per leaf id, whether space goes before the leaf and the
    indexes inside a text box before which space goes.
    """
    leaves = list(_leaves(line))
    texts = [leaf.text if isinstance(leaf, boxes.TextBox) else _OBJECT for leaf in leaves]
    found = opportunities("".join(texts))
    placed, start, next_found = {}, 0, 0
    for leaf, text in zip(leaves, texts, strict=True):
        end = start + len(text)
        lead, inside = False, []
        while next_found < len(found) and found[next_found] < end:
            if found[next_found] == start:
                lead = True
            else:
                inside.append(found[next_found] - start)
            next_found += 1
        placed[id(leaf)] = (lead, inside)
        start = end
    return len(found), placed


def _spread(box, step, placed, x_advance):
    """Move and widen `box` and its descendants; return the advance so far."""
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        start = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(child, step, placed, x_advance)
        box.width += x_advance - start
        return x_advance
    lead, inside = placed[id(box)]
    if lead:
        x_advance += step
    if not isinstance(box, boxes.TextBox):
        box.translate(x_advance, 0)
        return x_advance
    box.position_x += x_advance
    if inside:
        # Converted to glyph offsets when drawn: WeasyPrint lays lines out more often.
        box.typeset_gaps = (inside, int(round(step * TO_UNITS)))
        box.width += step * len(inside)
        x_advance += step * len(inside)
    return x_advance


def _justify_line(context, line, extra_width):
    """Make `line` flush by spreading `extra_width` over its opportunities."""
    if line.style["direction"] == "rtl":
        return PATCH.original["justify_line"](context, line, extra_width)
    count, placed = _opportunities(line)
    if count:
        _spread(line, extra_width / count, placed, 0)


# ---- Drawing: widening glyph advances ------------------------------------------------


def _widen_glyphs(first_line, extra: dict[int, int]) -> None:
    """Add `extra[offset]` to the advance of the glyph cluster that ends at UTF-8 `offset`.

    An offset falling inside a cluster (a ligature, a mark) widens that cluster.
    """
    offsets = sorted(extra)
    run = first_line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        item, glyphs = glyph_item.item, glyph_item.glyphs
        if item.analysis.level % 2:
            continue
        base = item.offset
        starts = [base + start for start in ffi.unpack(glyphs.log_clusters, glyphs.num_glyphs)]
        first = bisect_right(offsets, base)
        last = bisect_right(offsets, base + item.length)
        for offset in offsets[first:last]:
            # The last glyph of the cluster holding the byte before `offset`.
            glyph = bisect_left(starts, offset) - 1
            glyphs.glyphs[glyph].geometry.width += extra[offset]


def _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's `draw_first_line`, with glyphs widened for justification and autospace."""
    layout = textbox.pango_layout
    extra = {}
    if hasattr(textbox, "typeset_gaps"):
        inside, units = textbox.typeset_gaps
        extra = dict.fromkeys(byte_offsets(textbox.text, inside), units)
    if autospace_enabled(textbox.style["lang"]):
        for offset, units in _autospace_units(textbox.style, layout.text).items():
            extra[offset] = extra.get(offset, 0) + units
    if extra:
        # Set now what WeasyPrint sets before drawing: changing it later re-lays out.
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        first_line, _ = layout.get_first_line()
        _widen_glyphs(first_line, extra)
    return PATCH.original["draw_first_line"](stream, textbox, text_overflow, block_ellipsis, matrix)


# ---- Installing -----------------------------------------------------------------------

# Fields of WeasyPrint's declarations of Pango structures that the drawing code reads.
_STRUCT_FIELDS = {
    "PangoLayoutLine": ("GSListRuns *runs;",),
    "GSListRuns": ("PangoGlyphItem *data;", "struct GSListRuns *next;"),
    "PangoGlyphItem": ("PangoItem *item;", "PangoGlyphString *glyphs;"),
    "PangoItem": ("gint offset;", "gint length;", "PangoAnalysis analysis;"),
    "PangoAnalysis": ("guint level;",),
    "PangoGlyphString": ("gint num_glyphs;", "PangoGlyphInfo *glyphs;", "gint *log_clusters;"),
    "PangoGlyphInfo": ("PangoGlyphGeometry geometry;",),
    "PangoGlyphGeometry": ("PangoGlyphUnit width;",),
}
_PANGO_FUNCTIONS = (
    "pango_attr_letter_spacing_new",
    "pango_attr_list_change",
    "pango_attr_list_new",
    "pango_layout_get_attributes",
    "pango_layout_set_attributes",
    "pango_layout_set_single_paragraph_mode",
    "pango_layout_line_get_extents",
)


PATCH = Patch(
    "typeset.writers.pdf.justify",
    (
        Replacement(inline, "justify_line", "(context, line, extra_width)", _justify_line),
        Replacement(line_break.Layout, "set_text", "(self, text, justify=False)", _set_text),
        Replacement(
            draw_text,
            "draw_first_line",
            "(stream, textbox, text_overflow, block_ellipsis, matrix)",
            _draw_first_line,
        ),
    ),
    relied_on=(
        (inline, "justify_line(context, line, offset)"),
        (line_break, "self.set_text(self.text, justify=True)"),
        (line_break, "layout.set_text(first_line_text)"),
        (draw_text, "emojis = draw_first_line("),
        (draw_text, "pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)"),
        (draw_text, "width = glyph_info.geometry.width"),
    ),
    checks=(pango_declarations(_STRUCT_FIELDS, _PANGO_FUNCTIONS),),
)
install = PATCH.install
uninstall = PATCH.uninstall
check_weasyprint = PATCH.check
