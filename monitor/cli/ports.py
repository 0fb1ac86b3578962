"""The command line's ``ports`` and ``traffic`` commands: a device's interfaces with their latest rates (and the
port settings an admin overrides: speed, important, uplink), and one port's bandwidth history."""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from devices.errors import InputError
from devices.ifmib import IF_STATUS
from monitor.cli.common import MAX_IFINDEX, format_table, iso_time, print_json
from monitor.printable import visible
from monitor.storage import inventory
from monitor.storage.store import connect
from monitor.units import format_bps


def add_parsers(sub: Any) -> None:
    """The ``ports`` and ``traffic`` commands."""
    ports = sub.add_parser("ports", help="a device's interfaces with their latest rates")
    ports.add_argument("name")
    ports.add_argument("--json", action="store_true")
    ports.add_argument(
        "--set-speed",
        nargs=2,
        metavar=("PORT", "SPEED"),
        help="override a port's speed (e.g. 1G, 100M, 2500000000) or 'auto' to use what the device reports",
    )
    ports.add_argument(
        "--important",
        nargs=2,
        metavar=("PORT", "on|off"),
        help="mark a port important (its going down alerts, like an uplink's) or not",
    )
    ports.add_argument(
        "--uplink",
        nargs=2,
        metavar=("PORT", "on|off"),
        help="mark a port as an uplink (dashboard, reports, alerts) or not",
    )
    traffic = sub.add_parser("traffic", help="bandwidth history of one port")
    traffic.add_argument("name")
    traffic.add_argument("port", help="ifName (or ifIndex)")
    traffic.add_argument("--from", dest="from_", metavar="ISO", help="start (default: 24 hours ago)")
    traffic.add_argument("--to", metavar="ISO", help="end (default: now)")
    traffic.add_argument("--resolution", choices=("auto", "raw", "5m", "30m", "2h", "1d"), default="auto")
    fmt = traffic.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")


def _port_row(p: sqlite3.Row) -> dict[str, Any]:
    speed = p["speed_override_bps"] or p["speed_bps"]
    return {
        "ifindex": p["ifindex"],
        "name": p["name"],
        "descr": p["descr"],
        "alias": p["alias"],
        "type": p["type"],
        "speed_bps": speed,
        "admin_status": IF_STATUS.get(p["admin_status"], p["admin_status"]),
        "oper_status": IF_STATUS.get(p["oper_status"], p["oper_status"]),
        "in_bps": p["in_bps"],
        "out_bps": p["out_bps"],
        "counter_bits": p["counter_bits"],
        "errors_ps": p["errors_ps"],
        "discards_ps": p["discards_ps"],
    }


def cmd_ports(args: argparse.Namespace, db: Path) -> int:
    """ports NAME: interfaces with their latest rates."""
    conn = connect(db)
    dev = inventory.get_device(conn, args.name)
    if sum(1 for given in (args.important, args.uplink, args.set_speed) if given) > 1:
        raise InputError("give one of --set-speed, --important or --uplink")
    if args.uplink:
        if args.uplink[1] not in ("on", "off"):
            raise InputError(f"--uplink {args.uplink[0]} {args.uplink[1]!r}: use on or off")
        port = find_port(conn, dev["id"], args.name, args.uplink[0])
        inventory.set_port_uplink(conn, int(port["id"]), args.uplink[1] == "on")
        said = "an uplink" if args.uplink[1] == "on" else "not an uplink"
        print(f"{visible(args.name)} {visible(port['key'])}: {said}")
        return 0
    if args.important:
        from monitor.alerting import alerts

        if args.important[1] not in ("on", "off"):
            raise InputError(f"--important {args.important[0]} {args.important[1]!r}: use on or off")
        port = find_port(conn, dev["id"], args.name, args.important[0])
        alerts.set_port_important(conn, int(port["id"]), args.important[1] == "on")
        state = "important (it alerts when it goes down)" if args.important[1] == "on" else "not important"
        print(f"{visible(args.name)} {visible(port['key'])}: {state}")
        return 0
    if args.set_speed:
        port = find_port(conn, dev["id"], args.name, args.set_speed[0])
        speed = parse_speed(args.set_speed[1])
        with conn:
            conn.execute("UPDATE ports SET speed_override_bps = ? WHERE id = ?", (speed, port["id"]))
        said = "as reported by the device" if speed is None else format_bps(speed)
        print(f"{visible(args.name)} {visible(port['key'])}: speed {said}")
        return 0
    rows = [
        _port_row(p)
        for p in conn.execute("SELECT * FROM ports WHERE device_id = ? AND present = 1 ORDER BY ifindex", (dev["id"],))
    ]
    if args.json:
        print_json(rows)
        return 0
    headers = ["ifindex", "name", "alias", "speed", "admin", "oper", "in", "out", "bits"]
    table = [
        [
            r["ifindex"],
            r["name"] or r["descr"],
            r["alias"],
            format_bps(r["speed_bps"]) if r["speed_bps"] else "-",
            r["admin_status"],
            r["oper_status"],
            format_bps(r["in_bps"]),
            format_bps(r["out_bps"]),
            r["counter_bits"],
        ]
        for r in rows
    ]
    print(format_table(headers, table) if rows else f"{args.name} has no interfaces yet (poll it first)")
    if dev["status"] != "up" and dev["status_reason"]:
        print(f"note: {visible(args.name)} is {dev['status']}: {visible(dev['status_reason'])}", file=sys.stderr)
    return 0


