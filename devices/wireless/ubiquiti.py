"""Ubiquiti UniFi access points (UBNT-UniFi-MIB), read from the AP itself.

``unifiVapTable`` has one row per VAP (an SSID on a radio): ``unifiVapChannel``, ``unifiVapEssId``,
``unifiVapNumStations`` and ``unifiVapRadio`` ("ng" is the 2.4 GHz radio, "na" the 5 GHz one, "6e" 6 GHz). Clients
are summed per SSID and per radio; the AP's total is their sum. A UniFi AP has no AP table of its own: it reports
itself, online because it answered.
"""

from __future__ import annotations

from devices.smi import COUNT32
from devices.snmp import SnmpSession
from devices.wireless.common import (
    CHANNEL,
    DeviceFacts,
    Num,
    Objects,
    Radio,
    WirelessSnapshot,
    add_ssid,
    as_int,
    as_text,
    rows,
    standalone_snapshot,
    walk,
)

_VAP = "1.3.6.1.4.1.41112.1.6.1.2.1"
VAP_COLUMNS: Objects = {
    "channel": Num(f"{_VAP}.4", CHANNEL),
    "essid": f"{_VAP}.6",
    "clients": Num(f"{_VAP}.8", COUNT32),
    "radio": f"{_VAP}.9",
}
RADIO_BAND = {"ng": "2.4GHz", "na": "5GHz", "6e": "6GHz"}


async def fetch(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read the AP's VAP table; None if it has none."""
    vaps = rows(await walk(session, VAP_COLUMNS))
    if not vaps:
        return None
    by_ssid: dict[str, int] = {}
    radios: dict[str, Radio] = {}
    for row in vaps.values():
        clients = as_int(row.get("clients"))
        add_ssid(by_ssid, as_text(row.get("essid")), clients)
        name = as_text(row.get("radio")) or "?"
        radio = radios.setdefault(name, Radio(index=name, band=RADIO_BAND.get(name), type_raw=name))
        channel = as_int(row.get("channel"))
        if channel:
            radio.channel = str(channel)
        if clients is not None:
            radio.clients = (radio.clients or 0) + clients
    known = [r.clients for r in radios.values() if r.clients is not None]
    total = sum(known) if known else None
    sources = {}
    if by_ssid:
        sources["clients_by_ssid"] = "UBNT-UniFi-MIB::unifiVapNumStations by unifiVapEssId"
    if total is not None:
        sources["clients_total"] = "sum of UBNT-UniFi-MIB::unifiVapNumStations"
    return standalone_snapshot("unifi", facts, by_ssid, total, list(radios.values()), sources)
