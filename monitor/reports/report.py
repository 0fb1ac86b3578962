"""Usage reports: what the principal and the county get, as one model that the CSV, Excel and PDF writers share.

A report covers a period [from, to) in a time zone (Asia/Taipei by default: the school's local time) and a choice
of ports: the ports marked as uplinks (``ports.is_uplink``) of all devices or of the devices named, or every port
of those devices. For each port it gives average, peak and 95th-percentile rates, the traffic moved, utilization
against the port speed and the availability of its device; for each device its availability and totals; the
busiest ports; a daily series and a time series of the uplinks for charts.

Figures come from :mod:`monitor.storage.history` (``port_summary``, ``percentile95``, ``traffic``), which picks the
history
tier for the period; availability comes from ``device_polls`` (the share of the polls in the period that the
device answered). The school's name is the store setting ``report.school_name``.
"""

from __future__ import annotations

import contextlib
import itertools
import locale
import os
import sqlite3
import statistics
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from devices.errors import CampusNetError, InputError
from monitor.storage import history, inventory
from monitor.storage.settings import load_settings
from monitor.storage.store import ROLLUP_TIERS

DEFAULT_TZ = "Asia/Taipei"
LANGUAGES = ("en", "zh_TW")
PORT_CHOICES = ("uplinks", "all")
DEFAULT_TOP = 10
SCHOOL_KEY = "report.school_name"
MAX_SCHOOL_CHARS = 100
# A report may end at most this far in the future (a report "until tomorrow" is fine; next year is a typo).
FUTURE_SLACK_S = 86400
# Ports charted when no port of the selection is an uplink: the busiest ones.
FALLBACK_DAILY_PORTS = 5
# history.port_summary counts samples with ts <= to; a report's period ends before ``to``.
_END_EPS = 1e-3
# Raw samples read to find the interval they were taken at.
_STEP_PROBE = 200
_MIN_STEP_ROWS = 5

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class ReportCancelled(CampusNetError):
    """The user cancelled the report; nothing was written."""

    def __init__(self) -> None:
        super().__init__("report cancelled: nothing was written")


# ---------------------------------------------------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    """The report's period [from_ts, to_ts) in epoch seconds, and the time zone its days and times are shown in."""

    from_ts: float
    to_ts: float
    tz_name: str = DEFAULT_TZ

    @property
    def tz(self) -> tzinfo:
        """The time zone as a tzinfo."""
        return ZoneInfo(self.tz_name)

    def local(self, ts: float) -> datetime:
        """``ts`` as an aware datetime in the period's time zone."""
        return datetime.fromtimestamp(ts, self.tz)

    def days(self, now: float) -> list[tuple[date, float, float]]:
        """The local days overlapping the period and starting before ``now``: (day, start, end), clipped to it."""
        out: list[tuple[date, float, float]] = []
        day = self.local(self.from_ts).date()
        while True:
            start = datetime(day.year, day.month, day.day, tzinfo=self.tz).timestamp()
            if start >= min(self.to_ts, now):
                return out
            nxt = day + timedelta(days=1)
            end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=self.tz).timestamp()
            out.append((day, max(start, self.from_ts), min(end, self.to_ts)))
            day = nxt


