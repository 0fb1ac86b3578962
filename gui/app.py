"""Start the desktop app: Qt application, core bridge, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from gui.bridge import CoreBridge
from gui.main_window import MainWindow
from monitor.store import connect


def run(db_path: Path) -> int:
    """Open the main window over ``db_path`` with background polling; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("CampusNet")
    connect(db_path).close()  # create and migrate the store before the window reads it
    bridge = CoreBridge(db_path)
    window = MainWindow(db_path, bridge)
    window.show()
    bridge.start()
    return int(app.exec())


def run_demo(db_path: Path, speed: float, interval: float) -> int:
    """Open the app on the simulated school: its agent on 127.0.0.1, its own store, polled every ``interval`` s."""
    from monitor.demo import DemoNetwork

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("CampusNet")
    network = DemoNetwork(speed=speed)
    network.start()
    try:
        network.ensure_store(db_path)
        bridge = CoreBridge(db_path, interval=interval)
        window = MainWindow(db_path, bridge)
        window.setWindowTitle(window.tr("CampusNet — demo network"))
        window.show()
        bridge.start()
        return int(app.exec())
    finally:
        network.stop()
