"""The desktop app's poller: this program's own ``poll`` command, run as a child process of the app.

A poll never runs in the window's process: decoding and storing a cycle of a few hundred switches would share the
interpreter lock with the window and stall it. So the app starts the same ``poll`` as the background service (same
lock, same code, :mod:`monitor.polling.service`) with ``--app-pid``: the child takes the store's poller lock for the
app (kind ``app``, the app's pid, so other pollers are told to quit the app) and says so on its standard output.

The app steers it through the child's standard input (``poll``, ``pause``, ``resume``, ``stop``): a pipe works alike
on Linux and Windows, and when the app dies, however it dies, the pipe closes and the child stops by itself, so no
poller is left behind. The app hears of finished cycles from the store (:mod:`monitor.storage.cycles`), not from the
child. Started from a source checkout it is ``python main.py --db STORE poll ...``; in the installed (frozen) app the
program is the app itself (:func:`monitor.reports.report_schedule.self_command`, as for scheduled reports).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal

from monitor.logs import default_log_file
from monitor.polling.service import POLL, READY, STOP
from monitor.reports.report_schedule import self_command

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 5.0  # the shortest interval ``poll --interval`` takes (the GUI demo may ask for less)
STOP_GRACE_MS = 4000  # the child gives devices being polled 2 s (STOP_GRACE_S), then stops; past this it is killed


def poller_command(db_path: Path, interval: float | None, app_pid: int | None = None) -> list[str]:
    """The child's command line: this program's ``poll`` for the app with pid ``app_pid`` (this process)."""
    argv = [*self_command(), "--db", str(Path(db_path).absolute()), "poll", "--app-pid", str(app_pid or os.getpid())]
    if interval is not None:
        argv += ["--interval", f"{max(interval, MIN_INTERVAL_S):g}"]
    app_log = default_log_file()
    if app_log is not None:  # the installed app: the poller keeps its own log beside the app's
        argv += ["--log-file", str(app_log.with_name("campusnet-poller.log"))]
    return argv


class ChildPoller(QObject):
    """One run of the poller process for one store.

    Signals:
        ready(): the child holds the store's poller lock and polls.
        exited(int, str, bool): the child ended by itself: its exit status (-1 when it crashed or was killed), the
            last line it wrote on stderr (its one-line error), and whether it had said it was ready. Not emitted for
            a :meth:`stop`.
    """

    ready = Signal()
    exited = Signal(int, str, bool)

    def __init__(self, db_path: Path, interval: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.argv = poller_command(db_path, interval)
        self.is_ready = False
        self.last_line = ""
        self._stopping = False
        self._reported = False
        self._out = b""
        self._proc = QProcess(self)
        self._proc.readyReadStandardOutput.connect(self._read_out)
        self._proc.readyReadStandardError.connect(self._read_err)
        self._proc.finished.connect(self._on_finished)
        self._proc.errorOccurred.connect(self._on_error)

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs, else None."""
        pid = int(self._proc.processId())
        return pid or None

    @property
    def alive(self) -> bool:
        """True from :meth:`start` until the process has ended."""
        return self._proc.state() != QProcess.ProcessState.NotRunning

    def start(self) -> None:
        """Start the process (it says :attr:`ready` once it polls)."""
        self._proc.start(self.argv[0], self.argv[1:])

    def send(self, word: str) -> None:
        """Send one command (see :mod:`monitor.polling.service`); kept until the process reads its input."""
        if self.alive and not self._stopping:
            self._proc.write(f"{word}\n".encode("ascii"))

    def poll_now(self) -> None:
        """Run a cycle now."""
        self.send(POLL)

    def stop(self) -> None:
        """Stop the child and wait for it: ``stop`` and the end of its input; killed when it has not ended within
        :data:`STOP_GRACE_MS` (devices being polled get a moment to finish, as on SIGTERM)."""
        if not self.alive:
            return
        self.send(STOP)
        self._stopping = True
        self._proc.closeWriteChannel()
        if not self._proc.waitForFinished(STOP_GRACE_MS):
            log.warning("the poller (pid %s) did not stop within %d ms: killed", self.pid, STOP_GRACE_MS)
            self._proc.kill()
            self._proc.waitForFinished(5000)

    def _read_out(self) -> None:
        self._out += bytes(self._proc.readAllStandardOutput().data())
        if not self.is_ready and READY.encode() in self._out.split(b"\n"):
            self.is_ready = True
            self.ready.emit()
        self._out = self._out[-256:]

    def _read_err(self) -> None:
        """Keep the last line (the child's one-line error when it fails) and pass the text on to our stderr."""
        text = bytes(self._proc.readAllStandardError().data()).decode("utf-8", errors="replace")
        lines = [line for line in text.splitlines() if line.strip()]
        if lines:
            self.last_line = lines[-1].strip()
        if sys.stderr is not None:  # none in the installed Windows app without a console
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(text)

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_err()
        crashed = status == QProcess.ExitStatus.CrashExit
        self._report(-1 if crashed else int(code))

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:  # no finished() follows
            self.last_line = self._proc.errorString()
            self._report(-1)

    def _report(self, code: int) -> None:
        if self._stopping or self._reported:
            return
        self._reported = True
        self.exited.emit(code, self.last_line, self.is_ready)
