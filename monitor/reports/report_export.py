"""Writing a usage report (:class:`monitor.reports.report.Report`) as CSV or Excel, always atomically.

- CSV: one row per port, UTF-8 with a byte order mark (so Excel shows Chinese names), plain numbers in base units
  (bits/s, bytes, percent) without thousands separators, an empty cell where a figure is unknown.
- Excel (.xlsx): a sheet per section (summary, ports, devices, top N, daily uplinks with a chart), real numbers in
  units a reader takes in at a glance (Mbit/s, GB, %) named in the headers, at full precision, in English or
  Traditional Chinese.

The columns of the CSV and of the ports and top N sheets are the table of :mod:`monitor.reports.columns`.

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
from monitor.reports import columns
from monitor.reports.cells import csv_cell, neutralise_sheet, xlsx_value
from monitor.reports.columns import GB_FORMAT, GIGA, INT_FORMAT, MEGA, PCT_FORMAT, RATE_FORMAT, Column
from monitor.reports.report import Cancelled, PortStats, Progress, Report, ReportSpec, build_report
from monitor.reports.report_text import text, tz_name
from monitor.safe_files import check_target

FORMATS = ("csv", "xlsx", "pdf")

# The CSV's header row (names are the same in every language); the columns are those of monitor.reports.columns.
CSV_COLUMNS = columns.csv_header()

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


def write_csv(report: Report, path: Path, lang: str = "en") -> None:
    """One row per port, the columns of :func:`monitor.reports.columns.csv_cells` (names are the same in every
    language); device text that a spreadsheet would run as a formula is made inert
    (:func:`monitor.reports.cells.csv_cell`)."""
    cells = columns.csv_cells()
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([name for name, _column, _part in cells])
        for p in report.ports:
            row = [column.value_kind.csv(column.values(p)[part]) for _name, column, part in cells]
            w.writerow([csv_cell(value) for value in row])


# ---------------------------------------------------------------------------------------------------------- Excel

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


def _port_columns(
    shown: Sequence[Column], ports: Sequence[PortStats], lang: str
) -> tuple[list[str], list[list[Any]], list[str | None]]:
    """Headers, rows and number formats of the ``shown`` columns for ``ports`` (a pair takes two columns)."""
    headers = [h for c in shown for h in c.sheet_headers(lang)]
    formats = [c.value_kind.sheet_format for c in shown for _ in c.csv_names()]
    rows = [[c.value_kind.sheet(v, lang) for c in shown for v in c.values(p)] for p in ports]
    return headers, rows, formats


def _port_sheet(wb: Any, report: Report, lang: str) -> None:
    headers, rows, formats = _port_columns(columns.shown_in("xlsx"), report.ports, lang)
    _sheet(wb, text(lang, "sheet_ports"), headers, rows, formats)


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
    headers, rows, formats = _port_columns(columns.shown_in("xlsx_top"), report.top, lang)
    ranked = [[rank, *row] for rank, row in enumerate(rows, start=1)]
    title = text(lang, "sheet_top", len(report.top))
    _sheet(wb, title, [text(lang, "rank"), *headers], ranked, [INT_FORMAT, *formats])


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
