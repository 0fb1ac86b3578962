"""The demo network: a simulated school on 127.0.0.1, served over real SNMP and polled like a real one.

API (the CLI's ``main.py demo`` and the GUI build on these)::

    net = DemoNetwork(speed=60.0)              # fast-forward: one simulated minute per real second
    net = DemoNetwork(speed=60.0, wireless=True)   # the same with the wireless controller (see below)
    port = await net.start_async()             # on a running loop (e.g. CoreLoop.submit(net.start_async()))
    net.ensure_store(default_demo_db())        # a separate demo store: one device per simulated switch
    ...                                        # poll it (the poller marks the "Uplink to ..." ports)
    await net.stop_async()                     # the port is free again

    net.start(); ...; net.stop()               # the same from synchronous code (the agent gets its own CoreLoop)

    run_demo_headless(db_path, speed, interval, stop_event)   # agent + store + Poller until stop_event is set

The school (:data:`SCHOOL`): a Cisco Catalyst 2960-X core switch (``1.3.6.1.4.1.9.1.1208``) in the 資訊中心 with
one 1 Gbit/s uplink to the county network center (TANet), downlinks to seven access switches in 行政大樓,
教學大樓A/B, 圖書館, 體育館, 科學館 and the computer classroom (HPE ProCurve 2530, Zyxel GS1900, D-Link DGS-1510,
Edgecore ECS4100, with their real sysObjectIDs and sysDescr texts), and a few servers on the core. Every switch is
selected on the one agent port by its own community (``demo-core``, ``demo-adm`` ...). Port aliases name what is
plugged in (教務處, 301 教室, AP 3F 走廊 ...); uplinks are aliased "Uplink to ...", which the poller takes as uplinks.

With ``wireless=True`` (the ``demo`` command) the network also has a wireless controller, :data:`WLC_NAME`: an
Aruba Mobility Controller (community ``demo-wlc``) with twelve APs across the buildings, three SSIDs and clients that
follow the school day, one AP down since the day before (see :mod:`monitor.demo.wireless`). It is kept apart from
``switches`` (``net.controller``); ``net.devices`` lists both.

The traffic model (all deterministic from ``seed``):

- Each edge port has a peak rate (download; upload is 15-45 % of it) and a day shape (office, classroom,
  computer lab, server) in Asia/Taipei time (UTC+8, no DST): weekdays busy from about 07:30 to 17:00 with a dip at
  12:00-13:00, low at night and at weekends. The shape is piecewise linear, so its integral is closed form.
- Noise: a piecewise-linear random function is added to the *integral* (knots every 120 simulated seconds), scaled
  by the lowest shape level around each knot, so the rate wobbles by up to +-40 % yet never goes negative; its
  integral is closed form too. A counter is therefore ``offset + integral of rate``, computed in O(1) per port.
- An access switch's uplink carries 90 % of the sum of its edge ports (in and out swapped) plus a little
  management traffic; the core's downlink mirrors it; the internet uplink carries 85 % of all downlinks, so it is
  the busiest port. Peaks are scaled school-wide so no rate, noise included, exceeds 95 % of the port speed.
- Packets, broadcasts and multicasts follow the octets; one edge port on a few switches has an occasional input
  error; the internet uplink drops an occasional packet at peak time. Some edge ports are down (nothing plugged
  in), two per access switch are administratively down; their counters stand still.

Fast-forward (``speed`` factor F): simulated time = start + F x real time elapsed. sysUpTime advances at F. The
octet counters grow by (integral of the model's rate over simulated time) / F, so the rates a poller measures over
its wall clock are the model's rates at the simulated moment (a school day's shape in minutes, with real-looking
Mbit/s, never above the port speed) instead of F x those rates. With F != 1, ifCounterDiscontinuityTime is the
uptime at agent start, so a poller discards the delta across two demo runs instead of showing a spike; with F = 1
the simulated time is the real time and counters continue across runs (the boot time stays put within a week).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import math
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from devices.simagent import PortCounters, SimAgent, SimClock, SimDevice, SimPort
from monitor.demo import wireless as demo_wireless
from monitor.polling.scheduler import CoreLoop, CycleResult, Poller
from monitor.storage import history
from monitor.storage.inventory import DeviceSpec, add_device, store_id
from monitor.storage.secrets import SecretStore, open_secrets
from monitor.storage.store import RETENTION_S, ROLLUP_TIERS, connect

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
TAIPEI_UTC_OFFSET_S = 8 * 3600
DAY_S = 86400
EPOCH_MONDAY = 1704038400  # 2024-01-01 00:00 Asia/Taipei, a Monday
NOISE_KNOT_S = 120.0
NOISE_AMPLITUDE = 0.4
PEAK_HEADROOM = 0.95  # no rate above this fraction of its port's speed, noise included
UPLINK_SHARE = 0.9  # of an access switch's edge traffic that leaves through its uplink
INTERNET_SHARE = 0.85  # of the downlinks' traffic that goes to the internet
GBIT = 1_000_000_000
DEFAULT_SEED = 20240901


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


def _mix(seed: int, j: int) -> float:
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
        h0 = self.profile.noise_level(j) * a * (_mix(seed, j) - 0.5)
        h1 = self.profile.noise_level(j + 1) * a * (_mix(seed, j + 1) - 0.5)
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


# ---------------------------------------------------------------------------------------------------------------
# The school


@dataclass(frozen=True)
class SwitchModel:
    """A real switch model: what its agent says about itself and how it names its ports."""

    sys_descr: str
    sys_object_id: str
    vendor: str  # as devices.platforms.identify() names it
    platform: str
    ports: int
    uplink: int  # 1-based port number of the uplink
    naming: Callable[[int], tuple[int, str, str]]  # port number -> (ifIndex, ifName, ifDescr)
    speed_bps: Callable[[int], int] = lambda n: GBIT


def _cisco_name(n: int) -> tuple[int, str, str]:
    if n <= 48:
        return 10100 + n, f"Gi1/0/{n}", f"GigabitEthernet1/0/{n}"
    return 10100 + n, f"Te1/0/{n - 48}", f"TenGigabitEthernet1/0/{n - 48}"


_CISCO_2960X = SwitchModel(
    "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc3)\r\n"
    "Technical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2023 by Cisco Systems, Inc.\r\n"
    "Compiled Tue 26-Sep-23 03:53 by mcpre",
    "1.3.6.1.4.1.9.1.1208",
    "Cisco",
    "cisco_ios",
    50,
    48,
    _cisco_name,
    lambda n: GBIT if n <= 48 else 10 * GBIT,
)
_HP_2530_48 = SwitchModel(
    "HP J9775A 2530-48G Switch, revision YA.16.11.0015, ROM YA.15.20 "
    "(/ws/swbuildm/rel_yakima_qaoff/code/build/lakes(swbuildm_rel_yakima_qaoff_rel_yakima))",
    "1.3.6.1.4.1.11.2.3.7.11.153",
    "HPE Aruba",
    "hp_procurve",
    52,
    49,
    lambda n: (n, str(n), str(n)),
)
_HP_2530_24 = SwitchModel(
    "HP J9776A 2530-24G Switch, revision YA.16.11.0015, ROM YA.15.20 "
    "(/ws/swbuildm/rel_yakima_qaoff/code/build/lakes(swbuildm_rel_yakima_qaoff_rel_yakima))",
    "1.3.6.1.4.1.11.2.3.7.11.154",
    "HPE Aruba",
    "hp_procurve",
    28,
    25,
    lambda n: (n, str(n), str(n)),
)
_ZYXEL_GS1900_48 = SwitchModel(
    "GS1900-48",
    "1.3.6.1.4.1.890.1.15",
    "Zyxel",
    "zyxel_switch",
    50,
    49,
    lambda n: (n, f"GigabitEthernet{n}", f"GigabitEthernet{n}"),
)
_ZYXEL_GS1900_24 = SwitchModel(
    "GS1900-24",
    "1.3.6.1.4.1.890.1.15",
    "Zyxel",
    "zyxel_switch",
    26,
    25,
    lambda n: (n, f"GigabitEthernet{n}", f"GigabitEthernet{n}"),
)
_DLINK_1510_28 = SwitchModel(
    "DGS-1510-28 Gigabit Ethernet SmartPro Switch",
    "1.3.6.1.4.1.171.10.137.2.1",
    "D-Link",
    "dlink_switch",
    28,
    25,
    lambda n: (n, f"eth1/0/{n}", f"D-Link Corporation DGS-1510-28 HW A1 firmware 1.70.012 Port {n} on Unit 1"),
)
_EDGECORE_4100_28T = SwitchModel(
    "ECS4100-28T",
    "1.3.6.1.4.1.259.10.1.46.104",
    "Edgecore",
    "edgecore",
    28,
    25,
    lambda n: (n, f"Port{n}", f"Ethernet Port on unit 1, port {n}"),
)


@dataclass(frozen=True)
class Building:
    """One access switch of the school: device name, community, location, model and what its ports serve."""

    name: str
    community: str
    location: str
    model: SwitchModel
    profile: str
    rooms: tuple[str, ...]


SCHOOL: tuple[Building, ...] = (
    Building(
        "行政大樓-SW",
        "demo-adm",
        "行政大樓 1F 機櫃",
        _HP_2530_48,
        "office",
        (
            "教務處",
            "學務處",
            "總務處",
            "輔導室",
            "校長室",
            "人事室",
            "會計室",
            "印表機 2F",
            "AP 行政大樓 1F",
            "AP 行政大樓 2F",
        ),
    ),
    Building(
        "教學大樓A-SW",
        "demo-teach-a",
        "教學大樓A 1F 機櫃",
        _ZYXEL_GS1900_48,
        "classroom",
        ("101 教室", "102 教室", "201 教室", "202 教室", "301 教室", "302 教室", "AP 2F 走廊", "AP 3F 走廊", "導師室"),
    ),
    Building(
        "教學大樓B-SW",
        "demo-teach-b",
        "教學大樓B 1F 機櫃",
        _DLINK_1510_28,
        "classroom",
        ("105 教室", "106 教室", "205 教室", "206 教室", "305 教室", "AP 教學大樓B", "視聽教室"),
    ),
    Building(
        "圖書館-SW",
        "demo-library",
        "圖書館 2F",
        _EDGECORE_4100_28T,
        "office",
        ("借還書櫃台", "查詢電腦", "閱覽區 AP", "自習室 AP", "館員辦公室"),
    ),
    Building(
        "體育館-SW",
        "demo-gym",
        "體育館 1F 器材室",
        _DLINK_1510_28,
        "classroom",
        ("AP 球場", "廣播系統", "計分板", "體育組辦公室", "監視器 NVR"),
    ),
    Building(
        "科學館-SW",
        "demo-science",
        "科學館 1F",
        _HP_2530_24,
        "classroom",
        ("物理實驗室", "化學實驗室", "生物實驗室", "AP 科學館", "自然科辦公室"),
    ),
    Building(
        "電腦教室-SW",
        "demo-lab",
        "教學大樓A 3F 電腦教室",
        _ZYXEL_GS1900_24,
        "lab",
        ("3F 電腦教室 教師機", *(f"3F 電腦教室 PC{k:02d}" for k in range(1, 21))),
    ),
)
CORE_NAME = "核心交換器"
CORE_COMMUNITY = "demo-core"
CORE_SERVERS = ("Server 校務行政系統", "Server DNS/DHCP", "NAS 備份", "無線控制器 WLC")
INTERNET_ALIAS = "Uplink to 縣網中心 (TANet 1G)"


@dataclass
class DemoSwitch:
    """One simulated switch of the demo and how it goes into the store."""

    name: str
    community: str
    role: str
    location: str
    vendor: str
    platform: str
    device: SimDevice
    ports: list[PortModel]
    uplink_ifindex: int


def _week_start(t: float) -> float:
    """Monday 00:00 Asia/Taipei at or before epoch time ``t``."""
    week = 7 * DAY_S
    return EPOCH_MONDAY + math.floor((t - EPOCH_MONDAY) / week) * week


def _room_profile(alias: str, default: str) -> str:
    if alias.startswith(("Server", "NAS", "監視器", "廣播", "無線控制器")):
        return "server"
    if alias.startswith("AP"):
        return "classroom"
    return default


@dataclass
class _Draft:
    """A switch being built: its ports (agent side) and their traffic (model side), in the same order."""

    sim_ports: list[SimPort] = field(default_factory=list)
    models: list[PortModel] = field(default_factory=list)
    uplink: PortModel | None = None
    uplink_ifindex: int = 0

    def add(self, port: SimPort, model: PortModel) -> PortModel:
        self.sim_ports.append(port)
        self.models.append(model)
        return model


def _leaf(rng: Random, profile: str, speed: int, low: float, high: float) -> Leaf:
    peak = rng.uniform(low, high) * speed / 8
    return Leaf(PROFILES[profile], peak, rng.uniform(0.15, 0.45), rng.getrandbits(48))


def _new_model(rng: Random, speed: int = GBIT) -> PortModel:
    """A port with no traffic yet and seeded counter offsets (counters never start at zero on a real switch)."""
    return PortModel(
        speed_bps=speed, offset_in=rng.randrange(10**8, 4 * 10**10), offset_out=rng.randrange(10**8, 8 * 10**10)
    )


def _draft_access(b: Building, rng: Random) -> _Draft:
    """Ports of one access switch: named rooms first, then unnamed desks (some down), then the uplink."""
    m = b.model
    draft = _Draft()
    unnamed = [n for n in range(1 + len(b.rooms), m.uplink)]
    admin_down = set(rng.sample(unnamed, 2)) if len(unnamed) >= 2 else set()
    edges: list[PortModel] = []
    for n in range(1, m.ports + 1):
        ifindex, name, descr = m.naming(n)
        speed = m.speed_bps(n)
        port = SimPort(ifindex, name, descr, speed_bps=speed, last_change_ticks=rng.randrange(500, 500_000))
        model = _new_model(rng, speed)
        if n == m.uplink:
            port.alias = "Uplink to core"
            model.leaf = Leaf(PROFILES["server"], 2500.0, 1.0, rng.getrandbits(48))
            draft.uplink, draft.uplink_ifindex = model, ifindex
        elif n <= len(b.rooms):
            port.alias = b.rooms[n - 1]
            high = 0.2 if port.alias.startswith("AP") else 0.12
            model.leaf = _leaf(rng, _room_profile(port.alias, b.profile), speed, 0.02, high)
        elif n < m.uplink and n not in admin_down and rng.random() < 0.6:
            model.leaf = _leaf(rng, b.profile, speed, 0.002, 0.03)
        else:
            port.oper_up = False
            port.admin_up = n not in admin_down
        if model.leaf is not None and n != m.uplink:
            edges.append(model)
        draft.add(port, model)
    assert draft.uplink is not None
    draft.uplink.children = [(e, UPLINK_SHARE, True) for e in edges]
    if edges and rng.random() < 0.5:
        rng.choice(edges).error_every = rng.uniform(3e8, 1e9)
    return draft


def _draft_core(uplinks: list[PortModel], rng: Random) -> tuple[_Draft, PortModel]:
    """The core: downlinks to the buildings (ports 1-7), servers (10-13), 資訊組 (20-22), internet (48)."""
    m = _CISCO_2960X
    draft = _Draft()
    downlinks: list[PortModel] = []
    internet = _new_model(rng)
    internet.discard_every = rng.uniform(2e10, 5e10)
    for n in range(1, m.ports + 1):
        ifindex, name, descr = m.naming(n)
        speed = m.speed_bps(n)
        port = SimPort(ifindex, name, descr, speed_bps=speed, last_change_ticks=rng.randrange(500, 500_000))
        model = _new_model(rng, speed)
        if n <= len(uplinks):
            port.alias = f"Downlink {SCHOOL[n - 1].name.removesuffix('-SW')}"
            model.children = [(uplinks[n - 1], 1.0, True)]
            downlinks.append(model)
        elif 10 <= n < 10 + len(CORE_SERVERS):
            port.alias = CORE_SERVERS[n - 10]
            model.leaf = _leaf(rng, "server", speed, 0.05, 0.15)
        elif 20 <= n <= 22:
            port.alias = f"資訊組辦公室 {n - 19}"
            model.leaf = _leaf(rng, "office", speed, 0.01, 0.05)
        elif n == m.uplink:
            port.alias = INTERNET_ALIAS
            model = internet
            model.speed_bps = speed
        else:
            port.oper_up = False
        draft.add(port, model)
    draft.uplink, draft.uplink_ifindex = internet, m.naming(m.uplink)[0]
    internet.children = [(d, INTERNET_SHARE, True) for d in downlinks]
    return draft, internet


def _normalise(drafts: list[_Draft], internet: PortModel) -> None:
    """Scale the access switches' edge traffic so the internet uplink peaks at PEAK_HEADROOM of its speed and no
    uplink, downlink or edge port (noise included) goes above PEAK_HEADROOM of its own speed."""
    edges = [c for d in drafts[1:] if d.uplink for c, _, _ in d.uplink.children]
    busiest = [internet] + [m for d in drafts for m in d.models if m.children]
    factor = min(PEAK_HEADROOM * p.speed_bps / max(1.0, *p.peak_bps()) for p in busiest)
    for edge in edges:
        if edge.leaf is not None:
            edge.leaf.peak *= factor
    for d in drafts:
        for p in d.models:
            if p.leaf is not None and not p.children:
                top = max(p.peak_bps())
                if top > PEAK_HEADROOM * p.speed_bps:
                    p.leaf.peak *= PEAK_HEADROOM * p.speed_bps / top


# Extra access switches for benchmarks (see :func:`build_large_school`): the school's models in turn.
_BENCH_MODELS = (_HP_2530_24, _ZYXEL_GS1900_48, _DLINK_1510_28, _HP_2530_48, _EDGECORE_4100_28T, _ZYXEL_GS1900_24)
_BENCH_PROFILES = ("classroom", "office", "classroom", "lab")
BENCH_GROUP = 20  # extra switches per location, so the device tree has groups


def bench_building(k: int) -> Building:
    """The ``k``-th extra access switch (1-based): name ``Bench-SW-001``, community ``demo-bench-001`` ..."""
    return Building(
        f"Bench-SW-{k:03d}",
        f"demo-bench-{k:03d}",
        f"Bench rack {(k - 1) // BENCH_GROUP + 1:02d}",
        _BENCH_MODELS[k % len(_BENCH_MODELS)],
        _BENCH_PROFILES[k % len(_BENCH_PROFILES)],
        ("AP 走廊", "導師室", f"{100 + k % 400} 教室"),
    )


def _normalise_alone(draft: _Draft) -> None:
    """Scale a stand-alone access switch's edges so its uplink, and each edge, stays below PEAK_HEADROOM."""
    uplink = draft.uplink
    assert uplink is not None
    factor = min(1.0, PEAK_HEADROOM * uplink.speed_bps / max(1.0, *uplink.peak_bps()))
    for edge, _, _ in uplink.children:
        if edge.leaf is not None:
            edge.leaf.peak *= factor
            top = max(edge.peak_bps())
            if top > PEAK_HEADROOM * edge.speed_bps:
                edge.leaf.peak *= PEAK_HEADROOM * edge.speed_bps / top


