"""SNMP client: GET and multi-column GETBULK walks over asyncio, v1/v2c/v3.

One :class:`SnmpSession` talks to one agent::

    async with SnmpSession(target) as s:
        system = await s.get(["1.3.6.1.2.1.1.3.0"])
        table = await s.walk_columns(["1.3.6.1.2.1.31.1.1.1.6", "1.3.6.1.2.1.31.1.1.1.1"])

SNMPv1 and v2c go through :mod:`devices.ber` over one plain asyncio UDP socket per session (pysnmp is too slow for
the poller's hot path, see that module); SNMPv3 goes through pysnmp's v3arch asyncio hlapi with ``lookupMib=False``.
Both share the request logic here: chunked GETs, GETBULK walks of several columns at once, back-off to smaller
max-repetitions on timeouts and tooBig answers, and the checks that keep a broken agent from looping us forever.

A broken or hostile agent costs a bounded amount of time. A datagram that cannot be decoded (or answers with
another community, or is no Response) is ignored and counted in :attr:`SnmpStats.malformed` while the real answer
is awaited; when only such datagrams came, the request fails with "malformed answers from HOST: reason" instead of
the timeout's "check address, community and ACL" (the agent is there, it speaks nonsense). A walk stops with a
one-line SnmpProtocolError on non-increasing OIDs, OIDs over 128 sub-identifiers, :data:`MAX_NULL_RUN` rows without
a value in a row, or more than ``max_rows`` rows of one column (:data:`DEFAULT_MAX_ROWS`, every row counted, with
or without a value).

SNMPv3 "aes256" is AES-256 with the key extension Cisco uses (pysnmp's usmAesCfb256Protocol, net-snmp's AES-256-C);
it agrees with the other (Blumenthal) variant only when the auth digest is SHA-256.

Only :mod:`devices.errors` exceptions leave this module, each with one line for the user: :class:`SnmpTimeout`,
:class:`SnmpAuthError`, :class:`SnmpProtocolError` (all :class:`SnmpError`), and :class:`InputError` for incomplete
credentials. A malformed OID string passed by the caller is a bug and raises ValueError.
"""

from __future__ import annotations

import asyncio
import functools
import random
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, NamedTuple

from devices import ber
from devices.errors import InputError, SnmpAuthError, SnmpError, SnmpProtocolError, SnmpTimeout
from devices.i18n import N_, Msg

SnmpVersion = Literal["1", "2c", "3"]
AuthProto = Literal["sha", "sha256", "md5"]
PrivProto = Literal["aes", "aes256", "des"]

# A decoded SNMP value: int for INTEGER/Counter32/Counter64/Gauge32/TimeTicks/Unsigned32, bytes for OCTET STRING
# and Opaque, str for OBJECT IDENTIFIER (dotted, no leading dot) and IpAddress (dotted quad).
SnmpValue = int | bytes | str


@dataclass(frozen=True)
class SnmpCredentials:
    """What the agent needs to accept a request. Secrets live here only in memory, never in the store."""

    version: SnmpVersion = "2c"
    community: str | None = None
    v3_user: str | None = None
    v3_auth: AuthProto | None = None
    v3_auth_key: str | None = None
    v3_priv: PrivProto | None = None
    v3_priv_key: str | None = None

    def __repr__(self) -> str:  # never print secrets, even in a traceback
        return f"SnmpCredentials(version={self.version!r}, v3_user={self.v3_user!r})"


@dataclass(frozen=True)
class SnmpTarget:
    """One agent and how patiently to talk to it."""

    host: str
    port: int = 161
    credentials: SnmpCredentials = SnmpCredentials()
    timeout: float = 2.0
    retries: int = 1
    max_repetitions: int = 25


@dataclass
class SnmpStats:
    """What one session has cost so far.

    Attributes:
        requests: request datagrams sent, retransmissions included (for v3: requests handed to pysnmp).
        varbinds: varbinds received in answers.
        timeouts: attempts that went unanswered within the timeout.
        bytes_in: size of the accepted answers (v1/v2c only; pysnmp does not tell).
        malformed: datagrams from the agent's address that were ignored because they could not be decoded or
            used (v1/v2c: not well-formed, another community or version, not a Response; v3: what pysnmp could not
            parse or failed on).
        last_malformed: why the last of those was ignored ("" if none was).
    """

    requests: int = 0
    varbinds: int = 0
    timeouts: int = 0
    bytes_in: int = 0
    malformed: int = 0
    last_malformed: str = ""

    def ignored(self, reason: str) -> None:
        """Count one ignored datagram and remember why."""
        self.malformed += 1
        self.last_malformed = reason


