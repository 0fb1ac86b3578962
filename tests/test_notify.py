"""Notifications against real peers on 127.0.0.1: an aiosmtpd SMTP server (plain, STARTTLS, SSL, login) and an HTTP
server standing in for LINE, Telegram and a webhook. Retries, the outbox across restarts, secrets kept out of logs
and the store, and the ``notify`` command line."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import json
import logging
import socket
import sqlite3
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devices.errors import InputError
from monitor.alerting import channels, senders
from monitor.alerting import outbox as notify_outbox
from monitor.alerting.channels import Channel
from monitor.alerting.texts import Notice
from monitor.cli.main import main as cli
from monitor.storage.secrets import SecretStore
from monitor.storage.store import StoreWriter

HOST = "127.0.0.1"
STARTED = 1_780_000_000.0  # 2026-05-28, a fixed time for the messages
PASSWORD = "s3cret-Passw0rd!"
TOKEN = "tok-8f2c1e7a-LINE-or-TG-abcdef0123456789"

# ------------------------------------------------------------------------------------------------ peers


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CampusNet test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[return-value]


class SmtpPeer:
    """aiosmtpd on 127.0.0.1: plain, STARTTLS (``starttls``) or implicit TLS (``ssl``), optionally with a login."""

    def __init__(
        self,
        security: str = "none",
        cert: tuple[Path, Path] | None = None,
        login: tuple[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.inbox: list[Received] = []
        self.port = port or free_tcp_port()
        self.failed_logins = 0
        kwargs: dict[str, Any] = {"server_hostname": "localhost"}
        if security != "none":
            assert cert is not None
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*cert)
            if security == "starttls":
                kwargs.update(tls_context=ctx, require_starttls=True)
            else:
                kwargs.update(ssl_context=ctx)
        if login is not None:
            kwargs.update(authenticator=self._authenticator(login), auth_required=True)
        self.controller = Controller(self, hostname=HOST, port=self.port, **kwargs)

    def _authenticator(self, login: tuple[str, str]) -> Any:
        def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            self.failed_logins += not ok
            return AuthResult(success=ok, handled=False, auth_data=data.login.decode() if ok else None)

        return check

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.inbox.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                bytes(envelope.original_content or envelope.content),
                server.transport.get_extra_info("ssl_object") is not None,
                session.auth_data,
            )
        )
        return "250 OK"

    def __enter__(self) -> SmtpPeer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def subjects(self) -> list[str]:
        return [str(m.message["Subject"]) for m in self.inbox]


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpPeer:
    """An HTTP server on 127.0.0.1 that records every request and answers from ``answers`` (then 200)."""

    answers: list[tuple[int, bytes]] = field(default_factory=list)
    requests: list[HttpRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                peer.requests.append(HttpRequest("POST", self.path, dict(self.headers.items()), body))
                status, answer = peer.answers.pop(0) if peer.answers else (200, b'{"ok": true}')
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="test-http-peer", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}"

    def __enter__(self) -> HttpPeer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# ------------------------------------------------------------------------------------------------ helpers


def down_notice(**extra: Any) -> Notice:
    values: dict[str, Any] = {
        "event": "alert",
        "rule_kind": "device_down",
        "device": "core-sw",
        "alert_id": 7,
        "rule_name": "Device down",
        "severity": "critical",
        "host": "10.1.0.1",
        "location": "行政大樓",
        "started": STARTED,
        "facts": {"polls": 3, "reason": "no answer from 10.1.0.1:161"},
    }
    return Notice(**{**values, **extra})


def local_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def add_channel(conn: sqlite3.Connection, secrets: SecretStore, channel: Channel, secret: str | None = None) -> Channel:
    return channels.save_channel(conn, secrets, channel, secret)


def deliver(db: Path, secrets: SecretStore, now: float) -> int:
    """One sending round at time ``now`` (as the poller runs it), on the store's single writer."""
    writer = StoreWriter(db)
    try:
        return asyncio.run(notify_outbox.Dispatcher(writer, secrets, clock=lambda: now).deliver_due())
    finally:
        writer.close()


