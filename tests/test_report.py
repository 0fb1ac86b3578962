"""Usage reports: the figures against references computed here from the samples, the CSV and Excel files read back,
the period and school-name rules, cancel and crash safety, and the ``report`` command end to end."""

from __future__ import annotations

import csv
import math
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from devices.errors import InputError
from monitor.reports.report import (
    ReportCancelled,
    ReportSpec,
    build_report,
    get_school_name,
    parse_period,
    set_school_name,
    system_language,
)
from monitor.reports.report_export import CSV_COLUMNS, export_report, write_report
from monitor.safe_files import WriteError
from monitor.storage.history import rollup
from monitor.storage.store import connect
from tests.conftest import REPO

TAIPEI = ZoneInfo("Asia/Taipei")
STEP = 60
MARGIN_S = 3 * 3600  # samples and polls also exist this long before and after the period (must not count)


def _midnight(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=TAIPEI).timestamp()


# Today's and the period's local (Taipei) midnights: the period ends a day before today, so every figure is final.
TODAY = datetime.now(TAIPEI).date()
TO_DAY = TODAY - timedelta(days=1)


@dataclass
class PortSpec:
    device: str
    key: str
    speed: int | None
    uplink: bool
    alias: str
    scale_in: float  # rates are uniform in [0.2, 1.8] x scale
    scale_out: float


PORTS = [
    PortSpec("core", "Gi0/1", 1_000_000_000, True, "Uplink to 縣網中心", 500e6, 100e6),
    PortSpec("core", "Gi0/2", 1_000_000_000, False, "教室 101", 30e6, 60e6),
    PortSpec("edge-圖書館", "Port1", 100_000_000, True, "Uplink to core", 20e6, 5e6),
    PortSpec("edge-圖書館", "Port2", None, False, "", 1e6, 2e6),
]
DEVICES = {"core": "資訊中心 機房", "edge-圖書館": "圖書館 2F", "idle": "倉庫"}


@dataclass
class Store:
    db: Path
    from_ts: float
    to_ts: float
    days: int
    samples: dict[str, list[tuple[int, float | None, float | None]]]  # key -> rows
    polls: dict[str, list[tuple[int, str]]]  # device -> (ts, status)
    port_ids: dict[str, int]


def _samples(rng: random.Random, spec: PortSpec, first: int, last: int) -> list[tuple[int, float | None, float | None]]:
    rows: list[tuple[int, float | None, float | None]] = []
    for k, ts in enumerate(range(first, last, STEP)):
        if spec.key == "Gi0/1" and 900 <= k < 990:  # 90 minutes of NULL rates (a counter discontinuity)
            rows.append((ts, None, None))
        elif spec.key == "Port1" and 2000 <= k < 2030:  # 30 missed polls: no rows at all
            continue
        else:
            rows.append((ts, spec.scale_in * rng.uniform(0.2, 1.8), spec.scale_out * rng.uniform(0.2, 1.8)))
    return rows


def _polls(
    rng: random.Random, device: str, first: int, last: int, from_ts: float, to_ts: float
) -> list[tuple[int, str]]:
    out = []
    for ts in range(first, last, STEP):
        inside = from_ts <= ts < to_ts
        if device == "core":
            status = "unreachable" if (inside and rng.random() < 0.03) or (not inside and rng.random() < 0.5) else "up"
        elif device == "edge-圖書館":
            status = "error" if inside and rng.random() < 0.01 else "up"
        else:
            continue  # "idle" was never polled
        out.append((ts, status))
    return out


