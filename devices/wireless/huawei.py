"""Huawei wireless access controllers (AC6xxx, AirEngine 9700): HUAWEI-WLAN-AP-MIB, -GLOBAL-MIB and -VAP-MIB.

- ``hwWlanApTable`` is indexed by the AP's MAC: ``hwWlanApSn``, ``hwWlanApTypeInfo`` (model), ``hwWlanApName``,
  ``hwWlanApRunState`` idle(1) / autofind(2) / typeNotMatch(3) / fault(4) / config(5) / configFailed(6) /
  download(7) / normal(8) / committing(9) / commitFailed(10) / standby(11) / verMismatch(12) / nameConflicted(13) /
  invalid(14) / countryCodeMismatch(15), ``hwWlanApIpAddress`` and ``hwWlanApOnlineUserNum``. An AP counts as online
  in the states the MIB's own ``hwWlanApNormalRatio`` counts (normal, committing) and on an HA standby AC (standby).
- ``hwWlanCurJointApNum.0`` (GLOBAL): the APs currently joined to the AC.
- ``hwWlanSsidStatisticTable`` (VAP), indexed by the SSID: ``hwWlanSsid2gStaCnt`` and ``hwWlanSsid5gStaCnt``, the
  stations on each band; added up per SSID and for the total, as LibreNMS does (``LibreNMS/OS/Vrp.php``).

Some ACs answer an AP table without the run state, IP and user count columns (LibreNMS's AC6605 V200R010 recording):
then the online APs are ``hwWlanCurJointApNum`` and the clients the SSID table's, never a count of zero taken from
columns that are not there.
"""

from __future__ import annotations

from devices.smi import COUNT32, INTEGER32
from devices.snmp import SnmpSession, SnmpValue
from devices.wireless.common import (
    UNKNOWN,
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
    online_count,
    rows,
    split_mac_index,
    string_index,
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

GLOBAL_SCALARS: Objects = {"joined": Num("1.3.6.1.4.1.2011.6.139.12.1.2.1.0", COUNT32)}
_SSID = "1.3.6.1.4.1.2011.6.139.17.1.2.1"
SSID_COLUMNS: Objects = {"sta_2g": Num(f"{_SSID}.2", COUNT32), "sta_5g": Num(f"{_SSID}.3", COUNT32)}


async def fetch(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read the AC's AP table, joined-AP count and per-SSID stations; None if it answers none of them."""
    table = rows(await walk(session, AP_COLUMNS))
    joined = as_int((await get(session, GLOBAL_SCALARS))["joined"])
    ssids = rows(await walk(session, SSID_COLUMNS))
    if not table and joined is None and not ssids:
        return None
    snap = WirelessSnapshot(module="huawei_ac", aps=[_ap(index, row) for index, row in table.items()])
    _ap_counts(snap, joined)
    _clients(snap, ssids)
    return snap


def _ap_counts(snap: WirelessSnapshot, joined: int | None) -> None:
    """Online APs from the run states when every AP has one, else from hwWlanCurJointApNum; total from the table."""
    if snap.aps:
        snap.aps_total = len(snap.aps)
        snap.sources["aps_total"] = "HUAWEI-WLAN-AP-MIB::hwWlanApTable rows"
    if snap.aps and all(ap.status != UNKNOWN for ap in snap.aps):
        snap.aps_online = online_count(snap.aps)
        snap.sources["aps_online"] = "HUAWEI-WLAN-AP-MIB::hwWlanApRunState in normal, committing, standby"
    elif joined is not None:
        snap.aps_online = joined
        snap.sources["aps_online"] = "HUAWEI-WLAN-GLOBAL-MIB::hwWlanCurJointApNum"


def _clients(snap: WirelessSnapshot, ssids: dict[str, dict[str, SnmpValue]]) -> None:
    """Clients per SSID from the SSID table; the total from the APs' user counts, else from the SSID table.

    An SSID is counted only when every band column the agent answered has its value (a band left out as unknown
    must not pass for zero), and the SSID total only when every SSID was counted.
    """
    bands = [name for name in SSID_COLUMNS if any(name in row for row in ssids.values())]
    complete = True
    for index, row in ssids.items():
        counts = [as_int(row.get(band)) for band in bands]
        name = string_index(index)
        if name is None or None in counts:
            complete = False
            continue
        add_ssid(snap.clients_by_ssid, name, sum(c or 0 for c in counts))
    vap = "HUAWEI-WLAN-VAP-MIB::hwWlanSsid2gStaCnt + hwWlanSsid5gStaCnt"
    if snap.clients_by_ssid:
        snap.sources["clients_by_ssid"] = f"{vap} by hwWlanSsid"
    if any(ap.clients is not None for ap in snap.aps):
        snap.clients_total = sum_known([ap.clients for ap in snap.aps])
        snap.sources["clients_total"] = "sum of HUAWEI-WLAN-AP-MIB::hwWlanApOnlineUserNum"
    elif snap.clients_by_ssid and complete:
        snap.clients_total = sum(snap.clients_by_ssid.values())
        snap.sources["clients_total"] = f"sum of {vap}"


def _ap(index: str, row: dict[str, SnmpValue]) -> AccessPoint:
    split = split_mac_index(index)
    mac = split[0] if split is not None and not split[1] else None
    key = mac or as_text(row.get("serial")) or index
    return ap_from_row(key, row, enum_name(row.get("state"), RUN_STATE), ONLINE_STATES, mac=mac)
