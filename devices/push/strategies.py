"""How each platform protects a change while it is applied, makes it permanent, and undoes it: one class per
mechanism, chosen by the driver's ``revert`` (:func:`strategy_for`).

- :class:`IosRevertTimer` — Cisco IOS/IOS-XE "Rollback Confirmed Change": ``configure terminal revert timer N``
  arms a device-side timer that restores the configuration by itself unless ``configure confirm`` comes in time.
  It needs the configuration archive (``archive`` / `` path ...``): a factory switch has none, so a small bootstrap
  is sent first as its own step (and taken away again if the push is rolled back). The timer is sized from the
  measured time per line with a margin and pushed ahead (``configure revert timer N`` from a second session) while
  lines are still going; before ``configure confirm`` the timer must still be pending.
- :class:`AoscxCheckpoint` — Aruba AOS-CX ``checkpoint auto N`` with a named checkpoint of the backup to roll back
  to (``checkpoint rollback``), confirmed with ``checkpoint auto confirm``.
- :class:`Compensate` — everything else: no device-side timer; a rollback sends the lines that lead from the current
  configuration back to the backup.

Every strategy is driven by :class:`devices.push.engine.PushRun`, which owns the sessions, the journal and the
timing figures.
"""

from __future__ import annotations

import functools
import math
import re
import time
from typing import Any, Protocol

from devices.config.drivers import AOSCX_CHECKPOINT, IOS_TIMER, PushDriver
from devices.push.diff import configs_equal, restore_lines, with_block_exits
from devices.push.model import LineRefused, Masker, PushFailed, first_line
from devices.push.session import DeviceSession
from devices.ssh import SshError


class PushRun(Protocol):
    """What a strategy uses of the push it serves (:class:`devices.push.engine.PushRun`)."""

    driver: PushDriver
    opts: Any  # devices.push.engine.Options: line_timeout, read_timeout, revert_minutes, seconds_per_minute
    mask: Masker
    backup_text: str
    send_lines: list[str]
    bootstrapped: bool
    confirmed: bool
    confirm_sent: bool

    def connect(self) -> DeviceSession:
        """A new session."""
        ...

    def control(self) -> DeviceSession:
        """The second session for timer work."""
        ...

    def say(self, text: str) -> None:
        """Progress for the user."""
        ...

    def answer(self, output: str) -> str:
        """A device answer on one line, masked."""
        ...

    def journal_step(self, step: str, **detail: Any) -> None:
        """Record a step before it is taken."""
        ...

    def time_needed(self, lines: int) -> float:
        """Seconds the protection must last for ``lines`` more lines and the checks."""
        ...

    def wait_and_read(self, wait: float, how: str) -> tuple[str, str | None]:
        """Wait for a device timer, then read the running configuration."""
        ...


NO_ROLLBACK = "No Rollback Confirmed Change pending"
# The archive a factory IOS switch lacks and the revert timer needs (Cisco "Configuration Replace and Configuration
# Rollback": 'archive', 'path <url>', 'maximum <1-14>'). Three files are enough: each armed timer writes one.
IOS_BOOTSTRAP = ("archive", " path flash:campusnet", " maximum 3")
_PENDING = re.compile(r"Timer value\s*:\s*(\d+)\s*min", re.I)


class TimerFired(PushFailed):
    """The device's own revert (or auto checkpoint) timer ran out before the change was confirmed."""


