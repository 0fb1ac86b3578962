"""The Alerts page: firing and recent alerts with filters, acknowledging, and the way to the rules and channels.

Reads run off the GUI thread (through ``submit``, after every poll cycle and when the page is shown) and come back
through a queued signal. Writes (acknowledging, rules, channels) go through ``write``, which hands them to the
store's one writer while the poller runs (:meth:`gui.bridge.CoreBridge.write`), or runs them at once when nothing
polls (:func:`direct_write`).
"""

from __future__ import annotations

import asyncio
import functools
import getpass
import html
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.alert_names import kind_name, rule_label, severity_name
from gui.i18n import QT_TRANSLATE_NOOP
from gui.plain_text import literal, plain
from gui.plumbing import ERROR_STYLE, OK_STYLE, Relay, Submit, Write, one_line
from gui.table_model import CellTableModel
from gui.tray import message_language
from monitor.alerting import alerts
from monitor.alerting.alerts import AlertInfo
from monitor.alerting.texts import Notice, render
from monitor.storage.secrets import SecretStore
from monitor.storage.store import connect

log = logging.getLogger(__name__)

# Most recent alerts of any state the page lists (every firing alert is listed, however old).
RECENT_ALERTS = 500

STATE_COLOURS = {"firing": "#c62828", "flapping": "#ef6c00", "resolved": "#2e7d32"}
FIRING_BACKGROUND = "#fdecea"


def os_user() -> str:
    """The name of the person at this computer (who acknowledges alerts)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in the environment nor the password database
        return "CampusNet"


# ------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AlertRow:
    """One alert as the page shows it: the store's :class:`AlertInfo`, where it points to, and its detail in the
    reader's language."""

    info: AlertInfo
    device_id: int | None
    port_id: int | None
    detail: str

    @property
    def state(self) -> str:
        """``firing``, ``flapping`` or ``resolved``."""
        if self.info.state == "firing" and self.info.flapping:
            return "flapping"
        return self.info.state


@dataclass(frozen=True)
class AlertsSnapshot:
    """What one read of the store gives the page."""

    rows: list[AlertRow]
    devices: list[str]
    read_at: float

    @property
    def firing(self) -> int:
        """Alerts firing now."""
        return sum(1 for r in self.rows if r.info.state == "firing")

    @property
    def unacknowledged(self) -> int:
        """Firing alerts nobody has acknowledged yet."""
        return sum(1 for r in self.rows if r.info.state == "firing" and not r.info.acknowledged_by)


def local_detail(info: AlertInfo, facts: dict[str, Any], language: str) -> str:
    """The alert's detail in ``language``: rendered again from its facts when that gives back the stored (English)
    text, else the stored text as it is (e.g. a note on why it was closed)."""
    if language == "en":
        return info.detail
    for event in ("alert", "alert_flapping"):
        notice = Notice(event=event, rule_kind=info.kind, device=info.device, port=info.port, facts=facts)
        if render(notice, "en").payload["detail"] == info.detail:
            return str(render(notice, language).payload["detail"])
    return info.detail


def read_alerts(db_path: Path, language: str, recent: int = RECENT_ALERTS) -> AlertsSnapshot:
    """Every firing alert and the ``recent`` newest of any state, firing first (blocking: run it off the GUI thread)."""
    conn = connect(db_path, readonly=True)
    try:
        found = {a.id: a for a in alerts.list_alerts(conn, firing_only=True, limit=1_000_000)}
        for a in alerts.list_alerts(conn, firing_only=False, limit=recent):
            found.setdefault(a.id, a)
        extra = {
            int(r["id"]): r
            for r in conn.execute(
                """SELECT id, device_id, port_id, facts FROM alerts WHERE state = 'firing'
                   OR id IN (SELECT id FROM alerts ORDER BY started DESC, id DESC LIMIT ?)""",
                (recent,),
            )
        }
        devices = [str(r["name"]) for r in conn.execute("SELECT name FROM devices ORDER BY name")]
    finally:
        conn.close()
    rows = []
    for a in sorted(found.values(), key=lambda a: (a.state != "firing", -a.started, -a.id)):
        row = extra.get(a.id)
        try:
            facts = json.loads(row["facts"]) if row is not None else {}
        except ValueError:
            facts = {}
        device_id = row["device_id"] if row is not None else None
        port_id = row["port_id"] if row is not None else None
        rows.append(AlertRow(a, device_id, port_id, local_detail(a, facts, language)))
    return AlertsSnapshot(rows, devices, time.time())


