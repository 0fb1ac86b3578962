"""The app's poller is a child process (gui/child_poller.py): the app starts it, steers it with Poll now and Pause,
stops it on quit and starts it again when it dies; the window refreshes after its cycles, read from the store. With
the real app and window (offscreen) and real child processes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from gui import bridge as bridge_module
from gui import child_poller
from gui.app import App, _qt_app
from gui.child_poller import ChildPoller, poller_command
from gui.main_window import STATUS_ROLE
from monitor.polling.scheduler import Poller
from monitor.storage.lock import PollerLock
from tests.conftest import REPO
from tests.helpers import add_device, rows
from tests.peers import SnmpSim


@pytest.fixture(autouse=True)
def setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets in the file backend; preferences in a temporary folder, never the user's."""
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))


@pytest.fixture
def no_poll_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cycle run in this (the window's) process fails the test."""

    async def forbidden(self: Poller) -> None:
        raise AssertionError("a cycle ran in the window's process")

    monkeypatch.setattr(Poller, "run_cycle", forbidden)


def _gone(pid: int) -> bool:
    """True when no process ``pid`` runs (Linux: os.kill with 0 only asks; a zombie has ended too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True


def _holder(db: Path) -> dict[str, Any] | None:
    path = Path(f"{db}.poller.lock.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _dead_device(db: Path, name: str = "dead", location: str = "") -> None:
    add_device(db, name, 9, "public", timeout_s=0.3, retries=0, location=location)


def test_the_window_refreshes_after_cycles_polled_by_its_child_process(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, snmprec_dir: Path, no_poll_here: None
) -> None:
    sim = SnmpSim(tmp_path, recordings={"sw": snmprec_dir / "procurve_2520.snmprec"}).start()
    db = tmp_path / "inventory.db"
    add_device(db, "sw", sim.port, "sw", location="行政大樓")
    _dead_device(db, "gone", location="行政大樓")
    app = App(_qt_app())
    child_pid = 0
    try:
        window = app.open_store(db, interval=30)
        bridge = window.bridge
        assert bridge is not None
        with qtbot.waitSignal(bridge.cycleFinished, timeout=60_000) as blocker:
            pass
        assert {d.name: d.status for d in blocker.args[0].devices} == {"sw": "up", "gone": "unreachable"}
        assert bridge.poller is not None and bridge.poller.pid is not None
        child_pid = bridge.poller.pid
        assert child_pid != os.getpid()
        # The child polled, holding the store for the app; the cycle it recorded says so.
        assert (_holder(db) or {}).get("kind") == "app" and (_holder(db) or {}).get("pid") == os.getpid()
        (cycle,) = rows(db, "SELECT kind, pid, devices, failed FROM cycles")
        assert tuple(cycle) == ("app", child_pid, 2, 1)
        # The window refreshed after it: tree, dashboard, status bar.
        qtbot.waitUntil(lambda: "Devices up: 1 of 2" in window.dashboard.summary.text(), timeout=10_000)
        group = window.tree_model.item(0)
        statuses = sorted((group.child(r).text(), group.child(r).data(STATUS_ROLE)) for r in range(group.rowCount()))
        assert statuses == [("gone", "unreachable"), ("sw", "up")]
        qtbot.waitUntil(lambda: "1 device(s) failing" in window.statusBar().currentMessage(), timeout=5_000)
        assert window.statusBar().currentMessage().startswith("Last poll ")
    finally:
        app.quit()
        sim.close()
    assert child_pid and _gone(child_pid)  # quitting stopped the child: no poller left behind
    assert _holder(db) is None


def test_poll_now_and_pause_reach_the_child(qtbot, tmp_path: Path, no_poll_here: None) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "inventory.db"
    _dead_device(db)
    app = App(_qt_app())
    child_pid = 0
    try:
        window = app.open_store(db, interval=3600)  # one scheduled cycle at the start, then none for an hour
        bridge = window.bridge
        assert bridge is not None
        with qtbot.waitSignal(bridge.cycleFinished, timeout=60_000):
            pass
        assert bridge.poller is not None and bridge.poller.pid is not None
        child = bridge.poller
        child_pid = child.pid
        window.pause_action.trigger()
        assert not bridge.running and window.statusBar().currentMessage() == "Polling paused"
        qtbot.waitUntil(lambda: child.last_line.endswith("polling paused"), timeout=30_000)
        assert bridge.poller is child and child.alive  # paused, not stopped: it keeps the store
        assert (_holder(db) or {}).get("kind") == "app"
        with qtbot.waitSignal(bridge.cycleFinished, timeout=30_000):
            window.poll_now_action.trigger()
        assert rows(db, "SELECT COUNT(*) FROM cycles")[0][0] == 2
        window.pause_action.trigger()  # resume: the schedule starts again with a cycle at once
        assert bridge.running
        with qtbot.waitSignal(bridge.cycleFinished, timeout=30_000):
            pass
        assert rows(db, "SELECT COUNT(*) FROM cycles")[0][0] == 3  # no Poll now: the schedule's
        assert {r["pid"] for r in rows(db, "SELECT pid FROM cycles")} == {child_pid}
    finally:
        app.quit()
    assert child_pid and _gone(child_pid)


def test_a_killed_poller_is_started_again(qtbot, tmp_path: Path, no_poll_here: None) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "inventory.db"
    _dead_device(db)
    app = App(_qt_app())
    pids: list[int] = []
    try:
        window = app.open_store(db, interval=3600)
        bridge = window.bridge
        assert bridge is not None
        with qtbot.waitSignal(bridge.cycleFinished, timeout=60_000):
            pass
        assert bridge.poller is not None and bridge.poller.pid is not None
        pids.append(bridge.poller.pid)
        os.kill(pids[0], signal.SIGKILL)
        qtbot.waitUntil(lambda: "The poller stopped" in window.statusBar().currentMessage(), timeout=30_000)
        with qtbot.waitSignal(bridge.cycleFinished, timeout=60_000):
            pass
        assert bridge.poller is not None and bridge.poller.pid not in (None, pids[0])
        pids.append(bridge.poller.pid)
        assert rows(db, "SELECT pid FROM cycles ORDER BY id DESC LIMIT 1")[0][0] == pids[1]  # the new one polls
        assert (_holder(db) or {}).get("pid") == os.getpid()
        qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Last poll "), timeout=5_000)
    finally:
        app.quit()
    assert all(_gone(pid) for pid in pids)


def test_a_poller_that_keeps_dying_is_started_a_bounded_number_of_times(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = [sys.executable, "-c", "import sys; sys.exit('error: cannot open the store: it is broken')"]
    monkeypatch.setattr(child_poller, "poller_command", lambda *_args: failing)
    monkeypatch.setattr(bridge_module, "RESTART_DELAY_MS", 20)
    started: list[ChildPoller] = []
    real_start = ChildPoller.start
    monkeypatch.setattr(ChildPoller, "start", lambda self: (started.append(self), real_start(self)))
    app = App(_qt_app())
    try:
        window = app.open_store(tmp_path / "inventory.db")
        qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Polling stopped: "), timeout=30_000)
        assert window.statusBar().currentMessage() == (
            "Polling stopped: error: cannot open the store: it is broken. Poll now tries again; the log may say more."
        )
        assert len(started) == 1 + bridge_module.MAX_RESTARTS
        assert window.bridge is not None and not window.bridge.running
        window.poll_now_action.trigger()  # tries again
        qtbot.waitUntil(lambda: len(started) > 1 + bridge_module.MAX_RESTARTS, timeout=10_000)
    finally:
        app.quit()


def test_no_child_is_started_on_a_store_another_poller_holds(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "inventory.db"
    _dead_device(db)
    service = PollerLock(db)
    assert service.acquire("service")
    app = App(_qt_app())
    try:
        window = app.open_store(db)
        bridge = window.bridge
        assert bridge is not None and bridge.service is not None and bridge.service.kind == "service"
        assert bridge.findChildren(ChildPoller) == [] and bridge.poller is None and not bridge.running
        window.poll_now_action.trigger()
        bridge.pause()
        bridge.resume()
        assert bridge.findChildren(ChildPoller) == []  # still none of its own
    finally:
        app.quit()
        service.release()


def test_the_poller_command_from_source_and_from_the_installed_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "school.db"
    argv = poller_command(db, 2.0, app_pid=4242)  # the GUI demo may ask for less than poll takes
    assert argv == [
        sys.executable,
        str(REPO / "main.py"),
        "--db",
        str(db),
        "poll",
        "--app-pid",
        "4242",
        "--interval",
        "5",
    ]
    # Frozen (PyInstaller), the program is the app itself, and the poller logs beside the app's log.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "campusnet"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path))
    argv = poller_command(db, None, app_pid=4242)
    assert argv[:7] == [str(tmp_path / "campusnet"), "--db", str(db), "poll", "--app-pid", "4242", "--log-file"]
    assert argv[7].endswith("campusnet-poller.log") and len(argv) == 8


@pytest.mark.slow
def test_the_poller_stops_by_itself_when_the_app_is_killed(tmp_path: Path) -> None:
    import subprocess
    import time

    from tests.test_packaging import _wait_for_child_poller

    db = tmp_path / "inventory.db"
    _dead_device(db)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    app = subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "--db", str(db)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        poller = _wait_for_child_poller(app.pid)
        deadline = time.monotonic() + 60
        while not rows(db, "SELECT 1 FROM cycles") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert rows(db, "SELECT pid FROM cycles")[0][0] == poller  # it polls
        app.kill()  # no chance to stop its poller: the end of the poller's input tells it
        app.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not _gone(poller) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(poller), "the poller outlived the app"
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