def _school_drafts(
    seed: int, extra_switches: int
) -> tuple[list[tuple[str, str, str, SwitchModel]], list[_Draft], Random]:
    """(name, community, location, model) and the draft of every switch: the core, SCHOOL, then the extras; and
    the school's random stream, to draw the boot times from.

    The extras draw from their own random stream, so the school itself is the same with or without them.
    """
    rng = Random(seed)
    access = [_draft_access(b, rng) for b in SCHOOL]
    core, internet = _draft_core([d.uplink for d in access if d.uplink is not None], rng)
    drafts = [core, *access]
    _normalise(drafts, internet)
    specs = [(CORE_NAME, CORE_COMMUNITY, "資訊中心 機房", _CISCO_2960X)]
    specs += [(b.name, b.community, b.location, b.model) for b in SCHOOL]
    extra_rng = Random(seed + 1)
    for k in range(1, extra_switches + 1):
        b = bench_building(k)
        draft = _draft_access(b, extra_rng)
        _normalise_alone(draft)
        drafts.append(draft)
        specs.append((b.name, b.community, b.location, b.model))
    return specs, drafts, rng


def build_school(clock: SimClock, traffic: TrafficModel, seed: int, extra_switches: int = 0) -> list[DemoSwitch]:
    """The core and the access switches of :data:`SCHOOL` (plus ``extra_switches`` stand-alone access switches
    from :func:`bench_building`), with their traffic, ready for a :class:`SimAgent`."""
    specs, drafts, rng = _school_drafts(seed, extra_switches)
    week = _week_start(clock.sim_start)
    switches: list[DemoSwitch] = []
    for (name, community, location, model), draft in zip(specs, drafts, strict=True):
        boot = week - rng.uniform(3, 45) * DAY_S
        device = SimDevice(
            community=community,
            sys_descr=model.sys_descr,
            sys_object_id=model.sys_object_id,
            sys_name=name,
            ports=draft.sim_ports,
            counters=traffic.source(draft.models, boot),
            clock=clock,
            boot_ts=boot,
            sys_location=location,
            mac_base=0x00_1A_2B_00_00_00 + (len(switches) << 16),
        )
        if clock.speed != 1.0:
            device.disc_ticks = device.uptime_ticks(clock.sim_start)
        switches.append(
            DemoSwitch(
                name,
                community,
                "switch",
                location,
                model.vendor,
                model.platform,
                device,
                draft.models,
                draft.uplink_ifindex,
            )
        )
    return switches


