"""The safe configuration push: backup, diff, apply under auto-revert, verify, confirm and save, or roll back.

One device at a time (:func:`push`), or a list with stop-on-first-failure (:func:`push_many`). Steps:

1. connect with the pinned host key (:mod:`devices.ssh`) and read the running configuration;
2. store it as a backup (``push-before``) through the caller's :class:`BackupStore`;
3. compute the change: the lines the device does not have yet (``hier_config`` remediation against the predicted
   future configuration where the platform is supported, else a line-presence diff);
4. dry run: return the masked change, nothing sent;
5. apply with ``send_config_set(error_pattern=...)``, on IOS inside ``configure terminal revert timer N``, on AOS-CX
   after a named checkpoint of the backup and ``checkpoint auto N``;
6. verify from a NEW session (management access survived) that every intended line is now there;
7. confirm (IOS ``configure confirm``, AOS-CX ``checkpoint auto confirm``) and save, then back up again
   (``push-after``) and audit ``applied``.

On any failure the change is rolled back (IOS ``configure revert now``, AOS-CX ``checkpoint rollback`` to the named
checkpoint, or, when the device cannot be reached, its revert or auto checkpoint timer; elsewhere compensating lines
that lead from the current configuration back to the backup), the running configuration is read again and compared
with the backup, and the result says exactly what happened. No secret (the
SSH password, the enable secret, the rendered secret values) appears in any returned text, audit record or session
log. This module has no Qt and does not import ``monitor``; the store side comes in through :class:`BackupStore`.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from devices.config.drivers import AOSCX_CHECKPOINT, IOS_TIMER, PushDriver, compile_volatile, driver_for
from devices.errors import CampusNetError
from devices.ssh import SshError, open_session

MASK = "********"

Progress = Callable[[str], None]


class BackupStore(Protocol):
    """Where backups and audit records go (``monitor.configs.ConfigArchive`` implements it)."""

    def save_backup(self, device_id: int, text: str, source: str) -> int:
        """Store a backup (``source``: push-before or push-after); return its id."""
        ...

    def last_backup(self, device_id: int) -> str | None:
        """The latest backup text of a device, or None."""
        ...

    def record_audit(self, **fields: Any) -> None:
        """Append an audit record (device_id, device_name, result, template, profile_hash, diff_masked, ...)."""
        ...


@dataclass(frozen=True)
class PushTarget:
    """One device to push to: identity, SSH address, credentials and netmiko device type."""

    device_id: int
    name: str
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    device_type: str
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PushJob:
    """A target with the rendered lines for it (for :func:`push_many`)."""

    target: PushTarget
    lines: Sequence[str]
    masked_lines: Sequence[str]
    secret_values: Sequence[str] = field(default=(), repr=False)
    template: str = ""
    profile_hash: str = ""


@dataclass
class PushResult:
    """What a push did to one device. ``change`` and ``rollback_plan`` are masked; ``message`` is for the user.

    ``status``: dry-run, unchanged, applied, failed (nothing was changed), rolled-back, rollback-failed, cancelled.
    """

    device: str
    status: str
    message: str
    change: list[str] = field(default_factory=list)
    rollback_plan: list[str] = field(default_factory=list)
    rollback: str = ""
    backup_before: int | None = None
    backup_after: int | None = None
    session_log: Path | None = None

    @property
    def ok(self) -> bool:
        """True when the device now has (or, for a dry run, would get) the intended configuration."""
        return self.status in ("dry-run", "unchanged", "applied")

    @property
    def diff(self) -> str:
        """The change as ``+ line`` text (masked), the way the GUI and CLI show it."""
        return "".join(f"+ {line}\n" for line in self.change)


@dataclass(frozen=True)
class Change:
    """Lines to send and, where the platform allows computing it, lines that would undo them."""

    lines: list[str]
    rollback: list[str]


class PushFailed(CampusNetError):
    """A step of the push failed; the message says which line or check and why (already masked)."""


class SessionLost(PushFailed):
    """The SSH session broke in the middle of a step."""


# ---------------------------------------------------------------------------------------------------------------
# Change computation


def compute_change(
    driver: PushDriver,
    running: str,
    lines: Sequence[str],
    secret_values: Iterable[str] = (),
    shown: Mapping[str, str] | None = None,
) -> Change:
    """The lines of ``lines`` the running configuration lacks, in sending order, with a compensating rollback.

    Uses :func:`devices.config.compliance.remediation` (hier_config where it knows the platform, procedural and
    negation lines handled); without that module, hier_config directly or a line-presence diff. ``shown`` holds the
    answers to :func:`extra_commands` (lines the running config never shows are sent when those answers lack them).
    """
    running = _strip_volatile(driver, running)
    compliance = _compliance()
    if compliance is not None:
        rendered = _rendered(driver, lines, secret_values)
        send = compliance.remediation(driver.folder, running, rendered, shown=shown)
        undo = compliance.rollback_lines(driver.folder, running, rendered)
        if undo is None:  # what the compensating rollback would send after the change
            undo = restore_lines(driver, "\n".join([running, *send]), running) if send else []
        return Change(send, undo)
    if driver.hier_platform:
        return _hier_change(driver.hier_platform, running, lines)
    return _presence_change(running, lines)


def missing_lines(
    driver: PushDriver,
    running: str,
    lines: Sequence[str],
    secret_values: Iterable[str] = (),
    shown: Mapping[str, str] | None = None,
) -> list[str]:
    """Intended lines the running configuration does not show (the verify step); lines whose secret reads back
    encrypted are not counted when the compliance module can tell. ``shown``: as for :func:`compute_change`."""
    compliance = _compliance()
    if compliance is None:
        return compute_change(driver, running, lines, secret_values).lines
    rendered = _rendered(driver, lines, secret_values)
    running = _strip_volatile(driver, running)
    return list(compliance.check_compliance(driver.folder, running, rendered, shown=shown).missing)


def extra_commands(
    driver: PushDriver, running: str, lines: Sequence[str], secret_values: Iterable[str] = ()
) -> list[str]:
    """Exec commands that show what the running configuration cannot (``show snmp user``, ``show vlan brief``)."""
    compliance = _compliance()
    if compliance is None:
        return []
    rendered = _rendered(driver, lines, secret_values)
    result = compliance.check_compliance(driver.folder, _strip_volatile(driver, running), rendered)
    return [check.command for check in result.extra_checks]


def _compliance() -> Any:
    """``devices.config.compliance`` when it is there (it is developed alongside), else None."""
    try:
        from devices.config import compliance
    except ImportError:
        return None
    return compliance


def _rendered(driver: PushDriver, lines: Sequence[str], secret_values: Iterable[str]) -> Any:
    from devices.config.render import Rendered, mask

    secrets = frozenset(s for s in secret_values if s)
    return Rendered(
        template="",
        platform=driver.folder,
        template_path=Path(),
        lines=list(lines),
        masked_lines=[mask(line, secrets) for line in lines],
        secret_values=secrets,
    )


def restore_lines(driver: PushDriver, current: str, backup: str) -> list[str]:
    """Lines leading from ``current`` back to ``backup`` (the compensating rollback for platforms without revert).

    hier_config where it knows the platform; blocks re-entered by their header where the platform has blocks
    (ArubaOS: :func:`devices.config.compliance.restore_blocks`); else flat ``config ...`` lines (AireOS).
    """
    current, backup = _strip_volatile(driver, current), _strip_volatile(driver, backup)
    if driver.hier_platform:
        from hier_config import Platform, WorkflowRemediation, get_hconfig

        platform = Platform[driver.hier_platform]
        work = WorkflowRemediation(get_hconfig(platform, current), get_hconfig(platform, backup))
        return _dump(work.remediation_config)
    if driver.block_exit:
        from devices.config.compliance import restore_blocks

        return restore_blocks(current, backup, driver.references)
    return _restore_flat(current, backup)


# A delete takes the object's other settings with it; it names the object by the word after "delete".
_AIREOS_DELETE = re.compile(r"^config (wlan|acl) delete (\S+)$")
# Objects that name others are deleted first: a WLAN names its ACL (and its RADIUS servers and interface, which
# come after both).
_AIREOS_DELETE_ORDER = ("config wlan ", "config acl ")


def _restore_flat(current: str, backup: str) -> list[str]:
    """Flat ``config ...`` lines back to ``backup``: deletes of created objects (referrers first), then the other
    settings undone, then the backup's lines that are missing."""
    have = {_canon(line) for line in _flat_lines(current)}
    want = {_canon(line) for line in _flat_lines(backup)}
    missing = [line for line in _flat_lines(backup) if _canon(line) not in have]
    extra = [_negate(line) for line in _flat_lines(current) if _canon(line) not in want]
    deleted = [(m.group(1), re.escape(m.group(2))) for m in map(_AIREOS_DELETE.match, extra) if m]
    extra = [
        line
        for line in extra
        if line
        and not (
            " delete " not in line
            and any(re.match(rf"^config {kind} .*(?<!\S){name}(?!\S)", line) for kind, name in deleted)
        )
    ]
    return sorted(extra, key=_delete_rank) + missing


