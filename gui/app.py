"""Start the desktop app: translations, icon, tray, the main window and its core bridge; the demo on request."""

from __future__ import annotations

import dataclasses
import gc
import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import QApplication

from devices.errors import InputError
from gui.bridge import CoreBridge
from gui.i18n import install_translator
from gui.main_window import MainWindow
from gui.settings_dialog import app_prefs, save_app_prefs
from gui.tray import Tray, app_icon
from gui.welcome import WelcomeDialog, should_welcome
from monitor.alerting.texts import Notice
from monitor.logs import close_log_file, default_log_file, open_log_file
from monitor.polling.scheduler import CycleResult
from monitor.storage.store import connect


class App:
    """Owns what lives as long as the app: the window, its bridge, the tray and, in demo mode, the simulated network.

    Closing the window hides it to the tray (polling goes on) when a tray exists and the preference says so;
    otherwise closing quits. New alerts and recoveries of a poll cycle show as one tray message; clicking it opens
    the Alerts page.
    """

    def __init__(self, qt_app: QApplication) -> None:
        self.qt_app = qt_app
        self.window: MainWindow | None = None
        self.demo: Any = None  # monitor.demo.network.DemoNetwork while the demo runs
        self.tray: Tray | None = None
        self._told_about_tray = False
        self._workers: list[threading.Thread] = []
        self._alert_bridges: list[CoreBridge] = []
        self._retired: list[MainWindow] = []  # closed windows waiting for deleteLater (see _retire)
        self.welcome_dialog: WelcomeDialog | None = None
        if Tray.available():
            self.use_tray(Tray(app_icon()))
        qt_app.setQuitOnLastWindowClosed(self.tray is None)

    def use_tray(self, tray: Tray) -> None:
        """Wire a tray icon to the app: its menu, and alert messages whose click opens the Alerts page."""
        self.tray = tray
        tray.openRequested.connect(self.show_window)
        tray.pollNowRequested.connect(self._poll_now)
        tray.pauseToggled.connect(self._set_paused)
        tray.quitRequested.connect(self.quit)
        tray.alertsRequested.connect(self.show_alerts)
        tray.show()

    def open_store(self, db_path: Path, *, interval: float | None = None, title: str | None = None) -> MainWindow:
        """Show a main window over ``db_path`` with background polling (closing any previous one)."""
        connect(db_path).close()  # create and migrate the store before the window reads it
        bridge = CoreBridge(db_path, interval=interval)
        window = self._new_window(db_path, bridge, title)
        bridge.start()
        return window

    def _new_window(self, db_path: Path, bridge: CoreBridge, title: str | None) -> MainWindow:
        window = MainWindow(db_path, bridge)
        if title:
            window.setWindowTitle(title)
        window.hide_on_close = self.tray is not None and app_prefs().close_to_tray
        window.demoRequested.connect(lambda: self.open_demo())
        window.languageChangeRequested.connect(self.switch_language)
        window.hiddenToTray.connect(self._hidden_to_tray)
        window.quit_action.triggered.connect(self.quit)
        bridge.cycleFinished.connect(self._on_cycle)
        if bridge not in self._alert_bridges:  # a new window over the same bridge (language switch) keeps it
            bridge.alertsRaised.connect(self._on_alerts)
            self._alert_bridges.append(bridge)
        previous, self.window = self.window, window
        window.show()  # before the old one closes: closing the last visible window would quit the app
        if previous is not None:
            previous.hide_on_close = False
            previous.quit_requested()
            self._retire(previous)
        return window

    def _retire(self, window: MainWindow) -> None:
        """Delete a closed window's Qt objects here, on the GUI thread, and only then let Python forget it.

        Left to Python's garbage collector, the window could be freed on whichever thread happens to collect (the
        poller's, a worker's) while this thread uses Qt: the two deadlock.
        """
        self._retired.append(window)

        def forget() -> None:
            if window in self._retired:
                self._retired.remove(window)
            QTimer.singleShot(0, gc.collect)

        window.destroyed.connect(forget)
        window.deleteLater()

    def open_demo(
        self, db_path: Path | None = None, speed: float = 60.0, interval: float = 15.0, backfill_days: int = 7
    ) -> MainWindow:
        """Start the simulated school on 127.0.0.1 and show it from its own store (never the school's).

        A week of history is written in the background (a few seconds), so the graphs have something to show
        from the first minute; the next poll's refresh picks it up.
        """
        from monitor.demo.backfill import backfill
        from monitor.demo.network import DemoNetwork
        from monitor.demo.runtime import default_demo_db

        if self.demo is None:
            self.demo = DemoNetwork(speed=speed, wireless=True)
            self.demo.start()
            self.demo.start_ssh()
        path = db_path or default_demo_db()
        self.demo.ensure_store(path)
        window = self.open_store(path, interval=interval, title=MainWindow.tr_demo_title())
        if backfill_days:
            worker = threading.Thread(target=backfill, args=(path, backfill_days), name="demo-backfill", daemon=True)
            worker.start()
            self._workers.append(worker)
        return window

    def welcome(self) -> WelcomeDialog:
        """Show the first-run welcome over the window: language, add a device, import CSV, try the demo."""
        dialog = WelcomeDialog(app_prefs().language)
        dialog.languageChosen.connect(self._choose_language)
        dialog.addRequested.connect(lambda: self.window.add_device() if self.window else None)
        dialog.importRequested.connect(lambda: self.window.import_csv() if self.window else None)
        dialog.demoRequested.connect(lambda: self.open_demo())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.welcome_dialog = dialog
        return dialog

    def _choose_language(self, language: str) -> None:
        save_app_prefs(dataclasses.replace(app_prefs(), language=language))
        self.switch_language(language)

    def switch_language(self, language: str) -> None:
        """Install another language and rebuild the window in it (polling carries on)."""
        install_translator(self.qt_app, language)
        old = self.window
        if old is None:
            return
        bridge = old.detach_bridge()
        title = old.windowTitle() if self.demo is not None else None
        if bridge is not None:
            self._new_window(old.db_path, bridge, MainWindow.tr_demo_title() if title else None)

    def show_window(self) -> None:
        """Bring the window back from the tray."""
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    def show_alerts(self) -> None:
        """Bring the window back and open its Alerts page."""
        self.show_window()
        if self.window is not None:
            self.window.show_alerts()

    def _on_alerts(self, notices: list[Notice]) -> None:
        if self.tray is not None:
            self.tray.notify_alerts(notices)

    def _poll_now(self) -> None:
        if self.window is not None and self.window.bridge is not None:
            self.window.bridge.poll_now()

    def _set_paused(self, paused: bool) -> None:
        if self.window is not None:
            self.window.pause_action.setChecked(paused)

    def _hidden_to_tray(self) -> None:
        if self.tray is not None and not self._told_about_tray:
            self._told_about_tray = True
            self.tray.notify(
                "CampusNet",
                QCoreApplication.translate(
                    "App", "CampusNet keeps polling in the background. Quit from this icon's menu."
                ),
            )

    def _on_cycle(self, cycle: CycleResult) -> None:
        if self.tray is None:
            return
        failed = len(cycle.failed)
        status = (
            QCoreApplication.translate("App", "all {0} devices answer").format(len(cycle.devices))
            if not failed
            else QCoreApplication.translate("App", "{0} device(s) not answering").format(failed)
        )
        self.tray.set_status(f"CampusNet — {status}")

    def quit(self) -> None:
        """Stop polling, close the window, leave."""
        if self.window is not None:
            self.window.hide_on_close = False
            self.window.quit_requested()
        self.shutdown()
        self.qt_app.quit()

    def shutdown(self) -> None:
        """Stop the demo network if it runs, let background writers finish, and remove the tray icon."""
        for worker in self._workers:
            worker.join(timeout=30)
        self._workers.clear()
        if self.demo is not None:
            self.demo.stop()
            self.demo = None
        if self.tray is not None:
            self.tray.hide()


