"""The push journal in the store: one entry per device push, each step written before it is taken.

A push that ends settles its entry (``finished`` and ``outcome`` set). An entry left open means the push was cut
short (the process was killed, the machine lost power) or ended in a state CampusNet could not settle on its own
(``attention``): :mod:`monitor.configuration.recovery` finds those, looks at the device and finishes or rolls them back.

While a push runs, its process holds a lock file beside the store for that device (``<store>.push-<id>.lock``, an
OS lock that dies with the process): an open entry whose lock can be taken belongs to no running push. The intended
lines may hold secrets (RADIUS keys), so they are stored encrypted with the store's backup key; the entry's state
holds only masked text.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from devices.errors import CampusNetError
from monitor.configuration.configs import cipher
from monitor.storage.secrets import SecretStore

Run = Callable[[Callable[[sqlite3.Connection], Any]], Any]


class PushRunning(CampusNetError):
    """Another process is pushing to the same device right now."""


@dataclass(frozen=True)
class JournalEntry:
    """One push as the journal holds it (``state``: the last step's merged details, secrets excluded)."""

    id: int
    device_id: int | None
    device_name: str
    template: str
    strategy: str
    user: str
    pid: int
    started: float
    updated: float
    step: str
    state: dict[str, Any] = field(default_factory=dict)
    finished: float | None = None
    outcome: str | None = None
    message: str = ""

    @property
    def open(self) -> bool:
        """True while the push has not settled."""
        return self.finished is None


class PushJournal:
    """The :class:`devices.push.Journal` of one store; ``run`` executes a job on the store's write connection."""

    def __init__(self, conn: sqlite3.Connection, secrets: SecretStore, db: Path, run: Run | None = None) -> None:
        self.conn = conn
        self.secrets = secrets
        self.db = db
        self._run = run or (lambda job: job(conn))
        self._locks: dict[int, FileLock] = {}

    def begin(self, device_id: int, device_name: str, template: str, profile_hash: str, strategy: str) -> int:
        """Open an entry and take the device's push lock (PushRunning when another process holds it)."""
        lock = device_lock(self.db, device_id)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise PushRunning(f"another CampusNet push to {device_name} is running right now; wait for it") from None
        now = time.time()

        def insert(c: sqlite3.Connection) -> int:
            with c:
                cur = c.execute(
                    "INSERT INTO push_journal (device_id, device_name, template, profile_hash, strategy, user, pid,"
                    " started, updated, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'begin')",
                    (device_id, device_name, template, profile_hash, strategy, _user(), os.getpid(), now, now),
                )
                entry = int(cur.lastrowid or 0)
                c.execute("INSERT INTO push_steps (journal_id, ts, step) VALUES (?, ?, 'begin')", (entry, now))
            return entry

        entry = int(self._run(insert))
        self._locks[entry] = lock
        return entry

    def step(self, entry: int, step: str, **detail: Any) -> None:
        """Record ``step`` (before it is taken), merging ``detail`` into the entry's state (``intent`` encrypted)."""
        intent = detail.pop("intent", None)
        token = cipher(self.secrets).encrypt(json.dumps(intent).encode("utf-8")) if intent is not None else None
        now = time.time()

        def write(c: sqlite3.Connection) -> None:
            row = c.execute("SELECT state FROM push_journal WHERE id = ?", (entry,)).fetchone()
            if row is None:
                return
            state = {**json.loads(row["state"] or "{}"), **detail}
            with c:
                c.execute(
                    "UPDATE push_journal SET step = ?, state = ?, updated = ?, intent = COALESCE(?, intent)"
                    " WHERE id = ?",
                    (step, json.dumps(state, ensure_ascii=False), now, token, entry),
                )
                c.execute(
                    "INSERT INTO push_steps (journal_id, ts, step, detail) VALUES (?, ?, ?, ?)",
                    (entry, now, step, json.dumps(detail, ensure_ascii=False)),
                )

        self._run(write)
        if step == "attention":
            self._release(entry)

    def finish(self, entry: int, outcome: str, message: str) -> None:
        """Settle the entry and release the device's push lock."""
        try:
            settle(self._run, entry, outcome, message, step="finished")
        finally:
            self._release(entry)

    def intent(self, entry: int) -> dict[str, list[str]] | None:
        """The intended lines and their secret values (``{"lines": [...], "secrets": [...]}``, decrypted), or None
        when not recorded (the push never got that far)."""
        row = self.conn.execute("SELECT intent FROM push_journal WHERE id = ?", (entry,)).fetchone()
        if row is None or row["intent"] is None:
            return None
        data = json.loads(cipher(self.secrets, create=False).decrypt(bytes(row["intent"])).decode("utf-8"))
        return {"lines": list(data.get("lines", [])), "secrets": list(data.get("secrets", []))}

    def _release(self, entry: int) -> None:
        lock = self._locks.pop(entry, None)
        if lock is not None:
            lock.release()


def device_lock(db: Path, device_id: int) -> FileLock:
    """The lock a push holds on a device while it runs (beside the store)."""
    return FileLock(str(db.with_name(f"{db.name}.push-{device_id}.lock")))


def open_entries(conn: sqlite3.Connection, device_ids: set[int] | None = None) -> list[JournalEntry]:
    """Entries not settled yet (oldest first), of ``device_ids`` when given."""
    rows = conn.execute("SELECT * FROM push_journal WHERE finished IS NULL ORDER BY id").fetchall()
    entries = [_entry(row) for row in rows]
    return [e for e in entries if device_ids is None or e.device_id in device_ids]


def running_elsewhere(db: Path, entry: JournalEntry) -> bool:
    """True when a live process holds the entry's device lock (the push is still going, not interrupted)."""
    if entry.device_id is None:
        return False
    lock = device_lock(db, entry.device_id)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def interrupted(conn: sqlite3.Connection, db: Path, device_ids: set[int] | None = None) -> list[JournalEntry]:
    """Open entries whose push is not running any more: interrupted, or left needing attention."""
    return [e for e in open_entries(conn, device_ids) if not running_elsewhere(db, e)]


def steps(conn: sqlite3.Connection, entry: int) -> list[tuple[float, str, dict[str, Any]]]:
    """The steps of an entry in order: (time, step, detail)."""
    rows = conn.execute("SELECT ts, step, detail FROM push_steps WHERE journal_id = ? ORDER BY rowid", (entry,))
    return [(float(r["ts"]), str(r["step"]), json.loads(r["detail"] or "{}")) for r in rows]


def latest(conn: sqlite3.Connection, device_id: int) -> JournalEntry | None:
    """The newest entry of a device (settled or not)."""
    row = conn.execute(
        "SELECT * FROM push_journal WHERE device_id = ? ORDER BY id DESC LIMIT 1", (device_id,)
    ).fetchone()
    return _entry(row) if row else None


def settle(run: Run, entry: int, outcome: str, message: str, *, step: str = "recovered") -> None:
    """Close an entry with its outcome: the push ended (``finished``) or recovery settled it (``recovered``). The
    intended lines are dropped: they are needed only while the push is open."""
    now = time.time()

    def write(c: sqlite3.Connection) -> None:
        with c:
            c.execute(
                "UPDATE push_journal SET step = 'finished', finished = ?, updated = ?, outcome = ?, message = ?,"
                " intent = NULL WHERE id = ?",
                (now, now, outcome, message, entry),
            )
            c.execute(
                "INSERT INTO push_steps (journal_id, ts, step, detail) VALUES (?, ?, ?, ?)",
                (entry, now, step, json.dumps({"outcome": outcome, "message": message}, ensure_ascii=False)),
            )

    run(write)


def _entry(row: sqlite3.Row) -> JournalEntry:
    return JournalEntry(
        id=int(row["id"]),
        device_id=row["device_id"],
        device_name=str(row["device_name"]),
        template=str(row["template"]),
        strategy=str(row["strategy"]),
        user=str(row["user"]),
        pid=int(row["pid"]),
        started=float(row["started"]),
        updated=float(row["updated"]),
        step=str(row["step"]),
        state=json.loads(row["state"] or "{}"),
        finished=row["finished"],
        outcome=row["outcome"],
        message=str(row["message"] or ""),
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name is not worth failing a push
        return "unknown"
