"""LLDP and CDP neighbours over SNMP: who is on the other end of each port.

Before a configuration push plans per-port settings, the port roles (:mod:`devices.config.roles`) need to know which
ports lead to another switch, a router, a wireless controller or an access point. Devices tell that through LLDP
(IEEE 802.1AB) and Cisco's CDP, and publish what they heard in three tables:

- LLDP-MIB ``lldpRemTable`` (1.0.8802.1.1.2.1.4.1), indexed by (timeMark, lldpRemLocalPortNum, lldpRemIndex). The
  local port number is LLDP's own: :func:`read_neighbours` maps it to an interface through ``lldpLocPortTable``
  (lldpLocPortId / lldpLocPortDesc against ifName and ifDescr), and only when neither names an interface takes the
  number for an ifIndex (true on Cisco, Aruba, D-Link, Zyxel; not on Huawei, whose GigabitEthernet0/0/1 is port 1
  but ifIndex 6). Management addresses come from ``lldpRemManAddrTable``, whose index carries them.
- LLDP-V2-MIB (IEEE 802.1AB-2009) ``lldpV2RemTable`` (1.3.111.2.802.1.1.13.1.4.1), indexed by (timeMark,
  lldpV2RemLocalIfIndex, lldpV2RemLocalDestMACAddress, lldpV2RemIndex): the local port is an ifIndex.
- CISCO-CDP-MIB ``cdpCacheTable`` (1.3.6.1.4.1.9.9.23.1.2.1), indexed by (cdpCacheIfIndex, cdpCacheDeviceIndex).

Capabilities are reduced to LLDP's words (other, repeater, bridge, wlan-ap, router, phone, docsis, station). The
enabled set is used where the device sends one, else the supported set: an IP phone supports bridging for its PC
port, a Linux host running lldpd may support routing without doing it.

Some agents (and the LibreNMS recordings the tests serve) put net-snmp's text form of a BITS value on the wire
instead of the bits, e.g. ``"28 2 4"`` (hex bytes, then the bit numbers) for bridge and router; that form is
recognised. Every walk is bounded by ``max_rows`` per column.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from devices.ifmib import IF_TABLE, IFX_TABLE, text_value
from devices.snmp import SnmpSession, SnmpValue

CAPABILITIES = frozenset({"repeater", "bridge", "wlan-ap", "router", "phone", "docsis", "station", "other"})

LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN_ADDR = "1.0.8802.1.1.2.1.4.2.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_V2_REM = "1.3.111.2.802.1.1.13.1.4.1.1"
LLDP_V2_REM_MAN_ADDR = "1.3.111.2.802.1.1.13.1.4.2.1"
CDP_CACHE = "1.3.6.1.4.1.9.9.23.1.2.1.1"
IF_NAME = f"{IFX_TABLE}.1"
IF_DESCR = f"{IF_TABLE}.2"

# Column numbers, from LLDP-MIB (IEEE 802.1AB-2005), LLDP-V2-MIB (802.1AB-2009) and CISCO-CDP-MIB.
_LLDP_COLS = {
    "chassis_subtype": 4,
    "chassis": 5,
    "port_subtype": 6,
    "port": 7,
    "port_desc": 8,
    "sys_name": 9,
    "sys_desc": 10,
    "cap_supported": 11,
    "cap_enabled": 12,
}
_LLDP_V2_COLS = {name: number + 1 for name, number in _LLDP_COLS.items()}  # V2 has one more index column first
_LOC_COLS = {"id_subtype": 2, "id": 3, "desc": 4}
_CDP_COLS = {"address_type": 3, "address": 4, "device_id": 6, "device_port": 7, "platform": 8, "capabilities": 9}
_MAN_ADDR_IF_SUBTYPE = 3  # any column of lldpRemManAddrTable will do: the address is in the index

# LldpSystemCapabilitiesMap bit numbers (bit 0 is the most significant bit of the first octet). LLDP-V2 adds
# cVLANComponent(8), sVLANComponent(9) and twoPortMACRelay(10), which are bridge components.
_LLDP_BITS = {0: "other", 1: "repeater", 2: "bridge", 3: "wlan-ap", 4: "router", 5: "phone", 6: "docsis", 7: "station"}
_LLDP_BITS.update({8: "bridge", 9: "bridge", 10: "bridge"})
# cdpCacheCapabilities: the CDP capability bits as a 32-bit word (CISCO-CDP-MIB; Cisco's CDP specification):
# 0x01 router, 0x02 transparent bridge, 0x04 source-route bridge, 0x08 switch, 0x10 host, 0x20 IGMP, 0x40 repeater,
# 0x80 phone, 0x100 remotely managed, 0x200 CVTA, 0x400 two-port MAC relay.
_CDP_BITS = {0x01: "router", 0x02: "bridge", 0x04: "bridge", 0x08: "bridge", 0x10: "station", 0x40: "repeater"}
_CDP_BITS.update({0x80: "phone", 0x400: "bridge"})
# Cisco access point models as CDP names them (platform "cisco AIR-AP2702I-UXK9", "cisco C9120AXI-E", "cisco
# CW9164I-ROW"); AIR-CT (controllers) are not APs.
_CISCO_AP_RE = re.compile(r"\b(?:AIR-(?:[A-Z]*AP|LAP|CAP)\d|C91\d\d|CW91\d\d)", re.IGNORECASE)
_NETSNMP_BITS_RE = re.compile(r"[0-9A-Fa-f]{2}(?: [0-9A-Fa-f]{2})*(?: \d{1,3})*")
_NETWORK = frozenset({"bridge", "router", "wlan-ap", "repeater", "docsis"})


@dataclass(frozen=True)
class Neighbour:
    """One device heard on a local port through LLDP or CDP.

    Attributes:
        local_port: the local port's ifName (its ifDescr when it has no ifName).
        remote_name: the neighbour's system name (LLDP sysName, CDP device id; the chassis id when it sends none).
        remote_port: the neighbour's port (LLDP port id or description, CDP device port).
        capabilities: what the neighbour says it is, in LLDP's words (see :data:`CAPABILITIES`).
        platform: CDP platform, or the first line of the LLDP system description.
        protocol: "lldp" or "cdp".
        address: a management address the neighbour advertises, if any.
    """

    local_port: str
    remote_name: str
    remote_port: str
    capabilities: frozenset[str]
    platform: str = ""
    protocol: str = "lldp"
    address: str | None = None

    @property
    def is_access_point(self) -> bool:
        """Whether the neighbour is a wireless access point (wlan-ap capability, or a Cisco AP platform)."""
        return "wlan-ap" in self.capabilities or bool(_CISCO_AP_RE.search(self.platform))

    @property
    def is_network_device(self) -> bool:
        """Whether the port leads to network gear (switch, router, controller or AP): never an edge port.

        A telephone with a PC port bridges too; phones are end devices, unless they also route. Hosts, stations
        and neighbours that send no capabilities are not network devices.
        """
        if self.is_access_point:
            return True
        caps = self.capabilities
        if "phone" in caps and not caps & {"router", "docsis", "repeater"}:
            return False
        return bool(caps & _NETWORK)


async def read_neighbours(session: SnmpSession, *, max_rows: int = 5000) -> list[Neighbour]:
    """Every LLDP (LLDP-MIB and LLDP-V2-MIB) and CDP neighbour the agent knows, one per remote entry.

    Raises the session's SnmpError (timeout, authentication, protocol, more than ``max_rows`` rows in a column).
    Rows whose index does not follow the MIB (some agents number lldpRemTable rows their own way) are left out,
    since their local port cannot be known. Equal entries (the same neighbour recorded twice) appear once.
    """
    columns = [
        *(f"{LLDP_REM}.{n}" for n in _LLDP_COLS.values()),
        f"{LLDP_REM_MAN_ADDR}.{_MAN_ADDR_IF_SUBTYPE}",
        *(f"{LLDP_LOC_PORT}.{n}" for n in _LOC_COLS.values()),
        *(f"{LLDP_V2_REM}.{n}" for n in _LLDP_V2_COLS.values()),
        f"{LLDP_V2_REM_MAN_ADDR}.{_MAN_ADDR_IF_SUBTYPE}",
        *(f"{CDP_CACHE}.{n}" for n in _CDP_COLS.values()),
        IF_NAME,
        IF_DESCR,
    ]
    walked = await session.walk_columns(columns, max_rows=max_rows)
    ports = _PortNames(walked.get(IF_NAME, {}), walked.get(IF_DESCR, {}))
    found = [*_lldp(walked, ports), *_lldp_v2(walked, ports), *_cdp(walked, ports)]
    return list(dict.fromkeys(found))


# --- LLDP ---------------------------------------------------------------------------------------------------------


class _PortNames:
    """ifIndex -> the port's name (ifName, else ifDescr), and a lookup of names back to it."""

    def __init__(self, names: Mapping[str, SnmpValue], descrs: Mapping[str, SnmpValue]) -> None:
        self.by_index: dict[int, str] = {}
        self.by_name: dict[str, str] = {}
        for index in sorted({*names, *descrs}, key=_index_key):
            if not index.isdigit():
                continue
            name, descr = text_value(names.get(index)), text_value(descrs.get(index))
            label = name or descr
            if not label:
                continue
            self.by_index[int(index)] = label
            for alias in (name, descr):
                if alias:
                    self.by_name.setdefault(alias.casefold(), label)

    def of_index(self, index: int) -> str:
        """The port with this ifIndex; ``"ifIndex N"`` when the agent lists no such interface."""
        return self.by_index.get(index, f"ifIndex {index}")

    def named(self, *texts: str) -> str | None:
        """The port whose ifName or ifDescr equals one of ``texts`` (case-insensitive), if any."""
        for text in texts:
            if text and text.casefold() in self.by_name:
                return self.by_name[text.casefold()]
        return None


