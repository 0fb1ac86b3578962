"""One poller per store: an OS file lock beside the store, held for as long as a poller runs.

Two pollers on one store would poll every device twice, compute rates from each other's samples and send every
alert twice. Whoever polls (the background service ``poll``, ``poll --once``, the desktop app, the headless demo)
first takes ``<store>.poller.lock``; a second one is refused and told who polls. The lock is the operating system's
(``flock`` on Linux, ``LockFileEx`` on Windows, through the :mod:`filelock` library), so a poller that is killed
releases it with its process. Beside it, ``<store>.poller.lock.json`` says who holds it (kind, pid, host, since when and
how to stop it), for the messages; it is written after the lock is taken and removed before it is released.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from devices.errors import CampusNetError
from monitor.storage.store import StoreError

# Who polls, as the messages name them.
KIND_NAMES = {
    "service": "the background service",
    "app": "the desktop app",
    "once": "'poll --once'",
    "demo": "the demo",
}


class PollerBusyError(CampusNetError):
    """Another poller holds this store's lock (the command line exits 1 with this message)."""

    def __init__(self, holder: Holder | None) -> None:
        self.holder = holder
        who = holder.describe() if holder is not None else "it did not say who it is"
        hint = holder.stop if holder is not None and holder.stop else "stop it first"
        super().__init__(f"another CampusNet poller is already polling this store ({who}); {hint}")


@dataclass(frozen=True)
class Holder:
    """Who holds a store's poller lock.

    Attributes:
        kind: ``service``, ``app``, ``once`` or ``demo`` (see :data:`KIND_NAMES`).
        pid: its process id (on ``host``).
        host: the computer it runs on (a store on a shared folder can be locked from another one).
        user: the account it runs as.
        since: when it took the lock (epoch seconds).
        stop: how to stop it, in words and the command to type, as it knows best (a systemd unit, a scheduled task).
    """

    kind: str
    pid: int
    host: str
    user: str
    since: float
    stop: str = ""

    def describe(self) -> str:
        """``the background service, pid 4242, since 2026-11-27 08:00`` (the host when it is another computer)."""
        if self.kind not in KIND_NAMES:
            return "a poller that has not said who it is"
        where = f" on {self.host}" if self.host != socket.gethostname() else ""
        since = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.since))
        return f"{KIND_NAMES[self.kind]}, pid {self.pid}{where}, since {since}"


def _systemd_unit() -> tuple[str, bool] | None:
    """(unit name, is a user unit) when this process runs as a systemd service, else None."""
    if not os.environ.get("INVOCATION_ID"):
        return None
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            path = line.rpartition(":")[2]
            unit = path.rstrip("/").rpartition("/")[2]
            if unit.endswith(".service"):
                return unit.removesuffix(".service"), "/user@" in path
    return None


def stop_hint(kind: str, pid: int | None = None) -> str:
    """How to stop a poller of ``kind`` that is this process, for another one's error message."""
    pid = os.getpid() if pid is None else pid
    if kind == "app":
        return "quit it first (File > Quit, or Quit in its tray icon's menu)"
    if kind == "once":
        return "wait until it has finished"
    if kind == "service":
        unit = _systemd_unit()
        if unit is not None:
            name, user = unit
            return f"stop it first ('systemctl {'--user ' if user else ''}stop {name}')"
        if sys.platform == "win32" and getattr(sys, "frozen", False):
            return "stop it first ('schtasks /End /TN \"CampusNet\\Poll\"')"
    if sys.platform == "win32":
        return f"stop it first (Ctrl+C where it runs, or 'taskkill /PID {pid}')"
    return f"stop it first (Ctrl+C where it runs, or 'kill {pid}')"


