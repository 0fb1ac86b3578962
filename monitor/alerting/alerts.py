"""Alerts: rules, their evaluation after every poll cycle, and each alert's lifecycle (firing -> resolved).

Rules live in the store's ``alert_rules`` table (the migration seeds one of each kind); :func:`list_rules`,
:func:`save_rule` and :func:`delete_rule` are the API the rules editor uses. Kinds and their parameters
(:data:`PARAMS`, with defaults):

- ``device_down``: ``polls`` polls in a row failed (3: no answer, or an error); recovers when it answers again.
- ``reboot``: a device restarted (the poller's ``reboot`` events); one notice, resolved at once.
- ``port_down``: a port marked as an uplink (``ports.is_uplink``) or important (``ports.important``) is down;
  ports shut down by an administrator (admin status 2) never alert.
- ``utilization``: in or out (``direction``) above ``percent`` % (90) of the port speed for ``minutes`` (15), on
  uplinks and important ports or on every port with a known speed (``ports``); clears after ``clear_minutes`` (5)
  below.
- ``errors``: errors above ``errors_ps`` per second (10) or discards above ``discards_ps`` (10) for ``minutes``
  (10); clears after ``clear_minutes`` (5) below.

"For N minutes" means every sample of those minutes is above the limit and the samples reach back that far.
:func:`evaluate` runs on the writer thread after every cycle. It works from the store only (device status, polls,
port rates and samples, events), so running it twice for one cycle changes nothing the second time. Every change
writes an ``alerts`` row, an ``events`` row (``alert``, ``alert_resolved``, ``alert_flapping``) and, in the same
transaction, the notifications (:func:`monitor.alerting.outbox.queue`).

Flapping: a device or port whose state changed ``flap_changes`` times (4) within ``flap_window_min`` minutes (20)
gets one "flapping" notice; its alert then stays quiet (no down/up notices, no reminders) until it has not changed
for that window, then one notice says whether it is up (the alert resolves) or still down (the alert goes on).
Firing alerts that nobody acknowledged are repeated every ``remind_every_min`` minutes (60 for down rules, 0 = off),
at most :data:`MAX_REMINDERS` times; :func:`acknowledge` stops that.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from devices.errors import InputError
from monitor.alerting import outbox
from monitor.alerting.channels import enabled_channels
from monitor.alerting.texts import Notice, render

log = logging.getLogger(__name__)

RULE_KINDS = ("device_down", "reboot", "port_down", "utilization", "errors")
SEVERITIES = ("critical", "warning", "info")
MAX_REMINDERS = 12
KEEP_ALERTS_S = 400 * 86400.0
EVENT_CURSOR = "last_event_id"  # in the alert_state table
OPER_UP, OPER_DOWN_STATES, ADMIN_DOWN = 1, (2, 6, 7), 2  # IF-MIB: up; down, notPresent, lowerLayerDown; down


@dataclass(frozen=True)
class ParamSpec:
    """One rule parameter: its default (which also fixes its type), range or choices, and what it means."""

    default: int | float | str
    label: str
    low: float = 0
    high: float = 0
    choices: tuple[str, ...] = ()


_FLAP = {
    "flap_changes": ParamSpec(4, "state changes that make it flapping", 2, 100),
    "flap_window_min": ParamSpec(20, "flapping window (minutes)", 1, 1440),
    "remind_every_min": ParamSpec(60, "remind every (minutes, 0 = never)", 0, 10080),
}
_PORTS = ParamSpec("uplinks", "which ports: uplinks and important ones, or all", choices=("uplinks", "all"))
_QUIET = ParamSpec(0, "remind every (minutes, 0 = never)", 0, 10080)

PARAMS: dict[str, dict[str, ParamSpec]] = {
    "device_down": {"polls": ParamSpec(3, "missed polls in a row", 1, 100), **_FLAP},
    "reboot": {},
    "port_down": dict(_FLAP),
    "utilization": {
        "percent": ParamSpec(90.0, "utilization above (%)", 1, 100),
        "minutes": ParamSpec(15, "for (minutes)", 1, 1440),
        "clear_minutes": ParamSpec(5, "clears after (minutes below)", 1, 1440),
        "direction": ParamSpec("any", "direction", choices=("any", "in", "out")),
        "ports": _PORTS,
        "remind_every_min": _QUIET,
    },
    "errors": {
        "errors_ps": ParamSpec(10.0, "errors per second above", 0.001, 1e9),
        "discards_ps": ParamSpec(10.0, "discards per second above", 0.001, 1e9),
        "minutes": ParamSpec(10, "for (minutes)", 1, 1440),
        "clear_minutes": ParamSpec(5, "clears after (minutes below)", 1, 1440),
        "ports": _PORTS,
        "remind_every_min": _QUIET,
    },
}


# ---------------------------------------------------------------------------------------------------------- rules


@dataclass
class Rule:
    """An alert rule.

    Attributes:
        kind: one of :data:`RULE_KINDS`.
        name: the user's name for it (unique).
        params: the kind's parameters (:data:`PARAMS`); missing ones take their default.
        enabled: a disabled rule fires nothing, and its firing alerts resolve quietly.
        severity: ``critical``, ``warning`` or ``info`` (shown in messages and sent to webhooks).
        id: the store's id, None until saved.
    """

    kind: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True
    severity: str = "warning"
    id: int | None = None


def _check_param(kind: str, key: str, value: object) -> int | float | str:
    spec = PARAMS[kind].get(key)
    if spec is None:
        known = ", ".join(PARAMS[kind]) or "none"
        raise InputError(f"a {kind} rule has no parameter {key!r} (it has: {known})")
    if spec.choices:
        if value not in spec.choices:
            raise InputError(f"{key}: {spec.label} must be one of {', '.join(spec.choices)}, not {value!r}")
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{key}: {spec.label} must be a number, not {value!r}")
    if isinstance(spec.default, int) and value != int(value):
        raise InputError(f"{key}: {spec.label} must be a whole number, not {value!r}")
    if not spec.low <= value <= spec.high:
        raise InputError(f"{key}: {spec.label} must be between {spec.low:g} and {spec.high:g}, not {value!r}")
    return int(value) if isinstance(spec.default, int) else float(value)


def validate_rule(rule: Rule) -> Rule:
    """A checked copy of ``rule`` with every parameter present; :class:`InputError` names the first bad value."""
    if rule.kind not in RULE_KINDS:
        raise InputError(f"rule kind {rule.kind!r}: use one of {', '.join(RULE_KINDS)}")
    name = rule.name.strip()
    if not name or len(name) > 64 or any(ord(c) < 32 for c in name):
        raise InputError(f"rule name {rule.name!r}: use 1-64 characters, no control characters")
    if rule.severity not in SEVERITIES:
        raise InputError(f"severity {rule.severity!r}: use one of {', '.join(SEVERITIES)}")
    params = {key: spec.default for key, spec in PARAMS[rule.kind].items()}
    params.update({key: _check_param(rule.kind, key, value) for key, value in rule.params.items()})
    return Rule(rule.kind, name, params, bool(rule.enabled), rule.severity, rule.id)


def _rule(row: sqlite3.Row) -> Rule:
    stored = Rule(row["kind"], row["name"], {}, bool(row["enabled"]), row["severity"], int(row["id"]))
    try:
        params = json.loads(row["params"])
        return validate_rule(Rule(stored.kind, stored.name, params, stored.enabled, stored.severity, stored.id))
    except (ValueError, TypeError, AttributeError, InputError) as exc:
        log.warning("alert rule %r: cannot use its stored parameters (%s), using the defaults", stored.name, exc)
        return validate_rule(stored)


def list_rules(conn: sqlite3.Connection) -> list[Rule]:
    """Every rule, in the order they were added, with all parameters filled in."""
    return [_rule(r) for r in conn.execute("SELECT * FROM alert_rules ORDER BY id")]


def save_rule(conn: sqlite3.Connection, rule: Rule) -> Rule:
    """Add (``rule.id`` None) or update a rule after checking it; nothing changes on bad input. Returns it saved."""
    checked = validate_rule(rule)
    values = (checked.kind, checked.name, int(checked.enabled), checked.severity, json.dumps(checked.params))
    with conn:
        clash = conn.execute(
            "SELECT id FROM alert_rules WHERE name = ? AND id IS NOT ?", (checked.name, checked.id)
        ).fetchone()
        if clash:
            raise InputError(f"an alert rule called {checked.name!r} exists already")
        if checked.id is None:
            cur = conn.execute(
                "INSERT INTO alert_rules (kind, name, enabled, severity, params) VALUES (?, ?, ?, ?, ?)", values
            )
            checked.id = int(cur.lastrowid or 0)
        elif (
            conn.execute(
                "UPDATE alert_rules SET kind=?, name=?, enabled=?, severity=?, params=? WHERE id=?",
                (*values, checked.id),
            ).rowcount
            == 0
        ):
            raise InputError(f"alert rule {checked.id} does not exist")
    return checked


def delete_rule(conn: sqlite3.Connection, rule_id: int) -> None:
    """Remove a rule; its firing alerts resolve quietly at the next evaluation."""
    with conn:
        if conn.execute("DELETE FROM alert_rules WHERE id = ?", (rule_id,)).rowcount == 0:
            raise InputError(f"alert rule {rule_id} does not exist")


def set_port_important(conn: sqlite3.Connection, port_id: int, important: bool) -> None:
    """Mark a port important (its going down alerts, like an uplink's) or not."""
    with conn:
        if conn.execute("UPDATE ports SET important = ? WHERE id = ?", (int(important), port_id)).rowcount == 0:
            raise InputError(f"port {port_id} does not exist")


# ---------------------------------------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class AlertInfo:
    """One alert as lists show it."""

    id: int
    rule: str
    kind: str
    severity: str
    device: str
    port: str
    state: str
    flapping: bool
    started: float
    resolved: float | None
    acknowledged_by: str | None
    acknowledged_at: float | None
    detail: str


def _info(row: sqlite3.Row) -> AlertInfo:
    return AlertInfo(
        id=int(row["id"]),
        rule=row["rule"] or "",
        kind=row["kind"],
        severity=row["severity"],
        device=row["device_name"],
        port=row["port_name"],
        state=row["state"],
        flapping=bool(row["flapping"]),
        started=row["started"],
        resolved=row["resolved"],
        acknowledged_by=row["acknowledged_by"],
        acknowledged_at=row["acknowledged_at"],
        detail=row["detail"],
    )


_ALERTS = "SELECT a.*, r.name AS rule FROM alerts a LEFT JOIN alert_rules r ON r.id = a.rule_id"


def list_alerts(conn: sqlite3.Connection, firing_only: bool = True, limit: int = 200) -> list[AlertInfo]:
    """Firing alerts (or all, newest first, up to ``limit``)."""
    where = "WHERE a.state = 'firing'" if firing_only else ""
    rows = conn.execute(f"{_ALERTS} {where} ORDER BY a.started DESC, a.id DESC LIMIT ?", (limit,))
    return [_info(r) for r in rows]


def acknowledge(conn: sqlite3.Connection, alert_id: int, user: str, now: float) -> AlertInfo:
    """Record that ``user`` has seen a firing alert (no more reminders). Returns the alert."""
    user = user.strip()
    if not user or len(user) > 64 or any(ord(c) < 32 for c in user):
        raise InputError(f"user name {user!r}: use 1-64 characters, no control characters")
    with conn:
        row = conn.execute(f"{_ALERTS} WHERE a.id = ?", (alert_id,)).fetchone()
        if row is None:
            raise InputError(f"there is no alert {alert_id} (see 'alerts --all')")
        if row["state"] != "firing":
            raise InputError(f"alert {alert_id} is already resolved")
        if row["acknowledged_by"] is None:
            conn.execute(
                "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?", (user, now, alert_id)
            )
    return _info(conn.execute(f"{_ALERTS} WHERE a.id = ?", (alert_id,)).fetchone())


@dataclass(frozen=True)
class TrayItem:
    """An alert event for the desktop tray: show ``device`` and ``detail`` for events newer than the last seen id."""

    event_id: int
    ts: float
    kind: str
    device: str
    detail: str


def pending_tray(conn: sqlite3.Connection, since_id: int, limit: int = 20) -> list[TrayItem]:
    """Alert events (``alert``, ``alert_resolved``, ``alert_flapping``) with an id above ``since_id``, oldest first."""
    rows = conn.execute(
        """SELECT e.id, e.ts, e.kind, e.detail, COALESCE(d.name, '') AS device FROM events e
           LEFT JOIN devices d ON d.id = e.device_id
           WHERE e.id > ? AND e.kind IN ('alert', 'alert_resolved', 'alert_flapping') ORDER BY e.id LIMIT ?""",
        (since_id, limit),
    )
    return [TrayItem(int(r["id"]), r["ts"], r["kind"], r["device"], r["detail"]) for r in rows]


def tray_notices(conn: sqlite3.Connection, since_id: int, limit: int = 20) -> tuple[list[Notice], int]:
    """The alert notices recorded by another process (the background service) since event ``since_id``, for the
    desktop tray of an app that does not poll itself; and the last event id seen.

    Each ``alert``/``alert_resolved``/``alert_flapping`` event is matched to the latest alert of the same device and
    port that had started by then.
    """
    items = pending_tray(conn, since_id, limit)
    notices = []
    for item in items:
        row = conn.execute(
            """SELECT a.*, d.host, d.location, p.alias FROM events e
               JOIN alerts a ON a.device_id IS e.device_id AND a.port_id IS e.port_id AND a.started <= e.ts
               LEFT JOIN devices d ON d.id = a.device_id LEFT JOIN ports p ON p.id = a.port_id
               WHERE e.id = ? ORDER BY a.started DESC LIMIT 1""",
            (item.event_id,),
        ).fetchone()
        if row is None:
            continue
        notices.append(
            Notice(
                event=item.kind,
                rule_kind=row["kind"],
                device=row["device_name"],
                alert_id=int(row["id"]),
                severity=row["severity"],
                host=row["host"] or "",
                location=row["location"] or "",
                port=row["port_name"],
                port_alias=row["alias"] or "",
                started=row["started"],
                resolved=row["resolved"] if item.kind == "alert_resolved" else None,
                acknowledged_by=row["acknowledged_by"],
                facts=json.loads(row["facts"]),
            )
        )
    return notices, (items[-1].event_id if items else since_id)


def last_event_id(conn: sqlite3.Connection) -> int:
    """The newest event's id (0 when there is none): where :func:`tray_notices` starts."""
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


# ---------------------------------------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class _Subject:
    """What an alert is about: a device, or one of its ports."""

    key: str
    device_id: int
    device: str
    port_id: int | None = None
    port: str = ""


class _Run:
    """One evaluation: the store, the time, and the alerts that were firing when it began."""

    def __init__(self, conn: sqlite3.Connection, now: float) -> None:
        self.conn, self.now = conn, now
        self.rules = list_rules(conn)
        self.rules_by_id = {r.id: r for r in self.rules}
        self.channels = enabled_channels(conn)
        self.devices = {int(d["id"]): d for d in conn.execute("SELECT * FROM devices")}
        self.open = {int(r["id"]): r for r in conn.execute("SELECT * FROM alerts WHERE state = 'firing'")}
        self.firing = {(r["rule_id"], r["subject"]): r for r in self.open.values() if r["rule_id"] is not None}
        self.looked_at: set[int] = set()
        self.notices: list[Notice] = []
        row = conn.execute("SELECT value FROM alert_state WHERE key = ?", (EVENT_CURSOR,)).fetchone()
        self.newest_event = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])
        cursor = min(int(row["value"]) if row else self.newest_event, self.newest_event)  # ids of deleted events
        self.reboots = conn.execute(  # come back, so the cursor never stays above the newest
            "SELECT id, ts, device_id FROM events WHERE kind = 'reboot' AND id > ? AND id <= ? ORDER BY id",
            (cursor, self.newest_event),
        ).fetchall()
        self.recovered: set[int] = set()  # devices whose down alert resolved now (their restart goes in that notice)

    def alert_for(self, rule: Rule, subject: _Subject) -> sqlite3.Row | None:
        """The firing alert of ``rule`` about ``subject``, marked as looked at (so it is not resolved as orphaned)."""
        row = self.firing.get((rule.id, subject.key))
        if row is not None:
            self.looked_at.add(int(row["id"]))
        return row

    def notice(self, alert_id: int, event: str, facts: dict[str, Any] | None = None, note: str | None = None) -> None:
        """Record an event for the alert and queue its notifications; with a ``note``, only the event, saying it."""
        a = self.conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        dev = self.devices.get(a["device_id"]) if a["device_id"] is not None else None
        port = (
            self.conn.execute("SELECT alias FROM ports WHERE id = ?", (a["port_id"],)).fetchone()
            if a["port_id"] is not None
            else None
        )
        rule = self.rules_by_id.get(a["rule_id"])
        notice = Notice(
            event=event,
            rule_kind=a["kind"],
            device=a["device_name"],
            alert_id=alert_id,
            rule_name=rule.name if rule else "",
            severity=a["severity"],
            host=dev["host"] if dev else "",
            location=dev["location"] if dev else "",
            port=a["port_name"],
            port_alias=(port["alias"] or "") if port else "",
            started=a["started"],
            resolved=a["resolved"],
            acknowledged_by=a["acknowledged_by"],
            facts={**json.loads(a["facts"]), **(facts or {})},
        )
        kind = {"alert_stable": "alert_resolved", "alert_stable_down": "alert"}.get(event, event)
        if event != "alert_reminder":
            text = render(notice, "en")
            detail = note or " — ".join(x for x in (text.payload["message"], text.payload["detail"]) if x)
            self.conn.execute(
                "INSERT INTO events (ts, device_id, port_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
                (self.now, a["device_id"], a["port_id"], kind, detail),
            )
        if note is None:
            outbox.queue(self.conn, notice, self.now, self.channels)
            self.notices.append(notice)

    def fire(
        self,
        rule: Rule,
        subject: _Subject,
        started: float,
        facts: dict[str, Any],
        *,
        flapping: bool = False,
        resolved: bool = False,
    ) -> int:
        """Open an alert (or, with ``resolved``, record a one-off one) and notify."""
        assert rule.id is not None
        cur = self.conn.execute(
            """INSERT INTO alerts (rule_id, kind, severity, subject, device_id, port_id, device_name, port_name, state,
               flapping, started, resolved, last_notified, detail, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
               ?, ?, ?)""",
            (
                rule.id,
                rule.kind,
                rule.severity,
                subject.key,
                subject.device_id,
                subject.port_id,
                subject.device,
                subject.port,
                "resolved" if resolved else "firing",
                int(flapping),
                started,
                started if resolved else None,
                self.now,
                "",
                json.dumps(facts),
            ),
        )
        alert_id = int(cur.lastrowid or 0)
        self._set_detail(alert_id, "alert_flapping" if flapping else "alert", facts)
        self.notice(alert_id, "alert_flapping" if flapping else "alert", facts)
        return alert_id

    def _set_detail(self, alert_id: int, event: str, facts: dict[str, Any]) -> None:
        row = self.conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        probe = Notice(
            event=event, rule_kind=row["kind"], device=row["device_name"], port=row["port_name"], facts=facts
        )
        self.conn.execute(
            "UPDATE alerts SET detail = ? WHERE id = ?", (render(probe, "en").payload["detail"], alert_id)
        )

    def resolve(self, alert: sqlite3.Row, event: str = "alert_resolved", facts: dict[str, Any] | None = None) -> None:
        """Close an alert and send its recovery notice (for a device that restarted meanwhile, saying so)."""
        self.conn.execute("UPDATE alerts SET state='resolved', resolved=? WHERE id=?", (self.now, alert["id"]))
        device_id = alert["device_id"]
        if alert["kind"] == "device_down" and any(r["device_id"] == device_id for r in self.reboots):
            facts = {**(facts or {}), "restarted": 1}
            self.recovered.add(device_id)
        self.notice(int(alert["id"]), event, facts)

    def resolve_quietly(self, alert: sqlite3.Row, reason: str) -> None:
        """Close an alert nobody needs to hear about (its rule, device or port is no longer watched)."""
        self.conn.execute(
            "UPDATE alerts SET state='resolved', resolved=?, detail=? WHERE id=?",
            (self.now, f"{alert['detail']} (closed: {reason})".strip(), alert["id"]),
        )
        what = f"{alert['device_name']} {alert['port_name']}".strip()
        self.notice(int(alert["id"]), "alert_resolved", note=f"{alert['kind']} alert on {what} closed: {reason}")

    def set_flapping(self, alert: sqlite3.Row, flapping: bool, facts: dict[str, Any]) -> None:
        """Mark an alert flapping (one notice, then quiet) or, still down, no longer flapping (one notice)."""
        self.conn.execute(
            "UPDATE alerts SET flapping=?, last_notified=?, reminders=0 WHERE id=?",
            (int(flapping), self.now, alert["id"]),
        )
        self.notice(int(alert["id"]), "alert_flapping" if flapping else "alert_stable_down", facts)


