"""Cisco wireless controllers: AireOS WLCs, Cisco Business Wireless and the Catalyst 9800.

MIBs (the 9800 keeps the AireOS tables):

- CISCO-LWAPP-AP-MIB ``cLApGlobalAPConnectCount.0`` and CISCO-LWAPP-SYS-MIB ``clsSysApConnectCount.0``: APs joined
  to the controller (the first one that answers is used);
- AIRESPACE-WIRELESS-MIB ``bsnAPTable`` (one row per joined AP, indexed by its radio MAC ``bsnAPDot3MacAddress``):
  name, location, ``bsnAPOperationStatus`` associated(1) / disassociating(2) / downloading(3), model, serial, IP;
- ``bsnAPIfTable`` (AP MAC + slot): radio type dot11b(1) / dot11a(2), channel, ``bsnApIfNoOfUsers`` (clients);
- ``bsnDot11EssTable``: ``bsnDot11EssSsid`` and ``bsnDot11EssNumberOfMobileStations`` per WLAN, summed per SSID and
  for the total (as LibreNMS does);
- CISCO-LWAPP-AP-MIB ``cLApUpTime`` (same MAC index) for each AP's uptime.
"""

from __future__ import annotations

from devices.smi import INTEGER32, TIMETICKS, UNSIGNED32
from devices.snmp import SnmpSession, SnmpValue
from devices.wireless.common import (
    CHANNEL,
    UNKNOWN,
    AccessPoint,
    DeviceFacts,
    Num,
    Objects,
    Radio,
    WirelessSnapshot,
    add_ssid,
    ap_from_row,
    as_int,
    as_text,
    band_of_channel,
    enum_name,
    get,
    online_count,
    rows,
    split_mac_index,
    sum_known,
    walk,
)

_AP = "1.3.6.1.4.1.14179.2.2.1.1"
_AP_IF = "1.3.6.1.4.1.14179.2.2.2.1"
_ESS = "1.3.6.1.4.1.14179.2.1.1.1"

SCALARS = {
    "connect_count": Num("1.3.6.1.4.1.9.9.513.1.3.35.0", UNSIGNED32),
    "sys_connect_count": Num("1.3.6.1.4.1.9.9.618.1.8.4.0", UNSIGNED32),
}
AP_COLUMNS: Objects = {
    "name": f"{_AP}.3",
    "location": f"{_AP}.4",
    "status": Num(f"{_AP}.6", INTEGER32),
    "model": f"{_AP}.16",
    "serial": f"{_AP}.17",
    "ip": f"{_AP}.19",
    "uptime": Num("1.3.6.1.4.1.9.9.513.1.1.1.1.6", TIMETICKS),
}
RADIO_COLUMNS: Objects = {
    "type": Num(f"{_AP_IF}.2", INTEGER32),
    "channel": Num(f"{_AP_IF}.4", CHANNEL),
    "clients": Num(f"{_AP_IF}.15", UNSIGNED32),
}
ESS_COLUMNS: Objects = {"ssid": f"{_ESS}.2", "clients": Num(f"{_ESS}.38", UNSIGNED32)}

AP_STATUS = {1: "associated", 2: "disassociating", 3: "downloading"}
RADIO_TYPE = {1: "dot11b", 2: "dot11a", 3: "uwb"}
RADIO_BAND = {1: "2.4GHz", 2: "5GHz"}


async def fetch(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read the controller's APs, radios and WLAN client counts; None if it answers none of them."""
    scalars = await get(session, SCALARS)
    aps_raw = rows(await walk(session, AP_COLUMNS))
    radios_raw = rows(await walk(session, RADIO_COLUMNS))
    ess_raw = rows(await walk(session, ESS_COLUMNS))
    if not aps_raw and not radios_raw and not ess_raw and all(v is None for v in scalars.values()):
        return None
    radios = _radios(radios_raw)
    aps = [_ap(mac, row, radios.get(mac, [])) for mac, row in _by_mac(aps_raw).items()]
    snap = WirelessSnapshot(module="cisco_wlc", aps=aps)
    _ap_counts(snap, scalars)
    for row in ess_raw.values():
        add_ssid(snap.clients_by_ssid, as_text(row.get("ssid")), as_int(row.get("clients")))
    if any(as_int(r.get("clients")) is not None for r in ess_raw.values()):
        snap.clients_total = sum(as_int(r.get("clients")) or 0 for r in ess_raw.values())
        snap.sources["clients_total"] = "sum of AIRESPACE-WIRELESS-MIB::bsnDot11EssNumberOfMobileStations"
        snap.sources["clients_by_ssid"] = "AIRESPACE-WIRELESS-MIB::bsnDot11EssNumberOfMobileStations by bsnDot11EssSsid"
    elif any(ap.clients is not None for ap in aps):
        snap.clients_total = sum_known([ap.clients for ap in aps])
        snap.sources["clients_total"] = "sum of AIRESPACE-WIRELESS-MIB::bsnApIfNoOfUsers"
    return snap


def _ap_counts(snap: WirelessSnapshot, scalars: dict[str, SnmpValue | None]) -> None:
    connect = as_int(scalars["connect_count"])
    sys_connect = as_int(scalars["sys_connect_count"])
    if connect is not None:
        snap.aps_online = connect
        snap.sources["aps_online"] = "CISCO-LWAPP-AP-MIB::cLApGlobalAPConnectCount"
    elif sys_connect is not None:
        snap.aps_online = sys_connect
        snap.sources["aps_online"] = "CISCO-LWAPP-SYS-MIB::clsSysApConnectCount"
    elif snap.aps and all(ap.status != UNKNOWN for ap in snap.aps):
        snap.aps_online = online_count(snap.aps)
        snap.sources["aps_online"] = "AIRESPACE-WIRELESS-MIB::bsnAPOperationStatus = associated"
    if snap.aps:
        snap.aps_total = len(snap.aps)
        snap.sources["aps_total"] = "AIRESPACE-WIRELESS-MIB::bsnAPTable rows (APs joined to the controller)"
    elif snap.aps_online == 0:
        snap.aps_total = 0
        snap.sources["aps_total"] = snap.sources["aps_online"]


def _by_mac(table: dict[str, dict[str, SnmpValue]]) -> dict[str, dict[str, SnmpValue]]:
    out: dict[str, dict[str, SnmpValue]] = {}
    for index, row in table.items():
        split = split_mac_index(index)
        if split is not None and not split[1]:
            out.setdefault(split[0], {}).update(row)
    return out


def _radios(table: dict[str, dict[str, SnmpValue]]) -> dict[str, list[Radio]]:
    out: dict[str, list[Radio]] = {}
    for index, row in table.items():
        split = split_mac_index(index)
        if split is None or not split[1]:
            continue
        kind = as_int(row.get("type"))
        channel = as_int(row.get("channel"))
        band = RADIO_BAND.get(kind) if kind is not None else None
        out.setdefault(split[0], []).append(
            Radio(
                index=split[1],
                band=band or band_of_channel(channel),
                channel=None if channel is None else str(channel),
                clients=as_int(row.get("clients")),
                type_raw=enum_name(kind, RADIO_TYPE),
            )
        )
    return out


def _ap(mac: str, row: dict[str, SnmpValue], radios: list[Radio]) -> AccessPoint:
    return ap_from_row(mac, row, enum_name(row.get("status"), AP_STATUS), {"associated"}, mac=mac, radios=radios)
