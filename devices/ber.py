"""A small, fast BER codec for SNMPv1 and SNMPv2c messages.

Why this exists: the poller walks a few columns of every port of up to 60 switches every cycle, and the per-varbind
decode cost dominates. pysnmp 7.1's hlapi (v3arch, ``lookupMib=False``) manages only about 6,800 varbinds per
CPU-second on the target machines, because every value goes through pyasn1's generic decoder; the project needs at
least 15,000. SNMPv1/v2c messages use a handful of fixed, simple encodings, so this module encodes requests and
decodes answers directly from bytes, with OIDs as tuples of ints and no MIB lookups. SNMPv3 (USM authentication and
privacy) stays with pysnmp.

What it covers: GetRequest, GetNextRequest and GetBulkRequest encoding; decoding of any v1/v2c message in the common
PDU layout (Response above all) with INTEGER, OCTET STRING, NULL, OBJECT IDENTIFIER, IpAddress, Counter32, Gauge32
(Unsigned32), TimeTicks, Opaque, Counter64 and the noSuchObject / noSuchInstance / endOfMibView markers. Every length
is checked against its container; malformed input raises :class:`BerError` naming what is wrong and where, so
garbage never turns into data, and :class:`BerError` is the only exception the decoder raises on any input (the
tests fuzz it). Decoding is a single forward pass, bounded in size and time for hostile input: messages above
:data:`MAX_MESSAGE_SIZE` octets are refused unread, a sub-identifier is refused as soon as it passes 2^32-1 (so no
giant ints are ever built), an OID as soon as it passes 128 arcs, and the caller can cap the varbinds it accepts;
the worst 64 KB message decodes in a few milliseconds.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

Oid = tuple[int, ...]

# Message versions as carried on the wire.
VERSION_1 = 0
VERSION_2C = 1

# PDU tags.
GET_REQUEST = 0xA0
GET_NEXT_REQUEST = 0xA1
RESPONSE = 0xA2
SET_REQUEST = 0xA3
GET_BULK_REQUEST = 0xA5
INFORM_REQUEST = 0xA6
SNMPV2_TRAP = 0xA7
REPORT = 0xA8
PDU_NAMES = {
    GET_REQUEST: "GetRequest",
    GET_NEXT_REQUEST: "GetNextRequest",
    RESPONSE: "Response",
    SET_REQUEST: "SetRequest",
    GET_BULK_REQUEST: "GetBulkRequest",
    INFORM_REQUEST: "InformRequest",
    SNMPV2_TRAP: "SNMPv2-Trap",
    REPORT: "Report",
}

# Value tags.
INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIME_TICKS = 0x43
OPAQUE = 0x44
COUNTER64 = 0x46

MAX_SUBID = 0xFFFFFFFF
MAX_OID_LENGTH = 128  # RFC 2578 section 3.5
MAX_MESSAGE_SIZE = 65_535  # the largest UDP payload; anything bigger is not an answer from an agent


class BerError(ValueError):
    """Input that is not a well-formed SNMPv1/v2c message; the text says what is wrong and where."""


class NoValue(enum.Enum):
    """The SNMPv2 markers an agent puts in place of a value (RFC 3416)."""

    NO_SUCH_OBJECT = 0x80
    NO_SUCH_INSTANCE = 0x81
    END_OF_MIB_VIEW = 0x82


# A decoded value: int (INTEGER, Counter32, Gauge32, TimeTicks, Counter64), bytes (OCTET STRING, Opaque),
# str (OBJECT IDENTIFIER dotted without a leading dot, IpAddress as a dotted quad), None (NULL) or a NoValue marker.
Value = int | bytes | str | None | NoValue
VarBind = tuple[Oid, Value]


@dataclass(slots=True)
class Message:
    """One decoded SNMPv1/v2c message.

    Attributes:
        version: VERSION_1 or VERSION_2C.
        community: the community string as sent.
        pdu_type: one of the PDU tags (RESPONSE for an answer).
        request_id: matches an answer to its request.
        error_status: error-status, or non-repeaters in a GetBulkRequest.
        error_index: error-index, or max-repetitions in a GetBulkRequest.
        varbinds: (OID, value) pairs in wire order.
    """

    version: int
    community: bytes
    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[VarBind]


# ---------------------------------------------------------------------------------------------------------------
# OIDs as text


def parse_oid(text: str) -> Oid:
    """Turn "1.3.6.1.2.1.1.3.0" (a leading dot is tolerated) into a tuple, or raise ValueError."""
    parts = text.strip().removeprefix(".").split(".")
    try:
        oid = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"not a numeric OID: {text!r}") from None
    _check_oid(oid)
    return oid


def format_oid(oid: Sequence[int]) -> str:
    """Dotted text of an OID, without a leading dot."""
    return ".".join(map(str, oid))


def _check_oid(oid: Sequence[int]) -> None:
    if len(oid) < 2 or len(oid) > MAX_OID_LENGTH:
        raise ValueError(f"an OID has 2 to {MAX_OID_LENGTH} sub-identifiers, not {len(oid)}")
    if oid[0] > 2 or (oid[0] < 2 and oid[1] >= 40):
        raise ValueError(f"invalid first arcs {oid[0]}.{oid[1]}")
    if min(oid) < 0 or max(oid) > MAX_SUBID:
        raise ValueError(f"OID sub-identifiers must be 0..{MAX_SUBID}")


# ---------------------------------------------------------------------------------------------------------------
# Encoding


def _encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def tlv(tag: int, content: bytes) -> bytes:
    """One BER type-length-value element with a definite length."""
    return bytes((tag,)) + _encode_length(len(content)) + content


def _signed(value: int) -> bytes:
    size = (value + (value < 0)).bit_length() // 8 + 1
    return value.to_bytes(size, "big", signed=True)


def _unsigned(value: int, limit: int) -> bytes:
    if not 0 <= value <= limit:
        raise ValueError(f"{value} is outside 0..{limit}")
    return value.to_bytes(value.bit_length() // 8 + 1, "big")


def _encode_subid(value: int) -> bytes:
    if value < 0x80:
        return bytes((value,))
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def encode_oid(oid: Sequence[int]) -> bytes:
    """The OBJECT IDENTIFIER element (tag, length, content) of an OID given as ints."""
    _check_oid(oid)
    content = _encode_subid(oid[0] * 40 + oid[1]) + b"".join(_encode_subid(s) for s in oid[2:])
    return tlv(OBJECT_IDENTIFIER, content)


def encode_value(tag: int, value: object) -> bytes:
    """The BER element of one varbind value of the given tag (used for answers in tests and fake agents).

    INTEGER takes an int; Counter32, Gauge32 and TimeTicks an int in 0..2^32-1; Counter64 in 0..2^64-1; OCTET STRING
    and Opaque bytes; OBJECT IDENTIFIER dotted text or a tuple; IpAddress a dotted quad; NULL and the NoValue
    markers ignore the value.
    """
    if tag == INTEGER and isinstance(value, int):
        return tlv(tag, _signed(value))
    if tag in (COUNTER32, GAUGE32, TIME_TICKS) and isinstance(value, int):
        return tlv(tag, _unsigned(value, 0xFFFFFFFF))
    if tag == COUNTER64 and isinstance(value, int):
        return tlv(tag, _unsigned(value, 0xFFFFFFFFFFFFFFFF))
    if tag in (OCTET_STRING, OPAQUE) and isinstance(value, bytes):
        return tlv(tag, value)
    if tag == OBJECT_IDENTIFIER and isinstance(value, str | tuple):
        return encode_oid(parse_oid(value) if isinstance(value, str) else value)
    if tag == IP_ADDRESS and isinstance(value, str):
        return tlv(tag, ipaddress.IPv4Address(value).packed)
    if tag == NULL or tag in (m.value for m in NoValue):
        return bytes((tag, 0))
    raise ValueError(f"cannot encode {value!r} with tag 0x{tag:02x}")


NULL_VALUE = b"\x05\x00"


def encode_message(
    version: int,
    community: bytes,
    pdu_type: int,
    request_id: int,
    error_status: int,
    error_index: int,
    varbinds: Sequence[tuple[Sequence[int], bytes]],
) -> bytes:
    """A whole v1/v2c message; each varbind value is an already encoded element (see :func:`encode_value`)."""
    vbs = b"".join(tlv(SEQUENCE, encode_oid(oid) + value) for oid, value in varbinds)
    pdu = _signed(request_id), _signed(error_status), _signed(error_index)
    body = b"".join(tlv(INTEGER, x) for x in pdu) + tlv(SEQUENCE, vbs)
    head = tlv(INTEGER, _signed(version)) + tlv(OCTET_STRING, community)
    return tlv(SEQUENCE, head + tlv(pdu_type, body))


def encode_request(
    version: int,
    community: bytes,
    pdu_type: int,
    request_id: int,
    oids: Sequence[Sequence[int]],
    *,
    non_repeaters: int = 0,
    max_repetitions: int = 0,
) -> bytes:
    """A GetRequest, GetNextRequest or GetBulkRequest (v2c only) asking for ``oids``, all values NULL."""
    if pdu_type not in (GET_REQUEST, GET_NEXT_REQUEST, GET_BULK_REQUEST):
        raise ValueError(f"not a request PDU type: 0x{pdu_type:02x}")
    if pdu_type == GET_BULK_REQUEST and version == VERSION_1:
        raise ValueError("SNMPv1 has no GetBulkRequest")
    varbinds = [(oid, NULL_VALUE) for oid in oids]
    return encode_message(version, community, pdu_type, request_id, non_repeaters, max_repetitions, varbinds)


# ---------------------------------------------------------------------------------------------------------------
# Decoding


def _length(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """Read the length octets at ``pos``; return where the content starts and where it stops."""
    if pos >= end:
        raise BerError(f"truncated: length missing at offset {pos}")
    n = data[pos]
    pos += 1
    if n & 0x80:
        count = n & 0x7F
        if count == 0:
            raise BerError(f"indefinite length at offset {pos - 1} (not allowed in SNMP)")
        if count > 4:
            raise BerError(f"length of {count} octets at offset {pos - 1} is absurd")
        if pos + count > end:
            raise BerError(f"truncated: length octets at offset {pos - 1} run past the end")
        n = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    stop = pos + n
    if stop > end:
        raise BerError(f"truncated: element at offset {pos} claims {n} octets, only {end - pos} left")
    return pos, stop


def _expect(data: bytes, pos: int, end: int, tag: int, what: str) -> tuple[int, int]:
    if pos >= end:
        raise BerError(f"truncated: {what} missing at offset {pos}")
    if data[pos] != tag:
        raise BerError(f"expected {what} (tag 0x{tag:02x}) at offset {pos}, found tag 0x{data[pos]:02x}")
    return _length(data, pos + 1, end)


def _read_integer(data: bytes, pos: int, end: int, what: str) -> tuple[int, int]:
    start, stop = _expect(data, pos, end, INTEGER, what)
    if not 0 < stop - start <= 5:
        raise BerError(f"{what} at offset {pos} has {stop - start} octets (1..5 allowed)")
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_oid(data: bytes, start: int, stop: int) -> Oid:
    """Decode OBJECT IDENTIFIER content octets ``data[start:stop]`` into a tuple of ints."""
    chunk = data[start:stop]
    if not chunk:
        raise BerError(f"empty OBJECT IDENTIFIER at offset {start}")
    if chunk.isascii():  # every sub-identifier below 128: one octet each (the common case)
        first = chunk[0]
        head = (first // 40, first % 40) if first < 80 else (2, first - 80)
        if len(chunk) >= MAX_OID_LENGTH:
            raise BerError(f"OBJECT IDENTIFIER at offset {start} has more than {MAX_OID_LENGTH} sub-identifiers")
        return head + tuple(chunk[1:])
    return _decode_oid_slow(chunk, start)


def _decode_oid_slow(chunk: bytes, offset: int) -> Oid:
    """Sub-identifiers of several octets: checked octet by octet, so a hostile one is refused after 5 octets."""
    subids: list[int] = []
    append = subids.append
    value = 0
    limit = 80 + MAX_SUBID  # the first sub-identifier carries the first two arcs (X * 40 + Y, Y up to 2^32-1)
    partial_limit = limit >> 7  # what a sub-identifier may be before its last octet
    for octet in chunk:
        if octet & 0x80:  # more octets follow
            if not value and octet == 0x80:
                raise BerError(f"non-minimal sub-identifier in OBJECT IDENTIFIER at offset {offset}")
            value = (value << 7) | (octet & 0x7F)
            if value > partial_limit:
                raise BerError(f"a sub-identifier in OBJECT IDENTIFIER at offset {offset} exceeds 2^32-1")
            continue
        value = (value << 7) | octet
        if value > limit:
            raise BerError(f"a sub-identifier in OBJECT IDENTIFIER at offset {offset} exceeds 2^32-1")
        if len(subids) >= MAX_OID_LENGTH - 1:
            raise BerError(f"OBJECT IDENTIFIER at offset {offset} has more than {MAX_OID_LENGTH} sub-identifiers")
        append(value)
        value = 0
        limit, partial_limit = MAX_SUBID, MAX_SUBID >> 7
    if value:  # the last octet said more would follow
        raise BerError(f"truncated sub-identifier in OBJECT IDENTIFIER at offset {offset}")
    first = subids[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    return head + tuple(subids[1:])


def _unsigned_value(data: bytes, start: int, stop: int, max_octets: int, what: str) -> int:
    size = stop - start
    # Agents that forget the leading zero octet of values >= 2^31 are common; read the octets as unsigned.
    if not 0 < size <= max_octets or (size == max_octets and data[start] != 0):
        raise BerError(f"{what} at offset {start} has a bad length {size}")
    return int.from_bytes(data[start:stop], "big")


def _decode_value(tag: int, data: bytes, start: int, stop: int) -> Value:
    if tag == COUNTER64:
        return _unsigned_value(data, start, stop, 9, "Counter64")
    if tag in (COUNTER32, GAUGE32, TIME_TICKS):
        return _unsigned_value(data, start, stop, 5, "Counter32/Gauge32/TimeTicks")
    if tag == INTEGER:
        if not 0 < stop - start <= 9:
            raise BerError(f"INTEGER at offset {start} has a bad length {stop - start}")
        return int.from_bytes(data[start:stop], "big", signed=True)
    if tag in (OCTET_STRING, OPAQUE):
        return data[start:stop]
    if tag == OBJECT_IDENTIFIER:
        return format_oid(decode_oid(data, start, stop))
    if tag == IP_ADDRESS:
        if stop - start != 4:
            raise BerError(f"IpAddress at offset {start} has {stop - start} octets, not 4")
        return ".".join(map(str, data[start:stop]))
    if tag == NULL or 0x80 <= tag <= 0x82:
        if stop != start:
            raise BerError(f"NULL-like value (tag 0x{tag:02x}) at offset {start} carries content")
        return None if tag == NULL else NoValue(tag)
    raise BerError(f"unknown value type 0x{tag:02x} at offset {start}")


def _decode_varbinds(data: bytes, pos: int, end: int, max_varbinds: int) -> list[VarBind]:
    varbinds: list[VarBind] = []
    append = varbinds.append
    while pos < end:
        if len(varbinds) >= max_varbinds:
            raise BerError(f"more than {max_varbinds} varbinds in one message")
        if data[pos] != SEQUENCE:
            raise BerError(f"expected a varbind SEQUENCE at offset {pos}, found tag 0x{data[pos]:02x}")
        pos, vb_end = _length(data, pos + 1, end)
        start, stop = _expect(data, pos, vb_end, OBJECT_IDENTIFIER, "varbind OID")
        oid = decode_oid(data, start, stop)
        if stop >= vb_end:
            raise BerError(f"truncated: varbind value missing at offset {stop}")
        tag = data[stop]
        start, pos = _length(data, stop + 1, vb_end)
        if pos != vb_end:
            raise BerError(f"{vb_end - pos} stray octets after the varbind value at offset {pos}")
        append((oid, _decode_value(tag, data, start, pos)))
    return varbinds


def decode_message(data: bytes, *, max_varbinds: int | None = None) -> Message:
    """Decode one whole SNMPv1/v2c message; raise :class:`BerError` on anything malformed or trailing.

    ``max_varbinds``: refuse a message with more varbinds than that (a client knows how many it asked for, and
    stops decoding a flood early). Messages above :data:`MAX_MESSAGE_SIZE` octets are refused before reading.
    """
    size = len(data)
    if size > MAX_MESSAGE_SIZE:
        raise BerError(f"a message of {size} octets is larger than any UDP datagram ({MAX_MESSAGE_SIZE})")
    data = bytes(data)
    if not size or data[0] != SEQUENCE:
        raise BerError("not an SNMP message (does not start with a SEQUENCE)")
    pos, end = _length(data, 1, size)
    if end != size:
        raise BerError(f"{size - end} stray octets after the message")
    version, pos = _read_integer(data, pos, end, "version")
    if version not in (VERSION_1, VERSION_2C):
        raise BerError(f"message version {version} is not SNMPv1 or SNMPv2c")
    start, pos = _expect(data, pos, end, OCTET_STRING, "community")
    community = data[start:pos]
    if pos >= end:
        raise BerError(f"truncated: PDU missing at offset {pos}")
    pdu_type = data[pos]
    if pdu_type not in PDU_NAMES:
        raise BerError(f"unknown or unsupported PDU type 0x{pdu_type:02x} at offset {pos}")
    pos, pdu_end = _length(data, pos + 1, end)
    if pdu_end != end:
        raise BerError(f"{end - pdu_end} stray octets after the PDU")
    request_id, pos = _read_integer(data, pos, end, "request-id")
    error_status, pos = _read_integer(data, pos, end, "error-status")
    error_index, pos = _read_integer(data, pos, end, "error-index")
    pos, vbl_end = _expect(data, pos, end, SEQUENCE, "varbind list")
    if vbl_end != end:
        raise BerError(f"{end - vbl_end} stray octets after the varbind list")
    varbinds = _decode_varbinds(data, pos, vbl_end, size if max_varbinds is None else max_varbinds)
    return Message(version, community, pdu_type, request_id, error_status, error_index, varbinds)
