"""Writing a usage report (:class:`monitor.reports.report.Report`) as CSV or Excel, always atomically.

- CSV: one row per port, UTF-8 with a byte order mark (so Excel shows Chinese names), plain numbers in base units
  (bits/s, bytes, percent) without thousands separators, an empty cell where a figure is unknown.
- Excel (.xlsx): a sheet per section (summary, ports, devices, top N, daily uplinks with a chart), real numbers in
  units a reader takes in at a glance (Mbit/s, GB, %) named in the headers, at full precision, in English or
  Traditional Chinese.

Every file is written to a temporary file beside the target, synced, then renamed over it: a crash, a cancel or a
full disk never leaves half a report, and nothing but a regular file is ever replaced (:mod:`monitor.safe_files`).
The PDF is drawn with Qt by ``gui.report_pdf`` through the same :func:`atomic_path`.
"""

from __future__ import annotations

import contextlib
import csv
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.errors import InputError
from monitor import safe_files
from monitor.reports.cells import csv_cell, neutralise_sheet, xlsx_value
from monitor.reports.report import Cancelled, Progress, Report, ReportSpec, build_report
from monitor.reports.report_text import text, tz_name
from monitor.safe_files import check_target

FORMATS = ("csv", "xlsx", "pdf")

CSV_COLUMNS = (
    "device",
    "port",
    "speed_bps",
    "avg_in_bps",
    "avg_out_bps",
    "peak_in_bps",
    "peak_out_bps",
    "p95_in_bps",
    "p95_out_bps",
    "total_in_bytes",
    "total_out_bytes",
    "availability_pct",
    "alias",
    "is_uplink",
    "util_avg_in_pct",
    "util_avg_out_pct",
    "util_p95_in_pct",
    "util_p95_out_pct",
    "samples",
)

MEGA = 1e6
GIGA = 1e9

# A writer of one format: (report, path of the temporary file, language).
Writer = Callable[[Report, Path, str], None]


# ---------------------------------------------------------------------------------------------------------- files


