"""Smoke test of a built CampusNet folder: the frozen program does what the source checkout does.

    uv run python packaging/smoke_test.py dist/campusnet/campusnet

Runs the built program (never the sources) against real agents on 127.0.0.1: snmpsim serving one of the shared
device recordings (SNMP v2c) and, where net-snmp's snmpd is installed, snmpd with an SNMPv3 authPriv user
(SHA-256/AES-256), so the frozen pysnmp's MIB modules and ciphers are exercised. Checks:

- the bundle holds every data file the spec's ``DATA`` names, where the code looks for it;
- ``--help`` exits 0;
- ``device add`` + ``poll --once --json``: the devices are ``up`` with as many ports as the recording has ifName rows;
- ``config render baseline``: the bundled templates and example profile are found, secrets stay masked;
- ``report --format pdf --lang zh_TW``: a PDF drawn off screen, with Chinese headings and the device in it;
- the desktop app opens on the ``offscreen`` platform, keeps running, polls in a child process that is the frozen
  program itself (``poll --app-pid``), and exits 0 on SIGTERM with no poller left behind;

then prints the start times of ``--help`` and ``poll --once`` (median of 3). Exits 1 with a one-line reason on the
first failure. Under CI=true a missing snmpd is a failure; elsewhere the SNMPv3 part is skipped with a note.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from _pytest.outcomes import OutcomeException  # noqa: E402  (tests.peers reports a missing peer this way)
from spec_info import data_files  # noqa: E402  (packaging/, this script's folder)

from tests.conftest import IN_CI, SNMPREC_DIR  # noqa: E402
from tests.peers import V3_USERS, SnmpdLoopback, SnmpSim  # noqa: E402

RECORDING = "ios_2960x.snmprec"
IFNAME_PREFIX = "1.3.6.1.2.1.31.1.1.1.1."
COMMAND_TIMEOUT = 120  # seconds; a bound for a hung program, not a measurement
GUI_SETTLE = 5  # seconds the desktop app must stay up before it is asked to quit


class SmokeFailure(Exception):
    """One check failed; the message says which and why."""


def check(condition: bool, message: str) -> None:
    """Raise :class:`SmokeFailure` with ``message`` unless ``condition``."""
    if not condition:
        raise SmokeFailure(message)


class Frozen:
    """Runs the built program with a store in a temporary folder and a clean, predictable environment."""

    def __init__(self, program: Path, workdir: Path) -> None:
        self.program = program
        self.db = workdir / "inventory.db"
        home = workdir / "home"
        home.mkdir()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "LANG": "C.UTF-8",
            "CAMPUSNET_SECRETS": "file",  # no desktop keyring here
            "QT_QPA_PLATFORM": "offscreen",
        }

    def run(self, *args: str, env: dict[str, str] | None = None, db: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one command to its end; the result holds exit status, stdout and stderr."""
        argv = [str(self.program), *(["--db", str(self.db)] if db else []), *args]
        return subprocess.run(
            argv,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )

    def ok(self, *args: str, env: dict[str, str] | None = None, db: bool = True) -> str:
        """Run a command that must exit 0; its stdout."""
        result = self.run(*args, env=env, db=db)
        last = (result.stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]
        check(result.returncode == 0, f"'{' '.join(args[:3])}' exited {result.returncode}: {last}")
        return result.stdout


def ifname_rows(recording: Path) -> int:
    """ifName rows in an .snmprec file: the ports the poller must find."""
    with recording.open(encoding="latin-1") as lines:
        return sum(1 for line in lines if line.startswith(IFNAME_PREFIX))


