"""The Wireless tab of a device and the school-wide Wireless page (offscreen), over stores filled by real polls of
snmpsim serving real controller and AP recordings, and of the demo's simulated controller.

Expected values come from the .snmprec text (the same independent parsing as tests/test_wireless_snmpsim.py), never
from monitor.polling.wireless.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import gc
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import gui.wireless_page as wireless_page
from devices.errors import SnmpTimeout
from devices.snmp import SnmpSession
from devices.wireless import WirelessSnapshot
from gui.i18n import install_translator
from gui.main_window import MainWindow
from gui.wireless_page import ApModel, WirelessPage
from gui.wireless_plot import CLIENTS
from monitor.polling.scheduler import Poller
from monitor.storage.store import connect
from tests.helpers import add_device, run_cycle
from tests.peers import SnmpSim, parse_snmprec, snmprec_with
from tests.test_wireless_snmpsim import EXPECT, column, text

# wlsxSwitchTotalNumStationsAssociated: the Aruba controller's clients in all, made to grow between polls.
ARUBA_STATIONS = "1.3.6.1.4.1.14823.2.2.1.1.3.2.0"
AI_AP_NAME = "1.3.6.1.4.1.14823.2.3.3.1.2.1.1.2"
CONTROLLERS = ["arubaos", "aruba-instant", "ciscowlc_cbw240ac", "zyxelwlc_nxc2500"]
SWITCH = "ios_2960x"
DASH = "—"


@dataclass
class Polled:
    """A store after two real polls of the recordings, and what the recordings say."""

    db: Path
    expected: dict[str, dict[str, Any]]
    stations: list[tuple[int, int]]  # (before, after) bounds of the Aruba controller's clients around each poll


async def _get(sim: SnmpSim, community: str, oid: str) -> int:
    async with SnmpSession(sim.target(community)) as session:
        value = (await session.get([oid]))[oid]
    assert isinstance(value, int)
    return value


@pytest.fixture(scope="module")
def polled(snmprec_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Polled]:
    expected = {n: EXPECT[n](parse_snmprec(snmprec_dir / f"{n}.snmprec")) for n in CONTROLLERS}
    recordings: dict[str, Path | str] = {n: snmprec_dir / f"{n}.snmprec" for n in [*CONTROLLERS, SWITCH]}
    start = expected["arubaos"]["clients_total"]
    recordings["arubaos"] = snmprec_with(recordings["arubaos"], {ARUBA_STATIONS: f"66:numeric|rate=3,initial={start}"})
    db = tmp_path_factory.mktemp("db") / "inventory.db"
    saved = os.environ.get("CAMPUSNET_SECRETS")
    os.environ["CAMPUSNET_SECRETS"] = "file"
    stations = []
    try:
        with SnmpSim(tmp_path_factory.mktemp("sim"), recordings) as sim:
            for name in recordings:
                add_device(db, name, sim.port, name, timeout_s=3.0)
            poller = Poller(db, concurrency=4)
            try:
                for _ in range(2):
                    before = asyncio.run(_get(sim, "arubaos", ARUBA_STATIONS))
                    cycle = run_cycle(poller)
                    stations.append((before, asyncio.run(_get(sim, "arubaos", ARUBA_STATIONS))))
                    assert {d.status for d in cycle.devices} == {"up"}, cycle.failed
                    time.sleep(1.5)
            finally:
                poller.close()
        yield Polled(db, expected, stations)
    finally:
        if saved is None:
            os.environ.pop("CAMPUSNET_SECRETS", None)
        else:
            os.environ["CAMPUSNET_SECRETS"] = saved


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """Free closed windows here, on the GUI thread. Left to the garbage collector, they could be freed on the worker
    thread that reads the store (Python collects on whichever thread allocates), and a Qt object destroyed there
    deadlocks against the GUI thread."""
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def english(qapp: QApplication) -> Iterator[QApplication]:
    install_translator(qapp, "en")
    yield qapp


@pytest.fixture
def window(qtbot: Any, english: QApplication, polled: Polled) -> Iterator[MainWindow]:
    win = MainWindow(polled.db)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    del win
    gc.collect()


def device_id(db: Path, name: str) -> int:
    conn = connect(db, readonly=True)
    try:
        return int(conn.execute("SELECT id FROM devices WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


def open_wireless(qtbot: Any, win: MainWindow, name: str) -> WirelessPage:
    """Open a device's Wireless tab and wait until its data and its graph are shown."""
    page = win.device_page.wireless
    assert page is not None
    with qtbot.waitSignals([page.loaded, page.plot.loaded], timeout=15_000):
        win.show_device_wireless(device_id(win.db_path, name))
    assert win.device_page.tabs.currentWidget() is page
    return page


