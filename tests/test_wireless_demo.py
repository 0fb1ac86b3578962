"""The demo's wireless controller: real SNMP from the simulated agent, polled like a real controller, and its
backfilled week of history."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.snmp import SnmpCredentials, SnmpSession, SnmpTarget
from monitor.cli.main import main as cli
from monitor.demo.backfill import backfill
from monitor.demo.network import DemoNetwork
from monitor.demo.runtime import run_demo_headless
from monitor.demo.school import WLC_COMMUNITY, WLC_NAME
from monitor.demo.traffic import EPOCH_MONDAY
from monitor.demo.wireless import APS, OFFLINE_AP, SSIDS
from monitor.polling import wireless
from monitor.polling.scheduler import Poller
from monitor.storage.store import connect
from tests.helpers import run_cycle

WEDNESDAY = EPOCH_MONDAY + 2 * 86400  # 00:00 Asia/Taipei
WLSX_APS = "1.3.6.1.4.1.14823.2.2.1.1.3.1.0"  # wlsxSwitchTotalNumAccessPoints
WLSX_STATIONS = "1.3.6.1.4.1.14823.2.2.1.1.3.2.0"  # wlsxSwitchTotalNumStationsAssociated
WLAN_AP_NAME = "1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.3"
WLAN_AP_STATUS = "1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1.19"


@pytest.fixture
def demo_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    started: list[DemoNetwork] = []

    def make(start: float) -> DemoNetwork:
        net = DemoNetwork(speed=60.0, start=start, wireless=True)
        net.start()
        started.append(net)
        return net

    yield make
    for net in started:
        net.stop()


async def _walk(port: int) -> dict[str, Any]:
    target = SnmpTarget("127.0.0.1", port, SnmpCredentials(community=WLC_COMMUNITY), timeout=2.0)
    async with SnmpSession(target) as session:
        scalars = await session.get([WLSX_APS, WLSX_STATIONS])
        table = await session.walk_columns([WLAN_AP_NAME, WLAN_AP_STATUS])
    return {"scalars": scalars, "names": table[WLAN_AP_NAME], "status": table[WLAN_AP_STATUS]}


def _poll(net: DemoNetwork, db: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    net.ensure_store(db)
    poller = Poller(db)
    try:
        cycle = run_cycle(poller)
    finally:
        poller.close()
    assert all(d.status == "up" for d in cycle.devices), cycle.failed
    assert cli(["--db", str(db), "wireless", WLC_NAME, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_demo_controller_serves_its_aps_over_snmp(demo_at: Any) -> None:
    net = demo_at(WEDNESDAY + 10 * 3600)
    got = asyncio.run(_walk(net.port))
    names = {v.decode() for v in got["names"].values()}
    assert names == {ap.name for ap in APS} and len(names) == 12
    down = [got["names"][i].decode() for i, status in got["status"].items() if status == 2]
    assert down == [OFFLINE_AP]
    assert got["scalars"][WLSX_APS] == 11 and got["scalars"][WLSX_STATIONS] > 100


def test_polling_the_demo_controller(demo_at: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    busy = _poll(demo_at(WEDNESDAY + 10 * 3600), tmp_path / "busy.db", capsys)
    assert (busy["aps_total"], busy["aps_online"]) == (12, 11)
    assert set(busy["clients_by_ssid"]) == set(SSIDS)
    assert busy["clients_total"] == sum(busy["clients_by_ssid"].values())
    assert busy["clients_total"] == sum(ap["clients"] or 0 for ap in busy["aps"])
    gym = next(ap for ap in busy["aps"] if ap["name"] == OFFLINE_AP)
    assert (gym["status"], gym["status_raw"], gym["clients"], gym["radios"]) == ("offline", "down", None, [])
    assert busy["aps"][0]["name"] == OFFLINE_AP  # offline APs first
    others = [ap for ap in busy["aps"] if ap["name"] != OFFLINE_AP]
    assert all(ap["status"] == "online" and ap["status_raw"] == "up" and len(ap["radios"]) == 2 for ap in others)
    assert all(ap["location"] and ap["ip"] and ap["model"] and ap["uptime_s"] for ap in others)
    night = _poll(demo_at(WEDNESDAY + 3 * 3600), tmp_path / "night.db", capsys)
    assert busy["clients_total"] > 5 * max(1, night["clients_total"])


def test_the_default_demo_has_no_controller() -> None:
    net = DemoNetwork()
    assert net.controller is None and net.devices == net.switches and len(net.devices) == 8


# ------------------------------------------------------------------------------------------------ history


THURSDAY = WEDNESDAY + 86400
STEP = 300


def _taipei_hour(ts: int) -> float:
    return (ts + 8 * 3600) % 86400 / 3600


def test_backfill_writes_the_controllers_week(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "demo.db"
    net = DemoNetwork(start=THURSDAY, wireless=True)
    net.ensure_store(db, port=16100)  # never contacted: nothing polls this store
    assert backfill(db, 7, now=THURSDAY, network=net) > 0
    conn = connect(db)
    conn.row_factory = sqlite3.Row
    dev = conn.execute("SELECT id FROM devices WHERE name = ?", (WLC_NAME,)).fetchone()["id"]
    day = wireless.series(conn, dev, "clients", "", WEDNESDAY, THURSDAY - 1, resolution="raw", now=THURSDAY)
    assert len(day.ts) == 86400 // STEP and None not in day.avg
    lessons = [v for t, v in zip(day.ts, day.avg, strict=True) if 9 <= _taipei_hour(t) < 11]
    night = [v for t, v in zip(day.ts, day.avg, strict=True) if 1 <= _taipei_hour(t) < 5]
    assert statistics.mean(lessons) > 5 * max(1.0, statistics.mean(night))  # type: ignore[arg-type]
    down = conn.execute("SELECT ts, detail FROM events WHERE kind = 'ap_down'").fetchall()
    assert [(r["ts"], r["detail"]) for r in down] == [
        (WEDNESDAY + 14 * 3600 + 20 * 60, f"{WLC_NAME}: AP {OFFLINE_AP} offline (down)")
    ]
    online = wireless.series(conn, dev, "aps_online", "", WEDNESDAY, THURSDAY - 1, resolution="raw", now=THURSDAY)
    for t, v in zip(online.ts, online.avg, strict=True):
        assert v == (12 if t < down[0]["ts"] else 11)
    week = wireless.series(conn, dev, "clients", "", THURSDAY - 7 * 86400, THURSDAY, now=THURSDAY)
    assert week.tier == "30m" and sum(v is not None for v in week.avg) == 7 * 48
    ssid_sum = sum(
        wireless.series(conn, dev, "ssid", s, WEDNESDAY, THURSDAY - 1, resolution="raw", now=THURSDAY).avg[120] or 0
        for s in SSIDS
    )
    assert ssid_sum == day.avg[120]
    rows = conn.execute("SELECT count(*) FROM wireless_samples").fetchone()[0]
    assert backfill(db, 7, now=THURSDAY, network=net) == 0  # the ports' part: already written
    assert conn.execute("SELECT count(*) FROM wireless_samples").fetchone()[0] == rows
    conn.close()


def test_headless_demo_with_the_controller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "demo.db"
    stop = threading.Event()
    cycles: list[object] = []

    def on_cycle(cycle: object) -> None:
        cycles.append(cycle)
        if len(cycles) >= 2:
            stop.set()

    worker = threading.Thread(
        target=run_demo_headless,
        args=(db, 60.0, 1.0, stop),
        kwargs={"start": WEDNESDAY + 10 * 3600, "on_cycle": on_cycle, "backfill_days": 1, "wireless": True},
    )
    worker.start()
    worker.join(timeout=120)
    stop.set()
    assert not worker.is_alive()
    conn = connect(db, readonly=True)
    try:
        assert conn.execute("SELECT count(*) FROM devices WHERE status = 'up'").fetchone()[0] == 9
        state = conn.execute("SELECT aps_total, aps_online, error FROM wireless_state").fetchall()
        assert [tuple(r) for r in state] == [(12, 11, None)]
        assert conn.execute("SELECT count(*) FROM wireless_samples").fetchone()[0] > 86400 // STEP
    finally:
        conn.close()