def make_store(tmp: Path, days: int, seed: int = 7) -> Store:
    """Devices, ports, one sample a minute and one poll a minute, rolled up as the poller would."""
    to_ts = _midnight(TO_DAY)
    from_ts = _midnight(TO_DAY - timedelta(days=days))
    first, last = int(from_ts - MARGIN_S), int(to_ts + MARGIN_S)
    rng = random.Random(seed)
    db = tmp / "inventory.db"
    conn = connect(db)
    dev_ids = {}
    for name, location in DEVICES.items():
        cur = conn.execute(
            "INSERT INTO devices (name, host, location, created) VALUES (?, '127.0.0.1', ?, 0)", (name, location)
        )
        dev_ids[name] = cur.lastrowid
    port_ids: dict[str, int] = {}
    samples = {}
    for n, p in enumerate(PORTS, start=1):
        cur = conn.execute(
            "INSERT INTO ports (device_id, key, ifindex, name, alias, speed_bps, is_uplink, oper_status, present)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)",
            (dev_ids[p.device], p.key, n, p.key, p.alias, p.speed, int(p.uplink)),
        )
        port_ids[p.key] = int(cur.lastrowid or 0)
        samples[p.key] = _samples(rng, p, first, last)
        conn.executemany(
            "INSERT INTO samples (port_id, ts, in_bps, out_bps) VALUES (?, ?, ?, ?)",
            [(port_ids[p.key], *row) for row in samples[p.key]],
        )
    conn.execute(
        "INSERT INTO ports (device_id, key, ifindex, name, speed_bps, is_uplink, present)"
        " VALUES (?, 'x', 1, 'x', 0, 0, 1)",
        (dev_ids["idle"],),
    )
    polls = {name: _polls(rng, name, first, last, from_ts, to_ts) for name in DEVICES}
    for name, rows in polls.items():
        conn.executemany(
            "INSERT INTO device_polls (device_id, ts, status) VALUES (?, ?, ?)", [(dev_ids[name], *r) for r in rows]
        )
    rollup(conn, time.time())
    conn.commit()
    conn.close()
    return Store(db, from_ts, to_ts, days, samples, polls, port_ids)


# ---------------------------------------------------------------------------------------------------- references