def _lldp(walked: Mapping[str, Mapping[str, SnmpValue]], ports: _PortNames) -> Iterable[Neighbour]:
    rows = _rows(walked, LLDP_REM, _LLDP_COLS, parts=3)
    addresses = _addresses(walked.get(f"{LLDP_REM_MAN_ADDR}.{_MAN_ADDR_IF_SUBTYPE}", {}), parts=3)
    local = _local_ports(walked, ports)
    for index, row in rows.items():
        port_num = index[1]
        name = local.get(port_num) or ports.of_index(port_num)
        yield _lldp_neighbour(name, row, addresses.get(index))


def _lldp_v2(walked: Mapping[str, Mapping[str, SnmpValue]], ports: _PortNames) -> Iterable[Neighbour]:
    rows = _rows(walked, LLDP_V2_REM, _LLDP_V2_COLS, parts=4)
    addresses = _addresses(walked.get(f"{LLDP_V2_REM_MAN_ADDR}.{_MAN_ADDR_IF_SUBTYPE}", {}), parts=4)
    for index, row in rows.items():
        yield _lldp_neighbour(ports.of_index(index[1]), row, addresses.get(index))


def _local_ports(walked: Mapping[str, Mapping[str, SnmpValue]], ports: _PortNames) -> dict[int, str]:
    """lldpLocPortNum -> the interface it is, by lldpLocPortId or lldpLocPortDesc matching an ifName or ifDescr."""
    ids = walked.get(f"{LLDP_LOC_PORT}.{_LOC_COLS['id']}", {})
    descs = walked.get(f"{LLDP_LOC_PORT}.{_LOC_COLS['desc']}", {})
    out: dict[int, str] = {}
    for index in {*ids, *descs}:
        if not index.isdigit():
            continue
        port_id = ids.get(index)
        texts = [_text_or_none(port_id), _text_or_none(descs.get(index))]
        name = ports.named(*(t for t in texts if t))
        if name is not None:
            out[int(index)] = name
    return out