# ------------------------------------------------------------------------------------------------- the table


def _when(ts: float | None, now: float | None = None) -> str:
    """A time as the table shows it: month, day and time; the year too when it is not this year's."""
    if ts is None:
        return ""
    this_year = time.localtime(now).tm_year if now is not None else time.localtime().tm_year
    when = time.localtime(ts)
    return time.strftime("%m-%d %H:%M" if when.tm_year == this_year else "%Y-%m-%d %H:%M", when)


def duration_text(seconds: float) -> str:
    """A duration as people say it: "12 min", "3 h 5 min", "2 d 4 h" (translated)."""
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return QCoreApplication.translate("AlertsPage", "{0} min").format(minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return QCoreApplication.translate("AlertsPage", "{0} h {1} min").format(hours, minutes)
    days, hours = divmod(hours, 24)
    return QCoreApplication.translate("AlertsPage", "{0} d {1} h").format(days, hours)


class AlertsModel(CellTableModel):
    """The alerts of an :class:`AlertsSnapshot` as a table (firing first, then the most recent)."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("AlertsModel", "State"),
        QT_TRANSLATE_NOOP("AlertsModel", "Severity"),
        QT_TRANSLATE_NOOP("AlertsModel", "Device"),
        QT_TRANSLATE_NOOP("AlertsModel", "Port"),
        QT_TRANSLATE_NOOP("AlertsModel", "Rule"),
        QT_TRANSLATE_NOOP("AlertsModel", "Started"),
        QT_TRANSLATE_NOOP("AlertsModel", "Resolved / duration"),
        QT_TRANSLATE_NOOP("AlertsModel", "Acknowledged"),
        QT_TRANSLATE_NOOP("AlertsModel", "Detail"),
    )
    STATE, SEVERITY, DEVICE, PORT, RULE, STARTED, RESOLVED, ACKNOWLEDGED, DETAIL = range(9)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AlertRow] = []
        self._cells: list[tuple[tuple[str, Any], ...]] = []

    def load(self, snapshot: AlertsSnapshot) -> None:
        """Show a new read of the store."""
        self.beginResetModel()
        self.rows = list(snapshot.rows)
        self._cells = [self._row_cells(r, snapshot.read_at) for r in self.rows]
        self.endResetModel()

    def _state_text(self, state: str) -> str:
        return {"firing": self.tr("Firing"), "flapping": self.tr("Flapping"), "resolved": self.tr("Resolved")}[state]

    def _row_cells(self, row: AlertRow, now: float) -> tuple[tuple[str, Any], ...]:
        """(text, sort value) of every column of one alert."""
        a = row.info
        firing = a.state == "firing"
        if firing:
            lasting = self.tr("for {0}").format(duration_text(now - a.started))
            end_sort = now
        else:
            resolved = a.resolved if a.resolved is not None else a.started
            lasting = _when(resolved, now)
            if resolved > a.started:  # a restart is resolved as it is recorded: no duration
                lasting += f" ({duration_text(resolved - a.started)})"
            end_sort = resolved
        ack = f"{a.acknowledged_by} {_when(a.acknowledged_at, now)}" if a.acknowledged_by else ""
        order = (0 if firing else 1e11) - a.started  # firing first, newest first
        return (
            (self._state_text(row.state), order),
            (severity_name(a.severity), ("critical", "warning", "info").index(a.severity)),
            (a.device, a.device),
            (a.port, a.port),
            (rule_label(a.rule) if a.rule else kind_name(a.kind), a.rule),
            (_when(a.started, now), a.started),
            (lasting, end_sort),
            (ack, a.acknowledged_at or 0),
            (row.detail, row.detail),
        )

    def row_count(self) -> int:
        """The number of rows."""
        return len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: text, sort values (UserRole), the state's colour, firing rows tinted, the detail as tooltip."""
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column][0]
        if role == Qt.ItemDataRole.UserRole:
            return self._cells[row][column][1]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            return QBrush(QColor(STATE_COLOURS[self.rows[row].state]))
        if role == Qt.ItemDataRole.BackgroundRole and self.rows[row].info.state == "firing":
            return QBrush(QColor(FIRING_BACKGROUND))
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(self.rows[row].detail)
        return None


