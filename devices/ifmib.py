"""IF-MIB: which columns to walk and how to turn the answers into one record per interface.

Only numeric OIDs here (no MIB lookups in the hot path). Two sets of columns:

- descriptive (names, type, alias) change rarely and are walked on the first poll and now and then;
- state and counters (status, speed, octets, packets, errors, discontinuity time) are walked every poll.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from devices.smi import COUNTER64, TIMETICKS, UNSIGNED32, SmiRange
from devices.snmp import SnmpSession, SnmpValue

IF_TABLE = "1.3.6.1.2.1.2.2.1"
IFX_TABLE = "1.3.6.1.2.1.31.1.1.1"

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYSTEM_OIDS = (SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME)

DESCRIPTIVE_COLUMNS: dict[str, str] = {
    "descr": f"{IF_TABLE}.2",
    "type": f"{IF_TABLE}.3",
    "name": f"{IFX_TABLE}.1",
    "alias": f"{IFX_TABLE}.18",
}

STATE_COLUMNS: dict[str, str] = {
    "speed": f"{IF_TABLE}.5",
    "admin_status": f"{IF_TABLE}.7",
    "oper_status": f"{IF_TABLE}.8",
    "high_speed": f"{IFX_TABLE}.15",
    "disc_time": f"{IFX_TABLE}.19",
    "hc_in_octets": f"{IFX_TABLE}.6",
    "hc_out_octets": f"{IFX_TABLE}.10",
    "hc_in_ucast": f"{IFX_TABLE}.7",
    "hc_out_ucast": f"{IFX_TABLE}.11",
    "hc_in_bcast": f"{IFX_TABLE}.9",
    "hc_out_bcast": f"{IFX_TABLE}.13",
    "in_discards": f"{IF_TABLE}.13",
    "in_errors": f"{IF_TABLE}.14",
    "out_discards": f"{IF_TABLE}.19",
    "out_errors": f"{IF_TABLE}.20",
}

# 32-bit fallbacks, walked only when some interface lacks the 64-bit column (a row with HC values never uses them):
# on the usual all-HC switch this saves a quarter of the varbinds of every poll.
FALLBACK_COLUMNS: dict[str, tuple[str, str]] = {
    "in_octets": (f"{IF_TABLE}.10", "hc_in_octets"),
    "out_octets": (f"{IF_TABLE}.16", "hc_out_octets"),
    "in_ucast": (f"{IF_TABLE}.11", "hc_in_ucast"),
    "out_ucast": (f"{IF_TABLE}.17", "hc_out_ucast"),
    "in_bcast": (f"{IFX_TABLE}.3", "hc_in_bcast"),
    "out_bcast": (f"{IFX_TABLE}.5", "hc_out_bcast"),
}

log = logging.getLogger(__name__)

# The value range of each column (devices.smi): an agent that answers outside it (a Counter64 in a 32-bit column, a
# negative Counter32, a value past 2^64) has that one value dropped as unknown, never stored or computed with.
COLUMN_RANGES: dict[str, SmiRange] = {
    "type": SmiRange("IANAifType", 1, 2**31 - 1),
    "speed": UNSIGNED32,  # Gauge32
    "admin_status": SmiRange("ifAdminStatus", 1, 3),
    "oper_status": SmiRange("ifOperStatus", 1, 7),
    "high_speed": UNSIGNED32,  # Gauge32
    "disc_time": TIMETICKS,
    **{name: COUNTER64 for name in STATE_COLUMNS if name.startswith("hc_")},
    **{name: UNSIGNED32 for name in ("in_discards", "in_errors", "out_discards", "out_errors")},  # Counter32
    **{name: UNSIGNED32 for name in FALLBACK_COLUMNS},  # Counter32
}
IF_INDEX_MAX = 0x7FFFFFFF  # InterfaceIndex (IF-MIB)

# ifAdminStatus / ifOperStatus values (IF-MIB).
IF_STATUS = {1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent", 7: "lowerLayerDown"}

# ifSpeed is a Gauge32: agents report its maximum when the real speed lives in ifHighSpeed.
IF_SPEED_MAX = 4294967295


@dataclass
class InterfaceRow:
    """One interface as the agent described it in one poll (raw values, before any arithmetic)."""

    ifindex: int
    descr: str = ""
    name: str = ""
    alias: str = ""
    type: int | None = None
    speed_bps: int | None = None
    admin_status: int | None = None
    oper_status: int | None = None
    disc_time: int | None = None
    counter_bits: int = 32
    in_octets: int | None = None
    out_octets: int | None = None
    packets: dict[str, int | None] = field(default_factory=dict)
    packet_bits: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Stable identity across ifIndex renumbering: ifName, else ifDescr, else the ifIndex."""
        return self.name or self.descr or f"ifIndex {self.ifindex}"


def text_value(value: SnmpValue | None) -> str:
    """An OCTET STRING as text (UTF-8, trailing NULs and blanks removed); other values as str."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip().strip("\x00")
    return "" if value is None else str(value)


def in_range(value: SnmpValue | None, smi: SmiRange, what: str) -> int | None:
    """``value`` when it is an int inside ``smi``'s range, else None (logged when a number was out of range)."""
    if not isinstance(value, int):
        return None
    if smi.admits(value):
        return value
    log.info("ignoring %s = %d: outside %s's range %d..%d", what, value, smi.name, smi.low, smi.high)
    return None


def _checked(values: Mapping[str, SnmpValue | None], name: str, ifindex: int) -> int | None:
    return in_range(values.get(name), COLUMN_RANGES[name], f"{name} of ifIndex {ifindex}")