def _lldp_neighbour(local_port: str, row: Mapping[str, SnmpValue], address: str | None) -> Neighbour:
    enabled = _lldp_caps(row.get("cap_enabled"))
    caps = enabled if enabled else _lldp_caps(row.get("cap_supported"))
    chassis = _id_text(row.get("chassis"), _int(row.get("chassis_subtype")))
    return Neighbour(
        local_port=local_port,
        remote_name=text_value(row.get("sys_name")) or chassis,
        remote_port=_remote_port(row),
        capabilities=caps,
        platform=_first_line(text_value(row.get("sys_desc"))),
        protocol="lldp",
        address=address,
    )


def _remote_port(row: Mapping[str, SnmpValue]) -> str:
    """The neighbour's port: its port id when that is a name (subtypes interfaceAlias 1, interfaceName 5, local 7),
    else its port description, else the port id as text (a MAC address, a network address)."""
    subtype = _int(row.get("port_subtype"))
    port_id = _id_text(row.get("port"), subtype)
    desc = text_value(row.get("port_desc"))
    if subtype in (1, 5, 7) and port_id:
        return port_id
    return desc or port_id


def _lldp_caps(value: SnmpValue | None) -> frozenset[str]:
    bits = _bits(value)
    return frozenset(_LLDP_BITS[b] for b in bits if b in _LLDP_BITS)


def _bits(value: SnmpValue | None) -> set[int]:
    """Bit numbers set in a BITS value (bit 0 = most significant bit of the first octet), also in net-snmp's text
    form ("28 00 2 4"). Anything else (an INTEGER some agents send) carries no usable bits."""
    if not isinstance(value, bytes) or not value:
        return set()
    text = value.decode("ascii", errors="replace")
    if _NETSNMP_BITS_RE.fullmatch(text) and (" " in text or len(text) == 2):
        return _netsnmp_bits(text.split(" "))
    return _set_bits(value)


def _netsnmp_bits(parts: list[str]) -> set[int]:
    """net-snmp prints the octets in hex, then the numbers of the bits set; a two-digit bit number looks like an
    octet, so the split is the one where the numbers agree with the octets (else every hex-looking part)."""
    for split in range(1, len(parts) + 1):
        octets, numbers = parts[:split], parts[split:]
        if not all(len(p) == 2 for p in octets) or not all(p.isdigit() for p in numbers):
            continue
        bits = _set_bits(bytes(int(p, 16) for p in octets))
        if bits == {int(p) for p in numbers}:
            return bits
    return _set_bits(bytes(int(p, 16) for p in parts if len(p) == 2))


