"""The usage report dialog: choose a period and what to report on, preview it, save it as PDF, Excel or CSV, and set
up the weekly and monthly reports that the app or the service make on their own.

The report is computed off the GUI thread (through the window's ``submit``), with progress and a cancel button; the
preview is the same HTML the PDF is made of, charts included (drawn on the GUI thread, as Qt needs). CSV and Excel
files are written off the GUI thread too; the PDF is drawn on it (a second or two), always through a temporary file,
so a cancelled or failed save leaves no half-written report.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.plain_text import plain
from monitor.reports.report import (
    DEFAULT_TZ,
    Period,
    Report,
    ReportCancelled,
    ReportSpec,
    get_school_name,
    set_school_name,
)
from monitor.reports.report_schedule import FORMATS, ReportSchedule, latest_periods, load_schedule, save_schedule
from monitor.storage import inventory

Submit = Callable[[Coroutine[Any, Any, Any]], Future[Any]]
Write = Callable[[Callable[[sqlite3.Connection], Any]], Future[Any]]

PRESETS = ("last_week", "last_7_days", "this_month", "last_month", "custom")
_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"


def preset_period(preset: str, now: float, start: date | None = None, end: date | None = None) -> Period:
    """The period of a preset at ``now`` (Taipei time); ``custom`` runs from ``start`` to the end of ``end``."""
    tz = ZoneInfo(DEFAULT_TZ)
    today = datetime.fromtimestamp(now, tz).date()

    def midnight(day: date) -> float:
        return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()

    if preset == "last_week":
        week = latest_periods(now)["weekly"]
        return Period(week.from_ts, week.to_ts)
    if preset == "last_month":
        month = latest_periods(now)["monthly"]
        return Period(month.from_ts, month.to_ts)
    if preset == "this_month":
        return Period(midnight(today.replace(day=1)), now)
    if preset == "last_7_days":
        return Period(now - 7 * 86400, now)
    assert start is not None and end is not None
    return Period(midnight(start), midnight(end + timedelta(days=1)))


class ReportDialog(QDialog):
    """Make a usage report now, or schedule them.

    Attributes:
        report: the last computed :class:`Report`, or None.
        preview: the HTML preview.
        status: one line saying what happened (progress, the file written, an error).

    Signals:
        finished_work(str): a computation or save ended: "preview", "saved", "cancelled" or "error".
    """

    finished_work = Signal(str)
    _progress = Signal(int, int, str)
    _done = Signal(object, object, str)  # result, error, what

    def __init__(
        self, db_path: Path, conn: sqlite3.Connection, submit: Submit, write: Write, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.conn = conn
        self.submit = submit
        self.write = write
        self.report: Report | None = None
        self._cancel = threading.Event()
        self._future: Future[Any] | None = None
        self._pending_save: tuple[str, Path] | None = None
        self.setWindowTitle(self.tr("Usage report"))
        self.resize(1100, 760)

        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._choice_group())
        left_layout.addWidget(self._schedule_group())
        left_layout.addStretch(1)
        splitter.addWidget(left)
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setPlaceholderText(self.tr("Press Preview to see the report here."))
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 720])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bottom.addWidget(self.progress, 1)
        self.status = plain(QLabel())
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 2)
        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.clicked.connect(lambda: self.make_preview())
        self.save_button = QPushButton(self.tr("Save as…"))
        self.save_button.clicked.connect(lambda: self.save_as())
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.preview_button, self.save_button, self.cancel_button, self.close_button):
            bottom.addWidget(button)
        layout.addLayout(bottom)

        self._progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._load()

    # --------------------------------------------------------------------------------------------------- layout

    def _choice_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Report"))
        form = QFormLayout(box)
        self.preset = QComboBox()
        names = {
            "last_week": self.tr("Last week (Monday to Sunday)"),
            "last_7_days": self.tr("Last 7 days"),
            "this_month": self.tr("This month so far"),
            "last_month": self.tr("Last month"),
            "custom": self.tr("Custom dates"),
        }
        for key in PRESETS:
            self.preset.addItem(names[key], key)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        form.addRow(self.tr("Period"), self.preset)
        dates = QHBoxLayout()
        self.start_date = QDateEdit()
        self.end_date = QDateEdit()
        for edit in (self.start_date, self.end_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        dates.addWidget(self.start_date)
        dates.addWidget(QLabel(self.tr("to")))
        dates.addWidget(self.end_date)
        form.addRow(self.tr("Dates"), dates)
        self.devices = QListWidget()
        self.devices.setMaximumHeight(150)
        form.addRow(self.tr("Devices"), self.devices)
        self.ports = QComboBox()
        self.ports.addItem(self.tr("Uplinks"), "uplinks")
        self.ports.addItem(self.tr("All ports"), "all")
        form.addRow(self.tr("Ports"), self.ports)
        self.top = QSpinBox()
        self.top.setRange(1, 100)
        self.top.setValue(10)
        form.addRow(self.tr("Busiest ports listed"), self.top)
        self.language = QComboBox()
        self.language.addItem("繁體中文", "zh_TW")
        self.language.addItem("English", "en")
        form.addRow(self.tr("Language"), self.language)
        self.school = QLineEdit()
        self.school.setPlaceholderText(self.tr("shown at the top of every page"))
        form.addRow(self.tr("School name"), self.school)
        return box

    def _schedule_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Scheduled reports"))
        form = QFormLayout(box)
        self.weekly = QCheckBox(self.tr("Last week's report every Monday"))
        self.monthly = QCheckBox(self.tr("Last month's report on the 1st"))
        form.addRow(self.weekly)
        form.addRow(self.monthly)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_folder)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form.addRow(self.tr("Folder"), folder_row)
        formats_row = QHBoxLayout()
        self.format_boxes = {fmt: QCheckBox(fmt.upper() if fmt != "xlsx" else "Excel") for fmt in FORMATS}
        for check in self.format_boxes.values():
            formats_row.addWidget(check)
        form.addRow(self.tr("Formats"), formats_row)
        self.email = QComboBox()
        form.addRow(self.tr("E-mail through"), self.email)
        self.schedule_hint = QLabel(
            self.tr("The app or the background service writes them while it runs, in the language chosen above.")
        )
        self.schedule_hint.setWordWrap(True)
        form.addRow(self.schedule_hint)
        self.save_schedule_button = QPushButton(self.tr("Save schedule"))
        self.save_schedule_button.clicked.connect(lambda: self.store_schedule())
        self.schedule_status = plain(QLabel())
        self.schedule_status.setWordWrap(True)
        form.addRow(self.save_schedule_button, self.schedule_status)
        return box

    def _load(self) -> None:
        """Fill the choices from the store: devices, school name, the schedule and the e-mail channels."""
        from monitor.alerting.channels import list_channels, sends_files

        for device in inventory.list_devices(self.conn):
            item = QListWidgetItem(str(device["name"]))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.devices.addItem(item)
        self.school.setText(get_school_name(self.conn))
        schedule = load_schedule(self.conn)
        self.language.setCurrentIndex(max(0, self.language.findData(schedule.lang)))
        self.weekly.setChecked(schedule.weekly)
        self.monthly.setChecked(schedule.monthly)
        self.folder.setText(schedule.folder)
        for fmt, check in self.format_boxes.items():
            check.setChecked(fmt in schedule.formats)
        self.email.addItem(self.tr("(no e-mail)"), "")
        for channel in list_channels(self.conn):
            if sends_files(channel):
                self.email.addItem(channel.name, channel.name)
        self.email.setCurrentIndex(max(0, self.email.findData(schedule.email_channel)))
        today = QDate.currentDate()
        self.start_date.setDate(today.addDays(-7))
        self.end_date.setDate(today.addDays(-1))
        self._preset_changed()

    def _preset_changed(self) -> None:
        custom = self.preset.currentData() == "custom"
        self.start_date.setEnabled(custom)
        self.end_date.setEnabled(custom)
        if not custom:
            period = self.period()
            tz = ZoneInfo(DEFAULT_TZ)
            first = datetime.fromtimestamp(period.from_ts, tz).date()
            last = datetime.fromtimestamp(period.to_ts - 1, tz).date()
            self.start_date.setDate(QDate(first.year, first.month, first.day))
            self.end_date.setDate(QDate(last.year, last.month, last.day))

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for scheduled reports"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    # ---------------------------------------------------------------------------------------------- the choices

    def period(self, now: float | None = None) -> Period:
        """The period the choices describe."""
        now = time.time() if now is None else now
        start, end = self.start_date.date().toPython(), self.end_date.date().toPython()
        return preset_period(str(self.preset.currentData()), now, start, end)  # type: ignore[arg-type]

    def spec(self) -> ReportSpec:
        """What to report on, as the choices say (all devices checked means every device, new ones included)."""
        items = [self.devices.item(i) for i in range(self.devices.count())]
        checked = tuple(item.text() for item in items if item.checkState() == Qt.CheckState.Checked)
        devices = () if len(checked) == len(items) else checked
        return ReportSpec(self.period(), devices, str(self.ports.currentData()), self.top.value(), self.school.text())

    @property
    def lang(self) -> str:
        """The report's language."""
        return str(self.language.currentData())

    @property
    def busy(self) -> bool:
        """True while a report is computed or saved."""
        return self._future is not None

    # -------------------------------------------------------------------------------------------------- working

    def make_preview(self) -> bool:
        """Compute the report off the GUI thread, then show it; False when not started (busy, nothing chosen)."""
        return self._start("preview")

    def save_as(self, path: Path | None = None) -> bool:
        """Ask for a file (PDF, Excel or CSV by its name), compute the report and write it there."""
        if self.busy:
            return False
        if path is None:
            filters = ";;".join(
                [self.tr("PDF report (*.pdf)"), self.tr("Excel workbook (*.xlsx)"), self.tr("CSV for scripts (*.csv)")]
            )
            name, _chosen = QFileDialog.getSaveFileName(self, self.tr("Save the report"), self._default_name(), filters)
            if not name:
                return False
            path = Path(name)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            path, fmt = path.with_suffix(".pdf"), "pdf"
        self._pending_save = (fmt, path)
        return self._start("save")

    def _default_name(self) -> str:
        tz = ZoneInfo(DEFAULT_TZ)
        period = self.period()
        first = datetime.fromtimestamp(period.from_ts, tz).date()
        last = datetime.fromtimestamp(period.to_ts - 1, tz).date()
        return str(Path.home() / f"campusnet-report-{first}_{last}.pdf")

    def cancel(self) -> None:
        """Stop the computation at the next port; nothing is written."""
        self._cancel.set()
        self.status.setText(self.tr("Cancelling…"))

    def _start(self, what: str) -> bool:
        if self.busy:
            return False
        try:
            spec = self.spec()
            if spec.school is not None and spec.school.strip() != get_school_name(self.conn):
                self.write(functools.partial(set_school_name, name=spec.school)).result(timeout=30)
        except CampusNetError as exc:
            self._show_error(str(exc))
            return False
        if what == "save" and self._pending_save is not None:
            from monitor.reports.report_export import check_output

            try:
                check_output(self._pending_save[1])
            except CampusNetError as exc:
                self._show_error(str(exc))
                return False
        self._cancel.clear()
        self._set_busy(True)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Computing the report…"))
        db_path, lang, save = self.db_path, self.lang, self._pending_save if what == "save" else None

        def progress(done: int, total: int, _text: str) -> None:
            with contextlib.suppress(RuntimeError):
                self._progress.emit(done, total, _text)

        def work() -> None:
            from monitor.reports.report import build_report
            from monitor.reports.report_export import write_report
            from monitor.storage.store import connect

            result: Any = None
            error: BaseException | None = None
            conn = connect(db_path)
            try:
                result = build_report(conn, spec, progress=progress, cancelled=self._cancel.is_set)
                if save is not None and save[0] != "pdf":
                    write_report(result, save[0], save[1], lang)
            except BaseException as exc:  # shown to the user; the dialog must come back from any failure
                error = exc
            finally:
                conn.close()
            with contextlib.suppress(RuntimeError):
                self._done.emit(result, error, what)

        async def run() -> None:
            await asyncio.to_thread(work)

        self._future = self.submit(run())
        return True

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.preview_button, self.save_button, self.close_button):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.progress.setValue(0)

    def _on_progress(self, done: int, total: int, _text: str) -> None:
        if total:
            self.progress.setValue(done * 100 // total)

    def _show_error(self, message: str) -> None:
        self.status.setStyleSheet(_ERROR_STYLE)
        self.status.setText(message.splitlines()[0] if message else self.tr("Failed"))

    def _on_done(self, result: object, error: object, what: str) -> None:
        self._future = None
        self._set_busy(False)
        if isinstance(error, ReportCancelled):
            self.status.setStyleSheet("")
            self.status.setText(self.tr("Cancelled: nothing was written."))
            self._pending_save = None
            self.finished_work.emit("cancelled")
            return
        if isinstance(error, BaseException):
            self._show_error(str(error) or type(error).__name__)
            self._pending_save = None
            self.finished_work.emit("error")
            return
        assert isinstance(result, Report)
        self.report = result
        self._show_preview(result)
        if what == "preview":
            self.status.setStyleSheet(_OK_STYLE)
            self.status.setText(
                self.tr("%1 port(s) of %2 device(s)")
                .replace("%1", str(len(result.ports)))
                .replace("%2", str(len(result.devices)))
            )
            self.finished_work.emit("preview")
            return
        assert self._pending_save is not None
        fmt, path = self._pending_save
        self._pending_save = None
        try:
            if fmt == "pdf":
                from gui.report_pdf import write_pdf
                from monitor.reports.report_export import atomic_path

                with atomic_path(path) as tmp:
                    write_pdf(result, tmp, self.lang, self.db_path)
        except (CampusNetError, OSError) as exc:
            self._show_error(str(exc))
            self.finished_work.emit("error")
            return
        self.status.setStyleSheet(_OK_STYLE)
        self.status.setText(self.tr("Saved %1").replace("%1", str(path)))
        self.finished_work.emit("saved")

    def _show_preview(self, report: Report) -> None:
        from gui.report_pdf import add_charts, report_font, report_html

        doc = QTextDocument(self.preview)
        charts = add_charts(doc, report, self.lang, self.db_path)
        doc.setDefaultFont(report_font(self.lang, 10))
        width = max(400, self.preview.viewport().width() - 40)
        doc.setHtml(report_html(report, self.lang, charts, width))
        self.preview.setDocument(doc)

    # ------------------------------------------------------------------------------------------------- schedule

    def schedule(self) -> ReportSchedule:
        """The schedule as the dialog shows it."""
        formats = [fmt for fmt, check in self.format_boxes.items() if check.isChecked()]
        return ReportSchedule(
            weekly=self.weekly.isChecked(),
            monthly=self.monthly.isChecked(),
            folder=self.folder.text().strip(),
            formats=formats,
            lang=self.lang,
            ports=str(self.ports.currentData()),
            email_channel=str(self.email.currentData() or ""),
        )

    def store_schedule(self) -> bool:
        """Validate and save the schedule (nothing saved when it is bad); the outcome is shown beside the button."""
        wanted = self.schedule()
        try:
            self.write(lambda c: save_schedule(c, wanted)).result(timeout=30)
        except CampusNetError as exc:
            self.schedule_status.setStyleSheet(_ERROR_STYLE)
            self.schedule_status.setText(str(exc).splitlines()[0])
            return False
        self.schedule_status.setStyleSheet(_OK_STYLE)
        self.schedule_status.setText(self.tr("Saved") if wanted.enabled else self.tr("Saved: nothing scheduled"))
        return True

    def reject(self) -> None:
        """Close, cancelling a computation that still runs."""
        if self.busy:
            self._cancel.set()
        super().reject()
