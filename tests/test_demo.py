"""The demo network: a simulated school served over real SNMP on 127.0.0.1, checked with net-snmp and our poller."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.simagent import SimAgent
from devices.snmp import SnmpCredentials, SnmpSession, SnmpTarget
from monitor.demo.backfill import backfill
from monitor.demo.network import DemoNetwork, build_large_school
from monitor.demo.runtime import spawn_agent
from monitor.demo.school import CORE_NAME, INTERNET_ALIAS
from monitor.demo.traffic import EPOCH_MONDAY
from monitor.polling.scheduler import Poller
from monitor.storage import history
from monitor.storage.store import connect
from tests.conftest import require_tool

HOST = "127.0.0.1"
WEDNESDAY_10H = EPOCH_MONDAY + 2 * 86400 + 10 * 3600  # a busy school morning, Asia/Taipei
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_NUMBER = "1.3.6.1.2.1.2.1.0"
HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def net() -> Iterator[DemoNetwork]:
    demo = DemoNetwork(speed=60.0, start=WEDNESDAY_10H)
    demo.start()
    try:
        yield demo
    finally:
        demo.stop()


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)


def test_net_snmp_walks_the_simulated_iftable(net: DemoNetwork) -> None:
    walk, get = require_tool("snmpbulkwalk"), require_tool("snmpget")
    sw = net.switch("教學大樓B-SW")
    where = f"{HOST}:{net.port}"
    out = _run([walk, "-v2c", "-c", sw.community, "-On", where, IF_DESCR])
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines() if line.startswith(f".{IF_DESCR}.")]
    assert len(rows) == len(sw.device.ports) == 28
    number = _run([get, "-v2c", "-c", sw.community, "-Oqv", where, IF_NUMBER])
    assert number.stdout.strip() == "28"
    v1 = _run([require_tool("snmpwalk"), "-v1", "-c", sw.community, "-On", where, IF_DESCR])
    assert v1.returncode == 0 and len(v1.stdout.splitlines()) == 28
    missing = _run([get, "-v2c", "-c", sw.community, where, "1.3.6.1.2.1.1.99.0"])
    assert "No Such Object" in missing.stdout


def test_wrong_community_gets_no_answer(net: DemoNetwork) -> None:
    get = require_tool("snmpget")
    out = _run([get, "-v2c", "-c", "not-a-switch", "-t", "0.5", "-r", "0", f"{HOST}:{net.port}", IF_NUMBER])
    assert out.returncode != 0
    assert "Timeout" in out.stderr


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def test_stop_frees_the_port_and_start_stop_twice_works() -> None:
    demo = DemoNetwork()
    port = demo.start()
    assert not _port_free(port)
    demo.stop()
    assert _port_free(port)
    assert demo.start(port) == port
    demo.stop()
    demo.stop()
    assert _port_free(port)

    async def twice() -> None:
        agent = SimAgent([s.device for s in demo.switches])
        for _ in range(2):
            p = await agent.start()
            await agent.stop()
            assert _port_free(p)
            agent.port = 0

    asyncio.run(twice())


def test_counters_are_monotonic_over_snmp(net: DemoNetwork) -> None:
    core = net.switch(CORE_NAME)
    target = SnmpTarget(HOST, net.port, SnmpCredentials(version="2c", community=core.community), timeout=1.0)
    oid = f"{HC_IN_OCTETS}.{core.uplink_ifindex}"

    async def read_many() -> list[int]:
        values = []
        async with SnmpSession(target) as session:
            for _ in range(40):
                got = (await session.get([oid]))[oid]
                assert isinstance(got, int)
                values.append(got)
                await asyncio.sleep(0.005)
        return values

    values = asyncio.run(read_many())
    assert values == sorted(values)
    assert values[-1] > values[0]


def test_model_stays_monotonic_and_below_port_speed_for_a_week() -> None:
    demo = DemoNetwork(speed=1.0, start=WEDNESDAY_10H)
    step = 900.0
    for sw in demo.switches:
        boot = sw.device.boot_ts
        assert boot < EPOCH_MONDAY
        prev = [demo.traffic.counters(p, boot, EPOCH_MONDAY) for p in sw.ports]
        moved = 0
        for k in range(1, 7 * 96 + 1):
            t = EPOCH_MONDAY + k * step
            cur = [demo.traffic.counters(p, boot, t) for p in sw.ports]
            for model, a, b in zip(sw.ports, prev, cur, strict=True):
                assert b.in_octets >= a.in_octets and b.out_octets >= a.out_octets
                assert b.in_errors >= a.in_errors and b.out_discards >= a.out_discards
                top = max(b.in_octets - a.in_octets, b.out_octets - a.out_octets) * 8 / step
                assert top <= model.speed_bps, (sw.name, t)
                moved += top > 0
            prev = cur
        assert moved > 7 * 96


def test_school_day_shape() -> None:
    demo = DemoNetwork(start=WEDNESDAY_10H)
    core = demo.switch(CORE_NAME)
    internet = next(p for p, sp in zip(core.ports, core.device.ports, strict=True) if sp.alias == INTERNET_ALIAS)

    def mbps(t: float) -> float:
        a = demo.traffic.counters(internet, core.device.boot_ts, t)
        b = demo.traffic.counters(internet, core.device.boot_ts, t + 600)
        return (b.in_octets - a.in_octets) * 8 / 600 / 1e6

    wed = EPOCH_MONDAY + 2 * 86400
    assert mbps(wed + 10 * 3600) > 5 * mbps(wed + 3 * 3600)
    assert mbps(wed + 12.4 * 3600) < 0.7 * mbps(wed + 10 * 3600)
    assert mbps(wed + 3 * 86400 + 10 * 3600) < 0.2 * mbps(wed + 10 * 3600)  # Saturday
    assert 300 < mbps(wed + 10 * 3600) < 1000


def test_poller_polls_the_demo_store(net: DemoNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "demo.db"
    net.ensure_store(db)
    net.ensure_store(db)  # idempotent
    poller = Poller(db, interval=5)
    try:
        first = asyncio.run(poller.run_cycle())
        assert [d.status for d in first.devices] == ["up"] * len(net.switches), first.failed
        # The poller marks the ports aliased "Uplink to ..." as uplinks: one per switch.
        marked = poller.writer.run(lambda c: c.execute("SELECT count(*) FROM ports WHERE is_uplink = 1").fetchone()[0])
        assert marked == len(net.switches)
        time.sleep(2.0)
        second = asyncio.run(poller.run_cycle())
        assert not second.failed
    finally:
        poller.close()
    conn = connect(db, readonly=True)
    try:
        _check_store(conn, net)
    finally:
        conn.close()


def _check_store(conn: object, net: DemoNetwork) -> None:
    import sqlite3

    assert isinstance(conn, sqlite3.Connection)
    devices = {r["name"]: r for r in conn.execute("SELECT * FROM devices")}
    assert len(devices) == len(net.switches)
    for sw in net.switches:
        dev = devices[sw.name]
        assert (dev["vendor"], dev["detected_platform"]) == (sw.vendor, sw.platform)
        assert dev["snmp_port"] == net.port and dev["location"] == sw.location
        ports = list(conn.execute("SELECT * FROM ports WHERE device_id = ?", (dev["id"],)))
        assert len(ports) == len(sw.device.ports)
        up = [p for p in ports if p["oper_status"] == 1]
        assert up and all(p["in_bps"] is not None and p["out_bps"] is not None for p in up)
        for p in ports:
            for rate in (p["in_bps"], p["out_bps"]):
                assert rate is None or 0 <= rate <= p["speed_bps"], (sw.name, p["name"], rate)
        uplinks = [p for p in ports if p["is_uplink"]]
        assert len(uplinks) == 1
        if sw.name != CORE_NAME:
            edges = [p for p in up if not p["is_uplink"]]
            average = sum(p["in_bps"] + p["out_bps"] for p in edges) / len(edges)
            assert uplinks[0]["in_bps"] + uplinks[0]["out_bps"] > average
    busiest = conn.execute("SELECT alias FROM ports ORDER BY in_bps + out_bps DESC LIMIT 1").fetchone()
    assert busiest["alias"] == INTERNET_ALIAS


def test_run_demo_headless_polls_until_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from monitor.demo.runtime import run_demo_headless

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "demo.db"
    stop = threading.Event()
    cycles: list[int] = []

    def on_cycle(cycle: object) -> None:
        cycles.append(1)
        if len(cycles) >= 2:
            stop.set()

    worker = threading.Thread(
        target=run_demo_headless, args=(db, 60.0, 1.0, stop), kwargs={"start": WEDNESDAY_10H, "on_cycle": on_cycle}
    )
    worker.start()
    worker.join(timeout=60)
    stop.set()
    assert not worker.is_alive()
    conn = connect(db, readonly=True)
    try:
        assert conn.execute("SELECT count(*) FROM devices WHERE status = 'up'").fetchone()[0] == 8
        assert conn.execute("SELECT count(*) FROM ports WHERE is_uplink = 1").fetchone()[0] == 8
        assert conn.execute("SELECT count(*) FROM samples").fetchone()[0] > 100
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------- backfill

THURSDAY_0H = EPOCH_MONDAY + 3 * 86400  # so the last backfilled day is a whole Wednesday, Asia/Taipei
STEP = 300


def _taipei_hour(ts: int) -> float:
    return (ts + 8 * 3600) % 86400 / 3600


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def model_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo store with the school's devices and no poll yet (backfill makes the ports from the model)."""
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "demo.db"
    DemoNetwork().ensure_store(db, port=16100)  # never contacted: nothing polls this store
    return db


