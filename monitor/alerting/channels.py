"""Notification channels: checked against their kind (:mod:`monitor.alerting.kinds`), stored, and sent through.

- Channels live in the store's ``notify_channels`` table (kind, name, enabled, language, non-secret settings as
  JSON). Their secret (SMTP password, LINE channel access token, Telegram bot token, webhook bearer token) is a named
  secret in the :class:`~monitor.storage.secrets.SecretStore` (:func:`secret_name`), never in the store, a log or an
  error.
- What a kind accepts, needs and defaults to comes from its entry in :data:`monitor.alerting.kinds.KINDS`; so does
  its sender. :func:`send` sends one message through a channel, :func:`send_test` a test message at once,
  :func:`send_files` files by e-mail (scheduled reports).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.errors import CampusNetError, InputError
from monitor.alerting.kinds import KINDS, ChannelKind, kind_of
from monitor.alerting.senders import ATTEMPT_TIMEOUT_S, DeliveryError
from monitor.alerting.texts import LANGUAGES, Message, Notice, render
from monitor.storage.secrets import SecretStore, check_secret

log = logging.getLogger(__name__)


@dataclass
class Channel:
    """A place notifications go to.

    Attributes:
        kind: the name of its kind in :data:`monitor.alerting.kinds.KINDS` (``email``, ``line``, ...).
        name: the user's name for it (unique).
        settings: the non-secret settings of its kind.
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
    kind = KINDS.get(channel.kind)
    secret = kind.secret if kind else None
    return secret is not None and secret.needed(channel.settings)


def target_text(channel: Channel) -> str:
    """Where a channel sends to, in a few words: the recipients, the chat, the webhook's host."""
    kind = KINDS.get(channel.kind)
    return kind.target(channel.settings) if kind else ""


def sends_files(channel: Channel) -> bool:
    """True when the channel can send files (reports) as attachments."""
    kind = KINDS.get(channel.kind)
    return kind is not None and kind.file_sender is not None


# ------------------------------------------------------------------------------------------------------ checking


def _check_settings(kind: ChannelKind, given: dict[str, Any]) -> dict[str, Any]:
    """The settings to store: each one checked by its kind's :class:`~monitor.alerting.kinds.Setting`, defaults
    filled in, empty ones left out."""
    s = {k: v for k, v in given.items() if v is not None and v != ""}
    names = [setting.name for setting in kind.settings]
    unknown = sorted(set(s) - set(names))
    if unknown:
        raise InputError(f"a {kind.name} channel has no setting {unknown[0]!r}")
    missing = [setting.name for setting in kind.settings if setting.required and setting.name not in s]
    if missing:
        raise InputError(f"a {kind.name} channel needs {missing[0]!r}")
    checked: dict[str, Any] = {}
    for setting in kind.settings:
        value = s.get(setting.name)
        if value is None:
            value = setting.default_for(checked)
        if value is None:
            continue
        value = setting.check(value)
        if value is not None and value != "":
            checked[setting.name] = value
    return checked


def validate_channel(channel: Channel) -> Channel:
    """A checked copy of ``channel`` (defaults filled in); raises :class:`InputError` on the first bad value."""
    kind = kind_of(channel.kind)
    name = channel.name.strip()
    if not 1 <= len(name) <= 64 or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise InputError(f"channel name {channel.name!r}: use 1-64 characters, no control characters")
    if channel.language not in LANGUAGES:
        raise InputError(f"language {channel.language!r}: use one of {', '.join(LANGUAGES)}")
    checked = _check_settings(kind, channel.settings)
    return Channel(channel.kind, name, checked, bool(channel.enabled), channel.language, channel.id)


