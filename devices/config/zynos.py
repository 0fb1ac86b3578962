"""How a Zyxel managed switch (ZyNOS CLI: GS2210, GS2220, XGS2210, XGS2220, XGS4600) prints VLAN membership, and
the form CampusNet compares it in.

ZyNOS keeps the members of a VLAN as sets of ports and prints each set as one compressed list inside the ``vlan N``
block (``fixed 6,8-10``, ``forbidden 1-5,7``, ``untagged ""`` for an empty set); every port is in exactly one of
``normal``, ``fixed`` and ``forbidden``, and ``untagged`` marks the members that send untagged frames. Typing
``fixed 21`` adds one port to the set, ``no fixed 21`` makes it normal again, ``no untagged 21`` makes it tagged.
So a rendered line such as `` fixed 21`` never appears as typed. :func:`per_port` rewrites a configuration into one
line per port and setting: for each port of a VLAN ``fixed P`` or ``no fixed P``, ``forbidden P`` or
``no forbidden P``, ``untagged P`` or ``no untagged P`` (the ``no`` lines are never printed by the switch: they
follow from the lists), so the rendered lines (written one port per line) can be looked up line by line, and a
rollback computed on this form is a list of commands the switch takes. A top-level ``dhcp snooping vlan 10,20``
becomes one line per VLAN the same way. A port's block (``interface port-channel N``) is printed only when the port
has a setting that differs from the defaults, but the port is always there: every port the VLAN lists name gets its
block header, so undoing a port's last setting is done inside its block (``no name AP``), never by deleting it.

Sources for the printed form: oxidized issue ytti/oxidized#2156 (``show running-config`` of a GS1920: the block
lines ``vlan 1``, ``  name 1``, ``  normal ""``); a public switch-portal script that writes ZyNOS configuration
(``normal ""``, ``fixed 1-8``, ``forbidden ""``, ``untagged 1-8`` under ``vlan 1``, blocks closed by ``exit``); a public
XMG1920 homelab plan (``fixed 6,8-10``, ``forbidden 1-5,7``, ``untagged 1-2,5-6,9-10``); NOC project fixtures of
``show vlan`` (tagged/untagged members printed as compressed lists, nocproject/noc
``sa/profiles/Zyxel/ZyNOS/tests/Zyxel_ES_2024A_3_80_TX_0__get_vlans_0001.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The per-port settings of a ``vlan N`` block, in the order the switch prints them.
MEMBERSHIP = ("normal", "fixed", "forbidden", "untagged")
#: The most ports (or VLANs) one list may name: a list naming more is left as printed.
MAX_ITEMS = 4094

_VLAN_BLOCK = re.compile(r"^vlan \d+\s*$")
_MEMBER_LINE = re.compile(r"^(?P<indent>\s+)(?P<no>no )?(?P<key>normal|fixed|forbidden|untagged) (?P<list>\S+)\s*$")
_PORT_BLOCK = re.compile(r"^interface port-channel (\d+)\s*$")
_TOP_LIST = re.compile(r"^(?P<head>dhcp snooping vlan) (?P<list>\S+)\s*$")


def expand(spec: str) -> list[int] | None:
    """The numbers of a ZyNOS list (``1-3,5`` -> [1, 2, 3, 5]; ``""`` -> []); None when it is not such a list."""
    text = spec.strip()
    if text == '""':
        return []
    out: list[int] = []
    for part in text.split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if match is None:
            return None
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or len(out) + last - first >= MAX_ITEMS:
            return None
        out.extend(range(first, last + 1))
    return sorted(set(out))


def compress(numbers: Iterable[int]) -> str:
    """A set of numbers as the switch prints it: ``1-3,5``, or ``""`` when empty."""
    items = sorted(set(numbers))
    if not items:
        return '""'
    runs: list[str] = []
    start = prev = items[0]
    for n in items[1:]:
        if n != prev + 1:
            runs.append(f"{start}-{prev}" if prev > start else str(start))
            start = n
        prev = n
    runs.append(f"{start}-{prev}" if prev > start else str(start))
    return ",".join(runs)


def per_port(text: str) -> str:
    """``text`` (a running configuration) with every membership list written one port per line (see the module
    notes); other lines unchanged. Text already in that form comes back the same."""
    out: list[str] = []
    block: list[tuple[str, str, list[int]]] | None = None  # membership lines of the open vlan block
    ports: set[int] = set()  # every port the VLAN lists name
    for line in text.split("\n"):
        indented = line[:1].isspace()
        if block is not None and not indented and line.strip():
            out.extend(_membership_lines(block))
            block = None
        member = _MEMBER_LINE.match(line) if block is not None else None
        numbers = expand(member.group("list")) if member else None
        if member and numbers is not None and block is not None:
            key = "normal" if member.group("no") else member.group("key")  # 'no fixed 3': port 3 is in the VLAN's list
            block.append((member.group("indent"), key, numbers))
            ports.update(numbers)
            continue
        top = _TOP_LIST.match(line)
        numbers = expand(top.group("list")) if top else None
        if top and numbers is not None:
            out.extend(f"{top.group('head')} {n}" for n in numbers)
            continue
        out.append(line)
        if _VLAN_BLOCK.match(line):
            block = []
    if block is not None:
        out.extend(_membership_lines(block))
    shown = {int(m.group(1)) for m in map(_PORT_BLOCK.match, out) if m}
    out.extend(f"interface port-channel {port}" for port in sorted(ports - shown))
    return "\n".join(out)


def _membership_lines(block: list[tuple[str, str, list[int]]]) -> list[str]:
    """One line per port and setting for the membership lists of one vlan block."""
    if not block:
        return []
    indent = block[0][0]
    sets: dict[str, set[int]] = {}
    for _, key, numbers in block:
        sets.setdefault(key, set()).update(numbers)
    ports = sorted(set().union(*sets.values()))
    lines: list[str] = []
    for key in ("fixed", "forbidden", "untagged"):
        members = sets.get(key, set())
        lines.extend(f"{indent}{'' if port in members else 'no '}{key} {port}" for port in ports)
    return lines