def test_backfill_writes_a_school_day_without_gaps(model_store: Path) -> None:
    rows = backfill(model_store, 1, step_s=STEP, now=THURSDAY_0H)
    conn = connect(model_store)
    try:
        ports = _count(conn, "ports")
        assert ports == sum(len(sw.device.ports) for sw in DemoNetwork().switches)
        assert rows == _count(conn, "samples") == ports * 86400 // STEP
        too_fast = conn.execute(
            "SELECT count(*) FROM samples s JOIN ports p ON p.id = s.port_id "
            "WHERE s.in_bps > p.speed_bps OR s.out_bps > p.speed_bps OR s.in_bps < 0 OR s.out_bps < 0"
        ).fetchone()[0]
        assert too_fast == 0
        assert conn.execute("SELECT max(ts) FROM samples").fetchone()[0] < THURSDAY_0H
        assert _count(conn, "rollup_30m") == ports * 48 and _count(conn, "rollup_2h") == ports * 12
        internet = conn.execute("SELECT id FROM ports WHERE alias = ?", (INTERNET_ALIAS,)).fetchone()["id"]
        day = history.traffic(conn, internet, THURSDAY_0H - 86400, THURSDAY_0H, now=THURSDAY_0H, step_s=STEP)
    finally:
        conn.close()
    assert day.tier == "raw" and len(day.ts) == 86400 // STEP
    assert None not in day.in_bps and None not in day.out_bps
    rates = list(zip(day.ts, day.in_bps, strict=True))
    daytime = [r for t, r in rates if 9 <= _taipei_hour(t) < 16 and r is not None]
    night = [r for t, r in rates if 0 <= _taipei_hour(t) < 5 and r is not None]
    assert sum(daytime) / len(daytime) > 3 * sum(night) / len(night)


