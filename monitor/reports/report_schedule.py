"""Scheduled usage reports: last week's every Monday, last month's on the 1st, written to a folder, optionally mailed.

The schedule is one JSON value in the store's ``settings`` table (key ``report.schedule``), so the app and the
background service share it. The poller checks it every few minutes (:func:`run_due`); a report is due once its
period has ended (plus :data:`SETTLE_S`, so the last polls are rolled up) and it has not been written yet; only the
latest complete week or month is made, never a backlog. What was made is remembered per kind (``report.last.weekly``
and ``report.last.monthly``: the period's end). A failed report is tried again after :data:`RETRY_AFTER_S` and
leaves a ``report_failed`` event.

Each report is written by a child process running this program's own ``report`` command. That is deliberate: the
PDF is drawn with Qt, which must run on a process's main thread, while the poller runs on a worker thread of the app
or the service; a child process also keeps a crash or a slow report away from polling.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from devices.errors import CampusNetError, InputError
from devices.i18n import Msg
from monitor.reports.report import DEFAULT_TZ, LANGUAGES, PORT_CHOICES
from monitor.storage.events import record_event

log = logging.getLogger(__name__)

SCHEDULE_KEY = "report.schedule"
LAST_KEY = "report.last.{kind}"
KINDS = ("weekly", "monthly")
FORMATS = ("pdf", "xlsx", "csv")
SETTLE_S = 30 * 60.0
RETRY_AFTER_S = 3600.0
REPORT_TIMEOUT_S = 900.0
_REPO = Path(__file__).resolve().parents[2]


@dataclass
class ReportSchedule:
    """Which reports are made on their own, where they go and who gets them.

    Attributes:
        weekly: last week's report (Monday 00:00 to Monday 00:00, local time) every Monday.
        monthly: last month's report on the 1st.
        folder: where the files are written: a full path to an existing folder (checked when saved; when it is
            missing later, say on an unplugged drive, the report fails and is tried again).
        formats: any of ``pdf``, ``xlsx``, ``csv``.
        lang: ``zh_TW`` or ``en``.
        ports: ``uplinks`` or ``all``.
        email_channel: the name of an e-mail notification channel the files are sent through ("" for none).
    """

    weekly: bool = False
    monthly: bool = False
    folder: str = ""
    formats: list[str] = field(default_factory=lambda: ["pdf", "xlsx"])
    lang: str = "zh_TW"
    ports: str = "uplinks"
    email_channel: str = ""

    @property
    def enabled(self) -> bool:
        """True when any report is scheduled."""
        return self.weekly or self.monthly


@dataclass(frozen=True)
class DueReport:
    """One report to make: its kind, period (epoch seconds, local-time boundaries) and file stem."""

    kind: str
    from_ts: float
    to_ts: float
    stem: str

    def iso(self, ts: float) -> str:
        """A period boundary as an ISO date-time with its offset, for the ``report`` command."""
        return datetime.fromtimestamp(ts, ZoneInfo(DEFAULT_TZ)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ReportOutcome:
    """What making one scheduled report gave: the files written, or the one-line reason it failed."""

    due: DueReport
    files: tuple[Path, ...] = ()
    error: str | None = None
    mailed: bool = False


def validate_schedule(
    s: ReportSchedule, conn: sqlite3.Connection | None = None, *, check_folder: bool = True
) -> ReportSchedule:
    """``s`` checked; :class:`InputError` naming the field when something is wrong.

    ``check_folder`` also checks the folder exists and can be written now (when saving; a stored schedule stays valid
    while its folder is away, say an unplugged drive: writing the report then fails, is logged and tried again).
    """
    if s.lang not in LANGUAGES:
        raise InputError(f"report language {s.lang!r}: use {' or '.join(LANGUAGES)}")
    if s.ports not in PORT_CHOICES:
        raise InputError(f"report ports {s.ports!r}: use {' or '.join(PORT_CHOICES)}")
    formats = [f for f in FORMATS if f in s.formats]
    if set(s.formats) - set(FORMATS):
        raise InputError(f"report formats {s.formats!r}: use any of {', '.join(FORMATS)}")
    if s.enabled and not formats:
        raise InputError("scheduled reports need at least one format (pdf, xlsx or csv)")
    folder = s.folder.strip()
    if s.enabled and not folder:
        raise InputError("scheduled reports need a folder to be written to")
    if folder:
        check_folder_name(folder)
        if check_folder:
            check_writable_folder(folder)
    channel = s.email_channel.strip()
    if channel and conn is not None:
        from monitor.alerting.channels import get_channel, sends_files

        found = get_channel(conn, channel)
        if not sends_files(found):
            raise InputError(f"channel {channel!r} is a {found.kind} channel: reports are sent by e-mail only")
    return ReportSchedule(s.weekly, s.monthly, folder, formats, s.lang, s.ports, channel)


def check_folder_name(folder: str) -> None:
    """:class:`InputError` unless ``folder`` is a full path without control characters.

    A relative folder is refused rather than resolved: the app and the background service run from different
    working folders, so "reports" would be a different place for each.
    """
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in folder):
        raise InputError("the report folder contains a control character")
    if not Path(folder).is_absolute():
        raise InputError(f"the report folder {folder!r} must be a full path (such as /srv/reports or D:\\Reports)")


def check_writable_folder(folder: str) -> None:
    """:class:`InputError` unless ``folder`` is an existing folder this program can write in."""
    path = Path(folder)
    if not path.exists():
        raise InputError(f"the report folder {folder!r} does not exist: make it first")
    if not path.is_dir():
        raise InputError(f"the report folder {folder!r} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(f"the report folder {folder!r} cannot be written by this user")


def load_schedule(conn: sqlite3.Connection) -> ReportSchedule:
    """The stored schedule; the default (nothing scheduled) when none is stored or it cannot be read."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SCHEDULE_KEY,)).fetchone()
    if row is None:
        return ReportSchedule()
    try:
        data = json.loads(row[0])
        known = {k: v for k, v in data.items() if k in ReportSchedule.__dataclass_fields__}
        return validate_schedule(ReportSchedule(**known), check_folder=False)
    except (ValueError, TypeError, AttributeError, InputError) as exc:
        log.warning("setting %s: cannot use the stored value (%s); no reports are scheduled", SCHEDULE_KEY, exc)
        return ReportSchedule()


