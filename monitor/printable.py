"""Device and user text made safe to print on a terminal.

Devices choose their own names, sysDescr, port descriptions and error answers. Printed as they are, an escape
sequence (ESC ``[2J``, a title change, a hyperlink), a carriage return that overwrites the line, a NUL or a
right-to-left override could hide or fake what the command line shows. :func:`visible` writes such characters as
escapes a person can read (``\\x1b``, ``\\r``, ``\\u202e``); every table and line the command line prints with device
or user text goes through it. JSON output escapes them the same way (:func:`json_text`).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

# Categories written as escapes: controls (C0, DEL, C1), format characters (bidi overrides, zero-width ones) and the
# Unicode line and paragraph separators.
_ESCAPED_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(value: object) -> str:
    """``value`` as text with every control, format and line-separator character written as a visible escape."""
    text = "" if value is None else str(value)
    if text.isprintable():  # the usual case, fast (isprintable is False for all of the escaped categories)
        return text
    return "".join(_escape(ch) if _hidden(ch) else ch for ch in text)


def visible_lines(text: str) -> str:
    """Multi-line text (a configuration diff) with its line breaks kept and everything else made visible."""
    return "\n".join(visible(line) for line in text.split("\n"))


def json_text(data: Any) -> str:
    """``data`` as indented JSON (non-ASCII text kept readable) with no raw control or bidi character in it."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if text.isascii() or all(ch.isprintable() or ch == "\n" for ch in text):
        return text
    # json.dumps escapes C0 itself (the newlines left are its indentation); the rest is escaped here, as JSON does.
    return "".join(_json_escape(ch) if ord(ch) > 0x7E and _hidden(ch) else ch for ch in text)


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _ESCAPED_CATEGORIES


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
