"""The safe push of one device (:func:`push`) and of several, one at a time (:func:`push_many`).

Each step is written to the push journal before it is taken. The steps:

1. connect (pinned host key; login failure, timeout, refused connection and changed host key told apart);
2. refuse to start while another change is pending on the device (someone's IOS revert timer);
3. read the running configuration, store it as the backup (``push-before``), plan the lines from it (port roles
   need its trunks) and compute the change by meaning;
4. preview (dry run): return the masked change, nothing sent, nothing journaled;
5. prepare the platform's protection (IOS: the archive bootstrap when missing; AOS-CX: a named checkpoint) and
   apply the change under it, one line at a time, the timer kept ahead of the lines;
6. verify from a NEW session (management access survived) by meaning, plus the checks for lines the device never
   shows (``show snmp user``);
7. confirm (timer still pending, then ``configure confirm``) and save; back up again (``push-after``).

Before confirm, any failure (refused line, lost session, failed check, the user's stop) rolls the device back and
checks it equals its backup. After confirm nothing tears the change down: a failure to save leaves the device
"applied, not saved" (outcome ``attention``) for ``config recover`` to finish. Exactly one outcome per device (see
:data:`devices.push.model.OUTCOMES`); an unexpected exception becomes an outcome and an audit record too, never a
traceback for the user.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.config.drivers import PushDriver, driver_for
from devices.errors import CampusNetError
from devices.push.diff import (
    Change,
    compute_change,
    configs_equal,
    extra_commands,
    restore_lines,
    verify_change,
    with_block_exits,
)
from devices.push.model import (
    APPLIED,
    ATTENTION,
    NOT_TRIED,
    PREVIEW,
    ROLLED_BACK,
    UNCHANGED,
    BackupStore,
    Cancelled,
    Journal,
    Masker,
    NullJournal,
    Plan,
    Progress,
    PushFailed,
    PushJob,
    PushResult,
    PushTarget,
    SessionLost,
    first_line,
    redact,
)
from devices.push.session import DeviceSession
from devices.push.strategies import Strategy, strategy_for
from devices.ssh import SshError

log = logging.getLogger(__name__)


@dataclass
class Options:
    """How one push runs (see :func:`push` for the meaning of each)."""

    dry_run: bool
    known_hosts: Path
    backups: BackupStore
    journal: Journal = field(default_factory=NullJournal)
    progress: Progress = lambda _text: None
    cancelled: Callable[[], bool] = lambda: False
    log_dir: Path | None = None
    revert_minutes: int | None = None
    seconds_per_minute: float = 60.0
    timeout: float = 10.0
    read_timeout: float = 30.0
    line_timeout: float = 300.0
    settle_s: float | None = None
    template: str = ""
    profile_hash: str = ""


class PushRun:
    """One push to one device: the state machine, its sessions, figures and journal entry."""

    def __init__(self, job: PushJob, opts: Options) -> None:
        self.job = job
        self.target = job.target
        self.opts = opts
        self.driver: PushDriver = driver_for(job.target.device_type)
        self.plan = Plan(job.lines, job.masked_lines, job.secret_values)
        self.mask = Masker([job.target.password, job.target.secret, *job.secret_values])
        self.log = _log_path(opts.log_dir, job.target.name)
        self.strategy: Strategy = strategy_for(self)
        self.entry = 0
        self.backup_text = ""
        self.backup_id: int | None = None
        self.change = Change([], [])
        self.send_lines: list[str] = []
        self.checks: list[str] = []
        self.extra_notes: list[str] = []  # what the push found out while planning (WLAN restarts)
        self.after_text = ""
        self.sent = 0  # configuration lines the device has taken (the bootstrap not counted)
        self.written = 0  # configuration lines written to the device, answered or not
        self.bootstrapped = False
        self.confirmed = False
        self.confirm_sent = False  # the confirm command went out (its answer may never come)
        self.abandoned = False  # a line never came back: it may still land after the rollback
        self.per_line = 0.05  # seconds a line takes, measured (EWMA)
        self.reserve = 10.0  # seconds verification and confirm take, measured from the first session
        self._control: DeviceSession | None = None

    # -- sessions and small helpers ----------------------------------------------------------------------------

    def connect(self) -> DeviceSession:
        """A new session (pinned host key, masked session log)."""
        return DeviceSession.open(
            self.target,
            self.driver,
            self.mask,
            known_hosts=self.opts.known_hosts,
            timeout=self.opts.timeout,
            log=self.log,
        )

    def control(self) -> DeviceSession:
        """A second session for timer work while the first one is busy with lines (opened once)."""
        if self._control is None:
            try:
                self._control = self.connect()
            except SshError as exc:
                raise SessionLost(f"cannot open a second session to extend the revert timer: {exc}") from exc
        return self._control

    def say(self, text: str) -> None:
        """Progress for the user, prefixed with the device name."""
        self.opts.progress(f"{self.target.name}: {self.mask(text)}")

    def answer(self, output: str) -> str:
        """A device answer on one line, masked."""
        return self.mask(" ".join(output.split())) or "no answer"

    def journal_step(self, step: str, **detail: Any) -> None:
        """Record a step before it is taken."""
        if self.entry:
            self.opts.journal.step(self.entry, step, **detail)

    def time_needed(self, lines: int) -> float:
        """Seconds the protection must last for ``lines`` more lines, verification and confirm (with margin)."""
        return lines * self.per_line * 2 + self.reserve

    def wait_and_read(self, wait: float, how: str) -> tuple[str, str | None]:
        """Wait ``wait`` seconds (a device timer), then read the running configuration from a new session."""
        time.sleep(max(0.0, wait))
        deadline = time.monotonic() + max(10.0, self.opts.timeout * 3)
        while True:
            try:
                s = self.connect()
                try:
                    return how, s.read_running()
                finally:
                    s.disconnect()
            except (SshError, PushFailed) as exc:
                if time.monotonic() > deadline:
                    return f"{how}; still unreachable, cannot check: {self.mask(first_line(exc))}", None
                time.sleep(1)

    # -- the workflow -------------------------------------------------------------------------------------------

    def run(self) -> PushResult:
        """The whole workflow; never raises for the device's or the user's trouble, nor for a bug (it becomes an
        outcome and an audit record)."""
        if self.opts.cancelled():
            return self.result(NOT_TRIED, "not tried: stopped before connecting; nothing sent")
        if not self.opts.dry_run:
            self.entry = self.opts.journal.begin(
                self.target.device_id, self.target.name, self.opts.template, self.opts.profile_hash, self.strategy.name
            )
        try:
            return self._run()
        except Exception as exc:  # a bug: an outcome, not a traceback
            log.exception("push to %s failed unexpectedly", self.target.name)
            return self._unexpected(exc)
        finally:
            if self._control is not None:
                self._control.disconnect()

    def _run(self) -> PushResult:
        self.say("connecting")
        self.journal_step("connect")
        started = time.monotonic()
        try:
            s = self.connect()
        except CampusNetError as exc:
            return self.settle(NOT_TRIED, f"not connected, nothing changed: {self.mask(str(exc))}")
        try:
            return self._with_session(s, started)
        finally:
            s.disconnect()

    def _with_session(self, s: DeviceSession, started: float) -> PushResult:
        try:
            busy = self.strategy.busy(s)
            if busy:
                return self.settle(NOT_TRIED, f"{busy}; nothing sent")
            self.journal_step("backup")
            self.backup_text = s.read_running()
        except PushFailed as exc:
            return self.settle(NOT_TRIED, f"{exc}; nothing sent")
        self.reserve = max(5.0, 4 * (time.monotonic() - started))
        self.backup_id = self.opts.backups.save_backup(self.target.device_id, self.backup_text, "push-before")
        try:
            self._plan(s)
        except PushFailed as exc:
            return self.settle(NOT_TRIED, f"{exc}; nothing sent")
        except CampusNetError as exc:
            return self.settle(NOT_TRIED, f"cannot plan the change: {self.mask(str(exc))}; nothing sent")
        if not self.change.lines:
            return self._unchanged(s)
        if self.opts.dry_run:
            n = len(self.change.lines)
            return self.result(PREVIEW, f"preview: {n} line(s) would be sent; nothing sent")
        if self.opts.cancelled():
            return self.settle(NOT_TRIED, "not tried: stopped before applying; nothing sent")
        self.journal_step(
            "plan",
            backup_id=self.backup_id,
            intent={"lines": list(self.plan.lines), "secrets": list(self.mask.values)},
            change=self.masked_change(),
            sent=0,
        )
        return self._apply_and_commit(s)

    def _unchanged(self, s: DeviceSession) -> PushResult:
        """Nothing to send. Where the saved configuration can be read and lacks the intent (a change confirmed but
        never saved), save it: the device would lose it on a restart."""
        message = "already configured as intended: nothing sent"
        try:
            startup = s.read_startup()
            lines = [line for line in self.plan.lines if line.strip()]
            if (
                startup is not None
                and verify_change(self.driver, startup, lines, list(self.mask.values), self.job.facts).missing
            ):
                if self.opts.dry_run:
                    return self.result(PREVIEW, "preview: nothing to send, but the running configuration is not saved")
                self._save_on(s)
                message += "; the running configuration held it but was not saved: saved now"
        except PushFailed as exc:
            return self.settle(ATTENTION, f"already configured, but saving failed: {exc}", holds=True, saved=False)
        if self.opts.dry_run:
            return self.result(UNCHANGED, message)
        return self.settle(UNCHANGED, message, holds=True, saved=True)

    def _plan(self, s: DeviceSession) -> None:
        """Render from the running configuration (where the job can), compute the change (asking the device what
        its running configuration does not show, such as SNMPv3 users) and the checks for the user."""
        if self.job.restore is not None:
            lines = restore_lines(self.driver, self.backup_text, self.job.restore)
            self.plan = Plan(lines, [redact(line) for line in lines])
            self.change = Change(lines, [])
            self.checks = ["the running configuration must equal the backup restored"]
            self.send_lines = with_block_exits(lines, self.driver.block_exit, close=bool(self._line_by_line()))
            return
        if self.job.replan is not None:
            self.plan = self.job.replan(self.backup_text)
            self.mask = Masker([self.target.password, self.target.secret, *self.plan.secret_values])
        lines = self.intended()
        secrets = list(self.mask.values)
        shown = self.extra_answers(s, self.backup_text)
        self.change = compute_change(self.driver, self.backup_text, lines, secrets, self.job.facts, shown)
        self._wlan_restarts()
        verification = verify_change(self.driver, self.backup_text, lines, secrets, self.job.facts)
        self.checks = [f"checked with '{c.command}': {len(c.lines)} line(s)" for c in verification.extra_checks]
        self.checks += [f"not verifiable: {self.mask(line)}" for line in verification.unverifiable]
        self.send_lines = with_block_exits(self.change.lines, self.driver.block_exit, close=bool(self._line_by_line()))

    def _wlan_restarts(self) -> None:
        """AireOS refuses security changes on an enabled WLAN: disable and re-enable it around them, with the user's
        consent only (its clients drop); a preview says which WLANs that would be."""
        if self.driver.folder != "cisco_wlc" or not self.change.lines:
            return
        from devices.config import aireos

        words = aireos.restart_words(self.change.lines, self.backup_text)
        self.extra_notes += words
        if self.opts.dry_run:
            if words and not self.job.allow_restarts:
                self.extra_notes.append("pushing this needs the consent to restart those WLANs (--allow-wlan-restart)")
            return
        lines = aireos.wrap_wlan_restarts(self.change.lines, self.backup_text, allow=self.job.allow_restarts)
        self.change = Change(lines, self.change.rollback)

    def intended(self) -> list[str]:
        """The plan's lines, blank ones left out."""
        return [line for line in self.plan.lines if line.strip()]

    def extra_answers(self, s: DeviceSession, running: str) -> dict[str, str]:
        """The device's answers to the commands that show what its running configuration cannot."""
        secrets = list(self.mask.values)
        commands = extra_commands(self.driver, running, self.intended(), secrets, self.job.facts)
        return {command: s.command(command) for command in commands}

    def _line_by_line(self) -> str | None:
        return self.driver.prompt or ("cisco" if self.driver.prompt_from_base else None)

    def _apply_and_commit(self, s: DeviceSession) -> PushResult:
        try:
            self.strategy.prepare(s)
            self.strategy.start(s)
            self.say(f"applying {len(self.change.lines)} line(s)")
            self._apply(s)
            self.say("verifying from a new session")
            self.strategy.keep_ahead(self.reserve)
            self._verify_and_confirm()
        except PushFailed as exc:
            if self.confirmed:
                return self._after_confirm(str(exc))
            if self.confirm_sent:
                return self._confirm_unknown(str(exc))
            return self.roll_back(str(exc))
        return self._save()

    def _confirm_unknown(self, reason: str) -> PushResult:
        """The confirm was sent but its answer never came: look from a new session. Confirmed (no timer pending,
        the change in place): save it. Still pending: confirm again (it was verified). The timer fired: the device
        is back at its backup (checked)."""
        self.say(f"{reason}: was the change confirmed? looking from a new session")
        try:
            v = self.connect()
        except SshError as exc:
            return self.settle(
                ATTENTION,
                f"{reason}; the confirm was sent but the device cannot be reached to see whether it took: "
                f"{self.mask(first_line(exc))}. {self._what_to_do()}",
            )
        try:
            if self.strategy.pending(v):
                self.strategy.confirm(v)
            running = v.read_running()
            lines = [line for line in self.plan.lines if line.strip()]
            if verify_change(self.driver, running, lines, list(self.mask.values), self.job.facts).missing:
                v.disconnect()
                return self.roll_back(f"{reason}; the revert timer fired before the confirm")
            self.confirmed = True
            self.journal_step("confirmed")
            self._save_on(v)
            self.strategy.cleanup(v)
        except PushFailed as exc:
            if self.confirmed:
                return self._after_confirm(str(exc))
            return self.roll_back(f"{reason}; then {exc}")
        finally:
            v.disconnect()
        return self._save()

    def _apply(self, s: DeviceSession) -> None:
        """Send the change; the timer is kept ahead of the lines (measured per line) and of a slow one."""
        total = len(self.send_lines)

        def done(index: int, seconds: float) -> None:
            self.sent = index + 1
            self.per_line = seconds if self.sent == 1 else 0.7 * self.per_line + 0.3 * max(seconds, 0.001)
            if self.sent % 20 == 0:
                self.journal_step("send", sent=self.sent)
            self.strategy.keep_ahead(self.time_needed(total - self.sent))

        def waiting(elapsed: float) -> None:
            self.strategy.keep_ahead(max(self.reserve, 2 * elapsed) + self.time_needed(total - self.sent))

        self.journal_step("send", sent=0)
        try:
            if self._line_by_line():
                s.send(
                    self.send_lines,
                    line_timeout=self.opts.line_timeout,
                    cancelled=self.opts.cancelled,
                    waiting=waiting,
                    done=done,
                )
            else:
                s.send_legacy(self.send_lines, read_timeout=self.opts.read_timeout, config_command=None)
                self.sent = total
        except SessionLost as exc:
            self.abandoned = "no answer" in str(exc)
            s.abort()  # a hung or dead session: typing 'end' into it would only wait on the line again
            raise
        finally:
            self.written = s.written
            if s.alive():
                s.exit_config()
        self.journal_step("sent", sent=self.sent)

    def _verify_and_confirm(self) -> None:
        """From a new session: the change by meaning and the extra checks, then confirm."""
        self.journal_step("verify")
        try:
            v = self.connect()
        except SshError as exc:
            raise PushFailed(f"management access lost after applying: {self.mask(str(exc))}") from exc
        try:
            running = v.read_running()
            if self.job.restore is not None:
                self._verify_restored(running)
            else:
                self._verify_intended(v, running)
            if self.opts.cancelled():
                raise Cancelled("stopped on request before confirming")
            self.strategy.confirm(v)
            self.confirmed = True
            self.journal_step("confirmed")
            self._save_on(v)
            self.strategy.cleanup(v)
        finally:
            v.disconnect()

    def _verify_intended(self, v: DeviceSession, running: str) -> None:
        """Every intended line there by meaning, the ones the running configuration never shows included."""
        lines, secrets = self.intended(), list(self.mask.values)
        answers = self.extra_answers(v, running)
        verification = verify_change(self.driver, running, lines, secrets, self.job.facts, answers)
        if verification.missing:
            shown = "; ".join(self.mask(line.strip()) for line in verification.missing[:5])
            raise PushFailed(f"verify failed: {len(verification.missing)} line(s) not on the device ({shown})")

    def _verify_restored(self, running: str) -> None:
        """A restore is verified when the device equals the backup it was brought back to."""
        assert self.job.restore is not None
        if configs_equal(self.driver, running, self.job.restore):
            return
        left = restore_lines(self.driver, running, self.job.restore)
        shown = "; ".join(redact(self.mask(line.strip())) for line in left[:5])
        raise PushFailed(f"verify failed: the running config still differs from the backup restored ({shown})")

    def _save_on(self, v: DeviceSession) -> None:
        """The platform's save command, its answer checked; then the new backup text."""
        save = self.driver.save
        if save is not None:
            self.journal_step("save")
            self.say(f"saving ({save.command})")
            out = v.save()
            if re.search(self.driver.error_pattern, out):
                raise PushFailed(f"saving with '{save.command}' failed: {self.answer(out)}")
        self.after_text = v.read_running()

    def _save(self) -> PushResult:
        after = self.opts.backups.save_backup(self.target.device_id, self.after_text, "push-after")
        n = len(self.change.lines)
        result = self.settle(APPLIED, f"applied {n} line(s), verified, confirmed and saved", holds=True, saved=True)
        result.backup_after = after
        return result

    def _after_confirm(self, reason: str) -> PushResult:
        """A failure after the change was confirmed: it stays (never torn down). The save may still have landed
        (its answer lost): look from a new session before saying it is not saved."""
        if self._saved_after_all():
            self.say(f"{reason}; the device did save the change")
            return self._save()
        self.journal_step("unsaved", reason=reason)
        return self.settle(
            ATTENTION,
            f"applied and confirmed, NOT saved: {reason}. The device runs the new configuration but would lose it "
            f"on a restart: run 'config recover {self.target.name} --finish' (or save it on the device)",
            holds=True,
            saved=False,
        )

    def _saved_after_all(self) -> bool:
        """True when a new session shows the saved configuration equal to the running one (which holds the change);
        then ``after_text`` is set for the push-after backup."""
        try:
            v = self.connect()
        except SshError:
            return False
        try:
            running, startup = v.read_running(), v.read_startup()
        except PushFailed:
            return False
        finally:
            v.disconnect()
        if startup is None or not configs_equal(self.driver, startup, running):
            return False
        self.after_text = running
        return True

    # -- rollback -----------------------------------------------------------------------------------------------

    def roll_back(self, reason: str) -> PushResult:
        """Undo the change, then check the running configuration equals the backup; audit and report."""
        if self.written == 0 and not self.bootstrapped:
            how = self.strategy.abandon()
            return self.settle(NOT_TRIED, f"{reason}; nothing sent" + (f" ({how})" if how else ""))
        self.say(f"rolling back: {reason}")
        self.journal_step("rollback", reason=reason)
        how, current = self.strategy.undo()
        if (
            current is not None
            and self.strategy.protected
            and not configs_equal(self.driver, current, self.backup_text)
        ):
            more, current = self.strategy.compensate()
            how = f"{how}, then {more}"
        if current is not None and self.abandoned:
            how, current = self._settle_late_line(how, current)
        if current is None:
            return self.settle(ATTENTION, f"{reason}; {how}. {self._what_to_do()}", rollback=how)
        if configs_equal(self.driver, current, self.backup_text):
            msg = f"{reason}; rolled back with {how}; running config matches the backup"
            return self.settle(ROLLED_BACK, msg, rollback=how)
        differs = restore_lines(self.driver, current, self.backup_text)
        shown = "; ".join(self.mask(line.strip()) for line in differs[:5])
        msg = f"{reason}; tried {how} but the running config still differs from the backup ({shown})"
        msg += f". {self._what_to_do()}"
        return self.settle(ATTENTION, msg, rollback=how)

    def _settle_late_line(self, how: str, current: str) -> tuple[str, str | None]:
        """A line that never answered may still land after the rollback: watch, and undo it if it does."""
        settle = self.opts.settle_s if self.opts.settle_s is not None else min(self.opts.line_timeout, 120.0)
        self.say(f"watching {settle:.0f} s for the unanswered line to land late")
        deadline = time.monotonic() + settle
        while time.monotonic() < deadline:
            time.sleep(min(2.0, max(0.2, settle / 10)))
            try:
                s = self.connect()
                try:
                    now = s.read_running()
                finally:
                    s.disconnect()
            except (SshError, PushFailed):
                continue
            if not configs_equal(self.driver, now, current):
                self.say("the unanswered line landed after the rollback: undoing it")
                more, latest = self.strategy.compensate()
                return f"{how}, then (the late line landed) {more}", latest
        return how, current

    def _what_to_do(self) -> str:
        return (
            f"Check {self.target.name}, then run 'config recover {self.target.name}' to see its state and finish or "
            "roll back"
        )

    def _unexpected(self, exc: BaseException) -> PushResult:
        reason = f"internal error ({type(exc).__name__}: {self.mask(first_line(exc))})"
        if self.confirmed:
            return self._after_confirm(reason)
        if self.sent or self.bootstrapped:
            try:
                return self.roll_back(reason)
            except Exception:
                log.exception("rollback after an internal error failed")
                return self.settle(ATTENTION, f"{reason}; the rollback failed too. {self._what_to_do()}")
        return self.settle(NOT_TRIED, f"{reason}; nothing sent")

    # -- results ------------------------------------------------------------------------------------------------

    def masked_change(self) -> list[str]:
        """The change as shown: the renderer's masked form where known, every secret masked."""
        masked = {line.strip(): m.strip() for line, m in zip(self.plan.lines, self.plan.masked_lines, strict=False)}
        out = []
        for line in self.change.lines:
            known = masked.get(line.strip())
            out.append(line[: len(line) - len(line.lstrip())] + known if known else self.mask(line))
        if self.job.restore is not None:  # lines from a backup: their secrets are not known by value
            out = [redact(line) for line in out]
        return [self.mask(line) for line in out]

    def result(self, status: str, message: str, rollback: str = "") -> PushResult:
        """A result with masked texts."""
        return PushResult(
            device=self.target.name,
            status=status,
            message=self.mask(message),
            change=self.masked_change(),
            rollback_plan=[self.mask(line) for line in self.change.rollback],
            rollback=self.mask(rollback),
            backup_before=self.backup_id,
            session_log=self.log,
            notes=[*self.plan.notes, *self.extra_notes],
            roles=list(self.plan.roles),
            checks=list(self.checks),
        )

    def settle(
        self, status: str, message: str, rollback: str = "", *, holds: bool = False, saved: bool | None = False
    ) -> PushResult:
        """The end of a push: audit record, journal entry closed (left open for ``attention``), the result."""
        result = self.result(status, message, rollback)
        result.holds_change = holds
        result.saved = bool(saved) if saved is not None else holds
        self.opts.backups.record_audit(
            device_id=self.target.device_id,
            device_name=self.target.name,
            template=self.opts.template,
            profile_hash=self.opts.profile_hash,
            diff_masked=result.diff,
            result=status,
            rollback=result.rollback,
            detail=result.message,
        )
        if self.entry:
            if status == ATTENTION:
                self.opts.journal.step(self.entry, "attention", message=result.message)
            else:
                self.opts.journal.finish(self.entry, status, result.message)
        return result