def _changes(
    conn: sqlite3.Connection, column: str, kinds: tuple[str, str], since: float
) -> dict[int, tuple[int, float]]:
    """State changes per device or port (``column``) since ``since``: {id: (count, first change)}."""
    rows = conn.execute(
        f"""SELECT {column} AS id, COUNT(*) AS n, MIN(ts) AS first FROM events
            WHERE kind IN (?, ?) AND ts > ? AND {column} IS NOT NULL GROUP BY {column}""",
        (*kinds, since),
    )
    return {int(r["id"]): (int(r["n"]), float(r["first"])) for r in rows}


def _lifecycle(
    run: _Run,
    rule: Rule,
    subject: _Subject,
    bad: bool | None,
    changes: tuple[int, float],
    started: float,
    facts: dict[str, Any],
) -> None:
    """Fire, resolve or hold back the alert of a state rule about one device or port.

    ``bad`` is True (down), False (up) or None (not known yet, or not for long enough to say).
    """
    count, first_change = changes
    window = rule.params["flap_window_min"]
    flap_facts = {"changes": count, "window": window}
    alert = run.alert_for(rule, subject)
    if alert is not None and alert["flapping"]:
        if count > 0:  # still changing within the window: stay quiet
            return
        if bad is False:
            run.resolve(alert, "alert_stable", flap_facts)
        elif bad is True:
            run.set_flapping(alert, False, flap_facts)
        return
    if count >= rule.params["flap_changes"]:
        if alert is not None:
            run.set_flapping(alert, True, flap_facts)
        else:
            run.fire(rule, subject, first_change, {**facts, **flap_facts}, flapping=True)
        return
    if bad is True and alert is None:
        run.fire(rule, subject, started, facts)
    elif bad is False and alert is not None:
        run.resolve(alert)


