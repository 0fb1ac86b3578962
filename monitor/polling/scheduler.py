"""The polling engine: one asyncio loop in its own thread, cycles on a schedule, bounded concurrency.

- :class:`CoreLoop` owns the asyncio loop thread. The GUI, the CLI and the headless service all submit coroutines to
  it (``submit``) and get a :class:`concurrent.futures.Future` they can wait on or cancel.
- :class:`Poller` runs cycles over every device of a store: at most ``concurrency`` devices at once; a device that
  does not answer costs its own timeout, not the cycle's; results are data (status + reason), never an exception that
  stops the cycle. Cycles never overlap: when one runs past the next start, the missed start is skipped and logged.
  While it runs on a schedule it also backs up device configurations that are due (see
  :mod:`monitor.configuration.backups`),
  one device at a time, beside the polling cycles (never inside them: an SSH session takes seconds).
  After each cycle it evaluates the alert rules (:mod:`monitor.alerting.alerts`, on the writer thread) and sends the
  notifications they queued (:mod:`monitor.alerting.outbox`): beside the cycles under :meth:`Poller.run_forever`, at
  the end of the cycle otherwise (``poll --once``, the demo). Each finished cycle is recorded in the store and
  announced (:mod:`monitor.storage.cycles`): that is how the desktop app hears of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from devices.errors import CampusNetError, SnmpTimeout
from devices.i18n import N_, Msg
from monitor.alerting import alerts
from monitor.alerting.outbox import Dispatcher
from monitor.alerting.texts import Notice
from monitor.configuration import backups
from monitor.configuration.configs import known_hosts_path
from monitor.polling.poller import DeviceCache, poll_device, record_failure, record_poll
from monitor.reports import report_schedule
from monitor.storage import cycles, history
from monitor.storage.events import record_event
from monitor.storage.inventory import snmp_target, store_id
from monitor.storage.lock import held_here
from monitor.storage.secrets import SecretStore, open_secrets
from monitor.storage.settings import load_settings, retention_seconds
from monitor.storage.store import StoreError, StoreFull, StoreWriter, connect

log = logging.getLogger(__name__)
T = TypeVar("T")

RETENTION_EVERY_S = 3600.0
BACKUP_FIRST_CHECK_S = 60.0  # after the start, so opening the app does not open SSH sessions to every device at once
BACKUP_CHECK_EVERY_S = 300.0
REPORT_FIRST_CHECK_S = 120.0
REPORT_CHECK_EVERY_S = 600.0
STOP_GRACE_S = 2.0  # on SIGTERM/SIGINT, devices still being polled get this long, then are cancelled
FULL_DISK_MAX_WAIT_S = 600.0  # the longest wait between tries to store again while the disk is full


@dataclass
class DeviceResult:
    """The outcome of polling one device in one cycle."""

    name: str
    status: str  # "up" | "unreachable" | "error"
    ports: int = 0
    duration_s: float = 0.0
    error: str | None = None
    varbinds: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``poll --once --json``."""
        d = asdict(self)
        d.pop("varbinds")
        d["duration_s"] = round(self.duration_s, 3)
        return d


@dataclass
class CycleResult:
    """One cycle over every device."""

    started: float
    finished: float = 0.0
    devices: list[DeviceResult] = field(default_factory=list)

    @property
    def failed(self) -> list[DeviceResult]:
        """Devices that did not answer properly."""
        return [d for d in self.devices if d.status != "up"]


def _bug_reason(what: str, exc: Exception) -> str:
    """The one-line reason stored for a device whose poll hit a bug (the log has the traceback)."""
    return f"{what} failed ({type(exc).__name__}: {exc}); see the log"