def check_output(out: Path) -> None:
    """Raise :class:`InputError` unless a report can be written at ``out``: nothing there or a regular file (not a
    folder, a device, a pipe or a symbolic link), in a folder that exists and can be written."""
    check_target(out, "the report")


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` to write the report to, renamed over ``out`` when complete (see
    :func:`monitor.safe_files.atomic_path`)."""
    with safe_files.atomic_path(out, "the report") as tmp:
        yield tmp


def write_report(report: Report, fmt: str, out: Path, lang: str, pdf_writer: Writer | None = None) -> None:
    """Write ``report`` as ``fmt`` (csv, xlsx or pdf) to ``out`` atomically. PDF needs ``pdf_writer`` (Qt)."""
    writers: dict[str, Writer | None] = {"csv": write_csv, "xlsx": write_xlsx, "pdf": pdf_writer}
    if fmt not in writers:
        raise InputError(f"--format {fmt!r}: use {', '.join(FORMATS)}")
    writer = writers[fmt]
    if writer is None:
        raise InputError("PDF reports need the desktop part of CampusNet (PySide6), which is not available here")
    with atomic_path(out) as tmp:
        writer(report, tmp, lang)


def export_report(
    conn: sqlite3.Connection,
    spec: ReportSpec,
    fmt: str,
    out: Path,
    lang: str,
    *,
    pdf_writer: Writer | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    now: float | None = None,
) -> Report:
    """Check the format and the output path, compute the report, write it; returns the report.

    A cancel (:class:`monitor.reports.report.ReportCancelled`) or any error leaves ``out`` as it was and no temporary
    file.
    """
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: use {', '.join(FORMATS)}")
    check_output(out)
    report = build_report(conn, spec, now=now, progress=progress, cancelled=cancelled)
    write_report(report, fmt, out, lang, pdf_writer)
    return report


# ---------------------------------------------------------------------------------------------------------- CSV


def _plain(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def write_csv(report: Report, path: Path, lang: str = "en") -> None:
    """One row per port, columns :data:`CSV_COLUMNS` (names are the same in every language); device text that a
    spreadsheet would run as a formula is made inert (:func:`monitor.reports.cells.csv_cell`)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for p in report.ports:
            row = [
                p.device,
                p.port,
                "" if p.speed_bps is None else str(p.speed_bps),
                _plain(p.avg_in_bps, 3),
                _plain(p.avg_out_bps, 3),
                _plain(p.peak_in_bps, 3),
                _plain(p.peak_out_bps, 3),
                _plain(p.p95_in_bps, 3),
                _plain(p.p95_out_bps, 3),
                _plain(p.total_in_bytes, 0),
                _plain(p.total_out_bytes, 0),
                _plain(p.availability_pct, 3),
                p.alias,
                "1" if p.is_uplink else "0",
                _plain(p.util_avg_in_pct, 3),
                _plain(p.util_avg_out_pct, 3),
                _plain(p.util_p95_in_pct, 3),
                _plain(p.util_p95_out_pct, 3),
                str(p.samples),
            ]
            w.writerow([csv_cell(value) for value in row])


# ---------------------------------------------------------------------------------------------------------- Excel

RATE_FORMAT = "#,##0.00"
GB_FORMAT = "#,##0.000"
PCT_FORMAT = "0.0"
INT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
_MAX_WIDTH = 40


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value / factor


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def _sheet(
    wb: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], formats: Sequence[str | None]
) -> Any:
    """A sheet with a bold, wrapped, frozen header row, number formats per column and widths to fit."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append([xlsx_value(v) for v in headers])
    for row in rows:
        ws.append([xlsx_value(v) for v in row])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    for col, fmt in enumerate(formats, start=1):
        letter = get_column_letter(col)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = fmt
        body = max((_width(r[col - 1]) for r in rows), default=0)
        head = _width(headers[col - 1])
        ws.column_dimensions[letter].width = min(_MAX_WIDTH, max(body + 2, min(head, 18) + 2, 8))
    return ws


def _naive(report: Report, ts: float) -> datetime:
    """Excel has no time zones: local time in the report's zone."""
    return report.period.local(ts).replace(tzinfo=None)


def _summary(wb: Any, report: Report, lang: str) -> None:
    from openpyxl.styles import Font

    ws = wb.active
    ws.title = text(lang, "summary")
    t = lambda key: text(lang, key)  # noqa: E731
    rows: list[tuple[str, Any, str | None]] = [
        (t("school"), report.school or "CampusNet", None),
        (t("from"), _naive(report, report.period.from_ts), TIME_FORMAT),
        (t("to"), _naive(report, report.period.to_ts), TIME_FORMAT),
        (t("time_zone"), tz_name(lang, report.period.tz_name), None),
        (t("generated"), _naive(report, report.generated_ts), TIME_FORMAT),
        (t("scope"), t("scope_uplinks") if report.scope == "uplinks" else t("scope_all"), None),
        (t("devices_count"), len(report.devices), INT_FORMAT),
        (t("ports_count"), len(report.ports), INT_FORMAT),
        (t("total_in_gb"), report.total_in_bytes / GIGA, GB_FORMAT),
        (t("total_out_gb"), report.total_out_bytes / GIGA, GB_FORMAT),
        (t("availability_pct"), report.availability_pct, PCT_FORMAT),
        (t("polls_answered"), report.polls_answered, INT_FORMAT),
        (t("polls_total"), report.polls_total, INT_FORMAT),
    ]
    ws.append([t("title")])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value, fmt in rows:
        ws.append([label, xlsx_value(value)])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        if fmt:
            ws.cell(ws.max_row, 2).number_format = fmt
    ws.column_dimensions["A"].width = max(_width(r[0]) for r in rows) + 4
    ws.column_dimensions["B"].width = max(24, _width(report.school) + 4)


def _port_sheet(wb: Any, report: Report, lang: str) -> None:
    t = lambda key: text(lang, key)  # noqa: E731
    headers = [
        t("device"),
        t("port"),
        t("alias"),
        t("uplink"),
        t("speed_mbps"),
        t("avg_in_mbps"),
        t("avg_out_mbps"),
        t("peak_in_mbps"),
        t("peak_out_mbps"),
        t("p95_in_mbps"),
        t("p95_out_mbps"),
        t("total_in_gb"),
        t("total_out_gb"),
        t("util_avg_in"),
        t("util_avg_out"),
        t("util_p95_in"),
        t("util_p95_out"),
        t("availability_pct"),
    ]
    rows = [
        [
            p.device,
            p.port,
            p.alias,
            t("yes") if p.is_uplink else t("no"),
            _scaled(p.speed_bps, MEGA),
            _scaled(p.avg_in_bps, MEGA),
            _scaled(p.avg_out_bps, MEGA),
            _scaled(p.peak_in_bps, MEGA),
            _scaled(p.peak_out_bps, MEGA),
            _scaled(p.p95_in_bps, MEGA),
            _scaled(p.p95_out_bps, MEGA),
            p.total_in_bytes / GIGA,
            p.total_out_bytes / GIGA,
            p.util_avg_in_pct,
            p.util_avg_out_pct,
            p.util_p95_in_pct,
            p.util_p95_out_pct,
            p.availability_pct,
        ]
        for p in report.ports
    ]
    formats = [None, None, None, None, INT_FORMAT, *[RATE_FORMAT] * 6, GB_FORMAT, GB_FORMAT, *[PCT_FORMAT] * 5]
    _sheet(wb, t("sheet_ports"), headers, rows, formats)


def _device_sheet(wb: Any, report: Report, lang: str) -> None:
    t = lambda key: text(lang, key)  # noqa: E731
    headers = [
        t("device"),
        t("location"),
        t("ports_in_report"),
        t("polls_answered"),
        t("polls_total"),
        t("availability_pct"),
        t("total_in_gb"),
        t("total_out_gb"),
    ]
    rows = [
        [
            d.name,
            d.location,
            d.ports,
            d.polls_answered,
            d.polls_total,
            d.availability_pct,
            d.total_in_bytes / GIGA,
            d.total_out_bytes / GIGA,
        ]
        for d in report.devices
    ]
    formats = [None, None, INT_FORMAT, INT_FORMAT, INT_FORMAT, PCT_FORMAT, GB_FORMAT, GB_FORMAT]
    _sheet(wb, t("sheet_devices"), headers, rows, formats)


def _top_sheet(wb: Any, report: Report, lang: str) -> None:
    t = lambda key: text(lang, key)  # noqa: E731
    headers = [
        t("rank"),
        t("device"),
        t("port"),
        t("alias"),
        t("total_gb"),
        t("total_in_gb"),
        t("total_out_gb"),
        t("avg_in_mbps"),
        t("avg_out_mbps"),
        t("p95_in_mbps"),
        t("p95_out_mbps"),
        t("util_p95_in"),
        t("util_p95_out"),
    ]
    rows = [
        [
            rank,
            p.device,
            p.port,
            p.alias,
            p.total_bytes / GIGA,
            p.total_in_bytes / GIGA,
            p.total_out_bytes / GIGA,
            _scaled(p.avg_in_bps, MEGA),
            _scaled(p.avg_out_bps, MEGA),
            _scaled(p.p95_in_bps, MEGA),
            _scaled(p.p95_out_bps, MEGA),
            p.util_p95_in_pct,
            p.util_p95_out_pct,
        ]
        for rank, p in enumerate(report.top, start=1)
    ]
    formats = [
        INT_FORMAT,
        None,
        None,
        None,
        GB_FORMAT,
        GB_FORMAT,
        GB_FORMAT,
        *[RATE_FORMAT] * 4,
        PCT_FORMAT,
        PCT_FORMAT,
    ]
    _sheet(wb, text(lang, "sheet_top", len(report.top)), headers, rows, formats)


def _daily_sheet(wb: Any, report: Report, lang: str) -> None:
    """Days down, three columns per port (average in, average out, traffic); a column chart of the traffic."""
    from openpyxl.chart import BarChart, Reference

    ports = report.daily_ports
    by_key = {(d.day, d.port_id): d for d in report.daily}
    headers: list[str] = [text(lang, "date")]
    for p in ports:
        label = report.port_label(p)
        headers += [text(lang, "daily_avg_in", label), text(lang, "daily_avg_out", label)]
        headers.append(text(lang, "daily_total", label))
    rows: list[list[Any]] = []
    for day in report.days():
        row: list[Any] = [day]
        for p in ports:
            d = by_key.get((day, p.port_id))
            if d is None:
                row += [None, None, None]
            else:
                row += [_scaled(d.avg_in_bps, MEGA), _scaled(d.avg_out_bps, MEGA)]
                row.append((d.total_in_bytes + d.total_out_bytes) / GIGA)
        rows.append(row)
    formats = [DATE_FORMAT, *[RATE_FORMAT, RATE_FORMAT, GB_FORMAT] * len(ports)]
    ws = _sheet(wb, text(lang, "sheet_daily"), headers, rows, formats)
    ws.column_dimensions["A"].width = 12
    ws.row_dimensions[1].height = 48
    if not rows or not ports:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    busiest = all(p.is_uplink for p in ports)
    chart.title = text(lang, "daily_chart" if busiest else "daily_chart_busiest")
    chart.y_axis.title = "GB"
    chart.y_axis.numFmt = "#,##0.0"
    chart.x_axis.number_format = DATE_FORMAT
    chart.height = 9
    chart.width = max(18, min(40, 2 + 0.6 * len(rows) * max(1, len(ports)) / 2))
    for k in range(len(ports)):
        col = 2 + 3 * k + 2
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
    ws.add_chart(chart, f"A{len(rows) + 4}")


def write_xlsx(report: Report, path: Path, lang: str = "en") -> None:
    """The report as an Excel workbook (sheets and headers in ``lang``); device text stays text, never a formula,
    and control characters are written as visible escapes (:mod:`monitor.reports.cells`)."""
    from openpyxl import Workbook

    wb = Workbook()
    _summary(wb, report, lang)
    _port_sheet(wb, report, lang)
    _device_sheet(wb, report, lang)
    _top_sheet(wb, report, lang)
    _daily_sheet(wb, report, lang)
    for ws in wb.worksheets:
        neutralise_sheet(ws)
    wb.properties.title = text(lang, "title")
    wb.properties.creator = "CampusNet"
    wb.save(path)
