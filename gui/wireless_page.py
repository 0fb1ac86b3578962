"""The Wireless tab of a device page: APs online and clients, the AP table, clients by SSID, and counts over time.

Everything here reads the store off the GUI thread (through the ``submit`` the main window provides, as the Alerts
page does): a controller with a thousand APs is read and parsed on a worker thread, and only the finished rows come
back to the GUI. :class:`Figure` (one headline count with the MIB object it comes from) and :class:`SsidTable` serve
:mod:`gui.wireless_overview` too; the graph is :class:`gui.wireless_plot.CountPlot`.
"""

from __future__ import annotations

import asyncio
import functools
import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import QT_TRANSLATE_NOOP
from gui.lamps import lamp_icon
from gui.plain_text import literal, plain
from gui.plumbing import Relay, Submit, one_line
from gui.table_model import CellTableModel
from gui.wireless_plot import DASH, CountPlot, device_counts
from monitor.polling import wireless
from monitor.polling.wireless import WirelessView
from monitor.storage.store import connect

STATUS_RANK = {"offline": 0, "unknown": 1, "online": 2}  # offline APs first
_SELF = "the device itself (a standalone AP that answers)"  # devices.wireless: a standalone AP's AP counts


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item at (row, column) of a table whose cells are all filled (Qt's type says it may be missing)."""
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item


def count_text(value: int | None) -> str:
    """A count, or a dash when the device does not give it."""
    return DASH if value is None else f"{value:,}"


def source_caption(source: str | None) -> str:
    """Where a figure comes from, short: the MIB object without its module (``wlsxSwitchTotalNumAccessPoints``)."""
    if not source:
        return QCoreApplication.translate("WirelessPage", "not given by this device")
    if source == _SELF:
        return QCoreApplication.translate("WirelessPage", "the AP itself (it answers)")
    short = re.sub(r"\b[A-Z][A-Z0-9-]*::", "", source)
    if short.startswith("sum of "):
        return QCoreApplication.translate("WirelessPage", "sum of {0}").format(short.removeprefix("sum of "))
    return short


def uptime_text(seconds: int | None) -> str:
    """An uptime as days and hours ("12 d 3 h"), hours and minutes, or minutes."""
    if seconds is None:
        return ""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return QCoreApplication.translate("WirelessPage", "{0} d {1} h").format(days, hours)
    if hours:
        return QCoreApplication.translate("WirelessPage", "{0} h {1} min").format(hours, rest // 60)
    return QCoreApplication.translate("WirelessPage", "{0} min").format(rest // 60)


def radio_text(radio: Mapping[str, Any]) -> str:
    """One radio, short: band, channel and clients ("5GHz ch36 (12)")."""
    band = radio.get("band") or QCoreApplication.translate("WirelessPage", "radio {0}").format(radio.get("index"))
    channel = f" ch{radio['channel']}" if radio.get("channel") else ""
    clients = f" ({radio['clients']})" if radio.get("clients") is not None else ""
    return f"{band}{channel}{clients}"


def _local(iso: str | None, fmt: str = "%m-%d %H:%M") -> str:
    return "" if not iso else datetime.fromisoformat(iso).astimezone().strftime(fmt)


def _ip_key(ip: str | None) -> str:
    """An IPv4 address padded so that text order is numeric order (10.0.0.9 before 10.0.0.10)."""
    if not ip:
        return ""
    parts = ip.split(".")
    return ".".join(p.zfill(3) for p in parts) if all(p.isdigit() for p in parts) else ip


# ------------------------------------------------------------------------------------------------- reading


def read_view(db_path: Path, device_id: int) -> WirelessView | None:
    """A device's latest wireless data (None: it has none). Runs on a worker thread with its own connection."""
    conn = connect(db_path, readonly=True)
    try:
        row = conn.execute("SELECT name FROM devices WHERE id = ?", (device_id,)).fetchone()
        return None if row is None else wireless.load(conn, device_id, str(row["name"]))
    finally:
        conn.close()


def has_wireless_data(conn: sqlite3.Connection, device_id: int) -> bool:
    """True when the device ever had wireless data (one indexed row; cheap enough for the GUI thread)."""
    return conn.execute("SELECT 1 FROM wireless_state WHERE device_id = ?", (device_id,)).fetchone() is not None


# ------------------------------------------------------------------------------------------------ widgets


class Figure(QFrame):
    """One headline count: its title, the number (a dash when the device does not give it) and, small, the MIB
    object it comes from (the whole source in the tooltip)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #555;")
        self.value = QLabel(DASH)
        self.value.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.caption = plain(QLabel())
        self.caption.setStyleSheet("color: #777; font-size: 8pt;")
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # long names clip
        for label in (self.title, self.value, self.caption):
            layout.addWidget(label)

    def show_value(self, text: str, caption: str, tooltip: str = "") -> None:
        """Show a value (already formatted) with its caption."""
        self.value.setText(text)
        self.caption.setText(caption)
        self.setToolTip(literal(tooltip))


class ShareDelegate(QStyledItemDelegate):
    """Draws a cell's share of the largest value (UserRole + 1, 0..1) as a bar behind its number."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Qt override."""
        share = index.data(Qt.ItemDataRole.UserRole + 1) or 0.0
        if share > 0:
            rect = option.rect.adjusted(2, 4, -2, -4)
            painter.fillRect(rect.adjusted(0, 0, -int(rect.width() * (1 - share)), 0), QColor("#a6cde9"))
        super().paint(painter, option, index)


class SortItem(QTableWidgetItem):
    """A table cell that sorts by its key (UserRole): numbers as numbers, names without case; else by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if mine is None or theirs is None or type(mine) is not type(theirs):
            return self.text() < other.text()
        return bool(mine < theirs)


class SsidTable(QTableWidget):
    """Clients per SSID, most first, with a bar for each SSID's share; the tick before an SSID shows its line in
    the graph.

    Signals:
        lineToggled(str, bool): the user ticked (True) or cleared an SSID.
    """

    lineToggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels([self.tr("SSID"), self.tr("Clients")])
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setItemDelegateForColumn(1, ShareDelegate(self))
        self.setToolTip(self.tr("Tick an SSID to draw its clients in the graph"))
        self.hidden: set[str] = set()  # SSIDs the user took out of the graph
        self.itemChanged.connect(self._on_item_changed)

    def show_counts(self, counts: Mapping[str, int]) -> None:
        """Show clients per SSID (most first), keeping which SSIDs the user took out of the graph."""
        top = max(counts.values(), default=0)
        self.blockSignals(True)
        try:
            self.setRowCount(len(counts))
            for row, (ssid, n) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))):
                name = QTableWidgetItem(ssid)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                name.setCheckState(Qt.CheckState.Unchecked if ssid in self.hidden else Qt.CheckState.Checked)
                number = SortItem(f"{n:,}")
                number.setData(Qt.ItemDataRole.UserRole, n)
                number.setData(Qt.ItemDataRole.UserRole + 1, n / top if top else 0.0)
                number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, 0, name)
                self.setItem(row, 1, number)
        finally:
            self.blockSignals(False)

    def counts(self) -> dict[str, int]:
        """SSID -> clients as shown."""
        return {
            cell(self, r, 0).text(): int(cell(self, r, 1).data(Qt.ItemDataRole.UserRole))
            for r in range(self.rowCount())
        }

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        shown = item.checkState() == Qt.CheckState.Checked
        (self.hidden.discard if shown else self.hidden.add)(item.text())
        self.lineToggled.emit(item.text(), shown)


# ------------------------------------------------------------------------------------------------ the AP table


class ApModel(CellTableModel):
    """A device's APs as a table: display text and, for sorting, numbers as numbers (UserRole)."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("ApModel", "Name"),
        QT_TRANSLATE_NOOP("ApModel", "Status"),
        QT_TRANSLATE_NOOP("ApModel", "Clients"),
        QT_TRANSLATE_NOOP("ApModel", "IP"),
        QT_TRANSLATE_NOOP("ApModel", "MAC / serial"),
        QT_TRANSLATE_NOOP("ApModel", "Model"),
        QT_TRANSLATE_NOOP("ApModel", "Location"),
        QT_TRANSLATE_NOOP("ApModel", "Uptime"),
        QT_TRANSLATE_NOOP("ApModel", "Radios"),
    )
    NAME, STATUS, CLIENTS = 0, 1, 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._aps: list[dict[str, Any]] = []
        self._cells: list[tuple[tuple[str, Any], ...]] = []

    def load(self, aps: list[dict[str, Any]]) -> bool:
        """Show these APs. The same APs as before are updated in place (selection, sorting and scroll stay);
        returns True when the set of APs changed (a reset)."""
        same = [a["key"] for a in aps] == [a["key"] for a in self._aps]
        if same and aps:
            self._aps, self._cells = aps, [self._row_cells(a) for a in aps]
            self.dataChanged.emit(self.index(0, 0), self.index(len(aps) - 1, len(self.COLUMNS) - 1))
            return False
        self.beginResetModel()
        self._aps, self._cells = aps, [self._row_cells(a) for a in aps]
        self.endResetModel()
        return True

    def key_at(self, row: int) -> str:
        """The stored key (MAC, else serial, else name) of a source row."""
        return str(self._aps[row]["key"])

    def name_of(self, key: str) -> str:
        """The name of the AP with ``key`` (the key itself when it is gone)."""
        row = self.row_of(key)
        return key if row is None else str(self._aps[row]["name"])

    def row_of(self, key: str) -> int | None:
        """The source row of an AP key, or None."""
        return next((i for i, ap in enumerate(self._aps) if ap["key"] == key), None)

    def _status_text(self, ap: Mapping[str, Any]) -> str:
        if ap["status"] == "offline":
            since = _local(ap["status_since"])
            return self.tr("offline since {0}").format(since) if since else self.tr("offline")
        return self.tr("online") if ap["status"] == "online" else self.tr("unknown")

    def _row_cells(self, ap: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
        """(display text, sort value) of every column of one AP, computed once per load."""
        ids = " / ".join(x for x in (ap["mac"], ap["serial"]) if x)
        clients = ap["clients"]
        return (
            (ap["name"], str(ap["name"]).casefold()),
            (self._status_text(ap), STATUS_RANK.get(ap["status"], 1)),
            (count_text(clients), -1 if clients is None else int(clients)),
            (ap["ip"] or "", _ip_key(ap["ip"])),
            (ids, ids.casefold()),
            (ap["model"] or "", (ap["model"] or "").casefold()),
            (ap["location"] or "", (ap["location"] or "").casefold()),
            (uptime_text(ap["uptime_s"]), -1 if ap["uptime_s"] is None else int(ap["uptime_s"])),
            (", ".join(radio_text(r) for r in ap["radios"]), len(ap["radios"])),
        )

    def _status_tip(self, ap: Mapping[str, Any]) -> str:
        raw = ap["status_raw"]
        if raw == wireless.GONE:
            word = self.tr("gone from the AP table")
        elif raw is None:
            return self.tr("The AP table gives no status for this AP")
        else:
            word = raw
        since = _local(ap["status_since"], "%Y-%m-%d %H:%M")
        return (
            self.tr("MIB status: {0} (since {1})").format(word, since)
            if since
            else self.tr("MIB status: {0}").format(word)
        )

    def _radios_tip(self, ap: Mapping[str, Any]) -> str:
        lines = []
        for radio in ap["radios"]:
            line = radio_text(radio)
            if radio.get("ssids"):
                line += "  " + ", ".join(radio["ssids"])
            lines.append(line)
        return "\n".join(lines)

    def row_count(self) -> int:
        """The number of rows."""
        return len(self._aps)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: text, sort values (UserRole), the status lamp and the MIB's own status word."""
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column][0]
        if role == Qt.ItemDataRole.UserRole:
            return self._cells[row][column][1]
        ap = self._aps[row]
        if role == Qt.ItemDataRole.DecorationRole and column == self.STATUS:
            return lamp_icon(ap["status"])
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.STATUS:
                return literal(self._status_tip(ap))
            if column == len(self.COLUMNS) - 1 and ap["radios"]:
                return literal(self._radios_tip(ap))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.CLIENTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# ------------------------------------------------------------------------------------------------ the page


def figures_row(parent: QWidget) -> tuple[QHBoxLayout, Figure, Figure, Figure]:
    """The three headline counts side by side: APs online, APs registered, clients."""
    row = QHBoxLayout()
    online = Figure(QCoreApplication.translate("WirelessPage", "APs online"), parent)
    total = Figure(QCoreApplication.translate("WirelessPage", "APs registered"), parent)
    clients = Figure(QCoreApplication.translate("WirelessPage", "Clients"), parent)
    for figure in (online, total, clients):
        row.addWidget(figure, 1)
    return row, online, total, clients


class WirelessPage(QWidget):
    """A device's wireless data: headline counts as its MIB defines them, the AP table (offline first, a filter,
    sortable columns), clients per SSID and the counts over time. Read off the GUI thread on :meth:`show_device`.

    Signals:
        loaded(): a read of the device's latest wireless data is shown.
    """

    loaded = Signal()

    def __init__(self, db_path: Path, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path, self.submit = db_path, submit
        self.device_id: int | None = None
        self._graphed_ap: str | None = None  # the AP whose clients the graph shows
        self.view: WirelessView | None = None
        self._relay = Relay(self)
        self._loading = False
        self._again = False
        self.stack = QStackedWidget()
        self.empty = QLabel(self.tr("No wireless data for this device."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_content())
        outer = QVBoxLayout(self)
        outer.addWidget(self.stack)
        outer.setContentsMargins(0, 0, 0, 0)

    def _build_content(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        figures, self.online_figure, self.total_figure, self.clients_figure = figures_row(self)
        layout.addLayout(figures)
        self.polled = plain(QLabel())
        self.polled.setStyleSheet("color: #555;")
        self.error = plain(QLabel())
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        layout.addWidget(self.polled)
        layout.addWidget(self.error)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter APs by name, status, IP, MAC, model, location…"))
        self.filter.setClearButtonEnabled(True)
        self.model = ApModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ApModel.STATUS, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._graph_selected_ap())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(50)  # measure the first rows only: a thousand APs stay cheap
        self.no_aps = QLabel(self.tr("This device gives no AP table, only the counts above."))
        self.no_aps.setStyleSheet("color: #555;")
        self.no_aps.hide()
        aps = QWidget()
        aps_layout = QVBoxLayout(aps)
        aps_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.filter, self.table, self.no_aps):
            aps_layout.addWidget(widget)
        self.ssids = SsidTable()
        self.no_ssids = QLabel(self.tr("The device gives no clients per SSID."))
        self.no_ssids.setWordWrap(True)
        self.no_ssids.setStyleSheet("color: #555;")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel(self.tr("Clients by SSID")))
        side_layout.addWidget(self.ssids, 1)
        side_layout.addWidget(self.no_ssids)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(aps)
        top.addWidget(side)
        top.setStretchFactor(0, 4)
        top.setStretchFactor(1, 1)
        self.plot = CountPlot(self.submit)
        self.ssids.lineToggled.connect(lambda ssid, shown: self.plot.set_line_visible(("ssid", ssid), shown))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.plot)
        split.setSizes([330, 400])
        layout.addWidget(split, 1)
        return content

    # ---------------------------------------------------------------------------------------------- loading

    def show_device(self, device_id: int) -> None:
        """Show a device (read off the GUI thread; the same device again: its newest data, table state kept)."""
        if device_id != self.device_id:
            self.device_id = device_id
            self.filter.clear()
            self._graphed_ap = None
            self.plot.set_reader(functools.partial(device_counts, self.db_path, device_id))
        else:
            self.plot.refresh()
        self.reload()

    def reload(self) -> None:
        """Read the device's latest wireless data again (a read under way is followed by one more)."""
        if self.device_id is None:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        device_id = self.device_id
        future = self.submit(asyncio.to_thread(read_view, self.db_path, device_id))
        self._relay.then(future, lambda view, error: self._on_read(device_id, view, error))

    def _on_read(self, device_id: int, view: WirelessView | None, error: BaseException | None) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.reload()
            return
        if device_id != self.device_id:
            return
        if error is not None:
            self.error.setText(self.tr("Could not read the wireless data: {0}").format(one_line(error)))
            self.error.show()
            return
        self.show_view(view)
        self.loaded.emit()

    def show_view(self, view: WirelessView | None) -> None:
        """Show a device's latest wireless data (None: it has none)."""
        self.view = view
        if view is None:
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(1)
        self._show_figures(view)
        self._show_aps(view.aps)
        self.ssids.show_counts(view.clients_by_ssid)
        self.ssids.setVisible(bool(view.clients_by_ssid))
        self.no_ssids.setVisible(not view.clients_by_ssid)

    def _show_figures(self, view: WirelessView) -> None:
        for figure, value, key in (
            (self.online_figure, view.aps_online, "aps_online"),
            (self.total_figure, view.aps_total, "aps_total"),
            (self.clients_figure, view.clients_total, "clients_total"),
        ):
            source = view.sources.get(key)
            tip = source or self.tr("The device's MIB does not give this figure.")
            figure.show_value(count_text(value), source_caption(source), tip)
        when = datetime.fromtimestamp(view.ts).strftime("%Y-%m-%d %H:%M:%S") if view.ts else self.tr("never")
        self.polled.setText(self.tr("Latest wireless data: {0} (read with the {1} module)").format(when, view.module))
        if view.error:
            self.error.setText(self.tr("The latest poll could not read the wireless data: {0}").format(view.error))
        self.error.setVisible(bool(view.error))

    def _show_aps(self, aps: list[dict[str, Any]]) -> None:
        selected = self.selected_key()
        scroll = self.table.verticalScrollBar().value()
        if self.model.load(aps):
            self.table.resizeColumnsToContents()
            self.select_ap(selected)
            self.table.verticalScrollBar().setValue(scroll)
        self.table.setVisible(bool(aps))
        self.filter.setVisible(bool(aps))
        self.no_aps.setVisible(not aps)

    def _graph_selected_ap(self) -> None:
        """Add the selected AP's clients to the graph (one AP at a time)."""
        key = self.selected_key()
        if self.device_id is None or key == self._graphed_ap:
            return
        self._graphed_ap = key
        if key is not None:
            self.plot.ap_labels[key] = self.model.name_of(key)
        self.plot.set_reader(functools.partial(device_counts, self.db_path, self.device_id, ap=key))

    def selected_key(self) -> str | None:
        """The key of the selected AP, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.key_at(self.proxy.mapToSource(rows[0]).row()) if rows else None

    def select_ap(self, key: str | None) -> bool:
        """Select an AP by its key; False when it is not in the table."""
        row = None if key is None else self.model.row_of(key)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        return True

    def visible_names(self) -> list[str]:
        """AP names in the table's current order, after the filter."""
        return [str(self.proxy.index(r, ApModel.NAME).data()) for r in range(self.proxy.rowCount())]
