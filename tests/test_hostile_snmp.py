"""The SNMP client against a malicious agent (tests/hostile_agent.py): every hostile walk ends, soon, with one line
naming the problem; garbage never hides a valid answer; SNMPv3 garbage is a protocol error, not a traceback."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from pyasn1.codec.ber import decoder
from pysnmp.proto.api import v2c

from devices import ber
from devices.errors import SnmpError, SnmpProtocolError, SnmpTimeout
from devices.snmp import DEFAULT_MAX_ROWS, MAX_NULL_RUN, SnmpCredentials, SnmpSession, SnmpTarget
from tests import hostile_agent
from tests.conftest import REPO
from tests.hostile_agent import MODES, PORTS, Answerer, HostileAgent

T = TypeVar("T")

IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"
IF_IN_OCTETS = "1.3.6.1.2.1.2.2.1.10"
IF_IN_ERRORS = "1.3.6.1.2.1.2.2.1.14"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
WHERE = r"127\.0\.0\.1:\d+"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def walk(target: SnmpTarget, columns: list[str], **kwargs: Any) -> dict[str, dict[str, Any]]:
    async with SnmpSession(target) as s:
        return await s.walk_columns(columns, **kwargs)


def hostile_walk(mode: str, columns: list[str] | None = None, **kwargs: Any) -> tuple[SnmpError, HostileAgent]:
    """Walk against the agent in ``mode``; return the SnmpError the walk must end with, and the agent."""
    with HostileAgent(mode) as agent:
        target = agent.target(timeout=0.5, retries=1)
        with pytest.raises(SnmpError) as info:
            run(walk(target, columns or [IF_HC_IN_OCTETS], **kwargs))
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    return info.value, agent


# --- walks that would never end ----------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_null_forever_stops_after_a_run_of_rows_without_values() -> None:
    error, agent = hostile_walk("null-forever")
    assert isinstance(error, SnmpProtocolError)
    assert re.fullmatch(
        rf"agent {WHERE} answered 1000 rows without a value in a row for {re.escape(IF_HC_IN_OCTETS)}; stopped",
        str(error),
    )
    assert MAX_NULL_RUN == 1000
    assert agent.requests <= MAX_NULL_RUN // 25 + 1


@pytest.mark.timeout(60)
def test_rows_without_values_count_toward_the_row_budget() -> None:
    error, agent = hostile_walk("null-forever", max_rows=300)
    assert re.fullmatch(
        rf"agent {WHERE} answered more than 300 rows for {re.escape(IF_HC_IN_OCTETS)}; stopped", str(error)
    )
    assert agent.requests == 13  # 300 rows at 25 a request, and the one that went past


@pytest.mark.timeout(60)
def test_endless_rows_stop_at_the_default_row_budget() -> None:
    error, agent = hostile_walk("endless-rows")
    assert isinstance(error, SnmpProtocolError)
    assert re.fullmatch(
        rf"agent {WHERE} answered more than 20000 rows for {re.escape(IF_HC_IN_OCTETS)}; stopped", str(error)
    )
    assert DEFAULT_MAX_ROWS == 20_000
    assert agent.requests == DEFAULT_MAX_ROWS // 25 + 1


@pytest.mark.timeout(60)
def test_oids_that_keep_growing_are_refused_past_128_sub_identifiers() -> None:
    error, _ = hostile_walk("growing-oids")
    assert isinstance(error, SnmpProtocolError)
    assert re.fullmatch(
        rf"malformed answers from {WHERE}: OBJECT IDENTIFIER at offset \d+ has more than 128 sub-identifiers",
        str(error),
    )


@pytest.mark.timeout(60)
def test_a_looping_agent_is_stopped_at_once() -> None:
    error, agent = hostile_walk("loop")
    assert re.fullmatch(
        rf"malformed SNMP answer from {WHERE}: non-increasing OID {re.escape(IF_HC_IN_OCTETS)}\.1000000000 after "
        rf"{re.escape(IF_HC_IN_OCTETS)}\.1000000000 \(agent loops\)",
        str(error),
    )
    assert agent.requests == 1


# --- datagrams that are hard to decode ---------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_a_huge_sub_identifier_is_a_protocol_error_not_unreachable() -> None:
    error, _ = hostile_walk("huge-subid")
    assert isinstance(error, SnmpProtocolError)
    assert re.fullmatch(
        rf"malformed answers from {WHERE}: a sub-identifier in OBJECT IDENTIFIER at offset \d+ exceeds 2\^32-1",
        str(error),
    )


@pytest.mark.timeout(60)
def test_a_64_kb_answer_is_refused_unread() -> None:
    error, _ = hostile_walk("big-datagram")
    assert isinstance(error, SnmpProtocolError)
    assert re.fullmatch(rf"malformed answers from {WHERE}: more than 64 varbinds in one message", str(error))


@pytest.mark.timeout(60)
def test_garbage_before_every_answer_does_not_hide_the_answers() -> None:
    async def go(target: SnmpTarget) -> tuple[dict[str, Any], dict[str, Any], SnmpSession]:
        async with SnmpSession(target) as s:
            names = await s.walk_columns([IF_NAME])
            system = await s.get([SYS_NAME])
            return names, system, s

    with HostileAgent("stray-garbage") as agent:
        names, system, session = run(go(agent.target(timeout=2.0, retries=1, max_repetitions=2)))
    assert names == {IF_NAME: {str(p.ifindex): p.name.encode() for p in PORTS}}
    assert system == {SYS_NAME: b"hostile"}
    assert session.stats.timeouts == 0
    assert session.stats.malformed == agent.requests == 4  # 3 GETBULKs for 4 rows at 2 a time, 1 GET
    assert session.stats.last_malformed.startswith("truncated")


@pytest.mark.timeout(60)
def test_a_slow_agent_times_out_or_answers_the_patient() -> None:
    with HostileAgent("slow", delay=1.0) as agent, pytest.raises(SnmpTimeout) as info:
        run(walk(agent.target(timeout=0.2, retries=0), [IF_NAME]))
    assert re.fullmatch(
        rf"no answer from {WHERE} within 0.2 s x 1 tries: check address, community and ACL", str(info.value)
    )
    with HostileAgent("slow", delay=0.05) as agent:
        got = run(walk(agent.target(timeout=5.0), [IF_NAME]))
    assert got == {IF_NAME: {str(p.ifindex): p.name.encode() for p in PORTS}}


# --- SNMPv3 ------------------------------------------------------------------------------------------------------


class Garbage(asyncio.DatagramProtocol):
    """Answers every datagram with the same garbage."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        self.transport.sendto(self.payload, addr)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (bytes.fromhex("a503020100"), r"an SNMPv3 message that cannot be processed \(TypeError: .*\)"),  # pyasn1 bug
        (b"\x00garbage", "not a well-formed SNMP message"),
        (bytes.fromhex("3008020103a503020100"), "not a well-formed SNMP message"),
    ],
)
def test_snmpv3_garbage_is_a_protocol_error(payload: bytes, reason: str) -> None:
    """pysnmp fails on some garbage inside a loop callback (a traceback on stderr); here it is one clean line."""
    loop_errors: list[dict[str, Any]] = []
    credentials = SnmpCredentials(
        "3", v3_user="u", v3_auth="sha", v3_auth_key="auth-key-1", v3_priv="aes", v3_priv_key="priv-key-1"
    )

    async def go() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))
        transport, _ = await loop.create_datagram_endpoint(lambda: Garbage(payload), local_addr=("127.0.0.1", 0))
        port = transport.get_extra_info("sockname")[1]
        try:
            async with SnmpSession(SnmpTarget("127.0.0.1", port, credentials, timeout=0.3, retries=0)) as s:
                await s.get([SYS_NAME])
        finally:
            transport.close()

    with pytest.raises(SnmpProtocolError) as info:
        run(go())
    assert re.fullmatch(rf"malformed answers from {WHERE}: {reason}", str(info.value))
    assert loop_errors == []


