"""The main window: device tree on the left; first-run panel, dashboard or device page on the right."""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QPolygonF,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from devices.ifmib import IF_STATUS
from gui.alerts_page import AlertsPage
from gui.bridge import CoreBridge
from gui.config_page import ConfigPage
from gui.csv_dialog import CsvImportDialog
from gui.dashboard import Dashboard
from gui.device_dialog import DeviceDialog
from gui.i18n import QT_TRANSLATE_NOOP
from gui.lamps import status_icon
from gui.plain_text import esc, literal
from gui.plot import BandwidthPlot
from gui.plumbing import Job, Relay, Submit, direct_write, one_line
from gui.service_watch import service_status, service_tooltip, takeover_note
from gui.settings_dialog import SettingsDialog
from gui.table_model import CellTableModel
from gui.wireless_overview import WirelessOverview
from gui.wireless_page import WirelessPage, has_wireless_data
from monitor.alerting import alerts
from monitor.polling.scheduler import CoreLoop, CycleResult
from monitor.storage import inventory
from monitor.storage.inventory import store_id
from monitor.storage.overview import Overview
from monitor.storage.secrets import SecretStore, open_secrets
from monitor.storage.store import connect
from monitor.units import format_bps

# Device roles as the tree groups them (marked for lupdate; translated where shown).
ROLE_NAMES = {
    "switch": QT_TRANSLATE_NOOP("MainWindow", "Switches"),
    "ap": QT_TRANSLATE_NOOP("MainWindow", "Access points"),
    "controller": QT_TRANSLATE_NOOP("MainWindow", "Wireless controllers"),
    "router": QT_TRANSLATE_NOOP("MainWindow", "Routers"),
    "firewall": QT_TRANSLATE_NOOP("MainWindow", "Firewalls"),
}
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2


DEVICE_ROLE = Qt.ItemDataRole.UserRole + 1
_FLAG_ICONS: dict[tuple[bool, bool], QIcon] = {}


def port_flag_icon(uplink: bool, important: bool) -> QIcon:
    """The mark before a port's name: a blue arrow for an uplink, an amber star for an important port (both: the
    arrow top left, the star bottom right)."""
    key = (uplink, important)
    if key not in _FLAG_ICONS:
        arrow = [(0.5, 0.05), (0.92, 0.5), (0.65, 0.5), (0.65, 0.95), (0.35, 0.95), (0.35, 0.5), (0.08, 0.5)]
        star = [
            (0.5, 0.03),
            (0.62, 0.36),
            (0.97, 0.37),
            (0.69, 0.58),
            (0.79, 0.93),
            (0.5, 0.72),
            (0.21, 0.93),
            (0.31, 0.58),
            (0.03, 0.37),
            (0.38, 0.36),
        ]
        shapes = []
        if uplink:
            shapes.append(("#1565c0", arrow, (0.0, 0.0) if important else None))
        if important:
            shapes.append(("#f9a825", star, (0.42, 0.42) if uplink else None))
        icon = QIcon()
        for size in (16, 32):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            for colour, points, corner in shapes:
                scale = size * (0.58 if corner else 1.0)
                dx, dy = (corner[0] * size, corner[1] * size) if corner else (0.0, 0.0)
                painter.setBrush(QColor(colour))
                painter.drawPolygon(QPolygonF([QPointF(dx + x * scale, dy + y * scale) for x, y in points]))
            painter.end()
            icon.addPixmap(pixmap)
        _FLAG_ICONS[key] = icon
    return _FLAG_ICONS[key]


def _rate_text(errors: float | None, discards: float | None) -> str:
    """Errors per second, with discards in brackets when there are any: "0", "0.25", "0 (1.5)"."""
    if errors is None and discards is None:
        return "-"

    def short(value: float) -> str:
        return f"{value:.2f}".rstrip("0").rstrip(".")

    return short(errors or 0) + (f" ({short(discards)})" if discards else "")


