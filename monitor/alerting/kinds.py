"""The kinds of notification channel in one table: what each kind stores, how it is checked, edited and sent.

Each :class:`ChannelKind` in :data:`KINDS` holds all there is to know about one kind: its settings in the order the
channel editor shows them (:class:`Setting`: name, label, required or not, default, check, how it is edited, its
command line option), its secret (:class:`Secret`: SMTP password or token, kept in the secret store), its sender
(:mod:`monitor.alerting.senders`) and the words users read for it. Validation and storage
(:mod:`monitor.alerting.channels`), the command line (``notify add``) and the GUI's channel editor
(``gui/channels_dialog.py``) all read this table; the store does not restrict the kinds.

Adding a kind: write its sender in :mod:`monitor.alerting.senders`, add its :class:`ChannelKind` here, and mark its
labels and hints for translation in ``gui/channels_dialog.py`` (labels, hints and choice names here are English
source text the GUI translates; ``tests/test_i18n.py`` checks each one has its Traditional Chinese).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from devices.errors import InputError
from monitor.alerting import senders
from monitor.alerting.senders import FileSender, Sender

# How the editor shows a setting (and the command line takes it):
# text, file: a line of text; list: several values separated by commas (the option may be given more than once);
# port: a number 1-65535; choice: one of ``choices``; switch: on/off (the option turns it off: ``--no-...``).
WIDGETS = ("text", "file", "list", "port", "choice", "switch")

SECURITY = ("none", "starttls", "ssl")
SMTP_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_BASE_URL = {"line": "https://api.line.me", "telegram": "https://api.telegram.org"}

_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+$")
_HOST = re.compile(r"^[A-Za-z0-9.:_-]{1,253}$")


# ------------------------------------------------------------------------------------------------------ checks
# Each takes the value given and returns the value to store, or raises InputError with a one-line reason.


def check_text(value: object) -> str:
    """Any one line of text, trimmed."""
    return str(value).strip()


def check_url(what: str) -> Callable[[object], str]:
    """An http:// or https:// address (``what`` names it in the error); a base URL loses its trailing ``/``."""

    def check(value: object) -> str:
        text = str(value or "").strip()
        parts = urllib.parse.urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(ord(c) < 33 for c in text):
            raise InputError(f"{what} {text!r} is not an http:// or https:// address")
        return text.rstrip("/") if what == "base URL" else text

    return check


def check_target(what: str) -> Callable[[object], str]:
    """A user, group or chat ID: no spaces, at most 128 characters (``what`` names it in the error)."""

    def check(value: object) -> str:
        text = str(value).strip()
        if not text or len(text) > 128 or any(ord(c) < 33 for c in text):
            raise InputError(f"{what} {text!r} is empty, too long or contains spaces")
        return text

    return check


def check_address(value: object) -> str:
    """One e-mail address."""
    text = str(value).strip()
    if not _ADDRESS.match(text) or any(ord(c) < 32 for c in text):
        raise InputError(f"e-mail address {text!r} is not valid")
    return text


def check_recipients(value: object) -> list[str]:
    """One or more e-mail addresses: a list, or text separated by commas, semicolons or spaces."""
    given = value if isinstance(value, list) else re.split(r"[,;\s]+", str(value))
    recipients = [check_address(a) for a in given if str(a).strip()]
    if not recipients:
        raise InputError("give at least one recipient address (--to)")
    return recipients


def check_host(value: object) -> str:
    """An SMTP server's host name or address."""
    host = str(value).strip()
    if not _HOST.match(host):
        raise InputError(f"SMTP host {host!r} is not a host name or address")
    return host


def check_security(value: object) -> str:
    """How the SMTP connection is protected: none, starttls or ssl."""
    security = str(value)
    if security not in SECURITY:
        raise InputError(f"security {security!r}: use one of {', '.join(SECURITY)}")
    return security


