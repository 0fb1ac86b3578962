"""Finished cycles in the store (monitor/storage/cycles.py) and the service loop's commands
(monitor/polling/service.py): how the desktop app, which never polls in its own process, hears of cycles and steers
its poller."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.polling.scheduler import Poller
from monitor.polling.service import PollService
from monitor.storage import cycles
from monitor.storage.lock import PollerLock
from monitor.storage.store import connect
from tests.helpers import add_device, rows, run_cycle


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


def _wait_for(predicate: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.02)


def test_each_cycle_is_recorded_with_who_polled_and_announced(db: Path) -> None:
    add_device(db, "dead", 9, "public", timeout_s=0.2, retries=0)
    add_device(db, "gone", 9, "public", timeout_s=0.2, retries=0)
    signal = Path(f"{db}.poller.cycle")
    poller = Poller(db, interval=42)
    try:
        with PollerLock(db) as lock:
            assert lock.acquire("service")
            cycle = run_cycle(poller)
        run_cycle(poller)  # no lock held here: it does not say who it is
    finally:
        poller.close()
    (first, second) = rows(db, "SELECT * FROM cycles ORDER BY id")
    assert (first["kind"], first["pid"], first["devices"], first["failed"]) == ("service", os.getpid(), 2, 2)
    assert (first["started"], first["finished"], first["interval_s"]) == (cycle.started, cycle.finished, 42)
    assert (second["kind"], second["pid"]) == ("", os.getpid())
    assert signal.read_text().strip() == str(second["id"])
    conn = connect(db, readonly=True)
    try:
        latest = cycles.latest(conn)
        assert latest is not None and latest.id == second["id"] == cycles.latest_id(conn)
    finally:
        conn.close()


def test_the_cycles_table_keeps_only_the_newest_rows(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cycles, "KEEP", 3)
    conn = connect(db)
    try:
        for i in range(5):
            with conn:
                cycles.record(conn, started=i, finished=i + 0.5, devices=1, failed=0, interval_s=60, kind="app", pid=7)
        assert [r["started"] for r in conn.execute("SELECT started FROM cycles ORDER BY id")] == [2, 3, 4]
    finally:
        conn.close()


def test_an_empty_store_has_no_cycle(db: Path) -> None:
    conn = connect(db)
    try:
        assert cycles.latest(conn) is None and cycles.latest_id(conn) == 0
    finally:
        conn.close()


class FakePoller:
    """Stands for the poller: counts schedules and cycles, and says whether its schedule runs."""

    def __init__(self) -> None:
        self.schedules = 0
        self.cycles = 0
        self.scheduled = False

    async def run_forever(self, stop: asyncio.Event) -> None:
        self.schedules += 1
        self.scheduled = True
        try:
            await stop.wait()
        finally:
            self.scheduled = False

    async def run_cycle(self) -> None:
        self.cycles += 1

    def close(self) -> None:
        pass


def test_the_service_is_steered_by_the_lines_on_its_input(db: Path) -> None:
    service = PollService(db, interval=60)
    service.poller.close()
    fake = FakePoller()
    service.poller = fake  # type: ignore[assignment]
    read_fd, write_fd = os.pipe()
    commands, writer = os.fdopen(read_fd, "r"), os.fdopen(write_fd, "w")
    runner = threading.Thread(target=service.run, args=(commands,))
    runner.start()
    try:

        def say(word: str) -> None:
            writer.write(word + "\n")
            writer.flush()

        _wait_for(lambda: fake.scheduled, "the schedule to start")
        say("pause")
        _wait_for(lambda: not fake.scheduled, "the schedule to stop")
        assert service.paused and runner.is_alive()  # paused, not stopped
        say("poll")
        _wait_for(lambda: fake.cycles == 1, "the cycle asked for")
        assert fake.schedules == 1 and not fake.scheduled  # the schedule stays stopped
        say("no-such-command")
        say("resume")
        _wait_for(lambda: fake.schedules == 2 and fake.scheduled, "the schedule to start again")
        assert not service.paused
    finally:
        writer.close()  # the end of the input: the app is gone, the service stops
        runner.join(timeout=30)
        commands.close()
    assert not runner.is_alive() and not fake.scheduled
