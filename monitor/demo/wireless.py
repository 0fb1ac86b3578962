"""The demo's wireless controller: an Aruba Mobility Controller with a dozen APs across the school's buildings.

It answers the WLSX objects CampusNet's Aruba module reads (see :mod:`devices.wireless.aruba`), with the values a
real controller would give:

- ``wlsxSwitchTotalNumAccessPoints`` / ``wlsxSwitchTotalNumStationsAssociated``;
- ``wlsxWlanAPTable``: name, IP, serial, uptime, model, location (the building) and ``wlanAPStatus``, up(1) for
  eleven APs and down(2) for the gym's AP, which lost power yesterday afternoon (:data:`OFFLINE_AP`);
- ``wlsxWlanRadioTable``: a 5 GHz and a 2.4 GHz radio per AP that is up, with channel and clients;
- ``wlsxWlanESSIDTable``: clients on eduroam, TANetRoaming and the school's own SSID.

Clients follow the school day (the demo's office / classroom / lab day shapes, Asia/Taipei): each AP's clients are
its peak times the level of its room's shape, with a little deterministic noise per 5 simulated minutes, split over
the SSIDs (30 % eduroam, 15 % TANetRoaming, the rest the school SSID) and the radios (70 % on 5 GHz). Every figure is
a function of simulated time, so the totals, per-SSID and per-AP counts always agree.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from devices import ber
from devices.simagent import SimObject
from monitor.polling import wireless

SSIDS = ("eduroam", "TANetRoaming", "校園Wi-Fi")
SSID_SHARE = (0.30, 0.15)  # eduroam, TANetRoaming; the school SSID has the rest
SHARE_5GHZ = 0.7
SLOT_S = 300
TAIPEI_UTC_OFFSET_S = 8 * 3600
OFFLINE_AP = "GYM-AP01"
OFFLINE_SINCE_H = 14 + 20 / 60  # the day before the demo starts, Taipei time
MAC_BASE = 0x00_1A_1E_4C_10_00  # 00:1a:1e is one of Aruba's OUIs

_WLAN = (1, 3, 6, 1, 4, 1, 14823, 2, 2, 1, 5, 2, 1)
_SWITCH = (1, 3, 6, 1, 4, 1, 14823, 2, 2, 1, 1, 3)


@dataclass(frozen=True)
class DemoAP:
    """One AP of the demo school: where it hangs, which day shape its room follows, its busiest client count."""

    name: str
    location: str
    profile: str
    peak: int
    model: str
    channel_5: int
    channel_24: int


APS: tuple[DemoAP, ...] = (
    DemoAP("ADM-1F-AP01", "行政大樓 1F", "office", 14, "AP-305", 36, 1),
    DemoAP("ADM-2F-AP01", "行政大樓 2F", "office", 12, "AP-305", 52, 6),
    DemoAP("TA-1F-AP01", "教學大樓A 1F 走廊", "classroom", 34, "AP-505", 100, 11),
    DemoAP("TA-2F-AP01", "教學大樓A 2F 走廊", "classroom", 38, "AP-505", 116, 1),
    DemoAP("TA-3F-AP01", "教學大樓A 3F 走廊", "classroom", 36, "AP-505", 132, 6),
    DemoAP("TB-1F-AP01", "教學大樓B 1F", "classroom", 30, "AP-505", 149, 11),
    DemoAP("TB-2F-AP01", "教學大樓B 2F", "classroom", 32, "AP-505", 157, 1),
    DemoAP("LIB-2F-AP01", "圖書館 閱覽區", "office", 28, "AP-505", 44, 6),
    DemoAP("LIB-2F-AP02", "圖書館 自習室", "office", 22, "AP-305", 60, 11),
    DemoAP(OFFLINE_AP, "體育館 球場", "classroom", 20, "AP-365", 108, 1),
    DemoAP("SCI-1F-AP01", "科學館 1F", "classroom", 26, "AP-505", 124, 6),
    DemoAP("LAB-3F-AP01", "教學大樓A 3F 電腦教室", "lab", 40, "AP-505", 140, 11),
)


class Shape(Protocol):
    """A day shape over epoch time (the demo's :class:`monitor.demo.traffic.Profile`)."""

    def level(self, t: float) -> float:
        """The level (0..1) at epoch time ``t``."""
        ...


@dataclass(frozen=True)
class Totals:
    """The controller's figures at one moment."""

    aps_online: int
    clients: int
    by_ssid: tuple[int, ...]


class WirelessModel:
    """Clients of every AP over simulated time, and the WLSX objects that serve them."""

    def __init__(
        self,
        shapes: Mapping[str, Shape],
        mix: Callable[[int, int], float],
        seed: int,
        start: float,
        boot_ts: float,
    ) -> None:
        self.shapes = shapes
        self.mix = mix
        self.seed = seed
        self.boot_ts = boot_ts
        self.offline_since = offline_since(start)
        self._memo: tuple[float, Totals] | None = None

    def is_up(self, i: int, t: float) -> bool:
        """Whether AP ``i`` is up at ``t``."""
        return not (APS[i].name == OFFLINE_AP and t >= self.offline_since)

    def clients(self, i: int, t: float) -> tuple[int, ...]:
        """AP ``i``'s clients per SSID (in :data:`SSIDS` order) at ``t``; nothing while it is down."""
        if not self.is_up(i, t):
            return (0,) * len(SSIDS)
        ap = APS[i]
        noise = 0.85 + 0.3 * self.mix(self.seed + i, math.floor(t / SLOT_S))
        total = round(ap.peak * self.shapes[ap.profile].level(t) * noise)
        parts = [round(total * share) for share in SSID_SHARE]
        return (*parts, total - sum(parts))

    def radio_clients(self, i: int, t: float) -> tuple[int, int]:
        """(5 GHz, 2.4 GHz) clients of AP ``i`` at ``t``."""
        total = sum(self.clients(i, t))
        on_5 = round(total * SHARE_5GHZ)
        return on_5, total - on_5

    def totals(self, t: float) -> Totals:
        """APs up, clients in all and per SSID at ``t`` (memoised for the moment of one request)."""
        if self._memo is not None and self._memo[0] == t:
            return self._memo[1]
        per_ap = [self.clients(i, t) for i in range(len(APS))]
        by_ssid = tuple(sum(c[k] for c in per_ap) for k in range(len(SSIDS)))
        totals = Totals(sum(self.is_up(i, t) for i in range(len(APS))), sum(by_ssid), by_ssid)
        self._memo = (t, totals)
        return totals

    # --- the agent's view ---------------------------------------------------------------------------------------

    def sim_objects(self) -> list[SimObject]:
        """The WLSX objects of the controller (the AP table's rows are fixed; their values follow the clock)."""
        objs = [
            SimObject((*_SWITCH, 1, 0), ber.GAUGE32, lambda t: self.totals(t).aps_online),
            SimObject((*_SWITCH, 2, 0), ber.GAUGE32, lambda t: self.totals(t).clients),
        ]
        for i, ap in enumerate(APS):
            objs += self._ap_objects(i, ap)
        for k, ssid in enumerate(SSIDS):
            raw = ssid.encode()
            objs.append(SimObject((*_WLAN, 8, 1, 2, len(raw), *raw), ber.GAUGE32, self._ssid_getter(k)))
        return objs

    def _ssid_getter(self, k: int) -> Callable[[float], int]:
        return lambda t: self.totals(t).by_ssid[k]

    def _ap_objects(self, i: int, ap: DemoAP) -> list[SimObject]:
        mac = tuple(ap_mac(i))
        row = (*_WLAN, 4, 1)
        boot = self.boot_ts + 600 * (i + 1)
        objs = [
            SimObject((*row, 2, *mac), ber.IP_ADDRESS, _const(f"10.10.20.{11 + i}")),
            SimObject((*row, 3, *mac), ber.OCTET_STRING, _const(ap.name.encode())),
            SimObject((*row, 6, *mac), ber.OCTET_STRING, _const(f"CNJ{7301 + 37 * i:07d}".encode())),
            SimObject((*row, 12, *mac), ber.TIME_TICKS, self._uptime_getter(i, boot)),
            SimObject((*row, 13, *mac), ber.OCTET_STRING, _const(ap.model.encode())),
            SimObject((*row, 14, *mac), ber.OCTET_STRING, _const(ap.location.encode())),
            SimObject((*row, 19, *mac), ber.INTEGER, lambda t: 1 if self.is_up(i, t) else 2),
        ]
        if ap.name == OFFLINE_AP:
            return objs  # down since before the demo started: the controller lists no radios for it
        radio = (*_WLAN, 5, 1)
        for number, kind, channel in ((1, 1, ap.channel_5), (2, 3, ap.channel_24)):
            objs += [
                SimObject((*radio, 2, *mac, number), ber.INTEGER, _const(kind)),
                SimObject((*radio, 3, *mac, number), ber.INTEGER, _const(channel)),
                SimObject((*radio, 7, *mac, number), ber.INTEGER, self._radio_getter(i, number - 1)),
                SimObject((*radio, 16, *mac, number), ber.OCTET_STRING, _const(ap.name.encode())),
            ]
        return objs

    def _uptime_getter(self, i: int, boot: float) -> Callable[[float], int]:
        return lambda t: int(max(0.0, t - boot) * 100) % (1 << 32) if self.is_up(i, t) else 0

    def _radio_getter(self, i: int, which: int) -> Callable[[float], int]:
        return lambda t: self.radio_clients(i, t)[which]


def _const(value: object) -> Callable[[float], object]:
    return lambda _t: value


def ap_mac(i: int) -> bytes:
    """The MAC address of demo AP ``i``."""
    return (MAC_BASE + 16 * i).to_bytes(6, "big")


def offline_since(start: float) -> float:
    """When the gym's AP went down: :data:`OFFLINE_SINCE_H` Taipei time on the day before ``start``."""
    local_midnight = math.floor((start + TAIPEI_UTC_OFFSET_S) / 86400) * 86400 - TAIPEI_UTC_OFFSET_S
    return local_midnight - 86400 + OFFLINE_SINCE_H * 3600


# ---------------------------------------------------------------------------------------------------- history


def sample_values(model: WirelessModel, t: float) -> dict[tuple[str, str], float]:
    """The samples a poll at ``t`` would store (see :func:`monitor.polling.wireless.sample_values`)."""
    totals = model.totals(t)
    values: dict[tuple[str, str], float] = {
        ("aps_total", ""): len(APS),
        ("aps_online", ""): totals.aps_online,
        ("clients", ""): totals.clients,
    }
    for ssid, count in zip(SSIDS, totals.by_ssid, strict=True):
        values[("ssid", ssid)] = count
    for i in range(len(APS)):
        if model.is_up(i, t):
            values[("ap", ":".join(f"{b:02x}" for b in ap_mac(i)))] = sum(model.clients(i, t))
    return values


def backfill(
    conn: sqlite3.Connection, device_id: int, device_name: str, model: WirelessModel, grid: range, now: float
) -> int:
    """Write the controller's wireless history at the times of ``grid`` (raw samples, INSERT OR IGNORE), roll it
    up, and record the gym AP going down (an ``ap_down`` event and its status since then). Returns the rows written.

    Idempotent. Commits in batches so a poller writing at the same time waits little.
    """
    written = 0
    with conn:
        _ensure_state(conn, device_id, model, grid, now)
    batch: list[tuple[int, int, float]] = []
    ids: dict[tuple[str, str], int] = {}
    for ts in grid:
        values = sample_values(model, ts)
        if not ids.keys() >= values.keys():
            with conn:
                ids = wireless.series_ids(conn, device_id, values)
        batch += [(ids[key], ts, value) for key, value in values.items()]
        if len(batch) >= 20_000:
            written += _insert(conn, batch)
            batch = []
    written += _insert(conn, batch)
    with conn:
        wireless.rollup_device(conn, device_id, now, rewind_to=grid.start)
        wireless.apply_retention(conn, device_id, now)
        _gym_went_down(conn, device_id, device_name, model, grid)
    return written


def _insert(conn: sqlite3.Connection, rows: list[tuple[int, int, float]]) -> int:
    before = conn.total_changes
    with conn:
        conn.executemany("INSERT OR IGNORE INTO wireless_samples(series_id, ts, value) VALUES (?, ?, ?)", rows)
    return conn.total_changes - before


def _ensure_state(conn: sqlite3.Connection, device_id: int, model: WirelessModel, grid: range, now: float) -> None:
    """A ``wireless_state`` row (the rollup marks live there) when the controller was not polled yet."""
    last = grid[-1] if len(grid) else int(now)
    totals = model.totals(last)
    conn.execute(
        """INSERT OR IGNORE INTO wireless_state(device_id, ts, module, aps_total, aps_online, clients_total,
           clients_by_ssid, sources) VALUES (?, ?, 'aruba_controller', ?, ?, ?, ?, '{}')""",
        (
            device_id,
            last,
            len(APS),
            totals.aps_online,
            totals.clients,
            json.dumps(dict(zip(SSIDS, totals.by_ssid, strict=True)), ensure_ascii=False),
        ),
    )


def _gym_went_down(
    conn: sqlite3.Connection, device_id: int, device_name: str, model: WirelessModel, grid: range
) -> None:
    down = model.offline_since
    if not (len(grid) and grid.start <= down <= grid[-1] + grid.step):
        return
    detail = f"{device_name}: AP {OFFLINE_AP} offline (down)"
    seen = conn.execute(
        "SELECT 1 FROM events WHERE device_id = ? AND kind = 'ap_down' AND detail = ?", (device_id, detail)
    ).fetchone()
    if seen is None:
        conn.execute(
            "INSERT INTO events(ts, device_id, kind, detail) VALUES (?, ?, 'ap_down', ?)", (down, device_id, detail)
        )
    i = next(k for k, ap in enumerate(APS) if ap.name == OFFLINE_AP)
    key = ":".join(f"{b:02x}" for b in ap_mac(i))
    conn.execute(
        """INSERT OR IGNORE INTO wireless_aps(device_id, key, name, mac, model, location, status, status_raw,
           status_since, radios, present, last_seen) VALUES (?, ?, ?, ?, ?, ?, 'offline', 'down', ?, '[]', 1, ?)""",
        (device_id, key, OFFLINE_AP, key, APS[i].model, APS[i].location, down, grid[-1]),
    )
    conn.execute(
        "UPDATE wireless_aps SET status_since = ? WHERE device_id = ? AND key = ? AND status = 'offline'",
        (down, device_id, key),
    )