class CoreLoop:
    """An asyncio event loop running in a daemon thread; thread-safe submission of coroutines."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="campusnet-core-loop", daemon=True)
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Run ``coro`` on the loop; cancel it with ``future.cancel()``."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        """Cancel what is still running and stop the loop thread."""
        if not self._thread.is_alive():
            return

        async def _cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(_cancel_all(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


class Poller:
    """Polls every device of one store, once or on a schedule.

    Attributes:
        interval: seconds between cycle starts.
        concurrency: devices polled at the same time.
        settings: the store's polling settings, re-read at every cycle; ``interval`` and ``concurrency`` follow
            them unless they were given to the constructor (the command line's ``--interval``).
        last_cycle: the most recent :class:`CycleResult`, or None.
        on_cycle: optional callback(CycleResult), called on the loop thread after each cycle.
        backup_first_check_s, backup_check_every_s: when :meth:`run_forever` first looks for configuration backups
            that are due, and how often after that.
        clock: the time alerts are evaluated and notifications sent at (tests move it forward).
        on_alert: optional callback(list of :class:`monitor.alerting.texts.Notice`), called on the loop thread when an
            evaluation queued notices (the tray's hook; :func:`monitor.alerting.alerts.pending_tray` reads them too).
        notifier: the :class:`monitor.alerting.outbox.Dispatcher` sending this store's notifications.
    """

    def __init__(
        self,
        db_path: Path,
        *,
        writer: StoreWriter | None = None,
        secrets: SecretStore | None = None,
        interval: float | None = None,
        concurrency: int | None = None,
        on_cycle: Callable[[CycleResult], None] | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.writer = writer or StoreWriter(self.db_path)
        self._own_writer = writer is None
        self._reader = connect(self.db_path)
        self.secrets = secrets or open_secrets(self.db_path, store_id(self._reader))
        self._fixed_interval, self._fixed_concurrency = interval, concurrency
        self.settings = load_settings(self._reader)
        self.interval = interval or self.settings.poll_interval_s
        self.concurrency = concurrency or self.settings.concurrency
        self.on_cycle = on_cycle
        self.last_cycle: CycleResult | None = None
        self._caches: dict[int, DeviceCache] = {}
        self._last_retention = 0.0
        self.skipped_cycles = 0
        self.full_since: float | None = None
        self.backup_first_check_s = BACKUP_FIRST_CHECK_S
        self.backup_check_every_s = BACKUP_CHECK_EVERY_S
        self.report_first_check_s = REPORT_FIRST_CHECK_S
        self.report_check_every_s = REPORT_CHECK_EVERY_S
        self.clock: Callable[[], float] = time.time
        self.on_alert: Callable[[list[Notice]], None] | None = None
        self.notifier = Dispatcher(self.writer, self.secrets, clock=lambda: self.clock())

    def close(self) -> None:
        """Release the store connections (drains the writer if this poller owns it)."""
        if self._own_writer:
            self.writer.close()
        self._reader.close()

    def _reload_settings(self) -> None:
        """Pick up settings changed since the last cycle (by the GUI, or another process)."""
        self.settings = load_settings(self._reader)
        self.interval = self._fixed_interval or self.settings.poll_interval_s
        self.concurrency = self._fixed_concurrency or self.settings.concurrency

    async def _write(self, job: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.wrap_future(self.writer.submit(job))

    async def poll_one(self, device: sqlite3.Row, sem: asyncio.Semaphore) -> DeviceResult:
        """Poll one device and store the outcome; never raises for device trouble.

        The poll runs under the per-device deadline (settings ``device_deadline_s``); past it the device is 'error'
        with that reason. Its results are committed on their own: a value the store cannot take, or a bug, fails
        this device only (logged with its traceback), never the cycle or the other devices' samples.
        """
        async with sem:
            started = time.monotonic()
            device_id, name = int(device["id"]), str(device["name"])
            cache = self._caches.setdefault(device_id, DeviceCache())
            deadline = self.settings.device_deadline_s
            try:
                target = snmp_target(device, self.secrets)
                async with asyncio.timeout(deadline):
                    poll = await poll_device(target, cache)
            except SnmpTimeout as exc:
                return await self._failed(device_id, name, "unreachable", exc, started)
            except TimeoutError:
                late = Msg(
                    N_("no complete answer within the {deadline} s per-device deadline; stopped"),
                    {"deadline": f"{deadline:g}"},
                )
                return await self._failed(device_id, name, "error", late, started)
            except CampusNetError as exc:
                return await self._failed(device_id, name, "error", exc, started)
            except Exception as exc:  # a bug: logged with its traceback; this device fails, the cycle goes on
                log.exception("polling %s failed", name)
                return await self._failed(device_id, name, "error", _bug_reason("polling", exc), started)
            try:
                summary = await self._write(lambda conn: record_poll(conn, device_id, poll))
            except StoreFull:
                raise  # the cycle pauses (see _run_cycles); nothing of this device was written
            except Exception as exc:
                log.exception("storing the poll of %s failed", name)
                return await self._failed(device_id, name, "error", _bug_reason("storing the poll", exc), started)
            for kind, detail in summary.events:
                log.info("%s: %s", kind, detail)
            return DeviceResult(name, "up", summary.ports, time.monotonic() - started, None, poll.varbinds)

    async def _failed(
        self, device_id: int, name: str, status: str, error: str | Msg | CampusNetError, started: float
    ) -> DeviceResult:
        """Store a failed poll: its reason in English, and as a message for people when it has one."""
        duration = time.monotonic() - started
        reason = str(error)
        why = error if isinstance(error, Msg) else error.msg if isinstance(error, CampusNetError) else None
        went_down = await self._write(lambda conn: record_failure(conn, device_id, status, reason, duration, why))
        if went_down:
            log.warning("device_down: %s: %s", name, reason)
        return DeviceResult(name, status, 0, duration, reason)

    async def run_cycle(self) -> CycleResult:
        """Poll every device once (bounded concurrency), then roll up history. Returns per-device results."""
        cycle = CycleResult(started=time.time())
        self._reload_settings()
        devices = list(self._reader.execute("SELECT * FROM devices ORDER BY name"))
        sem = asyncio.Semaphore(max(1, self.concurrency))
        outcomes = await asyncio.gather(*(self.poll_one(d, sem) for d in devices), return_exceptions=True)
        for outcome in outcomes:  # each device has finished (and committed, or not) before the cycle gives up
            if isinstance(outcome, BaseException):
                raise outcome
        cycle.devices = [o for o in outcomes if isinstance(o, DeviceResult)]
        now = time.time()
        await self._write(lambda conn: history.rollup(conn, now))
        if now - self._last_retention > RETENTION_EVERY_S:
            retention = retention_seconds(self.settings)
            await self._write(lambda conn: history.apply_retention(conn, now, retention))
            await self._write(lambda conn: history.apply_poll_retention(conn, now, retention))
            self._last_retention = now
        await self._evaluate_alerts()
        cycle.finished = time.time()
        await self._record_cycle(cycle)
        self.last_cycle = cycle
        log.info(
            "cycle: %d devices, %d failed, %.1f s",
            len(cycle.devices),
            len(cycle.failed),
            cycle.finished - cycle.started,
        )
        if self.on_cycle:
            self.on_cycle(cycle)
        await self._send_notifications()
        return cycle

    async def _record_cycle(self, cycle: CycleResult) -> None:
        """Record the finished cycle in the store and announce it (:mod:`monitor.storage.cycles`): the desktop app
        refreshes from there. Said as the kind of poller whose lock this process holds."""
        holder = held_here(self.db_path)
        job = functools.partial(
            cycles.record,
            started=cycle.started,
            finished=cycle.finished,
            devices=len(cycle.devices),
            failed=len(cycle.failed),
            interval_s=self.interval,
            kind=holder.kind if holder is not None else "",
            pid=os.getpid(),
        )
        try:
            cycle_id = await self._write(job)
        except StoreFull:
            raise  # the cycle pauses like any other write (see _guarded_cycle)
        except Exception:  # a bug here must not stop polling; it is logged with its traceback
            log.exception("recording the cycle failed")
            return
        cycles.announce(self.db_path, cycle_id)

    async def _evaluate_alerts(self) -> None:
        try:
            notices = await self._write(functools.partial(alerts.evaluate, now=self.clock()))
        except Exception:  # a bug here must not stop polling; it is logged with its traceback
            log.exception("alert evaluation failed")
            return
        if notices and self.on_alert:
            self.on_alert(notices)

    async def _send_notifications(self) -> None:
        if self.notifier.running:
            self.notifier.wake()
            return
        try:
            await self.notifier.deliver_due()
        except Exception:
            log.exception("sending notifications failed")

    async def run_backups(self, now: float | None = None) -> list[backups.BackupOutcome]:
        """Back up every device whose configuration is due (settings ``config_backup_hours``), one at a time."""
        self._reload_settings()
        now = time.time() if now is None else now
        known_hosts = known_hosts_path(self.db_path)
        outcomes = []
        for device in backups.due_devices(self._reader, self.settings.config_backup_hours, now):
            device_id, name = int(device["id"]), str(device["name"])
            busy = backups.unfinished_push(self._reader, device_id)
            text: str | None
            error: str | None
            if busy:
                text, error = None, busy
            else:
                text, error = await asyncio.to_thread(backups.attempt, device, self.secrets, known_hosts)
            job = functools.partial(backups.record, secrets=self.secrets, device_id=device_id, name=name)
            outcome = await self._write(functools.partial(job, text=text, error=error, now=time.time()))
            if outcome.ok:
                log.info("config backup: %s: %s", name, "stored" if outcome.ref else "unchanged")
            else:
                log.warning("config backup: %s: %s", name, outcome.error)
            outcomes.append(outcome)
        return outcomes

    async def run_reports(self, now: float | None = None) -> list[report_schedule.ReportOutcome]:
        """Make the scheduled usage reports that are due (child processes; see
        :mod:`monitor.reports.report_schedule`)."""
        now = time.time() if now is None else now

        def write(job: Callable[[sqlite3.Connection], None]) -> None:
            self.writer.submit(job).result()

        return await asyncio.to_thread(report_schedule.run_due, self.db_path, now, write)

    async def _periodic(
        self,
        stop: asyncio.Event,
        first: float,
        every: float,
        job: Callable[[], Coroutine[Any, Any, Any]],
        what: str,
        retry_after: float | None = None,
    ) -> None:
        """Run ``job`` after ``first`` seconds, then every ``every`` seconds; after ``retry_after`` seconds instead
        when one of the outcomes it returns has an ``error``."""
        delay = first
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            if stop.is_set():
                return
            delay = every
            try:
                outcomes = await job()
            except Exception:  # a bug here must not stop polling; it is logged with its traceback
                log.exception("%s failed", what)
                continue
            if retry_after is not None and any(getattr(o, "error", None) for o in outcomes or ()):
                delay = max(every, retry_after)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run cycles every ``interval`` seconds until ``stop`` is set. A late cycle skips missed starts.

        Beside the cycles run the configuration backups that fall due (:meth:`run_backups`), the scheduled usage
        reports (:meth:`run_reports`) and the sending of notifications (:meth:`monitor.alerting.outbox.Dispatcher.run`).
        """
        tasks = [
            asyncio.create_task(
                self._periodic(
                    stop,
                    self.backup_first_check_s,
                    self.backup_check_every_s,
                    self.run_backups,
                    "configuration backups",
                ),
                name="config-backups",
            ),
            asyncio.create_task(
                self._periodic(
                    stop, self.report_first_check_s, self.report_check_every_s, self.run_reports, "scheduled reports"
                ),
                name="reports",
            ),
            asyncio.create_task(self.notifier.run(stop), name="notifications"),
        ]
        try:
            await self._run_cycles(stop)
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _run_cycles(self, stop: asyncio.Event) -> None:
        next_start = time.monotonic()
        while not stop.is_set():
            if not await self._guarded_cycle(stop):
                return
            next_start += self.interval
            now = time.monotonic()
            if now > next_start:
                missed = int((now - next_start) // self.interval) + 1
                self.skipped_cycles += missed
                log.warning("cycle took longer than the %.0f s interval: skipping %d start(s)", self.interval, missed)
                next_start += missed * self.interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(0.0, next_start - time.monotonic()))

    async def _guarded_cycle(self, stop: asyncio.Event) -> bool:
        """One cycle that gives way to ``stop`` and survives a full disk. False when ``stop`` ended it.

        On stop, devices still being polled get :data:`STOP_GRACE_S` to finish, then are cancelled (what they
        already committed stays). On a full disk the service keeps running: it waits (doubling from the interval up
        to :data:`FULL_DISK_MAX_WAIT_S`) and tries again, and once a cycle is stored again it records a
        ``store_full`` event saying how long polls could not be kept.
        """
        wait = self.interval
        while True:
            cycle = asyncio.ensure_future(self.run_cycle())
            stopping = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait({cycle, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not cycle.done():
                    await asyncio.wait({cycle}, timeout=STOP_GRACE_S)
                    cycle.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await cycle
                    return False
                cycle.result()
            except StoreFull as exc:
                self.full_since = self.full_since or time.time()
                log.error("%s; polling goes on, storing again in %.0f s", exc, wait)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=wait)
                if stop.is_set():
                    return False
                wait = min(wait * 2, FULL_DISK_MAX_WAIT_S)
                continue
            finally:
                stopping.cancel()
            if self.full_since is not None:
                await self._record_store_full()
            return True

    async def _record_store_full(self) -> None:
        since, self.full_since = self.full_since, None
        assert since is not None
        message = Msg(
            N_("the disk holding the store was full from {since}: polls in between were not kept"),
            {"since": time.strftime("%Y-%m-%d %H:%M", time.localtime(since))},
        )
        log.warning("store_full: %s", message)
        with contextlib.suppress(StoreError):
            await self._write(lambda conn: record_event(conn, time.time(), "store_full", message))
