"""Dialogs of the Configuration page: the secrets a county profile names, and interrupted pushes to settle.

Both are thin views: the profile, the secret store and the recovery work live in ``devices``/``monitor``; the
recovery itself (which talks to devices) runs off the GUI thread through the page's ``submit``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.plain_text import esc, plain


def profile_secrets(profile: Any) -> list[tuple[str, str, int]]:
    """The secret names a profile refers to: (name, what it is, minimum length); ``env:`` names are left out."""
    found: dict[str, tuple[str, int]] = {}
    for server in profile.radius:
        if not server.secret_ref.startswith("env:"):
            found.setdefault(server.secret_ref, (f"RADIUS {server.host}", 1))
    snmp = profile.baseline.snmpv3
    if snmp is not None:
        for ref, what in ((snmp.auth_key_ref, "SNMPv3 auth"), (snmp.priv_key_ref, "SNMPv3 priv")):
            if not ref.startswith("env:"):
                found.setdefault(ref, (f"{what} ({snmp.user})", 8))
    return [(name, what, minimum) for name, (what, minimum) in found.items()]


class SecretsDialog(QDialog):
    """Store or replace the named secrets a county profile refers to (RADIUS shared secrets, SNMPv3 keys).

    Each row shows whether the secret is stored; typing a value and pressing Save stores it in the operating
    system's keyring (or the store's protected secrets file). Values are never shown.
    """

    def __init__(self, profile: Any, secrets: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Profile secrets"))
        self.secrets = secrets
        self.fields: dict[str, QLineEdit] = {}
        self.states: dict[str, QLabel] = {}
        self.minimum: dict[str, int] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The profile names these secrets; their values are kept in %1, never in the profile or the store."
            ).replace("%1", secrets.backend_description)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        for row, (name, what, minimum) in enumerate(profile_secrets(profile)):
            grid.addWidget(QLabel(f"<b>{esc(name)}</b>"), row, 0)
            grid.addWidget(plain(QLabel(what)), row, 1)
            state = QLabel()
            self.states[name] = state
            grid.addWidget(state, row, 2)
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(self.tr("new value (leave empty to keep)"))
            self.fields[name] = edit
            self.minimum[name] = minimum
            grid.addWidget(edit, row, 3)
        layout.addLayout(grid)
        if not self.fields:
            layout.addWidget(QLabel(self.tr("This profile names no stored secrets.")))
        self.error = plain(QLabel())
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Show which secrets are stored."""
        for name, label in self.states.items():
            stored = self.secrets.get_named(name) is not None
            label.setText(self.tr("stored") if stored else self.tr("MISSING"))
            label.setStyleSheet("" if stored else "color: #c62828; font-weight: bold")

    def save(self) -> bool:
        """Check every typed value, then store them all (nothing is stored if one is bad); True when saved."""
        from devices.config.params import check_secret

        values = {name: edit.text() for name, edit in self.fields.items() if edit.text()}
        try:
            for name, value in values.items():
                check_secret(value, name, min_len=self.minimum[name])
        except CampusNetError as exc:
            self.error.setText(str(exc))
            return False
        for name, value in values.items():
            self.secrets.set_named(name, value)
            self.fields[name].clear()
        self.error.setText(self.tr("Saved.") if values else "")
        self.refresh()
        return True


class InterruptedDialog(QDialog):
    """Interrupted pushes and what their devices look like now, each with the actions that settle it.

    ``act(entry, action)`` is called when the user picks Finish or Roll back (the page runs it off the GUI thread).
    """

    def __init__(self, looks: list[Any], act: Callable[[Any, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Interrupted pushes"))
        self.buttons: dict[tuple[str, str], QPushButton] = {}
        layout = QVBoxLayout(self)
        for look in looks:
            entry, found = look.entry, look.found
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.started))
            head = QLabel(
                self.tr("<b>%1</b>: push of %2 started %3 by %4, last step: %5")
                .replace("%1", esc(entry.device_name))
                .replace("%2", esc(entry.template or "-"))
                .replace("%3", when)
                .replace("%4", esc(entry.user))
                .replace("%5", esc(entry.step))
            )
            head.setTextFormat(Qt.TextFormat.RichText)  # its own markup; the values are escaped
            layout.addWidget(head)
            state = plain(QLabel(found.words))
            state.setWordWrap(True)
            state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(state)
            row = QHBoxLayout()
            row.addStretch(1)
            labels = {"finish": self.tr("Finish (confirm and save)"), "rollback": self.tr("Roll back to the backup")}
            for action in ("finish", "rollback"):
                if action not in found.actions:
                    continue
                button = QPushButton(labels[action])
                button.clicked.connect(lambda _c=False, e=entry, a=action: self._pick(act, e, a))
                self.buttons[(entry.device_name, action)] = button
                row.addWidget(button)
            layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def _pick(self, act: Callable[[Any, str], None], entry: Any, action: str) -> None:
        for button in self.buttons.values():
            button.setEnabled(False)
        act(entry, action)
        self.accept()


def secrets_for(db_path: Path, conn: Any) -> Any:
    """The store's secret store (keyring or protected file)."""
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets

    return open_secrets(db_path, inventory.store_id(conn))
