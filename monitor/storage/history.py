"""Bandwidth history: rollups, retention, and the read side used by graphs, 95th percentiles and reports.

Tiers, RRD-like but plain SQL tables (see :mod:`monitor.storage.store`):

- ``raw`` (table ``samples``): one row per port per poll, rates in bits/s (errors, discards, packets per
  second); a NULL rate is a gap (no valid delta for that poll).
- ``5m`` and ``30m`` are rolled up from raw, ``2h`` from ``30m``, ``1d`` from ``2h``.

Aggregation rules, identical for rolled-up rows and for the buckets computed on the fly from raw:

- a bucket starts at ``floor(ts / size) * size`` on the epoch, i.e. in UTC; daily buckets therefore start at
  UTC midnight (local midnight is not used: most local offsets are not a multiple of 2 hours, so local days
  could not be built from 2-hour buckets, and a DST-dependent offset would move the bucket grid twice a year);
- ``n`` is the number of raw samples that contributed to the bucket: samples with a valid ``in_bps`` *or*
  ``out_bps``. A bucket with ``n = 0`` is not written (a gap);
- ``*_avg`` is the mean of the non-NULL raw rates (each poll weighs the same); a higher tier's average is the
  mean of the lower tier's averages weighted by their ``n``, so it equals the mean over the raw samples;
- ``*_max`` is the maximum raw rate (a higher tier takes the max of the maxes);
- ``in_err``/``out_err``/``in_disc``/``out_disc`` hold average per-second rates, aggregated like ``*_avg``.

The weighting is exact when a poll's in and out rates are valid or NULL together (the poller discards whole
deltas on counter discontinuities); when only one direction of a sample is NULL, the other is weighted by
``n`` anyway, because the schema keeps a single ``n`` per bucket.
"""

from __future__ import annotations

import itertools
import math
import sqlite3
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

from monitor.storage.store import RETENTION_S, ROLLUP_TIERS

# Tiers a graph chooses from, finest first.
DISPLAY_TIERS: tuple[str, ...] = ("raw", "30m", "2h", "1d")
# Most points a graph should get for one port and direction.
MAX_POINTS = 5000
# A raw sample further than this many typical steps from the previous one means polls were missed.
GAP_FACTOR = 2.5
# Fewer raw rows than this and the median spacing is not trusted; step_s is used instead.
_MIN_ROWS_FOR_MEDIAN = 5

# Rollup order matters: each tier's source is rolled up before it.
_ROLLUP_SOURCE: dict[str, str] = {"5m": "raw", "30m": "raw", "2h": "30m", "1d": "2h"}
_TIERS = ("raw", *ROLLUP_TIERS)
_ROLLUP_COLS = "port_id, ts, n, in_avg, in_max, out_avg, out_max, in_err, out_err, in_disc, out_disc"


@dataclass(frozen=True)
class TrafficSeries:
    """One port's traffic for a graph: timestamps (s, UTC epoch) and rates in bits/s, None where there is a
    gap.

    For rollup tiers ``ts`` is the regular grid of bucket starts, ``in_bps``/``out_bps`` the bucket averages
    and ``in_max``/``out_max`` the bucket maxima; for ``raw`` the maxima are None.
    """

    tier: str
    ts: list[int]
    in_bps: list[float | None]
    out_bps: list[float | None]
    in_max: list[float | None] | None = None
    out_max: list[float | None] | None = None


@dataclass(frozen=True)
class Percentile95:
    """95th percentile (nearest rank) of a port's in and out rates, in bits/s; None when there is no data.

    ``samples`` counts the bucket averages used (buckets with any valid rate); ``resolution`` is the bucket
    size they came from: ``"5m"``, or a coarser tier when the period starts before 5-minute values are kept.
    """

    in_bps: float | None
    out_bps: float | None
    samples: int
    resolution: str


@dataclass(frozen=True)
class PortSummary:
    """Average and peak rates (bits/s) and transferred bytes of one port over a period.

    ``samples`` is the number of polls with a valid rate. Totals integrate the rate over the polled time,
    counting each valid poll as one poll interval; gaps (NULL rates, missed polls) count nothing.
    """

    tier: str
    in_avg_bps: float | None
    out_avg_bps: float | None
    in_peak_bps: float | None
    out_peak_bps: float | None
    total_in_bytes: float
    total_out_bytes: float
    samples: int


