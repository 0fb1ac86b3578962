"""Scheduled usage reports: which period is due when, the schedule's validation, and real reports written by the
program's own ``report`` command into a folder and mailed to a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devices.errors import InputError
from monitor.alerting import channels
from monitor.cli.main import main as cli
from monitor.polling.scheduler import CoreLoop, Poller
from monitor.reports import report_schedule
from monitor.reports.report_schedule import (
    ReportSchedule,
    due_reports,
    latest_periods,
    mark_done,
    run_due,
    save_schedule,
)
from monitor.storage.inventory import store_id
from monitor.storage.secrets import open_secrets
from monitor.storage.store import connect
from tests.test_notify import SmtpPeer, email_channel
from tests.test_report import make_store

TAIPEI = ZoneInfo("Asia/Taipei")


def ts(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> float:
    return datetime(y, m, d, hh, mm, tzinfo=TAIPEI).timestamp()


def write_now(db: Path) -> Callable[[Callable[[sqlite3.Connection], None]], None]:
    def write(job: Callable[[sqlite3.Connection], None]) -> None:
        conn = connect(db)
        try:
            job(conn)
        finally:
            conn.close()

    return write


def test_latest_complete_week_and_month_in_taipei_time() -> None:
    periods = latest_periods(ts(2026, 11, 27, 9, 30))  # a Friday
    assert (periods["weekly"].from_ts, periods["weekly"].to_ts) == (ts(2026, 11, 16), ts(2026, 11, 23))
    assert (periods["monthly"].from_ts, periods["monthly"].to_ts) == (ts(2026, 10, 1), ts(2026, 11, 1))
    assert periods["weekly"].stem == "campusnet-weekly-2026-11-16"
    assert periods["monthly"].stem == "campusnet-monthly-2026-10"
    january = latest_periods(ts(2027, 1, 1, 0, 45))  # a Friday; December ended 45 minutes ago
    assert (january["monthly"].from_ts, january["monthly"].to_ts) == (ts(2026, 12, 1), ts(2027, 1, 1))
    monday = latest_periods(ts(2026, 11, 30, 0, 1))
    assert (monday["weekly"].from_ts, monday["weekly"].to_ts) == (ts(2026, 11, 23), ts(2026, 11, 30))


def test_a_report_is_due_once_after_its_period_settles(tmp_path: Path) -> None:
    conn = connect(tmp_path / "inventory.db")
    s = ReportSchedule(weekly=True, monthly=False, folder=str(tmp_path / "reports"))
    assert due_reports(conn, s, ts(2026, 11, 30, 0, 10)) == []  # the week just ended: last polls not rolled up
    (due,) = due_reports(conn, s, ts(2026, 11, 30, 0, 31))
    assert due.kind == "weekly" and due.to_ts == ts(2026, 11, 30)
    mark_done(conn, due)
    assert due_reports(conn, s, ts(2026, 12, 3)) == []  # made already
    (following,) = due_reports(conn, s, ts(2026, 12, 7, 1))
    assert following.from_ts == ts(2026, 11, 30)
    assert due_reports(conn, dataclasses.replace(s, weekly=False), ts(2026, 12, 7, 1)) == []
    conn.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"folder": ""}, "need a folder"),
        ({"folder": "relative/dir"}, "full path"),
        ({"formats": ["doc"]}, "formats"),
        ({"formats": []}, "at least one format"),
        ({"lang": "fr"}, "language"),
        ({"folder": "/tmp/a\nb"}, "control character"),
        ({"folder": "/nonexistent/x"}, "does not exist"),
        ({"folder": "{tmp}/a-file"}, "is not a folder"),
        ({"weekly": False, "folder": "relative/dir"}, "full path"),
        ({"email_channel": "nosuch"}, "nosuch"),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_stored(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    conn = connect(tmp_path / "inventory.db")
    (tmp_path / "reports").mkdir()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    good = ReportSchedule(weekly=True, folder=str(tmp_path / "reports"))
    save_schedule(conn, good)
    with pytest.raises(InputError, match=message):
        fill = {k: v.replace("{tmp}", str(tmp_path)) if isinstance(v, str) else v for k, v in change.items()}
        save_schedule(conn, dataclasses.replace(good, **fill))
    assert report_schedule.load_schedule(conn) == good
    conn.close()


def test_a_line_channel_cannot_carry_reports(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _db = store
    channels.save_channel(conn, secrets, channels.Channel("line", "line-group", {"to": "C" + "0" * 32}), "token")
    with pytest.raises(InputError, match="e-mail only"):
        save_schedule(conn, ReportSchedule(weekly=True, folder=str(_db.parent), email_channel="line-group"))


def test_due_reports_are_written_in_every_format_and_mailed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    s = make_store(tmp_path, days=8)
    conn = connect(s.db)
    secrets = open_secrets(s.db, store_id(conn))
    folder = tmp_path / "報表"
    folder.mkdir()
    with SmtpPeer() as smtp:
        channels.save_channel(conn, secrets, email_channel(smtp.port))
        save_schedule(
            conn,
            ReportSchedule(
                weekly=True, folder=str(folder), formats=["csv", "xlsx", "pdf"], email_channel="school mail"
            ),
        )
        now = time.time()
        (outcome,) = run_due(s.db, now, write_now(s.db))
        assert outcome.error is None and outcome.mailed, outcome.error
        week = latest_periods(now)["weekly"]
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(f"{week.stem}.{ext}" for ext in ("csv", "xlsx", "pdf"))
        with open(folder / f"{week.stem}.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert {r["port"] for r in rows} == {"Gi0/1", "Port1"}  # the uplinks
        assert all(float(r["total_in_bytes"]) > 0 for r in rows)
        assert (folder / f"{week.stem}.pdf").read_bytes().startswith(b"%PDF")
        (mail,) = smtp.inbox
        message = mail.message
        start = datetime.fromtimestamp(week.from_ts, TAIPEI).date()
        end = datetime.fromtimestamp(week.to_ts, TAIPEI).date() - timedelta(days=1)
        assert str(message["Subject"]) == f"[CampusNet] 網路使用週報：{start} 至 {end}"
        attached = sorted(part.get_filename() for part in message.iter_attachments())
        assert attached == names
        # Made once: a second check sends and writes nothing more.
        assert run_due(s.db, now + 600, write_now(s.db)) == []
        assert len(smtp.inbox) == 1
    conn.close()


def test_a_report_that_cannot_be_written_leaves_an_event_and_is_tried_again(tmp_path: Path) -> None:
    s = make_store(tmp_path, days=2)
    conn = connect(s.db)
    folder = tmp_path / "reports"
    folder.mkdir()
    save_schedule(conn, ReportSchedule(weekly=True, folder=str(folder), formats=["csv"]))
    folder.rmdir()  # an unplugged drive: the folder is not made again (it would be made on the disk below)
    (outcome,) = run_due(s.db, time.time(), write_now(s.db))
    assert outcome.error and "does not exist" in outcome.error and "drive" in outcome.error
    assert not folder.exists()
    folder.write_text("a file where the folder should be")
    (outcome,) = run_due(s.db, time.time(), write_now(s.db))
    assert outcome.error and "report folder" in outcome.error and "\n" not in outcome.error
    assert [e["kind"] for e in conn.execute("SELECT kind FROM events")] == ["report_failed"] * 2
    assert len(due_reports(conn, report_schedule.load_schedule(conn), time.time())) == 1  # still due
    conn.close()


def test_the_running_service_writes_due_reports(tmp_path: Path) -> None:
    s = make_store(tmp_path, days=2)
    conn = connect(s.db)
    folder = tmp_path / "reports"
    folder.mkdir()
    save_schedule(conn, ReportSchedule(weekly=True, monthly=True, folder=str(folder), formats=["csv"]))
    core = CoreLoop()
    poller = Poller(s.db, interval=3600)
    poller.report_first_check_s = 0.1
    poller.backup_first_check_s = 3600
    stop = asyncio.Event()
    run = core.submit(poller.run_forever(stop))
    try:
        deadline = time.monotonic() + 60
        while len(list(folder.glob("*.csv"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        periods = latest_periods(time.time())
        assert sorted(p.name for p in folder.glob("*.csv")) == sorted(f"{d.stem}.csv" for d in periods.values())
    finally:
        core.loop.call_soon_threadsafe(stop.set)
        run.result(timeout=60)
        poller.close()
        core.stop()
        conn.close()


def test_cli_shows_and_changes_the_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "inventory.db")
    assert cli(["--db", db, "report-schedule"]) == 0
    assert "scheduled: nothing" in capsys.readouterr().out
    folder = tmp_path / "out"
    folder.mkdir()
    assert cli(["--db", db, "report-schedule", "--weekly", "on", "--folder", str(folder), "--formats", "pdf,csv"]) == 0
    capsys.readouterr()
    assert cli(["--db", db, "report-schedule", "--formats", "pdf,doc"]) == 2
    assert "doc" in capsys.readouterr().err
    assert cli(["--db", db, "report-schedule", "--json"]) == 0
    shown = capsys.readouterr().out
    assert '"weekly": true' in shown and '"csv"' in shown and str(folder) in shown


def test_a_report_outliving_its_poller_does_not_wait_for_the_gone_writer(tmp_path: Path) -> None:
    """A report thread still running when the poller stops gets a clear error from the closed writer instead of
    waiting forever (which kept the process from exiting)."""
    from monitor.storage.store import StoreError, StoreWriter

    writer = StoreWriter(tmp_path / "inventory.db")
    assert writer.run(lambda c: c.execute("SELECT 1").fetchone()[0]) == 1
    writer.close()
    future = writer.submit(lambda c: c.execute("SELECT 1"))
    with pytest.raises(StoreError, match="closed"):
        future.result(timeout=5)
    writer.close()  # closing twice is harmless


@pytest.mark.parametrize(
    ("folder", "message"),
    [("/nonexistent/x", "does not exist: make it first"), ("reports", "must be a full path"), ("/a\u2028b", "control")],
)
def test_cli_refuses_a_folder_that_is_missing_or_relative(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()  # exists, but relative: refused, not resolved
    db = str(tmp_path / "inventory.db")
    assert cli(["--db", db, "report-schedule", "--folder", folder]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    conn = connect(tmp_path / "inventory.db")
    assert report_schedule.load_schedule(conn) == ReportSchedule()
    conn.close()