WLC_NAME = "無線控制器"
WLC_COMMUNITY = "demo-wlc"
WLC_LOCATION = "資訊中心 機房"
_ARUBA_7010 = SwitchModel(
    "ArubaOS (MODEL: Aruba7010), Version 8.10.0.12 LSR",
    "1.3.6.1.4.1.14823.1.1.32",
    "HPE Aruba",
    "aruba_os",
    4,
    1,
    lambda n: (n, f"GE0/0/{n - 1}", f"GE0/0/{n - 1}"),
)


def build_controller(
    clock: SimClock, traffic: TrafficModel, seed: int
) -> tuple[DemoSwitch, demo_wireless.WirelessModel]:
    """The wireless controller: its uplink to the core (the APs' tunnels), three unused ports, and its WLSX tables.

    Drawn from its own random stream, so the school's switches are the same with or without it.
    """
    rng = Random(seed + 2)
    m = _ARUBA_7010
    boot = _week_start(clock.sim_start) - rng.uniform(10, 40) * DAY_S
    ports: list[SimPort] = []
    models: list[PortModel] = []
    for n in range(1, m.ports + 1):
        ifindex, name, descr = m.naming(n)
        port = SimPort(ifindex, name, descr, last_change_ticks=rng.randrange(500, 500_000))
        model = _new_model(rng)
        if n == m.uplink:
            port.alias = "Uplink to core (AP tunnels)"
            model.leaf = _leaf(rng, "classroom", GBIT, 0.05, 0.12)
        else:
            port.oper_up = False
        ports.append(port)
        models.append(model)
    wireless = demo_wireless.WirelessModel(PROFILES, _mix, seed, clock.sim_start, boot)
    device = SimDevice(
        community=WLC_COMMUNITY,
        sys_descr=m.sys_descr,
        sys_object_id=m.sys_object_id,
        sys_name="school-wlc",
        ports=ports,
        counters=traffic.source(models, boot),
        clock=clock,
        boot_ts=boot,
        sys_location=WLC_LOCATION,
        mac_base=0x00_1A_1E_00_00_00,
        extra=wireless.sim_objects(),
    )
    if clock.speed != 1.0:
        device.disc_ticks = device.uptime_ticks(clock.sim_start)
    switch = DemoSwitch(WLC_NAME, WLC_COMMUNITY, "controller", WLC_LOCATION, m.vendor, m.platform, device, models, 1)
    return switch, wireless


