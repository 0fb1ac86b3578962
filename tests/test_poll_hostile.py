"""The poller against the malicious agent (tests/hostile_agent.py): every hostile mode ends as a one-line status of
that device within its deadline, the other devices keep their samples, and the service stops on SIGTERM whatever
the devices are doing."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from monitor.polling.scheduler import Poller
from monitor.storage.settings import PollSettings, save_settings
from monitor.storage.store import connect
from tests.helpers import add_device, rows, run_cycle, start_main
from tests.hostile_agent import HostileAgent


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


def set_deadline(db: Path, seconds: float) -> None:
    conn = connect(db)
    try:
        save_settings(conn, PollSettings(device_deadline_s=seconds))
    finally:
        conn.close()


@pytest.mark.parametrize("mode", ["null-forever", "growing-oids", "endless-rows", "huge-subid", "loop"])
def test_hostile_walks_fail_that_device_only(db: Path, mode: str) -> None:
    with HostileAgent(mode) as bad, HostileAgent("honest") as good:
        add_device(db, "bad", bad.port, "public")
        add_device(db, "good", good.port, "public")
        poller = Poller(db)
        try:
            cycle = run_cycle(poller)
        finally:
            poller.close()
    by_name = {d.name: d for d in cycle.devices}
    assert by_name["good"].status == "up" and by_name["good"].ports == 4
    assert by_name["bad"].status == "error"
    reason = by_name["bad"].error or ""
    assert reason and "\n" not in reason and "Traceback" not in reason
    assert "check address, community and ACL" not in reason  # it answered: not "unreachable"
    (dev,) = rows(db, "SELECT status, status_reason FROM devices WHERE name = 'bad'")
    assert (dev["status"], dev["status_reason"]) == ("error", reason)


@pytest.mark.parametrize("mode", ["counter64-everywhere", "overflow", "negative-counter", "stray-garbage"])
def test_odd_values_keep_the_device_up_and_sane(db: Path, mode: str) -> None:
    with HostileAgent(mode) as agent:
        add_device(db, "odd", agent.port, "public")
        poller = Poller(db)
        try:
            cycles = [run_cycle(poller)]
            time.sleep(1.1)  # samples are keyed by whole seconds
            cycles.append(run_cycle(poller))
        finally:
            poller.close()
    assert [c.devices[0].status for c in cycles] == ["up", "up"], cycles[-1].devices[0].error
    ports = rows(db, "SELECT * FROM ports")
    assert len(ports) == 4
    for port in ports:
        for column in ("in_bps", "out_bps", "errors_ps", "discards_ps"):
            assert port[column] is None or 0 <= port[column] < 1e12, (column, port[column])
        assert port["oper_status"] in (None, 1, 2, 3, 4, 5, 6, 7)


def test_a_device_past_its_deadline_is_error_with_the_reason(db: Path) -> None:
    set_deadline(db, 5)
    with HostileAgent("slow", delay=1.0) as slow, HostileAgent("honest") as good:
        add_device(db, "slow", slow.port, "public", timeout_s=3.0)
        add_device(db, "good", good.port, "public")
        poller = Poller(db)
        try:
            cycle = run_cycle(poller)
        finally:
            poller.close()
    by_name = {d.name: d for d in cycle.devices}
    assert by_name["good"].status == "up"
    assert by_name["slow"].status == "error"
    assert by_name["slow"].error == "no complete answer within the 5 s per-device deadline; stopped"


def test_sigterm_stops_the_service_in_the_middle_of_a_slow_cycle(db: Path, tmp_path: Path) -> None:
    set_deadline(db, 600)
    log = tmp_path / "poll.log"
    with HostileAgent("slow", delay=1.0) as slow:
        for n in range(6):  # one at a time, a dozen slow answers each: the cycle would take over a minute
            add_device(db, f"slow-{n}", slow.port, "public", timeout_s=3.0)
        proc = start_main(db, "poll", "--interval", "60", "--concurrency", "1", "--log-file", str(log))
        try:
            deadline = time.monotonic() + 60
            while slow.requests < 3:
                assert time.monotonic() < deadline and proc.poll() is None, "the service never started polling"
                time.sleep(0.1)
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)  # far less than the rest of the cycle
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0
    text = log.read_text()
    assert "Traceback" not in text and text.rstrip().endswith("stopped")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