def profile_secret_names(profile: Path) -> set[str]:
    """The secret names (``*_ref`` values) an example profile refers to."""

    def walk(node: object) -> set[str]:
        if isinstance(node, dict):
            found = {v for k, v in node.items() if k.endswith("_ref") and isinstance(v, str)}
            return found.union(*(walk(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(walk(v) for v in node))
        return set()

    return walk(tomllib.loads(profile.read_text(encoding="utf-8")))


def check_bundle(program: Path) -> None:
    """The bundle holds each data file of the spec's DATA, where the code looks for it (``_internal/<path>``)."""
    bundle = program.parent / "_internal"
    missing = [str(rel) for rel in data_files() if not (bundle / rel).is_file()]
    check(not missing, f"the bundle lacks {len(missing)} data file(s), e.g. {missing[:3]}")
    print(f"ok: the bundle has all {len(data_files())} data files (templates, profile, translations, icons)")


def check_help(app: Frozen) -> None:
    """``--help`` prints the usage and exits 0."""
    out = app.ok("--help", db=False)
    check("usage:" in out and "poll" in out, "--help printed no usage with the poll command")
    print("ok: --help")


def add_devices(app: Frozen, sim: SnmpSim, snmpd: SnmpdLoopback | None) -> dict[str, int | None]:
    """Add the snmpsim device (and the SNMPv3 one); returns {name: expected ports, or None for 'at least one'}."""
    app.ok("device", "add", "sw1", "--host", "127.0.0.1", "--snmp-port", str(sim.port), "--community-env", "SMOKE_RO",
           env={"SMOKE_RO": "sw1"})  # fmt: skip
    expected: dict[str, int | None] = {"sw1": ifname_rows(SNMPREC_DIR / RECORDING)}
    if snmpd is not None:
        user = V3_USERS["sha256-aes256"]
        assert user.priv and user.priv_key
        app.ok("device", "add", "v3dev", "--host", "127.0.0.1", "--snmp-port", str(snmpd.port),
               "--snmp-version", "3", "--v3-user", user.name, "--v3-auth", user.auth, "--v3-auth-key-env", "SMOKE_AUTH",
               "--v3-priv", user.priv, "--v3-priv-key-env", "SMOKE_PRIV",
               env={"SMOKE_AUTH": user.auth_key, "SMOKE_PRIV": user.priv_key})  # fmt: skip
        expected["v3dev"] = None  # snmpd serves this machine's own interfaces
    return expected


def check_poll(app: Frozen, expected: dict[str, int | None]) -> None:
    """``poll --once --json``: every device up with the ports its agent has."""
    rows = {row["name"]: row for row in json.loads(app.ok("poll", "--once", "--json"))}
    check(set(rows) == set(expected), f"poll --once polled {sorted(rows)}, expected {sorted(expected)}")
    for name, ports in expected.items():
        row = rows[name]
        check(row["status"] == "up", f"{name} is {row['status']} after poll --once: {row['error']}")
        if ports is None:
            check(row["ports"] >= 1, f"{name} answered with no ports")
        else:
            check(row["ports"] == ports, f"{name} has {row['ports']} ports, the recording has {ports}")
        print(f"ok: poll --once: {name} up with {row['ports']} ports")


def check_config_render(app: Frozen) -> None:
    """``config render baseline`` with the bundled example profile and templates; secrets masked."""
    names = profile_secret_names(REPO / "devices" / "profiles" / "example.toml")
    values = {name: f"smoke-secret-{i}" for i, name in enumerate(sorted(names))}
    for name, value in values.items():
        app.ok("secret", "set", name, "--value-env", "SMOKE_SECRET", env={"SMOKE_SECRET": value})
    out = app.ok("config", "render", "baseline", "sw1")
    check(len(out.strip().splitlines()) >= 3, "config render baseline printed almost nothing")
    leaked = [name for name, value in values.items() if value in out]
    check(not leaked, f"config render printed the secrets {leaked} unmasked")
    print(f"ok: config render baseline ({len(out.splitlines())} lines, {len(values)} secrets masked)")


def check_pdf_report(app: Frozen, workdir: Path) -> None:
    """``report --format pdf --lang zh_TW``: a PDF with the device and Chinese headings (the bundled .qm)."""
    now = datetime.now().astimezone()
    out = workdir / "週報.pdf"
    start = (now - timedelta(days=1)).date().isoformat()
    end = (now + timedelta(hours=1)).isoformat(timespec="minutes")
    app.ok("report", "--from", start, "--to", end, "--device", "sw1", "--ports", "all",
           "--format", "pdf", "--out", str(out), "--lang", "zh_TW")  # fmt: skip
    check(out.is_file() and out.read_bytes()[:5] == b"%PDF-", "report --format pdf wrote no PDF")
    text = pdf_text(out)
    if text is None:
        print("ok: report --format pdf (pdftotext is not installed: text not checked)")
        return
    check("sw1" in text, "the PDF report does not name the device")
    check("連接埠" in text, "the PDF report has no Traditional Chinese headings")
    print(f"ok: report --format pdf ({out.stat().st_size // 1024} KiB, Chinese text and the device in it)")


def pdf_text(path: Path) -> str | None:
    """The text of a PDF by poppler's pdftotext, or None where it is not installed."""
    try:
        result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return None
    check(result.returncode == 0, f"pdftotext could not read the report: {result.stderr.strip()}")
    return result.stdout


def check_gui(app: Frozen, workdir: Path) -> None:
    """The desktop app opens off screen, stays up, and quits with status 0 on SIGTERM."""
    db = workdir / "gui.db"
    log = workdir / "gui.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [str(app.program), "--db", str(db)], env=app.env, stdin=subprocess.DEVNULL, stdout=err, stderr=err
        )
        try:
            deadline = time.monotonic() + GUI_SETTLE
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.2)
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            check(proc.poll() is None, f"the desktop app exited with {proc.returncode} at once: {tail}")
            check(db.exists(), "the desktop app did not create its store")
            pollers = child_pollers(proc.pid)
            check(len(pollers) == 1, f"the desktop app runs {len(pollers)} poller processes, not 1: {tail}")
            (poller, argv) = pollers[0]
            check(argv[0] == str(app.program), f"the app's poller is not the frozen program itself: {argv}")
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=COMMAND_TIMEOUT)
            check(not Path(f"/proc/{poller}").exists(), f"the app's poller (pid {poller}) outlived the app")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    output = log.read_text(errors="replace")
    check(status == 0, f"the desktop app exited with {status} on SIGTERM: {output.strip()[-300:]}")
    check("Traceback" not in output, f"the desktop app printed a traceback: {output.strip()[-300:]}")
    print("ok: the desktop app opened off screen and quit cleanly on SIGTERM")


