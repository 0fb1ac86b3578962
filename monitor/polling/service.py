"""The polling service's loop: cycles on the schedule until stopped; pause, resume and poll now on request.

The background service (``poll``) and the desktop app's poller are the same program running this same loop in a
process of its own: the app starts ``poll --app-pid PID`` as a child process (``gui/child_poller.py``), so a poll
never shares an interpreter lock with the window. The app steers its child through the child's standard input, one
word a line. A pipe works the same on Linux and Windows (which has no SIGUSR1), and its end tells the child that the
app is gone, however it went:

- ``poll``: run a cycle now, beside the schedule (what the window's Poll now has always done);
- ``pause``: stop the schedule once the devices being polled are done; the process stays, and keeps the store's
  poller lock, so no other poller takes the store while the app is paused;
- ``resume``: start the schedule again;
- ``stop``, or the end of the input: stop as on SIGTERM.

The child says :data:`READY` on its standard output once it holds the lock and polls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from pathlib import Path
from typing import TextIO

from monitor.polling.scheduler import STOP_GRACE_S, CoreLoop, Poller

log = logging.getLogger(__name__)

READY = "polling"  # the child's first line on its standard output
POLL, PAUSE, RESUME, STOP = "poll", "pause", "resume", "stop"


class PollService:
    """Polls one store on its schedule until :meth:`stop`; the caller holds the store's poller lock.

    Attributes:
        poller: the :class:`monitor.polling.scheduler.Poller`.
        paused: True while the schedule is stopped by ``pause``.
    """

    def __init__(self, db: Path, interval: float | None = None, concurrency: int | None = None) -> None:
        self.core = CoreLoop()
        self.poller = Poller(db, interval=interval, concurrency=concurrency)
        self.paused = False
        self._quit = False
        self._schedule: asyncio.Event | None = None
        self._wake = asyncio.Event()  # bound to the core loop on first use
        self._extra: set[asyncio.Task[object]] = set()

    def run(self, commands: TextIO | None = None) -> None:
        """Poll until stopped (:meth:`stop`, or ``stop``/the end of ``commands``); then close the store.

        Blocks in short waits, so the calling (main) thread still runs signal handlers.
        """
        run = self.core.submit(self._serve())
        if commands is not None:
            threading.Thread(target=self._read, args=(commands,), name="poll-commands", daemon=True).start()
        try:
            while True:
                try:
                    run.result(timeout=0.5)
                    break
                except concurrent.futures.TimeoutError:
                    continue
        finally:
            self.core.stop()
            self.poller.close()

    def command(self, word: str) -> None:
        """Do ``word`` (:data:`POLL`, :data:`PAUSE`, :data:`RESUME` or :data:`STOP`); callable from any thread."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: stopping already
            self.core.loop.call_soon_threadsafe(self._do, word)

    def stop(self) -> None:
        """Stop polling (devices being polled get a moment, then are cancelled); callable from any thread."""
        self.command(STOP)

    def _read(self, commands: TextIO) -> None:
        """Pass on each line of ``commands``; its end means stop (the app that wrote them is gone)."""
        with contextlib.suppress(OSError, ValueError):
            for line in commands:
                if line.strip():
                    self.command(line.strip())
        self.stop()

    def _do(self, word: str) -> None:
        if word == POLL:
            task = asyncio.get_running_loop().create_task(self.poller.run_cycle())
            self._extra.add(task)
            task.add_done_callback(self._cycle_done)
        elif word in (PAUSE, STOP):
            self.paused = self.paused or word == PAUSE
            self._quit = self._quit or word == STOP
            if self._schedule is not None:
                self._schedule.set()
            self._wake.set()
        elif word == RESUME:
            if self.paused:
                log.info("polling resumed")
            self.paused = False
            self._wake.set()
        else:
            log.warning("unknown command %r ignored", word[:40])

    def _cycle_done(self, task: asyncio.Task[object]) -> None:
        self._extra.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("the cycle asked for failed: %s", task.exception())

    async def _serve(self) -> None:
        while not self._quit:
            if self.paused:
                self._wake.clear()
                await self._wake.wait()
                continue
            self._schedule = asyncio.Event()
            await self.poller.run_forever(self._schedule)
            self._schedule = None
            if self.paused and not self._quit:
                log.info("polling paused")
        if self._extra:  # cycles asked for with "poll": the same grace as the schedule's
            await asyncio.wait(set(self._extra), timeout=STOP_GRACE_S)
            for task in list(self._extra):
                task.cancel()
            await asyncio.gather(*self._extra, return_exceptions=True)
