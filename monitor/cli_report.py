"""The command line's ``report`` command: a usage report of a period as CSV, Excel or PDF.

``report --from ISO --to ISO [--device NAME ...] --format csv|xlsx|pdf --out FILE [--ports uplinks|all] [--top N]
[--lang en|zh_TW] [--school NAME]``. Everything the user gave is checked before the store is read (bad dates, an
unknown format, a folder that cannot be written: exit 2, nothing written); the file appears only when complete.

The PDF is drawn with Qt, which the core never imports: ``main.py`` sets :data:`PDF_WRITER`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.errors import InputError
from monitor.report import DEFAULT_TOP, PORT_CHOICES, Report, ReportSpec, parse_period, system_language
from monitor.report import check_school_name as _check_school
from monitor.report_export import FORMATS, check_output, export_report
from monitor.report_text import TEXTS
from monitor.store import connect

# (report, temporary file, language, store) -> None; set by main.py where Qt is available.
PDF_WRITER: Callable[[Report, Path, str, Path], None] | None = None

_PROGRESS_EVERY_S = 1.0


def add_parser(sub: Any) -> None:
    """The ``report`` subcommand."""
    r = sub.add_parser("report", help="usage report of a period (CSV, Excel or PDF)")
    r.add_argument("--from", dest="from_", metavar="ISO", required=True, help="start, e.g. 2026-11-20 (local time)")
    r.add_argument("--to", metavar="ISO", required=True, help="end (not included), e.g. 2026-11-27")
    r.add_argument("--device", action="append", default=[], metavar="NAME", help="only this device (repeatable)")
    r.add_argument("--format", choices=FORMATS, required=True)
    r.add_argument("--out", type=Path, required=True, metavar="FILE")
    r.add_argument("--ports", choices=PORT_CHOICES, default="uplinks", help="uplinks (default) or all ports")
    r.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="N", help="busiest ports listed (default 10)")
    r.add_argument("--lang", choices=tuple(TEXTS), help="en or zh_TW (default: the system's language)")
    r.add_argument("--school", metavar="NAME", help="school name for the header (default: the store's setting)")


class _StderrProgress:
    """Progress lines on stderr, at most one a second (a short report prints none)."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._last = self._start

    def __call__(self, done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - self._last < _PROGRESS_EVERY_S or not total:
            return
        self._last = now
        print(f"report: {done * 100 // total}% ({done}/{total}) {what}", file=sys.stderr, flush=True)


def cmd_report(args: argparse.Namespace, db: Path) -> int:
    """report: check the request, compute the report from the store, write it atomically."""
    lang = args.lang or system_language()
    period = parse_period(args.from_, args.to)
    if args.school is not None:
        _check_school(args.school)
    check_output(args.out)
    if not db.is_file():
        raise InputError(f"there is no store at {db}: add devices and poll them first")
    pdf = PDF_WRITER
    writer = None if pdf is None else (lambda r, path, language: pdf(r, path, language, db))
    spec = ReportSpec(period, tuple(args.device), args.ports, args.top, args.school)
    conn = connect(db)
    try:
        report = export_report(conn, spec, args.format, args.out, lang, pdf_writer=writer, progress=_StderrProgress())
    finally:
        conn.close()
    print(f"report written to {args.out}: {len(report.ports)} port(s) of {len(report.devices)} device(s)")
    return 0