def _delete_rank(line: str) -> int:
    if " delete " not in line:
        return len(_AIREOS_DELETE_ORDER) + 1
    return next((i for i, p in enumerate(_AIREOS_DELETE_ORDER) if line.startswith(p)), len(_AIREOS_DELETE_ORDER))


def with_block_exits(lines: Sequence[str], block_exit: str | None, *, close: bool = False) -> list[str]:
    """``lines`` with ``block_exit`` sent once per level each time indentation goes back up (and, with ``close``,
    for every block still open at the end)."""
    if not block_exit:
        return list(lines)
    out: list[str] = []
    levels = [0]  # indentation of each open block level, outermost first
    for line in lines:
        indent = len(line) - len(line.lstrip())
        while indent < levels[-1]:
            levels.pop()
            out.append(block_exit)
        if indent > levels[-1]:
            levels.append(indent)
        out.append(line)
    if close:
        out.extend([block_exit] * (len(levels) - 1))
    return out


def _hier_change(platform_name: str, running: str, lines: Sequence[str]) -> Change:
    from hier_config import Platform, WorkflowRemediation, get_hconfig

    platform = Platform[platform_name]
    current = get_hconfig(platform, running)
    future = current.future(get_hconfig(platform, "\n".join(lines)))
    work = WorkflowRemediation(current, future)
    return Change(_dump(work.remediation_config), _dump(work.rollback_config))