def _set_bits(raw: bytes) -> set[int]:
    return {i * 8 + b for i, octet in enumerate(raw) for b in range(8) if octet & (0x80 >> b)}


# --- CDP ----------------------------------------------------------------------------------------------------------


def _cdp(walked: Mapping[str, Mapping[str, SnmpValue]], ports: _PortNames) -> Iterable[Neighbour]:
    for index, row in _rows(walked, CDP_CACHE, _CDP_COLS, parts=2).items():
        platform = text_value(row.get("platform"))
        yield Neighbour(
            local_port=ports.of_index(index[0]),
            remote_name=text_value(row.get("device_id")),
            remote_port=text_value(row.get("device_port")),
            capabilities=_cdp_caps(row.get("capabilities")),
            platform=platform,
            protocol="cdp",
            address=_cdp_address(row),
        )


def _cdp_caps(value: SnmpValue | None) -> frozenset[str]:
    if not isinstance(value, bytes) or not value:
        return frozenset()
    word = int.from_bytes(value[-4:], "big")
    if word and not word & 0xFFFF:
        # Every defined CDP bit is below 0x1000: a word with only high bits set came byte-swapped, as the Cisco
        # Business Wireless controller in the recordings sends it ("29000000" for router, switch and IGMP).
        word = int.from_bytes(value[-4:], "little")
    return frozenset(name for bit, name in _CDP_BITS.items() if word & bit)


def _cdp_address(row: Mapping[str, SnmpValue]) -> str | None:
    value = row.get("address")
    if _int(row.get("address_type")) == 1 and isinstance(value, bytes) and len(value) == 4:
        return str(ipaddress.IPv4Address(value))
    return None


# --- shared -------------------------------------------------------------------------------------------------------


def _rows(
    walked: Mapping[str, Mapping[str, SnmpValue]], table: str, columns: Mapping[str, int], *, parts: int
) -> dict[tuple[int, ...], dict[str, SnmpValue]]:
    """The table's rows by index (only indexes of ``parts`` numbers), each as {column name: value}."""
    rows: dict[tuple[int, ...], dict[str, SnmpValue]] = {}
    for name, number in columns.items():
        for suffix, value in walked.get(f"{table}.{number}", {}).items():
            index = _index(suffix)
            if index is not None and len(index) == parts:
                rows.setdefault(index, {})[name] = value
    return dict(sorted(rows.items()))


def _addresses(column: Mapping[str, SnmpValue], *, parts: int) -> dict[tuple[int, ...], str]:
    """Remote entry index -> a management address from the index of a lldpRemManAddrTable column (IPv4 first).

    After the entry's own index come the address family (1 IPv4, 2 IPv6) and the address, length first as
    LLDP-MIB says; some agents leave the length out, so an index of exactly 4 or 16 octets is taken as is.
    """
    found: dict[tuple[int, ...], list[ipaddress.IPv4Address | ipaddress.IPv6Address]] = {}
    for suffix in column:
        index = _index(suffix)
        if index is None or len(index) < parts + 2:
            continue
        entry, family, rest = index[:parts], index[parts], list(index[parts + 1 :])
        if rest and rest[0] == len(rest) - 1:
            rest = rest[1:]
        size = {1: 4, 2: 16}.get(family)
        if size is None or len(rest) != size or any(b > 255 for b in rest):
            continue
        found.setdefault(entry, []).append(ipaddress.ip_address(bytes(rest)))
    return {entry: str(sorted(addrs, key=lambda a: (a.version, a))[0]) for entry, addrs in found.items()}


def _id_text(value: SnmpValue | None, subtype: int | None) -> str:
    """A chassis or port id as text: a 6-octet MAC address (subtype 4 for chassis ids, 3 for port ids) as
    aa:bb:cc:dd:ee:ff, anything printable as it is, other octets in hex."""
    if not isinstance(value, bytes):
        return text_value(value)
    if len(value) == 6 and (subtype in (3, 4) or not _printable(value)):
        return ":".join(f"{b:02x}" for b in value)
    if _printable(value):
        return text_value(value)
    return value.hex(":")


def _text_or_none(value: SnmpValue | None) -> str | None:
    if isinstance(value, bytes) and not _printable(value):
        return None
    return text_value(value) or None


def _printable(value: bytes) -> bool:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\t" for ch in text.rstrip("\x00"))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _int(value: SnmpValue | None) -> int | None:
    return value if isinstance(value, int) else None


def _index(suffix: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in suffix.split("."))
    except ValueError:
        return None


def _index_key(index: str) -> tuple[int, ...]:
    return _index(index) or ()


__all__ = ["CAPABILITIES", "Neighbour", "read_neighbours"]
