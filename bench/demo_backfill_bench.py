"""Demo benchmark: prints figures, asserts nothing.

1. Backfill: how long :func:`monitor.demo.backfill.backfill` takes to write the school's history (7 days of raw
   samples at 5-minute steps; optionally 400 days, the older part written straight into the rollup tiers), rows and
   store size.
2. A poll cycle over the simulated network of N switches (default 200: the school plus stand-alone 24/48-port
   access switches), served by ``python -m monitor.demo --serve`` in its own process, polled by the project's
   Poller (concurrency 32): wall time of two cycles, devices up, the agent's CPU time.

Only 127.0.0.1 is contacted. Run: uv run python bench/demo_backfill_bench.py [--days 7 400] [--devices 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.demo.backfill import backfill
from monitor.demo.network import DemoNetwork
from monitor.demo.runtime import spawn_agent
from monitor.polling.scheduler import Poller
from monitor.storage.store import connect

REPO = Path(__file__).resolve().parent.parent
TABLES = ("samples", "rollup_5m", "rollup_30m", "rollup_2h", "rollup_1d")


def bench_backfill(days: int) -> None:
    """Backfill a fresh demo store for ``days`` days and print time, rows and size."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        net = DemoNetwork()
        net.ensure_store(db, port=16100)  # no agent needed: backfill only uses the model
        t0 = time.perf_counter()
        rows = backfill(db, days, network=net)
        elapsed = time.perf_counter() - t0
        conn = connect(db)
        try:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
            ports = conn.execute("SELECT count(*) FROM ports").fetchone()[0]
        finally:
            conn.close()
        t1 = time.perf_counter()
        again = backfill(db, days, network=net)
        rerun = time.perf_counter() - t1
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("demo.db*")) / 1e6
    print(f"backfill {days} days, {ports} ports: {elapsed:.1f} s, {rows} raw rows inserted, store {size_mb:.0f} MB")
    print("  rows per table: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    print(f"  rerun: {again} rows in {rerun * 1000:.0f} ms")


def agent_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_cycle(devices: int, concurrency: int) -> None:
    """Two poll cycles over ``devices`` simulated switches served from another process."""
    os.environ["CAMPUSNET_SECRETS"] = "file"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        proc, port = spawn_agent(devices, db)
        try:
            poller = Poller(db, concurrency=concurrency)
            try:
                for n in (1, 2):
                    cpu0 = agent_cpu_s(proc.pid)
                    t0, c0 = time.perf_counter(), time.process_time()
                    cycle = asyncio.run(poller.run_cycle())
                    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                    up = sum(d.status == "up" for d in cycle.devices)
                    ports = sum(d.ports for d in cycle.devices)
                    print(
                        f"cycle {n}: {devices} devices (agent on port {port}), {up} up, {ports} ports, "
                        f"{wall:.1f} s wall, poller {cpu:.1f} CPU-s, agent {agent_cpu_s(proc.pid) - cpu0:.1f} CPU-s"
                    )
                    for failed in cycle.failed[:3]:
                        print(f"  failed: {failed.name}: {failed.error}")
                    time.sleep(1.0)
            finally:
                poller.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)


def main() -> None:
    """Parse options and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, nargs="*", default=[7])
    ap.add_argument("--devices", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    for days in args.days:
        bench_backfill(days)
    if args.devices:
        bench_cycle(args.devices, args.concurrency)


if __name__ == "__main__":
    main()