def parse_time(text: str, what: str, tz_name: str = DEFAULT_TZ) -> float:
    """An ISO 8601 date or date-time as epoch seconds; a time without an offset is local time in ``tz_name``."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not an ISO date or date-time such as 2026-11-20 or 2026-11-20T08:00"
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz_name))
    return dt.timestamp()


def parse_period(from_text: str, to_text: str, tz_name: str = DEFAULT_TZ, now: float | None = None) -> Period:
    """Check and convert the ``--from``/``--to`` texts; :class:`InputError` with a one-line reason when bad."""
    now = time.time() if now is None else now
    from_ts = parse_time(from_text, "--from", tz_name)
    to_ts = parse_time(to_text, "--to", tz_name)
    if from_ts >= to_ts:
        raise InputError(f"--from {from_text} must be before --to {to_text}")
    if to_ts > now + FUTURE_SLACK_S:
        raise InputError(f"--to {to_text} is in the future: a report can end at most one day from now")
    return Period(from_ts, to_ts, tz_name)


# ---------------------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class PortStats:
    """One port's figures over the period. Rates in bits/s, traffic in bytes, shares in percent; None = unknown.

    ``util_*`` are against ``speed_bps`` (None when the speed is unknown); ``availability_pct`` is its device's.
    """

    port_id: int
    device: str
    port: str
    alias: str
    speed_bps: int | None
    is_uplink: bool
    avg_in_bps: float | None
    avg_out_bps: float | None
    peak_in_bps: float | None
    peak_out_bps: float | None
    p95_in_bps: float | None
    p95_out_bps: float | None
    total_in_bytes: float
    total_out_bytes: float
    availability_pct: float | None
    samples: int
    step_s: float

    @property
    def total_bytes(self) -> float:
        """In and out together."""
        return self.total_in_bytes + self.total_out_bytes

    def _util(self, bps: float | None) -> float | None:
        return None if bps is None or not self.speed_bps else bps / self.speed_bps * 100

    @property
    def util_avg_in_pct(self) -> float | None:
        """Average in rate as a share of the speed."""
        return self._util(self.avg_in_bps)

    @property
    def util_avg_out_pct(self) -> float | None:
        """Average out rate as a share of the speed."""
        return self._util(self.avg_out_bps)

    @property
    def util_p95_in_pct(self) -> float | None:
        """95th-percentile in rate as a share of the speed."""
        return self._util(self.p95_in_bps)

    @property
    def util_p95_out_pct(self) -> float | None:
        """95th-percentile out rate as a share of the speed."""
        return self._util(self.p95_out_bps)


@dataclass(frozen=True)
class DeviceStats:
    """One device over the period: its polls (answered of those made), availability and its chosen ports' traffic."""

    device_id: int
    name: str
    location: str
    polls_answered: int
    polls_total: int
    ports: int
    total_in_bytes: float
    total_out_bytes: float

    @property
    def availability_pct(self) -> float | None:
        """Share of the polls answered; None when the device was not polled in the period."""
        return self.polls_answered / self.polls_total * 100 if self.polls_total else None


@dataclass(frozen=True)
class DailyStats:
    """One port on one local day: average rates (bits/s) and traffic (bytes)."""

    day: date
    port_id: int
    avg_in_bps: float | None
    avg_out_bps: float | None
    total_in_bytes: float
    total_out_bytes: float


@dataclass(frozen=True)
class ChartSeries:
    """A port's traffic over the period for a chart, in the tier :func:`monitor.storage.history.traffic` chose."""

    port_id: int
    label: str
    series: history.TrafficSeries


@dataclass
class Report:
    """Everything a usage report shows, for every output format.

    Attributes:
        school: the school's name ('' when not set).
        period: the period and its time zone.
        generated_ts: when the report was made (epoch seconds).
        scope: "uplinks" or "all" (which ports of the chosen devices).
        devices: the chosen devices, by name.
        ports: the chosen ports, by device then interface index.
        top: the busiest ports by traffic, busiest first.
        daily_ports: the ports of the daily series and charts (the uplinks; the busiest ports when none is one).
        daily: the daily series of ``daily_ports``, by day then port.
        charts: the time series of ``daily_ports``.
    """

    school: str
    period: Period
    generated_ts: float
    scope: str
    devices: list[DeviceStats]
    ports: list[PortStats]
    top: list[PortStats]
    daily_ports: list[PortStats]
    daily: list[DailyStats] = field(default_factory=list)
    charts: list[ChartSeries] = field(default_factory=list)

    @property
    def total_in_bytes(self) -> float:
        """Traffic in over all chosen ports."""
        return sum(p.total_in_bytes for p in self.ports)

    @property
    def total_out_bytes(self) -> float:
        """Traffic out over all chosen ports."""
        return sum(p.total_out_bytes for p in self.ports)

    @property
    def polls_answered(self) -> int:
        """Polls answered by the chosen devices."""
        return sum(d.polls_answered for d in self.devices)

    @property
    def polls_total(self) -> int:
        """Polls made of the chosen devices."""
        return sum(d.polls_total for d in self.devices)

    @property
    def availability_pct(self) -> float | None:
        """Share of all polls of the chosen devices that were answered."""
        return self.polls_answered / self.polls_total * 100 if self.polls_total else None

    def days(self) -> list[date]:
        """The days of the daily series, in order."""
        return sorted({d.day for d in self.daily})

    def port_label(self, port: PortStats) -> str:
        """``device port`` as tables and charts name a port."""
        return f"{port.device} {port.port}"


@dataclass(frozen=True)
class ReportSpec:
    """What to report on: the period, devices by name (empty: all), ``ports`` "uplinks" or "all", how many busiest
    ports to list, and the school's name (None: the store's setting)."""

    period: Period
    devices: tuple[str, ...] = ()
    ports: str = "uplinks"
    top: int = DEFAULT_TOP
    school: str | None = None


# ---------------------------------------------------------------------------------------------------------- settings


def check_school_name(name: str) -> str:
    """The name stripped; :class:`InputError` when it has control characters or is too long."""
    name = name.strip()
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InputError("the school name contains a control character (newline, tab, ...)")
    if len(name) > MAX_SCHOOL_CHARS:
        raise InputError(f"the school name is longer than {MAX_SCHOOL_CHARS} characters")
    return name


