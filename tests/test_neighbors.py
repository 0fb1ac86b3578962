"""LLDP and CDP neighbours read over SNMP from snmpsim serving the real device recordings.

For every recording that carries LLDP (LLDP-MIB or LLDP-V2-MIB) or CDP remote entries, the neighbours
:func:`devices.neighbors.read_neighbours` finds must be what the recording holds, parsed here on its own from the
.snmprec file (:func:`tests.peers.parse_snmprec`). A few neighbours are also written out by hand, read off the
recording lines, so a shared mistake in both parsers would still show.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.errors import SnmpProtocolError
from devices.neighbors import Neighbour, read_neighbours
from devices.snmp import SnmpSession
from tests.peers import SnmpSim, parse_snmprec

LLDP_REM = "1.0.8802.1.1.2.1.4.1.1."
LLDP_V2_REM = "1.3.111.2.802.1.1.13.1.4.1.1."
CDP = "1.3.6.1.4.1.9.9.23.1.2.1.1."
REMOTE_TABLES = (LLDP_REM, LLDP_V2_REM, CDP)

# An LLDP-V2-MIB walk: no recording in shared/snmprec has one, so these rows are the lldpV2RemTable answer of a
# Palo Alto firewall published in aristanetworks/goarista's SNMP-to-gNMI translator tests (basicLldpV2RemTableResponse,
# two Arista switches on ethernet1/13 and ethernet1/14). Chassis ids are its 6-octet MAC addresses; the ifName rows
# are the port names its lldpV2LocPortTable gives for ifIndex 18 and 19.
LLDP_V2_WALK = """\
1.3.6.1.2.1.31.1.1.1.1.18|4|ethernet1/13
1.3.6.1.2.1.31.1.1.1.1.19|4|ethernet1/14
1.3.111.2.802.1.1.13.1.4.1.1.5.0.18.1.1|2|4
1.3.111.2.802.1.1.13.1.4.1.1.5.0.19.1.2|2|4
1.3.111.2.802.1.1.13.1.4.1.1.6.0.18.1.1|4x|28993abf2646
1.3.111.2.802.1.1.13.1.4.1.1.6.0.19.1.2|4x|28993abf23f6
1.3.111.2.802.1.1.13.1.4.1.1.7.0.18.1.1|2|5
1.3.111.2.802.1.1.13.1.4.1.1.7.0.19.1.2|2|5
1.3.111.2.802.1.1.13.1.4.1.1.8.0.18.1.1|4|Ethernet46
1.3.111.2.802.1.1.13.1.4.1.1.8.0.19.1.2|4|Ethernet46
1.3.111.2.802.1.1.13.1.4.1.1.10.0.18.1.1|4|switch123.sjc.aristanetworks.com
1.3.111.2.802.1.1.13.1.4.1.1.10.0.19.1.2|4|switch124.sjc.aristanetworks.com
1.3.111.2.802.1.1.13.1.4.1.1.11.0.18.1.1|4|Arista Networks EOS version x.y.z
1.3.111.2.802.1.1.13.1.4.1.1.11.0.19.1.2|4|Arista Networks EOS version x.y.z
1.3.111.2.802.1.1.13.1.4.1.1.12.0.18.1.1|4x|2800
1.3.111.2.802.1.1.13.1.4.1.1.12.0.19.1.2|4x|2800
1.3.111.2.802.1.1.13.1.4.1.1.13.0.18.1.1|4x|2800
1.3.111.2.802.1.1.13.1.4.1.1.13.0.19.1.2|4x|2800
"""

# LLDP-MIB LldpSystemCapabilitiesMap bit names (LLDP-V2 adds three bridge components, bits 8-10).
LLDP_BIT_NAMES = ["other", "repeater", "bridge", "wlan-ap", "router", "phone", "docsis", "station"]
LLDP_BIT_NAMES += ["bridge", "bridge", "bridge"]
# CDP capability bits (CISCO-CDP-MIB cdpCacheCapabilities).
CDP_BIT_NAMES = {0x01: "router", 0x02: "bridge", 0x04: "bridge", 0x08: "bridge", 0x10: "station", 0x40: "repeater"}
CDP_BIT_NAMES |= {0x80: "phone", 0x400: "bridge"}

Row = tuple[str, str, str, frozenset[str], str, str, str | None]


def _recordings(snmprec_dir: Path) -> dict[str, Path]:
    out = {}
    for path in sorted(snmprec_dir.glob("*.snmprec")):
        with path.open(encoding="latin-1") as f:
            if any(line.startswith(REMOTE_TABLES) for line in f):
                out[path.stem] = path
    return out


@pytest.fixture(scope="module")
def sim(snmprec_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SnmpSim, dict[str, Path]]]:
    recordings = _recordings(snmprec_dir)
    served: dict[str, Path | str] = {**recordings, "lldp_v2": LLDP_V2_WALK}
    with SnmpSim(tmp_path_factory.mktemp("neighbours"), served) as agent:
        yield agent, recordings


def _read(agent: SnmpSim, community: str, **kwargs: int) -> list[Neighbour]:
    async def run() -> list[Neighbour]:
        async with SnmpSession(agent.target(community, timeout=5.0)) as session:
            return await read_neighbours(session, **kwargs)

    return asyncio.run(run())


def _as_rows(neighbours: list[Neighbour]) -> set[Row]:
    return {
        (n.local_port, n.remote_name, n.remote_port, n.capabilities, n.platform, n.protocol, n.address)
        for n in neighbours
    }


# --- the recording parsed here -----------------------------------------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip().strip("\x00")
    return "" if value is None else str(value)


def _mac_or_text(value: object, mac_subtypes: tuple[int, ...], subtype: object) -> str:
    if isinstance(value, bytes) and len(value) == 6 and (subtype in mac_subtypes or not value.isascii()):
        return ":".join(f"{b:02x}" for b in value)
    return _text(value)


def _lldp_bits(value: object) -> frozenset[str]:
    """The capability names in a recorded BITS value. LibreNMS recorded net-snmp's text ("28 00 2 4": octets, then
    the numbers of the bits set); a real binary value (the V2 walk) is read bit by bit."""
    if not isinstance(value, bytes) or not value:
        return frozenset()
    text = value.decode("latin-1")
    if all(ch in "0123456789abcdefABCDEF " for ch in text) and (" " in text or len(text) == 2):
        parts = text.split()
        first_number = next((i for i, p in enumerate(parts) if len(p) != 2), len(parts))
        numbers = [int(p) for p in parts[first_number:]]
    else:
        numbers = [i for i in range(len(value) * 8) if value[i // 8] & (0x80 >> (i % 8))]
    return frozenset(LLDP_BIT_NAMES[n] for n in numbers if n < len(LLDP_BIT_NAMES))


def _interfaces(records: dict[str, tuple[str, object]]) -> tuple[dict[int, str], dict[str, str]]:
    names: dict[int, str] = {}
    for column in ("1.3.6.1.2.1.2.2.1.2.", "1.3.6.1.2.1.31.1.1.1.1."):  # ifDescr, then ifName wins
        for oid, (_tag, value) in records.items():
            if oid.startswith(column) and oid[len(column) :].isdigit() and _text(value):
                names[int(oid[len(column) :])] = _text(value)
    lookup: dict[str, str] = {}
    for oid, (_tag, value) in records.items():
        for column in ("1.3.6.1.2.1.31.1.1.1.1.", "1.3.6.1.2.1.2.2.1.2."):
            if oid.startswith(column) and oid[len(column) :].isdigit() and _text(value):
                lookup.setdefault(_text(value).casefold(), names[int(oid[len(column) :])])
    return names, lookup


def _table(records: dict[str, tuple[str, object]], prefix: str, parts: int) -> dict[tuple[int, ...], dict[int, object]]:
    rows: dict[tuple[int, ...], dict[int, object]] = {}
    for oid, (_tag, value) in records.items():
        if oid.startswith(prefix):
            column, *index = (int(p) for p in oid[len(prefix) :].split("."))
            if len(index) == parts:
                rows.setdefault(tuple(index), {})[column] = value
    return rows


def _man_addresses(records: dict[str, tuple[str, object]], prefix: str, parts: int) -> dict[tuple[int, ...], str]:
    found: dict[tuple[int, ...], list[ipaddress.IPv4Address | ipaddress.IPv6Address]] = {}
    for oid in records:
        if not oid.startswith(prefix + "3."):
            continue
        index = [int(p) for p in oid[len(prefix) + 2 :].split(".")]
        entry, family, octets = tuple(index[:parts]), index[parts], index[parts + 1 :]
        if octets and octets[0] == len(octets) - 1:
            octets = octets[1:]  # length first, as LLDP-MIB indexes an OCTET STRING (FortiSwitch leaves it out)
        if (family, len(octets)) in ((1, 4), (2, 16)):
            found.setdefault(entry, []).append(ipaddress.ip_address(bytes(octets)))
    return {e: str(min(a, key=lambda x: (x.version, x))) for e, a in found.items()}


def _lldp_row(local: str, cols: dict[int, object], first: int, address: str | None) -> Row:
    # Column offsets from lldpRemChassisIdSubtype (4 in LLDP-MIB, 5 in LLDP-V2-MIB).
    chassis_subtype, chassis, port_subtype, port_id, port_desc, sys_name, sys_desc, supported, enabled = (
        cols.get(first + i) for i in range(9)
    )
    caps = _lldp_bits(enabled) or _lldp_bits(supported)
    port = _mac_or_text(port_id, (3,), port_subtype)
    remote_port = port if port_subtype in (1, 5, 7) and port else (_text(port_desc) or port)
    name = _text(sys_name) or _mac_or_text(chassis, (4,), chassis_subtype)
    descr = _text(sys_desc)
    platform = descr.splitlines()[0].strip() if descr else ""
    return (local, name, remote_port, caps, platform, "lldp", address)


def expected_neighbours(records: dict[str, tuple[str, object]]) -> set[Row]:
    """Every LLDP, LLDP-V2 and CDP remote entry in a recording, parsed from the recording alone."""
    names, lookup = _interfaces(records)
    out: set[Row] = set()
    local_ids = {
        int(oid.rsplit(".", 1)[1]): _text(v)
        for oid, (_t, v) in records.items()
        if oid.startswith("1.0.8802.1.1.2.1.3.7.1.3.")
    }
    addresses = _man_addresses(records, "1.0.8802.1.1.2.1.4.2.1.", 3)
    for index, cols in _table(records, LLDP_REM, 3).items():
        port_num = index[1]
        local = lookup.get(local_ids.get(port_num, "").casefold()) or names.get(port_num, f"ifIndex {port_num}")
        out.add(_lldp_row(local, cols, 4, addresses.get(index)))
    addresses = _man_addresses(records, "1.3.111.2.802.1.1.13.1.4.2.1.", 4)
    for index, cols in _table(records, LLDP_V2_REM, 4).items():
        out.add(_lldp_row(names.get(index[1], f"ifIndex {index[1]}"), cols, 5, addresses.get(index)))
    for index, cols in _table(records, CDP, 2).items():
        raw = cols.get(9)
        word = int.from_bytes(raw[-4:], "big") if isinstance(raw, bytes) and raw else 0
        if word and not word & 0xFFFF:  # the Business Wireless controller sends the word byte-swapped
            word = int.from_bytes(raw[-4:], "little")  # type: ignore[index]
        caps = frozenset(name for bit, name in CDP_BIT_NAMES.items() if word & bit)
        addr = cols.get(4)
        address = str(ipaddress.IPv4Address(addr)) if cols.get(3) == 1 and isinstance(addr, bytes) else None
        local = names.get(index[0], f"ifIndex {index[0]}")
        out.add((local, _text(cols.get(6)), _text(cols.get(7)), caps, _text(cols.get(8)), "cdp", address))
    return out


# --- tests -------------------------------------------------------------------------------------------------------


def test_every_recording_with_neighbours_reads_as_recorded(sim: tuple[SnmpSim, dict[str, Path]]) -> None:
    agent, recordings = sim
    assert len(recordings) >= 9  # LLDP on 8 switches and a router, CDP on a 2960-X and a controller
    with_neighbours = 0
    for stem, path in recordings.items():
        expected = expected_neighbours(parse_snmprec(path))  # type: ignore[arg-type]
        got = _read(agent, stem)
        assert _as_rows(got) == expected, stem
        assert len(got) == len(expected), stem  # one neighbour per distinct remote entry
        with_neighbours += bool(got)
    assert with_neighbours >= 9


def test_lldp_v2_table_is_read_by_ifindex(sim: tuple[SnmpSim, dict[str, Path]]) -> None:
    agent, _ = sim
    got = _read(agent, "lldp_v2")
    assert _as_rows(got) == expected_neighbours(parse_snmprec(LLDP_V2_WALK))  # type: ignore[arg-type]
    assert {(n.local_port, n.remote_name, n.remote_port) for n in got} == {
        ("ethernet1/13", "switch123.sjc.aristanetworks.com", "Ethernet46"),
        ("ethernet1/14", "switch124.sjc.aristanetworks.com", "Ethernet46"),
    }
    assert all(n.capabilities == {"bridge", "router"} and n.is_network_device for n in got)


def test_neighbours_read_off_the_recording_lines(sim: tuple[SnmpSim, dict[str, Path]]) -> None:
    agent, _ = sim
    # ios_2960x cdpCacheTable: ifIndex 10152 (Gi1/0/52) hears acme-fr-s-001, "cisco WS-C3850-12S", capabilities
    # 0x29 (router, switch, IGMP), address 0A364005; ifIndex 10103 (Gi1/0/3) an AIR-AP2702I with 0x26.
    cdp = {n.local_port: n for n in _read(agent, "ios_2960x")}
    core = cdp["Gi1/0/52"]
    assert (core.remote_name, core.remote_port, core.platform) == (
        "acme-fr-s-001",
        "GigabitEthernet1/0/3",
        "cisco WS-C3850-12S",
    )
    assert core.capabilities == {"router", "bridge"} and core.address == "10.54.64.5" and core.protocol == "cdp"
    assert core.is_network_device and not core.is_access_point
    assert cdp["Gi1/0/3"].is_access_point and cdp["Gi1/0/3"].remote_name == "acme-fr-ap-011"
    # arubaos-cx_10.07: local port 1 (1/1/1) hears an Aruba AP (enabled capabilities "10 3": wlan-ap only),
    # local port 51 an Aruba JL635A switch on its port 1/1/17 (bridge, router).
    cx = {(n.local_port, n.remote_name): n for n in _read(agent, "arubaos-cx_10.07")}
    assert cx[("1/1/1", "aruba-ap-name")].capabilities == {"wlan-ap"}
    assert cx[("1/1/51", "switch-name")].remote_port == "1/1/17"
    # vrp_5720: LLDP local port 50 is XGigabitEthernet0/0/1 by lldpLocPortId, though ifIndex 50 is another port.
    vrp = {n.remote_name: n.local_port for n in _read(agent, "vrp_5720")}
    assert vrp["Zrih"] == "XGigabitEthernet0/0/2" and vrp["LNS-Huawei"] == "GigabitEthernet0/0/14"
    # fortiswitch: Yealink SIP-T41S phones (bridge + telephone) are end devices, not network gear.
    phones = [n for n in _read(agent, "fortiswitch_148f-fpoe") if n.remote_name == "SIP-T41S"]
    assert phones and all(n.capabilities == {"bridge", "phone"} and not n.is_network_device for n in phones)


def test_walks_are_bounded(sim: tuple[SnmpSim, dict[str, Path]]) -> None:
    agent, _ = sim
    with pytest.raises(SnmpProtocolError, match="more than 5 rows"):
        _read(agent, "arubaos-cx_10.07", max_rows=5)


@pytest.mark.parametrize(
    ("caps", "platform", "network", "ap"),
    [
        ({"bridge", "phone"}, "", False, False),  # an IP phone with a PC port
        ({"router", "phone"}, "", True, False),
        ({"station"}, "", False, False),
        (set(), "", False, False),
        ({"bridge"}, "cisco AIR-AP2802I-E-K9", True, True),
        ({"bridge"}, "cisco C9120AXI-E", True, True),
        ({"router", "bridge"}, "cisco C9200L-24P-4G", True, False),  # a Catalyst 9200 switch, not a C91xx AP
        ({"router"}, "cisco AIR-CT5520-K9", True, False),  # a controller
        ({"wlan-ap"}, "", True, True),
        ({"docsis"}, "", True, False),
    ],
)
def test_what_counts_as_network_gear(caps: set[str], platform: str, network: bool, ap: bool) -> None:
    neighbour = Neighbour("Gi1/0/1", "n", "p", frozenset(caps), platform)
    assert (neighbour.is_network_device, neighbour.is_access_point) == (network, ap)


def test_recorded_neighbours_decide_roles_on_the_recorded_switch(sim: tuple[SnmpSim, dict[str, Path]]) -> None:
    """The 2960-X recording end to end: its ports (IF-MIB rows) and CDP neighbours give the uplink to the 3850 no
    edge hardening and make the AP ports AP ports, even with every port an access port in the configuration."""
    from devices.config.roles import PortInfo, RoleRequest, assign_roles
    from tests.helpers import recorded_interfaces

    agent, recordings = sim
    ports = [
        PortInfo(row["name"], row["descr"], "", row["type"])
        for row in recorded_interfaces(recordings["ios_2960x"]).values()
    ]
    running = "".join(f"interface {p.descr}\n switchport mode access\n!\n" for p in ports if p.if_type == 6)
    neighbours = _read(agent, "ios_2960x")
    roles = {
        r.port: r
        for r in assign_roles("cisco_ios", running=running, ports=ports, neighbours=neighbours, requested=RoleRequest())
    }
    for port in ("GigabitEthernet1/0/52", "GigabitEthernet3/0/52"):
        assert roles[port].role == "excluded" and "acme-fr-s-001" in roles[port].reason
    for port in ("GigabitEthernet1/0/3", "GigabitEthernet1/0/4", "GigabitEthernet1/0/5", "GigabitEthernet3/0/3"):
        assert roles[port].role == "ap", roles[port]
    assert roles["GigabitEthernet1/0/10"].role == "edge"
    assert roles["Vlan1"].role == "excluded"