# ---------------------------------------------------------------------------------------------------------------
# Running it


def default_demo_db() -> Path:
    """Where the demo keeps its own store: ``<user data dir>/CampusNet/demo.db`` (the folder is created)."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("CampusNet", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "demo.db"


class DemoNetwork:
    """The simulated school: its switches, the traffic model, one :class:`SimAgent` on 127.0.0.1.

    Simulated time starts when the network is made: ``start`` (epoch seconds; default now) advancing ``speed``
    times faster than real time.
    """

    def __init__(
        self,
        speed: float = 1.0,
        start: float | None = None,
        seed: int = DEFAULT_SEED,
        extra_switches: int = 0,
        wireless: bool = False,
    ) -> None:
        self.clock = SimClock(start, speed)
        self.traffic = TrafficModel(self.clock)
        self.switches = build_school(self.clock, self.traffic, seed, extra_switches)
        self.controller: DemoSwitch | None = None
        self.wireless: demo_wireless.WirelessModel | None = None
        if wireless:
            self.controller, self.wireless = build_controller(self.clock, self.traffic, seed)
        if not extra_switches:  # the school as cabled: LLDP neighbours (the large benchmark school has none)
            from monitor.demo.ssh import lldp_objects, neighbours_of

            heard = neighbours_of(self.switches)
            for sw in self.switches:
                sw.device.add_objects(lldp_objects(sw, heard[sw.name]))
        self.agent = SimAgent([s.device for s in self.devices])
        self.ssh: Any = None  # monitor.demo.ssh.DemoSsh once start_ssh() ran
        self._core_loop: CoreLoop | None = None

    @property
    def devices(self) -> list[DemoSwitch]:
        """The switches, then the wireless controller if there is one."""
        return [*self.switches, *([self.controller] if self.controller else [])]

    @property
    def port(self) -> int:
        """The agent's UDP port on 127.0.0.1 (0 before the first start)."""
        return self.agent.port

    def switch(self, name: str) -> DemoSwitch:
        """The switch (or the controller) named ``name``."""
        return next(s for s in self.devices if s.name == name)

    async def start_async(self, port: int = 0) -> int:
        """Start the agent on the running loop (port 0: a free one); returns the port."""
        self.agent.port = port or 0
        return await self.agent.start()

    async def stop_async(self) -> None:
        """Stop the agent; the port is free once this returns."""
        await self.agent.stop()

    def start(self, port: int = 0) -> int:
        """Start the agent on its own core loop thread (for synchronous callers); returns the port."""
        if self._core_loop is None:
            self._core_loop = CoreLoop()
        return self._core_loop.submit(self.start_async(port)).result(timeout=10)

    def stop(self) -> None:
        """Stop the agent started by :meth:`start`, its loop thread and the SSH command lines. Safe to call twice."""
        self.stop_ssh()
        loop, self._core_loop = self._core_loop, None
        if loop is not None:
            loop.submit(self.stop_async()).result(timeout=10)
            loop.stop()

    def start_ssh(self) -> None:
        """Start the SSH command lines of the devices CampusNet can configure (see :mod:`monitor.demo.ssh`)."""
        from monitor.demo.ssh import DemoSsh

        if self.ssh is None:
            self.ssh = DemoSsh(self.devices)
        self.ssh.start()

    def stop_ssh(self) -> None:
        """Stop the SSH command lines. Safe to call twice."""
        if self.ssh is not None:
            self.ssh.stop()

    def ensure_store(self, db_path: Path | str, port: int | None = None) -> None:
        """Create or update one device per simulated switch (and the controller) in the (demo) store at ``db_path``.

        Host 127.0.0.1, SNMP v2c on the agent's current port (or ``port``: an agent serving the same network in
        another process, see ``python -m monitor.demo.network --serve``), the switch's community (through the store's
        secret store), role and location. Call after starting, and before a Poller writes to the same store.
        """
        agent_port = port or self.port
        if not agent_port:
            raise RuntimeError("start the demo network before ensure_store()")
        path = Path(db_path)
        conn = connect(path)
        try:
            secrets = open_secrets(path, store_id(conn))
            for sw in self.devices:
                self._ensure_device(conn, secrets, sw, agent_port)
            if self.ssh is not None:
                self.ssh.register(conn, secrets)
            with conn:
                conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('demo', '1')")
        finally:
            conn.close()

    def _ensure_device(self, conn: sqlite3.Connection, secrets: SecretStore, sw: DemoSwitch, port: int) -> None:
        row = conn.execute("SELECT id FROM devices WHERE name = ?", (sw.name,)).fetchone()
        if row is None:
            spec = DeviceSpec(
                name=sw.name,
                host=HOST,
                snmp_port=port,
                role=sw.role,
                location=sw.location,
                timeout_s=1.0,
                retries=1,
                secrets={"community": sw.community},
            )
            add_device(conn, secrets, spec)
            return
        secrets.set(sw.name, "community", sw.community)
        with conn:
            conn.execute(
                "UPDATE devices SET host = ?, snmp_port = ?, snmp_version = '2c', role = ?, location = ? WHERE id = ?",
                (HOST, port, sw.role, sw.location, row["id"]),
            )


