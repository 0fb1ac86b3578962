"""Rollups, retention and history queries, checked against references computed here from the inputs."""

from __future__ import annotations

import math
import random
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy
import pytest

from monitor.storage.history import apply_retention, choose_tier, percentile95, port_summary, rollup, traffic
from monitor.storage.store import RETENTION_S, connect

DAY = 86400
HOUR = 3600
DAY0 = 19675 * DAY  # a UTC midnight in November 2023
STEP = 60

# (ts, in_bps, out_bps, in_err); out_err/in_disc/out_disc are derived from in_err where it is set.
Sample = tuple[int, float | None, float | None, float | None]


@pytest.fixture
def conn(tmp_path: Path) -> Iterable[sqlite3.Connection]:
    c = connect(tmp_path / "t.db")
    c.execute("INSERT INTO devices (name, host, created) VALUES ('core', '10.0.0.1', 0)")
    c.executemany("INSERT INTO ports (device_id, key) VALUES (1, ?)", [(f"Gi0/{i}",) for i in range(1, 4)])
    c.commit()
    yield c
    c.close()


def insert(conn: sqlite3.Connection, port_id: int, samples: list[Sample]) -> None:
    conn.executemany(
        "INSERT INTO samples (port_id, ts, in_bps, out_bps, in_err, out_err, in_disc, out_disc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (port_id, ts, i, o, e, None if e is None else 2 * e, None if e is None else 3 * e, None)
            for ts, i, o, e in samples
        ],
    )


