"""The SQLite store: schema, migrations, connections and the single writer.

One file (``inventory.db`` by default) holds the inventory, the latest state of every port, the raw samples and
their rollups. Rules:

- the schema is versioned with ``PRAGMA user_version``; each migration runs in one transaction;
- WAL journal, so readers never block the writer and a killed process loses nothing already committed;
- exactly one writer at a time: :class:`StoreWriter` owns the only write connection and runs submitted jobs on its
  own thread, in order; readers open their own connections with :func:`connect`.

Counter64 values do not fit SQLite's signed 64-bit integers; :func:`to_sql_u64` and :func:`from_sql_u64` map them.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from devices.errors import CampusNetError

T = TypeVar("T")

_U64 = 1 << 64
_I64_MAX = (1 << 63) - 1

# Tier name -> (bucket seconds, table). "raw" has no fixed bucket: one row per poll.
ROLLUP_TIERS: dict[str, tuple[int, str]] = {
    "5m": (300, "rollup_5m"),
    "30m": (1800, "rollup_30m"),
    "2h": (7200, "rollup_2h"),
    "1d": (86400, "rollup_1d"),
}

# Retention in seconds per tier (raw 7 days, 5-minute 90 days, 30-minute 90 days, 2-hour 13 months, daily 5 years).
RETENTION_S: dict[str, int] = {
    "raw": 7 * 86400,
    "5m": 90 * 86400,
    "30m": 90 * 86400,
    "2h": 396 * 86400,
    "1d": 5 * 366 * 86400,
}

_ROLLUP_COLUMNS = """
    port_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    n INTEGER NOT NULL,
    in_avg REAL, in_max REAL, out_avg REAL, out_max REAL,
    in_err REAL, out_err REAL, in_disc REAL, out_disc REAL,
    PRIMARY KEY (port_id, ts)
