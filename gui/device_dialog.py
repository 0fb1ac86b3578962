"""The add/edit device dialog: SNMP settings, optional SSH, validation by the core, and a connection test.

The dialog is a thin view over :class:`monitor.storage.inventory.DeviceSpec`: it fills a spec from its widgets, lets the
core validate and save it (``add_device`` / ``update_device``), and shows the core's one-line reason when that fails.
The connection test runs :func:`monitor.polling.probe.test_connection` on the core loop; its result comes back to the
GUI
thread as a queued signal.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from devices.platforms import known_platforms
from devices.snmp import SnmpCredentials, SnmpTarget
from gui.plain_text import plain
from gui.tray import message_language
from monitor.polling.probe import ProbeResult, test_connection
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore
from monitor.storage.settings import load_settings

log = logging.getLogger(__name__)

Submit = Callable[[Coroutine[Any, Any, Any]], Future[Any]]
ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"
# CLI hints in core messages ("(--community-env VAR)") mean nothing in a dialog.
_CLI_HINT = re.compile(r"\s*[(（]--[^)）]*[)）]")


class _ProbeRelay(QObject):
    """Carries a finished connection test from the core loop thread to the GUI thread.

    Signals:
        finished(object, object): the future and its outcome (a ProbeResult, or an exception for a bug).
    """

    finished = Signal(object, object)

    def deliver(self, future: Future[ProbeResult]) -> None:
        """Future done-callback; runs on the core thread, so it only emits."""
        if future.cancelled():
            return
        exc = future.exception()
        # RuntimeError: the dialog (and this relay) was deleted without being closed; nobody is waiting.
        with contextlib.suppress(RuntimeError):
            self.finished.emit(future, exc if exc is not None else future.result())


class DeviceDialog(QDialog):
    """Add a device, or edit one when ``device_name`` is given; saves to the store on OK.

    Attributes:
        device_name: the name of the device being edited (None when adding); after saving, the saved name.
        error_label: the red line that says why the input was refused.
        test_status: the result of the last connection test.

    Signals:
        saved(str): the device was saved under this name (emitted before the dialog accepts).
    """

    saved = Signal(str)

    def __init__(
        self,
        conn: sqlite3.Connection,
        secrets: SecretStore,
        submit: Submit,
        *,
        device_name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conn = conn
        self.secrets = secrets
        self.submit = submit
        self.device_name = device_name
        self._future: Future[ProbeResult] | None = None
        self._relay = _ProbeRelay(self)
        self._relay.finished.connect(self._on_probe_finished, Qt.ConnectionType.QueuedConnection)
        self.setWindowTitle(self.tr("Edit device") if device_name else self.tr("Add device"))
        self.setMinimumWidth(460)
        self._build()
        if device_name:
            self._load(inventory.get_device(conn, device_name))
        self._on_version_changed()

    # --- building --------------------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self._build_identity()
        self._build_snmp()
        self._build_v3()
        self._build_placement()
        layout.addWidget(self._build_ssh_toggle())
        layout.addWidget(self._build_ssh())
        layout.addLayout(self._build_test_row())
        self.error_label = plain(QLabel())
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _build_identity(self) -> None:
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. core-switch"))
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText(self.tr("IP address or host name"))
        self.form.addRow(self.tr("Name:"), self.name_edit)
        self.form.addRow(self.tr("Host:"), self.host_edit)

    def _build_snmp(self) -> None:
        self.port_spin = _spin(1, 65535, 161)
        self.version_combo = QComboBox()
        for version in inventory.SNMP_VERSIONS:
            self.version_combo.addItem(f"v{version}", version)
        self.version_combo.setCurrentIndex(inventory.SNMP_VERSIONS.index("2c"))
        self.version_combo.currentIndexChanged.connect(self._on_version_changed)
        self.community_edit = _secret_edit()
        self.show_community = QCheckBox(self.tr("Show"))
        self.show_community.toggled.connect(self._on_show_community)
        community_row = QHBoxLayout()
        community_row.addWidget(self.community_edit, 1)
        community_row.addWidget(self.show_community)
        self.community_row = QWidget()
        self.community_row.setLayout(community_row)
        community_row.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.tr("SNMP port:"), self.port_spin)
        self.form.addRow(self.tr("SNMP version:"), self.version_combo)
        self.form.addRow(self.tr("Community:"), self.community_row)

    def _build_v3(self) -> None:
        self.v3_user_edit = QLineEdit()
        self.v3_auth_combo = _choice_combo(self.tr("none"), inventory.V3_AUTH)
        self.v3_auth_key_edit = _secret_edit()
        self.v3_priv_combo = _choice_combo(self.tr("none"), inventory.V3_PRIV)
        self.v3_priv_key_edit = _secret_edit()
        self.v3_rows: list[QWidget] = [
            self.v3_user_edit,
            self.v3_auth_combo,
            self.v3_auth_key_edit,
            self.v3_priv_combo,
            self.v3_priv_key_edit,
        ]
        self.form.addRow(self.tr("SNMPv3 user:"), self.v3_user_edit)
        self.form.addRow(self.tr("Authentication:"), self.v3_auth_combo)
        self.form.addRow(self.tr("Auth key:"), self.v3_auth_key_edit)
        self.form.addRow(self.tr("Privacy:"), self.v3_priv_combo)
        self.form.addRow(self.tr("Privacy key:"), self.v3_priv_key_edit)

    def _build_placement(self) -> None:
        self.role_combo = QComboBox()
        labels = {
            "switch": self.tr("Switch"),
            "ap": self.tr("Access point"),
            "controller": self.tr("Wireless controller"),
            "router": self.tr("Router"),
            "firewall": self.tr("Firewall"),
        }
        for role in inventory.ROLES:
            self.role_combo.addItem(labels.get(role, role), role)
        self.location_combo = QComboBox()
        self.location_combo.setEditable(True)
        self.location_combo.addItems(self._known_locations())
        self.location_combo.setCurrentText("")
        location_edit = self.location_combo.lineEdit()
        assert location_edit is not None  # an editable combo box has its line edit
        location_edit.setPlaceholderText(self.tr("e.g. building, floor or room"))
        self.platform_combo = QComboBox()
        self.platform_combo.setEditable(True)
        self.platform_combo.addItems(["auto", *known_platforms()])
        self.platform_combo.setToolTip(self.tr("auto: recognised from the device's answers"))
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0.1, 60.0)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setSingleStep(0.5)
        self.timeout_spin.setSuffix(" s")
        defaults = load_settings(self.conn)  # new devices start from the settings dialog's SNMP defaults
        self.timeout_spin.setValue(defaults.snmp_timeout_s)
        self.retries_spin = _spin(0, 10, defaults.snmp_retries)
        self.form.addRow(self.tr("Role:"), self.role_combo)
        self.form.addRow(self.tr("Location:"), self.location_combo)
        self.form.addRow(self.tr("Platform:"), self.platform_combo)
        self.form.addRow(self.tr("Timeout:"), self.timeout_spin)
        self.form.addRow(self.tr("Retries:"), self.retries_spin)

    def _build_ssh_toggle(self) -> QToolButton:
        self.ssh_toggle = QToolButton()
        self.ssh_toggle.setText(self.tr("SSH (for configuration push)"))
        self.ssh_toggle.setCheckable(True)
        self.ssh_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.ssh_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.ssh_toggle.setAutoRaise(True)
        self.ssh_toggle.toggled.connect(self._on_ssh_toggled)
        return self.ssh_toggle

    def _build_ssh(self) -> QWidget:
        self.ssh_box = QWidget()
        form = QFormLayout(self.ssh_box)
        form.setContentsMargins(16, 0, 0, 0)
        self.ssh_host_edit = QLineEdit()
        self.ssh_host_edit.setPlaceholderText(self.tr("same as host when empty"))
        self.ssh_port_spin = _spin(1, 65535, 22)
        self.ssh_user_edit = QLineEdit()
        self.ssh_password_edit = _secret_edit()
        form.addRow(self.tr("SSH host:"), self.ssh_host_edit)
        form.addRow(self.tr("SSH port:"), self.ssh_port_spin)
        form.addRow(self.tr("SSH user:"), self.ssh_user_edit)
        form.addRow(self.tr("SSH password:"), self.ssh_password_edit)
        self.ssh_box.hide()
        return self.ssh_box

    def _build_test_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.start_test)
        self.cancel_test_button = QPushButton(self.tr("Cancel"))
        self.cancel_test_button.clicked.connect(self.cancel_test)
        self.cancel_test_button.hide()
        self.test_status = plain(QLabel())  # the test shows what the device answered
        self.test_status.setWordWrap(True)
        self.test_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.test_button)
        row.addWidget(self.cancel_test_button)
        row.addWidget(self.test_status, 1)
        return row

    def _known_locations(self) -> list[str]:
        rows = self.conn.execute("SELECT DISTINCT location FROM devices WHERE location != '' ORDER BY location")
        return [str(r[0]) for r in rows]

    # --- loading and reading ---------------------------------------------------------------------------------

    def _load(self, row: sqlite3.Row) -> None:
        self.name_edit.setText(row["name"])
        self.host_edit.setText(row["host"])
        self.port_spin.setValue(int(row["snmp_port"]))
        self.version_combo.setCurrentIndex(max(0, self.version_combo.findData(row["snmp_version"])))
        self.v3_user_edit.setText(row["v3_user"] or "")
        self.v3_auth_combo.setCurrentIndex(max(0, self.v3_auth_combo.findData(row["v3_auth"])))
        self.v3_priv_combo.setCurrentIndex(max(0, self.v3_priv_combo.findData(row["v3_priv"])))
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(row["role"])))
        self.location_combo.setCurrentText(row["location"] or "")
        self.platform_combo.setCurrentText(row["platform"] or "auto")
        self.timeout_spin.setValue(float(row["timeout_s"]))
        self.retries_spin.setValue(int(row["retries"]))
        self.ssh_host_edit.setText(row["ssh_host"] or "")
        self.ssh_port_spin.setValue(int(row["ssh_port"] or 22))
        self.ssh_user_edit.setText(row["ssh_user"] or "")
        self.ssh_toggle.setChecked(bool(row["ssh_host"] or row["ssh_user"]))
        keep = self.tr("unchanged when left empty")
        for edit in (self.community_edit, self.v3_auth_key_edit, self.v3_priv_key_edit, self.ssh_password_edit):
            edit.setPlaceholderText(keep)

    def spec(self) -> inventory.DeviceSpec:
        """A DeviceSpec from the widgets (not yet validated); empty secrets are left out."""
        version = str(self.version_combo.currentData())
        entered = {
            "community": self.community_edit.text() if version != "3" else "",
            "v3_auth_key": self.v3_auth_key_edit.text() if version == "3" else "",
            "v3_priv_key": self.v3_priv_key_edit.text() if version == "3" else "",
            "ssh_password": self.ssh_password_edit.text(),
        }
        ssh_used = bool(self.ssh_host_edit.text().strip() or self.ssh_user_edit.text().strip())
        return inventory.DeviceSpec(
            name=self.name_edit.text(),
            host=self.host_edit.text(),
            snmp_port=self.port_spin.value(),
            snmp_version=version,
            v3_user=self.v3_user_edit.text().strip() or None,
            v3_auth=self.v3_auth_combo.currentData(),
            v3_priv=self.v3_priv_combo.currentData(),
            platform=self.platform_combo.currentText(),
            ssh_host=self.ssh_host_edit.text().strip() or None,
            ssh_port=self.ssh_port_spin.value() if ssh_used else None,
            ssh_user=self.ssh_user_edit.text().strip() or None,
            role=str(self.role_combo.currentData()),
            location=self.location_combo.currentText().strip(),
            timeout_s=round(self.timeout_spin.value(), 1),
            retries=self.retries_spin.value(),
            secrets={kind: value for kind, value in entered.items() if value},
        )

    # --- saving ----------------------------------------------------------------------------------------------

    def accept(self) -> None:
        """Validate and save; on bad input show why and stay open."""
        spec = self.spec()
        try:
            if self.device_name is None:
                inventory.add_device(self.conn, self.secrets, spec)
            else:
                inventory.update_device(self.conn, self.secrets, self.device_name, spec)
        except CampusNetError as exc:
            self.show_error(str(exc), exc.render(message_language()))
            return
        self.device_name = spec.name
        self.saved.emit(spec.name)
        super().accept()

    def show_error(self, message: str, shown: str | None = None) -> None:
        """Show a core error in the red label (``shown``: the message in the window's language, when it has one)
        and put the cursor into the field it is about (found from the English ``message``)."""
        message = _CLI_HINT.sub("", message)
        self.error_label.setText(self.tr("Cannot save: {0}").format(_CLI_HINT.sub("", shown or message)))
        self.error_label.show()
        widget = self._field_for(message)
        if widget is not None:
            if widget.parentWidget() is self.ssh_box:
                self.ssh_toggle.setChecked(True)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _field_for(self, message: str) -> QWidget | None:
        """The widget a core validation message is about (by its first words), or None."""
        prefixes: list[tuple[str, QWidget]] = [
            ("device name", self.name_edit),
            ("a device named", self.name_edit),
            ("SSH host", self.ssh_host_edit),
            ("SSH port", self.ssh_port_spin),
            ("SSH user", self.ssh_user_edit),
            ("secret ssh_password", self.ssh_password_edit),
            ("host", self.host_edit),
            ("SNMP port", self.port_spin),
            ("SNMP v1/v2c needs a community", self.community_edit),
            ("secret community", self.community_edit),
            ("SNMPv3 needs a user", self.v3_user_edit),
            ("SNMPv3 user", self.v3_user_edit),
            ("unsupported security level", self.v3_auth_combo),
            ("SNMPv3 auth key", self.v3_auth_key_edit),
            ("secret v3_auth_key", self.v3_auth_key_edit),
            ("SNMPv3 privacy key", self.v3_priv_key_edit),
            ("secret v3_priv_key", self.v3_priv_key_edit),
            ("location", self.location_combo),
            ("unknown platform", self.platform_combo),
            ("timeout", self.timeout_spin),
            ("retries", self.retries_spin),
        ]
        return next((widget for prefix, widget in prefixes if message.startswith(prefix)), None)

    # --- connection test -------------------------------------------------------------------------------------

    def start_test(self) -> None:
        """Test the settings as entered (not yet saved) on the core loop; the result arrives as a signal."""
        self.cancel_test()
        try:
            target = self._probe_target()
        except CampusNetError as exc:
            self._show_test_result(False, _CLI_HINT.sub("", exc.render(message_language())))
            return
        future: Future[ProbeResult] = self.submit(test_connection(target))
        self._future = future
        self.test_status.setStyleSheet("")
        self.test_status.setText(self.tr("Testing…"))
        self.test_button.setEnabled(False)
        self.cancel_test_button.show()
        future.add_done_callback(self._relay.deliver)

    def cancel_test(self) -> None:
        """Stop a running connection test (nothing happens when none runs)."""
        future, self._future = self._future, None
        if future is None or future.done():
            return
        future.cancel()
        self._test_idle()
        self.test_status.setStyleSheet("")
        self.test_status.setText(self.tr("Test cancelled."))

    @property
    def test_running(self) -> bool:
        """True while a connection test is under way."""
        return self._future is not None and not self._future.done()

    def _probe_target(self) -> SnmpTarget:
        spec = self.spec()
        if self.device_name is not None:
            stored = {k: v for k in ("community", "v3_auth_key", "v3_priv_key") if (v := self._stored(k))}
            spec.secrets = {**stored, **spec.secrets}
        spec.name = spec.name.strip() or "test"  # the name does not matter for a test
        spec.validate()
        creds = SnmpCredentials(
            version=spec.snmp_version,  # type: ignore[arg-type]
            community=spec.secrets.get("community"),
            v3_user=spec.v3_user,
            v3_auth=spec.v3_auth,  # type: ignore[arg-type]
            v3_auth_key=spec.secrets.get("v3_auth_key"),
            v3_priv=spec.v3_priv,  # type: ignore[arg-type]
            v3_priv_key=spec.secrets.get("v3_priv_key"),
        )
        return SnmpTarget(spec.host, spec.snmp_port, creds, spec.timeout_s, spec.retries, spec.max_repetitions)

    def _stored(self, kind: str) -> str | None:
        assert self.device_name is not None
        return self.secrets.get(self.device_name, kind)

    def _on_probe_finished(self, future: Future[ProbeResult], outcome: object) -> None:
        if future is not self._future:
            return  # a test that was cancelled or replaced meanwhile
        self._future = None
        self._test_idle()
        if isinstance(outcome, ProbeResult):
            if outcome.ok:
                self._show_test_result(True, self._success_text(outcome))
            else:
                reason = outcome.reason.render(message_language()) if outcome.reason else outcome.message
                self._show_test_result(False, self.tr("No connection: {0}").format(reason))
            return
        log.error("connection test failed", exc_info=outcome if isinstance(outcome, BaseException) else None)
        self._show_test_result(False, self.tr("The test failed unexpectedly: {0}").format(outcome))

    def _success_text(self, result: ProbeResult) -> str:
        first_line = (result.sys_descr.splitlines() or [""])[0][:60]
        what = " ".join(p for p in (result.vendor, result.model) if p) or first_line or self.tr("an SNMP agent")
        text = self.tr("Answered in {0} s: {1}").format(f"{result.duration_s:.2f}", what)
        if result.sys_name:
            text += self.tr(", sysName {0}").format(result.sys_name)
        return text

    def _show_test_result(self, ok: bool, text: str) -> None:
        self.test_status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.test_status.setText(text)

    def _test_idle(self) -> None:
        self.test_button.setEnabled(True)
        self.cancel_test_button.hide()

    # --- reactions -------------------------------------------------------------------------------------------

    def _on_version_changed(self) -> None:
        v3 = self.version_combo.currentData() == "3"
        self.form.setRowVisible(self.community_row, not v3)
        for widget in self.v3_rows:
            self.form.setRowVisible(widget, v3)
        self.adjustSize()

    def _on_show_community(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.community_edit.setEchoMode(mode)

    def _on_ssh_toggled(self, expanded: bool) -> None:
        self.ssh_toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.ssh_box.setVisible(expanded)
        self.adjustSize()

    def done(self, result: int) -> None:
        """Qt override: closing the dialog (OK, Cancel, Esc) cancels a running test."""
        self.cancel_test()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Qt override: closing the window cancels a running test."""
        self.cancel_test()
        super().closeEvent(event)


def _spin(low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    return spin


def _secret_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _choice_combo(none_label: str, choices: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(none_label, None)
    for choice in choices:
        combo.addItem(choice.upper().replace("AES256", "AES-256").replace("SHA256", "SHA-256"), choice)
    return combo
