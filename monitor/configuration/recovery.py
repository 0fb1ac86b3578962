"""Interrupted pushes: find them in the journal, look at their devices, finish or roll them back, and settle the
journal and the audit trail (the store side of :mod:`devices.push.recover`).

Used by ``config recover`` (look, ``--finish``, ``--rollback``), by ``config push`` before it touches a device
that has an unfinished push (:func:`reconcile`: a push cut short before confirm is rolled back, a confirmed one
saved, so a new push never takes a half-applied configuration as its backup), by every other command as a one-line
notice (:func:`notice`, no device contacted), and by the app's Configuration page.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.errors import CampusNetError, InputError
from devices.push import recover
from devices.push.model import APPLIED, ATTENTION, ROLLED_BACK, PushTarget
from monitor.configuration import configs, journal
from monitor.configuration.journal import JournalEntry
from monitor.storage.secrets import SecretStore

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Look:
    """An interrupted push and what its device looks like now."""

    entry: JournalEntry
    found: recover.Found


def unfinished(conn: sqlite3.Connection, db: Path, names: list[str] | None = None) -> list[JournalEntry]:
    """Interrupted (or attention-needing) pushes, of the named devices when given."""
    ids = None
    if names is not None:
        rows = conn.execute(f"SELECT id FROM devices WHERE name IN ({','.join('?' * len(names))})", names).fetchall()
        ids = {int(r["id"]) for r in rows}
    return journal.interrupted(conn, db, ids)


def notice(db: Path) -> str | None:
    """A one-line reminder of interrupted pushes (no device contacted), or None."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        conn.row_factory = sqlite3.Row
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'push_journal'").fetchone():
                return None
            entries = journal.interrupted(conn, db)
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if not entries:
        return None
    names = ", ".join(sorted({e.device_name for e in entries}))
    return f"an interrupted configuration push was found ({names}): run 'config recover' to see its state"


def load(conn: sqlite3.Connection, secrets: SecretStore, db: Path, entry: JournalEntry) -> recover.Interrupted:
    """What recovery needs of an entry: the device's SSH target, its backup, the intended lines."""
    if entry.device_id is None:
        raise InputError(f"the device {entry.device_name} of this push was removed")
    device = conn.execute("SELECT * FROM devices WHERE id = ?", (entry.device_id,)).fetchone()
    if device is None:
        raise InputError(f"the device {entry.device_name} of this push was removed")
    target = PushTarget(**configs.push_target_fields(device, secrets))
    backup_id = entry.state.get("backup_id")
    if backup_id is None:
        latest = configs.history(conn, entry.device_id)
        if not latest:
            raise CampusNetError(f"no backup of {entry.device_name} to compare with")
        backup_id = latest[0].id
    backup = configs.load_backup(conn, secrets, int(backup_id))
    recorded = journal.PushJournal(conn, secrets, db).intent(entry.id)
    state = {**entry.state, "last_step": entry.step}
    lines = recorded["lines"] if recorded else None
    secret_values = recorded["secrets"] if recorded else []
    return recover.Interrupted(target, backup, lines, entry.step, state, secret_values, device_facts(device))


def look(conn: sqlite3.Connection, secrets: SecretStore, db: Path, entry: JournalEntry) -> Look:
    """Look at the device of an interrupted push (nothing changed)."""
    job = load(conn, secrets, db, entry)
    return Look(entry, recover.inspect(job, known_hosts=configs.known_hosts_path(db)))


def act(
    conn: sqlite3.Connection,
    secrets: SecretStore,
    db: Path,
    entry: JournalEntry,
    action: str,
    *,
    run: journal.Run | None = None,
) -> recover.Recovered:
    """``finish`` or ``rollback`` an interrupted push, then settle the journal (unless it still needs attention)
    and add an audit record."""
    if action not in ("finish", "rollback"):
        raise InputError(f"unknown recovery action {action!r} (finish, rollback)")
    job = load(conn, secrets, db, entry)
    kh = configs.known_hosts_path(db)
    done = recover.finish(job, known_hosts=kh) if action == "finish" else recover.roll_back(job, known_hosts=kh)
    write = run or (lambda work: work(conn))
    if done.outcome != ATTENTION:
        journal.settle(write, entry.id, done.outcome, done.message)
    write(
        lambda c: configs.record_audit(
            c,
            device_id=entry.device_id,
            device_name=entry.device_name,
            template=entry.template,
            result=done.outcome,
            rollback=done.message if action == "rollback" else "",
            detail=f"recovery ({action}) of the push started {_when(entry.started)}: {done.message}",
        )
    )
    return done


def look_all(db: Path, entries: list[JournalEntry]) -> list[Look]:
    """Look at the devices of several interrupted pushes, on a connection of its own (for a worker thread)."""
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    conn = connect(db)
    try:
        secrets = open_secrets(db, inventory.store_id(conn))
        return [look(conn, secrets, db, entry) for entry in entries]
    finally:
        conn.close()


def act_on(db: Path, entry: JournalEntry, action: str) -> recover.Recovered:
    """:func:`act` on a connection of its own (for a worker thread)."""
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    conn = connect(db)
    try:
        return act(conn, open_secrets(db, inventory.store_id(conn)), db, entry, action)
    finally:
        conn.close()


def settle_found(conn: sqlite3.Connection, entry: JournalEntry, found: recover.Found) -> str | None:
    """Close an entry whose device needs nothing (at its backup, or the change in place and saved)."""
    if "settle" not in found.actions:
        return None
    outcome = ROLLED_BACK if found.at_backup else APPLIED
    journal.settle(lambda work: work(conn), entry.id, outcome, found.words)
    return outcome


def reconcile(
    conn: sqlite3.Connection, secrets: SecretStore, db: Path, names: list[str], progress: Progress
) -> dict[str, str]:
    """Before a new push: settle each named device's interrupted push. A push cut short before confirm is rolled
    back, a confirmed one saved; a device that cannot be settled is returned with the reason (it must not be pushed
    to: its backup would be a half-applied configuration)."""
    blocked: dict[str, str] = {}
    for entry in unfinished(conn, db, names):
        name = entry.device_name
        progress(f"{name}: an earlier push did not finish (started {_when(entry.started)}, last step: {entry.step})")
        try:
            seen = look(conn, secrets, db, entry)
        except CampusNetError as exc:
            blocked[name] = f"an earlier push did not finish and cannot be checked: {exc}"
            continue
        progress(f"{name}: {seen.found.words}")
        if not seen.found.reachable:
            blocked[name] = f"an earlier push did not finish and the device cannot be checked: {seen.found.words}"
            continue
        if settle_found(conn, entry, seen.found):
            continue
        action = "finish" if seen.found.holds_intent and not seen.found.timer_pending else "rollback"
        progress(f"{name}: {'saving the confirmed change' if action == 'finish' else 'rolling it back first'}")
        done = act(conn, secrets, db, entry, action)
        progress(f"{name}: {done.message}")
        if done.outcome == ATTENTION:
            blocked[name] = f"an earlier push did not finish and could not be settled: {done.message}"
    return blocked


def device_facts(device: sqlite3.Row) -> Any:
    """The facts that say how a device prints its configuration (platform, OS version, model)."""
    from devices.config.facts import DeviceFacts

    keys = device.keys()
    platform = configs.device_platform(device)
    version = device["os_version"] if "os_version" in keys else None
    return DeviceFacts(platform=platform, version=version, model=device["model"])


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))
