"""Configuration backups, by hand (``config backup``) and on the poller's schedule, against the IOS SSH emulator."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.emulators.server import EmulatedDevice
from monitor.cli.main import main as cli
from monitor.configuration import backups, configs
from monitor.polling.scheduler import CoreLoop, Poller
from monitor.storage.inventory import DeviceSpec, add_device
from monitor.storage.secrets import SecretStore
from monitor.storage.settings import PollSettings, save_settings

PASSWORD = "Sw1tch-Pass"
Store = tuple[sqlite3.Connection, SecretStore, Path]
HOUR = 3600.0


@pytest.fixture
def ios() -> Iterator[EmulatedDevice]:
    with EmulatedDevice("cisco_ios", password=PASSWORD, privileged=True) as dev:
        yield dev


def _add(store: Store, name: str, dev: EmulatedDevice, password: str = PASSWORD, ssh: bool = True) -> int:
    conn, secrets, _ = store
    spec = DeviceSpec(
        name=name,
        host="127.0.0.1",
        platform="cisco_ios",
        ssh_host="127.0.0.1" if ssh else None,
        ssh_port=dev.port if ssh else None,
        ssh_user=dev.username if ssh else None,
        secrets={"community": "public", **({"ssh_password": password} if ssh else {})},
    )
    return add_device(conn, secrets, spec)


def _row(conn: sqlite3.Connection, device_id: int) -> sqlite3.Row:
    return conn.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()


def _events(conn: sqlite3.Connection, kind: str) -> list[sqlite3.Row]:
    return list(conn.execute("SELECT * FROM events WHERE kind = ? ORDER BY id", (kind,)))


def _run_backups(db: Path, now: float) -> list[backups.BackupOutcome]:
    core = CoreLoop()
    poller = Poller(db)
    try:
        return core.submit(poller.run_backups(now)).result(timeout=60)
    finally:
        poller.close()
        core.stop()


def test_config_backup_command_stores_the_running_config(
    store: Store, ios: EmulatedDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    conn, secrets, db = store
    device_id = _add(store, "sw1", ios)
    assert cli(["--db", str(db), "config", "backup", "sw1"]) == 0
    out = capsys.readouterr().out
    assert "sw1: backup 1 (" in out
    (ref,) = configs.history(conn, device_id)
    assert ref.source == "manual"
    assert configs.load_backup(conn, secrets, ref.id).strip() == ios.running_config.strip()
    assert _row(conn, device_id)["backup_checked"] is not None and _row(conn, device_id)["backup_error"] is None


def test_config_backup_command_reports_a_wrong_password_and_stores_nothing(
    store: Store, ios: EmulatedDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    conn, _, db = store
    device_id = _add(store, "sw1", ios, password="not-the-password")
    assert cli(["--db", str(db), "config", "backup"]) == 1
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if line.startswith("sw1: failed: ")]
    assert failed and "not-the-password" not in out
    assert configs.history(conn, device_id) == []
    assert _row(conn, device_id)["backup_error"]
    assert len(_events(conn, "config_backup_failed")) == 1


def test_config_backup_of_an_unknown_device_changes_nothing(
    store: Store, ios: EmulatedDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    conn, _, db = store
    _add(store, "sw1", ios)
    assert cli(["--db", str(db), "config", "backup", "sw1", "nosuch"]) != 0
    assert "nosuch" in capsys.readouterr().err
    assert ios.sessions == 0
    assert conn.execute("SELECT COUNT(*) FROM config_backups").fetchone()[0] == 0


def test_schedule_backs_up_when_due_and_only_then(store: Store, ios: EmulatedDevice) -> None:
    conn, secrets, db = store
    device_id = _add(store, "sw1", ios)
    no_ssh = EmulatedDevice("cisco_ios")  # never started: a device without SSH settings is never tried
    _add(store, "snmp-only", no_ssh, ssh=False)
    t0 = time.time()

    (first,) = _run_backups(db, t0)
    assert first.ok and first.name == "sw1" and ios.sessions == 1
    (ref,) = configs.history(conn, device_id)
    assert ref.source == "schedule" and configs.load_backup(conn, secrets, ref.id).strip() == ios.running_config.strip()

    assert _run_backups(db, t0 + 23 * HOUR) == []  # the default interval is 24 h
    assert ios.sessions == 1

    ios.set_running_config(ios.running_config.replace("hostname", "hostname", 1) + "banner motd ^new^\n")
    changed = ios.running_config
    (second,) = _run_backups(db, time.time() + 25 * HOUR)
    assert second.ok and ios.sessions == 2
    newest = configs.history(conn, device_id)[0]
    assert newest.id != ref.id and configs.load_backup(conn, secrets, newest.id).strip() == changed.strip()

    (third,) = _run_backups(db, time.time() + 50 * HOUR)  # unchanged: read, but no new backup
    assert third.ok and ios.sessions == 3 and len(configs.history(conn, device_id)) == 2


def test_schedule_off_and_interval_from_settings(store: Store, ios: EmulatedDevice) -> None:
    conn, _, db = store
    _add(store, "sw1", ios)
    save_settings(conn, PollSettings(config_backup_hours=0))
    assert _run_backups(db, time.time()) == [] and ios.sessions == 0
    save_settings(conn, PollSettings(config_backup_hours=2))
    assert len(_run_backups(db, time.time())) == 1
    assert _run_backups(db, time.time() + 1 * HOUR) == []
    assert len(_run_backups(db, time.time() + 2 * HOUR + 60)) == 1
    assert ios.sessions == 2


def test_failing_backup_retried_hourly_and_recovery_is_an_event(store: Store, ios: EmulatedDevice) -> None:
    conn, secrets, db = store
    device_id = _add(store, "sw1", ios, password="wrong")
    t0 = time.time()
    (failed,) = _run_backups(db, t0)
    assert not failed.ok and "wrong" not in (failed.error or "")
    assert _run_backups(db, t0 + 0.5 * HOUR) == []  # not hammered at every check
    (again,) = _run_backups(db, t0 + 1.5 * HOUR)
    assert not again.ok
    assert len(_events(conn, "config_backup_failed")) == 1  # one event while it keeps failing

    secrets.set("sw1", "ssh_password", PASSWORD)
    (ok,) = _run_backups(db, t0 + 3 * HOUR)
    assert ok.ok and len(configs.history(conn, device_id)) == 1
    assert len(_events(conn, "config_backup_ok")) == 1
    assert _row(conn, device_id)["backup_error"] is None


def test_the_running_poller_backs_up_beside_its_cycles(store: Store, ios: EmulatedDevice) -> None:
    conn, _, db = store
    device_id = _add(store, "sw1", ios)
    core = CoreLoop()
    poller = Poller(db, interval=3600)
    poller.backup_first_check_s = 0.1
    stop = asyncio.Event()
    run: Any = core.submit(poller.run_forever(stop))
    try:
        deadline = time.monotonic() + 30
        while not configs.history(conn, device_id) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(configs.history(conn, device_id)) == 1
    finally:
        core.loop.call_soon_threadsafe(stop.set)
        run.result(timeout=30)
        poller.close()
        core.stop()
