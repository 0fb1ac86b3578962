"""GUI stall benchmark: how long the main window's event loop stalls while 200 simulated switches are polled.

Prints figures, asserts nothing (target: longest stall under 20 ms).

- The simulated network (``python -m monitor.demo --serve --devices 200``) runs in its OWN process, so the
  agent's CPU is not counted as GUI stalls; it also registers the 200 switches in a temporary store. With
  ``--agent-in-app`` it runs in the window's process instead, as the app's demo serves its (smaller) school.
- This process opens the real main window (gui.main_window.MainWindow with gui.bridge.CoreBridge) over that store,
  shows the dashboard for the first half of ``--seconds`` and then the core switch's page with the internet uplink's
  graph open. As in the app, the bridge starts the poller as a child process (``main.py poll --app-pid``), polling
  every ``--interval`` seconds, and the window refreshes after each cycle it reads from the store.
- A 5 ms QTimer (precise) records how late each tick is: the stall figures are the maximum and the 99th percentile
  of that lateness. Each reload triggered by a cycle is timed, and split into its parts (tree, dashboard, device
  page, graph) to show what blocks the GUI thread; so are garbage collections. For each stall it also prints the
  CPU time the GUI thread and the whole process used meanwhile: a stall with little CPU of this process is time the
  machine gave to other processes (on 2 cores the agent and the poller compete with the window); one with much CPU
  in other threads than the GUI's is a wait for the interpreter lock. The measure starts once the window has had
  its first paint (opening the window is timed apart), and the longest stall is also given apart from the one
  click on the device page and that page's first layout and paint.

Offscreen by default (QT_QPA_PLATFORM=offscreen); a real X display is used when DISPLAY is set. Only 127.0.0.1 is
contacted. Run: uv run python bench/gui_stall_bench.py [--devices 200] [--interval 15] [--seconds 60]
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CAMPUSNET_SECRETS"] = "file"

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHeaderView

from gui.bridge import CoreBridge
from gui.main_window import MainWindow
from monitor.demo.runtime import spawn_agent
from monitor.demo.school import INTERNET_ALIAS
from monitor.polling.scheduler import CycleResult
from monitor.storage.store import connect

REPO = Path(__file__).resolve().parent.parent
TICK_MS = 5
STALL_REPORT_MS = 20.0
SWITCH_AFTERMATH_S = 0.1  # the device page's layout and first paints follow the switch within this


class StallMeter:
    """A precise 5 ms timer; lateness of every tick in ms."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self.at: list[float] = []  # wall time of each tick
        self.phase = "dashboard"
        # (wall time at the late tick, lateness ms, CPU ms of the GUI thread and of the process since the last tick)
        self.stalls: list[tuple[float, float, float, float]] = []
        self.by_phase: dict[str, list[float]] = defaultdict(list)
        self._clock = QElapsedTimer()
        self._last = 0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Start measuring."""
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._cpu = (time.thread_time(), time.process_time())
        self._timer.start()

    def stop(self) -> None:
        """Stop measuring."""
        self._timer.stop()

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        late = max(0.0, (now - self._last) / 1e6 - TICK_MS)
        cpu = (time.thread_time(), time.process_time())
        self.lateness.append(late)
        self.at.append(time.time())
        if late > STALL_REPORT_MS:
            gui_ms, process_ms = ((cpu[i] - self._cpu[i]) * 1000 for i in (0, 1))
            self.stalls.append((time.time(), late, gui_ms, process_ms))
        self._cpu = cpu
        self.by_phase[self.phase].append(late)
        self._last = now

    def p99(self) -> float:
        """99th percentile of the lateness (ms)."""
        return statistics.quantiles(self.lateness, n=100)[98] if len(self.lateness) >= 100 else max(self.lateness)


class Timings:
    """Wall time (ms) of wrapped calls, by label."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.spans: list[tuple[float, float, str]] = []  # wall-time (start, end, label) of every timed call

    def wrap(self, owner: Any, name: str, label: str) -> None:
        """Replace ``owner.name`` (an instance attribute shadows the method) by a timed version."""
        inner: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0, w0 = time.perf_counter(), time.time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.ms[label].append((time.perf_counter() - t0) * 1000)
                self.spans.append((w0, time.time(), label.strip()))

        setattr(owner, name, timed)

    def time_gc(self) -> None:
        """Time every garbage collection too (a full one over the window's objects can take a while)."""
        started: list[float] = []

        def callback(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                started[:] = [time.perf_counter(), time.time()]
            elif started:
                label = f"  garbage collection (generation {info['generation']})"
                self.ms[label].append((time.perf_counter() - started[0]) * 1000)
                self.spans.append((started[1], time.time(), label.strip()))

        gc.callbacks.append(callback)


def internet_port_id(db: Path) -> int:
    """The core's internet uplink port (the busiest graph)."""
    conn = connect(db, readonly=True)
    try:
        return int(conn.execute("SELECT id FROM ports WHERE alias = ?", (INTERNET_ALIAS,)).fetchone()[0])
    finally:
        conn.close()


# (object path from the window, method, label): whatever of these the window has is timed.
TIMED = (
    ("", "reload", "reload (whole)"),
    ("", "_fill_tree", "  tree update"),
    ("", "_rebuild_tree", "  tree rebuild"),
    ("", "_fill_dashboard", "  dashboard"),
    ("dashboard", "refresh", "  dashboard refresh"),
    ("dashboard", "show_overview", "  dashboard (overview drawn)"),
    ("dashboard.plot", "set_ports", "  dashboard graph (other uplinks)"),
    ("dashboard.plot", "refresh", "  dashboard graph refresh"),
    ("alerts_page", "show_snapshot", "  alerts page"),
    ("device_page", "show_device", "  device page (facts + ports table)"),
    ("device_page.plot", "refresh", "  graph refresh"),
    ("", "_update_status", "  status bar"),
    ("", "show_port", "switch to the device page (once, not a poll)"),
)


def instrument(window: MainWindow, timings: Timings) -> None:
    """Time the reload a cycle triggers and its parts (those the current window has)."""
    for path, name, label in TIMED:
        owner: Any = window
        for part in filter(None, path.split(".")):
            owner = getattr(owner, part, None)
        if owner is not None and callable(getattr(owner, name, None)):
            timings.wrap(owner, name, label)


def start_agent(devices: int, db: Path, in_app: bool) -> tuple[Callable[[], object], int, str]:
    """The simulated network on 127.0.0.1: (how to stop it, its UDP port, where it runs)."""
    if in_app:  # as the app's demo runs its agent: a loop thread of the window's own process
        from monitor.demo.network import build_large_school

        net = build_large_school(devices)
        port = net.start()
        net.ensure_store(db)
        return net.stop, port, "in this (the window's) process"
    proc, port = spawn_agent(devices, db)

    def stop() -> None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)

    return stop, port, "own process"


