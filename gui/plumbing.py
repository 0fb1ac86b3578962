"""The GUI's shared plumbing: how work leaves the GUI thread and how its result comes back.

Pages and dialogs get ``submit`` (a coroutine to the core loop) and ``write`` (a job to the store's one writer, see
:meth:`gui.bridge.CoreBridge.write`, or :func:`direct_write` when nothing polls); a :class:`Relay` brings each
finished future back to the GUI thread. Also the styles and the one-line error text that status labels share.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from devices.errors import CampusNetError
from gui.tray import message_language

Submit = Callable[[Coroutine[Any, Any, Any]], Future[Any]]
Job = Callable[[sqlite3.Connection], Any]
Write = Callable[[Job], Future[Any]]
Done = Callable[[Any, BaseException | None], None]

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"


def one_line(error: BaseException) -> str:
    """An error as the one line a dialog shows (a core error in the window's language when it has a message)."""
    text = (error.render(message_language()) if isinstance(error, CampusNetError) else str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__


def direct_write(conn: sqlite3.Connection) -> Write:
    """A ``write`` for windows without background polling: runs the job at once, in a transaction on ``conn``."""

    def write(job: Job) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            with conn:
                future.set_result(job(conn))
        except Exception as exc:  # handed to the caller, as the store writer's future would
            future.set_exception(exc)
        return future

    return write


class Relay(QObject):
    """Brings a finished future back to the GUI thread: :meth:`then` calls ``done(result, error)`` there.

    Signals:
        _finished(object, object, object): the callback, the result and the error (queued to the GUI thread).
    """

    _finished = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._call, Qt.ConnectionType.QueuedConnection)

    def then(self, future: Future[Any], done: Done) -> Future[Any]:
        """Call ``done(result, None)`` or ``done(None, error)`` on the GUI thread once ``future`` finishes."""

        def deliver(f: Future[Any]) -> None:
            if f.cancelled():
                return
            error = f.exception()
            # RuntimeError: the widget owning this relay was deleted meanwhile; nobody is waiting.
            with contextlib.suppress(RuntimeError):
                self._finished.emit(done, None if error is not None else f.result(), error)

        future.add_done_callback(deliver)
        return future

    @staticmethod
    def _call(done: Done, result: Any, error: BaseException | None) -> None:
        done(result, error)
