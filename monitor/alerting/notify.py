"""Notifications: channels (e-mail, LINE, Telegram, webhook), the messages, and the outbox that delivers them.

- Channels live in the store's ``notify_channels`` table (kind, name, enabled, language, non-secret settings as
  JSON). Their secret (SMTP password, LINE channel access token, Telegram bot token, webhook bearer token) is a named
  secret in the :class:`~monitor.storage.secrets.SecretStore` (:func:`secret_name`), never in the store, a log or an
  error.
- :func:`queue` renders a :class:`Notice` once per enabled channel, in that channel's language, into the
  ``deliveries`` outbox. It runs on the writer thread in the same transaction that records the alert, so a notice is
  never recorded without its deliveries (nor the other way round).
- :class:`Dispatcher` sends what is due, off the writer thread and off the event loop (one attempt at a time in a
  worker thread, :data:`ATTEMPT_TIMEOUT_S` per network operation). Each channel's outbox is first in, first out: a
  failed attempt is retried after 1, 5, 15 and 60 minutes (:data:`BACKOFF_S`) while the rest of that channel's
  messages wait behind it; after the last try the channel's waiting messages are marked ``failed`` with the reason
  and logged. A message being sent when the process is killed is sent again after :data:`LEASE_S`.
- :func:`send_test` sends a test message through one channel at once and returns the outcome.

The desktop tray is not a channel: the GUI reads new alert events with :func:`monitor.alerting.alerts.pending_tray`.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import http.client
import ipaddress
import json
import logging
import mimetypes
import re
import smtplib
import ssl
import time
import traceback
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

from devices.errors import CampusNetError, InputError
from monitor.storage.secrets import SecretStore, check_secret
from monitor.storage.store import StoreWriter
from monitor.units import format_bps

log = logging.getLogger(__name__)
T = TypeVar("T")

KINDS = ("email", "line", "telegram", "webhook")
LANGUAGES = ("zh_TW", "en")
SECURITY = ("none", "starttls", "ssl")
SMTP_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_BASE_URL = {"line": "https://api.line.me", "telegram": "https://api.telegram.org"}
# Settings each kind accepts (anything else is refused), and the ones it needs.
SETTINGS: dict[str, tuple[str, ...]] = {
    "email": ("host", "port", "security", "user", "from", "to", "ca_file", "tls_verify"),
    "line": ("to", "base_url"),
    "telegram": ("chat_id", "base_url"),
    "webhook": ("url",),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "email": ("host", "from", "to"),
    "line": ("to",),
    "telegram": ("chat_id",),
    "webhook": ("url",),
}

ATTEMPT_TIMEOUT_S = 10.0
BACKOFF_S = (60.0, 300.0, 900.0, 3600.0)  # after the 1st, 2nd, 3rd and 4th failed attempt
MAX_ATTEMPTS = len(BACKOFF_S) + 1
LEASE_S = 120.0  # a message being sent is not picked up again before this (killed mid-send: sent again after it)
MAX_PER_RUN = 50  # messages one :meth:`Dispatcher.deliver_due` sends at most
WAKE_EVERY_S = 30.0
KEEP_DELIVERIES_S = 90 * 86400.0
TEXT_LIMIT = 4000  # Telegram allows 4096 characters per message, LINE 5000

_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+$")
_HOST = re.compile(r"^[A-Za-z0-9.:_-]{1,253}$")


class DeliveryError(CampusNetError):
    """A message could not be sent; the text is one line and holds no secret (nor a URL or header that could).

    Attributes:
        permanent: trying again cannot help (the request cannot be built, the server calls it malformed): the
            message is marked failed at once instead of being retried. A refused password or token is not permanent:
            the admin may set the right one before the next try.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


# What the user reads for each kind, and what to check when its server refuses the token (HTTP status -> hint).
SERVICE_NAMES = {"email": "e-mail", "line": "LINE", "telegram": "Telegram", "webhook": "webhook"}
TOKEN_HINTS: dict[str, dict[int, str]] = {
    "line": {401: "check the channel access token", 403: "check the channel access token"},
    "telegram": {401: "check the bot token", 404: "check the bot token"},
    "webhook": {401: "check the bearer token", 403: "check the bearer token"},
}
# HTTP statuses worth trying again (the rest of 4xx means the request itself is wrong: retrying cannot help).
_RETRY_STATUSES = (408, 425, 429)