def queue(conn: sqlite3.Connection, notice: Notice, now: float = STARTED) -> int:
    with conn:
        conn.execute(
            "INSERT OR IGNORE INTO alerts (id, kind, severity, subject, device_name, state, started)"
            " VALUES (?, ?, ?, 'device:1', ?, 'firing', ?)",
            (notice.alert_id, notice.rule_kind, notice.severity, notice.device, notice.started),
        )
        return notify_outbox.queue(conn, notice, now)


def outbox(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return list(conn.execute("SELECT * FROM deliveries ORDER BY id"))


def store_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if not p.name.endswith(".secrets.json"))


@pytest.fixture
def cert(tmp_path: Path) -> tuple[Path, Path]:
    return make_cert(tmp_path)


def email_channel(port: int, security: str = "none", **settings: Any) -> Channel:
    base = {"host": HOST, "port": port, "security": security, "from": "campusnet@school.example"}
    return Channel(
        "email", "school mail", {**base, "to": ["it@school.example", "principal@school.example"], **settings}
    )


# ------------------------------------------------------------------------------------------------ e-mail


def test_starttls_login_mail_has_utf8_subject_and_body(store, cert: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    with SmtpPeer("starttls", cert, login=("alerts", PASSWORD)) as smtp:
        add_channel(conn, secrets, email_channel(smtp.port, "starttls", user="alerts", ca_file=str(cert[0])), PASSWORD)
        assert queue(conn, down_notice()) == 1
        assert deliver(db, secrets, STARTED + 1) == 1
    (mail,) = smtp.inbox
    assert mail.tls and mail.login == "alerts"
    assert mail.mail_from == "campusnet@school.example"
    assert mail.rcpt_tos == ["it@school.example", "principal@school.example"]
    msg = mail.message
    assert msg["Subject"] == "[CampusNet] 裝置離線：core-sw"
    (raw_subject,) = [line for line in mail.raw.split(b"\r\n") if line.startswith(b"Subject: ")]
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject.lower()  # RFC 2047, not raw UTF-8 bytes
    assert msg["To"] == "it@school.example, principal@school.example"
    assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
    body = msg.get_content()
    assert body.startswith("連續 3 次輪詢失敗。最後的錯誤：no answer from 10.1.0.1:161\n")
    assert "裝置：core-sw (10.1.0.1, 行政大樓)\n" in body
    assert f"開始時間：{local_time(STARTED)}" in body
    assert "嚴重程度：嚴重\n" in body and body.rstrip().endswith("警報編號：7")
    (row,) = outbox(conn)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 1, None)