class UtilizationDelegate(QStyledItemDelegate):
    """Draws the utilization column as a bar behind its percentage (amber above 70 %, red above 90 %)."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Qt override."""
        value = index.data(Qt.ItemDataRole.UserRole) or 0.0
        rect = option.rect.adjusted(2, 4, -2, -4)
        if value > 0:
            colour = "#d62728" if value > 90 else "#ff9f1c" if value > 70 else "#5aa5e6"
            bar = rect.adjusted(0, 0, -int(rect.width() * (1 - min(value, 100) / 100)), 0)
            painter.fillRect(bar, QColor(colour))
        super().paint(painter, option, index)


class PortsModel(CellTableModel):
    """A device's ports as a table (a thin adapter over a store query)."""

    # Marked for lupdate here, translated in headerData().
    COLUMNS = (
        QT_TRANSLATE_NOOP("PortsModel", "ifIndex"),
        QT_TRANSLATE_NOOP("PortsModel", "Name"),
        QT_TRANSLATE_NOOP("PortsModel", "Alias"),
        QT_TRANSLATE_NOOP("PortsModel", "Status"),
        QT_TRANSLATE_NOOP("PortsModel", "Speed"),
        QT_TRANSLATE_NOOP("PortsModel", "In"),
        QT_TRANSLATE_NOOP("PortsModel", "Out"),
        QT_TRANSLATE_NOOP("PortsModel", "Utilization"),
        QT_TRANSLATE_NOOP("PortsModel", "Errors/s"),
    )
    UTILIZATION = 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[sqlite3.Row] = []
        self._display: list[tuple[tuple[Any, Any], ...]] = []

    def port_at(self, row: int) -> tuple[int, str]:
        """(port id, label) of a source row."""
        port = self._rows[row]
        return int(port["id"]), str(port["name"] or port["descr"] or port["key"])

    def marks_at(self, row: int) -> tuple[bool, bool]:
        """(uplink, important) of a source row."""
        port = self._rows[row]
        return bool(port["is_uplink"]), bool(port["important"])

    def load(self, conn: sqlite3.Connection, device_id: int) -> bool:
        """Reload from the store. Returns True when the set of ports changed (a reset), False when only values did.

        Same ports as before: the rows are updated in place (dataChanged), which keeps the selection and sorting
        and costs the view far less than a reset.
        """
        rows = list(
            conn.execute("SELECT * FROM ports WHERE device_id = ? AND present = 1 ORDER BY ifindex", (device_id,))
        )
        if [r["id"] for r in rows] == [r["id"] for r in self._rows] and rows:
            self._rows = rows
            self._display = [self._cells(r) for r in rows]
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.COLUMNS) - 1))
            return False
        self.beginResetModel()
        self._rows = rows
        self._display = [self._cells(r) for r in rows]
        self.endResetModel()
        return True

    def row_count(self) -> int:
        """The number of rows."""
        return len(self._rows)

    def _cells(self, row: sqlite3.Row) -> tuple[tuple[Any, Any], ...]:
        """(display text, sort value) of every column of one port, computed once per load."""
        speed = row["speed_override_bps"] or row["speed_bps"]
        util = None
        if speed and row["in_bps"] is not None and row["out_bps"] is not None:
            util = max(row["in_bps"], row["out_bps"]) / speed * 100
        name = row["name"] or row["descr"]
        return (
            (row["ifindex"], row["ifindex"]),
            (name, name),
            (row["alias"], row["alias"]),
            (self.tr(IF_STATUS.get(row["oper_status"], "unknown")), row["oper_status"]),
            (format_bps(speed) if speed else "-", speed or 0),
            (format_bps(row["in_bps"]), row["in_bps"] or 0),
            (format_bps(row["out_bps"]), row["out_bps"] or 0),
            ("-" if util is None else f"{util:.1f} %", util or 0),
            (_rate_text(row["errors_ps"], row["discards_ps"]), (row["errors_ps"] or 0) + (row["discards_ps"] or 0)),
        )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: display text, and raw numbers for sorting (UserRole)."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.row()][index.column()][0]
        if role == Qt.ItemDataRole.UserRole:
            return self._display[index.row()][index.column()][1]
        if index.column() == 1 and role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole):
            uplink, important = self.marks_at(index.row())
            if role == Qt.ItemDataRole.DecorationRole:
                return port_flag_icon(uplink, important) if uplink or important else None
            marks = [self.tr("uplink")] * uplink + [self.tr("important: alerts when down")] * important
            return ", ".join(marks) or None
        return None


