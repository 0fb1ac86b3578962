"""One poller per store (monitor/storage/lock.py), rotating log files (monitor/logs.py), and where the installed
program keeps
its store (monitor/storage/store.py default_db_path): in-process, and with real processes holding the lock."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.cli.main import main as cli
from monitor.logs import close_log_file, open_log_file
from monitor.storage.lock import PollerLock
from monitor.storage.store import default_db_path
from tests.conftest import REPO
from tests.helpers import add_device, rows, start_main
from tests.peers import SnmpSim

BUSY = "error: another CampusNet poller is already polling this store"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


def _wait_for(predicate, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM, then the output; killed when it does not stop in time."""
    try:
        proc.send_signal(signal.SIGTERM)
        return proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# ------------------------------------------------------------------------------------------------ the lock itself


def test_a_second_lock_on_the_same_store_is_refused_until_the_first_is_released(db: Path) -> None:
    before = time.time()
    with PollerLock(db) as first, PollerLock(db) as second:
        assert first.acquire("service")
        assert not second.acquire("app")
        holder = second.holder()
        assert holder is not None
        assert (holder.kind, holder.pid, holder.host) == ("service", os.getpid(), socket.gethostname())
        assert before <= holder.since <= time.time()
        info = json.loads(Path(f"{db}.poller.lock.json").read_text(encoding="utf-8"))
        assert (info["kind"], info["pid"]) == ("service", os.getpid())
        first.release()
        assert not Path(f"{db}.poller.lock.json").exists()
        assert second.holder() is None
        assert second.acquire("app")
        assert not first.acquire("service")
    assert PollerLock(db).holder() is None  # leaving the blocks released it


