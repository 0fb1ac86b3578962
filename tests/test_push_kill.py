"""A ``config push`` process killed (SIGKILL) at each step, then run again; and one stopped with SIGTERM.

The IOS emulator (factory-like: no archive) kills the push process the moment it receives the line of the step.
The journal must show where the push stopped, ``config recover`` must say the state the switch is in, and the next
``config push`` must settle the interrupted push first (roll back a change cut short before confirm, save a
confirmed one) and end with the switch at the intended configuration, saved: never a half-applied configuration
taken as a backup, never a pending revert timer left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.config.drivers import driver_for
from devices.emulators import EmulatedDevice
from devices.push import configs_equal
from monitor.cli.main import main as cli
from monitor.configuration import journal
from monitor.storage.store import connect

pytestmark = pytest.mark.timeout(240)
REPO = Path(__file__).resolve().parent.parent
SSH_PASSWORD = "Ssh-Pa55word"
ENV = {"RAD": "Rad1us-S3cret", "SA": "snmp-auth-key1", "SP": "snmp-priv-key1", "SSHPW": SSH_PASSWORD, "COMM": "c"}
IOS = driver_for("cisco_ios")


@pytest.fixture
def switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[EmulatedDevice, Path]]:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    # Real time on the switch's revert timer (the command line sizes it in real minutes).
    with EmulatedDevice(
        "cisco_ios", password=SSH_PASSWORD, privileged=True, archive=False, revert_seconds_per_minute=60
    ) as dev:
        db = tmp_path / "inventory.db"
        add = ["--db", str(db), "device", "add", "sw1", "--host", "127.0.0.1", "--community-env", "COMM"]
        add += ["--platform", "cisco_ios", "--ssh-host", "127.0.0.1", "--ssh-port", str(dev.port)]
        add += ["--ssh-user", dev.username, "--ssh-password-env", "SSHPW"]
        assert cli(add) == 0
        for name, env in (("county-radius", "RAD"), ("snmpv3-auth", "SA"), ("snmpv3-priv", "SP")):
            assert cli(["--db", str(db), "secret", "set", name, "--value-env", env]) == 0
        yield dev, db


def _push_process(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "main.py", "--db", str(db), "config", "push", "baseline", "sw1", "--yes"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_on(dev: EmulatedDevice, pattern: str, proc: Callable[[], subprocess.Popen[str]], nth: int = 1) -> None:
    """SIGKILL the push process when the device has handled the ``nth`` line matching ``pattern``."""
    count = {"n": 0}

    def kill() -> None:
        count["n"] += 1
        if count["n"] == nth:
            os.kill(proc().pid, signal.SIGKILL)

    dev.on_line(pattern, kill, times=nth)


def _entry(db: Path) -> journal.JournalEntry:
    conn = connect(db)
    try:
        (entry,) = journal.open_entries(conn)
        return entry
    finally:
        conn.close()


def _intended_and_saved(dev: EmulatedDevice) -> bool:
    return (
        dev.has_line("ntp server 192.0.2.1")
        and dev.has_line("path flash:campusnet")
        and dev.platform.rollback_point is None  # type: ignore[attr-defined]
        and configs_equal(IOS, dev.running_config, dev.startup_config)
    )


CASES = [
    # (where it is killed, the line that kills it, its occurrence, the journal's step then, what recovery does)
    ("right after the timer is armed", r"^configure terminal revert timer \d+$", 1, "arm", "rolled back"),
    ("half-way through the lines", r"^logging buffered 64000$", 1, "send", "rolled back"),
    ("before confirm", r"^show archive config rollback timer$", 2, "verify", "rolled back"),
    ("right after confirm", r"^configure confirm$", 1, "confirm", "saving the confirmed change"),
    ("right after write memory", r"^write memory$", 1, "save", "in place and saved"),
]


@pytest.mark.parametrize(("where", "pattern", "nth", "step", "recovery"), CASES, ids=[c[0] for c in CASES])
def test_killed_push_is_found_and_settled_by_the_next_run(
    switch: tuple[EmulatedDevice, Path],
    capsys: pytest.CaptureFixture[str],
    where: str,
    pattern: str,
    nth: int,
    step: str,
    recovery: str,
) -> None:
    dev, db = switch
    holder: dict[str, Any] = {}
    _kill_on(dev, pattern, lambda: holder["proc"], nth)
    holder["proc"] = _push_process(db)
    output, _ = holder["proc"].communicate(timeout=120)
    assert holder["proc"].returncode == -signal.SIGKILL, output

    entry = _entry(db)
    assert entry.step == step, (where, entry.step)
    capsys.readouterr()
    settled_by_looking = recovery == "in place and saved"  # nothing to do: 'config recover' closes it
    assert cli(["--db", str(db), "config", "recover", "sw1"]) == (0 if settled_by_looking else 1)
    state = capsys.readouterr().out
    assert "last step: " + step in state and "state: " in state, state
    if settled_by_looking:
        assert recovery in state and "settled: nothing to do" in state

    code = cli(["--db", str(db), "config", "push", "baseline", "sw1", "--yes"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    if not settled_by_looking:
        assert "an earlier push did not finish" in err and recovery in err, err
    assert _intended_and_saved(dev), where
    conn = connect(db)
    try:
        assert journal.open_entries(conn) == []
        settled = conn.execute("SELECT outcome FROM push_journal WHERE id = ?", (entry.id,)).fetchone()["outcome"]
        assert settled == ("rolled-back" if recovery == "rolled back" else "applied")
        # The backup the new push took is never a half-applied configuration: it is the factory one or the
        # complete intended one.
        sources = [r["source"] for r in conn.execute("SELECT source FROM config_backups ORDER BY id")]
        assert sources[0] == "push-before"
    finally:
        conn.close()


def test_sigterm_rolls_back_what_was_sent_then_exits(switch: tuple[EmulatedDevice, Path]) -> None:
    dev, db = switch
    before = dev.running_config
    holder: dict[str, Any] = {}
    sent = threading.Event()

    def term() -> None:
        if not sent.is_set():
            sent.set()
            os.kill(holder["proc"].pid, signal.SIGTERM)

    dev.on_line(r"^logging buffered 64000$", term)
    holder["proc"] = _push_process(db)
    output, _ = holder["proc"].communicate(timeout=120)
    assert holder["proc"].returncode == 1, output
    assert "stopping: what was sent is being rolled back" in output
    assert "rolled back" in output and "stopped on request" in output
    assert configs_equal(IOS, dev.running_config, before)
    assert dev.platform.rollback_point is None  # type: ignore[attr-defined]
    conn = connect(db)
    try:
        assert journal.open_entries(conn) == []
    finally:
        conn.close()
