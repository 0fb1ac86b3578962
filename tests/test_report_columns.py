"""The columns of a report's port tables are one table (monitor/reports/columns.py): a column added to it (here two
test-only ones, patched in) appears in the CSV, the Excel sheet of ports and the PDF, with no writer changed."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv
import subprocess
from pathlib import Path

import pytest

from monitor.reports import columns
from monitor.reports.columns import Column
from monitor.reports.report import Period, ReportSpec, build_report
from monitor.reports.report_export import write_report
from monitor.storage.store import connect
from tests.conftest import require_tool
from tests.test_report import PORTS, Store, make_store, ref_port

ROOM = Column("room", "text", {"en": "Room", "zh_TW": "教室"}, lambda p: f"room of {p.port}", width=10)
BURST = Column(
    "burst", "bps", {"en": "Burst", "zh_TW": "突發"}, lambda p: (p.peak_in_bps, p.peak_out_bps), pair=True, width=12
)


@pytest.fixture
def added(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "COLUMNS", (*columns.COLUMNS, ROOM, BURST))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return make_store(tmp_path, 2)


def _write(store: Store, fmt: str, out: Path, lang: str) -> None:
    conn = connect(store.db)
    try:
        report = build_report(conn, ReportSpec(Period(store.from_ts, store.to_ts), ports="all"), now=store.to_ts + 1)
    finally:
        conn.close()
    writer = None
    if fmt == "pdf":
        from gui.report_pdf import write_pdf

        writer = lambda r, path, language: write_pdf(r, path, language, store.db)  # noqa: E731
    write_report(report, fmt, out, lang, pdf_writer=writer)


def _refs(store: Store) -> dict[str, dict[str, float | None]]:
    return {p.key: ref_port(store.samples[p.key], store.from_ts, store.to_ts) for p in PORTS}


def test_an_added_column_is_in_the_csv_after_the_columns_it_had(added: None, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    _write(store, "csv", out, "en")
    with open(out, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = {r["port"]: r for r in reader}
        names = list(reader.fieldnames or [])
    assert names[: len(columns.CSV_FIRST)] == list(columns.CSV_FIRST)
    assert names[len(columns.CSV_FIRST) :] == ["room", "burst_in_bps", "burst_out_bps"]
    for key, ref in _refs(store).items():
        assert rows[key]["room"] == f"room of {key}"
        assert float(rows[key]["burst_in_bps"]) == pytest.approx(ref["peak_in"], abs=1e-3)
        assert float(rows[key]["burst_out_bps"]) == pytest.approx(ref["peak_out"], abs=1e-3)


@pytest.mark.parametrize(
    ("lang", "sheet", "headers"),
    [
        ("en", "Ports", ["Room", "Burst in (Mbit/s)", "Burst out (Mbit/s)"]),
        ("zh_TW", "連接埠", ["教室", "突發，流入 (Mbit/s)", "突發，流出 (Mbit/s)"]),
    ],
)
def test_an_added_column_is_in_the_excel_sheet_of_ports(  # type: ignore[no-untyped-def]
    added, store: Store, tmp_path: Path, lang: str, sheet: str, headers: list[str]
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    _write(store, "xlsx", out, lang)
    ws = load_workbook(out)[sheet]
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0][-3:]) == headers
    by_port = {row[1]: row for row in values[1:]}
    for key, ref in _refs(store).items():
        room, burst_in, burst_out = by_port[key][-3:]
        assert room == f"room of {key}"
        assert burst_in == pytest.approx(ref["peak_in"] / 1e6, rel=1e-9)  # type: ignore[operator]
        assert burst_out == pytest.approx(ref["peak_out"] / 1e6, rel=1e-9)  # type: ignore[operator]
    assert ws.cell(2, ws.max_column).number_format == "#,##0.00"


@pytest.mark.usefixtures("qapp")
def test_an_added_column_is_in_the_pdf_table_of_ports(added: None, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    _write(store, "pdf", out, "en")
    pdftotext = require_tool("pdftotext")
    # -raw: the text in the order it was drawn, cell after cell (a narrow cell wraps its text over lines).
    raw = subprocess.run([pdftotext, "-raw", str(out), "-"], capture_output=True, text=True, timeout=60, check=True)
    text = " ".join(raw.stdout.split())
    table = text[text.index("All ports in this report") :]
    assert "Availabili ty Room Burst (in / out) core Gi0/1" in table or "Availability Room Burst (in / out)" in table
    peak_in, peak_out = (_refs(store)["Gi0/1"][k] for k in ("peak_in", "peak_out"))
    assert f"room of Gi0/1 {peak_in / 1e6:.1f} / {peak_out / 1e6:.1f} Mbit/s core Gi0/2" in table  # type: ignore[operator]
    for spec in PORTS:
        assert f"room of {spec.key} " in table
