"""Sending one message: the e-mail, LINE, Telegram and webhook senders, and the SMTP and HTTP JSON transports
they share.

Each kind of channel (see :mod:`monitor.alerting.kinds`) names its sender here; every sender has the same shape
(:class:`Sender`): the channel's checked settings, its secret, the message, a key that identifies the message across
retries, the time allowed per network operation and the name of the service for errors. A failure is a
:class:`DeliveryError` whose one line names the service and the host, never a URL, a header or the secret.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import ipaddress
import json
import mimetypes
import re
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from devices.errors import CampusNetError
from monitor.alerting.texts import Message

ATTEMPT_TIMEOUT_S = 10.0


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


class Sender(Protocol):
    """Sends ``message`` through a channel with ``settings`` (blocking); :class:`DeliveryError` on failure."""

    def __call__(
        self,
        settings: Mapping[str, Any],
        secret: str | None,
        message: Message,
        *,
        key: str,
        timeout: float,
        service: str,
    ) -> None: ...


class FileSender(Protocol):
    """Sends ``message`` with ``files`` attached (blocking); :class:`DeliveryError` on failure."""

    def __call__(
        self,
        settings: Mapping[str, Any],
        secret: str | None,
        message: Message,
        files: Sequence[Path],
        *,
        timeout: float,
    ) -> None: ...


# HTTP statuses worth trying again (the rest of 4xx means the request itself is wrong: retrying cannot help).
_RETRY_STATUSES = (408, 425, 429)


def _redact(text: str, secret: str | None) -> str:
    text = " ".join(str(text).split())
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


def _tls_context(settings: Mapping[str, Any]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=settings.get("ca_file"))
    if settings.get("tls_verify") is False:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _email(settings: Mapping[str, Any], message: Message, attachments: Sequence[Path] = ()) -> EmailMessage:
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


def send_email_files(
    settings: Mapping[str, Any], secret: str | None, message: Message, files: Sequence[Path], *, timeout: float
) -> None:
    """The e-mail sender with ``files`` attached (the e-mail kind's :class:`FileSender`: scheduled reports)."""
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
            smtp.send_message(_email(settings, message, files))
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


# ------------------------------------------------------------------------------------------------------ senders
# One per kind of channel, named in its entry of monitor.alerting.kinds.KINDS. ``hints`` tell what to check when a
# service refuses the token (HTTP status -> hint).

LINE_HINTS = {401: "check the channel access token", 403: "check the channel access token"}
TELEGRAM_HINTS = {401: "check the bot token", 404: "check the bot token"}
WEBHOOK_HINTS = {401: "check the bearer token", 403: "check the bearer token"}


def send_email(
    settings: Mapping[str, Any], secret: str | None, message: Message, *, key: str, timeout: float, service: str
) -> None:
    """An e-mail through the channel's SMTP server (``key`` and ``service`` are not needed: SMTP errors say
    "mail server")."""
    send_email_files(settings, secret, message, (), timeout=timeout)


def send_line(
    settings: Mapping[str, Any], secret: str | None, message: Message, *, key: str, timeout: float, service: str
) -> None:
    """A LINE push message; ``key`` is LINE's retry key, so a retried message is not shown twice."""
    body = {"to": settings["to"], "messages": [{"type": "text", "text": message.text}]}
    headers = {"Authorization": f"Bearer {secret}", "X-Line-Retry-Key": key}
    url = f"{settings['base_url']}/v2/bot/message/push"
    post_json(url, body, headers, secret, timeout, service=service, hints=LINE_HINTS)


def send_telegram(
    settings: Mapping[str, Any], secret: str | None, message: Message, *, key: str, timeout: float, service: str
) -> None:
    """A Telegram bot message (the token is part of the URL, which is why errors never show a URL)."""
    chat_id = str(settings["chat_id"])
    chat: int | str = int(chat_id) if re.fullmatch(r"-?\d+", chat_id) else chat_id
    body = {"chat_id": chat, "text": message.text, "disable_web_page_preview": True}
    url = f"{settings['base_url']}/bot{secret}/sendMessage"
    post_json(url, body, {}, secret, timeout, service=service, hints=TELEGRAM_HINTS)


def send_webhook(
    settings: Mapping[str, Any], secret: str | None, message: Message, *, key: str, timeout: float, service: str
) -> None:
    """The message's JSON with ``key`` as its ``id``, with the bearer token when there is one."""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    body = {"id": key, **message.payload}
    post_json(settings["url"], body, headers, secret, timeout, service=service, hints=WEBHOOK_HINTS)
