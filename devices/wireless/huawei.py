"""Huawei wireless access controllers (AC6xxx, AirEngine 9700; HUAWEI-WLAN-AP-MIB).

``hwWlanApTable`` is indexed by the AP's MAC: ``hwWlanApSn``, ``hwWlanApTypeInfo`` (model), ``hwWlanApName``,
``hwWlanApRunState`` idle(1) / autofind(2) / typeNotMatch(3) / fault(4) / config(5) / configFailed(6) / download(7) /
normal(8) / committing(9) / commitFailed(10) / standby(11) / verMismatch(12) / nameConflicted(13) / invalid(14) /
countryCodeMismatch(15), ``hwWlanApIpAddress`` and ``hwWlanApOnlineUserNum``. An AP counts as online in the states
the MIB's own ``hwWlanApNormalRatio`` counts (normal, committing) and on an HA standby AC (standby).
"""

from __future__ import annotations

from devices.snmp import SnmpSession, SnmpValue
from devices.wireless.common import (
    COUNT32,
    INTEGER32,
    AccessPoint,
    DeviceFacts,
    Num,
    Objects,
    WirelessSnapshot,
    ap_from_row,
    as_text,
    enum_name,
    online_count,
    rows,
    split_mac_index,
    sum_known,
    walk,
)

_AP = "1.3.6.1.4.1.2011.6.139.13.3.3.1"
AP_COLUMNS: Objects = {
    "serial": f"{_AP}.2",
    "model": f"{_AP}.3",
    "name": f"{_AP}.4",
    "state": Num(f"{_AP}.6", INTEGER32),
    "ip": f"{_AP}.13",
    "clients": Num(f"{_AP}.44", COUNT32),
}
RUN_STATE = {
    1: "idle",
    2: "autofind",
    3: "typeNotMatch",
    4: "fault",
    5: "config",
    6: "configFailed",
    7: "download",
    8: "normal",
    9: "committing",
    10: "commitFailed",
    11: "standby",
    12: "verMismatch",
    13: "nameConflicted",
    14: "invalid",
    15: "countryCodeMismatch",
}
ONLINE_STATES = frozenset({"normal", "committing", "standby"})


async def fetch(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read the AC's AP table; None if it has none."""
    table = rows(await walk(session, AP_COLUMNS))
    if not table:
        return None
    aps = [_ap(index, row) for index, row in table.items()]
    snap = WirelessSnapshot(module="huawei_ac", aps=aps, aps_total=len(aps), aps_online=online_count(aps))
    snap.sources["aps_total"] = "HUAWEI-WLAN-AP-MIB::hwWlanApTable rows"
    snap.sources["aps_online"] = "HUAWEI-WLAN-AP-MIB::hwWlanApRunState in normal, committing, standby"
    if any(ap.clients is not None for ap in aps):
        snap.clients_total = sum_known([ap.clients for ap in aps])
        snap.sources["clients_total"] = "sum of HUAWEI-WLAN-AP-MIB::hwWlanApOnlineUserNum"
    return snap


def _ap(index: str, row: dict[str, SnmpValue]) -> AccessPoint:
    split = split_mac_index(index)
    mac = split[0] if split is not None and not split[1] else None
    key = mac or as_text(row.get("serial")) or index
    return ap_from_row(key, row, enum_name(row.get("state"), RUN_STATE), ONLINE_STATES, mac=mac)
