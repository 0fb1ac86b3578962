"""The polling service and the command line end to end: SNMPv3 against net-snmp, clean stop on SIGTERM, cycles that
never overlap."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.cli.main import main as cli
from monitor.polling.scheduler import CycleResult, Poller
from tests.conftest import REPO
from tests.helpers import add_device, rows, start_main
from tests.peers import V3_USERS, SnmpdLoopback, SnmpSim


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


@pytest.fixture(scope="module")
def snmpd(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    agent = SnmpdLoopback(tmp_path_factory.mktemp("snmpd")).start()
    yield agent
    agent.close()


@pytest.mark.parametrize("user_key", ["sha-aes", "sha256-aes256", "md5-des", "sha-nopriv"])
def test_snmpv3_device_added_and_polled_from_the_cli(
    snmpd: SnmpdLoopback, db: Path, user_key: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = V3_USERS[user_key]
    monkeypatch.setenv("AUTH", user.auth_key)
    argv = ["--db", str(db), "device", "add", "v3dev", "--host", "127.0.0.1", "--snmp-port", str(snmpd.port)]
    argv += ["--snmp-version", "3", "--v3-user", user.name, "--v3-auth", user.auth, "--v3-auth-key-env", "AUTH"]
    if user.priv:
        monkeypatch.setenv("PRIV", user.priv_key or "")
        argv += ["--v3-priv", user.priv, "--v3-priv-key-env", "PRIV"]
    assert cli(argv) == 0
    capsys.readouterr()
    assert cli(["--db", str(db), "poll", "--once", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["status"], r["error"]) for r in result] == [("v3dev", "up", None)]
    assert result[0]["ports"] >= 1  # at least lo
    assert cli(["--db", str(db), "ports", "v3dev", "--json"]) == 0
    names = [p["name"] for p in json.loads(capsys.readouterr().out)]
    assert "lo" in names
    for path in db.parent.glob("inventory.db*"):
        if not path.name.endswith(".secrets.json"):
            assert user.auth_key.encode() not in path.read_bytes()


def test_wrong_v3_key_is_reported_as_such(snmpd: SnmpdLoopback, db: Path) -> None:
    user = V3_USERS["sha-aes"]
    add_device(
        db,
        "badkey",
        snmpd.port,
        "unused",
        snmp_version="3",
        v3_user=user.name,
        v3_auth="sha",
        v3_priv="aes",
        timeout_s=1.0,
        secrets={"v3_auth_key": "not-the-right-key", "v3_priv_key": user.priv_key or ""},
    )
    poller = Poller(db)
    try:
        cycle = asyncio.run(poller.run_cycle())
    finally:
        poller.close()
    (result,) = cycle.devices
    assert result.status == "error"
    assert f"authentication failed for SNMPv3 user {user.name}" in (result.error or "")
    assert rows(db, "SELECT status FROM devices")[0]["status"] == "error"


def test_service_stops_cleanly_on_sigterm(tmp_path: Path, db: Path, snmprec_dir: Path) -> None:
    sim = SnmpSim(tmp_path, recordings={"sw": snmprec_dir / "procurve_2520.snmprec"}).start()
    try:
        add_device(db, "sw", sim.port, "sw")
        proc = start_main(db, "poll", "--interval", "5")
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not rows(db, "SELECT 1 FROM device_polls"):
                time.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
    finally:
        sim.close()
    assert proc.returncode == 0, err
    assert "stopped" in err
    assert rows(db, "SELECT status FROM devices")[0]["status"] == "up"
    conn_check = rows(db, "PRAGMA integrity_check")[0][0]
    assert conn_check == "ok"


def test_late_cycles_are_skipped_not_stacked(db: Path) -> None:
    # A device that never answers makes each cycle last ~0.8 s, longer than the 0.3 s interval.
    add_device(db, "dead", 9, "public", timeout_s=0.4, retries=1)
    cycles: list[CycleResult] = []
    poller = Poller(db, interval=0.3, on_cycle=cycles.append)

    async def run_for(seconds: float) -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(seconds, stop.set)
        await poller.run_forever(stop)

    try:
        asyncio.run(run_for(2.5))
    finally:
        poller.close()
    assert len(cycles) >= 2
    for earlier, later in itertools.pairwise(cycles):
        assert later.started >= earlier.finished  # never two cycles at once
    assert poller.skipped_cycles >= len(cycles) - 1
    assert all(c.devices[0].status == "unreachable" for c in cycles)


def test_demo_headless_polls_the_simulated_school_and_stops(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    proc = start_main(db, "demo", "--headless", "--interval", "2")
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if db.exists() and len(rows(db, "SELECT 1 FROM samples WHERE in_bps > 0 LIMIT 5")) == 5:
                break
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    devices = rows(db, "SELECT name, status FROM devices")
    assert len(devices) >= 7 and all(d["status"] == "up" for d in devices)
    assert len(rows(db, "SELECT 1 FROM samples WHERE in_bps > 0")) >= 5


def test_demo_rejects_bad_speed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli(["--db", str(tmp_path / "d.db"), "demo", "--headless", "--speed", "0"]) == 2
    assert "--speed: 0 is out of range (1-10000)" in capsys.readouterr().err
    assert not (tmp_path / "d.db").exists()


def test_main_py_demo_opens_the_window_through_the_hook_it_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # main.py (not the core) knows the desktop app: it hands the demo command a function that opens the window.
    import importlib.util

    import gui.app
    from monitor.cli import demo as cli_demo
    from monitor.cli import report as cli_report

    spec = importlib.util.spec_from_file_location("campusnet_entry", REPO / "main.py")
    assert spec is not None and spec.loader is not None
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    opened: list[tuple[Path, float, float]] = []
    monkeypatch.setattr(gui.app, "run_demo", lambda db, speed, interval: opened.append((db, speed, interval)) or 0)
    monkeypatch.setattr(cli_demo, "GUI_DEMO", None)  # main.py sets these two; put back after the test
    monkeypatch.setattr(cli_report, "PDF_WRITER", None)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    db = tmp_path / "demo.db"
    monkeypatch.setattr(sys, "argv", ["main.py", "--db", str(db), "demo", "--speed", "30", "--interval", "5"])
    assert entry.main() == 0
    assert opened == [(db, 30.0, 5.0)]
    assert not db.exists()  # the window's side opens the store, not the command line


def test_poller_follows_the_store_settings_unless_told_otherwise(db: Path) -> None:
    from monitor.storage.settings import PollSettings, save_settings
    from monitor.storage.store import connect

    conn = connect(db)
    save_settings(conn, PollSettings(poll_interval_s=120, concurrency=4))
    poller = Poller(db)
    fixed = Poller(db, interval=30)
    try:
        assert (poller.interval, poller.concurrency) == (120, 4)
        save_settings(conn, PollSettings(poll_interval_s=300, concurrency=8))  # changed by the GUI meanwhile
        asyncio.run(poller.run_cycle())
        asyncio.run(fixed.run_cycle())
        assert (poller.interval, poller.concurrency) == (300, 8)
        assert (fixed.interval, fixed.concurrency) == (30, 8)
    finally:
        poller.close()
        fixed.close()
        conn.close()


def test_without_a_display_the_window_commands_say_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    for args in ([], ["demo"]):
        out = subprocess.run(
            [sys.executable, str(REPO / "main.py"), "--db", str(tmp_path / "x.db"), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 1
        assert out.stderr.strip().startswith("error: no display to open the window on")
        assert len(out.stderr.strip().splitlines()) == 1
    helped = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "demo", "--help"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert helped.returncode == 0 and "--headless" in helped.stdout  # help needs no window
