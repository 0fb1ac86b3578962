"""What to send and how to undo it: the change a template makes to a running configuration, compensating lines back
to a backup, and how lines are grouped for sending (block exits, banners).

Meaning-based comparison (a device prints its configuration its own way) is :mod:`devices.config.compliance`'s
job; this module asks it for the lines to send and falls back to hier_config or a line-presence diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.config.drivers import PushDriver, compile_volatile


@dataclass(frozen=True)
class Change:
    """Lines to send and, where the platform allows computing it, lines that would undo them."""

    lines: list[str]
    rollback: list[str]


# ---------------------------------------------------------------------------------------------------------------
# Change computation


def compute_change(
    driver: PushDriver,
    running: str,
    lines: Sequence[str],
    secret_values: Iterable[str] = (),
    facts: Any = None,
    shown: Mapping[str, str] | None = None,
) -> Change:
    """The lines of ``lines`` the running configuration lacks (by meaning, see :mod:`devices.config.compliance`), in
    sending order, with a compensating rollback. ``facts`` (:class:`devices.config.facts.DeviceFacts`) says which
    OS version prints the configuration; ``shown`` holds the answers to :func:`extra_commands` (lines a running
    configuration never shows, such as SNMPv3 users, are sent when those answers lack them)."""
    running = _strip_volatile(driver, running)
    compliance = _compliance()
    rendered = _rendered(driver, lines, secret_values)
    send = compliance.remediation(driver.folder, running, rendered, facts=facts, shown=shown)
    undo = compliance.rollback_lines(driver.folder, running, rendered)
    if undo is None:  # what the compensating rollback would send after the change
        undo = restore_lines(driver, "\n".join([running, *send]), running) if send else []
    return Change(send, undo)


def verify_change(
    driver: PushDriver,
    running: str,
    lines: Sequence[str],
    secret_values: Iterable[str] = (),
    facts: Any = None,
    shown: Mapping[str, str] | None = None,
) -> Any:
    """The compliance of ``running`` with the intended ``lines`` (:class:`devices.config.compliance.Compliance`):
    what is missing by meaning (with ``shown``, the lines only another command shows too), what cannot be read
    back, and the checks still to run (``extra_checks``)."""
    compliance = _compliance()
    rendered = _rendered(driver, lines, secret_values)
    running = _strip_volatile(driver, running)
    return compliance.check_compliance(driver.folder, running, rendered, facts=facts, shown=shown)


def missing_lines(
    driver: PushDriver,
    running: str,
    lines: Sequence[str],
    secret_values: Iterable[str] = (),
    facts: Any = None,
    shown: Mapping[str, str] | None = None,
) -> list[str]:
    """Intended lines the device does not hold by meaning (lines whose secret reads back encrypted are compared by
    their other parts)."""
    return list(verify_change(driver, running, lines, secret_values, facts, shown).missing)


def extra_commands(
    driver: PushDriver, running: str, lines: Sequence[str], secret_values: Iterable[str] = (), facts: Any = None
) -> list[str]:
    """Exec commands that show what the running configuration cannot (``show snmp user``, ``show vlan brief``)."""
    checks = verify_change(driver, running, lines, secret_values, facts).extra_checks
    return list(dict.fromkeys(check.command for check in checks))


def _compliance() -> Any:
    from devices.config import compliance  # imported late: it loads hier_config

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
        return _typed_banners(_dump(work.remediation_config))
    if driver.block_exit:
        from devices.config.compliance import restore_blocks

        return restore_blocks(current, backup, driver.references)
    return _restore_flat(current, backup)


# A delete takes the object's other settings with it; it names the object by the word after "delete".
_AIREOS_DELETE = re.compile(r"^config (wlan|acl|radius auth|radius acct) delete (\S+)$")
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
    deletes = [m for m in map(_AIREOS_DELETE.match, extra) if m]
    deleted = [(m.group(1), re.escape(m.group(2))) for m in deletes]
    extra = [
        line
        for line in extra
        if line
        and (
            any(line == m.group(0) for m in deletes)
            or not any(re.match(rf"^config {kind} .*(?<!\S){name}(?!\S)", line) for kind, name in deleted)
        )
    ]
    from devices.config.aireos import order_restore

    return order_restore(sorted(extra, key=_delete_rank) + missing, current)


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


_SHOWN_BANNER = re.compile(r"^(no )?banner (\S+) (\^C|\S)")


def _typed_banners(lines: list[str]) -> list[str]:
    """Banners as hier_config holds them (one line with the text inside, as the device shows it:
    ``banner login ^C...^C``) in the form they are typed: ``no banner login`` removes one; a banner is typed as
    ``banner login ^``, its text lines and ``^`` (the single-character delimiter; typing "^C" makes "C" text)."""
    out: list[str] = []
    for line in lines:
        shown = _SHOWN_BANNER.match(line.strip())
        if shown is None:
            out.append(line)
            continue
        if shown.group(1):
            out.append(f"no banner {shown.group(2)}")
            continue
        delimiter = shown.group(3)
        body = line.strip()[shown.end() :]
        text = body[: body.rfind(delimiter)] if delimiter in body else body
        out += [f"banner {shown.group(2)} ^", *text.strip("\n").split("\n"), "^"]
    return out


def _dump(config: Any) -> list[str]:
    """hier_config lines with one space of indentation per level (what the CLI expects)."""
    return [" " * (child.depth() - 1) + child.text for child in config.all_children_sorted()]


def _flat_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and line.strip() not in ("!", "end")]


def _canon(line: str) -> str:
    """Compare lines without extra blanks, and AireOS ``config x`` commands with or without the ``config`` word."""
    text = " ".join(line.split())
    return text[len("config ") :] if text.startswith("config ") else text


# AireOS objects made by "config X create|add N ..." are undone by "config X delete N" (a WLAN delete asks y/n).
# "config acl delete NAME" takes the ACL with its rules and URL domains; 'config acl apply NAME' (which pushes the ACL
# to the data path) has no undo of its own: the delete is assumed to take the ACL off the data path too (public
# controller scripts delete ACLs this way; not verified on gear).
# A RADIUS server reads back as "config radius auth add encrypt N ..."; a WLAN's server list entry ("config wlan
# radius_server auth add WLAN N") is undone by the same command with "delete".
_AIREOS_CREATE = re.compile(
    r"^(config (?:wlan|radius auth|radius acct|interface|acl)) (?:create|add) (?:encrypt )?(\S+)"
)
_AIREOS_WLAN_SERVER = re.compile(r"^(config wlan radius_server (?:auth|acct)) add (\d+ \d+)$")


def _negate(line: str) -> str:
    """The usual undo of a line: drop a leading ``no``, or add one; AireOS create/add -> delete, enable/disable
    swap."""
    text = line.strip()
    server = _AIREOS_WLAN_SERVER.match(text)
    if server:
        return f"{server.group(1)} delete {server.group(2)}"
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
    """The configuration without volatile lines and trailing blanks, in the form the lines are typed in where the
    platform prints a setting otherwise (the driver's ``normalize``)."""
    pattern = compile_volatile(driver.volatile)
    lines = text.replace("\r\n", "\n").split("\n")
    kept = "\n".join(line.rstrip() for line in lines if not (pattern and pattern.match(line)))
    return driver.normalize(kept) if driver.normalize else kept


def configs_equal(driver: PushDriver, a: str, b: str) -> bool:
    """True when two configurations are the same once volatile lines and blank padding are dropped."""
    return _canonical(driver, a) == _canonical(driver, b)


def _canonical(driver: PushDriver, text: str) -> list[str]:
    """The configuration's top-level blocks (a line with its indented lines, in their order), sorted: no volatile
    lines, no blank padding, no ``!`` separator lines. Devices print blocks in an order of their own (IOS sorts
    them by kind, an emulator or an older release by when they were entered), so the order of blocks carries no
    meaning; the order inside a block can (ACL entries), so it is kept."""
    blocks: list[list[str]] = []
    for line in _strip_volatile(driver, text).split("\n"):
        if not line.strip() or line.strip() == "!":
            continue
        if line[0].isspace() and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return sorted("\n".join(block) for block in blocks)


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