class FirstRunPanel(QWidget):
    """Shown when the store has no devices: what to do first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch()
        title = QLabel(self.tr("Welcome to CampusNet"))
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        text = QLabel(self.tr("No devices yet. Add your switches and access points, or try the demo network."))
        text.setWordWrap(True)
        layout.addWidget(text, alignment=Qt.AlignmentFlag.AlignHCenter)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add device…"))
        self.import_button = QPushButton(self.tr("Import CSV…"))
        self.demo_button = QPushButton(self.tr("Try the demo"))
        for button in (self.add_button, self.import_button, self.demo_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addStretch()


class DevicePage(QWidget):
    """Facts, the sortable and filterable ports table of one device, and the graph of the selected port.

    Signals:
        portMarkRequested(int, str, bool): the user marked a port (id) as ``important`` or ``uplink`` (True) or
            not (False) in the table's context menu.
    """

    portMarkRequested = Signal(int, str, bool)

    def __init__(self, db_path: Path, submit: Submit | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.RichText)  # markup of its own, device text escaped (show_device)
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.facts)
        # Ports and, for a device with wireless data, its APs and clients on a second tab.
        self.tabs = QTabWidget()
        self.tabs.setTabBarAutoHide(True)
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs)
        ports = QWidget()
        ports_layout = QVBoxLayout(ports)
        ports_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(ports, self.tr("Ports"))
        self.wireless = WirelessPage(db_path, submit) if submit is not None else None
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter ports…"))
        ports_layout.addWidget(self.filter)
        self.model = PortsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        # Sized to the contents once per device shown, not on every poll: measuring every cell after each update
        # stalled the GUI by ~50 ms per poll on a 48-port switch.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(24)  # size columns from the first rows only
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(PortsModel.UTILIZATION, UtilizationDelegate(self.table))
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.plot = BandwidthPlot(db_path)
        self.plot.hide()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.plot)
        split.setSizes([320, 420])
        ports_layout.addWidget(split)
        self.table.selectionModel().currentRowChanged.connect(self._on_port_selected)

    def _on_port_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        port_id, label = self.model.port_at(self.proxy.mapToSource(current).row())
        self.plot.set_ports([(port_id, label)])
        self.plot.show()

    def port_menu(self, index: QModelIndex) -> QMenu | None:
        """The context menu of a port's row: mark it important (its going down alerts) or an uplink."""
        if not index.isValid():
            return None
        row = self.proxy.mapToSource(index).row()
        port_id, label = self.model.port_at(row)
        uplink, important = self.model.marks_at(row)
        menu = QMenu(self)
        menu.setTitle(label)
        for mark, text, on in (
            ("important", self.tr("Important (alert when it goes down)"), important),
            ("uplink", self.tr("Uplink"), uplink),
        ):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(on)
            action.setData(mark)
            action.toggled.connect(functools.partial(self.portMarkRequested.emit, port_id, mark))
        return menu

    def _on_context_menu(self, pos: Any) -> None:
        menu = self.port_menu(self.table.indexAt(pos))
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def select_port(self, port_id: int) -> None:
        """Select (and so graph) a port of the shown device."""
        self.tabs.setCurrentIndex(0)
        for row in range(self.model.rowCount()):
            if self.model.port_at(row)[0] == port_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                # After the page is laid out (it may just have been switched to), or the scroll lands elsewhere.
                QTimer.singleShot(0, lambda i=index: self.table.scrollTo(i, QTableView.ScrollHint.PositionAtCenter))
                return

    def _size_columns(self) -> None:
        # Contents are measured on the first rows only (cheap); rates and aliases further down can be wider, so
        # those columns get room for the widest value they can hold.
        self.table.resizeColumnsToContents()
        metrics = self.table.fontMetrics()
        widest = {2: "Uplink to 縣網中心 (TANet)", 4: "10.0 Gbit/s", 5: "888.8 Mbit/s", 6: "888.8 Mbit/s"}
        for column, text in widest.items():
            width = metrics.horizontalAdvance(text) + 16
            if self.table.columnWidth(column) < width:
                self.table.setColumnWidth(column, width)

    def show_device(self, conn: sqlite3.Connection, device_id: int) -> None:
        """Load one device's facts and ports."""
        dev = conn.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
        if dev is None:
            return
        uptime = f"{dev['sys_uptime'] / 8_640_000:.1f}" if dev["sys_uptime"] else "-"
        status = self.tr(dev["status"])
        reason = f" — {dev['status_reason']}" if dev["status_reason"] else ""
        descr = (dev["sys_descr"] or "").splitlines()[0] if dev["sys_descr"] else ""
        # Rich text for the layout; every value from the device or the user escaped (it is shown as written).
        self.facts.setText(
            f"<b>{esc(dev['name'])}</b> ({esc(dev['host'])}) — {esc(status)}{esc(reason)}<br>"
            + esc(
                self.tr("Vendor: {0}  Model: {1}  Uptime: {2} days").format(
                    dev["vendor"] or "-", dev["model"] or "-", uptime
                )
            )
            + f"<br><small>{esc(descr)}</small>"
        )
        new_device = device_id != getattr(self, "_device_id", None)
        if new_device:
            self.plot.hide()
            self._device_id = device_id
        if self.model.load(conn, device_id) or new_device:
            self._size_columns()
        self._show_wireless(conn, device_id, new_device)

    def _show_wireless(self, conn: sqlite3.Connection, device_id: int, new_device: bool) -> None:
        """The Wireless tab for a device with wireless data (opened first: a controller's APs matter more than its
        few ports), none for others."""
        if self.wireless is None:
            return
        shown = has_wireless_data(conn, device_id)
        index = self.tabs.indexOf(self.wireless)
        if shown and index < 0:
            self.tabs.addTab(self.wireless, self.tr("Wireless"))
        elif not shown and index >= 0:
            self.tabs.removeTab(index)
        if shown:
            self.wireless.show_device(device_id)
            if new_device:
                self.tabs.setCurrentWidget(self.wireless)