# RFC 3416 error-status names, by value.
_ERROR_STATUS = [
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
]
_TOO_BIG = 1
_NO_SUCH_NAME = 2

# Varbinds asked for in one request: about what fits a few 1472-byte UDP answers, and within the limits of small
# agents (snmpsim's default is 64). A GETBULK carries max(1, budget // max_repetitions) columns.
_VARBIND_BUDGET = 64
_GET_CHUNK = 32

# Walk limits, per column. The row budget fits the biggest tables the project walks (a chassis switch with a few
# thousand interfaces, a controller with thousands of APs) with room to spare, and stops an agent that invents
# rows forever within a few seconds on a LAN. Every row counts, those without a value too.
DEFAULT_MAX_ROWS = 20_000
MAX_NULL_RUN = 1_000  # rows without a value in a row: no real table is like that


class _Reply(NamedTuple):
    """The part of an answer the session logic needs, whatever the SNMP version.

    ``arrival`` is the wall-clock time (time.time()) the answer was received, for per-column timestamps.
    """

    error_status: int
    error_index: int
    varbinds: list[ber.VarBind]
    arrival: float


@dataclass(slots=True)
class _Column:
    """Walk state of one requested column."""

    name: str
    prefix: ber.Oid
    rows: dict[str, SnmpValue]
    last: ber.Oid
    done: bool = False
    steps: int = 0  # rows seen, with or without a value
    null_run: int = 0  # rows without a value since the last one with
    first_at: float | None = None  # arrival of the first and last answers that carried rows with values
    last_at: float = 0.0


def _where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _timeout_message(target: SnmpTarget) -> Msg:
    """Why nothing came back: what the user should check."""
    what = N_("community")
    if target.credentials.version == "3":
        # Agents drop what they cannot decrypt without a word, so a wrong privacy key looks like silence.
        what = N_("SNMPv3 user, privacy key") if target.credentials.v3_priv else N_("SNMPv3 user")
    return Msg(
        N_("no answer from {where} within {timeout} s x {tries} tries: check address, {what} and ACL"),
        {
            "where": _where(target.host, target.port),
            "timeout": f"{target.timeout:g}",
            "tries": target.retries + 1,
            "what": Msg(what),
        },
    )


class _Backend:
    """How requests reach one agent: the community path (own codec) or the USM path (pysnmp)."""

    async def request(
        self, pdu_type: int, oids: Sequence[ber.Oid], max_repetitions: int, tries: int
    ) -> _Reply:  # pragma: no cover - interface
        """Send one request with up to ``tries`` attempts; raise SnmpTimeout when all go unanswered."""
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        """Release the socket or engine."""
        raise NotImplementedError


def _no_answer(target: SnmpTarget, stats: SnmpStats, malformed_before: int) -> SnmpError:
    """The error for a request that got no usable answer: a timeout, or the agent's garbage if it sent some."""
    if stats.malformed > malformed_before:
        return SnmpProtocolError(
            Msg(
                N_("malformed answers from {where}: {reason}"),
                {"where": _where(target.host, target.port), "reason": stats.last_malformed or ""},
            )
        )
    return SnmpTimeout(_timeout_message(target))


# ---------------------------------------------------------------------------------------------------------------
# SNMPv1/v2c: own codec over a plain UDP socket


class _UdpProtocol(asyncio.DatagramProtocol):
    """Hands each datagram from the agent to the request waiting for its request-id; ignores everything else.

    Answers arrive as (message, arrival time.time()). Nothing a datagram holds can fail a request: garbage from
    the agent's address is counted in the stats and the valid answer is still awaited.
    """

    def __init__(
        self, peer: tuple[str, int], version: int, community: bytes, stats: SnmpStats, max_varbinds: int
    ) -> None:
        self.peer = peer
        self.version = version
        self.community = community
        self.stats = stats
        self.max_varbinds = max_varbinds
        self.waiters: dict[int, asyncio.Future[tuple[ber.Message, float]]] = {}

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        """Match an answer to its request; other senders and unknown request-ids are ignored, garbage counted."""
        if (addr[0], addr[1]) != self.peer or not self.waiters:
            return
        arrival = time.time()
        try:
            msg = ber.decode_message(data, max_varbinds=self.max_varbinds)
        except ber.BerError as exc:
            self.stats.ignored(str(exc))
            return
        fut = self.waiters.get(msg.request_id)
        if fut is None or fut.done():
            return  # a late answer to an earlier try
        if msg.version != self.version or msg.community != self.community:
            self.stats.ignored("an answer with another SNMP version or community")
        elif msg.pdu_type != ber.RESPONSE:
            self.stats.ignored(f"a {ber.PDU_NAMES[msg.pdu_type]} PDU instead of a Response")
        else:
            self.stats.bytes_in += len(data)
            fut.set_result((msg, arrival))

    def error_received(self, exc: Exception) -> None:
        """ICMP errors (port unreachable ...) are treated like silence: the timeout message says what to check."""