def _device_state(conn: sqlite3.Connection, device: sqlite3.Row, polls: int) -> tuple[bool | None, float]:
    """(down for at least ``polls`` polls / up / not known, since when it has been down)."""
    if device["status"] == "up":
        return False, 0.0
    if device["status"] not in ("unreachable", "error"):
        return None, 0.0
    recent = conn.execute(
        "SELECT status, ts FROM device_polls WHERE device_id = ? ORDER BY ts DESC LIMIT ?", (device["id"], polls)
    ).fetchall()
    if len(recent) < polls or any(r["status"] == "up" for r in recent):
        return None, 0.0
    since = conn.execute(
        """SELECT MIN(ts) FROM device_polls WHERE device_id = ? AND status != 'up'
           AND ts > COALESCE((SELECT MAX(ts) FROM device_polls WHERE device_id = ? AND status = 'up'), 0)""",
        (device["id"], device["id"]),
    ).fetchone()[0]
    return True, float(since)


def _eval_device_down(run: _Run, rule: Rule) -> None:
    since = run.now - rule.params["flap_window_min"] * 60
    changes = _changes(run.conn, "device_id", ("device_down", "device_up"), since)
    for dev_id, dev in run.devices.items():
        bad, started = _device_state(run.conn, dev, rule.params["polls"])
        facts = {"polls": rule.params["polls"], "reason": dev["status_reason"] or ""}
        subject = _Subject(f"device:{dev_id}", dev_id, dev["name"])
        _lifecycle(run, rule, subject, bad, changes.get(dev_id, (0, run.now)), started or run.now, facts)


