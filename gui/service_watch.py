"""When another process polls the store (the background service): follow its cycles instead of polling twice.

The app polls only when it holds the store's poller lock (:mod:`monitor.storage.lock`). When the background service (or
another CampusNet) holds it, the bridge makes a :class:`ServiceWatch`: every few seconds it reads the newest
``devices.last_poll`` (a ``MAX`` over a table of at most a few hundred rows) and, when the service has
written a newer poll, hands the bridge a :class:`monitor.polling.scheduler.CycleResult` read from the store, so the
window
refreshes exactly as after its own cycle. It also tries the lock each time: once the service has stopped, the watch
holds the lock for the app and says so (``lockFree``), and the bridge starts polling.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from monitor.polling.scheduler import CycleResult, DeviceResult
from monitor.storage.lock import Holder, PollerLock
from monitor.storage.store import connect


class ServiceWatch(QObject):
    """Follows another process's polling of one store, from the GUI thread.

    Attributes:
        holder: who polls (:class:`monitor.storage.lock.Holder`), re-read at every check (a restarted service has a new
        pid).
        last_cycle: the other poller's latest cycle as the store holds it, or None before its first poll.
        every_ms: milliseconds between checks.

    Signals:
        cycleSeen(object): a :class:`CycleResult` after the other poller wrote polls newer than the last seen.
        lockFree(): the other poller has stopped and this watch took the lock for the app (kind ``app``); the
            watch has stopped.
    """

    cycleSeen = Signal(object)
    lockFree = Signal()

    EVERY_MS = 3000

    def __init__(self, db_path: Path, lock: PollerLock, every_ms: int | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.lock = lock
        self.every_ms = every_ms or self.EVERY_MS
        self.holder: Holder | None = lock.holder()
        self._conn: sqlite3.Connection | None = connect(db_path, readonly=True)
        self._seen: float | None = None
        self._seen = self._latest_poll()
        self.last_cycle = self._read_cycle() if self._seen is not None else None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Check every :attr:`every_ms` from now on."""
        self._timer.start(self.every_ms)

    def stop(self) -> None:
        """Stop checking and close the store."""
        self._timer.stop()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def check(self) -> None:
        """Take over when the lock is free; else pass on a new cycle of the other poller if there is one."""
        if self._conn is None:
            return
        if self.lock.acquire("app"):
            self.stop()
            self.lockFree.emit()
            return
        self.holder = self.lock.holder() or self.holder
        latest = self._latest_poll()
        if latest is None or latest == self._seen:
            return
        self._seen = latest
        self.last_cycle = self._read_cycle()
        self.cycleSeen.emit(self.last_cycle)

    def _latest_poll(self) -> float | None:
        assert self._conn is not None
        try:
            value = self._conn.execute("SELECT MAX(last_poll) FROM devices").fetchone()[0]
        except sqlite3.Error:  # the other poller is migrating or checkpointing: look again next time
            return self._seen
        return None if value is None else float(value)

    def _read_cycle(self) -> CycleResult:
        """The latest poll of every device, as the other poller stored it."""
        assert self._conn is not None
        rows = list(
            self._conn.execute(
                "SELECT name, status, status_reason, last_poll, last_duration_s FROM devices"
                " WHERE last_poll IS NOT NULL ORDER BY name"
            )
        )
        devices = [
            DeviceResult(r["name"], r["status"], duration_s=r["last_duration_s"] or 0.0, error=r["status_reason"])
            for r in rows
        ]
        finished = max((float(r["last_poll"]) for r in rows), default=time.time())
        return CycleResult(started=finished, finished=finished, devices=devices)


def service_status(holder: Holder, cycle: CycleResult | None) -> str:
    """The status bar while another process polls: who, and its latest poll."""
    if holder.kind == "service":
        who = QCoreApplication.translate("ServiceWatch", "Polled by the background service (pid {0})").format(
            holder.pid
        )
    elif holder.kind == "app":
        who = QCoreApplication.translate("ServiceWatch", "Polled by CampusNet in another window (pid {0})").format(
            holder.pid
        )
    else:
        who = QCoreApplication.translate("ServiceWatch", "Polled by another CampusNet program (pid {0})").format(
            holder.pid
        )
    if cycle is None:
        return who
    last = time.strftime("%H:%M:%S", time.localtime(cycle.finished))
    return QCoreApplication.translate("ServiceWatch", "{0} — last poll {1}, {2} device(s) failing").format(
        who, last, len(cycle.failed)
    )


def service_tooltip(holder: Holder) -> str:
    """Why Poll now and Pause are off while another process polls."""
    if holder.kind == "service":
        return QCoreApplication.translate(
            "ServiceWatch", "The background service polls this store. Stop the service to poll from this window."
        )
    return QCoreApplication.translate(
        "ServiceWatch", "Another CampusNet program polls this store. Stop it to poll from this window."
    )


def takeover_note(previous: Holder | None, at: float) -> str:
    """Said after the app took over polling from a poller that stopped."""
    when = time.strftime("%H:%M", time.localtime(at))
    if previous is not None and previous.kind == "service":
        return QCoreApplication.translate(
            "ServiceWatch", "the background service stopped at {0}; this window polls now"
        ).format(when)
    return QCoreApplication.translate("ServiceWatch", "the other poller stopped at {0}; this window polls now").format(
        when
    )