def parse_speed(text: str) -> int | None:
    """'1G', '100M', '2.5g', '10000000' -> bit/s; 'auto' -> None (use the device's figure)."""
    value = text.strip().lower()
    if value == "auto":
        return None
    scale = {"k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}.get(value[-1:], 1)
    try:
        bps = float(value[:-1] if scale > 1 else value) * scale
    except ValueError:
        raise InputError(f"speed {text!r} is not a number of bit/s such as 1G, 100M or 'auto'") from None
    if not 1_000 <= bps <= 10**13:
        raise InputError(f"speed {text!r} is out of range (1k to 10T bit/s)")
    return int(bps)


def parse_time(text: str, what: str) -> float:
    """ISO 8601 to epoch seconds; naive times are local time."""
    try:
        dt = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"{what} {text!r} is not an ISO 8601 time such as 2026-11-27T08:00") from exc
    return (dt if dt.tzinfo else dt.astimezone()).timestamp()


def find_port(conn: sqlite3.Connection, device_id: int, device: str, port: str) -> sqlite3.Row:
    """A port by ifName/key, else by ifDescr, else by ifIndex; InputError if none."""
    queries: list[tuple[str, tuple[str | int, ...]]] = [
        ("SELECT * FROM ports WHERE device_id=? AND (key=? OR name=?) ORDER BY present DESC", (port, port)),
        ("SELECT * FROM ports WHERE device_id=? AND descr=? ORDER BY present DESC", (port,)),
    ]
    if port.isascii() and port.isdigit() and 0 < int(port) <= MAX_IFINDEX:
        queries.append(("SELECT * FROM ports WHERE device_id=? AND ifindex=? AND present=1", (int(port),)))
    for sql, params in queries:
        row = conn.execute(sql, (device_id, *params)).fetchone()
        if row:
            return row
    raise InputError(f"{device} has no port {port!r} (see 'ports {device}')")


def cmd_traffic(args: argparse.Namespace, db: Path) -> int:
    """traffic NAME PORT: bandwidth history (null marks a gap)."""
    conn = connect(db)
    dev = inventory.get_device(conn, args.name)
    port = find_port(conn, dev["id"], args.name, args.port)
    now = time.time()
    to_ts = parse_time(args.to, "--to") if args.to else now
    from_ts = parse_time(args.from_, "--from") if args.from_ else to_ts - timedelta(days=1).total_seconds()
    if from_ts >= to_ts:
        raise InputError("--from must be before --to")
    from monitor.storage import history

    series = history.traffic(conn, port["id"], from_ts, to_ts, resolution=args.resolution, now=now)
    rows: list[dict[str, Any]] = [
        {"ts": iso_time(ts), "in_bps": i, "out_bps": o}
        for ts, i, o in zip(series.ts, series.in_bps, series.out_bps, strict=True)
    ]
    if args.json:
        print_json(rows)
    elif args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["ts", "in_bps", "out_bps"])
        for r in rows:
            w.writerow(
                [
                    r["ts"],
                    "" if r["in_bps"] is None else r["in_bps"],
                    "" if r["out_bps"] is None else r["out_bps"],
                ]
            )
    else:
        print(f"{visible(args.name)} {visible(port['key'])}  resolution {series.tier}")
        table = [[r["ts"], format_bps(r["in_bps"]), format_bps(r["out_bps"])] for r in rows]
        print(format_table(["time", "in", "out"], table))
    return 0


def dispatch(args: argparse.Namespace, db: Path) -> int:
    """Run ``ports`` or ``traffic``."""
    return cmd_traffic(args, db) if args.command == "traffic" else cmd_ports(args, db)
