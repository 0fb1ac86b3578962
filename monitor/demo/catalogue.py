"""The demo's switch catalogue: real switch models, what their agents say about themselves and their port layouts.

Each :class:`SwitchModel` carries a real model's sysDescr text and sysObjectID (so :func:`devices.platforms.identify`
names its vendor and platform as it would on a real network), its port count, which port is its uplink, and how it
names and numbers its ports (ifIndex, ifName, ifDescr) and their speeds. The school (:mod:`monitor.demo.school`)
picks its switches from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from monitor.demo.traffic import GBIT


@dataclass(frozen=True)
class SwitchModel:
    """A real switch model: what its agent says about itself and how it names its ports."""

    sys_descr: str
    sys_object_id: str
    vendor: str  # as devices.platforms.identify() names it
    platform: str
    ports: int
    uplink: int  # 1-based port number of the uplink
    naming: Callable[[int], tuple[int, str, str]]  # port number -> (ifIndex, ifName, ifDescr)
    speed_bps: Callable[[int], int] = lambda n: GBIT


def _cisco_name(n: int) -> tuple[int, str, str]:
    if n <= 48:
        return 10100 + n, f"Gi1/0/{n}", f"GigabitEthernet1/0/{n}"
    return 10100 + n, f"Te1/0/{n - 48}", f"TenGigabitEthernet1/0/{n - 48}"


CISCO_2960X = SwitchModel(
    "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc3)\r\n"
    "Technical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2023 by Cisco Systems, Inc.\r\n"
    "Compiled Tue 26-Sep-23 03:53 by mcpre",
    "1.3.6.1.4.1.9.1.1208",
    "Cisco",
    "cisco_ios",
    50,
    48,
    _cisco_name,
    lambda n: GBIT if n <= 48 else 10 * GBIT,
)
HP_2530_48 = SwitchModel(
    "HP J9775A 2530-48G Switch, revision YA.16.11.0015, ROM YA.15.20 "
    "(/ws/swbuildm/rel_yakima_qaoff/code/build/lakes(swbuildm_rel_yakima_qaoff_rel_yakima))",
    "1.3.6.1.4.1.11.2.3.7.11.153",
    "HPE Aruba",
    "hp_procurve",
    52,
    49,
    lambda n: (n, str(n), str(n)),
)
HP_2530_24 = SwitchModel(
    "HP J9776A 2530-24G Switch, revision YA.16.11.0015, ROM YA.15.20 "
    "(/ws/swbuildm/rel_yakima_qaoff/code/build/lakes(swbuildm_rel_yakima_qaoff_rel_yakima))",
    "1.3.6.1.4.1.11.2.3.7.11.154",
    "HPE Aruba",
    "hp_procurve",
    28,
    25,
    lambda n: (n, str(n), str(n)),
)
ZYXEL_GS1900_48 = SwitchModel(
    "GS1900-48",
    "1.3.6.1.4.1.890.1.15",
    "Zyxel",
    "zyxel_switch",
    50,
    49,
    lambda n: (n, f"GigabitEthernet{n}", f"GigabitEthernet{n}"),
)
ZYXEL_GS1900_24 = SwitchModel(
    "GS1900-24",
    "1.3.6.1.4.1.890.1.15",
    "Zyxel",
    "zyxel_switch",
    26,
    25,
    lambda n: (n, f"GigabitEthernet{n}", f"GigabitEthernet{n}"),
)
DLINK_1510_28 = SwitchModel(
    "DGS-1510-28 Gigabit Ethernet SmartPro Switch",
    "1.3.6.1.4.1.171.10.137.2.1",
    "D-Link",
    "dlink_switch",
    28,
    25,
    lambda n: (n, f"eth1/0/{n}", f"D-Link Corporation DGS-1510-28 HW A1 firmware 1.70.012 Port {n} on Unit 1"),
)
EDGECORE_4100_28T = SwitchModel(
    "ECS4100-28T",
    "1.3.6.1.4.1.259.10.1.46.104",
    "Edgecore",
    "edgecore",
    28,
    25,
    lambda n: (n, f"Port{n}", f"Ethernet Port on unit 1, port {n}"),
)

ARUBA_7010 = SwitchModel(
    "ArubaOS (MODEL: Aruba7010), Version 8.10.0.12 LSR",
    "1.3.6.1.4.1.14823.1.1.32",
    "HPE Aruba",
    "aruba_os",
    4,
    1,
    lambda n: (n, f"GE0/0/{n - 1}", f"GE0/0/{n - 1}"),
)