def build_large_school(
    n_devices: int = 200, speed: float = 1.0, start: float | None = None, seed: int = DEFAULT_SEED
) -> DemoNetwork:
    """The school plus stand-alone 24/48-port access switches up to ``n_devices`` switches in all (for benchmarks:
    every switch has its own community on the one agent port)."""
    return DemoNetwork(speed, start, seed, extra_switches=max(0, n_devices - 1 - len(SCHOOL)))


# ---------------------------------------------------------------------------------------------------------------
# Backfill: history from the first minute

BACKFILL_MARK = "demo_backfill"  # settings key: "<first ts> <until ts>" of the synthetic history written so far
_BATCH_ROWS = 20_000  # rows per transaction: a poller writing at the same time waits for one batch at most
_SUB_RATES = 2  # a directly written rollup bucket's maximum is the highest of this many sub-interval rates
_SAMPLE_COLS = (
    "port_id, ts, in_bps, out_bps, in_err, out_err, in_disc, out_disc, in_ucast, out_ucast, in_bcast, out_bcast"
)
_ROLLUP_COLS = "port_id, ts, n, in_avg, in_max, out_avg, out_max, in_err, out_err, in_disc, out_disc"

ProgressCallback = Callable[[int, int], None]
_IDLE = (0.0,) * 10
Integrals = list[tuple[float, float]]


@dataclass(frozen=True)
class _Window:
    """What one backfill writes: raw samples at ``raw_from, raw_from + step ... last`` and rollup buckets directly
    for the older part, [tier_from[tier], next tier's start) per tier."""

    first: int
    last: int
    raw_from: int
    step: int
    tier_from: dict[str, int]

    @property
    def until(self) -> int:
        return self.last + self.step