def test_ssl_mail_in_english(store, cert: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    with SmtpPeer("ssl", cert) as smtp:
        channel = email_channel(smtp.port, "ssl", ca_file=str(cert[0]))
        channel.language = "en"
        add_channel(conn, secrets, channel)
        queue(conn, down_notice(event="alert_resolved", resolved=STARTED + 754))
        assert deliver(db, secrets, STARTED + 800) == 1
    (mail,) = smtp.inbox
    assert mail.tls and mail.login is None
    assert mail.message["Subject"] == "[CampusNet] Device back up: core-sw"
    body = mail.message.get_content()
    assert body.startswith("It answers again.\n")
    assert f"Resolved: {local_time(STARTED + 754)}" in body
    assert "Duration: 13 min\n" in body  # 754 s, rounded to the minute


def test_untrusted_certificate_is_a_clear_error(store, cert: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _db = store
    with SmtpPeer("starttls", cert) as smtp:
        channel = add_channel(conn, secrets, email_channel(smtp.port, "starttls"))  # no ca_file: system CAs only
        result = channels.send_test(channel, secrets)
    assert not result.ok and result.error is not None
    assert result.error.startswith(f"the certificate of {HOST}:{smtp.port} is not trusted")
    assert "\n" not in result.error and smtp.inbox == []


def test_wrong_password_retried_with_backoff_then_sent(store, cert, caplog) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-password-42"
    with SmtpPeer("starttls", cert, login=("alerts", PASSWORD)) as smtp:
        channel = email_channel(smtp.port, "starttls", user="alerts", ca_file=str(cert[0]))
        channel = add_channel(conn, secrets, channel, wrong)
        test = channels.send_test(channel, secrets)
        assert test == channels.SendResult(False, test.error)
        assert (
            test.error == f"the mail server {HOST}:{smtp.port} refused the login of 'alerts' (535): check the password"
        )

        queue(conn, down_notice())
        assert deliver(db, secrets, STARTED + 1) == 0
        (row,) = outbox(conn)
        assert (row["status"], row["attempts"]) == ("pending", 1)
        assert row["last_error"] == test.error
        assert row["next_attempt"] == STARTED + 1 + 60  # the first retry waits a minute
        assert deliver(db, secrets, STARTED + 60) == 0  # not due yet: nothing tried
        assert deliver(db, secrets, STARTED + 62) == 0  # second try, still wrong
        (row,) = outbox(conn)
        assert (row["attempts"], row["next_attempt"]) == (2, STARTED + 62 + 300)
        secrets.set_named(channels.secret_name(channel.id), PASSWORD)  # the admin fixes the password
        assert deliver(db, secrets, STARTED + 362) == 1
    assert smtp.subjects() == ["[CampusNet] 裝置離線：core-sw"]
    (row,) = outbox(conn)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 3, None)
    assert "refused the login" in caplog.text  # failures are logged ...
    for secret in (wrong, PASSWORD):  # ... without the password
        assert secret not in caplog.text
        assert secret.encode() not in store_bytes(db)


def test_unreachable_mail_server_is_retried_and_finally_failed(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    port = free_tcp_port()  # nothing listens there
    add_channel(conn, secrets, email_channel(port))
    queue(conn, down_notice())
    queue(conn, down_notice(event="alert_resolved", resolved=STARTED + 300), STARTED + 300)
    now, tries = STARTED + 301, []
    for _ in range(10):  # more rounds than tries: the outbox must stop by itself
        deliver(db, secrets, now)
        first = outbox(conn)[0]
        tries.append(first["attempts"])
        now = max(now, first["next_attempt"]) + 1
    assert tries[: notify_outbox.MAX_ATTEMPTS] == [1, 2, 3, 4, 5]
    rows = outbox(conn)
    assert [r["status"] for r in rows] == ["failed", "failed"]
    reason = f"cannot send mail through {HOST}:{port}: [Errno 111] Connection refused"
    assert rows[0]["last_error"] == reason
    assert rows[1]["last_error"] == f"not sent: {reason}" and rows[1]["attempts"] == 0  # waited behind the first


# ------------------------------------------------------------------------------------ LINE, Telegram, webhook


def test_line_push(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    with HttpPeer() as http:
        add_channel(conn, secrets, Channel("line", "line-it", {"to": "Uabc123", "base_url": http.url + "/"}), TOKEN)
        queue(conn, down_notice())
        assert deliver(db, secrets, STARTED + 1) == 1
    (req,) = http.requests
    assert (req.method, req.path) == ("POST", "/v2/bot/message/push")
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    assert req.headers["Content-Type"].startswith("application/json")
    key = outbox(conn)[0]["key"]
    assert req.headers["X-Line-Retry-Key"] == key and len(key) == 36
    payload = req.json
    assert list(payload) == ["to", "messages"] and payload["to"] == "Uabc123"
    (message,) = payload["messages"]
    assert message["type"] == "text"
    assert message["text"].startswith("[CampusNet] 裝置離線：core-sw\n\n連續 3 次輪詢失敗。")
    assert "裝置：core-sw (10.1.0.1, 行政大樓)" in message["text"]


def test_telegram_send_message(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    with HttpPeer() as http:
        channel = Channel("telegram", "tg", {"chat_id": "-1001234567890", "base_url": http.url}, language="en")
        add_channel(conn, secrets, channel, TOKEN)
        queue(conn, down_notice(event="alert_flapping", facts={"changes": 4, "window": 20}))
        assert deliver(db, secrets, STARTED + 1) == 1
    (req,) = http.requests
    assert (req.method, req.path) == ("POST", f"/bot{TOKEN}/sendMessage")
    assert "Authorization" not in req.headers
    payload = req.json
    assert payload["chat_id"] == -1001234567890
    assert payload["text"].startswith(
        "[CampusNet] Flapping: core-sw\n\nIt changed state 4 times in 20 minutes. Further notifications are held back"
    )


def test_webhook_json_with_bearer_token(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    with HttpPeer() as http:
        add_channel(conn, secrets, Channel("webhook", "hook", {"url": http.url + "/hooks/campusnet"}), TOKEN)
        notice = down_notice(
            rule_kind="port_down",
            event="alert_resolved",
            port="Gi1/0/48",
            port_alias="uplink to TANet",
            resolved=STARTED + 120,
            facts={},
        )
        queue(conn, notice)
        assert deliver(db, secrets, STARTED + 121) == 1
    (req,) = http.requests
    assert (req.method, req.path) == ("POST", "/hooks/campusnet")
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    body = req.json
    iso = dt.datetime.fromtimestamp(STARTED).astimezone().isoformat(timespec="seconds")
    iso_resolved = dt.datetime.fromtimestamp(STARTED + 120).astimezone().isoformat(timespec="seconds")
    assert body["id"] == outbox(conn)[0]["key"]
    assert {k: body[k] for k in ("event", "rule", "device", "port", "severity", "started", "resolved")} == {
        "event": "alert_resolved",
        "rule": "port_down",
        "device": "core-sw",
        "port": "Gi1/0/48",
        "severity": "critical",
        "started": iso,
        "resolved": iso_resolved,
    }
    assert body["message"] == "連接埠恢復連線：core-sw Gi1/0/48"
    assert body["alert_id"] == 7


def test_webhook_without_token_sends_no_authorization(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _db = store
    with HttpPeer() as http:
        channel = add_channel(conn, secrets, Channel("webhook", "hook", {"url": http.url + "/x"}))
        assert channels.send_test(channel, secrets).ok
    (req,) = http.requests
    assert "Authorization" not in req.headers
    assert req.json["event"] == "test" and req.json["message"] == "測試通知"


def test_http_500_is_retried_and_finally_failed_with_the_reason(store, caplog) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    caplog.set_level(logging.DEBUG)
    answer = json.dumps({"message": f"internal error for token {TOKEN}"}).encode()
    with HttpPeer(answers=[(500, answer)] * 20) as http:
        add_channel(conn, secrets, Channel("line", "line-it", {"to": "Uabc123", "base_url": http.url}), TOKEN)
        queue(conn, down_notice())
        now = STARTED + 1
        deliver(db, secrets, now)
        assert len(http.requests) == 1
        deliver(db, secrets, now + 30)  # the retry is not due yet
        assert len(http.requests) == 1
        for wait in notify_outbox.BACKOFF_S:
            now += wait + 1
            deliver(db, secrets, now)
        deliver(db, secrets, now + 86400)  # given up: nothing more is sent
    assert len(http.requests) == notify_outbox.MAX_ATTEMPTS == 5
    keys = {r.headers["X-Line-Retry-Key"] for r in http.requests}
    assert len(keys) == 1  # every retry of one message carries the same retry key
    (row,) = outbox(conn)
    assert (row["status"], row["attempts"]) == ("failed", 5)
    assert row["last_error"] == "LINE: HTTP 500: internal error for token ***"
    assert "giving up" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN.encode() not in store_bytes(db)


def test_messages_of_a_channel_keep_their_order_across_a_failure(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    with HttpPeer(answers=[(502, b"bad gateway")]) as http:
        add_channel(conn, secrets, Channel("webhook", "hook", {"url": http.url + "/x"}))
        queue(conn, down_notice())
        queue(conn, down_notice(event="alert_resolved", resolved=STARTED + 60), STARTED + 60)
        assert deliver(db, secrets, STARTED + 61) == 0  # the first failed; the second waits behind it
        assert [r.json["event"] for r in http.requests] == ["alert"]
        assert deliver(db, secrets, STARTED + 61 + 61) == 2
    assert [r.json["event"] for r in http.requests] == ["alert", "alert", "alert_resolved"]


def test_telegram_token_never_in_errors_logs_or_store(store, caplog) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    caplog.set_level(logging.DEBUG)
    answer = json.dumps({"ok": False, "description": f"Unauthorized: bot{TOKEN} is not valid"}).encode()
    with HttpPeer(answers=[(401, answer), (401, answer)]) as http:
        channel = add_channel(conn, secrets, Channel("telegram", "tg", {"chat_id": "42", "base_url": http.url}), TOKEN)
        result = channels.send_test(channel, secrets)
        queue(conn, down_notice())
        deliver(db, secrets, STARTED + 1)
    assert result.error == "Telegram: HTTP 401 (check the bot token)"
    assert outbox(conn)[0]["last_error"] == result.error
    assert TOKEN not in caplog.text
    assert TOKEN.encode() not in store_bytes(db)
    assert json.loads((db.parent / (db.name + ".secrets.json")).read_text())  # the token is in the secret store


# ------------------------------------------------------------------------------------------------ the outbox survives


def test_a_new_sender_sends_what_was_left_pending(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    with HttpPeer() as http:
        add_channel(conn, secrets, Channel("webhook", "hook", {"url": http.url + "/x"}))
        queue(conn, down_notice())
        # A sender took the message and was killed before it could record the outcome.
        with conn:
            claimed = notify_outbox.claim_next(conn, STARTED + 1)
        assert claimed is not None and http.requests == []
        assert deliver(db, secrets, STARTED + 2) == 0  # leased to the dead sender for a while
        assert deliver(db, secrets, STARTED + 1 + notify_outbox.LEASE_S) == 1  # then sent again
    assert [r.json["event"] for r in http.requests] == ["alert"]
    assert outbox(conn)[0]["status"] == "sent"


def test_disabled_channel_gets_nothing(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _db = store
    channel = add_channel(conn, secrets, Channel("webhook", "hook", {"url": "http://127.0.0.1:9/x"}))
    queue(conn, down_notice())
    channel.enabled = False
    channels.save_channel(conn, secrets, channel)
    assert [(r["status"], r["last_error"]) for r in outbox(conn)] == [("failed", "the channel was disabled")]
    assert queue(conn, down_notice()) == 0


# ------------------------------------------------------------------------------------------------ validation, CLI


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        (Channel("sms", "x", {}), "channel kind 'sms'"),
        (Channel("email", "m", {"host": HOST, "from": "a@b.c"}), "needs 'to'"),
        (Channel("email", "m", {"host": HOST, "from": "a@b.c", "to": ["not-an-address"]}), "is not valid"),
        (Channel("email", "m", {"host": HOST, "from": "a@b.c", "to": ["x@y.z"], "port": 70000}), "out of range"),
        (Channel("email", "m", {"host": "a\nb", "from": "a@b.c", "to": ["x@y.z"]}), "not a host name"),
        (Channel("email", "m", {"host": HOST, "from": "a@b.c", "to": ["x@y.z"], "security": "tls"}), "security"),
        (Channel("line", "l", {"to": "U1", "base_url": "ftp://x"}), "not an http:// or https://"),
        (Channel("line", "l", {"to": "U 1"}), "contains spaces"),
        (Channel("telegram", "t", {"chat_id": "1", "url": "http://x"}), "has no setting 'url'"),
        (Channel("webhook", "w", {"url": "localhost/x"}), "not an http:// or https://"),
        (Channel("webhook", "\x07", {"url": "http://x/"}), "channel name"),
        (Channel("webhook", "w", {"url": "http://x/"}, language="fr"), "language 'fr'"),
    ],
)
def test_bad_channels_are_refused(store, channel: Channel, message: str) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _db = store
    with pytest.raises(InputError, match=message):
        channels.save_channel(conn, secrets, channel, "x")
    assert channels.list_channels(conn) == []


def test_line_without_token_is_refused_and_nothing_saved(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, _db = store
    with pytest.raises(InputError, match="needs its token"):
        channels.save_channel(conn, secrets, Channel("line", "l", {"to": "U1"}))
    assert channels.list_channels(conn) == []


def run_cli(db: Path, *args: str) -> int:
    return cli(["--db", str(db), *args])


def test_cli_add_list_test_remove(store, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    monkeypatch.setenv("HOOK_TOKEN", TOKEN)
    with HttpPeer() as http:
        assert (
            run_cli(db, "notify", "add", "webhook", "ops", "--url", http.url + "/in", "--token-env", "HOOK_TOKEN") == 0
        )
        assert run_cli(db, "notify", "add", "line", "line-it", "--to", "U99", "--base-url", http.url) == 2
        assert "no terminal to ask on: give the token with --token-env VAR" in capsys.readouterr().err
        assert run_cli(db, "notify", "add", "line", "x", "--to", "U1", "--host", "h", "--token-env", "HOOK_TOKEN") == 2
        assert capsys.readouterr().err == "error: --host is not an option of line channels\n"
        assert run_cli(db, "notify", "add", "webhook", "ops", "--url", http.url, "--token-env", "HOOK_TOKEN") == 2
        assert "exists already" in capsys.readouterr().err
        assert run_cli(db, "notify", "add", "email", "m", "--host", HOST, "--to", "a@b.c", "--from", "x@y.z",
                       "--password-env", "HOOK_TOKEN") == 2  # fmt: skip
        assert capsys.readouterr().err == "error: --password-env needs --user (the SMTP login)\n"
        assert run_cli(db, "notify", "list", "--json") == 0
        (listed,) = json.loads(capsys.readouterr().out)
        assert listed["name"] == "ops" and listed["kind"] == "webhook" and listed["language"] == "zh_TW"
        assert listed["settings"] == {"url": http.url + "/in"}
        assert run_cli(db, "notify", "test", "ops") == 0
        assert capsys.readouterr().out.startswith("test message sent through ops")
    (req,) = http.requests
    assert req.headers["Authorization"] == f"Bearer {TOKEN}" and req.json["event"] == "test"
    assert run_cli(db, "notify", "test", "ops") == 1  # the server is gone
    assert "error: test message through ops failed: webhook: cannot reach 127.0.0.1:" in capsys.readouterr().err
    assert TOKEN.encode() not in store_bytes(db)
    channel_id = channels.get_channel(conn, "ops").id
    assert secrets.get_named(channels.secret_name(channel_id)) == TOKEN
    assert run_cli(db, "notify", "remove", "ops") == 0
    assert channels.list_channels(conn) == [] and secrets.get_named(channels.secret_name(channel_id)) is None
    assert run_cli(db, "notify", "remove", "ops") == 2


def test_cli_email_channel_with_several_recipients(store, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _conn, _secrets, db = store
    monkeypatch.setenv("SMTP_PW", PASSWORD)
    args = ["notify", "add", "email", "學校信箱", "--host", HOST, "--port", "2525", "--security", "none", "--user", "u"]
    args += ["--password-env", "SMTP_PW", "--from", "campusnet@school.example", "--to", "a@school.example,b@x.example"]
    assert run_cli(db, *args, "--to", "c@school.example", "--language", "en") == 0
    assert run_cli(db, "notify", "list", "--json") == 0
    (listed,) = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert listed["name"] == "學校信箱" and listed["language"] == "en"
    assert listed["settings"]["to"] == ["a@school.example", "b@x.example", "c@school.example"]
    assert PASSWORD not in json.dumps(listed)


# ------------------------------------------------------------------------------------------------ bad secrets


@pytest.mark.parametrize("token", [TOKEN + " ", " " + TOKEN, TOKEN[:8] + " " + TOKEN[8:], TOKEN + "\n", "tök€n-123"])
def test_cli_refuses_a_token_with_a_space_and_never_prints_it(store, capsys, monkeypatch, token: str) -> None:  # type: ignore[no-untyped-def]
    conn, _secrets, db = store
    monkeypatch.setenv("TG_TOKEN", token)
    code = run_cli(db, "notify", "add", "telegram", "tg", "--to", "42", "--token-env", "TG_TOKEN")
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "bot token" in err and token.strip() not in err
    assert channels.list_channels(conn) == []


def test_a_stored_token_with_a_space_fails_the_message_at_once_without_a_traceback(store, caplog) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    caplog.set_level(logging.DEBUG)
    with HttpPeer() as http:
        channel = add_channel(conn, secrets, Channel("telegram", "tg", {"chat_id": "42", "base_url": http.url}), TOKEN)
        assert channel.id is not None
        secrets.set_named(channels.secret_name(channel.id), TOKEN + " ")  # stored before tokens were checked
        queue(conn, down_notice())
        assert deliver(db, secrets, STARTED + 1) == 0
        assert deliver(db, secrets, STARTED + 1 + notify_outbox.LEASE_S + 3600) == 0  # nothing left to try: not stuck
    assert http.requests == []
    (row,) = outbox(conn)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["last_error"].startswith("Telegram: the bot token ends with a space") and TOKEN not in row["last_error"]
    assert "not retried" in caplog.text and "Traceback" not in caplog.text and TOKEN not in caplog.text


def test_a_failure_of_any_kind_is_recorded_and_never_shows_the_token(store, caplog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    caplog.set_level(logging.DEBUG)
    add_channel(conn, secrets, Channel("line", "line-it", {"to": "U1", "base_url": "http://127.0.0.1:9"}), TOKEN)
    queue(conn, down_notice())

    def broken(*_args: Any, **_kw: Any) -> None:
        raise ValueError(f"URL can't contain control characters: '/bot{TOKEN}/x'")

    monkeypatch.setattr(senders.urllib.request, "Request", broken)
    assert deliver(db, secrets, STARTED + 1) == 0
    (row,) = outbox(conn)
    assert (row["status"], row["last_error"]) == ("failed", "LINE: the request could not be built (ValueError)")
    monkeypatch.setattr(senders, "post_json", lambda *a, **k: (_ for _ in ()).throw(RuntimeError(f"bug {TOKEN}")))
    channel = channels.get_channel(conn, "line-it")
    result = channels.send_test(channel, secrets)
    assert result.error == "LINE: internal error (RuntimeError)"
    assert TOKEN not in caplog.text and "a bug" in caplog.text


def test_a_request_the_server_calls_malformed_is_not_retried(store) -> None:  # type: ignore[no-untyped-def]
    conn, secrets, db = store
    answer = json.dumps({"ok": False, "description": "Bad Request: chat not found"}).encode()
    with HttpPeer(answers=[(400, answer)]) as http:
        add_channel(conn, secrets, Channel("telegram", "tg", {"chat_id": "42", "base_url": http.url}), TOKEN)
        queue(conn, down_notice())
        deliver(db, secrets, STARTED + 1)
    (row,) = outbox(conn)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["last_error"] == "Telegram: HTTP 400: Bad Request: chat not found"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["email", "m", "--host", HOST, "--port", "0", "--to", "a@b.c", "--from", "c@d.e"], "SMTP port 0"),
        (["email", "m", "--host", HOST, "--port", "65536", "--to", "a@b.c", "--from", "c@d.e"], "out of range"),
        (["webhook", "a\u2028b", "--url", "http://127.0.0.1:9/x"], "no control characters"),
        (["webhook", "a\u202eb", "--url", "http://127.0.0.1:9/x"], "no control characters"),
        (["webhook", "a\x85b", "--url", "http://127.0.0.1:9/x"], "no control characters"),
    ],
)
def test_cli_refuses_bad_ports_and_names(store, capsys, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    conn, _secrets, db = store
    assert run_cli(db, "notify", "add", *args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert channels.list_channels(conn) == []
