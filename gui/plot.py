"""The bandwidth graph: in/out rates of one or more ports over time, with 95th-percentile lines.

Data comes from the store through :func:`load_series` (Qt-free, testable without a widget), which picks the
rollup tier for the range with :func:`monitor.storage.history.traffic` and returns numpy arrays with NaN for gaps.
:class:`BandwidthPlot` draws them with pyqtgraph: epoch seconds on a :class:`pyqtgraph.DateAxisItem` (local
time), bits/s with SI prefixes on the y axis, peak downsampling and clip-to-view with an explicit x range.
"""

from __future__ import annotations

import copy
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QDateTime, QPointF, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.plain_text import esc, plain
from monitor.storage.history import choose_tier, percentile95, traffic
from monitor.storage.store import connect
from monitor.units import format_bps

# DateAxisItem tick formats replaced per language: Chinese gets numeric dates instead of English month and weekday
# names ("11/27" rather than "Fri 27", "11月" rather than "Nov").
DATE_TICK_FORMATS: dict[str, dict[str, str]] = {"en": {}, "zh_TW": {"%b": "%m月", "%a %d": "%m/%d", "%d": "%m/%d"}}


def localise_date_axis(axis: pg.DateAxisItem, lang: str, extra: dict[str, str] | None = None) -> None:
    """Give ``axis`` the tick formats of ``lang`` (plus ``extra``), starting from pyqtgraph's own."""
    formats = {**DATE_TICK_FORMATS.get(lang, {}), **(extra or {})}
    levels = OrderedDict()
    for spacing, level in pg.DateAxisItem().zoomLevels.items():
        mine = copy.copy(level)
        mine.tickSpecs = [copy.copy(spec) for spec in level.tickSpecs]
        for spec in mine.tickSpecs:
            spec.format = formats.get(spec.format, spec.format)
        levels[spacing] = mine
    axis.zoomLevels = levels


def uncheck_all(group: QButtonGroup) -> None:
    """Leave no button of an exclusive group checked (the view no longer matches a range button)."""
    checked = group.checkedButton()
    if checked is not None:
        group.setExclusive(False)
        checked.setChecked(False)
        group.setExclusive(True)


def date_axis(lang: str | None = None) -> pg.DateAxisItem:
    """A bottom date axis in ``lang`` (default: the language the app speaks now)."""
    from gui.tray import message_language

    axis = pg.DateAxisItem(orientation="bottom")
    localise_date_axis(axis, lang or message_language())
    return axis


HOUR = 3600
DAY = 86400

# Range buttons: (untranslated text, span in seconds). The text doubles as the key of range_buttons.
RANGES: tuple[tuple[str, int], ...] = (
    ("1 h", HOUR),
    ("24 h", DAY),
    ("7 d", 7 * DAY),
    ("30 d", 30 * DAY),
    ("1 y", 365 * DAY),
)
DEFAULT_RANGE = "24 h"

# (in, out) colours per overlaid port; the first port gets the house blue/orange.
PORT_COLOURS: tuple[tuple[str, str], ...] = (
    ("#2b7bba", "#e6550d"),
    ("#31a354", "#756bb1"),
    ("#17becf", "#d62728"),
    ("#8c564b", "#e377c2"),
    ("#1b9e77", "#7f7f7f"),
)

_HOVER_RATE_HZ = 30
_VIEW_SETTLE_MS = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("BandwidthPlot", text)


def tier_text(tier: str) -> str:
    """The translated caption for a tier, e.g. ``"30-minute averages"``."""
    texts = {
        "raw": _tr("raw samples"),
        "5m": _tr("5-minute averages"),
        "30m": _tr("30-minute averages"),
        "2h": _tr("2-hour averages"),
        "1d": _tr("daily averages"),
    }
    return texts.get(tier, tier)


class Series(NamedTuple):
    """One port's plot data: x in epoch seconds, rates in bits/s (NaN = gap), the tier and 95th percentiles."""

    x: np.ndarray
    y_in: np.ndarray
    y_out: np.ndarray
    tier: str
    p95_in: float | None
    p95_out: float | None


def _as_array(values: Sequence[float | None]) -> np.ndarray:
    # numpy turns None into NaN itself when the dtype is float: one C loop, no Python-level comprehension.
    return np.array(values, dtype=float)


def load_series(conn: sqlite3.Connection, port_id: int, from_ts: float, to_ts: float, now: float) -> Series:
    """Load a port's traffic over [from_ts, to_ts] in the tier chosen for the span, plus its 95th percentiles.

    Returns a :class:`Series` (a tuple ``(x, y_in, y_out, tier, p95_in, p95_out)``); gaps (NULL rates, missed
    polls, empty buckets) are NaN so pyqtgraph breaks the line there.
    """
    series = traffic(conn, port_id, from_ts, to_ts, resolution="auto", now=now)
    p95 = percentile95(conn, port_id, from_ts, to_ts, now=now)
    return Series(
        np.array(series.ts, dtype=float),
        _as_array(series.in_bps),
        _as_array(series.out_bps),
        series.tier,
        p95.in_bps,
        p95.out_bps,
    )