"""


def _wireless_rollup(tier: str) -> str:
    """One wireless rollup table (migration 6): n, average, minimum and maximum per series and bucket."""
    return f"""
    CREATE TABLE wireless_rollup_{tier} (
        series_id INTEGER NOT NULL REFERENCES wireless_series(id) ON DELETE CASCADE,
        ts INTEGER NOT NULL,
        n INTEGER NOT NULL,
        avg REAL, min REAL, max REAL,
        PRIMARY KEY (series_id, ts)
    ) WITHOUT ROWID;
    """


MIGRATIONS: list[str] = [
    # 1: the first schema.
    f"""
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        host TEXT NOT NULL,
        snmp_port INTEGER NOT NULL DEFAULT 161,
        snmp_version TEXT NOT NULL DEFAULT '2c',
        v3_user TEXT,
        v3_auth TEXT,
        v3_priv TEXT,
        timeout_s REAL NOT NULL DEFAULT 2.0,
        retries INTEGER NOT NULL DEFAULT 1,
        max_repetitions INTEGER NOT NULL DEFAULT 25,
        ssh_host TEXT,
        ssh_port INTEGER,
        ssh_user TEXT,
        role TEXT NOT NULL DEFAULT 'switch',
        location TEXT NOT NULL DEFAULT '',
        platform TEXT NOT NULL DEFAULT 'auto',
        detected_platform TEXT,
        netmiko_type TEXT,
        vendor TEXT,
        model TEXT,
        sys_descr TEXT,
        sys_object_id TEXT,
        sys_name TEXT,
        sys_uptime INTEGER,
        status TEXT NOT NULL DEFAULT 'unknown',
        status_reason TEXT,
        last_poll REAL,
        last_duration_s REAL,
        created REAL NOT NULL
    );
    CREATE TABLE ports (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        ifindex INTEGER,
        name TEXT,
        descr TEXT,
        alias TEXT,
        type INTEGER,
        speed_bps INTEGER,
        speed_override_bps INTEGER,
        admin_status INTEGER,
        oper_status INTEGER,
        last_status_change REAL,
        counter_bits INTEGER,
        in_bps REAL,
        out_bps REAL,
        last_seen REAL,
        present INTEGER NOT NULL DEFAULT 1,
        is_uplink INTEGER NOT NULL DEFAULT 0,
        UNIQUE (device_id, key)
    );
    CREATE TABLE port_state (
        port_id INTEGER PRIMARY KEY REFERENCES ports(id) ON DELETE CASCADE,
        ts REAL NOT NULL,
        uptime INTEGER,
        disc_time INTEGER,
        bits INTEGER NOT NULL,
        packet_hc INTEGER NOT NULL DEFAULT 0,
        in_octets INTEGER, out_octets INTEGER,
        in_errors INTEGER, out_errors INTEGER,
        in_discards INTEGER, out_discards INTEGER,
        in_ucast INTEGER, out_ucast INTEGER,
        in_bcast INTEGER, out_bcast INTEGER
    );
    CREATE TABLE samples (
        port_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        in_bps REAL, out_bps REAL,
        in_err REAL, out_err REAL,
        in_disc REAL, out_disc REAL,
        in_ucast REAL, out_ucast REAL,
        in_bcast REAL, out_bcast REAL,
        PRIMARY KEY (port_id, ts)
    ) WITHOUT ROWID;
    CREATE TABLE rollup_5m ({_ROLLUP_COLUMNS}) WITHOUT ROWID;
    CREATE TABLE rollup_30m ({_ROLLUP_COLUMNS}) WITHOUT ROWID;
    CREATE TABLE rollup_2h ({_ROLLUP_COLUMNS}) WITHOUT ROWID;
    CREATE TABLE rollup_1d ({_ROLLUP_COLUMNS}) WITHOUT ROWID;
    CREATE TABLE rollup_state (
        tier TEXT PRIMARY KEY,
        done_until INTEGER NOT NULL
    );
    CREATE TABLE device_polls (
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        ts INTEGER NOT NULL,
        status TEXT NOT NULL,
        uptime INTEGER,
        duration_s REAL,
        error TEXT,
        PRIMARY KEY (device_id, ts)
    ) WITHOUT ROWID;
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        device_id INTEGER REFERENCES devices(id) ON DELETE CASCADE,
        port_id INTEGER REFERENCES ports(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_ts ON events(ts);
    """,
    # 2: each port's latest error and discard rates (in + out, per second), for the ports table.
    """
    ALTER TABLE ports ADD COLUMN errors_ps REAL;
    ALTER TABLE ports ADD COLUMN discards_ps REAL;
    """,
    # 3: configuration backups (Fernet-encrypted, see monitor/configuration/configs.py) and the audit trail of every
    # push.
    """
    CREATE TABLE config_backups (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        ts REAL NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        encrypted BLOB NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('push-before', 'push-after', 'manual', 'schedule'))
    );
    CREATE INDEX config_backups_device ON config_backups(device_id, id);
    CREATE TABLE config_audit (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        user TEXT NOT NULL,
        device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        device_name TEXT NOT NULL,
        template TEXT NOT NULL DEFAULT '',
        profile_hash TEXT NOT NULL DEFAULT '',
        diff_masked TEXT NOT NULL DEFAULT '',
        result TEXT NOT NULL CHECK (result IN ('dry-run', 'applied', 'failed', 'rolled-back', 'rollback-failed')),
        rollback TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX config_audit_device ON config_audit(device_id, ts);
    """,
    # 4: when each device's configuration was last read by the backup schedule, and why it failed if it did.
    """
    ALTER TABLE devices ADD COLUMN backup_checked REAL;
    ALTER TABLE devices ADD COLUMN backup_error TEXT;
    """,
    # 5: alerts (monitor/alerting/alerts.py): rules with the default set, alerts with their lifecycle, ports marked
    # important; notification channels (secrets in the secret store, never here) and the outbox of deliveries
    # (monitor/alerting/channels.py, outbox.py). The event cursor starts at the newest event, so old reboots never
    # alert.
    """
    ALTER TABLE ports ADD COLUMN important INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE alert_rules (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device_down', 'reboot', 'port_down', 'utilization', 'errors')),
        name TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL DEFAULT 1,
        severity TEXT NOT NULL DEFAULT 'warning' CHECK (severity IN ('critical', 'warning', 'info')),
        params TEXT NOT NULL DEFAULT '{}'
    );
    INSERT INTO alert_rules (kind, name, severity) VALUES
        ('device_down', 'Device down', 'critical'),
        ('reboot', 'Device restarted', 'warning'),
        ('port_down', 'Uplink or important port down', 'critical'),
        ('utilization', 'Uplink utilization high', 'warning'),
        ('errors', 'Port errors or discards', 'warning');
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER REFERENCES alert_rules(id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        subject TEXT NOT NULL,
        device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        port_id INTEGER REFERENCES ports(id) ON DELETE SET NULL,
        device_name TEXT NOT NULL,
        port_name TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
        flapping INTEGER NOT NULL DEFAULT 0,
        started REAL NOT NULL,
        resolved REAL,
        acknowledged_by TEXT,
        acknowledged_at REAL,
        last_notified REAL,
        reminders INTEGER NOT NULL DEFAULT 0,
        detail TEXT NOT NULL DEFAULT '',
        facts TEXT NOT NULL DEFAULT '{}'
    );
    CREATE UNIQUE INDEX alerts_one_firing ON alerts(rule_id, subject) WHERE state = 'firing';
    CREATE INDEX alerts_started ON alerts(started);
    CREATE TABLE notify_channels (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('email', 'line', 'telegram', 'webhook')),
        name TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL DEFAULT 1,
        language TEXT NOT NULL DEFAULT 'zh_TW',
        settings TEXT NOT NULL DEFAULT '{}',
        created REAL NOT NULL
    );
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES notify_channels(id) ON DELETE CASCADE,
        alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,
        notice TEXT NOT NULL,
        key TEXT NOT NULL,
        created REAL NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt REAL NOT NULL,
        last_error TEXT,
        sent REAL
    );
    CREATE INDEX deliveries_queue ON deliveries(status, channel_id, id);
    CREATE INDEX deliveries_created ON deliveries(created);
    CREATE TABLE alert_state (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    INSERT INTO alert_state (key, value) SELECT 'last_event_id', COALESCE(MAX(id), 0) FROM events;
    """,
    # 6: wireless (monitor/polling/wireless.py): each device's latest wireless snapshot, its APs with their status, and
    # counts over time (APs online, clients in all, per SSID and per AP) with rollups like the bandwidth ones.
    f"""
    CREATE TABLE wireless_state (
        device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        ts REAL NOT NULL,
        module TEXT NOT NULL,
        aps_total INTEGER,
        aps_online INTEGER,
        clients_total INTEGER,
        clients_by_ssid TEXT NOT NULL DEFAULT '{{}}',
        sources TEXT NOT NULL DEFAULT '{{}}',
        error TEXT,
        error_ts REAL,
        rolled_5m INTEGER, rolled_30m INTEGER, rolled_2h INTEGER, rolled_1d INTEGER,
        retention_hour INTEGER
    );
    CREATE TABLE wireless_aps (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        mac TEXT, serial TEXT, ip TEXT, model TEXT, location TEXT,
        status TEXT NOT NULL CHECK (status IN ('online', 'offline', 'unknown')),
        status_raw TEXT,
        status_since REAL NOT NULL,
        uptime_s INTEGER,
        clients INTEGER,
        radios TEXT NOT NULL DEFAULT '[]',
        present INTEGER NOT NULL DEFAULT 1,
        last_seen REAL NOT NULL,
        UNIQUE (device_id, key)
    );
    CREATE TABLE wireless_series (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('aps_total', 'aps_online', 'clients', 'ssid', 'ap')),
        name TEXT NOT NULL DEFAULT '',
        UNIQUE (device_id, kind, name)
    );
    CREATE TABLE wireless_samples (
        series_id INTEGER NOT NULL REFERENCES wireless_series(id) ON DELETE CASCADE,
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (series_id, ts)
    ) WITHOUT ROWID;
    {"".join(_wireless_rollup(tier) for tier in ("5m", "30m", "2h", "1d"))}
    """,
    # 7: each device's polls per UTC day (answered and made), so availability outlives the raw poll rows, which are
    # now kept as long as raw samples (see monitor/storage/history.py rollup and apply_retention).
    """
    CREATE TABLE device_polls_1d (
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        ts INTEGER NOT NULL,
        answered INTEGER NOT NULL,
        total INTEGER NOT NULL,
        PRIMARY KEY (device_id, ts)
    ) WITHOUT ROWID;
    """,
    # 8: the push journal (monitor/configuration/journal.py: each step of a push written before it is taken, so an
    # interrupted push is found and reconciled), audit results as push outcomes (previews are not pushes: their old
    # rows go), and each device's OS version from sysDescr (it picks the configuration syntax).
    """
    CREATE TABLE config_audit_v8 (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        user TEXT NOT NULL,
        device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        device_name TEXT NOT NULL,
        template TEXT NOT NULL DEFAULT '',
        profile_hash TEXT NOT NULL DEFAULT '',
        diff_masked TEXT NOT NULL DEFAULT '',
        result TEXT NOT NULL CHECK (result IN ('applied', 'rolled-back', 'unchanged', 'not-tried', 'attention')),
        rollback TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    );
    INSERT INTO config_audit_v8
        SELECT id, ts, user, device_id, device_name, template, profile_hash, diff_masked,
               CASE result WHEN 'failed' THEN 'not-tried' WHEN 'rollback-failed' THEN 'attention' ELSE result END,
               rollback, detail
        FROM config_audit WHERE result != 'dry-run';
    DROP TABLE config_audit;
    ALTER TABLE config_audit_v8 RENAME TO config_audit;
    CREATE INDEX config_audit_device ON config_audit(device_id, ts);
    CREATE TABLE push_journal (
        id INTEGER PRIMARY KEY,
        device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        device_name TEXT NOT NULL,
        template TEXT NOT NULL DEFAULT '',
        profile_hash TEXT NOT NULL DEFAULT '',
        strategy TEXT NOT NULL,
        user TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started REAL NOT NULL,
        updated REAL NOT NULL,
        step TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '{}',
        intent BLOB,
        finished REAL,
        outcome TEXT,
        message TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX push_journal_open ON push_journal(finished, device_id);
    CREATE TABLE push_steps (
        journal_id INTEGER NOT NULL REFERENCES push_journal(id) ON DELETE CASCADE,
        ts REAL NOT NULL,
        step TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX push_steps_journal ON push_steps(journal_id, ts);
    ALTER TABLE devices ADD COLUMN os_version TEXT;
    """,
    # 9: the kinds of notification channel are checked against their table (monitor/alerting/kinds.py), not by the
    # store: notify_channels without its CHECK on kind (a rebuild: SQLite cannot drop a CHECK; the deliveries keep
    # pointing at their channels by id).
    """
    CREATE TABLE notify_channels_v9 (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL DEFAULT 1,
        language TEXT NOT NULL DEFAULT 'zh_TW',
        settings TEXT NOT NULL DEFAULT '{}',
        created REAL NOT NULL
    );
    INSERT INTO notify_channels_v9 (id, kind, name, enabled, language, settings, created)
        SELECT id, kind, name, enabled, language, settings, created FROM notify_channels;
    DROP TABLE notify_channels;
    ALTER TABLE notify_channels_v9 RENAME TO notify_channels;
    """,
    # 10: messages for people as code and parameters (devices/i18n.py Msg as JSON), rendered in the reader's
    # language: each event's, and why a device is down; ``detail`` and ``status_reason`` keep the English text for
    # older readers, exports and logs.
    """
    ALTER TABLE events ADD COLUMN message TEXT;
    ALTER TABLE devices ADD COLUMN status_message TEXT;
    """,
    # 11: one row per finished poll cycle (monitor/storage/cycles.py): the desktop app learns of cycles from here.
    """
    CREATE TABLE cycles (
        id INTEGER PRIMARY KEY,
        started REAL NOT NULL,
        finished REAL NOT NULL,
        devices INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        interval_s REAL,
        kind TEXT NOT NULL DEFAULT '',
        pid INTEGER NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(CampusNetError):
    """The store cannot be opened or written (read-only folder, full disk, newer schema)."""


class StoreFull(StoreError):
    """The disk (or filesystem quota) holding the store is full: writes fail until space returns."""


def store_error(path: Path, exc: sqlite3.Error, doing: str = "write to") -> StoreError:
    """The one-line error for a failed open or write; :class:`StoreFull` when SQLite says the disk is full, or
    when an I/O error comes from a filesystem with no space left (SQLite reports a full disk while it maps its
    shared-memory file as an I/O error)."""
    full = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    if full or ("I/O error" in str(exc) and _no_space_left(path)):
        return StoreFull(f"the disk holding the store {path} is full: free some space ({exc})")
    return StoreError(f"cannot {doing} the store {path}: {exc}")


def _no_space_left(path: Path) -> bool:
    """True when the filesystem holding ``path`` has (almost) no free space left."""
    try:
        st = os.statvfs(path.parent if str(path.parent) else Path("."))
    except (OSError, AttributeError):  # no statvfs on Windows; a full disk there says SQLITE_FULL anyway
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def default_db_path() -> Path:
    """The store path when ``--db`` is not given: ``$CAMPUSNET_DB`` if set; else, run from a source checkout,
    ``./inventory.db``; else (the installed, frozen program) ``<user data dir>/inventory.db``, the folder created:
    ``~/.local/share/CampusNet`` on Linux, ``%LOCALAPPDATA%\\CampusNet`` on Windows."""
    env = os.environ.get("CAMPUSNET_DB")
    if env:
        return Path(env)
    if not getattr(sys, "frozen", False):
        return Path("inventory.db")
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("CampusNet", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "inventory.db"


def to_sql_u64(value: int | None) -> int | None:
    """Map an unsigned 64-bit counter onto SQLite's signed INTEGER range (reversibly)."""
    if value is None:
        return None
    return value - _U64 if value > _I64_MAX else value


def from_sql_u64(value: int | None) -> int | None:
    """Inverse of :func:`to_sql_u64`."""
    if value is None:
        return None
    return value + _U64 if value < 0 else value


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a connection with the project's pragmas; migrate the schema unless ``readonly``."""
    path = Path(path)
    try:
        if readonly:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
        else:
            if path.parent and not path.parent.exists():
                raise StoreError(f"folder {path.parent} does not exist")
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn)
    except sqlite3.Error as exc:
        raise store_error(path, exc, "open") from exc
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`, one transaction per step. Returns the final version.

    Foreign keys are off while a step runs (as SQLite advises for rebuilding a table: with them on, dropping the old
    table would delete the rows that point at it) and checked before the step commits.
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"this store was written by a newer CampusNet (schema {version}, this version knows {SCHEMA_VERSION})"
        )
    if version == SCHEMA_VERSION:
        return version
    foreign_keys = int(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before each step begins
    try:
        while version < SCHEMA_VERSION:
            script = MIGRATIONS[version]
            version += 1
            _migration_step(conn, script, version)
    finally:
        conn.execute(f"PRAGMA foreign_keys = {foreign_keys}")
    return version


def _migration_step(conn: sqlite3.Connection, script: str, version: int) -> None:
    """Run one migration in one transaction: all of it, with no broken foreign key, or nothing."""
    try:
        # executescript() commits first; the step's own BEGIN makes it one transaction, committed below.
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};")
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken is not None:
            raise StoreError(f"schema step {version} would leave a row of {broken[0]} pointing at nothing")
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


class StoreWriter:
    """The one writer: a thread that owns the write connection and runs submitted jobs in order.

    Jobs are callables taking the connection; each runs inside its own transaction (committed on success, rolled
    back on error) and its result or exception comes back through a :class:`concurrent.futures.Future`.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn = connect(self.path)
        self._queue: queue.Queue[tuple[Callable[[sqlite3.Connection], Any], Future[Any]] | None] = queue.Queue()
        self._closing = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="campusnet-store-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> Future[T]:
        """Queue ``job(conn)`` to run in a transaction on the writer thread.

        After :meth:`close` the future fails at once with :class:`StoreError` (a job from a thread that outlived its
        poller must not wait forever for a writer that is gone).
        """
        fut: Future[T] = Future()
        with self._lock:
            if self._closing:
                fut.set_exception(StoreError(f"the store {self.path} is closed: nothing more is written"))
                return fut
            self._queue.put((job, fut))
        return fut

    def run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """Submit ``job`` and wait for its result (re-raising its exception)."""
        return self.submit(job).result()

    def close(self) -> None:
        """Finish queued jobs, then close the connection."""
        with self._lock:
            already, self._closing = self._closing, True
            if not already and self._thread.is_alive():
                self._queue.put(None)
        self._thread.join()
        if not already:
            self._conn.close()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, fut = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                with self._conn:
                    result = job(self._conn)
            except sqlite3.OperationalError as exc:
                fut.set_exception(store_error(self.path, exc))
            except BaseException as exc:
                fut.set_exception(exc)
            else:
                fut.set_result(result)
