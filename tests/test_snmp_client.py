"""The SNMP client against real agents on 127.0.0.1: snmpsim with a real switch recording, net-snmp snmpd, and
tiny misbehaving UDP agents for what real agents rarely do (garbage, loops, tooBig, stray datagrams)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import re
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar, cast

import pytest

from devices import ber, snmp
from devices.errors import SnmpAuthError, SnmpProtocolError, SnmpTimeout
from devices.snmp import SnmpCredentials, SnmpSession, SnmpTarget
from tests.conftest import SNMPREC_DIR
from tests.peers import V3_USERS, SnmpdLoopback, SnmpSim, free_udp_port, parse_snmprec

T = TypeVar("T")

RECORDING = SNMPREC_DIR / "ios_2960x.snmprec"
SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME = (f"1.3.6.1.2.1.1.{n}.0" for n in (1, 2, 3, 5))
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion (the project has no pytest-asyncio)."""
    return asyncio.run(coro)


async def session_get(target: SnmpTarget, oids: list[str]) -> dict[str, Any]:
    async with SnmpSession(target) as s:
        return await s.get(oids)


async def session_walk(target: SnmpTarget, columns: list[str]) -> dict[str, dict[str, Any]]:
    async with SnmpSession(target) as s:
        return await s.walk_columns(columns)


