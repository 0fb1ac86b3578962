"""Wireless readers against agents that answer nonsense numbers: each value is checked against its object's type.

Every numeric value under the vendor and IEEE 802.11 MIBs of the real recordings (the shared ones and those in
tests/data/snmprec) is replaced, in turn, by a value above 2^63 (Counter64 2^64-1), a Counter64 where a 32-bit object
belongs (2^40) and a negative count (-5). The poll must stay up without a wireless error, no figure may carry such a
value (they become unknown), and each is logged.
Modules without a recording get a small made-up agent of the same kind (names below), to the same end.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from monitor.cli.main import main as cli
from monitor.polling.scheduler import Poller
from tests.helpers import add_device, rows, run_cycle

pytestmark = pytest.mark.snmpsim

RECORDINGS = [
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
# Public recordings kept in tests/data/snmprec (see its README).
DATA = Path(__file__).parent / "data" / "snmprec"
KEPT = ["huawei_ac6605-26"]
JUNK = ("70|18446744073709551615", "70|1099511627776", "2|-5")
JUNK_VALUES = {2**64 - 1, 2**40, -5}
NUMERIC_TAGS = {"2", "65", "66", "67", "70"}
VENDOR_TREES = ("1.3.6.1.4.1.", "1.2.840.10036.")


def _system(descr: str, object_id: str) -> list[str]:
    return [
        f"1.3.6.1.2.1.1.1.0|4|{descr}",
        f"1.3.6.1.2.1.1.2.0|6|{object_id}",
        "1.3.6.1.2.1.1.3.0|67|123456",
        "1.3.6.1.2.1.1.5.0|4|made-up",
    ]


# Made-up agents for the modules no recording covers: one text object each (so there is something to report) and
# numbers the junk replaces. N stands for a number.
MADE_UP = {
    "fortigate": [
        *_system("FortiGate-60F", "1.3.6.1.4.1.12356.101.1.641"),
        *(f"1.3.6.1.4.1.12356.101.14.2.{n}.0|66|N" for n in (4, 5, 7)),
        "1.3.6.1.4.1.12356.101.14.4.3.1.3.1.4.70.80.49.50|4|ap-1",
        "1.3.6.1.4.1.12356.101.14.4.4.1.7.1.4.70.80.49.50|2|N",
        "1.3.6.1.4.1.12356.101.14.4.4.1.8.1.4.70.80.49.50|67|N",
        "1.3.6.1.4.1.12356.101.14.4.4.1.17.1.4.70.80.49.50|66|N",
    ],
    "mikrotik-ap": [
        *_system("RouterOS cAP ac", "1.3.6.1.4.1.14988.1"),
        "1.3.6.1.4.1.14988.1.1.1.3.1.4.5|4|school",
        "1.3.6.1.4.1.14988.1.1.1.3.1.6.5|65|N",
        "1.3.6.1.4.1.14988.1.1.1.3.1.7.5|2|N",
    ],
    "zyxel-nwa": [
        *_system("NWA5123-AC", "1.3.6.1.4.1.890.1.15"),
        "1.3.6.1.4.1.890.1.15.3.5.1.1.2.1|66|N",
        "1.3.6.1.4.1.890.1.15.3.5.1.1.2.2|66|N",
        "1.3.6.1.4.1.890.1.15.3.5.15.0|2|N",
    ],
    "ruckus-unleashed": [
        *_system("Ruckus Wireless R510", "1.3.6.1.4.1.25053.3.1.5.1"),
        *(f"1.3.6.1.4.1.25053.1.15.1.1.1.15.{n}.0|66|N" for n in (1, 2, 15)),
    ],
    "dlink-dap": [
        *_system("D-Link DAP-2610", "1.3.6.1.4.1.171.10.37.99"),
        "1.2.840.10036.1.1.1.9.5|4|school",
        "1.2.840.10036.4.5.1.1.5|2|N",
        "1.2.840.10036.4.11.1.1.5|2|N",
    ],
}


def junk(text: str) -> tuple[str, int]:
    """The recording with every number under the vendor trees replaced (cycling through JUNK); how many were."""
    out, count = [], 0
    for line in text.split("\n"):
        parts = line.split("|", 2)
        if len(parts) == 3 and parts[0].startswith(VENDOR_TREES) and parts[1] in NUMERIC_TAGS:
            line = f"{parts[0]}|{JUNK[count % len(JUNK)]}"
            count += 1
        out.append(line)
    return "\n".join(out), count


def numbers(value: Any) -> list[int]:
    """Every integer in a JSON value, and every channel given as text."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        found = [n for k, v in value.items() if k != "key" for n in numbers(v)]
        channel = value.get("channel")
        if isinstance(channel, str) and channel.lstrip("-").isdigit():
            found.append(int(channel))
        return found
    if isinstance(value, list):
        return [n for v in value for n in numbers(v)]
    return []


