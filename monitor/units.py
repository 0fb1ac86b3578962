"""Human units shared by the command line, the GUI and reports."""

from __future__ import annotations

import math

_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def format_bps(bps: float | None, gap: str = "-") -> str:
    """A rate with an SI prefix, e.g. ``12345678 -> "12.3 Mbit/s"``; ``gap`` for None or NaN."""
    if bps is None or not math.isfinite(bps):
        return gap
    for factor, prefix in _PREFIXES:
        if abs(bps) >= factor:
            return f"{bps / factor:.1f} {prefix}bit/s"
    return f"{bps:.0f} bit/s"


_BYTE_PREFIXES = ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB"))


def format_bytes(count: float | None, gap: str = "-") -> str:
    """An amount of data with a decimal prefix, e.g. ``1234567890 -> "1.23 GB"``; ``gap`` for None or NaN."""
    if count is None or not math.isfinite(count):
        return gap
    for factor, unit in _BYTE_PREFIXES:
        if abs(count) >= factor:
            return f"{count / factor:.2f} {unit}"
    return f"{count:.0f} B"
