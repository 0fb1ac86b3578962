"""The alerts side of the desktop app (offscreen) over stores written by the real alert engine: the Alerts page with
its filters and acknowledging, the rules editor, the notification channels with "Send test" against a real SMTP
server on 127.0.0.1, tray messages from real poll cycles against snmpsim, marking ports important, and the
``ports --important`` command."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.alert_rules_dialog import AlertRulesDialog
from gui.alerts_page import AlertsModel, AlertsPage
from gui.app import App, _qt_app
from gui.channels_dialog import ChannelEditor, ChannelsDialog
from gui.i18n import install_translator
from gui.main_window import MainWindow
from gui.plumbing import direct_write
from gui.tray import Tray, alert_balloon, app_icon
from monitor.alerting import alerts, channels, texts
from monitor.alerting.channels import Channel
from monitor.cli.main import main as cli
from monitor.polling.scheduler import CoreLoop
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore, open_secrets
from monitor.storage.store import StoreWriter, connect
from tests.helpers import add_device, rows
from tests.peers import SnmpSim
from tests.test_alerts import agent
from tests.test_notify import HOST, SmtpPeer, free_tcp_port, store_bytes

NOW = time.time() - 3600  # an hour ago: the page measures how long firing alerts last up to now
MIN = 60.0
PASSWORD = "Smtp-Pa55word!"


# ------------------------------------------------------------------------------------------------ stores and peers


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


@pytest.fixture
def core() -> Iterator[CoreLoop]:
    loop = CoreLoop()
    yield loop
    loop.stop()


@pytest.fixture
def writer(db: Path, conn: sqlite3.Connection) -> Iterator[StoreWriter]:
    """The store's single writer, as the poller runs it: GUI writes go through it."""
    w = StoreWriter(db)
    yield w
    w.close()


@pytest.fixture
def english(qapp: QApplication) -> Iterator[QApplication]:
    install_translator(qapp, "en")
    yield qapp


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[QApplication]:
    install_translator(qapp, "zh_TW")
    yield qapp
    install_translator(qapp, "en")


def make_device(conn: sqlite3.Connection, name: str) -> int:
    cur = conn.execute(
        "INSERT INTO devices (name, host, snmp_port, location, status, created) VALUES (?, '127.0.0.1', 9, '圖書館', "
        "'up', 0)",
        (name,),
    )
    conn.commit()
    return int(cur.lastrowid or 0)


def fail_polls(conn: sqlite3.Connection, device_id: int, n: int, start: float) -> None:
    """``n`` failed polls a minute apart from ``start``, as the poller records them."""
    for i in range(n):
        conn.execute(
            "INSERT INTO device_polls (device_id, ts, status, error) VALUES (?, ?, 'unreachable', 'no answer')",
            (device_id, int(start + i * MIN)),
        )
    conn.execute("UPDATE devices SET status = 'unreachable', status_reason = 'no answer' WHERE id = ?", (device_id,))
    conn.commit()


def evaluate(conn: sqlite3.Connection, now: float) -> list[texts.Notice]:
    with conn:
        return alerts.evaluate(conn, now)


def fmt(ts: float) -> str:
    """A time as the page shows it: month, day, hours and minutes (with the year when it is not this year)."""
    same_year = time.localtime(ts).tm_year == time.localtime().tm_year
    return time.strftime("%m-%d %H:%M" if same_year else "%Y-%m-%d %H:%M", time.localtime(ts))