# --- the agent itself: values for other tests, docs, command line ------------------------------------------------


def bulk_answer_values(mode: str, columns: list[str]) -> list[tuple[str, Any]]:
    """(OID, pysnmp value) of the agent's answer to one GETBULK, decoded by pysnmp rather than our codec."""
    oids = [ber.parse_oid(c) for c in columns]
    request = ber.encode_request(ber.VERSION_2C, b"public", ber.GET_BULK_REQUEST, 1, oids, max_repetitions=4)
    (answer,) = Answerer(mode)(request)
    msg, rest = decoder.decode(answer, asn1Spec=v2c.Message())
    assert rest == b""
    pdu = v2c.apiMessage.get_pdu(msg)
    return [(str(name), value) for name, value in v2c.apiPDU.get_varbinds(pdu)]


def test_counter64_everywhere_sends_counter64_in_32_bit_columns() -> None:
    values = bulk_answer_values("counter64-everywhere", [IF_IN_OCTETS, IF_IN_ERRORS, "1.3.6.1.2.1.2.2.1.8"])
    assert len(values) == 12
    assert all(isinstance(value, v2c.Counter64) for _, value in values)
    honest = bulk_answer_values("honest", [IF_IN_OCTETS, IF_IN_ERRORS, "1.3.6.1.2.1.2.2.1.8"])
    assert [type(v) for _, v in honest[:3]] == [v2c.Counter32, v2c.Counter32, v2c.Integer]


