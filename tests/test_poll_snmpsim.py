"""Polling against snmpsim: every real recording, 32-bit wraps, renumbered ports, dead devices."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor.cli.main import main as cli
from monitor.polling.scheduler import Poller
from tests.helpers import add_device, recorded_interfaces, rows, run_cycle, snmprec
from tests.peers import SnmpSim
from tests.test_platforms import EXPECTED as EXPECTED_PLATFORM


@pytest.fixture(scope="module")
def all_recordings(snmprec_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    recordings = {p.stem: p for p in sorted(snmprec_dir.glob("*.snmprec"))}
    sim = SnmpSim(tmp_path_factory.mktemp("sim"), recordings=recordings).start()
    yield sim, recordings
    sim.close()


@pytest.fixture(scope="module")
def polled_recordings(all_recordings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    sim, recordings = all_recordings
    db = tmp_path_factory.mktemp("db") / "inventory.db"
    import os

    os.environ["CAMPUSNET_SECRETS"] = "file"
    for stem in recordings:
        add_device(db, stem, sim.port, stem, timeout_s=3.0)
    poller = Poller(db, concurrency=8)
    try:
        cycle = run_cycle(poller)
    finally:
        poller.close()
    return db, recordings, cycle


def test_every_recording_polls_up(polled_recordings) -> None:  # type: ignore[no-untyped-def]
    _db, recordings, cycle = polled_recordings
    assert sorted(d.name for d in cycle.devices) == sorted(recordings)
    failed = {d.name: d.error for d in cycle.devices if d.status != "up"}
    assert failed == {}


def test_ports_json_lists_exactly_the_recorded_interfaces(polled_recordings, capsys) -> None:  # type: ignore[no-untyped-def]
    db, recordings, _ = polled_recordings
    checked = 0
    for stem, path in recordings.items():
        expected = recorded_interfaces(path)
        assert cli(["--db", str(db), "ports", stem, "--json"]) == 0
        ports = json.loads(capsys.readouterr().out)
        got = {p["ifindex"]: p for p in ports}
        assert sorted(got) == sorted(expected), stem
        for index, exp in expected.items():
            p = got[index]
            assert (p["name"] or "") == exp["name"], (stem, index)
            assert (p["descr"] or "") == exp["descr"], (stem, index)
            assert p["type"] == exp["type"], (stem, index)
            assert p["speed_bps"] == exp["speed_bps"], (stem, index)
            assert p["in_bps"] is None  # one poll only: no rate yet
        checked += bool(expected)
    assert checked >= 20  # most recordings have IF-MIB rows


def test_recordings_without_if_mib_are_up_with_no_ports(polled_recordings) -> None:  # type: ignore[no-untyped-def]
    _db, recordings, cycle = polled_recordings
    empty = [stem for stem, path in recordings.items() if not recorded_interfaces(path)]
    assert "junos_ex" in empty
    by_name = {d.name: d for d in cycle.devices}
    for stem in empty:
        assert by_name[stem].status == "up" and by_name[stem].ports == 0


def test_vendor_and_platform_detected_per_recording(polled_recordings) -> None:  # type: ignore[no-untyped-def]
    db, recordings, _ = polled_recordings
    got = {r["name"]: (r["vendor"], r["detected_platform"]) for r in rows(db, "SELECT * FROM devices")}
    for stem in recordings:
        assert got[stem] == EXPECTED_PLATFORM[stem], stem


# ------------------------------------------------------------------------------------------------ synthetic agents

SYSTEM = {
    "1.3.6.1.2.1.1.1.0": "4|CampusNet test agent",
    "1.3.6.1.2.1.1.2.0": "6|1.3.6.1.4.1.8072.3.2.10",
    "1.3.6.1.2.1.1.3.0": "67:numeric|rate=100,initial=1000",
    "1.3.6.1.2.1.1.5.0": "4|test-agent",
}


def one_port_agent(in_counter: str, *, speed: int, high_speed: int | None = None, hc: bool = False) -> str:
    recs = dict(SYSTEM)
    recs.update(
        {
            "1.3.6.1.2.1.2.2.1.1.1": "2|1",
            "1.3.6.1.2.1.2.2.1.2.1": "4|eth0",
            "1.3.6.1.2.1.2.2.1.3.1": "2|6",
            "1.3.6.1.2.1.2.2.1.5.1": f"66|{speed}",
            "1.3.6.1.2.1.2.2.1.7.1": "2|1",
            "1.3.6.1.2.1.2.2.1.8.1": "2|1",
            "1.3.6.1.2.1.2.2.1.16.1": "65|0",
        }
    )
    recs["1.3.6.1.2.1.31.1.1.1.6.1" if hc else "1.3.6.1.2.1.2.2.1.10.1"] = in_counter
    if high_speed is not None:
        recs["1.3.6.1.2.1.31.1.1.1.1.1"] = "4|eth0"
        recs["1.3.6.1.2.1.31.1.1.1.15.1"] = f"66|{high_speed}"
    return snmprec(recs)


@dataclass(frozen=True)
class Reading:
    """What the store holds after one poll of a one-port agent: the counter, when it was read, the rate shown."""

    ts: float
    counter: int
    in_bps: float | None


def poll_series(db: Path, n: int, gap_s: float) -> list[Reading]:
    """Poll n times about gap_s apart; return the store's reading after each poll (the first has no rate)."""
    poller = Poller(db)
    out: list[Reading] = []
    try:
        for i in range(n):
            run_cycle(poller)
            state = rows(db, "SELECT ts, in_octets FROM port_state")[0]
            port = rows(db, "SELECT in_bps FROM ports")[0]
            out.append(Reading(state["ts"], state["in_octets"], port["in_bps"]))
            if i < n - 1:
                time.sleep(gap_s)
    finally:
        poller.close()
    return out