class Strategy:
    """No device-side protection: the change is undone with compensating lines (the base for the others)."""

    name = "compensate"
    protected = False  # a device-side timer guards the change while it is applied

    def __init__(self, run: PushRun) -> None:
        self.run = run

    def busy(self, s: DeviceSession) -> str | None:
        """Another change already pending on the device (someone else's revert timer), or None."""
        return None

    def prepare(self, s: DeviceSession) -> None:
        """What must be in place before the protected change starts (may send lines: the IOS bootstrap)."""

    def start(self, s: DeviceSession) -> None:
        """Enter configuration mode (under the device's timer where there is one)."""
        s.enter_config()

    def keep_ahead(self, need_s: float) -> None:
        """Make sure the protection still holds ``need_s`` seconds from now (extend a timer if needed)."""

    def confirm(self, s: DeviceSession) -> None:
        """Make the change permanent in the running configuration (before saving); TimerFired if it is gone."""

    def pending(self, s: DeviceSession) -> bool:
        """Whether the device still waits for a confirm (a timer or auto checkpoint running)."""
        return False

    def cleanup(self, s: DeviceSession) -> None:
        """After a confirmed change: remove what the push left behind (a named checkpoint)."""

    def abandon(self) -> str:
        """Undo the protection when no configuration line was sent (the change never started); says what it did."""
        return ""

    def undo(self) -> tuple[str, str | None]:
        """Roll back (before confirm): how it was done, and the running configuration read afterwards (None when
        it could not be read)."""
        return self.compensate()

    def compensate(self) -> tuple[str, str | None]:
        """Send the lines that lead from the current configuration back to the backup, then read it again."""
        run = self.run
        try:
            s = run.connect()
        except SshError as exc:
            return f"no rollback possible: device unreachable ({run.mask(first_line(exc))})", None
        try:
            undo = restore_lines(run.driver, s.read_running(), run.backup_text)
            refused: list[str] = []
            if undo and not run.driver.config_mode:
                for line in undo:  # one at a time: a delete asks "(y/n)" on AireOS
                    _quietly(functools.partial(_answer_yes, s.conn, line, run.opts.read_timeout))
            elif undo and s.prompt:
                refused = self._send_undo(s, undo)
            elif undo:
                lines = with_block_exits(undo, run.driver.block_exit)
                _quietly(
                    lambda: s.conn.send_config_set(
                        lines, enter_config_mode=True, read_timeout=run.opts.read_timeout, cmd_verify=True
                    )
                )
                s.exit_config()
            how = f"{len(undo)} compensating line(s)" if undo else "nothing (no line had been applied)"
            if refused:
                how += f" ({len(refused)} refused: {'; '.join(run.mask(r) for r in refused[:3])})"
            return how, s.read_running()
        except PushFailed as exc:
            return f"rollback interrupted: {exc}", None
        finally:
            s.disconnect()

    def _send_undo(self, s: DeviceSession, undo: list[str]) -> list[str]:
        """Compensating lines one at a time; a refused one is noted and the rest still go."""
        run = self.run
        refused: list[str] = []
        s.enter_config()
        try:
            for line in with_block_exits(undo, run.driver.block_exit, close=True):
                try:
                    s.send([line], line_timeout=run.opts.line_timeout)
                except LineRefused as exc:
                    refused.append(str(exc))
        finally:
            s.exit_config()
        return refused


