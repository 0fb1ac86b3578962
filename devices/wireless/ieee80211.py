"""The standard IEEE802dot11-MIB, for access points no vendor module knows.

``dot11StationConfigTable`` (one row per wireless interface): ``dot11StationID`` (the radio's MAC) and
``dot11DesiredSSID``; ``dot11PhyDSSSTable`` ``dot11CurrentChannel`` (2.4 GHz) and ``dot11PhyOFDMTable``
``dot11CurrentFrequency`` (a 5 GHz channel number). The MIB counts no clients, so clients stay unknown (None): the
device is reported as one AP with its radios and SSIDs.
"""

from __future__ import annotations

from devices.snmp import SnmpSession
from devices.wireless.common import (
    CHANNEL,
    DeviceFacts,
    Num,
    Objects,
    Radio,
    WirelessSnapshot,
    as_int,
    as_mac,
    as_text,
    rows,
    standalone_snapshot,
    walk,
)

_DOT11 = "1.2.840.10036"
STATION_COLUMNS: Objects = {"mac": f"{_DOT11}.1.1.1.1", "ssid": f"{_DOT11}.1.1.1.9"}
CHANNEL_COLUMNS: Objects = {"dsss": Num(f"{_DOT11}.4.5.1.1", CHANNEL), "ofdm": Num(f"{_DOT11}.4.11.1.1", CHANNEL)}
PROBE_COLUMN = STATION_COLUMNS["ssid"]


async def fetch(session: SnmpSession, facts: DeviceFacts, module: str = "ieee80211") -> WirelessSnapshot | None:
    """Read the standard 802.11 tables; None if the device has no dot11DesiredSSID rows."""
    stations = rows(await walk(session, STATION_COLUMNS))
    stations = {i: r for i, r in stations.items() if as_text(r.get("ssid"))}
    if not stations:
        return None
    channels = rows(await walk(session, CHANNEL_COLUMNS))
    radios = []
    for index, row in stations.items():
        dsss = as_int(channels.get(index, {}).get("dsss"))
        ofdm = as_int(channels.get(index, {}).get("ofdm"))
        channel, band = (ofdm, "5GHz") if ofdm else ((dsss, "2.4GHz") if dsss else (None, None))
        ssid = as_text(row.get("ssid"))
        radios.append(
            Radio(index=index, band=band, channel=str(channel) if channel else None, ssids=[ssid] if ssid else [])
        )
    first_mac = next((m for r in stations.values() if (m := as_mac(r.get("mac")))), None)
    sources = {"radios": "IEEE802dot11-MIB::dot11DesiredSSID (the MIB counts no clients)"}
    return standalone_snapshot(module, facts, {}, None, radios, sources, mac=first_mac)