@pytest.fixture(scope="module")
def junk_polled(snmprec_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.peers import SnmpSim

    sources: dict[str, str] = {}
    for name in RECORDINGS:
        sources[name], count = junk((snmprec_dir / f"{name}.snmprec").read_text(encoding="latin-1"))
        assert count > 0, name
    for name in KEPT:
        sources[name], count = junk((DATA / f"{name}.snmprec").read_text(encoding="latin-1"))
        assert count > 0, name
    for name, lines in MADE_UP.items():
        sources[name], _ = junk("\n".join(line.replace("|N", "|1") for line in lines) + "\n")
    sim = SnmpSim(tmp_path_factory.mktemp("sim"), sources).start()
    db = tmp_path_factory.mktemp("db") / "inventory.db"
    saved = os.environ.get("CAMPUSNET_SECRETS")
    os.environ["CAMPUSNET_SECRETS"] = "file"
    handler = _Collect()
    logging.getLogger("devices.wireless").addHandler(handler)
    try:
        for name in sources:
            add_device(db, name, sim.port, name, timeout_s=3.0)
        poller = Poller(db, concurrency=4)
        try:
            cycle = run_cycle(poller)
        finally:
            poller.close()
        yield db, cycle, handler.records
    finally:
        logging.getLogger("devices.wireless").removeHandler(handler)
        sim.close()
        if saved is None:
            os.environ.pop("CAMPUSNET_SECRETS", None)
        else:
            os.environ["CAMPUSNET_SECRETS"] = saved


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_nonsense_numbers_never_fail_a_poll(junk_polled) -> None:  # type: ignore[no-untyped-def]
    db, cycle, _records = junk_polled
    assert {d.name: d.status for d in cycle.devices} == dict.fromkeys([*RECORDINGS, *KEPT, *MADE_UP], "up")
    assert rows(db, "SELECT * FROM device_polls WHERE error IS NOT NULL") == []
    assert rows(db, "SELECT * FROM wireless_state WHERE error IS NOT NULL") == []


@pytest.mark.parametrize("name", [*RECORDINGS, *KEPT, *MADE_UP])
def test_nonsense_numbers_become_unknown(junk_polled, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    db, _cycle, _records = junk_polled
    code = cli(["--db", str(db), "wireless", name, "--json"])
    got = json.loads(capsys.readouterr().out)
    if code == 1:  # every figure it had was nonsense: no wireless data at all is a fair answer
        assert got["wireless"] is None
    else:
        assert code == 0
        found = numbers({k: v for k, v in got.items() if k not in ("device", "ts", "sources")})
        assert not JUNK_VALUES & set(found), (name, found)
        assert all(0 <= n < 2**31 for n in found), (name, found)
        assert got["clients_total"] is None or got["clients_total"] < 2**31


def test_each_nonsense_value_is_logged_with_its_reason(junk_polled) -> None:  # type: ignore[no-untyped-def]
    _db, _cycle, records = junk_polled
    messages = [r.getMessage() for r in records if "taken as unknown" in r.getMessage()]
    assert any("= 18446744073709551615 is outside" in m for m in messages)
    assert any("= 1099511627776 is outside 0..4294967295" in m for m in messages)  # a Counter64 in a 32-bit column
    assert any("= -5 is outside 0.." in m for m in messages)  # a negative count
