"""Wireless controllers and access points: which vendor module reads a device, and the one call that reads it.

``VENDOR_MODULES`` maps a CampusNet platform (see :mod:`devices.platforms`) to the function that reads its vendor
MIBs; each vendor family is one module in this package. A device whose platform has no vendor module (net-snmp's
Linux agent on a UniFi AP, an old Ubiquiti or an unknown enterprise number, a router with a built-in controller) may
still carry a vendor's wireless MIB or the standard IEEE802dot11-MIB: :func:`fetch_wireless` with ``probe=True``
asks the agent which vendor MIBs it has (:mod:`devices.wireless.probe`), reads it with the module that finds data,
else with the standard MIB, and remembers which one did.

Every reader returns a :class:`WirelessSnapshot`, or None when the device has no wireless data.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from devices.platforms import Identity
from devices.snmp import SnmpSession
from devices.wireless import (
    aerohive,
    aruba,
    cisco,
    dlink,
    fortinet,
    huawei,
    ieee80211,
    mikrotik,
    ruckus,
    ubiquiti,
    zyxel,
)
from devices.wireless import probe as probes
from devices.wireless.common import (
    OFFLINE,
    ONLINE,
    UNKNOWN,
    AccessPoint,
    DeviceFacts,
    Radio,
    WirelessSnapshot,
)

log = logging.getLogger("devices.wireless")

Reader = Callable[[SnmpSession, DeviceFacts], Awaitable[WirelessSnapshot | None]]

VENDOR_MODULES: dict[str, Reader] = {
    "cisco_wlc": cisco.fetch,
    "aruba_os": aruba.fetch_controller,
    "aruba_instant": aruba.fetch_instant,
    "ruckus_zd": ruckus.fetch_zd,
    "ruckus_sz": ruckus.fetch_sz,
    "ruckus_unleashed": ruckus.fetch_unleashed,
    "zyxel_nxc": zyxel.fetch_nxc,
    "zyxel_nwa": zyxel.fetch_nwa,
    "fortigate": fortinet.fetch_fortigate,
    "fortiap": fortinet.fetch_fortiap,
    "unifi_ap": ubiquiti.fetch,
    "huawei_ac": huawei.fetch,
    "mikrotik_routeros": mikrotik.fetch,
    "aerohive": aerohive.fetch,
    "dlink_ap": dlink.fetch,
}


def reader_for(identity: Identity) -> Reader | None:
    """The vendor module for a device, or None (then only the standard-MIB probe applies).

    IOS-XE is a switch or router platform too: only a Catalyst 9800 (role controller) is read as a Cisco WLC.
    """
    if identity.platform == "cisco_xe":
        return cisco.fetch if identity.role == "controller" else None
    return VENDOR_MODULES.get(identity.platform)


# What a probe may find besides the vendor modules: the standard MIB, read after them.
STANDARD = "ieee80211"


async def fetch_wireless(
    session: SnmpSession, identity: Identity, facts: DeviceFacts, *, probe: bool = False
) -> WirelessSnapshot | None:
    """Read a device's wireless side with its vendor module; with ``probe``, a device without one is read by the
    module whose MIB it turns out to carry (see :func:`fetch_probed`). None: no wireless data."""
    reader = reader_for(identity)
    if reader is not None:
        return await reader(session, facts)
    if probe:
        return await fetch_probed(session, identity, facts)
    return None


def _reader(platform: str) -> Reader:
    return ieee80211.fetch if platform == STANDARD else VENDOR_MODULES[platform]


async def fetch_probed(session: SnmpSession, identity: Identity, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read a device whose identity names no wireless module: with the module found for it before, else with each
    module whose MIB roots the agent answers under (one GETNEXT), else with the standard IEEE802dot11-MIB; the
    one that finds data is remembered. None: no wireless data."""
    key = probes.key_of(session, identity)
    known = probes.FOUND.get(key)
    if known is not None:
        snapshot = await _reader(known)(session, facts)
        if snapshot is not None:
            return snapshot
        probes.FOUND.forget(key)
    for platform in [*await probes.answering(session), STANDARD]:
        if platform == known:
            continue  # just read, and it found nothing
        snapshot = await _reader(platform)(session, facts)
        if snapshot is not None:
            probes.FOUND.remember(key, platform)
            if platform != STANDARD:
                log.info(
                    "%s: identified as %s by its wireless MIB (sysObjectID names %s)",
                    facts.host,
                    platform,
                    identity.platform,
                )
            return snapshot
    return None


__all__ = [
    "OFFLINE",
    "ONLINE",
    "UNKNOWN",
    "VENDOR_MODULES",
    "AccessPoint",
    "DeviceFacts",
    "Radio",
    "WirelessSnapshot",
    "fetch_probed",
    "fetch_wireless",
    "reader_for",
]
