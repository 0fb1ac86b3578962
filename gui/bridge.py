"""The one bridge between the Qt-free core and the GUI.

The core's poller runs on its own asyncio loop thread (:class:`monitor.polling.scheduler.CoreLoop`); its callbacks
arrive on
that thread and are re-emitted here as Qt signals, which Qt queues to the GUI thread. The GUI never waits on the
network: it submits work and gets a signal back.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from gui.service_watch import ServiceWatch
from monitor.alerting import alerts
from monitor.alerting.texts import Notice
from monitor.polling import wireless
from monitor.polling.scheduler import CoreLoop, CycleResult, Poller
from monitor.storage.lock import Holder, PollerLock
from monitor.storage.overview import Overview, overview
from monitor.storage.store import connect

T = TypeVar("T")


class CoreBridge(QObject):
    """Runs the background poller for one store and tells the GUI about it.

    Only one poller polls a store (:mod:`monitor.storage.lock`): when the background service (or another CampusNet)
    already
    polls it, the bridge does not poll but follows the other poller's cycles (:class:`gui.service_watch.ServiceWatch`,
    ``service`` says who), and takes over once it has stopped (``took_over_at``).

    Signals:
        cycleFinished(object): a :class:`CycleResult` after every poll cycle.
        overviewReady(object): a fresh :class:`monitor.storage.overview.Overview`, read off the GUI thread after every
            cycle and on :meth:`request_overview` (the dashboard's queries grow with history; the GUI only draws).
        stateChanged(): polling started, paused, resumed or stopped.
        wirelessReady(object): the :func:`monitor.polling.wireless.summaries` (every wireless device's latest figures),
            read off the GUI thread after each overview, for the dashboard's Wi-Fi line.
        alertsRaised(object): the list of :class:`monitor.alerting.texts.Notice` a cycle's alert evaluation queued (new
            alerts, recoveries, flapping, reminders), for the tray.
    """

    cycleFinished = Signal(object)
    stateChanged = Signal()
    overviewReady = Signal(object)
    wirelessReady = Signal(object)
    alertsRaised = Signal(object)

    def __init__(self, db_path: Path, interval: float | None = None, parent: QObject | None = None) -> None:
        """``interval`` None follows the store's settings (changed in the settings dialog)."""
        super().__init__(parent)
        self.db_path = db_path
        self.interval = interval
        self.core: CoreLoop | None = None
        self.poller: Poller | None = None
        self._run: Future[None] | None = None
        self._stop: asyncio.Event | None = None
        self.paused = False
        self.last_cycle: CycleResult | None = None
        self.next_cycle_at: float | None = None
        self.lock = PollerLock(db_path)
        self.watch: ServiceWatch | None = None
        self.watch_every_ms: int | None = None  # how often the watch looks (None: ServiceWatch.EVERY_MS)
        self.took_over_from: Holder | None = None
        self.took_over_at: float | None = None

    @property
    def service(self) -> Holder | None:
        """The other process that polls this store while this app only shows its results, else None."""
        return self.watch.holder if self.watch is not None else None

    @property
    def running(self) -> bool:
        """True while the schedule is active (not paused, not stopped)."""
        return self._run is not None and not self._run.done()

    def start(self) -> None:
        """Start the core loop and the polling schedule."""
        # The GUI thread shares the interpreter lock with the core loop and the store writer; a 1 ms switch
        # interval (default 5 ms) bounds its wait for the lock while a cycle decodes and stores thousands of
        # ports (bench/gui_stall_bench.py: the worst stall during a 200-device cycle went from 35 to 26 ms).
        sys.setswitchinterval(0.001)
        if self.core is None:
            self.core = CoreLoop()
        if self.watch is not None:  # another process polls; the watch takes over when it stops
            return
        if self.poller is None:
            if not self.lock.acquire("app"):
                self._watch_service()
                return
            self.poller = Poller(self.db_path, interval=self.interval, on_cycle=self._on_cycle)
            self.poller.on_alert = self._on_alert
        self._start_schedule()

    def _watch_service(self) -> None:
        """Another poller holds the store: show its cycles, take over when it stops."""
        if self.watch is not None:
            return
        self._tray_since = self._read_last_event()
        self.watch = ServiceWatch(self.db_path, self.lock, self.watch_every_ms, parent=self)
        self.watch.cycleSeen.connect(self._on_service_cycle)
        self.watch.lockFree.connect(self._take_over)
        self.last_cycle, self.next_cycle_at = self.watch.last_cycle, None
        self.watch.start()
        self.stateChanged.emit()

    def _on_service_cycle(self, cycle: CycleResult) -> None:
        self.last_cycle = cycle
        self.request_overview()
        self.cycleFinished.emit(cycle)
        if self.core is not None:
            self.core.submit(self._service_alerts())

    def _read_last_event(self) -> int:
        conn = connect(self.db_path, readonly=True)
        try:
            return alerts.last_event_id(conn)
        finally:
            conn.close()

    async def _service_alerts(self) -> None:
        """The alerts the other poller recorded since the last look, for the tray (as our own cycles give them)."""

        def read() -> list[Notice]:
            conn = connect(self.db_path, readonly=True)
            try:
                notices, self._tray_since = alerts.tray_notices(conn, self._tray_since)
                return notices
            finally:
                conn.close()

        notices = await asyncio.to_thread(read)
        if notices:
            self.alertsRaised.emit(notices)

    def _take_over(self) -> None:
        """The other poller stopped and the watch took the lock for us: poll from here."""
        watch, self.watch = self.watch, None
        self.took_over_from = watch.holder if watch is not None else None
        self.took_over_at = time.time()
        self.last_cycle = None
        if watch is not None:
            watch.deleteLater()
        self.start()

    def write(self, job: Callable[[sqlite3.Connection], T]) -> Future[T] | None:
        """Run ``job(conn)`` in a transaction on the store's one writer (the poller's); None while not started.

        The GUI writes through here while polling runs, so its writes queue behind the poller's instead of waiting
        for the store's lock on the GUI thread.
        """
        return None if self.poller is None else self.poller.writer.submit(job)

    def _start_schedule(self) -> None:
        assert self.core is not None and self.poller is not None
        if self.running:
            return
        stop = asyncio.Event()
        self._stop = stop
        self._run = self.core.submit(self.poller.run_forever(stop))
        self.next_cycle_at = time.time()
        self.paused = False
        self.stateChanged.emit()

    def _on_cycle(self, cycle: CycleResult) -> None:
        # Runs on the core loop thread: only emit (Qt queues it to the GUI thread).
        self.last_cycle = cycle
        self.next_cycle_at = cycle.started + (self.poller.interval if self.poller else self.interval or 60.0)
        asyncio.get_running_loop().create_task(self._overview())
        self.cycleFinished.emit(cycle)

    def _on_alert(self, notices: list[Notice]) -> None:
        # Runs on the core loop thread: only emit.
        self.alertsRaised.emit(list(notices))

    def request_overview(self) -> None:
        """Read the dashboard's overview off the GUI thread; it arrives through ``overviewReady``."""
        if self.core is not None:
            self.core.submit(self._overview())

    async def _overview(self) -> None:
        self.overviewReady.emit(await asyncio.to_thread(self._read_overview))
        self.wirelessReady.emit(await asyncio.to_thread(self._read_wireless))

    def _read_overview(self) -> Overview:
        conn = connect(self.db_path, readonly=True)
        try:
            return overview(conn, time.time())
        finally:
            conn.close()

    def _read_wireless(self) -> list[wireless.DeviceWireless]:
        conn = connect(self.db_path, readonly=True)
        try:
            return wireless.summaries(conn)
        finally:
            conn.close()

    def poll_now(self) -> None:
        """Run one cycle at once (in addition to the schedule); nothing while another process polls."""
        if self.core is None or self.poller is None:
            self.start()
            return
        self.core.submit(self.poller.run_cycle())

    def pause(self) -> None:
        """Stop the schedule after the current device polls; the loop stays up."""
        if self.watch is not None:  # nothing of ours to pause
            return
        if self.core is not None and self._stop is not None:
            self.core.loop.call_soon_threadsafe(self._stop.set)
        self.paused = True
        self.next_cycle_at = None
        self.stateChanged.emit()

    def resume(self) -> None:
        """Start the schedule again."""
        if self.core is None or self.poller is None:
            self.start()
        else:
            self._start_schedule()

    def shutdown(self) -> None:
        """Stop everything and release the store (and its poller lock)."""
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        if self.core is not None:
            self.core.stop()
        if self.poller is not None:
            self.poller.close()
        self.lock.release()
        self.core = self.poller = None
        self._run = None
        self.stateChanged.emit()
