"""Log files: rotating, UTF-8, and where the installed app keeps its own.

Without a log file CampusNet logs to stderr (a terminal, or the journal of a systemd service). With one (``poll
--log-file PATH``, or the installed app's :func:`default_log_file`) it writes through
:class:`logging.handlers.RotatingFileHandler`: the file stays under :data:`MAX_BYTES`, and the :data:`BACKUPS` files
before it are kept (``campusnet.log.1`` the newest), so it never grows without bound. Files are UTF-8 (device names
and locations are often Chinese). Secrets are never logged: the core logs device names, hosts and reasons, never
communities, keys or passwords.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from collections.abc import Iterator
from pathlib import Path

from devices.errors import InputError

MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(message)s"


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
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
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