class CustomRangeDialog(QDialog):
    """A small dialog with two date-time fields (local time) for a custom graph range."""

    def __init__(self, from_ts: float, to_ts: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Custom range"))
        self.from_edit = self._edit(from_ts)
        self.to_edit = self._edit(to_ts)
        form = QFormLayout(self)
        form.addRow(self.tr("From"), self.from_edit)
        form.addRow(self.tr("To"), self.to_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _edit(ts: float) -> QDateTimeEdit:
        edit = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(ts)))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        return edit

    def selected_range(self) -> tuple[float, float]:
        """The chosen (from, to) in epoch seconds."""
        return float(self.from_edit.dateTime().toSecsSinceEpoch()), float(self.to_edit.dateTime().toSecsSinceEpoch())


class _PortItems(NamedTuple):
    label: str
    curve_in: pg.PlotDataItem
    curve_out: pg.PlotDataItem
    p95_in: pg.InfiniteLine
    p95_out: pg.InfiniteLine


class BandwidthPlot(QWidget):
    """Bandwidth graph of one or more ports, read from the store at ``db_path``.

    Range buttons (1 h ... 1 y) show the last span up to now and follow new polls on :meth:`refresh`; a custom
    range stays fixed. ``clock`` returns "now" in epoch seconds (tests pass a fixed one).
    """

    rangeChanged = Signal(float, float)

    def __init__(
        self,
        db_path: Path | str,
        parent: QWidget | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._db_path = Path(db_path)
        self._conn: sqlite3.Connection | None = None
        self._clock = clock
        self._ports: list[tuple[int, str]] = []
        self._items: dict[int, _PortItems] = {}
        self._series: dict[int, Series] = {}
        self._span: int | None = dict(RANGES)[DEFAULT_RANGE]
        self._range: tuple[float, float] = (0.0, 1.0)
        self.custom_dialog: CustomRangeDialog | None = None
        self._build_plot()
        self._build_controls()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._controls)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.readout)
        self._hover = pg.SignalProxy(
            self.plot_widget.scene().sigMouseMoved, rateLimit=_HOVER_RATE_HZ, slot=self._on_mouse_moved
        )
        # Zooming or panning reloads the new view (a finer tier when zoomed in), once the mouse has settled.
        self._loading = False
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(_VIEW_SETTLE_MS)
        self._view_timer.timeout.connect(self._reload_view)
        self.plot_widget.getPlotItem().getViewBox().sigXRangeChanged.connect(self._on_view_changed)

    # ------------------------------------------------------------------------------------------------ building

    def _build_plot(self) -> None:
        self.plot_widget = pg.PlotWidget(background="w", axisItems={"bottom": date_axis()})
        item = self.plot_widget.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setLabel("left", self.tr("Rate"), units="bit/s")
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen("#444"))
            axis.setTextPen(pg.mkPen("#222"))
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.setMouseEnabled(x=True, y=False)
        item.disableAutoRange(axis="x")
        item.enableAutoRange(axis="y")
        item.getViewBox().setAutoVisible(y=True)
        item.setLimits(yMin=0)
        self.legend = item.addLegend(offset=(10, 10), labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 200))
        self.cursor_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#999", width=1))
        self.cursor_line.setVisible(False)
        item.addItem(self.cursor_line, ignoreBounds=True)
        self.readout = plain(QLabel(" "))
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_controls(self) -> None:
        self._controls = QHBoxLayout()
        self._button_group = QButtonGroup(self)
        self.range_buttons: dict[str, QPushButton] = {}
        for text, span in RANGES:
            button = QPushButton(_tr(text))
            button.setCheckable(True)
            button.setChecked(text == DEFAULT_RANGE)
            button.clicked.connect(lambda _checked=False, s=span: self.set_span(s))
            self._button_group.addButton(button)
            self._controls.addWidget(button)
            self.range_buttons[text] = button
        self.custom_button = QPushButton(self.tr("Custom…"))
        self.custom_button.setCheckable(True)
        self.custom_button.clicked.connect(self._ask_custom_range)
        self._button_group.addButton(self.custom_button)
        self._controls.addWidget(self.custom_button)
        self._controls.addStretch(1)
        self.tier_label = QLabel("")
        self.tier_label.setStyleSheet("color: #555;")
        self._controls.addWidget(self.tier_label)

    # ---------------------------------------------------------------------------------------------------- API

    def set_ports(self, ports: Sequence[tuple[int, str]]) -> None:
        """Show these ports, overlaid: ``[(port_id, label), ...]``; each gets in and out curves and a legend.

        The curves already shown are reused, relabelled, for the first ports; only the ones missing are made:
        making pyqtgraph items costs the GUI thread ~6 ms a port, which the dashboard paid for four ports after
        every poll that changed the busiest uplinks.
        """
        ports = list(ports)
        shown = [self._items[port_id] for port_id, _label in self._ports]
        for items in shown[len(ports) :]:
            self._remove_items(items)
        self._ports = ports
        self._items = {}
        self.legend.setColumnCount(2 if len(ports) > 1 else 1)  # in and out of a port side by side
        for index, (port_id, label) in enumerate(ports):
            if index < len(shown):
                self._items[port_id] = self._relabel(shown[index], label)
            else:
                self._items[port_id] = self._add_items(index, label, len(ports) > 1)
        self.refresh()

    def set_span(self, span_s: int) -> None:
        """Show the last ``span_s`` seconds up to now (follows new data on :meth:`refresh`)."""
        self._span = span_s
        self._restore_checked()
        self.refresh()

    def set_range(self, from_ts: float, to_ts: float) -> None:
        """Show a fixed range [from_ts, to_ts] (epoch seconds)."""
        if to_ts <= from_ts:
            return
        self._span = None
        self.custom_button.setChecked(True)
        self._load(from_ts, to_ts)

    def current_range(self) -> tuple[float, float]:
        """The range (from, to) in epoch seconds last loaded."""
        return self._range

    def curves(self, port_id: int) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
        """The (in, out) curves of a shown port."""
        items = self._items[port_id]
        return items.curve_in, items.curve_out

    def p95_lines(self, port_id: int) -> tuple[pg.InfiniteLine, pg.InfiniteLine]:
        """The (in, out) dashed 95th-percentile lines of a shown port."""
        items = self._items[port_id]
        return items.p95_in, items.p95_out

    def refresh(self) -> None:
        """Reload the current range; a preset range moves on to end at now (called when a poll lands)."""
        if self._span is not None:
            now = self._clock()
            self._load(now - self._span, now)
        else:
            self._load(*self._range)

    def readout_text(self, x: float) -> str:
        """The hover text for the point nearest to ``x``: local time, then in and out of each port."""
        parts: list[str] = []
        stamp: float | None = None
        for port_id, label in self._ports:
            series = self._series.get(port_id)
            if series is None or not len(series.x):
                continue
            i = _nearest(series.x, x)
            stamp = series.x[i] if stamp is None else stamp
            rates = self.tr("in {0}  out {1}").format(format_bps(series.y_in[i], "–"), format_bps(series.y_out[i], "–"))
            parts.append(rates if len(self._ports) == 1 else f"{label}: {rates}")
        if stamp is None:
            return ""
        when = datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")
        return "  ".join([when, *parts])

    def close_store(self) -> None:
        """Close the read connection (reopened on the next load)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # ------------------------------------------------------------------------------------------------ loading

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self._db_path, readonly=True)
            # Plain tuples: the history queries index rows by position, and sqlite3.Row costs ~2x on a year.
            self._conn.row_factory = None
        return self._conn

    def _load(self, from_ts: float, to_ts: float) -> None:
        self._range = (from_ts, to_ts)
        now = self._clock()
        tiers: set[str] = set()
        self._series = {}
        for port_id, _label in self._ports:
            series = load_series(self._connection(), port_id, from_ts, to_ts, now)
            self._series[port_id] = series
            self._show(self._items[port_id], series)
            tiers.add(series.tier)
        self.tier_label.setText(", ".join(tier_text(t) for t in sorted(tiers)))
        self._loading = True
        try:
            self.plot_widget.getPlotItem().setXRange(from_ts, to_ts, padding=0)
        finally:
            self._loading = False
        self._view_timer.stop()
        self.rangeChanged.emit(from_ts, to_ts)

    def _on_view_changed(self, _view: object, _x_range: object) -> None:
        if not self._loading:
            self._view_timer.start()

    def view_range(self) -> tuple[float, float]:
        """The x range (epoch seconds) the user is looking at now."""
        (x0, x1), _y = self.plot_widget.getPlotItem().getViewBox().viewRange()
        return float(x0), float(x1)

    def _reload_view(self) -> None:
        """Load the zoomed or panned view if it needs other data: another tier, or time outside what is loaded."""
        x0, x1 = self.view_range()
        if x1 <= x0:
            return
        loaded = {s.tier for s in self._series.values()}
        wanted = choose_tier(x0, x1, self._clock())
        lo, hi = self._range
        if loaded == {wanted} and x0 >= lo and x1 <= hi:
            return
        self._span = None
        uncheck_all(self._button_group)
        self._load(x0, x1)

    def _show(self, items: _PortItems, series: Series) -> None:
        items.curve_in.setData(series.x, series.y_in, connect="finite")
        items.curve_out.setData(series.x, series.y_out, connect="finite")
        prefix = f"{items.label} " if len(self._ports) > 1 else ""
        captions = (self.tr("95th in: {0}"), self.tr("95th out: {0}"))
        lines = ((items.p95_in, series.p95_in), (items.p95_out, series.p95_out))
        for (line, value), caption in zip(lines, captions, strict=True):
            # Overlaid ports would bury the curves under 2 x N labelled lines: the 95th percentile is shown for a
            # single port (and its value stays available through p95_lines()).
            line.setVisible(value is not None and len(self._ports) == 1)
            if value is not None:
                line.setValue(value)
                line.label.setFormat(prefix + caption.format(format_bps(value, "–")))

    def _add_items(self, index: int, label: str, overlaid: bool) -> _PortItems:
        colour_in, colour_out = PORT_COLOURS[index % len(PORT_COLOURS)]
        item = self.plot_widget.getPlotItem()
        # The legend shows names as HTML: a port label (device text) is escaped so it shows as written.
        curve_in = item.plot(name=esc(self.tr("{0} in").format(label)), pen=pg.mkPen(colour_in, width=1.5))
        curve_out = item.plot(name=esc(self.tr("{0} out").format(label)), pen=pg.mkPen(colour_out, width=1.5))
        # Labels sit at the right (the legend is top left), staggered so several ports' labels do not overlap.
        pos_in = 0.99 - 0.24 * (index % 4)
        # "in" labelled above its line and "out" below, so equal values never put one label over the other.
        line_in = _p95_line(colour_in, pos_in, above=True)
        line_out = _p95_line(colour_out, pos_in, above=False)
        item.addItem(line_in, ignoreBounds=True)
        item.addItem(line_out, ignoreBounds=True)
        return _PortItems(label, curve_in, curve_out, line_in, line_out)

    def _relabel(self, items: _PortItems, label: str) -> _PortItems:
        """The same curves under another port's name (in the legend too)."""
        names = (esc(self.tr("{0} in").format(label)), esc(self.tr("{0} out").format(label)))
        for curve, name in zip((items.curve_in, items.curve_out), names, strict=True):
            curve.opts["name"] = name
            legend_label = self.legend.getLabel(curve)
            if legend_label is not None:
                legend_label.setText(name)
        return items._replace(label=label)

    def _remove_items(self, items: _PortItems) -> None:
        item = self.plot_widget.getPlotItem()
        for thing in (items.curve_in, items.curve_out, items.p95_in, items.p95_out):
            item.removeItem(thing)

    # ------------------------------------------------------------------------------------------------- events

    def _ask_custom_range(self) -> None:
        self.custom_dialog = CustomRangeDialog(*self._range, parent=self)
        self.custom_dialog.accepted.connect(self._custom_range_chosen)
        self.custom_dialog.rejected.connect(self._restore_checked)
        self.custom_dialog.open()

    def _custom_range_chosen(self) -> None:
        assert self.custom_dialog is not None
        self.set_range(*self.custom_dialog.selected_range())

    def _restore_checked(self) -> None:
        if self._span is not None:
            for text, span in RANGES:
                self.range_buttons[text].setChecked(span == self._span)

    def _on_mouse_moved(self, event: tuple[QPointF]) -> None:
        pos = event[0]
        item = self.plot_widget.getPlotItem()
        if not item.sceneBoundingRect().contains(pos):
            return
        x = item.getViewBox().mapSceneToView(pos).x()
        text = self.readout_text(x)
        self.readout.setText(text or " ")
        self.cursor_line.setVisible(bool(text))
        self.cursor_line.setValue(x)


def _p95_line(colour: str, label_pos: float, *, above: bool) -> pg.InfiniteLine:
    anchor = (1, 1) if above else (1, 0)
    return pg.InfiniteLine(
        angle=0,
        pen=pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine),
        label="",
        labelOpts={"position": label_pos, "color": colour, "anchors": [anchor, anchor], "fill": (255, 255, 255, 180)},
    )


def _nearest(x: np.ndarray, value: float) -> int:
    """Index of the element of the sorted array ``x`` nearest to ``value``."""
    i = int(np.searchsorted(x, value))
    if i <= 0:
        return 0
    if i >= len(x):
        return len(x) - 1
    return i if x[i] - value < value - x[i - 1] else i - 1