def push(
    target: PushTarget,
    lines: Sequence[str],
    masked_lines: Sequence[str],
    secret_values: Sequence[str],
    *,
    dry_run: bool,
    known_hosts: Path,
    backup_store: BackupStore,
    journal: Journal | None = None,
    progress: Progress = lambda _text: None,
    cancelled: Callable[[], bool] = lambda: False,
    log_dir: Path | None = None,
    revert_minutes: int | None = None,
    seconds_per_minute: float = 60.0,
    timeout: float = 10,
    read_timeout: float = 30,
    line_timeout: float = 300,
    settle_s: float | None = None,
    template: str = "",
    profile_hash: str = "",
    replan: Callable[[str], Plan] | None = None,
    facts: Any = None,
) -> PushResult:
    """Push ``lines`` to one device safely (see the module docstring) and say what happened.

    ``masked_lines`` are the same lines with secrets masked; ``secret_values`` are masked everywhere, as are the
    SSH password and enable secret. ``seconds_per_minute`` is how long a device "minute" lasts (60 on real gear;
    emulators run faster): timers are sized in device minutes from measured seconds. ``revert_minutes`` fixes the
    first timer instead of sizing it. ``timeout`` bounds connecting, ``read_timeout`` each exec answer,
    ``line_timeout`` the answer to one configuration line (the timer is extended meanwhile), ``settle_s`` how long to
    watch for an unanswered line landing after a rollback. ``journal`` records each step before it is taken.
    ``replan`` renders the lines again from the running configuration read at the start.
    """
    if len(masked_lines) != len(lines):
        raise ValueError("masked_lines must line up with lines")
    job = PushJob(target, lines, masked_lines, secret_values, template, profile_hash, replan, facts)
    return run_job(
        job,
        dry_run=dry_run,
        known_hosts=known_hosts,
        backup_store=backup_store,
        journal=journal,
        progress=progress,
        cancelled=cancelled,
        log_dir=log_dir,
        revert_minutes=revert_minutes,
        seconds_per_minute=seconds_per_minute,
        timeout=timeout,
        read_timeout=read_timeout,
        line_timeout=line_timeout,
        settle_s=settle_s,
    )


