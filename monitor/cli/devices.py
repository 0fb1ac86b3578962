"""The command line's ``device`` command: add, edit, list, import (CSV) and remove devices.

Secrets (community, SNMPv3 keys, SSH password) come from an environment variable named by a flag or a prompt on a
terminal, never from the command line itself, and are kept in the store's secret store.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.errors import InputError
from monitor import defaults
from monitor.cli.common import format_table, iso_time, print_json
from monitor.printable import visible
from monitor.storage import inventory
from monitor.storage.secrets import open_secrets, secret_from
from monitor.storage.store import connect


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``device`` command and its actions."""
    device = sub.add_parser("device", help="add, list or remove devices")
    dsub = device.add_subparsers(dest="device_command", metavar="ACTION", parser_class=parser_class, required=True)
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
            "last_poll": iso_time(d["last_poll"]),
        }
        for d in inventory.list_devices(conn)
    ]
    if args.json:
        print_json(rows)
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
        print_json({"added": report.added, "rejected": rejected, "dry_run": args.dry_run})
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


ACTIONS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "add": cmd_device_add,
    "edit": cmd_device_edit,
    "list": cmd_device_list,
    "import": cmd_device_import,
    "remove": cmd_device_remove,
}


def dispatch(args: argparse.Namespace, db: Path) -> int:
    """Run the ``device`` action asked for."""
    return ACTIONS[args.device_command](args, db)
