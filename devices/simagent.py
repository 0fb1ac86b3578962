"""A simulated SNMP agent: several switches on one UDP port of 127.0.0.1, selected by community (like snmpsim).

Used by the demo network (:mod:`monitor.demo.network`) and its tests. It answers SNMPv1 and SNMPv2c GetRequest,
GetNextRequest and GetBulkRequest (v2c) with the project's own BER codec, like a real agent:

- v2c: ``noSuchObject`` for a GET of an OID it does not have, ``endOfMibView`` past the last OID;
  v1: error-status ``noSuchName`` (2) with the error-index instead;
- an unknown community, a malformed packet or an unsupported PDU gets no answer at all (a real agent drops them);
- a GETBULK answer is cut at whole repetitions so it stays below :data:`MAX_RESPONSE_BYTES` (RFC 3416 allows that).

Each :class:`SimDevice` builds its MIB once: a sorted list of OIDs, each with a getter called at answer time, so a
GETNEXT is a bisect and values are computed on demand. The values that move (sysUpTime, the counters) come from
the device's :class:`SimClock` and a counter source, a callable ``(port position, simulated time) -> PortCounters``
supplied by the traffic model; counters are read once per port per request, so every column of one answer agrees.
A device can serve more objects than the system group and IF-MIB (a wireless controller's tables): ``extra`` lists
them as :class:`SimObject` (OID, BER tag, ``getter(simulated time)``).

The agent binds 127.0.0.1 only. ``await agent.start()`` (port 0 picks a free port, see :attr:`SimAgent.port`),
``await agent.stop()`` closes the socket and returns once it is closed.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from devices import ber
from devices.ber import Oid

HOST = "127.0.0.1"
MAX_RESPONSE_BYTES = 60_000
MAX_BULK_VARBINDS = 2_000
TICKS_WRAP = 1 << 32
U32 = 0xFFFFFFFF
_NO_SUCH_NAME = 2

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
IF_NUMBER = (1, 3, 6, 1, 2, 1, 2, 1, 0)
IF_TABLE = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_TABLE = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)


class SimClock:
    """Simulated time: ``start + speed x (real time elapsed since the clock was made)``, in epoch seconds."""

    def __init__(self, start: float | None = None, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("the speed factor must be positive")
        self.speed = speed
        self.real_start = time.time()
        self._mono_start = time.monotonic()
        self.sim_start = self.real_start if start is None else start

    def now(self) -> float:
        """The simulated time now (monotonic: follows time.monotonic, not wall-clock steps)."""
        return self.sim_start + self.speed * (time.monotonic() - self._mono_start)


@dataclass(frozen=True)
class PortCounters:
    """All counters of one port at one moment (unbounded ints; 32-bit columns take the low 32 bits)."""

    in_octets: int = 0
    out_octets: int = 0
    in_ucast: int = 0
    out_ucast: int = 0
    in_mcast: int = 0
    out_mcast: int = 0
    in_bcast: int = 0
    out_bcast: int = 0
    in_errors: int = 0
    out_errors: int = 0
    in_discards: int = 0
    out_discards: int = 0


@dataclass
class SimPort:
    """One interface of a simulated switch (ifType 6, ethernetCsmacd, unless told otherwise)."""

    ifindex: int
    name: str
    descr: str
    alias: str = ""
    speed_bps: int = 1_000_000_000
    admin_up: bool = True
    oper_up: bool = True
    if_type: int = 6
    last_change_ticks: int = 0


CounterSource = Callable[[int, float], PortCounters]


@dataclass(frozen=True)
class SimObject:
    """One more object a simulated device serves: its OID, BER tag and its value at a simulated time."""

    oid: Oid
    tag: int
    getter: Callable[[float], Any]


@dataclass
class SimDevice:
    """One simulated switch: system group, ifTable and ifXTable, values computed when asked.

    Attributes:
        community: selects this device on the shared agent port.
        counters: ``(position in ports, simulated time) -> PortCounters``; must be monotonic in time.
        boot_ts: simulated epoch time of the last boot (sysUpTime counts from it).
        disc_ticks: ifCounterDiscontinuityTime of every port.
        extra: further objects beyond the system group and IF-MIB (see :class:`SimObject`).
    """

    community: str
    sys_descr: str
    sys_object_id: str
    sys_name: str
    ports: list[SimPort]
    counters: CounterSource
    clock: SimClock
    boot_ts: float
    sys_location: str = ""
    sys_contact: str = "資訊組 <it@school.example>"
    disc_ticks: int = 0
    mac_base: int = 0x00_1A_2B_00_00_00
    extra: Sequence[SimObject] = ()
    _oids: list[Oid] = field(default_factory=list, repr=False)
    _getters: list[tuple[int, Callable[[_Request], Any]]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._build()

    def uptime_ticks(self, sim_ts: float) -> int:
        """sysUpTime at simulated time ``sim_ts`` (hundredths of a second, wrapping like TimeTicks)."""
        return int(max(0.0, sim_ts - self.boot_ts) * 100) % TICKS_WRAP

    def add_objects(self, objects: Sequence[SimObject]) -> None:
        """Serve ``objects`` too (e.g. the demo's LLDP tables, known once every switch exists)."""
        self.extra = [*self.extra, *objects]
        self._build()

    # --- the MIB -------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        rows: list[tuple[Oid, int, Callable[[_Request], Any]]] = []
        rows += self._system_rows()
        rows.append((IF_NUMBER, ber.INTEGER, _const(len(self.ports))))
        for pos, port in enumerate(self.ports):
            rows += self._if_rows(pos, port)
        rows += [(obj.oid, obj.tag, _at_request_time(obj.getter)) for obj in self.extra]
        rows.sort(key=lambda r: r[0])
        self._oids = [r[0] for r in rows]
        self._getters = [(r[1], r[2]) for r in rows]

    def _system_rows(self) -> list[tuple[Oid, int, Callable[[_Request], Any]]]:
        return [
            ((*SYSTEM, 1, 0), ber.OCTET_STRING, _const(self.sys_descr.encode())),
            ((*SYSTEM, 2, 0), ber.OBJECT_IDENTIFIER, _const(self.sys_object_id)),
            ((*SYSTEM, 3, 0), ber.TIME_TICKS, lambda r: r.uptime),
            ((*SYSTEM, 4, 0), ber.OCTET_STRING, _const(self.sys_contact.encode())),
            ((*SYSTEM, 5, 0), ber.OCTET_STRING, _const(self.sys_name.encode())),
            ((*SYSTEM, 6, 0), ber.OCTET_STRING, _const(self.sys_location.encode())),
            ((*SYSTEM, 7, 0), ber.INTEGER, _const(6)),
        ]

    def _if_rows(self, pos: int, p: SimPort) -> list[tuple[Oid, int, Callable[[_Request], Any]]]:
        i = p.ifindex
        up = 1 if p.oper_up else 2
        mac = (self.mac_base + i).to_bytes(6, "big")
        speed32 = min(p.speed_bps, U32)

        def c64(name: str) -> Callable[[_Request], Any]:
            return lambda r: getattr(r.counters(pos), name) & 0xFFFFFFFFFFFFFFFF

        def c32(name: str) -> Callable[[_Request], Any]:
            return lambda r: getattr(r.counters(pos), name) & U32

        def nucast(direction: str) -> Callable[[_Request], Any]:
            def get(r: _Request) -> int:
                c = r.counters(pos)
                return int(getattr(c, f"{direction}_mcast") + getattr(c, f"{direction}_bcast")) & U32

            return get

        t, x = IF_TABLE, IFX_TABLE
        return [
            ((*t, 1, i), ber.INTEGER, _const(i)),
            ((*t, 2, i), ber.OCTET_STRING, _const(p.descr.encode())),
            ((*t, 3, i), ber.INTEGER, _const(p.if_type)),
            ((*t, 4, i), ber.INTEGER, _const(1500)),
            ((*t, 5, i), ber.GAUGE32, _const(speed32)),
            ((*t, 6, i), ber.OCTET_STRING, _const(mac)),
            ((*t, 7, i), ber.INTEGER, _const(1 if p.admin_up else 2)),
            ((*t, 8, i), ber.INTEGER, _const(up)),
            ((*t, 9, i), ber.TIME_TICKS, lambda r: min(p.last_change_ticks, r.uptime)),
            ((*t, 10, i), ber.COUNTER32, c32("in_octets")),
            ((*t, 11, i), ber.COUNTER32, c32("in_ucast")),
            ((*t, 12, i), ber.COUNTER32, nucast("in")),
            ((*t, 13, i), ber.COUNTER32, c32("in_discards")),
            ((*t, 14, i), ber.COUNTER32, c32("in_errors")),
            ((*t, 15, i), ber.COUNTER32, _const(0)),
            ((*t, 16, i), ber.COUNTER32, c32("out_octets")),
            ((*t, 17, i), ber.COUNTER32, c32("out_ucast")),
            ((*t, 18, i), ber.COUNTER32, nucast("out")),
            ((*t, 19, i), ber.COUNTER32, c32("out_discards")),
            ((*t, 20, i), ber.COUNTER32, c32("out_errors")),
            ((*t, 21, i), ber.GAUGE32, _const(0)),
            ((*t, 22, i), ber.OBJECT_IDENTIFIER, _const("0.0")),
            ((*x, 1, i), ber.OCTET_STRING, _const(p.name.encode())),
            ((*x, 2, i), ber.COUNTER32, c32("in_mcast")),
            ((*x, 3, i), ber.COUNTER32, c32("in_bcast")),
            ((*x, 4, i), ber.COUNTER32, c32("out_mcast")),
            ((*x, 5, i), ber.COUNTER32, c32("out_bcast")),
            ((*x, 6, i), ber.COUNTER64, c64("in_octets")),
            ((*x, 7, i), ber.COUNTER64, c64("in_ucast")),
            ((*x, 8, i), ber.COUNTER64, c64("in_mcast")),
            ((*x, 9, i), ber.COUNTER64, c64("in_bcast")),
            ((*x, 10, i), ber.COUNTER64, c64("out_octets")),
            ((*x, 11, i), ber.COUNTER64, c64("out_ucast")),
            ((*x, 12, i), ber.COUNTER64, c64("out_mcast")),
            ((*x, 13, i), ber.COUNTER64, c64("out_bcast")),
            ((*x, 14, i), ber.INTEGER, _const(1)),
            ((*x, 15, i), ber.GAUGE32, _const(p.speed_bps // 1_000_000)),
            ((*x, 16, i), ber.INTEGER, _const(2)),
            ((*x, 17, i), ber.INTEGER, _const(1)),
            ((*x, 18, i), ber.OCTET_STRING, _const(p.alias.encode())),
            ((*x, 19, i), ber.TIME_TICKS, lambda r: min(self.disc_ticks, r.uptime)),
        ]

    # --- lookups -------------------------------------------------------------------------------------------------

    def oid_count(self) -> int:
        """How many OIDs the device serves."""
        return len(self._oids)

    def get(self, req: _Request, oid: Oid) -> bytes | None:
        """The encoded value of exactly ``oid``, or None if the device has no such OID."""
        k = bisect.bisect_left(self._oids, oid)
        if k < len(self._oids) and self._oids[k] == oid:
            return self._encode(req, k)
        return None

    def next(self, req: _Request, oid: Oid) -> tuple[Oid, bytes] | None:
        """The first OID after ``oid`` and its encoded value, or None past the end of the MIB."""
        k = bisect.bisect_right(self._oids, oid)
        if k >= len(self._oids):
            return None
        return self._oids[k], self._encode(req, k)

    def _encode(self, req: _Request, k: int) -> bytes:
        tag, getter = self._getters[k]
        return ber.encode_value(tag, getter(req))

    def request(self) -> _Request:
        """A per-request view: one simulated time, counters memoised per port."""
        return _Request(self)


def _const(value: Any) -> Callable[[_Request], Any]:
    return lambda _r: value


def _at_request_time(getter: Callable[[float], Any]) -> Callable[[_Request], Any]:
    return lambda r: getter(r.sim_ts)


class _Request:
    """One request's frozen moment: the simulated time and the counters read at it."""

    __slots__ = ("_memo", "device", "sim_ts", "uptime")

    def __init__(self, device: SimDevice) -> None:
        self.device = device
        self.sim_ts = device.clock.now()
        self.uptime = device.uptime_ticks(self.sim_ts)
        self._memo: dict[int, PortCounters] = {}

    def counters(self, pos: int) -> PortCounters:
        got = self._memo.get(pos)
        if got is None:
            got = self._memo[pos] = self.device.counters(pos, self.sim_ts)
        return got


# ---------------------------------------------------------------------------------------------------------------
# Answering requests


def answer(devices: dict[bytes, SimDevice], data: bytes) -> bytes | None:
    """The encoded answer to one datagram, or None when a real agent would stay silent."""
    try:
        msg = ber.decode_message(data)
    except ber.BerError:
        return None
    device = devices.get(msg.community)
    if device is None:
        return None
    v1 = msg.version == ber.VERSION_1
    oids = [oid for oid, _ in msg.varbinds]
    req = device.request()
    if msg.pdu_type == ber.GET_REQUEST:
        status, index, out = _get(device, req, oids, v1)
    elif msg.pdu_type == ber.GET_NEXT_REQUEST:
        status, index, out = _get_next(device, req, oids, v1)
    elif msg.pdu_type == ber.GET_BULK_REQUEST and not v1:
        status, index = 0, 0
        out = _get_bulk(device, req, oids, max(0, msg.error_status), max(0, msg.error_index))
    else:
        return None
    if status:  # v1 error: echo the request's varbinds
        out = [(oid, value) for oid, value in _null_varbinds(oids)]
    return ber.encode_message(msg.version, msg.community, ber.RESPONSE, msg.request_id, status, index, out)


def _null_varbinds(oids: Sequence[Oid]) -> list[tuple[Oid, bytes]]:
    return [(oid, ber.NULL_VALUE) for oid in oids]


_NO_SUCH_OBJECT = ber.encode_value(ber.NoValue.NO_SUCH_OBJECT.value, None)
_END_OF_MIB = ber.encode_value(ber.NoValue.END_OF_MIB_VIEW.value, None)


def _get(device: SimDevice, req: _Request, oids: list[Oid], v1: bool) -> tuple[int, int, list[tuple[Oid, bytes]]]:
    out: list[tuple[Oid, bytes]] = []
    for n, oid in enumerate(oids, 1):
        value = device.get(req, oid)
        if value is None:
            if v1:
                return _NO_SUCH_NAME, n, []
            value = _NO_SUCH_OBJECT
        out.append((oid, value))
    return 0, 0, out


def _get_next(device: SimDevice, req: _Request, oids: list[Oid], v1: bool) -> tuple[int, int, list[tuple[Oid, bytes]]]:
    out: list[tuple[Oid, bytes]] = []
    for n, oid in enumerate(oids, 1):
        nxt = device.next(req, oid)
        if nxt is None:
            if v1:
                return _NO_SUCH_NAME, n, []
            out.append((oid, _END_OF_MIB))
        else:
            out.append(nxt)
    return 0, 0, out


def _get_bulk(
    device: SimDevice, req: _Request, oids: list[Oid], non_repeaters: int, max_repetitions: int
) -> list[tuple[Oid, bytes]]:
    """RFC 3416 4.2.3, cut at whole repetitions to stay below the size limits."""
    non_repeaters = min(non_repeaters, len(oids))
    out: list[tuple[Oid, bytes]] = []
    for oid in oids[:non_repeaters]:
        nxt = device.next(req, oid)
        out.append(nxt if nxt is not None else (oid, _END_OF_MIB))
    repeaters = list(oids[non_repeaters:])
    size = sum(len(v) + len(o) * 2 for o, v in out)
    for _ in range(max_repetitions if repeaters else 0):
        row: list[tuple[Oid, bytes]] = []
        for col, oid in enumerate(repeaters):
            nxt = device.next(req, oid)
            row.append(nxt if nxt is not None else (oid, _END_OF_MIB))
            repeaters[col] = row[-1][0]
        row_size = sum(len(v) + len(o) * 2 + 4 for o, v in row)
        if out and (size + row_size > MAX_RESPONSE_BYTES or len(out) + len(row) > MAX_BULK_VARBINDS):
            break
        out += row
        size += row_size
        if all(v == _END_OF_MIB for _, v in row):
            break
    return out


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, devices: dict[bytes, SimDevice]) -> None:
        self.devices = devices
        self.transport: asyncio.DatagramTransport | None = None
        self.requests = 0
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.requests += 1
        reply = answer(self.devices, data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)

    def error_received(self, exc: Exception) -> None:  # ICMP errors from clients that went away
        pass

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


class SimAgent:
    """The asyncio UDP agent serving every :class:`SimDevice` on one port of 127.0.0.1, chosen by community."""

    def __init__(self, devices: Sequence[SimDevice], port: int = 0) -> None:
        self.devices = {d.community.encode(): d for d in devices}
        if len(self.devices) != len(devices):
            raise ValueError("every simulated device needs its own community")
        self.port = port
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol: _Protocol | None = None

    @property
    def running(self) -> bool:
        """Whether the socket is open."""
        return self._transport is not None and not self._transport.is_closing()

    @property
    def requests(self) -> int:
        """Datagrams received so far (answered or not)."""
        return self._protocol.requests if self._protocol else 0

    async def start(self) -> int:
        """Bind 127.0.0.1 (port 0: a free one) on the running loop; returns the port."""
        if self.running:
            return self.port
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.create_datagram_endpoint(
            lambda: _Protocol(self.devices), local_addr=(HOST, self.port)
        )
        self._transport, self._protocol = transport, protocol
        self.port = int(transport.get_extra_info("sockname")[1])
        return self.port

    async def stop(self) -> None:
        """Close the socket; once this returns the port is free again. Safe to call twice."""
        transport, protocol = self._transport, self._protocol
        self._transport = None
        if transport is None or protocol is None:
            return
        transport.close()
        await protocol.closed


__all__ = ["PortCounters", "SimAgent", "SimClock", "SimDevice", "SimObject", "SimPort", "answer"]
