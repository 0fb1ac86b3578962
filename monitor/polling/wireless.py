"""Wireless history: the latest snapshot per device, the AP inventory with status changes, and counts over time.

Store (migration 6 in :mod:`monitor.storage.store`):

- ``wireless_state``: one row per device that ever had wireless data: the latest snapshot's counts, clients per
  SSID (JSON), where each figure came from (JSON), the latest wireless error, and this module's rollup marks;
- ``wireless_aps``: the APs a device reports, keyed by MAC (else serial, else name), with status, ``status_raw``
  (the MIB's own word), ``status_since``, clients and radios (JSON). An AP that leaves a controller's AP table
  (AireOS drops unjoined APs) becomes ``offline`` with ``status_raw`` "gone from the AP table" and is forgotten
  after :data:`FORGET_AFTER_S`; going offline and coming back are ``ap_down`` / ``ap_up`` events;
- ``wireless_series`` (device, kind, name) and ``wireless_samples`` (one value per poll): kinds ``aps_total``,
  ``aps_online``, ``clients`` (name ''), ``ssid`` (name = SSID) and ``ap`` (name = AP key: its clients);
- ``wireless_rollup_5m/30m/2h/1d``: n, avg, min, max per bucket, built like the bandwidth rollups of
  :mod:`monitor.storage.history` (5m and 30m from raw, 2h from 30m, 1d from 2h; buckets on the UTC epoch; a higher
  tier's
  average weighted by n) and kept as long as the store's retention settings say.

Everything that writes runs on the store's writer thread, inside the poll's transaction (:func:`record`): rollups
and retention are done per device as its polls come in, so a cycle never scans other devices' rows.

Read side for the CLI and the GUI: :func:`load` (latest snapshot and APs), :func:`as_json`, :func:`format_text`,
:func:`summaries` (every wireless device), :func:`series` (a count over time at the right resolution) and
:func:`series_names`.
"""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from devices.i18n import N_, Msg
from devices.wireless import OFFLINE, ONLINE, AccessPoint, WirelessSnapshot
from monitor.printable import visible
from monitor.storage.events import record_event
from monitor.storage.history import GAP_FACTOR, choose_tier, store_retention
from monitor.storage.store import RETENTION_S, ROLLUP_TIERS

SERIES_KINDS = ("aps_total", "aps_online", "clients", "ssid", "ap")
FORGET_AFTER_S = 7 * 86400
GONE = "gone from the AP table"
_TIERS = ("raw", *ROLLUP_TIERS)
_ROLLUP_SOURCE = {"5m": "raw", "30m": "raw", "2h": "30m", "1d": "2h"}
_MIN_ROWS_FOR_MEDIAN = 5


def _table(tier: str) -> str:
    return "wireless_samples" if tier == "raw" else f"wireless_rollup_{tier}"


# ---------------------------------------------------------------------------------------------------- writing


def record(
    conn: sqlite3.Connection,
    device_id: int,
    device_name: str,
    ts: float,
    snapshot: WirelessSnapshot | None,
    error: str | None = None,
) -> list[tuple[str, str]]:
    """Store one poll's wireless result for a device; returns the events written as (kind, detail).

    ``snapshot`` None with ``error`` None: the device answered but has no wireless data (nothing is created; a
    device that had some keeps it, marked with an error). ``error``: the wireless part failed this poll (the
    previous snapshot stays, marked with the error). Runs inside the caller's transaction.
    """
    state = conn.execute("SELECT * FROM wireless_state WHERE device_id = ?", (device_id,)).fetchone()
    if snapshot is None:
        if state is not None:
            reason = error or "the device no longer answers its wireless tables"
            conn.execute(
                "UPDATE wireless_state SET error = ?, error_ts = ? WHERE device_id = ?", (reason, ts, device_id)
            )
        return []
    conn.execute(
        """INSERT INTO wireless_state(device_id, ts, module, aps_total, aps_online, clients_total, clients_by_ssid,
           sources, error, error_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
           ON CONFLICT(device_id) DO UPDATE SET ts=excluded.ts, module=excluded.module, aps_total=excluded.aps_total,
           aps_online=excluded.aps_online, clients_total=excluded.clients_total,
           clients_by_ssid=excluded.clients_by_ssid, sources=excluded.sources, error=NULL, error_ts=NULL""",
        (
            device_id,
            ts,
            snapshot.module,
            snapshot.aps_total,
            snapshot.aps_online,
            snapshot.clients_total,
            json.dumps(snapshot.clients_by_ssid, ensure_ascii=False),
            json.dumps(snapshot.sources, ensure_ascii=False),
        ),
    )
    events = _update_aps(conn, device_id, device_name, ts, snapshot)
    write_samples(conn, device_id, int(ts), sample_values(snapshot))
    rollup_device(conn, device_id, ts)
    _hourly_retention(conn, device_id, ts)
    return events


