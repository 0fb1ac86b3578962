"""The alert rules editor: each rule's switch, name, severity and the parameters of its kind.

The parameter widgets are made from :data:`monitor.alerting.alerts.PARAMS` (spin boxes limited to each parameter's
range, with
its unit; combo boxes for choices). Saving checks the rule with :func:`monitor.alerting.alerts.validate_rule` first,
then
:func:`monitor.alerting.alerts.save_rule` runs through ``write`` (the store's one writer while polling runs); a refusal
is
shown in one line and nothing is saved. Changes apply from the next poll cycle.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from devices.errors import CampusNetError
from gui.alert_names import kind_name, rule_label, severity_name
from gui.i18n import QT_TRANSLATE_NOOP
from gui.plain_text import literal, plain
from gui.plumbing import ERROR_STYLE, OK_STYLE, Relay, Write, one_line
from monitor.alerting import alerts
from monitor.alerting.alerts import PARAMS, ParamSpec, Rule

# Parameter labels and units (marked for lupdate; translated where shown). A parameter missing here shows the
# core's own English label.
PARAM_TEXT: dict[str, tuple[str, str]] = {
    "polls": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Missed polls in a row"), ""),
    "flap_changes": (QT_TRANSLATE_NOOP("AlertRulesDialog", "State changes that make it flapping"), ""),
    "flap_window_min": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Flapping window"), " min"),
    "remind_every_min": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Remind every"), " min"),
    "percent": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Utilization above"), " %"),
    "minutes": (QT_TRANSLATE_NOOP("AlertRulesDialog", "For at least"), " min"),
    "clear_minutes": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Clears after (below the limit)"), " min"),
    "direction": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Direction"), ""),
    "ports": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Ports"), ""),
    "errors_ps": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Errors above"), " /s"),
    "discards_ps": (QT_TRANSLATE_NOOP("AlertRulesDialog", "Discards above"), " /s"),
}
UNITS = {
    " min": QT_TRANSLATE_NOOP("AlertRulesDialog", " min"),
    " %": QT_TRANSLATE_NOOP("AlertRulesDialog", " %"),
    " /s": QT_TRANSLATE_NOOP("AlertRulesDialog", " /s"),
}
CHOICE_TEXT = {
    "any": QT_TRANSLATE_NOOP("AlertRulesDialog", "In or out"),
    "in": QT_TRANSLATE_NOOP("AlertRulesDialog", "In"),
    "out": QT_TRANSLATE_NOOP("AlertRulesDialog", "Out"),
    "uplinks": QT_TRANSLATE_NOOP("AlertRulesDialog", "Uplinks and important ports"),
    "all": QT_TRANSLATE_NOOP("AlertRulesDialog", "Every port with a known speed"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("AlertRulesDialog", text)


def param_widget(key: str, spec: ParamSpec) -> QWidget:
    """The widget for one rule parameter: a combo box of its choices, or a spin box limited to its range."""
    if spec.choices:
        combo = QComboBox()
        for choice in spec.choices:
            combo.addItem(_tr(CHOICE_TEXT.get(choice, choice)), choice)
        return combo
    unit = _tr(UNITS[PARAM_TEXT[key][1]]) if key in PARAM_TEXT and PARAM_TEXT[key][1] else ""
    box: QSpinBox | QDoubleSpinBox
    if isinstance(spec.default, int):
        box = QSpinBox()
        box.setRange(int(spec.low), int(spec.high))
    else:
        box = QDoubleSpinBox()
        box.setDecimals(3 if spec.low < 0.1 else 1)
        box.setRange(spec.low, spec.high)
    box.setSuffix(unit)
    box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    box.setMinimumWidth(110)
    if key == "remind_every_min" and spec.low == 0:
        box.setSpecialValueText(QCoreApplication.translate("AlertRulesDialog", "Never"))
    return box


def widget_value(widget: QWidget) -> Any:
    """The value a parameter widget holds (int, float or the choice)."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    assert isinstance(widget, QSpinBox | QDoubleSpinBox)
    return widget.value()


def set_widget_value(widget: QWidget, value: Any) -> None:
    """Show a parameter value in its widget."""
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(value))