class _CommunityBackend(_Backend):
    """SNMPv1/v2c over one UDP socket, with request-id matching and retransmission."""

    def __init__(self, target: SnmpTarget, address: tuple[str, int], family: int, stats: SnmpStats) -> None:
        community = target.credentials.community
        if community is None:
            raise InputError(f"no SNMP community set for {_where(target.host, target.port)}")
        self._target = target
        self._address = address
        self._family = family
        self._version = ber.VERSION_1 if target.credentials.version == "1" else ber.VERSION_2C
        self._community = community.encode()
        self._stats = stats
        self._request_id = random.randrange(1, 2**31 - 1)
        self._transport: asyncio.DatagramTransport | None = None
        # No request of this session asks for more varbinds than this, so a longer answer is refused undecoded.
        max_varbinds = max(_VARBIND_BUDGET, _GET_CHUNK, target.max_repetitions)
        self._protocol = _UdpProtocol(address, self._version, self._community, stats, max_varbinds)

    async def open(self) -> None:
        """Bind the session's UDP socket."""
        loop = asyncio.get_running_loop()
        local = ("::", 0) if self._family == socket.AF_INET6 else ("0.0.0.0", 0)
        try:
            self._transport, _ = await loop.create_datagram_endpoint(
                lambda: self._protocol, local_addr=local, family=self._family
            )
        except OSError as exc:
            raise SnmpError(f"cannot open a UDP socket for {_where(*self._address)}: {exc.strerror}") from None

    def _next_request_id(self) -> int:
        self._request_id = self._request_id % (2**31 - 1) + 1
        return self._request_id

    async def request(self, pdu_type: int, oids: Sequence[ber.Oid], max_repetitions: int, tries: int) -> _Reply:
        """Send one request, retransmitting it (same request-id) after each timeout without a usable answer."""
        if self._transport is None:
            raise SnmpError(f"the SNMP session to {_where(*self._address)} is closed")
        request_id = self._next_request_id()
        packet = ber.encode_request(
            self._version, self._community, pdu_type, request_id, oids, max_repetitions=max_repetitions
        )
        waiters = self._protocol.waiters
        loop = asyncio.get_running_loop()
        malformed_before = self._stats.malformed
        try:
            for _ in range(tries):
                fut: asyncio.Future[tuple[ber.Message, float]] = loop.create_future()
                waiters[request_id] = fut
                self._transport.sendto(packet, self._address)
                self._stats.requests += 1
                try:
                    msg, arrival = await asyncio.wait_for(fut, self._target.timeout)
                except TimeoutError:
                    self._stats.timeouts += 1
                    continue
                self._stats.varbinds += len(msg.varbinds)
                return _Reply(msg.error_status, msg.error_index, msg.varbinds, arrival)
        finally:
            waiters.pop(request_id, None)
        raise _no_answer(self._target, self._stats, malformed_before)

    def close(self) -> None:
        """Close the socket and fail any request still waiting."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        error = SnmpError(f"the SNMP session to {_where(*self._address)} was closed")
        for fut in self._protocol.waiters.values():
            if not fut.done():
                fut.set_exception(error)


# ---------------------------------------------------------------------------------------------------------------
# SNMPv3: pysnmp


class _UsmBackend(_Backend):
    """SNMPv3 with USM (authPriv or authNoPriv) through pysnmp's asyncio hlapi."""

    def __init__(self, target: SnmpTarget, address: tuple[str, int], family: int, stats: SnmpStats) -> None:
        self._target = target
        self._address = address
        self._family = family
        self._stats = stats
        self._user = target.credentials.v3_user or ""
        self._auth = _usm_user(target.credentials)
        self._engine: Any = None
        self._transports: dict[int, Any] = {}

    async def open(self) -> None:
        """Create the pysnmp engine (discovery of the agent's engine happens on the first request)."""
        from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

        self._engine = SnmpEngine()
        # hlapi resolves even numeric OIDs through the engine's MIB view, and a fresh view sets up pysmi's MIB
        # compiler (about 0.3 CPU-seconds) on first use; one shared view pays that once per process.
        self._engine.cache["mibViewController"] = _shared_mib_view()
        self._guard_receive()

    def _guard_receive(self) -> None:
        """Count what pysnmp cannot use among the agent's datagrams, and keep its failures on them quiet.

        pysnmp decodes answers in an event-loop callback: an exception there (pyasn1 raises TypeError on some
        garbage) only prints a traceback, and datagrams it cannot parse are dropped with a counter. Either way the
        request then times out; counting them lets the timeout say "malformed answers" instead of "no answer".
        """
        engine = self._engine
        dispatcher = engine.message_dispatcher
        receive = dispatcher.receive_message
        stats = self._stats
        counters = engine.get_mib_builder().import_symbols("__SNMPv2-MIB", "snmpInASNParseErrs", "snmpInBadVersions")

        def guarded(*args: Any) -> Any:
            before = sum(int(c.syntax) for c in counters)
            try:
                result = receive(*args)
            except Exception as exc:
                stats.ignored(f"an SNMPv3 message that cannot be processed ({type(exc).__name__}: {_first_line(exc)})")
                return b""
            if sum(int(c.syntax) for c in counters) > before:
                stats.ignored("not a well-formed SNMP message")
            return result

        dispatcher.receive_message = guarded

    async def _transport(self, tries: int) -> Any:
        from pysnmp.hlapi.v3arch.asyncio import Udp6TransportTarget, UdpTransportTarget

        if tries not in self._transports:
            kind = Udp6TransportTarget if self._family == socket.AF_INET6 else UdpTransportTarget
            self._transports[tries] = await kind.create(self._address, timeout=self._target.timeout, retries=tries - 1)
        return self._transports[tries]

    async def request(self, pdu_type: int, oids: Sequence[ber.Oid], max_repetitions: int, tries: int) -> _Reply:
        """Send one request through pysnmp; retry once when the agent says we are out of its time window."""
        from pysnmp.proto import errind

        malformed_before = self._stats.malformed
        for _ in range(2):
            indication, status, index, varbinds = await self._send(pdu_type, oids, max_repetitions, tries)
            if not isinstance(indication, errind.NotInTimeWindow):
                break
        arrival = time.time()
        if indication:
            self._raise_indication(indication, tries, malformed_before)
        try:
            values = [_from_pysnmp(vb[0], vb[1]) for vb in varbinds]
            reply = _Reply(int(status), int(index), values, arrival)
        except Exception as exc:  # whatever pysnmp handed over, it is not something we can read
            raise SnmpProtocolError(f"malformed SNMPv3 answer from {_where(*self._address)}: {exc!r}") from None
        self._stats.varbinds += len(values)
        return reply

    async def _send(self, pdu_type: int, oids: Sequence[ber.Oid], max_repetitions: int, tries: int) -> Any:
        from pysnmp.hlapi.v3arch.asyncio import ContextData, ObjectIdentity, ObjectType, bulk_cmd, get_cmd, next_cmd

        objects = [ObjectType(ObjectIdentity(oid)) for oid in oids]
        self._stats.requests += 1
        try:
            transport = await self._transport(tries)
            if pdu_type == ber.GET_BULK_REQUEST:
                return await bulk_cmd(
                    self._engine, self._auth, transport, ContextData(), 0, max_repetitions, *objects, lookupMib=False
                )
            command = get_cmd if pdu_type == ber.GET_REQUEST else next_cmd
            return await command(self._engine, self._auth, transport, ContextData(), *objects, lookupMib=False)
        except Exception as exc:  # pysnmp and pyasn1 raise many kinds (PySnmpError, PyAsn1Error, TypeError ...)
            reason = f"{type(exc).__name__}: {_first_line(exc)}"
            raise SnmpProtocolError(f"SNMPv3 request to {_where(*self._address)} failed: {reason}") from None

    def _raise_indication(self, indication: Any, tries: int, malformed_before: int) -> None:
        from pysnmp.proto import errind

        user = self._user
        if isinstance(indication, errind.RequestTimedOut):
            self._stats.timeouts += tries
            raise _no_answer(self._target, self._stats, malformed_before)
        if isinstance(indication, errind.WrongDigest | errind.AuthenticationFailure | errind.AuthenticationError):
            raise SnmpAuthError(
                Msg(N_("authentication failed for SNMPv3 user {user}: check the auth key and protocol"), {"user": user})
            )
        if isinstance(indication, errind.UnknownUserName | errind.UnknownSecurityName):
            raise SnmpAuthError(Msg(N_("unknown SNMPv3 user {user}"), {"user": user}))
        if isinstance(indication, errind.DecryptionError):
            raise SnmpAuthError(
                Msg(N_("decryption failed for SNMPv3 user {user}: check the privacy key and protocol"), {"user": user})
            )
        if isinstance(indication, errind.UnsupportedSecurityLevel):
            raise SnmpAuthError(Msg(N_("unsupported security level for SNMPv3 user {user}"), {"user": user}))
        if isinstance(indication, errind.NotInTimeWindow):
            raise SnmpAuthError(
                Msg(
                    N_("SNMPv3 user {user} stays outside the agent's time window: check the agent's clock"),
                    {"user": user},
                )
            )
        raise SnmpProtocolError(f"SNMPv3 request to {_where(*self._address)} failed: {indication}")

    def close(self) -> None:
        """Stop pysnmp's dispatcher and forget the engine."""
        if self._engine is not None:
            self._engine.close_dispatcher()
            self._engine = None


