"""The table of channel kinds is the one place a kind is defined: a kind added to it (here a test-only "pager",
patched in) is checked, stored, added from the command line, edited in the channels dialog and sent through, with
no other code changed. And the store no longer restricts the kinds: the migration that drops its CHECK keeps every
channel, delivery and foreign key of a store written before it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from devices.errors import InputError
from gui.channels_dialog import ChannelsDialog
from gui.i18n import install_translator
from monitor.alerting import channels, kinds, outbox
from monitor.alerting.channels import Channel
from monitor.alerting.kinds import ChannelKind, Secret, Setting
from monitor.alerting.senders import DeliveryError
from monitor.alerting.texts import Message, Notice
from monitor.cli.main import main as cli
from monitor.polling.scheduler import CoreLoop
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore, open_secrets
from monitor.storage.store import MIGRATIONS, StoreWriter, connect

NOW = 1_780_000_000.0
KEY = "pager-key-0123456789"


@dataclass
class Page:
    """One message the test sender was given."""

    settings: dict[str, Any]
    secret: str | None
    message: Message
    key: str
    service: str


class Pagers:
    """The test kind's sender: records each message (from any thread), or fails while ``down``."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.down = False
        self._lock = threading.Lock()

    def send(
        self,
        settings: Mapping[str, Any],
        secret: str | None,
        message: Message,
        *,
        key: str,
        timeout: float,
        service: str,
    ) -> None:
        if self.down:
            raise DeliveryError(f"{service}: the pager gateway is down")
        with self._lock:
            self.pages.append(Page(dict(settings), secret, message, key, service))


def check_priority(value: object) -> str:
    if value not in ("normal", "urgent"):
        raise InputError(f"priority {value!r}: use normal or urgent")
    return str(value)


@pytest.fixture
def pagers(monkeypatch: pytest.MonkeyPatch) -> Pagers:
    """The "pager" kind in the table of kinds, for this test only."""
    sender = Pagers()
    kind = ChannelKind(
        name="pager",
        label="Pager",
        service="pager",
        fields=(
            Setting(
                "number",
                "Pager number",
                kinds.check_target("pager number"),
                required=True,
                example="0912345678",
                flag="--number",
                help="the pager's number",
            ),
            Setting(
                "priority",
                "Priority",
                check_priority,
                default="normal",
                widget="choice",
                choices=(("normal", "Normal"), ("urgent", "Urgent")),
                flag="--priority",
                help="page priority",
            ),
            Secret(
                "Gateway key",
                "gateway key",
                "key",
                token=True,
                required=True,
                flag="--key-env",
                prompt="pager gateway key: ",
            ),
        ),
        sender=sender.send,
        target=lambda s: f"pager {s.get('number', '')}",
    )
    monkeypatch.setitem(kinds.KINDS, "pager", kind)
    return sender


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


@pytest.fixture
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    c = connect(db)
    yield c
    c.close()


@pytest.fixture
def secrets(db: Path, conn: sqlite3.Connection) -> SecretStore:
    return open_secrets(db, inventory.store_id(conn))


def down_notice() -> Notice:
    return Notice(event="alert", rule_kind="device_down", device="core-sw", severity="critical", started=NOW,
                  facts={"polls": 3, "reason": "no answer"})  # fmt: skip


def deliver(db: Path, secrets: SecretStore, now: float) -> int:
    writer = StoreWriter(db)
    try:
        return asyncio.run(outbox.Dispatcher(writer, secrets, clock=lambda: now).deliver_due())
    finally:
        writer.close()


# ------------------------------------------------------------------------------------------------ the core


def test_a_kind_added_to_the_table_is_checked_stored_and_sent_through(  # type: ignore[no-untyped-def]
    pagers, db, conn, secrets
) -> None:
    with pytest.raises(InputError, match="a pager channel needs 'number'"):
        channels.save_channel(conn, secrets, Channel("pager", "p", {}), KEY)
    with pytest.raises(InputError, match="priority 'loud'"):
        channels.save_channel(conn, secrets, Channel("pager", "p", {"number": "0912", "priority": "loud"}), KEY)
    with pytest.raises(InputError, match="has no setting 'url'"):
        channels.save_channel(conn, secrets, Channel("pager", "p", {"number": "0912", "url": "http://x"}), KEY)
    with pytest.raises(InputError, match="a pager channel needs its key"):
        channels.save_channel(conn, secrets, Channel("pager", "p", {"number": "0912"}))
    with pytest.raises(InputError, match="gateway key"):
        channels.save_channel(conn, secrets, Channel("pager", "p", {"number": "0912"}), "two words")
    assert channels.list_channels(conn) == []

    saved = channels.save_channel(conn, secrets, Channel("pager", " 值班 ", {"number": " 0912345678 "}), KEY)
    (stored,) = channels.list_channels(conn)
    assert stored == saved
    assert (stored.kind, stored.name, stored.settings) == (
        "pager",
        "值班",
        {"number": "0912345678", "priority": "normal"},
    )
    assert channels.target_text(stored) == "pager 0912345678" and channels.needs_secret(stored)
    assert stored.id is not None and secrets.get_named(channels.secret_name(stored.id)) == KEY

    with conn:
        assert outbox.queue(conn, down_notice(), NOW) == 1
    pagers.down = True
    assert deliver(db, secrets, NOW + 1) == 0
    row = conn.execute("SELECT status, attempts, last_error FROM deliveries").fetchone()
    assert tuple(row) == ("pending", 1, "pager: the pager gateway is down")
    pagers.down = False
    assert deliver(db, secrets, NOW + 1 + outbox.BACKOFF_S[0]) == 1
    (page,) = pagers.pages
    assert page.settings == {"number": "0912345678", "priority": "normal"} and page.secret == KEY
    assert page.message.subject == "[CampusNet] 裝置離線：core-sw" and page.service == "pager"
    assert conn.execute("SELECT status FROM deliveries").fetchone()[0] == "sent"

    assert channels.send_test(stored, secrets) == channels.SendResult(True)
    assert pagers.pages[-1].message.subject == "[CampusNet] 測試通知"


