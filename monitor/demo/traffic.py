"""The demo's traffic model: how much every simulated port carries at any moment, and its counters.

All deterministic from the network's seed:

- Each edge port has a peak rate (download; upload is 15-45 % of it) and a day shape (office, classroom,
  computer lab, server) in Asia/Taipei time (UTC+8, no DST): weekdays busy from about 07:30 to 17:00 with a dip at
  12:00-13:00, low at night and at weekends. The shape is piecewise linear, so its integral is closed form.
- Noise: a piecewise-linear random function is added to the *integral* (knots every 120 simulated seconds), scaled
  by the lowest shape level around each knot, so the rate wobbles by up to +-40 % yet never goes negative; its
  integral is closed form too. A counter is therefore ``offset + integral of rate``, computed in O(1) per port.
- A port's traffic may also be shares of other ports' traffic (:class:`PortModel`'s children): that is how the
  school (:mod:`monitor.demo.school`) makes uplinks carry what their edge ports carry.
- Packets, broadcasts and multicasts follow the octets; a port may have an occasional input error or output
  discard.

Fast-forward (``speed`` factor F): simulated time = start + F x real time elapsed. The octet counters grow by
(integral of the model's rate over simulated time) / F, so the rates a poller measures over its wall clock are the
model's rates at the simulated moment (a school day's shape in minutes, with real-looking Mbit/s, never above the
port speed) instead of F x those rates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.simagent import PortCounters, SimClock

TAIPEI_UTC_OFFSET_S = 8 * 3600
DAY_S = 86400
EPOCH_MONDAY = 1704038400  # 2024-01-01 00:00 Asia/Taipei, a Monday
NOISE_KNOT_S = 120.0
NOISE_AMPLITUDE = 0.4
GBIT = 1_000_000_000


def week_start(t: float) -> float:
    """Monday 00:00 Asia/Taipei at or before epoch time ``t``."""
    week = 7 * DAY_S
    return EPOCH_MONDAY + math.floor((t - EPOCH_MONDAY) / week) * week


# ---------------------------------------------------------------------------------------------------------------
# Day shapes


def _knots(*points: tuple[float, float]) -> tuple[tuple[float, float], ...]:
    """(hour of day, level) pairs as (seconds of day, level); 0 h and 24 h are added with the level at 0 h."""
    pts = [(h * 3600.0, v) for h, v in points]
    if pts[0][0] > 0:
        pts.insert(0, (0.0, pts[0][1]))
    if pts[-1][0] < DAY_S:
        pts.append((float(DAY_S), pts[0][1]))
    return tuple(pts)


class DayShape:
    """A piecewise-linear level (0..1) over one day, with its exact running integral."""

    def __init__(self, knots: tuple[tuple[float, float], ...]) -> None:
        self.xs = [x for x, _ in knots]
        self.ys = [y for _, y in knots]
        self.cum = [0.0]
        for k in range(1, len(knots)):
            self.cum.append(self.cum[-1] + (self.xs[k] - self.xs[k - 1]) * (self.ys[k] + self.ys[k - 1]) / 2)
        self.total = self.cum[-1]

    def _segment(self, sec: float) -> int:
        k = 1
        while k < len(self.xs) - 1 and self.xs[k] <= sec:
            k += 1
        return k

    def level(self, sec: float) -> float:
        """The level at ``sec`` seconds after midnight."""
        k = self._segment(sec)
        x0, x1, y0, y1 = self.xs[k - 1], self.xs[k], self.ys[k - 1], self.ys[k]
        return y0 + (y1 - y0) * (sec - x0) / (x1 - x0)

    def integral(self, sec: float) -> float:
        """The integral of the level from midnight to ``sec`` (level x seconds)."""
        k = self._segment(sec)
        x0, y0 = self.xs[k - 1], self.ys[k - 1]
        return self.cum[k - 1] + (sec - x0) * (y0 + self.level(sec)) / 2


class Profile:
    """A week: one shape for Monday-Friday, one for the weekend, in Asia/Taipei local time."""

    def __init__(self, name: str, weekday: DayShape, weekend: DayShape) -> None:
        self.name = name
        self.weekday = weekday
        self.weekend = weekend
        self._noise_levels: dict[int, float] = {}

    def _day(self, t: float) -> tuple[int, float, DayShape]:
        days, sec = divmod(t - EPOCH_MONDAY, DAY_S)
        d = int(days)
        return d, sec, self.weekday if d % 7 < 5 else self.weekend

    def level(self, t: float) -> float:
        """The level at epoch time ``t``."""
        _, sec, shape = self._day(t)
        return shape.level(sec)

    def integral(self, t: float) -> float:
        """The integral of the level from 2024-01-01 00:00 Taipei to epoch time ``t`` (negative before)."""
        d, sec, shape = self._day(t)
        weeks, rem = divmod(d, 7)
        weekdays = 5 * weeks + min(rem, 5)
        return weekdays * self.weekday.total + (d - weekdays) * self.weekend.total + shape.integral(sec)

    def min_level(self, t0: float, t1: float) -> float:
        """The lowest level on [t0, t1] (at an end or at a knot inside)."""
        best = min(self.level(t0), self.level(t1))
        d0, _, _ = self._day(t0)
        d1, _, _ = self._day(t1)
        for d in range(d0, d1 + 1):
            shape = self.weekday if d % 7 < 5 else self.weekend
            base = EPOCH_MONDAY + d * DAY_S
            for x, y in zip(shape.xs, shape.ys, strict=True):
                if t0 < base + x < t1:
                    best = min(best, y)
        return best

    def noise_level(self, j: int) -> float:
        """Scale of the noise knot ``j``: the lowest level between knots j-1 and j+1 (keeps rates positive)."""
        got = self._noise_levels.get(j)
        if got is None:
            if len(self._noise_levels) > 100_000:
                self._noise_levels.clear()
            got = self._noise_levels[j] = self.min_level((j - 1) * NOISE_KNOT_S, (j + 1) * NOISE_KNOT_S)
        return got


PROFILES: dict[str, Profile] = {
    "office": Profile(
        "office",
        DayShape(
            _knots(
                (0, 0.02),
                (7, 0.03),
                (7.7, 0.55),
                (8.5, 0.8),
                (11.9, 0.8),
                (12.1, 0.45),
                (12.9, 0.45),
                (13.2, 0.8),
                (16.5, 0.75),
                (17.5, 0.15),
                (19, 0.05),
                (23, 0.02),
            )
        ),
        DayShape(_knots((0, 0.02), (9, 0.02), (10, 0.06), (16, 0.06), (17, 0.02))),
    ),
    "classroom": Profile(
        "classroom",
        DayShape(
            _knots(
                (0, 0.02),
                (7.3, 0.03),
                (7.8, 0.5),
                (8.2, 0.85),
                (11.9, 0.85),
                (12.1, 0.25),
                (12.9, 0.25),
                (13.3, 0.8),
                (16, 0.7),
                (17, 0.12),
                (18, 0.04),
                (22, 0.02),
            )
        ),
        DayShape(_knots((0, 0.02), (10, 0.02), (11, 0.05), (16, 0.05), (17, 0.02))),
    ),
    "lab": Profile(
        "lab",
        DayShape(
            _knots(
                (0, 0.01),
                (7.5, 0.02),
                (8.1, 0.6),
                (8.4, 1.0),
                (11.9, 0.9),
                (12.1, 0.1),
                (12.9, 0.1),
                (13.3, 1.0),
                (15.9, 0.9),
                (16.5, 0.1),
                (17.5, 0.02),
                (22, 0.01),
            )
        ),
        DayShape(_knots((0, 0.01), (24, 0.01))),
    ),
    "server": Profile(
        "server",
        DayShape(_knots((0, 0.2), (2, 0.5), (3, 0.2), (7.5, 0.3), (8.5, 0.8), (16.5, 0.75), (18, 0.3), (24, 0.2))),
        DayShape(_knots((0, 0.2), (2, 0.5), (3, 0.2), (24, 0.2))),
    ),
}


def mix(seed: int, j: int) -> float:
    """A uniform number in [0, 1) from (seed, j): splitmix64, cheap and deterministic."""
    z = (seed * 0x9E3779B97F4A7C15 + j * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return ((z ^ (z >> 31)) >> 11) / float(1 << 53)


# ---------------------------------------------------------------------------------------------------------------
# Port traffic


@dataclass
class Leaf:
    """Traffic a port carries itself: ``peak`` bytes/s (out, towards the device plugged in) x the profile + noise."""

    profile: Profile
    peak: float
    up_ratio: float
    seed: int

    def _noise(self, seed: int, t: float) -> float:
        """The noise part of the integral at t (level x seconds); its slope is within +-NOISE_AMPLITUDE x level."""
        j = math.floor(t / NOISE_KNOT_S)
        frac = t / NOISE_KNOT_S - j
        a = NOISE_AMPLITUDE * NOISE_KNOT_S
        h0 = self.profile.noise_level(j) * a * (mix(seed, j) - 0.5)
        h1 = self.profile.noise_level(j + 1) * a * (mix(seed, j + 1) - 0.5)
        return h0 + (h1 - h0) * frac

    def integral(self, t: float) -> tuple[float, float]:
        """(in, out) octets from the profile's epoch to t (large; only differences matter)."""
        if not self.peak:
            return 0.0, 0.0
        base = self.profile.integral(t)
        out = self.peak * (base + self._noise(self.seed, t))
        inn = self.peak * self.up_ratio * (base + self._noise(self.seed + 1, t))
        return inn, out


