"""The command line (DESIGN.md, "Command line"): parse, dispatch, print tables or JSON.

Exit status: 0 on success, 2 on bad usage or bad input (one line on stderr, nothing changed), 1 on other failures.
Secrets are never plain arguments: a flag names an environment variable, or the command prompts on a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import logging
import math
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from devices.errors import CampusNetError, InputError
from devices.ifmib import IF_STATUS
from monitor import defaults
from monitor.cli.common import MAX_IFINDEX, format_table
from monitor.printable import json_text, visible
from monitor.storage import inventory
from monitor.storage.secrets import open_secrets, secret_from
from monitor.storage.store import connect, default_db_path, store_error
from monitor.units import format_bps

log = logging.getLogger("campusnet")


class UsageError(InputError):
    """Bad command-line usage (exit 2)."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (argparse prints the whole usage by default)."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing usage, so main() prints one line and exits 2."""
        raise UsageError(f"{self.prog}: {message}")


def number_in(low: float, high: float, *, whole: bool = False, unit: str = "") -> Callable[[str], float]:
    """An argparse type: a finite number in ``low..high`` (a whole one with ``whole``); "nan", "inf" and out-of-range
    values are refused with a one-line error naming the range."""
    what = "a whole number" if whole else "a number"

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"{text} is out of range ({low:g}-{high:g}{unit})")
        return value

    return parse


def build_parser() -> Parser:
    """The full command-line grammar."""
    p = Parser(prog="campusnet", description="CampusNet: school network monitoring and configuration.")
    p.add_argument(
        "--db",
        type=Path,
        help="store file (default: $CAMPUSNET_DB, else ./inventory.db; installed: the user's data folder)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _device_parsers(sub)
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
    wireless = sub.add_parser("wireless", help="a controller's or AP's APs and clients, from the latest poll")
    wireless.add_argument("name")
    wireless.add_argument("--json", action="store_true")
    from monitor.cli import config as cli_config

    cli_config.add_parsers(sub, Parser)
    from monitor.cli import report as cli_report

    cli_report.add_parser(sub)
    from monitor.cli import alerts as cli_alerts

    cli_alerts.add_parsers(sub, Parser)
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
    return p


def _device_parsers(sub: Any) -> None:
    device = sub.add_parser("device", help="add, list or remove devices")
    dsub = device.add_subparsers(dest="device_command", metavar="ACTION", parser_class=Parser, required=True)
    add = dsub.add_parser("add", help="add a device")
    add.add_argument("name")
    add.add_argument("--host", required=True)
    add.add_argument("--snmp-port", type=int, default=161)
    add.add_argument("--snmp-version", choices=inventory.SNMP_VERSIONS, default="2c")
    add.add_argument("--community-env", metavar="VAR", help="environment variable holding the community")
    add.add_argument("--v3-user")
    add.add_argument("--v3-auth", choices=inventory.V3_AUTH)
    add.add_argument("--v3-auth-key-env", metavar="VAR")
    add.add_argument("--v3-priv", choices=inventory.V3_PRIV)
    add.add_argument("--v3-priv-key-env", metavar="VAR")
    add.add_argument("--platform", default="auto", help="auto, or a netmiko device_type")
    add.add_argument("--ssh-host")
    add.add_argument("--ssh-port", type=int)
    add.add_argument("--ssh-user")
    add.add_argument("--ssh-password-env", metavar="VAR")
    add.add_argument("--role", choices=inventory.ROLES, default="switch")
    add.add_argument("--location", default="")
    add.add_argument("--timeout", type=float, default=defaults.SNMP_TIMEOUT_S, help="seconds per SNMP try")
    add.add_argument("--retries", type=int, default=defaults.SNMP_RETRIES, help="SNMP retries after the first try")
    add.add_argument(
        "--max-repetitions", type=int, default=defaults.SNMP_MAX_REPETITIONS, help="GETBULK max-repetitions"
    )
    edit = dsub.add_parser("edit", help="change a device's settings (only the options given change)")
    edit.add_argument("name")
    edit.add_argument("--rename", metavar="NEW_NAME", help="give the device a new name (history and secrets follow)")
    edit.add_argument("--host")
    edit.add_argument("--snmp-port", type=int)
    edit.add_argument("--snmp-version", choices=inventory.SNMP_VERSIONS)
    edit.add_argument("--community-env", metavar="VAR", help="environment variable holding the new community")
    edit.add_argument("--v3-user")
    edit.add_argument("--v3-auth", choices=inventory.V3_AUTH)
    edit.add_argument("--v3-auth-key-env", metavar="VAR")
    edit.add_argument("--v3-priv", choices=inventory.V3_PRIV)
    edit.add_argument("--v3-priv-key-env", metavar="VAR")
    edit.add_argument("--platform", help="auto, or a netmiko device_type")
    edit.add_argument("--ssh-host")
    edit.add_argument("--ssh-port", type=int)
    edit.add_argument("--ssh-user")
    edit.add_argument("--ssh-password-env", metavar="VAR")
    edit.add_argument("--role", choices=inventory.ROLES)
    edit.add_argument("--location")
    edit.add_argument("--timeout", type=float, help="seconds per SNMP try")
    edit.add_argument("--retries", type=int, help="SNMP retries after the first try")
    edit.add_argument("--max-repetitions", type=int, help="GETBULK max-repetitions")
    lst = dsub.add_parser("list", help="list devices")
    lst.add_argument("--json", action="store_true")
    imp = dsub.add_parser("import", help="add many devices from a CSV file (see the README for its columns)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check every row, add nothing")
    imp.add_argument("--json", action="store_true")
    rm = dsub.add_parser("remove", help="remove a device with its history and secrets")
    rm.add_argument("name")


# ---------------------------------------------------------------------------------------------------------- output


def _print_json(data: Any) -> None:
    print(json_text(data))


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------------------- commands


def cmd_device_add(args: argparse.Namespace, db: Path) -> int:
    """device add: validate everything, store the device, its secrets in the keyring."""
    secrets: dict[str, str] = {}
    v3 = args.snmp_version == "3"
    wanted = [
        ("community", args.community_env, None if v3 else "SNMP community: "),
        ("v3_auth_key", args.v3_auth_key_env, "SNMPv3 auth key: " if v3 and args.v3_auth else None),
        ("v3_priv_key", args.v3_priv_key_env, "SNMPv3 privacy key: " if v3 and args.v3_priv else None),
        ("ssh_password", args.ssh_password_env, None),
    ]
    for kind, env_var, prompt in wanted:
        value = secret_from(env_var, prompt)
        if value:
            secrets[kind] = value
    spec = inventory.DeviceSpec(
        name=args.name,
        host=args.host,
        snmp_port=args.snmp_port,
        snmp_version=args.snmp_version,
        v3_user=args.v3_user,
        v3_auth=args.v3_auth,
        v3_priv=args.v3_priv,
        platform=args.platform,
        ssh_host=args.ssh_host,
        ssh_port=args.ssh_port,
        ssh_user=args.ssh_user,
        role=args.role,
        location=args.location,
        timeout_s=args.timeout,
        retries=args.retries,
        max_repetitions=args.max_repetitions,
        secrets=secrets,
    )
    spec.validate()  # before the store is even created
    conn = connect(db)
    store = open_secrets(db, inventory.store_id(conn))
    inventory.add_device(conn, store, spec)
    print(f"added {spec.name} ({spec.host}); secrets kept in {store.backend_description}")
    return 0


# device edit option -> DeviceSpec field
_EDIT_FIELDS = {
    "rename": "name",
    "host": "host",
    "snmp_port": "snmp_port",
    "snmp_version": "snmp_version",
    "v3_user": "v3_user",
    "v3_auth": "v3_auth",
    "v3_priv": "v3_priv",
    "platform": "platform",
    "ssh_host": "ssh_host",
    "ssh_port": "ssh_port",
    "ssh_user": "ssh_user",
    "role": "role",
    "location": "location",
    "timeout": "timeout_s",
    "retries": "retries",
    "max_repetitions": "max_repetitions",
}


def cmd_device_edit(args: argparse.Namespace, db: Path) -> int:
    """device edit: change only the settings given; secrets from environment variables; nothing saved if one is bad."""
    conn = connect(db)
    device = inventory.get_device(conn, args.name)
    spec = inventory.spec_of(device)
    changed = []
    for option, field_name in _EDIT_FIELDS.items():
        value = getattr(args, option)
        if value is not None:
            setattr(spec, field_name, value)
            changed.append(option.replace("_", "-"))
    wanted = [
        ("community", args.community_env),
        ("v3_auth_key", args.v3_auth_key_env),
        ("v3_priv_key", args.v3_priv_key_env),
        ("ssh_password", args.ssh_password_env),
    ]
    for kind, env_var in wanted:
        value = secret_from(env_var, None)
        if value:
            spec.secrets[kind] = value
            changed.append(kind.replace("_", "-"))
    if not changed:
        raise InputError("nothing to change: give at least one option (see 'device edit --help')")
    store = open_secrets(db, inventory.store_id(conn))
    inventory.update_device(conn, store, args.name, spec)
    print(f"updated {spec.name}: {', '.join(changed)}")
    return 0


def cmd_device_list(args: argparse.Namespace, db: Path) -> int:
    """device list: name, host, role, platform, vendor, model, sys_descr, status, last_poll."""
    conn = connect(db)
    rows = [
        {
            "name": d["name"],
            "host": d["host"],
            "role": d["role"],
            "platform": d["detected_platform"] if d["platform"] == "auto" else d["platform"],
            "vendor": d["vendor"],
            "model": d["model"],
            "sys_descr": d["sys_descr"],
            "status": d["status"],
            "status_reason": d["status_reason"],
            "last_poll": _iso(d["last_poll"]),
        }
        for d in inventory.list_devices(conn)
    ]
    if args.json:
        _print_json(rows)
        return 0
    headers = ["name", "host", "role", "platform", "vendor", "model", "sys_descr", "status", "last_poll"]
    table = [[r[h] if h != "sys_descr" else " ".join((r[h] or "").split())[:40] for h in headers] for r in rows]
    print(format_table(headers, table) if rows else "no devices yet: add one with 'device add NAME --host HOST'")
    return 0


def cmd_device_import(args: argparse.Namespace, db: Path) -> int:
    """device import FILE: good rows are added, bad rows reported (exit 2 if any row was rejected)."""
    from monitor.storage.csv_import import import_devices

    if not args.file.is_file():
        raise InputError(f"no such file: {args.file}")
    conn = connect(db)
    report = import_devices(conn, open_secrets(db, inventory.store_id(conn)), args.file, dry_run=args.dry_run)
    rejected = [{"line": r.line, "name": r.name, "reason": r.reason} for r in report.rejected]
    if args.json:
        _print_json({"added": report.added, "rejected": rejected, "dry_run": args.dry_run})
    else:
        verb = "would add" if args.dry_run else "added"
        print(f"{verb} {len(report.added)} device(s), rejected {len(rejected)} ({report.encoding})")
        if rejected:
            print(format_table(["line", "name", "reason"], [[r["line"], r["name"], r["reason"]] for r in rejected]))
    return 2 if rejected else 0


def cmd_device_remove(args: argparse.Namespace, db: Path) -> int:
    """device remove NAME."""
    conn = connect(db)
    inventory.remove_device(conn, open_secrets(db, inventory.store_id(conn)), args.name)
    print(f"removed {visible(args.name)}")
    return 0


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
            _print_json(rows)
        elif rows:
            headers = ["name", "status", "ports", "duration_s", "error"]
            print(format_table(headers, [[r[h] for h in headers] for r in rows]))
        else:
            print("no devices to poll")
        return 0


@contextlib.contextmanager
def _stop_on_signals(stop: Callable[[], object]) -> Iterator[None]:
    """Call ``stop`` on SIGINT or SIGTERM while the block runs (the service's clean shutdown)."""

    def handler(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping (devices still being polled get a moment, then are cancelled)", signum)
        stop()

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def _poll_forever(db: Path, interval: float | None, concurrency: int | None, for_app: bool = False) -> int:
    """The service; ``for_app``: the desktop app's poller, steered on stdin (see monitor.polling.service)."""
    from monitor.polling.service import READY, PollService

    service = PollService(db, interval, concurrency)
    log.info("polling %s every %.0f s (Ctrl+C to stop)", db, service.poller.interval)
    if for_app:
        print(READY, flush=True)
    with _stop_on_signals(service.stop):
        service.run(sys.stdin if for_app else None)
    log.info("stopped")
    return 0


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
        _print_json(rows)
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
        {"ts": _iso(ts), "in_bps": i, "out_bps": o}
        for ts, i, o in zip(series.ts, series.in_bps, series.out_bps, strict=True)
    ]
    if args.json:
        _print_json(rows)
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


def cmd_wireless(args: argparse.Namespace, db: Path) -> int:
    """wireless NAME: APs online of all, clients in all and per SSID, the AP table (exit 1: no wireless data)."""
    from monitor.polling import wireless

    conn = connect(db)
    dev = inventory.get_device(conn, args.name)
    view = wireless.load(conn, dev["id"], dev["name"])
    if view is None:
        why = "not polled yet" if dev["last_poll"] is None else "none of its MIBs has wireless tables"
        if args.json:
            _print_json({"device": dev["name"], "wireless": None, "reason": why})
        else:
            print(f"{visible(dev['name'])}: no wireless data ({why})")
        return 1
    if args.json:
        _print_json(wireless.as_json(view))
    else:
        print(wireless.format_text(view, format_table))
    if dev["status"] != "up" and dev["status_reason"]:
        print(f"note: {visible(args.name)} is {dev['status']}: {visible(dev['status_reason'])}", file=sys.stderr)
    return 0


# Set by main.py when the desktop app is available: (store, speed, interval) -> exit status. The core never imports
# the GUI itself.
GUI_DEMO: Callable[[Path, float, float], int] | None = None


def cmd_demo(args: argparse.Namespace, db: Path | None) -> int:
    """demo: the simulated school in its own store (never the school's real one)."""
    from monitor.demo.network import default_demo_db, run_demo_headless

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
        with _stop_on_signals(stop.set):
            run_demo_headless(demo_db, args.speed, args.interval, stop, wireless=True)
    log.info("stopped")
    return 0


COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace, Path], int]] = {
    ("device", "add"): cmd_device_add,
    ("device", "edit"): cmd_device_edit,
    ("device", "list"): cmd_device_list,
    ("device", "import"): cmd_device_import,
    ("device", "remove"): cmd_device_remove,
    ("poll", None): cmd_poll,
    ("ports", None): cmd_ports,
    ("traffic", None): cmd_traffic,
    ("wireless", None): cmd_wireless,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(visible(exc), file=sys.stderr)
        return 2
    service = (args.command == "poll" and not args.once) or args.command == "demo"
    level = logging.DEBUG if args.verbose else (logging.INFO if service else logging.WARNING)
    if getattr(args, "log_file", None) is None:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    else:  # the command opens the file (poll --log-file)
        logging.getLogger().setLevel(level)
    if args.command is None:
        parser.print_help()
        return 0
    db = args.db or default_db_path()
    if not (args.command == "config" and args.config_command in ("push", "recover")) and args.command != "demo":
        from monitor.configuration.recovery import notice

        reminder = notice(db)
        if reminder:
            print(f"note: {visible(reminder)}", file=sys.stderr)
    try:
        if args.command == "demo":
            return cmd_demo(args, args.db)
        if args.command in ("report", "report-schedule"):
            from monitor.cli import report as cli_report

            return cli_report.cmd_report(args, db)
        if args.command in ("config", "secret"):
            from monitor.cli import config as cli_config

            return cli_config.dispatch(args, db)
        if args.command in ("alerts", "notify"):
            from monitor.cli import alerts as cli_alerts

            return cli_alerts.dispatch(args, db)
        handler = COMMANDS[(args.command, getattr(args, "device_command", None))]
        return handler(args, db)
    except InputError as exc:
        print(f"error: {visible(exc)}", file=sys.stderr)
        return 2
    except CampusNetError as exc:
        print(f"error: {visible(exc)}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # a store that fails under a command (full disk, locked, damaged): one line
        print(f"error: {store_error(db, exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