# ------------------------------------------------------------------------------------------------------ channels


@dataclass
class Channel:
    """A place notifications go to.

    Attributes:
        kind: ``email``, ``line``, ``telegram`` or ``webhook``.
        name: the user's name for it (unique).
        settings: the non-secret settings of its kind (see :data:`SETTINGS`).
        enabled: disabled channels get nothing queued.
        language: ``zh_TW`` or ``en``, the language of its messages.
        id: the store's id, None until saved.
    """

    kind: str
    name: str
    settings: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True
    language: str = "zh_TW"
    id: int | None = None


def secret_name(channel_id: int) -> str:
    """The named secret holding a channel's password or token."""
    return f"notify.{channel_id}"


def needs_secret(channel: Channel) -> bool:
    """True when the channel cannot send without its secret (LINE and Telegram tokens, an SMTP login's password)."""
    return channel.kind in ("line", "telegram") or (channel.kind == "email" and bool(channel.settings.get("user")))


def _check_url(what: str, value: object) -> str:
    text = str(value or "").strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ord(c) < 33 for c in text):
        raise InputError(f"{what} {text!r} is not an http:// or https:// address")
    return text.rstrip("/") if what == "base URL" else text


def _check_address(value: object) -> str:
    text = str(value).strip()
    if not _ADDRESS.match(text) or any(ord(c) < 32 for c in text):
        raise InputError(f"e-mail address {text!r} is not valid")
    return text


def _check_email(s: dict[str, Any]) -> dict[str, Any]:
    host = str(s["host"]).strip()
    if not _HOST.match(host):
        raise InputError(f"SMTP host {host!r} is not a host name or address")
    security = str(s.get("security") or "starttls")
    if security not in SECURITY:
        raise InputError(f"security {security!r}: use one of {', '.join(SECURITY)}")
    port = s.get("port")
    if port is None:
        port = SMTP_PORTS[security]
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InputError(f"SMTP port {port!r} is out of range (1-65535)")
    to = s["to"] if isinstance(s["to"], list) else re.split(r"[,;\s]+", str(s["to"]))
    recipients = [_check_address(a) for a in to if str(a).strip()]
    if not recipients:
        raise InputError("give at least one recipient address (--to)")
    user = str(s.get("user") or "").strip()
    if any(ord(c) < 32 for c in user) or len(user) > 256:
        raise InputError("SMTP user contains a control character or is too long")
    out: dict[str, Any] = {
        "host": host,
        "port": port,
        "security": security,
        "from": _check_address(s["from"]),
        "to": recipients,
    }
    if user:
        out["user"] = user
    if s.get("ca_file"):
        out["ca_file"] = str(s["ca_file"])
    if "tls_verify" in s:
        if not isinstance(s["tls_verify"], bool):
            raise InputError("tls_verify must be true or false")
        out["tls_verify"] = s["tls_verify"]
    return out


def _check_target(what: str, value: object) -> str:
    text = str(value).strip()
    if not text or len(text) > 128 or any(ord(c) < 33 for c in text):
        raise InputError(f"{what} {text!r} is empty, too long or contains spaces")
    return text


def validate_channel(channel: Channel) -> Channel:
    """A checked copy of ``channel`` (defaults filled in); raises :class:`InputError` on the first bad value."""
    if channel.kind not in KINDS:
        raise InputError(f"channel kind {channel.kind!r}: use one of {', '.join(KINDS)}")
    name = channel.name.strip()
    if not 1 <= len(name) <= 64 or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise InputError(f"channel name {channel.name!r}: use 1-64 characters, no control characters")
    if channel.language not in LANGUAGES:
        raise InputError(f"language {channel.language!r}: use one of {', '.join(LANGUAGES)}")
    s = {k: v for k, v in channel.settings.items() if v is not None and v != ""}
    unknown = sorted(set(s) - set(SETTINGS[channel.kind]))
    if unknown:
        raise InputError(f"a {channel.kind} channel has no setting {unknown[0]!r}")
    missing = [k for k in REQUIRED[channel.kind] if k not in s]
    if missing:
        raise InputError(f"a {channel.kind} channel needs {missing[0]!r}")
    checked: dict[str, Any]
    if channel.kind == "email":
        checked = _check_email(s)
    elif channel.kind == "webhook":
        checked = {"url": _check_url("webhook URL", s["url"])}
    else:
        target = "to" if channel.kind == "line" else "chat_id"
        checked = {target: _check_target("LINE user or group ID" if target == "to" else "Telegram chat ID", s[target])}
        checked["base_url"] = _check_url("base URL", s.get("base_url") or DEFAULT_BASE_URL[channel.kind])
    return Channel(channel.kind, name, checked, bool(channel.enabled), channel.language, channel.id)


