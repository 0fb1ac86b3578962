"""Fortinet: the FortiGate's built-in WiFi controller and standalone FortiAPs.

FortiGate (FORTINET-FORTIGATE-MIB): ``fgWcInfoWtpManaged.0`` (APs managed), ``fgWcInfoWtpSessions.0`` (APs
connected), ``fgWcInfoStationCount.0`` (clients); ``fgWcWtpSessionTable`` per AP (WTP): local IP, base MAC,
``fgWcWtpSessionConnectionState`` other(0) / offLine(1) / onLine(2) / downloadingImage(3) / connectedImage(4),
uptime, ``fgWcWtpSessionWtpStationCount``; the AP's name is ``fgWcWtpConfigWtpName`` (same index).

FortiAP (FORTINET-FORTIAP-MIB): ``fapVapTable`` (radio.vap) with ``fapVapSSID`` and ``fapVapStaInfoCount`` (summed
per SSID, VAPs without an SSID skipped as LibreNMS does); ``fapRadioTable`` with ``fapRadioChannelOper``;
``fapSerialNum.0``.
"""

from __future__ import annotations

from devices.smi import COUNT32, INTEGER32, TIMETICKS, UNSIGNED32
from devices.snmp import SnmpSession, SnmpValue
from devices.wireless.common import (
    CHANNEL,
    OFFLINE,
    ONLINE,
    UNKNOWN,
    AccessPoint,
    DeviceFacts,
    Num,
    Objects,
    Radio,
    WirelessSnapshot,
    add_ssid,
    as_int,
    as_ip,
    as_mac,
    as_text,
    band_of_channel,
    enum_name,
    get,
    rows,
    standalone_snapshot,
    string_index,
    sum_known,
    uptime_seconds,
    walk,
)

_WC = "1.3.6.1.4.1.12356.101.14"
FG_SCALARS: Objects = {
    "managed": Num(f"{_WC}.2.4.0", UNSIGNED32),
    "sessions": Num(f"{_WC}.2.5.0", UNSIGNED32),
    "stations": Num(f"{_WC}.2.7.0", UNSIGNED32),
}
FG_WTP_COLUMNS: Objects = {
    "name": f"{_WC}.4.3.1.3",
    "ip": f"{_WC}.4.4.1.5",
    "mac": f"{_WC}.4.4.1.6",
    "state": Num(f"{_WC}.4.4.1.7", INTEGER32),
    "uptime": Num(f"{_WC}.4.4.1.8", TIMETICKS),
    "clients": Num(f"{_WC}.4.4.1.17", UNSIGNED32),
}
WTP_STATE = {0: "other", 1: "offLine", 2: "onLine", 3: "downloadingImage", 4: "connectedImage"}

_FAP = "1.3.6.1.4.1.12356.120"
FAP_VAP_COLUMNS: Objects = {"ssid": f"{_FAP}.7.1.1.4", "clients": Num(f"{_FAP}.7.1.1.45", COUNT32)}
FAP_RADIO_CHANNEL = Num(f"{_FAP}.4.1.1.14", CHANNEL)
FAP_SERIAL = f"{_FAP}.1.2.0"


async def fetch_fortigate(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read a FortiGate's WiFi controller; None when it manages no APs and answers none of the objects."""
    scalars = await get(session, FG_SCALARS)
    wtp_rows = rows(await walk(session, FG_WTP_COLUMNS))
    if not wtp_rows and all(v is None for v in scalars.values()):
        return None
    snap = WirelessSnapshot(module="fortigate", aps=[_wtp(index, row) for index, row in wtp_rows.items()])
    mib = "FORTINET-FORTIGATE-MIB::"
    for figure, key, name in (
        ("aps_total", "managed", "fgWcInfoWtpManaged"),
        ("aps_online", "sessions", "fgWcInfoWtpSessions"),
        ("clients_total", "stations", "fgWcInfoStationCount"),
    ):
        value = as_int(scalars[key])
        if value is not None:
            setattr(snap, figure, value)
            snap.sources[figure] = mib + name
    return snap


def _wtp(index: str, row: dict[str, SnmpValue]) -> AccessPoint:
    raw = enum_name(row.get("state"), WTP_STATE)
    status = UNKNOWN if raw in (None, "other") else (ONLINE if raw in ("onLine", "connectedImage") else OFFLINE)
    mac = as_mac(row.get("mac"))
    # The index is the VDOM then the WTP id as a length-prefixed string.
    wtp_id = string_index(index.partition(".")[2]) if "." in index else None
    key = mac or wtp_id or index
    return AccessPoint(
        key=key,
        name=as_text(row.get("name")) or wtp_id or key,
        status=status,
        status_raw=raw,
        mac=mac,
        serial=wtp_id,
        ip=as_ip(row.get("ip")),
        uptime_s=uptime_seconds(row.get("uptime")),
        clients=as_int(row.get("clients")),
    )


async def fetch_fortiap(session: SnmpSession, facts: DeviceFacts) -> WirelessSnapshot | None:
    """Read a standalone FortiAP's VAPs and radios; None if it has neither."""
    vaps = rows(await walk(session, FAP_VAP_COLUMNS))
    channels = (await walk(session, {"channel": FAP_RADIO_CHANNEL}))["channel"]
    if not vaps and not channels:
        return None
    by_ssid: dict[str, int] = {}
    per_radio: dict[str, list[int | None]] = {}
    for index, row in vaps.items():
        clients = as_int(row.get("clients"))
        add_ssid(by_ssid, as_text(row.get("ssid")), clients)
        if as_text(row.get("ssid")):
            per_radio.setdefault(index.split(".")[0], []).append(clients)
    radios = []
    for index, value in sorted(channels.items()):
        channel = as_int(value)
        radios.append(
            Radio(
                index=index,
                band=band_of_channel(channel),
                channel=str(channel) if channel else None,
                clients=sum_known(per_radio.get(index, [])),
            )
        )
    total = sum(by_ssid.values()) if by_ssid else None
    sources = {"clients_by_ssid": "FORTINET-FORTIAP-MIB::fapVapStaInfoCount by fapVapSSID"} if by_ssid else {}
    if total is not None:
        sources["clients_total"] = "sum of FORTINET-FORTIAP-MIB::fapVapStaInfoCount"
    snap = standalone_snapshot("fortiap", facts, by_ssid, total, radios, sources)
    serial = as_text((await get(session, {"serial": FAP_SERIAL}))["serial"])
    if serial:
        snap.aps[0].serial = snap.aps[0].key = serial
    return snap