def expected_columns(columns: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows of each column as recorded, read from the file without the client."""
    records = parse_snmprec(RECORDING)
    return {
        col: {oid[len(col) + 1 :]: value for oid, (_, value) in records.items() if oid.startswith(col + ".")}
        for col in columns
    }


# --- snmpsim with a real recording -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory, snmprec_dir: Path) -> Iterable[SnmpSim]:
    with SnmpSim(tmp_path_factory.mktemp("sim"), {"ios_2960x": RECORDING}) as agent:
        yield agent


@pytest.mark.snmpsim
def test_get_returns_the_recorded_values(sim: SnmpSim) -> None:
    records = parse_snmprec(RECORDING)
    oids = [SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME, "1.3.6.1.2.1.1.99.0"]
    got = run(session_get(sim.target("ios_2960x"), oids))
    assert list(got) == oids
    assert got[SYS_DESCR] == records[SYS_DESCR][1]
    assert got[SYS_DESCR].startswith(b"Cisco IOS Software, C2960X Software")
    assert got[SYS_OBJECT_ID] == "1.3.6.1.4.1.9.1.1208"
    assert got[SYS_UPTIME] == records[SYS_UPTIME][1] == 718475737
    assert got[SYS_NAME] == records[SYS_NAME][1]
    assert got["1.3.6.1.2.1.1.99.0"] is None


@pytest.mark.snmpsim
@pytest.mark.parametrize("max_repetitions", [1, 25, 50, 200])
def test_walk_returns_exactly_the_recorded_rows(sim: SnmpSim, max_repetitions: int) -> None:
    columns = [IF_HC_IN_OCTETS, IF_NAME, IF_HIGH_SPEED]
    target = sim.target("ios_2960x", max_repetitions=max_repetitions)

    async def walk() -> tuple[dict[str, dict[str, Any]], int]:
        async with SnmpSession(target) as s:
            return await s.walk_columns(columns), s.stats.requests

    got, requests = run(walk())
    assert got == expected_columns(columns)
    assert len(got[IF_HC_IN_OCTETS]) == 136 and len(got[IF_NAME]) == 146
    assert got[IF_NAME]["10101"] == b"Gi1/0/1"
    # 428 rows: one GETBULK per row of the three columns at max-repetitions 1, a handful at 50 or more.
    assert requests == 147 if max_repetitions == 1 else requests <= 3 * (146 // min(max_repetitions, 64) + 2)


@pytest.mark.snmpsim
def test_walk_of_an_absent_column_is_empty(sim: SnmpSim) -> None:
    got = run(session_walk(sim.target("ios_2960x"), ["1.3.6.1.2.1.2.2.1.10", IF_HIGH_SPEED, "1.3.6.1.9.9"]))
    assert got["1.3.6.1.2.1.2.2.1.10"] == {} and got["1.3.6.1.9.9"] == {}
    assert got[IF_HIGH_SPEED] == expected_columns([IF_HIGH_SPEED])[IF_HIGH_SPEED]


@pytest.mark.snmpsim
def test_v1_walks_with_getnext_and_gets_none_for_missing(sim: SnmpSim) -> None:
    target = sim.target("ios_2960x", version="1")
    columns = [IF_DESCR, IF_NAME, IF_HIGH_SPEED]
    assert run(session_walk(target, columns)) == expected_columns(columns)
    got = run(session_get(target, [SYS_OBJECT_ID, "1.3.6.1.2.1.1.99.0", SYS_UPTIME]))
    assert got == {SYS_OBJECT_ID: "1.3.6.1.4.1.9.1.1208", "1.3.6.1.2.1.1.99.0": None, SYS_UPTIME: 718475737}


async def session_next(target: SnmpTarget, oids: list[str]) -> dict[str, Any]:
    async with SnmpSession(target) as s:
        return await s.get_next(oids)


@pytest.mark.snmpsim
@pytest.mark.parametrize("version", ["1", "2c"])
def test_get_next_answers_what_follows_each_oid_in_one_request(sim: SnmpSim, version: str) -> None:
    records = parse_snmprec(RECORDING)
    last = max(records, key=lambda oid: tuple(int(p) for p in oid.split(".")))
    first_descr = min((o for o in records if o.startswith(IF_DESCR + ".")), key=lambda o: int(o.rsplit(".", 1)[1]))
    target = sim.target("ios_2960x", version=version)

    async def go() -> tuple[dict[str, Any], int]:
        async with SnmpSession(target) as s:
            got = await s.get_next([SYS_DESCR, IF_DESCR, last, "1.3.6.1.4.1.9.9.618"])
            return got, s.stats.requests

    got, requests = run(go())
    assert got[SYS_DESCR] == (SYS_OBJECT_ID, "1.3.6.1.4.1.9.1.1208")
    assert got[IF_DESCR] == (first_descr, records[first_descr][1])
    assert got[last] is None  # nothing after the last object: endOfMibView (v2c) or noSuchName (v1)
    nxt = got["1.3.6.1.4.1.9.9.618"]
    assert nxt is not None and not nxt[0].startswith("1.3.6.1.4.1.9.9.618.")  # the recording has no such MIB
    assert requests == (2 if version == "1" else 1)  # v1 asks once more without the varbind it refused


def assert_times_out(target: SnmpTarget, call: Callable[[SnmpSession], Coroutine[Any, Any, Any]]) -> float:
    async def go() -> None:
        async with SnmpSession(target) as s:
            await call(s)

    start = time.monotonic()
    with pytest.raises(SnmpTimeout) as info:
        run(go())
    elapsed = time.monotonic() - start
    where = f"127.0.0.1:{target.port}"
    assert str(info.value) == (
        f"no answer from {where} within {target.timeout:g} s x {target.retries + 1} tries: "
        "check address, community and ACL"
    )
    return elapsed


@pytest.mark.snmpsim
def test_wrong_community_times_out_after_all_tries(sim: SnmpSim) -> None:
    target = sim.target("not-the-community", timeout=0.3, retries=1)
    elapsed = assert_times_out(target, lambda s: s.get([SYS_UPTIME]))
    assert 0.55 <= elapsed < 1.2


def test_unreachable_port_times_out_after_all_tries() -> None:
    target = SnmpTarget("127.0.0.1", free_udp_port(), SnmpCredentials("2c", "public"), timeout=0.25, retries=2)
    elapsed = assert_times_out(target, lambda s: s.get([SYS_UPTIME]))
    assert 0.7 <= elapsed < 1.3


@pytest.mark.snmpsim
def test_bulk_timeout_halves_max_repetitions_and_tries_once_more(sim: SnmpSim) -> None:
    target = sim.target("wrong", timeout=0.2, retries=1, max_repetitions=20)
    session = SnmpSession(target)

    async def go() -> None:
        async with session:
            await session.walk_columns([IF_NAME])

    start = time.monotonic()
    with pytest.raises(SnmpTimeout):
        run(go())
    assert 0.55 <= time.monotonic() - start < 1.0  # 2 tries, then 1 more at the halved size
    assert session.max_repetitions == 10
    assert (session.stats.requests, session.stats.timeouts) == (3, 3)


def test_unresolvable_host_is_reported() -> None:
    target = SnmpTarget("bad..host", credentials=SnmpCredentials("2c", "public"))
    with pytest.raises(SnmpTimeout, match=r"^cannot resolve host bad\.\.host$"):
        run(session_get(target, [SYS_UPTIME]))


@pytest.mark.snmpsim
def test_restart_is_a_reboot(tmp_path: Path) -> None:
    recording = f"{SYS_UPTIME}|67:numeric|rate=100,initial=5000\n1.3.6.1.2.1.2.2.1.10.1|65:numeric|rate=1000\n"
    with SnmpSim(tmp_path, {"live": recording}) as agent:
        target = agent.target("live")
        deadline = time.monotonic() + 30
        before = run(session_get(target, [SYS_UPTIME]))[SYS_UPTIME]
        while isinstance(before, int) and before < 5100 and time.monotonic() < deadline:  # up for a second or more
            time.sleep(0.1)
            before = run(session_get(target, [SYS_UPTIME]))[SYS_UPTIME]
        restarted = time.monotonic()
        agent.restart()
        after = run(session_get(target, [SYS_UPTIME]))[SYS_UPTIME]
        since_restart = time.monotonic() - restarted
    assert isinstance(before, int) and isinstance(after, int)
    assert before >= 5100
    # The new agent's uptime counts from its own start: at most the time since restart() was called, not the first
    # agent's uptime plus that (whatever the machine's load makes of either).
    assert 5000 <= after <= 5000 + 100 * since_restart + 1


# --- net-snmp snmpd ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterable[SnmpdLoopback]:
    with SnmpdLoopback(tmp_path_factory.mktemp("snmpd")) as agent:
        yield agent


def test_snmpd_v2c_get_and_walk(snmpd: SnmpdLoopback) -> None:
    got = run(session_get(snmpd.target(), [SYS_UPTIME, SYS_DESCR]))
    assert isinstance(got[SYS_UPTIME], int) and isinstance(got[SYS_DESCR], bytes)
    walk = run(session_walk(snmpd.target(), [IF_DESCR, IF_HC_IN_OCTETS]))
    assert b"lo" in walk[IF_DESCR].values()
    assert set(walk[IF_HC_IN_OCTETS]) == set(walk[IF_DESCR])


@pytest.mark.parametrize("user", list(V3_USERS))
def test_snmpd_v3(snmpd: SnmpdLoopback, user: str) -> None:
    target = snmpd.target(V3_USERS[user])
    got = run(session_get(target, [SYS_UPTIME, SYS_DESCR]))
    assert isinstance(got[SYS_UPTIME], int) and isinstance(got[SYS_DESCR], bytes)
    walk = run(session_walk(target, [IF_DESCR, IF_HC_IN_OCTETS]))
    assert walk[IF_DESCR] == run(session_walk(snmpd.target(), [IF_DESCR]))[IF_DESCR]
    assert set(walk[IF_HC_IN_OCTETS]) == set(walk[IF_DESCR])


def test_snmpd_v3_walk_times_fall_within_the_call(snmpd: SnmpdLoopback) -> None:
    absent = "1.3.6.1.2.1.2.2.1.99"
    times: dict[str, float] = {}

    async def go() -> dict[str, dict[str, Any]]:
        async with SnmpSession(snmpd.target(V3_USERS["sha-aes"], max_repetitions=2)) as s:
            return await s.walk_columns([IF_DESCR, IF_HC_IN_OCTETS, absent], times=times)

    before = time.time()
    got = run(go())
    after = time.time()
    assert got[IF_DESCR] and got[IF_HC_IN_OCTETS] and got[absent] == {}
    assert set(times) == {IF_DESCR, IF_HC_IN_OCTETS}
    assert all(before <= t <= after for t in times.values())


def v3_target(snmpd: SnmpdLoopback, key: str, **changes: str | None) -> SnmpTarget:
    credentials = V3_USERS[key].credentials(**changes)
    return SnmpTarget("127.0.0.1", snmpd.port, credentials, timeout=0.3, retries=0)


def test_snmpd_v3_wrong_auth_key(snmpd: SnmpdLoopback) -> None:
    target = v3_target(snmpd, "sha-aes", v3_auth_key="not-the-auth-key")
    with pytest.raises(SnmpAuthError) as info:
        run(session_get(target, [SYS_UPTIME]))
    assert str(info.value) == "authentication failed for SNMPv3 user campus_sha_aes: check the auth key and protocol"


def test_snmpd_v3_wrong_auth_protocol(snmpd: SnmpdLoopback) -> None:
    with pytest.raises(SnmpAuthError, match=r"^authentication failed for SNMPv3 user campus_sha256_aes256"):
        run(session_get(v3_target(snmpd, "sha256-aes256", v3_auth="sha"), [SYS_UPTIME]))


def test_snmpd_v3_unknown_user(snmpd: SnmpdLoopback) -> None:
    with pytest.raises(SnmpAuthError, match=r"^unknown SNMPv3 user nobody$"):
        run(session_get(v3_target(snmpd, "sha-aes", v3_user="nobody"), [SYS_UPTIME]))


def test_snmpd_v3_wrong_priv_key_goes_unanswered(snmpd: SnmpdLoopback) -> None:
    # net-snmp drops what it cannot decrypt without a report, so the client can only time out; the message says
    # to check the privacy key.
    target = v3_target(snmpd, "sha-aes", v3_priv_key="not-the-priv-key")
    with pytest.raises(SnmpTimeout) as info:
        run(session_get(target, [SYS_UPTIME]))
    assert str(info.value) == (
        f"no answer from 127.0.0.1:{snmpd.port} within 0.3 s x 1 tries: check address, SNMPv3 user, privacy key and ACL"
    )


def test_snmpd_v3_priv_for_an_auth_only_user(snmpd: SnmpdLoopback) -> None:
    target = v3_target(snmpd, "sha-nopriv", v3_priv="aes", v3_priv_key="some-priv-key")
    with pytest.raises(SnmpAuthError, match=r"^unsupported security level for SNMPv3 user campus_sha_nopriv$"):
        run(session_get(target, [SYS_UPTIME]))


# --- misbehaving agents ------------------------------------------------------------------------------------------

Handler = Callable[[ber.Message], list[bytes]]
TABLE = (1, 3, 6, 1, 4, 1, 99999, 1)
ROWS: dict[ber.Oid, int] = {(*TABLE, i): i * 1000 for i in range(1, 41)}


def answer(msg: ber.Message, varbinds: list[tuple[ber.Oid, int]], status: int = 0, index: int = 0) -> bytes:
    """A Response to ``msg`` with Counter32 values."""
    encoded = [(oid, ber.encode_value(ber.COUNTER32, value)) for oid, value in varbinds]
    return ber.encode_message(msg.version, msg.community, ber.RESPONSE, msg.request_id, status, index, encoded)


def bulk_answer(msg: ber.Message, limit: int = 1000) -> bytes:
    """A correct GETBULK answer over ROWS (endOfMibView past the end), at most ``limit`` varbinds."""
    order = sorted(ROWS)
    varbinds: list[tuple[ber.Oid, bytes]] = []
    last = [oid for oid, _ in msg.varbinds]
    for _ in range(msg.error_index):
        for i, oid in enumerate(last):
            following = [o for o in order if o > oid]
            nxt = following[0] if following else oid
            value = ber.encode_value(ber.COUNTER32, ROWS[nxt]) if following else b"\x82\x00"
            varbinds.append((nxt, value))
            last[i] = nxt
    return ber.encode_message(msg.version, msg.community, ber.RESPONSE, msg.request_id, 0, 0, varbinds[:limit])


class FakeAgent(asyncio.DatagramProtocol):
    """A UDP agent on 127.0.0.1 whose answers come from ``handler``; ``stray`` sends from a second socket."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.transport: asyncio.DatagramTransport | None = None
        self.other: asyncio.DatagramTransport | None = None
        self.requests: list[ber.Message] = []
        self.stray: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        msg = ber.decode_message(data)
        self.requests.append(msg)
        assert self.transport is not None and self.other is not None
        for packet in self.stray:
            self.other.sendto(packet, addr)
        for packet in self.handler(msg):
            self.transport.sendto(packet, addr)


@contextlib.asynccontextmanager
async def fake_agent(handler: Handler) -> AsyncIterator[tuple[FakeAgent, SnmpTarget]]:
    loop = asyncio.get_running_loop()
    transport, agent = await loop.create_datagram_endpoint(lambda: FakeAgent(handler), local_addr=("127.0.0.1", 0))
    other, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0))
    agent.other = other
    port = transport.get_extra_info("sockname")[1]
    target = SnmpTarget("127.0.0.1", port, SnmpCredentials("2c", "public"), timeout=0.3, retries=1)
    try:
        yield agent, target
    finally:
        transport.close()
        other.close()


