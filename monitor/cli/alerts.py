"""The command line's ``alerts`` and ``notify`` commands: list and acknowledge alerts, see the rules, and add, list,
test and remove notification channels.

Secrets (SMTP password, LINE/Telegram/webhook token) come from an environment variable (``--password-env VAR``,
``--token-env VAR``) or a prompt on a terminal, never from the command line itself, and are kept in the secret store.
"""

from __future__ import annotations

import argparse
import getpass
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.errors import CampusNetError, InputError
from monitor.alerting import alerts, notify
from monitor.printable import json_text, visible
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore, open_secrets, secret_from
from monitor.storage.store import connect

# Options of 'notify add' that only some kinds take.
_KIND_OPTIONS: dict[str, tuple[str, ...]] = {
    "host": ("email",),
    "port": ("email",),
    "security": ("email",),
    "user": ("email",),
    "password_env": ("email",),
    "sender": ("email",),
    "ca_file": ("email",),
    "no_tls_verify": ("email",),
    "base_url": ("line", "telegram"),
    "url": ("webhook",),
    "token_env": ("line", "telegram", "webhook"),
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

    no = sub.add_parser("notify", help="notification channels: e-mail, LINE, Telegram, webhook")
    nsub = no.add_subparsers(dest="notify_command", metavar="ACTION", parser_class=parser_class, required=True)
    add = nsub.add_parser("add", help="add a channel")
    add.add_argument("kind", choices=notify.KINDS)
    add.add_argument("name")
    add.add_argument(
        "--to", action="append", default=[], help="e-mail recipient(s), LINE user/group ID or Telegram chat ID"
    )
    add.add_argument("--language", choices=notify.LANGUAGES, default="zh_TW", help="language of the messages")
    add.add_argument("--host", help="SMTP server")
    add.add_argument("--port", type=int, help="SMTP port (default: 25, 587 with starttls, 465 with ssl)")
    add.add_argument("--security", choices=notify.SECURITY, help="SMTP security (default: starttls)")
    add.add_argument("--user", help="SMTP login (its password from --password-env or a prompt)")
    add.add_argument("--password-env", metavar="VAR", help="environment variable holding the SMTP password")
    add.add_argument("--from", dest="sender", metavar="ADDRESS", help="sender address of the e-mails")
    add.add_argument("--ca-file", help="CA certificate(s) to trust for the SMTP server's TLS certificate")
    add.add_argument("--no-tls-verify", action="store_true", help="do not check the SMTP server's certificate")
    add.add_argument("--base-url", metavar="URL", help="LINE or Telegram API address (default: the public one)")
    add.add_argument("--url", help="webhook address")
    add.add_argument("--token-env", metavar="VAR", help="environment variable holding the token")
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


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    for option, kinds in _KIND_OPTIONS.items():
        if getattr(args, option) not in (None, False) and args.kind not in kinds:
            flag = "--from" if option == "sender" else "--" + option.replace("_", "-")
            raise InputError(f"{flag} is not an option of {args.kind} channels")
    to = [part.strip() for value in args.to for part in value.split(",") if part.strip()]
    if args.kind == "email":
        settings: dict[str, Any] = {
            "host": args.host,
            "port": args.port,
            "security": args.security,
            "user": args.user,
            "from": args.sender,
            "to": to,
            "ca_file": args.ca_file,
        }
        if args.ca_file and not Path(args.ca_file).is_file():
            raise InputError(f"no such file: {args.ca_file}")
        if args.no_tls_verify:
            settings["tls_verify"] = False
        return settings
    if len(to) > 1:
        raise InputError(f"a {args.kind} channel sends to one --to")
    if args.kind == "webhook":
        if to:
            raise InputError("a webhook channel takes --url, not --to")
        return {"url": args.url}
    key = "to" if args.kind == "line" else "chat_id"
    return {key: to[0] if to else None, "base_url": args.base_url}


def cmd_notify_add(args: argparse.Namespace, db: Path) -> int:
    """notify add KIND NAME ...: check everything, then store the channel and its secret."""
    channel = notify.Channel(args.kind, args.name, _settings(args), language=args.language)
    checked = notify.validate_channel(channel)  # before anything is asked or stored
    if args.kind == "email":
        if args.password_env and not checked.settings.get("user"):
            raise InputError("--password-env needs --user (the SMTP login)")
        prompt = f"SMTP password of {checked.settings['user']}: " if checked.settings.get("user") else None
        secret = secret_from(args.password_env, prompt)
    else:
        prompt = None if args.kind == "webhook" else f"{args.kind} token: "
        secret = secret_from(args.token_env, prompt)
    if notify.needs_secret(checked) and not secret:
        flag = "--password-env" if args.kind == "email" else "--token-env"
        raise InputError(
            f"no terminal to ask on: give the {'password' if flag == '--password-env' else 'token'} with {flag} VAR"
        )
    conn, secrets = _open(db)
    saved = notify.save_channel(conn, secrets, checked, secret)
    where = f"; secret kept in {secrets.backend_description}" if secret else ""
    print(f"added {saved.kind} channel {visible(saved.name)} ({visible(_target(saved))}){where}")
    return 0


def _target(channel: notify.Channel) -> str:
    s = channel.settings
    if channel.kind == "email":
        return ", ".join(s["to"])
    if channel.kind == "webhook":
        return urllib.parse.urlsplit(s["url"]).netloc.rpartition("@")[2]
    return str(s.get("to") or s.get("chat_id"))


def cmd_notify_list(args: argparse.Namespace, db: Path) -> int:
    """notify list [--json]: channels with what waits in their outbox."""
    conn = connect(db)
    counts = {
        (r["channel_id"], r["status"]): int(r["n"])
        for r in conn.execute("SELECT channel_id, status, COUNT(*) AS n FROM deliveries GROUP BY channel_id, status")
    }
    rows = []
    for c in notify.list_channels(conn):
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
                "target": _target(c),
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
        print("no notification channels yet: add one with 'notify add email|line|telegram|webhook NAME ...'")
        return 0
    headers = ["name", "kind", "enabled", "language", "target", "sent", "pending", "failed", "last_error"]
    print(_table(headers, [[r[h] if h != "enabled" else ("yes" if r[h] else "no") for h in headers] for r in rows]))
    return 0


def cmd_notify_test(args: argparse.Namespace, db: Path) -> int:
    """notify test NAME: send a test message now (exit 1 with the reason if it fails)."""
    conn, secrets = _open(db)
    channel = notify.get_channel(conn, args.name)
    result = notify.send_test(channel, secrets)
    if not result.ok:
        raise CampusNetError(f"test message through {channel.name} failed: {result.error}")
    print(f"test message sent through {visible(channel.name)} ({visible(_target(channel))})")
    return 0


def cmd_notify_remove(args: argparse.Namespace, db: Path) -> int:
    """notify remove NAME."""
    conn, secrets = _open(db)
    notify.remove_channel(conn, secrets, args.name)
    print(f"removed channel {visible(args.name)}")
    return 0


def cmd_notify_outbox(args: argparse.Namespace, db: Path) -> int:
    """notify outbox [--json]: the newest notifications and how their delivery went."""
    rows = notify.outbox(connect(db))
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
