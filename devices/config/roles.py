"""Port roles: which ports of a switch take edge hardening, which lead to access points, which are uplinks.

Edge hardening (access mode, portfast, BPDU guard, storm control) on the wrong port cuts a building off: BPDU guard
shuts an inter-switch link the moment the other switch speaks spanning tree, and access mode turns a trunk into a
one-VLAN link. So a port is an edge port only when everything known about it says so, and every other port is
excluded with the reason, which the dry run shows. Nothing here reads a device: the caller gives what the store
and the device said (:class:`PortInfo` from the polled ports table, the running configuration, LLDP/CDP neighbours
from :func:`devices.neighbors.read_neighbours`) and what the profile asks for (:class:`RoleRequest`).

Rules, in order, for each port:

1. **uplink** when the user marked it uplink or the profile lists it as an uplink (uplinks get DHCP-snooping trust).
2. **ap** when an LLDP/CDP neighbour on it is an access point, or the profile lists it as an AP port; not when it
   also has a switch or router neighbour, or an alias naming an uplink (an AP trunk's VLAN list would replace the
   uplink's), and a neighbour AP on a port marked important is left alone.
3. **edge** only for a physical Ethernet port that is not marked important, whose alias does not say uplink,
   downlink, trunk, 上聯 or 對外, with no switch, router or controller neighbour, which the running configuration
   shows as a plain access port (not a trunk, hybrid or tagged port, not in a port channel, not routed), and which
   the profile allows (``edge = "auto"``, or in its edge list).
4. everything else is **excluded**, with the first rule that stopped it as the reason.

Port names: the roles name each port as the platform's CLI writes it in its configuration (``GigabitEthernet1/0/1``
for an IOS ifName ``Gi1/0/1``, ``1`` on ArubaOS-Switch, ``1/1/1`` on AOS-CX, ``GigabitEthernet1/0/1`` for a Comware
``GE1/0/1``), which is also how profile port lists are matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from devices.errors import InputError
from devices.neighbors import Neighbour

EDGE, AP, UPLINK, EXCLUDED = "edge", "ap", "uplink", "excluded"
ROLES = (EDGE, AP, UPLINK, EXCLUDED)
EDGE_MODES = ("auto", "none")
# IANAifType values of physical Ethernet ports: ethernetCsmacd(6), fastEther(62), fastEtherFX(69),
# gigabitEthernet(117).
ETHERNET_IF_TYPES = frozenset({6, 62, 69, 117})
# Aliases that name a link to other network gear (matched case-insensitively anywhere in the alias).
ALIAS_RE = re.compile(r"up[-_ ]?link|down[-_ ]?link|trunk|上聯|上連|下聯|下連|對外", re.IGNORECASE)
_MAX_PORTS = 1024

# Platform (netmiko device_type, CampusNet platform key or template folder) -> how its configuration and port names
# are read. Platforms not here have no reader: their trunks are unknown, so none of their ports is an edge port.
FAMILIES = {
    "cisco_ios": "cisco",
    "cisco_xe": "cisco",
    "cisco_ioswlc": "cisco",
    "hp_procurve": "procurve",
    "aruba_osswitch": "procurve",
    "aruba_procurve": "procurve",
    "aruba_aoscx": "aoscx",
    "hp_comware": "comware",
    "h3c_comware": "comware",
    "huawei": "huawei",
    "huawei_vrp": "huawei",
    "dlink_ds": "dlink",
    "dlink_switch": "dlink",
    "zyxel_switch": "zyxel",
}

# Full interface names per family, and the short forms ifName (or show commands) use for them.
_FULL = {
    "cisco": (
        "GigabitEthernet",
        "FastEthernet",
        "TenGigabitEthernet",
        "TwoGigabitEthernet",
        "FiveGigabitEthernet",
        "TwentyFiveGigE",
        "FortyGigabitEthernet",
        "HundredGigE",
        "AppGigabitEthernet",
        "Ethernet",
        "Port-channel",
        "Vlan",
        "Loopback",
        "Tunnel",
        "Null",
    ),
    "comware": (
        "GigabitEthernet",
        "Ten-GigabitEthernet",
        "Twenty-FiveGigE",
        "FortyGigE",
        "HundredGigE",
        "M-GigabitEthernet",
        "Bridge-Aggregation",
        "Vlan-interface",
        "LoopBack",
        "NULL",
    ),
    "huawei": (
        "GigabitEthernet",
        "XGigabitEthernet",
        "Ethernet",
        "MEth",
        "Eth-Trunk",
        "Vlanif",
        "LoopBack",
        "NULL",
        "InLoopBack",
    ),
}
_SHORT = {
    "cisco": {
        "gi": "GigabitEthernet",
        "fa": "FastEthernet",
        "te": "TenGigabitEthernet",
        "tw": "TwoGigabitEthernet",
        "fi": "FiveGigabitEthernet",
        "twe": "TwentyFiveGigE",
        "fo": "FortyGigabitEthernet",
        "hu": "HundredGigE",
        "ap": "AppGigabitEthernet",
        "et": "Ethernet",
        "po": "Port-channel",
        "vl": "Vlan",
        "lo": "Loopback",
        "tu": "Tunnel",
        "nu": "Null",
    },
    # Comware 7 ifName and display commands: GE1/0/1, XGE1/0/49, WGE, FGE, HGE, BAGG1, Vlan-int1.
    "comware": {
        "ge": "GigabitEthernet",
        "xge": "Ten-GigabitEthernet",
        "wge": "Twenty-FiveGigE",
        "fge": "FortyGigE",
        "hge": "HundredGigE",
        "mge": "M-GigabitEthernet",
        "bagg": "Bridge-Aggregation",
        "vlan-int": "Vlan-interface",
        "loop": "LoopBack",
    },
    # Huawei VRP display commands: GE0/0/1, XGE0/0/1, Eth0/0/1.
    "huawei": {"ge": "GigabitEthernet", "xge": "XGigabitEthernet", "eth": "Ethernet"},
}
# Interfaces that are never physical front ports (matched against the CLI name, case-insensitively).
_VIRTUAL_RE = re.compile(
    r"^(?:vlan|port-channel|loopback|tunnel|null|inloopback|bridge-aggregation|eth-trunk|vlanif|lag|trk|"
    r"meth|m-gigabitethernet|mgmt|management|appgigabitethernet|cpu|stack)",
    re.IGNORECASE,
)
_NAME_RE = re.compile(r"([A-Za-z][A-Za-z-]*?)\s*(\d[\d/:.]*)")


@dataclass(frozen=True)
class PortInfo:
    """What the store knows of a port (the monitor fills it from its ports table).

    Attributes:
        name: ifName as polled, e.g. "Gi1/0/1".
        descr: ifDescr, e.g. "GigabitEthernet1/0/1".
        alias: ifAlias (the port's description).
        if_type: IANAifType (6 = ethernetCsmacd), None when unknown.
        is_uplink: marked uplink by the user.
        important: marked important by the user.
    """

    name: str
    descr: str = ""
    alias: str = ""
    if_type: int | None = None
    is_uplink: bool = False
    important: bool = False


@dataclass(frozen=True)
class PortRole:
    """One port's role and why: ``port`` as the platform's CLI writes it, ``role`` one of :data:`ROLES`."""

    port: str
    role: str
    reason: str


@dataclass(frozen=True)
class RoleRequest:
    """What the profile asks for one device (see :func:`devices.config.profile.port_request`).

    Attributes:
        edge: "auto" (every port that qualifies is an edge port) or "none" (no edge hardening on this device).
        edge_candidates: port strings in the platform's syntax (ranges allowed); when set, only these may be edge
            ports, and only if they qualify. None means every port.
        ap: ports the user says lead to access points (still checked: never a port to another switch).
        uplink: ports the user says are uplinks.
        where: names the part of the profile in the reasons, e.g. "baseline.ports.device 'core-sw'".
    """

    edge: str = "auto"
    edge_candidates: tuple[str, ...] | None = None
    ap: tuple[str, ...] = ()
    uplink: tuple[str, ...] = ()
    where: str = "the profile"


@dataclass
class _Config:
    """What a running configuration says about one port: why it is not a plain access port, if it is not."""

    present: bool = False
    not_access: str | None = None


@dataclass
class _RunningConfig:
    ports: dict[str, _Config] = field(default_factory=dict)
    lists_every_port: bool = True  # False where ports appear only in VLAN lists (ProCurve, D-Link)

    def of(self, cli: str) -> _Config:
        return self.ports.get(cli.casefold(), _Config())


def family(platform: str) -> str | None:
    """The configuration family of a platform name ("cisco", "procurve", "aoscx", "comware", "huawei", "dlink")."""
    return FAMILIES.get((platform or "").strip().lower())


def cli_name(platform: str, name: str, descr: str = "") -> str:
    """The interface name as the platform's CLI writes it in its configuration, from ifName (and ifDescr)."""
    fam = family(platform)
    name, descr = name.strip(), descr.strip()
    if fam in _FULL:
        for text in (descr, name):
            full = _expand(fam, text)
            if full is not None:
                return full
        return name or descr
    if fam == "dlink":
        return _dlink_port(name) or _dlink_port(descr) or name or descr
    if fam == "zyxel":
        return _zyxel_port(name) or _zyxel_port(descr) or name or descr
    return name or descr


def expand_ports(value: str, field_name: str) -> list[str]:
    """Expand ``GigabitEthernet1/0/1-4, Gi1/0/48`` or ``1/1/1-1/1/4`` or ``A1-A4`` into single interface names."""
    out: list[str] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(?P<prefix>.*?)(?P<start>\d+)\s*-\s*(?P<again>.*?)(?P<end>\d+)", part)
        if match is None:
            out.append(part)
            continue
        prefix, again = match["prefix"], match["again"]
        start, end = int(match["start"]), int(match["end"])
        if (again and again != prefix) or end < start or end - start >= _MAX_PORTS:
            raise InputError(f"{field_name}: cannot read the port range {part!r}")
        out.extend(f"{prefix}{n}" for n in range(start, end + 1))
    if len(out) > _MAX_PORTS:
        raise InputError(f"{field_name}: more than {_MAX_PORTS} ports")
    return out


def compact_ports(ports: Sequence[str]) -> str:
    """Port names as one list in the ArubaOS-Switch / D-Link syntax: runs of consecutive numbers with the same
    prefix become ranges ("1-4,7", "A1-A4", "1/1/1-1/1/3"); order is kept."""
    parts: list[str] = []
    run: list[tuple[str, int]] = []

    def flush() -> None:
        if run:
            (prefix, first), last = run[0], run[-1][1]
            parts.append(f"{prefix}{first}" if first == last else f"{prefix}{first}-{prefix}{last}")
            run.clear()

    for port in ports:
        match = re.fullmatch(r"(.*?)(\d+)", port)
        if match is None:
            flush()
            parts.append(port)
            continue
        prefix, number = match[1], int(match[2])
        if run and (run[-1][0] != prefix or run[-1][1] + 1 != number):
            flush()
        run.append((prefix, number))
    flush()
    return ",".join(parts)


def assign_roles(
    platform: str,
    *,
    running: str | None,
    ports: Sequence[PortInfo],
    neighbours: Sequence[Neighbour],
    requested: RoleRequest,
) -> list[PortRole]:
    """Each port's role ("edge", "ap", "uplink" or "excluded") and the reason, in the order of ``ports``, then
    the AP and uplink ports the profile lists that the device does not have (excluded: "not found on the device")."""
    fam = family(platform)
    config = _parse_running(fam, running) if running is not None else None
    lists = _Lists(platform, requested)
    by_port = _neighbours_by_port(platform, ports, neighbours)
    roles: list[PortRole] = []
    seen: set[str] = set()
    for port in ports:
        cli = cli_name(platform, port.name, port.descr)
        if cli.casefold() in seen:
            continue
        seen.add(cli.casefold())
        role, reason = _decide(_Facts(platform, fam, port, cli, by_port.get(cli.casefold(), []), config), lists)
        roles.append(PortRole(cli, role, reason))
    for cli in lists.listed():
        if cli.casefold() not in seen:
            seen.add(cli.casefold())
            why = "the device's ports are unknown: poll it first" if not ports else "not found on the device"
            roles.append(PortRole(cli, EXCLUDED, f"listed in {requested.where}, but {why}"))
    return roles


def apply_request(roles: Sequence[PortRole], platform: str, requested: RoleRequest) -> list[PortRole]:
    """Roles with the profile's edge policy applied again (edge = "none", edge lists): an edge port the request
    does not allow becomes excluded. Idempotent; render uses it so a role table made for another request cannot
    put edge hardening where the profile says no."""
    lists = _Lists(platform, requested)
    out = []
    for role in roles:
        if role.role == EDGE:
            refusal = lists.edge_refusal(role.port)
            if refusal is not None:
                role = PortRole(role.port, EXCLUDED, refusal)
        out.append(role)
    return out


# --- deciding -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    platform: str
    family: str | None
    port: PortInfo
    cli: str
    neighbours: list[Neighbour]
    config: _RunningConfig | None


class _Lists:
    """The request's port lists as CLI names of the platform."""

    def __init__(self, platform: str, requested: RoleRequest) -> None:
        self.requested = requested
        self.platform = platform
        self.ap = self._names(requested.ap, "ap")
        self.uplink = self._names(requested.uplink, "uplink")
        cands = requested.edge_candidates
        self.edge = None if cands is None else self._names(cands, "edge")

    def _names(self, values: Iterable[str], what: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for value in values:
            for name in expand_ports(value, f"{self.requested.where} {what}"):
                cli = cli_name(self.platform, name)
                out.setdefault(cli.casefold(), cli)
        return out

    def listed(self) -> list[str]:
        """The AP and uplink ports the request names (edge lists are ranges of candidates: a switch with fewer
        ports than the range is not a mistake)."""
        return list({**self.uplink, **self.ap}.values())

    def edge_refusal(self, cli: str) -> str | None:
        where = self.requested.where
        if self.requested.edge == "none":
            return f'edge = "none" in {where}'
        if self.edge is not None and cli.casefold() not in self.edge:
            return f"not in the edge list of {where}"
        return None


def _decide(facts: _Facts, lists: _Lists) -> tuple[str, str]:
    port, key, where = facts.port, facts.cli.casefold(), lists.requested.where
    if port.is_uplink:
        return UPLINK, "marked uplink"
    if key in lists.uplink:
        return UPLINK, f"in the uplink list of {where}"
    ap = _ap(facts, key in lists.ap, where)
    if ap is not None:
        return ap
    refusal = _edge_refusal(facts) or lists.edge_refusal(facts.cli)
    if refusal is not None:
        return EXCLUDED, refusal
    if lists.edge is not None:
        return EDGE, f"access port in the edge list of {where}"
    return EDGE, "access port with no switch or router behind it"


def _ap(facts: _Facts, listed: bool, where: str) -> tuple[str, str] | None:
    """The AP decision for a port: ("ap", why), ("excluded", why) for an AP port that must not be changed, or
    None when the port has nothing to do with an AP."""
    aps = [n for n in facts.neighbours if n.is_access_point]
    if not aps and not listed:
        return None
    gear = [n for n in facts.neighbours if n.is_network_device and not n.is_access_point]
    what = f"listed as an AP port in {where}" if listed else f"access point {_heard(aps[0])}"
    if gear:
        return EXCLUDED, f"{what}, but {_heard(gear[0])} is a switch or router"
    if facts.port.alias and ALIAS_RE.search(facts.port.alias):
        return EXCLUDED, f"{what}, but its alias {facts.port.alias!r} names an uplink, downlink or trunk"
    if not _physical(facts):
        return EXCLUDED, f"{what}, but it is not a physical Ethernet port"
    if listed:
        return AP, what
    if facts.port.important:
        return EXCLUDED, f"{what}, but the port is marked important: list it as an AP port to change it"
    return AP, what


def _edge_refusal(facts: _Facts) -> str | None:
    port = facts.port
    if not _physical(facts):
        return "not a physical Ethernet port"
    if port.important:
        return "marked important"
    if port.alias and ALIAS_RE.search(port.alias):
        return f"alias {port.alias!r} names an uplink, downlink or trunk"
    gear = [n for n in facts.neighbours if n.is_network_device]
    if gear:
        return f"{_heard(gear[0])} is network gear ({', '.join(sorted(gear[0].capabilities)) or 'AP'})"
    if facts.config is None:
        return "no running configuration read: trunks unknown"
    if facts.family is None:
        return f"trunks cannot be read from a {facts.platform} configuration"
    config = facts.config.of(facts.cli)
    if config.not_access is not None:
        return config.not_access
    if facts.config.lists_every_port and not config.present:
        return "not in the running configuration"
    return None


def _heard(neighbour: Neighbour) -> str:
    platform = f", {neighbour.platform}" if neighbour.platform else ""
    return f"{neighbour.remote_name or 'a neighbour'} ({neighbour.protocol.upper()}{platform})"


def _physical(facts: _Facts) -> bool:
    if _VIRTUAL_RE.match(facts.cli) or _VIRTUAL_RE.match(facts.port.name):
        return False
    if facts.port.if_type is not None:
        return facts.port.if_type in ETHERNET_IF_TYPES
    return True


def _neighbours_by_port(
    platform: str, ports: Sequence[PortInfo], neighbours: Sequence[Neighbour]
) -> dict[str, list[Neighbour]]:
    """CLI name (casefolded) -> the neighbours heard on that port; a neighbour's local port is an ifName (or
    ifDescr), matched against the ports' names and the CLI name it stands for."""
    lookup: dict[str, str] = {}
    for port in ports:
        cli = cli_name(platform, port.name, port.descr).casefold()
        for text in (port.name, port.descr, cli):
            if text:
                lookup.setdefault(text.casefold(), cli)
    out: dict[str, list[Neighbour]] = {}
    for neighbour in neighbours:
        key = neighbour.local_port.casefold()
        found = lookup.get(key) or lookup.get(cli_name(platform, neighbour.local_port).casefold())
        if found is not None:
            out.setdefault(found, []).append(neighbour)
    return out


# --- names --------------------------------------------------------------------------------------------------------


def _expand(fam: str, text: str) -> str | None:
    """A full interface name for ``text`` in the family's naming, or None when it is not an interface name."""
    match = _NAME_RE.fullmatch(text)
    if match is None:
        return None
    prefix, rest = match[1], match[2]
    fulls = _FULL[fam]
    for full in fulls:
        if full.casefold() == prefix.casefold():
            return f"{full}{rest}"
    short = _SHORT.get(fam, {}).get(prefix.casefold())
    return f"{short}{rest}" if short is not None else None


def _zyxel_port(text: str) -> str | None:
    """A ZyNOS port number, as ``interface port-channel N`` and VLAN lists write it ("GigabitEthernet25" in ifDescr
    of the GS1900 recording, "Port25", "swp24" on other firmware, or "25")."""
    match = re.fullmatch(r"(?:GigabitEthernet|Port|swp|ge|xg|TenGigabitEthernet)?\s*0*(\d+)", text, re.IGNORECASE)
    return str(int(match[1])) if match else None


def _dlink_port(text: str) -> str | None:
    """A D-Link port number: "24" for unit 1, "2:24" on a stacked unit (from "Port 24 on Unit 2", "eth2/0/24",
    "Slot0/24", "2:24" or "24")."""
    for pattern in (r".*\bPort (\d+) on Unit (\d+)\b.*", r"eth(\d+)/0/(\d+)", r"(\d+):(\d+)"):
        match = re.fullmatch(pattern, text, re.IGNORECASE)
        if match is not None:
            first, second = int(match[1]), int(match[2])
            port, unit = (first, second) if pattern.startswith(".*") else (second, first)
            return str(port) if unit == 1 else f"{unit}:{port}"
    match = re.fullmatch(r"(?:Slot\d+/)?(\d+)", text, re.IGNORECASE)
    return match[1] if match else None


# --- running configurations ---------------------------------------------------------------------------------------


def _parse_running(fam: str | None, running: str) -> _RunningConfig:
    parser = {
        "cisco": _parse_cisco,
        "aoscx": _parse_aoscx,
        "comware": _parse_comware,
        "huawei": _parse_huawei,
        "procurve": _parse_procurve,
        "dlink": _parse_dlink,
        "zyxel": _parse_zyxel,
    }.get(fam or "")
    return parser(running) if parser is not None else _RunningConfig()


def _blocks(running: str, header: str) -> Iterable[tuple[str, list[str]]]:
    """(name, stripped lines) of each top-level block whose first line is ``<header> NAME``."""
    name: str | None = None
    body: list[str] = []
    for line in running.splitlines():
        if line and not line[0].isspace():
            if name is not None:
                yield name, body
            name, body = None, []
            words = line.split()
            if len(words) == 2 and words[0].lower() == header:
                name = words[1]
        elif name is not None and line.strip():
            body.append(line.strip())
    if name is not None:
        yield name, body


def _interfaces(running: str, rules: Sequence[tuple[str, str]], full: str | None) -> _RunningConfig:
    """Interface blocks checked against (regex, reason) rules; the reason may use {0} for the first group."""
    config = _RunningConfig()
    compiled = [(re.compile(pattern, re.IGNORECASE), reason) for pattern, reason in rules]
    for name, body in _blocks(running, "interface"):
        cli = _expand(full, name) if full else None
        entry = _Config(present=True)
        for line in body:
            for regex, reason in compiled:
                match = regex.fullmatch(line)
                if match is not None and entry.not_access is None:
                    entry.not_access = reason.format(*match.groups(), line=line)
        config.ports[(cli or name).casefold()] = entry
    return config


def _parse_cisco(running: str) -> _RunningConfig:
    # Cisco IOS / IOS-XE "show running-config" interface blocks (Catalyst 2960-X/3560/3750/9300 configuration guides).
    rules = [
        (r"switchport mode trunk", "trunk in the running configuration ({line})"),
        (r"switchport trunk .*", "trunk in the running configuration ({line})"),
        (r"switchport mode dynamic desirable", "negotiates a trunk ({line})"),
        (r"switchport mode (?!access|dynamic auto)(.*)", "not an access port ({line})"),
        (r"channel-group (\d+).*", "member of Port-channel{0}"),
        (r"no switchport", "routed port ({line})"),
        (r"ip address .*", "routed port ({line})"),
        (r"vrf forwarding .*", "routed port ({line})"),
    ]
    return _interfaces(running, rules, "cisco")


def _parse_aoscx(running: str) -> _RunningConfig:
    # AOS-CX "show running-config" (AOS-CX 10.x Command-Line Interface Guide, interface and VLAN chapters).
    rules = [
        (r"vlan trunk .*", "trunk in the running configuration ({line})"),
        (r"lag (\d+)", "member of lag{0}"),
        (r"routing", "routed port (routing)"),
        (r"ip address .*", "routed port ({line})"),
    ]
    return _interfaces(running, rules, None)


# Comware "display current-configuration" and Huawei VRP likewise: link type, aggregation and routed mode (HPE
# Comware 5/7 and Huawei S-series command references, "port link-type", "port link-aggregation group", "eth-trunk").
_VRP_RULES = [
    (r"port link-type (trunk|hybrid)", "{0} port in the running configuration ({line})"),
    (r"port (?:trunk|hybrid) .*", "trunk in the running configuration ({line})"),
    (r"port link-aggregation group (\d+).*", "member of Bridge-Aggregation{0}"),
    (r"eth-trunk (\d+).*", "member of Eth-Trunk{0}"),
    (r"port link-mode route", "routed port ({line})"),
    (r"undo portswitch", "routed port ({line})"),
    (r"ip address .*", "routed port ({line})"),
]


def _parse_comware(running: str) -> _RunningConfig:
    return _interfaces(running, _VRP_RULES, "comware")


def _parse_huawei(running: str) -> _RunningConfig:
    return _interfaces(running, _VRP_RULES, "huawei")


def _parse_procurve(running: str) -> _RunningConfig:
    """ArubaOS-Switch / ProCurve: VLAN blocks list their ports (``tagged 1-4,A1``), trunk groups are top-level
    ``trunk 49-50 trk1 lacp`` lines, and 16.x may write ``tagged vlan 10`` in an interface block."""
    config = _RunningConfig(lists_every_port=False)

    def mark(ports: str, reason: str) -> None:
        for port in _port_list(ports):
            entry = config.ports.setdefault(port.casefold(), _Config(present=True))
            entry.not_access = entry.not_access or reason

    for vlan, body in _blocks(running, "vlan"):
        for line in body:
            match = re.fullmatch(r"tagged (\S+)", line, re.IGNORECASE)
            if match is not None:
                mark(match[1], f"tagged in VLAN {vlan} (a trunk)")
    for line in running.splitlines():
        match = re.fullmatch(r"trunk (\S+) (trk\d+)\b.*", line.strip(), re.IGNORECASE)
        if match is not None:
            mark(match[1], f"member of {match[2].capitalize()}")
    for name, body in _blocks(running, "interface"):
        if any(re.fullmatch(r"tagged vlan .*", line, re.IGNORECASE) for line in body):
            mark(name, "tagged in a VLAN (a trunk)")
    return config


def _parse_dlink(running: str) -> _RunningConfig:
    """D-Link DES/DGS-3xxx: ``config vlan NAME add tagged 25-28`` makes trunks, ``config link_aggregation
    group_id 1 ports 25-26`` aggregates (D-Link CLI reference conventions; low confidence, see VENDORS.md)."""
    config = _RunningConfig(lists_every_port=False)
    for line in running.splitlines():
        line = line.strip()
        tagged = re.fullmatch(r"config vlan (?:vlanid )?(\S+) add tagged (\S+).*", line, re.IGNORECASE)
        lag = re.fullmatch(r"config link_aggregation group_id (\d+) .*ports (\S+).*", line, re.IGNORECASE)
        for match, reason in ((tagged, "tagged in VLAN {0} (a trunk)"), (lag, "member of link aggregation {0}")):
            if match is None:
                continue
            for port in _port_list(match[2]):
                cli = _dlink_port(port) or port
                entry = config.ports.setdefault(cli.casefold(), _Config(present=True))
                entry.not_access = entry.not_access or reason.format(match[1])
    return config


def _parse_zyxel(running: str) -> _RunningConfig:
    """ZyNOS: each ``vlan N`` block lists its member ports (``fixed 21-28``) and those that send untagged
    (``untagged 21-24``); a member that is not untagged is tagged, a trunk (the GS2210 emulator's sources, see
    :mod:`devices.config.zynos`). ``trunk T1 interface 25-26`` style aggregation lines mark members too."""
    config = _RunningConfig(lists_every_port=False)
    for vlan, body in _blocks(running, "vlan"):
        fixed: set[str] = set()
        untagged: set[str] = set()
        for line in body:
            match = re.fullmatch(r"(fixed|untagged) (\S+)", line, re.IGNORECASE)
            if match is not None:
                (fixed if match[1].lower() == "fixed" else untagged).update(_port_list(match[2]))
        for port in sorted(fixed - untagged):
            entry = config.ports.setdefault(port.casefold(), _Config(present=True))
            entry.not_access = entry.not_access or f"tagged in VLAN {vlan} (a trunk)"
    for line in running.splitlines():
        match = re.fullmatch(r"trunk (T\d+) interface (\S+).*", line.strip(), re.IGNORECASE)
        if match is not None:
            for port in _port_list(match[2]):
                entry = config.ports.setdefault(port.casefold(), _Config(present=True))
                entry.not_access = entry.not_access or f"member of {match[1]}"
    return config


def _port_list(text: str) -> list[str]:
    try:
        return expand_ports(text.replace(";", ","), "running configuration")
    except InputError:
        return []


__all__ = [
    "AP",
    "EDGE",
    "EXCLUDED",
    "UPLINK",
    "PortInfo",
    "PortRole",
    "RoleRequest",
    "apply_request",
    "assign_roles",
    "cli_name",
    "compact_ports",
    "expand_ports",
    "family",
]