def _first_line(exc: BaseException, limit: int = 200) -> str:
    """The start of an exception's text, for a one-line message."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else "")[:limit]


@functools.cache
def _shared_mib_view() -> Any:
    """One pysnmp MIB view for all SNMPv3 sessions of the process (only numeric OIDs pass through it)."""
    from pysnmp.smi import builder, view

    return view.MibViewController(builder.MibBuilder())


def _usm_user(credentials: SnmpCredentials) -> Any:
    """pysnmp's UsmUserData for the credentials: authPriv, authNoPriv, or noAuthNoPriv when there is no auth."""
    from pysnmp.hlapi.v3arch import asyncio as hl

    auth_protocols = {
        "sha": hl.usmHMACSHAAuthProtocol,
        "sha256": hl.usmHMAC192SHA256AuthProtocol,
        "md5": hl.usmHMACMD5AuthProtocol,
    }
    priv_protocols = {"aes": hl.usmAesCfb128Protocol, "aes256": hl.usmAesCfb256Protocol, "des": hl.usmDESPrivProtocol}
    c = credentials
    if not c.v3_user:
        raise InputError("SNMPv3 needs a user name")
    if c.v3_priv and not c.v3_auth:
        raise InputError(f"SNMPv3 user {c.v3_user}: privacy needs an auth protocol too")
    for proto, key, what in ((c.v3_auth, c.v3_auth_key, "auth"), (c.v3_priv, c.v3_priv_key, "privacy")):
        if proto and (key is None or len(key) < 8):
            raise InputError(f"SNMPv3 user {c.v3_user}: the {what} key must have at least 8 characters")
    if not c.v3_auth:
        return hl.UsmUserData(c.v3_user)
    auth = auth_protocols[c.v3_auth]
    if not c.v3_priv:
        return hl.UsmUserData(c.v3_user, c.v3_auth_key, authProtocol=auth)
    priv = priv_protocols[c.v3_priv]
    return hl.UsmUserData(c.v3_user, c.v3_auth_key, c.v3_priv_key, authProtocol=auth, privProtocol=priv)