def _dump(config: Any) -> list[str]:
    """hier_config lines with one space of indentation per level (what the CLI expects)."""
    return [" " * (child.depth() - 1) + child.text for child in config.all_children_sorted()]


def _presence_change(running: str, lines: Sequence[str]) -> Change:
    """Line-presence diff: a line (under its parent block) is sent when the running config lacks it."""
    have = _flat(running)
    send: list[str] = []
    undo: list[str] = []
    parent, parent_sent = "", False
    for raw in lines:
        line = raw.rstrip()
        if not line.strip() or line.strip() in ("!", "exit", "end"):
            continue
        indented = line[0].isspace()
        if not indented:
            parent, parent_sent = line.strip(), False
        key = (parent if indented else "", line.strip())
        if _present(key, have):
            continue
        if indented and not parent_sent and parent:
            send.append(parent)
            parent_sent = True
        elif not indented:
            parent_sent = True
        send.append(line)
        undo.append(_negate(line.strip()))
    return Change(send, [u for u in reversed(undo) if u])


def _flat_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and line.strip() not in ("!", "end")]


def _flat(text: str) -> set[tuple[str, str]]:
    """(parent, line) pairs of a configuration; top-level lines have parent ''."""
    pairs: set[tuple[str, str]] = set()
    parent = ""
    for raw in text.splitlines():
        if not raw.strip() or raw.strip() in ("!", "end"):
            continue
        if raw[0].isspace():
            pairs.add((parent, _canon(raw)))
        else:
            parent = raw.strip()
            pairs.add(("", _canon(raw)))
    return pairs


def _canon(line: str) -> str:
    """Compare lines without extra blanks, and AireOS ``config x`` commands with or without the ``config`` word."""
    text = " ".join(line.split())
    return text[len("config ") :] if text.startswith("config ") else text


def _present(key: tuple[str, str], have: set[tuple[str, str]]) -> bool:
    parent, line = key
    canon = _canon(line)
    if canon.startswith("no "):
        positive = canon[3:]
        return not any(item[0] == parent and item[1].startswith(positive) for item in have)
    return (parent, canon) in have or ("", canon) in have


# AireOS objects made by "config X create|add N ..." are undone by "config X delete N" (a WLAN delete asks y/n).
# "config acl delete NAME" takes the ACL with its rules and URL domains; 'config acl apply NAME' (which pushes the ACL
# to the data path) has no undo of its own: the delete is assumed to take the ACL off the data path too (public
# controller scripts delete ACLs this way; not verified on gear).
_AIREOS_CREATE = re.compile(r"^(config (?:wlan|radius auth|radius acct|interface|acl)) (?:create|add) (\S+)")


def _negate(line: str) -> str:
    """The usual undo of a line: drop a leading ``no``, or add one; AireOS create/add -> delete, enable/disable
    swap."""
    text = line.strip()
    created = _AIREOS_CREATE.match(text)
    if created:
        return f"{created.group(1)} delete {created.group(2)}"
    if text.startswith("config "):
        if re.search(r"\benable\b", text):
            return re.sub(r"\benable\b", "disable", text)
        if re.search(r"\bdisable\b", text):
            return re.sub(r"\bdisable\b", "enable", text)
        return ""
    return text[3:] if text.startswith("no ") else f"no {text}"


def _strip_volatile(driver: PushDriver, text: str) -> str:
    pattern = compile_volatile(driver.volatile)
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines if not (pattern and pattern.match(line)))


def configs_equal(driver: PushDriver, a: str, b: str) -> bool:
    """True when two configurations are the same once volatile lines and blank padding are dropped."""
    return _canonical(driver, a) == _canonical(driver, b)


def _canonical(driver: PushDriver, text: str) -> list[str]:
    return [line for line in _strip_volatile(driver, text).split("\n") if line.strip()]


# ---------------------------------------------------------------------------------------------------------------
# The workflow