def walk_fake(handler: Handler, **target_changes: Any) -> tuple[dict[str, dict[str, Any]], FakeAgent, SnmpSession]:
    async def go() -> tuple[dict[str, dict[str, Any]], FakeAgent, SnmpSession]:
        async with fake_agent(handler) as (agent, target):
            target = dataclasses.replace(target, **target_changes)
            async with SnmpSession(target) as s:
                return await s.walk_columns([ber.format_oid(TABLE)]), agent, s

    return run(go())


@pytest.mark.parametrize(
    ("packet", "what"),
    [
        (lambda msg: b"\x00garbage", "not an SNMP message"),
        (lambda msg: answer(msg, [((*TABLE, 1), 1)])[:-3], "truncated"),
        (lambda msg: answer(msg, [((*TABLE, 1), 1)]) + b"\x00", "stray octets"),
        (lambda msg: answer(dataclasses.replace(msg, community=b"other"), [((*TABLE, 1), 1)]), "another SNMP"),
        (lambda msg: ber.encode_message(1, b"public", ber.REPORT, msg.request_id, 0, 0, []), "a Report PDU"),
    ],
)
def test_malformed_answers_are_ignored_then_reported(packet: Callable[[ber.Message], bytes], what: str) -> None:
    """Only garbage comes back: the request is retried, then fails naming the garbage, not the ACL."""
    session: list[SnmpSession] = []

    async def go() -> None:
        async with fake_agent(lambda msg: [packet(msg)]) as (_, target), SnmpSession(target) as s:
            session.append(s)
            await s.get([ber.format_oid((*TABLE, 1))])

    with pytest.raises(SnmpProtocolError, match=rf"^malformed answers from 127\.0\.0\.1:\d+: .*{what}"):
        run(go())
    stats = session[0].stats
    assert (stats.requests, stats.timeouts, stats.malformed) == (2, 2, 2)
    assert what in stats.last_malformed