@pytest.fixture
def school(conn: sqlite3.Connection) -> dict[str, int]:
    """sw1 down for 3 polls (firing), sw2's uplink Gi0/48 down (firing), sw3 down then back (resolved after 4 min)."""
    ids = {name: make_device(conn, name) for name in ("sw1", "sw2", "sw3")}
    conn.execute(
        "INSERT INTO ports (device_id, key, name, alias, speed_bps, admin_status, oper_status, is_uplink,"
        " last_status_change) VALUES (?, 'Gi0/48', 'Gi0/48', 'to core', 1000000000, 1, 2, 1, ?)",
        (ids["sw2"], NOW - 10 * MIN),
    )
    conn.commit()
    fail_polls(conn, ids["sw1"], 3, NOW - 3 * MIN)
    fail_polls(conn, ids["sw3"], 3, NOW - 3 * MIN)
    titles = sorted(texts.title(n, "en") for n in evaluate(conn, NOW))
    assert titles == ["Device down: sw1", "Device down: sw3", "Port down: sw2 Gi0/48"]
    conn.execute("UPDATE devices SET status = 'up' WHERE id = ?", (ids["sw3"],))
    conn.commit()
    assert [texts.title(n, "en") for n in evaluate(conn, NOW + MIN)] == ["Device back up: sw3"]
    return ids


def page_rows(page: AlertsPage) -> list[dict[str, str]]:
    proxy = page.proxy
    names = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(proxy.columnCount())]
    return [{names[c]: proxy.index(r, c).data() for c in range(proxy.columnCount())} for r in range(proxy.rowCount())]


def open_page(qtbot: Any, db: Path, conn: sqlite3.Connection, core: CoreLoop, secrets: SecretStore) -> AlertsPage:
    page = AlertsPage(db, conn, core.submit, direct_write(conn), lambda: secrets)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.reload()
    return page


def test_a_column_width_the_user_set_survives_refreshes(  # type: ignore[no-untyped-def]
    qtbot, english, db, conn, core, secrets, school
) -> None:
    page = open_page(qtbot, db, conn, core, secrets)
    header = page.table.horizontalHeader()
    fitted = header.sectionSize(AlertsModel.DEVICE)
    header.resizeSection(AlertsModel.DEVICE, fitted + 77)  # as a drag of the column's edge does
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.reload()  # what every poll cycle does
    assert header.sectionSize(AlertsModel.DEVICE) == fitted + 77


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    """Answer every confirmation with ``button``; returns the questions asked."""
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


# ------------------------------------------------------------------------------------------------ the Alerts page


def test_page_lists_the_engines_alerts_firing_first_and_filters_narrow_them(  # type: ignore[no-untyped-def]
    qtbot, english, db, conn, core, secrets, school
) -> None:
    page = open_page(qtbot, db, conn, core, secrets)
    shown = page_rows(page)
    assert [(r["State"], r["Device"], r["Port"], r["Rule"]) for r in shown] == [
        ("Firing", "sw1", "", "Device down"),  # started NOW - 3 min, newer than the port's NOW - 10 min
        ("Firing", "sw2", "Gi0/48", "Uplink or important port down"),
    ]
    assert shown[0]["Started"] == fmt(NOW - 3 * MIN)
    assert shown[0]["Severity"] == "critical"
    assert shown[0]["Detail"] == "3 polls in a row failed. Last error: no answer"
    assert shown[1]["Detail"] == "The port is down (it is not administratively shut down)."
    assert page.summary.text() == "2 firing, 2 not acknowledged. Showing 2 of 3."
    state = page.proxy.index(0, AlertsModel.STATE).data(Qt.ItemDataRole.ForegroundRole)
    assert state.color().name() == "#c62828"

    page.state_combo.setCurrentIndex(page.state_combo.findData("all"))
    shown = page_rows(page)
    assert [(r["State"], r["Device"]) for r in shown] == [("Firing", "sw1"), ("Firing", "sw2"), ("Resolved", "sw3")]
    # sw3 failed from NOW - 3 min and answered at NOW + 1 min: 4 minutes.
    assert shown[2]["Resolved / duration"] == f"{fmt(NOW + MIN)} (4 min)"
    resolved = page.proxy.index(2, AlertsModel.STATE).data(Qt.ItemDataRole.ForegroundRole)
    assert resolved.color().name() == "#2e7d32"

    page.device_combo.setCurrentIndex(page.device_combo.findData("sw2"))
    assert [(r["Device"], r["Port"]) for r in page_rows(page)] == [("sw2", "Gi0/48")]
    page.device_combo.setCurrentIndex(0)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("device_down"))
    assert [r["Device"] for r in page_rows(page)] == ["sw1", "sw3"]
    page.kind_combo.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "gi0/48")
    assert [r["Device"] for r in page_rows(page)] == ["sw2"]
    page.search.clear()
    qtbot.keyClicks(page.search, "nothing like this")
    assert page_rows(page) == []


