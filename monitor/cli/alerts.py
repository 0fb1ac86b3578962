"""The command line's ``alerts`` and ``notify`` commands: list and acknowledge alerts, see the rules, and add, list,
test and remove notification channels.

The options of ``notify add`` are those the kinds of channel name in their table (:mod:`monitor.alerting.kinds`).
Secrets (SMTP password, LINE/Telegram/webhook token) come from an environment variable (``--password-env VAR``,
``--token-env VAR``) or a prompt on a terminal, never from the command line itself, and are kept in the secret store.
"""

from __future__ import annotations

import argparse
import getpass
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.errors import CampusNetError, InputError
from monitor.alerting import alerts
from monitor.alerting.channels import (
    Channel,
    get_channel,
    list_channels,
    remove_channel,
    save_channel,
    send_test,
    target_text,
    validate_channel,
)
from monitor.alerting.kinds import KINDS, ChannelKind, Secret
from monitor.alerting.outbox import outbox
from monitor.alerting.texts import LANGUAGES
from monitor.printable import json_text, visible
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore, open_secrets, secret_from
from monitor.storage.store import connect


def _dest(flag: str) -> str:
    """The argparse name of a ``notify add`` option."""
    return "opt_" + flag.removeprefix("--").replace("-", "_")


def _kind_options() -> dict[str, dict[str, Any]]:
    """The options of ``notify add`` that the kinds' settings and secrets name (:data:`KINDS`), with their argparse
    arguments; an option several kinds share (``--to``) is taken as the first kind defines it, with every kind's
    help."""
    options: dict[str, dict[str, Any]] = {}
    helps: dict[str, list[str]] = {}
    secrets: dict[str, list[str]] = {}
    for kind in KINDS.values():
        for field in kind.fields:
            if isinstance(field, Secret):
                options.setdefault(field.flag, {"metavar": "VAR", "dest": _dest(field.flag)})
                words = secrets.setdefault(field.flag, [])
                words += [field.word] if field.word not in words else []
                continue
            spec = {"dest": _dest(field.flag), **_ARGPARSE.get(field.widget, {})}
            if field.widget == "choice":
                spec["choices"] = [code for code, _label in field.choices]
            elif field.widget != "switch":
                spec["metavar"] = field.metavar or _dest(field.flag).removeprefix("opt_").upper()
            options.setdefault(field.flag, spec)
            texts = helps.setdefault(field.flag, [])
            texts += [field.help] if field.help not in texts else []
    for flag, words in secrets.items():
        either = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
        helps[flag] = [f"environment variable holding the {either}"]
    for flag, spec in options.items():
        spec["help"] = "; ".join(helps[flag])
    return options


