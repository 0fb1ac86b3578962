"""Ruckus: ZoneDirector, SmartZone (and vSZ) and Unleashed.

ZoneDirector (RUCKUS-ZD-SYSTEM-MIB, RUCKUS-ZD-WLAN-MIB): ``ruckusZDSystemStatsNumAP.0`` (APs connected),
``ruckusZDSystemStatsNumRegisteredAP.0``, ``ruckusZDSystemStatsNumSta.0``; ``ruckusZDWLANTable`` with
``ruckusZDWLANSSID`` and ``ruckusZDWLANNumSta`` per WLAN; ``ruckusZDWLANAPTable`` (indexed by AP MAC) with
``ruckusZDWLANAPDescription`` (the AP's name), ``ruckusZDWLANAPStatus`` disconnected(0) / connected(1) /
approvalPending(2) / upgradingFirmware(3) / provisioning(4), model, serial, uptime, IP and ``ruckusZDWLANAPNumSta``.

SmartZone (RUCKUS-SZ-SYSTEM-MIB, RUCKUS-SZ-WLAN-MIB, RUCKUS-CTRL-MIB): ``ruckusSZSystemStatsNumAP.0`` (all APs of the
zone), ``ruckusCtrlSystemNodeNumApConnected`` per cluster node (summed: connected APs),
``ruckusSZSystemStatsNumSta.0``; ``ruckusSZWLANTable`` (``ruckusSZWLANSSID``, ``ruckusSZWLANNumSta``);
``ruckusSZAPTable`` with ``ruckusSZAPConnStatus`` as text ("Connect", "Disconnect" ...).

Unleashed (RUCKUS-UNLEASHED-SYSTEM-MIB): ``ruckusUnleashedSystemStatsNumAP.0``, ``...NumRegisteredAP.0`` and
``...NumSta.0`` only (its WLAN MIB has no AP or SSID table).
"""

from __future__ import annotations

from devices.smi import INTEGER32, TIMETICKS, UNSIGNED32
from devices.snmp import SnmpSession, SnmpValue
from devices.wireless.common import (
    AccessPoint,
    DeviceFacts,
    Num,
    Objects,
    WirelessSnapshot,
    add_ssid,
    ap_from_row,
    as_int,
    as_text,
    enum_name,
    get,
    rows,
    split_mac_index,
    string_index,
    walk,
)

_ZD = "1.3.6.1.4.1.25053.1.2"
_SZ = "1.3.6.1.4.1.25053.1.4"
_UNLEASHED = "1.3.6.1.4.1.25053.1.15"

ZD_SCALARS: Objects = {
    "aps": Num(f"{_ZD}.1.1.1.15.1.0", UNSIGNED32),
    "stations": Num(f"{_ZD}.1.1.1.15.2.0", UNSIGNED32),
    "registered": Num(f"{_ZD}.1.1.1.15.15.0", UNSIGNED32),
}
ZD_WLAN_COLUMNS: Objects = {"ssid": f"{_ZD}.2.1.1.1.1.1.1", "clients": Num(f"{_ZD}.2.1.1.1.1.1.12", UNSIGNED32)}
ZD_AP_COLUMNS: Objects = {
    "name": f"{_ZD}.2.1.1.2.1.1.2",
    "status": Num(f"{_ZD}.2.1.1.2.1.1.3", INTEGER32),
    "model": f"{_ZD}.2.1.1.2.1.1.4",
    "serial": f"{_ZD}.2.1.1.2.1.1.5",
    "uptime": Num(f"{_ZD}.2.1.1.2.1.1.6", TIMETICKS),
    "ip": f"{_ZD}.2.1.1.2.1.1.10",
    "clients": Num(f"{_ZD}.2.1.1.2.1.1.15", UNSIGNED32),
}
ZD_AP_STATUS = {0: "disconnected", 1: "connected", 2: "approvalPending", 3: "upgradingFirmware", 4: "provisioning"}

SZ_SCALARS: Objects = {
    "aps": Num(f"{_SZ}.1.1.1.15.1.0", UNSIGNED32),
    "stations": Num(f"{_SZ}.1.1.1.15.2.0", UNSIGNED32),
}
SZ_NODE_CONNECTED = Num("1.3.6.1.4.1.25053.1.8.1.1.1.1.1.1.19", UNSIGNED32)
SZ_WLAN_COLUMNS: Objects = {"ssid": f"{_SZ}.2.1.1.1.2.1.1", "clients": Num(f"{_SZ}.2.1.1.1.2.1.12", UNSIGNED32)}
SZ_AP_COLUMNS: Objects = {
    "name": f"{_SZ}.2.1.1.2.2.1.5",
    "uptime": Num(f"{_SZ}.2.1.1.2.2.1.6", TIMETICKS),
    "model": f"{_SZ}.2.1.1.2.2.1.8",
    "serial": f"{_SZ}.2.1.1.2.2.1.9",
    "ip": f"{_SZ}.2.1.1.2.2.1.10",
    "clients": Num(f"{_SZ}.2.1.1.2.2.1.15", UNSIGNED32),
    "status": f"{_SZ}.2.1.1.2.2.1.16",
    "location": f"{_SZ}.2.1.1.2.2.1.19",
}

