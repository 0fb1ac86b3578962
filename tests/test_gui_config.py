"""The configuration page against the Cisco IOS emulator (offscreen): preview, push, history and diff."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QTableWidget

from devices.emulators import EmulatedDevice
from gui.config_page import ConfigPage
from monitor.cli.main import main as cli
from monitor.polling.scheduler import CoreLoop
from monitor.storage.store import connect

SSH_PASSWORD = "Ssh-Pa55word"
RADIUS_SECRET = "Rad1us-S3cret"


@pytest.fixture
def switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    monkeypatch.setenv("COMM", "public")
    monkeypatch.setenv("SSHPW", SSH_PASSWORD)
    monkeypatch.setenv("RAD", RADIUS_SECRET)
    with EmulatedDevice("cisco_ios", password=SSH_PASSWORD, privileged=True, revert_seconds_per_minute=60) as dev:
        # VTP transparent: the VLANs a push adds show in the running config (and in its diffs).
        dev.set_running_config(dev.running_config + "vtp mode transparent\n")
        db = tmp_path / "inventory.db"
        add = ["--db", str(db), "device", "add", "sw1", "--host", "127.0.0.1", "--community-env", "COMM"]
        add += ["--platform", "cisco_ios", "--ssh-host", "127.0.0.1", "--ssh-port", str(dev.port)]
        add += ["--ssh-user", dev.username, "--ssh-password-env", "SSHPW"]
        assert cli(add) == 0
        assert cli(["--db", str(db), "secret", "set", "county-radius", "--value-env", "RAD"]) == 0
        capsys.readouterr()
        yield dev, db


@pytest.fixture
def page(qtbot: Any, switch: Any) -> Iterator[ConfigPage]:
    _dev, db = switch
    core = CoreLoop()
    conn = connect(db)
    widget = ConfigPage(db, conn, core.submit)
    qtbot.addWidget(widget)
    try:
        yield widget
    finally:
        qtbot.waitUntil(lambda: not widget.busy, timeout=60_000)
        core.stop()
        conn.close()


def all_text(page: ConfigPage) -> str:
    parts: list[str] = []
    for table in page.findChildren(QTableWidget):
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                if item is not None:
                    parts.append(item.text())
    parts += [w.toPlainText() for w in page.findChildren(QPlainTextEdit)]
    parts += [w.text() for w in page.findChildren(QLabel)]
    parts += [w.text() for w in page.findChildren(QLineEdit)]
    parts += [w.currentText() for w in page.findChildren(QComboBox)]
    return "\n".join(parts)


def row_of(page: ConfigPage, name: str) -> tuple[str, ...]:
    model = page.results.model()
    for r in range(model.rowCount()):
        if model.index(r, 0).data() == name:
            return tuple(str(model.index(r, c).data()) for c in range(4))
    raise AssertionError(f"{name} not in the results")


def test_preview_push_history_and_diff(qtbot: Any, switch: Any, page: ConfigPage) -> None:
    dev, _db = switch
    assert [page.device_list.item(i).text() for i in range(page.device_list.count())] == ["sw1"]
    page.template_combo.setCurrentIndex(page.template_combo.findData("roaming"))
    page.set_checked(["sw1"])

    with qtbot.waitSignal(page.finished, timeout=60_000):
        assert page.preview()
    _device, status, compliance, message = row_of(page, "sw1")
    assert page.outcomes["sw1"].status == "preview" and status == "previewed", message
    assert "missing" in compliance  # the roaming lines are not on the switch yet
    assert "vlan 200" in page.outcomes["sw1"].change
    assert "vlan 200" in page.detail.toPlainText()
    assert not any(c.startswith("conf") for c in dev.commands)  # nothing sent in config mode
    assert not dev.has_line("vlan 200")

    with qtbot.waitSignal(page.finished, timeout=120_000):
        assert page.push(confirm=False)
    _device, status, compliance, message = row_of(page, "sw1")
    assert status == "applied and saved", message
    assert compliance == "ok"  # checked against the backup taken after the push
    assert dev.has_line("vlan 200")
    assert page.backups.rowCount() >= 2
    assert "+vlan 200" in page.diff_view.toPlainText()

    # The push is in the device's history (newest first, after the dry run); selecting it shows what was sent.
    pushes = [tuple(page.pushes.item(r, c).text() for c in range(4)) for r in range(page.pushes.rowCount())]
    assert [(p[1], p[2]) for p in pushes] == [("roaming", "applied and saved")]  # a preview is not a push
    page.pushes.selectRow(0)
    shown = page.diff_view.toPlainText()
    assert "pushed roaming" in shown and "vlan 200" in shown

    text = all_text(page)
    assert SSH_PASSWORD not in text
    assert RADIUS_SECRET not in text


def test_preview_shows_a_missing_secret_per_device(qtbot: Any, switch: Any, page: ConfigPage) -> None:
    dev, db = switch
    assert cli(["--db", str(db), "secret", "remove", "county-radius"]) == 0
    page.set_checked(["sw1"])
    with qtbot.waitSignal(page.finished, timeout=60_000):
        assert page.preview()
    _device, _status, _compliance, message = row_of(page, "sw1")
    assert page.outcomes["sw1"].status == "error" and "county-radius" in message
    with qtbot.waitSignal(page.finished, timeout=60_000):
        assert page.push(confirm=False)
    assert page.outcomes["sw1"].status == "error"
    assert not dev.has_line("vlan 200")


def test_overrides_change_the_profile_for_the_one_ssid_case(qtbot: Any, switch: Any, page: ConfigPage) -> None:
    _dev, _db = switch
    page.template_combo.setCurrentIndex(page.template_combo.findData("roaming"))
    page.set_checked(["sw1"])
    page.overrides_edit.setText("vlan=321")
    with qtbot.waitSignal(page.finished, timeout=60_000):
        assert page.preview()
    assert page.outcomes["sw1"].status == "preview", page.outcomes["sw1"].message
    assert "vlan 321" in page.outcomes["sw1"].change and "vlan 200" not in page.outcomes["sw1"].change


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ("vlan=4095", "vlan"),
        ('banner="two\nlines"', "banner contains a control character (newline)"),
        ('ssid="a\x1bb"', "ssid contains a control character (ESC)"),
        ("ssid=" + "x" * 33, "33 bytes"),
        ("novalue", "KEY=VALUE"),
    ],
)
def test_bad_overrides_are_refused_before_anything_connects(
    qtbot: Any, switch: Any, page: ConfigPage, overrides: str, expected: str
) -> None:
    dev, _db = switch
    page.set_checked(["sw1"])
    page.overrides_edit.setText(overrides)
    with qtbot.waitSignal(page.finished, timeout=60_000):
        assert page.push(confirm=False)
    assert expected in page.progress_label.text() or expected in row_of(page, "sw1")[3]
    assert dev.sessions == 0


def test_unbalanced_quote_in_overrides_does_not_start(page: ConfigPage) -> None:
    page.set_checked(["sw1"])
    page.overrides_edit.setText('banner="unfinished')
    assert not page.preview()
    assert not page.busy and "quotation" in page.progress_label.text()


def test_nothing_checked_does_not_start(page: ConfigPage) -> None:
    page.set_checked([])
    assert not page.preview()
    assert not page.push(confirm=False)
    assert not page.busy


def test_main_window_opens_the_page(qtbot: Any, tmp_path: Path) -> None:
    from gui.main_window import MainWindow

    window = MainWindow(tmp_path / "w.db")
    qtbot.addWidget(window)
    assert window.config_action in window.device_menu.actions()
    assert window.config_action in window.toolbar.actions()
    window.config_action.trigger()
    assert isinstance(window.stack.currentWidget(), ConfigPage)
    window.close()


def test_device_without_a_configuration_driver_is_greyed_out_with_the_reason(
    qtbot: Any, switch: Any, page: ConfigPage
) -> None:
    _dev, db = switch
    add = ["--db", str(db), "device", "add", "edge1", "--host", "127.0.0.1", "--community-env", "COMM"]
    add += ["--platform", "mikrotik_routeros", "--ssh-user", "admin", "--ssh-password-env", "SSHPW"]
    assert cli(add) == 0
    page.reload()
    items = {page.device_list.item(i).data(0x0100): page.device_list.item(i) for i in range(page.device_list.count())}
    names = [page.device_list.item(i).text() for i in range(page.device_list.count())]
    assert "edge1 (not supported)" in names
    greyed = next(i for i in items.values() if i.text().startswith("edge1"))
    assert "no configuration driver for mikrotik_routeros (supported: " in greyed.toolTip()
    page.set_checked(["sw1", "edge1"])
    assert page.checked_devices() == ["sw1"]


def test_the_profile_secrets_are_stored_from_the_page(qtbot: Any, switch: Any, page: ConfigPage) -> None:
    from gui.config_dialogs import SecretsDialog

    _dev, db = switch
    assert cli(["--db", str(db), "secret", "remove", "county-radius"]) == 0
    page.edit_secrets()
    dialog = page.secrets_dialog
    assert isinstance(dialog, SecretsDialog)
    assert set(dialog.fields) == {"county-radius", "snmpv3-auth", "snmpv3-priv"}
    assert dialog.states["county-radius"].text() == "MISSING"
    dialog.fields["snmpv3-auth"].setText("short")  # SNMPv3 keys need 8 characters: nothing is stored
    dialog.fields["county-radius"].setText("New-Rad1us-Key")
    assert not dialog.save() and "snmpv3-auth must be 8-128 characters" in dialog.error.text()
    assert dialog.secrets.get_named("county-radius") is None
    dialog.fields["snmpv3-auth"].clear()
    assert dialog.save()
    assert dialog.states["county-radius"].text() == "stored"
    assert dialog.secrets.get_named("county-radius") == "New-Rad1us-Key"
    assert dialog.fields["county-radius"].text() == ""  # never shown again
    dialog.close()


def test_an_interrupted_push_is_shown_looked_at_and_rolled_back(qtbot: Any, switch: Any, page: ConfigPage) -> None:
    from devices.config.drivers import driver_for
    from devices.push import configs_equal
    from monitor.configuration import configs
    from monitor.configuration.journal import PushJournal
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets

    dev, db = switch
    before = dev.running_config
    # What a push killed after its first lines leaves: a journal entry at 'send' (its process gone, so its device
    # lock free) and a switch holding part of the change.
    conn = connect(db)
    secrets = open_secrets(db, inventory.store_id(conn))
    device_id = int(inventory.get_device(conn, "sw1")["id"])
    backup_id = configs.ConfigArchive(conn, secrets).save_backup(device_id, before, "push-before")
    entries = PushJournal(conn, secrets, db)
    entry = entries.begin(device_id, "sw1", "roaming", "", "ios_timer")
    lines = ["vlan 200", " name ROAM-200", "vlan 201", " name ROAM-201"]
    entries.step(entry, "plan", backup_id=backup_id, intent={"lines": lines, "secrets": []})
    entries.step(entry, "send", sent=2)
    entries._release(entry)
    conn.close()
    dev.set_running_config(before + "vlan 200\n name ROAM-200\n")

    page.check_interrupted()
    assert page.look_button.isVisibleTo(page) and "sw1" in page.interrupted_label.text()
    with qtbot.waitSignal(page._looked, timeout=60_000):
        page.look_at_interrupted()
    dialog = page.interrupted_dialog
    assert ("sw1", "rollback") in dialog.buttons and ("sw1", "finish") not in dialog.buttons
    with qtbot.waitSignal(page._recovered, timeout=60_000):
        dialog.buttons[("sw1", "rollback")].click()
    assert "sw1: rolled back" in page.progress_label.text(), page.progress_label.text()
    assert not page.look_button.isVisibleTo(page)
    assert configs_equal(driver_for("cisco_ios"), dev.running_config, before)


def test_roll_back_to_a_backup_from_the_history(qtbot: Any, switch: Any, page: ConfigPage) -> None:
    dev, _db = switch
    page.template_combo.setCurrentIndex(page.template_combo.findData("roaming"))
    page.set_checked(["sw1"])
    with qtbot.waitSignal(page.finished, timeout=120_000):
        assert page.push(confirm=False)
    assert dev.has_line("vlan 200")  # the fixture runs the switch in VTP transparent mode: VLANs are printed
    page.show_history("sw1")
    rows = [page.backups.item(r, 2).text() for r in range(page.backups.rowCount())]
    page.backups.selectRow(rows.index("push-before"))
    with qtbot.waitSignal(page.finished, timeout=120_000):
        assert page.restore_selected(confirm=False)
    assert page.outcomes["sw1"].status == "applied", page.outcomes["sw1"].message
    assert not dev.has_line("name ROAM-200")
