"""The `config` and `secret` commands end to end against the Cisco IOS emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.emulators import EmulatedDevice
from monitor.cli.main import main as cli

SSH_PASSWORD = "Ssh-Pa55word"
RADIUS_SECRET = "Rad1us-S3cret"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    monkeypatch.setenv("COMM", "public")
    monkeypatch.setenv("SSHPW", SSH_PASSWORD)
    monkeypatch.setenv("RAD", RADIUS_SECRET)
    # The emulator's revert timer runs at real speed: a push must confirm well within it.
    with EmulatedDevice("cisco_ios", password=SSH_PASSWORD, privileged=True, revert_seconds_per_minute=60) as dev:
        # VTP transparent: the VLANs a push adds show in the running config (and in its diffs).
        dev.set_running_config(dev.running_config + "vtp mode transparent\n")
        db = str(tmp_path / "inventory.db")
        add = ["--db", db, "device", "add", "sw1", "--host", "127.0.0.1", "--community-env", "COMM"]
        add += ["--platform", "cisco_ios", "--ssh-host", "127.0.0.1", "--ssh-port", str(dev.port)]
        add += ["--ssh-user", dev.username, "--ssh-password-env", "SSHPW"]
        assert run(capsys, *add)[0] == 0
        assert run(capsys, "--db", db, "secret", "set", "county-radius", "--value-env", "RAD")[0] == 0
        yield dev, db, tmp_path


def test_render_dry_run_push_history_and_diff(switch: Any, capsys: pytest.CaptureFixture[str]) -> None:
    dev, db, tmp_path = switch
    code, out, _ = run(capsys, "--db", db, "config", "render", "roaming", "sw1")
    assert code == 0
    assert "vlan 200" in out.splitlines()  # the example profile's eduroam VLAN
    code, out, _ = run(capsys, "--db", db, "config", "push", "roaming", "sw1", "--dry-run")
    assert code == 0 and "== sw1: preview" in out and "vlan 200" in out
    assert not any(c.startswith("conf") for c in dev.commands)  # nothing sent in config mode
    assert not dev.has_line("vlan 200")
    code, out, _ = run(capsys, "--db", db, "config", "push", "roaming", "sw1", "--yes")
    assert code == 0, out
    assert "== sw1: applied" in out
    assert dev.has_line("vlan 200")
    assert dev.normalized(dev.startup_config) == dev.normalized(dev.running_config)  # saved
    code, out, _ = run(capsys, "--db", db, "config", "history", "sw1")
    assert code == 0 and "push-before" in out and "push-after" in out and "applied" in out
    code, out, _ = run(capsys, "--db", db, "config", "diff", "sw1")
    assert code == 0 and "+vlan 200" in out
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.name.endswith(".secrets.json"):
            data = path.read_bytes()
            assert SSH_PASSWORD.encode() not in data, path
            assert RADIUS_SECRET.encode() not in data, path


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("ssid=bad\nline", "control character"),
        ("ssid=" + "x" * 33, "32"),
        ("vlan=4095", "4094"),
        ("vlan=0", "4094"),
        ("banner=hi\x1b[2J", "control character"),
    ],
)
def test_injection_is_refused_before_anything_connects(
    switch: Any, capsys: pytest.CaptureFixture[str], override: str, message: str
) -> None:
    dev, db, _ = switch
    sessions = dev.sessions
    code, _, err = run(capsys, "--db", db, "config", "push", "roaming", "sw1", "--yes", "--set", override)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert dev.sessions == sessions  # never connected


def test_push_asks_unless_told(switch: Any, capsys: pytest.CaptureFixture[str]) -> None:
    dev, db, _ = switch
    code, _, err = run(capsys, "--db", db, "config", "push", "roaming", "sw1")  # stdin is not a terminal here
    assert code == 2 and "--yes" in err
    assert not dev.has_line("vlan 200")


def test_missing_named_secret_is_a_clear_error(switch: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _dev, db, _ = switch
    assert run(capsys, "--db", db, "secret", "remove", "county-radius")[0] == 0
    code, _, err = run(capsys, "--db", db, "config", "render", "roaming", "sw1")
    assert code == 2 and "secret set county-radius" in err


def test_the_whole_ios_baseline_is_applied_verified_and_saved(
    switch: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dev, db, _ = switch
    for name in ("snmpv3-auth", "snmpv3-priv"):
        monkeypatch.setenv("V3", f"{name}-Key-123")
        assert run(capsys, "--db", db, "secret", "set", name, "--value-env", "V3")[0] == 0
    code, out, _ = run(capsys, "--db", db, "config", "push", "baseline", "sw1", "--yes")
    assert code == 0, out
    assert "== sw1: applied" in out
    for line in ("ip ssh version 2", "no ip http server", "ntp server 192.0.2.1", "logging host 192.0.2.2"):
        assert dev.has_line(line), line
    # The banner typed with the delimiter ^ reads back as IOS shows it, text intact.
    assert "banner login ^C\nAuthorized access only.\n未經授權禁止存取。\n^C" in dev.running_config
    assert dev.normalized(dev.startup_config) == dev.normalized(dev.running_config)