def _watched_ports(run: _Run, everything: bool, extra: str = "") -> list[sqlite3.Row]:
    """Ports a port rule looks at: present, not shut down, uplinks and important ones (or all), of devices that are
    up (a port of a device that is down is not known to be anything)."""
    chosen = "" if everything else "AND (p.is_uplink = 1 OR p.important = 1)"
    rows = run.conn.execute(
        f"""SELECT p.*, COALESCE(p.speed_override_bps, p.speed_bps) AS speed, d.name AS device, d.status AS dstatus
            FROM ports p JOIN devices d ON d.id = p.device_id
            WHERE p.present = 1 AND COALESCE(p.admin_status, 1) != {ADMIN_DOWN} {chosen} {extra}"""
    ).fetchall()
    return rows


def _port_subject(p: sqlite3.Row) -> _Subject:
    return _Subject(f"port:{p['id']}", int(p["device_id"]), p["device"], int(p["id"]), p["name"] or p["key"])


def _eval_port_down(run: _Run, rule: Rule) -> None:
    since = run.now - rule.params["flap_window_min"] * 60
    changes = _changes(run.conn, "port_id", ("port_down", "port_up"), since)
    for p in _watched_ports(run, everything=False):
        subject = _port_subject(p)
        if p["dstatus"] != "up":
            run.alert_for(rule, subject)  # keep it as it is until the device answers again
            continue
        oper = p["oper_status"]
        bad = True if oper in OPER_DOWN_STATES else False if oper == OPER_UP else None
        started = p["last_status_change"] or run.now
        _lifecycle(run, rule, subject, bad, changes.get(int(p["id"]), (0, run.now)), started, {})


