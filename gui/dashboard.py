"""The dashboard: is everything up, how full are the uplinks, which ports have errors, what happened lately."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import QT_TRANSLATE_NOOP
from gui.lamps import lamp_icon
from gui.plain_text import literal, plain
from gui.plot import BandwidthPlot
from gui.tray import message_language
from gui.wireless_overview import SchoolWireless
from gui.wireless_page import count_text
from monitor.polling import wireless
from monitor.storage.overview import Overview, PortLoad, overview
from monitor.units import format_bps

# Event kinds (written by the poller, alerts, backups, wireless polling and scheduled reports), for lupdate.
EVENT_NAMES = {
    "device_down": QT_TRANSLATE_NOOP("Dashboard", "device down"),
    "device_up": QT_TRANSLATE_NOOP("Dashboard", "device up"),
    "reboot": QT_TRANSLATE_NOOP("Dashboard", "restarted"),
    "port_down": QT_TRANSLATE_NOOP("Dashboard", "port down"),
    "port_up": QT_TRANSLATE_NOOP("Dashboard", "port up"),
    "alert": QT_TRANSLATE_NOOP("Dashboard", "alert"),
    "alert_resolved": QT_TRANSLATE_NOOP("Dashboard", "alert resolved"),
    "alert_flapping": QT_TRANSLATE_NOOP("Dashboard", "alert flapping"),
    "config_backup_failed": QT_TRANSLATE_NOOP("Dashboard", "configuration backup failed"),
    "config_backup_ok": QT_TRANSLATE_NOOP("Dashboard", "configuration backups work again"),
    "ap_down": QT_TRANSLATE_NOOP("Dashboard", "AP down"),
    "ap_up": QT_TRANSLATE_NOOP("Dashboard", "AP up"),
    "report_failed": QT_TRANSLATE_NOOP("Dashboard", "scheduled report failed"),
    "store_full": QT_TRANSLATE_NOOP("Dashboard", "disk full: polls not kept"),
}
# Uplinks overlaid in the dashboard graph.
GRAPH_UPLINKS = 4


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _set_rows(table: QTableWidget, rows: Sequence[Sequence[str]], ids: Sequence[int] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)


class Dashboard(QWidget):
    """The start page once there are devices.

    Signals:
        portRequested(int): the user double-clicked a port (open its device page).
        wirelessRequested(): the user clicked the Wi-Fi line (open the school-wide Wireless page).
    """

    portRequested = Signal(int)
    wirelessRequested = Signal()

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        self.summary = plain(QLabel())  # device names
        self.summary.setStyleSheet("font-size: 15pt;")
        self.summary.setWordWrap(True)
        # "Wi-Fi: 11 of 12 APs online, 342 clients" after a lamp, when there is wireless data.
        self.wifi_lamp, self.wifi = QLabel(), QLabel()
        self.wifi.linkActivated.connect(lambda _link: self.wirelessRequested.emit())
        wifi_row = QHBoxLayout()
        wifi_row.addWidget(self.wifi_lamp)
        wifi_row.addWidget(self.wifi, 1)
        top = QVBoxLayout()
        top.addWidget(self.summary)
        top.addLayout(wifi_row)
        layout.addLayout(top, 0, 0, 1, 2)
        self.show_wireless([])
        self.uplinks = _table(
            [self.tr("Device"), self.tr("Port"), self.tr("In"), self.tr("Out"), self.tr("Utilization")]
        )
        self.errors = _table([self.tr("Device"), self.tr("Port"), self.tr("Errors"), self.tr("Discards")])
        self.events = _table([self.tr("Time"), self.tr("Device"), self.tr("Event"), self.tr("Detail")])
        self.plot = BandwidthPlot(db_path)
        boxes = (
            (self.tr("Busiest uplinks"), self.uplinks, 1, 0),
            (self.tr("Ports with errors (last hour)"), self.errors, 1, 1),
            (self.tr("Uplink traffic"), self.plot, 2, 0),
            (self.tr("Recent events"), self.events, 2, 1),
        )
        for title, widget, row, col in boxes:
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(widget)
            layout.addWidget(box, row, col)
        layout.setRowStretch(2, 1)
        self.uplinks.cellDoubleClicked.connect(lambda r, _c: self._request(self.uplinks, r))
        self.errors.cellDoubleClicked.connect(lambda r, _c: self._request(self.errors, r))
        self._graphed: list[int] = []
        self._graph_target: list[tuple[int, str]] = []

    def _request(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self.portRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def refresh(self, conn: sqlite3.Connection) -> None:
        """Re-read the store on this thread and redraw (without background polling; see show_overview)."""
        self.show_overview(overview(conn, time.time()))
        self.show_wireless(wireless.summaries(conn))

    def show_overview(self, data: Overview, *, graph_later: bool = False) -> None:
        """Draw an overview read elsewhere (the bridge reads it off the GUI thread).

        ``graph_later``: redraw the graph on the next turn of the event loop, so the window paints the tables and
        the graph in two shorter steps instead of stalling once for both (after every poll).
        """
        self._show_summary(data)
        self._show_uplinks(data.busiest_uplinks)
        _set_rows(
            self.errors,
            [[e.device, e.port, f"{e.errors_ps * 3600:.0f}", f"{e.discards_ps * 3600:.0f}"] for e in data.error_ports],
            [e.port_id for e in data.error_ports],
        )
        _set_rows(
            self.events,
            [
                [
                    time.strftime("%m-%d %H:%M", time.localtime(e.ts)),
                    e.device,
                    self.tr(EVENT_NAMES.get(e.kind, e.kind)),
                    e.text(message_language()),
                ]
                for e in data.events
            ],
        )
        uplinks = [(u.port_id, f"{u.device} {u.port}") for u in data.busiest_uplinks[:GRAPH_UPLINKS]]
        if graph_later:
            self._graph_target = uplinks
            QTimer.singleShot(0, self.plot, lambda: self._show_graph(uplinks, step=True))
        else:
            self._show_graph(uplinks)

    def _show_graph(self, uplinks: list[tuple[int, str]], *, step: bool = False) -> None:
        """Graph the busiest uplinks; the same ones in another order keep their curves and colours.

        ``step``: at most one port's curves are made now, the next on the next turn of the event loop (the first
        graph after the store's first poll needs four).
        """
        if step and uplinks is not self._graph_target:  # a newer overview came meanwhile
            return
        self._graph_target = uplinks
        if {port_id for port_id, _ in uplinks} == set(self._graphed):
            self.plot.refresh()
            return
        shown = uplinks[: len(self._graphed) + 1] if step else uplinks
        self._graphed = [port_id for port_id, _ in shown]
        self.plot.set_ports(shown)
        if len(shown) < len(uplinks):
            QTimer.singleShot(0, self.plot, lambda: self._show_graph(uplinks, step=True))

    def _show_summary(self, data: Overview) -> None:
        text = self.tr("Devices up: {0} of {1}").format(data.devices_up, data.devices_total)
        if data.down:
            names = ", ".join(f"{name} ({self.tr(status)})" for name, status, _ in data.down[:8])
            text += "  —  " + self.tr("Not answering: {0}").format(names)
        self.summary.setText(text)
        self.summary.setToolTip(literal("\n".join(f"{n}: {reason}" for n, _, reason in data.down)))

    def show_wireless(self, devices: Sequence[wireless.DeviceWireless]) -> None:
        """The Wi-Fi line: APs online of registered and clients, summed over the wireless devices (hidden without
        any); a red lamp while an AP is offline."""
        self.wifi.setVisible(bool(devices))
        self.wifi_lamp.setVisible(bool(devices))
        if not devices:
            return
        school = SchoolWireless(list(devices), {})
        online, registered, clients = (
            count_text(school.total(f)[0]) for f in ("aps_online", "aps_total", "clients_total")
        )
        offline = sum(d.aps_offline for d in devices)
        self.wifi_lamp.setPixmap(lamp_icon("offline" if offline else "online").pixmap(16, 16))
        text = self.tr("Wi-Fi: {0} of {1} APs online, {2} clients").format(online, registered, clients)
        if offline:
            text += "  —  " + self.tr("{0} AP(s) offline").format(offline)
        self.wifi.setText(f'<a href="wireless">{text}</a>')
        self.wifi.setToolTip(self.tr("Open the school-wide Wireless page"))

    def _show_uplinks(self, loads: Sequence[PortLoad]) -> None:
        _set_rows(
            self.uplinks,
            [[u.device, f"{u.port} {u.alias}".strip(), format_bps(u.in_bps), format_bps(u.out_bps), ""] for u in loads],
            [u.port_id for u in loads],
        )
        for row, load in enumerate(loads):
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round(load.utilization_pct or 0))
            bar.setFormat("-" if load.utilization_pct is None else f"{load.utilization_pct:.1f} %")
            self.uplinks.setCellWidget(row, 4, bar)

    def close_store(self) -> None:
        """Release the graph's store connection."""
        self.plot.close_store()