def save_schedule(conn: sqlite3.Connection, s: ReportSchedule) -> ReportSchedule:
    """Validate and store ``s`` (nothing is written when it is bad); returns what was stored."""
    checked = validate_schedule(s, conn)
    with conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (SCHEDULE_KEY, json.dumps(asdict(checked), ensure_ascii=False)),
        )
    return checked


def _midnight(day: date, tz: ZoneInfo) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def latest_periods(now: float, tz_name: str = DEFAULT_TZ) -> dict[str, DueReport]:
    """The latest complete week (Monday to Monday) and month before ``now``, in local time."""
    tz = ZoneInfo(tz_name)
    today = datetime.fromtimestamp(now, tz).date()
    monday = today - timedelta(days=today.weekday())
    week_start = monday - timedelta(days=7)
    first = today.replace(day=1)
    month_start = (first - timedelta(days=1)).replace(day=1)
    return {
        "weekly": DueReport(
            "weekly", _midnight(week_start, tz), _midnight(monday, tz), f"campusnet-weekly-{week_start.isoformat()}"
        ),
        "monthly": DueReport(
            "monthly", _midnight(month_start, tz), _midnight(first, tz), f"campusnet-monthly-{month_start:%Y-%m}"
        ),
    }


def _setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def due_reports(conn: sqlite3.Connection, s: ReportSchedule, now: float) -> list[DueReport]:
    """The scheduled reports whose period has ended and that were not made yet."""
    out = []
    for kind, due in latest_periods(now).items():
        if not getattr(s, kind) or now < due.to_ts + SETTLE_S:
            continue
        done = _setting(conn, LAST_KEY.format(kind=kind))
        if done is not None and float(done) >= due.to_ts:
            continue
        out.append(due)
    return out


def mark_done(conn: sqlite3.Connection, due: DueReport) -> None:
    """Remember that ``due`` was made, so it is not made again."""
    with conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (LAST_KEY.format(kind=due.kind), repr(due.to_ts)),
        )


def report_failed(conn: sqlite3.Connection, due: DueReport, error: str, now: float) -> None:
    """Leave a ``report_failed`` event."""
    with conn:
        record_event(conn, now, "report_failed", Msg("{report}: {reason}", {"report": due.stem, "reason": error}))


