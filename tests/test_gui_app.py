"""The app as a whole: language switch at run time, quitting, closing without a tray."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from gui.app import App, _qt_app
from gui.i18n import install_translator
from gui.tray import Tray


def test_language_switch_rebuilds_the_window_and_keeps_polling(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = App(_qt_app())
    try:
        first = app.open_store(tmp_path / "school.db")
        bridge = first.bridge
        assert bridge is not None and bridge.running
        app.switch_language("zh_TW")
        chinese = app.window
        assert chinese is not None and chinese is not first and not first.isVisible()
        assert chinese.bridge is bridge and bridge.running  # polling went on
        # The old window's Qt objects are deleted on this (the GUI) thread, not whenever Python collects it.
        import shiboken6

        qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=5_000)
        assert app._retired == []
        assert chinese.first_run.add_button.text() == "新增裝置…"  # as in gui/translations/campusnet_zh_TW.ts
        assert chinese.settings_action.text() == "設定…"
        app.switch_language("en")
        assert app.window is not None and app.window.first_run.add_button.text() == "Add device…"
    finally:
        app.quit()
        install_translator(app.qt_app, "en")
    assert bridge.core is None  # quitting stopped the core


def test_without_a_tray_closing_the_window_quits_polling(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert not Tray.available()  # offscreen has no system tray
    app = App(_qt_app())
    try:
        window = app.open_store(tmp_path / "school.db")
        assert window.hide_on_close is False
        bridge = window.bridge
        window.close()
        assert bridge is not None and bridge.core is None
    finally:
        app.quit()


def test_hide_on_close_keeps_polling_until_quit(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = App(_qt_app())
    try:
        window = app.open_store(tmp_path / "school.db")
        window.hide_on_close = True  # what a desktop with a system tray gets by default
        bridge = window.bridge
        with qtbot.waitSignal(window.hiddenToTray, timeout=1_000):
            window.close()
        assert not window.isVisible()
        assert bridge is not None and bridge.running
        app.show_window()
        assert window.isVisible()
    finally:
        app.quit()
    assert bridge.core is None
