"""A Preview or Push of a template to several devices, as the app's Configuration page runs it (Qt-free, blocking:
run it on a worker thread).

Every device is rendered first (a bad parameter or a missing secret stops a push before anything connects); a
push first settles the devices' interrupted pushes (:func:`monitor.configuration.recovery.reconcile`), then pushes one
device at
a time with the store's journal, stopping after the first device that did not end applied or unchanged. The
outcome of each device comes back with its change, notes, port roles and checks (all masked), and, after a preview
or a good push, how far its latest backup is from the intended lines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.errors import CampusNetError
from monitor.cli.config import load_profile_with, render_job
from monitor.configuration.configs import known_hosts_path, session_log_dir
from monitor.storage import inventory


@dataclass
class DeviceOutcome:
    """What Preview or Push found for one device (all texts masked)."""

    device: str
    status: str
    message: str
    masked_lines: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)
    # Compliance: None = not checked, else the top-level lines a preview would send (0: as intended).
    missing: int | None = None
    notes: list[str] = field(default_factory=list)
    roles: list[Any] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    holds_change: bool = False
    saved: bool = False


@dataclass
class JobResult:
    """The outcomes, in the order the devices were given, and the summary lines of a push."""

    outcomes: list[DeviceOutcome]
    summary: list[str] = field(default_factory=list)


def run_config_job(
    db_path: Path,
    template: str,
    profile_path: Path,
    names: list[str],
    *,
    dry_run: bool,
    overrides: Sequence[str] = (),
    progress: Callable[[str], None] = lambda _t: None,
    cancelled: Callable[[], bool] = lambda: False,
    allow_restarts: bool = False,
) -> JobResult:
    """Render every device, then preview (with compliance) or push them (see the module notes)."""
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    conn = connect(db_path)
    try:
        secrets = open_secrets(db_path, inventory.store_id(conn))
        profile, phash = load_profile_with(profile_path, overrides)
        outcomes: dict[str, DeviceOutcome] = {}
        jobs: list[Any] = []
        rendered_of: dict[str, Any] = {}
        for name in names:
            progress(f"{name}: rendering (ports, neighbours)")
            try:
                rendered, job = render_job(conn, secrets, name, template, profile, phash, allow_restarts=allow_restarts)
            except CampusNetError as exc:
                outcomes[name] = DeviceOutcome(name, "error", str(exc))
                continue
            rendered_of[name] = rendered
            outcomes[name] = DeviceOutcome(name, "rendered", "", list(rendered.masked_lines))
            outcomes[name].notes, outcomes[name].roles = list(rendered.notes), list(rendered.roles)
            jobs.append(job)
        if not dry_run and len(jobs) != len(names):
            for outcome in outcomes.values():
                if outcome.status != "error":
                    outcome.status, outcome.message = "not-tried", "not tried: another device has an error"
            return JobResult([outcomes[n] for n in names])
        results = _push(conn, secrets, db_path, jobs, dry_run, progress, cancelled)
        for result in results:
            _record(outcomes[result.device], result)
        ordered = [outcomes[n] for n in names]
        return JobResult(ordered, _summary(results) if not dry_run else [])
    finally:
        conn.close()


def run_restore_job(
    db_path: Path,
    name: str,
    backup: int,
    *,
    progress: Callable[[str], None] = lambda _t: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> JobResult:
    """Roll one device back to one of its backups (``config restore``), under the platform's protection and
    verified equal to it; an interrupted push of the device is settled first."""
    from monitor.cli.config import restore_job
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    conn = connect(db_path)
    try:
        secrets = open_secrets(db_path, inventory.store_id(conn))
        try:
            job = restore_job(conn, secrets, name, backup)
        except CampusNetError as exc:
            return JobResult([DeviceOutcome(name, "error", str(exc))])
        (result,) = _push(conn, secrets, db_path, [job], False, progress, cancelled)
        outcome = DeviceOutcome(name, result.status, result.message, change=list(result.change))
        outcome.holds_change, outcome.saved = result.holds_change, result.saved
        return JobResult([outcome], _summary([result]))
    finally:
        conn.close()


def _push(
    conn: sqlite3.Connection,
    secrets: Any,
    db_path: Path,
    jobs: list[Any],
    dry_run: bool,
    progress: Callable[[str], None],
    cancelled: Callable[[], bool],
) -> list[Any]:
    from devices.push import NOT_TRIED, PushResult, push_many
    from monitor.configuration.configs import ConfigArchive
    from monitor.configuration.journal import PushJournal
    from monitor.configuration.recovery import reconcile

    blocked = {} if dry_run else reconcile(conn, secrets, db_path, [j.target.name for j in jobs], progress)
    ready = [j for j in jobs if j.target.name not in blocked]
    results = push_many(
        ready,
        stop_on_first_failure=True,
        progress=progress,
        cancelled=cancelled,
        dry_run=dry_run,
        known_hosts=known_hosts_path(db_path),
        backup_store=ConfigArchive(conn, secrets),
        journal=PushJournal(conn, secrets, db_path),
        log_dir=session_log_dir(db_path),
    )
    by_name = {r.device: r for r in results}
    return [
        by_name.get(j.target.name) or PushResult(j.target.name, NOT_TRIED, f"not tried: {blocked[j.target.name]}")
        for j in jobs
    ]


def _record(outcome: DeviceOutcome, result: Any) -> None:
    """Copy a push result into the outcome; ``missing`` is what a preview would send (0 once applied or unchanged:
    the push verified it from a new session)."""
    outcome.status, outcome.message, outcome.change = result.status, result.message, list(result.change)
    outcome.notes = list(result.notes) or outcome.notes
    outcome.roles = list(result.roles) or outcome.roles
    outcome.checks = list(result.checks)
    outcome.holds_change, outcome.saved = result.holds_change, result.saved
    if result.status == "preview":
        outcome.missing = len([line for line in result.change if not line.startswith(" ")])
    elif result.status in ("applied", "unchanged"):
        outcome.missing = 0


def _summary(results: list[Any]) -> list[str]:
    from devices.push import summarize

    return summarize(results)
