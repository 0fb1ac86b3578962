"""Wireless controllers and access points: which vendor module reads a device, and the one call that reads it.

``VENDOR_MODULES`` maps a CampusNet platform (see :mod:`devices.platforms`) to the function that reads its vendor
MIBs; each vendor family is one module in this package. A device whose platform has no vendor module may still be
an AP that serves the standard IEEE802dot11-MIB: :func:`fetch_wireless` with ``probe=True`` tries that.

Every reader returns a :class:`WirelessSnapshot`, or None when the device has no wireless data.
"""

from __future__ import annotations

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
from devices.wireless.common import (
    OFFLINE,
    ONLINE,
    UNKNOWN,
    AccessPoint,
    DeviceFacts,
    Radio,
    WirelessSnapshot,
)

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


async def fetch_wireless(
    session: SnmpSession, identity: Identity, facts: DeviceFacts, *, probe: bool = False
) -> WirelessSnapshot | None:
    """Read a device's wireless side with its vendor module; with ``probe``, a device without one is tried with
    the standard IEEE802dot11-MIB. None: no wireless data."""
    reader = reader_for(identity)
    if reader is not None:
        return await reader(session, facts)
    if probe:
        return await ieee80211.fetch(session, facts)
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
    "fetch_wireless",
    "reader_for",
]