def effective_speed(if_speed: int | None, high_speed_mbps: int | None) -> int | None:
    """Port speed in bit/s: ifHighSpeed when it is non-zero, else ifSpeed (unless it is the 'see ifHighSpeed' max)."""
    if high_speed_mbps:
        return high_speed_mbps * 1_000_000
    if if_speed and if_speed != IF_SPEED_MAX:
        return if_speed
    return None


def _pick(row: Mapping[str, SnmpValue | None], hc: str, low: str, ifindex: int) -> tuple[int | None, int]:
    value = _checked(row, hc, ifindex)
    if value is not None:
        return value, 64
    return _checked(row, low, ifindex), 32


def build_rows(
    descriptive: Mapping[str, Mapping[str, SnmpValue]], state: Mapping[str, Mapping[str, SnmpValue]]
) -> list[InterfaceRow]:
    """Assemble walked columns (column name -> {index: value}) into rows, sorted by ifIndex.

    An interface exists if any column has a row for it; indexes that are not InterfaceIndex values (plain integers
    1..2^31-1) are ignored.
    """
    by_index: dict[int, dict[str, SnmpValue | None]] = {}
    for columns in (descriptive, state):
        for col, rows in columns.items():
            for index, value in rows.items():
                if index.isdigit() and len(index) <= 10 and 1 <= int(index) <= IF_INDEX_MAX:
                    by_index.setdefault(int(index), {})[col] = value
    return [_row(ifindex, values) for ifindex, values in sorted(by_index.items())]


def _row(ifindex: int, values: Mapping[str, SnmpValue | None]) -> InterfaceRow:
    row = InterfaceRow(ifindex=ifindex)
    row.descr = text_value(values.get("descr"))
    row.name = text_value(values.get("name"))
    row.alias = text_value(values.get("alias"))
    row.type = _checked(values, "type", ifindex)
    row.speed_bps = effective_speed(_checked(values, "speed", ifindex), _checked(values, "high_speed", ifindex))
    row.admin_status = _checked(values, "admin_status", ifindex)
    row.oper_status = _checked(values, "oper_status", ifindex)
    row.disc_time = _checked(values, "disc_time", ifindex)
    in_hc = _checked(values, "hc_in_octets", ifindex)
    out_hc = _checked(values, "hc_out_octets", ifindex)
    if in_hc is not None or out_hc is not None:
        row.counter_bits, row.in_octets, row.out_octets = 64, in_hc, out_hc
    else:
        row.in_octets = _checked(values, "in_octets", ifindex)
        row.out_octets = _checked(values, "out_octets", ifindex)
    for name in ("in_ucast", "out_ucast", "in_bcast", "out_bcast"):
        row.packets[name], row.packet_bits[name] = _pick(values, f"hc_{name}", name, ifindex)
    for name in ("in_errors", "out_errors", "in_discards", "out_discards"):
        row.packets[name], row.packet_bits[name] = _checked(values, name, ifindex), 32
    return row


async def walk_named(
    session: SnmpSession, columns: Mapping[str, str], times: dict[str, float] | None = None
) -> dict[str, dict[str, SnmpValue]]:
    """Walk the given columns and return them keyed by our column names instead of OIDs.

    With ``times``, each column that had rows is mapped (by our name) to when its values arrived: midway between the
    first and the last answer that carried them (see :meth:`SnmpSession.walk_columns`).
    """
    arrived: dict[str, float] = {}
    by_oid = await session.walk_columns(list(columns.values()), times=arrived)
    if times is not None:
        times.update({name: arrived[oid] for name, oid in columns.items() if oid in arrived})
    return {name: by_oid.get(oid, {}) for name, oid in columns.items()}


@dataclass
class InterfaceFetch:
    """One read of the interface table.

    Attributes:
        rows: one record per interface, sorted by ifIndex.
        descriptive: the descriptive columns (pass them back in to skip re-walking them).
        counters_ts: when the octet counters were read (wall clock): the time their rates are computed from. Not
            the midpoint of the whole fetch, which also covers the descriptive columns read at another moment.
    """

    rows: list[InterfaceRow]
    descriptive: dict[str, dict[str, SnmpValue]]
    counters_ts: float


async def fetch_interfaces(
    session: SnmpSession, descriptive: Mapping[str, Mapping[str, SnmpValue]] | None = None
) -> InterfaceFetch:
    """Walk IF-MIB: the descriptive columns unless given, then state and counters (32-bit ones only where needed)."""
    desc = dict(descriptive) if descriptive is not None else await walk_named(session, DESCRIPTIVE_COLUMNS)
    times: dict[str, float] = {}
    state = await walk_named(session, STATE_COLUMNS, times)
    indexes = {i for col in (*desc.values(), *state.values()) for i in col}
    missing = {
        name: oid for name, (oid, hc_name) in FALLBACK_COLUMNS.items() if not indexes <= state.get(hc_name, {}).keys()
    }
    if missing:
        state.update(await walk_named(session, missing, times))
    rows = build_rows(desc, state)
    return InterfaceFetch(rows, {k: dict(v) for k, v in desc.items()}, _counters_time(rows, times))


def _counters_time(rows: list[InterfaceRow], times: Mapping[str, float]) -> float:
    """When the octet counters the rows use were read (64-bit if any row has them, else 32-bit); the time of any
    counter column when the agent sent no octets at all, and now when it sent no rows at all."""
    hc = any(r.counter_bits == 64 for r in rows)
    for name in ("hc_in_octets", "hc_out_octets") if hc else ("in_octets", "out_octets", "hc_in_octets"):
        if name in times:
            return times[name]
    return next(iter(times.values()), time.time())
