"""The usage report dialog (offscreen): periods, preview, saving each format, cancel, the schedule."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate

from gui.plumbing import direct_write
from gui.report_dialog import ReportDialog, preset_period
from monitor.polling.scheduler import CoreLoop
from monitor.reports.report import get_school_name
from monitor.reports.report_schedule import ReportSchedule, load_schedule
from monitor.storage.store import connect
from tests.test_report import TO_DAY, Store, make_store, ref_port

TAIPEI = ZoneInfo("Asia/Taipei")


def ts(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=TAIPEI).timestamp()


@pytest.fixture
def school(tmp_path: Path) -> Store:
    return make_store(tmp_path, days=2)


@pytest.fixture
def dialog(qtbot: Any, school: Store) -> Iterator[ReportDialog]:
    core = CoreLoop()
    conn = connect(school.db)
    widget = ReportDialog(school.db, conn, core.submit, direct_write(conn))
    qtbot.addWidget(widget)
    try:
        yield widget
    finally:
        qtbot.waitUntil(lambda: not widget.busy, timeout=60_000)
        core.stop()
        conn.close()


def choose_store_period(dialog: ReportDialog, s: Store) -> None:
    dialog.preset.setCurrentIndex(dialog.preset.findData("custom"))
    first = TO_DAY - timedelta(days=s.days)
    last = TO_DAY - timedelta(days=1)
    dialog.start_date.setDate(QDate(first.year, first.month, first.day))
    dialog.end_date.setDate(QDate(last.year, last.month, last.day))


def test_presets_are_the_periods_people_mean() -> None:
    now = datetime(2026, 11, 27, 10, 30, tzinfo=TAIPEI).timestamp()  # a Friday
    week = preset_period("last_week", now)
    assert (week.from_ts, week.to_ts) == (ts(date(2026, 11, 16)), ts(date(2026, 11, 23)))
    month = preset_period("last_month", now)
    assert (month.from_ts, month.to_ts) == (ts(date(2026, 10, 1)), ts(date(2026, 11, 1)))
    assert (preset_period("this_month", now).from_ts, preset_period("this_month", now).to_ts) == (
        ts(date(2026, 11, 1)),
        now,
    )
    assert preset_period("last_7_days", now).from_ts == now - 7 * 86400
    custom = preset_period("custom", now, date(2026, 11, 2), date(2026, 11, 3))  # both days included
    assert (custom.from_ts, custom.to_ts) == (ts(date(2026, 11, 2)), ts(date(2026, 11, 4)))


def test_preview_shows_the_uplinks_and_save_writes_the_reference_figures(
    qtbot: Any, dialog: ReportDialog, school: Store, tmp_path: Path
) -> None:
    choose_store_period(dialog, school)
    assert (dialog.period().from_ts, dialog.period().to_ts) == (school.from_ts, school.to_ts)
    with qtbot.waitSignal(dialog.finished_work, timeout=60_000) as done:
        assert dialog.make_preview()
    assert done.args == ["preview"]
    assert dialog.report is not None and sorted(p.port for p in dialog.report.ports) == ["Gi0/1", "Port1"]
    shown = dialog.preview.toPlainText()
    assert "Gi0/1" in shown and "Uplink to 縣網中心" in shown

    out = tmp_path / "week.csv"
    with qtbot.waitSignal(dialog.finished_work, timeout=60_000) as done:
        assert dialog.save_as(out)
    assert done.args == ["saved"] and str(out) in dialog.status.text()
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = {r["port"]: r for r in csv.DictReader(f)}
    ref = ref_port(school.samples["Gi0/1"], school.from_ts, school.to_ts)
    assert float(rows["Gi0/1"]["avg_in_bps"]) == pytest.approx(ref["avg_in"], abs=1e-3)
    assert float(rows["Gi0/1"]["p95_out_bps"]) == pytest.approx(ref["p95_out"], abs=1e-3)

    pdf = tmp_path / "week.pdf"
    with qtbot.waitSignal(dialog.finished_work, timeout=60_000) as done:
        assert dialog.save_as(pdf)
    assert done.args == ["saved"] and pdf.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_chosen_devices_limit_the_report(qtbot: Any, dialog: ReportDialog, school: Store) -> None:
    choose_store_period(dialog, school)
    for i in range(dialog.devices.count()):
        item = dialog.devices.item(i)
        item.setCheckState(item.checkState().Checked if item.text() == "core" else item.checkState().Unchecked)
    assert dialog.spec().devices == ("core",)
    with qtbot.waitSignal(dialog.finished_work, timeout=60_000):
        dialog.make_preview()
    assert dialog.report is not None and [p.port for p in dialog.report.ports] == ["Gi0/1"]


def test_cancel_writes_nothing(qtbot: Any, dialog: ReportDialog, school: Store, tmp_path: Path) -> None:
    choose_store_period(dialog, school)
    dialog.ports.setCurrentIndex(dialog.ports.findData("all"))
    out = tmp_path / "cancelled.xlsx"
    dialog._cancel.set()  # as if Cancel were pressed before the first port
    original_clear = dialog._cancel.clear
    dialog._cancel.clear = lambda: None  # type: ignore[method-assign]
    try:
        with qtbot.waitSignal(dialog.finished_work, timeout=60_000) as done:
            assert dialog.save_as(out)
    finally:
        dialog._cancel.clear = original_clear  # type: ignore[method-assign]
    assert done.args == ["cancelled"] and not out.exists()
    assert list(tmp_path.glob("*.xlsx*")) == [] and "nothing was written" in dialog.status.text()


def test_bad_school_name_and_bad_output_are_one_line_errors(
    dialog: ReportDialog, school: Store, tmp_path: Path
) -> None:
    dialog.school.setText("第一行\n第二行")
    assert not dialog.make_preview()
    assert "control character" in dialog.status.text() and "\n" not in dialog.status.text()
    conn = connect(school.db)
    assert get_school_name(conn) == ""
    dialog.school.setText("示範國中")
    assert not dialog.save_as(tmp_path / "no-such-folder" / "r.pdf")
    assert "does not exist" in dialog.status.text() and not dialog.busy
    assert get_school_name(conn) == "示範國中"  # a good name is kept for the next report
    conn.close()


def test_schedule_is_validated_and_saved(dialog: ReportDialog, school: Store, tmp_path: Path) -> None:
    conn = connect(school.db)
    dialog.weekly.setChecked(True)
    dialog.folder.setText("relative/folder")
    assert not dialog.store_schedule()
    assert "full path" in dialog.schedule_status.text()
    assert load_schedule(conn) == ReportSchedule()  # nothing stored
    (tmp_path / "reports").mkdir()
    dialog.folder.setText(str(tmp_path / "reports"))
    dialog.format_boxes["csv"].setChecked(True)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.store_schedule()
    stored = load_schedule(conn)
    assert stored.weekly and not stored.monthly and stored.folder == str(tmp_path / "reports")
    assert stored.formats == ["pdf", "xlsx", "csv"] and stored.lang == "en"
    conn.close()


def test_main_window_opens_the_dialog(qtbot: Any, tmp_path: Path) -> None:
    from gui.main_window import MainWindow

    window = MainWindow(tmp_path / "w.db")
    qtbot.addWidget(window)
    assert window.report_action in window.file_menu.actions()
    opened = window.open_report()
    assert isinstance(opened, ReportDialog) and opened.isVisible()
    opened.close()
    window.close()