def run_job(job: PushJob, *, backup_store: BackupStore, journal: Journal | None = None, **kwargs: Any) -> PushResult:
    """Push one :class:`PushJob` (options as :func:`push`)."""
    opts = Options(
        backups=backup_store,
        journal=journal or NullJournal(),
        template=job.template,
        profile_hash=job.profile_hash,
        **kwargs,
    )
    return PushRun(job, opts).run()


def push_many(
    jobs: Sequence[PushJob],
    *,
    stop_on_first_failure: bool = True,
    progress: Progress = lambda _text: None,
    cancelled: Callable[[], bool] = lambda: False,
    **kwargs: Any,
) -> list[PushResult]:
    """Push to several devices one at a time; stop after the first device that did not end applied or unchanged
    (unless told otherwise). Devices after a stop are ``not-tried`` with the reason."""
    results: list[PushResult] = []
    stop_reason = ""
    for index, job in enumerate(jobs, start=1):
        if not stop_reason and cancelled():
            stop_reason = "stopped on request"
        if stop_reason:
            results.append(PushResult(job.target.name, NOT_TRIED, f"not tried: {stop_reason}"))
            continue
        progress(f"device {index} of {len(jobs)}: {job.target.name}")
        result = run_job(job, progress=progress, cancelled=cancelled, **kwargs)
        results.append(result)
        if cancelled():
            stop_reason = "stopped on request"
        elif not result.ok and stop_on_first_failure:
            stop_reason = f"stopped after {job.target.name} ({_WORDS.get(result.status, result.status)})"
    return results


