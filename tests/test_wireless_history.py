"""Wireless history: counts that move between polls (snmpsim's numeric variation), AP status events, rollups and
retention, and a wireless part that fails without failing the poll."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from devices.errors import SnmpTimeout
from devices.snmp import SnmpSession
from devices.wireless import AccessPoint, WirelessSnapshot
from monitor.cli.main import main as cli
from monitor.polling import wireless
from monitor.polling.scheduler import Poller
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore
from tests.helpers import add_device, rows, run_cycle
from tests.peers import SnmpSim, parse_snmprec, snmprec_with

VAP_STATIONS = "1.3.6.1.4.1.41112.1.6.1.2.1.8"  # UBNT-UniFi-MIB unifiVapNumStations
Store = tuple[sqlite3.Connection, SecretStore, Path]


# ------------------------------------------------------------------------------------------------ moving counts


async def _get(sim: SnmpSim, community: str, oid: str) -> int:
    async with SnmpSession(sim.target(community)) as session:
        value = (await session.get([oid]))[oid]
    assert isinstance(value, int)
    return value


@pytest.mark.snmpsim
def test_client_counts_move_over_polls(snmprec_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UniFi AP's 5 GHz homewifi_ac VAP (index 3) gains clients; every poll stores what the agent answered."""
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    source = snmprec_dir / "unifi_nanohd.snmprec"
    recs = parse_snmprec(source)
    fixed = recs[f"{VAP_STATIONS}.1"][1]  # the 2.4 GHz homewifi_ac VAP, constant
    assert recs[f"{VAP_STATIONS}.2"][1] == recs[f"{VAP_STATIONS}.4"][1] == 0  # the vwire VAPs
    moving = f"{VAP_STATIONS}.3"
    text = snmprec_with(source, {moving: "2:numeric|rate=3,initial=10"})
    db = tmp_path / "inventory.db"
    with SnmpSim(tmp_path, {"ap": text}) as sim:
        add_device(db, "ap", sim.port, "ap")
        poller = Poller(db)
        bounds = []
        try:
            for _ in range(3):
                before = asyncio.run(_get(sim, "ap", moving))
                run_cycle(poller)
                after = asyncio.run(_get(sim, "ap", moving))
                bounds.append((fixed + before, fixed + after))
                time.sleep(1.5)
        finally:
            poller.close()
    conn = sqlite3.connect(db)
    dev = conn.execute("SELECT id FROM devices WHERE name = 'ap'").fetchone()[0]
    conn.row_factory = sqlite3.Row
    stored = wireless.series(conn, dev, "ssid", "homewifi_ac", 0, time.time() + 60, resolution="raw").avg
    totals = wireless.series(conn, dev, "clients", "", 0, time.time() + 60, resolution="raw").avg
    assert len(stored) == 3 and stored == totals  # one SSID carries every client
    for value, (low, high) in zip(stored, bounds, strict=True):
        assert value is not None and low <= value <= high
    assert stored[0] < stored[1] < stored[2]  # the history moves with the agent
    five = wireless.series(conn, dev, "ssid", "homewifi_ac", 0, time.time() + 60, resolution="5m")
    filled = [(a, lo, hi) for a, lo, hi in zip(five.avg, five.min, five.max, strict=True) if a is not None]
    assert filled and min(lo for _, lo, _ in filled) == stored[0] and max(hi for _, _, hi in filled) == stored[2]


# ------------------------------------------------------------------------------------------------ AP status


def _device(store: Store, name: str = "wlc") -> int:
    conn, secrets, _ = store
    spec = inventory.DeviceSpec(name=name, host="192.0.2.1", role="controller", secrets={"community": "x"})
    return inventory.add_device(conn, secrets, spec)


def _snap(*aps: tuple[str, str, str | None], clients: int = 5, standalone: bool = False) -> WirelessSnapshot:
    return WirelessSnapshot(
        module="test",
        aps_total=len(aps),
        aps_online=sum(1 for _, s, _ in aps if s == "online"),
        clients_total=clients,
        clients_by_ssid={"eduroam": clients},
        aps=[AccessPoint(key=name, name=name, status=s, status_raw=raw, clients=1) for name, s, raw in aps],
        standalone=standalone,
    )


def _record(store: Store, dev: int, ts: float, snap: WirelessSnapshot | None, error: str | None = None) -> list:
    conn = store[0]
    with conn:
        return wireless.record(conn, dev, "wlc", ts, snap, error)


def _events(store: Store) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in store[0].execute("SELECT kind, detail FROM events ORDER BY id")]


def _ap(store: Store, name: str) -> sqlite3.Row:
    return store[0].execute("SELECT * FROM wireless_aps WHERE name = ?", (name,)).fetchone()


T0 = 1_780_000_000.0


