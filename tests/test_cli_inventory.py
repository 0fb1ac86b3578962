"""Inventory through the command line: add, list, remove; bad input exits 2 and changes nothing; secrets stay out
of the store."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest

from monitor.cli.main import main

COMMUNITY = "s3cret-Community!"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    monkeypatch.setenv("COMM", COMMUNITY)
    return tmp_path / "inventory.db"


def snapshot(db: Path) -> list[Any]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute("SELECT name, host, snmp_port FROM devices ORDER BY name"))
    finally:
        conn.close()


def test_add_list_remove_roundtrip(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        str(db),
        "device",
        "add",
        "core-sw",
        "--host",
        "127.0.0.1",
        "--snmp-port",
        "16100",
        "--community-env",
        "COMM",
        "--role",
        "switch",
        "--location",
        "行政大樓",
    )
    assert code == 0, out
    code, out, _ = run(capsys, "--db", str(db), "device", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["name"], r["host"], r["role"], r["status"]) for r in rows] == [
        ("core-sw", "127.0.0.1", "switch", "unknown")
    ]
    code, out, _ = run(capsys, "--db", str(db), "device", "list")
    assert "core-sw" in out and "127.0.0.1" in out
    code, _, _ = run(capsys, "--db", str(db), "device", "remove", "core-sw")
    assert code == 0
    assert snapshot(db) == []


def test_secrets_never_in_store_file_is_owner_only(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "--db", str(db), "device", "add", "sw1", "--host", "127.0.0.1", "--community-env", "COMM")
    assert code == 0
    for path in db.parent.glob("inventory.db*"):
        if not path.name.endswith(".secrets.json"):
            assert COMMUNITY.encode() not in path.read_bytes(), path
    secrets = db.with_name("inventory.db.secrets.json")
    assert COMMUNITY in secrets.read_text()
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    run(capsys, "--db", str(db), "device", "remove", "sw1")
    assert COMMUNITY not in secrets.read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["device", "add", "x", "--host", "300.1.2.3", "--community-env", "COMM"], "not an IP address"),
        (["device", "add", "x", "--host", "bad host!", "--community-env", "COMM"], "not an IP address"),
        (
            ["device", "add", "x", "--host", "10.0.0.1", "--snmp-port", "70000", "--community-env", "COMM"],
            "out of range",
        ),
        (
            ["device", "add", "x", "--host", "10.0.0.1", "--community-env", "NOPE_NOT_SET"],
            "NOPE_NOT_SET is not set",
        ),
        (["device", "add", "x", "--host", "10.0.0.1"], "needs a community"),
        (
            [
                "device",
                "add",
                "x",
                "--host",
                "10.0.0.1",
                "--snmp-version",
                "3",
                "--v3-user",
                "u",
                "--v3-priv",
                "aes",
                "--v3-priv-key-env",
                "COMM",
            ],
            "unsupported security level",
        ),
        (
            [
                "device",
                "add",
                "x",
                "--host",
                "10.0.0.1",
                "--community-env",
                "COMM",
                "--platform",
                "cisco_iosx",
            ],
            "cisco_ios",
        ),
        (["device", "add", "dup", "--host", "10.0.0.9", "--community-env", "COMM"], "already exists"),
        (["device", "add", "__store__", "--host", "10.0.0.1", "--community-env", "COMM"], "reserved"),
        (["device", "remove", "ghost"], "no device named 'ghost'"),
        (["ports", "ghost"], "no device named 'ghost'"),
        (["traffic", "dup", "Gi1/0/1"], "has no port"),
        (["traffic", "dup", "99999999999999999999999"], "has no port '99999999999999999999999'"),
        (["traffic", "dup", "²"], "has no port"),
        (["alerts", "ack", "99999999999999999999"], "99999999999999999999 is out of range"),
        (["alerts", "ack", "0"], "out of range"),
        (["config", "diff", "dup", "1", "99999999999999999999"], "out of range"),
        (["config", "restore", "dup", "9223372036854775808"], "out of range"),
        (["device", "add", "v6", "--host", "[::1", "--community-env", "COMM"], "'[::1' is not an IP address"),
        (["device", "add", "v6", "--host", "::1]", "--community-env", "COMM"], "is not an IP address"),
        (["device", "add", "v6", "--host", "[10.0.0.1]", "--community-env", "COMM"], "is not an IP address"),
        (["device", "add", "a\u2028b", "--host", "10.0.0.1", "--community-env", "COMM"], "control character"),
        (["device", "add", "x", "--host", "10.0.0.1", "--location", "a\u2029b", "--community-env", "COMM"], "control"),
        (["device", "frobnicate"], "invalid choice"),
        (["poll", "--once", "--interval", "1"], "out of range (5-86400 s)"),
        (["poll", "--interval", "nan"], "out of range (5-86400 s)"),
        (["poll", "--interval", "inf"], "out of range (5-86400 s)"),
        (["poll", "--interval=-inf"], "out of range (5-86400 s)"),
        (["poll", "--once", "--concurrency", "0"], "out of range (1-1024)"),
        (["poll", "--once", "--concurrency", "1e3"], "not a whole number"),
        (["demo", "--headless", "--interval", "nan"], "out of range (2-3600 s)"),
        (["demo", "--headless", "--speed", "inf"], "out of range (1-10000)"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert run(capsys, "--db", str(db), "device", "add", "dup", "--host", "10.0.0.8", "--community-env", "COMM")[0] == 0
    before = snapshot(db)
    secrets_before = db.with_name("inventory.db.secrets.json").read_text()
    code, _, err = run(capsys, "--db", str(db), *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert snapshot(db) == before
    assert db.with_name("inventory.db.secrets.json").read_text() == secrets_before


def test_bad_input_on_a_fresh_path_creates_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "fresh.db"
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    code, _, _ = run(capsys, "--db", str(db), "device", "add", "x", "--host", "999.1.1.1", "--community-env", "COMM")
    assert code == 2
    assert not db.exists()


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend in memory: the OS keyring is not available on a headless test machine."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_keyring_used_when_available(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAMPUSNET_SECRETS", raising=False)
    monkeypatch.setenv("COMM", COMMUNITY)
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        db = tmp_path / "k.db"
        code, out, _ = run(
            capsys,
            "--db",
            str(db),
            "device",
            "add",
            "ap1",
            "--host",
            "127.0.0.1",
            "--community-env",
            "COMM",
            "--role",
            "ap",
        )
        assert code == 0 and "keyring" in out
        assert list(backend.items.values()) == [COMMUNITY]
        assert not any(p.name.endswith(".secrets.json") for p in tmp_path.iterdir())
        assert COMMUNITY.encode() not in db.read_bytes()
        run(capsys, "--db", str(db), "device", "remove", "ap1")
        assert backend.items == {}
    finally:
        keyring.set_keyring(previous)


def test_env_db_variable_is_the_default_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    monkeypatch.setenv("COMM", "c")
    monkeypatch.setenv("CAMPUSNET_DB", str(tmp_path / "env.db"))
    assert run(capsys, "device", "add", "e1", "--host", "127.0.0.1", "--community-env", "COMM")[0] == 0
    assert (tmp_path / "env.db").exists()
    assert os.environ["CAMPUSNET_DB"].endswith("env.db")


def test_device_import_adds_good_rows_and_reports_bad_ones(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = db.parent / "devices.csv"
    csv_file.write_text(
        "name,host,community,location\nsw1,192.0.2.1,pub,圖書館\nsw2,300.1.1.1,pub,\nsw3,192.0.2.3,,\n",
        encoding="utf-8-sig",
    )
    code, out, _ = run(capsys, "--db", str(db), "device", "import", str(csv_file), "--json")
    assert code == 2
    report = json.loads(out)
    assert report["added"] == ["sw1"]
    assert [(r["line"], r["name"]) for r in report["rejected"]] == [(3, "sw2"), (4, "sw3")]
    assert snapshot(db) == [("sw1", "192.0.2.1", 161)]
    code, _, err = run(capsys, "--db", str(db), "device", "import", str(db.parent / "missing.csv"))
    assert code == 2 and "no such file" in err


def _device_row(db: Path, name: str) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM devices WHERE name = ?", (name,)).fetchone()
        return dict(row) if row else {}
    finally:
        conn.close()


def test_edit_changes_only_what_is_given(db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    base = ("--db", str(db), "device")
    assert (
        run(capsys, *base, "add", "lib-sw", "--host", "127.0.0.1", "--community-env", "COMM", "--location", "圖書館")[0]
        == 0
    )
    before = _device_row(db, "lib-sw")
    monkeypatch.setenv("SSHPW", "Ssh-Pass-1")
    code, out, _ = run(
        capsys, *base, "edit", "lib-sw", "--ssh-user", "admin", "--ssh-port", "2222", "--ssh-password-env", "SSHPW"
    )
    assert code == 0 and out.startswith("updated lib-sw: ssh-port, ssh-user, ssh-password")
    after = _device_row(db, "lib-sw")
    assert (after["ssh_user"], after["ssh_port"]) == ("admin", 2222)
    unchanged = {k: v for k, v in after.items() if k not in ("ssh_user", "ssh_port")}
    assert unchanged == {k: v for k, v in before.items() if k not in ("ssh_user", "ssh_port")}
    assert "Ssh-Pass-1" not in db.read_bytes().decode("latin-1")

    assert run(capsys, *base, "edit", "lib-sw", "--rename", "library-sw")[0] == 0
    assert _device_row(db, "lib-sw") == {} and _device_row(db, "library-sw")["location"] == "圖書館"
    conn = connect(db)
    try:
        from monitor.storage.inventory import store_id

        secrets = open_secrets(db, store_id(conn))
        assert secrets.get("library-sw", "ssh_password") == "Ssh-Pass-1"
        assert secrets.get("library-sw", "community") == COMMUNITY
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--snmp-port", "70000"], "port"),
        (["--host", "not a host"], "host"),
        (["--ssh-password-env", "NO_SUCH_VAR"], "NO_SUCH_VAR"),
        ([], "nothing to change"),
    ],
)
def test_bad_edit_exits_2_and_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    base = ("--db", str(db), "device")
    assert run(capsys, *base, "add", "sw1", "--host", "127.0.0.1", "--community-env", "COMM")[0] == 0
    before = _device_row(db, "sw1")
    code, _out, err = run(capsys, *base, "edit", "sw1", *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert _device_row(db, "sw1") == before


def test_edit_of_an_unknown_device_is_a_clear_error(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "--db", str(db), "device", "edit", "nosuch", "--host", "127.0.0.1")
    assert code == 2 and "nosuch" in err
