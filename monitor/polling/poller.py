"""Polling one device: ask it (devices/), then turn the answers into state, rates and events in the store.

:func:`poll_device` talks to the device and returns a :class:`DevicePoll` (or raises a user-facing SnmpError);
:func:`record_poll` and :func:`record_failure` are store jobs run on the single writer thread.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from dataclasses import dataclass, field

from devices.errors import CampusNetError
from devices.i18n import N_, Msg
from devices.ifmib import (
    SYS_DESCR,
    SYS_NAME,
    SYS_OBJECT_ID,
    SYS_UPTIME,
    SYSTEM_OIDS,
    InterfaceRow,
    fetch_interfaces,
    in_range,
    text_value,
)
from devices.platforms import Identity, identify
from devices.smi import TIMETICKS
from devices.snmp import SnmpSession, SnmpTarget, SnmpValue
from devices.wireless import DeviceFacts, WirelessSnapshot, fetch_wireless, reader_for
from monitor.polling import wireless
from monitor.polling.counters import PACKET_COUNTERS, CounterReading, compute_rates, uptime_restarted
from monitor.storage.events import record_event
from monitor.storage.store import from_sql_u64, to_sql_u64

log = logging.getLogger(__name__)

# Re-walk names and aliases this often even when nothing suggests they changed.
DESCRIPTIVE_MAX_AGE_S = 1800.0
# A device without a wireless vendor module is asked for the standard IEEE 802.11 MIB this often (and when its
# sysObjectID changes); one that has it is read every poll.
WIRELESS_PROBE_EVERY_S = 6 * 3600.0


@dataclass
class DeviceCache:
    """What the poller remembers about a device between cycles (in memory only)."""

    descriptive: dict[str, dict[str, SnmpValue]] | None = None
    descriptive_ts: float = 0.0
    sys_object_id: str | None = None
    identity: Identity | None = None
    max_repetitions: int | None = None
    wireless_probe_ts: float = 0.0
    wireless_generic: bool = False


@dataclass
class DevicePoll:
    """One successful poll of one device: system facts, interfaces and when their counters were read."""

    ts: float
    uptime: int | None
    sys_descr: str
    sys_object_id: str
    sys_name: str
    identity: Identity
    interfaces: list[InterfaceRow]
    duration_s: float
    varbinds: int = 0
    wireless_polled: bool = False
    wireless: WirelessSnapshot | None = None
    wireless_error: str | None = None


@dataclass
class PollSummary:
    """What record_poll wrote, for the cycle report."""

    ports: int = 0
    events: list[tuple[str, str]] = field(default_factory=list)
    wireless_error: str | None = None


async def poll_device(target: SnmpTarget, cache: DeviceCache) -> DevicePoll:
    """Ask one device for its system facts and interface table. Raises SnmpError subclasses on failure."""
    started = time.monotonic()
    if cache.max_repetitions:
        target = SnmpTarget(**{**target.__dict__, "max_repetitions": cache.max_repetitions})
    async with SnmpSession(target) as session:
        system = await session.get(list(SYSTEM_OIDS))
        sys_oid = text_value(system.get(SYS_OBJECT_ID))
        sys_descr = text_value(system.get(SYS_DESCR))
        uptime = in_range(system.get(SYS_UPTIME), TIMETICKS, "sysUpTime")
        stale = time.time() - cache.descriptive_ts > DESCRIPTIVE_MAX_AGE_S or sys_oid != cache.sys_object_id
        descriptive = None if stale else cache.descriptive
        fetched = await fetch_interfaces(session, descriptive)
        known = {int(i) for col in fetched.descriptive.values() for i in col if i.isdigit()}
        if not stale and any(r.ifindex not in known for r in fetched.rows):
            # New ifIndex values appeared: names may have moved, so read them again.
            fetched = await fetch_interfaces(session, None)
            stale = True
        if stale:
            cache.descriptive, cache.descriptive_ts = fetched.descriptive, time.time()
        if cache.identity is None or sys_oid != cache.sys_object_id:
            cache.identity = identify(sys_oid, sys_descr)
            cache.sys_object_id = sys_oid
            cache.wireless_probe_ts, cache.wireless_generic = 0.0, False
        facts = DeviceFacts(
            target.host,
            text_value(system.get(SYS_NAME)),
            cache.identity.model,
            uptime,
        )
        wireless_result = await _poll_wireless(session, cache, cache.identity, facts)
        cache.max_repetitions = session.max_repetitions
        varbinds = session.stats.varbinds
    polled, snapshot, wireless_error = wireless_result
    return DevicePoll(
        ts=fetched.counters_ts,
        uptime=uptime,
        sys_descr=sys_descr,
        sys_object_id=sys_oid,
        sys_name=text_value(system.get(SYS_NAME)),
        identity=cache.identity,
        interfaces=fetched.rows,
        duration_s=time.monotonic() - started,
        varbinds=varbinds,
        wireless_polled=polled,
        wireless=snapshot,
        wireless_error=wireless_error,
    )


async def _poll_wireless(
    session: SnmpSession, cache: DeviceCache, identity: Identity, facts: DeviceFacts
) -> tuple[bool, WirelessSnapshot | None, str | None]:
    """(asked, snapshot, error) of the wireless part. Its failure never fails the poll: it becomes the error.

    Devices with a vendor module are read every poll; the others are probed for the standard 802.11 MIB every
    :data:`WIRELESS_PROBE_EVERY_S` and read every poll once the probe found it.
    """
    probe = False
    if reader_for(identity) is None and not cache.wireless_generic:
        if time.monotonic() - cache.wireless_probe_ts < WIRELESS_PROBE_EVERY_S and cache.wireless_probe_ts:
            return False, None, None
        cache.wireless_probe_ts = time.monotonic()
        probe = True
    try:
        snapshot = await fetch_wireless(session, identity, facts, probe=probe or cache.wireless_generic)
    except CampusNetError as exc:
        return True, None, str(exc)
    except Exception as exc:  # a bug in a vendor module: logged with its traceback, the interface poll stands
        log.exception("reading wireless data from %s failed", facts.host)
        return True, None, f"wireless data could not be read ({type(exc).__name__}: {exc})"
    if probe:
        cache.wireless_generic = snapshot is not None
    return True, snapshot, None


def _reading_from_row(row: InterfaceRow, ts: float, uptime: int | None) -> CounterReading:
    return CounterReading(
        ts=ts,
        uptime=uptime,
        disc_time=row.disc_time,
        bits=row.counter_bits,
        in_octets=row.in_octets,
        out_octets=row.out_octets,
        packets=dict(row.packets),
        packet_bits=dict(row.packet_bits),
    )


_STATE_COLUMNS = ("in_octets", "out_octets", *PACKET_COUNTERS)


def _reading_from_state(state: sqlite3.Row) -> CounterReading:
    return CounterReading(
        ts=state["ts"],
        uptime=state["uptime"],
        disc_time=state["disc_time"],
        bits=int(state["bits"]),
        in_octets=from_sql_u64(state["in_octets"]),
        out_octets=from_sql_u64(state["out_octets"]),
        packets={name: from_sql_u64(state[name]) for name in PACKET_COUNTERS},
        packet_bits={name: 64 if state["packet_hc"] & (1 << i) else 32 for i, name in enumerate(PACKET_COUNTERS)},
    )


def _unique_keys(rows: list[InterfaceRow]) -> list[str]:
    """Port keys; a name that repeats on one device (some agents do that) gets its ifIndex appended."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.key] = counts.get(row.key, 0) + 1
    return [row.key if counts[row.key] == 1 else f"{row.key} #{row.ifindex}" for row in rows]