def self_command() -> list[str]:
    """How to run this program's command line: the frozen executable, or this interpreter with main.py."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, str(_REPO / "main.py")]


Runner = Callable[[Sequence[str], float], tuple[int, str]]


def _run(argv: Sequence[str], timeout: float) -> tuple[int, str]:
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return 1, f"the report took longer than {timeout:.0f} s"
    except OSError as exc:
        return 1, f"cannot start the report: {exc}"
    lines = [line for line in (done.stderr or "").splitlines() if line.strip() and not line.startswith("report: ")]
    return done.returncode, (lines[-1] if lines else "")


def make_report(db: Path, s: ReportSchedule, due: DueReport, runner: Runner = _run) -> ReportOutcome:
    """Write ``due`` in every scheduled format into the folder (blocking). Never raises for report trouble."""
    folder = Path(s.folder)
    try:  # not made when missing: a missing folder on an unplugged drive would be made on the disk below it
        check_writable_folder(s.folder)
    except InputError as exc:
        return ReportOutcome(due, error=f"{exc} (is its drive connected?)" if not folder.exists() else str(exc))
    files: list[Path] = []
    for fmt in s.formats:
        out = folder / f"{due.stem}.{fmt}"
        argv = [*self_command(), "--db", str(db), "report", "--from", due.iso(due.from_ts), "--to"]
        argv += [due.iso(due.to_ts), "--format", fmt, "--out", str(out), "--lang", s.lang, "--ports", s.ports]
        code, said = runner(argv, REPORT_TIMEOUT_S)
        if code != 0:
            return ReportOutcome(due, tuple(files), f"{fmt.upper()}: {said or f'exit status {code}'}")
        files.append(out)
    return ReportOutcome(due, tuple(files))


def mail_report(db: Path, s: ReportSchedule, outcome: ReportOutcome) -> str | None:
    """E-mail the files of ``outcome`` through the schedule's channel; None when sent, else the one-line reason."""
    from monitor.alerting.channels import get_channel, send_files
    from monitor.storage import inventory
    from monitor.storage.secrets import open_secrets
    from monitor.storage.store import connect

    conn = connect(db)
    try:
        channel = get_channel(conn, s.email_channel)
        secrets = open_secrets(db, inventory.store_id(conn))
        tz = ZoneInfo(DEFAULT_TZ)
        start = datetime.fromtimestamp(outcome.due.from_ts, tz).date()
        end = datetime.fromtimestamp(outcome.due.to_ts, tz).date() - timedelta(days=1)
        if s.lang == "zh_TW":
            kind = "週報" if outcome.due.kind == "weekly" else "月報"
            subject = f"[CampusNet] 網路使用{kind}：{start} 至 {end}"
            body = f"附件為 {start} 至 {end} 的網路使用報告（CampusNet 自動產生）。\n"
        else:
            kind = "weekly" if outcome.due.kind == "weekly" else "monthly"
            subject = f"[CampusNet] Network usage, {kind}: {start} to {end}"
            body = f"Attached: the network usage report for {start} to {end}, made by CampusNet.\n"
        send_files(channel, secrets, subject, body, outcome.files)
    except CampusNetError as exc:
        return str(exc).splitlines()[0]
    finally:
        conn.close()
    return None


def run_due(db: Path, now: float, write: Callable[[Callable[[sqlite3.Connection], None]], None]) -> list[ReportOutcome]:
    """Make every due report (blocking: call it off the event loop). ``write(job)`` runs a store write job."""
    from monitor.storage.store import connect

    conn = connect(db)
    try:
        s = load_schedule(conn)
        due_list = due_reports(conn, s, now) if s.enabled else []
    finally:
        conn.close()
    outcomes = []
    for due in due_list:
        outcome = make_report(db, s, due)
        if outcome.error is None and s.email_channel:
            mailed_error = mail_report(db, s, outcome)
            if mailed_error is not None:
                outcome = ReportOutcome(due, outcome.files, f"written, but not mailed: {mailed_error}")
            else:
                outcome = ReportOutcome(due, outcome.files, None, mailed=True)
        if outcome.error is None or outcome.error.startswith("written"):
            write(functools.partial(mark_done, due=due))
        if outcome.error is not None:
            log.warning("scheduled report %s: %s", due.stem, outcome.error)
            write(functools.partial(report_failed, due=due, error=outcome.error, now=now))
        else:
            log.info("scheduled report %s: %s", due.stem, ", ".join(p.name for p in outcome.files))
        outcomes.append(outcome)
    return outcomes
