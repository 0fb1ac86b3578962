"""A full disk under the background service: it keeps running, says so, and resumes by itself when space returns.

The store lives on a small tmpfs of its own (mounted by the test, so it needs root), which the test fills with a
file until the filesystem refuses more; SQLite then answers "database or disk is full" as it would on a school PC
whose disk ran out.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_root, require_tool
from tests.helpers import add_device, start_main
from tests.peers import SnmpSim


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` for the block."""
    require_root()
    mount = require_tool("mount")
    where.mkdir()
    subprocess.run([mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the filesystem is full; return it (delete it to give the space back)."""
    filler = disk / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb") as f:
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def read(db: Path, sql: str) -> list[sqlite3.Row]:
    """Read the store without writing to it (no migration, no journal: the disk may be full)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def wait_for(what: str, check, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def test_service_survives_a_full_disk_and_resumes(tmp_path: Path, snmprec_dir: Path) -> None:
    recordings = {p.stem: p for p in sorted(snmprec_dir.glob("*.snmprec"))}
    sim = SnmpSim(tmp_path, recordings=recordings).start()
    log = tmp_path / "service.log"  # on the roomy disk: the log must tell what happened while the store's is full
    with small_disk(tmp_path / "disk", "12m") as disk:
        db = disk / "inventory.db"
        proc: subprocess.Popen[str] | None = None
        try:
            for stem in recordings:  # about 1,000 ports: every cycle writes a few hundred kilobytes
                add_device(db, stem, sim.port, stem)
            proc = start_main(db, "poll", "--interval", "5", "--log-file", str(log))
            wait_for("samples", lambda: len(read(db, "SELECT 1 FROM samples LIMIT 1")) == 1)
            filler = fill(disk)
            wait_for("the service to notice the full disk", lambda: "is full" in log.read_text())
            assert proc.poll() is None, "the service stopped on a full disk"
            full_at = time.time()
            filler.unlink()
            wait_for(
                "samples stored again",
                lambda: read(db, "SELECT max(ts) AS ts FROM samples")[0]["ts"] > full_at,
            )
            wait_for("a store_full event", lambda: read(db, "SELECT 1 FROM events WHERE kind = 'store_full'"))
            assert proc.poll() is None
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=60)
            assert proc.returncode == 0
        finally:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()
            sim.close()
    text = log.read_text()
    assert "Traceback" not in text
    (event,) = [line for line in text.splitlines() if "store_full" in line]
    assert "polls in between were not kept" in event


def test_poll_once_on_a_full_disk_is_one_line(tmp_path: Path, snmprec_dir: Path) -> None:
    recordings = {p.stem: p for p in sorted(snmprec_dir.glob("*.snmprec"))}
    sim = SnmpSim(tmp_path, recordings=recordings).start()
    with small_disk(tmp_path / "disk", "4m") as disk:
        db = disk / "inventory.db"
        try:
            for stem in recordings:
                add_device(db, stem, sim.port, stem)
            fill(disk)
            proc = start_main(db, "poll", "--once")
            _out, err = proc.communicate(timeout=120)
        finally:
            sim.close()
    assert proc.returncode == 1, err
    assert err.strip().count("\n") == 0, err
    assert "is full" in err


@pytest.fixture(autouse=True)
def _file_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
