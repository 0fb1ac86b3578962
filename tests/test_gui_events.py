"""The event log (offscreen): period, kind, device and text filters, newest first, CSV export."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.events_page import EventsPage
from monitor.polling.scheduler import CoreLoop
from monitor.storage.store import connect

NOW = time.time()
EVENTS = [  # (seconds ago, kind, device, detail)
    (60, "device_down", "gym-sw", "gym-sw: no answer (timeout after 2 s)"),
    (3_600, "port_down", "core-sw", "Gi1/0/48: oper status 1 -> 2"),
    (7_200, "reboot", "lib-sw", "lib-sw restarted (sysUpTime went back)"),
    (3 * 86_400, "config_backup_failed", "core-sw", "SSH login refused"),
    (20 * 86_400, "device_up", "gym-sw", "gym-sw answers again"),
]


@pytest.fixture
def page(qtbot: Any, tmp_path: Path) -> Iterator[EventsPage]:
    db = tmp_path / "inventory.db"
    conn = connect(db)
    ids = {}
    for name in ("core-sw", "lib-sw", "gym-sw"):
        ids[name] = conn.execute(
            "INSERT INTO devices (name, host, created) VALUES (?, '127.0.0.1', 0)", (name,)
        ).lastrowid
    port = conn.execute(
        "INSERT INTO ports (device_id, key, ifindex, name) VALUES (?, 'Gi1/0/48', 48, 'Gi1/0/48')", (ids["core-sw"],)
    ).lastrowid
    for ago, kind, device, detail in EVENTS:
        conn.execute(
            "INSERT INTO events (ts, device_id, port_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
            (NOW - ago, ids[device], port if kind == "port_down" else None, kind, detail),
        )
    conn.commit()
    conn.close()
    core = CoreLoop()
    widget = EventsPage(db, core.submit)
    qtbot.addWidget(widget)
    try:
        yield widget
    finally:
        qtbot.waitUntil(lambda: not widget.busy, timeout=10_000)
        core.stop()


def shown(page: EventsPage) -> list[tuple[str, ...]]:
    t = page.table
    return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]


def load(qtbot: Any, page: EventsPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.reload()


def test_the_last_seven_days_newest_first(qtbot: Any, page: EventsPage) -> None:
    load(qtbot, page)
    rows = shown(page)
    assert [r[2] for r in rows] == ["gym-sw", "core-sw", "lib-sw", "core-sw"]  # the 20-day-old one is left out
    assert rows[1][1:4] == ("port down", "core-sw", "Gi1/0/48")
    page.period.setCurrentIndex(page.period.findData("all"))
    qtbot.waitUntil(lambda: len(shown(page)) == 5, timeout=10_000)
    page.period.setCurrentIndex(page.period.findData("24h"))
    qtbot.waitUntil(lambda: len(shown(page)) == 3, timeout=10_000)


def test_filters_narrow_the_rows(qtbot: Any, page: EventsPage) -> None:
    load(qtbot, page)
    page.device.setCurrentIndex(page.device.findData("core-sw"))
    assert [r[1] for r in shown(page)] == ["port down", "configuration backup failed"]
    page.kind.setCurrentIndex(page.kind.findData("port_down"))
    assert len(shown(page)) == 1
    page.device.setCurrentIndex(0)
    page.kind.setCurrentIndex(0)
    page.search.setText("sysuptime")
    assert [r[2] for r in shown(page)] == ["lib-sw"]
    assert "1 of 4" in page.summary.text()


def test_export_writes_what_is_shown(qtbot: Any, page: EventsPage, tmp_path: Path) -> None:
    load(qtbot, page)
    page.device.setCurrentIndex(page.device.findData("gym-sw"))
    out = tmp_path / "事件.csv"
    assert page.export(out)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["kind"], r["device"], r["detail"]) for r in rows] == [
        ("device_down", "gym-sw", "gym-sw: no answer (timeout after 2 s)")
    ]
    assert not page.export(tmp_path / "no-such-folder" / "x.csv")
    assert "Could not write" in page.summary.text()


def test_the_alerts_page_holds_the_log(qtbot: Any, tmp_path: Path) -> None:
    from gui.main_window import MainWindow

    window = MainWindow(tmp_path / "w.db")
    qtbot.addWidget(window)
    page = window.alerts_page
    page.tabs.setCurrentWidget(page.events)
    qtbot.waitUntil(lambda: not page.events.busy, timeout=10_000)
    assert page.events.table.columnCount() == 5
    window.close()


def test_event_details_follow_the_window_language(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    from devices.i18n import N_, Msg
    from gui.i18n import install_translator
    from monitor.storage.events import record_event

    db = tmp_path / "inventory.db"
    conn = connect(db)
    device = conn.execute("INSERT INTO devices (name, host, created) VALUES ('wlc', '127.0.0.1', 0)").lastrowid
    with conn:
        record_event(
            conn,
            NOW - 60,
            "ap_down",
            Msg(N_("{device}: AP {ap} offline ({why})"), {"device": "wlc", "ap": "GYM-AP01", "why": "down"}),
            device_id=device,
        )
        conn.execute(  # written by an older version: no message, shown as stored
            "INSERT INTO events (ts, device_id, kind, detail) VALUES (?, ?, 'device_up', 'wlc answers again')",
            (NOW - 120, device),
        )
    conn.close()
    core = CoreLoop()
    try:
        for language, expected in (
            ("zh_TW", "wlc：AP GYM-AP01 離線（down）"),
            ("en", "wlc: AP GYM-AP01 offline (down)"),
        ):
            install_translator(qapp, language)
            widget = EventsPage(db, core.submit)
            qtbot.addWidget(widget)
            load(qtbot, widget)
            assert [r[4] for r in shown(widget)] == [expected, "wlc answers again"]
            qtbot.waitUntil(lambda w=widget: not w.busy, timeout=10_000)
    finally:
        install_translator(qapp, "en")
        core.stop()