def stamped_bps(prev: Reading, cur: Reading, bits: int = 64) -> float:
    """The rate the two stored readings imply (one wrap corrected for 32-bit counters), from the stored stamps.

    The agent's counter runs on its own clock; on a busy machine the time between its answer and our stamp varies,
    so a rate is checked exactly against the stamps the store recorded, and only loosely against the agent's rate.
    """
    delta = (cur.counter - prev.counter) % (1 << bits)
    return delta * 8 / (cur.ts - prev.ts)


# How far a measured rate may stray from the agent's nominal rate on a loaded machine (the exact check is
# stamped_bps); far tighter than any counter mistake (a missed 32-bit wrap is off by gigabits).
LOOSE = 0.35


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


def poll_until_wrapped(db: Path, gap_s: float, most: int) -> list[Reading]:
    """Poll until the stored 32-bit counter has gone down once, then once more (at most ``most`` polls)."""
    poller = Poller(db)
    out: list[Reading] = []
    try:
        while len(out) < most:
            run_cycle(poller)
            state = rows(db, "SELECT ts, in_octets FROM port_state")[0]
            out.append(Reading(state["ts"], state["in_octets"], rows(db, "SELECT in_bps FROM ports")[0]["in_bps"]))
            wrapped = [i for i, (a, b) in enumerate(itertools.pairwise(out)) if b.counter < a.counter]
            if wrapped and len(out) >= wrapped[0] + 3:
                break
            time.sleep(gap_s)
    finally:
        poller.close()
    return out


def test_32bit_wrap_corrected(tmp_path: Path, db: Path) -> None:
    # 200 MB/s (1.6 Gbit/s) on a 2.5 Gbit/s port, no HC counters: the counter wraps about 4 s after the agent starts
    # and every 21.5 s after that, and a wrap stays unambiguous for intervals up to 13 s. Poll until one is seen.
    rate = 200_000_000
    initial = 2**32 - 1 - 4 * rate
    sim = SnmpSim(
        tmp_path,
        recordings={"wrap": one_port_agent(f"65:numeric|rate={rate},initial={initial},wrap=1", speed=2_500_000_000)},
    ).start()
    try:
        add_device(db, "wrap", sim.port, "wrap")
        series = poll_until_wrapped(db, 1.0, most=40)
    finally:
        sim.close()
    assert any(b.counter < a.counter for a, b in itertools.pairwise(series)), "the counter never wrapped"
    for prev, cur in itertools.pairwise(series):
        assert cur.in_bps is not None
        assert cur.in_bps == pytest.approx(stamped_bps(prev, cur, bits=32), rel=1e-9)
        assert cur.in_bps == pytest.approx(rate * 8, rel=LOOSE)
    samples = rows(db, "SELECT in_bps FROM samples")
    assert len(samples) == len(series) - 1 and all(s["in_bps"] is not None for s in samples)