def test_an_ap_going_down_and_back_makes_events(store: Store) -> None:
    dev = _device(store)
    _record(store, dev, T0, _snap(("AP1", "online", "up"), ("AP2", "online", "up")))
    assert _events(store) == []
    _record(store, dev, T0 + 60, _snap(("AP1", "online", "up"), ("AP2", "offline", "down")))
    assert _events(store) == [("ap_down", "wlc: AP AP2 offline (down)")]
    assert _ap(store, "AP2")["status_since"] == T0 + 60 and _ap(store, "AP1")["status_since"] == T0
    _record(store, dev, T0 + 120, _snap(("AP1", "online", "up"), ("AP2", "offline", "down")))
    assert len(_events(store)) == 1 and _ap(store, "AP2")["status_since"] == T0 + 60
    _record(store, dev, T0 + 180, _snap(("AP1", "online", "up"), ("AP2", "online", "up")))
    assert _events(store)[-1] == ("ap_up", "wlc: AP AP2 online again (up)")


def test_an_ap_leaving_the_table_is_offline_then_forgotten(store: Store) -> None:
    dev = _device(store)
    _record(store, dev, T0, _snap(("AP1", "online", "associated"), ("AP2", "unknown", None)))
    _record(store, dev, T0 + 60, _snap(("AP1", "online", "associated")))
    ap2 = _ap(store, "AP2")
    assert (ap2["status"], ap2["status_raw"], ap2["present"]) == ("offline", wireless.GONE, 0)
    assert _events(store) == [("ap_down", f"wlc: AP AP2 offline ({wireless.GONE})")]
    _record(store, dev, T0 + 120, _snap(("AP1", "online", "associated"), ("AP2", "unknown", None)))
    assert _events(store)[-1] == ("ap_up", "wlc: AP AP2 online again")
    _record(store, dev, T0 + 180, _snap(("AP1", "online", "associated")))
    _record(store, dev, T0 + 180 + wireless.FORGET_AFTER_S + 60, _snap(("AP1", "online", "associated")))
    assert _ap(store, "AP2") is None


def test_a_standalone_ap_that_changes_its_key_makes_no_event(store: Store) -> None:
    dev = _device(store)
    _record(store, dev, T0, _snap(("10.0.0.5", "online", None), standalone=True))
    _record(store, dev, T0 + 60, _snap(("SERIAL1", "online", None), standalone=True))
    assert _events(store) == []
    assert [r[0] for r in store[0].execute("SELECT key FROM wireless_aps")] == ["SERIAL1"]


def test_a_failed_wireless_part_keeps_the_last_data_with_the_error(store: Store, capsys) -> None:  # type: ignore[no-untyped-def]
    dev = _device(store)
    _record(store, dev, T0, _snap(("AP1", "online", "up"), clients=7))
    _record(store, dev, T0 + 60, None, "no answer from 192.0.2.1:161")
    view = wireless.load(store[0], dev, "wlc")
    assert view is not None and view.clients_total == 7 and view.error == "no answer from 192.0.2.1:161"
    assert cli(["--db", str(store[2]), "wireless", "wlc"]) == 0
    assert "note: the latest poll's wireless part failed: no answer from 192.0.2.1:161" in capsys.readouterr().out
    _record(store, dev, T0 + 120, _snap(("AP1", "online", "up"), clients=8))
    view = wireless.load(store[0], dev, "wlc")
    assert view is not None and view.error is None and view.clients_total == 8


def test_unknown_figures_are_gaps_not_zeros(store: Store) -> None:
    dev = _device(store)
    snap = WirelessSnapshot(module="test", aps_online=3)
    _record(store, dev, T0, snap)
    kinds = {r[0] for r in store[0].execute("SELECT kind FROM wireless_series")}
    assert kinds == {"aps_online"}
    assert wireless.series(store[0], dev, "clients", "", T0 - 60, T0 + 60, resolution="raw").ts == []