def test_backfill_is_idempotent_and_extends_back(model_store: Path) -> None:
    first = backfill(model_store, 1, step_s=STEP, now=THURSDAY_0H)
    conn = connect(model_store)
    try:
        before = conn.execute("SELECT * FROM samples ORDER BY port_id, ts").fetchall()
        assert backfill(model_store, 1, step_s=STEP, now=THURSDAY_0H) == 0
        assert _count(conn, "samples") == first
        more = backfill(model_store, 2, step_s=STEP, now=THURSDAY_0H)
        assert more == first  # one more day, before the first
        after = conn.execute(
            "SELECT * FROM samples WHERE ts >= ? ORDER BY port_id, ts", (THURSDAY_0H - 86400,)
        ).fetchall()
        assert [tuple(r) for r in after] == [tuple(r) for r in before]
        assert conn.execute("SELECT min(ts) FROM samples").fetchone()[0] == THURSDAY_0H - 2 * 86400
    finally:
        conn.close()


def test_backfill_stops_between_batches_and_the_next_call_finishes(model_store: Path) -> None:
    stop = threading.Event()
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        stop.set()  # asked to stop as soon as the first batch is in

    partial = backfill(model_store, 1, step_s=STEP, now=THURSDAY_0H, on_progress=progress, stop=stop)
    assert len(calls) == 1 and calls[0][0] < calls[0][1]  # it did not go on to the end
    conn = connect(model_store)
    try:
        assert 0 < partial == _count(conn, "samples")
        ports = _count(conn, "ports")
        assert partial < ports * 86400 // STEP
        rest = backfill(model_store, 1, step_s=STEP, now=THURSDAY_0H)  # not marked done: the next start completes it
        assert partial + rest == _count(conn, "samples") == ports * 86400 // STEP
    finally:
        conn.close()


