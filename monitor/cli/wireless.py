"""The command line's ``wireless`` command: a controller's or AP's APs and clients, from the latest poll."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from monitor.cli.common import format_table, print_json
from monitor.printable import visible
from monitor.storage import inventory
from monitor.storage.store import connect


def add_parsers(sub: Any) -> None:
    """The ``wireless`` command."""
    wireless = sub.add_parser("wireless", help="a controller's or AP's APs and clients, from the latest poll")
    wireless.add_argument("name")
    wireless.add_argument("--json", action="store_true")


def cmd_wireless(args: argparse.Namespace, db: Path) -> int:
    """wireless NAME: APs online of all, clients in all and per SSID, the AP table (exit 1: no wireless data)."""
    from monitor.polling import wireless

    conn = connect(db)
    dev = inventory.get_device(conn, args.name)
    view = wireless.load(conn, dev["id"], dev["name"])
    if view is None:
        why = "not polled yet" if dev["last_poll"] is None else "none of its MIBs has wireless tables"
        if args.json:
            print_json({"device": dev["name"], "wireless": None, "reason": why})
        else:
            print(f"{visible(dev['name'])}: no wireless data ({why})")
        return 1
    if args.json:
        print_json(wireless.as_json(view))
    else:
        print(wireless.format_text(view, format_table))
    if dev["status"] != "up" and dev["status_reason"]:
        print(f"note: {visible(args.name)} is {dev['status']}: {visible(dev['status_reason'])}", file=sys.stderr)
    return 0


def dispatch(args: argparse.Namespace, db: Path) -> int:
    """Run the ``wireless`` command."""
    return cmd_wireless(args, db)