def test_overflow_sends_values_past_their_types() -> None:
    values = dict(bulk_answer_values("overflow", [IF_HC_IN_OCTETS, IF_IN_ERRORS]))
    hc = [v for oid, v in values.items() if oid.startswith(IF_HC_IN_OCTETS + ".")]
    errors = [v for oid, v in values.items() if oid.startswith(IF_IN_ERRORS + ".")]
    assert len(hc) == len(errors) == 4
    assert all(isinstance(v, v2c.Counter64) and int(v) >= 2**63 for v in hc)
    assert all(isinstance(v, v2c.Counter64) and 2**32 <= int(v) < 2**33 for v in errors)


def test_negative_counter_sends_negative_error_counts() -> None:
    values = bulk_answer_values("negative-counter", [IF_IN_ERRORS, IF_IN_OCTETS])
    errors = [v for oid, v in values if oid.startswith(IF_IN_ERRORS + ".")]
    octets = [v for oid, v in values if oid.startswith(IF_IN_OCTETS + ".")]
    assert [type(v) for v in errors] == [v2c.Integer] * 4 and all(int(v) < 0 for v in errors)
    assert all(isinstance(v, v2c.Counter32) for v in octets)


def test_every_mode_is_documented_and_unknown_ones_refused() -> None:
    doc = hostile_agent.__doc__ or ""
    assert [m for m in MODES if f"``{m}``" not in doc] == []
    with pytest.raises(ValueError, match="unknown mode 'nice'"):
        HostileAgent("nice")


@pytest.mark.timeout(60)
def test_command_line() -> None:
    command = [sys.executable, "-m", "tests.hostile_agent", "--mode", "loop", "--port", "0", "--seconds", "30"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.fullmatch(r"hostile SNMP agent, mode loop, on 127\.0\.0\.1:(\d+) .*Ctrl-C stops\n", line)
            assert match, line
            target = SnmpTarget("127.0.0.1", int(match[1]), SnmpCredentials("2c", "any"), timeout=2.0)
            with pytest.raises(SnmpProtocolError, match="agent loops"):
                run(walk(target, [IF_NAME]))
        finally:
            proc.terminate()