def nearest_rank_p95(values: list[float]) -> float | None:
    """95th percentile by nearest rank: the value at rank ceil(0.95 N) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def ref_port(rows: list[tuple[int, float | None, float | None]], lo: float, hi: float) -> dict[str, float | None]:
    """Average, peak, bytes (each valid sample counts one 60 s poll) and 95th percentile of 5-minute averages."""
    inside = [r for r in rows if lo <= r[0] < hi]
    out: dict[str, float | None] = {}
    for i, d in ((1, "in"), (2, "out")):
        vals = [r[i] for r in inside if r[i] is not None]
        out[f"avg_{d}"] = sum(vals) / len(vals) if vals else None
        out[f"peak_{d}"] = max(vals) if vals else None
        out[f"total_{d}"] = sum(v * STEP / 8 for v in vals)
        buckets: dict[int, list[float]] = {}
        for r in inside:
            if r[i] is not None:
                buckets.setdefault(r[0] // 300, []).append(r[i])  # type: ignore[arg-type]
        out[f"p95_{d}"] = nearest_rank_p95([sum(b) / len(b) for b in buckets.values()])
    return out


def ref_availability(polls: list[tuple[int, str]], lo: float, hi: float) -> float | None:
    inside = [s for ts, s in polls if lo <= ts < hi]
    return sum(1 for s in inside if s == "up") / len(inside) * 100 if inside else None


def approx(value: float | None, rel: float = 1e-9) -> object:
    return None if value is None else pytest.approx(value, rel=rel, abs=1e-6)


@pytest.fixture(params=[2, 8], ids=["2-days-raw", "8-days-rollups"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return make_store(tmp_path, request.param)


def _spec(s: Store, **kw: object) -> ReportSpec:
    from monitor.reports.report import Period

    return ReportSpec(Period(s.from_ts, s.to_ts), **kw)  # type: ignore[arg-type]


def _report(s: Store, **kw: object):  # type: ignore[no-untyped-def]
    conn = connect(s.db)
    try:
        return build_report(conn, _spec(s, **kw))
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------- the figures


def test_port_figures_match_references(store: Store) -> None:
    report = _report(store, ports="all")
    by_key = {p.port: p for p in report.ports}
    assert sorted(by_key) == [*sorted(p.key for p in PORTS), "x"]
    for spec in PORTS:
        got, ref = by_key[spec.key], ref_port(store.samples[spec.key], store.from_ts, store.to_ts)
        for d in ("in", "out"):
            assert getattr(got, f"avg_{d}_bps") == approx(ref[f"avg_{d}"]), (spec.key, d)
            assert getattr(got, f"peak_{d}_bps") == approx(ref[f"peak_{d}"]), (spec.key, d)
            assert getattr(got, f"total_{d}_bytes") == approx(ref[f"total_{d}"]), (spec.key, d)
            assert getattr(got, f"p95_{d}_bps") == approx(ref[f"p95_{d}"]), (spec.key, d)
        if spec.speed:
            assert got.util_avg_in_pct == approx(ref["avg_in"] / spec.speed * 100)  # type: ignore[operator]
            assert got.util_p95_out_pct == approx(ref["p95_out"] / spec.speed * 100)  # type: ignore[operator]
        else:
            assert got.util_avg_in_pct is None and got.util_p95_out_pct is None
        polls = store.polls[spec.device]
        assert got.availability_pct == approx(ref_availability(polls, store.from_ts, store.to_ts))
    idle = by_key["x"]
    assert idle.avg_in_bps is None and idle.total_in_bytes == 0 and idle.availability_pct is None


def test_default_selection_is_the_uplinks_and_devices_sum_their_ports(store: Store) -> None:
    report = _report(store)
    assert report.scope == "uplinks"
    assert [(p.device, p.port) for p in report.ports] == [("core", "Gi0/1"), ("edge-圖書館", "Port1")]
    devices = {d.name: d for d in report.devices}
    assert sorted(devices) == sorted(DEVICES)
    for name in ("core", "edge-圖書館"):
        polls = [s for ts, s in store.polls[name] if store.from_ts <= ts < store.to_ts]
        assert (devices[name].polls_answered, devices[name].polls_total) == (polls.count("up"), len(polls))
        uplink = next(p for p in PORTS if p.device == name and p.uplink)
        ref = ref_port(store.samples[uplink.key], store.from_ts, store.to_ts)
        assert devices[name].total_in_bytes == approx(ref["total_in"])
        assert devices[name].total_out_bytes == approx(ref["total_out"])
    assert devices["idle"].polls_total == 0 and devices["idle"].availability_pct is None
    all_polls = [s for n in ("core", "edge-圖書館") for ts, s in store.polls[n] if store.from_ts <= ts < store.to_ts]
    assert report.availability_pct == approx(all_polls.count("up") / len(all_polls) * 100)


def test_top_ports_are_the_busiest_by_traffic(store: Store) -> None:
    report = _report(store, ports="all", top=3)
    totals = {}
    for spec in PORTS:
        ref = ref_port(store.samples[spec.key], store.from_ts, store.to_ts)
        totals[spec.key] = ref["total_in"] + ref["total_out"]  # type: ignore[operator]
    expected = sorted(totals, key=lambda k: totals[k], reverse=True)[:3]
    assert [p.port for p in report.top] == expected


def test_daily_series_of_the_uplinks_per_local_day(store: Store) -> None:
    report = _report(store, ports="all")
    assert [p.port for p in report.daily_ports] == ["Gi0/1", "Port1"]
    days = [TO_DAY - timedelta(days=store.days - k) for k in range(store.days)]
    assert report.days() == days
    for d in report.daily:
        key = next(p.key for p in PORTS if store.port_ids[p.key] == d.port_id)
        lo = _midnight(d.day)
        ref = ref_port(store.samples[key], lo, lo + 86400)
        assert (d.avg_in_bps, d.avg_out_bps) == (approx(ref["avg_in"]), approx(ref["avg_out"]))
        assert (d.total_in_bytes, d.total_out_bytes) == (approx(ref["total_in"]), approx(ref["total_out"]))
    assert len(report.daily) == 2 * store.days
    charts = {c.port_id: c.series for c in report.charts}
    assert sorted(charts) == sorted(store.port_ids[k] for k in ("Gi0/1", "Port1"))
    core = charts[store.port_ids["Gi0/1"]]
    assert core.ts and core.ts[0] >= store.from_ts - 1800 and core.ts[-1] <= store.to_ts


def test_ports_without_uplinks_say_how_to_choose(tmp_path: Path) -> None:
    s = make_store(tmp_path, 2)
    conn = connect(s.db)
    try:
        with pytest.raises(InputError, match="--ports all"):
            build_report(conn, _spec(s, devices=("idle",)))
        with pytest.raises(InputError, match="no device named 'nosuch'"):
            build_report(conn, _spec(s, devices=("nosuch",)))
        only_idle = build_report(conn, _spec(s, devices=("idle",), ports="all"))
        assert [p.port for p in only_idle.ports] == ["x"] and only_idle.daily_ports == only_idle.ports
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------- period, settings


def test_period_parsing_uses_taipei_time_and_rejects_bad_input() -> None:
    now = datetime(2026, 11, 27, 10, 0, tzinfo=TAIPEI).timestamp()
    p = parse_period("2026-11-20", "2026-11-27T08:30", now=now)
    assert p.from_ts == datetime(2026, 11, 19, 16, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    assert p.to_ts == datetime(2026, 11, 27, 0, 30, tzinfo=ZoneInfo("UTC")).timestamp()
    utc = parse_period("2026-11-20T00:00Z", "2026-11-21T00:00+00:00", now=now)
    assert utc.to_ts - utc.from_ts == 86400
    assert parse_period("2026-11-26", "2026-11-28", now=now).to_ts > now  # up to a day ahead is fine
    for a, b, words in [
        ("2026-13-01", "2026-11-27", "--from '2026-13-01' is not an ISO date"),
        ("2026-11-20", "yesterday", "--to 'yesterday' is not an ISO date"),
        ("2026-11-27", "2026-11-27", "must be before"),
        ("2026-11-27", "2026-11-20", "must be before"),
        ("2026-11-20", "2026-12-01", "in the future"),
    ]:
        with pytest.raises(InputError, match=words) as err:
            parse_period(a, b, now=now)
        assert "\n" not in str(err.value)


def test_days_stop_at_now_and_clip_to_the_period() -> None:
    now = datetime(2026, 11, 27, 10, 0, tzinfo=TAIPEI).timestamp()
    p = parse_period("2026-11-25T12:00", "2026-11-28", now=now)
    days = p.days(now)
    assert [d for d, _, _ in days] == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    assert days[0][1] == p.from_ts and days[0][2] == _midnight(date(2026, 11, 26))
    assert days[-1][2] == _midnight(date(2026, 11, 28))


def test_school_name_setting(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    try:
        assert get_school_name(conn) == ""
        set_school_name(conn, "  臺北市立示範國民中學 ")
        assert get_school_name(conn) == "臺北市立示範國民中學"
        with pytest.raises(InputError, match="control character"):
            set_school_name(conn, "A\nB")
        with pytest.raises(InputError, match="longer than"):
            set_school_name(conn, "校" * 101)
        assert get_school_name(conn) == "臺北市立示範國民中學"
    finally:
        conn.close()


def test_report_uses_the_stored_school_name_unless_given(tmp_path: Path) -> None:
    s = make_store(tmp_path, 2)
    conn = connect(s.db)
    try:
        set_school_name(conn, "示範國小")
        assert build_report(conn, _spec(s)).school == "示範國小"
        assert build_report(conn, _spec(s, school="Other School")).school == "Other School"
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_TW.UTF-8"}, "zh_TW"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_HK.UTF-8"}, "zh_TW"),
        ({"LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_system_language(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert system_language() == expected


# ---------------------------------------------------------------------------------------------------- CSV and Excel


def _csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese names as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames is not None
        assert tuple(reader.fieldnames[:12]) == CSV_COLUMNS[:12]
        return list(reader)


def _num(text: str) -> float | None:
    assert "," not in text and " " not in text
    return None if text == "" else float(text)


def test_csv_holds_the_reference_figures(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    conn = connect(store.db)
    try:
        export_report(conn, _spec(store, ports="all"), "csv", out, "en")
    finally:
        conn.close()
    rows = {r["port"]: r for r in _csv_rows(out)}
    assert sorted(rows) == sorted([p.key for p in PORTS] + ["x"])
    for spec in PORTS:
        row, ref = rows[spec.key], ref_port(store.samples[spec.key], store.from_ts, store.to_ts)
        assert row["device"] == spec.device
        assert _num(row["speed_bps"]) == spec.speed
        for d in ("in", "out"):
            assert _num(row[f"avg_{d}_bps"]) == pytest.approx(ref[f"avg_{d}"], abs=1e-3)
            assert _num(row[f"peak_{d}_bps"]) == pytest.approx(ref[f"peak_{d}"], abs=1e-3)
            assert _num(row[f"p95_{d}_bps"]) == pytest.approx(ref[f"p95_{d}"], abs=1e-3)
            assert _num(row[f"total_{d}_bytes"]) == pytest.approx(ref[f"total_{d}"], abs=0.5)
        avail = ref_availability(store.polls[spec.device], store.from_ts, store.to_ts)
        assert _num(row["availability_pct"]) == pytest.approx(avail, abs=1e-3)
        assert row["alias"] == spec.alias
    assert rows["Port2"]["util_avg_in_pct"] == "" and rows["Port2"]["speed_bps"] == ""  # unknown speed
    assert rows["x"]["avg_in_bps"] == "" and rows["x"]["availability_pct"] == ""


def _sheet_rows(ws) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_xlsx_has_real_numbers_in_every_section(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    conn = connect(store.db)
    try:
        export_report(conn, _spec(store, ports="all", top=3, school="示範國小"), "xlsx", out, "en")
    finally:
        conn.close()
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Ports", "Devices", "Top 3", "Daily uplinks"]
    refs = {p.key: ref_port(store.samples[p.key], store.from_ts, store.to_ts) for p in PORTS}

    ports = {r["Port"]: r for r in _sheet_rows(wb["Ports"])}
    assert wb["Ports"].freeze_panes == "A2"
    for key, ref in refs.items():
        row = ports[key]
        for header, value, scale in [
            ("Average in (Mbit/s)", ref["avg_in"], 1e6),
            ("Peak out (Mbit/s)", ref["peak_out"], 1e6),
            ("95th percentile in (Mbit/s)", ref["p95_in"], 1e6),
            ("Traffic out (GB)", ref["total_out"], 1e9),
        ]:
            assert isinstance(row[header], float), (key, header)
            assert row[header] == pytest.approx(value / scale, rel=1e-9)  # type: ignore[operator]
    assert ports["Port2"]["Speed (Mbit/s)"] is None and ports["Gi0/1"]["Speed (Mbit/s)"] == 1000

    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows(min_row=2)}
    assert summary["School"] == "示範國小"
    total_in = sum(r["total_in"] for r in refs.values())  # type: ignore[misc]
    assert summary["Traffic in (GB)"] == pytest.approx(total_in / 1e9, rel=1e-9)
    assert summary["From"] == datetime.fromtimestamp(store.from_ts, TAIPEI).replace(tzinfo=None)

    devices = {r["Device"]: r for r in _sheet_rows(wb["Devices"])}
    core_polls = [s for ts, s in store.polls["core"] if store.from_ts <= ts < store.to_ts]
    assert devices["core"]["Polls answered"] == core_polls.count("up")
    assert devices["core"]["Availability (%)"] == pytest.approx(core_polls.count("up") / len(core_polls) * 100)

    busiest = max(refs, key=lambda k: refs[k]["total_in"] + refs[k]["total_out"])  # type: ignore[operator]
    top = _sheet_rows(wb["Top 3"])
    assert top[0]["Rank"] == 1 and top[0]["Port"] == busiest

    daily_ws = wb["Daily uplinks"]
    daily = _sheet_rows(daily_ws)
    assert len(daily) == store.days and len(daily_ws._charts) == 1
    first = daily[0]
    assert isinstance(first["Date"], datetime) and first["Date"].date() == TO_DAY - timedelta(days=store.days)
    lo = _midnight(TO_DAY - timedelta(days=store.days))
    ref_day = ref_port(store.samples["Gi0/1"], lo, lo + 86400)
    traffic = (ref_day["total_in"] + ref_day["total_out"]) / 1e9  # type: ignore[operator]
    assert first["core Gi0/1 traffic (GB)"] == pytest.approx(traffic, rel=1e-9)


def test_xlsx_in_traditional_chinese(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    s = make_store(tmp_path, 2)
    out = tmp_path / "報告.xlsx"
    conn = connect(s.db)
    try:
        export_report(conn, _spec(s), "xlsx", out, "zh_TW")
    finally:
        conn.close()
    wb = load_workbook(out)
    assert wb.sheetnames == ["摘要", "連接埠", "裝置", "流量前 2 名", "上行鏈路每日流量"]
    headers = [c.value for c in wb["連接埠"][1]]
    assert headers[:3] == ["裝置", "連接埠", "說明"] and "平均流入 (Mbit/s)" in headers


# ---------------------------------------------------------------------------------------------------- cancel, crash


def test_cancel_from_progress_raises_and_writes_nothing(tmp_path: Path) -> None:
    s = make_store(tmp_path, 2)
    out = tmp_path / "out" / "report.csv"
    out.parent.mkdir()
    out.write_text("the previous report\n", encoding="utf-8")
    calls: list[tuple[int, int, str]] = []
    stop = {"now": False}

    def progress(done: int, total: int, text: str) -> None:
        calls.append((done, total, text))
        if done == 2:
            stop["now"] = True

    conn = connect(s.db)
    try:
        with pytest.raises(ReportCancelled, match="report cancelled: nothing was written"):
            export_report(
                conn, _spec(s, ports="all"), "csv", out, "en", progress=progress, cancelled=lambda: stop["now"]
            )
    finally:
        conn.close()
    assert [c[0] for c in calls] == [0, 1, 2] and calls[0][1] == 5 + 2  # 5 ports, then 2 daily series
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in out.parent.iterdir()] == ["report.csv"]


def test_a_writer_failing_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    s = make_store(tmp_path, 2)
    report = _report(s)
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    out.write_bytes(b"old")

    def broken(_report: object, path: Path, _lang: str) -> None:
        path.write_bytes(b"%PDF-1.4 half")
        raise OSError("disk full")

    with pytest.raises(WriteError, match="disk full"):
        write_report(report, "pdf", out, "en", broken)
    assert out.read_bytes() == b"old"
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]


# ---------------------------------------------------------------------------------------------------- the command


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAMPUSNET_SECRETS": "file"}
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--db", str(db), "report", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_csv_on_the_known_store(tmp_path: Path) -> None:
    s = make_store(tmp_path, 2)
    out = tmp_path / "r.csv"
    frm, to = (TO_DAY - timedelta(days=2)).isoformat(), TO_DAY.isoformat()
    done = run_cli(s.db, "--from", frm, "--to", to, "--format", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # readable like any new file, not a private temp file
    rows = {r["port"]: r for r in _csv_rows(out)}
    assert sorted(rows) == ["Gi0/1", "Port1"]
    ref = ref_port(s.samples["Gi0/1"], s.from_ts, s.to_ts)
    assert _num(rows["Gi0/1"]["total_in_bytes"]) == pytest.approx(ref["total_in"], abs=0.5)
    assert _num(rows["Gi0/1"]["p95_out_bps"]) == pytest.approx(ref["p95_out"], abs=1e-3)
    one = run_cli(s.db, "--from", frm, "--to", to, "--format", "csv", "--out", str(out), "--device", "edge-圖書館")
    assert one.returncode == 0, one.stderr
    assert [r["port"] for r in _csv_rows(out)] == ["Port1"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", "2026-02-30", "--to", "{to}"], "--from '2026-02-30' is not an ISO date"),
        (["--from", "{to}", "--to", "{from}"], "must be before --to"),
        (["--from", "{from}", "--to", "2999-01-01"], "in the future"),
        (["--from", "{from}", "--to", "{to}", "--device", "nosuch"], "no device named 'nosuch'"),
        (["--from", "{from}", "--to", "{to}", "--device", "idle"], "marked as an uplink"),
        (["--from", "{from}", "--to", "{to}", "--format", "docx"], "invalid choice: 'docx'"),
        (["--from", "{from}", "--to", "{to}", "--top", "0"], "--top 0 is out of range"),
        (["--from", "{from}", "--to", "{to}", "--school", "A\tB"], "control character"),
        (["--from", "{from}", "--to", "{to}", "--out", "{tmp}/no/such/folder/r.csv"], "does not exist"),
        (["--from", "{from}", "--to", "{to}", "--out", "{tmp}/a-file/r.csv"], "cannot write"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, args: list[str], words: str) -> None:
    s = make_store(tmp_path, 2)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    values = {"from": (TO_DAY - timedelta(days=2)).isoformat(), "to": TO_DAY.isoformat(), "tmp": str(tmp_path)}
    argv = [a.format(**values) for a in args]
    if "--format" not in argv:
        argv += ["--format", "csv"]
    if "--out" not in argv:
        argv += ["--out", str(out_dir / "r.csv")]
    done = run_cli(s.db, *argv)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert list(out_dir.iterdir()) == []
    assert not (tmp_path / "no").exists()


# ---------------------------------------------------------------------------------------------------- the demo store


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo school's store with a week of history up to now (written directly, as the demo does)."""
    from monitor.demo.backfill import backfill
    from monitor.demo.network import DemoNetwork

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMPUSNET_SECRETS", "file")
        DemoNetwork().ensure_store(db, port=16100)  # never contacted: nothing polls this store
        backfill(db, 8, step_s=300)
        yield db


