"""Wireless data from the public recordings kept in tests/data/snmprec (see its README), served by snmpsim and read
through a real poll and the CLI: a Huawei AC whose AP table has no run state, and UniFi APs whose sysObjectID and
sysDescr name no wireless vendor.

Expected values are computed here from the recordings' text, and checked against what LibreNMS read from the same
recordings (written in each file's header).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

import devices.wireless as dw
from devices.platforms import identify
from devices.snmp import SnmpSession, SnmpTarget
from devices.wireless import DeviceFacts, WirelessSnapshot, fetch_wireless, probe, reader_for
from devices.wireless.common import Num
from monitor.cli.main import main as cli
from monitor.polling.scheduler import Poller
from tests.helpers import add_device, run_cycle
from tests.peers import SnmpSim, parse_snmprec

pytestmark = pytest.mark.snmpsim

DATA = Path(__file__).parent / "data" / "snmprec"
HUAWEI = DATA / "huawei_ac6605-26.snmprec"
UNIFI_OLD = DATA / "unifi_10002.snmprec"
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
# A sysDescr such as net-snmp's Linux agent gives (made up: the shared UniFi recording's own starts with its model).
LINUX_DESCR = "Linux AP-Hall-2F 4.4.153 #1 SMP Fri Jan 24 09:20:01 CST 2020 aarch64"

# What LibreNMS read from the Huawei recording (tests/data/vrp_ac6605-26.json at the recording's commit).
LIBRENMS_HUAWEI = {
    "aps_online": 1,
    "clients_total": 7,
    "clients_by_ssid": {"WIFIOG": 0, "WIFIOG-BYOD": 6, "WIFIOG-Guest": 1},
}


def column(recs: dict[str, tuple[str, Any]], prefix: str) -> dict[str, Any]:
    return {oid[len(prefix) + 1 :]: value for oid, (_tag, value) in recs.items() if oid.startswith(prefix + ".")}


def ssid_of(index: str) -> str:
    length, *octets = (int(p) for p in index.split("."))
    assert length == len(octets)
    return bytes(octets).decode()


def generic(text: str, drop: str | None = None) -> str:
    """A recording with the sysDescr of net-snmp's Linux agent, and without the lines under ``drop``."""
    lines = []
    for line in text.split("\n"):
        if line.startswith(SYS_DESCR + "|"):
            line = f"{SYS_DESCR}|4|{LINUX_DESCR}"
        elif drop and line.startswith(drop + "."):
            continue
        lines.append(line)
    return "\n".join(lines)


def expect_unifi(path: Path) -> dict[str, Any]:
    recs = parse_snmprec(path)
    vap = "1.3.6.1.4.1.41112.1.6.1.2.1"
    ssids, clients = column(recs, f"{vap}.6"), column(recs, f"{vap}.8")
    by_ssid: dict[str, int] = {}
    for index, name in ssids.items():
        if name:
            by_ssid[name.decode()] = by_ssid.get(name.decode(), 0) + clients[index]
    return {"aps_online": 1, "aps_total": 1, "clients_total": sum(clients.values()), "clients_by_ssid": by_ssid}


def expect_huawei() -> dict[str, Any]:
    recs = parse_snmprec(HUAWEI)
    ap_table = "1.3.6.1.4.1.2011.6.139.13.3.3.1"
    assert not column(recs, f"{ap_table}.6") and not column(recs, f"{ap_table}.44")  # no run state, no user count
    names = column(recs, f"{ap_table}.4")
    by_ssid: dict[str, int] = {}
    for band in ("2", "3"):  # hwWlanSsid2gStaCnt, hwWlanSsid5gStaCnt
        for index, count in column(recs, f"1.3.6.1.4.1.2011.6.139.17.1.2.1.{band}").items():
            by_ssid[ssid_of(index)] = by_ssid.get(ssid_of(index), 0) + count
    return {
        "aps_online": recs["1.3.6.1.4.1.2011.6.139.12.1.2.1.0"][1],
        "aps_total": len(names),
        "clients_total": sum(by_ssid.values()),
        "clients_by_ssid": by_ssid,
        "ap_names": sorted(v.decode() for v in names.values()),
    }


