"""CampusNet entry point: run a command-line command, or (with no command) the desktop app."""

from __future__ import annotations

import sys


def main() -> int:
    """Dispatch to the command line; the GUI arrives with the desktop app."""
    from monitor.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
