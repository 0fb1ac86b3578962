"""MikroTik RouterOS wireless (MIKROTIK-MIB ``mtxrWlApTable``), read from the router or AP itself.

One row per wireless interface in AP mode (indexed by ifIndex): ``mtxrWlApSsid``, ``mtxrWlApClientCount`` and
``mtxrWlApFreq`` (MHz). A RouterOS switch or router without wireless interfaces has no rows: no wireless data.
"""

from __future__ import annotations

from devices.smi import INTEGER32, UNSIGNED32
from devices.snmp import SnmpSession
from devices.wireless.common import (
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

_AP = "1.3.6.1.4.1.14988.1.1.1.3.1"
AP_COLUMNS: Objects = {"ssid": f"{_AP}.4", "clients": Num(f"{_AP}.6", UNSIGNED32), "freq": Num(f"{_AP}.7", INTEGER32)}


def channel_of(freq_mhz: int | None) -> tuple[str | None, str | None]:
    """(band, channel number) of a centre frequency in MHz."""
    if not freq_mhz:
        return None, None
    if 2401 <= freq_mhz <= 2495:
        return "2.4GHz", str(14 if freq_mhz == 2484 else (freq_mhz - 2407) // 5)
    if 5150 <= freq_mhz <= 5895:
        return "5GHz", str((freq_mhz - 5000) // 5)
    if 5925 <= freq_mhz <= 7125:
        return "6GHz", str((freq_mhz - 5950) // 5)
    return None, None


async def fetch(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read the wireless AP interfaces; None if there are none."""
    table = rows(await walk(session, AP_COLUMNS))
    if not table:
        return None
    by_ssid: dict[str, int] = {}
    radios = []
    for index, row in table.items():
        clients = as_int(row.get("clients"))
        add_ssid(by_ssid, as_text(row.get("ssid")), clients)
        band, channel = channel_of(as_int(row.get("freq")))
        radios.append(Radio(index=index, band=band, channel=channel, clients=clients))
    known = [r.clients for r in radios if r.clients is not None]
    total = sum(known) if known else None
    sources = {"clients_by_ssid": "MIKROTIK-MIB::mtxrWlApClientCount by mtxrWlApSsid"} if by_ssid else {}
    if total is not None:
        sources["clients_total"] = "sum of MIKROTIK-MIB::mtxrWlApClientCount"
    return standalone_snapshot("mikrotik", facts, by_ssid, total, radios, sources)