@dataclass(frozen=True)
class _Bucket:
    ts: int
    n: int
    in_avg: float | None
    in_max: float | None
    out_avg: float | None
    out_max: float | None


# ---------------------------------------------------------------------------------------------------- rollups


def _table(tier: str) -> str:
    return "samples" if tier == "raw" else ROLLUP_TIERS[tier][1]


def _ports_cte(table: str) -> str:
    """A CTE ``p(id)`` of the distinct port ids in ``table``, one index seek per port.

    Tables are keyed (port_id, ts), so a bare ``WHERE ts ...`` would scan every row; driving the query from
    the port ids turns it into one range seek per port.
    """
    return f"""
        WITH RECURSIVE p(id) AS (
            SELECT (SELECT MIN(port_id) FROM {table})
            UNION ALL
            SELECT (SELECT MIN(port_id) FROM {table} WHERE port_id > p.id) FROM p WHERE p.id IS NOT NULL
        )
    """


def _wavg(col: str) -> str:
    return f"SUM(s.{col} * s.n) / SUM(CASE WHEN s.{col} IS NOT NULL THEN s.n END)"


def _agg_select(source: str) -> str:
    """Aggregates of ``s``: n, in_avg, in_max, out_avg, out_max, in_err, out_err, in_disc, out_disc."""
    if source == "raw":
        return """
            COUNT(CASE WHEN s.in_bps IS NOT NULL OR s.out_bps IS NOT NULL THEN 1 END) AS n,
            AVG(s.in_bps), MAX(s.in_bps), AVG(s.out_bps), MAX(s.out_bps),
            AVG(s.in_err), AVG(s.out_err), AVG(s.in_disc), AVG(s.out_disc)
        """
    return f"""
        SUM(s.n) AS n,
        {_wavg("in_avg")}, MAX(s.in_max), {_wavg("out_avg")}, MAX(s.out_max),
        {_wavg("in_err")}, {_wavg("out_err")}, {_wavg("in_disc")}, {_wavg("out_disc")}
    """


def _done_until(conn: sqlite3.Connection, tier: str) -> int | None:
    row = conn.execute("SELECT done_until FROM rollup_state WHERE tier = ?", (tier,)).fetchone()
    return None if row is None else int(row[0])


def _oldest_ts(conn: sqlite3.Connection, table: str) -> int | None:
    row = conn.execute(
        f"{_ports_cte(table)} SELECT MIN((SELECT MIN(ts) FROM {table} WHERE port_id = p.id)) FROM p"
    ).fetchone()
    return None if row[0] is None else int(row[0])