def sample_values(snapshot: WirelessSnapshot) -> dict[tuple[str, str], float]:
    """(kind, name) -> value of every figure a snapshot knows (unknown figures are left out: a gap, not a 0)."""
    values: dict[tuple[str, str], float] = {}
    for kind, value in (
        ("aps_total", snapshot.aps_total),
        ("aps_online", snapshot.aps_online),
        ("clients", snapshot.clients_total),
    ):
        if value is not None:
            values[(kind, "")] = value
    for ssid, count in snapshot.clients_by_ssid.items():
        values[("ssid", ssid)] = count
    for ap in snapshot.aps:
        if ap.clients is not None:
            values[("ap", ap.key)] = ap.clients
    return values


def series_ids(conn: sqlite3.Connection, device_id: int, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The series id of each (kind, name) of a device, created where missing."""
    known = {
        (r["kind"], r["name"]): int(r["id"])
        for r in conn.execute("SELECT id, kind, name FROM wireless_series WHERE device_id = ?", (device_id,))
    }
    for key in keys:
        if key not in known:
            cur = conn.execute(
                "INSERT INTO wireless_series(device_id, kind, name) VALUES (?, ?, ?)", (device_id, key[0], key[1])
            )
            known[key] = int(cur.lastrowid or 0)
    return known


def write_samples(conn: sqlite3.Connection, device_id: int, ts: int, values: dict[tuple[str, str], float]) -> None:
    """Raw samples of one poll (a second poll within the same second keeps the first)."""
    ids = series_ids(conn, device_id, values)
    conn.executemany(
        "INSERT OR IGNORE INTO wireless_samples(series_id, ts, value) VALUES (?, ?, ?)",
        [(ids[key], ts, value) for key, value in values.items()],
    )


def _event(conn: sqlite3.Connection, ts: float, device_id: int, kind: str, message: Msg) -> tuple[str, str]:
    return kind, record_event(conn, ts, kind, message, device_id=device_id)


def _update_aps(
    conn: sqlite3.Connection, device_id: int, device_name: str, ts: float, snapshot: WirelessSnapshot
) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = []
    old = {r["key"]: r for r in conn.execute("SELECT * FROM wireless_aps WHERE device_id = ?", (device_id,))}
    seen = set()
    for ap in snapshot.aps:
        seen.add(ap.key)
        prev = old.get(ap.key)
        events += _transition(conn, ts, device_id, device_name, ap.name, prev, ap.status, ap.status_raw)
        _upsert_ap(conn, device_id, ts, ap, prev)
    for key, prev in old.items():
        if key in seen:
            continue
        if snapshot.standalone or prev["last_seen"] < ts - FORGET_AFTER_S:
            conn.execute("DELETE FROM wireless_aps WHERE id = ?", (prev["id"],))
            continue
        events += _transition(conn, ts, device_id, device_name, prev["name"], prev, OFFLINE, GONE)
        conn.execute(
            """UPDATE wireless_aps SET status = ?, status_raw = ?, status_since = ?, clients = NULL, present = 0
               WHERE id = ?""",
            (OFFLINE, GONE, prev["status_since"] if prev["status"] == OFFLINE else ts, prev["id"]),
        )
    return events


def _transition(
    conn: sqlite3.Connection,
    ts: float,
    device_id: int,
    device_name: str,
    ap_name: str,
    prev: sqlite3.Row | None,
    status: str,
    status_raw: str | None,
) -> list[tuple[str, str]]:
    """ap_down when an AP goes offline, ap_up when it comes back.

    "Offline" is the MIB's own down state, or leaving the controller's AP table (then an AP whose row had no status
    column counts as having been up); an AP whose status is unknown otherwise makes no event.
    """
    if prev is None or (prev["status"] == status and prev["status_raw"] == status_raw):
        return []
    was, gone_before = prev["status"], prev["status_raw"] == GONE
    names = {"device": device_name, "ap": ap_name, "why": status_raw or ""}
    if status == OFFLINE and was != OFFLINE and (was == ONLINE or status_raw == GONE):
        text = N_("{device}: AP {ap} offline ({why})") if status_raw else N_("{device}: AP {ap} offline")
        return [_event(conn, ts, device_id, "ap_down", Msg(text, names))]
    if was == OFFLINE and status != OFFLINE and (status == ONLINE or gone_before):
        text = N_("{device}: AP {ap} online again ({why})") if status_raw else N_("{device}: AP {ap} online again")
        return [_event(conn, ts, device_id, "ap_up", Msg(text, names))]
    return []


def _upsert_ap(conn: sqlite3.Connection, device_id: int, ts: float, ap: AccessPoint, prev: sqlite3.Row | None) -> None:
    radios = json.dumps([r.as_dict() for r in ap.radios], ensure_ascii=False)
    values = (ap.name, ap.mac, ap.serial, ap.ip, ap.model, ap.location, ap.status, ap.status_raw)
    since = ts if prev is None or prev["status"] != ap.status else prev["status_since"]
    conn.execute(
        """INSERT INTO wireless_aps(device_id, key, name, mac, serial, ip, model, location, status, status_raw,
           status_since, uptime_s, clients, radios, present, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
           ?, 1, ?)
           ON CONFLICT(device_id, key) DO UPDATE SET name=excluded.name, mac=excluded.mac, serial=excluded.serial,
           ip=excluded.ip, model=excluded.model, location=excluded.location, status=excluded.status,
           status_raw=excluded.status_raw, status_since=excluded.status_since, uptime_s=excluded.uptime_s,
           clients=excluded.clients, radios=excluded.radios, present=1, last_seen=excluded.last_seen""",
        (device_id, ap.key, *values, since, ap.uptime_s, ap.clients, radios, ts),
    )


# ---------------------------------------------------------------------------------------------------- rollups


def _aggregates(source: str) -> str:
    if source == "raw":
        return "COUNT(s.value) AS n, AVG(s.value), MIN(s.value), MAX(s.value)"
    return "SUM(s.n) AS n, SUM(s.avg * s.n) / SUM(s.n), MIN(s.min), MAX(s.max)"


def rollup_device(conn: sqlite3.Connection, device_id: int, now: float, rewind_to: int | None = None) -> None:
    """Roll a device's raw samples up into the 5m/30m tiers, 30m into 2h and 2h into 1d (complete buckets only).

    Each tier continues from its mark in ``wireless_state`` (first time: from the device's oldest source row);
    ``rewind_to`` moves the marks back to that time first (after history was written into the past). Idempotent.
    """
    marks = conn.execute(
        "SELECT rolled_5m, rolled_30m, rolled_2h, rolled_1d FROM wireless_state WHERE device_id = ?", (device_id,)
    ).fetchone()
    if marks is None:
        return
    done: dict[str, int | None] = {tier: marks[f"rolled_{tier}"] for tier in ROLLUP_TIERS}
    if rewind_to is not None:
        done = {
            t: None if d is None else min(d, rewind_to // ROLLUP_TIERS[t][0] * ROLLUP_TIERS[t][0])
            for t, d in done.items()
        }
    for tier, (size, _) in ROLLUP_TIERS.items():
        table = _table(tier)
        source = _ROLLUP_SOURCE[tier]
        end = math.floor(now / size) * size
        if source != "raw":
            src_done = done[source]
            if src_done is None:
                continue
            end = min(end, src_done // size * size)
        start = done[tier]
        if start is None:
            oldest = _oldest(conn, device_id, _table(source))
            if oldest is None:
                continue
            start = oldest // size * size
        else:
            start -= size  # redo the last bucket, as the bandwidth rollups do
        if start < end:
            conn.execute(
                f"""INSERT OR REPLACE INTO {table}(series_id, ts, n, avg, min, max)
                    SELECT s.series_id, (s.ts / :size) * :size AS bts, {_aggregates(source)}
                    FROM wireless_series AS w JOIN {_table(source)} AS s ON s.series_id = w.id
                    WHERE w.device_id = :device AND s.ts >= :start AND s.ts < :end
                    GROUP BY s.series_id, bts HAVING n > 0""",
                {"size": size, "start": start, "end": end, "device": device_id},
            )
            done[tier] = max(end, done[tier] or end)
    conn.execute(
        "UPDATE wireless_state SET rolled_5m = ?, rolled_30m = ?, rolled_2h = ?, rolled_1d = ? WHERE device_id = ?",
        (done["5m"], done["30m"], done["2h"], done["1d"], device_id),
    )


def _oldest(conn: sqlite3.Connection, device_id: int, table: str) -> int | None:
    row = conn.execute(
        f"""SELECT MIN((SELECT MIN(ts) FROM {table} WHERE series_id = w.id)) FROM wireless_series AS w
            WHERE w.device_id = ?""",
        (device_id,),
    ).fetchone()
    return None if row[0] is None else int(row[0])


def apply_retention(conn: sqlite3.Connection, device_id: int, now: float) -> dict[str, int]:
    """Delete a device's wireless rows older than each tier's retention (the store's settings); rows per tier."""
    keep = {**RETENTION_S, **store_retention(conn)}
    deleted = {}
    for tier in _TIERS:
        cutoff = now - keep[tier] - (0 if tier == "raw" else ROLLUP_TIERS[tier][0])
        op = "<" if tier == "raw" else "<="
        cur = conn.execute(
            f"""DELETE FROM {_table(tier)} WHERE series_id IN (SELECT id FROM wireless_series WHERE device_id = ?)
                AND ts {op} ?""",
            (device_id, cutoff),
        )
        deleted[tier] = cur.rowcount
    return deleted


def _hourly_retention(conn: sqlite3.Connection, device_id: int, ts: float) -> None:
    hour = int(ts // 3600)
    row = conn.execute("SELECT retention_hour FROM wireless_state WHERE device_id = ?", (device_id,)).fetchone()
    if row is not None and row[0] == hour:
        return
    apply_retention(conn, device_id, ts)
    conn.execute("UPDATE wireless_state SET retention_hour = ? WHERE device_id = ?", (hour, device_id))


# ---------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class WirelessView:
    """A device's latest wireless data as stored: the snapshot's figures and its AP rows."""

    device: str
    ts: float | None
    module: str
    aps_total: int | None
    aps_online: int | None
    clients_total: int | None
    clients_by_ssid: dict[str, int]
    sources: dict[str, str]
    error: str | None
    aps: list[dict[str, Any]] = field(default_factory=list)


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _ap_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "name": row["name"],
        "status": row["status"],
        "status_raw": row["status_raw"],
        "status_since": _iso(row["status_since"]),
        "clients": row["clients"],
        "mac": row["mac"],
        "serial": row["serial"],
        "ip": row["ip"],
        "model": row["model"],
        "location": row["location"],
        "uptime_s": row["uptime_s"],
        "radios": json.loads(row["radios"]),
        "key": row["key"],
        "last_seen": _iso(row["last_seen"]),
    }


def load(conn: sqlite3.Connection, device_id: int, device_name: str) -> WirelessView | None:
    """The device's latest wireless data, or None when it never had any."""
    state = conn.execute("SELECT * FROM wireless_state WHERE device_id = ?", (device_id,)).fetchone()
    if state is None:
        return None
    aps = [
        _ap_dict(r)
        for r in conn.execute(
            """SELECT * FROM wireless_aps WHERE device_id = ?
               ORDER BY CASE status WHEN 'offline' THEN 0 WHEN 'unknown' THEN 1 ELSE 2 END, name, key""",
            (device_id,),
        )
    ]
    return WirelessView(
        device=device_name,
        ts=state["ts"],
        module=state["module"],
        aps_total=state["aps_total"],
        aps_online=state["aps_online"],
        clients_total=state["clients_total"],
        clients_by_ssid=json.loads(state["clients_by_ssid"]),
        sources=json.loads(state["sources"]),
        error=state["error"],
        aps=aps,
    )


def as_json(view: WirelessView) -> dict[str, Any]:
    """The ``wireless NAME --json`` object."""
    return {
        "device": view.device,
        "ts": _iso(view.ts),
        "module": view.module,
        "aps_total": view.aps_total,
        "aps_online": view.aps_online,
        "clients_total": view.clients_total,
        "clients_by_ssid": view.clients_by_ssid,
        "sources": view.sources,
        "error": view.error,
        "aps": view.aps,
    }


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def format_text(view: WirelessView, table: Any) -> str:
    """A readable summary plus the AP table; ``table(headers, rows)`` formats the table (the CLI's own, which shows
    control characters as escapes, as this summary does)."""
    lines = [
        f"{visible(view.device)}  ({view.module}, {_iso(view.ts) or 'never polled'})",
        f"APs online {_dash(view.aps_online)} of {_dash(view.aps_total)}   clients {_dash(view.clients_total)}",
    ]
    if view.error:
        lines.append(f"note: the latest poll's wireless part failed: {visible(view.error)}")
    if view.clients_by_ssid:
        ssids = sorted(view.clients_by_ssid.items())
        lines.append("clients by SSID: " + ", ".join(f"{visible(s)} {n}" for s, n in ssids))
    if view.aps:
        headers = ["name", "status", "status_raw", "since", "clients", "ip", "model", "location", "radios"]
        rows = [
            [
                ap["name"],
                ap["status"],
                ap["status_raw"] or "",
                (ap["status_since"] or "")[:16].replace("T", " "),
                _dash(ap["clients"]),
                ap["ip"] or "",
                ap["model"] or "",
                ap["location"] or "",
                " ".join(_radio_text(r) for r in ap["radios"]),
            ]
            for ap in view.aps
        ]
        lines += ["", table(headers, rows)]
    return "\n".join(lines)


def _radio_text(radio: dict[str, Any]) -> str:
    band = radio.get("band") or f"radio {radio.get('index')}"
    channel = f" ch{radio['channel']}" if radio.get("channel") else ""
    return f"{band}{channel}"


@dataclass(frozen=True)
class DeviceWireless:
    """One line of the wireless overview (every device with wireless data)."""

    device_id: int
    name: str
    ts: float | None
    aps_total: int | None
    aps_online: int | None
    aps_offline: int
    clients_total: int | None
    error: str | None


def summaries(conn: sqlite3.Connection) -> list[DeviceWireless]:
    """Every device with wireless data, by name: counts and how many of its APs are offline now."""
    return [
        DeviceWireless(
            int(r["device_id"]),
            r["name"],
            r["ts"],
            r["aps_total"],
            r["aps_online"],
            int(r["offline"]),
            r["clients_total"],
            r["error"],
        )
        for r in conn.execute(
            """SELECT w.*, d.name,
                      (SELECT count(*) FROM wireless_aps a WHERE a.device_id = w.device_id AND a.status = 'offline')
                      AS offline
               FROM wireless_state w JOIN devices d ON d.id = w.device_id ORDER BY d.name"""
        )
    ]


def series_names(conn: sqlite3.Connection, device_id: int) -> dict[str, list[str]]:
    """kind -> names with history for a device (SSIDs, AP keys; '' for the device-wide counts)."""
    out: dict[str, list[str]] = {kind: [] for kind in SERIES_KINDS}
    for r in conn.execute(
        "SELECT kind, name FROM wireless_series WHERE device_id = ? ORDER BY kind, name", (device_id,)
    ):
        out[r["kind"]].append(r["name"])
    return out


@dataclass(frozen=True)
class CountSeries:
    """A wireless count over time, ready to plot: bucket starts (raw: poll times) and values, None for gaps.

    For rollup tiers ``avg`` is the bucket average and ``min``/``max`` its extremes; for raw they equal ``avg``.
    """

    tier: str
    ts: list[int]
    avg: list[float | None]
    min: list[float | None]
    max: list[float | None]


def series(
    conn: sqlite3.Connection,
    device_id: int,
    kind: str,
    name: str = "",
    from_ts: float | None = None,
    to_ts: float | None = None,
    resolution: str = "auto",
    now: float | None = None,
    step_s: float = 60,
) -> CountSeries:
    """One count of a device over [from_ts, to_ts] (default: the last 24 hours).

    ``kind``: aps_total, aps_online, clients, ssid (``name`` = SSID) or ap (``name`` = AP key, its clients).
    ``resolution``: auto (the tier :func:`monitor.storage.history.choose_tier` picks), raw, 5m, 30m, 2h or 1d. Buckets
    not rolled up yet are aggregated from raw on the fly, so the series reaches up to now.
    """
    if kind not in SERIES_KINDS:
        raise ValueError(f"unknown wireless series kind {kind!r}: use {', '.join(SERIES_KINDS)}")
    now = time.time() if now is None else now
    to_ts = now if to_ts is None else to_ts
    from_ts = to_ts - 86400 if from_ts is None else from_ts
    if from_ts > to_ts:
        raise ValueError(f"from_ts {from_ts} is after to_ts {to_ts}")
    tier = resolution
    if resolution == "auto":
        tier = choose_tier(from_ts, to_ts, now, step_s, store_retention(conn))
    elif resolution not in _TIERS:
        raise ValueError(f"unknown resolution {resolution!r}: use auto, {', '.join(_TIERS)}")
    row = conn.execute(
        "SELECT id FROM wireless_series WHERE device_id = ? AND kind = ? AND name = ?", (device_id, kind, name)
    ).fetchone()
    if row is None:
        return CountSeries(tier, [], [], [], [])
    if tier == "raw":
        return _raw_series(conn, int(row[0]), from_ts, to_ts, step_s)
    return _bucket_series(conn, device_id, int(row[0]), tier, from_ts, to_ts)


def _raw_series(conn: sqlite3.Connection, series_id: int, from_ts: float, to_ts: float, step_s: float) -> CountSeries:
    rows = conn.execute(
        "SELECT ts, value FROM wireless_samples WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts",
        (series_id, from_ts, to_ts),
    ).fetchall()
    stamps = [int(r[0]) for r in rows]
    typical = (
        statistics.median(b - a for a, b in itertools.pairwise(stamps)) if len(rows) >= _MIN_ROWS_FOR_MEDIAN else step_s
    )
    ts: list[int] = []
    values: list[float | None] = []
    for i, r in enumerate(rows):
        if i and stamps[i] - stamps[i - 1] > GAP_FACTOR * typical:
            ts.append(stamps[i - 1] + round(typical))
            values.append(None)
        ts.append(stamps[i])
        values.append(r[1])
    return CountSeries("raw", ts, values, list(values), list(values))


def _bucket_series(
    conn: sqlite3.Connection, device_id: int, series_id: int, tier: str, from_ts: float, to_ts: float
) -> CountSeries:
    size, _ = ROLLUP_TIERS[tier]
    first, stop = math.floor(from_ts / size) * size, math.ceil(to_ts / size) * size
    mark = conn.execute(f"SELECT rolled_{tier} FROM wireless_state WHERE device_id = ?", (device_id,)).fetchone()
    done = mark[0] if mark is not None and mark[0] is not None else first
    boundary = min(max(int(done), first), stop)
    found: dict[int, Sequence[Any]] = {
        int(r[0]): r
        for r in conn.execute(
            f"""SELECT ts, avg, min, max FROM {_table(tier)} WHERE series_id = ? AND ts >= ? AND ts < ?""",
            (series_id, first, boundary),
        )
    }
    for r in conn.execute(
        """SELECT (ts / :size) * :size AS bts, AVG(value), MIN(value), MAX(value) FROM wireless_samples
           WHERE series_id = :id AND ts >= :lo AND ts < :hi GROUP BY bts""",
        {"size": size, "id": series_id, "lo": boundary, "hi": stop},
    ):
        found[int(r[0])] = r
    grid = list(range(first, stop, size))
    rows = [found.get(t) for t in grid]
    return CountSeries(
        tier,
        grid,
        [r[1] if r else None for r in rows],
        [r[2] if r else None for r in rows],
        [r[3] if r else None for r in rows],
    )
