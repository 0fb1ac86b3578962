"""The value ranges of SMI types (RFC 2578), against which every number an agent sends is checked before use.

The codec keeps values as plain ints (it drops the wire type), so a Counter64 of 2^64-1 in a 32-bit column, or a
negative Counter32, would otherwise reach the arithmetic and the store. Each numeric object is declared with one of
these ranges (or its MIB's own narrower one); a value outside it is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SmiRange:
    """The values a numeric MIB object may take: its SMI type's range (or the MIB's own narrower one)."""

    name: str
    low: int
    high: int

    def admits(self, value: object) -> bool:
        """True when ``value`` is an int (not a bool) inside the range."""
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high


INTEGER32 = SmiRange("Integer32", -(2**31), 2**31 - 1)  # plain numbers and enumerations
COUNT32 = SmiRange("Integer32 count (never negative)", 0, 2**31 - 1)
UNSIGNED32 = SmiRange("Unsigned32/Gauge32/Counter32", 0, 2**32 - 1)
TIMETICKS = SmiRange("TimeTicks", 0, 2**32 - 1)
COUNTER64 = SmiRange("Counter64", 0, 2**64 - 1)
