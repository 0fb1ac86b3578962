"""Aruba: Mobility Controllers (ArubaOS, WLSX MIBs) and Aruba Instant virtual controllers (AI-AP-MIB).

Controller (WLSX-SWITCH-MIB, WLSX-WLAN-MIB):

- ``wlsxSwitchTotalNumAccessPoints.0``: APs connected to this controller; ``wlsxSwitchTotalNumStationsAssociated.0``:
  its associated stations;
- ``wlsxWlanAPTable`` (indexed by AP MAC): name, IP, model name, serial, uptime, location, ``wlanAPStatus`` up(1) /
  down(2) (a down AP stays in the table, so registered = rows);
- ``wlsxWlanRadioTable`` (AP MAC + radio): ``wlanAPRadioType`` (ArubaPhyType dot11a(1) ...), channel,
  ``wlanAPRadioNumAssociatedClients``, ``wlanAPRadioAPName`` (APs only known from this table get their name here);
- ``wlsxWlanESSIDTable`` (indexed by the ESSID text): ``wlanESSIDNumStations``.

Instant (AI-AP-MIB): ``aiAccessPointTable`` (AP MAC): name, IP, serial, model name, uptime, ``aiAPStatus`` up(1) /
down(2); ``aiRadioTable`` (AP MAC + radio): channel (text such as "36E"), ``aiRadioClientNum``; ``aiWlanSSIDTable``:
``aiSSID`` and ``aiSSIDClientNum``. The AP count is the table's rows (LibreNMS counts ``aiAPSerialNum`` the same way).
"""

from __future__ import annotations

from devices.smi import COUNT32, INTEGER32, TIMETICKS, UNSIGNED32
from devices.snmp import SnmpSession, SnmpValue
from devices.wireless.common import (
    CHANNEL,
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
    string_index,
    sum_known,
    walk,
)

_SWITCH = "1.3.6.1.4.1.14823.2.2.1.1.3"
_WLAN = "1.3.6.1.4.1.14823.2.2.1.5.2.1"
_AI = "1.3.6.1.4.1.14823.2.3.3.1"

CONTROLLER_SCALARS: Objects = {"aps": Num(f"{_SWITCH}.1.0", UNSIGNED32), "stations": Num(f"{_SWITCH}.2.0", UNSIGNED32)}
CONTROLLER_AP_COLUMNS: Objects = {
    "ip": f"{_WLAN}.4.1.2",
    "name": f"{_WLAN}.4.1.3",
    "serial": f"{_WLAN}.4.1.6",
    "uptime": Num(f"{_WLAN}.4.1.12", TIMETICKS),
    "model": f"{_WLAN}.4.1.13",
    "location": f"{_WLAN}.4.1.14",
    "status": Num(f"{_WLAN}.4.1.19", INTEGER32),
}
CONTROLLER_RADIO_COLUMNS: Objects = {
    "type": Num(f"{_WLAN}.5.1.2", INTEGER32),
    "channel": Num(f"{_WLAN}.5.1.3", CHANNEL),
    "clients": Num(f"{_WLAN}.5.1.7", COUNT32),
    "ap_name": f"{_WLAN}.5.1.16",
}
CONTROLLER_ESSID_COLUMNS: Objects = {"stations": Num(f"{_WLAN}.8.1.2", UNSIGNED32)}

INSTANT_AP_COLUMNS: Objects = {
    "name": f"{_AI}.2.1.1.2",
    "ip": f"{_AI}.2.1.1.3",
    "serial": f"{_AI}.2.1.1.4",
    "model": f"{_AI}.2.1.1.6",
    "uptime": Num(f"{_AI}.2.1.1.9", TIMETICKS),
    "status": Num(f"{_AI}.2.1.1.11", INTEGER32),
}
INSTANT_RADIO_COLUMNS: Objects = {"channel": f"{_AI}.2.2.1.4", "clients": Num(f"{_AI}.2.2.1.21", COUNT32)}
INSTANT_SSID_COLUMNS: Objects = {"ssid": f"{_AI}.1.7.1.2", "clients": Num(f"{_AI}.1.7.1.4", COUNT32)}

UP_DOWN = {1: "up", 2: "down"}
PHY_TYPE = {1: "dot11a", 2: "dot11b", 3: "dot11g", 4: "dot11ag", 5: "wired", 6: "dot11ax6ghz"}
PHY_BAND = {1: "5GHz", 2: "2.4GHz", 3: "2.4GHz", 6: "6GHz"}


def _group_by_ap(table: dict[str, dict[str, SnmpValue]]) -> dict[str, dict[str, dict[str, SnmpValue]]]:
    """AP MAC -> {rest of the index: row}; rows whose index does not start with a MAC are dropped."""
    out: dict[str, dict[str, dict[str, SnmpValue]]] = {}
    for index, row in table.items():
        split = split_mac_index(index)
        if split is not None:
            out.setdefault(split[0], {})[split[1]] = row
    return out


# ------------------------------------------------------------------------------------------------ controller