def validate_secret(channel: Channel, secret: str | None) -> None:
    """Refuse a password or token that cannot work (:func:`monitor.storage.secrets.check_secret`; tokens hold no
    spaces).

    ``secret`` None means "keep the stored one" and passes.
    """
    if secret is None:
        return
    spec = kind_of(channel.kind).secret
    if spec is None:
        raise InputError(f"a {channel.kind} channel has no password or token")
    check_secret(secret, f"the {spec.word}", token=spec.token)


# ------------------------------------------------------------------------------------------------------ storage


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


def channel_by_id(conn: Any, channel_id: int) -> Channel:
    """The channel with the store id ``channel_id`` (it must exist)."""
    return _channel(conn.execute("SELECT * FROM notify_channels WHERE id = ?", (channel_id,)).fetchone())


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
        spec = KINDS[checked.kind].secret
        if spec is not None and spec.needed(checked.settings) and not has_secret:
            raise InputError(f"a {checked.kind} channel{spec.missing} needs its {spec.short}")
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


# ------------------------------------------------------------------------------------------------------ sending


def _service(channel: Channel) -> str:
    kind = KINDS.get(channel.kind)
    return kind.service if kind else channel.kind


def send(channel: Channel, secret: str | None, message: Message, key: str, timeout: float = ATTEMPT_TIMEOUT_S) -> None:
    """Send one message through one channel with its kind's sender (blocking); :class:`DeliveryError` with a
    one-line reason on failure.

    ``key`` identifies the message across retries (LINE's retry key, the webhook's ``id``).
    """
    kind = KINDS.get(channel.kind)
    if kind is None:  # a kind this version does not know (written by another version)
        raise DeliveryError(f"channel {channel.name!r} is of an unknown kind {channel.kind!r}", permanent=True)
    spec = kind.secret
    if spec is not None and spec.needed(channel.settings) and not secret:
        raise DeliveryError(f"the {spec.short} of channel {channel.name!r} is not stored: set it again")
    if secret:
        try:
            validate_secret(channel, secret)
        except InputError as exc:  # stored before tokens were checked: it can never work
            raise DeliveryError(f"{kind.service}: {exc}; set it again", permanent=True) from None
    kind.sender(channel.settings, secret, message, key=key, timeout=timeout, service=kind.service)


def send_files(
    channel: Channel,
    secrets: SecretStore,
    subject: str,
    body: str,
    files: Sequence[Path],
    timeout: float = ATTEMPT_TIMEOUT_S,
) -> None:
    """Send ``files`` as attachments through a channel that can (e-mail; blocking); :class:`DeliveryError` on
    failure."""
    kind = KINDS.get(channel.kind)
    if kind is None or kind.file_sender is None:
        raise InputError(f"channel {channel.name!r} is a {channel.kind} channel: files go by e-mail only")
    assert channel.id is not None
    secret = secrets.get_named(secret_name(channel.id))
    spec = kind.secret
    if spec is not None and spec.needed(channel.settings) and not secret:
        raise DeliveryError(f"the {spec.short} of channel {channel.name!r} is not stored: set it again")
    kind.file_sender(channel.settings, secret, Message(subject, body, {}), files, timeout=timeout)


def try_send(
    channel: Channel, secrets: SecretStore, message: Message, key: str, timeout: float = ATTEMPT_TIMEOUT_S
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
        return DeliveryError(f"{_service(channel)}: internal error ({type(exc).__name__})", permanent=True)
    return None


@dataclass(frozen=True)
class SendResult:
    """The outcome of :func:`send_test`: ``ok``, or the one-line ``error``."""

    ok: bool
    error: str | None = None


def send_test(channel: Channel, secrets: SecretStore, timeout: float = ATTEMPT_TIMEOUT_S) -> SendResult:
    """Send a test message through ``channel`` now (blocking: run it off the GUI thread)."""
    notice = Notice(event="test", rule_kind="test", device="", started=time.time())
    failure = try_send(channel, secrets, render(notice, channel.language), str(uuid.uuid4()), timeout)
    return SendResult(True) if failure is None else SendResult(False, str(failure))