class _Masker:
    """Replaces every secret value by ``********`` (longest first)."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self.values = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, MASK)
        return text


@dataclass
class _Options:
    dry_run: bool
    known_hosts: Path
    backups: BackupStore
    progress: Progress
    cancelled: Callable[[], bool]
    log_dir: Path | None
    revert_minutes: int
    seconds_per_minute: float
    timeout: float
    read_timeout: float
    template: str
    profile_hash: str


class _Push:
    """One push to one device; each step a method. Holds the masker, the backup and the session log path."""

    def __init__(
        self,
        target: PushTarget,
        lines: Sequence[str],
        masked_lines: Sequence[str],
        secret_values: Sequence[str],
        opts: _Options,
    ) -> None:
        self.target = target
        self.lines = [line for line in lines if line.strip()]
        self.opts = opts
        self.driver = driver_for(target.device_type)
        self.mask = _Masker([target.password, target.secret, *secret_values])
        self.secret_values = list(self.mask.values)
        self.log = _log_path(opts.log_dir, target.name)
        self.backup_text = ""
        self.backup_id: int | None = None
        self.change = Change([], [])
        self.after_text = ""
        self.masked = {line.strip(): m.strip() for line, m in zip(lines, masked_lines, strict=True)}
        self.minutes = opts.revert_minutes  # the auto-revert timer, within what the platform takes
        if self.driver.revert == "aoscx_checkpoint":
            self.minutes = max(1, min(opts.revert_minutes, AOSCX_CHECKPOINT.max_minutes))
        self.checkpoint: str | None = None  # AOS-CX: the named checkpoint of the backup, until erased
        self.confirmed = False  # AOS-CX: 'checkpoint auto confirm' done (the switch's timer no longer runs)

    # -- sessions --------------------------------------------------------------------------------------------

    def connect(self) -> Any:
        """A new session (pinned host key, masked session log)."""
        t = self.target
        conn = open_session(
            t.host,
            t.port,
            t.username,
            t.password,
            self.driver.netmiko_type,
            known_hosts=self.opts.known_hosts,
            secret=t.secret,
            timeout=self.opts.timeout,
            session_log=self.log,
            no_log=self.secret_values,
        )
        try:
            conn.enable()
        except Exception as exc:
            _disconnect(conn)
            raise SshError(
                f"cannot enter privileged (enable) mode on {t.name}: check the enable secret ({_first_line(exc)})"
            ) from exc
        return conn

    def read_running(self, conn: Any) -> str:
        """The running configuration, read on ``conn``."""
        try:
            return str(conn.send_command(self.driver.show_running, read_timeout=max(60.0, self.opts.read_timeout)))
        except Exception as exc:
            raise self._lost("reading the running configuration", exc) from exc

    def extra_outputs(self, conn: Any, running: str) -> dict[str, str]:
        """Answers to the commands that show what the running configuration cannot (see :func:`extra_commands`)."""
        commands = extra_commands(self.driver, running, self.lines, self.secret_values)
        return {command: self.command(conn, command) for command in commands}

    def command(self, conn: Any, command: str) -> str:
        """The answer to one command at the exec (manager) prompt; SessionLost when the session breaks."""
        try:
            return str(conn.send_command(command, expect_string=r"[>#]\s*$", read_timeout=self.opts.read_timeout))
        except Exception as exc:
            raise self._lost(f"sending '{command}'", exc) from exc

    def _lost(self, step: str, exc: BaseException) -> SessionLost:
        return SessionLost(f"SSH session to {self.target.name} lost while {step}: {self.mask(str(exc)) or exc!r}")

    def _answer(self, output: str) -> str:
        return self.mask(" ".join(output.split())) or "no answer"

    # -- steps -----------------------------------------------------------------------------------------------

    def run(self) -> PushResult:
        """The whole workflow; never raises a CampusNetError (it becomes a failed result)."""
        if self.opts.cancelled():
            return self.result("cancelled", "cancelled before connecting: nothing sent")
        self.say("connecting")
        try:
            conn = self.connect()
        except CampusNetError as exc:
            return self.failed_untouched(f"not connected, nothing changed: {self.mask(str(exc))}")
        try:
            return self.with_session(conn)
        finally:
            _disconnect(conn)

    def with_session(self, conn: Any) -> PushResult:
        """Backup, diff, and (unless dry run) apply on an open session."""
        try:
            self.backup_text = self.read_running(conn)
        except PushFailed as exc:
            return self.failed_untouched(f"{exc}; nothing changed")
        self.backup_id = self.opts.backups.save_backup(self.target.device_id, self.backup_text, "push-before")
        try:
            shown = self.extra_outputs(conn, self.backup_text)
        except PushFailed as exc:
            return self.failed_untouched(f"{exc}; nothing changed")
        self.change = compute_change(self.driver, self.backup_text, self.lines, self.secret_values, shown)
        if not self.change.lines:
            return self.finish("unchanged", "applied", "already configured as intended: nothing sent")
        if self.opts.dry_run:
            n = len(self.change.lines)
            return self.finish("dry-run", "dry-run", f"dry run: {n} line(s) would be sent; nothing sent")
        if self.opts.cancelled():
            return self.result("cancelled", "cancelled before applying: nothing sent")
        if self.driver.revert == "ios_timer" and not _ios_archive_on(self.backup_text):
            return self.failed_untouched(
                "the IOS revert timer needs the configuration archive ('archive' with ' path flash:archive'): "
                "add it first (e.g. with the hardening baseline); nothing sent"
            )
        if self.driver.revert == "aoscx_checkpoint":
            refused = self.start_checkpoint(conn)
            if refused:
                return self.failed_untouched(refused)
        return self.apply_and_commit(conn)

    def start_checkpoint(self, conn: Any) -> str | None:
        """AOS-CX: a named checkpoint of the configuration just backed up (the explicit rollback point), then
        ``checkpoint auto N``; the reason when either is refused (no configuration line has been sent then)."""
        cp = AOSCX_CHECKPOINT
        name = f"{cp.name_prefix}{time.strftime('%Y%m%d%H%M%S')}"
        take = cp.take.format(name=name)
        self.say(f"saving the current configuration as checkpoint {name}")
        try:
            out = self.command(conn, take)
        except PushFailed as exc:
            return f"{exc}; no configuration line sent"
        if not re.search(cp.success, out):
            return f"'{take}' refused: {self._answer(out)}; nothing changed"
        self.checkpoint = name
        enter = cp.enter.format(minutes=self.minutes)
        self.say(f"starting the auto checkpoint ({enter})")
        try:
            out = self.command(conn, enter)
        except PushFailed as exc:
            return f"{exc}; no configuration line sent"
        if not re.search(cp.entered, out):
            self.erase_checkpoint(conn)
            return f"'{enter}' refused: {self._answer(out)}; nothing changed"
        return None

    def erase_checkpoint(self, conn: Any) -> None:
        """AOS-CX: remove the push's named checkpoint once it is no longer needed (best effort)."""
        if self.checkpoint is None:
            return
        erase = AOSCX_CHECKPOINT.erase.format(name=self.checkpoint)
        self.checkpoint = None
        _quietly(lambda: self.command(conn, erase))

    def apply_and_commit(self, conn: Any) -> PushResult:
        """Apply, verify, confirm and save; roll back on any failure."""
        self.say(f"applying {len(self.change.lines)} line(s)")
        try:
            self.apply(conn)
            self.say("verifying from a new session")
            self.verify_and_commit()
        except PushFailed as exc:
            return self.roll_back(str(exc))
        after = self.opts.backups.save_backup(self.target.device_id, self.after_text, "push-after")
        result = self.finish("applied", "applied", f"applied {len(self.change.lines)} line(s), verified and saved")
        result.backup_after = after
        return result

    def apply(self, conn: Any) -> None:
        """Send the change under the platform's revert mechanism; raise PushFailed naming the refused line."""
        from netmiko.exceptions import ConfigInvalidException

        kwargs: dict[str, Any] = {
            "error_pattern": rf"^.*(?:{self.driver.error_pattern}).*$",
            "enter_config_mode": self.driver.config_mode,
            "read_timeout": self.opts.read_timeout,
        }
        if self.driver.revert == "ios_timer":
            kwargs["config_mode_command"] = IOS_TIMER.enter.format(minutes=self.minutes)
        try:
            if self.driver.prompt:
                if "config_mode_command" in kwargs:  # under the revert timer
                    conn.config_mode(kwargs["config_mode_command"])
                elif self.driver.config_mode:
                    conn.config_mode()
                lines = with_block_exits(self.change.lines, self.driver.block_exit, close=True)
                send_lines(conn, lines, self.driver.prompt, kwargs["error_pattern"], self.opts.read_timeout)
                return
            for index, segment in enumerate(
                banner_segments(with_block_exits(self.change.lines, self.driver.block_exit))
            ):
                if index:
                    kwargs["enter_config_mode"] = False  # still in configuration mode (and under the timer)
                    kwargs.pop("config_mode_command", None)
                conn.send_config_set(segment, exit_config_mode=False, **kwargs)
        except ConfigInvalidException as exc:
            raise PushFailed(self._refused(str(exc))) from exc
        except Exception as exc:
            raise self._lost("applying the change", exc) from exc
        finally:
            if self.driver.config_mode:
                _quietly(conn.exit_config_mode)

    def _refused(self, message: str) -> str:
        match = re.search(r"at command: (.*), matched error: (.*)$", message, re.S)
        if not match:
            return f"the device refused the change: {self.mask(message)}"
        command, error = match.group(1), match.group(2).strip()
        number = next((i + 1 for i, line in enumerate(self.change.lines) if line == command), 0)
        where = f"line {number} " if number else "line "
        return f"{where}{self.mask(command.strip())!r} rejected: {self.mask(error)}"

    def verify_and_commit(self) -> None:
        """From a new session: every intended line present, then confirm the revert timer and save."""
        try:
            conn = self.connect()
        except SshError as exc:
            raise PushFailed(f"management access lost after applying: {self.mask(str(exc))}") from exc
        try:
            running = self.read_running(conn)
            answers = self.extra_outputs(conn, running)
            missing = missing_lines(self.driver, running, self.lines, self.secret_values, answers)
            if missing:
                shown = "; ".join(self.mask(line.strip()) for line in missing[:5])
                raise PushFailed(f"verify failed: {len(missing)} line(s) not in the running config ({shown})")
            self.confirm_and_save(conn)
            self.after_text = self.read_running(conn)
            self.erase_checkpoint(conn)
        finally:
            _disconnect(conn)

    def confirm_and_save(self, conn: Any) -> None:
        """``configure confirm`` (IOS) or ``checkpoint auto confirm`` (AOS-CX) and the platform's save command;
        output checked for errors."""
        error = re.compile(self.driver.error_pattern)
        try:
            if self.driver.revert == "ios_timer":
                self.say("confirming (configure confirm)")
                out = str(conn.send_command(IOS_TIMER.confirm, expect_string=r"[>#]\s*$"))
                if error.search(out):
                    raise PushFailed(f"'configure confirm' refused: {self.mask(out.strip())}")
            if self.driver.revert == "aoscx_checkpoint":
                self.say(f"confirming ({AOSCX_CHECKPOINT.confirm})")
                out = self.command(conn, AOSCX_CHECKPOINT.confirm)
                if not re.search(AOSCX_CHECKPOINT.confirmed, out):
                    raise PushFailed(f"'{AOSCX_CHECKPOINT.confirm}' not accepted: {self._answer(out)}")
                self.confirmed = True
            if self.driver.save is not None:
                self.say(f"saving ({self.driver.save.command})")
                save = self.driver.save
                out = str(
                    conn.save_config(cmd=save.command, confirm=save.confirm, confirm_response=save.confirm_response)
                )
                if error.search(out):
                    raise PushFailed(f"saving with '{save.command}' failed: {self.mask(out.strip())}")
        except PushFailed:
            raise
        except Exception as exc:
            raise self._lost("confirming and saving", exc) from exc

    # -- rollback --------------------------------------------------------------------------------------------

    def roll_back(self, reason: str) -> PushResult:
        """Undo the change, then check the running configuration equals the backup; audit and report."""
        self.say(f"rolling back: {reason}")
        if self.driver.revert in ("ios_timer", "aoscx_checkpoint"):
            how, current = self._ios_revert() if self.driver.revert == "ios_timer" else self._aoscx_revert()
            if current is not None and not configs_equal(self.driver, current, self.backup_text):
                more, current = self._compensate()
                how = f"{how}, then {more}"
        else:
            how, current = self._compensate()
        if current is None:
            return self.finish("rollback-failed", "rollback-failed", f"{reason}; {how}", rollback=how)
        if configs_equal(self.driver, current, self.backup_text):
            msg = f"{reason}; rolled back with {how}; running config matches the backup"
            return self.finish("rolled-back", "rolled-back", msg, rollback=how)
        differs = restore_lines(self.driver, current, self.backup_text)
        shown = "; ".join(self.mask(line.strip()) for line in differs[:5])
        msg = f"{reason}; tried {how} but the running config still differs from the backup ({shown})"
        return self.finish("rollback-failed", "rollback-failed", msg, rollback=how)

    def _ios_revert(self) -> tuple[str, str | None]:
        """``configure revert now`` from a new session; if the device cannot be reached, wait for its timer."""
        try:
            conn = self.connect()
        except SshError:
            return self._wait_for_timer()
        try:
            _quietly(
                lambda: conn.send_command(
                    IOS_TIMER.revert_now, expect_string=r"[>#]\s*$", read_timeout=self.opts.read_timeout
                )
            )
            return IOS_TIMER.revert_now, self.read_running(conn)
        except PushFailed:
            return self._wait_for_timer()
        finally:
            _disconnect(conn)

    def _aoscx_revert(self) -> tuple[str, str | None]:
        """AOS-CX, from a new session: ``checkpoint rollback`` to the checkpoint taken before applying, then
        ``checkpoint auto confirm`` of the restored configuration, which ends the auto checkpoint mode so its timer
        cannot undo a later change. When the switch cannot be reached, or the rollback does not bring the backup
        back, wait for the auto checkpoint timer instead (unless the change was already confirmed: the timer is
        gone then)."""
        cp = AOSCX_CHECKPOINT
        try:
            conn = self.connect()
        except SshError as exc:
            if self.confirmed:
                return f"no rollback possible: device unreachable ({self.mask(str(exc))})", None
            return self._wait_for_timer("the device was unreachable")
        reason = ""
        try:
            if self.checkpoint is None:  # erased once the change was kept: compensating lines are left
                return "no checkpoint left to roll back to", self.read_running(conn)
            rollback = cp.rollback.format(name=self.checkpoint)
            out = self.command(conn, rollback)
            current = self.read_running(conn)
            restored = re.search(cp.success, out) and configs_equal(self.driver, current, self.backup_text)
            if restored or self.confirmed:
                how = f"'{rollback}'" if restored else f"'{rollback}' ({self._answer(out)})"
                if restored and not self.confirmed:
                    ended = self.command(conn, cp.confirm)
                    if not re.search(cp.confirmed, ended):
                        how += f" ('{cp.confirm}' answered: {self._answer(ended)})"
                    self.confirmed = True
                if restored:
                    self.erase_checkpoint(conn)
                return how, current
            reason = f"'{rollback}' did not bring the backup back ({self._answer(out)})"
        except PushFailed as exc:
            reason = f"the rollback session broke ({exc})"
        finally:
            _disconnect(conn)
        if self.confirmed:  # no timer left to wait for
            return f"no rollback possible: {reason}", None
        return self._wait_for_timer(reason)

    def _wait_for_timer(self, reason: str = "the device was unreachable") -> tuple[str, str | None]:
        """Wait until the platform's own revert timer (IOS revert timer, AOS-CX auto checkpoint timer) must have
        fired, then read the running config from a new session."""
        label = "auto checkpoint timer" if self.driver.revert == "aoscx_checkpoint" else "revert timer"
        wait = self.minutes * self.opts.seconds_per_minute
        self.say(f"{reason}: waiting {wait:g} s for its {label}")
        deadline = time.monotonic() + wait + min(30.0, max(2.0, wait / 4))
        time.sleep(max(0.0, wait))
        how = f"the device's {label} ({self.minutes} min; {reason})"
        while True:
            try:
                conn = self.connect()
                try:
                    current = self.read_running(conn)
                    self.erase_checkpoint(conn)
                    return how, current
                finally:
                    _disconnect(conn)
            except (SshError, PushFailed) as exc:
                if time.monotonic() > deadline:
                    return f"{how}; still unreachable, cannot check: {self.mask(str(exc))}", None
                time.sleep(1)

    def _compensate(self) -> tuple[str, str | None]:
        """Send the lines that lead from the current config back to the backup, then read it again."""
        try:
            conn = self.connect()
        except SshError as exc:
            return f"no rollback possible: device unreachable ({self.mask(str(exc))})", None
        try:
            undo = restore_lines(self.driver, self.read_running(conn), self.backup_text)
            refused: list[str] = []
            if undo and not self.driver.config_mode:
                for line in undo:  # one at a time: a delete asks "(y/n)" on AireOS
                    _quietly(functools.partial(_answer_yes, conn, line, self.opts.read_timeout))
            elif undo and self.driver.prompt:
                refused = self._send_undo(conn, with_block_exits(undo, self.driver.block_exit, close=True))
            elif undo:
                lines = with_block_exits(undo, self.driver.block_exit)
                _quietly(
                    lambda: conn.send_config_set(
                        lines, enter_config_mode=True, read_timeout=self.opts.read_timeout, cmd_verify=True
                    )
                )
                _quietly(conn.exit_config_mode)
            how = f"{len(undo)} compensating line(s)" if undo else "nothing (no line had been applied)"
            if refused:
                how += f" ({len(refused)} refused: {'; '.join(self.mask(r) for r in refused[:3])})"
            return how, self.read_running(conn)
        except PushFailed as exc:
            return f"rollback interrupted: {exc}", None
        finally:
            _disconnect(conn)

    def _send_undo(self, conn: Any, lines: list[str]) -> list[str]:
        """Send compensating lines in configuration mode, each answered at the next prompt; a refused line is noted
        (``'line' (error)``) and the rest are still sent. SessionLost when the session breaks."""
        assert self.driver.prompt is not None
        error = rf"^.*(?:{self.driver.error_pattern}).*$"
        try:
            conn.config_mode()
            refused = send_lines(conn, lines, self.driver.prompt, error, self.opts.read_timeout, stop=False)
        except Exception as exc:
            raise self._lost("rolling back", exc) from exc
        finally:
            _quietly(conn.exit_config_mode)
        return [f"{line.strip()!r} ({answer.strip()})" for line, answer in refused]

    # -- results ---------------------------------------------------------------------------------------------

    def show(self, line: str) -> str:
        """A line for display: the renderer's masked form where known, and every secret value masked."""
        stripped = line.strip()
        if stripped in self.masked:
            line = line[: len(line) - len(line.lstrip())] + self.masked[stripped]
        return self.mask(line)

    def say(self, text: str) -> None:
        """Progress for the user, prefixed with the device name."""
        self.opts.progress(f"{self.target.name}: {self.mask(text)}")

    def result(self, status: str, message: str, rollback: str = "") -> PushResult:
        """A result with masked texts."""
        return PushResult(
            device=self.target.name,
            status=status,
            message=self.mask(message),
            change=[self.show(line) for line in self.change.lines],
            rollback_plan=[self.show(line) for line in self.change.rollback],
            rollback=self.mask(rollback),
            backup_before=self.backup_id,
            session_log=self.log,
        )

    def finish(self, status: str, audit: str, message: str, rollback: str = "") -> PushResult:
        """Record the audit entry and build the result."""
        result = self.result(status, message, rollback)
        self.opts.backups.record_audit(
            device_id=self.target.device_id,
            device_name=self.target.name,
            template=self.opts.template,
            profile_hash=self.opts.profile_hash,
            diff_masked=result.diff,
            result=audit,
            rollback=result.rollback,
            detail=result.message,
        )
        return result

    def failed_untouched(self, message: str) -> PushResult:
        """A failure before anything was sent."""
        return self.finish("failed", "failed", message)


