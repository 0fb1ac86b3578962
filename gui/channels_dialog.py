"""Notification channels: the list with each one's outbox, adding and editing them, "Send test" and removing.

The editor's form is built from the kind's entry in the table of channel kinds (:mod:`monitor.alerting.kinds`): its
settings in order, each as its kind of field, and its password or token. A new kind needs nothing here but its words
marked for translation in :data:`KIND_WORDS`.

Passwords and tokens typed here go to the secret store (:func:`monitor.alerting.channels.save_channel` with
``secret``), never to the store; they are never shown again, and editing a channel keeps the stored one when the
field is left empty. Saving and removing run through ``write`` (the store's one writer while polling runs); "Send
test" runs :func:`monitor.alerting.channels.send_test` off the GUI thread through ``submit`` and shows its one-line
outcome.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sqlite3
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
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
from gui.i18n import QT_TRANSLATE_NOOP
from gui.plain_text import literal, plain
from gui.plumbing import ERROR_STYLE, OK_STYLE, Relay, Submit, Write, one_line
from monitor.alerting import channels
from monitor.alerting.channels import Channel, SendResult
from monitor.alerting.kinds import KINDS, ChannelKind, Secret, Setting
from monitor.alerting.texts import LANGUAGES
from monitor.storage.secrets import SecretStore

log = logging.getLogger(__name__)

# The words of the channel kinds (monitor/alerting/kinds.py), marked for lupdate and translated where shown: kind
# names in the "ChannelsDialog" context, the editor's labels, hints and choices in "ChannelEditor". A new kind adds
# its words here (tests/test_i18n.py checks that every word of the table has its translation).
KIND_WORDS = (
    QT_TRANSLATE_NOOP("ChannelsDialog", "E-mail"),
    QT_TRANSLATE_NOOP("ChannelsDialog", "LINE"),
    QT_TRANSLATE_NOOP("ChannelsDialog", "Telegram"),
    QT_TRANSLATE_NOOP("ChannelsDialog", "Webhook"),
    QT_TRANSLATE_NOOP("ChannelEditor", "SMTP server"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Security"),
    QT_TRANSLATE_NOOP("ChannelEditor", "None"),
    QT_TRANSLATE_NOOP("ChannelEditor", "STARTTLS"),
    QT_TRANSLATE_NOOP("ChannelEditor", "SSL/TLS"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Port"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Login (optional)"),
    QT_TRANSLATE_NOOP("ChannelEditor", "empty: the server needs no login"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Password"),
    QT_TRANSLATE_NOOP("ChannelEditor", "From"),
    QT_TRANSLATE_NOOP("ChannelEditor", "To"),
    QT_TRANSLATE_NOOP("ChannelEditor", "one or more addresses, separated by commas"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Channel access token"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Send to (user or group ID)"),
    QT_TRANSLATE_NOOP("ChannelEditor", "API address"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Bot token"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Chat ID"),
    QT_TRANSLATE_NOOP("ChannelEditor", "URL"),
    QT_TRANSLATE_NOOP("ChannelEditor", "Bearer token (optional)"),
    QT_TRANSLATE_NOOP("ChannelEditor", "password"),
    QT_TRANSLATE_NOOP("ChannelEditor", "token"),
)
# Language names are written in their own language, as in the settings dialog.
LANGUAGE_NAMES = {"zh_TW": "繁體中文 (台灣)", "en": "English"}


def kind_label(kind: str) -> str:
    """A channel kind in the user's language."""
    known = KINDS.get(kind)
    return QCoreApplication.translate("ChannelsDialog", known.label) if known else kind


def editor_word(text: str) -> str:
    """A label, hint or choice of the table of kinds in the user's language."""
    return QCoreApplication.translate("ChannelEditor", text)


