"""What the command groups share: the parser class with one-line errors, argparse types for numbers and ids, JSON
and time output, the aligned plain-text table, and a clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import signal
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, NoReturn

from devices.errors import InputError
from monitor.printable import json_text, visible

log = logging.getLogger("campusnet")

MAX_IFINDEX = 2**31 - 1  # IF-MIB: InterfaceIndex is 1..2147483647
MAX_ID = 2**63 - 1  # SQLite's INTEGER is signed 64-bit


class UsageError(InputError):
    """Bad command-line usage (exit 2)."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (argparse prints the whole usage by default)."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing usage, so main() prints one line and exits 2."""
        raise UsageError(f"{self.prog}: {message}")


def number_in(low: float, high: float, *, whole: bool = False, unit: str = "") -> Callable[[str], float]:
    """An argparse type: a finite number in ``low..high`` (a whole one with ``whole``); "nan", "inf" and out-of-range
    values are refused with a one-line error naming the range."""
    what = "a whole number" if whole else "a number"

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"{text} is out of range ({low:g}-{high:g}{unit})")
        return value

    return parse


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


def print_json(data: Any) -> None:
    """Print ``data`` as JSON (device text made printable, see :func:`monitor.printable.json_text`)."""
    print(json_text(data))


def iso_time(ts: float | None) -> str | None:
    """Epoch seconds as local ISO 8601 time with its offset (None stays None)."""
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


@contextlib.contextmanager
def stop_on_signals(stop: Callable[[], object]) -> Iterator[None]:
    """Call ``stop`` on SIGINT or SIGTERM while the block runs (the service's clean shutdown)."""

    def handler(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping (devices still being polled get a moment, then are cancelled)", signum)
        stop()

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)