# How each kind of setting is given on the command line.
_ARGPARSE: dict[str, dict[str, Any]] = {
    "port": {"type": int},
    "list": {"action": "append", "default": []},
    "switch": {"action": "store_true"},
}


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``alerts`` and ``notify`` subcommands."""
    from monitor.cli.common import record_id

    al = sub.add_parser("alerts", help="firing alerts (or all recent ones), acknowledge one, the alert rules")
    al.add_argument("--json", action="store_true")
    al.add_argument("--all", action="store_true", help="recent alerts of every state, not only firing ones")
    asub = al.add_subparsers(dest="alerts_command", metavar="ACTION", parser_class=parser_class)
    ack = asub.add_parser("ack", help="acknowledge a firing alert (stops its reminders)")
    ack.add_argument("id", type=record_id)
    ack.add_argument("--user", help="who acknowledges it (default: your login name)")
    rules = asub.add_parser("rules", help="the alert rules and their parameters")
    rules.add_argument("--json", action="store_true")

    services = ", ".join(kind.service for kind in KINDS.values())
    no = sub.add_parser("notify", help=f"notification channels: {services}")
    nsub = no.add_subparsers(dest="notify_command", metavar="ACTION", parser_class=parser_class, required=True)
    add = nsub.add_parser("add", help="add a channel")
    add.add_argument("kind", choices=list(KINDS))
    add.add_argument("name")
    add.add_argument("--language", choices=LANGUAGES, default="zh_TW", help="language of the messages")
    for flag, spec in _kind_options().items():
        add.add_argument(flag, **spec)
    lst = nsub.add_parser("list", help="channels and their outbox")
    lst.add_argument("--json", action="store_true")
    test = nsub.add_parser("test", help="send a test message through a channel now")
    test.add_argument("name")
    rm = nsub.add_parser("remove", help="remove a channel with its secret and outbox")
    rm.add_argument("name")
    box = nsub.add_parser("outbox", help="recent notifications: sent, waiting for a retry, or failed")
    box.add_argument("--json", action="store_true")


def _open(db: Path) -> tuple[Any, SecretStore]:
    conn = connect(db)
    return conn, open_secrets(db, inventory.store_id(conn))


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _short(ts: float | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts).strftime("%m-%d %H:%M")


def _print_json(data: Any) -> None:
    print(json_text(data))


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    from monitor.cli.common import format_table

    return format_table(headers, rows)


# ---------------------------------------------------------------------------------------------------------- alerts


def cmd_alerts(args: argparse.Namespace, db: Path) -> int:
    """alerts [--all] [--json]: firing alerts, or the recent ones of every state."""
    conn = connect(db)
    found = alerts.list_alerts(conn, firing_only=not args.all)
    if args.json:
        rows = []
        for a in found:
            row = asdict(a)
            row.update(started=_iso(a.started), resolved=_iso(a.resolved), acknowledged_at=_iso(a.acknowledged_at))
            rows.append(row)
        _print_json(rows)
        return 0
    if not found:
        print("no firing alerts" if not args.all else "no alerts yet")
        return 0
    headers = ["id", "state", "severity", "kind", "device", "port", "started", "resolved", "ack", "detail"]
    table = [
        [
            a.id,
            a.state + (" (flapping)" if a.flapping else ""),
            a.severity,
            a.kind,
            a.device,
            a.port,
            _short(a.started),
            _short(a.resolved),
            a.acknowledged_by or "",
            a.detail[:60],
        ]
        for a in found
    ]
    print(_table(headers, table))
    return 0


def cmd_ack(args: argparse.Namespace, db: Path) -> int:
    """alerts ack ID [--user NAME]."""
    user = args.user if args.user is not None else getpass.getuser()
    conn = connect(db)
    alert = alerts.acknowledge(conn, args.id, user, time.time())
    if alert.acknowledged_by != user.strip():
        when = _short(alert.acknowledged_at)
        print(f"alert {alert.id} was acknowledged already by {visible(alert.acknowledged_by)} at {when}")
        return 0
    print(
        f"alert {alert.id} ({alert.kind} {visible(alert.device)} {visible(alert.port)}".rstrip()
        + f") acknowledged by {visible(alert.acknowledged_by)}"
    )
    return 0


def cmd_rules(args: argparse.Namespace, db: Path) -> int:
    """alerts rules [--json]."""
    rules = alerts.list_rules(connect(db))
    if args.json:
        _print_json([asdict(r) for r in rules])
        return 0
    table = [
        [
            r.id,
            r.name,
            r.kind,
            "yes" if r.enabled else "no",
            r.severity,
            " ".join(f"{k}={v}" for k, v in r.params.items()),
        ]
        for r in rules
    ]
    print(_table(["id", "name", "kind", "enabled", "severity", "parameters"], table))
    return 0


# ---------------------------------------------------------------------------------------------------------- notify


def _settings(args: argparse.Namespace, kind: ChannelKind) -> dict[str, Any]:
    """The settings the options give, for a channel of ``kind``; options of other kinds are refused."""
    given = vars(args)
    own = {field.flag for field in kind.fields}
    for flag in _kind_options():
        if given[_dest(flag)] not in (None, False, []) and flag not in own:
            raise InputError(f"{flag} is not an option of {kind.name} channels")
    settings: dict[str, Any] = {}
    for setting in kind.settings:
        value = given[_dest(setting.flag)]
        if isinstance(value, list):  # an option that may be repeated, each holding values separated by commas
            parts = [part.strip() for item in value for part in item.split(",") if part.strip()]
            if setting.widget != "list" and len(parts) > 1:
                raise InputError(f"a {kind.name} channel sends to one {setting.flag}")
            value = parts if setting.widget == "list" else (parts[0] if parts else None)
        elif setting.widget == "switch":
            value = False if value else None  # the option turns it off
        elif setting.widget == "file" and value and not Path(value).is_file():
            raise InputError(f"no such file: {value}")
        settings[setting.name] = value
    return settings


def _secret(args: argparse.Namespace, kind: ChannelKind, checked: Channel) -> str | None:
    """The channel's secret from the environment variable its option names, or asked on a terminal when needed."""
    spec = kind.secret
    if spec is None:
        return None
    env = vars(args)[_dest(spec.flag)]
    needed = spec.needed(checked.settings)
    if env and isinstance(spec.required, str) and not needed:
        raise InputError(f"{spec.flag} needs {spec.needs}")
    prompt = spec.prompt.format(kind=checked.kind, **checked.settings) if needed else None
    secret = secret_from(env, prompt)
    if needed and not secret:
        raise InputError(f"no terminal to ask on: give the {spec.short} with {spec.flag} VAR")
    return secret