def test_acknowledge_asks_writes_the_store_and_the_row_shows_it(  # type: ignore[no-untyped-def]
    qtbot, english, db, conn, core, secrets, school, writer, monkeypatch
) -> None:
    monkeypatch.setattr("gui.alerts_page.getpass.getuser", lambda: "王老師")
    page = AlertsPage(db, conn, core.submit, writer.submit, lambda: secrets)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.reload()
    (sw1_alert,) = [r["id"] for r in rows(db, "SELECT id FROM alerts WHERE device_name = 'sw1'")]
    assert page.select_alert(sw1_alert) and page.ack_button.isEnabled()

    asked = answer(monkeypatch, QMessageBox.StandardButton.No)
    qtbot.mouseClick(page.ack_button, Qt.MouseButton.LeftButton)
    assert asked == ["Acknowledge the alert on sw1 as 王老師? Its reminders stop."]
    assert rows(db, "SELECT acknowledged_by FROM alerts WHERE id = ?", sw1_alert)[0][0] is None  # declined

    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    before = time.time()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(page.ack_button, Qt.MouseButton.LeftButton)
    (stored,) = rows(db, "SELECT acknowledged_by, acknowledged_at FROM alerts WHERE id = ?", sw1_alert)
    assert stored["acknowledged_by"] == "王老師" and before - 1 <= stored["acknowledged_at"] <= time.time()
    assert page.select_alert(sw1_alert)
    row = page.proxy.mapToSource(page.table.selectionModel().selectedRows()[0]).row()
    assert page.model.index(row, AlertsModel.ACKNOWLEDGED).data() == f"王老師 {fmt(stored['acknowledged_at'])}"
    assert not page.ack_button.isEnabled()  # acknowledged once is enough
    assert page.summary.text() == "2 firing, 1 not acknowledged. Showing 2 of 3."
    assert page.message.text() == "Acknowledged by 王老師."


def test_page_in_chinese_with_details_in_chinese(qtbot, chinese, db, conn, core, secrets, school) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, db, conn, core, secrets)
    shown = page_rows(page)
    assert [(r["狀態"], r["裝置"], r["規則"], r["嚴重程度"]) for r in shown] == [
        ("告警中", "sw1", "裝置離線", "嚴重"),
        ("告警中", "sw2", "上行鏈路或重要連接埠斷線", "嚴重"),
    ]
    assert shown[0]["詳細資訊"] == "連續 3 次輪詢失敗。最後的錯誤：no answer"
    assert page.ack_button.text() == "確認"
    assert page.summary.text() == "2 項告警中，2 項尚未確認。顯示 3 項中的 2 項。"


def test_main_window_opens_the_page_and_a_double_click_opens_the_device(  # type: ignore[no-untyped-def]
    qtbot, english, db, conn, school
) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert window.alerts_action in window.toolbar.actions()
    assert [a.text() for a in window.alerts_menu.actions()] == ["Alerts", "Alert rules…", "Notification channels…"]
    page = window.alerts_page
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.alerts_action.trigger()
    assert window.stack.currentWidget() is page
    assert window.alerts_action.text() == "Alerts (2)"
    index = page.proxy.index(1, AlertsModel.DEVICE)
    assert index.data() == "sw2"
    centre = page.table.visualRect(index).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # Qt's double click follows one
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.stack.currentWidget() is window.device_page
    assert window.device_page.facts.text().startswith("<b>sw2</b>")
    window.close()