class AlertRulesDialog(QDialog):
    """The alert rules: switch them on or off, change their parameters, add and delete them.

    Attributes:
        rule_list: every rule, with a check box that switches it on or off (saved at once).
        name_edit, severity_combo, kind_label, params: the rule being edited; ``params`` maps parameter names to
            their widgets.
        add_kind, add_button, delete_button, save_button: the actions.
        status: the one line saying what the last action did, or why it was refused.
        rule: the rule in the editor (``id`` None for a new one not saved yet).

    Signals:
        saved(object): a rule was saved (the :class:`Rule` as stored).
        deleted(int): a rule was deleted (its id).
    """

    saved = Signal(object)
    deleted = Signal(int)

    def __init__(self, conn: sqlite3.Connection, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conn, self.write = conn, write
        self.rule: Rule | None = None
        self.params: dict[str, QWidget] = {}
        self._relay = Relay(self)
        self._filling = False
        self.setWindowTitle(self.tr("Alert rules"))
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.rule_list = QListWidget()
        self.rule_list.setMinimumWidth(260)
        self.rule_list.currentItemChanged.connect(lambda current, _prev: self._on_rule_selected(current))
        self.rule_list.itemChanged.connect(self._on_item_changed)
        left.addWidget(self.rule_list, 1)
        add_row = QHBoxLayout()
        self.add_kind = QComboBox()
        for kind in alerts.RULE_KINDS:
            self.add_kind.addItem(kind_name(kind), kind)
        self.add_button = QPushButton(self.tr("Add rule"))
        self.add_button.clicked.connect(lambda: self.add_rule(str(self.add_kind.currentData())))
        add_row.addWidget(self.add_kind, 1)
        add_row.addWidget(self.add_button)
        left.addLayout(add_row)
        self.delete_button = QPushButton(self.tr("Delete rule…"))
        self.delete_button.clicked.connect(lambda: self.delete_rule())
        left.addWidget(self.delete_button)
        body.addLayout(left)
        body.addWidget(self._editor(), 1)
        layout.addLayout(body, 1)
        self.status = plain(QLabel())
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def _editor(self) -> QGroupBox:
        self.editor = QGroupBox(self.tr("Rule"))
        outer = QVBoxLayout(self.editor)
        form = QFormLayout()
        self.kind_label = QLabel()
        form.addRow(self.tr("Kind"), self.kind_label)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(64)
        form.addRow(self.tr("Name"), self.name_edit)
        self.severity_combo = QComboBox()
        for severity in alerts.SEVERITIES:
            self.severity_combo.addItem(severity_name(severity), severity)
        form.addRow(self.tr("Severity"), self.severity_combo)
        outer.addLayout(form)
        self.params_box = QGroupBox(self.tr("When it fires"))
        self.params_form = QFormLayout(self.params_box)
        outer.addWidget(self.params_box)
        outer.addStretch(1)
        self.save_button = QPushButton(self.tr("Save rule"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        outer.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignRight)
        return self.editor

    # ---------------------------------------------------------------------------------------------- the list

    def reload(self, select: int | None = None, *, keep_editor: bool = False) -> None:
        """Read the rules again (a small read) and select rule ``select`` (else the one in the editor).

        With ``keep_editor`` the editor keeps what it shows (a switch was flipped, or a save was refused).
        """
        current = self.rule.id if select is None and self.rule is not None else select
        self._filling = True
        self.rule_list.clear()
        chosen = None
        for rule in alerts.list_rules(self.conn):
            item = QListWidgetItem(rule_label(rule.name))
            item.setToolTip(kind_name(rule.kind))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, rule)
            self.rule_list.addItem(item)
            if rule.id == current:
                chosen = item
        if chosen is None and not keep_editor and self.rule_list.count():
            chosen = self.rule_list.item(0)
        if chosen is not None:
            self.rule_list.setCurrentItem(chosen)
        self._filling = False
        if keep_editor and self.rule is not None:
            stored = chosen.data(Qt.ItemDataRole.UserRole) if chosen is not None else None
            if stored is not None:
                self.rule.enabled = stored.enabled
        elif chosen is not None:
            self.show_rule(chosen.data(Qt.ItemDataRole.UserRole))
        self.delete_button.setEnabled(self.rule is not None and self.rule.id is not None)

    def rules(self) -> list[Rule]:
        """The rules as the list shows them."""
        return [self.rule_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.rule_list.count())]

    def item_for(self, name: str) -> QListWidgetItem | None:
        """The list item of the rule called ``name`` (its stored name)."""
        for i in range(self.rule_list.count()):
            item = self.rule_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole).name == name:
                return item
        return None

    def _on_rule_selected(self, item: QListWidgetItem | None) -> None:
        if item is None or self._filling:
            return
        self.show_rule(item.data(Qt.ItemDataRole.UserRole))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        """The check box was clicked: switch the rule on or off at once."""
        if self._filling:
            return
        rule: Rule = item.data(Qt.ItemDataRole.UserRole)
        enabled = item.checkState() == Qt.CheckState.Checked
        if enabled == rule.enabled:
            return
        changed = Rule(rule.kind, rule.name, dict(rule.params), enabled, rule.severity, rule.id)
        success = self.tr("Switched on: {0}.") if enabled else self.tr("Switched off: {0}.")
        self._store(changed, success, switch=True)

    # ---------------------------------------------------------------------------------------------- the editor

    def show_rule(self, rule: Rule) -> None:
        """Put a rule into the editor, with the parameter widgets of its kind."""
        self.rule = rule
        self.kind_label.setText(kind_name(rule.kind))
        self.name_edit.setText(rule_label(rule.name))  # a default rule's name in the user's language
        self.severity_combo.setCurrentIndex(max(0, self.severity_combo.findData(rule.severity)))
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.params = {}
        for key, spec in PARAMS[rule.kind].items():
            widget = param_widget(key, spec)
            set_widget_value(widget, rule.params.get(key, spec.default))
            label = _tr(PARAM_TEXT[key][0]) if key in PARAM_TEXT else spec.label
            widget.setToolTip(spec.label)
            self.params_form.addRow(label, widget)
            self.params[key] = widget
        if not self.params:
            self.params_form.addRow(QLabel(self.tr("Once for every restart; nothing to set.")))
        self.delete_button.setEnabled(rule.id is not None)

    def edited_rule(self) -> Rule:
        """The rule as the editor shows it (not checked yet)."""
        assert self.rule is not None
        params = {key: widget_value(widget) for key, widget in self.params.items()}
        severity = str(self.severity_combo.currentData())
        name = self.name_edit.text()
        if name == rule_label(self.rule.name):  # not renamed: a default rule keeps its stored (English) name
            name = self.rule.name
        return Rule(self.rule.kind, name, params, self.rule.enabled, severity, self.rule.id)

    def add_rule(self, kind: str) -> None:
        """Start a new rule of ``kind`` in the editor with its default parameters (saved with "Save rule")."""
        taken = {r.name for r in self.rules()} | {rule_label(r.name) for r in self.rules()}
        base = kind_name(kind)
        name, n = base, 2
        while name in taken:
            name, n = f"{base} {n}", n + 1
        self.rule_list.clearSelection()
        self.show_rule(Rule(kind, name, {k: s.default for k, s in PARAMS[kind].items()}))
        self._say(self.tr("New rule: set it up, then save it."), ok=True)

    def save(self) -> bool:
        """Check and save the rule in the editor; a refusal shows in one line and saves nothing."""
        if self.rule is None:
            return False
        rule = self.edited_rule()
        try:
            alerts.validate_rule(rule)
        except CampusNetError as exc:
            self._say(self.tr("Not saved: {0}").format(one_line(exc)), ok=False)
            return False
        self._store(rule, self.tr("Saved: {0}."))
        return True

    def _store(self, rule: Rule, success: str, *, switch: bool = False) -> None:
        self.save_button.setEnabled(False)
        job = functools.partial(alerts.save_rule, rule=rule)
        self._relay.then(self.write(job), lambda saved, error: self._on_stored(saved, error, success, switch))

    def _on_stored(self, saved: Rule | None, error: BaseException | None, success: str, switch: bool) -> None:
        self.save_button.setEnabled(True)
        if error is not None or saved is None:
            self._say(self.tr("Not saved: {0}").format(one_line(error or RuntimeError())), ok=False)
            self.reload(keep_editor=True)  # the list shows what is stored (a refused switch goes back)
            return
        self._say(success.format(rule_label(saved.name)), ok=True)
        if switch:
            self.reload(keep_editor=True)
        else:
            self.reload(select=saved.id)
        self.saved.emit(saved)

    def delete_rule(self, *, confirm: bool = True) -> bool:
        """Delete the rule in the editor after asking; its firing alerts close at the next cycle."""
        rule = self.rule
        if rule is None or rule.id is None:
            return False
        if confirm:
            question = self.tr("Delete the rule {0}? Its firing alerts close without a message.")
            text = literal(question.format(rule_label(rule.name)))
            answer = QMessageBox.question(self, self.tr("Delete rule"), text)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        rule_id = rule.id
        job = functools.partial(alerts.delete_rule, rule_id=rule_id)
        self._relay.then(self.write(job), lambda _r, error: self._on_deleted(rule_id, error))
        return True

    def _on_deleted(self, rule_id: int, error: BaseException | None) -> None:
        if error is not None:
            self._say(self.tr("Not deleted: {0}").format(one_line(error)), ok=False)
            return
        self.rule = None
        self._say(self.tr("Rule deleted."), ok=True)
        self.reload()
        self.deleted.emit(rule_id)

    def _say(self, text: str, ok: bool) -> None:
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status.setText(text)