def _qt_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("CampusNet")
    app.setOrganizationName("CampusNet")
    app.setWindowIcon(app_icon())
    install_translator(app, app_prefs().language)
    return app


# The socket pair that wakes Qt's event loop when a signal arrives (see _quit_on_signals).
_WAKEUP_SOCKETS: list[socket.socket] = []


def _quit_on_signals(qt_app: QApplication, quit_app: Callable[[], None]) -> None:
    """Quit like the Quit menu on SIGTERM or SIGINT (a logout, ``kill``, Ctrl+C): polling stops, the store closes.

    Python runs signal handlers only between bytecodes, never while Qt waits in its event loop, so the signal also
    writes a byte to a socket Qt watches: that wakes the loop, and the handler then runs.
    """
    wake_read, wake_write = socket.socketpair()
    for sock in (wake_read, wake_write):
        sock.setblocking(False)
    signal.set_wakeup_fd(wake_write.fileno())
    notifier = QSocketNotifier(wake_read.fileno(), QSocketNotifier.Type.Read, qt_app)
    notifier.activated.connect(lambda: wake_read.recv(64))
    _WAKEUP_SOCKETS[:] = [wake_read, wake_write]  # open as long as the app runs

    def handler(_signum: int, _frame: Any) -> None:
        QTimer.singleShot(0, quit_app)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)


def _log_to_file() -> logging.Handler | None:
    """The installed app logs to ``<user log dir>/campusnet.log`` (rotating); from source it logs to stderr."""
    path = default_log_file()
    if path is None:
        return None
    try:
        return open_log_file(path, logging.INFO)
    except InputError:  # a log that cannot be written is no reason not to start
        return None


def run(db_path: Path) -> int:
    """Open the main window over ``db_path`` with background polling (or following the background service's);
    the welcome on the installed app's first start. Returns the exit status."""
    qt_app = _qt_app()
    log_handler = _log_to_file()
    app = App(qt_app)
    _quit_on_signals(qt_app, app.quit)
    try:
        window = app.open_store(db_path)
        if should_welcome(window.conn):
            app.welcome()
        return int(qt_app.exec())
    finally:
        app.shutdown()
        if log_handler is not None:
            close_log_file(log_handler)


def run_demo(db_path: Path, speed: float, interval: float) -> int:
    """Open the app on the simulated school: its agent on 127.0.0.1, its own store, polled every ``interval`` s."""
    qt_app = _qt_app()
    app = App(qt_app)
    _quit_on_signals(qt_app, app.quit)
    try:
        app.open_demo(db_path, speed, interval)
        return int(qt_app.exec())
    finally:
        app.shutdown()
