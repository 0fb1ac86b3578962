"""What the command line prints of device text: escape sequences, carriage returns, line feeds, NUL, C1 controls and
bidi overrides a device put in its sysDescr, names or answers are shown as visible escapes, never sent raw to the
terminal (tables, lines, errors and JSON alike)."""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path

import pytest

from monitor.cli.main import main
from monitor.printable import json_text, visible
from monitor.storage.store import connect

EVIL = "A\x1b]0;pwned\x07\x1b[2J\rB\nC\x00D\x9b31m\u202eE"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def raw_controls(text: str) -> list[str]:
    """Characters a terminal would act on (line feeds between lines excepted)."""
    return [repr(ch) for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    path = tmp_path / "inventory.db"
    conn = connect(path)
    with conn:
        dev = conn.execute(
            "INSERT INTO devices (name, host, vendor, model, sys_descr, status, status_reason, created)"
            " VALUES ('sw', '192.0.2.1', ?, ?, ?, 'unreachable', ?, 0)",
            (EVIL, EVIL, EVIL, EVIL),
        ).lastrowid
        conn.execute(
            "INSERT INTO ports (device_id, key, ifindex, name, alias, present) VALUES (?, ?, 1, ?, ?, 1)",
            (dev, "Gi1" + EVIL, "Gi1" + EVIL, EVIL),
        )
        conn.execute(
            "INSERT INTO alerts (kind, severity, subject, device_id, device_name, port_name, state, started, detail)"
            " VALUES ('port_down', 'warning', 's', ?, ?, ?, 'firing', ?, ?)",
            (dev, EVIL, EVIL, time.time(), EVIL),
        )
    conn.close()
    return path


def test_visible_escapes_what_a_terminal_would_act_on() -> None:
    assert visible(EVIL) == "A\\x1b]0;pwned\\x07\\x1b[2J\\rB\\nC\\0D\\x9b31m\\u202eE"
    assert visible("教室 101 — Uplink\u3000(TANet)") == "教室 101 — Uplink\u3000(TANet)"
    assert json.loads(json_text({"x": EVIL})) == {"x": EVIL}
    assert raw_controls(json_text({"x": EVIL})) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["device", "list"],
        ["device", "list", "--json"],
        ["ports", "sw"],
        ["ports", "sw", "--json"],
        ["alerts"],
        ["alerts", "--json"],
        ["ports", "sw", "--uplink", "Gi1" + EVIL, "on"],
    ],
    ids=lambda argv: " ".join(a for a in argv if a.isprintable()),
)
def test_device_text_is_printed_with_visible_escapes(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, "--db", str(db), *argv)
    assert code == 0, err
    assert raw_controls(out) == [] and raw_controls(err) == [], (out, err)
    assert "\\x1b" in out or "\\u001b" in out, out


def test_an_error_naming_device_text_stays_one_visible_line(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "--db", str(db), "traffic", "sw", "x\x1b[2J\ny")
    assert code == 2
    assert raw_controls(err) == [] and len(err.strip().splitlines()) == 1, err
