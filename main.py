"""CampusNet entry point: run a command-line command, or (with no command) the desktop app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def no_display() -> str | None:
    """Why a window cannot open here (a Linux session without X11 or Wayland), or None."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on: use a desktop session, or the command line "
        "(main.py --help; 'main.py demo --headless'; 'main.py poll' for the background service)"
    )


def _pdf_writer(report: Any, path: Path, lang: str, db: Path) -> None:
    """The ``report`` command's PDF writer: Qt, loaded only when a PDF is asked for."""
    from gui.report_pdf import write_pdf_headless

    write_pdf_headless(report, path, lang, db)


def main() -> int:
    """No arguments (or only --db): the desktop app; otherwise a command-line command."""
    args = sys.argv[1:]
    asks_help = "-h" in args or "--help" in args
    demo_window = "demo" in args and "--headless" not in args and not asks_help
    wants_window = not args or (len(args) == 2 and args[0] == "--db") or demo_window
    if wants_window and (reason := no_display()):
        print(f"error: {reason}", file=sys.stderr)
        return 1
    if not args or (len(args) == 2 and args[0] == "--db"):
        from gui.app import run
        from monitor.storage.store import default_db_path

        return run(Path(args[1]) if args else default_db_path())
    from monitor.cli import demo as cli_demo
    from monitor.cli import main as cli
    from monitor.cli import report as cli_report

    cli_report.PDF_WRITER = _pdf_writer
    if demo_window:

        def gui_demo(db: Path, speed: float, interval: float) -> int:
            from gui.app import run_demo

            return run_demo(db, speed, interval)

        cli_demo.GUI_DEMO = gui_demo
    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