def run(devices: int, interval: float, seconds: float, fixed_columns: bool = False, agent_in_app: bool = False) -> None:
    """Open the window, poll, measure, print."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        stop_agent, port, where = start_agent(devices, db, agent_in_app)
        print(f"agent: {devices} switches on 127.0.0.1:{port} ({where}), ready in {time.perf_counter() - t0:.1f} s")
        seen: list[CycleResult] = []
        timings = Timings()
        meter = StallMeter()
        try:
            bridge = CoreBridge(db, interval=interval)
            t1 = time.perf_counter()
            window = MainWindow(db, bridge)
            window.show()
            app.processEvents()  # its first paint: part of opening the window, measured here, not as a stall
            print(f"window opened in {(time.perf_counter() - t1) * 1000:.0f} ms ({app.platformName()} platform)")
            instrument(window, timings)
            timings.time_gc()
            if fixed_columns:  # experiment: no ResizeToContents on the ports table (is it the post-reload stall?)
                window.device_page.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            bridge.cycleFinished.connect(seen.append)

            def device_view() -> None:
                meter.phase = "device page"
                window.show_port(internet_port_id(db))

            meter.start()
            bridge.start()
            QTimer.singleShot(3000, lambda: print(f"poller: pid {bridge.poller.pid if bridge.poller else None}"))
            QTimer.singleShot(int(seconds * 500), device_view)
            QTimer.singleShot(int(seconds * 1000), app.quit)
            app.exec()
            meter.stop()
            window.close()
            cycles = polled_cycles(db, seen)
        finally:
            stop_agent()
    report(cycles, meter, timings, devices, interval, seconds)


def polled_cycles(db: Path, seen: list[CycleResult]) -> list[CycleResult]:
    """The cycles the poller recorded (their true start and end), with the devices of the last one the window saw."""
    conn = connect(db, readonly=True)
    try:
        spans = [(float(r[0]), float(r[1])) for r in conn.execute("SELECT started, finished FROM cycles ORDER BY id")]
    finally:
        conn.close()
    last = seen[-1].devices if seen else []
    return [CycleResult(started, finished, last) for started, finished in spans]


def report(cycles: list[CycleResult], meter: StallMeter, timings: Timings, devices: int, iv: float, s: float) -> None:
    """Print the figures."""
    up = sum(d.status == "up" for d in cycles[-1].devices) if cycles else 0
    durations = ", ".join(f"{c.finished - c.started:.1f}" for c in cycles)
    print(f"polled {devices} devices every {iv:.0f} s for {s:.0f} s: {len(cycles)} cycles ({durations} s), {up} up")
    print(
        f"stalls over {len(meter.lateness)} ticks of {TICK_MS} ms: max {max(meter.lateness):.1f} ms, "
        f"p99 {meter.p99():.1f} ms, ticks later than 50 ms: {sum(x > 50 for x in meter.lateness)}"
    )
    for phase, values in meter.by_phase.items():
        print(f"  while showing the {phase}: max {max(values):.1f} ms over {len(values)} ticks")
    switch = [(start, end) for start, end, label in timings.spans if label.startswith("switch to the device page")]

    def in_switch(at: float, late: float) -> bool:  # the call, and the page's layout and paints just after it
        began = at - (late + TICK_MS) / 1000
        return any(began <= end + SWITCH_AFTERMATH_S and at >= start for start, end in switch)

    others = [late for at, late in zip(meter.at, meter.lateness, strict=True) if not in_switch(at, late)]
    print(f"  apart from the switch to the device page (a click, once): max {max(others):.1f} ms")
    explain_stalls(cycles, meter, timings)
    for label, values in timings.ms.items():
        worst, median = max(values), statistics.median(values)
        print(f"{label:40s} calls {len(values):3d}  worst {worst:7.1f} ms  median {median:7.1f} ms")


def explain_stalls(cycles: list[CycleResult], meter: StallMeter, timings: Timings) -> None:
    """Each tick later than STALL_REPORT_MS: when, and what was running (a timed GUI call, a poll cycle)."""
    t0 = meter.stalls[0][0] if meter.stalls else 0.0
    if cycles:
        t0 = min(t0 or cycles[0].started, cycles[0].started)
    for at, late, gui_ms, process_ms in meter.stalls:
        began = at - late / 1000 - TICK_MS / 1000
        causes = sorted({label for s, e, label in timings.spans if s <= at and e >= began})
        cycle = next((k for k, c in enumerate(cycles, 1) if c.started - 0.05 <= at <= c.finished + 0.05), None)
        where = ", ".join(causes) or "no timed GUI call"
        during = f"during poll cycle {cycle}" if cycle else "between cycles"
        cpu = f"CPU: GUI thread {gui_ms:.0f} ms, process {process_ms:.0f} ms"
        print(f"  stall {late:6.1f} ms at +{at - t0:5.1f} s: {where}; {during}; {cpu}")


def main() -> None:
    """Parse options and run."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=200)
    ap.add_argument("--interval", type=float, default=15.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--fixed-columns", action="store_true", help="experiment: ports table columns not auto-sized")
    ap.add_argument(
        "--agent-in-app", action="store_true", help="serve the simulated switches from the window's process (the demo)"
    )
    args = ap.parse_args()
    run(args.devices, args.interval, args.seconds, args.fixed_columns, args.agent_in_app)


if __name__ == "__main__":
    main()