def backfill(
    db_path: Path | str,
    days: int = 7,
    *,
    step_s: int = 300,
    now: float | None = None,
    on_progress: ProgressCallback | None = None,
    network: DemoNetwork | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Write ``days`` days of synthetic history for the demo devices in the store; returns the raw rows inserted.

    For every port of every device of the store named like a switch of ``network`` (default: the standard
    school, :class:`DemoNetwork` with the default seed; only its model is used, no agent is started), raw samples
    every ``step_s`` seconds (on the epoch grid) are written for the ``days`` days ending just before the first
    real sample (or ``now`` when there is none yet). Each rate is the model's counter integral over the step
    divided by the step, in bit/s at the real calendar time of the sample (speed 1), which is what polling the
    agent every ``step_s`` seconds would have measured. Then :func:`monitor.storage.history.rollup` fills the
    5m/30m/2h/1d
    tiers. Nothing else (no retention).

    - Ports: missing ``ports`` rows are created from the model with the key the poller uses (ifName), so this
      works before the first poll as well as after it (a later poll finds and updates the same rows).
    - Raw rows are written only where raw retention (7 days before ``now``) keeps them; older days go straight
      into ``rollup_30m`` (within 90 days), ``rollup_2h`` (within 13 months) and ``rollup_1d``; ``rollup_5m`` only
      covers the raw part. ``days=400`` therefore fills the 30 d and 1 y graphs too.
    - Idempotent: ``INSERT OR IGNORE`` on (port_id, ts) and a mark in ``settings`` (:data:`BACKFILL_MARK`):
      a second call with the same or fewer days writes nothing; the window stays anchored at the first real
      sample, so real samples are never overwritten.
    - Blocking (seconds; see ``bench/demo_backfill_bench.py``) and thread-safe in the SQLite sense: it opens its
      own connection and commits every :data:`_BATCH_ROWS` rows, so call it on a worker thread (the GUI: a
      ``QThreadPool``/``threading.Thread``; asyncio: ``asyncio.to_thread``) while a Poller keeps polling.
    - ``on_progress(done, total)`` is called from that thread after each batch (model time points done/total).
    - The wireless controller, when the store has it, gets its own history (not counted in the rows returned):
      :func:`_backfill_wireless`.
    - ``stop``: when it is set the work ends after the current batch (within a fraction of a second) and returns
      what was written; without the mark, the next call writes the rest (the demo's SIGTERM must not wait for a week
      of history).
    """
    if days <= 0 or step_s <= 0 or 1800 % step_s:
        raise ValueError("days must be positive and step_s a divisor of 1800 seconds")
    now = time.time() if now is None else now
    net = network or DemoNetwork(wireless=True)
    conn = connect(db_path)
    try:
        _backfill_wireless(conn, net, days, step_s, now)
        ports = _backfill_ports(conn, net)
        window = _backfill_window(conn, days, step_s, now)
        if not ports or window is None:
            return 0
        if _get_mark(conn) is None:  # anchor the window now, so a stopped backfill resumes the same days
            with conn:
                conn.execute(
                    "INSERT INTO settings(key, value) VALUES (?, ?)", (BACKFILL_MARK, f"{window.until} {window.until}")
                )
        progress = _Progress(window, on_progress, stop)
        try:
            written = _write_raw(conn, ports, window, progress)
            _write_old_rollups(conn, ports, window, progress)
        except BackfillStopped:
            return progress.rows
        _write_polls(conn, ports, window)
        with conn:
            _rewind_rollups(conn, window.first)
            history.rollup(conn, now)
            _set_mark(conn, window)
        return written
    finally:
        conn.close()


WIRELESS_BACKFILL_MARK = "demo_wireless_backfill"  # settings key: "<first ts> <until ts>" of the controller's history


def _backfill_wireless(conn: sqlite3.Connection, net: DemoNetwork, days: int, step_s: int, now: float) -> int:
    """The controller's counts (APs online, clients in all, per SSID, per AP) every ``step_s`` seconds for the last
    ``min(days, 7)`` days before its first real sample, if the store has the controller; see
    :func:`monitor.demo.wireless.backfill`. Returns the rows written."""
    if net.wireless is None or net.controller is None:
        return 0
    dev = conn.execute("SELECT id, name FROM devices WHERE name = ?", (net.controller.name,)).fetchone()
    if dev is None or conn.execute("SELECT 1 FROM settings WHERE key = ?", (WIRELESS_BACKFILL_MARK,)).fetchone():
        return 0
    real = conn.execute(
        """SELECT MIN((SELECT MIN(ts) FROM wireless_samples WHERE series_id = w.id)) FROM wireless_series w
           WHERE w.device_id = ?""",
        (dev["id"],),
    ).fetchone()[0]
    last = _ceil_to(min(now, real if real is not None else now), step_s) - step_s
    first = last - (min(days, 7) * DAY_S // step_s - 1) * step_s
    grid = range(first, last + 1, step_s)
    written = demo_wireless.backfill(conn, int(dev["id"]), dev["name"], net.wireless, grid, now)
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (WIRELESS_BACKFILL_MARK, f"{first} {last}")
        )
    return written


def _port_key(port: SimPort) -> str:
    """The key the poller gives this port (ifName, else ifDescr, else the ifIndex; see InterfaceRow.key)."""
    return port.name or port.descr or f"ifIndex {port.ifindex}"


def _port_row(device_id: int, p: SimPort) -> tuple[object, ...]:
    """A ``ports`` row (see :func:`_backfill_ports`) from the agent's view of a port."""
    status = (1 if p.admin_up else 2, 1 if p.oper_up else 2, int(p.alias.startswith("Uplink")))
    return (device_id, _port_key(p), p.ifindex, p.name, p.descr, p.alias, p.if_type, p.speed_bps, *status)


def _backfill_ports(conn: sqlite3.Connection, net: DemoNetwork) -> list[tuple[int, PortModel]]:
    """(port id, traffic model) of every port of the demo devices in the store; missing port rows are created."""
    by_name = {sw.name: sw for sw in net.switches}
    found: list[tuple[int, PortModel]] = []
    with conn:
        for dev in conn.execute("SELECT id, name FROM devices ORDER BY id").fetchall():
            sw = by_name.get(dev["name"])
            if sw is None:
                continue
            conn.executemany(
                """INSERT OR IGNORE INTO ports(device_id, key, ifindex, name, descr, alias, type, speed_bps,
                   admin_status, oper_status, counter_bits, present, is_uplink)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 64, 1, ?)""",
                [_port_row(int(dev["id"]), p) for p in sw.device.ports],
            )
            ids = {
                r["key"]: int(r["id"])
                for r in conn.execute("SELECT id, key FROM ports WHERE device_id = ?", (dev["id"],))
            }
            found += [
                (ids[_port_key(p)], m) for p, m in zip(sw.device.ports, sw.ports, strict=True) if _port_key(p) in ids
            ]
    return found


def _first_sample_ts(conn: sqlite3.Connection) -> int | None:
    """The oldest sample's ts (one index seek per port instead of a scan of the whole table)."""
    row = conn.execute(
        """WITH RECURSIVE p(id) AS (
               SELECT (SELECT MIN(port_id) FROM samples)
               UNION ALL
               SELECT (SELECT MIN(port_id) FROM samples WHERE port_id > p.id) FROM p WHERE p.id IS NOT NULL)
           SELECT MIN((SELECT MIN(ts) FROM samples WHERE port_id = p.id)) FROM p"""
    ).fetchone()
    return None if row[0] is None else int(row[0])


def _get_mark(conn: sqlite3.Connection) -> tuple[int, int] | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (BACKFILL_MARK,)).fetchone()
    if row is None:
        return None
    first, until = (int(v) for v in str(row[0]).split())
    return first, until


def _set_mark(conn: sqlite3.Connection, window: _Window) -> None:
    old = _get_mark(conn)
    first = min(window.first, old[0]) if old else window.first
    conn.execute(
        "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (BACKFILL_MARK, f"{first} {window.until}")
    )


def _ceil_to(t: float, size: int) -> int:
    return math.ceil(t / size) * size


