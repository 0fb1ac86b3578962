"""The command line's ``poll`` command: one cycle (``--once``), or the polling service until SIGINT/SIGTERM.

Only one poller polls a store at a time (:class:`monitor.storage.lock.PollerLock`); the service can log to a rotated
file (``--log-file``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from monitor.cli.common import format_table, number_in, print_json, stop_on_signals
from monitor.storage.store import connect

log = logging.getLogger("campusnet")


def add_parsers(sub: Any) -> None:
    """The ``poll`` command."""
    poll = sub.add_parser("poll", help="poll every device once (--once) or on a schedule until stopped")
    poll.add_argument("--once", action="store_true", help="run one cycle and exit")
    poll.add_argument("--json", action="store_true", help="JSON output (with --once)")
    poll.add_argument(
        "--interval",
        type=number_in(5, 86400, unit=" s"),
        help="seconds between cycles, 5-86400 (default: the store's setting, 60)",
    )
    poll.add_argument(
        "--concurrency",
        type=number_in(1, 1024, whole=True),
        help="devices polled at once, 1-1024 (default: the store's setting, 32)",
    )
    poll.add_argument(
        "--log-file",
        type=Path,
        metavar="PATH",
        help="log to this file instead of stderr (UTF-8; rotated at 1 MB, five old files kept)",
    )
    # The desktop app's own poller (gui/child_poller.py): polls for the app with that pid, steered on stdin.
    poll.add_argument("--app-pid", type=int, help=argparse.SUPPRESS)


def cmd_poll(args: argparse.Namespace, db: Path) -> int:
    """poll --once, or poll on a schedule until SIGINT/SIGTERM; refused while another poller polls the store."""
    connect(db).close()  # create/migrate the store, fail early on a bad path
    from monitor.logs import log_file
    from monitor.storage.lock import PollerBusyError, PollerLock

    with log_file(args.log_file), PollerLock(db) as lock:
        try:
            kind = "once" if args.once else "app" if args.app_pid else "service"
            lock.hold(kind, args.app_pid if kind == "app" else None)
        except PollerBusyError as exc:  # exit 1, nothing polled; said in the log file too (stderr says it anyway)
            if args.log_file is not None:
                log.error("%s", exc)
            raise
        if not args.once:
            return _poll_forever(db, args.interval, args.concurrency, for_app=args.app_pid is not None)
        from monitor.polling.scheduler import CoreLoop, Poller

        core = CoreLoop()
        poller = Poller(db, interval=args.interval, concurrency=args.concurrency)
        try:
            cycle = core.submit(poller.run_cycle()).result()
        finally:
            core.stop()
            poller.close()
        rows = [d.as_dict() for d in cycle.devices]
        if args.json:
            print_json(rows)
        elif rows:
            headers = ["name", "status", "ports", "duration_s", "error"]
            print(format_table(headers, [[r[h] for h in headers] for r in rows]))
        else:
            print("no devices to poll")
        return 0


def _poll_forever(db: Path, interval: float | None, concurrency: int | None, for_app: bool = False) -> int:
    """The service; ``for_app``: the desktop app's poller, steered on stdin (see monitor.polling.service)."""
    from monitor.polling.service import READY, PollService

    service = PollService(db, interval, concurrency)
    log.info("polling %s every %.0f s (Ctrl+C to stop)", db, service.poller.interval)
    if for_app:
        print(READY, flush=True)
    with stop_on_signals(service.stop):
        service.run(sys.stdin if for_app else None)
    log.info("stopped")
    return 0


def dispatch(args: argparse.Namespace, db: Path) -> int:
    """Run the ``poll`` command."""
    return cmd_poll(args, db)