def get_school_name(conn: sqlite3.Connection) -> str:
    """The school's name shown on reports ('' when not set)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SCHOOL_KEY,)).fetchone()
    return "" if row is None else str(row[0])


def set_school_name(conn: sqlite3.Connection, name: str) -> None:
    """Save the school's name for reports (checked first; '' clears it)."""
    name = check_school_name(name)
    with conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (SCHOOL_KEY, name),
        )


def system_language() -> str:
    """``zh_TW`` when the operating system's locale is Chinese in Traditional script, else ``en``."""
    names = [os.environ.get(v, "") for v in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")]
    with contextlib.suppress(ValueError):
        names.append(locale.getlocale()[0] or "")
    for name in names:
        if not name or name in ("C", "POSIX") or name.startswith("C."):
            continue
        low = name.lower().replace("-", "_")
        traditional = ("zh_tw", "zh_hk", "zh_mo", "hant", "traditional", "taiwan")
        return "zh_TW" if any(t in low for t in traditional) else "en"
    return "en"


# ---------------------------------------------------------------------------------------------------------- building


def _choose_devices(conn: sqlite3.Connection, names: tuple[str, ...]) -> list[sqlite3.Row]:
    if names:
        rows = [inventory.get_device(conn, n) for n in dict.fromkeys(names)]
        return sorted(rows, key=lambda d: d["name"])
    rows = list(conn.execute("SELECT * FROM devices ORDER BY name"))
    if not rows:
        raise InputError("there are no devices in this store: add one with 'device add NAME --host HOST'")
    return rows


def _choose_ports(conn: sqlite3.Connection, devices: list[sqlite3.Row], scope: str) -> list[sqlite3.Row]:
    ids = [d["id"] for d in devices]
    marks = ", ".join("?" * len(ids))
    extra = "AND p.is_uplink = 1" if scope == "uplinks" else ""
    rows = list(
        conn.execute(
            f"""SELECT p.*, d.name AS device FROM ports p JOIN devices d ON d.id = p.device_id
                WHERE p.device_id IN ({marks}) {extra}
                ORDER BY d.name, p.ifindex IS NULL, p.ifindex, p.key""",
            ids,
        )
    )
    if not rows:
        where = "the chosen devices" if len(devices) < 2 else f"the {len(devices)} devices"
        if scope == "uplinks":
            raise InputError(
                f"no port of {where} is marked as an uplink: mark one with 'ports DEVICE --uplink PORT on' (or in "
                "the app's ports table), or use --ports all to report on every port"
            )
        raise InputError(f"{where} have no ports yet: poll them first ('poll --once')")
    return rows


def poll_step(conn: sqlite3.Connection, port_id: int, from_ts: float, to_ts: float, default: float) -> float:
    """The interval (s) a port's samples in the period were taken at, which totals count per sample.

    The median spacing of its first raw samples in the period; where raw samples are no longer kept, a rollup
    bucket's length over the most samples one of its buckets in the period holds; else ``default``.
    """
    stamps = [
        r[0]
        for r in conn.execute(
            "SELECT ts FROM samples WHERE port_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?",
            (port_id, from_ts, to_ts, _STEP_PROBE),
        )
    ]
    if len(stamps) >= _MIN_STEP_ROWS:
        return float(statistics.median(b - a for a, b in itertools.pairwise(stamps)))
    for size, table in ROLLUP_TIERS.values():
        row = conn.execute(
            f"SELECT MAX(n) FROM {table} WHERE port_id = ? AND ts >= ? AND ts < ?",
            (port_id, from_ts // size * size, to_ts),
        ).fetchone()
        if row[0]:
            return size / float(row[0])
    return default


def _device_polls(conn: sqlite3.Connection, device_id: int, period: Period) -> tuple[int, int]:
    return history.poll_counts(conn, device_id, period.from_ts, period.to_ts)


def _port_stats(
    conn: sqlite3.Connection, p: sqlite3.Row, period: Period, now: float, default_step: float, avail: float | None
) -> PortStats:
    step = poll_step(conn, p["id"], period.from_ts, period.to_ts, default_step)
    summary = history.port_summary(conn, p["id"], period.from_ts, period.to_ts - _END_EPS, now=now, step_s=step)
    p95 = history.percentile95(conn, p["id"], period.from_ts, period.to_ts, now=now)
    return PortStats(
        port_id=int(p["id"]),
        device=p["device"],
        port=p["name"] or p["descr"] or p["key"],
        alias=p["alias"] or "",
        speed_bps=p["speed_override_bps"] or p["speed_bps"] or None,
        is_uplink=bool(p["is_uplink"]),
        avg_in_bps=summary.in_avg_bps,
        avg_out_bps=summary.out_avg_bps,
        peak_in_bps=summary.in_peak_bps,
        peak_out_bps=summary.out_peak_bps,
        p95_in_bps=p95.in_bps,
        p95_out_bps=p95.out_bps,
        total_in_bytes=summary.total_in_bytes,
        total_out_bytes=summary.total_out_bytes,
        availability_pct=avail,
        samples=summary.samples,
        step_s=step,
    )


def _daily(conn: sqlite3.Connection, port: PortStats, period: Period, now: float) -> list[DailyStats]:
    out = []
    for day, start, end in period.days(now):
        s = history.port_summary(conn, port.port_id, start, end - _END_EPS, now=now, step_s=port.step_s)
        out.append(DailyStats(day, port.port_id, s.in_avg_bps, s.out_avg_bps, s.total_in_bytes, s.total_out_bytes))
    return out


class _Steps:
    """Progress over the work units of a report, with cancellation checked at each step."""

    def __init__(self, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.done = 0
        self.total = total
        self._progress = progress
        self._cancelled = cancelled

    def step(self, text: str) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ReportCancelled()
        if self._progress is not None:
            self._progress(self.done, self.total, text)
        self.done += 1


def build_report(
    conn: sqlite3.Connection,
    spec: ReportSpec,
    *,
    now: float | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Report:
    """Compute a report from the store (read only).

    ``progress(done, total, text)`` is called before each port (and each charted port's daily series) and once at
    the end with done == total; ``cancelled()`` is checked at the same points and, when it returns True,
    :class:`ReportCancelled` is raised. Bad choices (unknown device, no uplinks marked, a bad ``ports`` value or
    school name) raise :class:`InputError`.
    """
    if spec.ports not in PORT_CHOICES:
        raise InputError(f"--ports {spec.ports!r}: use {' or '.join(PORT_CHOICES)}")
    if not 1 <= spec.top <= 1000:
        raise InputError(f"--top {spec.top} is out of range (1-1000)")
    school = check_school_name(spec.school) if spec.school is not None else get_school_name(conn)
    now = time.time() if now is None else now
    period = spec.period
    devices = _choose_devices(conn, spec.devices)
    port_rows = _choose_ports(conn, devices, spec.ports)
    default_step = load_settings(conn).poll_interval_s
    polls = {d["id"]: _device_polls(conn, d["id"], period) for d in devices}
    avail = {i: (a / n * 100 if n else None) for i, (a, n) in polls.items()}
    uplinks = sum(1 for p in port_rows if p["is_uplink"])
    steps = _Steps(len(port_rows) + (uplinks or min(FALLBACK_DAILY_PORTS, len(port_rows))), progress, cancelled)
    ports: list[PortStats] = []
    for p in port_rows:
        steps.step(f"{p['device']} {p['name'] or p['key']}")
        stats = _port_stats(conn, p, period, now, default_step, avail[p["device_id"]])
        if p["present"] or stats.samples:  # a port gone from the device only shows if it had traffic then
            ports.append(stats)
    top = sorted(ports, key=lambda s: s.total_bytes, reverse=True)[: spec.top]
    daily_ports = [p for p in ports if p.is_uplink] or top[:FALLBACK_DAILY_PORTS]
    report = Report(
        school=school,
        period=period,
        generated_ts=now,
        scope=spec.ports,
        devices=[_device_stats(d, polls[d["id"]], ports) for d in devices],
        ports=ports,
        top=top,
        daily_ports=daily_ports,
    )
    for port in daily_ports:
        steps.step(report.port_label(port))
        report.daily += _daily(conn, port, period, now)
        series = history.traffic(conn, port.port_id, period.from_ts, period.to_ts, now=now, step_s=port.step_s)
        report.charts.append(ChartSeries(port.port_id, report.port_label(port), series))
    order = {p.port_id: i for i, p in enumerate(daily_ports)}
    report.daily.sort(key=lambda d: (d.day, order[d.port_id]))
    steps.done = steps.total
    if progress is not None:
        progress(steps.total, steps.total, "")
    return report


def _device_stats(d: sqlite3.Row, polls: tuple[int, int], ports: list[PortStats]) -> DeviceStats:
    mine = [p for p in ports if p.device == d["name"]]
    return DeviceStats(
        device_id=int(d["id"]),
        name=d["name"],
        location=d["location"] or "",
        polls_answered=polls[0],
        polls_total=polls[1],
        ports=len(mine),
        total_in_bytes=sum(p.total_in_bytes for p in mine),
        total_out_bytes=sum(p.total_out_bytes for p in mine),
    )
