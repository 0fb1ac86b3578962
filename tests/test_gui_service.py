"""The app and the background service on one store: one of them polls, the other shows; with real processes.

The service is ``main.py poll`` in its own process, polling snmpsim on 127.0.0.1; the app is the real bridge and
main window (offscreen) in this process. Then the first-run welcome of the installed app.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from gui.app import App, _qt_app
from gui.bridge import CoreBridge
from gui.device_dialog import DeviceDialog
from gui.i18n import install_translator
from gui.main_window import MainWindow
from gui.settings_dialog import app_prefs, app_settings
from gui.welcome import WelcomeDialog, should_welcome
from monitor.storage.store import connect
from tests.conftest import REPO
from tests.helpers import add_device, rows, start_main
from tests.peers import SnmpSim

BUSY = "error: another CampusNet poller is already polling this store"


@pytest.fixture(autouse=True)
def user_settings(tmp_path: Path) -> Path:
    """Preferences go to a temporary folder, never to the user's real CampusNet.ini."""
    folder = tmp_path / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


def _run_main(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--db", str(db), *args],
        cwd=REPO,
        env={**os.environ, "CAMPUSNET_SECRETS": "file"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _holder(db: Path) -> dict[str, object] | None:
    path = Path(f"{db}.poller.lock.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _latest_poll(db: Path) -> float:
    return float(rows(db, "SELECT MAX(last_poll) FROM devices")[0][0] or 0)


def test_the_app_shows_the_services_polls_and_takes_over_when_it_stops(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    snmprec_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    sim = SnmpSim(tmp_path, recordings={"sw": snmprec_dir / "procurve_2520.snmprec"}).start()
    db = tmp_path / "inventory.db"
    add_device(db, "sw", sim.port, "sw", location="行政大樓")
    service = start_main(db, "poll", "--interval", "5")
    bridge = CoreBridge(db)
    bridge.watch_every_ms = 200
    window: MainWindow | None = None
    try:
        deadline = time.monotonic() + 60
        while _latest_poll(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        first_poll = _latest_poll(db)
        assert first_poll > 0, "the service did not poll"
        assert (_holder(db) or {}).get("pid") == service.pid

        window = MainWindow(db, bridge)
        qtbot.addWidget(window)
        before = _latest_poll(db)
        bridge.start()
        after = _latest_poll(db)
        # The app does not poll: no poller of its own, the service named in the status bar, its buttons off.
        assert bridge.poller is None and not bridge.running
        assert bridge.service is not None and (bridge.service.kind, bridge.service.pid) == ("service", service.pid)
        status = window.statusBar().currentMessage()
        assert status.startswith(f"Polled by the background service (pid {service.pid})")
        assert any(time.strftime("%H:%M:%S", time.localtime(t)) in status for t in (before, after))
        assert not window.poll_now_action.isEnabled() and not window.pause_action.isEnabled()
        assert "background service" in window.poll_now_action.toolTip()
        bridge.poll_now()  # the tray's Poll now: still nothing of its own
        bridge.pause()
        assert bridge.poller is None and bridge.service is not None

        # The service's next cycle reaches the window like one of its own.
        seen = _latest_poll(db)
        with qtbot.waitSignal(
            bridge.cycleFinished, timeout=30_000, check_params_cb=lambda c: c.finished > seen
        ) as blocker:
            pass
        cycle = blocker.args[0]
        assert [(d.name, d.status) for d in cycle.devices] == [("sw", "up")]
        assert seen < cycle.finished <= _latest_poll(db)
        polled_at = time.strftime("%H:%M:%S", time.localtime(cycle.finished))
        qtbot.waitUntil(lambda: polled_at in window.statusBar().currentMessage(), timeout=5_000)
        assert "0 device(s) failing" in window.statusBar().currentMessage()
        qtbot.waitUntil(lambda: "Devices up: 1 of 1" in window.dashboard.summary.text(), timeout=10_000)
        assert (_holder(db) or {}).get("pid") == service.pid  # the app never took the lock meanwhile

        # The service stops: the app takes over polling and says so.
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
        qtbot.waitUntil(lambda: bridge.poller is not None, timeout=20_000)
        assert bridge.running and bridge.service is None
        holder = _holder(db) or {}
        assert (holder.get("kind"), holder.get("pid")) == ("app", os.getpid())
        before_own = _latest_poll(db)
        with qtbot.waitSignal(bridge.cycleFinished, timeout=30_000) as own:
            pass
        assert [(d.name, d.status) for d in own.args[0].devices] == [("sw", "up")]
        assert _latest_poll(db) > before_own  # polled by the app itself
        qtbot.waitUntil(
            lambda: "the background service stopped at" in window.statusBar().currentMessage(), timeout=5_000
        )
        assert window.poll_now_action.isEnabled() and window.pause_action.isEnabled()

        # Now the app polls: a service started later refuses.
        refused = _run_main(db, "poll", "--interval", "5")
        assert refused.returncode == 1
        assert refused.stderr.strip().startswith(f"{BUSY} (the desktop app, pid {os.getpid()}, since ")
    finally:
        if service.poll() is None:
            service.kill()
        service.communicate()
        if window is not None:
            window.close()
        bridge.shutdown()
        sim.close()
    assert _holder(db) is None  # closing the window released the lock
    assert _run_main(db, "poll", "--once").returncode == 0


def test_a_service_started_after_the_app_refuses_and_the_app_keeps_polling(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "inventory.db"
    add_device(db, "dead", 9, "public", timeout_s=0.3, retries=0)
    bridge = CoreBridge(db, interval=30)
    window = MainWindow(db, bridge)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(bridge.cycleFinished, timeout=20_000):
            bridge.start()
        assert bridge.poller is not None and bridge.service is None
        proc = start_main(db, "poll", "--interval", "5")
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1
        assert err.strip().startswith(f"{BUSY} (the desktop app, pid {os.getpid()}, since ")
        assert "quit it first" in err
        assert bridge.running and (_holder(db) or {}).get("kind") == "app"
    finally:
        window.close()
    assert bridge.core is None and _holder(db) is None


# ------------------------------------------------------------------------------------------------ the welcome


def test_the_welcome_is_for_the_installed_apps_first_start_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "inventory.db"
    conn = connect(db)
    try:
        settings = app_settings()
        assert should_welcome(conn, settings, frozen=True)
        assert not should_welcome(conn, settings, frozen=False)  # a source checkout
        settings.setValue("app/welcomed", True)
        assert not should_welcome(conn, settings, frozen=True)
        settings.remove("app/welcomed")
        add_device(db, "sw", 9, "public")
        assert not should_welcome(conn, settings, frozen=True)  # already has devices
    finally:
        conn.close()


def test_welcome_language_applies_at_once_and_dont_show_again_sticks(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = App(_qt_app())
    try:
        install_translator(app.qt_app, "en")
        app.open_store(tmp_path / "school.db")
        dialog = app.welcome()
        assert dialog.english.isChecked()
        assert dialog.add_button.text() == "Add a device"
        qtbot.mouseClick(dialog.chinese, Qt.MouseButton.LeftButton)
        # The window is rebuilt in Chinese, the welcome speaks it too, and the choice is kept.
        assert app.window is not None and app.window.first_run.add_button.text() == "新增裝置…"
        qtbot.waitUntil(lambda: dialog.add_button.text() == "新增一台裝置", timeout=2_000)  # a posted LanguageChange
        assert dialog.demo_button.text() == "試用示範網路"
        assert app_prefs().language == "zh_TW"
        dialog.dont_show.setChecked(True)
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
        assert app.window.conn is not None
        assert not should_welcome(app.window.conn, frozen=True)
    finally:
        app.quit()
        install_translator(app.qt_app, "en")


def test_welcome_buttons_start_what_they_say(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    app = App(_qt_app())
    demos: list[bool] = []
    monkeypatch.setattr(app, "open_demo", lambda: demos.append(True))
    try:
        window = app.open_store(tmp_path / "school.db")
        dialog = app.welcome()
        qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
        assert demos == [True] and not dialog.isVisible()
        assert should_welcome(window.conn, frozen=True)  # not ticked: it comes back next time
        dialog = app.welcome()
        assert not window.findChildren(DeviceDialog)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DeviceDialog)), timeout=3_000)
    finally:
        app.quit()


def test_welcome_dialog_emits_its_choices(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = WelcomeDialog("en")
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.languageChosen, timeout=1_000) as chosen:
        qtbot.mouseClick(dialog.chinese, Qt.MouseButton.LeftButton)
    assert chosen.args == ["zh_TW"]
    with qtbot.waitSignal(dialog.importRequested, timeout=1_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_services_alerts_reach_the_apps_tray(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from monitor.alerting import alerts
    from monitor.storage import cycles
    from monitor.storage.lock import PollerLock

    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    db = tmp_path / "inventory.db"
    conn = connect(db)
    device = conn.execute(
        "INSERT INTO devices (name, host, status, created) VALUES ('gym-sw', '127.0.0.1', 'up', 0)"
    ).lastrowid
    conn.commit()
    service = PollerLock(db)  # another poller holds the store (as the background service would)
    assert service.acquire("service")
    bridge = CoreBridge(db)
    bridge.watch_every_ms = 100
    try:
        bridge.start()
        assert bridge.poller is None and bridge.watch is not None
        # The "service" finds the device down three times and records the alert and the cycle, as its cycle would.
        now = time.time()
        for i in range(3):
            conn.execute(
                "INSERT INTO device_polls (device_id, ts, status, error) VALUES (?, ?, 'unreachable', 'no answer')",
                (device, int(now - 180 + 60 * i)),
            )
        conn.execute(
            "UPDATE devices SET status = 'unreachable', status_reason = 'no answer', last_poll = ? WHERE id = ?",
            (now, device),
        )
        with conn:
            alerts.evaluate(conn, now)
            cycle = cycles.record(
                conn, started=now - 1, finished=now, devices=1, failed=1, interval_s=60, kind="service", pid=1
            )
        cycles.announce(db, cycle)
        with qtbot.waitSignal(bridge.alertsRaised, timeout=10_000) as raised:
            pass
        (notice,) = raised.args[0]
        assert (notice.event, notice.rule_kind, notice.device) == ("alert", "device_down", "gym-sw")
    finally:
        bridge.shutdown()
        service.release()
        conn.close()
