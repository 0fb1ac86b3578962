"""The event log: what happened to the network, when, as a message each reader sees in their own language.

Every writer of an event goes through :func:`record_event`: the English text goes into ``events.detail`` (read by
exports, logs and older versions) and the message itself (:class:`devices.i18n.Msg`, as JSON) into
``events.message``, from which the app and the command line render it in the reader's language
(:func:`devices.i18n.render_stored`).
"""

from __future__ import annotations

import sqlite3

from devices.i18n import Msg


def record_event(
    conn: sqlite3.Connection,
    ts: float,
    kind: str,
    message: Msg,
    *,
    device_id: int | None = None,
    port_id: int | None = None,
) -> str:
    """Insert one event; returns its English text (for the log and the cycle's summary)."""
    detail = str(message)
    conn.execute(
        "INSERT INTO events(ts, device_id, port_id, kind, detail, message) VALUES (?, ?, ?, ?, ?, ?)",
        (ts, device_id, port_id, kind, detail, message.to_json()),
    )
    return detail
