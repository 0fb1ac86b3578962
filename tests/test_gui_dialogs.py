"""The add/edit device dialog and the CSV import dialog, driven through their widgets (offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from gui.csv_dialog import CsvImportDialog, _running, write_template
from gui.device_dialog import DeviceDialog
from monitor.polling.scheduler import CoreLoop
from monitor.storage import inventory
from monitor.storage.csv_import import COLUMNS
from tests.peers import SnmpSim


@pytest.fixture
def core() -> Iterator[CoreLoop]:
    loop = CoreLoop()
    yield loop
    loop.stop()
    assert not loop._thread.is_alive()


@pytest.fixture
def dialog(qtbot, store, core: CoreLoop) -> DeviceDialog:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    dlg = DeviceDialog(conn, secrets, core.submit)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def click_ok(qtbot, dlg: QDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def fill(qtbot, dlg: DeviceDialog, name: str, host: str, community: str = "") -> None:  # type: ignore[no-untyped-def]
    dlg.name_edit.clear()
    qtbot.keyClicks(dlg.name_edit, name)
    dlg.host_edit.clear()
    qtbot.keyClicks(dlg.host_edit, host)
    qtbot.keyClicks(dlg.community_edit, community)


def test_bad_host_is_refused_with_a_visible_message(qtbot, dialog: DeviceDialog, store) -> None:  # type: ignore[no-untyped-def]
    conn = store[0]
    fill(qtbot, dialog, "core-sw", "300.1.1.1", "secret")
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "not an IP address" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.host_edit
    assert inventory.list_devices(conn) == []


def test_missing_community_is_refused_without_cli_hints(qtbot, dialog: DeviceDialog, store) -> None:  # type: ignore[no-untyped-def]
    fill(qtbot, dialog, "core-sw", "192.0.2.1")
    click_ok(qtbot, dialog)
    assert dialog.error_label.text() == "Cannot save: SNMP v1/v2c needs a community"
    assert dialog.focusWidget() is dialog.community_edit
    assert inventory.list_devices(store[0]) == []


def test_good_input_is_added_to_the_store(qtbot, dialog: DeviceDialog, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    fill(qtbot, dialog, "core-sw", "192.0.2.1", "s3cret")
    dialog.port_spin.setValue(1161)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("router"))
    dialog.location_combo.setCurrentText("機房")
    dialog.platform_combo.setCurrentText("cisco_ios")
    dialog.ssh_toggle.click()
    assert dialog.ssh_box.isVisible()
    qtbot.keyClicks(dialog.ssh_user_edit, "admin")
    qtbot.keyClicks(dialog.ssh_password_edit, "ssh-pass")
    with qtbot.waitSignal(dialog.saved) as saved:
        click_ok(qtbot, dialog)
    assert saved.args == ["core-sw"]
    assert dialog.result() == QDialog.DialogCode.Accepted
    row = inventory.get_device(conn, "core-sw")
    assert (row["host"], row["snmp_port"], row["role"], row["location"], row["platform"]) == (
        "192.0.2.1",
        1161,
        "router",
        "機房",
        "cisco_ios",
    )
    assert (row["ssh_user"], row["ssh_port"], row["ssh_host"]) == ("admin", 22, None)
    assert secrets.get("core-sw", "community") == "s3cret"
    assert secrets.get("core-sw", "ssh_password") == "ssh-pass"


def test_v3_fields_only_for_version_3(qtbot, dialog: DeviceDialog, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    assert not dialog.v3_user_edit.isVisible()
    assert dialog.community_edit.isVisible()
    dialog.version_combo.setCurrentIndex(dialog.version_combo.findData("3"))
    assert dialog.v3_user_edit.isVisible() and dialog.v3_priv_key_edit.isVisible()
    assert not dialog.community_edit.isVisible()
    fill(qtbot, dialog, "v3-sw", "192.0.2.3")
    qtbot.keyClicks(dialog.v3_user_edit, "monitor")
    dialog.v3_auth_combo.setCurrentIndex(dialog.v3_auth_combo.findData("sha256"))
    qtbot.keyClicks(dialog.v3_auth_key_edit, "short")
    click_ok(qtbot, dialog)
    assert "auth key must be at least 8 characters" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.v3_auth_key_edit
    qtbot.keyClicks(dialog.v3_auth_key_edit, "-but-longer")
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    row = inventory.get_device(conn, "v3-sw")
    assert (row["snmp_version"], row["v3_user"], row["v3_auth"], row["v3_priv"]) == ("3", "monitor", "sha256", None)
    assert secrets.get("v3-sw", "v3_auth_key") == "short-but-longer"
    dialog.version_combo.setCurrentIndex(dialog.version_combo.findData("1"))
    assert not dialog.v3_user_edit.isVisible()


def test_editing_keeps_a_blank_community(qtbot, store, core: CoreLoop) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    inventory.add_device(
        conn, secrets, inventory.DeviceSpec("lib-sw", "192.0.2.9", location="圖書館", secrets={"community": "old"})
    )
    dlg = DeviceDialog(conn, secrets, core.submit, device_name="lib-sw")
    qtbot.addWidget(dlg)
    dlg.show()
    assert (dlg.name_edit.text(), dlg.host_edit.text(), dlg.location_combo.currentText()) == (
        "lib-sw",
        "192.0.2.9",
        "圖書館",
    )
    assert dlg.community_edit.text() == ""
    assert "unchanged" in dlg.community_edit.placeholderText()
    assert dlg.location_combo.findText("圖書館") >= 0  # existing locations offered
    dlg.host_edit.setText("192.0.2.10")
    dlg.name_edit.setText("library-sw")
    click_ok(qtbot, dlg)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert inventory.get_device(conn, "library-sw")["host"] == "192.0.2.10"
    assert secrets.get("library-sw", "community") == "old"
    assert secrets.get("lib-sw", "community") is None


def test_connection_test_names_the_device(qtbot, dialog: DeviceDialog, tmp_path: Path, snmprec_dir: Path) -> None:  # type: ignore[no-untyped-def]
    sim = SnmpSim(tmp_path, recordings={"ios_2960x": snmprec_dir / "ios_2960x.snmprec"}).start()
    try:
        fill(qtbot, dialog, "", "127.0.0.1", "ios_2960x")
        dialog.port_spin.setValue(sim.port)
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert dialog.test_status.text() == "Testing…"
        assert dialog.cancel_test_button.isVisible() and not dialog.test_button.isEnabled()
        qtbot.waitUntil(lambda: not dialog.test_running and dialog.test_status.text() != "Testing…", timeout=15_000)
    finally:
        sim.close()
    text = dialog.test_status.text()
    assert text.startswith("Answered in ") and "Cisco" in text, text
    assert "#2e7d32" in dialog.test_status.styleSheet()
    assert dialog.test_button.isEnabled() and not dialog.cancel_test_button.isVisible()


def test_connection_test_against_a_closed_port(qtbot, dialog: DeviceDialog) -> None:  # type: ignore[no-untyped-def]
    fill(qtbot, dialog, "gone", "127.0.0.1", "public")
    dialog.port_spin.setValue(9)
    dialog.timeout_spin.setValue(0.3)
    dialog.retries_spin.setValue(0)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no answer" in dialog.test_status.text(), timeout=10_000)
    assert "#c62828" in dialog.test_status.styleSheet()


@pytest.fixture
def chinese(qapp):  # type: ignore[no-untyped-def]
    """The window speaks Traditional Chinese for the test, English again afterwards."""
    from gui.i18n import install_translator

    install_translator(qapp, "zh_TW")
    yield
    install_translator(qapp, "en")


def test_core_errors_show_in_chinese(qtbot, chinese, store, core: CoreLoop) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _ = store
    dialog = DeviceDialog(conn, secrets, core.submit)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, "core-sw", "300.1.1.1", "secret")
    click_ok(qtbot, dialog)
    assert dialog.error_label.text() == "無法儲存：主機 '300.1.1.1' 不是 IP 位址或主機名稱"
    assert dialog.focusWidget() is dialog.host_edit  # the field is still found from the English text
    fill(qtbot, dialog, "core-sw", "192.0.2.1")
    dialog.community_edit.clear()
    click_ok(qtbot, dialog)
    assert dialog.error_label.text() == "無法儲存：SNMP v1/v2c 需要社群字串"  # no command-line hint in the window
    fill(qtbot, dialog, "gone", "127.0.0.1", "public")
    dialog.port_spin.setValue(9)
    dialog.timeout_spin.setValue(0.3)
    dialog.retries_spin.setValue(0)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "沒有回應" in dialog.test_status.text(), timeout=10_000)
    assert dialog.test_status.text() == (
        "無法連線：127.0.0.1:9 在 0.3 秒 × 1 次嘗試內沒有回應：請檢查位址、社群字串與存取控制清單（ACL）"
    )


def test_bad_input_is_reported_by_the_test_button(qtbot, dialog: DeviceDialog) -> None:  # type: ignore[no-untyped-def]
    fill(qtbot, dialog, "", "300.1.1.1", "public")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "not an IP address" in dialog.test_status.text()
    assert not dialog.test_running


def test_cancel_stops_a_running_test(qtbot, dialog: DeviceDialog) -> None:  # type: ignore[no-untyped-def]
    fill(qtbot, dialog, "slow", "127.0.0.1", "public")
    dialog.port_spin.setValue(9)
    dialog.timeout_spin.setValue(10)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    future = dialog._future
    assert future is not None and dialog.test_running
    qtbot.mouseClick(dialog.cancel_test_button, Qt.MouseButton.LeftButton)
    assert future.cancelled()
    assert dialog.test_status.text() == "Test cancelled."
    assert dialog.test_button.isEnabled()
    qtbot.wait(100)
    assert dialog.test_status.text() == "Test cancelled."


def test_closing_the_dialog_cancels_a_running_test(qtbot, dialog: DeviceDialog) -> None:  # type: ignore[no-untyped-def]
    fill(qtbot, dialog, "slow", "127.0.0.1", "public")
    dialog.port_spin.setValue(9)
    dialog.timeout_spin.setValue(10)
    dialog.start_test()
    future = dialog._future
    assert future is not None
    dialog.reject()
    assert future.cancelled()


def write_csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "devices.csv"
    path.write_text("name,host,community,location\n" + "".join(row + "\n" for row in rows), encoding="utf-8-sig")
    return path


def test_csv_dialog_imports_and_lists_rejected_rows(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    path = write_csv(
        db.parent, ["sw1,192.0.2.1,pub,機房", "sw2,300.1.1.1,pub,", "sw1,192.0.2.3,pub,", "sw4,192.0.2.4,pub,"]
    )
    dlg = CsvImportDialog(db)
    qtbot.addWidget(dlg)
    dlg.show()
    with qtbot.waitSignal(dlg.devicesAdded, timeout=10_000) as added:
        dlg.import_file(path)
    assert added.args == [2]
    qtbot.waitUntil(lambda: not dlg.importing, timeout=5_000)
    assert dlg.summary.text() == "2 devices added, 2 rejected"
    table = dlg.rejected_table
    assert table.isVisible()
    cells = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert cells[0][:2] == ["3", "sw2"] and "not an IP address" in cells[0][2]
    assert cells[1][:2] == ["4", "sw1"] and "appears twice" in cells[1][2]
    assert [r["name"] for r in inventory.list_devices(conn)] == ["sw1", "sw4"]
    assert secrets.get("sw4", "community") == "pub"
    assert not dlg.progress.isVisible()


def test_csv_dialog_reports_a_refused_file(qtbot, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = store[2]
    path = tmp_path / "bad.csv"
    path.write_text("name,host,colour\nsw,192.0.2.1,red\n", encoding="utf-8")
    dlg = CsvImportDialog(db)
    qtbot.addWidget(dlg)
    dlg.import_file(path)
    qtbot.waitUntil(lambda: not dlg.importing, timeout=10_000)
    assert dlg.summary.text().startswith("Nothing imported: unknown column(s) 'colour'")
    assert dlg.report is None


def test_csv_dialog_cancel_stops_a_large_import(qtbot, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    conn, _, db = store
    path = write_csv(tmp_path, [f"sw{i},192.0.2.{i % 250 + 1},pub," for i in range(3000)])
    dlg = CsvImportDialog(db)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.import_file(path)
    assert dlg.progress.isVisible() and dlg.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dlg.progress.value() > 0, timeout=20_000)
    with qtbot.waitSignal(dlg.devicesAdded, timeout=20_000) as added:
        qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)
    assert 0 < added.args[0] < 3000
    assert dlg.report is not None and dlg.report.cancelled
    assert "cancelled" in dlg.summary.text()
    qtbot.waitUntil(lambda: not dlg.importing, timeout=5_000)
    assert len(inventory.list_devices(conn)) == added.args[0]


def test_template_is_utf8_with_bom_and_importable(qtbot, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, secrets, db = store
    path = tmp_path / "template.csv"
    write_template(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert len(lines) == 3 and "192.0.2.1" in lines[1] and "192.0.2.2" in lines[2]
    dlg = CsvImportDialog(db)
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.devicesAdded, timeout=10_000) as added:
        dlg.import_file(path)
    assert added.args == [2]
    assert secrets.get("library-ap", "v3_priv_key") == "priv-key-change-me"


def test_deleting_the_dialog_mid_import_does_not_abort(qtbot, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    conn, _, db = store
    path = write_csv(tmp_path, [f"sw{i},192.0.2.{i % 250 + 1},pub," for i in range(200)])
    dlg = CsvImportDialog(db)
    dlg.import_file(path)
    assert dlg.importing and _running
    del dlg  # no close(): the C++ dialog goes with its Python wrapper while the import runs
    qtbot.waitUntil(lambda: not _running, timeout=30_000)
    assert len(inventory.list_devices(conn)) == 200
