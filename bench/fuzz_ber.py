"""Long fuzz run of the BER decoder: prints counts, asserts nothing (the exit code is 1 if anything crashed).

Feeds N inputs (default 1,000,000) to :func:`devices.ber.decode_message`: random mutations of real recorded answers
(GETBULK-like Responses built from the device recordings in ``../shared/snmprec/``, read in place) and of synthetic
messages (every value type, the longest OIDs, the largest sub-identifiers, a 64 KB flood of varbinds), plus pure
noise. Everything is seeded, so a run is reproducible. An input may only decode (a Message) or be rejected with
BerError; anything else is a crash, and the first few crashing inputs are hex-dumped.

Prints: inputs, decoded OK, rejected (BerError), crashes, and the slowest input with its time (and the best
of 5 more timings of it, since one timing on a busy machine may include a preemption).
Run: uv run python bench/fuzz_ber.py [--inputs N] [--seed S]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices import ber

REPO = Path(__file__).resolve().parent.parent
RECORDINGS = Path(os.environ.get("CAMPUSNET_SHARED", REPO.parent / "shared")) / "snmprec"
SHOWN_CRASHES = 5
INTERESTING = [0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x30, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x85, 0xA2, 0xFF]


# --- seeds ----------------------------------------------------------------------------------------------------------


def recorded_answers(folder: Path, per_message: int = 25, limit: int = 400) -> list[bytes]:
    """Responses of ``per_message`` consecutive recorded varbinds each, as an agent would answer a GETBULK."""
    from tests.peers import parse_snmprec

    answers: list[bytes] = []
    for path in sorted(folder.glob("*.snmprec")):
        varbinds: list[tuple[ber.Oid, bytes]] = []
        for oid, (tag, value) in parse_snmprec(path).items():
            try:
                varbinds.append((ber.parse_oid(oid), ber.encode_value(int(tag), value)))
            except ValueError:  # a variation module's parameters, or a value the type cannot hold
                continue
        for start in range(0, len(varbinds), per_message):
            chunk = varbinds[start : start + per_message]
            answers.append(ber.encode_message(1, path.stem.encode(), ber.RESPONSE, start + 1, 0, 0, chunk))
    random.Random(0).shuffle(answers)
    return answers[:limit]


def synthetic_messages() -> list[bytes]:
    """Valid messages of every shape the decoder knows, hostile ones included."""
    col = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6)
    values = [
        (ber.INTEGER, -(2**63)),
        (ber.INTEGER, 2**63 - 1),
        (ber.OCTET_STRING, bytes(range(256))),
        (ber.NULL, None),
        (ber.OBJECT_IDENTIFIER, (2, 2**32 - 1, 0)),
        (ber.IP_ADDRESS, "10.1.2.254"),
        (ber.COUNTER32, 2**32 - 1),
        (ber.GAUGE32, 10_000),
        (ber.TIME_TICKS, 718_475_737),
        (ber.OPAQUE, b"\x9f\x78\x04\x3f\x80\x00\x00"),
        (ber.COUNTER64, 2**64 - 1),
        *[(m.value, None) for m in ber.NoValue],
    ]
    every_type = [((*col, i), ber.encode_value(tag, v)) for i, (tag, v) in enumerate(values, 1)]
    longest = (2, 2**32 - 1, *[2**32 - 1] * 126)
    flood = [((1, 3, i % 128), ber.NULL_VALUE) for i in range(7_200)]  # just under 64 KB
    return [
        _raw_oid_message(b"\x2b\x06" + b"\xff" * 2100 + b"\x7f"),  # a 14,700-bit sub-identifier
        _raw_oid_message(b"\x2b" + b"\x81\x01" * 1500),  # 1,500 arcs
        ber.encode_message(1, b"public", ber.RESPONSE, 4242, 0, 0, every_type),
        ber.encode_message(0, b"public", ber.RESPONSE, -1, 2, 1, every_type[:3]),
        ber.encode_message(1, b"c", ber.RESPONSE, 2**31 - 1, 0, 0, [(longest, ber.NULL_VALUE)] * 3),
        ber.encode_request(1, b"public", ber.GET_BULK_REQUEST, 7, [col, longest], max_repetitions=25),
        ber.encode_request(0, b"public", ber.GET_NEXT_REQUEST, 8, [col]),
        ber.encode_message(1, b"public", ber.RESPONSE, 9, 0, 0, flood),
    ]


def _raw_oid_message(content: bytes) -> bytes:
    """A Response whose one varbind has an OBJECT IDENTIFIER of raw content octets (encode_oid refuses these)."""
    varbind = ber.tlv(ber.SEQUENCE, ber.tlv(ber.OBJECT_IDENTIFIER, content) + ber.NULL_VALUE)
    pdu = b"".join(ber.tlv(ber.INTEGER, b"\x01") for _ in range(3)) + ber.tlv(ber.SEQUENCE, varbind)
    return ber.tlv(ber.SEQUENCE, b"\x02\x01\x01" + ber.tlv(ber.OCTET_STRING, b"public") + ber.tlv(ber.RESPONSE, pdu))


# --- mutations ------------------------------------------------------------------------------------------------------


def mutate(rng: random.Random, raw: bytes) -> bytes:
    """1-8 random edits (mostly 1 or 2): set, insert, delete, truncate, duplicate a slice, overwrite with a run."""
    out = bytearray(raw)
    for _ in range(min(8, 1 + int(rng.expovariate(0.8)))):
        pos = rng.randrange(len(out) + 1)
        kind = rng.randrange(7)
        if kind <= 1 and out:
            out[min(pos, len(out) - 1)] = rng.choice(INTERESTING) if kind else rng.randrange(256)
        elif kind == 2:
            out[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif kind == 3:
            del out[pos : pos + rng.randint(1, 16)]
        elif kind == 4:
            del out[pos:]
        elif kind == 5:
            out[pos:pos] = out[pos : pos + rng.randint(1, 64)]
        else:
            run = rng.choice((rng.randint(1, 8), rng.randint(1, 3000)))
            out[pos : pos + run] = bytes([rng.choice(INTERESTING)]) * run
    return bytes(out[: ber.MAX_MESSAGE_SIZE + 100])


def noise(rng: random.Random) -> bytes:
    """Random octets, often behind a SEQUENCE tag so the decoder gets past the first check."""
    body = rng.randbytes(rng.choice((rng.randint(0, 40), rng.randint(0, 400))))
    return (b"\x30" + body) if rng.random() < 0.7 else body


# --- the run --------------------------------------------------------------------------------------------------------


def run(inputs: int, seed: int, recorded: list[bytes], synthetic: list[bytes]) -> int:
    """Fuzz and print the counts; return the number of crashes."""
    rng = random.Random(seed)
    decode: Callable[[bytes], ber.Message] = ber.decode_message
    ok = rejected = crashes = 0
    slowest, slowest_input = 0.0, b""
    pools = [p for p in (recorded, synthetic) if p]
    for n in range(inputs):
        if n % 1000 == 999:  # the 64 KB flood is slow to mutate and decode: seldom
            data = mutate(rng, synthetic[-1])
        elif n % 10 == 9:
            data = noise(rng)
        else:
            pool = pools[n % len(pools)]
            data = mutate(rng, pool[rng.randrange(len(pool) - (pool is synthetic))])
        start = time.perf_counter()
        try:
            decode(data)
            ok += 1
        except ber.BerError:
            rejected += 1
        except Exception as exc:  # the point of the run: anything but BerError is a bug
            crashes += 1
            if crashes <= SHOWN_CRASHES:
                print(f"CRASH {type(exc).__name__}: {str(exc)[:200]}\n  input ({len(data)} octets): {data[:200].hex()}")
        took = time.perf_counter() - start
        if took > slowest:
            slowest, slowest_input = took, data
    print(f"inputs:     {inputs:,}")
    print(f"decoded OK: {ok:,}")
    print(f"rejected:   {rejected:,} (BerError)")
    print(f"crashes:    {crashes:,}")
    again = min(_time_one(decode, slowest_input) for _ in range(5))  # the first timing may include a preemption
    print(
        f"slowest:    {slowest * 1000:.2f} ms (best of 5 more: {again * 1000:.2f} ms), {len(slowest_input):,} octets "
        f"starting {slowest_input[:24].hex()}"
    )
    return crashes


def _time_one(decode: Callable[[bytes], ber.Message], data: bytes) -> float:
    """Seconds one decode of ``data`` takes, whatever its outcome."""
    start = time.perf_counter()
    with contextlib.suppress(Exception):  # timing only: the outcome was counted in the run
        decode(data)
    return time.perf_counter() - start


def main() -> None:
    """Parse the arguments, build the seeds, fuzz."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=1_000_000, help="how many inputs (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20_260_101, help="random seed (default 20260101)")
    parser.add_argument("--recordings", type=Path, default=RECORDINGS, help="folder of .snmprec files")
    args = parser.parse_args()
    recorded = recorded_answers(args.recordings) if args.recordings.is_dir() else []
    synthetic = synthetic_messages()
    print(f"seeds: {len(recorded)} recorded answers ({args.recordings}), {len(synthetic)} synthetic messages")
    sys.exit(1 if run(args.inputs, args.seed, recorded, synthetic) else 0)


if __name__ == "__main__":
    main()