class IosRevertTimer(Strategy):
    """Cisco IOS "Rollback Confirmed Change" (see the module notes)."""

    name = "ios_timer"
    protected = True

    def __init__(self, run: PushRun) -> None:
        super().__init__(run)
        self.minutes = 0
        self.armed_at = 0.0  # time.monotonic() when the timer was (re)started
        self.fired = False

    def busy(self, s: DeviceSession) -> str | None:
        """``show archive config rollback timer``: a pending timer is someone's change in progress."""
        out = s.command(IOS_TIMER.show)
        pending = _PENDING.search(out)
        if pending is None:
            return None
        user = re.search(r"User\s*:\s*(\S+)", out)
        by = f" by {user.group(1)}" if user else ""
        return (
            f"a revert timer ({pending.group(1)} min{by}) is already running on the device: another change is in "
            "progress there; confirm or revert it first"
        )

    def prepare(self, s: DeviceSession) -> None:
        """The archive bootstrap, when the running configuration has no ``archive`` with a ``path``."""
        run = self.run
        if archive_on(run.backup_text):
            return
        run.journal_step("bootstrap", bootstrap=list(IOS_BOOTSTRAP))
        run.bootstrapped = True  # from here on, a rollback also takes the bootstrap away
        run.say(
            "adding the configuration archive the revert timer needs: " + "; ".join(x.strip() for x in IOS_BOOTSTRAP)
        )
        s.enter_config()
        try:
            s.send(with_block_exits(IOS_BOOTSTRAP, run.driver.block_exit), line_timeout=run.opts.line_timeout)
        finally:
            s.exit_config()
        if not archive_on(s.command("show running-config | section ^archive")):
            raise PushFailed("the configuration archive was not taken (no 'archive' with a 'path' afterwards)")

    def start(self, s: DeviceSession) -> None:
        """Arm the timer (sized from the measured time per line) and enter configuration mode under it."""
        run = self.run
        need = run.time_needed(len(run.send_lines))
        self.minutes = run.opts.revert_minutes or _minutes(need, run.opts.seconds_per_minute)
        run.journal_step("arm", minutes=self.minutes, armed_at=time.time())
        run.say(f"starting the revert timer ({self.minutes} min)")
        self.armed_at = time.monotonic()
        s.enter_config(IOS_TIMER.enter.format(minutes=self.minutes))

    def remaining(self) -> float:
        """Seconds until the timer fires (by our clock)."""
        return self.armed_at + self.minutes * self.run.opts.seconds_per_minute - time.monotonic()

    def keep_ahead(self, need_s: float) -> None:
        """``configure revert timer N`` from a second session when the timer would fire within ``need_s``."""
        run = self.run
        if not self.armed_at or run.confirmed or self.remaining() >= need_s:
            return
        minutes = _minutes(need_s * 1.5, run.opts.seconds_per_minute)
        run.journal_step("extend", minutes=minutes, armed_at=time.time())
        run.say(f"extending the revert timer to {minutes} min (lines are slower than planned)")
        control = run.control()
        out = control.command(IOS_TIMER.reset.format(minutes=minutes))
        if NO_ROLLBACK in out:
            self.fired = True
            raise TimerFired("the revert timer ran out while lines were still being sent")
        self.armed_at, self.minutes = time.monotonic(), minutes

    def pending(self, s: DeviceSession) -> bool:
        """``show archive config rollback timer`` shows a timer."""
        return _PENDING.search(s.command(IOS_TIMER.show)) is not None

    def confirm(self, s: DeviceSession) -> None:
        """Still pending? then ``configure confirm``; TimerFired when the timer got there first."""
        run = self.run
        if not self.pending(s):
            self.fired = True
            raise TimerFired("the revert timer ran out before the change could be confirmed")
        run.journal_step("confirm")
        run.say("confirming (configure confirm)")
        run.confirm_sent = True
        out = s.command(IOS_TIMER.confirm)
        if NO_ROLLBACK in out:
            self.fired = True
            raise TimerFired("the revert timer ran out just before 'configure confirm'")
        if re.search(run.driver.error_pattern, out):
            raise PushFailed(f"'configure confirm' refused: {run.mask(first_line(out))}")

    def abandon(self) -> str:
        """A timer armed with nothing sent: ``configure revert now`` ends it (the configuration is unchanged)."""
        if not self.armed_at:
            return ""
        try:
            s = self.run.connect()
        except SshError:
            return "the armed revert timer will end by itself"
        try:
            s.command(IOS_TIMER.revert_now)
            self.armed_at = 0.0
            return f"'{IOS_TIMER.revert_now}' ended the armed timer"
        except PushFailed:
            return "the armed revert timer will end by itself"
        finally:
            s.disconnect()

    def undo(self) -> tuple[str, str | None]:
        """``configure revert now`` from a new session (or the timer, when the device cannot be reached), then the
        bootstrap taken away."""
        run = self.run
        if not self.armed_at:  # the timer never started: only the bootstrap (if any) to undo
            return self._unbootstrap("nothing to revert (the revert timer had not started)")
        try:
            s = run.connect()
        except SshError:
            return self._after_timer(self._wait_for_timer("the device was unreachable"))
        try:
            out = s.command(IOS_TIMER.revert_now, timeout=max(60.0, run.opts.read_timeout))
            how = IOS_TIMER.revert_now if NO_ROLLBACK not in out else "the device's revert timer (it had fired)"
            self.armed_at = 0.0
        except PushFailed:
            s.disconnect()
            return self._after_timer(self._wait_for_timer("the session broke while reverting"))
        s.disconnect()
        return self._unbootstrap(how)

    def _after_timer(self, waited: tuple[str, str | None]) -> tuple[str, str | None]:
        how, current = waited
        if current is None:
            return how, None
        return self._unbootstrap(how)

    def _unbootstrap(self, how: str) -> tuple[str, str | None]:
        """Take the archive bootstrap away again (the backup had none) and read the running configuration."""
        run = self.run
        try:
            s = run.connect()
        except SshError as exc:
            return f"{how}; cannot read the configuration afterwards: {run.mask(first_line(exc))}", None
        try:
            if run.bootstrapped and archive_on(s.read_running()):
                s.enter_config()
                try:
                    s.send(["no archive"], line_timeout=run.opts.line_timeout)
                finally:
                    s.exit_config()
                how += ", then 'no archive' (the bootstrap)"
            return how, s.read_running()
        except PushFailed as exc:
            return f"{how}; then: {exc}", None
        finally:
            s.disconnect()

    def _wait_for_timer(self, reason: str) -> tuple[str, str | None]:
        """Wait until the device's timer must have fired, then read the running configuration."""
        run = self.run
        wait = max(0.0, self.remaining()) + min(30.0, max(2.0, self.minutes * run.opts.seconds_per_minute / 4))
        run.say(f"{reason}: waiting {wait:.0f} s for its revert timer")
        return run.wait_and_read(wait, f"the device's revert timer ({self.minutes} min; {reason})")


