"""The event log: everything the store recorded (devices down and up, restarts, ports, alerts, APs, backups, reports),
newest first, with filters by period, kind, device and text, and an export to CSV.

Reads run off the GUI thread (the window's ``submit``) and come back through a :class:`gui.plumbing.Relay`.
"""

from __future__ import annotations

import asyncio
import csv
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from devices.i18n import render_stored
from gui.dashboard import EVENT_NAMES
from gui.plain_text import literal, plain
from gui.plumbing import Relay, Submit, one_line
from gui.tray import message_language
from monitor.reports.cells import csv_cell
from monitor.safe_files import atomic_path
from monitor.storage.store import connect

# Period choice -> seconds back from now (None: everything kept).
PERIODS: dict[str, float | None] = {"24h": 86400.0, "7d": 7 * 86400.0, "30d": 30 * 86400.0, "all": None}
MAX_ROWS = 5000


@dataclass(frozen=True)
class EventRow:
    """One event as the log shows it."""

    id: int
    ts: float
    kind: str
    device: str
    port: str
    detail: str


def read_events(db_path: Path, since: float | None, limit: int = MAX_ROWS, language: str = "en") -> list[EventRow]:
    """Events since ``since`` (all when None), newest first, at most ``limit``, their details in ``language``;
    opens its own connection."""
    conn = connect(db_path, readonly=True)
    try:
        rows = conn.execute(
            """SELECT e.id, e.ts, e.kind, COALESCE(d.name, '') AS device, COALESCE(p.key, '') AS port, e.detail,
                      e.message
               FROM events e LEFT JOIN devices d ON d.id = e.device_id LEFT JOIN ports p ON p.id = e.port_id
               WHERE e.ts >= ? ORDER BY e.ts DESC, e.id DESC LIMIT ?""",
            (since if since is not None else 0.0, limit),
        ).fetchall()
    finally:
        conn.close()
    return [
        EventRow(int(r[0]), float(r[1]), str(r[2]), str(r[3]), str(r[4]), render_stored(r[6], str(r[5]), language))
        for r in rows
    ]


def event_name(kind: str) -> str:
    """An event kind in the user's language."""
    return QCoreApplication.translate("Dashboard", EVENT_NAMES[kind]) if kind in EVENT_NAMES else kind


class EventsPage(QWidget):
    """The event log with filters and CSV export.

    Signals:
        loaded(): a read of the store is shown.
    """

    loaded = Signal()
    COLUMNS = 5

    def __init__(self, db_path: Path, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path, self.submit = db_path, submit
        self.rows: list[EventRow] = []
        self._loading = False
        self._again = False
        self._relay = Relay(self)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.period = QComboBox()
        names = {
            "24h": self.tr("Last 24 hours"),
            "7d": self.tr("Last 7 days"),
            "30d": self.tr("Last 30 days"),
            "all": self.tr("Everything kept"),
        }
        for key in PERIODS:
            self.period.addItem(names[key], key)
        self.period.setCurrentIndex(1)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("All events"), "")
        for kind in EVENT_NAMES:
            self.kind.addItem(event_name(kind), kind)
        self.device = QComboBox()
        self.device.addItem(self.tr("All devices"), "")
        self.device.setMinimumContentsLength(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search device, port, detail…"))
        self.search.setClearButtonEnabled(True)
        for label, widget in ((self.tr("Period:"), self.period), (self.tr("Event:"), self.kind)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(QLabel(self.tr("Device:")))
        filters.addWidget(self.device)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Event"), self.tr("Device"), self.tr("Port"), self.tr("Detail")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.summary = plain(QLabel())
        bottom.addWidget(self.summary, 1)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.clicked.connect(lambda: self.export())
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        for combo in (self.kind, self.device):
            combo.currentIndexChanged.connect(lambda _i: self._show())
        self.search.textChanged.connect(lambda _t: self._show())

    @property
    def busy(self) -> bool:
        """True while a read of the store is under way."""
        return self._loading

    def reload(self) -> None:
        """Read the events of the chosen period again, off the GUI thread."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        back = PERIODS[str(self.period.currentData())]
        since = None if back is None else time.time() - back
        language = message_language()
        job = asyncio.to_thread(read_events, self.db_path, since, MAX_ROWS, language)
        self._relay.then(self.submit(job), self._on_loaded)

    def _on_loaded(self, rows: list[EventRow] | None, error: BaseException | None) -> None:
        self._loading = False
        if error is not None or rows is None:
            self.summary.setText(self.tr("Could not read the events: {0}").format(one_line(error or RuntimeError())))
        else:
            self.rows = rows
            self._fill_devices(sorted({r.device for r in rows if r.device}))
            self._show()
            self.loaded.emit()
        if self._again:
            self._again = False
            self.reload()

    def _fill_devices(self, names: Sequence[str]) -> None:
        chosen = self.device.currentData()
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItem(self.tr("All devices"), "")
        for name in names:
            self.device.addItem(name, name)
        self.device.setCurrentIndex(max(0, self.device.findData(chosen)))
        self.device.blockSignals(False)

    def visible_rows(self) -> list[EventRow]:
        """The events the filters let through."""
        kind, device, text = self.kind.currentData(), self.device.currentData(), self.search.text().strip().lower()
        out = []
        for row in self.rows:
            if kind and row.kind != kind:
                continue
            if device and row.device != device:
                continue
            haystack = f"{row.device} {row.port} {row.detail} {event_name(row.kind)}".lower()
            if text and text not in haystack:
                continue
            out.append(row)
        return out

    def _show(self) -> None:
        rows = self.visible_rows()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row.ts))
            for c, value in enumerate((when, event_name(row.kind), row.device, row.port, row.detail)):
                item = QTableWidgetItem(value)
                if c == self.COLUMNS - 1:
                    item.setToolTip(literal(value))
                self.table.setItem(r, c, item)
        more = self.tr(" (the newest {0} only)").format(MAX_ROWS) if len(self.rows) >= MAX_ROWS else ""
        self.summary.setText(self.tr("{0} of {1} event(s)").format(len(rows), len(self.rows)) + more)

    def export(self, path: Path | None = None) -> bool:
        """Write the events the filters let through to a CSV file (UTF-8 with BOM, for Excel), atomically, never over
        anything but a regular file; device text that a spreadsheet would run as a formula is made inert."""
        if path is None:
            name, _f = QFileDialog.getSaveFileName(
                self, self.tr("Export events"), str(Path.home() / "campusnet-events.csv"), self.tr("CSV (*.csv)")
            )
            if not name:
                return False
            path = Path(name)
        try:
            with atomic_path(path, "the events") as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow(["time", "kind", "event", "device", "port", "detail"])
                for row in self.visible_rows():
                    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row.ts))
                    cells = [when, row.kind, event_name(row.kind), row.device, row.port, row.detail]
                    out.writerow([csv_cell(value) for value in cells])
        except CampusNetError as exc:
            self.summary.setText(self.tr("Could not write {0}: {1}").format(str(path), one_line(exc)))
            return False
        self.summary.setText(self.tr("Exported to {0}").format(str(path)))
        return True
