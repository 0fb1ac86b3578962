"""The main window over real stores (offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gui.device_dialog import DeviceDialog
from gui.main_window import STATUS_ROLE, MainWindow
from monitor.storage.store import connect


def add(conn, name: str, location: str, status: str = "up") -> int:  # type: ignore[no-untyped-def]
    cur = conn.execute(
        "INSERT INTO devices(name, host, location, status, created) VALUES (?, '127.0.0.1', ?, ?, ?)",
        (name, location, status, time.time()),
    )
    conn.commit()
    return int(cur.lastrowid)


def test_empty_store_shows_the_first_run_panel(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(tmp_path / "empty.db")
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.first_run
    texts = [
        b.text() for b in (window.first_run.add_button, window.first_run.import_button, window.first_run.demo_button)
    ]
    assert texts == ["Add device…", "Import CSV…", "Try the demo"]
    assert window.first_run.isVisible()


def test_tree_groups_devices_by_location_and_shows_ports(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "t.db"
    conn = connect(db)
    core = add(conn, "core", "機房")
    add(conn, "lib-sw", "圖書館", status="unreachable")
    conn.execute(
        "INSERT INTO ports(device_id, key, ifindex, name, alias, speed_bps, oper_status, in_bps, out_bps, errors_ps, "
        "discards_ps) VALUES (?, 'Gi1/0/1', 1, 'Gi1/0/1', 'Uplink', 1000000000, 1, 250000000, 1000000, 0.25, 1.5)",
        (core,),
    )
    conn.execute(
        "INSERT INTO ports(device_id, key, ifindex, name, speed_bps, oper_status) VALUES (?, 'Gi1/0/2', 2, 'Gi1/0/2', "
        "1000000000, 2)",
        (core,),
    )
    conn.commit()
    window = MainWindow(db)
    qtbot.addWidget(window)
    model = window.tree_model
    groups = {
        model.item(r).text(): [
            (model.item(r).child(c).text(), model.item(r).child(c).data(STATUS_ROLE))
            for c in range(model.item(r).rowCount())
        ]
        for r in range(model.rowCount())
    }
    assert groups == {"圖書館": [("lib-sw", "unreachable")], "機房": [("core", "up")]}
    assert window.stack.currentWidget() is window.dashboard
    assert "Devices up: 1 of 2" in window.dashboard.summary.text()
    assert "lib-sw" in window.dashboard.summary.text()
    core_index = model.item(1).child(0).index()
    window._on_tree_clicked(core_index)
    assert window.stack.currentWidget() is window.device_page
    table = window.device_page.proxy
    assert table.rowCount() == 2
    first = [table.index(0, c).data() for c in range(table.columnCount())]
    assert first == [1, "Gi1/0/1", "Uplink", "up", "1.0 Gbit/s", "250.0 Mbit/s", "1.0 Mbit/s", "25.0 %", "0.25 (1.5)"]
    page = window.device_page
    assert not page.plot.isVisibleTo(page)
    page.table.selectRow(0)
    assert page.plot.isVisibleTo(page)
    port_id, label = page.model.port_at(page.proxy.mapToSource(page.proxy.index(0, 0)).row())
    assert label == "Gi1/0/1"
    in_curve, out_curve = page.plot.curves(port_id)
    assert in_curve is not None and out_curve is not None
    window.device_page.filter.setText("0/2")
    assert table.rowCount() == 1
    window.close()


@pytest.mark.parametrize("column", [5])
def test_ports_sort_by_number_not_text(qtbot, tmp_path: Path, column: int) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "s.db"
    conn = connect(db)
    dev = add(conn, "sw", "A")
    for i, rate in enumerate((9_000_000, 200_000_000, 50_000), start=1):
        conn.execute(
            "INSERT INTO ports(device_id, key, ifindex, name, speed_bps, in_bps, out_bps) VALUES (?, ?, ?, ?, ?, ?, 0)",
            (dev, f"p{i}", i, f"p{i}", 1_000_000_000, rate),
        )
    conn.commit()
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.device_page.show_device(window.conn, dev)
    window.device_page.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    proxy = window.device_page.proxy
    assert [proxy.index(r, 1).data() for r in range(3)] == ["p2", "p1", "p3"]
    window.close()


def test_qt_binding_does_not_leak_references_to_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    # PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call until the interpreter aborted
    # ("none_dealloc"); the lock file pins a release without that bug, and this guards upgrades.
    import sys

    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2_000):
        widget.resize(100, 100)
        widget.setObjectName("probe")
    assert sys.getrefcount(None) - before < 100


def test_dashboard_shows_busiest_uplinks_error_ports_and_events(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "d.db"
    conn = connect(db)
    core = add(conn, "core", "機房")
    now = time.time()
    ports = {}
    for i, (name, rate, uplink) in enumerate(
        (("Gi1/0/48", 600e6, 1), ("Gi1/0/47", 900e6, 0), ("Gi1/0/1", 100e6, 1)), start=1
    ):
        cur = conn.execute(
            "INSERT INTO ports(device_id, key, ifindex, name, speed_bps, oper_status, in_bps, out_bps, is_uplink) "
            "VALUES (?, ?, ?, ?, 1000000000, 1, ?, 1000, ?)",
            (core, name, i, name, rate, uplink),
        )
        ports[name] = int(cur.lastrowid)
    conn.execute(
        "INSERT INTO samples(port_id, ts, in_bps, out_bps, in_err, out_err) VALUES (?, ?, 1, 1, 0.5, 0)",
        (ports["Gi1/0/47"], int(now - 60)),
    )
    conn.execute(
        "INSERT INTO events(ts, device_id, kind, detail) VALUES (?, ?, 'reboot', 'core restarted')", (now - 30, core)
    )
    conn.commit()
    window = MainWindow(db)
    qtbot.addWidget(window)
    dash = window.dashboard
    uplinks = [[dash.uplinks.item(r, c).text() for c in range(4)] for r in range(dash.uplinks.rowCount())]
    # Only ports marked as uplinks, busiest first; the busier unmarked port is not an uplink.
    assert uplinks == [
        ["core", "Gi1/0/48", "600.0 Mbit/s", "1.0 kbit/s"],
        ["core", "Gi1/0/1", "100.0 Mbit/s", "1.0 kbit/s"],
    ]
    assert dash.uplinks.cellWidget(0, 4).text() == "60.0 %"
    assert [dash.errors.item(0, c).text() for c in range(3)] == ["core", "Gi1/0/47", "1800"]  # 0.5/s over the hour
    assert [dash.events.item(0, c).text() for c in (1, 2, 3)] == ["core", "restarted", "core restarted"]
    dash.uplinks.cellDoubleClicked.emit(0, 1)
    assert window.stack.currentWidget() is window.device_page
    page = window.device_page
    selected = page.table.selectionModel().selectedRows()
    assert [page.proxy.index(i.row(), 1).data() for i in selected] == ["Gi1/0/48"]
    window.close()


def test_first_run_demo_button_opens_the_demo_in_its_own_store(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gui.app import App, _qt_app

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    demo_db = tmp_path / "demo.db"
    monkeypatch.setattr("monitor.demo.runtime.default_demo_db", lambda: demo_db)
    app = App(_qt_app())
    school = tmp_path / "school.db"
    window = app.open_store(school)
    try:
        qtbot.mouseClick(window.first_run.demo_button, Qt.MouseButton.LeftButton)  # the demo with a week of history
        demo_window = app.window
        assert demo_window is not None and demo_window is not window
        assert demo_window.db_path == demo_db
        assert demo_window.bridge is not None
        with qtbot.waitSignal(demo_window.bridge.cycleFinished, timeout=20_000) as blocker:
            pass
        assert {d.status for d in blocker.args[0].devices} == {"up"}
        assert demo_window.tree_model.rowCount() >= 7
        assert (
            connect(school).execute("SELECT COUNT(*) FROM devices").fetchone()[0] == 0
        )  # the school's store untouched
    finally:
        if app.window is not None:
            app.window.close()
        app.shutdown()
    # The week of history written in the background is there once the app has shut down.
    oldest = connect(demo_db).execute("SELECT MIN(ts) FROM samples").fetchone()[0]
    assert oldest is not None and oldest < time.time() - 6 * 86400


def test_add_edit_and_remove_devices_from_the_window(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    window = MainWindow(tmp_path / "w.db")
    qtbot.addWidget(window)
    assert window.stack.currentWidget() is window.first_run
    assert not window.edit_action.isEnabled()
    qtbot.mouseClick(window.first_run.add_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(DeviceDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.name_edit.setText("lib-sw")
    dialog.host_edit.setText("192.0.2.10")
    dialog.community_edit.setText("s3cret")
    dialog.location_combo.setCurrentText("圖書館")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    # The window reloads at once: the device is in the tree under its location, the dashboard shows.
    assert window.tree_model.item(0).text() == "圖書館"
    assert window.stack.currentWidget() is window.dashboard
    device_id = int(window.conn.execute("SELECT id FROM devices WHERE name = 'lib-sw'").fetchone()[0])
    window.show_device(device_id)
    assert window.edit_action.isEnabled()
    window.edit_action.trigger()
    edit = [d for d in window.findChildren(DeviceDialog) if d.isVisible()][-1]
    assert edit.name_edit.text() == "lib-sw"
    edit.close()
    window.remove_device(confirm=False)
    assert window.conn.execute("SELECT COUNT(*) FROM devices").fetchone()[0] == 0
    assert window.stack.currentWidget() is window.first_run
    window.close()


def test_tree_groups_by_role_on_request(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "r.db"
    conn = connect(db)
    add(conn, "core", "機房")
    add(conn, "ap-3f", "教學大樓")
    conn.execute("UPDATE devices SET role = 'ap' WHERE name = 'ap-3f'")
    conn.commit()
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.group_combo.setCurrentIndex(window.group_combo.findData("role"))
    model = window.tree_model
    groups = {model.item(r).text(): model.item(r).child(0).text() for r in range(model.rowCount())}
    assert groups == {"Access points": "ap-3f", "Switches": "core"}
    window.close()


def test_after_a_poll_the_dashboard_graph_is_drawn_apart_one_new_port_at_a_time(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.dashboard import GRAPH_UPLINKS, Dashboard
    from monitor.storage.overview import overview

    db = tmp_path / "g.db"
    conn = connect(db)
    core = add(conn, "core", "機房")
    for i in range(1, GRAPH_UPLINKS + 2):
        conn.execute(
            "INSERT INTO ports(device_id, key, ifindex, name, speed_bps, oper_status, in_bps, out_bps, is_uplink) "
            "VALUES (?, ?, ?, ?, 1000000000, 1, ?, 1000, 1)",
            (core, f"Gi0/{i}", i, f"Gi0/{i}", i * 1e6),
        )
    conn.commit()
    dash = Dashboard(db)
    qtbot.addWidget(dash)
    shown: list[list[int]] = []
    real = dash.plot.set_ports
    dash.plot.set_ports = lambda ports: (shown.append([p for p, _ in ports]), real(ports))  # type: ignore[method-assign]
    data = overview(conn, time.time())
    dash.show_overview(data, graph_later=True)
    assert dash.uplinks.rowCount() == GRAPH_UPLINKS + 1 and shown == []  # the tables now, the graph after
    busiest = [u.port_id for u in data.busiest_uplinks[:GRAPH_UPLINKS]]
    qtbot.waitUntil(lambda: len(shown) == GRAPH_UPLINKS, timeout=5_000)
    assert shown == [busiest[:n] for n in range(1, GRAPH_UPLINKS + 1)]  # one port's curves made per turn
    assert len(dash.plot.plot_widget.getPlotItem().listDataItems()) == 2 * GRAPH_UPLINKS
    dash.show_overview(data)  # the same uplinks: the graph is refreshed, not rebuilt
    assert len(shown) == GRAPH_UPLINKS
    dash.close_store()
    conn.close()