async def fetch_controller(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read an ArubaOS Mobility Controller; None if it answers none of the WLSX objects used."""
    scalars = await get(session, CONTROLLER_SCALARS)
    ap_rows = _group_by_ap(rows(await walk(session, CONTROLLER_AP_COLUMNS)))
    radio_rows = _group_by_ap(rows(await walk(session, CONTROLLER_RADIO_COLUMNS)))
    essids = (await walk(session, CONTROLLER_ESSID_COLUMNS))["stations"]
    if not ap_rows and not radio_rows and not essids and all(v is None for v in scalars.values()):
        return None
    aps = [
        _controller_ap(mac, ap_rows.get(mac, {}).get("", {}), radio_rows.get(mac, {}))
        for mac in _macs(ap_rows, radio_rows)
    ]
    snap = WirelessSnapshot(module="aruba_controller", aps=aps)
    connected, stations = as_int(scalars["aps"]), as_int(scalars["stations"])
    if connected is not None:
        snap.aps_online = connected
        snap.sources["aps_online"] = "WLSX-SWITCH-MIB::wlsxSwitchTotalNumAccessPoints"
    elif ap_rows:
        snap.aps_online = online_count(aps)
        snap.sources["aps_online"] = "WLSX-WLAN-MIB::wlanAPStatus = up"
    if ap_rows:
        snap.aps_total = len(ap_rows)
        snap.sources["aps_total"] = "WLSX-WLAN-MIB::wlsxWlanAPTable rows"
    if stations is not None:
        snap.clients_total = stations
        snap.sources["clients_total"] = "WLSX-SWITCH-MIB::wlsxSwitchTotalNumStationsAssociated"
    elif any(ap.clients is not None for ap in aps):
        snap.clients_total = sum_known([ap.clients for ap in aps])
        snap.sources["clients_total"] = "sum of WLSX-WLAN-MIB::wlanAPRadioNumAssociatedClients"
    for index, value in essids.items():
        add_ssid(snap.clients_by_ssid, string_index(index), as_int(value))
    if essids:
        snap.sources["clients_by_ssid"] = "WLSX-WLAN-MIB::wlanESSIDNumStations"
    return snap


def _macs(*tables: dict[str, dict[str, dict[str, SnmpValue]]]) -> list[str]:
    return sorted({mac for table in tables for mac in table})


def _controller_ap(mac: str, row: dict[str, SnmpValue], radio_rows: dict[str, dict[str, SnmpValue]]) -> AccessPoint:
    radios = []
    for number, radio in sorted(radio_rows.items()):
        kind = as_int(radio.get("type"))
        channel = as_int(radio.get("channel"))
        radios.append(
            Radio(
                index=number,
                band=(PHY_BAND.get(kind) if kind is not None else None) or band_of_channel(channel),
                channel=None if channel is None else str(channel),
                clients=as_int(radio.get("clients")),
                type_raw=enum_name(kind, PHY_TYPE),
            )
        )
    radio_name = next((as_text(r.get("ap_name")) for r in radio_rows.values() if as_text(r.get("ap_name"))), None)
    ap = ap_from_row(mac, row, enum_name(row.get("status"), UP_DOWN), {"up"}, mac=mac, radios=radios)
    if ap.name == mac and radio_name:
        ap.name = radio_name
    return ap


# ------------------------------------------------------------------------------------------------ Instant


async def fetch_instant(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read an Aruba Instant virtual controller's AP, radio and SSID tables; None if it has none of them."""
    ap_rows = _group_by_ap(rows(await walk(session, INSTANT_AP_COLUMNS)))
    radio_rows = _group_by_ap(rows(await walk(session, INSTANT_RADIO_COLUMNS)))
    ssid_rows = rows(await walk(session, INSTANT_SSID_COLUMNS))
    if not ap_rows and not radio_rows and not ssid_rows:
        return None
    aps = [
        _instant_ap(mac, ap_rows.get(mac, {}).get("", {}), radio_rows.get(mac, {}))
        for mac in _macs(ap_rows, radio_rows)
    ]
    snap = WirelessSnapshot(module="aruba_instant", aps=aps)
    if ap_rows:
        snap.aps_total = len(ap_rows)
        snap.aps_online = online_count(aps)
        snap.sources["aps_total"] = "AI-AP-MIB::aiAccessPointTable rows"
        snap.sources["aps_online"] = "AI-AP-MIB::aiAPStatus = up"
    for row in ssid_rows.values():
        add_ssid(snap.clients_by_ssid, as_text(row.get("ssid")), as_int(row.get("clients")))
    if any(as_int(r.get("clients")) is not None for r in ssid_rows.values()):
        snap.clients_total = sum(as_int(r.get("clients")) or 0 for r in ssid_rows.values())
        snap.sources["clients_total"] = "sum of AI-AP-MIB::aiSSIDClientNum"
        snap.sources["clients_by_ssid"] = "AI-AP-MIB::aiSSIDClientNum by aiSSID"
    elif any(ap.clients is not None for ap in aps):
        snap.clients_total = sum_known([ap.clients for ap in aps])
        snap.sources["clients_total"] = "sum of AI-AP-MIB::aiRadioClientNum"
    return snap


def _instant_ap(mac: str, row: dict[str, SnmpValue], radio_rows: dict[str, dict[str, SnmpValue]]) -> AccessPoint:
    radios = []
    for number, radio in sorted(radio_rows.items()):
        channel = as_text(radio.get("channel"))
        digits = "".join(ch for ch in channel or "" if ch.isdigit())
        radios.append(
            Radio(
                index=number,
                band=band_of_channel(int(digits)) if digits else None,
                channel=channel,
                clients=as_int(radio.get("clients")),
            )
        )
    return ap_from_row(mac, row, enum_name(row.get("status"), UP_DOWN), {"up"}, mac=mac, radios=radios)
