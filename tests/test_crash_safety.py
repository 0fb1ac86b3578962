"""kill -9 the background poller in the middle of its work: the store stays intact and keeps every committed
sample."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.helpers import add_device, start_main
from tests.peers import SnmpSim


def committed_samples(db: Path) -> set[tuple[int, int]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return {(r[0], r[1]) for r in conn.execute("SELECT port_id, ts FROM samples")}
    finally:
        conn.close()


def test_kill_minus_nine_mid_cycle(tmp_path: Path, snmprec_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    recordings = {p.stem: p for p in sorted(snmprec_dir.glob("*.snmprec"))}
    sim = SnmpSim(tmp_path, recordings=recordings).start()
    db = tmp_path / "inventory.db"
    proc = None
    try:
        for copy in range(3):  # 3 x the recordings: ~80 devices, ~3,000 ports per cycle
            for stem in recordings:
                add_device(db, f"{stem}-{copy}", sim.port, stem)
        # Output goes to pipes nobody reads: the service logs little, and it is killed long before they fill.
        proc = start_main(db, "poll", "--interval", "5", "--concurrency", "4")
        deadline = time.monotonic() + 60
        before: set[tuple[int, int]] = set()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            before = committed_samples(db)
            if len(before) > 500:  # the second cycle is writing samples right now
                break
        assert len(before) > 500, "the poller never got to its second cycle"
        before = committed_samples(db)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc and proc.poll() is None:
            proc.kill()
        sim.close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    after = committed_samples(db)
    assert before <= after
