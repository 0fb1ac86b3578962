"""The demo's school: which switches it has, where they stand, what their ports serve, and how its traffic flows.

The school (:data:`SCHOOL`): a Cisco Catalyst 2960-X core switch (``1.3.6.1.4.1.9.1.1208``) in the 資訊中心 with
one 1 Gbit/s uplink to the county network center (TANet), downlinks to seven access switches in 行政大樓,
教學大樓A/B, 圖書館, 體育館, 科學館 and the computer classroom (HPE ProCurve 2530, Zyxel GS1900, D-Link DGS-1510,
Edgecore ECS4100, with their real sysObjectIDs and sysDescr texts, see :mod:`monitor.demo.catalogue`), and a few
servers on the core. Every switch is selected on the one agent port by its own community (``demo-core``,
``demo-adm`` ...). Port aliases name what is plugged in (教務處, 301 教室, AP 3F 走廊 ...); uplinks are aliased
"Uplink to ...", which the poller takes as uplinks.

:func:`build_school` makes the switches (:class:`DemoSwitch`: the agent's :class:`devices.simagent.SimDevice` and
the port models of :mod:`monitor.demo.traffic`), all deterministic from the seed:

- An access switch's uplink carries 90 % of the sum of its edge ports (in and out swapped) plus a little
  management traffic; the core's downlink mirrors it; the internet uplink carries 85 % of all downlinks, so it is
  the busiest port. Peaks are scaled school-wide so no rate, noise included, exceeds 95 % of the port speed.
- One edge port on a few switches has an occasional input error; the internet uplink drops an occasional packet at
  peak time. Some edge ports are down (nothing plugged in), two per access switch are administratively down; their
  counters stand still.
- sysUpTime advances at the speed factor. With a speed other than 1, ifCounterDiscontinuityTime is the uptime at
  agent start, so a poller discards the delta across two demo runs instead of showing a spike; at speed 1 the
  simulated time is the real time and counters continue across runs (the boot time stays put within a week).
- :func:`bench_building`: the extra stand-alone access switches of the benchmarks' large school.

:func:`build_controller` makes the wireless controller, :data:`WLC_NAME`: an Aruba Mobility Controller (community
``demo-wlc``) with twelve APs across the buildings, three SSIDs and clients that follow the school day, one AP down
since the day before (see :mod:`monitor.demo.wireless`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from devices.simagent import SimClock, SimDevice, SimPort
from monitor.demo import wireless as demo_wireless
from monitor.demo.catalogue import (
    ARUBA_7010,
    CISCO_2960X,
    DLINK_1510_28,
    EDGECORE_4100_28T,
    HP_2530_24,
    HP_2530_48,
    ZYXEL_GS1900_24,
    ZYXEL_GS1900_48,
    SwitchModel,
)
from monitor.demo.traffic import DAY_S, GBIT, PROFILES, Leaf, PortModel, TrafficModel, mix, week_start

PEAK_HEADROOM = 0.95  # no rate above this fraction of its port's speed, noise included
UPLINK_SHARE = 0.9  # of an access switch's edge traffic that leaves through its uplink
INTERNET_SHARE = 0.85  # of the downlinks' traffic that goes to the internet


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
        HP_2530_48,
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
        ZYXEL_GS1900_48,
        "classroom",
        ("101 教室", "102 教室", "201 教室", "202 教室", "301 教室", "302 教室", "AP 2F 走廊", "AP 3F 走廊", "導師室"),
    ),
    Building(
        "教學大樓B-SW",
        "demo-teach-b",
        "教學大樓B 1F 機櫃",
        DLINK_1510_28,
        "classroom",
        ("105 教室", "106 教室", "205 教室", "206 教室", "305 教室", "AP 教學大樓B", "視聽教室"),
    ),
    Building(
        "圖書館-SW",
        "demo-library",
        "圖書館 2F",
        EDGECORE_4100_28T,
        "office",
        ("借還書櫃台", "查詢電腦", "閱覽區 AP", "自習室 AP", "館員辦公室"),
    ),
    Building(
        "體育館-SW",
        "demo-gym",
        "體育館 1F 器材室",
        DLINK_1510_28,
        "classroom",
        ("AP 球場", "廣播系統", "計分板", "體育組辦公室", "監視器 NVR"),
    ),
    Building(
        "科學館-SW",
        "demo-science",
        "科學館 1F",
        HP_2530_24,
        "classroom",
        ("物理實驗室", "化學實驗室", "生物實驗室", "AP 科學館", "自然科辦公室"),
    ),
    Building(
        "電腦教室-SW",
        "demo-lab",
        "教學大樓A 3F 電腦教室",
        ZYXEL_GS1900_24,
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
    m = CISCO_2960X
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


# Extra access switches for benchmarks (see :func:`monitor.demo.network.build_large_school`): the school's models in
# turn.
_BENCH_MODELS = (HP_2530_24, ZYXEL_GS1900_48, DLINK_1510_28, HP_2530_48, EDGECORE_4100_28T, ZYXEL_GS1900_24)
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
    specs = [(CORE_NAME, CORE_COMMUNITY, "資訊中心 機房", CISCO_2960X)]
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
    week = week_start(clock.sim_start)
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


def build_controller(
    clock: SimClock, traffic: TrafficModel, seed: int
) -> tuple[DemoSwitch, demo_wireless.WirelessModel]:
    """The wireless controller: its uplink to the core (the APs' tunnels), three unused ports, and its WLSX tables.

    Drawn from its own random stream, so the school's switches are the same with or without it.
    """
    rng = Random(seed + 2)
    m = ARUBA_7010
    boot = week_start(clock.sim_start) - rng.uniform(10, 40) * DAY_S
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
    wireless = demo_wireless.WirelessModel(PROFILES, mix, seed, clock.sim_start, boot)
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