def push(
    target: PushTarget,
    lines: Sequence[str],
    masked_lines: Sequence[str],
    secret_values: Sequence[str],
    *,
    dry_run: bool,
    known_hosts: Path,
    backup_store: BackupStore,
    progress: Progress = lambda _text: None,
    cancelled: Callable[[], bool] = lambda: False,
    log_dir: Path | None = None,
    revert_minutes: int | None = None,
    seconds_per_minute: float = 60.0,
    timeout: float = 10,
    read_timeout: float = 30,
    template: str = "",
    profile_hash: str = "",
) -> PushResult:
    """Push ``lines`` to one device safely (see the module docstring) and say what happened.

    ``masked_lines`` are the same lines with secrets masked (checked to line up with ``lines``); ``secret_values``
    are masked everywhere, as are the SSH password and enable secret. ``seconds_per_minute`` scales the wait for the
    IOS revert timer or the AOS-CX auto checkpoint timer (60 on real gear; emulators run faster). ``timeout`` bounds
    connecting, ``read_timeout`` each answer of the device while applying (also how long a silently dropped session
    takes to notice). Raises only for bugs and for an unknown device type.
    """
    if len(masked_lines) != len(lines):
        raise ValueError("masked_lines must line up with lines")
    if revert_minutes is None:
        # The timer must outlast applying, verifying and confirming: a long change gets a longer timer, or lines
        # sent after it fired would stand unprotected (2 minutes, plus one per 100 lines).
        revert_minutes = 2 + len(lines) // 100
    opts = _Options(
        dry_run=dry_run,
        known_hosts=known_hosts,
        backups=backup_store,
        progress=progress,
        cancelled=cancelled,
        log_dir=log_dir,
        revert_minutes=revert_minutes,
        seconds_per_minute=seconds_per_minute,
        timeout=timeout,
        read_timeout=read_timeout,
        template=template,
        profile_hash=profile_hash,
    )
    return _Push(target, lines, masked_lines, secret_values, opts).run()


