"""Bandwidth graph benchmark: prints figures, asserts nothing.

Fills a temporary store with a year of 2-hour rollups, 30 days of 30-minute rollups and 7 days of raw 60 s
samples per port, then times (median of 5 runs) a :class:`gui.plot.BandwidthPlot` from the 1 y button and
``set_ports`` to its curves holding the data and ``processEvents()`` having run (opening the read connection
included), then with a full render (``grab()``), for 1 port and for 4 ports overlaid. Also times ``load_series``.

Run offscreen: QT_QPA_PLATFORM=offscreen uv run python bench/gui_plot_bench.py
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from PySide6.QtWidgets import QApplication

from gui.plot import BandwidthPlot, load_series
from monitor.storage.store import connect

DAY = 86400
NOW = 1_795_000_000 // 7200 * 7200  # a fixed "now" in late 2026, aligned to every bucket size
RUNS = 5
PORTS = 4


def _rates(ts: np.ndarray, rng: np.random.Generator, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """A daily pattern with noise, in bits/s; about 1% of the values are gaps (NaN)."""
    daily = 0.5 + 0.45 * np.sin(2 * np.pi * (ts % DAY) / DAY)
    rate_in = scale * daily * rng.uniform(0.6, 1.4, len(ts))
    rate_out = 0.4 * scale * daily * rng.uniform(0.6, 1.4, len(ts))
    gaps = rng.random(len(ts)) < 0.01
    rate_in[gaps] = np.nan
    rate_out[gaps] = np.nan
    return rate_in, rate_out


def _none(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in values]


def _fill_rollup(conn: sqlite3.Connection, table: str, port_id: int, size: int, days: int, scale: float) -> None:
    ts = np.arange(NOW - days * DAY, NOW, size)
    rate_in, rate_out = _rates(ts, np.random.default_rng(port_id * 31 + size), scale)
    rows = [
        (port_id, int(t), 1, i, i, o, o)
        for t, i, o in zip(ts, _none(rate_in), _none(rate_out), strict=True)
        if i is not None or o is not None
    ]
    conn.executemany(
        f"INSERT INTO {table} (port_id, ts, n, in_avg, in_max, out_avg, out_max) VALUES (?,?,?,?,?,?,?)", rows
    )


def _fill_raw(conn: sqlite3.Connection, port_id: int, scale: float) -> None:
    ts = np.arange(NOW - 7 * DAY, NOW, 60)
    rate_in, rate_out = _rates(ts, np.random.default_rng(port_id), scale)
    rows = [(port_id, int(t), i, o) for t, i, o in zip(ts, _none(rate_in), _none(rate_out), strict=True)]
    conn.executemany("INSERT INTO samples (port_id, ts, in_bps, out_bps) VALUES (?, ?, ?, ?)", rows)


def build_store(path: Path, ports: int = PORTS) -> None:
    """A store with ``ports`` ports of one device, each with a year of history in every display tier."""
    conn = connect(path)
    conn.execute("INSERT INTO devices (name, host, created) VALUES ('core', '10.0.0.1', 0)")
    for port_id in range(1, ports + 1):
        name = f"Gi0/{port_id}"
        conn.execute("INSERT INTO ports (id, device_id, key, name) VALUES (?, 1, ?, ?)", (port_id, name, name))
        scale = 2e8 * port_id
        _fill_rollup(conn, "rollup_2h", port_id, 7200, 366, scale)
        _fill_rollup(conn, "rollup_30m", port_id, 1800, 30, scale)
        _fill_raw(conn, port_id, scale)
    for tier in ("5m", "30m", "2h", "1d"):
        conn.execute("INSERT INTO rollup_state (tier, done_until) VALUES (?, ?)", (tier, NOW))
    conn.commit()
    conn.close()


def _median_ms(fn: Callable[[], None]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _widget_run(app: QApplication, widget: BandwidthPlot, ports: int, render: bool) -> Callable[[], None]:
    """One timed run on a reused widget: the read connection is closed first, so opening it is timed too."""

    def run() -> None:
        widget.set_ports([])
        widget.close_store()
        widget.range_buttons["24 h"].click()
        app.processEvents()
        start = time.perf_counter()
        widget.range_buttons["1 y"].click()  # no ports yet: loads nothing
        widget.set_ports([(p, f"Gi0/{p}") for p in range(1, ports + 1)])
        app.processEvents()
        if render:
            widget.grab()
        _elapsed.append(time.perf_counter() - start)

    return run


_elapsed: list[float] = []


def _median_run_ms(run: Callable[[], None]) -> float:
    _elapsed.clear()
    for _ in range(RUNS):
        run()
    return statistics.median(_elapsed) * 1000


def _run_case(path: Path, ports: int, render: bool) -> None:
    """Time one case on one widget (run in its own process, see :func:`main`)."""
    app = QApplication.instance() or QApplication(sys.argv)
    widget = BandwidthPlot(path, clock=lambda: NOW)
    widget.resize(1000, 500)
    widget.show()
    _widget_run(app, widget, ports, True)()  # warm-up: fonts, first paint
    ms = _median_run_ms(_widget_run(app, widget, ports, render))
    what = "1 y + set_ports + processEvents + grab()" if render else "1 y + set_ports + processEvents"
    print(f"widget, {ports} port(s): {what}: {ms:7.1f} ms", flush=True)
    widget.close_store()


def main() -> None:
    """Build the store, time load_series here and each widget case in a fresh process, print the figures.

    Fresh processes because PySide6 6.12 on Python 3.11 drops a reference to None/True/False on void calls:
    a long-lived process running many widget cycles dies with "deallocating None".
    """
    if len(sys.argv) == 5 and sys.argv[1] == "--case":
        _run_case(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "render")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        build_store(path)
        print(f"store built in {time.perf_counter() - start:.1f} s ({path.stat().st_size / 1e6:.1f} MB)", flush=True)
        conn = connect(path, readonly=True)
        conn.row_factory = None  # as the widget does
        for label, span in (("1 y", 365 * DAY), ("30 d", 30 * DAY), ("7 d", 7 * DAY), ("24 h", DAY)):
            ms = _median_ms(lambda span=span: load_series(conn, 1, NOW - span, NOW, NOW) and None)
            print(f"load_series {label:>4}, 1 port: {ms:7.1f} ms", flush=True)
        conn.close()
        for ports in (1, PORTS):
            for render in ("data", "render"):
                subprocess.run([sys.executable, __file__, "--case", str(path), str(ports), render], check=False)


if __name__ == "__main__":
    main()
