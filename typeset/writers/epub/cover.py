"""The EPUB's designed cover: masthead, issue, then columns and headlines while they fit."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from typeset.cjk import NO_LINE_START
from typeset.config import Config
from typeset.fonts import ROLES, role_face
from typeset.writers.shared import ColumnView

# Designed cover: pixel width, colours (paper, ink, accent), margin as a share of width.
COVER_WIDTH = 1200
COVER_PAPER = (247, 243, 234)
COVER_INK = (34, 30, 28)
COVER_ACCENT = (166, 27, 27)
COVER_MARGIN = 0.08
COVER_SHADES = 8


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Lines of `text` no wider than `width`, breaking anywhere but before closing marks."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and font.getlength(line + char) > width and char not in NO_LINE_START:
            lines.append(line)
            line = char.lstrip()
        else:
            line += char
    return [*lines, line] if line else lines


def designed_cover(
    columns: list[ColumnView], publication: str, label: str, config: Config, language: str
) -> bytes:
    """A typographic cover: masthead, issue, then columns and headlines while they fit.

    Drawn with Pillow as two coverage masks (ink, accent) mapped onto a small palette,
    so the PNG is small, quick to encode and the same on every build. Text is shaped in
    the book's `language` (libraqm), so the faces' regional forms apply: a traditional
    cover centres ，：。 as Taiwan and Hong Kong print them.
    """
    width = COVER_WIDTH
    height = round(width * config.trim_height_mm / config.trim_width_mm)
    margin = round(width * COVER_MARGIN)
    measure = width - 2 * margin
    song, hei = (str(role_face(config.fonts_dir, r.name, r.book_weight).path) for r in ROLES[:2])
    ink = Image.new("L", (width, height), 0)
    accent = Image.new("L", (width, height), 0)
    draw_ink, draw_accent = ImageDraw.Draw(ink), ImageDraw.Draw(accent)

    draw_accent.rectangle((0, 0, width, margin // 3), fill=255)
    y = margin + margin // 3
    masthead = publication or label
    size = max(48, min(160, int(measure / max(len(masthead), 4))))
    font = ImageFont.truetype(hei, size)
    for line in _wrap(masthead, font, measure):
        y += size
        draw_accent.text((margin, y), line, font=font, fill=255, anchor="ls", language=language)
        y += size // 4
    y += 56
    if publication:
        label_font = ImageFont.truetype(song, 36)
        draw_ink.text((margin, y), label, font=label_font, fill=255, anchor="ls", language=language)
        y += 28
    draw_ink.rectangle((margin, y, width - margin, y + 4), fill=255)
    y += 40

    column_font = ImageFont.truetype(hei, 40)
    headline_font = ImageFont.truetype(song, 44)
    # (mask, font, text, leading, space above) for each column name and headline in order
    items: list[tuple[ImageDraw.ImageDraw, ImageFont.FreeTypeFont, str, int, int]] = []
    for column in columns:
        if column.name:
            items.append((draw_accent, column_font, column.name, 56, 40))
        for view in column.articles:
            items.append((draw_ink, headline_font, view.article.headline, 62, 20))
    for draw, font, text, leading, space in items:
        lines = _wrap(text, font, measure)
        if y + space + leading * len(lines) > height - margin:
            break
        y += space
        for line in lines:
            y += leading
            draw.text((margin, y), line, font=font, fill=255, anchor="ls", language=language)
    draw_accent.rectangle((0, height - margin // 3, width, height), fill=255)
    return _palette_png(ink, accent)


def _palette_png(ink: Image.Image, accent: Image.Image) -> bytes:
    """Merge the two masks into shades of ink and accent over paper, as a palette PNG."""
    step = 256 // COVER_SHADES
    image = ink.point([value // step for value in range(256)])
    accent_index = accent.point([COVER_SHADES + value // step for value in range(256)])
    image.paste(accent_index, mask=accent.point([255 if v >= step else 0 for v in range(256)]))
    palette: list[int] = []
    for colour in (COVER_INK, COVER_ACCENT):
        for shade in range(COVER_SHADES):
            share = shade / (COVER_SHADES - 1)
            palette += [
                round(p + (c - p) * share) for p, c in zip(COVER_PAPER, colour, strict=True)
            ]
    image.putpalette(palette)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()