class PollerLock:
    """The poller lock of one store; a context manager that releases it on leaving.

    ``acquire(kind)`` never waits: True when this object now holds the lock (or already did), False when another
    poller (another process, or another :class:`PollerLock` in this one) holds it. ``hold(kind)`` is the same but
    raises :class:`PollerBusyError` with the message for the user.

    Attributes:
        path: the lock file, ``<store>.poller.lock``.
        info_path: who holds it, ``<store>.poller.lock.json``.
        mine: the :class:`Holder` this object wrote while it holds the lock, else None.
    """

    def __init__(self, db_path: Path | str) -> None:
        self.path = _lock_path(db_path)
        self.info_path = self.path.with_name(self.path.name + ".json")
        # Not thread-local and not shared: the app takes the lock on the GUI thread and may release it on another,
        # and a second PollerLock on the same store in the same process must be refused like another process.
        self._lock = FileLock(self.path, thread_local=False, is_singleton=False)
        self.mine: Holder | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self.mine is not None

    def acquire(self, kind: str, pid: int | None = None) -> bool:
        """Take the lock for a poller of ``kind`` without waiting; False when another poller holds it.

        ``pid`` is the process the messages name, when it is not this one: the desktop app's poller process holds
        the lock for the app (kind ``app``, the app's pid), since quitting the app is how to stop it.

        Raises :class:`monitor.storage.store.StoreError` when the lock file cannot be made (no such folder, no
        permission).
        """
        if self.mine is not None:
            return True
        if kind not in KIND_NAMES:
            raise ValueError(f"unknown poller kind {kind!r}")
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        except OSError as exc:
            raise StoreError(f"cannot lock the store: {self.path}: {exc.strerror or exc}") from exc
        pid = os.getpid() if pid is None else pid
        holder = Holder(kind, pid, socket.gethostname(), _user(), time.time(), stop_hint(kind, pid))
        try:
            _write_atomically(self.info_path, json.dumps(asdict(holder), ensure_ascii=False, indent=1))
        except OSError:
            self._lock.release()
            raise
        self.mine = holder
        _HELD_HERE[self.path.absolute()] = holder
        return True

    def hold(self, kind: str, pid: int | None = None) -> None:
        """Take the lock or raise :class:`PollerBusyError` saying who holds it (``pid``: see :meth:`acquire`)."""
        for _attempt in range(2):  # a holder that leaves between our try and our look is no reason to refuse
            if self.acquire(kind, pid):
                return
            holder = self.holder()
            if holder is not None:
                raise PollerBusyError(holder)
        raise PollerBusyError(None)

    def release(self) -> None:
        """Let go of the lock (nothing happens when this object does not hold it)."""
        if self.mine is None:
            return
        with contextlib.suppress(OSError):
            self.info_path.unlink()
        self.mine = None
        _HELD_HERE.pop(self.path.absolute(), None)
        self._lock.release()

    def clear_stale(self) -> bool:
        """Remove the note of a holder that was killed (its lock went with it, its ``.json`` stayed); True when
        there was one to remove. Nothing happens while anyone holds the lock."""
        if self.mine is not None or not self.info_path.exists():
            return False
        try:
            self._lock.acquire(timeout=0)
        except (Timeout, OSError):
            return False
        try:
            self.info_path.unlink()
            return True
        except OSError:
            return False
        finally:
            self._lock.release()

    def holder(self) -> Holder | None:
        """Who holds the lock now (this object included), or None when nobody does.

        For another holder this tries the lock for an instant (a killed poller leaves its ``.json`` behind, so the
        file alone does not say the lock is held): call it to describe a poller, not in a loop.
        """
        if self.mine is not None:
            return self.mine
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return self._read_info()
        except OSError:
            return None  # no lock file can be made here, so nobody holds one
        self._lock.release()
        return None

    def _read_info(self) -> Holder:
        try:
            data = json.loads(self.info_path.read_text(encoding="utf-8"))
            return Holder(
                kind=str(data["kind"]),
                pid=int(data["pid"]),
                host=str(data["host"]),
                user=str(data.get("user", "")),
                since=float(data["since"]),
                stop=str(data.get("stop", "")),
            )
        except (OSError, ValueError, KeyError, TypeError):
            # Held, but its note is missing or half written (it writes it just after taking the lock).
            return Holder(kind="unknown", pid=0, host=socket.gethostname(), user="", since=time.time())

    def __enter__(self) -> PollerLock:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


# The locks this process holds: lock file -> holder (see held_here).
_HELD_HERE: dict[Path, Holder] = {}


def held_here(db_path: Path | str) -> Holder | None:
    """The holder this process wrote when it holds the poller lock of ``db_path``, else None: how a poller learns
    which kind of poller it is (a cycle is recorded with it, see :mod:`monitor.storage.cycles`)."""
    return _HELD_HERE.get(_lock_path(db_path).absolute())


def _lock_path(db_path: Path | str) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".poller.lock")


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container, a service without one)
        return ""


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half a file)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
