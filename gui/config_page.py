"""The configuration page: preview (render + dry run + compliance) and push a template, browse backups and diffs.

Network work runs off the GUI thread through the ``submit`` the main window provides; results come back through
queued signals. Nothing secret is shown: rendered lines, changes and diffs are the masked forms.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.config_dialogs import InterruptedDialog, SecretsDialog
from gui.plain_text import literal, plain
from monitor.cli.config import EXAMPLE_PROFILE, TEMPLATES
from monitor.configuration.config_jobs import DeviceOutcome, JobResult, run_config_job
from monitor.configuration.configs import device_platform
from monitor.storage import inventory

Submit = Callable[[Coroutine[Any, Any, Any]], Future[Any]]


# Status -> colour of its word in the results table (ok green, rolled back amber, not tried grey, attention red).
_STATUS_COLORS = {
    "applied": "#2e7d32",
    "unchanged": "#2e7d32",
    "preview": "#2e7d32",
    "rolled-back": "#ef6c00",
    "not-tried": "#616161",
    "attention": "#c62828",
    "error": "#c62828",
}
_OK = ("preview", "unchanged", "applied")


def _unsupported(device: sqlite3.Row) -> str | None:
    """Why CampusNet cannot push to a device (no configuration driver, web-managed model), or None."""
    from devices.config.drivers import driver_for

    try:
        driver_for(device_platform(device))
    except CampusNetError as exc:
        return str(exc)
    return None


def _mono() -> Any:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ConfigPage(QWidget):
    """Preview and push a configuration template to devices; see each device's backups and their diffs.

    Signals:
        finished(list): a Preview or Push ended (the ``DeviceOutcome`` list, or an empty list on an error).
    """

    finished = Signal(list)
    _done = Signal(object, bool)  # outcomes or an error text, dry_run
    _progress = Signal(str)
    _looked = Signal(object)  # the looks at interrupted pushes, or an error text
    _recovered = Signal(str)  # what settling an interrupted push did

    def __init__(self, db_path: Path, conn: sqlite3.Connection, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.conn = conn
        self.submit = submit
        self.outcomes: dict[str, DeviceOutcome] = {}
        self._cancel = threading.Event()
        self._future: Future[Any] | None = None
        self._history_device: int | None = None

        layout = QVBoxLayout(self)
        banner = QHBoxLayout()
        self.interrupted_label = plain(QLabel())
        self.interrupted_label.setWordWrap(True)
        self.interrupted_label.setStyleSheet("background: #fff3e0; color: #bf360c; padding: 6px")
        banner.addWidget(self.interrupted_label, 1)
        self.look_button = QPushButton(self.tr("Look at it…"))
        self.look_button.clicked.connect(self.look_at_interrupted)
        banner.addWidget(self.look_button)
        layout.addLayout(banner)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Template:")))
        self.template_combo = QComboBox()
        for name in TEMPLATES:
            self.template_combo.addItem(name, name)
        top.addWidget(self.template_combo)
        top.addWidget(QLabel(self.tr("Profile:")))
        self.profile_edit = QLineEdit(str(EXAMPLE_PROFILE))
        top.addWidget(self.profile_edit, 1)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.clicked.connect(self._browse)
        top.addWidget(self.browse_button)
        self.secrets_button = QPushButton(self.tr("Secrets…"))
        self.secrets_button.setToolTip(self.tr("Store or replace the secrets the profile names (RADIUS, SNMPv3)"))
        self.secrets_button.clicked.connect(self.edit_secrets)
        top.addWidget(self.secrets_button)
        layout.addLayout(top)
        overrides_row = QHBoxLayout()
        overrides_row.addWidget(QLabel(self.tr("Overrides:")))
        self.overrides_edit = QLineEdit()
        self.overrides_edit.setPlaceholderText(
            self.tr('optional, e.g. ssid=eduroam vlan=200 banner="Authorized use only"')
        )
        self.overrides_edit.setToolTip(
            self.tr("Change the profile for the one-SSID case: ssid, vlan, radius1, radius2, banner, ntp, syslog")
        )
        overrides_row.addWidget(self.overrides_edit, 1)
        self.restart_check = QCheckBox(self.tr("Allow SSID restarts"))
        self.restart_check.setToolTip(
            self.tr(
                "A controller refuses security changes on an enabled SSID: allow CampusNet to disable it and enable "
                "it again around them (its clients drop for a moment)"
            )
        )
        overrides_row.addWidget(self.restart_check)
        layout.addLayout(overrides_row)

        middle = QHBoxLayout()
        devices_box = QGroupBox(self.tr("Devices"))
        devices_layout = QVBoxLayout(devices_box)
        self.device_list = QListWidget()
        self.device_list.currentItemChanged.connect(self._on_device_item)
        devices_layout.addWidget(self.device_list)
        middle.addWidget(devices_box)
        buttons = QVBoxLayout()
        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.clicked.connect(lambda: self.preview())
        self.push_button = QPushButton(self.tr("Push…"))
        self.push_button.clicked.connect(lambda: self.push())
        self.cancel_button = QPushButton(self.tr("Stop"))
        self.cancel_button.setToolTip(
            self.tr("Stop the push: what was sent to the current device is rolled back, later devices are not tried")
        )
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        for button in (self.preview_button, self.push_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        middle.addLayout(buttons)
        self.results = _table([self.tr("Device"), self.tr("Status"), self.tr("Compliance"), self.tr("Message")])
        self.results.itemSelectionChanged.connect(self._on_result_selected)
        middle.addWidget(self.results, 2)
        layout.addLayout(middle)
        self.progress_label = plain(QLabel())
        self.progress_label.setWordWrap(True)
        layout.addWidget(self.progress_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setFont(_mono())
        splitter.addWidget(self.detail)
        history_box = QGroupBox(self.tr("History"))
        history_layout = QVBoxLayout(history_box)
        self.history_label = plain(QLabel())
        history_layout.addWidget(self.history_label)
        self.backups = _table([self.tr("Backup"), self.tr("Time"), self.tr("Source")])
        self.backups.setSelectionMode(QTableWidget.SelectionMode.ExtendedSelection)
        history_layout.addWidget(self.backups)
        history_buttons = QHBoxLayout()
        self.compare_button = QPushButton(self.tr("Compare selected backups"))
        self.compare_button.clicked.connect(self.show_diff)
        history_buttons.addWidget(self.compare_button)
        self.restore_button = QPushButton(self.tr("Roll back to this backup…"))
        self.restore_button.setToolTip(
            self.tr(
                "Bring the device back to the selected backup: the lines are sent under its revert timer and the "
                "result is checked"
            )
        )
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        history_buttons.addWidget(self.restore_button)
        history_layout.addLayout(history_buttons)
        self.pushes = _table([self.tr("Pushed"), self.tr("Template"), self.tr("Result"), self.tr("By")])
        self.pushes.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.pushes.itemSelectionChanged.connect(self._on_push_selected)
        history_layout.addWidget(self.pushes)
        self._audits: list[Any] = []
        self.diff_view = QPlainTextEdit()
        self.diff_view.setReadOnly(True)
        self.diff_view.setFont(_mono())
        history_layout.addWidget(self.diff_view, 1)
        splitter.addWidget(history_box)
        layout.addWidget(splitter, 1)

        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._progress.connect(self.progress_label.setText, Qt.ConnectionType.QueuedConnection)
        self._looked.connect(self._on_looked, Qt.ConnectionType.QueuedConnection)
        self._recovered.connect(self._on_recovered, Qt.ConnectionType.QueuedConnection)
        self.reload()

    # ----------------------------------------------------------------------------------------------- devices

    def reload(self) -> None:
        """Refill the device checklist, keeping what was checked. A device CampusNet cannot push to (no SSH
        settings, no configuration driver for its platform, a web-managed model) is listed greyed out, with the
        reason as its tooltip."""
        checked = set(self.checked_devices())
        self.device_list.clear()
        self.unsupported: dict[str, str] = {}
        for device in inventory.list_devices(self.conn):
            name = str(device["name"])
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, int(device["id"]))
            reason = self._unsupported(device)
            if reason is None:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
            else:
                self.unsupported[name] = reason
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(literal(reason))
                item.setText(self.tr("%1 (not supported)").replace("%1", name))
            self.device_list.addItem(item)
        self.check_interrupted()

    def _unsupported(self, device: sqlite3.Row) -> str | None:
        if not device["ssh_user"]:
            return self.tr("No SSH settings: set the SSH user and password with Edit device…")
        return _unsupported(device)

    def checked_devices(self) -> list[str]:
        """Names of the checked devices, in list order."""
        items = (self.device_list.item(i) for i in range(self.device_list.count()))
        return [
            str(item.text())
            for item in items
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, names: list[str]) -> None:
        """Check exactly these devices (those CampusNet can push to)."""
        for i in range(self.device_list.count()):
            item = self.device_list.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("County profile"), self.profile_edit.text(), self.tr("Profiles (*.toml)")
        )
        if path:
            self.profile_edit.setText(path)

    # ------------------------------------------------------------------------------------------ preview / push

    @property
    def busy(self) -> bool:
        """True while a Preview or Push runs."""
        return self._future is not None

    def preview(self) -> bool:
        """Render each checked device and dry-run it (connects and backs up, sends nothing); False if not started."""
        return self._start(dry_run=True)

    def push(self, *, confirm: bool = True) -> bool:
        """Push to the checked devices (asks first unless ``confirm`` is False); False if not started."""
        names = self.checked_devices()
        if not names or self.busy:
            return self._start(dry_run=False)
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Push configuration"),
                self.tr("Push the %1 template to %2 device(s)? Each device is backed up first.")
                .replace("%1", self.template_combo.currentData())
                .replace("%2", str(len(names))),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return self._start(dry_run=False)

    def cancel(self) -> None:
        """Stop: the device being pushed to is rolled back (a confirmed change is saved), later ones not tried."""
        self._cancel.set()
        self.progress_label.setText(self.tr("Stopping: rolling back what was sent to the current device…"))

    def _start(self, *, dry_run: bool) -> bool:
        names = self.checked_devices()
        if self.busy:
            return False
        if not names:
            self.progress_label.setText(self.tr("Check at least one device."))
            return False
        template = str(self.template_combo.currentData())
        profile = Path(self.profile_edit.text().strip() or str(EXAMPLE_PROFILE))
        try:
            overrides = shlex.split(self.overrides_edit.text())
        except ValueError as exc:
            self.progress_label.setText(self.tr("Overrides: %1").replace("%1", str(exc)))
            return False
        self._cancel.clear()
        self._set_busy(True, dry_run)
        self.progress_label.setText(self.tr("Previewing…") if dry_run else self.tr("Pushing…"))
        db_path = self.db_path
        allow_restarts = self.restart_check.isChecked()

        def say(text: str) -> None:
            # The page may be gone (window closed) while a push runs: progress must never break the push.
            with contextlib.suppress(RuntimeError):
                self._progress.emit(text)

        def work() -> None:
            try:
                outcomes: object = run_config_job(
                    db_path,
                    template,
                    profile,
                    names,
                    dry_run=dry_run,
                    overrides=overrides,
                    progress=say,
                    cancelled=self._cancel.is_set,
                    allow_restarts=allow_restarts,
                )
            except Exception as exc:  # shown to the user; the page must come back from any failure
                outcomes = str(exc) or type(exc).__name__
            with contextlib.suppress(RuntimeError):
                self._done.emit(outcomes, dry_run)

        async def run() -> None:
            await asyncio.to_thread(work)

        self._future = self.submit(run())
        return True

    def _set_busy(self, busy: bool, dry_run: bool = True) -> None:
        for widget in (
            self.preview_button,
            self.push_button,
            self.template_combo,
            self.profile_edit,
            self.overrides_edit,
        ):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(busy and not dry_run)

    def status_text(self, status: str) -> str:
        """A push or preview status (``devices.push`` and audit words) in the user's language."""
        words = {
            "rendered": self.tr("rendered"),
            "preview": self.tr("previewed"),
            "unchanged": self.tr("no change needed"),
            "applied": self.tr("applied and saved"),
            "rolled-back": self.tr("rolled back"),
            "not-tried": self.tr("not tried"),
            "attention": self.tr("NEEDS ATTENTION"),
            "error": self.tr("error"),
        }
        return words.get(status, status)

    def role_text(self, role: str) -> str:
        """A port role in the user's language."""
        words = {
            "edge": self.tr("edge"),
            "ap": self.tr("AP"),
            "uplink": self.tr("uplink"),
            "excluded": self.tr("left alone"),
        }
        return words.get(role, role)

    def _compliance_text(self, outcome: DeviceOutcome) -> str:
        if outcome.missing is None:
            return ""
        if outcome.missing == 0:
            return self.tr("ok")
        return self.tr("%1 missing line(s)").replace("%1", str(outcome.missing))

    def _on_done(self, result: object, dry_run: bool) -> None:
        self._future = None
        self._set_busy(False)
        if isinstance(result, str):
            self.progress_label.setText(self.tr("Failed: %1").replace("%1", result))
            self.finished.emit([])
            return
        assert isinstance(result, JobResult)
        outcomes = result.outcomes
        self.outcomes = {o.device: o for o in outcomes}
        self.results.setRowCount(len(outcomes))
        for row, outcome in enumerate(outcomes):
            values = (outcome.device, self.status_text(outcome.status), self._compliance_text(outcome), outcome.message)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, outcome.device)
                if col == 1 and outcome.status in _STATUS_COLORS:
                    item.setForeground(QBrush(QColor(_STATUS_COLORS[outcome.status])))
                item.setToolTip(literal(outcome.message))
                self.results.setItem(row, col, item)
        ok = sum(1 for o in outcomes if o.status in _OK)
        done = self.tr("Preview done") if dry_run else self.tr("Push done")
        text = (
            self.tr("%1: %2 of %3 device(s) ok")
            .replace("%1", done)
            .replace("%2", str(ok))
            .replace("%3", str(len(outcomes)))
        )
        if not dry_run:
            holding = [o.device for o in outcomes if o.holds_change and o.saved]
            unsaved = [o.device for o in outcomes if o.holds_change and not o.saved]
            text += "\n" + self.tr("New configuration saved on: %1").replace("%1", ", ".join(holding) or "-")
            if unsaved:
                text += "\n" + self.tr("Running but NOT saved on: %1").replace("%1", ", ".join(unsaved))
        self.progress_label.setText(text)
        if outcomes:
            self.results.selectRow(0)
            self._on_result_selected()
        self.check_interrupted()
        self.finished.emit(outcomes)

    def _on_result_selected(self) -> None:
        rows = self.results.selectionModel().selectedRows()
        if not rows:
            return
        cell = self.results.item(rows[0].row(), 0)
        if cell is None:
            return
        name = cell.text()
        outcome = self.outcomes.get(name)
        if outcome is None:
            return
        parts: list[str] = []
        if outcome.change:
            parts.append(self.tr("Change:"))
            parts.extend(outcome.change)
        elif outcome.status in _OK:
            parts.append(self.tr("No change needed."))
        if outcome.checks:
            parts += ["", self.tr("Checked after applying:"), *outcome.checks]
        if outcome.roles:
            width = max(len(r.port) for r in outcome.roles)
            parts += ["", self.tr("Port roles (edge ports get the edge protection; others are left alone):")]
            parts += [f"  {r.port:<{width}}  {self.role_text(r.role):<8}  {r.reason}" for r in outcome.roles]
        if outcome.notes:
            parts += ["", self.tr("Notes:"), *(f"  {note}" for note in outcome.notes)]
        if outcome.masked_lines:
            if parts:
                parts.append("")
            parts.append(self.tr("Rendered lines:"))
            parts.extend(outcome.masked_lines)
        if not parts:
            parts.append(outcome.message)
        self.detail.setPlainText("\n".join(parts))
        self.show_history(name)

    def _on_device_item(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.show_history(current.text())

    # ---------------------------------------------------------------------------------------------- secrets

    def edit_secrets(self) -> None:
        """The profile's named secrets: which are stored, and store or replace them."""
        from gui.config_dialogs import secrets_for
        from monitor.cli.config import load_profile_with

        try:
            profile, _hash = load_profile_with(Path(self.profile_edit.text().strip() or str(EXAMPLE_PROFILE)))
            dialog = SecretsDialog(profile, secrets_for(self.db_path, self.conn), self)
        except CampusNetError as exc:
            self.progress_label.setText(self.tr("Profile: %1").replace("%1", str(exc)))
            return
        self.secrets_dialog = dialog
        dialog.open()

    def restore_selected(self, *, confirm: bool = True) -> bool:
        """Roll the device shown in the history back to the selected backup; False if not started."""
        from monitor.configuration.config_jobs import run_restore_job

        rows = self.backups.selectionModel().selectedRows()
        if self.busy or self._history_device is None or len(rows) != 1:
            self.progress_label.setText(self.tr("Select one backup to roll back to."))
            return False
        backup = int(self.backups.model().index(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))
        row = self.conn.execute("SELECT name FROM devices WHERE id = ?", (self._history_device,)).fetchone()
        if row is None:
            return False
        name = str(row["name"])
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Roll back"),
                literal(
                    self.tr("Bring %1 back to backup %2? Its configuration is backed up first.")
                    .replace("%1", name)
                    .replace("%2", str(backup))
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self._cancel.clear()
        self._set_busy(True, False)
        self.progress_label.setText(self.tr("Rolling back %1…").replace("%1", name))
        db_path = self.db_path

        def say(text: str) -> None:
            with contextlib.suppress(RuntimeError):
                self._progress.emit(text)

        def work() -> None:
            try:
                result: object = run_restore_job(db_path, name, backup, progress=say, cancelled=self._cancel.is_set)
            except Exception as exc:  # shown to the user; the page must come back from any failure
                result = str(exc) or type(exc).__name__
            with contextlib.suppress(RuntimeError):
                self._done.emit(result, False)

        async def run() -> None:
            await asyncio.to_thread(work)

        self._future = self.submit(run())
        return True

    # ------------------------------------------------------------------------------------ interrupted pushes

    def check_interrupted(self) -> None:
        """Show the banner when the journal holds pushes that were cut short (no device contacted here)."""
        from monitor.configuration.recovery import unfinished

        try:
            entries = unfinished(self.conn, self.db_path)
        except Exception:  # an old store without a journal, a busy lock file: no banner
            entries = []
        self.interrupted = entries
        names = ", ".join(sorted({e.device_name for e in entries}))
        self.interrupted_label.setText(
            self.tr(
                "An interrupted configuration push was found (%1): look at the device to finish or roll it back."
            ).replace("%1", names)
        )
        for widget in (self.interrupted_label, self.look_button):
            widget.setVisible(bool(entries))

    def look_at_interrupted(self) -> None:
        """Look at the devices of the interrupted pushes (off the GUI thread), then offer what settles each."""
        from monitor.configuration.recovery import look_all

        entries, db = list(self.interrupted), self.db_path
        self.look_button.setEnabled(False)
        self.progress_label.setText(self.tr("Looking at the devices of the interrupted pushes…"))
        self._background(lambda: look_all(db, entries), self._looked.emit, self._looked.emit)

    def _on_looked(self, looks: object) -> None:
        self.look_button.setEnabled(True)
        if isinstance(looks, str):
            self.progress_label.setText(self.tr("Failed: %1").replace("%1", looks))
            return
        assert isinstance(looks, list)
        self.progress_label.setText("")
        self.interrupted_dialog = InterruptedDialog(looks, self.settle_interrupted, self)
        self.interrupted_dialog.open()

    def settle_interrupted(self, entry: Any, action: str) -> None:
        """Finish or roll back one interrupted push (off the GUI thread)."""
        from monitor.configuration.recovery import act_on

        db, name = self.db_path, entry.device_name
        doing = self.tr("Finishing the push to %1…") if action == "finish" else self.tr("Rolling back %1…")
        self.progress_label.setText(doing.replace("%1", name))

        def done(result: Any) -> None:
            self._recovered.emit(f"{name}: {self.status_text(result.outcome)}: {result.message}")

        self._background(
            lambda: act_on(db, entry, action), done, lambda error: self._recovered.emit(f"{name}: {error}")
        )

    def _background(self, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[str], None]) -> None:
        """Run ``work`` off the GUI thread; ``done(result)`` or ``failed(error text)`` is called on the worker
        thread (each emits a queued signal). A page closed meanwhile is no error."""

        def run_work() -> None:
            try:
                result = work()
            except Exception as exc:  # shown to the user; the page must come back from any failure
                with contextlib.suppress(RuntimeError):
                    failed(str(exc) or type(exc).__name__)
                return
            with contextlib.suppress(RuntimeError):
                done(result)

        async def run() -> None:
            await asyncio.to_thread(run_work)

        self.submit(run())

    def _on_recovered(self, text: str) -> None:
        self.progress_label.setText(text)
        self.check_interrupted()
        name = text.split(":", 1)[0]
        self.show_history(name)

    # ---------------------------------------------------------------------------------------------- history

    def show_history(self, name: str) -> None:
        """List a device's backups and pushes, and show the diff of the latest two backups."""
        from monitor.configuration.configs import audit_log, history

        try:
            device = inventory.get_device(self.conn, name)
        except CampusNetError:
            return
        self._history_device = int(device["id"])
        refs = history(self.conn, self._history_device)
        self.history_label.setText(self.tr("Backups of %1").replace("%1", name))
        self.backups.setRowCount(len(refs))
        for row, ref in enumerate(refs):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ref.ts))
            for col, value in enumerate((str(ref.id), when, ref.source)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, ref.id)
                self.backups.setItem(row, col, item)
        self._audits = audit_log(self.conn, self._history_device)
        self.pushes.setRowCount(len(self._audits))
        for row, record in enumerate(self._audits):
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.ts))
            values = (when, record.template, self.status_text(record.result), record.user)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 2 and record.result in _STATUS_COLORS:
                    item.setForeground(QBrush(QColor(_STATUS_COLORS[record.result])))
                item.setToolTip(literal(record.detail))
                self.pushes.setItem(row, col, item)
        if len(refs) >= 2:
            self.show_diff()
        else:
            self.diff_view.setPlainText(self.tr("A diff needs two backups."))

    def _on_push_selected(self) -> None:
        rows = self.pushes.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._audits):
            return
        record = self._audits[rows[0].row()]
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.ts))
        parts = [
            self.tr("%1 pushed %2 on %3: %4")
            .replace("%1", record.user)
            .replace("%2", record.template or "-")
            .replace("%3", when)
            .replace("%4", self.status_text(record.result)),
            record.detail,
            "",
            record.diff_masked or self.tr("No change was sent."),
        ]
        if record.rollback:
            parts += ["", self.tr("Rollback:"), record.rollback]
        self.diff_view.setPlainText("\n".join(parts))

    def show_diff(self) -> None:
        """Diff of the two selected backups (one selected: with the latest; none: the latest two)."""
        from monitor.configuration.configs import diff
        from monitor.storage.secrets import open_secrets

        if self._history_device is None:
            return
        ids = sorted(
            int(self.backups.model().index(index.row(), 0).data(Qt.ItemDataRole.UserRole))
            for index in self.backups.selectionModel().selectedRows()
        )
        revs: list[int | None] = [*ids[:2], None, None][:2]
        try:
            secrets = open_secrets(self.db_path, inventory.store_id(self.conn))
            text = diff(self.conn, secrets, self._history_device, revs[0], revs[1])
        except CampusNetError as exc:
            text = str(exc)
        self.diff_view.setPlainText(text or self.tr("No differences."))
