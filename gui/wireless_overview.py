"""The school-wide Wireless page: every controller and AP that gives wireless data, summed.

APs online and registered and clients in all, clients by SSID across the controllers, a table of the controllers
(double-click opens one's own Wireless tab) and the clients of the whole school over time. Read off the GUI thread
after every poll cycle, like the device's :class:`gui.wireless_page.WirelessPage`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from gui.lamps import lamp_icon
from gui.plain_text import literal, plain
from gui.plumbing import Relay, Submit, one_line
from gui.wireless_page import SortItem, SsidTable, cell, count_text, figures_row
from gui.wireless_plot import CountPlot, summed_counts
from monitor.polling import wireless
from monitor.polling.wireless import DeviceWireless
from monitor.storage.store import connect


@dataclass(frozen=True)
class SchoolWireless:
    """One read of the store for the page: every wireless device and its clients per SSID."""

    devices: list[DeviceWireless]
    clients_by_ssid: dict[int, dict[str, int]]  # device id -> SSID -> clients

    def total(self, figure: str) -> tuple[int | None, int, list[str]]:
        """A figure (``aps_online``, ``aps_total``, ``clients_total``) for the whole school: the sum over every
        device, or None when a device does not give it (a sum without it would mislead); the sum over the devices
        that give it; and the names of those that do not."""
        known = [getattr(d, figure) for d in self.devices if getattr(d, figure) is not None]
        missing = [d.name for d in self.devices if getattr(d, figure) is None]
        return (None if missing or not known else sum(known)), sum(known), missing

    def ssid_totals(self) -> dict[str, int]:
        """Clients per SSID name, added up across the devices."""
        out: dict[str, int] = {}
        for counts in self.clients_by_ssid.values():
            for ssid, n in counts.items():
                out[ssid] = out.get(ssid, 0) + n
        return out


def read_school(db_path: Path) -> SchoolWireless:
    """Every wireless device's latest figures (runs on a worker thread with its own connection)."""
    conn = connect(db_path, readonly=True)
    try:
        devices = wireless.summaries(conn)
        ssids = {}
        for dev in devices:
            view = wireless.load(conn, dev.device_id, dev.name)
            ssids[dev.device_id] = view.clients_by_ssid if view is not None else {}
        return SchoolWireless(devices, ssids)
    finally:
        conn.close()


def _number(value: float | None) -> float:
    """A sort key for a figure: a figure the device does not give sorts below 0."""
    return -1 if value is None else value