_BANNER_START = re.compile(r"^\s*banner \S+ (\S)")


def banner_segments(lines: Sequence[str]) -> list[list[str]]:
    """Split a change so each multi-line banner is sent on its own.

    netmiko stops verifying the echo of every line of a set that holds a banner and falls back to slow timed reads
    (seconds a line): a 360-line baseline with a banner took minutes. Sent apart, only the banner's lines are slow.
    """
    segments: list[list[str]] = []
    current: list[str] = []
    i = 0
    while i < len(lines):
        start = _BANNER_START.match(lines[i])
        if not start:
            current.append(lines[i])
            i += 1
            continue
        if current:
            segments.append(current)
            current = []
        delimiter = start.group(1)[0]
        end = i
        rest = lines[i][start.end() :]
        if delimiter not in rest:
            end = next((j for j in range(i + 1, len(lines)) if delimiter in lines[j]), len(lines) - 1)
        segments.append(list(lines[i : end + 1]))
        i = end + 1
    if current:
        segments.append(current)
    return segments


def read_running_config(target: PushTarget, *, known_hosts: Path, timeout: float = 10) -> str:
    """The device's running configuration, read over SSH (pinned host key), for a backup."""
    driver = driver_for(target.device_type)
    conn = open_session(
        target.host,
        target.port,
        target.username,
        target.password,
        driver.netmiko_type,
        known_hosts=known_hosts,
        secret=target.secret,
        timeout=timeout,
    )
    try:
        conn.enable()
        return str(conn.send_command(driver.show_running, read_timeout=60))
    except Exception as exc:
        raise SshError(f"cannot read the running configuration of {target.name}: {_first_line(exc)}") from exc
    finally:
        _disconnect(conn)