def _rollup_tier(conn: sqlite3.Connection, tier: str, now: float) -> None:
    size, table = ROLLUP_TIERS[tier]
    source = _ROLLUP_SOURCE[tier]
    src_table = _table(source)
    end = math.floor(now / size) * size
    if source != "raw":
        src_done = _done_until(conn, source)
        if src_done is None:
            return
        end = min(end, src_done // size * size)
    done = _done_until(conn, tier)
    if done is None:
        oldest = _oldest_ts(conn, src_table)
        if oldest is None:
            return
        start = oldest // size * size
    else:
        # Redo the last finished bucket: a poll begun before its end may have been written since the last run.
        start = done - size
    if start >= end:
        return
    conn.execute(
        f"""
        INSERT OR REPLACE INTO {table} ({_ROLLUP_COLS})
        {_ports_cte(src_table)}
        SELECT s.port_id, (CAST(s.ts AS INTEGER) / :size) * :size AS bts, {_agg_select(source)}
        FROM p CROSS JOIN {src_table} AS s
        WHERE s.port_id = p.id AND s.ts >= :start AND s.ts < :end
        GROUP BY s.port_id, bts
        HAVING n > 0
        """,
        {"size": size, "start": start, "end": end},
    )
    conn.execute(
        "INSERT OR REPLACE INTO rollup_state (tier, done_until) VALUES (?, ?)",
        (tier, max(end, done if done is not None else end)),
    )


def rollup(conn: sqlite3.Connection, now: float) -> None:
    """Roll raw samples up into ``rollup_5m``/``rollup_30m``, then 30m into 2h and 2h into 1d.

    Only complete buckets (bucket end <= ``now``) are written, from each tier's ``rollup_state.done_until`` on
    (first run: from the oldest source row); the last finished bucket is redone each run so a sample written a
    little late is still counted. Buckets are aligned on the UTC epoch, so daily buckets start at UTC
    midnight. Idempotent (``INSERT OR REPLACE``). Runs inside the caller's transaction and does not commit;
    call it before :func:`apply_retention` so no source row is deleted before it was rolled up.
    """
    for tier in ROLLUP_TIERS:
        _rollup_tier(conn, tier, now)
    _rollup_polls(conn, now)


_POLLS_DAY = 86400
_POLLS_STATE = "polls_1d"  # rollup_state row of device_polls_1d
_POLLS_RAW_FROM = "polls_raw_from"  # rollup_state row: raw poll rows before this time may have been deleted


def _rollup_polls(conn: sqlite3.Connection, now: float) -> None:
    """Count each device's polls (answered, made) per complete UTC day into ``device_polls_1d``."""
    end = math.floor(now / _POLLS_DAY) * _POLLS_DAY
    done = _done_until(conn, _POLLS_STATE)
    if done is None:
        row = conn.execute("SELECT MIN(ts) FROM device_polls").fetchone()
        if row[0] is None:
            return
        start = int(row[0]) // _POLLS_DAY * _POLLS_DAY
    else:
        start = done - _POLLS_DAY  # a poll of the last day may have been written late
    if start >= end:
        return
    conn.execute(
        """
        INSERT OR REPLACE INTO device_polls_1d (device_id, ts, answered, total)
        SELECT device_id, (CAST(ts AS INTEGER) / :day) * :day AS day,
               COUNT(CASE WHEN status = 'up' THEN 1 END), COUNT(*)
        FROM device_polls WHERE ts >= :start AND ts < :end GROUP BY device_id, day
        """,
        {"day": _POLLS_DAY, "start": start, "end": end},
    )
    conn.execute(
        "INSERT OR REPLACE INTO rollup_state (tier, done_until) VALUES (?, ?)",
        (_POLLS_STATE, max(end, done if done is not None else end)),
    )


def poll_counts(conn: sqlite3.Connection, device_id: int, from_ts: float, to_ts: float) -> tuple[int, int]:
    """Polls of a device in [from_ts, to_ts): (answered, made).

    From the raw poll rows wherever they are all still kept; for older days (see :func:`apply_poll_retention`),
    from the daily counts of the UTC days that start inside the period, so there the edges are whole UTC days.
    """
    intact = _done_until(conn, _POLLS_RAW_FROM)
    cut = math.ceil(intact / _POLLS_DAY) * _POLLS_DAY if intact is not None else None
    raw_from = from_ts if cut is None else max(from_ts, cut)
    row = conn.execute(
        "SELECT COUNT(CASE WHEN status = 'up' THEN 1 END), COUNT(*) FROM device_polls "
        "WHERE device_id = ? AND ts >= ? AND ts < ?",
        (device_id, raw_from, to_ts),
    ).fetchone()
    answered, total = int(row[0]), int(row[1])
    if cut is not None and from_ts < cut:
        daily = conn.execute(
            "SELECT COALESCE(SUM(answered), 0), COALESCE(SUM(total), 0) FROM device_polls_1d "
            "WHERE device_id = ? AND ts >= ? AND ts < ?",
            (device_id, from_ts, min(to_ts, cut)),
        ).fetchone()
        answered, total = answered + int(daily[0]), total + int(daily[1])
    return answered, total


def apply_retention(conn: sqlite3.Connection, now: float, retention: Mapping[str, int] | None = None) -> dict[str, int]:
    """Delete what is older than the retention in every tier; return the rows deleted per tier.

    ``retention`` gives seconds per tier (e.g. from :func:`monitor.storage.settings.retention_seconds`); tiers it leaves
    out, or all of them when it is None, keep :data:`RETENTION_S`. A raw sample is too old when its
    ``ts < now - retention``; a rollup bucket when it ends at or before ``now - retention``. Does not commit.
    """
    keep = {**RETENTION_S, **(retention or {})}
    deleted: dict[str, int] = {}
    for tier in _TIERS:
        table = _table(tier)
        cutoff = now - keep[tier]
        if tier == "raw":
            cond, limit = "ts < :limit", cutoff
        else:
            cond, limit = "ts <= :limit", cutoff - ROLLUP_TIERS[tier][0]
        cur = conn.execute(
            # The CTE sits inside the subquery: a statement starting with WITH gets no rowcount from sqlite3.
            f"DELETE FROM {table} WHERE port_id IN ({_ports_cte(table)} SELECT id FROM p) AND {cond}",
            {"limit": limit},
        )
        deleted[tier] = cur.rowcount
    return deleted


def apply_poll_retention(
    conn: sqlite3.Connection, now: float, retention: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Delete old poll records: raw ``device_polls`` rows as old as raw samples may be (never before they are counted
    per day), daily counts as old as daily rollups. Returns the rows deleted per table. Does not commit."""
    keep = {**RETENTION_S, **(retention or {})}
    counted = _done_until(conn, _POLLS_STATE)
    if counted is None:
        return {"device_polls": 0, "device_polls_1d": 0}
    cutoff = int(min(now - keep["raw"], counted - _POLLS_DAY))
    raw = conn.execute("DELETE FROM device_polls WHERE ts < ?", (cutoff,))
    if raw.rowcount:
        conn.execute(
            "INSERT INTO rollup_state (tier, done_until) VALUES (?, ?) "
            "ON CONFLICT(tier) DO UPDATE SET done_until = MAX(done_until, excluded.done_until)",
            (_POLLS_RAW_FROM, cutoff),
        )
    daily = conn.execute("DELETE FROM device_polls_1d WHERE ts <= ?", (now - keep["1d"] - _POLLS_DAY,))
    return {"device_polls": raw.rowcount, "device_polls_1d": daily.rowcount}


# ---------------------------------------------------------------------------------------------------- reading


def _step(tier: str, step_s: float) -> float:
    return step_s if tier == "raw" else ROLLUP_TIERS[tier][0]


def _covers(tier: str, from_ts: float, now: float, retention: Mapping[str, int] | None = None) -> bool:
    return from_ts >= now - {**RETENTION_S, **(retention or {})}[tier]


def store_retention(conn: sqlite3.Connection) -> dict[str, int]:
    """Retention per tier as the store's settings say (the user may keep tiers shorter or longer than default)."""
    from monitor.storage.settings import load_settings, retention_seconds

    return retention_seconds(load_settings(conn))


def choose_tier(
    from_ts: float, to_ts: float, now: float, step_s: float = 60, retention: Mapping[str, int] | None = None
) -> str:
    """The tier a graph of [from_ts, to_ts] should use: one of ``raw``, ``30m``, ``2h``, ``1d``.

    The finest tier whose retention still reaches back to ``from_ts`` and that gives at most
    :data:`MAX_POINTS` points over the span (raw has one point per poll, ``step_s`` apart). Falls back to
    ``1d``. E.g. at 60 s polls: 1 h and 24 h -> raw, 7 d and 30 d -> 30m, 1 y -> 2h, 3 y -> 1d. ``retention``
    (seconds per tier) overrides the defaults for the tiers it names.
    """
    span = max(0.0, to_ts - from_ts)
    for tier in DISPLAY_TIERS:
        if _covers(tier, from_ts, now, retention) and span / _step(tier, step_s) <= MAX_POINTS:
            return tier
    return DISPLAY_TIERS[-1]


def _raw_agg_buckets(conn: sqlite3.Connection, port_id: int, size: int, lo: int, hi: int) -> list[_Bucket]:
    rows = conn.execute(
        f"""
        SELECT (CAST(s.ts AS INTEGER) / :size) * :size AS bts, {_agg_select("raw")}
        FROM samples AS s
        WHERE s.port_id = :port AND s.ts >= :lo AND s.ts < :hi
        GROUP BY bts HAVING n > 0 ORDER BY bts
        """,
        {"size": size, "port": port_id, "lo": lo, "hi": hi},
    ).fetchall()
    return [_Bucket(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def _bucket_range(tier: str, from_ts: float, to_ts: float) -> tuple[int, int]:
    """Starts (first, stop) of the buckets of ``tier`` that overlap [from_ts, to_ts)."""
    size = ROLLUP_TIERS[tier][0]
    return math.floor(from_ts / size) * size, math.ceil(to_ts / size) * size


def _buckets(conn: sqlite3.Connection, tier: str, port_id: int, first: int, stop: int) -> list[_Bucket]:
    """Buckets of ``tier`` starting in [first, stop): rolled-up rows, then raw aggregated on the fly."""
    size, table = ROLLUP_TIERS[tier]
    done = _done_until(conn, tier)
    boundary = first if done is None else min(max(done, first), stop)
    rows = conn.execute(
        f"""
        SELECT ts, n, in_avg, in_max, out_avg, out_max FROM {table}
        WHERE port_id = ? AND ts >= ? AND ts < ? ORDER BY ts
        """,
        (port_id, first, boundary),
    ).fetchall()
    rolled = [_Bucket(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5]) for r in rows]
    return rolled + _raw_agg_buckets(conn, port_id, size, boundary, stop)


def _raw_series(conn: sqlite3.Connection, port_id: int, from_ts: float, to_ts: float, step_s: float) -> TrafficSeries:
    rows = conn.execute(
        "SELECT ts, in_bps, out_bps FROM samples WHERE port_id = ? AND ts >= ? AND ts <= ? ORDER BY ts",
        (port_id, from_ts, to_ts),
    ).fetchall()
    stamps = [int(r[0]) for r in rows]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    typical = statistics.median(gaps) if len(rows) >= _MIN_ROWS_FOR_MEDIAN else step_s
    ts: list[int] = []
    in_bps: list[float | None] = []
    out_bps: list[float | None] = []
    for i, row in enumerate(rows):
        if i and stamps[i] - stamps[i - 1] > GAP_FACTOR * typical:
            ts.append(stamps[i - 1] + round(typical))
            in_bps.append(None)
            out_bps.append(None)
        ts.append(stamps[i])
        in_bps.append(row[1])
        out_bps.append(row[2])
    return TrafficSeries("raw", ts, in_bps, out_bps)


def _resolve(
    conn: sqlite3.Connection, resolution: str, from_ts: float, to_ts: float, now: float | None, step_s: float
) -> str:
    if from_ts > to_ts:
        raise ValueError(f"from_ts {from_ts} is after to_ts {to_ts}")
    if resolution == "auto":
        return choose_tier(from_ts, to_ts, time.time() if now is None else now, step_s, store_retention(conn))
    if resolution not in _TIERS:
        raise ValueError(f"unknown resolution {resolution!r}: use auto, {', '.join(_TIERS)}")
    return resolution


def traffic(
    conn: sqlite3.Connection,
    port_id: int,
    from_ts: float,
    to_ts: float,
    resolution: str = "auto",
    now: float | None = None,
    step_s: float = 60,
) -> TrafficSeries:
    """A port's traffic over a period, ready to plot (a None value breaks the line).

    ``resolution``: ``auto`` (see :func:`choose_tier`), ``raw``, ``5m``, ``30m``, ``2h`` or ``1d``.

    - raw: the samples with ``from_ts <= ts <= to_ts``; a stored NULL stays None, and where the distance to
      the previous sample exceeds :data:`GAP_FACTOR` times the typical step (the median spacing of the rows,
      or ``step_s`` with few rows) a None point is inserted one step after the previous sample;
    - rollup tiers: the regular grid of bucket starts overlapping [from_ts, to_ts), None where a bucket has no
      data. Buckets not rolled up yet (at or after the tier's ``done_until``, including the current partial
      bucket) are aggregated from raw on the fly with the same rules, so the graph reaches up to now.
    """
    tier = _resolve(conn, resolution, from_ts, to_ts, now, step_s)
    if tier == "raw":
        return _raw_series(conn, port_id, from_ts, to_ts, step_s)
    size = ROLLUP_TIERS[tier][0]
    first, stop = _bucket_range(tier, from_ts, to_ts)
    by_ts = {b.ts: b for b in _buckets(conn, tier, port_id, first, stop)}
    grid = list(range(first, stop, size))
    found = [by_ts.get(t) for t in grid]
    return TrafficSeries(
        tier,
        grid,
        [b.in_avg if b else None for b in found],
        [b.out_avg if b else None for b in found],
        [b.in_max if b else None for b in found],
        [b.out_max if b else None for b in found],
    )


def _nearest_rank_95(values: list[float]) -> float | None:
    if not values:
        return None
    rank = (95 * len(values) + 99) // 100  # ceil(0.95 * N) without float rounding
    return sorted(values)[rank - 1]


def percentile95(
    conn: sqlite3.Connection, port_id: int, from_ts: float, to_ts: float, now: float | None = None
) -> Percentile95:
    """95th percentile of a port's rates over a period, the burstable-billing way (nearest rank).

    Takes the 5-minute average rates of the complete buckets overlapping [from_ts, to_ts), sorts them and
    picks the value at rank ``ceil(0.95 * N)``; in and out independently. Values come from ``rollup_5m`` where
    rolled up and from raw samples aggregated into 5-minute buckets for the recent rest. When ``from_ts`` is
    older than 5-minute retention, the whole period uses the finest tier still kept that far back (30m, 2h,
    then 1d; named in ``resolution``), which flattens bursts and so reads lower than a true 5-minute
    percentile.
    """
    now = time.time() if now is None else now
    retention = store_retention(conn)
    tier = next((t for t in ROLLUP_TIERS if _covers(t, from_ts, now, retention)), "1d")
    size = ROLLUP_TIERS[tier][0]
    first, stop = _bucket_range(tier, from_ts, to_ts)
    stop = min(stop, math.floor(now / size) * size)
    buckets = _buckets(conn, tier, port_id, first, stop) if first < stop else []
    return Percentile95(
        _nearest_rank_95([b.in_avg for b in buckets if b.in_avg is not None]),
        _nearest_rank_95([b.out_avg for b in buckets if b.out_avg is not None]),
        len(buckets),
        tier,
    )


def _raw_summary(conn: sqlite3.Connection, port_id: int, from_ts: float, to_ts: float, step_s: float) -> PortSummary:
    r = conn.execute(
        """
        SELECT COUNT(in_bps), AVG(in_bps), MAX(in_bps), COUNT(out_bps), AVG(out_bps), MAX(out_bps),
               COUNT(CASE WHEN in_bps IS NOT NULL OR out_bps IS NOT NULL THEN 1 END)
        FROM samples WHERE port_id = ? AND ts >= ? AND ts <= ?
        """,
        (port_id, from_ts, to_ts),
    ).fetchone()
    return PortSummary(
        "raw",
        r[1],
        r[4],
        r[2],
        r[5],
        (r[1] or 0.0) * r[0] * step_s / 8,
        (r[4] or 0.0) * r[3] * step_s / 8,
        r[6],
    )


def _weighted(
    parts: list[tuple[int, float | None, float | None]], step_s: float
) -> tuple[float | None, float | None, float]:
    """(average, peak, bytes) of one direction from (n, avg, max) per bucket; averages weighted by ``n``."""
    valid = [(n, avg, peak) for n, avg, peak in parts if avg is not None]
    weight = sum(n for n, _, _ in valid)
    if not weight:
        return None, None, 0.0
    bits_per_step = sum(n * avg for n, avg, _ in valid)
    peak = max((p for _, _, p in valid if p is not None), default=None)
    return bits_per_step / weight, peak, bits_per_step * step_s / 8


def port_summary(
    conn: sqlite3.Connection,
    port_id: int,
    from_ts: float,
    to_ts: float,
    now: float | None = None,
    step_s: float = 60,
) -> PortSummary:
    """Average and peak in/out rates and total bytes of a port over [from_ts, to_ts], for reports.

    Uses the tier :func:`traffic` would choose (so rollup tiers count whole buckets overlapping the period):
    the average is weighted by samples, the peak is the max of the bucket maxima. Totals are average rate x
    polled time, where each valid sample stands for one poll interval ``step_s``; gaps are not counted.
    """
    tier = _resolve(conn, "auto", from_ts, to_ts, now, step_s)
    if tier == "raw":
        return _raw_summary(conn, port_id, from_ts, to_ts, step_s)
    buckets = _buckets(conn, tier, port_id, *_bucket_range(tier, from_ts, to_ts))
    in_avg, in_peak, in_bytes = _weighted([(b.n, b.in_avg, b.in_max) for b in buckets], step_s)
    out_avg, out_peak, out_bytes = _weighted([(b.n, b.out_avg, b.out_max) for b in buckets], step_s)
    return PortSummary(tier, in_avg, out_avg, in_peak, out_peak, in_bytes, out_bytes, sum(b.n for b in buckets))
