"""Writing files at paths the user chose (reports, exports, templates): atomically, and never over anything else.

A user-chosen path is written only when nothing is there yet or a regular file is: a folder, a device node (say
``/dev/null``, which a process running as root would otherwise replace), a named pipe, a socket or a symbolic link
at the path is refused with a one-line :class:`~devices.errors.InputError`. Symbolic links are refused rather than
followed: the file written is then always the one named, never one elsewhere that a link points to.

The content goes to a temporary file in the same folder (so the final rename stays on one file system and nothing is
written anywhere else), is synced, then renamed over the target: a crash, a cancel or a full disk never leaves half
a file, and the old file stays until the new one is complete. A failure to write (disk full, permission) becomes a
one-line :class:`WriteError`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from devices.errors import CampusNetError, InputError


class WriteError(CampusNetError):
    """A file could not be written (disk full, permission); the target was left as it was."""


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def refuse_special(out: Path) -> None:
    """Raise :class:`InputError` when something other than a regular file is at ``out`` (links not followed)."""
    try:
        mode = os.lstat(out).st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there (the folder checks tell the rest)
        return
    except OSError as exc:
        raise InputError(f"cannot use {out}: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError(f"{out} is a folder: give a file name")
    if stat.S_ISLNK(mode):
        raise InputError(f"{out} is a symbolic link: links are not followed, give the path of the file itself")
    raise InputError(f"{out} is {_kind(mode)}, not a regular file: give the path of a file")


def check_target(out: Path, what: str = "the file") -> None:
    """Raise :class:`InputError` unless ``what`` can be written at ``out`` (checked by making a temporary file)."""
    refuse_special(out)
    folder = out.parent
    if not folder.exists():
        raise InputError(f"cannot write {what}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise InputError(f"cannot write {what}: {folder} is not a folder")
    try:
        probe = new_temp(out)
    except OSError as exc:
        raise InputError(f"cannot write {what} in {folder}: {exc.strerror or exc}") from None
    probe.unlink()


def new_temp(out: Path) -> Path:
    """A new empty file beside ``out`` with the permissions a new file gets (the umask's), unlike mkstemp's 0600:
    reports and exports are for others to read."""
    for _ in range(100):
        tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"no free temporary name beside {out}")


@contextlib.contextmanager
def atomic_path(out: Path, what: str = "the file") -> Iterator[Path]:
    """A temporary path beside ``out`` to write to; renamed over ``out`` when the block ends without an error,
    removed when it raises (so ``out`` is either the old file or the complete new one).

    Raises :class:`InputError` for a target that is not a regular file (checked again just before the rename),
    and :class:`WriteError` when the file cannot be written (a full disk, say).
    """
    check_target(out, what)
    tmp = new_temp(out)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        refuse_special(out)  # something may have been put there while the file was written
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write {what} {out}: {exc.strerror or exc}; nothing was written") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
