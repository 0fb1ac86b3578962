"""Port roles: edge hardening only on ports known to be edge access ports, every other port excluded with its reason.

Running configurations are real device output (each names its source) or, where a case needs a port no public
configuration has, written in the device's printed format next to it. The demo-like core switch is the demo's
Catalyst 2960-X core (monitor/demo/school.py): building downlinks aliased "Downlink 行政大樓" ..., servers, the 資訊組
office, and the TANet uplink on Gi1/0/48, which the poller marks as an uplink.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.config.facts import DeviceFacts
from devices.config.profile import load_profile, port_request
from devices.config.render import render
from devices.config.roles import (
    PortInfo,
    PortRole,
    RoleRequest,
    assign_roles,
    cli_name,
    compact_ports,
    expand_ports,
)
from devices.errors import InputError
from devices.neighbors import Neighbour

EXAMPLE = Path(__file__).resolve().parent.parent / "devices" / "profiles" / "example.toml"
SECRETS = {"county-radius": "Rad1us-S3cret!", "snmpv3-auth": "AuthKey-123456", "snmpv3-priv": "PrivKey-654321"}
AUTO = RoleRequest()


def _by_port(roles: list[PortRole]) -> dict[str, PortRole]:
    by_port = {r.port: r for r in roles}
    assert len(by_port) == len(roles), "each port once"
    return by_port


def _cisco_ports(count: int, aliases: dict[int, str] | None = None, **marks: set[int]) -> list[PortInfo]:
    aliases = aliases or {}
    return [
        PortInfo(
            f"Gi1/0/{n}",
            f"GigabitEthernet1/0/{n}",
            aliases.get(n, ""),
            6,
            is_uplink=n in marks.get("uplink", set()),
            important=n in marks.get("important", set()),
        )
        for n in range(1, count + 1)
    ]


# --- the demo-like core switch ------------------------------------------------------------------------------------

CORE_ALIASES = {
    1: "Downlink 行政大樓",
    2: "Downlink 教學大樓",
    3: "Downlink-Classroom-Bldg",
    4: "Uplink-Core",
    5: "上聯 縣網",
    6: "對外 TANet",
    7: "DOWNLINK 圖書館",
    10: "Server 校務行政系統",
    13: "無線控制器 WLC",
    20: "資訊組辦公室 1",
    48: "Uplink to 縣網中心 (TANet 1G)",
}


def _core_running() -> str:
    """The core's running configuration as IOS 15.2 on a 2960-X prints it (every interface listed, "!" between
    blocks, as in show running-config output such as madsdude/Ring-topologi SW-LAN-1.md): factory ports, the
    downlinks left at their defaults (so nothing in the configuration says they are trunks: DTP makes them so), a
    trunk on Gi1/0/40 and Gi1/0/48, and Gi1/0/45 in a port channel."""
    blocks = ["interface Port-channel1\n switchport mode trunk\n!"]
    special = {
        40: " switchport mode trunk",
        45: " switchport mode trunk\n channel-group 1 mode active",
        48: " switchport trunk allowed vlan 10,20,99\n switchport mode trunk",
        21: " switchport access vlan 20\n switchport mode access",
    }
    for n in range(1, 49):
        body = special.get(n)
        blocks.append(
            f"interface GigabitEthernet1/0/{n}\n{body}\n!" if body else f"interface GigabitEthernet1/0/{n}\n!"
        )
    blocks.append("interface Vlan1\n ip address 192.0.2.10 255.255.255.0\n!")
    return "!\nversion 15.2\n" + "\n".join(blocks) + "\nend\n"


CORE_NEIGHBOURS = [
    # CDP as the 2960-X recording shows a neighbouring switch (router, switch, IGMP) and a controller.
    Neighbour(
        "Gi1/0/30",
        "acme-fr-s-001",
        "GigabitEthernet1/0/3",
        frozenset({"router", "bridge"}),
        "cisco WS-C3850-12S",
        "cdp",
    ),
    Neighbour(
        "Gi1/0/13", "wlc-1", "TenGigabitEthernet0/0/1", frozenset({"router", "bridge"}), "cisco AIR-CT5520-K9", "cdp"
    ),
    # LLDP as the AOS-CX recording shows an Aruba AP (enabled capability wlan-ap only).
    Neighbour("Gi1/0/31", "aruba-ap-name", "eth0", frozenset({"wlan-ap"}), "ArubaOS (MODEL: 515), Version Aruba AP"),
    # A Yealink phone (bridge + telephone) as the FortiSwitch recording shows one: an end device.
    Neighbour("Gi1/0/22", "SIP-T41S", "WAN PORT", frozenset({"bridge", "phone"}), "66.86.188.8"),
]


@pytest.fixture
def core() -> tuple[list[PortInfo], list[PortRole]]:
    ports = [
        *_cisco_ports(48, CORE_ALIASES, uplink={48}, important={46}),
        PortInfo("Vl1", "Vlan1", "", 53),
        PortInfo("Po1", "Port-channel1", "", 161),
    ]
    roles = assign_roles("cisco_ios", running=_core_running(), ports=ports, neighbours=CORE_NEIGHBOURS, requested=AUTO)
    return ports, roles


def test_core_downlinks_and_uplinks_get_no_edge_hardening(core: tuple[list[PortInfo], list[PortRole]]) -> None:
    _, roles = core
    by_port = _by_port(roles)
    for n in (1, 2, 3, 4, 5, 6, 7):
        role = by_port[f"GigabitEthernet1/0/{n}"]
        assert role.role == "excluded", role
        assert role.reason == f"alias {CORE_ALIASES[n]!r} names an uplink, downlink or trunk"
    assert by_port["GigabitEthernet1/0/48"] == PortRole("GigabitEthernet1/0/48", "uplink", "marked uplink")
    assert by_port["GigabitEthernet1/0/40"].reason == "trunk in the running configuration (switchport mode trunk)"
    assert by_port["GigabitEthernet1/0/45"].role == "excluded"
    assert by_port["GigabitEthernet1/0/46"] == PortRole("GigabitEthernet1/0/46", "excluded", "marked important")


def test_core_neighbours_decide_their_ports(core: tuple[list[PortInfo], list[PortRole]]) -> None:
    _, roles = core
    by_port = _by_port(roles)
    switch = by_port["GigabitEthernet1/0/30"]
    assert switch.role == "excluded"
    assert switch.reason == "acme-fr-s-001 (CDP, cisco WS-C3850-12S) is network gear (bridge, router)"
    assert by_port["GigabitEthernet1/0/13"].role == "excluded"  # the controller
    assert by_port["GigabitEthernet1/0/31"] == PortRole(
        "GigabitEthernet1/0/31", "ap", "access point aruba-ap-name (LLDP, ArubaOS (MODEL: 515), Version Aruba AP)"
    )
    assert by_port["GigabitEthernet1/0/22"].role == "edge"  # a phone is an end device


def test_core_role_table_lists_every_port_with_a_reason(core: tuple[list[PortInfo], list[PortRole]]) -> None:
    ports, roles = core
    assert [r.port for r in roles] == [cli_name("cisco_ios", p.name, p.descr) for p in ports]
    assert all(r.role in ("edge", "ap", "uplink", "excluded") and r.reason for r in roles)
    by_port = _by_port(roles)
    assert by_port["Vlan1"] == PortRole("Vlan1", "excluded", "not a physical Ethernet port")
    assert by_port["Port-channel1"].reason == "not a physical Ethernet port"
    edge = sorted(int(r.port.rsplit("/", 1)[1]) for r in roles if r.role == "edge")
    assert edge == [n for n in range(8, 48) if n not in (13, 30, 31, 40, 45, 46)]
    assert by_port["GigabitEthernet1/0/20"].reason == "access port with no switch or router behind it"


def test_core_renders_hardening_only_on_edge_ports(core: tuple[list[PortInfo], list[PortRole]]) -> None:
    _, roles = core
    facts = DeviceFacts("cisco_ios", "15.2(7)E8", "C2960X")
    rendered = render(
        "baseline", "cisco_ios", load_profile(EXAMPLE), secrets=SECRETS.__getitem__, facts=facts, roles=roles
    )
    blocks: dict[str, list[str]] = {}
    current = None
    for line in rendered.lines:
        if line.startswith("interface "):
            current = line.split(" ", 1)[1]
            blocks[current] = []
        elif line.startswith(" ") and current is not None:
            blocks[current].append(line.strip())
        else:
            current = None
    for n in (1, 2, 3, 4, 5, 6, 7, 13, 30, 40, 45, 46):
        assert f"GigabitEthernet1/0/{n}" not in blocks, n
    assert blocks["GigabitEthernet1/0/48"] == ["ip dhcp snooping trust"]
    assert "spanning-tree bpduguard enable" in blocks["GigabitEthernet1/0/20"]
    assert "spanning-tree portfast edge" in blocks["GigabitEthernet1/0/20"]
    assert rendered.roles == roles


def test_core_switch_override_turns_edge_hardening_off(core: tuple[list[PortInfo], list[PortRole]]) -> None:
    ports, _ = core
    request = port_request(load_profile(EXAMPLE), "cisco_ios", "core-sw")
    roles = assign_roles(
        "cisco_ios", running=_core_running(), ports=ports, neighbours=CORE_NEIGHBOURS, requested=request
    )
    assert not [r for r in roles if r.role == "edge"]
    assert _by_port(roles)["GigabitEthernet1/0/20"].reason == "edge = \"none\" in baseline.ports.device 'core-sw'"
    # A trunk keeps its own, more telling reason.
    assert _by_port(roles)["GigabitEthernet1/0/40"].reason.startswith("trunk in the running configuration")
    assert _by_port(roles)["GigabitEthernet1/0/48"].role == "uplink"


# --- real running configurations ----------------------------------------------------------------------------------

# show running-config of a Catalyst 2960 (IOS 12.2/15.x FastEthernet switch), from the public repository
# Rodrigo-Serpa/Project, Switches/Switch11.md (interfaces only; unchanged ports between them left out).
IOS_SWITCH11 = """\
interface Port-channel2
 switchport mode trunk