@pytest.fixture(scope="module")
def nanohd(snmprec_dir: Path) -> Path:
    return snmprec_dir / "unifi_nanohd.snmprec"


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory, nanohd: Path):  # type: ignore[no-untyped-def]
    text = nanohd.read_text(encoding="latin-1")
    sources: dict[str, Path | str] = {
        "huawei_ac6605-26": HUAWEI,
        "unifi_10002": UNIFI_OLD,
        "unifi_linux": generic(text),
        "linux_server": generic(text, drop="1.3.6.1.4.1.41112"),
    }
    sim = SnmpSim(tmp_path_factory.mktemp("sim"), sources).start()
    db = tmp_path_factory.mktemp("db") / "inventory.db"
    saved = os.environ.get("CAMPUSNET_SECRETS")
    os.environ["CAMPUSNET_SECRETS"] = "file"
    try:
        for name in sources:
            add_device(db, name, sim.port, name, timeout_s=3.0)
        poller = Poller(db, concurrency=4)
        try:
            cycle = run_cycle(poller)
        finally:
            poller.close()
        yield db, cycle
    finally:
        sim.close()
        if saved is None:
            os.environ.pop("CAMPUSNET_SECRETS", None)
        else:
            os.environ["CAMPUSNET_SECRETS"] = saved


