"""Import devices from a CSV file: choose the file, watch the progress (cancellable), read what was refused and why.

The work is :func:`monitor.storage.csv_import.import_devices` on a worker thread with its own store connection, so even
5,000 rows never freeze the window.
"""

from __future__ import annotations

import csv
import functools
import threading
import time
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.plain_text import literal, plain
from monitor.safe_files import atomic_path
from monitor.storage.csv_import import COLUMNS, ImportReport, import_devices
from monitor.storage.inventory import store_id
from monitor.storage.secrets import open_secrets
from monitor.storage.store import connect

ERROR_STYLE = "color: #c62828;"
TEMPLATE_ROWS = (
    ("core-sw", "192.0.2.1", "2c", "change-me", "161", "switch", "機房", "auto", "", "", "", "", "", "", "", ""),
    (
        "library-ap", "192.0.2.2", "3", "", "161", "ap", "圖書館", "auto", "monitor", "sha", "auth-key-change-me",
        "aes", "priv-key-change-me", "", "", "",
    ),
)  # fmt: skip
_PROGRESS_EVERY_S = 0.05

# Import threads have no parent and are kept here until they finish: a dialog deleted mid-import (without being
# closed first) would otherwise destroy a running QThread, which aborts the process.
_running: set[ImportThread] = set()


def write_template(path: Path) -> None:
    """A sample CSV: the header and two example rows (documentation addresses), UTF-8 with BOM for Excel; written
    atomically, never over anything but a regular file (:class:`CampusNetError` otherwise)."""
    with atomic_path(Path(path), "the template") as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(TEMPLATE_ROWS)


