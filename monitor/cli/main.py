"""The command line (DESIGN.md, "Command line"): the parser, assembled from the command groups, and the dispatch.

Exit status: 0 on success, 2 on bad usage or bad input (one line on stderr, nothing changed), 1 on other failures.
Secrets are never plain arguments: a flag names an environment variable, or the command prompts on a terminal.

Each command group is a module of :mod:`monitor.cli` that adds its own parsers and runs its commands:
:mod:`~monitor.cli.devices` (``device``), :mod:`~monitor.cli.poll`, :mod:`~monitor.cli.ports` (``ports``,
``traffic``), :mod:`~monitor.cli.wireless`, :mod:`~monitor.cli.config` (``config``, ``secret``),
:mod:`~monitor.cli.report` (``report``, ``report-schedule``), :mod:`~monitor.cli.alerts` (``alerts``, ``notify``) and
:mod:`~monitor.cli.demo`. What they share is in :mod:`monitor.cli.common`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from devices.errors import CampusNetError, InputError
from devices.i18n import LANGUAGES, N_, Msg, system_language
from monitor.cli import alerts as cli_alerts
from monitor.cli import config as cli_config
from monitor.cli import demo as cli_demo
from monitor.cli import devices as cli_devices
from monitor.cli import poll as cli_poll
from monitor.cli import ports as cli_ports
from monitor.cli import report as cli_report
from monitor.cli import wireless as cli_wireless
from monitor.cli.common import Parser, UsageError
from monitor.printable import visible
from monitor.storage.store import default_db_path, store_error


def build_parser() -> Parser:
    """The full command-line grammar."""
    p = Parser(prog="campusnet", description="CampusNet: school network monitoring and configuration.")
    p.add_argument(
        "--db",
        type=Path,
        help="store file (default: $CAMPUSNET_DB, else ./inventory.db; installed: the user's data folder)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of messages: en or zh_TW (default: $CAMPUSNET_LANG, else the system's language)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    cli_devices.add_parsers(sub, Parser)
    cli_poll.add_parsers(sub)
    cli_ports.add_parsers(sub)
    cli_wireless.add_parsers(sub)
    cli_config.add_parsers(sub, Parser)
    cli_report.add_parser(sub)
    cli_alerts.add_parsers(sub, Parser)
    cli_demo.add_parsers(sub)
    return p


# command -> its group's runner (``demo`` is apart: it never uses the school's store)
DISPATCH: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "device": cli_devices.dispatch,
    "poll": cli_poll.dispatch,
    "ports": cli_ports.dispatch,
    "traffic": cli_ports.dispatch,
    "wireless": cli_wireless.dispatch,
    "config": cli_config.dispatch,
    "secret": cli_config.dispatch,
    "report": cli_report.cmd_report,
    "report-schedule": cli_report.cmd_report,
    "alerts": cli_alerts.dispatch,
    "notify": cli_alerts.dispatch,
}


def cli_language() -> str:
    """The language of the command line's messages: $CAMPUSNET_LANG when it names one, else the system's."""
    chosen = os.environ.get("CAMPUSNET_LANG", "")
    return chosen if chosen in LANGUAGES else system_language()


def error_line(error: CampusNetError, language: str) -> str:
    """The one line printed for a core error, in ``language``, device text shown safely."""
    return visible(Msg(N_("error: {message}"), {"message": error.render(language)}).render(language))


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
    language = args.lang or cli_language()
    try:
        if args.command == "demo":
            return cli_demo.cmd_demo(args, args.db)
        return DISPATCH[args.command](args, db)
    except InputError as exc:
        print(error_line(exc, language), file=sys.stderr)
        return 2
    except CampusNetError as exc:
        print(error_line(exc, language), file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # a store that fails under a command (full disk, locked, damaged): one line
        print(f"error: {store_error(db, exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