SECRET_WORDS = {"email": "SMTP password", "line": "channel access token", "telegram": "bot token"}


def validate_secret(channel: Channel, secret: str | None) -> None:
    """Refuse a password or token that cannot work (:func:`monitor.storage.secrets.check_secret`; tokens hold no
    spaces).

    ``secret`` None means "keep the stored one" and passes.
    """
    if secret is not None:
        what = SECRET_WORDS.get(channel.kind, "bearer token")
        check_secret(secret, f"the {what}", token=channel.kind != "email")


def _channel(row: Any) -> Channel:
    return Channel(
        kind=row["kind"],
        name=row["name"],
        settings=json.loads(row["settings"]),
        enabled=bool(row["enabled"]),
        language=row["language"],
        id=int(row["id"]),
    )


def list_channels(conn: Any) -> list[Channel]:
    """Every channel, by name."""
    return [_channel(r) for r in conn.execute("SELECT * FROM notify_channels ORDER BY name")]


def get_channel(conn: Any, name: str) -> Channel:
    """The channel called ``name``; :class:`InputError` if there is none."""
    row = conn.execute("SELECT * FROM notify_channels WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise InputError(f"no notification channel {name!r} (see 'notify list')")
    return _channel(row)


def save_channel(conn: Any, secrets: SecretStore, channel: Channel, secret: str | None = None) -> Channel:
    """Add (``channel.id`` None) or update a channel; ``secret`` None keeps the stored one. Returns it saved.

    Checks everything first and changes nothing on bad input. Disabling a channel marks its waiting messages failed.
    """
    checked = validate_channel(channel)
    validate_secret(checked, secret)
    values = (checked.kind, checked.name, int(checked.enabled), checked.language, json.dumps(checked.settings))
    with conn:
        clash = conn.execute(
            "SELECT id FROM notify_channels WHERE name = ? AND id IS NOT ?", (checked.name, checked.id)
        ).fetchone()
        if clash:
            raise InputError(f"a notification channel called {checked.name!r} exists already")
        if checked.id is None:
            cur = conn.execute(
                "INSERT INTO notify_channels (kind, name, enabled, language, settings, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*values, time.time()),
            )
            checked.id = int(cur.lastrowid or 0)
        else:
            cur = conn.execute(
                "UPDATE notify_channels SET kind=?, name=?, enabled=?, language=?, settings=? WHERE id=?",
                (*values, checked.id),
            )
            if cur.rowcount == 0:
                raise InputError(f"notification channel {checked.id} no longer exists")
            if not checked.enabled:
                conn.execute(
                    "UPDATE deliveries SET status='failed', last_error='the channel was disabled'"
                    " WHERE channel_id=? AND status='pending'",
                    (checked.id,),
                )
        has_secret = secret is not None or secrets.get_named(secret_name(checked.id)) is not None
        if needs_secret(checked) and not has_secret:
            what = "password" if checked.kind == "email" else "token"
            raise InputError(
                f"a {checked.kind} channel{' with a login' if what == 'password' else ''} needs its {what}"
            )
        if secret is not None:  # last: a failure here rolls the row back
            secrets.set_named(secret_name(checked.id), secret)
    return checked


def remove_channel(conn: Any, secrets: SecretStore, name: str) -> None:
    """Forget a channel, its secret and its outbox."""
    channel = get_channel(conn, name)
    assert channel.id is not None
    with conn:
        conn.execute("DELETE FROM notify_channels WHERE id = ?", (channel.id,))
    secrets.delete_named(secret_name(channel.id))


def enabled_channels(conn: Any) -> list[Channel]:
    """The channels that get notifications."""
    return [c for c in list_channels(conn) if c.enabled]


# ------------------------------------------------------------------------------------------------------ messages


@dataclass(frozen=True)
class Notice:
    """Something to tell the admins: an alert fired or resolved, a flapping notice, a reminder, or a test.

    Attributes:
        event: ``alert``, ``alert_resolved``, ``alert_flapping``, ``alert_stable`` (flapping ended, all well),
            ``alert_stable_down`` (flapping ended, still down), ``alert_reminder`` or ``test``.
        rule_kind: the rule's kind (``device_down``, ``reboot``, ``port_down``, ``utilization``, ``errors``).
        facts: numbers for the message (missed polls, percentages, rates, state changes, the device's last error).
    """

    event: str
    rule_kind: str
    device: str
    alert_id: int | None = None
    rule_name: str = ""
    severity: str = "warning"
    host: str = ""
    location: str = ""
    port: str = ""
    port_alias: str = ""
    started: float | None = None
    resolved: float | None = None
    acknowledged_by: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """A notice rendered in one language: an e-mail subject and body, and the webhook's JSON."""

    subject: str
    body: str
    payload: dict[str, Any]

    @property
    def text(self) -> str:
        """Subject and body as one chat message (LINE, Telegram), cut to what they accept."""
        text = f"{self.subject}\n\n{self.body}"
        return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


_TITLES: dict[str, dict[str, str]] = {
    "en": {
        "device_down/alert": "Device down: {device}",
        "device_down/alert_resolved": "Device back up: {device}",
        "reboot/alert": "Device restarted: {device}",
        "port_down/alert": "Port down: {device} {port}",
        "port_down/alert_resolved": "Port back up: {device} {port}",
        "utilization/alert": "High utilization: {device} {port}",
        "utilization/alert_resolved": "Utilization back to normal: {device} {port}",
        "errors/alert": "Port errors: {device} {port}",
        "errors/alert_resolved": "Port errors cleared: {device} {port}",
        "alert_flapping": "Flapping: {subject}",
        "alert_stable": "Stable again: {subject}",
        "alert_stable_down": "Stopped flapping, still down: {subject}",
        "alert_reminder": "Reminder: {title}",
        "test": "Test notification",
    },
    "zh_TW": {
        "device_down/alert": "裝置離線：{device}",
        "device_down/alert_resolved": "裝置恢復連線：{device}",
        "reboot/alert": "裝置重新開機：{device}",
        "port_down/alert": "連接埠斷線：{device} {port}",
        "port_down/alert_resolved": "連接埠恢復連線：{device} {port}",
        "utilization/alert": "頻寬使用率過高：{device} {port}",
        "utilization/alert_resolved": "頻寬使用率恢復正常：{device} {port}",
        "errors/alert": "連接埠錯誤過多：{device} {port}",
        "errors/alert_resolved": "連接埠錯誤已恢復正常：{device} {port}",
        "alert_flapping": "狀態反覆變動：{subject}",
        "alert_stable": "已恢復穩定：{subject}",
        "alert_stable_down": "已停止反覆變動，但仍未恢復：{subject}",
        "alert_reminder": "提醒：{title}",
        "test": "測試通知",
    },
}

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "device": "Device",
        "port": "Port",
        "started": "Since",
        "resolved": "Resolved",
        "duration": "Duration",
        "severity": "Severity",
        "rule": "Rule",
        "alert": "Alert number",
        "acknowledged": "Acknowledged by",
        "critical": "critical",
        "warning": "warning",
        "info": "information",
        "minutes": "{n} min",
        "hours": "{h} h {m} min",
        "test": "This is a test message from CampusNet. If you can read it, this channel works.",
    },
    "zh_TW": {
        "device": "裝置",
        "port": "連接埠",
        "started": "開始時間",
        "resolved": "恢復時間",
        "duration": "持續時間",
        "severity": "嚴重程度",
        "rule": "警報規則",
        "alert": "警報編號",
        "acknowledged": "已確認",
        "critical": "嚴重",
        "warning": "警告",
        "info": "資訊",
        "minutes": "{n} 分鐘",
        "hours": "{h} 小時 {m} 分鐘",
        "test": "這是 CampusNet 的測試訊息。看得到這則訊息，表示這個通知管道設定正確。",
    },
}