def test_a_kind_added_to_the_table_has_its_command_line_options(  # type: ignore[no-untyped-def]
    pagers, db, conn, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("PAGER_KEY", KEY)
    base = ["--db", str(db), "notify", "add", "pager", "duty"]
    assert cli([*base, "--number", "0912", "--host", "h", "--key-env", "PAGER_KEY"]) == 2
    assert capsys.readouterr().err == "error: --host is not an option of pager channels\n"
    assert cli([*base, "--number", "0912"]) == 2
    assert "no terminal to ask on: give the key with --key-env VAR" in capsys.readouterr().err
    assert cli([*base, "--number", "0912", "--priority", "urgent", "--key-env", "PAGER_KEY"]) == 0
    assert capsys.readouterr().out.startswith("added pager channel duty (pager 0912)")
    assert cli(["--db", str(db), "notify", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["kind"], listed["target"]) == ("pager", "pager 0912")
    assert listed["settings"] == {"number": "0912", "priority": "urgent"}
    assert cli(["--db", str(db), "notify", "test", "duty"]) == 0
    assert [p.secret for p in pagers.pages] == [KEY]
    assert cli(["--db", str(db), "notify", "add", "email", "m", "--number", "1"]) == 2
    assert capsys.readouterr().err.endswith("error: --number is not an option of email channels\n")


# ------------------------------------------------------------------------------------------------ the GUI


@pytest.fixture
def core() -> Iterator[CoreLoop]:
    loop = CoreLoop()
    yield loop
    loop.stop()


@pytest.fixture
def writer(db: Path, conn: sqlite3.Connection) -> Iterator[StoreWriter]:
    w = StoreWriter(db)
    yield w
    w.close()


@pytest.fixture
def english(qapp: QApplication) -> Iterator[QApplication]:
    install_translator(qapp, "en")
    yield qapp


def test_a_kind_added_to_the_table_is_edited_in_the_channels_dialog(  # type: ignore[no-untyped-def]
    qtbot, english, pagers, conn, secrets, writer, core
) -> None:
    dialog = ChannelsDialog(conn, secrets, writer.submit, core.submit)
    qtbot.addWidget(dialog)
    index = dialog.add_kind.findData("pager")
    assert index >= 0 and dialog.add_kind.itemText(index) == "Pager"
    dialog.add_kind.setCurrentIndex(index)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    editor = dialog.editor
    assert editor is not None and sorted(editor.fields) == ["number", "priority"]
    labels = [w.text() for w in editor.findChildren(QLabel)]
    assert {"Pager number", "Priority", "Gateway key"} <= set(labels), labels
    priority = editor.fields["priority"]
    assert [priority.itemText(i) for i in range(priority.count())] == ["Normal", "Urgent"]  # type: ignore[attr-defined]
    assert priority.currentData() == "normal"  # type: ignore[attr-defined]
    assert editor.fields["number"].placeholderText() == "0912345678"  # type: ignore[attr-defined]
    assert editor.secret_edit.placeholderText() == "required"

    editor.name_edit.setText("duty")
    qtbot.keyClicks(editor.fields["number"], "0912 345")
    editor.accept()
    assert editor.error_label.text() == "Not saved: pager number '0912 345' is empty, too long or contains spaces"
    editor.fields["number"].setText("0912345678")  # type: ignore[attr-defined]
    editor.accept()
    assert editor.error_label.text() == "Not saved: this channel needs its key"
    priority.setCurrentIndex(priority.findData("urgent"))  # type: ignore[attr-defined]
    qtbot.keyClicks(editor.secret_edit, KEY)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.accept()
    (channel,) = channels.list_channels(conn)
    assert (channel.kind, channel.name, channel.settings) == (
        "pager",
        "duty",
        {"number": "0912345678", "priority": "urgent"},
    )
    assert channel.id is not None and secrets.get_named(channels.secret_name(channel.id)) == KEY
    assert [dialog.table.item(0, c).text() for c in range(3)] == ["duty", "Pager", "pager 0912345678"]

    reopened = dialog.edit_selected()
    assert reopened is not None and reopened.fields["number"].text() == "0912345678"  # type: ignore[attr-defined]
    assert reopened.fields["priority"].currentData() == "urgent"  # type: ignore[attr-defined]
    assert reopened.secret_edit.placeholderText() == "stored; leave empty to keep it"
    reopened.reject()

    with qtbot.waitSignal(dialog.testFinished, timeout=20_000) as sent:
        assert dialog.send_test()
    assert sent.args == [channels.SendResult(True)]
    (page,) = pagers.pages
    assert page.secret == KEY and page.message.subject == "[CampusNet] 測試通知"  # the channel's language


# ------------------------------------------------------------------------------------------------ the migration


def _store_at(db: Path, version: int) -> None:
    """A store written by the version whose schema was ``version``."""
    old = sqlite3.connect(db)
    for n, script in enumerate(MIGRATIONS[:version], start=1):
        old.executescript(f"BEGIN; {script}; PRAGMA user_version = {n}; COMMIT;")
    old.close()


def _table_sql(conn: sqlite3.Connection, name: str) -> str:
    return str(conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()[0])


# The migration that drops the CHECK on notify_channels.kind (schema 9): its index in MIGRATIONS.
CHANNELS_STEP = next(i for i, script in enumerate(MIGRATIONS) if "notify_channels_v9" in script)


def test_the_store_stops_restricting_kinds_and_keeps_channels_deliveries_and_keys(db: Path) -> None:
    _store_at(db, CHANNELS_STEP)
    old = sqlite3.connect(db)
    old.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        old.execute("INSERT INTO notify_channels (kind, name, created) VALUES ('pager', 'x', 0)")
    old.executemany(
        "INSERT INTO notify_channels (id, kind, name, enabled, language, settings, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (3, "email", "學校信箱", 1, "zh_TW", '{"host": "smtp.school.example"}', 10.0),
            (5, "webhook", "ops", 0, "en", '{"url": "http://127.0.0.1:9/in"}', 20.0),
        ],
    )
    old.executemany(
        "INSERT INTO deliveries (channel_id, notice, key, created, subject, body, payload, status, next_attempt)"
        " VALUES (?, 'alert', ?, ?, 's', 'b', '{}', ?, ?)",
        [(3, "k1", 30.0, "sent", 30.0), (5, "k2", 31.0, "pending", 31.0), (5, "k3", 32.0, "failed", 32.0)],
    )
    old.commit()
    before = {
        t: list(map(tuple, old.execute(f"SELECT * FROM {t} ORDER BY id"))) for t in ("notify_channels", "deliveries")
    }
    old.close()

    conn = connect(db)  # migrates
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= CHANNELS_STEP + 1
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        after = {t: list(map(tuple, conn.execute(f"SELECT * FROM {t} ORDER BY id"))) for t in before}
        assert after == before
        assert "CHECK" not in _table_sql(conn, "notify_channels")
        keys = [tuple(r)[2:7] for r in conn.execute("PRAGMA foreign_key_list(deliveries)")]
        assert ("notify_channels", "channel_id", "id", "NO ACTION", "CASCADE") in keys
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(deliveries)")}
        assert {"deliveries_queue", "deliveries_created"} <= indexes
        with conn:
            conn.execute("INSERT INTO notify_channels (kind, name, created) VALUES ('pager', 'pg', 0)")
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"), conn:
            conn.execute("INSERT INTO notify_channels (kind, name, created) VALUES ('pager', 'ops', 0)")
        with conn:
            conn.execute("DELETE FROM notify_channels WHERE id = 5")
        assert [r[0] for r in conn.execute("SELECT key FROM deliveries")] == ["k1"]  # its outbox went with it
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), conn:
            conn.execute(
                "INSERT INTO deliveries (channel_id, notice, key, created, subject, body, payload, next_attempt)"
                " VALUES (99, 'alert', 'k9', 0, 's', 'b', '{}', 0)"
            )
    finally:
        conn.close()


