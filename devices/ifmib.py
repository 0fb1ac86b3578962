"""IF-MIB: which columns to walk and how to turn the answers into one record per interface.

Only numeric OIDs here (no MIB lookups in the hot path). Two sets of columns:

- descriptive (names, type, alias) change rarely and are walked on the first poll and now and then;
- state and counters (status, speed, octets, packets, errors, discontinuity time) are walked every poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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


def _int(value: SnmpValue | None) -> int | None:
    return value if isinstance(value, int) else None


def effective_speed(if_speed: int | None, high_speed_mbps: int | None) -> int | None:
    """Port speed in bit/s: ifHighSpeed when it is non-zero, else ifSpeed (unless it is the 'see ifHighSpeed' max)."""
    if high_speed_mbps:
        return high_speed_mbps * 1_000_000
    if if_speed and if_speed != IF_SPEED_MAX:
        return if_speed
    return None


def _pick(row: Mapping[str, SnmpValue | None], hc: str, low: str) -> tuple[int | None, int]:
    value = _int(row.get(hc))
    if value is not None:
        return value, 64
    return _int(row.get(low)), 32


def build_rows(
    descriptive: Mapping[str, Mapping[str, SnmpValue]], state: Mapping[str, Mapping[str, SnmpValue]]
) -> list[InterfaceRow]:
    """Assemble walked columns (column name -> {index: value}) into rows, sorted by ifIndex.

    An interface exists if any column has a row for it; indexes that are not plain integers are ignored.
    """
    by_index: dict[int, dict[str, SnmpValue | None]] = {}
    for columns in (descriptive, state):
        for col, rows in columns.items():
            for index, value in rows.items():
                if index.isdigit():
                    by_index.setdefault(int(index), {})[col] = value
    return [_row(ifindex, values) for ifindex, values in sorted(by_index.items())]


def _row(ifindex: int, values: Mapping[str, SnmpValue | None]) -> InterfaceRow:
    row = InterfaceRow(ifindex=ifindex)
    row.descr = text_value(values.get("descr"))
    row.name = text_value(values.get("name"))
    row.alias = text_value(values.get("alias"))
    row.type = _int(values.get("type"))
    row.speed_bps = effective_speed(_int(values.get("speed")), _int(values.get("high_speed")))
    row.admin_status = _int(values.get("admin_status"))
    row.oper_status = _int(values.get("oper_status"))
    row.disc_time = _int(values.get("disc_time"))
    in_hc = _int(values.get("hc_in_octets"))
    out_hc = _int(values.get("hc_out_octets"))
    if in_hc is not None or out_hc is not None:
        row.counter_bits, row.in_octets, row.out_octets = 64, in_hc, out_hc
    else:
        row.in_octets = _int(values.get("in_octets"))
        row.out_octets = _int(values.get("out_octets"))
    for name in ("in_ucast", "out_ucast", "in_bcast", "out_bcast"):
        row.packets[name], row.packet_bits[name] = _pick(values, f"hc_{name}", name)
    for name in ("in_errors", "out_errors", "in_discards", "out_discards"):
        row.packets[name], row.packet_bits[name] = _int(values.get(name)), 32
    return row


async def walk_named(session: SnmpSession, columns: Mapping[str, str]) -> dict[str, dict[str, SnmpValue]]:
    """Walk the given columns and return them keyed by our column names instead of OIDs."""
    by_oid = await session.walk_columns(list(columns.values()))
    return {name: by_oid.get(oid, {}) for name, oid in columns.items()}


async def fetch_interfaces(
    session: SnmpSession, descriptive: Mapping[str, Mapping[str, SnmpValue]] | None = None
) -> tuple[list[InterfaceRow], dict[str, dict[str, SnmpValue]]]:
    """Walk IF-MIB and return the rows plus the descriptive columns (pass those back in to skip re-walking them)."""
    desc = dict(descriptive) if descriptive is not None else await walk_named(session, DESCRIPTIVE_COLUMNS)
    state = await walk_named(session, STATE_COLUMNS)
    indexes = {i for col in (*desc.values(), *state.values()) for i in col}
    missing = {
        name: oid for name, (oid, hc_name) in FALLBACK_COLUMNS.items() if not indexes <= state.get(hc_name, {}).keys()
    }
    if missing:
        state.update(await walk_named(session, missing))
    return build_rows(desc, state), {k: dict(v) for k, v in desc.items()}