def test_32bit_double_wrap_is_discarded_not_wrong(tmp_path: Path, db: Path) -> None:
    # 100 Gbit/s port (ifHighSpeed) with only 32-bit counters, traffic of 3.2 GB/s: each 1.5 s interval holds more
    # than one wrap, so no 32-bit delta can be trusted. Every sample must be a gap.
    rate = 3_200_000_000
    sim = SnmpSim(
        tmp_path,
        recordings={"fast": one_port_agent(f"65:numeric|rate={rate},wrap=1", speed=4294967295, high_speed=100_000)},
    ).start()
    try:
        add_device(db, "fast", sim.port, "fast")
        series = poll_series(db, 4, 1.5)
    finally:
        sim.close()
    assert [r.in_bps for r in series[1:]] == [None, None, None]
    samples = rows(db, "SELECT in_bps FROM samples")
    assert len(samples) == 3 and all(s["in_bps"] is None for s in samples)


def renumbered_agent(first_index: int) -> str:
    recs = dict(SYSTEM)
    for n, name in enumerate(("Gi0/1", "Gi0/2", "Gi0/3")):
        i = first_index + n
        recs.update(
            {
                f"1.3.6.1.2.1.2.2.1.1.{i}": f"2|{i}",
                f"1.3.6.1.2.1.2.2.1.2.{i}": f"4|GigabitEthernet0/{n + 1}",
                f"1.3.6.1.2.1.2.2.1.3.{i}": "2|6",
                f"1.3.6.1.2.1.2.2.1.5.{i}": "66|1000000000",
                f"1.3.6.1.2.1.2.2.1.8.{i}": "2|1",
                f"1.3.6.1.2.1.31.1.1.1.1.{i}": f"4|{name}",
                f"1.3.6.1.2.1.31.1.1.1.6.{i}": f"70:numeric|rate={(n + 1) * 1_000_000}",
                f"1.3.6.1.2.1.31.1.1.1.10.{i}": "70|0",
                f"1.3.6.1.2.1.31.1.1.1.15.{i}": "66|1000",
            }
        )
    return snmprec(recs)


def test_renumbered_ports_keep_their_history(tmp_path: Path, db: Path) -> None:
    sim = SnmpSim(tmp_path, recordings={"renum": renumbered_agent(1)}).start()
    poller = Poller(db)
    try:
        add_device(db, "renum", sim.port, "renum")
        for _ in range(2):
            run_cycle(poller)
            time.sleep(1.0)
        before = {r["key"]: (r["id"], r["ifindex"]) for r in rows(db, "SELECT * FROM ports")}
        # The device reboots and comes back with its ports renumbered.
        (sim.data_dir / "renum.snmprec").write_text(renumbered_agent(101), encoding="latin-1")
        sim.restart()
        for _ in range(3):
            run_cycle(poller)
            time.sleep(1.0)
    finally:
        poller.close()
        sim.close()
    after = {r["key"]: (r["id"], r["ifindex"]) for r in rows(db, "SELECT * FROM ports")}
    assert sorted(before) == sorted(after) == ["Gi0/1", "Gi0/2", "Gi0/3"]
    for key, (port_id, index) in after.items():
        assert port_id == before[key][0]
        assert index == before[key][1] + 100
    # Each port has one history: rates before and after the renumbering, the right one for each port.
    for n, key in enumerate(("Gi0/1", "Gi0/2", "Gi0/3")):
        values = [
            r["in_bps"] for r in rows(db, "SELECT in_bps FROM samples WHERE port_id=? ORDER BY ts", after[key][0])
        ]
        assert len(values) == 4
        real = [v for v in values if v is not None]
        assert len(real) >= 2  # one before, at least one after (the restart itself may be a gap)
        for v in real:
            assert v == pytest.approx((n + 1) * 8_000_000, rel=LOOSE)
        assert all(v is None or v >= 0 for v in values)
    # The ports' counters come in one answer and share their stamps: in every sample Gi0/2 carries twice and Gi0/3
    # three times what Gi0/1 carries, so no port took another's history across the renumbering.
    by_ts: dict[int, dict[str, float]] = {}
    for key, (port_id, _) in after.items():
        for r in rows(db, "SELECT ts, in_bps FROM samples WHERE port_id=? AND in_bps IS NOT NULL", port_id):
            by_ts.setdefault(r["ts"], {})[key] = r["in_bps"]
    complete = [v for v in by_ts.values() if len(v) == 3]
    assert len(complete) >= 2
    for v in complete:
        assert v["Gi0/2"] / v["Gi0/1"] == pytest.approx(2.0, rel=0.02)
        assert v["Gi0/3"] / v["Gi0/1"] == pytest.approx(3.0, rel=0.02)


