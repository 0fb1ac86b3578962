"""The command line's ``config`` and ``secret`` commands: render, push (with backup, diff, verify, rollback), back up,
history and diff of device configurations; named secrets a county profile refers to.

Nothing secret is printed: rendered lines and diffs are shown masked.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from devices.errors import CampusNetError, InputError
from monitor.configuration.configs import device_platform, known_hosts_path, session_log_dir
from monitor.printable import json_text, visible, visible_lines
from monitor.storage import inventory
from monitor.storage.secrets import SecretStore, open_secrets, secret_from
from monitor.storage.store import connect

EXAMPLE_PROFILE = Path(__file__).resolve().parents[2] / "devices" / "profiles" / "example.toml"
TEMPLATES = ("roaming", "baseline")


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``config`` and ``secret`` subcommands."""
    from monitor.cli.common import record_id

    config = sub.add_parser("config", help="render, push, back up and compare device configurations")
    csub = config.add_subparsers(dest="config_command", metavar="ACTION", parser_class=parser_class, required=True)
    for name, text in (("render", "show the lines a template gives for a device"), ("push", "push safely")):
        p = csub.add_parser(name, help=text)
        p.add_argument("template", choices=TEMPLATES)
        p.add_argument("devices", nargs=1 if name == "render" else "+", metavar="DEVICE")
        p.add_argument("--profile", type=Path, help="county profile (TOML; default: the shipped example)")
        p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a profile key")
        if name == "push":
            p.add_argument("--dry-run", action="store_true", help="back up and show the change, change nothing")
            p.add_argument("--yes", action="store_true", help="push without asking")
            p.add_argument("--keep-going", action="store_true", help="go on with the next device after a failure")
            p.add_argument(
                "--allow-wlan-restart",
                action="store_true",
                help="a controller may disable and re-enable an SSID around its security changes (drops its clients)",
            )
            p.add_argument("--json", action="store_true")
    restore = csub.add_parser(
        "restore", help="roll a device back to one of its backups (default: the one taken before the last push)"
    )
    restore.add_argument("device")
    restore.add_argument("backup", nargs="?", type=record_id, metavar="BACKUP", help="backup number (config history)")
    restore.add_argument("--dry-run", action="store_true", help="show the lines that would be sent, send nothing")
    restore.add_argument("--yes", action="store_true", help="roll back without asking")
    restore.add_argument("--json", action="store_true")
    recover = csub.add_parser(
        "recover", help="find interrupted pushes, show the state of their devices, finish or roll them back"
    )
    recover.add_argument("devices", nargs="*", metavar="DEVICE")
    action = recover.add_mutually_exclusive_group()
    action.add_argument("--finish", action="store_true", help="complete the push (confirm and save)")
    action.add_argument("--rollback", action="store_true", help="bring the device back to its backup")
    recover.add_argument("--json", action="store_true")
    backup = csub.add_parser("backup", help="back up the running config of some or all devices")
    backup.add_argument("devices", nargs="*", metavar="DEVICE")
    hist = csub.add_parser("history", help="a device's backups and pushes")
    hist.add_argument("device")
    hist.add_argument("--json", action="store_true")
    diff = csub.add_parser("diff", help="compare two backups of a device (default: the latest two)")
    diff.add_argument("device")
    diff.add_argument("revs", nargs="*", type=record_id, metavar="REV")
    secret = sub.add_parser("secret", help="named secrets a county profile refers to (RADIUS secret, SNMPv3 keys)")
    ssub = secret.add_subparsers(dest="secret_command", metavar="ACTION", parser_class=parser_class, required=True)
    sset = ssub.add_parser("set", help="store a named secret (asks for it, or --value-env VAR)")
    sset.add_argument("name")
    sset.add_argument("--value-env", metavar="VAR", help="environment variable holding the value")
    srm = ssub.add_parser("remove", help="forget a named secret")
    srm.add_argument("name")


def _open(db: Path) -> tuple[sqlite3.Connection, SecretStore]:
    conn = connect(db)
    return conn, open_secrets(db, inventory.store_id(conn))


# ----------------------------------------------------------------------------------------------------- secrets