# ------------------------------------------------------------------------------------------------ the rules editor


def test_rules_editor_saves_a_changed_threshold_and_refuses_bad_input(  # type: ignore[no-untyped-def]
    qtbot, english, conn, writer
) -> None:
    dialog = AlertRulesDialog(conn, writer.submit)
    qtbot.addWidget(dialog)
    assert [dialog.rule_list.item(i).text() for i in range(dialog.rule_list.count())] == [
        "Device down",
        "Device restarted",
        "Uplink or important port down",
        "Uplink utilization high",
        "Port errors or discards",
    ]
    dialog.rule_list.setCurrentItem(dialog.item_for("Uplink utilization high"))
    percent = dialog.params["percent"]
    # The README's ranges: utilization 1-100 %, minutes 1-1440.
    assert (percent.minimum(), percent.maximum(), percent.suffix()) == (1, 100, " %")
    assert (dialog.params["minutes"].minimum(), dialog.params["minutes"].maximum()) == (1, 1440)
    assert [dialog.params["direction"].itemData(i) for i in range(3)] == ["any", "in", "out"]
    percent.setValue(80)
    dialog.params["direction"].setCurrentIndex(dialog.params["direction"].findData("in"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (util,) = [r for r in alerts.list_rules(conn) if r.name == "Uplink utilization high"]
    assert (util.params["percent"], util.params["direction"], util.params["minutes"]) == (80.0, "in", 15)
    assert dialog.status.text() == "Saved: Uplink utilization high."

    before = alerts.list_rules(conn)
    percent = dialog.params["percent"]  # the editor shows the rule as stored now
    assert percent.value() == 80
    dialog.name_edit.setText("Device down")  # taken by another rule: refused by the store, nothing saved
    percent.setValue(50)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Not saved"), timeout=10_000)
    assert dialog.status.text() == "Not saved: an alert rule called 'Device down' exists already"
    assert alerts.list_rules(conn) == before
    assert dialog.name_edit.text() == "Device down" and percent.value() == 50  # the editor keeps the input
    dialog.name_edit.setText("  ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Not saved: rule name '  ': use 1-64 characters, no control characters"
    assert "\n" not in dialog.status.text()
    assert alerts.list_rules(conn) == before


def test_rules_editor_switches_adds_and_deletes_rules(qtbot, english, conn, writer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = AlertRulesDialog(conn, writer.submit)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.item_for("Device restarted").setCheckState(Qt.CheckState.Unchecked)
    assert {r.name: r.enabled for r in alerts.list_rules(conn)}["Device restarted"] is False

    dialog.add_rule("device_down")
    assert dialog.name_edit.text() == "Device down 2"
    assert dialog.params["polls"].value() == 3  # the kind's default
    dialog.params["polls"].setValue(10)
    dialog.severity_combo.setCurrentIndex(dialog.severity_combo.findData("warning"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    added = [r for r in alerts.list_rules(conn) if r.name == "Device down 2"]
    assert [(r.kind, r.params["polls"], r.severity, r.enabled) for r in added] == [("device_down", 10, "warning", True)]

    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog.rule_list.setCurrentItem(dialog.item_for("Device down 2"))
    with qtbot.waitSignal(dialog.deleted, timeout=10_000):
        dialog.delete_button.click()
    assert "Device down 2" not in [r.name for r in alerts.list_rules(conn)]
    assert dialog.item_for("Device down 2") is None


# ------------------------------------------------------------------------------------------------ channels


class LoginSmtp(SmtpPeer):
    """aiosmtpd on 127.0.0.1 that wants a login (over plain SMTP, as some school mail relays do)."""

    def __init__(self, login: tuple[str, str]) -> None:
        super().__init__()
        self.controller = Controller(
            self,
            hostname=HOST,
            port=self.port,
            server_hostname="localhost",
            authenticator=self._authenticator(login),
            auth_required=True,
            auth_require_tls=False,
        )


def fill_email(editor: ChannelEditor, qtbot: Any, port: int, password: str) -> None:
    editor.name_edit.setText("資訊組")  # QTest types ASCII only
    qtbot.keyClicks(editor.fields["host"], HOST)
    editor.fields["security"].setCurrentIndex(editor.fields["security"].findData("none"))
    assert editor.fields["port"].value() == 25  # follows the security's usual port
    editor.fields["port"].setValue(port)
    qtbot.keyClicks(editor.fields["user"], "campusnet")
    qtbot.keyClicks(editor.secret_edit, password)
    qtbot.keyClicks(editor.fields["from"], "campusnet@school.example")
    qtbot.keyClicks(editor.fields["to"], "it@school.example, principal@school.example")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_channel_saved_with_its_password_in_the_secret_store_and_a_test_mail_delivered(  # type: ignore[no-untyped-def]
    qtbot, english, db, conn, secrets, writer, core
) -> None:
    with LoginSmtp(("campusnet", PASSWORD)) as smtp:
        dialog = ChannelsDialog(conn, secrets, writer.submit, core.submit)
        qtbot.addWidget(dialog)
        assert dialog.outbox_label.text() == "No channels yet: add one, then send a test."
        dialog.add_kind.setCurrentIndex(dialog.add_kind.findData("email"))
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        editor = dialog.editor
        assert editor is not None and editor.secret_edit.echoMode() == editor.secret_edit.EchoMode.Password
        fill_email(editor, qtbot, smtp.port, PASSWORD)
        with qtbot.waitSignal(editor.saved, timeout=10_000):
            editor.buttons.button(editor.buttons.StandardButton.Save).click()
        (channel,) = channels.list_channels(conn)
        assert (channel.kind, channel.name, channel.language) == ("email", "資訊組", "zh_TW")
        assert channel.settings == {
            "host": HOST,
            "port": smtp.port,
            "security": "none",
            "user": "campusnet",
            "from": "campusnet@school.example",
            "to": ["it@school.example", "principal@school.example"],
        }
        assert channel.id is not None and secrets.get_named(channels.secret_name(channel.id)) == PASSWORD
        assert PASSWORD.encode() not in store_bytes(db)
        assert dialog.table.item(0, 0).text() == "資訊組"
        assert dialog.table.item(0, 2).text() == "it@school.example, principal@school.example"

        dialog.select("資訊組")
        with qtbot.waitSignal(dialog.testFinished, timeout=20_000) as sent:
            qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
            assert dialog.busy.isVisibleTo(dialog) and not dialog.test_button.isEnabled()
        assert sent.args[0].ok
        assert dialog.result_label.text() == "Test message sent through 資訊組."
        assert not dialog.busy.isVisibleTo(dialog) and dialog.test_button.isEnabled()
        (mail,) = smtp.inbox
        assert mail.login == "campusnet"  # the password came from the secret store
        assert sorted(mail.rcpt_tos) == ["it@school.example", "principal@school.example"]
        assert str(mail.message["Subject"]) == "[CampusNet] 測試通知"  # the channel's language


def test_wrong_port_gives_a_one_line_error_and_editing_keeps_the_password(  # type: ignore[no-untyped-def]
    qtbot, english, db, conn, secrets, writer, core
) -> None:
    channel = Channel("email", "資訊組", {"host": HOST, "port": 25, "security": "none", "user": "campusnet"})
    channel.settings.update({"from": "campusnet@school.example", "to": ["it@school.example"]})
    saved = channels.save_channel(conn, secrets, channel, PASSWORD)
    assert saved.id is not None
    closed = free_tcp_port()  # nothing listens there
    dialog = ChannelsDialog(conn, secrets, writer.submit, core.submit)
    qtbot.addWidget(dialog)
    editor = dialog.edit_selected()
    assert editor is not None
    assert editor.secret_edit.text() == "" and editor.secret_edit.placeholderText() == "stored; leave empty to keep it"
    assert editor.fields["host"].text() == HOST and editor.fields["to"].text() == "it@school.example"
    editor.fields["port"].setValue(closed)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.accept()
    assert channels.get_channel(conn, "資訊組").settings["port"] == closed
    assert secrets.get_named(channels.secret_name(saved.id)) == PASSWORD  # left empty: kept

    with qtbot.waitSignal(dialog.testFinished, timeout=30_000) as sent:
        dialog.test_button.click()
    assert not sent.args[0].ok
    text = dialog.result_label.text()
    assert text.startswith(f"Test through 資訊組 failed: cannot send mail through {HOST}:{closed}: ")
    assert "\n" not in text and PASSWORD not in text


def test_bad_channel_input_is_refused_in_one_line_and_nothing_saved(  # type: ignore[no-untyped-def]
    qtbot, english, db, conn, secrets, writer, core
) -> None:
    dialog = ChannelsDialog(conn, secrets, writer.submit, core.submit)
    qtbot.addWidget(dialog)
    editor = dialog.add_channel("email")
    qtbot.keyClicks(editor.name_edit, "mail")
    qtbot.keyClicks(editor.fields["from"], "campusnet@school.example")
    qtbot.keyClicks(editor.fields["to"], "it@school.example")
    editor.accept()  # no SMTP server
    assert editor.error_label.text() == "Not saved: a email channel needs 'host'"
    qtbot.keyClicks(editor.fields["host"], "smtp.school.example")
    editor.fields["to"].setText("not-an-address")
    editor.accept()
    assert editor.error_label.text() == "Not saved: e-mail address 'not-an-address' is not valid"
    line = dialog.add_channel("line")
    line.name_edit.setText("資訊組LINE")
    qtbot.keyClicks(line.fields["to"], "U0123456789abcdef")
    line.accept()  # no token
    assert line.error_label.text() == "Not saved: this channel needs its token"
    assert channels.list_channels(conn) == [] and rows(db, "SELECT * FROM notify_channels") == []


def test_outbox_counts_and_removing_a_channel(qtbot, english, db, conn, secrets, writer, core, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    hook = channels.save_channel(conn, secrets, Channel("webhook", "ops", {"url": "http://127.0.0.1:9/x"}), "tok-123")
    assert hook.id is not None
    device = make_device(conn, "sw1")
    fail_polls(conn, device, 3, NOW - 3 * MIN)
    evaluate(conn, NOW)  # queues "Device down: sw1" for the channel
    dialog = ChannelsDialog(conn, secrets, writer.submit, core.submit)
    qtbot.addWidget(dialog)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    values = dict(zip(headers, [dialog.table.item(0, c).text() for c in range(len(headers))], strict=True))
    assert (values["Name"], values["Kind"], values["Sends to"], values["Waiting"], values["Sent"]) == (
        "ops",
        "Webhook",
        "127.0.0.1:9",
        "1",
        "0",
    )
    assert dialog.outbox_label.text() == "Outbox: 1 waiting, 0 sent, 0 failed."

    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.remove_button.click()
    assert asked == ["Remove the channel ops with its password or token and its outbox?"]
    assert channels.list_channels(conn) == [] and rows(db, "SELECT * FROM deliveries") == []
    assert secrets.get_named(channels.secret_name(hook.id)) is None
    assert dialog.table.rowCount() == 0


def test_settings_dialog_opens_the_channels(qtbot, english, db, conn) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(db)
    qtbot.addWidget(window)
    settings = window.open_settings()
    assert settings.channels_button.text() == "Notifications…"
    settings.channels_button.click()
    dialogs = [d for d in window.findChildren(ChannelsDialog)]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].reject()
    settings.reject()
    window.close()


# ------------------------------------------------------------------------------------------------ tray and ports


def test_tray_message_summarises_a_cycles_alerts(english, conn) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        fail_polls(conn, make_device(conn, f"sw{i}"), 3, NOW - 3 * MIN)
    notices = evaluate(conn, NOW)
    title, text, urgent = alert_balloon(notices, "en") or ("", "", False)
    assert title == "CampusNet: 5 alert messages"
    assert text.splitlines() == ["Device down: sw0", "Device down: sw1", "Device down: sw2", "and 2 more"]
    assert urgent  # device_down rules are critical
    (single,) = [n for n in notices if n.device == "sw3"]
    assert alert_balloon([single], "zh_TW") == ("裝置離線：sw3", "連續 3 次輪詢失敗。最後的錯誤：no answer", True)


def wait_cycle(qtbot: Any, app: App) -> None:
    """Poll now and wait for the cycle's end."""
    window = app.window
    assert window is not None and window.bridge is not None
    with qtbot.waitSignal(window.bridge.cycleFinished, timeout=30_000):
        window.bridge.poll_now()


def test_tray_tells_of_alerts_from_real_cycles_and_marking_a_port_important_makes_it_alert(  # type: ignore[no-untyped-def]
    qtbot, english, tmp_path: Path, db: Path
) -> None:
    """sw1 (snmpsim) has its classroom port Gi0/2 down: nothing alerts until the port is marked important; then the
    agent stops and after three missed polls the device alert comes; clicking the message opens the Alerts page."""
    app = App(_qt_app())
    tray = Tray(app_icon())  # offscreen has no system tray: wire one in to see its messages
    app.use_tray(tray)
    messages: list[tuple[str, str]] = []
    tray.messageShown.connect(lambda title, text: messages.append((title, text)))
    with SnmpSim(tmp_path, {"sw1": agent(oper={2: 2})}) as sim:
        add_device(db, "sw1", sim.port, "sw1", timeout_s=1.0, retries=0)
        try:
            window = app.open_store(db, interval=3600)
            bridge = window.bridge
            assert bridge is not None
            qtbot.waitUntil(lambda: bridge.last_cycle is not None, timeout=30_000)  # the schedule's first cycle
            assert messages == []  # Gi0/2 is down, but it is neither an uplink nor important
            (sw1,) = [r["id"] for r in rows(db, "SELECT id FROM devices")]
            window.show_device(sw1)
            page = window.device_page
            names = [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]
            menu = page.port_menu(page.proxy.index(names.index("Gi0/2"), 1))
            assert menu is not None
            important = next(a for a in menu.actions() if a.data() == "important")
            assert not important.isChecked()
            important.trigger()  # through the poller's writer
            qtbot.waitUntil(lambda: rows(db, "SELECT important FROM ports WHERE name = 'Gi0/2'")[0][0] == 1)
            qtbot.waitUntil(
                lambda: page.proxy.index(names.index("Gi0/2"), 1).data(Qt.ItemDataRole.ToolTipRole) is not None
            )
            wait_cycle(qtbot, app)
            qtbot.waitUntil(lambda: len(messages) == 1, timeout=5_000)
            assert messages[0] == ("Port down: sw1 Gi0/2", "The port is down (it is not administratively shut down).")
            sim.stop()
            for _ in range(3):
                wait_cycle(qtbot, app)
            qtbot.waitUntil(lambda: len(messages) == 2, timeout=5_000)
            assert messages[1][0] == "Device down: sw1"
            assert messages[1][1].startswith("3 polls in a row failed. Last error: ")
            tray.icon.messageClicked.emit()
            assert window.stack.currentWidget() is window.alerts_page
            qtbot.waitUntil(lambda: window.alerts_page.proxy.rowCount() == 2, timeout=5_000)
            assert window.alerts_action.text() == "Alerts (2)"
        finally:
            app.quit()
            tray.deleteLater()


def test_marking_a_port_an_uplink_from_the_ports_table(qtbot, english, db, conn) -> None:  # type: ignore[no-untyped-def]
    device = make_device(conn, "sw1")
    conn.execute(
        "INSERT INTO ports (device_id, key, ifindex, name, speed_bps, oper_status, present) VALUES (?, 'Gi0/5', 5,"
        " 'Gi0/5', 1000000000, 1, 1)",
        (device,),
    )
    conn.commit()
    window = MainWindow(db)  # no polling: it writes at once
    qtbot.addWidget(window)
    window.show_device(device)
    page = window.device_page
    index = page.proxy.index(0, 1)
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    menu = page.port_menu(index)
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["Important (alert when it goes down)", "Uplink"]
    next(a for a in menu.actions() if a.data() == "uplink").trigger()
    qtbot.waitUntil(lambda: page.proxy.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "uplink")
    assert rows(db, "SELECT is_uplink, important FROM ports")[0][:] == (1, 0)
    assert page.proxy.index(0, 1).data(Qt.ItemDataRole.DecorationRole) is not None
    again = page.port_menu(page.proxy.index(0, 1))
    assert again is not None and [a.isChecked() for a in again.actions()] == [False, True]
    window.close()


def test_cli_marks_a_port_important(db: Path, conn: sqlite3.Connection, capsys: pytest.CaptureFixture[str]) -> None:
    device = make_device(conn, "sw1")
    conn.execute("INSERT INTO ports (device_id, key, ifindex, name) VALUES (?, 'Gi0/2', 2, 'Gi0/2')", (device,))
    conn.commit()
    base = ["--db", str(db), "ports", "sw1", "--important"]
    assert cli([*base, "Gi0/2", "on"]) == 0
    assert capsys.readouterr().out == "sw1 Gi0/2: important (it alerts when it goes down)\n"
    assert rows(db, "SELECT important FROM ports")[0][0] == 1
    assert cli([*base, "Gi0/2", "maybe"]) == 2
    assert capsys.readouterr().err.strip().endswith("--important Gi0/2 'maybe': use on or off")
    assert cli([*base, "Gi0/9", "off"]) == 2
    assert "sw1 has no port 'Gi0/9'" in capsys.readouterr().err
    assert rows(db, "SELECT important FROM ports")[0][0] == 1  # the refused commands changed nothing
    assert cli([*base, "2", "off"]) == 0  # by ifIndex
    assert capsys.readouterr().out == "sw1 Gi0/2: not important\n"
    assert rows(db, "SELECT important FROM ports")[0][0] == 0


def test_cli_marks_a_port_an_uplink(db: Path, conn: sqlite3.Connection, capsys: pytest.CaptureFixture[str]) -> None:
    device = make_device(conn, "sw1")
    conn.execute("INSERT INTO ports (device_id, key, ifindex, name) VALUES (?, 'Gi0/2', 2, 'Gi0/2')", (device,))
    conn.commit()
    base = ["--db", str(db), "ports", "sw1"]
    assert cli([*base, "--uplink", "Gi0/2", "on"]) == 0
    assert capsys.readouterr().out == "sw1 Gi0/2: an uplink\n"
    assert rows(db, "SELECT is_uplink FROM ports")[0][0] == 1
    assert cli([*base, "--uplink", "Gi0/2", "yes"]) == 2
    assert cli([*base, "--uplink", "Gi0/2", "off", "--important", "Gi0/2", "on"]) == 2
    assert "give one of" in capsys.readouterr().err
    assert rows(db, "SELECT is_uplink, important FROM ports")[0][:] == (1, 0)  # refused commands changed nothing
    assert cli([*base, "--uplink", "2", "off"]) == 0
    assert rows(db, "SELECT is_uplink FROM ports")[0][0] == 0


def test_dashboard_names_alert_events_in_chinese(qtbot, chinese, db, conn, school) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(db)
    qtbot.addWidget(window)
    events = window.dashboard.events
    kinds = {events.item(r, 2).text() for r in range(events.rowCount())}
    assert {"告警", "告警已恢復"} <= kinds
    assert not {"alert", "alert_resolved"} & kinds
    window.close()