class MainWindow(QMainWindow):
    """CampusNet's main window over one store.

    Attributes:
        bridge: the core bridge (background polling) or None when polling is off (tests, read-only views).

    Signals:
        demoRequested(): the user asked for the demo network (the app opens it in its own store).
        languageChangeRequested(str): the user picked another language in the settings ("en", "zh_TW", "system").
        hiddenToTray(): the window was closed but polling goes on in the tray (``hide_on_close``).
    """

    demoRequested = Signal()
    languageChangeRequested = Signal(str)
    hiddenToTray = Signal()

    @staticmethod
    def tr_demo_title() -> str:
        """The window title in demo mode (translated)."""
        return QCoreApplication.translate("MainWindow", "CampusNet — demo network")

    def __init__(self, db_path: Path, bridge: CoreBridge | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.conn = connect(db_path)
        self.bridge = bridge
        self.setWindowTitle(self.tr("CampusNet"))
        self.resize(1280, 800)
        self.tree_model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.clicked.connect(self._on_tree_clicked)
        self.stack = QStackedWidget()
        self.first_run = FirstRunPanel()
        self.first_run.demo_button.clicked.connect(self.demoRequested)
        self.dashboard = Dashboard(db_path)
        self.dashboard.portRequested.connect(self.show_port)
        self.device_page = DevicePage(db_path, self._submit)
        self.device_page.portMarkRequested.connect(self.mark_port)
        self._relay = Relay(self)
        self.alerts_page = AlertsPage(db_path, self.conn, self._submit, self._write, self._secrets)
        self.alerts_page.deviceRequested.connect(self.show_device)
        self.alerts_page.portRequested.connect(self.show_port)
        self.alerts_page.countsChanged.connect(self._show_alert_counts)
        self.wireless_overview = WirelessOverview(db_path, self._submit)
        self.wireless_overview.deviceRequested.connect(self.show_device_wireless)
        self.dashboard.wirelessRequested.connect(self.show_wireless)
        for page in (self.first_run, self.dashboard, self.device_page, self.alerts_page, self.wireless_overview):
            self.stack.addWidget(page)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.group_combo = QComboBox()
        self.group_combo.addItem(self.tr("By location"), "location")
        self.group_combo.addItem(self.tr("By role"), "role")
        self.group_combo.currentIndexChanged.connect(lambda _i: self.reload())
        left_layout.addWidget(self.group_combo)
        left_layout.addWidget(self.tree)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1020])
        self.setCentralWidget(splitter)
        self._current_device: int | None = None
        self.config_page: ConfigPage | None = None
        self._own_core: CoreLoop | None = None
        self._closed = False
        self._quitting = False
        self.hide_on_close = False
        self._tree_shape: list[tuple[int, str]] = []
        self._device_items: dict[int, QStandardItem] = {}
        self._make_actions()
        if bridge is not None:
            bridge.cycleFinished.connect(self._on_cycle)
            bridge.overviewReady.connect(self._on_overview)
            bridge.wirelessReady.connect(self.dashboard.show_wireless)
            bridge.stateChanged.connect(self._update_status)
        self.reload()

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _make_actions(self) -> None:
        self.add_action = self._action(self.tr("Add device…"), self.add_device, QKeySequence.StandardKey.New)
        self.edit_action = self._action(self.tr("Edit device…"), self.edit_device)
        self.remove_action = self._action(self.tr("Remove device…"), self.remove_device)
        self.config_action = self._action(self.tr("Configuration…"), self.show_config)
        self.alerts_action = self._action(self.tr("Alerts"), self.show_alerts)
        self.wireless_action = self._action(self.tr("Wireless"), self.show_wireless)
        self.wireless_action.setToolTip(self.tr("APs and clients of the whole school"))
        self.rules_action = self._action(self.tr("Alert rules…"), self.open_rules)
        self.channels_action = self._action(self.tr("Notification channels…"), self.open_channels)
        self.import_action = self._action(self.tr("Import CSV…"), self.import_csv)
        self.report_action = self._action(self.tr("Usage report…"), self.open_report)
        self.poll_now_action = self._action(self.tr("Poll now"), self._poll_now, "F5")
        self.pause_action = QAction(self.tr("Pause polling"), self)
        self.pause_action.setCheckable(True)
        self.pause_action.toggled.connect(self._set_paused)
        self.dashboard_action = self._action(self.tr("Dashboard"), self.show_dashboard)
        self.quit_action = self._action(self.tr("Quit"), self.quit_requested, QKeySequence.StandardKey.Quit)
        self.settings_action = self._action(
            self.tr("Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences
        )
        self.file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.file_menu.addActions([self.add_action, self.import_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.report_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.device_menu = self.menuBar().addMenu(self.tr("&Device"))
        self.device_menu.addActions([self.edit_action, self.remove_action, self.config_action])
        poll_menu = self.menuBar().addMenu(self.tr("&Polling"))
        poll_menu.addActions([self.poll_now_action, self.pause_action])
        self.alerts_menu = self.menuBar().addMenu(self.tr("&Alerts"))
        self.alerts_menu.addActions([self.alerts_action, self.rules_action, self.channels_action])
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.dashboard_action, self.alerts_action, self.wireless_action])
        toolbar.addActions([self.add_action, self.config_action])
        toolbar.addAction(self.report_action)
        toolbar.addActions([self.poll_now_action, self.pause_action])
        self.toolbar = toolbar
        enabled = self.bridge is not None
        self.poll_now_action.setEnabled(enabled)
        self.pause_action.setEnabled(enabled)
        self.first_run.add_button.clicked.connect(self.add_device)
        self.first_run.import_button.clicked.connect(self.import_csv)
        self._update_device_actions()

    def _update_device_actions(self) -> None:
        for action in (self.edit_action, self.remove_action):
            action.setEnabled(self._current_device is not None)

    # ------------------------------------------------------------------------------------------- inventory

    def _secrets(self) -> SecretStore:
        return open_secrets(self.db_path, store_id(self.conn))

    def _submit(self, coro: Coroutine[Any, Any, Any]) -> Future[Any]:
        """Run network work off the GUI thread: on the bridge's core loop, or a loop of our own without polling."""
        if self.bridge is not None and self.bridge.core is not None:
            return self.bridge.core.submit(coro)
        if self._own_core is None:
            self._own_core = CoreLoop()
        return self._own_core.submit(coro)

    def _write(self, job: Job) -> Future[Any]:
        """Write to the store: through the poller's writer while it runs (never blocking the GUI thread on the
        store's lock), else at once on this window's connection."""
        if self.bridge is not None:
            future = self.bridge.write(job)
            if future is not None:
                return future
        return direct_write(self.conn)(job)

    def _device_name(self, device_id: int | None) -> str | None:
        if device_id is None:
            return None
        row = self.conn.execute("SELECT name FROM devices WHERE id = ?", (device_id,)).fetchone()
        return None if row is None else str(row["name"])

    def device_dialog(self, name: str | None = None) -> DeviceDialog:
        """The add (name None) or edit dialog, wired to reload the window when it saves."""
        dialog = DeviceDialog(self.conn, self._secrets(), self._submit, device_name=name, parent=self)
        dialog.saved.connect(lambda _name: self.reload())
        return dialog

    def add_device(self) -> None:
        """Open the add-device dialog."""
        self.device_dialog().open()

    def edit_device(self) -> None:
        """Open the edit dialog for the device on show."""
        name = self._device_name(self._current_device)
        if name is not None:
            self.device_dialog(name).open()

    def remove_device(self, *, confirm: bool = True) -> None:
        """Remove the device on show (with its history and secrets), after asking."""
        name = self._device_name(self._current_device)
        if name is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Remove device"),
                literal(self.tr("Remove {0} with all its history? This cannot be undone.").format(name)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        inventory.remove_device(self.conn, self._secrets(), name)
        self.show_dashboard()
        self.reload()

    def import_csv(self) -> CsvImportDialog:
        """Open the CSV import dialog."""
        dialog = CsvImportDialog(self.db_path, parent=self)
        dialog.devicesAdded.connect(lambda _n: self.reload())
        dialog.open()
        return dialog

    def quit_requested(self) -> None:
        """Quit the app (not just hide the window)."""
        self._quitting = True
        self.close()

    def open_settings(self) -> SettingsDialog:
        """Open the settings dialog; polling follows new settings from the next cycle on."""
        dialog = SettingsDialog(self.conn, parent=self)
        dialog.languageChanged.connect(self.languageChangeRequested)
        dialog.channelsRequested.connect(self.open_channels)
        dialog.open()
        return dialog

    def detach_bridge(self) -> CoreBridge | None:
        """Give up the bridge without stopping it (the app hands it to a new window)."""
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            bridge.cycleFinished.disconnect(self._on_cycle)
            bridge.overviewReady.disconnect(self._on_overview)
            bridge.wirelessReady.disconnect(self.dashboard.show_wireless)
            bridge.stateChanged.disconnect(self._update_status)
        return bridge

    def _poll_now(self) -> None:
        if self.bridge is not None:
            self.bridge.poll_now()
            self.statusBar().showMessage(self.tr("Polling…"))

    def _set_paused(self, paused: bool) -> None:
        if self.bridge is None:
            return
        if paused:
            self.bridge.pause()
        else:
            self.bridge.resume()

    def _refresh_dashboard(self) -> None:
        """Redraw the dashboard: read here without polling, else off the GUI thread (arrives as overviewReady).

        Read only while the dashboard shows: after a cycle on another page, its reads would compete with the
        window's own redraw for the interpreter lock, for nothing.
        """
        if self.bridge is None or self.bridge.core is None:
            self.dashboard.refresh(self.conn)
        else:
            self.bridge.request_overview()

    def _on_overview(self, data: Overview) -> None:
        if not self._closed and self.stack.currentWidget() is self.dashboard:
            self.dashboard.show_overview(data, graph_later=True)

    def reload(self, after_cycle: bool = False) -> None:
        """Re-read the store: tree, and whichever page is showing."""
        devices = list(self.conn.execute("SELECT id, name, host, location, role, status, status_reason FROM devices"))
        self._fill_tree(devices)
        if not devices:
            self.stack.setCurrentWidget(self.first_run)
            return
        if self.stack.currentWidget() is self.first_run:
            self.stack.setCurrentWidget(self.dashboard)
        if self.stack.currentWidget() is self.dashboard:
            self._refresh_dashboard()
        elif self.stack.currentWidget() is self.wireless_overview:
            self.wireless_overview.reload()
        elif self._current_device is not None:
            self.device_page.show_device(self.conn, self._current_device)
            if after_cycle:  # the graph on the next turn: the window paints the figures and the graph apart
                QTimer.singleShot(0, self.device_page.plot, self.device_page.plot.refresh)
            else:
                self.device_page.plot.refresh()
        self._update_status()

    def _group_of(self, dev: sqlite3.Row) -> str:
        if self.group_combo.currentData() == "role":
            return self.tr(ROLE_NAMES.get(dev["role"], dev["role"]))
        return str(dev["location"] or self.tr("(no location)"))

    def _fill_tree(self, devices: list[sqlite3.Row]) -> None:
        devices.sort(key=lambda d: (self._group_of(d), d["name"]))
        shape = [(int(d["id"]), self._group_of(d)) for d in devices]
        if shape != self._tree_shape:
            self._rebuild_tree(devices)
            self._tree_shape = shape
        for dev in devices:  # same devices in the same places: only their status changes
            item = self._device_items[int(dev["id"])]
            if item.data(STATUS_ROLE) != dev["status"]:
                item.setIcon(status_icon(dev["status"]))
                item.setData(dev["status"], STATUS_ROLE)
            reason = f": {dev['status_reason']}" if dev["status_reason"] else ""
            item.setToolTip(literal(f"{dev['host']} — {self.tr(dev['status'])}{reason}"))

    def _rebuild_tree(self, devices: list[sqlite3.Row]) -> None:
        self.tree_model.clear()
        self._device_items = {}
        groups: dict[str, QStandardItem] = {}
        for dev in devices:
            group = self._group_of(dev)
            if group not in groups:
                groups[group] = QStandardItem(group)
                groups[group].setEditable(False)
                self.tree_model.appendRow(groups[group])
            item = QStandardItem(dev["name"])
            item.setEditable(False)
            item.setData(int(dev["id"]), DEVICE_ROLE)
            groups[group].appendRow(item)
            self._device_items[int(dev["id"])] = item
        self.tree.expandAll()

    def show_dashboard(self) -> None:
        """Switch to the dashboard."""
        self._current_device = None
        self._update_device_actions()
        self.tree.clearSelection()
        if self._tree_shape:
            self.stack.setCurrentWidget(self.dashboard)
            self._refresh_dashboard()

    def show_config(self) -> ConfigPage:
        """Open the configuration page (preview, push, backups and diffs)."""
        if self.config_page is None:
            self.config_page = ConfigPage(self.db_path, self.conn, self._submit)
            self.stack.addWidget(self.config_page)
        self.config_page.reload()
        self.stack.setCurrentWidget(self.config_page)
        return self.config_page

    def show_alerts(self) -> AlertsPage:
        """Open the Alerts page (read again off the GUI thread)."""
        self._current_device = None
        self._update_device_actions()
        self.tree.clearSelection()
        self.stack.setCurrentWidget(self.alerts_page)
        self.alerts_page.reload()
        return self.alerts_page

    def show_wireless(self) -> WirelessOverview:
        """Open the school-wide Wireless page (read again off the GUI thread)."""
        self._current_device = None
        self._update_device_actions()
        self.tree.clearSelection()
        self.stack.setCurrentWidget(self.wireless_overview)
        self.wireless_overview.reload()
        return self.wireless_overview

    def show_device_wireless(self, device_id: int) -> None:
        """Open a device's page on its Wireless tab."""
        self.show_device(device_id)
        wireless = self.device_page.wireless
        if wireless is not None and self.device_page.tabs.indexOf(wireless) >= 0:
            self.device_page.tabs.setCurrentWidget(wireless)

    def open_rules(self) -> QWidget:
        """Open the alert rules editor."""
        return self.alerts_page.open_rules()

    def open_report(self) -> QWidget:
        """Open the usage report dialog (make a report now, or schedule them)."""
        from gui.report_dialog import ReportDialog

        dialog = ReportDialog(self.db_path, self.conn, self._submit, self._write, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_channels(self) -> QWidget:
        """Open the notification channels dialog."""
        return self.alerts_page.open_channels()

    def _show_alert_counts(self, firing: int, unacknowledged: int) -> None:
        text = self.tr("Alerts ({0})").format(firing) if firing else self.tr("Alerts")
        self.alerts_action.setText(text)
        self.alerts_action.setToolTip(
            self.tr("{0} alert(s) firing, {1} not acknowledged").format(firing, unacknowledged)
            if firing
            else self.tr("No alert is firing")
        )

    def mark_port(self, port_id: int, mark: str, on: bool) -> None:
        """Mark a port ``important`` or ``uplink`` (or not) through the store's writer; the table follows."""
        job: Job
        if mark == "important":
            job = functools.partial(alerts.set_port_important, port_id=port_id, important=on)
        else:
            job = functools.partial(inventory.set_port_uplink, port_id=port_id, uplink=on)
        self._relay.then(self._write(job), lambda _r, error: self._port_marked(error))

    def _port_marked(self, error: BaseException | None) -> None:
        if error is not None:
            self.statusBar().showMessage(self.tr("Could not mark the port: {0}").format(one_line(error)))
        if self._current_device is not None and not self._closed:
            self.device_page.show_device(self.conn, self._current_device)

    def show_device(self, device_id: int) -> None:
        """Open a device's page."""
        self._current_device = device_id
        self._update_device_actions()
        self.device_page.show_device(self.conn, device_id)
        self.stack.setCurrentWidget(self.device_page)
        item = self._device_items.get(device_id)
        if item is not None:
            self.tree.setCurrentIndex(item.index())

    def show_port(self, port_id: int) -> None:
        """Open the device page of a port with that port selected (and graphed)."""
        row = self.conn.execute("SELECT device_id FROM ports WHERE id = ?", (port_id,)).fetchone()
        if row is None:
            return
        self.show_device(int(row["device_id"]))
        self.device_page.select_port(port_id)

    def _on_tree_clicked(self, index: QModelIndex) -> None:
        device_id = index.data(DEVICE_ROLE)
        if device_id is None:
            self.show_dashboard()
        else:
            self.show_device(int(device_id))

    def _on_cycle(self, cycle: CycleResult) -> None:
        if not self._closed:  # a cycle signal can still be queued when the window has just closed
            self.reload(after_cycle=True)
            self.alerts_page.reload()  # a small read off the GUI thread: the page and the toolbar's count

    def _update_status(self) -> None:
        bridge = self.bridge
        if bridge is None:
            self.statusBar().showMessage(self.tr("Polling is off"))
            return
        self._show_poller(bridge)
        if bridge.service is not None:
            self.statusBar().showMessage(service_status(bridge.service, bridge.last_cycle))
            return
        if bridge.problem:
            self.statusBar().showMessage(bridge.problem)
            return
        if bridge.paused:
            self.statusBar().showMessage(self.tr("Polling paused"))
            return
        if bridge.last_cycle is None:
            self.statusBar().showMessage(self.tr("Waiting for the first poll…"))
            return
        cycle = bridge.last_cycle
        last = time.strftime("%H:%M:%S", time.localtime(cycle.finished))
        nxt = time.strftime("%H:%M:%S", time.localtime(bridge.next_cycle_at)) if bridge.next_cycle_at else "-"
        failing = len(cycle.failed)
        message = self.tr("Last poll {0}, next {1}, {2} device(s) failing").format(last, nxt, failing)
        if bridge.took_over_at is not None:
            message += " — " + takeover_note(bridge.took_over_from, bridge.took_over_at)
        self.statusBar().showMessage(message)

    def _show_poller(self, bridge: CoreBridge) -> None:
        """Poll now and Pause are off, with a tooltip saying why, while another process polls the store."""
        service = bridge.service
        for action in (self.poll_now_action, self.pause_action):
            action.setEnabled(service is None)
            action.setToolTip(service_tooltip(service) if service is not None else "")

    def closeEvent(self, event: Any) -> None:
        """Hide to the tray when ``hide_on_close`` (polling goes on); else stop the core and release the store."""
        if self.hide_on_close and not self._quitting and self.bridge is not None:
            event.ignore()
            self.hide()
            self.hiddenToTray.emit()
            return
        self._closed = True
        if self.bridge is not None:
            self.bridge.shutdown()
        if self._own_core is not None:
            self._own_core.stop()
            self._own_core = None
        self.device_page.plot.close_store()
        self.dashboard.close_store()
        self.conn.close()
        super().closeEvent(event)