def cmd_secret(args: argparse.Namespace, db: Path) -> int:
    """secret set NAME / secret remove NAME."""
    _conn, secrets = _open(db)
    if args.secret_command == "remove":
        secrets.delete_named(args.name)
        print(f"secret {args.name} removed")
        return 0
    value = secret_from(args.value_env, f"value of secret {args.name}: ")
    if value is None:
        raise InputError("no terminal to ask on: give the value with --value-env VAR")
    secrets.set_named(args.name, value)
    print(f"secret {args.name} saved in {secrets.backend_description}")
    return 0


def secret_resolver(secrets: SecretStore) -> Callable[[str], str]:
    """What a profile's secret names mean: ``env:VAR`` reads the environment, anything else a named secret."""

    def resolve(name: str) -> str:
        if name.startswith("env:"):
            value = os.environ.get(name[4:])
            if value is None:
                raise InputError(f"environment variable {name[4:]} is not set")
            return value
        value = secrets.get_named(name)
        if value is None:
            raise InputError(f"secret {name!r} is not stored: save it with 'secret set {name}'")
        return value

    return resolve


# ----------------------------------------------------------------------------------------------------- render


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` pairs (``--set``) as a dict; a pair without ``=`` is an :class:`InputError`."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set {pair!r}: use KEY=VALUE")
        out[key.strip()] = value
    return out


def load_profile_with(path: Path | None, pairs: Sequence[str] = ()) -> tuple[Any, str]:
    """The profile at ``path`` (the shipped example when None) with ``--set`` pairs applied, and its hash."""
    from devices.config.params import apply_overrides
    from devices.config.profile import load_profile, profile_hash

    path = path or EXAMPLE_PROFILE
    if not path.is_file():
        raise InputError(f"no such profile: {path}")
    profile = load_profile(path)
    overrides = parse_overrides(pairs)
    if overrides:
        profile = apply_overrides(profile, overrides).profile
    return profile, profile_hash(profile)


def _profile(args: argparse.Namespace) -> tuple[Any, str]:
    return load_profile_with(args.profile, args.set)


def _render(args: argparse.Namespace, conn: sqlite3.Connection, secrets: SecretStore, name: str) -> Any:
    from monitor.configuration import planning

    device = inventory.get_device(conn, name)
    profile, _hash = _profile(args)
    view = planning.device_view(conn, secrets, device, neighbours=_needs_ports(device_platform(device), args.template))
    return planning.render_for(
        args.template, view, profile, secret_resolver(secrets), _latest_backup(conn, secrets, device)
    )


def _needs_ports(platform: str, template: str) -> bool:
    """Whether the template has per-port lines on this platform (controllers' roaming has none)."""
    from devices.config.render import CONTROLLERS, platform_folder

    return not (template == "roaming" and platform_folder(platform) in CONTROLLERS)


def _latest_backup(conn: sqlite3.Connection, secrets: SecretStore, device: sqlite3.Row) -> str | None:
    """The latest stored configuration of a device (its trunks decide port roles before anything connects)."""
    from monitor.configuration.configs import ConfigArchive

    try:
        return ConfigArchive(conn, secrets).last_backup(int(device["id"]))
    except CampusNetError:
        return None


def cmd_render(args: argparse.Namespace, db: Path) -> int:
    """config render TEMPLATE DEVICE: the lines, secrets masked; notes and the port roles on stderr."""
    from monitor.configuration.planning import role_lines

    conn, secrets = _open(db)
    rendered = _render(args, conn, secrets, args.devices[0])
    print("\n".join(visible(line) for line in rendered.masked_lines))
    for note in rendered.notes:
        print(f"note: {visible(note)}", file=sys.stderr)
    if rendered.roles:
        print("port roles (from the latest backup, the neighbours and the port marks):", file=sys.stderr)
        for line in role_lines(rendered.roles):
            print(f"  {visible(line)}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------------------------------- push


def render_job(
    conn: sqlite3.Connection,
    secrets: SecretStore,
    name: str,
    template: str,
    profile: Any,
    phash: str,
    *,
    allow_restarts: bool = False,
) -> tuple[Any, Any]:
    """Render ``template`` for the device ``name`` and make its push job: (rendered, PushJob).

    The render shown first uses the latest backup's trunks; the job renders again from the running configuration
    it reads (``replan``). Neighbours are read over SNMP now. Raises :class:`CampusNetError` for a bad parameter, a
    missing secret or missing SSH settings, before anything connects over SSH.
    """
    from devices.push import PushJob, PushTarget
    from monitor.configuration import planning
    from monitor.configuration.configs import push_target_fields

    device = inventory.get_device(conn, name)
    platform = device_platform(device)
    view = planning.device_view(conn, secrets, device, neighbours=_needs_ports(platform, template))
    resolve = secret_resolver(secrets)
    rendered = planning.render_for(template, view, profile, resolve, _latest_backup(conn, secrets, device))
    target = PushTarget(**push_target_fields(device, secrets))
    job = PushJob(
        target,
        rendered.lines,
        rendered.masked_lines,
        sorted(rendered.secret_values),
        template=template,
        profile_hash=phash,
        replan=planning.replanner(template, view, profile, resolve),
        facts=view.facts,
        allow_restarts=allow_restarts,
    )
    return rendered, job


def _jobs(args: argparse.Namespace, conn: sqlite3.Connection, secrets: SecretStore) -> list[Any]:
    """Render every device first: a bad parameter or a missing secret stops everything before anything connects."""
    profile, phash = _profile(args)
    allow = bool(getattr(args, "allow_wlan_restart", False))
    return [
        render_job(conn, secrets, name, args.template, profile, phash, allow_restarts=allow)[1] for name in args.devices
    ]


def _run_push(
    args: argparse.Namespace, db: Path, jobs: list[Any], *, dry_run: bool, stop: threading.Event | None = None
) -> list[Any]:
    from devices.push import push_many
    from monitor.configuration.configs import ConfigArchive
    from monitor.configuration.journal import PushJournal

    conn, secrets = _open(db)
    return push_many(
        jobs,
        stop_on_first_failure=not args.keep_going,
        progress=_say,
        cancelled=stop.is_set if stop is not None else (lambda: False),
        dry_run=dry_run,
        known_hosts=known_hosts_path(db),
        backup_store=ConfigArchive(conn, secrets),
        journal=PushJournal(conn, secrets, db),
        log_dir=session_log_dir(db),
    )


def _say(text: str) -> None:
    print(f"  {visible(text)}", file=sys.stderr, flush=True)


# Outcome -> the words the user reads.
OUTCOME_WORDS = {
    "applied": "applied and saved",
    "rolled-back": "rolled back",
    "unchanged": "unchanged",
    "not-tried": "not tried",
    "attention": "NEEDS ATTENTION",
    "preview": "preview",
}


def _print_results(results: list[Any], as_json: bool) -> None:
    from devices.push import summarize

    if as_json:
        rows = [
            {
                "device": r.device,
                "status": r.status,
                "message": r.message,
                "change": r.change,
                "holds_change": r.holds_change,
                "saved": r.saved,
                "checks": r.checks,
                "notes": r.notes,
                "roles": [{"port": p.port, "role": p.role, "reason": p.reason} for p in r.roles],
            }
            for r in results
        ]
        print(json_text(rows))
        return
    for r in results:
        print(f"== {visible(r.device)}: {OUTCOME_WORDS.get(r.status, r.status)}")
        if r.change:
            print("\n".join(f"   {visible(line)}" for line in r.change))
        for check in r.checks:
            print(f"   check: {visible(check)}")
        for note in r.notes:
            print(f"   note: {visible(note)}")
        if r.roles and r.status == "preview":
            from monitor.configuration.planning import role_lines

            print("   port roles:")
            print("\n".join(f"     {visible(line)}" for line in role_lines(r.roles)))
        print(f"   {visible(r.message)}")
    if len(results) > 1 or any(r.status not in ("preview",) for r in results):
        print("summary:")
        for line in summarize(results):
            print(f"  {visible(line)}")


def _stop_on_signals() -> tuple[threading.Event, Callable[[], None]]:
    """SIGINT and SIGTERM ask the push to stop: lines sent are rolled back (or, past confirm, saved) first."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        return stop, lambda: None

    def handler(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            print(
                "\n  stopping: what was sent is being rolled back (a confirmed change is saved); please wait",
                file=sys.stderr,
                flush=True,
            )
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return stop, restore


def cmd_push(args: argparse.Namespace, db: Path) -> int:
    """config push TEMPLATE DEVICE...: settle earlier interrupted pushes, render all, then push one at a time (asks
    first unless --yes/--dry-run); Ctrl-C or SIGTERM roll back what was sent, then stop."""
    from devices.push import PushResult
    from monitor.configuration.recovery import reconcile

    conn, secrets = _open(db)
    jobs = _jobs(args, conn, secrets)
    if not args.dry_run and not args.yes:
        if not sys.stdin.isatty():
            raise InputError("add --yes to push without being asked (or --dry-run to see the change first)")
        preview = _run_push(args, db, jobs, dry_run=True)
        _print_results(preview, as_json=False)
        answer = input(f"Push to {len(jobs)} device(s)? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("nothing pushed")
            return 1
    blocked = {} if args.dry_run else reconcile(conn, secrets, db, [j.target.name for j in jobs], _say)
    stop, restore = _stop_on_signals()
    try:
        ready = [j for j in jobs if j.target.name not in blocked]
        results = {r.device: r for r in _run_push(args, db, ready, dry_run=args.dry_run, stop=stop)}
    finally:
        restore()
    ordered = [
        results.get(j.target.name) or PushResult(j.target.name, "not-tried", f"not tried: {blocked[j.target.name]}")
        for j in jobs
    ]
    _print_results(ordered, args.json)
    return 0 if all(r.ok for r in ordered) and not stop.is_set() else 1


def restore_job(conn: sqlite3.Connection, secrets: SecretStore, name: str, backup: int | None) -> Any:
    """The job that brings a device back to one of its backups (default: the latest taken before a push)."""
    from devices.push import PushJob, PushTarget
    from monitor.configuration.configs import history, load_backup, push_target_fields
    from monitor.configuration.recovery import device_facts

    device = inventory.get_device(conn, name)
    refs = history(conn, int(device["id"]))
    if backup is None:
        before = [r for r in refs if r.source == "push-before"]
        if not before:
            raise InputError(f"{name} has no backup taken before a push: give a backup number (config history {name})")
        backup = before[0].id
    elif backup not in {r.id for r in refs}:
        raise InputError(f"backup {backup} is not a backup of {name} (config history {name})")
    text = load_backup(conn, secrets, backup)
    target = PushTarget(**push_target_fields(device, secrets))
    return PushJob(target, [], [], template=f"restore backup {backup}", facts=device_facts(device), restore=text)


def cmd_restore(args: argparse.Namespace, db: Path) -> int:
    """config restore DEVICE [BACKUP]: push the lines that bring the device back to a backup, verified equal."""
    conn, secrets = _open(db)
    job = restore_job(conn, secrets, args.device, args.backup)
    if not args.dry_run and not args.yes:
        if not sys.stdin.isatty():
            raise InputError("add --yes to roll back without being asked (or --dry-run to see the lines first)")
        _print_results(_run_push(args, db, [job], dry_run=True), as_json=False)
        if input(f"Roll {args.device} back? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing sent")
            return 1
    args.keep_going = False
    stop, restore = _stop_on_signals()
    try:
        results = _run_push(args, db, [job], dry_run=args.dry_run, stop=stop)
    finally:
        restore()
    _print_results(results, args.json)
    return 0 if all(r.ok for r in results) else 1


def cmd_recover(args: argparse.Namespace, db: Path) -> int:
    """config recover [DEVICE...] [--finish|--rollback]: interrupted pushes, their devices' state, and the action."""
    from monitor.configuration import recovery

    conn, secrets = _open(db)
    names = list(args.devices) or None
    for name in names or []:
        inventory.get_device(conn, name)  # an unknown name is bad input
    entries = recovery.unfinished(conn, db, names)
    if not entries:
        print("no interrupted push" + (f" for {', '.join(names)}" if names else ""))
        return 0
    rows: list[dict[str, Any]] = []
    settled = True
    for entry in entries:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.started))
        row: dict[str, Any] = {"device": entry.device_name, "started": entry.started, "last_step": entry.step}
        seen = recovery.look(conn, secrets, db, entry)
        row.update(state=seen.found.words, actions=[a for a in seen.found.actions if a != "settle"])
        if recovery.settle_found(conn, entry, seen.found):
            row["result"] = "settled: nothing to do"
        elif args.finish or args.rollback:
            done = recovery.act(conn, secrets, db, entry, "finish" if args.finish else "rollback")
            row["result"] = f"{OUTCOME_WORDS.get(done.outcome, done.outcome)}: {done.message}"
            settled = settled and done.outcome != "attention"
        else:
            settled = False
        rows.append(row)
        if not args.json:
            who = (
                f"{visible(entry.device_name)}: push of {entry.template or '?'} started {when} by {visible(entry.user)}"
            )
            print(f"== {who}")
            print(f"   last step: {visible(entry.step)}")
            print(f"   state: {visible(seen.found.words)}")
            if "result" in row:
                print(f"   {visible(row['result'])}")
            elif row["actions"]:
                hints = {"finish": "--finish (confirm and save)", "rollback": "--rollback (back to the backup)"}
                options = " or ".join(hints.get(a, a) for a in row["actions"])
                print(f"   to settle it: config recover {visible(entry.device_name)} {options}")
    if args.json:
        print(json_text(rows))
    return 0 if settled else 1


# ------------------------------------------------------------------------------------------------ backups


def cmd_backup(args: argparse.Namespace, db: Path) -> int:
    """config backup [DEVICE ...]: read and store each running config (all devices with SSH settings by default)."""
    from monitor.configuration import backups

    conn, secrets = _open(db)
    names = args.devices or [d["name"] for d in inventory.list_devices(conn) if d["ssh_user"]]
    if not names:
        raise InputError("no device has SSH settings: add them with the device's SSH user and password")
    devices = [inventory.get_device(conn, name) for name in names]  # every name checked before any session
    failed = 0
    for device in devices:
        name = device["name"]
        print(f"{visible(name)}: reading the configuration…", flush=True)
        busy = backups.unfinished_push(conn, int(device["id"]))
        text, error = (None, busy) if busy else backups.attempt(device, secrets, known_hosts_path(db))
        outcome = backups.record(conn, secrets, int(device["id"]), name, text, error, time.time(), "manual")
        if outcome.ref is None:
            failed += 1
            print(f"{visible(name)}: failed: {visible(outcome.error)}")
            continue
        ref = outcome.ref
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ref.ts))
        print(f"{visible(name)}: backup {ref.id} ({ref.size} bytes, {when}, sha256 {ref.sha256[:12]})")
    return 1 if failed else 0


def cmd_history(args: argparse.Namespace, db: Path) -> int:
    """config history DEVICE: backups and audit records, newest first."""
    from monitor.configuration.configs import audit_log, history

    conn, _secrets = _open(db)
    device = inventory.get_device(conn, args.device)
    backups = history(conn, int(device["id"]))
    audits = audit_log(conn, int(device["id"]))
    if args.json:
        data = {
            "backups": [
                {"id": b.id, "ts": b.ts, "sha256": b.sha256, "size": b.size, "source": b.source} for b in backups
            ],
            "pushes": [
                {"ts": a.ts, "user": a.user, "template": a.template, "result": a.result, "detail": a.detail}
                for a in audits
            ],
        }
        print(json_text(data))
        return 0
    for b in backups:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(b.ts))
        print(f"backup {b.id:5d}  {when}  {b.source:12s} {b.size:7d} bytes  {b.sha256[:12]}")
    for a in audits:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(a.ts))
        print(f"push         {when}  {a.template or '-':12s} {a.result:15s} by {visible(a.user)}: {visible(a.detail)}")
    if not backups and not audits:
        print(f"{visible(args.device)} has no backups yet ('config backup {visible(args.device)}')")
    return 0


def cmd_diff(args: argparse.Namespace, db: Path) -> int:
    """config diff DEVICE [REV_A [REV_B]]: unified diff of two backups, secrets masked."""
    from monitor.configuration.configs import diff

    if len(args.revs) > 2:
        raise InputError("give at most two backup numbers")
    conn, secrets = _open(db)
    device = inventory.get_device(conn, args.device)
    revs = [*args.revs, None, None][:2]
    text = diff(conn, secrets, int(device["id"]), revs[0], revs[1])
    print(visible_lines(text) if text else "no differences")
    return 0


def dispatch(args: argparse.Namespace, db: Path) -> int:
    """Run a ``config`` or ``secret`` command."""
    if args.command == "secret":
        return cmd_secret(args, db)
    handlers: dict[str, Callable[[argparse.Namespace, Path], int]] = {
        "render": cmd_render,
        "push": cmd_push,
        "recover": cmd_recover,
        "restore": cmd_restore,
        "backup": cmd_backup,
        "history": cmd_history,
        "diff": cmd_diff,
    }
    return handlers[args.config_command](args, db)
