"""The command line's ``demo`` command: the simulated school (:mod:`monitor.demo`) in its own store, shown in the
desktop app or polled headless until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.errors import InputError
from monitor.cli.common import number_in, stop_on_signals

log = logging.getLogger("campusnet")


def add_parsers(sub: Any) -> None:
    """The ``demo`` command."""
    demo = sub.add_parser("demo", help="a simulated school network on 127.0.0.1, polled and shown in the GUI")
    demo.add_argument(
        "--speed",
        type=number_in(1, 10_000),
        default=60.0,
        help="fast-forward factor for the school day, 1-10000 (default 60)",
    )
    demo.add_argument(
        "--interval", type=number_in(2, 3600, unit=" s"), default=15.0, help="seconds between polls (default 15)"
    )
    demo.add_argument("--headless", action="store_true", help="poll the demo without opening the window")


# Set by main.py when the desktop app is available: (store, speed, interval) -> exit status. The core never imports
# the GUI itself.
GUI_DEMO: Callable[[Path, float, float], int] | None = None


def cmd_demo(args: argparse.Namespace, db: Path | None) -> int:
    """demo: the simulated school in its own store (never the school's real one)."""
    from monitor.demo.runtime import default_demo_db, run_demo_headless

    demo_db = db or default_demo_db()
    if not args.headless:
        if GUI_DEMO is None:
            raise InputError("no window available here: use 'demo --headless'")
        return GUI_DEMO(demo_db, args.speed, args.interval)
    from monitor.storage.lock import PollerLock

    stop = threading.Event()
    with PollerLock(demo_db) as lock:
        lock.hold("demo")
        log.info("demo network polled into %s every %.0f s (Ctrl+C to stop)", demo_db, args.interval)
        with stop_on_signals(stop.set):
            run_demo_headless(demo_db, args.speed, args.interval, stop, wireless=True)
    log.info("stopped")
    return 0