def test_garbage_before_the_answer_does_not_fail_the_request() -> None:
    """A malformed datagram from the agent's own address, then the valid answer: the answer wins."""
    garbage = [b"\x30\x03\x02\x01", b"\x00garbage"]

    def handler(msg: ber.Message) -> list[bytes]:
        return [*garbage, answer(msg, [((*TABLE, 1), 7)])]

    async def go() -> tuple[dict[str, Any], int, int]:
        async with fake_agent(handler) as (_, target), SnmpSession(target) as s:
            got = await s.get([ber.format_oid((*TABLE, 1))])
            return got, s.stats.malformed, s.stats.timeouts

    assert run(go()) == ({ber.format_oid((*TABLE, 1)): 7}, 2, 0)


def test_stray_datagrams_are_ignored() -> None:
    def handler(msg: ber.Message) -> list[bytes]:
        wrong_id = dataclasses.replace(msg, request_id=msg.request_id + 1)
        return [answer(wrong_id, [((*TABLE, 1), 666)]), answer(msg, [((*TABLE, 1), 7)])]

    async def go() -> dict[str, Any]:
        async with fake_agent(handler) as (agent, target):
            agent.stray = [b"garbage from another port"]
            return await session_get(target, [ber.format_oid((*TABLE, 1))])

    assert run(go()) == {ber.format_oid((*TABLE, 1)): 7}