@dataclass(eq=False)
class PortModel:
    """A port's traffic: its own :class:`Leaf` (if any) plus shares of other ports' traffic.

    ``children`` holds (port, share, swap): with swap, the child's out counts as this port's in and vice versa
    (a switch's uplink receives what its edge ports send out).
    """

    leaf: Leaf | None = None
    children: list[tuple[PortModel, float, bool]] = field(default_factory=list)
    speed_bps: int = GBIT
    offset_in: int = 0
    offset_out: int = 0
    error_every: float = 0.0  # octets in per input error (0: none)
    discard_every: float = 0.0  # octets out per output discard (0: none)

    def integral(self, t: float, memo: dict[int, tuple[float, float]]) -> tuple[float, float]:
        """(in, out) octets from the epoch to t, memoised per request time in ``memo``."""
        got = memo.get(id(self))
        if got is not None:
            return got
        inn, out = self.leaf.integral(t) if self.leaf else (0.0, 0.0)
        for child, share, swap in self.children:
            c_in, c_out = child.integral(t, memo)
            if swap:
                c_in, c_out = c_out, c_in
            inn += share * c_in
            out += share * c_out
        memo[id(self)] = (inn, out)
        return inn, out

    def peak_bps(self) -> tuple[float, float]:
        """The highest (in, out) rate the port can reach, noise included, in bit/s."""
        inn = out = 0.0
        if self.leaf:
            top = 8 * self.leaf.peak * (1 + NOISE_AMPLITUDE)
            inn, out = top * self.leaf.up_ratio, top
        for child, share, swap in self.children:
            c_in, c_out = child.peak_bps()
            if swap:
                c_in, c_out = c_out, c_in
            inn += share * c_in
            out += share * c_out
        return inn, out


