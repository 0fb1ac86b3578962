"""Following the store's poll cycles, whoever polls: the app's own poller process or the background service.

The window never polls in its own process. Whoever polls the store (:mod:`monitor.storage.lock` says who: the app's
child poller, ``gui/child_poller.py``, or the background service, or another CampusNet) records each finished cycle
in the store and rewrites a small file beside it (:mod:`monitor.storage.cycles`). The :class:`CycleWatch` watches that
file (a :class:`QFileSystemWatcher`: inotify on Linux, change notifications on Windows) and, on a change, asks the
store for the newest cycle id, a one-row query; a timer looks every few seconds too, in case a change was missed or
the file cannot be watched. For a new cycle it hands the bridge a :class:`monitor.polling.scheduler.CycleResult` read
from the store, so the window refreshes after it. The status bar's texts for a store polled by another process are
here as well.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QObject, QTimer, Signal

from monitor.polling.scheduler import CycleResult, DeviceResult
from monitor.storage import cycles
from monitor.storage.lock import Holder
from monitor.storage.store import connect


class CycleWatch(QObject):
    """Follows the poll cycles recorded in one store, from the GUI thread.

    Attributes:
        last_cycle: the latest cycle as the store holds it, or None before any device was polled.
        latest: the newest :class:`monitor.storage.cycles.Cycle` row seen, or None.
        every_ms: milliseconds between looks by the timer (the file watch tells of a cycle at once).

    Signals:
        cycleSeen(object): a :class:`CycleResult` for a cycle newer than the last seen.
        looked(): the timer's look is done (the bridge checks who holds the store's lock then).
    """

    cycleSeen = Signal(object)
    looked = Signal()

    EVERY_MS = 3000

    def __init__(self, db_path: Path, every_ms: int | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.every_ms = every_ms or self.EVERY_MS
        self.signal_path = cycles.signal_path(db_path)
        self._conn: sqlite3.Connection | None = connect(db_path, readonly=True)
        self.latest = self._latest_row()
        self._seen = self.latest.id if self.latest is not None else 0
        self.last_cycle = self._read_cycle(self.latest)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._files = QFileSystemWatcher(self)
        self._files.fileChanged.connect(lambda _path: self.look())

    def start(self) -> None:
        """Watch the signal file, and look every :attr:`every_ms` from now on."""
        self._watch_file()
        self._timer.start(self.every_ms)

    def stop(self) -> None:
        """Stop watching and close the store."""
        self._timer.stop()
        if self._files.files():
            self._files.removePaths(self._files.files())
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _watch_file(self) -> None:
        """(Again) watch the signal file, made empty when missing: a watch ends when the file is removed."""
        if str(self.signal_path) in self._files.files():
            return
        with contextlib.suppress(OSError):
            self.signal_path.touch(exist_ok=True)
        if self.signal_path.exists():
            self._files.addPath(str(self.signal_path))

    def _tick(self) -> None:
        self._watch_file()
        self.look()
        self.looked.emit()

    def look(self) -> None:
        """Pass on the newest cycle when there is one newer than the last seen."""
        if self._conn is None:
            return
        try:
            newest = cycles.latest_id(self._conn)
        except sqlite3.Error:  # the poller is migrating or checkpointing: look again next time
            return
        if newest <= self._seen:
            return
        row = self._latest_row()
        if row is None:
            return
        self._seen, self.latest = row.id, row
        self.last_cycle = self._read_cycle(row)
        self.cycleSeen.emit(self.last_cycle)

    def _latest_row(self) -> cycles.Cycle | None:
        assert self._conn is not None
        try:
            return cycles.latest(self._conn)
        except sqlite3.Error:
            return None

    def _read_cycle(self, row: cycles.Cycle | None) -> CycleResult | None:
        """The latest poll of every device, as the store holds it; the cycle's start from its row.

        ``finished`` is the newest device poll (so "last poll" in the status bar is when a device was last polled).
        """
        assert self._conn is not None
        try:
            devices = list(
                self._conn.execute(
                    "SELECT name, status, status_reason, last_poll, last_duration_s FROM devices"
                    " WHERE last_poll IS NOT NULL ORDER BY name"
                )
            )
        except sqlite3.Error:
            devices = []
        if not devices and row is None:
            return None
        results = [
            DeviceResult(r["name"], r["status"], duration_s=r["last_duration_s"] or 0.0, error=r["status_reason"])
            for r in devices
        ]
        newest = max((float(r["last_poll"]) for r in devices), default=None)
        finished = newest if newest is not None else row.finished if row is not None else time.time()
        started = min(row.started, finished) if row is not None else finished
        return CycleResult(started=started, finished=finished, devices=results)


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
