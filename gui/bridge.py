"""The one bridge between the Qt-free core and the GUI.

The window never polls in its own process: the store is polled by one process at a time (:mod:`monitor.storage.lock`),
the app's own poller (``poll`` as a child process, :class:`gui.child_poller.ChildPoller`) or the background service.
The bridge starts the child when nobody polls the store, stops it when the app quits, and learns of every finished
cycle, whoever polled, from the store (:class:`gui.service_watch.CycleWatch`), re-emitting it as a Qt signal. What
the GUI does off its thread (the dashboard's overview, a device test, a push) runs on the bridge's own asyncio loop
thread (:class:`monitor.polling.scheduler.CoreLoop`); its writes go through the bridge's store writer. The GUI never
waits on the network: it submits work and gets a signal back.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from gui.child_poller import ChildPoller
from gui.service_watch import CycleWatch
from gui.tray import message_language
from monitor.alerting import alerts
from monitor.alerting.texts import Notice
from monitor.polling import wireless
from monitor.polling.scheduler import CoreLoop, CycleResult
from monitor.polling.service import PAUSE, RESUME
from monitor.storage.lock import Holder, PollerLock
from monitor.storage.overview import Overview, overview
from monitor.storage.store import StoreWriter, connect

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_RESTARTS = 3  # a poller that dies this many times in a row without finishing a cycle is not started again
RESTART_DELAY_MS = 1000


class CoreBridge(QObject):
    """Polls one store through the app's poller process, or follows the process that already polls it.

    When the background service (or another CampusNet) already polls the store, the bridge starts no poller: it
    follows the other poller's cycles (``service`` says who), and starts its own once that one has stopped
    (``took_over_at``). When its own poller dies, the bridge says so (``problem``) and starts it again, up to
    :data:`MAX_RESTARTS` times in a row.

    Attributes:
        poller: the app's poller process once it holds the store's lock and polls, else None.
        paused: True while Pause polling is on.
        last_cycle: the latest cycle as the store holds it.
        next_cycle_at: when the app's poller starts its next cycle (None while paused or when another polls).
        problem: what went wrong with the app's poller, for the status bar; None when all is well.

    Signals:
        cycleFinished(object): a :class:`CycleResult` after every poll cycle.
        overviewReady(object): a fresh :class:`monitor.storage.overview.Overview`, read off the GUI thread on
            :meth:`request_overview` (the window asks after every cycle while its dashboard shows; the dashboard's
            queries grow with history, the GUI only draws).
        stateChanged(): polling started, paused, resumed, stopped or failed.
        wirelessReady(object): the :func:`monitor.polling.wireless.summaries` (every wireless device's latest figures),
            read off the GUI thread after each overview, for the dashboard's Wi-Fi line.
        alertsRaised(object): the list of :class:`monitor.alerting.texts.Notice` a cycle's alert evaluation recorded
            (new alerts, recoveries, flapping), for the tray.
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
        self.writer: StoreWriter | None = None
        self.poller: ChildPoller | None = None
        self._child: ChildPoller | None = None  # started, ready or not
        self.paused = False
        self.last_cycle: CycleResult | None = None
        self.next_cycle_at: float | None = None
        self.problem: str | None = None
        self.lock = PollerLock(db_path)  # only asked who holds it: the poller process takes it
        self.watch: CycleWatch | None = None
        self.watch_every_ms: int | None = None  # how often the watch looks (None: CycleWatch.EVERY_MS)
        self._other: Holder | None = None
        self.took_over_from: Holder | None = None
        self.took_over_at: float | None = None
        self._restarts = 0
        self._tray_since = 0

    @property
    def service(self) -> Holder | None:
        """The other process that polls this store while this app only shows its results, else None."""
        return self._other

    @property
    def running(self) -> bool:
        """True while the app's poller runs its schedule (started, not paused, not stopped)."""
        return self._child is not None and not self.paused

    def start(self) -> None:
        """Follow the store's cycles, and start the app's poller unless another process polls the store."""
        # The GUI thread shares the interpreter lock with the bridge's loop thread (the dashboard's reads) and its
        # store writer: a 1 ms switch interval (default 5 ms) bounds its wait for the lock.
        sys.setswitchinterval(0.001)
        if self.core is None:
            self.core = CoreLoop()
        if self.writer is None:
            self.writer = StoreWriter(self.db_path)
        if self.watch is None:
            self._tray_since = self._read_last_event()
            self.watch = CycleWatch(self.db_path, self.watch_every_ms, parent=self)
            self.watch.cycleSeen.connect(self._on_cycle)
            self.watch.looked.connect(self._check_other)
            self.watch.start()
        if self._child is not None or self._other is not None:
            return
        holder = self.lock.holder()
        if holder is not None:
            self._follow(holder)
        else:
            self._start_child()

    def _follow(self, holder: Holder) -> None:
        """Another poller holds the store: show its cycles, take over when it stops (:meth:`_check_other`)."""
        self._other = holder
        self.next_cycle_at = None
        if self.watch is not None:
            self.last_cycle = self.watch.last_cycle
        self.stateChanged.emit()

    def _check_other(self) -> None:
        """After each look of the watch: who polls now, when it is not us; our turn once the store is free."""
        if self._other is None:
            return
        holder = self.lock.holder()
        if holder is not None:
            self._other = holder  # a restarted service has a new pid
            return
        self.took_over_from, self._other = self._other, None
        self.took_over_at = time.time()
        self.last_cycle = None
        self._start_child()

    def _start_child(self) -> None:
        self.lock.clear_stale()  # the note of a poller that was killed
        child = ChildPoller(self.db_path, self.interval, parent=self)
        child.ready.connect(self._on_ready)
        child.exited.connect(self._on_exit)
        self._child = child
        child.start()
        if self.paused:  # a poller started again while paused stays paused
            child.send(PAUSE)
        self.stateChanged.emit()

    def _on_ready(self) -> None:
        self.poller = self._child
        if not self.paused:
            self.next_cycle_at = time.time()
        self.stateChanged.emit()

    def _on_exit(self, code: int, said: str, was_ready: bool) -> None:
        """The app's poller ended by itself: another poller was first, or it died (then it is started again)."""
        child, self._child, self.poller = self._child, None, None
        if child is not None:
            child.deleteLater()
        self.next_cycle_at = None
        holder = self.lock.holder()
        if not was_ready and holder is not None:  # refused: another poller took the store meanwhile
            self._follow(holder)
            return
        why = said or QCoreApplication.translate("CoreBridge", "exit status {0}").format(code)
        log.warning("the poller stopped (exit status %d): %s", code, said)
        self._restarts += 1
        if self._restarts > MAX_RESTARTS:
            self.problem = QCoreApplication.translate(
                "CoreBridge", "Polling stopped: {0}. Poll now tries again; the log may say more."
            ).format(why)
        else:
            self.problem = QCoreApplication.translate(
                "CoreBridge", "The poller stopped ({0}); starting it again…"
            ).format(why)
            QTimer.singleShot(RESTART_DELAY_MS * self._restarts, self._restart)
        self.stateChanged.emit()

    def _restart(self) -> None:
        if self.watch is None or self._child is not None or self._other is not None:
            return  # shut down, or started meanwhile
        holder = self.lock.holder()
        if holder is not None:
            self._follow(holder)
        else:
            self._start_child()

    def _on_cycle(self, cycle: CycleResult) -> None:
        """A cycle finished (ours or the other poller's): the window refreshes, the tray hears of its alerts."""
        self.last_cycle = cycle
        row = self.watch.latest if self.watch is not None else None
        if self._other is None and self._child is not None:
            self._restarts, self.problem = 0, None
            if not self.paused and row is not None and row.interval_s:
                self.next_cycle_at = row.started + row.interval_s
        # The window's reload first (it asks for the dashboard's overview when it shows it), then the tray's read
        # off the GUI thread: read meanwhile, it would hold the interpreter lock the reload waits for.
        self.cycleFinished.emit(cycle)
        if self.core is not None:
            self.core.submit(self._tray_alerts())

    def _read_last_event(self) -> int:
        conn = connect(self.db_path, readonly=True)
        try:
            return alerts.last_event_id(conn)
        finally:
            conn.close()

    async def _tray_alerts(self) -> None:
        """The alerts the poller recorded since the last look, for the tray."""

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

    def write(self, job: Callable[[sqlite3.Connection], T]) -> Future[T] | None:
        """Run ``job(conn)`` in a transaction on the bridge's store writer thread; None while not started.

        The GUI writes through here, so a write waits for the store's lock (held a moment by the poller) on the
        writer thread, never on the GUI thread.
        """
        return None if self.writer is None else self.writer.submit(job)

    def request_overview(self) -> None:
        """Read the dashboard's overview off the GUI thread; it arrives through ``overviewReady``."""
        if self.core is not None:
            self.core.submit(self._overview(message_language()))

    async def _overview(self, language: str) -> None:
        self.overviewReady.emit(await asyncio.to_thread(self._read_overview, language))
        self.wirelessReady.emit(await asyncio.to_thread(self._read_wireless))

    def _read_overview(self, language: str = "en") -> Overview:
        conn = connect(self.db_path, readonly=True)
        try:
            return overview(conn, time.time(), language)
        finally:
            conn.close()

    def _read_wireless(self) -> list[wireless.DeviceWireless]:
        conn = connect(self.db_path, readonly=True)
        try:
            return wireless.summaries(conn)
        finally:
            conn.close()

    def poll_now(self) -> None:
        """Run one cycle at once (in addition to the schedule); nothing while another process polls. A poller that
        had stopped for good is started again."""
        if self._other is not None:
            return
        if self.watch is None or self._child is None:
            self._restarts, self.problem = 0, None
            self.start()
            return
        self._child.poll_now()

    def pause(self) -> None:
        """Stop the schedule after the devices being polled; the poller process stays (and keeps the store)."""
        if self._other is not None:  # nothing of ours to pause
            return
        if self._child is not None:
            self._child.send(PAUSE)
        self.paused = True
        self.next_cycle_at = None
        self.stateChanged.emit()

    def resume(self) -> None:
        """Start the schedule again."""
        if self._other is not None:
            return
        self.paused = False
        if self._child is not None:
            self._child.send(RESUME)
            self.next_cycle_at = time.time()
            self.stateChanged.emit()
        else:
            self.start()

    def shutdown(self) -> None:
        """Stop the app's poller (waiting for it), stop following the store, release what the bridge holds."""
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        child, self._child, self.poller = self._child, None, None
        if child is not None:
            child.stop()
            child.deleteLater()
            self.lock.clear_stale()  # a poller killed past its grace leaves its note behind
        self._other = None
        if self.core is not None:
            self.core.stop()
        if self.writer is not None:
            self.writer.close()
        self.core = self.writer = None
        self.stateChanged.emit()
