"""Counter arithmetic: two readings of a port's counters in, per-second rates out (or a gap, with the reason).

The rules (DESIGN.md, "Polling and counters"):

- 64-bit (HC) counters whenever the agent has them. A 64-bit counter that went down is a reset: gap.
- 32-bit counters correct at most one wrap, and only when the result is unambiguous: the port's speed must rule out
  a second wrap in the interval (``delta + 2**32`` octets would need more than 1.05 x speed). A 1 Gbit/s port with
  only 32-bit counters polled every 60 s can move 7.9 GB, almost two wraps, so most deltas there cannot be told apart
  from ``delta + 2**32``: they are discarded, not guessed. Without a known speed, a 32-bit wrap is discarded.
- sysUpTime going backwards (allowing for the 497-day TimeTicks wrap) or a changed ifCounterDiscontinuityTime means
  the counters restarted: gap for every counter of the port.
- A rate above 1.05 x the port speed is rejected (gap). No rate is ever negative.

Packet, error and discard counters follow the same reset rules; their 32-bit wraps are corrected without a speed
check (at line rate a 32-bit packet counter takes about 48 minutes to wrap on a 1 Gbit/s port).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WRAP32 = 1 << 32
TICKS_WRAP = 1 << 32  # TimeTicks are hundredths of a second in 32 bits: a wrap every 497.1 days
SPEED_SLACK = 1.05

# Counters other than octets, named as in the store (port_state / samples columns).
PACKET_COUNTERS = (
    "in_errors",
    "out_errors",
    "in_discards",
    "out_discards",
    "in_ucast",
    "out_ucast",
    "in_bcast",
    "out_bcast",
)


@dataclass(frozen=True)
class CounterReading:
    """One poll's view of one port.

    Attributes:
        ts: wall-clock time of the answer, epoch seconds.
        uptime: sysUpTime in hundredths of a second (None if the agent did not answer it).
        disc_time: ifCounterDiscontinuityTime (None where the agent lacks it).
        bits: 64 if the octet counters are ifHCIn/OutOctets, else 32.
        in_octets, out_octets: the octet counters (None where missing).
        packets: other counters by name (see PACKET_COUNTERS), each with its own width in ``packet_bits``.
    """

    ts: float
    uptime: int | None
    disc_time: int | None
    bits: int
    in_octets: int | None
    out_octets: int | None
    packets: dict[str, int | None] = field(default_factory=dict)
    packet_bits: dict[str, int] = field(default_factory=dict)


@dataclass
class Rates:
    """Rates computed from two readings; None marks a gap. ``reason`` says why there is a gap, if there is one."""

    in_bps: float | None = None
    out_bps: float | None = None
    per_second: dict[str, float | None] = field(default_factory=dict)
    reason: str | None = None


def uptime_restarted(prev: int | None, cur: int | None, elapsed_s: float) -> bool:
    """True when sysUpTime shows the agent restarted between two polls.

    TimeTicks wrap after 2**32 hundredths of a second (497 days). A backwards step is a wrap, not a restart, when the
    wrapped difference matches the wall-clock time between the polls (within 10% or 10 s, whichever is larger).
    """
    if prev is None or cur is None or cur >= prev:
        return False
    wrapped_s = (cur + TICKS_WRAP - prev) / 100.0
    tolerance = max(10.0, 0.1 * elapsed_s)
    return abs(wrapped_s - elapsed_s) > tolerance


def octet_delta(prev: int, cur: int, bits: int, elapsed_s: float, speed_bps: int | None) -> tuple[int | None, str]:
    """Octets moved between two readings of one octet counter, or (None, reason) when it cannot be known."""
    if bits == 64:
        if cur < prev:
            return None, "64-bit counter went down (reset)"
        return cur - prev, ""
    delta = cur - prev if cur >= prev else cur + WRAP32 - prev
    if speed_bps:
        max_octets = SPEED_SLACK * speed_bps / 8.0 * elapsed_s
        if delta + WRAP32 <= max_octets:
            return None, "32-bit counter may have wrapped more than once at this port speed and interval"
    elif cur < prev:
        return None, "32-bit counter wrapped on a port of unknown speed"
    return delta, ""


def _octet_rate(
    prev: int | None, cur: int | None, bits: int, elapsed_s: float, speed_bps: int | None
) -> tuple[float | None, str]:
    if prev is None or cur is None:
        return None, "no counter"
    delta, reason = octet_delta(prev, cur, bits, elapsed_s, speed_bps)
    if delta is None:
        return None, reason
    rate = delta * 8.0 / elapsed_s
    if speed_bps and rate > SPEED_SLACK * speed_bps:
        return None, f"rate {rate:.0f} bit/s above 1.05 x port speed {speed_bps} bit/s"
    return rate, ""


def _packet_rate(prev: int | None, cur: int | None, bits: int, elapsed_s: float) -> float | None:
    if prev is None or cur is None:
        return None
    if cur >= prev:
        return (cur - prev) / elapsed_s
    if bits == 64:
        return None
    return (cur + WRAP32 - prev) / elapsed_s


def compute_rates(prev: CounterReading, cur: CounterReading, speed_bps: int | None) -> Rates:
    """Per-second rates between two readings of the same port, following the module's rules.

    ``speed_bps`` is the port's effective speed (override, else ifHighSpeed, else ifSpeed); 0 or None if unknown.
    """
    elapsed = cur.ts - prev.ts
    if elapsed <= 0:
        return Rates(reason="clock did not advance between polls")
    if uptime_restarted(prev.uptime, cur.uptime, elapsed):
        return Rates(reason="device restarted (sysUpTime went backwards)")
    if prev.disc_time is not None and cur.disc_time is not None and prev.disc_time != cur.disc_time:
        return Rates(reason="counter discontinuity (ifCounterDiscontinuityTime changed)")
    if prev.bits != cur.bits:
        return Rates(reason="counter width changed between polls")
    rates = Rates()
    rates.in_bps, in_reason = _octet_rate(prev.in_octets, cur.in_octets, cur.bits, elapsed, speed_bps)
    rates.out_bps, out_reason = _octet_rate(prev.out_octets, cur.out_octets, cur.bits, elapsed, speed_bps)
    reasons = [r for r in (in_reason, out_reason) if r and r != "no counter"]
    rates.reason = "; ".join(dict.fromkeys(reasons)) or None
    for name in PACKET_COUNTERS:
        bits = cur.packet_bits.get(name, 32)
        if prev.packet_bits.get(name, 32) != bits:
            rates.per_second[name] = None
            continue
        rates.per_second[name] = _packet_rate(prev.packets.get(name), cur.packets.get(name), bits, elapsed)
    return rates