def test_backfill_keeps_real_samples(net: DemoNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "demo.db"
    net.ensure_store(db)
    poller = Poller(db, interval=5)
    try:
        for _ in range(2):
            assert not asyncio.run(poller.run_cycle()).failed
            time.sleep(1.1)
        conn = connect(db)
        try:
            real = [tuple(r) for r in conn.execute("SELECT * FROM samples ORDER BY port_id, ts")]
            ports = _count(conn, "ports")
            first_real = min(r[1] for r in real)
            written = backfill(db, 1, step_s=STEP, network=net)
            assert written == ports * 86400 // STEP and _count(conn, "ports") == ports
            kept = conn.execute("SELECT * FROM samples WHERE ts >= ? ORDER BY port_id, ts", (first_real,))
            assert [tuple(r) for r in kept] == real
            assert _count(conn, "samples") == len(real) + written
        finally:
            conn.close()
        assert not asyncio.run(poller.run_cycle()).failed  # polling goes on over the backfilled ports
    finally:
        poller.close()


# ---------------------------------------------------------------------------------------------------- 200 devices


def test_large_school_has_200_communities() -> None:
    big = build_large_school(200)
    assert len(big.switches) == 200
    assert len({sw.community for sw in big.switches}) == 200
    assert {len(sw.device.ports) for sw in big.switches} >= {26, 28, 50, 52}
    school = DemoNetwork()
    assert [sw.name for sw in big.switches[:8]] == [sw.name for sw in school.switches]


def test_serve_entry_point_serves_200_devices_until_sigterm(tmp_path: Path) -> None:
    get = require_tool("snmpget")
    db = tmp_path / "bench.db"
    proc, port = spawn_agent(200, db)
    try:
        for community, name in (("demo-bench-001", "Bench-SW-001"), ("demo-bench-192", "Bench-SW-192")):
            out = _run([get, "-v2c", "-c", community, "-Oqv", f"{HOST}:{port}", "1.3.6.1.2.1.1.5.0"])
            assert out.stdout.strip().strip('"') == name, out.stderr
            out = _run([get, "-v2c", "-c", community, "-Oqv", f"{HOST}:{port}", IF_NUMBER])
            assert int(out.stdout) in (26, 28, 50, 52)
        core = _run([get, "-v2c", "-c", "demo-core", "-Oqv", f"{HOST}:{port}", IF_NUMBER])
        assert core.stdout.strip() == "50"
        conn = connect(db, readonly=True)
        try:
            assert _count(conn, "devices") == 200
        finally:
            conn.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert _port_free(port)