def column_texts(page: WirelessPage, column: int) -> list[str]:
    return [str(page.proxy.index(r, column).data()) for r in range(page.proxy.rowCount())]


def figures(page: Any) -> tuple[str, str, str]:
    return page.online_figure.value.text(), page.total_figure.value.text(), page.clients_figure.value.text()


# ------------------------------------------------------------------------------------------------ a device


@pytest.mark.parametrize("name", ["aruba-instant", "ciscowlc_cbw240ac"])
def test_the_page_shows_the_recorded_aps_counts_and_ssids(qtbot, window, polled, name) -> None:  # type: ignore[no-untyped-def]
    expected = polled.expected[name]
    page = open_wireless(qtbot, window, name)
    assert sorted(column_texts(page, ApModel.NAME)) == sorted(expected["ap_clients"])
    clients = dict(zip(column_texts(page, ApModel.NAME), column_texts(page, ApModel.CLIENTS), strict=True))
    assert clients == {ap: str(n) for ap, n in expected["ap_clients"].items()}
    assert figures(page) == (str(expected["aps_online"]), str(expected["aps_total"]), str(expected["clients_total"]))
    assert page.ssids.isVisible() and page.ssids.counts() == expected["clients_by_ssid"]
    for row in range(page.proxy.rowCount()):
        status = page.proxy.index(row, ApModel.STATUS)
        word = expected["ap_status_raw"][page.proxy.index(row, ApModel.NAME).data()]
        tip = status.data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith(f"MIB status: {word} ") if word else tip == "The AP table gives no status for this AP"
        assert status.data(Qt.ItemDataRole.DecorationRole) is not None  # the lamp
    assert not page.error.isVisible()


