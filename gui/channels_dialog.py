"""Notification channels: the list with each one's outbox, adding and editing them, "Send test" and removing.

Passwords and tokens typed here go to the secret store (:func:`monitor.alerting.notify.save_channel` with ``secret``),
never
to the store; they are never shown again, and editing a channel keeps the stored one when the field is left empty.
Saving and removing run through ``write`` (the store's one writer while polling runs); "Send test" runs
:func:`monitor.alerting.notify.send_test` off the GUI thread through ``submit`` and shows its one-line outcome.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sqlite3
import time
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.plain_text import literal, plain
from gui.plumbing import ERROR_STYLE, OK_STYLE, Relay, Submit, Write, one_line
from monitor.alerting import notify
from monitor.alerting.notify import Channel, SendResult
from monitor.storage.secrets import SecretStore

log = logging.getLogger(__name__)

# Marked for lupdate; translated where shown.
KIND_NAMES = {
    "email": QT_TRANSLATE_NOOP("ChannelsDialog", "E-mail"),
    "line": QT_TRANSLATE_NOOP("ChannelsDialog", "LINE"),
    "telegram": QT_TRANSLATE_NOOP("ChannelsDialog", "Telegram"),
    "webhook": QT_TRANSLATE_NOOP("ChannelsDialog", "Webhook"),
}
# Language names are written in their own language, as in the settings dialog.
LANGUAGE_NAMES = {"zh_TW": "繁體中文 (台灣)", "en": "English"}


def kind_label(kind: str) -> str:
    """A channel kind in the user's language."""
    return QCoreApplication.translate("ChannelsDialog", KIND_NAMES.get(kind, kind))


def target_text(channel: Channel) -> str:
    """Where a channel sends to: the recipients, the LINE or Telegram chat, or the webhook's host."""
    s = channel.settings
    if channel.kind == "email":
        return ", ".join(s.get("to", []))
    if channel.kind == "webhook":
        from urllib.parse import urlsplit

        return urlsplit(str(s.get("url", ""))).netloc.rpartition("@")[2]
    return str(s.get("to") or s.get("chat_id") or "")