def push_many(
    jobs: Sequence[PushJob],
    *,
    stop_on_first_failure: bool = True,
    progress: Progress = lambda _text: None,
    cancelled: Callable[[], bool] = lambda: False,
    **kwargs: Any,
) -> list[PushResult]:
    """Push to several devices one at a time; stop after the first failure unless told otherwise.

    ``kwargs`` are :func:`push` options (dry_run, known_hosts, backup_store, log_dir, ...). Devices not tried
    because of a failure or a cancel get a ``cancelled`` result saying why.
    """
    results: list[PushResult] = []
    stop_reason = ""
    for index, job in enumerate(jobs, start=1):
        if not stop_reason and cancelled():
            stop_reason = "cancelled by the user"
        if stop_reason:
            results.append(PushResult(job.target.name, "cancelled", f"not tried: {stop_reason}"))
            continue
        progress(f"device {index} of {len(jobs)}: {job.target.name}")
        result = push(
            job.target,
            job.lines,
            job.masked_lines,
            job.secret_values,
            progress=progress,
            cancelled=cancelled,
            template=job.template,
            profile_hash=job.profile_hash,
            **kwargs,
        )
        results.append(result)
        if not result.ok and result.status != "cancelled" and stop_on_first_failure:
            stop_reason = f"stopped after the failure on {job.target.name}"
        elif result.status == "cancelled":
            stop_reason = "cancelled by the user"
    return results


