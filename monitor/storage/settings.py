"""Polling and history settings, shared by the GUI and the headless service.

They live in the store's ``settings`` table (key/value text), so every program that opens the same store polls and
keeps history the same way. Keys are ``poll.*``, ``backup.*`` and ``retention.*``; see :data:`FIELDS`.

- :func:`load_settings` never fails: a missing key takes its default; a value that cannot be read back (not a
  number, out of range, edited by hand) also takes its default, with a warning in the log.
- :func:`save_settings` validates every field first and writes nothing unless all are valid, then writes all of
  them in one transaction. A bad value raises :class:`devices.errors.InputError` naming the field.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from dataclasses import asdict, dataclass, fields

from devices.errors import InputError
from monitor import defaults
from monitor.storage.store import RETENTION_S

log = logging.getLogger(__name__)

_DAY = 86400


@dataclass(frozen=True)
class FieldSpec:
    """How one setting is stored and checked: its store key, number type, allowed range and a readable label."""

    key: str
    kind: type[int] | type[float]
    low: float
    high: float
    label: str


# Field name -> spec. The order is the order of the settings dialog.
FIELDS: dict[str, FieldSpec] = {
    "poll_interval_s": FieldSpec("poll.interval_s", float, 10, 3600, "polling interval (s)"),
    "concurrency": FieldSpec("poll.concurrency", int, 1, 256, "devices polled at once"),
    "device_deadline_s": FieldSpec("poll.device_deadline_s", float, 5, 600, "per-device poll deadline (s)"),
    "snmp_timeout_s": FieldSpec("poll.snmp_timeout_s", float, 0.2, 30, "SNMP timeout (s)"),
    "snmp_retries": FieldSpec("poll.snmp_retries", int, 0, 5, "SNMP retries"),
    "config_backup_hours": FieldSpec("backup.interval_h", int, 0, 720, "configuration backup every (hours, 0 = off)"),
    "retention_raw_days": FieldSpec("retention.raw_days", int, 1, 31, "raw sample retention (days)"),
    "retention_5m_days": FieldSpec("retention.5m_days", int, 7, 400, "5-minute retention (days)"),
    "retention_30m_days": FieldSpec("retention.30m_days", int, 7, 400, "30-minute retention (days)"),
    "retention_2h_days": FieldSpec("retention.2h_days", int, 30, 1100, "2-hour retention (days)"),
    "retention_1d_days": FieldSpec("retention.1d_days", int, 365, 3660, "daily retention (days)"),
}

# Rollup tier (as in monitor.storage.store.RETENTION_S) -> the field holding its retention in days.
TIER_FIELDS: dict[str, str] = {
    "raw": "retention_raw_days",
    "5m": "retention_5m_days",
    "30m": "retention_30m_days",
    "2h": "retention_2h_days",
    "1d": "retention_1d_days",
}


@dataclass
class PollSettings:
    """How often and how hard to poll, and how long to keep each history tier.

    Attributes:
        poll_interval_s: seconds between cycle starts (10-3600).
        concurrency: devices polled at the same time (1-256).
        device_deadline_s: a device's poll that is not complete after this many seconds (5-600, default 45) is
            stopped and the device marked 'error' with that reason.
        snmp_timeout_s: SNMP timeout given to newly added devices (0.2-30 s); existing devices keep their own.
        snmp_retries: SNMP retries given to newly added devices (0-5).
        config_backup_hours: hours between scheduled backups of each device's configuration over SSH (0: off);
            only devices with SSH settings are backed up.
        retention_*_days: how long each tier is kept (raw samples, 5-minute, 30-minute, 2-hour, daily rollups).
    """

    poll_interval_s: float = defaults.POLL_INTERVAL_S
    concurrency: int = defaults.POLL_CONCURRENCY
    device_deadline_s: float = defaults.DEVICE_DEADLINE_S
    snmp_timeout_s: float = defaults.SNMP_TIMEOUT_S
    snmp_retries: int = defaults.SNMP_RETRIES
    config_backup_hours: int = defaults.CONFIG_BACKUP_HOURS
    retention_raw_days: int = RETENTION_S["raw"] // _DAY
    retention_5m_days: int = RETENTION_S["5m"] // _DAY
    retention_30m_days: int = RETENTION_S["30m"] // _DAY
    retention_2h_days: int = RETENTION_S["2h"] // _DAY
    retention_1d_days: int = RETENTION_S["1d"] // _DAY


def check_value(name: str, value: object) -> int | float:
    """Return ``value`` as the field's number type, or raise :class:`InputError` naming the field."""
    spec = FIELDS[name]
    number: int | float
    if isinstance(value, int) and not isinstance(value, bool):
        number = value if spec.kind is int else float(value)
    elif isinstance(value, float) and spec.kind is float:
        number = value
    else:
        kind = "a whole number" if spec.kind is int else "a number"
        raise InputError(f"{name}: {spec.label} must be {kind}, not {value!r}")
    if not (math.isfinite(number) and spec.low <= number <= spec.high):
        raise InputError(f"{name}: {spec.label} must be between {spec.low:g} and {spec.high:g}, not {value!r}")
    return number


def _parse(name: str, text: str) -> int | float:
    """A stored text value as the field's number; ValueError or InputError when it is not a valid one."""
    spec = FIELDS[name]
    return check_value(name, int(text) if spec.kind is int else float(text))


def load_settings(conn: sqlite3.Connection) -> PollSettings:
    """The settings stored in ``conn``; defaults for missing keys and (with a warning) for unreadable values."""
    keys = [spec.key for spec in FIELDS.values()]
    marks = ", ".join("?" * len(keys))
    stored = dict(conn.execute(f"SELECT key, value FROM settings WHERE key IN ({marks})", keys).fetchall())
    values: dict[str, int | float] = {}
    for name, spec in FIELDS.items():
        text = stored.get(spec.key)
        if text is None:
            continue
        try:
            values[name] = _parse(name, str(text))
        except (ValueError, InputError):
            log.warning("setting %s: cannot use the stored value %r, using the default instead", spec.key, text)
    return PollSettings(**values)  # type: ignore[arg-type]


def validate(s: PollSettings) -> PollSettings:
    """A copy of ``s`` with every value checked and converted; raises :class:`InputError` on the first bad one."""
    return PollSettings(**{f.name: check_value(f.name, getattr(s, f.name)) for f in fields(s)})  # type: ignore[arg-type]


def save_settings(conn: sqlite3.Connection, s: PollSettings) -> None:
    """Validate every field, then write all of them in one transaction (nothing is written if one is bad)."""
    checked = asdict(validate(s))
    rows = [(FIELDS[name].key, str(value)) for name, value in checked.items()]
    with conn:
        conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            rows,
        )


def retention_seconds(s: PollSettings) -> dict[str, int]:
    """Retention in seconds per history tier, for :func:`monitor.storage.history.apply_retention`."""
    return {tier: int(getattr(s, name)) * _DAY for tier, name in TIER_FIELDS.items()}
