"""The demo's command line: ``python -m monitor.demo --serve [--devices N] [--port P] [--speed F] [--db STORE]``.

Serves the simulated school over SNMP on 127.0.0.1 until SIGTERM or SIGINT, printing the UDP port once it is ready
(:func:`monitor.demo.runtime.spawn_agent` starts it so for benchmarks). ``main.py demo`` is the command for people.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from monitor.demo.runtime import serve
from monitor.demo.school import SCHOOL


def _print_port(port: int) -> None:
    print(port, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Command line of ``python -m monitor.demo``: ``--serve`` prints the UDP port, then serves until SIGTERM."""
    ap = argparse.ArgumentParser(prog="python -m monitor.demo", description="Serve the simulated school over SNMP.")
    ap.add_argument("--serve", action="store_true", help="serve until SIGTERM/SIGINT (the only mode)")
    ap.add_argument("--devices", type=int, default=1 + len(SCHOOL), help="switches in all (default: the school)")
    ap.add_argument("--port", type=int, default=0, help="UDP port on 127.0.0.1 (0: a free one, printed)")
    ap.add_argument("--speed", type=float, default=1.0, help="fast-forward factor (default 1)")
    ap.add_argument("--db", type=Path, help="also register the switches in this store before printing the port")
    args = ap.parse_args(argv)
    if not args.serve:
        ap.error("nothing to do: use --serve")
    if args.devices < 1 or args.speed <= 0:
        ap.error("--devices must be at least 1 and --speed positive")
    asyncio.run(serve(args.devices, args.port, args.speed, args.db, _print_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