def _window(
    run: _Run, ports: list[sqlite3.Row], condition: str, minutes: float, args: dict[str, Any]
) -> dict[int, Any]:
    """Per port over the last ``minutes``: samples, how many meet ``condition``, how many do not, averages, and
    whether samples reach back to the window's start."""
    if not ports:
        return {}
    start = run.now - minutes * 60
    ids = ",".join(str(int(p["id"])) for p in ports)
    rows = run.conn.execute(
        f"""SELECT p.id, COUNT(s.ts) AS n,
                   SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS n_over,
                   SUM(CASE WHEN NOT ({condition}) THEN 1 ELSE 0 END) AS n_under,
                   AVG(s.in_bps) AS in_bps, AVG(s.out_bps) AS out_bps,
                   AVG(COALESCE(s.in_err, 0) + COALESCE(s.out_err, 0)) AS errors_ps,
                   AVG(COALESCE(s.in_disc, 0) + COALESCE(s.out_disc, 0)) AS discards_ps,
                   EXISTS (SELECT 1 FROM samples o WHERE o.port_id = p.id AND o.ts <= :start) AS covered
            FROM ports p CROSS JOIN samples s ON s.port_id = p.id AND s.ts > :start AND s.ts <= :now
            WHERE p.id IN ({ids}) GROUP BY p.id""",
        {**args, "start": start, "now": run.now},
    )
    return {int(r["id"]): r for r in rows}


