"""The demo's history from the first minute: :func:`backfill` writes days of synthetic history into the demo store.

The rates are the traffic model's (:mod:`monitor.demo.traffic`) at the real calendar time of each sample, as polling
the demo every few minutes would have measured them; older days go straight into the rollup tiers. It runs on a
worker thread while a Poller keeps polling, reports its progress after each batch, and ends early when its stop
event is set (the next call writes the rest). The wireless controller gets its own history through
:func:`monitor.demo.wireless.backfill`.
"""

from __future__ import annotations

import itertools
import math
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.simagent import SimPort
from monitor.demo import wireless as demo_wireless
from monitor.demo.network import DemoNetwork
from monitor.demo.traffic import DAY_S, PortModel
from monitor.storage import history
from monitor.storage.store import RETENTION_S, ROLLUP_TIERS, connect

BACKFILL_MARK = "demo_backfill"  # settings key: "<first ts> <until ts>" of the synthetic history written so far
_BATCH_ROWS = 20_000  # rows per transaction: a poller writing at the same time waits for one batch at most
_SUB_RATES = 2  # a directly written rollup bucket's maximum is the highest of this many sub-interval rates
_SAMPLE_COLS = (
    "port_id, ts, in_bps, out_bps, in_err, out_err, in_disc, out_disc, in_ucast, out_ucast, in_bcast, out_bcast"
)
_ROLLUP_COLS = "port_id, ts, n, in_avg, in_max, out_avg, out_max, in_err, out_err, in_disc, out_disc"

ProgressCallback = Callable[[int, int], None]
_IDLE = (0.0,) * 10
Integrals = list[tuple[float, float]]


@dataclass(frozen=True)
class _Window:
    """What one backfill writes: raw samples at ``raw_from, raw_from + step ... last`` and rollup buckets directly
    for the older part, [tier_from[tier], next tier's start) per tier."""

    first: int
    last: int
    raw_from: int
    step: int
    tier_from: dict[str, int]

    @property
    def until(self) -> int:
        return self.last + self.step