class TrafficModel:
    """Counters of every port of every switch, from the port models, one simulated clock and one boot per switch."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._memo_t: float | None = None
        self._memo: dict[int, tuple[float, float]] = {}
        self._base: dict[int, tuple[float, float]] = {}

    def _integral(self, port: PortModel, t: float) -> tuple[float, float]:
        if t != self._memo_t:
            self._memo_t, self._memo = t, {}
        return port.integral(t, self._memo)

    def counters(self, port: PortModel, boot_ts: float, t: float) -> PortCounters:
        """All counters of ``port`` at simulated time ``t`` (octets since boot / speed factor, plus an offset)."""
        base = self._base.get(id(port))
        if base is None:
            base = self._base[id(port)] = port.integral(boot_ts, {})
        inn, out = self._integral(port, t)
        f = self.clock.speed
        oct_in = port.offset_in + max(0, int((inn - base[0]) / f))
        oct_out = port.offset_out + max(0, int((out - base[1]) / f))
        return PortCounters(
            in_octets=oct_in,
            out_octets=oct_out,
            in_ucast=oct_in // 760,
            out_ucast=oct_out // 940,
            in_mcast=oct_in // 260_000,
            out_mcast=oct_out // 480_000,
            in_bcast=oct_in // 410_000,
            out_bcast=oct_out // 620_000,
            in_errors=int((oct_in - port.offset_in) // port.error_every) if port.error_every else 0,
            out_discards=int((oct_out - port.offset_out) // port.discard_every) if port.discard_every else 0,
        )

    def source(self, ports: list[PortModel], boot_ts: float) -> Callable[[int, float], PortCounters]:
        """The counter source of one switch for :class:`devices.simagent.SimDevice`."""
        return lambda pos, t: self.counters(ports[pos], boot_ts, t)
