"""The settings dialog over a real store, application preferences, and the tray (offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox

from gui.settings_dialog import AppPrefs, SettingsDialog, app_prefs, app_settings, estimate_bytes, save_app_prefs
from gui.tray import Tray, app_icon, paint_icon
from monitor.storage.settings import PollSettings, load_settings, save_settings
from monitor.storage.store import connect


@pytest.fixture(autouse=True)
def user_settings(tmp_path: Path) -> Path:
    """Preferences go to a temporary folder, never to the user's real CampusNet.ini."""
    folder = tmp_path / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def conn(tmp_path: Path) -> Iterable[sqlite3.Connection]:
    c = connect(tmp_path / "t.db")
    yield c
    c.close()


def open_dialog(qtbot, conn: sqlite3.Connection) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(conn)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def press_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_preferences_live_in_the_temporary_folder(user_settings: Path) -> None:
    assert Path(app_settings().fileName()).is_relative_to(user_settings)
    assert app_prefs() == AppPrefs("system", close_to_tray=True, start_minimized=False)
    save_app_prefs(AppPrefs("zh_TW", close_to_tray=False, start_minimized=True))
    assert app_prefs() == AppPrefs("zh_TW", close_to_tray=False, start_minimized=True)
    assert (user_settings / "CampusNet" / "CampusNet.ini").is_file()


def test_unknown_language_preference_means_system() -> None:
    qs = app_settings()
    qs.setValue("app/language", "klingon")
    qs.sync()
    assert app_prefs().language == "system"