def _from_pysnmp(name: Any, value: Any) -> ber.VarBind:
    """One pysnmp varbind in the codec's terms (int tuple OID, plain Python value)."""
    from pysnmp.proto import rfc1902, rfc1905

    oid = tuple(name)
    if isinstance(value, rfc1905.EndOfMibView):
        return oid, ber.NoValue.END_OF_MIB_VIEW
    if isinstance(value, rfc1905.NoSuchInstance):
        return oid, ber.NoValue.NO_SUCH_INSTANCE
    if isinstance(value, rfc1905.NoSuchObject):
        return oid, ber.NoValue.NO_SUCH_OBJECT
    if isinstance(value, rfc1902.IpAddress):
        return oid, ".".join(map(str, value.asNumbers()))
    if isinstance(value, rfc1902.ObjectIdentifier):
        return oid, ber.format_oid(tuple(value))
    if isinstance(value, rfc1902.OctetString):  # Opaque is one too
        return oid, value.asOctets()
    if isinstance(value, rfc1902.Integer | rfc1902.Integer32 | rfc1902.Counter64):
        return oid, int(value)
    if isinstance(value, rfc1902.Counter32 | rfc1902.Gauge32 | rfc1902.TimeTicks | rfc1902.Unsigned32):
        return oid, int(value)
    return oid, None


# ---------------------------------------------------------------------------------------------------------------
# The session