def backfill(
    db_path: Path | str,
    days: int = 7,
    *,
    step_s: int = 300,
    now: float | None = None,
    on_progress: ProgressCallback | None = None,
    network: DemoNetwork | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Write ``days`` days of synthetic history for the demo devices in the store; returns the raw rows inserted.

    For every port of every device of the store named like a switch of ``network`` (default: the standard
    school, :class:`DemoNetwork` with the default seed; only its model is used, no agent is started), raw samples
    every ``step_s`` seconds (on the epoch grid) are written for the ``days`` days ending just before the first
    real sample (or ``now`` when there is none yet). Each rate is the model's counter integral over the step
    divided by the step, in bit/s at the real calendar time of the sample (speed 1), which is what polling the
    agent every ``step_s`` seconds would have measured. Then :func:`monitor.storage.history.rollup` fills the
    5m/30m/2h/1d
    tiers. Nothing else (no retention).

    - Ports: missing ``ports`` rows are created from the model with the key the poller uses (ifName), so this
      works before the first poll as well as after it (a later poll finds and updates the same rows).
    - Raw rows are written only where raw retention (7 days before ``now``) keeps them; older days go straight
      into ``rollup_30m`` (within 90 days), ``rollup_2h`` (within 13 months) and ``rollup_1d``; ``rollup_5m`` only
      covers the raw part. ``days=400`` therefore fills the 30 d and 1 y graphs too.
    - Idempotent: ``INSERT OR IGNORE`` on (port_id, ts) and a mark in ``settings`` (:data:`BACKFILL_MARK`):
      a second call with the same or fewer days writes nothing; the window stays anchored at the first real
      sample, so real samples are never overwritten.
    - Blocking (seconds; see ``bench/demo_backfill_bench.py``) and thread-safe in the SQLite sense: it opens its
      own connection and commits every :data:`_BATCH_ROWS` rows, so call it on a worker thread (the GUI: a
      ``QThreadPool``/``threading.Thread``; asyncio: ``asyncio.to_thread``) while a Poller keeps polling.
    - ``on_progress(done, total)`` is called from that thread after each batch (model time points done/total).
    - The wireless controller, when the store has it, gets its own history (not counted in the rows returned):
      :func:`_backfill_wireless`.
    - ``stop``: when it is set the work ends after the current batch (within a fraction of a second) and returns
      what was written; without the mark, the next call writes the rest (the demo's SIGTERM must not wait for a week
      of history).
    """
    if days <= 0 or step_s <= 0 or 1800 % step_s:
        raise ValueError("days must be positive and step_s a divisor of 1800 seconds")
    now = time.time() if now is None else now
    net = network or DemoNetwork(wireless=True)
    conn = connect(db_path)
    try:
        _backfill_wireless(conn, net, days, step_s, now)
        ports = _backfill_ports(conn, net)
        window = _backfill_window(conn, days, step_s, now)
        if not ports or window is None:
            return 0
        if _get_mark(conn) is None:  # anchor the window now, so a stopped backfill resumes the same days
            with conn:
                conn.execute(
                    "INSERT INTO settings(key, value) VALUES (?, ?)", (BACKFILL_MARK, f"{window.until} {window.until}")
                )
        progress = _Progress(window, on_progress, stop)
        try:
            written = _write_raw(conn, ports, window, progress)
            _write_old_rollups(conn, ports, window, progress)
        except BackfillStopped:
            return progress.rows
        _write_polls(conn, ports, window)
        with conn:
            _rewind_rollups(conn, window.first)
            history.rollup(conn, now)
            _set_mark(conn, window)
        return written
    finally:
        conn.close()


WIRELESS_BACKFILL_MARK = "demo_wireless_backfill"  # settings key: "<first ts> <until ts>" of the controller's history


def _backfill_wireless(conn: sqlite3.Connection, net: DemoNetwork, days: int, step_s: int, now: float) -> int:
    """The controller's counts (APs online, clients in all, per SSID, per AP) every ``step_s`` seconds for the last
    ``min(days, 7)`` days before its first real sample, if the store has the controller; see
    :func:`monitor.demo.wireless.backfill`. Returns the rows written."""
    if net.wireless is None or net.controller is None:
        return 0
    dev = conn.execute("SELECT id, name FROM devices WHERE name = ?", (net.controller.name,)).fetchone()
    if dev is None or conn.execute("SELECT 1 FROM settings WHERE key = ?", (WIRELESS_BACKFILL_MARK,)).fetchone():
        return 0
    real = conn.execute(
        """SELECT MIN((SELECT MIN(ts) FROM wireless_samples WHERE series_id = w.id)) FROM wireless_series w
           WHERE w.device_id = ?""",
        (dev["id"],),
    ).fetchone()[0]
    last = _ceil_to(min(now, real if real is not None else now), step_s) - step_s
    first = last - (min(days, 7) * DAY_S // step_s - 1) * step_s
    grid = range(first, last + 1, step_s)
    written = demo_wireless.backfill(conn, int(dev["id"]), dev["name"], net.wireless, grid, now)
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (WIRELESS_BACKFILL_MARK, f"{first} {last}")
        )
    return written


def _port_key(port: SimPort) -> str:
    """The key the poller gives this port (ifName, else ifDescr, else the ifIndex; see InterfaceRow.key)."""
    return port.name or port.descr or f"ifIndex {port.ifindex}"


def _port_row(device_id: int, p: SimPort) -> tuple[object, ...]:
    """A ``ports`` row (see :func:`_backfill_ports`) from the agent's view of a port."""
    status = (1 if p.admin_up else 2, 1 if p.oper_up else 2, int(p.alias.startswith("Uplink")))
    return (device_id, _port_key(p), p.ifindex, p.name, p.descr, p.alias, p.if_type, p.speed_bps, *status)


def _backfill_ports(conn: sqlite3.Connection, net: DemoNetwork) -> list[tuple[int, PortModel]]:
    """(port id, traffic model) of every port of the demo devices in the store; missing port rows are created."""
    by_name = {sw.name: sw for sw in net.switches}
    found: list[tuple[int, PortModel]] = []
    with conn:
        for dev in conn.execute("SELECT id, name FROM devices ORDER BY id").fetchall():
            sw = by_name.get(dev["name"])
            if sw is None:
                continue
            conn.executemany(
                """INSERT OR IGNORE INTO ports(device_id, key, ifindex, name, descr, alias, type, speed_bps,
                   admin_status, oper_status, counter_bits, present, is_uplink)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 64, 1, ?)""",
                [_port_row(int(dev["id"]), p) for p in sw.device.ports],
            )
            ids = {
                r["key"]: int(r["id"])
                for r in conn.execute("SELECT id, key FROM ports WHERE device_id = ?", (dev["id"],))
            }
            found += [
                (ids[_port_key(p)], m) for p, m in zip(sw.device.ports, sw.ports, strict=True) if _port_key(p) in ids
            ]
    return found


def _first_sample_ts(conn: sqlite3.Connection) -> int | None:
    """The oldest sample's ts (one index seek per port instead of a scan of the whole table)."""
    row = conn.execute(
        """WITH RECURSIVE p(id) AS (
               SELECT (SELECT MIN(port_id) FROM samples)
               UNION ALL
               SELECT (SELECT MIN(port_id) FROM samples WHERE port_id > p.id) FROM p WHERE p.id IS NOT NULL)
           SELECT MIN((SELECT MIN(ts) FROM samples WHERE port_id = p.id)) FROM p"""
    ).fetchone()
    return None if row[0] is None else int(row[0])


def _get_mark(conn: sqlite3.Connection) -> tuple[int, int] | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (BACKFILL_MARK,)).fetchone()
    if row is None:
        return None
    first, until = (int(v) for v in str(row[0]).split())
    return first, until