def test_a_controller_with_690_aps_read_off_the_gui_thread(qtbot, window, polled, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    threads: list[threading.Thread] = []
    real = wireless_page.read_view

    def spy(*args: Any) -> Any:
        threads.append(threading.current_thread())
        return real(*args)

    monkeypatch.setattr(wireless_page, "read_view", spy)
    expected = polled.expected["arubaos"]
    page = open_wireless(qtbot, window, "arubaos")
    assert threads and threading.main_thread() not in threads
    names = column_texts(page, ApModel.NAME)
    assert len(names) == len(expected["ap_clients"]) == 690
    assert sorted(names) == sorted(expected["ap_clients"])
    online, total, clients = figures(page)
    assert online == f"{expected['aps_online']:,}" and total == DASH  # the WLSX MIB gives no registered count
    assert page.total_figure.caption.text() == "not given by this device"
    assert page.online_figure.caption.text() == "wlsxSwitchTotalNumAccessPoints"
    low, high = polled.stations[-1]
    assert low <= int(clients.replace(",", "")) <= high
    assert not page.ssids.isVisible() and page.no_ssids.isVisible()  # the ESSID table is not in the recording


def test_the_filter_narrows_the_rows_and_clients_sort_as_numbers(qtbot, window, polled) -> None:  # type: ignore[no-untyped-def]
    expected = polled.expected["arubaos"]["ap_clients"]
    page = open_wireless(qtbot, window, "arubaos")
    qtbot.keyClicks(page.filter, "AR1-ADE7J0")
    assert sorted(column_texts(page, ApModel.NAME)) == sorted(n for n in expected if "ar1-ade7j0" in n.lower())
    assert 0 < page.proxy.rowCount() < len(expected)
    page.filter.clear()
    assert page.proxy.rowCount() == len(expected)
    page.table.sortByColumn(ApModel.CLIENTS, Qt.SortOrder.DescendingOrder)
    shown = [int(t) for t in column_texts(page, ApModel.CLIENTS)]
    assert shown == sorted(expected.values(), reverse=True)
    assert len({len(str(n)) for n in shown}) > 1  # one and two digit counts: a text sort would put 9 above 41
    first = page.proxy.index(0, ApModel.NAME).data()
    assert expected[first] == max(expected.values())


def test_the_graph_has_the_polled_clients_and_keeps_the_table_on_refresh(qtbot, window, polled) -> None:  # type: ignore[no-untyped-def]
    page = open_wireless(qtbot, window, "arubaos")
    curve = page.plot.curve(CLIENTS)
    assert curve is not None
    values = [v for v in curve.yData if np.isfinite(v)]
    assert len(values) == 2 and values[0] < values[1]  # the agent's count grew between the polls
    for value, (low, high) in zip(values, polled.stations, strict=True):
        assert low <= value <= high
    # A refresh after a cycle keeps the selected AP and where the table was scrolled to.
    with qtbot.waitSignal(page.plot.loaded, timeout=15_000):
        page.select_ap(page.model.key_at(400))
    selected = page.selected_key()
    assert selected is not None
    # The selected AP's clients join the graph, as the table shows them at the latest poll.
    ap_curve = page.plot.curve(("ap", selected))
    assert ap_curve is not None
    ap_values = [v for v in ap_curve.yData if np.isfinite(v)]
    row = page.model.row_of(selected)
    assert row is not None and ap_values
    shown = page.model.index(row, ApModel.CLIENTS).data()
    assert str(int(ap_values[-1])) == shown
    page.table.verticalScrollBar().setValue(page.table.verticalScrollBar().maximum() // 2)
    scroll = page.table.verticalScrollBar().value()
    assert scroll > 0
    with qtbot.waitSignals([page.loaded, page.plot.loaded], timeout=15_000):
        window.reload(after_cycle=True)
    assert page.selected_key() == selected and page.table.verticalScrollBar().value() == scroll


def test_a_controller_without_an_ap_table_or_totals_shows_dashes(qtbot, window, polled) -> None:  # type: ignore[no-untyped-def]
    expected = polled.expected["zyxelwlc_nxc2500"]
    page = open_wireless(qtbot, window, "zyxelwlc_nxc2500")
    assert figures(page) == (str(expected["aps_online"]), DASH, str(expected["clients_total"]))
    assert page.model.rowCount() == 0 and page.no_aps.isVisible() and not page.table.isVisible()


def test_a_switch_has_no_wireless_tab(qtbot, window, polled) -> None:  # type: ignore[no-untyped-def]
    window.show_device(device_id(polled.db, SWITCH))
    tabs = window.device_page.tabs
    assert window.stack.currentWidget() is window.device_page
    assert tabs.indexOf(window.device_page.wireless) == -1 and tabs.count() == 1
    assert not tabs.tabBar().isVisible()
    page = WirelessPage(polled.db, lambda coro: pytest.fail("no read expected"))
    qtbot.addWidget(page)
    page.show_view(None)
    assert page.stack.currentWidget() is page.empty and page.empty.text() == "No wireless data for this device."


# ------------------------------------------------------------------------------------------------ the whole school


def test_the_school_wide_page_sums_the_controllers(qtbot, window, polled) -> None:  # type: ignore[no-untyped-def]
    expected = polled.expected
    page = window.wireless_overview
    with qtbot.waitSignals([page.loaded, page.plot.loaded], timeout=15_000):
        window.wireless_action.trigger()
    assert window.stack.currentWidget() is page
    online, total, clients = figures(page)
    assert online == f"{sum(e['aps_online'] for e in expected.values()):,}"
    assert total == DASH  # two controllers do not give it: a sum without them would mislead
    assert page.total_figure.caption.text() == "not given by: arubaos, zyxelwlc_nxc2500"
    others = sum(e["clients_total"] for n, e in expected.items() if n != "arubaos")
    low, high = polled.stations[-1]
    assert others + low <= int(clients.replace(",", "")) <= others + high
    ssids: dict[str, int] = {}
    for e in expected.values():
        for ssid, n in e["clients_by_ssid"].items():
            ssids[ssid] = ssids.get(ssid, 0) + n
    assert page.ssids.counts() == ssids
    table = page.table
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 5)] for r in range(table.rowCount())}
    assert rows == {
        n: [
            f"{e['aps_online']:,}",
            DASH if e["aps_total"] is None else str(e["aps_total"]),
            "0",
            f"{e['clients_total']:,}" if n != "arubaos" else rows["arubaos"][3],
        ]
        for n, e in expected.items()
    }
    curve = page.plot.curve(CLIENTS)
    assert curve is not None
    values = [v for v in curve.yData if np.isfinite(v)]
    assert values and all(others + polled.stations[0][0] <= v <= others + polled.stations[-1][1] for v in values)
    # Double-clicking a controller opens its own Wireless tab.
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "aruba-instant")
    device_page = window.device_page.wireless
    assert device_page is not None
    with qtbot.waitSignal(device_page.loaded, timeout=15_000):
        table.cellDoubleClicked.emit(row, 0)
    assert window.stack.currentWidget() is window.device_page
    assert window.device_page.tabs.currentWidget() is device_page
    assert sorted(column_texts(device_page, ApModel.NAME)) == sorted(expected["aruba-instant"]["ap_clients"])


