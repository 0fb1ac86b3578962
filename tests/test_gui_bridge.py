"""Background polling from the GUI: the core runs off the GUI thread and its results arrive as signals."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from gui.bridge import CoreBridge
from gui.main_window import MainWindow
from tests.helpers import add_device
from tests.peers import SnmpSim


def test_poll_results_reach_the_window(
    qtbot,
    tmp_path: Path,
    snmprec_dir: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    sim = SnmpSim(tmp_path, recordings={"sw": snmprec_dir / "dlink_dgs-1510-28.snmprec"}).start()
    db = tmp_path / "inventory.db"
    add_device(db, "sw", sim.port, "sw", location="教學大樓A")
    add_device(db, "gone", 9, "public", location="教學大樓A", timeout_s=0.3, retries=0)
    bridge = CoreBridge(db, interval=30)
    window = MainWindow(db, bridge)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(bridge.cycleFinished, timeout=20_000) as blocker:
            bridge.start()
        cycle = blocker.args[0]
        assert {d.name: d.status for d in cycle.devices} == {"sw": "up", "gone": "unreachable"}
        qtbot.waitUntil(lambda: "1 device(s) failing" in window.statusBar().currentMessage(), timeout=5_000)
        group = window.tree_model.item(0)
        assert group.text() == "教學大樓A"
        assert sorted(group.child(r).text() for r in range(group.rowCount())) == ["○ gone", "● sw"]
        bridge.pause()
        qtbot.waitUntil(lambda: not bridge.running, timeout=10_000)
        with qtbot.waitSignal(bridge.cycleFinished, timeout=20_000):
            bridge.poll_now()
        bridge.resume()
        assert bridge.running
    finally:
        window.close()
        sim.close()
    assert bridge.core is None  # closing the window stopped the core loop thread
