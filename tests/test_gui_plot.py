"""The bandwidth graph: load_series and the widget's curves, 95th lines, readout and legend against known data."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from gui.plot import BandwidthPlot, load_series
from monitor.storage.store import connect

DAY = 86400
NOW = 1_795_000_000 // 7200 * 7200  # aligned to every bucket size, so bucket grids end exactly at NOW
NAN = math.nan
NULL_BOTH_K = 100  # raw sample with both rates NULL
NULL_IN_K = 200  # raw sample with only in_bps NULL
MISSING_K = range(300, 305)  # polls that never happened (5 minutes: more than 2.5 steps)
MISSING_BUCKET_J = 7  # 2-hour bucket never written
NULL_BUCKET_J = 10  # 2-hour bucket with in_avg NULL

Row = tuple[int, float | None, float | None]


def raw_rows(scale: float) -> list[Row]:
    """Two days of 60 s samples ending one poll before NOW, ascending; k counts polls back from NOW."""
    rows: list[Row] = []
    for k in range(2 * 1440, 0, -1):
        if k in MISSING_K:
            continue
        rate_in: float | None = scale * 1e6 * (k % 97 + 1)
        rate_out: float | None = scale * 5e5 * (k % 89 + 1)
        if k == NULL_BOTH_K:
            rate_in = rate_out = None
        if k == NULL_IN_K:
            rate_in = None
        rows.append((NOW - 60 * k, rate_in, rate_out))
    return rows


def rollup_rows(scale: float) -> list[Row]:
    """A year of 2-hour averages up to NOW, one bucket missing and one with in_avg NULL."""
    rows: list[Row] = []
    for j, ts in enumerate(range(NOW - 365 * DAY, NOW, 7200)):
        if j == MISSING_BUCKET_J:
            continue
        rate_in = None if j == NULL_BUCKET_J else scale * (1e6 * (j % 53 + 1) + 0.5)
        rows.append((ts, rate_in, scale * 2e5 * (j % 41 + 1)))
    return rows


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    conn = connect(path)
    conn.execute("INSERT INTO devices (name, host, created) VALUES ('core', '10.0.0.1', 0)")
    for port_id, scale in ((1, 1.0), (2, 2.0)):
        conn.execute("INSERT INTO ports (id, device_id, key, name) VALUES (?, 1, ?, ?)", (port_id, f"p{port_id}", "x"))
        conn.executemany(
            "INSERT INTO samples (port_id, ts, in_bps, out_bps) VALUES (?, ?, ?, ?)",
            [(port_id, *row) for row in raw_rows(scale)],
        )
        conn.executemany(
            "INSERT INTO rollup_2h (port_id, ts, n, in_avg, in_max, out_avg, out_max) VALUES (?, ?, 120, ?, ?, ?, ?)",
            [(port_id, ts, i, i, o, o) for ts, i, o in rollup_rows(scale)],
        )
    conn.execute("INSERT INTO rollup_state (tier, done_until) VALUES ('2h', ?)", (NOW,))
    conn.commit()
    conn.close()
    return path


def _nan(v: float | None) -> float:
    return NAN if v is None else v


def expected_raw(scale: float, from_ts: float, to_ts: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The inserted samples in [from_ts, to_ts], with a NaN point one poll after the last one before a hole."""
    xs: list[float] = []
    ins: list[float] = []
    outs: list[float] = []
    for ts, i, o in raw_rows(scale):
        if not from_ts <= ts <= to_ts:
            continue
        if xs and ts - xs[-1] > 150:
            xs.append(xs[-1] + 60)
            ins.append(NAN)
            outs.append(NAN)
        xs.append(ts)
        ins.append(_nan(i))
        outs.append(_nan(o))
    return np.array(xs), np.array(ins), np.array(outs)


