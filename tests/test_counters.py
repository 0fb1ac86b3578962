"""Counter arithmetic: every rule of DESIGN.md's "Polling and counters", with hand-computed numbers."""

from __future__ import annotations

import pytest

from monitor.polling.counters import CounterReading, compute_rates, octet_delta, uptime_restarted

GBIT = 1_000_000_000
MBIT = 1_000_000


def reading(
    ts: float,
    in_oct: int,
    out_oct: int,
    *,
    bits: int = 64,
    uptime: int | None = None,
    disc: int | None = None,
    packets: dict[str, int | None] | None = None,
) -> CounterReading:
    return CounterReading(
        ts=ts,
        uptime=uptime if uptime is not None else int(ts * 100),
        disc_time=disc,
        bits=bits,
        in_octets=in_oct,
        out_octets=out_oct,
        packets=packets or {},
        packet_bits={},
    )


def test_64bit_rate_is_delta_times_eight_over_time() -> None:
    # 75,000,000 octets in 60 s = 10,000,000 bit/s; 7,500,000 octets = 1,000,000 bit/s.
    r = compute_rates(
        reading(1000, 10**12, 5 * 10**11), reading(1060, 10**12 + 75_000_000, 5 * 10**11 + 7_500_000), GBIT
    )
    assert r.in_bps == pytest.approx(10_000_000)
    assert r.out_bps == pytest.approx(1_000_000)
    assert r.reason is None


def test_64bit_decrease_is_a_gap_not_a_negative() -> None:
    r = compute_rates(reading(1000, 5_000_000, 5_000_000), reading(1060, 1_000, 6_000_000), GBIT)
    assert r.in_bps is None
    assert r.out_bps == pytest.approx(1_000_000 * 8 / 60)
    assert "reset" in (r.reason or "")


def test_64bit_near_max_value_works() -> None:
    top = 2**64 - 1_000_000
    r = compute_rates(reading(0, top, top), reading(10, top + 125_000, top), GBIT)
    assert r.in_bps == pytest.approx(100_000)
    assert r.out_bps == 0


def test_32bit_single_wrap_corrected_within_speed() -> None:
    # 100 Mbit/s port, 60 s: at most 787.5 MB, far from 4 GiB, so one wrap is unambiguous.
    prev = 2**32 - 1_000_000
    cur = 500_000  # wrapped: 1,500,000 octets moved
    r = compute_rates(reading(0, prev, 0, bits=32), reading(60, cur, 0, bits=32), 100 * MBIT)
    assert r.in_bps == pytest.approx(1_500_000 * 8 / 60)


def test_32bit_wrap_that_would_exceed_speed_is_discarded() -> None:
    # 10 Mbit/s port: in 10 s at most 13.1 MB; a wrap implying ~4 GB is impossible.
    r = compute_rates(reading(0, 100, 0, bits=32), reading(10, 50, 0, bits=32), 10 * MBIT)
    assert r.in_bps is None
    assert "above 1.05" in (r.reason or "")


def test_32bit_possible_double_wrap_is_discarded() -> None:
    # 10 Gbit/s port, 60 s: up to 78.75 GB could pass, i.e. many wraps: any 32-bit delta is ambiguous.
    r = compute_rates(reading(0, 1_000, 1_000, bits=32), reading(60, 2_000_000, 1_000, bits=32), 10 * GBIT)
    assert r.in_bps is None and r.out_bps is None
    assert "more than once" in (r.reason or "")


def test_32bit_wrap_on_unknown_speed_is_discarded_but_plain_delta_kept() -> None:
    r = compute_rates(reading(0, 2**32 - 10, 10, bits=32), reading(60, 10, 20, bits=32), None)
    assert r.in_bps is None
    assert r.out_bps == pytest.approx(10 * 8 / 60)


def test_rate_above_speed_rejected_and_at_speed_kept() -> None:
    # 1 Gbit/s for 10 s = 1.25e9 octets; 1.06 Gbit/s is above 1.05 x speed.
    ok = compute_rates(reading(0, 0, 0), reading(10, 1_250_000_000, 1_312_500_000), GBIT)
    assert ok.in_bps == pytest.approx(GBIT)
    assert ok.out_bps == pytest.approx(1.05 * GBIT)
    bad = compute_rates(reading(0, 0, 0), reading(10, 1_325_000_000, 0), GBIT)
    assert bad.in_bps is None


