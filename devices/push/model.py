"""The push's vocabulary: what to push where (:class:`PushTarget`, :class:`PushJob`), what happened
(:class:`PushResult` with exactly one :data:`OUTCOMES` status), and the two things the store provides
(:class:`BackupStore` for backups and the audit trail, :class:`Journal` for the step-by-step record of a push in
progress).

No Qt, no ``monitor``: the store side comes in through the two protocols.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from devices.errors import CampusNetError
from devices.masking import MASK as MASK  # the one masking (devices.masking), as the push's users know it
from devices.masking import Masker as Masker
from devices.masking import redact as redact

Progress = Callable[[str], None]

# Per device, exactly one of these (issue "truthful outcomes"):
APPLIED = "applied"  # the change is in place, verified, confirmed and saved
ROLLED_BACK = "rolled-back"  # something failed; the device was brought back and checked equal to its backup
UNCHANGED = "unchanged"  # the device already holds the intended configuration: nothing sent
NOT_TRIED = "not-tried"  # nothing was sent (cannot connect, cancelled, stopped after another device, refused plan)
ATTENTION = "attention"  # the device is in a state CampusNet could not settle on its own: the message says which
PREVIEW = "preview"  # a dry run: the change was computed, nothing sent (not a push)
OUTCOMES = (APPLIED, ROLLED_BACK, UNCHANGED, NOT_TRIED, ATTENTION, PREVIEW)


class BackupStore(Protocol):
    """Where backups and audit records go (``monitor.configuration.configs.ConfigArchive`` implements it)."""

    def save_backup(self, device_id: int, text: str, source: str) -> int:
        """Store a backup (``source``: push-before or push-after); return its id."""
        ...

    def last_backup(self, device_id: int) -> str | None:
        """The latest backup text of a device, or None."""
        ...

    def record_audit(self, **fields: Any) -> None:
        """Append an audit record (device_id, device_name, result, template, profile_hash, diff_masked, ...)."""
        ...


class Journal(Protocol):
    """The push journal: one entry per device push, each step written BEFORE it is taken, so a push cut short
    (killed, power lost) is found and reconciled later (``monitor.configuration.journal.PushJournal`` implements it).

    ``detail`` values are JSON-able; the key ``intent`` (the intended lines, which may hold secrets) is stored
    encrypted by the implementation.
    """

    def begin(self, device_id: int, device_name: str, template: str, profile_hash: str, strategy: str) -> int:
        """Open an entry for a push that is about to connect; returns its id."""
        ...

    def step(self, entry: int, step: str, **detail: Any) -> None:
        """Record that ``step`` is about to be taken (and merge ``detail`` into the entry's state)."""
        ...

    def finish(self, entry: int, outcome: str, message: str) -> None:
        """Close the entry: the push ended with ``outcome`` (a settled state)."""
        ...


class NullJournal:
    """A journal that records nothing (for callers without a store)."""

    def begin(self, device_id: int, device_name: str, template: str, profile_hash: str, strategy: str) -> int:
        """No entry: always 0."""
        return 0

    def step(self, entry: int, step: str, **detail: Any) -> None:
        """Nothing to record."""

    def finish(self, entry: int, outcome: str, message: str) -> None:
        """Nothing to close."""


@dataclass(frozen=True)
class PushTarget:
    """One device to push to: identity, SSH address, credentials and driver (netmiko device type or platform)."""

    device_id: int
    name: str
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    device_type: str
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Plan:
    """The lines intended for one device, rendered from its running configuration (port roles need its trunks),
    with their masked form, the secret values to mask everywhere, and notes and a port-role table for the user."""

    lines: Sequence[str]
    masked_lines: Sequence[str]
    secret_values: Sequence[str] = field(default=(), repr=False)
    notes: Sequence[str] = ()
    roles: Sequence[Any] = ()


@dataclass(frozen=True)
class PushJob:
    """A target with the rendered lines for it (for :func:`devices.push.push_many`).

    ``replan``, when given, renders the lines again from the running configuration read at the start of the push
    (port roles depend on the trunks it holds); ``lines`` are then the render from the latest backup, shown before
    anything connects. ``facts`` (:class:`devices.config.normalize.DeviceFacts`) say how the device prints its
    configuration. ``restore`` makes the job a rollback to an earlier backup: the lines are computed from the
    running configuration to that text, and the push is verified when the device equals it. ``allow_restarts``
    is the user's consent to disable and re-enable an enabled WLAN around its security changes (its clients drop
    for a moment); without it such a change is not sent.
    """

    target: PushTarget
    lines: Sequence[str]
    masked_lines: Sequence[str]
    secret_values: Sequence[str] = field(default=(), repr=False)
    template: str = ""
    profile_hash: str = ""
    replan: Callable[[str], Plan] | None = field(default=None, repr=False)
    facts: Any = None
    restore: str | None = field(default=None, repr=False)
    allow_restarts: bool = False


@dataclass
class PushResult:
    """What a push did to one device. ``change`` and ``rollback_plan`` are masked; ``message`` is for the user.

    ``status`` is one of :data:`OUTCOMES`. ``saved`` says whether the device's saved (startup) configuration holds
    the new configuration; ``holds_change`` whether its running configuration does.
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
    notes: list[str] = field(default_factory=list)
    roles: list[Any] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    holds_change: bool = False
    saved: bool = False

    @property
    def ok(self) -> bool:
        """True when the device now has (or, for a preview, would get) the intended configuration."""
        return self.status in (PREVIEW, UNCHANGED, APPLIED)

    @property
    def diff(self) -> str:
        """The change as ``+ line`` text (masked), the way the GUI and CLI show it."""
        return "".join(f"+ {line}\n" for line in self.change)


class PushFailed(CampusNetError):
    """A step of the push failed; the message says which line or check and why (already masked)."""


class SessionLost(PushFailed):
    """The SSH session broke (or stopped answering) in the middle of a step."""


class LineRefused(PushFailed):
    """The device refused a configuration line (or asked a question CampusNet does not answer)."""


class Cancelled(PushFailed):
    """The user (or a signal) asked to stop; the push rolls back what it sent."""


def first_line(exc: BaseException | str) -> str:
    """The first non-empty line of an error: library help texts ("Things you might try ...") never reach the user."""
    text = str(exc).strip()
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__ if isinstance(exc, BaseException) else ""
