"""Polling and history settings in the store, and the retention override of apply_retention."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest

from devices.errors import InputError
from monitor.storage.history import apply_retention
from monitor.storage.settings import PollSettings, load_settings, retention_seconds, save_settings
from monitor.storage.store import connect

DAY = 86400


@pytest.fixture
def conn(tmp_path: Path) -> Iterable[sqlite3.Connection]:
    c = connect(tmp_path / "t.db")
    yield c
    c.close()


def stored(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM settings").fetchall())


def test_empty_store_gives_the_documented_defaults(conn: sqlite3.Connection) -> None:
    s = load_settings(conn)
    assert (s.poll_interval_s, s.concurrency, s.snmp_timeout_s, s.snmp_retries) == (60, 32, 2.0, 1)
    days = (s.retention_raw_days, s.retention_5m_days, s.retention_30m_days, s.retention_2h_days, s.retention_1d_days)
    assert days == (7, 90, 90, 396, 1830)
    assert stored(conn) == {}


def test_round_trip(conn: sqlite3.Connection, tmp_path: Path) -> None:
    s = PollSettings(
        poll_interval_s=30,
        concurrency=8,
        device_deadline_s=20,
        snmp_timeout_s=1.5,
        snmp_retries=3,
        config_backup_hours=6,
        retention_raw_days=14,
        retention_5m_days=30,
        retention_30m_days=120,
        retention_2h_days=400,
        retention_1d_days=3650,
    )
    save_settings(conn, s)
    assert load_settings(conn) == s
    other = connect(tmp_path / "t.db")  # another program over the same store
    assert load_settings(other) == s
    other.close()
    keys = set(stored(conn))
    assert keys == {
        "poll.interval_s",
        "poll.concurrency",
        "poll.device_deadline_s",
        "poll.snmp_timeout_s",
        "poll.snmp_retries",
        "backup.interval_h",
        "retention.raw_days",
        "retention.5m_days",
        "retention.30m_days",
        "retention.2h_days",
        "retention.1d_days",
    }
    save_settings(conn, dataclasses.replace(s, concurrency=9))  # overwrite in place
    assert load_settings(conn).concurrency == 9


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("poll_interval_s", 9.9),
        ("poll_interval_s", 3601),
        ("poll_interval_s", float("nan")),
        ("concurrency", 0),
        ("concurrency", 257),
        ("concurrency", 4.5),
        ("snmp_timeout_s", 0.1),
        ("snmp_timeout_s", 31),
        ("snmp_retries", -1),
        ("snmp_retries", 6),
        ("snmp_retries", True),
        ("retention_raw_days", 0),
        ("retention_raw_days", 32),
        ("retention_5m_days", 6),
        ("retention_5m_days", 401),
        ("retention_30m_days", 6),
        ("retention_30m_days", 401),
        ("retention_2h_days", 29),
        ("retention_2h_days", 1101),
        ("retention_1d_days", 364),
        ("retention_1d_days", 3661),
        ("retention_1d_days", "1000"),
    ],
)
def test_invalid_value_names_the_field_and_writes_nothing(conn: sqlite3.Connection, field: str, value: object) -> None:
    good = PollSettings(poll_interval_s=120)
    save_settings(conn, good)
    before = stored(conn)
    with pytest.raises(InputError, match=rf"^{field}: ") as err:
        save_settings(conn, dataclasses.replace(good, **{"poll_interval_s": 30, field: value}))  # type: ignore[arg-type]
    assert "\n" not in str(err.value)
    assert stored(conn) == before
    assert load_settings(conn) == good


def test_unparsable_stored_value_falls_back_to_default(
    conn: sqlite3.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        [
            ("poll.interval_s", "every minute"),
            ("poll.concurrency", "12"),
            ("poll.snmp_retries", "99"),  # out of range: not usable either
            ("retention.raw_days", "3.5"),  # not a whole number
            ("unrelated.key", "kept"),
        ],
    )
    conn.commit()
    with caplog.at_level(logging.WARNING, logger="monitor.storage.settings"):
        s = load_settings(conn)
    assert s == PollSettings(concurrency=12)
    warned = caplog.text
    assert "poll.interval_s" in warned and "poll.snmp_retries" in warned and "retention.raw_days" in warned
    assert "poll.concurrency" not in warned


def test_retention_seconds() -> None:
    assert retention_seconds(PollSettings(retention_raw_days=2, retention_1d_days=400)) == {
        "raw": 2 * DAY,
        "5m": 90 * DAY,
        "30m": 90 * DAY,
        "2h": 396 * DAY,
        "1d": 400 * DAY,
    }


def test_retention_override_deletes_by_the_configured_days(conn: sqlite3.Connection) -> None:
    now = 20000 * DAY + 150
    days = {"raw": 2, "5m": 10, "30m": 20, "2h": 40, "1d": 400}
    sizes = {"raw": 60, "5m": 300, "30m": 1800, "2h": 7200, "1d": DAY}
    tables = {"raw": "samples", "5m": "rollup_5m", "30m": "rollup_30m", "2h": "rollup_2h", "1d": "rollup_1d"}
    conn.execute("INSERT INTO devices (name, host, created) VALUES ('core', '10.0.0.1', 0)")
    conn.execute("INSERT INTO ports (device_id, key) VALUES (1, 'Gi0/1')")
    # Rows of known ages, as whole days plus a bucket: one just younger and one just older than each new limit,
    # and one young enough for any limit. Each tier's default retention would keep all of them.
    ages = {tier: (d * DAY - 2 * sizes[tier], d * DAY + 2 * sizes[tier], DAY // 2) for tier, d in days.items()}
    for tier, table in tables.items():
        for age in ages[tier]:
            ts = (now - age) // sizes[tier] * sizes[tier]
            extra = "" if tier == "raw" else ", n"
            conn.execute(f"INSERT INTO {table} (port_id, ts{extra}) VALUES (1, ?{extra and ', 1'})", (ts,))
    conn.commit()
    settings = PollSettings(
        retention_raw_days=days["raw"],
        retention_5m_days=days["5m"],
        retention_30m_days=days["30m"],
        retention_2h_days=days["2h"],
        retention_1d_days=days["1d"],
    )
    assert apply_retention(conn, now) == dict.fromkeys(tables, 0)  # defaults: everything is young enough
    assert apply_retention(conn, now, retention_seconds(settings)) == dict.fromkeys(tables, 1)
    for tier, table in tables.items():
        kept = sorted(now - ts for (ts,) in conn.execute(f"SELECT ts FROM {table}"))
        assert len(kept) == 2, tier
        assert max(kept) < days[tier] * DAY, tier


def test_partial_retention_override_keeps_other_defaults(conn: sqlite3.Connection) -> None:
    now = 20000 * DAY
    conn.execute("INSERT INTO devices (name, host, created) VALUES ('core', '10.0.0.1', 0)")
    conn.execute("INSERT INTO ports (device_id, key) VALUES (1, 'Gi0/1')")
    conn.execute("INSERT INTO samples (port_id, ts) VALUES (1, ?)", (now - 3 * DAY,))
    conn.execute("INSERT INTO rollup_5m (port_id, ts, n) VALUES (1, ?, 1)", (now - 30 * DAY,))
    assert apply_retention(conn, now, {"raw": 2 * DAY}) == {"raw": 1, "5m": 0, "30m": 0, "2h": 0, "1d": 0}


def test_graph_tier_follows_the_configured_retention(tmp_path: Path) -> None:
    from monitor.storage.history import choose_tier, store_retention

    conn = connect(tmp_path / "r.db")
    now = 2_000_000_000.0
    # One hour, starting five days ago: raw by default (raw is kept 7 days) ...
    assert choose_tier(now - 5 * 86400, now - 5 * 86400 + 3600, now, retention=store_retention(conn)) == "raw"
    # ... but a store that keeps raw samples for 3 days only has none left there: 30-minute rollups instead.
    save_settings(conn, PollSettings(retention_raw_days=3))
    assert choose_tier(now - 5 * 86400, now - 5 * 86400 + 3600, now, retention=store_retention(conn)) == "30m"
    conn.close()