def send_lines(
    conn: Any, lines: Sequence[str], prompt: str, error_pattern: str, read_timeout: float, *, stop: bool = True
) -> list[tuple[str, str]]:
    """Send configuration lines one at a time, each done when the device's next prompt (regex ``prompt``) arrives:
    no echo check, no timed read. At the first line whose answer matches ``error_pattern`` raise netmiko's
    ConfigInvalidException as ``send_config_set(error_pattern=...)`` does, or with ``stop=False`` go on; returns the
    refused lines with the error each got."""
    from netmiko.exceptions import ConfigInvalidException

    refused: list[tuple[str, str]] = []
    conn.read_channel()  # a prompt left unread would end the first line's answer before it is typed
    for line in lines:
        conn.write_channel(conn.normalize_cmd(line))
        answer = str(conn.read_until_pattern(pattern=prompt, read_timeout=read_timeout))
        match = re.search(error_pattern, answer, re.M)
        if match and stop:
            raise ConfigInvalidException(f"Invalid input detected at command: {line}, matched error: {match.group(0)}")
        if match:
            refused.append((line, match.group(0)))
    return refused


def _log_path(log_dir: Path | None, name: str) -> Path | None:
    if log_dir is None:
        return None
    safe = re.sub(r"[^\w.-]+", "_", name) or "device"
    return log_dir / f"{safe}-{time.strftime('%Y%m%d-%H%M%S')}.log"


def _ios_archive_on(running: str) -> bool:
    """True when the IOS running config has an ``archive`` block with a ``path`` (needed by the revert timer)."""
    return re.search(r"^archive\s*\n(?:[ \t]+.*\n)*?[ \t]+path \S", running.replace("\r\n", "\n"), re.M) is not None


def _answer_yes(conn: Any, line: str, read_timeout: float) -> None:
    """Send one exec-level line; confirm with "y" when the device asks (AireOS deletes ask "(y/n)")."""
    # strip_prompt=False: the question is the last line, which netmiko would otherwise drop as the prompt.
    out = str(conn.send_command_timing(line, read_timeout=read_timeout, strip_prompt=False))
    if re.search(r"\(y/n\)|\[y/N\]|\(yes/no\)", out, re.IGNORECASE):
        conn.send_command_timing("y", read_timeout=read_timeout)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _disconnect(conn: Any) -> None:
    _quietly(conn.disconnect)


def _quietly(action: Callable[[], Any]) -> None:
    """Run a best-effort cleanup step; a broken session must not hide the real outcome."""
    with contextlib.suppress(Exception):
        action()
