"""Wireless data from the public recordings kept in tests/data/snmprec (see its README), served by snmpsim and read
through a real poll and the CLI: a Huawei AC whose AP table has no run state, and UniFi APs whose sysObjectID and
sysDescr name no wireless vendor.

Expected values are computed here from the recordings' text, and checked against what LibreNMS read from the same
recordings (written in each file's header).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from monitor.cli import main as cli
from monitor.scheduler import Poller
from tests.helpers import add_device, run_cycle
from tests.peers import SnmpSim, parse_snmprec

pytestmark = pytest.mark.snmpsim

DATA = Path(__file__).parent / "data" / "snmprec"
HUAWEI = DATA / "huawei_ac6605-26.snmprec"

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
def polled(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    sources: dict[str, Path | str] = {"huawei_ac6605-26": HUAWEI}
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
