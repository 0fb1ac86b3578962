"""Wireless counts over time: clients (in all and per SSID) and APs online and registered, for one device or summed
over the school.

:func:`device_counts` and :func:`summed_counts` read the store (Qt-free, run on a worker thread); :class:`CountPlot`
draws them, a sibling of :class:`gui.plot.BandwidthPlot` with the same range buttons, custom range, zoom that loads
the view again and hover readout, over two plots sharing the time axis.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Qt, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.plain_text import esc, plain
from gui.plot import DEFAULT_RANGE, RANGES, CustomRangeDialog, date_axis, tier_text, uncheck_all
from gui.plumbing import Relay, Submit, one_line
from monitor.polling import wireless
from monitor.storage.history import choose_tier
from monitor.storage.store import ROLLUP_TIERS, connect

DASH = "—"  # a figure the device does not give (never shown as 0)
ONLINE_COLOUR = "#2ca02c"
CLIENTS_COLOUR = "#2b7bba"
SSID_COLOURS = ("#e6550d", "#756bb1", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#1b9e77", "#d62728")
_HOVER_RATE_HZ = 30
_VIEW_SETTLE_MS = 300

# A line of the graph: (kind, name) as monitor.polling.wireless.series names it ("ssid", SSID) or ("clients", "").
LineKey = tuple[str, str]
CLIENTS: LineKey = ("clients", "")
APS_ONLINE: LineKey = ("aps_online", "")
APS_TOTAL: LineKey = ("aps_total", "")
AP_COLOUR = "#d81b60"  # the selected AP's clients


# ------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Counts:
    """Counts over time for :class:`CountPlot`: x (epoch seconds) and y (NaN for gaps) per line, and their tier."""

    tier: str
    lines: dict[LineKey, tuple[np.ndarray, np.ndarray]]


def _arrays(series: wireless.CountSeries) -> tuple[np.ndarray, np.ndarray]:
    return np.array(series.ts, dtype=float), np.array(series.avg, dtype=float)


def device_counts(
    db_path: Path, device_id: int, from_ts: float, to_ts: float, now: float, ap: str | None = None
) -> Counts:
    """A device's clients (in all and per SSID) and APs online and registered over [from_ts, to_ts]; with ``ap``
    (an AP key), that AP's clients too."""
    conn = connect(db_path, readonly=True)
    try:
        keys = [CLIENTS, APS_ONLINE, APS_TOTAL]
        names = wireless.series_names(conn, device_id)
        keys += [("ssid", name) for name in names["ssid"]]
        if ap is not None and ap in names["ap"]:
            keys.append(("ap", ap))
        lines: dict[LineKey, tuple[np.ndarray, np.ndarray]] = {}
        tier = "raw"
        for kind, name in keys:
            series = wireless.series(conn, device_id, kind, name, from_ts, to_ts, now=now)
            tier = series.tier
            if series.ts:
                lines[(kind, name)] = _arrays(series)
        return Counts(tier, lines)
    finally:
        conn.close()


def summed_counts(db_path: Path, device_ids: Sequence[int] | None, from_ts: float, to_ts: float, now: float) -> Counts:
    """The same counts summed over several devices (None: every device with wireless data), bucket by bucket, in
    buckets of at least 5 minutes since each device polls at its own moments. A bucket is the sum of the devices
    with a value there; none: a gap."""
    conn = connect(db_path, readonly=True)
    try:
        if device_ids is None:
            device_ids = [s.device_id for s in wireless.summaries(conn)]
        tier = choose_tier(from_ts, to_ts, now)
        tier = "5m" if tier == "raw" else tier
        size = ROLLUP_TIERS[tier][0]
        grid = np.arange(math.floor(from_ts / size) * size, math.ceil(to_ts / size) * size, size, dtype=float)
        parts: dict[LineKey, list[np.ndarray]] = {}
        for device_id in device_ids:
            names = wireless.series_names(conn, device_id)
            keys = [CLIENTS, APS_ONLINE, APS_TOTAL] + [("ssid", n) for n in names["ssid"]]
            for kind, name in keys:
                series = wireless.series(conn, device_id, kind, name, from_ts, to_ts, resolution=tier, now=now)
                if series.ts:
                    parts.setdefault((kind, name), []).append(np.array(series.avg, dtype=float))
        lines = {}
        for key, arrays in parts.items():
            stack = np.vstack(arrays)
            missing = np.isnan(stack).all(axis=0)
            lines[key] = (grid, np.where(missing, np.nan, np.nansum(stack, axis=0)))
        return Counts(tier, lines)
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------------ the graph


