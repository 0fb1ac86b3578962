"""Aerohive / Extreme HiveOS access points (AH-SYSTEM-MIB, AH-INTERFACE-MIB), read from the AP itself.

- ``ahClientCount.0``: the AP's associated clients; ``ahSystemSerial.0``;
- ``ahInterfaceTable`` (by ifIndex): ``ahIfName`` ("wifi0", "wifi0.1" ...) and ``ahSSIDName`` of each VAP;
- ``ahAssociationTable`` (ifIndex + client MAC): one row per client; counted per VAP, so per SSID;
- ``ahRadioAttributeTable`` (radio ifIndex): ``ahRadioChannel``.

Per-SSID counts are given only when the association rows add up to ``ahClientCount`` (a table that was not read,
or is still filling, must not pass for "no clients on these SSIDs").
"""

from __future__ import annotations

from devices.smi import SmiRange
from devices.snmp import SnmpSession, SnmpValue
from devices.wireless.common import (
    CHANNEL,
    DeviceFacts,
    Num,
    Objects,
    Radio,
    WirelessSnapshot,
    as_int,
    as_text,
    band_of_channel,
    get,
    rows,
    standalone_snapshot,
    walk,
)

_IF = "1.3.6.1.4.1.26928.1.1.1.2.1"
CLIENT_COUNT = Num("1.3.6.1.4.1.26928.1.2.9.0", SmiRange("INTEGER (0..10000)", 0, 10_000))  # its MIB's own range
SERIAL = "1.3.6.1.4.1.26928.1.2.5.0"
IF_COLUMNS: Objects = {"name": f"{_IF}.1.1.1", "ssid": f"{_IF}.1.1.2"}
ASSOCIATION_MAC = f"{_IF}.2.1.1"
RADIO_CHANNEL = Num(f"{_IF}.5.1.1", CHANNEL)


async def fetch(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read the AP's interfaces, associations and radios; None if it answers none of them."""
    system = await get(session, {"clients": CLIENT_COUNT, "serial": SERIAL})
    total = as_int(system["clients"])
    interfaces = rows(await walk(session, IF_COLUMNS))
    associations = (await walk(session, {"mac": ASSOCIATION_MAC}))["mac"]
    channels = (await walk(session, {"channel": RADIO_CHANNEL}))["channel"]
    if total is None and not interfaces and not channels:
        return None
    names = {index: as_text(row.get("name")) or index for index, row in interfaces.items()}
    ssid_of: dict[str, str] = {}
    for index, row in interfaces.items():
        ssid = as_text(row.get("ssid"))
        if ssid and ssid.upper() != "N/A":
            ssid_of[index] = ssid
    per_vap: dict[str, int] = {}
    for index in associations:
        vap = index.split(".")[0]
        per_vap[vap] = per_vap.get(vap, 0) + 1
    radios = _radios(names, ssid_of, per_vap, channels)
    by_ssid: dict[str, int] = {}
    sources = {}
    counted = sum(per_vap.values())
    if total is None or counted == total:
        for vap, ssid in ssid_of.items():
            by_ssid[ssid] = by_ssid.get(ssid, 0) + per_vap.get(vap, 0)
        sources["clients_by_ssid"] = "AH-INTERFACE-MIB::ahAssociationTable rows by ahSSIDName"
    if total is not None:
        sources["clients_total"] = "AH-SYSTEM-MIB::ahClientCount"
    elif associations:
        total = counted
        sources["clients_total"] = "AH-INTERFACE-MIB::ahAssociationTable rows"
    snap = standalone_snapshot("aerohive", facts, by_ssid, total, radios, sources)
    serial = as_text(system["serial"])
    if serial:
        snap.aps[0].serial = snap.aps[0].key = serial
    return snap


def _radios(
    names: dict[str, str], ssid_of: dict[str, str], per_vap: dict[str, int], channels: dict[str, SnmpValue]
) -> list[Radio]:
    """One radio per ``ahRadioAttributeTable`` row; its VAPs are the interfaces named "<radio>.<n>"."""
    radios = []
    for index, value in sorted(channels.items(), key=lambda item: int(item[0]) if item[0].isdigit() else 0):
        radio_name = names.get(index, index)
        vaps = [vap for vap, name in names.items() if name.startswith(radio_name + ".")]
        channel = value if isinstance(value, int) else None
        radios.append(
            Radio(
                index=radio_name,
                band=band_of_channel(channel),
                channel=str(channel) if channel else None,
                clients=sum(per_vap.get(vap, 0) for vap in vaps) if vaps else None,
                ssids=sorted({s for vap in vaps if (s := ssid_of.get(vap))}),
            )
        )
    return radios