def outbox_counts(conn: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    """Per channel id: how many messages wait, were sent and failed, and the newest error."""
    counts: dict[int, dict[str, Any]] = {}
    for r in conn.execute("SELECT channel_id, status, COUNT(*) AS n FROM deliveries GROUP BY channel_id, status"):
        counts.setdefault(int(r["channel_id"]), {"pending": 0, "sent": 0, "failed": 0, "last_error": None})
        counts[int(r["channel_id"])][r["status"]] = int(r["n"])
    for r in conn.execute(
        """SELECT channel_id, last_error FROM deliveries WHERE id IN (
               SELECT MAX(id) FROM deliveries WHERE last_error IS NOT NULL GROUP BY channel_id)"""
    ):
        counts.setdefault(int(r["channel_id"]), {"pending": 0, "sent": 0, "failed": 0, "last_error": None})
        counts[int(r["channel_id"])]["last_error"] = r["last_error"]
    return counts


# ------------------------------------------------------------------------------------------------- one channel


class ChannelEditor(QDialog):
    """Add or edit one channel; the fields depend on its kind.

    Attributes:
        kind: ``email``, ``line``, ``telegram`` or ``webhook``.
        channel: the channel being edited (None when adding).
        name_edit, enabled_check, language_combo: what every channel has.
        fields: the kind's own fields by setting name (``host``, ``port``, ``security``, ``user``, ``from``, ``to``,
            ``chat_id``, ``base_url``, ``url``).
        secret_edit: the password or token (a password field; empty keeps the stored one when editing).
        error_label: the one line saying why the input was refused.

    Signals:
        saved(object): the :class:`Channel` as stored.
    """

    saved = Signal(object)

    def __init__(
        self,
        kind: str,
        write: Write,
        secrets: SecretStore,
        channel: Channel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind, self.write, self.secrets, self.channel = kind, write, secrets, channel
        self.fields: dict[str, QWidget] = {}
        self._relay = Relay(self)
        self.setWindowTitle(self.tr("Edit channel") if channel else self.tr("New {0} channel").format(kind_label(kind)))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(64)
        self.form.addRow(self.tr("Name"), self.name_edit)
        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.advanced = QCheckBox(self.tr("Advanced: another API address (a proxy or a test server)"), self)
        self.advanced.hide()
        self.advanced_box = QWidget(self)
        self.advanced_box.hide()
        self.advanced_form = QFormLayout(self.advanced_box)
        self.advanced_form.setContentsMargins(0, 0, 0, 0)
        {"email": self._email_fields, "line": self._line_fields, "telegram": self._telegram_fields}.get(
            kind, self._webhook_fields
        )()
        self.language_combo = QComboBox()
        for code in notify.LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[code], code)
        self.form.addRow(self.tr("Message language"), self.language_combo)
        self.enabled_check = QCheckBox(self.tr("Send notifications through this channel"))
        self.enabled_check.setChecked(True)
        self.form.addRow(self.enabled_check)
        if kind in ("line", "telegram"):
            layout.addWidget(self.advanced)
            layout.addWidget(self.advanced_box)
            self.advanced.show()
        self.error_label = plain(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.advanced.toggled.connect(self._show_advanced)
        self._show_advanced(False)
        if channel is not None:
            self._load(channel)
        self._secret_hint()

    # ---------------------------------------------------------------------------------------------- fields

    def _line(self, key: str, label: str, placeholder: str = "", form: QFormLayout | None = None) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        (form or self.form).addRow(label, edit)
        self.fields[key] = edit
        return edit

    def _email_fields(self) -> None:
        self._line("host", self.tr("SMTP server"), "smtp.school.edu.tw")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(notify.SMTP_PORTS["starttls"])
        self.security_combo = QComboBox()
        for code, text in (("none", self.tr("None")), ("starttls", "STARTTLS"), ("ssl", "SSL/TLS")):
            self.security_combo.addItem(text, code)
        self.security_combo.setCurrentIndex(1)
        self._security = "starttls"
        self.security_combo.currentIndexChanged.connect(lambda _i: self._on_security_changed())
        self.form.addRow(self.tr("Security"), self.security_combo)
        self.form.addRow(self.tr("Port"), self.port_spin)
        self.fields.update(port=self.port_spin, security=self.security_combo)
        self._line("user", self.tr("Login (optional)"), self.tr("empty: the server needs no login"))
        self.form.addRow(self.tr("Password"), self.secret_edit)
        self._line("from", self.tr("From"), "campusnet@school.edu.tw")
        self._line("to", self.tr("To"), self.tr("one or more addresses, separated by commas"))

    def _on_security_changed(self) -> None:
        """A port still at the old security's usual number follows to the new one's (25, 587, 465)."""
        new = str(self.security_combo.currentData())
        if self.port_spin.value() == notify.SMTP_PORTS[self._security]:
            self.port_spin.setValue(notify.SMTP_PORTS[new])
        self._security = new

    def _line_fields(self) -> None:
        self.form.addRow(self.tr("Channel access token"), self.secret_edit)
        self._line("to", self.tr("Send to (user or group ID)"), "U0123456789abcdef…")
        self._line("base_url", self.tr("API address"), notify.DEFAULT_BASE_URL["line"], self.advanced_form)

    def _telegram_fields(self) -> None:
        self.form.addRow(self.tr("Bot token"), self.secret_edit)
        self._line("chat_id", self.tr("Chat ID"), "-1001234567890")
        self._line("base_url", self.tr("API address"), notify.DEFAULT_BASE_URL["telegram"], self.advanced_form)

    def _webhook_fields(self) -> None:
        self._line("url", self.tr("URL"), "https://…")
        self.form.addRow(self.tr("Bearer token (optional)"), self.secret_edit)

    def _show_advanced(self, shown: bool) -> None:
        self.advanced_box.setVisible(shown and self.kind in ("line", "telegram"))

    def _has_stored_secret(self) -> bool:
        return (
            self.channel is not None
            and self.channel.id is not None
            and (self.secrets.get_named(notify.secret_name(self.channel.id)) is not None)
        )

    def _secret_hint(self) -> None:
        if self._has_stored_secret():
            self.secret_edit.setPlaceholderText(self.tr("stored; leave empty to keep it"))
        elif self.kind in ("line", "telegram"):
            self.secret_edit.setPlaceholderText(self.tr("required"))

    def _load(self, channel: Channel) -> None:
        s = channel.settings
        self.name_edit.setText(channel.name)
        self.enabled_check.setChecked(channel.enabled)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(channel.language)))
        if self.kind == "email":
            self.security_combo.setCurrentIndex(max(0, self.security_combo.findData(s.get("security", "starttls"))))
            self.port_spin.setValue(int(s.get("port", notify.SMTP_PORTS["starttls"])))
            for key in ("host", "user", "from"):
                self._edit(key).setText(str(s.get(key, "")))
            self._edit("to").setText(", ".join(s.get("to", [])))
            return
        for key in ("to", "chat_id", "url"):
            if key in self.fields:
                self._edit(key).setText(str(s.get(key, "")))
        if "base_url" in self.fields and s.get("base_url") and s["base_url"] != notify.DEFAULT_BASE_URL[self.kind]:
            self._edit("base_url").setText(str(s["base_url"]))
            self.advanced.setChecked(True)

    def _edit(self, key: str) -> QLineEdit:
        widget = self.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    # ---------------------------------------------------------------------------------------------- saving

    def edited_channel(self) -> Channel:
        """The channel as the fields show it (not checked yet)."""
        if self.kind == "email":
            before = self.channel.settings if self.channel else {}
            kept = {k: before[k] for k in ("ca_file", "tls_verify") if k in before}  # set on the command line
            settings: dict[str, Any] = {
                "host": self._edit("host").text().strip(),
                "port": self.port_spin.value(),
                "security": self.security_combo.currentData(),
                "user": self._edit("user").text().strip(),
                "from": self._edit("from").text().strip(),
                "to": [a for a in re.split(r"[,;\s]+", self._edit("to").text()) if a],
                **kept,
            }
        else:
            settings = {key: self._edit(key).text().strip() for key in self.fields}
            if "base_url" in settings and not self.advanced.isChecked():
                settings["base_url"] = ""  # the public API
        channel_id = self.channel.id if self.channel else None
        language = str(self.language_combo.currentData())
        return Channel(self.kind, self.name_edit.text(), settings, self.enabled_check.isChecked(), language, channel_id)

    def accept(self) -> None:
        """Check the input, then save the channel (and a typed secret) through the writer; stay open on refusal."""
        channel = self.edited_channel()
        secret = self.secret_edit.text() or None
        try:
            checked = notify.validate_channel(channel)
            notify.validate_secret(checked, secret)
            if notify.needs_secret(checked) and secret is None and not self._has_stored_secret():
                what = self.tr("password") if checked.kind == "email" else self.tr("token")
                raise CampusNetError(self.tr("this channel needs its {0}").format(what))
        except CampusNetError as exc:
            self._refuse(exc)
            return
        self.buttons.setEnabled(False)
        job = functools.partial(notify.save_channel, secrets=self.secrets, channel=checked, secret=secret)
        self._relay.then(self.write(job), self._on_saved)

    def _on_saved(self, saved: Channel | None, error: BaseException | None) -> None:
        self.buttons.setEnabled(True)
        if error is not None or saved is None:
            if not isinstance(error, CampusNetError):
                log.error("saving a notification channel failed", exc_info=error)
            self._refuse(error or RuntimeError())
            return
        self.secret_edit.clear()
        self.channel = saved
        self.saved.emit(saved)
        super().accept()

    def _refuse(self, error: BaseException) -> None:
        self.error_label.setText(self.tr("Not saved: {0}").format(one_line(error)))
        self.error_label.show()


