"""Poller benchmark: prints figures, asserts nothing.

1. Throughput: net-snmp snmpd in a network namespace with 48+ interfaces; CampusNet's SNMP client walks the IF-MIB
   columns the poller uses N times; net-snmp's snmpbulkwalk walks the same columns N times. Both are reported as
   varbinds per CPU-second (CampusNet: this process's CPU time; snmpbulkwalk: its children's CPU time).
2. A full poll cycle over 200 simulated devices (snmpsim serving real recordings, one community per device): wall
   time of the cycle and the poller's peak memory.

Needs root (network namespaces) and the Debian packages snmpd and snmp. Run: uv run python bench/poll_bench.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.ifmib import DESCRIPTIVE_COLUMNS, FALLBACK_COLUMNS, STATE_COLUMNS
from devices.snmp import SnmpCredentials, SnmpSession, SnmpTarget

COLUMNS = [*DESCRIPTIVE_COLUMNS.values(), *STATE_COLUMNS.values(), *(oid for oid, _ in FALLBACK_COLUMNS.values())]


async def campusnet_walks(target: SnmpTarget, rounds: int) -> tuple[int, float, float]:
    """Walk every poller column `rounds` times; return (varbinds, cpu seconds, wall seconds)."""
    varbinds = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    async with SnmpSession(target) as session:
        for _ in range(rounds):
            result = await session.walk_columns(COLUMNS)
            varbinds += sum(len(col) for col in result.values())
    return varbinds, time.process_time() - cpu0, time.perf_counter() - wall0


def snmpbulkwalk_walks(host: str, community: str, rounds: int, max_rep: int) -> tuple[int, float, float]:
    """The same columns with net-snmp's snmpbulkwalk (one process per column, as a script would)."""
    varbinds = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall0 = time.perf_counter()
    for _ in range(rounds):
        for column in COLUMNS:
            out = subprocess.run(
                ["snmpbulkwalk", "-v2c", "-c", community, f"-Cr{max_rep}", "-On", "-Oq", host, column],
                capture_output=True,
                text=True,
                check=True,
                timeout=30,
            ).stdout
            varbinds += sum(1 for line in out.splitlines() if line.startswith("."))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return varbinds, cpu, time.perf_counter() - wall0


def throughput(rounds: int, max_rep: int) -> None:
    from tests.netns import AgentNetwork

    community = "bench"
    with tempfile.TemporaryDirectory() as tmp, AgentNetwork(Path(tmp), community=community, extra_interfaces=48) as net:
        target = SnmpTarget(
            host=net.agent_address,
            credentials=SnmpCredentials(version="2c", community=community),
            timeout=2.0,
            retries=1,
            max_repetitions=max_rep,
        )
        asyncio.run(campusnet_walks(target, 1))  # warm up (imports, ARP)
        ours = asyncio.run(campusnet_walks(target, rounds))
        theirs = snmpbulkwalk_walks(net.agent_address, community, rounds, max_rep)
    print(f"throughput: {len(COLUMNS)} IF-MIB columns, {rounds} rounds, max-repetitions {max_rep}")
    for label, (vb, cpu, wall) in (("CampusNet poller", ours), ("snmpbulkwalk", theirs)):
        print(f"  {label:17s} {vb:7d} varbinds  {cpu:6.2f} CPU-s  {wall:6.2f} s wall  {vb / cpu:9.0f} varbinds/CPU-s")


def cycle_200(devices: int, concurrency: int) -> None:
    from monitor.polling.scheduler import Poller
    from tests.conftest import SNMPREC_DIR
    from tests.helpers import add_device
    from tests.peers import SnmpSim

    recordings = [p for p in sorted(SNMPREC_DIR.glob("*.snmprec")) if p.stat().st_size > 20_000]
    os.environ["CAMPUSNET_SECRETS"] = "file"
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        served = {f"dev{i:03d}": recordings[i % len(recordings)] for i in range(devices)}
        sim = SnmpSim(tmpdir, recordings=served).start()
        try:
            db = tmpdir / "bench.db"
            for name in served:
                add_device(db, name, sim.port, name, timeout_s=5.0)
            poller = Poller(db, concurrency=concurrency)
            try:
                walls, cpus = [], []
                for _ in range(2):
                    t0, c0 = time.perf_counter(), time.process_time()
                    cycle = asyncio.run(poller.run_cycle())
                    walls.append(time.perf_counter() - t0)
                    cpus.append(time.process_time() - c0)
            finally:
                poller.close()
        finally:
            sim.close()
    ports = sum(d.ports for d in cycle.devices)
    varbinds = sum(d.varbinds for d in cycle.devices)
    failed = len(cycle.failed)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cycle: {devices} simulated devices (snmpsim, one community each), {ports} ports, concurrency {concurrency}")
    print(
        f"  first cycle {walls[0]:.1f} s wall ({cpus[0]:.1f} CPU-s in the poller), second cycle {walls[1]:.1f} s wall"
    )
    print(f"  ({cpus[1]:.1f} CPU-s in the poller), {failed} failed, {varbinds} varbinds in the second cycle")
    print(f"  poller peak memory (this process, max RSS): {rss_mb:.0f} MB")
    print("  note: snmpsim answers from one Python process on the same 2 cores, so it bounds the cycle time")


def main() -> None:
    """Parse options and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--max-repetitions", type=int, default=25)
    ap.add_argument("--devices", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-cycle", action="store_true")
    args = ap.parse_args()
    if not args.skip_throughput:
        throughput(args.rounds, args.max_repetitions)
    if not args.skip_cycle:
        cycle_200(args.devices, args.concurrency)


if __name__ == "__main__":
    main()