def _set_mark(conn: sqlite3.Connection, window: _Window) -> None:
    old = _get_mark(conn)
    first = min(window.first, old[0]) if old else window.first
    conn.execute(
        "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (BACKFILL_MARK, f"{first} {window.until}")
    )


def _ceil_to(t: float, size: int) -> int:
    return math.ceil(t / size) * size


def _backfill_window(conn: sqlite3.Connection, days: int, step: int, now: float) -> _Window | None:
    """Where the synthetic history goes, or None when an earlier backfill already wrote it."""
    mark = _get_mark(conn)
    if mark is not None:
        until = mark[1]
    else:
        real = _first_sample_ts(conn)
        until = int(min(now, real if real is not None else now))
    last = _ceil_to(until, step) - step  # the last grid point before the first real sample
    first = last - (days * DAY_S // step - 1) * step
    if mark is not None and mark[0] <= first:
        return None
    raw_from = first if first >= now - RETENTION_S["raw"] else _ceil_to(now - RETENTION_S["raw"], 1800)
    tier_from: dict[str, int] = {}
    edge = raw_from
    for tier, multiple in (("30m", 7200), ("2h", DAY_S), ("1d", DAY_S)):
        size = ROLLUP_TIERS[tier][0]
        keep = _ceil_to(now - RETENTION_S[tier] + size, multiple)
        tier_from[tier] = min(edge, max(_ceil_to(first, multiple), keep))
        edge = tier_from[tier]
    return _Window(first, last, raw_from, step, tier_from)


class BackfillStopped(Exception):
    """Raised between batches when the backfill's stop event is set."""


class _Progress:
    """Counts model time points done against the total, reports them, and stops the work when asked to."""

    def __init__(self, w: _Window, callback: ProgressCallback | None, stop: threading.Event | None = None) -> None:
        self.callback = callback
        self.stop = stop
        self.rows = 0
        self.done = 0
        self.total = max(0, (w.last - w.raw_from) // w.step + 2)
        upper = w.raw_from
        for tier in ("30m", "2h", "1d"):
            size = ROLLUP_TIERS[tier][0]
            self.total += max(0, (upper - w.tier_from[tier]) // size) * _SUB_RATES + 1
            upper = w.tier_from[tier]

    def add(self, points: int, rows: int = 0) -> None:
        """Count a committed batch; raise :class:`BackfillStopped` when the stop event is set."""
        self.done += points
        self.rows += rows
        if self.callback is not None:
            self.callback(min(self.done, self.total), self.total)
        if self.stop is not None and self.stop.is_set():
            raise BackfillStopped


def _integrals(ports: list[tuple[int, PortModel]], t: float) -> Integrals:
    """(in, out) octet integrals of every port at time ``t`` (model time = calendar time, speed 1)."""
    memo: dict[int, tuple[float, float]] = {}
    return [model.integral(t, memo) for _, model in ports]


def _rates(model: PortModel, a: tuple[float, float], b: tuple[float, float], seconds: float) -> tuple[float, ...]:
    """(in_bps, out_bps, in_err, out_err, in_disc, out_disc, in_ucast, out_ucast, in_bcast, out_bcast) between
    two integrals, the way TrafficModel.counters turns octets into the other counters."""
    d_in, d_out = max(0.0, b[0] - a[0]), max(0.0, b[1] - a[1])
    if not (d_in or d_out):
        return _IDLE
    err = math.floor(b[0] / model.error_every) - math.floor(a[0] / model.error_every) if model.error_every else 0
    disc = math.floor(b[1] / model.discard_every) - math.floor(a[1] / model.discard_every) if model.discard_every else 0
    return (
        8 * d_in / seconds,
        8 * d_out / seconds,
        max(0, err) / seconds,
        0.0,
        0.0,
        max(0, disc) / seconds,
        d_in / 760 / seconds,
        d_out / 940 / seconds,
        d_in / 410_000 / seconds,
        d_out / 620_000 / seconds,
    )


def _insert(conn: sqlite3.Connection, table: str, cols: str, rows: list[tuple[object, ...]]) -> int:
    """INSERT OR IGNORE ``rows`` in one transaction; returns how many were new."""
    before = conn.total_changes
    with conn:
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({', '.join('?' * (cols.count(',') + 1))})", rows
        )
    return conn.total_changes - before


def _write_raw(conn: sqlite3.Connection, ports: list[tuple[int, PortModel]], w: _Window, progress: _Progress) -> int:
    """Raw samples at every grid point from ``w.raw_from`` to ``w.last``; returns the rows inserted."""
    if w.raw_from > w.last:
        return 0
    written = 0
    rows: list[tuple[object, ...]] = []
    prev = _integrals(ports, w.raw_from - w.step)
    points = 1
    for ts in range(w.raw_from, w.last + 1, w.step):
        cur = _integrals(ports, ts)
        rows += [
            (port_id, ts, *_rates(model, a, b, w.step)) for (port_id, model), a, b in zip(ports, prev, cur, strict=True)
        ]
        prev = cur
        points += 1
        if len(rows) >= _BATCH_ROWS:
            new = _insert(conn, "samples", _SAMPLE_COLS, rows)
            written += new
            rows = []
            progress.add(points, new)
            points = 0
    new = _insert(conn, "samples", _SAMPLE_COLS, rows)
    progress.add(points, new)
    return written + new


def _write_polls(conn: sqlite3.Connection, ports: list[tuple[int, PortModel]], w: _Window) -> None:
    """One answered poll per grid point of the raw window for each demo device with history, as the poller would
    have recorded them (availability in reports), and their daily counts before it."""
    port_ids = sorted({port_id for port_id, _model in ports})
    marks = ", ".join("?" * len(port_ids))
    devices = [int(r[0]) for r in conn.execute(f"SELECT DISTINCT device_id FROM ports WHERE id IN ({marks})", port_ids)]
    rows = [(d, ts, "up") for d in devices for ts in range(w.raw_from, w.last + 1, w.step)]
    with conn:
        conn.executemany("INSERT OR IGNORE INTO device_polls (device_id, ts, status) VALUES (?, ?, ?)", rows)
        per_day = DAY_S // w.step
        old_days = range(_ceil_to(w.first, DAY_S), w.raw_from - DAY_S + 1, DAY_S)
        conn.executemany(
            "INSERT OR IGNORE INTO device_polls_1d (device_id, ts, answered, total) VALUES (?, ?, ?, ?)",
            [(d, day, per_day, per_day) for d in devices for day in old_days],
        )


def _write_old_rollups(
    conn: sqlite3.Connection, ports: list[tuple[int, PortModel]], w: _Window, progress: _Progress
) -> None:
    """Rollup buckets straight from the model for the part of the window older than raw retention."""
    upper = w.raw_from
    for tier in ("30m", "2h", "1d"):
        lower = w.tier_from[tier]
        if lower < upper:
            _write_tier(conn, ports, tier, lower, upper, w.step, progress)
        upper = lower


def _write_tier(
    conn: sqlite3.Connection,
    ports: list[tuple[int, PortModel]],
    tier: str,
    lower: int,
    upper: int,
    step: int,
    progress: _Progress,
) -> None:
    """Buckets of ``tier`` in [lower, upper): exact averages, maxima from :data:`_SUB_RATES` sub-intervals, and
    ``n`` as many raw samples as ``step`` would have given."""
    size, table = ROLLUP_TIERS[tier]
    sub = size / _SUB_RATES
    rows: list[tuple[object, ...]] = []
    prev = _integrals(ports, lower)
    points = 1
    for bucket in range(lower, upper, size):
        start = prev
        parts: list[Integrals] = []
        for k in range(1, _SUB_RATES + 1):
            parts.append(_integrals(ports, bucket + k * sub))
        points += _SUB_RATES
        for i, (port_id, model) in enumerate(ports):
            avg = _rates(model, start[i], parts[-1][i], size)
            edges = [start[i], *(p[i] for p in parts)]
            subs = [_rates(model, a, b, sub) for a, b in itertools.pairwise(edges)]
            rows.append(
                (
                    port_id,
                    bucket,
                    size // step,
                    avg[0],
                    max(r[0] for r in subs),
                    avg[1],
                    max(r[1] for r in subs),
                    *avg[2:6],
                )
            )
        prev = parts[-1]
        if len(rows) >= _BATCH_ROWS:
            _insert(conn, table, _ROLLUP_COLS, rows)
            rows = []
            progress.add(points)
            points = 0
    _insert(conn, table, _ROLLUP_COLS, rows)
    progress.add(points)


def _rewind_rollups(conn: sqlite3.Connection, first: int) -> None:
    """Move each tier's ``done_until`` back to the bucket holding ``first``, so :func:`history.rollup` (which
    only goes forward from there) also rolls up the history written before the real samples it has done."""
    for tier, (size, _) in ROLLUP_TIERS.items():
        target = first // size * size + size  # rollup restarts at done_until - size
        conn.execute("UPDATE rollup_state SET done_until = ? WHERE tier = ? AND done_until > ?", (target, tier, target))