def test_fake_agent_walk_is_complete() -> None:
    got, _, _ = walk_fake(lambda msg: [bulk_answer(msg)], max_repetitions=7)
    assert got == {ber.format_oid(TABLE): {str(i): i * 1000 for i in range(1, 41)}}


def test_truncated_bulk_answers_still_walk_everything() -> None:
    got, agent, _ = walk_fake(lambda msg: [bulk_answer(msg, limit=3)], max_repetitions=25)
    assert len(got[ber.format_oid(TABLE)]) == 40
    assert len(agent.requests) == 14


def test_non_increasing_oids_raise() -> None:
    def looping(msg: ber.Message) -> list[bytes]:
        return [answer(msg, [((*TABLE, 5), 1), ((*TABLE, 3), 1)])]

    with pytest.raises(SnmpProtocolError, match=r"non-increasing OID 1\.3\.6\.1\.4\.1\.99999\.1\.3 after .*\.1\.5"):
        walk_fake(looping)


def test_get_next_that_does_not_move_forward_raises() -> None:
    async def go() -> None:
        async with fake_agent(lambda msg: [answer(msg, [((*TABLE, 1), 1)])]) as (_, target):
            await session_next(target, [ber.format_oid((*TABLE, 2))])

    with pytest.raises(SnmpProtocolError, match=r"non-increasing OID 1\.3\.6\.1\.4\.1\.99999\.1\.1 after .*\.1\.2"):
        run(go())


