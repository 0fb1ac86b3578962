"""What every wireless vendor module returns, and the small decoders they share.

A vendor module reads its controller or AP MIB with the project's SNMP client and returns a
:class:`WirelessSnapshot`, or None when the device answers none of its wireless objects ("no wireless data":
never a row of zeros that would look real). Figures the MIB does not give stay None. Every figure names the MIB
object it came from in :attr:`WirelessSnapshot.sources`, so a count is always labelled the way its MIB defines it
(an AireOS "clsSysApConnectCount" is joined APs, a ZoneDirector "NumRegisteredAP" registered ones).

Status: each AP carries the MIB's own status name in ``status_raw`` ("associated", "down", "disconnected",
"normal" ...) beside the normalised ``status``: ``online``, ``offline``, or ``unknown`` when the row has no status
column at all (a partial table, e.g. a recording without it).

Numbers: a vendor module declares each numeric object it reads as a :class:`Num` with the range its SMI type allows
(:data:`INTEGER32`, :data:`COUNT32` for an Integer32 that counts, :data:`UNSIGNED32`, :data:`TIMETICKS`,
:data:`CHANNEL`). :func:`walk` and :func:`get` check every value against it before any arithmetic or storage: a value
outside it (a Counter64 above 2^32 where a 32-bit object belongs, anything above 2^63, a negative count) or of the
wrong type becomes unknown (left out, so the figure is None), and the reason is logged (a warning the first time
per device and object, then at debug level). The SNMP codec does not keep the wire type, so a Counter64 carrying a
value the object's own type allows is indistinguishable from it, and is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from devices.ifmib import text_value
from devices.smi import TIMETICKS, SmiRange
from devices.snmp import SnmpSession, SnmpValue

log = logging.getLogger("devices.wireless")

ONLINE = "online"
OFFLINE = "offline"
UNKNOWN = "unknown"

# Walks of AP tables stop here: a controller with more APs than this is not a school's (and a looping agent is
# stopped long before the client's own limit).
MAX_TABLE_ROWS = 20_000


@dataclass
class Radio:
    """One radio (slot, interface) of an AP, as far as its MIB tells; ``ssids`` are the SSIDs it broadcasts where
    the MIB says so."""

    index: str
    band: str | None = None
    channel: str | None = None
    clients: int | None = None
    type_raw: str | None = None
    ssids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "index": self.index,
            "band": self.band,
            "channel": self.channel,
            "clients": self.clients,
            "type_raw": self.type_raw,
            "ssids": list(self.ssids),
        }


@dataclass
class AccessPoint:
    """One AP as a controller (or a standalone AP about itself) reports it in one poll.

    ``key`` identifies the AP across polls: its MAC address when the MIB indexes by MAC, else its serial number,
    else its name.
    """

    key: str
    name: str
    status: str = UNKNOWN
    status_raw: str | None = None
    mac: str | None = None
    serial: str | None = None
    ip: str | None = None
    model: str | None = None
    location: str | None = None
    uptime_s: int | None = None
    clients: int | None = None
    radios: list[Radio] = field(default_factory=list)


@dataclass
class WirelessSnapshot:
    """Everything one poll learned about a controller's or AP's wireless side.

    Attributes:
        module: the vendor module that read it (``cisco_wlc``, ``aruba_controller`` ...).
        aps_total: APs the device knows (registered, managed, or listed in its AP table), None if not given.
        aps_online: APs up / joined / connected, None if not given.
        clients_total: associated clients, None if not given.
        clients_by_ssid: clients per SSID; only SSIDs the device counts clients for (empty when it does not).
        aps: the AP table (for a standalone AP: the AP itself).
        sources: figure name -> the MIB object it came from.
        standalone: the device is an AP reporting about itself (not a controller with an AP table).
    """

    module: str
    aps_total: int | None = None
    aps_online: int | None = None
    clients_total: int | None = None
    clients_by_ssid: dict[str, int] = field(default_factory=dict)
    aps: list[AccessPoint] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    standalone: bool = False


@dataclass(frozen=True)
class DeviceFacts:
    """What a vendor module may need to know about the device it reads (for a standalone AP's own row)."""

    host: str
    sys_name: str
    model: str | None
    sys_uptime: int | None = None


# ------------------------------------------------------------------------------------------------ SNMP helpers


# Whatever the column's type, an 802.11 channel number is one octet (the DS Parameter Set element carries it so).
CHANNEL = SmiRange("802.11 channel number (one octet)", 0, 255)


class Num(NamedTuple):
    """A numeric MIB object (a table column or a scalar) and the range its values must fall in."""

    oid: str
    smi: SmiRange


# A vendor module's columns or scalars: our name -> the OID (text, addresses, OIDs) or a Num (numbers).
Objects = Mapping[str, str | Num]

# (device, object) pairs already warned about; later findings go to the debug log (bounded, then started afresh).
_WARNED: set[tuple[str, str]] = set()
_MAX_WARNED = 10_000


def oid_of(spec: str | Num) -> str:
    """The OID of an object declared as text or as a :class:`Num`."""
    return spec.oid if isinstance(spec, Num) else spec


def checked(session: SnmpSession, spec: str | Num, index: str, value: SnmpValue | None) -> SnmpValue | None:
    """``value`` if it fits its object's declared range (text objects pass as they are); None, logged, if not."""
    if not isinstance(spec, Num) or value is None:
        return value
    smi = spec.smi
    if smi.admits(value):
        return value
    what = f"{value!r} is not a number" if not isinstance(value, int) else f"{value} is outside {smi.low}..{smi.high}"
    _report(session.target.host, spec.oid, f"{spec.oid}{'.' + index if index else ''} = {what} ({smi.name})")
    return None


def _report(host: str, oid: str, reason: str) -> None:
    key = (host, oid)
    level = logging.DEBUG if key in _WARNED else logging.WARNING
    if len(_WARNED) >= _MAX_WARNED:
        _WARNED.clear()
    _WARNED.add(key)
    log.log(level, "%s: %s: taken as unknown", host, reason)


async def walk(session: SnmpSession, columns: Objects) -> dict[str, dict[str, SnmpValue]]:
    """Walk table columns (GETBULK on v2c/v3) keyed by our names; a column the agent lacks is an empty dict.

    Values of a :class:`Num` column outside its range are left out (unknown), as if the agent had not answered them.
    """
    by_oid = await session.walk_columns([oid_of(spec) for spec in columns.values()], max_rows=MAX_TABLE_ROWS)
    out: dict[str, dict[str, SnmpValue]] = {}
    for name, spec in columns.items():
        column = by_oid.get(oid_of(spec), {})
        if isinstance(spec, Num):
            column = {i: v for i, v in column.items() if checked(session, spec, i, v) is not None}
        out[name] = column
    return out


async def get(session: SnmpSession, scalars: Objects) -> dict[str, SnmpValue | None]:
    """GET scalars keyed by our names; None where the agent has no such object or a :class:`Num` is out of range."""
    values = await session.get([oid_of(spec) for spec in scalars.values()])
    return {name: checked(session, spec, "", values.get(oid_of(spec))) for name, spec in scalars.items()}


def rows(columns: Mapping[str, Mapping[str, SnmpValue]]) -> dict[str, dict[str, SnmpValue]]:
    """Walked columns (name -> {index: value}) turned into rows (index -> {name: value}), in index order."""
    by_index: dict[str, dict[str, SnmpValue]] = {}
    for name, column in columns.items():
        for index, value in column.items():
            by_index.setdefault(index, {})[name] = value
    return dict(sorted(by_index.items(), key=lambda item: index_key(item[0])))


def index_key(index: str) -> tuple[int, ...]:
    """Sort key of an index suffix ("20.22.157.36.236.128.0")."""
    return tuple(int(part) for part in index.split(".") if part.isdigit())


# ------------------------------------------------------------------------------------------------ value decoders


def as_int(value: SnmpValue | None) -> int | None:
    """An INTEGER/Gauge/Counter/TimeTicks value, else None."""
    return value if isinstance(value, int) else None


def as_text(value: SnmpValue | None) -> str | None:
    """An OCTET STRING (or OID / IpAddress) as text; None when absent or empty."""
    if value is None:
        return None
    text = text_value(value)
    return text or None


def as_ip(value: SnmpValue | None) -> str | None:
    """An IpAddress (dotted text) or a 4-byte OCTET STRING as dotted text; 0.0.0.0 is no address."""
    if isinstance(value, bytes) and len(value) == 4:
        value = ".".join(str(b) for b in value)
    if isinstance(value, str) and value and value != "0.0.0.0":
        return value
    return None


def mac_text(octets: Sequence[int]) -> str:
    """Six octets as ``aa:bb:cc:dd:ee:ff``."""
    return ":".join(f"{b:02x}" for b in octets)


def as_mac(value: SnmpValue | None) -> str | None:
    """A MacAddress OCTET STRING (6 bytes) as text, else None."""
    if isinstance(value, bytes) and len(value) == 6:
        return mac_text(value)
    return None


def split_mac_index(index: str) -> tuple[str, str] | None:
    """("aa:bb:..", rest) from an index that starts with a MAC address (6 sub-ids); None if it does not."""
    parts = index.split(".")
    if len(parts) < 6 or not all(p.isdigit() and int(p) < 256 for p in parts[:6]):
        return None
    return mac_text([int(p) for p in parts[:6]]), ".".join(parts[6:])


def string_index(index: str) -> str | None:
    """The text of a length-prefixed OCTET STRING index ("5.104.101.108.108.111" -> "hello"), UTF-8 decoded."""
    parts = index.split(".")
    if not parts or not all(p.isdigit() for p in parts):
        return None
    length = int(parts[0])
    if length != len(parts) - 1 or any(int(p) > 255 for p in parts[1:]):
        return None
    return bytes(int(p) for p in parts[1:]).decode("utf-8", errors="replace")


def enum_name(value: SnmpValue | None, names: Mapping[int, str]) -> str | None:
    """The MIB's name for an enumerated value; the bare number for a value the MIB does not list."""
    number = as_int(value)
    if number is None:
        return None
    return names.get(number, str(number))


def uptime_seconds(ticks: SnmpValue | None) -> int | None:
    """TimeTicks (hundredths of a second) as whole seconds; None for anything TimeTicks cannot hold."""
    number = as_int(ticks)
    if number is None or not TIMETICKS.low <= number <= TIMETICKS.high:
        return None
    return number // 100


_CHANNELS_5GHZ = frozenset([*range(36, 65, 4), *range(100, 145, 4), *range(149, 178, 4)])


def band_of_channel(channel: int | None) -> str | None:
    """2.4GHz for channels 1-14, 5GHz for the 5 GHz channel numbers (36-64, 100-144, 149-177 in steps of 4);
    None otherwise (6 GHz channel numbers overlap both, so only the MIB's radio type can tell those)."""
    if channel is None or channel <= 0:
        return None
    if channel <= 14:
        return "2.4GHz"
    return "5GHz" if channel in _CHANNELS_5GHZ else None


def add_ssid(counts: dict[str, int], ssid: str | None, clients: int | None) -> None:
    """Add a WLAN's clients to its SSID (several WLANs may carry one SSID); rows without an SSID are skipped."""
    if ssid and clients is not None:
        counts[ssid] = counts.get(ssid, 0) + clients


def sum_known(values: Sequence[int | None]) -> int | None:
    """Sum of the known values; None when none is known."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def online_count(aps: Sequence[AccessPoint]) -> int:
    """APs whose status is online."""
    return sum(1 for ap in aps if ap.status == ONLINE)


def status_of(raw: str | None, online: frozenset[str] | set[str]) -> str:
    """The normalised status of a MIB status word: online if it is one of ``online``, unknown if there is none."""
    if raw is None:
        return UNKNOWN
    return ONLINE if raw in online else OFFLINE


def ap_from_row(
    key: str,
    row: Mapping[str, SnmpValue],
    status_raw: str | None,
    online: frozenset[str] | set[str],
    *,
    mac: str | None = None,
    radios: list[Radio] | None = None,
) -> AccessPoint:
    """An AP from an AP-table row walked with the usual column names (name, serial, ip, model, location, uptime,
    clients); with ``radios`` its clients are theirs summed."""
    return AccessPoint(
        key=key,
        name=as_text(row.get("name")) or key,
        status=status_of(status_raw, online),
        status_raw=status_raw,
        mac=mac,
        serial=as_text(row.get("serial")),
        ip=as_ip(row.get("ip")),
        model=as_text(row.get("model")),
        location=as_text(row.get("location")),
        uptime_s=uptime_seconds(row.get("uptime")),
        clients=as_int(row.get("clients")) if radios is None else sum_known([r.clients for r in radios]),
        radios=radios or [],
    )


def standalone_ap(facts: DeviceFacts, clients: int | None, radios: list[Radio], mac: str | None = None) -> AccessPoint:
    """The one AP a standalone AP reports: itself, online because it answered this poll."""
    name = facts.sys_name or facts.model or facts.host
    return AccessPoint(
        key=mac or facts.host,
        name=name,
        status=ONLINE,
        status_raw=None,
        mac=mac,
        ip=facts.host,
        model=facts.model,
        uptime_s=uptime_seconds(facts.sys_uptime),
        clients=clients,
        radios=radios,
    )


_SELF = "the device itself (a standalone AP that answers)"


def standalone_snapshot(
    module: str,
    facts: DeviceFacts,
    clients_by_ssid: dict[str, int],
    clients_total: int | None,
    radios: list[Radio],
    sources: dict[str, str],
    mac: str | None = None,
) -> WirelessSnapshot:
    """A standalone AP's snapshot: one AP (itself, online), its clients and SSIDs."""
    ap = standalone_ap(facts, clients_total, radios, mac)
    return WirelessSnapshot(
        module=module,
        aps_total=1,
        aps_online=1,
        clients_total=clients_total,
        clients_by_ssid=clients_by_ssid,
        aps=[ap],
        sources={"aps_total": _SELF, "aps_online": _SELF, **sources},
        standalone=True,
    )