def test_a_migration_that_would_break_a_foreign_key_changes_nothing(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _store_at(db, CHANNELS_STEP)
    old = sqlite3.connect(db)
    old.execute("INSERT INTO notify_channels (id, kind, name, created) VALUES (1, 'email', 'm', 0)")
    old.execute(
        "INSERT INTO deliveries (channel_id, notice, key, created, subject, body, payload, next_attempt)"
        " VALUES (1, 'alert', 'k', 0, 's', 'b', '{}', 0)"
    )
    old.commit()
    old.close()
    broken = MIGRATIONS[CHANNELS_STEP].replace("SELECT id, kind", "SELECT id + 100, kind")  # the channels lose ids
    monkeypatch.setattr(
        "monitor.storage.store.MIGRATIONS", [*MIGRATIONS[:CHANNELS_STEP], broken, *MIGRATIONS[CHANNELS_STEP + 1 :]]
    )
    with pytest.raises(Exception, match="pointing at nothing"):
        connect(db)
    check = sqlite3.connect(db)
    try:
        assert check.execute("PRAGMA user_version").fetchone()[0] == CHANNELS_STEP
        assert "CHECK" in _table_sql(check, "notify_channels")
        assert check.execute("SELECT id FROM notify_channels").fetchall() == [(1,)]
    finally:
        check.close()
