"""The settings dialog, and the application preferences kept outside the store.

Two kinds of settings:

- polling and history (:class:`monitor.storage.settings.PollSettings`) belong to the store, so the headless service
over the
  same store uses them too; the dialog loads and saves them with :mod:`monitor.storage.settings`;
- application preferences (:class:`AppPrefs`: language, tray behaviour) belong to the person at this computer and
  live in an INI file from :func:`app_settings` (organization and application "CampusNet").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.plain_text import plain
from monitor.storage.settings import FIELDS, PollSettings, load_settings, save_settings

# Rough bytes per stored row (table row plus its share of the primary key index), for the disk-use hint.
_RAW_ROW_BYTES = 110
_ROLLUP_ROW_BYTES = 90
_DAY = 86400


# ---------------------------------------------------------------------------------------------- preferences


@dataclass
class AppPrefs:
    """Preferences of the desktop app on this computer.

    Attributes:
        language: "system" (follow the desktop), "en" or "zh_TW".
        close_to_tray: closing the window keeps polling in the system tray (when the desktop has one).
        start_minimized: start in the tray without showing the window (when the desktop has a tray).
    """

    language: str = "system"
    close_to_tray: bool = True
    start_minimized: bool = False


def app_settings() -> QSettings:
    """The user's CampusNet preferences file (INI format on every platform, in the user's config folder).

    Tests redirect it with ``QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)``.
    """
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "CampusNet", "CampusNet")


def app_prefs(settings: QSettings | None = None) -> AppPrefs:
    """The stored preferences; defaults for anything missing or not understood."""
    qs = settings or app_settings()
    default = AppPrefs()
    language = str(qs.value("app/language", default.language))
    return AppPrefs(
        language=language if language in ("system", "en", "zh_TW") else default.language,
        close_to_tray=bool(qs.value("app/close_to_tray", default.close_to_tray, type=bool)),
        start_minimized=bool(qs.value("app/start_minimized", default.start_minimized, type=bool)),
    )


def save_app_prefs(prefs: AppPrefs, settings: QSettings | None = None) -> None:
    """Store the preferences (written to disk at once)."""
    qs = settings or app_settings()
    for f in fields(prefs):
        qs.setValue(f"app/{f.name}", getattr(prefs, f.name))
    qs.sync()


# ---------------------------------------------------------------------------------------------- the dialog


def _spin(name: str, suffix: str) -> QSpinBox | QDoubleSpinBox:
    """A spin box limited to the range :mod:`monitor.storage.settings` accepts for field ``name``."""
    spec = FIELDS[name]
    box: QSpinBox | QDoubleSpinBox
    if spec.kind is int:
        box = QSpinBox()
        box.setRange(int(spec.low), int(spec.high))
    else:
        box = QDoubleSpinBox()
        fine = spec.low < 1  # sub-second values matter for timeouts, not for the polling interval
        box.setDecimals(1 if fine else 0)
        box.setSingleStep(0.5 if fine else 10)
        box.setRange(spec.low, spec.high)
    box.setSuffix(suffix)
    box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    return box


class SettingsDialog(QDialog):
    """Polling, history and application settings.

    On OK the polling and history settings are saved to the store, the application preferences to
    :func:`app_settings`, and the dialog tells the app what changed. A save that fails (store locked or read-only)
    keeps the dialog open and says why.

    Attributes:
        spins: field name of :class:`PollSettings` -> its spin box.
        language: combo box of "system", "en", "zh_TW" (item data).
        close_to_tray, start_minimized: the tray check boxes.
        error_label: where a failed save is explained.

    Signals:
        settingsChanged(object): the saved :class:`PollSettings`.
        languageChanged(str): the new language preference ("system", "en" or "zh_TW"), only when it changed.
        channelsRequested(): "Notifications…" was clicked (the window opens the notification channels).
    """

    settingsChanged = Signal(object)
    languageChanged = Signal(str)
    channelsRequested = Signal()

    def __init__(self, conn: sqlite3.Connection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conn = conn
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(480)
        self._prefs = app_prefs()
        self.spins: dict[str, QSpinBox | QDoubleSpinBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._polling_group())
        layout.addWidget(self._history_group())
        layout.addWidget(self._application_group())
        self.error_label = plain(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.channels_button = self.buttons.addButton(self.tr("Notifications…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.channels_button.setToolTip(self.tr("Where alert messages go: e-mail, LINE, Telegram, webhook"))
        self.channels_button.clicked.connect(self.channelsRequested)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(lambda: self.show_settings(PollSettings()))
        layout.addWidget(self.buttons)
        self.show_settings(load_settings(conn))
        self._show_prefs(self._prefs)

    def _polling_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Polling"))
        form = QFormLayout(box)
        seconds = self.tr(" s")
        rows = (
            ("poll_interval_s", self.tr("Poll every"), seconds),
            ("concurrency", self.tr("Devices polled at once"), ""),
            ("device_deadline_s", self.tr("Give up on a device after"), seconds),
            ("snmp_timeout_s", self.tr("SNMP timeout for new devices"), seconds),
            ("snmp_retries", self.tr("SNMP retries for new devices"), ""),
        )
        for name, label, suffix in rows:
            self.spins[name] = _spin(name, suffix)
            form.addRow(label, self.spins[name])
        backup = _spin("config_backup_hours", self.tr(" h"))
        backup.setSpecialValueText(self.tr("Off"))
        backup.setToolTip(self.tr("Devices with SSH settings have their configuration read and kept on this schedule"))
        self.spins["config_backup_hours"] = backup
        form.addRow(self.tr("Back up configurations every"), backup)
        return box

    def _history_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("History"))
        form = QFormLayout(box)
        days = self.tr(" days")
        rows = (
            ("retention_raw_days", self.tr("Keep every poll for")),
            ("retention_5m_days", self.tr("Keep 5-minute averages for")),
            ("retention_30m_days", self.tr("Keep 30-minute averages for")),
            ("retention_2h_days", self.tr("Keep 2-hour averages for")),
            ("retention_1d_days", self.tr("Keep daily averages for")),
        )
        for name, label in rows:
            self.spins[name] = _spin(name, days)
            self.spins[name].valueChanged.connect(self._update_disk_hint)
            form.addRow(label, self.spins[name])
        self.spins["poll_interval_s"].valueChanged.connect(self._update_disk_hint)
        self.disk_hint = QLabel()
        self.disk_hint.setWordWrap(True)
        form.addRow(self.disk_hint)
        return box

    def _application_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Application"))
        form = QFormLayout(box)
        self.language = QComboBox()
        # Language names are written in their own language, so anyone can find theirs.
        self.language.addItem(self.tr("System default"), "system")
        self.language.addItem("English", "en")
        self.language.addItem("繁體中文 (台灣)", "zh_TW")
        form.addRow(self.tr("Language"), self.language)
        self.language_note = QLabel(self.tr("The new language applies to windows opened from now on."))
        self.language_note.setWordWrap(True)
        self.language_note.hide()
        self.language.currentIndexChanged.connect(self._update_language_note)
        form.addRow(self.language_note)
        self.close_to_tray = QCheckBox(self.tr("Keep polling in the system tray when the window is closed"))
        self.start_minimized = QCheckBox(self.tr("Start minimized to the tray"))
        form.addRow(self.close_to_tray)
        form.addRow(self.start_minimized)
        return box

    def _update_language_note(self) -> None:
        self.language_note.setVisible(self.language.currentData() != self._prefs.language)

    def show_settings(self, s: PollSettings) -> None:
        """Put ``s`` into the polling and history spin boxes."""
        for name, box in self.spins.items():
            box.setValue(getattr(s, name))
        self._update_disk_hint()

    def _show_prefs(self, prefs: AppPrefs) -> None:
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        self.close_to_tray.setChecked(prefs.close_to_tray)
        self.start_minimized.setChecked(prefs.start_minimized)

    def poll_settings(self) -> PollSettings:
        """The polling and history settings as the spin boxes show them."""
        values = {name: box.value() for name, box in self.spins.items()}
        return PollSettings(**values)  # type: ignore[arg-type]

    def prefs(self) -> AppPrefs:
        """The application preferences as the dialog shows them."""
        return AppPrefs(
            language=str(self.language.currentData()),
            close_to_tray=self.close_to_tray.isChecked(),
            start_minimized=self.start_minimized.isChecked(),
        )

    def _port_count(self) -> int:
        try:
            return int(self.conn.execute("SELECT COUNT(*) FROM ports WHERE present = 1").fetchone()[0])
        except sqlite3.Error:
            return 0

    def _update_disk_hint(self) -> None:
        if not hasattr(self, "disk_hint") or "retention_1d_days" not in self.spins:
            return
        ports = self._port_count()
        megabytes = estimate_bytes(self.poll_settings()) * max(1, ports) / 1e6
        if ports:
            text = self.tr("About {0} MB of history for {1} port(s) at this polling interval.")
        else:
            text = self.tr("About {0} MB of history per port at this polling interval.")
        self.disk_hint.setText(text.format(f"{megabytes:,.0f}" if megabytes >= 10 else f"{megabytes:.1f}", ports))

    def accept(self) -> None:
        """Save everything, tell the app, close; on a failed save, stay open and show the reason."""
        settings = self.poll_settings()
        prefs = self.prefs()
        try:
            save_settings(self.conn, settings)
        except (CampusNetError, sqlite3.Error) as exc:
            self.error_label.setText(self.tr("Could not save the settings: {0}").format(exc))
            self.error_label.show()
            return
        save_app_prefs(prefs)
        self.settingsChanged.emit(settings)
        if prefs.language != self._prefs.language:
            self.languageChanged.emit(prefs.language)
        self._prefs = prefs
        super().accept()


def estimate_bytes(s: PollSettings) -> float:
    """Rough disk use of one port's history under ``s`` once every tier is full (raw plus all rollups)."""
    raw_rows = s.retention_raw_days * _DAY / s.poll_interval_s
    rollup_rows = (
        s.retention_5m_days * _DAY / 300
        + s.retention_30m_days * _DAY / 1800
        + s.retention_2h_days * _DAY / 7200
        + s.retention_1d_days
    )
    return raw_rows * _RAW_ROW_BYTES + rollup_rows * _ROLLUP_ROW_BYTES