def _eval_metric(run: _Run, rule: Rule, condition: str, args: dict[str, Any], extra: str = "") -> None:
    """A rule on sampled rates: fire after ``minutes`` over the limit, resolve after ``clear_minutes`` under it."""
    params = rule.params
    ports = [p for p in _watched_ports(run, params["ports"] == "all", extra)]
    subjects = {int(p["id"]): _port_subject(p) for p in ports}
    up = [p for p in ports if p["dstatus"] == "up"]
    over = _window(run, up, condition, params["minutes"], args)
    under = _window(run, up, condition, params["clear_minutes"], args)
    for p in ports:
        port_id = int(p["id"])
        alert = run.alert_for(rule, subjects[port_id])
        if p["dstatus"] != "up":
            continue
        w = over.get(port_id)
        if alert is None and w is not None and w["covered"] and w["n"] > 0 and w["n_over"] == w["n"]:
            run.fire(rule, subjects[port_id], run.now - params["minutes"] * 60, _metric_facts(rule, p, w))
            continue
        c = under.get(port_id)
        if alert is not None and c is not None and c["n"] > 0 and c["n_under"] == c["n"]:
            run.resolve(alert)


def _metric_facts(rule: Rule, port: sqlite3.Row, w: sqlite3.Row) -> dict[str, Any]:
    """The numbers an over-the-limit message shows."""
    p = rule.params
    if rule.kind == "utilization":
        rates = {k: round(w[k], 1) for k in ("in_bps", "out_bps") if w[k] is not None}
        return {"percent": p["percent"], "minutes": p["minutes"], "speed": port["speed"], **rates}
    return {
        "errors_ps": round(w["errors_ps"], 1),
        "discards_ps": round(w["discards_ps"], 1),
        "max_errors_ps": p["errors_ps"],
        "max_discards_ps": p["discards_ps"],
        "minutes": p["minutes"],
    }