_WORDS = {
    APPLIED: "applied and saved",
    ROLLED_BACK: "rolled back",
    UNCHANGED: "unchanged",
    NOT_TRIED: "not tried",
    ATTENTION: "needs attention",
    PREVIEW: "preview",
}


def summarize(results: Sequence[PushResult]) -> list[str]:
    """Which devices now hold the new configuration (saved or not), which were rolled back, not tried, or need
    attention: one line per group, for the end of a multi-device run."""
    groups = [
        ("hold the new configuration, saved", [r for r in results if r.holds_change and r.saved]),
        ("hold the new configuration, NOT saved", [r for r in results if r.holds_change and not r.saved]),
        ("rolled back to their backup", [r for r in results if r.status == ROLLED_BACK]),
        ("need attention", [r for r in results if r.status == ATTENTION and not r.holds_change]),
        ("not tried", [r for r in results if r.status == NOT_TRIED]),
        ("previewed, nothing sent", [r for r in results if r.status == PREVIEW]),
    ]
    return [f"{label}: {', '.join(r.device for r in members)}" for label, members in groups if members]


def read_running_config(target: PushTarget, *, known_hosts: Path, timeout: float = 10) -> str:
    """The device's running configuration, read over SSH (pinned host key), for a backup."""
    driver = driver_for(target.device_type)
    s = DeviceSession.open(
        target, driver, Masker([target.password, target.secret]), known_hosts=known_hosts, timeout=timeout, log=None
    )
    try:
        pending = strategy_for_driver(driver).busy(s)
        if pending:
            raise ChangePending(f"{target.name}: {pending}; not backed up until it is confirmed or reverted")
        return s.read_running()
    except PushFailed as exc:
        raise SshError(f"cannot read the running configuration of {target.name}: {exc}") from exc
    finally:
        s.disconnect()


class ChangePending(CampusNetError):
    """A change is pending on the device (a revert timer runs): its configuration is not a backup now."""


def strategy_for_driver(driver: PushDriver) -> Strategy:
    """The platform's strategy outside a push (for its read-only checks, such as a pending timer)."""
    from devices.push.strategies import STRATEGIES

    return STRATEGIES.get(driver.revert, Strategy)(None)  # type: ignore[arg-type]


def _log_path(log_dir: Path | None, name: str) -> Path | None:
    if log_dir is None:
        return None
    safe = re.sub(r"[^\w.-]+", "_", name) or "device"
    return log_dir / f"{safe}-{time.strftime('%Y%m%d-%H%M%S')}.log"