class AoscxCheckpoint(Strategy):
    """AOS-CX: a named checkpoint of the backup, ``checkpoint auto N``, ``checkpoint auto confirm``."""

    name = "aoscx_checkpoint"
    protected = True

    def __init__(self, run: PushRun) -> None:
        super().__init__(run)
        self.checkpoint: str | None = None
        self.minutes = 0
        self.armed_at = 0.0

    def prepare(self, s: DeviceSession) -> None:
        """The named checkpoint of the configuration just backed up (the explicit rollback point)."""
        cp, run = AOSCX_CHECKPOINT, self.run
        name = f"{cp.name_prefix}{time.strftime('%Y%m%d%H%M%S')}"
        take = cp.take.format(name=name)
        run.journal_step("checkpoint", checkpoint=name)
        run.say(f"saving the current configuration as checkpoint {name}")
        out = s.command(take)
        if not re.search(cp.success, out):
            raise PushFailed(f"'{take}' refused: {run.answer(out)}")
        self.checkpoint = name

    def start(self, s: DeviceSession) -> None:
        """``checkpoint auto N`` (1-60 minutes), then configuration mode."""
        cp, run = AOSCX_CHECKPOINT, self.run
        need = run.time_needed(len(run.send_lines))
        self.minutes = max(
            1, min(run.opts.revert_minutes or _minutes(need, run.opts.seconds_per_minute), cp.max_minutes)
        )
        enter = cp.enter.format(minutes=self.minutes)
        run.journal_step("arm", minutes=self.minutes, armed_at=time.time())
        run.say(f"starting the auto checkpoint ({enter})")
        self.armed_at = time.monotonic()
        out = s.command(enter)
        if not re.search(cp.entered, out):
            self.armed_at = 0.0
            raise PushFailed(f"'{enter}' refused: {run.answer(out)}")
        s.enter_config()

    def confirm(self, s: DeviceSession) -> None:
        """``checkpoint auto confirm``."""
        cp, run = AOSCX_CHECKPOINT, self.run
        run.journal_step("confirm")
        run.say(f"confirming ({cp.confirm})")
        run.confirm_sent = True
        out = s.command(cp.confirm)
        if not re.search(cp.confirmed, out):
            raise TimerFired(f"'{cp.confirm}' not accepted: {run.answer(out)}")

    def cleanup(self, s: DeviceSession) -> None:
        """Erase the push's named checkpoint (best effort)."""
        if self.checkpoint is None:
            return
        erase = AOSCX_CHECKPOINT.erase.format(name=self.checkpoint)
        self.checkpoint = None
        _quietly(lambda: s.command(erase))

    def abandon(self) -> str:
        """Nothing sent: end an auto checkpoint mode that started, erase the named checkpoint."""
        if self.checkpoint is None and not self.armed_at:
            return ""
        try:
            s = self.run.connect()
        except SshError:
            return "the auto checkpoint will end by itself"
        try:
            if self.armed_at:
                s.command(AOSCX_CHECKPOINT.confirm)
                self.armed_at = 0.0
            self.cleanup(s)
            return ""
        except PushFailed:
            return "the auto checkpoint will end by itself"
        finally:
            s.disconnect()

    def undo(self) -> tuple[str, str | None]:
        """``checkpoint rollback`` to the named checkpoint from a new session, then ``checkpoint auto confirm`` of
        the restored configuration (ends the auto mode, so its timer cannot undo a later change); the switch's own
        timer when it cannot be reached or the rollback does not bring the backup back."""
        cp, run = AOSCX_CHECKPOINT, self.run
        if self.checkpoint is None:
            return self.compensate()
        try:
            s = run.connect()
        except SshError:
            return self._wait("the device was unreachable")
        reason = ""
        try:
            rollback = cp.rollback.format(name=self.checkpoint)
            out = s.command(rollback)
            current = s.read_running()
            restored = bool(re.search(cp.success, out)) and configs_equal(run.driver, current, run.backup_text)
            if restored:
                how = f"'{rollback}'"
                if self.armed_at:
                    ended = s.command(cp.confirm)
                    if not re.search(cp.confirmed, ended):
                        how += f" ('{cp.confirm}' answered: {run.answer(ended)})"
                self.cleanup(s)
                return how, current
            reason = f"'{rollback}' did not bring the backup back ({run.answer(out)})"
        except PushFailed as exc:
            reason = f"the rollback session broke ({exc})"
        finally:
            s.disconnect()
        if not self.armed_at:
            return self.compensate()
        return self._wait(reason)

    def _wait(self, reason: str) -> tuple[str, str | None]:
        run = self.run
        if not self.armed_at:
            return f"no rollback possible: {reason}", None
        remaining = self.armed_at + self.minutes * run.opts.seconds_per_minute - time.monotonic()
        wait = max(0.0, remaining) + min(30.0, max(2.0, self.minutes * run.opts.seconds_per_minute / 4))
        run.say(f"{reason}: waiting {wait:.0f} s for its auto checkpoint timer")
        how, current = run.wait_and_read(wait, f"the device's auto checkpoint timer ({self.minutes} min; {reason})")
        if current is not None:
            try:
                s = run.connect()
                self.cleanup(s)
                s.disconnect()
            except (SshError, PushFailed):
                pass
        return how, current


