"""Translations: which language the GUI speaks, and loading the compiled Qt translation files.

CampusNet ships English (the source text) and Traditional Chinese as used in Taiwan (``zh_TW``). Translations live
in ``gui/translations/campusnet_<lang>.ts`` and are compiled to ``.qm`` by ``packaging/update_translations.sh``; run
it after changing GUI strings, then translate what is new.

Strings that the GUI translates at run time from data (status names from the store, column titles kept in a tuple,
range captions) are invisible to ``lupdate``; :data:`RUNTIME_STRINGS` marks them so they reach the ``.ts`` files
under the context (class name) that translates them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = ("system", "en", "zh_TW")


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Mark ``source`` for translation under ``context`` and return it unchanged (Qt's own returns ``object`` to
    type checkers; ``lupdate`` finds the mark by its name, so this typed one is found as well)."""
    del context
    return source


# Set by install_translator: the translators now installed, kept referenced so Python does not free them.
_installed: list[QTranslator] = []

# Marked for lupdate only (QT_TRANSLATE_NOOP returns the text unchanged).
RUNTIME_STRINGS = (
    # gui/main_window.py: IF-MIB ifOperStatus names (devices.ifmib.IF_STATUS) in the ports table.
    QT_TRANSLATE_NOOP("PortsModel", "up"),
    QT_TRANSLATE_NOOP("PortsModel", "down"),
    QT_TRANSLATE_NOOP("PortsModel", "testing"),
    QT_TRANSLATE_NOOP("PortsModel", "unknown"),
    QT_TRANSLATE_NOOP("PortsModel", "dormant"),
    QT_TRANSLATE_NOOP("PortsModel", "notPresent"),
    QT_TRANSLATE_NOOP("PortsModel", "lowerLayerDown"),
    # Device status names from the store (devices.status), shown by the device page, main window and dashboard.
    QT_TRANSLATE_NOOP("DevicePage", "up"),
    QT_TRANSLATE_NOOP("DevicePage", "unreachable"),
    QT_TRANSLATE_NOOP("DevicePage", "error"),
    QT_TRANSLATE_NOOP("DevicePage", "unknown"),
    QT_TRANSLATE_NOOP("MainWindow", "up"),
    QT_TRANSLATE_NOOP("MainWindow", "unreachable"),
    QT_TRANSLATE_NOOP("MainWindow", "error"),
    QT_TRANSLATE_NOOP("MainWindow", "unknown"),
    QT_TRANSLATE_NOOP("Dashboard", "up"),
    QT_TRANSLATE_NOOP("Dashboard", "unreachable"),
    QT_TRANSLATE_NOOP("Dashboard", "error"),
    QT_TRANSLATE_NOOP("Dashboard", "unknown"),
    # gui/dashboard.py: EVENT_NAMES (event kinds written by monitor.polling.poller).
    QT_TRANSLATE_NOOP("Dashboard", "device down"),
    QT_TRANSLATE_NOOP("Dashboard", "device up"),
    QT_TRANSLATE_NOOP("Dashboard", "restarted"),
    QT_TRANSLATE_NOOP("Dashboard", "port down"),
    QT_TRANSLATE_NOOP("Dashboard", "port up"),
    # gui/plot.py: tier captions and range buttons, translated through a helper.
    QT_TRANSLATE_NOOP("BandwidthPlot", "raw samples"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "5-minute averages"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "30-minute averages"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "2-hour averages"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "daily averages"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "1 h"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "24 h"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "7 d"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "30 d"),
    QT_TRANSLATE_NOOP("BandwidthPlot", "1 y"),
)


def translations_dir() -> Path:
    """Folder of the compiled ``.qm`` files: next to this module, or inside a PyInstaller bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "gui" / "translations"
    return Path(__file__).resolve().parent / "translations"


def is_traditional_chinese(locale: QLocale) -> bool:
    """True for Chinese written in Traditional script: zh_TW, zh_HK, zh_MO and any zh_Hant locale."""
    if locale.language() != QLocale.Language.Chinese:
        return False
    traditional_places = (QLocale.Country.Taiwan, QLocale.Country.HongKong, QLocale.Country.Macao)
    return locale.script() == QLocale.Script.TraditionalHanScript or locale.territory() in traditional_places


def resolve_language(language: str, system: QLocale | None = None) -> str:
    """The language to use for a preference: ``"zh_TW"`` or ``"en"`` (``"system"`` follows the system locale)."""
    if language == "zh_TW":
        return "zh_TW"
    if language == "system" and is_traditional_chinese(system or QLocale.system()):
        return "zh_TW"
    return "en"


def _load(path: Path) -> QTranslator | None:
    translator = QTranslator()
    return translator if path.is_file() and translator.load(str(path)) else None


def _remove_installed(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())


def install_translator(app: QCoreApplication, language: str = "system") -> str:
    """Make ``app`` speak ``language`` ("system", "en" or "zh_TW"); returns the language used ("en" or "zh_TW").

    Loads CampusNet's own translation and, for Chinese, Qt's (standard buttons such as OK and Cancel). Any
    translators installed by an earlier call are removed first, so switching at run time works: Qt then sends
    every widget a LanguageChange event; widgets that set their texts only in ``__init__`` show the new language
    once they are created again.
    """
    used = resolve_language(language)
    _remove_installed(app)
    candidates = [translations_dir() / f"campusnet_{used}.qm"]
    if used == "zh_TW":
        qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        candidates.append(qt_dir / "qtbase_zh_TW.qm")
    for path in candidates:
        translator = _load(path)
        if translator is not None:
            app.installTranslator(translator)
            _installed.append(translator)
    return used
