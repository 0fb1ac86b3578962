"""The demo's switches as a network admin sees them beyond their counters: LLDP neighbours over SNMP, and an SSH
command line for the ones CampusNet can configure.

- :func:`lldp_objects`: each simulated switch answers LLDP-MIB (``lldpLocPortTable``, ``lldpRemTable``) with what
  is really cabled in the demo: the core's downlinks see the building switches, each building switch's uplink sees
  the core, and ports whose description names an AP see an access point. Port roles in the Configuration page come
  from these, as they would on a real network.
- :class:`DemoSsh`: the core switch (Cisco IOS), the HPE ArubaOS-Switch building switches and the Aruba wireless
  controller also answer SSH on 127.0.0.1 through the device emulators (:mod:`devices.emulators`), each starting
  from a configuration that matches its simulated ports (descriptions, trunk uplinks and downlinks, AP ports), the
  Cisco core without a configuration archive as a switch from the installer. A newcomer can preview, push and roll
  back in the demo; the other demo switches (Zyxel GS1900, D-Link, Edgecore) are shown as not supported, with the
  reason.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from devices import ber
from devices.simagent import SimDevice, SimObject

if TYPE_CHECKING:
    from devices.emulators import EmulatedDevice
    from monitor.storage.secrets import SecretStore


class DemoSwitch(Protocol):
    """What this module needs of one of the demo's switches (:class:`monitor.demo.school.DemoSwitch`)."""

    name: str
    community: str
    platform: str
    device: SimDevice
    uplink_ifindex: int


SSH_USER = "admin"
SSH_PASSWORD = "campusnet-demo"  # the demo's own simulated gear: not a secret of any real device
HOST = "127.0.0.1"
# CampusNet platform -> emulator, for the demo devices that get an SSH command line.
EMULATED = ("cisco_ios", "hp_procurve", "aruba_os")
# The devices' own host names (CLI prompts take ASCII): demo community -> hostname.
_HOSTNAMES = {
    "demo-core": "CORE-SW",
    "demo-adm": "ADMIN-SW",
    "demo-science": "SCIENCE-SW",
    "demo-wlc": "school-wlc",
}
_LLDP_LOC_PORT = (1, 0, 8802, 1, 1, 2, 1, 3, 7, 1)
_LLDP_REM = (1, 0, 8802, 1, 1, 2, 1, 4, 1, 1)
# LldpSystemCapabilitiesMap as two octets (bit 0 = the first octet's most significant bit): bridge (bit 2),
# wlanAccessPoint (bit 3), router (bit 4).
_CAPS = {"bridge": b"\x20\x00", "bridge-router": b"\x28\x00", "ap": b"\x30\x00"}
_TRUNK_ALIAS = re.compile(r"^(Downlink|Uplink)\b|WLC", re.IGNORECASE)


@dataclass(frozen=True)
class DemoNeighbour:
    """What one port of a demo switch hears over LLDP."""

    port_number: int  # the local port's position, 1-based (its lldpLocPortNum)
    sys_name: str
    port_id: str
    caps: str  # a key of _CAPS
    sys_desc: str


def neighbours_of(switches: Sequence[DemoSwitch]) -> dict[str, list[DemoNeighbour]]:
    """Who each demo switch hears on which port: the core's downlinks and the buildings' uplinks, the WLC port, and
    the APs on the ports named after one."""
    core = switches[0]
    out: dict[str, list[DemoNeighbour]] = {s.name: [] for s in switches}
    core_ports = core.device.ports
    for k, building in enumerate(switches[1:], start=1):
        if k > len(core_ports):
            break
        up = next((i for i, p in enumerate(building.device.ports) if p.ifindex == building.uplink_ifindex), None)
        if up is None:
            continue
        core_port = core_ports[k - 1]
        if not (core_port.alias or "").startswith("Downlink"):
            continue
        out[core.name].append(
            DemoNeighbour(
                k, building.device.sys_name, building.device.ports[up].name, "bridge", building.device.sys_descr
            )
        )
        out[building.name].append(
            DemoNeighbour(up + 1, core.device.sys_name, core_port.name, "bridge", core.device.sys_descr)
        )
        for i, port in enumerate(building.device.ports):
            alias = port.alias or ""
            if i != up and ("AP" in alias.split() or alias.endswith(" AP")):
                name = f"ap-{building.device.community.removeprefix('demo-')}-{i + 1}"
                out[building.name].append(
                    DemoNeighbour(i + 1, name, "eth0", "ap", "ArubaOS (MODEL: 515), Version 8.10.0.12")
                )
    return out


def lldp_objects(switch: DemoSwitch, heard: Sequence[DemoNeighbour]) -> list[SimObject]:
    """LLDP-MIB objects of one demo switch: every port in lldpLocPortTable (port id = ifName), and its neighbours in
    lldpRemTable (time mark 0, local port number, remote index 1)."""
    objs: list[SimObject] = []
    for n, port in enumerate(switch.device.ports, start=1):
        objs.append(SimObject((*_LLDP_LOC_PORT, 2, n), ber.INTEGER, _const(5)))  # interfaceName
        objs.append(SimObject((*_LLDP_LOC_PORT, 3, n), ber.OCTET_STRING, _const(port.name.encode())))
        objs.append(SimObject((*_LLDP_LOC_PORT, 4, n), ber.OCTET_STRING, _const(port.descr.encode())))
    columns: list[tuple[int, int, Callable[[DemoNeighbour], Any]]] = [
        (4, ber.INTEGER, lambda nb: 7),  # chassis id subtype: local
        (5, ber.OCTET_STRING, lambda nb: nb.sys_name.encode()),
        (6, ber.INTEGER, lambda nb: 5),  # port id subtype: interfaceName
        (7, ber.OCTET_STRING, lambda nb: nb.port_id.encode()),
        (8, ber.OCTET_STRING, lambda nb: nb.port_id.encode()),
        (9, ber.OCTET_STRING, lambda nb: nb.sys_name.encode()),
        (10, ber.OCTET_STRING, lambda nb: nb.sys_desc.encode()),
        (11, ber.OCTET_STRING, lambda nb: _CAPS[nb.caps]),
        (12, ber.OCTET_STRING, lambda nb: _CAPS[nb.caps]),
    ]
    for column, tag, value in columns:
        for nb in sorted(heard, key=lambda x: x.port_number):
            objs.append(SimObject((*_LLDP_REM, column, 0, nb.port_number, 1), tag, _const(value(nb))))
    return sorted(objs, key=lambda o: o.oid)


