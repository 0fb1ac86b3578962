"""Start the desktop app: Qt application, core bridge, main window; switch to the demo network on request."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from gui.bridge import CoreBridge
from gui.main_window import MainWindow
from monitor.store import connect


class App:
    """Owns what lives as long as the app: the window, its bridge and, in demo mode, the simulated network."""

    def __init__(self, qt_app: QApplication) -> None:
        self.qt_app = qt_app
        self.window: MainWindow | None = None
        self.demo: Any = None  # monitor.demo.DemoNetwork while the demo runs

    def open_store(self, db_path: Path, *, interval: float = 60.0, title: str | None = None) -> MainWindow:
        """Show a main window over ``db_path`` with background polling (closing any previous one)."""
        connect(db_path).close()  # create and migrate the store before the window reads it
        bridge = CoreBridge(db_path, interval=interval)
        window = MainWindow(db_path, bridge)
        if title:
            window.setWindowTitle(title)
        window.demoRequested.connect(lambda: self.open_demo())
        previous, self.window = self.window, window
        if previous is not None:
            previous.close()
        window.show()
        bridge.start()
        return window

    def open_demo(self, db_path: Path | None = None, speed: float = 60.0, interval: float = 15.0) -> MainWindow:
        """Start the simulated school on 127.0.0.1 and show it from its own store (never the school's)."""
        from monitor.demo import DemoNetwork, default_demo_db

        if self.demo is None:
            self.demo = DemoNetwork(speed=speed)
            self.demo.start()
        path = db_path or default_demo_db()
        self.demo.ensure_store(path)
        window = self.open_store(path, interval=interval, title=MainWindow.tr_demo_title())
        return window

    def shutdown(self) -> None:
        """Stop the demo network if it runs (the window stops its own bridge when it closes)."""
        if self.demo is not None:
            self.demo.stop()
            self.demo = None


def _qt_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("CampusNet")
    app.setOrganizationName("CampusNet")
    return app


def run(db_path: Path) -> int:
    """Open the main window over ``db_path`` with background polling; returns the exit status."""
    qt_app = _qt_app()
    app = App(qt_app)
    try:
        app.open_store(db_path)
        return int(qt_app.exec())
    finally:
        app.shutdown()


def run_demo(db_path: Path, speed: float, interval: float) -> int:
    """Open the app on the simulated school: its agent on 127.0.0.1, its own store, polled every ``interval`` s."""
    qt_app = _qt_app()
    app = App(qt_app)
    try:
        app.open_demo(db_path, speed, interval)
        return int(qt_app.exec())
    finally:
        app.shutdown()