UNLEASHED_SCALARS: Objects = {
    "aps": Num(f"{_UNLEASHED}.1.1.1.15.1.0", UNSIGNED32),
    "stations": Num(f"{_UNLEASHED}.1.1.1.15.2.0", UNSIGNED32),
    "registered": Num(f"{_UNLEASHED}.1.1.1.15.15.0", UNSIGNED32),
}


def _wlans(snap: WirelessSnapshot, wlan_rows: dict[str, dict[str, SnmpValue]], source: str) -> None:
    for row in wlan_rows.values():
        add_ssid(snap.clients_by_ssid, as_text(row.get("ssid")), as_int(row.get("clients")))
    if snap.clients_by_ssid:
        snap.sources["clients_by_ssid"] = source


def _set(snap: WirelessSnapshot, figure: str, value: int | None, source: str) -> None:
    if value is not None:
        setattr(snap, figure, value)
        snap.sources[figure] = source


def _ap_key(index: str, row: dict[str, SnmpValue]) -> tuple[str, str | None]:
    split = split_mac_index(index)
    if split is not None and not split[1]:
        return split[0], split[0]
    return as_text(row.get("serial")) or string_index(index) or index, None


# ------------------------------------------------------------------------------------------------ ZoneDirector


async def fetch_zd(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read a ZoneDirector; None if it answers none of the objects used."""
    scalars = await get(session, ZD_SCALARS)
    wlans = rows(await walk(session, ZD_WLAN_COLUMNS))
    ap_rows = rows(await walk(session, ZD_AP_COLUMNS))
    if not wlans and not ap_rows and all(v is None for v in scalars.values()):
        return None
    snap = WirelessSnapshot(module="ruckus_zd", aps=[_zd_ap(i, r) for i, r in ap_rows.items()])
    _set(snap, "aps_online", as_int(scalars["aps"]), "RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemStatsNumAP")
    _set(snap, "aps_total", as_int(scalars["registered"]), "RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemStatsNumRegisteredAP")
    _set(snap, "clients_total", as_int(scalars["stations"]), "RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemStatsNumSta")
    _wlans(snap, wlans, "RUCKUS-ZD-WLAN-MIB::ruckusZDWLANNumSta by ruckusZDWLANSSID")
    return snap


def _zd_ap(index: str, row: dict[str, SnmpValue]) -> AccessPoint:
    key, mac = _ap_key(index, row)
    return ap_from_row(key, row, enum_name(row.get("status"), ZD_AP_STATUS), {"connected"}, mac=mac)


# ------------------------------------------------------------------------------------------------ SmartZone


async def fetch_sz(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read a SmartZone controller (cluster); None if it answers none of the objects used."""
    scalars = await get(session, SZ_SCALARS)
    nodes = (await walk(session, {"connected": SZ_NODE_CONNECTED}))["connected"]
    wlans = rows(await walk(session, SZ_WLAN_COLUMNS))
    ap_rows = rows(await walk(session, SZ_AP_COLUMNS))
    if not nodes and not wlans and not ap_rows and all(v is None for v in scalars.values()):
        return None
    snap = WirelessSnapshot(module="ruckus_sz", aps=[_sz_ap(i, r) for i, r in ap_rows.items()])
    connected = [as_int(v) for v in nodes.values()]
    if connected and all(c is not None for c in connected):
        _set(snap, "aps_online", sum(c or 0 for c in connected), "RUCKUS-CTRL-MIB::ruckusCtrlSystemNodeNumApConnected")
    _set(snap, "aps_total", as_int(scalars["aps"]), "RUCKUS-SZ-SYSTEM-MIB::ruckusSZSystemStatsNumAP")
    _set(snap, "clients_total", as_int(scalars["stations"]), "RUCKUS-SZ-SYSTEM-MIB::ruckusSZSystemStatsNumSta")
    _wlans(snap, wlans, "RUCKUS-SZ-WLAN-MIB::ruckusSZWLANNumSta by ruckusSZWLANSSID")
    return snap


def _sz_ap(index: str, row: dict[str, SnmpValue]) -> AccessPoint:
    key, mac = _ap_key(index, row)
    raw = as_text(row.get("status"))
    return ap_from_row(key, row, raw, {raw} if raw and raw.lower().startswith("connect") else set(), mac=mac)


# ------------------------------------------------------------------------------------------------ Unleashed


async def fetch_unleashed(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read an Unleashed master AP's counts; None if it answers none of them."""
    scalars = await get(session, UNLEASHED_SCALARS)
    if all(v is None for v in scalars.values()):
        return None
    snap = WirelessSnapshot(module="ruckus_unleashed")
    mib = "RUCKUS-UNLEASHED-SYSTEM-MIB::ruckusUnleashedSystemStats"
    _set(snap, "aps_online", as_int(scalars["aps"]), f"{mib}NumAP")
    _set(snap, "aps_total", as_int(scalars["registered"]), f"{mib}NumRegisteredAP")
    _set(snap, "clients_total", as_int(scalars["stations"]), f"{mib}NumSta")
    return snap