def _const(value: Any) -> Callable[[float], Any]:
    return lambda _t: value


# ---------------------------------------------------------------------------------------------------------------
# SSH


def hostname(switch: DemoSwitch) -> str:
    """The demo device's own host name, as its prompt shows it."""
    return _HOSTNAMES.get(switch.community, switch.community.upper())


def ios_config(switch: DemoSwitch) -> str:
    """A Catalyst 2960-X configuration for the demo's core: one interface per simulated port with its description;
    downlinks, the county uplink and the controller's port are trunks; management on Vlan1; no archive."""
    blocks = []
    for port in switch.device.ports:
        lines = [f"interface {port.descr}"]
        if port.alias:
            lines.append(f" description {port.alias}")
            lines.append(" switchport mode trunk" if _TRUNK_ALIAS.search(port.alias) else " switchport mode access")
        blocks.append("\n".join(lines))
    return "\n".join(
        [
            "version 15.2",
            "no service pad",
            "service timestamps debug datetime msec",
            "service timestamps log datetime msec",
            "no service password-encryption",
            f"hostname {hostname(switch)}",
            "no aaa new-model",
            "ip domain-name school.example.edu.tw",
            "spanning-tree mode rapid-pvst",
            "spanning-tree extend system-id",
            *blocks,
            "interface Vlan1",
            " ip address 10.0.99.1 255.255.255.0",
            "ip default-gateway 10.0.99.254",
            "ip http server",
            "ip http secure-server",
            "line con 0",
            "line vty 0 4",
            " login local",
            " transport input ssh",
            "line vty 5 15",
            " login local",
            " transport input ssh",
            "end",
        ]
    )


def procurve_config(switch: DemoSwitch) -> str:
    """An ArubaOS-Switch (2530) configuration for a demo building switch: port names from the descriptions, the
    uplink tagged in the management and staff VLANs, every other port untagged in VLAN 1."""
    up = next(n for n, p in enumerate(switch.device.ports, start=1) if p.ifindex == switch.uplink_ifindex)
    others = ",".join(_ranges([n for n in range(1, len(switch.device.ports) + 1) if n != up]))
    lines = [f'hostname "{hostname(switch)}"']
    for n, port in enumerate(switch.device.ports, start=1):
        if port.alias:
            lines += [f"interface {n}", f'   name "{port.alias}"', "   exit"]
    lines += ["vlan 1", '   name "DEFAULT_VLAN"', f"   untagged {others}", "   ip address dhcp-bootp", "   exit"]
    lines += ["vlan 10", '   name "STAFF"', f"   tagged {up}", "   exit"]
    lines += ["vlan 99", '   name "MGMT"', f"   tagged {up}", "   exit"]
    return "\n".join(lines) + "\n"


def _ranges(numbers: list[int]) -> list[str]:
    out: list[str] = []
    start = prev = None
    for n in numbers:
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    if start is not None:
        out.append(str(start) if start == prev else f"{start}-{prev}")
    return out


class DemoSsh:
    """The demo devices that answer SSH (one emulator each on 127.0.0.1, a free port each)."""

    def __init__(self, switches: Sequence[DemoSwitch]) -> None:
        self.devices: dict[str, EmulatedDevice] = {}
        self._switches = [s for s in switches if s.platform in EMULATED]

    def start(self) -> None:
        """Start every emulator (its server runs on its own thread) with its demo configuration."""
        from devices.emulators import EmulatedDevice

        for switch in self._switches:
            if switch.name in self.devices:
                continue
            device = EmulatedDevice(
                switch.platform,
                username=SSH_USER,
                password=SSH_PASSWORD,
                hostname=hostname(switch),
                privileged=True,
                revert_seconds_per_minute=60.0,
            ).start()
            config = {"cisco_ios": ios_config, "hp_procurve": procurve_config}.get(switch.platform)
            if config is not None:
                device.set_running_config(config(switch))
                with device.lock:
                    device.platform.save()
            self.devices[switch.name] = device

    def stop(self) -> None:
        """Stop every emulator. Safe to call twice."""
        devices, self.devices = self.devices, {}
        for device in devices.values():
            device.stop()

    def register(self, conn: sqlite3.Connection, secrets: SecretStore) -> None:
        """Give the demo devices their SSH settings (and password, in the secret store) in the demo's store."""
        for name, device in self.devices.items():
            row = conn.execute("SELECT id FROM devices WHERE name = ?", (name,)).fetchone()
            if row is None:
                continue
            secrets.set(name, "ssh_password", SSH_PASSWORD)
            with conn:
                conn.execute(
                    "UPDATE devices SET ssh_host = ?, ssh_port = ?, ssh_user = ? WHERE id = ?",
                    (HOST, device.port, SSH_USER, row["id"]),
                )
