"""What the command groups share: argparse types for ids, and the aligned plain-text table."""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Sequence
from typing import Any

from monitor.printable import visible

MAX_IFINDEX = 2**31 - 1  # IF-MIB: InterfaceIndex is 1..2147483647
MAX_ID = 2**63 - 1  # SQLite's INTEGER is signed 64-bit


def record_id(text: str) -> int:
    """An argparse type: a record id (alert, backup) as SQLite can hold it, 1 to 2**63-1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"{text} is out of range (no such id)")
    return value


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table, aligned for CJK text too (wide characters count as two columns); control characters in
    cells (device text) are shown as escapes (:func:`monitor.printable.visible`)."""
    headers = [visible(h) for h in headers]
    cells = [[visible(v) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])