!
interface FastEthernet0/1
!
interface FastEthernet0/4
 switchport access vlan 30
 switchport mode access
!
interface FastEthernet0/5
 switchport mode access
 switchport voice vlan 20
 mls qos trust cos
 spanning-tree portfast
!
interface FastEthernet0/11
 switchport mode trunk
 channel-protocol lacp
 channel-group 2 mode active
!
interface FastEthernet0/12
 switchport mode trunk
 channel-protocol lacp
 channel-group 2 mode active
!
interface FastEthernet0/13
 switchport mode trunk
!
interface GigabitEthernet0/1
!
interface Vlan1
 no ip address
 shutdown
!
"""


def test_real_ios_configuration() -> None:
    names = ["Fa0/1", "Fa0/4", "Fa0/5", "Fa0/11", "Fa0/12", "Fa0/13", "Gi0/1", "Fa0/2", "Po2", "Vl1"]
    ports = [PortInfo(n, if_type=53 if n.startswith("Vl") else 161 if n.startswith("Po") else 6) for n in names]
    roles = _by_port(assign_roles("cisco_ios", running=IOS_SWITCH11, ports=ports, neighbours=[], requested=AUTO))
    assert {p for p, r in roles.items() if r.role == "edge"} == {
        "FastEthernet0/1",
        "FastEthernet0/4",
        "FastEthernet0/5",
        "GigabitEthernet0/1",
    }
    for port in ("FastEthernet0/11", "FastEthernet0/12", "FastEthernet0/13"):
        assert roles[port].reason == "trunk in the running configuration (switchport mode trunk)"
    assert roles["FastEthernet0/2"].reason == "not in the running configuration"  # left out of the excerpt above
    assert roles["Port-channel2"].reason == roles["Vlan1"].reason == "not a physical Ethernet port"


# display current-configuration of an HP V1910 (Comware 5.20 Release 1513P81), from mpenning/ciscoconfparse
# configs/HP_Procurve.conf (three of its 52 ports).
COMWARE_V1910 = """\
#
interface Bridge-Aggregation1
 port link-type trunk
 undo port trunk permit vlan 1
 port trunk permit vlan 10 to 11 13 100 to 250