def child_pollers(pid: int) -> list[tuple[int, list[str]]]:
    """(pid, command line) of each ``poll --app-pid`` child of process ``pid`` (Linux /proc)."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            try:
                argv = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:  # it ended meanwhile
                continue
            if "poll" in argv and "--app-pid" in argv:
                found.append((int(child), argv))
    return found


def median_seconds(app: Frozen, args: Sequence[str], runs: int = 3) -> float:
    """Median wall time of ``runs`` runs of a command that must succeed."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        app.ok(*args, db=args[0] != "--help")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def start_snmpd(workdir: Path) -> SnmpdLoopback | None:
    """snmpd with the SNMPv3 users, or None (with a note) where it is not installed outside CI."""
    try:
        return SnmpdLoopback(workdir).start()
    except OutcomeException as exc:  # missing_peer(): a skip outside CI, a failure under CI=true
        if IN_CI:
            raise SmokeFailure(f"snmpd is needed under CI: {exc}") from None
        print(f"note: SNMPv3 check skipped: {exc}")
        return None


def smoke(program: Path) -> None:
    """Every check, in order; raises :class:`SmokeFailure` on the first that fails."""
    check(program.is_file() and os.access(program, os.X_OK), f"{program} is not an executable file")
    check((SNMPREC_DIR / RECORDING).is_file(), f"recording {SNMPREC_DIR / RECORDING} not found (CAMPUSNET_SHARED?)")
    with tempfile.TemporaryDirectory(prefix="campusnet-smoke-") as tmp:
        workdir = Path(tmp)
        app = Frozen(program, workdir)
        check_bundle(program)
        check_help(app)
        try:
            sim = SnmpSim(workdir, {"sw1": SNMPREC_DIR / RECORDING}).start()
        except OutcomeException as exc:
            raise SmokeFailure(f"snmpsim did not start: {exc}") from None
        snmpd = start_snmpd(workdir)
        try:
            expected = add_devices(app, sim, snmpd)
            check_poll(app, expected)
            check_config_render(app)
            check_pdf_report(app, workdir)
            check_gui(app, workdir)
            help_s = median_seconds(app, ["--help"])
            poll_s = median_seconds(app, ["poll", "--once"])
        finally:
            sim.close()
            if snmpd is not None:
                snmpd.close()
    print(f"start time: --help {help_s:.2f} s, poll --once ({len(expected)} devices) {poll_s:.2f} s (median of 3)")


def main(argv: Sequence[str]) -> int:
    """Smoke-test the program named on the command line; 0 when every check passed."""
    if len(argv) != 1:
        print("usage: smoke_test.py PATH/TO/campusnet", file=sys.stderr)
        return 2
    try:
        smoke(Path(argv[0]).resolve())
    except SmokeFailure as exc:
        print(f"FAIL: {exc}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as exc:
        print(f"FAIL: {exc.cmd[1:]} did not finish within {exc.timeout:.0f} s", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