def expected_2h(scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 2-hour grid of the last year with the inserted averages, NaN where missing or NULL."""
    by_ts = {ts: (i, o) for ts, i, o in rollup_rows(scale)}
    grid = list(range(NOW - 365 * DAY, NOW, 7200))
    ins = [_nan(by_ts.get(ts, (None, None))[0]) for ts in grid]
    outs = [_nan(by_ts.get(ts, (None, None))[1]) for ts in grid]
    return np.array(grid, dtype=float), np.array(ins), np.array(outs)


def reference_p95_5m(scale: float, from_ts: int, to_ts: int) -> tuple[float, float]:
    """95th percentile (inverted CDF = nearest rank) of the 5-minute means of the inserted raw rates."""
    buckets: dict[int, tuple[list[float], list[float]]] = {}
    for ts, i, o in raw_rows(scale):
        if from_ts <= ts < to_ts:
            ins, outs = buckets.setdefault(ts // 300 * 300, ([], []))
            if i is not None:
                ins.append(i)
            if o is not None:
                outs.append(o)
    in_means = [np.mean(ins) for ins, _ in buckets.values() if ins]
    out_means = [np.mean(outs) for _, outs in buckets.values() if outs]
    return (
        float(np.percentile(in_means, 95, method="inverted_cdf")),
        float(np.percentile(out_means, 95, method="inverted_cdf")),
    )


def assert_same(actual: np.ndarray, expected: np.ndarray) -> None:
    np.testing.assert_array_equal(np.asarray(actual, dtype=float), expected)


# ----------------------------------------------------------------------------------------------- load_series


def test_load_series_raw_day(db_path: Path) -> None:
    conn = connect(db_path, readonly=True)
    series = load_series(conn, 1, NOW - DAY, NOW, NOW)
    conn.close()
    x, y_in, y_out = expected_raw(1.0, NOW - DAY, NOW)
    assert series.tier == "raw"
    assert_same(series.x, x)
    assert_same(series.y_in, y_in)
    assert_same(series.y_out, y_out)
    assert np.isnan(y_in).sum() == 3  # NULL both, NULL in, and the missing polls
    assert (series.p95_in, series.p95_out) == pytest.approx(reference_p95_5m(1.0, NOW - DAY, NOW), rel=1e-12)


def test_load_series_year_uses_2h_rollups(db_path: Path) -> None:
    conn = connect(db_path, readonly=True)
    series = load_series(conn, 2, NOW - 365 * DAY, NOW, NOW)
    conn.close()
    x, y_in, y_out = expected_2h(2.0)
    assert series.tier == "2h"
    assert_same(series.x, x)
    assert_same(series.y_in, y_in)
    assert_same(series.y_out, y_out)
    ref_in = np.percentile(y_in[~np.isnan(y_in)], 95, method="inverted_cdf")
    ref_out = np.percentile(y_out[~np.isnan(y_out)], 95, method="inverted_cdf")
    assert (series.p95_in, series.p95_out) == pytest.approx((ref_in, ref_out), rel=1e-12)


# ---------------------------------------------------------------------------------------------------- widget


@pytest.fixture
def plot(qtbot, db_path: Path) -> Iterator[BandwidthPlot]:
    widget = BandwidthPlot(db_path, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close_store()


def test_day_button_shows_raw_samples(qtbot, plot: BandwidthPlot) -> None:
    plot.set_ports([(1, "Gi0/1")])
    with qtbot.waitSignal(plot.rangeChanged) as blocker:
        qtbot.mouseClick(plot.range_buttons["24 h"], Qt.MouseButton.LeftButton)
    assert blocker.args == [NOW - DAY, NOW]
    curve_in, curve_out = plot.curves(1)
    x, y_in, y_out = expected_raw(1.0, NOW - DAY, NOW)
    assert_same(curve_in.xData, x)
    assert_same(curve_in.yData, y_in)
    assert_same(curve_out.xData, x)
    assert_same(curve_out.yData, y_out)
    assert plot.tier_label.text() == "raw samples"
    (x0, x1), _ = plot.plot_widget.getPlotItem().getViewBox().viewRange()
    assert (x0, x1) == pytest.approx((NOW - DAY, NOW), abs=1)


def test_year_button_uses_2h_tier_and_p95_lines(qtbot, plot: BandwidthPlot) -> None:
    plot.set_ports([(1, "Gi0/1")])
    qtbot.mouseClick(plot.range_buttons["1 y"], Qt.MouseButton.LeftButton)
    curve_in, curve_out = plot.curves(1)
    x, y_in, y_out = expected_2h(1.0)
    assert_same(curve_in.xData, x)
    assert_same(curve_in.yData, y_in)
    assert_same(curve_out.yData, y_out)
    assert plot.tier_label.text() == "2-hour averages"
    line_in, line_out = plot.p95_lines(1)
    assert line_in.value() == pytest.approx(np.percentile(y_in[~np.isnan(y_in)], 95, method="inverted_cdf"))
    assert line_out.value() == pytest.approx(np.percentile(y_out[~np.isnan(y_out)], 95, method="inverted_cdf"))


def test_p95_line_over_5_minute_averages(qtbot, plot: BandwidthPlot) -> None:
    plot.set_ports([(1, "Gi0/1")])
    qtbot.mouseClick(plot.range_buttons["24 h"], Qt.MouseButton.LeftButton)
    ref_in, ref_out = reference_p95_5m(1.0, NOW - DAY, NOW)
    line_in, line_out = plot.p95_lines(1)
    assert (line_in.value(), line_out.value()) == pytest.approx((ref_in, ref_out), rel=1e-12)
    assert line_in.isVisible() and line_out.isVisible()
    assert line_in.pen.style() == Qt.PenStyle.DashLine
    assert "95th in" in line_in.label.toPlainText()


def test_hover_readout_shows_nearest_point(qtbot, plot: BandwidthPlot) -> None:
    plot.set_ports([(1, "Gi0/1")])
    qtbot.mouseClick(plot.range_buttons["24 h"], Qt.MouseButton.LeftButton)
    k = 500  # in = 1e6 * (500 % 97 + 1) = 16 Mbit/s, out = 5e5 * (500 % 89 + 1) = 28 Mbit/s
    ts = NOW - 60 * k
    qtbot.wait(20)  # let the view apply its y auto-range
    view = plot.plot_widget.getPlotItem().getViewBox()
    y_mid = sum(view.viewRange()[1]) / 2
    plot._on_mouse_moved((view.mapViewToScene(QPointF(ts + 10, y_mid)),))
    when = datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")
    assert plot.readout.text() == f"{when}  in 16.0 Mbit/s  out 28.0 Mbit/s"
    assert plot.readout_text(NOW - 60 * NULL_IN_K).endswith("in –  out 11.5 Mbit/s")  # out = 5e5 * (200 % 89 + 1)


def test_two_ports_overlaid(qtbot, plot: BandwidthPlot) -> None:
    plot.set_ports([(1, "Gi0/1"), (2, "Gi0/2")])
    qtbot.mouseClick(plot.range_buttons["1 y"], Qt.MouseButton.LeftButton)
    curves = [c for c in plot.plot_widget.getPlotItem().listDataItems()]
    assert len(curves) == 4
    labels = [label.text for _, label in plot.legend.items]
    assert labels == ["Gi0/1 in", "Gi0/1 out", "Gi0/2 in", "Gi0/2 out"]
    assert_same(plot.curves(2)[0].yData, expected_2h(2.0)[1])
    pens = {c.opts["pen"].color().name() for c in curves}
    assert len(pens) == 4
    assert not any(line.isVisible() for port in (1, 2) for line in plot.p95_lines(port))  # no clutter overlaid
    plot.set_ports([(2, "Gi0/2")])
    assert len(plot.plot_widget.getPlotItem().listDataItems()) == 2
    assert all(line.isVisible() for line in plot.p95_lines(2))


def test_other_ports_of_the_same_count_relabel_the_shown_curves(qtbot, plot: BandwidthPlot) -> None:
    # The dashboard graphs the busiest uplinks after every poll: swapping ports must not make pyqtgraph items anew.
    plot.set_ports([(1, "Gi0/1")])
    qtbot.mouseClick(plot.range_buttons["1 y"], Qt.MouseButton.LeftButton)
    before = set(map(id, plot.plot_widget.getPlotItem().listDataItems()))
    plot.set_ports([(2, "Gi0/2")])
    assert set(map(id, plot.plot_widget.getPlotItem().listDataItems())) == before
    assert [label.text for _, label in plot.legend.items] == ["Gi0/2 in", "Gi0/2 out"]
    assert_same(plot.curves(2)[0].yData, expected_2h(2.0)[1])
    assert_same(plot.curves(2)[1].yData, expected_2h(2.0)[2])
    with pytest.raises(KeyError):
        plot.curves(1)
    line_in, _line_out = plot.p95_lines(2)
    assert line_in.isVisible() and "95th in" in line_in.label.toPlainText()
    plot.set_ports([(1, "Gi0/1"), (2, "Gi0/2")])  # more ports: new curves beside
    assert [label.text for _, label in plot.legend.items] == ["Gi0/1 in", "Gi0/1 out", "Gi0/2 in", "Gi0/2 out"]
    plot.set_ports([(2, "Gi0/2"), (1, "Gi0/1")])
    assert [label.text for _, label in plot.legend.items] == ["Gi0/2 in", "Gi0/2 out", "Gi0/1 in", "Gi0/1 out"]
    assert_same(plot.curves(1)[0].yData, expected_2h(1.0)[1])


def test_custom_range_and_refresh(qtbot, plot: BandwidthPlot) -> None:
    plot.set_ports([(1, "Gi0/1")])
    qtbot.mouseClick(plot.custom_button, Qt.MouseButton.LeftButton)
    dialog = plot.custom_dialog
    assert dialog is not None
    start, end = NOW - 6 * 3600, NOW - 3600
    dialog.from_edit.setDateTime(dialog.from_edit.dateTime().fromSecsSinceEpoch(start))
    dialog.to_edit.setDateTime(dialog.to_edit.dateTime().fromSecsSinceEpoch(end))
    with qtbot.waitSignal(plot.rangeChanged):
        dialog.accept()
    assert plot.current_range() == (start, end)
    plot.refresh()  # a custom range stays put on live updates
    assert plot.current_range() == (start, end)
    assert_same(plot.curves(1)[0].xData, expected_raw(1.0, start, end)[0])


def test_screenshot_renders(qtbot, plot: BandwidthPlot, tmp_path: Path) -> None:
    plot.set_ports([(1, "Gi0/1"), (2, "Gi0/2")])
    qtbot.mouseClick(plot.range_buttons["24 h"], Qt.MouseButton.LeftButton)
    path = tmp_path / "plot.png"
    assert plot.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= 900
    blue = sum(
        1
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
        if image.pixelColor(x, y).name() == "#2b7bba"
    )
    assert blue > 50  # the in curve of the first port is drawn


def test_zooming_into_a_year_loads_the_finer_tier(qtbot, plot: BandwidthPlot) -> None:
    plot.set_ports([(1, "Gi0/1")])
    qtbot.mouseClick(plot.range_buttons["1 y"], Qt.MouseButton.LeftButton)
    assert plot.tier_label.text() == "2-hour averages"
    # The user zooms to the last day (as a mouse wheel would, through the view box).
    with qtbot.waitSignal(plot.rangeChanged, timeout=3_000) as blocker:
        plot.plot_widget.getPlotItem().getViewBox().setXRange(NOW - DAY, NOW, padding=0)
    assert blocker.args == pytest.approx([NOW - DAY, NOW], abs=1)
    assert plot.tier_label.text() == "raw samples"
    x, y_in, _ = expected_raw(1.0, NOW - DAY, NOW)
    curve_in, _curve_out = plot.curves(1)
    assert_same(curve_in.xData, x)
    assert_same(curve_in.yData, y_in)
    assert not any(b.isChecked() for b in plot.range_buttons.values())


def test_date_ticks_are_numeric_in_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    import pyqtgraph as pg

    from gui.plot import date_axis

    t0 = datetime(2026, 11, 27, tzinfo=UTC).timestamp()
    shown = {}
    for lang in ("en", "zh_TW"):
        axis = date_axis(lang)
        widget = pg.PlotWidget(axisItems={"bottom": axis})
        qtbot.addWidget(widget)
        widget.resize(800, 300)
        widget.show()
        qtbot.waitUntil(lambda axis=axis: hasattr(axis, "fontMetrics"), timeout=5_000)  # set when first laid out
        levels = axis.tickValues(t0, t0 + 6 * 86400, 800)
        shown[lang] = [axis.tickStrings(ticks[:3], 1, spacing) for spacing, ticks in levels]
    assert shown["zh_TW"][0] == ["12月"] and "/" in shown["zh_TW"][1][0]
    assert shown["en"][0] == ["Dec"] and shown["en"][1][0].isdigit()