def record_poll(conn: sqlite3.Connection, device_id: int, poll: DevicePoll) -> PollSummary:
    """Store a successful poll: device facts, ports, counter state, rate samples, events. One transaction."""
    summary = PollSummary(ports=len(poll.interfaces))
    dev = conn.execute("SELECT name, status, sys_uptime, last_poll FROM devices WHERE id = ?", (device_id,)).fetchone()
    if dev is None:  # removed while we were polling it
        return summary
    _device_events(conn, device_id, dev, poll, summary)
    ident = poll.identity
    conn.execute(
        """UPDATE devices SET status='up', status_reason=NULL, status_message=NULL, sys_descr=?, sys_object_id=?,
           sys_name=?, sys_uptime=?, vendor=?, model=?, os_version=?, detected_platform=?, netmiko_type=?, last_poll=?,
           last_duration_s=? WHERE id=?""",
        (
            poll.sys_descr,
            poll.sys_object_id,
            poll.sys_name,
            poll.uptime,
            ident.vendor,
            ident.model,
            ident.os_version,
            ident.platform,
            ident.netmiko_device_type,
            poll.ts,
            poll.duration_s,
            device_id,
        ),
    )
    existing = {r["key"]: r for r in conn.execute("SELECT * FROM ports WHERE device_id = ?", (device_id,))}
    seen: set[int] = set()
    for row, key in zip(poll.interfaces, _unique_keys(poll.interfaces), strict=True):
        port_id = _upsert_port(conn, device_id, key, row, existing.get(key), poll.ts, summary)
        seen.add(port_id)
        _record_counters(conn, port_id, row, poll, existing.get(key))
    gone = [r["id"] for r in existing.values() if r["id"] not in seen]
    conn.executemany(
        "UPDATE ports SET present=0, ifindex=NULL, in_bps=NULL, out_bps=NULL WHERE id=?", [(g,) for g in gone]
    )
    if poll.wireless_polled:
        summary.wireless_error = poll.wireless_error
        summary.events += wireless.record(conn, device_id, dev["name"], poll.ts, poll.wireless, poll.wireless_error)
    conn.execute(
        """INSERT OR REPLACE INTO device_polls(device_id, ts, status, uptime, duration_s, error)
           VALUES (?, ?, 'up', ?, ?, ?)""",
        (
            device_id,
            int(poll.ts),
            poll.uptime,
            poll.duration_s,
            f"wireless: {poll.wireless_error}" if poll.wireless_polled and poll.wireless_error else None,
        ),
    )
    return summary


