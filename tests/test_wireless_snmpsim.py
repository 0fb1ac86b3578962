"""Wireless data from real controller and AP recordings served by snmpsim, through a real poll and the CLI.

Expected values are computed here from the .snmprec text (parse_snmprec, OID by OID), independently of the
vendor modules, and cross-checked with what LibreNMS parsed from the same recordings (expected/NAME.json).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from monitor.cli.main import main as cli
from monitor.polling.scheduler import Poller
from tests.helpers import add_device, rows, run_cycle
from tests.peers import SnmpSim, parse_snmprec

pytestmark = pytest.mark.snmpsim

WIRELESS = [
    "ciscowlc_cbw240ac",
    "arubaos",
    "aruba-instant",
    "ruckuswireless_zd1200",
    "ruckuswireless-sz",
    "zyxelwlc_nxc2500",
    "unifi_nanohd",
    "fortiap_fap831f",
    "hiveos-wireless_2",
]
NO_WIRELESS = ["ios_2960x", "procurve_2520", "dlinkap_1", "routeros_crs317"]

Recs = dict[str, tuple[str, Any]]


# ------------------------------------------------------------------------------------------------ the recordings


def column(recs: Recs, prefix: str) -> dict[str, Any]:
    """{index: value} of every OID below ``prefix`` (a column or a scalar's parent)."""
    return {oid[len(prefix) + 1 :]: value for oid, (_tag, value) in recs.items() if oid.startswith(prefix + ".")}


def text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def mac_of(index: str) -> str:
    return ":".join(f"{int(p):02x}" for p in index.split(".")[:6])


def by_ssid(names: dict[str, Any], counts: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for index, name in names.items():
        if index in counts and text(name):
            out[text(name)] = out.get(text(name), 0) + int(counts[index])
    return out


def per_ap_sum(col: dict[str, Any]) -> dict[str, int]:
    """{AP MAC: sum over its radios} of a column indexed by MAC + radio."""
    out: dict[str, int] = {}
    for index, value in col.items():
        out[mac_of(index)] = out.get(mac_of(index), 0) + int(value)
    return out


def expect_cisco(r: Recs) -> dict[str, Any]:
    assert "1.3.6.1.4.1.9.9.513.1.3.35.0" not in r  # so clsSysApConnectCount is the one used
    ess = "1.3.6.1.4.1.14179.2.1.1.1"
    ssids = by_ssid(column(r, f"{ess}.2"), column(r, f"{ess}.38"))
    names = {mac_of(i): text(v) for i, v in column(r, "1.3.6.1.4.1.14179.2.2.1.1.3").items()}
    users = per_ap_sum(column(r, "1.3.6.1.4.1.14179.2.2.2.1.15"))
    return {
        "aps_online": r["1.3.6.1.4.1.9.9.618.1.8.4.0"][1],
        "aps_total": len(names),
        "clients_total": sum(ssids.values()),
        "clients_by_ssid": ssids,
        "ap_clients": {names[mac]: users[mac] for mac in names},
        "ap_status_raw": dict.fromkeys(names.values()),
    }


def expect_aruba_controller(r: Recs) -> dict[str, Any]:
    wlan = "1.3.6.1.4.1.14823.2.2.1.5.2.1"
    assert not column(r, f"{wlan}.4") and not column(r, f"{wlan}.8")  # AP and ESSID tables not recorded
    names = {mac_of(i): text(v) for i, v in column(r, f"{wlan}.5.1.16").items()}
    clients = per_ap_sum(column(r, f"{wlan}.5.1.7"))
    return {
        "aps_online": r["1.3.6.1.4.1.14823.2.2.1.1.3.1.0"][1],
        "aps_total": None,
        "clients_total": r["1.3.6.1.4.1.14823.2.2.1.1.3.2.0"][1],
        "clients_by_ssid": {},
        "ap_clients": {names[mac]: clients[mac] for mac in names},
        "ap_status_raw": dict.fromkeys(names.values()),
    }


def expect_aruba_instant(r: Recs) -> dict[str, Any]:
    ai = "1.3.6.1.4.1.14823.2.3.3.1"
    names = {mac_of(i): text(v) for i, v in column(r, f"{ai}.2.1.1.2").items()}
    status = {mac_of(i): {1: "up", 2: "down"}[v] for i, v in column(r, f"{ai}.2.1.1.11").items()}
    clients = per_ap_sum(column(r, f"{ai}.2.2.1.21"))
    ssids = by_ssid(column(r, f"{ai}.1.7.1.2"), column(r, f"{ai}.1.7.1.4"))
    return {
        "aps_online": sum(1 for s in status.values() if s == "up"),
        "aps_total": len(names),
        "clients_total": sum(ssids.values()),
        "clients_by_ssid": ssids,
        "ap_clients": {names[mac]: clients[mac] for mac in names},
        "ap_status_raw": {names[mac]: status[mac] for mac in names},
    }


def expect_ruckus_zd(r: Recs) -> dict[str, Any]:
    zd = "1.3.6.1.4.1.25053.1.2"
    return {
        "aps_online": r[f"{zd}.1.1.1.15.1.0"][1],
        "aps_total": r[f"{zd}.1.1.1.15.15.0"][1],
        "clients_total": r[f"{zd}.1.1.1.15.2.0"][1],
        "clients_by_ssid": by_ssid(column(r, f"{zd}.2.1.1.1.1.1.1"), column(r, f"{zd}.2.1.1.1.1.1.12")),
        "ap_clients": {},
        "ap_status_raw": {},
    }


def expect_ruckus_sz(r: Recs) -> dict[str, Any]:
    sz = "1.3.6.1.4.1.25053.1.4"
    return {
        "aps_online": sum(column(r, "1.3.6.1.4.1.25053.1.8.1.1.1.1.1.1.19").values()),
        "aps_total": r[f"{sz}.1.1.1.15.1.0"][1],
        "clients_total": r[f"{sz}.1.1.1.15.2.0"][1],
        "clients_by_ssid": by_ssid(column(r, f"{sz}.2.1.1.1.2.1.1"), column(r, f"{sz}.2.1.1.1.2.1.12")),
        "ap_clients": {},
        "ap_status_raw": {},
    }


def expect_zyxel_nxc(r: Recs) -> dict[str, Any]:
    capwap = "1.3.6.1.4.1.890.1.15.3.3.1"
    assert f"{capwap}.2.0" not in r  # capwapOfflineAP not recorded: the managed total is unknown
    return {
        "aps_online": r[f"{capwap}.1.0"][1],
        "aps_total": None,
        "clients_total": r[f"{capwap}.4.0"][1],
        "clients_by_ssid": {},
        "ap_clients": {},
        "ap_status_raw": {},
    }


def standalone(r: Recs, ssids: dict[str, int], total: int) -> dict[str, Any]:
    name = text(r["1.3.6.1.2.1.1.5.0"][1]) if "1.3.6.1.2.1.1.5.0" in r else None
    return {
        "aps_online": 1,
        "aps_total": 1,
        "clients_total": total,
        "clients_by_ssid": ssids,
        "ap_clients": {name: total} if name else None,
        "ap_status_raw": {name: None} if name else None,
    }


def expect_unifi(r: Recs) -> dict[str, Any]:
    vap = "1.3.6.1.4.1.41112.1.6.1.2.1"
    ssids = by_ssid(column(r, f"{vap}.6"), column(r, f"{vap}.8"))
    return standalone(r, ssids, sum(ssids.values()))


def expect_fortiap(r: Recs) -> dict[str, Any]:
    vap = "1.3.6.1.4.1.12356.120.7.1.1"
    ssids = by_ssid(column(r, f"{vap}.4"), column(r, f"{vap}.45"))
    return standalone(r, ssids, sum(ssids.values()))


def expect_hiveos(r: Recs) -> dict[str, Any]:
    total = r["1.3.6.1.4.1.26928.1.2.9.0"][1]
    assert total == 0 and not column(r, "1.3.6.1.4.1.26928.1.1.1.2.1.2")  # no clients, so no associations
    names = {text(v) for v in column(r, "1.3.6.1.4.1.26928.1.1.1.2.1.1.1.2").values() if text(v) != "N/A"}
    return standalone(r, dict.fromkeys(names, 0), total)


EXPECT: dict[str, Callable[[Recs], dict[str, Any]]] = {
    "ciscowlc_cbw240ac": expect_cisco,
    "arubaos": expect_aruba_controller,
    "aruba-instant": expect_aruba_instant,
    "ruckuswireless_zd1200": expect_ruckus_zd,
    "ruckuswireless-sz": expect_ruckus_sz,
    "zyxelwlc_nxc2500": expect_zyxel_nxc,
    "unifi_nanohd": expect_unifi,
    "fortiap_fap831f": expect_fortiap,
    "hiveos-wireless_2": expect_hiveos,
}


# ------------------------------------------------------------------------------------------------ one real poll


@pytest.fixture(scope="module")
def polled(snmprec_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    names = WIRELESS + NO_WIRELESS
    sim = SnmpSim(tmp_path_factory.mktemp("sim"), {n: snmprec_dir / f"{n}.snmprec" for n in names}).start()
    db = tmp_path_factory.mktemp("db") / "inventory.db"
    saved = os.environ.get("CAMPUSNET_SECRETS")
    os.environ["CAMPUSNET_SECRETS"] = "file"
    try:
        for name in names:
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


@pytest.mark.parametrize("name", WIRELESS)
def test_wireless_json_matches_the_recording(polled, snmprec_dir: Path, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    db, _cycle = polled
    expected = EXPECT[name](parse_snmprec(snmprec_dir / f"{name}.snmprec"))
    code, got = wireless_json(db, name, capsys)
    assert code == 0
    for key in ("aps_online", "aps_total", "clients_total", "clients_by_ssid"):
        assert got[key] == expected[key], (name, key)
    if expected["ap_clients"] is not None:
        assert {ap["name"]: ap["clients"] for ap in got["aps"]} == expected["ap_clients"]
        assert {ap["name"]: ap["status_raw"] for ap in got["aps"]} == expected["ap_status_raw"]
    for ap in got["aps"]:
        assert ap["status"] in ("online", "offline", "unknown")
        assert (ap["status"] == "unknown") == (ap["status_raw"] is None and len(got["aps"]) > 1)
    for figure in ("aps_online", "aps_total", "clients_total", "clients_by_ssid"):
        assert (figure in got["sources"]) == (got[figure] not in (None, {})), (name, figure)


def _librenms_sensors(snmprec_dir: Path, name: str) -> list[dict[str, Any]]:
    wireless = json.loads((snmprec_dir / "expected" / f"{name}.json").read_text())["wireless"]
    section = wireless.get("poller") or wireless["discovery"]
    return [s for s in section["wireless_sensors"] if s["sensor_class"] in ("ap-count", "clients")]


def _our_figure(sensor: dict[str, Any], got: dict[str, Any]) -> Any:
    """The figure of ours that a LibreNMS sensor measures, by its description."""
    descr = sensor["sensor_descr"]
    if sensor["sensor_class"] == "ap-count":
        return got["aps_total"] if descr == "Total APs" else got["aps_online"]
    if descr.startswith("SSID"):  # "SSID: name" or "SSID name Clients"
        ssid = descr.removeprefix("SSID").removeprefix(":").strip().removesuffix(" Clients")
        return got["clients_by_ssid"][ssid]
    if descr.startswith("Clients (") and len(got["aps"]) == 1:  # a UniFi radio: "Clients (ng)"
        radio = descr[len("Clients (") : -1]
        return next(r["clients"] for r in got["aps"][0]["radios"] if r["index"] == radio)
    if " Radio " in descr:  # an Aruba Instant radio: "<serial> Radio <n>"
        serial, _, radio = descr.partition(" Radio ")
        ap = next(a for a in got["aps"] if a["serial"] == serial)
        return next(r["clients"] for r in ap["radios"] if r["index"] == radio)
    return got["clients_total"]  # "Clients: Total", "Client Count", "System Total", "Total Clients"


@pytest.mark.parametrize("name", [n for n in WIRELESS if n != "hiveos-wireless_2"])
def test_figures_agree_with_librenms(polled, snmprec_dir: Path, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    db, _cycle = polled
    _code, got = wireless_json(db, name, capsys)
    sensors = _librenms_sensors(snmprec_dir, name)
    assert sensors
    # LibreNMS keeps one sensor per WLAN; WLANs sharing an SSID (the ZoneDirector's, all "<private>") add up.
    theirs: dict[tuple[str, str], int] = {}
    ours: dict[tuple[str, str], Any] = {}
    for sensor in sensors:
        key = (sensor["sensor_class"], sensor["sensor_descr"])
        theirs[key] = theirs.get(key, 0) + sensor["sensor_current"]
        ours[key] = _our_figure(sensor, got)
    assert ours == theirs


@pytest.mark.parametrize("name", NO_WIRELESS)
def test_devices_without_wireless_tables_say_so(polled, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    db, cycle = polled
    assert {d.name: d.status for d in cycle.devices}[name] == "up"
    assert cli(["--db", str(db), "wireless", name]) == 1
    assert capsys.readouterr().out.startswith(f"{name}: no wireless data")
    code, got = wireless_json(db, name, capsys)
    assert code == 1 and got["device"] == name and got["wireless"] is None
    assert rows(db, "SELECT * FROM wireless_state s JOIN devices d ON d.id = s.device_id WHERE d.name = ?", name) == []


def test_every_wireless_recording_polls_up_without_wireless_errors(polled) -> None:  # type: ignore[no-untyped-def]
    db, cycle = polled
    assert {d.name: d.status for d in cycle.devices} == dict.fromkeys(WIRELESS + NO_WIRELESS, "up")
    assert rows(db, "SELECT * FROM device_polls WHERE error IS NOT NULL") == []
    assert len(rows(db, "SELECT * FROM wireless_state WHERE error IS NULL")) == len(WIRELESS)


def test_wireless_text_output_lists_the_aps(polled, snmprec_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db, _cycle = polled
    assert cli(["--db", str(db), "wireless", "aruba-instant"]) == 0
    out = capsys.readouterr().out
    names = column(parse_snmprec(snmprec_dir / "aruba-instant.snmprec"), "1.3.6.1.4.1.14823.2.3.3.1.2.1.1.2")
    assert "APs online 3 of 3" in out
    for name in names.values():
        assert text(name) in out


def test_wireless_of_an_unknown_device_exits_2(polled, capsys) -> None:  # type: ignore[no-untyped-def]
    db, _cycle = polled
    assert cli(["--db", str(db), "wireless", "no-such-device", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no device named 'no-such-device'" in captured.err
