"""The outbox of notifications (the store's ``deliveries`` table) and the :class:`Dispatcher` that sends it.

- :func:`queue` renders a :class:`~monitor.alerting.texts.Notice` once per enabled channel, in that channel's
  language, into the outbox. It runs on the writer thread in the same transaction that records the alert, so a
  notice is never recorded without its deliveries (nor the other way round).
- :class:`Dispatcher` sends what is due, off the writer thread and off the event loop (one attempt at a time in a
  worker thread, :data:`~monitor.alerting.senders.ATTEMPT_TIMEOUT_S` per network operation). Each channel's outbox is
  first in, first out: a failed attempt is retried after 1, 5, 15 and 60 minutes (:data:`BACKOFF_S`) while the rest
  of that channel's messages wait behind it; after the last try the channel's waiting messages are marked
  ``failed`` with the reason and logged. A message being sent when the process is killed is sent again after
  :data:`LEASE_S`.

The desktop tray is not a channel: the GUI reads new alert events with :func:`monitor.alerting.alerts.pending_tray`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from monitor.alerting.channels import Channel, channel_by_id, enabled_channels, try_send
from monitor.alerting.senders import ATTEMPT_TIMEOUT_S, DeliveryError
from monitor.alerting.texts import Message, Notice, render
from monitor.storage.secrets import SecretStore
from monitor.storage.store import StoreWriter

log = logging.getLogger(__name__)
T = TypeVar("T")

BACKOFF_S = (60.0, 300.0, 900.0, 3600.0)  # after the 1st, 2nd, 3rd and 4th failed attempt
MAX_ATTEMPTS = len(BACKOFF_S) + 1
LEASE_S = 120.0  # a message being sent is not picked up again before this (killed mid-send: sent again after it)
MAX_PER_RUN = 50  # messages one :meth:`Dispatcher.deliver_due` sends at most
WAKE_EVERY_S = 30.0
KEEP_DELIVERIES_S = 90 * 86400.0


def queue(conn: Any, notice: Notice, now: float, channels: list[Channel] | None = None) -> int:
    """Put ``notice`` in the outbox of every enabled channel (rendered in its language). Returns how many."""
    count = 0
    for channel in enabled_channels(conn) if channels is None else channels:
        msg = render(notice, channel.language)
        conn.execute(
            "INSERT INTO deliveries (channel_id, alert_id, notice, key, created, subject, body, payload, next_attempt)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                channel.id,
                notice.alert_id,
                notice.event,
                str(uuid.uuid4()),
                now,
                msg.subject,
                msg.body,
                json.dumps({**msg.payload}, ensure_ascii=False),
                now,
            ),
        )
        count += 1
    return count


@dataclass(frozen=True)
class Delivery:
    """One message of the outbox, claimed for sending, with its channel."""

    id: int
    channel: Channel
    key: str
    attempts: int
    message: Message


def claim_next(conn: Any, now: float) -> Delivery | None:
    """Take the next message that is due (the oldest waiting one of some enabled channel) and lease it for sending.

    One statement, so two programs sending from the same store never take the same message.
    """
    row = conn.execute(
        """UPDATE deliveries SET next_attempt = :lease WHERE id = (
               SELECT d.id FROM deliveries d JOIN notify_channels c ON c.id = d.channel_id AND c.enabled = 1
               WHERE d.status = 'pending' AND d.next_attempt <= :now AND NOT EXISTS (
                   SELECT 1 FROM deliveries e WHERE e.channel_id = d.channel_id AND e.status = 'pending'
                   AND e.id < d.id)
               ORDER BY d.next_attempt, d.id LIMIT 1)
           RETURNING id, channel_id, key, attempts, subject, body, payload""",
        {"now": now, "lease": now + LEASE_S},
    ).fetchone()
    if row is None:
        return None
    channel = channel_by_id(conn, int(row["channel_id"]))
    message = Message(row["subject"], row["body"], json.loads(row["payload"]))
    return Delivery(int(row["id"]), channel, row["key"], int(row["attempts"]), message)


def record_attempt(conn: Any, delivery: Delivery, error: str | None, now: float, permanent: bool = False) -> str:
    """Store how an attempt went: ``sent``, ``pending`` (retried later) or ``failed`` (gave up, or a ``permanent``
    error that no retry can mend: then only this message fails). Returns that."""
    if error is None:
        conn.execute(
            "UPDATE deliveries SET status='sent', sent=?, attempts=?, last_error=NULL WHERE id=?",
            (now, delivery.attempts + 1, delivery.id),
        )
        return "sent"
    attempts = delivery.attempts + 1
    if permanent:
        conn.execute(
            "UPDATE deliveries SET attempts=?, status='failed', last_error=? WHERE id=?", (attempts, error, delivery.id)
        )
        return "failed"
    if attempts < MAX_ATTEMPTS:
        conn.execute(
            "UPDATE deliveries SET attempts=?, next_attempt=?, last_error=? WHERE id=?",
            (attempts, now + BACKOFF_S[attempts - 1], error, delivery.id),
        )
        return "pending"
    conn.execute(
        "UPDATE deliveries SET attempts=?, status='failed', last_error=? WHERE id=?", (attempts, error, delivery.id)
    )
    # The channel has failed for over an hour: what waits behind this message would fail the same way.
    conn.execute(
        "UPDATE deliveries SET status='failed', last_error=? WHERE channel_id=? AND status='pending'",
        (f"not sent: {error}", delivery.channel.id),
    )
    return "failed"


def prune(conn: Any, now: float) -> None:
    """Forget sent and failed messages after :data:`KEEP_DELIVERIES_S`."""
    conn.execute("DELETE FROM deliveries WHERE created < ? AND status != 'pending'", (now - KEEP_DELIVERIES_S,))


def outbox(conn: Any, limit: int = 100) -> list[dict[str, Any]]:
    """The newest messages of the outbox (channel, subject, status, attempts, last error), newest first."""
    rows = conn.execute(
        """SELECT d.id, c.name AS channel, d.subject, d.status, d.attempts, d.created, d.sent, d.next_attempt,
                  d.last_error FROM deliveries d JOIN notify_channels c ON c.id = d.channel_id
           ORDER BY d.id DESC LIMIT ?""",
        (limit,),
    )
    return [dict(r) for r in rows]


def attempt(delivery: Delivery, secrets: SecretStore, timeout: float = ATTEMPT_TIMEOUT_S) -> DeliveryError | None:
    """Try to send one claimed message: None when sent, else why not (one line, ``permanent`` or not). Never
    raises."""
    return try_send(delivery.channel, secrets, delivery.message, delivery.key, timeout)


class Dispatcher:
    """Sends the outbox of one store: due messages one at a time, off the writer thread and the event loop.

    Attributes:
        clock: the time source (tests move it forward to make retries due).
        running: True while :meth:`run` is the store's sender (then :meth:`wake` starts a round early).
    """

    def __init__(self, writer: StoreWriter, secrets: SecretStore, clock: Callable[[], float] = time.time) -> None:
        self.writer = writer
        self.secrets = secrets
        self.clock = clock
        self.running = False
        self._wake: asyncio.Event | None = None

    async def _write(self, job: Callable[[Any], T]) -> T:
        return await asyncio.wrap_future(self.writer.submit(job))

    async def deliver_due(self, limit: int = MAX_PER_RUN) -> int:
        """Send up to ``limit`` due messages; returns how many were sent. Failures are stored and logged."""
        sent = 0
        for _ in range(limit):
            delivery = await self._write(functools.partial(claim_next, now=self.clock()))
            if delivery is None:
                break
            failure = await asyncio.to_thread(attempt, delivery, self.secrets)
            error = None if failure is None else str(failure)
            permanent = failure is not None and failure.permanent
            job = functools.partial(
                record_attempt, delivery=delivery, error=error, now=self.clock(), permanent=permanent
            )
            outcome = await self._write(job)
            sent += outcome == "sent"
            self._log(delivery, outcome, error)
        return sent

    @staticmethod
    def _log(delivery: Delivery, outcome: str, error: str | None) -> None:
        name, tries = delivery.channel.name, delivery.attempts + 1
        if outcome == "sent":
            log.info("notification %d sent through %r", delivery.id, name)
        elif outcome == "pending":
            wait = BACKOFF_S[tries - 1] / 60
            log.warning(
                "notification %d through %r failed (try %d of %d, next in %g min): %s",
                delivery.id,
                name,
                tries,
                MAX_ATTEMPTS,
                wait,
                error,
            )
        elif tries < MAX_ATTEMPTS:
            log.error("notification %d through %r failed, not retried: %s", delivery.id, name, error)
        else:
            log.error("notification %d through %r failed %d times, giving up: %s", delivery.id, name, tries, error)

    def wake(self) -> None:
        """Start a sending round now (new messages were queued); without :meth:`run` active, nothing happens."""
        if self._wake is not None:
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send due messages whenever woken and every :data:`WAKE_EVERY_S` until ``stop`` is set."""
        self._wake = asyncio.Event()
        self.running = True
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    await self.deliver_due()
                except Exception:  # a bug here must not stop polling; logged with its traceback
                    log.exception("sending notifications failed")
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
                try:
                    await asyncio.wait(waiters, timeout=WAKE_EVERY_S, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for w in waiters:
                        w.cancel()
        finally:
            self.running = False
            self._wake = None
