"""Self-test of the namespace harness, checked with net-snmp's own command line tools (Debian ``snmp``)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_root, require_tool
from tests.netns import (
    AGENT_IF,
    DEFAULT_V3_USERS,
    MGMT_IF,
    PAYLOAD,
    AgentNetwork,
    V3User,
    cleanup_stale,
)

pytestmark = [pytest.mark.netns]

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
ENGINE_BOOTS = "1.3.6.1.6.3.10.2.1.2.0"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_IN_OCTETS = "1.3.6.1.2.1.2.2.1.10"
IF_OUT_OCTETS = "1.3.6.1.2.1.2.2.1.16"
IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"
IF_HC_OUT_OCTETS = "1.3.6.1.2.1.31.1.1.1.10"
IFTABLE_CACHE_TIMEOUT = "1.3.6.1.4.1.8072.1.5.3.1.2.1.3.6.1.2.1.2.2"
HEADERS = 14 + 20 + 8  # Ethernet, IPv4, UDP per datagram


@pytest.fixture(scope="module")
def net() -> Iterator[AgentNetwork]:
    """One agent network with 48 extra interfaces for the whole module."""
    require_tool("snmpget")
    with AgentNetwork(extra_interfaces=48) as agent_network:
        yield agent_network


def snmp(net: AgentNetwork, tool: str, *args: str) -> list[str]:
    """Run a net-snmp tool against the agent with the v2c read community; values only, one per line."""
    cmd = [require_tool(tool), "-v2c", "-c", net.community, "-m", "", "-On", "-Oqvt", "-t", "1", "-r", "2"]
    done = subprocess.run(
        [*cmd, f"{net.host}:{net.port}", *args], capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout.splitlines()


def counters(net: AgentNetwork, *columns: str, ifname: str = AGENT_IF) -> list[int]:
    """One snmpget of the given IF-MIB counter columns for an interface."""
    index = net.ifindex(ifname)
    return [int(v) for v in snmp(net, "snmpget", *(f"{col}.{index}" for col in columns))]


def test_snmpd_answers_from_root_namespace(net: AgentNetwork) -> None:
    assert net.host.startswith("198.18.")
    (descr,) = snmp(net, "snmpget", SYS_DESCR)
    assert "Linux" in descr


@pytest.mark.parametrize("user", DEFAULT_V3_USERS, ids=lambda u: u.name)
def test_v3_auth_priv_users(net: AgentNetwork, user: V3User) -> None:
    assert user in net.v3_users
    u = user
    cmd = [require_tool("snmpget"), "-v3", "-l", "authPriv", "-u", u.name, "-a", u.auth, "-A", u.auth_key]
    cmd += ["-x", u.priv, "-X", u.priv_key, "-m", "", "-Oqv", "-t", "1", "-r", "2", f"{net.host}:{net.port}"]
    done = subprocess.run([*cmd, SYS_DESCR], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert "Linux" in done.stdout
    wrong = [c if c != u.auth_key else "wrong-key-123" for c in cmd]
    done = subprocess.run([*wrong, SYS_DESCR], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode != 0


def test_counter_cache_is_off(net: AgentNetwork) -> None:
    assert snmp(net, "snmpget", IFTABLE_CACHE_TIMEOUT) == ["0"]


def test_rw_community_only_reaches_the_cache_table(net: AgentNetwork) -> None:
    base = [require_tool("snmpset"), "-v2c", "-c", net.rw_community, "-m", "", "-t", "1", "-r", "0"]
    done = subprocess.run(
        [*base, f"{net.host}:{net.port}", "1.3.6.1.2.1.1.4.0", "s", "nope"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode != 0
    assert "noAccess" in done.stdout + done.stderr or "notWritable" in done.stdout + done.stderr


def test_polling_does_not_touch_the_measured_link(net: AgentNetwork) -> None:
    before = net.kernel_counters(AGENT_IF)
    for _ in range(5):
        snmp(net, "snmpget", SYS_UPTIME)
    after = net.kernel_counters(AGENT_IF)
    assert (after["rx_bytes"], after["tx_bytes"]) == (before["rx_bytes"], before["tx_bytes"])
    assert net.kernel_counters(MGMT_IF)["rx_bytes"] > 0


@pytest.mark.parametrize(
    ("direction", "kernel_key", "columns"),
    [
        ("to_agent", "rx_bytes", (IF_IN_OCTETS, IF_HC_IN_OCTETS)),
        ("from_agent", "tx_bytes", (IF_OUT_OCTETS, IF_HC_OUT_OCTETS)),
    ],
)
def test_agent_counters_follow_the_kernel(
    net: AgentNetwork, direction: str, kernel_key: str, columns: tuple[str, str]
) -> None:
    kernel_before = net.kernel_counters()[kernel_key]
    snmp_before = counters(net, *columns)
    sent = net.send_traffic(5_000_000, direction=direction)  # type: ignore[arg-type]
    kernel_after = net.kernel_counters()[kernel_key]
    snmp_after = counters(net, *columns)  # read at once: no cache to wait out

    assert sent == 5_000_000
    datagrams = -(-sent // PAYLOAD)
    kernel_delta = kernel_after - kernel_before
    # Static neighbours and no IPv6: nothing but our datagrams crosses the measured link.
    assert kernel_delta == sent + datagrams * HEADERS
    assert [a - b for a, b in zip(snmp_after, snmp_before, strict=True)] == [kernel_delta, kernel_delta]


def test_traffic_at_rate_is_spread_and_bounded(net: AgentNetwork) -> None:
    start = time.monotonic()
    sent = net.send_traffic_at_rate(4_000_000, 1.0)
    elapsed = time.monotonic() - start
    assert 0.8 * 500_000 <= sent <= 500_000
    assert 0.9 <= elapsed < 5


def test_send_traffic_is_bounded_by_time(net: AgentNetwork) -> None:
    start = time.monotonic()
    sent = net.send_traffic(10**12, max_seconds=0.3)
    assert sent < 10**12
    assert time.monotonic() - start < 5


def test_send_traffic_rejects_bad_arguments(net: AgentNetwork) -> None:
    with pytest.raises(ValueError):
        net.send_traffic(1000, direction="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        net.send_traffic(-1)
    assert net.send_traffic(0) == 0


def test_extra_interfaces_show_up_in_iftable(net: AgentNetwork) -> None:
    names = set(snmp(net, "snmpwalk", IF_DESCR))
    names = {n.strip('"') for n in names}
    assert {f"cn-dum{i}" for i in range(48)} <= names
    assert {AGENT_IF, MGMT_IF, "lo"} <= names
    assert len(names) >= 51


def test_kernel_counters_and_ifindex(net: AgentNetwork) -> None:
    stats = net.kernel_counters()
    assert {"rx_bytes", "tx_bytes", "rx_packets", "tx_packets"} <= set(stats)
    assert net.ifindex(AGENT_IF) != net.ifindex(MGMT_IF)
    with pytest.raises(ValueError):
        net.kernel_counters("bad name; rm -rf")


def test_restart_agent_is_a_reboot(net: AgentNetwork) -> None:
    deadline = time.monotonic() + 5
    while int(snmp(net, "snmpget", SYS_UPTIME)[0]) < 300 and time.monotonic() < deadline:
        time.sleep(0.2)
    uptime_before, boots_before = (int(v) for v in snmp(net, "snmpget", SYS_UPTIME, ENGINE_BOOTS))
    net.restart_agent()
    uptime_after, boots_after = (int(v) for v in snmp(net, "snmpget", SYS_UPTIME, ENGINE_BOOTS))
    assert uptime_after < uptime_before
    assert boots_after == boots_before + 1
    # The cache is switched off again after the restart: counters are live at once.
    assert snmp(net, "snmpget", IFTABLE_CACHE_TIMEOUT) == ["0"]
    kernel_before = net.kernel_counters()["rx_bytes"]
    (snmp_before,) = counters(net, IF_HC_IN_OCTETS)
    net.send_traffic(100_000)
    (snmp_after,) = counters(net, IF_HC_IN_OCTETS)
    assert snmp_after - snmp_before == net.kernel_counters()["rx_bytes"] - kernel_before


def test_stale_namespaces_of_dead_processes_are_removed() -> None:
    require_root()
    ip = require_tool("ip")
    dead = subprocess.Popen(["true"])
    dead.wait()
    name = f"cn-agent-{dead.pid}-1"
    subprocess.run([ip, "netns", "add", name], check=True)
    try:
        assert name in cleanup_stale(ip)
        listing = subprocess.run([ip, "netns", "list"], capture_output=True, text=True, check=True).stdout
        assert name not in listing.split()
    finally:
        subprocess.run([ip, "netns", "del", name], capture_output=True, check=False)


def test_namespaces_are_deleted_on_exit(tmp_path: Path) -> None:
    require_root()
    ip = require_tool("ip")
    with AgentNetwork(tmp_path / "agent") as temporary:
        assert temporary.agent_address == temporary.host
        assert (tmp_path / "agent" / "snmpd.conf").exists()
        names = (temporary.agent_ns, temporary.peer_ns)
        root_if = temporary.root_if
        listing = subprocess.run([ip, "netns", "list"], capture_output=True, text=True, check=True).stdout
        assert all(n in listing for n in names)
    listing = subprocess.run([ip, "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert not any(n in listing for n in names)
    links = subprocess.run([ip, "link", "show", root_if], capture_output=True, check=False)
    assert links.returncode != 0
    assert (tmp_path / "agent" / "snmpd.log").exists()  # the caller's folder is left in place