def test_the_dashboard_line_sums_the_controllers(window, polled) -> None:  # type: ignore[no-untyped-def]
    expected = polled.expected
    dashboard = window.dashboard
    assert window.stack.currentWidget() is dashboard and dashboard.wifi.isVisible()
    online = f"{sum(e['aps_online'] for e in expected.values()):,}"
    assert f"Wi-Fi: {online} of {DASH} APs online" in dashboard.wifi.text()
    dashboard.wifi.linkActivated.emit("wireless")
    assert window.stack.currentWidget() is window.wireless_overview


# ------------------------------------------------------------------------------------------------ a failing poll


def test_a_failed_wireless_read_is_shown_with_the_last_data(  # type: ignore[no-untyped-def]
    qtbot, english, snmprec_dir, tmp_path, monkeypatch
) -> None:
    import devices.wireless as dw

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    source = snmprec_dir / "aruba-instant.snmprec"
    names = sorted(text(v) for v in column(parse_snmprec(source), AI_AP_NAME).values())
    db = tmp_path / "inventory.db"
    with SnmpSim(tmp_path, {"iap": source}) as sim:
        add_device(db, "iap", sim.port, "iap")
        poller = Poller(db)
        win = MainWindow(db)
        qtbot.addWidget(win)
        win.show()
        try:
            run_cycle(poller)
            page = open_wireless(qtbot, win, "iap")
            assert sorted(column_texts(page, ApModel.NAME)) == names and not page.error.isVisible()
            page.select_ap(page.model.key_at(1))
            selected = page.selected_key()

            async def broken(session: Any, facts: Any) -> WirelessSnapshot:
                raise SnmpTimeout("timeout reading the AP table")

            monkeypatch.setitem(dw.VENDOR_MODULES, "aruba_instant", broken)
            run_cycle(poller)
            with qtbot.waitSignal(page.loaded, timeout=15_000):
                win.reload(after_cycle=True)
            assert page.error.isVisible() and "timeout reading the AP table" in page.error.text()
            assert sorted(column_texts(page, ApModel.NAME)) == names  # the last data stays
            assert page.selected_key() == selected
        finally:
            poller.close()
            win.close()


# ------------------------------------------------------------------------------------------------ the demo


def test_the_gui_demo_shows_its_controller_and_aps(qtbot, english, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gui.app import App, _qt_app
    from monitor.demo.school import WLC_NAME
    from monitor.demo.wireless import APS, OFFLINE_AP

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    app = App(_qt_app())
    try:
        win = app.open_demo(tmp_path / "demo.db", backfill_days=0)
        assert win.bridge is not None
        with qtbot.waitSignal(win.bridge.wirelessReady, timeout=30_000):
            pass
        assert "11 of 12 APs online" in win.dashboard.wifi.text()
        page = open_wireless(qtbot, win, WLC_NAME)
        assert sorted(column_texts(page, ApModel.NAME)) == sorted(ap.name for ap in APS)
        assert page.proxy.index(0, ApModel.NAME).data() == OFFLINE_AP  # offline first
        assert page.proxy.index(0, ApModel.STATUS).data().startswith("offline")
        assert figures(page)[:2] == ("11", "12")
    finally:
        if app.window is not None:
            app.window.close()
        app.shutdown()