def target_text(channel: Channel) -> str:
    """Where a channel sends to: the recipients, the LINE or Telegram chat, or the webhook's host."""
    return channels.target_text(channel)


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
    """Add or edit one channel; the fields are those of its kind (:data:`monitor.alerting.kinds.KINDS`).

    Attributes:
        kind: the kind's name (``email``, ``line``, ...).
        spec: the kind's entry in the table.
        channel: the channel being edited (None when adding).
        name_edit, enabled_check, language_combo: what every channel has.
        fields: the kind's own fields by setting name (a line edit, a number, a choice or a check box).
        secret_edit: the password or token (a password field; empty keeps the stored one when editing). Hidden when
            the kind has none.
        advanced: the check box that shows the advanced settings (another API address), for kinds that have some.
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
        self.spec: ChannelKind = KINDS[kind]
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
        self.secret_edit.hide()
        self.advanced = QCheckBox(self.tr("Advanced: another API address (a proxy or a test server)"), self)
        self.advanced.hide()
        self.advanced_box = QWidget(self)
        self.advanced_box.hide()
        self.advanced_form = QFormLayout(self.advanced_box)
        self.advanced_form.setContentsMargins(0, 0, 0, 0)
        self._add_fields()
        self.language_combo = QComboBox()
        for code in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.form.addRow(self.tr("Message language"), self.language_combo)
        self.enabled_check = QCheckBox(self.tr("Send notifications through this channel"))
        self.enabled_check.setChecked(True)
        self.form.addRow(self.enabled_check)
        if self._has_advanced():
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
        self._shown_values = self._values()
        if channel is not None:
            self._load(channel)
        self._secret_hint()

    # ---------------------------------------------------------------------------------------------- fields

    def _add_fields(self) -> None:
        """One row per setting shown in the editor, and the secret's row, in the kind's order."""
        before: dict[str, Any] = {}
        for item in self.spec.fields:
            if isinstance(item, Secret):
                self.form.addRow(editor_word(item.label), self.secret_edit)
                self.secret_edit.show()
                continue
            before[item.name] = item.default_for(before)
            if not item.editor:
                continue
            widget = self._widget(item, before[item.name])
            (self.advanced_form if item.advanced else self.form).addRow(editor_word(item.label), widget)
            self.fields[item.name] = widget

    def _widget(self, setting: Setting, default: Any) -> QWidget:
        """The field for ``setting``, showing its default."""
        if setting.widget == "port":
            spin = QSpinBox()
            spin.setRange(1, 65535)
            spin.setValue(int(default or 1))
            return spin
        if setting.widget == "choice":
            combo = QComboBox()
            for code, text in setting.choices:
                combo.addItem(editor_word(text), code)
            combo.setCurrentIndex(max(0, combo.findData(default)))
            combo.currentIndexChanged.connect(lambda _i: self._defaults_follow())
            return combo
        if setting.widget == "switch":
            check = QCheckBox()
            check.setChecked(default is not False)
            return check
        edit = QLineEdit()
        edit.setPlaceholderText(setting.example or (editor_word(setting.hint) if setting.hint else ""))
        return edit

    def _has_advanced(self) -> bool:
        return any(s.advanced and s.editor for s in self.spec.settings)

    def _value(self, setting: Setting) -> Any:
        """What the field of ``setting`` shows, as a setting's value."""
        widget = self.fields[setting.name]
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        assert isinstance(widget, QLineEdit)
        if setting.widget == "list":
            return [a for a in re.split(r"[,;\s]+", widget.text()) if a]
        return widget.text().strip()

    def _set_value(self, setting: Setting, value: Any) -> None:
        widget = self.fields[setting.name]
        if isinstance(widget, QSpinBox):
            widget.setValue(int(value))
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value is not False)
        elif isinstance(widget, QLineEdit):
            widget.setText(", ".join(value) if isinstance(value, list) else str(value))

    def _values(self) -> dict[str, Any]:
        return {s.name: self._value(s) for s in self.spec.settings if s.name in self.fields}

    def _defaults_follow(self) -> None:
        """A field still at the default its kind gives for the other fields follows when they change: the SMTP port
        at the old security's usual number (25, 587, 465) moves to the new one's."""
        now = self._values()
        for setting in self.spec.settings:
            follows = setting.name in self.fields and callable(setting.default)
            if follows and now[setting.name] == setting.default(self._shown_values):
                self._set_value(setting, setting.default(now))
        self._shown_values = self._values()

    def _show_advanced(self, shown: bool) -> None:
        self.advanced_box.setVisible(shown and self._has_advanced())

    def _has_stored_secret(self) -> bool:
        return (
            self.channel is not None
            and self.channel.id is not None
            and (self.secrets.get_named(channels.secret_name(self.channel.id)) is not None)
        )

    def _secret_hint(self) -> None:
        if self._has_stored_secret():
            self.secret_edit.setPlaceholderText(self.tr("stored; leave empty to keep it"))
        elif self.spec.secret is not None and self.spec.secret.required is True:
            self.secret_edit.setPlaceholderText(self.tr("required"))

    def _load(self, channel: Channel) -> None:
        s = channel.settings
        self.name_edit.setText(channel.name)
        self.enabled_check.setChecked(channel.enabled)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(channel.language)))
        for setting in self.spec.settings:
            value = s.get(setting.name)
            if setting.name not in self.fields or value is None:
                continue
            if setting.advanced:  # empty unless it is not the default: the public API
                if value != setting.default_for(s):
                    self._set_value(setting, value)
                    self.advanced.setChecked(True)
                continue
            self._set_value(setting, value)
        self._shown_values = self._values()

    # ---------------------------------------------------------------------------------------------- saving

    def edited_channel(self) -> Channel:
        """The channel as the fields show it (not checked yet)."""
        before = self.channel.settings if self.channel else {}
        settings: dict[str, Any] = {}
        for setting in self.spec.settings:
            if setting.name not in self.fields:  # not edited here (set on the command line): kept as it is
                if setting.name in before:
                    settings[setting.name] = before[setting.name]
            elif setting.advanced and not self.advanced.isChecked():
                settings[setting.name] = ""  # the default
            else:
                settings[setting.name] = self._value(setting)
        channel_id = self.channel.id if self.channel else None
        language = str(self.language_combo.currentData())
        return Channel(self.kind, self.name_edit.text(), settings, self.enabled_check.isChecked(), language, channel_id)

    def accept(self) -> None:
        """Check the input, then save the channel (and a typed secret) through the writer; stay open on refusal."""
        channel = self.edited_channel()
        secret = self.secret_edit.text() or None
        try:
            checked = channels.validate_channel(channel)
            channels.validate_secret(checked, secret)
            spec = self.spec.secret
            if channels.needs_secret(checked) and secret is None and not self._has_stored_secret():
                what = editor_word(spec.short) if spec else ""
                raise CampusNetError(self.tr("this channel needs its {0}").format(what))
        except CampusNetError as exc:
            self._refuse(exc)
            return
        self.buttons.setEnabled(False)
        job = functools.partial(channels.save_channel, secrets=self.secrets, channel=checked, secret=secret)
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
        for kind in KINDS:
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
        self.channels = channels.list_channels(self.conn)
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
        job = functools.partial(channels.remove_channel, secrets=self.secrets, name=channel.name)
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
            channel = channels.get_channel(self.conn, chosen.name)  # as stored now
        except CampusNetError as exc:
            self._say(one_line(exc), ok=False)
            return False
        self._testing = channel.name
        self.busy.show()
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("Sending a test message through {0}…").format(channel.name))
        self._update_buttons()
        coro = asyncio.to_thread(channels.send_test, channel, self.secrets)
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
