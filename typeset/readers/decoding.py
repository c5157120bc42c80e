"""Bytes of an issue file → text with LF line ends, or a clear refusal.

Issue files arrive as UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030/GBK from
older desks. The encoding is detected, never assumed, so the same text in any of these
encodings yields the same model. Byte-order marks are not text: the leading one goes, and
so does one starting a line (files joined together); any other U+FEFF is kept.
"""

from __future__ import annotations

import codecs

from typeset.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters a text file may legitimately hold: tab, line ends, form feed.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
# Above this share of control or undecodable characters the file is not text.
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes) -> str:
    """Decode an issue file's bytes and normalise CRLF and CR line ends to LF."""
    text = _decode_detected(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError("the file is empty or holds only whitespace")
    controls = sum(1 for ch in text if (ch < " " and ch not in _TEXT_CONTROLS) or ch == "\ufffd")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError("not a text file (binary data)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n\ufeff", "\n")


def _decode_detected(data: bytes) -> str:
    if not data:
        raise InputError("the file is empty or holds only whitespace")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {encoding} after its byte-order mark") from exc
    if b"\x00" in data:
        raise InputError("not a text file (binary data)")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("not text in UTF-8, UTF-16 or GB18030")
