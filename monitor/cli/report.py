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
from monitor.printable import json_text, visible
from monitor.reports.report import DEFAULT_TOP, PORT_CHOICES, Report, ReportSpec, parse_period, system_language
from monitor.reports.report import check_school_name as _check_school
from monitor.reports.report_export import FORMATS, check_output, export_report
from monitor.reports.report_text import TEXTS
from monitor.storage.store import connect

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

    sch = sub.add_parser(
        "report-schedule",
        help="weekly and monthly reports made on their own while the app or the service runs",
        description="Show the report schedule, or change the settings given. Reports are written by the running "
        "app or background service (poll): last week's every Monday, last month's on the 1st.",
    )
    sch.add_argument("--weekly", choices=("on", "off"))
    sch.add_argument("--monthly", choices=("on", "off"))
    sch.add_argument("--folder", metavar="DIR", help="where the reports go: a full path to an existing folder")
    sch.add_argument("--formats", metavar="LIST", help="comma-separated: pdf, xlsx, csv")
    sch.add_argument("--lang", choices=tuple(TEXTS))
    sch.add_argument("--ports", choices=PORT_CHOICES)
    sch.add_argument("--email", metavar="CHANNEL", help="e-mail channel the reports are sent through ('' for none)")
    sch.add_argument("--json", action="store_true")


def cmd_schedule(args: argparse.Namespace, db: Path) -> int:
    """report-schedule: show the schedule, or validate and store the settings given (nothing stored if one is bad)."""
    import dataclasses

    from monitor.reports import report_schedule

    conn = connect(db)
    try:
        s = report_schedule.load_schedule(conn)
        changes: dict[str, Any] = {}
        if args.weekly is not None:
            changes["weekly"] = args.weekly == "on"
        if args.monthly is not None:
            changes["monthly"] = args.monthly == "on"
        if args.folder is not None:
            changes["folder"] = str(Path(args.folder.strip()).expanduser()) if args.folder.strip() else ""
        if args.formats is not None:
            changes["formats"] = [f.strip() for f in args.formats.split(",") if f.strip()]
        for name in ("lang", "ports"):
            if getattr(args, name) is not None:
                changes[name] = getattr(args, name)
        if args.email is not None:
            changes["email_channel"] = args.email
        if changes:
            s = report_schedule.save_schedule(conn, dataclasses.replace(s, **changes))
    finally:
        conn.close()
    if args.json:
        print(json_text(dataclasses.asdict(s)))
        return 0
    kinds = [k for k in ("weekly", "monthly") if getattr(s, k)]
    print(f"scheduled: {', '.join(kinds) if kinds else 'nothing'}")
    print(f"folder:    {visible(s.folder) or '-'}")
    print(f"formats:   {', '.join(s.formats)}   language: {s.lang}   ports: {s.ports}")
    print(f"e-mail:    {visible(s.email_channel) or '-'}")
    return 0


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
        print(f"report: {done * 100 // total}% ({done}/{total}) {visible(what)}", file=sys.stderr, flush=True)


def cmd_report(args: argparse.Namespace, db: Path) -> int:
    """report: check the request, compute the report from the store, write it atomically."""
    if args.command == "report-schedule":
        return cmd_schedule(args, db)
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
    print(f"report written to {visible(args.out)}: {len(report.ports)} port(s) of {len(report.devices)} device(s)")
    return 0