# ------------------------------------------------------------------------------------------------- the list


class ChannelsDialog(QDialog):
    """Notification channels: where alert messages go, how their delivery went, and a test for each.

    Attributes:
        table: the channels (name, kind, where to, language, on/off, waiting, sent, failed, last error).
        add_kind, add_button, edit_button, remove_button, test_button: the actions.
        busy: the indicator shown while a test message is being sent.
        result_label: the one line saying how the last test or action went.
        outbox_label: the outbox in all (waiting, sent, failed, last error).
        editor: the add/edit dialog last opened (None before).

    Signals:
        testFinished(object): a "Send test" ended (the :class:`SendResult`).
        changed(): a channel was added, changed or removed.
    """

    testFinished = Signal(object)
    changed = Signal()
    COLUMNS = (
        QT_TRANSLATE_NOOP("ChannelsDialog", "Name"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "Kind"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "Sends to"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "Language"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "On"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "Waiting"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "Sent"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "Failed"),
        QT_TRANSLATE_NOOP("ChannelsDialog", "Last error"),
    )

    def __init__(
        self,
        conn: sqlite3.Connection,
        secrets: SecretStore,
        write: Write,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conn, self.secrets, self.write, self.submit = conn, secrets, write, submit
        self.channels: list[Channel] = []
        self.editor: ChannelEditor | None = None
        self._testing: str | None = None
        self._relay = Relay(self)
        self.setWindowTitle(self.tr("Notification channels"))
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Alert messages go to every channel that is on, in the channel's language."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # a long error is elided; the whole of it is the cell's tooltip
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda _r, _c: self.edit_selected())
        layout.addWidget(self.table, 1)
        self.outbox_label = plain(QLabel())
        self.outbox_label.setWordWrap(True)
        layout.addWidget(self.outbox_label)
        layout.addLayout(self._actions())
        result_row = QHBoxLayout()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no end known: a moving bar while the test runs
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.result_label = plain(QLabel())
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result_row.addWidget(self.busy)
        result_row.addWidget(self.result_label, 1)
        layout.addLayout(result_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_kind = QComboBox()
        for kind in notify.KINDS:
            self.add_kind.addItem(kind_label(kind), kind)
        self.add_button = QPushButton(self.tr("Add…"))
        self.add_button.clicked.connect(lambda: self.add_channel(str(self.add_kind.currentData())))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.test_button = QPushButton(self.tr("Send test"))
        self.test_button.setToolTip(self.tr("Send a test message through the selected channel now"))
        self.test_button.clicked.connect(lambda: self.send_test())
        for widget in (self.add_kind, self.add_button, self.edit_button, self.remove_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.test_button)
        return row

    # ---------------------------------------------------------------------------------------------- the list

    def reload(self) -> None:
        """Read the channels and their outbox again (small reads), keeping the selection."""
        selected = self.selected_channel()
        self.channels = notify.list_channels(self.conn)
        counts = outbox_counts(self.conn)
        self.table.setRowCount(len(self.channels))
        empty = {"pending": 0, "sent": 0, "failed": 0, "last_error": None}
        for row, channel in enumerate(self.channels):
            c = counts.get(channel.id or -1, empty)
            values = [
                channel.name,
                kind_label(channel.kind),
                target_text(channel),
                LANGUAGE_NAMES.get(channel.language, channel.language),
                self.tr("yes") if channel.enabled else self.tr("no"),
                str(c["pending"]),
                str(c["sent"]),
                str(c["failed"]),
                c["last_error"] or "",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == len(values) - 1 and value:
                    item.setToolTip(literal(value))
                self.table.setItem(row, column, item)
        if selected is not None:
            self.select(selected.name)
        elif self.channels:
            self.table.selectRow(0)
        self._show_outbox(counts)
        self._update_buttons()

    def _show_outbox(self, counts: dict[int, dict[str, Any]]) -> None:
        if not self.channels:
            self.outbox_label.setText(self.tr("No channels yet: add one, then send a test."))
            return
        total = {k: sum(c[k] for c in counts.values()) for k in ("pending", "sent", "failed")}
        text = self.tr("Outbox: {0} waiting, {1} sent, {2} failed.").format(
            total["pending"], total["sent"], total["failed"]
        )
        row = self.conn.execute(
            "SELECT last_error, created FROM deliveries WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            when = time.strftime("%m-%d %H:%M", time.localtime(row["created"]))
            gap = "" if text.endswith("。") else " "  # Chinese sentences follow each other without a space
            text += gap + self.tr("Last error ({0}): {1}").format(when, row["last_error"])
        self.outbox_label.setText(text)

    def selected_channel(self) -> Channel | None:
        """The channel selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.channels[rows[0].row()] if rows and rows[0].row() < len(self.channels) else None

    def select(self, name: str) -> bool:
        """Select the channel called ``name``."""
        for row, channel in enumerate(self.channels):
            if channel.name == name:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        chosen = self.selected_channel() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.test_button.setEnabled(chosen and self._testing is None)

    # ---------------------------------------------------------------------------------------------- actions

    def add_channel(self, kind: str) -> ChannelEditor:
        """Open the editor for a new channel of ``kind``."""
        return self._open_editor(ChannelEditor(kind, self.write, self.secrets, parent=self))

    def edit_selected(self) -> ChannelEditor | None:
        """Open the editor for the selected channel."""
        channel = self.selected_channel()
        if channel is None:
            return None
        return self._open_editor(ChannelEditor(channel.kind, self.write, self.secrets, channel, parent=self))

    def _open_editor(self, editor: ChannelEditor) -> ChannelEditor:
        self.editor = editor
        editor.saved.connect(self._on_editor_saved)
        editor.open()
        return editor

    def _on_editor_saved(self, channel: Channel) -> None:
        self.reload()
        self.select(channel.name)
        self._say(self.tr("Saved: {0}.").format(channel.name), ok=True)
        self.changed.emit()

    def remove_selected(self, *, confirm: bool = True) -> bool:
        """Remove the selected channel (its secret and outbox too) after asking."""
        channel = self.selected_channel()
        if channel is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Remove channel"),
                literal(
                    self.tr("Remove the channel {0} with its password or token and its outbox?").format(channel.name)
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        job = functools.partial(notify.remove_channel, secrets=self.secrets, name=channel.name)
        self._relay.then(self.write(job), lambda _r, error: self._on_removed(channel.name, error))
        return True

    def _on_removed(self, name: str, error: BaseException | None) -> None:
        if error is not None:
            self._say(self.tr("Not removed: {0}").format(one_line(error)), ok=False)
        else:
            self._say(self.tr("Removed: {0}.").format(name), ok=True)
            self.changed.emit()
        self.reload()

    @property
    def testing(self) -> bool:
        """True while a test message is being sent."""
        return self._testing is not None

    def send_test(self) -> bool:
        """Send a test message through the selected channel (as stored) off the GUI thread; False if not started."""
        chosen = self.selected_channel()
        if chosen is None or self._testing is not None:
            return False
        try:
            channel = notify.get_channel(self.conn, chosen.name)  # as stored now
        except CampusNetError as exc:
            self._say(one_line(exc), ok=False)
            return False
        self._testing = channel.name
        self.busy.show()
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("Sending a test message through {0}…").format(channel.name))
        self._update_buttons()
        coro = asyncio.to_thread(notify.send_test, channel, self.secrets)
        self._relay.then(self.submit(coro), self._on_tested)
        return True

    def _on_tested(self, result: SendResult | None, error: BaseException | None) -> None:
        name, self._testing = self._testing or "", None
        self.busy.hide()
        self._update_buttons()
        if result is None:  # a bug, not a send failure (those come back as a SendResult)
            log.error("sending a test message failed", exc_info=error)
            result = SendResult(False, one_line(error or RuntimeError()))
        if result.ok:
            self._say(self.tr("Test message sent through {0}.").format(name), ok=True)
        else:
            self._say(self.tr("Test through {0} failed: {1}").format(name, result.error), ok=False)
        self.testFinished.emit(result)

    def _say(self, text: str, ok: bool) -> None:
        self.result_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.result_label.setText(" ".join(text.split()))
