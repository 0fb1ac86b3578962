"""Running the demo: polled into its store without a window, or served from a process of its own.

- :func:`run_demo_headless`: the agent, the demo store (:func:`default_demo_db` unless told otherwise) and a Poller
  until a stop event is set, with a week of history written after the first cycle (``main.py demo --headless``).
- :func:`serve`: the (large) school served until SIGTERM or SIGINT; :func:`spawn_agent` starts it in another process
  (``python -m monitor.demo --serve``, see :mod:`monitor.demo.__main__`), so a benchmark's agent CPU is not the
  measured process's.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from monitor.demo.backfill import backfill
from monitor.demo.network import DemoNetwork, build_large_school
from monitor.polling.scheduler import CycleResult, Poller

log = logging.getLogger(__name__)


def default_demo_db() -> Path:
    """Where the demo keeps its own store: ``<user data dir>/CampusNet/demo.db`` (the folder is created)."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("CampusNet", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "demo.db"


def run_demo_headless(
    db_path: Path | str,
    speed: float = 1.0,
    interval: float = 60.0,
    stop_event: threading.Event | None = None,
    *,
    start: float | None = None,
    on_cycle: Callable[[CycleResult], None] | None = None,
    backfill_days: int = 7,
    wireless: bool = False,
) -> None:
    """Start the demo agent, bring the store at ``db_path`` up to date and poll it every ``interval`` seconds until
    ``stop_event`` is set (blocks; runs its own asyncio loop). Uplinks are marked after the first cycle, then
    :func:`backfill` writes ``backfill_days`` days of history (0: none) on a worker thread before the next one.
    ``wireless``: the network has the wireless controller too."""
    stop = stop_event or threading.Event()
    asyncio.run(_headless(Path(db_path), speed, interval, stop, start, on_cycle, backfill_days, wireless))


async def _headless(
    db_path: Path,
    speed: float,
    interval: float,
    stop: threading.Event,
    start: float | None,
    on_cycle: Callable[[CycleResult], None] | None,
    backfill_days: int,
    wireless: bool,
) -> None:
    net = DemoNetwork(speed, start, wireless=wireless)
    await net.start_async()
    try:
        net.ensure_store(db_path)
        poller = Poller(db_path, interval=interval, on_cycle=on_cycle)
        try:
            first = True
            while not stop.is_set():
                await poller.run_cycle()
                if first:
                    first = False
                    if backfill_days > 0:
                        rows = await asyncio.to_thread(backfill, db_path, backfill_days, network=net, stop=stop)
                        log.info("demo history: %d samples written for the last %d days", rows, backfill_days)
                await _wait(stop, interval)
        finally:
            poller.close()
    finally:
        await net.stop_async()


async def _wait(stop: threading.Event, seconds: float) -> None:
    """Sleep up to ``seconds``, waking within 0.1 s of ``stop`` being set."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not stop.is_set() and loop.time() < deadline:
        await asyncio.sleep(min(0.1, max(0.0, deadline - loop.time())))


# ---------------------------------------------------------------------------------------------------------------
# Serving from another process: python -m monitor.demo --serve --devices 200 --port 0 --speed 60


def spawn_agent(devices: int, db_path: Path) -> tuple[subprocess.Popen[str], int]:
    """Start ``python -m monitor.demo --serve`` in its own process, registering its switches in ``db_path``.

    Returns the process (stop it with SIGTERM) and the UDP port, printed once the store is ready. Benchmarks use it
    so the agent's CPU is not the measured process's.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.demo", "--serve", "--devices", str(devices), "--db", str(db_path)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "CAMPUSNET_SECRETS": os.environ.get("CAMPUSNET_SECRETS", "file")},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip().isdigit():
        proc.kill()
        raise RuntimeError(f"the demo agent did not start: {line!r}")
    return proc, int(line)


async def serve(
    devices: int,
    port: int = 0,
    speed: float = 1.0,
    db_path: Path | None = None,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Serve the school (``devices`` switches in all, see :func:`monitor.demo.network.build_large_school`) until
    SIGTERM or SIGINT.

    With ``db_path``, the switches are also registered in that store (:meth:`DemoNetwork.ensure_store`) before
    ``ready(port)`` is called.
    """
    net = build_large_school(devices, speed=speed)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    bound = await net.start_async(port)
    try:
        if db_path is not None:
            await asyncio.to_thread(net.ensure_store, db_path)
        if ready is not None:
            ready(bound)
        await stop.wait()
    finally:
        await net.stop_async()