def _eval_utilization(run: _Run, rule: Rule) -> None:
    limit = "(:fraction * COALESCE(p.speed_override_bps, p.speed_bps))"
    condition = {
        "any": f"(s.in_bps > {limit} OR s.out_bps > {limit})",
        "in": f"s.in_bps > {limit}",
        "out": f"s.out_bps > {limit}",
    }[rule.params["direction"]]
    args = {"fraction": rule.params["percent"] / 100}
    _eval_metric(run, rule, condition, args, "AND COALESCE(p.speed_override_bps, p.speed_bps) > 0")


def _eval_errors(run: _Run, rule: Rule) -> None:
    condition = (
        "(COALESCE(s.in_err, 0) + COALESCE(s.out_err, 0) > :errors"
        " OR COALESCE(s.in_disc, 0) + COALESCE(s.out_disc, 0) > :discards)"
    )
    _eval_metric(run, rule, condition, {"errors": rule.params["errors_ps"], "discards": rule.params["discards_ps"]})


def _eval_reboots(run: _Run) -> None:
    """One resolved-at-once alert per new ``reboot`` event and enabled reboot rule, unless the device's recovery
    notice of this evaluation already says it restarted; the cursor moves on regardless."""
    rules = [r for r in run.rules if r.kind == "reboot" and r.enabled]
    for event in run.reboots:
        dev = run.devices.get(event["device_id"])
        if dev is None or event["device_id"] in run.recovered:
            continue
        for rule in rules:
            subject = _Subject(f"device:{dev['id']}", int(dev["id"]), dev["name"])
            run.fire(rule, subject, float(event["ts"]), {}, resolved=True)
    run.conn.execute(
        "INSERT INTO alert_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (EVENT_CURSOR, run.newest_event),
    )