def test_a_killed_holder_releases_the_lock(db: Path) -> None:
    code = (
        "import sys, time\n"
        "from monitor.storage.lock import PollerLock\n"
        f"lock = PollerLock({str(db)!r})\n"
        "assert lock.acquire('service')\n"
        "print('held', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        lock = PollerLock(db)
        assert not lock.acquire("once")
        holder = lock.holder()
        assert holder is not None and (holder.kind, holder.pid) == ("service", proc.pid)
        proc.kill()  # no clean release: its note stays behind, the OS drops the lock
        proc.wait(timeout=10)
        assert Path(f"{db}.poller.lock.json").exists()
        assert lock.holder() is None
        assert lock.acquire("once")
        info = json.loads(Path(f"{db}.poller.lock.json").read_text(encoding="utf-8"))
        assert (info["kind"], info["pid"]) == ("once", os.getpid())
        lock.release()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


# ------------------------------------------------------------------------------------------------ the command line


def test_poll_once_is_refused_while_the_app_polls_and_nothing_is_polled(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_device(db, "sw", 9, "public", timeout_s=0.2, retries=0)
    with PollerLock(db) as app:
        assert app.acquire("app")
        assert cli(["--db", str(db), "poll", "--once", "--json"]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"{BUSY} (the desktop app, pid {os.getpid()}, since ")
        assert "quit it first" in err and len(err.strip().splitlines()) == 1
        assert rows(db, "SELECT COUNT(*) FROM device_polls")[0][0] == 0
        assert rows(db, "SELECT last_poll FROM devices")[0][0] is None
    assert cli(["--db", str(db), "poll", "--once", "--json"]) == 0  # released: polls
    assert json.loads(capsys.readouterr().out)[0]["name"] == "sw"
    assert rows(db, "SELECT COUNT(*) FROM device_polls")[0][0] == 1


def test_headless_demo_is_refused_on_a_store_being_polled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo_db = tmp_path / "demo.db"
    with PollerLock(demo_db) as service:
        assert service.acquire("service")
        assert cli(["--db", str(demo_db), "demo", "--headless"]) == 1
    assert capsys.readouterr().err.startswith(f"{BUSY} (the background service, pid {os.getpid()}")
    assert not demo_db.exists()  # the demo network never started


def test_second_service_and_poll_once_refused_while_the_service_runs(db: Path) -> None:
    proc = start_main(db, "poll", "--interval", "5")
    try:
        _wait_for(lambda: Path(f"{db}.poller.lock.json").exists(), 30, "the service to take the lock")
        for args in (["poll", "--interval", "5"], ["poll", "--once"]):
            second = subprocess.run(
                [sys.executable, str(REPO / "main.py"), "--db", str(db), *args],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode == 1, second.stderr
            assert second.stdout == ""
            (line,) = second.stderr.strip().splitlines()
            assert line.startswith(f"{BUSY} (the background service, pid {proc.pid}, since ")
            assert "stop it first" in line
        assert proc.poll() is None  # the first one polls on
    finally:
        _out, err = _stop(proc)
    assert proc.returncode == 0, err
    assert not Path(f"{db}.poller.lock.json").exists()
    assert cli(["--db", str(db), "poll", "--once"]) == 0  # free again


# ------------------------------------------------------------------------------------------------ log files


def test_log_file_rotates_at_its_size_and_keeps_five_old_files(tmp_path: Path) -> None:
    path = tmp_path / "campusnet.log"
    handler = open_log_file(path, max_bytes=2_000, backups=5)
    logger = logging.getLogger("campusnet.test_rotation")
    logger.setLevel(logging.INFO)
    try:
        for n in range(400):
            logger.info("line %04d 交換器 core-sw 連接埠 Gi1/0/%d", n, n % 48)
    finally:
        close_log_file(handler)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["campusnet.log", *(f"campusnet.log.{i}" for i in range(1, 6))]
    texts = {name: (tmp_path / name).read_text(encoding="utf-8") for name in files}
    assert all((tmp_path / name).stat().st_size <= 2_000 for name in files)
    assert "line 0399 交換器" in texts["campusnet.log"]  # the newest in the current file
    kept = "".join(texts[name] for name in reversed(files))  # oldest first
    numbers = [int(line.split("line ")[1][:4]) for line in kept.splitlines()]
    assert numbers == list(range(numbers[0], 400))  # nothing lost in between, oldest dropped
    assert numbers[0] > 0


def test_log_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    old = tmp_path / "old.log"
    old.write_text("before\n", encoding="utf-8")
    old.chmod(0o644)
    for path in (tmp_path / "new.log", old):
        handler = open_log_file(path, max_bytes=500, backups=2)
        logger = logging.getLogger("campusnet.test_private")
        logger.setLevel(logging.INFO)
        try:
            for n in range(40):  # rotates a few times
                logger.info("line %02d core-sw no answer", n)
        finally:
            close_log_file(handler)
    files = sorted(tmp_path.glob("*.log*"))
    assert len(files) == 6
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}


def test_service_logs_to_its_file_and_never_a_secret(db: Path, tmp_path: Path, snmprec_dir: Path) -> None:
    community = "s3cret-c0mmunity"
    sim = SnmpSim(tmp_path, recordings={community: snmprec_dir / "procurve_2520.snmprec"}).start()
    log = tmp_path / "logs" / "poll.log"
    log.parent.mkdir()
    try:
        add_device(db, "核心交換器", sim.port, community)
        proc = start_main(db, "poll", "--interval", "5", "--log-file", str(log))
        try:
            _wait_for(lambda: log.exists() and "cycle: 1 devices" in log.read_text(encoding="utf-8"), 60, "a cycle")
        finally:
            _out, err = _stop(proc)
    finally:
        sim.close()
    assert proc.returncode == 0, err
    text = log.read_text(encoding="utf-8")
    assert f"polling {db} every 5 s" in text and "INFO stopped" in text
    assert "cycle: 1 devices, 0 failed" in text
    assert "INFO" not in err  # the log went to the file, not stderr
    for path in [log, *tmp_path.glob("inventory.db*")]:
        if not path.name.endswith(".secrets.json"):
            assert community.encode() not in path.read_bytes(), path


def test_log_file_in_a_missing_folder_is_bad_input(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["--db", str(db), "poll", "--once", "--log-file", str(db.parent / "nope" / "poll.log")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write the log file ") and len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------------------------------ data location


def test_installed_program_keeps_its_store_and_log_in_the_user_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.logs import default_log_file

    monkeypatch.delenv("CAMPUSNET_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    assert default_db_path() == Path("inventory.db")  # from a source checkout: the current folder
    assert default_log_file() is None  # and stderr
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert default_db_path() == tmp_path / "data" / "CampusNet" / "inventory.db"
    assert (tmp_path / "data" / "CampusNet").is_dir()
    assert default_log_file() == tmp_path / "state" / "CampusNet" / "log" / "campusnet.log"
    monkeypatch.setenv("CAMPUSNET_DB", str(tmp_path / "elsewhere.db"))
    assert default_db_path() == tmp_path / "elsewhere.db"
    monkeypatch.setattr(sys, "frozen", False)
    assert default_db_path() == tmp_path / "elsewhere.db"