def _device_events(
    conn: sqlite3.Connection, device_id: int, dev: sqlite3.Row, poll: DevicePoll, summary: PollSummary
) -> None:
    if dev["status"] in ("unreachable", "error"):
        _event(
            conn,
            poll.ts,
            device_id,
            None,
            "device_up",
            Msg(N_("{device} answers again"), {"device": dev["name"]}),
            summary,
        )
    if dev["last_poll"] and uptime_restarted(dev["sys_uptime"], poll.uptime, poll.ts - dev["last_poll"]):
        _event(
            conn,
            poll.ts,
            device_id,
            None,
            "reboot",
            Msg(N_("{device} restarted (sysUpTime went back)"), {"device": dev["name"]}),
            summary,
        )


def _event(
    conn: sqlite3.Connection,
    ts: float,
    device_id: int,
    port_id: int | None,
    kind: str,
    message: Msg,
    summary: PollSummary,
) -> None:
    detail = record_event(conn, ts, kind, message, device_id=device_id, port_id=port_id)
    summary.events.append((kind, detail))


_UPLINK_ALIAS = re.compile(r"(?i)\b(up-?link|wan|internet)\b|上行|上聯|對外")


def looks_like_uplink(alias: str) -> bool:
    """A new port whose description (ifAlias) names it an uplink starts out marked as one; the user can change it."""
    return bool(_UPLINK_ALIAS.search(alias or ""))


def _upsert_port(
    conn: sqlite3.Connection,
    device_id: int,
    key: str,
    row: InterfaceRow,
    old: sqlite3.Row | None,
    ts: float,
    summary: PollSummary,
) -> int:
    values = (row.ifindex, row.name, row.descr, row.alias, row.type, row.speed_bps, row.admin_status)
    if old is None:
        cur = conn.execute(
            """INSERT INTO ports(device_id, key, ifindex, name, descr, alias, type, speed_bps, admin_status,
               oper_status, last_status_change, counter_bits, last_seen, present, is_uplink)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)""",
            (device_id, key, *values, row.oper_status, ts, row.counter_bits, ts, looks_like_uplink(row.alias)),
        )
        return int(cur.lastrowid or 0)
    port_id = int(old["id"])
    changed = old["oper_status"] is not None and row.oper_status is not None and old["oper_status"] != row.oper_status
    if changed:
        kind = "port_up" if row.oper_status == 1 else "port_down"
        _event(
            conn,
            ts,
            device_id,
            port_id,
            kind,
            Msg(
                N_("{port}: oper status {old} -> {new}"),
                {"port": key, "old": old["oper_status"], "new": row.oper_status or 0},
            ),
            summary,
        )
    conn.execute(
        """UPDATE ports SET ifindex=?, name=?, descr=?, alias=?, type=?, speed_bps=?, admin_status=?, oper_status=?,
           last_status_change=?, counter_bits=?, last_seen=?, present=1 WHERE id=?""",
        (
            *values,
            row.oper_status,
            ts if changed else old["last_status_change"],
            row.counter_bits,
            ts,
            port_id,
        ),
    )
    return port_id