def test_dialog_shows_stored_values(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    save_settings(conn, PollSettings(poll_interval_s=300, concurrency=4, snmp_timeout_s=5.5, retention_2h_days=500))
    save_app_prefs(AppPrefs("en", close_to_tray=False))
    dialog = open_dialog(qtbot, conn)
    assert dialog.spins["poll_interval_s"].value() == 300
    assert dialog.spins["concurrency"].value() == 4
    assert dialog.spins["snmp_timeout_s"].value() == 5.5
    assert dialog.spins["snmp_retries"].value() == 1
    assert dialog.spins["retention_2h_days"].value() == 500
    assert dialog.spins["retention_raw_days"].value() == 7
    assert dialog.language.currentData() == "en"
    assert not dialog.close_to_tray.isChecked()
    assert dialog.spins["poll_interval_s"].suffix() == " s"


def test_spin_boxes_cannot_leave_the_valid_ranges(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, conn)
    bounds = {name: (box.minimum(), box.maximum()) for name, box in dialog.spins.items()}
    assert bounds["poll_interval_s"] == (10, 3600)
    assert bounds["concurrency"] == (1, 256)
    assert bounds["snmp_timeout_s"] == (0.2, 30)
    assert bounds["retention_1d_days"] == (365, 3660)
    dialog.spins["concurrency"].setValue(1000)
    assert dialog.spins["concurrency"].value() == 256


def test_ok_saves_to_the_store_and_emits(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, conn)
    dialog.spins["poll_interval_s"].setValue(120)
    dialog.spins["retention_raw_days"].setValue(14)
    languages: list[str] = []
    dialog.languageChanged.connect(languages.append)
    with qtbot.waitSignal(dialog.settingsChanged, timeout=1000) as blocker:
        press_ok(dialog)
    expected = PollSettings(poll_interval_s=120, retention_raw_days=14)
    assert blocker.args == [expected]
    assert load_settings(conn) == expected
    assert languages == []  # the language did not change
    assert dialog.result() == SettingsDialog.DialogCode.Accepted


def test_configuration_backups_can_be_scheduled_or_turned_off(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, conn)
    box = dialog.spins["config_backup_hours"]
    assert box.value() == 24 and (box.minimum(), box.maximum()) == (0, 720)
    box.setValue(0)
    assert box.text() == "Off"
    press_ok(dialog)
    assert load_settings(conn).config_backup_hours == 0
    assert dict(conn.execute("SELECT key, value FROM settings").fetchall())["backup.interval_h"] == "0"


def test_cancel_saves_nothing(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, conn)
    dialog.spins["poll_interval_s"].setValue(120)
    dialog.close_to_tray.setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert conn.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0
    assert app_prefs().close_to_tray


def test_restore_defaults(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    save_settings(conn, PollSettings(poll_interval_s=900, retention_1d_days=3000))
    dialog = open_dialog(qtbot, conn)
    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.poll_settings() == PollSettings()


def test_language_change_emits_and_is_stored(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, conn)
    dialog.language.setCurrentIndex(dialog.language.findData("zh_TW"))
    dialog.start_minimized.setChecked(True)
    with qtbot.waitSignal(dialog.languageChanged, timeout=1000) as blocker:
        press_ok(dialog)
    assert blocker.args == ["zh_TW"]
    assert app_prefs() == AppPrefs("zh_TW", close_to_tray=True, start_minimized=True)


def test_failed_save_is_shown_and_keeps_the_dialog_open(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "ro.db"
    connect(db).close()
    readonly = connect(db, readonly=True)
    dialog = open_dialog(qtbot, readonly)
    dialog.spins["concurrency"].setValue(8)
    emitted: list[object] = []
    dialog.settingsChanged.connect(emitted.append)
    press_ok(dialog)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "readonly" in dialog.error_label.text() or "read-only" in dialog.error_label.text()
    assert emitted == []
    readonly.close()


def test_disk_hint_follows_the_retention(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, conn)
    assert "per port" in dialog.disk_hint.text()
    before = dialog.disk_hint.text()
    dialog.spins["retention_raw_days"].setValue(31)
    assert dialog.disk_hint.text() != before


def test_disk_hint_counts_the_ports(qtbot, conn: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    conn.execute("INSERT INTO devices (name, host, created) VALUES ('core', '10.0.0.1', 0)")
    conn.executemany("INSERT INTO ports (device_id, key) VALUES (1, ?)", [(f"Gi0/{i}",) for i in range(10)])
    conn.commit()
    # Defaults, one port: 7 days of 1-minute raw rows, then 5-minute, 30-minute, 2-hour and daily rollups.
    rows_raw, rows_rollup = 7 * 1440, 90 * 288 + 90 * 48 + 396 * 12 + 1830
    assert estimate_bytes(PollSettings()) == rows_raw * 110 + rows_rollup * 90
    dialog = open_dialog(qtbot, conn)
    assert dialog.disk_hint.text() == "About 44 MB of history for 10 port(s) at this polling interval."


# ---------------------------------------------------------------------------------------------------- tray


@pytest.fixture
def tray(qapp) -> Iterable[Tray]:  # type: ignore[no-untyped-def]
    t = Tray(app_icon())
    yield t
    t.hide()
    t.deleteLater()


def test_tray_is_not_available_offscreen(tray: Tray) -> None:
    assert Tray.available() is False


def test_tray_menu_actions_emit(qtbot, tray: Tray) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tray.openRequested, timeout=1000):
        tray.open_action.trigger()
    with qtbot.waitSignal(tray.pollNowRequested, timeout=1000):
        tray.poll_action.trigger()
    with qtbot.waitSignal(tray.quitRequested, timeout=1000):
        tray.quit_action.trigger()
    assert [a.text() for a in tray.menu.actions() if not a.isSeparator()] == [
        "Open CampusNet",
        "Poll now",
        "Pause polling",
        "Quit",
    ]


def test_tray_pause_toggles_text_and_state(qtbot, tray: Tray) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tray.pauseToggled, timeout=1000) as paused:
        tray.pause_action.trigger()
    assert paused.args == [True]
    assert tray.pause_action.text() == "Resume polling" and tray.paused
    with qtbot.waitSignal(tray.pauseToggled, timeout=1000) as resumed:
        tray.pause_action.trigger()
    assert resumed.args == [False]
    assert tray.pause_action.text() == "Pause polling"
    tray.set_paused(True)  # the app paused from the window: the menu follows
    assert tray.pause_action.text() == "Resume polling"


def test_tray_status_and_notify(tray: Tray) -> None:
    tray.set_status("CampusNet — 2 devices down")
    assert tray.icon.toolTip() == "CampusNet — 2 devices down"
    tray.notify("CampusNet", "core-sw is not answering")  # no tray offscreen: must not raise


def test_app_icon_sizes_and_colour(qapp) -> None:  # type: ignore[no-untyped-def]
    icon = app_icon()
    assert sorted(s.width() for s in icon.availableSizes()) == [16, 32, 64, 256]
    image = paint_icon(64).toImage()
    assert image.pixelColor(32, 4) == QColor("#1565c0")  # blue background
    assert image.pixelColor(0, 0).alpha() == 0  # rounded, transparent corner
    shipped = Path(__file__).resolve().parent.parent / "gui" / "icons" / "campusnet.png"
    assert shipped.is_file()