def cmd_notify_add(args: argparse.Namespace, db: Path) -> int:
    """notify add KIND NAME ...: check everything, then store the channel and its secret."""
    kind = KINDS[args.kind]
    channel = Channel(args.kind, args.name, _settings(args, kind), language=args.language)
    checked = validate_channel(channel)  # before anything is asked or stored
    secret = _secret(args, kind, checked)
    conn, secrets = _open(db)
    saved = save_channel(conn, secrets, checked, secret)
    where = f"; secret kept in {secrets.backend_description}" if secret else ""
    print(f"added {saved.kind} channel {visible(saved.name)} ({visible(target_text(saved))}){where}")
    return 0


def cmd_notify_list(args: argparse.Namespace, db: Path) -> int:
    """notify list [--json]: channels with what waits in their outbox."""
    conn = connect(db)
    counts = {
        (r["channel_id"], r["status"]): int(r["n"])
        for r in conn.execute("SELECT channel_id, status, COUNT(*) AS n FROM deliveries GROUP BY channel_id, status")
    }
    rows = []
    for c in list_channels(conn):
        last = conn.execute(
            "SELECT last_error FROM deliveries WHERE channel_id = ? AND last_error IS NOT NULL"
            " ORDER BY id DESC LIMIT 1",
            (c.id,),
        ).fetchone()
        rows.append(
            {
                "name": c.name,
                "kind": c.kind,
                "enabled": c.enabled,
                "language": c.language,
                "target": target_text(c),
                "settings": c.settings,
                "sent": counts.get((c.id, "sent"), 0),
                "pending": counts.get((c.id, "pending"), 0),
                "failed": counts.get((c.id, "failed"), 0),
                "last_error": last["last_error"] if last else None,
            }
        )
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print("no notification channels yet: add one with 'notify add " + "|".join(KINDS) + " NAME ...'")
        return 0
    headers = ["name", "kind", "enabled", "language", "target", "sent", "pending", "failed", "last_error"]
    print(_table(headers, [[r[h] if h != "enabled" else ("yes" if r[h] else "no") for h in headers] for r in rows]))
    return 0


def cmd_notify_test(args: argparse.Namespace, db: Path) -> int:
    """notify test NAME: send a test message now (exit 1 with the reason if it fails)."""
    conn, secrets = _open(db)
    channel = get_channel(conn, args.name)
    result = send_test(channel, secrets)
    if not result.ok:
        raise CampusNetError(f"test message through {channel.name} failed: {result.error}")
    print(f"test message sent through {visible(channel.name)} ({visible(target_text(channel))})")
    return 0


def cmd_notify_remove(args: argparse.Namespace, db: Path) -> int:
    """notify remove NAME."""
    conn, secrets = _open(db)
    remove_channel(conn, secrets, args.name)
    print(f"removed channel {visible(args.name)}")
    return 0


def cmd_notify_outbox(args: argparse.Namespace, db: Path) -> int:
    """notify outbox [--json]: the newest notifications and how their delivery went."""
    rows = outbox(connect(db))
    if args.json:
        for r in rows:
            r.update(created=_iso(r["created"]), sent=_iso(r["sent"]), next_attempt=_iso(r["next_attempt"]))
        _print_json(rows)
        return 0
    headers = ["id", "channel", "subject", "status", "attempts", "created", "last_error"]
    table = [
        [
            r["id"],
            r["channel"],
            r["subject"][:50],
            r["status"],
            r["attempts"],
            _short(r["created"]),
            r["last_error"] or "",
        ]
        for r in rows
    ]
    print(_table(headers, table) if rows else "nothing sent yet")
    return 0


def dispatch(args: argparse.Namespace, db: Path) -> int:
    """Run an ``alerts`` or ``notify`` command."""
    if args.command == "alerts":
        handler = {None: cmd_alerts, "ack": cmd_ack, "rules": cmd_rules}[args.alerts_command]
        return handler(args, db)
    handlers: dict[str, Callable[[argparse.Namespace, Path], int]] = {
        "add": cmd_notify_add,
        "list": cmd_notify_list,
        "test": cmd_notify_test,
        "remove": cmd_notify_remove,
        "outbox": cmd_notify_outbox,
    }
    return handlers[args.notify_command](args, db)