def _backfill_window(conn: sqlite3.Connection, days: int, step: int, now: float) -> _Window | None:
    """Where the synthetic history goes, or None when an earlier backfill already wrote it."""
    mark = _get_mark(conn)
    if mark is not None:
        until = mark[1]
    else:
        real = _first_sample_ts(conn)
        until = int(min(now, real if real is not None else now))
    last = _ceil_to(until, step) - step  # the last grid point before the first real sample
    first = last - (days * DAY_S // step - 1) * step
    if mark is not None and mark[0] <= first:
        return None
    raw_from = first if first >= now - RETENTION_S["raw"] else _ceil_to(now - RETENTION_S["raw"], 1800)
    tier_from: dict[str, int] = {}
    edge = raw_from
    for tier, multiple in (("30m", 7200), ("2h", DAY_S), ("1d", DAY_S)):
        size = ROLLUP_TIERS[tier][0]
        keep = _ceil_to(now - RETENTION_S[tier] + size, multiple)
        tier_from[tier] = min(edge, max(_ceil_to(first, multiple), keep))
        edge = tier_from[tier]
    return _Window(first, last, raw_from, step, tier_from)


class BackfillStopped(Exception):
    """Raised between batches when the backfill's stop event is set."""


class _Progress:
    """Counts model time points done against the total, reports them, and stops the work when asked to."""

    def __init__(self, w: _Window, callback: ProgressCallback | None, stop: threading.Event | None = None) -> None:
        self.callback = callback
        self.stop = stop
        self.rows = 0
        self.done = 0
        self.total = max(0, (w.last - w.raw_from) // w.step + 2)
        upper = w.raw_from
        for tier in ("30m", "2h", "1d"):
            size = ROLLUP_TIERS[tier][0]
            self.total += max(0, (upper - w.tier_from[tier]) // size) * _SUB_RATES + 1
            upper = w.tier_from[tier]

    def add(self, points: int, rows: int = 0) -> None:
        """Count a committed batch; raise :class:`BackfillStopped` when the stop event is set."""
        self.done += points
        self.rows += rows
        if self.callback is not None:
            self.callback(min(self.done, self.total), self.total)
        if self.stop is not None and self.stop.is_set():
            raise BackfillStopped


def _integrals(ports: list[tuple[int, PortModel]], t: float) -> Integrals:
    """(in, out) octet integrals of every port at time ``t`` (model time = calendar time, speed 1)."""
    memo: dict[int, tuple[float, float]] = {}
    return [model.integral(t, memo) for _, model in ports]


def _rates(model: PortModel, a: tuple[float, float], b: tuple[float, float], seconds: float) -> tuple[float, ...]:
    """(in_bps, out_bps, in_err, out_err, in_disc, out_disc, in_ucast, out_ucast, in_bcast, out_bcast) between
    two integrals, the way TrafficModel.counters turns octets into the other counters."""
    d_in, d_out = max(0.0, b[0] - a[0]), max(0.0, b[1] - a[1])
    if not (d_in or d_out):
        return _IDLE
    err = math.floor(b[0] / model.error_every) - math.floor(a[0] / model.error_every) if model.error_every else 0
    disc = math.floor(b[1] / model.discard_every) - math.floor(a[1] / model.discard_every) if model.discard_every else 0
    return (
        8 * d_in / seconds,
        8 * d_out / seconds,
        max(0, err) / seconds,
        0.0,
        0.0,
        max(0, disc) / seconds,
        d_in / 760 / seconds,
        d_out / 940 / seconds,
        d_in / 410_000 / seconds,
        d_out / 620_000 / seconds,
    )


def _insert(conn: sqlite3.Connection, table: str, cols: str, rows: list[tuple[object, ...]]) -> int:
    """INSERT OR IGNORE ``rows`` in one transaction; returns how many were new."""
    before = conn.total_changes
    with conn:
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({', '.join('?' * (cols.count(',') + 1))})", rows
        )
    return conn.total_changes - before


def _write_raw(conn: sqlite3.Connection, ports: list[tuple[int, PortModel]], w: _Window, progress: _Progress) -> int:
    """Raw samples at every grid point from ``w.raw_from`` to ``w.last``; returns the rows inserted."""
    if w.raw_from > w.last:
        return 0
    written = 0
    rows: list[tuple[object, ...]] = []
    prev = _integrals(ports, w.raw_from - w.step)
    points = 1
    for ts in range(w.raw_from, w.last + 1, w.step):
        cur = _integrals(ports, ts)
        rows += [
            (port_id, ts, *_rates(model, a, b, w.step)) for (port_id, model), a, b in zip(ports, prev, cur, strict=True)
        ]
        prev = cur
        points += 1
        if len(rows) >= _BATCH_ROWS:
            new = _insert(conn, "samples", _SAMPLE_COLS, rows)
            written += new
            rows = []
            progress.add(points, new)
            points = 0
    new = _insert(conn, "samples", _SAMPLE_COLS, rows)
    progress.add(points, new)
    return written + new


def _write_polls(conn: sqlite3.Connection, ports: list[tuple[int, PortModel]], w: _Window) -> None:
    """One answered poll per grid point of the raw window for each demo device with history, as the poller would
    have recorded them (availability in reports), and their daily counts before it."""
    port_ids = sorted({port_id for port_id, _model in ports})
    marks = ", ".join("?" * len(port_ids))
    devices = [int(r[0]) for r in conn.execute(f"SELECT DISTINCT device_id FROM ports WHERE id IN ({marks})", port_ids)]
    rows = [(d, ts, "up") for d in devices for ts in range(w.raw_from, w.last + 1, w.step)]
    with conn:
        conn.executemany("INSERT OR IGNORE INTO device_polls (device_id, ts, status) VALUES (?, ?, ?)", rows)
        per_day = DAY_S // w.step
        old_days = range(_ceil_to(w.first, DAY_S), w.raw_from - DAY_S + 1, DAY_S)
        conn.executemany(
            "INSERT OR IGNORE INTO device_polls_1d (device_id, ts, answered, total) VALUES (?, ?, ?, ?)",
            [(d, day, per_day, per_day) for d in devices for day in old_days],
        )


def _write_old_rollups(
    conn: sqlite3.Connection, ports: list[tuple[int, PortModel]], w: _Window, progress: _Progress
) -> None:
    """Rollup buckets straight from the model for the part of the window older than raw retention."""
    upper = w.raw_from
    for tier in ("30m", "2h", "1d"):
        lower = w.tier_from[tier]
        if lower < upper:
            _write_tier(conn, ports, tier, lower, upper, w.step, progress)
        upper = lower


def _write_tier(
    conn: sqlite3.Connection,
    ports: list[tuple[int, PortModel]],
    tier: str,
    lower: int,
    upper: int,
    step: int,
    progress: _Progress,
) -> None:
    """Buckets of ``tier`` in [lower, upper): exact averages, maxima from :data:`_SUB_RATES` sub-intervals, and
    ``n`` as many raw samples as ``step`` would have given."""
    size, table = ROLLUP_TIERS[tier]
    sub = size / _SUB_RATES
    rows: list[tuple[object, ...]] = []
    prev = _integrals(ports, lower)
    points = 1
    for bucket in range(lower, upper, size):
        start = prev
        parts: list[Integrals] = []
        for k in range(1, _SUB_RATES + 1):
            parts.append(_integrals(ports, bucket + k * sub))
        points += _SUB_RATES
        for i, (port_id, model) in enumerate(ports):
            avg = _rates(model, start[i], parts[-1][i], size)
            edges = [start[i], *(p[i] for p in parts)]
            subs = [_rates(model, a, b, sub) for a, b in itertools.pairwise(edges)]
            rows.append(
                (
                    port_id,
                    bucket,
                    size // step,
                    avg[0],
                    max(r[0] for r in subs),
                    avg[1],
                    max(r[1] for r in subs),
                    *avg[2:6],
                )
            )
        prev = parts[-1]
        if len(rows) >= _BATCH_ROWS:
            _insert(conn, table, _ROLLUP_COLS, rows)
            rows = []
            progress.add(points)
            points = 0
    _insert(conn, table, _ROLLUP_COLS, rows)
    progress.add(points)


def _rewind_rollups(conn: sqlite3.Connection, first: int) -> None:
    """Move each tier's ``done_until`` back to the bucket holding ``first``, so :func:`history.rollup` (which
    only goes forward from there) also rolls up the history written before the real samples it has done."""
    for tier, (size, _) in ROLLUP_TIERS.items():
        target = first // size * size + size  # rollup restarts at done_until - size
        conn.execute("UPDATE rollup_state SET done_until = ? WHERE tier = ? AND done_until > ?", (target, tier, target))


def run_demo_headless(
    db_path: Path | str,
    speed: float = 1.0,
    interval: float = 60.0,
    stop_event: threading.Event | None = None,
    *,
    start: float | None = None,
    on_cycle: Callable[[CycleResult], None] | None = None,
    backfill_days: int = 7,
    wireless: bool = False,
) -> None:
    """Start the demo agent, bring the store at ``db_path`` up to date and poll it every ``interval`` seconds until
    ``stop_event`` is set (blocks; runs its own asyncio loop). Uplinks are marked after the first cycle, then
    :func:`backfill` writes ``backfill_days`` days of history (0: none) on a worker thread before the next one.
    ``wireless``: the network has the wireless controller too."""
    stop = stop_event or threading.Event()
    asyncio.run(_headless(Path(db_path), speed, interval, stop, start, on_cycle, backfill_days, wireless))


async def _headless(
    db_path: Path,
    speed: float,
    interval: float,
    stop: threading.Event,
    start: float | None,
    on_cycle: Callable[[CycleResult], None] | None,
    backfill_days: int,
    wireless: bool,
) -> None:
    net = DemoNetwork(speed, start, wireless=wireless)
    await net.start_async()
    try:
        net.ensure_store(db_path)
        poller = Poller(db_path, interval=interval, on_cycle=on_cycle)
        try:
            first = True
            while not stop.is_set():
                await poller.run_cycle()
                if first:
                    first = False
                    if backfill_days > 0:
                        rows = await asyncio.to_thread(backfill, db_path, backfill_days, network=net, stop=stop)
                        log.info("demo history: %d samples written for the last %d days", rows, backfill_days)
                await _wait(stop, interval)
        finally:
            poller.close()
    finally:
        await net.stop_async()


async def _wait(stop: threading.Event, seconds: float) -> None:
    """Sleep up to ``seconds``, waking within 0.1 s of ``stop`` being set."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not stop.is_set() and loop.time() < deadline:
        await asyncio.sleep(min(0.1, max(0.0, deadline - loop.time())))


# ---------------------------------------------------------------------------------------------------------------
# Serving from another process: python -m monitor.demo.network --serve --devices 200 --port 0 --speed 60


def spawn_agent(devices: int, db_path: Path) -> tuple[subprocess.Popen[str], int]:
    """Start ``python -m monitor.demo.network --serve`` in its own process, registering its switches in ``db_path``.

    Returns the process (stop it with SIGTERM) and the UDP port, printed once the store is ready. Benchmarks use it
    so the agent's CPU is not the measured process's.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.demo.network", "--serve", "--devices", str(devices), "--db", str(db_path)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "CAMPUSNET_SECRETS": os.environ.get("CAMPUSNET_SECRETS", "file")},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip().isdigit():
        proc.kill()
        raise RuntimeError(f"the demo agent did not start: {line!r}")
    return proc, int(line)


async def serve(
    devices: int,
    port: int = 0,
    speed: float = 1.0,
    db_path: Path | None = None,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Serve the school (``devices`` switches in all, see :func:`build_large_school`) until SIGTERM or SIGINT.

    With ``db_path``, the switches are also registered in that store (:meth:`DemoNetwork.ensure_store`) before
    ``ready(port)`` is called.
    """
    net = build_large_school(devices, speed=speed)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    bound = await net.start_async(port)
    try:
        if db_path is not None:
            await asyncio.to_thread(net.ensure_store, db_path)
        if ready is not None:
            ready(bound)
        await stop.wait()
    finally:
        await net.stop_async()


def _print_port(port: int) -> None:
    print(port, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Command line of ``python -m monitor.demo.network``: ``--serve`` prints the UDP port, then serves until
    SIGTERM."""
    ap = argparse.ArgumentParser(
        prog="python -m monitor.demo.network", description="Serve the simulated school over SNMP."
    )
    ap.add_argument("--serve", action="store_true", help="serve until SIGTERM/SIGINT (the only mode)")
    ap.add_argument("--devices", type=int, default=1 + len(SCHOOL), help="switches in all (default: the school)")
    ap.add_argument("--port", type=int, default=0, help="UDP port on 127.0.0.1 (0: a free one, printed)")
    ap.add_argument("--speed", type=float, default=1.0, help="fast-forward factor (default 1)")
    ap.add_argument("--db", type=Path, help="also register the switches in this store before printing the port")
    args = ap.parse_args(argv)
    if not args.serve:
        ap.error("nothing to do: use --serve")
    if args.devices < 1 or args.speed <= 0:
        ap.error("--devices must be at least 1 and --speed positive")
    asyncio.run(serve(args.devices, args.port, args.speed, args.db, _print_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