def test_dead_devices_cost_their_timeout_not_the_cycle(tmp_path: Path, db: Path) -> None:
    sim = SnmpSim(tmp_path, recordings={"alive": renumbered_agent(1)}).start()
    try:
        add_device(db, "alive", sim.port, "alive")
        add_device(db, "wrong-community", sim.port, "not-the-community", timeout_s=0.5, retries=1)
        add_device(db, "closed-port", 9, "public", timeout_s=0.5, retries=1)  # nothing listens on 127.0.0.1:9
        poller = Poller(db)
        started = time.monotonic()
        try:
            cycle = run_cycle(poller)
        finally:
            poller.close()
        elapsed = time.monotonic() - started
    finally:
        sim.close()
    by_name = {d.name: d for d in cycle.devices}
    assert by_name["alive"].status == "up"
    for name in ("wrong-community", "closed-port"):
        assert by_name[name].status == "unreachable"
        assert "no answer from 127.0.0.1" in (by_name[name].error or "")
        assert "within 0.5 s x 2 tries" in (by_name[name].error or "")
    assert elapsed < 4.0  # both dead devices time out in parallel: about one timeout x tries, not their sum
    dev = {r["name"]: r for r in rows(db, "SELECT * FROM devices")}
    assert dev["wrong-community"]["status"] == "unreachable"
    assert "check address, community and ACL" in dev["wrong-community"]["status_reason"]