def test_too_big_halves_max_repetitions() -> None:
    def picky(msg: ber.Message) -> list[bytes]:
        if msg.error_index > 6:
            return [answer(msg, [(oid, 0) for oid, _ in msg.varbinds], status=1)]
        return [bulk_answer(msg)]

    got, agent, session = walk_fake(picky, max_repetitions=50)
    assert len(got[ber.format_oid(TABLE)]) == 40
    assert session.max_repetitions == 6
    assert [m.error_index for m in agent.requests[:4]] == [50, 25, 12, 6]


def test_bulk_timeout_backs_off_and_keeps_the_lower_value() -> None:
    def drops_big(msg: ber.Message) -> list[bytes]:
        return [bulk_answer(msg)] if msg.error_index <= 8 else []

    got, agent, session = walk_fake(drops_big, max_repetitions=16, timeout=0.2, retries=0)
    assert len(got[ber.format_oid(TABLE)]) == 40
    assert session.max_repetitions == 8
    assert [m.error_index for m in agent.requests] == [16] + [8] * 6


def test_agent_error_status_is_reported() -> None:
    def gen_err(msg: ber.Message) -> list[bytes]:
        return [answer(msg, [(oid, 0) for oid, _ in msg.varbinds], status=5, index=2)]

    async def go() -> None:
        async with fake_agent(gen_err) as (_, target):
            await session_get(target, [SYS_UPTIME, SYS_NAME])

    with pytest.raises(SnmpProtocolError, match=rf"^agent 127\.0\.0\.1:\d+ answered genErr for {re.escape(SYS_NAME)}$"):
        run(go())


def test_too_many_rows_raise() -> None:
    with pytest.raises(SnmpProtocolError, match="more than 10 rows"):

        async def go() -> None:
            async with fake_agent(lambda msg: [bulk_answer(msg)]) as (_, target), SnmpSession(target) as s:
                await s.walk_columns([ber.format_oid(TABLE)], max_rows=10)

        run(go())


@pytest.mark.parametrize(("max_repetitions", "midway"), [(7, 3.5), (50, 1.0)])
def test_walk_times_are_midway_between_the_first_and_last_answer_with_rows(
    monkeypatch: pytest.MonkeyPatch, max_repetitions: int, midway: float
) -> None:
    """A fake clock that reads 1, 2, 3 ... at each answer's arrival: 40 rows come in answers 1-6 at 7 a time (the
    absent column ends in answer 1 without rows), or all in answer 1 at 50 a time."""
    clock = itertools.count(1)
    monkeypatch.setattr(snmp, "time", SimpleNamespace(time=lambda: float(next(clock))))
    absent = "1.3.6.1.4.1.99999.2"
    times: dict[str, float] = {}

    async def go() -> dict[str, dict[str, Any]]:
        async with fake_agent(lambda msg: [bulk_answer(msg)]) as (_, target):
            target = dataclasses.replace(target, max_repetitions=max_repetitions)
            async with SnmpSession(target) as s:
                return await s.walk_columns([ber.format_oid(TABLE), absent], times=times)

    got = run(go())
    assert len(got[ber.format_oid(TABLE)]) == 40 and got[absent] == {}
    assert times == {ber.format_oid(TABLE): midway}


class ListBackend:
    """A backend that hands over prepared replies, for what our own codec cannot carry (pysnmp's v3 path can)."""

    def __init__(self, replies: list[list[ber.VarBind]]) -> None:
        self.replies = replies

    async def request(self, pdu_type: int, oids: Any, max_repetitions: int, tries: int) -> Any:
        return snmp._Reply(0, 0, self.replies.pop(0), 0.0)

    def close(self) -> None:
        pass


def test_an_oid_of_more_than_128_sub_identifiers_stops_the_walk() -> None:
    long_row = (*TABLE, *[1] * (129 - len(TABLE)))

    async def go() -> None:
        session = SnmpSession(SnmpTarget("127.0.0.1", credentials=SnmpCredentials("3", v3_user="u")))
        session._backend = cast(Any, ListBackend([[((*TABLE, 1), 1), (long_row, 2)]]))
        await session.walk_columns([ber.format_oid(TABLE)])

    with pytest.raises(SnmpProtocolError, match=r"^malformed SNMP answer from 127\.0\.0\.1:161: an OID of 129 sub"):
        run(go())