def test_removing_the_device_removes_its_wireless_history(store: Store) -> None:
    conn, secrets, _ = store
    dev = _device(store)
    for k in range(10):
        _record(store, dev, T0 + 60 * k, _snap(("AP1", "online", "up")))
    assert conn.execute("SELECT count(*) FROM wireless_samples").fetchone()[0] > 0
    inventory.remove_device(conn, secrets, "wlc")
    for table in ("wireless_state", "wireless_aps", "wireless_series", "wireless_samples", "wireless_rollup_5m"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


# ------------------------------------------------------------------------------------------------ rollups


def _pattern(k: int) -> int:
    """Clients at the k-th minute: a saw-tooth, so every bucket has a distinct min, max and mean."""
    return (k * 7) % 23


def test_rollups_keep_average_minimum_and_maximum(store: Store) -> None:
    conn = store[0]
    dev = _device(store)
    start = 1_780_012_800  # a UTC midnight
    minutes = 2 * 24 * 60
    for k in range(minutes):
        snap = WirelessSnapshot(module="test", clients_total=_pattern(k))
        with conn:
            wireless.record(conn, dev, "wlc", start + 60 * k, snap)
    now = start + 60 * minutes + 1
    with conn:
        wireless.rollup_device(conn, dev, now)
    for tier, size in (("5m", 300), ("30m", 1800), ("2h", 7200), ("1d", 86400)):
        got = {
            int(r[0]): (r[1], r[2], r[3], r[4])
            for r in conn.execute(
                f"SELECT r.ts, r.n, r.avg, r.min, r.max FROM wireless_rollup_{tier} r JOIN wireless_series s "
                "ON s.id = r.series_id WHERE s.kind = 'clients'"
            )
        }
        expected: dict[int, tuple[int, float, int, int]] = {}
        for b in range(start, start + 60 * minutes, size):
            values = [_pattern(k) for k in range((b - start) // 60, (b - start + size) // 60)]
            expected[b] = (len(values), sum(values) / len(values), min(values), max(values))
        assert got.keys() == expected.keys(), tier
        for b, (n, avg, low, high) in expected.items():
            assert got[b][0] == n and got[b][1] == pytest.approx(avg) and got[b][2:] == (low, high), (tier, b)


def test_series_picks_the_tier_and_marks_gaps(store: Store) -> None:
    conn = store[0]
    dev = _device(store)
    start = 1_780_012_800
    polls = [k for k in range(0, 600) if not 200 <= k < 260]  # an hour without polls
    for k in polls:
        with conn:
            wireless.record(conn, dev, "wlc", start + 60 * k, WirelessSnapshot(module="test", clients_total=k))
    now = start + 60 * 600
    raw = wireless.series(conn, dev, "clients", "", start, now, now=now)
    assert raw.tier == "raw"
    gap = raw.ts.index(start + 60 * 199) + 1
    assert raw.avg[gap] is None and raw.ts[gap + 1] == start + 60 * 260
    assert [v for v in raw.avg if v is not None] == polls
    week = wireless.series(conn, dev, "clients", "", now - 7 * 86400, now, now=now)
    assert week.tier == "30m"
    thirty = dict(zip(week.ts, week.avg, strict=True))
    assert thirty[start] == pytest.approx(sum(range(30)) / 30)  # the first half hour, from the rollup
    assert thirty[start + 60 * 210] is None  # minutes 210-239: no polls at all
    assert thirty[start + 60 * 240] == pytest.approx(sum(range(260, 270)) / 10)  # polls again from minute 260


def test_retention_follows_the_store_settings(store: Store) -> None:
    conn = store[0]
    dev = _device(store)
    old, now = 1_780_012_800, 1_780_012_800 + 10 * 86400
    with conn:
        wireless.record(conn, dev, "wlc", old, WirelessSnapshot(module="test", clients_total=4))
        wireless.record(conn, dev, "wlc", now, WirelessSnapshot(module="test", clients_total=5))
    values = [r[0] for r in conn.execute("SELECT value FROM wireless_samples ORDER BY ts")]
    assert values == [5]  # raw is kept 7 days; the sample 10 days old went when the hour turned
    assert conn.execute("SELECT count(*) FROM wireless_rollup_1d").fetchone()[0] == 1  # its day is rolled up


# ------------------------------------------------------------------------------------------------ failures


@pytest.mark.snmpsim
@pytest.mark.parametrize("failure", [SnmpTimeout("no answer from 127.0.0.1 within 1 s"), KeyError("bug")])
def test_a_failing_wireless_part_does_not_fail_the_poll(
    snmprec_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    import devices.wireless as dw

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")

    async def broken(session: Any, facts: Any) -> WirelessSnapshot:
        raise failure

    monkeypatch.setitem(dw.VENDOR_MODULES, "aruba_instant", broken)
    db = tmp_path / "inventory.db"
    with SnmpSim(tmp_path, {"iap": snmprec_dir / "aruba-instant.snmprec"}) as sim:
        add_device(db, "iap", sim.port, "iap")
        poller = Poller(db)
        try:
            cycle = run_cycle(poller)
        finally:
            poller.close()
    assert cycle.devices[0].status == "up" and cycle.devices[0].ports > 0
    poll = rows(db, "SELECT error FROM device_polls")[0]
    assert poll["error"].startswith("wireless: ") and str(failure.args[0]) in poll["error"]
    assert rows(db, "SELECT count(*) AS n FROM ports")[0]["n"] == cycle.devices[0].ports
    assert rows(db, "SELECT * FROM wireless_state") == []  # nothing made up


def test_json_of_a_snapshot_keeps_mib_status_words(store: Store, capsys) -> None:  # type: ignore[no-untyped-def]
    dev = _device(store)
    _record(store, dev, T0, _snap(("AP1", "online", "normal"), ("AP2", "offline", "fault")))
    assert cli(["--db", str(store[2]), "wireless", "wlc", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [(a["name"], a["status"], a["status_raw"]) for a in got["aps"]] == [
        ("AP2", "offline", "fault"),
        ("AP1", "online", "normal"),
    ]
    assert got["aps_total"] == 2 and got["aps_online"] == 1 and got["clients_by_ssid"] == {"eduroam": 5}