class WirelessOverview(QWidget):
    """The whole school's Wi-Fi at a glance.

    Signals:
        loaded(): a read of the store is shown.
        deviceRequested(int): the user double-clicked a controller (open its Wireless tab).
    """

    loaded = Signal()
    deviceRequested = Signal(int)

    def __init__(self, db_path: Path, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path, self.submit = db_path, submit
        self.school: SchoolWireless | None = None
        self._relay = Relay(self)
        self._loading = False
        self._again = False
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Wireless: the whole school"))
        title.setStyleSheet("font-size: 15pt;")
        layout.addWidget(title)
        figures, self.online_figure, self.total_figure, self.clients_figure = figures_row(self)
        layout.addLayout(figures)
        self.empty = QLabel(
            self.tr("No wireless data yet: add a wireless controller or AP (role controller or ap) and let it poll.")
        )
        plain(self.empty).setWordWrap(True)  # may show an error quoting device text
        self.empty.hide()
        layout.addWidget(self.empty)
        self.table = self._build_table()
        self.ssids = SsidTable()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel(self.tr("Clients by SSID, all controllers")))
        side_layout.addWidget(self.ssids)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(side)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)
        self.plot = CountPlot(submit)
        self.plot.set_reader(functools.partial(summed_counts, db_path, None), load=False)  # on reload()
        self.ssids.lineToggled.connect(lambda ssid, shown: self.plot.set_line_visible(("ssid", ssid), shown))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.plot)
        split.setSizes([240, 420])
        layout.addWidget(split, 1)

    def _build_table(self) -> QTableWidget:
        headers = [
            self.tr("Controller or AP"),
            self.tr("APs online"),
            self.tr("APs registered"),
            self.tr("Offline APs"),
            self.tr("Clients"),
            self.tr("Latest data"),
        ]
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setToolTip(self.tr("Double-click a controller to open its APs"))
        table.cellDoubleClicked.connect(self._on_double_click)
        return table

    # ---------------------------------------------------------------------------------------------- loading

    def reload(self) -> None:
        """Read the store again off the GUI thread (a read under way is followed by one more), and the graph."""
        self.plot.refresh()
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._relay.then(self.submit(asyncio.to_thread(read_school, self.db_path)), self._on_read)

    def _on_read(self, school: SchoolWireless | None, error: BaseException | None) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.reload()
            return
        if error is not None or school is None:
            self.empty.setText(
                self.tr("Could not read the wireless data: {0}").format(one_line(error or RuntimeError()))
            )
            self.empty.show()
            return
        self.show_school(school)
        self.loaded.emit()

    def show_school(self, school: SchoolWireless) -> None:
        """Show one read: the sums, the controllers and the SSIDs."""
        self.school = school
        self.empty.setVisible(not school.devices)
        for figure, key in (
            (self.online_figure, "aps_online"),
            (self.total_figure, "aps_total"),
            (self.clients_figure, "clients_total"),
        ):
            value, partial, missing = school.total(key)
            if missing:
                caption = self.tr("not given by: {0}").format(", ".join(missing))
                tip = self.tr("{0} from the devices that give it; not given by: {1}").format(
                    f"{partial:,}", ", ".join(missing)
                )
            else:
                caption = tip = self.tr("sum over {0} device(s)").format(len(school.devices))
            figure.show_value(count_text(value), caption, tip)
        self._fill_table(school.devices)
        self.ssids.show_counts(school.ssid_totals())

    def _fill_table(self, devices: Sequence[DeviceWireless]) -> None:
        selected = self.selected_device()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(devices))
        for row, dev in enumerate(devices):
            when = datetime.fromtimestamp(dev.ts).strftime("%m-%d %H:%M") if dev.ts else ""
            values: list[tuple[str, object]] = [
                (dev.name, dev.name.casefold()),
                (count_text(dev.aps_online), _number(dev.aps_online)),
                (count_text(dev.aps_total), _number(dev.aps_total)),
                (str(dev.aps_offline), dev.aps_offline),
                (count_text(dev.clients_total), _number(dev.clients_total)),
                (self.tr("{0} — failed: {1}").format(when, dev.error) if dev.error else when, _number(dev.ts)),
            ]
            for column, (text, key) in enumerate(values):
                item = SortItem(text)
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setData(Qt.ItemDataRole.UserRole + 1, dev.device_id)
                if column in (1, 2, 3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            lamp = "offline" if dev.aps_offline or dev.error else "online"
            cell(self.table, row, 0).setIcon(lamp_icon(lamp))
            problems = [self.tr("{0} AP(s) offline").format(dev.aps_offline)] if dev.aps_offline else []
            problems += [self.tr("the latest poll failed: {0}").format(dev.error)] if dev.error else []
            cell(self.table, row, 0).setToolTip(literal("\n".join(problems) or self.tr("no AP offline")))
            if dev.aps_total is None or dev.aps_online is None:
                cell(self.table, row, 2 if dev.aps_total is None else 1).setToolTip(
                    self.tr("The device's MIB does not give this figure.")
                )
        self.table.setSortingEnabled(True)
        if selected is not None:
            self.select_device(selected)

    def selected_device(self) -> int | None:
        """The device id of the selected controller, or None."""
        rows = self.table.selectionModel().selectedRows()
        return None if not rows else int(cell(self.table, rows[0].row(), 0).data(Qt.ItemDataRole.UserRole + 1))

    def select_device(self, device_id: int) -> bool:
        """Select a controller's row; False when it is not listed."""
        for row in range(self.table.rowCount()):
            if cell(self.table, row, 0).data(Qt.ItemDataRole.UserRole + 1) == device_id:
                self.table.selectRow(row)
                return True
        return False

    def _on_double_click(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.deviceRequested.emit(int(item.data(Qt.ItemDataRole.UserRole + 1)))
