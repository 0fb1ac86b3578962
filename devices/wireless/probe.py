"""Which vendor module reads a device whose identity names none: ask the agent which vendor wireless MIBs it has.

Many access points answer with a sysObjectID that says nothing about them: UniFi APs run net-snmp's Linux agent
(``1.3.6.1.4.1.8072.3.2.10``) and older firmware answers ``1.3.6.1.4.1.10002.1`` with a bare "Linux ..." sysDescr;
other devices use an enterprise number CampusNet does not know, or are routers and switches with a built-in
controller. For a device without a vendor module, one GETNEXT asks for the object that follows each root in
:data:`ROOTS` (the tables and scalars the vendor modules read); a root the answer falls under names the platform
whose module then reads the device. Only when no module finds data does the standard IEEE802dot11-MIB get its turn.

What was found is remembered per agent (address, port, credentials) and identity in :data:`FOUND`, so a device is
probed once, not every poll; a remembered module that stops answering is forgotten and the agent probed again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Hashable

from devices.platforms import Identity
from devices.snmp import SnmpSession

log = logging.getLogger("devices.wireless")

# (MIB root, platform whose module reads it), most specific first; the roots are what the modules read.
ROOTS: tuple[tuple[str, str], ...] = (
    ("1.3.6.1.4.1.41112.1.6.1.2", "unifi_ap"),  # UBNT-UniFi-MIB unifiVapTable
    ("1.3.6.1.4.1.2011.6.139.13.3.3", "huawei_ac"),  # HUAWEI-WLAN-AP-MIB hwWlanApTable
    ("1.3.6.1.4.1.2011.6.139.12.1.2", "huawei_ac"),  # HUAWEI-WLAN-GLOBAL-MIB hwWlanGlobalAcStatistics
    ("1.3.6.1.4.1.14179.2.2.1", "cisco_wlc"),  # AIRESPACE-WIRELESS-MIB bsnAPTable
    ("1.3.6.1.4.1.14179.2.1.1", "cisco_wlc"),  # AIRESPACE-WIRELESS-MIB bsnDot11EssTable
    ("1.3.6.1.4.1.14823.2.2.1.1.3", "aruba_os"),  # WLSX-SWITCH-MIB wlsxSwitchTotalNum*
    ("1.3.6.1.4.1.14823.2.3.3.1", "aruba_instant"),  # AI-AP-MIB
    ("1.3.6.1.4.1.25053.1.2.1.1.1.15", "ruckus_zd"),  # RUCKUS-ZD-SYSTEM-MIB system stats
    ("1.3.6.1.4.1.25053.1.4.1.1.1.15", "ruckus_sz"),  # RUCKUS-SZ-SYSTEM-MIB system stats
    ("1.3.6.1.4.1.25053.1.15.1.1.1.15", "ruckus_unleashed"),  # RUCKUS-UNLEASHED-SYSTEM-MIB system stats
    ("1.3.6.1.4.1.890.1.15.3.3.1", "zyxel_nxc"),  # ZYXEL-ES-CAPWAP AP and station counts
    ("1.3.6.1.4.1.890.1.15.3.5.1.1.2", "zyxel_nwa"),  # ZYXEL-ES-WIRELESS wlanStationCount
    ("1.3.6.1.4.1.12356.101.14.2", "fortigate"),  # FORTINET-FORTIGATE-MIB fgWcInfo
    ("1.3.6.1.4.1.12356.120.7.1.1", "fortiap"),  # FORTINET-FORTIAP-MIB fapVapTable
    ("1.3.6.1.4.1.14988.1.1.1.3.1", "mikrotik_routeros"),  # MIKROTIK-MIB mtxrWlApTable
    ("1.3.6.1.4.1.26928.1.2.9", "aerohive"),  # AH-SYSTEM-MIB ahClientCount
)

MAX_REMEMBERED = 4096


class Found:
    """Platforms found by probing, per agent and identity; the oldest are forgotten beyond ``size``."""

    def __init__(self, size: int = MAX_REMEMBERED) -> None:
        self._size = size
        self._found: OrderedDict[Hashable, str] = OrderedDict()

    def get(self, key: Hashable) -> str | None:
        """The platform found for ``key``, if any."""
        platform = self._found.get(key)
        if platform is not None:
            self._found.move_to_end(key)
        return platform

    def remember(self, key: Hashable, platform: str) -> None:
        """Remember what a probe found."""
        self._found[key] = platform
        self._found.move_to_end(key)
        while len(self._found) > self._size:
            self._found.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        """Forget a device whose module stopped finding data."""
        self._found.pop(key, None)


FOUND = Found()


def key_of(session: SnmpSession, identity: Identity) -> Hashable:
    """What identifies one device for :data:`FOUND`: the agent and its credentials, and what it said it is."""
    target = session.target
    return (target.host, target.port, target.credentials, identity)


async def answering(session: SnmpSession) -> list[str]:
    """Platforms whose MIB roots the agent has objects under (one GETNEXT), in :data:`ROOTS` order, no repeats."""
    answers = await session.get_next([root for root, _ in ROOTS])
    found: list[str] = []
    for root, platform in ROOTS:
        answer = answers.get(root)
        if answer is not None and answer[0].startswith(root + ".") and platform not in found:
            found.append(platform)
    return found


__all__ = ["FOUND", "ROOTS", "Found", "answering", "key_of"]
