"""Availability outlives the raw poll rows: polls are counted per UTC day, raw rows are deleted like raw samples, and
the counts of a period come from raw rows where kept and daily counts before."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from monitor.storage.history import apply_poll_retention, poll_counts, rollup
from monitor.storage.store import connect

DAY = 86400
MIDNIGHT = 1_790_000_000 // DAY * DAY  # a UTC midnight in 2026
STEP = 300


def polls(conn: sqlite3.Connection, days: int, seed: int = 3) -> dict[int, list[tuple[int, str]]]:
    """Two devices polled every 5 minutes for ``days`` days before MIDNIGHT + 6 h, some polls failed."""
    rng = random.Random(seed)
    out: dict[int, list[tuple[int, str]]] = {}
    for name in ("core", "edge"):
        device_id = int(
            conn.execute("INSERT INTO devices (name, host, created) VALUES (?, '127.0.0.1', 0)", (name,)).lastrowid or 0
        )
        rows = [
            (ts, "up" if rng.random() > (0.1 if name == "core" else 0.02) else "unreachable")
            for ts in range(MIDNIGHT - days * DAY + 1234, MIDNIGHT + 6 * 3600, STEP)
        ]
        conn.executemany(
            "INSERT INTO device_polls (device_id, ts, status) VALUES (?, ?, ?)", [(device_id, *r) for r in rows]
        )
        out[device_id] = rows
    conn.commit()
    return out


def expected(rows: list[tuple[int, str]], lo: float, hi: float) -> tuple[int, int]:
    inside = [s for ts, s in rows if lo <= ts < hi]
    return sum(1 for s in inside if s == "up"), len(inside)


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    c = connect(tmp_path / "inventory.db")
    yield c  # type: ignore[misc]
    c.close()


def test_polls_are_counted_per_complete_utc_day(conn: sqlite3.Connection) -> None:
    recorded = polls(conn, days=5)
    now = MIDNIGHT + 6 * 3600
    with conn:
        rollup(conn, now)
    for device_id, rows in recorded.items():
        daily = conn.execute(
            "SELECT ts, answered, total FROM device_polls_1d WHERE device_id = ? ORDER BY ts", (device_id,)
        ).fetchall()
        days = sorted({ts // DAY * DAY for ts, _ in rows if ts < MIDNIGHT})  # today is not complete yet
        assert [r[0] for r in daily] == days
        for day_ts, answered, total in daily:
            assert (answered, total) == expected(rows, day_ts, day_ts + DAY)


def test_counts_survive_raw_retention(conn: sqlite3.Connection) -> None:
    recorded = polls(conn, days=10)
    now = MIDNIGHT + 6 * 3600
    with conn:
        rollup(conn, now)
        deleted = apply_poll_retention(conn, now, {"raw": 3 * DAY})
    assert deleted["device_polls"] > 0
    oldest = conn.execute("SELECT MIN(ts) FROM device_polls").fetchone()[0]
    assert oldest >= now - 3 * DAY
    for device_id, rows in recorded.items():
        # A period on UTC day edges is counted exactly, across the deleted part and the kept part.
        lo, hi = MIDNIGHT - 8 * DAY, now
        assert poll_counts(conn, device_id, lo, hi) == expected(rows, lo, hi)
        # Within the kept raw rows, any edges are exact.
        lo, hi = now - 2 * DAY + 777, now - 3600
        assert poll_counts(conn, device_id, lo, hi) == expected(rows, lo, hi)
    # A second run deletes nothing more and changes no count.
    with conn:
        assert apply_poll_retention(conn, now, {"raw": 3 * DAY})["device_polls"] == 0


def test_nothing_is_deleted_before_it_is_counted(conn: sqlite3.Connection) -> None:
    recorded = polls(conn, days=4)
    now = MIDNIGHT + 6 * 3600
    with conn:  # no rollup yet: the raw rows are all there is
        assert apply_poll_retention(conn, now, {"raw": DAY}) == {"device_polls": 0, "device_polls_1d": 0}
    total = sum(len(rows) for rows in recorded.values())
    assert conn.execute("SELECT COUNT(*) FROM device_polls").fetchone()[0] == total
