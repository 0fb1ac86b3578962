"""The school at a glance: what the dashboard (and later reports and alerts) shows, as plain data.

Everything here reads the store only; it never talks to a device.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from devices.i18n import render_stored

# How far back "recent" errors look (seconds).
ERROR_WINDOW_S = 3600


@dataclass(frozen=True)
class PortLoad:
    """A port's latest rates and utilization (the larger direction over the port speed, in %)."""

    port_id: int
    device: str
    port: str
    alias: str
    speed_bps: int | None
    in_bps: float | None
    out_bps: float | None
    utilization_pct: float | None


@dataclass(frozen=True)
class PortErrors:
    """A port with input/output errors or discards in the last hour (per-second averages)."""

    port_id: int
    device: str
    port: str
    errors_ps: float
    discards_ps: float


@dataclass(frozen=True)
class Event:
    """One stored event (device down/up, reboot, port up/down)."""

    ts: float
    device: str
    kind: str
    detail: str
    message: str | None = None  # the detail as a message for people (devices/i18n.py), when the writer left one

    def text(self, language: str) -> str:
        """The detail in ``language`` (the stored English text for events written without a message)."""
        return render_stored(self.message, self.detail, language)


@dataclass
class Overview:
    """Counts and lists for the dashboard."""

    devices_total: int = 0
    devices_up: int = 0
    down: list[tuple[str, str, str]] = field(default_factory=list)  # (name, status, reason)
    busiest_uplinks: list[PortLoad] = field(default_factory=list)
    error_ports: list[PortErrors] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _load(row: sqlite3.Row) -> PortLoad:
    speed = row["speed_override_bps"] or row["speed_bps"]
    rates = [r for r in (row["in_bps"], row["out_bps"]) if r is not None]
    util = max(rates) / speed * 100 if speed and rates else None
    return PortLoad(
        port_id=int(row["id"]),
        device=row["device"],
        port=row["name"] or row["descr"] or row["key"],
        alias=row["alias"] or "",
        speed_bps=speed,
        in_bps=row["in_bps"],
        out_bps=row["out_bps"],
        utilization_pct=util,
    )


def busiest_uplinks(conn: sqlite3.Connection, limit: int = 5) -> list[PortLoad]:
    """Ports marked as uplinks, busiest first; where none is marked, the busiest ports of all."""
    base = """SELECT p.*, d.name AS device FROM ports p JOIN devices d ON d.id = p.device_id
              WHERE p.present = 1 AND p.oper_status = 1 {extra}
              ORDER BY MAX(COALESCE(p.in_bps, 0), COALESCE(p.out_bps, 0)) DESC LIMIT ?"""
    rows = list(conn.execute(base.format(extra="AND p.is_uplink = 1"), (limit,)))
    if not rows:
        rows = list(conn.execute(base.format(extra=""), (limit,)))
    return [_load(r) for r in rows]


def error_ports(conn: sqlite3.Connection, now: float, limit: int = 10) -> list[PortErrors]:
    """Ports with errors or discards in the last hour, worst first.

    CROSS JOIN keeps ports as the outer loop, so each port reads one (port_id, ts) index range of ``samples``
    instead of SQLite scanning a week of samples for the recent ones.
    """
    rows = conn.execute(
        """SELECT p.id, p.name, p.descr, p.key, d.name AS device,
                  AVG(COALESCE(s.in_err, 0) + COALESCE(s.out_err, 0)) AS err,
                  AVG(COALESCE(s.in_disc, 0) + COALESCE(s.out_disc, 0)) AS disc
           FROM ports p CROSS JOIN samples s ON s.port_id = p.id AND s.ts >= ?
           JOIN devices d ON d.id = p.device_id
           WHERE p.present = 1
           GROUP BY p.id HAVING err > 0 OR disc > 0
           ORDER BY err DESC, disc DESC LIMIT ?""",
        (int(now - ERROR_WINDOW_S), limit),
    )
    return [
        PortErrors(int(r["id"]), r["device"], r["name"] or r["descr"] or r["key"], r["err"], r["disc"]) for r in rows
    ]


def recent_events(conn: sqlite3.Connection, limit: int = 20) -> list[Event]:
    """The newest events, newest first."""
    rows = conn.execute(
        """SELECT e.ts, e.kind, e.detail, e.message, COALESCE(d.name, '') AS device FROM events e
           LEFT JOIN devices d ON d.id = e.device_id ORDER BY e.ts DESC, e.id DESC LIMIT ?""",
        (limit,),
    )
    return [Event(r["ts"], r["device"], r["kind"], r["detail"], r["message"]) for r in rows]


def overview(conn: sqlite3.Connection, now: float, language: str = "en") -> Overview:
    """Everything the dashboard shows, read in one go; why devices are down said in ``language``."""
    devices = list(conn.execute("SELECT name, status, status_reason, status_message FROM devices ORDER BY name"))
    return Overview(
        devices_total=len(devices),
        devices_up=sum(1 for d in devices if d["status"] == "up"),
        down=[
            (d["name"], d["status"], render_stored(d["status_message"], d["status_reason"] or "", language))
            for d in devices
            if d["status"] in ("unreachable", "error")
        ],
        busiest_uplinks=busiest_uplinks(conn),
        error_ports=error_ports(conn, now),
        events=recent_events(conn),
    )
