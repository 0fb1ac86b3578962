"""Zyxel: NXC wireless controllers (ZYXEL-ES-CAPWAP) and NWA / WAC access points (ZYXEL-ES-WIRELESS).

NXC: ``capwapOnlineAP.0``, ``capwapOfflineAP.0`` (their sum is the APs the controller manages) and
``capwapTotalStation.0``. The CAPWAP MIB has no per-AP or per-SSID table.

NWA / WAC (standalone): ``wlanStationCount`` per radio and the AP's total station count.
"""

from __future__ import annotations

from devices.smi import UNSIGNED32, SmiRange
from devices.snmp import SnmpSession
from devices.wireless.common import (
    DeviceFacts,
    Num,
    Objects,
    Radio,
    WirelessSnapshot,
    as_int,
    get,
    standalone_snapshot,
    sum_known,
    walk,
)

_CAPWAP = "1.3.6.1.4.1.890.1.15.3.3.1"
NXC_SCALARS: Objects = {
    "online": Num(f"{_CAPWAP}.1.0", UNSIGNED32),
    "offline": Num(f"{_CAPWAP}.2.0", UNSIGNED32),
    "stations": Num(f"{_CAPWAP}.4.0", UNSIGNED32),
}

NWA_RADIO_STATIONS = Num("1.3.6.1.4.1.890.1.15.3.5.1.1.2", UNSIGNED32)
# wlanTotalStationCount is a bare INTEGER: a count, so never negative.
NWA_TOTAL = Num("1.3.6.1.4.1.890.1.15.3.5.15.0", SmiRange("INTEGER count (never negative)", 0, 2**31 - 1))


async def fetch_nxc(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read an NXC controller's AP and station counts; None if it answers none of them."""
    values = await get(session, NXC_SCALARS)
    online, offline, stations = (as_int(values[k]) for k in ("online", "offline", "stations"))
    if online is None and offline is None and stations is None:
        return None
    snap = WirelessSnapshot(module="zyxel_nxc")
    if online is not None:
        snap.aps_online = online
        snap.sources["aps_online"] = "ZYXEL-ES-CAPWAP::capwapOnlineAP"
    if online is not None and offline is not None:
        snap.aps_total = online + offline
        snap.sources["aps_total"] = "ZYXEL-ES-CAPWAP::capwapOnlineAP + capwapOfflineAP"
    if stations is not None:
        snap.clients_total = stations
        snap.sources["clients_total"] = "ZYXEL-ES-CAPWAP::capwapTotalStation"
    return snap


async def fetch_nwa(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read a standalone NWA/WAC AP's station counts; None if it answers none of them."""
    per_radio = (await walk(session, {"stations": NWA_RADIO_STATIONS}))["stations"]
    total = as_int((await get(session, {"total": NWA_TOTAL}))["total"])
    if not per_radio and total is None:
        return None
    radios = [Radio(index=index, clients=as_int(value)) for index, value in sorted(per_radio.items())]
    sources = {}
    if total is None:
        total = sum_known([r.clients for r in radios])
        sources["clients_total"] = "sum of ZYXEL-ES-WIRELESS::wlanStationCount"
    else:
        sources["clients_total"] = "ZYXEL-ES-WIRELESS total station count"
    return standalone_snapshot("zyxel_nwa", facts, {}, total, radios, sources)
