"""The welcome shown on the installed app's first start: language, and the three ways to begin.

It opens over the main window when the app is installed (frozen), the store has no devices yet, and the user has not
asked for it to stay away (``app/welcomed`` in the app's QSettings). The language buttons apply at once (the window
is rebuilt in the new language, and so is this dialog's text); the other buttons close it and start what they say.
"""

from __future__ import annotations

import sqlite3
import sys

from PySide6.QtCore import QEvent, QSettings, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import resolve_language
from gui.settings_dialog import app_settings

WELCOMED_KEY = "app/welcomed"


def should_welcome(conn: sqlite3.Connection, settings: QSettings | None = None, frozen: bool | None = None) -> bool:
    """True on the installed app's first start: no devices in the store and no "don't show again" yet.

    ``frozen`` None: whether this is the installed (PyInstaller) program. A source checkout never shows it.
    """
    if not (getattr(sys, "frozen", False) if frozen is None else frozen):
        return False
    qs = settings or app_settings()
    if bool(qs.value(WELCOMED_KEY, False, type=bool)):
        return False
    return conn.execute("SELECT 1 FROM devices LIMIT 1").fetchone() is None


class WelcomeDialog(QDialog):
    """The first-run welcome: choose a language, then add a device, import a CSV file or try the demo.

    Attributes:
        chinese, english: the language choices (names written in their own language).
        add_button, import_button, demo_button: what to do first; each closes the dialog and asks for it.
        dont_show: "Don't show again": when ticked on closing, the welcome never opens again.

    Signals:
        languageChosen(str): ``zh_TW`` or ``en``, the moment a language button is chosen.
        addRequested(), importRequested(), demoRequested(): the user's choice, after the dialog closed.
    """

    languageChosen = Signal(str)
    addRequested = Signal()
    importRequested = Signal()
    demoRequested = Signal()

    def __init__(self, language: str, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        """``language``: the app's current preference ("system", "en" or "zh_TW"), pre-selected."""
        super().__init__(parent)
        self._settings = settings
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(self.title)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        languages = QHBoxLayout()
        self.language_label = QLabel()
        languages.addWidget(self.language_label)
        self.chinese = QRadioButton("繁體中文")
        self.english = QRadioButton("English")
        group = QButtonGroup(self)
        for button in (self.chinese, self.english):
            group.addButton(button)
            languages.addWidget(button)
        languages.addStretch()
        layout.addLayout(languages)
        (self.chinese if resolve_language(language) == "zh_TW" else self.english).setChecked(True)
        self.chinese.toggled.connect(lambda on: self._pick_language(on, "zh_TW"))
        self.english.toggled.connect(lambda on: self._pick_language(on, "en"))
        buttons = QHBoxLayout()
        self.add_button = QPushButton()
        self.import_button = QPushButton()
        self.demo_button = QPushButton()
        for action, signal in (
            (self.add_button, self.addRequested),
            (self.import_button, self.importRequested),
            (self.demo_button, self.demoRequested),
        ):
            action.clicked.connect(lambda _checked=False, s=signal: self._choose(s))
            buttons.addWidget(action)
        layout.addLayout(buttons)
        bottom = QHBoxLayout()
        self.dont_show = QCheckBox()
        bottom.addWidget(self.dont_show)
        bottom.addStretch()
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.setMinimumWidth(520)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome to CampusNet"))
        self.title.setText(self.tr("Welcome to CampusNet"))
        self.text.setText(
            self.tr(
                "CampusNet watches your school's switches, access points and wireless controllers: what is up, "
                "how full the uplinks are, and the history for reports. Start by adding your devices, or look "
                "around a simulated school network first."
            )
        )
        self.language_label.setText(self.tr("Language:"))
        self.add_button.setText(self.tr("Add a device"))
        self.import_button.setText(self.tr("Import CSV…"))
        self.demo_button.setText(self.tr("Try the demo"))
        self.dont_show.setText(self.tr("Don't show again"))
        self.close_button.setText(self.tr("Close"))

    def changeEvent(self, event: QEvent) -> None:
        """Qt override: show the new language when the app's translator changes."""
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _pick_language(self, on: bool, language: str) -> None:
        """A language button was switched on: say which language was chosen."""
        if on:
            self.languageChosen.emit(language)

    def _choose(self, signal: SignalInstance) -> None:
        self.accept()
        signal.emit()

    def done(self, result: int) -> None:
        """Qt override: remember "Don't show again" whichever way the dialog closes."""
        if self.dont_show.isChecked():
            qs = self._settings or app_settings()
            qs.setValue(WELCOMED_KEY, True)
            qs.sync()
        super().done(result)