def test_speed_override_lets_real_rates_through(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The agent claims 10 Mbit/s but carries 80 Mbit/s (like net-snmp's fixed speed for lo): rejected as above
    # 1.05 x speed, until the user overrides the port's speed.
    rate = 10_000_000
    agent = one_port_agent(f"70:numeric|rate={rate}", speed=10_000_000, high_speed=10, hc=True)
    sim = SnmpSim(tmp_path, recordings={"slow": agent}).start()
    try:
        add_device(db, "slow", sim.port, "slow")
        before = poll_series(db, 2, 1.1)
        assert cli(["--db", str(db), "ports", "slow", "--set-speed", "eth0", "1G"]) == 0
        after = poll_series(db, 2, 1.1)
    finally:
        sim.close()
    assert [r.in_bps for r in before[1:]] == [None]
    assert after[1].in_bps == pytest.approx(stamped_bps(after[0], after[1]), rel=1e-9)
    assert after[1].in_bps == pytest.approx(rate * 8, rel=LOOSE)
    assert cli(["--db", str(db), "ports", "slow", "--json"]) == 0
    (port,) = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert port["speed_bps"] == 1_000_000_000


def test_error_and_discard_rates_reach_the_ports_table(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recs = dict(SYSTEM)
    recs.update(
        {
            "1.3.6.1.2.1.2.2.1.1.1": "2|1",
            "1.3.6.1.2.1.2.2.1.2.1": "4|eth0",
            "1.3.6.1.2.1.2.2.1.5.1": "66|1000000000",
            "1.3.6.1.2.1.2.2.1.8.1": "2|1",
            "1.3.6.1.2.1.2.2.1.13.1": "65:numeric|rate=300",  # ifInDiscards
            "1.3.6.1.2.1.2.2.1.14.1": "65:numeric|rate=200",  # ifInErrors
            "1.3.6.1.2.1.2.2.1.20.1": "65:numeric|rate=100",  # ifOutErrors
            "1.3.6.1.2.1.31.1.1.1.6.1": "70:numeric|rate=1000",
            "1.3.6.1.2.1.31.1.1.1.10.1": "70|0",
        }
    )
    sim = SnmpSim(tmp_path, recordings={"errs": snmprec(recs)}).start()
    try:
        add_device(db, "errs", sim.port, "errs")
        poll_series(db, 2, 2.0)
    finally:
        sim.close()
    assert cli(["--db", str(db), "ports", "errs", "--json"]) == 0
    (port,) = json.loads(capsys.readouterr().out)
    assert port["errors_ps"] == pytest.approx(300.0, rel=LOOSE)  # 200 in + 100 out per second
    assert port["discards_ps"] == pytest.approx(300.0, rel=LOOSE)
    # Read in the same answer, over the same stamps: 300 discards per second against 200 + 100 errors.
    assert port["errors_ps"] == pytest.approx(port["discards_ps"], rel=0.02)


BIG = str(2**64 - 1)


def test_values_outside_their_type_are_unknown_and_cost_no_other_device(tmp_path: Path, db: Path) -> None:
    # A hostile or broken agent: Counter64 values where IF-MIB has 32-bit types (ifType, ifSpeed, ifOperStatus,
    # ifHighSpeed, ifCounterDiscontinuityTime, sysUpTime), a value above 2^63, and a negative error counter.
    recs = dict(SYSTEM)
    recs.update(
        {
            "1.3.6.1.2.1.1.3.0": f"70|{BIG}",  # sysUpTime
            "1.3.6.1.2.1.2.2.1.1.1": "2|1",
            "1.3.6.1.2.1.2.2.1.2.1": "4|eth0",
            "1.3.6.1.2.1.2.2.1.3.1": f"70|{BIG}",  # ifType
            "1.3.6.1.2.1.2.2.1.5.1": f"70|{BIG}",  # ifSpeed
            "1.3.6.1.2.1.2.2.1.7.1": "2|1",
            "1.3.6.1.2.1.2.2.1.8.1": f"70|{BIG}",  # ifOperStatus
            "1.3.6.1.2.1.2.2.1.14.1": "2|-5",  # ifInErrors, a Counter32, negative
            "1.3.6.1.2.1.2.2.1.20.1": "2|-3000000000000000000",  # ifOutErrors
            "1.3.6.1.2.1.31.1.1.1.1.1": "4|eth0",
            "1.3.6.1.2.1.31.1.1.1.6.1": "70:numeric|rate=1000",  # ifHCInOctets: fine
            "1.3.6.1.2.1.31.1.1.1.10.1": f"70|{BIG}",  # ifHCOutOctets: 2^64-1 is a valid Counter64
            "1.3.6.1.2.1.31.1.1.1.15.1": f"70|{BIG}",  # ifHighSpeed
            "1.3.6.1.2.1.31.1.1.1.19.1": f"70|{BIG}",  # ifCounterDiscontinuityTime
        }
    )
    sim = SnmpSim(tmp_path, recordings={"hostile": snmprec(recs), "healthy": renumbered_agent(1)}).start()
    poller = Poller(db)
    try:
        add_device(db, "hostile", sim.port, "hostile")
        add_device(db, "healthy", sim.port, "healthy")
        cycles = [run_cycle(poller)]
        time.sleep(1.0)
        cycles.append(run_cycle(poller))
    finally:
        poller.close()
        sim.close()
    for cycle in cycles:
        assert {d.name: d.status for d in cycle.devices} == {"hostile": "up", "healthy": "up"}
    (dev,) = rows(db, "SELECT * FROM devices WHERE name = 'hostile'")
    assert dev["sys_uptime"] is None
    (port,) = rows(db, "SELECT * FROM ports WHERE device_id = ?", dev["id"])
    assert (port["type"], port["speed_bps"], port["oper_status"], port["admin_status"]) == (None, None, None, 1)
    assert port["errors_ps"] is None  # never a negative or astronomic error rate
    (state,) = rows(db, "SELECT * FROM port_state WHERE port_id = ?", port["id"])
    assert state["disc_time"] is None and state["in_errors"] is None
    (sample,) = rows(db, "SELECT * FROM samples WHERE port_id = ?", port["id"])
    assert sample["in_bps"] is not None and sample["in_bps"] > 0 and sample["in_err"] is None
    healthy = rows(
        db,
        "SELECT s.in_bps FROM samples s JOIN ports p ON p.id = s.port_id JOIN devices d "
        "ON d.id = p.device_id WHERE d.name = 'healthy'",
    )
    assert len(healthy) == 3 and all(r["in_bps"] for r in healthy)
