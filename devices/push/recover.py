"""A push found unfinished in the journal: look at the device, say exactly what state it is in, finish or roll back.

:func:`inspect` reads, from a new session: whether a revert timer is pending (IOS), the running configuration
against the backup taken before the push and against the intended lines (by meaning), and the saved configuration
against the running one. :func:`finish` completes what can be completed (confirm a fully applied change under a
pending timer, save a confirmed change); :func:`roll_back` brings the running configuration back to the backup
(``configure revert now`` while a timer is pending, else compensating lines), takes an archive bootstrap away, and
checks. Each returns a :class:`Recovered` with one outcome of :data:`devices.push.model.OUTCOMES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.config.drivers import IOS_TIMER, PushDriver, driver_for
from devices.push.diff import configs_equal, extra_commands, restore_lines, verify_change, with_block_exits
from devices.push.model import APPLIED, ATTENTION, ROLLED_BACK, Masker, PushFailed, PushTarget, first_line
from devices.push.session import DeviceSession
from devices.push.strategies import NO_ROLLBACK, archive_on
from devices.ssh import SshError

_PENDING = re.compile(r"Timer value\s*:\s*(\d+)\s*min", re.I)


@dataclass(frozen=True)
class Found:
    """What the device looks like now, with a sentence for the user and the actions that make sense."""

    reachable: bool
    words: str
    actions: tuple[str, ...] = ()
    timer_pending: bool | None = None
    at_backup: bool | None = None
    holds_intent: bool | None = None
    saved: bool | None = None
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Recovered:
    """The end of a recovery: an outcome and what was done."""

    outcome: str
    message: str
    holds_change: bool = False
    saved: bool = False


@dataclass(frozen=True)
class Interrupted:
    """An unfinished push as the journal holds it: the device, its backup, the intended lines, the last step."""

    target: PushTarget
    backup_text: str
    intent: list[str] | None
    step: str
    state: dict[str, Any]
    secret_values: list[str] = field(default_factory=list, repr=False)
    facts: Any = None


def inspect(job: Interrupted, *, known_hosts: Path, timeout: float = 10) -> Found:
    """Look at the device (never changes anything)."""
    driver = driver_for(job.target.device_type)
    mask = Masker([job.target.password, job.target.secret, *job.secret_values])
    try:
        s = DeviceSession.open(job.target, driver, mask, known_hosts=known_hosts, timeout=timeout, log=None)
    except SshError as exc:
        return Found(False, f"cannot reach the device to look: {mask(first_line(exc))}", ("recover later",))
    try:
        return _look(job, driver, s, mask)
    except PushFailed as exc:
        return Found(False, f"the device did not answer as expected: {exc}", ("recover later",))
    finally:
        s.disconnect()


def _look(job: Interrupted, driver: PushDriver, s: DeviceSession, mask: Masker) -> Found:
    pending = _timer_pending(driver, s)
    running = s.read_running()
    bootstrap = bool(job.state.get("bootstrap"))
    at_backup = _equal_to_backup(driver, running, job.backup_text, bootstrap)
    missing: list[str] = []
    if job.intent is not None:
        lines = [line for line in job.intent if line.strip()]
        commands = extra_commands(driver, running, lines, job.secret_values, job.facts)
        shown = {command: s.command(command) for command in commands}
        missing = list(verify_change(driver, running, lines, job.secret_values, job.facts, shown).missing)
    holds = job.intent is not None and not missing
    startup = s.read_startup()
    saved = None if startup is None else configs_equal(driver, startup, running)
    step = job.state.get("last_step", job.step)
    if pending:
        words = (
            f"an interrupted push (last step: {step}); the device's revert timer is still running and will put the "
            "backup back by itself"
        )
        actions = ("rollback", "finish") if holds else ("rollback",)
        if not holds:
            words += f"; the change is not complete ({len(missing)} line(s) missing)"
        return Found(True, words, actions, True, at_backup, holds, saved, [mask(m) for m in missing])
    if at_backup:
        words = "the device is at its backup: the interrupted push left nothing behind"
        return Found(True, words, ("settle",), False, True, holds, saved)
    if holds and saved:
        return Found(True, "the change is in place and saved", ("settle",), False, False, True, True)
    if holds:
        words = "the change is in place (confirmed) but NOT saved: the device would lose it on a restart"
        return Found(True, words, ("finish", "rollback"), False, False, True, saved)
    words = (
        f"the device holds part of the change ({len(missing)} intended line(s) missing) and no revert timer is "
        "running: roll it back to the backup, then push again"
    )
    return Found(True, words, ("rollback",), False, False, False, saved, [mask(m) for m in missing])


def finish(job: Interrupted, *, known_hosts: Path, timeout: float = 10) -> Recovered:
    """Complete the push: confirm (a pending timer over a complete change) and save. The device must hold the
    whole change; otherwise nothing is done and the outcome says to roll back."""
    driver = driver_for(job.target.device_type)
    mask = Masker([job.target.password, job.target.secret, *job.secret_values])
    found = inspect(job, known_hosts=known_hosts, timeout=timeout)
    if not found.reachable:
        return Recovered(ATTENTION, found.words)
    if "settle" in found.actions:
        if found.at_backup:
            return Recovered(ROLLED_BACK, found.words)
        return Recovered(APPLIED, found.words, True, True)
    if "finish" not in found.actions:
        return Recovered(ATTENTION, f"cannot finish: {found.words}")
    try:
        s = DeviceSession.open(job.target, driver, mask, known_hosts=known_hosts, timeout=timeout, log=None)
    except SshError as exc:
        return Recovered(ATTENTION, f"cannot reach the device: {mask(first_line(exc))}")
    try:
        if found.timer_pending:
            out = s.command(IOS_TIMER.confirm)
            if NO_ROLLBACK in out:
                return Recovered(ATTENTION, "the revert timer fired just before 'configure confirm': look again")
        if driver.save is not None:
            out = s.save()
            if re.search(driver.error_pattern, out):
                return Recovered(ATTENTION, f"saving failed: {mask(first_line(out))}", True, False)
        return Recovered(APPLIED, "finished: the change is confirmed and saved", True, True)
    except Exception as exc:  # the device's trouble, not a bug: an outcome
        return Recovered(ATTENTION, f"finishing failed: {mask(first_line(exc))}")
    finally:
        s.disconnect()


def roll_back(job: Interrupted, *, known_hosts: Path, timeout: float = 10, line_timeout: float = 120) -> Recovered:
    """Bring the running configuration back to the backup and check it."""
    driver = driver_for(job.target.device_type)
    mask = Masker([job.target.password, job.target.secret, *job.secret_values])
    try:
        s = DeviceSession.open(job.target, driver, mask, known_hosts=known_hosts, timeout=timeout, log=None)
    except SshError as exc:
        return Recovered(ATTENTION, f"cannot reach the device: {mask(first_line(exc))}")
    how: list[str] = []
    try:
        if _timer_pending(driver, s):
            s.command(IOS_TIMER.revert_now, timeout=60)
            how.append(IOS_TIMER.revert_now)
        running = s.read_running()
        bootstrap = bool(job.state.get("bootstrap"))
        undo = restore_lines(driver, running, job.backup_text)
        if bootstrap and archive_on(running) and not archive_on(job.backup_text):
            undo = [line for line in undo if not line.startswith(("archive", " "))] + ["no archive"]
        if undo:
            _send(s, driver, undo, line_timeout)
            how.append(f"{len(undo)} compensating line(s)")
        current = s.read_running()
    except PushFailed as exc:
        return Recovered(ATTENTION, f"rollback interrupted: {exc}")
    finally:
        s.disconnect()
    done = ", then ".join(how) or "nothing (the device was at its backup)"
    if configs_equal(driver, current, job.backup_text):
        return Recovered(ROLLED_BACK, f"rolled back with {done}; running config matches the backup")
    left = restore_lines(driver, current, job.backup_text)
    shown = "; ".join(mask(line.strip()) for line in left[:5])
    return Recovered(ATTENTION, f"tried {done} but the running config still differs from the backup ({shown})")


def _send(s: DeviceSession, driver: PushDriver, lines: list[str], line_timeout: float) -> None:
    if s.prompt:
        s.enter_config()
        try:
            s.send(with_block_exits(lines, driver.block_exit, close=True), line_timeout=line_timeout)
        finally:
            s.exit_config()
    else:
        s.send_legacy(with_block_exits(lines, driver.block_exit), read_timeout=line_timeout, config_command=None)
        s.exit_config()


def _timer_pending(driver: PushDriver, s: DeviceSession) -> bool:
    if driver.revert != "ios_timer":
        return False
    return _PENDING.search(s.command(IOS_TIMER.show)) is not None


def _equal_to_backup(driver: PushDriver, running: str, backup: str, bootstrap: bool) -> bool:
    """Equal to the backup; an archive bootstrap the push added does not count as a difference."""
    if configs_equal(driver, running, backup):
        return True
    if bootstrap and archive_on(running) and not archive_on(backup):
        return configs_equal(driver, _without_archive(running), backup)
    return False


def _without_archive(text: str) -> str:
    out: list[str] = []
    skipping = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith("archive"):
            skipping = True
            continue
        if skipping and line.startswith(" "):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out)