def check_port(value: object) -> int:
    """A TCP port number."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InputError(f"SMTP port {value!r} is out of range (1-65535)")
    return value


def check_login(value: object) -> str:
    """An SMTP login: one line, at most 256 characters (empty: no login)."""
    user = str(value).strip()
    if any(ord(c) < 32 for c in user) or len(user) > 256:
        raise InputError("SMTP user contains a control character or is too long")
    return user


def check_switch(value: object) -> bool:
    """true or false (the certificate check)."""
    if not isinstance(value, bool):
        raise InputError("tls_verify must be true or false")
    return value


# ------------------------------------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Setting:
    """One setting of a kind of channel, as stored (in the channel's settings), checked, edited and given.

    Attributes:
        name: the key in the channel's settings.
        label: the editor's label for it (English source text, translated by the GUI).
        check: the value given -> the value stored; raises :class:`InputError`. An empty result is not stored.
        required: a channel of the kind cannot be saved without it.
        default: the value when none is given: a value, or a function of the settings checked before it (the SMTP
            port follows the security); the editor starts with it and a field still at it follows it.
        widget: how the editor shows it (:data:`WIDGETS`).
        choices: (value, label) of a ``choice``.
        example: shown in an empty field as it is (an address, an ID).
        hint: shown in an empty field, translated (``example`` wins when both are given).
        advanced: in the editor's "another API address" box; left empty there, the default is used.
        editor: shown in the editor; if not, the editor keeps it as stored (set on the command line).
        flag: the command line option of ``notify add`` that gives it (kinds may share one, as ``--to``).
        help: the option's help text.
        metavar: the option's value in the help.
    """

    name: str
    label: str
    check: Callable[[Any], Any] = check_text
    required: bool = False
    default: Any = None
    widget: str = "text"
    choices: tuple[tuple[str, str], ...] = ()
    example: str = ""
    hint: str = ""
    advanced: bool = False
    editor: bool = True
    flag: str = ""
    help: str = ""
    metavar: str | None = None

    def default_for(self, before: Mapping[str, Any]) -> Any:
        """The default given the settings before this one."""
        return self.default(before) if callable(self.default) else self.default


@dataclass(frozen=True)
class Secret:
    """A kind's password or token: kept in the secret store, never with the settings, shown or logged.

    Attributes:
        label: the editor's label for its (password) field.
        word: what messages call it ("SMTP password", "bot token").
        short: "password" or "token", in the messages saying it is missing.
        token: a token holds no spaces (see :func:`monitor.storage.secrets.check_secret`).
        required: True: a channel of the kind never sends without it; False: it may have one; a setting's name:
            needed when that setting is given (an SMTP password with a login).
        missing: how a refusal for a missing secret names the case (" with a login").
        flag: the command line option naming the environment variable that holds it.
        prompt: what a terminal asks for it (formatted with the settings and ``kind``).
        needs: for the command line error when it is given without the setting that makes it needed.
    """

    label: str
    word: str
    short: str
    token: bool
    required: bool | str
    flag: str
    prompt: str = "{kind} token: "
    missing: str = ""
    needs: str = ""

    def needed(self, settings: Mapping[str, Any]) -> bool:
        """True when a channel with ``settings`` cannot send without it."""
        if isinstance(self.required, str):
            return bool(settings.get(self.required))
        return self.required


@dataclass(frozen=True)
class ChannelKind:
    """A kind of channel.

    Attributes:
        name: its code, stored with each channel (``email``).
        label: the word people read for it in the app (translated by the GUI).
        service: what error messages call it (``e-mail``, ``LINE``).
        fields: its settings and its secret (if any) in the editor's order.
        sender: sends one message through a channel of the kind.
        target: where a channel sends to, in a few words (recipients, chat, host), from its settings.
        file_sender: sends files as attachments (scheduled reports); None when the kind cannot.
    """

    name: str
    label: str
    service: str
    fields: tuple[Setting | Secret, ...]
    sender: Sender
    target: Callable[[Mapping[str, Any]], str]
    file_sender: FileSender | None = None

    @property
    def settings(self) -> tuple[Setting, ...]:
        """Its settings, in order (without the secret)."""
        return tuple(f for f in self.fields if isinstance(f, Setting))

    @property
    def secret(self) -> Secret | None:
        """Its password or token, if it has one."""
        return next((f for f in self.fields if isinstance(f, Secret)), None)


def _host_of(url: object) -> str:
    return urllib.parse.urlsplit(str(url or "")).netloc.rpartition("@")[2]


EMAIL = ChannelKind(
    name="email",
    label="E-mail",
    service="e-mail",
    fields=(
        Setting(
            "host",
            "SMTP server",
            check_host,
            required=True,
            example="smtp.school.edu.tw",
            flag="--host",
            help="SMTP server",
        ),
        Setting(
            "security",
            "Security",
            check_security,
            default="starttls",
            widget="choice",
            choices=(("none", "None"), ("starttls", "STARTTLS"), ("ssl", "SSL/TLS")),
            flag="--security",
            help="SMTP security (default: starttls)",
        ),
        Setting(
            "port",
            "Port",
            check_port,
            default=lambda s: SMTP_PORTS.get(str(s.get("security")), 587),
            widget="port",
            flag="--port",
            help="SMTP port (default: 25, 587 with starttls, 465 with ssl)",
        ),
        Setting(
            "user",
            "Login (optional)",
            check_login,
            hint="empty: the server needs no login",
            flag="--user",
            help="SMTP login (its password from --password-env or a prompt)",
        ),
        Secret(
            "Password",
            "SMTP password",
            "password",
            token=False,
            required="user",
            flag="--password-env",
            prompt="SMTP password of {user}: ",
            missing=" with a login",
            needs="--user (the SMTP login)",
        ),
        Setting(
            "from",
            "From",
            check_address,
            required=True,
            example="campusnet@school.edu.tw",
            flag="--from",
            help="sender address of the e-mails",
            metavar="ADDRESS",
        ),
        Setting(
            "to",
            "To",
            check_recipients,
            required=True,
            widget="list",
            hint="one or more addresses, separated by commas",
            flag="--to",
            help="e-mail recipient(s)",
        ),
        Setting(
            "ca_file",
            "CA certificates",
            str,
            widget="file",
            editor=False,
            flag="--ca-file",
            help="CA certificate(s) to trust for the SMTP server's TLS certificate",
        ),
        Setting(
            "tls_verify",
            "Check the certificate",
            check_switch,
            widget="switch",
            editor=False,
            flag="--no-tls-verify",
            help="do not check the SMTP server's certificate",
        ),
    ),
    sender=senders.send_email,
    target=lambda s: ", ".join(s.get("to", [])),
    file_sender=senders.send_email_files,
)

LINE = ChannelKind(
    name="line",
    label="LINE",
    service="LINE",
    fields=(
        Secret("Channel access token", "channel access token", "token", token=True, required=True, flag="--token-env"),
        Setting(
            "to",
            "Send to (user or group ID)",
            check_target("LINE user or group ID"),
            required=True,
            example="U0123456789abcdef…",
            flag="--to",
            help="LINE user/group ID",
        ),
        Setting(
            "base_url",
            "API address",
            check_url("base URL"),
            default=DEFAULT_BASE_URL["line"],
            example=DEFAULT_BASE_URL["line"],
            advanced=True,
            flag="--base-url",
            help="LINE or Telegram API address (default: the public one)",
            metavar="URL",
        ),
    ),
    sender=senders.send_line,
    target=lambda s: str(s.get("to", "")),
)

TELEGRAM = ChannelKind(
    name="telegram",
    label="Telegram",
    service="Telegram",
    fields=(
        Secret("Bot token", "bot token", "token", token=True, required=True, flag="--token-env"),
        Setting(
            "chat_id",
            "Chat ID",
            check_target("Telegram chat ID"),
            required=True,
            example="-1001234567890",
            flag="--to",
            help="Telegram chat ID",
        ),
        Setting(
            "base_url",
            "API address",
            check_url("base URL"),
            default=DEFAULT_BASE_URL["telegram"],
            example=DEFAULT_BASE_URL["telegram"],
            advanced=True,
            flag="--base-url",
            help="LINE or Telegram API address (default: the public one)",
            metavar="URL",
        ),
    ),
    sender=senders.send_telegram,
    target=lambda s: str(s.get("chat_id", "")),
)

WEBHOOK = ChannelKind(
    name="webhook",
    label="Webhook",
    service="webhook",
    fields=(
        Setting(
            "url",
            "URL",
            check_url("webhook URL"),
            required=True,
            example="https://…",
            flag="--url",
            help="webhook address",
        ),
        Secret("Bearer token (optional)", "bearer token", "token", token=True, required=False, flag="--token-env"),
    ),
    sender=senders.send_webhook,
    target=lambda s: _host_of(s.get("url")),
)

KINDS: dict[str, ChannelKind] = {kind.name: kind for kind in (EMAIL, LINE, TELEGRAM, WEBHOOK)}


def kind_of(name: str) -> ChannelKind:
    """The kind called ``name``; :class:`InputError` naming the known ones if there is none."""
    kind = KINDS.get(name)
    if kind is None:
        raise InputError(f"channel kind {name!r}: use one of {', '.join(KINDS)}")
    return kind
