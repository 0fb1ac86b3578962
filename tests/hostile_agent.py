"""A malicious SNMP agent for tests: SNMPv2c on 127.0.0.1, answering what no agent should.

It serves a small switch (system group, ifTable and ifXTable of :data:`PORTS`, counters that grow with time: the
demo's :class:`devices.simagent.SimDevice`), answers any community, and misbehaves as its mode says. Messages are
built with :mod:`devices.ber` (plus a raw OID encoder for what the codec rightly refuses to encode). Modes, in
:data:`MODES`:

``honest``
    a well-behaved agent: the baseline.
``null-forever``
    walks (GETNEXT, GETBULK) of any OID get ever-higher OIDs below it (OID.1000000000, .1000000001 ...), every
    value NULL, without end.
``growing-oids``
    walks get OIDs one sub-identifier longer each row (OID.1000000000, OID.1000000000.1000000000 ...), past the
    128 allowed, up to :data:`MAX_ARCS`.
``endless-rows``
    walks get ever-higher OIDs with Counter32 values, without end.
``huge-subid``
    walks get an OID whose last sub-identifier is about 2 KB long (a 16,000-bit number).
``stray-garbage``
    every answer is honest, but comes after a malformed datagram from the same address (the answer cut short).
``big-datagram``
    every answer is padded with varbinds to 65,000 octets (OIDs of 128 five-octet sub-identifiers, the costliest
    to decode).
``loop``
    walks get the same OID again and again.
``counter64-everywhere``
    honest rows, but every INTEGER, Counter32, Gauge32 and TimeTicks value is sent as a Counter64 (same number).
``overflow``
    honest rows, but Counter64 values are sent as 2^63 + value (above what a signed 64-bit integer holds) and
    every INTEGER, Counter32, Gauge32 and TimeTicks value as a Counter64 of 2^32 + value (above its type's range).
``negative-counter``
    honest rows, but ifInErrors and ifOutErrors are negative INTEGERs (-1 - the count).
``slow``
    honest answers, each sent ``delay`` seconds (default 1) after its request.

Everything it sends is bounded: at most two datagrams per request, none above 65,507 octets, a GETBULK answer cut
at whole repetitions below 60,000 octets and 2,000 varbinds (except big-datagram's padding), at most 100 delayed
answers pending, and no answer at all after ``max_requests`` requests (default 1,000,000).

Use it as a context manager that runs it in a thread (for a pytest fixture or any test)::

    with HostileAgent("null-forever") as agent:
        target = agent.target(timeout=0.5)       # SnmpTarget for 127.0.0.1:agent.port, v2c, community "public"

or on a running event loop (``await agent.start()`` ... ``await agent.stop()``), or from the command line::

    uv run python -m tests.hostile_agent --mode null-forever --port 16100
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, cast

from devices import ber
from devices.ber import Oid
from devices.simagent import IF_TABLE, MAX_BULK_VARBINDS, MAX_RESPONSE_BYTES, PortCounters, SimClock, SimDevice, SimPort
from devices.snmp import SnmpCredentials, SnmpTarget

HOST = "127.0.0.1"
COMMUNITY = "public"
ROW = 1_000_000_000  # invented rows start at this sub-identifier: no real column OID ends in one so large
MAX_ARCS = 160  # growing-oids stops growing here (still past the 128 the client accepts)
MAX_DATAGRAM = 65_507  # the largest UDP payload over IPv4
BIG_DATAGRAM = 65_000
MAX_PENDING = 100
HUGE_SUBID = 1 << (2047 * 7)  # ~2 KB once encoded
PORTS = [SimPort(i, f"Gi1/0/{i}", f"GigabitEthernet1/0/{i}", alias=f"port {i}") for i in range(1, 5)]
IF_ERRORS = {(*IF_TABLE, 14), (*IF_TABLE, 20)}  # ifInErrors, ifOutErrors

# A successor: the OID after ``oid`` and its encoded value, or None past the end of the MIB.
Next = Callable[[Oid], tuple[Oid, bytes] | None]


# --- what the modes do -----------------------------------------------------------------------------------------


def _ever_higher(oid: Oid) -> Oid:
    """The next invented row: OID.ROW below a real OID, then ROW+1, ROW+2 ..."""
    return (*oid[:-1], oid[-1] + 1) if oid[-1] >= ROW else (*oid, ROW)


def _null_forever(oid: Oid) -> tuple[Oid, bytes]:
    return _ever_higher(oid), ber.NULL_VALUE


def _endless_rows(oid: Oid) -> tuple[Oid, bytes]:
    nxt = _ever_higher(oid)
    return nxt, ber.encode_value(ber.COUNTER32, nxt[-1] - ROW)


def _growing(oid: Oid) -> tuple[Oid, bytes] | None:
    return ((*oid, ROW), ber.encode_value(ber.COUNTER32, 1)) if len(oid) < MAX_ARCS else None


def _huge_subid(oid: Oid) -> tuple[Oid, bytes]:
    nxt = (*oid[:-1], oid[-1] + 1) if oid[-1] >= HUGE_SUBID else (*oid, HUGE_SUBID)
    return nxt, ber.encode_value(ber.COUNTER32, 1)


def _loop(oid: Oid) -> tuple[Oid, bytes]:
    return (oid if oid[-1] >= ROW else (*oid, ROW)), ber.encode_value(ber.COUNTER32, 1)


def _as_counter64(oid: Oid, element: bytes) -> bytes:
    """Every INTEGER, Counter32, Gauge32 and TimeTicks as a Counter64 of the same number."""
    value = _value_of(element)
    if element[0] in (ber.INTEGER, ber.COUNTER32, ber.GAUGE32, ber.TIME_TICKS) and isinstance(value, int):
        return ber.encode_value(ber.COUNTER64, value % 2**64)
    return element


def _overflow(oid: Oid, element: bytes) -> bytes:
    """Counter64 above 2^63; 32-bit numbers as a Counter64 above 2^32."""
    value = _value_of(element)
    if not isinstance(value, int):
        return element
    if element[0] == ber.COUNTER64:
        return ber.encode_value(ber.COUNTER64, (2**63 + value) % 2**64)
    if element[0] in (ber.INTEGER, ber.COUNTER32, ber.GAUGE32, ber.TIME_TICKS):
        return ber.encode_value(ber.COUNTER64, 2**32 + value % 2**32)
    return element


def _negative_errors(oid: Oid, element: bytes) -> bytes:
    value = _value_of(element)
    if oid[:-1] in IF_ERRORS and isinstance(value, int):
        return ber.encode_value(ber.INTEGER, -1 - value)
    return element


@dataclass(frozen=True)
class Mode:
    """How the agent misbehaves.

    Attributes:
        walk: replaces the MIB for GETNEXT and GETBULK (GETs still see the switch).
        value: rewrites each value element of the switch's MIB: ``(OID, element) -> element``.
        garbage_first: send a malformed copy of each answer before it.
        pad_to: pad each answer with varbinds up to this many octets.
        delay: seconds before each answer (the ``delay`` argument overrides it).
    """

    walk: Next | None = None
    value: Callable[[Oid, bytes], bytes] | None = None
    garbage_first: bool = False
    pad_to: int = 0
    delay: float = 0.0


MODES: dict[str, Mode] = {
    "honest": Mode(),
    "null-forever": Mode(walk=_null_forever),
    "growing-oids": Mode(walk=_growing),
    "endless-rows": Mode(walk=_endless_rows),
    "huge-subid": Mode(walk=_huge_subid),
    "stray-garbage": Mode(garbage_first=True),
    "big-datagram": Mode(pad_to=BIG_DATAGRAM),
    "loop": Mode(walk=_loop),
    "counter64-everywhere": Mode(value=_as_counter64),
    "overflow": Mode(value=_overflow),
    "negative-counter": Mode(value=_negative_errors),
    "slow": Mode(delay=1.0),
}


# --- encoding what the codec refuses -----------------------------------------------------------------------------


def _value_of(element: bytes) -> ber.Value:
    """The value of one encoded value element, read back with the codec."""
    message = ber.encode_message(1, b"", ber.RESPONSE, 0, 0, 0, [((1, 3), element)])
    return ber.decode_message(message).varbinds[0][1]


def _subid(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def oid_element(oid: Oid) -> bytes:
    """An OBJECT IDENTIFIER element of any length and sub-identifier size (the codec encodes only valid ones)."""
    return ber.tlv(ber.OBJECT_IDENTIFIER, _subid(oid[0] * 40 + oid[1]) + b"".join(_subid(s) for s in oid[2:]))


def response(msg: ber.Message, varbinds: list[tuple[bytes, bytes]]) -> bytes:
    """A Response to ``msg`` from already encoded (OID element, value element) pairs."""
    body = b"".join(ber.tlv(ber.SEQUENCE, oid + value) for oid, value in varbinds)
    header = b"".join(ber.encode_value(ber.INTEGER, n) for n in (msg.request_id, 0, 0))
    pdu = ber.tlv(ber.RESPONSE, header + ber.tlv(ber.SEQUENCE, body))
    version = ber.encode_value(ber.INTEGER, msg.version)
    return ber.tlv(ber.SEQUENCE, version + ber.encode_value(ber.OCTET_STRING, msg.community) + pdu)


_PADDING = (oid_element((2, 2**32 - 1, *[2**32 - 1] * 126)), ber.NULL_VALUE)  # 128 arcs of 5 octets: slow to read
_PADDING_SIZE = len(ber.tlv(ber.SEQUENCE, b"".join(_PADDING)))
_END_OF_MIB = ber.encode_value(ber.NoValue.END_OF_MIB_VIEW.value, None)
_NO_SUCH_OBJECT = ber.encode_value(ber.NoValue.NO_SUCH_OBJECT.value, None)


# --- the agent ---------------------------------------------------------------------------------------------------


def switch() -> SimDevice:
    """The switch every mode starts from: :data:`PORTS`, counters growing with time, up for an hour."""
    clock = SimClock()

    def counters(pos: int, ts: float) -> PortCounters:
        t = int((ts - clock.sim_start) * 1000)
        return PortCounters(in_octets=(pos + 1) * 125 * t, out_octets=(pos + 1) * 60 * t, in_ucast=t, out_ucast=t)

    return SimDevice(
        community=COMMUNITY,
        sys_descr="Hostile test agent",
        sys_object_id="1.3.6.1.4.1.99999.1",
        sys_name="hostile",
        ports=list(PORTS),
        counters=counters,
        clock=clock,
        boot_ts=clock.now() - 3600,
    )


class Answerer:
    """The answers of one mode to one request datagram (no I/O: what to send, in order)."""

    def __init__(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of: {', '.join(MODES)}")
        self.mode = MODES[mode]
        self.device = switch()

    def __call__(self, data: bytes) -> list[bytes]:
        """The datagrams to send back (none for what a real agent would drop)."""
        try:
            msg = ber.decode_message(data)
        except ber.BerError:
            return []
        req = self.device.request()
        nxt: Next = self.mode.walk or (lambda oid: self._next(req, oid))
        oids = [oid for oid, _ in msg.varbinds]
        if msg.pdu_type == ber.GET_REQUEST:
            varbinds = [(oid_element(oid), self._get(req, oid)) for oid in oids]
        elif msg.pdu_type == ber.GET_NEXT_REQUEST:
            varbinds = [self._step(nxt, oid) for oid in oids]
        elif msg.pdu_type == ber.GET_BULK_REQUEST and msg.version == ber.VERSION_2C:
            varbinds = self._bulk(nxt, oids, max(0, msg.error_index))
        else:
            return []
        return self._datagrams(msg, varbinds)

    def _get(self, req: Any, oid: Oid) -> bytes:
        element = self.device.get(req, oid)
        if element is None:
            return _NO_SUCH_OBJECT
        return self.mode.value(oid, element) if self.mode.value else element

    def _next(self, req: Any, oid: Oid) -> tuple[Oid, bytes] | None:
        found = self.device.next(req, oid)
        if found is None or self.mode.value is None:
            return found
        return found[0], self.mode.value(*found)

    @staticmethod
    def _step(nxt: Next, oid: Oid) -> tuple[bytes, bytes]:
        found = nxt(oid)
        return (oid_element(found[0]), found[1]) if found else (oid_element(oid), _END_OF_MIB)

    def _bulk(self, nxt: Next, oids: list[Oid], repetitions: int) -> list[tuple[bytes, bytes]]:
        """Row after row, cut at whole repetitions below the size limits."""
        out: list[tuple[bytes, bytes]] = []
        size = 0
        last = list(oids)
        for _ in range(repetitions if last else 0):
            row = []
            for col, oid in enumerate(last):
                found = nxt(oid)
                row.append((oid_element(found[0]), found[1]) if found else (oid_element(oid), _END_OF_MIB))
                last[col] = found[0] if found else oid
            row_size = sum(len(o) + len(v) + 4 for o, v in row)
            if out and (size + row_size > MAX_RESPONSE_BYTES or len(out) + len(row) > MAX_BULK_VARBINDS):
                break
            out += row
            size += row_size
            if all(v == _END_OF_MIB for _, v in row):
                break
        return out

    def _datagrams(self, msg: ber.Message, varbinds: list[tuple[bytes, bytes]]) -> list[bytes]:
        packet = response(msg, varbinds)
        if self.mode.pad_to:
            room = (self.mode.pad_to - len(packet) - 8) // _PADDING_SIZE
            packet = response(msg, varbinds + [_PADDING] * max(0, room))
        if len(packet) > MAX_DATAGRAM:  # e.g. huge OIDs in a big GETBULK: send what fits
            packet = response(msg, varbinds[:1])
        return [packet[:-3], packet] if self.mode.garbage_first else [packet]


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, agent: HostileAgent) -> None:
        self.agent = agent
        self.transport: asyncio.DatagramTransport | None = None
        self.pending: set[asyncio.TimerHandle] = set()
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        agent = self.agent
        agent.requests += 1
        if agent.requests > agent.max_requests:
            return
        packets = agent.answerer(data)
        if not packets:
            return
        if agent.delay <= 0:
            self._send(packets, addr)
        elif len(self.pending) < MAX_PENDING:
            loop = asyncio.get_running_loop()
            handle = loop.call_later(agent.delay, lambda: self._send(packets, addr, handle))
            self.pending.add(handle)

    def _send(self, packets: list[bytes], addr: tuple[str | Any, int], handle: Any = None) -> None:
        self.pending.discard(handle)
        if self.transport is not None and not self.transport.is_closing():
            for packet in packets:
                self.transport.sendto(packet, addr)

    def error_received(self, exc: Exception) -> None:  # ICMP errors from clients that went away
        pass

    def connection_lost(self, exc: Exception | None) -> None:
        for handle in self.pending:
            handle.cancel()
        if not self.closed.done():
            self.closed.set_result(None)


class HostileAgent:
    """The agent in one mode on 127.0.0.1 (port 0: a free one, see :attr:`port`).

    Attributes:
        requests: datagrams received so far.
    """

    def __init__(self, mode: str, *, port: int = 0, delay: float | None = None, max_requests: int = 1_000_000):
        self.answerer = Answerer(mode)
        self.mode = mode
        self.port = port
        self.delay = self.answerer.mode.delay if delay is None else delay
        self.max_requests = max_requests
        self.requests = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol: _Protocol | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def target(self, **kwargs: Any) -> SnmpTarget:
        """An SnmpTarget for this agent (v2c, community "public"); ``kwargs`` set other SnmpTarget fields."""
        return SnmpTarget(HOST, self.port, SnmpCredentials("2c", COMMUNITY), **kwargs)

    async def start(self) -> int:
        """Bind 127.0.0.1 on the running loop; returns the port."""
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.create_datagram_endpoint(lambda: _Protocol(self), local_addr=(HOST, self.port))
        self._transport, self._protocol = transport, protocol
        self.port = int(transport.get_extra_info("sockname")[1])
        return self.port

    async def stop(self) -> None:
        """Close the socket, drop pending answers; once this returns the port is free again."""
        transport, protocol = self._transport, self._protocol
        self._transport = None
        if transport is None or protocol is None:
            return
        transport.close()
        await protocol.closed

    # --- in a thread of its own ---------------------------------------------------------------------------------

    def __enter__(self) -> HostileAgent:
        started = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._serve, args=(started, errors), name="hostile-agent", daemon=True)
        self._thread.start()
        if not started.wait(30):
            raise RuntimeError("the hostile agent did not start within 30 s")
        if errors:
            raise errors[0]
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)

    def _serve(self, started: threading.Event, errors: list[BaseException]) -> None:
        loop = self._loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self.start())
        except OSError as exc:
            errors.append(exc)
            started.set()
            loop.close()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(self.stop())
        loop.close()


def main() -> None:
    """Serve one mode until Ctrl-C (or ``--seconds``)."""
    parser = argparse.ArgumentParser(description="A malicious SNMPv2c agent on 127.0.0.1 (see the module docstring).")
    parser.add_argument("--mode", choices=list(MODES), required=True)
    parser.add_argument("--port", type=int, default=16100, help="UDP port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--delay", type=float, default=None, help="seconds before each answer (slow mode: 1)")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="stop answering after this many")
    parser.add_argument("--seconds", type=float, default=None, help="stop after this long (default: Ctrl-C)")
    args = parser.parse_args()
    with HostileAgent(args.mode, port=args.port, delay=args.delay, max_requests=args.max_requests) as agent:
        print(f"hostile SNMP agent, mode {args.mode}, on {HOST}:{agent.port} (v2c, any community); Ctrl-C stops")
        deadline = time.monotonic() + args.seconds if args.seconds is not None else None
        try:
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic())))
        except KeyboardInterrupt:
            pass
        print(f"{agent.requests} requests received")


if __name__ == "__main__":
    main()
