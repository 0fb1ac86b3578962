"""Real traffic: net-snmp snmpd in a network namespace, bytes sent across a veth link, rates checked against the
kernel's own counters; and an agent restart between polls."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from monitor.polling.scheduler import Poller
from tests.helpers import add_device, rows, run_cycle
from tests.netns import AgentNetwork

COMMUNITY = "campus-test"


@pytest.fixture
def net(tmp_path: Path):  # type: ignore[no-untyped-def]
    with AgentNetwork(tmp_path / "net", community=COMMUNITY) as network:
        yield network


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPUSNET_SECRETS", "file")
    return tmp_path / "inventory.db"


def port_row(db: Path, ifname: str):  # type: ignore[no-untyped-def]
    return rows(db, "SELECT * FROM ports WHERE name = ?", ifname)[0]


def test_rates_match_kernel_counters(net: AgentNetwork, db: Path) -> None:
    add_device(db, "agent", 161, COMMUNITY, host=net.agent_address)
    poller = Poller(db)
    try:
        run_cycle(poller)
        k0 = net.kernel_counters("veth-a")
        ts0 = rows(db, "SELECT ts FROM port_state WHERE port_id = ?", port_row(db, "veth-a")["id"])[0]["ts"]
        net.send_traffic_at_rate(120_000_000, 2.0, direction="to_agent")  # 30 MB over 2 s
        net.send_traffic_at_rate(32_000_000, 1.0, direction="from_agent")  # 4 MB over 1 s
        k1 = net.kernel_counters("veth-a")
        run_cycle(poller)
        k2 = net.kernel_counters("veth-a")
    finally:
        poller.close()
    port = port_row(db, "veth-a")
    assert port["counter_bits"] == 64
    ts1 = rows(db, "SELECT ts FROM port_state WHERE port_id = ?", port["id"])[0]["ts"]
    # The measured link is quiet while polling (SNMP goes over the management link), so the kernel counters read
    # around each poll are what the agent saw at that poll.
    assert k1["rx_bytes"] == k2["rx_bytes"]
    kernel_in_bps = (k2["rx_bytes"] - k0["rx_bytes"]) * 8 / (ts1 - ts0)
    kernel_out_bps = (k2["tx_bytes"] - k0["tx_bytes"]) * 8 / (ts1 - ts0)
    assert k2["rx_bytes"] - k0["rx_bytes"] >= 30_000_000
    assert port["in_bps"] == pytest.approx(kernel_in_bps, rel=0.02)
    assert port["out_bps"] == pytest.approx(kernel_out_bps, rel=0.02)


def test_agent_restart_stores_a_gap_not_a_spike(net: AgentNetwork, db: Path) -> None:
    add_device(db, "agent", 161, COMMUNITY, host=net.agent_address)
    poller = Poller(db)
    try:
        run_cycle(poller)
        net.send_traffic(2_000_000, direction="to_agent")
        time.sleep(1.1)  # samples are kept per second
        run_cycle(poller)
        # sysUpTime must clearly go back at the restart: let the agent run well past the 1.1 s it will have after it.
        time.sleep(2.0)
        net.restart_agent()
        net.send_traffic(2_000_000, direction="to_agent")
        time.sleep(1.1)
        run_cycle(poller)
        net.send_traffic(2_000_000, direction="to_agent")
        time.sleep(1.1)
        run_cycle(poller)
    finally:
        poller.close()
    port_id = port_row(db, "veth-a")["id"]
    values = [r["in_bps"] for r in rows(db, "SELECT in_bps FROM samples WHERE port_id = ? ORDER BY ts", port_id)]
    assert len(values) == 3
    assert values[0] is not None and values[0] > 0
    assert values[1] is None  # the poll right after the restart: a gap
    assert values[2] is not None and values[2] > 0
    events = [r["kind"] for r in rows(db, "SELECT kind FROM events ORDER BY id")]
    assert "reboot" in events
    all_values = [r["in_bps"] for r in rows(db, "SELECT in_bps FROM samples")]
    assert all(v is None or v >= 0 for v in all_values)