STRATEGIES: dict[str | None, type[Strategy]] = {
    None: Strategy,
    "ios_timer": IosRevertTimer,
    "aoscx_checkpoint": AoscxCheckpoint,
}


def strategy_for(run: PushRun) -> Strategy:
    """The strategy of the run's driver (its ``revert`` field)."""
    return STRATEGIES.get(run.driver.revert, Strategy)(run)


def archive_on(running: str) -> bool:
    """True when an IOS configuration has an ``archive`` block with a ``path`` (the revert timer needs it)."""
    return (
        re.search(r"^archive\s*\n(?:[ \t]+.*\n)*?[ \t]+path \S", running.replace("\r\n", "\n") + "\n", re.M) is not None
    )


def _minutes(seconds: float, seconds_per_minute: float) -> int:
    """Whole device minutes covering ``seconds`` (at least 2, so a slow login to extend it still finds it running;
    at most the IOS maximum of 120)."""
    return max(2, min(120, math.ceil(seconds / seconds_per_minute)))


def _answer_yes(conn: Any, line: str, read_timeout: float) -> None:
    """Send one exec-level line; confirm with "y" when the device asks (AireOS deletes ask "(y/n)")."""
    # strip_prompt=False: the question is the last line, which netmiko would otherwise drop as the prompt.
    out = str(conn.send_command_timing(line, read_timeout=read_timeout, strip_prompt=False))
    if re.search(r"\(y/n\)|\[y/N\]|\(yes/no\)", out, re.IGNORECASE):
        conn.send_command_timing("y", read_timeout=read_timeout)


def _quietly(action: Any) -> None:
    try:
        action()
    except Exception:
        return