_DETAILS: dict[str, dict[str, str]] = {
    "en": {
        "device_down": "{polls} polls in a row failed. Last error: {reason}",
        "device_down/alert_resolved": "It answers again.",
        "device_down/alert_resolved/restarted": "It answers again. It has restarted (its uptime started over).",
        "reboot": "The device restarted (its uptime started over).",
        "port_down": "The port is down (it is not administratively shut down).",
        "port_down/alert_resolved": "The port is up again.",
        "utilization": "Above {percent}% of {speed} for {minutes} minutes (average in {in_bps}, out {out_bps}).",
        "utilization/alert_resolved": "Below {percent}% again.",
        "errors": "Errors {errors_ps}/s and discards {discards_ps}/s on average over {minutes} minutes "
        "(limits {max_errors_ps}/s and {max_discards_ps}/s).",
        "errors/alert_resolved": "Errors and discards are below the limits again.",
        "alert_flapping": "It changed state {changes} times in {window} minutes. Further notifications are held back "
        "until it has been stable for {window} minutes.",
        "alert_stable": "No state change for {window} minutes; it is up now.",
        "alert_stable_down": "No state change for {window} minutes, but it is still down.",
    },
    "zh_TW": {
        "device_down": "連續 {polls} 次輪詢失敗。最後的錯誤：{reason}",
        "device_down/alert_resolved": "裝置已恢復回應。",
        "device_down/alert_resolved/restarted": "裝置已恢復回應。裝置曾重新開機（運作時間重新計算）。",
        "reboot": "裝置已重新開機（運作時間重新計算）。",
        "port_down": "連接埠已斷線（並非由管理者關閉）。",
        "port_down/alert_resolved": "連接埠已恢復連線。",
        "utilization": "使用率超過 {speed} 的 {percent}% 已持續 {minutes} 分鐘（平均輸入 {in_bps}，輸出 {out_bps}）。",
        "utilization/alert_resolved": "使用率已低於 {percent}%。",
        "errors": "近 {minutes} 分鐘平均每秒錯誤 {errors_ps} 個、丟棄 {discards_ps} 個"
        "（上限每秒 {max_errors_ps} 個、{max_discards_ps} 個）。",
        "errors/alert_resolved": "錯誤與丟棄已低於上限。",
        "alert_flapping": "{window} 分鐘內狀態改變了 {changes} 次。穩定 {window} 分鐘之前不再發送通知。",
        "alert_stable": "已 {window} 分鐘沒有狀態改變，目前正常。",
        "alert_stable_down": "已 {window} 分鐘沒有狀態改變，但仍未恢復。",
    },
}


