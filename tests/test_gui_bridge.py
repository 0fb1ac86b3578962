"""Background polling from the GUI: the core runs off the GUI thread and its results arrive as signals."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from gui.bridge import CoreBridge
from gui.main_window import STATUS_ROLE, MainWindow
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
        # The dashboard's overview is read off the GUI thread and arrives by itself.
        qtbot.waitUntil(lambda: "Devices up: 1 of 2" in window.dashboard.summary.text(), timeout=5_000)
        group = window.tree_model.item(0)
        assert group.text() == "教學大樓A"
        children = [group.child(r) for r in range(group.rowCount())]
        assert sorted((c.text(), c.data(STATUS_ROLE)) for c in children) == [("gone", "unreachable"), ("sw", "up")]
        assert all(not c.icon().isNull() for c in children)
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


def test_app_quits_cleanly_while_a_poll_is_in_progress(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "inventory.db"
    # Nothing answers on 127.0.0.1:9: every poll of these devices waits out its 3 s x 2 tries.
    for i in range(5):
        add_device(db, f"slow{i}", 9, "public", timeout_s=3.0, retries=1)
    bridge = CoreBridge(db, interval=60)
    window = MainWindow(db, bridge)
    qtbot.addWidget(window)
    bridge.start()
    qtbot.wait(300)  # the cycle is under way
    assert bridge.running and bridge.last_cycle is None
    started = time.monotonic()
    window.quit_requested()
    assert time.monotonic() - started < 5  # cancelled, not waited out
    assert bridge.core is None
    assert not [t for t in threading.enumerate() if t.name.startswith("campusnet-")]