def random_day(rng: random.Random, start: int = DAY0, count: int = 1440, null_every: int = 0) -> list[Sample]:
    """One sample per minute; every ``null_every``-th poll is a gap in both directions."""
    out: list[Sample] = []
    for k in range(count):
        if null_every and k % null_every == 0:
            out.append((start + STEP * k, None, None, None))
        else:
            out.append((start + STEP * k, rng.uniform(0, 1e9), rng.uniform(0, 5e8), rng.uniform(0, 3)))
    return out


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def ref_buckets(samples: list[Sample], size: int) -> dict[int, dict[str, float | int | None]]:
    """Reference aggregation, written independently of the code under test."""
    groups: dict[int, list[Sample]] = {}
    for s in samples:
        groups.setdefault(s[0] // size * size, []).append(s)
    out: dict[int, dict[str, float | int | None]] = {}
    for start, rows in groups.items():
        ins = [r[1] for r in rows if r[1] is not None]
        outs = [r[2] for r in rows if r[2] is not None]
        errs = [r[3] for r in rows if r[3] is not None]
        n = sum(1 for r in rows if r[1] is not None or r[2] is not None)
        if n == 0:
            continue
        out[start] = {
            "n": n,
            "in_avg": mean(ins) if ins else None,
            "in_max": max(ins) if ins else None,
            "out_avg": mean(outs) if outs else None,
            "out_max": max(outs) if outs else None,
            "in_err": mean(errs) if errs else None,
            "out_err": mean([2 * e for e in errs]) if errs else None,
            "in_disc": mean([3 * e for e in errs]) if errs else None,
        }
    return out


def table(conn: sqlite3.Connection, name: str, port_id: int = 1) -> dict[int, sqlite3.Row]:
    rows = conn.execute(f"SELECT * FROM {name} WHERE port_id = ? ORDER BY ts", (port_id,)).fetchall()
    return {r["ts"]: r for r in rows}


def assert_matches(rows: dict[int, sqlite3.Row], ref: dict[int, dict[str, float | int | None]]) -> None:
    assert sorted(rows) == sorted(ref)
    for ts, expected in ref.items():
        for key, value in expected.items():
            assert rows[ts][key] == (None if value is None else pytest.approx(value, rel=1e-9)), (ts, key)


# ---------------------------------------------------------------------------------------------------- rollup


def test_rollup_5m_and_30m_match_reference_and_ignore_nulls(conn: sqlite3.Connection) -> None:
    rng = random.Random(1)
    samples = random_day(rng, count=120, null_every=7)
    # One direction missing: the other still counts, and the bucket's n counts the poll.
    samples[10] = (samples[10][0], None, 123.0, None)
    samples[11] = (samples[11][0], 456.0, None, 1.5)
    insert(conn, 1, samples)
    rollup(conn, DAY0 + 2 * HOUR)

    assert_matches(table(conn, "rollup_5m"), ref_buckets(samples, 300))
    assert_matches(table(conn, "rollup_30m"), ref_buckets(samples, 1800))
    assert table(conn, "rollup_5m")[DAY0 + 300]["n"] == 5 - 1  # samples 7 (NULL) is in that bucket


def test_bucket_with_only_null_samples_is_not_written(conn: sqlite3.Connection) -> None:
    samples: list[Sample] = [
        (DAY0 + STEP * k, None if k < 5 else 10.0, None if k < 5 else 20.0, None) for k in range(10)
    ]
    insert(conn, 1, samples)
    rollup(conn, DAY0 + HOUR)
    assert sorted(table(conn, "rollup_5m")) == [DAY0 + 300]
    assert table(conn, "rollup_30m")[DAY0]["n"] == 5


def test_higher_tiers_are_weighted_by_n(conn: sqlite3.Connection) -> None:
    rng = random.Random(2)
    samples = random_day(rng, null_every=11)
    # Very uneven sample counts per 30-minute bucket, so an unweighted mean of means would be far off.
    samples = [s for s in samples if not (HOUR <= s[0] - DAY0 < HOUR + 1740)]
    samples.append((DAY0 + HOUR + 1790, 9e9, 9e9, 100.0))
    insert(conn, 1, samples)
    rollup(conn, DAY0 + DAY)

    assert_matches(table(conn, "rollup_2h"), ref_buckets(samples, 7200))
    assert_matches(table(conn, "rollup_1d"), ref_buckets(samples, DAY))


def test_rollup_is_idempotent(conn: sqlite3.Connection) -> None:
    insert(conn, 1, random_day(random.Random(3), null_every=5))
    insert(conn, 2, random_day(random.Random(4)))
    tables = ("rollup_5m", "rollup_30m", "rollup_2h", "rollup_1d")

    def dump() -> list[list[tuple[object, ...]]]:
        return [[tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY port_id, ts")] for t in tables]

    rollup(conn, DAY0 + DAY)
    first = dump()
    assert all(first)
    rollup(conn, DAY0 + DAY)
    assert dump() == first
    rollup(conn, DAY0 + DAY + 3 * HOUR)  # later, no new samples
    assert dump() == first
    conn.execute("DELETE FROM rollup_state")
    rollup(conn, DAY0 + DAY)
    assert dump() == first


def test_incomplete_buckets_are_not_written(conn: sqlite3.Connection) -> None:
    now = DAY0 + HOUR + 150
    samples = [(ts, 100.0, 200.0, None) for ts in range(DAY0, now + 1, STEP)]
    insert(conn, 1, samples)
    rollup(conn, now)

    assert max(table(conn, "rollup_5m")) == DAY0 + HOUR - 300
    assert sorted(table(conn, "rollup_30m")) == [DAY0, DAY0 + 1800]
    assert table(conn, "rollup_2h") == {}
    assert table(conn, "rollup_1d") == {}


def test_late_sample_in_last_finished_bucket_is_counted(conn: sqlite3.Connection) -> None:
    samples: list[Sample] = [(DAY0 + STEP * k, 100.0, 100.0, None) for k in range(4)]
    insert(conn, 1, samples)
    rollup(conn, DAY0 + 301)
    late: Sample = (DAY0 + 240, 600.0, 600.0, None)
    insert(conn, 1, [late])
    rollup(conn, DAY0 + 302)
    assert_matches(table(conn, "rollup_5m"), ref_buckets([*samples, late], 300))


def test_rollup_of_200_ports_for_a_day(conn: sqlite3.Connection) -> None:
    rng = random.Random(5)
    ports = 200
    day = random_day(rng)
    for port in range(1, ports + 1):
        insert(conn, port, day)
    rollup(conn, DAY0 + DAY)

    for name, per_day in (("rollup_5m", 288), ("rollup_30m", 48), ("rollup_2h", 12), ("rollup_1d", 1)):
        assert tuple(conn.execute(f"SELECT COUNT(*), COUNT(DISTINCT port_id) FROM {name}").fetchone()) == (
            ports * per_day,
            ports,
        )
    assert_matches(table(conn, "rollup_1d", 7), ref_buckets(day, DAY))


# ---------------------------------------------------------------------------------------------------- retention


def test_retention_deletes_exactly_what_is_too_old(conn: sqlite3.Connection) -> None:
    now = DAY0 + 2000 * DAY + 150  # not on a bucket boundary: the bucket holding the cutoff is kept
    sizes = {"raw": STEP, "5m": 300, "30m": 1800, "2h": 7200, "1d": DAY}
    tables = {"raw": "samples", "5m": "rollup_5m", "30m": "rollup_30m", "2h": "rollup_2h", "1d": "rollup_1d"}
    expected_deleted: dict[str, int] = {}
    expected_kept: dict[str, set[tuple[int, int]]] = {}
    for idx, (tier, size) in enumerate(sizes.items()):
        cutoff = now - RETENTION_S[tier]
        # A different number of too-old rows per tier, on two ports. A raw sample is too old before the cutoff;
        # a rollup row when its bucket ends at or before it.
        if tier == "raw":
            old = [cutoff - 1 - size * j for j in range(idx + 1)]
            keep = [cutoff, cutoff + size]
        else:
            straddling = cutoff // size * size
            old = [straddling - size * (j + 1) for j in range(idx + 1)]
            keep = [straddling, straddling + size]
        for port in (1, 2):
            for ts in old + keep:
                if tier == "raw":
                    insert(conn, port, [(ts, 1.0, 1.0, None)])
                else:
                    conn.execute(
                        f"INSERT INTO {tables[tier]} (port_id, ts, n, in_avg) VALUES (?, ?, 1, 1.0)", (port, ts)
                    )
        expected_deleted[tier] = 2 * len(old)
        expected_kept[tier] = {(p, ts) for p in (1, 2) for ts in keep}

    assert apply_retention(conn, now) == expected_deleted
    for tier, name in tables.items():
        assert {(r[0], r[1]) for r in conn.execute(f"SELECT port_id, ts FROM {name}")} == expected_kept[tier]
    assert apply_retention(conn, now) == dict.fromkeys(sizes, 0)


# ---------------------------------------------------------------------------------------------------- tiers


@pytest.mark.parametrize(
    ("span", "tier"),
    [(HOUR, "raw"), (DAY, "raw"), (7 * DAY, "30m"), (30 * DAY, "30m"), (365 * DAY, "2h"), (3 * 365 * DAY, "1d")],
)
def test_choose_tier_by_span(span: int, tier: str) -> None:
    now = DAY0 + 0.0
    assert choose_tier(now - span, now, now) == tier


def test_choose_tier_by_retention() -> None:
    now = float(DAY0)
    # One hour, but 8 days ago: raw samples are gone.
    assert choose_tier(now - 8 * DAY, now - 8 * DAY + HOUR, now) == "30m"
    # One day, 100 days ago: 30-minute rows are gone too.
    assert choose_tier(now - 100 * DAY, now - 99 * DAY, now) == "2h"
    assert choose_tier(now - 400 * DAY, now - 399 * DAY, now) == "1d"
    # At 5-minute polls a week of raw is 2,016 points.
    assert choose_tier(now - 7 * DAY, now, now, step_s=300) == "raw"


# ---------------------------------------------------------------------------------------------------- traffic


def test_traffic_raw_keeps_nulls_and_marks_missing_polls(conn: sqlite3.Connection) -> None:
    present = [0, 1, 2, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 19]  # poll 3: one missed poll; 10-14: a gap
    samples: list[Sample] = [(DAY0 + STEP * k, float(k), float(-k), None) for k in present]
    samples[5] = (samples[5][0], None, None, None)  # poll 6 had no valid delta
    samples[6] = (samples[6][0], None, 7.0, None)
    insert(conn, 1, samples)

    series = traffic(conn, 1, DAY0, DAY0 + 19 * STEP, resolution="raw")
    expected_k = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 18, 19]
    assert series.tier == "raw"
    assert series.ts == [DAY0 + STEP * k for k in expected_k]
    assert series.in_bps == [0, 1, 2, 4, 5, None, None, 8, 9, None, 15, 16, 17, 18, 19]
    assert series.out_bps == [0, -1, -2, -4, -5, None, 7, -8, -9, None, -15, -16, -17, -18, -19]
    assert series.in_max is None


def test_traffic_raw_gap_uses_the_typical_spacing(conn: sqlite3.Connection) -> None:
    stamps = [DAY0 + 300 * k for k in (0, 1, 2, 3, 4, 5, 7, 8)]
    insert(conn, 1, [(ts, 1.0, 1.0, None) for ts in stamps])
    series = traffic(conn, 1, DAY0, DAY0 + DAY, resolution="raw", step_s=60)
    # 300 s apart is normal here, 600 s is not more than 2.5 steps either; nothing is inserted.
    assert series.ts == stamps
    insert(conn, 1, [(DAY0 + 300 * 20, 1.0, 1.0, None)])
    series = traffic(conn, 1, DAY0, DAY0 + DAY, resolution="raw", step_s=60)
    assert series.ts == [*stamps, DAY0 + 300 * 9, DAY0 + 300 * 20]
    assert series.in_bps[-2] is None


def test_traffic_rollup_grid_has_none_for_missing_buckets(conn: sqlite3.Connection) -> None:
    samples = [s for s in random_day(random.Random(6), count=360) if not 2 * HOUR <= s[0] - DAY0 < 3 * HOUR]
    insert(conn, 1, samples)
    rollup(conn, DAY0 + 6 * HOUR)

    series = traffic(conn, 1, DAY0 + 600, DAY0 + 6 * HOUR - 1, resolution="30m", now=DAY0 + 6 * HOUR)
    ref = ref_buckets(samples, 1800)
    assert series.tier == "30m"
    assert series.ts == [DAY0 + 1800 * k for k in range(12)]
    assert series.in_bps == pytest.approx([ref[t]["in_avg"] if t in ref else None for t in series.ts])
    assert series.out_max == pytest.approx([ref[t]["out_max"] if t in ref else None for t in series.ts])
    assert [v is None for v in series.in_bps] == [k in (4, 5) for k in range(12)]


def test_traffic_rollup_fills_the_recent_part_from_raw(conn: sqlite3.Connection) -> None:
    now = DAY0 + 3 * HOUR + 600
    samples = random_day(random.Random(7), count=(now - DAY0) // STEP + 1, null_every=13)
    insert(conn, 1, samples)
    rollup(conn, DAY0 + 2 * HOUR)
    assert max(table(conn, "rollup_30m")) == DAY0 + 2 * HOUR - 1800
    assert max(table(conn, "rollup_2h")) == DAY0

    for tier, size in (("5m", 300), ("30m", 1800), ("2h", 7200)):
        series = traffic(conn, 1, DAY0, now, resolution=tier, now=now)
        ref = ref_buckets(samples, size)
        assert series.ts == [t for t in sorted(ref) if t < now]  # up to the bucket in progress
        assert series.in_bps == pytest.approx([ref[t]["in_avg"] for t in series.ts])
        assert series.out_bps == pytest.approx([ref[t]["out_avg"] for t in series.ts])
        assert series.in_max == pytest.approx([ref[t]["in_max"] for t in series.ts])

    before = traffic(conn, 1, DAY0, DAY0 + 3 * HOUR, resolution="30m", now=now)
    rollup(conn, DAY0 + 3 * HOUR)
    after = traffic(conn, 1, DAY0, DAY0 + 3 * HOUR, resolution="30m", now=now)
    assert after.in_bps == pytest.approx(before.in_bps)


def test_traffic_auto_picks_the_tier(conn: sqlite3.Connection) -> None:
    insert(conn, 1, random_day(random.Random(8), count=120))
    now = DAY0 + DAY
    assert traffic(conn, 1, now - DAY, now, now=now).tier == "raw"
    assert traffic(conn, 1, now - 7 * DAY, now, now=now).tier == "30m"
    with pytest.raises(ValueError):
        traffic(conn, 1, now - DAY, now, resolution="10m", now=now)


def test_traffic_reads_a_year_of_2h_rollups(conn: sqlite3.Connection) -> None:
    now = DAY0 + 365 * DAY
    start = now - 365 * DAY
    missing = {100, 101, 2000, 4379}
    rows = [
        (1, start + 7200 * k, 120, float(k), float(2 * k), float(k), float(2 * k))
        for k in range(365 * 12)
        if k not in missing
    ]
    conn.executemany(
        "INSERT INTO rollup_2h (port_id, ts, n, in_avg, in_max, out_avg, out_max) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
    )
    conn.execute("INSERT INTO rollup_state (tier, done_until) VALUES ('2h', ?)", (now,))

    series = traffic(conn, 1, start, now, now=now)
    assert series.tier == "2h"
    assert len(series.ts) == 365 * 12
    assert series.ts[0] == start and series.ts[-1] == now - 7200
    assert [k for k, v in enumerate(series.in_bps) if v is None] == sorted(missing)
    assert series.out_max is not None and series.out_max[5] == 10.0


# ---------------------------------------------------------------------------------------------------- 95th


def reference_p95(samples: list[Sample], field: str) -> float:
    values = [b[field] for b in ref_buckets(samples, 300).values() if b[field] is not None]
    return float(numpy.percentile(values, 95, method="inverted_cdf"))


def test_percentile95_matches_numpy_nearest_rank(conn: sqlite3.Connection) -> None:
    samples = random_day(random.Random(9), null_every=17)
    insert(conn, 1, samples)
    rollup(conn, DAY0 + DAY)

    result = percentile95(conn, 1, DAY0, DAY0 + DAY, now=DAY0 + DAY)
    assert result.resolution == "5m"
    assert result.samples == 288
    assert result.in_bps == pytest.approx(reference_p95(samples, "in_avg"), rel=1e-12)
    assert result.out_bps == pytest.approx(reference_p95(samples, "out_avg"), rel=1e-12)
    assert result.in_bps != result.out_bps


def test_percentile95_mixes_rolled_up_and_raw(conn: sqlite3.Connection) -> None:
    samples = random_day(random.Random(10), null_every=9)
    insert(conn, 1, samples)
    rollup(conn, DAY0 + 12 * HOUR)
    assert len(table(conn, "rollup_5m")) == 144

    result = percentile95(conn, 1, DAY0, DAY0 + DAY, now=DAY0 + DAY)
    assert result.samples == 288
    assert result.in_bps == pytest.approx(reference_p95(samples, "in_avg"), rel=1e-12)
    assert result.out_bps == pytest.approx(reference_p95(samples, "out_avg"), rel=1e-12)

    # The 5 minutes in progress are not a 5-minute average yet.
    insert(conn, 1, [(DAY0 + DAY + 60 * k, 1e12, 1e12, None) for k in range(3)])
    in_progress = percentile95(conn, 1, DAY0, DAY0 + 2 * DAY, now=DAY0 + DAY + 150)
    assert (in_progress.samples, in_progress.in_bps) == (288, result.in_bps)


def test_percentile95_without_data_and_for_old_periods(conn: sqlite3.Connection) -> None:
    empty = percentile95(conn, 1, DAY0, DAY0 + DAY, now=DAY0 + DAY)
    assert (empty.in_bps, empty.out_bps, empty.samples) == (None, None, 0)

    now = DAY0 + 200 * DAY
    values = [float(v) for v in range(1, 13)]
    conn.executemany(
        "INSERT INTO rollup_2h (port_id, ts, n, in_avg, out_avg) VALUES (1, ?, 120, ?, ?)",
        [(DAY0 + 7200 * k, v, 2 * v) for k, v in enumerate(values)],
    )
    conn.execute("INSERT INTO rollup_state (tier, done_until) VALUES ('2h', ?)", (now,))
    old = percentile95(conn, 1, DAY0, DAY0 + DAY, now=now)
    assert old.resolution == "2h"
    assert old.samples == 12
    assert old.in_bps == float(numpy.percentile(values, 95, method="inverted_cdf")) == 12.0
    assert old.out_bps == 24.0


# ---------------------------------------------------------------------------------------------------- summary


def test_port_summary_raw(conn: sqlite3.Connection) -> None:
    samples = random_day(random.Random(11), count=61, null_every=4)
    samples[3] = (samples[3][0], None, 5.0, None)
    insert(conn, 1, samples)
    ins = [s[1] for s in samples if s[1] is not None]
    outs = [s[2] for s in samples if s[2] is not None]

    summary = port_summary(conn, 1, DAY0, DAY0 + HOUR, now=DAY0 + HOUR)
    assert summary.tier == "raw"
    assert summary.samples == len(outs)
    assert summary.in_avg_bps == pytest.approx(mean(ins))
    assert summary.out_peak_bps == max(outs)
    assert summary.total_in_bytes == pytest.approx(sum(ins) * STEP / 8)
    assert summary.total_out_bytes == pytest.approx(sum(outs) * STEP / 8)


def test_port_summary_rollup_tier(conn: sqlite3.Connection) -> None:
    samples = random_day(random.Random(12), null_every=6)
    samples[100] = (samples[100][0], 5e9, 4e9, None)  # a burst, to be found by peak = max of maxes
    insert(conn, 1, samples)
    rollup(conn, DAY0 + 12 * HOUR)  # the rest of the day still comes from raw
    ins = [s[1] for s in samples if s[1] is not None]
    outs = [s[2] for s in samples if s[2] is not None]

    now = DAY0 + 7 * DAY
    summary = port_summary(conn, 1, DAY0, now, now=now)
    assert summary.tier == "30m"
    assert summary.samples == len(ins)
    assert summary.in_avg_bps == pytest.approx(mean(ins))
    assert summary.out_avg_bps == pytest.approx(mean(outs))
    assert (summary.in_peak_bps, summary.out_peak_bps) == (5e9, 4e9)
    assert summary.total_in_bytes == pytest.approx(sum(ins) * STEP / 8)
    assert summary.total_out_bytes == pytest.approx(sum(outs) * STEP / 8)
    assert math.isfinite(summary.total_in_bytes)