async def _resolve(host: str, port: int) -> tuple[tuple[str, int], int]:
    """The agent's address (resolved once per session) and its address family."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except (OSError, UnicodeError):
        raise SnmpTimeout(Msg(N_("cannot resolve host {host}"), {"host": host})) from None
    if not infos:
        raise SnmpTimeout(Msg(N_("cannot resolve host {host}"), {"host": host}))
    family, _, _, _, sockaddr = infos[0]
    return (str(sockaddr[0]), int(sockaddr[1])), family


class SnmpSession:
    """One conversation with one agent; async; use as ``async with SnmpSession(target) as s:``.

    Attributes:
        target: the agent and its credentials, timeout, retries and starting max-repetitions.
        max_repetitions: current GETBULK max-repetitions; halved (down to 1) when a GETBULK times out or the agent
            answers tooBig, and kept lowered for the rest of the session.
        stats: requests, varbinds, timeouts and bytes received so far.
    """

    def __init__(self, target: SnmpTarget) -> None:
        self.target = target
        self.max_repetitions = max(1, target.max_repetitions)
        self.stats = SnmpStats()
        self._backend: _Backend | None = None
        self._open_lock = asyncio.Lock()
        self._where = _where(target.host, target.port)

    async def __aenter__(self) -> SnmpSession:
        await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Release the socket (v1/v2c) or pysnmp engine (v3); the session can be opened again by using it."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    async def _open(self) -> _Backend:
        async with self._open_lock:
            if self._backend is None:
                address, family = await _resolve(self.target.host, self.target.port)
                if self.target.credentials.version == "3":
                    usm = _UsmBackend(self.target, address, family, self.stats)
                    await usm.open()
                    self._backend = usm
                else:
                    community = _CommunityBackend(self.target, address, family, self.stats)
                    await community.open()
                    self._backend = community
            return self._backend

    async def _request(
        self, pdu_type: int, oids: Sequence[ber.Oid], max_repetitions: int = 0, tries: int | None = None
    ) -> _Reply:
        backend = self._backend or await self._open()
        return await backend.request(pdu_type, oids, max_repetitions, tries or max(1, self.target.retries + 1))

    def _status_error(self, reply: _Reply, oids: Sequence[ber.Oid]) -> SnmpProtocolError:
        status = reply.error_status
        name = _ERROR_STATUS[status] if 0 <= status < len(_ERROR_STATUS) else f"error-status {status}"
        index = reply.error_index
        what = ber.format_oid(oids[index - 1]) if 1 <= index <= len(oids) else "the request"
        return SnmpProtocolError(f"agent {self._where} answered {name} for {what}")

    def _malformed(self, what: str) -> SnmpProtocolError:
        return SnmpProtocolError(f"malformed SNMP answer from {self._where}: {what}")

    # --- GET -----------------------------------------------------------------------------------------------------

    async def get(self, oids: Sequence[str]) -> dict[str, SnmpValue | None]:
        """Values of exact OIDs ("1.3.6.1.2.1.1.3.0", no leading dot), keyed by the same strings.

        None stands for noSuchObject, noSuchInstance, endOfMibView (and, in SNMPv1, a varbind the agent answered
        noSuchName for; the rest is asked again without it).
        """
        wanted = [(name, ber.parse_oid(name)) for name in dict.fromkeys(oids)]
        result: dict[str, SnmpValue | None] = dict.fromkeys(name for name, _ in wanted)
        for start in range(0, len(wanted), _GET_CHUNK):
            await self._get_into(wanted[start : start + _GET_CHUNK], result)
        return result

    async def _get_into(self, wanted: list[tuple[str, ber.Oid]], result: dict[str, SnmpValue | None]) -> None:
        pending = list(wanted)
        while pending:
            oids = [oid for _, oid in pending]
            reply = await self._request(ber.GET_REQUEST, oids)
            if reply.error_status == _NO_SUCH_NAME and 1 <= reply.error_index <= len(pending):
                name, _ = pending.pop(reply.error_index - 1)
                result[name] = None
            elif reply.error_status == _TOO_BIG and len(pending) > 1:
                half = len(pending) // 2
                await self._get_into(pending[:half], result)
                await self._get_into(pending[half:], result)
                return
            elif reply.error_status:
                raise self._status_error(reply, oids)
            else:
                self._store_get(pending, reply.varbinds, result)
                return

    def _store_get(
        self, wanted: list[tuple[str, ber.Oid]], varbinds: list[ber.VarBind], result: dict[str, SnmpValue | None]
    ) -> None:
        if len(varbinds) != len(wanted):
            raise self._malformed(f"{len(varbinds)} varbinds for a GET of {len(wanted)}")
        for (name, oid), (got, value) in zip(wanted, varbinds, strict=True):
            if got != oid:
                raise self._malformed(f"asked for {name}, got {ber.format_oid(got)}")
            result[name] = None if value is None or isinstance(value, ber.NoValue) else value

    # --- GETNEXT -------------------------------------------------------------------------------------------------

    async def get_next(self, oids: Sequence[str]) -> dict[str, tuple[str, SnmpValue | None] | None]:
        """The object that follows each OID, keyed by the OIDs asked: (its OID, its value), or None where the agent
        has nothing after it (endOfMibView; in SNMPv1 a varbind it answered noSuchName for).

        One GETNEXT carries up to 32 OIDs, so asking whether an agent has anything under a dozen MIB roots costs one
        round trip. An answer that does not follow the OID asked (an agent that loops) raises SnmpProtocolError.
        """
        wanted = [(name, ber.parse_oid(name)) for name in dict.fromkeys(oids)]
        result: dict[str, tuple[str, SnmpValue | None] | None] = dict.fromkeys(name for name, _ in wanted)
        for start in range(0, len(wanted), _GET_CHUNK):
            await self._next_into(wanted[start : start + _GET_CHUNK], result)
        return result

    async def _next_into(
        self, wanted: list[tuple[str, ber.Oid]], result: dict[str, tuple[str, SnmpValue | None] | None]
    ) -> None:
        pending = list(wanted)
        while pending:
            oids = [oid for _, oid in pending]
            reply = await self._request(ber.GET_NEXT_REQUEST, oids)
            if reply.error_status == _NO_SUCH_NAME and 1 <= reply.error_index <= len(pending):
                pending.pop(reply.error_index - 1)  # SNMPv1's way of saying "end of MIB"; its result stays None
            elif reply.error_status == _TOO_BIG and len(pending) > 1:
                half = len(pending) // 2
                await self._next_into(pending[:half], result)
                await self._next_into(pending[half:], result)
                return
            elif reply.error_status:
                raise self._status_error(reply, oids)
            else:
                self._store_next(pending, reply.varbinds, result)
                return

    def _store_next(
        self,
        wanted: list[tuple[str, ber.Oid]],
        varbinds: list[ber.VarBind],
        result: dict[str, tuple[str, SnmpValue | None] | None],
    ) -> None:
        if len(varbinds) != len(wanted):
            raise self._malformed(f"{len(varbinds)} varbinds for a GETNEXT of {len(wanted)}")
        for (name, oid), (got, value) in zip(wanted, varbinds, strict=True):
            if isinstance(value, ber.NoValue):
                continue
            if got <= oid:
                raise self._malformed(f"non-increasing OID {ber.format_oid(got)} after {name} (agent loops)")
            result[name] = (ber.format_oid(got), value)

    # --- walks ---------------------------------------------------------------------------------------------------

    async def walk_columns(
        self,
        columns: Sequence[str],
        *,
        max_rows: int = DEFAULT_MAX_ROWS,
        times: dict[str, float] | None = None,
    ) -> dict[str, dict[str, SnmpValue]]:
        """Every row of each table column: column OID -> {index suffix ("10101", "1.2.3"): value}.

        Every requested column is in the result (an empty dict when the agent has none). v1 walks with GETNEXT;
        v2c and v3 with GETBULK requests carrying several columns each. A column ends when the agent leaves its
        subtree or answers endOfMibView; rows whose value is NULL are left out.

        A broken agent raises SnmpProtocolError: non-increasing OIDs, an OID of more than 128 sub-identifiers,
        :data:`MAX_NULL_RUN` rows without a value in a row, or more than ``max_rows`` rows in one column (every row
        counts, with a value or without).

        ``times``: when given, filled with column OID -> wall-clock time (time.time()) midway between the arrival
        of the first and the last answer that carried rows of that column, the moment its values are best taken
        for (rates); columns without rows are left out.
        """
        names = list(dict.fromkeys(columns))
        walk = [_Column(name, ber.parse_oid(name), {}, ber.parse_oid(name)) for name in names]
        if self.target.credentials.version == "1":
            await self._walk_getnext(walk, max_rows)
        else:
            await self._walk_bulk(walk, max_rows)
        if times is not None:
            times.update({c.name: (c.first_at + c.last_at) / 2 for c in walk if c.first_at is not None})
        return {c.name: c.rows for c in walk}

    async def _walk_getnext(self, walk: list[_Column], max_rows: int) -> None:
        per_request = _VARBIND_BUDGET
        active = walk
        while active:
            batch = active[:per_request]
            oids = [c.last for c in batch]
            reply = await self._request(ber.GET_NEXT_REQUEST, oids)
            if reply.error_status == _NO_SUCH_NAME and 1 <= reply.error_index <= len(batch):
                batch[reply.error_index - 1].done = True  # SNMPv1's way of saying "end of MIB"
            elif reply.error_status == _TOO_BIG and len(batch) > 1:
                per_request = len(batch) // 2
            elif reply.error_status:
                raise self._status_error(reply, oids)
            elif len(reply.varbinds) != len(batch):
                raise self._malformed(f"{len(reply.varbinds)} varbinds for a GETNEXT of {len(batch)}")
            else:
                self._absorb(batch, reply, max_rows)
            active = [c for c in active if not c.done]

    async def _walk_bulk(self, walk: list[_Column], max_rows: int) -> None:
        active = walk
        per_request = len(walk)
        while active:
            per_request = min(per_request, max(1, _VARBIND_BUDGET // self.max_repetitions))
            batch = active[:per_request]
            reply, asked = await self._bulk([c.last for c in batch])
            if reply.error_status == _TOO_BIG:
                if self.max_repetitions > 1:
                    self.max_repetitions //= 2
                elif len(batch) > 1:
                    per_request = len(batch) // 2
                else:
                    raise self._status_error(reply, [batch[0].last])
            elif reply.error_status == _NO_SUCH_NAME and 1 <= reply.error_index <= len(batch):
                batch[reply.error_index - 1].done = True
            elif reply.error_status:
                raise self._status_error(reply, [c.last for c in batch])
            else:
                if not reply.varbinds:
                    raise self._malformed("an empty answer to a GETBULK")
                if len(reply.varbinds) > asked * len(batch):
                    raise self._malformed(f"{len(reply.varbinds)} varbinds for a GETBULK of {asked} x {len(batch)}")
                self._absorb(batch, reply, max_rows)
            active = [c for c in active if not c.done]

    async def _bulk(self, oids: list[ber.Oid]) -> tuple[_Reply, int]:
        """One GETBULK; on a timeout halve max-repetitions and try once more. Returns the max-repetitions used."""
        asked = self.max_repetitions
        try:
            return await self._request(ber.GET_BULK_REQUEST, oids, asked), asked
        except SnmpTimeout:
            if asked <= 1:
                raise
        self.max_repetitions = asked = max(1, asked // 2)
        return await self._request(ber.GET_BULK_REQUEST, oids, asked, tries=1), asked

    def _absorb(self, batch: list[_Column], reply: _Reply, max_rows: int) -> None:
        """File the varbinds of a GETNEXT/GETBULK answer (row-major: one per column per repetition)."""
        width = len(batch)
        no_value = ber.NoValue
        arrival = reply.arrival
        for i, (oid, value) in enumerate(reply.varbinds):
            col = batch[i % width]
            if col.done:
                continue
            if isinstance(value, no_value):
                col.done = True
                continue
            if oid <= col.last:
                raise self._malformed(
                    f"non-increasing OID {ber.format_oid(oid)} after {ber.format_oid(col.last)} (agent loops)"
                )
            size = len(col.prefix)
            if oid[:size] != col.prefix:
                col.done = True
                continue
            self._count_row(col, oid, value is None, max_rows)
            if value is not None:
                col.rows[".".join(map(str, oid[size:]))] = value
                if col.first_at is None:
                    col.first_at = arrival
                col.last_at = arrival

    def _count_row(self, col: _Column, oid: ber.Oid, null: bool, max_rows: int) -> None:
        """Enforce the walk limits on one more row of ``col``, so an agent that invents rows is stopped early."""
        col.last = oid
        col.steps += 1
        if col.steps > max_rows:
            raise SnmpProtocolError(f"agent {self._where} answered more than {max_rows} rows for {col.name}; stopped")
        if len(oid) > ber.MAX_OID_LENGTH:  # pysnmp (v3) lets them through
            raise self._malformed(f"an OID of {len(oid)} sub-identifiers (at most {ber.MAX_OID_LENGTH}) in {col.name}")
        col.null_run = col.null_run + 1 if null else 0
        if col.null_run >= MAX_NULL_RUN:
            raise SnmpProtocolError(
                f"agent {self._where} answered {MAX_NULL_RUN} rows without a value in a row for {col.name}; stopped"
            )


__all__ = ["DEFAULT_MAX_ROWS", "MAX_NULL_RUN", "SnmpCredentials", "SnmpSession", "SnmpStats", "SnmpTarget", "SnmpValue"]