class AlertsFilter(QSortFilterProxyModel):
    """Narrows the alerts: firing only or all, one device, one rule kind, and a text anywhere in the row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.firing_only = True
        self.device = ""
        self.kind = ""
        self.text = ""

    def set_filter(self, *, firing_only: bool, device: str, kind: str, text: str) -> None:
        """Apply new filter values."""
        values = (firing_only, device, kind, text.strip().casefold())
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 and later
            self.beginFilterChange()
            self.firing_only, self.device, self.kind, self.text = values
            self.endFilterChange()
        else:
            self.firing_only, self.device, self.kind, self.text = values
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        """Qt override."""
        model = self.sourceModel()
        assert isinstance(model, AlertsModel)
        a = model.rows[source_row].info
        if (self.firing_only and a.state != "firing") or (self.device and a.device != self.device):
            return False
        if self.kind and a.kind != self.kind:
            return False
        if not self.text:
            return True
        cells = (model.index(source_row, c).data() for c in range(model.columnCount()))
        return any(self.text in str(cell).casefold() for cell in cells)


# ------------------------------------------------------------------------------------------------- the page


class AlertsPage(QWidget):
    """Alerts: what is firing and what happened, filters, acknowledging; the rules editor and channels from here.

    Attributes:
        model, proxy, table: the alerts, their filter and the view.
        state_combo, device_combo, kind_combo, search: the filters.
        ack_button, rules_button, channels_button: the actions.
        detail: the selected alert's whole detail.
        summary: how many alerts fire and how many nobody has acknowledged; message: the last action's outcome.
        snapshot: the last read of the store (None before the first).

    Signals:
        loaded(): a read of the store is shown.
        countsChanged(int, int): alerts firing and, of those, not acknowledged (after each read).
        deviceRequested(int): the user double-clicked an alert (open its device's page).
        portRequested(int): the user double-clicked an alert's port (open it on its device's page).
        acknowledged(int): an alert was acknowledged (its id).
    """

    loaded = Signal()
    countsChanged = Signal(int, int)
    deviceRequested = Signal(int)
    portRequested = Signal(int)
    acknowledged = Signal(int)

    def __init__(
        self,
        db_path: Path,
        conn: sqlite3.Connection,
        submit: Submit,
        write: Write,
        secrets: Callable[[], SecretStore],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_path, self.conn, self.submit, self.write, self.secrets = db_path, conn, submit, write, secrets
        self.snapshot: AlertsSnapshot | None = None
        self._loading = False
        self._again = False
        self._relay = Relay(self)
        from gui.events_page import EventsPage  # it builds on this module's Relay

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        alerts_tab = QWidget()
        self.events = EventsPage(db_path, submit)
        self.tabs.addTab(alerts_tab, self.tr("Alerts"))
        self.tabs.addTab(self.events, self.tr("Event log"))
        self.tabs.currentChanged.connect(lambda _i: self._reload_events())
        outer.addWidget(self.tabs)
        layout = QVBoxLayout(alerts_tab)
        layout.addLayout(self._filters())
        self.model = AlertsModel(self)
        self.proxy = AlertsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(AlertsModel.STATE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(50)
        self._sizing = False
        self._user_sized = False
        header.sectionResized.connect(self._on_section_resized)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        layout.addLayout(self._actions())
        self.message = plain(QLabel())  # errors may quote device text
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._update_buttons()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.state_combo = QComboBox()
        self.state_combo.addItem(self.tr("Firing"), "firing")
        self.state_combo.addItem(self.tr("All recent"), "all")
        self.device_combo = QComboBox()
        self.device_combo.addItem(self.tr("All devices"), "")
        self.device_combo.setMinimumContentsLength(12)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("All rules"), "")
        for kind in alerts.RULE_KINDS:
            self.kind_combo.addItem(kind_name(kind), kind)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search device, port, rule, detail…"))
        self.search.setClearButtonEnabled(True)
        for label, widget in (
            (self.tr("Show:"), self.state_combo),
            (self.tr("Device:"), self.device_combo),
            (self.tr("Rule:"), self.kind_combo),
        ):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        row.addWidget(self.search, 1)
        for combo in (self.state_combo, self.device_combo, self.kind_combo):
            combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.search.textChanged.connect(lambda _t: self._apply_filter())
        return row

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.ack_button = QPushButton(self.tr("Acknowledge"))
        self.ack_button.setToolTip(self.tr("Say you have seen it: its reminders stop"))
        self.ack_button.clicked.connect(lambda: self.acknowledge_selected())
        self.rules_button = QPushButton(self.tr("Rules…"))
        self.rules_button.clicked.connect(lambda: self.open_rules())
        self.channels_button = QPushButton(self.tr("Notification channels…"))
        self.channels_button.clicked.connect(lambda: self.open_channels())
        self.summary = plain(QLabel())
        row.addWidget(self.ack_button)
        row.addSpacing(12)
        row.addWidget(self.summary, 1)
        row.addWidget(self.rules_button)
        row.addWidget(self.channels_button)
        return row

    # ---------------------------------------------------------------------------------------------- loading

    @property
    def busy(self) -> bool:
        """True while a read of the store is under way."""
        return self._loading

    def _reload_events(self) -> None:
        if self.tabs.currentWidget() is self.events:
            self.events.reload()

    def reload(self) -> None:
        """Read the alerts again off the GUI thread (a read already under way is followed by one more); the event log
        too when it is on show."""
        self._reload_events()
        if self._loading:
            self._again = True
            return
        self._loading = True
        coro = asyncio.to_thread(read_alerts, self.db_path, message_language())
        self._relay.then(self.submit(coro), self._on_loaded)

    def _on_loaded(self, snapshot: AlertsSnapshot | None, error: BaseException | None) -> None:
        self._loading = False
        if error is not None or snapshot is None:
            log.warning("reading the alerts failed: %s", error)
            self._say(self.tr("Could not read the alerts: {0}").format(one_line(error or RuntimeError())), ok=False)
        else:
            self.show_snapshot(snapshot)
        if self._again:
            self._again = False
            self.reload()

    def show_snapshot(self, snapshot: AlertsSnapshot) -> None:
        """Show a read of the store, keeping the selected alert and the chosen device."""
        selected = self.selected_alert()
        self.snapshot = snapshot
        self.model.load(snapshot)
        self._fill_devices(snapshot.devices)
        self._apply_filter()
        if selected is not None:
            self.select_alert(selected.info.id)
        self._show_counts()
        self._update_buttons()
        self.countsChanged.emit(snapshot.firing, snapshot.unacknowledged)
        self.loaded.emit()

    def _fill_devices(self, names: list[str]) -> None:
        current = self.device_combo.currentData()
        wanted = ["", *names]
        if [self.device_combo.itemData(i) for i in range(self.device_combo.count())] == wanted:
            return
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        self.device_combo.addItem(self.tr("All devices"), "")
        for name in names:
            self.device_combo.addItem(name, name)
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(current)))
        self.device_combo.blockSignals(False)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(
            firing_only=self.state_combo.currentData() == "firing",
            device=str(self.device_combo.currentData() or ""),
            kind=str(self.kind_combo.currentData() or ""),
            text=self.search.text(),
        )
        self._size_columns()
        self._show_counts()

    def _size_columns(self) -> None:
        # Every column but the detail fits its contents (measured on the first rows only); the detail takes the
        # rest of the width, elided, with the whole text as its tooltip. Once the user has dragged a column's
        # width, refreshes leave the widths alone.
        if self._user_sized:
            return
        self._sizing = True
        try:
            for column in range(AlertsModel.DETAIL):
                self.table.resizeColumnToContents(column)
        finally:
            self._sizing = False

    def _on_section_resized(self, *_args: object) -> None:
        if not self._sizing:
            self._user_sized = True

    def _show_counts(self) -> None:
        snap = self.snapshot
        if snap is None:
            self.summary.setText(self.tr("Reading the alerts…"))
            return
        if snap.firing == 0:
            text = self.tr("No alert is firing.")
        else:
            text = self.tr("{0} firing, {1} not acknowledged.").format(snap.firing, snap.unacknowledged)
        shown = self.proxy.rowCount()
        if shown != len(snap.rows):
            gap = "" if text.endswith("。") else " "  # Chinese sentences follow each other without a space
            text += gap + self.tr("Showing {0} of {1}.").format(shown, len(snap.rows))
        self.summary.setText(text)

    # ---------------------------------------------------------------------------------------------- selection

    def selected_alert(self) -> AlertRow | None:
        """The alert selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.rows[self.proxy.mapToSource(rows[0]).row()]

    def select_alert(self, alert_id: int) -> bool:
        """Select an alert by id (when the filters show it)."""
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            if self.model.rows[source].info.id == alert_id:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        alert = self.selected_alert()
        can_ack = alert is not None and alert.info.state == "firing" and not alert.info.acknowledged_by
        self.ack_button.setEnabled(can_ack)
        if alert is None:
            self.detail.clear()
        else:
            subject = " ".join(x for x in (alert.info.device, alert.info.port) if x)
            rule = rule_label(alert.info.rule) if alert.info.rule else kind_name(alert.info.kind)
            bold = f"<b>{html.escape(subject)}</b>"
            self.detail.setText(self.tr("{0} — {1}: {2}").format(bold, html.escape(rule), html.escape(alert.detail)))

    def _on_double_click(self, index: QModelIndex) -> None:
        alert = self.model.rows[self.proxy.mapToSource(index).row()]
        if index.column() == AlertsModel.PORT and alert.port_id is not None:
            self.portRequested.emit(alert.port_id)
        elif alert.device_id is not None:
            self.deviceRequested.emit(alert.device_id)

    # ---------------------------------------------------------------------------------------------- actions

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)

    def acknowledge_selected(self) -> bool:
        """Acknowledge the selected firing alert as this computer's user, after asking; False if not started."""
        alert = self.selected_alert()
        if alert is None or alert.info.state != "firing" or alert.info.acknowledged_by:
            return False
        user = os_user()
        what = " ".join(x for x in (alert.info.device, alert.info.port) if x)
        answer = QMessageBox.question(
            self,
            self.tr("Acknowledge alert"),
            literal(self.tr("Acknowledge the alert on {0} as {1}? Its reminders stop.").format(what, user)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        job = functools.partial(alerts.acknowledge, alert_id=alert.info.id, user=user, now=time.time())
        self.ack_button.setEnabled(False)
        self._relay.then(self.write(job), lambda result, error: self._on_acknowledged(alert.info.id, result, error))
        return True

    def _on_acknowledged(self, alert_id: int, result: AlertInfo | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            if not isinstance(error, CampusNetError):
                log.error("acknowledging alert %d failed", alert_id, exc_info=error)
            self._say(self.tr("Could not acknowledge: {0}").format(one_line(error or RuntimeError())), ok=False)
        else:
            self._say(self.tr("Acknowledged by {0}.").format(result.acknowledged_by))
            self.acknowledged.emit(alert_id)
        self.reload()

    def open_rules(self) -> QWidget:
        """Open the alert rules editor (its changes apply from the next poll cycle)."""
        from gui.alert_rules_dialog import AlertRulesDialog

        dialog = AlertRulesDialog(self.conn, self.write, parent=self)
        dialog.saved.connect(lambda _rule: self.reload())
        dialog.open()
        return dialog

    def open_channels(self) -> QWidget:
        """Open the notification channels dialog."""
        from gui.channels_dialog import ChannelsDialog

        dialog = ChannelsDialog(self.conn, self.secrets(), self.write, self.submit, parent=self)
        dialog.open()
        return dialog