def wireless_json(db: Path, name: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = cli(["--db", str(db), "wireless", name, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_huawei_ac_without_run_states_counts_from_its_scalars_and_ssid_table(polled, capsys) -> None:  # type: ignore[no-untyped-def]
    db, cycle = polled
    assert {d.name: d.status for d in cycle.devices}["huawei_ac6605-26"] == "up"
    expected = expect_huawei()
    code, got = wireless_json(db, "huawei_ac6605-26", capsys)
    assert code == 0 and got["module"] == "huawei_ac" and got["error"] is None
    for key in ("aps_online", "aps_total", "clients_total", "clients_by_ssid"):
        assert got[key] == expected[key], key
    assert {k: got[k] for k in LIBRENMS_HUAWEI} == LIBRENMS_HUAWEI
    assert got["sources"]["aps_online"] == "HUAWEI-WLAN-GLOBAL-MIB::hwWlanCurJointApNum"
    assert got["sources"]["clients_total"].startswith("sum of HUAWEI-WLAN-VAP-MIB::hwWlanSsid2gStaCnt")
    assert sorted(ap["name"] for ap in got["aps"]) == expected["ap_names"]
    # The table says nothing about the AP's state: unknown, not offline.
    assert [(ap["status"], ap["status_raw"], ap["clients"]) for ap in got["aps"]] == [("unknown", None, None)]


@pytest.mark.parametrize("name", ["unifi_10002", "unifi_linux"])
def test_unifi_with_a_generic_sysobjectid_is_read_by_the_unifi_module(polled, nanohd, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    db, cycle = polled
    assert {d.name: d.status for d in cycle.devices}[name] == "up"
    expected = expect_unifi(UNIFI_OLD if name == "unifi_10002" else nanohd)
    code, got = wireless_json(db, name, capsys)
    assert code == 0 and got["module"] == "unifi" and got["error"] is None
    for key in ("aps_online", "aps_total", "clients_total", "clients_by_ssid"):
        assert got[key] == expected[key], key
    if name == "unifi_10002":  # what LibreNMS read: Clients (ng) 4; SSID Main SSID 1, guest 3, Maintenance 0
        assert got["clients_total"] == 4 and got["clients_by_ssid"] == {"Main SSID": 1, "guest": 3, "Maintenance": 0}
        assert [r["clients"] for r in got["aps"][0]["radios"]] == [4]


def test_generic_identities_have_no_module_of_their_own(nanohd: Path) -> None:
    old = parse_snmprec(UNIFI_OLD)
    assert reader_for(identify(old["1.3.6.1.2.1.1.2.0"][1], old[SYS_DESCR][1].decode())) is None
    assert identify(parse_snmprec(nanohd)["1.3.6.1.2.1.1.2.0"][1], LINUX_DESCR).platform == "net_snmp"


def test_a_linux_box_without_wireless_mibs_has_no_wireless_data(polled, capsys) -> None:  # type: ignore[no-untyped-def]
    db, cycle = polled
    assert {d.name: d.status for d in cycle.devices}["linux_server"] == "up"
    code, got = wireless_json(db, "linux_server", capsys)
    assert code == 1 and got["wireless"] is None


# ------------------------------------------------------------------------------------------------ the probe itself


class CountingSession(SnmpSession):
    """An SnmpSession that counts its GETNEXT probes."""

    probes = 0

    async def get_next(self, oids: Any) -> Any:
        CountingSession.probes += 1
        return await super().get_next(oids)


def read(target: SnmpTarget, descr: str, oid: str) -> tuple[WirelessSnapshot | None, int]:
    """fetch_wireless(probe=True) on a new session, as a poll does; (snapshot, probes sent)."""

    async def go() -> WirelessSnapshot | None:
        async with CountingSession(target) as session:
            facts = DeviceFacts(target.host, "ap", None)
            return await fetch_wireless(session, identify(oid, descr), facts, probe=True)

    before = CountingSession.probes
    snapshot = asyncio.run(go())
    return snapshot, CountingSession.probes - before


@pytest.fixture
def unifi_sim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(probe, "FOUND", probe.Found())  # nothing remembered from other tests (ports are reused)
    with SnmpSim(tmp_path, {"unifi": UNIFI_OLD}) as sim:
        yield sim


def test_probe_is_sent_once_then_remembered(unifi_sim: SnmpSim) -> None:
    target = unifi_sim.target("unifi", timeout=5.0)
    first, probes_first = read(target, "Linux 3.3.8", "1.3.6.1.4.1.10002.1")
    second, probes_second = read(target, "Linux 3.3.8", "1.3.6.1.4.1.10002.1")
    assert first is not None and second is not None and first.module == second.module == "unifi"
    assert (probes_first, probes_second) == (1, 0)
    assert first.clients_total == second.clients_total == 4


def test_a_remembered_module_that_stops_answering_is_probed_again(
    unifi_sim: SnmpSim, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = unifi_sim.target("unifi", timeout=5.0)
    assert read(target, "Linux 3.3.8", "1.3.6.1.4.1.10002.1")[1] == 1
    key = probe.key_of(SnmpSession(target), identify("1.3.6.1.4.1.10002.1", "Linux 3.3.8"))
    assert probe.FOUND.get(key) == "unifi_ap"

    async def nothing(session: SnmpSession, facts: DeviceFacts) -> None:
        return None

    monkeypatch.setitem(dw.VENDOR_MODULES, "unifi_ap", nothing)
    snapshot, probes = read(target, "Linux 3.3.8", "1.3.6.1.4.1.10002.1")
    assert snapshot is None and probes == 1  # its module found nothing: asked again, the standard MIB tried too
    assert probe.FOUND.get(key) is None


def _oids_read_by(module: Any) -> list[str]:
    """Every OID a vendor module declares (column and scalar maps, single objects)."""
    found: list[str] = []
    for value in vars(module).values():
        specs = value.values() if isinstance(value, dict) else [value]
        for spec in specs:
            if isinstance(spec, Num):
                found.append(spec.oid)
            elif isinstance(spec, str) and spec[:1].isdigit() and "." in spec:
                found.append(spec)
    return found


@pytest.mark.parametrize(("root", "platform"), probe.ROOTS)
def test_every_probe_root_is_a_mib_its_module_reads(root: str, platform: str) -> None:
    module = importlib.import_module(dw.VENDOR_MODULES[platform].__module__)
    assert any(oid == root or oid.startswith(root + ".") for oid in _oids_read_by(module)), (root, platform)