class CountPlot(QWidget):
    """Counts over time: clients (in all, and per SSID where ticked) above, APs online and registered below.

    The range buttons and the custom range are :class:`gui.plot.BandwidthPlot`'s (24 h by default); zooming or
    panning loads the view again once the mouse settles (a finer tier when zoomed in); hovering reads the counts
    out. The data comes from ``reader(from_ts, to_ts, now)`` (a :class:`Counts`), run off the GUI thread through
    ``submit``; the newest request wins.

    Signals:
        loaded(): a read is drawn.
    """

    loaded = Signal()

    def __init__(self, submit: Submit, parent: QWidget | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._submit = submit
        self._clock = clock
        self._relay = Relay(self)
        self._reader: Callable[[float, float, float], Counts] | None = None
        self._span: int | None = dict(RANGES)[DEFAULT_RANGE]
        self._range: tuple[float, float] = (0.0, 1.0)
        self._generation = 0
        self._counts = Counts("raw", {})
        self._curves: dict[LineKey, pg.PlotDataItem] = {}
        self.hidden: set[LineKey] = set()
        self.ap_labels: dict[str, str] = {}  # AP key -> the name its line is called by
        self.custom_dialog: CustomRangeDialog | None = None
        self._build_plots()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._build_controls())
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self._hover = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=_HOVER_RATE_HZ, slot=self._hovered)
        # Zooming or panning with the mouse loads the new view once the mouse settles. Only the user's own changes
        # count: the views also move when the layout settles, and reloading then would chase itself.
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(_VIEW_SETTLE_MS)
        self._view_timer.timeout.connect(self._reload_view)
        for plot in (self.clients_plot, self.aps_plot):
            plot.getViewBox().sigRangeChangedManually.connect(lambda _mask: self._view_timer.start())

    def _build_plots(self) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        # One legend for both plots, in a row of its own above them: inside a plot it would hide the morning.
        self.legend = pg.LegendItem(labelTextColor="#222")
        self.graphics.addItem(self.legend, row=0, col=0)
        self.clients_plot = self.graphics.addPlot(row=1, col=0, axisItems={"bottom": date_axis()})
        self.aps_plot = self.graphics.addPlot(row=2, col=0, axisItems={"bottom": date_axis()})
        self.aps_plot.setXLink(self.clients_plot)
        self.graphics.ci.layout.setRowStretchFactor(0, 0)
        self.graphics.ci.layout.setRowStretchFactor(1, 3)
        self.graphics.ci.layout.setRowStretchFactor(2, 1)
        for plot, label in ((self.clients_plot, self.tr("Clients")), (self.aps_plot, self.tr("APs"))):
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setLabel("left", label)
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(pg.mkPen("#444"))
                plot.getAxis(name).setTextPen(pg.mkPen("#222"))
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.setMouseEnabled(x=True, y=False)
            plot.disableAutoRange(axis="x")
            plot.enableAutoRange(axis="y")
            plot.getViewBox().setAutoVisible(y=True)
            plot.setLimits(yMin=0)
            plot.getAxis("left").setWidth(56)  # both plots' x axes line up
        # APs from 0, so one AP down of twelve looks like one of twelve (auto-ranged, 11 to 12 would fill it).
        self.aps_plot.disableAutoRange(axis="y")
        self.cursor_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#999", width=1))
        self.cursor_line.setVisible(False)
        self.clients_plot.addItem(self.cursor_line, ignoreBounds=True)
        self.readout = plain(QLabel(" "))
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self._buttons = QButtonGroup(self)
        self.range_buttons: dict[str, QPushButton] = {}
        for text, span in RANGES:
            button = QPushButton(QCoreApplication.translate("BandwidthPlot", text))
            button.setCheckable(True)
            button.setChecked(text == DEFAULT_RANGE)
            button.clicked.connect(lambda _checked=False, s=span: self.set_span(s))
            self._buttons.addButton(button)
            row.addWidget(button)
            self.range_buttons[text] = button
        self.custom_button = QPushButton(QCoreApplication.translate("BandwidthPlot", "Custom…"))
        self.custom_button.setCheckable(True)
        self.custom_button.clicked.connect(self._ask_custom_range)
        self._buttons.addButton(self.custom_button)
        row.addWidget(self.custom_button)
        row.addStretch(1)
        self.tier_label = QLabel("")
        self.tier_label.setStyleSheet("color: #555;")
        row.addWidget(self.tier_label)
        return row

    # ---------------------------------------------------------------------------------------------------- API

    def set_reader(self, reader: Callable[[float, float, float], Counts] | None, *, load: bool = True) -> None:
        """Draw what ``reader`` gives (None: nothing); ``load``: load the current range now."""
        self._reader = reader
        self._counts = Counts("raw", {})
        self._draw()
        if load:
            self.refresh()

    def set_span(self, span_s: int) -> None:
        """Show the last ``span_s`` seconds up to now (it follows new polls on :meth:`refresh`)."""
        self._span = span_s
        for text, span in RANGES:
            self.range_buttons[text].setChecked(span == span_s)
        self.refresh()

    def set_range(self, from_ts: float, to_ts: float) -> None:
        """Show a fixed range [from_ts, to_ts] (epoch seconds)."""
        if to_ts > from_ts:
            self._span = None
            self.custom_button.setChecked(True)
            self._load(from_ts, to_ts)

    def current_range(self) -> tuple[float, float]:
        """The range (from, to) last asked for."""
        return self._range

    def refresh(self) -> None:
        """Load the current range again; a preset range moves on to end at now."""
        if self._span is not None:
            now = self._clock()
            self._load(now - self._span, now)
        else:
            self._load(*self._range)

    def set_line_visible(self, key: LineKey, shown: bool) -> None:
        """Show or hide one line (an SSID's: ``("ssid", name)``)."""
        (self.hidden.discard if shown else self.hidden.add)(key)
        self._draw()

    def curve(self, key: LineKey) -> pg.PlotDataItem | None:
        """The drawn curve of a line, or None when it is not drawn."""
        return self._curves.get(key)

    def counts(self) -> Counts:
        """The counts last loaded."""
        return self._counts

    # ------------------------------------------------------------------------------------------------ loading

    def _load(self, from_ts: float, to_ts: float) -> None:
        self._range = (from_ts, to_ts)
        self.clients_plot.setXRange(from_ts, to_ts, padding=0)
        self._view_timer.stop()
        if self._reader is None:
            return
        self._generation += 1
        generation = self._generation
        future = self._submit(asyncio.to_thread(self._reader, from_ts, to_ts, self._clock()))
        self._relay.then(future, lambda counts, error: self._loaded(generation, counts, error))

    def _loaded(self, generation: int, counts: Counts | None, error: BaseException | None) -> None:
        if generation != self._generation:
            return  # a newer request is under way
        if error is not None or counts is None:
            self.tier_label.setText(
                self.tr("Could not read the history: {0}").format(one_line(error or RuntimeError()))
            )
            return
        self._counts = counts
        self.tier_label.setText(tier_text(counts.tier))
        self._draw()
        self.loaded.emit()

    def _line_name(self, key: LineKey) -> str:
        names = {
            CLIENTS: self.tr("Clients in all"),
            APS_ONLINE: self.tr("APs online"),
            APS_TOTAL: self.tr("APs registered"),
        }
        if key[0] == "ap":
            return self.tr("AP %1").replace("%1", self.ap_labels.get(key[1], key[1]))
        return names.get(key, key[1])

    def _pen(self, key: LineKey, ssids: list[str]) -> Any:
        if key[0] == "ap":
            return pg.mkPen(AP_COLOUR, width=2.5)
        if key == CLIENTS:
            return pg.mkPen(CLIENTS_COLOUR, width=2)
        if key == APS_ONLINE:
            return pg.mkPen(ONLINE_COLOUR, width=1.5)
        if key == APS_TOTAL:
            return pg.mkPen("#7f7f7f", width=1, style=Qt.PenStyle.DashLine)
        return pg.mkPen(SSID_COLOURS[ssids.index(key[1]) % len(SSID_COLOURS)], width=1.2)

    def _draw(self) -> None:
        """(Re)draw the loaded lines that are not hidden, creating and removing curves as needed."""
        lines = self._counts.lines
        ssids = sorted(name for kind, name in lines if kind == "ssid")
        aps = [k for k in lines if k[0] == "ap"]
        wanted = [k for k in (CLIENTS, *(("ssid", s) for s in ssids), *aps, APS_TOTAL, APS_ONLINE) if k in lines]
        wanted = [k for k in wanted if k not in self.hidden]
        for key in [k for k in self._curves if k not in wanted]:
            curve = self._curves.pop(key)
            (self.aps_plot if key in (APS_ONLINE, APS_TOTAL) else self.clients_plot).removeItem(curve)
        for key in wanted:
            x, y = lines[key]
            if key not in self._curves:
                plot = self.aps_plot if key in (APS_ONLINE, APS_TOTAL) else self.clients_plot
                self._curves[key] = plot.plot(pen=self._pen(key, ssids))
            self._curves[key].setData(x, y, connect="finite")
        self.legend.clear()
        self.legend.setColumnCount(max(1, len(wanted)))
        for key in wanted:
            self.legend.addItem(self._curves[key], esc(self._line_name(key)))  # legends are HTML; SSIDs are not
        self.graphics.ci.layout.setRowFixedHeight(0, self.legend.boundingRect().height())
        ap_counts = [lines[k][1] for k in (APS_ONLINE, APS_TOTAL) if k in lines and len(lines[k][1])]
        top = max((float(np.nanmax(y)) for y in ap_counts if not np.isnan(y).all()), default=1.0)
        self.aps_plot.setYRange(0, top * 1.15 + 0.5, padding=0)

    # ------------------------------------------------------------------------------------------------- events

    def view_range(self) -> tuple[float, float]:
        """The x range (epoch seconds) on screen now."""
        (x0, x1), _y = self.clients_plot.getViewBox().viewRange()
        return float(x0), float(x1)

    def _reload_view(self) -> None:
        """Load a zoomed or panned view when it needs other data: another tier, or time outside what is loaded."""
        x0, x1 = self.view_range()
        lo, hi = self._range
        if x1 <= x0 or (
            x0 >= lo and x1 <= hi and choose_tier(x0, x1, self._clock()) == choose_tier(lo, hi, self._clock())
        ):
            return
        self._span = None
        uncheck_all(self._buttons)
        self._load(x0, x1)

    def _back_to_span(self) -> None:
        """The custom range was cancelled: show the span chosen before it again."""
        if self._span is not None:
            self.set_span(self._span)

    def _ask_custom_range(self) -> None:
        self.custom_dialog = CustomRangeDialog(*self._range, parent=self)
        dialog = self.custom_dialog
        dialog.accepted.connect(lambda: self.set_range(*dialog.selected_range()))
        dialog.rejected.connect(self._back_to_span)
        self.custom_dialog.open()

    def readout_text(self, x: float) -> str:
        """The hover text at time ``x``: local time of the nearest point, then each drawn line's value."""
        parts: list[str] = []
        stamp: float | None = None
        for key in self._curves:
            xs, ys = self._counts.lines[key]
            if not len(xs):
                continue
            i = int(np.clip(np.searchsorted(xs, x), 0, len(xs) - 1))
            if i and abs(xs[i - 1] - x) < abs(xs[i] - x):
                i -= 1
            stamp = xs[i] if stamp is None else stamp
            value = DASH if math.isnan(ys[i]) else f"{ys[i]:,.0f}"
            parts.append(f"{self._line_name(key)} {value}")
        if stamp is None:
            return ""
        return "  ".join([datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M"), *parts])

    def _hovered(self, event: tuple[QPointF]) -> None:
        pos = event[0]
        if not self.clients_plot.sceneBoundingRect().contains(pos) and not self.aps_plot.sceneBoundingRect().contains(
            pos
        ):
            return
        x = self.clients_plot.getViewBox().mapSceneToView(pos).x()
        text = self.readout_text(x)
        self.readout.setText(text or " ")
        self.cursor_line.setVisible(bool(text))
        self.cursor_line.setValue(x)