#
interface GigabitEthernet1/0/1
 port link-type trunk
 undo port trunk permit vlan 1
 port trunk permit vlan 10 to 11 13 100 to 250
 stp edged-port enable
 port link-aggregation group 1
#
interface GigabitEthernet1/0/2
 port link-type hybrid
 undo port hybrid vlan 1
 port hybrid vlan 10 tagged
 stp edged-port enable
#
interface GigabitEthernet1/0/25
 stp edged-port enable
#
"""


def test_real_comware_configuration() -> None:
    # Comware 7 names ports GE1/0/1 in ifName; the configuration writes GigabitEthernet1/0/1.
    ports = [PortInfo(f"GE1/0/{n}", if_type=6) for n in (1, 2, 25)] + [PortInfo("BAGG1", if_type=161)]
    roles = _by_port(assign_roles("hp_comware", running=COMWARE_V1910, ports=ports, neighbours=[], requested=AUTO))
    assert roles["GigabitEthernet1/0/1"].reason == "trunk port in the running configuration (port link-type trunk)"
    assert roles["GigabitEthernet1/0/2"].reason == "hybrid port in the running configuration (port link-type hybrid)"
    assert roles["GigabitEthernet1/0/25"].role == "edge"
    assert roles["Bridge-Aggregation1"].role == "excluded"


def test_procurve_vlan_lists_and_trunk_groups() -> None:
    # ArubaOS-Switch prints port membership per VLAN and trunk groups on their own line (HPE ArubaOS-Switch
    # Management and Configuration Guide, "vlan ... untagged/tagged" and "trunk 49-50 trk1 lacp").
    running = (
        'hostname "SW-2530"\n'
        "trunk 49-50 trk1 lacp\n"
        "vlan 1\n"
        '   name "DEFAULT_VLAN"\n'
        "   untagged 1-24,Trk1\n"
        "   tagged 25\n"
        "   exit\n"
        "vlan 20\n"
        '   name "STAFF"\n'
        "   tagged 24-25,Trk1\n"
        "   exit\n"
    )
    ports = [PortInfo(str(n), str(n), "", 6) for n in (1, 2, 24, 25, 49, 50)] + [PortInfo("Trk1", "Trk1", "", 161)]
    roles = _by_port(assign_roles("hp_procurve", running=running, ports=ports, neighbours=[], requested=AUTO))
    assert [p for p, r in roles.items() if r.role == "edge"] == ["1", "2"]
    assert roles["24"].reason == "tagged in VLAN 20 (a trunk)" and roles["25"].reason == "tagged in VLAN 1 (a trunk)"
    assert roles["49"].reason == roles["50"].reason == "member of Trk1"
    assert roles["Trk1"].reason == "not a physical Ethernet port"


def test_aoscx_and_huawei_trunks_and_aggregates() -> None:
    # AOS-CX prints every interface with its VLAN mode (AOS-CX 10.x CLI guide; see devices/emulators/aruba_aoscx.py).
    aoscx = (
        "interface 1/1/1\n    no shutdown\n    no routing\n    vlan access 1\n"
        "interface 1/1/49\n    no shutdown\n    no routing\n    vlan trunk native 1\n    vlan trunk allowed all\n"
        "interface 1/1/50\n    no shutdown\n    lag 1\n"
    )
    ports = [PortInfo(f"1/1/{n}", f"1/1/{n}", "", 6) for n in (1, 49, 50)]
    roles = _by_port(assign_roles("aruba_aoscx", running=aoscx, ports=ports, neighbours=[], requested=AUTO))
    assert roles["1/1/1"].role == "edge"
    assert roles["1/1/49"].reason == "trunk in the running configuration (vlan trunk native 1)"
    assert roles["1/1/50"].reason == "member of lag1"
    # Huawei S-series display current-configuration (S5720 command reference, "port link-type", "eth-trunk").
    vrp = (
        "#\ninterface GigabitEthernet0/0/1\n port link-type access\n port default vlan 10\n"
        "#\ninterface GigabitEthernet0/0/2\n port link-type trunk\n port trunk allow-pass vlan 10 20\n"
        "#\ninterface XGigabitEthernet0/0/1\n eth-trunk 1\n#\n"
    )
    ports = [PortInfo(n, n, "", 6) for n in ("GigabitEthernet0/0/1", "GigabitEthernet0/0/2", "XGigabitEthernet0/0/1")]
    roles = _by_port(assign_roles("huawei", running=vrp, ports=ports, neighbours=[], requested=AUTO))
    assert roles["GigabitEthernet0/0/1"].role == "edge"
    assert roles["GigabitEthernet0/0/2"].reason.startswith("trunk port in the running configuration")
    assert roles["XGigabitEthernet0/0/1"].reason == "member of Eth-Trunk1"


# --- what is unknown is excluded ------------------------------------------------------------------------------------


def test_without_a_running_configuration_no_port_is_an_edge_port() -> None:
    ports = _cisco_ports(4, uplink={4})
    neighbours = [Neighbour("Gi1/0/3", "ap-1", "eth0", frozenset({"wlan-ap"}))]
    roles = _by_port(assign_roles("cisco_ios", running=None, ports=ports, neighbours=neighbours, requested=AUTO))
    assert roles["GigabitEthernet1/0/1"] == PortRole(
        "GigabitEthernet1/0/1", "excluded", "no running configuration read: trunks unknown"
    )
    assert roles["GigabitEthernet1/0/3"].role == "ap" and roles["GigabitEthernet1/0/4"].role == "uplink"


def test_a_platform_without_a_reader_has_no_edge_ports() -> None:
    roles = assign_roles(
        "tplink_jetstream",
        running="interface gigabitEthernet 1/0/1\n",
        ports=[PortInfo("1", if_type=6)],
        neighbours=[],
        requested=AUTO,
    )
    assert roles == [PortRole("1", "excluded", "trunks cannot be read from a tplink_jetstream configuration")]


def test_zyxel_ports_tagged_in_a_vlan_are_trunks() -> None:
    # ZyNOS prints each VLAN's members and untagged members as compressed lists (the GS2210 emulator's sources).
    running = "vlan 1\n  name 1\n  fixed 1-28\n  untagged 1-24\nexit\nvlan 200\n  fixed 25-28\nexit\n"
    ports = [PortInfo(f"GigabitEthernet{n}", if_type=6) for n in (1, 24, 25, 28)]
    roles = _by_port(assign_roles("zyxel_switch", running=running, ports=ports, neighbours=[], requested=AUTO))
    assert roles["1"].role == "edge" and roles["24"].role == "edge"
    assert roles["25"] == PortRole("25", "excluded", "tagged in VLAN 1 (a trunk)")
    assert roles["28"].role == "excluded"


def test_profile_lists_are_candidates_still_checked() -> None:
    running = "".join(
        f"interface GigabitEthernet1/0/{n}\n switchport mode {'trunk' if n == 3 else 'access'}\n!\n"
        for n in range(1, 7)
    )
    neighbours = [Neighbour("Gi1/0/5", "sw-2", "Gi1/0/1", frozenset({"bridge"}), "cisco WS-C2960X-24TS-L", "cdp")]
    request = RoleRequest(
        edge_candidates=("GigabitEthernet1/0/1-3",),
        ap=("Gi1/0/5", "Gi1/0/6"),
        uplink=("GigabitEthernet1/0/9",),
        where="baseline.ports.device 'sw-1'",
    )
    roles = _by_port(
        assign_roles("cisco_ios", running=running, ports=_cisco_ports(6), neighbours=neighbours, requested=request)
    )
    assert roles["GigabitEthernet1/0/1"].reason == "access port in the edge list of baseline.ports.device 'sw-1'"
    assert roles["GigabitEthernet1/0/3"].reason == "trunk in the running configuration (switchport mode trunk)"
    assert roles["GigabitEthernet1/0/4"].reason == "not in the edge list of baseline.ports.device 'sw-1'"
    assert roles["GigabitEthernet1/0/5"].reason == (
        "listed as an AP port in baseline.ports.device 'sw-1', but sw-2 (CDP, cisco WS-C2960X-24TS-L) is a switch "
        "or router"
    )
    assert roles["GigabitEthernet1/0/6"].role == "ap"
    assert roles["GigabitEthernet1/0/9"].reason == "listed in baseline.ports.device 'sw-1', but not found on the device"
    unknown = assign_roles("cisco_ios", running=running, ports=[], neighbours=[], requested=request)
    assert {r.reason for r in unknown} == {
        "listed in baseline.ports.device 'sw-1', but the device's ports are unknown: poll it first"
    }


def test_neighbour_ap_on_an_important_port_is_left_alone() -> None:
    ports = _cisco_ports(2, important={1, 2})
    neighbours = [Neighbour(f"Gi1/0/{n}", "ap", "eth0", frozenset({"wlan-ap"})) for n in (1, 2)]
    request = RoleRequest(ap=("GigabitEthernet1/0/2",))
    roles = _by_port(assign_roles("cisco_ios", running="", ports=ports, neighbours=neighbours, requested=request))
    assert (
        roles["GigabitEthernet1/0/1"].role == "excluded" and "marked important" in roles["GigabitEthernet1/0/1"].reason
    )
    assert roles["GigabitEthernet1/0/2"].role == "ap"  # the user listed it


# --- names -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "name", "descr", "cli"),
    [
        ("cisco_ios", "Gi1/0/1", "GigabitEthernet1/0/1", "GigabitEthernet1/0/1"),
        ("cisco_ios", "Gi1/0/1", "", "GigabitEthernet1/0/1"),
        ("cisco_xe", "Te1/1/4", "", "TenGigabitEthernet1/1/4"),
        ("cisco_xe", "Tw1/0/1", "", "TwoGigabitEthernet1/0/1"),
        ("cisco_xe", "Twe1/1/1", "", "TwentyFiveGigE1/1/1"),
        ("cisco_xe", "Fo1/1/1", "", "FortyGigabitEthernet1/1/1"),
        ("cisco_ios", "Fa0/24", "", "FastEthernet0/24"),
        ("cisco_ios", "Po1", "", "Port-channel1"),
        ("hp_comware", "GE1/0/1", "", "GigabitEthernet1/0/1"),
        ("hp_comware", "XGE1/0/49", "", "Ten-GigabitEthernet1/0/49"),
        ("huawei", "GE0/0/1", "", "GigabitEthernet0/0/1"),
        ("huawei_vrp", "XGE0/0/2", "", "XGigabitEthernet0/0/2"),
        ("hp_procurve", "A1", "A1", "A1"),
        ("aruba_aoscx", "1/1/1", "1/1/1", "1/1/1"),
        ("dlink_ds", "eth1/0/24", "", "24"),
        ("dlink_ds", "", "D-Link DES-3200-28 Port 24 on Unit 2", "2:24"),
    ],
)
def test_cli_names(platform: str, name: str, descr: str, cli: str) -> None:
    assert cli_name(platform, name, descr) == cli


def test_port_lists() -> None:
    assert expand_ports("A1-A3, 1/1/1-1/1/2, Gi1/0/48", "x") == ["A1", "A2", "A3", "1/1/1", "1/1/2", "Gi1/0/48"]
    with pytest.raises(InputError, match="cannot read the port range"):
        expand_ports("Gi1/0/5-1", "baseline.ports.device[0].edge[0]")
    assert compact_ports(["1", "2", "3", "5", "A1", "A2", "1/1/1", "1/1/2"]) == "1-3,5,A1-A2,1/1/1-1/1/2"
    assert compact_ports([]) == ""