def _record_counters(
    conn: sqlite3.Connection, port_id: int, row: InterfaceRow, poll: DevicePoll, port: sqlite3.Row | None
) -> None:
    cur = _reading_from_row(row, poll.ts, poll.uptime)
    state = conn.execute("SELECT * FROM port_state WHERE port_id = ?", (port_id,)).fetchone()
    if state is not None and int(state["ts"]) >= int(poll.ts):
        # A second poll within the same second (a "poll now" right after a scheduled one): samples are keyed by
        # whole seconds, so keep the earlier reading and let the next poll measure over a proper interval.
        return
    conn.execute(
        f"""INSERT OR REPLACE INTO port_state(port_id, ts, uptime, disc_time, bits, packet_hc,
            {", ".join(_STATE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, {", ".join("?" * len(_STATE_COLUMNS))})""",
        (
            port_id,
            poll.ts,
            poll.uptime,
            row.disc_time,
            row.counter_bits,
            sum(1 << i for i, n in enumerate(PACKET_COUNTERS) if row.packet_bits.get(n) == 64),
            to_sql_u64(row.in_octets),
            to_sql_u64(row.out_octets),
            *(to_sql_u64(row.packets.get(n)) for n in PACKET_COUNTERS),
        ),
    )
    if state is None:
        return
    override = port["speed_override_bps"] if port is not None else None
    rates = compute_rates(_reading_from_state(state), cur, override or row.speed_bps)
    ps = rates.per_second
    conn.execute(
        """INSERT OR REPLACE INTO samples(port_id, ts, in_bps, out_bps, in_err, out_err, in_disc, out_disc,
           in_ucast, out_ucast, in_bcast, out_bcast) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            port_id,
            int(poll.ts),
            rates.in_bps,
            rates.out_bps,
            *(ps.get(n) for n in PACKET_COUNTERS),
        ),
    )
    conn.execute(
        "UPDATE ports SET in_bps=?, out_bps=?, errors_ps=?, discards_ps=? WHERE id=?",
        (
            rates.in_bps,
            rates.out_bps,
            _sum(ps.get("in_errors"), ps.get("out_errors")),
            _sum(ps.get("in_discards"), ps.get("out_discards")),
            port_id,
        ),
    )


def _sum(*values: float | None) -> float | None:
    """Sum of the known values; None when none is known."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def record_failure(
    conn: sqlite3.Connection, device_id: int, status: str, reason: str, duration_s: float, why: Msg | None = None
) -> bool:
    """Store a failed poll ('unreachable' or 'error', with its reason in English and, when there is one, as a
    message for people, ``why``). True if the device just went down."""
    why = why or Msg("{reason}", {"reason": reason})
    now = time.time()
    dev = conn.execute("SELECT name, status FROM devices WHERE id = ?", (device_id,)).fetchone()
    if dev is None:
        return False
    went_down = dev["status"] == "up"
    if went_down:
        message = Msg(N_("{device}: {reason}"), {"device": dev["name"], "reason": why})
        record_event(conn, now, "device_down", message, device_id=device_id)
    conn.execute(
        "UPDATE devices SET status=?, status_reason=?, status_message=?, last_poll=?, last_duration_s=? WHERE id=?",
        (status, reason, why.to_json(), now, duration_s, device_id),
    )
    conn.execute(
        "UPDATE ports SET in_bps=NULL, out_bps=NULL, errors_ps=NULL, discards_ps=NULL WHERE device_id=?", (device_id,)
    )
    conn.execute(
        "INSERT OR REPLACE INTO device_polls(device_id, ts, status, duration_s, error) VALUES (?, ?, ?, ?, ?)",
        (device_id, int(now), status, duration_s, reason),
    )
    return went_down