def _close_orphans(run: _Run) -> None:
    """Resolve, without notices, firing alerts no rule looked at: rule removed or disabled, device or port gone,
    port shut down or no longer marked."""
    for alert in run.open.values():
        if int(alert["id"]) in run.looked_at:
            continue
        rule = run.rules_by_id.get(alert["rule_id"])
        if rule is None:
            reason = "the rule was removed"
        elif not rule.enabled:
            reason = "the rule was disabled"
        elif alert["device_id"] is None or alert["device_id"] not in run.devices:
            reason = "the device was removed"
        else:
            reason = "no longer watched"
        run.resolve_quietly(alert, reason)


def _remind(run: _Run) -> None:
    rows = run.conn.execute(
        """SELECT * FROM alerts WHERE state = 'firing' AND flapping = 0 AND acknowledged_by IS NULL
           AND reminders < ?""",
        (MAX_REMINDERS,),
    ).fetchall()
    for alert in rows:
        rule = run.rules_by_id.get(alert["rule_id"])
        every = rule.params.get("remind_every_min", 0) if rule else 0
        if every and run.now - (alert["last_notified"] or alert["started"]) >= every * 60:
            run.conn.execute(
                "UPDATE alerts SET last_notified = ?, reminders = reminders + 1 WHERE id = ?", (run.now, alert["id"])
            )
            run.notice(int(alert["id"]), "alert_reminder")


_EVALUATORS = {
    "device_down": _eval_device_down,
    "port_down": _eval_port_down,
    "utilization": _eval_utilization,
    "errors": _eval_errors,
}


def evaluate(conn: sqlite3.Connection, now: float) -> list[Notice]:
    """Bring the alerts up to date with the store at time ``now`` and queue their notifications (a writer job).

    Returns the notices it queued (for the tray). Running it again without new polls changes nothing.
    """
    run = _Run(conn, now)
    for rule in run.rules:
        if rule.enabled and rule.kind in _EVALUATORS:
            _EVALUATORS[rule.kind](run, rule)
    _eval_reboots(run)
    _close_orphans(run)
    _remind(run)
    conn.execute("DELETE FROM alerts WHERE state = 'resolved' AND resolved < ?", (now - KEEP_ALERTS_S,))
    outbox.prune(conn, now)
    return run.notices