class ImportThread(QThread):
    """Runs one import with its own store connection; cancel between rows with :meth:`cancel`.

    Signals:
        progress(int, int): rows done, rows in total (at most every 50 ms, and at the end).
        imported(object): the :class:`ImportReport` when the import ran to the end or was cancelled.
        failed(str): why the file or the store could not be used (one line for the user).
    """

    progress = Signal(int, int)
    imported = Signal(object)
    failed = Signal(str)

    def __init__(self, db_path: Path, csv_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.csv_path = csv_path
        self._cancel = threading.Event()
        self._last_progress = 0.0

    def cancel(self) -> None:
        """Stop before the next row (rows already added stay)."""
        self._cancel.set()

    def run(self) -> None:
        """QThread override: the import, on the worker thread."""
        try:
            conn = connect(self.db_path)
            try:
                secrets = open_secrets(self.db_path, store_id(conn))
                report = import_devices(
                    conn, secrets, self.csv_path, on_progress=self._on_progress, cancelled=self._cancel.is_set
                )
            finally:
                conn.close()
        except CampusNetError as exc:
            self.failed.emit(str(exc))
            return
        self.imported.emit(report)

    def _on_progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self._last_progress >= _PROGRESS_EVERY_S:
            self._last_progress = now
            self.progress.emit(done, total)


class CsvImportDialog(QDialog):
    """Import devices from a CSV file into the store at ``db_path``.

    Attributes:
        report: the :class:`ImportReport` of the last import, or None.
        summary: "12 devices added, 3 rejected" (or why the file was refused).
        rejected_table: line, name and reason of each refused row.

    Signals:
        devicesAdded(int): an import finished (or was cancelled); the number of devices it added.
    """

    devicesAdded = Signal(int)

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.report: ImportReport | None = None
        self._thread: ImportThread | None = None
        self.setWindowTitle(self.tr("Import devices from CSV"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro())
        layout.addLayout(self._file_row())
        layout.addLayout(self._progress_row())
        self.summary = plain(QLabel())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(self._build_table(), 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _intro(self) -> QLabel:
        text = QLabel(
            self.tr(
                "One device per row, with a header row. Only name and host are required; the other columns are "
                "snmp_version, community, snmp_port, role, location, platform, the v3_… and ssh_… settings. "
                "Headers 名稱, 主機, 位置 and 角色 are accepted. Save from Excel as “CSV UTF-8” "
                "(Big5 and GBK work too)."
            )
        )
        text.setWordWrap(True)
        return text

    def _file_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("Choose file…"))
        self.choose_button.clicked.connect(self.choose_file)
        self.template_button = QPushButton(self.tr("Download template…"))
        self.template_button.clicked.connect(self.save_template)
        self.file_label = plain(QLabel())
        row.addWidget(self.choose_button)
        row.addWidget(self.template_button)
        row.addWidget(self.file_label, 1)
        return row

    def _progress_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_import)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()
        return row

    def _build_table(self) -> QTableWidget:
        self.rejected_table = QTableWidget(0, 3)
        self.rejected_table.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Name"), self.tr("Reason")])
        header = self.rejected_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.rejected_table.verticalHeader().hide()
        self.rejected_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rejected_table.setWordWrap(True)
        self.rejected_table.hide()
        return self.rejected_table

    # --- actions ---------------------------------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for a CSV file and import it."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import devices"), "", self.tr("CSV files (*.csv);;All files (*)")
        )
        if path:
            self.import_file(Path(path))

    def save_template(self) -> None:
        """Ask where to save the sample CSV and write it."""
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save template"), "campusnet-devices.csv", self.tr("CSV files (*.csv)")
        )
        if not path:
            return
        try:
            write_template(Path(path))
        except CampusNetError as exc:
            self._show_failure(self.tr("Cannot write {0}: {1}").format(path, str(exc).splitlines()[0]))
            return
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("Template saved to {0}").format(path))

    def import_file(self, path: Path) -> None:
        """Start importing ``path`` on a worker thread (ignored while an import runs)."""
        if self.importing:
            return
        self.report = None
        self.file_label.setText(Path(path).name)
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("Importing…"))
        self.rejected_table.hide()
        self._set_busy(True)
        thread = ImportThread(self.db_path, Path(path))
        thread.progress.connect(self._on_progress)
        thread.imported.connect(self._on_imported)
        thread.failed.connect(self._on_failed)
        thread.finished.connect(self._on_thread_finished)
        thread.finished.connect(functools.partial(_running.discard, thread))
        thread.finished.connect(thread.deleteLater)
        _running.add(thread)
        self._thread = thread
        thread.start()

    def cancel_import(self) -> None:
        """Stop the running import before its next row."""
        if self._thread is not None:
            self._thread.cancel()
            self.cancel_button.setEnabled(False)

    @property
    def importing(self) -> bool:
        """True while an import runs."""
        return self._thread is not None

    # --- results ---------------------------------------------------------------------------------------------

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_imported(self, report: ImportReport) -> None:
        self.report = report
        added = self.tr("1 device added") if len(report.added) == 1 else self.tr("{0} devices added")
        text = self.tr("{0}, {1} rejected").format(added.format(len(report.added)), len(report.rejected))
        if report.cancelled:
            text += self.tr(" (cancelled before the end)")
        self.summary.setText(text)
        self._fill_table(report)
        self.devicesAdded.emit(len(report.added))

    def _on_failed(self, message: str) -> None:
        self._show_failure(self.tr("Nothing imported: {0}").format(message))

    def _show_failure(self, text: str) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(text)

    def _fill_table(self, report: ImportReport) -> None:
        table = self.rejected_table
        table.setRowCount(len(report.rejected))
        for row, rejected in enumerate(report.rejected):
            for column, value in enumerate((str(rejected.line), rejected.name, rejected.reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(literal(value))
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        table.setVisible(bool(report.rejected))

    def _on_thread_finished(self) -> None:
        if self._thread is not None:
            self._thread.wait()
        self._thread = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.choose_button.setEnabled(not busy)

    def stop(self) -> None:
        """Cancel a running import and wait for its thread (a row in progress finishes first)."""
        thread = self._thread
        if thread is not None:
            thread.cancel()
            thread.wait()

    def done(self, result: int) -> None:
        """Qt override: closing the dialog cancels a running import."""
        self.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Qt override: closing the window cancels a running import."""
        self.stop()
        super().closeEvent(event)