def test_uptime_backwards_is_a_reboot_gap() -> None:
    r = compute_rates(reading(0, 0, 0, uptime=500_000), reading(60, 1_000, 1_000, uptime=300), GBIT)
    assert r.in_bps is None and r.out_bps is None
    assert "restarted" in (r.reason or "")


def test_uptime_497_day_wrap_is_not_a_reboot() -> None:
    before = 2**32 - 3_000  # 30 s before the TimeTicks wrap
    after = 3_000  # 30 s after: 60 s passed
    assert not uptime_restarted(before, after, 60.0)
    assert uptime_restarted(before, after, 3600.0)  # an hour passed but ticks say 60 s: restarted
    r = compute_rates(reading(0, 0, 0, uptime=before), reading(60, 750_000, 0, uptime=after), GBIT)
    assert r.in_bps == pytest.approx(100_000)


def test_discontinuity_time_change_is_a_gap() -> None:
    r = compute_rates(reading(0, 0, 0, disc=100), reading(60, 1_000, 1_000, disc=5_000), GBIT)
    assert r.in_bps is None and "discontinuity" in (r.reason or "")
    same = compute_rates(reading(0, 0, 0, disc=100), reading(60, 1_000, 1_000, disc=100), GBIT)
    assert same.in_bps == pytest.approx(1_000 * 8 / 60)


def test_packet_counters_wrap_and_reset() -> None:
    prev = reading(0, 0, 0, packets={"in_errors": 2**32 - 5, "out_errors": 10, "in_ucast": 100})
    cur = reading(10, 0, 0, packets={"in_errors": 5, "out_errors": 30, "in_ucast": 1100})
    r = compute_rates(prev, cur, GBIT)
    assert r.per_second["in_errors"] == pytest.approx(1.0)
    assert r.per_second["out_errors"] == pytest.approx(2.0)
    assert r.per_second["in_ucast"] == pytest.approx(100.0)
    assert r.per_second["out_discards"] is None


def test_no_rate_is_ever_negative_over_many_random_pairs() -> None:
    import random

    rng = random.Random(7)
    for _ in range(5_000):
        bits = rng.choice((32, 64))
        top = 2**bits
        speed = rng.choice((None, 0, 10 * MBIT, 100 * MBIT, GBIT, 10 * GBIT))
        a, b = rng.randrange(top), rng.randrange(top)
        r = compute_rates(reading(0, a, b, bits=bits), reading(rng.uniform(1, 600), b, a, bits=bits), speed)
        for v in (r.in_bps, r.out_bps):
            assert v is None or v >= 0
            if v is not None and speed:
                assert v <= 1.05 * speed


def test_octet_delta_boundary_of_ambiguity() -> None:
    # 1 Gbit/s, 60 s: max 7.875e9 octets. A delta d is kept only if d + 2**32 > max.
    max_octets = 1.05 * GBIT / 8 * 60
    keep = int(max_octets - 2**32) + 1
    assert octet_delta(0, keep, 32, 60, GBIT)[0] == keep
    assert octet_delta(0, keep - 2, 32, 60, GBIT)[0] is None
    # At 30 s the same port cannot wrap twice (3.94e9 < 2**32): any single delta is kept.
    assert octet_delta(100, 50, 32, 30, GBIT)[0] == 2**32 - 50


@pytest.mark.parametrize(
    ("alias", "uplink"),
    [
        ("Uplink to core", True),
        ("uplink-core", True),
        ("Up-link 1", True),
        ("WAN", True),
        ("Internet (TANet)", True),
        ("上行 核心交換器", True),
        ("3F 電腦教室", False),
        ("Downlink 行政大樓", False),
        ("", False),
        ("swan-ap", False),
    ],
)
def test_uplink_guessed_from_the_alias(alias: str, uplink: bool) -> None:
    from monitor.polling.poller import looks_like_uplink

    assert looks_like_uplink(alias) is uplink
