"""Log files: rotating, UTF-8, and where the installed app keeps its own.

Without a log file CampusNet logs to stderr (a terminal, or the journal of a systemd service). With one (``poll
--log-file PATH``, or the installed app's :func:`default_log_file`) it writes through
:class:`logging.handlers.RotatingFileHandler`: the file stays under :data:`MAX_BYTES`, and the :data:`BACKUPS` files
before it are kept (``campusnet.log.1`` the newest), so it never grows without bound. Files are UTF-8 (device names
and locations are often Chinese) and readable by their owner only (mode 0600). Secrets are never logged: the core
logs device names, hosts and reasons, never communities, keys or passwords.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devices.errors import InputError

MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file only its owner can read (mode 0600), the new files of each rotation too.

    A log says which devices exist, where, and how they fail; a message that went wrong may quote more than it
    should. The file is created 0600, and an existing one is narrowed to that when opened.
    """

    def _open(self) -> Any:
        """logging.FileHandler override: open (or create) the file with mode 0600."""
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if hasattr(os, "fchmod"):  # POSIX; Windows files inherit the folder's permissions
                with contextlib.suppress(OSError):  # not ours to change (then it was not made by us)
                    os.fchmod(fd, 0o600)
            return open(fd, self.mode, encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(fd)
            raise


def default_log_file() -> Path | None:
    """The installed app's log, ``<user log dir>/campusnet.log`` (folder created); None when it runs from a source
    checkout, which logs to stderr."""
    if not getattr(sys, "frozen", False):
        return None
    from platformdirs import user_log_dir

    folder = Path(user_log_dir("CampusNet", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "campusnet.log"


def open_log_file(
    path: Path, level: int | None = None, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS
) -> logging.Handler:
    """Send the root logger's records to the rotating file ``path`` (and set the root level when given).

    Raises :class:`devices.errors.InputError` when the file cannot be opened (no such folder, no permission).
    """
    try:
        handler = PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the log file {path}: {exc.strerror or exc}") from exc
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    if level is not None:
        root.setLevel(level)
    return handler


def close_log_file(handler: logging.Handler) -> None:
    """Stop logging to a file opened by :func:`open_log_file`."""
    logging.getLogger().removeHandler(handler)
    handler.close()


@contextlib.contextmanager
def log_file(path: Path | None, level: int | None = None) -> Iterator[None]:
    """Log to the rotating file ``path`` while the block runs; nothing changes when ``path`` is None."""
    if path is None:
        yield
        return
    handler = open_log_file(path, level)
    try:
        yield
    finally:
        close_log_file(handler)
