"""Finished poll cycles: a row each in the store, and a small file touched after each, so others learn of them.

Whoever polls a store (the background service, the desktop app's poller process, ``poll --once``, the headless demo)
records each cycle it finishes (:func:`record`): when it started and finished, how many devices it polled and how many
failed, its interval, and who polled (kind and process id). The desktop app never polls in its own process: it reads
these rows to refresh its pages and its status bar. To hear of a cycle at once instead of asking the store every few
seconds, it watches the file ``<store>.poller.cycle``, which the poller rewrites (:func:`announce`) after the cycle's
row is committed; the app still looks now and then in case a change was missed.

The table is kept short: the newest :data:`KEEP` rows (a week at one cycle a minute).
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

KEEP = 10_000


@dataclass(frozen=True)
class Cycle:
    """One finished cycle as the store holds it.

    Attributes:
        id: the row id (grows with every cycle: a newer cycle has a larger id).
        started, finished: epoch seconds.
        devices, failed: devices polled, and those that did not answer properly.
        interval_s: seconds between the poller's cycle starts (None when it polled once).
        kind: who polled (:data:`monitor.storage.lock.KIND_NAMES`), "" when it did not say.
        pid: the polling process.
    """

    id: int
    started: float
    finished: float
    devices: int
    failed: int
    interval_s: float | None
    kind: str
    pid: int


def record(
    conn: sqlite3.Connection,
    *,
    started: float,
    finished: float,
    devices: int,
    failed: int,
    interval_s: float | None,
    kind: str,
    pid: int,
) -> int:
    """Add a finished cycle (in the caller's transaction) and drop the rows past :data:`KEEP`; returns its id."""
    cur = conn.execute(
        "INSERT INTO cycles (started, finished, devices, failed, interval_s, kind, pid) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (started, finished, devices, failed, interval_s, kind, pid),
    )
    cycle_id = int(cur.lastrowid or 0)
    conn.execute("DELETE FROM cycles WHERE id <= ?", (cycle_id - KEEP,))
    return cycle_id


def latest(conn: sqlite3.Connection) -> Cycle | None:
    """The newest recorded cycle, or None before the first."""
    row = conn.execute("SELECT * FROM cycles ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return Cycle(
        id=int(row["id"]),
        started=float(row["started"]),
        finished=float(row["finished"]),
        devices=int(row["devices"]),
        failed=int(row["failed"]),
        interval_s=None if row["interval_s"] is None else float(row["interval_s"]),
        kind=str(row["kind"]),
        pid=int(row["pid"]),
    )


def latest_id(conn: sqlite3.Connection) -> int:
    """The newest cycle's id, 0 before the first: the cheap question asked on every change signal."""
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM cycles").fetchone()[0])


def signal_path(db_path: Path | str) -> Path:
    """The file rewritten after every cycle: ``<store>.poller.cycle``."""
    db = Path(db_path)
    return db.with_name(db.name + ".poller.cycle")


def announce(db_path: Path | str, cycle_id: int) -> None:
    """Rewrite the signal file with the cycle's id (in place, so a watch on it keeps working). Never raises: a
    watcher that misses it finds the cycle at its next look anyway."""
    with contextlib.suppress(OSError), signal_path(db_path).open("w", encoding="ascii") as f:
        f.write(f"{cycle_id}\n")