def format_time(ts: float | None) -> str:
    """Local time, as people read it: ``2026-03-05 08:15:02 (UTC+08:00)``."""
    if ts is None:
        return ""
    dt = datetime.fromtimestamp(ts).astimezone()
    offset = dt.strftime("%z")
    return f"{dt:%Y-%m-%d %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _duration(seconds: float, labels: dict[str, str]) -> str:
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return labels["minutes"].format(n=minutes)
    return labels["hours"].format(h=minutes // 60, m=minutes % 60)


def _number(value: Any) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _facts_text(facts: dict[str, Any]) -> dict[str, str]:
    out = {k: _number(v) for k, v in facts.items()}
    for key in ("speed", "in_bps", "out_bps"):
        if isinstance(facts.get(key), int | float):
            out[key] = format_bps(facts[key])
    return out


def title(notice: Notice, language: str) -> str:
    """The one-line title of a notice (the e-mail subject without its ``[CampusNet]`` tag)."""
    titles = _TITLES[language]
    subject = f"{notice.device} {notice.port}".strip()
    if notice.event == "alert_reminder":
        inner = titles.get(f"{notice.rule_kind}/alert", "{device} {port}")
        return titles["alert_reminder"].format(title=inner.format(device=notice.device, port=notice.port).strip())
    template = titles.get(f"{notice.rule_kind}/{notice.event}") or titles[notice.event]
    return template.format(device=notice.device, port=notice.port, subject=subject).strip()


def _detail(notice: Notice, language: str) -> str:
    details = _DETAILS[language]
    event = "alert" if notice.event == "alert_reminder" else notice.event
    key = notice.rule_kind if event == "alert" else f"{notice.rule_kind}/{event}"
    if notice.facts.get("restarted"):
        key += "/restarted"
    template = details.get(key) or details.get(key.removesuffix("/restarted")) or details.get(event, "")
    try:
        return template.format(**_facts_text(notice.facts))
    except (KeyError, IndexError, ValueError):
        return ""


def render(notice: Notice, language: str) -> Message:
    """The notice as a message in ``language`` (``zh_TW`` or ``en``)."""
    labels = _LABELS[language]
    head = title(notice, language)
    if notice.event == "test":
        return Message(f"[CampusNet] {head}", labels["test"], _payload(notice, head, labels["test"]))
    sep = "：" if language == "zh_TW" else ": "
    where = ", ".join(x for x in (notice.host, notice.location) if x)
    lines = [f"{labels['device']}{sep}{notice.device}" + (f" ({where})" if where else "")]
    if notice.port:
        lines.append(f"{labels['port']}{sep}{notice.port}" + (f" ({notice.port_alias})" if notice.port_alias else ""))
    lines.append(f"{labels['started']}{sep}{format_time(notice.started)}")
    if notice.resolved is not None and notice.started is not None and notice.event != "alert":
        lines.append(f"{labels['resolved']}{sep}{format_time(notice.resolved)}")
        lines.append(f"{labels['duration']}{sep}{_duration(notice.resolved - notice.started, labels)}")
    lines.append(f"{labels['severity']}{sep}{labels.get(notice.severity, notice.severity)}")
    if notice.acknowledged_by:
        lines.append(f"{labels['acknowledged']}{sep}{notice.acknowledged_by}")
    if notice.alert_id is not None:
        lines.append(f"{labels['alert']}{sep}{notice.alert_id}")
    detail = _detail(notice, language)
    body = "\n".join(([detail, ""] if detail else []) + lines)
    return Message(f"[CampusNet] {head}", body, _payload(notice, head, detail))


def _payload(notice: Notice, message: str, detail: str) -> dict[str, Any]:
    return {
        "event": notice.event,
        "alert_id": notice.alert_id,
        "rule": notice.rule_kind,
        "rule_name": notice.rule_name,
        "severity": notice.severity,
        "device": notice.device,
        "host": notice.host,
        "port": notice.port or None,
        "message": message,
        "detail": detail,
        "started": _iso(notice.started),
        "resolved": _iso(notice.resolved),
        "acknowledged_by": notice.acknowledged_by,
    }


# ------------------------------------------------------------------------------------------------------ the outbox


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
    channel = _channel(conn.execute("SELECT * FROM notify_channels WHERE id = ?", (row["channel_id"],)).fetchone())
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


# ------------------------------------------------------------------------------------------------------ sending


def _redact(text: str, secret: str | None) -> str:
    text = " ".join(str(text).split())
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


def _tls_context(settings: dict[str, Any]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=settings.get("ca_file"))
    if settings.get("tls_verify") is False:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _email(settings: dict[str, Any], message: Message, attachments: Sequence[Path] = ()) -> EmailMessage:
    em = EmailMessage()
    em["Subject"] = " ".join(message.subject.split())  # a line break from device text would refuse the header
    em["From"] = settings["from"]
    em["To"] = ", ".join(settings["to"])
    em["Date"] = email.utils.formatdate(localtime=True)
    em["Message-ID"] = email.utils.make_msgid(domain=settings["from"].rsplit("@", 1)[-1])
    em.set_content(message.body, charset="utf-8", cte="base64")
    for path in attachments:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, _, sub = kind.partition("/")
        em.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return em


def _send_email(
    settings: dict[str, Any], secret: str | None, message: Message, timeout: float, attachments: Sequence[Path] = ()
) -> None:
    host, port, security = settings["host"], int(settings["port"]), settings["security"]
    where = f"{host}:{port}"
    try:
        if security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(settings))
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            smtp.ehlo()
            if security == "starttls":
                smtp.starttls(context=_tls_context(settings))
                smtp.ehlo()
            if settings.get("user"):
                smtp.login(settings["user"], secret or "")
            smtp.send_message(_email(settings, message, attachments))
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"the mail server {where} refused the login of {settings['user']!r} ({exc.smtp_code}): check the password"
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f"the mail server {where} does not offer STARTTLS or login; check the security setting"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(exc.recipients)
        raise DeliveryError(f"the mail server {where} refused the recipients {refused}", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise DeliveryError(
            f"the mail server {where} answered {exc.smtp_code} {_redact(text, secret)}",
            permanent=500 <= exc.smtp_code < 600,  # SMTP's permanent failures
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(f"the certificate of {where} is not trusted ({exc.verify_message})") from None
    except TimeoutError:
        raise DeliveryError(f"no answer from the mail server {where} within {timeout:g} s") from None
    except ValueError as exc:  # a login or header that cannot be encoded: its text may quote the password
        raise DeliveryError(
            f"cannot send mail through {where}: the login or message cannot be encoded ({type(exc).__name__})",
            permanent=True,
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"cannot send mail through {where}: {_redact(str(exc), secret)}") from None


def _opener(url: str) -> urllib.request.OpenerDirector:
    """Loopback addresses never go through the system's proxy; everything else may."""
    host = urllib.parse.urlsplit(url).hostname or ""
    with contextlib.suppress(ValueError):
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _server_says(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode(errors="replace")
    if isinstance(data, dict):
        return str(data.get("description") or data.get("message") or data.get("error") or "")
    return ""


def post_json(
    url: str,
    payload: dict[str, Any],
    headers: dict[str, str],
    secret: str | None,
    timeout: float,
    *,
    service: str = "webhook",
    hints: dict[int, str] | None = None,
) -> None:
    """POST ``payload`` as JSON; unless 2xx, :class:`DeliveryError` naming ``service`` and the host, never the URL
    (its path may hold a token, as Telegram's does) nor a header. ``hints`` tells what to check per HTTP status."""
    where = urllib.parse.urlsplit(url).netloc.rpartition("@")[2]
    try:
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "CampusNet", **headers},
        )
        with _opener(url).open(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        raise _http_error(service, exc, secret, hints or {}) from None
    except TimeoutError:
        raise DeliveryError(f"{service}: no answer from {where} within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"{service}: cannot reach {where}: {_reason(exc.reason, secret)}") from None
    except OSError as exc:
        raise DeliveryError(f"{service}: cannot reach {where}: {_reason(exc, secret)}") from None
    except (ValueError, http.client.HTTPException) as exc:
        # A URL or header http.client refuses (their text quotes the URL, token and all), or a garbled answer.
        permanent = isinstance(exc, ValueError)
        what = "the request could not be built" if permanent else f"{where} sent a garbled answer"
        raise DeliveryError(f"{service}: {what} ({type(exc).__name__})", permanent=permanent) from None


def _reason(reason: object, secret: str | None) -> str:
    """A connection failure's reason without anything of the URL: errno text where there is one."""
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return _redact(str(reason), secret)


def _http_error(service: str, exc: urllib.error.HTTPError, secret: str | None, hints: dict[int, str]) -> DeliveryError:
    """The one line for an HTTP error status: the hint when there is one, else what the server said."""
    said = _redact(_server_says(exc.read(2048)), secret)
    hint = hints.get(exc.code)
    text = f"{service}: HTTP {exc.code}" + (f" ({hint})" if hint else f": {said}" if said else "")
    # A refused token is tried again (the admin may set the right one meanwhile); other 4xx cannot succeed.
    retried = exc.code in _RETRY_STATUSES or exc.code in hints
    return DeliveryError(text, permanent=400 <= exc.code < 500 and not retried)


def send(channel: Channel, secret: str | None, message: Message, key: str, timeout: float = ATTEMPT_TIMEOUT_S) -> None:
    """Send one message through one channel (blocking); :class:`DeliveryError` with a one-line reason on failure.

    ``key`` identifies the message across retries (LINE's retry key, the webhook's ``id``).
    """
    s = channel.settings
    service = SERVICE_NAMES[channel.kind]
    if needs_secret(channel) and not secret:
        what = "password" if channel.kind == "email" else "token"
        raise DeliveryError(f"the {what} of channel {channel.name!r} is not stored: set it again")
    if secret:
        try:
            validate_secret(channel, secret)
        except InputError as exc:  # stored before tokens were checked: it can never work
            raise DeliveryError(f"{service}: {exc}; set it again", permanent=True) from None
    hints = TOKEN_HINTS.get(channel.kind, {})
    if channel.kind == "email":
        _send_email(s, secret, message, timeout)
    elif channel.kind == "line":
        body = {"to": s["to"], "messages": [{"type": "text", "text": message.text}]}
        headers = {"Authorization": f"Bearer {secret}", "X-Line-Retry-Key": key}
        post_json(f"{s['base_url']}/v2/bot/message/push", body, headers, secret, timeout, service=service, hints=hints)
    elif channel.kind == "telegram":
        chat: int | str = int(s["chat_id"]) if re.fullmatch(r"-?\d+", s["chat_id"]) else s["chat_id"]
        body = {"chat_id": chat, "text": message.text, "disable_web_page_preview": True}
        url = f"{s['base_url']}/bot{secret}/sendMessage"
        post_json(url, body, {}, secret, timeout, service=service, hints=hints)
    else:
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        post_json(s["url"], {"id": key, **message.payload}, headers, secret, timeout, service=service, hints=hints)


def send_files(
    channel: Channel,
    secrets: SecretStore,
    subject: str,
    body: str,
    files: Sequence[Path],
    timeout: float = ATTEMPT_TIMEOUT_S,
) -> None:
    """E-mail ``files`` as attachments through an e-mail channel (blocking); :class:`DeliveryError` on failure."""
    if channel.kind != "email":
        raise InputError(f"channel {channel.name!r} is a {channel.kind} channel: files go by e-mail only")
    assert channel.id is not None
    secret = secrets.get_named(secret_name(channel.id))
    if needs_secret(channel) and not secret:
        raise DeliveryError(f"the password of channel {channel.name!r} is not stored: set it again")
    message = Message(subject, body, {})
    _send_email(channel.settings, secret, message, timeout, files)


def _try_send(
    channel: Channel, secrets: SecretStore, message: Message, key: str, timeout: float
) -> DeliveryError | None:
    """Send ``message`` through ``channel``: None when sent, else the failure as a :class:`DeliveryError`.

    Never raises. A failure that is not the user's to fix (a bug) is logged with where it happened but without its
    text, which may quote a URL or header holding the token, and counts as permanent: retrying cannot help.
    """
    try:
        secret = secrets.get_named(secret_name(channel.id)) if channel.id is not None else None
        send(channel, secret, message, key, timeout)
    except DeliveryError as exc:
        return exc
    except CampusNetError as exc:
        return DeliveryError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:
        where = "".join(traceback.format_tb(exc.__traceback__))
        log.error("sending through %r failed with %s (a bug), at:\n%s", channel.name, type(exc).__name__, where)
        return DeliveryError(f"{SERVICE_NAMES[channel.kind]}: internal error ({type(exc).__name__})", permanent=True)
    return None


def attempt(delivery: Delivery, secrets: SecretStore, timeout: float = ATTEMPT_TIMEOUT_S) -> DeliveryError | None:
    """Try to send one claimed message: None when sent, else why not (one line, ``permanent`` or not). Never
    raises."""
    return _try_send(delivery.channel, secrets, delivery.message, delivery.key, timeout)


@dataclass(frozen=True)
class SendResult:
    """The outcome of :func:`send_test`: ``ok``, or the one-line ``error``."""

    ok: bool
    error: str | None = None


def send_test(channel: Channel, secrets: SecretStore, timeout: float = ATTEMPT_TIMEOUT_S) -> SendResult:
    """Send a test message through ``channel`` now (blocking: run it off the GUI thread)."""
    notice = Notice(event="test", rule_kind="test", device="", started=time.time())
    failure = _try_send(channel, secrets, render(notice, channel.language), str(uuid.uuid4()), timeout)
    return SendResult(True) if failure is None else SendResult(False, str(failure))


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