WEEK = ((TODAY - timedelta(days=7)).isoformat(), TODAY.isoformat())


def test_cli_demo_csv_and_xlsx(demo_db: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from monitor.demo.school import CORE_NAME, INTERNET_ALIAS

    csv_out, xlsx_out = tmp_path / "demo.csv", tmp_path / "demo.xlsx"
    done = run_cli(demo_db, "--from", WEEK[0], "--to", WEEK[1], "--format", "csv", "--out", str(csv_out))
    assert done.returncode == 0, done.stderr
    rows = _csv_rows(csv_out)
    conn = connect(demo_db)
    try:
        uplinks = conn.execute("SELECT count(*) FROM ports WHERE is_uplink = 1").fetchone()[0]
        all_ports = conn.execute("SELECT count(*) FROM ports").fetchone()[0]
    finally:
        conn.close()
    assert len(rows) == uplinks == 8
    internet = next(r for r in rows if r["alias"] == INTERNET_ALIAS)
    assert internet["device"] == CORE_NAME
    assert max(rows, key=lambda r: float(r["total_in_bytes"])) is internet
    assert 0 < float(internet["p95_in_bps"]) <= float(internet["peak_in_bps"]) <= float(internet["speed_bps"])
    done = run_cli(
        demo_db, "--from", WEEK[0], "--to", WEEK[1], "--format", "xlsx", "--out", str(xlsx_out), "--ports", "all"
    )
    assert done.returncode == 0, done.stderr
    wb = load_workbook(xlsx_out)
    assert len(list(wb["Ports"].iter_rows(min_row=2))) == all_ports
    assert len(list(wb["Top 10"].iter_rows(min_row=2))) == 10
    assert len(list(wb["Daily uplinks"].iter_rows(min_row=2))) == 7


def test_cli_demo_pdf(demo_db: Path, tmp_path: Path) -> None:
    from tests.conftest import require_tool

    pdftotext = require_tool("pdftotext")
    out = tmp_path / "demo.pdf"
    done = run_cli(demo_db, "--from", WEEK[0], "--to", WEEK[1], "--format", "pdf", "--out", str(out), "--lang", "zh_TW")
    assert done.returncode == 0, done.stderr
    assert "propagateSizeHints" not in done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "網路使用報告" in text and "核心交換器" in text and "第 1 頁" in text


def test_format_bytes() -> None:
    from monitor.units import format_bytes

    assert [format_bytes(v) for v in (0, 999, 1000, 1_234_567_890, 10.806e12, None, math.nan)] == [
        "0 B",
        "999 B",
        "1.00 kB",
        "1.23 GB",
        "10.81 TB",
        "-",
        "-",
    ]
