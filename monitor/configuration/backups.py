"""Configuration backups on a schedule: which devices are due, reading one over SSH, recording the outcome.

The poller (the app's and the headless service's) runs :func:`due_devices` every few minutes and backs up each due
device one at a time (SSH sessions are slow and a school has few devices; one at a time keeps the load on the
devices and the network low). Only devices with SSH settings take part. A device is due when its configuration was
last read (by the schedule or by ``config backup``) more than the interval ago; after a failure it is tried again
after :data:`RETRY_AFTER_S` (or the interval, if shorter), not at every check. An unchanged configuration adds no new
backup (see :func:`monitor.configuration.configs.save_backup`) but still counts as read.

A device that starts failing gets one ``config_backup_failed`` event; one that recovers gets ``config_backup_ok``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.errors import CampusNetError
from devices.i18n import Msg
from monitor.configuration.configs import BackupRef, push_target_fields, save_backup
from monitor.storage.events import record_event
from monitor.storage.secrets import SecretStore

RETRY_AFTER_S = 3600.0
_HOUR = 3600.0


@dataclass(frozen=True)
class BackupOutcome:
    """What one backup attempt gave: the stored backup, or the one-line reason it failed."""

    name: str
    ref: BackupRef | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the configuration was read and stored (or found unchanged)."""
        return self.error is None


def due_devices(conn: sqlite3.Connection, interval_h: float, now: float) -> list[dict[str, Any]]:
    """Devices with SSH settings whose configuration is due for a scheduled backup, least recently read first."""
    if interval_h <= 0:
        return []
    interval = interval_h * _HOUR
    retry = min(interval, RETRY_AFTER_S)
    rows = conn.execute(
        "SELECT * FROM devices WHERE COALESCE(ssh_user, '') != '' AND (backup_checked IS NULL "
        " OR (backup_error IS NULL AND backup_checked <= ?) OR (backup_error IS NOT NULL AND backup_checked <= ?))"
        " ORDER BY COALESCE(backup_checked, 0), name",
        (now - interval, now - retry),
    )
    return [dict(row) for row in rows]


def read_config(device: dict[str, Any] | sqlite3.Row, secrets: SecretStore, known_hosts: Path) -> str:
    """The device's running configuration over SSH (blocking; run it off the event loop).

    Raises :class:`CampusNetError` with a one-line reason (no SSH password, wrong password, changed host key,
    unreachable, ...).
    """
    from devices.push import PushTarget, read_running_config

    target = PushTarget(**push_target_fields(device, secrets))  # type: ignore[arg-type]
    return read_running_config(target, known_hosts=known_hosts)


def record(
    conn: sqlite3.Connection,
    secrets: SecretStore,
    device_id: int,
    name: str,
    text: str | None,
    error: str | None,
    now: float,
    source: str = "schedule",
) -> BackupOutcome:
    """Store a read configuration (``text``) or the failure (``error``) and mark the device as checked at ``now``.

    Emits ``config_backup_failed`` when a device starts failing and ``config_backup_ok`` when it recovers.
    """
    row = conn.execute("SELECT backup_error FROM devices WHERE id = ?", (device_id,)).fetchone()
    if row is None:  # removed while its configuration was being read
        return BackupOutcome(name, error="the device was removed")
    previous = row["backup_error"]
    ref = save_backup(conn, secrets, device_id, text, source) if text is not None else None
    with conn:
        conn.execute("UPDATE devices SET backup_checked = ?, backup_error = ? WHERE id = ?", (now, error, device_id))
        if error is not None and previous is None:
            record_event(conn, now, "config_backup_failed", Msg("{reason}", {"reason": error}), device_id=device_id)
        elif error is None and previous is not None:
            record_event(conn, now, "config_backup_ok", Msg(""), device_id=device_id)
    return BackupOutcome(name, ref, error)


def unfinished_push(conn: sqlite3.Connection, device_id: int) -> str | None:
    """Why a device must not be backed up now: a push to it is running or was cut short (its configuration may be
    half-applied), or None."""
    from monitor.configuration.journal import open_entries

    entries = open_entries(conn, {device_id})
    if not entries:
        return None
    name = entries[0].device_name
    return (
        f"a configuration push to {name} has not finished (last step: {entries[0].step}): not backed up until it "
        f"is settled ('config recover {name}')"
    )


def attempt(
    device: dict[str, Any] | sqlite3.Row, secrets: SecretStore, known_hosts: Path
) -> tuple[str | None, str | None]:
    """Read one device's configuration: (text, None) or (None, one-line reason). Never raises for device trouble."""
    try:
        return read_config(device, secrets, known_hosts), None
    except CampusNetError as exc:
        return None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
